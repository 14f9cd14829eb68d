"""The decision variables: one Boolean per candidate option kept in the model.

Variable ``i`` of the CP-SAT model is candidate ``i`` here; auxiliary
variables (fairness, together) come after them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

import numpy as np

from kaoa_match.options import weekday_mask

if TYPE_CHECKING:
    from dataclasses import Field

    from numpy.typing import NDArray

    from kaoa_match.model import Problem
    from kaoa_match.options import Options
    from kaoa_match.wishes import WishTable

BFE, PRAKTIKUM, COURSE, LANGZEIT = 0, 1, 2, 3
"""The ``kind`` codes of ``options.KIND_CODE``: a BFE day, a Praktikum block,
a Praxiskurs (a course) and a Langzeitpraktikum."""


def _no_days() -> NDArray[np.int64]:
    return np.zeros(0, dtype=np.int64)


@dataclass(frozen=True)
class Candidates:
    """The options kept in the model, as aligned arrays (see ``options.py``)."""

    source: NDArray[np.int64]  # index into the full Options
    student: NDArray[np.int64]
    offer: NDArray[np.int64]
    company: NDArray[np.int64]
    field: NDArray[np.int64]
    kind: NDArray[np.int64]
    first_day: NDArray[np.int64]
    n_days: NDArray[np.int64]
    travel: NDArray[np.int64]
    score: NDArray[np.int64]
    weekdays: NDArray[np.int64]  # a Langzeitpraktikum's weekday mask (bit 0 Monday), else 0
    # Not per candidate: the weekday (0 Monday) of each day index of the
    # horizon, to expand a Langzeitpraktikum into its dates.
    # (dataclasses.field: the name ``field`` is the Berufsfeld column here)
    day_weekday: NDArray[np.int64] = dataclasses.field(default_factory=_no_days)

    @classmethod
    def from_options(cls, options: Options, keep: NDArray[np.bool_]) -> Candidates:
        source = np.flatnonzero(keep).astype(np.int64)
        every = len(source) == len(keep)  # no gather: columns of 20 M+ options cost seconds

        def take(column: NDArray[np.generic]) -> NDArray[np.int64]:
            values = np.asarray(column)
            return (values if every else values[source]).astype(np.int64)

        return cls(
            source=source,
            student=take(options.student),
            offer=take(options.offer),
            company=take(options.company),
            field=take(options.field),
            kind=take(options.kind),
            first_day=take(options.first_day),
            n_days=take(options.n_days),
            travel=take(options.travel_min),
            score=take(options.score),
            weekdays=take(options.weekdays),
            day_weekday=np.asarray([d.weekday() for d in options.days.days], dtype=np.int64),
        )

    def __len__(self) -> int:
        return len(self.source)

    def take(self, positions: NDArray[np.int64]) -> Candidates:
        """The candidates at ``positions``, in that order."""
        columns = {f.name: getattr(self, f.name)[positions] for f in _per_candidate()}
        return Candidates(**columns, day_weekday=self.day_weekday)

    @classmethod
    def concat(cls, parts: list[Candidates]) -> Candidates:
        columns = {
            f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in _per_candidate()
        }
        return cls(**columns, day_weekday=parts[0].day_weekday if parts else _no_days())

    def expand_days(self) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """Every (candidate, working day) it occupies: a BFE day, each day of a
        block or course, or each date of a Langzeitpraktikum (its weekdays from
        its first to its last date; the pause during a Praktikum block is the
        date rule's business, see ``constraints.one_place_per_day``)."""
        owner = np.repeat(np.arange(len(self), dtype=np.int64), self.n_days)
        starts = np.repeat(np.cumsum(self.n_days) - self.n_days, self.n_days)
        day = self.first_day[owner] + (np.arange(len(owner), dtype=np.int64) - starts)
        lz = self.kind[owner] == LANGZEIT
        if lz.any():
            on = self.weekdays[owner[lz]] >> self.day_weekday[day[lz]] & 1
            keep = ~lz
            keep[np.flatnonzero(lz)[on == 1]] = True
            owner, day = owner[keep], day[keep]
        return owner, day

    def days_of(self, i: int) -> list[int]:
        """The day indices candidate ``i`` occupies (see :meth:`expand_days`)."""
        first = int(self.first_day[i])
        days = range(first, first + int(self.n_days[i]))
        if self.kind[i] != LANGZEIT:
            return list(days)
        mask = int(self.weekdays[i])
        return [d for d in days if mask >> int(self.day_weekday[d]) & 1]


def _per_candidate() -> list[Field[object]]:
    return [f for f in fields(Candidates) if f.name != "day_weekday"]


@dataclass(frozen=True)
class WishMatches:
    """Which candidates grant which wish: aligned pairs of a candidate position
    (``option``) and a wish (``wish``, an index into ``weight``, the points of
    each wish of the problem's :class:`~kaoa_match.wishes.WishTable`)."""

    option: NDArray[np.int64]
    wish: NDArray[np.int64]
    weight: NDArray[np.int64]

    @classmethod
    def none(cls) -> WishMatches:
        empty = np.zeros(0, dtype=np.int64)
        return cls(empty, empty, empty)

    @classmethod
    def of(cls, table: WishTable, cand: Candidates | Options) -> WishMatches:
        """The matches over candidates, or over every option (positions are
        then option indices)."""
        option, wish = table.matches(cand.student, cand.offer, cand.company, cand.field)
        return cls(option, wish, table.weight)

    def option_points(self, n_options: int) -> NDArray[np.int64]:
        """Per candidate: the points of every wish it grants (a wish granted
        twice counts twice here, so this only bounds the level from above)."""
        points = np.bincount(self.option, weights=self.weight[self.wish], minlength=n_options)
        return points.astype(np.int64)

    def value(self, plan: NDArray[np.bool_]) -> int:
        """The ``wishes`` level of ``plan`` (a 0/1 mask over the candidates)."""
        granted = np.unique(self.wish[plan[self.option]])
        return int(self.weight[granted].sum())

    def granted(self, plan: NDArray[np.bool_]) -> NDArray[np.bool_]:
        """Per wish: whether ``plan`` grants it."""
        done = np.zeros(len(self.weight), dtype=bool)
        done[self.wish[plan[self.option]]] = True
        return done


def block_days(first: NDArray[np.integer], length: NDArray[np.integer]) -> NDArray[np.int64]:
    """Day indices of each option, one row per option: a row walks the block's
    days from ``first``, and a shorter block repeats its last day (a BFE option
    is one day), so that ``(... > 0).all(axis=1)`` tests every day of a block."""
    first, length = first.astype(np.int64), length.astype(np.int64)
    steps = np.arange(int(length.max(initial=1)), dtype=np.int64)
    return first[:, None] + np.minimum(steps[None, :], length[:, None] - 1)


def option_keys(
    student: NDArray[np.int64],
    offer: NDArray[np.int64],
    first_day: NDArray[np.int64],
    n_offers: int,
    n_days: int,
) -> NDArray[np.int64]:
    """One int64 per (student, offer, first day): the identity of a placement."""
    return (student * n_offers + offer) * (n_days + 1) + first_day


@dataclass(frozen=True)
class PreviousMatch:
    """Rows of ``previous.csv`` mapped onto full-option indices (-1 = no option)."""

    option: NDArray[np.int64]
    locked: NDArray[np.bool_]


def match_previous(problem: Problem, options: Options) -> PreviousMatch:
    """Find, for each previous row, the option that places it again unchanged."""
    if not problem.previous:  # the first plan of a term: skip sorting every option
        return PreviousMatch(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool))
    student_index = {s.student_id: i for i, s in enumerate(problem.students)}
    offer_index = {o.offer_id: j for j, o in enumerate(problem.offers)}
    n_offers, n_days = len(problem.offers), len(options.days)
    full_keys = option_keys(
        np.asarray(options.student, np.int64),
        np.asarray(options.offer, np.int64),
        np.asarray(options.first_day, np.int64),
        n_offers,
        n_days,
    )
    order = np.argsort(full_keys, kind="stable")
    sorted_keys = full_keys[order]

    matched = np.full(len(problem.previous), -1, dtype=np.int64)
    langzeit = _langzeit_options(options)
    for r, row in enumerate(problem.previous):
        s, o = student_index.get(row.student_id), offer_index.get(row.offer_id)
        if row.kind == "langzeit":
            # Its row gives the school's period, which the option's dates lie in.
            mask = weekday_mask(row.weekdays)
            matched[r] = langzeit.get((s, o, mask), -1) if s is not None else -1
            continue
        day = options.days.index_of(row.start_date)
        if s is None or o is None or day is None:
            continue
        key = (s * n_offers + o) * (n_days + 1) + day  # as option_keys()
        pos = int(np.searchsorted(sorted_keys, key))
        if pos < len(sorted_keys) and sorted_keys[pos] == key:
            candidate = int(order[pos])
            last = options.days[int(options.first_day[candidate] + options.n_days[candidate] - 1)]
            if last == (row.end_date or row.start_date):
                matched[r] = candidate
    locked = np.asarray([row.status == "locked" for row in problem.previous], bool)
    return PreviousMatch(matched, locked)


def _langzeit_options(options: Options) -> dict[tuple[int, int | None, int], int]:
    """(student, offer, weekday mask) -> the Langzeitpraktikum option (a student
    has at most one period, so this names one option)."""
    lz = np.flatnonzero(np.asarray(options.kind) == LANGZEIT)
    keys = zip(
        options.student[lz].tolist(),
        options.offer[lz].tolist(),
        options.weekdays[lz].tolist(),
        strict=True,
    )
    return {key: int(i) for key, i in zip(keys, lz.tolist(), strict=True)}
