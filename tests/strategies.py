"""Hypothesis strategies for small, valid Kreise.

``small_problems()`` draws 1-2 schools with 2-8 students: grade 8 needs 1-3
BFE days among working days of 2-13 Nov 2026, grade 9 (only at schools with a
window) a Praktikum block of 3-5 working days in Jan-Feb 2027. Everything it
draws passes the contract's validation: IDs are unique, references resolve,
BFE candidate dates are working days and each Praktikum window holds the block.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, TypeVar

from hypothesis import strategies as st

from kaoa_match.calendar import WorkingDays
from kaoa_match.model import (
    DEFAULT_FIELDS,
    CalendarEntry,
    Company,
    Interest,
    Offer,
    Pair,
    PreviousAssignment,
    Problem,
    School,
    Student,
    TravelTime,
    Wish,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

_WORKING = WorkingDays()
# 2-6 and 9-13 Nov 2026: Mon-Fri after the Herbstferien (which end 30 Oct).
BFE_WEEKS: tuple[tuple[dt.date, ...], ...] = (
    tuple(_WORKING.between(dt.date(2026, 11, 2), dt.date(2026, 11, 6))),
    tuple(_WORKING.between(dt.date(2026, 11, 9), dt.date(2026, 11, 13))),
)
BFE_DATES = BFE_WEEKS[0] + BFE_WEEKS[1]
# The Weihnachtsferien end on 6 Jan 2027; 7 Jan to 26 Feb has no holiday.
PRAKTIKUM_DATES: tuple[dt.date, ...] = tuple(
    _WORKING.between(dt.date(2027, 1, 7), dt.date(2027, 2, 26))
)
# Grade 8 and 9 students are 13 to 16 years old in Nov 2026 to Feb 2027.
BIRTH_DATES = st.dates(dt.date(2010, 9, 1), dt.date(2013, 8, 31))
SCHOOL_TYPES = ("Hauptschule", "Realschule", "Gesamtschule", "Gymnasium")
# A town of about 7 x 7 km: the estimate gives 10 to about 48 minutes.
LAT, LON = st.floats(51.42, 51.48), st.floats(7.00, 7.10)


T = TypeVar("T")


def _rarely(draw: st.DrawFn, strategy: st.SearchStrategy[T], default: T | None = None) -> T | None:
    """A draw of ``strategy`` one time in four, else ``default``: restrictions stay rare
    enough that most students have places to go."""
    return draw(strategy) if draw(st.integers(0, 3)) == 0 else default


@st.composite
def _bfe_rows(draw: st.DrawFn, school_id: str) -> list[CalendarEntry]:
    """1-2 rows of candidate dates (a day or a Mon-Fri range), one per week."""
    days = draw(st.integers(1, 3))
    weeks = draw(st.sampled_from([(0,), (1,), (0, 1)]))
    rows = []
    for w in weeks:
        dates = BFE_WEEKS[w]
        i = draw(st.integers(0, len(dates) - 1))
        j = draw(st.integers(i, len(dates) - 1))
        end = dates[j] if j > i else draw(st.sampled_from([None, dates[i]]))
        rows.append(
            CalendarEntry(
                school_id=school_id,
                kind="bfe",
                grade=8,
                start_date=dates[i],
                end_date=end,
                days=days,
            )
        )
    return rows


@st.composite
def _praktikum_row(draw: st.DrawFn, school_id: str) -> CalendarEntry:
    """A window of ``days`` to ``days + 6`` working days, ``days`` in 3-5."""
    days = draw(st.integers(3, 5))
    length = draw(st.integers(days, days + 6))
    i = draw(st.integers(0, len(PRAKTIKUM_DATES) - length))
    return CalendarEntry(
        school_id=school_id,
        kind="praktikum",
        grade=9,
        start_date=PRAKTIKUM_DATES[i],
        end_date=PRAKTIKUM_DATES[i + length - 1],
        days=days,
    )


@st.composite
def _schools(draw: st.DrawFn) -> tuple[list[School], list[CalendarEntry]]:
    schools, calendar = [], []
    for k in range(draw(st.integers(1, 2))):
        sid = f"S{k + 1}"
        schools.append(
            School(
                school_id=sid,
                name=f"Schule {k + 1}",
                school_type=draw(st.sampled_from(SCHOOL_TYPES)),
                lat=draw(LAT),
                lon=draw(LON),
                max_travel_min=_rarely(draw, st.integers(20, 60)),
            )
        )
        calendar += draw(_bfe_rows(sid))
        if draw(st.booleans()):
            calendar.append(draw(_praktikum_row(sid)))
    return schools, calendar


@st.composite
def _student(
    draw: st.DrawFn, sid: str, schools: list[School], calendar: list[CalendarEntry]
) -> Student:
    school = draw(st.sampled_from(schools))
    grades = sorted({e.grade for e in calendar if e.school_id == school.school_id})
    home = draw(st.booleans())
    return Student(
        student_id=sid,
        school_id=school.school_id,
        grade=draw(st.sampled_from(grades)),
        birth_date=None if draw(st.integers(0, 5)) == 0 else draw(BIRTH_DATES),
        home_lat=draw(LAT) if home else None,
        home_lon=draw(LON) if home else None,
        max_travel_min=_rarely(draw, st.integers(15, 70)),
        needs=_rarely(draw, st.just(frozenset({"barrierefrei"})), frozenset()),
        qualifications=draw(st.sampled_from([frozenset(), frozenset({"ifsg"})])),
    )


@st.composite
def _company(draw: st.DrawFn, cid: str) -> Company:
    return Company(
        company_id=cid,
        name=f"Betrieb {cid}",
        lat=draw(LAT),
        lon=draw(LON),
        provider_type=draw(st.sampled_from(["betrieb", "betrieb", "traeger"])),
        provides=draw(st.sampled_from([frozenset(), frozenset({"barrierefrei"})])),
        requires=_rarely(draw, st.just(frozenset({"ifsg"})), frozenset()),
        min_age=_rarely(draw, st.sampled_from([14, 15])),
    )


def _date_range(
    draw: st.DrawFn, dates: Sequence[dt.date], longest: int
) -> tuple[dt.date, dt.date | None]:
    """All of ``dates``, a single day (end None) or a range of up to ``longest`` of them."""
    if draw(st.booleans()):
        return dates[0], dates[-1]
    i = draw(st.integers(0, len(dates) - 1))
    j = draw(st.integers(i, min(i + longest, len(dates)) - 1))
    return dates[i], (dates[j] if j > i else None)


@st.composite
def _offer(
    draw: st.DrawFn, oid: str, company_ids: list[str], field_ids: list[str], praktikum: bool
) -> Offer:
    kind = draw(st.sampled_from(["bfe", "praktikum"])) if praktikum else "bfe"
    if kind == "bfe":
        start, end = _date_range(draw, BFE_DATES, 10)
    else:
        start, end = _date_range(draw, PRAKTIKUM_DATES, 20)
    capacity = draw(st.sampled_from([0, 1, 1, 2, 2, 3]))
    # Now and then a BFE group that runs only with two or more students.
    min_group = None
    if kind == "bfe" and capacity >= 2:
        min_group = _rarely(draw, st.integers(2, capacity))
    return Offer(
        offer_id=oid,
        company_id=draw(st.sampled_from(company_ids)),
        field_id=draw(st.sampled_from(field_ids)),
        kind=kind,
        start_date=start,
        end_date=end,
        capacity=capacity,
        min_group=min_group,
        grades=_rarely(draw, st.sampled_from([frozenset({8}), frozenset({9})]), frozenset()),
        school_types=_rarely(draw, st.just(frozenset(SCHOOL_TYPES[:2])), frozenset()),
    )


@st.composite
def _interests(draw: st.DrawFn, student_ids: list[str], field_ids: list[str]) -> list[Interest]:
    keys = draw(
        st.lists(
            st.tuples(st.sampled_from(student_ids), st.sampled_from(field_ids)),
            unique=True,
            max_size=12,
        )
    )
    return [Interest(student_id=s, field_id=f, score=draw(st.integers(0, 100))) for s, f in keys]


@st.composite
def _travel(draw: st.DrawFn, origins: list[str], company_ids: list[str]) -> list[TravelTime]:
    keys = draw(
        st.lists(
            st.tuples(st.sampled_from(origins), st.sampled_from(company_ids)),
            unique=True,
            max_size=6,
        )
    )
    # Whole and half minutes: 12.5 must round up to 13.
    minutes = st.integers(0, 160).map(lambda half: half / 2)
    return [TravelTime(origin_id=o, company_id=c, minutes=draw(minutes)) for o, c in keys]


@st.composite
def _pairs(draw: st.DrawFn, student_ids: list[str]) -> list[Pair]:
    unordered = draw(
        st.lists(
            st.lists(st.sampled_from(student_ids), min_size=2, max_size=2, unique=True).map(
                lambda ab: tuple(sorted(ab))
            ),
            unique=True,
            max_size=2,
        )
    )
    return [
        Pair(student_a=a, student_b=b, relation=draw(st.sampled_from(["apart", "together"])))
        for a, b in unordered
    ]


@st.composite
def _published(
    draw: st.DrawFn, students: list[Student], offers: list[Offer], calendar: list[CalendarEntry]
) -> list[PreviousAssignment]:
    """0-2 distinct published BFE rows of an earlier plan, each on a date the offer runs.

    Distinct because the contract does not say whether two identical rows count
    once or twice towards stability.
    """
    rows: list[PreviousAssignment] = []
    for _ in range(draw(st.integers(0, 2))):
        student = draw(st.sampled_from(students))
        offer = draw(st.sampled_from(offers))
        if offer.kind != "bfe" or student.grade != 8:
            continue
        candidates = [
            d
            for e in calendar
            if e.kind == "bfe" and e.school_id == student.school_id
            for d in BFE_DATES
            if e.start_date <= d <= e.last_date and offer.start_date <= d <= offer.last_date
        ]
        if not candidates:
            continue
        row = PreviousAssignment(
            student_id=student.student_id,
            school_id=student.school_id,
            kind="bfe",
            offer_id=offer.offer_id,
            company_id=offer.company_id,
            field_id=offer.field_id,
            start_date=draw(st.sampled_from(candidates)),
            status="published",
        )
        if row not in rows:
            rows.append(row)
    return rows


@st.composite
def _wishes(
    draw: st.DrawFn, student_ids: list[str], offers: list[Offer], field_ids: list[str]
) -> list[Wish]:
    """0-3 wishes of a few students, for an offer, a company or a field."""
    rows: list[Wish] = []
    for sid in draw(st.lists(st.sampled_from(student_ids), unique=True, max_size=3)):
        ranks = draw(st.lists(st.integers(1, 5), unique=True, min_size=1, max_size=3))
        for rank in ranks:
            offer = draw(st.sampled_from(offers))
            target = draw(st.sampled_from(["offer_id", "company_id", "field_id"]))
            value = {"offer_id": offer.offer_id, "company_id": offer.company_id}.get(
                target, draw(st.sampled_from(field_ids))
            )
            rows.append(Wish(student_id=sid, rank=rank, **{target: value}))
    return rows


@st.composite
def small_problems(draw: st.DrawFn) -> Problem:
    """A valid Kreis of 1-2 schools, 2-8 students, 1-5 companies and 1-8 offers."""
    field_ids = [f.field_id for f in DEFAULT_FIELDS[: draw(st.integers(3, 5))]]
    fields = DEFAULT_FIELDS if draw(st.booleans()) else DEFAULT_FIELDS[: len(field_ids)]
    schools, calendar = draw(_schools())
    n_students = draw(st.integers(2, 8))
    students = [draw(_student(f"st{i + 1}", schools, calendar)) for i in range(n_students)]
    company_ids = [f"C{i + 1}" for i in range(draw(st.integers(1, 5)))]
    companies = [draw(_company(cid)) for cid in company_ids]
    praktikum = any(e.kind == "praktikum" for e in calendar)
    offers = [
        draw(_offer(f"O{i + 1}", company_ids, field_ids, praktikum))
        for i in range(draw(st.integers(1, 8)))
    ]
    student_ids = [s.student_id for s in students]
    origins = student_ids + [s.school_id for s in schools]
    return Problem(
        schools=tuple(schools),
        students=tuple(students),
        companies=tuple(companies),
        offers=tuple(offers),
        calendar=tuple(calendar),
        interests=tuple(draw(_interests(student_ids, field_ids))),
        fields=tuple(fields),
        travel=tuple(draw(_travel(origins, company_ids))),
        previous=tuple(draw(_published(students, offers, calendar))),
        pairs=tuple(draw(_pairs(student_ids))),
        wishes=tuple(draw(_wishes(student_ids, offers, field_ids))),
    )
