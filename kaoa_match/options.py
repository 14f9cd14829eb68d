"""Eligibility: which (student, offer, day or block) options obey every hard rule
except capacity, apart pairs and locked rows, and why a student has none.

INTERFACE CONTRACT (the solver relies on it; keep it stable):

``build_options(problem) -> Options``. Arrays of one option each, aligned, all
numpy, sorted by (student, kind, first_day, offer):

- ``student``  int32, index into ``problem.students``
- ``offer``    int32, index into ``problem.offers``
- ``company``  int32, index into ``problem.companies``
- ``field``    int32, index into ``problem.fields``
- ``kind``     int8, 0 = bfe, 1 = praktikum
- ``first_day`` int32, index into ``days`` (a :class:`DayIndex` over every
  working day of the problem's horizon): the BFE day, or the first working
  day of the Praktikum block
- ``n_days``   int16, 1 for bfe, the block length in working days for praktikum
  (the block covers ``first_day .. first_day + n_days - 1``)
- ``travel_min`` int32, whole minutes
- ``score``    int16, the student's interest score for the field (0 if none)

plus per student (length ``len(problem.students)``):

- ``bfe_needed``  int16: BFE days the student needs (0 when no bfe calendar row)
- ``praktikum_needed`` int8: 1 when the student needs a Praktikum block
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
from kaoa_match.i18n import _, date_text, ngettext
from kaoa_match.travel import TravelTimes, reachable_pairs

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Sequence

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

KIND_CODE: dict[Kind, int] = {"bfe": 0, "praktikum": 1}
"""The ``Options.kind`` code of each kind of placement this version plans
(:data:`~kaoa_match.model.PLANNED_KINDS`); offers of the other kinds have no
options (their ``offer_kind`` is :data:`UNPLANNED`)."""
UNPLANNED = -1
"""The offer-kind code of a ``praxiskurs`` or ``langzeit`` offer: read and
checked, never an option of this version's plan."""

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
    bfe_needed: NDArray[np.int16]
    praktikum_needed: NDArray[np.int8]
    top_fields: list[frozenset[int]]
    days: DayIndex
    working: WorkingDays
    no_option_reason: dict[tuple[int, str], str]

    def __len__(self) -> int:
        return len(self.student)


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
    rows and offers of the planned kinds (a Langzeitpraktikum period of a
    whole school year leaves the plan's days as they are)."""
    calendar = [e for e in problem.calendar if e.kind in KIND_CODE]
    offers = [o for o in problem.offers if o.kind in KIND_CODE]
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

    def needs(self, kind: Kind) -> bool:
        if kind == "bfe":
            return self.bfe_needed > 0 and len(self.bfe_rows) > 0
        return kind == "praktikum" and len(self.windows) > 0


class _Days:
    """Dates <-> day indices of the horizon, vectorised."""

    def __init__(self, days: DayIndex) -> None:
        self.index = days
        self.ordinal = np.asarray([d.toordinal() for d in days.days], dtype=np.int64)
        # YYYYMMDD integers: (day - birth) // 10000 is the age in whole years.
        self.ymd = np.asarray(
            [d.year * 10000 + d.month * 100 + d.day for d in days.days], dtype=np.int32
        )

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
    return _Cohort(
        school_id=school_id,
        grade=grade,
        school_type=school_type,
        bfe_rows=bfe_rows,
        praktikum_rows=pr_rows,
        bfe_days=bfe_days.astype(np.int32),
        bfe_needed=max((r.needed_days for r in bfe_rows), default=0),
        windows=windows,
    )


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

    def _offer_arrays(self, problem: Problem) -> None:
        company_index = {c.company_id: j for j, c in enumerate(problem.companies)}
        field_index = {f.field_id: j for j, f in enumerate(problem.fields)}
        offers = problem.offers
        self.offer_kind = np.asarray(
            [KIND_CODE.get(o.kind, UNPLANNED) for o in offers], dtype=np.int8
        )
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
            if entry.kind not in KIND_CODE:
                continue  # read and checked; not planned by this version
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

    def slots(self, cohort: _Cohort, kind: Kind, offers: I32) -> tuple[I32, I32, I32]:
        """(offer, first_day, n_days) of each date or block that fits the cohort."""
        if kind == "bfe":
            return self._bfe_slots(cohort.bfe_days, offers)
        parts = [self._block_slots(w, offers) for w in cohort.windows]
        empty = np.zeros(0, np.int32)
        return (
            np.concatenate([empty, *(p[0] for p in parts)]),
            np.concatenate([empty, *(p[1] for p in parts)]),
            np.concatenate([empty, *(p[2] for p in parts)]),
        )

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


def _slot_table(tables: _Tables) -> _Slots:
    n_companies = len(tables.problem.companies)
    parts: list[tuple[I32, I32, I32, I32]] = []
    for c, cohort in enumerate(tables.cohorts):
        for kind in KIND_CODE:
            if cohort.needs(kind):
                offer, first, n = tables.slots(cohort, kind, tables.open_offers(cohort, kind))
                parts.append((np.full(len(offer), c, np.int32), offer, first, n))
    empty = np.zeros(0, np.int32)
    cohort_of, offer, first, n = (np.concatenate([empty, *(p[k] for p in parts)]) for k in range(4))
    key = cohort_of.astype(np.int64) * n_companies + tables.offer_company[offer]
    order = np.argsort(key, kind="stable")
    # A dense table (cohorts x companies) makes each pair's look-up one index.
    every_key = np.arange(len(tables.cohorts) * n_companies + 1, dtype=np.int64)
    start = np.searchsorted(key[order], every_key, side="left").astype(np.int64)
    return _Slots(start, offer[order], first[order], n[order])


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
    kept = np.flatnonzero(tables.age_ok(student, pairs.company[pair], first_day))
    pair, slot, student, first_day = pair[kept], slot[kept], student[kept], first_day[kept]
    offer = slots.offer[slot]
    kind = tables.offer_kind[offer]
    # (student, kind, first_day, offer) as one integer key.
    key = student.astype(np.int64) * 2 + kind
    key = (key * max(len(tables.days.index), 1) + first_day) * max(len(tables.offer_kind), 1)
    order = np.argsort(key + offer)
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
    bfe_needed, praktikum_needed = _needed(tables)
    options = Options(
        **arrays,
        bfe_needed=bfe_needed,
        praktikum_needed=praktikum_needed,
        top_fields=top_fields(scores),
        days=tables.days.index,
        working=tables.working,
        no_option_reason={},
    )
    options.no_option_reason.update(_reasons(tables, options))
    return options


def _needed(tables: _Tables) -> tuple[NDArray[np.int16], NDArray[np.int8]]:
    """Per student: BFE days needed, and 1 if a Praktikum block is needed."""
    bfe = np.asarray([c.bfe_needed if c.needs("bfe") else 0 for c in tables.cohorts])
    pr = np.asarray([1 if c.needs("praktikum") else 0 for c in tables.cohorts])
    cohort = tables.student_cohort
    has = cohort >= 0
    bfe_needed = np.zeros(len(cohort), np.int16)
    praktikum_needed = np.zeros(len(cohort), np.int8)
    bfe_needed[has] = bfe[cohort[has]]
    praktikum_needed[has] = pr[cohort[has]]
    return bfe_needed, praktikum_needed


def _reasons(tables: _Tables, options: Options) -> dict[tuple[int, str], str]:
    """Why each student who needs a kind of placement has no option of it."""
    n = len(options.bfe_needed)
    needed = {"bfe": options.bfe_needed > 0, "praktikum": options.praktikum_needed > 0}
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
        self._by_cohort: dict[tuple[int, Kind], str | tuple[I32, I32, I32]] = {}

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

    def _cohort_steps(self, cohort: _Cohort, kind: Kind) -> str | tuple[I32, I32, I32]:
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

    def _student_steps(self, i: int, offer: I32, first_day: I32, n_days: I32) -> str:
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
    """``BFE offer`` or ``Praktikum offer``, for the reasons about offers of a kind."""
    return _("BFE offer") if kind == "bfe" else _("Praktikum offer")


def _no_calendar(kind: Kind, grade: int) -> str:
    if kind == "bfe":
        return _("the school has no BFE dates for grade {grade}").format(grade=grade)
    return _("the school has no Praktikum window for grade {grade}").format(grade=grade)


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
    blocks = sorted({w.block for w in cohort.windows})
    spans = ", ".join(
        _("{first} to {last}").format(first=date_text(r.start_date), last=date_text(r.last_date))
        for r in cohort.praktikum_rows
    )
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
) -> NDArray[np.bool_]:
    """Per placement (student index, offer index, first and last day): whether
    :func:`build_options` allows it, by the same tables: a date or block of the
    school's calendar inside the offer's dates, grade and Schulform, needs and
    qualifications, age, travel. Capacity and rules across rows are not checked.
    """
    t = _Tables(problem)
    n = len(student)
    first_day = np.asarray([_day_at(t.days, d) for d in first], np.int32).reshape(n)
    n_days = np.asarray(
        [len(t.working.between(a, b)) for a, b in zip(first, last, strict=True)], np.int32
    ).reshape(n)
    ok = first_day >= 0
    ends = first_day + n_days - 1
    ok &= np.asarray([_day_at(t.days, d) for d in last], np.int32).reshape(n) == ends
    cohort = t.student_cohort[student]
    for c in np.unique(cohort[ok & (cohort >= 0)]).tolist():
        rows = np.flatnonzero(ok & (cohort == c))
        fits = np.zeros(len(rows), dtype=bool)
        for kind, code in KIND_CODE.items():
            slot_offer, slot_first, slot_days = t.slots(
                t.cohorts[c], kind, t.open_offers(t.cohorts[c], kind)
            )
            slots = set(
                zip(slot_offer.tolist(), slot_first.tolist(), slot_days.tolist(), strict=True)
            )
            of_kind = t.offer_kind[offer[rows]] == code
            fits |= of_kind & np.asarray(
                [
                    (int(o), int(f), int(d)) in slots
                    for o, f, d in zip(offer[rows], first_day[rows], n_days[rows], strict=True)
                ],
                dtype=bool,
            )
        ok[rows] = fits
    ok &= cohort >= 0
    company = t.offer_company[offer]
    ok &= t.tags_ok(student, company)
    ok[ok] &= t.age_ok(student[ok], company[ok], first_day[ok])
    travel = TravelTimes(problem)
    return ok & (travel.of_pairs(student, company) <= travel.limits[student])


def _day_at(days: _Days, day: dt.date) -> int:
    """The index of a working day in the horizon, or -1."""
    k = int(np.searchsorted(days.ordinal, day.toordinal()))
    return k if k < len(days.ordinal) and int(days.ordinal[k]) == day.toordinal() else -1
