"""What a rerun changed against the previous plan, per student and kind, and why.

:func:`changes_table` compares the rows of ``previous.csv`` (``problem.previous``)
with a new :class:`~kaoa_match.plan.Plan` and gives one row per (student, kind)
that was placed before or is placed now; the lead writes it as ``changes.csv``.
The reasons are in the current language (:mod:`kaoa_match.i18n`), with dates
as ``TT.MM.JJJJ``; the ``change`` values and the ``before``/``after`` labels
are data (English, ISO dates). Texts name students by their ID only, offers
by ID with their company's name, companies and schools by name and ID, and
never a student's needs (they can reveal a disability).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kaoa_match.calendar import WorkingDays
from kaoa_match.i18n import _, date_text, ngettext
from kaoa_match.model import WEEKDAYS
from kaoa_match.travel import TravelTimes

if TYPE_CHECKING:
    from collections.abc import Iterable

    from kaoa_match.model import (
        CalendarEntry,
        Company,
        Offer,
        PreviousAssignment,
        Problem,
        Student,
    )
    from kaoa_match.plan import Plan

CHANGE_COLUMNS = ["student_id", "school_id", "kind", "change", "before", "after", "reason"]
"""The columns of ``changes.csv``."""

KEPT, MOVED, NEWLY_PLACED, LOST, DROPPED = (
    "kept",
    "moved",
    "newly placed",
    "lost a place",
    "dropped",
)
"""The values of ``change``. ``dropped``: the student is no longer in the input."""


def N_(message: str) -> str:
    """Marks a text for the catalogue; it is translated where it is used (``_(TEXT)``)."""
    return message


# The English texts; changes_table translates them into the current language.
COVERAGE_MOVED = N_("moved to place more students (coverage comes before stability)")
COVERAGE_LOST = N_(
    "the place went to another student so that more are placed (coverage comes first)"
)
STUDENT_GONE = N_("the student is no longer in students.csv (left or moved away)")
NEW_IN_RUN = N_("new in this run")

_KEY = ["student_id", "kind", "offer_id", "start_date", "end_date", "weekdays"]
_GROUP = ["student_id", "kind"]


def changes_table(problem: Problem, plan: Plan) -> pd.DataFrame:
    """One row per (student, kind) in the previous or the new plan: what changed and why.

    ``change`` is ``kept`` (every previous row is in the new plan unchanged),
    ``moved`` (a previous row went, as many or more placements now),
    ``newly placed`` (no previous row), ``lost a place`` (fewer placements
    than previous rows) or ``dropped`` (the student is gone). ``before`` and
    ``after`` list ``offer date`` (a Praktikum block as ``offer first to last``)
    joined by ``; ``. Students unplaced in both plans are not listed.
    """
    prev = _previous_frame(problem)
    new = _new_frame(plan)
    prev["kept"] = _rows_in(prev, new)
    table = _grouped(prev, new)
    student_ids = {s.student_id for s in problem.students}
    table["change"] = _change(table, student_ids)
    table["reason"] = _reasons(problem, plan, prev, table)
    school = {s.student_id: s.school_id for s in problem.students}
    table["school_id"] = table["student_id"].map(school).fillna(table["prev_school"])
    table = table[CHANGE_COLUMNS]
    return table.sort_values(["school_id", "student_id", "kind"], ignore_index=True)


# --- the two plans as frames ---------------------------------------------------


def _previous_frame(problem: Problem) -> pd.DataFrame:
    rows = [
        (
            r,
            p.student_id,
            p.school_id,
            p.kind,
            p.offer_id,
            p.start_date,
            p.end_date or p.start_date,
            "|".join(w for w in WEEKDAYS if w in p.weekdays),
            p.status == "locked",
        )
        for r, p in enumerate(problem.previous)
    ]
    columns = ["row", "student_id", "prev_school", "kind", "offer_id"]
    columns += ["start_date", "end_date", "weekdays", "locked"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["label"] = placement_labels(frame)
    return frame


def _new_frame(plan: Plan) -> pd.DataFrame:
    frame = plan.assignments.reindex(columns=_KEY).copy()
    frame["weekdays"] = frame["weekdays"].fillna("").astype(str)
    frame["start_date"] = _as_dates(frame["start_date"])
    frame["end_date"] = _as_dates(frame["end_date"])
    frame["label"] = placement_labels(frame)
    return frame


def _as_dates(column: pd.Series) -> pd.Series:
    """Plain ``datetime.date`` values, whatever the plan's frame holds."""
    return pd.Series([pd.Timestamp(d).date() for d in column], index=column.index, dtype=object)


def placement_labels(frame: pd.DataFrame) -> pd.Series:
    """``O12 2026-11-04`` for a day, ``P3 2027-01-11 to 2027-01-22`` for a block,
    ``L1 2026-11-16 to 2027-05-28 di|do`` for a Langzeitpraktikum."""
    if frame.empty:
        return pd.Series([], index=frame.index, dtype=object)
    start = frame["start_date"].map(dt.date.isoformat)
    end = frame["end_date"].map(dt.date.isoformat)
    label = frame["offer_id"] + " " + start
    block = start != end
    label[block] = label[block] + " to " + end[block]
    if "weekdays" in frame:
        weekdays = frame["weekdays"].fillna("").astype(str)
        on = weekdays != ""
        label[on] = label[on] + " " + weekdays[on]
    return label


def _rows_in(prev: pd.DataFrame, new: pd.DataFrame) -> pd.Series:
    """For each previous row: is the very same placement in the new plan?"""
    found = prev[_KEY].merge(new[_KEY].drop_duplicates(), on=_KEY, how="left", indicator=True)
    return pd.Series((found["_merge"] == "both").to_numpy(), index=prev.index)


def _joined(frame: pd.DataFrame) -> pd.Series:
    ordered = frame.sort_values(["start_date", "offer_id"])
    return ordered.groupby(_GROUP, sort=False)["label"].agg("; ".join)


def _grouped(prev: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Per (student, kind): row counts of both plans and the before/after texts."""
    before = prev.groupby(_GROUP).agg(
        n_prev=("row", "size"),
        n_kept=("kept", "sum"),
        n_locked=("locked", "sum"),
        prev_school=("prev_school", "first"),
    )
    before["before"] = _joined(prev)
    after = new.groupby(_GROUP).agg(n_new=("offer_id", "size"))
    after["after"] = _joined(new)
    table = before.join(after, how="outer").reset_index()
    for column in ("n_prev", "n_kept", "n_locked", "n_new"):
        table[column] = table[column].fillna(0).astype(np.int64)
    for column in ("before", "after", "prev_school"):
        table[column] = table[column].fillna("").astype(str)
    return table


def _change(table: pd.DataFrame, student_ids: set[str]) -> pd.Series:
    gone = ~table["student_id"].isin(student_ids)
    n_prev, n_kept, n_new = table["n_prev"], table["n_kept"], table["n_new"]
    change = np.select(
        [gone, n_prev == 0, n_kept == n_prev, n_new < n_prev],
        [DROPPED, NEWLY_PLACED, KEPT, LOST],
        default=MOVED,
    )
    return pd.Series(change, index=table.index, dtype=object)


# --- reasons ------------------------------------------------------------------


def _reasons(problem: Problem, plan: Plan, prev: pd.DataFrame, table: pd.DataFrame) -> pd.Series:
    reason = pd.Series("", index=table.index, dtype=object)
    change = table["change"]
    reason[change == DROPPED] = _(STUDENT_GONE)
    reason[change == NEWLY_PLACED] = _(NEW_IN_RUN)
    kept = change == KEPT
    counts = table.loc[kept, ["n_prev", "n_locked", "n_new"]].to_numpy()
    reason.loc[kept] = pd.Series(
        [_kept_reason(*(int(v) for v in c)) for c in counts], index=reason.index[kept], dtype=object
    )
    changed = table[change.isin([MOVED, LOST])]
    if changed.empty:
        return reason
    lost = set(_pairs_of(changed[changed["change"] == LOST]))
    gone = prev[~prev["kept"]].merge(changed[_GROUP], on=_GROUP)
    why = _RowReasons(problem, plan)
    per_group: dict[tuple[str, str], list[str]] = {}
    for r in gone["row"].tolist():
        row = problem.previous[int(r)]
        mine = (row.student_id, str(row.kind))
        per_group.setdefault(mine, []).append(why.of(row, lost=mine in lost))
    for i, key, n_new in zip(changed.index, _pairs_of(changed), changed["n_new"], strict=True):
        parts = _unique(per_group.get(key, []))
        if key in lost:
            parts += why.no_replacement(key, int(n_new))
        reason[i] = "; ".join(parts)
    return reason


def _pairs_of(frame: pd.DataFrame) -> list[tuple[str, str]]:
    return list(zip(frame["student_id"].astype(str), frame["kind"].astype(str), strict=True))


def _kept_reason(n_prev: int, n_locked: int, n_new: int) -> str:
    if n_locked == n_prev:
        text = _("locked")
    elif n_locked == 0:
        text = _("kept as published")
    else:
        text = _("locked and kept as published")
    added = n_new - n_prev
    if added <= 0:
        return text
    more = ngettext("{n} more place added", "{n} more places added", added).format(n=added)
    return f"{text}, {more}"


def _unique(texts: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(texts))


class _RowReasons:
    """Why one previous row is not in the new plan, first matching rule wins."""

    def __init__(self, problem: Problem, plan: Plan) -> None:
        self.problem = problem
        self.students = {s.student_id: i for i, s in enumerate(problem.students)}
        self.school_names = {s.school_id: s.name for s in problem.schools}
        self.offers = {o.offer_id: o for o in problem.offers}
        self.companies = {c.company_id: i for i, c in enumerate(problem.companies)}
        self.school_type = {s.school_id: s.school_type for s in problem.schools}
        self.calendar: dict[tuple[str, int, str], list[CalendarEntry]] = {}
        for entry in problem.calendar:
            self.calendar.setdefault((entry.school_id, entry.grade, entry.kind), []).append(entry)
        self.working = WorkingDays.for_problem(problem)
        self._travel: TravelTimes | None = None
        self._previous_load: dict[tuple[str, dt.date], int] | None = None
        self.apart = _apart_partners(problem)
        self.placed_at = _company_days(plan.assignments, set(self.apart))
        self.shortfall = _unassigned_reasons(plan)
        stability = [lv for lv in plan.levels if lv.name == "stability"]
        self.stability_proven = bool(stability) and stability[0].status == "optimal"

    def of(self, row: PreviousAssignment, lost: bool) -> str:
        student = self.problem.students[self.students[row.student_id]]
        offer = self.offers.get(row.offer_id)
        if offer is None:
            return _("offer {offer} was withdrawn (not in offers.csv)").format(offer=row.offer_id)
        moved_school = ""
        if row.school_id and row.school_id != student.school_id:
            moved_school = _("the student moved from school {old} to {new}").format(
                old=self.school(row.school_id), new=self.school(student.school_id)
            )
        broken = self.rule_broken(row, student, offer)
        if broken:
            return f"{moved_school}: {broken}" if moved_school else broken
        if moved_school:
            return moved_school
        return self.by_solver(row, lost)

    def no_replacement(self, key: tuple[str, str], n_new: int) -> list[str]:
        """Why the student has fewer placements: the plan's own reason, or fewer needed."""
        if key in self.shortfall:
            return [_("no other place: {reason}").format(reason=self.shortfall[key])]
        student = self.problem.students[self.students[key[0]]]
        entries = self.calendar.get((student.school_id, student.grade, key[1]), [])
        needed = (entries[0].needed_days if key[1] == "bfe" else 1) if entries else 0
        if needed == n_new and needed > 0:
            if key[1] == "bfe":
                text = ngettext("now needs {n} BFE day", "now needs {n} BFE days", needed)
            else:
                text = ngettext(
                    "now needs {n} Praktikum block", "now needs {n} Praktikum blocks", needed
                )
            return [text.format(n=needed)]
        return []

    # --- names beside IDs, as a planner knows them ---

    def school(self, school_id: str) -> str:
        """``Realschule Am Park (A)``, or the ID of a school without a name."""
        return _named(self.school_names.get(school_id, ""), school_id)

    def company(self, company_id: str) -> str:
        """``Kita Sonne (C1)``, or the ID of a company without a name."""
        found = self.companies.get(company_id)
        name = "" if found is None else self.problem.companies[found].name
        return _named(name, company_id)

    def offer(self, offer: Offer) -> str:
        """``O1 (Kita Sonne)``: the offer's ID with its company's name."""
        found = self.companies.get(offer.company_id)
        company: Company | None = None if found is None else self.problem.companies[found]
        name = (company.name if company is not None else "") or offer.company_id
        return f"{offer.offer_id} ({name})"

    def rule_broken(self, row: PreviousAssignment, student: Student, offer: Offer) -> str:
        for check in (self.calendar_gone, self.dates, self.eligibility, self.capacity, self.pair):
            text = check(row, student, offer)
            if text:
                return text
        return ""

    def by_solver(self, row: PreviousAssignment, lost: bool) -> str:
        """Every rule still allows the row: the solver gave it up, for coverage if proven."""
        if self.stability_proven:
            return _(COVERAGE_LOST) if lost else _(COVERAGE_MOVED)
        offer = self.offers.get(row.offer_id)
        return _(
            "offer {offer} on {date} was still possible; the run stopped before keeping it "
            "was proven impossible"
        ).format(
            offer=row.offer_id if offer is None else self.offer(offer),
            date=date_text(row.start_date),
        )

    # --- the rules, in the order a planner would check them ---

    def calendar_gone(self, row: PreviousAssignment, student: Student, offer: Offer) -> str:
        if (student.school_id, student.grade, row.kind) in self.calendar:
            return ""
        text = {
            "bfe": _("school {school} has no BFE dates for grade {grade} any more"),
            "praktikum": _("school {school} has no Praktikum window for grade {grade} any more"),
            "praxiskurs": _("school {school} has no Praxiskurs window for grade {grade} any more"),
            "langzeit": _(
                "school {school} has no Langzeitpraktikum period for grade {grade} any more"
            ),
        }[row.kind]
        return text.format(school=self.school(student.school_id), grade=student.grade)

    def dates(self, row: PreviousAssignment, student: Student, offer: Offer) -> str:
        first, last = row.start_date, row.end_date or row.start_date
        if offer.kind != row.kind:
            text = {
                "bfe": _("offer {offer} is no longer a BFE offer"),
                "praktikum": _("offer {offer} is no longer a Praktikum offer"),
                "praxiskurs": _("offer {offer} is no longer a Praxiskurs"),
                "langzeit": _("offer {offer} is no longer a Langzeitpraktikum offer"),
            }[row.kind]
            return text.format(offer=self.offer(offer))
        for day in (first, last):
            off = self.working.why_not_working(day)
            if off:
                return _("{date} is no longer a working day ({why})").format(
                    date=date_text(day), why=off
                )
        if not (offer.start_date <= first and last <= offer.last_date):
            return _("offer {offer} now runs from {first} to {last}").format(
                offer=self.offer(offer),
                first=date_text(offer.start_date),
                last=date_text(offer.last_date),
            )
        entries = self.calendar[(student.school_id, student.grade, row.kind)]
        if row.kind in ("praxiskurs", "langzeit"):
            return self._course_or_period(row, entries[0], offer)
        if row.kind == "bfe":
            if not any(e.start_date <= first <= e.last_date for e in entries) or first != last:
                return _("{date} is no longer a BFE date of the school").format(
                    date=date_text(first)
                )
            return ""
        window = entries[0]
        if not (window.start_date <= first and last <= window.last_date):
            return _(
                "the block is no longer inside the Praktikum window ({first} to {last})"
            ).format(first=date_text(window.start_date), last=date_text(window.last_date))
        if len(self.working.between(first, last)) != window.needed_days:
            return ngettext(
                "the Praktikum now lasts {n} working day",
                "the Praktikum now lasts {n} working days",
                window.needed_days,
            ).format(n=window.needed_days)
        return ""

    def _course_or_period(self, row: PreviousAssignment, entry: CalendarEntry, offer: Offer) -> str:
        """A course no longer inside the school's window; a Langzeitpraktikum
        whose school period or weekdays changed."""
        first, last = row.start_date, row.end_date or row.start_date
        if row.kind == "praxiskurs":
            if entry.start_date <= first and last <= entry.last_date:
                return ""
            return _(
                "the course is no longer inside the Praxiskurs window ({first} to {last})"
            ).format(first=date_text(entry.start_date), last=date_text(entry.last_date))
        if (first, last) != (entry.start_date, entry.last_date):
            return _("the Langzeitpraktikum period is now {first} to {last}").format(
                first=date_text(entry.start_date), last=date_text(entry.last_date)
            )
        if not row.weekdays <= entry.allowed_weekdays & offer.weekdays:
            return _("the school or the company no longer allows these weekdays")
        return ""

    def eligibility(self, row: PreviousAssignment, student: Student, offer: Offer) -> str:
        company = self.problem.companies[self.companies[offer.company_id]]
        school_type = self.school_type.get(student.school_id, "")
        if offer.grades and student.grade not in offer.grades:
            return _("offer {offer} is no longer open to grade {grade}").format(
                offer=self.offer(offer), grade=student.grade
            )
        if offer.school_types and school_type not in offer.school_types:
            if not school_type:
                text = _("offer {offer} is no longer open to a school without a Schulform")
            elif school_type[0].upper() in "AEIOU":
                text = _("offer {offer} is no longer open to an {school_type}")
            else:
                text = _("offer {offer} is no longer open to a {school_type}")
            return text.format(offer=self.offer(offer), school_type=school_type)
        named = self.company(company.company_id)
        if not student.needs <= company.provides:
            return _("company {company} no longer provides what the student needs").format(
                company=named
            )
        if not company.requires <= student.qualifications:
            missing = ", ".join(sorted(company.requires - student.qualifications))
            return _("company {company} now requires {missing}").format(
                company=named, missing=missing
            )
        if company.min_age is not None and not _old_enough(student, company.min_age, row):
            return _("company {company} now requires age {age}").format(
                company=named, age=company.min_age
            )
        return self.travel(student, company.company_id)

    def travel(self, student: Student, company_id: str) -> str:
        if self._travel is None:
            self._travel = TravelTimes(self.problem)
        s = self.students[student.student_id]
        minutes = self._travel.between(s, self.companies[company_id])
        limit = int(self._travel.limits[s])
        if minutes > limit:
            return _("company {company} is now {minutes} minutes away (limit {limit})").format(
                company=self.company(company_id), minutes=minutes, limit=limit
            )
        return ""

    def capacity(self, row: PreviousAssignment, student: Student, offer: Offer) -> str:
        load = self.previous_load()
        for day in self.working.between(row.start_date, row.end_date or row.start_date):
            n = load.get((offer.offer_id, day), 0)
            if n > offer.capacity:
                return ngettext(
                    "offer {offer} was cut to {capacity} place a day "
                    "({n} rows of the previous plan on {date})",
                    "offer {offer} was cut to {capacity} places a day "
                    "({n} rows of the previous plan on {date})",
                    offer.capacity,
                ).format(offer=self.offer(offer), capacity=offer.capacity, n=n, date=date_text(day))
        return ""

    def previous_load(self) -> dict[tuple[str, dt.date], int]:
        """Previous rows (any status, student still there) per (offer, working day)."""
        if self._previous_load is None:
            load: dict[tuple[str, dt.date], int] = {}
            for p in self.problem.previous:
                if p.student_id in self.students:
                    for day in self.working.between(p.start_date, p.end_date or p.start_date):
                        load[(p.offer_id, day)] = load.get((p.offer_id, day), 0) + 1
            self._previous_load = load
        return self._previous_load

    def pair(self, row: PreviousAssignment, student: Student, offer: Offer) -> str:
        partners = self.apart.get(student.student_id)
        if not partners:
            return ""
        first, last = row.start_date, row.end_date or row.start_date
        for other in sorted(partners):
            for company_id, start, end in self.placed_at.get(other, []):
                if company_id != offer.company_id or not (start <= last and first <= end):
                    continue
                return _(
                    "student {other}, to be kept apart, is at company {company} on {date}"
                ).format(
                    other=other,
                    company=self.company(offer.company_id),
                    date=date_text(max(first, start)),
                )
        return ""


def _old_enough(student: Student, min_age: int, row: PreviousAssignment) -> bool:
    born = student.birth_date
    if born is None:
        return False
    day = row.start_date
    age = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    return age >= min_age


def _unassigned_reasons(plan: Plan) -> dict[tuple[str, str], str]:
    u = plan.unassigned
    return {
        (str(s), str(k)): _("{n} missing: {reason}").format(n=m, reason=r)
        for s, k, m, r in zip(u.student_id, u.kind, u.missing, u.reason, strict=True)
    }


def _named(name: str, identifier: str) -> str:
    return f"{name} ({identifier})" if name and name != identifier else identifier


def _company_days(
    assignments: pd.DataFrame, students: set[str]
) -> dict[str, list[tuple[str, dt.date, dt.date]]]:
    """(company, first day, last day) of each new placement of the given students."""
    mine = assignments[assignments["student_id"].isin(students)]
    placed: dict[str, list[tuple[str, dt.date, dt.date]]] = {}
    columns = (
        mine.student_id,
        mine.company_id,
        _as_dates(mine.start_date),
        _as_dates(mine.end_date),
    )
    for student_id, company_id, start, end in zip(*columns, strict=True):
        placed.setdefault(str(student_id), []).append((str(company_id), start, end))
    return placed


def _apart_partners(problem: Problem) -> dict[str, set[str]]:
    partners: dict[str, set[str]] = {}
    for pair in problem.pairs:
        if pair.relation == "apart":
            partners.setdefault(pair.student_a, set()).add(pair.student_b)
            partners.setdefault(pair.student_b, set()).add(pair.student_a)
    return partners
