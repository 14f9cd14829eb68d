"""Many Kreise in one run: each an independent problem, solved in parallel.

A Kreis shares no student and no place with another (Kreise that share
companies belong in one input directory, where :mod:`kaoa_match.solvers.decompose`
splits them wherever travel limits allow). So each Kreis is one task for an
executor (see :mod:`kaoa_match.executors`): a local process pool, or Ray, on
this machine or on a cluster. A task solves its Kreis and renders its plan
directory's files where it runs, so only bytes travel back; the totals of the
run are the sums over the Kreise, level by level.
"""

from __future__ import annotations

import resource
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kaoa_match.exceptions import KaoaMatchError, LockedConflictError
from kaoa_match.executors import ExecutorName, run_tasks
from kaoa_match.i18n import DEFAULT_LANGUAGE, Language, current_language, language
from kaoa_match.io.atomic import atomic_directory
from kaoa_match.io.write_plan import write_plan_files, write_summary
from kaoa_match.model import SolveOptions
from kaoa_match.plan import OBJECTIVES, SENSES, combined_status, relative_gap
from kaoa_match.report.files import report_baseline
from kaoa_match.solvers.pipeline import solve_with_options

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from kaoa_match.model import Problem
    from kaoa_match.plan import Plan, Status


@dataclass(frozen=True)
class KreisPlan:
    """The plan of one Kreis of a batch, and what its task measured."""

    name: str
    plan: Plan
    students: int
    files: dict[str, bytes]
    """The Kreis's output directory, file by file (empty when not asked for)."""
    task_seconds: float
    worker_peak_rss_mb: float
    """Peak RSS of the process that ran the task, over its life so far."""


@dataclass(frozen=True)
class BatchPlan:
    """The plans of several independent Kreise and their totals."""

    kreise: list[KreisPlan]
    executor: str
    jobs: int
    wall_seconds: float

    @property
    def status(self) -> Status:
        return combined_status({k.plan.status for k in self.kreise})

    @property
    def objectives(self) -> dict[str, int]:
        """Each level summed over the Kreise: they are independent."""
        return {name: sum(k.plan.objectives[name] for k in self.kreise) for name in OBJECTIVES}

    @property
    def bounds(self) -> dict[str, int]:
        """Each level's proven bound summed over the Kreise."""
        return {name: sum(k.plan.bounds[name] for k in self.kreise) for name in OBJECTIVES}

    @property
    def gaps(self) -> dict[str, float]:
        """Each level's relative gap between the totals of value and bound."""
        bounds = self.bounds
        return {name: relative_gap(v, bounds[name]) for name, v in self.objectives.items()}

    def summary(self) -> dict[str, Any]:
        """The content of the top-level ``summary.json``."""
        return {
            "status": self.status,
            "objectives": self.objectives,
            "bounds": self.bounds,
            "gaps": {name: round(gap, 6) for name, gap in self.gaps.items()},
            "senses": dict(SENSES),
            "solve_seconds": round(self.wall_seconds, 3),
            "executor": self.executor,
            "jobs": self.jobs,
            "students": sum(k.students for k in self.kreise),
            "kreise": {
                k.name: {
                    "status": k.plan.status,
                    "students": k.students,
                    "objectives": k.plan.objectives,
                    "bounds": k.plan.bounds,
                    "solve_seconds": round(k.plan.solve_seconds, 3),
                    "task_seconds": round(k.task_seconds, 3),
                    "worker_peak_rss_mb": round(k.worker_peak_rss_mb, 1),
                }
                for k in self.kreise
            },
        }


def solve_many(
    problems: Mapping[str, Problem],
    options: SolveOptions | None = None,
    *,
    executor: ExecutorName = "process",
    jobs: int = 2,
    address: str | None = None,
    files: bool = True,
    extra_summary: Mapping[str, dict[str, Any]] | None = None,
    on_done: Callable[[KreisPlan], None] | None = None,
) -> BatchPlan:
    """Solve each Kreis of ``problems`` (name to problem) as its own task.

    ``options`` apply to each Kreis (a time limit is per Kreis; ``workers``
    are CP-SAT's threads in each task). ``jobs`` Kreise run at once: processes
    of a local pool, or, with ``executor="ray"``, Ray tasks on a local Ray
    started with ``jobs x workers`` CPUs, or on the cluster at ``address``.
    With ``files`` each task also renders its Kreis's output directory
    (``KreisPlan.files``; see :func:`write_batch`). ``on_done`` is called in
    this process as each Kreis finishes. Raises :class:`LockedConflictError`
    naming every Kreis whose locked rows conflict, after all tasks ended.
    """
    options = options or SolveOptions()
    extra_summary = extra_summary or {}
    names = list(problems)
    # Largest first: the longest tasks start at once, the small ones fill the gaps.
    order = sorted(names, key=lambda name: -len(problems[name].students))
    lang = current_language()  # a task runs in another process: pass the language on
    calls = [
        (name, problems[name], options, files, extra_summary.get(name, {}), lang) for name in order
    ]
    started = time.monotonic()
    done: dict[str, KreisPlan] = {}
    failed: list[str] = []
    for k, outcome in run_tasks(
        solve_kreis, calls, executor, jobs, address, cpus_per_task=options.workers
    ):
        name = order[k]
        if isinstance(outcome, LockedConflictError):
            failed.append(f"{name}: {outcome}")
        elif isinstance(outcome, BaseException):
            raise KaoaMatchError(f"Kreis {name} failed: {outcome!r}") from outcome
        else:
            done[name] = outcome
            if on_done is not None:
                on_done(outcome)
    if failed:
        raise LockedConflictError("\n".join(failed))
    return BatchPlan([done[name] for name in names], executor, jobs, time.monotonic() - started)


def solve_kreis(
    name: str,
    problem: Problem,
    options: SolveOptions,
    files: bool,
    extra_summary: dict[str, Any],
    lang: Language = DEFAULT_LANGUAGE,
) -> KreisPlan:
    """One task: solve one Kreis and, if asked, render its output directory
    (its reasons and report in ``lang``)."""
    with language(lang):
        return _solve_kreis(name, problem, options, files, extra_summary)


def _solve_kreis(
    name: str,
    problem: Problem,
    options: SolveOptions,
    files: bool,
    extra_summary: dict[str, Any],
) -> KreisPlan:
    started = time.monotonic()
    plan, opts = solve_with_options(problem, options)
    rendered: dict[str, bytes] = {}
    if files:
        baseline = report_baseline(problem, opts)
        del opts  # a large Kreis's options take GBs; the report needs no more of them
        with tempfile.TemporaryDirectory(prefix="kaoa-kreis-") as tmp:
            write_plan_files(plan, Path(tmp), extra_summary, problem=problem, baseline=baseline)
            rendered = {p.name: p.read_bytes() for p in sorted(Path(tmp).iterdir())}
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return KreisPlan(
        name, plan, len(problem.students), rendered, time.monotonic() - started, peak_kb / 1024
    )


def write_batch(
    batch: BatchPlan, out_dir: str | Path, extra_summary: dict[str, Any] | None = None
) -> Path:
    """Write one sub-directory per Kreis (its plan files) and a top-level
    ``summary.json`` with the totals, all at once or not at all."""
    with atomic_directory(out_dir) as staging:
        for kreis in batch.kreise:
            if not kreis.files:
                raise KaoaMatchError(f"Kreis {kreis.name} was solved without its files")
            directory = staging / kreis.name
            directory.mkdir()
            for file_name, content in kreis.files.items():
                (directory / file_name).write_bytes(content)
        write_summary(staging / "summary.json", batch.summary() | (extra_summary or {}))
    return Path(out_dir)
