"""Presets and proportions for the synthetic Kreise of :mod:`kaoa_match.generate`.

The sources of every figure are listed in the docstring of
:mod:`kaoa_match.generate`; comments here say which figures are assumptions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from kaoa_match.model import Kind

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

PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset(
            "example",
            "Attendorn and Finnentrop: four schools, BFE in grade 8 and Praktikum in grade 9",
            cohorts=("bfe", "praktikum"),
            students=250,
            praktikum_students=150,
            layout="kreis",
            towns=_OLPE[1:2] + _OLPE[3:4],
            bfe_blocks=2,
            praktikum_periods=2,
            school_types=("Gymnasium", "Gesamtschule", "Realschule", "Förderschule"),
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
    )
}
