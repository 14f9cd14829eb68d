"""Realistic synthetic Kreise: schools, students, companies, offers and calendars.

``generate("koeln", seed=1)`` builds a :class:`~kaoa_match.model.Problem` that
looks like a KoKo's real data for the school year 2026/27, without any real
person in it: students are pseudonymous IDs (``S000123``), companies and
schools carry made-up names. The same arguments always give the same problem
(one ``numpy.random.default_rng(seed)``, no global state).

Where the proportions come from (figures not backed by a source are marked
as assumptions):

- Schulform shares of a cohort: rounded from IT.NRW school statistics
  (Sekundarstufe I by Schulform: Gymnasium about a third, Gesamtschule close
  behind, then Realschule; Hauptschule, Sekundarschule, Förderschule small;
  five PRIMUS-Schulen in the whole Land).
- Grade sizes per school (Gymnasium 90-150, Gesamtschule 100-180, Hauptschule
  30-60, Förderschule 10-25, ...): 2-6 classes of 25-28 students after the
  NRW Klassenfrequenzrichtwerte; the ranges are an assumption.
- Birth dates: NRW's school-entry cut-off of 30 September (§ 35 SchulG NRW),
  so grade 8 in 2026/27 was born from 2012-10-01 to 2013-09-30; 7 % a year
  older (repeaters, late entry) and 1 % a year younger are assumptions.
- Missing data (3 % no home coordinates, 1.5 % no birth date), needs
  (``barrierefrei`` about 2 %, more at Förderschulen) and the
  Infektionsschutz-Belehrung (``ifsg`` 10 % in grade 8, 25 % in grade 9):
  assumptions.
- Interests: which Berufsfelder students name most (IT, health, media,
  social, creative) is an assumption shaped after career-wish surveys of
  BIBB and BA; the Berufsfeld mix of places (Handel, Verwaltung, Metall,
  Produktion, Bau, Elektro first) is shaped after BA/IHK training-place
  statistics, the exact split an assumption.
- Company sizes: most BFE hosts are small firms (IfM Bonn / Destatis
  Unternehmensregister: the great majority of firms have fewer than ten
  employees), so most offer 1-2 places a day; the split of places per day is
  an assumption. Bildungsträger (the fallback) run workshops for 12-20
  students a day in a few fields (assumption).
- Placement rules: three BFE days in grade 8 and a two- to three-week
  Betriebspraktikum in grade 9 follow KAoA / SBO 6.1 guidance; Gymnasien (G9)
  hold their Praktikum in the Einführungsphase, so they have no grade-9
  Praktikum here.
- Working days: Monday to Friday minus NRW public and school holidays from
  the ``holidays`` package (via :class:`~kaoa_match.calendar.WorkingDays`).
- Supply: BFE places exceed demand by a factor drawn per date block between
  1.0 and 1.5 (about 1.25-1.35 overall); Praktikum places by 1.05-1.25 per
  period. Both are assumptions chosen so that the plan is tight where
  students' wishes meet few places (popular fields, some dates).
- Town centres and populations of the presets: approximate (rounded to about
  1 km and a thousand inhabitants); only relative sizes matter.
- Wishes (``wishes.csv``): 30 % of students rank 1-5 wishes, most for a
  company near their school (what a portal shows first), some for one offer,
  some for a Berufsfeld among their top interests; half the Träger workshops
  run only with a group of 3-5 students (``min_group``). Assumptions. Both
  come from a random stream of their own, so every other table of a seed is
  what it was before they existed.
- Praxiskurs and Langzeitpraktikum (presets with ``participant_kinds``; notes
  with sources in the project's ``kaoa-elements.md``): grade-9 Praxiskurse of
  3 days, 5 days for Förderschulen and Hauptschulen (SBO 6.3), in a four-week
  window after the school's Praktikum (or before it when none is left), one or
  two courses each; Hauptschulen and Förderschulen send the whole grade, other
  Schulformen one or two classes of 25 (Kreis Gütersloh: whole classes may
  take part); how many schools take part is an assumption. Träger courses
  take 10-15 with a minimum group of 6-10 (Essen names groups of 10-15; the
  minimum is an assumption), companies run a few small courses. The
  Langzeitpraktikum takes about 2-5 % of grades 8 and 9, mostly at
  Förderschulen, Hauptschulen and Gesamtschulen, one or two days a week from
  after the Herbstferien to before the Sommerferien on the weekdays the school
  allows; companies take one or two such students on one to three weekdays
  over the school year (shares and sizes are assumptions). All of it comes from
  a random stream of its own, after the wishes, so that every other table of
  a seed stays what it was.
- All of NRW (:func:`generate_nrw`): the 53 Kreise and kreisfreie Städte with
  their Zensus 2022 population and area (rounded, listed in
  :data:`~kaoa_match.presets.NRW_KREISE`); each gets its share of about
  170,000 grade-8 students by population, which assumes the same share of
  13-year-olds everywhere. Towns other than those of the real-town presets
  are made up (:meth:`~kaoa_match.presets.NrwKreis.preset`).
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from kaoa_match.calendar import WorkingDays
from kaoa_match.exceptions import KaoaMatchError
from kaoa_match.io.atomic import atomic_directory
from kaoa_match.model import (
    DEFAULT_FIELDS,
    PARTICIPANT_KINDS,
    WEEKDAYS,
    CalendarEntry,
    Company,
    Interest,
    Kind,
    Offer,
    Pair,
    Participant,
    ParticipantKind,
    Problem,
    School,
    Student,
    TravelModel,
    Weekday,
    Wish,
)
from kaoa_match.options import build_options
from kaoa_match.presets import (
    BFE_PLACE_WEIGHTS,
    CLASS_SIZE,
    COMPANY_STEMS,
    INTEREST_WEIGHTS,
    LANGZEIT_SHARE,
    LANGZEIT_WEEKLY_BFE_SHARE,
    NRW_KREISE,
    PRAKTIKUM_PLACE_WEIGHTS,
    PRAXISKURS_FIVE_DAYS,
    PRAXISKURS_SCHOOL_SHARE,
    PRAXISKURS_WHOLE_COHORT,
    PRESETS,
    SCHULFORMEN,
    TRAEGER_FIELDS,
    NrwKreis,
    Preset,
    Town,
)
from kaoa_match.travel import estimate_minutes, haversine_km

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from numpy.typing import NDArray

    from kaoa_match.options import Options

__all__ = [
    "PRESETS",
    "GeneratedKreis",
    "Preset",
    "SupplySummary",
    "generate",
    "generate_nrw",
    "generate_to_dir",
    "kreis_seed",
    "supply_summary",
]

SCHOOL_YEAR = 2026
"""The generated data is for the school year 2026/27."""
BFE_DAYS = 3
PRAKTIKUM_DAYS = 10
BFE_SEASON = (dt.date(2026, 11, 2), dt.date(2027, 3, 19))
"""First and last day of BFE blocks: after the Herbstferien, before Easter."""
PRAKTIKUM_STARTS = (dt.date(2027, 1, 11), dt.date(2027, 6, 7))
"""Earliest and latest Monday a Praktikum window may start."""
ALL_YEAR = (dt.date(2026, 9, 1), dt.date(2027, 7, 1))
"""The range of Praktikum offers that take interns all year."""
BFE_SUPPLY = 1.3
"""BFE places per student-day needed, over the whole Kreis (assumption)."""

KM_PER_DEG_LAT = 111.32
_COMPANY_SPREAD_KM = {"kreis": 2.5, "city": 1.8}
_SCHOOL_SPREAD_KM = {"kreis": 1.5, "city": 1.2}
_HOME_SPREAD_FACTOR = {"kreis": 1.0, "city": 0.7}
_BARRIEREFREI = frozenset({"barrierefrei"})
_IFSG = frozenset({"ifsg"})
_NO_TAGS: frozenset[str] = frozenset()
_FIELD_IDS = tuple(f.field_id for f in DEFAULT_FIELDS)
_WISHES_STREAM = 15  # the random stream of wishes and group minimums (see above)
_WISH_SHARE = 0.3
_WISH_NEAR_COMPANIES = 12  # a company wish picks among this many nearest hosts
_WISH_TARGET_P = {"company_id": 0.6, "offer_id": 0.2, "field_id": 0.2}
_KINDS_STREAM = 16  # the random stream of Praxiskurs and Langzeitpraktikum (see above)
WEEKLY_BFE_DAYS = 4
"""Candidate dates of a cohort whose BFE days fall one a week (three needed)."""
LANGZEIT_PERIOD = (dt.date(2026, 11, 2), dt.date(2027, 6, 25))
"""A school's Langzeitpraktikum period: after the Herbstferien to before the Sommerferien."""
PRAXISKURS_WEEKS = 4
"""A school's Praxiskurs window: four weeks."""
PRAXISKURS_MONDAYS = (dt.date(2027, 2, 1), dt.date(2027, 4, 12), dt.date(2027, 6, 7))
"""The Mondays on which the Kreis's common Praxiskurs windows start (between the
Weihnachts-, Oster- and Sommerferien)."""


@dataclass(frozen=True)
class _Ids:
    """The formats of generated IDs; ``index`` counts from 0, IDs from 1."""

    prefix: str = ""

    def school(self, index: int) -> str:
        return f"{self.prefix}SCH{index + 1:03d}"

    def student(self, index: int) -> str:
        return f"{self.prefix}S{index + 1:06d}"

    def company(self, index: int) -> str:
        return f"{self.prefix}C{index + 1:05d}"

    def offer(self, index: int) -> str:
        return f"{self.prefix}O{index + 1:06d}"


# --- public API -------------------------------------------------------------


def generate(
    preset: str | Preset | None = None,
    *,
    students: int | None = None,
    praktikum_students: int | None = None,
    seed: int = 0,
    id_prefix: str = "",
    participant_kinds: Iterable[ParticipantKind] | None = None,
) -> Problem:
    """A synthetic Kreis as a :class:`Problem`.

    ``students`` is the number of grade-8 BFE students, ``praktikum_students``
    the number of grade-9 Praktikum students. With a ``preset`` (a key of
    :data:`PRESETS`, or a :class:`Preset`) its sizes and towns are used unless
    a size is given; without one, a generic Kreis of a few towns is laid out
    around Soest. ``id_prefix`` goes in front of every school, student,
    company and offer ID (``"05315-"`` gives ``05315-S000001``), so that
    Kreise generated apart can be told apart. ``participant_kinds`` adds
    Praxiskurs and/or Langzeitpraktikum participants with their calendar rows,
    courses and places (``None``: those of the preset); every other table is
    the same with or without them.
    """
    rng = np.random.default_rng(seed)
    spec = _resolve(preset, students, praktikum_students, rng)
    if participant_kinds is not None:
        spec = dataclasses.replace(spec, participant_kinds=_kinds_in_order(participant_kinds))
    ids = _Ids(id_prefix)
    working = WorkingDays()
    schools = _build_schools(spec, ids, rng)
    blocks = _bfe_blocks(spec.bfe_blocks, working, rng) if spec.students else []
    weekly = _weekly_bfe_takers(spec, schools) if blocks else []
    # Schools with weekly BFE days take no block, nor extra days of one.
    _assign_bfe_dates([s for s in schools if s not in weekly], blocks, rng)
    if spec.weekly_bfe_weekday and weekly:
        _weekly_bfe_dates(weekly, blocks, spec.weekly_bfe_weekday, working, rng)
    periods = (
        _praktikum_periods(spec.praktikum_periods, working, rng) if spec.praktikum_students else []
    )
    _assign_windows(schools, periods, working, rng)
    student_rows, cohorts = _build_students(spec, schools, ids, rng)
    market = _Market(spec, ids)
    _bfe_market(market, spec, schools, blocks, rng)
    _praktikum_market(market, spec, schools, rng)
    problem = Problem(
        schools=tuple(s.record() for s in schools),
        students=tuple(student_rows),
        companies=tuple(market.companies),
        offers=tuple(market.offers),
        calendar=tuple(_calendar_rows(schools)),
        interests=tuple(_build_interests(student_rows, rng)),
        pairs=tuple(_build_pairs(student_rows, cohorts, rng)),
    )
    extra = np.random.default_rng([seed, _WISHES_STREAM])
    problem = _with_group_minimums(problem, extra)
    problem = problem.model_copy(update={"wishes": tuple(_build_wishes(problem, extra))})
    if not spec.participant_kinds:
        return problem
    kinds_rng = np.random.default_rng([seed, _KINDS_STREAM])
    return _with_participant_kinds(problem, spec, schools, market, working, kinds_rng)


def generate_to_dir(
    out_dir: str | Path,
    preset: str | None = None,
    *,
    students: int | None = None,
    praktikum_students: int | None = None,
    seed: int = 0,
    german: bool = False,
    participant_kinds: Iterable[ParticipantKind] | None = None,
) -> Problem:
    """Generate a Kreis (as :func:`generate`) and write its input files to ``out_dir``."""
    from kaoa_match.io.write_problem import write_problem

    problem = generate(
        preset,
        students=students,
        praktikum_students=praktikum_students,
        seed=seed,
        participant_kinds=participant_kinds,
    )
    write_problem(problem, out_dir, german=german)
    return problem


NRW_INDEX = "kreise.csv"
"""The list of Kreise that :func:`generate_nrw` writes at the top of its tree."""


@dataclass(frozen=True)
class GeneratedKreis:
    """One Kreis that :func:`generate_nrw` wrote: its sub-directory and sizes."""

    key: str
    name: str
    directory: str
    students: int
    schools: int
    companies: int
    offers: int


def generate_nrw(
    out_dir: str | Path,
    *,
    seed: int = 0,
    scale: float = 1.0,
    german: bool = False,
    kreise: Iterable[str] | None = None,
) -> list[GeneratedKreis]:
    """Write the BFE cohorts of all 53 Kreise of NRW, one input directory each.

    Each Kreis of :data:`~kaoa_match.presets.NRW_KREISE`, or each whose key
    ``kreise`` lists, becomes ``out_dir/<key>-<slug>`` (``05315-koeln``), a
    complete input directory as :func:`generate_to_dir` writes it. Every ID
    starts with the Kreis key (``05315-S000001``), so IDs are unique across
    NRW. ``scale`` (0 < scale <= 1) multiplies every cohort, keeping at least
    40 students a Kreis. A Kreis's seed comes from ``seed`` and its key, so a
    Kreis is the same whether generated alone or with all others.
    ``out_dir/kreise.csv`` lists the Kreise written.

    The tree is built beside ``out_dir`` and renamed into place once complete.
    ``out_dir`` must be missing, empty or an earlier tree of this function
    (replaced whole); anything else raises :class:`KaoaMatchError`.
    """
    if not 0 < scale <= 1:
        raise ValueError(f"scale must be > 0 and <= 1, not {scale}")
    if seed < 0:
        raise ValueError(f"seed must be >= 0, not {seed}")
    chosen = _nrw_selection(kreise)
    target = Path(out_dir).resolve()
    with atomic_directory(target, refuse=_refuse_foreign_tree) as staging:
        written = [_write_kreis(staging, k, seed, scale, german) for k in chosen]
        _write_nrw_index(staging / NRW_INDEX, written, german)
    return written


def kreis_seed(seed: int, key: str) -> int:
    """The seed of one Kreis of NRW, mixed from the run's ``seed`` and the Kreis key."""
    return int(np.random.SeedSequence([seed, int(key)]).generate_state(1)[0])


@dataclass(frozen=True)
class SupplySummary:
    """Sizes and supply of a problem, in students, records and places.

    ``bfe_demand`` is the BFE student-days needed; ``bfe_places`` counts an
    offer's capacity on each candidate BFE date inside its range on which a
    school with that date lies within reach (travel estimated from the
    school). ``praktikum_demand`` is the Praktikum blocks needed;
    ``praktikum_places`` counts, for each group of overlapping school windows,
    the capacity of offers whose range holds the window of a school of the
    group within reach.

    The kinds only listed participants take are counted per kind:
    ``praxiskurs_students`` participants with a course window need
    ``praxiskurs_demand`` courses in all, against ``praxiskurs_courses``
    courses of ``praxiskurs_seats`` seats; ``langzeit_students`` participants
    with a period need ``langzeit_demand`` days a week in all, against
    ``langzeit_offers`` places taking ``langzeit_weekday_places`` students a
    week (each offer's capacity on each of its weekdays). Reach is not
    checked for these: they are few, and ``validate`` lists who has no option.
    """

    schools: int
    bfe_students: int
    praktikum_students: int
    companies: int
    traeger: int
    bfe_offers: int
    praktikum_offers: int
    bfe_demand: int
    bfe_places: int
    praktikum_demand: int
    praktikum_places: int
    praxiskurs_students: int
    praxiskurs_demand: int
    praxiskurs_courses: int
    praxiskurs_seats: int
    langzeit_students: int
    langzeit_demand: int
    langzeit_offers: int
    langzeit_weekday_places: int

    @property
    def bfe_supply_ratio(self) -> float:
        """BFE places per BFE day needed (0 without BFE)."""
        return self.bfe_places / self.bfe_demand if self.bfe_demand else 0.0

    @property
    def praktikum_supply_ratio(self) -> float:
        """Praktikum places per block needed (0 without Praktikum)."""
        return self.praktikum_places / self.praktikum_demand if self.praktikum_demand else 0.0

    @property
    def praxiskurs_supply_ratio(self) -> float:
        """Course seats per course needed (0 without Praxiskurse)."""
        return self.praxiskurs_seats / self.praxiskurs_demand if self.praxiskurs_demand else 0.0

    @property
    def langzeit_supply_ratio(self) -> float:
        """Langzeitpraktikum weekday places per day a week needed (0 without)."""
        if not self.langzeit_demand:
            return 0.0
        return self.langzeit_weekday_places / self.langzeit_demand


def supply_summary(problem: Problem) -> SupplySummary:
    """Count schools, students, companies, offers, demand and places."""
    needs = {(e.school_id, e.grade, e.kind) for e in problem.calendar}
    bfe_days = {(e.school_id, e.grade): e.needed_days for e in problem.calendar if e.kind == "bfe"}
    bfe = [s for s in problem.students if (s.school_id, s.grade, "bfe") in needs]
    prak = [s for s in problem.students if (s.school_id, s.grade, "praktikum") in needs]
    offers_by_kind = {k: [o for o in problem.offers if o.kind == k] for k in ("bfe", "praktikum")}
    return SupplySummary(
        schools=len(problem.schools),
        bfe_students=len(bfe),
        praktikum_students=len(prak),
        companies=len(problem.companies),
        traeger=sum(c.provider_type == "traeger" for c in problem.companies),
        bfe_offers=len(offers_by_kind["bfe"]),
        praktikum_offers=len(offers_by_kind["praktikum"]),
        bfe_demand=sum(bfe_days[(s.school_id, s.grade)] for s in bfe),
        bfe_places=_bfe_places(problem, offers_by_kind["bfe"]),
        praktikum_demand=len(prak),
        praktikum_places=_praktikum_places(problem, offers_by_kind["praktikum"]),
        **_participant_supply(problem),
    )


def _participant_supply(problem: Problem) -> dict[str, int]:
    """The ``praxiskurs_*`` and ``langzeit_*`` fields of :class:`SupplySummary`."""
    # A listed participant needs the kind only when the school's grade has a row for it.
    need = {(e.school_id, e.grade, e.kind): e.needed_days for e in problem.calendar}
    grade = {s.student_id: (s.school_id, s.grade) for s in problem.students}
    counts = dict.fromkeys(("praxiskurs", "langzeit"), (0, 0))
    for p in problem.participants:
        days = need.get((*grade[p.student_id], p.kind)) if p.student_id in grade else None
        if days is not None:
            students, demand = counts[p.kind]
            counts[p.kind] = (students + 1, demand + days)
    courses = [o for o in problem.offers if o.kind == "praxiskurs"]
    places = [o for o in problem.offers if o.kind == "langzeit"]
    return {
        "praxiskurs_students": counts["praxiskurs"][0],
        "praxiskurs_demand": counts["praxiskurs"][1],
        "praxiskurs_courses": len(courses),
        "praxiskurs_seats": sum(o.capacity for o in courses),
        "langzeit_students": counts["langzeit"][0],
        "langzeit_demand": counts["langzeit"][1],
        "langzeit_offers": len(places),
        "langzeit_weekday_places": sum(o.capacity * len(o.weekdays) for o in places),
    }


# --- all of NRW --------------------------------------------------------------

_KREIS_DIR = re.compile(r"\d{5}-[a-z0-9-]+")


def _nrw_selection(kreise: Iterable[str] | None) -> list[NrwKreis]:
    """The Kreise to write, in the order of the table."""
    if kreise is None:
        return list(NRW_KREISE)
    wanted = {kreise} if isinstance(kreise, str) else set(kreise)
    unknown = sorted(wanted - {k.key for k in NRW_KREISE})
    if unknown:
        raise ValueError(f"unknown Kreis key(s): {', '.join(unknown)}")
    if not wanted:
        raise ValueError("no Kreis chosen: give at least one Kreis key")
    return [k for k in NRW_KREISE if k.key in wanted]


def _write_kreis(
    root: Path, kreis: NrwKreis, seed: int, scale: float, german: bool
) -> GeneratedKreis:
    """Generate one Kreis and write its input directory under ``root``."""
    from kaoa_match.io.write_problem import write_problem

    problem = generate(
        kreis.preset(scale), seed=kreis_seed(seed, kreis.key), id_prefix=f"{kreis.key}-"
    )
    write_problem(problem, root / kreis.directory, german=german)
    return GeneratedKreis(
        key=kreis.key,
        name=kreis.name,
        directory=kreis.directory,
        students=len(problem.students),
        schools=len(problem.schools),
        companies=len(problem.companies),
        offers=len(problem.offers),
    )


def _write_nrw_index(path: Path, written: list[GeneratedKreis], german: bool) -> None:
    """``kreise.csv``: one row per Kreis, in the dialect of the input files."""
    names = [f.name for f in dataclasses.fields(GeneratedKreis)]
    with path.open("w", encoding="utf-8-sig" if german else "utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";" if german else ",", lineterminator="\r\n")
        writer.writerow(names)
        writer.writerows([getattr(k, name) for name in names] for k in written)


def _refuse_foreign_tree(target: Path) -> None:
    """Raise unless ``target`` is missing, empty or an earlier NRW tree.

    An earlier tree holds ``kreise.csv`` and Kreis directories of CSV files
    only; nothing else is ours to replace.
    """
    if not target.exists():
        return
    if not target.is_dir():
        raise KaoaMatchError(f"{target} exists and is not a directory")
    entries = sorted(target.iterdir())
    if not entries:
        return
    foreign = [p.name for p in entries if not _is_nrw_entry(p)]
    if foreign or not (target / NRW_INDEX).is_file():
        shown = ", ".join(foreign[:3]) or f"no {NRW_INDEX}"
        raise KaoaMatchError(
            f"{target} is not an earlier NRW tree ({shown}); choose a new or empty output directory"
        )


def _is_nrw_entry(entry: Path) -> bool:
    if entry.name == NRW_INDEX:
        return entry.is_file()
    if entry.is_symlink() or not entry.is_dir() or not _KREIS_DIR.fullmatch(entry.name):
        return False
    return all(p.is_file() and p.suffix == ".csv" for p in entry.iterdir())


# --- presets and geography --------------------------------------------------


def _resolve(
    preset: str | Preset | None,
    students: int | None,
    praktikum_students: int | None,
    rng: np.random.Generator,
) -> Preset:
    """The preset to build, with sizes overridden by the arguments."""
    if preset is None:
        if not students and not praktikum_students:
            raise ValueError("give a preset or a positive number of students")
        return _generic_preset(students or 0, praktikum_students or 0, rng)
    if isinstance(preset, str) and preset not in PRESETS:
        raise ValueError(f"unknown preset {preset!r}; known: {', '.join(PRESETS)}")
    base = PRESETS[preset] if isinstance(preset, str) else preset
    bfe = base.students if students is None else students
    prak = base.praktikum_students if praktikum_students is None else praktikum_students
    if bfe < 0 or prak < 0 or bfe + prak == 0:
        raise ValueError("student numbers must be >= 0 and not both 0")
    return dataclasses.replace(
        base, students=bfe, praktikum_students=prak, cohorts=_cohorts(bfe, prak)
    )


def _cohorts(students: int, praktikum: int) -> tuple[Kind, ...]:
    """The cohorts with students: ``bfe`` (grade 8) and/or ``praktikum`` (grade 9)."""
    cohorts: list[Kind] = []
    if students > 0:
        cohorts.append("bfe")
    if praktikum > 0:
        cohorts.append("praktikum")
    return tuple(cohorts)


def _generic_preset(students: int, praktikum: int, rng: np.random.Generator) -> Preset:
    """A made-up Kreis around Soest: a few towns scattered 12 km around it."""
    n_towns = int(np.clip(round(max(students, praktikum) / 350), 2, 10))
    lat, lon = _scatter(rng, 51.57, 8.11, 12.0, n_towns)
    weights = np.sort(rng.pareto(1.5, n_towns) + 1.0)[::-1]
    towns = tuple(
        Town(f"Ort {chr(65 + i)}", round(float(lat[i]), 3), round(float(lon[i]), 3), float(w))
        for i, w in enumerate(weights)
    )
    return Preset(
        "generic",
        "a generic Kreis",
        cohorts=_cohorts(students, praktikum),
        students=students,
        praktikum_students=praktikum,
        layout="kreis",
        towns=towns,
        bfe_blocks=int(np.clip(round(students / 500), 2, 8)),
        praktikum_periods=int(np.clip(round(praktikum / 600), 2, 5)),
    )


def _scatter(
    rng: np.random.Generator,
    lat: float | NDArray[np.float64],
    lon: float | NDArray[np.float64],
    sd_km: float | NDArray[np.float64],
    n: int,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """``n`` points around (lat, lon), normally spread with ``sd_km`` km per axis."""
    dlat = rng.normal(0.0, 1.0, n) * sd_km / KM_PER_DEG_LAT
    dlon = rng.normal(0.0, 1.0, n) * sd_km / (KM_PER_DEG_LAT * np.cos(np.radians(lat)))
    return np.round(lat + dlat, 5), np.round(lon + dlon, 5)


def _town_weights(towns: tuple[Town, ...]) -> NDArray[np.float64]:
    w = np.asarray([t.weight for t in towns], dtype=np.float64)
    return w / w.sum()


def _apportion(weights: list[int], total: int) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainders, each >= 1)."""
    w = np.asarray(weights, dtype=np.float64)
    raw = w * total / w.sum()
    parts = np.maximum(np.floor(raw).astype(np.int64), 1)
    order = np.argsort(-(raw - np.floor(raw)), kind="stable")
    k = 0
    while parts.sum() < total:
        parts[order[k % len(parts)]] += 1
        k += 1
    while parts.sum() > total:  # only when the minimum of 1 pushed the sum over
        parts[int(np.argmax(parts))] -= 1
    return [int(p) for p in parts]


# --- schools ----------------------------------------------------------------


@dataclass
class _School:
    """A school being built, with its cohorts and calendar."""

    school_id: str
    school_type: str
    town: int
    grade_size: int
    lat: float = 0.0
    lon: float = 0.0
    name: str = ""
    max_travel_min: int | None = None
    bfe_students: int = 0
    praktikum_students: int = 0
    bfe_block: int = -1
    bfe_dates: list[dt.date] = field(default_factory=list)
    praktikum_period: int = -1
    window: tuple[dt.date, dt.date] | None = None

    def record(self) -> School:
        return School(
            school_id=self.school_id,
            name=self.name,
            school_type=self.school_type,
            lat=self.lat,
            lon=self.lon,
            max_travel_min=self.max_travel_min,
        )


def _draw_school_types(rng: np.random.Generator, target: int, grade_9_only: bool) -> list[str]:
    """Schulformen of as many schools as a cohort of ``target`` students fills."""
    forms = [n for n, f in SCHULFORMEN.items() if f.praktikum_in_grade_9 or not grade_9_only]
    mean_size = np.asarray(
        [(SCHULFORMEN[n].grade_min + SCHULFORMEN[n].grade_max) / 2 for n in forms]
    )
    # Shares are of students; a Schulform of small schools needs more of them.
    per_school = np.asarray([SCHULFORMEN[n].share for n in forms]) / mean_size
    per_school /= per_school.sum()
    types: list[str] = []
    expected = 0.0
    while expected < target:
        form = forms[int(rng.choice(len(forms), p=per_school))]
        types.append(form)
        expected += (SCHULFORMEN[form].grade_min + SCHULFORMEN[form].grade_max) / 2
    return types


def _build_schools(spec: Preset, ids: _Ids, rng: np.random.Generator) -> list[_School]:
    """Schools with Schulform, town, place, name and cohort sizes."""
    primary = spec.students or spec.praktikum_students
    types = list(spec.school_types) or _draw_school_types(
        rng, primary, grade_9_only=not spec.students
    )
    weights = _town_weights(spec.towns)
    towns = rng.choice(len(spec.towns), size=len(types), p=weights)
    schools = []
    for i, (form, town) in enumerate(zip(types, towns, strict=True)):
        f = SCHULFORMEN.get(form)
        size = int(rng.integers(f.grade_min, f.grade_max + 1)) if f else 60
        schools.append(_School(ids.school(i), form, int(town), size))
    _place_schools(spec, schools, rng)
    _size_cohorts(spec, schools)
    return schools


def _place_schools(spec: Preset, schools: list[_School], rng: np.random.Generator) -> None:
    """Coordinates near the town centre, names, and longer travel in rural towns."""
    centre_lat = np.asarray([spec.towns[s.town].lat for s in schools])
    centre_lon = np.asarray([spec.towns[s.town].lon for s in schools])
    lat, lon = _scatter(rng, centre_lat, centre_lon, _SCHOOL_SPREAD_KM[spec.layout], len(schools))
    median_weight = float(np.median([t.weight for t in spec.towns]))
    seen: dict[str, int] = {}
    for s, la, lo in zip(schools, lat, lon, strict=True):
        town = spec.towns[s.town]
        s.lat, s.lon = float(la), float(lo)
        base = f"{s.school_type} {town.name}"
        seen[base] = seen.get(base, 0) + 1
        s.name = base if seen[base] == 1 else f"{base} {_roman(seen[base])}"
        # Rural KoKos accept longer bus rides than the default 45 minutes
        # (assumption).
        if spec.layout == "kreis" and town.weight < median_weight:
            s.max_travel_min = 60


def _roman(n: int) -> str:
    return (
        ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"][n - 1] if n <= 10 else str(n)
    )


def _size_cohorts(spec: Preset, schools: list[_School]) -> None:
    """Grade-8 and grade-9 students per school, summing exactly to the targets."""
    if spec.students:
        sizes = _apportion([s.grade_size for s in schools], spec.students)
        for s, n in zip(schools, sizes, strict=True):
            s.bfe_students = n
    if spec.praktikum_students:
        takers = [
            s
            for s in schools
            if s.school_type not in SCHULFORMEN or SCHULFORMEN[s.school_type].praktikum_in_grade_9
        ] or schools
        sizes = _apportion([s.grade_size for s in takers], spec.praktikum_students)
        for s, n in zip(takers, sizes, strict=True):
            s.praktikum_students = n


# --- calendars --------------------------------------------------------------


def _week_runs(monday: dt.date, working: WorkingDays) -> list[list[dt.date]]:
    """Runs of consecutive working days in the week starting on ``monday``."""
    runs: list[list[dt.date]] = []
    for k in range(5):
        day = monday + dt.timedelta(k)
        if not working.is_working_day(day):
            continue
        if runs and (day - runs[-1][-1]).days == 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return runs


def _bfe_blocks(
    n_blocks: int, working: WorkingDays, rng: np.random.Generator
) -> list[list[dt.date]]:
    """Common BFE date blocks: 3-5 consecutive working days, spread over the season."""
    first, last = BFE_SEASON
    mondays = [first + dt.timedelta(7 * k) for k in range((last - first).days // 7 + 1)]
    weeks = [(m, r) for m in mondays for r in _week_runs(m, working) if len(r) >= 3]
    blocks = []
    for chunk in np.array_split(np.arange(len(weeks)), n_blocks):
        if not len(chunk):
            continue
        run = weeks[int(rng.choice(chunk))][1]
        length = int(rng.integers(3, min(5, len(run)) + 1))
        start = int(rng.integers(0, len(run) - length + 1))
        blocks.append(run[start : start + length])
    return blocks


def _assign_bfe_dates(
    schools: list[_School], blocks: list[list[dt.date]], rng: np.random.Generator
) -> None:
    """Each school takes one block, some add one or two days of another block.

    Every block gets a school while there are enough; beyond that, blocks are
    unequally popular (Dirichlet weights), so some dates are crowded.
    """
    takers = [schools[i] for i in rng.permutation(len(schools)) if schools[i].bfe_students]
    popularity = rng.dirichlet(np.full(len(blocks), 2.0))
    for k, s in enumerate(takers):
        s.bfe_block = k if k < len(blocks) else int(rng.choice(len(blocks), p=popularity))
    for s in schools:
        if not s.bfe_students:
            continue
        dates = list(blocks[s.bfe_block])
        others = [b for b in range(len(blocks)) if b != s.bfe_block]
        if others and len(dates) < 6 and rng.random() < 0.35:
            extra = blocks[int(rng.choice(others))]
            k = min(int(rng.integers(1, 3)), 6 - len(dates), len(extra))
            dates += [extra[i] for i in sorted(rng.choice(len(extra), k, replace=False))]
        s.bfe_dates = sorted(dates)


def _window(start: dt.date, n_days: int, working: WorkingDays) -> tuple[dt.date, dt.date]:
    """The first ``n_days`` working days from ``start`` on, as (first, last)."""
    days: list[dt.date] = []
    day = start
    while len(days) < n_days:
        if working.is_working_day(day):
            days.append(day)
        day += dt.timedelta(1)
    return days[0], days[-1]


def _lost_weekdays(window: tuple[dt.date, dt.date], working: WorkingDays) -> int:
    """Weekdays inside the window that are holidays."""
    first, last = window
    weekdays = [first + dt.timedelta(k) for k in range((last - first).days + 1)]
    return sum(d.weekday() < 5 and not working.is_working_day(d) for d in weekdays)


def _praktikum_periods(
    n_periods: int, working: WorkingDays, rng: np.random.Generator
) -> list[dt.date]:
    """Mondays on which groups of schools start their Praktikum window.

    A start qualifies when two- and three-week windows from it and from a week
    later lose at most one weekday to a holiday (Fronleichnam, a bridge day).
    """
    first, last = PRAKTIKUM_STARTS
    mondays = [first + dt.timedelta(7 * k) for k in range((last - first).days // 7 + 1)]
    valid = [m for m in mondays if _good_period_start(m, working)]
    # Evenly spread, a week of jitter, four weeks apart so windows never overlap.
    step = (last - first).days / n_periods
    chosen: list[dt.date] = []
    for k in range(n_periods):
        target = first + dt.timedelta(int((k + 0.5) * step) + int(rng.integers(-7, 8)))
        options = [m for m in valid if all(abs((m - c).days) >= 28 for c in chosen)]
        if options:
            chosen.append(min(options, key=lambda m: (abs((m - target).days), m)))
    return sorted(chosen)


def _good_period_start(monday: dt.date, working: WorkingDays) -> bool:
    """Windows from ``monday`` and a week later lose at most one weekday and
    end before the offers' school year does."""
    if not working.is_working_day(monday):
        return False
    for shift in (0, 7):
        for n_days in (PRAKTIKUM_DAYS, 15):
            window = _window(monday + dt.timedelta(shift), n_days, working)
            if _lost_weekdays(window, working) > 1 or window[1] > ALL_YEAR[1]:
                return False
    return True


def _assign_windows(
    schools: list[_School],
    periods: list[dt.date],
    working: WorkingDays,
    rng: np.random.Generator,
) -> None:
    """Most schools a two-week window, a quarter three weeks to choose a start."""
    for s in schools:
        if not s.praktikum_students:
            continue
        s.praktikum_period = int(rng.integers(len(periods)))
        start = periods[s.praktikum_period] + dt.timedelta(7 * int(rng.random() < 0.3))
        n_days = 15 if rng.random() < 0.25 else PRAKTIKUM_DAYS
        s.window = _window(start, n_days, working)


def _date_runs(dates: list[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Sorted dates as runs of consecutive calendar days, (first, last)."""
    runs: list[tuple[dt.date, dt.date]] = []
    for d in dates:
        if runs and (d - runs[-1][1]).days == 1:
            runs[-1] = (runs[-1][0], d)
        else:
            runs.append((d, d))
    return runs


def _calendar_rows(schools: list[_School]) -> list[CalendarEntry]:
    rows = []
    for s in schools:
        for first, last in _date_runs(s.bfe_dates):
            rows.append(
                CalendarEntry(
                    school_id=s.school_id,
                    kind="bfe",
                    grade=8,
                    start_date=first,
                    end_date=last if last != first else None,
                    days=BFE_DAYS,
                )
            )
        if s.window:
            rows.append(
                CalendarEntry(
                    school_id=s.school_id,
                    kind="praktikum",
                    grade=9,
                    start_date=s.window[0],
                    end_date=s.window[1],
                    days=PRAKTIKUM_DAYS,
                )
            )
    return rows


# --- students, interests, pairs --------------------------------------------


@dataclass(frozen=True)
class _Cohort:
    """Students ``lo .. hi-1`` of the student list are one school's grade."""

    lo: int
    hi: int


def _birth_dates(grade: int, n: int, rng: np.random.Generator) -> NDArray[np.datetime64]:
    """Birth dates of ``n`` students of ``grade`` in the school year 2026/27."""
    first = np.datetime64(f"{SCHOOL_YEAR - grade - 6}-10-01")
    offset = rng.integers(0, 365, n)
    shift = rng.choice([-1, 0, 1], size=n, p=[0.07, 0.92, 0.01])  # older, regular, younger
    return first + (offset + 365 * shift).astype("timedelta64[D]")


def _build_students(
    spec: Preset, schools: list[_School], ids: _Ids, rng: np.random.Generator
) -> tuple[list[Student], list[_Cohort]]:
    """All students, grade 8 first, then grade 9, each school's grade together."""
    students: list[Student] = []
    cohorts: list[_Cohort] = []
    for grade, attr, ifsg_share in ((8, "bfe_students", 0.10), (9, "praktikum_students", 0.25)):
        for s in schools:
            n = getattr(s, attr)
            if n:
                lo = len(students)
                students += _school_students(spec, s, grade, n, ifsg_share, lo, ids, rng)
                cohorts.append(_Cohort(lo, len(students)))
    return students, cohorts


def _school_students(
    spec: Preset,
    school: _School,
    grade: int,
    n: int,
    ifsg_share: float,
    first_index: int,
    ids: _Ids,
    rng: np.random.Generator,
) -> list[Student]:
    """``n`` students of one school's grade, built from arrays drawn at once."""
    form = SCHULFORMEN.get(school.school_type)
    spread = (form.home_spread_km if form else 2.5) * _HOME_SPREAD_FACTOR[spec.layout]
    lat, lon = _scatter(rng, school.lat, school.lon, spread, n)
    births = _birth_dates(grade, n, rng).astype(object)
    no_home = rng.random(n) < 0.03
    no_birth = rng.random(n) < 0.015
    need_share = 0.08 if school.school_type == "Förderschule" else 0.016
    needs = rng.random(n) < need_share
    ifsg = rng.random(n) < ifsg_share
    return [
        Student(
            student_id=ids.student(first_index + i),
            school_id=school.school_id,
            grade=grade,
            birth_date=None if no_birth[i] else births[i],
            home_lat=None if no_home[i] else float(lat[i]),
            home_lon=None if no_home[i] else float(lon[i]),
            needs=_BARRIEREFREI if needs[i] else _NO_TAGS,
            qualifications=_IFSG if ifsg[i] else _NO_TAGS,
        )
        for i in range(n)
    ]


def _build_interests(students: list[Student], rng: np.random.Generator) -> list[Interest]:
    """Potenzialanalyse profiles: six scored fields per student, 3 % without one.

    Fields are drawn without replacement in proportion to
    :data:`INTEREST_WEIGHTS` (Gumbel top-k), scores 10-100 falling with rank.
    """
    n, k = len(students), 6
    weights = np.asarray([INTEREST_WEIGHTS[f] for f in _FIELD_IDS])
    keys = np.log(weights)[None, :] + rng.gumbel(size=(n, len(_FIELD_IDS)))
    fields = np.argsort(-keys, axis=1)[:, :k]
    scores = -np.sort(-rng.integers(10, 101, size=(n, k)), axis=1)
    has_profile = rng.random(n) >= 0.03
    rows = []
    for i in np.flatnonzero(has_profile):
        sid = students[i].student_id
        for j in np.argsort(fields[i]):  # rows in field order, as an export lists them
            rows.append(
                Interest(student_id=sid, field_id=_FIELD_IDS[fields[i, j]], score=int(scores[i, j]))
            )
    return rows


def _with_group_minimums(problem: Problem, rng: np.random.Generator) -> Problem:
    """Half the Träger BFE workshops run only with a group of 3-5 students."""
    traeger = {c.company_id for c in problem.companies if c.provider_type == "traeger"}
    offers = []
    for offer in problem.offers:
        if offer.kind == "bfe" and offer.company_id in traeger and rng.random() < 0.5:
            smallest = min(int(rng.integers(3, 6)), offer.capacity)
            offer = offer.model_copy(update={"min_group": smallest})
        offers.append(offer)
    return problem.model_copy(update={"offers": tuple(offers)})


def _build_wishes(problem: Problem, rng: np.random.Generator) -> list[Wish]:
    """A share of the students rank 1-5 wishes, as a portal shows places: mostly
    companies near the student among the places the student may take, some
    single offers, some Berufsfelder among the student's top interests (which
    may have no place in reach: a wish that can never be granted)."""
    opts = build_options(problem)
    bounds = np.searchsorted(opts.student, np.arange(len(problem.students) + 1))
    interests: dict[str, list[str]] = {}
    for row in sorted(problem.interests, key=lambda r: -r.score):
        interests.setdefault(row.student_id, []).append(row.field_id)
    targets, weights = list(_WISH_TARGET_P), list(_WISH_TARGET_P.values())
    wishes = []
    for s, student in enumerate(problem.students):
        lo, hi = int(bounds[s]), int(bounds[s + 1])
        if lo == hi or rng.random() >= _WISH_SHARE:
            continue
        hosts = _nearest_hosts(problem, opts, lo, hi)
        chosen: set[tuple[str, str]] = set()
        top = interests.get(student.student_id, [])[:3]
        for rank in range(1, int(rng.integers(1, 6)) + 1):
            target = targets[int(rng.choice(len(targets), p=weights))]
            company, offers = hosts[int(rng.integers(len(hosts)))]
            value = {
                "company_id": company,
                "offer_id": offers[int(rng.integers(len(offers)))],
                "field_id": top[int(rng.integers(len(top)))] if top else "",
            }[target]
            if not value or (target, value) in chosen:
                continue
            chosen.add((target, value))
            wishes.append(Wish(student_id=student.student_id, rank=rank, **{target: value}))
    return wishes


def _nearest_hosts(
    problem: Problem, opts: Options, lo: int, hi: int
) -> list[tuple[str, list[str]]]:
    """The nearest companies among the options ``lo .. hi-1`` of one student,
    each with the offers the student may take there."""
    order = lo + np.argsort(opts.travel_min[lo:hi], kind="stable")
    hosts: dict[str, list[str]] = {}
    for j in opts.offer[order].tolist():
        offer = problem.offers[j]
        if offer.company_id not in hosts and len(hosts) >= _WISH_NEAR_COMPANIES:
            continue
        listed = hosts.setdefault(offer.company_id, [])
        if offer.offer_id not in listed:
            listed.append(offer.offer_id)
    return list(hosts.items())


def _build_pairs(
    students: list[Student], cohorts: list[_Cohort], rng: np.random.Generator
) -> list[Pair]:
    """About one pair per hundred students, within one school's grade."""
    usable = [c for c in cohorts if c.hi - c.lo >= 2]
    if not usable:
        return []
    sizes = np.asarray([c.hi - c.lo for c in usable], dtype=np.float64)
    seen: set[tuple[int, int]] = set()
    pairs = []
    for _ in range(max(1, round(len(students) / 100))):
        c = usable[int(rng.choice(len(usable), p=sizes / sizes.sum()))]
        a, b = (int(x) for x in rng.choice(np.arange(c.lo, c.hi), 2, replace=False))
        key = (min(a, b), max(a, b))
        if key in seen:
            continue
        seen.add(key)
        relation = "apart" if rng.random() < 0.5 else "together"
        pairs.append(
            Pair(
                student_a=students[key[0]].student_id,
                student_b=students[key[1]].student_id,
                relation=relation,
            )
        )
    return pairs


# --- companies and offers ---------------------------------------------------


def _draw_fields(weights: dict[str, float], k: int, rng: np.random.Generator) -> list[str]:
    names = list(weights)
    p = np.asarray([weights[f] for f in names])
    idx = rng.choice(len(names), size=k, replace=False, p=p / p.sum())
    return [names[i] for i in idx]


def _company_tags(
    fields: list[str], praktikum: bool, rng: np.random.Generator
) -> tuple[frozenset[str], frozenset[str], int | None]:
    """``provides``, ``requires`` and ``min_age`` of a company (assumptions).

    Offices are more often step-free; health and food firms ask for the
    Infektionsschutz-Belehrung; firms with machinery admit from 14 (some 15),
    care homes take Praktikum interns from 15 or 16.
    """
    office = {"verwaltung", "dienstleistung", "it", "medien", "geistes"}
    provides = (
        _BARRIEREFREI if rng.random() < (0.15 if office & set(fields) else 0.06) else _NO_TAGS
    )
    ifsg_chance = 0.35 if "gesundheit" in fields else 0.10 if "dienstleistung" in fields else 0.0
    requires = _IFSG if rng.random() < ifsg_chance else _NO_TAGS
    min_age = None
    if {"metall", "produktion", "bau", "elektro"} & set(fields) and rng.random() < 0.12:
        min_age = 14 if rng.random() < 0.8 else 15
    elif praktikum and {"gesundheit", "soziales"} & set(fields) and rng.random() < 0.3:
        min_age = 15 if rng.random() < 0.75 else 16
    return provides, requires, min_age


def _place_capacity(rng: np.random.Generator) -> int:
    """BFE places a company offers per day: mostly 1-2, some larger firms 5-10."""
    size = int(rng.choice([1, 2, 3, 4, 0], p=[0.45, 0.25, 0.12, 0.08, 0.10]))
    return size or int(rng.integers(5, 11))


class _Market:
    """Companies and offers as they are drawn, with the town of each company."""

    def __init__(self, spec: Preset, ids: _Ids) -> None:
        self.spec = spec
        self.ids = ids
        self.companies: list[Company] = []
        self.offers: list[Offer] = []
        self.town_of: list[int] = []
        self.fields_of: list[list[str]] = []

    def add_company(
        self,
        town: int,
        fields: list[str],
        rng: np.random.Generator,
        *,
        traeger: bool = False,
        praktikum: bool = False,
    ) -> int:
        t = self.spec.towns[town]
        spread = 0.5 if traeger else _COMPANY_SPREAD_KM[self.spec.layout]
        lat, lon = _scatter(rng, t.lat, t.lon, spread, 1)
        index = len(self.companies)
        if traeger:
            provides, requires, min_age = _BARRIEREFREI, _NO_TAGS, None
            name = f"Bildungszentrum {t.name}"
        else:
            provides, requires, min_age = _company_tags(fields, praktikum, rng)
            name = f"{COMPANY_STEMS[fields[0]]} {t.name} {index + 1}"
        self.companies.append(
            Company(
                company_id=self.ids.company(index),
                name=name,
                lat=float(lat[0]),
                lon=float(lon[0]),
                provider_type="traeger" if traeger else "betrieb",
                provides=provides,
                requires=requires,
                min_age=min_age,
            )
        )
        self.town_of.append(town)
        self.fields_of.append(fields)
        return index

    def add_place(
        self,
        company: int,
        field_id: str,
        kind: ParticipantKind,
        dates: tuple[dt.date, dt.date],
        capacity: int,
        *,
        min_group: int | None = None,
        weekdays: frozenset[Weekday] = frozenset(),
        school_types: frozenset[str] = frozenset(),
    ) -> None:
        """A course or a Langzeitpraktikum place, open to every grade."""
        self._append(
            company,
            field_id,
            kind,
            dates,
            capacity,
            school_types=school_types,
            min_group=min_group,
            weekdays=weekdays,
        )

    def add_offer(
        self,
        company: int,
        field_id: str,
        kind: Kind,
        dates: tuple[dt.date, dt.date],
        capacity: int,
        rng: np.random.Generator,
    ) -> None:
        grades, school_types = _restrictions(kind, rng)
        self._append(
            company, field_id, kind, dates, capacity, grades=grades, school_types=school_types
        )

    def _append(
        self,
        company: int,
        field_id: str,
        kind: Kind,
        dates: tuple[dt.date, dt.date],
        capacity: int,
        **restrictions: Any,
    ) -> None:
        """The next offer of ``company`` (``dates``: first and last day)."""
        self.offers.append(
            Offer(
                offer_id=self.ids.offer(len(self.offers)),
                company_id=self.companies[company].company_id,
                field_id=field_id,
                kind=kind,
                start_date=dates[0],
                end_date=dates[1] if dates[1] != dates[0] else None,
                capacity=capacity,
                **restrictions,
            )
        )


_ACADEMIC = frozenset({"Gymnasium", "Gesamtschule"})
_NON_ACADEMIC = frozenset(
    {"Hauptschule", "Realschule", "Sekundarschule", "Gesamtschule", "Förderschule", "PRIMUS-Schule"}
)


def _restrictions(kind: Kind, rng: np.random.Generator) -> tuple[frozenset[int], frozenset[str]]:
    """Grades and Schulformen an offer admits; most admit everyone (assumption)."""
    grade = 8 if kind == "bfe" else 9
    r = rng.random()
    grades = frozenset({grade}) if r < 0.08 else frozenset({8, 9}) if r < 0.10 else frozenset()
    r = rng.random()
    types = _ACADEMIC if r < 0.04 else _NON_ACADEMIC if r < 0.07 else frozenset()
    return grades, types


def _bfe_market(
    market: _Market,
    spec: Preset,
    schools: list[_School],
    blocks: list[list[dt.date]],
    rng: np.random.Generator,
) -> None:
    """Bildungsträger, then companies per town until each block's places are met."""
    if not blocks:
        return
    demand = np.zeros((len(spec.towns), len(blocks)))
    for s in schools:
        if s.bfe_students:
            demand[s.town, s.bfe_block] += BFE_DAYS * s.bfe_students
    # Some blocks tight, some generous, about 30 % spare places overall.
    factor = rng.uniform(-0.25, 0.25, len(blocks))
    factor += BFE_SUPPLY - np.average(factor + 1.0, weights=demand.sum(axis=0)) + 1.0
    target = demand * factor[None, :] * rng.uniform(0.9, 1.1, demand.shape)
    target -= _add_traeger(market, spec, demand, blocks, rng)
    for town in range(len(spec.towns)):
        _fill_bfe_town(market, town, target[town], demand[town] > 0, blocks, rng)


def _add_traeger(
    market: _Market,
    spec: Preset,
    demand: NDArray[np.float64],
    blocks: list[list[dt.date]],
    rng: np.random.Generator,
) -> NDArray[np.float64]:
    """One Bildungsträger per 1,000 students in the larger towns; their places."""
    supply = np.zeros_like(demand)
    towns_with_demand = np.flatnonzero(demand.sum(axis=1) > 0)
    weights = _town_weights(spec.towns)[towns_with_demand]
    n = max(1, round(spec.students / 1000))
    chosen = rng.choice(
        towns_with_demand, size=n, replace=n > len(towns_with_demand), p=weights / weights.sum()
    )
    for town in (int(t) for t in chosen):
        fields = [
            str(f) for f in rng.choice(TRAEGER_FIELDS, size=int(rng.integers(2, 5)), replace=False)
        ]
        company = market.add_company(town, fields, rng, traeger=True)
        busiest = np.argsort(-demand[town], kind="stable")[: int(rng.integers(1, 3))]
        for b in (int(b) for b in busiest if demand[town, b] > 0):
            for f in fields:
                cap = int(rng.integers(4, 8))
                market.add_offer(company, f, "bfe", (blocks[b][0], blocks[b][-1]), cap, rng)
                supply[town, b] += cap * len(blocks[b])
    return supply


def _fill_bfe_town(
    market: _Market,
    town: int,
    remaining: NDArray[np.float64],
    active: NDArray[np.bool_],
    blocks: list[list[dt.date]],
    rng: np.random.Generator,
) -> None:
    """Add companies in ``town`` until the BFE places of every active block are met."""
    remaining = np.where(active, remaining, 0.0)
    while (remaining > 0).any():
        capacity = _place_capacity(rng)
        n_fields = (
            1
            if capacity <= 2
            else int(rng.integers(1, 3))
            if capacity <= 4
            else int(rng.integers(2, 4))
        )
        fields = _draw_fields(BFE_PLACE_WEIGHTS, n_fields, rng)
        company = market.add_company(town, fields, rng)
        for f, cap in zip(fields, _apportion([1] * n_fields, capacity), strict=True):
            for _ in range(1 + int(rng.random() < 0.3)):  # some firms host in two blocks
                if not (remaining > 0).any():
                    return
                dates, covered = _bfe_offer_dates(remaining, active, blocks, rng)
                places = _trim_capacity(cap, remaining, covered)
                market.add_offer(company, f, "bfe", dates, places, rng)
                remaining -= places * covered


def _trim_capacity(
    capacity: int, remaining: NDArray[np.float64], covered: NDArray[np.float64]
) -> int:
    """Fewer places per day when a one-block offer would overshoot its block."""
    blocks = np.flatnonzero(covered)
    if len(blocks) != 1:
        return capacity
    b = int(blocks[0])
    return max(1, min(capacity, math.ceil(remaining[b] / covered[b])))


def _bfe_offer_dates(
    remaining: NDArray[np.float64],
    active: NDArray[np.bool_],
    blocks: list[list[dt.date]],
    rng: np.random.Generator,
) -> tuple[tuple[dt.date, dt.date], NDArray[np.float64]]:
    """An offer's date range and the days it covers in each block.

    In a town with schools in every block, 15 % of offers run the whole
    season (while every block still needs places); most cover one whole
    block, the rest one or two of its days.
    """
    covered = np.zeros(len(blocks))
    if active.all() and (remaining > 0).all() and rng.random() < 0.15:
        for k in np.flatnonzero(active):
            covered[k] = len(blocks[k])
        return BFE_SEASON, covered
    need = np.maximum(remaining, 0.0)
    b = int(rng.choice(len(blocks), p=need / need.sum()))
    days = blocks[b]
    if rng.random() >= 0.7:
        length = min(int(rng.integers(1, 3)), len(days))
        start = int(rng.integers(0, len(days) - length + 1))
        days = days[start : start + length]
    covered[b] = len(days)
    return (days[0], days[-1]), covered


def _praktikum_market(
    market: _Market, spec: Preset, schools: list[_School], rng: np.random.Generator
) -> None:
    """Praktikum places 5-25 % above the interns of each town and period.

    Offers go to a town and period in proportion to the places still needed
    there; a place in a period its own town does not need counts for a
    reachable town that does, so that no place is counted twice.
    """
    takers = [s for s in schools if s.window]
    if not takers:
        return
    n_periods = 1 + max(s.praktikum_period for s in takers)
    spans = _period_spans(takers, n_periods)
    demand = np.zeros((len(spec.towns), n_periods))
    for s in takers:
        demand[s.town, s.praktikum_period] += s.praktikum_students
    remaining = demand * rng.uniform(1.05, 1.25, demand.shape)
    reach = _town_reach(spec)
    reusable = _reusable_companies(market, len(spec.towns), rng)
    while (remaining > 0).any():
        need = np.maximum(remaining, 0.0).ravel()
        town, period = divmod(int(rng.choice(need.size, p=need / need.sum())), n_periods)
        company, field_id = _praktikum_host(market, town, reusable[town], rng)
        capacity = int(rng.choice([1, 2, 3], p=[0.6, 0.3, 0.1]))
        needy = (remaining[reach[town]] > 0).any(axis=0)
        dates = _praktikum_offer_dates(spans, period, needy, rng)
        market.add_offer(company, field_id, "praktikum", dates, capacity, rng)
        for q, (first, last) in enumerate(spans):
            if dates[0] <= first and last <= dates[1]:
                _take_places(remaining, reach[town], town, q, capacity)


def _period_spans(takers: list[_School], n_periods: int) -> list[tuple[dt.date, dt.date]]:
    """First and last day of all school windows of each Praktikum period."""
    spans = []
    for p in range(n_periods):
        windows = [s.window for s in takers if s.window and s.praktikum_period == p]
        spans.append(
            (min(w[0] for w in windows), max(w[1] for w in windows)) if windows else ALL_YEAR
        )
    return spans


def _town_reach(spec: Preset) -> NDArray[np.bool_]:
    """(towns, towns): the centres lie within the default travel limit."""
    lat = np.asarray([t.lat for t in spec.towns])
    lon = np.asarray([t.lon for t in spec.towns])
    model = TravelModel()
    km = haversine_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
    return estimate_minutes(km, model) <= model.default_max_travel_min


def _reusable_companies(market: _Market, n_towns: int, rng: np.random.Generator) -> list[list[int]]:
    """BFE companies of each town, in random order, that may also take interns."""
    by_town: list[list[int]] = [[] for _ in range(n_towns)]
    for c in rng.permutation(len(market.companies)).tolist():
        if market.companies[c].provider_type == "betrieb":
            by_town[market.town_of[c]].append(c)
    return by_town


def _praktikum_host(
    market: _Market, town: int, reusable: list[int], rng: np.random.Generator
) -> tuple[int, str]:
    """A company for a Praktikum offer: 60 % a BFE company of the town, else a new one."""
    if reusable and rng.random() < 0.6:
        company = reusable.pop()
        return company, market.fields_of[company][0]
    field_id = _draw_fields(PRAKTIKUM_PLACE_WEIGHTS, 1, rng)[0]
    return market.add_company(town, [field_id], rng, praktikum=True), field_id


def _take_places(
    remaining: NDArray[np.float64],
    reachable: NDArray[np.bool_],
    town: int,
    period: int,
    capacity: int,
) -> None:
    """Count ``capacity`` places against the town's need, else a reachable town's."""
    if remaining[town, period] <= 0:
        needy = np.flatnonzero(reachable & (remaining[:, period] > 0))
        if not len(needy):
            return
        town = int(needy[np.argmax(remaining[needy, period])])
    remaining[town, period] -= capacity


def _praktikum_offer_dates(
    spans: list[tuple[dt.date, dt.date]],
    period: int,
    needy: NDArray[np.bool_],
    rng: np.random.Generator,
) -> tuple[dt.date, dt.date]:
    """All school year (55 %) or a few months around ``period``'s windows.

    A range may hold only periods that still need places nearby (``needy``);
    else it shrinks to the period's windows, so places are not wasted.
    """
    if needy.all() and rng.random() < 0.55:
        return ALL_YEAR
    span = spans[period]
    first = max(_month_start(span[0], -int(rng.integers(0, 2))), ALL_YEAR[0])
    last = min(_month_start(span[1], 1 + int(rng.integers(0, 2))) - dt.timedelta(1), ALL_YEAR[1])
    holds = [first <= a and b <= last for a, b in spans]
    if any(h and not n for h, n in zip(holds, needy, strict=True)):
        return span
    return first, last


def _month_start(day: dt.date, shift: int) -> dt.date:
    """The first day of the month ``shift`` months after ``day``'s month."""
    months = day.year * 12 + day.month - 1 + shift
    return dt.date(months // 12, months % 12 + 1, 1)


# --- Praxiskurs and Langzeitpraktikum ---------------------------------------

_WEEKLY_BFE_TYPES = frozenset({"Förderschule", "Hauptschule"})
_LANGZEIT_EXTRA_WEEKDAY: dict[Weekday, Weekday] = {
    "mo": "mi",
    "di": "do",
    "mi": "fr",
    "do": "di",
    "fr": "mi",
}
"""The second weekday a school with weekly BFE days allows for its Langzeitpraktikum."""


def _kinds_in_order(kinds: Iterable[str]) -> tuple[ParticipantKind, ...]:
    """The participant kinds asked for, in the contract's order."""
    wanted = set(kinds)
    unknown = sorted(wanted - set(PARTICIPANT_KINDS))
    if unknown:
        raise ValueError(
            f"unknown participant kind(s) {', '.join(unknown)}; known: praxiskurs, langzeit"
        )
    return tuple(k for k in PARTICIPANT_KINDS if k in wanted)


def _weekly_bfe_takers(spec: Preset, schools: list[_School]) -> list[_School]:
    """The schools whose grade 8 takes its BFE days one a week (see the preset)."""
    if spec.weekly_bfe_weekday is None:
        return []
    return [s for s in schools if s.bfe_students and s.school_type in _WEEKLY_BFE_TYPES]


def _weekly_bfe_dates(
    takers: list[_School],
    blocks: list[list[dt.date]],
    weekday: Weekday,
    working: WorkingDays,
    rng: np.random.Generator,
) -> None:
    """``takers`` take their BFE days one a week on ``weekday``:
    :data:`WEEKLY_BFE_DAYS` such working days in a row of weeks, added to
    ``blocks`` as a block of their own."""
    first, last = BFE_SEASON
    days = [
        day
        for day in (first + dt.timedelta(k) for k in range((last - first).days + 1))
        if day.weekday() == WEEKDAYS.index(weekday) and working.is_working_day(day)
    ]
    start = int(rng.integers(0, len(days) - WEEKLY_BFE_DAYS + 1))
    blocks.append(days[start : start + WEEKLY_BFE_DAYS])
    for s in takers:
        s.bfe_block = len(blocks) - 1
        s.bfe_dates = list(blocks[-1])


@dataclass(frozen=True)
class _Takers:
    """The participants of one school and grade in one kind, with their calendar row."""

    school: _School
    student_ids: list[str]
    entry: CalendarEntry


def _with_participant_kinds(
    problem: Problem,
    spec: Preset,
    schools: list[_School],
    market: _Market,
    working: WorkingDays,
    rng: np.random.Generator,
) -> Problem:
    """``problem`` with the participants, calendar rows, courses and
    Langzeitpraktikum places of ``spec.participant_kinds`` added at the end."""
    cohorts: dict[tuple[str, int], list[str]] = {}
    for st in problem.students:
        cohorts.setdefault((st.school_id, st.grade), []).append(st.student_id)
    first_company, first_offer = len(market.companies), len(market.offers)
    groups: list[tuple[ParticipantKind, _Takers]] = []
    in_langzeit: set[str] = set()
    if "langzeit" in spec.participant_kinds:
        langzeit = _langzeit_takers(spec, schools, cohorts, rng)
        _langzeit_market(market, langzeit, rng)
        groups += [("langzeit", t) for t in langzeit]
        in_langzeit = {sid for t in langzeit for sid in t.student_ids}
    if "praxiskurs" in spec.participant_kinds:
        # A weekly Langzeitpraktikum day would fall into every course week.
        courses = _praxiskurs_takers(spec, schools, cohorts, in_langzeit, rng)
        _praxiskurs_market(market, courses, working, rng)
        groups += [("praxiskurs", t) for t in courses]
    order = {st.student_id: i for i, st in enumerate(problem.students)}
    participants = sorted(
        (Participant(student_id=sid, kind=kind) for kind, t in groups for sid in t.student_ids),
        key=lambda p: (order[p.student_id], p.kind),
    )
    return problem.model_copy(
        update={
            "companies": (*problem.companies, *market.companies[first_company:]),
            "offers": (*problem.offers, *market.offers[first_offer:]),
            "calendar": (*problem.calendar, *(t.entry for _kind, t in groups)),
            "participants": tuple(participants),
        }
    )


def _langzeit_takers(
    spec: Preset,
    schools: list[_School],
    cohorts: dict[tuple[str, int], list[str]],
    rng: np.random.Generator,
) -> list[_Takers]:
    """Langzeitpraktikum participants of the preset's grades (8 and 9 unless
    set), at the Schulform's share, and each school's period: one or two days
    a week on the weekdays it allows."""
    takers = []
    for s in schools:
        for grade in spec.langzeit_grades:
            ids = cohorts.get((s.school_id, grade), [])
            weekly = (
                spec.weekly_bfe_weekday is not None
                and grade == 8
                and s.school_type in _WEEKLY_BFE_TYPES
            )
            share = LANGZEIT_WEEKLY_BFE_SHARE if weekly else LANGZEIT_SHARE.get(s.school_type, 0.0)
            n = int(rng.binomial(len(ids), share)) if ids else 0
            if n == 0:
                continue
            chosen = sorted(int(k) for k in rng.choice(len(ids), n, replace=False))
            if weekly and spec.weekly_bfe_weekday is not None:
                # The BFE weekday and one more: the plan must keep them apart.
                days = 1
                day = spec.weekly_bfe_weekday
                allowed = frozenset({day, _LANGZEIT_EXTRA_WEEKDAY[day]})
            else:
                days = 2 if rng.random() < (0.5 if s.school_type == "Förderschule" else 0.3) else 1
                k = int(rng.integers(max(days, 2), 4))
                allowed = _some_weekdays(WEEKDAYS, k, rng)
            entry = CalendarEntry(
                school_id=s.school_id,
                kind="langzeit",
                grade=grade,
                start_date=LANGZEIT_PERIOD[0],
                end_date=LANGZEIT_PERIOD[1],
                days=days,
                weekdays=allowed,
            )
            takers.append(_Takers(s, [ids[k] for k in chosen], entry))
    return takers


def _langzeit_market(market: _Market, takers: list[_Takers], rng: np.random.Generator) -> None:
    """Companies in each school's town take its participants on one to three of
    the school's weekdays, one or two students a weekday, all school year;
    30-60 % more students fit than take part."""
    hosts: dict[int, list[int]] = {}
    for c in rng.permutation(len(market.companies)).tolist():
        company = market.companies[c]
        if company.provider_type == "betrieb" and company.min_age is None and not company.requires:
            hosts.setdefault(market.town_of[c], []).append(c)
    for t in takers:
        days, allowed = t.entry.needed_days, sorted(t.entry.allowed_weekdays)
        wanted = math.ceil(len(t.student_ids) * rng.uniform(1.3, 1.6))
        fit = 0
        while fit < wanted:
            reusable = hosts.get(t.school.town, [])
            if reusable and rng.random() < 0.6:
                company = reusable.pop()
                field_id = market.fields_of[company][0]
            else:
                field_id = _draw_fields(PRAKTIKUM_PLACE_WEIGHTS, 1, rng)[0]
                company = market.add_company(t.school.town, [field_id], rng, praktikum=True)
            k = int(rng.integers(days, min(3, len(allowed)) + 1))
            weekdays = _some_weekdays(allowed, k, rng)
            capacity = 1 if rng.random() < 0.75 else 2
            market.add_place(
                company,
                field_id,
                "langzeit",
                ALL_YEAR,
                capacity,
                weekdays=weekdays,
            )
            # A company that asks for an age or a qualification may take nobody.
            c = market.companies[company]
            if c.min_age is None and not c.requires:
                fit += capacity * (k // days)


def _praxiskurs_takers(
    spec: Preset,
    schools: list[_School],
    cohorts: dict[tuple[str, int], list[str]],
    in_langzeit: set[str],
    rng: np.random.Generator,
) -> list[_Takers]:
    """Grade-9 Praxiskurs participants: Hauptschulen and Förderschulen the whole
    grade, other Schulformen one or two classes; one or two courses each (one
    of the 5-day course) in a four-week window apart from the Praktikum."""
    only = spec.praxiskurs_school_types
    takers = []
    for s in schools:
        ids = [sid for sid in cohorts.get((s.school_id, 9), []) if sid not in in_langzeit]
        if not ids:
            continue
        if only and s.school_type not in only:
            continue
        if not only and rng.random() >= PRAXISKURS_SCHOOL_SHARE.get(s.school_type, 0.0):
            continue
        if s.school_type not in PRAXISKURS_WHOLE_COHORT and not only:
            n = min(len(ids), CLASS_SIZE * (1 + int(rng.random() < 0.4)))
            first = int(rng.integers(0, len(ids) - n + 1))
            ids = ids[first : first + n]
        five_days = s.school_type in PRAXISKURS_FIVE_DAYS
        window = _praxiskurs_window(s.window)
        entry = CalendarEntry(
            school_id=s.school_id,
            kind="praxiskurs",
            grade=9,
            start_date=window[0],
            end_date=window[1],
            days=1 if five_days or rng.random() < 0.5 else 2,
        )
        takers.append(_Takers(s, ids, entry))
    return takers


def _praxiskurs_windows() -> list[tuple[dt.date, dt.date]]:
    weeks = dt.timedelta(7 * PRAXISKURS_WEEKS - 3)  # Monday to Friday
    return [(monday, monday + weeks) for monday in PRAXISKURS_MONDAYS]


def _praxiskurs_window(praktikum: tuple[dt.date, dt.date] | None) -> tuple[dt.date, dt.date]:
    """The first common window after the Praktikum, else the last before it."""
    windows = _praxiskurs_windows()
    if praktikum is None:
        return windows[0]
    after = [w for w in windows if w[0] > praktikum[1]]
    before = [w for w in windows if w[1] < praktikum[0]]
    return after[0] if after else before[-1]


def _praxiskurs_market(
    market: _Market, takers: list[_Takers], working: WorkingDays, rng: np.random.Generator
) -> None:
    """Courses in each town and window: a Träger's 3-day courses (and 5-day ones
    for Hauptschulen and Förderschulen) in three to four fields, week after week,
    plus a few small company courses; 30-50 % more seats than courses taken."""
    seats: dict[tuple[int, tuple[dt.date, dt.date], bool], int] = {}
    for t in takers:
        key = (t.school.town, (t.entry.start_date, t.entry.last_date), _five_days(t))
        seats[key] = seats.get(key, 0) + len(t.student_ids) * t.entry.needed_days
    for (town, window, five_days), needed in sorted(seats.items()):
        weeks = _course_weeks(window, 5 if five_days else 3, working)
        traeger = _town_traeger(market, town, rng)
        fields = [str(f) for f in rng.choice(TRAEGER_FIELDS, 4, replace=False)]
        wanted = math.ceil(needed * rng.uniform(1.3, 1.5))
        types = frozenset(PRAXISKURS_FIVE_DAYS) if five_days else frozenset[str]()
        offered, k = 0, 0
        # Week and field both move on with each course: the courses spread over
        # the window, and a student finds two fields in two different weeks.
        while offered < (wanted if five_days else 0.8 * wanted):
            capacity = int(rng.integers(10, 16))
            group = min(int(rng.integers(6, 11)), capacity, max(2, needed // 2))
            week = weeks[k % len(weeks)]
            field_id = fields[k % len(fields)]
            market.add_place(
                traeger, field_id, "praxiskurs", week, capacity, min_group=group, school_types=types
            )
            offered += capacity
            k += 1
        while offered < wanted:  # companies: small courses, some for a group
            field_id = _draw_fields(BFE_PLACE_WEIGHTS, 1, rng)[0]
            company = market.add_company(town, [field_id], rng)
            capacity = int(rng.integers(4, 9))
            smallest = 3 if rng.random() < 0.5 else None
            week = weeks[int(rng.integers(len(weeks)))]
            market.add_place(company, field_id, "praxiskurs", week, capacity, min_group=smallest)
            offered += capacity


def _some_weekdays(pool: Sequence[Weekday], k: int, rng: np.random.Generator) -> frozenset[Weekday]:
    """``k`` weekdays drawn from ``pool`` without repeats."""
    return frozenset(pool[int(i)] for i in rng.choice(len(pool), k, replace=False))


def _five_days(t: _Takers) -> bool:
    return t.school.school_type in PRAXISKURS_FIVE_DAYS


def _course_weeks(
    window: tuple[dt.date, dt.date], length: int, working: WorkingDays
) -> list[tuple[dt.date, dt.date]]:
    """First and last day of a course of ``length`` consecutive working days
    at the start of each week of ``window`` that holds one."""
    weeks = []
    monday = window[0]
    while monday <= window[1]:
        run = max(_week_runs(monday, working), key=len, default=[])
        if len(run) >= length and run[length - 1] <= window[1]:
            weeks.append((run[0], run[length - 1]))
        monday += dt.timedelta(7)
    return weeks


def _town_traeger(market: _Market, town: int, rng: np.random.Generator) -> int:
    """The town's Bildungsträger, a new one where the town has none."""
    for c, company in enumerate(market.companies):
        if company.provider_type == "traeger" and market.town_of[c] == town:
            return c
    fields = [str(f) for f in rng.choice(TRAEGER_FIELDS, 3, replace=False)]
    return market.add_company(town, fields, rng, traeger=True)


# --- summary helpers --------------------------------------------------------


def _school_reach(problem: Problem) -> NDArray[np.bool_]:
    """(schools, companies): the company lies within the school's travel limit,
    estimated from the school's coordinates."""
    s_lat = np.asarray([s.lat for s in problem.schools])[:, None]
    s_lon = np.asarray([s.lon for s in problem.schools])[:, None]
    c_lat = np.asarray([c.lat for c in problem.companies])[None, :]
    c_lon = np.asarray([c.lon for c in problem.companies])[None, :]
    minutes = estimate_minutes(haversine_km(s_lat, s_lon, c_lat, c_lon), problem.travel_model)
    default = problem.travel_model.default_max_travel_min
    limits = [default if s.max_travel_min is None else s.max_travel_min for s in problem.schools]
    return minutes <= np.asarray(limits)[:, None]


def _bfe_places(problem: Problem, offers: list[Offer]) -> int:
    """An offer's capacity on each candidate date in its range on which a school
    with that date lies within reach."""
    if not offers:
        return 0
    working = WorkingDays.for_problem(problem)
    school_index = {s.school_id: i for i, s in enumerate(problem.schools)}
    schools_on: dict[dt.date, set[int]] = {}
    for e in problem.calendar:
        if e.kind == "bfe":
            for d in working.between(e.start_date, e.last_date):
                schools_on.setdefault(d, set()).add(school_index[e.school_id])
    dates = sorted(schools_on)
    on_date = np.zeros((len(dates), len(problem.schools)))
    for k, d in enumerate(dates):
        on_date[k, sorted(schools_on[d])] = 1.0
    usable = (on_date @ _school_reach(problem)) > 0  # (dates, companies)
    cum = np.vstack([np.zeros((1, usable.shape[1])), np.cumsum(usable, axis=0)])
    ordinals = np.asarray([d.toordinal() for d in dates])
    company_index = {c.company_id: j for j, c in enumerate(problem.companies)}
    total = 0
    for o in offers:
        lo = np.searchsorted(ordinals, o.start_date.toordinal(), side="left")
        hi = np.searchsorted(ordinals, o.last_date.toordinal(), side="right")
        j = company_index[o.company_id]
        total += o.capacity * int(cum[hi, j] - cum[lo, j])
    return total


def _praktikum_places(problem: Problem, offers: list[Offer]) -> int:
    """Interns that fit at once, summed over groups of overlapping school windows:
    an offer counts for a group when its range holds the window of a school
    of the group that lies within reach."""
    if not offers:
        return 0
    school_index = {s.school_id: i for i, s in enumerate(problem.schools)}
    windows = sorted(
        (e.start_date, e.last_date, school_index[e.school_id])
        for e in problem.calendar
        if e.kind == "praktikum"
    )
    groups: list[list[tuple[dt.date, dt.date, int]]] = []
    for w in windows:
        if groups and w[0] <= max(g[1] for g in groups[-1]):
            groups[-1].append(w)
        else:
            groups.append([w])
    reach = _school_reach(problem)
    company_index = {c.company_id: j for j, c in enumerate(problem.companies)}
    return sum(
        o.capacity
        for g in groups
        for o in offers
        if any(
            o.start_date <= a and b <= o.last_date and reach[s, company_index[o.company_id]]
            for a, b, s in g
        )
    )
