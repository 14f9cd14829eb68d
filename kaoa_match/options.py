"""Eligibility: which (student, offer, day or block) options obey every hard rule
except capacity, apart pairs and locked rows, and why a student has none.

INTERFACE CONTRACT (the solver relies on it; keep it stable):

``build_options(problem) -> Options``. Arrays of one option each, aligned, all
numpy, sorted by (student, kind, first_day, offer):

- ``student``  int32, index into ``problem.students``
- ``offer``    int32, index into ``problem.offers``
- ``company``  int32, index into ``problem.companies``
- ``field``    int32, index into ``problem.fields``
- ``kind``     int8, 0 = bfe, 1 = praktikum, 2 = praxiskurs, 3 = langzeit
- ``first_day`` int32, index into ``days`` (a :class:`DayIndex` over every
  working day of the problem's horizon): the BFE day, the first working
  day of the Praktikum block or of the course, or the first date of the
  Langzeitpraktikum
- ``n_days``   int16, 1 for bfe, the block or course length in working days
  (the option covers ``first_day .. first_day + n_days - 1``); for langzeit
  the span from its first to its last date, of which it covers only the
  days on its ``weekdays``
- ``weekdays`` int8, langzeit only (0 for the others): a bit mask of the
  weekdays, bit 0 Monday ... bit 4 Friday
- ``travel_min`` int32, whole minutes
- ``score``    int16, the student's interest score for the field (0 if none)

plus per student (length ``len(problem.students)``):

- ``bfe_needed``  int16: BFE days the student needs (0 when no bfe calendar row)
- ``praktikum_needed`` int8: 1 when the student needs a Praktikum block
- ``courses_needed`` int16: Praxiskurse the student takes (0 unless listed in
  ``participants.csv`` with a praxiskurs calendar row)
- ``langzeit_needed`` int8: 1 when the student takes a Langzeitpraktikum
- ``top_fields``: list of frozenset of field indices, the student's top-3
  fields by the contract's fairness rule

and ``days`` (the DayIndex), ``working`` (the WorkingDays).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

import numpy as np

from kaoa_match.calendar import DayIndex, WorkingDays
from kaoa_match.i18n import _, date_text, ngettext, span_text
from kaoa_match.model import WEEKDAYS
from kaoa_match.travel import TravelTimes, reachable_pairs

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterable, Sequence

    from numpy.typing import NDArray

    from kaoa_match.model import CalendarEntry, Kind, Problem
    from kaoa_match.travel import Reachable

    I32: TypeAlias = NDArray[np.int32]  # the index arrays used throughout

__all__ = [
    "KIND_CODE",
    "Options",
    "build_options",
    "explain_no_option",
    "interest_matrix",
    "max_placeable",
    "top_fields",
]

KIND_CODE: dict[Kind, int] = {"bfe": 0, "praktikum": 1, "praxiskurs": 2, "langzeit": 3}
"""The ``Options.kind`` code of each kind of placement."""

_STUDENTS_PER_BATCH = 500  # students expanded at once: bounds the temporary arrays
_MAX_LISTED_DATES = 8  # longer candidate-date lists are shortened in reasons

_T = TypeVar("_T")


@dataclass(frozen=True)
class Options:
    """Every allowed (student, offer, day or block), aligned numpy arrays.

    See the module docstring for the contract. On top of it,
    ``no_option_reason[(student index, kind)]`` says in a planner's words why a
    student who needs a placement of that kind (``"bfe"`` or ``"praktikum"``)
    has no option at all (see :func:`explain_no_option`).
    :func:`max_placeable` gives each student's most BFE days ignoring capacity.
    """

    student: NDArray[np.int32]
    offer: NDArray[np.int32]
    company: NDArray[np.int32]
    field: NDArray[np.int32]
    kind: NDArray[np.int8]
    first_day: NDArray[np.int32]
    n_days: NDArray[np.int16]
    travel_min: NDArray[np.int32]
    score: NDArray[np.int16]
    weekdays: NDArray[np.int8]
    bfe_needed: NDArray[np.int16]
    praktikum_needed: NDArray[np.int8]
    courses_needed: NDArray[np.int16]
    langzeit_needed: NDArray[np.int8]
    top_fields: list[frozenset[int]]
    days: DayIndex
    working: WorkingDays
    no_option_reason: dict[tuple[int, str], str]

    def __len__(self) -> int:
        return len(self.student)

    def needed(self, kind: Kind) -> NDArray[np.int16]:
        """Per student: placements of ``kind`` needed (days, blocks, courses)."""
        column = {
            "bfe": self.bfe_needed,
            "praktikum": self.praktikum_needed,
            "praxiskurs": self.courses_needed,
            "langzeit": self.langzeit_needed,
        }[kind]
        return np.asarray(column, np.int16)


# --------------------------------------------------------------------------
# Interests and the fairness rule's top-3 fields


def interest_matrix(problem: Problem) -> NDArray[np.int16]:
    """Scores 0-100, shape (students, fields); a field without a row scores 0."""
    student_index = {s.student_id: i for i, s in enumerate(problem.students)}
    field_index = {f.field_id: j for j, f in enumerate(problem.fields)}
    scores = np.zeros((len(problem.students), len(problem.fields)), dtype=np.int16)
    for row in problem.interests:
        i, j = student_index.get(row.student_id), field_index.get(row.field_id)
        if i is not None and j is not None:
            scores[i, j] = row.score
    return scores


def top_fields(scores: NDArray[np.int16]) -> list[frozenset[int]]:
    """Each student's top-3 fields (data contract, fairness).

    With t the third-highest score of the row, the fields scoring above 0 and
    at least t. Ties can give more than three fields; all zero gives none.
    """
    n_students, n_fields = scores.shape
    if n_fields == 0:
        return [frozenset() for _ in range(n_students)]
    ranked = -np.sort(-scores.astype(np.int32), axis=1)
    third = ranked[:, min(2, n_fields - 1)]
    is_top = (scores > 0) & (scores >= third[:, None])
    return [frozenset(np.flatnonzero(row).tolist()) for row in is_top]


# --------------------------------------------------------------------------
# Calendars: the day horizon and the cohorts (school, grade)


def _horizon(problem: Problem, working: WorkingDays) -> DayIndex:
    """Every working day from the earliest to the latest date of the calendar
    rows and of the offers (a Langzeitpraktikum offer's own period only has to
    contain the school's: it adds no day)."""
    calendar = list(problem.calendar)
    offers = [o for o in problem.offers if o.kind != "langzeit"]
    dates = [e.start_date for e in calendar] + [e.last_date for e in calendar]
    dates += [o.start_date for o in offers] + [o.last_date for o in offers]
    if not dates:
        return DayIndex(())
    return DayIndex.covering(working, min(dates), max(dates))


@dataclass(frozen=True)
class _Window:
    """A Praktikum window as day indices (inclusive) and its block length."""

    first: int
    last: int
    block: int


@dataclass(frozen=True)
class _Period:
    """A Langzeitpraktikum period: its dates and day indices (inclusive), the
    days a week and the weekdays the school allows (a bit mask, bit 0 Monday)."""

    start: dt.date
    last: dt.date
    first_day: int
    last_day: int
    per_week: int
    allowed: int


@dataclass(frozen=True)
class _Cohort:
    """The students of one school and grade share calendar and offer rules."""

    school_id: str
    grade: int
    school_type: str
    bfe_rows: tuple[CalendarEntry, ...]
    praktikum_rows: tuple[CalendarEntry, ...]
    bfe_days: I32  # candidate day indices, sorted, distinct
    bfe_needed: int
    windows: tuple[_Window, ...]
    course_rows: tuple[CalendarEntry, ...] = ()
    course_windows: tuple[_Window, ...] = ()  # ``block``: the courses per participant
    periods: tuple[_Period, ...] = ()

    def needs(self, kind: Kind) -> bool:
        if kind == "bfe":
            return self.bfe_needed > 0 and len(self.bfe_rows) > 0
        if kind == "praxiskurs":
            return len(self.course_windows) > 0
        if kind == "langzeit":
            return len(self.periods) > 0
        return kind == "praktikum" and len(self.windows) > 0

    @property
    def courses_needed(self) -> int:
        return max((w.block for w in self.course_windows), default=0)


class _Days:
    """Dates <-> day indices of the horizon, vectorised."""

    def __init__(self, days: DayIndex) -> None:
        self.index = days
        self.ordinal = np.asarray([d.toordinal() for d in days.days], dtype=np.int64)
        # YYYYMMDD integers: (day - birth) // 10000 is the age in whole years.
        self.ymd = np.asarray(
            [d.year * 10000 + d.month * 100 + d.day for d in days.days], dtype=np.int32
        )
        self.weekday = np.asarray([d.weekday() for d in days.days], dtype=np.int8)

    def first_at_or_after(self, day: dt.date) -> int:
        return int(np.searchsorted(self.ordinal, day.toordinal(), side="left"))

    def last_at_or_before(self, day: dt.date) -> int:
        return int(np.searchsorted(self.ordinal, day.toordinal(), side="right")) - 1

    def inside(self, first: dt.date, last: dt.date) -> I32:
        """Indices of the working days in ``[first, last]``."""
        lo, hi = self.first_at_or_after(first), self.last_at_or_before(last)
        return np.arange(lo, max(hi + 1, lo), dtype=np.int32)


def _make_cohort(
    school_id: str,
    grade: int,
    school_type: str,
    rows: Sequence[CalendarEntry],
    days: _Days,
) -> _Cohort:
    bfe_rows = tuple(r for r in rows if r.kind == "bfe")
    pr_rows = tuple(r for r in rows if r.kind == "praktikum")
    candidate = [days.inside(r.start_date, r.last_date) for r in bfe_rows]
    bfe_days = np.unique(np.concatenate([np.zeros(0, np.int32), *candidate]))
    windows = tuple(
        _Window(
            days.first_at_or_after(r.start_date),
            days.last_at_or_before(r.last_date),
            r.needed_days,
        )
        for r in pr_rows
        if r.needed_days > 0  # a block of 0 days is no Praktikum to place
    )
    course_rows = tuple(r for r in rows if r.kind == "praxiskurs")
    course_windows = tuple(
        _Window(
            days.first_at_or_after(r.start_date),
            days.last_at_or_before(r.last_date),
            r.needed_days,
        )
        for r in course_rows
        if r.needed_days > 0
    )
    periods = tuple(
        _Period(
            r.start_date,
            r.last_date,
            days.first_at_or_after(r.start_date),
            days.last_at_or_before(r.last_date),
            r.needed_days,
            weekday_mask(r.allowed_weekdays),
        )
        for r in rows
        if r.kind == "langzeit" and r.needed_days > 0
    )
    return _Cohort(
        school_id=school_id,
        grade=grade,
        school_type=school_type,
        bfe_rows=bfe_rows,
        praktikum_rows=pr_rows,
        bfe_days=bfe_days.astype(np.int32),
        bfe_needed=max((r.needed_days for r in bfe_rows), default=0),
        windows=windows,
        course_rows=course_rows,
        course_windows=course_windows,
        periods=periods,
    )


def weekday_mask(weekdays: Iterable[str]) -> int:
    """The bit mask of ``mo``..``fr`` names: bit 0 Monday ... bit 4 Friday."""
    return sum(1 << WEEKDAYS.index(w) for w in set(weekdays))  # type: ignore[arg-type]


def weekday_names(mask: int) -> list[str]:
    """The ``mo``..``fr`` names of a weekday bit mask, Monday first."""
    return [w for k, w in enumerate(WEEKDAYS) if mask >> k & 1]


# --------------------------------------------------------------------------
# The problem as arrays, built once


class _Tables:
    """Index arrays of offers, companies and students, and the cohorts."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.working = WorkingDays.for_problem(problem)
        self.days = _Days(_horizon(problem, self.working))
        self._offer_arrays(problem)
        self._cohorts(problem)
        self._tag_tables(problem)
        self.company_min_age = np.asarray(
            [-1 if c.min_age is None else c.min_age for c in problem.companies],
            dtype=np.int32,
        )
        self.birth_ymd = np.asarray([_ymd(s.birth_date) for s in problem.students], dtype=np.int32)
        # Only students listed in participants.csv take these kinds.
        student_index = {s.student_id: i for i, s in enumerate(problem.students)}
        self.participant = np.zeros((len(problem.students), len(KIND_CODE)), dtype=bool)
        for p in problem.participants:
            if p.student_id in student_index:
                self.participant[student_index[p.student_id], KIND_CODE[p.kind]] = True
        self.participant[:, KIND_CODE["bfe"]] = True
        self.participant[:, KIND_CODE["praktikum"]] = True

    def _offer_arrays(self, problem: Problem) -> None:
        company_index = {c.company_id: j for j, c in enumerate(problem.companies)}
        field_index = {f.field_id: j for j, f in enumerate(problem.fields)}
        offers = problem.offers
        self.offer_kind = np.asarray([KIND_CODE[o.kind] for o in offers], dtype=np.int8)
        self.offer_weekdays = np.asarray([weekday_mask(o.weekdays) for o in offers], np.int8)
        self.offer_start_ordinal = np.asarray([o.start_date.toordinal() for o in offers], np.int64)
        self.offer_last_ordinal = np.asarray([o.last_date.toordinal() for o in offers], np.int64)
        self.offer_company = np.asarray(
            [company_index[o.company_id] for o in offers], dtype=np.int32
        )
        self.offer_field = np.asarray([field_index[o.field_id] for o in offers], dtype=np.int32)
        self.offer_capacity = np.asarray([o.capacity for o in offers], dtype=np.int32)
        start = np.asarray([o.start_date.toordinal() for o in offers], dtype=np.int64)
        last = np.asarray([o.last_date.toordinal() for o in offers], dtype=np.int64)
        ordinal = self.days.ordinal
        self.offer_first = np.searchsorted(ordinal, start, side="left").astype(np.int32)
        self.offer_last = np.searchsorted(ordinal, last, side="right").astype(np.int32) - 1
        # Few distinct (grades, school_types) restrictions: check each once.
        self.restrictions: list[tuple[frozenset[int], frozenset[str]]] = []
        self.offer_restriction = _ids(
            [(o.grades, o.school_types) for o in offers], self.restrictions
        )

    def _cohorts(self, problem: Problem) -> None:
        school_type = {s.school_id: s.school_type for s in problem.schools}
        rows: dict[tuple[str, int], list[CalendarEntry]] = {}
        for entry in problem.calendar:
            rows.setdefault((entry.school_id, entry.grade), []).append(entry)
        keys = list(rows)
        self.cohorts = [
            _make_cohort(sid, g, school_type.get(sid, ""), rows[(sid, g)], self.days)
            for sid, g in keys
        ]
        position = {key: c for c, key in enumerate(keys)}
        self.student_cohort = np.asarray(
            [position.get((s.school_id, s.grade), -1) for s in problem.students],
            dtype=np.int32,
        )

    def _tag_tables(self, problem: Problem) -> None:
        needs: list[frozenset[str]] = []
        quals: list[frozenset[str]] = []
        provides: list[frozenset[str]] = []
        requires: list[frozenset[str]] = []
        self.student_needs = _ids([s.needs for s in problem.students], needs)
        self.student_quals = _ids([s.qualifications for s in problem.students], quals)
        self.company_provides = _ids([c.provides for c in problem.companies], provides)
        self.company_requires = _ids([c.requires for c in problem.companies], requires)
        self.needs_met = _subset_table(needs, provides)
        self.requires_met = _subset_table(requires, quals)
        # Most students need nothing and most companies require nothing:
        # only the others are looked up pair by pair.
        met_always = np.asarray(self.needs_met.all(axis=1), dtype=bool)
        self.needs_anything = ~met_always[self.student_needs]
        met_always = np.asarray(self.requires_met.all(axis=1), dtype=bool)
        self.requires_anything = ~met_always[self.company_requires]

    def tags_ok(self, student: I32, company: I32) -> NDArray[np.bool_]:
        """needs ⊆ provides and requires ⊆ qualifications, per pair."""
        ok = np.ones(len(student), dtype=bool)
        check = np.flatnonzero(self.needs_anything[student])
        s, c = self.student_needs[student[check]], self.company_provides[company[check]]
        ok[check] = self.needs_met[s, c]
        check = np.flatnonzero(self.requires_anything[company])
        c, s = self.company_requires[company[check]], self.student_quals[student[check]]
        ok[check] &= self.requires_met[c, s]
        return ok

    def age_ok(self, student: I32, company: I32, first_day: I32) -> NDArray[np.bool_]:
        """Old enough on the first day (no birth date and a min_age set = not)."""
        min_age = self.company_min_age[company]
        ok = min_age < 0
        limited = np.flatnonzero(~ok)
        if len(limited):
            birth = self.birth_ymd[student[limited]]
            age = (self.days.ymd[first_day[limited]] - birth) // 10000
            ok[limited] = (birth > 0) & (age >= min_age[limited])
        return ok

    def open_offers(self, cohort: _Cohort, kind: Kind) -> I32:
        """Offers of ``kind`` with places, open to the grade and school type."""
        allowed = np.asarray(
            [
                (not grades or cohort.grade in grades)
                and (not types or cohort.school_type in types)
                for grades, types in self.restrictions
            ],
            dtype=bool,
        )
        mask = (self.offer_kind == KIND_CODE[kind]) & (self.offer_capacity > 0)
        mask &= allowed[self.offer_restriction]
        return np.flatnonzero(mask).astype(np.int32)

    def slots(self, cohort: _Cohort, kind: Kind, offers: I32) -> tuple[I32, I32, I32, I32]:
        """(offer, first_day, n_days, weekdays) of each date, block, course or
        Langzeitpraktikum weekday pattern that fits the cohort."""
        parts: list[tuple[I32, ...]]
        if kind == "bfe":
            parts = [self._bfe_slots(cohort.bfe_days, offers)]
        elif kind == "praktikum":
            parts = [self._block_slots(w, offers) for w in cohort.windows]
        elif kind == "praxiskurs":
            parts = [self._course_slots(w, offers) for w in cohort.course_windows]
        else:
            parts = [self._langzeit_slots(p, offers) for p in cohort.periods]
        empty = np.zeros(0, np.int32)
        offer, first, n = (np.concatenate([empty, *(p[k] for p in parts)]) for k in range(3))
        weekdays = np.concatenate([empty, *(p[3] for p in parts if len(p) > 3)])
        if len(weekdays) != len(offer):  # only Langzeitpraktikum slots have weekdays
            weekdays = np.zeros(len(offer), np.int32)
        return offer, first, n, weekdays

    def _course_slots(self, window: _Window, offers: I32) -> tuple[I32, I32, I32]:
        """Courses whose working days all lie in the school's window."""
        first, last = self.offer_first[offers], self.offer_last[offers]
        fits = (first >= window.first) & (last <= window.last) & (last >= first)
        return offers[fits], first[fits], (last - first + 1)[fits].astype(np.int32)

    def _langzeit_slots(self, period: _Period, offers: I32) -> tuple[I32, I32, I32, I32]:
        """Each offer whose period contains the school's, with each set of
        ``per_week`` weekdays both allow that has a date on every one of them."""
        contains = (self.offer_start_ordinal[offers] <= period.start.toordinal()) & (
            self.offer_last_ordinal[offers] >= period.last.toordinal()
        )
        in_period = np.arange(period.first_day, period.last_day + 1, dtype=np.int32)
        weekday = self.days.weekday[in_period]
        rows: list[tuple[int, int, int, int]] = []
        for o in offers[contains].tolist():
            allowed = period.allowed & int(self.offer_weekdays[o])
            bits = [k for k in range(len(WEEKDAYS)) if allowed >> k & 1]
            for chosen in itertools.combinations(bits, period.per_week):
                on = np.isin(weekday, chosen)
                if any(not (weekday == k).any() for k in chosen):
                    continue  # a weekday without a single date in the period
                dates = in_period[on]
                first, last = int(dates[0]), int(dates[-1])
                rows.append((o, first, last - first + 1, sum(1 << k for k in chosen)))
        table = np.asarray(rows, dtype=np.int32).reshape(len(rows), 4)
        return table[:, 0], table[:, 1], table[:, 2], table[:, 3]

    def _bfe_slots(self, candidate: I32, offers: I32) -> tuple[I32, I32, I32]:
        lo = np.searchsorted(candidate, self.offer_first[offers], side="left")
        hi = np.searchsorted(candidate, self.offer_last[offers], side="right")
        group, position = _expand(lo, np.maximum(hi - lo, 0))
        first_day = candidate[position].astype(np.int32)
        return offers[group], first_day, np.ones(len(group), np.int32)

    def _block_slots(self, window: _Window, offers: I32) -> tuple[I32, I32, I32]:
        # Blocks lie inside both windows; consecutive working days have
        # consecutive indices, so a block is first .. first + block - 1.
        lo = np.maximum(self.offer_first[offers], window.first)
        hi = np.minimum(self.offer_last[offers], window.last) - window.block + 1
        group, first_day = _expand(lo, np.maximum(hi - lo + 1, 0))
        n_days = np.full(len(group), window.block, np.int32)
        return offers[group], first_day.astype(np.int32), n_days


def _ymd(day: dt.date | None) -> int:
    return 0 if day is None else day.year * 10000 + day.month * 100 + day.day


def _ids(values: Sequence[_T], distinct: list[_T]) -> I32:
    """Number equal values 0, 1, ...; ``distinct`` receives the value of each number."""
    number: dict[_T, int] = {}
    for v in values:
        if v not in number:
            number[v] = len(distinct)
            distinct.append(v)
    return np.asarray([number[v] for v in values], dtype=np.int32)


def _subset_table(small: list[frozenset[str]], big: list[frozenset[str]]) -> NDArray[np.bool_]:
    """``table[a, b]`` is True when ``small[a]`` ⊆ ``big[b]``."""
    table = np.zeros((len(small), len(big)), dtype=bool)
    for a, tags in enumerate(small):
        for b, have in enumerate(big):
            table[a, b] = tags <= have
    return table


def _expand(starts: NDArray[np.int64], counts: NDArray[np.int64]) -> tuple[I32, I32]:
    """Unroll ranges: ``counts[i]`` rows numbered ``starts[i], starts[i] + 1, ...``.

    Returns (group, position): the range each row comes from, and its number.
    """
    counts = np.asarray(counts, dtype=np.int64)
    group = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    offsets = np.cumsum(counts) - counts
    position = np.asarray(starts, dtype=np.int64)[group] + (
        np.arange(len(group), dtype=np.int64) - offsets[group]
    )
    return group.astype(np.int32), position.astype(np.int32)


# --------------------------------------------------------------------------
# Building the options


@dataclass(frozen=True)
class _Slots:
    """Cohort-level (offer, first_day, n_days) rows sorted by (cohort, company).

    A student joins the rows of its cohort at each company it can reach: with
    ``key = cohort * n_companies + company`` they are ``start[key] ..
    start[key + 1] - 1``.
    """

    start: NDArray[np.int64]
    offer: I32
    first_day: I32
    n_days: I32
    weekdays: I32


def _slot_table(tables: _Tables) -> _Slots:
    n_companies = len(tables.problem.companies)
    parts: list[tuple[I32, I32, I32, I32, I32]] = []
    for c, cohort in enumerate(tables.cohorts):
        for kind in KIND_CODE:
            if cohort.needs(kind):
                offer, first, n, weekdays = tables.slots(
                    cohort, kind, tables.open_offers(cohort, kind)
                )
                parts.append((np.full(len(offer), c, np.int32), offer, first, n, weekdays))
    empty = np.zeros(0, np.int32)
    cohort_of, offer, first, n, weekdays = (
        np.concatenate([empty, *(p[k] for p in parts)]) for k in range(5)
    )
    key = cohort_of.astype(np.int64) * n_companies + tables.offer_company[offer]
    order = np.argsort(key, kind="stable")
    # A dense table (cohorts x companies) makes each pair's look-up one index.
    every_key = np.arange(len(tables.cohorts) * n_companies + 1, dtype=np.int64)
    start = np.searchsorted(key[order], every_key, side="left").astype(np.int64)
    return _Slots(start, offer[order], first[order], n[order], weekdays[order])


_COLUMNS: dict[str, type[np.generic]] = {
    "student": np.int32,
    "offer": np.int32,
    "company": np.int32,
    "field": np.int32,
    "kind": np.int8,
    "first_day": np.int32,
    "n_days": np.int16,
    "travel_min": np.int32,
    "score": np.int16,
    "weekdays": np.int8,
}
"""The option arrays of the contract and their dtypes."""


@dataclass(frozen=True)
class _Pairs:
    """Reachable (student, company) pairs of one batch that pass the tag rules,
    with the range ``first_slot .. first_slot + n_slots - 1`` of their cohort's
    slots at that company."""

    student: I32
    company: I32
    minutes: I32
    first_slot: NDArray[np.int64]
    n_slots: NDArray[np.int64]


def _pairs(tables: _Tables, slots: _Slots, reach: Reachable, lo: int, hi: int) -> _Pairs:
    student, company = reach.student[lo:hi], reach.company[lo:hi]
    cohort = tables.student_cohort[student]
    keep = cohort >= 0
    keep[keep] = tables.tags_ok(student[keep], company[keep])
    key = cohort[keep].astype(np.int64) * len(tables.problem.companies) + company[keep]
    first = slots.start[key]
    return _Pairs(
        student[keep],
        company[keep],
        reach.minutes[lo:hi][keep],
        first,
        slots.start[key + 1] - first,
    )


def _expand_pairs(
    tables: _Tables, slots: _Slots, pairs: _Pairs, scores: NDArray[np.int16]
) -> dict[str, NDArray[Any]]:
    """The options of a batch of pairs: the age rule applied, in the contract's order."""
    pair, slot = _expand(pairs.first_slot, pairs.n_slots)
    student, first_day = pairs.student[pair], slots.first_day[slot]
    ok = tables.age_ok(student, pairs.company[pair], first_day)
    # Praxiskurs and Langzeitpraktikum: only the listed participants.
    ok &= tables.participant[student, tables.offer_kind[slots.offer[slot]]]
    kept = np.flatnonzero(ok)
    pair, slot, student, first_day = pair[kept], slot[kept], student[kept], first_day[kept]
    offer = slots.offer[slot]
    kind = tables.offer_kind[offer]
    # (student, kind, first_day, offer) as one integer key; the weekdays of a
    # Langzeitpraktikum break the remaining ties.
    key = student.astype(np.int64) * len(KIND_CODE) + kind
    key = (key * max(len(tables.days.index), 1) + first_day) * max(len(tables.offer_kind), 1)
    key = (key + offer) * 32 + slots.weekdays[slot]
    order = np.argsort(key)
    pair, student, offer = pair[order], student[order], offer[order]
    field = tables.offer_field[offer]
    return {
        "student": student,
        "offer": offer,
        "company": pairs.company[pair],
        "field": field,
        "kind": kind[order],
        "first_day": first_day[order],
        "n_days": slots.n_days[slot[order]],
        "travel_min": pairs.minutes[pair],
        "score": scores[student, field],
        "weekdays": slots.weekdays[slot[order]],
    }


def _join_all(
    tables: _Tables, slots: _Slots, reach: Reachable, scores: NDArray[np.int16]
) -> dict[str, NDArray[Any]]:
    """Join in batches of whole students so that the temporaries stay small.

    The result arrays are allocated once, for the count before the age rule.
    """
    n = len(tables.problem.students)
    cuts = np.searchsorted(reach.student, np.arange(0, n, _STUDENTS_PER_BATCH))
    cuts = np.append(cuts, len(reach.student))
    batches = [(int(lo), int(hi)) for lo, hi in itertools.pairwise(cuts) if hi > lo]
    # Pairs are cheap to redo and costly to keep: count first, then fill.
    size = sum(int(_pairs(tables, slots, reach, lo, hi).n_slots.sum()) for lo, hi in batches)
    out = {name: np.empty(size, dtype) for name, dtype in _COLUMNS.items()}
    end = 0
    for lo, hi in batches:
        part = _expand_pairs(tables, slots, _pairs(tables, slots, reach, lo, hi), scores)
        count = len(part["student"])
        for name, values in part.items():
            out[name][end : end + count] = values
        end += count
    return {name: values[:end] for name, values in out.items()}


def build_options(problem: Problem) -> Options:
    """Every (student, offer, BFE day or Praktikum block) that obeys the hard rules.

    Capacity, ``apart`` pairs and locked rows are left to the solver. The
    problem is assumed valid (see :mod:`kaoa_match.validation`).
    """
    tables = _Tables(problem)
    scores = interest_matrix(problem)
    arrays = _join_all(tables, _slot_table(tables), reachable_pairs(problem), scores)
    bfe_needed, praktikum_needed, courses_needed, langzeit_needed = _needed(tables)
    options = Options(
        **arrays,
        bfe_needed=bfe_needed,
        praktikum_needed=praktikum_needed,
        courses_needed=courses_needed,
        langzeit_needed=langzeit_needed,
        top_fields=top_fields(scores),
        days=tables.days.index,
        working=tables.working,
        no_option_reason={},
    )
    options.no_option_reason.update(_reasons(tables, options))
    return options


def _needed(
    tables: _Tables,
) -> tuple[NDArray[np.int16], NDArray[np.int8], NDArray[np.int16], NDArray[np.int8]]:
    """Per student: BFE days needed, 1 if a Praktikum block is needed, the
    Praxiskurse needed and 1 if a Langzeitpraktikum is needed (these two for
    listed participants only)."""
    cohorts = tables.cohorts
    bfe = np.asarray([c.bfe_needed if c.needs("bfe") else 0 for c in cohorts], np.int16)
    pr = np.asarray([1 if c.needs("praktikum") else 0 for c in cohorts], np.int8)
    courses = np.asarray([c.courses_needed for c in cohorts], np.int16)
    lz = np.asarray([1 if c.needs("langzeit") else 0 for c in cohorts], np.int8)
    cohort = tables.student_cohort
    has = cohort >= 0

    def per_student(per_cohort: NDArray[Any], dtype: type[np.generic]) -> NDArray[Any]:
        out = np.zeros(len(cohort), dtype)
        out[has] = per_cohort[cohort[has]]
        return out

    listed = tables.participant
    return (
        per_student(bfe, np.int16),
        per_student(pr, np.int8),
        per_student(courses, np.int16) * listed[:, KIND_CODE["praxiskurs"]],
        per_student(lz, np.int8) * listed[:, KIND_CODE["langzeit"]],
    )


def _reasons(tables: _Tables, options: Options) -> dict[tuple[int, str], str]:
    """Why each student who needs a kind of placement has no option of it."""
    n = len(options.bfe_needed)
    needed = {kind: options.needed(kind) > 0 for kind in KIND_CODE}
    explainer = _Explainer(tables)
    reasons: dict[tuple[int, str], str] = {}
    for kind, code in KIND_CODE.items():
        has = np.bincount(options.student[options.kind == code], minlength=n) > 0
        for i in np.flatnonzero(needed[kind] & ~has).tolist():
            reasons[(i, kind)] = explainer.explain(i, kind)
    return reasons


# --------------------------------------------------------------------------
# Why a student has no option: the rules one by one, in a planner's words


def explain_no_option(problem: Problem, student_index: int, kind: Kind) -> str:
    """Why the student has no possible placement of ``kind`` at all.

    The rules are applied one at a time (calendar, offers and places, grade
    and school type, dates, needs, qualifications, travel, age) and the first
    rule that leaves nothing is named, e.g. ``no offer within 45 minutes; the
    nearest is 52 minutes away (Firma X)``. Returns ``""`` when the student has
    at least one option. Names companies, never another student, and never
    the student's needs (they can reveal a disability).
    """
    return _Explainer(_Tables(problem)).explain(student_index, kind)


class _Explainer:
    """Narrows the offers rule by rule; cohort-level steps are cached."""

    def __init__(self, tables: _Tables) -> None:
        self.tables = tables
        self._travel: TravelTimes | None = None
        self._by_cohort: dict[tuple[int, Kind], str | tuple[I32, I32, I32, I32]] = {}

    @property
    def travel(self) -> TravelTimes:
        if self._travel is None:
            self._travel = TravelTimes(self.tables.problem)
        return self._travel

    def explain(self, student_index: int, kind: Kind) -> str:
        c = int(self.tables.student_cohort[student_index])
        if c < 0:
            grade = self.tables.problem.students[student_index].grade
            return _no_calendar(kind, grade)
        if (c, kind) not in self._by_cohort:
            self._by_cohort[(c, kind)] = self._cohort_steps(self.tables.cohorts[c], kind)
        narrowed = self._by_cohort[(c, kind)]
        if isinstance(narrowed, str):
            return narrowed
        return self._student_steps(student_index, *narrowed)

    def _cohort_steps(self, cohort: _Cohort, kind: Kind) -> str | tuple[I32, I32, I32, I32]:
        t, offer = self.tables, _offer_label(kind)
        if not cohort.needs(kind):
            return _no_calendar(kind, cohort.grade)
        of_kind = t.offer_kind == KIND_CODE[kind]
        if not of_kind.any():
            return _("there is no {offer} at all").format(offer=offer)
        if not (of_kind & (t.offer_capacity > 0)).any():
            return _("every {offer} has 0 places").format(offer=offer)
        offers = t.open_offers(cohort, kind)
        if not len(offers):
            return _not_open(offer, cohort)
        slots = t.slots(cohort, kind, offers)
        if not len(slots[0]):
            return _no_dates(cohort, kind, t.days.index)
        return slots

    def _student_steps(self, i: int, offer: I32, first_day: I32, n_days: I32, weekdays: I32) -> str:
        t = self.tables
        problem, student = t.problem, t.problem.students[i]
        company = t.offer_company[offer]
        ok = t.needs_met[t.student_needs[i], t.company_provides[company]]
        if not ok.any():
            # Needs can reveal a disability: point to the input, never name them.
            return _(
                "no offer provides what the student needs (see the needs column of students.csv)"
            )
        company, first_day = company[ok], first_day[ok]
        ok = t.requires_met[t.company_requires[company], t.student_quals[i]]
        if not ok.any():
            wanted = set().union(*(problem.companies[j].requires for j in set(company)))
            missing = _tags(frozenset(wanted - student.qualifications))
            return _(
                "every suitable offer requires a qualification the student does not hold "
                "({missing})"
            ).format(missing=missing)
        company, first_day = company[ok], first_day[ok]
        minutes = self.travel.from_students(i, i + 1)[0][company]
        limit = int(self.travel.limits[i])
        ok = minutes <= limit
        if not ok.any():
            nearest = int(np.argmin(minutes))
            name = _company_name(problem, int(company[nearest]))
            return _(
                "no offer within {limit} minutes; the nearest is {minutes} minutes away ({company})"
            ).format(limit=limit, minutes=int(minutes[nearest]), company=name)
        company, first_day = company[ok], first_day[ok]
        student_ids = np.full(len(company), i, np.int32)
        if not t.age_ok(student_ids, company, first_day).any():
            return self._too_young(i, company)
        return ""

    def _too_young(self, i: int, company: I32) -> str:
        t = self.tables
        ages = t.company_min_age[company]
        easiest = int(company[int(np.argmin(ages))])  # every one here sets an age
        name = _company_name(t.problem, easiest)
        age = int(t.company_min_age[easiest])
        if t.problem.students[i].birth_date is None:
            return _(
                "no birth date given, and every possible offer sets a minimum age: "
                "{company} requires age {age}"
            ).format(company=name, age=age)
        return _("too young on every possible date: {company} requires age {age}").format(
            company=name, age=age
        )


def _offer_label(kind: Kind) -> str:
    """``BFE offer``, ``Praktikum offer``, ..., for the reasons about offers of a kind."""
    return {
        "bfe": _("BFE offer"),
        "praktikum": _("Praktikum offer"),
        "praxiskurs": _("Praxiskurs offer"),
        "langzeit": _("Langzeitpraktikum offer"),
    }[kind]


def _no_calendar(kind: Kind, grade: int) -> str:
    text = {
        "bfe": _("the school has no BFE dates for grade {grade}"),
        "praktikum": _("the school has no Praktikum window for grade {grade}"),
        "praxiskurs": _("the school has no Praxiskurs window for grade {grade}"),
        "langzeit": _("the school has no Langzeitpraktikum period for grade {grade}"),
    }[kind]
    return text.format(grade=grade)


def _not_open(offer: str, cohort: _Cohort) -> str:
    """``no BFE offer is open to grade 8 at a Gymnasium`` (the school type if given).

    English needs "a" or "an" before the school type, German a different phrase
    altogether ("an einer Schule der Schulform Gymnasium"): whole sentences each.
    """
    school_type = cohort.school_type
    if not school_type:
        text = _("no {offer} is open to grade {grade}")
    elif school_type[0].upper() in "AEIOU":
        text = _("no {offer} is open to grade {grade} at an {school_type}")
    else:
        text = _("no {offer} is open to grade {grade} at a {school_type}")
    return text.format(offer=offer, grade=cohort.grade, school_type=school_type)


def _no_dates(cohort: _Cohort, kind: Kind, days: DayIndex) -> str:
    if kind == "bfe":
        dates = [date_text(days[int(k)]) for k in cohort.bfe_days]
        if len(dates) > _MAX_LISTED_DATES:
            dates = [
                _("{first} to {last}, {n} dates").format(
                    first=dates[0], last=dates[-1], n=len(dates)
                )
            ]
        return _("no offer on a candidate date of the school ({dates})").format(
            dates=", ".join(dates)
        )
    if kind == "praxiskurs":
        return _("no Praxiskurs lies whole inside the school's window ({windows})").format(
            windows=_spans(cohort.course_rows)
        )
    if kind == "langzeit":
        return _(
            "no Langzeitpraktikum offer covers the school's period ({periods}) on "
            "weekdays the school allows"
        ).format(periods=", ".join(span_text(p.start, p.last) for p in cohort.periods))
    blocks = sorted({w.block for w in cohort.windows})
    spans = _spans(cohort.praktikum_rows)
    length = str(blocks[-1]) if blocks else "0"
    if len(blocks) > 1:
        length = _("{some} or {last}").format(
            some=", ".join(str(b) for b in blocks[:-1]), last=blocks[-1]
        )
    return ngettext(
        "no offer has {length} consecutive working day inside the school's "
        "Praktikum window ({windows})",
        "no offer has {length} consecutive working days inside the school's "
        "Praktikum window ({windows})",
        blocks[-1] if blocks else 0,
    ).format(length=length, windows=spans)


def _spans(rows: Sequence[CalendarEntry]) -> str:
    return ", ".join(span_text(r.start_date, r.last_date) for r in rows)


def _tags(tags: frozenset[str]) -> str:
    return ", ".join(sorted(tags))


def _company_name(problem: Problem, j: int) -> str:
    company = problem.companies[j]
    return company.name or company.company_id


# --------------------------------------------------------------------------
# Upper bound on BFE days per student


def max_placeable(options: Options) -> NDArray[np.int16]:
    """Most BFE days each student could get from its options, ignoring capacity.

    Exact: the size of a maximum matching of distinct candidate days to
    distinct Berufsfelder (an edge where some option has that day and field),
    capped at ``bfe_needed``. Competition for places is not considered.
    """
    n = len(options.bfe_needed)
    result = np.zeros(n, np.int16)
    bfe = options.kind == KIND_CODE["bfe"]
    n_days = max(len(options.days), 1)
    n_fields = int(options.field.max(initial=-1)) + 1
    key = options.student[bfe].astype(np.int64) * n_days + options.first_day[bfe]
    edges = np.unique(key * max(n_fields, 1) + options.field[bfe])
    field, rest = edges % max(n_fields, 1), edges // max(n_fields, 1)
    day, student = rest % n_days, rest // n_days
    bound = np.minimum(
        options.bfe_needed,
        np.minimum(_distinct_per(student, day, n), _distinct_per(student, field, n)),
    )
    result[:] = bound
    cuts = np.searchsorted(student, np.arange(n + 1))
    for i in np.flatnonzero(bound >= 2).tolist():
        lo, hi = cuts[i], cuts[i + 1]
        result[i] = _matching_size(day[lo:hi].tolist(), field[lo:hi].tolist(), bound[i])
    return result


def _distinct_per(student: NDArray[np.int64], value: NDArray[np.int64], n: int) -> I32:
    """Distinct values per student (pairs given sorted by student)."""
    pairs = np.unique(student * (int(value.max(initial=0)) + 1) + value)
    owner = pairs // (int(value.max(initial=0)) + 1)
    return np.bincount(owner, minlength=n).astype(np.int32)


def _matching_size(days: list[int], fields: list[int], cap: int) -> int:
    """Maximum matching of days to distinct fields (Kuhn), stopping at ``cap``."""
    adjacent: dict[int, list[int]] = {}
    for d, f in zip(days, fields, strict=True):
        adjacent.setdefault(d, []).append(f)
    owner: dict[int, int] = {}  # field -> the day it is matched to

    def augment(day: int, seen: set[int]) -> bool:
        for f in adjacent[day]:
            if f not in seen:
                seen.add(f)
                if f not in owner or augment(owner[f], seen):
                    owner[f] = day
                    return True
        return False

    size = 0
    for day in adjacent:
        size += augment(day, set())
        if size >= cap:
            break
    return size


# --------------------------------------------------------------------------
# Whether given placements are options (the plan check's per-row rules)


def allowed_rows(
    problem: Problem,
    student: I32,
    offer: I32,
    first: Sequence[dt.date],
    last: Sequence[dt.date],
    weekdays: Sequence[int] | None = None,
) -> NDArray[np.bool_]:
    """Per placement (student index, offer index, first and last day, and for
    a Langzeitpraktikum the weekday mask with the school's period as first and
    last day): whether :func:`build_options` allows it, by the same tables: a
    date, block, course or weekday pattern of the school's calendar inside the
    offer's dates, participants, grade and Schulform, needs and
    qualifications, age, travel. Capacity and rules across rows are not checked.
    """
    t = _Tables(problem)
    n = len(student)
    masks = np.zeros(n, np.int32) if weekdays is None else np.asarray(weekdays, np.int32)
    masks = masks.reshape(n)
    first_day = np.asarray([_day_at(t.days, d) for d in first], np.int32).reshape(n)
    last_day = np.asarray([_day_at(t.days, d) for d in last], np.int32).reshape(n)
    is_lz = t.offer_kind[offer] == KIND_CODE["langzeit"]
    for k in np.flatnonzero(is_lz).tolist():
        # The row gives the school's period: the option runs from its first to
        # its last date on the weekdays.
        inside = t.days.inside(first[k], last[k])
        on = inside[(masks[k] >> t.days.weekday[inside].astype(np.int32) & 1) == 1]
        first_day[k], last_day[k] = (on[0], on[-1]) if len(on) else (-1, -1)
    n_days = last_day - first_day + 1
    ok = (first_day >= 0) & (last_day >= first_day)
    ok &= ~is_lz | np.asarray(
        [_is_period(t, int(s), a, b) for s, a, b in zip(student, first, last, strict=True)],
        dtype=bool,
    ).reshape(n)
    ok &= t.participant[student, t.offer_kind[offer]]
    cohort = t.student_cohort[student]
    for c in np.unique(cohort[ok & (cohort >= 0)]).tolist():
        rows = np.flatnonzero(ok & (cohort == c))
        slots: set[tuple[int, int, int, int]] = set()
        for kind in KIND_CODE:
            found = t.slots(t.cohorts[c], kind, t.open_offers(t.cohorts[c], kind))
            slots |= set(zip(*(part.tolist() for part in found), strict=True))
        ok[rows] = np.asarray(
            [
                (int(offer[k]), int(first_day[k]), int(n_days[k]), int(masks[k])) in slots
                for k in rows.tolist()
            ],
            dtype=bool,
        )
    ok &= cohort >= 0
    company = t.offer_company[offer]
    ok &= t.tags_ok(student, company)
    ok[ok] &= t.age_ok(student[ok], company[ok], first_day[ok])
    travel = TravelTimes(problem)
    return ok & (travel.of_pairs(student, company) <= travel.limits[student])


def _is_period(t: _Tables, student: int, first: dt.date, last: dt.date) -> bool:
    """Whether ``first`` .. ``last`` is the Langzeitpraktikum period of the
    student's school and grade."""
    c = int(t.student_cohort[student])
    return c >= 0 and any((p.start, p.last) == (first, last) for p in t.cohorts[c].periods)


def _day_at(days: _Days, day: dt.date) -> int:
    """The index of a working day in the horizon, or -1."""
    k = int(np.searchsorted(days.ordinal, day.toordinal()))
    return k if k < len(days.ordinal) and int(days.ordinal[k]) == day.toordinal() else -1
