"""The catalogue of levels: the one place that lists them, in priority order.

Every other module reads this catalogue instead of spelling the levels out:
their order (``NAMES``), whether each is maximised or minimised, and which
bounds over every option of the Kreis apply to it. The expressions of the
levels over the model's variables are built in ``objectives.py``, their
per-student and term bounds there and in ``bounds/whole_kreis.py``; the time
each level gets is in ``budget.py``.

This module imports nothing of the package (``plan.py`` reads it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Sense = Literal["max", "min"]

WholeKreisMethod = Literal["lagrangian", "lp-prices"]
"""How a level is bounded over every option, beyond the model's own bound:
by subgradient steps on the Lagrangian, or at the prices of its LP (PDLP)."""


@dataclass(frozen=True)
class LevelSpec:
    """One level of the lexicographic order: what it counts and how it is bounded.

    A level is held, while the levels after it run, as one linear row: at
    least its value (``max``) or at most its value (``min``).
    """

    name: str
    sense: Sense
    unit: str  # what one unit of the value is, for a reader
    whole_kreis: tuple[WholeKreisMethod, ...] = ()
    # Earlier levels held at the plan's value in that bound (a travel bound
    # with nobody placed would be 0).
    lagrangian_holds: tuple[str, ...] = ()
    lp_prices_holds: tuple[str, ...] = ()

    @property
    def maximize(self) -> bool:
        return self.sense == "max"


LEVELS: tuple[LevelSpec, ...] = (
    LevelSpec(
        "coverage",
        "max",
        "placement (a BFE day or a Praktikum block)",
        whole_kreis=("lagrangian",),
    ),
    LevelSpec(
        "stability",
        "max",
        "published row of the previous plan kept",
        whole_kreis=("lagrangian",),
    ),
    LevelSpec(
        "fairness",
        "max",
        "student with a placement in a top-3 field",
        whole_kreis=("lagrangian",),
    ),
    LevelSpec(
        "wishes",
        "max",
        "wish point (6 - rank per wish granted)",
        whole_kreis=("lp-prices", "lagrangian"),
    ),
    LevelSpec(
        "interest",
        "max",
        "interest score point",
        whole_kreis=("lp-prices", "lagrangian"),
        lp_prices_holds=("wishes",),
    ),
    LevelSpec(
        "travel",
        "min",
        "minute of travel",
        whole_kreis=("lagrangian",),
        lagrangian_holds=("coverage",),
    ),
    LevelSpec("together", "max", "together pair at one company on a common day"),
)
"""The spec's levels, highest priority first."""

NAMES: tuple[str, ...] = tuple(spec.name for spec in LEVELS)

_BY_NAME = {spec.name: spec for spec in LEVELS}


def spec(name: str) -> LevelSpec:
    """The catalogue entry of level ``name``."""
    return _BY_NAME[name]


def senses() -> dict[str, Sense]:
    """Each level's sense, by name."""
    return {s.name: s.sense for s in LEVELS}


def bounded_by(method: WholeKreisMethod) -> tuple[str, ...]:
    """The levels bounded over every option by ``method``, in priority order."""
    return tuple(s.name for s in LEVELS if method in s.whole_kreis)
