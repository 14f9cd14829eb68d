"""``plan.xlsx``: the plan as lists a school or a company works with.

Sheets, in order (titles and headers in the current language, German by
default: ``Übersicht``, the schools, ``Betriebslisten``, ``Praxiskurse``,
``Langzeitpraktikum``, ``Fehlende Plätze``):

- ``Summary``: the headline figures, each level's value and bound, and the
  comparison with portal booking.
- one sheet per school: the class list, one row per student of the school,
  with each BFE day (date, company, Berufsfeld, travel), the Praktikum
  block, the courses and the Langzeitpraktikum (where the school has them),
  and what is missing.
- ``Rosters``: per company, offer and date (or block), how many students come
  and which (by ``student_id``).
- ``Courses`` (where the plan has Praxiskurse): per Träger or company, one
  block per course: its dates, Berufsfeld, seats, and a row per participant
  with the school.
- ``Langzeitpraktikum`` (where the plan has any): per company and weekday,
  who goes there, from which school, over which period.
- ``Unplaced``: each student short of a placement, with the reason.

The ID columns keep the input's names (``student_id``, ``school_id``,
``company_id``, ``offer_id``), which the input workbook's Hilfe sheet explains.

Every sheet has a frozen, filterable header row and fitted column widths;
dates are real date cells shown as ``TT.MM.JJJJ``. Students appear by
``student_id`` (and class, when the students table has a ``class`` column) only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from kaoa_match.exceptions import InputError
from kaoa_match.i18n import _, ngettext, span_text
from kaoa_match.io.inputs import load_table
from kaoa_match.labels import (
    kind_text,
    level_text,
    status_text,
    weekday_list,
    weekday_rank,
    weekday_text,
    weekdays_text,
)
from kaoa_match.wishes import granted_wishes

if TYPE_CHECKING:
    from collections.abc import Hashable, Mapping, Sequence

    import pandas as pd
    from openpyxl.worksheet.worksheet import Worksheet

    from kaoa_match.baselines import BaselineResult
    from kaoa_match.model import Problem
    from kaoa_match.report.data import Headline

GERMAN_DATE = "DD.MM.YYYY"
"""Excel's code for a date shown as TT.MM.JJJJ in a German Excel."""
CLASS_COLUMNS = ("class", "klasse")
"""Column names of ``students.csv`` read as the student's class (not part of the contract)."""
_MAX_WIDTH = 60
_HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
_SHEET_NAME_CHARS = 31  # Excel's limit
_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def write_workbook(
    path: str | Path,
    problem: Problem,
    assignments: pd.DataFrame,
    unassigned: pd.DataFrame,
    summary: Mapping[str, Any],
    baseline: BaselineResult | None = None,
    classes: Mapping[str, str] | None = None,
) -> None:
    """Write ``plan.xlsx`` for a plan of ``problem`` to ``path`` (see the module)."""
    # imported here: kaoa_match.report imports this module
    from kaoa_match.report.data import headline, normalise_assignments, normalise_unassigned

    assignments = normalise_assignments(assignments)
    unassigned = normalise_unassigned(unassigned)
    book = Workbook()
    first = book.active
    assert first is not None  # a new workbook always has one sheet
    book.remove(first)
    h = headline(problem, assignments, unassigned, summary)
    summary_title, rosters_title, unplaced_title = _("Summary"), _("Rosters"), _("Unplaced")
    _summary_sheet(book.create_sheet(summary_title), _summary_rows(h, baseline))
    used = {summary_title.lower(), rosters_title.lower(), unplaced_title.lower()}
    by_student = _ByStudent.of(assignments, unassigned)
    wished = _wishes_text(problem, assignments)
    for school in problem.schools:
        title = _sheet_title(f"{school.school_id} {school.name}".strip(), used)
        rows = _class_list(problem, school.school_id, by_student, classes or {}, wished)
        _fill(book.create_sheet(title), rows)
    _fill(book.create_sheet(rosters_title), _rosters(problem, assignments))
    kinds = set(assignments["kind"]) | set(unassigned["kind"])
    if "praxiskurs" in kinds:
        title = _sheet_title(_("Courses"), used)
        _course_sheet(book.create_sheet(title), _course_blocks(problem, assignments))
    if "langzeit" in kinds:
        title = _sheet_title(_("Langzeitpraktikum"), used)
        _fill(book.create_sheet(title), _langzeit_days(problem, assignments))
    _fill(book.create_sheet(unplaced_title), _unplaced(problem, unassigned))
    book.save(Path(path))


def read_classes(source: str | Path | None) -> dict[str, str]:
    """``student_id -> class`` from a ``class`` or ``Klasse`` column of the
    students table of the input (directory or workbook), if it has one."""
    if not source:
        return {}
    try:
        raw = load_table(source, "students")
    except InputError:  # an input that moved or broke since: plan without classes
        return {}
    if raw is None:
        return {}
    header = [h.strip().lower() for h in raw.header]
    if "student_id" not in header:
        return {}
    column = next((header.index(c) for c in CLASS_COLUMNS if c in header), None)
    if column is None:
        return {}
    sid = header.index("student_id")
    return {
        cells[sid].strip(): cells[column].strip()
        for _line, cells in raw.rows
        if len(cells) > max(sid, column) and cells[column].strip()
    }


# --------------------------------------------------------------------------
# Sheets as rows (the first row is the header)


Row = list[Any]
Record = dict["Hashable", Any]  # one row of a DataFrame, as ``to_dict("records")`` gives it


@dataclass(frozen=True)
class _ByStudent:
    """The plan's rows per student, built once for all class lists."""

    bfe: dict[str, list[Record]]  # BFE rows by date
    block: dict[str, Record]  # the Praktikum row
    courses: dict[str, list[Record]]  # Praxiskurs rows by date
    langzeit: dict[str, Record]  # the Langzeitpraktikum row
    bfe_needed: dict[str, int]  # BFE days placed plus missing
    short: dict[str, set[str]]  # kinds a student is short of
    missing: dict[str, str]  # what is missing, in words

    @classmethod
    def of(cls, assignments: pd.DataFrame, unassigned: pd.DataFrame) -> _ByStudent:
        bfe: dict[str, list[Record]] = {}
        block: dict[str, Record] = {}
        courses: dict[str, list[Record]] = {}
        langzeit: dict[str, Record] = {}
        for row in assignments.sort_values("start_date").to_dict("records"):
            if row["kind"] == "bfe":
                bfe.setdefault(row["student_id"], []).append(row)
            elif row["kind"] == "praxiskurs":
                courses.setdefault(row["student_id"], []).append(row)
            elif row["kind"] == "langzeit":
                langzeit[row["student_id"]] = row
            else:
                block[row["student_id"]] = row
        needed = {sid: len(rows) for sid, rows in bfe.items()}
        short: dict[str, set[str]] = {}
        for sid, kind, n in zip(
            unassigned["student_id"], unassigned["kind"], unassigned["missing"], strict=True
        ):
            short.setdefault(sid, set()).add(kind)
            if kind == "bfe":
                needed[sid] = needed.get(sid, 0) + int(n)
        return cls(bfe, block, courses, langzeit, needed, short, _missing_text(unassigned))


def _class_list(
    problem: Problem,
    school_id: str,
    plan: _ByStudent,
    classes: Mapping[str, str],
    wished: Mapping[str, tuple[str, str]],
) -> list[Row]:
    students = [s for s in problem.students if s.school_id == school_id]
    ids = [s.student_id for s in students]
    has_class = any(sid in classes for sid in ids)
    bfe_days = max([plan.bfe_needed.get(sid, 0) for sid in ids] + [0])
    with_block = any(sid in plan.block or "praktikum" in plan.short.get(sid, ()) for sid in ids)
    header: Row = ["student_id", *([_("class")] if has_class else []), _("grade")]
    for k in range(1, bfe_days + 1):
        header += [
            _("BFE {k} date").format(k=k),
            _("BFE {k} company").format(k=k),
            _("BFE {k} Berufsfeld").format(k=k),
            _("BFE {k} min").format(k=k),
        ]
    if with_block:
        header += [_("Praktikum from"), _("Praktikum to"), _("Praktikum company")]
        header += [_("Praktikum Berufsfeld"), _("Praktikum min")]
    with_courses = any(
        sid in plan.courses or "praxiskurs" in plan.short.get(sid, ()) for sid in ids
    )
    with_langzeit = any(
        sid in plan.langzeit or "langzeit" in plan.short.get(sid, ()) for sid in ids
    )
    header += [_("Praxiskurse")] if with_courses else []
    header += [_("Langzeitpraktikum")] if with_langzeit else []
    header.append(_("missing"))
    has_wishes = any(sid in wished for sid in ids)
    if has_wishes:
        header += [_("wishes granted"), _("wishes not granted")]
    names = _company_names(problem)
    fields = {f.field_id: f.name or f.field_id for f in problem.fields}
    order = sorted(students, key=lambda s: (classes.get(s.student_id, ""), s.grade, s.student_id))
    rows = [header]
    for student in order:
        sid = student.student_id
        row: Row = [sid, *([classes.get(sid)] if has_class else []), student.grade]
        cells: Row = []
        for r in plan.bfe.get(sid, []):
            company, field = names[r["company_id"]], fields.get(r["field_id"])
            cells += [r["start_date"], company, field, r["travel_min"]]
        row += cells + [None] * (4 * bfe_days - len(cells))
        if with_block:
            b = plan.block.get(sid)
            if b is None:
                row += [None] * 5
            else:
                row += [b["start_date"], b["end_date"], names[b["company_id"]]]
                row += [fields.get(b["field_id"]), b["travel_min"]]
        if with_courses:
            texts = [_course_text(r, names, fields) for r in plan.courses.get(sid, [])]
            row.append("; ".join(texts) or None)
        if with_langzeit:
            lz = plan.langzeit.get(sid)
            row.append(None if lz is None else _langzeit_text(lz, names, fields))
        row.append(plan.missing.get(sid))
        if has_wishes:
            row += [text or None for text in wished.get(sid, ("", ""))]
        rows.append(row)
    return rows


def _course_text(row: Record, names: Mapping[str, str], fields: Mapping[str, str]) -> str:
    """``01.02.2027 to 03.02.2027 Bildungszentrum Olpe (Metall, Maschinenbau)``."""
    return _("{span} {company} ({field})").format(
        span=span_text(row["start_date"], row["end_date"]),
        company=names.get(row["company_id"], row["company_id"]),
        field=fields.get(row["field_id"], row["field_id"]),
    )


def _langzeit_text(row: Record, names: Mapping[str, str], fields: Mapping[str, str]) -> str:
    """``Tuesday, Thursday at Praxis Olpe 12 (Gesundheit), 02.11.2026 to 25.06.2027``."""
    return _("{weekdays} at {company} ({field}), {span}").format(
        weekdays=weekdays_text(row.get("weekdays")),
        company=names.get(row["company_id"], row["company_id"]),
        field=fields.get(row["field_id"], row["field_id"]),
        span=span_text(row["start_date"], row["end_date"]),
    )


def _wishes_text(problem: Problem, assignments: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """Per student with wishes: (granted, not granted), each as "rank: target; ..."."""
    names = _company_names(problem)
    fields = {f.field_id: f.name or f.field_id for f in problem.fields}
    offers = {o.offer_id: o for o in problem.offers}
    texts: dict[str, tuple[list[str], list[str]]] = {}
    wishes = granted_wishes(problem, assignments).sort_values(["student_id", "rank"])
    for sid, rank, target, value, granted in zip(
        wishes["student_id"],
        wishes["rank"],
        wishes["target"],
        wishes["target_id"],
        wishes["granted"],
        strict=True,
    ):
        if target == "offer":
            offer = offers[value]
            what = f"{names[offer.company_id]}, {fields.get(offer.field_id)} ({value})"
        else:
            what = (
                names[value]
                if target == "company"
                else _("Berufsfeld {field}").format(field=fields.get(value))
            )
        texts.setdefault(sid, ([], []))[0 if granted else 1].append(f"{rank}: {what}")
    return {sid: ("; ".join(yes), "; ".join(no)) for sid, (yes, no) in texts.items()}


def _missing_text(short: pd.DataFrame) -> dict[str, str]:
    texts: dict[str, list[str]] = {}
    for sid, kind, n, reason in zip(
        short["student_id"], short["kind"], short["missing"], short["reason"], strict=True
    ):
        if kind == "bfe":
            text = ngettext("{n} BFE day: {reason}", "{n} BFE days: {reason}", int(n))
        elif kind == "praxiskurs":
            text = ngettext("{n} Praxiskurs: {reason}", "{n} Praxiskurse: {reason}", int(n))
        elif kind == "langzeit":
            text = _("Langzeitpraktikum: {reason}")
        else:
            text = _("Praktikum: {reason}")
        texts.setdefault(sid, []).append(text.format(n=n, reason=reason))
    return {sid: "; ".join(parts) for sid, parts in texts.items()}


def _company_names(problem: Problem) -> dict[str, str]:
    return {c.company_id: c.name or c.company_id for c in problem.companies}


def _rosters(problem: Problem, assignments: pd.DataFrame) -> list[Row]:
    """One row per company, offer and date (or Praktikum block)."""
    names = _company_names(problem)
    fields = {f.field_id: f.name or f.field_id for f in problem.fields}
    header: Row = ["company_id", _("company"), _("kind"), _("from"), _("to"), _("Berufsfeld")]
    header += ["offer_id", _("students"), "student_ids", _("schools")]
    rows = [header]
    keys = ["company_id", "start_date", "end_date", "offer_id", "kind", "field_id"]
    for key, group in assignments.groupby(keys, sort=True):
        company_id, first, last, offer_id, kind, field_id = key
        rows.append(
            [
                company_id,
                names.get(str(company_id), company_id),
                kind_text(str(kind)),
                first,
                last,
                fields.get(str(field_id), field_id),
                offer_id,
                len(group),
                ", ".join(sorted(group["student_id"])),
                ", ".join(sorted(set(group["school_id"]))),
            ]
        )
    return rows


def _course_blocks(problem: Problem, assignments: pd.DataFrame) -> list[Row]:
    """The course lists: per Träger or company (Träger first, then by name), one
    block per course in date order: a line with the course (dates, Berufsfeld,
    participants of seats, smallest group), then a line per participant, then
    an empty line. The first row is the header."""
    companies = {c.company_id: c for c in problem.companies}
    offers = {o.offer_id: o for o in problem.offers}
    fields = {f.field_id: f.name or f.field_id for f in problem.fields}
    schools = {s.school_id: s.name or s.school_id for s in problem.schools}
    header: Row = ["company_id", _("company"), "offer_id", _("from"), _("to"), _("Berufsfeld")]
    header += [_("participants"), _("places"), _("smallest group")]
    header += ["student_id", "school_id", _("school")]
    rows = [header]
    courses = assignments[assignments["kind"] == "praxiskurs"]

    def order(key: tuple[str, str]) -> tuple[bool, str, object, str]:
        company = companies.get(key[0])
        name = company.name if company else key[0]
        first = offers[key[1]].start_date if key[1] in offers else None
        return (company is None or company.provider_type != "traeger", name, first, key[1])

    groups = {(str(c), str(o)): g for (c, o), g in courses.groupby(["company_id", "offer_id"])}
    for company_id, offer_id in sorted(groups, key=order):
        group = groups[(company_id, offer_id)].sort_values(["school_id", "student_id"])
        offer = offers.get(offer_id)
        company = companies.get(company_id)
        first = group.iloc[0]
        rows.append(
            [
                company_id,
                company.name or company_id if company else company_id,
                offer_id,
                first["start_date"],
                first["end_date"],
                fields.get(first["field_id"], first["field_id"]),
                len(group),
                offer.capacity if offer else None,
                offer.smallest_group if offer and offer.min_group else None,
            ]
        )
        for sid, school in zip(group["student_id"], group["school_id"], strict=True):
            rows.append([None] * 9 + [sid, school, schools.get(school, school)])
        rows.append([])
    return rows[:-1] if len(rows) > 1 else rows


def _course_sheet(sheet: Worksheet, rows: Sequence[Row]) -> None:
    """The course lists, each course's line in bold so that its block stands out."""
    _fill(sheet, rows)
    for row in sheet.iter_rows(min_row=2):
        if row[0].value is not None:
            for cell in row:
                cell.font = Font(bold=True)


def _langzeit_days(problem: Problem, assignments: pd.DataFrame) -> list[Row]:
    """One row per company, weekday and Langzeitpraktikum student, Monday first:
    who comes on that weekday, from which school, from when to when."""
    names = _company_names(problem)
    fields = {f.field_id: f.name or f.field_id for f in problem.fields}
    schools = {s.school_id: s.name or s.school_id for s in problem.schools}
    header: Row = ["company_id", _("company"), _("weekday"), "offer_id", _("Berufsfeld")]
    header += ["student_id", "school_id", _("school"), _("from"), _("to")]
    days: list[tuple[tuple[str, str, int, str], Row]] = []
    for row in assignments[assignments["kind"] == "langzeit"].to_dict("records"):
        company, school = str(row["company_id"]), str(row["school_id"])
        for day in weekday_list(row.get("weekdays")):
            line: Row = [company, names.get(company, company), weekday_text(day)]
            line += [row["offer_id"], fields.get(row["field_id"], row["field_id"])]
            line += [row["student_id"], school, schools.get(school, school)]
            line += [row["start_date"], row["end_date"]]
            key = (names.get(company, company), company, weekday_rank(day), str(row["student_id"]))
            days.append((key, line))
    return [header, *(line for _key, line in sorted(days, key=lambda d: d[0]))]


def _unplaced(problem: Problem, unassigned: pd.DataFrame) -> list[Row]:
    schools = {s.school_id: s.name or s.school_id for s in problem.schools}
    rows: list[Row] = [["student_id", "school_id", _("school"), _("kind"), _("missing")]]
    rows[0].append(_("reason"))
    for sid, school, kind, n, reason in zip(
        unassigned["student_id"],
        unassigned["school_id"],
        unassigned["kind"],
        unassigned["missing"],
        unassigned["reason"],
        strict=True,
    ):
        rows.append([sid, school, schools.get(school, school), kind_text(kind), int(n), reason])
    return rows


def _summary_rows(h: Headline, baseline: BaselineResult | None) -> list[Row]:
    value, bound, gap, status = _("value"), _("bound"), _("gap"), _("status")
    rows: list[Row] = [
        [_("figure"), value, bound, gap, status],
        [_("status of the plan"), status_text(h.status)],
        [_("solve time (s)"), h.solve_seconds],
        [_("students needing a placement"), h.students_needing],
        [_("students placed in full"), h.students_placed],
        [_("students short of a placement"), h.students_short],
        [_("placements made"), h.placements],
        [_("placements needed"), h.placements_needed],
        [_("BFE days"), h.bfe_days],
        [_("Praktikum blocks"), h.praktikum_blocks],
        *_new_kind_rows(h),
        [_("students with a place in a top-3 field"), h.fairness],
        [_("students with a top-3 field"), h.with_profile],
        [_("wishes granted"), h.wishes_granted],
        [_("wishes made"), h.wishes_made],
        [],
        [_("level"), value, bound, gap, status],
    ]
    rows += [
        [level_text(lv.name), lv.value, lv.bound, lv.gap, status_text(lv.status)] for lv in h.levels
    ]
    if baseline is not None:
        portal = _("portal, mean of {n}").format(n=baseline.orders)
        rows += [[], [_("against portal booking"), _("this plan"), portal]]
        for label, mine, theirs in (
            (_("placements made"), h.placements, baseline.coverage),
            (_("students short of a placement"), h.students_short, baseline.students_short),
            (_("students with a place in a top-3 field"), h.fairness, baseline.fairness),
            (_("wishes (points granted)"), h.wishes, baseline.wishes),
            (_("interest (sum of profile scores)"), h.interest, baseline.interest),
            (_("travel (minutes in total)"), h.travel, baseline.travel),
        ):
            rows.append([label, mine, round(theirs, 1)])
        from kaoa_match.report.data import kind_by_kind_rows

        for kind_label, made, booked, _higher in kind_by_kind_rows(h, baseline):
            rows.append([kind_label, made, round(booked, 1)])
    return rows


def _new_kind_rows(h: Headline) -> list[Row]:
    """Courses and Langzeitpraktikum placements made and needed, where the plan has them."""
    rows: list[Row] = []
    for k in h.kinds:
        if k.kind in ("praxiskurs", "langzeit"):
            rows.append([_("{kind}: placements made").format(kind=kind_text(k.kind)), k.placements])
            rows.append([_("{kind}: placements needed").format(kind=kind_text(k.kind)), k.needed])
    return rows


def _summary_sheet(sheet: Worksheet, rows: Sequence[Row]) -> None:
    _fill(sheet, rows)
    for row in sheet.iter_rows(min_row=2):
        if row[0].value in (_("level"), _("against portal booking")):
            for cell in row:
                cell.font = Font(bold=True)
        elif isinstance(row[3].value, float):
            row[3].number_format = "0.00%"


# --------------------------------------------------------------------------
# Formatting


def _fill(sheet: Worksheet, rows: Sequence[Row]) -> None:
    """Write ``rows`` (the first is the header) with the house formatting."""
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is None:
                continue
            cell = sheet.cell(row=r, column=c, value=value)
            # Names and IDs come from forms that companies fill in themselves:
            # text is stored as text, never as a formula (openpyxl makes "=..." one).
            if isinstance(value, str):
                cell.data_type = "s"
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
    sheet.freeze_panes = "A2"
    if len(rows) > 1:
        sheet.auto_filter.ref = sheet.dimensions
    for column in sheet.iter_cols(min_row=2):
        for cell in column:
            if cell.is_date:
                cell.number_format = GERMAN_DATE
    _fit_widths(sheet)


def _fit_widths(sheet: Worksheet) -> None:
    for k, column in enumerate(sheet.iter_cols(), start=1):
        longest = max((_shown_length(c.value) for c in column), default=0)
        sheet.column_dimensions[get_column_letter(k)].width = min(longest + 2, _MAX_WIDTH)


def _shown_length(value: object) -> int:
    if value is None:
        return 0
    if hasattr(value, "strftime"):
        return 10  # TT.MM.JJJJ
    if isinstance(value, float):
        return len(f"{value:.2f}")
    return len(str(value))


def _sheet_title(wanted: str, used: set[str]) -> str:
    """A valid, unique sheet name: no ``[]:*?/\\``, at most 31 characters."""
    base = _FORBIDDEN.sub("-", wanted)[:_SHEET_NAME_CHARS] or _("school")
    title, n = base, 2
    while title.lower() in used:
        suffix = f" ({n})"
        title = base[: _SHEET_NAME_CHARS - len(suffix)] + suffix
        n += 1
    used.add(title.lower())
    return title
