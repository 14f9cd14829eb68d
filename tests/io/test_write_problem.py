"""write_problem: exact file contents, which files, and the round trip via read_dir."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import TYPE_CHECKING

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaoa_match.calendar import WorkingDays
from kaoa_match.io import check_dir, write_problem
from kaoa_match.model import (
    DEFAULT_FIELDS,
    LEVELS,
    WEEKDAYS,
    Berufsfeld,
    CalendarEntry,
    Company,
    ExtraHoliday,
    Interest,
    Offer,
    Pair,
    Participant,
    PreviousAssignment,
    Priority,
    Problem,
    School,
    Student,
    TravelTime,
)

if TYPE_CHECKING:
    from pathlib import Path

REQUIRED = ["calendar.csv", "companies.csv", "offers.csv", "schools.csv", "students.csv"]


def small_problem() -> Problem:
    return Problem(
        schools=(
            School(
                school_id="S1",
                name='Gesamtschule "Nord", Köln; West',
                school_type="Gesamtschule",
                lat=51.2345,
                lon=7.0,
                max_travel_min=50,
            ),
        ),
        students=(
            Student(
                student_id="ST1",
                school_id="S1",
                grade=8,
                birth_date=dt.date(2012, 3, 1),
                needs=frozenset({"ifsg", "barrierefrei"}),
            ),
        ),
        companies=(Company(company_id="C1", name="Bäckerei", lat=51.0, lon=7.5),),
        offers=(
            Offer(
                offer_id="O1",
                company_id="C1",
                field_id="it",
                kind="bfe",
                start_date=dt.date(2026, 11, 2),
                end_date=dt.date(2026, 11, 6),
                capacity=2,
                grades=frozenset({10, 9}),
            ),
        ),
        calendar=(
            CalendarEntry(school_id="S1", kind="bfe", grade=8, start_date=dt.date(2026, 11, 3)),
        ),
        travel=(TravelTime(origin_id="ST1", company_id="C1", minutes=12.5),),
    )


def test_writes_required_files_in_spec_layout(tmp_path: Path) -> None:
    write_problem(small_problem(), tmp_path / "new" / "dir")

    out = tmp_path / "new" / "dir"
    assert sorted(p.name for p in out.iterdir()) == [*REQUIRED[:4], "students.csv", "travel.csv"]
    assert (out / "schools.csv").read_bytes().decode() == (
        "school_id,name,school_type,lat,lon,max_travel_min\r\n"
        'S1,"Gesamtschule ""Nord"", Köln; West",Gesamtschule,51.2345,7,50\r\n'
    )
    assert (out / "students.csv").read_text().splitlines()[1] == (
        "ST1,S1,8,2012-03-01,,,,barrierefrei|ifsg,"
    )
    assert (out / "offers.csv").read_text().splitlines() == [
        "offer_id,company_id,field_id,kind,start_date,end_date,capacity,grades,school_types,"
        "min_group,weekdays",
        "O1,C1,it,bfe,2026-11-02,2026-11-06,2,9|10,,,",
    ]
    assert (out / "travel.csv").read_text().splitlines() == [
        "origin_id,company_id,minutes",
        "ST1,C1,12.5",
    ]


def test_german_excel_layout(tmp_path: Path) -> None:
    write_problem(small_problem(), tmp_path, german=True)

    raw = (tmp_path / "schools.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8-sig").splitlines() == [
        "school_id;name;school_type;lat;lon;max_travel_min",
        'S1;"Gesamtschule ""Nord"", Köln; West";Gesamtschule;51,2345;7;50',
    ]
    lines = (tmp_path / "offers.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[1] == "O1;C1;it;bfe;02.11.2026;06.11.2026;2;9|10;;;"
    lines = (tmp_path / "travel.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[1] == "ST1;C1;12,5"


def test_optional_files_only_with_rows(tmp_path: Path) -> None:
    problem = small_problem().model_copy(
        update={
            "travel": (),
            "fields": (*DEFAULT_FIELDS, Berufsfeld(field_id="x", name="Extra")),
        }
    )
    (tmp_path / "pairs.csv").write_text("student_a,student_b,relation\nA,B,apart\n")

    write_problem(problem, tmp_path)

    # the stale pairs.csv is gone, so the directory reads back as the problem
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*REQUIRED, "fields.csv"])
    assert (tmp_path / "fields.csv").read_text().splitlines()[-1] == "x,Extra"


def test_default_fields_are_not_written(tmp_path: Path) -> None:
    write_problem(small_problem().model_copy(update={"travel": ()}), tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == REQUIRED


def test_priorities_are_written_in_their_order(tmp_path: Path) -> None:
    order = ("coverage", "wishes", "stability", "fairness", "interest", "together", "travel")
    priorities = tuple(
        Priority(level=level, tolerance=2.5 if level == "interest" else 0)  # type: ignore[arg-type]
        for level in order
    )
    write_problem(
        small_problem().model_copy(update={"priorities": priorities}), tmp_path, german=True
    )
    lines = (tmp_path / "priorities.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines == [
        "level;tolerance",
        "coverage;0",
        "wishes;0",
        "stability;0",
        "fairness;0",
        "interest;2,5",
        "together;0",
        "travel;0",
    ]
    # the default order is no file at all, and a stale one is removed
    write_problem(small_problem(), tmp_path)
    assert not (tmp_path / "priorities.csv").exists()


# --- round trip ------------------------------------------------------------

_WORKING = WorkingDays().between(dt.date(2026, 11, 2), dt.date(2026, 12, 18))
_LETTERS = "abcXYZäöüÄÖÜß,;\"' -_.|é€0123456789"


def _text(min_size: int = 0) -> st.SearchStrategy[str]:
    """Names with commas, semicolons, quotes and umlauts; no outer whitespace."""
    return (
        st.text(alphabet=_LETTERS, min_size=min_size, max_size=12)
        .map(str.strip)
        .filter(lambda s: len(s) >= min_size)
    )


def _ids(prefix: str, n: int) -> list[str]:
    return [f"{prefix}{i};ä,{i}" for i in range(n)]


_TAGS = st.frozensets(st.sampled_from(["barrierefrei", "ifsg", "a,b", "c;d", "ü"]), max_size=3)
_LAT = st.floats(-90, 90, allow_nan=False)
_LON = st.floats(-180, 180, allow_nan=False)


@st.composite
def problems(draw: st.DrawFn) -> Problem:
    """Small valid problems: every reference resolves, every calendar is sound,
    every required table has a row."""
    school_ids = _ids("S", draw(st.integers(1, 3)))
    student_ids = _ids("ST", draw(st.integers(1, 4)))
    company_ids = _ids("C", draw(st.integers(1, 3)))
    fields = draw(
        st.sampled_from(
            [DEFAULT_FIELDS, (Berufsfeld(field_id="it"), Berufsfeld(field_id="x", name="X, Y"))]
        )
    )
    field_ids = [f.field_id for f in fields]
    schools = tuple(
        School(
            school_id=sid,
            name=draw(_text()),
            school_type=draw(_text()),
            lat=draw(_LAT),
            lon=draw(_LON),
            max_travel_min=draw(st.none() | st.integers(0, 120)),
        )
        for sid in school_ids
    )
    students = tuple(
        Student(
            student_id=sid,
            school_id=draw(st.sampled_from(school_ids)),
            grade=draw(st.sampled_from([8, 9])),
            birth_date=draw(st.none() | st.dates(dt.date(2009, 1, 1), dt.date(2014, 12, 31))),
            home_lat=draw(st.none() | _LAT),
            home_lon=draw(st.none() | _LON),
            max_travel_min=draw(st.none() | st.integers(0, 120)),
            needs=draw(_TAGS),
            qualifications=draw(_TAGS),
        )
        for sid in student_ids
    )
    companies = tuple(
        Company(
            company_id=cid,
            name=draw(_text()),
            lat=draw(_LAT),
            lon=draw(_LON),
            provider_type=draw(st.sampled_from(["betrieb", "traeger"])),
            provides=draw(_TAGS),
            requires=draw(_TAGS),
            min_age=draw(st.none() | st.integers(0, 18)),
        )
        for cid in company_ids
    )
    offers = tuple(
        draw(_offer(f"O{i}", company_ids, field_ids)) for i in range(draw(st.integers(1, 4)))
    )
    calendar: list[CalendarEntry] = []
    for sid in school_ids:
        if sid == school_ids[0] or draw(st.booleans()):
            calendar.append(
                CalendarEntry(
                    school_id=sid,
                    kind="bfe",
                    grade=8,
                    start_date=draw(st.sampled_from(_WORKING)),
                    days=draw(st.none() | st.just(3)),
                )
            )
        if draw(st.booleans()):
            calendar.append(
                CalendarEntry(
                    school_id=sid,
                    kind="praxiskurs",
                    grade=9,
                    start_date=_WORKING[0],
                    end_date=_WORKING[-1],
                    days=draw(st.none() | st.integers(1, 3)),
                )
            )
        if draw(st.booleans()):
            calendar.append(
                CalendarEntry(
                    school_id=sid,
                    kind="langzeit",
                    grade=draw(st.sampled_from([9, 10])),
                    start_date=_WORKING[0],
                    end_date=_WORKING[-1],
                    days=draw(st.none() | st.just(1)),
                    weekdays=draw(_WEEKDAY_SETS),
                )
            )
        if draw(st.booleans()):
            calendar.append(
                CalendarEntry(
                    school_id=sid,
                    kind="praktikum",
                    grade=9,
                    start_date=_WORKING[0],
                    end_date=_WORKING[-1],
                    days=draw(st.none() | st.integers(1, 10)),
                )
            )
    interests = tuple(
        Interest(student_id=sid, field_id=fid, score=draw(st.integers(0, 100)))
        for sid in student_ids
        for fid in field_ids[:2]
        if draw(st.booleans())
    )
    holidays = tuple(
        ExtraHoliday(date=dt.date(2027, 3, day), name=draw(_text()))
        for day in range(1, draw(st.integers(0, 3)) + 1)
    )
    travel = tuple(
        TravelTime(
            origin_id=draw(st.sampled_from(school_ids + student_ids)),
            company_id=draw(st.sampled_from(company_ids)),
            minutes=draw(st.floats(0, 500, allow_nan=False)),
        )
        for _ in range(draw(st.integers(0, 3)))
    )
    previous = tuple(
        PreviousAssignment(
            student_id=draw(st.sampled_from(student_ids)),
            school_id=draw(st.sampled_from(["", *school_ids])),
            kind=offer.kind,
            offer_id=offer.offer_id,
            company_id=offer.company_id,
            field_id=offer.field_id,
            start_date=offer.start_date,
            end_date=draw(st.none() | st.just(offer.last_date)),
            travel_min=draw(st.none() | st.floats(0, 90, allow_nan=False)),
            score=draw(st.none() | st.floats(0, 100, allow_nan=False)),
            weekdays=offer.weekdays,
            status=draw(st.sampled_from(["locked", "published"])),
        )
        for offer in offers
        if student_ids
        if draw(st.booleans())
    )
    pairs = tuple(
        Pair(student_a=a, student_b=b, relation=draw(st.sampled_from(["apart", "together"])))
        for a, b in itertools.pairwise(student_ids)
        if draw(st.booleans())
    )
    participants = tuple(
        Participant(student_id=sid, kind=kind)
        for sid in student_ids
        for kind in ("praxiskurs", "langzeit")
        if draw(st.booleans())
    )
    priorities = tuple(
        Priority(level=level, tolerance=draw(st.just(0) | st.floats(0, 50, allow_nan=False)))
        for level in draw(st.just(()) | st.permutations(LEVELS))
    )
    return Problem(
        schools=schools,
        students=students,
        companies=companies,
        offers=offers,
        calendar=tuple(calendar),
        priorities=priorities,
        interests=interests,
        fields=fields,
        holidays=holidays,
        travel=travel,
        previous=previous,
        pairs=pairs,
        participants=participants,
    )


_WEEKDAY_SETS = st.frozensets(st.sampled_from(WEEKDAYS), max_size=5)


@st.composite
def _offer(draw: st.DrawFn, offer_id: str, company_ids: list[str], field_ids: list[str]) -> Offer:
    """An offer of any of the four kinds, with the fields its kind allows:
    ``min_group`` on bfe and praxiskurs, ``weekdays`` (required) on langzeit."""
    kind = draw(st.sampled_from(["bfe", "praktikum", "praxiskurs", "langzeit"]))
    capacity = draw(st.integers(0, 30))
    min_group = None
    if kind in ("bfe", "praxiskurs") and capacity >= 1:
        min_group = draw(st.none() | st.integers(1, capacity))
    weekdays = draw(_WEEKDAY_SETS.filter(bool)) if kind == "langzeit" else frozenset()
    return Offer(
        offer_id=offer_id,
        company_id=draw(st.sampled_from(company_ids)),
        field_id=draw(st.sampled_from(field_ids)),
        kind=kind,
        start_date=_WORKING[0],
        end_date=draw(st.none() | st.sampled_from(_WORKING)),
        capacity=capacity,
        grades=draw(st.frozensets(st.integers(5, 13), max_size=3)),
        school_types=draw(_TAGS),
        min_group=min_group,
        weekdays=weekdays,
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problem=problems(), german=st.booleans())
def test_round_trip(tmp_path_factory: object, problem: Problem, german: bool) -> None:
    directory = tmp_path_factory.mktemp("round")  # type: ignore[attr-defined]
    write_problem(problem, directory, german=german)

    read, _warnings = check_dir(directory)

    assert read == problem
