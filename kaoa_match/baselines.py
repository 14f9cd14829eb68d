"""Reference methods to compare the optimiser against: today's portal booking.

An online BFE portal works first come, first served: students log in one
after another, in an order nobody plans, and each books what is still free.
:func:`portal_plan` simulates one such arrival order; :func:`portal_baseline`
averages the contract's objective values over several random orders.

Every booking obeys every hard rule of the contract (eligibility, dates,
capacity per day, one field and one booking per day, one Praktikum block,
``apart`` pairs, locked rows), so a portal plan is a valid plan; it is only
never revised once booked. A group with a minimum size (``offers.min_group``)
that has too few bookings when everyone has booked is cancelled, as a Träger
would cancel it: its students book again, in their arrival order, from what
is still free. A student with wishes (``wishes.csv``) books them first, in
rank order, where a place is free, as students do in the portals; the best
free places fill the rest.

The portal books BFE days and Praktikum blocks only: Praxiskurse and
Langzeitpraktika are booked elsewhere today, so a portal plan holds none of
them. :func:`kind_by_kind_plan` adds them as a KoKo does today, kind by kind,
after the portal: Praxiskurse first come first served on courses with free
seats (in the same arrival order), then the Langzeitpraktikum arranged by the
school with the nearest company that has room on the weekdays. Neither
booking sees the student's dates of the other kinds, so it books date
clashes the joint plan never has; :func:`date_clashes` counts them.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kaoa_match.exceptions import LockedConflictError
from kaoa_match.model import WISH_RANKS
from kaoa_match.options import KIND_CODE, build_options
from kaoa_match.solvers.locked import unplaceable_locked_rows
from kaoa_match.solvers.result import assignment_table
from kaoa_match.solvers.variables import Candidates, WishMatches, block_days, match_previous
from kaoa_match.wishes import WishTable

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from kaoa_match.model import Problem
    from kaoa_match.options import Options

__all__ = [
    "BaselineResult",
    "date_clashes",
    "kind_by_kind_plan",
    "portal_baseline",
    "portal_plan",
]

PER_ORDER_COLUMNS = [
    "order",
    "coverage",
    "fairness",
    "wishes",
    "interest",
    "travel",
    "students_short",
    *(f"short_{kind}" for kind in KIND_CODE),
]
"""The columns of :attr:`BaselineResult.per_order`."""

_I64 = np.int64
_NONE = np.iinfo(np.int64).max  # sort key of an option that cannot be booked
# Rounds of cancelling groups below their minimum and rebooking their
# students; bookings still in too small a group after them are dropped.
_REBOOKING_ROUNDS = 5


@dataclass(frozen=True)
class BaselineResult:
    """The portal's objective values, averaged over ``orders`` arrival orders.

    ``coverage`` (BFE days plus Praktikum blocks), ``fairness``, ``wishes``,
    ``interest`` and ``travel`` (minutes) are the contract's levels of the
    portal's bookings. ``students_short`` counts students short of at least
    one placement of any kind, as a plan's ``students_short`` does (Praxiskurse
    and Langzeitpraktika as booked kind by kind, see :func:`kind_by_kind_plan`);
    ``short_by_kind`` the students short of a placement of each kind some
    student needs. ``per_order`` has one row per order with the same values
    (columns :data:`PER_ORDER_COLUMNS`, ``short_<kind>`` per kind).
    """

    orders: int
    coverage: float
    fairness: float
    interest: float
    travel: float
    students_short: float
    per_order: pd.DataFrame
    wishes: float = 0.0
    granted_by_rank: dict[int, float] = field(default_factory=dict)
    """Mean wishes granted per rank (1-5), over the orders."""
    courses: float = 0.0
    """Mean Praxiskurse booked kind by kind after the portal (see :func:`kind_by_kind_plan`)."""
    langzeit: float = 0.0
    """Mean Langzeitpraktika arranged kind by kind after the portal."""
    clashes: float = 0.0
    """Mean dates on which the kind-by-kind booking puts a student in two places."""
    students_clashing: float = 0.0
    """Mean students with at least one such date."""
    short_by_kind: dict[str, float] = field(default_factory=dict)
    """Mean students short of a placement, per kind needed (``bfe``, ``praktikum``, ...)."""


def portal_plan(problem: Problem, rng: np.random.Generator) -> pd.DataFrame:
    """The assignments of one random arrival order (``plan.ASSIGNMENT_COLUMNS``).

    The problem is assumed valid (see :mod:`kaoa_match.validation`). Raises
    :class:`~kaoa_match.exceptions.LockedConflictError` when locked rows of
    ``previous.csv`` break a rule on their own or overfill an offer.
    """
    opts = build_options(problem)
    portal = _Portal(problem, opts)
    chosen = portal.run(rng.permutation(len(problem.students)))
    return _table(problem, opts, chosen)


def portal_baseline(
    problem: Problem, orders: int = 5, seed: int = 0, *, opts: Options | None = None
) -> BaselineResult:
    """The portal's values, averaged over ``orders`` random arrival orders.

    Order ``k`` is the ``k``-th permutation drawn from
    ``numpy.random.default_rng(seed)``, so order 0 is the plan of
    ``portal_plan(problem, numpy.random.default_rng(seed))``. Options are
    built once and shared by all orders; ``opts``, if given, must be
    ``build_options(problem)`` (say, from the solve of the same problem).
    """
    if orders < 1:
        raise ValueError(f"orders must be at least 1, got {orders}")
    if opts is None:
        opts = build_options(problem)
    portal = _Portal(problem, opts)
    rng = np.random.default_rng(seed)
    rows = []
    granted = np.zeros(len(portal.wishes.weight), dtype=np.int64)
    later = _LaterKinds(problem, opts) if _needs_later_kinds(opts) else None
    kinds = np.zeros((orders, 4), dtype=_I64)  # courses, langzeit, clashes, students
    for k in range(orders):
        order = rng.permutation(len(problem.students))
        chosen = portal.run(order)
        plan = np.zeros(len(opts), dtype=bool)
        plan[chosen] = True
        granted += portal.wishes.granted(plan)
        every = chosen
        if later is not None:
            courses, langzeit = later.run(order)
            every = np.concatenate([chosen, courses, langzeit])
            clashes = later.clashes(every)
            kinds[k] = (len(courses), len(langzeit), sum(clashes.values()), len(clashes))
        # Students short over every kind, as in a plan; the levels are the portal's.
        short = _short_by_kind(opts, every)
        union = np.logical_or.reduce(list(short.values()))
        rows.append(
            {
                "order": k,
                **_values(opts, chosen, portal.wishes),
                "students_short": int(union.sum()),
                **{f"short_{kind}": int(v.sum()) for kind, v in short.items()},
            }
        )
    rank = WISH_RANKS.stop - portal.wishes.weight
    per_order = pd.DataFrame(rows, columns=PER_ORDER_COLUMNS)
    mean = per_order.mean()
    return BaselineResult(
        orders=orders,
        coverage=float(mean["coverage"]),
        fairness=float(mean["fairness"]),
        interest=float(mean["interest"]),
        travel=float(mean["travel"]),
        students_short=float(mean["students_short"]),
        per_order=per_order,
        wishes=float(mean["wishes"]),
        granted_by_rank={r: float(granted[rank == r].sum()) / orders for r in WISH_RANKS},
        courses=float(kinds[:, 0].mean()),
        langzeit=float(kinds[:, 1].mean()),
        clashes=float(kinds[:, 2].mean()),
        students_clashing=float(kinds[:, 3].mean()),
        short_by_kind={
            kind: float(mean[f"short_{kind}"])
            for kind in KIND_CODE
            if np.asarray(opts.needed(kind)).any()
        },
    )


def kind_by_kind_plan(problem: Problem, rng: np.random.Generator) -> pd.DataFrame:
    """The assignments of one random arrival order booked kind by kind, as a
    KoKo does today: the BFE portal (:func:`portal_plan`, the same plan for
    the same ``rng``), then the Praxiskurse, then the Langzeitpraktikum (see
    the module docstring). The plan may break the date rule across kinds
    (:func:`date_clashes`); every other rule holds."""
    opts = build_options(problem)
    order = rng.permutation(len(problem.students))
    chosen = _Portal(problem, opts).run(order)
    if _needs_later_kinds(opts):
        courses, langzeit = _LaterKinds(problem, opts).run(order)
        chosen = np.sort(np.concatenate([chosen, courses, langzeit]))
    return _table(problem, opts, chosen)


def date_clashes(problem: Problem, assignments: pd.DataFrame) -> dict[str, int]:
    """Per student with any: the dates on which a plan puts the student in two
    places (a Langzeitpraktikum pauses during the Praktikum block, so those
    dates do not count)."""
    from kaoa_match.plan_rules import broken_rules

    counts: dict[str, int] = {}
    for message in broken_rules(problem, assignments):
        if message.startswith("[one-place-a-day] student "):
            sid = message.split()[2].rstrip(":")
            counts[sid] = counts.get(sid, 0) + 1
    return counts


def _needs_later_kinds(opts: Options) -> bool:
    return bool(np.asarray(opts.courses_needed).any() or np.asarray(opts.langzeit_needed).any())


class _LaterKinds:
    """The Praxiskurs booking and the Langzeitpraktikum arranged by the school,
    after the portal, each blind to the other kinds' dates."""

    def __init__(self, problem: Problem, opts: Options) -> None:
        self.opts = opts
        self.every = Candidates.from_options(opts, np.ones(len(opts), dtype=bool))
        self.bounds = np.searchsorted(opts.student, np.arange(len(problem.students) + 1))
        self.capacity = np.asarray([o.capacity for o in problem.offers], dtype=_I64)
        self.minimum = np.asarray([o.smallest_group for o in problem.offers], dtype=_I64)

    def run(self, order: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """The course and Langzeitpraktikum options booked in arrival ``order``."""
        return self._courses(order), self._langzeit(order)

    def _of_kind(self, s: int, code: int) -> NDArray[np.int64]:
        lo, hi = int(self.bounds[s]), int(self.bounds[s + 1])
        mine = np.arange(lo, hi, dtype=_I64)
        return mine[self.every.kind[lo:hi] == code]

    def _courses(self, order: NDArray[np.int64]) -> NDArray[np.int64]:
        """Each participant in turn books the best courses with a free seat
        (highest score, then nearest, then earliest), in distinct Berufsfelder
        on dates apart; a course below its minimum group is cancelled at the
        end (its students keep their other courses)."""
        e = self.every
        seats = self.capacity.copy()
        booked: list[int] = []
        for s in order.tolist():
            needed = int(self.opts.courses_needed[s])
            if not needed:
                continue
            mine = self._of_kind(s, KIND_CODE["praxiskurs"])
            ranked = sorted(
                mine.tolist(), key=lambda i: (-e.score[i], e.travel[i], e.first_day[i], e.offer[i])
            )
            days: set[int] = set()
            fields: set[int] = set()
            for i in ranked:
                if needed == 0:
                    break
                course_days = set(e.days_of(i))
                if (
                    seats[e.offer[i]] > 0
                    and int(e.field[i]) not in fields
                    and not days & course_days
                ):
                    seats[e.offer[i]] -= 1
                    days |= course_days
                    fields.add(int(e.field[i]))
                    booked.append(i)
                    needed -= 1
        load = np.bincount(e.offer[booked], minlength=len(self.capacity))
        kept = [i for i in booked if load[e.offer[i]] >= self.minimum[e.offer[i]]]
        return np.asarray(kept, dtype=_I64)

    def _langzeit(self, order: NDArray[np.int64]) -> NDArray[np.int64]:
        """Each participant in turn: the nearest company with room on each of
        the weekdays (then the highest score, then offer order)."""
        e = self.every
        taken = np.zeros((len(self.capacity), 5), dtype=_I64)  # per offer and weekday
        booked: list[int] = []
        for s in order.tolist():
            if not int(self.opts.langzeit_needed[s]):
                continue
            mine = self._of_kind(s, KIND_CODE["langzeit"])
            for i in sorted(mine.tolist(), key=lambda i: (e.travel[i], -e.score[i], e.offer[i])):
                weekdays = [k for k in range(5) if int(e.weekdays[i]) >> k & 1]
                if all(taken[e.offer[i], k] < self.capacity[e.offer[i]] for k in weekdays):
                    taken[e.offer[i], weekdays] += 1
                    booked.append(i)
                    break
        return np.asarray(booked, dtype=_I64)

    def clashes(self, chosen: NDArray[np.int64]) -> dict[int, int]:
        """Per student with any: dates with two placements (a Langzeitpraktikum
        pauses during the Praktikum block)."""
        e = self.every
        other: dict[tuple[int, int], int] = {}
        block: set[tuple[int, int]] = set()
        langzeit: list[tuple[int, int]] = []
        for i in chosen.tolist():
            s, kind = int(e.student[i]), int(e.kind[i])
            for d in e.days_of(i):
                if kind == KIND_CODE["langzeit"]:
                    langzeit.append((s, d))
                    continue
                other[(s, d)] = other.get((s, d), 0) + 1
                if kind == KIND_CODE["praktikum"]:
                    block.add((s, d))
        counts: dict[int, int] = {}
        bad = {key for key, n in other.items() if n > 1}
        bad |= {key for key in langzeit if key in other and key not in block}
        for s, _day in bad:
            counts[s] = counts.get(s, 0) + 1
        return counts


def _table(problem: Problem, opts: Options, chosen: NDArray[np.int64]) -> pd.DataFrame:
    keep = np.zeros(len(opts), dtype=bool)
    keep[chosen] = True
    cand = Candidates.from_options(opts, keep)
    return assignment_table(problem, opts, cand, np.arange(len(cand), dtype=_I64))


def _values(opts: Options, chosen: NDArray[np.int64], wishes: WishMatches) -> dict[str, int]:
    """The contract's levels of the chosen options (students short: the caller's)."""
    plan = np.zeros(len(opts), dtype=bool)
    plan[chosen] = True
    student = opts.student[chosen]
    pairs = zip(student.tolist(), opts.field[chosen].tolist(), strict=True)
    in_top = {s for s, f in pairs if f in opts.top_fields[s]}
    return {
        "coverage": len(chosen),
        "fairness": len(in_top),
        "wishes": wishes.value(plan),
        "interest": int(opts.score[chosen].sum(dtype=_I64)),
        "travel": int(opts.travel_min[chosen].sum(dtype=_I64)),
    }


def _short_by_kind(opts: Options, chosen: NDArray[np.int64]) -> dict[str, NDArray[np.bool_]]:
    """Per kind: which students got fewer placements of it than they need."""
    n = len(opts.bfe_needed)
    student, kind = opts.student[chosen], opts.kind[chosen]
    return {
        name: np.bincount(student[kind == code], minlength=n) < opts.needed(name)
        for name, code in KIND_CODE.items()
    }


@dataclass
class _Booked:
    """What one student holds so far: day indices, BFE fields, counts."""

    days: set[int]
    fields: set[int]
    bfe: int = 0
    block: bool = False
    options: set[int] = field(default_factory=set)


class _Portal:
    """First come, first served booking over the options of one problem.

    Places are counted per (offer, day) in one flat array, index
    ``offer * n_days + day``, so a Praktikum block is one contiguous slice.
    """

    def __init__(self, problem: Problem, opts: Options) -> None:
        self.opts = opts
        self.n_days = max(len(opts.days), 1)
        n_students = len(problem.students)
        self.bounds = np.searchsorted(opts.student, np.arange(n_students + 1)).astype(_I64)
        capacity = np.asarray([o.capacity for o in problem.offers], dtype=_I64)
        self.capacity = np.repeat(capacity, self.n_days)
        minimum = [o.smallest_group if o.kind == "bfe" else 1 for o in problem.offers]
        self.minimum = np.repeat(np.asarray(minimum, dtype=_I64), self.n_days)
        self.n_offers = max(len(problem.offers), 1)
        self.offer_ids = [o.offer_id for o in problem.offers]
        self.max_travel = int(opts.travel_min.max(initial=0)) + 1
        self.partners = _apart_partners(problem)
        portal = np.asarray(opts.kind) <= KIND_CODE["praktikum"]  # see the module docstring
        self.locked = _locked_options(problem, opts)
        self.locked = self.locked[portal[self.locked]]
        self.wishes = WishMatches.of(WishTable.of(problem), opts)
        # Per student: the options of each wish, in rank order.
        self.wished: dict[int, list[NDArray[np.int64]]] = {}
        table_student = np.asarray(opts.student, _I64)
        by_rank = np.argsort(-self.wishes.weight[self.wishes.wish], kind="stable")
        for w in dict.fromkeys(self.wishes.wish[by_rank].tolist()):
            options = self.wishes.option[self.wishes.wish == w]
            options = options[portal[options]]
            if len(options) == 0:
                continue
            self.wished.setdefault(int(table_student[options[0]]), []).append(options)
        # The bookings of the current run (reset by ``run``).
        self.free = self.capacity.copy()
        self.booked: dict[int, _Booked] = {}
        self.slots: dict[int, set[int]] = {}  # student -> company * n_days + day
        self.chosen: list[int] = []

    def run(self, order: NDArray[np.int64]) -> NDArray[np.int64]:
        """The options booked when students arrive in ``order`` (student indices)."""
        self.free = self.capacity.copy()
        self.booked, self.slots, self.chosen = {}, {}, []
        for i in self.locked.tolist():
            self._book(i)
        self._check_locked_capacity()
        for s in order.tolist():
            self._arrive(int(s))
        for last in itertools.chain((False,) * _REBOOKING_ROUNDS, (True,)):
            cancelled = self._cancel_small_groups()
            if not cancelled or last:
                break
            for s in order.tolist():
                if s in cancelled:
                    self._arrive(int(s))
        return np.asarray(sorted(self.chosen), dtype=_I64)

    def _cancel_small_groups(self) -> set[int]:
        """Cancel every group below its minimum size (none that holds a locked
        row): its bookings go and it takes nobody any more. The students who
        lost a booking, to book again."""
        o = self.opts
        load = self.capacity - self.free
        small = (self.minimum > 1) & (load > 0) & (load < self.minimum)
        if not small.any():
            return set()
        slot_of = o.offer[self.chosen].astype(_I64) * self.n_days + o.first_day[self.chosen]
        locked = set(self.locked.tolist())
        small[slot_of[[i in locked for i in self.chosen]]] = False
        lost = [i for i, slot in zip(self.chosen, slot_of.tolist(), strict=True) if small[slot]]
        for i in lost:
            self._unbook(i)
        self.free[small] = 0
        return {int(o.student[i]) for i in lost}

    # --- booking ---------------------------------------------------------------

    def _book(self, i: int) -> None:
        o = self.opts
        s, first, length = int(o.student[i]), int(o.first_day[i]), int(o.n_days[i])
        start = int(o.offer[i]) * self.n_days + first
        self.free[start : start + length] -= 1
        mine = self.booked.setdefault(s, _Booked(set(), set()))
        mine.days.update(range(first, first + length))
        mine.options.add(i)
        if o.kind[i] == KIND_CODE["bfe"]:
            mine.bfe += 1
            mine.fields.add(int(o.field[i]))
        else:
            mine.block = True
        if s in self.partners:
            base = int(o.company[i]) * self.n_days
            self.slots.setdefault(s, set()).update(range(base + first, base + first + length))
        self.chosen.append(i)

    def _unbook(self, i: int) -> None:
        """Undo :meth:`_book` of the BFE option ``i``."""
        o = self.opts
        s, day = int(o.student[i]), int(o.first_day[i])
        self.free[int(o.offer[i]) * self.n_days + day] += 1
        mine = self.booked[s]
        mine.days.discard(day)
        mine.options.discard(i)
        mine.fields.discard(int(o.field[i]))
        mine.bfe -= 1
        if s in self.partners:
            self.slots[s].discard(int(o.company[i]) * self.n_days + day)
        self.chosen.remove(i)

    def _check_locked_capacity(self) -> None:
        over = np.flatnonzero(self.free < 0)
        if len(over) == 0:
            return
        offer, day = divmod(int(over[0]), self.n_days)
        raise LockedConflictError(
            f"locked rows of previous.csv need more places than offer "
            f"{self.offer_ids[offer]} has on {self.opts.days[day]}"
        )

    def _arrive(self, s: int) -> None:
        lo, hi = int(self.bounds[s]), int(self.bounds[s + 1])
        if lo == hi:
            return
        mid = lo + int(np.searchsorted(self.opts.kind[lo:hi], KIND_CODE["praktikum"]))
        # Options are sorted by kind: the portal's two kinds come first.
        hi = lo + int(np.searchsorted(self.opts.kind[lo:hi], KIND_CODE["praxiskurs"]))
        for options in self.wished.get(s, []):
            self._book_wish(s, lo, hi, options)
        mine = self.booked.get(s, _Booked(set(), set()))
        if mine.bfe < int(self.opts.bfe_needed[s]) and mid > lo:
            self._book_bfe_days(s, lo, mid, int(self.opts.bfe_needed[s]) - mine.bfe)
        mine = self.booked.get(s, mine)
        if not mine.block and self.opts.praktikum_needed[s] and hi > mid:
            self._book_block(s, mid, hi)

    def _book_wish(self, s: int, lo: int, hi: int, options: NDArray[np.int64]) -> None:
        """Book the best free option of one wish (``options``, of student ``s``),
        unless a booking already grants it or the student needs no more."""
        o = self.opts
        mine = self.booked.get(s, _Booked(set(), set()))
        if not mine.options.isdisjoint(options.tolist()):
            return
        is_bfe = o.kind[options] == KIND_CODE["bfe"]
        ok = self._open(s, lo, hi)[options - lo]
        ok &= np.where(
            is_bfe,
            (mine.bfe < int(o.bfe_needed[s])) & ~np.isin(o.field[options], list(mine.fields)),
            not mine.block and bool(o.praktikum_needed[s]),
        )
        if not ok.any():
            return
        key = (100 - o.score[options].astype(_I64)) * self.max_travel + o.travel_min[options]
        self._book(int(options[int(np.argmin(np.where(ok, key, _NONE)))]))

    def _open(self, s: int, lo: int, hi: int) -> NDArray[np.bool_]:
        """Which options ``lo .. hi-1`` of student ``s`` still fit: places free on
        every day, no day already booked, no apart partner at that company that day.
        """
        o = self.opts
        days = block_days(o.first_day[lo:hi], o.n_days[lo:hi])
        ok = (self.free[o.offer[lo:hi].astype(_I64)[:, None] * self.n_days + days] > 0).all(axis=1)
        mine = self.booked.get(s)
        if mine is not None and mine.days:
            ok &= ~np.isin(days, list(mine.days)).any(axis=1)
        taken = set().union(*(self.slots.get(p, set()) for p in self.partners.get(s, ())))
        if taken:
            at = o.company[lo:hi].astype(_I64)[:, None] * self.n_days + days
            ok &= ~np.isin(at, list(taken)).any(axis=1)
        return ok

    def _book_bfe_days(self, s: int, lo: int, hi: int, needed: int) -> None:
        """Date by date, the best free place in a field not used yet.

        Best: highest interest score, then shortest travel, then offer order.
        """
        o = self.opts
        ok = self._open(s, lo, hi)
        field = o.field[lo:hi]
        mine = self.booked.get(s)
        if mine is not None and mine.fields:
            ok &= ~np.isin(field, list(mine.fields))
        key = (100 - o.score[lo:hi].astype(_I64)) * self.max_travel + o.travel_min[lo:hi]
        key = key * self.n_offers + o.offer[lo:hi]
        day = o.first_day[lo:hi]
        cuts = [0, *(np.flatnonzero(np.diff(day)) + 1).tolist(), hi - lo]
        for a, b in itertools.pairwise(cuts):
            if not ok[a:b].any():
                continue
            j = a + int(np.argmin(np.where(ok[a:b], key[a:b], _NONE)))
            self._book(lo + j)
            ok &= field != field[j]
            needed -= 1
            if needed == 0:
                return

    def _book_block(self, s: int, lo: int, hi: int) -> None:
        """The free block in the best field: highest score, then earliest start,
        then shortest travel, then offer order."""
        o = self.opts
        ok = self._open(s, lo, hi)
        if not ok.any():
            return
        key = (100 - o.score[lo:hi].astype(_I64)) * self.n_days + o.first_day[lo:hi]
        key = (key * self.max_travel + o.travel_min[lo:hi]) * self.n_offers + o.offer[lo:hi]
        self._book(lo + int(np.argmin(np.where(ok, key, _NONE))))


def _apart_partners(problem: Problem) -> dict[int, list[int]]:
    """Student index -> the students it must never meet at a company on a day."""
    index = {s.student_id: i for i, s in enumerate(problem.students)}
    partners: dict[int, list[int]] = {}
    for pair in problem.pairs:
        a, b = index.get(pair.student_a), index.get(pair.student_b)
        if pair.relation == "apart" and a is not None and b is not None and a != b:
            partners.setdefault(a, []).append(b)
            partners.setdefault(b, []).append(a)
    return partners


def _locked_options(problem: Problem, opts: Options) -> NDArray[np.int64]:
    """The options of the locked rows of ``previous.csv``, booked before anyone arrives."""
    if not any(row.status == "locked" for row in problem.previous):
        return np.zeros(0, dtype=_I64)  # matching sorts every option: skip it when idle
    previous = match_previous(problem, opts)
    unplaceable = unplaceable_locked_rows(problem, previous)
    if unplaceable:
        raise LockedConflictError("\n".join(unplaceable))
    return np.unique(previous.option[previous.locked])
