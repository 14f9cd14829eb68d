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

from kaoa_match.i18n import _, current_language, date_text, ngettext
from kaoa_match.labels import kind_text, level_text, status_text
from kaoa_match.model import WISH_RANKS
from kaoa_match.report.charts import (
    BLUE,
    GREEN,
    GREY,
    ORANGE,
    bubble_grid,
    esc,
    grouped_bars,
    heatmap,
    histogram,
    num,
    percent,
    rate_bars,
    score_bins,
)
from kaoa_match.report.data import gather, kind_by_kind_rows
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
        _kinds_section(data.headline),
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
        lang=current_language(),
        css=_CSS,
        page_title=esc(_("kaoa_match plan report")),
        heading=esc(_("KAoA placement plan")),
        subtitle=esc(_subtitle(data)),
        body="\n".join(s for s in sections if s),
        footer=esc(
            _(
                "Made by kaoa_match. Students appear by their pseudonymous student_id only. "
                "Share this report only with those who plan the placements."
            )
        ),
    )


def _subtitle(data: ReportData) -> str:
    c = data.counts
    parts = {
        "students": ngettext("{n} student", "{n} students", c["students"]),
        "schools": ngettext("at {n} school", "at {n} schools", c["schools"]),
        "companies": ngettext("{n} company or Träger", "{n} companies and Träger", c["companies"]),
        "offers": ngettext("with {n} offer", "with {n} offers", c["offers"]),
    }
    words = {key: text.format(n=num(c[key])) for key, text in parts.items()}
    today = date_text(dt.date.today())
    if data.input_dir:
        return _(
            "{students} {schools}, {companies} {offers} from {input}; report made {date}"
        ).format(**words, input=data.input_dir, date=today)
    return _("{students} {schools}, {companies} {offers}; report made {date}").format(
        **words, date=today
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
            f"{num(h.students_placed)} / {num(h.students_needing)}",
            _("students placed in full"),
            _share(h.students_placed, h.students_needing),
        ),
        _card(num(h.students_short), _("students short of a placement"), _("see the list below")),
        _card(
            f"{num(h.placements)} / {num(h.placements_needed)}",
            _("placements made"),
            ", ".join(_placements_text(h)),
        ),
        _card(
            f"{num(h.fairness)} / {num(h.with_profile)}",
            _("students with a place in a top-3 field"),
            _share(h.fairness, h.with_profile),
        ),
        _card(
            status_text(h.status),
            _("status of the plan"),
            _("solved in {seconds} s").format(seconds=num(f"{h.solve_seconds:.1f}")),
        ),
    ]
    if data.baseline is not None:
        b = data.baseline
        cards.append(
            _card(
                num(f"{h.placements - (b.coverage + b.courses + b.langzeit):+.0f}"),
                _("placements against portal booking"),
                _("students short {short}, in a top-3 field {top}").format(
                    short=num(f"{h.students_short - b.students_short:+.0f}"),
                    top=num(f"{h.fairness - b.fairness:+.0f}"),
                ),
            )
        )
    return f'<section id="headline"><div class="cards">{"".join(cards)}</div></section>'


def _placements_text(h: Headline) -> list[str]:
    """``748 BFE days, 150 Praktikum blocks`` and the courses and Langzeitpraktikum
    placements where the plan has any."""
    parts = [
        ngettext("{n} BFE day", "{n} BFE days", h.bfe_days).format(n=num(h.bfe_days)),
        ngettext("{n} Praktikum block", "{n} Praktikum blocks", h.praktikum_blocks).format(
            n=num(h.praktikum_blocks)
        ),
    ]
    made = {k.kind: k.placements for k in h.kinds}
    if "praxiskurs" in made:
        n = made["praxiskurs"]
        parts.append(ngettext("{n} Praxiskurs", "{n} Praxiskurse", n).format(n=num(n)))
    if "langzeit" in made:
        n = made["langzeit"]
        parts.append(ngettext("{n} Langzeitpraktikum", "{n} Langzeitpraktika", n).format(n=num(n)))
    return parts


def _kinds_section(h: Headline) -> str:
    """Placed against needed for each kind the plan has."""
    if not h.kinds:
        return ""
    units = {
        "bfe": _("days"),
        "praktikum": _("blocks"),
        "praxiskurs": _("courses"),
        "langzeit": _("placements over the period"),
    }
    rows = [
        [
            kind_text(k.kind),
            units.get(k.kind, ""),
            f"{num(k.placements)} / {num(k.needed)}",
            _share(k.placements, k.needed),
            f"{num(k.students_full)} / {num(k.students)}",
        ]
        for k in h.kinds
    ]
    header = [_("kind"), _("counted in"), _("placements made"), _("rate"), _("placed in full")]
    intro = _(
        "Placements made of those needed, for each kind of placement in this plan, counted "
        "as the second column says, and the students who need that kind and got all of it."
    )
    table = _table(header, rows, numeric={2, 3, 4})
    return _section("kinds", _("Placements per kind"), intro, table)


def _share(part: float, whole: float) -> str:
    return percent(part / whole) if whole else "-"


def _levels_section(h: Headline) -> str:
    rows = [
        [
            level_text(lv.name),
            num(lv.value),
            "-" if lv.bound is None else num(lv.bound),
            "-" if lv.gap is None else percent(lv.gap, 2),
            status_text(lv.status),
        ]
        for lv in h.levels
    ]
    header = [_("level"), _("value"), _("bound"), _("gap"), _("status")]
    table = _table(header, rows, numeric={1, 2, 3})
    intro = _(
        "The objectives in their order of priority. Each level was optimised without "
        "losing anything on the levels above it beyond their tolerance; the bound is the "
        "best value proven possible (for travel a lower bound), so the gap says how far "
        "the plan can at most be from the best. A level with a tolerance may lie below "
        "its bound by up to its tolerance. Values are those of the plan written."
    )
    return _section("levels", _("Objectives, bounds and proof"), intro, table)


def _baseline_section(data: ReportData) -> str:
    b, h = data.baseline, data.headline
    if b is None:
        return ""
    per = max(h.placements, 1)
    per_b = max(b.coverage, 1.0)
    more, fewer = _("more"), _("fewer")
    wishes = _("wishes, points granted")
    rows = [
        (
            _("placements (BFE days + Praktikum blocks)"),
            h.bfe_days + h.praktikum_blocks,
            b.coverage,
            more,
        ),
        (_("students short of a placement"), h.students_short, b.students_short, fewer),
        (_("students with a place in a top-3 field"), h.fairness, b.fairness, more),
        *([(wishes, h.wishes, b.wishes, more)] if h.wishes_made else []),
        (_("interest, sum of profile scores"), h.interest, b.interest, more),
        (_("interest per placement"), h.interest / per, b.interest / per_b, more),
        (_("travel, minutes in total"), h.travel, b.travel, fewer),
        (_("travel per placement, minutes"), h.travel / per, b.travel / per_b, fewer),
        *[
            (label, mine, theirs, more if higher else fewer)
            for label, mine, theirs, higher in kind_by_kind_rows(h, b)
        ],
    ]
    body = [
        [label, _num(mine), _num(theirs), _num(mine - theirs, sign=True), better]
        for label, mine, theirs, better in rows
    ]
    portal = _("portal (mean of {n})").format(n=b.orders)
    table = _table(
        [_("figure"), _("this plan"), portal, _("difference"), _("better is")],
        body,
        numeric={1, 2, 3},
    )
    intro = _(
        "Portal booking is first come, first served: students book in a random order, "
        "each takes the best place still free. The portal's figures are the mean over "
        "{n} random orders; every portal plan obeys the same rules."
    ).format(n=b.orders)
    if kind_by_kind_rows(h, b):
        intro += " " + _(
            "Praxiskurse and Langzeitpraktika are booked as today, kind by kind after the "
            "portal: courses first come, first served, then the Langzeitpraktikum at the "
            "nearest company with room on its weekdays, neither seeing the student's other "
            "dates; the date clashes this books are counted (the portal's own figures above "
            "are BFE days and Praktikum blocks only, students short count every kind, and "
            "below kind by kind)."
        )
    return _section("baseline", _("Against portal booking"), intro, table)


def _num(value: float, sign: bool = False) -> str:
    rounded = round(value, 1)
    if rounded == int(rounded):
        return num(f"{int(rounded):+,}" if sign else f"{int(rounded):,}")
    return num(f"{rounded:+,.1f}" if sign else f"{rounded:,.1f}")


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
    by_school, by_type = _("per school"), _("per Schulform")
    per_school = rate_bars("rate-school", _("Placements made per school"), rows)
    per_type = rate_bars("rate-schulform", _("Placements made per Schulform"), type_rows)
    intro = _(
        "Share of the placements needed (BFE days and Praktikum blocks) that the plan "
        "makes, per school and per Schulform. Orange bars are below 95 %."
    )
    return _section(
        "rates",
        _("Placement rate per school and Schulform"),
        intro,
        f"<h3>{esc(by_school)}</h3>{per_school}<h3>{esc(by_type)}</h3>{per_type}",
    )


def _interest_section(data: ReportData) -> str:
    pairs = data.interest
    counts = score_bins(pairs["best"].tolist(), pairs["placed"].tolist())
    chart = bubble_grid(
        "interest",
        _("Profile score of the placed field against the student's best profile score"),
        counts,
        _("student's best profile score"),
        _("profile score of the placed field"),
    )
    on_diagonal = int(np.trace(counts))
    intro = _(
        "Each bubble counts placements by the student's best score in the interest "
        "profile (Potenzialanalyse or Einstiegsinstrument; across) and the score of the "
        "field placed in (up). On the dashed line a student got a field in the top score "
        "band: {on} of {all} placements. A student needs several different fields, so not "
        "every day can be in the best one."
    ).format(on=num(on_diagonal), all=num(len(pairs)))
    return _section(
        "interest", _("Interest: placed field against the interest profile"), intro, chart
    )


def _wishes_section(data: ReportData) -> str:
    wishes = data.wishes
    if wishes.empty:
        return ""
    b = data.baseline
    header = [_("rank"), _("wishes"), _("granted by this plan")]
    if b is not None:
        header.append(_("granted by the portal (mean of {n})").format(n=b.orders))
    rows = []
    for rank in WISH_RANKS:
        mine = wishes[wishes["rank"] == rank]
        row = [str(rank), _num(len(mine)), _num(int(mine["granted"].sum()))]
        if b is not None:
            row.append(_num(b.granted_by_rank.get(rank, 0.0)))
        rows.append(row)
    points = int(wishes.loc[wishes["granted"], "points"].sum())
    intro = _(
        "What students asked for themselves (wishes.csv, rank 1 = most wanted), granted when "
        "the plan places the student at the offer, company or Berufsfeld named. The wishes "
        "level counts 6 - rank per wish granted ({points} points); it comes after coverage, "
        "stability and top-3 fields, and before interest scores."
    ).format(points=num(points))
    table = _table(header, rows, numeric=set(range(1, len(header))))
    return _section("wishes", _("Wishes granted by rank"), intro, table)


def _travel_section(data: ReportData) -> str:
    travel = data.travel
    top = max(int(travel["travel_min"].max()) if len(travel) else 0, data.max_travel_min)
    edges = list(range(0, top + _TRAVEL_BIN_MIN + 1, _TRAVEL_BIN_MIN))
    stacks = []
    present = set(travel["kind"])
    for kind, label, colour in (
        ("bfe", _("BFE days"), BLUE),
        ("praktikum", _("Praktikum"), ORANGE),
        ("praxiskurs", _("Praxiskurse"), GREEN),
        ("langzeit", _("Langzeitpraktikum"), GREY),
    ):
        if kind not in ("bfe", "praktikum") and kind not in present:
            continue  # the two newer kinds only where the plan has them
        minutes = travel.loc[travel["kind"] == kind, "travel_min"].to_numpy()
        counts, _edges = np.histogram(minutes, bins=edges)
        stacks.append((label, counts.tolist(), colour))
    limit = data.max_travel_min
    chart = histogram(
        "travel",
        _("Travel time per placement, door to door by public transport"),
        edges,
        stacks,
        _("minutes, one way"),
        (limit, _("default maximum {limit} min").format(limit=limit)),
    )
    mean = float(travel["travel_min"].mean()) if len(travel) else 0.0
    median = float(travel["travel_min"].median()) if len(travel) else 0.0
    if present & {"praxiskurs", "langzeit"}:
        intro = _(
            "Travel minutes of each placement in bins of {bin} minutes (a Praktikum block, "
            "a Praxiskurs and a Langzeitpraktikum count once each). Mean {mean} min, median "
            "{median} min. Schools and students may have a limit other than the default."
        )
    else:
        intro = _(
            "Travel minutes of each placement in bins of {bin} minutes (a Praktikum block "
            "counts once). Mean {mean} min, median {median} min. Schools and students may "
            "have a limit other than the default."
        )
    intro = intro.format(bin=_TRAVEL_BIN_MIN, mean=num(f"{mean:.1f}"), median=num(f"{median:.0f}"))
    return _section("travel", _("Travel times"), intro, chart)


def _use_section(data: ReportData) -> str:
    parts = []
    for name, label, title, use in (
        ("use-bfe", _("BFE"), _("BFE places taken per Berufsfeld and date"), data.bfe_use),
        (
            "use-praktikum",
            _("Praktikum"),
            _("Praktikum places taken per Berufsfeld and date"),
            data.praktikum_use,
        ),
    ):
        if use.dates and use.fields:
            chart = _use_chart(name, title, use, data.field_names)
            parts.append(f"<h3>{esc(label)}</h3>{chart}")
    if not parts:
        return ""
    intro = _(
        "Places taken of the places offered, per Berufsfeld and school date (BFE: the "
        "candidate dates of all schools; Praktikum: the working days of the windows, "
        "interns present). Darker is fuller; hover a cell for the numbers."
    )
    return _section(
        "use", _("Utilisation of places per Berufsfeld and date"), intro, "".join(parts)
    )


def _use_chart(name: str, title: str, use: Utilisation, names: dict[str, str]) -> str:
    return heatmap(
        name,
        title,
        [names.get(f, f) for f in use.fields],
        [date_text(d) for d in use.dates],
        use.used,
        use.places,
    )


def _balance_section(data: ReportData) -> str:
    parts = []
    for name, label, title, frame, places in (
        (
            "balance-bfe",
            _("BFE days"),
            _("BFE days: demand, places and placements per Berufsfeld"),
            data.bfe_balance,
            _("places (place-days)"),
        ),
        (
            "balance-praktikum",
            _("Praktikum blocks"),
            _("Praktikum blocks: demand, places and placements per Berufsfeld"),
            data.praktikum_balance,
            _("places (at a time)"),
        ),
    ):
        if len(frame):
            chart = grouped_bars(
                name,
                title,
                frame["name"].tolist(),
                [
                    (_("demand (profile top-3)"), frame["demand"].tolist(), ORANGE),
                    (places, frame["places"].tolist(), BLUE),
                    (_("placed"), frame["placed"].tolist(), GREEN),
                ],
            )
            parts.append(f"<h3>{esc(label)}</h3>{chart}")
    if not parts:
        return ""
    intro = _(
        "Demand is what the interest profiles ask for: each student's placements split "
        "equally over the student's top-3 fields. BFE places are place-days on the "
        "schools' dates; Praktikum places are interns at a time, so an offer open in "
        "two schools' windows can take more students than it has places. Where demand "
        "exceeds places, acquiring companies in that field helps most."
    )
    return _section("balance", _("Demand against supply per Berufsfeld"), intro, "".join(parts))


def _map_section(data: ReportData) -> str:
    intro = _(
        "Schools (squares) and companies and Träger with places (circles; faint = no "
        "student placed there), with a line from each school to each company its students "
        "go to, wider for more students. Drawn from the coordinates; no map tiles."
    )
    return _section("map", _("Map"), intro, map_svg(data.map))


def _unplaced_section(data: ReportData) -> str:
    frame = data.unplaced
    title = _("Students short of a placement")
    if not len(frame):
        return _section("unplaced", title, _("None."), "")
    names = data.school_names
    rows = [
        [s, names.get(sc, sc), kind_text(k), str(m), r]
        for s, sc, k, m, r in zip(
            frame["student_id"],
            frame["school_id"],
            frame["kind"],
            frame["missing"],
            frame["reason"],
            strict=True,
        )
    ]
    header = ["student_id", _("school"), _("kind"), _("missing"), _("reason")]
    table = _table(header, rows, numeric={3})
    intro = ngettext(
        "{n} row, as in unassigned.csv. 'python -m kaoa_match explain OUT STUDENT_ID' "
        "lists a student's options and why each was not chosen.",
        "{n} rows, as in unassigned.csv. 'python -m kaoa_match explain OUT STUDENT_ID' "
        "lists a student's options and why each was not chosen.",
        len(frame),
    ).format(n=num(len(frame)))
    return _section("unplaced", title, intro, table)


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
<html lang="$lang">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>$page_title</title>
<style>$css</style>
</head>
<body>
<header>
<h1>$heading</h1>
<p class="sub">$subtitle</p>
</header>
$body
<footer>
$footer
</footer>
</body>
</html>
"""
)
