"""Working days in NRW and the numbering of a horizon's working days."""

from __future__ import annotations

import datetime as dt

from kaoa_match.calendar import DayIndex, WorkingDays
from kaoa_match.model import CalendarEntry, ExtraHoliday, Problem, School

D = dt.date


def test_autumn_break_2026_is_not_a_working_day() -> None:
    working = WorkingDays()
    # NRW Herbstferien 2026: 17.10. - 31.10.; Friday before and Monday after work.
    assert working.why_not_working(D(2026, 10, 19)) == "Herbstferien"
    assert not working.is_working_day(D(2026, 10, 30))
    assert working.is_working_day(D(2026, 10, 16))
    assert working.is_working_day(D(2026, 11, 2))


def test_fronleichnam_2027_is_a_public_holiday() -> None:
    working = WorkingDays()
    assert working.why_not_working(D(2027, 5, 27)) == "Fronleichnam"
    assert working.is_working_day(D(2027, 5, 28))


def test_weekends_are_named() -> None:
    working = WorkingDays()
    assert working.why_not_working(D(2026, 11, 7)) == "Samstag"
    assert working.why_not_working(D(2026, 11, 8)) == "Sonntag"
    assert working.why_not_working(D(2026, 11, 9)) is None


def _problem_with(holidays: tuple[ExtraHoliday, ...]) -> Problem:
    school = School(school_id="S1", lat=51.0, lon=7.0)
    entry = CalendarEntry(school_id="S1", kind="bfe", grade=8, start_date=D(2026, 11, 4))
    return Problem(
        schools=(school,),
        students=(),
        companies=(),
        offers=(),
        calendar=(entry,),
        holidays=holidays,
    )


def test_holidays_csv_adds_non_working_days() -> None:
    problem = _problem_with(
        (
            ExtraHoliday(date=D(2026, 11, 11), name="Brauchtumstag"),
            ExtraHoliday(date=D(2026, 11, 12)),
        )
    )
    working = WorkingDays.for_problem(problem)
    assert working.why_not_working(D(2026, 11, 11)) == "Brauchtumstag"
    assert working.why_not_working(D(2026, 11, 12)) == "Feiertag laut holidays.csv"
    assert working.is_working_day(D(2026, 11, 13))
    assert working.between(D(2026, 11, 10), D(2026, 11, 16)) == [
        D(2026, 11, 10),
        D(2026, 11, 13),
        D(2026, 11, 16),
    ]


def test_day_index_numbers_working_days_consecutively() -> None:
    # Fri 21.05.2027, weekend, Mon-Wed, Thu 27.05. Fronleichnam, Fri, weekend, Mon.
    days = DayIndex.covering(WorkingDays(), D(2027, 5, 21), D(2027, 5, 31))
    assert days.days == (
        D(2027, 5, 21),
        D(2027, 5, 24),
        D(2027, 5, 25),
        D(2027, 5, 26),
        D(2027, 5, 28),
        D(2027, 5, 31),
    )
    assert len(days) == 6
    # Friday and Monday are neighbours, so are Wednesday and Friday.
    assert [days.index_of(d) for d in days.days] == [0, 1, 2, 3, 4, 5]
    assert days.index_of(D(2027, 5, 24)) == 1
    assert days.index_of(D(2027, 5, 28)) == 4
    assert days.index_of(D(2027, 5, 27)) is None
    assert days.index_of(D(2027, 5, 22)) is None
    assert days[4] == D(2027, 5, 28)
