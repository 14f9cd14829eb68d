"""Turn the solver's 0/1 answer into the plan's tables, with reasons for the unplaced."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kaoa_match.i18n import _, date_text, ngettext, span_text
from kaoa_match.options import weekday_names
from kaoa_match.plan import ASSIGNMENT_COLUMNS, UNASSIGNED_COLUMNS, Plan, Status
from kaoa_match.solvers.variables import BFE, COURSE, LANGZEIT, PRAKTIKUM
from kaoa_match.travel import max_travel_minutes

if TYPE_CHECKING:
    import datetime as dt

    from numpy.typing import NDArray

    from kaoa_match.model import Kind, Problem, Student
    from kaoa_match.options import Options
    from kaoa_match.solvers.search.lexicographic import LexResult
    from kaoa_match.solvers.variables import Candidates

KIND_NAME: dict[int, Kind] = {
    BFE: "bfe",
    PRAKTIKUM: "praktikum",
    COURSE: "praxiskurs",
    LANGZEIT: "langzeit",
}
_GROUPS_SHOWN = 3  # groups below their minimum named in one reason


def make_plan(
    problem: Problem,
    opts: Options,
    cand: Candidates,
    result: LexResult,
    seconds: float,
    stats: dict[str, float | int | str],
) -> Plan:
    chosen = np.flatnonzero(result.solution[: len(cand)] == 1)
    assignments = assignment_table(problem, opts, cand, chosen)
    coverage_proven = any(lv.name == "coverage" and lv.proven for lv in result.levels)
    unassigned = unassigned_table(problem, opts, cand, chosen, coverage_proven)
    status: Status = "optimal" if all(lv.proven for lv in result.levels) else "feasible"
    return Plan(status, result.levels, assignments, unassigned, seconds, result.interrupted, stats)


def assignment_table(
    problem: Problem, opts: Options, cand: Candidates, chosen: NDArray[np.int64]
) -> pd.DataFrame:
    """One row per BFE day, Praktikum block, course or Langzeitpraktikum,
    sorted by school, student, date."""
    rows = [assignment_row(problem, opts, cand, i) for i in chosen.tolist()]
    table = pd.DataFrame(rows, columns=ASSIGNMENT_COLUMNS)
    return table.sort_values(["school_id", "student_id", "start_date"], ignore_index=True)


def assignment_row(problem: Problem, opts: Options, cand: Candidates, i: int) -> tuple[object, ...]:
    """Candidate ``i`` as a row of ``assignments.csv`` (plan.ASSIGNMENT_COLUMNS):
    a Langzeitpraktikum row gives the school's period and its weekdays."""
    student = problem.students[int(cand.student[i])]
    offer = problem.offers[int(cand.offer[i])]
    first = int(cand.first_day[i])
    start, end = opts.days[first], opts.days[first + int(cand.n_days[i]) - 1]
    weekdays = ""
    if cand.kind[i] == LANGZEIT:
        start, end = langzeit_period(problem, student)
        weekdays = "|".join(weekday_names(int(cand.weekdays[i])))
    return (
        student.student_id,
        student.school_id,
        KIND_NAME[int(cand.kind[i])],
        offer.offer_id,
        offer.company_id,
        offer.field_id,
        start,
        end,
        int(cand.travel[i]),
        int(cand.score[i]),
        weekdays,
    )


def langzeit_period(problem: Problem, student: Student) -> tuple[dt.date, dt.date]:
    """The Langzeitpraktikum period of the student's school and grade."""
    entry = next(
        e
        for e in problem.calendar
        if (e.school_id, e.grade, e.kind) == (student.school_id, student.grade, "langzeit")
    )
    return entry.start_date, entry.last_date


def unassigned_table(
    problem: Problem,
    opts: Options,
    cand: Candidates,
    chosen: NDArray[np.int64],
    coverage_proven: bool,
) -> pd.DataFrame:
    """Each student short of placements: how many are missing and why."""
    n = len(problem.students)
    missing = {}
    for code, kind in KIND_NAME.items():
        got = np.bincount(cand.student[chosen[cand.kind[chosen] == code]], minlength=n)
        missing[kind] = np.asarray(opts.needed(kind), np.int64) - got
    explain = _Shortfall(problem, opts, cand, chosen)
    rows = []
    for kind, short in missing.items():
        for s in np.flatnonzero(short > 0).tolist():
            reason = opts.no_option_reason.get((s, kind)) or explain.why(s, kind)
            if not coverage_proven and (s, kind) not in opts.no_option_reason:
                reason += _(" (the run stopped before this was proven best)")
            student = problem.students[s]
            rows.append((student.student_id, student.school_id, kind, int(short[s]), reason))
    table = pd.DataFrame(rows, columns=UNASSIGNED_COLUMNS)
    return table.sort_values(["school_id", "student_id", "kind"], ignore_index=True)


class _Shortfall:
    """Why a student who has options still lacks a placement: they are all taken."""

    def __init__(
        self, problem: Problem, opts: Options, cand: Candidates, chosen: NDArray[np.int64]
    ) -> None:
        self.problem, self.opts = problem, opts
        self.limit = max_travel_minutes(problem)
        self.student = np.asarray(opts.student, np.int64)
        self.taken_days: dict[int, set[int]] = {}
        self.taken_fields: dict[int, set[int]] = {}
        self.running: set[tuple[int, int]] = set()  # (offer, day) with students
        self.traeger = {c.company_id for c in problem.companies if c.provider_type == "traeger"}
        self.names = {c.company_id: c.name or c.company_id for c in problem.companies}
        self.course_fields: dict[int, set[int]] = {}
        for i in chosen.tolist():
            s = int(cand.student[i])
            first = int(cand.first_day[i])
            self.running.add((int(cand.offer[i]), first))
            if cand.kind[i] != LANGZEIT:
                self.taken_days.setdefault(s, set()).update(cand.days_of(i))
            if cand.kind[i] == BFE:
                self.taken_fields.setdefault(s, set()).add(int(cand.field[i]))
            if cand.kind[i] == COURSE:
                self.course_fields.setdefault(s, set()).add(int(cand.field[i]))

    def why(self, s: int, kind: str) -> str:
        lo, hi = np.searchsorted(self.student, [s, s + 1])
        mine = np.arange(lo, hi)
        code = next(c for c, name in KIND_NAME.items() if name == kind)
        mine = mine[np.asarray(self.opts.kind)[mine] == code]
        limit = int(self.limit[s])
        if kind == "bfe":
            return self._bfe(s, mine, limit)
        if kind == "praxiskurs":
            return self._courses(s, mine, limit)
        if kind == "langzeit":
            return self._langzeit(s, mine, limit)
        first_days = self.opts.first_day[mine].astype(np.int64)
        length = int(self.opts.n_days[mine[0]])
        first = self.opts.days[int(first_days.min())]
        last = self.opts.days[int(first_days.max()) + length - 1]
        offers = len(set(self.opts.offer[mine].tolist()))
        return ngettext(
            "no offer has a free block of {length} working days between {first} and {last} "
            "within {limit} minutes ({n} offer, full)",
            "no offer has a free block of {length} working days between {first} and {last} "
            "within {limit} minutes ({n} offers, all full)",
            offers,
        ).format(length=length, first=date_text(first), last=date_text(last), limit=limit, n=offers)

    def _courses(self, s: int, mine: NDArray[np.int64], limit: int) -> str:
        """Why a participant got fewer courses than needed: none left in a
        Berufsfeld it has no course in, or those are full, do not run or fall
        on its other dates."""
        student = self.problem.students[s]
        windows = ", ".join(
            span_text(e.start_date, e.last_date)
            for e in self.problem.calendar
            if (e.school_id, e.grade, e.kind) == (student.school_id, student.grade, "praxiskurs")
        )
        used = self.course_fields.get(s, set())
        unused = [i for i in mine.tolist() if int(self.opts.field[i]) not in used]
        if not unused:
            return _(
                "no Praxiskurs in an unused Berufsfeld within {limit} minutes "
                "in the window {window}"
            ).format(limit=limit, window=windows)
        return ngettext(
            "{n} Praxiskurs in an unused Berufsfeld within {limit} minutes in the window "
            "{window} is full, does not run or falls on the student's other dates",
            "{n} Praxiskurse in an unused Berufsfeld within {limit} minutes in the window "
            "{window} are full, do not run or fall on the student's other dates",
            len(unused),
        ).format(n=len(unused), limit=limit, window=windows)

    def _langzeit(self, s: int, mine: NDArray[np.int64], limit: int) -> str:
        """Why a participant got no Langzeitpraktikum: every offer in reach is
        full on the weekdays allowed, or they fall on its BFE days or courses."""
        start, end = langzeit_period(self.problem, self.problem.students[s])
        offers = len(set(self.opts.offer[mine].tolist()))
        return ngettext(
            "{n} Langzeitpraktikum offer within {limit} minutes for the period {period} "
            "is full on the weekdays allowed, or they fall on the student's BFE days or courses",
            "{n} Langzeitpraktikum offers within {limit} minutes for the period {period} "
            "are full on the weekdays allowed, or they fall on the student's BFE days or courses",
            offers,
        ).format(n=offers, limit=limit, period=span_text(start, end))

    def _bfe(self, s: int, mine: NDArray[np.int64], limit: int) -> str:
        """Why the options of student ``s`` left BFE days open, and which of the
        school's candidate dates have no offer in reach at all."""
        used = self.taken_days.get(s, set())
        reached = {int(d) for d in self.opts.first_day[mine]}
        unreached = sorted(self._candidate_days(s) - reached - used)
        if not unreached:
            return self._bfe_options(s, mine, limit)
        none_there = _("on {dates} no offer within {limit} minutes is open").format(
            dates=self._dates(unreached), limit=limit
        )
        if reached <= used:  # every date in reach is taken: the open dates are the story
            return none_there
        return f"{self._bfe_options(s, mine, limit)}; {none_there}"

    def _candidate_days(self, s: int) -> set[int]:
        """Day indices of the BFE candidate dates of student ``s``'s school and grade."""
        student = self.problem.students[s]
        days: set[int] = set()
        for entry in self.problem.calendar:
            if (entry.school_id, entry.grade, entry.kind) == (
                student.school_id,
                student.grade,
                "bfe",
            ):
                for day in self.opts.working.between(entry.start_date, entry.last_date):
                    index = self.opts.days.index_of(day)
                    if index is not None:
                        days.add(index)
        return days

    def _bfe_options(self, s: int, mine: NDArray[np.int64], limit: int) -> str:
        days_used = self.taken_days.get(s, set())
        fields_used = self.taken_fields.get(s, set())
        free_day = [int(d) not in days_used for d in self.opts.first_day[mine]]
        new_field = [int(f) not in fields_used for f in self.opts.field[mine]]
        open_ = mine[np.asarray(free_day, bool) & np.asarray(new_field, bool)]
        if len(open_) == 0:
            free_days = sorted({int(d) for d in self.opts.first_day[mine]} - days_used)
            if not free_days:
                return _(
                    "offers within {limit} minutes only on the candidate dates already "
                    "used: no other date has one"
                ).format(limit=limit)
            return _(
                "on {dates} the only offers within {limit} minutes are in Berufsfelder already used"
            ).format(dates=self._dates(free_days), limit=limit)
        offers = self.problem.offers
        closed = [
            i
            for i in open_.tolist()
            if offers[int(self.opts.offer[i])].smallest_group > 1
            and (int(self.opts.offer[i]), int(self.opts.first_day[i])) not in self.running
        ]
        groups = self._closed_groups(closed)
        open_ = np.setdiff1d(open_, closed)
        if len(open_) == 0:
            return groups
        by_day: dict[int, int] = {}
        for i in open_.tolist():
            day = int(self.opts.first_day[i])
            by_day[day] = by_day.get(day, 0) + 1
        parts = [
            ngettext("{date} ({n} offer)", "{date} ({n} offers)", k).format(
                date=date_text(self.opts.days[d]), n=k
            )
            for d, k in sorted(by_day.items())
        ]
        return _(
            "every place in a Berufsfeld not yet used within {limit} minutes is taken on {dates}"
        ).format(
            limit=limit, dates=", ".join(parts[:4]) + (_(" and more") if len(parts) > 4 else "")
        ) + (f"; {groups}" if groups else "")

    def _closed_groups(self, closed: list[int]) -> str:
        """Why the options ``closed`` (at offer-days nobody attends) were not
        taken: their group would have been below its minimum size."""
        texts = []
        for i in closed[:_GROUPS_SHOWN]:
            offer = self.problem.offers[int(self.opts.offer[i])]
            day = self.opts.days[int(self.opts.first_day[i])]
            text = (
                _(
                    "the Träger group of offer {offer} ({company}) on {date} did not reach "
                    "its minimum of {n}"
                )
                if offer.company_id in self.traeger
                else _(
                    "the group of offer {offer} ({company}) on {date} did not reach its "
                    "minimum of {n}"
                )
            )
            company = self.names.get(offer.company_id, offer.company_id)
            texts.append(
                text.format(
                    offer=offer.offer_id,
                    company=company,
                    date=date_text(day),
                    n=offer.smallest_group,
                )
            )
        more = _(" and more") if len(closed) > _GROUPS_SHOWN else ""
        return "; ".join(texts) + more

    def _dates(self, days: list[int]) -> str:
        shown = ", ".join(date_text(self.opts.days[d]) for d in days[:4])
        return shown + (_(" and more") if len(days) > 4 else "")
