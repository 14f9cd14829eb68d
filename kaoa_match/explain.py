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
from kaoa_match.i18n import _, date_text, ngettext, span_text
from kaoa_match.model import WEEKDAYS
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
        raise UnknownStudentError(
            _("unknown student_id {student_id}: not in the input").format(
                student_id=repr(student_id)
            )
        )
    case = _Case.build(problem, student, normalise_assignments(assignments), summary or {})
    lines = [case.title()]
    for kind in ("bfe", "praktikum"):
        lines += case.section(kind)
    lines += case.course_section() + case.langzeit_section()
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
    weekdays: frozenset[str] = frozenset()  # a Langzeitpraktikum's


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
        weekdays = mine.reindex(columns=["weekdays"])["weekdays"].fillna("").astype(str)
        self.chosen = [
            _Placement(
                offers[o],
                first,
                last,
                int(score),
                int(minutes),
                frozenset(filter(None, days.split("|"))),
            )
            for o, first, last, score, minutes, days in zip(
                mine["offer_id"],
                mine["start_date"],
                mine["end_date"],
                mine["score"],
                mine["travel_min"],
                weekdays,
                strict=True,
            )
        ]
        self.others = assignments[assignments["student_id"] != self.sid]
        self.level_status: dict[str, str] = dict(summary.get("level_status", {}))
        # Levels the plan held within a tolerance: {level: {"reached", "held_at"}}.
        self.tolerance_held: dict[str, dict[str, int]] = dict(summary.get("tolerance_held", {}))
        self.bounds: dict[str, int | None] = dict(summary.get("bounds", {}))
        self.tolerance = {
            str(row["level"]): float(row.get("tolerance") or 0)
            for row in summary.get("priorities", [])
            if isinstance(row, dict)
        }
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
        return _(
            "{student} at {school} ({school_id}), grade {grade}; top-3 fields: {fields}"
        ).format(
            student=self.sid,
            school=school,
            school_id=self.school.school_id,
            grade=self.student.grade,
            fields=fields or _("none (no interest scores)"),
        )

    def _score_at(self, j: int) -> int:
        return self.scores[self.problem.fields[j].field_id]

    def section(self, kind: Kind) -> list[str]:
        needed = self._needed(kind)
        chosen = [p for p in self.chosen if p.offer.kind == kind]
        if needed == 0 and not chosen:
            return []
        placed = (
            ngettext(
                "BFE: {placed} of {needed} day placed",
                "BFE: {placed} of {needed} days placed",
                needed,
            )
            if kind == "bfe"
            else _("Praktikum: {placed} of {needed} block placed")
        )
        lines = [placed.format(placed=len(chosen), needed=needed)]
        reason = self.options.no_option_reason.get((0, kind))
        if reason:
            lines.append("  " + _("no possible placement at all: {reason}").format(reason=reason))
        lines += self._top_fields_without_offers(kind)
        lines.append(_("chosen:"))
        lines += [f"  {self._placement(p)}" for p in sorted(chosen, key=lambda p: p.first)]
        if not chosen:
            lines.append("  " + _("none"))
        if kind == "bfe" and len(chosen) < needed and not reason:
            lines += self._dates_left_open(chosen)
        items = self._better(kind, chosen, short=len(chosen) < needed)
        lines.append(_("better options not chosen:") if chosen else _("options not chosen:"))
        names = {c.company_id: c.name for c in self.problem.companies}
        lines += _listed(items, names) or [
            "  " + _("none: every other option scores lower or is farther")
        ]
        return lines

    def _top_fields_without_offers(self, kind: Kind) -> list[str]:
        """A line naming the student's top-3 fields in which the Kreis has no
        offer of ``kind`` at all (so no plan could place the student there)."""
        offered = {o.field_id for o in self.problem.offers if o.kind == kind and o.capacity > 0}
        top = sorted(top_fields(interest_matrix(self.sub))[0], key=lambda j: -self._score_at(j))
        missing = [self.problem.fields[j].field_id for j in top]
        missing = [field for field in missing if field not in offered]
        if not missing:
            return []
        text = (
            _("no BFE offer at all in top-3 field(s): {fields}")
            if kind == "bfe"
            else _("no Praktikum offer at all in top-3 field(s): {fields}")
        )
        return ["  " + text.format(fields=", ".join(missing))]

    def _dates_left_open(self, chosen: Sequence[_Placement]) -> list[str]:
        """For a student short of BFE days: each candidate date without a
        placement, and why no offer open that day was taken (counted per reason)."""
        used = {p.first for p in chosen}
        candidates = [
            d
            for e in self.problem.calendar
            if (e.school_id, e.grade, e.kind) == (self.student.school_id, self.student.grade, "bfe")
            for d in self._days(e)
        ]
        far = _("more than {limit} minutes away").format(limit=self.limit)
        lines = [_("candidate dates without a placement:")]
        for day in sorted(set(candidates) - used):
            reasons: dict[str, int] = {}
            for offer in self.problem.offers:
                if offer.kind == "bfe" and offer.start_date <= day <= offer.last_date:
                    reason = (
                        far
                        if self.travel[offer.company_id] > self.limit
                        else self._offer_rule(offer, [(day, day)])
                        or self._slot_reason(offer, day, day, None)
                    )
                    reasons[reason] = reasons.get(reason, 0) + 1
            text = "; ".join(
                ngettext("{n} offer: {reason}", "{n} offers: {reason}", n).format(n=n, reason=r)
                for r, n in sorted(reasons.items(), key=lambda item: (-item[1], item[0]))
            )
            lines.append(f"  {date_text(day)}: {text or _('no BFE offer is open on that date')}")
        return lines

    def _needed(self, kind: Kind) -> int:
        if kind == "bfe":
            return int(self.options.bfe_needed[0])
        return int(self.options.praktikum_needed[0])

    def _placement(self, p: _Placement) -> str:
        return f"{span_text(p.first, p.last)}: {self._offer_text(p.offer, p.score, p.travel)}"

    def _offer_text(self, offer: Offer, score: int, travel: int) -> str:
        company = self.companies[offer.company_id]
        name = company.name or company.company_id
        return _("{field} ({score}) at {company} ({company_id}), {minutes} min").format(
            field=offer.field_id,
            score=score,
            company=name,
            company_id=company.company_id,
            minutes=travel,
        )

    # --- Praxiskurse and the Langzeitpraktikum ---------------------------------

    def course_section(self) -> list[str]:
        """The student's courses, and each course in reach not taken, with why
        not: full, no running group, other dates taken, Berufsfeld already
        used, outside the window, too far."""
        needed = int(self.options.courses_needed[0])
        chosen = [p for p in self.chosen if p.offer.kind == "praxiskurs"]
        if needed == 0 and not chosen:
            return []
        head = ngettext(
            "Praxiskurse: {placed} of {needed} course placed",
            "Praxiskurse: {placed} of {needed} courses placed",
            needed,
        ).format(placed=len(chosen), needed=needed)
        items = []
        for offer in self.problem.offers:
            if offer.kind != "praxiskurs" or any(p.offer is offer for p in chosen):
                continue
            reason = self._course_reason(offer, chosen, short=len(chosen) < needed)
            if reason:
                score = self.scores.get(offer.field_id, 0)
                dates = (offer.start_date, offer.last_date)
                items.append(_Item(offer, dates, score, self.travel[offer.company_id], reason))
        return self._new_kind_lines(head, "praxiskurs", chosen, items)

    def _course_reason(self, offer: Offer, chosen: Sequence[_Placement], short: bool) -> str:
        """Why a course was not taken, or ``""`` where it would not be better."""
        windows = [
            e
            for e in self.problem.calendar
            if (e.school_id, e.grade, e.kind)
            == (self.student.school_id, self.student.grade, "praxiskurs")
        ]
        inside = any(
            w.start_date <= offer.start_date and offer.last_date <= w.last_date for w in windows
        )
        slots = [(offer.start_date, offer.last_date)] if inside else []
        rule = self._offer_rule(offer, slots)
        if rule:
            return rule
        score, travel = self.scores.get(offer.field_id, 0), self.travel[offer.company_id]
        beaten = _beaten(score, travel, chosen)
        if beaten is None and not short:
            return ""
        same_field = [p for p in chosen if p.offer.field_id == offer.field_id]
        if same_field:
            return _("Berufsfeld {field} already taken in the course from {date}").format(
                field=offer.field_id, date=date_text(same_field[0].first)
            )
        clash = self._dates_taken(offer.start_date, offer.last_date, pause=False)
        if clash:
            return clash
        taken = int((self.others["offer_id"] == offer.offer_id).sum())
        if taken >= offer.capacity:
            return ngettext(
                "full ({count} of {capacity} seat taken by other students)",
                "full ({count} of {capacity} seats taken by other students)",
                offer.capacity,
            ).format(count=taken, capacity=offer.capacity)
        if taken == 0 and offer.smallest_group > 1:
            return _("the course did not reach its minimum group of {minimum}").format(
                minimum=offer.smallest_group
            )
        if self._apart_partner_there(offer, offer.start_date, offer.last_date):
            return _("a student this student must be kept apart from is there (pairs.csv)")
        return self._free_reason(beaten, score)

    def _dates_taken(self, first: dt.date, last: dt.date, pause: bool) -> str:
        """The student's own placement on a date from ``first`` to ``last``
        (``pause``: a Praktikum block does not count, a Langzeitpraktikum
        pauses for it), or ``""``."""
        for p in sorted(self.chosen, key=lambda p: p.first):
            if p.offer.kind == "langzeit" or (pause and p.offer.kind == "praktikum"):
                continue
            if p.first <= last and first <= p.last:
                what = {
                    "bfe": _("the student's BFE day on {date}"),
                    "praktikum": _("the student's Praktikum block from {date}"),
                    "praxiskurs": _("the student's Praxiskurs from {date}"),
                }[p.offer.kind]
                return _("other dates taken: {what}").format(
                    what=what.format(date=date_text(p.first))
                )
        return ""

    def langzeit_section(self) -> list[str]:
        """The student's Langzeitpraktikum, and each offer in reach not taken,
        weekday by weekday: full on it, or a date of it taken by a BFE day or
        a course."""
        needed = int(self.options.langzeit_needed[0])
        chosen = [p for p in self.chosen if p.offer.kind == "langzeit"]
        if needed == 0 and not chosen:
            return []
        head = _("Langzeitpraktikum: {placed} of {needed} placed").format(
            placed=len(chosen), needed=needed
        )
        period = next(
            (
                e
                for e in self.problem.calendar
                if (e.school_id, e.grade, e.kind)
                == (self.student.school_id, self.student.grade, "langzeit")
            ),
            None,
        )
        items = []
        for offer in self.problem.offers:
            if offer.kind != "langzeit" or any(p.offer is offer for p in chosen):
                continue
            score, travel = self.scores.get(offer.field_id, 0), self.travel[offer.company_id]
            if chosen and _beaten(score, travel, chosen) is None:
                continue
            reason = self._langzeit_reason(offer, period, chosen)
            items.append(_Item(offer, (), score, travel, reason))
        return self._new_kind_lines(head, "langzeit", chosen, items)

    def _langzeit_reason(
        self, offer: Offer, period: CalendarEntry | None, chosen: Sequence[_Placement]
    ) -> str:
        fits = period is not None and (
            offer.start_date <= period.start_date and period.last_date <= offer.last_date
        )
        rule = self._offer_rule(offer, [(offer.start_date, offer.last_date)] if fits else [])
        if rule or period is None:
            return rule or _("the school has no Langzeitpraktikum period for this grade")
        weekdays = [w for w in WEEKDAYS if w in period.allowed_weekdays & offer.weekdays]
        if not weekdays:
            return _("none of its weekdays is one the school allows")
        dates = self.working.between(period.start_date, period.last_date)
        per_weekday = []
        for weekday in weekdays:
            taken = sum(weekday in _weekday_set(cell) for cell in self._others_on(offer))
            clash = ""
            for day in (d for d in dates if WEEKDAYS[d.weekday()] == weekday):
                clash = self._dates_taken(day, day, pause=True)
                if clash:
                    break
            reason = clash or (
                _("full ({count} of {capacity} taken)").format(count=taken, capacity=offer.capacity)
                if taken >= offer.capacity
                else ""
            )
            per_weekday.append(weekday + ": " + (reason or _("room left")))
        if chosen:
            score = self.scores.get(offer.field_id, 0)
            beaten = _beaten(score, self.travel[offer.company_id], chosen)
            per_weekday.append(self._free_reason(beaten, score))
        return "; ".join(per_weekday)

    def _others_on(self, offer: Offer) -> list[object]:
        """The ``weekdays`` cells of the other students at a Langzeitpraktikum offer."""
        at = self.others[self.others["offer_id"] == offer.offer_id]
        return list(at["weekdays"]) if "weekdays" in at else []

    def _new_kind_lines(
        self, head: str, kind: Kind, chosen: Sequence[_Placement], items: list[_Item]
    ) -> list[str]:
        lines = [head]
        reason = self.options.no_option_reason.get((0, kind))
        if reason:
            lines.append("  " + _("no possible placement at all: {reason}").format(reason=reason))
        lines.append(_("chosen:"))
        for p in sorted(chosen, key=lambda p: p.first):
            text = self._placement(p)
            if p.weekdays:
                text += " " + _("on {weekdays}").format(
                    weekdays="|".join(sorted(p.weekdays, key=WEEKDAYS.index))
                )
            lines.append(f"  {text}")
        if not chosen:
            lines.append("  " + _("none"))
        lines.append(_("options not chosen:"))
        names = {c.company_id: c.name for c in self.problem.companies}
        lines += _listed(items, names) or [
            "  " + _("none: every other option scores lower or is farther")
        ]
        return lines

    # --- the student's own wishes ---------------------------------------------

    def wishes_section(self) -> list[str]:
        """Each wish of the student, rank first: granted on which dates, or why not."""
        mine = [w for w in self.problem.wishes if w.student_id == self.sid and len(w.targets) == 1]
        if not mine:
            return []
        lines = [_("wishes:")]
        for wish in sorted(mine, key=lambda w: w.rank):
            target, value = wish_target(wish)
            head = "  " + _("wish {rank}, {target} {name}").format(
                rank=wish.rank, target=_TARGET[target](), name=self._target_name(target, value)
            )
            granted = [p for p in self.chosen if _grants(p.offer, target, value)]
            if granted:
                text = _("granted ({dates})").format(dates=_dates(p.first for p in granted))
            else:
                text = _("not granted: {reason}").format(reason=self._wish_reason(target, value))
            lines.append(f"{head}: {text}")
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
            return _("no offer of the student's kind of placement is covered by it")
        texts = []
        for offer in offers[:_WISH_OFFERS_SHOWN]:
            score = self.scores.get(offer.field_id, 0)
            travel = self.travel[offer.company_id]
            slots = self._slots(offer)
            rule = self._offer_rule(offer, slots)
            if rule:
                texts.append(f"{offer.offer_id}: {rule}")
                continue
            by_reason: dict[str, list[dt.date]] = {}
            for first, last in slots:
                same_day = [p for p in self.chosen if p.first == first and offer.kind == "bfe"]
                beaten = _beaten(score, travel, same_day if same_day else self.chosen)
                reason = self._slot_reason(offer, first, last, beaten)
                by_reason.setdefault(reason, []).append(first)
            texts += [
                _("{offer_id} on {dates}: {reason}").format(
                    offer_id=offer.offer_id, dates=_dates(d), reason=r
                )
                for r, d in by_reason.items()
            ]
        more = len(offers) - _WISH_OFFERS_SHOWN
        if more > 0:
            texts.append(ngettext("and {n} more offer", "and {n} more offers", more).format(n=more))
        return "; ".join(texts)

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
            return _("has no places (capacity 0)")
        if offer.grades and student.grade not in offer.grades:
            return _("only for grade {grades}").format(grades=_joined(offer.grades))
        if offer.school_types and self.school.school_type not in offer.school_types:
            return _("only for {types} (Schulform)").format(types=_joined(offer.school_types))
        if not slots:
            return self._no_dates(offer)
        if not student.needs <= company.provides:
            return _("does not provide what the student needs (see students.csv)")
        if not company.requires <= student.qualifications:
            missing = _joined(company.requires - student.qualifications)
            return _("requires a qualification the student does not hold ({missing})").format(
                missing=missing
            )
        travel = self.travel[offer.company_id]
        if travel > self.limit:
            return _("too far ({minutes} minutes, the maximum is {limit})").format(
                minutes=travel, limit=self.limit
            )
        if company.min_age is not None and student.birth_date is None:
            return _("no birth date given, and the company requires age {age}").format(
                age=company.min_age
            )
        too_young = [first for first, _ in slots if not self._old_enough(offer, first)]
        if len(too_young) == len(slots):
            return _("too young on {dates} (the company requires age {age})").format(
                dates=_dates(too_young), age=company.min_age
            )
        return ""

    def _no_dates(self, offer: Offer) -> str:
        span = span_text(offer.start_date, offer.last_date)
        if offer.kind == "bfe":
            return _("not open on a BFE date of the school (open {span})").format(span=span)
        if offer.kind == "praxiskurs":
            return _("the course ({span}) does not lie inside the school's course window").format(
                span=span
            )
        if offer.kind == "langzeit":
            return _(
                "its period ({span}) does not contain the school's Langzeitpraktikum period"
            ).format(span=span)
        return _(
            "no block of the school's length fits inside both the school's Praktikum "
            "window and the offer's dates ({span})"
        ).format(span=span)

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
            return _("too young on that date (the company requires age {age})").format(age=min_age)
        if (offer.offer_id, first) not in self.allowed:
            return _("not allowed by the rules of the data contract on that date")
        clash = self._own_clash(offer, first, last, beaten)
        if clash:
            return clash
        full = self._full(offer, first, last) or self._closed_group(offer, first)
        if full:
            return full
        if self._apart_partner_there(offer, first, last):
            return _("a student this student must be kept apart from is there (pairs.csv)")
        return self._free_reason(beaten, self.scores.get(offer.field_id, 0))

    def _own_clash(
        self, offer: Offer, first: dt.date, last: dt.date, replaced: _Placement | None
    ) -> str:
        """The student's other placements that rule this one out: the same
        Berufsfeld on another BFE day, BFE days and Praktikum block overlapping,
        a course on those days, a Langzeitpraktikum date (it pauses for the
        Praktikum block)."""
        for p in self.chosen:
            if p is replaced:
                continue
            if offer.kind == "bfe" and p.offer.kind == "bfe" and p.offer.field_id == offer.field_id:
                return _("Berufsfeld {field} already placed on {date}").format(
                    field=offer.field_id, date=date_text(p.first)
                )
            overlaps = p.first <= last and first <= p.last
            if p.offer.kind == "praxiskurs" and overlaps:
                return _("the student's Praxiskurs runs from {first} to {last}").format(
                    first=date_text(p.first), last=date_text(p.last)
                )
            if p.offer.kind == "langzeit":
                clash = [
                    d
                    for d in self.working.between(max(first, p.first), min(last, p.last))
                    if WEEKDAYS[d.weekday()] in p.weekdays
                ]
                if clash and offer.kind != "praktikum":
                    return _("the student's Langzeitpraktikum is on {date}").format(
                        date=date_text(clash[0])
                    )
                continue
            if p.offer.kind != offer.kind and p.offer.kind != "praxiskurs" and overlaps:
                if offer.kind == "bfe":
                    return _("the student's Praktikum block covers that day")
                return _("overlaps the student's BFE day on {date}").format(date=date_text(p.first))
        return ""

    def _full(self, offer: Offer, first: dt.date, last: dt.date) -> str:
        present = self.others[self.others["offer_id"] == offer.offer_id]
        for day in self.working.between(first, last):
            count = int(((present["start_date"] <= day) & (present["end_date"] >= day)).sum())
            if count >= offer.capacity:
                text = (
                    ngettext(
                        "full ({count} of {capacity} place taken by other students)",
                        "full ({count} of {capacity} places taken by other students)",
                        offer.capacity,
                    )
                    if offer.kind == "bfe"
                    else ngettext(
                        "full on {date} ({count} of {capacity} place taken by other students)",
                        "full on {date} ({count} of {capacity} places taken by other students)",
                        offer.capacity,
                    )
                )
                return text.format(count=count, capacity=offer.capacity, date=date_text(day))
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
        text = (
            _("the Träger group on {date} did not reach its minimum of {minimum}")
            if self.companies[offer.company_id].provider_type == "traeger"
            else _("the group on {date} did not reach its minimum of {minimum}")
        )
        return text.format(date=date_text(day), minimum=offer.smallest_group)

    def _apart_partner_there(self, offer: Offer, first: dt.date, last: dt.date) -> bool:
        there = self.others[
            (self.others["company_id"] == offer.company_id)
            & self.others["student_id"].isin(self.partners)
        ]
        return bool(((there["start_date"] <= last) & (there["end_date"] >= first)).any())

    def _free_reason(self, beaten: _Placement | None, score: int) -> str:
        """A place was free: only a kept previous row or an unfinished proof explains it."""
        if beaten is not None and (beaten.offer.offer_id, beaten.first) in self.published:
            return _(
                "a place is free, but the placement on {date} was kept from the previous plan"
            ).format(date=date_text(beaten.first))
        level = "interest" if beaten is not None and score > beaten.score else "travel"
        if beaten is None:
            level = "coverage"
        held = self.tolerance_held.get(level)
        proven = self.level_status.get(level, "optimal") == "optimal" or (
            held is not None and held.get("reached") == self.bounds.get(level)
        )
        if not proven:
            return _(
                "a place is free; the run stopped before the {level} level was proven best"
            ).format(level=level)
        if held is not None:
            return _(
                "a place is free, but the plan may give up {tolerance} % of {level} "
                "for the levels after it in the order"
            ).format(tolerance=f"{self.tolerance.get(level, 0):g}", level=level)
        return _("a place is free, but taking it would lose on a level of higher priority")


def _beaten(score: int, travel: int, chosen: Sequence[_Placement]) -> _Placement | None:
    """The worst chosen placement that an option with ``score`` and ``travel`` beats:
    a higher score, or the same score nearer."""
    worse = [p for p in chosen if score > p.score or (score == p.score and travel < p.travel)]
    return min(worse, key=lambda p: (p.score, -p.travel)) if worse else None


def _listed(items: Sequence[_Item], names: Mapping[str, str]) -> list[str]:
    """The items best first, at most a few per Berufsfeld; the rest counted.
    Two offers of one company in one Berufsfeld are told apart by their IDs."""
    ordered = sorted(items, key=lambda i: (-i.score, i.travel, i.offer.offer_id, i.dates))
    offers: dict[tuple[str, str], set[str]] = {}
    for item in ordered:
        offers.setdefault((item.offer.company_id, item.offer.field_id), set()).add(
            item.offer.offer_id
        )
    alike = {key for key, ids in offers.items() if len(ids) > 1}
    shown: dict[str, int] = {}
    lines: list[str] = []
    hidden = 0
    for item in ordered:
        same = (item.offer.company_id, item.offer.field_id) in alike
        line = f"  {_item_text(item, names, same)}"
        field = item.offer.field_id
        if shown.get(field, 0) >= MAX_LINES_PER_FIELD:
            hidden += 1
            continue
        shown[field] = shown.get(field, 0) + 1
        lines.append(line)
    if hidden:
        lines.append(
            "  "
            + _(
                "... and {n} more, lower or farther (at most {shown} per Berufsfeld are listed)"
            ).format(n=hidden, shown=MAX_LINES_PER_FIELD)
        )
    return lines


def _item_text(item: _Item, names: Mapping[str, str], with_offer_id: bool) -> str:
    """One option not chosen; ``with_offer_id`` where another offer of the same
    company and Berufsfeld is listed too."""
    offer = item.offer
    company = names.get(offer.company_id) or offer.company_id
    which = offer.company_id
    if with_offer_id:
        which = _("{company_id}, offer {offer_id}").format(
            company_id=offer.company_id, offer_id=offer.offer_id
        )
    head = _("{field} ({score}) at {company} ({company_id}), {minutes} min").format(
        field=offer.field_id,
        score=item.score,
        company=company,
        company_id=which,
        minutes=item.travel,
    )
    if item.dates and offer.kind == "praxiskurs":
        head += ", " + _("course {span}").format(span=span_text(item.dates[0], item.dates[-1]))
    elif item.dates:
        when = (_("on {dates}") if offer.kind == "bfe" else _("block from {dates}")).format(
            dates=_dates(item.dates)
        )
        head += f", {when}"
    return f"{head}: {item.reason}"


def _grants(offer: Offer, target: str, value: str) -> bool:
    """Whether a placement at ``offer`` grants a wish for ``target`` ``value``."""
    return getattr(offer, f"{target}_id") == value


def _dates(days: Iterable[dt.date]) -> str:
    return ", ".join(date_text(d) for d in sorted(days))


_TARGET = {  # a wish's target, in words (called: the language is chosen at run time)
    "offer": lambda: _("offer"),
    "company": lambda: _("company"),
    "field": lambda: _("Berufsfeld"),
}


def _weekday_set(cell: object) -> set[str]:
    """A ``weekdays`` cell (``mo|di``; empty or missing for the other kinds)."""
    return set(cell.split("|")) if isinstance(cell, str) else set()


def _joined(values: Iterable[object]) -> str:
    return ", ".join(str(v) for v in sorted(values, key=str))
