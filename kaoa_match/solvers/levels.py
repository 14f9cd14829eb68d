"""The catalogue of levels and the order a solve follows.

Every other module reads this catalogue instead of spelling the levels out:
whether each is maximised or minimised, and which bounds over every option
of the Kreis apply to it. The order of the levels and their tolerances are
the planner's (``priorities.csv``, :attr:`kaoa_match.model.Problem.effective_priorities`),
read here once into an :class:`Order`; without one the contract's default
(:data:`kaoa_match.model.DEFAULT_PRIORITIES`, :data:`DEFAULT_ORDER`) applies.
The expressions of the levels over the model's variables are built in
``objectives.py``, their per-student and term bounds there and in
``bounds/whole_kreis.py``; the time each level gets is in ``budget.py``.

This module imports only the data model (``plan.py`` reads it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from kaoa_match.model import DEFAULT_PRIORITIES

if TYPE_CHECKING:
    from collections.abc import Iterable

    from kaoa_match.model import Priority

Sense = Literal["max", "min"]

WholeKreisMethod = Literal["lagrangian", "lp-prices"]
"""How a level is bounded over every option, beyond the model's own bound:
by subgradient steps on the Lagrangian, or at the prices of its LP (PDLP)."""


@dataclass(frozen=True)
class LevelSpec:
    """One level of the lexicographic order: what it counts and how it is bounded.

    A level is held, while the levels after it run, as one linear row: at
    least its value (``max``) or at most its value (``min``), loosened by its
    tolerance (:meth:`Order.held_at`).

    ``lagrangian_holds`` and ``lp_prices_holds`` name the levels that a bound
    over every option may hold at the plan's value; a solve uses only those
    above this level in its order (:meth:`Order.holds`), since a bound is the
    best value with the levels above held, never the levels below.
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
        # fairness as the students it may leave without a top-3 field
        # (``bounds.whole_kreis._off_top_row``)
        lp_prices_holds=("fairness",),
    ),
    LevelSpec("together", "max", "together pair at one company on a common day"),
    LevelSpec(
        "interest",
        "max",
        "interest score point",
        whole_kreis=("lp-prices", "lagrangian"),
        lp_prices_holds=("fairness", "wishes"),
    ),
    LevelSpec(
        "travel",
        "min",
        "minute of travel",
        # With nobody placed travel would be 0, and with interest free its
        # bound says nothing of a plan that holds interest: the LP holds both.
        whole_kreis=("lp-prices", "lagrangian"),
        lagrangian_holds=("coverage",),
        lp_prices_holds=("coverage", "fairness", "wishes", "interest"),
    ),
)
"""The spec's levels in the contract's listing (``levels.bounded_by`` keeps it:
the wishes LP before the interest LP). The order a solve follows is an
:class:`Order`."""

_BY_NAME = {spec.name: spec for spec in LEVELS}


def spec(name: str) -> LevelSpec:
    """The catalogue entry of level ``name``."""
    return _BY_NAME[name]


def senses() -> dict[str, Sense]:
    """Each level's sense, by name."""
    return {s.name: s.sense for s in LEVELS}


def signed(name: str, value: int) -> int:
    """A value of level ``name`` as a maximised objective sees it (a minimised
    level negated), or such a value back (negation is its own inverse)."""
    return value if spec(name).maximize else -value


def bounded_by(method: WholeKreisMethod) -> tuple[str, ...]:
    """The levels bounded over every option by ``method``, in priority order."""
    return tuple(s.name for s in LEVELS if method in s.whole_kreis)


@dataclass(frozen=True)
class Order:
    """The order a solve follows, highest priority first, and each level's
    tolerance as a fraction (1 % -> 0.01): the planner's priorities."""

    names: tuple[str, ...]
    tolerance: dict[str, float] = field(default_factory=dict)

    @classmethod
    def of(cls, priorities: Iterable[Priority]) -> Order:
        """The order of ``priorities`` (a valid problem's: every level once)."""
        rows = list(priorities)
        return cls(
            tuple(p.level for p in rows),
            {p.level: p.fraction for p in rows if p.fraction > 0},
        )

    def specs(self) -> tuple[LevelSpec, ...]:
        """The catalogue entries in this order."""
        return tuple(spec(name) for name in self.names)

    def above(self, name: str) -> tuple[str, ...]:
        """The levels before ``name``, highest first."""
        return self.names[: self.names.index(name)]

    def holds(self, name: str, held: Iterable[str]) -> tuple[str, ...]:
        """Of the levels ``held`` by a bound of ``name``, those above it."""
        above = set(self.above(name))
        return tuple(k for k in held if k in above)

    def tolerance_of(self, name: str) -> float:
        return self.tolerance.get(name, 0.0)

    def held_at(self, name: str, value: int) -> int:
        """The value level ``name`` is held at while the levels below it run,
        after it reached ``value``: at least ``(1 - t) * value`` (maximised)
        or at most ``(1 + t) * value`` (minimised), rounded inwards to a whole
        number (the levels' values are); ``value`` itself with ``t = 0``."""
        t = self.tolerance_of(name)
        if t == 0:
            return value
        # The small margin keeps 0.99 * 100 from rounding to 100 by float error.
        if spec(name).maximize:
            return math.ceil(value * (1 - t) - 1e-9)
        return math.floor(value * (1 + t) + 1e-9)

    def as_priorities(self) -> list[dict[str, object]]:
        """The order as ``summary.json`` records it: ``[{"level": ..., "tolerance":
        percent}, ...]``, highest first."""
        return [
            {"level": name, "tolerance": round(self.tolerance_of(name) * 100, 6)}
            for name in self.names
        ]


DEFAULT_ORDER = Order.of(DEFAULT_PRIORITIES)
"""The contract's default order and tolerances (no ``priorities.csv``)."""

NAMES: tuple[str, ...] = DEFAULT_ORDER.names
"""The levels in the default order, highest first."""
