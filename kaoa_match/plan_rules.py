"""The hard rules of the contract, checked on a plan before it is written.

Every command that writes a plan (``solve``, ``recommend --book``, a batch)
runs :func:`broken_rules` on its assignments first; a broken rule is a bug and
raises :class:`~kaoa_match.exceptions.PlanRuleError`, so nothing is written.
Which single placements are allowed at all is decided by
:func:`kaoa_match.options.allowed_rows`, the solver's own eligibility code; the
rules across rows are counted here from the rows themselves: BFE days and
courses needed, distinct Berufsfelder, one Praktikum block, one
Langzeitpraktikum, one place per date across kinds (a Langzeitpraktikum
pauses during a Praktikum block), capacity and minimum groups per day, per
course and per Langzeitpraktikum weekday, ``apart`` pairs, locked rows.

The tests keep an independent checker (``tests/checker.py``) written from the
contract alone; this one guards the files planners receive.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING

import numpy as np

from kaoa_match.calendar import WorkingDays
from kaoa_match.exceptions import PlanRuleError
from kaoa_match.model import WEEKDAYS
from kaoa_match.options import allowed_rows, weekday_mask

if TYPE_CHECKING:
    import datetime as dt

    import pandas as pd

    from kaoa_match.model import Offer, Problem

__all__ = ["broken_rules", "require_valid_plan"]

_CONSISTENT = ("school_id", "kind", "company_id", "field_id")  # columns that repeat the input


def require_valid_plan(problem: Problem, assignments: pd.DataFrame) -> None:
    """Raise :class:`PlanRuleError` listing every broken rule, if any."""
    broken = broken_rules(problem, assignments)
    if broken:
        raise PlanRuleError(broken)


def broken_rules(problem: Problem, assignments: pd.DataFrame) -> list[str]:
    """Every hard rule ``assignments`` (the columns of ``assignments.csv``)
    breaks for ``problem``, one message each; ``[]`` for a valid plan."""
    rows = _Rows.of(problem, assignments)
    broken = rows.unknown + rows.inconsistent() + rows.not_allowed()
    return broken + rows.per_student() + rows.per_offer_day() + rows.apart() + rows.locked()


class _Rows:
    """The plan's rows with their student and offer, and the days each covers."""

    def __init__(self, problem: Problem, frame: pd.DataFrame, unknown: list[str]) -> None:
        self.problem, self.frame, self.unknown = problem, frame, unknown
        self.offers = {o.offer_id: o for o in problem.offers}
        students = {s.student_id: i for i, s in enumerate(problem.students)}
        self.student_index = np.asarray([students[s] for s in frame["student_id"]], np.int32)
        offers = {o.offer_id: j for j, o in enumerate(problem.offers)}
        self.offer_index = np.asarray([offers[o] for o in frame["offer_id"]], np.int32)
        self.row_offers = [self.offers[o] for o in frame["offer_id"]]
        working = WorkingDays.for_problem(problem)
        self.weekdays = [_weekday_set(cell) for cell in frame["weekdays"]]
        self.days = [
            working.between(first, last)
            for first, last in zip(frame["start_date"], frame["end_date"], strict=True)
        ]
        for k, offer in enumerate(self.row_offers):
            if offer.kind == "langzeit":  # its dates: the weekdays in the school's period
                self.days[k] = [
                    d for d in self.days[k] if WEEKDAYS[d.weekday()] in self.weekdays[k]
                ]

    @classmethod
    def of(cls, problem: Problem, assignments: pd.DataFrame) -> _Rows:
        from kaoa_match.report.data import normalise_assignments  # the report reads options

        frame = normalise_assignments(assignments)  # text IDs and kinds, real dates
        known_students = {s.student_id for s in problem.students}
        known_offers = {o.offer_id for o in problem.offers}
        unknown = []
        keep = np.ones(len(frame), dtype=bool)
        for k, (sid, oid) in enumerate(zip(frame["student_id"], frame["offer_id"], strict=True)):
            if sid not in known_students or oid not in known_offers:
                what = f"student {sid}" if sid not in known_students else f"offer {oid}"
                unknown.append(f"[unknown] row {k + 1}: {what} is not in the input")
                keep[k] = False
        return cls(problem, frame[keep].reset_index(drop=True), unknown)

    def _where(self, k: int) -> str:
        row = self.frame.iloc[k]
        return f"student {row['student_id']} at offer {row['offer_id']} on {row['start_date']}"

    def inconsistent(self) -> list[str]:
        school = {s.student_id: s.school_id for s in self.problem.students}
        broken = []
        for k, row in enumerate(self.frame.itertuples(index=False)):
            offer = self.offers[str(row.offer_id)]
            expected = (school[str(row.student_id)], offer.kind, offer.company_id, offer.field_id)
            for column, want in zip(_CONSISTENT, expected, strict=True):
                if getattr(row, column) != want:
                    got = getattr(row, column)
                    broken.append(f"[{column}] {self._where(k)}: {got!r}, the input has {want!r}")
        return broken

    def not_allowed(self) -> list[str]:
        allowed = allowed_rows(
            self.problem,
            self.student_index,
            self.offer_index,
            list(self.frame["start_date"]),
            list(self.frame["end_date"]),
            [weekday_mask(days) for days in self.weekdays],
        )
        return [
            f"[eligibility] {self._where(k)}: not an allowed date, block or offer for the "
            "student (calendar, offer dates, grade, Schulform, needs, qualifications, age "
            "or travel)"
            for k in np.flatnonzero(~allowed).tolist()
        ]

    def per_student(self) -> list[str]:
        needed = _needed_days(self.problem)
        courses = _needed_courses(self.problem)
        by_student: dict[str, list[int]] = defaultdict(list)
        for k, sid in enumerate(self.frame["student_id"]):
            by_student[sid].append(k)
        broken = []
        for sid, ks in by_student.items():
            kinds = Counter(self._offer(k).kind for k in ks)
            if kinds["bfe"] > needed.get(sid, 0):
                broken.append(
                    f"[bfe-days] student {sid}: {kinds['bfe']} BFE days, needs {needed.get(sid, 0)}"
                )
            if kinds["praktikum"] > 1:
                broken.append(f"[praktikum-blocks] student {sid}: {kinds['praktikum']} blocks")
            if kinds["praxiskurs"] > courses.get(sid, 0):
                broken.append(
                    f"[courses] student {sid}: {kinds['praxiskurs']} Praxiskurse, takes "
                    f"{courses.get(sid, 0)}"
                )
            if kinds["langzeit"] > 1:
                broken.append(f"[langzeit] student {sid}: {kinds['langzeit']} Langzeitpraktika")
            for kind, what in (("bfe", "BFE days"), ("praxiskurs", "Praxiskurse")):
                fields = Counter(self._offer(k).field_id for k in ks if self._offer(k).kind == kind)
                broken += [
                    f"[{kind}-fields] student {sid}: {n} {what} in Berufsfeld {field}"
                    for field, n in fields.items()
                    if n > 1
                ]
            broken += self._dates(sid, ks)
        return broken

    def _dates(self, sid: str, ks: list[int]) -> list[str]:
        """No two placements on one date; a Langzeitpraktikum pauses during
        the Praktikum block (its dates may be the block's)."""
        dates = Counter(
            day for k in ks if self._offer(k).kind != "langzeit" for day in self.days[k]
        )
        broken = [
            f"[one-place-a-day] student {sid}: {n} placements on {day}"
            for day, n in sorted(dates.items())
            if n > 1
        ]
        block = {day for k in ks if self._offer(k).kind == "praktikum" for day in self.days[k]}
        langzeit = Counter(
            day for k in ks if self._offer(k).kind == "langzeit" for day in self.days[k]
        )
        return broken + [
            f"[one-place-a-day] student {sid}: a Langzeitpraktikum and another placement on {day}"
            for day in sorted(langzeit)
            if day not in block and dates[day] + langzeit[day] > 1
        ]

    def per_offer_day(self) -> list[str]:
        present: Counter[tuple[str, dt.date]] = Counter()
        per_course: Counter[str] = Counter()
        per_weekday: Counter[tuple[str, str]] = Counter()
        for k, oid in enumerate(self.frame["offer_id"]):
            kind = self._offer(k).kind
            if kind == "praxiskurs":
                per_course[oid] += 1
            elif kind == "langzeit":
                per_weekday.update((oid, w) for w in self.weekdays[k])
            else:
                present.update((oid, day) for day in self.days[k])
        broken = self._per_course(per_course)
        for (oid, weekday), n in sorted(per_weekday.items()):
            if n > self.offers[oid].capacity:
                broken.append(
                    f"[capacity] Langzeitpraktikum offer {oid} on {weekday}: {n} students, "
                    f"{self.offers[oid].capacity}"
                )
        for (oid, day), n in sorted(present.items()):
            offer = self.offers[oid]
            if n > offer.capacity:
                broken.append(f"[capacity] offer {oid} on {day}: {n} students, {offer.capacity}")
            if offer.kind == "bfe" and n < offer.smallest_group:
                broken.append(
                    f"[min-group] offer {oid} on {day}: {n} students, minimum "
                    f"{offer.smallest_group}"
                )
        return broken

    def _per_course(self, per_course: Counter[str]) -> list[str]:
        broken = []
        for oid, n in sorted(per_course.items()):
            offer = self.offers[oid]
            if n > offer.capacity:
                broken.append(f"[capacity] course {oid}: {n} participants, {offer.capacity}")
            if n < offer.smallest_group:
                broken.append(
                    f"[min-group] course {oid}: {n} participants, minimum {offer.smallest_group}"
                )
        return broken

    def apart(self) -> list[str]:
        # A Langzeitpraktikum pauses during the student's Praktikum block: its
        # dates there are no dates at its company.
        block: dict[str, set[dt.date]] = defaultdict(set)
        for k, sid in enumerate(self.frame["student_id"]):
            if self._offer(k).kind == "praktikum":
                block[sid].update(self.days[k])
        at: dict[str, set[tuple[str, dt.date]]] = defaultdict(set)
        for k, sid in enumerate(self.frame["student_id"]):
            offer = self._offer(k)
            paused = block[sid] if offer.kind == "langzeit" else set()
            at[sid].update((offer.company_id, day) for day in self.days[k] if day not in paused)
        broken = []
        for pair in self.problem.pairs:
            shared = at[pair.student_a] & at[pair.student_b]
            if pair.relation == "apart" and shared:
                company, day = min(shared)
                broken.append(
                    f"[apart] students {pair.student_a} and {pair.student_b} are both at "
                    f"company {company} on {day}"
                )
        return broken

    def locked(self) -> list[str]:
        frame = self.frame
        kept = set(zip(frame["student_id"], frame["offer_id"], frame["start_date"], strict=True))
        return [
            f"[locked] the locked row of student {p.student_id} at offer {p.offer_id} on "
            f"{p.start_date} is not kept"
            for p in self.problem.previous
            if p.status == "locked" and (p.student_id, p.offer_id, p.start_date) not in kept
        ]

    def _offer(self, k: int) -> Offer:
        return self.row_offers[k]


def _weekday_set(cell: object) -> frozenset[str]:
    """A ``weekdays`` cell (``mo|di``; empty or missing for the other kinds)."""
    if not isinstance(cell, str):
        return frozenset()
    return frozenset(part.strip() for part in cell.split("|") if part.strip())


def _needed_courses(problem: Problem) -> dict[str, int]:
    """Praxiskurse each listed participant takes (others: 0)."""
    courses = {
        (e.school_id, e.grade): e.needed_days for e in problem.calendar if e.kind == "praxiskurs"
    }
    listed = {p.student_id for p in problem.participants if p.kind == "praxiskurs"}
    return {
        s.student_id: courses.get((s.school_id, s.grade), 0)
        for s in problem.students
        if s.student_id in listed
    }


def _needed_days(problem: Problem) -> dict[str, int]:
    """BFE days each student needs (students without a BFE calendar row: 0)."""
    days = {(e.school_id, e.grade): e.needed_days for e in problem.calendar if e.kind == "bfe"}
    return {s.student_id: days.get((s.school_id, s.grade), 0) for s in problem.students}
