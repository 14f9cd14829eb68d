"""From a validated problem to a proven plan: options, reduction, model, levels."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import numpy as np

from kaoa_match.changes import changes_table
from kaoa_match.exceptions import LockedConflictError
from kaoa_match.model import SolveOptions
from kaoa_match.options import build_options, max_placeable
from kaoa_match.solvers.builder import ModelBuilder
from kaoa_match.solvers.constraints import add_hard_rules
from kaoa_match.solvers.heuristic import GreedyInput, greedy_plan, round_lp
from kaoa_match.solvers.lexicographic import Infeasible, optimise
from kaoa_match.solvers.locked import explain_locked_conflict, unplaceable_locked_rows
from kaoa_match.solvers.objectives import build_levels, per_student_caps
from kaoa_match.solvers.reduce import nearest_per_day_field, prune_dominated_bfe
from kaoa_match.solvers.result import make_plan
from kaoa_match.solvers.variables import Candidates, match_previous
from kaoa_match.validation import validate

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from kaoa_match.model import Problem
    from kaoa_match.options import Options
    from kaoa_match.plan import Plan
    from kaoa_match.solvers.lexicographic import Progress


def solve(
    problem: Problem,
    options: SolveOptions | None = None,
    progress: Progress | None = None,
) -> Plan:
    """Plan every placement of ``problem``: the spec's levels, lexicographically.

    Raises :class:`~kaoa_match.exceptions.InputError` for invalid input and
    :class:`~kaoa_match.exceptions.LockedConflictError` when locked rows of
    the previous plan cannot all be kept.
    """
    options = options or SolveOptions()
    started = time.monotonic()
    validate(problem).raise_if_errors()
    opts = build_options(problem)
    built = time.monotonic()

    previous = match_previous(problem, opts)
    bad_locked = unplaceable_locked_rows(problem, previous)
    if bad_locked:
        raise LockedConflictError("\n".join(bad_locked))

    student_of = {s.student_id: i for i, s in enumerate(problem.students)}
    capacity = np.asarray([o.capacity for o in problem.offers], dtype=np.int64)
    keep = np.ones(len(opts), dtype=bool)
    if options.prune_dominated:
        keep = _reduced(problem, opts, previous.option, student_of, capacity)
    cand = Candidates.from_options(opts, keep)
    top = _top_matrix(opts, len(problem.fields))
    caps = per_student_caps(cand, np.asarray(max_placeable(opts), dtype=np.int64))
    apart, together = _pairs(problem, student_of)
    n_days = len(opts.days)
    bfe_needed = np.asarray(opts.bfe_needed, np.int64)

    def greedy_input(cand: Candidates) -> GreedyInput:
        locked = _positions(cand, previous.option[previous.locked])
        return GreedyInput(capacity, bfe_needed, top, apart, locked, n_days, options.seed)

    published_options = np.unique(previous.option[~previous.locked & (previous.option >= 0)])
    keep_published = _positions(cand, published_options)
    warm_start = cand.source[greedy_plan(cand, greedy_input(cand), keep_published) == 1]
    restricted = options.max_options is not None and len(cand) > options.max_options
    if restricted:
        assert options.max_options is not None
        keep = nearest_per_day_field(opts, keep, options.max_options, len(problem.fields))
        keep[previous.option[previous.option >= 0]] = True
        keep[warm_start] = True  # the cut model is never worse than the warm start
        cand = Candidates.from_options(opts, keep)
    greedy = greedy_input(cand)
    locked = greedy.locked
    published = _positions(cand, published_options)

    b = ModelBuilder()
    b.new_bools(len(cand))

    def add_rules(builder: ModelBuilder, locked_rows: NDArray[np.int64] = locked[:0]) -> None:
        add_hard_rules(builder, cand, problem, bfe_needed, apart, locked_rows, n_days)

    add_rules(b, locked)
    levels = build_levels(b, cand, published, top, together, n_days, caps)
    hint = np.zeros(b.num_vars, dtype=np.int64)
    hint[_positions(cand, warm_start)] = 1
    model_built = time.monotonic()

    try:
        result = optimise(
            b,
            levels,
            hint,
            options,
            lambda x: round_lp(cand, greedy, x),
            cand.student,
            progress,
            bounds_hold=not restricted,
        )
    except Infeasible:
        raise LockedConflictError(
            explain_locked_conflict(problem, cand, add_rules, previous, locked, options)
        ) from None
    stats: dict[str, float | int | str] = {
        "options": len(opts),
        "options_in_model": len(cand),
        "variables": b.num_vars,
        "constraints": b.num_constraints,
        "seconds_options": round(built - started, 3),
        "seconds_model": round(model_built - built, 3),
        "greedy_coverage": len(warm_start),
        "restricted_to_nearest": restricted,
    }
    plan = make_plan(problem, opts, cand, result, time.monotonic() - started, stats)
    if problem.previous:
        plan.changes = changes_table(problem, plan)
    return plan


def _reduced(
    problem: Problem,
    opts: Options,
    previous_option: NDArray[np.int64],
    student_of: dict[str, int],
    capacity: NDArray[np.int64],
) -> NDArray[np.bool_]:
    """Options worth a variable: dominated BFE options go (see ``reduce``)."""
    protected = np.zeros(len(problem.students), dtype=bool)
    for pair in problem.pairs:
        for sid in (pair.student_a, pair.student_b):
            if sid in student_of:
                protected[student_of[sid]] = True
    for row in problem.previous:
        if row.student_id in student_of:
            protected[student_of[row.student_id]] = True
    keep = prune_dominated_bfe(opts, capacity, protected, len(problem.fields))
    keep[previous_option[previous_option >= 0]] = True
    return keep


def _pairs(
    problem: Problem, student_of: dict[str, int]
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    apart: list[tuple[int, int]] = []
    together: list[tuple[int, int]] = []
    for pair in problem.pairs:
        a, b = student_of.get(pair.student_a), student_of.get(pair.student_b)
        if a is None or b is None or a == b:
            continue
        (apart if pair.relation == "apart" else together).append((a, b))
    return apart, together


def _positions(cand: Candidates, sources: NDArray[np.int64]) -> NDArray[np.int64]:
    """Where the given full-option indices sit among the candidates (all must be there)."""
    return np.searchsorted(cand.source, sources).astype(np.int64)


def _top_matrix(opts: Options, n_fields: int) -> NDArray[np.bool_]:
    top = np.zeros((len(opts.top_fields), n_fields), dtype=bool)
    for s, fields in enumerate(opts.top_fields):
        top[s, list(fields)] = True
    return top
