"""The hard rules of the data contract that involve more than one option.

Rules about a single option (kind, grade, Schulform, needs/provides,
requires/qualifications, age on the day, travel, dates) are settled earlier
by eligibility (``kaoa_match.options``): an option that breaks one never gets a
variable. Each function here adds one rule of the spec to the model.
"""

from __future__ import annotations

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
    b: ModelBuilder, cand: Candidates, capacity: NDArray[np.int64], n_days: int
) -> None:
    """BFE capacity: on each day, an offer takes at most ``capacity`` students."""
    bfe = np.flatnonzero(cand.kind == BFE)
    keys = cand.offer[bfe] * n_days + cand.first_day[bfe]
    for key, members in iter_groups(keys, bfe):
        b.add_at_most(members, int(capacity[key // n_days]))


def praktikum_capacity(
    b: ModelBuilder, cand: Candidates, capacity: NDArray[np.int64], n_days: int
) -> None:
    """Praktikum capacity: on each working day, at most ``capacity`` interns of an offer.

    Interns are counted per (offer, start, length) in one integer each, so the
    per-day sums run over a few starts instead of over every student's block.
    """
    blocks = np.flatnonzero(cand.kind == PRAKTIKUM)
    if len(blocks) == 0:
        return
    # An offer whose candidates all fit at once needs no rule (1 block per student).
    students_per_offer = np.bincount(cand.offer[blocks], minlength=len(capacity))
    blocks = blocks[students_per_offer[cand.offer[blocks]] > capacity[cand.offer[blocks]]]
    longest = int(cand.n_days.max(initial=0)) + 1
    start_keys = (cand.offer[blocks] * (n_days + 1) + cand.first_day[blocks]) * longest
    start_keys += cand.n_days[blocks]
    present: dict[tuple[int, int], list[int]] = {}
    for key, members in iter_groups(start_keys, blocks):
        offer = key // longest // (n_days + 1)
        count = b.new_sum(members)
        first = int(cand.first_day[members[0]])
        for day in range(first, first + int(cand.n_days[members[0]])):
            present.setdefault((offer, day), []).append(count)
    for (offer, _day), counts in present.items():
        b.add_linear(np.asarray(counts, np.int64), None, 0, int(capacity[offer]))


def praktikum_capacity_cliques(
    b: ModelBuilder, cand: Candidates, capacity: NDArray[np.int64], n_days: int
) -> None:
    """As ``praktikum_capacity``, with a row only on the last day of some block."""
    _cliques(b, cand, capacity, n_days, direct=False)


def praktikum_capacity_direct(
    b: ModelBuilder, cand: Candidates, capacity: NDArray[np.int64], n_days: int
) -> None:
    """Rows only on block ends, over the candidates themselves (no count variables)."""
    _cliques(b, cand, capacity, n_days, direct=True)


def _cliques(
    b: ModelBuilder, cand: Candidates, capacity: NDArray[np.int64], n_days: int, direct: bool
) -> None:
    blocks = np.flatnonzero(cand.kind == PRAKTIKUM)
    if len(blocks) == 0:
        return
    students_per_offer = np.bincount(cand.offer[blocks], minlength=len(capacity))
    blocks = blocks[students_per_offer[cand.offer[blocks]] > capacity[cand.offer[blocks]]]
    longest = int(cand.n_days.max(initial=0)) + 1
    start_keys = (cand.offer[blocks] * (n_days + 1) + cand.first_day[blocks]) * longest
    start_keys += cand.n_days[blocks]
    spans: dict[int, list[tuple[int, int, NDArray[np.int64]]]] = {}
    for key, members in iter_groups(start_keys, blocks):
        offer = key // longest // (n_days + 1)
        first = int(cand.first_day[members[0]])
        last = first + int(cand.n_days[members[0]]) - 1
        spans.setdefault(offer, []).append((first, last, members))
    for offer, groups in spans.items():
        cap = int(capacity[offer])
        previous: set[int] = set()
        counts: dict[int, int] = {}
        for day in sorted({last for _, last, _ in groups}):
            present = {g for g, (first, last, _) in enumerate(groups) if first <= day <= last}
            if present <= previous:
                continue
            previous = present
            if sum(len(groups[g][2]) for g in present) <= cap:
                continue
            if direct:
                row = np.concatenate([groups[g][2] for g in sorted(present)])
                b.add_at_most(row, cap)
                continue
            for g in present:
                if g not in counts:
                    members = groups[g][2]
                    counts[g] = b.new_sum(members) if len(members) > 1 else int(members[0])
            b.add_linear(np.asarray([counts[g] for g in sorted(present)], np.int64), None, 0, cap)


def praktikum_capacity_intervals(
    b: ModelBuilder, cand: Candidates, capacity: NDArray[np.int64], n_days: int
) -> None:
    """Praktikum capacity as an optional fixed-size interval per candidate block and
    one cumulative constraint per offer (CP-SAT only). The LP relaxation gets the
    per-day rows instead, so its bound and fixings stay valid."""
    blocks = np.flatnonzero(cand.kind == PRAKTIKUM)
    if len(blocks) == 0:
        return
    students_per_offer = np.bincount(cand.offer[blocks], minlength=len(capacity))
    blocks = blocks[students_per_offer[cand.offer[blocks]] > capacity[cand.offer[blocks]]]
    model = b.model
    for offer, members in iter_groups(cand.offer[blocks], blocks):
        intervals = [
            model.new_optional_fixed_size_interval_var(
                int(cand.first_day[i]),
                int(cand.n_days[i]),
                model.get_bool_var_from_proto_index(int(i)),
                "",
            )
            for i in members.tolist()
        ]
        model.add_cumulative(intervals, [1] * len(intervals), int(capacity[offer]))
    owner, day = _block_days(cand, blocks)
    for key, members in iter_groups(cand.offer[owner] * n_days + day, owner):
        b._record(members, np.ones(len(members), np.int64), 0, int(capacity[key // n_days]))  # noqa: SLF001


def _block_days(
    cand: Candidates, blocks: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Every (candidate, working day) of the given blocks."""
    owner = np.repeat(blocks, cand.n_days[blocks])
    starts = np.repeat(np.cumsum(cand.n_days[blocks]) - cand.n_days[blocks], cand.n_days[blocks])
    return owner, cand.first_day[owner] + (np.arange(len(owner), dtype=np.int64) - starts)


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
    at_most_needed_bfe_days(b, cand, bfe_needed)
    distinct_berufsfelder(b, cand, len(problem.fields))
    one_place_per_day(b, cand, n_days)
    one_praktikum_block(b, cand)
    bfe_capacity(b, cand, capacity, n_days)
    praktikum_capacity(b, cand, capacity, n_days)
    apart_pairs(b, cand, apart, n_days)
    locked_rows(b, locked_candidates)
