"""CP-SAT, configured once: every solver of the package is made here, and its
statuses are read here."""

from __future__ import annotations

from ortools.sat.python import cp_model

from kaoa_match.exceptions import SolverError


def cp_solver(
    workers: int,
    seed: int,
    *,
    seconds: float | None = None,
    deterministic_seconds: float | None = None,
    presolve: bool = True,
    interruptible: bool = False,
) -> cp_model.CpSolver:
    """A CP-SAT solver with ``workers`` threads and ``seed``, stopped after
    ``seconds`` of wall time and/or ``deterministic_seconds`` of work (the same
    plan on a busy machine). Without ``presolve`` for a small model with a
    complete hint, where presolve would use most of a few seconds.
    ``interruptible``: Ctrl-C is left to the caller (``lexicographic._Interrupt``
    stops the search and keeps its best plan)."""
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.num_workers = workers
    params.random_seed = seed
    if workers == 1:
        params.interleave_search = False
    if interruptible:
        params.catch_sigint_signal = False
    if seconds is not None:
        params.max_time_in_seconds = seconds
    if deterministic_seconds is not None:
        params.max_deterministic_time = deterministic_seconds
    if not presolve:
        params.cp_model_presolve = False
    return solver


def found_plan(status: cp_model.CpSolverStatus) -> bool:
    """Whether the search returned a plan (proven optimal or not)."""
    return status in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def proven_optimal(status: cp_model.CpSolverStatus) -> bool:
    return status == cp_model.OPTIMAL


def proven_infeasible(status: cp_model.CpSolverStatus) -> bool:
    """Whether the search proved that the model has no plan at all."""
    return status == cp_model.INFEASIBLE


def raise_if_invalid(status: cp_model.CpSolverStatus, solver: cp_model.CpSolver, what: str) -> None:
    """:class:`SolverError` if CP-SAT rejected the model of ``what``."""
    if status == cp_model.MODEL_INVALID:
        raise SolverError(f"CP-SAT rejected the model at {what}: {solver.solution_info()}")
