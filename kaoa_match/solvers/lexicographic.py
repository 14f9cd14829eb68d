"""Lexicographic optimisation: each level optimised, then held while the next is.

Every level starts from the previous level's plan as a complete hint, so a
level never returns a plan worse than the one it was handed. Levels share the
time limit; time a level does not use passes on to the next.
"""

from __future__ import annotations

import math
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Self

import numpy as np
from ortools.sat.python import cp_model

from kaoa_match.exceptions import SolverError
from kaoa_match.plan import LevelResult

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from kaoa_match.model import SolveOptions
    from kaoa_match.solvers.builder import ModelBuilder
    from kaoa_match.solvers.objectives import Indicators, Level

Progress = Callable[[str, int, float, float], None]
"""Called as ``progress(level, value, bound, seconds_so_far)``."""

# Share of the time limit each level may use; unused time passes on.
_TIME_SHARE = {
    "coverage": 0.35,
    "stability": 0.1,
    "fairness": 0.15,
    "interest": 0.2,
    "travel": 0.15,
    "together": 0.05,
}


class Infeasible(Exception):
    """The first level has no solution at all: the locked rows conflict."""


@dataclass
class LexResult:
    solution: NDArray[np.int64]
    levels: list[LevelResult]
    interrupted: bool


class _Watcher(cp_model.CpSolverSolutionCallback):
    """Reports each new plan to the progress callback."""

    def __init__(self, level: str, progress: Progress, start: float) -> None:
        super().__init__()
        self._level, self._progress, self._start = level, progress, start

    def on_solution_callback(self) -> None:
        self._progress(
            self._level,
            round(self.objective_value),
            self.best_objective_bound,
            time.monotonic() - self._start,
        )


class _Interrupt:
    """Turns Ctrl-C into 'stop the search and keep the best plan so far'."""

    def __init__(self) -> None:
        self.requested = False
        self.solver: cp_model.CpSolver | None = None
        self._previous: object = None

    def __enter__(self) -> Self:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)  # type: ignore[arg-type]

    def _handle(self, signum: int, frame: object) -> None:
        self.requested = True
        if self.solver is not None:
            self.solver.stop_search()


def optimise(
    b: ModelBuilder,
    levels: list[Level],
    indicators: Indicators,
    hint: NDArray[np.int64],
    options: SolveOptions,
    progress: Progress | None = None,
) -> LexResult:
    """Optimise ``levels`` in order from the feasible plan ``hint`` (all variables)."""
    start = time.monotonic()
    solution = indicators.complete(hint.copy())
    results: list[LevelResult] = []
    all_vars = np.arange(b.num_vars, dtype=np.int64)
    with _Interrupt() as interrupt:
        for k, level in enumerate(levels):
            level_start = time.monotonic()
            if interrupt.requested:
                results.append(_not_optimised(level, solution))
                continue
            if len(level.variables) == 0:
                results.append(LevelResult(level.name, _sense(level), 0, 0, "optimal", 0.0))
                continue
            b.set_objective(level.variables, level.coeffs, level.maximize)
            b.set_hint(all_vars, solution)
            budget = _budget(options.time_limit_s, start, levels[k:])
            solver = _solver(options, budget)
            interrupt.solver = solver
            watcher = _Watcher(level.name, progress, start) if progress else None
            status = solver.solve(b.model, watcher)
            interrupt.solver = None
            solution, result = _read_level(solver, status, level, solution, k, level_start)
            results.append(result)
            _hold(b, level, result.value)
            if progress:
                progress(level.name, result.value, result.bound, time.monotonic() - start)
    return LexResult(solution, results, interrupt.requested)


def _sense(level: Level) -> str:
    return "max" if level.maximize else "min"


def _budget(limit: float | None, start: float, remaining: list[Level]) -> float | None:
    if limit is None:
        return None
    left = max(limit - (time.monotonic() - start), 0.01)
    shares = [_TIME_SHARE[lv.name] for lv in remaining if len(lv.variables)]
    return left * _TIME_SHARE[remaining[0].name] / max(sum(shares), 1e-9)


def _solver(options: SolveOptions, budget: float | None) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.num_workers = options.workers
    params.random_seed = options.seed
    if options.workers == 1:
        params.interleave_search = False
    if budget is not None:
        params.max_time_in_seconds = budget
    return solver


def _read_level(
    solver: cp_model.CpSolver,
    status: int,
    level: Level,
    previous: NDArray[np.int64],
    k: int,
    level_start: float,
) -> tuple[NDArray[np.int64], LevelResult]:
    seconds = time.monotonic() - level_start
    if status == cp_model.MODEL_INVALID:
        raise SolverError(
            f"CP-SAT rejected the model at level {level.name}: {solver.solution_info}"
        )
    if status == cp_model.INFEASIBLE:
        if k == 0:
            raise Infeasible
        raise SolverError(f"level {level.name} became infeasible although a plan was held")
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        solution = np.asarray(solver.response_proto.solution, dtype=np.int64)
        value = level.value(solution)
        bound = _proven_bound(solver.best_objective_bound, level)
        state = "optimal" if status == cp_model.OPTIMAL else "feasible"
        return solution, LevelResult(level.name, _sense(level), value, bound, state, seconds)
    # UNKNOWN: no plan within the time; keep the one we were handed.
    bound = _proven_bound(solver.best_objective_bound, level)
    value = level.value(previous)
    return previous, LevelResult(level.name, _sense(level), value, bound, "feasible", seconds)


def _proven_bound(raw: float, level: Level) -> int:
    """The solver's bound as an integer on the safe side (objectives are integral)."""
    if not math.isfinite(raw):
        return level.trivial_bound()
    if level.maximize:
        return min(math.floor(raw + 1e-6), level.trivial_bound())
    return max(math.ceil(raw - 1e-6), level.trivial_bound())


def _hold(b: ModelBuilder, level: Level, value: int) -> None:
    """Keep this level at least as good as ``value`` while later levels run."""
    big = int(np.abs(level.coeffs).sum())
    if level.maximize:
        b.add_linear(level.variables, level.coeffs, value, big)
    else:
        b.add_linear(level.variables, level.coeffs, -big, value)


def _not_optimised(level: Level, solution: NDArray[np.int64]) -> LevelResult:
    value = level.value(solution)
    return LevelResult(level.name, _sense(level), value, level.trivial_bound(), "unknown", 0.0)
