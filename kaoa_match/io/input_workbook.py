"""Write a problem as an input workbook, or an empty one for a planner to fill.

One sheet per table of the contract (every layout of
:data:`~kaoa_match.io.cells.LAYOUTS`, so a new table or column appears here
by itself), named like the file without ``.csv`` and with the header in the
first row, as :func:`~kaoa_match.io.xlsx.check_xlsx` reads it back. A
``Hilfe`` sheet explains every column in German. Columns get what a planner
needs to fill them in Excel: dropdowns for the fixed values (``kind``,
``provider_type``, ``status``, ``relation``, ``level``), the Berufsfelder
(``field_id``, from the ``fields`` sheet) and the weekday lists (``weekdays``:
every combination, Monday first; another spelling only warns), the range of each number
(``capacity`` >= 0, ``score`` 0-100, ``tolerance`` 0-50, ...), date cells
shown as TT.MM.JJJJ, and text columns formatted as text, so that Excel keeps
an ID like ``0815`` as typed.

Text from a problem is stored as text, never as a formula (data contract,
"Spreadsheet safety").
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from kaoa_match.io.cells import (
    ID_COLUMNS,
    LAYOUTS,
    Choice,
    Column,
    Layout,
    Number,
    Whole,
    format_cell,
    parse_date,
    parse_grades,
    parse_tags,
    parse_weekdays,
    parse_whole,
)
from kaoa_match.io.help_de import HELP, SHEET_HELP
from kaoa_match.model import DEFAULT_FIELDS, WEEKDAYS

if TYPE_CHECKING:
    from collections.abc import Sequence

    from openpyxl.worksheet.worksheet import Worksheet
    from pydantic import BaseModel

    from kaoa_match.model import Problem

HELP_SHEET = "Hilfe"
DATE_FORMAT = "DD.MM.YYYY"
"""Excel's code for a date shown as TT.MM.JJJJ in a German Excel."""
TEXT_FORMAT = "@"
_LAST_ROW = 1_048_576  # Excel's last row: dropdowns and formats cover the whole column
_FIELD_ROWS = 500  # rows of the fields sheet a field_id dropdown offers
_MAX_WIDTH = 50  # characters: a longer name is cut off on screen rather than widen the sheet
_HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
_BOLD = Font(bold=True)


def write_input_workbook(path: str | Path, problem: Problem | None = None) -> None:
    """Write the input workbook of ``problem`` to ``path``; without a problem,
    an empty template (only the ``fields`` sheet filled, with the built-in
    Berufsfelder, so that its dropdown has values)."""
    book = Workbook()
    first = book.active
    assert first is not None  # a new workbook always has one sheet
    book.remove(first)
    _help_sheet(book.create_sheet(HELP_SHEET))
    for table, layout in LAYOUTS.items():
        records = _records(problem, table)
        _table_sheet(book.create_sheet(table), layout, records)
    book.active = 1  # open on the first table; the help is one tab to the left
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    # saved beside and renamed into place: a failed run never leaves half a workbook
    partial = target.with_name(f".{target.name}.partial")
    try:
        book.save(partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def _records(problem: Problem | None, table: str) -> Sequence[BaseModel]:
    if problem is None:
        return DEFAULT_FIELDS if table == "fields" else ()
    records: Sequence[BaseModel] = getattr(problem, table)
    return records


# --- one sheet per table ------------------------------------------------------


def _table_sheet(sheet: Worksheet, layout: Layout, records: Sequence[BaseModel]) -> None:
    names = layout.column_names
    sheet.append(list(names))
    for cell in sheet[1]:
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
    sheet.freeze_panes = "A2"
    widths = [max(len(name) + 4, 14) for name in names]
    # Filled cells get their column's format too: an ID cell formatted as text
    # keeps 0815 as 0815 when a planner types over it in Excel.
    formats = [_column_format(column) for column in layout.columns]
    for line, record in enumerate(records, start=2):
        for k, name in enumerate(names, start=1):
            shown = _write_cell(sheet, line, k, getattr(record, name), formats[k - 1])
            widths[k - 1] = max(widths[k - 1], min(shown + 2, _MAX_WIDTH))
    for k, column in enumerate(layout.columns, start=1):
        letter = get_column_letter(k)
        dimension = sheet.column_dimensions[letter]
        dimension.width = widths[k - 1]
        dimension.number_format = formats[k - 1]
        validation = _dropdown(layout.table, column)
        if validation is not None:
            validation.add(f"{letter}2:{letter}{_LAST_ROW}")
            sheet.add_data_validation(validation)


def _write_cell(sheet: Worksheet, line: int, k: int, value: object, number_format: str) -> int:
    """Write one value as a typed cell in its column's format; the number of
    characters it shows."""
    if value is None:
        return 0
    if isinstance(value, bool):
        raise TypeError("no column of the contract holds a bool")
    if isinstance(value, frozenset | set):
        value = format_cell(value)
    cell = sheet.cell(row=line, column=k, value=value)
    cell.number_format = number_format
    if isinstance(value, str):
        # Names and IDs come from portal exports that companies fill in: text
        # stays text, never a formula (openpyxl makes "=..." one).
        cell.data_type = "s"
    elif isinstance(value, dt.date):
        return len("TT.MM.JJJJ")
    return len(str(value))


def _column_format(column: Column) -> str:
    """The number format of a column's cells: dates as TT.MM.JJJJ, text as text."""
    kind = _kind(column)
    if kind == "date":
        return DATE_FORMAT
    if kind == "whole":
        return "0"
    if kind == "number":
        return "General"
    return TEXT_FORMAT


def _kind(column: Column) -> str:
    """``date``, ``whole``, ``number``, ``choice``, ``list`` or ``text``."""
    parse: Any = column.parse
    if parse is parse_date:
        return "date"
    if isinstance(parse, Whole) or parse is parse_whole:
        return "whole"
    if isinstance(parse, Number):
        return "number"
    if isinstance(parse, Choice):
        return "choice"
    if parse in (parse_tags, parse_grades, parse_weekdays):
        return "list"
    return "text"


def _dropdown(table: str, column: Column) -> DataValidation | None:
    """The check Excel makes when a cell of ``column`` is typed in, if any:
    a list to choose from, or the range of a number."""
    parse: Any = column.parse
    if isinstance(parse, Choice):
        values = ", ".join(parse.values)
        validation = DataValidation(type="list", formula1=f'"{",".join(parse.values)}"')
        validation.error = f"Bitte einen dieser Werte eintragen: {values}"
    elif column.name == "field_id" and table != "fields":
        letter = get_column_letter(LAYOUTS["fields"].column_names.index("field_id") + 1)
        validation = DataValidation(
            type="list", formula1=f"fields!${letter}$2:${letter}${_FIELD_ROWS}"
        )
        validation.error = "Bitte ein Berufsfeld aus dem Blatt fields wählen (Spalte field_id)."
    elif parse is parse_weekdays:
        validation = _weekday_lists()
    elif isinstance(parse, Whole | Number) and parse.lo is not None:
        validation = _number_range(parse)
    else:
        return None
    validation.allow_blank = True
    validation.showErrorMessage = True
    validation.errorTitle = f"{table}.{column.name}"
    return validation


def _weekday_lists() -> DataValidation:
    """Every list of weekdays, Monday first (``mo``, ..., ``di|do``, ...,
    ``mo|di|mi|do|fr``: 31 in all, 239 characters, within Excel's 255). The
    reader takes any order, so another one is only a warning in Excel."""
    lists = [
        "|".join(days)
        for size in range(1, len(WEEKDAYS) + 1)
        for days in itertools.combinations(WEEKDAYS, size)
    ]
    validation = DataValidation(type="list", formula1=f'"{",".join(lists)}"')
    validation.errorStyle = "warning"
    validation.error = "Wochentage mo, di, mi, do, fr, mit | getrennt, z. B. di|do."
    return validation


def _number_range(parse: Whole | Number) -> DataValidation:
    kind = "whole" if isinstance(parse, Whole) else "decimal"
    what = "eine ganze Zahl" if kind == "whole" else "eine Zahl"
    if parse.hi is None:
        validation = DataValidation(
            type=kind, operator="greaterThanOrEqual", formula1=f"{parse.lo:g}"
        )
        validation.error = f"Bitte {what} ab {parse.lo:g} eintragen."
    else:
        validation = DataValidation(
            type=kind, operator="between", formula1=f"{parse.lo:g}", formula2=f"{parse.hi:g}"
        )
        validation.error = f"Bitte {what} von {parse.lo:g} bis {parse.hi:g} eintragen."
    return validation


# --- the Hilfe sheet ------------------------------------------------------------

_INTRO = (
    "Eingabe-Arbeitsmappe für kaoa_match (Berufsfelderkundung, Praktikum, Praxiskurs, "
    "Langzeitpraktikum)",
    "Je Blatt eine Tabelle; die erste Zeile ist die Kopfzeile und bleibt, wie sie ist.",
    "Pflichtblätter: schools, students, companies, offers, calendar. "
    "Die übrigen Blätter dürfen leer bleiben.",
    "Leere Zelle = nicht angegeben. Listen in einer Zelle mit | trennen (barrierefrei|ifsg). "
    "Datum als TT.MM.JJJJ.",
    "Prüfen: python -m kaoa_match validate mappe.xlsx    "
    "Planen: python -m kaoa_match solve mappe.xlsx --out plan",
    "Praxiskurse und Langzeitpraktikum (Blatt participants, Spalte weekdays) werden gelesen "
    "und geprüft, aber in dieser Version noch nicht eingeplant: der Plan enthält BFE und "
    "Praktikum.",
    "Formeln sind erlaubt, wenn die Mappe in Excel oder LibreOffice gespeichert wurde.",
)
_HELP_HEADER = ("Blatt", "Spalte", "Pflicht", "Format", "Bedeutung", "Beispiel")
_HELP_WIDTHS = (14, 18, 24, 36, 80, 24)


def _help_sheet(sheet: Worksheet) -> None:
    for text in _INTRO:
        sheet.append([text])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([])
    sheet.append(list(_HELP_HEADER))
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
    sheet.freeze_panes = f"A{header_row + 1}"
    for table, layout in LAYOUTS.items():
        needed = "Blatt: Pflicht" if layout.required_file else "Blatt: darf leer bleiben"
        sheet.append([table, "", needed, "", SHEET_HELP.get(table, ""), ""])
        for cell in sheet[sheet.max_row]:
            cell.font = _BOLD
        for column in layout.columns:
            meaning, example = HELP.get((table, column.name), ("", ""))
            row = [table, column.name, _required(column), _format_text(table, column)]
            sheet.append([*row, meaning, example])
            for cell in sheet[sheet.max_row]:
                cell.data_type = "s"  # an example like "8|9" or "-" stays as written
    for k, width in enumerate(_HELP_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(k)].width = width
    for row in sheet.iter_rows(min_row=header_row + 1):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _required(column: Column) -> str:
    if column.optional:
        return "nein"
    if column.may_be_empty:
        return "Spalte ja, Zelle darf leer sein"
    return "ja"


def _format_text(table: str, column: Column) -> str:
    """The format of a column in words, from the parser the reader uses."""
    kind = _kind(column)
    parse: Any = column.parse
    if kind == "date":
        return "Datum, TT.MM.JJJJ (auch JJJJ-MM-TT)"
    if kind == "whole":
        return "ganze Zahl" + _range(parse)
    if kind == "number":
        return "Zahl (Dezimalkomma oder -punkt)" + _range(parse)
    if kind == "choice":
        return "eine von: " + ", ".join(parse.values) + " (Auswahlliste)"
    if parse is parse_grades:
        return "Liste ganzer Zahlen, mit | getrennt"
    if parse is parse_weekdays:
        return "Liste der Wochentage mo, di, mi, do, fr, mit | getrennt (Auswahlliste)"
    if kind == "list":
        return "Liste, mit | getrennt"
    if column.name == "field_id" and table != "fields":
        return "Kennung aus dem Blatt fields (Auswahlliste)"
    if ID_COLUMNS.get(table) == column.name:
        return "Text, eindeutig im Blatt"
    return "Text"


def _range(parse: object) -> str:
    lo = getattr(parse, "lo", None)
    hi = getattr(parse, "hi", None)
    if lo is not None and hi is not None:
        return f", von {lo:g} bis {hi:g}"
    if lo is not None:
        return f", mindestens {lo:g}"
    return ""
