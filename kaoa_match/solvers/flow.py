"""A warm start from min-cost flows: the BFE dates one after another.

On one date every student takes at most one place and every offer at most its
capacity: a transportation problem, which a min-cost flow solves exactly and
fast (OR-Tools' ``SimpleMinCostFlow``, arcs added as arrays). The cost of a
placement follows the levels' order: a placement at all first, a published row
kept next, a first top-3 field, then the interest score, then travel. What
ties the dates together (distinct Berufsfelder, days needed, one top-3 field
being enough) is carried from one date to the next, so the whole is a
heuristic; ``greedy_plan`` then takes the chosen options first and checks
every hard rule (pairs and locked rows included) while it fills up the rest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from ortools.graph.python import min_cost_flow

from kaoa_match.solvers.variables import BFE

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from kaoa_match.solvers.heuristic import GreedyInput
    from kaoa_match.solvers.variables import Candidates

# Weights of one placement, each level far above the next (costs are minimised).
_PLACED = 10_000_000
_PUBLISHED = 1_000_000
_FIRST_TOP_FIELD = 100_000
_PER_SCORE_POINT = 100  # scores are 0-100: at most 10,000
# travel: one per minute


def flow_order(
    cand: Candidates, data: GreedyInput, published: NDArray[np.int64]
) -> NDArray[np.int64]:
    """The BFE candidates the per-date flows choose, date by date."""
    n_students = len(data.bfe_needed)
    count = np.zeros(n_students, dtype=np.int64)
    used_field = np.zeros(data.top_fields.shape, dtype=bool)
    has_top = np.zeros(n_students, dtype=bool)
    busy = np.zeros((n_students, data.n_days), dtype=bool)
    free = np.repeat(data.capacity[:, None], data.n_days, axis=1)
    for i in data.locked.tolist():  # locked rows are placed before anyone else
        s, f, o = int(cand.student[i]), int(cand.field[i]), int(cand.offer[i])
        days = range(int(cand.first_day[i]), int(cand.first_day[i] + cand.n_days[i]))
        busy[s, list(days)] = True
        free[o, list(days)] -= 1
        if cand.kind[i] == BFE:
            count[s] += 1
            used_field[s, f] = True
    is_published = np.zeros(len(cand), dtype=bool)
    is_published[published] = True

    bfe = np.flatnonzero(cand.kind == BFE)
    chosen: list[NDArray[np.int64]] = []
    for day in np.unique(cand.first_day[bfe]).tolist():
        on_day = bfe[cand.first_day[bfe] == day]
        s, f = cand.student[on_day], cand.field[on_day]
        open_ = (count[s] < data.bfe_needed[s]) & ~used_field[s, f] & ~busy[s, day]
        on_day = on_day[open_ & (free[cand.offer[on_day], day] > 0)]
        if len(on_day) == 0:
            continue
        s, f = cand.student[on_day], cand.field[on_day]
        cost = (
            cand.travel[on_day]
            - _PLACED
            - _PUBLISHED * is_published[on_day]
            - _FIRST_TOP_FIELD * (data.top_fields[s, f] & ~has_top[s])
            - _PER_SCORE_POINT * cand.score[on_day]
        )
        taken = on_day[_assign(s, cand.offer[on_day], cost, free[:, day])]
        s, f = cand.student[taken], cand.field[taken]
        count[s] += 1
        used_field[s, f] = True
        has_top[s] |= data.top_fields[s, f]
        busy[s, day] = True
        np.subtract.at(free[:, day], cand.offer[taken], 1)
        chosen.append(taken)
    return np.concatenate(chosen) if chosen else np.zeros(0, dtype=np.int64)


def _assign(
    student: NDArray[np.int64],
    offer: NDArray[np.int64],
    cost: NDArray[np.int64],
    free: NDArray[np.int64],
) -> NDArray[np.int64]:
    """Positions of the (student, offer) arcs in a min-cost assignment where each
    student takes at most one offer and each offer at most ``free`` students."""
    students, s_node = np.unique(student, return_inverse=True)
    offers, o_node = np.unique(offer, return_inverse=True)
    n_s, n_o = len(students), len(offers)
    source, sink = 0, n_s + n_o + 1
    s_node, o_node = s_node.ravel() + 1, o_node.ravel() + 1 + n_s
    graph = min_cost_flow.SimpleMinCostFlow()
    first_arc = graph.add_arcs_with_capacity_and_unit_cost(
        s_node, o_node, np.ones(len(student), dtype=np.int64), cost
    )[0]
    graph.add_arcs_with_capacity_and_unit_cost(
        np.zeros(n_s, dtype=np.int64),
        np.arange(1, n_s + 1, dtype=np.int64),
        np.ones(n_s, dtype=np.int64),
        np.zeros(n_s, dtype=np.int64),
    )
    graph.add_arcs_with_capacity_and_unit_cost(
        np.arange(n_s + 1, n_s + n_o + 1, dtype=np.int64),
        np.full(n_o, sink, dtype=np.int64),
        np.maximum(free[offers], 0),
        np.zeros(n_o, dtype=np.int64),
    )
    # Not every student can be placed: a free way round, at no gain.
    graph.add_arc_with_capacity_and_unit_cost(source, sink, n_s, 0)
    graph.set_node_supply(source, n_s)
    graph.set_node_supply(sink, -n_s)
    if graph.solve() != graph.OPTIMAL:
        return np.zeros(0, dtype=np.int64)
    arcs = np.arange(first_arc, first_arc + len(student))
    return np.flatnonzero(graph.flows(arcs) > 0)
