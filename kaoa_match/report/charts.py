"""Charts as inline SVG strings: no plotting library, nothing fetched from anywhere.

Each function returns one ``<svg class="chart" data-chart=NAME>`` element with
a ``<title>`` and a ``viewBox``, so it scales with the page and a browser test
can find it by name. Coordinates are in SVG user units (about pixels at 100 %).
"""

from __future__ import annotations

import html
import math
from typing import TYPE_CHECKING

import numpy as np

from kaoa_match.i18n import _, current_language, ngettext

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray

BLUE, ORANGE, GREEN, GREY = "#2b6cb0", "#dd6b20", "#2f855a", "#a0aec0"
FONT = 'font-family="system-ui, sans-serif"'
_DE_SEPARATORS = str.maketrans(",.", ".,")  # 1,234.5 -> 1.234,5
_LABEL_CHARS = 42  # longer labels are cut (the full text is in the tooltip)


def esc(text: object) -> str:
    """Text safe inside HTML and SVG, quotes included."""
    return html.escape(str(text), quote=True)


def num(value: object) -> str:
    """A number as the current language writes it: ``1,234.5`` or ``1.234,5``.

    ``value`` is a number (whole numbers get thousands separators) or a number
    already formatted the English way (``f"{x:+,.1f}"``).
    """
    text = f"{value:,}" if isinstance(value, int) else str(value)
    if current_language() == "de":
        return text.translate(_DE_SEPARATORS)
    return text


def percent(share: float, digits: int = 1) -> str:
    """``12.5%`` in English, ``12,5 %`` in German."""
    text = num(f"{share * 100:.{digits}f}")
    return f"{text} %" if current_language() == "de" else f"{text}%"


def svg(name: str, title: str, width: float, height: float, body: Sequence[str]) -> str:
    """One chart element; ``name`` identifies it (``data-chart``)."""
    return (
        f'<svg class="chart" data-chart="{esc(name)}" role="img" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" '
        f'{FONT} font-size="12"><title>{esc(title)}</title>{"".join(body)}</svg>'
    )


def text(x: float, y: float, content: object, anchor: str = "start", **attrs: object) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{esc(v)}"' for k, v in attrs.items())
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{extra}>{esc(content)}</text>'


def rect(x: float, y: float, w: float, h: float, fill: str, tip: str = "") -> str:
    tooltip = f"<title>{esc(tip)}</title>" if tip else ""
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{max(h, 0):.1f}" '
        f'fill="{fill}">{tooltip}</rect>'
    )


def line(x1: float, y1: float, x2: float, y2: float, stroke: str = GREY, **attrs: object) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{esc(v)}"' for k, v in attrs.items())
    return (
        f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{stroke}"{extra}/>'
    )


def _cut(label: str) -> str:
    return label if len(label) <= _LABEL_CHARS else label[: _LABEL_CHARS - 1] + "…"


def _legend(x: float, y: float, items: Sequence[tuple[str, str]]) -> list[str]:
    parts = []
    for name, colour in items:
        parts.append(rect(x, y - 9, 10, 10, colour))
        parts.append(text(x + 14, y, name))
        x += 24 + 7 * len(name)
    return parts


# --------------------------------------------------------------------------
# Shares: one horizontal bar per row


def rate_bars(name: str, title: str, rows: Sequence[tuple[str, int, int]]) -> str:
    """Per row ``(label, done, of)`` placements a bar of ``done / of`` from 0 to 100 %."""
    left, bar_w, row_h, top = 270.0, 360.0, 24.0, 16.0
    height = top + row_h * len(rows) + 28
    body = []
    for k, (label, done, of) in enumerate(rows):
        y = top + k * row_h
        share = done / of if of else 1.0
        tip = _("{label}: {done} of {of} placements ({share})").format(
            label=label, done=num(done), of=num(of), share=percent(share)
        )
        body.append(text(left - 8, y + 15, _cut(label), "end"))
        body.append(rect(left, y + 4, bar_w, 14, "#edf2f7"))
        body.append(rect(left, y + 4, bar_w * share, 14, BLUE if share >= 0.95 else ORANGE, tip))
        body.append(text(left + bar_w + 8, y + 15, f"{percent(share)}  ({num(done)} / {num(of)})"))
    axis_y = top + row_h * len(rows) + 4
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        x = left + bar_w * tick
        body.append(line(x, top, x, axis_y, "#cbd5e0", stroke_dasharray="2 3"))
        body.append(text(x, axis_y + 14, percent(tick, 0), "middle", fill="#4a5568"))
    return svg(name, title, 760, height, body)


# --------------------------------------------------------------------------
# Groups of bars: several series per label


def grouped_bars(
    name: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float], str]],
) -> str:
    """Per label one thin bar per series ``(series name, values, colour)``."""
    left, bar_w, bar_h, top = 270.0, 360.0, 8.0, 30.0
    group_h = len(series) * (bar_h + 2) + 8
    height = top + group_h * len(labels) + 10
    biggest = max([max(values, default=0) for _name, values, _colour in series] + [1])
    body = _legend(left, 16, [(s, c) for s, _values, c in series])
    for k, label in enumerate(labels):
        y = top + k * group_h
        body.append(text(left - 8, y + group_h / 2 + 2, _cut(label), "end"))
        for j, (series_name, values, colour) in enumerate(series):
            value = float(values[k])
            by = y + j * (bar_h + 2)
            tip = f"{label}: {series_name} {num(f'{value:g}')}"
            body.append(rect(left, by, bar_w * value / biggest, bar_h, colour, tip))
            body.append(
                text(
                    left + bar_w * value / biggest + 4, by + bar_h, num(f"{value:g}"), font_size=10
                )
            )
        body.append(line(left, y + group_h - 3, left + bar_w, y + group_h - 3, "#edf2f7"))
    return svg(name, title, 760, height, body)


# --------------------------------------------------------------------------
# Histogram: stacked vertical bars over bins


def histogram(
    name: str,
    title: str,
    edges: Sequence[int],
    stacks: Sequence[tuple[str, Sequence[int], str]],
    x_label: str,
    marker: tuple[float, str] | None = None,
) -> str:
    """Stacked counts per bin ``[edges[k], edges[k+1])``; ``marker`` draws a
    dashed vertical line at an x value with a label."""
    left, top, plot_w, plot_h = 56.0, 30.0, 660.0, 220.0
    n_bins = len(edges) - 1
    totals = np.sum([np.asarray(c, dtype=np.int64) for _name, c, _colour in stacks], axis=0)
    biggest = max(int(totals.max(initial=0)), 1)
    span = max(edges[-1] - edges[0], 1)

    def x_of(value: float) -> float:
        return left + plot_w * (value - edges[0]) / span

    body = _legend(left, 16, [(s, c) for s, _counts, c in stacks])
    body += _y_axis(left, top, plot_w, plot_h, biggest)
    for k in range(n_bins):
        base = 0
        for stack_name, counts, colour in stacks:
            count = int(counts[k])
            if count:
                h = plot_h * count / biggest
                y = top + plot_h - plot_h * (base + count) / biggest
                tip = _("{first}-{last} min: {count} {what}").format(
                    first=edges[k], last=edges[k + 1] - 1, count=count, what=stack_name
                )
                x0, x1 = x_of(edges[k]), x_of(edges[k + 1])
                body.append(rect(x0 + 1, y, x1 - x0 - 2, h, colour, tip))
            base += count
    for edge in edges[:: max(1, math.ceil(n_bins / 12))]:
        body.append(text(x_of(edge), top + plot_h + 14, edge, "middle", fill="#4a5568"))
    body.append(text(left + plot_w / 2, top + plot_h + 32, x_label, "middle"))
    if marker is not None:
        mx = x_of(marker[0])
        body.append(line(mx, top, mx, top + plot_h, "#c53030", stroke_dasharray="5 4"))
        body.append(text(mx + 4, top + 12, marker[1], fill="#c53030"))
    return svg(name, title, 740, top + plot_h + 42, body)


def _y_axis(left: float, top: float, plot_w: float, plot_h: float, biggest: int) -> list[str]:
    step = _nice_step(biggest)
    parts = [line(left, top + plot_h, left + plot_w, top + plot_h, "#4a5568")]
    value = 0
    while value <= biggest:
        y = top + plot_h - plot_h * value / biggest
        parts.append(line(left, y, left + plot_w, y, "#edf2f7"))
        parts.append(text(left - 6, y + 4, value, "end", fill="#4a5568"))
        value += step
    return parts


def _nice_step(biggest: int) -> int:
    """1, 2 or 5 times a power of ten, giving at most about 6 grid lines."""
    raw = max(biggest / 5, 1)
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return int(factor * power)
    return int(10 * power)


# --------------------------------------------------------------------------
# Bubbles on a grid: two scores against each other


def bubble_grid(
    name: str, title: str, counts: NDArray[np.int64], x_label: str, y_label: str
) -> str:
    """``counts[y, x]`` placements per pair of score bins 0-9, 10-19, ..., 100.

    The dashed diagonal is "placed in the best-scoring field".
    """
    n = counts.shape[0]
    left, top, cell = 60.0, 20.0, 36.0
    size = cell * n
    biggest = max(int(counts.max(initial=0)), 1)
    body = [rect(left, top, size, size, "#f7fafc")]
    for k in range(n + 1):
        body.append(line(left + k * cell, top, left + k * cell, top + size, "#edf2f7"))
        body.append(line(left, top + k * cell, left + size, top + k * cell, "#edf2f7"))
    body.append(line(left, top + size, left + size, top, "#718096", stroke_dasharray="4 4"))
    for k in range(n):
        label = "100" if k == 10 else f"{10 * k}-{10 * k + 9}"
        body.append(text(left + (k + 0.5) * cell, top + size + 14, label, "middle", font_size=9))
        body.append(text(left - 4, top + size - (k + 0.5) * cell + 3, label, "end", font_size=9))
    for y, x in zip(*np.nonzero(counts), strict=True):
        count = int(counts[y, x])
        r = max(2.0, 0.48 * cell * math.sqrt(count / biggest))
        cx, cy = left + (x + 0.5) * cell, top + size - (y + 0.5) * cell
        tip = ngettext(
            "best profile score {best}, placed field {placed}: {n} placement",
            "best profile score {best}, placed field {placed}: {n} placements",
            count,
        ).format(best=_bin(int(x)), placed=_bin(int(y)), n=count)
        body.append(
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{r:.1f}" fill="{BLUE}" '
            f'fill-opacity="0.7"><title>{esc(tip)}</title></circle>'
        )
    body.append(text(left + size / 2, top + size + 32, x_label, "middle"))
    body.append(
        f'<text x="16" y="{top + size / 2:.1f}" text-anchor="middle" '
        f'transform="rotate(-90 16 {top + size / 2:.1f})">{esc(y_label)}</text>'
    )
    return svg(name, title, left + size + 20, top + size + 42, body)


def _bin(k: int) -> str:
    return "100" if k == 10 else f"{10 * k}-{10 * k + 9}"


def score_bins(best: Sequence[int], placed: Sequence[int]) -> NDArray[np.int64]:
    """Counts per (placed bin, best bin), bins of 10 points, 100 on its own."""
    counts = np.zeros((11, 11), dtype=np.int64)
    for b, p in zip(best, placed, strict=True):
        counts[min(int(p) // 10, 10), min(int(b) // 10, 10)] += 1
    return counts


# --------------------------------------------------------------------------
# Heat map: used of offered per row and column


def heatmap(
    name: str,
    title: str,
    rows: Sequence[str],
    columns: Sequence[str],
    used: NDArray[np.int64],
    places: NDArray[np.int64],
) -> str:
    """One cell per (row, column): ``used / places``, darker = fuller; red = over."""
    left, top = 270.0, 96.0
    cell_w = max(14.0, min(56.0, 640.0 / max(len(columns), 1)))
    cell_h = 20.0
    body = _scale_legend(left, 6)
    for j, label in enumerate(columns):
        x = left + (j + 0.5) * cell_w
        body.append(
            f'<text x="{x:.1f}" y="{top - 6:.1f}" font-size="10" '
            f'transform="rotate(-50 {x:.1f} {top - 6:.1f})">{esc(label)}</text>'
        )
    for i, label in enumerate(rows):
        y = top + i * cell_h
        body.append(text(left - 6, y + 14, _cut(label), "end"))
        for j, column in enumerate(columns):
            u, p = int(used[i, j]), int(places[i, j])
            tip = ngettext(
                "{row}, {column}: {used} of {n} place taken",
                "{row}, {column}: {used} of {n} places taken",
                p,
            ).format(row=label, column=column, used=u, n=p)
            x = left + j * cell_w
            body.append(rect(x, y, cell_w - 1, cell_h - 1, _fill(u, p), tip))
            if cell_w >= 30 and p:
                colour = "white" if u / p > 0.6 else "#1a202c"
                size = 12 if cell_w >= 44 else 10
                body.append(
                    text(x + cell_w / 2, y + 14, f"{u}/{p}", "middle", fill=colour, font_size=size)
                )
    width = left + cell_w * len(columns) + 20
    return svg(name, title, max(width, 420), top + cell_h * len(rows) + 10, body)


def _scale_legend(x: float, y: float) -> list[str]:
    parts = [text(x - 6, y + 10, _("places taken:"), "end")]
    for k, (label, u, p) in enumerate(
        (
            (_("none"), 0, 1),
            (_("half"), 1, 2),
            (_("all"), 1, 1),
            (_("no places"), 0, 0),
            (_("over"), 2, 1),
        )
    ):
        parts.append(rect(x + k * 96, y, 14, 14, _fill(u, p)))
        parts.append(text(x + k * 96 + 18, y + 11, label))
    return parts


def _fill(used: int, places: int) -> str:
    if used > places:
        return "#c53030"
    if places == 0:
        return "#f0f0f0"
    share = used / places
    # from a pale blue (empty) to the dark blue (full), linearly in RGB
    pale, dark = (235, 244, 255), (26, 54, 93)
    mixed = (round(a + (b - a) * share) for a, b in zip(pale, dark, strict=True))
    return "#{:02x}{:02x}{:02x}".format(*mixed)
