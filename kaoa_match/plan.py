"""The result of a solve: the plan as tables, the status, and each level's proof."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from kaoa_match.model import KINDS
from kaoa_match.solvers.levels import NAMES, Sense, senses

if TYPE_CHECKING:
    import pandas as pd

Status = Literal["optimal", "feasible", "infeasible", "unknown"]

OBJECTIVES: tuple[str, ...] = NAMES
"""The spec's objectives, highest priority first (see ``solvers/levels.py``)."""

SENSES: dict[str, Sense] = senses()

ASSIGNMENT_COLUMNS = [
    "student_id",
    "school_id",
    "kind",
    "offer_id",
    "company_id",
    "field_id",
    "start_date",
    "end_date",
    "travel_min",
    "score",
    "weekdays",
]
UNASSIGNED_COLUMNS = ["student_id", "school_id", "kind", "missing", "reason"]


BOUND_SOURCES: dict[str, str] = {
    "model": "LP relaxation or CP-SAT search of the exact model (every option)",
    "lagrangian": "Lagrangian relaxation over every eligible option of the Kreis",
    "lp-prices": "the same relaxation at the prices of its LP (PDLP; interest: wishes held)",
    "per-student": "each student's own best placements, capacity ignored",
    "terms": "every term of the level at its best",
    "pairs": "pairs with a place for both, as far as fairness above lets them meet",
    "mixed": "independent parts of the Kreis, bounded in different ways",
}
"""Where a level's bound comes from; every one of them holds for the whole Kreis."""


def relative_gap(value: int, bound: int) -> float:
    """Relative distance between a value and its bound (0 = proven optimal)."""
    diff = abs(bound - value)
    return 0.0 if diff == 0 else diff / max(abs(bound), abs(value), 1)


def combined_status(states: set[Status]) -> Status:
    """The status of a whole made of independent parts: theirs if they agree,
    else ``feasible`` (a plan exists, not every part is proven)."""
    return next(iter(states)) if len(states) == 1 else "feasible"


@dataclass(frozen=True)
class LevelResult:
    """One level of the lexicographic optimisation.

    ``bound`` is the best bound the solver proved for this level while every
    earlier level was held (at its value, or within its tolerance); for
    ``travel`` it is a lower bound, for every other level an upper bound.
    ``bound_source`` says where it comes from (see :data:`BOUND_SOURCES`).

    A level with a tolerance has ``reached``, the value its own search
    reached (the plan's value then), and ``held_at``, the value it was held
    at while the levels below it ran; the plan's ``value`` lies between
    them. ``status`` is ``optimal`` only when ``value`` equals ``bound``:
    a level that gave up part of its value for the levels below is
    ``feasible``, and :attr:`proven` says whether it is still proven.
    """

    name: str
    sense: Sense
    value: int
    bound: int
    status: Status
    seconds: float
    bound_source: str = "model"
    reached: int | None = None
    held_at: int | None = None

    @property
    def gap(self) -> float:
        """Relative distance between value and bound (0 = proven optimal)."""
        return relative_gap(self.value, self.bound)

    @property
    def proven(self) -> bool:
        """Whether the plan is proven best on this level as the planner's order
        asks: its value equals its bound, or, for a level with a tolerance,
        the value its search reached equals its bound (the best possible with
        the levels above held) and the plan keeps the level within its
        tolerance of that."""
        if self.status == "optimal":
            return True
        if self.reached is None or self.held_at is None or self.reached != self.bound:
            return False
        low, high = sorted((self.held_at, self.reached))
        return low <= self.value <= high


@dataclass
class Plan:
    """A placement plan with its quality and how it was proven.

    ``status`` is ``optimal`` only when every level was proven
    (:attr:`LevelResult.proven`: at its bound, or within its tolerance of it).
    """

    status: Status
    levels: list[LevelResult]
    assignments: pd.DataFrame
    unassigned: pd.DataFrame
    solve_seconds: float
    interrupted: bool = False
    stats: dict[str, float | int | str] = field(default_factory=dict)
    changes: pd.DataFrame | None = None
    """Per student, what changed against ``previous.csv`` (None without one)."""

    @property
    def objectives(self) -> dict[str, int]:
        return {lv.name: lv.value for lv in self.levels}

    @property
    def bounds(self) -> dict[str, int]:
        return {lv.name: lv.bound for lv in self.levels}

    @property
    def gaps(self) -> dict[str, float]:
        return {lv.name: lv.gap for lv in self.levels}

    def summary(self) -> dict[str, object]:
        """The content of ``summary.json``."""
        return {
            "status": self.status,
            "interrupted": self.interrupted,
            "objectives": self.objectives,
            "bounds": self.bounds,
            "gaps": {k: round(v, 6) for k, v in self.gaps.items()},
            "level_seconds": {lv.name: round(lv.seconds, 3) for lv in self.levels},
            "level_status": {lv.name: lv.status for lv in self.levels},
            "bound_sources": {lv.name: lv.bound_source for lv in self.levels},
            "tolerance_held": {
                lv.name: {"reached": lv.reached, "held_at": lv.held_at}
                for lv in self.levels
                if lv.held_at is not None
            },
            "solve_seconds": round(self.solve_seconds, 3),
            "assigned_rows": len(self.assignments),
            "students_short": int(self.unassigned["student_id"].nunique()),
            # Per kind: rows placed, and placements still missing.
            "placed_per_kind": _per_kind(self.assignments["kind"]),
            "missing_per_kind": _per_kind(self.unassigned["kind"], self.unassigned["missing"]),
            "stats": self.stats,
        }

    def __str__(self) -> str:
        lines = [f"status: {self.status}   solve time: {self.solve_seconds:.1f} s"]
        lines.append(f"{'level':<10} {'value':>10} {'bound':>10} {'gap':>8}  status")
        for lv in self.levels:
            lines.append(f"{lv.name:<10} {lv.value:>10} {lv.bound:>10} {lv.gap:>8.2%}  {lv.status}")
        return "\n".join(lines)


def _per_kind(kinds: pd.Series, counts: pd.Series | None = None) -> dict[str, int]:
    """``{"bfe": n, "praktikum": n, "praxiskurs": n, "langzeit": n}``: rows of
    each kind, or the sum of ``counts`` over them."""
    values = [1] * len(kinds) if counts is None else [int(c) for c in counts]
    totals: dict[str, int] = dict.fromkeys(KINDS, 0)
    for kind, value in zip(kinds, values, strict=True):
        totals[str(kind)] = totals.get(str(kind), 0) + value
    return totals
