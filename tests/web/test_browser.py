"""The planner's whole route in a real browser (Playwright driving Debian's Chromium).

On the shipped example: download it, upload it with an error, see the error,
upload it fixed, plan, watch the levels arrive, stop early, re-plan from the
stopped plan, download plan.xlsx and open it, look up a student, book a late
student. Every page is screenshotted (into ``$KAOA_SCREENSHOTS`` if set: that
is how ``docs/screenshots/`` is made) and no page may log an error or load
anything from another address.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

import openpyxl
import pytest

from kaoa_match.io.inputs import check_input
from tests.conftest import needs_chromium
from tests.web.conftest import LATE_ID, broken, with_late_student, workbook

if TYPE_CHECKING:
    from playwright.sync_api import Page

_SLOW_MS = 180_000  # a step that waits for a solve; the test never waits on a clock


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    where = Path(os.environ.get("KAOA_SCREENSHOTS") or tmp_path / "screenshots")
    where.mkdir(parents=True, exist_ok=True)
    return where


def watch(page: Page, base: str) -> tuple[list[str], list[str]]:
    """Collect the page's errors and every address it requests."""
    problems: list[str] = []
    requests: list[str] = []
    page.on(
        "console",
        lambda m: (
            problems.append(f"console.{m.type}: {m.text}")
            if m.type in ("error", "warning")
            else None
        ),
    )
    page.on("pageerror", lambda e: problems.append(f"exception: {e}"))
    # a download, and the progress stream when the page moves on, end as "aborted"
    page.on(
        "requestfailed",
        lambda r: (
            problems.append(f"failed: {r.url} {r.failure}")
            if r.failure != "net::ERR_ABORTED"
            else None
        ),
    )
    page.on("request", lambda r: requests.append(r.url))
    return problems, requests


@needs_chromium
def test_a_planner_walks_the_whole_route(
    page: Page, live_server: str, tmp_path: Path, shots: Path
) -> None:
    from playwright.sync_api import expect

    base = live_server
    problems, requests = watch(page, base)
    expect.set_options(timeout=30_000)

    # 1. Start: the example workbook
    page.goto(base)
    expect(page.locator("h1")).to_have_text("KAoA-Plätze planen")
    with page.expect_download() as got:
        page.click("#example")
    example = tmp_path / "beispiel.xlsx"
    got.value.save_as(example)
    assert got.value.suggested_filename == "kaoa-beispiel.xlsx"
    faulty = tmp_path / "kreis.xlsx"
    faulty.write_bytes(broken(example.read_bytes()))
    page.screenshot(path=shots / "1-start.png", full_page=True)

    # 2. Check: the error, then the fixed workbook on the same page
    page.set_input_files("#file", faulty)
    page.click("form.upload button")
    expect(page.locator("#message")).to_contain_text("es wird nichts geplant")
    error_row = page.locator("#errors tbody tr").first
    expect(error_row).to_contain_text("offers")
    expect(error_row).to_contain_text("capacity")
    expect(error_row).to_contain_text("zwei")
    page.screenshot(path=shots / "2-check.png", full_page=True)
    page.set_input_files("#file", example)
    page.click("form.upload button")

    # 3. Settings
    expect(page).to_have_url(re.compile(r"/settings$"))
    expect(page.locator("p.ok")).to_contain_text("400 Schüler*innen")
    page.fill("#time_limit", "120")
    page.screenshot(path=shots / "3-settings.png", full_page=True)
    page.click("#plan")

    # 4. Plan: levels arrive; Stop keeps the best plan
    expect(page).to_have_url(re.compile(r"/plan$"))
    expect(page.locator("#levels tbody tr.done").first).to_be_visible(timeout=_SLOW_MS)
    expect(page.locator("#elapsed")).not_to_have_text("0 s")
    page.screenshot(path=shots / "4-plan.png", full_page=True)
    page.click("#stop")
    expect(page).to_have_url(re.compile(r"/result$"), timeout=_SLOW_MS)
    expect(page.locator("#message")).to_contain_text("der beste bis dahin gefundene Plan")

    # a re-plan from the stopped plan, which now runs to its time limit
    page.click("#replan")
    expect(page).to_have_url(re.compile(r"/settings$"))
    expect(page.locator("#previous option[selected]")).to_have_count(1)
    page.fill("#time_limit", "6")
    page.click("#plan")
    expect(page).to_have_url(re.compile(r"/result$"), timeout=_SLOW_MS)

    # 5. Result: headline, plan.xlsx, one student explained
    expect(page.locator("#headline")).to_contain_text("von 400")
    with page.expect_download() as got:
        page.click("#download-xlsx")
    assert got.value.suggested_filename == "plan.xlsx"
    got.value.save_as(tmp_path / "plan.xlsx")
    book = openpyxl.load_workbook(tmp_path / "plan.xlsx")
    assert {"Übersicht", "Betriebslisten", "Fehlende Plätze"} <= set(book.sheetnames)
    page.fill("#student", "S000001")
    page.click("#explain button")
    expect(page.locator("#explanation")).to_contain_text("S000001")
    page.screenshot(path=shots / "5-result.png", full_page=True)

    # late registration: a new student, booked into free places
    problem = check_input(example)[0]
    late = tmp_path / "nachmeldung.xlsx"
    workbook(with_late_student(problem), late)
    page.set_input_files("#late input[type=file]", late)
    page.click("#late button")
    expect(page).to_have_url(re.compile(r"/late$"))
    page.click("#options")
    expect(page.locator("li.booked")).to_have_count(1, timeout=_SLOW_MS)
    page.screenshot(path=shots / "6-late.png", full_page=True)
    page.click("#book")
    expect(page).to_have_url(re.compile(r"/result$"), timeout=_SLOW_MS)
    expect(page.locator("main")).to_contain_text(f"gebucht {LATE_ID}")

    # the runs on the start page: stopped, re-planned, late registration
    page.goto(base)
    expect(page.locator("#runs tbody tr")).to_have_count(3)
    expect(page.locator("#runs")).to_contain_text("Nachmeldung gebucht")
    expect(page.locator("#runs")).to_contain_text("gestoppt")
    assert problems == []
    assert [url for url in requests if not url.startswith(base)] == []
