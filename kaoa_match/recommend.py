"""Late registrations: places for new students without moving anybody.

A student who registers after the plan was published gets a place from what
is still free: each offer's capacity less the plan's load on that day, a
group with a minimum size (``offers.min_group``) only while it runs (the
student alone could not open one). For each new student the best complete
options (all BFE days needed, or one Praktikum block) come in the order of
the contract's levels: a top-3 field first, then wish points, interest and
travel. Several new students share the free places: they are booked jointly
(CP-SAT over their best options: as many students placed as possible, then
the levels), not one after the other. No row of the published plan changes.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from ortools.sat.python import cp_model

from kaoa_match.calendar import WorkingDays
from kaoa_match.exceptions import KaoaMatchError
from kaoa_match.options import build_options, explain_no_option
from kaoa_match.plan import ASSIGNMENT_COLUMNS
from kaoa_match.solvers.result import assignment_row
from kaoa_match.solvers.variables import BFE, Candidates, WishMatches
from kaoa_match.wishes import WishTable

if TYPE_CHECKING:
    import datetime as dt

    from numpy.typing import NDArray

    from kaoa_match.model import Problem
    from kaoa_match.options import Options

__all__ = ["Option", "Recommendations", "UnknownStudentsError", "recommend"]

_PER_DATE = 8  # best offers per candidate date combined into complete options
_KEPT_PER_STUDENT = 40  # complete options per student the joint booking chooses from


class UnknownStudentsError(KaoaMatchError):
    """A student to recommend for is not in the input."""


@dataclass(frozen=True)
class Option:
    """One complete option of a student: its placements and their values."""

    rows: tuple[tuple[object, ...], ...]  # assignment rows (plan.ASSIGNMENT_COLUMNS)
    top: bool  # a placement in one of the student's top-3 fields
    wishes: int  # points of the wishes it grants (6 - rank each)
    interest: int
    travel: int
    slots: tuple[int, ...] = field(repr=False)  # (offer, day) places it takes

    @property
    def key(self) -> tuple[int, int, int, int]:
        """Larger is better, level by level."""
        return (int(self.top), self.wishes, self.interest, -self.travel)


@dataclass(frozen=True)
class Recommendations:
    """Per new student: the best options, the one booked, or why there is none."""

    options: dict[str, list[Option]]
    booked: dict[str, Option]
    reasons: dict[str, str]

    def booked_rows(self) -> pd.DataFrame:
        """The assignment rows of the joint booking (plan.ASSIGNMENT_COLUMNS)."""
        rows = [row for option in self.booked.values() for row in option.rows]
        return pd.DataFrame(rows, columns=ASSIGNMENT_COLUMNS)


def recommend(
    problem: Problem,
    assignments: pd.DataFrame,
    student_ids: list[str],
    top: int = 5,
    seed: int = 0,
) -> Recommendations:
    """The best ``top`` complete options of each new student in the free places
    of the published plan ``assignments``, and a joint booking of all of them.

    Raises :class:`UnknownStudentsError` naming every ID not in ``problem``.
    """
    index = {s.student_id: i for i, s in enumerate(problem.students)}
    unknown = [sid for sid in student_ids if sid not in index]
    if unknown:
        raise UnknownStudentsError(f"not in the input: {', '.join(unknown)}")
    wanted = list(dict.fromkeys(student_ids))
    sub = problem.model_copy(
        update={
            "students": tuple(problem.students[index[sid]] for sid in wanted),
            "previous": (),
            "pairs": (),
        }
    )
    opts = build_options(sub)
    free = _FreePlaces.of(problem, opts, assignments)
    cand = Candidates.from_options(opts, free.usable(opts))
    wishes = WishMatches.of(WishTable.of(sub), cand)
    per_student: dict[str, list[Option]] = {}
    reasons: dict[str, str] = {}
    for s, sid in enumerate(wanted):
        found = _complete_options(sub, opts, cand, wishes, s)
        found.sort(key=lambda o: o.key, reverse=True)
        per_student[sid] = found[:_KEPT_PER_STUDENT]
        if not found:
            reasons[sid] = _why_none(sub, opts, cand, s)
    booked = _book_jointly(per_student, free, seed)
    shown = {sid: options[:top] for sid, options in per_student.items()}
    for sid, option in booked.items():
        if option not in shown[sid]:
            shown[sid] = [*shown[sid][: top - 1], option]
    return Recommendations(shown, booked, reasons)


@dataclass(frozen=True)
class _FreePlaces:
    """Places left per (offer, day) after the published plan, and which groups run."""

    free: NDArray[np.int64]  # per slot = offer * n_days + day
    running: NDArray[np.bool_]  # per slot: the plan has students there
    min_group: NDArray[np.int64]  # per offer
    n_days: int

    @classmethod
    def of(cls, problem: Problem, opts: Options, assignments: pd.DataFrame) -> _FreePlaces:
        n_days = len(opts.days)
        offer_index = {o.offer_id: j for j, o in enumerate(problem.offers)}
        working = WorkingDays.for_problem(problem)
        load: Counter[int] = Counter()
        for offer_id, first, last in zip(
            assignments["offer_id"], assignments["start_date"], assignments["end_date"], strict=True
        ):
            j = offer_index.get(str(offer_id))
            if j is None:
                continue
            for day in working.between(_date(first), _date(last)):
                d = opts.days.index_of(day)
                if d is not None:
                    load[j * n_days + d] += 1
        capacity = np.repeat([o.capacity for o in problem.offers], n_days).astype(np.int64)
        taken = np.zeros(len(capacity), dtype=np.int64)
        for slot, count in load.items():
            taken[slot] = count
        minimum = [o.smallest_group if o.kind == "bfe" else 1 for o in problem.offers]
        return cls(
            np.maximum(capacity - taken, 0), taken > 0, np.asarray(minimum, np.int64), n_days
        )

    def usable(self, opts: Options) -> NDArray[np.bool_]:
        """Options with a free place on each of their days, in a group that runs
        (or one the student alone may open)."""
        offer = np.asarray(opts.offer, np.int64)
        first = np.asarray(opts.first_day, np.int64)
        length = np.asarray(opts.n_days, np.int64)
        ok = np.ones(len(offer), dtype=bool)
        for step in range(int(length.max(initial=1))):
            day = first + np.minimum(step, length - 1)
            ok &= self.free[offer * self.n_days + day] > 0
        bfe = np.asarray(opts.kind) == BFE
        closed = ~self.running[offer * self.n_days + first] & (self.min_group[offer] > 1)
        return ok & ~(bfe & closed)


def _date(value: object) -> dt.date:
    return pd.Timestamp(str(value)).date()


def _complete_options(
    problem: Problem, opts: Options, cand: Candidates, wishes: WishMatches, s: int
) -> list[Option]:
    """Every complete option of student ``s`` from the candidates (BFE: the best
    few offers per date, combined over distinct dates and Berufsfelder)."""
    mine = np.flatnonzero(cand.student == s)
    points = wishes.option_points(len(cand))
    top = set(opts.top_fields[s])
    if int(opts.praktikum_needed[s]):
        blocks = mine[cand.kind[mine] != BFE]
        return [_option(problem, opts, cand, wishes, [int(i)], top) for i in blocks.tolist()]
    needed = int(opts.bfe_needed[s])
    if needed == 0:
        return []
    by_date: dict[int, list[int]] = {}
    best_first = sorted(
        mine.tolist(),
        key=lambda i: (-(int(cand.field[i]) in top), -points[i], -cand.score[i], cand.travel[i]),
    )
    for i in best_first:
        day = by_date.setdefault(int(cand.first_day[i]), [])
        if len(day) < _PER_DATE and all(cand.field[j] != cand.field[i] for j in day):
            day.append(i)
    found = []
    for dates in itertools.combinations(sorted(by_date), needed):
        for picks in itertools.product(*(by_date[d] for d in dates)):
            if len({int(cand.field[i]) for i in picks}) == needed:
                found.append(_option(problem, opts, cand, wishes, list(picks), top))
    return found


def _option(
    problem: Problem,
    opts: Options,
    cand: Candidates,
    wishes: WishMatches,
    picks: list[int],
    top: set[int],
) -> Option:
    plan = np.zeros(len(cand), dtype=bool)
    plan[picks] = True
    ordered = sorted(picks, key=lambda i: int(cand.first_day[i]))
    rows = [assignment_row(problem, opts, cand, i) for i in ordered]
    slots = [
        int(cand.offer[i]) * len(opts.days) + d
        for i in ordered
        for d in range(int(cand.first_day[i]), int(cand.first_day[i] + cand.n_days[i]))
    ]
    return Option(
        rows=tuple(rows),
        top=any(int(cand.field[i]) in top for i in picks),
        wishes=wishes.value(plan),
        interest=int(cand.score[picks].sum()),
        travel=int(cand.travel[picks].sum()),
        slots=tuple(slots),
    )


def _why_none(problem: Problem, opts: Options, cand: Candidates, s: int) -> str:
    """Why student ``s`` has no complete option in the free places."""
    for kind in ("bfe", "praktikum"):
        needed = int(opts.bfe_needed[s]) if kind == "bfe" else int(opts.praktikum_needed[s])
        if needed and (s, kind) in opts.no_option_reason:
            return opts.no_option_reason[(s, kind)]
    if not int(opts.bfe_needed[s]) and not int(opts.praktikum_needed[s]):
        return explain_no_option(problem, s, "bfe") or "needs no placement (no calendar row)"
    if int(opts.praktikum_needed[s]):
        return "every Praktikum offer in reach is full on some day of each possible block"
    mine = np.flatnonzero(cand.student == s)
    dates = sorted({opts.days[int(d)] for d in cand.first_day[mine]})
    fields = {int(f) for f in cand.field[mine]}
    needed = int(opts.bfe_needed[s])
    shown = ", ".join(str(d) for d in dates) or "none"
    return (
        f"{needed} BFE days are needed, but free places (in groups that run) are left on "
        f"{len(dates)} candidate date(s) ({shown}) in {len(fields)} Berufsfeld(er): the "
        "rest is full"
    )


def _book_jointly(
    per_student: dict[str, list[Option]], free: _FreePlaces, seed: int
) -> dict[str, Option]:
    """One option per student (or none), places shared: the most students
    placed, then the levels over all of them, lexicographically."""
    if not any(per_student.values()):
        return {}
    model = cp_model.CpModel()
    choice: dict[tuple[str, int], cp_model.IntVar] = {}
    for sid, options in per_student.items():
        for k in range(len(options)):
            choice[(sid, k)] = model.new_bool_var(f"{sid}/{k}")
        model.add_at_most_one(choice[(sid, k)] for k in range(len(options)))
    users: dict[int, list[cp_model.IntVar]] = {}
    for (sid, k), var in choice.items():
        for slot in per_student[sid][k].slots:
            users.setdefault(slot, []).append(var)
    for slot, taking in users.items():
        if len(taking) > free.free[slot]:
            model.add(sum(taking) <= int(free.free[slot]))
    levels = [
        lambda o: 1,
        lambda o: int(o.top),
        lambda o: o.wishes,
        lambda o: o.interest,
        lambda o: -o.travel,
    ]
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    for value in levels:
        expr = sum(value(per_student[sid][k]) * var for (sid, k), var in choice.items())
        model.maximize(expr)
        status = solver.solve(model, None)
        if status != cp_model.OPTIMAL:
            raise KaoaMatchError(f"booking the new students failed ({solver.status_name(status)})")
        model.add(expr >= round(solver.objective_value))
    return {sid: per_student[sid][k] for (sid, k), var in choice.items() if solver.value(var) == 1}


def booked_plan(
    problem: Problem,
    assignments: pd.DataFrame,
    unassigned: pd.DataFrame,
    summary: dict[str, object],
    recs: Recommendations,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, dict[str, object]]:
    """The published plan with the joint booking added: its assignments,
    unassigned, changes (``newly placed``) and summary tables.

    Every old row stays. The summary keeps the published plan's entries,
    with the values a recount of the new assignments gives where the
    assignments alone decide them; its bounds are dropped (``null``): the plan
    was not optimised again, so no bound is proven for it.
    """
    from kaoa_match.changes import CHANGE_COLUMNS, NEWLY_PLACED
    from kaoa_match.report.data import headline, normalise_assignments, normalise_unassigned

    new_rows = normalise_assignments(recs.booked_rows())
    old = normalise_assignments(assignments)
    placed = pd.concat([old, new_rows], ignore_index=True) if len(new_rows) else old
    placed = placed.sort_values(["school_id", "student_id", "start_date"], ignore_index=True)
    school = {s.student_id: s.school_id for s in problem.students}
    newcomers = set(recs.options)
    short = normalise_unassigned(unassigned)
    short = short[~short["student_id"].isin(newcomers)]
    missing = []
    for sid, reason in recs.reasons.items():
        for kind in ("bfe", "praktikum"):
            if _needed(problem, sid, kind):
                missing.append((sid, school[sid], kind, _needed(problem, sid, kind), reason))
    extra = pd.DataFrame(missing, columns=short.columns)
    short = pd.concat([short, extra], ignore_index=True) if missing else short
    changes = pd.DataFrame(
        [
            (
                row[0],
                row[1],
                row[2],
                NEWLY_PLACED,
                "",
                f"{row[3]} {date_span(row[6], row[7])}",
                "late registration: placed in a free place",
            )
            for row in recs.booked_rows().itertuples(index=False)
        ],
        columns=CHANGE_COLUMNS,
    )
    values = headline(problem, placed, short, summary)
    objectives = dict(summary.get("objectives", {}))  # type: ignore[call-overload]
    objectives.update(
        coverage=len(placed),
        fairness=values.fairness,
        wishes=values.wishes,
        interest=values.interest,
        travel=values.travel,
    )
    new_summary = dict(summary) | {
        "status": "feasible",
        "objectives": objectives,
        "bounds": dict.fromkeys(objectives),
        "gaps": dict.fromkeys(objectives),
        "bound_sources": dict.fromkeys(objectives, "none: booked into a published plan"),
        "assigned_rows": len(placed),
        "students_short": int(short["student_id"].nunique()),
        "newly_placed": sorted(recs.booked),
    }
    return placed, short, changes, new_summary


def _needed(problem: Problem, student_id: str, kind: str) -> int:
    student = next(s for s in problem.students if s.student_id == student_id)
    for entry in problem.calendar:
        if (entry.school_id, entry.grade, entry.kind) == (student.school_id, student.grade, kind):
            return entry.needed_days if kind == "bfe" else 1
    return 0


def date_span(first: object, last: object) -> str:
    """``2026-11-03`` for a day, ``2027-01-11 to 2027-01-22`` for a block."""
    return str(first) if str(first) == str(last) else f"{first} to {last}"
