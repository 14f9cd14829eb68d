"""Read a problem from one Excel workbook: one sheet per input file.

Sheet ``students`` (or ``students.csv``) holds what ``students.csv`` would;
checks and messages are those of the CSV reader, with the file named
``book.xlsx[students]``. Other sheets (a ``Hilfe`` sheet, notes) are ignored.

A formula cell is read as the value the spreadsheet program saved with it. A
workbook written by a program and never opened in Excel or LibreOffice has
formulas without saved values; such a cell is an error that names it, never
read as empty.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
import zipfile
from contextlib import contextmanager
from itertools import zip_longest
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl import load_workbook
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from kaoa_match.exceptions import InputError, InputProblem, InputWarning
from kaoa_match.io.cells import LAYOUTS, Layout, format_float
from kaoa_match.io.read import Log, RawTable, build_problem, load_previous_file

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from openpyxl.workbook.workbook import Workbook

    from kaoa_match.model import Problem

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
"""File names read as a workbook (openpyxl reads these; not the old ``.xls``)."""


def is_workbook(path: str | Path) -> bool:
    """Whether ``path`` names a workbook (by its suffix; it need not exist)."""
    return Path(path).suffix.lower() in WORKBOOK_SUFFIXES


def read_xlsx(path: str | Path, *, previous: str | Path | None = None) -> Problem:
    """Read the workbook ``path``; raise :class:`InputError` listing every error."""
    problem, found = check_xlsx(path, previous=previous)
    for item in found:
        warnings.warn(str(item), InputWarning, stacklevel=2)
    return problem


def check_xlsx(
    path: str | Path, *, previous: str | Path | None = None
) -> tuple[Problem, list[InputProblem]]:
    """Read and check the workbook ``path``: the problem and all warnings.

    ``previous`` reads that CSV file instead of the workbook's ``previous``
    sheet. Raises :class:`InputError` with every error of every sheet.
    """
    book_path = Path(path)
    log = Log()
    raw: dict[str, RawTable] = {}
    with _books(book_path) as (cached, written):
        sheets = {name.strip().lower().removesuffix(".csv"): name for name in cached.sheetnames}
        if not sheets.keys() & LAYOUTS.keys():
            problem = InputProblem(book_path.name, 0, "-", _no_input_sheets(sheets))
            raise InputError([problem])
        for table, layout in LAYOUTS.items():
            label = f"{book_path.name}[{table}]"
            loaded: RawTable | None = None
            if table == "previous" and previous is not None:
                loaded = load_previous_file(previous, log)
            elif table in sheets:
                name = sheets[table]
                formulas = written[name] if written else None
                loaded = _sheet_table(cached[name], formulas, label, layout, log)
            elif layout.required_file:
                log.error(label, 0, "-", "required sheet is missing")
            if loaded is not None:
                raw[table] = loaded
    return build_problem(raw, log)


def _no_input_sheets(sheets: Iterable[str]) -> str:
    """What a workbook without any sheet of the contract is, and what to do."""
    plan_sheets = ({"rosters", "unplaced"}, {"betriebslisten", "fehlende plätze"})  # plan_xlsx
    if any(names <= set(sheets) for names in plan_sheets):  # in English or German
        return "is the plan workbook a solve wrote (plan.xlsx), not an input workbook"
    required = ", ".join(t for t, layout in LAYOUTS.items() if layout.required_file)
    return (
        f"has no sheet of the input (needs {required}); "
        "python -m kaoa_match template BOOK.xlsx writes an input workbook to fill"
    )


def load_sheet(path: str | Path, table: str) -> RawTable | None:
    """The cells of one table's sheet of the workbook ``path`` (None if it has none).

    Problems are not reported: for reading extras such as the class column.
    """
    book_path = Path(path)
    with _books(book_path) as (cached, written):
        name = next((n for n in cached.sheetnames if n.strip().lower() == table), None)
        if name is None:
            return None
        label = f"{book_path.name}[{table}]"
        formulas = written[name] if written else None
        return _sheet_table(cached[name], formulas, label, LAYOUTS[table], Log())


@contextmanager
def _books(path: Path) -> Iterator[tuple[Workbook, Workbook | None]]:
    """The workbook with the saved values of its formulas, and (only if it has
    formulas at all) the workbook with the formulas themselves."""
    with _open(path, data_only=True) as cached:
        if not _has_formulas(path):  # most workbooks: no second pass through every cell
            yield cached, None
            return
        with _open(path, data_only=False) as written:
            yield cached, written


_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _has_formulas(path: Path) -> bool:
    """Whether any worksheet of the workbook holds a formula (an ``<f>`` element)."""
    try:
        with zipfile.ZipFile(path) as archive:
            sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
            return any(_FORMULA_TAG.search(archive.read(n)) for n in sheets)
    except (OSError, zipfile.BadZipFile):
        return True  # let openpyxl say what is wrong


@contextmanager
def _open(path: Path, *, data_only: bool) -> Iterator[Workbook]:
    """The workbook at ``path`` in read-only mode, closed afterwards."""
    if not path.is_file():
        raise InputError([InputProblem(str(path), 0, "-", "workbook is missing")])
    try:
        with warnings.catch_warnings():
            # openpyxl's notes on what it drops (say, "no default style") mean
            # nothing to a planner; the reader says what matters itself.
            warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
            book = load_workbook(path, read_only=True, data_only=data_only)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        message = f"cannot open workbook: {exc}"
        raise InputError([InputProblem(path.name, 0, "-", message)]) from None
    try:
        yield book
    finally:
        book.close()


def _sheet_table(
    cached: Any, written: Any | None, label: str, layout: Layout, log: Log
) -> RawTable | None:
    """The cells of a sheet as text; ``cached`` holds the saved values of
    formulas, ``written`` the formulas themselves (the same sheet; None when
    the workbook has no formulas)."""
    rows = _rows(cached, written)
    first = next(rows, None)
    if first is None or not any(h.strip() for h in first[0]):
        log.error(label, 1, "-", "sheet is empty (the header row is missing)")
        return None
    header, unsaved = first
    for pos, formula in unsaved.items():
        log.error(label, 1, "-", _unsaved_message(formula))
        header[pos] = ""  # read on without the column; its problem is said
    table = RawTable(label, header, [])
    known = set(layout.column_names)
    names = [h.strip().lower() for h in header]
    for line, (cells, unsaved) in enumerate(rows, start=2):
        table.rows.append((line, cells))
        for pos, formula in unsaved.items():
            column = names[pos] if pos < len(names) else ""
            if column in known:  # a formula in a column we ignore may stay unsaved
                log.error(label, line, column, _unsaved_message(formula))
                table.reported.setdefault(line, set()).add(pos)
    return table


def _rows(cached: Any, written: Any | None) -> Iterator[tuple[list[str], dict[int, str]]]:
    """Each row as text, with the formulas that have no saved value by position."""
    formula_rows = written.iter_rows(values_only=True) if written is not None else ()
    pairs = zip_longest(cached.iter_rows(values_only=True), formula_rows, fillvalue=())
    for values, formulas in pairs:
        cells = [_cell_text(v) for v in values]
        unsaved = {
            pos: formula
            for pos, value in enumerate(formulas)
            if (formula := _formula(value)) is not None
            and (pos >= len(values) or values[pos] is None)
        }
        cells += [""] * (len(formulas) - len(cells))
        yield cells, unsaved


def _formula(value: object) -> str | None:
    """The formula text of a cell read with ``data_only=False``, None for a value."""
    if isinstance(value, ArrayFormula):
        return str(value.text)
    if isinstance(value, DataTableFormula):
        return "a data table (TABLE)"
    if isinstance(value, str) and value.startswith("="):
        return value
    return None


def _unsaved_message(formula: str) -> str:
    return (
        f"formula {formula} has no saved value; open and save the workbook in "
        "Excel/LibreOffice, or enter the value"
    )


def _cell_text(value: object) -> str:
    """A cell as the CSV reader would see it; dates as ISO, numbers shortest."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return format_float(value)
    return str(value)
