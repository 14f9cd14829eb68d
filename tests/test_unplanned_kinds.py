"""Praxiskurs and Langzeitpraktikum in this version: read and checked, left
out of the plan. A Kreis with rows of the two kinds gets the plan it would get
without them, and every command says so once instead of failing."""

from __future__ import annotations

import csv
import datetime as dt
from typing import TYPE_CHECKING

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaoa_match.cli import main
from kaoa_match.io.write_problem import write_problem
from kaoa_match.model import (
    CalendarEntry,
    Offer,
    Participant,
    PreviousAssignment,
    Problem,
    Wish,
)
from kaoa_match.plan_rules import broken_rules
from kaoa_match.solvers import solve
from kaoa_match.validation import unplanned_note, validate
from tests.checker import check_plan
from tests.solvers.test_bfe_instances import OPTIONS, company, school, student
from tests.strategies import small_problems

if TYPE_CHECKING:
    from pathlib import Path

    import pytest

D = dt.date
NOTE = (
    "Praxiskurs and Langzeitpraktikum (1 Praxiskurs offer, 1 Langzeitpraktikum offer, "
    "2 calendar rows, 3 participants and 2 previous.csv rows) are read and checked, but "
    "this version does not plan them yet; the plan covers BFE and Praktikum only"
)


def bfe_and_praktikum() -> Problem:
    """Three grade-8 students for two BFE places a day, two grade-9 students for
    one Praktikum place: one BFE day and one block stay open."""
    return Problem(
        schools=(school("S"),),
        students=(
            *(student(f"b{i}") for i in range(3)),
            student("p0", grade=9),
            student("p1", grade=9),
        ),
        companies=(company("C1"), company("C2")),
        offers=(
            Offer(offer_id="O1", company_id="C1", field_id="it", kind="bfe",
                  start_date=D(2026, 11, 4), capacity=2),
            Offer(offer_id="O2", company_id="C2", field_id="metall", kind="praktikum",
                  start_date=D(2027, 1, 11), end_date=D(2027, 1, 22), capacity=1),
        ),
        calendar=(
            CalendarEntry(school_id="S", kind="bfe", grade=8, start_date=D(2026, 11, 4), days=1),
            CalendarEntry(school_id="S", kind="praktikum", grade=9,
                          start_date=D(2027, 1, 11), end_date=D(2027, 1, 22)),
        ),
    )  # fmt: skip


def with_new_kinds(problem: Problem) -> Problem:
    """``problem`` plus a course, a Langzeitpraktikum place, their calendar rows,
    participants, a wish for the course and earlier rows of both kinds (one locked)."""
    course = Offer(
        offer_id="K1",
        company_id="C1",
        field_id="it",
        kind="praxiskurs",
        start_date=D(2027, 2, 15),
        end_date=D(2027, 2, 17),
        capacity=10,
        min_group=2,
    )
    langzeit = Offer(
        offer_id="L1",
        company_id="C2",
        field_id="metall",
        kind="langzeit",
        start_date=D(2026, 9, 14),
        end_date=D(2027, 6, 30),
        capacity=2,
        weekdays=frozenset({"di", "do"}),
    )
    previous = (
        PreviousAssignment(
            student_id="p0",
            kind="praxiskurs",
            offer_id="K1",
            start_date=D(2027, 2, 15),
            end_date=D(2027, 2, 17),
        ),
        PreviousAssignment(
            student_id="p1",
            kind="langzeit",
            offer_id="L1",
            start_date=D(2026, 11, 16),
            end_date=D(2027, 5, 28),
            weekdays=frozenset({"di"}),
            status="locked",
        ),
    )
    return problem.model_copy(
        update={
            "offers": (*problem.offers, course, langzeit),
            "calendar": (
                *problem.calendar,
                CalendarEntry(school_id="S", kind="praxiskurs", grade=9,
                              start_date=D(2027, 2, 1), end_date=D(2027, 3, 26), days=2),
                CalendarEntry(school_id="S", kind="langzeit", grade=9,
                              start_date=D(2026, 11, 16), end_date=D(2027, 5, 28),
                              weekdays=frozenset({"di", "mi"})),
            ),
            "participants": (
                Participant(student_id="p0", kind="praxiskurs"),
                Participant(student_id="p1", kind="praxiskurs"),
                Participant(student_id="p1", kind="langzeit"),
            ),
            "previous": previous,
            "wishes": (Wish(student_id="p0", rank=1, offer_id="K1"),),
        }
    )  # fmt: skip


def test_the_new_kinds_are_valid_input_and_named_once() -> None:
    problem = with_new_kinds(bfe_and_praktikum())
    report = validate(problem)
    assert report.errors == []
    assert [str(w) for w in report.warnings] == [
        "previous.csv:3: status: locked langzeit row: this version does not plan langzeit "
        "yet; the plan leaves this placement out (neither kept nor changed)"
    ]
    assert unplanned_note(problem) == NOTE
    assert unplanned_note(bfe_and_praktikum()) is None


def test_the_plan_is_the_plan_without_the_new_kinds() -> None:
    plain = solve(bfe_and_praktikum(), OPTIONS)
    problem = with_new_kinds(bfe_and_praktikum())
    plan = solve(problem, OPTIONS)  # the locked Langzeitpraktikum row stops nothing
    assert plan.status == "optimal"
    assert plan.assignments.equals(plain.assignments)
    assert plan.objectives == plain.objectives
    assert set(plan.assignments["kind"]) == {"bfe", "praktikum"}
    # nobody is short of a course or a Langzeitpraktikum in this version
    assert sorted(plan.unassigned["kind"]) == ["bfe", "praktikum"]
    # The contract's rule that a locked row is kept holds for the kinds planned;
    # the locked Langzeitpraktikum row is left out (and validation warns).
    assert check_plan(problem, plan.assignments) == [
        "[locked] locked row of student p1 at offer L1 from 2026-11-16 is not kept"
    ]
    assert broken_rules(problem, plan.assignments) == []


def test_solve_and_validate_say_once_what_is_not_planned(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in"
    write_problem(with_new_kinds(bfe_and_praktikum()), source)
    assert main(["validate", str(source)]) == 0
    err = capsys.readouterr().err
    assert err.count(f"warning: {NOTE}") == 1
    assert (
        'warning: wishes.csv:2: offer_id: wish 1 of student "p0" can never be granted: '
        'offer "K1" is a praxiskurs offer, not planned by this version'
    ) in err
    out = tmp_path / "out"
    assert main(["solve", str(source), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    assert capsys.readouterr().err.count(f"warning: {NOTE}") == 1
    with (out / "unassigned.csv").open(encoding="utf-8") as handle:
        assert sorted(row["kind"] for row in csv.DictReader(handle)) == ["bfe", "praktikum"]
    with (out / "assignments.csv").open(encoding="utf-8") as handle:
        assert {row["kind"] for row in csv.DictReader(handle)} == {"bfe", "praktikum"}
    assert main(["explain", str(out), "p1"]) == 0
    assert main(["report", str(out)]) == 0


@st.composite
def _with_random_new_kinds(draw: st.DrawFn, problem: Problem) -> Problem:
    """``problem`` plus courses and Langzeitpraktikum places at its companies,
    a calendar row of each kind for each school and grade, and participants."""
    companies = [c.company_id for c in problem.companies]
    fields = sorted({o.field_id for o in problem.offers})
    offers = [
        Offer(
            offer_id=f"N{i}", company_id=draw(st.sampled_from(companies)),
            field_id=draw(st.sampled_from(fields)), kind=kind,
            start_date=D(2026, 9, 1) if kind == "langzeit" else D(2026, 11, 2),
            end_date=D(2027, 6, 30) if kind == "langzeit" else D(2026, 11, 4),
            capacity=draw(st.integers(0, 3)),
            weekdays=frozenset({"di", "do"}) if kind == "langzeit" else frozenset(),
        )
        for i, kind in enumerate(draw(st.lists(st.sampled_from(["praxiskurs", "langzeit"]),
                                               min_size=1, max_size=4)))
    ]  # fmt: skip
    cohorts = sorted({(s.school_id, s.grade) for s in problem.students})
    calendar = [
        CalendarEntry(school_id=school_id, kind=kind, grade=grade, start_date=D(2026, 11, 2),
                      end_date=D(2027, 5, 28))
        for school_id, grade in cohorts
        for kind in ("praxiskurs", "langzeit")
    ]  # fmt: skip
    participants = [
        Participant(student_id=s.student_id, kind=kind)
        for s in problem.students
        for kind in ("praxiskurs", "langzeit")
        if draw(st.booleans())
    ]
    return problem.model_copy(
        update={
            "offers": (*problem.offers, *offers),
            "calendar": (*problem.calendar, *calendar),
            "participants": tuple(participants),
        }
    )


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), problem=small_problems())
def test_random_kreise_get_the_same_plan_with_the_new_kinds(
    data: st.DataObject, problem: Problem
) -> None:
    extended = data.draw(_with_random_new_kinds(problem))
    assert validate(extended).errors == []
    plain, plan = solve(problem, OPTIONS), solve(extended, OPTIONS)
    assert plan.assignments.equals(plain.assignments)
    assert plan.unassigned.equals(plain.unassigned)
    assert plan.objectives == plain.objectives
    assert check_plan(extended, plan.assignments) == []
