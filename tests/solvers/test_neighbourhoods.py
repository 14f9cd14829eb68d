"""Who may move in a round of local search (``search/neighbourhoods.py``), and
the rounds that use them on a Kreis too large for the levels' LPs."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np

from kaoa_match.generate import generate
from kaoa_match.model import (
    CalendarEntry,
    Company,
    Interest,
    Pair,
    Problem,
    SolveOptions,
    Student,
    TravelTime,
)
from kaoa_match.options import build_options
from kaoa_match.solvers.budget import TimePolicy
from kaoa_match.solvers.pipeline import solve
from kaoa_match.solvers.search.neighbourhoods import Neighbourhoods
from kaoa_match.solvers.variables import Candidates
from tests.checker import check_plan, objective_values
from tests.solvers.test_bfe_instances import offer, school

DAY = dt.date(2026, 11, 4)


def _kreis() -> Problem:
    """Students A, B (a together pair), C and D of one school, one BFE day;
    companies K1 (it, 2 places), K2 (bau, 1 place), K3 (medien, 1 place)."""
    students = [Student(student_id=s, school_id="S", grade=8) for s in "ABCD"]
    return Problem(
        schools=[school("S")],
        students=students,
        companies=[Company(company_id=c, lat=51.46, lon=7.01) for c in ("K1", "K2", "K3")],
        offers=[
            offer("O1", "K1", "it", DAY, capacity=2),
            offer("O2", "K2", "bau", DAY),
            offer("O3", "K3", "medien", DAY),
        ],
        calendar=[CalendarEntry(school_id="S", kind="bfe", grade=8, start_date=DAY, days=1)],
        interests=[
            Interest(student_id=s, field_id=f, score=score)
            for s in "ABCD"
            for f, score in (("it", 90), ("bau", 50), ("medien", 10))
        ],
        travel=[
            TravelTime(origin_id=s, company_id=c, minutes=minutes)
            for s in "ABCD"
            for c, minutes in (("K1", 30), ("K2", 10), ("K3", 20))
        ],
        pairs=[Pair(student_a="A", student_b="B", relation="together")],
    )


def _neighbourhoods(problem: Problem) -> tuple[Neighbourhoods, Candidates]:
    options = build_options(problem)
    cand = Candidates.from_options(options, np.ones(len(options), dtype=bool))
    groups = np.zeros(len(problem.students), dtype=np.int64)
    return Neighbourhoods(cand, groups, np.random.default_rng(0)), cand


def _plan(cand: Candidates, placed: dict[int, int]) -> np.ndarray:
    """The 0/1 plan over the candidates that puts student -> offer (indices)."""
    plan = np.zeros(len(cand), dtype=np.int64)
    for s, o in placed.items():
        plan[np.flatnonzero((cand.student == s) & (cand.offer == o))] = 1
    return plan


def test_pairs_apart_and_who_may_make_room_for_them() -> None:
    near, cand = _neighbourhoods(_kreis())
    # A at K2, B at K3, C and D fill K1: the pair is apart.
    plan = _plan(cand, {0: 1, 1: 2, 2: 0, 3: 0})
    assert near.apart([(0, 1)], plan) == [0]
    # Every company is one A and B could share: everyone else is a rival.
    assert np.flatnonzero(near.pair_and_rivals((0, 1), plan, 10)).tolist() == [0, 1, 2, 3]
    # A place is freed whole: C and D at K1 move together, or not at all.
    assert near.pair_and_rivals((0, 1), plan, 1).sum() == 4
    together = _plan(cand, {0: 0, 1: 0, 2: 1, 3: 2})
    assert near.apart([(0, 1)], together) == []


def test_gains_are_the_options_better_than_a_students_weakest_placement() -> None:
    near, cand = _neighbourhoods(_kreis())
    plan = _plan(cand, {0: 0, 1: 1, 2: 2, 3: 0})
    gains = near.gains("interest", plan)
    # B (bau, 50) gains at it; C (medien, 10) at it and bau; A, D have the best.
    assert sorted(zip(cand.student[gains].tolist(), cand.offer[gains].tolist(), strict=True)) == [
        (1, 0),
        (2, 0),
        (2, 1),
    ]
    travel = near.gains("travel", plan)
    # Shorter than K1's 30 minutes: K2 and K3 for A and D; K2 (10) for C at K3 (20).
    assert sorted(zip(cand.student[travel].tolist(), cand.offer[travel].tolist(), strict=True)) == [
        (0, 1),
        (0, 2),
        (2, 1),
        (3, 1),
        (3, 2),
    ]
    assert len(near.gains("coverage", plan)) == 0
    # A round around them: who gains, and who sits where they would go.
    near.size = 4
    free = near.seeds_and_rivals(gains, plan)
    assert free.sum() >= 2
    assert free[np.unique(cand.student[gains])].any()


def test_rounds_grow_while_they_finish_and_shrink_when_they_do_not() -> None:
    near, _ = _neighbourhoods(_kreis())
    near.size = 40.0
    near.adapt(True)
    assert near.size == 50.0
    for _ in range(30):
        near.adapt(False)
    assert near.size == 8.0  # the smallest round
    assert near.sample().sum() == 4  # one school of four students


def test_without_the_levels_lps_the_rounds_keep_every_rule_and_the_tolerance() -> None:
    # The neighbourhood rounds do the work of every level when no LP runs;
    # every plan keeps every rule, and interest stays within its 1 % of the
    # value it reached while travel and the pairs move.
    problem = generate("example", seed=3, students=60, praktikum_students=0)
    policy = replace(TimePolicy(), lns_seconds=0.5)
    plan = solve(
        problem, SolveOptions(workers=1, seed=0, use_lp=False, time_limit_s=12), policy=policy
    )
    assert check_plan(problem, plan.assignments) == []
    assert objective_values(problem, plan.assignments) == plan.objectives
    interest = next(lv for lv in plan.levels if lv.name == "interest")
    assert interest.held_at is None or interest.value >= interest.held_at
    for lv in plan.levels:
        assert lv.value <= lv.bound if lv.sense == "max" else lv.value >= lv.bound
        assert lv.status != "unknown"


def _chain_kreis() -> Problem:
    """A and B (a together pair) can meet only at K1 (it, 2 places); C reaches
    K1 and K2 (bau), D reaches K2 and K3 (medien); A also K3, B also K4
    (gesundheit), one place each. Every student reaches only fields of its top 3,
    so coverage and fairness are 4 in every plan that places all four. From
    A, C at K1, B at K4 and D at K2 the pair meets only if C moves to K2 and
    D on to K3: freeing the pair and C alone is not enough."""
    reach = {"A": ("K1", "K3"), "B": ("K1", "K4"), "C": ("K1", "K2"), "D": ("K2", "K3")}
    likes = {
        "A": {"it": 90, "medien": 50},
        "B": {"it": 90, "gesundheit": 50},
        "C": {"it": 90, "bau": 50},
        "D": {"bau": 90, "medien": 40},
    }
    fields = {"K1": "it", "K2": "bau", "K3": "medien", "K4": "gesundheit"}
    return Problem(
        schools=[school("S")],
        students=[Student(student_id=s, school_id="S", grade=8, max_travel_min=30) for s in "ABCD"],
        companies=[Company(company_id=c, lat=51.46, lon=7.01) for c in fields],
        offers=[
            offer(f"O{k}", c, f, DAY, capacity=2 if c == "K1" else 1)
            for k, (c, f) in enumerate(fields.items(), start=1)
        ],
        calendar=[CalendarEntry(school_id="S", kind="bfe", grade=8, start_date=DAY, days=1)],
        interests=[
            Interest(student_id=s, field_id=f, score=likes[s].get(f, 0))
            for s in "ABCD"
            for f in fields.values()
        ],
        travel=[
            TravelTime(origin_id=s, company_id=c, minutes=10 if c in reach[s] else 60)
            for s in "ABCD"
            for c in fields
        ],
        pairs=[Pair(student_a="A", student_b="B", relation="together")],
    )


def test_a_pair_whose_rival_must_push_a_third_student_on_is_freed_with_both() -> None:
    near, cand = _neighbourhoods(_chain_kreis())
    apart = _plan(cand, {0: 0, 1: 3, 2: 0, 3: 1})  # A, C at K1, B at K4, D at K2
    assert near.apart([(0, 1)], apart) == [0]
    # The pair's only shared place is K1: its rival is C.
    assert np.flatnonzero(near.pair_and_rivals((0, 1), apart, 10)).tolist() == [0, 1, 2]
    # C can only go on to K2, where D is: the chain frees D too.
    chain = near.pair_and_rivals((0, 1), apart, 10, chain=True)
    assert np.flatnonzero(chain).tolist() == [0, 1, 2, 3]


def test_a_pair_that_needs_a_chain_of_moves_is_placed_together() -> None:
    problem = _chain_kreis()
    for use_lp in (True, False):
        plan = solve(problem, SolveOptions(workers=1, seed=0, use_lp=use_lp, time_limit_s=20))
        assert check_plan(problem, plan.assignments) == []
        a = plan.assignments
        company = dict(zip(a.student_id, a.company_id, strict=True))
        assert company == {"A": "K1", "B": "K1", "C": "K2", "D": "K3"}
        values = {lv.name: (lv.value, lv.bound) for lv in plan.levels}
        # The levels above keep their optimum, and the pair counts.
        assert values["coverage"] == (4, 4)
        assert values["fairness"] == (4, 4)
        assert values["together"] == (1, 1)
        assert (plan.stats["together_pairs"], plan.stats["together_can_share"]) == (1, 1)


def test_a_pair_with_no_place_that_takes_both_is_not_counted_as_one_that_can_share() -> None:
    # K1 takes one student: A and B share no place with room for both.
    problem = _chain_kreis()
    offers = [
        o.model_copy(update={"capacity": 1}) if o.company_id == "K1" else o for o in problem.offers
    ]
    problem = problem.model_copy(update={"offers": offers})
    plan = solve(problem, SolveOptions(workers=1, seed=0, time_limit_s=20))
    assert (plan.stats["together_pairs"], plan.stats["together_can_share"]) == (1, 0)
    together = next(lv for lv in plan.levels if lv.name == "together")
    assert (together.value, together.bound) == (0, 0)
