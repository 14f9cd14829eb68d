"""Write a :class:`~kaoa_match.model.Problem` as the input directory of the contract."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING

from kaoa_match.io.cells import LAYOUTS, Layout, format_cell
from kaoa_match.model import DEFAULT_FIELDS

if TYPE_CHECKING:
    from collections.abc import Sequence

    from pydantic import BaseModel

    from kaoa_match.model import Problem


def write_problem(problem: Problem, directory: str | Path, *, german: bool = False) -> None:
    """Write every input file of ``problem`` into ``directory`` (created if missing).

    Required files are always written; an optional file only when the problem
    has rows for it (``fields.csv`` only when the fields differ from the
    built-in Berufsfelder). An optional file left over from an earlier
    problem is removed, so that reading the directory gives ``problem`` back.

    ``german=True`` writes what a German Excel exports: ``;`` as delimiter,
    decimal comma, dates as ``DD.MM.YYYY`` and UTF-8 with a BOM.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for table, layout in LAYOUTS.items():
        rows: Sequence[BaseModel] = getattr(problem, table)
        path = directory / layout.file_name
        if _is_written(problem, layout, rows):
            _write_table(path, layout, rows, german)
        elif path.exists():
            path.unlink()


def _is_written(problem: Problem, layout: Layout, rows: Sequence[BaseModel]) -> bool:
    if layout.required_file:
        return True
    if layout.table == "fields":
        return problem.fields != DEFAULT_FIELDS
    return bool(rows)


def _write_table(path: Path, layout: Layout, rows: Sequence[BaseModel], german: bool) -> None:
    names = layout.column_names
    encoding = "utf-8-sig" if german else "utf-8"
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=";" if german else ",", lineterminator="\r\n")
        writer.writerow(names)
        for row in rows:
            writer.writerow([format_cell(getattr(row, name), german) for name in names])
