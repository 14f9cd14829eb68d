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
from kaoa_match.solvers.variables import BFE, COURSE, LANGZEIT, PRAKTIKUM

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
    """BFE: each of a student's days in a different Berufsfeld; Praxiskurs:
    each of a participant's courses in a different Berufsfeld."""
    for kind in (BFE, COURSE):
        of_kind = np.flatnonzero(cand.kind == kind)
        keys = cand.student[of_kind] * n_fields + cand.field[of_kind]
        for _, members in iter_groups(keys, of_kind):
            b.add_at_most(members, 1)


def at_most_needed_courses(
    b: ModelBuilder, cand: Candidates, courses_needed: NDArray[np.int64]
) -> None:
    """Praxiskurs: a participant gets at most ``days`` courses."""
    courses = np.flatnonzero(cand.kind == COURSE)
    b.add_grouped_at_most(cand.student[courses], courses, courses_needed)


def one_place_per_day(b: ModelBuilder, cand: Candidates, n_days: int) -> None:
    """Across kinds: no two placements of one student share a date, except
    that a Langzeitpraktikum pauses during the student's Praktikum block.

    Two rows per (student, day): the BFE days, blocks and courses on it at most
    one; and the BFE days, courses and Langzeitpraktikum dates on it at most
    one (a Praktikum block may share its days with a Langzeitpraktikum). A
    student with only one block or one Langzeitpraktikum needs no row: at
    most one of each (``one_praktikum_block``, ``one_langzeitpraktikum``)
    already keeps its days apart.
    """
    n_students = int(cand.student.max(initial=-1)) + 1
    daily = np.zeros(n_students, dtype=bool)  # a student with BFE days or courses
    daily[cand.student[(cand.kind == BFE) | (cand.kind == COURSE)]] = True
    owner, day = cand.expand_days()
    relevant = daily[cand.student[owner]]
    owner, day = owner[relevant], day[relevant]
    key = cand.student[owner] * n_days + day
    lz = cand.kind[owner] == LANGZEIT
    for _, members in iter_groups(key[~lz], owner[~lz]):
        b.add_at_most(members, 1)
    # Only days on which a BFE day or a course competes with a Langzeitpraktikum.
    daily_kind = (cand.kind[owner] == BFE) | (cand.kind[owner] == COURSE)
    with_lz = np.isin(key, key[lz]) & np.isin(key, key[daily_kind]) & (lz | daily_kind)
    if with_lz.any():
        for _, members in iter_groups(key[with_lz], owner[with_lz]):
            b.add_at_most(members, 1)


def one_praktikum_block(b: ModelBuilder, cand: Candidates) -> None:
    """Praktikum: a student gets at most one block."""
    blocks = np.flatnonzero(cand.kind == PRAKTIKUM)
    for _, members in iter_groups(cand.student[blocks], blocks):
        b.add_at_most(members, 1)


def one_langzeitpraktikum(b: ModelBuilder, cand: Candidates) -> None:
    """Langzeitpraktikum: a participant gets at most one placement."""
    placements = np.flatnonzero(cand.kind == LANGZEIT)
    for _, members in iter_groups(cand.student[placements], placements):
        b.add_at_most(members, 1)


def course_capacity(
    b: ModelBuilder, cand: Candidates, capacity: NDArray[np.int64], min_group: NDArray[np.int64]
) -> None:
    """Praxiskurs capacity: a course takes at most ``capacity`` participants,
    and either none or at least ``min_group`` (the course runs or not)."""
    courses = np.flatnonzero(cand.kind == COURSE)
    for offer, members in iter_groups(cand.offer[courses], courses):
        if min_group[offer] > 1:
            b.new_switch(members, int(min_group[offer]), int(capacity[offer]))
        else:
            b.add_at_most(members, int(capacity[offer]))


_WEEKDAYS = 5  # Monday to Friday: the bits of a Langzeitpraktikum's weekday mask


def langzeit_capacity(b: ModelBuilder, cand: Candidates, capacity: NDArray[np.int64]) -> None:
    """Langzeitpraktikum capacity: on each of its weekdays an offer takes at
    most ``capacity`` such students."""
    placements = np.flatnonzero(cand.kind == LANGZEIT)
    for weekday in range(_WEEKDAYS):
        on = placements[(cand.weekdays[placements] >> weekday & 1) == 1]
        for offer, members in iter_groups(cand.offer[on], on):
            b.add_at_most(members, int(capacity[offer]))


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
    A Langzeitpraktikum is at its company on each of its dates (its pause in
    a Praktikum block is left out: it keeps ``apart`` pairs further apart).
    """
    chosen = np.fromiter(students, np.int64, len(students))
    result: dict[int, dict[int, list[int]]] = {}
    for i in np.flatnonzero(np.isin(cand.student, chosen)).tolist():
        per_student = result.setdefault(int(cand.student[i]), {})
        for day in cand.days_of(i):
            per_student.setdefault(int(cand.company[i]) * n_days + day, []).append(i)
    return result


def meeting_places(
    cand: Candidates,
    pairs: list[tuple[int, int]],
    n_days: int,
    capacity: NDArray[np.int64] | None = None,
) -> list[dict[int, tuple[list[int], list[int]]]]:
    """Per ``together`` pair: each (company, day) slot (see :func:`company_days`)
    where both students have an option, with the options that put each of them
    there; with ``capacity`` (per offer) only slots whose offers there take two
    students on that day: at the others the pair can never meet."""
    slots = company_days(cand, {s for pair in pairs for s in pair}, n_days)
    places: list[dict[int, tuple[list[int], list[int]]]] = []
    for first, second in pairs:
        mine, theirs = slots.get(first, {}), slots.get(second, {})
        shared = {s: (mine[s], theirs[s]) for s in sorted(mine.keys() & theirs.keys())}
        if capacity is not None:
            shared = {
                s: (a, b)
                for s, (a, b) in shared.items()
                if int(capacity[np.unique(cand.offer[np.asarray(a + b, np.int64)])].sum()) >= 2
            }
        places.append(shared)
    return places


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
    courses_needed: NDArray[np.int64],
) -> None:
    """Every hard rule of the spec that spans options (``courses_needed``: per
    student, the Praxiskurse it takes)."""
    capacity = np.asarray([o.capacity for o in problem.offers], dtype=np.int64)
    min_group = group_minimums(problem)
    at_most_needed_bfe_days(b, cand, bfe_needed)
    distinct_berufsfelder(b, cand, len(problem.fields))
    one_place_per_day(b, cand, n_days)
    at_most_needed_courses(b, cand, courses_needed)
    one_praktikum_block(b, cand)
    one_langzeitpraktikum(b, cand)
    bfe_capacity(b, cand, capacity, min_group, n_days)
    praktikum_capacity(b, cand, capacity, n_days)
    course_capacity(b, cand, capacity, min_group)
    langzeit_capacity(b, cand, capacity)
    apart_pairs(b, cand, apart, n_days)
    locked_rows(b, locked_candidates)
