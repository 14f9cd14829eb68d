"""The cell format of the input files: which columns each file has, and how a
cell is parsed and written.

One place for the layout keeps the reader and :func:`write_problem` in step
with the data contract (``shared/spec/format.md``). Column names equal the
field names of the records in :mod:`kaoa_match.model`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kaoa_match.model import (
    KINDS,
    LEVELS,
    MAX_TOLERANCE,
    PARTICIPANT_KINDS,
    WEEKDAYS,
    Berufsfeld,
    CalendarEntry,
    Company,
    ExtraHoliday,
    Interest,
    Offer,
    Pair,
    Participant,
    PreviousAssignment,
    Priority,
    School,
    Student,
    TravelTime,
    Wish,
)

if TYPE_CHECKING:
    from pydantic import BaseModel


WITHHELD = "value withheld: personal data"
"""Said instead of the value of a personal cell in messages."""


class CellError(ValueError):
    """A cell that cannot be read.

    ``str()`` quotes the cell's text (``"8.5" is not a whole number``);
    ``problem`` says what is wrong without it (``not a whole number``), for
    cells holding a student's personal data (see :meth:`describe`).
    """

    def __init__(self, message: str, problem: str) -> None:
        super().__init__(message)
        self.problem = problem

    @classmethod
    def about(cls, text: str, problem: str) -> CellError:
        """``"<text>" is <problem>``."""
        return cls(f'"{text}" is {problem}', problem)

    def describe(self, personal: bool) -> str:
        """The message, with the value withheld when the cell is ``personal``."""
        return f"{self.problem} ({WITHHELD})" if personal else str(self)


Parser = Callable[[str], object]


# --- parsing ---------------------------------------------------------------

_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")
_INTEGER = re.compile(r"[+-]?\d+")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?")
_GERMAN_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")


def parse_text(text: str) -> str:
    return text


def parse_float(text: str) -> float:
    """A decimal number; ``51.2`` and ``51,2`` (German decimal comma) alike."""
    if not _NUMBER.fullmatch(text):
        raise CellError.about(text, "not a number")
    value = float(text.replace(",", "."))
    if not math.isfinite(value):
        raise CellError.about(text, "not a number")
    return value


def parse_whole(text: str) -> int:
    """A whole number; ``8.0`` as some spreadsheets write it counts too."""
    if _INTEGER.fullmatch(text):
        return int(text)
    try:
        value = parse_float(text)
    except CellError:
        value = math.nan
    if not value.is_integer():
        raise CellError.about(text, "not a whole number")
    return int(value)


def _check_range(text: str, value: float, lo: float | None, hi: float | None) -> None:
    if lo is not None and hi is not None and not lo <= value <= hi:
        raise CellError.about(text, f"not between {lo:g} and {hi:g}")
    if lo is not None and value < lo:
        raise CellError.about(text, f"below {lo:g}")


@dataclass(frozen=True)
class Whole:
    """Parser of a whole number in ``[lo, hi]`` (a bound of None: open)."""

    lo: int | None = None
    hi: int | None = None

    def __call__(self, text: str) -> int:
        value = parse_whole(text)
        _check_range(text, value, self.lo, self.hi)
        return value


@dataclass(frozen=True)
class Number:
    """Parser of a decimal number in ``[lo, hi]`` (a bound of None: open)."""

    lo: float | None = None
    hi: float | None = None

    def __call__(self, text: str) -> float:
        value = parse_float(text)
        _check_range(text, value, self.lo, self.hi)
        return value


def whole(lo: int | None = None, hi: int | None = None) -> Parser:
    """Parser of a whole number in ``[lo, hi]``."""
    return Whole(lo, hi)


def number(lo: float | None = None, hi: float | None = None) -> Parser:
    """Parser of a decimal number in ``[lo, hi]``."""
    return Number(lo, hi)


def parse_date(text: str) -> dt.date:
    """ISO ``2026-10-14`` or German ``14.10.2026``; the day must exist."""
    if match := _ISO_DATE.fullmatch(text):
        year, month, day = match.groups()
    elif match := _GERMAN_DATE.fullmatch(text):
        day, month, year = match.groups()
    else:
        raise CellError.about(text, "not a date (write 2026-10-14 or 14.10.2026)")
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        raise CellError.about(text, "not an existing date") from None


@dataclass(frozen=True)
class Choice:
    """Parser of one of ``values``; upper or lower case alike.

    A class, not a closure, so that a workbook template can offer the values
    as a dropdown.
    """

    values: tuple[str, ...]

    def __call__(self, text: str) -> str:
        value = text.lower()
        if value not in self.values:
            raise CellError.about(text, f"not one of {', '.join(self.values)}")
        return value


@dataclass(frozen=True)
class ParticipantKind(Choice):
    """Parser of a ``participants.csv`` kind: one of ``values``; a kind that
    every student of a planned school and grade takes (``refused``) gets a
    message that says so."""

    refused: tuple[str, ...] = ()

    def __call__(self, text: str) -> str:
        if text.lower() in self.refused:
            raise CellError.about(
                text,
                "not a kind to list here: every student whose school and grade have a "
                f"{text.lower()} calendar row takes part; participants.csv lists "
                f"{' and '.join(self.values)} only",
            )
        return super().__call__(text)


def choice(*values: str) -> Parser:
    """Parser of one of ``values``; upper or lower case alike."""
    return Choice(values)


def split_list(text: str) -> list[str]:
    """``a | b||c`` -> ``["a", "b", "c"]``: items stripped, empty items dropped."""
    return [item for item in (part.strip() for part in text.split("|")) if item]


def parse_tags(text: str) -> frozenset[str]:
    return frozenset(split_list(text))


def parse_grades(text: str) -> frozenset[int]:
    grades = set()
    for item in split_list(text):
        try:
            grades.add(parse_whole(item))
        except CellError:
            message = f'"{text}": "{item}" is not a whole number'
            raise CellError(message, "a list with an item that is not a whole number") from None
    return frozenset(grades)


def parse_weekdays(text: str) -> frozenset[str]:
    """``di|do`` -> ``{"di", "do"}``: Monday to Friday as ``mo``, ``di``, ``mi``,
    ``do``, ``fr``; upper or lower case alike."""
    days = set()
    for item in split_list(text):
        if item.lower() not in WEEKDAYS:
            message = f'"{text}": "{item}" is not a weekday (write {", ".join(WEEKDAYS)})'
            raise CellError(message, "a list with an item that is not a weekday")
        days.add(item.lower())
    return frozenset(days)


# --- layout ----------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of an input file.

    ``optional`` is the spec's ``?``: the column may be missing and its cells
    empty. A required free-text column (``name``) must exist but its cells
    may be empty (``may_be_empty``); every other required cell must be given.
    ``personal``: the cells hold a student's personal data, which messages
    never quote (the student_id is pseudonymous and may be named).
    """

    name: str
    parse: Parser
    optional: bool = False
    may_be_empty: bool = False
    personal: bool = False


@dataclass(frozen=True)
class Layout:
    """The file name, record type and columns (in spec order) of one table."""

    table: str
    record: type[BaseModel]
    columns: tuple[Column, ...]
    required_file: bool = False

    @property
    def file_name(self) -> str:
        return f"{self.table}.csv"

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _id(name: str, optional: bool = False) -> Column:
    return Column(name, parse_text, optional=optional)


def _text(name: str) -> Column:
    return Column(name, parse_text, may_be_empty=True)


def _opt(name: str, parse: Parser) -> Column:
    return Column(name, parse, optional=True)


def _personal(name: str, parse: Parser, optional: bool = True) -> Column:
    return Column(name, parse, optional=optional, personal=True)


_KIND = choice(*KINDS)
_PARTICIPANT_KIND = ParticipantKind(
    PARTICIPANT_KINDS, refused=tuple(k for k in KINDS if k not in PARTICIPANT_KINDS)
)
_WEEKDAYS = _opt("weekdays", parse_weekdays)
_LAT = number(-90, 90)
_LON = number(-180, 180)
_MINUTES = whole(0)
_DATE = Column("start_date", parse_date)

LAYOUTS: dict[str, Layout] = {
    layout.table: layout
    for layout in (
        Layout(
            "schools",
            School,
            (
                _id("school_id"),
                _text("name"),
                _text("school_type"),
                Column("lat", _LAT),
                Column("lon", _LON),
                _opt("max_travel_min", _MINUTES),
            ),
            required_file=True,
        ),
        Layout(
            "students",
            Student,
            (
                _id("student_id"),
                _id("school_id"),
                Column("grade", parse_whole),
                _personal("birth_date", parse_date),
                _personal("home_lat", _LAT),
                _personal("home_lon", _LON),
                _opt("max_travel_min", _MINUTES),
                _personal("needs", parse_tags),
                _personal("qualifications", parse_tags),
            ),
            required_file=True,
        ),
        Layout(
            "companies",
            Company,
            (
                _id("company_id"),
                _text("name"),
                Column("lat", _LAT),
                Column("lon", _LON),
                Column("provider_type", choice("betrieb", "traeger")),
                _opt("provides", parse_tags),
                _opt("requires", parse_tags),
                _opt("min_age", whole(0)),
            ),
            required_file=True,
        ),
        Layout(
            "offers",
            Offer,
            (
                _id("offer_id"),
                _id("company_id"),
                _id("field_id"),
                Column("kind", _KIND),
                _DATE,
                _opt("end_date", parse_date),
                Column("capacity", whole(0)),
                _opt("grades", parse_grades),
                _opt("school_types", parse_tags),
                _opt("min_group", whole(1)),
                _WEEKDAYS,
            ),
            required_file=True,
        ),
        Layout(
            "calendar",
            CalendarEntry,
            (
                _id("school_id"),
                Column("kind", _KIND),
                Column("grade", parse_whole),
                _DATE,
                _opt("end_date", parse_date),
                _opt("days", whole(0)),
                _WEEKDAYS,
            ),
            required_file=True,
        ),
        Layout(
            "interests",
            Interest,
            (
                _id("student_id"),
                _id("field_id"),
                # a Potenzialanalyse result
                _personal("score", whole(0, 100), optional=False),
            ),
        ),
        Layout("fields", Berufsfeld, (_id("field_id"), _text("name"))),
        Layout("holidays", ExtraHoliday, (Column("date", parse_date), _text("name"))),
        Layout(
            "travel",
            TravelTime,
            (_id("origin_id"), _id("company_id"), Column("minutes", number(0))),
        ),
        Layout(
            "previous",
            PreviousAssignment,
            (
                _id("student_id"),
                _id("school_id", optional=True),
                Column("kind", _KIND),
                _id("offer_id"),
                _id("company_id", optional=True),
                _id("field_id", optional=True),
                _DATE,
                _opt("end_date", parse_date),
                _opt("travel_min", number()),
                _opt("score", number()),
                _WEEKDAYS,
                _opt("status", choice("locked", "published")),
            ),
        ),
        Layout(
            "pairs",
            Pair,
            (
                _id("student_a"),
                _id("student_b"),
                Column("relation", choice("apart", "together")),
            ),
        ),
        Layout(
            "wishes",
            Wish,
            (
                _id("student_id"),
                Column("rank", whole(1, 5)),
                _id("offer_id", optional=True),
                _id("company_id", optional=True),
                _id("field_id", optional=True),
            ),
        ),
        Layout("participants", Participant, (_id("student_id"), Column("kind", _PARTICIPANT_KIND))),
        Layout(
            "priorities",
            Priority,
            (
                Column("level", choice(*LEVELS)),
                _opt("tolerance", number(0, MAX_TOLERANCE)),
            ),
        ),
    )
}
"""Every input file of the contract, in the order of the spec's table."""

ID_COLUMNS: dict[str, str] = {
    "schools": "school_id",
    "students": "student_id",
    "companies": "company_id",
    "offers": "offer_id",
    "fields": "field_id",
    "priorities": "level",
}
"""The ID column of each table whose IDs must be unique."""


# --- writing ---------------------------------------------------------------


def format_float(value: float, german: bool = False) -> str:
    """Shortest text that reads back as ``value``; ``7.0`` -> ``7``."""
    text = str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return text.replace(".", ",") if german else text


def format_date(value: dt.date, german: bool = False) -> str:
    if german:
        return f"{value.day:02d}.{value.month:02d}.{value.year:04d}"
    return value.isoformat()


def format_cell(value: object, german: bool = False) -> str:
    """One cell as the contract writes it: empty for None, ``|``-joined sorted lists."""
    if value is None:
        return ""
    if isinstance(value, bool):
        raise TypeError("no column of the contract holds a bool")
    if isinstance(value, float):
        return format_float(value, german)
    if isinstance(value, dt.date):
        return format_date(value, german)
    if isinstance(value, frozenset | set):
        return "|".join(str(item) for item in _in_order(value))
    return str(value)


def _in_order(items: frozenset[object] | set[object]) -> list[object]:
    """A list cell's items sorted; weekdays Monday first (``mo|di``, not ``di|mo``)."""
    if items and items <= set(WEEKDAYS):
        return [day for day in WEEKDAYS if day in items]
    return sorted(items)  # type: ignore[type-var]
