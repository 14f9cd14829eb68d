"""A level below a tolerance ends its search near its bound
(``TimePolicy.gap_below_tolerance``), and says so honestly: `feasible` with a
bound that still holds, never `optimal` for a plan that is not."""

from __future__ import annotations

from dataclasses import replace

from kaoa_match.generate import generate
from kaoa_match.model import SolveOptions
from kaoa_match.solvers.budget import DEFAULT_POLICY
from kaoa_match.solvers.pipeline import solve
from tests.checker import check_plan


def test_a_search_stopped_near_its_bound_reports_a_valid_bound() -> None:
    # The default order holds interest within 1 %, so travel is below a tolerance.
    problem = generate("example", seed=5, students=24, praktikum_students=0)
    options = SolveOptions(seed=0, workers=1)
    exact = solve(
        problem,
        options,
        policy=replace(DEFAULT_POLICY, gap_below_tolerance=0.0, search_below_tolerance=120.0),
    )
    travel = {lv.name: lv for lv in exact.levels}["travel"]
    assert travel.status == "optimal"
    optimum = travel.value

    # A 20 % gap: the search may stop at any plan this near its bound.
    near = solve(problem, options, policy=replace(DEFAULT_POLICY, gap_below_tolerance=0.2))
    assert check_plan(problem, near.assignments) == []
    levels = {lv.name: lv for lv in near.levels}
    assert levels["interest"].value == {lv.name: lv for lv in exact.levels}["interest"].value
    stopped = levels["travel"]
    # The bound holds (travel is minimised), and the plan is as near as promised.
    assert stopped.bound <= optimum <= stopped.value
    assert stopped.value <= stopped.bound * 1.2 + 1
    assert (stopped.status == "optimal") == (stopped.value == stopped.bound)
