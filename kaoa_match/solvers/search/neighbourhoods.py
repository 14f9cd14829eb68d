"""Who may move in one round of a local search: the neighbourhoods.

A neighbourhood is a mask over students. The search
(``lexicographic._LevelRun._local_search``) fixes every other student's
options at the plan in hand and lets CP-SAT re-plan the free ones. Small
neighbourhoods are solved to the end in a fraction of a second; whole schools
often are not: on kreis-olpe's cut model the two students of a ``together``
pair, freed alone, were placed together at once (2 of 3 pairs, 0.1 s each),
while 144 students of their schools found nothing in 4 s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from kaoa_match.solvers.variables import WishMatches

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from kaoa_match.solvers.variables import Candidates

# The fewest and most students of one adaptive neighbourhood round.
_SMALLEST = 8
_LARGEST = 400


@dataclass
class Neighbourhoods:
    """Neighbourhoods over the candidates of one model.

    ``groups[s]`` is student ``s``'s group (the school: its students share
    dates and nearby companies, so they can trade places).
    """

    cand: Candidates
    groups: NDArray[np.int64]
    rng: np.random.Generator
    wishes: WishMatches = field(default_factory=WishMatches.none)
    size: float = 30.0  # students of the next adaptive round (see ``adapt``)

    @property
    def n_students(self) -> int:
        return len(self.groups)

    def of(self, students: NDArray[np.int64] | list[int]) -> NDArray[np.bool_]:
        """The neighbourhood of exactly these students."""
        free = np.zeros(self.n_students, dtype=bool)
        free[np.asarray(students, dtype=np.int64)] = True
        return free

    def slots(self, positions: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """For the candidates at ``positions``: each (position, company-day slot)
        they occupy, a slot being ``company * (days + 1) + day``."""
        sub = self.cand.take(positions)
        owner, day = sub.expand_days()
        width = int(self.cand.first_day.max(initial=0) + self.cand.n_days.max(initial=1)) + 1
        return positions[owner], sub.company[owner].astype(np.int64) * width + day

    def apart(self, pairs: list[tuple[int, int]], plan: NDArray[np.int64]) -> list[int]:
        """Indices of the ``pairs`` that ``plan`` (over the candidates) does not
        place at one company on a common day."""
        placed = np.flatnonzero(plan[: len(self.cand)] == 1)
        position, slot = self.slots(placed)
        student = self.cand.student[position]
        slots_of: dict[int, set[int]] = {}
        for s, key in zip(student.tolist(), slot.tolist(), strict=True):
            slots_of.setdefault(s, set()).add(key)
        return [
            k
            for k, (a, b) in enumerate(pairs)
            if slots_of.get(a, set()).isdisjoint(slots_of.get(b, set()))
        ]

    def pair_and_rivals(
        self, pair: tuple[int, int], plan: NDArray[np.int64], size: int, chain: bool = False
    ) -> NDArray[np.bool_]:
        """A pair and up to ``size`` students placed where both could go on a
        common day (a company and day both have an option for), whole slots at
        a time, the slots the pair likes best first (the lower of the two
        scores, with random ties): those who may have to make room for them.
        With ``chain``, half of ``size`` such rivals and, for the rest, students
        placed where those rivals could go instead, their best-scoring such
        places first: a rival whose other places are full needs one of their
        holders to move on (an ejection chain; the levels above hold only if
        the rivals keep what they give them)."""
        a, b = pair
        cand = self.cand
        mine = np.flatnonzero((cand.student == a) | (cand.student == b))
        position, slot = self.slots(mine)
        owner = cand.student[position]
        shared = np.intersect1d(slot[owner == a], slot[owner == b])
        if len(shared) == 0:
            return self.of([a, b])
        # The pair's best score at each shared slot, the lower of the two.
        liking = np.full(len(shared), np.iinfo(np.int64).max, dtype=np.int64)
        for student in (a, b):
            at = np.isin(slot, shared) & (owner == student)
            best = np.zeros(len(shared), dtype=np.int64)
            np.maximum.at(best, np.searchsorted(shared, slot[at]), cand.score[position[at]])
            liking = np.minimum(liking, best)
        order = np.lexsort((self.rng.random(len(shared)), -liking))
        placed = np.flatnonzero(plan[: len(cand)] == 1)
        placed_position, placed_slot = self.slots(placed)
        at_shared = np.isin(placed_slot, shared)
        occupant, occupied = cand.student[placed_position[at_shared]], placed_slot[at_shared]
        first_ring = size // 2 if chain else size
        chosen: set[int] = set()
        for key in shared[order].tolist():
            there = set(occupant[occupied == key].tolist()) - {a, b}
            if chosen and len(chosen | there) > first_ring:
                break
            chosen |= there
        if chain and chosen:
            rivals = np.asarray(sorted(chosen), np.int64)
            chosen |= self._next_in_chain(rivals, plan, size - len(chosen), shared)
        return self.of([a, b, *sorted(chosen - {a, b})])

    def _next_in_chain(
        self, rivals: NDArray[np.int64], plan: NDArray[np.int64], size: int, away: NDArray[np.int64]
    ) -> set[int]:
        """Up to ``size`` students placed where one of ``rivals`` could go
        instead (not at the slots ``away``, which the pair wants), at the
        rivals' best-scoring such places first."""
        cand = self.cand
        chosen = plan[: len(cand)] == 1
        theirs = np.flatnonzero(np.isin(cand.student, rivals) & ~chosen)
        if len(theirs) == 0 or size <= 0:
            return set()
        position, slot = self.slots(theirs)
        elsewhere = ~np.isin(slot, away)
        position, slot = position[elsewhere], slot[elsewhere]
        placed_position, placed_slot = self.slots(np.flatnonzero(chosen))
        occupant = cand.student[placed_position]
        found: list[int] = []
        order = np.lexsort((self.rng.random(len(slot)), -cand.score[position]))
        for key in slot[order].tolist():
            for student in occupant[placed_slot == key].tolist():
                if student not in found and student not in rivals:
                    found.append(student)
            if len(found) >= size:
                break
        return set(found[:size])

    def gains(self, level: str, plan: NDArray[np.int64]) -> NDArray[np.int64]:
        """Positions of the candidates not in ``plan`` that would do better on
        ``level`` than what their student has: an option granting a wish not
        granted yet; a higher score, or a shorter way, than the student's
        weakest placement of that kind. Empty for the other levels."""
        cand = self.cand
        chosen = plan[: len(cand)] == 1
        if level == "wishes":
            w = self.wishes
            open_wish = ~w.granted(chosen)[w.wish]
            return np.unique(w.option[open_wish & ~chosen[w.option]])
        if level not in ("interest", "travel"):
            return np.zeros(0, dtype=np.int64)
        # Per (student, kind): the weakest placement, or none (then any option gains).
        value = cand.score if level == "interest" else -cand.travel
        value = value.astype(np.int64)
        key = cand.student.astype(np.int64) * 8 + cand.kind
        weakest = np.full(int(key.max(initial=0)) + 1, np.iinfo(np.int64).max)
        np.minimum.at(weakest, key[chosen], value[chosen])
        return np.flatnonzero(~chosen & (value > weakest[key]))

    def seeds_and_rivals(
        self, gains: NDArray[np.int64], plan: NDArray[np.int64]
    ) -> NDArray[np.bool_]:
        """About ``size`` students: a few who could gain (their candidates in
        ``gains``), and those placed where those gains lie, who may have to make
        room; seeds of one group, so that rivals are classmates more often."""
        cand = self.cand
        seed_students = np.unique(cand.student[gains])
        group = self.groups[self.rng.choice(seed_students)]
        seed_students = seed_students[self.groups[seed_students] == group]
        wanted = max(round(self.size), 2)
        seeds = self.rng.permutation(seed_students)[: max(wanted // 4, 1)]
        _, gain_slot = self.slots(gains[np.isin(cand.student[gains], seeds)])
        placed = np.flatnonzero(plan[: len(cand)] == 1)
        placed_position, placed_slot = self.slots(placed)
        rivals = np.setdiff1d(
            np.unique(cand.student[placed_position[np.isin(placed_slot, gain_slot)]]), seeds
        )
        room = wanted - len(seeds)
        if len(rivals) > room:
            rivals = self.rng.choice(rivals, room, replace=False)
        return self.of(np.r_[seeds, rivals])

    def sample(self) -> NDArray[np.bool_]:
        """About ``size`` students of one random group, and of more groups
        while the first has fewer students than that."""
        students = np.unique(self.cand.student)
        groups = self.groups[students]
        chosen: list[NDArray[np.int64]] = []
        wanted = round(self.size)
        for group in self.rng.permutation(np.unique(groups)).tolist():
            members = students[groups == group]
            take = min(len(members), wanted - sum(len(c) for c in chosen))
            chosen.append(self.rng.choice(members, take, replace=False))
            if sum(len(c) for c in chosen) >= wanted:
                break
        return self.of(np.concatenate(chosen) if chosen else np.zeros(0, np.int64))

    def adapt(self, solved_to_the_end: bool) -> None:
        """Grow the next sample after a round CP-SAT solved to the end, shrink
        it after one it did not: rounds stay just small enough to finish."""
        factor = 1.25 if solved_to_the_end else 0.75
        self.size = min(max(self.size * factor, _SMALLEST), _LARGEST)
