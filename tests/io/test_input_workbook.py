"""The input workbook: template, example and generated Kreis as one .xlsx."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from kaoa_match.exceptions import InputError
from kaoa_match.io import check_input, read_dir
from kaoa_match.io.cells import ID_COLUMNS, LAYOUTS
from kaoa_match.io.help_de import HELP, SHEET_HELP
from kaoa_match.io.input_workbook import DATE_FORMAT, HELP_SHEET, write_input_workbook
from kaoa_match.model import DEFAULT_FIELDS, Priority
from tests.io.test_write_problem import small_problem

EXAMPLE = Path(__file__).parents[2] / "kaoa_match" / "data" / "example"


def test_every_column_of_every_layout_has_german_help() -> None:
    # A column added to the contract without help here fails this test.
    missing = [
        f"{table}.{column}"
        for table, layout in LAYOUTS.items()
        for column in layout.column_names
        if not all(HELP.get((table, column), ("", "")))
    ]
    assert missing == []
    assert [t for t in LAYOUTS if not SHEET_HELP.get(t)] == []


def test_template_has_every_sheet_header_and_help(tmp_path: Path) -> None:
    write_input_workbook(tmp_path / "book.xlsx")
    book = openpyxl.load_workbook(tmp_path / "book.xlsx")
    assert book.sheetnames == [HELP_SHEET, *LAYOUTS]
    for table, layout in LAYOUTS.items():
        header = [c.value for c in book[table][1]]
        assert header == list(layout.column_names), table
    # only the fields sheet is filled: the dropdowns of field_id list it
    assert [r for r in book["fields"].iter_rows(min_row=2, values_only=True)] == [
        (f.field_id, f.name) for f in DEFAULT_FIELDS
    ]
    assert book["students"].max_row == 1
    help_rows = list(book[HELP_SHEET].iter_rows(values_only=True))
    capacity = next(r for r in help_rows if r[:2] == ("offers", "capacity"))
    assert capacity[2:] == ("ja", "ganze Zahl, mindestens 0", *HELP[("offers", "capacity")])
    score = next(r for r in help_rows if r[:2] == ("interests", "score"))
    assert score[3] == "ganze Zahl, von 0 bis 100"
    lat = next(r for r in help_rows if r[:2] == ("schools", "lat"))
    assert lat[3] == "Zahl (Dezimalkomma oder -punkt), von -90 bis 90"
    kind = next(r for r in help_rows if r[:2] == ("offers", "kind"))
    assert kind[3] == "eine von: bfe, praktikum, praxiskurs, langzeit (Auswahlliste)"
    weekdays = next(r for r in help_rows if r[:2] == ("offers", "weekdays"))
    assert weekdays[2:4] == (
        "nein",
        "Liste der Wochentage mo, di, mi, do, fr, mit | getrennt (Auswahlliste)",
    )
    participants = next(r for r in help_rows if r[:2] == ("participants", "kind"))
    assert participants[2:4] == ("ja", "eine von: praxiskurs, langzeit (Auswahlliste)")
    end = next(r for r in help_rows if r[:2] == ("offers", "end_date"))
    assert end[2:4] == ("nein", "Datum, TT.MM.JJJJ (auch JJJJ-MM-TT)")


def test_dropdowns_and_formats(tmp_path: Path) -> None:
    write_input_workbook(tmp_path / "book.xlsx")
    book = openpyxl.load_workbook(tmp_path / "book.xlsx")
    offers = book["offers"]
    lists = {
        str(v.sqref): v.formula1 for v in offers.data_validations.dataValidation if v.type == "list"
    }
    # columns: offer_id A, company_id B, field_id C, kind D, start_date E, ...
    assert lists["C2:C1048576"] == "fields!$A$2:$A$500"
    assert lists["D2:D1048576"] == '"bfe,praktikum,praxiskurs,langzeit"'
    # weekdays K: every list Monday first, 31 of them within Excel's 255 characters
    weekdays = lists["K2:K1048576"]
    assert weekdays.startswith('"mo,di,mi,do,fr,mo|di,mo|mi,')
    assert weekdays.endswith(',mo|di|mi|do|fr"')
    assert (weekdays.count(",") + 1, len(weekdays) - 2) == (31, 239)

    def choices(table: str) -> set[str]:
        found = book[table].data_validations.dataValidation
        return {v.formula1 for v in found if v.type == "list"}

    assert choices("companies") == {'"betrieb,traeger"'}
    assert choices("pairs") == {'"apart,together"'}
    assert choices("previous") == {
        '"bfe,praktikum,praxiskurs,langzeit"',
        "fields!$A$2:$A$500",
        '"locked,published"',
        weekdays,
    }
    assert choices("participants") == {'"praxiskurs,langzeit"'}
    capacity = next(v for v in offers.data_validations.dataValidation if "G2" in v.sqref)
    assert (capacity.type, capacity.operator, capacity.formula1) == (
        "whole",
        "greaterThanOrEqual",
        "0",
    )
    [score] = [v for v in book["interests"].data_validations.dataValidation if "C2" in v.sqref]
    assert (score.type, score.operator, score.formula1, score.formula2) == (
        "whole",
        "between",
        "0",
        "100",
    )
    assert offers.column_dimensions["E"].number_format == DATE_FORMAT  # start_date
    assert offers.column_dimensions["A"].number_format == "@"  # IDs stay text
    assert offers.column_dimensions["G"].number_format == "0"  # capacity


def test_empty_template_is_an_input_error_naming_each_sheet(tmp_path: Path) -> None:
    write_input_workbook(tmp_path / "book.xlsx")
    with pytest.raises(InputError) as info:
        check_input(tmp_path / "book.xlsx")
    assert [str(p) for p in info.value.problems] == [
        f"book.xlsx[{table}]: has no rows: nobody can be placed without them; "
        "fill in at least one row below the header"
        for table in ("calendar", "companies", "offers", "schools", "students")
    ]


def test_a_problem_reads_back_unchanged_with_real_cells(tmp_path: Path) -> None:
    problem = small_problem()
    write_input_workbook(tmp_path / "book.xlsx", problem)
    read, warnings = check_input(tmp_path / "book.xlsx")
    assert read == problem
    assert warnings == []
    offers = openpyxl.load_workbook(tmp_path / "book.xlsx")["offers"]
    start = offers["E2"]
    assert start.value == dt.datetime(2026, 11, 2)  # a date cell, not text
    assert start.number_format == DATE_FORMAT
    assert offers["G2"].value == 2  # a number
    assert offers["H2"].value == "10|9" or offers["H2"].value == "9|10"


def test_example_reads_back_as_the_example_directory(tmp_path: Path) -> None:
    # The solver is deterministic for a seed: the same problem gives the same
    # plan (the CLI test solves a small Kreis both ways to show it end to end).
    write_input_workbook(tmp_path / "example.xlsx", read_dir(EXAMPLE))
    read, _ = check_input(tmp_path / "example.xlsx")
    assert read == read_dir(EXAMPLE)
    # Every ID cell, filled or not, is formatted as text: typed over in Excel,
    # 0815 stays 0815.
    book = openpyxl.load_workbook(tmp_path / "example.xlsx")
    for table, column in ID_COLUMNS.items():
        if table == "priorities":
            continue  # the example keeps the default order: the sheet is empty
        sheet = book[table]
        k = [cell.value for cell in sheet[1]].index(column) + 1
        filled = [sheet.cell(row=r, column=k) for r in range(2, sheet.max_row + 1)]
        assert filled and {cell.number_format for cell in filled} == {"@"}, table


def test_priorities_sheet_has_a_level_dropdown_and_a_tolerance_range(tmp_path: Path) -> None:
    write_input_workbook(tmp_path / "book.xlsx")
    book = openpyxl.load_workbook(tmp_path / "book.xlsx")
    sheet = book["priorities"]
    assert [c.value for c in sheet[1]] == ["level", "tolerance"]
    assert sheet.max_row == 1  # empty: the default order applies
    found = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    level, tolerance = found["A2:A1048576"], found["B2:B1048576"]
    assert (level.type, level.formula1) == (
        "list",
        '"coverage,stability,fairness,wishes,together,interest,travel"',
    )
    assert (tolerance.type, tolerance.operator, tolerance.formula1, tolerance.formula2) == (
        "decimal",
        "between",
        "0",
        "50",
    )
    assert tolerance.error == "Bitte eine Zahl von 0 bis 50 eintragen."
    help_rows = list(book[HELP_SHEET].iter_rows(values_only=True))
    sheet_row = next(r for r in help_rows if r[:2] == ("priorities", None))
    assert sheet_row[2] == "Blatt: darf leer bleiben"
    assert "Standardreihenfolge coverage, stability, fairness, wishes, together" in sheet_row[4]
    assert "Beispiel" in sheet_row[4]
    tolerance_row = next(r for r in help_rows if r[:2] == ("priorities", "tolerance"))
    assert tolerance_row[2:4] == ("nein", "Zahl (Dezimalkomma oder -punkt), von 0 bis 50")


def test_priorities_read_back_from_the_workbook(tmp_path: Path) -> None:
    order = ("coverage", "stability", "wishes", "fairness", "together", "interest", "travel")
    priorities = tuple(
        Priority(level=level, tolerance=2 if level == "interest" else 0)  # type: ignore[arg-type]
        for level in order
    )
    problem = small_problem().model_copy(update={"priorities": priorities})
    write_input_workbook(tmp_path / "book.xlsx", problem)
    read, warnings = check_input(tmp_path / "book.xlsx")
    assert read == problem
    assert warnings == []
    sheet = openpyxl.load_workbook(tmp_path / "book.xlsx")["priorities"]
    assert [(r[0].value, r[1].value) for r in sheet.iter_rows(min_row=2)][4:6] == [
        ("together", 0),
        ("interest", 2),
    ]


def test_praxiskurs_langzeit_and_participants_read_back_unchanged(tmp_path: Path) -> None:
    from tests.solvers.test_new_kinds import bfe_and_praktikum, with_new_kinds

    problem = with_new_kinds(bfe_and_praktikum())
    write_input_workbook(tmp_path / "book.xlsx", problem)
    read, _ = check_input(tmp_path / "book.xlsx")
    assert read == problem
    book = openpyxl.load_workbook(tmp_path / "book.xlsx")
    assert [list(r) for r in book["participants"].iter_rows(values_only=True)] == [
        ["student_id", "kind"],
        ["p0", "praxiskurs"],
        ["p1", "praxiskurs"],
        ["p1", "langzeit"],
    ]
    assert book["offers"]["K5"].value == "di|do"  # weekdays, Monday first
