"""The one rule for bounds and statuses: which bound is tighter, which holds,
and when a level is proven ("optimal when the value equals the bound").

Every stage that sets a level's bound or status goes through these functions:
the search (``lexicographic``), the bounds over every option and the
pipeline's final combination of them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from kaoa_match.solvers.levels import signed, spec

if TYPE_CHECKING:
    from kaoa_match.plan import LevelResult, Status
    from kaoa_match.solvers.bounds.whole_kreis import PairsCap


def exceeds(name: str, a: int, b: int) -> bool:
    """Whether ``a`` lies beyond ``b`` on level ``name``: a strictly better
    value, or a value that a bound ``b`` would rule out."""
    return a > b if spec(name).maximize else a < b


def tighter(name: str, a: int, b: int) -> int:
    """The tighter of two bounds of level ``name``."""
    return min(a, b) if spec(name).maximize else max(a, b)


def status_at(value: int, bound: int, claimed: Status) -> Status:
    """A level's status: ``optimal`` when its value equals its bound; else what
    was ``claimed``, except that an ``optimal`` the bound no longer proves is
    only ``feasible``."""
    if value == bound:
        return "optimal"
    return "feasible" if claimed == "optimal" else claimed


@dataclass(frozen=True)
class HeldBound:
    """A level's bound over every option from the Lagrangian ``value`` at prices
    that include ``prices[k]`` for each earlier level ``k`` held at ``held[k]``.
    The same prices bound the level for any other held values: each unit a
    plan's level ``k`` lies above ``held[k]`` lowers the bound by ``prices[k]``
    (``L = Σ best + Σ λ·capacity − Σ μ·held``)."""

    value: float
    held: dict[str, int]
    prices: dict[str, float]
    # A minimised level (travel) is bounded as its negation, maximised: ``value``
    # is then the bound of minus the level.
    maximize: bool = True

    def for_plan(self, values: dict[str, int]) -> int:
        """The bound for plans at least as good as ``values`` on the held levels
        (in the level's own sense: a lower bound of a minimised level)."""
        bound = self.value + sum(
            p * (signed(k, self.held[k]) - signed(k, values[k])) for k, p in self.prices.items()
        )
        upper = math.floor(bound + 1e-6 * max(1.0, abs(bound)))
        # Minutes are never negative: a minimised level's bound is at least 0.
        return upper if self.maximize else max(-upper, 0)


def whole_kreis_bound(
    name: str,
    whole_kreis: dict[str, int],
    held_bounds: dict[str, HeldBound],
    values: dict[str, int],
    held_for: dict[str, dict[str, int]] | None = None,
) -> tuple[int | None, str]:
    """The tightest bound over every option for level ``name`` of a plan with
    these level ``values``, and where it comes from. A bound of ``whole_kreis``
    that held levels above at values (``held_for``) the plan falls short of
    (a level with a tolerance gave some up) is no bound for it: left out."""
    bound, source = whole_kreis.get(name), "lagrangian"
    held = (held_for or {}).get(name, {})
    if any(exceeds(k, at, values[k]) for k, at in held.items()):
        bound = None
    priced = held_bounds.get(name)
    if priced is not None:
        at_plan = priced.for_plan(values)
        if bound is None or exceeds(name, bound, at_plan):
            bound, source = at_plan, "lp-prices"
    return bound, source


def capped(level: LevelResult, cap: tuple[int, str] | None) -> LevelResult:
    """A level of a cut model with ``cap`` (over every option) as its bound in
    place of the model's own, which holds only for the model's options (a
    rerun's settled students keep only their own)."""
    if cap is None:
        return level
    bound, source = cap
    status = status_at(level.value, bound, level.status)
    return replace(level, bound=bound, status=status, bound_source=source)


def tightened(level: LevelResult, bound: int | None, source: str) -> LevelResult:
    """``level`` with a whole-Kreis ``bound`` where it is tighter than its own."""
    if bound is None or not exceeds(level.name, level.bound, bound):
        return level
    status = status_at(level.value, bound, level.status)
    return replace(level, bound=bound, status=status, bound_source=source)


def final_levels(
    levels: list[LevelResult],
    caps: dict[str, tuple[int, str]],
    whole_kreis: dict[str, int],
    held_bounds: dict[str, HeldBound],
    held_for: dict[str, dict[str, int]] | None = None,
    pairs: PairsCap | None = None,
) -> list[LevelResult]:
    """The levels of the plan with the bounds that hold for the whole Kreis: a
    cut model's ``caps`` in place of its own, then the tighter of those and
    the bounds over every option (``whole_kreis``, ``held_bounds``; see
    :func:`whole_kreis_bound` for ``held_for``), and for ``together`` the
    ``pairs`` bound at the plan's fairness (given only where fairness comes
    before ``together``)."""
    values = {level.name: level.value for level in levels}
    final = [
        tightened(
            capped(level, caps.get(level.name)),
            *whole_kreis_bound(level.name, whole_kreis, held_bounds, values, held_for),
        )
        for level in levels
    ]
    if pairs is None:
        return final
    together = pairs.bound(values["fairness"])
    return [tightened(lv, together, "pairs") if lv.name == "together" else lv for lv in final]
