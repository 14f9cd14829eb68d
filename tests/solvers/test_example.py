"""The shipped example is solved to proven optimum in contract version 2's
order (every level held exactly), given as the planner's priorities.

In that order it takes about 25 s on two cores (the LP relaxations and CP-SAT
searches of the levels in two parts). In the default order of version 3
(interest held within 1 %) the travel level below interest ends ``feasible``
at its search's cap, 15 minutes from its bound (README, *How the solver
works*), so that order is tested here only at a time limit, for the rules and
the bounds' side.
"""

from __future__ import annotations

from pathlib import Path

from kaoa_match import SolveOptions, read_dir, solve
from tests.checker import check_plan, objective_values
from tests.orders import V2_ORDER, in_v2_order

EXAMPLE = Path(__file__).parents[2] / "kaoa_match" / "data" / "example"


def test_example_is_proven_optimal_in_the_order_of_version_2() -> None:
    problem = in_v2_order(read_dir(EXAMPLE))
    plan = solve(problem, SolveOptions(workers=2, seed=0))
    assert [lv.name for lv in plan.levels] == list(V2_ORDER)
    assert plan.status == "optimal"
    assert all(lv.status == "optimal" and lv.value == lv.bound for lv in plan.levels)
    # Proven by the run itself (bound = value on every level), recorded here so
    # that a change which loses the optimum, or the proof, fails.
    # The grade-8 part is the example before issue 26 (747 BFE days); the
    # grade-9 part adds 10 courses and 5 Langzeitpraktika to its 150 blocks:
    # 3 of the 13 course takers and 1 of the 6 Langzeit students have no
    # option within 45 minutes (validate lists them), the one course of 13
    # seats takes the other 10.
    assert plan.objectives == {
        "coverage": 912,
        "stability": 0,
        "fairness": 386,
        "wishes": 674,
        "interest": 50_677,
        "travel": 23_035,
        "together": 0,
    }
    assert plan.stats["restricted_to_nearest"] is False
    assert check_plan(problem, plan.assignments) == []
    assert objective_values(problem, plan.assignments) == plan.objectives
    # 250 BFE students x 3 days + 150 Praktikum blocks + 13 courses + 6
    # Langzeitpraktika could be 919 placements; the unassigned table accounts
    # for every one that is missing.
    assert plan.objectives["coverage"] + int(plan.unassigned["missing"].sum()) == 919
    assert plan.summary()["missing_per_kind"] == {
        "bfe": 3,
        "praktikum": 0,
        "praxiskurs": 3,
        "langzeit": 1,
    }


def test_a_short_time_limit_reports_the_plan_it_returns() -> None:
    # Stopped early, every level still reports the returned plan's value and a
    # bound on the right side of it.
    problem = read_dir(EXAMPLE)
    plan = solve(problem, SolveOptions(workers=1, seed=0, time_limit_s=2))
    assert check_plan(problem, plan.assignments) == []
    assert objective_values(problem, plan.assignments) == plan.objectives
    for lv in plan.levels:
        assert (lv.value <= lv.bound) if lv.sense == "max" else (lv.value >= lv.bound), lv.name
