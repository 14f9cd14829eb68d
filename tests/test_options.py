"""Eligibility, rule by rule, on tiny hand-made Kreise, and at scale against a
slow pure-Python reference."""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from typing import Any

import numpy as np
import pytest

from kaoa_match.calendar import WorkingDays
from kaoa_match.model import (
    DEFAULT_FIELDS,
    CalendarEntry,
    Company,
    ExtraHoliday,
    Interest,
    Offer,
    Participant,
    Problem,
    School,
    Student,
    TravelTime,
)
from kaoa_match.options import (
    KIND_CODE,
    Options,
    build_options,
    explain_no_option,
    interest_matrix,
    max_placeable,
    top_fields,
)

D = dt.date
BFE_DATES = (D(2026, 11, 4), D(2026, 11, 5), D(2026, 11, 6))  # Wed, Thu, Fri
# Praktikum: Mon 24.05.2027 - Fri 04.06.2027 holds 9 working days, as
# Thu 27.05. is Fronleichnam: 24, 25, 26, 28, 31.05., 1, 2, 3, 4.06.
WINDOW = (D(2027, 5, 24), D(2027, 6, 4))
FIELD = {f.field_id: j for j, f in enumerate(DEFAULT_FIELDS)}


def kreis(
    *,
    student: dict[str, Any] | None = None,
    company: dict[str, Any] | None = None,
    offer: dict[str, Any] | None = None,
    calendar: tuple[CalendarEntry, ...] | None = None,
    extra_companies: tuple[Company, ...] = (),
    extra_offers: tuple[Offer, ...] = (),
    interests: tuple[Interest, ...] = (),
) -> Problem:
    """One Gymnasium, one grade-8 student and Firma X 0 km from the school
    (10 minutes: the estimate's overhead), whose BFE offer in IT runs
    02.11.-13.11.2026. The student has the three BFE dates of BFE_DATES."""
    school = School(school_id="S1", school_type="Gymnasium", lat=51.0, lon=7.0)
    pupil: dict[str, Any] = {
        "student_id": "P1",
        "school_id": "S1",
        "grade": 8,
        "birth_date": D(2011, 6, 1),
    }
    firm: dict[str, Any] = {"company_id": "C1", "name": "Firma X", "lat": 51.0, "lon": 7.0}
    place: dict[str, Any] = {
        "offer_id": "O1",
        "company_id": "C1",
        "field_id": "it",
        "kind": "bfe",
        "start_date": D(2026, 11, 2),
        "end_date": D(2026, 11, 13),
        "capacity": 2,
    }
    if calendar is None:
        calendar = tuple(
            CalendarEntry(school_id="S1", kind="bfe", grade=8, start_date=d) for d in BFE_DATES
        )
    return Problem(
        schools=(school,),
        students=(Student(**(pupil | (student or {}))),),
        companies=(Company(**(firm | (company or {}))), *extra_companies),
        offers=(Offer(**(place | (offer or {}))), *extra_offers),
        calendar=calendar,
        interests=interests,
    )


def praktikum_kreis(
    window: tuple[dt.date, dt.date] = WINDOW, days: int = 5, **kwargs: Any
) -> Problem:
    """The same Kreis for a grade-9 Praktikum of ``days`` working days."""
    entry = CalendarEntry(
        school_id="S1",
        kind="praktikum",
        grade=9,
        start_date=window[0],
        end_date=window[1],
        days=days,
    )
    offer = {"kind": "praktikum", "start_date": WINDOW[0], "end_date": WINDOW[1]}
    return kreis(
        student={"grade": 9} | kwargs.pop("student", {}),
        offer=offer | kwargs.pop("offer", {}),
        calendar=(entry,),
        **kwargs,
    )


def option_dates(options: Options) -> list[tuple[dt.date, int]]:
    """(first day, length) of each option, in the options' order."""
    return [
        (options.days[int(k)], int(n))
        for k, n in zip(options.first_day, options.n_days, strict=True)
    ]


def reason(problem: Problem, kind: str = "bfe") -> str:
    options = build_options(problem)
    assert len(options) == 0
    text = options.no_option_reason[(0, kind)]
    assert explain_no_option(problem, 0, kind) == text  # type: ignore[arg-type]
    return text


# --------------------------------------------------------------------------
# The base case and each hard rule


def test_base_case_gives_every_candidate_date() -> None:
    options = build_options(kreis(interests=(Interest(student_id="P1", field_id="it", score=70),)))
    assert option_dates(options) == [(d, 1) for d in BFE_DATES]
    assert options.offer.tolist() == [0, 0, 0]
    assert options.company.tolist() == [0, 0, 0]
    assert options.field.tolist() == [FIELD["it"]] * 3
    assert options.kind.tolist() == [KIND_CODE["bfe"]] * 3
    assert options.travel_min.tolist() == [10, 10, 10]  # overhead only
    assert options.score.tolist() == [70, 70, 70]
    assert options.bfe_needed.tolist() == [3]
    assert options.praktikum_needed.tolist() == [0]
    assert options.no_option_reason == {}
    assert explain_no_option(kreis(), 0, "bfe") == ""


def test_grade_must_be_allowed() -> None:
    assert len(build_options(kreis(offer={"grades": frozenset({8, 9})}))) == 3
    text = reason(kreis(offer={"grades": frozenset({9})}))
    assert text == "no BFE offer is open to grade 8 at a Gymnasium"


def test_school_type_must_be_allowed() -> None:
    allowed = frozenset({"Gymnasium", "Realschule"})
    assert len(build_options(kreis(offer={"school_types": allowed}))) == 3
    text = reason(kreis(offer={"school_types": frozenset({"Hauptschule"})}))
    assert text == "no BFE offer is open to grade 8 at a Gymnasium"


def test_needs_must_be_provided() -> None:
    needs = {"needs": frozenset({"barrierefrei"})}
    provides = {"provides": frozenset({"barrierefrei", "aufzug"})}
    assert len(build_options(kreis(student=needs, company=provides))) == 3
    text = reason(kreis(student=needs))
    # Needs can reveal a disability: the reason points to the input instead.
    assert text == "no offer provides what the student needs (see the needs column of students.csv)"
    assert "barrierefrei" not in text


def test_requirements_must_be_held() -> None:
    requires = {"requires": frozenset({"ifsg"})}
    holds = {"qualifications": frozenset({"ifsg", "erste-hilfe"})}
    assert len(build_options(kreis(student=holds, company=requires))) == 3
    text = reason(kreis(company=requires))
    assert text == (
        "every suitable offer requires a qualification the student does not hold (ifsg)"
    )


def test_age_on_the_day() -> None:
    # Turns 15 on Thu 05.11.2026: too young on the 4th, old enough from the 5th.
    problem = kreis(student={"birth_date": D(2011, 11, 5)}, company={"min_age": 15})
    assert option_dates(build_options(problem)) == [(D(2026, 11, 5), 1), (D(2026, 11, 6), 1)]


def test_too_young_on_every_date() -> None:
    problem = kreis(student={"birth_date": D(2011, 11, 7)}, company={"min_age": 15})
    assert reason(problem) == "too young on every possible date: Firma X requires age 15"


def test_no_birth_date_and_a_minimum_age() -> None:
    problem = kreis(student={"birth_date": None}, company={"min_age": 14})
    assert reason(problem) == (
        "no birth date given, and every possible offer sets a minimum age: Firma X requires age 14"
    )
    assert len(build_options(kreis(student={"birth_date": None}))) == 3


def test_travel_limit() -> None:
    # 0.09 degrees north of the school: 10.0077 km -> 10 + 3.9 * 10.0077 = 49 min.
    far = {"lat": 51.09}
    text = reason(kreis(company=far))
    assert text == "no offer within 45 minutes; the nearest is 49 minutes away (Firma X)"
    options = build_options(kreis(company=far, student={"max_travel_min": 49}))
    assert options.travel_min.tolist() == [49, 49, 49]


def test_candidate_dates_meet_the_offer_range() -> None:
    problem = kreis(offer={"start_date": D(2026, 11, 5), "end_date": D(2026, 11, 20)})
    assert option_dates(build_options(problem)) == [(D(2026, 11, 5), 1), (D(2026, 11, 6), 1)]
    text = reason(kreis(offer={"start_date": D(2026, 11, 9), "end_date": None}))
    assert text == (
        "no offer on a candidate date of the school (04.11.2026, 05.11.2026, 06.11.2026)"
    )


def test_a_range_row_gives_its_working_days_and_days_sets_the_need() -> None:
    # Thu 05.11. to Tue 10.11.2026 over a weekend: 5, 6, 9, 10.
    entry = CalendarEntry(
        school_id="S1",
        kind="bfe",
        grade=8,
        start_date=D(2026, 11, 5),
        end_date=D(2026, 11, 10),
        days=2,
    )
    options = build_options(kreis(calendar=(entry,)))
    assert [d for d, _ in option_dates(options)] == [
        D(2026, 11, 5),
        D(2026, 11, 6),
        D(2026, 11, 9),
        D(2026, 11, 10),
    ]
    assert options.bfe_needed.tolist() == [2]


def test_capacity_zero_is_no_place() -> None:
    assert reason(kreis(offer={"capacity": 0})) == "every BFE offer has 0 places"


def test_no_calendar_row_means_nothing_needed() -> None:
    options = build_options(kreis(student={"grade": 7}))
    assert len(options) == 0
    assert options.bfe_needed.tolist() == [0]
    assert options.no_option_reason == {}
    assert explain_no_option(kreis(), 0, "praktikum") == (
        "the school has no Praktikum window for grade 8"
    )


def test_the_first_rule_that_leaves_nothing_is_named() -> None:
    # Firma X is near but lacks barrierefrei; Firma Y provides it but is 49
    # minutes away. Needs keep only Firma Y, then travel removes it.
    far = Company(
        company_id="C2",
        name="Firma Y",
        lat=51.09,
        lon=7.0,
        provides=frozenset({"barrierefrei"}),
    )
    offer = Offer(
        offer_id="O2",
        company_id="C2",
        field_id="bau",
        kind="bfe",
        start_date=D(2026, 11, 2),
        end_date=D(2026, 11, 13),
        capacity=1,
    )
    problem = kreis(
        student={"needs": frozenset({"barrierefrei"})},
        extra_companies=(far,),
        extra_offers=(offer,),
    )
    assert reason(problem) == (
        "no offer within 45 minutes; the nearest is 49 minutes away (Firma Y)"
    )


# --------------------------------------------------------------------------
# Praktikum blocks


def test_praktikum_blocks_skip_weekend_and_holiday() -> None:
    options = build_options(praktikum_kreis())
    # A floating window: 9 working days, 5-day blocks, 5 possible starts.
    starts = [D(2027, 5, 24), D(2027, 5, 25), D(2027, 5, 26), D(2027, 5, 28), D(2027, 5, 31)]
    assert option_dates(options) == [(d, 5) for d in starts]
    assert options.kind.tolist() == [KIND_CODE["praktikum"]] * 5
    assert options.praktikum_needed.tolist() == [1]
    assert options.bfe_needed.tolist() == [0]
    # The block from Wed 26.05. covers 26, 28, 31.05., 1, 2.06.
    k = int(options.first_day[2])
    block = [options.days[k + j] for j in range(5)]
    assert block == [D(2027, 5, 26), D(2027, 5, 28), D(2027, 5, 31), D(2027, 6, 1), D(2027, 6, 2)]


def test_fixed_praktikum_window_gives_one_start() -> None:
    options = build_options(praktikum_kreis(days=9))
    assert option_dates(options) == [(D(2027, 5, 24), 9)]


def test_praktikum_block_must_fit_the_offer_range() -> None:
    # 26.05.-01.06.2027 holds only 4 working days: no 5-day block fits.
    problem = praktikum_kreis(offer={"start_date": D(2027, 5, 26), "end_date": D(2027, 6, 1)})
    assert reason(problem, "praktikum") == (
        "no offer has 5 consecutive working days inside the school's Praktikum "
        "window (24.05.2027 to 04.06.2027)"
    )


def test_praktikum_age_on_the_first_day_of_the_block() -> None:
    problem = praktikum_kreis(student={"birth_date": D(2012, 5, 26)}, company={"min_age": 15})
    starts = [d for d, _ in option_dates(build_options(problem))]
    assert starts == [D(2027, 5, 26), D(2027, 5, 28), D(2027, 5, 31)]


def test_no_offer_of_the_kind() -> None:
    problem = praktikum_kreis(offer={"kind": "bfe"})
    assert reason(problem, "praktikum") == "there is no Praktikum offer at all"


# --------------------------------------------------------------------------
# Top-3 fields and the upper bound on BFE days


def _scores(*rows: dict[str, int]) -> np.ndarray:
    problem = Problem(
        schools=(School(school_id="S1", lat=51.0, lon=7.0),),
        students=tuple(
            Student(student_id=f"P{i}", school_id="S1", grade=8) for i in range(len(rows))
        ),
        companies=(),
        offers=(),
        calendar=(),
        interests=tuple(
            Interest(student_id=f"P{i}", field_id=f, score=s)
            for i, row in enumerate(rows)
            for f, s in row.items()
        ),
    )
    return interest_matrix(problem)


def test_top_fields_ties_zeros_and_missing_rows() -> None:
    scores = _scores(
        {"it": 70, "bau": 60, "medien": 50, "metall": 40},  # plain top 3
        {"it": 90, "bau": 80, "medien": 80, "metall": 80},  # t = 80: four fields
        {"it": 50, "bau": 0},  # missing rows are 0: only IT scores above 0
        {},  # all zero: none
        {"it": 30, "bau": 30, "medien": 30, "metall": 20},  # three tied at t = 30
    )
    f = FIELD
    assert top_fields(scores) == [
        frozenset({f["it"], f["bau"], f["medien"]}),
        frozenset({f["it"], f["bau"], f["medien"], f["metall"]}),
        frozenset({f["it"]}),
        frozenset(),
        frozenset({f["it"], f["bau"], f["medien"]}),
    ]


def _bfe_offer(offer_id: str, field_id: str, first: dt.date, last: dt.date) -> Offer:
    return Offer(
        offer_id=offer_id,
        company_id="C1",
        field_id=field_id,
        kind="bfe",
        start_date=first,
        end_date=last,
        capacity=1,
    )


def test_max_placeable_is_a_matching_not_just_a_count() -> None:
    # IT on all three dates; Bau and Medien only on Fri 06.11. Three dates and
    # three fields, but Wed and Thu both offer only IT: at most 2 BFE days.
    wed, fri = BFE_DATES[0], BFE_DATES[2]
    problem = kreis(
        offer={"start_date": wed, "end_date": fri},
        extra_offers=(_bfe_offer("O2", "bau", fri, fri), _bfe_offer("O3", "medien", fri, fri)),
    )
    options = build_options(problem)
    assert len(options) == 5
    assert max_placeable(options).tolist() == [2]


def test_max_placeable_capped_by_need() -> None:
    wed, fri = BFE_DATES[0], BFE_DATES[2]
    extra = tuple(_bfe_offer(f"O{k}", f, wed, fri) for k, f in enumerate(("bau", "medien")))
    calendar = tuple(
        CalendarEntry(school_id="S1", kind="bfe", grade=8, start_date=d, days=2) for d in BFE_DATES
    )
    options = build_options(kreis(calendar=calendar, extra_offers=extra))
    assert max_placeable(options).tolist() == [2]
    assert max_placeable(build_options(kreis())).tolist() == [1]  # one field only


# --------------------------------------------------------------------------
# A generated Kreis of 2,000 students against a slow pure-Python reference


def synthetic_kreis(seed: int = 7, n_students: int = 2000) -> Problem:
    rng = np.random.default_rng(seed)
    types = ("Gymnasium", "Realschule", "Gesamtschule", "Hauptschule")
    fields = [f.field_id for f in DEFAULT_FIELDS]
    working = WorkingDays()
    pool = working.between(D(2026, 11, 2), D(2027, 3, 12))

    def spot(lat: float, lon: float, sd: float) -> tuple[float, float]:
        return lat + float(rng.normal(0, sd)), lon + float(rng.normal(0, 1.6 * sd))

    schools = []
    for k in range(12):
        lat, lon = spot(51.5, 7.5, 0.12)
        limit = 30 if k == 0 else None
        schools.append(
            School(
                school_id=f"S{k}",
                school_type=types[k % 4],
                lat=lat,
                lon=lon,
                max_travel_min=limit,
            )
        )
    calendar = []
    for k, school in enumerate(schools):
        first = int(rng.integers(0, len(pool) - 20))
        for j in range(3 if k % 3 else 1):
            calendar.append(
                CalendarEntry(
                    school_id=school.school_id,
                    kind="bfe",
                    grade=8,
                    start_date=pool[first + 3 * j],
                    end_date=pool[first + 3 * j + 1] if k % 3 == 0 else None,
                    days=2 if k % 5 == 0 else None,
                )
            )
        start = D(2027, 5, 10) + dt.timedelta(weeks=int(rng.integers(0, 4)))
        calendar.append(
            CalendarEntry(
                school_id=school.school_id,
                kind="praktikum",
                grade=9,
                start_date=start,
                end_date=start + dt.timedelta(days=int(rng.integers(11, 20))),
                days=int(rng.choice([5, 8, 10])),
            )
        )
    students = []
    for i in range(n_students):
        school = schools[int(rng.integers(len(schools)))]
        home = spot(school.lat, school.lon, 0.03) if rng.random() < 0.7 else (None, None)
        born = D(2011, 1, 1) + dt.timedelta(days=int(rng.integers(0, 900)))
        students.append(
            Student(
                student_id=f"P{i}",
                school_id=school.school_id,
                grade=int(rng.choice([7, 8, 9])),
                birth_date=born if rng.random() < 0.93 else None,
                home_lat=home[0],
                home_lon=home[1],
                max_travel_min=int(rng.integers(15, 40)) if rng.random() < 0.05 else None,
                needs=frozenset({"barrierefrei"}) if rng.random() < 0.05 else frozenset(),
                qualifications=frozenset({"ifsg"}) if rng.random() < 0.4 else frozenset(),
            )
        )
    companies = []
    for j in range(400):
        lat, lon = spot(51.5, 7.5, 0.15)
        companies.append(
            Company(
                company_id=f"C{j}",
                name=f"Firma {j}",
                lat=lat,
                lon=lon,
                provides=frozenset({"barrierefrei"}) if rng.random() < 0.3 else frozenset(),
                requires=frozenset({"ifsg"}) if rng.random() < 0.15 else frozenset(),
                min_age=int(rng.choice([14, 15, 16])) if rng.random() < 0.2 else None,
            )
        )
    offers = []
    for j in range(len(companies)):
        for n in range(int(rng.integers(1, 4))):
            kind = "bfe" if rng.random() < 0.6 else "praktikum"
            if kind == "bfe":
                start = pool[int(rng.integers(0, len(pool)))]
                end = start + dt.timedelta(days=int(rng.integers(0, 90)))
            else:
                start = D(2027, 5, 3) + dt.timedelta(days=int(rng.integers(0, 30)))
                end = start + dt.timedelta(days=int(rng.integers(3, 40)))
            offers.append(
                Offer(
                    offer_id=f"O{j}-{n}",
                    company_id=f"C{j}",
                    field_id=fields[int(rng.integers(len(fields)))],
                    kind=kind,
                    start_date=start,
                    end_date=end if rng.random() < 0.8 else None,
                    capacity=int(rng.integers(0, 4)),
                    grades=frozenset({9}) if rng.random() < 0.1 else frozenset(),
                    school_types=(frozenset({"Gymnasium"}) if rng.random() < 0.1 else frozenset()),
                )
            )
    travel = [
        TravelTime(origin_id=f"P{i}", company_id=f"C{j}", minutes=float(m))
        for i, j, m in zip(
            rng.integers(0, n_students, 300),
            rng.integers(0, len(companies), 300),
            rng.integers(5, 60, 300) + 0.5,
            strict=True,
        )
    ]
    travel += [
        TravelTime(origin_id=f"S{k}", company_id=f"C{j}", minutes=float(m))
        for k, j, m in zip(
            rng.integers(0, len(schools), 100),
            rng.integers(0, len(companies), 100),
            rng.integers(5, 60, 100),
            strict=True,
        )
    ]
    travel_rows = {(t.origin_id, t.company_id): t for t in travel}  # IDs are unique
    courses, periods, listed = _new_kinds(np.random.default_rng(seed + 1), schools, students)
    offers += courses
    calendar += periods
    interests = [
        Interest(student_id=f"P{i}", field_id=fields[int(f)], score=int(s))
        for i in range(n_students)
        for f, s in zip(
            rng.choice(len(fields), 3, replace=False),
            rng.integers(0, 101, 3),
            strict=True,
        )
    ]
    return Problem(
        schools=tuple(schools),
        students=tuple(students),
        companies=tuple(companies),
        offers=tuple(offers),
        calendar=tuple(calendar),
        interests=tuple(interests),
        holidays=(ExtraHoliday(date=D(2027, 5, 26), name="Pädagogischer Tag"),),
        travel=tuple(travel_rows.values()),
        participants=tuple(listed),
    )


def _new_kinds(
    rng: np.random.Generator, schools: list[School], students: list[Student]
) -> tuple[list[Offer], list[CalendarEntry], list[Participant]]:
    """Courses of 3 or 5 working days in Feb and Mar 2027 (some with a minimum
    group), Langzeitpraktikum places (some for too short a period), a
    Praxiskurs window for grade 9 and a Langzeitpraktikum period for grades 8
    and 9 at every school, and their participants."""
    working = WorkingDays()
    weeks = working.between(D(2027, 2, 1), D(2027, 3, 12))
    names = ("mo", "di", "mi", "do", "fr")
    offers = []
    for n in range(150):
        length = int(rng.choice([3, 5]))
        k = int(rng.integers(0, len(weeks) - length))
        capacity = int(rng.integers(0, 12))
        offers.append(
            Offer(offer_id=f"K{n}", company_id=f"C{int(rng.integers(400))}",
                  field_id=DEFAULT_FIELDS[int(rng.integers(len(DEFAULT_FIELDS)))].field_id,
                  kind="praxiskurs", start_date=weeks[k], end_date=weeks[k + length - 1],
                  capacity=capacity,
                  min_group=int(rng.integers(2, 5)) if capacity >= 4 and rng.random() < 0.3
                  else None)
        )  # fmt: skip
    for n in range(60):
        days = frozenset(str(w) for w in rng.choice(names, int(rng.integers(1, 4)), replace=False))
        offers.append(
            Offer(offer_id=f"L{n}", company_id=f"C{int(rng.integers(400))}",
                  field_id=DEFAULT_FIELDS[int(rng.integers(len(DEFAULT_FIELDS)))].field_id,
                  kind="langzeit", start_date=D(2026, 9, 1),
                  end_date=D(2027, 6, 30) if rng.random() < 0.85 else D(2027, 1, 29),
                  capacity=int(rng.integers(0, 3)), weekdays=days)
        )  # fmt: skip
    calendar = []
    for school in schools:
        calendar.append(
            CalendarEntry(school_id=school.school_id, kind="praxiskurs", grade=9,
                          start_date=D(2027, 2, 1), end_date=D(2027, 3, 12),
                          days=int(rng.integers(1, 3)))
        )  # fmt: skip
        for grade in (8, 9):
            allowed = frozenset(str(w) for w in rng.choice(names, 3, replace=False))
            calendar.append(
                CalendarEntry(school_id=school.school_id, kind="langzeit", grade=grade,
                              start_date=D(2026, 11, 16), end_date=D(2027, 3, 12),
                              days=int(rng.integers(1, 3)), weekdays=allowed)
            )  # fmt: skip
    listed = [
        Participant(student_id=s.student_id, kind="praxiskurs")
        for s in students
        if s.grade == 9 and rng.random() < 0.3
    ]
    listed += [
        Participant(student_id=s.student_id, kind="langzeit")
        for s in students
        if s.grade in (8, 9) and rng.random() < 0.05
    ]
    return offers, calendar, listed


def _reference_minutes(problem: Problem, i: int, company: Company) -> int:
    """The contract's travel look-up, written out for one pair."""
    student = problem.students[i]
    school = next(s for s in problem.schools if s.school_id == student.school_id)
    rows = {(t.origin_id, t.company_id): t.minutes for t in problem.travel}
    for origin in (student.student_id, school.school_id):
        if (origin, company.company_id) in rows:
            return math.floor(rows[(origin, company.company_id)] + 0.5)
    lat, lon = school.lat, school.lon
    if student.home_lat is not None and student.home_lon is not None:
        lat, lon = student.home_lat, student.home_lon
    p1, p2 = math.radians(lat), math.radians(company.lat)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(company.lon - lon) / 2) ** 2
    )
    km = 2 * 6371.0088 * math.asin(math.sqrt(a))
    return math.floor(10 + 60 * 1.3 * km / 20 + 0.5)


def _age(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def reference_options(problem: Problem, i: int) -> set[tuple[int, dt.date, int, int, int]]:
    """(offer, first day, n_days, minutes, weekday mask) of every allowed option
    of student i (the mask: bit 0 Monday, Langzeitpraktikum only)."""
    working = WorkingDays.for_problem(problem)
    student = problem.students[i]
    school = next(s for s in problem.schools if s.school_id == student.school_id)
    limit = student.max_travel_min or school.max_travel_min or 45
    rows = [
        e for e in problem.calendar if (e.school_id, e.grade) == (student.school_id, student.grade)
    ]
    companies = {c.company_id: c for c in problem.companies}
    listed = {p.kind for p in problem.participants if p.student_id == student.student_id}
    found = set()
    for o, offer in enumerate(problem.offers):
        company = companies[offer.company_id]
        mine = [r for r in rows if r.kind == offer.kind]
        if (
            (offer.kind in ("praxiskurs", "langzeit") and offer.kind not in listed)
            or offer.capacity == 0
            or not mine
            or (offer.grades and student.grade not in offer.grades)
            or (offer.school_types and school.school_type not in offer.school_types)
            or not student.needs <= company.provides
            or not company.requires <= student.qualifications
        ):
            continue
        minutes = _reference_minutes(problem, i, company)
        if minutes > limit:
            continue
        starts: list[tuple[dt.date, int, int]] = []
        if offer.kind == "bfe":
            dates = {d for r in mine for d in working.between(r.start_date, r.last_date)}
            if max(r.needed_days for r in mine) > 0:
                starts = [(d, 1, 0) for d in dates if offer.start_date <= d <= offer.last_date]
        elif offer.kind == "praxiskurs":
            course = working.between(offer.start_date, offer.last_date)
            if course and any(
                r.needed_days > 0 and r.start_date <= course[0] and course[-1] <= r.last_date
                for r in mine
            ):
                starts = [(course[0], len(course), 0)]
        elif offer.kind == "langzeit":
            starts = _reference_langzeit(working, offer, mine)
        else:
            for r in mine:
                inside = working.between(
                    max(r.start_date, offer.start_date), min(r.last_date, offer.last_date)
                )
                n = r.needed_days
                starts += [(inside[k], n, 0) for k in range(len(inside) - n + 1) if n > 0]
        for day, n, weekdays in starts:
            if company.min_age is not None and (
                student.birth_date is None or _age(student.birth_date, day) < company.min_age
            ):
                continue
            found.add((o, day, n, minutes, weekdays))
    return found


def _reference_langzeit(
    working: WorkingDays, offer: Offer, rows: list[CalendarEntry]
) -> list[tuple[dt.date, int, int]]:
    """(first date, working days from the first to the last date, weekday mask)
    of each set of weekdays the school and offer allow with a date on each."""
    names = ("mo", "di", "mi", "do", "fr")
    starts = []
    for r in rows:
        if not (offer.start_date <= r.start_date and r.last_date <= offer.last_date):
            continue
        allowed = sorted((r.weekdays or frozenset(names)) & offer.weekdays, key=names.index)
        period = working.between(r.start_date, r.last_date)
        for chosen in itertools.combinations(allowed, r.needed_days):
            dates = [d for d in period if names[d.weekday()] in chosen]
            if r.needed_days == 0 or any(
                not any(names[d.weekday()] == w for d in dates) for w in chosen
            ):
                continue
            mask = sum(1 << names.index(w) for w in chosen)
            starts.append((dates[0], len(working.between(dates[0], dates[-1])), mask))
    return starts


@pytest.fixture(scope="module")
def generated() -> tuple[Problem, Options]:
    problem = synthetic_kreis()
    return problem, build_options(problem)


def test_generated_kreis_matches_the_reference(generated: tuple[Problem, Options]) -> None:
    problem, options = generated
    rng = np.random.default_rng(1)
    without = sorted({i for i, _ in options.no_option_reason})
    sample = sorted(set(rng.choice(len(problem.students), 40, replace=False).tolist()))
    sample += without[:10]
    for code in (KIND_CODE["praxiskurs"], KIND_CODE["langzeit"]):  # a few of each new kind
        sample += np.unique(options.student[options.kind == code])[:10].tolist()
    assert len(without) > 0  # the generator makes some students unplaceable
    for i in sample:
        mine = options.student == i
        got = set(
            zip(
                options.offer[mine].tolist(),
                [options.days[k] for k in options.first_day[mine].tolist()],
                options.n_days[mine].tolist(),
                options.travel_min[mine].tolist(),
                options.weekdays[mine].tolist(),
                strict=True,
            )
        )
        assert got == reference_options(problem, i), problem.students[i].student_id
        assert len(got) == int(mine.sum())  # no duplicates
        for kind, code in KIND_CODE.items():
            needed = options.needed(kind)[i] > 0
            empty = not (options.kind[mine] == code).any()
            assert ((i, kind) in options.no_option_reason) == (needed and empty)


def test_generated_kreis_is_sorted_and_consistent(
    generated: tuple[Problem, Options],
) -> None:
    problem, options = generated
    assert len(options) > 5_000
    key = np.lexsort((options.offer, options.first_day, options.kind, options.student))
    assert (key == np.arange(len(options))).all()
    offer_field = np.asarray([FIELD[o.field_id] for o in problem.offers])
    assert (options.field == offer_field[options.offer]).all()
    scores = interest_matrix(problem)
    assert (options.score == scores[options.student, options.field]).all()
    for name in ("student", "offer", "company", "field", "first_day", "travel_min"):
        assert getattr(options, name).dtype == np.int32, name
    assert options.kind.dtype == np.int8
    assert options.n_days.dtype == np.int16
    assert options.score.dtype == np.int16
    # Every reason is a sentence about this student alone.
    for text in options.no_option_reason.values():
        assert text
        assert re.search(r"\bP\d+\b", text) is None  # no student ID, not even its own
    for (i, kind), text in list(options.no_option_reason.items())[:10]:
        assert explain_no_option(problem, i, kind) == text  # type: ignore[arg-type]
