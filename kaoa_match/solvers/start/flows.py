"""Plans for a whole Kreis from min-cost flows, one BFE day per student at a time.

Take a plan and let every student give back one of its BFE placements (or,
short of placements, take one more). Who gets which free place is then a
transportation problem: students on one side, offer-days with their free
places on the other, an arc for each option that fits the student's other
placements (another date, another Berufsfeld). A maximum flow of minimum
cost solves it exactly for all students at once: as many placements as
possible, and among those the best by stability, top-3 fields, wishes,
interest and travel. Since the plan given is one of the flows, the layer never places
fewer students; a round is kept only if the plan is lexicographically no
worse. Rounds over each student's first, second, third day move the whole
Kreis in large exact steps, over every option (not only the nearest).

Praktikum blocks get rounds of their own, one per block span (start and
length): the students whose block has that span (or who lack one and could
take one) give it back, and each takes the best block of the same span with
room on every one of its days. Students of one span share its days, so the
room an offer has for them is the least free capacity over those days, and
the round is again an exact transportation problem. Students in
pairs or with locked rows do not move. Nor do students in a group with a
minimum size (``offers.min_group``), so that an open group stays open; a
group opens to more students only while it runs, never from closed.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

import numpy as np
from ortools.graph.python import min_cost_flow

from kaoa_match.solvers.levels import NAMES, spec
from kaoa_match.solvers.variables import BFE, LANGZEIT, PRAKTIKUM, WishMatches

if TYPE_CHECKING:
    from collections.abc import Callable

    from numpy.typing import NDArray

    from kaoa_match.solvers.variables import Candidates

_log = logging.getLogger(__name__)

# Arc costs (minimised; placements first is the max-flow part): a published
# row kept outweighs a top-3 field, which outweighs the points of any wishes
# (at most 5 + 4 + 3 + 2 + 1 on one option), each of which outweighs any
# interest difference, which outweighs travel minutes. The round's result is
# checked exactly.
_PER_MINUTE = 1
_PER_SCORE_POINT = 200
_PER_WISH_POINT = 101 * _PER_SCORE_POINT
_TOP = 16 * _PER_WISH_POINT
_PUBLISHED = 50 * _TOP
# Arcs each student keeps in the fast rounds (see _solve_flow), and the
# candidates from which there are fast rounds: on siegen-wittgenstein (1.95 M,
# 0.5 M arcs a round) every arc reached interest 459,935 in 18 s, the fast
# rounds 459,331; on koeln (17.7 M, 4.3 M arcs a round, 8 s) the fast rounds
# reached 1,710,456 in 15 s, every arc 1,655,794.
_ARCS_PER_STUDENT = 24
_FAST_ROUNDS_FROM = 4_000_000


@dataclass(frozen=True)
class FlowKreis:
    """What the flows need of a Kreis, over the candidate options."""

    cand: Candidates
    capacity: NDArray[np.int64]  # per offer
    n_days: int
    top: NDArray[np.bool_]  # per candidate: in a top-3 field of its student
    published: NDArray[np.bool_]  # per candidate: a published row of the previous plan
    movable: NDArray[np.bool_]  # per student
    bfe_needed: NDArray[np.int64]  # per student
    min_group: NDArray[np.int64] | None = None  # per offer; None = no minimums
    wishes: WishMatches = field(default_factory=WishMatches.none)
    # The solve's order of the levels: which plan is lexicographically better.
    # (The arc costs weigh the levels in the catalogue's listing; a round is
    # kept only if it is no worse in this order.)
    order: tuple[str, ...] = NAMES

    @property
    def n_students(self) -> int:
        return len(self.bfe_needed)


def level_values(k: FlowKreis, plan: NDArray[np.bool_]) -> dict[str, int]:
    """The value of each level of ``plan`` that the flows weigh (all but
    ``together``), in the solve's order."""
    c = k.cand
    fair = np.zeros(k.n_students, dtype=bool)
    fair[c.student[plan & k.top]] = True
    values = {
        "coverage": int(plan.sum()),
        "stability": int((plan & k.published).sum()),
        "fairness": int(fair.sum()),
        "wishes": k.wishes.value(plan),
        "interest": int(c.score[plan].sum()),
        "travel": int(c.travel[plan].sum()),
    }
    return {name: values[name] for name in k.order if name in values}


def value_tuple(k: FlowKreis, plan: NDArray[np.bool_]) -> tuple[int, ...]:
    """The levels of ``plan`` in the solve's order (minimised ones negated,
    so that a larger tuple is a lexicographically better plan)."""
    values = level_values(k, plan)
    return tuple(v if spec(name).maximize else -v for name, v in values.items())


def improve_by_layers(
    k: FlowKreis, plan: NDArray[np.bool_], seconds: float, rounds: int = 1_000
) -> NDArray[np.bool_]:
    """Rounds of one-day-per-student flows from ``plan`` (a feasible 0/1 mask
    over the candidates) while they improve it, up to ``rounds`` and
    ``seconds``; they stop once a full cycle of orders and days finds
    nothing. On a Kreis of many options the rounds first keep each student's
    cheapest arcs only, and take every arc once a cycle of those finds nothing."""
    started = time.monotonic()
    first = best = value_tuple(k, plan)
    done, converged = 0, False
    fast_first = len(k.cand) >= _FAST_ROUNDS_FROM
    for arcs_per_student in (_ARCS_PER_STUDENT, None) if fast_first else (None,):
        schedule = _schedule(k, arcs_per_student)
        stale, last_round = 0, 0.0
        while done < rounds:
            began = time.monotonic()
            # Stop before a round that would likely end past the time given.
            if began - started + last_round > seconds or stale >= len(schedule):
                break
            trial = schedule[done % len(schedule)](plan)
            last_round, done = time.monotonic() - began, done + 1
            value = value_tuple(k, trial)
            if value > best:
                plan, best, stale = trial, value, 0
            else:
                stale += 1
        converged = stale >= len(schedule)
        if not converged:
            break
    _log.debug(
        "flows: %d rounds in %.1f s of %.1f (%s): %s -> %s",
        done,
        time.monotonic() - started,
        seconds,
        "converged" if converged else "stopped",
        first,
        best,
    )
    return plan


def _schedule(
    k: FlowKreis, arcs_per_student: int | None
) -> list[Callable[[NDArray[np.bool_]], NDArray[np.bool_]]]:
    """One cycle of rounds: each order and day, then each Praktikum block span."""
    layers = int(k.bfe_needed.max(initial=0))
    schedule: list[Callable[[NDArray[np.bool_]], NDArray[np.bool_]]] = [
        partial(_layer, k, order_by=order, layer=layer, arcs_per_student=arcs_per_student)
        for order in _ORDERS
        for layer in range(layers)
    ]
    schedule += [
        partial(_block_round, k, span=span, arcs_per_student=arcs_per_student)
        for span in _block_spans(k)
    ]
    return schedule


# Which BFE day each student gives back in a round: the first, second, ...
# by date, then by score (the weakest first). Both orders together found more
# than either alone (siegen-wittgenstein: interest 481,247 against 480,470).
_ORDERS = ("date", "score")


def _block_spans(k: FlowKreis) -> list[tuple[int, int]]:
    """The (first day, length) of every Praktikum block among the candidates,
    the most common first: each gets a round."""
    c = k.cand
    blocks = c.kind == PRAKTIKUM
    keys, counts = np.unique(
        c.first_day[blocks] * (k.n_days + 1) + c.n_days[blocks], return_counts=True
    )
    return [
        (int(key) // (k.n_days + 1), int(key) % (k.n_days + 1))
        for key in keys[np.argsort(-counts, kind="stable")]
    ]


def _block_round(
    k: FlowKreis,
    plan: NDArray[np.bool_],
    span: tuple[int, int],
    arcs_per_student: int | None = None,
) -> NDArray[np.bool_]:
    """One round for the Praktikum blocks of ``span`` (first day, length): their
    students give them back, and so may take another of the same span, as may
    students without a block; each offer has room for the least free capacity
    over the span's days."""
    c = k.cand
    first, length = span
    block = c.kind == PRAKTIKUM
    of_span = block & (c.first_day == first) & (c.n_days == length)
    n = k.n_students
    has_block = np.zeros(n, dtype=bool)
    has_block[c.student[plan & block]] = True
    dropped = plan & of_span & k.movable[c.student]
    kept = plan & ~dropped
    moving = np.zeros(n, dtype=bool)
    moving[c.student[dropped]] = True
    moving |= ~has_block
    moving &= k.movable

    _, _, has_top = _used(k, kept)
    # A Langzeitpraktikum pauses during the student's block: only the other
    # placements' days keep a block off. Kept off them too (each block holds
    # its weekdays), such a student lost its block in the round, so every
    # round of that span fell in coverage and was thrown away (langzeit-dienstag:
    # the flows after the coverage search reached fairness 324, now 445 of 463).
    day_used, _, _ = _used(k, kept & (c.kind != LANGZEIT))
    busy = np.any(day_used[:, first : first + length], axis=1)
    taken = np.flatnonzero(kept)
    owner, day = c.take(taken).expand_days()
    load = np.zeros((len(k.capacity), k.n_days + 1), dtype=np.int64)
    np.add.at(load, (c.offer[taken][owner], day), 1)
    room = k.capacity - load[:, first : first + length].max(axis=1, initial=0)
    arcs = np.flatnonzero(of_span & moving[c.student] & ~busy[c.student] & (room[c.offer] > 0))
    chosen = _solve_flow(
        k,
        arcs,
        c.offer,
        np.maximum(room, 0),
        has_top,
        _wish_points(k, kept),
        dropped[arcs],
        arcs_per_student,
    )
    trial = kept
    trial[chosen] = True
    return trial


def _layer(
    k: FlowKreis,
    plan: NDArray[np.bool_],
    order_by: str,
    layer: int,
    arcs_per_student: int | None = None,
) -> NDArray[np.bool_]:
    """One round: each movable student gives back its ``layer``-th BFE day in
    the order ``order_by`` (none if short of days) and takes the best free one
    by the flow."""
    c = k.cand
    n = k.n_students
    bfe = c.kind == BFE
    placed = np.flatnonzero(plan & bfe)
    per_student = np.bincount(c.student[placed], minlength=n)
    short = per_student < k.bfe_needed
    # The layer-th placement of each full student, in the order asked for.
    key = {"date": c.first_day, "score": c.score}[order_by]
    order = placed[np.lexsort((key[placed], c.student[placed]))]
    rank = np.arange(len(order)) - np.searchsorted(c.student[order], c.student[order])
    drop = order[
        (rank == layer % np.maximum(per_student[c.student[order]], 1)) & ~short[c.student[order]]
    ]
    slot = c.offer * k.n_days + c.first_day
    movable, closed = _group_rules(k, plan, slot)
    drop = drop[movable[c.student[drop]]]
    kept = plan.copy()
    kept[drop] = False

    moving = short.copy()
    moving[c.student[drop]] = True
    moving &= movable & (k.bfe_needed > 0)
    day_used, field_used, has_top = _used(k, kept)
    load = np.bincount(slot[kept & bfe], minlength=len(k.capacity) * k.n_days)
    free = np.repeat(k.capacity, k.n_days) - load
    free[closed] = 0
    arcs = np.flatnonzero(
        bfe
        & ~kept
        & moving[c.student]
        & (free[slot] > 0)
        & ~day_used[c.student, c.first_day]
        & ~field_used[c.student, c.field]
    )
    chosen = _solve_flow(
        k, arcs, slot, free, has_top, _wish_points(k, kept), plan[arcs], arcs_per_student
    )
    trial = kept
    trial[chosen] = True
    return trial


def _group_rules(
    k: FlowKreis, plan: NDArray[np.bool_], slot: NDArray[np.int64]
) -> tuple[NDArray[np.bool_], NDArray[np.int64]]:
    """Who may move in a round of ``plan``, and which offer-days take nobody:
    students in a group with a minimum size stay, and a group that does not
    run now stays closed (one student alone could not open it)."""
    if k.min_group is None or not (k.min_group > 1).any():
        return k.movable, np.zeros(0, dtype=np.int64)
    c = k.cand
    grouped = (c.kind == BFE) & (k.min_group[c.offer] > 1)
    movable = k.movable.copy()
    movable[c.student[plan & grouped]] = False
    load = np.bincount(slot[plan & grouped], minlength=len(k.capacity) * k.n_days)
    minimum = np.repeat(k.min_group, k.n_days)
    closed = np.flatnonzero((minimum > 1) & (load < minimum))
    return movable, closed


def _used(
    k: FlowKreis, plan: NDArray[np.bool_]
) -> tuple[NDArray[np.bool_], NDArray[np.bool_], NDArray[np.bool_]]:
    """Per student: days taken (BFE days and Praktikum block days), BFE fields
    taken, and whether a placement is in a top-3 field."""
    c = k.cand
    n = k.n_students
    day_used = np.zeros((n, k.n_days + 1), dtype=bool)
    field_used = np.zeros((n, int(c.field.max(initial=0)) + 1), dtype=bool)
    taken = np.flatnonzero(plan)
    owner, day = c.take(taken).expand_days()
    day_used[c.student[taken][owner], day] = True
    bfe = taken[c.kind[taken] == BFE]
    field_used[c.student[bfe], c.field[bfe]] = True
    has_top = np.zeros(n, dtype=bool)
    has_top[c.student[taken[k.top[taken]]]] = True
    return day_used, field_used, has_top


def _wish_points(k: FlowKreis, kept: NDArray[np.bool_]) -> NDArray[np.int64]:
    """Per candidate: the points of the wishes it would grant that ``kept``
    does not grant already."""
    w = k.wishes
    open_ = ~w.granted(kept)[w.wish]
    points = np.bincount(w.option[open_], weights=w.weight[w.wish[open_]], minlength=len(k.cand))
    return points.astype(np.int64)


def _solve_flow(
    k: FlowKreis,
    arcs: NDArray[np.int64],
    slot: NDArray[np.int64],
    free: NDArray[np.int64],
    has_top: NDArray[np.bool_],
    wish_points: NDArray[np.int64],
    held: NDArray[np.bool_],
    arcs_per_student: int | None,
) -> NDArray[np.int64]:
    """The candidates of ``arcs`` that a maximum flow of minimum cost uses.

    ``held`` marks the arcs of the placements the students gave back. With
    ``arcs_per_student``, a student who gave one back keeps only that many
    of its cheapest arcs and that one (koeln: 0.2 M arcs and about a second a
    flow, against 4.3 M and 7.8 s), so the plan before the round is still
    among the flows and the round never loses a placement; a student without
    one keeps all."""
    if len(arcs) == 0:
        return arcs
    c = k.cand
    student = c.student[arcs]
    gain = (
        _PUBLISHED * k.published[arcs]
        + _TOP * (k.top[arcs] & ~has_top[student])
        + _PER_WISH_POINT * wish_points[arcs]
        + _PER_SCORE_POINT * c.score[arcs]
    )
    cost = _PER_MINUTE * c.travel[arcs] - gain
    if arcs_per_student is not None:
        gave_back = np.zeros(k.n_students, dtype=bool)
        gave_back[student[held]] = True
        keep = _cheapest_per_student(student, cost, arcs_per_student) | held
        keep |= ~gave_back[student]
        arcs, student, cost = arcs[keep], student[keep], cost[keep]
    return arcs[_min_cost_flow(student, slot[arcs], cost, free)]


def _cheapest_per_student(
    student: NDArray[np.int64], cost: NDArray[np.int64], limit: int
) -> NDArray[np.bool_]:
    """Mask of each student's ``limit`` cheapest arcs (all if fewer)."""
    order = np.lexsort((cost, student))
    grouped = student[order]
    rank = np.arange(len(order)) - np.searchsorted(grouped, grouped)
    cheapest = np.zeros(len(student), dtype=bool)
    cheapest[order[rank < limit]] = True
    return cheapest


def _min_cost_flow(
    student: NDArray[np.int64],
    slot: NDArray[np.int64],
    cost: NDArray[np.int64],
    free: NDArray[np.int64],
) -> NDArray[np.int64]:
    """Positions of the arcs (one per ``student``, ``slot`` and ``cost``) that a
    maximum flow of minimum cost uses, each student taking at most one and
    each slot at most its ``free`` places."""
    students, student_node = np.unique(student, return_inverse=True)
    slots, slot_node = np.unique(slot, return_inverse=True)
    source = len(students) + len(slots)
    sink = source + 1
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        np.full(len(students), source), np.arange(len(students)), 1, 0
    )
    used = flow.add_arcs_with_capacity_and_unit_cost(
        student_node.astype(np.int64),
        len(students) + slot_node.astype(np.int64),
        1,
        cost.astype(np.int64),
    )
    flow.add_arcs_with_capacity_and_unit_cost(
        len(students) + np.arange(len(slots)), np.full(len(slots), sink), free[slots], 0
    )
    flow.set_node_supply(source, len(students))
    flow.set_node_supply(sink, -len(students))
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(flow.flows(used) > 0)
