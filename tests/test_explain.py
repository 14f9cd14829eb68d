"""``explain``: a student's placements and, for each better option, why not."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pandas as pd
import pytest

from kaoa_match.cli import main
from kaoa_match.explain import UnknownStudentError, explain_student
from kaoa_match.io.write_plan import write_plan
from kaoa_match.io.write_problem import write_problem
from kaoa_match.model import (
    CalendarEntry,
    Company,
    Interest,
    Offer,
    Problem,
    School,
    Student,
    TravelTime,
)
from kaoa_match.plan import ASSIGNMENT_COLUMNS, UNASSIGNED_COLUMNS, LevelResult, Plan

if TYPE_CHECKING:
    from pathlib import Path

DAY = dt.date(2026, 11, 4)  # a Wednesday, no holiday in NRW


def _problem() -> Problem:
    """One student, s1, who scores it 90, bau 80, kunst 10, needing one BFE day.

    The it place (11 min away) has one place and s2 holds it; the bau company is
    73 minutes away (the limit is 45); so s1 is at the kunst company. s2 is
    only there to fill the it place and must never be named.
    """
    companies = [
        Company(company_id="C1", name="Firma Voll", lat=51.46, lon=7.01),
        Company(company_id="C2", name="Bau Fern", lat=51.9, lon=7.6),
        Company(company_id="C3", name="Atelier", lat=51.45, lon=7.02),
    ]
    offers = [
        Offer(offer_id=f"O{k}", company_id=f"C{k}", field_id=f, kind="bfe", start_date=DAY,
              capacity=1)
        for k, f in ((1, "it"), (2, "bau"), (3, "kunst"))
    ]  # fmt: skip
    return Problem(
        schools=[School(school_id="S", name="Schule", school_type="Realschule", lat=51.45,
                        lon=7.0)],
        students=[Student(student_id=s, school_id="S", grade=8) for s in ("s1", "s2")],
        companies=companies,
        offers=offers,
        calendar=[CalendarEntry(school_id="S", kind="bfe", grade=8, start_date=DAY, days=1)],
        interests=[Interest(student_id="s1", field_id=f, score=v)
                   for f, v in (("it", 90), ("bau", 80), ("kunst", 10))],
        travel=[TravelTime(origin_id="S", company_id=c, minutes=m)
                for c, m in (("C1", 11), ("C2", 73), ("C3", 12))],
    )  # fmt: skip


def _assignments() -> pd.DataFrame:
    rows = [
        ["s1", "S", "bfe", "O3", "C3", "kunst", DAY, DAY, 12, 10, ""],
        ["s2", "S", "bfe", "O1", "C1", "it", DAY, DAY, 11, 0, ""],
    ]
    return pd.DataFrame(rows, columns=ASSIGNMENT_COLUMNS)


EXPECTED = [
    "s1 at Schule (S), grade 8; top-3 fields: it (90), bau (80), kunst (10)",
    "BFE: 1 of 1 day placed",
    "chosen:",
    "  04.11.2026: kunst (10) at Atelier (C3), 12 min",
    "better options not chosen:",
    "  it (90) at Firma Voll (C1), 11 min, on 04.11.2026: full (1 of 1 place taken by "
    "other students)",
    "  bau (80) at Bau Fern (C2), 73 min: too far (73 minutes, the maximum is 45)",
]


def test_one_option_full_and_one_too_far() -> None:
    assert explain_student(_problem(), _assignments(), "s1") == EXPECTED


def test_no_other_student_is_named() -> None:
    text = "\n".join(explain_student(_problem(), _assignments(), "s1"))
    assert "s2" not in text


def test_too_young_and_field_already_used() -> None:
    # s1 now needs two BFE days (4 and 5 November). The it company takes only
    # students of 16 or older; s1 turns 14 in 2026. The bau company is near now
    # and open on both days; s1 has bau on the 5th, so bau on the 4th would
    # repeat the Berufsfeld, while kunst (10) fills the 4th.
    day2 = DAY + dt.timedelta(days=1)
    base = _problem()
    problem = base.model_copy(
        update={
            "students": (
                Student(student_id="s1", school_id="S", grade=8, birth_date=dt.date(2012, 3, 1)),
                base.students[1],
            ),
            "companies": (
                base.companies[0].model_copy(update={"min_age": 16}),
                base.companies[1].model_copy(update={"lat": 51.46, "lon": 7.0}),
                base.companies[2],
            ),
            "offers": tuple(o.model_copy(update={"end_date": day2}) for o in base.offers),
            "calendar": (base.calendar[0].model_copy(update={"end_date": day2, "days": 2}),),
            "travel": tuple(
                t.model_copy(update={"minutes": 20}) if t.company_id == "C2" else t
                for t in base.travel
            ),
        }
    )
    plan = pd.DataFrame(
        [
            ["s1", "S", "bfe", "O3", "C3", "kunst", DAY, DAY, 12, 10, ""],
            ["s1", "S", "bfe", "O2", "C2", "bau", day2, day2, 20, 80, ""],
        ],
        columns=ASSIGNMENT_COLUMNS,
    )
    assert explain_student(problem, plan, "s1")[1:] == [
        "BFE: 2 of 2 days placed",
        "chosen:",
        "  04.11.2026: kunst (10) at Atelier (C3), 12 min",
        "  05.11.2026: bau (80) at Bau Fern (C2), 20 min",
        "better options not chosen:",
        "  it (90) at Firma Voll (C1), 11 min: too young on 04.11.2026, 05.11.2026 "
        "(the company requires age 16)",
        "  bau (80) at Bau Fern (C2), 20 min, on 04.11.2026: Berufsfeld bau already placed "
        "on 05.11.2026",
    ]


def test_unknown_student_raises() -> None:
    with pytest.raises(UnknownStudentError, match="unknown student_id 'nobody'"):
        explain_student(_problem(), _assignments(), "nobody")


def _written(tmp_path: Path) -> Path:
    write_problem(_problem(), tmp_path / "in")
    plan = Plan(
        status="optimal",
        levels=[LevelResult("coverage", "max", 2, 2, "optimal", 0.1)],
        assignments=_assignments(),
        unassigned=pd.DataFrame([], columns=UNASSIGNED_COLUMNS),
        solve_seconds=0.1,
    )
    return write_plan(plan, tmp_path / "out", {"input": str(tmp_path / "in")})


def test_command_prints_the_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = _written(tmp_path)
    assert main(["explain", str(out), "s1"]) == 0
    assert capsys.readouterr().out.splitlines() == EXPECTED


def test_command_exits_2_for_an_unknown_student(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _written(tmp_path)
    assert main(["explain", str(out), "nobody"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "unknown student_id 'nobody': not in the input" in captured.err


def test_a_short_student_gets_every_open_date_and_top_fields_without_offers() -> None:
    # s1 needs three BFE days (4, 5, 6 Nov) and has only kunst on the 4th. On
    # the 5th the only offer is the far bau company; on the 6th no offer is open.
    # Its top field it is offered only on the 4th (full); the Kreis has no medien
    # offer at all, though medien is one of s1's top-3 fields.
    day2, day3 = DAY + dt.timedelta(days=1), DAY + dt.timedelta(days=2)
    base = _problem()
    problem = base.model_copy(
        update={
            "offers": (
                base.offers[0],
                base.offers[1].model_copy(update={"start_date": day2}),
                base.offers[2],
            ),
            "calendar": (base.calendar[0].model_copy(update={"end_date": day3, "days": 3}),),
            "interests": (*base.interests, Interest(student_id="s1", field_id="medien", score=85)),
        }
    )
    lines = explain_student(problem, _assignments(), "s1")
    assert lines[1:5] == [
        "BFE: 1 of 3 days placed",
        "  no BFE offer at all in top-3 field(s): medien",
        "chosen:",
        "  04.11.2026: kunst (10) at Atelier (C3), 12 min",
    ]
    assert lines[5:8] == [
        "candidate dates without a placement:",
        "  05.11.2026: 1 offer: more than 45 minutes away",
        "  06.11.2026: no BFE offer is open on that date",
    ]


def test_two_offers_of_one_company_in_one_field_are_told_apart() -> None:
    base = _problem()
    second = base.offers[0].model_copy(update={"offer_id": "O1b"})
    problem = base.model_copy(update={"offers": (*base.offers, second)})
    plan = pd.concat(
        [_assignments(), pd.DataFrame([["s9", "S", "bfe", "O1b", "C1", "it", DAY, DAY, 11, 0, ""]],
                                      columns=ASSIGNMENT_COLUMNS)],
        ignore_index=True,
    )  # fmt: skip
    problem = problem.model_copy(
        update={"students": (*problem.students, Student(student_id="s9", school_id="S", grade=8))}
    )
    lines = explain_student(problem, plan, "s1")
    assert [line for line in lines if "Firma Voll" in line] == [
        "  it (90) at Firma Voll (C1, offer O1), 11 min, on 04.11.2026: full (1 of 1 place "
        "taken by other students)",
        "  it (90) at Firma Voll (C1, offer O1b), 11 min, on 04.11.2026: full (1 of 1 place "
        "taken by other students)",
    ]


def test_the_explanation_speaks_german_by_default_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _written(tmp_path)
    assert main(["explain", str(out), "s1", "--lang", "de"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "s1 an Schule (S), Jahrgang 8; Top-3-Berufsfelder: it (90), bau (80), kunst (10)",
        "BFE: 1 von 1 Tag vergeben",
        "vergeben:",
        "  04.11.2026: kunst (10) bei Atelier (C3), 12 Min.",
        "bessere Möglichkeiten, nicht gewählt:",
        "  it (90) bei Firma Voll (C1), 11 Min., am 04.11.2026: voll (1 von 1 Platz durch "
        "andere Schüler*innen belegt)",
        "  bau (80) bei Bau Fern (C2), 73 Min.: zu weit (73 Minuten, höchstens 45)",
    ]
