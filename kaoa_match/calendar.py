"""Working days in NRW: Monday to Friday minus public and school holidays.

Public and school holidays come from the ``holidays`` package (Germany,
subdivision ``NW``); ``holidays.csv`` adds further non-working days such as a
school's pedagogical day or a regional Brauchtumstag.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import holidays

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from kaoa_match.model import Problem

_WEEKDAY_NAMES = (
    "Montag",
    "Dienstag",
    "Mittwoch",
    "Donnerstag",
    "Freitag",
    "Samstag",
    "Sonntag",
)


class WorkingDays:
    """Answers whether a date is a working day, and why not if it is not."""

    def __init__(self, extra: Mapping[dt.date, str] | None = None) -> None:
        self._nrw = holidays.Germany(
            subdiv="NW",
            categories=(holidays.PUBLIC, holidays.SCHOOL),
            language="de",
        )
        self._extra = dict(extra or {})

    @classmethod
    def for_problem(cls, problem: Problem) -> WorkingDays:
        return cls({h.date: h.name or "Feiertag laut holidays.csv" for h in problem.holidays})

    def why_not_working(self, day: dt.date) -> str | None:
        """The reason ``day`` is not a working day (German), or None if it is one."""
        if day.weekday() >= 5:
            return _WEEKDAY_NAMES[day.weekday()]
        if day in self._extra:
            return self._extra[day]
        return self._nrw.get(day)

    def is_working_day(self, day: dt.date) -> bool:
        return self.why_not_working(day) is None

    def between(self, first: dt.date, last: dt.date) -> list[dt.date]:
        """All working days in ``[first, last]``, in order."""
        days = (first + dt.timedelta(n) for n in range((last - first).days + 1))
        return [d for d in days if self.is_working_day(d)]


class DayIndex:
    """Numbers every working day of a horizon 0, 1, 2, ... in date order.

    Consecutive working days get consecutive numbers, so a Praktikum block of
    ``n`` working days starting at day ``k`` covers exactly ``k .. k+n-1``.
    """

    def __init__(self, days: Iterable[dt.date]) -> None:
        self.days: tuple[dt.date, ...] = tuple(sorted(set(days)))
        self.position: dict[dt.date, int] = {d: i for i, d in enumerate(self.days)}

    @classmethod
    def covering(cls, working: WorkingDays, first: dt.date, last: dt.date) -> DayIndex:
        return cls(working.between(first, last))

    def __len__(self) -> int:
        return len(self.days)

    def __getitem__(self, i: int) -> dt.date:
        return self.days[i]

    def index_of(self, day: dt.date) -> int | None:
        return self.position.get(day)
