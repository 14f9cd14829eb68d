"""The model reductions keep the lexicographic optimum.

Dominance pruning, the LP bounds and the search near the LP optimum only
change how fast a level is proven, never its value: on random small Kreise
the full plain model and the reduced one reach the same six values.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import HealthCheck, given, settings

from kaoa_match import Problem, SolveOptions, solve
from kaoa_match.model import (
    CalendarEntry,
    Company,
    Offer,
    PreviousAssignment,
    School,
    Student,
    TravelTime,
    Wish,
)
from kaoa_match.options import build_options
from kaoa_match.solvers.reduce import best_per_slot, prune_dominated_bfe
from kaoa_match.solvers.variables import Candidates
from tests.strategies import small_problems

DAY = dt.date(2026, 11, 4)


def _kreis(near_capacity: int, students: int) -> Problem:
    """``students`` students, one day, two offers in field it: near (10 min)
    with ``near_capacity`` places and far (30 min) with plenty."""
    ids = [f"s{i}" for i in range(students)]
    return Problem(
        schools=[School(school_id="S", lat=51.0, lon=7.0)],
        students=[Student(student_id=i, school_id="S", grade=8) for i in ids],
        companies=[
            Company(company_id="near", lat=51.0, lon=7.0),
            Company(company_id="far", lat=51.0, lon=7.0),
        ],
        offers=[
            Offer(offer_id="o_near", company_id="near", field_id="it", kind="bfe",
                  start_date=DAY, capacity=near_capacity),
            Offer(offer_id="o_far", company_id="far", field_id="it", kind="bfe",
                  start_date=DAY, capacity=10),
        ],
        calendar=[CalendarEntry(school_id="S", kind="bfe", grade=8, start_date=DAY, days=1)],
        travel=[TravelTime(origin_id="S", company_id="near", minutes=10),
                TravelTime(origin_id="S", company_id="far", minutes=30)],
    )  # fmt: skip


def _kept_offers(problem: Problem) -> set[str]:
    opts = build_options(problem)
    capacity = np.asarray([o.capacity for o in problem.offers], dtype=np.int64)
    unprotected = np.zeros(len(problem.students), dtype=bool)
    keep = prune_dominated_bfe(opts, capacity, unprotected, len(problem.fields))
    return {problem.offers[int(o)].offer_id for o in np.asarray(opts.offer)[keep]}


def test_far_offer_is_pruned_when_the_near_one_fits_everyone() -> None:
    # 2 students, 2 near places: each can always move to the near offer.
    assert _kept_offers(_kreis(near_capacity=2, students=2)) == {"o_near"}


def test_far_offer_is_kept_when_the_near_one_is_congested() -> None:
    # 3 students, 2 near places: one of them must go far.
    assert _kept_offers(_kreis(near_capacity=2, students=3)) == {"o_near", "o_far"}


def test_a_wished_far_offer_stays() -> None:
    # s0 wished the far company: the near places fit everyone, but only the far
    # one grants the wish (5 points), at 20 minutes more travel.
    problem = _kreis(near_capacity=2, students=2).model_copy(
        update={"wishes": (Wish(student_id="s0", rank=1, company_id="far"),)}
    )
    plain, reduced = solve(problem, PLAIN), solve(problem, REDUCED)
    assert plain.objectives["wishes"] == reduced.objectives["wishes"] == 5
    assert reduced.objectives == plain.objectives
    assert set(reduced.assignments["offer_id"]) == {"o_near", "o_far"}


def test_a_published_student_loses_only_dominated_options() -> None:
    # s0's published row is near: its far option is dominated and may go, and
    # the plan still keeps the row.
    problem = _kreis(near_capacity=2, students=2).model_copy(
        update={
            "previous": (
                PreviousAssignment(student_id="s0", kind="bfe", offer_id="o_near", start_date=DAY),
            )
        }
    )
    plain, reduced = solve(problem, PLAIN), solve(problem, REDUCED)
    assert reduced.objectives == plain.objectives
    assert reduced.objectives["stability"] == 1
    assert reduced.stats["options_in_model"] == 2  # both students, near only


PLAIN = SolveOptions(workers=1, seed=0, prune_dominated=False, use_lp=False)
REDUCED = SolveOptions(workers=1, seed=0)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problem=small_problems())
def test_reductions_keep_every_level_optimum(problem: Problem) -> None:
    plain, reduced = solve(problem, PLAIN), solve(problem, REDUCED)
    assert plain.status == reduced.status == "optimal"
    assert plain.objectives == reduced.objectives


def test_best_per_slot_keeps_the_highest_values_of_each_offer_day() -> None:
    # Offer 0 (one place) on day 0 has five options, offer 1 (two places) on
    # day 1 has three: with one option per place and one more, offer 0 keeps
    # its two best (the two 50s, whichever student), offer 1 all three.
    offer = np.array([0, 0, 0, 0, 0, 1, 1, 1])
    day = np.array([0, 0, 0, 0, 0, 1, 1, 1])
    value = np.array([10, 50, 30, 50, 0, 5, 7, 1])
    n = len(offer)
    cand = Candidates(
        source=np.arange(n),
        student=np.arange(n),
        offer=offer,
        company=offer,
        field=np.zeros(n, dtype=np.int64),
        kind=np.zeros(n, dtype=np.int64),
        first_day=day,
        n_days=np.ones(n, dtype=np.int64),
        travel=np.zeros(n, dtype=np.int64),
        score=value,
        weekdays=np.zeros(n, dtype=np.int64),
    )
    kept = best_per_slot(cand, value, np.array([1, 2]), n_days=2, per_place=1)
    assert kept.tolist() == [1, 3, 5, 6, 7]
