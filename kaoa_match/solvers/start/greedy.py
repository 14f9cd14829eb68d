"""A fast greedy plan, the warm start (complete hint) of the CP-SAT levels.

Students come one by one, those with the fewest options first; each takes,
for every BFE day it still needs, the free place that is best for it (a top-3
field, then the student's own wishes, then the highest interest score, then
the shortest trip) in a field and
on a day it does not have yet, and then the best free Praktikum block, course
(in a field of its own) or Langzeitpraktikum, each on dates the student has
free (a Langzeitpraktikum may share dates with the Praktikum block only). That
is roughly what a well-run portal gives and always obeys every hard rule.

A Träger group (a BFE day or a course) with a minimum size that the students
do not fill is closed, as a portal cancels such a group: its students give their places there back
and take the best free ones again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from kaoa_match.solvers.variables import BFE, COURSE, LANGZEIT, PRAKTIKUM, block_days

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
    courses_needed: NDArray[np.int64] | None = None  # per student; None = no courses


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
        grouped = (cand.kind == BFE) | (cand.kind == COURSE)
        given_back = np.flatnonzero((state.chosen == 1) & np.isin(slot, small) & grouped)
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
    """Offer-days (``offer * n_days + day``; a course: its first day) of
    ``plan`` that run below their minimum group size, leaving out those that
    hold a locked row."""
    if min_group is None or not (min_group > 1).any():
        return np.zeros(0, dtype=np.int64)
    slot = cand.offer * n_days + cand.first_day
    grouped = (cand.kind == BFE) | (cand.kind == COURSE)
    in_group = plan & grouped & (min_group[cand.offer] > 1)
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
        # A Langzeitpraktikum's capacity holds per weekday, not per date.
        self.weekday_free = np.repeat(data.capacity[:, None], 5, axis=1)
        self.chosen = np.zeros(len(cand), dtype=np.int64)
        self.days_used: dict[int, set[int]] = {}  # BFE days, blocks and courses
        self.daily_used: dict[int, set[int]] = {}  # BFE days and courses only
        self.langzeit_days: dict[int, set[int]] = {}
        self.fields_used: dict[int, set[int]] = {}  # BFE
        self.course_fields: dict[int, set[int]] = {}
        self.bfe_count: dict[int, int] = {}
        self.has_block: set[int] = set()
        self.has_langzeit: set[int] = set()
        self.slots: dict[int, set[int]] = {}  # student -> (company * n_days + day)
        self.partners: dict[int, list[int]] = {}
        for a, b in data.apart:
            self.partners.setdefault(a, []).append(b)
            self.partners.setdefault(b, []).append(a)
        bounds = np.searchsorted(cand.student, np.arange(int(cand.student.max(initial=-1)) + 2))
        self.bounds = bounds
        courses = data.courses_needed
        self.courses_needed = (
            np.zeros(len(data.bfe_needed), np.int64) if courses is None else courses
        )

    def _weekdays(self, i: int) -> list[int]:
        mask = int(self.cand.weekdays[i])
        return [w for w in range(5) if mask >> w & 1]

    def fits(self, i: int) -> bool:
        c, s = self.cand, int(self.cand.student[i])
        kind = int(c.kind[i])
        days = self.cand.days_of(i)
        offer = int(c.offer[i])
        if kind == LANGZEIT:
            if s in self.has_langzeit or any(
                self.weekday_free[offer, w] <= 0 for w in self._weekdays(i)
            ):
                return False
            clash = self.daily_used.get(s, set())
        else:
            if any(self.free[offer, d] <= 0 for d in days):
                return False
            clash = self.days_used.get(s, set())
            if kind != PRAKTIKUM:
                clash = clash | self.langzeit_days.get(s, set())
        if any(d in clash for d in days):
            return False
        if kind == BFE:
            if self.bfe_count.get(s, 0) >= self.data.bfe_needed[s]:
                return False
            if int(c.field[i]) in self.fields_used.get(s, set()):
                return False
        elif kind == COURSE:
            mine = self.course_fields.get(s, set())
            if len(mine) >= self.courses_needed[s] or int(c.field[i]) in mine:
                return False
        elif kind == PRAKTIKUM and s in self.has_block:
            return False
        slots = {int(c.company[i]) * self.data.n_days + d for d in days}
        return not any(slots & self.slots.get(p, set()) for p in self.partners.get(s, ()))

    def take(self, i: int) -> None:
        c, s = self.cand, int(self.cand.student[i])
        kind = int(c.kind[i])
        self.chosen[i] = 1
        days = self.cand.days_of(i)
        if kind == LANGZEIT:
            for w in self._weekdays(i):
                self.weekday_free[int(c.offer[i]), w] -= 1
            self.langzeit_days.setdefault(s, set()).update(days)
            self.has_langzeit.add(s)
        else:
            for d in days:
                self.free[int(c.offer[i]), d] -= 1
            self.days_used.setdefault(s, set()).update(days)
            if kind != PRAKTIKUM:
                self.daily_used.setdefault(s, set()).update(days)
        company = int(c.company[i]) * self.data.n_days
        self.slots.setdefault(s, set()).update(company + d for d in days)
        if kind == BFE:
            self.bfe_count[s] = self.bfe_count.get(s, 0) + 1
            self.fields_used.setdefault(s, set()).add(int(c.field[i]))
        elif kind == COURSE:
            self.course_fields.setdefault(s, set()).add(int(c.field[i]))
        elif kind == PRAKTIKUM:
            self.has_block.add(s)

    def give_back(self, i: int) -> None:
        """Undo :meth:`take` of the BFE option or course ``i``."""
        c, s = self.cand, int(self.cand.student[i])
        self.chosen[i] = 0
        for day in self.cand.days_of(i):
            self.free[int(c.offer[i]), day] += 1
            self.days_used[s].discard(day)
            self.daily_used[s].discard(day)
            self.slots[s].discard(int(c.company[i]) * self.data.n_days + day)
        if c.kind[i] == BFE:
            self.bfe_count[s] -= 1
            self.fields_used[s].discard(int(c.field[i]))
        else:
            self.course_fields[s].discard(int(c.field[i]))

    def place(self, student: int) -> None:
        """Take the student's options best first (a top-3 field, then the points
        of the wishes it grants, then the highest score, then the shortest trip)
        as long as they fit."""
        lo, hi = int(self.bounds[student]), int(self.bounds[student + 1])
        if lo == hi:
            return
        c = self.cand
        kinds = set(c.kind[lo:hi].tolist())
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
        while not self._satisfied(student, kinds):
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
        ``taken`` is booked: none on its days (a Langzeitpraktikum's dates are
        left to :meth:`fits`), none of its kind in its field (BFE, course), no
        other block or Langzeitpraktikum, none at its offer on a day it filled up."""
        c = self.cand
        kind = int(c.kind[taken])
        first, last = c.first_day[order], c.first_day[order] + c.n_days[order] - 1
        t_first = int(c.first_day[taken])
        t_last = t_first + int(c.n_days[taken]) - 1
        ok: NDArray[np.bool_] = np.ones(len(order), dtype=bool)
        if kind != LANGZEIT:
            ok &= (last < t_first) | (first > t_last) | (c.kind[order] == LANGZEIT)
        if kind in (BFE, COURSE):
            ok &= (c.kind[order] != kind) | (c.field[order] != c.field[taken])
        else:
            ok &= c.kind[order] != kind
        offer = int(c.offer[taken])
        full = [d for d in c.days_of(taken) if self.free[offer, d] <= 0] if kind != LANGZEIT else []
        if full:
            same = c.offer[order] == offer
            for d in full:
                ok &= ~(same & (first <= d) & (last >= d))
        return ok

    def _open(self, lo: int, hi: int, student: int) -> NDArray[np.bool_]:
        """Which of the options ``lo .. hi-1`` of ``student`` have a free place on
        each of their days, on days and (BFE, course) in fields the student has
        not used (a Langzeitpraktikum's dates are left to :meth:`fits`)."""
        c = self.cand
        lz = c.kind[lo:hi] == LANGZEIT
        days = block_days(c.first_day[lo:hi], c.n_days[lo:hi])
        ok = np.asarray((self.free[c.offer[lo:hi][:, None], days] > 0).all(axis=1)) | lz
        used_days = self.days_used.get(student)
        if used_days:
            ok &= ~np.isin(days, list(used_days)).any(axis=1) | lz
        for kind, used in ((BFE, self.fields_used), (COURSE, self.course_fields)):
            used_fields = used.get(student)
            if used_fields:
                ok &= ~((c.kind[lo:hi] == kind) & np.isin(c.field[lo:hi], list(used_fields)))
        return ok

    def _satisfied(self, student: int, kinds: set[int]) -> bool:
        done = self.bfe_count.get(student, 0) >= self.data.bfe_needed[student]
        if PRAKTIKUM in kinds:
            done &= student in self.has_block
        if LANGZEIT in kinds:
            done &= student in self.has_langzeit
        if COURSE in kinds:
            done &= len(self.course_fields.get(student, ())) >= self.courses_needed[student]
        return bool(done)
