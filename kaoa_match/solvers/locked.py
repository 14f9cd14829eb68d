"""Locked rows of the previous plan: kept exactly, or a clear account of why not."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from kaoa_match.solvers.builder import ModelBuilder
from kaoa_match.solvers.search.cpsat import cp_solver, proven_infeasible

if TYPE_CHECKING:
    from collections.abc import Callable

    from numpy.typing import NDArray
    from ortools.sat.python import cp_model

    from kaoa_match.model import PreviousAssignment, Problem, SolveOptions
    from kaoa_match.solvers.variables import Candidates, PreviousMatch

_FILE = "previous.csv"
# Each feasibility check of the conflict search stops here.
_FEASIBILITY_SECONDS = 60.0


def describe(row: PreviousAssignment, index: int) -> str:
    """A previous row as a planner finds it again: file line, student, offer, dates."""
    dates = row.start_date.isoformat()
    if row.end_date and row.end_date != row.start_date:
        dates += f" to {row.end_date.isoformat()}"
    return f"{_FILE}:{index + 2}: student {row.student_id}, offer {row.offer_id}, {dates}"


def unplaceable_locked_rows(problem: Problem, previous: PreviousMatch) -> list[str]:
    """Locked rows that break a hard rule on their own (no option matches them)."""
    return [
        f"{describe(row, r)}: locked, but this placement no longer obeys the rules "
        "(offer dates, calendar, grade, school type, needs, qualifications, age or travel)"
        for r, row in enumerate(problem.previous)
        if previous.locked[r] and previous.option[r] < 0
    ]


def explain_locked_conflict(
    problem: Problem,
    cand: Candidates,
    add_rules: Callable[[ModelBuilder], None],
    previous: PreviousMatch,
    locked: NDArray[np.int64],
    options: SolveOptions,
) -> str:
    """Name a smallest set of locked rows that cannot all be kept together.

    The locked placements become assumptions of a model with every other hard
    rule; CP-SAT's sufficient assumptions for infeasibility give a conflicting
    set, which is then shrunk one row at a time until every row is needed.
    """
    rows = np.flatnonzero(previous.locked)
    core = list(range(len(locked)))
    if not _infeasible(cand, add_rules, locked, core, options):
        return "the locked rows of previous.csv cannot all be kept"
    core = _solver_core(cand, add_rules, locked, core, options)
    for k in list(core):
        smaller = [c for c in core if c != k]
        if smaller and _infeasible(cand, add_rules, locked, smaller, options):
            core = smaller
    lines = [describe(problem.previous[int(rows[k])], int(rows[k])) for k in core]
    head = f"these {len(core)} locked rows cannot all be kept"
    why = _why(problem, cand, locked[core])
    return "\n".join([f"{head} ({why}):", *lines])


def _model(
    cand: Candidates,
    add_rules: Callable[[ModelBuilder], None],
    locked: NDArray[np.int64],
    chosen: list[int],
) -> ModelBuilder:
    b = ModelBuilder()
    b.new_bools(len(cand))
    add_rules(b)
    b.model.add_assumptions([b.model.get_bool_var_from_proto_index(int(locked[k])) for k in chosen])
    return b


def _infeasible(
    cand: Candidates,
    add_rules: Callable[[ModelBuilder], None],
    locked: NDArray[np.int64],
    chosen: list[int],
    options: SolveOptions,
) -> bool:
    solver = _feasibility_solver(options.workers, options.seed)
    return proven_infeasible(solver.solve(_model(cand, add_rules, locked, chosen).model))


def _solver_core(
    cand: Candidates,
    add_rules: Callable[[ModelBuilder], None],
    locked: NDArray[np.int64],
    chosen: list[int],
    options: SolveOptions,
) -> list[int]:
    b = _model(cand, add_rules, locked, chosen)
    # One worker: the core is only reported by a single worker.
    solver = _feasibility_solver(1, options.seed)
    if not proven_infeasible(solver.solve(b.model)):
        return chosen
    in_core = set(solver.sufficient_assumptions_for_infeasibility())
    return [k for k in chosen if int(locked[k]) in in_core] or chosen


def _feasibility_solver(workers: int, seed: int) -> cp_model.CpSolver:
    return cp_solver(workers, seed, seconds=_FEASIBILITY_SECONDS)


def _why(problem: Problem, cand: Candidates, chosen: NDArray[np.int64]) -> str:
    """The rule the rows break together, when it is one capacity."""
    offers = set(cand.offer[chosen].tolist())
    if len(offers) == 1:
        offer = problem.offers[offers.pop()]
        return (
            f"offer {offer.offer_id} has {offer.capacity} place(s) a day, "
            f"{len(chosen)} locked rows need one at the same time"
        )
    companies = set(cand.company[chosen].tolist())
    if len(companies) == 1 and any(p.relation == "apart" for p in problem.pairs):
        return "an apart pair would meet at the same company on the same day"
    return "together they break a capacity, a one-place-per-day or an apart rule"
