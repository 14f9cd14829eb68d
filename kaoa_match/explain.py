"""Why a student got what they got: ``python -m kaoa_match explain OUT STUDENT_ID``.

For one student of a written plan: the student's placements, and for each
option that would have been better (a field with a higher interest score, or the
same score nearer) why the plan does not use it: full on that day, too far,
Berufsfeld already used, day already used, too young on that date, outside
the grade, Schulform or dates of the offer, and so on.

Only the student asked about is named. Places taken by others are counts; an
``apart`` partner is "a student this student must be kept apart from". The
student's needs are never named (they can reveal a disability).

Which (offer, date) pairs are allowed at all is decided by
:func:`kaoa_match.options.build_options`, the same code the solver uses; the
rules here only put a name to why an offer is not allowed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kaoa_match.calendar import WorkingDays
from kaoa_match.exceptions import KaoaMatchError
from kaoa_match.options import build_options, interest_matrix, top_fields
from kaoa_match.travel import TravelTimes
from kaoa_match.wishes import wish_target

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterable, Mapping, Sequence

    import pandas as pd

    from kaoa_match.model import CalendarEntry, Kind, Offer, Problem, Student

__all__ = ["UnknownStudentError", "explain_output", "explain_student"]

MAX_LINES_PER_FIELD = 4
"""Lines listed per Berufsfeld among the better options; the rest are counted."""
_LABEL = {"bfe": "BFE", "praktikum": "Praktikum"}
_WISH_OFFERS_SHOWN = 3  # offers of one wish whose reasons are listed


class UnknownStudentError(KaoaMatchError):
    """The student_id is not in the input of the plan."""


def explain_output(
    out_dir: str | Path, student_id: str, input_dir: str | Path | None = None
) -> list[str]:
    """The explanation for ``student_id`` of the plan in ``out_dir``, as lines.

    The input (directory or workbook) is ``input_dir``, else the one
    ``summary.json`` names.
    """
    from kaoa_match.io.inputs import check_input
    from kaoa_match.io.read import previous_plan_file
    from kaoa_match.report.data import check_belongs, read_output

    plan = read_output(out_dir)
    source = input_dir or plan.summary.get("input")
    if not source:
        raise KaoaMatchError(
            f"{Path(out_dir)}/summary.json does not name the input; give --input DIR (or BOOK.xlsx)"
        )
    # the plan was made against this previous plan (solve --previous), if any
    previous = None if input_dir else plan.summary.get("previous")
    if previous and not previous_plan_file(previous).is_file():
        previous = None  # moved away since: explain without it
    problem, _ = check_input(source, previous=previous)
    check_belongs(problem, plan.assignments, plan.unassigned)
    return explain_student(problem, plan.assignments, student_id, plan.summary)


def explain_student(
    problem: Problem,
    assignments: pd.DataFrame,
    student_id: str,
    summary: Mapping[str, Any] | None = None,
) -> list[str]:
    """The explanation for one student, as lines of text.

    ``assignments`` is the whole plan (the columns of ``assignments.csv``);
    ``summary`` (``summary.json``) tells whether a level was proven optimal.
    Raises :class:`UnknownStudentError` if the student is not in ``problem``.
    """
    from kaoa_match.report.data import normalise_assignments

    student = next((s for s in problem.students if s.student_id == student_id), None)
    if student is None:
        raise UnknownStudentError(f"unknown student_id {student_id!r}: not in the input")
    case = _Case.build(problem, student, normalise_assignments(assignments), summary or {})
    lines = [case.title()]
    for kind in ("bfe", "praktikum"):
        lines += case.section(kind)
    return lines + case.wishes_section()


# --------------------------------------------------------------------------
# One student's situation


@dataclass(frozen=True)
class _Placement:
    offer: Offer
    first: dt.date
    last: dt.date
    score: int
    travel: int


@dataclass(frozen=True)
class _Item:
    """One line among the better options: an offer, its dates, and why not."""

    offer: Offer
    dates: tuple[dt.date, ...]
    score: int
    travel: int
    reason: str


class _Case:
    """Everything about one student needed to explain the plan."""

    def __init__(self, problem: Problem, student: Student) -> None:
        self.problem, self.student = problem, student
        self.sid = student.student_id
        self.sub = problem.model_copy(
            update={
                "students": (student,),
                "interests": tuple(r for r in problem.interests if r.student_id == self.sid),
                "pairs": (),
                "previous": (),
            }
        )
        self.options = build_options(self.sub)
        self.working = WorkingDays.for_problem(problem)
        self.scores = dict(
            zip(
                [f.field_id for f in problem.fields],
                interest_matrix(self.sub)[0].tolist(),
                strict=True,
            )
        )
        travel = TravelTimes(self.sub)
        self.limit = int(travel.limits[0])
        minutes = travel.from_students(0, 1)[0]
        self.travel = {c.company_id: int(minutes[j]) for j, c in enumerate(problem.companies)}
        self.companies = {c.company_id: c for c in problem.companies}
        self.school = next(s for s in problem.schools if s.school_id == student.school_id)

    @classmethod
    def build(
        cls,
        problem: Problem,
        student: Student,
        assignments: pd.DataFrame,
        summary: Mapping[str, Any],
    ) -> _Case:
        case = cls(problem, student)
        case._plan(assignments, summary)
        return case

    def _plan(self, assignments: pd.DataFrame, summary: Mapping[str, Any]) -> None:
        offers = {o.offer_id: o for o in self.problem.offers}
        mine = assignments[assignments["student_id"] == self.sid]
        self.chosen = [
            _Placement(offers[o], first, last, int(score), int(minutes))
            for o, first, last, score, minutes in zip(
                mine["offer_id"],
                mine["start_date"],
                mine["end_date"],
                mine["score"],
                mine["travel_min"],
                strict=True,
            )
        ]
        self.others = assignments[assignments["student_id"] != self.sid]
        self.level_status: dict[str, str] = dict(summary.get("level_status", {}))
        self.allowed = {
            (self.problem.offers[int(o)].offer_id, self.options.days[int(d)])
            for o, d in zip(self.options.offer, self.options.first_day, strict=True)
        }
        self.partners = {
            p.student_b if p.student_a == self.sid else p.student_a
            for p in self.problem.pairs
            if p.relation == "apart" and self.sid in (p.student_a, p.student_b)
        }
        self.published = {
            (p.offer_id, p.start_date) for p in self.problem.previous if p.student_id == self.sid
        }

    # --- text ------------------------------------------------------------------

    def title(self) -> str:
        school = self.school.name or self.school.school_id
        top = sorted(top_fields(interest_matrix(self.sub))[0], key=lambda j: -self._score_at(j))
        fields = ", ".join(f"{self.problem.fields[j].field_id} ({self._score_at(j)})" for j in top)
        return (
            f"{self.sid} at {school} ({self.school.school_id}), grade {self.student.grade}; "
            f"top-3 fields: {fields or 'none (no interest scores)'}"
        )

    def _score_at(self, j: int) -> int:
        return self.scores[self.problem.fields[j].field_id]

    def section(self, kind: Kind) -> list[str]:
        needed = self._needed(kind)
        chosen = [p for p in self.chosen if p.offer.kind == kind]
        if needed == 0 and not chosen:
            return []
        unit = "days" if kind == "bfe" else "block"
        lines = [f"{_LABEL[kind]}: {len(chosen)} of {needed} {unit} placed"]
        reason = self.options.no_option_reason.get((0, kind))
        if reason:
            lines.append(f"  no possible placement at all: {reason}")
        lines.append("chosen:")
        lines += [f"  {self._placement(p)}" for p in sorted(chosen, key=lambda p: p.first)]
        if not chosen:
            lines.append("  none")
        items = self._better(kind, chosen, short=len(chosen) < needed)
        lines.append("better options not chosen:" if chosen else "options not chosen:")
        names = {c.company_id: c.name for c in self.problem.companies}
        lines += _listed(items, names) or ["  none: every other option scores lower or is farther"]
        return lines

    def _needed(self, kind: Kind) -> int:
        if kind == "bfe":
            return int(self.options.bfe_needed[0])
        return int(self.options.praktikum_needed[0])

    def _placement(self, p: _Placement) -> str:
        dates = str(p.first) if p.first == p.last else f"{p.first} to {p.last}"
        return f"{dates}: {self._offer_text(p.offer, p.score, p.travel)}"

    def _offer_text(self, offer: Offer, score: int, travel: int) -> str:
        company = self.companies[offer.company_id]
        name = company.name or company.company_id
        return f"{offer.field_id} ({score}) at {name} ({company.company_id}), {travel} min"

    # --- the student's own wishes ---------------------------------------------

    def wishes_section(self) -> list[str]:
        """Each wish of the student, rank first: granted on which dates, or why not."""
        mine = [w for w in self.problem.wishes if w.student_id == self.sid and len(w.targets) == 1]
        if not mine:
            return []
        lines = ["wishes:"]
        for wish in sorted(mine, key=lambda w: w.rank):
            target, value = wish_target(wish)
            head = f"  wish {wish.rank}, {target} {self._target_name(target, value)}"
            granted = [p for p in self.chosen if _grants(p.offer, target, value)]
            if granted:
                lines.append(f"{head}: granted ({_dates(p.first for p in granted)})")
            else:
                lines.append(f"{head}: not granted: {self._wish_reason(target, value)}")
        return lines

    def _target_name(self, target: str, value: str) -> str:
        if target == "company" and value in self.companies:
            name = self.companies[value].name
            return f"{name} ({value})" if name else value
        return value

    def _wish_reason(self, target: str, value: str) -> str:
        """Why no offer the wish covers is in the plan: per offer, the reasons
        for its dates (the first few offers)."""
        offers = [
            o for o in self.problem.offers if _grants(o, target, value) and self._needed(o.kind) > 0
        ]
        if not offers:
            return "no offer of the student's kind of placement is covered by it"
        texts = []
        for offer in offers[:_WISH_OFFERS_SHOWN]:
            score = self.scores.get(offer.field_id, 0)
            travel = self.travel[offer.company_id]
            slots = self._slots(offer)
            rule = self._offer_rule(offer, slots)
            if rule:
                texts.append(f"{offer.offer_id} {rule}")
                continue
            by_reason: dict[str, list[dt.date]] = {}
            for first, last in slots:
                same_day = [p for p in self.chosen if p.first == first and offer.kind == "bfe"]
                beaten = _beaten(score, travel, same_day if same_day else self.chosen)
                reason = self._slot_reason(offer, first, last, beaten)
                by_reason.setdefault(reason, []).append(first)
            texts += [f"{offer.offer_id} on {_dates(d)}: {r}" for r, d in by_reason.items()]
        more = len(offers) - _WISH_OFFERS_SHOWN
        return "; ".join(texts) + (f"; and {more} more offers" if more > 0 else "")

    # --- the better options ---------------------------------------------------

    def _better(self, kind: Kind, chosen: Sequence[_Placement], short: bool) -> list[_Item]:
        items = []
        for offer in self.problem.offers:
            if offer.kind != kind:
                continue
            score = self.scores.get(offer.field_id, 0)
            travel = self.travel[offer.company_id]
            if not short and _beaten(score, travel, chosen) is None:
                continue
            for dates, reason in self._why_not(offer, score, travel, chosen, short):
                items.append(_Item(offer, dates, score, travel, reason))
        return items

    def _why_not(
        self,
        offer: Offer,
        score: int,
        travel: int,
        chosen: Sequence[_Placement],
        short: bool,
    ) -> list[tuple[tuple[dt.date, ...], str]]:
        """(dates, reason) for an offer: one pair for a rule of the whole offer,
        else one per reason shared by several dates (BFE days or block starts)."""
        slots = self._slots(offer)
        rule = self._offer_rule(offer, slots)
        if rule:
            return [((), rule)]
        by_reason: dict[str, list[dt.date]] = {}
        for first, last in slots:
            if any(p.offer.offer_id == offer.offer_id and p.first == first for p in chosen):
                continue
            # A BFE day the student already has is compared with that day's
            # placement (a swap); a free day with the weakest placement it beats.
            same_day = [p for p in chosen if p.first == first and offer.kind == "bfe"]
            beaten = _beaten(score, travel, same_day if same_day else chosen)
            if beaten is None and (same_day or not short):
                continue
            reason = self._slot_reason(offer, first, last, beaten)
            by_reason.setdefault(reason, []).append(first)
        return [(tuple(dates), reason) for reason, dates in by_reason.items()]

    def _slots(self, offer: Offer) -> list[tuple[dt.date, dt.date]]:
        """(first, last day) of each BFE date or Praktikum block of the student's
        school and grade that lies inside the offer's dates."""
        rows = [
            e
            for e in self.problem.calendar
            if e.school_id == self.student.school_id
            and e.grade == self.student.grade
            and e.kind == offer.kind
        ]
        if offer.kind == "bfe":
            days = sorted({d for e in rows for d in self._days(e)})
            return [(d, d) for d in days if offer.start_date <= d <= offer.last_date]
        blocks = []
        for entry in rows:
            days, n = self._days(entry), entry.needed_days
            for k in range(len(days) - n + 1 if n > 0 else 0):
                first, last = days[k], days[k + n - 1]
                if offer.start_date <= first and last <= offer.last_date:
                    blocks.append((first, last))
        return sorted(set(blocks))

    def _days(self, entry: CalendarEntry) -> list[dt.date]:
        return self.working.between(entry.start_date, entry.last_date)

    def _offer_rule(self, offer: Offer, slots: Sequence[tuple[dt.date, dt.date]]) -> str:
        """The first rule of the contract that excludes the whole offer, or ``""``."""
        student, company = self.student, self.companies[offer.company_id]
        if offer.capacity == 0:
            return "has no places (capacity 0)"
        if offer.grades and student.grade not in offer.grades:
            return f"only for grade {_joined(offer.grades)}"
        if offer.school_types and self.school.school_type not in offer.school_types:
            return f"only for {_joined(offer.school_types)} (Schulform)"
        if not slots:
            return self._no_dates(offer)
        if not student.needs <= company.provides:
            return "does not provide what the student needs (see students.csv)"
        if not company.requires <= student.qualifications:
            missing = _joined(company.requires - student.qualifications)
            return f"requires a qualification the student does not hold ({missing})"
        travel = self.travel[offer.company_id]
        if travel > self.limit:
            return f"too far ({travel} minutes, the maximum is {self.limit})"
        if company.min_age is not None and student.birth_date is None:
            return f"no birth date given, and the company requires age {company.min_age}"
        too_young = [first for first, _ in slots if not self._old_enough(offer, first)]
        if len(too_young) == len(slots):
            return f"too young on {_dates(too_young)} (the company requires age {company.min_age})"
        return ""

    def _no_dates(self, offer: Offer) -> str:
        span = f"{offer.start_date} to {offer.last_date}"
        if offer.kind == "bfe":
            return f"not open on a BFE date of the school (open {span})"
        return (
            "no block of the school's length fits inside both the school's Praktikum "
            f"window and the offer's dates ({span})"
        )

    def _old_enough(self, offer: Offer, day: dt.date) -> bool:
        min_age = self.companies[offer.company_id].min_age
        birth = self.student.birth_date
        if min_age is None:
            return True
        if birth is None:
            return False
        age = day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
        return age >= min_age

    def _slot_reason(
        self, offer: Offer, first: dt.date, last: dt.date, beaten: _Placement | None
    ) -> str:
        """Why an allowed date or block was not taken (or why it is not allowed)."""
        if not self._old_enough(offer, first):
            min_age = self.companies[offer.company_id].min_age
            return f"too young on that date (the company requires age {min_age})"
        if (offer.offer_id, first) not in self.allowed:
            return "not allowed by the rules of the data contract on that date"
        clash = self._own_clash(offer, first, last, beaten)
        if clash:
            return clash
        full = self._full(offer, first, last) or self._closed_group(offer, first)
        if full:
            return full
        if self._apart_partner_there(offer, first, last):
            return "a student this student must be kept apart from is there (pairs.csv)"
        return self._free_reason(beaten, self.scores.get(offer.field_id, 0))

    def _own_clash(
        self, offer: Offer, first: dt.date, last: dt.date, replaced: _Placement | None
    ) -> str:
        """The student's other placements that rule this one out: the same
        Berufsfeld on another BFE day, or BFE days and Praktikum block overlapping."""
        for p in self.chosen:
            if p is replaced:
                continue
            if offer.kind == "bfe" and p.offer.kind == "bfe" and p.offer.field_id == offer.field_id:
                return f"Berufsfeld {offer.field_id} already placed on {p.first}"
            if p.offer.kind != offer.kind and p.first <= last and first <= p.last:
                if offer.kind == "bfe":
                    return "the student's Praktikum block covers that day"
                return f"overlaps the student's BFE day on {p.first}"
        return ""

    def _full(self, offer: Offer, first: dt.date, last: dt.date) -> str:
        present = self.others[self.others["offer_id"] == offer.offer_id]
        for day in self.working.between(first, last):
            count = int(((present["start_date"] <= day) & (present["end_date"] >= day)).sum())
            if count >= offer.capacity:
                when = "" if offer.kind == "bfe" else f" on {day}"
                return f"full{when} ({count} of {offer.capacity} places taken by other students)"
        return ""

    def _closed_group(self, offer: Offer, day: dt.date) -> str:
        """A group with a minimum size that nobody else attends on ``day``: the
        student alone (or with the few who could come) would not make it run."""
        if offer.kind != "bfe" or offer.smallest_group <= 1:
            return ""
        present = self.others[
            (self.others["offer_id"] == offer.offer_id) & (self.others["start_date"] == day)
        ]
        if len(present) > 0:
            return ""
        who = (
            "Träger group"
            if self.companies[offer.company_id].provider_type == "traeger"
            else "group"
        )
        return f"the {who} on {day} did not reach its minimum of {offer.smallest_group}"

    def _apart_partner_there(self, offer: Offer, first: dt.date, last: dt.date) -> bool:
        there = self.others[
            (self.others["company_id"] == offer.company_id)
            & self.others["student_id"].isin(self.partners)
        ]
        return bool(((there["start_date"] <= last) & (there["end_date"] >= first)).any())

    def _free_reason(self, beaten: _Placement | None, score: int) -> str:
        """A place was free: only a kept previous row or an unfinished proof explains it."""
        if beaten is not None and (beaten.offer.offer_id, beaten.first) in self.published:
            return (
                f"a place is free, but the placement on {beaten.first} was kept "
                "from the previous plan"
            )
        level = "interest" if beaten is not None and score > beaten.score else "travel"
        if beaten is None:
            level = "coverage"
        if self.level_status.get(level, "optimal") != "optimal":
            return f"a place is free; the run stopped before the {level} level was proven best"
        return "a place is free, but taking it would lose on a level of higher priority"


def _beaten(score: int, travel: int, chosen: Sequence[_Placement]) -> _Placement | None:
    """The worst chosen placement that an option with ``score`` and ``travel`` beats:
    a higher score, or the same score nearer."""
    worse = [p for p in chosen if score > p.score or (score == p.score and travel < p.travel)]
    return min(worse, key=lambda p: (p.score, -p.travel)) if worse else None


def _listed(items: Sequence[_Item], names: Mapping[str, str]) -> list[str]:
    """The items best first, at most a few per Berufsfeld; the rest counted."""
    ordered = sorted(items, key=lambda i: (-i.score, i.travel, i.offer.offer_id, i.dates))
    shown: dict[str, int] = {}
    lines: list[str] = []
    hidden = 0
    for item in ordered:
        line = f"  {_item_text(item, names)}"
        if line in lines:  # two offers of one company and field, same reason
            continue
        field = item.offer.field_id
        if shown.get(field, 0) >= MAX_LINES_PER_FIELD:
            hidden += 1
            continue
        shown[field] = shown.get(field, 0) + 1
        lines.append(line)
    if hidden:
        lines.append(
            f"  ... and {hidden} more, lower or farther (at most {MAX_LINES_PER_FIELD} "
            "per Berufsfeld are listed)"
        )
    return lines


def _item_text(item: _Item, names: Mapping[str, str]) -> str:
    offer = item.offer
    name = names.get(offer.company_id) or offer.company_id
    head = f"{offer.field_id} ({item.score}) at {name} ({offer.company_id}), {item.travel} min"
    if item.dates:
        word = "on" if offer.kind == "bfe" else "block from"
        head += f", {word} {_dates(item.dates)}"
    return f"{head}: {item.reason}"


def _grants(offer: Offer, target: str, value: str) -> bool:
    """Whether a placement at ``offer`` grants a wish for ``target`` ``value``."""
    return getattr(offer, f"{target}_id") == value


def _dates(days: Iterable[dt.date]) -> str:
    return ", ".join(str(d) for d in sorted(days))


def _joined(values: Iterable[object]) -> str:
    return ", ".join(str(v) for v in sorted(values, key=str))
