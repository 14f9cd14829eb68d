"""``report.html``: self-contained, every chart present, and checked in a real browser.

The browser test drives Debian's Chromium (``/usr/bin/chromium``, installed by
``.ci/run``) through Playwright (pytest-playwright's ``page``, launched as
``tests/conftest.py`` says): it loads the report from disk, collects every
console message, exception, failed load and network request, reads which
charts the page shows, and takes a full-page screenshot.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pytest

from kaoa_match.cli import main
from kaoa_match.i18n import language
from kaoa_match.io.read import read_dir
from kaoa_match.io.write_plan import write_plan
from kaoa_match.io.write_problem import write_problem
from kaoa_match.model import SolveOptions
from kaoa_match.plan import ASSIGNMENT_COLUMNS, UNASSIGNED_COLUMNS, Plan
from kaoa_match.report import CHARTS, render_report
from kaoa_match.report.data import headline, read_output
from kaoa_match.solvers import solve
from tests.checker import objective_values
from tests.conftest import needs_chromium
from tests.test_workbook import SUMMARY, kinds_plan, kinds_problem, tiny_plan, tiny_problem

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from kaoa_match.model import Problem

EXAMPLE = Path(__file__).parents[1] / "kaoa_match" / "data" / "example"


@dataclass(frozen=True)
class Example:
    problem: Problem
    plan: Plan
    out: Path


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Example:
    """The shipped example, solved briefly (4 s, one worker) and written with its report."""
    problem = read_dir(EXAMPLE)
    plan = solve(problem, SolveOptions(time_limit_s=4, workers=1, seed=0))
    out = tmp_path_factory.mktemp("example") / "plan"
    write_plan(plan, out, {"input": str(EXAMPLE)}, problem=problem)
    return Example(problem, plan, out)


# --------------------------------------------------------------------------
# The page as a file


def test_solve_writes_report_and_workbook(example: Example) -> None:
    assert sorted(p.name for p in example.out.iterdir()) == [
        "assignments.csv",
        "plan.xlsx",
        "report.html",
        "summary.json",
        "unassigned.csv",
    ]


def test_report_holds_every_chart_and_nothing_from_outside(example: Example) -> None:
    page = (example.out / "report.html").read_text(encoding="utf-8")
    charts = re.findall(r'<svg class="chart" data-chart="([^"]+)"', page)
    assert charts == list(CHARTS)  # the example has BFE and Praktikum cohorts
    assert "http:" not in page and "https:" not in page and "//" not in page.replace("://", "")
    # nothing that could load anything: the file can be mailed on its own
    for tag in ("<script", "<link", "<img", "<iframe", "url(", "src=", "href="):
        assert tag not in page


def test_report_names_students_by_id_only(example: Example) -> None:
    page = (example.out / "report.html").read_text(encoding="utf-8")
    named = set(re.findall(r"\bS\d{6}\b", page))
    assert named == set(example.plan.unassigned["student_id"])  # the unplaced list only
    for student in example.problem.students:
        if student.birth_date is not None:
            assert student.birth_date.isoformat() not in page
            assert f"{student.birth_date:%d.%m.%Y}" not in page


def test_headline_matches_the_plan(example: Example) -> None:
    files = read_output(example.out)
    h = headline(example.problem, files.assignments, files.unassigned, files.summary)
    # counted independently, by the plan checker of the tests
    values = objective_values(example.problem, example.plan.assignments)
    assert h.placements == values["coverage"] == len(example.plan.assignments)
    assert h.fairness == values["fairness"]
    assert h.interest == values["interest"]
    assert h.travel == values["travel"]
    assert h.students_short == example.plan.unassigned["student_id"].nunique()
    assert h.students_placed + h.students_short == h.students_needing == 400
    assert [lv.name for lv in h.levels] == [lv.name for lv in example.plan.levels]


def test_a_plan_without_placements_still_renders() -> None:
    empty = pd.DataFrame([], columns=ASSIGNMENT_COLUMNS)
    short = [[s, s[0].upper(), "bfe", 2, "none"] for s in ("a1", "a2", "a3")]
    short += [[s, "B", "praktikum", 1, "none"] for s in ("b1", "b2")]
    unassigned = pd.DataFrame(short, columns=UNASSIGNED_COLUMNS)
    page = render_report(tiny_problem(), empty, unassigned, SUMMARY)
    assert "<b>0 / 8</b><span>placements made</span>" in page
    assert re.findall(r'data-chart="([^"]+)"', page) == list(CHARTS)


def kinds_table(page: str) -> list[list[str]]:
    """The rows of the section "Placements per kind", as cell texts."""
    section = re.search(r'<section id="kinds">(.*?)</section>', page, re.S)
    assert section is not None
    body = section.group(1).split("<tbody>")[1]
    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in body.split("<tr>")[1:]]


def test_placements_per_kind_only_for_the_kinds_present() -> None:
    assignments, unassigned = kinds_plan()
    page = render_report(kinds_problem(), assignments, unassigned, SUMMARY)
    assert kinds_table(page) == [
        ["BFE", "days", "5 / 6", "83.3%", "2 / 3"],
        ["Praktikum", "blocks", "1 / 2", "50.0%", "1 / 2"],
        ["Praxiskurs", "courses", "3 / 4", "75.0%", "1 / 2"],
        ["Langzeitpraktikum", "placements over the period", "1 / 1", "100.0%", "1 / 1"],
    ]
    card = "5 BFE days, 1 Praktikum block, 3 Praxiskurse, 1 Langzeitpraktikum"
    assert card in page
    travel = re.search(r'data-chart="travel".*?</svg>', page, re.S)
    assert travel is not None and "Praxiskurse" in travel.group(0)
    assert "Langzeitpraktikum" in travel.group(0)
    # a plan of BFE and Praktikum only: their two rows, the chart as before
    tiny = render_report(tiny_problem(), *tiny_plan(), SUMMARY)
    assert [row[0] for row in kinds_table(tiny)] == ["BFE", "Praktikum"]
    assert "Praxiskurs" not in tiny and "Langzeitpraktikum" not in tiny


def test_placements_per_kind_in_german_and_escaped() -> None:
    assignments, unassigned = kinds_plan()
    unassigned.loc[unassigned["kind"] == "praxiskurs", "reason"] = "<b>kein Kurs</b> & mehr"
    with language("de"):
        page = render_report(kinds_problem(), assignments, unassigned, SUMMARY)
    assert "Einsätze nach Art" in page
    assert [row[1] for row in kinds_table(page)] == [
        "Tage", "Blöcke", "Kurse", "Einsätze über den Zeitraum",
    ]  # fmt: skip
    assert "<b>kein Kurs</b>" not in page
    assert "&lt;b&gt;kein Kurs&lt;/b&gt; &amp; mehr" in page


def test_the_plan_files_of_the_new_kinds_read_back(tmp_path: Path) -> None:
    # assignments.csv of contract v3: an empty weekdays cell on every row but
    # the Langzeitpraktikum's, which survives the round trip as text.
    assignments, unassigned = kinds_plan()
    assignments.to_csv(tmp_path / "assignments.csv", index=False)
    unassigned.to_csv(tmp_path / "unassigned.csv", index=False)
    (tmp_path / "summary.json").write_text(json.dumps(SUMMARY))
    files = read_output(tmp_path)
    assert files.assignments["weekdays"].tolist() == [""] * 9 + ["di|do"]
    page = render_report(kinds_problem(), files.assignments, files.unassigned, files.summary)
    assert [row[2] for row in kinds_table(page)] == ["5 / 6", "1 / 2", "3 / 4", "1 / 1"]


# --------------------------------------------------------------------------
# Written atomically, remade from the files, linked from the console


def test_a_failing_report_leaves_no_plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: Any, **__: Any) -> str:
        raise RuntimeError("disk full")

    monkeypatch.setattr("kaoa_match.report.files.render_report", broken)
    assignments, unassigned = tiny_plan()
    plan = Plan("optimal", [], assignments, unassigned, 0.1)
    with pytest.raises(RuntimeError, match="disk full"):
        write_plan(plan, tmp_path / "out", problem=tiny_problem())
    assert list(tmp_path.iterdir()) == []


def test_solve_and_report_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_problem(tiny_problem(), tmp_path / "in")
    out = tmp_path / "out"
    assert main(["solve", str(tmp_path / "in"), "--out", str(out), "--quiet"]) == 0
    err = capsys.readouterr().err
    assert f"report: {(out / 'report.html').resolve()}\n" in err  # one line, never wrapped
    assert "summary.json, report.html, plan.xlsx)" in " ".join(err.split())
    summary = json.loads((out / "summary.json").read_text())
    assert summary["input"] == str((tmp_path / "in").resolve())

    assignments = (out / "assignments.csv").read_bytes()
    (out / "report.html").write_text("old")
    assert main(["report", str(out)]) == 0
    assert "<svg" in (out / "report.html").read_text()
    assert (out / "assignments.csv").read_bytes() == assignments
    assert f"report written to {out / 'report.html'}" in capsys.readouterr().err


def test_report_command_refuses_another_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_problem(tiny_problem(), tmp_path / "in")
    out = tmp_path / "out"
    assert main(["solve", str(tmp_path / "in"), "--out", str(out), "--quiet"]) == 0
    capsys.readouterr()
    assert main(["report", str(out), "--input", str(EXAMPLE)]) == 1
    assert "the plan does not belong to this input: student a1 is not in it" in (
        capsys.readouterr().err
    )


# --------------------------------------------------------------------------
# A real browser


@dataclass
class Visit:
    """What the browser saw while loading a page."""

    charts: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


_CHARTS_JS = """() => [...document.querySelectorAll('svg.chart')].map(e => {
  const box = e.getBoundingClientRect();
  return {name: e.dataset.chart, width: box.width, height: box.height,
          shapes: e.querySelectorAll('rect, circle, line').length};
})"""


def visit(page: Page, file: Path, screenshot: Path) -> Visit:
    """Load ``file``, read its charts, save a full-page PNG, list what went wrong."""
    seen = Visit()
    page.on(
        "console",
        lambda m: (
            seen.problems.append(f"console.{m.type}: {m.text}")
            if m.type in ("error", "warning", "assert")
            else None
        ),
    )
    page.on("pageerror", lambda e: seen.problems.append(f"exception: {e}"))
    page.on("requestfailed", lambda r: seen.problems.append(f"load failed: {r.url} {r.failure}"))
    page.on("request", lambda r: seen.requests.append(r.url))
    page.goto(file.resolve().as_uri(), wait_until="load")
    seen.charts = page.evaluate(_CHARTS_JS)
    page.screenshot(path=screenshot, full_page=True)
    return seen


@needs_chromium
def test_report_in_headless_chromium(example: Example, page: Page, tmp_path: Path) -> None:
    report = example.out / "report.html"
    screenshot = tmp_path / "report.png"
    seen = visit(page, report, screenshot)
    assert seen.problems == []
    assert seen.requests == [report.resolve().as_uri()]  # the file itself, nothing else
    assert [c["name"] for c in seen.charts] == list(CHARTS)
    for chart in seen.charts:  # laid out, visible and drawn
        assert chart["width"] > 300 and chart["height"] > 100, chart
        assert chart["shapes"] > 3, chart
    png = screenshot.read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width >= 1000 and height > 4000  # the whole page, not only the window


@needs_chromium
def test_report_of_all_four_kinds_in_headless_chromium(page: Page, tmp_path: Path) -> None:
    assignments, unassigned = kinds_plan()
    report = tmp_path / "report.html"
    report.write_text(
        render_report(kinds_problem(), assignments, unassigned, SUMMARY), encoding="utf-8"
    )
    seen = visit(page, report, tmp_path / "report.png")
    assert seen.problems == []
    assert seen.requests == [report.resolve().as_uri()]
    assert [c["name"] for c in seen.charts] == list(CHARTS)
    rows = page.evaluate(
        "() => [...document.querySelectorAll('#kinds tbody tr')].map(r => r.innerText)"
    )
    assert [row.split("\t")[0] for row in rows] == [
        "BFE", "Praktikum", "Praxiskurs", "Langzeitpraktikum",
    ]  # fmt: skip


@needs_chromium
def test_the_browser_check_sees_errors_and_outside_requests(page: Page, tmp_path: Path) -> None:
    # The check above is only worth something if it would fail on a broken page.
    broken = tmp_path / "broken.html"
    broken.write_text(
        "<!DOCTYPE html><html><body>"
        '<script>console.error("boom"); undefinedFunction();</script>'
        '<img src="missing.png"><img src="http://example.invalid/logo.png">'
        "</body></html>",
        encoding="utf-8",
    )
    seen = visit(page, broken, tmp_path / "broken.png")
    text = "\n".join(seen.problems)
    assert "console.error: boom" in text
    assert "undefinedFunction is not defined" in text or "exception" in text
    assert "missing.png" in text or "load failed" in text
    assert "http://example.invalid/logo.png" in seen.requests
    assert seen.charts == []


def test_dates_in_the_heatmap_are_german(example: Example) -> None:
    page = (example.out / "report.html").read_text(encoding="utf-8")
    first_bfe = min(e.start_date for e in example.problem.calendar if e.kind == "bfe")
    assert f"{first_bfe:%d.%m.%Y}" in page
