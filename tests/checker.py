"""An independent plan checker: every hard rule of the data contract, in plain Python.

Written from ``shared/spec/format.md`` alone, without the solver's eligibility
code (``kaoa_match.options``) or model (``kaoa_match.solvers``), so that a bug
there cannot hide itself. Only the data model and the NRW working-day calendar
are shared. :func:`check_plan` lists broken rules; :func:`objective_values`
recounts the seven objectives of a plan.

Every message starts with the rule in brackets, e.g. ``[bfe-capacity]``;
:func:`broken_rules` extracts those names for tests.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from kaoa_match.calendar import WorkingDays

if TYPE_CHECKING:
    from collections.abc import Iterable

    from kaoa_match.model import (
        CalendarEntry,
        Offer,
        PreviousAssignment,
        Problem,
        Student,
    )

ASSIGNMENT_COLUMNS = (
    "student_id",
    "school_id",
    "kind",
    "offer_id",
    "company_id",
    "field_id",
    "start_date",
    "end_date",
    "travel_min",
    "score",
)
WEEKDAY_NAMES = ("mo", "di", "mi", "do", "fr")  # date.weekday() 0..4, as the contract writes them
OBJECTIVES = ("coverage", "stability", "fairness", "wishes", "interest", "travel", "together")
EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG), as kaoa_match.travel uses


# --- reading the plan ---------------------------------------------------------


@dataclass(frozen=True)
class Placement:
    """One row of ``assignments``; ``row`` is its position (0-based)."""

    row: int
    student_id: str
    school_id: str
    kind: str
    offer_id: str
    company_id: str
    field_id: str
    start: dt.date
    end: dt.date
    travel_min: Any
    score: Any
    weekdays: frozenset[str] = frozenset()  # a Langzeitpraktikum row's weekdays

    def where(self) -> str:
        return f"row {self.row} (student {self.student_id}, offer {self.offer_id}, {self.start})"


def _as_date(value: Any) -> dt.date | None:
    """A cell as a date; None when empty or not a date."""
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _placements(assignments: pd.DataFrame) -> tuple[list[Placement], list[str]]:
    """The rows of ``assignments``, and problems with columns or dates."""
    missing = [c for c in ASSIGNMENT_COLUMNS if c not in assignments.columns]
    if missing:
        return [], [f"[columns] assignments lack the columns {', '.join(missing)}"]
    placements, errors = [], []
    records = assignments.loc[:, list(ASSIGNMENT_COLUMNS)].to_dict("records")
    for i, rec in enumerate(records):
        start, end = _as_date(rec["start_date"]), _as_date(rec["end_date"])
        if start is None or end is None or end < start:
            errors.append(
                f"[dates] row {i} (student {rec['student_id']}): start_date "
                f"{rec['start_date']!r} / end_date {rec['end_date']!r} is no date range"
            )
            continue
        placements.append(
            Placement(
                i,
                str(rec["student_id"]),
                str(rec["school_id"]),
                str(rec["kind"]),
                str(rec["offer_id"]),
                str(rec["company_id"]),
                str(rec["field_id"]),
                start,
                end,
                rec["travel_min"],
                rec["score"],
                _weekday_cell(assignments["weekdays"].iloc[i])
                if "weekdays" in assignments.columns
                else frozenset(),
            )
        )
    return placements, errors


def _weekday_cell(value: Any) -> frozenset[str]:
    """``mo|di`` as a set; empty (or missing) for the other kinds."""
    if not isinstance(value, str):
        return frozenset()
    return frozenset(part for part in value.split("|") if part)


# --- travel -------------------------------------------------------------------


def _haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(max(a, 0.0), 1.0)))


def _round_half_up(minutes: float) -> int:
    return math.floor(minutes + 0.5)


class TravelLookup:
    """The contract's travel minutes and limits, one pair at a time."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.rows = {(t.origin_id, t.company_id): t.minutes for t in problem.travel}
        self.students = {s.student_id: s for s in problem.students}
        self.schools = {s.school_id: s for s in problem.schools}
        self.companies = {c.company_id: c for c in problem.companies}

    def minutes(self, student_id: str, company_id: str) -> int:
        """Whole minutes: student's row, else school's row, else the estimate."""
        st = self.students[student_id]
        for origin in (student_id, st.school_id):
            if (origin, company_id) in self.rows:
                return _round_half_up(self.rows[(origin, company_id)])
        if st.home_lat is not None and st.home_lon is not None:
            lat, lon = st.home_lat, st.home_lon
        else:
            school = self.schools[st.school_id]
            lat, lon = school.lat, school.lon
        company = self.companies[company_id]
        km = _haversine_km(lat, lon, company.lat, company.lon)
        model = self.problem.travel_model
        return _round_half_up(model.overhead_min + 60 * model.detour * km / model.speed_kmh)

    def limit(self, student_id: str) -> int:
        """Maximum minutes: the student's, else the school's, else the default."""
        st = self.students[student_id]
        if st.max_travel_min is not None:
            return st.max_travel_min
        school_limit = self.schools[st.school_id].max_travel_min
        if school_limit is not None:
            return school_limit
        return self.problem.travel_model.default_max_travel_min


def travel_minutes(problem: Problem, student_id: str, company_id: str) -> int:
    """Whole minutes from a student to a company by the contract's look-up order."""
    return TravelLookup(problem).minutes(student_id, company_id)


# --- the Kreis in look-up tables ----------------------------------------------


def age_on(birth: dt.date, day: dt.date) -> int:
    """Age in whole years on ``day``."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


class _Kreis:
    """Look-up tables over a problem, built once per check."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.students = {s.student_id: s for s in problem.students}
        self.schools = {s.school_id: s for s in problem.schools}
        self.companies = {c.company_id: c for c in problem.companies}
        self.offers = {o.offer_id: o for o in problem.offers}
        self.calendar: dict[tuple[str, int, str], list[CalendarEntry]] = defaultdict(list)
        for e in problem.calendar:
            self.calendar[(e.school_id, e.grade, e.kind)].append(e)
        self.scores = {(i.student_id, i.field_id): i.score for i in problem.interests}
        self.working = WorkingDays.for_problem(problem)
        self.travel = TravelLookup(problem)
        self.participants = {(p.student_id, p.kind) for p in problem.participants}

    def entries(self, student: Student, kind: str) -> list[CalendarEntry]:
        return self.calendar.get((student.school_id, student.grade, kind), [])

    def score(self, student_id: str, field_id: str) -> int:
        return self.scores.get((student_id, field_id), 0)

    def known(self, placements: Iterable[Placement]) -> list[tuple[Placement, Offer]]:
        """Placements whose student and offer exist, with their offer."""
        return [
            (p, self.offers[p.offer_id])
            for p in placements
            if p.student_id in self.students and p.offer_id in self.offers
        ]

    def days_of(self, p: Placement, offer: Offer) -> list[dt.date]:
        """Days at the company: the BFE day, the working days of the block or
        course, or the working days on a Langzeitpraktikum's weekdays in its
        period (the Praktikum pause is left to :func:`_dates_across_kinds`)."""
        if offer.kind == "bfe":
            return [p.start]
        days = self.working.between(p.start, p.end)
        if offer.kind == "langzeit":
            return [d for d in days if WEEKDAY_NAMES[d.weekday()] in p.weekdays]
        return days


# --- rules on one row ---------------------------------------------------------


def _consistency(k: _Kreis, p: Placement, offer: Offer) -> list[str]:
    """Columns that must repeat the problem's data."""
    st = k.students[p.student_id]
    expected = {
        "school_id": st.school_id,
        "kind": offer.kind,
        "company_id": offer.company_id,
        "field_id": offer.field_id,
        "travel_min": k.travel.minutes(p.student_id, offer.company_id),
        "score": k.score(p.student_id, offer.field_id),
    }
    errors = []
    for column, want in expected.items():
        got = getattr(p, column)
        if not _same(got, want):
            rule = "kind-mismatch" if column == "kind" else column.replace("_", "-")
            errors.append(f"[{rule}] {p.where()}: {column} is {got!r}, expected {want!r}")
    return errors


def _same(got: Any, want: Any) -> bool:
    if isinstance(want, int):
        try:
            return float(got) == want
        except (TypeError, ValueError):
            return False
    return bool(got == want)


def _eligibility(k: _Kreis, p: Placement, offer: Offer) -> list[str]:
    """May this student take this offer at all (calendar, grade, tags, age, travel)?"""
    st = k.students[p.student_id]
    school = k.schools.get(st.school_id)
    company = k.companies[offer.company_id]
    errors = []
    if not k.entries(st, offer.kind):
        errors.append(
            f"[calendar] {p.where()}: no {offer.kind} calendar row for school "
            f"{st.school_id} grade {st.grade}"
        )
    if offer.grades and st.grade not in offer.grades:
        errors.append(f"[grade] {p.where()}: grade {st.grade} not allowed by the offer")
    school_type = school.school_type if school else ""
    if offer.school_types and school_type not in offer.school_types:
        errors.append(f"[school-type] {p.where()}: school type {school_type!r} not allowed")
    if not st.needs <= company.provides:
        errors.append(f"[needs] {p.where()}: needs {sorted(st.needs - company.provides)}")
    if not company.requires <= st.qualifications:
        lacking = sorted(company.requires - st.qualifications)
        errors.append(f"[requires] {p.where()}: lacks {lacking}")
    if (
        offer.kind in ("praxiskurs", "langzeit")
        and (p.student_id, offer.kind) not in k.participants
    ):
        errors.append(f"[participant] {p.where()}: not listed for {offer.kind}")
    days = k.days_of(p, offer)
    errors += _age(p, company.min_age, st.birth_date, days[0] if days else p.start)
    minutes, limit = (
        k.travel.minutes(st.student_id, company.company_id),
        k.travel.limit(st.student_id),
    )
    if minutes > limit:
        errors.append(f"[travel-limit] {p.where()}: {minutes} min > limit {limit} min")
    return errors


def _age(p: Placement, min_age: int | None, birth: dt.date | None, first: dt.date) -> list[str]:
    """Old enough on ``first``, the placement's first day."""
    if min_age is None:
        return []
    if birth is None:
        return [f"[min-age] {p.where()}: no birth date, the company needs age {min_age}"]
    if age_on(birth, first) < min_age:
        return [f"[min-age] {p.where()}: younger than {min_age} on {first}"]
    return []


def _inside(first: dt.date, last: dt.date, lo: dt.date, hi: dt.date) -> bool:
    return lo <= first and last <= hi


def _bfe_dates(k: _Kreis, p: Placement, offer: Offer) -> list[str]:
    st = k.students[p.student_id]
    errors = []
    if p.end != p.start:
        errors.append(f"[bfe-single-day] {p.where()}: end_date {p.end} != start_date")
    why = k.working.why_not_working(p.start)
    if why is not None:
        errors.append(f"[bfe-working-day] {p.where()}: not a working day ({why})")
    entries = k.entries(st, "bfe")
    if entries and not any(_inside(p.start, p.start, e.start_date, e.last_date) for e in entries):
        errors.append(
            f"[bfe-candidate-date] {p.where()}: not a candidate date of school "
            f"{st.school_id} grade {st.grade}"
        )
    if not _inside(p.start, p.start, offer.start_date, offer.last_date):
        errors.append(f"[offer-range] {p.where()}: outside the offer's dates")
    return errors


def _praktikum_dates(k: _Kreis, p: Placement, offer: Offer) -> list[str]:
    st = k.students[p.student_id]
    entries = k.entries(st, "praktikum")
    errors = []
    if entries:
        window = entries[0]
        working = k.working.between(p.start, p.end)
        exact = (
            len(working) == window.needed_days
            and k.working.is_working_day(p.start)
            and k.working.is_working_day(p.end)
        )
        if not exact:
            errors.append(
                f"[praktikum-length] {p.where()}: {p.start} to {p.end} is not a block "
                f"of {window.needed_days} consecutive working days"
            )
        if not _inside(p.start, p.end, window.start_date, window.last_date):
            errors.append(f"[praktikum-school-window] {p.where()}: outside the school window")
    if not _inside(p.start, p.end, offer.start_date, offer.last_date):
        errors.append(f"[offer-range] {p.where()}: outside the offer's dates")
    return errors


def _course_dates(k: _Kreis, p: Placement, offer: Offer) -> list[str]:
    """A course row: the course's first and last working day, all its days in
    the school's Praxiskurs window."""
    st = k.students[p.student_id]
    course = k.working.between(offer.start_date, offer.last_date)
    errors = []
    if not course or (p.start, p.end) != (course[0], course[-1]):
        errors.append(f"[course-dates] {p.where()}: {p.start} to {p.end} is not the whole course")
    entries = k.entries(st, "praxiskurs")
    if entries and not any(
        all(_inside(d, d, e.start_date, e.last_date) for d in course) for e in entries
    ):
        errors.append(f"[course-window] {p.where()}: the course lies outside the school window")
    return errors


def _langzeit_dates(k: _Kreis, p: Placement, offer: Offer) -> list[str]:
    """A Langzeitpraktikum row: the school's period, ``days`` distinct weekdays
    both the school and the offer allow, the offer's period around the school's."""
    st = k.students[p.student_id]
    errors = []
    for e in k.entries(st, "langzeit"):
        school_days = e.weekdays or frozenset(WEEKDAY_NAMES)
        if (p.start, p.end) != (e.start_date, e.last_date):
            errors.append(f"[langzeit-period] {p.where()}: not the school's period")
        if len(p.weekdays) != e.needed_days:
            errors.append(
                f"[langzeit-days] {p.where()}: {len(p.weekdays)} weekdays, the school "
                f"asks {e.needed_days}"
            )
        if not p.weekdays <= school_days:
            errors.append(f"[langzeit-school-weekdays] {p.where()}: {sorted(p.weekdays)}")
        if not _inside(e.start_date, e.last_date, offer.start_date, offer.last_date):
            errors.append(f"[langzeit-offer-period] {p.where()}: the offer's period is shorter")
    if not p.weekdays <= offer.weekdays:
        errors.append(f"[langzeit-offer-weekdays] {p.where()}: {sorted(p.weekdays)}")
    if not k.days_of(p, offer):
        errors.append(f"[langzeit-dates] {p.where()}: no date at all")
    return errors


def _row_problems(k: _Kreis, p: Placement) -> list[str]:
    if p.student_id not in k.students:
        return [f"[unknown-student] {p.where()}: no such student"]
    if p.offer_id not in k.offers:
        return [f"[unknown-offer] {p.where()}: no such offer"]
    offer = k.offers[p.offer_id]
    errors = _consistency(k, p, offer) + _eligibility(k, p, offer)
    if offer.kind == "bfe":
        return errors + _bfe_dates(k, p, offer)
    if offer.kind == "praxiskurs":
        return errors + _course_dates(k, p, offer)
    if offer.kind == "langzeit":
        return errors + _langzeit_dates(k, p, offer)
    return errors + _praktikum_dates(k, p, offer)


# --- rules across rows --------------------------------------------------------


def _per_student(k: _Kreis, known: list[tuple[Placement, Offer]]) -> list[str]:
    """BFE: count, distinct days, distinct fields; Praktikum: one block."""
    by_student: dict[tuple[str, str], list[tuple[Placement, Offer]]] = defaultdict(list)
    for p, offer in known:
        by_student[(p.student_id, offer.kind)].append((p, offer))
    errors = []
    for (sid, kind), rows in by_student.items():
        if kind in ("praktikum", "langzeit"):
            if len(rows) > 1:
                errors.append(f"[{kind}-count] student {sid}: {len(rows)} placements")
            continue
        if kind == "praxiskurs":
            errors += _courses_of(k, sid, rows)
            continue
        entries = k.entries(k.students[sid], "bfe")
        if entries and len(rows) > entries[0].needed_days:
            errors.append(
                f"[bfe-days-count] student {sid}: {len(rows)} BFE days, "
                f"needs {entries[0].needed_days}"
            )
        for day, n in Counter(p.start for p, _ in rows).items():
            if n > 1:
                errors.append(f"[bfe-distinct-days] student {sid}: {n} BFE rows on {day}")
        for field, n in Counter(o.field_id for _, o in rows).items():
            if n > 1:
                errors.append(f"[bfe-distinct-fields] student {sid}: {n} BFE days in {field}")
    return errors


def _courses_of(k: _Kreis, sid: str, rows: list[tuple[Placement, Offer]]) -> list[str]:
    """Praxiskurs: at most ``days`` courses, in distinct Berufsfelder."""
    entries = k.entries(k.students[sid], "praxiskurs")
    most = entries[0].needed_days if entries else 0
    errors = []
    if len(rows) > most:
        errors.append(f"[course-count] student {sid}: {len(rows)} courses, takes {most}")
    for field, n in Counter(o.field_id for _, o in rows).items():
        if n > 1:
            errors.append(f"[course-distinct-fields] student {sid}: {n} courses in {field}")
    return errors


def _dates_across_kinds(k: _Kreis, known: list[tuple[Placement, Offer]]) -> list[str]:
    """No two placements of a student on one date; a Langzeitpraktikum pauses
    during the student's Praktikum block (those are not its dates). Two BFE
    rows on one date are ``bfe-distinct-days``'s business."""
    kinds: dict[tuple[str, dt.date], list[str]] = defaultdict(list)
    block: dict[str, set[dt.date]] = defaultdict(set)
    for p, offer in known:
        if offer.kind == "praktikum":
            block[p.student_id].update(k.days_of(p, offer))
    for p, offer in known:
        days = k.days_of(p, offer)
        if offer.kind == "langzeit":
            days = [d for d in days if d not in block[p.student_id]]
        for day in days:
            kinds[(p.student_id, day)].append(offer.kind)
    return [
        f"[one-place-a-day] student {sid}: {', '.join(sorted(on))} on {day}"
        for (sid, day), on in sorted(kinds.items())
        if len(on) > 1 and set(on) != {"bfe"}
    ]


def _capacity(k: _Kreis, known: list[tuple[Placement, Offer]]) -> list[str]:
    """Students present per offer and day (BFE) or working day (Praktikum),
    per course, per Langzeitpraktikum offer and weekday."""
    present: Counter[tuple[str, dt.date]] = Counter()
    per_course: Counter[str] = Counter()
    per_weekday: Counter[tuple[str, str]] = Counter()
    for p, offer in known:
        if offer.kind == "praxiskurs":
            per_course[offer.offer_id] += 1
        elif offer.kind == "langzeit":
            per_weekday.update((offer.offer_id, w) for w in p.weekdays)
        else:
            for day in k.days_of(p, offer):
                present[(offer.offer_id, day)] += 1
    errors = []
    for oid, n in sorted(per_course.items()):
        offer = k.offers[oid]
        if n > offer.capacity:
            errors.append(f"[praxiskurs-capacity] course {oid}: {n}, capacity {offer.capacity}")
        if offer.min_group is not None and n < offer.min_group:
            errors.append(f"[praxiskurs-min-group] course {oid}: {n}, min_group {offer.min_group}")
    for (oid, weekday), n in sorted(per_weekday.items()):
        if n > k.offers[oid].capacity:
            errors.append(
                f"[langzeit-capacity] offer {oid} on {weekday}: {n}, "
                f"capacity {k.offers[oid].capacity}"
            )
    for (oid, day), n in sorted(present.items()):
        offer = k.offers[oid]
        if n > offer.capacity:
            errors.append(
                f"[{offer.kind}-capacity] offer {oid} on {day}: {n} students, "
                f"capacity {offer.capacity}"
            )
        if offer.kind == "bfe" and offer.min_group is not None and n < offer.min_group:
            errors.append(
                f"[bfe-min-group] offer {oid} on {day}: {n} students, min_group {offer.min_group}"
            )
    return errors


def _company_days(
    k: _Kreis, known: list[tuple[Placement, Offer]]
) -> dict[str, set[tuple[str, dt.date]]]:
    """Per student, the (company, day) pairs the plan puts them at (a
    Langzeitpraktikum not in the student's Praktikum block)."""
    block: dict[str, set[dt.date]] = defaultdict(set)
    for p, offer in known:
        if offer.kind == "praktikum":
            block[p.student_id].update(k.days_of(p, offer))
    at: dict[str, set[tuple[str, dt.date]]] = defaultdict(set)
    for p, offer in known:
        days = k.days_of(p, offer)
        if offer.kind == "langzeit":
            days = [d for d in days if d not in block[p.student_id]]
        at[p.student_id].update((offer.company_id, d) for d in days)
    return at


def _apart(k: _Kreis, known: list[tuple[Placement, Offer]]) -> list[str]:
    at = _company_days(k, known)
    errors = []
    for pair in k.problem.pairs:
        if pair.relation != "apart":
            continue
        shared = sorted(at[pair.student_a] & at[pair.student_b])
        if shared:
            company, day = shared[0]
            errors.append(
                f"[apart] students {pair.student_a} and {pair.student_b} are both at "
                f"company {company} on {day}"
            )
    return errors


def _kept(prev: PreviousAssignment, placements: list[Placement]) -> bool:
    """Does a row repeat ``prev`` exactly (student, kind, offer, dates)?"""
    end = prev.end_date
    if end is None and prev.kind == "bfe":
        end = prev.start_date
    return any(
        p.student_id == prev.student_id
        and p.kind == prev.kind
        and p.offer_id == prev.offer_id
        and p.start == prev.start_date
        and (end is None or p.end == end)
        and (prev.kind != "langzeit" or p.weekdays == prev.weekdays)
        for p in placements
    )


def _locked(k: _Kreis, placements: list[Placement]) -> list[str]:
    return [
        f"[locked] locked row of student {prev.student_id} at offer {prev.offer_id} "
        f"from {prev.start_date} is not kept"
        for prev in k.problem.previous
        if prev.status == "locked" and not _kept(prev, placements)
    ]


# --- public API ---------------------------------------------------------------


def check_plan(problem: Problem, assignments: pd.DataFrame) -> list[str]:
    """Every broken hard rule of the contract, one message each; [] = valid plan."""
    placements, errors = _placements(assignments)
    k = _Kreis(problem)
    for p in placements:
        errors += _row_problems(k, p)
    known = k.known(placements)
    errors += _per_student(k, known)
    errors += _dates_across_kinds(k, known)
    errors += _capacity(k, known)
    errors += _apart(k, known)
    errors += _locked(k, placements)
    return errors


def broken_rules(messages: Iterable[str]) -> set[str]:
    """The rule names (``bfe-capacity``, ...) of :func:`check_plan` messages."""
    return {m[1 : m.index("]")] for m in messages}


def top_fields(problem: Problem, student_id: str) -> set[str]:
    """Top-3 fields: score > 0 and >= the third-highest score over all fields."""
    scores = {i.field_id: i.score for i in problem.interests if i.student_id == student_id}
    values = sorted((scores.get(f.field_id, 0) for f in problem.fields), reverse=True)
    if not values:
        return set()
    third = values[min(2, len(values) - 1)]
    return {
        f.field_id
        for f in problem.fields
        if scores.get(f.field_id, 0) > 0 and scores.get(f.field_id, 0) >= third
    }


def _wish_points(problem: Problem, known: list[tuple[Placement, Offer]]) -> int:
    """Sum of ``6 - rank`` over the wishes some placement of the student grants."""
    total = 0
    for wish in problem.wishes:
        mine = [o for p, o in known if p.student_id == wish.student_id]
        if (
            any(o.offer_id == wish.offer_id for o in mine)
            or any(o.company_id == wish.company_id for o in mine)
            or any(o.field_id == wish.field_id for o in mine)
        ):
            total += 6 - wish.rank
    return total


def objective_values(problem: Problem, assignments: pd.DataFrame) -> dict[str, int]:
    """The seven objectives of a (valid) plan, counted as the contract defines them."""
    placements, _ = _placements(assignments)
    k = _Kreis(problem)
    known = k.known(placements)
    at = _company_days(k, known)
    placed_fields: dict[str, set[str]] = defaultdict(set)
    for p, offer in known:
        placed_fields[p.student_id].add(offer.field_id)
    return {
        "coverage": len(known),
        "stability": sum(
            prev.status == "published" and _kept(prev, placements) for prev in problem.previous
        ),
        "fairness": sum(
            bool(fields & top_fields(problem, sid)) for sid, fields in placed_fields.items()
        ),
        "wishes": _wish_points(problem, known),
        "interest": sum(k.score(p.student_id, o.field_id) for p, o in known),
        "travel": sum(k.travel.minutes(p.student_id, o.company_id) for p, o in known),
        "together": sum(
            pair.relation == "together" and bool(at[pair.student_a] & at[pair.student_b])
            for pair in problem.pairs
        ),
    }
