"""Presets and proportions for the synthetic Kreise of :mod:`kaoa_match.generate`.

The sources of every figure are listed in the docstring of
:mod:`kaoa_match.generate`; comments here say which figures are assumptions.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from kaoa_match.model import Kind, ParticipantKind, Weekday

Layout = Literal["kreis", "city"]


@dataclass(frozen=True)
class Town:
    """A town of a Kreis or a Stadtbezirk of a city.

    ``lat``/``lon`` are the approximate centre in degrees (rounded to about
    1 km); ``weight`` is the relative population, which decides how many
    schools and companies the town gets.
    """

    name: str
    lat: float
    lon: float
    weight: float


@dataclass(frozen=True)
class Preset:
    """Sizes and geography of one synthetic Kreis.

    ``students`` is the grade-8 BFE cohort and ``praktikum_students`` the
    grade-9 Praktikum cohort; ``cohorts`` names the cohorts the preset has
    (a size is positive exactly for the cohorts listed). ``bfe_blocks`` is the
    number of common BFE date blocks of the Kreis and ``praktikum_periods``
    the number of Praktikum periods schools choose their windows from.
    ``school_types``, if given, is the fixed list of schools (one entry per
    school); otherwise Schulformen are drawn from :data:`SCHULFORMEN`.

    ``praxiskurs_school_types``, if given, are the only Schulformen whose
    grade 9 takes Praxiskurse, each such school with its whole grade (a small
    example); otherwise schools take part by :data:`PRAXISKURS_SCHOOL_SHARE`.
    ``participant_kinds`` are the kinds only listed students take
    (``praxiskurs``, ``langzeit``): their participants, calendar rows, courses
    and places. Empty for the presets made before contract version 3, whose
    data other benchmarks compare against. ``weekly_bfe_weekday``, if given,
    moves the grade-8 BFE days of Förderschulen and Hauptschulen to that
    weekday, one a week, and lets their Langzeitpraktikum go on it too: the
    rule of one place a day then binds. ``langzeit_grades`` are the grades
    whose students may take a Langzeitpraktikum.
    """

    name: str
    description: str
    cohorts: tuple[Kind, ...]
    students: int
    praktikum_students: int
    layout: Layout
    towns: tuple[Town, ...]
    bfe_blocks: int = 4
    praktikum_periods: int = 3
    school_types: tuple[str, ...] = ()
    participant_kinds: tuple[ParticipantKind, ...] = ()
    praxiskurs_school_types: tuple[str, ...] = ()
    weekly_bfe_weekday: Weekday | None = None
    langzeit_grades: tuple[int, ...] = (8, 9)

    def __post_init__(self) -> None:
        sizes = {"bfe": self.students, "praktikum": self.praktikum_students}
        for kind, size in sizes.items():
            if (size > 0) != (kind in self.cohorts):
                raise ValueError(f"preset {self.name}: cohort {kind} has size {size}")


@dataclass(frozen=True)
class Schulform:
    """Share of a cohort's students and the range of one school's grade size."""

    share: float
    grade_min: int
    grade_max: int
    home_spread_km: float  # standard deviation of home around the school
    praktikum_in_grade_9: bool = True


# Shares of Sekundarstufe-I students by Schulform, rounded from IT.NRW school
# statistics (Gymnasium about a third, Gesamtschule close behind, Hauptschule
# shrinking); grade sizes are 2-6 classes of about 25-28 students
# (NRW Klassenfrequenzrichtwerte). Home spreads are assumptions: Förderschulen
# and Gymnasien draw from wider catchments. Gymnasien (G9) hold their
# Betriebspraktikum in the Einführungsphase, not in grade 9.
SCHULFORMEN: dict[str, Schulform] = {
    "Gymnasium": Schulform(0.36, 90, 150, 3.5, praktikum_in_grade_9=False),
    "Gesamtschule": Schulform(0.29, 100, 180, 2.5),
    "Realschule": Schulform(0.17, 60, 120, 2.5),
    "Sekundarschule": Schulform(0.07, 50, 100, 2.5),
    "Hauptschule": Schulform(0.05, 30, 60, 2.0),
    "Förderschule": Schulform(0.05, 10, 25, 5.0),
    "PRIMUS-Schule": Schulform(0.01, 25, 50, 2.0),
}

POPULAR_FIELDS = ("it", "gesundheit", "medien", "soziales", "kunst")

# How often a Berufsfeld appears in students' interest profiles. Assumption,
# shaped after career-wish surveys of young people (BIBB, BA): IT, health,
# media, social and creative work lead; trades and production trail.
INTEREST_WEIGHTS: dict[str, float] = {
    "it": 0.13,
    "gesundheit": 0.11,
    "soziales": 0.10,
    "medien": 0.09,
    "kunst": 0.09,
    "dienstleistung": 0.07,
    "verwaltung": 0.06,
    "technik": 0.06,
    "naturwiss": 0.05,
    "metall": 0.04,
    "elektro": 0.04,
    "geistes": 0.04,
    "landwirtschaft": 0.04,
    "bau": 0.03,
    "verkehr": 0.03,
    "produktion": 0.02,
}

# Berufsfeld of a company's BFE places. Shaped after the BA/IHK training-place
# statistics (Handel, Büro/Verwaltung, Metall, Produktion, Bau, Elektro offer
# most Ausbildungsplätze); the exact split is an assumption.
BFE_PLACE_WEIGHTS: dict[str, float] = {
    "dienstleistung": 0.16,
    "verwaltung": 0.12,
    "metall": 0.11,
    "produktion": 0.10,
    "bau": 0.09,
    "elektro": 0.09,
    "gesundheit": 0.08,
    "verkehr": 0.05,
    "soziales": 0.05,
    "it": 0.04,
    "landwirtschaft": 0.03,
    "technik": 0.03,
    "naturwiss": 0.02,
    "medien": 0.01,
    "kunst": 0.01,
    "geistes": 0.01,
}

# Praktikum places lean more to care, Kitas and practices (assumption: these
# take two-week interns more readily than one-day BFE visitors).
PRAKTIKUM_PLACE_WEIGHTS: dict[str, float] = BFE_PLACE_WEIGHTS | {
    "gesundheit": 0.13,
    "soziales": 0.10,
    "metall": 0.08,
    "produktion": 0.07,
}

# Workshops a Bildungsträger typically runs for trägergestützte BFE.
TRAEGER_FIELDS = (
    "metall",
    "elektro",
    "bau",
    "produktion",
    "verwaltung",
    "dienstleistung",
    "soziales",
    "gesundheit",
)

# A word for a company of each Berufsfeld, for readable synthetic names.
COMPANY_STEMS: dict[str, str] = {
    "bau": "Bauunternehmen",
    "dienstleistung": "Handelshaus",
    "elektro": "Elektrotechnik",
    "geistes": "Stadtarchiv",
    "gesundheit": "Praxis",
    "it": "Softwarehaus",
    "kunst": "Atelier",
    "landwirtschaft": "Hof",
    "medien": "Medienagentur",
    "metall": "Metallbau",
    "naturwiss": "Labor",
    "produktion": "Werk",
    "soziales": "Kita",
    "technik": "Ingenieurbüro",
    "verkehr": "Spedition",
    "verwaltung": "Verwaltung",
}

# Approximate town centres and populations (thousands, rounded) of the
# municipalities / Stadtbezirke; only the relative sizes matter.
_OLPE = (
    Town("Olpe", 51.029, 7.851, 24),
    Town("Attendorn", 51.126, 7.902, 24),
    Town("Lennestadt", 51.120, 8.069, 25),
    Town("Finnentrop", 51.169, 7.973, 17),
    Town("Wenden", 50.967, 7.870, 19),
    Town("Drolshagen", 51.023, 7.774, 12),
    Town("Kirchhundem", 51.087, 8.089, 11),
)
_SIEGEN_WITTGENSTEIN = (
    Town("Siegen", 50.875, 8.024, 102),
    Town("Kreuztal", 50.962, 7.988, 31),
    Town("Netphen", 50.915, 8.100, 23),
    Town("Wilnsdorf", 50.818, 8.105, 20),
    Town("Bad Berleburg", 51.053, 8.392, 19),
    Town("Freudenberg", 50.897, 7.867, 18),
    Town("Hilchenbach", 50.997, 8.110, 15),
    Town("Burbach", 50.745, 8.080, 15),
    Town("Bad Laasphe", 50.930, 8.417, 13),
    Town("Neunkirchen", 50.795, 8.000, 13),
    Town("Erndtebrück", 50.990, 8.257, 7),
)
_DUESSELDORF = (
    Town("Stadtbezirk 1", 51.227, 6.776, 85),
    Town("Stadtbezirk 2", 51.232, 6.800, 63),
    Town("Stadtbezirk 3", 51.205, 6.780, 118),
    Town("Stadtbezirk 4", 51.235, 6.735, 43),
    Town("Stadtbezirk 5", 51.290, 6.750, 35),
    Town("Stadtbezirk 6", 51.265, 6.815, 66),
    Town("Stadtbezirk 7", 51.235, 6.860, 50),
    Town("Stadtbezirk 8", 51.200, 6.850, 60),
    Town("Stadtbezirk 9", 51.165, 6.860, 95),
    Town("Stadtbezirk 10", 51.135, 6.900, 26),
)
_KOELN = (
    Town("Innenstadt", 50.938, 6.955, 128),
    Town("Rodenkirchen", 50.890, 6.990, 110),
    Town("Lindenthal", 50.925, 6.900, 155),
    Town("Ehrenfeld", 50.950, 6.910, 110),
    Town("Nippes", 50.965, 6.950, 118),
    Town("Chorweiler", 51.025, 6.895, 83),
    Town("Porz", 50.880, 7.060, 115),
    Town("Kalk", 50.940, 7.040, 123),
    Town("Mülheim", 50.970, 7.030, 150),
)

# Praxiskurs (SBO 6.3) and Langzeitpraktikum; sources in shared notes
# (kaoa-elements.md), figures without a source are assumptions.

PRAXISKURS_SCHOOL_SHARE: dict[str, float] = {
    "Hauptschule": 0.8,
    "Förderschule": 0.8,
    "Gesamtschule": 0.5,
    "Sekundarschule": 0.5,
    "PRIMUS-Schule": 0.5,
    "Realschule": 0.35,
}
"""Chance that a school's grade 9 takes Praxiskurse (assumption; Gymnasien hold
no grade-9 Praktikum here and take none)."""
PRAXISKURS_WHOLE_COHORT = frozenset({"Hauptschule", "Förderschule"})
"""Schulformen whose whole grade takes part (small grades, courses meant for them)."""
PRAXISKURS_FIVE_DAYS = frozenset({"Hauptschule", "Förderschule"})
"""Schulformen whose participants take the 5-day course (35 hours)."""
CLASS_SIZE = 25
"""Students of one class: other Schulformen send one or two whole classes."""

LANGZEIT_SHARE: dict[str, float] = {
    "Förderschule": 0.15,
    "Hauptschule": 0.08,
    "Gesamtschule": 0.04,
    "Sekundarschule": 0.03,
    "PRIMUS-Schule": 0.03,
    "Realschule": 0.015,
}
"""Share of a grade-8 or grade-9 cohort in a Langzeitpraktikum, by Schulform
(assumption: about 2-5 % of a whole cohort, mostly Hauptschule, Förderschule
and Gesamtschule; Gymnasien none)."""
LANGZEIT_WEEKLY_BFE_SHARE = 0.3
"""The share in a cohort whose BFE days fall on a Langzeitpraktikum weekday
(Förderschwerpunkt Lernen: many of a grade take part, assumption)."""

PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset(
            "example",
            "Attendorn and Finnentrop: four schools, BFE in grade 8, Praktikum in grade 9, "
            "a few in Praxiskurse and Langzeitpraktikum",
            cohorts=("bfe", "praktikum"),
            students=250,
            praktikum_students=150,
            layout="kreis",
            towns=_OLPE[1:2] + _OLPE[3:4],
            bfe_blocks=2,
            praktikum_periods=2,
            school_types=("Gymnasium", "Gesamtschule", "Realschule", "Förderschule"),
            # A few participants of the new kinds, so the example shows all four
            # (issue 26): the Förderschule's grade 9 in one course group, and
            # a few of grade 9 in a Langzeitpraktikum. Grade 9 only: with grade 8
            # in it too, the Langzeitpraktikum places tied both cohorts into one
            # model, and travel ended 6-8 % from its bound instead of 0.1 %.
            participant_kinds=("praxiskurs", "langzeit"),
            praxiskurs_school_types=("Förderschule",),
            langzeit_grades=(9,),
        ),
        Preset(
            "kreis-olpe",
            "BFE cohort of a small rural Kreis (Kreis Olpe)",
            cohorts=("bfe",),
            students=1300,
            praktikum_students=0,
            layout="kreis",
            towns=_OLPE,
            bfe_blocks=4,
        ),
        Preset(
            "siegen-wittgenstein",
            "BFE cohort of a large Kreis with one city (Siegen-Wittgenstein)",
            cohorts=("bfe",),
            students=2700,
            praktikum_students=0,
            layout="kreis",
            towns=_SIEGEN_WITTGENSTEIN,
            bfe_blocks=5,
        ),
        Preset(
            "duesseldorf",
            "BFE cohort of a kreisfreie Stadt (Düsseldorf, ten Stadtbezirke)",
            cohorts=("bfe",),
            students=5500,
            praktikum_students=0,
            layout="city",
            towns=_DUESSELDORF,
            bfe_blocks=6,
        ),
        Preset(
            "koeln",
            "BFE cohort of the largest city (Köln, nine Stadtbezirke)",
            cohorts=("bfe",),
            students=10000,
            praktikum_students=0,
            layout="city",
            towns=_KOELN,
            bfe_blocks=8,
        ),
        Preset(
            "praktikum-2700",
            "Praktikum cohort of grade 9 in Siegen-Wittgenstein, no BFE",
            cohorts=("praktikum",),
            students=0,
            praktikum_students=2700,
            layout="kreis",
            towns=_SIEGEN_WITTGENSTEIN,
            praktikum_periods=4,
        ),
        Preset(
            "kreis-vier-arten",
            "All four KAoA placements in Siegen-Wittgenstein: BFE in grade 8, Praktikum, "
            "Praxiskurse and Langzeitpraktikum in grades 8-9",
            cohorts=("bfe", "praktikum"),
            students=1500,
            praktikum_students=1200,
            layout="kreis",
            towns=_SIEGEN_WITTGENSTEIN,
            bfe_blocks=4,
            praktikum_periods=3,
            participant_kinds=("praxiskurs", "langzeit"),
        ),
        Preset(
            "langzeit-dienstag",
            "Förderschulen and a Hauptschule with BFE days on Tuesdays and a "
            "Langzeitpraktikum that may go on Tuesdays: one place a day binds",
            cohorts=("bfe", "praktikum"),
            students=300,
            praktikum_students=200,
            layout="kreis",
            towns=_OLPE[:3],
            bfe_blocks=2,
            praktikum_periods=2,
            school_types=(
                "Förderschule",
                "Förderschule",
                "Hauptschule",
                "Gesamtschule",
                "Realschule",
            ),
            participant_kinds=("praxiskurs", "langzeit"),
            weekly_bfe_weekday="di",
        ),
    )
}


# --- all of NRW ---------------------------------------------------------------

NRW_GRADE_8 = 170_000
"""About how many students NRW has in grade 8: the whole Land's BFE cohort (rounded)."""
NRW_POPULATION = 18_000_000
"""Inhabitants of NRW (rounded); a Kreis's cohort is its share of :data:`NRW_GRADE_8`."""
NRW_MIN_STUDENTS = 40
"""The smallest cohort of a Kreis when cohorts are scaled down (tests, quick benchmarks)."""

# BFE date blocks by cohort size: (largest cohort, blocks), as the real-town
# presets have them (Olpe 4, Siegen-Wittgenstein 5, Düsseldorf 6, Köln 8).
_BFE_BLOCKS_BY_SIZE = ((2_000, 4), (4_000, 5), (6_500, 6), (9_000, 7))


@dataclass(frozen=True)
class NrwKreis:
    """A Kreis or kreisfreie Stadt of NRW, one input directory of the NRW preset.

    ``key`` is the five-digit Kreisschlüssel (the first five digits of the
    Amtlicher Gemeindeschlüssel), ``lat``/``lon`` the approximate centre in
    degrees, ``population_k`` the inhabitants in thousands and ``area_km2``
    the area in km². ``layout`` is ``"city"`` for a kreisfreie Stadt.
    """

    key: str
    name: str
    lat: float
    lon: float
    population_k: int
    area_km2: int
    layout: Layout

    @property
    def slug(self) -> str:
        """The name in lower-case ASCII, words joined by ``-`` (``Köln`` -> ``koeln``)."""
        ascii_name = self.name.lower().translate(_UMLAUTS)
        return re.sub(r"[^a-z0-9]+", "-", ascii_name).strip("-")

    @property
    def directory(self) -> str:
        """The name of the Kreis's input directory, e.g. ``05315-koeln``."""
        return f"{self.key}-{self.slug}"

    @property
    def students(self) -> int:
        """The full grade-8 BFE cohort: the population's share of :data:`NRW_GRADE_8`."""
        return round(self.population_k * 1000 * NRW_GRADE_8 / NRW_POPULATION)

    def preset(self, scale: float = 1.0) -> Preset:
        """The Kreis as a BFE-only :class:`Preset`, its cohort times ``scale``
        (at least :data:`NRW_MIN_STUDENTS`)."""
        students = max(NRW_MIN_STUDENTS, round(self.students * scale))
        return Preset(
            self.directory,
            f"BFE cohort of {self.name} ({self.key}), part of the NRW preset",
            cohorts=("bfe",),
            students=students,
            praktikum_students=0,
            layout=self.layout,
            towns=_REAL_TOWNS.get(self.key) or _synthetic_towns(self),
            bfe_blocks=bfe_blocks_for(students),
        )


_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def bfe_blocks_for(students: int) -> int:
    """The number of common BFE date blocks of a Kreis with ``students`` in grade 8."""
    for largest, blocks in _BFE_BLOCKS_BY_SIZE:
        if students <= largest:
            return blocks
    return 8


def _synthetic_towns(kreis: NrwKreis) -> tuple[Town, ...]:
    """Made-up towns of a Kreis, or Stadtbezirke of a city, the same on every call.

    The towns sit on a sunflower spiral (golden-angle steps, radius growing
    with the square root of the rank) inside 85 % of the radius of a disc of
    the Kreis's area, turned by an angle taken from the key so that Kreise
    differ. The largest town sits near the centre. A Kreis gets one town per
    100 km² (6-12) with weights falling like 1/rank^0.8, a Kreisstadt and
    smaller municipalities; a city 6-10 Stadtbezirke of similar size.
    """
    city = kreis.layout == "city"
    if city:
        n = min(max(round(4 + kreis.population_k / 100), 6), 10)
    else:
        n = min(max(round(kreis.area_km2 / 100), 6), 12)
    reach_km = 0.85 * math.sqrt(kreis.area_km2 / math.pi)
    turn = math.radians(int(kreis.key) % 360)
    km_per_deg_lon = _KM_PER_DEG_LAT * math.cos(math.radians(kreis.lat))
    towns = []
    for rank in range(n):
        r_km = reach_km * math.sqrt((rank + 0.5) / n)
        angle = turn + rank * _GOLDEN_ANGLE
        towns.append(
            Town(
                f"Stadtbezirk {rank + 1}" if city else f"Ort {chr(ord('A') + rank)}",
                round(kreis.lat + r_km * math.sin(angle) / _KM_PER_DEG_LAT, 3),
                round(kreis.lon + r_km * math.cos(angle) / km_per_deg_lon, 3),
                round(1.0 - 0.05 * rank if city else (rank + 1) ** -0.8, 3),
            )
        )
    return tuple(towns)


_GOLDEN_ANGLE = math.pi * (3.0 - math.sqrt(5.0))
_KM_PER_DEG_LAT = 111.32

# The Kreise whose real towns the presets above list.
_REAL_TOWNS: dict[str, tuple[Town, ...]] = {
    "05111": _DUESSELDORF,
    "05315": _KOELN,
    "05966": _OLPE,
    "05970": _SIEGEN_WITTGENSTEIN,
}

# The 22 kreisfreie Städte and 31 Kreise (with the StädteRegion Aachen) of
# NRW. Population: Zensus 2022 (15 May 2022) of the Statistische Ämter des
# Bundes und der Länder / IT.NRW, rounded to thousands; the area in km² from
# IT.NRW, rounded. Centres are approximate (to about 1 km for cities, a few km
# for the centre of a Kreis's area); they only place the synthetic towns.
NRW_KREISE: tuple[NrwKreis, ...] = (
    # Regierungsbezirk Düsseldorf
    NrwKreis("05111", "Düsseldorf", 51.23, 6.78, 611, 217, "city"),
    NrwKreis("05112", "Duisburg", 51.43, 6.76, 501, 233, "city"),
    NrwKreis("05113", "Essen", 51.45, 7.01, 571, 210, "city"),
    NrwKreis("05114", "Krefeld", 51.34, 6.58, 231, 138, "city"),
    NrwKreis("05116", "Mönchengladbach", 51.18, 6.44, 264, 170, "city"),
    NrwKreis("05117", "Mülheim an der Ruhr", 51.43, 6.88, 171, 91, "city"),
    NrwKreis("05119", "Oberhausen", 51.50, 6.86, 212, 77, "city"),
    NrwKreis("05120", "Remscheid", 51.18, 7.20, 114, 75, "city"),
    NrwKreis("05122", "Solingen", 51.17, 7.08, 165, 90, "city"),
    NrwKreis("05124", "Wuppertal", 51.26, 7.17, 357, 168, "city"),
    NrwKreis("05154", "Kleve", 51.68, 6.25, 315, 1232, "kreis"),
    NrwKreis("05158", "Mettmann", 51.25, 6.97, 488, 407, "kreis"),
    NrwKreis("05162", "Rhein-Kreis Neuss", 51.15, 6.67, 454, 576, "kreis"),
    NrwKreis("05166", "Viersen", 51.29, 6.34, 294, 563, "kreis"),
    NrwKreis("05170", "Wesel", 51.60, 6.58, 453, 1042, "kreis"),
    # Regierungsbezirk Köln
    NrwKreis("05314", "Bonn", 50.71, 7.11, 322, 141, "city"),
    NrwKreis("05315", "Köln", 50.94, 6.96, 1017, 405, "city"),
    NrwKreis("05316", "Leverkusen", 51.04, 7.02, 166, 79, "city"),
    NrwKreis("05334", "StädteRegion Aachen", 50.70, 6.20, 578, 707, "kreis"),
    NrwKreis("05358", "Düren", 50.77, 6.48, 275, 941, "kreis"),
    NrwKreis("05362", "Rhein-Erft-Kreis", 50.90, 6.75, 471, 705, "kreis"),
    NrwKreis("05366", "Euskirchen", 50.54, 6.67, 198, 1249, "kreis"),
    NrwKreis("05370", "Heinsberg", 51.04, 6.17, 259, 628, "kreis"),
    NrwKreis("05374", "Oberbergischer Kreis", 51.02, 7.50, 273, 918, "kreis"),
    NrwKreis("05378", "Rheinisch-Bergischer Kreis", 51.02, 7.20, 283, 437, "kreis"),
    NrwKreis("05382", "Rhein-Sieg-Kreis", 50.77, 7.30, 600, 1153, "kreis"),
    # Regierungsbezirk Münster
    NrwKreis("05512", "Bottrop", 51.55, 6.94, 118, 101, "city"),
    NrwKreis("05513", "Gelsenkirchen", 51.54, 7.08, 264, 105, "city"),
    NrwKreis("05515", "Münster", 51.95, 7.63, 304, 303, "city"),
    NrwKreis("05554", "Borken", 51.95, 6.88, 374, 1421, "kreis"),
    NrwKreis("05558", "Coesfeld", 51.86, 7.30, 223, 1112, "kreis"),
    NrwKreis("05562", "Recklinghausen", 51.63, 7.18, 618, 761, "kreis"),
    NrwKreis("05566", "Steinfurt", 52.20, 7.55, 444, 1796, "kreis"),
    NrwKreis("05570", "Warendorf", 51.87, 8.00, 279, 1319, "kreis"),
    # Regierungsbezirk Detmold
    NrwKreis("05711", "Bielefeld", 52.02, 8.53, 330, 259, "city"),
    NrwKreis("05754", "Gütersloh", 51.90, 8.40, 360, 969, "kreis"),
    NrwKreis("05758", "Herford", 52.13, 8.63, 254, 450, "kreis"),
    NrwKreis("05762", "Höxter", 51.68, 9.22, 138, 1201, "kreis"),
    NrwKreis("05766", "Lippe", 51.96, 8.90, 348, 1246, "kreis"),
    NrwKreis("05770", "Minden-Lübbecke", 52.33, 8.78, 319, 1152, "kreis"),
    NrwKreis("05774", "Paderborn", 51.66, 8.70, 313, 1247, "kreis"),
    # Regierungsbezirk Arnsberg
    NrwKreis("05911", "Bochum", 51.47, 7.23, 354, 146, "city"),
    NrwKreis("05913", "Dortmund", 51.51, 7.47, 598, 281, "city"),
    NrwKreis("05914", "Hagen", 51.36, 7.48, 190, 160, "city"),
    NrwKreis("05915", "Hamm", 51.68, 7.82, 179, 226, "city"),
    NrwKreis("05916", "Herne", 51.54, 7.20, 155, 51, "city"),
    NrwKreis("05954", "Ennepe-Ruhr-Kreis", 51.35, 7.30, 314, 409, "kreis"),
    NrwKreis("05958", "Hochsauerlandkreis", 51.30, 8.35, 261, 1960, "kreis"),
    NrwKreis("05962", "Märkischer Kreis", 51.24, 7.68, 410, 1061, "kreis"),
    NrwKreis("05966", "Olpe", 51.08, 7.95, 132, 712, "kreis"),
    NrwKreis("05970", "Siegen-Wittgenstein", 50.95, 8.20, 274, 1132, "kreis"),
    NrwKreis("05974", "Soest", 51.55, 8.20, 298, 1329, "kreis"),
    NrwKreis("05978", "Unna", 51.57, 7.62, 393, 543, "kreis"),
)
