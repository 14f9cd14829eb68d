"""The spec's six objectives as linear expressions, highest priority first.

Some levels count students or pairs, not options; they get an indicator
variable each (``ModelBuilder.new_indicator``), bounded above by the options
that can make it true, so that maximising the indicators counts exactly the
students (pairs) that qualify.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from kaoa_match.plan import SENSES
from kaoa_match.solvers.builder import iter_groups
from kaoa_match.solvers.constraints import company_days

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from kaoa_match.solvers.builder import ModelBuilder
    from kaoa_match.solvers.variables import Candidates


@dataclass(frozen=True)
class Level:
    """One objective: ``sum(coeffs * variables)``, maximised or minimised."""

    name: str
    variables: NDArray[np.int64]
    coeffs: NDArray[np.int64]

    @property
    def maximize(self) -> bool:
        return SENSES[self.name] == "max"

    def value(self, solution: NDArray[np.int64]) -> int:
        return int(np.dot(solution[self.variables], self.coeffs))

    def trivial_bound(self) -> int:
        """A bound that needs no proof: every term at its best."""
        if self.maximize:
            return int(self.coeffs[self.coeffs > 0].sum())
        return int(self.coeffs[self.coeffs < 0].sum())


def build_levels(
    b: ModelBuilder,
    cand: Candidates,
    published: NDArray[np.int64],
    top_fields: NDArray[np.bool_],
    together: list[tuple[int, int]],
    n_days: int,
) -> list[Level]:
    """All six levels in priority order."""
    everything = np.arange(len(cand), dtype=np.int64)
    ones = np.ones(len(cand), dtype=np.int64)
    return [
        Level("coverage", everything, ones),
        Level("stability", published, np.ones(len(published), dtype=np.int64)),
        _fairness(b, cand, top_fields),
        _positive("interest", everything, cand.score),
        _positive("travel", everything, cand.travel),
        _together(b, cand, together, n_days),
    ]


def _positive(name: str, variables: NDArray[np.int64], coeffs: NDArray[np.int64]) -> Level:
    nonzero = coeffs != 0
    return Level(name, variables[nonzero], coeffs[nonzero])


def _fairness(b: ModelBuilder, cand: Candidates, top_fields: NDArray[np.bool_]) -> Level:
    """Students with at least one placement in one of their top-3 fields.

    ``top_fields[student, field]`` is True for the student's top-3 fields.
    """
    top = np.flatnonzero(top_fields[cand.student, cand.field])
    flags = [b.new_indicator([members]) for _, members in iter_groups(cand.student[top], top)]
    return Level("fairness", np.asarray(flags, np.int64), np.ones(len(flags), np.int64))


def _together(
    b: ModelBuilder,
    cand: Candidates,
    pairs: list[tuple[int, int]],
    n_days: int,
) -> Level:
    """``together`` pairs at the same company on at least one common day."""
    slots = company_days(cand, {s for pair in pairs for s in pair}, n_days)
    flags = []
    for first, second in pairs:
        mine, theirs = slots.get(first, {}), slots.get(second, {})
        shared = [
            b.new_indicator([np.asarray(mine[s], np.int64), np.asarray(theirs[s], np.int64)])
            for s in sorted(mine.keys() & theirs.keys())
        ]
        if shared:
            flags.append(b.new_indicator([np.asarray(shared, np.int64)]))
    return Level("together", np.asarray(flags, np.int64), np.ones(len(flags), np.int64))
