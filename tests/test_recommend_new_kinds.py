"""Late registrations for Praxiskurse and the Langzeitpraktikum: a course
with a free seat in a running group, a Langzeitpraktikum on weekdays with
room whose dates are free of the student's other placements."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pandas as pd

from kaoa_match import Problem, solve
from kaoa_match.cli import main
from kaoa_match.io.write_plan import write_plan
from kaoa_match.io.write_problem import write_problem
from kaoa_match.model import CalendarEntry, Offer
from kaoa_match.plan import ASSIGNMENT_COLUMNS, UNASSIGNED_COLUMNS
from kaoa_match.plan_rules import broken_rules
from kaoa_match.recommend import booked_plan, recommend, recommendation_lines
from tests.checker import check_plan
from tests.solvers.test_bfe_instances import OPTIONS, company, kreis, minutes, scores, student
from tests.solvers.test_new_kinds import block_and_tuesdays, course, langzeit, participants
from tests.test_recommend import without

if TYPE_CHECKING:
    from pathlib import Path

D = dt.date
COURSE_WINDOW = CalendarEntry(
    school_id="S", kind="praxiskurs", grade=9, start_date=D(2027, 1, 11), end_date=D(2027, 2, 26)
)
NO_SHORTFALL = pd.DataFrame(columns=UNASSIGNED_COLUMNS)


def course_kreis() -> Problem:
    """A and B (in the plan) and N (late) take one course each. IT seats 2
    (A takes one), SOZ seats 1 (B takes it), GROUP needs 2 to run and has
    nobody: N can only join IT."""
    return kreis(
        students=tuple(student(s, grade=9) for s in "ABN"),
        companies=(company("T", provider_type="traeger"),),
        offers=(
            course("IT", "T", "it", D(2027, 2, 1), D(2027, 2, 3)),
            course("SOZ", "T", "soziales", D(2027, 2, 8), D(2027, 2, 10), capacity=1),
            course("GROUP", "T", "metall", D(2027, 2, 15), D(2027, 2, 17), min_group=2),
        ),
        calendar=(COURSE_WINDOW,),
        participants=participants("praxiskurs", "A", "B", "N"),
        interests=scores({("A", "it"): 90, ("B", "soziales"): 90, ("N", "soziales"): 90}),
        travel=minutes({("S", "T"): 20}),
    )


def test_a_late_participant_gets_the_last_seat_of_a_running_course() -> None:
    problem = course_kreis()
    plan = solve(without(problem, {"N"}), OPTIONS).assignments
    assert sorted(zip(plan.student_id, plan.offer_id, strict=True)) == [("A", "IT"), ("B", "SOZ")]
    recs = recommend(problem, plan, ["N"])
    offered = {row[3] for option in recs.options["N"] for row in option.rows}
    assert offered == {"IT"}  # SOZ is full, GROUP would not run with N alone
    assert [row[3] for row in recs.booked["N"].rows] == ["IT"]
    placed, _, changes, _ = booked_plan(problem, plan, NO_SHORTFALL, {}, recs)
    assert check_plan(problem, placed) == [] and broken_rules(problem, placed) == []
    assert list(changes.kind) == ["praxiskurs"]


def test_no_seat_left_gives_a_reason_in_a_planners_words() -> None:
    problem = course_kreis()
    plan = solve(without(problem, {"N"}), OPTIONS).assignments
    full = pd.concat(
        [plan, plan[plan.offer_id == "IT"].assign(student_id="B2")], ignore_index=True
    )  # a second student fills IT
    recs = recommend(problem, full, ["N"])
    assert recs.options["N"] == [] and "N" not in recs.booked
    assert "Praxiskurs is missing" in recs.reasons["N"]
    assert "no option" in "\n".join(recommendation_lines(problem, recs))


def langzeit_kreis(capacity: int = 1) -> Problem:
    """L and M (grade 8) need one BFE day (only Tuesday 3 Nov) and a
    Langzeitpraktikum on one of Tuesday or Wednesday in November at LZ
    (``capacity`` students a weekday)."""
    bfe_day = D(2026, 11, 3)
    return kreis(
        students=(student("L"), student("M")),
        companies=(company("C1"), company("C2")),
        offers=(
            Offer(offer_id="BFE", company_id="C1", field_id="it", kind="bfe",
                  start_date=bfe_day, capacity=2),
            langzeit("LZ", "C2", "metall", "di|mi|do", capacity=capacity),
        ),
        calendar=(
            CalendarEntry(school_id="S", kind="bfe", grade=8, start_date=bfe_day, days=1),
            CalendarEntry(school_id="S", kind="langzeit", grade=8, start_date=D(2026, 11, 2),
                          end_date=D(2026, 11, 27), weekdays=frozenset({"di", "mi"})),
        ),
        participants=participants("langzeit", "L", "M"),
        interests=scores({("L", "metall"): 70}),
        travel=minutes({("S", "C1"): 15, ("S", "C2"): 25}),
    )  # fmt: skip


def bfe_row(sid: str) -> tuple[object, ...]:
    return (sid, "S", "bfe", "BFE", "C1", "it", D(2026, 11, 3), D(2026, 11, 3), 15, 0, "")


def lz_row(sid: str, weekdays: str) -> tuple[object, ...]:
    return (sid, "S", "langzeit", "LZ", "C2", "metall", D(2026, 11, 2), D(2026, 11, 27), 25, 70,
            weekdays)  # fmt: skip


def test_a_langzeit_weekday_on_the_students_bfe_day_is_not_offered() -> None:
    """L has the BFE day on Tuesday 3 Nov: only Wednesday is offered (a
    contiguous block over November would clash with it and was refused)."""
    problem = langzeit_kreis()
    plan = pd.DataFrame([bfe_row("L"), bfe_row("M")], columns=ASSIGNMENT_COLUMNS)
    recs = recommend(problem, plan, ["L"])
    weekdays = {row[10] for option in recs.options["L"] for row in option.rows}
    assert weekdays == {"mi"}
    assert not recs.booked["L"].partial
    placed, _, _, _ = booked_plan(problem, plan, NO_SHORTFALL, {}, recs)
    assert check_plan(problem, placed) == [] and broken_rules(problem, placed) == []


def test_a_weekday_without_room_leaves_the_best_partial_option() -> None:
    """M holds LZ on Wednesday, the only weekday that would not clash with
    L's BFE day (Tuesday): the BFE day and LZ on Tuesday exclude each other,
    so the best option is partial, one of the two; with the BFE day already
    placed, nothing is left and the reason says why."""
    problem = langzeit_kreis()
    plan = pd.DataFrame([bfe_row("M"), lz_row("M", "mi")], columns=ASSIGNMENT_COLUMNS)
    recs = recommend(problem, plan, ["L"])
    assert all(len(option.rows) == 1 for option in recs.options["L"])
    booked = recs.booked["L"]
    assert booked.partial and [row[3] for row in booked.rows] == ["LZ"]  # metall is top-3
    assert dict(booked.missing) == {"bfe": 1, "langzeit": 0}
    assert "1 BFE day missing" in "\n".join(recommendation_lines(problem, recs))
    placed = pd.concat([plan, pd.DataFrame([bfe_row("L")], columns=ASSIGNMENT_COLUMNS)])
    recs = recommend(problem, placed, ["L"])
    assert recs.options["L"] == []
    assert "no Langzeitpraktikum in reach has room" in recs.reasons["L"]


def test_recommend_books_a_langzeit_and_writes_a_valid_plan(tmp_path: Path) -> None:
    problem = langzeit_kreis(capacity=2)
    write_plan(solve(without(problem, {"L"}), OPTIONS), tmp_path / "plan")
    write_problem(problem, tmp_path / "input")
    args = ["recommend", str(tmp_path / "input"), "--plan", str(tmp_path / "plan"), "L"]
    assert main([*args, "--book", "--out", str(tmp_path / "new")]) == 0
    new = pd.read_csv(tmp_path / "new" / "assignments.csv", dtype=str, keep_default_na=False)
    mine = new[new.student_id == "L"]
    assert sorted(mine.kind) == ["bfe", "langzeit"]
    assert check_plan(problem, new) == []
    assert list(mine[mine.kind == "langzeit"].weekdays) == ["mi"]  # Tuesday is the BFE day


def test_a_late_langzeit_pauses_for_the_students_praktikum_block() -> None:
    """P has the Praktikum block (11 to 22 Jan) in the plan; the only
    Langzeitpraktikum weekday, Tuesday, falls into it twice: it pauses there,
    so it is offered and the booked plan is valid."""
    problem = block_and_tuesdays()
    block = ("P", "S", "praktikum", "PR", "C1", "it", D(2027, 1, 11), D(2027, 1, 22), 15, 0, "")
    plan = pd.DataFrame([block], columns=ASSIGNMENT_COLUMNS)
    recs = recommend(problem, plan, ["P"])
    assert [(row[3], row[10]) for row in recs.booked["P"].rows] == [("LZ", "di")]
    placed, _, _, _ = booked_plan(problem, plan, NO_SHORTFALL, {}, recs)
    assert check_plan(problem, placed) == [] and broken_rules(problem, placed) == []


def test_a_second_course_only_in_a_field_the_student_does_not_have() -> None:
    """N takes two courses and has IT already: IT2 (same field) is not offered,
    SOZ is."""
    problem = kreis(
        students=(student("N", grade=9),),
        companies=(company("T", provider_type="traeger"),),
        offers=(
            course("IT", "T", "it", D(2027, 2, 1), D(2027, 2, 3)),
            course("IT2", "T", "it", D(2027, 2, 8), D(2027, 2, 10)),
            course("SOZ", "T", "soziales", D(2027, 2, 15), D(2027, 2, 17)),
        ),
        calendar=(COURSE_WINDOW.model_copy(update={"days": 2}),),
        participants=participants("praxiskurs", "N"),
        interests=scores({("N", "it"): 90}),
        travel=minutes({("S", "T"): 20}),
    )
    held = ("N", "S", "praxiskurs", "IT", "T", "it", D(2027, 2, 1), D(2027, 2, 3), 20, 90, "")
    plan = pd.DataFrame([held], columns=ASSIGNMENT_COLUMNS)
    recs = recommend(problem, plan, ["N"])
    assert {row[3] for option in recs.options["N"] for row in option.rows} == {"SOZ"}
    assert not recs.booked["N"].partial
