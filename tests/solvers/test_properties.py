"""Random small Kreise: every plan obeys every rule and reports honest values.

Larger or random instances never assert one particular assignment; they
assert the independent checker, the recount of the objectives, each level's
value against its proven bound, and the missing counts in ``unassigned``.
"""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, settings

from kaoa_match import Problem, SolveOptions, solve
from tests.checker import check_plan, objective_values
from tests.strategies import small_problems

OPTIONS = SolveOptions(workers=1, seed=0, time_limit_s=10)


def _needed(problem: Problem) -> Counter[tuple[str, str]]:
    """(student, kind) -> placements the student needs (BFE days, 1 block)."""
    rows = {(e.school_id, e.grade, e.kind): e.needed_days for e in problem.calendar}
    needed: Counter[tuple[str, str]] = Counter()
    for s in problem.students:
        if (s.school_id, s.grade, "bfe") in rows:
            needed[(s.student_id, "bfe")] = rows[(s.school_id, s.grade, "bfe")]
        if (s.school_id, s.grade, "praktikum") in rows:
            needed[(s.student_id, "praktikum")] = 1
    return needed


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(problem=small_problems())
def test_every_plan_obeys_every_rule(problem: Problem) -> None:
    plan = solve(problem, OPTIONS)
    assert plan.status in ("optimal", "feasible")
    assert check_plan(problem, plan.assignments) == []
    assert plan.objectives == objective_values(problem, plan.assignments)
    for level, bound in plan.bounds.items():
        if level == "travel":
            assert plan.objectives[level] >= bound, level
        else:
            assert plan.objectives[level] <= bound, level


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problem=small_problems())
def test_unassigned_lists_what_is_missing(problem: Problem) -> None:
    plan = solve(problem, OPTIONS)
    got = Counter(zip(plan.assignments.student_id, plan.assignments.kind, strict=True))
    short = {
        (s, k): int(m)
        for s, k, m in zip(
            plan.unassigned.student_id, plan.unassigned.kind, plan.unassigned.missing, strict=True
        )
    }
    expected = {key: n - got[key] for key, n in _needed(problem).items() if n > got[key]}
    assert short == expected


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(problem=small_problems())
def test_reductions_keep_the_lexicographic_optimum(problem: Problem) -> None:
    # Parts, pruning, LP bounds and the variables they settle must not change
    # the optimum: the plain model (one CP-SAT search per level) is the referee.
    full = solve(problem, OPTIONS)
    plain = solve(
        problem,
        OPTIONS.model_copy(update={"decompose": False, "prune_dominated": False, "use_lp": False}),
    )
    assert full.status == plain.status == "optimal"
    assert full.objectives == plain.objectives
