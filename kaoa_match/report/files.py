"""Writing the report and the workbook, beside the plan's CSV files."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kaoa_match.exceptions import KaoaMatchError
from kaoa_match.io.atomic import atomic_directory
from kaoa_match.io.inputs import check_input
from kaoa_match.io.plan_xlsx import read_classes, write_workbook
from kaoa_match.report.data import check_belongs, read_output
from kaoa_match.report.html import render_report

if TYPE_CHECKING:
    from collections.abc import Mapping

    import pandas as pd

    from kaoa_match.baselines import BaselineResult
    from kaoa_match.model import Problem
    from kaoa_match.options import Options

REPORT_FILES = ("report.html", "plan.xlsx")


def write_report_files(
    directory: str | Path,
    problem: Problem,
    assignments: pd.DataFrame,
    unassigned: pd.DataFrame,
    summary: Mapping[str, Any],
    baseline: BaselineResult | None = None,
) -> None:
    """Write ``report.html`` and ``plan.xlsx`` for a plan of ``problem`` into ``directory``.

    Without ``baseline`` the portal booking baseline is computed here (5
    random orders, seed 0); if it cannot be (say, locked rows it cannot book),
    the report leaves the comparison out. Classes for the workbook come from the
    students table of ``summary["input"]`` (directory or workbook), if it has a
    class column.
    """
    directory = Path(directory)
    if baseline is None:
        baseline = report_baseline(problem)
    page = render_report(problem, assignments, unassigned, summary, baseline)
    (directory / "report.html").write_text(page, encoding="utf-8")
    classes = read_classes(summary.get("input"))
    write_workbook(
        directory / "plan.xlsx", problem, assignments, unassigned, summary, baseline, classes
    )


def report_baseline(problem: Problem, opts: Options | None = None) -> BaselineResult | None:
    """The portal booking baseline of the report (5 random orders, seed 0), or
    None where it cannot be made (say, locked rows it cannot book).
    ``opts``: the options of ``problem`` if already built (they are not cheap)."""
    from kaoa_match.baselines import portal_baseline

    try:
        return portal_baseline(problem, opts=opts)
    except KaoaMatchError:  # the plan matters more than the comparison
        return None


def refresh_report(out_dir: str | Path, input_dir: str | Path | None = None) -> Path:
    """Remake ``report.html`` and ``plan.xlsx`` of the plan in ``out_dir``.

    The input (directory or workbook) is ``input_dir``, else the one
    ``summary.json`` names.
    The other files are kept as they are; the directory is replaced whole
    (see :mod:`kaoa_match.io.atomic`).
    """
    out = Path(out_dir)
    plan = read_output(out)
    source = input_dir or plan.summary.get("input")
    if not source:
        raise KaoaMatchError(
            f"{out}/summary.json does not name the input; give it with --input DIR (or BOOK.xlsx)"
        )
    problem, _ = check_input(source)
    check_belongs(problem, plan.assignments, plan.unassigned)
    summary = plan.summary | {"input": str(source)}
    with atomic_directory(out) as staging:
        for file in out.iterdir():
            if file.is_file() and file.name not in REPORT_FILES:
                shutil.copy2(file, staging / file.name)
        write_report_files(staging, problem, plan.assignments, plan.unassigned, summary)
    return out / "report.html"
