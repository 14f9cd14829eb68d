"""The data model of a placement problem: one Kreis, as the data contract has it.

Every record mirrors one row of an input file of ``shared/spec/format.md``.
Records check their own fields; checks that span files (references, uniqueness,
calendars) live in :mod:`kaoa_match.validation`. Library users build a
:class:`Problem` directly from their own systems; the CSV reader in
:mod:`kaoa_match.io` is one way to fill it.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Id = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Latitude = Annotated[float, Field(ge=-90, le=90)]
Longitude = Annotated[float, Field(ge=-180, le=180)]
Minutes = Annotated[int, Field(ge=0)]
Count = Annotated[int, Field(ge=0)]
Score = Annotated[int, Field(ge=0, le=100)]
Tags = frozenset[str]

Kind = Literal["bfe", "praktikum", "praxiskurs", "langzeit"]
"""The four KAoA placements: Berufsfelderkundung (SBO 6.1), Betriebspraktikum
(SBO 6.2), Praxiskurs (SBO 6.3) and Langzeitpraktikum."""
ParticipantKind = Literal["praxiskurs", "langzeit"]
"""The kinds only the students listed in ``participants.csv`` take."""
Weekday = Literal["mo", "di", "mi", "do", "fr"]
"""Monday to Friday, as the contract's ``weekdays`` cells write them."""
ProviderType = Literal["betrieb", "traeger"]
Status = Literal["locked", "published"]
Relation = Literal["apart", "together"]
Level = Literal["coverage", "stability", "fairness", "wishes", "together", "interest", "travel"]
"""The seven levels of the objective (data contract, *Better*)."""

KINDS: tuple[Kind, ...] = get_args(Kind)
PARTICIPANT_KINDS: tuple[ParticipantKind, ...] = get_args(ParticipantKind)
PLANNED_KINDS: tuple[Kind, ...] = KINDS
"""The kinds this version plans: all four, in one model."""
WEEKDAYS: tuple[Weekday, ...] = get_args(Weekday)
"""The weekdays in order: ``WEEKDAYS[d.weekday()]`` is the weekday of date ``d``."""
MIN_GROUP_KINDS: tuple[Kind, ...] = ("bfe", "praxiskurs")
"""The kinds whose offers may set ``min_group`` (a group runs or nobody goes)."""

DEFAULT_BFE_DAYS = 3
"""BFE days per student when a calendar row gives no ``days`` (SBO 6.1)."""
DEFAULT_PRAKTIKUM_DAYS = 10
"""Praktikum block length in working days when none is given (two weeks)."""
DEFAULT_PRAXISKURS_COURSES = 1
"""Praxiskurse per participant when a calendar row gives no ``days``."""
DEFAULT_LANGZEIT_DAYS = 1
"""Langzeitpraktikum days a week when a calendar row gives no ``days``."""
LANGZEIT_DAYS = range(1, 3)
"""A Langzeitpraktikum is 1 or 2 days a week."""
DEFAULT_DAYS: dict[Kind, int] = {
    "bfe": DEFAULT_BFE_DAYS,
    "praktikum": DEFAULT_PRAKTIKUM_DAYS,
    "praxiskurs": DEFAULT_PRAXISKURS_COURSES,
    "langzeit": DEFAULT_LANGZEIT_DAYS,
}
"""A calendar row's ``days`` when the cell is empty, by kind."""
DEFAULT_MAX_TRAVEL_MIN = 45


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class School(_Record):
    school_id: Id
    name: str = ""
    school_type: str = ""
    lat: Latitude
    lon: Longitude
    max_travel_min: Minutes | None = None


class Student(_Record):
    """A student, known only by a pseudonymous ID."""

    student_id: Id
    school_id: Id
    grade: int
    birth_date: dt.date | None = None
    home_lat: Latitude | None = None
    home_lon: Longitude | None = None
    max_travel_min: Minutes | None = None
    needs: Tags = frozenset()
    qualifications: Tags = frozenset()


class Company(_Record):
    """A company (``betrieb``) or a Bildungsträger (``traeger``)."""

    company_id: Id
    name: str = ""
    lat: Latitude
    lon: Longitude
    provider_type: ProviderType = "betrieb"
    provides: Tags = frozenset()
    requires: Tags = frozenset()
    min_age: Count | None = None


class Offer(_Record):
    """Places of one company in one Berufsfeld for one kind of placement.

    For ``bfe``, ``capacity`` places on each working day of
    ``[start_date, end_date]``; for ``praktikum``, at most ``capacity`` interns
    present on any single day, blocks lying inside the range; for
    ``praxiskurs``, one course on every working day of the range, attended
    whole by at most ``capacity`` participants; for ``langzeit``, at most
    ``capacity`` Langzeitpraktikum students on each of its ``weekdays`` within
    the range. Empty ``grades`` / ``school_types`` mean no restriction.
    Rules between the fields of a row (``weekdays`` only and always on
    ``langzeit``, ``min_group`` only on ``bfe`` and ``praxiskurs``) are
    checked by :mod:`kaoa_match.validation`, which names the cell.
    """

    offer_id: Id
    company_id: Id
    field_id: Id
    kind: Kind
    start_date: dt.date
    end_date: dt.date | None = None
    capacity: Count
    grades: frozenset[int] = frozenset()
    school_types: Tags = frozenset()
    min_group: Annotated[int, Field(ge=1)] | None = None
    """``bfe`` and ``praxiskurs`` only: on each day (a course: in all) the
    offer takes nobody or at least this many students (a Träger workshop that
    needs a group). Empty = 1."""
    weekdays: frozenset[Weekday] = frozenset()
    """``langzeit`` only (and required there): the weekdays the company takes
    Langzeitpraktikum students."""

    @property
    def last_date(self) -> dt.date:
        """The last day of the offer's range (``end_date`` empty = one day)."""
        return self.end_date or self.start_date

    @property
    def smallest_group(self) -> int:
        """The fewest students the offer runs with on a day (1 = no minimum)."""
        return self.min_group or 1


class CalendarEntry(_Record):
    """When one school and grade takes one kind of placement.

    ``bfe``: candidate BFE dates and ``days`` BFE days each; ``praktikum``:
    the window and the block length in working days; ``praxiskurs``: the
    window the courses lie in and ``days`` courses per participant;
    ``langzeit``: the school's Langzeitpraktikum period, ``days`` (1 or 2)
    days a week on the ``weekdays`` the school allows (empty = all five).
    """

    school_id: Id
    kind: Kind
    grade: int
    start_date: dt.date
    end_date: dt.date | None = None
    days: Count | None = None
    weekdays: frozenset[Weekday] = frozenset()
    """``langzeit`` only: the weekdays the school lets its participants go."""

    @property
    def last_date(self) -> dt.date:
        return self.end_date or self.start_date

    @property
    def needed_days(self) -> int:
        """BFE days per student, the Praktikum block length in working days,
        the number of Praxiskurse, or Langzeitpraktikum days a week."""
        return DEFAULT_DAYS[self.kind] if self.days is None else self.days

    @property
    def allowed_weekdays(self) -> frozenset[Weekday]:
        """The weekdays of a ``langzeit`` row; an empty cell means all five."""
        return self.weekdays or frozenset(WEEKDAYS)


class Interest(_Record):
    """One interest score (0-100) of a student for a field: from the
    Potenzialanalyse, the Einstiegsinstrument or another source."""

    student_id: Id
    field_id: Id
    score: Score


WISH_RANKS = range(1, 6)
"""A wish's rank: 1 (most wanted) to 5."""


class Wish(_Record):
    """What a student asked for: one offer, any offer of one company, or any
    placement in one Berufsfeld; exactly one of the three is given."""

    student_id: Id
    rank: Annotated[int, Field(ge=WISH_RANKS.start, le=WISH_RANKS.stop - 1)]
    offer_id: Id | None = None
    company_id: Id | None = None
    field_id: Id | None = None

    @property
    def weight(self) -> int:
        """What granting the wish adds to the ``wishes`` level: ``6 - rank``."""
        return WISH_RANKS.stop - self.rank

    @property
    def targets(self) -> dict[str, str]:
        """The target columns given, by name: exactly one in a valid wish."""
        given = {"offer_id": self.offer_id, "company_id": self.company_id}
        given["field_id"] = self.field_id
        return {column: value for column, value in given.items() if value is not None}


class Berufsfeld(_Record):
    field_id: Id
    name: str = ""


class ExtraHoliday(_Record):
    """A non-working day on top of NRW public and school holidays."""

    date: dt.date
    name: str = ""


class TravelTime(_Record):
    """Door-to-door minutes by public transport from a student or a school."""

    origin_id: Id
    company_id: Id
    minutes: Annotated[float, Field(ge=0)]


class PreviousAssignment(_Record):
    """One row of an earlier plan, with how firmly it was promised."""

    student_id: Id
    school_id: str = ""
    kind: Kind
    offer_id: Id
    company_id: str = ""
    field_id: str = ""
    start_date: dt.date
    end_date: dt.date | None = None
    travel_min: float | None = None
    score: float | None = None
    weekdays: frozenset[Weekday] = frozenset()
    """A Langzeitpraktikum row's weekdays (empty for the other kinds)."""
    status: Status = "published"


class Participant(_Record):
    """A student who takes a Praxiskurs or a Langzeitpraktikum (the school
    decides, with the student and parents): only listed students need a
    placement of these kinds."""

    student_id: Id
    kind: ParticipantKind


class Pair(_Record):
    student_a: Id
    student_b: Id
    relation: Relation


class TravelModel(_Record):
    """The estimate ``overhead_min + 60 * detour * haversine_km / speed_kmh``."""

    overhead_min: Annotated[float, Field(ge=0)] = 10.0
    detour: Annotated[float, Field(gt=0)] = 1.3
    speed_kmh: Annotated[float, Field(gt=0)] = 20.0
    default_max_travel_min: Minutes = DEFAULT_MAX_TRAVEL_MIN


# The 16 Berufsfelder of the Bundesagentur für Arbeit (BERUFENET / planet-beruf),
# which KAoA's Potenzialanalyse and BFE portals use to group occupations.
DEFAULT_FIELDS: tuple[Berufsfeld, ...] = tuple(
    Berufsfeld(field_id=fid, name=name)
    for fid, name in (
        ("bau", "Bau, Architektur, Vermessung"),
        ("dienstleistung", "Dienstleistung, Handel"),
        ("elektro", "Elektro"),
        ("geistes", "Gesellschafts- und Geisteswissenschaften"),
        ("gesundheit", "Gesundheit"),
        ("it", "IT, Computer"),
        ("kunst", "Kunst, Kultur, Gestaltung"),
        ("landwirtschaft", "Landwirtschaft, Natur, Umwelt"),
        ("medien", "Medien"),
        ("metall", "Metall, Maschinenbau"),
        ("naturwiss", "Naturwissenschaften"),
        ("produktion", "Produktion, Fertigung"),
        ("soziales", "Soziales, Pädagogik"),
        ("technik", "Technik, Technologiefelder"),
        ("verkehr", "Verkehr, Logistik"),
        ("verwaltung", "Wirtschaft, Verwaltung"),
    )
)


LEVELS: tuple[Level, ...] = get_args(Level)
"""The names of the levels, as the contract lists the objectives."""

MAX_TOLERANCE = 50
"""The largest tolerance a level may have, in percent."""


class Priority(_Record):
    """One row of ``priorities.csv``: a level, in the planner's order, and how
    much of its value the plan may give up so that the levels below improve.

    ``tolerance`` is in percent of the value the plan reached for the level:
    with 1, a maximised level is held at no less than 99 % of it, a minimised
    one (travel) at no more than 101 %; with 0 it is held exactly.
    """

    level: Level
    tolerance: Annotated[float, Field(ge=0, le=MAX_TOLERANCE)] = 0.0

    @property
    def fraction(self) -> float:
        """The tolerance as a fraction (1 % -> 0.01)."""
        return self.tolerance / 100


DEFAULT_PRIORITIES: tuple[Priority, ...] = (
    Priority(level="coverage"),
    Priority(level="stability"),
    Priority(level="fairness"),
    Priority(level="wishes"),
    Priority(level="together"),
    Priority(level="interest", tolerance=1.0),
    Priority(level="travel"),
)
"""The order and tolerances without ``priorities.csv``: the contract's default
(coverage, stability, fairness, wishes, together, interest within 1 %, travel)."""


class Problem(BaseModel):
    """Everything the solver needs for one Kreis (or any set of schools).

    Tables keep the order of their input file; indices into them are what the
    solver layer works with.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    schools: tuple[School, ...]
    students: tuple[Student, ...]
    companies: tuple[Company, ...]
    offers: tuple[Offer, ...]
    calendar: tuple[CalendarEntry, ...]
    interests: tuple[Interest, ...] = ()
    fields: tuple[Berufsfeld, ...] = DEFAULT_FIELDS
    holidays: tuple[ExtraHoliday, ...] = ()
    travel: tuple[TravelTime, ...] = ()
    previous: tuple[PreviousAssignment, ...] = ()
    pairs: tuple[Pair, ...] = ()
    wishes: tuple[Wish, ...] = ()
    participants: tuple[Participant, ...] = ()
    """Who takes a ``praxiskurs`` or ``langzeit`` (only those listed do)."""
    priorities: tuple[Priority, ...] = ()
    """The planner's order of the levels, highest first; empty = the default
    (see :attr:`effective_priorities`)."""
    travel_model: TravelModel = TravelModel()

    @property
    def years(self) -> list[int]:
        """Calendar years that any date of the problem touches."""
        dates = [e.start_date for e in self.calendar] + [e.last_date for e in self.calendar]
        dates += [o.start_date for o in self.offers] + [o.last_date for o in self.offers]
        if not dates:
            return []
        return list(range(min(dates).year, max(dates).year + 1))

    @property
    def effective_priorities(self) -> tuple[Priority, ...]:
        """The order of the levels (highest first) and their tolerances that a
        solve follows: the planner's :attr:`priorities`, else
        :data:`DEFAULT_PRIORITIES`. A valid problem lists every level once
        (checked by :func:`kaoa_match.validation.validate`)."""
        return self.priorities or DEFAULT_PRIORITIES


class SolveOptions(_Record):
    """How to run the solver. The seed makes runs reproducible."""

    time_limit_s: Annotated[float, Field(gt=0)] | None = None
    workers: Annotated[int, Field(ge=1)] = 2
    seed: int = 0
    prune_dominated: bool = True
    """Drop BFE options that no optimal plan needs (see ``solvers/reduce.py``)."""
    max_options: Annotated[int, Field(ge=1)] | None = 400_000
    """Above this many options (after exact pruning) the model keeps only the
    nearest offers per student, day and field, plus the warm start; bounds then
    come from per-student limits only. ``None`` = always the exact model."""
    use_lp: bool = True
    """Bound each level by its LP relaxation (HiGHS) before any CP-SAT search."""
    decompose: bool = True
    """Solve independent parts of the Kreis one by one (see ``solvers/decompose.py``)."""
