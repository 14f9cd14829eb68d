"""Praxiskurs and Langzeitpraktikum, planned with the BFE and the Praktikum in
one model: hand-made Kreise whose optimum is worked out in the comments, and
random small Kreise with all four kinds whose plans the independent checker
accepts.

Travel comes from ``travel.csv`` rows where a test counts minutes. Dates: NRW
has no holiday between 2 and 27 Nov 2026 nor between 7 Jan and 26 Feb 2027.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaoa_match.model import (
    CalendarEntry,
    Offer,
    Pair,
    Participant,
    PreviousAssignment,
    Problem,
    SolveOptions,
    Wish,
)
from kaoa_match.plan_rules import broken_rules
from kaoa_match.solvers import solve
from kaoa_match.validation import validate
from tests.checker import check_plan, objective_values
from tests.solvers.test_bfe_instances import (
    OPTIONS,
    company,
    kreis,
    minutes,
    missing,
    objectives,
    school,
    scores,
    solve_checked,
    student,
)
from tests.strategies import BFE_DATES, PRAKTIKUM_DATES, small_problems

if TYPE_CHECKING:
    from kaoa_match import Plan

D = dt.date
WEEKDAY_NAMES = ("mo", "di", "mi", "do", "fr")


def course(oid: str, cid: str, field: str, start: D, end: D, **extra: Any) -> Offer:
    return Offer(
        offer_id=oid,
        company_id=cid,
        field_id=field,
        kind="praxiskurs",
        start_date=start,
        end_date=end,
        **{"capacity": 2, **extra},
    )


def langzeit(oid: str, cid: str, field: str, weekdays: str, **extra: Any) -> Offer:
    """A Langzeitpraktikum place for the school year (1 student a weekday)."""
    given = {"start_date": D(2026, 9, 1), "end_date": D(2027, 6, 30), "capacity": 1, **extra}
    return Offer(
        offer_id=oid,
        company_id=cid,
        field_id=field,
        kind="langzeit",
        weekdays=frozenset(weekdays.split("|")),
        **given,
    )


def rows_of(plan: Plan, kind: str) -> list[tuple[str, str, D, D, str]]:
    """(student, offer, start, end, weekdays) of the plan's rows of ``kind``."""
    a = plan.assignments[plan.assignments.kind == kind]
    return sorted(zip(a.student_id, a.offer_id, a.start_date, a.end_date, a.weekdays, strict=True))


def participants(kind: str, *ids: str) -> tuple[Participant, ...]:
    return tuple(Participant(student_id=s, kind=kind) for s in ids)  # type: ignore[arg-type]


# --- Praxiskurs ---------------------------------------------------------------


def test_two_courses_with_minimum_groups_place_two_of_three() -> None:
    """Three participants need one course each; courses IT and METALL take 2
    and run only with 2. Three cannot be split 2 + 1, so at most two are
    placed, in one course. Both pairs in IT put two students in a top-3 field
    (A and B score IT, C scores metall only): fairness 2 against 1 for any
    pair in METALL. Interest 80 + 60, travel 2 x 20."""
    problem = kreis(
        students=tuple(student(s, grade=9) for s in "ABC"),
        companies=(company("T", provider_type="traeger"),),
        offers=(
            course("IT", "T", "it", D(2027, 2, 1), D(2027, 2, 3), min_group=2),
            course("METALL", "T", "metall", D(2027, 2, 8), D(2027, 2, 10), min_group=2),
        ),
        calendar=(
            CalendarEntry(school_id="S", kind="praxiskurs", grade=9,
                          start_date=D(2027, 1, 11), end_date=D(2027, 2, 26)),
        ),
        participants=participants("praxiskurs", "A", "B", "C"),
        interests=scores({("A", "it"): 80, ("B", "it"): 60, ("C", "metall"): 90}),
        travel=minutes({("S", "T"): 20}),
    )  # fmt: skip
    plan = solve_checked(problem)
    assert rows_of(plan, "praxiskurs") == [
        ("A", "IT", D(2027, 2, 1), D(2027, 2, 3), ""),
        ("B", "IT", D(2027, 2, 1), D(2027, 2, 3), ""),
    ]
    assert plan.objectives == objectives(coverage=2, fairness=2, interest=140, travel=40)
    assert missing(plan) == {("C", "praxiskurs"): 1}
    reason = plan.unassigned.reason[0]
    assert "Praxiskurse" in reason and "01.02.2027" not in reason  # the window, not a course
    assert "11.01.2027" in reason and "26.02.2027" in reason


def test_courses_in_distinct_fields_and_whole_inside_the_window() -> None:
    """A participant takes up to 2 courses: IT1 and IT2 share a Berufsfeld (one
    of them at most), LATE ends after the window (none), and SOZ overlaps IT1
    in dates. The best two: IT2 and SOZ (IT2 scores like IT1, and IT1 would
    clash with SOZ)."""
    problem = kreis(
        students=(student("A", grade=9),),
        companies=(company("T"),),
        offers=(
            course("IT1", "T", "it", D(2027, 2, 1), D(2027, 2, 3)),
            course("IT2", "T", "it", D(2027, 2, 8), D(2027, 2, 10)),
            course("SOZ", "T", "soziales", D(2027, 2, 3), D(2027, 2, 5)),
            course("LATE", "T", "metall", D(2027, 2, 24), D(2027, 3, 2)),
        ),
        calendar=(
            CalendarEntry(school_id="S", kind="praxiskurs", grade=9,
                          start_date=D(2027, 1, 11), end_date=D(2027, 2, 26), days=2),
        ),
        participants=participants("praxiskurs", "A"),
        interests=scores({("A", "it"): 50, ("A", "soziales"): 40, ("A", "metall"): 90}),
        travel=minutes({("S", "T"): 10}),
    )  # fmt: skip
    plan = solve_checked(problem)
    assert [r[1] for r in rows_of(plan, "praxiskurs")] == ["IT2", "SOZ"]
    assert plan.objectives == objectives(coverage=2, fairness=1, interest=90, travel=20)


def test_only_listed_participants_take_courses() -> None:
    """B is in the cohort but not in participants.csv: no course, and not short."""
    problem = kreis(
        students=(student("A", grade=9), student("B", grade=9)),
        companies=(company("T"),),
        offers=(course("IT", "T", "it", D(2027, 2, 1), D(2027, 2, 3)),),
        calendar=(
            CalendarEntry(school_id="S", kind="praxiskurs", grade=9,
                          start_date=D(2027, 1, 11), end_date=D(2027, 2, 26)),
        ),
        participants=participants("praxiskurs", "A"),
        travel=minutes({("S", "T"): 10}),
    )  # fmt: skip
    plan = solve_checked(problem)
    assert [r[0] for r in rows_of(plan, "praxiskurs")] == ["A"]
    assert missing(plan) == {}


# --- Langzeitpraktikum ----------------------------------------------------------


def _langzeit_and_bfe(bfe_day: D) -> Problem:
    """Student L (grade 8) needs one BFE day, offered only on ``bfe_day``, and a
    Langzeitpraktikum on one of Tuesday or Wednesday in November."""
    return kreis(
        students=(student("L"),),
        companies=(company("C1"), company("C2")),
        offers=(
            Offer(offer_id="BFE", company_id="C1", field_id="it", kind="bfe",
                  start_date=bfe_day, capacity=1),
            langzeit("LZ", "C2", "metall", "di|mi|do"),
        ),
        calendar=(
            CalendarEntry(school_id="S", kind="bfe", grade=8, start_date=bfe_day, days=1),
            CalendarEntry(school_id="S", kind="langzeit", grade=8, start_date=D(2026, 11, 2),
                          end_date=D(2026, 11, 27), weekdays=frozenset({"di", "mi"})),
        ),
        participants=participants("langzeit", "L"),
        interests=scores({("L", "metall"): 70}),
        travel=minutes({("S", "C1"): 15, ("S", "C2"): 25}),
    )  # fmt: skip


def test_a_bfe_day_decides_the_langzeit_weekday() -> None:
    """The BFE day is Tuesday 3 Nov: the Langzeitpraktikum must take Wednesday
    (the school allows Tuesday and Wednesday, the company also Thursday).
    With the BFE day on a Wednesday it must take Tuesday."""
    plan = solve_checked(_langzeit_and_bfe(D(2026, 11, 3)))
    assert rows_of(plan, "langzeit") == [("L", "LZ", D(2026, 11, 2), D(2026, 11, 27), "mi")]
    assert plan.objectives == objectives(coverage=2, fairness=1, interest=70, travel=40)
    plan = solve_checked(_langzeit_and_bfe(D(2026, 11, 4)))
    assert rows_of(plan, "langzeit") == [("L", "LZ", D(2026, 11, 2), D(2026, 11, 27), "di")]


def block_and_tuesdays() -> Problem:
    """P (grade 9) needs a Praktikum block, 11 to 22 Jan at PR (C1), and a
    Langzeitpraktikum on Tuesdays only (LZ at C2, 7 Jan to 26 Feb): the block
    holds two of its Tuesdays."""
    return kreis(
        students=(student("P", grade=9),),
        companies=(company("C1"), company("C2")),
        offers=(
            Offer(offer_id="PR", company_id="C1", field_id="it", kind="praktikum",
                  start_date=D(2027, 1, 11), end_date=D(2027, 1, 22), capacity=1),
            langzeit("LZ", "C2", "metall", "di"),
        ),
        calendar=(
            CalendarEntry(school_id="S", kind="praktikum", grade=9,
                          start_date=D(2027, 1, 11), end_date=D(2027, 1, 22)),
            CalendarEntry(school_id="S", kind="langzeit", grade=9, start_date=D(2027, 1, 7),
                          end_date=D(2027, 2, 26), weekdays=frozenset({"di"})),
        ),
        participants=participants("langzeit", "P"),
        travel=minutes({("S", "C1"): 15, ("S", "C2"): 25}),
    )  # fmt: skip


def test_a_langzeit_pauses_for_the_praktikum_block() -> None:
    """Both are placed: the Langzeitpraktikum pauses during the block."""
    problem = block_and_tuesdays()
    plan = solve_checked(problem)
    assert rows_of(plan, "praktikum") == [("P", "PR", D(2027, 1, 11), D(2027, 1, 22), "")]
    assert rows_of(plan, "langzeit") == [("P", "LZ", D(2027, 1, 7), D(2027, 2, 26), "di")]
    assert plan.objectives["coverage"] == 2


def test_a_langzeit_never_shares_a_date_with_a_course() -> None:
    """The only course runs Tuesday 2 Feb to Thursday 4 Feb, the only
    Langzeitpraktikum weekday is Wednesday: one of the two, the course (its
    field scores higher); the Langzeitpraktikum is missing with a reason."""
    problem = kreis(
        students=(student("K", grade=9),),
        companies=(company("C1"), company("C2")),
        offers=(
            course("IT", "C1", "it", D(2027, 2, 2), D(2027, 2, 4)),
            langzeit("LZ", "C2", "metall", "mi"),
        ),
        calendar=(
            CalendarEntry(school_id="S", kind="praxiskurs", grade=9,
                          start_date=D(2027, 1, 11), end_date=D(2027, 2, 26)),
            CalendarEntry(school_id="S", kind="langzeit", grade=9, start_date=D(2027, 1, 7),
                          end_date=D(2027, 2, 26), weekdays=frozenset({"mi"})),
        ),
        participants=(*participants("praxiskurs", "K"), *participants("langzeit", "K")),
        interests=scores({("K", "it"): 90, ("K", "metall"): 10}),
        travel=minutes({("S", "C1"): 15, ("S", "C2"): 25}),
    )  # fmt: skip
    plan = solve_checked(problem)
    assert list(plan.assignments.offer_id) == ["IT"]
    assert missing(plan) == {("K", "langzeit"): 1}
    assert "07.01.2027" in plan.unassigned.reason[0]


def test_langzeit_capacity_holds_per_weekday() -> None:
    """Three participants want 2 days a week at one company that takes 1
    student on each of Tuesday, Wednesday and Thursday: two students would
    need four weekday places, so only one is placed. With 1 day a week all
    three are, on different weekdays."""

    def problem(days: int) -> Problem:
        return kreis(
            students=tuple(student(s, grade=9) for s in "ABC"),
            companies=(company("C"),),
            offers=(langzeit("LZ", "C", "metall", "di|mi|do"),),
            calendar=(
                CalendarEntry(school_id="S", kind="langzeit", grade=9, start_date=D(2027, 1, 7),
                              end_date=D(2027, 2, 26), days=days),
            ),
            participants=participants("langzeit", "A", "B", "C"),
            travel=minutes({("S", "C"): 10}),
        )  # fmt: skip

    plan = solve_checked(problem(2))
    assert plan.objectives["coverage"] == 1
    assert len(rows_of(plan, "langzeit")[0][4].split("|")) == 2
    plan = solve_checked(problem(1))
    assert sorted(r[4] for r in rows_of(plan, "langzeit")) == ["di", "do", "mi"]


def test_a_langzeit_offer_must_cover_the_school_period() -> None:
    """SHORT ends before the school's period does: only LONG can be taken,
    though SHORT is nearer."""
    problem = kreis(
        students=(student("A", grade=9),),
        companies=(company("C1"), company("C2")),
        offers=(
            langzeit("SHORT", "C1", "metall", "di", end_date=D(2027, 2, 1)),
            langzeit("LONG", "C2", "metall", "di"),
        ),
        calendar=(
            CalendarEntry(school_id="S", kind="langzeit", grade=9, start_date=D(2027, 1, 7),
                          end_date=D(2027, 2, 26)),
        ),
        participants=participants("langzeit", "A"),
        travel=minutes({("S", "C1"): 5, ("S", "C2"): 30}),
    )  # fmt: skip
    plan = solve_checked(problem)
    assert [r[1] for r in rows_of(plan, "langzeit")] == ["LONG"]


def test_published_and_locked_rows_of_the_new_kinds_are_kept() -> None:
    """A published Langzeitpraktikum on Thursday is kept (Tuesday would be as
    good in every other level: stability decides); the locked course IT2 is
    kept, though IT is just as good."""
    base = kreis(
        students=(student("A", grade=9),),
        companies=(company("C"),),
        offers=(
            langzeit("LZ", "C", "metall", "di|do"),
            course("IT", "C", "it", D(2027, 2, 1), D(2027, 2, 3)),
            course("IT2", "C", "it", D(2027, 2, 8), D(2027, 2, 10)),
        ),
        calendar=(
            CalendarEntry(school_id="S", kind="langzeit", grade=9, start_date=D(2027, 1, 7),
                          end_date=D(2027, 2, 26)),
            CalendarEntry(school_id="S", kind="praxiskurs", grade=9,
                          start_date=D(2027, 1, 11), end_date=D(2027, 2, 26)),
        ),
        participants=(*participants("langzeit", "A"), *participants("praxiskurs", "A")),
        travel=minutes({("S", "C"): 10}),
    )  # fmt: skip
    previous = (
        PreviousAssignment(student_id="A", kind="langzeit", offer_id="LZ",
                           start_date=D(2027, 1, 7), end_date=D(2027, 2, 26),
                           weekdays=frozenset({"do"})),
        PreviousAssignment(student_id="A", kind="praxiskurs", offer_id="IT2",
                           start_date=D(2027, 2, 8), end_date=D(2027, 2, 10), status="locked"),
    )  # fmt: skip
    plan = solve_checked(base.model_copy(update={"previous": previous}))
    assert rows_of(plan, "langzeit") == [("A", "LZ", D(2027, 1, 7), D(2027, 2, 26), "do")]
    assert [r[1] for r in rows_of(plan, "praxiskurs")] == ["IT2"]
    assert plan.objectives["stability"] == 1


def test_wishes_and_together_pairs_hold_for_the_new_kinds() -> None:
    """A wishes company C2 (rank 1: 5 points); A and B wish to be together.
    Both take their Langzeitpraktikum at C2 on the same weekday."""
    problem = kreis(
        students=(student("A", grade=9), student("B", grade=9)),
        companies=(company("C1"), company("C2")),
        offers=(
            langzeit("NEAR", "C1", "metall", "di|mi", capacity=2),
            langzeit("FAR", "C2", "metall", "di|mi", capacity=2),
        ),
        calendar=(
            CalendarEntry(school_id="S", kind="langzeit", grade=9, start_date=D(2027, 1, 7),
                          end_date=D(2027, 2, 26)),
        ),
        participants=participants("langzeit", "A", "B"),
        wishes=(Wish(student_id="A", rank=1, company_id="C2"),),
        pairs=(Pair(student_a="A", student_b="B", relation="together"),),
        travel=minutes({("S", "C1"): 5, ("S", "C2"): 30}),
    )  # fmt: skip
    plan = solve_checked(problem)
    rows = rows_of(plan, "langzeit")
    assert [r[1] for r in rows] == ["FAR", "FAR"] and rows[0][4] == rows[1][4]
    assert plan.objectives == objectives(coverage=2, wishes=5, together=1, travel=60)


def _pause_and_pair(second_window: D, relation: str = "together") -> Problem:
    """P (school S) needs a Praktikum block 11-22 Jan and takes its
    Langzeitpraktikum on Tuesdays at C2 (LZ); Q (school S2) needs a block
    starting ``second_window``. PR (C1) holds only S's window, PR2 (C2) both.
    P and Q wish to be together. Every student is placed (coverage 3): P at
    PR, Q at PR2 is the only plan where Q is ever at C2."""
    q_window = CalendarEntry(
        school_id="S2",
        kind="praktikum",
        grade=9,
        start_date=second_window,
        end_date=second_window + dt.timedelta(11),
    )
    return kreis(
        schools=(school("S"), school("S2")),
        students=(student("P", grade=9), student("Q", school_id="S2", grade=9)),
        companies=(company("C1"), company("C2")),
        offers=(
            Offer(offer_id="PR", company_id="C1", field_id="it", kind="praktikum",
                  start_date=D(2027, 1, 11), end_date=D(2027, 1, 22), capacity=1),
            Offer(offer_id="PR2", company_id="C2", field_id="bau", kind="praktikum",
                  start_date=D(2027, 1, 11), end_date=D(2027, 2, 5), capacity=1),
            langzeit("LZ", "C2", "metall", "di"),
        ),
        calendar=(
            CalendarEntry(school_id="S", kind="praktikum", grade=9,
                          start_date=D(2027, 1, 11), end_date=D(2027, 1, 22)),
            q_window,
            CalendarEntry(school_id="S", kind="langzeit", grade=9, start_date=D(2027, 1, 7),
                          end_date=D(2027, 2, 26), weekdays=frozenset({"di"})),
        ),
        participants=participants("langzeit", "P"),
        pairs=(Pair(student_a="P", student_b="Q", relation=relation),),  # type: ignore[arg-type]
        travel=minutes({("S", "C1"): 15, ("S", "C2"): 25, ("S2", "C1"): 15, ("S2", "C2"): 25}),
    )  # fmt: skip


def test_a_paused_langzeit_day_is_not_together() -> None:
    """Same window (11-22 Jan): Q is at C2 only in the block, when P's
    Langzeitpraktikum pauses (Tuesdays 12 and 19 Jan are no Langzeit dates),
    so no plan has them together: 0, not 1."""
    plan = solve_checked(_pause_and_pair(D(2027, 1, 11)))
    assert plan.objectives["coverage"] == 3
    assert plan.objectives["together"] == 0


def test_a_langzeit_day_outside_the_block_is_together() -> None:
    """Q's block 25 Jan - 5 Feb at C2 holds P's Langzeit Tuesdays 26 Jan and
    2 Feb, after P's own block: together 1, with P at PR and Q at PR2."""
    plan = solve_checked(_pause_and_pair(D(2027, 1, 25)))
    assert plan.objectives["together"] == 1
    assert [r[:2] for r in rows_of(plan, "praktikum")] == [("P", "PR"), ("Q", "PR2")]


def test_an_apart_pair_may_share_a_paused_langzeit_day() -> None:
    """P at PR (C1) and Langzeit Tuesdays at C2, Q at PR2 (C2), an ``apart``
    pair: with the same window P's Tuesdays at C2 pause while Q is there, so
    both checks accept it; with Q's block 25 Jan - 5 Feb they meet on Tuesday
    26 Jan and 2 Feb, and both reject it (the first date named)."""
    from kaoa_match.plan import ASSIGNMENT_COLUMNS

    def plan(q_start: D) -> pd.DataFrame:
        rows = [
            ("P", "S", "praktikum", "PR", "C1", "it", D(2027, 1, 11), D(2027, 1, 22), 15, 0, ""),
            ("P", "S", "langzeit", "LZ", "C2", "metall", D(2027, 1, 7), D(2027, 2, 26), 25, 0,
             "di"),
            ("Q", "S2", "praktikum", "PR2", "C2", "bau", q_start, q_start + dt.timedelta(11), 25,
             0, ""),
        ]  # fmt: skip
        return pd.DataFrame(rows, columns=ASSIGNMENT_COLUMNS)

    same = _pause_and_pair(D(2027, 1, 11), "apart")
    assert broken_rules(same, plan(D(2027, 1, 11))) == []
    assert check_plan(same, plan(D(2027, 1, 11))) == []
    later = _pause_and_pair(D(2027, 1, 25), "apart")
    assert broken_rules(later, plan(D(2027, 1, 25))) == [
        "[apart] students P and Q are both at company C2 on 2027-01-26"
    ]
    assert len(check_plan(later, plan(D(2027, 1, 25)))) == 1


# --- the fixture of the input side, now planned --------------------------------


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
    course_k1 = course("K1", "C1", "it", D(2027, 2, 15), D(2027, 2, 17), capacity=10, min_group=2)
    langzeit_l1 = langzeit("L1", "C2", "metall", "di|do", capacity=2, start_date=D(2026, 9, 14))
    previous = (
        PreviousAssignment(student_id="p0", kind="praxiskurs", offer_id="K1",
                           start_date=D(2027, 2, 15), end_date=D(2027, 2, 17)),
        PreviousAssignment(student_id="p1", kind="langzeit", offer_id="L1",
                           start_date=D(2026, 11, 16), end_date=D(2027, 5, 28),
                           weekdays=frozenset({"di"}), status="locked"),
    )  # fmt: skip
    return problem.model_copy(
        update={
            "offers": (*problem.offers, course_k1, langzeit_l1),
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


def test_the_locked_langzeit_keeps_the_course_from_running() -> None:
    """p1's locked Langzeitpraktikum on Tuesdays meets course K1 (Monday 15 to
    Wednesday 17 Feb), so p1 cannot join it; p0 alone is below its minimum
    group of 2: K1 does not run. Coverage: 2 BFE days, the one Praktikum
    block, the Langzeitpraktikum."""
    problem = with_new_kinds(bfe_and_praktikum())
    assert validate(problem).errors == []
    plan = solve_checked(problem)
    assert rows_of(plan, "langzeit") == [("p1", "L1", D(2026, 11, 16), D(2027, 5, 28), "di")]
    assert rows_of(plan, "praxiskurs") == []
    assert plan.objectives["coverage"] == 4
    assert missing(plan)[("p0", "praxiskurs")] == 2


# --- random small Kreise with all four kinds -----------------------------------


@st.composite
def _weekdays(draw: st.DrawFn, at_least: int = 1) -> frozenset[str]:
    return frozenset(
        draw(st.lists(st.sampled_from(WEEKDAY_NAMES), unique=True, min_size=at_least, max_size=5))
    )


@st.composite
def with_random_new_kinds(draw: st.DrawFn, problem: Problem) -> Problem:
    """``problem`` plus 1-4 courses (in the BFE weeks or the Praktikum weeks, so
    that dates meet), 1-2 Langzeitpraktikum offers, a row of each kind for
    each school and grade (a period over both the BFE and the Praktikum
    weeks), and participants."""
    companies = [c.company_id for c in problem.companies]
    fields = sorted({o.field_id for o in problem.offers})
    offers = []
    for i in range(draw(st.integers(1, 4))):
        dates = draw(st.sampled_from([BFE_DATES, PRAKTIKUM_DATES]))
        k = draw(st.integers(0, len(dates) - 3))
        capacity = draw(st.integers(0, 3))
        offers.append(
            course(f"K{i}", draw(st.sampled_from(companies)), draw(st.sampled_from(fields)),
                   dates[k], dates[k + draw(st.integers(0, 2))], capacity=capacity,
                   min_group=draw(st.sampled_from([None, 2])) if capacity >= 2 else None)
        )  # fmt: skip
    for i in range(draw(st.integers(1, 2))):
        offers.append(
            langzeit(f"L{i}", draw(st.sampled_from(companies)), draw(st.sampled_from(fields)),
                     "|".join(sorted(draw(_weekdays()))), capacity=draw(st.integers(0, 2)),
                     end_date=draw(st.sampled_from([D(2027, 6, 30), D(2027, 1, 29)])))
        )  # fmt: skip
    calendar = []
    for school_id, grade in sorted({(s.school_id, s.grade) for s in problem.students}):
        dates = draw(st.sampled_from([BFE_DATES, PRAKTIKUM_DATES]))
        calendar.append(
            CalendarEntry(school_id=school_id, kind="praxiskurs", grade=grade,
                          start_date=dates[0], end_date=dates[-1], days=draw(st.integers(1, 2)))
        )  # fmt: skip
        allowed = draw(_weekdays())
        calendar.append(
            CalendarEntry(school_id=school_id, kind="langzeit", grade=grade,
                          start_date=BFE_DATES[0], end_date=PRAKTIKUM_DATES[-1],
                          days=draw(st.integers(1, min(2, len(allowed)))), weekdays=allowed)
        )  # fmt: skip
    listed = [
        Participant(student_id=s.student_id, kind=kind)
        for s in problem.students
        for kind in ("praxiskurs", "langzeit")
        if draw(st.booleans())
    ]
    return problem.model_copy(
        update={
            "offers": (*problem.offers, *offers),
            "calendar": (*problem.calendar, *calendar),
            "participants": tuple(listed),
        }
    )


def _assert_valid(problem: Problem, plan: Plan) -> None:
    assert check_plan(problem, plan.assignments) == []
    assert broken_rules(problem, plan.assignments) == []
    assert plan.status in ("optimal", "feasible")
    assert objective_values(problem, plan.assignments) == plan.objectives
    for name, value in plan.objectives.items():
        bound = plan.bounds[name]
        assert (value <= bound) if name != "travel" else (value >= bound), name


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), problem=small_problems())
def test_random_kreise_with_all_four_kinds_obey_every_rule(
    data: st.DataObject, problem: Problem
) -> None:
    extended = data.draw(with_random_new_kinds(problem))
    assert validate(extended).errors == []
    plan = solve(extended, OPTIONS)
    assert plan.status == "optimal"  # small: every level proven
    _assert_valid(extended, plan)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), problem=small_problems())
def test_a_cut_model_with_the_new_kinds_stays_valid(data: st.DataObject, problem: Problem) -> None:
    """With the model cut to a few options (the Kreis-scale path: warm start,
    cut, whole-Kreis caps), plans still obey every rule and bounds hold."""
    extended = data.draw(with_random_new_kinds(problem))
    options = SolveOptions(workers=1, seed=0, time_limit_s=None, max_options=3)
    plan = solve(extended, options)
    _assert_valid(extended, plan)
    exact = solve(extended, OPTIONS)
    for name in ("coverage",):  # the cut model's bound holds for the whole Kreis
        assert exact.objectives[name] <= plan.bounds[name]
