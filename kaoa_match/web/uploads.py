"""Taking an upload in safely: a workbook (.xlsx) or a zip of the input's CSV files.

What arrives is judged by its content, not its name: an .xlsx is a zip holding
``xl/workbook.xml``; a zip of CSV files holds files named like the contract's
tables (``students.csv``, ...), in any folder. Nothing of an upload's names
becomes a path: a workbook is stored as ``input.xlsx``, each CSV file under the
contract's name of its table. Before anything is unpacked the zip's directory
is checked: the sizes its members unpack to (zipfile never unpacks a member
beyond the size its directory states), their number, encrypted members and
names that climb out of the archive.
"""

from __future__ import annotations

import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

TABLES = (
    "schools",
    "students",
    "companies",
    "offers",
    "calendar",
    "interests",
    "fields",
    "holidays",
    "travel",
    "previous",
    "pairs",
    "wishes",
    "participants",
    "priorities",
)
"""The contract's input tables: the CSV files a zip may hold."""

_MAX_MEMBERS = 10_000
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (Excel 97-2003) and other OLE files
_CHUNK = 1 << 16
MB = 1024 * 1024


class UploadRefused(Exception):
    """An upload that is not taken in: ``message`` says why, in German."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Limits:
    """Bytes an upload may have, and bytes its zip may unpack to."""

    upload: int = 50 * MB
    unpacked: int = 500 * MB


@dataclass(frozen=True)
class Upload:
    """An upload found fit to store: a workbook, or these CSV members of a zip."""

    kind: str  # "workbook" or "csv-zip"
    members: dict[str, str]  # table -> member name in the zip (csv-zip only)


def check_name(filename: str | None) -> str:
    """The file name as shown to the planner (never used as a path); refused
    if it is missing or holds a path."""
    if not filename:
        raise UploadRefused("Bitte eine Datei auswählen.")
    if any(c in filename for c in "/\\\0") or filename in (".", ".."):
        raise UploadRefused(
            "Der Dateiname enthält eine Pfadangabe (/ oder \\). Bitte nur die Datei "
            "selbst hochladen; nichts wurde gespeichert."
        )
    return filename[:200]


def too_large(limits: Limits) -> UploadRefused:
    return UploadRefused(
        f"Die Datei ist zu groß: höchstens {limits.upload / MB:.0f} MB. Nichts wurde gespeichert.",
        status=413,
    )


def classify(staged: Path, limits: Limits) -> Upload:
    """What the stored upload ``staged`` is; :class:`UploadRefused` if it is
    none of the two inputs or unpacks to too much."""
    with staged.open("rb") as file:
        head = file.read(8)
    if head.startswith(_OLE_MAGIC):
        raise UploadRefused(
            "Das ist eine alte Excel-Datei (.xls) oder ein anderes Office-Format, keine "
            ".xlsx-Arbeitsmappe. Bitte in Excel über „Speichern unter“ als "
            "„Excel-Arbeitsmappe (*.xlsx)“ speichern und diese Datei hochladen."
        )
    if not head.startswith(b"PK"):
        raise UploadRefused(
            "Die Datei ist weder eine Excel-Arbeitsmappe (.xlsx) noch ein Zip-Archiv mit "
            "CSV-Dateien. Bitte die ausgefüllte Vorlage hochladen."
        )
    try:
        with zipfile.ZipFile(staged) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UploadRefused(
            "Die Datei ist beschädigt: sie sieht aus wie eine .xlsx- oder Zip-Datei, lässt "
            "sich aber nicht öffnen."
        ) from None
    _check_members(infos, limits)
    names = {info.filename for info in infos}
    if "xl/workbook.xml" in names:
        return Upload("workbook", {})
    if "content.xml" in names:
        raise UploadRefused(
            "Das ist eine OpenDocument-Tabelle (.ods). Bitte als Excel-Arbeitsmappe (.xlsx) "
            "speichern und diese hochladen."
        )
    return Upload("csv-zip", _csv_members(infos))


def _check_members(infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(infos) > _MAX_MEMBERS:
        raise UploadRefused(f"Das Archiv enthält zu viele Dateien (über {_MAX_MEMBERS}).")
    unpacked = sum(info.file_size for info in infos)
    if unpacked > limits.unpacked:
        raise UploadRefused(
            f"Die Datei würde entpackt {unpacked / MB:,.0f} MB groß (höchstens "
            f"{limits.unpacked / MB:.0f} MB erlaubt). Sie wurde nicht geöffnet; nichts wurde "
            "gespeichert.",
            status=413,
        )
    for info in infos:
        if info.flag_bits & 0x1:
            raise UploadRefused("Das Archiv ist verschlüsselt; bitte ohne Passwort packen.")
        path = PurePosixPath(info.filename.replace("\\", "/"))
        if path.is_absolute() or ".." in path.parts:
            raise UploadRefused(
                "Das Archiv enthält einen Pfad, der aus dem Archiv hinausführt; es wurde "
                "nicht geöffnet."
            )


def _csv_members(infos: Iterable[zipfile.ZipInfo]) -> dict[str, str]:
    found: dict[str, str] = {}
    for info in infos:
        if info.is_dir():
            continue
        name = PurePosixPath(info.filename.replace("\\", "/")).name.lower()
        table = name.removesuffix(".csv")
        if not name.endswith(".csv") or table not in TABLES:
            continue
        if table in found:
            raise UploadRefused(
                f"Das Archiv enthält {table}.csv zweimal; bitte nur eine Eingabe je Archiv."
            )
        found[table] = info.filename
    if not found:
        raise UploadRefused(
            "Das Zip-Archiv enthält keine Eingabetabellen (schools.csv, students.csv, "
            "companies.csv, offers.csv, calendar.csv, ...). Bitte die Vorlage (.xlsx) oder "
            "ein Zip der CSV-Dateien hochladen."
        )
    return found


def install(upload: Upload, staged: Path, run_dir: Path, limits: Limits) -> Path:
    """Store the upload as the run's input; return the input's path."""
    if upload.kind == "workbook":
        target = run_dir / "input.xlsx"
        shutil.move(staged, target)
        return target
    target = run_dir / "input"
    target.mkdir()
    left = limits.unpacked
    with zipfile.ZipFile(staged) as archive:
        for table, member in upload.members.items():
            with archive.open(member) as source, (target / f"{table}.csv").open("wb") as out:
                while chunk := source.read(_CHUNK):
                    left -= len(chunk)
                    if left < 0:  # the directory's sizes are checked; this is a second belt
                        raise UploadRefused("Die Datei entpackt zu mehr als erlaubt.", 413)
                    out.write(chunk)
    return target
