"""Shrink the model without changing its lexicographic optimum.

Dominance of BFE options. Take a student ``s``, a day ``d`` and a field ``f``,
and the offers of field ``f`` open to ``s`` on ``d``, nearest first. If for the
first ``j`` of them the number of students who could go to any of them on ``d``
is at most their places on ``d`` together, then in every plan ``s`` could move
from a farther offer of that (day, field) into a free place among the first
``j``: the others can fill at most all but one of those places. The move
keeps coverage, stability, fairness and interest (same day, same field), and
cuts travel when the new offer is strictly nearer. So no optimal plan uses an
option farther than the nearest such uncongested prefix, and those options
can go. Students in a pair are left alone: moving them could break an
apart rule or change the together level. The caller keeps the options
whose move would cost more than travel: published and locked rows of the
previous plan, and options that grant a wish.

An offer with a minimum group size neither dominates (its free place may be
in a group that does not run) nor is dominated (leaving it could make its
group too small): its options all stay, and its places count as none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from kaoa_match.solvers.variables import BFE, Candidates

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from kaoa_match.options import Options


def prune_dominated_bfe(
    options: Options,
    capacity: NDArray[np.int64],
    protected_students: NDArray[np.bool_],
    n_fields: int,
    min_group: NDArray[np.int64] | None = None,
) -> NDArray[np.bool_]:
    """Mask over all options: False for BFE options no optimal plan needs."""
    student = np.asarray(options.student, np.int64)
    offer = np.asarray(options.offer, np.int64)
    day = np.asarray(options.first_day, np.int64)
    travel = np.asarray(options.travel_min, np.int64)
    keep = np.ones(len(student), dtype=bool)
    bfe = np.flatnonzero(np.asarray(options.kind) == BFE)
    if len(bfe) == 0:
        return keep

    n_days = len(options.days)
    slot = offer[bfe] * n_days + day[bfe]
    _, slot_id, demand = np.unique(slot, return_inverse=True, return_counts=True)
    demand_of = demand[slot_id]  # students who could take this offer on this day
    places_of = capacity[offer[bfe]]
    grouped = np.zeros(len(bfe), dtype=bool)
    if min_group is not None:
        grouped = min_group[offer[bfe]] > 1
        places_of = np.where(grouped, 0, places_of)

    field = np.asarray(options.field, np.int64)[bfe]
    group = (student[bfe] * n_days + day[bfe]) * n_fields + field
    order = np.lexsort((travel[bfe], group))
    g = group[order]
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    group_of = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(g)]))

    cum_demand = _cumsum_within(demand_of[order], starts, group_of)
    cum_places = _cumsum_within(places_of[order], starts, group_of)
    uncongested = cum_demand <= cum_places
    t = travel[bfe][order]
    # Travel of the nearest uncongested prefix end in each group (inf if none).
    first_free = np.full(len(starts), np.iinfo(np.int64).max)
    np.minimum.at(first_free, group_of[uncongested], t[uncongested])
    dominated = t > first_free[group_of]
    dominated &= ~protected_students[student[bfe][order]] & ~grouped[order]
    keep[bfe[order[dominated]]] = False
    return keep


def _cumsum_within(
    values: NDArray[np.int64], starts: NDArray[np.int64], group_of: NDArray[np.int64]
) -> NDArray[np.int64]:
    """Running sums that restart at each group start."""
    total = np.cumsum(values)
    before = np.r_[0, total][starts]
    return total - before[group_of]


def nearest_per_day_field(
    cand: Candidates, max_options: int, n_days: int, n_fields: int
) -> NDArray[np.int64]:
    """Positions of the candidates kept when ``cand`` is cut to at most about
    ``max_options`` by keeping, for each student, day (or block start) and
    field, only the ``k`` nearest offers, with the largest ``k`` that fits.
    This is a restriction: plans stay feasible, but the optimum of the cut
    model may miss the true one, so its bounds do not hold for the whole
    problem."""
    if len(cand) <= max_options:
        return np.arange(len(cand), dtype=np.int64)
    group = ((cand.student * (n_days + 1) + cand.first_day) * n_fields) + cand.field
    # One stable sort of one key is the lexsort by (group, travel), several times
    # faster (koeln: 23 M options); the key stays far below 2**63.
    order = np.argsort(group * (int(cand.travel.max(initial=0)) + 1) + cand.travel, kind="stable")
    g = group[order]
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    # Rank of each candidate (in sorted order) among the nearest of its group.
    rank = np.arange(len(g)) - np.repeat(starts, np.diff(np.r_[starts, len(g)]))
    fitting = np.cumsum(np.bincount(rank)) <= max_options
    k = max(int(fitting.sum()), 1)
    return np.sort(order[rank < k])


def best_per_slot(
    cand: Candidates,
    value: NDArray[np.int64],
    places: NDArray[np.int64],
    n_days: int,
    per_place: int,
) -> NDArray[np.int64]:
    """Positions of the candidates of highest ``value`` (>= 0) on each offer
    and first day: ``per_place`` per place of the offer and ``per_place`` more.
    These are the options whose competition sets an offer-day's price in the
    LP, so an LP over a few options per student still prices every offer."""
    slot = cand.offer * n_days + cand.first_day
    top = int(value.max(initial=0))
    # One stable sort of one key: by slot, highest value first.
    order = np.argsort(slot * (top + 1) + (top - value), kind="stable")
    s = slot[order]
    starts = np.flatnonzero(np.r_[True, s[1:] != s[:-1]])
    rank = np.arange(len(s)) - np.repeat(starts, np.diff(np.r_[starts, len(s)]))
    return np.sort(order[rank < per_place * (places[cand.offer[order]] + 1)])
