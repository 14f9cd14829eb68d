"""The portal baseline: first come, first served booking, never revised.

Hand-made Kreise show the portal's rules (date order, best unused field,
blocks, apart pairs, locked rows) with values worked out by hand; the shipped
example shows that every portal plan obeys every hard rule and that the
reported values are the contract's, recounted by the independent checker.
Travel times come from ``travel.csv`` rows, so no estimate is involved.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import kaoa_match
from kaoa_match import Problem, SolveOptions, solve
from kaoa_match.baselines import (
    PER_ORDER_COLUMNS,
    kind_by_kind_plan,
    portal_baseline,
    portal_plan,
)
from kaoa_match.exceptions import LockedConflictError
from kaoa_match.io.read import read_dir
from kaoa_match.model import (
    CalendarEntry,
    Offer,
    Pair,
    PreviousAssignment,
    Wish,
)
from kaoa_match.options import build_options
from kaoa_match.plan import ASSIGNMENT_COLUMNS
from tests.checker import check_plan, objective_values
from tests.solvers.test_bfe_instances import (
    NOV3,
    NOV4,
    bfe_dates,
    company,
    kreis,
    minutes,
    offer,
    scores,
    student,
)

D = dt.date
# Mon 9 to Thu 12 November 2026: four working days for 2-day Praktikum blocks.
PR_FIRST, PR_LAST = D(2026, 11, 9), D(2026, 11, 12)
EXAMPLE = Path(kaoa_match.__file__).parent / "data" / "example"
# The first permutation of two students drawn from default_rng(seed).
A_FIRST, B_FIRST = 0, 3


# --- building Kreise (the builders of the solver's hand-made instances) ---------


def values(problem: Problem, seed: int) -> dict[str, int]:
    """The contract's values of the portal plan of ``default_rng(seed)``'s first order."""
    plan = portal_plan(problem, np.random.default_rng(seed))
    assert check_plan(problem, plan) == []
    return objective_values(problem, plan)


# --- hand-made Kreise -----------------------------------------------------------


def two_students_one_good_place() -> Problem:
    """A likes it (90) more than bau (80) and reaches both offers; B reaches
    only the it place (the bau company is 60 minutes away, over 45)."""
    return kreis(
        students=(student("A"), student("B")),
        companies=(company("C1"), company("C2")),
        offers=(offer("O1", "C1", "it", NOV3), offer("O2", "C2", "bau", NOV3)),
        calendar=bfe_dates("S", NOV3),
        interests=scores({("A", "it"): 90, ("A", "bau"): 80, ("B", "it"): 50}),
        travel=minutes({("A", "C1"): 10, ("A", "C2"): 20, ("B", "C1"): 15, ("B", "C2"): 60}),
    )


def test_arrival_order_decides_and_the_optimum_places_both() -> None:
    problem = two_students_one_good_place()
    assert np.random.default_rng(A_FIRST).permutation(2).tolist() == [0, 1]
    # A first takes the it place (score 90, 10 min); B finds nothing left.
    first = values(problem, A_FIRST)
    assert first == {
        "coverage": 1,
        "stability": 0,
        "fairness": 1,
        "wishes": 0,
        "interest": 90,
        "travel": 10,
        "together": 0,
    }
    assert np.random.default_rng(B_FIRST).permutation(2).tolist() == [1, 0]
    # B first takes it (50, 15 min); A then books bau (80, 20 min), also a top field.
    assert values(problem, B_FIRST)["coverage"] == 2
    optimum = solve(problem, SolveOptions(workers=1, seed=0))
    assert optimum.objectives["coverage"] == 2
    assert optimum.objectives["interest"] == 130


def test_baseline_averages_the_orders() -> None:
    problem = two_students_one_good_place()
    result = portal_baseline(problem, orders=4, seed=A_FIRST)
    assert list(result.per_order.columns) == PER_ORDER_COLUMNS
    assert result.orders == 4
    # Each order is one of the two above: A first (1, 1, 90, 10, 1 short) or
    # B first (2, 2, 130, 35, none short).
    a_first = result.per_order["coverage"] == 1
    expected = {
        "coverage": (1, 2),
        "fairness": (1, 2),
        "interest": (90, 130),
        "travel": (10, 35),
        "students_short": (1, 0),
    }
    for name, (if_a, if_b) in expected.items():
        assert result.per_order[name].tolist() == [if_a if a else if_b for a in a_first]
        assert getattr(result, name) == pytest.approx(result.per_order[name].mean())
    assert result.per_order["order"].tolist() == [0, 1, 2, 3]
    assert bool(a_first.iloc[0])


def test_dates_are_booked_in_order_each_in_the_best_unused_field() -> None:
    """On 3 Nov the student books it (90), so on 4 Nov only kunst (30) is left
    in an unused field: 120, where bau on 3 Nov and it on 4 Nov give 140."""
    problem = kreis(
        students=(student("A"),),
        companies=(company("C1"), company("C2")),
        offers=(
            offer("IT3", "C1", "it", NOV3),
            offer("BAU3", "C2", "bau", NOV3),
            offer("IT4", "C1", "it", NOV4),
            offer("KUNST4", "C2", "kunst", NOV4),
        ),
        calendar=bfe_dates("S", NOV3, NOV4, needed=2),
        interests=scores({("A", "it"): 90, ("A", "bau"): 50, ("A", "kunst"): 30}),
        travel=minutes({("A", "C1"): 10, ("A", "C2"): 20}),
    )
    plan = portal_plan(problem, np.random.default_rng(0))
    assert list(plan.columns) == ASSIGNMENT_COLUMNS
    assert plan["offer_id"].tolist() == ["IT3", "KUNST4"]
    assert values(problem, 0)["interest"] == 120
    assert solve(problem, SolveOptions(workers=1, seed=0)).objectives["interest"] == 140


def test_equal_scores_go_to_the_shorter_trip() -> None:
    problem = kreis(
        students=(student("A"),),
        companies=(company("FAR"), company("NEAR")),
        offers=(offer("O1", "FAR", "it", NOV3), offer("O2", "NEAR", "it", NOV3)),
        calendar=bfe_dates("S", NOV3),
        interests=scores({("A", "it"): 70}),
        travel=minutes({("A", "FAR"): 30, ("A", "NEAR"): 12}),
    )
    assert portal_plan(problem, np.random.default_rng(0))["offer_id"].tolist() == ["O2"]


def test_praktikum_blocks_respect_the_places_on_every_day() -> None:
    """One intern at a time from 9 to 12 Nov, blocks of 2 days. Arriving as
    0, 1, 2 (seed 1), A books the earliest block (9-10), B the first block
    that is free on both days (11-12), C finds none."""
    pr = Offer(
        offer_id="P",
        company_id="C1",
        field_id="it",
        kind="praktikum",
        start_date=PR_FIRST,
        end_date=PR_LAST,
        capacity=1,
    )
    window = CalendarEntry(
        school_id="S", kind="praktikum", grade=9, start_date=PR_FIRST, end_date=PR_LAST, days=2
    )
    problem = kreis(
        students=tuple(student(sid, grade=9) for sid in "ABC"),
        companies=(company("C1"),),
        offers=(pr,),
        calendar=(window,),
        travel=minutes({(sid, "C1"): 10 for sid in "ABC"}),
    )
    assert np.random.default_rng(1).permutation(3).tolist() == [0, 1, 2]
    plan = portal_plan(problem, np.random.default_rng(1))
    assert check_plan(problem, plan) == []
    got = zip(plan.student_id, plan.start_date, plan.end_date, strict=True)
    assert sorted(got) == [("A", PR_FIRST, D(2026, 11, 10)), ("B", D(2026, 11, 11), PR_LAST)]
    result = portal_baseline(problem, orders=1, seed=1)
    assert (result.coverage, result.students_short, result.travel) == (2, 1, 20)


def test_apart_pair_never_meets_at_a_company() -> None:
    """Two places at C1 on 3 Nov, but A and B must stay apart: the second to
    arrive goes to C2 (a worse field) instead."""
    problem = kreis(
        students=(student("A"), student("B")),
        companies=(company("C1"), company("C2")),
        offers=(
            offer("O1", "C1", "it", NOV3, capacity=2),
            offer("O2", "C2", "bau", NOV3),
        ),
        calendar=bfe_dates("S", NOV3),
        interests=scores({("A", "it"): 90, ("B", "it"): 90, ("A", "bau"): 10, ("B", "bau"): 10}),
        travel=minutes({(s, c): 10 for s in "AB" for c in ("C1", "C2")}),
        pairs=(Pair(student_a="A", student_b="B", relation="apart"),),
    )
    plan = portal_plan(problem, np.random.default_rng(A_FIRST))
    assert check_plan(problem, plan) == []
    assert dict(zip(plan.student_id, plan.offer_id, strict=True)) == {"A": "O1", "B": "O2"}


def locked_row(sid: str, oid: str, cid: str, field: str) -> PreviousAssignment:
    return PreviousAssignment(
        student_id=sid,
        kind="bfe",
        offer_id=oid,
        company_id=cid,
        field_id=field,
        start_date=NOV3,
        status="locked",
    )


def test_locked_rows_are_booked_before_anyone_arrives() -> None:
    """B's locked row holds the it place, so A, arriving first, gets bau."""
    problem = two_students_one_good_place().model_copy(
        update={"previous": (locked_row("B", "O1", "C1", "it"),)}
    )
    plan = portal_plan(problem, np.random.default_rng(A_FIRST))
    assert check_plan(problem, plan) == []
    assert dict(zip(plan.student_id, plan.offer_id, strict=True)) == {"A": "O2", "B": "O1"}


def test_locked_rows_that_overfill_an_offer_are_refused() -> None:
    problem = two_students_one_good_place().model_copy(
        update={"previous": (locked_row("A", "O1", "C1", "it"), locked_row("B", "O1", "C1", "it"))}
    )
    with pytest.raises(LockedConflictError, match="offer O1 has on 2026-11-03"):
        portal_baseline(problem, orders=1)


# --- the shipped example ------------------------------------------------------


def students_short(problem: Problem, plan: pd.DataFrame) -> tuple[int, dict[str, int]]:
    """Students with fewer rows of some kind than they need, and per kind."""
    opts = build_options(problem)
    got = plan.groupby(["student_id", "kind"]).size()
    kinds = ("bfe", "praktikum", "praxiskurs", "langzeit")
    per_kind = dict.fromkeys(kinds, 0)
    union = 0
    for i, s in enumerate(problem.students):
        short = [k for k in kinds if got.get((s.student_id, k), 0) < opts.needed(k)[i]]
        union += bool(short)
        for k in short:
            per_kind[k] += 1
    return union, per_kind


@pytest.fixture(scope="module")
def example() -> Problem:
    return read_dir(EXAMPLE)


def test_same_seed_same_orders(example: Problem) -> None:
    first = portal_baseline(example, orders=2, seed=7)
    again = portal_baseline(example, orders=2, seed=7)
    pd.testing.assert_frame_equal(first.per_order, again.per_order)
    plans = [portal_plan(example, np.random.default_rng(7)) for _ in range(2)]
    pd.testing.assert_frame_equal(plans[0], plans[1])


def test_every_example_plan_is_valid_and_counted_as_the_contract_says(example: Problem) -> None:
    result = portal_baseline(example, orders=3, seed=0)
    # portal_plan with one shared generator draws the same orders in turn.
    rng = np.random.default_rng(0)
    for row in result.per_order.itertuples():
        plan = portal_plan(example, rng)
        assert check_plan(example, plan) == []
        recount = objective_values(example, plan)
        for name in ("coverage", "fairness", "interest", "travel"):
            assert getattr(row, name) == recount[name], (row.order, name)
        # Students short count every kind, the new ones as booked kind by kind.
        union, per_kind = students_short(
            example,
            kind_by_kind_plan(example, np.random.default_rng(0)) if row.order == 0 else plan,
        )
        if row.order == 0:
            assert row.students_short == union
            assert {k: getattr(row, f"short_{k}") for k in per_kind} == per_kind
        else:  # the portal's own kinds agree in every order
            assert (row.short_bfe, row.short_praktikum) == (per_kind["bfe"], per_kind["praktikum"])
    assert result.coverage == pytest.approx(result.per_order["coverage"].mean())


def test_a_group_below_its_minimum_is_cancelled_and_its_students_rebook() -> None:
    # Both students like the Träger group (bau 90) better than B (it 50) and
    # book it first; with two bookings it stays below its minimum of three,
    # is cancelled, and both book B instead, in whichever order they came.
    group = Offer(
        offer_id="T",
        company_id="C1",
        field_id="bau",
        kind="bfe",
        start_date=NOV3,
        capacity=8,
        min_group=3,
    )
    problem = kreis(
        students=(student("A"), student("B")),
        companies=(company("C1"), company("C2")),
        offers=(group, offer("B", "C2", "it", NOV3, capacity=2)),
        calendar=bfe_dates("S", NOV3),
        interests=scores({(s, f): v for s in "AB" for f, v in (("bau", 90), ("it", 50))}),
    )
    for seed in (A_FIRST, B_FIRST):
        plan = portal_plan(problem, np.random.default_rng(seed))
        assert check_plan(problem, plan) == []
        assert sorted(plan.offer_id) == ["B", "B"]
    without_minimum = problem.model_copy(
        update={"offers": (group.model_copy(update={"min_group": None}), problem.offers[1])}
    )
    assert sorted(portal_plan(without_minimum, np.random.default_rng(0)).offer_id) == ["T", "T"]


def test_students_book_their_wishes_first_in_rank_order() -> None:
    # A likes it (X) best by score but wishes Y (rank 1): the portal books Y
    # for A whoever comes first; B then takes X, or Y is gone when B comes.
    problem = kreis(
        students=(student("A"), student("B")),
        companies=(company("C1"), company("C2")),
        offers=(offer("X", "C1", "it", NOV3), offer("Y", "C2", "bau", NOV3)),
        calendar=bfe_dates("S", NOV3),
        interests=scores({("A", "it"): 90, ("A", "bau"): 10, ("B", "it"): 50}),
        wishes=(Wish(student_id="A", rank=1, offer_id="Y"),),
    )
    for seed in (A_FIRST, B_FIRST):
        plan = portal_plan(problem, np.random.default_rng(seed))
        assert check_plan(problem, plan) == []
        assert dict(zip(plan.student_id, plan.offer_id, strict=True)) == {"A": "Y", "B": "X"}
    result = portal_baseline(problem, orders=2)
    assert result.wishes == 5.0
    assert list(result.per_order.wishes) == [5, 5]
