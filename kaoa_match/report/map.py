"""The map: schools, companies and the flows of students between them, as SVG.

No tile server can be reached from where a KoKo opens the report, so the map
is drawn from the coordinates alone: an equirectangular projection around the
middle latitude (accurate to well under 1 % across a Kreis), a 5 or 10 km
scale bar, schools as squares, companies as circles, and one line per school
and company whose width grows with the number of students.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from kaoa_match.i18n import _, ngettext
from kaoa_match.report.charts import GREY, esc, line, rect, svg, text

if TYPE_CHECKING:
    from collections.abc import Callable

    from kaoa_match.report.data import MapData

SCHOOL_COLOURS = (
    "#2b6cb0",
    "#c05621",
    "#2f855a",
    "#6b46c1",
    "#b83280",
    "#2c7a7b",
    "#975a16",
    "#4a5568",
    "#9b2c2c",
    "#276749",
)
TRAEGER = "#dd6b20"
KM_PER_DEGREE = 111.195  # one degree of latitude (mean Earth radius)
_WIDTH, _HEIGHT, _PAD = 760.0, 560.0, 30.0


def school_colour(k: int) -> str:
    return SCHOOL_COLOURS[k % len(SCHOOL_COLOURS)]


def map_svg(data: MapData) -> str:
    """The map of ``data`` (see :class:`~kaoa_match.report.data.MapData`)."""
    lats = [*data.schools["lat"], *data.companies["lat"]]
    lons = [*data.schools["lon"], *data.companies["lon"]]
    if not lats:
        return svg("map", _("Map (no positions)"), _WIDTH, 60, [text(20, 30, _("no positions"))])
    project, km_scale = _projection(min(lats), max(lats), min(lons), max(lons))
    colour = {sid: school_colour(k) for k, sid in enumerate(data.schools["school_id"])}
    body = [rect(0, 0, _WIDTH, _HEIGHT, "#f7fafc")]
    body += _flows(data, project, colour)
    body += _companies(data, project)
    body += _schools(data, project, colour)
    body += _scale_bar(km_scale)
    body += _legend(data, colour)
    title = _("Map of schools and companies, with lines for the students between them")
    return svg("map", title, _WIDTH, _HEIGHT + 24 * _legend_rows(data), body)


def _projection(
    lat_lo: float, lat_hi: float, lon_lo: float, lon_hi: float
) -> tuple[Callable[[float, float], tuple[float, float]], float]:
    """(lat, lon) -> (x, y) fitting the box, and the units per km."""
    shrink = math.cos(math.radians((lat_lo + lat_hi) / 2))
    span_x = max((lon_hi - lon_lo) * shrink, 1e-3)
    span_y = max(lat_hi - lat_lo, 1e-3)
    scale = min((_WIDTH - 2 * _PAD) / span_x, (_HEIGHT - 2 * _PAD) / span_y)
    off_x = (_WIDTH - span_x * scale) / 2
    off_y = (_HEIGHT - span_y * scale) / 2

    def project(lat: float, lon: float) -> tuple[float, float]:
        return off_x + (lon - lon_lo) * shrink * scale, off_y + (lat_hi - lat) * scale

    return project, scale / KM_PER_DEGREE


def _flows(
    data: MapData,
    project: Callable[[float, float], tuple[float, float]],
    colour: dict[str, str],
) -> list[str]:
    schools = {r["school_id"]: r for r in data.schools.to_dict("records")}
    companies = {r["company_id"]: r for r in data.companies.to_dict("records")}
    biggest = max(int(data.flows["students"].max()) if len(data.flows) else 1, 1)
    parts = []
    for flow in data.flows.to_dict("records"):
        school, company = schools.get(flow["school_id"]), companies.get(flow["company_id"])
        if school is None or company is None:
            continue
        x1, y1 = project(float(school["lat"]), float(school["lon"]))
        x2, y2 = project(float(company["lat"]), float(company["lon"]))
        n = int(flow["students"])
        width = 0.7 + 4.0 * math.sqrt(n / biggest)
        tip = f"{school['name']} → {company['name']}: {_students(n)}"
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'stroke="{colour.get(school["school_id"], GREY)}" stroke-opacity="0.45" '
            f'stroke-width="{width:.2f}" stroke-linecap="round"><title>{esc(tip)}</title></line>'
        )
    return parts


def _companies(data: MapData, project: Callable[[float, float], tuple[float, float]]) -> list[str]:
    parts = []
    for row in data.companies.to_dict("records"):
        x, y = project(float(row["lat"]), float(row["lon"]))
        n = int(row["students"])
        r = 2.5 + 1.2 * math.sqrt(n)
        traeger = row["provider_type"] == "traeger"
        fill, kind = (TRAEGER, _("Träger")) if traeger else ("#4a5568", _("company"))
        opacity = 0.85 if n else 0.3
        tip = f"{row['name']} ({row['company_id']}, {kind}): {_students(n)}"
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{fill}" '
            f'fill-opacity="{opacity}" stroke="white" stroke-width="0.6">'
            f"<title>{esc(tip)}</title></circle>"
        )
    return parts


def _schools(
    data: MapData,
    project: Callable[[float, float], tuple[float, float]],
    colour: dict[str, str],
) -> list[str]:
    parts = []
    for row in data.schools.to_dict("records"):
        x, y = project(float(row["lat"]), float(row["lon"]))
        tip = (
            f"{row['name']} ({row['school_id']}, {row['school_type']}): "
            f"{_students(int(row['students']))}"
        )
        parts.append(
            f'<rect x="{x - 7:.1f}" y="{y - 7:.1f}" width="14" height="14" '
            f'fill="{colour[row["school_id"]]}" stroke="white" stroke-width="1.5">'
            f"<title>{esc(tip)}</title></rect>"
        )
    return parts


def _scale_bar(km_scale: float) -> list[str]:
    km = next((k for k in (1, 2, 5, 10, 20, 50, 100) if k * km_scale >= 60), 100)
    x, y, length = 20.0, _HEIGHT - 16, km * km_scale
    return [
        line(x, y, x + length, y, "#1a202c", stroke_width=3),
        text(x + length + 6, y + 4, f"{km} km"),
        text(_WIDTH - 20, _HEIGHT - 12, _("north is up"), "end", fill="#718096", font_size=10),
    ]


def _students(n: int) -> str:
    return ngettext("{n} student", "{n} students", n).format(n=n)


def _legend_rows(data: MapData) -> int:
    return math.ceil((len(data.schools) + 2) / 2)


def _legend(data: MapData, colour: dict[str, str]) -> list[str]:
    items = [
        (f"{n} ({t})" if t else n, colour[s])
        for s, n, t in data.schools[["school_id", "name", "school_type"]].itertuples(index=False)
    ]
    items += [(_("company (circle size: students)"), "#4a5568"), (_("Träger"), TRAEGER)]
    parts = []
    for k, (label, fill) in enumerate(items):
        x, y = 20 + (k % 2) * 370, _HEIGHT + 18 + (k // 2) * 24
        if k < len(data.schools):
            parts.append(rect(x, y - 10, 12, 12, fill))
        else:
            parts.append(f'<circle cx="{x + 6}" cy="{y - 4}" r="5" fill="{fill}"/>')
        parts.append(text(x + 18, y, label[:56]))
    return parts
