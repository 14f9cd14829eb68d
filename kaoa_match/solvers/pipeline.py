"""From a validated problem to a proven plan: the solve as a sequence of stages.

Each stage lives in a module of its own and gets the :class:`Context` (options,
time policy, deadline, progress):

1. options and the indexed Kreis (``kreis.py``), the options worth a
   variable and whether the model is cut (``cut.py``);
2. the warm start over every option (``start/``: greedy, min-cost flows,
   LP-guided starts);
3. bounds over every option (``bounds/``: LP prices, Lagrangian);
4. the levels, part by part (``search/``), with the time ``budget.py`` gives;
5. the bounds combined and each level's status set once (``bounds/combine.py``).

The levels themselves are listed once, in ``levels.py``.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from kaoa_match.changes import changes_table
from kaoa_match.exceptions import LockedConflictError
from kaoa_match.model import SolveOptions
from kaoa_match.options import build_options
from kaoa_match.solvers.bounds.combine import final_levels
from kaoa_match.solvers.bounds.whole_kreis import (
    KreisBounds,
    PairsCap,
    bound_every_option,
    caps_over_every_option,
)
from kaoa_match.solvers.budget import DEFAULT_POLICY, Deadline, TimePolicy
from kaoa_match.solvers.constraints import meeting_places
from kaoa_match.solvers.context import Context
from kaoa_match.solvers.cut import cut_mask, is_cut, model_options
from kaoa_match.solvers.kreis import Kreis
from kaoa_match.solvers.locked import unplaceable_locked_rows
from kaoa_match.solvers.result import make_plan
from kaoa_match.solvers.search.lexicographic import announce
from kaoa_match.solvers.search.parts import solve_parts
from kaoa_match.solvers.start.lp_guided import interest_lp_guided
from kaoa_match.solvers.start.warm import warm_start
from kaoa_match.solvers.variables import Candidates, match_previous
from kaoa_match.validation import validate

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from kaoa_match.model import Problem
    from kaoa_match.options import Options
    from kaoa_match.plan import Plan
    from kaoa_match.solvers.search.lexicographic import Progress
    from kaoa_match.solvers.search.parts import Searched


@dataclass(frozen=True)
class SolveStats:
    """How a solve went: sizes, seconds per stage and the warm start (the
    ``stats`` of ``summary.json``)."""

    options: int
    options_in_model: int
    variables: int
    constraints: int
    parts: int
    largest_part_options: int
    seconds_options: float
    seconds_model: float
    seconds_lagrangian: float
    seconds_warm_start: float
    greedy_coverage: int
    warm_start_coverage: int
    restricted_to_nearest: bool
    # ``together`` pairs, and those with a place (company and day) that both
    # students may go to and that takes both: the most that can ever be
    # together, over every option (the levels above may allow fewer).
    together_pairs: int
    together_can_share: int

    def as_dict(self) -> dict[str, float | int | str]:
        """The record as ``Plan.stats`` holds it (seconds to the millisecond)."""
        return {k: round(v, 3) if k.startswith("seconds_") else v for k, v in asdict(self).items()}


def solve(
    problem: Problem,
    options: SolveOptions | None = None,
    progress: Progress | None = None,
    policy: TimePolicy = DEFAULT_POLICY,
) -> Plan:
    """Plan every placement of ``problem``: the spec's levels, lexicographically.

    Raises :class:`~kaoa_match.exceptions.InputError` for invalid input and
    :class:`~kaoa_match.exceptions.LockedConflictError` when locked rows of
    the previous plan cannot all be kept. ``policy`` shares the time limit
    among the stages (see ``budget.py``).
    """
    return solve_with_options(problem, options, progress, policy)[0]


def solve_with_options(
    problem: Problem,
    options: SolveOptions | None = None,
    progress: Progress | None = None,
    policy: TimePolicy = DEFAULT_POLICY,
) -> tuple[Plan, Options]:
    """:func:`solve`, and the options (eligible placements) it built, for a caller
    that needs them again (the portal baseline of the report: a large Kreis's
    options take seconds to build)."""
    options = options or SolveOptions()
    ctx = Context(options, policy, Deadline(options.time_limit_s), progress)
    kreis = _kreis(problem, ctx)
    seconds_options = ctx.deadline.elapsed()
    keep = model_options(kreis, options)
    published = kreis.published_options()
    # The candidates over every option live only in this call: a large
    # Kreis's (koeln: 17.7 M) take 1.5 GB that the cut model's levels can use.
    handover = _over_every_option(kreis, Candidates.from_options(kreis.opts, keep), published, ctx)
    announce(progress, "model")
    model_start = time.monotonic()
    cand = Candidates.from_options(kreis.opts, keep if handover.cut_to is None else handover.cut_to)
    seconds_model = time.monotonic() - model_start
    cut = handover.cut_to is not None
    searched = solve_parts(
        kreis, cand, handover.plan, published, cut, handover.bounds.for_model(kreis.order), ctx
    )
    result = searched.result
    result.levels = final_levels(
        result.levels,
        handover.caps,
        handover.bounds.whole_kreis,
        handover.bounds.held_bounds,
        handover.bounds.held_for,
        handover.pairs_cap if "fairness" in kreis.order.above("together") else None,
    )
    stats = _stats(kreis, searched, handover, seconds_options, seconds_model)
    plan = make_plan(
        problem, kreis.opts, searched.cand, result, ctx.deadline.elapsed(), stats.as_dict()
    )
    if problem.previous:
        plan.changes = changes_table(problem, plan)
    return plan, kreis.opts


def _stats(
    kreis: Kreis,
    searched: Searched,
    handover: _Handover,
    seconds_options: float,
    seconds_model: float,
) -> SolveStats:
    return SolveStats(
        options=len(kreis.opts),
        options_in_model=len(searched.cand),
        variables=searched.variables,
        constraints=searched.constraints,
        parts=searched.parts,
        largest_part_options=searched.largest_part_options,
        seconds_options=seconds_options,
        seconds_model=seconds_model,
        seconds_lagrangian=handover.seconds_bounds,
        seconds_warm_start=handover.seconds_warm_start,
        greedy_coverage=handover.greedy_coverage,
        warm_start_coverage=len(handover.plan),
        restricted_to_nearest=handover.cut_to is not None,
        together_pairs=len(kreis.together),
        together_can_share=handover.together_can_share,
    )


def _kreis(problem: Problem, ctx: Context) -> Kreis:
    """The validated ``problem`` as the indexed Kreis, with its options; raises
    :class:`LockedConflictError` for locked rows no option can keep."""
    announce(ctx.progress, "options: who may go where")
    validate(problem).raise_if_errors()
    opts = build_options(problem)
    tell = getattr(ctx.progress, "options_built", None)
    if tell is not None:  # e.g. the CLI's warnings on wishes, before the long search
        tell(opts)
    previous = match_previous(problem, opts)
    bad_locked = unplaceable_locked_rows(problem, previous)
    if bad_locked:
        raise LockedConflictError("\n".join(bad_locked))
    return Kreis.of(problem, opts, previous, ctx.options)


@dataclass(frozen=True)
class _Handover:
    """What the stages over every option hand to the model."""

    plan: NDArray[np.int64]  # the warm start, full-option indices
    cut_to: NDArray[np.bool_] | None  # mask over all options, if the model is cut
    bounds: KreisBounds
    # Bounds needing no search, over every option (a cut model's own per-student
    # and term bounds hold only for its options), by level: (bound, source).
    caps: dict[str, tuple[int, str]]
    greedy_coverage: int
    seconds_warm_start: float
    seconds_bounds: float
    together_can_share: int  # see SolveStats
    pairs_cap: PairsCap  # together with fairness held


def _over_every_option(
    kreis: Kreis, cand: Candidates, published: NDArray[np.int64], ctx: Context
) -> _Handover:
    """The stages over every option in ``cand``: the warm start, the bounds, a
    cut model's second warm start from the interest LP, and what it keeps."""
    began = time.monotonic()
    cut = is_cut(ctx.options, len(cand))
    warm = warm_start(kreis, cand, published, cut, ctx)
    flows_done = time.monotonic()
    bounds = bound_every_option(kreis, cand, warm, cut, ctx)
    start = warm.plan
    if cut and bounds.guide is not None and not warm.settled.any():
        start = interest_lp_guided(kreis, cand, warm, bounds.guide, ctx)
    places = meeting_places(cand, kreis.together, kreis.n_days, kreis.capacity)
    cut_to = None
    if cut:
        cut_to = cut_mask(kreis, cand, warm.nearest, start, bounds.priced, warm.settled, places)
    return _Handover(
        plan=cand.source[start],
        cut_to=cut_to,
        bounds=bounds,
        caps=caps_over_every_option(kreis, cand, warm.flows) if cut else {},
        greedy_coverage=warm.greedy_coverage,
        seconds_warm_start=flows_done - began,
        seconds_bounds=time.monotonic() - flows_done,
        together_can_share=sum(1 for shared in places if shared),
        pairs_cap=PairsCap.of(kreis, cand, warm.flows.top, places),
    )
