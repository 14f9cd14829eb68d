"""Bounds for the whole Kreis from a Lagrangian relaxation over every option.

The model that CP-SAT searches may be cut to the nearest offers (``reduce``),
and then neither its LP nor CP-SAT proves anything about the Kreis. This
module bounds each level over *all* eligible options instead:

- the capacity rows (an offer on a day) and the rows that hold the earlier
  levels are moved into the objective with prices ``λ >= 0`` and ``μ >= 0``;
- what is left falls apart into one small problem per student, solved
  exactly: a student's best BFE days are a matching of candidate dates to
  distinct Berufsfelder of at most ``days`` edges (a dynamic programme over
  the fields whose states are the sets of dates used, with a flag for "one of
  them is a top-3 field"), the best Praktikum block, the best
  Langzeitpraktikum, and the best courses, at most ``courses_needed`` of
  them in distinct Berufsfelder;
- for any prices, ``L(λ, μ) = Σ λ·capacity − Σ μ·held value + Σ_s best_s``
  is an upper bound on the level given the earlier levels at their values
  (weak duality). The prices are improved by projected subgradient steps
  (Polyak's rule, aimed at the best plan known), and the lowest ``L`` found
  is the bound. Since the per-student problems are integral, the best ``L``
  equals the LP bound over every option in the limit.

Capacity rows: one per offer and day for BFE days, blocks and courses (a
course's participants are on every day of it, so the row of its first day is
its capacity), and one per offer and weekday for the Langzeitpraktikum (the
contract's rule: on each of its weekdays at most ``capacity``).

Rules the relaxation leaves out only make the bound weaker, never wrong:
apart pairs, locked rows, minimum groups (a level maximised over more plans
can only rise, a minimised one only fall), and the date rule across kinds
(a student's BFE days, block, courses and Langzeitpraktikum dates may meet,
and so may two of its courses): held per kind, the per-student problems
stay a few vectorised passes; across kinds they would need a DP over every
date of the year.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

from kaoa_match.solvers.budget import DEFAULT_POLICY, Deadline
from kaoa_match.solvers.levels import DEFAULT_ORDER, Order, bounded_by, signed, spec
from kaoa_match.solvers.variables import BFE, COURSE, LANGZEIT, PRAKTIKUM, WishMatches

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Mapping

    from numpy.typing import NDArray

    from kaoa_match.solvers.variables import Candidates

_log = logging.getLogger(__name__)

_NEG = -1e18  # "no edge": far below any weight, still finite for the arithmetic
_MAX_STATES = 4_096  # sets of dates per student beyond which the DP is not run
_STALL = 20  # subgradient steps without a better bound before the step halves
_MIN_THETA = 1e-3
# The first step size. 0.5 reached a first interest bound on koeln within 40
# steps where 1 did not (2,121,732 against 2,157,454 in 25 s), but the travel
# bound of siegen-wittgenstein fell from 116,739 to 92,504 in 8 s.
_FIRST_THETA = 1.0
_DEFLECT = 0.5  # share of the last direction kept (measured: tighter than 0 or 0.7)
_HELD_ROW_PLACES = 5.0
_MAX_STEPS = 400
_NO_PROGRESS = 40  # steps after which a bound no price has improved is given up
N_WEEKDAYS = 5
"""The bits of a Langzeitpraktikum weekday mask: bit 0 Monday to bit 4 Friday."""


@dataclass(frozen=True)
class Objective:
    """A level over the options: ``Σ option_value·x`` plus ``top_value`` per
    student with a placement in a top-3 field, maximised (a minimised level
    enters with its values negated)."""

    option_value: NDArray[np.float64]
    top_value: float = 0.0


@dataclass
class _DateClass:
    """Students with the same number of BFE days: one DP over up to ``n_dates``."""

    students: NDArray[np.int64]  # student indices
    n_dates: int
    days: int
    cell: NDArray[np.int64]  # per BFE group: flat index into (students, dates, fields)
    groups: NDArray[np.int64]  # the BFE groups of these students
    masks: NDArray[np.int64]  # the states: sets of dates as bit masks
    state_of: NDArray[np.int64]  # bit mask -> state (-1: more dates than ``days``)
    # Per size k = 1..days: the states of k dates, and for each the state
    # without one of its dates and that date (both shaped (states, k)).
    sizes: list[tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]] = field(
        default_factory=list
    )


@dataclass
class StudentProblems:
    """The per-student structure of every option of a Kreis, built once."""

    n_students: int
    n_fields: int
    # Capacity rows: offer * n_days + day, then one per offer and weekday
    # (``weekday_slot``) for the Langzeitpraktikum.
    n_slots: int
    capacity: NDArray[np.float64]  # per slot
    # The slots whose capacity row can bind: those where some option starts.
    # An offer's load only rises where an option starts and its capacity is
    # the same every day, so each other day's row is implied by the last
    # start before it (praktikum-2700: 12,145 rows of 274,456).
    binding: NDArray[np.bool_]
    top: NDArray[np.bool_]  # (students, fields)
    # BFE options sorted by group (student, date, field); the groups' starts
    bfe: NDArray[np.int64]
    bfe_slot: NDArray[np.int64]
    group_start: NDArray[np.int64]
    group_of: NDArray[np.int64]  # per sorted BFE option
    classes: list[_DateClass]
    # The other options (Praktikum blocks, courses, Langzeitpraktika) sorted
    # by student: "blocks" below
    blocks: NDArray[np.int64]
    block_student: NDArray[np.int64]
    block_offer: NDArray[np.int64]
    block_first: NDArray[np.int64]
    block_last: NDArray[np.int64]  # exclusive
    block_top: NDArray[np.bool_]
    block_kind: NDArray[np.int64]
    block_weekdays: NDArray[np.int64]  # a Langzeitpraktikum's weekday mask, else 0
    courses: _Courses
    option_offer: NDArray[np.int64]  # per candidate, for the loads
    option_first: NDArray[np.int64]
    option_days: NDArray[np.int64]
    option_kind: NDArray[np.int64]
    option_weekdays: NDArray[np.int64]
    n_days: int
    exact: bool  # False if some student had too many dates for the DP

    @property
    def n_offers(self) -> int:
        return self.n_slots // (self.n_days + N_WEEKDAYS)

    def weekday_slot(self, offer: NDArray[np.int64], weekday: int) -> NDArray[np.int64]:
        """The capacity row of ``offer`` (an array) on ``weekday`` (0 Monday)."""
        return self.n_offers * self.n_days + offer * N_WEEKDAYS + weekday

    @classmethod
    def of(
        cls,
        cand: Candidates,
        capacity: NDArray[np.int64],
        bfe_needed: NDArray[np.int64],
        top: NDArray[np.bool_],
        n_days: int,
        courses_needed: NDArray[np.int64] | None = None,
    ) -> StudentProblems:
        """``courses_needed``: per student, the most courses it takes (None:
        one in each Berufsfeld it has courses in)."""
        n_students, n_fields = top.shape
        bfe = np.flatnonzero(cand.kind == BFE).astype(np.int64)
        # Few option-long arrays alive at once (koeln: 141 MB apiece).
        student_date = cand.student[bfe] * (n_days + 1) + cand.first_day[bfe]
        # Each student's dates numbered 0, 1, ... (local dates).
        student_day = np.unique(student_date)
        sd_student = student_day // (n_days + 1)
        local = np.arange(len(student_day)) - np.searchsorted(sd_student, sd_student)
        n_dates = np.bincount(sd_student, minlength=n_students)
        date_of = np.searchsorted(student_day, student_date)

        key = student_date * n_fields + cand.field[bfe]
        del student_date
        order = np.argsort(key, kind="stable")
        key = key[order]
        starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]][: len(key)]).astype(np.int64)
        group_of = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(key)]))
        del key
        bfe = bfe[order]
        g_student = cand.student[bfe[starts]]
        g_local = local[date_of[order[starts]]]
        g_field = cand.field[bfe[starts]]
        del order, date_of

        days = np.minimum(bfe_needed, n_dates)
        classes, exact = _date_classes(g_student, g_local, g_field, n_dates, days, n_fields)

        blocks = np.flatnonzero(cand.kind != BFE).astype(np.int64)
        blocks = blocks[np.argsort(cand.student[blocks], kind="stable")]
        n_offers = len(capacity)
        binding = np.zeros(n_offers * (n_days + N_WEEKDAYS), dtype=bool)
        dated = cand.kind != LANGZEIT
        binding[cand.offer[dated].astype(np.int64) * n_days + cand.first_day[dated]] = True
        langzeit = np.flatnonzero(~dated)
        for weekday in range(N_WEEKDAYS):
            on = langzeit[(cand.weekdays[langzeit] >> weekday & 1) == 1]
            binding[n_offers * n_days + cand.offer[on] * N_WEEKDAYS + weekday] = True
        if courses_needed is None:
            courses_needed = np.full(n_students, n_fields, dtype=np.int64)
        block_kind = cand.kind[blocks]
        return cls(
            n_students=n_students,
            n_fields=n_fields,
            n_slots=n_offers * (n_days + N_WEEKDAYS),
            capacity=np.r_[
                np.repeat(capacity.astype(np.float64), n_days),
                np.repeat(capacity.astype(np.float64), N_WEEKDAYS),
            ],
            binding=binding,
            top=top,
            bfe=bfe,
            bfe_slot=cand.offer[bfe] * n_days + cand.first_day[bfe],
            group_start=starts,
            group_of=group_of,
            classes=classes,
            blocks=blocks,
            block_student=cand.student[blocks],
            block_offer=cand.offer[blocks],
            block_first=cand.first_day[blocks],
            block_last=cand.first_day[blocks] + cand.n_days[blocks],
            block_top=top[cand.student[blocks], cand.field[blocks]],
            block_kind=block_kind,
            block_weekdays=cand.weekdays[blocks],
            courses=_Courses.of(
                np.flatnonzero(block_kind == COURSE).astype(np.int64),
                cand.student[blocks],
                cand.field[blocks],
                top,
                courses_needed,
            ),
            option_offer=cand.offer,
            option_first=cand.first_day,
            option_days=cand.n_days,
            option_kind=cand.kind,
            option_weekdays=cand.weekdays,
            n_days=n_days,
            exact=exact,
        )


def _date_classes(
    g_student: NDArray[np.int64],
    g_local: NDArray[np.int64],
    g_field: NDArray[np.int64],
    n_dates: NDArray[np.int64],
    days: NDArray[np.int64],
    n_fields: int,
) -> tuple[list[_DateClass], bool]:
    """Students grouped by (number of dates, days needed), each with its DP tables."""
    classes: list[_DateClass] = []
    exact = True
    has_bfe = np.zeros(len(n_dates), dtype=bool)
    has_bfe[g_student] = True
    # One DP per number of days; a student with fewer dates than the most of
    # its class has dates without options (weight -inf), which it never takes.
    for d in np.unique(days[has_bfe]).tolist():
        in_class = has_bfe & (days == d)
        n = int(n_dates[in_class].max())
        masks = np.asarray([m for m in range(1 << n) if bin(m).count("1") <= d], dtype=np.int64)
        if len(masks) > _MAX_STATES or d == 0:
            exact = exact and d == 0
            continue
        members = np.flatnonzero(in_class).astype(np.int64)
        row = np.full(len(n_dates), -1, dtype=np.int64)
        row[members] = np.arange(len(members))
        groups = np.flatnonzero(row[g_student] >= 0).astype(np.int64)
        cell = (row[g_student[groups]] * n + g_local[groups]) * n_fields + g_field[groups]
        state_of = np.full(1 << n, -1, dtype=np.int64)
        state_of[masks] = np.arange(len(masks))
        classes.append(
            _DateClass(members, n, d, cell, groups, masks, state_of, _by_size(masks, state_of, d))
        )
    return classes, exact


def _by_size(
    masks: NDArray[np.int64], state_of: NDArray[np.int64], days: int
) -> list[tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]]:
    """For each size k: the states with k dates, each one's k predecessors
    (the state without one date) and the date dropped."""
    sizes = []
    count = np.asarray([bin(m).count("1") for m in masks.tolist()])
    for k in range(1, days + 1):
        targets = np.flatnonzero(count == k)
        dates = np.asarray(
            [[b for b in range(64) if m >> b & 1] for m in masks[targets].tolist()], np.int64
        ).reshape(len(targets), k)
        sources = state_of[masks[targets][:, None] ^ (1 << dates)]
        sizes.append((targets.astype(np.int64), sources, dates))
    return sizes


@dataclass
class _Choice:
    """The per-student optima at some prices: what each student takes."""

    value: float  # Σ_s best_s
    options: NDArray[np.int64]  # candidate positions taken
    top_students: int  # students whose choice holds a top-3 field


def best_choices(sp: StudentProblems, weight: NDArray[np.float64], top_value: float) -> _Choice:
    """Every student's best placements under option ``weight`` (exact)."""
    w_sorted = weight[sp.bfe]
    group_best = np.maximum.reduceat(w_sorted, sp.group_start) if len(w_sorted) else np.zeros(0)
    return _choose(
        sp,
        group_best,
        weight[sp.blocks],
        top_value,
        lambda groups: _argmax_in_groups(sp, w_sorted >= group_best[sp.group_of], groups),
    )


def _choose(
    sp: StudentProblems,
    group_best: NDArray[np.float64],
    block_weight: NDArray[np.float64],
    top_value: float,
    pick: Callable[[NDArray[np.int64]], NDArray[np.int64]],
) -> _Choice:
    """Every student's best placements, given the best weight of each BFE group,
    the weight of each other option (``sp.blocks``), and ``pick``, which names
    the option that holds the best weight of each group asked for.

    The kinds are chosen apart (the date rule across them is relaxed), each
    at its best and at its best with a top-3 field; the top-3 flag then comes
    from the kind where it costs least."""
    solved = [(cls, _run_dp(sp, cls, group_best, top_value)) for cls in sp.classes]
    bfe_value = np.zeros(sp.n_students)
    bfe_top_value = np.full(sp.n_students, _NEG)  # best with a top field among the days
    for cls, (value, value_with_top, _, _) in solved:
        bfe_value[cls.students] = value
        bfe_top_value[cls.students] = value_with_top
    singles = [_one_of_kind(sp, block_weight, kind) for kind in (PRAKTIKUM, LANGZEIT)]
    courses = sp.courses.best(block_weight, sp.n_students)

    # In the order of preference on ties: BFE days, block, Langzeitpraktikum, courses.
    values = [bfe_value, *(one.value for one in singles), courses.value]
    top_values = [bfe_top_value, *(one.top_value for one in singles), courses.top_value]
    plain = np.sum(values, axis=0)
    gain = np.stack([t - v for t, v in zip(top_values, values, strict=True)])
    source = gain.argmax(axis=0)
    with_top = plain + gain.max(axis=0)
    flagged: NDArray[np.bool_] = (with_top > _NEG / 2) & (with_top + top_value > plain)
    if top_value <= 0:
        flagged[:] = False
    best = np.where(flagged, with_top + top_value, plain)
    flag_from = [flagged & (source == k) for k in range(len(values))]

    chosen = [
        np.where(flag_from[0][cls.students][:, None], top_groups, plain_groups)
        for cls, (_, _, plain_groups, top_groups) in solved
    ]
    groups = np.concatenate([g[g >= 0] for g in chosen]) if chosen else np.zeros(0, np.int64)
    taken = [pick(groups) if len(groups) else np.zeros(0, np.int64)]
    for one, flag in zip(singles, flag_from[1:3], strict=True):
        single = np.where(flag, one.top_pick, np.where(one.value > 0, one.pick, -1))
        taken.append(single[single >= 0])
    taken.append(sp.courses.taken(courses, flag_from[3], sp.blocks))
    return _Choice(float(best.sum()), np.concatenate(taken).astype(np.int64), int(flagged.sum()))


@dataclass(frozen=True)
class _Single:
    """Per student, the best option of a kind it takes at most one of: its
    weight (0 if none is worth taking), the best with a top-3 field
    (``_NEG`` if none), and both options (candidate positions, -1 if none)."""

    value: NDArray[np.float64]
    top_value: NDArray[np.float64]
    pick: NDArray[np.int64]
    top_pick: NDArray[np.int64]


def _one_of_kind(sp: StudentProblems, block_weight: NDArray[np.float64], kind: int) -> _Single:
    """A Praktikum block or a Langzeitpraktikum: one or none per student."""
    of_kind = sp.block_kind == kind
    value, pick = _best_per_student(sp, block_weight, of_kind)
    top_value, top_pick = _best_per_student(sp, block_weight, of_kind & sp.block_top)
    return _Single(np.maximum(value, 0.0), top_value, pick, top_pick)


@dataclass(frozen=True)
class _CourseChoice:
    """Each student's best courses at some weights: their value (>= 0) and the
    best value with a top-3 field among them (``_NEG`` if none can be), the
    (student, field) cells taken for each, and the best option of each cell."""

    value: NDArray[np.float64]
    top_value: NDArray[np.float64]
    plain_cells: NDArray[np.bool_]
    top_cells: NDArray[np.bool_]
    cell_pick: NDArray[np.int64]  # index into ``StudentProblems.blocks``


@dataclass(frozen=True)
class _Courses:
    """The courses among the blocks, grouped by (student, Berufsfeld) cell: a
    student takes at most one course of a cell and at most ``need`` cells.
    Two courses whose dates meet count as compatible here (relaxed)."""

    at: NDArray[np.int64]  # indices into the blocks, sorted by cell
    cell_start: NDArray[np.int64]
    cell_of: NDArray[np.int64]  # per entry of ``at``
    cell_student: NDArray[np.int64]
    cell_top: NDArray[np.bool_]
    need: NDArray[np.int64]  # per student

    @classmethod
    def of(
        cls,
        at: NDArray[np.int64],
        block_student: NDArray[np.int64],
        block_field: NDArray[np.int64],
        top: NDArray[np.bool_],
        need: NDArray[np.int64],
    ) -> _Courses:
        n_fields = top.shape[1]
        key = block_student[at] * n_fields + block_field[at]
        order = np.argsort(key, kind="stable")
        at, key = at[order], key[order]
        starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]][: len(key)]).astype(np.int64)
        cell_of = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(key)]))
        cell_student, cell_field = key[starts] // n_fields, key[starts] % n_fields
        return cls(
            at,
            starts,
            cell_of.astype(np.int64),
            cell_student,
            top[cell_student, cell_field],
            need.astype(np.int64),
        )

    def best(self, block_weight: NDArray[np.float64], n_students: int) -> _CourseChoice:
        """Each student's best ``need`` cells of positive weight, and the best
        such set that holds a top-3 cell (the plain set, or its worst cell,
        if full, traded for the best top-3 cell)."""
        n_cells = len(self.cell_start)
        if not n_cells:
            none = np.zeros(0, dtype=bool)
            return _CourseChoice(
                np.zeros(n_students), np.full(n_students, _NEG), none, none, np.zeros(0, np.int64)
            )
        w = block_weight[self.at]
        cell_best = np.maximum.reduceat(w, self.cell_start)
        hits = np.flatnonzero(w >= cell_best[self.cell_of])
        _, first = np.unique(self.cell_of[hits], return_index=True)
        cell_pick = self.at[hits[first]]

        order = np.lexsort((-cell_best, self.cell_student))  # best first per student
        owner = self.cell_student[order]
        run_start = np.searchsorted(owner, owner)
        rank = np.arange(n_cells) - run_start
        take_sorted = (rank < self.need[owner]) & (cell_best[order] > 0)
        plain_cells = np.zeros(n_cells, dtype=bool)
        plain_cells[order] = take_sorted
        taken_owner = self.cell_student[plain_cells]
        value = np.bincount(
            taken_owner, weights=cell_best[plain_cells], minlength=n_students
        ).astype(np.float64)
        count = np.bincount(taken_owner, minlength=n_students)
        top_taken = np.bincount(
            self.cell_student[plain_cells & self.cell_top], minlength=n_students
        ).astype(bool)

        # The best top-3 cell of each student (first in the sorted order).
        top_sorted = np.flatnonzero(self.cell_top[order])
        top_owner = owner[top_sorted]
        first_top = top_sorted[np.r_[True, top_owner[1:] != top_owner[:-1]][: len(top_sorted)]]
        best_top_cell = np.full(n_students, -1, dtype=np.int64)
        best_top_cell[owner[first_top]] = order[first_top]
        # Taken cells are a prefix of each student's run: the worst is its last.
        worst_cell = np.full(n_students, -1, dtype=np.int64)
        with_taken = np.flatnonzero(count > 0)
        worst_cell[with_taken] = order[np.searchsorted(owner, with_taken) + count[with_taken] - 1]
        full = count >= self.need
        trade = ~top_taken & (best_top_cell >= 0) & (self.need > 0)
        dropped = np.where(full & (worst_cell >= 0), cell_best[worst_cell], 0.0)
        traded = value - dropped + cell_best[best_top_cell]
        top_value = np.where(top_taken, value, np.where(trade, traded, _NEG))

        top_cells = plain_cells.copy()
        traders = np.flatnonzero(trade)
        top_cells[worst_cell[traders[full[traders] & (worst_cell[traders] >= 0)]]] = False
        top_cells[best_top_cell[traders]] = True
        return _CourseChoice(value, top_value, plain_cells, top_cells, cell_pick)

    def taken(
        self, choice: _CourseChoice, flagged: NDArray[np.bool_], blocks: NDArray[np.int64]
    ) -> NDArray[np.int64]:
        """The candidate positions of the courses taken: the top-3 set for the
        ``flagged`` students, else the plain one."""
        if not len(self.cell_start):
            return np.zeros(0, dtype=np.int64)
        cells = np.where(flagged[self.cell_student], choice.top_cells, choice.plain_cells)
        return blocks[choice.cell_pick[cells]]


def _best_per_student(
    sp: StudentProblems, block_weight: NDArray[np.float64], allowed: NDArray[np.bool_]
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Each student's best ``allowed`` Praktikum block (``block_weight`` is per
    block): its weight (``_NEG`` if none) and its candidate position (-1)."""
    value = np.full(sp.n_students, _NEG)
    pick = np.full(sp.n_students, -1, dtype=np.int64)
    idx = np.flatnonzero(allowed)
    if len(idx) == 0:
        return value, pick
    w = block_weight[idx]
    owner = sp.block_student[idx]
    order = np.lexsort((-w, owner))  # best first within each student
    first = order[np.r_[True, owner[order][1:] != owner[order][:-1]]]
    value[owner[first]] = w[first]
    pick[owner[first]] = sp.blocks[idx[first]]
    return value, pick


def _argmax_in_groups(
    sp: StudentProblems, at_best: NDArray[np.bool_], groups: NDArray[np.int64]
) -> NDArray[np.int64]:
    """For each BFE group given, the first option (in sorted order) of those
    that ``at_best`` marks as holding the group's best weight."""
    wanted = np.zeros(len(sp.group_start), dtype=bool)
    wanted[groups] = True
    hits = np.flatnonzero(wanted[sp.group_of] & at_best)
    _, first = np.unique(sp.group_of[hits], return_index=True)
    return sp.bfe[hits[first]]


def _run_dp(
    sp: StudentProblems,
    cls: _DateClass,
    group_best: NDArray[np.float64],
    top_value: float,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.int64], NDArray[np.int64]]:
    """Best ≤ ``days`` matching of dates to distinct fields for each student of
    the class, by a DP over the fields whose states are the sets of dates used:
    its value, its value when one field must be a top-3 field, and the groups
    that each of the two uses (rows padded with -1)."""
    m, n, n_fields = len(cls.students), cls.n_dates, sp.n_fields
    flat = np.full(m * n * n_fields, _NEG)
    flat[cls.cell] = group_best[cls.groups]
    weights = flat.reshape(m, n, n_fields)
    n_states = len(cls.masks)
    flags = 2 if top_value > 0 else 1
    best = np.full((m, n_states, flags), _NEG)
    best[:, 0, 0] = 0.0
    came: list[NDArray[np.int8]] = []  # per field: date * 2 + previous flag, -1 = skipped
    for f in range(n_fields):
        top_f = sp.top[cls.students, f][:, None, None] if flags == 2 else None
        new = best.copy()
        step = np.full((m, n_states, flags), -1, dtype=np.int8)
        for targets, sources, dates in cls.sizes:
            gain = weights[:, dates, f]  # (students, states, k)
            from_plain = best[:, sources, 0] + gain
            if top_f is None:
                _relax(new, step, 0, targets, dates, from_plain, 0)
                continue
            # Without a top field yet: from the plain states, if f is not top.
            _relax(new, step, 0, targets, dates, np.where(top_f, _NEG, from_plain), 0)
            # With one: from the flagged states, or from the plain ones if f is top.
            from_flagged = best[:, sources, 1] + gain
            entering = np.where(top_f, from_plain, _NEG)
            keeps = from_flagged >= entering
            _relax(new, step, 1, targets, dates, np.maximum(from_flagged, entering), keeps)
        best = new
        came.append(step)
    plain_state = best[:, :, 0].argmax(axis=1)
    plain = best[np.arange(m), plain_state, 0]
    group_at = np.full(m * n * n_fields, -1, dtype=np.int64)
    group_at[cls.cell] = cls.groups
    plain_groups = _groups_of(
        _backtrack(cls, came, plain_state, np.zeros(m, np.int64), n_fields), group_at
    )
    if flags == 1:
        return plain, np.full(m, _NEG), plain_groups, plain_groups
    top_state = best[:, :, 1].argmax(axis=1)
    top_groups = _groups_of(
        _backtrack(cls, came, top_state, np.ones(m, np.int64), n_fields), group_at
    )
    return plain, best[np.arange(m), top_state, 1], plain_groups, top_groups


def _relax(
    best: NDArray[np.float64],
    step: NDArray[np.int8],
    flag: int,
    targets: NDArray[np.int64],
    dates: NDArray[np.int64],
    values: NDArray[np.float64],
    from_flag: NDArray[np.bool_] | int,
) -> None:
    """Improve ``best[:, targets, flag]`` by the best of each target's ``values``
    (one per predecessor), noting the date taken and the flag come from."""
    value = values.max(axis=2)
    current = best[:, targets, flag]
    better = value > current
    if not better.any():
        return
    best[:, targets, flag] = np.where(better, value, current)
    pick = values.argmax(axis=2)
    date = dates[np.arange(len(targets))[None, :], pick]
    if isinstance(from_flag, np.ndarray):
        m, n_k, k = values.shape
        came = from_flag.reshape(-1, k)[np.arange(m * n_k), pick.ravel()].reshape(m, n_k)
        code = date * 2 + came
    else:
        code = date * 2 + from_flag
    step[:, targets, flag] = np.where(better, code, step[:, targets, flag])


def _backtrack(
    cls: _DateClass,
    came: list[NDArray[np.int8]],
    state: NDArray[np.int64],
    flag: NDArray[np.int64],
    n_fields: int,
) -> NDArray[np.int64]:
    """The (date, field) cells chosen, per student: an (m, days) array of flat
    cell indices ``(row * n_dates + date) * n_fields + field``, -1 where unused."""
    m = len(state)
    picks = np.full((m, max(cls.days, 1)), -1, dtype=np.int64)
    count = np.zeros(m, dtype=np.int64)
    rows = np.arange(m)
    state, flag = state.copy(), flag.copy()
    for f in range(n_fields - 1, -1, -1):
        code = came[f][rows, state, np.minimum(flag, came[f].shape[2] - 1)].astype(np.int64)
        took = code >= 0
        if not took.any():
            continue
        r = rows[took]
        date, previous = code[took] // 2, code[took] % 2
        picks[r, count[r]] = (r * cls.n_dates + date) * n_fields + f
        count[r] += 1
        state[r] = cls.state_of[cls.masks[state[r]] ^ (1 << date)]
        flag[r] = previous
    return picks


def _groups_of(picks: NDArray[np.int64], group_at: NDArray[np.int64]) -> NDArray[np.int64]:
    """The BFE group of each picked cell (-1 stays -1)."""
    return np.where(picks >= 0, group_at[np.maximum(picks, 0)], -1)


@dataclass(frozen=True)
class Held:
    """An earlier level kept at ``value`` or better while this one is bounded."""

    objective: Objective
    value: float


@dataclass(frozen=True)
class LagrangianBound:
    """The best bound found, and what every student takes at the prices that
    gave it (the options that "price out")."""

    bound: float  # upper bound of the (maximised) objective
    iterations: int  # steps taken
    best_step: int  # the step that found ``bound``
    seconds: float
    chosen: NDArray[np.int64]  # candidate positions


def lagrangian_bound(
    sp: StudentProblems,
    objective: Objective,
    held: list[Held],
    target: float,
    seconds: float | None,
    max_steps: int = _MAX_STEPS,
) -> LagrangianBound:
    """Minimise ``L(λ, μ)`` by deflected subgradient steps (Polyak's step
    towards ``target``, a plan's value) for at most ``seconds`` and
    ``max_steps``; stops early once ``L`` is within 1 of ``target``: the plan
    is then proven optimal, since objectives are integral."""
    started = time.monotonic()
    terms = _Terms.of(sp, [objective] + [h.objective for h in held])
    lam, mu = np.zeros(sp.n_slots), np.array([_first_price(objective, h) for h in held])
    best = LagrangianBound(math.inf, 0, 0, 0.0, np.zeros(0, np.int64))
    held_at = np.asarray([h.value for h in held])
    # A held row of value V weighs in the step like a capacity row of a few places.
    scale = np.maximum(np.abs(held_at), 1.0) / _HELD_ROW_PLACES
    direction_cap, direction_held = np.zeros(sp.n_slots), np.zeros(len(held))
    theta, stall = _FIRST_THETA, 0
    for step in range(1, max_steps + 1):
        if seconds is not None and time.monotonic() - started > seconds:
            break
        value, load, held_values, chosen = _evaluate(sp, terms, held, lam, mu)
        if value < best.bound - 1e-9:
            best = LagrangianBound(value, step, step, 0.0, chosen)
            stall = 0
        else:
            stall += 1
            if stall >= _STALL:
                theta, stall = theta / 2, 0
        if best.bound - target < 1 - 1e-6 or theta < _MIN_THETA:
            break
        if step == _NO_PROGRESS and best.best_step == 1:
            break  # no price has helped: the bound stays the per-student one
        gradient_cap = np.where(sp.binding, sp.capacity - load, 0.0)
        gradient_held = (held_values - held_at) / scale
        # The subgradient where the prices may move (a price at 0 cannot fall).
        moving_cap = gradient_cap[(lam > 0) | (gradient_cap < 0)]
        moving_held = gradient_held[(mu > 0) | (gradient_held < 0)]
        if not moving_cap.any() and not moving_held.any():
            # Zero: L is at its minimum. The deflected direction would go on
            # shrinking and the step over it growing, until the prices are so
            # large that L loses its digits (found: a travel bound of 64
            # minutes against a plan of 36).
            break
        direction_cap = gradient_cap + _DEFLECT * direction_cap
        direction_held = gradient_held + _DEFLECT * direction_held
        active = (lam > 0) | (direction_cap < 0)  # the others stay at 0
        norm = float((direction_cap[active] ** 2).sum() + (direction_held**2).sum())
        if norm == 0:
            break
        length = theta * (value - target) / norm
        lam = np.maximum(lam - length * direction_cap, 0.0)
        mu = np.maximum(mu - length * direction_held / scale, 0.0)
    return replace(best, iterations=step, seconds=time.monotonic() - started)


def _first_price(objective: Objective, held: Held) -> float:
    """The first price of a held row: one at which every option it counts is
    worth taking, whatever it costs the objective. Travel with coverage held
    then starts at each student's cheapest options, a bound the steps from 0
    need several steps to reach (duesseldorf, 10.2 M options: after two steps
    in 0.7 s the bound was still 0 minutes)."""
    cost = float(max(-objective.option_value.min(initial=0.0), 0.0))
    counted = held.objective.option_value[held.objective.option_value > 0]
    return cost / float(counted.min()) if cost > 0 and len(counted) else 0.0


def bound_at(
    sp: StudentProblems,
    objective: Objective,
    held: list[Held],
    capacity_prices: NDArray[np.float64],
    held_prices: NDArray[np.float64],
) -> tuple[float, NDArray[np.int64]]:
    """``L(λ, μ)`` at the given prices (all >= 0): an upper bound of ``objective``
    with the ``held`` levels at their values, whatever the prices (weak
    duality); and the options the students take at those prices."""
    terms = _Terms.of(sp, [objective] + [h.objective for h in held])
    value, _, _, chosen = _evaluate(sp, terms, held, capacity_prices, held_prices)
    return value, chosen


@dataclass(frozen=True)
class _Terms:
    """The objective and the held levels, laid out as the oracle reads them:
    per BFE group where a term is the same for every offer of the group
    (coverage, fairness, interest: the field decides, not the offer), else
    per BFE option in group order; and per Praktikum block."""

    per_group: list[NDArray[np.float64]] | None
    per_option: list[NDArray[np.float64]] | None
    per_block: list[NDArray[np.float64]]
    top: list[float]

    @classmethod
    def of(cls, sp: StudentProblems, objectives: list[Objective]) -> _Terms:
        sorted_values = [o.option_value[sp.bfe] for o in objectives]
        starts = sp.group_start
        firsts = [v[starts] for v in sorted_values]
        # Per group: the same value on every option (largest = smallest)?
        same = all(
            np.array_equal(np.maximum.reduceat(v, starts), np.minimum.reduceat(v, starts))
            for v in sorted_values
            if len(v)
        )
        return cls(
            per_group=firsts if same else None,
            per_option=None if same else sorted_values,
            per_block=[o.option_value[sp.blocks] for o in objectives],
            top=[o.top_value for o in objectives],
        )


def _evaluate(
    sp: StudentProblems,
    terms: _Terms,
    held: list[Held],
    lam: NDArray[np.float64],
    mu: NDArray[np.float64],
) -> tuple[float, NDArray[np.float64], NDArray[np.float64], NDArray[np.int64]]:
    """``L(λ, μ)``, the load each slot gets, the held levels' values at the
    students' choice, and the options of that choice."""
    factor = np.r_[1.0, mu]
    price = lam[sp.bfe_slot]  # in group order
    starts = sp.group_start
    if terms.per_group is not None and len(price):
        # The best option of a group is its cheapest: one pass over the prices.
        cheapest = np.minimum.reduceat(price, starts)
        group_best = _combine(factor, terms.per_group) - cheapest
        at_best = price <= cheapest[sp.group_of]
    elif terms.per_option is not None and len(price):
        weight = _combine(factor, terms.per_option)
        weight -= price  # in place: an option-long array less at the peak
        del price
        group_best = np.maximum.reduceat(weight, starts)
        at_best = weight >= group_best[sp.group_of]
        del weight
    else:
        group_best, at_best = np.zeros(0), np.zeros(0, dtype=bool)
    block_weight = _combine(factor, terms.per_block) - _block_prices(sp, lam)
    choice = _choose(
        sp,
        group_best,
        block_weight,
        float(factor @ np.asarray(terms.top)),
        lambda groups: _argmax_in_groups(sp, at_best, groups),
    )
    value = choice.value + float(lam @ sp.capacity) - float(mu @ [h.value for h in held])
    load = _load(sp, choice.options)
    held_values = np.asarray(
        [
            float(h.objective.option_value[choice.options].sum())
            + h.objective.top_value * choice.top_students
            for h in held
        ]
    )
    return value, load, held_values, choice.options


def _combine(factor: NDArray[np.float64], parts: list[NDArray[np.float64]]) -> NDArray[np.float64]:
    """``Σ factor[k] * parts[k]``, skipping the zero factors (a new array)."""
    total = parts[0] * factor[0]
    for f, part in zip(factor[1:].tolist(), parts[1:], strict=True):
        if f:
            total += f * part
    return total


def _block_prices(sp: StudentProblems, lam: NDArray[np.float64]) -> NDArray[np.float64]:
    """Each block's price: the sum of its offer's prices over its days (a
    course's too), and a Langzeitpraktikum's the sum over its weekdays."""
    per_offer = lam[: sp.n_offers * sp.n_days].reshape(-1, sp.n_days)
    running = np.concatenate([np.zeros((len(per_offer), 1)), per_offer.cumsum(axis=1)], axis=1)
    dated = sp.block_kind != LANGZEIT
    price = np.zeros(len(sp.blocks))
    offer = sp.block_offer[dated]
    price[dated] = running[offer, sp.block_last[dated]] - running[offer, sp.block_first[dated]]
    langzeit = np.flatnonzero(~dated)
    for weekday in range(N_WEEKDAYS):
        on = langzeit[(sp.block_weekdays[langzeit] >> weekday & 1) == 1]
        price[on] += lam[sp.weekday_slot(sp.block_offer[on], weekday)]
    return price


def _load(sp: StudentProblems, options: NDArray[np.int64]) -> NDArray[np.float64]:
    """Students on each capacity row's slot when ``options`` are taken."""
    langzeit = options[sp.option_kind[options] == LANGZEIT]
    options = options[sp.option_kind[options] != LANGZEIT]
    offer, first, length = (
        sp.option_offer[options],
        sp.option_first[options],
        sp.option_days[options],
    )
    one = length == 1
    load = np.bincount(offer[one] * sp.n_days + first[one], minlength=sp.n_slots).astype(float)
    if not one.all():
        # +1 on a block's first day, -1 after its last, summed along each offer.
        change = np.zeros((sp.n_offers, sp.n_days + 1))
        np.add.at(change, (offer[~one], first[~one]), 1.0)
        np.add.at(change, (offer[~one], first[~one] + length[~one]), -1.0)
        load[: sp.n_offers * sp.n_days] += change.cumsum(axis=1)[:, : sp.n_days].ravel()
    for weekday in range(N_WEEKDAYS):
        on = langzeit[(sp.option_weekdays[langzeit] >> weekday & 1) == 1]
        slot = sp.weekday_slot(sp.option_offer[on], weekday)
        load += np.bincount(slot, minlength=sp.n_slots)
    return load


def level_objectives(
    cand: Candidates, published: NDArray[np.bool_], wishes: WishMatches
) -> dict[str, Callable[[], Objective]]:
    """Each level bounded over every option, as a maximised :class:`Objective`
    (a minimised level with its values negated), built on demand: each is a
    float per option (koeln: 141 MB apiece), so callers build one at a time.
    An option carries the points of every wish it grants (a wish two
    placements grant counts twice, which only loosens a bound)."""
    n = len(cand)
    return {
        "coverage": lambda: Objective(np.ones(n)),
        "stability": lambda: Objective(published.astype(np.float64)),
        "fairness": lambda: Objective(np.zeros(n), 1.0),
        "wishes": lambda: Objective(wishes.option_points(n).astype(np.float64)),
        "interest": lambda: Objective(cand.score.astype(np.float64)),
        "travel": lambda: Objective(-cand.travel.astype(np.float64)),
    }


def whole_kreis_bounds(
    sp: StudentProblems,
    cand: Candidates,
    published: NDArray[np.bool_],
    start: dict[str, int],
    seconds: float | None,
    wishes: WishMatches | None = None,
    skip: Collection[str] = (),
    shares: Mapping[str, float] = DEFAULT_POLICY.lagrangian_level_share,
    order: Order = DEFAULT_ORDER,
) -> tuple[dict[str, int], NDArray[np.int64]]:
    """An integral bound over every option in ``cand`` for each level up to
    travel (but those in ``skip``), aimed at the values ``start`` of a plan in hand,
    within ``seconds`` shared among the levels by ``shares``.

    Coverage, stability, fairness, wishes and interest are bounded with the earlier
    levels left free, which can only loosen them; travel, which would be 0
    with nobody placed, is bounded with coverage held at its value in
    ``start`` when coverage comes before travel in ``order`` (the bound then
    holds for plans that place at least as many; ``bounds.combine`` drops it
    for a plan that places fewer). Also returns the
    options the students take at each level's best prices (candidate
    positions): those a model cut to the nearest offers should keep."""
    wishes = wishes or WishMatches.none()
    expressions = level_objectives(cand, published, wishes)

    def with_held(name: str) -> tuple[Objective, list[Held]]:
        held = [
            Held(expressions[k](), float(signed(k, start[k])))
            for k in order.holds(name, spec(name).lagrangian_holds)
        ]
        return expressions[name](), held

    absent = {"stability": not published.any(), "wishes": not len(wishes.option)}
    objectives = [
        name
        for name in bounded_by("lagrangian")
        if not absent.get(name, False) and name not in skip
    ]
    bounds: dict[str, int] = {}
    priced: list[NDArray[np.int64]] = []
    deadline = Deadline(seconds)
    for k, name in enumerate(objectives):
        budget = None
        left = deadline.left()
        if left is not None:
            later = [shares[n] for n in objectives[k:]]
            budget = left * shares[name] / sum(later)
        objective, held = with_held(name)
        target = signed(name, start[name])
        found = lagrangian_bound(sp, objective, held, float(target), budget)
        del objective, held  # before the next level's are built
        _log.debug(
            "%s: Lagrangian bound %.0f (plan %d) after %d steps in %.1f s, best at step %d",
            name,
            found.bound,
            target,
            found.iterations,
            found.seconds,
            found.best_step,
        )
        priced.append(found.chosen)
        if math.isfinite(found.bound):
            upper = math.floor(found.bound + 1e-6 * max(1.0, abs(found.bound)))
            bounds[name] = signed(name, upper)
    return bounds, np.unique(np.concatenate(priced)) if priced else np.zeros(0, np.int64)
