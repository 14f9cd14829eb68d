"""Read a problem from one Excel workbook: one sheet per input file.

Sheet ``students`` (or ``students.csv``) holds what ``students.csv`` would;
checks and messages are those of the CSV reader, with the file named
``book.xlsx[students]``. Needs the optional dependency ``openpyxl``
(``pip install kaoa_match[xlsx]``).
"""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kaoa_match.exceptions import InputError, InputProblem, InputWarning, KaoaMatchError
from kaoa_match.io.cells import LAYOUTS, format_float
from kaoa_match.io.read import Log, RawTable, build_problem

if TYPE_CHECKING:
    from kaoa_match.model import Problem


def read_xlsx(path: str | Path) -> Problem:
    """Read the workbook ``path``; raise :class:`InputError` listing every error."""
    problem, found = check_xlsx(path)
    for item in found:
        warnings.warn(str(item), InputWarning, stacklevel=2)
    return problem


def check_xlsx(path: str | Path) -> tuple[Problem, list[InputProblem]]:
    """Read and check the workbook ``path``: the problem and all warnings."""
    try:
        import openpyxl
    except ImportError:
        raise KaoaMatchError(
            "reading .xlsx needs openpyxl: pip install 'kaoa_match[xlsx]'"
        ) from None
    book_path = Path(path)
    try:
        book = openpyxl.load_workbook(book_path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        problem = InputProblem(book_path.name, 0, "-", f"cannot open workbook: {exc}")
        raise InputError([problem]) from None
    try:
        sheets = {name.lower().removesuffix(".csv"): name for name in book.sheetnames}
        log = Log()
        raw: dict[str, RawTable] = {}
        for table, layout in LAYOUTS.items():
            label = f"{book_path.name}[{table}]"
            if table in sheets:
                loaded = _sheet_table(book[sheets[table]], label, log)
                if loaded is not None:
                    raw[table] = loaded
            elif layout.required_file:
                log.error(label, 0, "-", "required sheet is missing")
    finally:
        book.close()
    return build_problem(raw, log)


def _sheet_table(sheet: Any, label: str, log: Log) -> RawTable | None:
    rows = [[_cell_text(v) for v in values] for values in sheet.iter_rows(values_only=True)]
    if not rows or not any(h.strip() for h in rows[0]):
        log.error(label, 1, "-", "sheet is empty (the header row is missing)")
        return None
    return RawTable(label, rows[0], [(i + 2, cells) for i, cells in enumerate(rows[1:])])


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
