"""``report.html``: one self-contained page for the steering committee.

Inline CSS and inline SVG only: no script, no font, no image and no address
outside the file, so it opens offline in any browser and can be mailed as it
is. The page names students by ``student_id`` only, and only in the list of
unplaced students.
"""

from __future__ import annotations

import datetime as dt
from string import Template
from typing import TYPE_CHECKING, Any

import numpy as np

from kaoa_match.model import WISH_RANKS
from kaoa_match.report.charts import (
    BLUE,
    GREEN,
    ORANGE,
    bubble_grid,
    esc,
    grouped_bars,
    heatmap,
    histogram,
    rate_bars,
    score_bins,
)
from kaoa_match.report.data import gather
from kaoa_match.report.map import map_svg

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    import pandas as pd

    from kaoa_match.baselines import BaselineResult
    from kaoa_match.model import Problem
    from kaoa_match.report.data import Headline, ReportData, Utilisation

CHARTS = (
    "rate-school",
    "rate-schulform",
    "interest",
    "travel",
    "use-bfe",
    "use-praktikum",
    "balance-bfe",
    "balance-praktikum",
    "map",
)
"""The ``data-chart`` names of every chart the report can show."""

_TRAVEL_BIN_MIN = 5


def render_report(
    problem: Problem,
    assignments: pd.DataFrame,
    unassigned: pd.DataFrame,
    summary: Mapping[str, Any],
    baseline: BaselineResult | None = None,
) -> str:
    """The HTML page for a plan of ``problem``: headline figures, charts and map.

    ``assignments`` and ``unassigned`` are the plan's tables (from memory or
    read back from CSV), ``summary`` the content of ``summary.json``;
    ``baseline`` adds the comparison with portal booking.
    """
    return render_data(gather(problem, assignments, unassigned, summary, baseline))


def render_data(data: ReportData) -> str:
    """The page for figures already gathered."""
    sections = [
        _headline_section(data),
        _levels_section(data.headline),
        _baseline_section(data),
        _rates_section(data),
        _wishes_section(data),
        _interest_section(data),
        _travel_section(data),
        _use_section(data),
        _balance_section(data),
        _map_section(data),
        _unplaced_section(data),
    ]
    return _PAGE.substitute(
        css=_CSS,
        subtitle=esc(_subtitle(data)),
        body="\n".join(s for s in sections if s),
    )


def _subtitle(data: ReportData) -> str:
    c = data.counts
    where = f" from {data.input_dir}" if data.input_dir else ""
    return (
        f"{c['students']} students at {c['schools']} schools, {c['companies']} companies and "
        f"Träger with {c['offers']} offers{where}; report made {dt.date.today():%d.%m.%Y}"
    )


# --------------------------------------------------------------------------
# Sections


def _section(anchor: str, title: str, intro: str, content: str) -> str:
    return (
        f'<section id="{anchor}"><h2>{esc(title)}</h2>'
        f'<p class="intro">{esc(intro)}</p>{content}</section>'
    )


def _card(value: str, label: str, note: str = "") -> str:
    small = f"<small>{esc(note)}</small>" if note else ""
    return f'<div class="card"><b>{esc(value)}</b><span>{esc(label)}</span>{small}</div>'


def _headline_section(data: ReportData) -> str:
    h = data.headline
    cards = [
        _card(
            f"{h.students_placed} / {h.students_needing}",
            "students placed in full",
            _share(h.students_placed, h.students_needing),
        ),
        _card(str(h.students_short), "students short of a placement", "see the list below"),
        _card(
            f"{h.placements} / {h.placements_needed}",
            "placements made",
            f"{h.bfe_days} BFE days, {h.praktikum_blocks} Praktikum blocks",
        ),
        _card(
            f"{h.fairness} / {h.with_profile}",
            "students with a place in a top-3 field",
            _share(h.fairness, h.with_profile),
        ),
        _card(h.status, "status of the plan", f"solved in {h.solve_seconds:.1f} s"),
    ]
    if data.baseline is not None:
        b = data.baseline
        cards.append(
            _card(
                f"{h.placements - b.coverage:+.0f}",
                "placements against portal booking",
                f"students short {h.students_short - b.students_short:+.0f}, "
                f"in a top-3 field {h.fairness - b.fairness:+.0f}",
            )
        )
    return f'<section id="headline"><div class="cards">{"".join(cards)}</div></section>'


def _share(part: float, whole: float) -> str:
    return f"{part / whole:.1%}" if whole else "-"


def _levels_section(h: Headline) -> str:
    rows = [
        [
            lv.name,
            f"{lv.value:,}",
            "-" if lv.bound is None else f"{lv.bound:,}",
            "-" if lv.gap is None else f"{lv.gap:.2%}",
            lv.status,
        ]
        for lv in h.levels
    ]
    table = _table(["level", "value", "bound", "gap", "status"], rows, numeric={1, 2, 3})
    intro = (
        "The objectives in their order of priority. Each level was optimised without "
        "losing anything on the levels above it; the bound is the best value proven "
        "possible (for travel a lower bound), so the gap says how far the plan can at "
        "most be from the best. Values are those of the plan written."
    )
    return _section("levels", "Objectives, bounds and proof", intro, table)


def _baseline_section(data: ReportData) -> str:
    b, h = data.baseline, data.headline
    if b is None:
        return ""
    per = max(h.placements, 1)
    per_b = max(b.coverage, 1.0)
    rows = [
        ("placements (BFE days + Praktikum blocks)", h.placements, b.coverage, "more"),
        ("students short of a placement", h.students_short, b.students_short, "fewer"),
        ("students with a place in a top-3 field", h.fairness, b.fairness, "more"),
        *([("wishes, points granted", h.wishes, b.wishes, "more")] if h.wishes_made else []),
        ("interest, sum of profile scores", h.interest, b.interest, "more"),
        ("interest per placement", h.interest / per, b.interest / per_b, "more"),
        ("travel, minutes in total", h.travel, b.travel, "fewer"),
        ("travel per placement, minutes", h.travel / per, b.travel / per_b, "fewer"),
    ]
    body = [
        [label, _num(mine), _num(theirs), _num(mine - theirs, sign=True), better]
        for label, mine, theirs, better in rows
    ]
    table = _table(
        ["figure", "this plan", f"portal (mean of {b.orders})", "difference", "better is"],
        body,
        numeric={1, 2, 3},
    )
    intro = (
        "Portal booking is first come, first served: students book in a random order, "
        f"each takes the best place still free. The portal's figures are the mean over "
        f"{b.orders} random orders; every portal plan obeys the same rules."
    )
    return _section("baseline", "Against portal booking", intro, table)


def _num(value: float, sign: bool = False) -> str:
    rounded = round(value, 1)
    if rounded == int(rounded):
        return f"{int(rounded):+,}" if sign else f"{int(rounded):,}"
    return f"{rounded:+,.1f}" if sign else f"{rounded:,.1f}"


def _rates_section(data: ReportData) -> str:
    schools = data.schools
    rows = [
        (f"{n} ({t})", int(p), int(k))
        for n, t, p, k in zip(
            schools["name"],
            schools["school_type"],
            schools["placements"],
            schools["needed"],
            strict=True,
        )
    ]
    types = data.school_types
    type_rows = [
        (str(t), int(p), int(k))
        for t, p, k in zip(types["school_type"], types["placements"], types["needed"], strict=True)
    ]
    per_school = rate_bars("rate-school", "Placements made per school", rows, "placements")
    per_type = rate_bars("rate-schulform", "Placements made per Schulform", type_rows, "placements")
    intro = (
        "Share of the placements needed (BFE days and Praktikum blocks) that the plan "
        "makes, per school and per Schulform. Orange bars are below 95 %."
    )
    return _section(
        "rates",
        "Placement rate per school and Schulform",
        intro,
        f"<h3>per school</h3>{per_school}<h3>per Schulform</h3>{per_type}",
    )


def _interest_section(data: ReportData) -> str:
    pairs = data.interest
    counts = score_bins(pairs["best"].tolist(), pairs["placed"].tolist())
    chart = bubble_grid(
        "interest",
        "Profile score of the placed field against the student's best profile score",
        counts,
        "student's best profile score",
        "profile score of the placed field",
    )
    on_diagonal = int(np.trace(counts))
    intro = (
        "Each bubble counts placements by the student's best score in the interest "
        "profile (Potenzialanalyse or Einstiegsinstrument; across) and the score of the "
        "field placed in (up). On the "
        f"dashed line a student got a field in the top score band: {on_diagonal} of "
        f"{len(pairs)} placements. A student needs several different fields, so not every "
        "day can be in the best one."
    )
    return _section("interest", "Interest: placed field against the interest profile", intro, chart)


def _wishes_section(data: ReportData) -> str:
    wishes = data.wishes
    if wishes.empty:
        return ""
    b = data.baseline
    header = ["rank", "wishes", "granted by this plan"]
    if b is not None:
        header.append(f"granted by the portal (mean of {b.orders})")
    rows = []
    for rank in WISH_RANKS:
        mine = wishes[wishes["rank"] == rank]
        row = [str(rank), _num(len(mine)), _num(int(mine["granted"].sum()))]
        if b is not None:
            row.append(_num(b.granted_by_rank.get(rank, 0.0)))
        rows.append(row)
    points = int(wishes.loc[wishes["granted"], "points"].sum())
    intro = (
        "What students asked for themselves (wishes.csv, rank 1 = most wanted), granted when "
        "the plan places the student at the offer, company or Berufsfeld named. The wishes "
        "level counts 6 - rank per wish granted "
        f"({points:,} points); it comes after coverage, stability and top-3 fields, and "
        "before interest scores."
    )
    table = _table(header, rows, numeric=set(range(1, len(header))))
    return _section("wishes", "Wishes granted by rank", intro, table)


def _travel_section(data: ReportData) -> str:
    travel = data.travel
    top = max(int(travel["travel_min"].max()) if len(travel) else 0, data.max_travel_min)
    edges = list(range(0, top + _TRAVEL_BIN_MIN + 1, _TRAVEL_BIN_MIN))
    stacks = []
    for kind, label, colour in (("bfe", "BFE days", BLUE), ("praktikum", "Praktikum", ORANGE)):
        minutes = travel.loc[travel["kind"] == kind, "travel_min"].to_numpy()
        counts, _ = np.histogram(minutes, bins=edges)
        stacks.append((label, counts.tolist(), colour))
    limit = data.max_travel_min
    chart = histogram(
        "travel",
        "Travel time per placement, door to door by public transport",
        edges,
        stacks,
        "minutes, one way",
        (limit, f"default maximum {limit} min"),
    )
    mean = float(travel["travel_min"].mean()) if len(travel) else 0.0
    median = float(travel["travel_min"].median()) if len(travel) else 0.0
    intro = (
        f"Travel minutes of each placement in bins of {_TRAVEL_BIN_MIN} minutes (a "
        f"Praktikum block counts once). Mean {mean:.1f} min, median {median:.0f} min. "
        "Schools and students may have a limit other than the default."
    )
    return _section("travel", "Travel times", intro, chart)


def _use_section(data: ReportData) -> str:
    parts = []
    for name, label, use in (
        ("use-bfe", "BFE", data.bfe_use),
        ("use-praktikum", "Praktikum", data.praktikum_use),
    ):
        if use.dates and use.fields:
            parts.append(f"<h3>{label}</h3>{_use_chart(name, label, use, data.field_names)}")
    if not parts:
        return ""
    intro = (
        "Places taken of the places offered, per Berufsfeld and school date (BFE: the "
        "candidate dates of all schools; Praktikum: the working days of the windows, "
        "interns present). Darker is fuller; hover a cell for the numbers."
    )
    return _section("use", "Utilisation of places per Berufsfeld and date", intro, "".join(parts))


def _use_chart(name: str, label: str, use: Utilisation, names: dict[str, str]) -> str:
    return heatmap(
        name,
        f"{label} places taken per Berufsfeld and date",
        [names.get(f, f) for f in use.fields],
        [f"{d:%d.%m.%y}" for d in use.dates],
        use.used,
        use.places,
    )


def _balance_section(data: ReportData) -> str:
    parts = []
    for name, label, frame, places in (
        ("balance-bfe", "BFE days", data.bfe_balance, "places (place-days)"),
        ("balance-praktikum", "Praktikum blocks", data.praktikum_balance, "places (at a time)"),
    ):
        if len(frame):
            chart = grouped_bars(
                name,
                f"{label}: demand, places and placements per Berufsfeld",
                frame["name"].tolist(),
                [
                    ("demand (profile top-3)", frame["demand"].tolist(), ORANGE),
                    (places, frame["places"].tolist(), BLUE),
                    ("placed", frame["placed"].tolist(), GREEN),
                ],
            )
            parts.append(f"<h3>{label}</h3>{chart}")
    if not parts:
        return ""
    intro = (
        "Demand is what the interest profiles ask for: each student's placements split "
        "equally over the student's top-3 fields. BFE places are place-days on the "
        "schools' dates; Praktikum places are interns at a time, so an offer open in "
        "two schools' windows can take more students than it has places. Where demand "
        "exceeds places, acquiring companies in that field helps most."
    )
    return _section("balance", "Demand against supply per Berufsfeld", intro, "".join(parts))


def _map_section(data: ReportData) -> str:
    intro = (
        "Schools (squares) and companies and Träger with places (circles; faint = no "
        "student placed there), with a line from each school to each company its students "
        "go to, wider for more students. Drawn from the coordinates; no map tiles."
    )
    return _section("map", "Map", intro, map_svg(data.map))


def _unplaced_section(data: ReportData) -> str:
    frame = data.unplaced
    if not len(frame):
        return _section("unplaced", "Students short of a placement", "None.", "")
    rows = [
        [s, sc, k, str(m), r]
        for s, sc, k, m, r in zip(
            frame["student_id"],
            frame["school_id"],
            frame["kind"],
            frame["missing"],
            frame["reason"],
            strict=True,
        )
    ]
    table = _table(["student_id", "school", "kind", "missing", "reason"], rows, numeric={3})
    intro = (
        f"{len(frame)} rows, as in unassigned.csv. 'python -m kaoa_match explain OUT "
        "STUDENT_ID' lists a student's options and why each was not chosen."
    )
    return _section("unplaced", "Students short of a placement", intro, table)


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], numeric: set[int]) -> str:
    def cell(tag: str, k: int, value: str) -> str:
        cls = ' class="num"' if k in numeric else ""
        return f"<{tag}{cls}>{esc(value)}</{tag}>"

    head = "".join(cell("th", k, h) for k, h in enumerate(header))
    body = "".join(
        "<tr>" + "".join(cell("td", k, v) for k, v in enumerate(row)) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


_CSS = """
:root { color-scheme: light; }
body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 980px;
       padding: 24px; color: #1a202c; background: #fff; line-height: 1.45; }
h1 { font-size: 1.6em; margin: 0 0 4px; }
h2 { font-size: 1.25em; margin: 36px 0 6px; border-bottom: 2px solid #e2e8f0; }
h3 { font-size: 1em; margin: 18px 0 4px; color: #4a5568; }
.sub, .intro { color: #4a5568; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin-top: 16px; }
.card { flex: 1 1 170px; border: 1px solid #e2e8f0; border-radius: 8px; padding: 12px;
        background: #f7fafc; }
.card b { display: block; font-size: 1.6em; }
.card span { display: block; }
.card small { color: #4a5568; }
table { border-collapse: collapse; margin: 8px 0; font-size: 0.92em; }
th, td { border-bottom: 1px solid #e2e8f0; padding: 4px 10px; text-align: left;
         vertical-align: top; }
th { background: #edf2f7; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
svg.chart { display: block; max-width: 100%; height: auto; margin: 8px 0; }
footer { margin-top: 40px; color: #718096; font-size: 0.85em; }
@media print { section { break-inside: avoid; } }
"""

_PAGE = Template(
    """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>kaoa_match plan report</title>
<style>$css</style>
</head>
<body>
<header>
<h1>KAoA placement plan</h1>
<p class="sub">$subtitle</p>
</header>
$body
<footer>
Made by kaoa_match. Students appear by their pseudonymous student_id only. Share this
report only with those who plan the placements.
</footer>
</body>
</html>
"""
)
