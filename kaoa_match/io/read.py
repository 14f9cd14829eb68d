"""Read an input directory of the data contract into a :class:`Problem`.

Reading never stops at the first problem: every file and every row is read,
each problem is recorded as ``file:line: column: message`` (the header is line
1), rows with errors are dropped, and the checks across files
(:mod:`kaoa_match.validation`) run on what is left. Only then is one
:class:`InputError` raised that lists everything. Messages quote a bad cell's
value, except in a student's personal columns (``Column.personal``): there
they say ``(value withheld: personal data)`` instead.
"""

from __future__ import annotations

import codecs
import csv
import io
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from kaoa_match.exceptions import InputError, InputProblem, InputWarning
from kaoa_match.io.cells import ID_COLUMNS, LAYOUTS, CellError, Column, Layout
from kaoa_match.model import DEFAULT_FIELDS, PreviousAssignment, Problem
from kaoa_match.validation import validate

if TYPE_CHECKING:
    from collections.abc import Sequence

    from pydantic import BaseModel

_MAX_WARNINGS_SHOWN = 10


@dataclass
class Log:
    """Errors and warnings found so far, in any order."""

    errors: list[InputProblem] = field(default_factory=list)
    warnings: list[InputProblem] = field(default_factory=list)

    def error(self, file: str, line: int, column: str, message: str) -> None:
        self.errors.append(InputProblem(file, line, column, message))

    def warn(self, file: str, line: int, column: str, message: str) -> None:
        self.warnings.append(InputProblem(file, line, column, message))


@dataclass
class RawTable:
    """The cells of one file (or sheet) as text, before any parsing.

    ``file`` is the name used in messages; ``rows`` pairs each row with its
    1-based line number (the header is line 1). ``reported`` holds, by line,
    the positions of cells whose problem is already in the log (a workbook's
    formula without a saved value): their rows are dropped without a second
    message.
    """

    file: str
    header: list[str]
    rows: list[tuple[int, list[str]]]
    reported: dict[int, set[int]] = field(default_factory=dict)


@dataclass
class ParsedTable:
    """The records of one table, the line of each, and IDs of dropped rows."""

    records: list[BaseModel]
    lines: list[int]
    dropped_ids: set[str]


# --- public API -------------------------------------------------------------


def read_dir(path: str | Path, *, previous: str | Path | None = None) -> Problem:
    """Read the input directory ``path``; raise :class:`InputError` listing every error.

    Warnings are issued as :class:`InputWarning` (the first few; use
    :func:`check_dir` to get all of them). ``previous`` reads that file
    instead of the directory's ``previous.csv``.
    """
    problem, found = check_dir(path, previous=previous)
    issue_warnings(found, stacklevel=3)
    return problem


def issue_warnings(found: Sequence[InputProblem], stacklevel: int = 2) -> None:
    """Issue the first few of ``found`` as :class:`InputWarning`, and how many more."""
    for item in found[:_MAX_WARNINGS_SHOWN]:
        warnings.warn(str(item), InputWarning, stacklevel=stacklevel)
    if len(found) > _MAX_WARNINGS_SHOWN:
        more = len(found) - _MAX_WARNINGS_SHOWN
        warnings.warn(f"... and {more} more input warnings", InputWarning, stacklevel=stacklevel)


def check_dir(
    path: str | Path, *, previous: str | Path | None = None
) -> tuple[Problem, list[InputProblem]]:
    """Read and check the input directory ``path``: the problem and all warnings.

    Raises :class:`InputError` with every error of every file.
    """
    directory = Path(path)
    if not directory.is_dir():
        raise InputError([InputProblem(str(directory), 0, "-", "is not a directory")])
    # Windows users save "Students.CSV" as often as "students.csv"
    present = {p.name.lower(): p for p in sorted(directory.iterdir()) if p.is_file()}
    log = Log()
    raw: dict[str, RawTable] = {}
    for table, layout in LAYOUTS.items():
        file = present.get(layout.file_name)
        if table == "previous" and previous is not None:
            loaded = load_previous_file(previous, log)
            if loaded is not None:
                raw[table] = loaded
            continue
        if file is not None:
            loaded = load_csv(file, file.name, log)
            if loaded is not None:
                raw[table] = loaded
        elif layout.required_file:
            log.error(layout.file_name, 0, "-", "required file is missing")
    return build_problem(raw, log)


def check_dirs(paths: Sequence[str | Path]) -> tuple[dict[str, Problem], list[InputProblem]]:
    """Several inputs, one Kreis each: :func:`kaoa_match.io.check_inputs`, which
    takes workbooks too (kept under this name for existing callers)."""
    from kaoa_match.io.inputs import check_inputs  # inputs imports this module

    return check_inputs(paths)


def previous_plan_file(path: str | Path) -> Path:
    """The ``assignments.csv`` of an earlier plan given as its folder (the output
    directory of a solve) or as the file itself (``--previous``)."""
    given = Path(path)
    return given / "assignments.csv" if given.is_dir() else given


def load_previous_file(path: str | Path, log: Log) -> RawTable | None:
    """The cells of the earlier plan given apart from the input (``--previous``):
    a plan folder or its ``assignments.csv``."""
    file = previous_plan_file(path)
    if not file.is_file():
        what = (
            "is a folder without assignments.csv; give the folder of a plan or its assignments.csv"
            if Path(path).is_dir()
            else "previous plan is missing (give the folder of a plan or its assignments.csv)"
        )
        log.error(str(path), 0, "-", what)
        return None
    return load_csv(file, file.name, log)


def read_previous(path: str | Path) -> tuple[PreviousAssignment, ...]:
    """Read an earlier plan (its folder, or ``assignments.csv`` plus an optional
    ``status`` column).

    A missing ``status`` column or an empty cell means ``published``. Whether
    its students and offers still exist is checked only together with a
    problem (:func:`check_dir` with ``previous=``).
    """
    file = previous_plan_file(path)
    log = Log()
    if not file.is_file():
        raise InputError([InputProblem(str(path), 0, "-", "previous plan is missing")])
    loaded = load_csv(file, file.name, log)
    parsed = parse_table(LAYOUTS["previous"], loaded, log) if loaded else None
    if log.errors:
        raise InputError(log.errors)
    if parsed is None:
        return ()
    return tuple(r for r in parsed.records if isinstance(r, PreviousAssignment))


# --- from raw tables to a problem ---------------------------------------------


def build_problem(raw: dict[str, RawTable], log: Log) -> tuple[Problem, list[InputProblem]]:
    """Parse every table, check across tables, and raise if anything is wrong.

    Tables missing from ``raw`` count as absent files (their problems are
    already in ``log``).
    """
    tables: dict[str, tuple[BaseModel, ...]] = {}
    sources: dict[str, tuple[str, list[int]]] = {}
    dropped: dict[str, set[str]] = {}
    unusable: set[str] = set()
    for table, layout in LAYOUTS.items():
        parsed = parse_table(layout, raw[table], log) if table in raw else None
        if parsed is None:
            if table in raw or layout.required_file:
                unusable.add(table)
            continue
        tables[table] = tuple(parsed.records)
        sources[table] = (raw[table].file, parsed.lines)
        dropped[table] = parsed.dropped_ids
    _check_not_empty(raw, log)
    problem = _assemble(tables, log)
    report = validate(problem, sources, known_ids=dropped, absent=unusable)
    errors = log.errors + report.errors
    if errors:
        raise InputError(errors)
    return problem, sorted(log.warnings + report.warnings)


def _check_not_empty(raw: dict[str, RawTable], log: Log) -> None:
    """A required table with a header but no rows is an error: without
    schools, students, companies, offers or calendar rows nobody can be placed
    (an offers table left empty would only leave every student short)."""
    for table, layout in LAYOUTS.items():
        if layout.required_file and table in raw and not _has_rows(raw[table]):
            log.error(raw[table].file, 0, "-", _NO_ROWS)


_NO_ROWS = (
    "has no rows: nobody can be placed without them; fill in at least one row below the header"
)


def _has_rows(raw: RawTable) -> bool:
    return any(any(cell.strip() for cell in cells) for _, cells in raw.rows)


def _assemble(tables: dict[str, tuple[BaseModel, ...]], log: Log) -> Problem:
    """The problem from parsed tables; an absent ``fields.csv`` means the defaults."""
    tables.setdefault("fields", DEFAULT_FIELDS)
    for table in ("schools", "students", "companies", "offers", "calendar"):
        tables.setdefault(table, ())
    try:
        return Problem(**tables)  # type: ignore[arg-type]
    except ValidationError as exc:  # pragma: no cover - rows were checked one by one
        log.error("-", 0, "-", str(exc))
        return Problem(schools=(), students=(), companies=(), offers=(), calendar=())


def parse_table(layout: Layout, raw: RawTable, log: Log) -> ParsedTable | None:
    """Parse the rows of ``raw`` as ``layout``; None if a required column is missing."""
    positions = _column_positions(layout, raw, log)
    if positions is None:
        return None
    plan = [(column, positions.get(column.name)) for column in layout.columns]
    parsed = ParsedTable([], [], set())
    id_column = ID_COLUMNS.get(layout.table)
    width = len(raw.header)
    for line, row in raw.rows:
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue  # a fully empty line, as spreadsheets leave them
        if len(cells) < width:
            cells += [""] * (width - len(cells))
        elif len(cells) > width and any(cells[width:]):
            message = f"row has {len(cells)} cells, the header {width}; extra ignored"
            log.warn(raw.file, line, "-", message)
        reported = raw.reported.get(line, set())
        values, ok = _parse_row(plan, raw.file, line, cells, reported, log)
        record = _make_record(layout, raw.file, line, values, log) if ok else None
        if record is not None:
            parsed.records.append(record)
            parsed.lines.append(line)
        elif id_column and isinstance(values.get(id_column), str):
            parsed.dropped_ids.add(values[id_column])  # type: ignore[arg-type]
    return parsed


def _column_positions(layout: Layout, raw: RawTable, log: Log) -> dict[str, int] | None:
    """Map each known column present in the header to its position."""
    names = [name.strip().lower() for name in raw.header]
    known = set(layout.column_names)
    positions: dict[str, int] = {}
    for pos, name in enumerate(names):
        if name in positions:
            message = f"column appears twice (also column {positions[name] + 1})"
            log.error(raw.file, 1, name, message)
        elif name in known:
            positions[name] = pos
        elif name:
            log.warn(raw.file, 1, name, "unknown column, ignored")
    missing = [c.name for c in layout.columns if not c.optional and c.name not in positions]
    for name in missing:
        log.error(raw.file, 1, name, "required column is missing")
    return None if missing else positions


def _parse_row(
    plan: list[tuple[Column, int | None]],
    file: str,
    line: int,
    cells: list[str],
    reported: set[int],
    log: Log,
) -> tuple[dict[str, object], bool]:
    """The parsed non-empty cells of one row, and whether all of them were fine.

    ``plan`` pairs each column of the layout with its position in ``cells``
    (None: the optional column is not in the file); the cells at the
    positions in ``reported`` are bad and already in the log.
    """
    values: dict[str, object] = {}
    ok = True
    for column, pos in plan:
        if pos in reported:
            ok = False
            continue
        text = cells[pos] if pos is not None else ""
        if not text:
            if not (column.optional or column.may_be_empty):
                log.error(file, line, column.name, "value is missing")
                ok = False
            continue
        try:
            values[column.name] = column.parse(text)
        except CellError as exc:
            log.error(file, line, column.name, exc.describe(column.personal))
            ok = False
    return values, ok


def _make_record(
    layout: Layout, file: str, line: int, values: dict[str, object], log: Log
) -> BaseModel | None:
    try:
        return layout.record(**values)
    except ValidationError as exc:  # a check of the model the cell parsers lack
        for err in exc.errors():
            column = str(err["loc"][0]) if err["loc"] else "-"
            log.error(file, line, column, err["msg"])
        return None


# --- CSV files ------------------------------------------------------------------


def load_csv(path: Path, file: str, log: Log) -> RawTable | None:
    """The cells of a CSV file; None (with an error) if it has no header line
    or is no text file at all."""
    data = path.read_bytes()
    if binary := _binary_kind(data):
        log.error(file, 0, "-", binary)
        return None
    text = _decode(data, file, log)
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    try:
        start = 1
        for cells in reader:
            if header is None:
                header = cells
            else:
                rows.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        log.error(file, reader.line_num, "-", f"cannot read CSV: {exc}")
    if not header or not any(h.strip() for h in header):
        log.error(file, 1, "-", "file is empty (the header line is missing)")
        return None
    return RawTable(file, header, rows)


_ZIP_MAGIC = b"PK\x03\x04"  # .xlsx (and .ods) are zip archives
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # .xls of Excel 97-2003


def _binary_kind(data: bytes) -> str | None:
    """What a file that is no CSV text is, and what to do; None for text.

    Planners save a workbook under a ``.csv`` name by renaming it; without
    this the reader would quote a "missing column" of zip garbage.
    """
    if data.startswith(_ZIP_MAGIC):
        return (
            "is an Excel workbook saved under a .csv name; save it as CSV (UTF-8), "
            "or rename it to .xlsx and pass the workbook itself"
        )
    if data.startswith(_OLE_MAGIC):
        return (
            "is an old Excel workbook (.xls) saved under a .csv name; "
            "open it in Excel or LibreOffice and save it as CSV (UTF-8)"
        )
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if not utf16 and b"\x00" in data:
        return "is not a text file (it holds NUL bytes); save it as CSV (UTF-8)"
    return None


def _decode(data: bytes, file: str, log: Log) -> str:
    """UTF-8 (BOM or not) or UTF-16 with BOM; anything else as Windows-1252."""
    encoding = "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        message = "not UTF-8; read as Windows-1252 (old Excel); please save as CSV UTF-8"
        log.warn(file, 0, "-", message)
        return data.decode("cp1252", errors="replace")
