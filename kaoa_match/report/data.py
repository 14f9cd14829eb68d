"""The figures of the report, gathered once from the problem and the plan.

Everything here is a count per school, Schulform, Berufsfeld, date or
company. The only student data used is the pseudonymous ``student_id``, and
only to count; no figure can be traced back to one student except the list of
unplaced students, which names them by ``student_id`` alone.

The plan comes as the two tables of the output directory (``assignments``,
``unassigned``) and the content of ``summary.json``, so a report is the same
whether it is made right after a solve or later from the files
(:func:`read_output`).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kaoa_match.calendar import WorkingDays
from kaoa_match.exceptions import KaoaMatchError
from kaoa_match.i18n import _
from kaoa_match.labels import kind_text
from kaoa_match.options import interest_matrix, top_fields
from kaoa_match.plan import ASSIGNMENT_COLUMNS, OBJECTIVES, UNASSIGNED_COLUMNS
from kaoa_match.wishes import granted_wishes

if TYPE_CHECKING:
    from collections.abc import Mapping

    from numpy.typing import NDArray

    from kaoa_match.baselines import BaselineResult
    from kaoa_match.model import Problem

_ID_COLUMNS = ("student_id", "school_id", "offer_id", "company_id", "field_id")


# --------------------------------------------------------------------------
# The plan's tables, as written and as read back


def normalise_assignments(assignments: pd.DataFrame) -> pd.DataFrame:
    """``assignments`` with real dates, whole-number minutes and scores, text IDs,
    and ``weekdays`` as text (empty but on Langzeitpraktikum rows) where the
    plan has the column."""
    columns = list(ASSIGNMENT_COLUMNS)
    if "weekdays" in assignments.columns and "weekdays" not in columns:
        columns.append("weekdays")
    frame = assignments.reindex(columns=columns).copy()
    for column in ("start_date", "end_date"):
        frame[column] = [as_date(v) for v in frame[column]]
    for column in ("travel_min", "score"):
        frame[column] = pd.to_numeric(frame[column]).fillna(0).astype(int)
    for column in (*_ID_COLUMNS, "kind"):
        frame[column] = frame[column].astype(str)
    if "weekdays" in frame.columns:
        frame["weekdays"] = frame["weekdays"].fillna("").astype(str)
    return frame.reset_index(drop=True)


def normalise_unassigned(unassigned: pd.DataFrame) -> pd.DataFrame:
    """``unassigned`` with text IDs and whole-number ``missing``."""
    frame = unassigned.reindex(columns=UNASSIGNED_COLUMNS).copy()
    for column in ("student_id", "school_id", "kind", "reason"):
        frame[column] = frame[column].fillna("").astype(str)
    frame["missing"] = pd.to_numeric(frame["missing"]).fillna(0).astype(int)
    return frame.reset_index(drop=True)


def as_date(value: object) -> dt.date:
    """A cell of a plan as a date: a date, a timestamp or ISO text."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


@dataclass(frozen=True)
class PlanFiles:
    """What an output directory holds: the plan's two tables and its summary."""

    assignments: pd.DataFrame
    unassigned: pd.DataFrame
    summary: dict[str, Any]


def read_output(out_dir: str | Path) -> PlanFiles:
    """Read ``assignments.csv``, ``unassigned.csv`` and ``summary.json`` of a plan."""
    out = Path(out_dir)
    files = [out / n for n in ("assignments.csv", "unassigned.csv", "summary.json")]
    missing = [f.name for f in files if not f.is_file()]
    if missing:
        raise KaoaMatchError(f"{out} is not a plan directory ({', '.join(missing)} missing)")
    text_ids = dict.fromkeys((*_ID_COLUMNS, "kind", "reason", "weekdays"), str)
    # keep_default_na=False: an ID such as "NA" stays an ID
    assignments = pd.read_csv(files[0], dtype=text_ids, keep_default_na=False)
    unassigned = pd.read_csv(files[1], dtype=text_ids, keep_default_na=False)
    summary = json.loads(files[2].read_text(encoding="utf-8"))
    return PlanFiles(normalise_assignments(assignments), normalise_unassigned(unassigned), summary)


def check_belongs(problem: Problem, assignments: pd.DataFrame, unassigned: pd.DataFrame) -> None:
    """Raise if the plan names a student or offer the problem does not have."""
    students = {s.student_id for s in problem.students}
    offers = {o.offer_id for o in problem.offers}
    for column, known, what in (
        (assignments["student_id"], students, "student"),
        (unassigned["student_id"], students, "student"),
        (assignments["offer_id"], offers, "offer"),
    ):
        unknown = sorted(set(column) - known)
        if unknown:
            raise KaoaMatchError(
                f"the plan does not belong to this input: {what} {unknown[0]} is not in it "
                f"({len(unknown)} unknown); give the input directory with --input"
            )


# --------------------------------------------------------------------------
# Headline figures


@dataclass(frozen=True)
class Level:
    """One objective level as ``summary.json`` reports it."""

    name: str
    value: int
    bound: int | None
    gap: float | None
    status: str


@dataclass(frozen=True)
class KindFigures:
    """The placements of one kind: ``placements`` made of ``needed``, and the
    ``students`` who need some of them, ``students_full`` of whom got all."""

    kind: str
    placements: int
    needed: int
    students: int
    students_full: int


KIND_ORDER = ("bfe", "praktikum", "praxiskurs", "langzeit")
"""The kinds in the contract's order, as the report lists them."""


def kind_figures(assignments: pd.DataFrame, unassigned: pd.DataFrame) -> tuple[KindFigures, ...]:
    """Placed against needed per kind, for the kinds the plan has rows of
    (placed or missing), in the contract's order."""
    present = set(assignments["kind"]) | set(unassigned["kind"])
    order = [k for k in KIND_ORDER if k in present] + sorted(present - set(KIND_ORDER))
    figures = []
    for kind in order:
        placed = assignments[assignments["kind"] == kind]
        short = unassigned[unassigned["kind"] == kind]
        students = set(placed["student_id"]) | set(short["student_id"])
        figures.append(
            KindFigures(
                kind=kind,
                placements=len(placed),
                needed=len(placed) + int(short["missing"].sum()),
                students=len(students),
                students_full=len(students - set(short["student_id"])),
            )
        )
    return tuple(figures)


@dataclass(frozen=True)
class Headline:
    """The figures a steering committee asks for first.

    ``students_needing`` need at least one placement; ``students_placed`` got
    every placement they need, ``students_short`` at least one fewer.
    ``fairness`` counts students with a placement in one of their top-3
    fields, out of ``with_profile`` students needing a placement who have a
    top-3 field at all.
    """

    status: str
    solve_seconds: float
    students_needing: int
    students_placed: int
    students_short: int
    placements: int
    placements_needed: int
    bfe_days: int
    praktikum_blocks: int
    fairness: int
    with_profile: int
    wishes: int  # points of the wishes granted (the ``wishes`` level)
    wishes_granted: int
    wishes_made: int
    interest: int
    travel: int
    levels: tuple[Level, ...]
    kinds: tuple[KindFigures, ...] = ()
    """Placed against needed per kind present in the plan."""


def kind_by_kind_rows(
    h: Headline, baseline: BaselineResult
) -> list[tuple[str, float, float, bool]]:
    """(label, this plan, kind-by-kind booking, more is better) for the
    Praxiskurse and Langzeitpraktika, the students short per kind and the date
    clashes across kinds, where the Kreis has either new kind; the plan never
    has a clash (its rules forbid it)."""
    placed = {k.kind: k.placements for k in h.kinds}
    if not (baseline.courses or baseline.langzeit or {"praxiskurs", "langzeit"} & set(placed)):
        return []
    # Per kind: a student short of a course is not short of a BFE day.
    short = [
        (_("students short of a placement: {kind}").format(kind=kind_text(k.kind)),
         k.students - k.students_full, baseline.short_by_kind.get(k.kind, 0.0), False)
        for k in h.kinds
    ]  # fmt: skip
    return [
        *short,
        (_("Praxiskurse (booked after the portal)"), placed.get("praxiskurs", 0),
         baseline.courses, True),
        (_("Langzeitpraktika (nearest company with room)"), placed.get("langzeit", 0),
         baseline.langzeit, True),
        (_("date clashes across kinds (a student in two places on one date)"), 0,
         baseline.clashes, False),
        (_("students with a date clash"), 0, baseline.students_clashing, False),
    ]  # fmt: skip


def headline(
    problem: Problem,
    assignments: pd.DataFrame,
    unassigned: pd.DataFrame,
    summary: Mapping[str, Any],
) -> Headline:
    """The headline figures of a plan (tables as normalised above)."""
    needing = set(assignments["student_id"]) | set(unassigned["student_id"])
    short = set(unassigned["student_id"])
    in_top = _in_top_fields(problem, assignments)
    top = student_top_fields(problem)
    with_profile = sum(1 for s in needing if top.get(s))
    in_top_students = set(assignments.loc[in_top, "student_id"])
    wishes = granted_wishes(problem, assignments)
    return Headline(
        status=str(summary.get("status", "unknown")),
        solve_seconds=float(summary.get("solve_seconds", 0.0)),
        students_needing=len(needing),
        students_placed=len(needing - short),
        students_short=len(short),
        placements=len(assignments),
        placements_needed=len(assignments) + int(unassigned["missing"].sum()),
        bfe_days=int((assignments["kind"] == "bfe").sum()),
        praktikum_blocks=int((assignments["kind"] == "praktikum").sum()),
        fairness=len(in_top_students),
        with_profile=with_profile,
        wishes=int(wishes.loc[wishes["granted"], "points"].sum()),
        wishes_granted=int(wishes["granted"].sum()),
        wishes_made=len(wishes),
        interest=int(assignments["score"].sum()),
        travel=int(assignments["travel_min"].sum()),
        levels=_levels(summary),
        kinds=kind_figures(assignments, unassigned),
    )


def _levels(summary: Mapping[str, Any]) -> tuple[Level, ...]:
    values = summary.get("objectives", {})
    bounds = summary.get("bounds", {})
    gaps = summary.get("gaps", {})
    states = summary.get("level_status", {})
    # The order the plan followed (summary.json's ``priorities``), else the default.
    order = [
        str(row["level"]) for row in summary.get("priorities", []) if isinstance(row, dict)
    ] or list(OBJECTIVES)
    return tuple(
        Level(
            name,
            int(values[name]),
            None if bounds.get(name) is None else int(bounds[name]),
            None if gaps.get(name) is None else float(gaps[name]),
            str(states.get(name, summary.get("status", ""))),
        )
        for name in order
        if name in values
    )


def student_top_fields(problem: Problem) -> dict[str, frozenset[str]]:
    """Each student's top-3 fields (the contract's fairness rule), as field IDs."""
    fields = [f.field_id for f in problem.fields]
    return {
        s.student_id: frozenset(fields[j] for j in top)
        for s, top in zip(problem.students, top_fields(interest_matrix(problem)), strict=True)
    }


def _in_top_fields(problem: Problem, assignments: pd.DataFrame) -> NDArray[np.bool_]:
    top = student_top_fields(problem)
    pairs = zip(assignments["student_id"], assignments["field_id"], strict=True)
    return np.asarray([f in top.get(s, frozenset()) for s, f in pairs], dtype=bool)


# --------------------------------------------------------------------------
# Per school and Schulform


def placement_rates(
    problem: Problem, assignments: pd.DataFrame, unassigned: pd.DataFrame
) -> pd.DataFrame:
    """Per school: ``school_id, name, school_type, students`` (needing a placement),
    ``placed`` (got all they need), ``placements``, ``needed`` (placements)."""
    short = set(unassigned["student_id"])
    students: dict[str, set[str]] = {}
    placements: dict[str, int] = {}
    needed: dict[str, int] = {}
    for school_id, student_id in zip(
        assignments["school_id"], assignments["student_id"], strict=True
    ):
        students.setdefault(school_id, set()).add(student_id)
        placements[school_id] = placements.get(school_id, 0) + 1
    for school_id, student_id, missing in zip(
        unassigned["school_id"], unassigned["student_id"], unassigned["missing"], strict=True
    ):
        students.setdefault(school_id, set()).add(student_id)
        needed[school_id] = needed.get(school_id, 0) + int(missing)
    rows = []
    for school in problem.schools:
        sid = school.school_id
        mine = students.get(sid, set())
        made = placements.get(sid, 0)
        rows.append(
            {
                "school_id": sid,
                "name": school.name or sid,
                "school_type": school.school_type or _("(no Schulform)"),
                "students": len(mine),
                "placed": len(mine - short),
                "placements": made,
                "needed": made + needed.get(sid, 0),
            }
        )
    return pd.DataFrame(
        rows,
        columns=["school_id", "name", "school_type", "students", "placed", "placements", "needed"],
    )


def rates_by_school_type(rates: pd.DataFrame) -> pd.DataFrame:
    """The per-school rates summed per Schulform."""
    sums = rates.groupby("school_type", as_index=False)[
        ["students", "placed", "placements", "needed"]
    ].sum()
    return sums.sort_values("school_type", ignore_index=True)


# --------------------------------------------------------------------------
# Interest and travel


def interest_pairs(problem: Problem, assignments: pd.DataFrame) -> pd.DataFrame:
    """Per placement: ``best`` (the student's highest PA score over all fields),
    ``placed`` (the score of the placement's field), ``kind``."""
    scores = interest_matrix(problem)
    best_of = {s.student_id: int(scores[i].max(initial=0)) for i, s in enumerate(problem.students)}
    return pd.DataFrame(
        {
            "best": [best_of.get(s, 0) for s in assignments["student_id"]],
            "placed": assignments["score"].astype(int).to_numpy(),
            "kind": assignments["kind"].to_numpy(),
        },
        columns=["best", "placed", "kind"],
    )


# --------------------------------------------------------------------------
# Utilisation of places per Berufsfeld and date


@dataclass(frozen=True)
class Utilisation:
    """Places taken against places offered, Berufsfelder x dates.

    ``used[f, d]`` students present and ``places[f, d]`` places offered in
    field ``fields[f]`` on ``dates[d]``. For the Praktikum a place is an
    intern present on that day.
    """

    fields: tuple[str, ...]
    dates: tuple[dt.date, ...]
    used: NDArray[np.int64]
    places: NDArray[np.int64]


def utilisation(problem: Problem, assignments: pd.DataFrame, kind: str) -> Utilisation:
    """Places used and offered per field on each school date of ``kind``.

    The dates are the BFE candidate dates (or the working days of the
    Praktikum windows) of all schools; fields without any place or placement
    on them are left out.
    """
    working = WorkingDays.for_problem(problem)
    dates = sorted(
        {
            day
            for entry in problem.calendar
            if entry.kind == kind
            for day in working.between(entry.start_date, entry.last_date)
        }
    )
    column = {d: k for k, d in enumerate(dates)}
    fields = [f.field_id for f in problem.fields]
    row = {f: k for k, f in enumerate(fields)}
    places = np.zeros((len(fields), len(dates)), dtype=np.int64)
    for offer in problem.offers:
        if offer.kind == kind and offer.field_id in row:
            for day in dates:
                if offer.start_date <= day <= offer.last_date:
                    places[row[offer.field_id], column[day]] += offer.capacity
    used = np.zeros_like(places)
    mine = assignments[assignments["kind"] == kind]
    for field_id, first, last in zip(
        mine["field_id"], mine["start_date"], mine["end_date"], strict=True
    ):
        for day in working.between(first, last):
            if day in column and field_id in row:
                used[row[field_id], column[day]] += 1
    keep = (places.sum(axis=1) + used.sum(axis=1)) > 0
    return Utilisation(
        fields=tuple(f for f, k in zip(fields, keep, strict=True) if k),
        dates=tuple(dates),
        used=used[keep],
        places=places[keep],
    )


# --------------------------------------------------------------------------
# Demand against supply per Berufsfeld


def demand_supply(
    problem: Problem, assignments: pd.DataFrame, unassigned: pd.DataFrame, kind: str
) -> pd.DataFrame:
    """Per field: ``field_id, name, demand, places, placed`` for one kind.

    Demand is what the interest profiles ask for: each student's placements
    needed (BFE days, or 1 Praktikum block), split equally over the student's
    top-3 fields (over all fields for a student without one), as ``validate``
    counts it. BFE places are place-days on the schools' candidate dates;
    Praktikum places are the offers' capacities (interns at a time).
    """
    fields = [f.field_id for f in problem.fields]
    names = {f.field_id: f.name or f.field_id for f in problem.fields}
    top = student_top_fields(problem)
    needed = _needed_per_student(assignments, unassigned, kind)
    demand = dict.fromkeys(fields, 0.0)
    for student_id, count in needed.items():
        share = sorted(top.get(student_id) or fields)
        for f in share:
            demand[f] = demand.get(f, 0.0) + count / len(share)
    use = utilisation(problem, assignments, kind)
    if kind == "bfe":
        offered = dict(zip(use.fields, use.places.sum(axis=1).tolist(), strict=True))
    else:
        offered = {}
        for offer in problem.offers:
            if offer.kind == kind:
                offered[offer.field_id] = offered.get(offer.field_id, 0) + offer.capacity
    placed = assignments.loc[assignments["kind"] == kind, "field_id"].value_counts()
    rows = [
        {
            "field_id": f,
            "name": names[f],
            "demand": round(demand.get(f, 0.0), 1),
            "places": int(offered.get(f, 0)),
            "placed": int(placed.get(f, 0)),
        }
        for f in fields
    ]
    frame = pd.DataFrame(rows, columns=["field_id", "name", "demand", "places", "placed"])
    active = (frame["demand"] > 0) | (frame["places"] > 0) | (frame["placed"] > 0)
    return frame[active].reset_index(drop=True)


def _needed_per_student(
    assignments: pd.DataFrame, unassigned: pd.DataFrame, kind: str
) -> dict[str, int]:
    """Placements of ``kind`` each student needs: those made plus those missing."""
    needed: dict[str, int] = {}
    for student_id in assignments.loc[assignments["kind"] == kind, "student_id"]:
        needed[student_id] = needed.get(student_id, 0) + 1
    mine = unassigned[unassigned["kind"] == kind]
    for student_id, missing in zip(mine["student_id"], mine["missing"], strict=True):
        needed[student_id] = needed.get(student_id, 0) + int(missing)
    return needed


# --------------------------------------------------------------------------
# The map: schools, companies and the flows between them


@dataclass(frozen=True)
class MapData:
    """Positions and flows for the map.

    - ``schools``: ``school_id, name, school_type, lat, lon, students``
    - ``companies``: ``company_id, name, provider_type, lat, lon, students``
      (distinct students placed there; 0 = offers places, none taken)
    - ``flows``: ``school_id, company_id, students`` (distinct students of
      that school placed at that company)
    """

    schools: pd.DataFrame
    companies: pd.DataFrame
    flows: pd.DataFrame


def map_data(problem: Problem, assignments: pd.DataFrame) -> MapData:
    """Schools, companies with places, and school -> company flows."""
    pairs = assignments[["school_id", "company_id", "student_id"]].drop_duplicates()
    flows = pairs.groupby(["school_id", "company_id"], as_index=False).size()
    flows = flows.rename(columns={"size": "students"})
    at_school = assignments.groupby("school_id")["student_id"].nunique()
    at_company = assignments.groupby("company_id")["student_id"].nunique()
    offering = {o.company_id for o in problem.offers if o.capacity > 0}
    schools = pd.DataFrame(
        [
            (s.school_id, s.name or s.school_id, s.school_type, s.lat, s.lon)
            for s in problem.schools
        ],
        columns=["school_id", "name", "school_type", "lat", "lon"],
    )
    schools["students"] = [int(at_school.get(s, 0)) for s in schools["school_id"]]
    companies = pd.DataFrame(
        [
            (c.company_id, c.name or c.company_id, c.provider_type, c.lat, c.lon)
            for c in problem.companies
            if c.company_id in offering or c.company_id in at_company.index
        ],
        columns=["company_id", "name", "provider_type", "lat", "lon"],
    )
    companies["students"] = [int(at_company.get(c, 0)) for c in companies["company_id"]]
    return MapData(schools, companies, flows)


# --------------------------------------------------------------------------
# Everything the report shows


@dataclass(frozen=True)
class ReportData:
    """All figures of one report; see the functions above for each table."""

    headline: Headline
    baseline: BaselineResult | None
    schools: pd.DataFrame
    school_types: pd.DataFrame
    interest: pd.DataFrame
    wishes: pd.DataFrame  # one row per wish: see kaoa_match.wishes.granted_wishes
    travel: pd.DataFrame
    max_travel_min: int
    bfe_use: Utilisation
    praktikum_use: Utilisation
    bfe_balance: pd.DataFrame
    praktikum_balance: pd.DataFrame
    map: MapData
    unplaced: pd.DataFrame
    counts: dict[str, int]
    field_names: dict[str, str]
    school_names: dict[str, str]
    input_dir: str


def gather(
    problem: Problem,
    assignments: pd.DataFrame,
    unassigned: pd.DataFrame,
    summary: Mapping[str, Any],
    baseline: BaselineResult | None,
) -> ReportData:
    """Every figure of the report, from the problem and the plan's tables."""
    assignments = normalise_assignments(assignments)
    unassigned = normalise_unassigned(unassigned)
    rates = placement_rates(problem, assignments, unassigned)
    return ReportData(
        headline=headline(problem, assignments, unassigned, summary),
        baseline=baseline,
        schools=rates,
        school_types=rates_by_school_type(rates),
        interest=interest_pairs(problem, assignments),
        wishes=granted_wishes(problem, assignments),
        travel=assignments[["kind", "travel_min"]].copy(),
        max_travel_min=problem.travel_model.default_max_travel_min,
        bfe_use=utilisation(problem, assignments, "bfe"),
        praktikum_use=utilisation(problem, assignments, "praktikum"),
        bfe_balance=demand_supply(problem, assignments, unassigned, "bfe"),
        praktikum_balance=demand_supply(problem, assignments, unassigned, "praktikum"),
        map=map_data(problem, assignments),
        unplaced=unassigned,
        counts={
            "schools": len(problem.schools),
            "students": len(problem.students),
            "companies": len(problem.companies),
            "offers": len(problem.offers),
        },
        field_names={f.field_id: f.name or f.field_id for f in problem.fields},
        school_names={s.school_id: s.name or s.school_id for s in problem.schools},
        input_dir=str(summary.get("input", "")),
    )
