"""A fast greedy plan, the warm start (complete hint) of the CP-SAT levels.

Students come one by one, those with the fewest options first; each takes,
for every BFE day it still needs, the free place that is best for it (a top-3
field, then the student's own wishes, then the highest interest score, then
the shortest trip) in a field and
on a day it does not have yet, and then the best free Praktikum block. That is
roughly what a well-run portal gives and always obeys every hard rule.

A Träger group with a minimum size that the students do not fill is closed,
as a portal cancels such a group: its students give their places there back
and take the best free ones again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from kaoa_match.solvers.variables import BFE, block_days

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from kaoa_match.solvers.variables import Candidates


@dataclass(frozen=True)
class GreedyInput:
    capacity: NDArray[np.int64]  # per offer
    bfe_needed: NDArray[np.int64]  # per student
    top_fields: NDArray[np.bool_]  # [student, field]
    apart: list[tuple[int, int]]
    locked: NDArray[np.int64]  # candidate indices that must be taken
    n_days: int
    seed: int
    min_group: NDArray[np.int64] | None = None  # per offer; None = no minimums
    wish_points: NDArray[np.int64] | None = None  # per candidate; None = no wishes


# Rounds of closing the groups that stayed below their minimum: each round
# closes all of them at once and places their students again, so few are
# needed; what is still short after the last round is taken out.
_CLOSING_ROUNDS = 6


def greedy_plan(
    cand: Candidates, data: GreedyInput, preferred: NDArray[np.int64] | None = None
) -> NDArray[np.int64]:
    """A feasible 0/1 choice over ``cand`` (locked rows always taken).

    ``preferred`` candidates, if given, are tried first in that order (to round
    an LP solution); then every student is filled up greedily.
    """
    state = _State(cand, data)
    for i in data.locked.tolist():
        state.take(i)
    if preferred is not None:
        for i in preferred.tolist():
            if state.chosen[i] == 0 and state.fits(i):
                state.take(i)
    order = _student_order(cand, data.seed)
    for student in order:
        state.place(student)
    slot = cand.offer * data.n_days + cand.first_day
    for last in [False] * _CLOSING_ROUNDS + [True]:
        small = small_groups(cand, state.chosen == 1, data.min_group, data.n_days, data.locked)
        if len(small) == 0:
            break
        given_back = np.flatnonzero((state.chosen == 1) & np.isin(slot, small) & (cand.kind == BFE))
        for i in given_back.tolist():
            state.give_back(i)
        state.free[small // data.n_days, small % data.n_days] = 0
        if not last:
            moved = set(cand.student[given_back].tolist())
            for student in (s for s in order if s in moved):
                state.place(student)
    return state.chosen


def small_groups(
    cand: Candidates,
    plan: NDArray[np.bool_],
    min_group: NDArray[np.int64] | None,
    n_days: int,
    locked: NDArray[np.int64],
) -> NDArray[np.int64]:
    """Offer-days (``offer * n_days + day``) of ``plan`` that run below their
    minimum group size, leaving out those that hold a locked row."""
    if min_group is None or not (min_group > 1).any():
        return np.zeros(0, dtype=np.int64)
    slot = cand.offer * n_days + cand.first_day
    in_group = plan & (cand.kind == BFE) & (min_group[cand.offer] > 1)
    slots, load = np.unique(slot[in_group], return_counts=True)
    small = slots[load < min_group[slots // n_days]]
    return np.setdiff1d(small, slot[locked])


def round_lp(cand: Candidates, data: GreedyInput, x: NDArray[np.float64]) -> NDArray[np.int64]:
    """A plan close to the LP optimum ``x``: candidates by falling LP value first."""
    values = x[: len(cand)]
    positive = np.flatnonzero(values > 1e-6)
    preferred = positive[np.argsort(-values[positive], kind="stable")]
    return greedy_plan(cand, data, preferred)


def _student_order(cand: Candidates, seed: int) -> list[int]:
    """Students with the fewest options first; ties in a seeded random order."""
    students, counts = np.unique(cand.student, return_counts=True)
    tie_break = np.random.default_rng(seed).permutation(len(students))
    return students[np.lexsort((tie_break, counts))].tolist()


class _State:
    def __init__(self, cand: Candidates, data: GreedyInput) -> None:
        self.cand, self.data = cand, data
        n_offers = len(data.capacity)
        self.free = np.repeat(data.capacity[:, None], data.n_days, axis=1)[:n_offers]
        self.chosen = np.zeros(len(cand), dtype=np.int64)
        self.days_used: dict[int, set[int]] = {}
        self.fields_used: dict[int, set[int]] = {}
        self.bfe_count: dict[int, int] = {}
        self.has_block: set[int] = set()
        self.slots: dict[int, set[int]] = {}  # student -> (company * n_days + day)
        self.partners: dict[int, list[int]] = {}
        for a, b in data.apart:
            self.partners.setdefault(a, []).append(b)
            self.partners.setdefault(b, []).append(a)
        bounds = np.searchsorted(cand.student, np.arange(int(cand.student.max(initial=-1)) + 2))
        self.bounds = bounds

    def _days(self, i: int) -> range:
        first = int(self.cand.first_day[i])
        return range(first, first + int(self.cand.n_days[i]))

    def fits(self, i: int) -> bool:
        c, s = self.cand, int(self.cand.student[i])
        days = self._days(i)
        offer = int(c.offer[i])
        if any(self.free[offer, d] <= 0 for d in days):
            return False
        used = self.days_used.get(s, set())
        if any(d in used for d in days):
            return False
        if c.kind[i] == BFE:
            if self.bfe_count.get(s, 0) >= self.data.bfe_needed[s]:
                return False
            if int(c.field[i]) in self.fields_used.get(s, set()):
                return False
        elif s in self.has_block:
            return False
        slots = {int(c.company[i]) * self.data.n_days + d for d in days}
        return not any(slots & self.slots.get(p, set()) for p in self.partners.get(s, ()))

    def take(self, i: int) -> None:
        c, s = self.cand, int(self.cand.student[i])
        self.chosen[i] = 1
        for d in self._days(i):
            self.free[int(c.offer[i]), d] -= 1
            self.days_used.setdefault(s, set()).add(d)
            self.slots.setdefault(s, set()).add(int(c.company[i]) * self.data.n_days + d)
        if c.kind[i] == BFE:
            self.bfe_count[s] = self.bfe_count.get(s, 0) + 1
            self.fields_used.setdefault(s, set()).add(int(c.field[i]))
        else:
            self.has_block.add(s)

    def give_back(self, i: int) -> None:
        """Undo :meth:`take` of the BFE option ``i``."""
        c, s = self.cand, int(self.cand.student[i])
        day = int(c.first_day[i])
        self.chosen[i] = 0
        self.free[int(c.offer[i]), day] += 1
        self.days_used[s].discard(day)
        self.slots[s].discard(int(c.company[i]) * self.data.n_days + day)
        self.bfe_count[s] -= 1
        self.fields_used[s].discard(int(c.field[i]))

    def place(self, student: int) -> None:
        """Take the student's options best first (a top-3 field, then the points
        of the wishes it grants, then the highest score, then the shortest trip)
        as long as they fit."""
        lo, hi = int(self.bounds[student]), int(self.bounds[student + 1])
        if lo == hi:
            return
        c = self.cand
        needs_block = bool((c.kind[lo:hi] != BFE).any())
        top = self.data.top_fields[student, c.field[lo:hi]]
        points = self.data.wish_points
        wished = np.zeros(hi - lo, np.int64) if points is None else points[lo:hi]
        best_first = np.lexsort((c.travel[lo:hi], -c.score[lo:hi], -wished, ~top))
        # Taking places only ever closes options, so one that does not fit now
        # never will while this student is placed: only the open ones are tried,
        # and each place taken closes what it rules out at once (``fits`` stays
        # the exact test; the mask only saves testing what cannot fit).
        order = lo + best_first[self._open(lo, hi, student)[best_first]]
        alive = np.ones(len(order), dtype=bool)
        while not self._satisfied(student, needs_block):
            k = int(np.argmax(alive)) if len(alive) else 0
            if k >= len(alive) or not alive[k]:
                return  # nothing left that could fit
            alive[k] = False
            i = int(order[k])
            if self.chosen[i] == 0 and self.fits(i):
                self.take(i)
                alive &= self._still_open(order, i)

    def _still_open(self, order: NDArray[np.int64], taken: int) -> NDArray[np.bool_]:
        """Which options ``order`` of the student of ``taken`` may still fit once
        ``taken`` is booked: none on its days, none in its field (BFE), no other
        block (Praktikum), none at its offer on a day it filled up."""
        c = self.cand
        first, last = c.first_day[order], c.first_day[order] + c.n_days[order] - 1
        t_first = int(c.first_day[taken])
        t_last = t_first + int(c.n_days[taken]) - 1
        ok: NDArray[np.bool_] = (last < t_first) | (first > t_last)
        if c.kind[taken] == BFE:
            ok &= (c.kind[order] != BFE) | (c.field[order] != c.field[taken])
        else:
            ok &= c.kind[order] == BFE
        offer = int(c.offer[taken])
        full = [d for d in self._days(taken) if self.free[offer, d] <= 0]
        if full:
            same = c.offer[order] == offer
            for d in full:
                ok &= ~(same & (first <= d) & (last >= d))
        return ok

    def _open(self, lo: int, hi: int, student: int) -> NDArray[np.bool_]:
        """Which of the options ``lo .. hi-1`` of ``student`` have a free place on
        each of their days, on days and (BFE) in fields the student has not used."""
        c = self.cand
        days = block_days(c.first_day[lo:hi], c.n_days[lo:hi])
        ok = np.asarray((self.free[c.offer[lo:hi][:, None], days] > 0).all(axis=1))
        used_days = self.days_used.get(student)
        if used_days:
            ok &= ~np.isin(days, list(used_days)).any(axis=1)
        used_fields = self.fields_used.get(student)
        if used_fields:
            ok &= ~((c.kind[lo:hi] == BFE) & np.isin(c.field[lo:hi], list(used_fields)))
        return ok

    def _satisfied(self, student: int, needs_block: bool) -> bool:
        bfe_done = self.bfe_count.get(student, 0) >= self.data.bfe_needed[student]
        return bfe_done and (student in self.has_block or not needs_block)
