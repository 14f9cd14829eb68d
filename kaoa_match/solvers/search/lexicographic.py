"""Lexicographic optimisation: each level optimised, then held while the next is.

The levels come in the solve's order (``levels.Order``: the planner's
priorities). A level with a tolerance is held, while the levels below it run,
at no worse than ``(1 - t)`` times the value it reached (``(1 + t)`` for a
minimised level), so the levels below may take that much of it.

Every level starts from the previous level's plan as a complete hint, so a
level never returns a plan worse than the one it was handed. Levels share the
time limit; time a level does not use passes on to the next.
"""

from __future__ import annotations

import logging
import math
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Self

import numpy as np
from ortools.sat.python import cp_model

from kaoa_match.exceptions import SolverError
from kaoa_match.plan import LevelResult
from kaoa_match.solvers.bounds.combine import exceeds, status_at, tighter
from kaoa_match.solvers.budget import Deadline, TimePolicy
from kaoa_match.solvers.builder import (
    fix_variables,
    restricted_model,
    set_hint,
    set_objective,
)
from kaoa_match.solvers.levels import DEFAULT_ORDER, Order, spec
from kaoa_match.solvers.objectives import Level
from kaoa_match.solvers.relaxation import solve_relaxation
from kaoa_match.solvers.search.cpsat import (
    cp_solver,
    found_plan,
    proven_infeasible,
    proven_optimal,
    raise_if_invalid,
)

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from kaoa_match.model import SolveOptions
    from kaoa_match.plan import Status
    from kaoa_match.solvers.builder import LinearSystem, ModelBuilder
    from kaoa_match.solvers.relaxation import LpResult
    from kaoa_match.solvers.search.neighbourhoods import Neighbourhoods

_log = logging.getLogger(__name__)

Progress = Callable[[str, int, float, float, bool], None]
"""Called as ``progress(level, value, bound, seconds_so_far, level_done)``. A
reporter that also has a method ``stage(text)`` is told each stage as it
begins (see :func:`announce`)."""


def announce(progress: Progress | None, stage: str) -> None:
    """Tell ``progress`` what runs now, if it shows stages."""
    show = getattr(progress, "stage", None)
    if show is not None:
        show(stage)


# The time of each level and of its steps: see ``budget.TimePolicy``.
_UNUSED_IN_LP = 1e-6
_ROW_SLACK = 1e-6
_REPAIR_ROUNDS = 4
_LNS_STUDENTS = 120  # students free in one neighbourhood round
_LNS_ROUNDS = 40  # without a time limit
_PAIR_RIVALS = 30  # students who may make room for a together pair in one round
_PAIR_TRIES = 6  # rounds of such neighbourhoods for each pair kept apart
# A search for a strictly better plan starts over in a smaller model once a plan
# it found lets reduced-cost fixing fix this many more variables and this share
# of those still free (the example's travel below interest held within 1 %:
# the LP gap falls from about 1,200 minutes at the near-LP plan to a few dozen).
_REFIX_MIN = 500
_REFIX_SHARE = 0.05


@dataclass(frozen=True)
class _Tolerance:
    """A level held within a tolerance: the plan where it was reached, and ``share``
    (the tolerance, 0-1) of its value there that the levels below may take."""

    level: Level
    reached: NDArray[np.int64]
    share: float


class Infeasible(Exception):
    """The first level has no solution at all: the locked rows conflict."""


@dataclass
class LexResult:
    solution: NDArray[np.int64]
    levels: list[LevelResult]
    interrupted: bool


class _Watcher(cp_model.CpSolverSolutionCallback):
    """Reports each new plan to the progress callback, and with ``refix`` (the
    level's LP and the number of variables fixed in the search) stops the search
    at a plan that lets reduced-cost fixing fix many more: the search then goes
    on from that plan in a smaller model (see ``_LevelRun._search``)."""

    def __init__(
        self,
        level: str,
        progress: Progress | None,
        start: float,
        refix: tuple[LpResult, int] | None = None,
        close_enough: Callable[[int], bool] | None = None,
        offset: int = 0,
    ) -> None:
        super().__init__()
        self._level, self._progress, self._start = level, progress, start
        self._refix = refix
        self._close_enough = close_enough
        self._offset = offset  # the level's value outside the model (fixed variables)
        self.refixed = False  # stopped for a smaller model

    def on_solution_callback(self) -> None:
        value = round(self.objective_value) + self._offset
        if self._progress is not None:
            self._progress(
                self._level,
                value,
                self.best_objective_bound,
                time.monotonic() - self._start,
                False,
            )
        if self._close_enough is not None and self._close_enough(value):
            # Near enough to a bound CP-SAT may not know (the LP's): done.
            self.stop_search()
            return
        if self._refix is not None and not self.refixed:
            lp, fixed = self._refix
            now = lp.fixable(value)
            if now - fixed >= max(_REFIX_MIN, _REFIX_SHARE * (lp.num_free - fixed)):
                self.refixed = True
                self.stop_search()


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

    def run(
        self,
        solver: cp_model.CpSolver,
        model: cp_model.CpModel,
        callback: cp_model.CpSolverSolutionCallback | None = None,
    ) -> cp_model.CpSolverStatus:
        """``solver.solve`` in a worker thread, so that the main thread stays free
        to take Ctrl-C and stop the search (which then returns its best plan)."""
        if self.requested:
            solver.parameters.max_time_in_seconds = 0.0
        outcome: list[cp_model.CpSolverStatus] = []
        worker = threading.Thread(target=lambda: outcome.append(solver.solve(model, callback)))
        self.solver = solver
        worker.start()
        while worker.is_alive():
            worker.join(0.1)
        self.solver = None
        return outcome[0] if outcome else cp_model.UNKNOWN


Rounder = Callable[["NDArray[np.float64]"], "NDArray[np.int64]"]
"""Turns an LP optimum into a feasible plan (over the candidate variables)."""

Polish = Callable[["NDArray[np.int64]", float], "NDArray[np.int64]"]
"""Given a plan (over the candidate variables) and seconds, a plan that is
lexicographically no worse, never with fewer placements: see ``solvers/start/flows.py``."""

Repair = Callable[["NDArray[np.int64]"], "NDArray[np.bool_]"]
"""Given a plan (over the candidate variables), the students free to move when
coverage is searched without an LP: see ``_LevelRun._repair``."""


def optimise(
    b: ModelBuilder,
    levels: list[Level],
    hint: NDArray[np.int64],
    options: SolveOptions,
    rounder: Rounder,
    owner: NDArray[np.int64],
    progress: Progress | None = None,
    bounds_hold: bool = True,
    repair: Repair | None = None,
    neighbourhoods: Neighbourhoods | None = None,
    polish: Polish | None = None,
    *,
    deadline: Deadline,
    policy: TimePolicy,
    order: Order = DEFAULT_ORDER,
    pairs: list[tuple[int, int]] | None = None,
) -> LexResult:
    """Optimise ``levels`` in order from the feasible plan ``hint`` (all variables);
    ``order`` gives each level's tolerance (the levels come in its order);
    ``pairs`` are the ``together`` pairs (students), searched first by moving
    the pairs kept apart (see ``_LevelRun.pair_rounds``); ``neighbourhoods``
    say who moves in a round of local search.

    ``owner[i]`` is the student of candidate variable ``i``. With
    ``bounds_hold`` False the model is a restriction of the problem: the
    solver's bounds then guide the search but only each level's ``cap``
    (per-student limits) is reported as its bound. ``polish``, if given, improves
    the plan before each level after the first: a search for an earlier level
    may have found a better value there by a plan much worse below it.
    The levels share the time until ``deadline`` as ``policy`` says.
    """
    solution = b.complete(hint.copy())
    if not b.satisfied_by(solution):
        solution = b.complete(_any_plan(b, options, deadline.seconds))
    results: list[LevelResult] = []
    held: list[tuple[Level, int]] = []
    # The longest time an LP of this model was given in vain, for levels that
    # count (every coefficient the same) and for weighted ones: a count's LP is
    # far more degenerate (siegen-wittgenstein's cut model: the coverage LP did
    # not finish in 25 s, the interest LP takes 12 s).
    lp_failed_within = {True: 0.0, False: 0.0}
    levels_time = deadline.left()
    tolerant: list[_Tolerance] = []  # the levels held within a tolerance
    with _Interrupt() as interrupt:
        if not bounds_hold and pairs and neighbourhoods is not None:
            solution = _pairs_first(
                b,
                levels,
                solution,
                options,
                rounder,
                owner,
                interrupt,
                neighbourhoods,
                pairs,
                policy.pairs_first_seconds(levels_time),
                policy,
            )
        for k, level in enumerate(levels):
            if interrupt.requested:
                results.append(_not_optimised(level, solution))
                continue
            budget = _budget(deadline, levels[k:], policy, levels_time, cut=not bounds_hold)
            # The flows know nothing of pairs: before together their time goes
            # to the pair rounds instead (praktikum-2700: 0.3 of the level's
            # time, no flow round changed the plan); the interest level polishes.
            if polish is not None and k > 0 and not (level.name == "together" and pairs):
                seconds = policy.polish_seconds if budget is None else budget * policy.polish_share
                solution = _polished(b, levels[k:], solution, len(owner), polish, seconds)
            second = levels[k + 1] if k == 0 and len(levels) > 1 else None
            if second is not None and level.value(solution) == level.trivial_bound():
                # Coverage at its bound already: stability, searched on its own
                # next, needs no coverage search first (a rerun's cut model
                # spent 14 s of 60 in one that could not improve coverage).
                second = None
            searched, weight = _with_tie_break(level, second)
            run = _LevelRun(b, searched, held, options, budget, rounder, owner, interrupt, progress)
            run.run, run.policy = deadline, policy
            left = deadline.left()
            if levels_time is not None and left is not None:
                remaining = _with_variables(levels[k:])
                run.kept_for_later = policy.guaranteed_after(left, remaining, levels_time)
            run.repair = repair if k == 0 else None
            run.neighbourhoods = neighbourhoods
            run.pairs = pairs or []
            run.below_tolerance = any(order.tolerance_of(lv.name) > 0 for lv in levels[:k])
            run.tolerant = tolerant
            lp_time = run.lp_time()
            counts = _counts(searched)
            run.skip_lp = lp_time is not None and (
                lp_time <= lp_failed_within[counts]
                or lp_time < len(owner) * policy.lp_seconds_per_level_option
            )
            if budget is not None and budget <= policy.too_little_time:
                result = _not_optimised(level, solution)
            else:
                solution, result = run.optimise(solution, first=k == 0)
                if weight > 1:
                    result = _first_of_two(result, level, weight, solution)
                if not bounds_hold:
                    result = _cap_only(result, level)
            held_at = order.held_at(level.name, result.value)
            if held_at != result.value:
                result = replace(result, reached=result.value, held_at=held_at)
            results.append(result)
            _hold(b, level, held_at)
            if run.lp is not None:
                # With a tolerance, a plan of the levels below may lie up to
                # ``value - held_at`` further from the LP optimum: fewer fixings.
                _settle(b, run.lp, searched.value(solution) - (result.value - held_at) * weight)
            elif run.lp_limit is not None:
                lp_failed_within[counts] = max(lp_failed_within[counts], run.lp_limit)
            held.append((level, held_at))
            if held_at != result.value:
                tolerant.append(_Tolerance(level, solution.copy(), order.tolerance_of(level.name)))
            if progress:
                progress(level.name, result.value, result.bound, deadline.elapsed(), True)
    # A later level may raise an earlier one's value, and lower it only within
    # its tolerance (it is held): report the values of the plan returned,
    # against the proven bounds.
    final = [
        _valued_at(result, level, solution) for result, level in zip(results, levels, strict=True)
    ]
    return LexResult(solution, final, interrupt.requested)


def _pairs_first(
    b: ModelBuilder,
    levels: list[Level],
    solution: NDArray[np.int64],
    options: SolveOptions,
    rounder: Rounder,
    owner: NDArray[np.int64],
    interrupt: _Interrupt,
    neighbourhoods: Neighbourhoods,
    pairs: list[tuple[int, int]],
    seconds: float | None,
    policy: TimePolicy,
) -> NDArray[np.int64]:
    """The pair rounds of ``together`` before any level runs, each round's
    free students giving every level above it at least what they gave it: no
    level above gets worse, and a pair placed here usually stays (on a cut
    model the levels above rarely move many students). A busy machine leaves
    the levels of a cut model a few seconds (praktikum-2700 at 120 s: 2-5 s
    for together, after the warm start and the bounds overran theirs)."""
    k = next((i for i, lv in enumerate(levels) if lv.name == "together"), None)
    if k is None or len(levels[k].variables) == 0:
        return solution
    run = _LevelRun(b, levels[k], [], options, seconds, rounder, owner, interrupt, None)
    run.policy, run.neighbourhoods, run.pairs = policy, neighbourhoods, pairs
    run.tolerant = [_Tolerance(lv, solution.copy(), 0.0) for lv in levels[:k]]
    before = levels[k].value(solution)
    found = run.pair_rounds(solution, Deadline(seconds))
    _log.debug("pairs first: together %d -> %d", before, levels[k].value(found))
    return found


@dataclass
class _LevelRun:
    """One level: LP bound and LP rounding first; a CP-SAT search for a strictly
    better plan only if the bound is not met yet."""

    b: ModelBuilder
    level: Level
    held: list[tuple[Level, int]]
    options: SolveOptions
    budget: float | None
    rounder: Rounder
    owner: NDArray[np.int64]
    interrupt: _Interrupt
    progress: Progress | None
    run: Deadline = field(default_factory=Deadline.none)  # of all the levels
    policy: TimePolicy = field(default_factory=TimePolicy)
    lp: LpResult | None = None  # the level's relaxation, once solved
    repair: Repair | None = None  # coverage only: see _repair
    neighbourhoods: Neighbourhoods | None = None  # see _lns and pair_rounds
    pairs: list[tuple[int, int]] = field(default_factory=list)  # together: see pair_rounds
    skip_lp: bool = False  # an LP of this model did not finish in more time than this level has
    lp_limit: float | None = None  # the time the LP was given, if it ran
    below_tolerance: bool = False  # a level above is held within a tolerance
    system: LinearSystem | None = None  # cached by _system()
    kept_for_later: float = 0.0  # seconds the levels after this one are guaranteed
    tolerant: list[_Tolerance] = field(default_factory=list)  # see _local_floors
    last_search_proven: bool = False  # the last local search ended with a proof

    def lp_time(self) -> float | None:
        """Most of the level's time, and at least a share of all the time left:
        an LP that finishes gives the bound, the plan and the settling, while one
        cut short leaves the run ending early with time unused (praktikum-2700:
        the fairness LP needs about 27 s, a quarter of a 120 s run)."""
        left = self.run.left()
        if self.budget is None or left is None:
            return None
        wanted = max(self.budget * self.policy.lp_share, left * self.policy.lp_share_of_run)
        return max(min(wanted, left - self.kept_for_later), 0.0)

    def optimise(
        self, incumbent: NDArray[np.int64], first: bool
    ) -> tuple[NDArray[np.int64], LevelResult]:
        level_time = Deadline(self.budget)  # the level's own time
        level = self.level
        if len(level.variables) == 0:
            return incumbent, self._result(0, 0, status_at(0, 0, "feasible"), level_time)
        bound = level.trivial_bound()
        if level.name == "together" and self.pairs:
            incumbent = self.pair_rounds(incumbent, level_time)
        lp = None
        if self.options.use_lp and not self.skip_lp and level.value(incumbent) != bound:
            system = self._system()
            # Most of the level's time: a finished LP gives the bound, the plan and
            # the settling; some time must stay for the search.
            lp_limit = self.lp_limit = self.lp_time()
            announce(self.progress, f"LP bound of {level.name}")
            lp = self.lp = solve_relaxation(system, level, lp_limit)
            if lp is None:
                _log.debug("%s: LP not solved within %.1f s", level.name, lp_limit or 0.0)
            else:
                bound = tighter(level.name, bound, lp.bound)
                for plan in (lp.integral_solution(system), self._rounded(lp.x)):
                    if (
                        plan is not None
                        and system.satisfied_by(plan)
                        and self._keeps_held(plan)
                        and _better(level, plan, incumbent)
                    ):
                        incumbent = plan
                _log.debug(
                    "%s: LP bound %d in %.1f s, plan after rounding %d",
                    level.name,
                    lp.bound,
                    lp.seconds,
                    level.value(incumbent),
                )
        if self.interrupt.requested:
            value = level.value(incumbent)
            return incumbent, self._result(
                value, bound, status_at(value, bound, "feasible"), level_time
            )
        if lp is not None and level.value(incumbent) != bound:
            incumbent = self._near_lp(incumbent, lp)
        if lp is None and self.repair is not None and level.value(incumbent) != bound:
            incumbent = self._repair(incumbent, self.repair)
        if lp is None and level.value(incumbent) != bound:
            incumbent = self._lns(incumbent, level_time)
        value = level.value(incumbent)
        left = level_time.left()
        needed = len(self.owner) * self.policy.search_seconds_per_option
        too_large = left is not None and left < needed
        if value == bound or too_large or self._close_enough(value, bound):
            # CP-SAT over a model this large takes seconds before it searches
            # (kreis-olpe's 388,000 options: 2 s when given 0.05 s).
            return incumbent, self._result(
                value, bound, status_at(value, bound, "feasible"), level_time
            )
        return self._search(incumbent, bound, lp, first, level_time)

    def _near_lp(self, incumbent: NDArray[np.int64], lp: LpResult) -> NDArray[np.int64]:
        """Search near the LP optimum (RINS-like): students the LP places in
        whole numbers keep that placement; the others may take any option, and
        so may every student with an option in a row that the LP left out and
        its rounded plan breaks (a group below its minimum size)."""
        n = len(self.owner)
        x = lp.x[:n]
        fractional = (x > _UNUSED_IN_LP) & (x < 1 - _UNUSED_IN_LP)
        free_student = np.zeros(int(self.owner.max(initial=-1)) + 1, dtype=bool)
        free_student[self.owner[fractional]] = True
        rounded = incumbent.copy()
        rounded[:n] = x >= 0.5
        system = self._system()
        activity = system.matrix @ self.b.complete(rounded).astype(np.float64)
        broken = (activity < system.row_lo - _ROW_SLACK) | (activity > system.row_hi + _ROW_SLACK)
        if system.in_lp is not None:
            broken &= ~system.in_lp
        in_broken = system.matrix[broken].indices
        in_broken = in_broken[in_broken < n]
        policy = self.policy
        limit = (
            policy.near_lp_seconds
            if self.budget is None
            else min(self.budget * policy.near_lp_share, policy.near_lp_seconds)
        )
        near = Deadline(limit)
        # First only the students the rounded plan puts into a broken row: most
        # often the LP's plan meets its bound by closing or filling a few groups
        # (the example's interest level: 3 s against 16 s with every student
        # who could join those groups free).
        narrow = free_student.copy()
        narrow[self.owner[in_broken[rounded[in_broken] == 1]]] = True
        found = self._local_search(
            incumbent, rounded[:n], narrow, lp.bound, limit * policy.narrow_share, "near-LP"
        )
        if found is not None and _better(self.level, found, incumbent):
            incumbent = found
        free_student[self.owner[in_broken]] = True
        value = self.level.value(incumbent)
        done = value == lp.bound or self._close_enough(value, lp.bound)
        if done or np.array_equal(free_student, narrow):
            return incumbent
        left = near.left() or 0.0
        found = self._local_search(incumbent, rounded[:n], free_student, lp.bound, left, "near-LP")
        return found if found is not None and _better(self.level, found, incumbent) else incumbent

    def _repair(self, incumbent: NDArray[np.int64], repair: Repair) -> NDArray[np.int64]:
        """Rounds of search where only the students ``repair`` names may move
        (those short of a placement and those holding what they could use):
        better coverage with every other placement as it was, which is what a
        rerun needs when the LP is out of reach."""
        n = len(self.owner)
        for _ in range(_REPAIR_ROUNDS):
            free_student = repair(incumbent[:n])
            if not free_student.any():
                break
            limit = (
                self.policy.level_repair_seconds
                if self.budget is None
                else min(
                    self.budget * self.policy.level_repair_share, self.policy.level_repair_seconds
                )
            )
            found = self._local_search(
                incumbent, incumbent[:n], free_student, None, limit, "repair"
            )
            if found is None or not _better(self.level, found, incumbent):
                break
            incumbent = found
        return incumbent

    def pair_rounds(self, incumbent: NDArray[np.int64], level_time: Deadline) -> NDArray[np.int64]:
        """Rounds in which ``together`` pairs that the plan keeps apart may move,
        everyone else keeping their placements: first the pairs' own students
        (many pairs at once), then each pair with the students placed where it
        could meet, who may have to make room. Small neighbourhoods: CP-SAT
        solves them to the end in a fraction of a second, where whole schools
        found nothing (kreis-olpe). Stops once every pair is together."""
        near = self.neighbourhoods
        if near is None:
            return incumbent
        level, policy = self.level, self.policy
        limit = (
            policy.lns_seconds
            if self.budget is None
            else min(self.budget * policy.lns_round_share, policy.lns_seconds)
        )
        rounds_until = Deadline(
            None if self.budget is None else self.budget * policy.lns_share, level_time.started
        )

        def stop() -> bool:
            return (
                self.interrupt.requested
                or rounds_until.passed()
                or level.value(incumbent) == level.trivial_bound()
            )

        apart = near.apart(self.pairs, incumbent)
        per_round = max(_LNS_STUDENTS // 2, 1)
        for first in range(0, len(apart), per_round):
            if stop():
                return incumbent
            students = [s for k in apart[first : first + per_round] for s in self.pairs[k]]
            incumbent = self._kept_if_better(
                incumbent, near.of(students), level.trivial_bound(), limit, "pairs"
            )
        # Each pair kept apart, with the students at a few of the places it
        # could share, in new random choices while the time lasts; every other
        # try also with those who could make room for these rivals (a chain:
        # praktikum-2700's pairs stayed apart with their rivals alone free).
        for attempt in range(_PAIR_TRIES):
            apart = near.apart(self.pairs, incumbent)
            chain = attempt % 2 == 1
            for k in apart:
                if stop():
                    return incumbent
                free_student = near.pair_and_rivals(
                    self.pairs[k], incumbent, 2 * _PAIR_RIVALS if chain else _PAIR_RIVALS, chain
                )
                incumbent = self._kept_if_better(
                    incumbent,
                    free_student,
                    level.trivial_bound(),
                    limit,
                    "pair, rivals and chain" if chain else "pair and rivals",
                )
        return incumbent

    def _lns(self, incumbent: NDArray[np.int64], level_time: Deadline) -> NDArray[np.int64]:
        """Large neighbourhood search for a model too large for the LP: rounds in
        which a sample of the students of a random school (they share dates and
        nearby companies) may move and everyone else keeps their placements;
        the sample grows while CP-SAT solves its rounds to the end, and shrinks
        when it does not. The rounds get most of the time the level has left."""
        near = self.neighbourhoods
        if near is None:
            return incumbent
        policy = self.policy
        left = level_time.left()
        if left is None:
            rounds, limit = _LNS_ROUNDS, policy.lns_seconds
        else:
            rounds = 1_000_000  # the clock ends them
            limit = min(max(left, 0.0) * policy.lns_round_share, policy.lns_seconds)
        rounds_until = Deadline(None if left is None else left * policy.lns_share)
        improved = done = stale = 0
        last_round = 0.0
        for k in range(rounds):
            if stale >= policy.lns_stale_rounds:
                break  # a local optimum: the time passes on
            # Stop before a round that would likely end past the window.
            window = rounds_until.left()
            if self.interrupt.requested or (window is not None and window <= last_round):
                break
            if self.level.value(incumbent) == self.level.trivial_bound():
                break  # nothing better exists: the time passes on
            began = time.monotonic()
            # Every other round around students who could gain on this level;
            # for together every round around a pair kept apart, growing while
            # rounds finish (after the pair rounds' fixed sizes found nothing).
            gains = near.gains(self.level.name, incumbent) if k % 2 == 0 else None
            apart = near.apart(self.pairs, incumbent) if self.level.name == "together" else []
            if apart:
                pair = self.pairs[apart[k % len(apart)]]
                size = max(round(near.size), 2)
                free_student = near.pair_and_rivals(pair, incumbent, size, chain=True)
                what = "pair, rivals and chain"
            elif gains is not None and len(gains) > 0:
                free_student, what = near.seeds_and_rivals(gains, incumbent), "gains"
            else:
                free_student, what = near.sample(), "neighbourhood"
            found = self._kept_if_better(incumbent, free_student, None, limit, what)
            last_round = time.monotonic() - began
            near.adapt(self.last_search_proven)
            improved += found is not incumbent
            # Rounds proven to find nothing better, the neighbourhood growing.
            stale = stale + 1 if found is incumbent and self.last_search_proven else 0
            done += 1
            incumbent = found
        _log.debug(
            "%s: %d of %d neighbourhood rounds improved the plan (last size %.0f)",
            self.level.name,
            improved,
            done,
            near.size,
        )
        return incumbent

    def _kept_if_better(
        self,
        incumbent: NDArray[np.int64],
        free_student: NDArray[np.bool_],
        cut: int | None,
        limit: float,
        what: str,
    ) -> NDArray[np.int64]:
        """The plan of a local search over ``free_student`` if better, else ``incumbent``."""
        n = len(self.owner)
        found = self._local_search(incumbent, incumbent[:n], free_student, cut, limit, what)
        return found if found is not None and _better(self.level, found, incumbent) else incumbent

    def _local_search(
        self,
        incumbent: NDArray[np.int64],
        fixed_at: NDArray[np.int64],
        free_student: NDArray[np.bool_],
        cut: int | None,
        limit: float,
        what: str,
    ) -> NDArray[np.int64] | None:
        """CP-SAT on the model where the options of students not ``free_student``
        are fixed to ``fixed_at`` (derived variables stay free); ``cut`` (a proven
        bound) ends it early."""
        level = self.level
        n = len(self.owner)
        values = incumbent.copy()
        values[:n] = fixed_at
        # Derived variables only where a free option, or one fixed away from the
        # incumbent, may change them; the others keep their incumbent value.
        moves = free_student[self.owner] | (fixed_at != incumbent[:n])
        free = np.flatnonzero(self.b.moved_with(moves)).astype(np.int64)
        free = np.r_[np.flatnonzero(free_student[self.owner]), free[free >= n]].astype(np.int64)
        writing = time.monotonic()
        model = restricted_model(self._system(), free, values)
        written_in = time.monotonic() - writing
        position = np.full(self.b.num_vars, -1, dtype=np.int64)
        position[free] = np.arange(len(free))
        mine = position[level.variables] >= 0
        # The level over the free variables; the fixed ones add a constant.
        sub = Level(level.name, position[level.variables[mine]], level.coeffs[mine])
        fixed_part = int(np.dot(values[level.variables[~mine]], level.coeffs[~mine]))
        watcher = None
        if cut is not None:
            expr = _level_expr(model, sub)
            model.add(expr <= cut - fixed_part if level.maximize else expr >= cut - fixed_part)
            if self.below_tolerance:
                # Ends the search near the bound (the example's travel: 16 s for
                # nothing beyond 0.04 % of it).
                watcher = _Watcher(
                    level.name,
                    None,
                    self.run.started,
                    close_enough=lambda found: self._close_enough(found, cut),
                    offset=fixed_part,
                )
        set_objective(model, sub.variables, sub.coeffs, level.maximize)
        self._local_floors(model, position)
        set_hint(model, np.arange(len(free), dtype=np.int64), incumbent[free])
        # Without a time limit, deterministic work, not wall time: the same
        # plan on a busy machine. A small model searched for a few seconds:
        # presolve would use most of them (measured: 1.5-2 s for 200 students
        # of siegen-wittgenstein, after which the search often had no time
        # left to even take the hint).
        solver = cp_solver(
            self.options.workers,
            self.options.seed,
            seconds=None if self.budget is None else limit,
            deterministic_seconds=limit if self.budget is None else None,
            presolve=False,
            interruptible=True,
        )
        status = self.interrupt.run(solver, model, watcher)
        solved = found_plan(status)
        self.last_search_proven = proven_optimal(status) or proven_infeasible(status)
        _log.debug(
            "%s: %s search, %d of %d students free: %s in %.1f s (model written in %.2f s)",
            level.name,
            what,
            int(free_student.sum()),
            len(free_student),
            solver.status_name(status),
            solver.wall_time,
            written_in,
        )
        if not solved:
            return None
        values[free] = np.asarray(solver.response_proto.solution, dtype=np.int64)
        return self.b.complete(values)

    def _local_floors(self, model: cp_model.CpModel, position: NDArray[np.int64]) -> None:
        """Hold each level above that has a tolerance within it locally too: the
        free variables (``position[v] >= 0`` is ``v``'s place in ``model``) keep
        at least ``1 - t`` of what they gave that level where it was reached.
        Without it the first rounds spend the whole tolerance on small gains
        (kreis-olpe: 1 % of interest, 1,967 points, for 349 minutes of travel);
        with it every part of the Kreis gets its share."""
        for tolerance in self.tolerant:
            lv = tolerance.level
            mine = position[lv.variables] >= 0
            if not mine.any():
                continue
            reached = int(np.dot(tolerance.reached[lv.variables[mine]], lv.coeffs[mine]))
            expr = _level_expr(model, Level(lv.name, position[lv.variables[mine]], lv.coeffs[mine]))
            if lv.maximize:
                model.add(expr >= math.ceil(reached * (1 - tolerance.share) - 1e-9))
            else:
                model.add(expr <= math.floor(reached * (1 + tolerance.share) + 1e-9))

    def _system(self) -> LinearSystem:
        """The model's rows at this level (they change only between levels)."""
        if self.system is None:
            self.system = self.b.linear_system()
        return self.system

    def _plan_of(self, solver: cp_model.CpSolver) -> NDArray[np.int64]:
        """The solver's plan with every indicator at its best: a search leaves the
        indicators of levels it does not optimise at 0 where it may."""
        return self.b.complete(np.asarray(solver.response_proto.solution, dtype=np.int64))

    def _rounded(self, x: NDArray[np.float64]) -> NDArray[np.int64]:
        plan = np.zeros(self.b.num_vars, dtype=np.int64)
        chosen = self.rounder(x)
        plan[: len(chosen)] = chosen
        return self.b.complete(plan)

    def _close_enough(self, value: int, bound: int) -> bool:
        """Whether the plan's ``value`` is so near ``bound`` that a level below
        a tolerance ends its search there (``TimePolicy.gap_below_tolerance``)."""
        if not self.below_tolerance:
            return False
        return abs(bound - value) <= self.policy.gap_below_tolerance * max(abs(bound), 1)

    def _keeps_held(self, plan: NDArray[np.int64]) -> bool:
        return all(not exceeds(lv.name, value, lv.value(plan)) for lv, value in self.held)

    def _search(
        self,
        incumbent: NDArray[np.int64],
        bound: int,
        lp: LpResult | None,
        first: bool,
        level_time: Deadline,
    ) -> tuple[NDArray[np.int64], LevelResult]:
        """CP-SAT, on a copy restricted to plans strictly better than ``incumbent``
        when the LP is known (its reduced costs fix most variables there)."""
        level, b = self.level, self.b
        value = level.value(incumbent)
        left = level_time.left(at_least=0.05)
        search_time = Deadline(self.policy.search_without_limit if left is None else left)
        # Below a tolerance, without a time limit: a cap on the work, not the clock.
        work_left = (
            self.policy.search_below_tolerance if left is None and self.below_tolerance else None
        )
        while True:
            model = b.model
            refix: tuple[LpResult, int] | None = None
            if lp is not None:
                model = b.model.clone()
                at_zero, at_one = lp.fixings(value)
                fix_variables(model, at_zero, 0)
                fix_variables(model, at_one, 1)
                _strictly_better(model, level, value)
                refix = (lp, len(at_zero) + len(at_one))
                _log.debug(
                    "%s: search for better than %d with %d of %d variables fixed",
                    level.name,
                    value,
                    refix[1],
                    lp.num_free,
                )
            set_objective(model, level.variables, level.coeffs, level.maximize)
            set_hint(model, np.arange(b.num_vars, dtype=np.int64), incumbent)
            solver = cp_solver(
                self.options.workers,
                self.options.seed,
                seconds=search_time.left(at_least=0.05),
                deterministic_seconds=None if work_left is None else max(work_left, 0.05),
                interruptible=True,
            )
            if self.below_tolerance:
                solver.parameters.relative_gap_limit = self.policy.gap_below_tolerance
            watcher = _Watcher(
                level.name,
                self.progress,
                self.run.started,
                refix,
                lambda found: self._close_enough(found, bound),
            )
            status = self.interrupt.run(solver, model, watcher)
            if work_left is not None:
                work_left -= solver.response_proto.deterministic_time
            if not (watcher.refixed and found_plan(status)) or self.interrupt.requested:
                break
            found = self._plan_of(solver)
            if _better(level, found, incumbent):
                incumbent, value = found, level.value(found)
            at_bound = not exceeds(level.name, bound, value)  # nothing better can exist
            done = at_bound or self._close_enough(value, bound) or search_time.passed()
            if done or (work_left is not None and work_left <= 0):
                break
        _log.debug(
            "%s: search from %d, bound %d: %s in %.1f s",
            level.name,
            value,
            bound,
            solver.status_name(status),
            solver.wall_time,
        )
        raise_if_invalid(status, solver, f"level {level.name}")
        if proven_infeasible(status):
            if lp is not None:  # no plan beats the incumbent: it is optimal
                return incumbent, self._result(
                    value, value, status_at(value, value, "feasible"), level_time
                )
            if first:
                raise Infeasible
            raise SolverError(f"level {level.name} became infeasible although a plan was held")
        if found_plan(status):
            found = self._plan_of(solver)
            if _better(level, found, incumbent):
                incumbent, value = found, level.value(found)
        cp_bound = _proven_bound(solver.best_objective_bound, level)
        # A bound on the wrong side of a plan we hold is no proof (CP-SAT reports
        # one even when stopped before it proved anything): ignore it. Stopped
        # without a plan, CP-SAT may report 0 as its bound (seen on the
        # example's together level at a time limit: bound 0 after 0.1 s where a
        # longer run places the pair); on the copy restricted to strictly better
        # plans a real bound lies beyond the plan in hand, so only such a one
        # counts there.
        trusted = found_plan(status) or (lp is not None and exceeds(level.name, cp_bound, value))
        if trusted and not exceeds(level.name, value, cp_bound):
            bound = tighter(level.name, bound, cp_bound)
        # CP-SAT calls a search stopped at its relative gap limit optimal: only
        # a bound that meets the plan proves it.
        if proven_optimal(status) and not exceeds(level.name, cp_bound, value):
            bound = value
        return incumbent, self._result(
            value, bound, status_at(value, bound, "feasible"), level_time
        )

    def _result(self, value: int, bound: int, status: Status, level_time: Deadline) -> LevelResult:
        seconds = level_time.elapsed()
        level = self.level
        source = level.bound_source(bound) if bound == level.trivial_bound() else "model"
        return LevelResult(
            level.name, spec(level.name).sense, value, bound, status, seconds, source
        )


def _polished(
    b: ModelBuilder,
    remaining: list[Level],
    solution: NDArray[np.int64],
    n: int,
    polish: Polish,
    seconds: float,
) -> NDArray[np.int64]:
    """``solution`` after ``polish`` of its first ``n`` (candidate) variables for
    ``seconds``, if that obeys every row (the held levels among them) and is
    lexicographically better on the levels still to come."""
    found = solution.copy()
    found[:n] = polish(solution[:n], seconds)
    b.complete(found)
    if not b.satisfied_by(found):
        return solution
    for level in remaining:
        if _better(level, found, solution):
            return found
        if _better(level, solution, found):
            return solution
    return solution


def _counts(level: Level) -> bool:
    """Whether every coefficient of ``level`` is the same (it counts something)."""
    return len(level.coeffs) == 0 or bool(np.all(level.coeffs == level.coeffs[0]))


def _level_expr(model: cp_model.CpModel, level: Level) -> cp_model.LinearExpr:
    return cp_model.LinearExpr.weighted_sum(
        [model.get_int_var_from_proto_index(int(v)) for v in level.variables],
        level.coeffs.tolist(),
    )


def _any_plan(b: ModelBuilder, options: SolveOptions, seconds: float | None) -> NDArray[np.int64]:
    """A feasible plan when the warm start is not one (locked rows over a
    capacity make it so); :class:`Infeasible` if there is none at all."""
    b.proto.clear_objective()
    b.proto.clear_solution_hint()
    solver = cp_solver(options.workers, options.seed, seconds=seconds, interruptible=True)
    status = solver.solve(b.model)
    if proven_infeasible(status):
        raise Infeasible
    if not found_plan(status):
        raise SolverError(f"no feasible plan found in time ({solver.status_name(status)})")
    return np.asarray(solver.response_proto.solution, dtype=np.int64)


def _strictly_better(model: cp_model.CpModel, level: Level, value: int) -> None:
    """Only plans strictly better than ``value`` on this level."""
    expr = _level_expr(model, level)
    model.add(expr >= value + 1 if level.maximize else expr <= value - 1)


def _better(level: Level, a: NDArray[np.int64], b: NDArray[np.int64]) -> bool:
    """True if plan ``a`` is strictly better than ``b`` on this level."""
    return exceeds(level.name, level.value(a), level.value(b))


def _budget(
    deadline: Deadline,
    remaining: list[Level],
    policy: TimePolicy,
    levels_time: float | None,
    cut: bool = False,
) -> float | None:
    """Seconds for the first of the ``remaining`` levels (None without a limit)."""
    left = deadline.left(at_least=0.01)
    if left is None or levels_time is None:
        return None
    return policy.level_seconds(left, _with_variables(remaining), levels_time, cut)


def _with_variables(levels: list[Level]) -> list[tuple[str, bool]]:
    return [(lv.name, len(lv.variables) > 0) for lv in levels]


def _proven_bound(raw: float, level: Level) -> int:
    """The solver's bound as an integer on the safe side (objectives are integral)."""
    if not math.isfinite(raw):
        return level.trivial_bound()
    if level.maximize:
        return min(math.floor(raw + 1e-6), level.trivial_bound())
    return max(math.ceil(raw - 1e-6), level.trivial_bound())


def _settle(b: ModelBuilder, lp: LpResult, value: int) -> None:
    """Fix what every plan holding a level at ``value`` must take or leave: its
    reduced cost in the level's LP exceeds the gap. Later levels then solve a
    smaller model (measured on the example: the together level's LP and search)."""
    at_zero, at_one = lp.fixings(value, strictly_better=False)
    for var in at_zero.tolist():
        b.fix(var, 0)
    for var in at_one.tolist():
        b.fix(var, 1)
    _log.debug("settled %d variables at 0 and %d at 1", len(at_zero), len(at_one))


def _hold(b: ModelBuilder, level: Level, value: int) -> None:
    """Keep this level at least as good as ``value`` while later levels run."""
    big = int(np.abs(level.coeffs).sum())
    if level.maximize:
        b.add_linear(level.variables, level.coeffs, value, big)
    else:
        b.add_linear(level.variables, level.coeffs, -big, value)


def _with_tie_break(first: Level, second: Level | None) -> tuple[Level, int]:
    """``first`` searched as ``weight * first + second``, ``weight`` above any value
    of ``second``: the same lexicographic optimum (first, then second) in one
    search. Used for coverage and stability, so that a rerun keeps published rows
    while it places as many students as possible."""
    if second is None or len(second.variables) == 0 or not (first.maximize and second.maximize):
        return first, 1
    weight = second.trivial_bound() + 1
    # A published option is in both levels: one term with the summed coefficient.
    variables, where = np.unique(np.r_[first.variables, second.variables], return_inverse=True)
    coeffs = np.zeros(len(variables), dtype=np.int64)
    np.add.at(coeffs, where, np.r_[weight * first.coeffs, second.coeffs])
    return Level(first.name, variables.astype(np.int64), coeffs), weight


def _first_of_two(
    result: LevelResult, first: Level, weight: int, solution: NDArray[np.int64]
) -> LevelResult:
    """The result of ``first`` alone, from the search of ``weight * first + second``:
    ``first`` is at most ``bound // weight`` since ``second`` is never negative."""
    value = first.value(solution)
    bound = min(first.trivial_bound(), result.bound // weight)
    status = status_at(value, bound, "feasible")
    source = first.bound_source(bound) if bound == first.trivial_bound() else "model"
    return LevelResult(first.name, result.sense, value, bound, status, result.seconds, source)


def _cap_only(result: LevelResult, level: Level) -> LevelResult:
    """The result of a level of a restricted model, with the bound that holds
    for the whole problem: the level's per-student cap."""
    bound = level.trivial_bound()
    status = status_at(result.value, bound, "feasible")
    return LevelResult(
        result.name,
        result.sense,
        result.value,
        bound,
        status,
        result.seconds,
        level.bound_source(bound),
    )


def _valued_at(result: LevelResult, level: Level, solution: NDArray[np.int64]) -> LevelResult:
    value = level.value(solution)
    status = status_at(value, result.bound, result.status)
    return replace(result, value=value, status=status)


def _not_optimised(level: Level, solution: NDArray[np.int64]) -> LevelResult:
    value, bound = level.value(solution), level.trivial_bound()
    return LevelResult(
        level.name, spec(level.name).sense, value, bound, "unknown", 0.0, level.bound_source(bound)
    )
