"""LP-guided warm starts of a cut model: an LP's plan, rounded and improved by the flows."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

import numpy as np

from kaoa_match.solvers.budget import DEFAULT_POLICY, Deadline, TimePolicy
from kaoa_match.solvers.builder import ModelBuilder, restricted_model, set_hint, set_objective
from kaoa_match.solvers.kreis import Kreis, short_and_rivals
from kaoa_match.solvers.objectives import Level
from kaoa_match.solvers.relaxation import solve_relaxation
from kaoa_match.solvers.search.cpsat import cp_solver, found_plan
from kaoa_match.solvers.search.lexicographic import announce
from kaoa_match.solvers.start.flows import FlowKreis, improve_by_layers, value_tuple
from kaoa_match.solvers.start.greedy import GreedyInput, round_lp

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from kaoa_match.solvers.bounds.lp_prices import LpPrices
    from kaoa_match.solvers.context import Context
    from kaoa_match.solvers.start.warm import WarmStart
    from kaoa_match.solvers.variables import (
        Candidates,
    )


_log = logging.getLogger(__name__)

# The objective of the LP that guides the second warm start of a cut model: a
# top-3 field and each wish point outweigh interest scores (0-100), as the
# levels do. Weights spanning the levels' whole range (coverage first) round
# a little better but make the LP take 74 s instead of 10 (siegen-wittgenstein);
# with 100 per placement it did not finish in 18 s.
_GUIDE_TOP = 100
_GUIDE_WISH_POINT = 20
# A published row kept outweighs a top field and the wishes of one option
# (at most 15 points), as stability comes before them.
_GUIDE_PUBLISHED = 500
# The guiding LP's cut model at most: siegen-wittgenstein's (345,351 options)
# takes 10 s, koeln's (735,814) did not finish in 18 s and held 0.4 GB more.
_GUIDE_MAX_OPTIONS = 500_000


def lp_guided(
    kreis: Kreis,
    cand: Candidates,
    nearest: NDArray[np.int64],
    greedy_input: GreedyInput,
    flows: FlowKreis,
    start: NDArray[np.bool_],
    seconds: float,
    seed: int,
    policy: TimePolicy = DEFAULT_POLICY,
) -> NDArray[np.bool_]:
    """A second warm start for a Kreis cut to its nearest offers: the LP
    relaxation of the cut model (and the plan ``start``) under one weighted
    objective, rounded greedily and improved by the flows. The flows from the
    greedy plan get stuck where a student would have to change two days at
    once; the LP's plan starts them elsewhere (siegen-wittgenstein: fairness
    2,602 and wishes 3,853 against 2,595 and 3,782). Returns the
    lexicographically better of the two plans. A cut model too large for the
    LP gives the flows from ``start`` the LP's time instead (koeln: with that
    time for the bounds instead, the interest LP's prices gave 2,096,084
    against the per-student 2,157,454, at a plan 0.7 % lower)."""
    deadline = Deadline(seconds * 2)  # the flows' time and the LP's
    started = deadline.started
    sub_positions = np.union1d(nearest, np.flatnonzero(start)).astype(np.int64)
    too_large = len(sub_positions) > _GUIDE_MAX_OPTIONS
    if too_large or seconds < policy.lp_guided_seconds_per_option * len(sub_positions):
        return improve_by_layers(flows, start, seconds * 2)
    sub = cand.take(sub_positions)
    b = ModelBuilder()
    b.new_bools(len(sub))
    kreis.add_rules(b, sub)
    coeffs = (
        sub.score
        + _GUIDE_PUBLISHED * flows.published[sub_positions]
        + _GUIDE_WISH_POINT * flows.wishes.option_points(len(cand))[sub_positions]
        + _GUIDE_TOP * flows.top[sub_positions]
    )
    guide = Level("interest", np.arange(len(sub), dtype=np.int64), coeffs.astype(np.int64))
    built = time.monotonic()
    # Building the LP counts against its time (siegen-wittgenstein at 30 s on
    # a busy machine: 13 s to build, and the run ended 27 s late).
    lp_seconds = 2 * seconds * policy.lp_guided_lp_share - (time.monotonic() - started)
    lp = solve_relaxation(b.linear_system(), guide, max(lp_seconds, 0.0))
    _log.debug(
        "guiding LP over %d options: model %.1f s, LP %s",
        len(sub),
        built - started,
        "not solved" if lp is None else f"{lp.seconds:.1f} s",
    )
    left = deadline.left() or 0.0
    if lp is None:
        # The flows' time goes on to the one start there is (koeln: the LP did
        # not finish in 18 s; interest 1,655,794 without these rounds).
        return improve_by_layers(flows, start, left)
    x = np.zeros(len(cand))
    x[sub_positions] = lp.x[: len(sub)]
    allowed = np.zeros(len(cand), dtype=bool)
    allowed[sub_positions] = True
    return lp_plan_guided(kreis, cand, greedy_input, flows, start, x, left, allowed, seed, policy)


def lp_plan_guided(
    kreis: Kreis,
    cand: Candidates,
    greedy_input: GreedyInput,
    flows: FlowKreis,
    start: NDArray[np.bool_],
    x: NDArray[np.float64],
    seconds: float,
    allowed: NDArray[np.bool_],
    seed: int,
    policy: TimePolicy = DEFAULT_POLICY,
) -> NDArray[np.bool_]:
    """An LP's plan ``x`` (per candidate), rounded greedily and improved by
    the flows for ``seconds``, where that is lexicographically better than
    ``start``; else ``start``. A rounded plan that places fewer than ``start``
    is first completed by a small search over the candidates ``allowed``
    (duesseldorf: one placement short, the flows would have had to move a
    student's two days at once)."""
    rounded = round_lp(cand, greedy_input, x) == 1
    guided = improve_by_layers(flows, rounded, seconds)
    if guided.sum() < start.sum():
        guided = coverage_repaired(kreis, cand, guided, allowed | start, seed, policy)
    guided_value, start_value = value_tuple(flows, guided), value_tuple(flows, start)
    _log.debug("LP-guided warm start %s against %s", guided_value, start_value)
    return guided if guided_value > start_value else start


def coverage_repaired(
    kreis: Kreis,
    cand: Candidates,
    plan: NDArray[np.bool_],
    allowed: NDArray[np.bool_],
    seed: int,
    policy: TimePolicy = DEFAULT_POLICY,
) -> NDArray[np.bool_]:
    """``plan`` with more placements where CP-SAT finds them: the students it
    leaves short and those holding a place they could use may move (to the
    candidates ``allowed``), every other placement stays; among plans with the
    most placements, the highest interest. Only the moving students and the
    fixed placements enter the model, so it is small at any Kreis size (over
    every candidate, duesseldorf's 118 such students had 224,000 options and
    CP-SAT found nothing in 9 s)."""
    free_student = short_and_rivals(cand, kreis.most_placeable, kreis.n_days)(plan.astype(np.int64))
    moving = free_student[cand.student] & (allowed | plan)
    positions = np.flatnonzero(moving | plan)
    sub = cand.take(positions)
    b = ModelBuilder()
    b.new_bools(len(sub))
    kreis.add_rules(b, sub)
    values = np.zeros(b.num_vars, dtype=np.int64)
    values[: len(sub)] = plan[positions]
    b.complete(values)
    options = np.flatnonzero(moving[positions])
    free = np.r_[options, np.arange(len(sub), b.num_vars)].astype(np.int64)
    model = restricted_model(b.linear_system(), free, values)
    # Each placement outweighs the interest of all the moving students' placements.
    per_placement = 101 * (int(kreis.most_placeable[free_student].sum()) + 1)
    set_objective(
        model,
        np.arange(len(options), dtype=np.int64),
        per_placement + sub.score[options].astype(np.int64),
        maximize=True,
    )
    set_hint(model, np.arange(len(free), dtype=np.int64), values[free])
    # One worker: the same plan for the same seed. A small model with a
    # complete hint: presolve would take most of the time.
    solver = cp_solver(
        1,
        seed,
        seconds=policy.start_repair_seconds,
        deterministic_seconds=policy.start_repair_deterministic_seconds,
        presolve=False,
    )
    status = solver.solve(model)
    _log.debug(
        "coverage repair of a warm start, %d students free: %s in %.1f s",
        int(free_student.sum()),
        solver.status_name(status),
        solver.wall_time,
    )
    if not found_plan(status):
        return plan
    values[free] = np.asarray(solver.response_proto.solution, dtype=np.int64)
    repaired = plan.copy()
    repaired[positions] = values[: len(sub)] == 1
    return repaired


def interest_lp_guided(
    kreis: Kreis, cand: Candidates, warm: WarmStart, guide: LpPrices, ctx: Context
) -> NDArray[np.bool_]:
    """A cut model's second warm start: the interest LP's plan over every
    option (from the bounds), rounded and improved by the flows, if the
    policy leaves it enough time; else the warm start."""
    policy = ctx.policy
    seconds = policy.pdlp_guide_seconds(ctx.deadline, len(warm.nearest), warm.flow_seconds)
    if seconds < policy.pdlp_guide_min_seconds:
        return warm.plan
    announce(ctx.progress, "warm start: the interest LP's plan, rounded, and flows")
    x = guide.plan_over(cand)
    allowed = np.zeros(len(cand), dtype=bool)
    allowed[warm.nearest] = True
    return lp_plan_guided(
        kreis,
        cand,
        warm.greedy_input,
        warm.flows,
        warm.plan,
        x,
        seconds,
        allowed,
        ctx.options.seed,
        policy,
    )
