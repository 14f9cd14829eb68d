"""The LP relaxation of a level, solved by HiGHS (through scipy's ``linprog``).

CP-SAT's own LP is slow on models with tens of thousands of columns; HiGHS
solves the relaxation of a whole Kreis in seconds. What it gives each level:

- a proven bound (the LP optimum, rounded to the safe side, since objectives
  are integral): when it meets the plan in hand, the level is proven optimal
  without any search;
- the fractional optimum, which guides a rounding heuristic to a good plan;
- reduced costs: a variable whose reduced cost exceeds the gap between the
  LP bound and the plan in hand is 0 (or 1) in every strictly better plan,
  so the CP-SAT search for a better plan may fix it (reduced-cost fixing).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csr_matrix, vstack

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from kaoa_match.solvers.builder import LinearSystem
    from kaoa_match.solvers.objectives import Level

_INTEGRAL_TOL = 1e-6
_ROW_TOL = 1e-6


@dataclass(frozen=True)
class LpResult:
    """The relaxation of one level, in the level's own sense (max or min)."""

    optimum: float
    bound: int  # safe integer bound of the level
    x: NDArray[np.float64]
    reduced_cost: NDArray[np.float64]  # >= 0 at the lower bound, <= 0 at the upper
    seconds: float
    maximize: bool
    free: NDArray[np.bool_]  # variables whose bounds leave them a choice

    def integral_solution(self, system: LinearSystem) -> NDArray[np.int64] | None:
        """The LP optimum as a plan, if it is integral and obeys every row."""
        rounded = np.round(self.x)
        if np.abs(self.x - rounded).max(initial=0.0) > _INTEGRAL_TOL:
            return None
        activity = system.matrix @ rounded
        if np.any(activity < system.row_lo - _ROW_TOL) or np.any(
            activity > system.row_hi + _ROW_TOL
        ):
            return None
        return rounded.astype(np.int64)

    @property
    def num_free(self) -> int:
        """How many variables the LP had a choice for."""
        return int(self.free.sum())

    def fixable(self, value: int) -> int:
        """How many variables :meth:`fixings` of ``value`` fixes (cheaper)."""
        slack = self._slack(value, strictly_better=True)
        return int(np.count_nonzero(self.free & (np.abs(self.reduced_cost) > slack)))

    def _slack(self, value: int, strictly_better: bool) -> float:
        sign = -1.0 if self.maximize else 1.0
        lp_min = sign * self.optimum
        target_min = sign * value - (1.0 if strictly_better else 0.0)
        return target_min - lp_min + 1e-6 * max(1.0, abs(lp_min))

    def fixings(
        self, value: int, strictly_better: bool = True
    ) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """Variables that are 0 (first array) or 1 (second) in every plan strictly
        better than ``value``, or with ``strictly_better`` False in every plan at
        least as good (reduced-cost fixing: a plan's level value is the LP optimum
        plus at least the reduced cost of each variable it moves off its bound)."""
        slack = self._slack(value, strictly_better)
        # A variable fixed already has a reduced cost too, but nothing to fix.
        at_zero = np.flatnonzero(self.free & (self.reduced_cost > slack))
        at_one = np.flatnonzero(self.free & (self.reduced_cost < -slack))
        return at_zero.astype(np.int64), at_one.astype(np.int64)


def solve_relaxation(
    system: LinearSystem, level: Level, time_limit: float | None
) -> LpResult | None:
    """Optimise ``level`` over the LP relaxation; None if HiGHS did not finish.

    The dual simplex gives vertices, which round far better than the
    interior-point method's points (measured on the example: fairness 383
    against 296 after rounding).
    """
    start = time.monotonic()
    system = system.for_lp()
    sign = -1.0 if level.maximize else 1.0
    cost = np.zeros(system.matrix.shape[1])
    np.add.at(cost, level.variables, sign * level.coeffs)  # a variable may appear twice
    a_ub, b_ub, a_eq, b_eq = _split_rows(system)
    options: dict[str, float | bool] = {"presolve": True}
    if time_limit is not None:
        options["time_limit"] = max(time_limit, 0.1)
    bounds = np.column_stack([system.var_lo, system.var_hi])
    for method in ("highs-ds", "highs-ipm"):  # the interior point method as a fallback
        result = linprog(
            cost, a_ub, b_ub, a_eq, b_eq, bounds=bounds, method=method, options=options
        )
        if result.status == 0 and result.x is not None:
            break
        if time_limit is not None and time.monotonic() - start >= time_limit:
            return None
    else:
        return None
    optimum = sign * float(result.fun)
    # Round towards the weaker side, with room for HiGHS's tolerances.
    slack = 1e-6 * max(1.0, abs(optimum))
    bound = math.floor(optimum + slack) if level.maximize else math.ceil(optimum - slack)
    reduced = np.asarray(result.lower.marginals) + np.asarray(result.upper.marginals)
    return LpResult(
        optimum,
        bound,
        np.asarray(result.x),
        reduced,
        time.monotonic() - start,
        level.maximize,
        system.var_lo < system.var_hi,
    )


def _split_rows(
    system: LinearSystem,
) -> tuple[
    csr_matrix | None, NDArray[np.float64] | None, csr_matrix | None, NDArray[np.float64] | None
]:
    """Ranged rows ``lo <= Ax <= hi`` as ``linprog`` wants them: equalities, and
    ``<=`` rows for each side that can bind given the variable bounds."""
    a = system.matrix
    lo_part = a.multiply(a > 0) @ system.var_lo + a.multiply(a < 0) @ system.var_hi
    hi_part = a.multiply(a > 0) @ system.var_hi + a.multiply(a < 0) @ system.var_lo
    equal = system.row_lo == system.row_hi
    upper = ~equal & (system.row_hi < hi_part)
    lower = ~equal & (system.row_lo > lo_part)
    blocks = [a[upper], -a[lower]]
    a_ub = vstack(blocks).tocsr() if upper.any() or lower.any() else None
    b_ub = np.r_[system.row_hi[upper], -system.row_lo[lower]] if a_ub is not None else None
    a_eq = a[equal] if equal.any() else None
    b_eq = system.row_lo[equal] if equal.any() else None
    return a_ub, b_ub, a_eq, b_eq
