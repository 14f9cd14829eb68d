"""The hard rules of the data contract that involve more than one option.

Rules about a single option (kind, grade, Schulform, needs/provides,
requires/qualifications, age on the day, travel, dates) are settled earlier
by eligibility (``kaoa_match.options``): an option that breaks one never gets a
variable. Each function here adds one rule of the spec to the model.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import numpy as np

from kaoa_match.solvers.builder import iter_groups
from kaoa_match.solvers.variables import BFE, PRAKTIKUM

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from kaoa_match.model import Problem
    from kaoa_match.solvers.builder import ModelBuilder
    from kaoa_match.solvers.variables import Candidates


def at_most_needed_bfe_days(
    b: ModelBuilder, cand: Candidates, bfe_needed: NDArray[np.int64]
) -> None:
    """BFE: a student gets at most ``days`` placements."""
    bfe = np.flatnonzero(cand.kind == BFE)
    b.add_grouped_at_most(cand.student[bfe], bfe, bfe_needed)


def distinct_berufsfelder(b: ModelBuilder, cand: Candidates, n_fields: int) -> None:
    """BFE: each of a student's days in a different Berufsfeld."""
    bfe = np.flatnonzero(cand.kind == BFE)
    keys = cand.student[bfe] * n_fields + cand.field[bfe]
    for _, members in iter_groups(keys, bfe):
        b.add_at_most(members, 1)


def one_place_per_day(b: ModelBuilder, cand: Candidates, n_days: int) -> None:
    """BFE placements on distinct days; and nobody is at two places on one day.

    A Praktikum-only student needs no per-day rule: one block at most
    (``one_praktikum_block``) already keeps the days apart.
    """
    has_bfe = np.zeros(int(cand.student.max(initial=-1)) + 1, dtype=bool)
    has_bfe[cand.student[cand.kind == BFE]] = True
    owner, day = cand.expand_days()
    relevant = has_bfe[cand.student[owner]]
    owner, day = owner[relevant], day[relevant]
    for _, members in iter_groups(cand.student[owner] * n_days + day, owner):
        b.add_at_most(members, 1)


def one_praktikum_block(b: ModelBuilder, cand: Candidates) -> None:
    """Praktikum: a student gets at most one block."""
    blocks = np.flatnonzero(cand.kind == PRAKTIKUM)
    for _, members in iter_groups(cand.student[blocks], blocks):
        b.add_at_most(members, 1)


def bfe_capacity(
    b: ModelBuilder,
    cand: Candidates,
    capacity: NDArray[np.int64],
    min_group: NDArray[np.int64],
    n_days: int,
) -> None:
    """BFE capacity: on each day, an offer takes at most ``capacity`` students,
    and either none or at least ``min_group`` (the offer-day is open or closed)."""
    bfe = np.flatnonzero(cand.kind == BFE)
    keys = cand.offer[bfe] * n_days + cand.first_day[bfe]
    for key, members in iter_groups(keys, bfe):
        offer = key // n_days
        if min_group[offer] > 1:
            b.new_switch(members, int(min_group[offer]), int(capacity[offer]))
        else:
            b.add_at_most(members, int(capacity[offer]))


def group_minimums(problem: Problem) -> NDArray[np.int64]:
    """Per offer: the fewest students it runs with on a day (1 = no minimum)."""
    return np.asarray([o.smallest_group for o in problem.offers], dtype=np.int64)


def praktikum_capacity(
    b: ModelBuilder, cand: Candidates, capacity: NDArray[np.int64], n_days: int
) -> None:
    """Praktikum capacity: on each working day, at most ``capacity`` interns of an offer.

    The blocks of an offer with one start and length form a group. Blocks are
    intervals of days, so whatever set of them is present on a day is also
    present on the next day on which one of them ends: rows are needed on block
    ends only, and not where the groups present are a subset of the last row's.
    Rows that repeat the same blocks day after day make the LP relaxation much
    slower (measured: 40 s against 5 s on a 600-intern cohort).
    """
    blocks = np.flatnonzero(cand.kind == PRAKTIKUM)
    if len(blocks) == 0:
        return
    # An offer whose candidates all fit at once needs no rule.
    per_offer = np.bincount(cand.offer[blocks], minlength=len(capacity))
    blocks = blocks[per_offer[cand.offer[blocks]] > capacity[cand.offer[blocks]]]
    longest = int(cand.n_days.max(initial=0)) + 1
    start_keys = (cand.offer[blocks] * (n_days + 1) + cand.first_day[blocks]) * longest
    start_keys += cand.n_days[blocks]
    groups: dict[int, list[tuple[int, int, NDArray[np.int64]]]] = {}
    for key, members in iter_groups(start_keys, blocks):
        first = int(cand.first_day[members[0]])
        last = first + int(cand.n_days[members[0]]) - 1
        groups.setdefault(key // longest // (n_days + 1), []).append((first, last, members))
    for offer, of_offer in groups.items():
        _block_end_rows(b, of_offer, int(capacity[offer]))


def _block_end_rows(
    b: ModelBuilder, groups: list[tuple[int, int, NDArray[np.int64]]], limit: int
) -> None:
    """At most ``limit`` of the blocks ``(first day, last day, candidates)`` of one
    offer on any day. A group in three or more rows is counted once in an
    integer, so that long floating windows do not repeat every block in every row."""
    rows: list[list[int]] = []
    previous: set[int] = set()
    for day in sorted({last for _, last, _ in groups}):
        present = {g for g, (first, last, _) in enumerate(groups) if first <= day <= last}
        if present <= previous:
            continue
        previous = present
        if sum(len(groups[g][2]) for g in present) > limit:
            rows.append(sorted(present))
    in_rows = Counter(g for row in rows for g in row)
    counted = {
        g: b.new_sum(groups[g][2]) for g, n in in_rows.items() if n >= 3 and len(groups[g][2]) > 1
    }
    for row in rows:
        parts = [np.asarray([counted[g]]) if g in counted else groups[g][2] for g in row]
        variables = np.concatenate(parts).astype(np.int64)
        if counted.keys().isdisjoint(row):
            b.add_at_most(variables, limit)
        else:
            b.add_linear(variables, None, 0, limit)


def apart_pairs(
    b: ModelBuilder, cand: Candidates, pairs: list[tuple[int, int]], n_days: int
) -> None:
    """``apart`` pairs never share a company on a day."""
    slots = company_days(cand, {s for pair in pairs for s in pair}, n_days)
    for first, second in pairs:
        mine, theirs = slots.get(first, {}), slots.get(second, {})
        for slot in mine.keys() & theirs.keys():
            b.add_at_most(np.asarray(mine[slot] + theirs[slot], np.int64), 1)


def company_days(
    cand: Candidates, students: set[int], n_days: int
) -> dict[int, dict[int, list[int]]]:
    """For the given students: (company, day) slot -> candidates that put them there.

    A slot is ``company * n_days + day``. Pairs are few, so a loop is fine.
    """
    chosen = np.fromiter(students, np.int64, len(students))
    result: dict[int, dict[int, list[int]]] = {}
    for i in np.flatnonzero(np.isin(cand.student, chosen)).tolist():
        first = int(cand.first_day[i])
        per_student = result.setdefault(int(cand.student[i]), {})
        for day in range(first, first + int(cand.n_days[i])):
            per_student.setdefault(int(cand.company[i]) * n_days + day, []).append(i)
    return result


def locked_rows(b: ModelBuilder, locked_candidates: NDArray[np.int64]) -> None:
    """``locked`` rows of the previous plan are kept exactly."""
    for var in locked_candidates.tolist():
        b.fix(var, 1)


def add_hard_rules(
    b: ModelBuilder,
    cand: Candidates,
    problem: Problem,
    bfe_needed: NDArray[np.int64],
    apart: list[tuple[int, int]],
    locked_candidates: NDArray[np.int64],
    n_days: int,
) -> None:
    """Every hard rule of the spec that spans options."""
    capacity = np.asarray([o.capacity for o in problem.offers], dtype=np.int64)
    min_group = group_minimums(problem)
    at_most_needed_bfe_days(b, cand, bfe_needed)
    distinct_berufsfelder(b, cand, len(problem.fields))
    one_place_per_day(b, cand, n_days)
    one_praktikum_block(b, cand)
    bfe_capacity(b, cand, capacity, min_group, n_days)
    praktikum_capacity(b, cand, capacity, n_days)
    apart_pairs(b, cand, apart, n_days)
    locked_rows(b, locked_candidates)
