"""``plan.xlsx``: the sheets and rows a school and a company work with."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import subprocess
from typing import TYPE_CHECKING

import openpyxl
import pandas as pd
import pytest

from kaoa_match.i18n import language
from kaoa_match.io.input_workbook import write_input_workbook
from kaoa_match.io.inputs import check_input
from kaoa_match.io.plan_xlsx import GERMAN_DATE, read_classes, write_workbook
from kaoa_match.io.write_problem import write_problem
from kaoa_match.model import (
    CalendarEntry,
    Company,
    Offer,
    Participant,
    Problem,
    School,
    Student,
)
from kaoa_match.plan import ASSIGNMENT_COLUMNS, UNASSIGNED_COLUMNS

if TYPE_CHECKING:
    from pathlib import Path

    from openpyxl.worksheet.worksheet import Worksheet

D1, D2 = dt.date(2026, 11, 4), dt.date(2026, 11, 5)
BLOCK = (dt.date(2027, 6, 7), dt.date(2027, 6, 18))  # ten working days


def tiny_problem() -> Problem:
    """Two schools: A (grade 8, two BFE days) with a1, a2, a3; B (grade 9,
    Praktikum) with b1, b2. Two companies, three offers."""
    return Problem(
        schools=[
            School(school_id="A", name="Realschule Am Park", school_type="Realschule",
                   lat=51.45, lon=7.0),
            School(school_id="B", name="Gymnasium/Nord", school_type="Gymnasium",
                   lat=51.47, lon=7.02),
        ],
        students=[Student(student_id=s, school_id="A", grade=8) for s in ("a1", "a2", "a3")]
        + [Student(student_id=s, school_id="B", grade=9) for s in ("b1", "b2")],
        companies=[
            Company(company_id="C1", name="Kita Sonne", lat=51.46, lon=7.01),
            Company(company_id="C2", name="Werk Eins", lat=51.46, lon=7.03,
                    provider_type="traeger"),
        ],
        offers=[
            Offer(offer_id="O1", company_id="C1", field_id="soziales", kind="bfe",
                  start_date=D1, end_date=D2, capacity=2),
            Offer(offer_id="O2", company_id="C2", field_id="metall", kind="bfe",
                  start_date=D1, end_date=D2, capacity=1),
            Offer(offer_id="O3", company_id="C2", field_id="metall", kind="praktikum",
                  start_date=BLOCK[0], end_date=BLOCK[1], capacity=1),
        ],
        calendar=[
            CalendarEntry(school_id="A", kind="bfe", grade=8, start_date=D1, end_date=D2,
                          days=2),
            CalendarEntry(school_id="B", kind="praktikum", grade=9, start_date=BLOCK[0],
                          end_date=BLOCK[1], days=10),
        ],
    )  # fmt: skip


def tiny_plan() -> tuple[pd.DataFrame, pd.DataFrame]:
    """A valid plan: a1 and a2 get both days, a3 one, b1 the block, b2 none."""
    rows = [
        ["a1", "A", "bfe", "O1", "C1", "soziales", D1, D1, 12, 0, ""],
        ["a1", "A", "bfe", "O2", "C2", "metall", D2, D2, 15, 0, ""],
        ["a2", "A", "bfe", "O2", "C2", "metall", D1, D1, 15, 0, ""],
        ["a2", "A", "bfe", "O1", "C1", "soziales", D2, D2, 12, 0, ""],
        ["a3", "A", "bfe", "O1", "C1", "soziales", D1, D1, 12, 0, ""],
        ["b1", "B", "praktikum", "O3", "C2", "metall", *BLOCK, 11, 0, ""],
    ]
    short = [
        ["a3", "A", "bfe", 1, "no free place in a Berufsfeld not yet used"],
        ["b2", "B", "praktikum", 1, "no offer has a free block"],
    ]
    return (
        pd.DataFrame(rows, columns=ASSIGNMENT_COLUMNS),
        pd.DataFrame(short, columns=UNASSIGNED_COLUMNS),
    )


SUMMARY = {
    "status": "optimal",
    "objectives": {"coverage": 6, "fairness": 0},
    "bounds": {"coverage": 6, "fairness": 0},
    "gaps": {"coverage": 0.0, "fairness": 0.0},
    "level_status": {"coverage": "optimal", "fairness": "optimal"},
    "solve_seconds": 0.2,
}


def _book(tmp_path: Path, classes: dict[str, str] | None = None) -> openpyxl.Workbook:
    assignments, unassigned = tiny_plan()
    path = tmp_path / "plan.xlsx"
    write_workbook(path, tiny_problem(), assignments, unassigned, SUMMARY, classes=classes)
    return openpyxl.load_workbook(path)


def test_sheets_and_rows(tmp_path: Path) -> None:
    book = _book(tmp_path)
    # "/" cannot be in a sheet name: Gymnasium/Nord becomes Gymnasium-Nord
    assert book.sheetnames == [
        "Summary",
        "A Realschule Am Park",
        "B Gymnasium-Nord",
        "Rosters",
        "Unplaced",
    ]
    school_a, school_b = book["A Realschule Am Park"], book["B Gymnasium-Nord"]
    assert school_a.max_row == 1 + 3  # header + a1, a2, a3
    assert school_b.max_row == 1 + 2
    # rosters: (C1, O1, D1), (C1, O1, D2), (C2, O2, D1), (C2, O2, D2), (C2, O3, block)
    assert book["Rosters"].max_row == 1 + 5
    assert book["Unplaced"].max_row == 1 + 2


def test_class_list_columns_and_values(tmp_path: Path) -> None:
    sheet = _book(tmp_path)["A Realschule Am Park"]
    header = [c.value for c in sheet[1]]
    assert header == [
        "student_id", "grade",
        "BFE 1 date", "BFE 1 company", "BFE 1 Berufsfeld", "BFE 1 min",
        "BFE 2 date", "BFE 2 company", "BFE 2 Berufsfeld", "BFE 2 min",
        "missing",
    ]  # fmt: skip
    a1 = [c.value for c in sheet[2]]
    assert a1[:6] == ["a1", 8, dt.datetime(2026, 11, 4), "Kita Sonne", "Soziales, Pädagogik", 12]
    a3 = [c.value for c in sheet[4]]
    assert a3[6:10] == [None, None, None, None]
    assert a3[-1] == "1 BFE day: no free place in a Berufsfeld not yet used"


def test_praktikum_block_and_rosters(tmp_path: Path) -> None:
    book = _book(tmp_path)
    b1 = [c.value for c in book["B Gymnasium-Nord"][2]]
    assert b1 == [
        "b1", 9, dt.datetime(2027, 6, 7), dt.datetime(2027, 6, 18), "Werk Eins",
        "Metall, Maschinenbau", 11, None,
    ]  # fmt: skip
    rosters = [[c.value for c in row] for row in book["Rosters"].iter_rows(min_row=2)]
    assert rosters[0] == [
        "C1", "Kita Sonne", "BFE", dt.datetime(2026, 11, 4), dt.datetime(2026, 11, 4),
        "Soziales, Pädagogik", "O1", 2, "a1, a3", "A",
    ]  # fmt: skip


def test_german_dates_frozen_headers_and_widths(tmp_path: Path) -> None:
    book = _book(tmp_path)
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet["A1"].font.bold
    sheet = book["A Realschule Am Park"]
    assert sheet["C2"].is_date
    assert sheet["C2"].number_format == GERMAN_DATE
    assert sheet.column_dimensions["D"].width == len("BFE 1 company") + 2
    assert book["Rosters"]["D2"].number_format == GERMAN_DATE


def test_summary_sheet(tmp_path: Path) -> None:
    rows = {r[0]: r[1:] for r in _book(tmp_path)["Summary"].iter_rows(values_only=True) if r[0]}
    assert rows["students placed in full"][0] == 3  # a1, a2, b1
    assert rows["students short of a placement"][0] == 2
    assert rows["placements made"][0] == 6
    assert rows["placements needed"][0] == 8
    assert rows["coverage"][:4] == (6, 6, 0.0, "optimal")


def test_class_column_from_students_csv(tmp_path: Path) -> None:
    write_problem(tiny_problem(), tmp_path / "in")
    students = tmp_path / "in" / "students.csv"
    lines = students.read_text(encoding="utf-8").splitlines()
    classes = ["Klasse", "8a", "8b", "8a", "9c", "9c"]
    students.write_text(
        "\n".join(f"{line},{k}" for line, k in zip(lines, classes, strict=True)) + "\n",
        encoding="utf-8",
    )
    found = read_classes(tmp_path / "in")
    assert found == {"a1": "8a", "a2": "8b", "a3": "8a", "b1": "9c", "b2": "9c"}
    sheet = _book(tmp_path, found)["A Realschule Am Park"]
    assert [c.value for c in sheet[1]][:3] == ["student_id", "class", "grade"]
    # sorted by class, then student: a1 (8a), a3 (8a), a2 (8b)
    assert [sheet.cell(row=r, column=1).value for r in (2, 3, 4)] == ["a1", "a3", "a2"]


def test_class_column_from_an_input_workbook(tmp_path: Path) -> None:
    book_path = tmp_path / "kreis.xlsx"
    write_input_workbook(book_path, tiny_problem())
    book = openpyxl.load_workbook(book_path)
    students = book["students"]
    column = students.max_column + 1
    for row, klasse in enumerate(["Klasse", "8a", "8b", None, "9c", "9c"], start=1):
        students.cell(row=row, column=column, value=klasse)
    book.save(book_path)
    assert read_classes(book_path) == {"a1": "8a", "a2": "8b", "b1": "9c", "b2": "9c"}


def test_no_class_column_gives_no_classes(tmp_path: Path) -> None:
    write_problem(tiny_problem(), tmp_path / "in")
    assert read_classes(tmp_path / "in") == {}
    assert read_classes(None) == {}


# Text a spreadsheet program would evaluate: formulas, DDE, and the characters
# that start one (data contract, "Spreadsheet safety").
PAYLOADS = (
    '=HYPERLINK("http://example.org/x","click")',
    "+1-2",
    "-3+4",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "=cmd|' /C calc'!A0",
)


def _payload_problem() -> Problem:
    """The tiny problem with payloads in school and company names and IDs."""
    problem = tiny_problem()
    schools = [s.model_copy(update={"name": PAYLOADS[0]}) for s in problem.schools]
    companies = [
        problem.companies[0].model_copy(update={"name": PAYLOADS[1]}),
        problem.companies[1].model_copy(update={"name": PAYLOADS[6]}),
    ]
    students = [
        s.model_copy(update={"student_id": PAYLOADS[3]}) if s.student_id == "a1" else s
        for s in problem.students
    ]
    offers = [
        o.model_copy(update={"offer_id": PAYLOADS[2]}) if o.offer_id == "O3" else o
        for o in problem.offers
    ]
    update = {"schools": schools, "companies": companies, "students": students, "offers": offers}
    return problem.model_copy(update=update)


def _payload_plan_book(tmp_path: Path) -> Path:
    """plan.xlsx of the tiny plan with a payload in every kind of text it shows."""
    assignments, unassigned = tiny_plan()
    # IDs as they reach the sheets: a student, an offer, a Berufsfeld, a reason.
    assignments = assignments.replace({"a1": PAYLOADS[3], "O3": PAYLOADS[2]})
    unassigned = unassigned.replace({"b2": PAYLOADS[4]})
    unassigned.loc[0, "reason"] = PAYLOADS[5]
    classes = {PAYLOADS[3]: PAYLOADS[2], "a2": PAYLOADS[0]}  # Klasse
    path = tmp_path / "plan.xlsx"
    write_workbook(path, _payload_problem(), assignments, unassigned, SUMMARY, classes=classes)
    return path


def test_no_input_text_becomes_a_formula(tmp_path: Path) -> None:
    path = _payload_plan_book(tmp_path)
    book = openpyxl.load_workbook(path)  # formulas stay formulas when read like this
    values = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                values.add(cell.value)
    for payload in PAYLOADS:
        # XML turns a carriage return into a line feed on reading: still text.
        read_back = payload.replace("\r", "\n")
        assert any(isinstance(v, str) and read_back in v for v in values), payload


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice (soffice) is not installed; .ci/run installs libreoffice-calc-nogui",
)
def test_libreoffice_shows_every_payload_as_the_same_text(tmp_path: Path) -> None:
    # A real spreadsheet program opens plan.xlsx and the input workbook, and
    # each sheet is saved as CSV values: a payload that became a formula would
    # come out computed ("click", "-1", "3") instead of as written.
    plan = _payload_plan_book(tmp_path)
    inputs = tmp_path / "input.xlsx"
    write_input_workbook(inputs, _payload_problem())
    control = tmp_path / "control.xlsx"
    book = openpyxl.Workbook()
    assert book.active is not None
    book.active["A1"] = "=1+1"  # a real formula: shows that formulas are computed here
    book.save(control)
    cells = _libreoffice_values(tmp_path, [plan, inputs, control])
    assert cells["control"] == {"2"}
    for payload in PAYLOADS:
        shown = payload.replace("\r", "\n")  # XML keeps a carriage return as a line feed
        assert any(shown in text for text in cells["plan"]), payload
    for payload in (PAYLOADS[0], PAYLOADS[1], PAYLOADS[2], PAYLOADS[3], PAYLOADS[6]):
        assert payload in cells["input"], payload
    assert "click" not in cells["plan"] | cells["input"]  # what the HYPERLINK would show


def _libreoffice_values(tmp_path: Path, books: list[Path]) -> dict[str, set[str]]:
    """Every cell's shown text per workbook (by file stem), as LibreOffice Calc
    exports each sheet to CSV."""
    # CSV filter: ',' '"' UTF-8, line 1, ..., values not formulas, -1 = every sheet
    csv_filter = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"
    out = _libreoffice_convert(tmp_path, csv_filter, books)
    cells: dict[str, set[str]] = {book.stem: set() for book in books}
    for file in out.glob("*.csv"):
        stem = next(b.stem for b in books if file.name.startswith(f"{b.stem}-"))
        with file.open(encoding="utf-8", newline="") as handle:
            cells[stem].update(text for row in csv.reader(handle) for text in row if text)
    assert all(cells.values()), "LibreOffice wrote no CSV for a workbook"
    return cells


def _libreoffice_convert(tmp_path: Path, convert_to: str, books: list[Path]) -> Path:
    """Open ``books`` in headless LibreOffice Calc and save them as ``convert_to``
    into a new directory, which is returned."""
    out = tmp_path / "converted"
    # a private profile: no clash with a running LibreOffice or another test run
    profile = f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}"
    command = [str(SOFFICE), profile, "--headless", "--convert-to", convert_to, "--outdir"]
    subprocess.run([*command, str(out), *map(str, books)], check=True, timeout=180,
                   capture_output=True)  # fmt: skip
    return out


@pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice (soffice) is not installed; .ci/run installs libreoffice-calc-nogui",
)
def test_an_input_workbook_saved_by_libreoffice_reads_back(tmp_path: Path) -> None:
    # The route of a planner: the template filled (here by a program, with one
    # formula), opened and saved in a spreadsheet program, then read. The
    # formula counts with the value LibreOffice saved for it.
    book_path = tmp_path / "kreis.xlsx"
    write_input_workbook(book_path, tiny_problem())
    book = openpyxl.load_workbook(book_path)
    book["offers"]["G2"] = "=1+2"  # capacity of O1 (2 in tiny_problem)
    book.save(book_path)
    saved = _libreoffice_convert(tmp_path, "xlsx:Calc MS Excel 2007 XML", [book_path])
    problem, warnings = check_input(saved / "kreis.xlsx")
    assert warnings == []
    assert problem.offers[0].capacity == 3
    expected = tiny_problem()
    offers = (expected.offers[0].model_copy(update={"capacity": 3}), *expected.offers[1:])
    assert problem == expected.model_copy(update={"offers": offers})


# --------------------------------------------------------------------------
# Praxiskurse and Langzeitpraktikum: course lists and weekday lists

COURSE = (dt.date(2027, 2, 1), dt.date(2027, 2, 3))  # Monday to Wednesday
LATER = (dt.date(2027, 2, 8), dt.date(2027, 2, 10))
PERIOD = (dt.date(2026, 11, 2), dt.date(2027, 6, 25))
KIND_COLUMNS = list(ASSIGNMENT_COLUMNS)  # assignments.csv of contract v3, with weekdays


def kinds_problem() -> Problem:
    """The tiny problem plus two courses (K1 at the Träger C2, K2 at C1) for
    b1 and b2, who take two each, and a Langzeitpraktikum place at C1 on
    Tuesdays and Thursdays for a3."""
    problem = tiny_problem()
    offers = [
        Offer(offer_id="K1", company_id="C2", field_id="metall", kind="praxiskurs",
              start_date=COURSE[0], end_date=COURSE[1], capacity=12, min_group=2),
        Offer(offer_id="K2", company_id="C1", field_id="soziales", kind="praxiskurs",
              start_date=LATER[0], end_date=LATER[1], capacity=4),
        Offer(offer_id="L1", company_id="C1", field_id="soziales", kind="langzeit",
              start_date=dt.date(2026, 9, 1), end_date=dt.date(2027, 7, 1), capacity=1,
              weekdays=frozenset({"di", "do"})),
    ]  # fmt: skip
    calendar = [
        CalendarEntry(school_id="B", kind="praxiskurs", grade=9, start_date=COURSE[0],
                      end_date=LATER[1], days=2),
        CalendarEntry(school_id="A", kind="langzeit", grade=8, start_date=PERIOD[0],
                      end_date=PERIOD[1], days=2, weekdays=frozenset({"di", "do"})),
    ]  # fmt: skip
    participants = [
        Participant(student_id="b1", kind="praxiskurs"),
        Participant(student_id="b2", kind="praxiskurs"),
        Participant(student_id="a3", kind="langzeit"),
    ]
    return problem.model_copy(
        update={
            "offers": (*problem.offers, *offers),
            "calendar": (*problem.calendar, *calendar),
            "participants": tuple(participants),
        }
    )


def kinds_plan() -> tuple[pd.DataFrame, pd.DataFrame]:
    """tiny_plan plus: b1 in K1 and K2, b2 in K1 only (one course missing), a3
    at C1 on Tuesdays and Thursdays over the school's period."""
    assignments, unassigned = tiny_plan()
    rows = [
        ["b1", "B", "praxiskurs", "K1", "C2", "metall", *COURSE, 11, 0, ""],
        ["b2", "B", "praxiskurs", "K1", "C2", "metall", *COURSE, 11, 0, ""],
        ["b1", "B", "praxiskurs", "K2", "C1", "soziales", *LATER, 9, 0, ""],
        ["a3", "A", "langzeit", "L1", "C1", "soziales", *PERIOD, 12, 0, "di|do"],
    ]
    more = pd.DataFrame(rows, columns=KIND_COLUMNS)
    short = pd.DataFrame(
        [["b2", "B", "praxiskurs", 1, "no course in an unused Berufsfeld"]],
        columns=UNASSIGNED_COLUMNS,
    )
    return (
        pd.concat([assignments.assign(weekdays=""), more], ignore_index=True),
        pd.concat([unassigned, short], ignore_index=True),
    )


def _kinds_book(tmp_path: Path, problem: Problem | None = None) -> openpyxl.Workbook:
    assignments, unassigned = kinds_plan()
    path = tmp_path / "plan.xlsx"
    write_workbook(path, problem or kinds_problem(), assignments, unassigned, SUMMARY)
    return openpyxl.load_workbook(path)


def values(sheet: Worksheet) -> list[list[object]]:
    return [[c.value for c in row] for row in sheet.iter_rows()]


def test_sheets_of_the_new_kinds_only_where_the_plan_has_them(tmp_path: Path) -> None:
    assert _kinds_book(tmp_path).sheetnames == [
        "Summary",
        "A Realschule Am Park",
        "B Gymnasium-Nord",
        "Rosters",
        "Courses",
        "Langzeitpraktikum",
        "Unplaced",
    ]
    assert "Courses" not in _book(tmp_path).sheetnames  # BFE and Praktikum only


def test_course_lists_one_block_per_course_traeger_first(tmp_path: Path) -> None:
    sheet = _kinds_book(tmp_path)["Courses"]
    rows = values(sheet)
    assert rows[0] == [
        "company_id", "company", "offer_id", "from", "to", "Berufsfeld", "participants",
        "places", "smallest group", "student_id", "school_id", "school",
    ]  # fmt: skip
    feb = dt.datetime
    assert rows[1:] == [
        # the Träger Werk Eins first: its course, then its two participants
        ["C2", "Werk Eins", "K1", feb(2027, 2, 1), feb(2027, 2, 3), "Metall, Maschinenbau",
         2, 12, 2, None, None, None],
        [None] * 9 + ["b1", "B", "Gymnasium/Nord"],
        [None] * 9 + ["b2", "B", "Gymnasium/Nord"],
        [None] * 12,
        ["C1", "Kita Sonne", "K2", feb(2027, 2, 8), feb(2027, 2, 10), "Soziales, Pädagogik",
         1, 4, None, None, None, None],
        [None] * 9 + ["b1", "B", "Gymnasium/Nord"],
    ]  # fmt: skip
    assert sheet["A2"].font.bold and not sheet["J3"].font.bold
    assert sheet["D2"].number_format == GERMAN_DATE


def test_langzeit_sheet_per_company_and_weekday(tmp_path: Path) -> None:
    rows = values(_kinds_book(tmp_path)["Langzeitpraktikum"])
    assert rows[0] == [
        "company_id", "company", "weekday", "offer_id", "Berufsfeld", "student_id",
        "school_id", "school", "from", "to",
    ]  # fmt: skip
    period = [dt.datetime(2026, 11, 2), dt.datetime(2027, 6, 25)]
    assert rows[1:] == [
        ["C1", "Kita Sonne", day, "L1", "Soziales, Pädagogik", "a3", "A", "Realschule Am Park",
         *period]
        for day in ("Tuesday", "Thursday")
    ]  # fmt: skip


def test_class_lists_show_courses_and_langzeit(tmp_path: Path) -> None:
    book = _kinds_book(tmp_path)
    school_a, school_b = values(book["A Realschule Am Park"]), values(book["B Gymnasium-Nord"])
    assert "Langzeitpraktikum" in school_a[0] and "Praxiskurse" not in school_a[0]
    column = school_a[0].index("Langzeitpraktikum")
    a3 = next(r for r in school_a if r[0] == "a3")
    assert a3[column] == (
        "Tuesday, Thursday at Kita Sonne (Soziales, Pädagogik), 02.11.2026 to 25.06.2027"
    )
    column = school_b[0].index("Praxiskurse")
    by_id = {r[0]: r for r in school_b[1:]}
    assert by_id["b1"][column] == (
        "01.02.2027 to 03.02.2027 Werk Eins (Metall, Maschinenbau); "
        "08.02.2027 to 10.02.2027 Kita Sonne (Soziales, Pädagogik)"
    )
    # b1's Praktikum block stays in its columns; b2 misses one course
    assert by_id["b1"][school_b[0].index("Praktikum company")] == "Werk Eins"
    assert by_id["b2"][-1] == (
        "Praktikum: no offer has a free block; 1 Praxiskurs: no course in an unused Berufsfeld"
    )
    summary = {r[0]: r[1] for r in book["Summary"].iter_rows(values_only=True) if r[0]}
    assert summary["Praxiskurs: placements made"] == 3
    assert summary["Praxiskurs: placements needed"] == 4
    assert summary["Langzeitpraktikum: placements made"] == 1
    assert summary["placements needed"] == 8 + 5


def test_the_new_sheets_in_german(tmp_path: Path) -> None:
    with language("de"):
        book = _kinds_book(tmp_path)
    assert "Praxiskurse" in book.sheetnames and "Langzeitpraktikum" in book.sheetnames
    rows = values(book["Langzeitpraktikum"])
    assert [r[2] for r in rows[1:]] == ["Dienstag", "Donnerstag"]


def test_no_input_text_in_the_new_sheets_becomes_a_formula(tmp_path: Path) -> None:
    problem = kinds_problem()
    companies = [
        problem.companies[0].model_copy(update={"name": PAYLOADS[0]}),
        problem.companies[1].model_copy(update={"name": PAYLOADS[6]}),
    ]
    schools = [s.model_copy(update={"name": PAYLOADS[1]}) for s in problem.schools]
    book = _kinds_book(tmp_path, problem.model_copy(update={"companies": companies,
                                                            "schools": schools}))  # fmt: skip
    for title in ("Courses", "Langzeitpraktikum"):
        texts = set()
        for row in book[title].iter_rows():
            for cell in row:
                assert cell.data_type != "f", (title, cell.coordinate, cell.value)
                texts.add(cell.value)
        assert PAYLOADS[0] in texts and PAYLOADS[1] in texts, title
    if SOFFICE is not None:  # and LibreOffice shows them as written
        cells = _libreoffice_values(tmp_path, [tmp_path / "plan.xlsx"])
        assert {PAYLOADS[0], PAYLOADS[1], PAYLOADS[6]} <= cells["plan"]
        assert "click" not in cells["plan"]
