"""The Kreis at a glance: students, places and demand, before any solving.

``validate`` prints this so a KoKo planner sees where places are short while
there is still time to acquire more. Every table is a pandas DataFrame; the
only student data in it is the pseudonymous ``student_id``.

Demand is an expectation, not a plan:

- BFE: a student who needs ``k`` BFE days and has ``n`` candidate dates is
  counted as ``min(1, k / n)`` of a student on each candidate date (the days
  spread evenly over the dates), and that share is split equally over the
  student's top-3 fields (data contract, fairness; a student without top
  fields is split over all fields). Summed over students, per field and date.
- Praktikum: each student who needs a block counts as one, split the same way
  over the top-3 fields. Places are the offers' capacities (interns present at
  the same time), so an offer whose range spans two school windows can take
  more students over the year than this shows.
- Praxiskurs: per course, its seats against the participants who may take it
  (an option exists for them: window, Schulform, reach), so a course that
  cannot fill its minimum group shows before the solve.
- Langzeitpraktikum: a participant who needs ``k`` days a week and whose
  school allows ``n`` weekdays counts ``k / n`` on each of them; places are
  the offers' capacities on each weekday they take students.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kaoa_match.model import DEFAULT_PRIORITIES, WEEKDAYS
from kaoa_match.options import KIND_CODE, interest_matrix, top_fields

if TYPE_CHECKING:
    import datetime as dt

    from numpy.typing import NDArray

    from kaoa_match.calendar import DayIndex
    from kaoa_match.model import Priority, Problem
    from kaoa_match.options import Options

_MAX_ROWS = 20  # rows per table in the console report


@dataclass(frozen=True)
class KreisSummary:
    """Tables describing one Kreis; see the module docstring for demand.

    - ``students``: per school and grade: ``school_id, school_type, grade,
      students, bfe_days`` (BFE days each needs, 0 = none), ``praktikum``
      (True when they need a block), ``praxiskurs, langzeit`` (participants
      listed for each), ``bfe_no_option, praktikum_no_option`` (students
      with no possible placement of that kind).
    - ``bfe_places``: ``field_id, date, places``: summed capacity of the BFE
      offers open on that working day.
    - ``bfe_balance``: per field and candidate date: ``field_id, date,
      demand, places, shortfall`` (``max(0, demand - places)``).
    - ``praktikum_balance``: per field: ``field_id, demand, places,
      shortfall``.
    - ``courses``: per Praxiskurs offer: ``offer_id, field_id, start_date,
      end_date, seats, min_group`` (1 when not given) and ``takers``
      (participants who may take it).
    - ``langzeit_balance``: per weekday (``mo`` .. ``fr``): ``weekday,
      demand, places, shortfall``.
    - ``no_option``: ``student_id, school_id, kind, reason`` for each student
      who needs a placement of that kind but has no possible one at all.
    - ``priorities``: the order of the levels a solve follows, highest first,
      with their tolerances; ``priorities_given``: whether the input sets
      them (else they are the default).
    """

    students: pd.DataFrame
    bfe_places: pd.DataFrame
    bfe_balance: pd.DataFrame
    praktikum_balance: pd.DataFrame
    no_option: pd.DataFrame
    courses: pd.DataFrame
    langzeit_balance: pd.DataFrame
    priorities: tuple[Priority, ...] = DEFAULT_PRIORITIES
    priorities_given: bool = False


def summarize(problem: Problem, options: Options) -> KreisSummary:
    """Tables of students, places and demand of every kind for ``problem``."""
    weights = _field_weights(problem)
    places = _bfe_places(problem, options)
    return KreisSummary(
        students=_students(problem, options),
        bfe_places=places,
        bfe_balance=_bfe_balance(problem, options, weights, places),
        praktikum_balance=_praktikum_balance(problem, options, weights),
        no_option=_no_option(problem, options),
        courses=_courses(problem, options),
        langzeit_balance=_langzeit_balance(problem, options),
        priorities=problem.effective_priorities,
        priorities_given=bool(problem.priorities),
    )


def _field_weights(problem: Problem) -> NDArray[np.float64]:
    """Shape (students, fields): 1/|top-3| on each top field, else 1/|fields|."""
    n_students, n_fields = len(problem.students), len(problem.fields)
    weights = np.full((n_students, n_fields), 1.0 / max(n_fields, 1))
    for i, top in enumerate(top_fields(interest_matrix(problem))):
        if top:
            weights[i] = 0.0
            weights[i, sorted(top)] = 1.0 / len(top)
    return weights


def _students(problem: Problem, options: Options) -> pd.DataFrame:
    school_type = {s.school_id: s.school_type for s in problem.schools}
    no_bfe = np.zeros(len(problem.students), dtype=bool)
    no_praktikum = np.zeros(len(problem.students), dtype=bool)
    for i, kind in options.no_option_reason:
        if kind in ("bfe", "praktikum"):  # the other kinds are in ``no_option``
            (no_bfe if kind == "bfe" else no_praktikum)[i] = True
    frame = pd.DataFrame(
        {
            "school_id": [s.school_id for s in problem.students],
            "grade": [s.grade for s in problem.students],
            "bfe_days": options.bfe_needed.astype(int),
            "praktikum": options.praktikum_needed > 0,
            "praxiskurs": options.courses_needed > 0,
            "langzeit": options.langzeit_needed > 0,
            "bfe_no_option": no_bfe,
            "praktikum_no_option": no_praktikum,
        }
    )
    table = (
        frame.groupby(["school_id", "grade"], sort=True)
        .agg(
            students=("grade", "size"),
            bfe_days=("bfe_days", "max"),
            praktikum=("praktikum", "any"),
            praxiskurs=("praxiskurs", "sum"),
            langzeit=("langzeit", "sum"),
            bfe_no_option=("bfe_no_option", "sum"),
            praktikum_no_option=("praktikum_no_option", "sum"),
        )
        .reset_index()
    )
    table.insert(1, "school_type", table["school_id"].map(school_type))
    return table


def _bfe_places(problem: Problem, options: Options) -> pd.DataFrame:
    """Capacity of BFE offers on each working day of their ranges, per field."""
    rows: dict[tuple[str, dt.date], int] = {}
    for offer in problem.offers:
        if offer.kind != "bfe" or offer.capacity == 0:
            continue
        for day in _between(options.days, offer.start_date, offer.last_date):
            key = (offer.field_id, day)
            rows[key] = rows.get(key, 0) + offer.capacity
    frame = pd.DataFrame(
        [(f, d, c) for (f, d), c in rows.items()],
        columns=["field_id", "date", "places"],
    )
    return frame.sort_values(["field_id", "date"], ignore_index=True)


def _between(days: DayIndex, first: dt.date, last: dt.date) -> tuple[dt.date, ...]:
    """The working days in ``[first, last]`` (the horizon holds every one)."""
    lo = bisect.bisect_left(days.days, first)
    return days.days[lo : bisect.bisect_right(days.days, last)]


def _bfe_demand(
    problem: Problem, options: Options, weights: NDArray[np.float64]
) -> dict[tuple[str, dt.date], float]:
    """Expected students per (field, candidate date); see the module docstring."""
    candidates: dict[tuple[str, int], set[dt.date]] = {}
    for entry in problem.calendar:
        if entry.kind == "bfe":
            span = _between(options.days, entry.start_date, entry.last_date)
            candidates.setdefault((entry.school_id, entry.grade), set()).update(span)
    demand: dict[tuple[str, dt.date], float] = {}
    for i, student in enumerate(problem.students):
        dates = candidates.get((student.school_id, student.grade), set())
        need = int(options.bfe_needed[i])
        if need == 0 or not dates:
            continue
        share = min(1.0, need / len(dates))
        for j in np.flatnonzero(weights[i]).tolist():
            for day in dates:
                key = (problem.fields[j].field_id, day)
                demand[key] = demand.get(key, 0.0) + share * weights[i, j]
    return demand


def _bfe_balance(
    problem: Problem,
    options: Options,
    weights: NDArray[np.float64],
    places: pd.DataFrame,
) -> pd.DataFrame:
    demand = _bfe_demand(problem, options, weights)
    frame = pd.DataFrame(
        [(f, d, v) for (f, d), v in demand.items()],
        columns=["field_id", "date", "demand"],
    )
    frame = frame.merge(places, on=["field_id", "date"], how="left")
    frame["places"] = frame["places"].fillna(0).astype(int)
    return _with_shortfall(frame.sort_values(["date", "field_id"], ignore_index=True))


def _praktikum_balance(
    problem: Problem, options: Options, weights: NDArray[np.float64]
) -> pd.DataFrame:
    field_ids = [f.field_id for f in problem.fields]
    needing = options.praktikum_needed > 0
    demand = weights[needing].sum(axis=0) if needing.any() else np.zeros(len(field_ids))
    places = dict.fromkeys(field_ids, 0)
    for offer in problem.offers:
        if offer.kind == "praktikum":
            places[offer.field_id] = places.get(offer.field_id, 0) + offer.capacity
    frame = pd.DataFrame(
        {
            "field_id": field_ids,
            "demand": demand,
            "places": [places[f] for f in field_ids],
        }
    )
    return _with_shortfall(frame)


def _courses(problem: Problem, options: Options) -> pd.DataFrame:
    """Each Praxiskurs with its seats and the participants who may take it."""
    course = options.kind == KIND_CODE["praxiskurs"]
    pairs = np.unique(
        np.c_[options.offer[course].astype(np.int64), options.student[course].astype(np.int64)],
        axis=0,
    )
    takers = np.bincount(pairs[:, 0], minlength=len(problem.offers)) if len(pairs) else None
    rows = [
        (
            o.offer_id,
            o.field_id,
            o.start_date,
            o.last_date,
            o.capacity,
            o.min_group or 1,
            int(takers[j]) if takers is not None else 0,
        )
        for j, o in enumerate(problem.offers)
        if o.kind == "praxiskurs"
    ]
    columns = ["offer_id", "field_id", "start_date", "end_date", "seats", "min_group", "takers"]
    return pd.DataFrame(rows, columns=columns)


def _langzeit_balance(problem: Problem, options: Options) -> pd.DataFrame:
    """Expected Langzeitpraktikum students against places, per weekday."""
    allowed = {
        (e.school_id, e.grade): (e.needed_days, e.allowed_weekdays)
        for e in problem.calendar
        if e.kind == "langzeit"
    }
    demand = dict.fromkeys(WEEKDAYS, 0.0)
    for i, student in enumerate(problem.students):
        row = allowed.get((student.school_id, student.grade))
        if options.langzeit_needed[i] == 0 or row is None:
            continue
        days, weekdays = row
        for day in weekdays:
            demand[day] += min(1.0, days / len(weekdays))
    places = dict.fromkeys(WEEKDAYS, 0)
    for offer in problem.offers:
        if offer.kind == "langzeit":
            for day in offer.weekdays:
                places[day] += offer.capacity
    if not any(demand.values()) and not any(places.values()):
        return pd.DataFrame(columns=["weekday", "demand", "places", "shortfall"])
    frame = pd.DataFrame(
        {
            "weekday": list(WEEKDAYS),
            "demand": [demand[d] for d in WEEKDAYS],
            "places": [places[d] for d in WEEKDAYS],
        }
    )
    return _with_shortfall(frame)


def _with_shortfall(frame: pd.DataFrame) -> pd.DataFrame:
    frame["demand"] = frame["demand"].astype(float).round(1)
    frame["shortfall"] = (frame["demand"] - frame["places"]).clip(lower=0).round(1)
    return frame


def _no_option(problem: Problem, options: Options) -> pd.DataFrame:
    rows = [
        (problem.students[i].student_id, problem.students[i].school_id, kind, reason)
        for (i, kind), reason in sorted(
            options.no_option_reason.items(), key=lambda item: (item[0][1], item[0][0])
        )
    ]
    return pd.DataFrame(rows, columns=["student_id", "school_id", "kind", "reason"])


# --------------------------------------------------------------------------
# Console report


def render_summary(summary: KreisSummary, max_rows: int = _MAX_ROWS) -> str:
    """A compact plain-text report: a few short tables, the top rows of long ones."""
    per_date = (
        summary.bfe_balance.groupby("date", as_index=False)[["demand", "places"]]
        .sum()
        .pipe(_with_shortfall)
        .sort_values(["shortfall", "date"], ascending=[False, True])
    )
    short = summary.bfe_balance[summary.bfe_balance["shortfall"] > 0]
    sections = [
        ("Students per school and grade", summary.students),
        ("BFE per candidate date, all Berufsfelder, largest shortfall first", per_date),
        (
            "BFE: Berufsfelder and dates short of places, largest first",
            short.sort_values(["shortfall", "date"], ascending=[False, True]),
        ),
        ("Praktikum per Berufsfeld", summary.praktikum_balance),
        ("Praxiskurse: seats and participants who may take each course", summary.courses),
        ("Langzeitpraktikum per weekday", summary.langzeit_balance),
        (_no_option_title(summary.no_option), summary.no_option),
    ]
    # A Kreis without Praxiskurse or Langzeitpraktikum shows no empty sections of them.
    optional = {id(summary.courses), id(summary.langzeit_balance)}
    parts = [
        _section(title, table, max_rows)
        for title, table in sections
        if not (table.empty and id(table) in optional)
    ]
    return "\n\n".join([*parts, _priorities_section(summary)])


def _priorities_section(summary: KreisSummary) -> str:
    """The order of the levels the plan follows, the input's or the default
    (``coverage > ... > interest (tolerance 1 %) > travel``)."""
    levels = [
        f"{p.level} (tolerance {p.tolerance:g} %)" if p.tolerance else p.level
        for p in summary.priorities
    ]
    where = "from the input" if summary.priorities_given else "the default"
    return f"Order of the levels, highest first ({where})\n  {' > '.join(levels)}"


def _no_option_title(table: pd.DataFrame) -> str:
    counts = table["kind"].value_counts()
    parts = ", ".join(f"{kind}: {counts.get(kind, 0)}" for kind in KIND_CODE)
    return f"Students with no possible placement ({parts})"


def _section(title: str, table: pd.DataFrame, max_rows: int) -> str:
    if table.empty:
        return f"{title}\n  (none)"
    text = table.head(max_rows).to_string(index=False)
    if len(table) > max_rows:
        text += f"\n  ... and {len(table) - max_rows} more"
    return f"{title}\n{text}"
