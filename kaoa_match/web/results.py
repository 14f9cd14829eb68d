"""The library's answers for the pages: check, headline, explain, late registration.

Each function calls the library the way :mod:`kaoa_match.cli` does and puts
the answer into plain data (dicts, lists of strings) for a template; none of
them plans anything itself. They block (reading a Kreis takes seconds): the
routes call them in a worker thread.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kaoa_match.web.runs import input_path, write_problems

if TYPE_CHECKING:
    import pandas as pd

    from kaoa_match.model import Problem
    from kaoa_match.recommend import Recommendations
    from kaoa_match.web.runs import RunStore

_log = logging.getLogger("kaoa_match.web")
_SHEET = re.compile(r"^(?P<book>.*)\[(?P<sheet>[^\]]+)\]$")
EXAMPLE_DIR = Path(__file__).parents[1] / "data" / "example"
TOP_OPTIONS = 5  # options shown per late student, as ``recommend --top``


def workbook_bytes(tmp: Path, example: bool) -> bytes:
    """The input workbook as ``template`` writes it: empty, or the shipped example."""
    from kaoa_match.io.input_workbook import write_input_workbook
    from kaoa_match.io.inputs import check_input

    problem = check_input(EXAMPLE_DIR)[0] if example else None
    path = tmp / f"{secrets.token_hex(8)}.xlsx"
    try:
        write_input_workbook(path, problem)
        return path.read_bytes()
    finally:
        path.unlink(missing_ok=True)


def check_run(store: RunStore, run_id: str, parent: str | None) -> str:
    """Check the run's input as ``validate`` does; record what was found.
    A late registration's upload also lists the students not in the plan."""
    from kaoa_match.exceptions import InputError, KaoaMatchError
    from kaoa_match.io.inputs import check_input
    from kaoa_match.report.data import check_belongs, read_output

    run_dir = store.dir(run_id)
    try:
        problem, warnings = check_input(input_path(run_dir))
        fields: dict[str, Any] = {
            "status": "late" if parent else "checked",
            "students": len(problem.students),
            "schools": len(problem.schools),
            "companies": len(problem.companies),
            "offers": len(problem.offers),
        }
        if parent:
            plan = read_output(store.dir(parent) / "out")
            check_belongs(problem, plan.assignments, plan.unassigned)
            planned = set(plan.assignments["student_id"]) | set(plan.unassigned["student_id"])
            fields["new_students"] = [
                s.student_id for s in problem.students if s.student_id not in planned
            ]
    except InputError as error:
        write_problems(run_dir, error.problems, [])
        store.update(run_id, status="invalid", message=f"{len(error.problems)} Fehler")
        return f"invalid, {len(error.problems)} problem(s)"
    except KaoaMatchError as error:
        write_problems(run_dir, [], [])
        store.update(run_id, status="invalid", message=str(error))
        return "invalid"
    except Exception:  # a file no reader expected: shown as a message, logged in full
        _log.exception("run %s: the input could not be read", run_id)
        write_problems(run_dir, [], [])
        store.update(
            run_id,
            status="invalid",
            message="Die Datei ließ sich nicht lesen. Bitte in Excel öffnen, als .xlsx "
            "speichern und erneut hochladen.",
        )
        return "unreadable"
    write_problems(run_dir, [], warnings)
    store.update(run_id, **fields)
    return f"{fields['students']} students, {len(warnings)} warning(s)"


def problem_row(problem: list[Any]) -> dict[str, Any]:
    """A problem of ``problems.json`` as the check page's row: sheet, row,
    column, message (the file is ``input.xlsx[sheet]`` or ``sheet.csv``)."""
    file, line, column, message = problem
    match = _SHEET.match(str(file))
    sheet = match["sheet"] if match else Path(str(file)).stem
    return {"sheet": sheet, "line": line or "", "column": column, "message": message}


def write_headline(
    run_dir: Path,
    problem: Problem,
    assignments: pd.DataFrame,
    unassigned: pd.DataFrame,
    summary: dict[str, Any],
) -> dict[str, Any]:
    """``headline.json``: the figures the result page and the list of runs show."""
    from kaoa_match.report.data import headline, normalise_assignments, normalise_unassigned

    figures = headline(
        problem, normalise_assignments(assignments), normalise_unassigned(unassigned), summary
    )
    data = {
        "status": figures.status,
        "solve_seconds": figures.solve_seconds,
        "students_needing": figures.students_needing,
        "students_placed": figures.students_placed,
        "students_short": figures.students_short,
        "placements": figures.placements,
        "placements_needed": figures.placements_needed,
        "fairness": figures.fairness,
        "with_profile": figures.with_profile,
        "wishes_granted": figures.wishes_granted,
        "wishes_made": figures.wishes_made,
        "together": int(summary.get("objectives", {}).get("together", 0)),
        "together_pairs": sum(1 for p in problem.pairs if p.relation == "together"),
        "interrupted": bool(summary.get("interrupted", False)),
        "levels": [
            {"name": lv.name, "value": lv.value, "bound": lv.bound, "status": lv.status}
            for lv in figures.levels
        ],
    }
    (run_dir / "headline.json").write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return data


def explain(run_dir: Path, student_id: str) -> tuple[list[str] | None, str | None]:
    """``explain OUT STUDENT_ID``: the lines, or the message why there are none."""
    from kaoa_match.explain import UnknownStudentError, explain_output
    from kaoa_match.report.data import read_output

    out = run_dir / "out"
    named = read_output(out).summary.get("input")
    # the summary names this run's input (and previous plan); if the data
    # directory moved since, the input is found beside the plan
    given = None if named and Path(named).exists() else input_path(run_dir)
    try:
        return explain_output(out, student_id, given), None
    except UnknownStudentError:
        return None, "Diese Schüler-ID steht nicht in der Eingabe dieses Plans."


def _recommend(run_dir: Path, parent_out: Path, chosen: list[str]) -> tuple[Any, ...]:
    from kaoa_match.io.inputs import check_input
    from kaoa_match.recommend import recommend
    from kaoa_match.report.data import check_belongs, read_output

    problem, _ = check_input(input_path(run_dir))
    plan = read_output(parent_out)
    check_belongs(problem, plan.assignments, plan.unassigned)
    return problem, plan, recommend(problem, plan.assignments, chosen, TOP_OPTIONS, 0)


def late_options(run_dir: Path, parent_out: Path, chosen: list[str]) -> list[dict[str, Any]]:
    """``recommend IN --plan OUT ID...``: per student, the options as rows to show."""
    problem, _, recs = _recommend(run_dir, parent_out, chosen)
    return _shown(problem, recs)


def _shown(problem: Problem, recs: Recommendations) -> list[dict[str, Any]]:
    from kaoa_match.recommend import date_span, missing_text

    company = {c.company_id: c.name for c in problem.companies}
    shown = []
    for sid, options in recs.options.items():
        listed = []
        for option in options:
            days = [
                {
                    "dates": date_span(row[6], row[7]),
                    "kind": row[2],
                    "field": row[5],
                    "company": company.get(str(row[4]), str(row[4])),
                    "offer": row[3],
                    "minutes": row[8],
                }
                for row in option.rows
            ]
            listed.append(
                {
                    "days": days,
                    "top": option.top,
                    "wishes": option.wishes,
                    "interest": option.interest,
                    "travel": option.travel,
                    "booked": recs.booked.get(sid) == option,
                    "partial": missing_text(option) if option.partial else "",
                }
            )
        shown.append(
            {
                "student": sid,
                "options": listed,
                "reason": recs.reasons.get(sid),
                "fully_placed": sid in recs.fully_placed,
            }
        )
    return shown


def late_book(run_dir: Path, parent_out: Path, chosen: list[str]) -> dict[str, Any]:
    """``recommend ... --book --out NEW``: the plan with the joint booking, in
    ``run_dir/out``; returns the headline figures."""
    from kaoa_match.recommend import write_booked_plan

    problem, plan, recs = _recommend(run_dir, parent_out, chosen)
    # the input is the upload that lists the new students
    placed, short, summary = write_booked_plan(
        problem, plan, recs, run_dir / "out", input_path(run_dir)
    )
    return write_headline(run_dir, problem, placed, short, summary)
