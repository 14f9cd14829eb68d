"""check_input / check_inputs: a directory or a workbook, and what is no input."""

from __future__ import annotations

import zipfile
from typing import TYPE_CHECKING

import openpyxl
import pytest

from kaoa_match.exceptions import InputError
from kaoa_match.io import check_input, check_inputs, read_input
from kaoa_match.io.input_workbook import write_input_workbook
from kaoa_match.io.write_problem import write_problem
from tests.io.test_write_problem import small_problem

if TYPE_CHECKING:
    from pathlib import Path


def _problems(path: Path) -> list[str]:
    with pytest.raises(InputError) as info:
        check_input(path)
    return [str(p) for p in info.value.problems]


def test_directory_and_workbook_give_the_same_problem(tmp_path: Path) -> None:
    write_problem(small_problem(), tmp_path / "kreis")
    write_input_workbook(tmp_path / "kreis.xlsx", small_problem())
    assert read_input(tmp_path / "kreis") == small_problem()
    assert read_input(tmp_path / "kreis.xlsx") == small_problem()
    # upper case suffixes as Windows saves them
    (tmp_path / "kreis.xlsx").rename(tmp_path / "KREIS.XLSX")
    assert read_input(tmp_path / "KREIS.XLSX") == small_problem()


def test_neither_directory_nor_workbook(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x")
    neither = "is neither an input directory nor an Excel workbook (.xlsx)"
    assert _problems(tmp_path / "notes.txt") == [f"{tmp_path / 'notes.txt'}: {neither}"]
    (tmp_path / "students.csv").write_text("student_id\n")
    assert _problems(tmp_path / "students.csv") == [
        f"{tmp_path / 'students.csv'}: is one CSV file; "
        "give the directory that holds the input's CSV files"
    ]
    write_input_workbook(tmp_path / "book.dat", small_problem())
    assert _problems(tmp_path / "book.dat") == [
        f"{tmp_path / 'book.dat'}: is an Excel workbook under another name; rename it to .xlsx"
    ]
    with zipfile.ZipFile(tmp_path / "kreis.ods", "w") as ods:
        ods.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        ods.writestr("content.xml", "<office:document-content/>")
    assert _problems(tmp_path / "kreis.ods") == [
        f"{tmp_path / 'kreis.ods'}: is an OpenDocument spreadsheet (.ods); "
        "save it as .xlsx and pass that"
    ]
    assert _problems(tmp_path / "gone") == [
        f"{tmp_path / 'gone'}: is missing (give an input directory or an Excel workbook .xlsx)"
    ]
    assert _problems(tmp_path / "gone.xlsx") == [f"{tmp_path / 'gone.xlsx'}: workbook is missing"]
    (tmp_path / "broken.xlsx").write_text("not a zip")
    [message] = _problems(tmp_path / "broken.xlsx")
    assert message.startswith("broken.xlsx: cannot open workbook: ")


def test_workbook_errors_name_sheet_row_column_and_value_all_at_once(tmp_path: Path) -> None:
    book_path = tmp_path / "book.xlsx"
    write_input_workbook(book_path, small_problem())
    book = openpyxl.load_workbook(book_path)
    book["offers"]["G2"] = "zwei"  # capacity
    book["students"]["C2"] = "acht"  # grade
    del book["calendar"]
    book.save(book_path)
    assert _problems(book_path) == [
        "book.xlsx[calendar]: required sheet is missing",
        'book.xlsx[offers]:2: capacity: "zwei" is not a whole number',
        'book.xlsx[students]:2: grade: "acht" is not a whole number',
    ]


def test_a_workbook_without_input_sheets_says_what_it_is(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.save(tmp_path / "notes.xlsx")
    assert _problems(tmp_path / "notes.xlsx") == [
        "notes.xlsx: has no sheet of the input (needs schools, students, companies, "
        "offers, calendar); python -m kaoa_match template BOOK.xlsx writes an input workbook "
        "to fill"
    ]
    for name in ("Summary", "Rosters", "Unplaced"):
        book.create_sheet(name)
    book.save(tmp_path / "plan.xlsx")
    assert _problems(tmp_path / "plan.xlsx") == [
        "plan.xlsx: is the plan workbook a solve wrote (plan.xlsx), not an input workbook"
    ]


def _with_formulas(path: Path) -> None:
    """offers: capacity a formula; schools: max_travel_min a formula, and a
    formula in a column the reader ignores. openpyxl saves no values for them."""
    book = openpyxl.load_workbook(path)
    book["offers"]["G2"] = "=A1+1"
    book["schools"]["F2"] = "=SUM(1,2)"
    book["schools"]["H1"] = "note"
    book["schools"]["H2"] = "=1+1"
    book.save(path)


def test_a_formula_without_saved_value_is_named_not_read_as_empty(tmp_path: Path) -> None:
    book_path = tmp_path / "book.xlsx"
    write_input_workbook(book_path, small_problem())
    _with_formulas(book_path)
    advice = (
        "has no saved value; open and save the workbook in Excel/LibreOffice, or enter the value"
    )
    problems = _problems(book_path)
    assert problems == [
        f"book.xlsx[offers]:2: capacity: formula =A1+1 {advice}",
        f"book.xlsx[schools]:2: max_travel_min: formula =SUM(1,2) {advice}",
    ]


def test_a_formula_with_saved_value_reads_as_that_value(tmp_path: Path) -> None:
    book_path = tmp_path / "book.xlsx"
    write_input_workbook(book_path, small_problem())
    _with_formulas(book_path)
    _save_values(book_path, {"=A1+1": "7", "=SUM(1,2)": "3", "=1+1": "2"})
    problem, _ = check_input(book_path)
    assert problem.offers[0].capacity == 7
    assert problem.schools[0].max_travel_min == 3


def _save_values(path: Path, values: dict[str, str]) -> None:
    """What Excel does on saving: store each formula's value beside it."""
    with zipfile.ZipFile(path) as book:
        parts = {name: book.read(name) for name in book.namelist()}
    for name, data in parts.items():
        if name.startswith("xl/worksheets/"):
            text = data.decode()
            for formula, value in values.items():
                text = text.replace(
                    f"<f>{formula[1:]}</f><v />", f"<f>{formula[1:]}</f><v>{value}</v>"
                )
            parts[name] = text.encode()
    with zipfile.ZipFile(path, "w") as book:
        for name, data in parts.items():
            book.writestr(name, data)


@pytest.mark.parametrize(
    ("start", "message"),
    [
        (
            b"PK\x03\x04",
            "is an Excel workbook saved under a .csv name; save it as CSV (UTF-8), "
            "or rename it to .xlsx and pass the workbook itself",
        ),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
            "is an old Excel workbook (.xls) saved under a .csv name; "
            "open it in Excel or LibreOffice and save it as CSV (UTF-8)",
        ),
        (
            b"student_id\x00,school_id",
            "is not a text file (it holds NUL bytes); save it as CSV (UTF-8)",
        ),
    ],
)
def test_a_binary_file_under_a_csv_name_says_what_it_is(
    tmp_path: Path, start: bytes, message: str
) -> None:
    write_problem(small_problem(), tmp_path)
    (tmp_path / "students.csv").write_bytes(start + b"\x00\x01rest of the file")
    assert _problems(tmp_path) == [f"students.csv: {message}"]


def test_a_real_workbook_under_a_csv_name(tmp_path: Path) -> None:
    write_problem(small_problem(), tmp_path / "kreis")
    write_input_workbook(tmp_path / "book.xlsx", small_problem())
    (tmp_path / "book.xlsx").replace(tmp_path / "kreis" / "offers.csv")
    [problem] = _problems(tmp_path / "kreis")
    assert problem.startswith("offers.csv: is an Excel workbook saved under a .csv name")


def test_several_kreise_mix_directories_and_workbooks(tmp_path: Path) -> None:
    write_problem(small_problem(), tmp_path / "olpe")
    write_input_workbook(tmp_path / "siegen.xlsx", small_problem())
    problems, _ = check_inputs([tmp_path / "olpe", tmp_path / "siegen.xlsx"])
    assert list(problems) == ["olpe", "siegen"]
    assert problems["siegen"] == small_problem()

    book = openpyxl.load_workbook(tmp_path / "siegen.xlsx")
    book["students"]["C2"] = "acht"
    book.save(tmp_path / "siegen.xlsx")
    (tmp_path / "olpe" / "offers.csv").unlink()
    (tmp_path / "other").mkdir()
    write_input_workbook(tmp_path / "other" / "siegen.xlsx", small_problem())
    with pytest.raises(InputError) as info:
        check_inputs([tmp_path / "olpe", tmp_path / "siegen.xlsx", tmp_path / "other/siegen.xlsx"])
    assert sorted(str(p) for p in info.value.problems) == sorted(
        [
            "olpe/offers.csv: required file is missing",
            'siegen.xlsx[students]:2: grade: "acht" is not a whole number',
            f"{tmp_path / 'other/siegen.xlsx'}: a second workbook named siegen",
        ]
    )
