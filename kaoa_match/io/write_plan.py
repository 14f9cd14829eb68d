"""Write a plan as the data contract's output directory, atomically."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kaoa_match.io.atomic import atomic_directory
from kaoa_match.solvers.levels import Order

if TYPE_CHECKING:
    from kaoa_match.baselines import BaselineResult
    from kaoa_match.model import Problem
    from kaoa_match.plan import Plan


def write_plan(
    plan: Plan,
    out_dir: str | Path,
    extra_summary: dict[str, Any] | None = None,
    *,
    problem: Problem | None = None,
    baseline: BaselineResult | None = None,
) -> Path:
    """Write ``assignments.csv``, ``unassigned.csv`` and ``summary.json`` into
    ``out_dir``, and ``changes.csv`` when the plan was made against a previous one.

    Given the ``problem`` the plan was made for, also ``report.html`` and
    ``plan.xlsx`` (see :mod:`kaoa_match.report`; without ``baseline`` the
    portal booking baseline is computed for the report). The directory is
    replaced whole or not at all (see :mod:`kaoa_match.io.atomic`).
    """
    with atomic_directory(out_dir) as staging:
        write_plan_files(plan, staging, extra_summary, problem=problem, baseline=baseline)
    return Path(out_dir)


def write_plan_files(
    plan: Plan,
    directory: Path,
    extra_summary: dict[str, Any] | None = None,
    *,
    problem: Problem | None = None,
    baseline: BaselineResult | None = None,
) -> dict[str, Any]:
    """Write the files of :func:`write_plan` into the existing ``directory``
    (not atomically: the caller stages it); return the summary written.

    Given the ``problem``, the assignments are checked against every hard rule
    first (:func:`kaoa_match.plan_rules.require_valid_plan`): a broken rule
    raises before any file is written, and the summary gets ``priorities``,
    the order and tolerances the solver used (see :func:`priorities_summary`), unless
    the plan's own summary has them.
    """
    if problem is not None:
        from kaoa_match.plan_rules import require_valid_plan  # plan_rules reads options

        require_valid_plan(problem, plan.assignments)
    plan.assignments.to_csv(directory / "assignments.csv", index=False, date_format="%Y-%m-%d")
    plan.unassigned.to_csv(directory / "unassigned.csv", index=False)
    if plan.changes is not None:
        plan.changes.to_csv(directory / "changes.csv", index=False)
    summary = plan.summary() | (extra_summary or {})
    if problem is not None:
        for key, value in priorities_summary(problem).items():
            summary.setdefault(key, value)
    write_summary(directory / "summary.json", summary)
    if problem is not None:
        from kaoa_match.report.files import write_report_files  # the report imports io

        write_report_files(directory, problem, plan.assignments, plan.unassigned, summary, baseline)
    return summary


def priorities_summary(problem: Problem) -> dict[str, list[dict[str, object]]]:
    """What ``summary.json`` says about the order of the levels: ``priorities``,
    the order and tolerances (in percent) the solver followed, highest first
    (``[{"level": "coverage", "tolerance": 0.0}, ...]``): the planner's
    (``priorities.csv``), else the contract's default."""
    return {"priorities": Order.of(problem.effective_priorities).as_priorities()}


def write_summary(path: Path, summary: dict[str, Any]) -> None:
    """``summary.json``: indented UTF-8, dates and paths as text."""
    text = json.dumps(summary, indent=2, ensure_ascii=False, default=str) + "\n"
    path.write_text(text, encoding="utf-8")
