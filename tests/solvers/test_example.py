"""The shipped example is solved to proven optimum.

This is the README's first command as a test; it takes about 15 s on two
cores (the LP relaxations and CP-SAT searches of six levels in two parts).
"""

from __future__ import annotations

from pathlib import Path

from kaoa_match import SolveOptions, read_dir, solve
from tests.checker import check_plan, objective_values

EXAMPLE = Path(__file__).parents[2] / "kaoa_match" / "data" / "example"


def test_example_is_proven_optimal() -> None:
    problem = read_dir(EXAMPLE)
    plan = solve(problem, SolveOptions(workers=2, seed=0))
    assert plan.status == "optimal"
    assert all(lv.status == "optimal" and lv.value == lv.bound for lv in plan.levels)
    # Proven by the run itself (bound = value on every level), recorded here so
    # that a change which loses the optimum, or the proof, fails.
    assert plan.objectives == {
        "coverage": 897,
        "stability": 0,
        "fairness": 383,
        "wishes": 691,
        "interest": 50_297,
        "travel": 22_562,
        "together": 0,
    }
    assert plan.stats["restricted_to_nearest"] is False
    assert check_plan(problem, plan.assignments) == []
    assert objective_values(problem, plan.assignments) == plan.objectives
    # 250 BFE students x 3 days + 150 Praktikum blocks could be 900 placements;
    # the unassigned table accounts for every one that is missing.
    assert plan.objectives["coverage"] + int(plan.unassigned["missing"].sum()) == 900


def test_a_short_time_limit_reports_the_plan_it_returns() -> None:
    # Stopped early, every level still reports the returned plan's value and a
    # bound on the right side of it.
    problem = read_dir(EXAMPLE)
    plan = solve(problem, SolveOptions(workers=1, seed=0, time_limit_s=2))
    assert check_plan(problem, plan.assignments) == []
    assert objective_values(problem, plan.assignments) == plan.objectives
    for lv in plan.levels:
        assert (lv.value <= lv.bound) if lv.sense == "max" else (lv.value >= lv.bound), lv.name
