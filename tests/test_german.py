"""What planners read is German by default: the report, plan.xlsx, the reasons of
unassigned.csv and changes.csv; English with ``--lang en``.

The tests run in English (tests/conftest.py); here each asks for German with
``language("de")`` or ``--lang de`` and checks real outcomes: headings,
headers, reasons naming the company, dates as TT.MM.JJJJ.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import openpyxl
import pandas as pd
import pytest

from kaoa_match.changes import changes_table
from kaoa_match.cli import main
from kaoa_match.exceptions import InputError
from kaoa_match.i18n import language
from kaoa_match.io.inputs import check_input
from kaoa_match.io.plan_xlsx import GERMAN_DATE, write_workbook
from kaoa_match.io.write_problem import write_problem
from kaoa_match.report import render_report
from tests.solvers.test_bfe_instances import (
    NOV4,
    bfe_dates,
    company,
    kreis,
    minutes,
    offer,
    scores,
    solve_checked,
    student,
)
from tests.solvers.test_rerun import rerun
from tests.test_workbook import SUMMARY, tiny_plan, tiny_problem

if TYPE_CHECKING:
    from pathlib import Path

    from kaoa_match.model import Problem
    from kaoa_match.plan import Plan

ISO_DATE = re.compile(r"\b20\d\d-\d\d-\d\d\b")


# --------------------------------------------------------------------------
# report.html


def _page(lang: str) -> str:
    assignments, unassigned = tiny_plan()
    with language(lang):  # type: ignore[arg-type]
        return render_report(tiny_problem(), assignments, unassigned, SUMMARY)


def test_the_report_in_german() -> None:
    page = _page("de")
    assert '<html lang="de">' in page
    assert "<h1>KAoA-Einsatzplan</h1>" in page
    for heading in (
        "Ziele, Schranken und Nachweis",
        "Vermittlungsquote je Schule und Schulform",
        "Fahrzeiten",
        "Schüler*innen mit fehlendem Einsatz",
    ):
        assert f"<h2>{heading}</h2>" in page
    assert "<b>6 / 8</b><span>vergebene Einsätze</span>" in page
    assert "5 BFE-Tage, 1 Praktikumsblock" in page
    assert "60,0 %" in page  # 3 of 5 students placed in full, written the German way
    assert "04.11.2026" in page and "05.11.2026" in page  # the heat map's dates
    assert not ISO_DATE.search(page)
    # the unplaced list names the school beside the student and says BFE, not bfe
    assert "<td>a3</td><td>Realschule Am Park</td><td>BFE</td>" in page
    for english in ("placements made", "Travel times", "students short of a placement"):
        assert english not in page


def test_the_report_in_english() -> None:
    page = _page("en")
    assert '<html lang="en">' in page
    assert "<h1>KAoA placement plan</h1>" in page
    assert "<h2>Travel times</h2>" in page
    assert "60.0%" in page
    assert "Fahrzeiten" not in page


# --------------------------------------------------------------------------
# plan.xlsx


def test_the_workbook_in_german(tmp_path: Path) -> None:
    assignments, unassigned = tiny_plan()
    path = tmp_path / "plan.xlsx"
    with language("de"):
        write_workbook(path, tiny_problem(), assignments, unassigned, SUMMARY)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [
        "Übersicht",
        "A Realschule Am Park",
        "B Gymnasium-Nord",
        "Betriebslisten",
        "Fehlende Plätze",
    ]
    sheet = book["A Realschule Am Park"]
    assert [c.value for c in sheet[1]] == [
        "student_id", "Jahrgangsstufe",
        "BFE 1 Datum", "BFE 1 Betrieb", "BFE 1 Berufsfeld", "BFE 1 Min.",
        "BFE 2 Datum", "BFE 2 Betrieb", "BFE 2 Berufsfeld", "BFE 2 Min.",
        "fehlt",
    ]  # fmt: skip
    assert sheet["C2"].is_date and sheet["C2"].number_format == GERMAN_DATE
    assert sheet.cell(row=4, column=11).value == (
        "1 BFE-Tag: no free place in a Berufsfeld not yet used"  # the reason as given
    )
    praktikum = [c.value for c in book["B Gymnasium-Nord"][1]]
    assert praktikum[2:8] == [
        "Praktikum von", "Praktikum bis", "Praktikum Betrieb", "Praktikum Berufsfeld",
        "Praktikum Min.", "fehlt",
    ]  # fmt: skip
    assert [c.value for c in book["Betriebslisten"][1]] == [
        "company_id", "Betrieb", "Art", "von", "bis", "Berufsfeld", "offer_id",
        "Schüler*innen", "student_ids", "Schulen",
    ]  # fmt: skip
    assert [c.value for c in book["Fehlende Plätze"][1]] == [
        "student_id", "school_id", "Schule", "Art", "fehlt", "Grund",
    ]  # fmt: skip
    summary = {r[0]: r[1:] for r in book["Übersicht"].iter_rows(values_only=True) if r[0]}
    assert summary["Status des Plans"][0] == "optimal"
    assert summary["vergebene Einsätze"][0] == 6
    assert summary["Abdeckung"][:4] == (6, 6, 0.0, "optimal")
    # read back as an input, the German plan workbook is still recognised as a plan
    with pytest.raises(InputError, match="is the plan workbook a solve wrote"):
        check_input(path)


# --------------------------------------------------------------------------
# unassigned.csv, through the command line


def _far_kreis() -> Problem:
    """One student of S, one BFE offer 52 minutes away at Firma Fern."""
    return kreis(
        students=(student("A"),),
        companies=(company("C1", name="Firma Fern"),),
        offers=(offer("O1", "C1", "it", NOV4),),
        calendar=bfe_dates("S", NOV4),
        travel=minutes({("S", "C1"): 52}),
    )


@pytest.mark.parametrize(
    ("lang", "reason"),
    [
        (
            "de",
            "kein Angebot innerhalb von 45 Minuten Fahrzeit; "
            "das nächste ist 52 Minuten entfernt (Firma Fern)",
        ),
        ("en", "no offer within 45 minutes; the nearest is 52 minutes away (Firma Fern)"),
    ],
)
def test_an_unassigned_reason_in_the_language_asked_for(
    tmp_path: Path, lang: str, reason: str
) -> None:
    write_problem(_far_kreis(), tmp_path / "in")
    out = tmp_path / "out"
    args = ["solve", str(tmp_path / "in"), "--out", str(out), "--quiet", "--lang", lang]
    assert main(args) == 0
    unassigned = pd.read_csv(out / "unassigned.csv")
    assert list(unassigned.columns) == ["student_id", "school_id", "kind", "missing", "reason"]
    assert unassigned.to_dict("records") == [
        {"student_id": "A", "school_id": "S", "kind": "bfe", "missing": 1, "reason": reason}
    ]
    assert f'<html lang="{lang}">' in (out / "report.html").read_text(encoding="utf-8")
    sheets = openpyxl.load_workbook(out / "plan.xlsx").sheetnames
    assert sheets[-1] == ("Fehlende Plätze" if lang == "de" else "Unplaced")


def test_a_shortfall_reason_in_german_has_german_dates() -> None:
    # A and B both want the one place of O1 on 4 Nov; one of them gets it.
    problem = kreis(
        students=(student("A"), student("B")),
        companies=(company("C1", name="Kita Sonne"),),
        offers=(offer("O1", "C1", "it", NOV4),),
        calendar=bfe_dates("S", NOV4),
        interests=scores({("A", "it"): 80}),
        travel=minutes({("S", "C1"): 10}),
    )
    with language("de"):
        plan = solve_checked(problem)
    (reason,) = plan.unassigned["reason"]
    assert reason == (
        "alle Plätze in noch nicht belegten Berufsfeldern innerhalb von 45 Minuten Fahrzeit "
        "sind vergeben, am 04.11.2026 (1 Angebot)"
    )


# --------------------------------------------------------------------------
# changes.csv


def _published() -> tuple[Problem, Plan]:
    problem = kreis(
        students=(student("A"), student("B")),
        companies=(company("C1", name="Kita Sonne"),),
        offers=(offer("O1", "C1", "it", NOV4, capacity=2),),
        calendar=bfe_dates("S", NOV4),
        interests=scores({("A", "it"): 80}),
        travel=minutes({("S", "C1"): 10}),
    )
    return problem, solve_checked(problem)


def test_changes_reasons_in_german_name_the_company() -> None:
    problem, first = _published()
    with language("de"):
        farther = rerun(problem, first, students=(student("A", max_travel_min=5), student("B")))
        table = changes_table(farther, solve_checked(farther))
        reasons = dict(zip(table["student_id"], table["reason"], strict=True))
        assert reasons["A"] == (
            "Betrieb Kita Sonne (C1) ist jetzt 10 Minuten Fahrzeit entfernt (höchstens 5); "
            "kein anderer Platz: 1 fehlend: kein Angebot innerhalb von 5 Minuten Fahrzeit; "
            "das nächste ist 10 Minuten entfernt (Kita Sonne)"
        )
        assert reasons["B"] == "wie veröffentlicht beibehalten"
        assert set(table["change"]) == {"lost a place", "kept"}  # the values stay data

        cut = rerun(problem, first, offers=(offer("O1", "C1", "it", NOV4),))
        table = changes_table(cut, solve_checked(cut))
    lost = table[table["change"] == "lost a place"]
    (reason,) = lost["reason"]
    assert reason.startswith(
        "Angebot O1 (Kita Sonne) wurde auf 1 Platz am Tag gekürzt "
        "(2 Einsätze des früheren Plans am 04.11.2026); kein anderer Platz: 1 fehlend: "
    )
    assert not ISO_DATE.search(reason)
    assert set(table["before"]) == {"O1 2026-11-04"}  # the labels stay data


def test_changes_reasons_in_english_name_the_company() -> None:
    problem, first = _published()
    farther = rerun(problem, first, students=(student("A", max_travel_min=5), student("B")))
    table = changes_table(farther, solve_checked(farther))
    reasons = dict(zip(table["student_id"], table["reason"], strict=True))
    assert reasons["A"].startswith(
        "company Kita Sonne (C1) is now 10 minutes away (limit 5); no other place: 1 missing: "
    )
