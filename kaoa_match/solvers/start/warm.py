"""The first warm start over every option: the greedy plan, improved by
min-cost flows, and for a cut model the LP-guided start."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from kaoa_match.solvers.cut import nearest_offers, settled_students
from kaoa_match.solvers.kreis import present_positions
from kaoa_match.solvers.search.lexicographic import announce
from kaoa_match.solvers.start.flows import improve_by_layers
from kaoa_match.solvers.start.greedy import greedy_plan
from kaoa_match.solvers.start.lp_guided import lp_guided
from kaoa_match.solvers.variables import WishMatches

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from kaoa_match.solvers.context import Context
    from kaoa_match.solvers.kreis import Kreis
    from kaoa_match.solvers.start.flows import FlowKreis
    from kaoa_match.solvers.start.greedy import GreedyInput
    from kaoa_match.solvers.variables import Candidates

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WarmStart:
    """The warm start over the candidates, and what later stages reuse of it."""

    plan: NDArray[np.bool_]  # per candidate
    greedy_coverage: int
    greedy_input: GreedyInput
    flows: FlowKreis
    flow_seconds: float
    nearest: NDArray[np.int64]  # a cut model's nearest offers (positions), else none
    settled: NDArray[np.bool_]  # per student: kept where they are by a cut rerun


def warm_start(
    kreis: Kreis,
    cand: Candidates,
    published_options: NDArray[np.int64],
    cut: bool,
    ctx: Context,
) -> WarmStart:
    """The greedy plan improved by min-cost flows; for a model ``cut`` to the
    nearest offers also those offers, the students a rerun settles, and (if
    none is) the start guided by the LP of the nearest offers."""
    options = ctx.options
    announce(ctx.progress, f"warm start: greedy and min-cost flows over {len(cand):,} options")
    wishes = WishMatches.of(kreis.wishes, cand)
    greedy_input = kreis.greedy_input(cand, wishes)
    greedy = (
        greedy_plan(
            cand,
            greedy_input,
            # A published row of a group that cannot run is no candidate any more.
            present_positions(cand, published_options),
        )
        == 1  # a mask, not 8 bytes an option (koeln: 124 MB less)
    )
    flows = kreis.flow_kreis(cand, published_options, wishes)
    flow_seconds = ctx.policy.flow_seconds(ctx.deadline.seconds, cut)
    start = improve_by_layers(flows, greedy, flow_seconds)
    nearest = np.zeros(0, dtype=np.int64)
    settled = np.zeros(len(kreis.most_placeable), dtype=bool)
    if cut:
        nearest = nearest_offers(kreis, cand, options)
        settled = settled_students(flows, start, kreis.most_placeable)
        if settled.any():
            _log.debug("rerun: %d of %d students settled", settled.sum(), len(settled))
        elif options.use_lp:
            announce(ctx.progress, "warm start: the LP of the nearest offers, rounded, and flows")
            start = lp_guided(
                kreis,
                cand,
                nearest,
                greedy_input,
                flows,
                start,
                ctx.policy.lp_guided_seconds(ctx.deadline, len(nearest), flow_seconds),
                options.seed,
                ctx.policy,
            )
    return WarmStart(start, int(greedy.sum()), greedy_input, flows, flow_seconds, nearest, settled)
