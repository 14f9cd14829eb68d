"""Checks across the tables of a :class:`~kaoa_match.model.Problem`.

Each record checks its own fields (pydantic); everything that needs more than
one row lives here: unique IDs, references between files, date ranges and the
school calendars (section "Invalid input" of the data contract). Every
problem names the file, line and column of the row it is about, so a
planner can fix the CSV directly.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kaoa_match.calendar import WorkingDays
from kaoa_match.exceptions import InputError, InputProblem
from kaoa_match.model import (
    DEFAULT_FIELDS,
    LANGZEIT_DAYS,
    LEVELS,
    MIN_GROUP_KINDS,
    WEEKDAYS,
)

if TYPE_CHECKING:
    import datetime as dt

    from kaoa_match.model import CalendarEntry, Offer, Problem, Weekday

Sources = Mapping[str, tuple[str, Sequence[int]]]
"""Table name -> (file name, line of each row in problem order).

Without an entry a table reports as ``<table>.csv`` with row ``i`` on line
``i + 2``, as :func:`kaoa_match.io.write_problem` would write it.
"""

_ID_COLUMNS = {
    "schools": "school_id",
    "students": "student_id",
    "companies": "company_id",
    "offers": "offer_id",
    "fields": "field_id",
    "priorities": "level",
}


@dataclass(frozen=True)
class ValidationReport:
    """Errors (the input cannot be solved) and warnings (it looks wrong), sorted."""

    errors: list[InputProblem] = field(default_factory=list)
    warnings: list[InputProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def raise_if_errors(self) -> None:
        """Raise :class:`InputError` listing every error, if there is any."""
        if self.errors:
            raise InputError(self.errors)


def validate(
    problem: Problem,
    sources: Sources | None = None,
    *,
    known_ids: Mapping[str, Collection[str]] | None = None,
    absent: Collection[str] = (),
) -> ValidationReport:
    """Run every check across tables of ``problem``.

    ``known_ids`` adds IDs per table (``"students"``, ...) that count as
    existing although their rows are not in ``problem``: a reader drops rows
    with errors but should not then report every reference to them again.
    References into an ``absent`` table (its file missing or unreadable, which
    is reported already) are not checked at all.
    """
    checker = _Checker(problem, sources or {}, known_ids or {}, set(absent))
    checker.run()
    return ValidationReport(sorted(checker.errors), sorted(checker.warnings))


class _Checker:
    def __init__(
        self,
        problem: Problem,
        sources: Sources,
        known_ids: Mapping[str, Collection[str]],
        absent: set[str],
    ) -> None:
        self.problem = problem
        self.absent = absent
        self.sources = sources
        self.errors: list[InputProblem] = []
        self.warnings: list[InputProblem] = []
        self.ids: dict[str, set[str]] = {
            table: {getattr(row, column) for row in getattr(problem, table)}
            | set(known_ids.get(table, ()))
            for table, column in _ID_COLUMNS.items()
        }
        # per table: IDs without leading zeros -> the ID (for zero_hint)
        self.without_zeros: dict[str, dict[str, str]] = {}

    def run(self) -> None:
        self.check_unique_ids()
        self.check_references()
        self.check_interests()
        self.check_pairs()
        self.check_wishes()
        self.check_min_group()
        self.check_weekdays()
        self.check_participants()
        self.check_priorities()
        self.check_previous()
        self.check_date_order()
        self.check_calendar()
        self.warn_langzeit_offers_nobody_can_take()
        self.warn_students_without_calendar()

    # --- locating rows ---

    def file(self, table: str) -> str:
        source = self.sources.get(table)
        return source[0] if source else f"{table}.csv"

    def line(self, table: str, index: int) -> int:
        source = self.sources.get(table)
        return source[1][index] if source else index + 2

    def error(self, table: str, index: int, column: str, message: str) -> None:
        self.errors.append(InputProblem(self.file(table), self.line(table, index), column, message))

    def warn(self, table: str, index: int, column: str, message: str) -> None:
        self.warnings.append(
            InputProblem(self.file(table), self.line(table, index), column, message)
        )

    # --- IDs and references ---

    def check_unique_ids(self) -> None:
        for table, column in _ID_COLUMNS.items():
            values = [getattr(row, column) for row in getattr(self.problem, table)]
            for i, first in _repeats(values):
                where = self.line(table, first)
                message = f'duplicate {column} "{values[i]}" (first on line {where})'
                self.error(table, i, column, message)

    def unknown(self, target: str, value: str) -> str:
        """Message for a reference ``value`` that ``target``'s IDs do not hold."""
        if target == "fields" and self.problem.fields == DEFAULT_FIELDS:
            where = "not a built-in Berufsfeld; list your own in fields.csv"
        else:
            where = f"not in {self.file(target)}"
        return f'unknown {_ID_COLUMNS[target]} "{value}" ({where}){self.zero_hint(target, value)}'

    def zero_hint(self, target: str, value: str) -> str:
        """A hint when ``value`` and a known ID differ only in leading zeros
        (``0815`` against ``815``): Excel drops them from IDs stored as numbers."""
        if not value[:1].isdigit():
            return ""
        if target not in self.without_zeros:
            self.without_zeros[target] = {}
            for known in sorted(self.ids[target], reverse=True):
                if known[:1].isdigit():
                    self.without_zeros[target][known.lstrip("0")] = known
        twin = self.without_zeros[target].get(value.lstrip("0"))
        if twin is None or twin == value:
            return ""
        return (
            f'; {self.file(target)} has "{twin}": Excel drops leading zeros from IDs it '
            "stores as numbers; format the ID columns as text and enter the IDs again"
        )

    def check_refs(self, table: str, column: str, target: str) -> None:
        if target in self.absent:
            return
        known = self.ids[target]
        for i, row in enumerate(getattr(self.problem, table)):
            value = getattr(row, column)
            if value not in known:
                self.error(table, i, column, self.unknown(target, value))

    def check_optional_refs(self, table: str, column: str, target: str) -> None:
        """As :meth:`check_refs`, for a column whose cells may be empty."""
        if target in self.absent:
            return
        known = self.ids[target]
        for i, row in enumerate(getattr(self.problem, table)):
            value = getattr(row, column)
            if value is not None and value not in known:
                self.error(table, i, column, self.unknown(target, value))

    def check_references(self) -> None:
        self.check_refs("students", "school_id", "schools")
        self.check_refs("offers", "company_id", "companies")
        self.check_refs("offers", "field_id", "fields")
        self.check_refs("calendar", "school_id", "schools")
        self.check_refs("interests", "student_id", "students")
        self.check_refs("interests", "field_id", "fields")
        self.check_refs("travel", "company_id", "companies")
        self.check_refs("pairs", "student_a", "students")
        self.check_refs("pairs", "student_b", "students")
        self.check_optional_refs("wishes", "student_id", "students")
        self.check_optional_refs("wishes", "offer_id", "offers")
        self.check_optional_refs("wishes", "company_id", "companies")
        self.check_optional_refs("wishes", "field_id", "fields")
        self.check_refs("participants", "student_id", "students")
        if self.absent & {"students", "schools"}:
            return
        origins = self.ids["students"] | self.ids["schools"]
        for i, row in enumerate(self.problem.travel):
            if row.origin_id not in origins:
                origin = row.origin_id
                message = f'unknown origin_id "{origin}" (neither a student nor a school)'
                self.error("travel", i, "origin_id", message)

    def check_interests(self) -> None:
        rows = self.problem.interests
        for i, first in _repeats([(r.student_id, r.field_id) for r in rows]):
            row = rows[i]
            message = (
                f'second score for student "{row.student_id}" and field '
                f'"{row.field_id}" (first on line {self.line("interests", first)})'
            )
            self.error("interests", i, "field_id", message)

    def check_pairs(self) -> None:
        for i, row in enumerate(self.problem.pairs):
            if row.student_a == row.student_b:
                message = f'student "{row.student_a}" is paired with itself'
                self.error("pairs", i, "student_b", message)

    def check_wishes(self) -> None:
        """A wish names exactly one target; a student's ranks are unique."""
        wishes = self.problem.wishes
        for i, wish in enumerate(wishes):
            targets = wish.targets
            if len(targets) != 1:
                named = ", ".join(targets) or "none of them"
                message = (
                    "a wish names exactly one of offer_id, company_id, field_id "
                    f"(this row: {named})"
                )
                self.error("wishes", i, next(iter(targets), "offer_id"), message)
        for i, first in _repeats([(w.student_id, w.rank) for w in wishes]):
            wish = wishes[i]
            message = (
                f'second wish of rank {wish.rank} for student "{wish.student_id}" '
                f"(first on line {self.line('wishes', first)})"
            )
            self.error("wishes", i, "rank", message)

    def check_min_group(self) -> None:
        """``min_group`` only for BFE and Praxiskurs offers, and no larger than ``capacity``."""
        allowed = " and ".join(MIN_GROUP_KINDS)
        for i, offer in enumerate(self.problem.offers):
            if offer.min_group is None:
                continue
            if offer.kind not in MIN_GROUP_KINDS:
                message = (
                    f"min_group {offer.min_group} on a {offer.kind} offer: a minimum group "
                    f"size is for {allowed} offers only; leave the cell empty"
                )
                self.error("offers", i, "min_group", message)
            elif offer.min_group > offer.capacity:
                message = (
                    f"min_group {offer.min_group} is above capacity {offer.capacity}: "
                    "the group could never run"
                )
                self.error("offers", i, "min_group", message)

    def check_weekdays(self) -> None:
        """``weekdays`` only on Langzeitpraktikum rows, where an offer needs them."""
        for table in ("offers", "calendar", "previous"):
            what = {"offers": "offer", "calendar": "calendar row", "previous": "row"}[table]
            for i, row in enumerate(getattr(self.problem, table)):
                if row.weekdays and row.kind != "langzeit":
                    message = (
                        f"weekdays {_weekdays(row.weekdays)} on a {row.kind} {what}: weekdays "
                        "are for langzeit rows only; leave the cell empty"
                    )
                    self.error(table, i, "weekdays", message)
        for i, offer in enumerate(self.problem.offers):
            if offer.kind == "langzeit" and not offer.weekdays:
                message = (
                    "a langzeit offer needs weekdays: the days the company takes "
                    "Langzeitpraktikum students, e.g. di|do"
                )
                self.error("offers", i, "weekdays", message)

    def check_participants(self) -> None:
        """A participant of a kind the school and grade have no calendar row for
        is a warning (nothing to place); a student listed twice for a kind too."""
        rows = self.problem.participants
        grade_of = {st.student_id: (st.school_id, st.grade) for st in self.problem.students}
        planned = {(e.school_id, e.grade, e.kind) for e in self.problem.calendar}
        for i, first in _repeats([(p.student_id, p.kind) for p in rows]):
            message = (
                f'student "{rows[i].student_id}" is listed for {rows[i].kind} twice '
                f"(first on line {self.line('participants', first)})"
            )
            self.warn("participants", i, "student_id", message)
        for i, row in enumerate(rows):
            if row.student_id not in grade_of or "calendar" in self.absent:
                continue  # an unknown student is an error already
            school, grade = grade_of[row.student_id]
            if (school, grade, row.kind) not in planned:
                message = (
                    f'student "{row.student_id}" takes part in {row.kind}, but school '
                    f"{school} has no {row.kind} calendar row for grade {grade}: "
                    "nothing to place"
                )
                self.warn("participants", i, "kind", message)

    def check_priorities(self) -> None:
        """Given priorities list each level once (a level twice is a duplicate
        ID); a tolerance on the last level is a warning, as nothing below uses it."""
        rows = self.problem.priorities
        if not rows:
            return  # the default order
        missing = [f'"{level}"' for level in LEVELS if level not in self.ids["priorities"]]
        if missing:
            if len(missing) == 1:
                what = f"level {missing[0]} is missing"
            else:
                what = f"levels {', '.join(missing)} are missing"
            message = f"{what}: list each of the {len(LEVELS)} levels once ({', '.join(LEVELS)})"
            self.errors.append(InputProblem(self.file("priorities"), 0, "level", message))
        last = rows[-1]
        if last.tolerance > 0:
            message = (
                f"tolerance {last.tolerance:g} on the last level has no effect: "
                "no level below it can use what it gives up"
            )
            self.warn("priorities", len(rows) - 1, "tolerance", message)

    def check_previous(self) -> None:
        """A row whose student or offer is gone: a warning, an error when locked."""
        for i, row in enumerate(self.problem.previous):
            for column, target in (("student_id", "students"), ("offer_id", "offers")):
                value = getattr(row, column)
                if target in self.absent or value in self.ids[target]:
                    continue
                gone = f'{column} "{value}" is not in {self.file(target)}'
                if row.status == "locked":
                    self.error("previous", i, column, f"locked row: {gone}")
                else:
                    self.warn("previous", i, column, f"{gone}; the row is ignored")

    # --- dates and calendars ---

    def check_date_order(self) -> None:
        for table in ("offers", "calendar", "previous"):
            for i, row in enumerate(getattr(self.problem, table)):
                if row.end_date is not None and row.end_date < row.start_date:
                    message = f"{row.end_date} is before start_date {row.start_date}"
                    self.error(table, i, "end_date", message)

    def check_calendar(self) -> None:
        working = WorkingDays.for_problem(self.problem)
        bfe_days: dict[tuple[str, int], int] = {}
        first_rows: dict[tuple[str, int, str], int] = {}
        for i, entry in enumerate(self.problem.calendar):
            if entry.end_date is not None and entry.end_date < entry.start_date:
                continue  # reported by check_date_order
            if entry.kind == "bfe":
                self.check_bfe_row(i, entry, working, bfe_days)
                continue
            self.check_one_row_per_school_and_grade(i, entry, first_rows)
            if entry.kind == "praktikum":
                self.check_praktikum_row(i, entry, working)
            elif entry.kind == "langzeit":
                self.check_langzeit_row(i, entry)

    def check_bfe_row(
        self,
        i: int,
        entry: CalendarEntry,
        working: WorkingDays,
        first_row: dict[tuple[str, int], int],
    ) -> None:
        if entry.end_date is None:
            why = working.why_not_working(entry.start_date)
            if why is not None:
                message = f"{entry.start_date} is not a working day ({why})"
                self.error("calendar", i, "start_date", message)
        elif not working.between(entry.start_date, entry.end_date):
            message = f"{_span(entry.start_date, entry.end_date)} holds no working day"
            self.error("calendar", i, "start_date", message)
        key = (entry.school_id, entry.grade)
        if key not in first_row:
            first_row[key] = i
            return
        first = self.problem.calendar[first_row[key]]
        if first.needed_days != entry.needed_days:
            message = (
                f"days {entry.needed_days} disagrees with days {first.needed_days} "
                f"on line {self.line('calendar', first_row[key])} "
                f"(bfe, school {entry.school_id}, grade {entry.grade})"
            )
            self.error("calendar", i, "days", message)

    def check_one_row_per_school_and_grade(
        self, i: int, entry: CalendarEntry, first_row: dict[tuple[str, int, str], int]
    ) -> None:
        """A Praktikum window, a Praxiskurs window, a Langzeitpraktikum period:
        one row per school and grade."""
        key = (entry.school_id, entry.grade, entry.kind)
        if key not in first_row:
            first_row[key] = i
            return
        where = self.line("calendar", first_row[key])
        message = (
            f"second {entry.kind} row for school {entry.school_id} "
            f"grade {entry.grade} (first on line {where})"
        )
        self.error("calendar", i, "kind", message)

    def check_praktikum_row(self, i: int, entry: CalendarEntry, working: WorkingDays) -> None:
        holds = len(working.between(entry.start_date, entry.last_date))
        if holds < entry.needed_days:
            message = (
                f"window {_span(entry.start_date, entry.last_date)} holds {holds} "
                f"working days, fewer than the block of {entry.needed_days}"
            )
            self.error("calendar", i, "days", message)

    def check_langzeit_row(self, i: int, entry: CalendarEntry) -> None:
        """1 or 2 days a week, and no more than the weekdays the school allows."""
        days, allowed = entry.needed_days, entry.allowed_weekdays
        if days not in LANGZEIT_DAYS:
            message = f"days {days} on a langzeit row: a Langzeitpraktikum is 1 or 2 days a week"
            self.error("calendar", i, "days", message)
        elif days > len(allowed):
            message = (
                f"days {days} on a langzeit row, but the school allows only "
                f"{_weekdays(allowed)}: list at least {days} weekdays"
            )
            self.error("calendar", i, "days", message)

    def warn_langzeit_offers_nobody_can_take(self) -> None:
        """A Langzeitpraktikum offer takes a school's participants only when its
        period contains the school's period and they share enough weekdays."""
        periods = [e for e in self.problem.calendar if e.kind == "langzeit"]
        for i, offer in enumerate(self.problem.offers):
            if offer.kind != "langzeit" or not offer.weekdays:
                continue
            inside = [e for e in periods if _contains(offer, e)]
            span = _span(offer.start_date, offer.last_date)
            if not inside:
                message = (
                    f"no school's Langzeitpraktikum period lies within {span}: "
                    "nobody can take this offer"
                )
                self.warn("offers", i, "start_date", message)
            elif not any(len(offer.weekdays & e.allowed_weekdays) >= e.needed_days for e in inside):
                message = (
                    f"no school whose Langzeitpraktikum period lies within {span} allows "
                    f"enough of the weekdays {_weekdays(offer.weekdays)}: nobody can take "
                    "this offer"
                )
                self.warn("offers", i, "weekdays", message)

    def warn_students_without_calendar(self) -> None:
        planned = {(e.school_id, e.grade) for e in self.problem.calendar}
        schools = self.ids["schools"]
        for i, st in enumerate(self.problem.students):
            if (st.school_id, st.grade) not in planned and st.school_id in schools:
                message = (
                    f"needs no placement: no calendar row for school {st.school_id} "
                    f"grade {st.grade}"
                )
                self.warn("students", i, "grade", message)


def _repeats(keys: Sequence[Hashable]) -> Iterator[tuple[int, int]]:
    """(row, first row with the same key) for every row whose key came before."""
    first: dict[Hashable, int] = {}
    for i, key in enumerate(keys):
        if key in first:
            yield i, first[key]
        else:
            first[key] = i


def _span(first: dt.date, last: dt.date) -> str:
    return f"{first} to {last}"


def _weekdays(days: Collection[Weekday]) -> str:
    """``di|do``: the weekdays as a cell writes them, Monday first."""
    return "|".join(day for day in WEEKDAYS if day in days)


def _contains(offer: Offer, entry: CalendarEntry) -> bool:
    """Whether the offer's period contains the school's period."""
    return offer.start_date <= entry.start_date and entry.last_date <= offer.last_date
