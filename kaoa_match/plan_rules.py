"""The hard rules of the contract, checked on a plan before it is written.

Every command that writes a plan (``solve``, ``recommend --book``, a batch)
runs :func:`broken_rules` on its assignments first; a broken rule is a bug and
raises :class:`~kaoa_match.exceptions.PlanRuleError`, so nothing is written.
Which single placements are allowed at all is decided by
:func:`kaoa_match.options.allowed_rows`, the solver's own eligibility code; the
rules across rows are counted here from the rows themselves: BFE days needed,
distinct dates and Berufsfelder, one Praktikum block, one place per date across
kinds, capacity and minimum groups per day, ``apart`` pairs, locked rows.

The tests keep an independent checker (``tests/checker.py``) written from the
contract alone; this one guards the files planners receive.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING

import numpy as np

from kaoa_match.calendar import WorkingDays
from kaoa_match.exceptions import PlanRuleError
from kaoa_match.model import PLANNED_KINDS
from kaoa_match.options import allowed_rows

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
        self.days = [
            working.between(first, last)
            for first, last in zip(frame["start_date"], frame["end_date"], strict=True)
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
        )
        return [
            f"[eligibility] {self._where(k)}: not an allowed date, block or offer for the "
            "student (calendar, offer dates, grade, Schulform, needs, qualifications, age "
            "or travel)"
            for k in np.flatnonzero(~allowed).tolist()
        ]

    def per_student(self) -> list[str]:
        needed = _needed_days(self.problem)
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
            fields = Counter(self._offer(k).field_id for k in ks if self._offer(k).kind == "bfe")
            broken += [
                f"[bfe-fields] student {sid}: {n} BFE days in Berufsfeld {field}"
                for field, n in fields.items()
                if n > 1
            ]
            dates = Counter(day for k in ks for day in self.days[k])
            broken += [
                f"[one-place-a-day] student {sid}: {n} placements on {day}"
                for day, n in sorted(dates.items())
                if n > 1
            ]
        return broken

    def per_offer_day(self) -> list[str]:
        present: Counter[tuple[str, dt.date]] = Counter()
        for k, oid in enumerate(self.frame["offer_id"]):
            present.update((oid, day) for day in self.days[k])
        broken = []
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

    def apart(self) -> list[str]:
        at: dict[str, set[tuple[str, dt.date]]] = defaultdict(set)
        for k, sid in enumerate(self.frame["student_id"]):
            company = self._offer(k).company_id
            at[sid].update((company, day) for day in self.days[k])
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
            if p.status == "locked"
            and p.kind in PLANNED_KINDS  # the other kinds are not planned yet
            and (p.student_id, p.offer_id, p.start_date) not in kept
        ]

    def _offer(self, k: int) -> Offer:
        return self.row_offers[k]


def _needed_days(problem: Problem) -> dict[str, int]:
    """BFE days each student needs (students without a BFE calendar row: 0)."""
    days = {(e.school_id, e.grade): e.needed_days for e in problem.calendar if e.kind == "bfe"}
    return {s.student_id: days.get((s.school_id, s.grade), 0) for s in problem.students}
