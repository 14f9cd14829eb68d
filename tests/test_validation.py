"""validate(): each check across tables, with its exact message and line.

Without sources a problem built in Python reports like the CSV that
write_problem would write: row i of a table on line i + 2.
"""

from __future__ import annotations

import datetime as dt

import pytest

from kaoa_match.exceptions import InputError, InputProblem
from kaoa_match.model import (
    DEFAULT_PRIORITIES,
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
from kaoa_match.validation import ValidationReport, validate

D = dt.date


def base() -> Problem:
    """A valid problem; every test breaks one thing in it."""
    return Problem(
        schools=(
            School(school_id="S1", lat=51.5, lon=7.4),
            School(school_id="S2", lat=51.4, lon=7.5),
        ),
        students=(
            Student(student_id="A", school_id="S1", grade=8),
            Student(student_id="B", school_id="S1", grade=9),
            Student(student_id="C", school_id="S2", grade=8),
        ),
        companies=(Company(company_id="C1", lat=51.5, lon=7.45),),
        offers=(
            Offer(
                offer_id="O1",
                company_id="C1",
                field_id="it",
                kind="bfe",
                start_date=D(2026, 11, 2),
                end_date=D(2026, 11, 6),
                capacity=2,
            ),
        ),
        calendar=(
            CalendarEntry(school_id="S1", kind="bfe", grade=8, start_date=D(2026, 11, 3)),
            CalendarEntry(
                school_id="S1",
                kind="praktikum",
                grade=9,
                start_date=D(2027, 1, 11),
                end_date=D(2027, 1, 22),
            ),
            CalendarEntry(
                school_id="S2",
                kind="bfe",
                grade=8,
                start_date=D(2026, 11, 2),
                end_date=D(2026, 11, 6),
                days=3,
            ),
        ),
    )


def errors(problem: Problem) -> list[str]:
    return [str(p) for p in validate(problem).errors]


def warnings(problem: Problem) -> list[str]:
    return [str(p) for p in validate(problem).warnings]


def with_rows(**tables: object) -> Problem:
    return base().model_copy(update=tables)


def test_base_problem_is_valid() -> None:
    report = validate(base())
    assert report == ValidationReport([], [])
    report.raise_if_errors()


def test_duplicate_ids_name_the_first_line() -> None:
    problem = base()
    problem = problem.model_copy(
        update={
            "schools": (*problem.schools, School(school_id="S1", lat=50, lon=7)),
            "students": (*problem.students, Student(student_id="B", school_id="S2", grade=8)),
            "companies": (*problem.companies, *problem.companies),
            "offers": (*problem.offers, *problem.offers),
            "fields": (Berufsfeld(field_id="it"), Berufsfeld(field_id="it")),
        }
    )
    assert errors(problem) == [
        'companies.csv:3: company_id: duplicate company_id "C1" (first on line 2)',
        'fields.csv:3: field_id: duplicate field_id "it" (first on line 2)',
        'offers.csv:3: offer_id: duplicate offer_id "O1" (first on line 2)',
        'schools.csv:4: school_id: duplicate school_id "S1" (first on line 2)',
        'students.csv:5: student_id: duplicate student_id "B" (first on line 3)',
    ]


def test_unknown_references() -> None:
    problem = base()
    offer = problem.offers[0]
    problem = problem.model_copy(
        update={
            "students": (
                *problem.students,
                Student(student_id="D", school_id="S9", grade=8),
            ),
            "offers": (
                offer.model_copy(update={"company_id": "C9"}),
                offer.model_copy(update={"offer_id": "O2", "field_id": "zauberei"}),
            ),
            "calendar": (
                *problem.calendar,
                CalendarEntry(school_id="S8", kind="bfe", grade=8, start_date=D(2026, 11, 3)),
            ),
            "interests": (
                Interest(student_id="A", field_id="it", score=50),
                Interest(student_id="Z", field_id="nix", score=50),
            ),
            "travel": (
                TravelTime(origin_id="S1", company_id="C1", minutes=5),
                TravelTime(origin_id="A", company_id="C9", minutes=5),
                TravelTime(origin_id="X", company_id="C1", minutes=5),
            ),
            "pairs": (Pair(student_a="A", student_b="Q", relation="apart"),),
        }
    )
    assert errors(problem) == [
        'calendar.csv:5: school_id: unknown school_id "S8" (not in schools.csv)',
        'interests.csv:3: field_id: unknown field_id "nix" '
        "(not a built-in Berufsfeld; list your own in fields.csv)",
        'interests.csv:3: student_id: unknown student_id "Z" (not in students.csv)',
        'offers.csv:2: company_id: unknown company_id "C9" (not in companies.csv)',
        'offers.csv:3: field_id: unknown field_id "zauberei" '
        "(not a built-in Berufsfeld; list your own in fields.csv)",
        'pairs.csv:2: student_b: unknown student_id "Q" (not in students.csv)',
        'students.csv:5: school_id: unknown school_id "S9" (not in schools.csv)',
        'travel.csv:3: company_id: unknown company_id "C9" (not in companies.csv)',
        'travel.csv:4: origin_id: unknown origin_id "X" (neither a student nor a school)',
    ]


def test_an_id_excel_stripped_of_its_leading_zero_gets_a_hint() -> None:
    # Excel stored students.student_id 0815 as the number 815; interests still say 0815.
    problem = base()
    problem = problem.model_copy(
        update={
            "students": (*problem.students, Student(student_id="815", school_id="S1", grade=8)),
            "interests": (
                Interest(student_id="0815", field_id="it", score=50),
                Interest(student_id="0816", field_id="it", score=50),
            ),
        }
    )
    assert errors(problem) == [
        'interests.csv:2: student_id: unknown student_id "0815" (not in students.csv); '
        'students.csv has "815": Excel drops leading zeros from IDs it stores as numbers; '
        "format the ID columns as text and enter the IDs again",
        'interests.csv:3: student_id: unknown student_id "0816" (not in students.csv)',
    ]


def test_unknown_field_against_own_fields_csv() -> None:
    problem = with_rows(fields=(Berufsfeld(field_id="bau"),))
    assert errors(problem) == [
        'offers.csv:2: field_id: unknown field_id "it" (not in fields.csv)',
    ]


def test_pair_with_itself() -> None:
    problem = with_rows(pairs=(Pair(student_a="A", student_b="A", relation="together"),))
    assert errors(problem) == ['pairs.csv:2: student_b: student "A" is paired with itself']


def test_duplicate_interest_row() -> None:
    problem = with_rows(
        interests=(
            Interest(student_id="A", field_id="it", score=50),
            Interest(student_id="A", field_id="bau", score=10),
            Interest(student_id="A", field_id="it", score=70),
        )
    )
    assert errors(problem) == [
        'interests.csv:4: field_id: second score for student "A" and field "it" (first on line 2)'
    ]


def _previous(student: str, offer: str, status: str) -> PreviousAssignment:
    return PreviousAssignment(
        student_id=student,
        kind="bfe",
        offer_id=offer,
        start_date=D(2026, 11, 3),
        end_date=D(2026, 11, 3),
        status=status,  # type: ignore[arg-type]
    )


def test_previous_rows_gone_warn_unless_locked() -> None:
    problem = with_rows(
        previous=(
            _previous("A", "O1", "locked"),
            _previous("Z", "O1", "published"),
            _previous("A", "O9", "published"),
            _previous("Z", "O9", "locked"),
        )
    )
    report = validate(problem)
    assert [str(p) for p in report.errors] == [
        'previous.csv:5: offer_id: locked row: offer_id "O9" is not in offers.csv',
        'previous.csv:5: student_id: locked row: student_id "Z" is not in students.csv',
    ]
    assert [str(p) for p in report.warnings] == [
        'previous.csv:3: student_id: student_id "Z" is not in students.csv; the row is ignored',
        'previous.csv:4: offer_id: offer_id "O9" is not in offers.csv; the row is ignored',
    ]
    with pytest.raises(InputError) as info:
        report.raise_if_errors()
    assert len(info.value.problems) == 2


def test_end_before_start() -> None:
    problem = base()
    offer = problem.offers[0].model_copy(update={"end_date": D(2026, 11, 1)})
    entry = problem.calendar[2].model_copy(update={"end_date": D(2026, 10, 1)})
    problem = problem.model_copy(
        update={
            "offers": (offer,),
            "calendar": (*problem.calendar[:2], entry),
            "previous": (
                _previous("A", "O1", "published").model_copy(update={"end_date": D(2026, 11, 2)}),
            ),
        }
    )
    assert errors(problem) == [
        "calendar.csv:4: end_date: 2026-10-01 is before start_date 2026-11-02",
        "offers.csv:2: end_date: 2026-11-01 is before start_date 2026-11-02",
        "previous.csv:2: end_date: 2026-11-02 is before start_date 2026-11-03",
    ]


def _bfe(day: dt.date, end: dt.date | None = None, days: int | None = None) -> CalendarEntry:
    return CalendarEntry(
        school_id="S1", kind="bfe", grade=8, start_date=day, end_date=end, days=days
    )


def test_bfe_single_date_must_be_a_working_day() -> None:
    problem = with_rows(
        calendar=(
            _bfe(D(2026, 10, 20)),  # Herbstferien
            _bfe(D(2026, 11, 7)),  # a Saturday
            _bfe(D(2026, 11, 11)),  # a pedagogical day from holidays.csv
            _bfe(D(2026, 11, 12)),
        ),
        holidays=(ExtraHoliday(date=D(2026, 11, 11), name="Pädagogischer Tag"),),
        students=(Student(student_id="A", school_id="S1", grade=8),),
    )
    assert errors(problem) == [
        "calendar.csv:2: start_date: 2026-10-20 is not a working day (Herbstferien)",
        "calendar.csv:3: start_date: 2026-11-07 is not a working day (Samstag)",
        "calendar.csv:4: start_date: 2026-11-11 is not a working day (Pädagogischer Tag)",
    ]


def test_bfe_range_needs_one_working_day_only() -> None:
    problem = with_rows(
        calendar=(
            # half in the Herbstferien: the working days inside count, fine
            _bfe(D(2026, 10, 28), D(2026, 11, 3)),
            _bfe(D(2026, 10, 19), D(2026, 10, 30)),  # all Herbstferien
            _bfe(D(2026, 11, 7), D(2026, 11, 8)),  # a weekend
        ),
        students=(Student(student_id="A", school_id="S1", grade=8),),
    )
    assert errors(problem) == [
        "calendar.csv:3: start_date: 2026-10-19 to 2026-10-30 holds no working day",
        "calendar.csv:4: start_date: 2026-11-07 to 2026-11-08 holds no working day",
    ]


def test_bfe_rows_of_a_school_and_grade_agree_on_days() -> None:
    problem = with_rows(
        calendar=(
            _bfe(D(2026, 11, 3)),  # no days: the default 3
            _bfe(D(2026, 11, 4), days=3),  # agrees
            _bfe(D(2026, 11, 5), days=2),
            CalendarEntry(
                school_id="S2", kind="bfe", grade=8, start_date=D(2026, 11, 5), days=2
            ),  # another school: its own number
        ),
        students=(Student(student_id="A", school_id="S1", grade=8),),
    )
    assert errors(problem) == [
        "calendar.csv:4: days: days 2 disagrees with days 3 on line 2 (bfe, school S1, grade 8)"
    ]


def _praktikum(start: dt.date, end: dt.date | None, days: int | None = None) -> CalendarEntry:
    return CalendarEntry(
        school_id="S1", kind="praktikum", grade=9, start_date=start, end_date=end, days=days
    )


def test_praktikum_one_row_per_school_and_grade() -> None:
    problem = with_rows(
        calendar=(
            _praktikum(D(2027, 1, 11), D(2027, 1, 22)),
            _praktikum(D(2027, 2, 1), D(2027, 2, 12)),
        ),
        students=(Student(student_id="B", school_id="S1", grade=9),),
    )
    assert errors(problem) == [
        "calendar.csv:3: kind: second praktikum row for school S1 grade 9 (first on line 2)"
    ]


def test_praktikum_window_holds_the_block() -> None:
    problem = with_rows(
        calendar=(
            # 2027-01-04 .. 01-15: Weihnachtsferien until 01-06, 7 working days left
            _praktikum(D(2027, 1, 4), D(2027, 1, 15)),
            CalendarEntry(
                school_id="S2",
                kind="praktikum",
                grade=9,
                start_date=D(2027, 1, 11),
                end_date=D(2027, 1, 15),
                days=5,
            ),  # exactly 5: fine
            CalendarEntry(
                school_id="S2", kind="praktikum", grade=10, start_date=D(2027, 1, 11), days=2
            ),  # no end_date: a single day
        ),
        students=(Student(student_id="B", school_id="S1", grade=9),),
    )
    assert errors(problem) == [
        "calendar.csv:2: days: window 2027-01-04 to 2027-01-15 holds 7 working days, "
        "fewer than the block of 10",
        "calendar.csv:4: days: window 2027-01-11 to 2027-01-11 holds 1 working days, "
        "fewer than the block of 2",
    ]


def test_students_without_calendar_row_are_a_warning() -> None:
    problem = base()
    problem = problem.model_copy(
        update={
            "students": (
                *problem.students,
                Student(student_id="D", school_id="S2", grade=9),
                Student(student_id="E", school_id="S9", grade=9),  # an error instead
            )
        }
    )
    report = validate(problem)
    assert [str(p) for p in report.warnings] == [
        "students.csv:5: grade: needs no placement: no calendar row for school S2 grade 9"
    ]
    assert len(report.errors) == 1


def test_capacity_zero_is_fine() -> None:
    problem = base()
    offer = problem.offers[0].model_copy(update={"capacity": 0})
    assert validate(problem.model_copy(update={"offers": (offer,)})) == ValidationReport()


def test_sources_give_file_and_lines() -> None:
    problem = base()
    problem = problem.model_copy(
        update={"students": (*problem.students, Student(student_id="A", school_id="S1", grade=8))}
    )
    sources = {"students": ("book.xlsx[students]", [2, 5, 7, 12])}
    assert errors(problem) == [
        'students.csv:5: student_id: duplicate student_id "A" (first on line 2)'
    ]
    assert [str(p) for p in validate(problem, sources).errors] == [
        'book.xlsx[students]:12: student_id: duplicate student_id "A" (first on line 2)'
    ]


def test_known_ids_and_absent_tables_silence_cascades() -> None:
    problem = base()
    problem = problem.model_copy(
        update={
            "students": (Student(student_id="A", school_id="S9", grade=8),),
            "pairs": (Pair(student_a="A", student_b="Q", relation="apart"),),
        }
    )
    assert validate(problem, known_ids={"schools": {"S9"}, "students": ["Q"]}).errors == []
    assert validate(problem, absent={"schools", "students"}).errors == []


def test_reports_are_sorted() -> None:
    problem = with_rows(
        pairs=(
            Pair(student_a="Z", student_b="A", relation="apart"),
            Pair(student_a="Y", student_b="A", relation="apart"),
        )
    )
    found = validate(problem).errors
    assert found == sorted(found)
    assert found[0] == InputProblem(
        "pairs.csv", 2, "student_a", 'unknown student_id "Z" (not in students.csv)'
    )


def test_large_problem_is_valid() -> None:
    """10,000 students, offers and 100,000 travel rows check quickly (no timing assert)."""
    schools = tuple(School(school_id=f"S{i}", lat=51, lon=7) for i in range(50))
    students = tuple(
        Student(student_id=f"ST{i}", school_id=f"S{i % 50}", grade=8) for i in range(10_000)
    )
    companies = tuple(Company(company_id=f"C{i}", lat=51, lon=7) for i in range(2_000))
    offers = tuple(
        Offer(
            offer_id=f"O{i}",
            company_id=f"C{i % 2000}",
            field_id="it",
            kind="bfe",
            start_date=D(2026, 11, 2),
            capacity=1,
        )
        for i in range(10_000)
    )
    calendar = tuple(
        CalendarEntry(school_id=f"S{i}", kind="bfe", grade=8, start_date=D(2026, 11, 3))
        for i in range(50)
    )
    travel = tuple(
        TravelTime(origin_id=f"ST{i % 10_000}", company_id=f"C{i % 2000}", minutes=10)
        for i in range(100_000)
    )
    problem = Problem(
        schools=schools,
        students=students,
        companies=companies,
        offers=offers,
        calendar=calendar,
        travel=travel,
    )
    assert validate(problem) == ValidationReport()


# --- priorities ---------------------------------------------------------------


def _priorities(*rows: tuple[str, float]) -> tuple[Priority, ...]:
    return tuple(Priority(level=level, tolerance=t) for level, t in rows)  # type: ignore[arg-type]


def test_priorities_in_another_order_are_valid() -> None:
    # wishes before fairness, interest within 2 %: each level once
    order = ("coverage", "stability", "wishes", "fairness", "together", "interest", "travel")
    problem = with_rows(priorities=_priorities(*((level, 0) for level in order)))
    assert validate(problem) == ValidationReport()
    problem = with_rows(
        priorities=_priorities(*((lv, 2 if lv == "interest" else 0) for lv in order))
    )
    assert validate(problem) == ValidationReport()


def test_a_level_twice_or_missing() -> None:
    problem = with_rows(
        priorities=_priorities(
            ("coverage", 0),
            ("fairness", 0),
            ("coverage", 0),
            ("wishes", 0),
            ("together", 0),
            ("interest", 1),
            ("fairness", 5),
        )
    )
    assert errors(problem) == [
        'priorities.csv: level: levels "stability", "travel" are missing: list each of the 7 '
        "levels once (coverage, stability, fairness, wishes, together, interest, travel)",
        'priorities.csv:4: level: duplicate level "coverage" (first on line 2)',
        'priorities.csv:8: level: duplicate level "fairness" (first on line 3)',
    ]
    one_missing = with_rows(priorities=DEFAULT_PRIORITIES[:-1])
    assert errors(one_missing) == [
        'priorities.csv: level: level "travel" is missing: list each of the 7 levels once '
        "(coverage, stability, fairness, wishes, together, interest, travel)"
    ]


def test_levels_of_dropped_rows_are_not_missing() -> None:
    # a reader drops a row with a bad tolerance and reports it; the level is
    # then known, not missing as well
    problem = with_rows(priorities=DEFAULT_PRIORITIES[:-1])
    assert validate(problem, known_ids={"priorities": {"travel"}}).errors == []


def test_a_tolerance_on_the_last_level_is_a_warning() -> None:
    last = (*DEFAULT_PRIORITIES[:-1], Priority(level="travel", tolerance=3))
    assert errors(with_rows(priorities=last)) == []
    assert warnings(with_rows(priorities=last)) == [
        "priorities.csv:8: tolerance: tolerance 3 on the last level has no effect: no level "
        "below it can use what it gives up"
    ]
    assert warnings(with_rows(priorities=DEFAULT_PRIORITIES)) == []


# --- Praxiskurs and Langzeitpraktikum (data contract v3) ----------------------

PERIOD = (D(2026, 11, 16), D(2027, 5, 28))  # a Langzeitpraktikum after the autumn holidays


def langzeit_row(school_id: str = "S1", grade: int = 9, **extra: object) -> CalendarEntry:
    start, end = PERIOD
    return CalendarEntry(
        school_id=school_id, kind="langzeit", grade=grade, start_date=start, end_date=end,
        **extra,  # type: ignore[arg-type]
    )  # fmt: skip


def langzeit_offer(offer_id: str, start: dt.date, end: dt.date, **extra: object) -> Offer:
    return Offer(
        offer_id=offer_id, company_id="C1", field_id="it", kind="langzeit", start_date=start,
        end_date=end, capacity=2, **extra,  # type: ignore[arg-type]
    )  # fmt: skip


def test_weekdays_belong_to_langzeit_rows_and_a_langzeit_offer_needs_them() -> None:
    problem = base()
    bfe = problem.offers[0]
    problem = problem.model_copy(
        update={
            "offers": (
                bfe.model_copy(update={"weekdays": frozenset({"fr", "mo"})}),
                langzeit_offer("L1", D(2026, 9, 1), D(2027, 6, 30)),
            ),
            "calendar": (
                problem.calendar[0].model_copy(update={"weekdays": frozenset({"di"})}),
                *problem.calendar[1:],
            ),
        }
    )
    assert errors(problem) == [
        "calendar.csv:2: weekdays: weekdays di on a bfe calendar row: weekdays are for "
        "langzeit rows only; leave the cell empty",
        "offers.csv:2: weekdays: weekdays mo|fr on a bfe offer: weekdays are for langzeit "
        "rows only; leave the cell empty",
        "offers.csv:3: weekdays: a langzeit offer needs weekdays: the days the company takes "
        "Langzeitpraktikum students, e.g. di|do",
    ]


def test_langzeit_days_and_one_row_per_school_and_grade() -> None:
    problem = with_rows(
        calendar=(
            *base().calendar,
            langzeit_row(days=0),
            langzeit_row(days=2, weekdays=frozenset({"mi"})),
            langzeit_row(grade=10, days=2, weekdays=frozenset({"mi", "di"})),
            langzeit_row(grade=8, days=1, weekdays=frozenset({"fr"})),
        )
    )
    assert errors(problem) == [
        "calendar.csv:5: days: days 0 on a langzeit row: a Langzeitpraktikum is 1 or 2 days a week",
        "calendar.csv:6: days: days 2 on a langzeit row, but the school allows only mi: list "
        "at least 2 weekdays",
        "calendar.csv:6: kind: second langzeit row for school S1 grade 9 (first on line 5)",
    ]


def test_min_group_is_for_bfe_and_praxiskurs_offers() -> None:
    course = Offer(
        offer_id="K1", company_id="C1", field_id="it", kind="praxiskurs",
        start_date=D(2027, 2, 15), end_date=D(2027, 2, 17), capacity=12, min_group=8,
    )  # fmt: skip
    langzeit = langzeit_offer("L1", *PERIOD, weekdays=frozenset({"di"}), min_group=2)
    problem = with_rows(offers=(*base().offers, course, langzeit))
    assert errors(problem) == [
        "offers.csv:4: min_group: min_group 2 on a langzeit offer: a minimum group size is "
        "for bfe and praxiskurs offers only; leave the cell empty",
    ]


def test_participants_refer_to_students_and_to_a_calendar_row_of_their_kind() -> None:
    problem = with_rows(
        calendar=(*base().calendar, langzeit_row()),
        participants=(
            Participant(student_id="B", kind="langzeit"),  # S1 grade 9: fine
            Participant(student_id="B", kind="praxiskurs"),  # no praxiskurs row
            Participant(student_id="Z", kind="langzeit"),
        ),
    )
    assert errors(problem) == [
        'participants.csv:4: student_id: unknown student_id "Z" (not in students.csv)'
    ]
    assert warnings(problem.model_copy(update={"participants": problem.participants[:2]})) == [
        'participants.csv:3: kind: student "B" takes part in praxiskurs, but school S1 has no '
        "praxiskurs calendar row for grade 9: nothing to place",
    ]


def test_a_langzeit_offer_nobody_can_take_is_a_warning() -> None:
    di_do = frozenset({"di", "do"})
    problem = with_rows(
        calendar=(*base().calendar, langzeit_row(weekdays=frozenset({"di", "mi"}))),
        offers=(
            *base().offers,
            langzeit_offer("L1", D(2026, 9, 1), D(2027, 6, 30), weekdays=di_do),  # fine
            langzeit_offer("L2", *PERIOD, weekdays=di_do),  # the same period: fine
            langzeit_offer("L3", D(2026, 12, 1), D(2027, 6, 30), weekdays=di_do),
            langzeit_offer("L4", D(2026, 9, 1), D(2027, 6, 30), weekdays=frozenset({"fr"})),
        ),
    )
    assert warnings(problem) == [
        "offers.csv:5: start_date: no school's Langzeitpraktikum period lies within "
        "2026-12-01 to 2027-06-30: nobody can take this offer",
        "offers.csv:6: weekdays: no school whose Langzeitpraktikum period lies within "
        "2026-09-01 to 2027-06-30 allows enough of the weekdays fr: nobody can take this offer",
    ]


def test_previous_rows_of_the_new_kinds() -> None:
    start, end = PERIOD
    row = PreviousAssignment(
        student_id="B", kind="langzeit", offer_id="L1", start_date=start, end_date=end,
        weekdays=frozenset({"di"}),
    )  # fmt: skip
    offer = langzeit_offer("L1", *PERIOD, weekdays=frozenset({"di"}))
    problem = with_rows(
        calendar=(*base().calendar, langzeit_row()),
        offers=(*base().offers, offer),
        previous=(row, row.model_copy(update={"status": "locked"})),
    )
    assert errors(problem) == []
    assert warnings(problem) == []  # planned, so a locked row is kept like any other
    bfe = row.model_copy(update={"kind": "bfe", "status": "published"})
    assert errors(problem.model_copy(update={"previous": (bfe,)})) == [
        "previous.csv:2: weekdays: weekdays di on a bfe row: weekdays are for langzeit rows "
        "only; leave the cell empty",
    ]
