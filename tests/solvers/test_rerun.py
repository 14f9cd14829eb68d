"""Reruns before a term: the previous plan is kept where it can be, changed where it must.

Each scenario solves a first plan, turns it into ``previous.csv`` rows (as a
planner would after publishing it), changes the Kreis and solves again. Every
plan is optimal on all levels and passes the independent checker (see
``solve_checked``). The scenarios are reused by ``tests/test_changes.py``.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Literal

import pandas as pd
import pytest

from kaoa_match import solve
from kaoa_match.exceptions import LockedConflictError
from kaoa_match.model import CalendarEntry, Offer, Pair, PreviousAssignment
from tests.solvers.test_bfe_instances import (
    NOV3,
    NOV4,
    OPTIONS,
    bfe_dates,
    company,
    kreis,
    minutes,
    objectives,
    offer,
    placed,
    scores,
    solve_checked,
    student,
)

if TYPE_CHECKING:
    from kaoa_match import Plan, Problem

D = dt.date
RowStatus = Literal["locked", "published"]


def as_previous(plan: Plan, status: RowStatus = "published") -> tuple[PreviousAssignment, ...]:
    """The plan's assignments as ``previous.csv`` rows with one status."""
    records = plan.assignments.to_dict("records")
    return tuple(
        PreviousAssignment(
            **{**row, "weekdays": frozenset(filter(None, row["weekdays"].split("|")))},
            status=status,
        )
        for row in records
    )


def rerun(problem: Problem, plan: Plan, **changes: object) -> Problem:
    """``problem`` after ``plan`` was published, with some tables replaced."""
    return problem.model_copy(update={"previous": as_previous(plan), **changes})


def row(sid: str, oid: str, day: D, status: RowStatus) -> PreviousAssignment:
    return PreviousAssignment(
        student_id=sid, kind="bfe", offer_id=oid, start_date=day, status=status
    )


def company_of(plan: Plan) -> dict[str, str]:
    a = plan.assignments
    return dict(zip(a.student_id, a.company_id, strict=True))


# --- the scenarios ---------------------------------------------------------------


def mixed_kreis() -> Problem:
    """Five BFE students (two days on 3/4 Nov), two Praktikum students, one pair each.

    Places are plentiful but not everywhere equal, so the first plan makes
    real choices that the rerun must repeat.
    """
    window = CalendarEntry(
        school_id="S", kind="praktikum", grade=9, start_date=D(2027, 1, 11), end_date=D(2027, 1, 22)
    )
    practice = Offer(
        offer_id="PR",
        company_id="C2",
        field_id="it",
        kind="praktikum",
        start_date=D(2027, 1, 11),
        end_date=D(2027, 1, 29),
        capacity=1,
    )
    return kreis(
        students=(*(student(s) for s in "ABCDE"), student("P", grade=9), student("Q", grade=9)),
        companies=(company("C1"), company("C2"), company("C3")),
        offers=(
            offer("O1", "C1", "it", NOV3, NOV4, capacity=2),
            offer("O2", "C2", "bau", NOV3, NOV4, capacity=2),
            offer("O3", "C3", "soziales", NOV3, NOV4, capacity=2),
            practice,
        ),
        calendar=(*bfe_dates("S", NOV3, NOV4, needed=2), window),
        interests=scores(
            {("A", "it"): 80, ("B", "bau"): 50, ("C", "it"): 60, ("D", "soziales"): 70}
        ),
        travel=minutes({("S", "C1"): 10, ("S", "C2"): 15, ("S", "C3"): 20}),
        pairs=(
            Pair(student_a="A", student_b="C", relation="apart"),
            Pair(student_a="B", student_b="E", relation="together"),
        ),
    )


def withdrawal_kreis() -> Problem:
    """A-D need one BFE day on 4 Nov; two places each at C1 (10 min), C2 (20), C3 (30)."""
    return kreis(
        students=tuple(student(s) for s in "ABCD"),
        companies=(company("C1"), company("C2"), company("C3")),
        offers=(
            offer("O1", "C1", "it", NOV4, capacity=2),
            offer("O2", "C2", "it", NOV4, capacity=2),
            offer("O3", "C3", "bau", NOV4, capacity=2),
        ),
        calendar=bfe_dates("S", NOV4),
        travel=minutes({("S", "C1"): 10, ("S", "C2"): 20, ("S", "C3"): 30}),
    )


def newcomer_kreis(with_n: bool) -> Problem:
    """A and B (and N) need one BFE day on 4 Nov: one place at C1 ("it", 10 min),
    two at C2 ("bau", 20 min). N loves "it" (90)."""
    ids = "ABN" if with_n else "AB"
    return kreis(
        students=tuple(student(s) for s in ids),
        companies=(company("C1"), company("C2")),
        offers=(offer("O1", "C1", "it", NOV4), offer("O2", "C2", "bau", NOV4, capacity=2)),
        calendar=bfe_dates("S", NOV4),
        interests=scores({("N", "it"): 90} if with_n else {}),
        travel=minutes({("S", "C1"): 10, ("S", "C2"): 20}),
    )


def blocking_kreis(with_n: bool) -> Problem:
    """A (and N) need one BFE day on 4 Nov; one place at C1 and one at C2.

    A may go to either (10 and 20 min); N lives 60 min from C2 (limit 45), so
    C1 is N's only option.
    """
    ids = "AN" if with_n else "A"
    return kreis(
        students=tuple(student(s) for s in ids),
        companies=(company("C1"), company("C2")),
        offers=(offer("O1", "C1", "it", NOV4), offer("O2", "C2", "bau", NOV4)),
        calendar=bfe_dates("S", NOV4),
        travel=minutes({("S", "C1"): 10, ("S", "C2"): 20, **({("N", "C2"): 60} if with_n else {})}),
    )


def conflict_kreis(*previous: PreviousAssignment) -> Problem:
    """A, B, C need one BFE day on 4 Nov. C1 has one place in "it" and two in
    "bau"; C2 one in "it". A and B must be kept apart."""
    return kreis(
        students=tuple(student(s) for s in "ABC"),
        companies=(company("C1"), company("C2")),
        offers=(
            offer("O1", "C1", "it", NOV4),
            offer("B1", "C1", "bau", NOV4, capacity=2),
            offer("O2", "C2", "it", NOV4),
        ),
        calendar=bfe_dates("S", NOV4),
        travel=minutes({("S", "C1"): 10, ("S", "C2"): 10}),
        pairs=(Pair(student_a="A", student_b="B", relation="apart"),),
        previous=previous,
    )


# --- nothing changed ------------------------------------------------------------


@pytest.mark.parametrize("status", ["published", "locked"])
def test_rerun_with_nothing_changed_keeps_every_row(status: RowStatus) -> None:
    # 5 x 2 BFE days + 1 Praktikum block (one place, P and Q cannot both fit a
    # 10-day block in a 10-day window): 11 rows. Published rows all count for
    # stability; locked rows are kept too but never counted.
    problem = mixed_kreis()
    first = solve_checked(problem)
    assert len(first.assignments) == 11
    again = solve_checked(problem.model_copy(update={"previous": as_previous(first, status)}))
    pd.testing.assert_frame_equal(again.assignments, first.assignments)
    expected = {**first.objectives, "stability": 11 if status == "published" else 0}
    assert again.objectives == expected


# --- a company withdraws ---------------------------------------------------------


def test_withdrawn_company_moves_only_its_students() -> None:
    # First plan: two students at C1 (10 min), two at C2 (20 min): travel 60.
    # C1 withdraws. Its two students go to C3 (30 min); C2's two keep their
    # published places (stability 2) although nothing else forces that.
    problem = withdrawal_kreis()
    first = solve_checked(problem)
    at_c1 = {s for s, c in company_of(first).items() if c == "C1"}
    assert len(at_c1) == 2

    second = solve_checked(rerun(problem, first, offers=problem.offers[1:]))
    for sid, cid in company_of(second).items():
        assert cid == ("C3" if sid in at_c1 else company_of(first)[sid])
    assert second.objectives == objectives(coverage=4, stability=2, travel=100)


# --- a new student ----------------------------------------------------------------


def test_new_student_takes_a_free_place_and_nobody_moves() -> None:
    # First plan: A and B take O1 (10 min) and O2 (20 min), one each. N arrives
    # and would love O1's field "it" (fairness and interest), but taking it
    # means moving its holder, and stability ranks above both: N gets the
    # free place at O2. Coverage 3, stability 2, travel 10 + 20 + 20.
    first = solve_checked(newcomer_kreis(with_n=False))
    second = solve_checked(rerun(newcomer_kreis(with_n=True), first))
    assert placed(first) < placed(second)
    assert placed(second) - placed(first) == {("N", "O2", NOV4, NOV4)}
    assert second.objectives == objectives(coverage=3, stability=2, travel=50)


# --- coverage before stability --------------------------------------------------


@pytest.mark.parametrize("use_lp", [True, False], ids=["lp", "repair-without-lp"])
def test_published_row_blocking_the_only_option_of_a_new_student_is_moved(
    use_lp: bool,
) -> None:
    # A alone takes O1 (10 min). N can only reach O1. Keeping A there leaves
    # N unplaced (coverage 1); moving A to O2 places both (coverage 2), and
    # coverage is the first level: stability 0, travel 10 + 20. Without the LP,
    # a repair round (N short, A its rival) finds it.
    options = OPTIONS.model_copy(update={"use_lp": use_lp})
    first = solve_checked(blocking_kreis(with_n=False), options)
    assert placed(first) == {("A", "O1", NOV4, NOV4)}
    second = solve_checked(rerun(blocking_kreis(with_n=True), first), options)
    assert placed(second) == {("A", "O2", NOV4, NOV4), ("N", "O1", NOV4, NOV4)}
    assert second.objectives == objectives(coverage=2, stability=0, travel=30)


# --- locked conflicts are named --------------------------------------------------


def test_locked_rows_over_capacity_are_named_and_nothing_else() -> None:
    # Lines 2 and 3 both lock O1 (one place) on 4 Nov; line 4 (C at O2) is
    # fine on its own and with either of them, so it is not named.
    problem = conflict_kreis(
        row("A", "O1", NOV4, "locked"),
        row("B", "O1", NOV4, "locked"),
        row("C", "O2", NOV4, "locked"),
    )
    with pytest.raises(LockedConflictError) as caught:
        solve(problem, OPTIONS)
    assert str(caught.value) == (
        "these 2 locked rows cannot all be kept (offer O1 has 1 place(s) a day, "
        "2 locked rows need one at the same time):\n"
        "previous.csv:2: student A, offer O1, 2026-11-04\n"
        "previous.csv:3: student B, offer O1, 2026-11-04"
    )


def test_locked_rows_breaking_an_apart_pair_are_named() -> None:
    # A and B are locked at C1 on 4 Nov in different Berufsfelder (each offer
    # has room), but they must be kept apart. C's locked row (line 2) and the
    # published row of C are unrelated.
    problem = conflict_kreis(
        row("C", "O2", NOV4, "locked"),
        row("A", "O1", NOV4, "locked"),
        row("B", "B1", NOV4, "locked"),
    )
    with pytest.raises(LockedConflictError) as caught:
        solve(problem, OPTIONS)
    assert str(caught.value) == (
        "these 2 locked rows cannot all be kept (an apart pair would meet at the same "
        "company on the same day):\n"
        "previous.csv:3: student A, offer O1, 2026-11-04\n"
        "previous.csv:4: student B, offer B1, 2026-11-04"
    )


def test_locked_row_and_published_partner_the_published_one_moves() -> None:
    # Only A is locked at C1; B's published row at C1 the same day would break
    # the apart pair, so B moves to C2 (O2): no conflict, stability 0.
    problem = conflict_kreis(row("A", "O1", NOV4, "locked"), row("B", "B1", NOV4, "published"))
    plan = solve_checked(problem)
    assert company_of(plan) == {"A": "C1", "B": "C2", "C": "C1"}
    assert plan.objectives == objectives(coverage=3, stability=0, travel=30)
