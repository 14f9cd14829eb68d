"""The one way in: an input directory of CSV files or one workbook.

Every command that reads an input calls :func:`check_input` (or
:func:`check_inputs` for several Kreise), so a workbook is accepted wherever a
directory is (data contract: "Input: one directory (or one workbook)").
"""

from __future__ import annotations

import dataclasses
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from kaoa_match.exceptions import InputError, InputProblem
from kaoa_match.io.read import Log, RawTable, check_dir, issue_warnings, load_csv
from kaoa_match.io.xlsx import check_xlsx, is_workbook, load_sheet

if TYPE_CHECKING:
    from collections.abc import Sequence

    from kaoa_match.model import Problem


def read_input(path: str | Path, *, previous: str | Path | None = None) -> Problem:
    """Read the input directory or workbook ``path``; raise
    :class:`InputError` listing every error.

    Warnings are issued as :class:`InputWarning` (the first few; use
    :func:`check_input` to get all of them). ``previous`` reads that file
    instead of the input's ``previous`` table.
    """
    problem, found = check_input(path, previous=previous)
    issue_warnings(found, stacklevel=3)
    return problem


def check_input(
    path: str | Path, *, previous: str | Path | None = None
) -> tuple[Problem, list[InputProblem]]:
    """Read and check the input directory or workbook ``path``: the problem
    and all warnings. Raises :class:`InputError` with every error."""
    source = Path(path)
    if source.is_dir():
        return check_dir(source, previous=previous)
    if is_workbook(source):
        return check_xlsx(source, previous=previous)
    raise InputError([InputProblem(str(source), 0, "-", _not_an_input(source))])


def _not_an_input(source: Path) -> str:
    """Why ``source`` (neither a directory nor named like a workbook) is no
    input, with a hint for the usual mistakes."""
    if not source.is_file():
        return "is missing (give an input directory or an Excel workbook .xlsx)"
    parts = _zip_parts(source)
    if "xl/workbook.xml" in parts:
        return "is an Excel workbook under another name; rename it to .xlsx"
    if "content.xml" in parts:
        return "is an OpenDocument spreadsheet (.ods); save it as .xlsx and pass that"
    if source.suffix.lower() == ".csv":
        return "is one CSV file; give the directory that holds the input's CSV files"
    return "is neither an input directory nor an Excel workbook (.xlsx)"


def _zip_parts(path: Path) -> set[str]:
    """The names inside a zip file (an .xlsx or .ods is one); empty for any other file."""
    try:
        with zipfile.ZipFile(path) as archive:
            return set(archive.namelist())
    except (OSError, zipfile.BadZipFile):
        return set()


def check_inputs(paths: Sequence[str | Path]) -> tuple[dict[str, Problem], list[InputProblem]]:
    """Read several inputs, one Kreis each, named by the directory or the
    workbook without ``.xlsx``.

    Every problem of every input is reported at once, each file named with
    its directory (``koeln/students.csv:12: ...``; a workbook names itself,
    ``koeln.xlsx[students]:12: ...``). Two inputs of the same name are an
    error, since each names its output sub-directory.
    """
    problems: dict[str, Problem] = {}
    warnings: list[InputProblem] = []
    errors: list[InputProblem] = []
    seen: set[str] = set()
    for path in map(Path, paths):
        name = kreis_name(path)
        if name in seen:
            what = "workbook" if is_workbook(path) else "input directory"
            errors.append(InputProblem(str(path), 0, "-", f"a second {what} named {name}"))
            continue
        seen.add(name)
        prefix = "" if is_workbook(path) else f"{name}/"
        try:
            problem, found = check_input(path)
        except InputError as error:
            errors.extend(_prefixed(prefix, p) for p in error.problems)
            continue
        problems[name] = problem
        warnings.extend(_prefixed(prefix, p) for p in found)
    if errors:
        raise InputError(errors)
    return problems, warnings


def kreis_name(path: str | Path) -> str:
    """The name of a Kreis's input: its directory's name, or its workbook's
    without the suffix (``koeln.xlsx`` -> ``koeln``)."""
    source = Path(path)
    return source.stem if is_workbook(source) else source.resolve().name


def load_table(path: str | Path, table: str) -> RawTable | None:
    """The cells of one table of an input (directory or workbook), unchecked;
    None if the input lacks it. For extras outside the contract (classes)."""
    source = Path(path)
    if is_workbook(source):
        return load_sheet(source, table) if source.is_file() else None
    if not source.is_dir():
        return None
    wanted = f"{table}.csv"
    files = [p for p in sorted(source.iterdir()) if p.name.lower() == wanted]
    return load_csv(files[0], files[0].name, Log()) if files else None


def _prefixed(prefix: str, problem: InputProblem) -> InputProblem:
    return dataclasses.replace(problem, file=f"{prefix}{problem.file}")
