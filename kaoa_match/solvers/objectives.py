"""The levels of ``levels.py`` as linear expressions over the model's variables.

Some levels count students or pairs, not options; they get an indicator
variable each (``ModelBuilder.new_indicator``), bounded above by the options
that can make it true, so that maximising the indicators counts exactly the
students (pairs) that qualify.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from kaoa_match.solvers.builder import iter_groups
from kaoa_match.solvers.constraints import meeting_places
from kaoa_match.solvers.levels import DEFAULT_ORDER, Order, spec
from kaoa_match.solvers.variables import BFE, COURSE, LANGZEIT, PRAKTIKUM, WishMatches

if TYPE_CHECKING:
    from collections.abc import Callable

    from numpy.typing import NDArray

    from kaoa_match.solvers.builder import ModelBuilder
    from kaoa_match.solvers.variables import Candidates


@dataclass(frozen=True)
class Level:
    """One objective: ``sum(coeffs * variables)``, maximised or minimised."""

    name: str
    variables: NDArray[np.int64]
    coeffs: NDArray[np.int64]
    cap: int | None = None  # a bound known without any search (per-student limits)
    cap_source: str = "per-student"  # where ``cap`` comes from: see plan.BOUND_SOURCES

    @property
    def maximize(self) -> bool:
        return spec(self.name).maximize

    def value(self, solution: NDArray[np.int64]) -> int:
        return int(np.dot(solution[self.variables], self.coeffs))

    def bound_source(self, bound: int) -> str:
        """Where ``bound`` comes from, if it is no better than :meth:`trivial_bound`."""
        if self.cap is not None and bound == self.cap:
            return self.cap_source
        return "terms" if bound == self.trivial_bound() else "model"

    def trivial_bound(self) -> int:
        """A bound that needs no proof: every term at its best."""
        if self.maximize:
            best = int(self.coeffs[self.coeffs > 0].sum())
            return best if self.cap is None else min(best, self.cap)
        best = int(self.coeffs[self.coeffs < 0].sum())
        return best if self.cap is None else max(best, self.cap)


def build_levels(
    b: ModelBuilder,
    cand: Candidates,
    published: NDArray[np.int64],
    top_fields: NDArray[np.bool_],
    together: list[tuple[int, int]],
    n_days: int,
    caps: dict[str, tuple[int, str]] | None = None,
    wishes: WishMatches | None = None,
    order: Order = DEFAULT_ORDER,
    capacity: NDArray[np.int64] | None = None,
) -> list[Level]:
    """Every level of the catalogue, in the solve's ``order``; ``caps`` are
    bounds known beforehand, each with its source
    (:data:`kaoa_match.plan.BOUND_SOURCES`); ``capacity`` (per offer) leaves
    out of ``together`` the pairs with no place that takes both."""
    everything = np.arange(len(cand), dtype=np.int64)
    # Built in the solve's order: the indicators of the counting levels are
    # new variables, numbered in that order.
    expressions: dict[str, Callable[[], Level]] = {
        "coverage": lambda: Level("coverage", everything, np.ones(len(cand), dtype=np.int64)),
        "stability": lambda: Level("stability", published, np.ones(len(published), dtype=np.int64)),
        "fairness": lambda: _fairness(b, cand, top_fields),
        "wishes": lambda: _wishes(b, cand, wishes or WishMatches.none()),
        "interest": lambda: _positive("interest", everything, cand.score),
        "travel": lambda: _positive("travel", everything, cand.travel),
        "together": lambda: _together(b, cand, together, n_days, capacity),
    }
    levels = [expressions[name]() for name in order.names]
    for name, (cap, source) in (caps or {}).items():
        k = next(i for i, level in enumerate(levels) if level.name == name)
        levels[k] = replace(levels[k], cap=cap, cap_source=source)
    return levels


def _positive(name: str, variables: NDArray[np.int64], coeffs: NDArray[np.int64]) -> Level:
    nonzero = coeffs != 0
    return Level(name, variables[nonzero], coeffs[nonzero])


# Candidates a step of per_student_caps reads at a time.
_CAPS_CHUNK = 1_000_000


def per_student_caps(
    cand: Candidates,
    bfe_most: NDArray[np.int64],
    wishes: WishMatches | None = None,
    courses_needed: NDArray[np.int64] | None = None,
) -> dict[str, tuple[int, str]]:
    """Coverage, wishes and interest bounds from each student's own options,
    capacity ignored (wishes: every wish with an option, granted).

    ``bfe_most[s]`` is the most BFE days student ``s`` can get (distinct days
    and fields); interest then is at most the sum of that many of the
    student's best field scores, plus the best Praktikum and Langzeitpraktikum
    scores and the best course scores of ``courses_needed[s]`` distinct
    fields (None: a course in every field it has courses in).
    """
    n = len(bfe_most)
    # A student's score depends on the field only: a (student, field) table,
    # -1 where the student has no BFE option in the field. Filled in chunks,
    # since over every option of a large Kreis (koeln: 17.7 M) the copies of
    # the columns would take hundreds of MB.
    n_fields = int(cand.field.max(initial=0)) + 1
    score_in = np.full((n, n_fields), -1, dtype=np.int64)
    for lo in range(0, len(cand), _CAPS_CHUNK):
        part = slice(lo, lo + _CAPS_CHUNK)
        bfe = cand.kind[part] == BFE
        score_in[cand.student[part][bfe], cand.field[part][bfe]] = cand.score[part][bfe]
    # Each student's ``bfe_most`` best fields.
    ranked = -np.sort(-score_in, axis=1)
    taken = (np.arange(n_fields)[None, :] < bfe_most[:, None]) & (ranked >= 0)
    best_bfe = int(ranked[taken].sum())
    ones = np.ones(len(cand), dtype=np.int64)
    caps = {
        "coverage": (
            int(bfe_most.sum() + best_other(cand, ones, n, courses_needed).sum()),
            "per-student",
        ),
        "interest": (
            best_bfe + int(best_other(cand, cand.score, n, courses_needed).sum()),
            "per-student",
        ),
    }
    if wishes is not None:
        caps["wishes"] = (_wish_cap(cand, bfe_most, wishes, courses_needed), "per-student")
    return caps


def _wish_cap(
    cand: Candidates,
    bfe_most: NDArray[np.int64],
    wishes: WishMatches,
    courses_needed: NDArray[np.int64] | None = None,
) -> int:
    """Per student, the smaller of: every wish with an option granted, and the
    points of the student's best placements (its ``bfe_most`` best BFE options
    and best block, each with the points of every wish it grants)."""
    n = len(bfe_most)
    if len(wishes.option) == 0:
        return 0
    granted_once = np.unique(wishes.wish, return_index=True)[1]
    owner = cand.student[wishes.option[granted_once]]
    every_wish = np.bincount(owner, weights=wishes.weight[wishes.wish[granted_once]], minlength=n)
    points = wishes.option_points(len(cand))
    bfe = np.flatnonzero((cand.kind == BFE) & (points > 0))
    order = bfe[np.lexsort((-points[bfe], cand.student[bfe]))]
    student = cand.student[order]
    rank = np.arange(len(order)) - np.searchsorted(student, student, side="left")
    keep = order[rank < bfe_most[student]]
    best = np.bincount(cand.student[keep], weights=points[keep], minlength=n)
    other = best_other(cand, points, n, courses_needed)
    return int(np.minimum(every_wish, best + other).sum())


def best_other(
    cand: Candidates,
    value: NDArray[np.int64],
    n: int,
    courses_needed: NDArray[np.int64] | None = None,
) -> NDArray[np.int64]:
    """Per student, the most ``value`` (per candidate, ≥ 0) its placements
    other than BFE days can add, capacity and dates ignored: its best
    Praktikum block, its best Langzeitpraktikum and its best course in each
    of its ``courses_needed`` best Berufsfelder (the courses of a participant
    lie in distinct fields; None: every field it has courses in)."""
    best = np.zeros(n, dtype=np.int64)
    for kind in (PRAKTIKUM, LANGZEIT):  # at most one of each
        of_kind = np.flatnonzero(cand.kind == kind)
        top = np.zeros(n, dtype=np.int64)
        np.maximum.at(top, cand.student[of_kind], value[of_kind])
        best += top
    courses = np.flatnonzero(cand.kind == COURSE)
    if len(courses):
        n_fields = int(cand.field.max(initial=0)) + 1
        key = cand.student[courses] * n_fields + cand.field[courses]
        cells, where = np.unique(key, return_inverse=True)
        top = np.zeros(len(cells), dtype=np.int64)
        np.maximum.at(top, where.ravel(), value[courses])
        owner = cells // n_fields
        if courses_needed is not None:
            # A participant takes ``courses_needed`` courses, not one per field.
            order = np.lexsort((-top, owner))
            rank = np.arange(len(order)) - np.searchsorted(owner[order], owner[order])
            keep = np.zeros(len(cells), dtype=bool)
            keep[order] = rank < courses_needed[owner[order]]
            owner, top = owner[keep], top[keep]
        best += np.bincount(owner, weights=top, minlength=n).astype(np.int64)
    return best


def _fairness(b: ModelBuilder, cand: Candidates, top_fields: NDArray[np.bool_]) -> Level:
    """Students with at least one placement in one of their top-3 fields.

    ``top_fields[student, field]`` is True for the student's top-3 fields.
    """
    top = np.flatnonzero(top_fields[cand.student, cand.field])
    flags = [b.new_indicator([members]) for _, members in iter_groups(cand.student[top], top)]
    return Level("fairness", np.asarray(flags, np.int64), np.ones(len(flags), np.int64))


def _wishes(b: ModelBuilder, cand: Candidates, wishes: WishMatches) -> Level:
    """``6 - rank`` for each wish granted, once however many placements grant it.

    Where at most one of a wish's options can be in any plan (one offer; BFE
    days or courses of one Berufsfeld; Praktikum blocks; Langzeitpraktika)
    the options carry the points
    themselves; otherwise (a company with places in several fields) an
    indicator per wish does, bounded by its options.
    """
    points = np.zeros(len(cand), dtype=np.int64)
    flags: list[int] = []
    flag_points: list[int] = []
    for wish, members in iter_groups(wishes.wish, wishes.option):
        kind, field = cand.kind[members], cand.field[members]
        one_field = kind[0] not in (BFE, COURSE) or (field == field[0]).all()
        if (kind == kind[0]).all() and one_field:
            points[members] += wishes.weight[wish]
        else:
            flags.append(b.new_indicator([members]))
            flag_points.append(int(wishes.weight[wish]))
    direct = np.flatnonzero(points)
    return Level(
        "wishes",
        np.r_[direct, np.asarray(flags, np.int64)].astype(np.int64),
        np.r_[points[direct], np.asarray(flag_points, np.int64)].astype(np.int64),
    )


def _together(
    b: ModelBuilder,
    cand: Candidates,
    pairs: list[tuple[int, int]],
    n_days: int,
    capacity: NDArray[np.int64] | None,
) -> Level:
    """``together`` pairs at the same company on at least one common day: a
    flag only for a pair with a place that takes both, so that the level's
    terms count the pairs that can share a company day at all.

    A Langzeitpraktikum date inside the student's Praktikum block is no date
    (it pauses): there it counts only while no block of the student covers
    the day."""
    blocks = _block_days(cand, {s for pair in pairs for s in pair})
    flags = []
    for (first, second), shared in zip(
        pairs, meeting_places(cand, pairs, n_days, capacity), strict=True
    ):
        slots = []
        for slot, (mine, theirs) in shared.items():
            day = slot % n_days
            here = [
                _present(b, cand, np.asarray(members, np.int64), blocks.get((s, day), []))
                for s, members in ((first, mine), (second, theirs))
            ]
            slots.append(b.new_indicator(here))
        if slots:
            flags.append(b.new_indicator([np.asarray(slots, np.int64)]))
    return Level("together", np.asarray(flags, np.int64), np.ones(len(flags), np.int64))


def _block_days(cand: Candidates, students: set[int]) -> dict[tuple[int, int], list[int]]:
    """(student, day) -> the Praktikum blocks of ``students`` that cover the day."""
    covering: dict[tuple[int, int], list[int]] = {}
    chosen = np.fromiter(students, np.int64, len(students))
    blocks = np.flatnonzero((cand.kind == PRAKTIKUM) & np.isin(cand.student, chosen))
    for i in blocks.tolist():
        for day in cand.days_of(i):
            covering.setdefault((int(cand.student[i]), day), []).append(i)
    return covering


def _present(
    b: ModelBuilder, cand: Candidates, members: NDArray[np.int64], blocks: list[int]
) -> NDArray[np.int64]:
    """The candidates (and at most one indicator) of which one is true when
    the student is at the slot's company on its day: a Langzeitpraktikum
    only while none of ``blocks`` is chosen."""
    lz = cand.kind[members] == LANGZEIT
    if not blocks or not lz.any():
        return members
    paused = b.new_unless(members[lz], np.asarray(blocks, np.int64))
    return np.r_[members[~lz], np.int64(paused)].astype(np.int64)
