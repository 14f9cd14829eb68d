"""The Kreis summary on a hand-made Kreis whose numbers are checked by hand."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from kaoa_match.generate import supply_summary
from kaoa_match.model import (
    CalendarEntry,
    Company,
    Interest,
    Offer,
    Participant,
    Priority,
    Problem,
    School,
    Student,
)
from kaoa_match.options import build_options
from kaoa_match.summary import KreisSummary, render_summary, summarize

D = dt.date
BFE_DATES = (D(2026, 11, 4), D(2026, 11, 5), D(2026, 11, 6))
NEEDS_REASON = "no offer provides what the student needs (see the needs column of students.csv)"


def _offer(
    offer_id: str, field_id: str, kind: str, first: dt.date, last: dt.date, cap: int
) -> Offer:
    return Offer(
        offer_id=offer_id,
        company_id="C1",
        field_id=field_id,
        kind=kind,  # type: ignore[arg-type]
        start_date=first,
        end_date=last,
        capacity=cap,
    )


def _interests(student_id: str, scores: dict[str, int]) -> list[Interest]:
    return [Interest(student_id=student_id, field_id=f, score=s) for f, s in scores.items()]


@pytest.fixture(scope="module")
def kreis() -> Problem:
    """S1 (Gymnasium): P1, P2 in grade 8 with three BFE dates, three days each.
    S2 (Realschule): P3 in grade 7 (no calendar), P4 and P5 in grade 9 with a
    5-day Praktikum in 24.05.-04.06.2027; P5 needs barrierefrei, which the only
    company lacks. Everyone lives at the school, the company is there too."""
    schools = (
        School(school_id="S1", school_type="Gymnasium", lat=51.0, lon=7.0),
        School(school_id="S2", school_type="Realschule", lat=51.0, lon=7.0),
    )
    students = (
        Student(student_id="P1", school_id="S1", grade=8, birth_date=D(2011, 3, 1)),
        Student(student_id="P2", school_id="S1", grade=8),
        Student(student_id="P3", school_id="S2", grade=7),
        Student(student_id="P4", school_id="S2", grade=9),
        Student(student_id="P5", school_id="S2", grade=9, needs=frozenset({"barrierefrei"})),
    )
    calendar = (
        *(CalendarEntry(school_id="S1", kind="bfe", grade=8, start_date=d) for d in BFE_DATES),
        CalendarEntry(
            school_id="S2",
            kind="praktikum",
            grade=9,
            start_date=D(2027, 5, 24),
            end_date=D(2027, 6, 4),
            days=5,
        ),
    )
    offers = (
        # IT on Mon 02.11. - Thu 05.11., 2 places a day; Bau on Thu 05.11. only.
        _offer("O1", "it", "bfe", D(2026, 11, 2), D(2026, 11, 5), 2),
        _offer("O2", "bau", "bfe", D(2026, 11, 5), D(2026, 11, 5), 1),
        _offer("O3", "it", "praktikum", D(2027, 5, 24), D(2027, 6, 4), 3),
        _offer("O4", "metall", "praktikum", D(2027, 5, 24), D(2027, 6, 4), 0),
    )
    interests = (
        _interests("P1", {"it": 80, "bau": 60, "medien": 40})  # top: it, bau, medien
        + _interests("P2", {"it": 90, "bau": 10})  # t = 0: top it, bau
        + _interests("P4", {"it": 50, "metall": 50, "bau": 50, "kunst": 20})
        + _interests("P5", {"it": 50, "metall": 50, "bau": 50})
    )
    return Problem(
        schools=schools,
        students=students,
        companies=(Company(company_id="C1", name="Firma X", lat=51.0, lon=7.0),),
        offers=offers,
        calendar=calendar,
        interests=tuple(interests),
    )


@pytest.fixture(scope="module")
def summary(kreis: Problem) -> KreisSummary:
    return summarize(kreis, build_options(kreis))


def test_students_per_school_and_grade(summary: KreisSummary) -> None:
    expected = pd.DataFrame(
        {
            "school_id": ["S1", "S2", "S2"],
            "school_type": ["Gymnasium", "Realschule", "Realschule"],
            "grade": [8, 7, 9],
            "students": [2, 1, 2],
            "bfe_days": [3, 0, 0],
            "praktikum": [False, False, True],
            "praxiskurs": [0, 0, 0],
            "langzeit": [0, 0, 0],
            "bfe_no_option": [0, 0, 0],
            "praktikum_no_option": [0, 0, 1],
        }
    )
    table = summary.students.sort_values(["school_id", "grade"], ignore_index=True)
    pd.testing.assert_frame_equal(table, expected, check_dtype=False)


def test_bfe_places_per_field_and_working_day(summary: KreisSummary) -> None:
    rows = list(summary.bfe_places.itertuples(index=False, name=None))
    assert rows == [
        ("bau", D(2026, 11, 5), 1),
        ("it", D(2026, 11, 2), 2),
        ("it", D(2026, 11, 3), 2),
        ("it", D(2026, 11, 4), 2),
        ("it", D(2026, 11, 5), 2),
    ]


def test_bfe_demand_against_places(summary: KreisSummary) -> None:
    # Each student needs 3 of 3 dates: a whole student on each date, split over
    # the top fields: P1 a third each to it, bau, medien; P2 a half to it, bau.
    # it and bau: 1/3 + 1/2 = 0.83 -> 0.8; medien: 0.33 -> 0.3.
    table = summary.bfe_balance.set_index(["field_id", "date"])
    assert len(table) == 9  # 3 fields with demand x 3 candidate dates
    assert table.loc[("it", D(2026, 11, 4))].tolist() == [0.8, 2, 0.0]
    assert table.loc[("it", D(2026, 11, 6))].tolist() == [0.8, 0, 0.8]
    assert table.loc[("bau", D(2026, 11, 5))].tolist() == [0.8, 1, 0.0]
    assert table.loc[("bau", D(2026, 11, 4))].tolist() == [0.8, 0, 0.8]
    assert table.loc[("medien", D(2026, 11, 5))].tolist() == [0.3, 0, 0.3]
    assert summary.bfe_balance["demand"].sum() == pytest.approx(3 * (0.8 + 0.8 + 0.3))


def test_praktikum_demand_against_places(summary: KreisSummary) -> None:
    # P4 and P5 each split over it, metall, bau (kunst 20 is below t = 50).
    table = summary.praktikum_balance.set_index("field_id")
    assert len(table) == 16  # every Berufsfeld
    assert table.loc["it"].tolist() == [0.7, 3, 0.0]
    assert table.loc["metall"].tolist() == [0.7, 0, 0.7]  # capacity 0 counts 0
    assert table.loc["bau"].tolist() == [0.7, 0, 0.7]
    assert table.loc["kunst"].tolist() == [0.0, 0, 0.0]


def test_students_without_any_option(summary: KreisSummary) -> None:
    assert summary.no_option.to_dict("records") == [
        {
            "student_id": "P5",
            "school_id": "S2",
            "kind": "praktikum",
            "reason": NEEDS_REASON,
        }
    ]


def test_render_is_short_and_names_students_by_id_only(
    summary: KreisSummary, kreis: Problem
) -> None:
    text = render_summary(summary)
    assert "Students per school and grade" in text
    assert (
        "Students with no possible placement (bfe: 0, praktikum: 1, praxiskurs: 0, langzeit: 0)"
        in text
    )
    assert "P5" in text
    assert "2011" not in text  # no birth dates
    assert "51.0" not in text  # no coordinates
    short = render_summary(summary, max_rows=2)
    assert "... and 14 more" in short  # 16 Berufsfelder, 2 shown
    assert len(short.splitlines()) < len(text.splitlines())


def test_render_shows_no_personal_data_of_students(kreis: Problem) -> None:
    # Personal values that occur nowhere else in the Kreis: any leak would show.
    personal = {
        "needs": frozenset({"rollstuhl"}),
        "qualifications": frozenset({"erste-hilfe"}),
        "birth_date": D(2011, 7, 19),
        "home_lat": 51.0123,
        "home_lon": 7.0456,
    }
    students = tuple(
        s.model_copy(update=personal) if s.student_id == "P5" else s for s in kreis.students
    )
    interests = tuple(
        i.model_copy(update={"score": 87}) if i.student_id == "P5" else i for i in kreis.interests
    )
    problem = kreis.model_copy(update={"students": students, "interests": interests})
    summary = summarize(problem, build_options(problem))
    assert list(summary.no_option.columns) == ["student_id", "school_id", "kind", "reason"]
    assert summary.no_option["reason"].tolist() == [NEEDS_REASON]
    text = render_summary(summary, max_rows=100)
    assert "P5" in text
    for secret in ("rollstuhl", "erste-hilfe", "2011", "19.07", "51.0123", "7.0456", "87"):
        assert secret not in text


def test_render_names_the_order_of_the_levels(kreis: Problem) -> None:
    options = build_options(kreis)
    text = render_summary(summarize(kreis, options))
    default = (
        "Order of the levels, highest first (the default)\n"
        "  coverage > stability > fairness > wishes > together > interest (tolerance 1 %)"
        " > travel"
    )
    assert text.endswith(default)
    order = ("wishes", "coverage", "fairness", "stability", "interest", "together", "travel")
    given = tuple(
        Priority(level=level, tolerance=0.5 if level == "interest" else 0)  # type: ignore[arg-type]
        for level in order
    )
    summary = summarize(kreis.model_copy(update={"priorities": given}), options)
    assert summary.priorities == given
    assert render_summary(summary).endswith(
        "Order of the levels, highest first (from the input)\n"
        "  wishes > coverage > fairness > stability > interest (tolerance 0.5 %) > together"
        " > travel"
    )


# --- Praxiskurs and Langzeitpraktikum -----------------------------------------


@pytest.fixture(scope="module")
def new_kinds() -> Problem:
    """One school: K1-K3 (grade 9) take one Praxiskurs each in 12.04.-07.05.2027;
    L9 (grade 9) a Langzeitpraktikum one day a week on Mo or Di, L8 (grade 8)
    two days a week on any weekday. PK1 (2 seats, groups of 2) lies in the
    window, PK2 (4 seats) in June does not: nobody may take it. LZ1 takes 2
    students on Mo and Mi, LZ2 one on Fr."""
    school = School(school_id="S1", school_type="Förderschule", lat=51.0, lon=7.0)
    ids = {"K1": 9, "K2": 9, "K3": 9, "L9": 9, "L8": 8}
    year = {"start_date": D(2026, 9, 1), "end_date": D(2027, 7, 1)}
    period = {"start_date": D(2026, 11, 2), "end_date": D(2027, 6, 25)}
    return Problem(
        schools=(school,),
        students=tuple(Student(student_id=s, school_id="S1", grade=g) for s, g in ids.items()),
        companies=(Company(company_id="C1", lat=51.0, lon=7.0),),
        offers=(
            _offer("PK1", "bau", "praxiskurs", D(2027, 4, 12), D(2027, 4, 16), 2).model_copy(
                update={"min_group": 2}
            ),
            _offer("PK2", "metall", "praxiskurs", D(2027, 6, 7), D(2027, 6, 11), 4),
            Offer(offer_id="LZ1", company_id="C1", field_id="it", kind="langzeit",
                  capacity=2, weekdays=frozenset({"mo", "mi"}), **year),
            Offer(offer_id="LZ2", company_id="C1", field_id="it", kind="langzeit",
                  capacity=1, weekdays=frozenset({"fr"}), **year),
        ),
        calendar=(
            CalendarEntry(school_id="S1", kind="praxiskurs", grade=9, start_date=D(2027, 4, 12),
                          end_date=D(2027, 5, 7), days=1),
            CalendarEntry(school_id="S1", kind="langzeit", grade=9, days=1,
                          weekdays=frozenset({"mo", "di"}), **period),
            CalendarEntry(school_id="S1", kind="langzeit", grade=8, days=2, **period),
        ),
        participants=(
            *(Participant(student_id=s, kind="praxiskurs") for s in ("K1", "K2", "K3")),
            Participant(student_id="L9", kind="langzeit"),
            Participant(student_id="L8", kind="langzeit"),
        ),
    )  # fmt: skip


def test_participants_per_school_and_grade(new_kinds: Problem) -> None:
    table = summarize(new_kinds, build_options(new_kinds)).students
    assert table[["grade", "students", "praxiskurs", "langzeit"]].values.tolist() == [
        [8, 1, 0, 1],
        [9, 4, 3, 1],
    ]


def test_courses_with_their_seats_and_takers(new_kinds: Problem) -> None:
    courses = summarize(new_kinds, build_options(new_kinds)).courses
    assert courses[["offer_id", "seats", "min_group", "takers"]].values.tolist() == [
        ["PK1", 2, 2, 3],  # K1-K3 may all take it, two seats
        ["PK2", 4, 1, 0],  # after the window: nobody
    ]


def test_langzeit_demand_and_places_per_weekday(new_kinds: Problem) -> None:
    # L9: 1 day of {mo, di} = 0.5 on each; L8: 2 days of five = 0.4 on each.
    balance = summarize(new_kinds, build_options(new_kinds)).langzeit_balance
    assert balance.values.tolist() == [
        ["mo", 0.9, 2, 0.0],
        ["di", 0.9, 0, 0.9],
        ["mi", 0.4, 2, 0.0],
        ["do", 0.4, 0, 0.4],
        ["fr", 0.4, 1, 0.0],
    ]


def test_render_shows_the_new_kinds_only_where_they_are(
    new_kinds: Problem, summary: KreisSummary
) -> None:
    text = render_summary(summarize(new_kinds, build_options(new_kinds)))
    assert "Praxiskurse: seats and participants who may take each course" in text
    assert "Langzeitpraktikum per weekday" in text
    assert "(bfe: 0, praktikum: 0, praxiskurs: 0, langzeit: 0)\n  (none)" in text
    old = render_summary(summary)
    assert "Praxiskurse" not in old and "Langzeitpraktikum per weekday" not in old


def test_supply_summary_counts_each_kind(new_kinds: Problem) -> None:
    supply = supply_summary(new_kinds)
    assert (supply.praxiskurs_students, supply.praxiskurs_demand) == (3, 3)
    assert (supply.praxiskurs_courses, supply.praxiskurs_seats) == (2, 6)
    assert (supply.langzeit_students, supply.langzeit_demand) == (2, 3)  # 1 + 2 days a week
    assert (supply.langzeit_offers, supply.langzeit_weekday_places) == (2, 5)  # 2 x 2 + 1
    assert supply.praxiskurs_supply_ratio == 2.0
    assert supply.langzeit_supply_ratio == pytest.approx(5 / 3)
