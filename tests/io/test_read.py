"""read_dir / check_dir / read_previous / read_xlsx on small hand-written files."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest

from kaoa_match.exceptions import InputError, InputProblem, InputWarning
from kaoa_match.io import check_dir, read_dir, read_previous, read_xlsx
from kaoa_match.model import (
    DEFAULT_FIELDS,
    DEFAULT_PRIORITIES,
    Berufsfeld,
    CalendarEntry,
    Company,
    Offer,
    PreviousAssignment,
    Problem,
    School,
    Student,
    TravelTime,
)

if TYPE_CHECKING:
    from pathlib import Path

D = dt.date

# A small valid Kreis as a planner would type it: ISO dates, `,`.
FILES = {
    "schools.csv": """\
school_id,name,school_type,lat,lon,max_travel_min
S1,"Gesamtschule Nord, Dortmund",Gesamtschule,51.5,7.4,
S2,Realschule Süd,Realschule,51.4,7.5,50
""",
    "students.csv": """\
student_id,school_id,grade,birth_date,home_lat,home_lon,max_travel_min,needs,qualifications
ST1,S1,8,2012-03-01,,,,,
ST2,S1,9,2011-05-02,51.51,7.41,30,barrierefrei,ifsg | erste-hilfe
ST3,S2,8,,,,,,
""",
    "companies.csv": """\
company_id,name,lat,lon,provider_type,provides,requires,min_age
C1,Bäckerei Schmidt,51.5,7.45,betrieb,,ifsg,14
C2,Bildungswerk,51.45,7.5,traeger,barrierefrei,,
""",
    "offers.csv": """\
offer_id,company_id,field_id,kind,start_date,end_date,capacity,grades,school_types
O1,C1,dienstleistung,bfe,2026-11-02,2026-11-06,2,8,
O2,C2,it,praktikum,2027-01-11,2027-01-29,3,9,Gesamtschule|Realschule
""",
    "calendar.csv": """\
school_id,kind,grade,start_date,end_date,days
S1,bfe,8,2026-11-03,,
S1,bfe,8,2026-11-04,2026-11-06,
S2,bfe,8,2026-11-02,2026-11-06,3
S1,praktikum,9,2027-01-11,2027-01-22,10
""",
    "travel.csv": """\
origin_id,company_id,minutes
ST2,C1,12.5
S2,C2,20
""",
}

# The same Kreis as a German Excel saves it: `;`, decimal comma, DD.MM.YYYY.
GERMAN = {
    "schools.csv": """\
school_id;name;school_type;lat;lon;max_travel_min
S1;Gesamtschule Nord, Dortmund;Gesamtschule;51,5;7,4;
S2;Realschule Süd;Realschule;51,4;7,5;50
""",
    "students.csv": """\
student_id;school_id;grade;birth_date;home_lat;home_lon;max_travel_min;needs;qualifications
ST1;S1;8;01.03.2012;;;;;
ST2;S1;9;02.05.2011;51,51;7,41;30;barrierefrei;ifsg|erste-hilfe
ST3;S2;8;;;;;;
""",
    "companies.csv": """\
company_id;name;lat;lon;provider_type;provides;requires;min_age
C1;Bäckerei Schmidt;51,5;7,45;betrieb;;ifsg;14
C2;Bildungswerk;51,45;7,5;traeger;barrierefrei;;
""",
    "offers.csv": """\
offer_id;company_id;field_id;kind;start_date;end_date;capacity;grades;school_types
O1;C1;dienstleistung;bfe;02.11.2026;06.11.2026;2;8;
O2;C2;it;praktikum;11.01.2027;29.01.2027;3;9;Gesamtschule|Realschule
""",
    "calendar.csv": """\
school_id;kind;grade;start_date;end_date;days
S1;bfe;8;03.11.2026;;
S1;bfe;8;04.11.2026;06.11.2026;
S2;bfe;8;02.11.2026;06.11.2026;3
S1;praktikum;9;11.01.2027;22.01.2027;10
""",
    "travel.csv": """\
origin_id;company_id;minutes
ST2;C1;12,5
S2;C2;20
""",
}

EXPECTED = Problem(
    schools=(
        School(
            school_id="S1",
            name="Gesamtschule Nord, Dortmund",
            school_type="Gesamtschule",
            lat=51.5,
            lon=7.4,
        ),
        School(
            school_id="S2",
            name="Realschule Süd",
            school_type="Realschule",
            lat=51.4,
            lon=7.5,
            max_travel_min=50,
        ),
    ),
    students=(
        Student(student_id="ST1", school_id="S1", grade=8, birth_date=D(2012, 3, 1)),
        Student(
            student_id="ST2",
            school_id="S1",
            grade=9,
            birth_date=D(2011, 5, 2),
            home_lat=51.51,
            home_lon=7.41,
            max_travel_min=30,
            needs=frozenset({"barrierefrei"}),
            qualifications=frozenset({"ifsg", "erste-hilfe"}),
        ),
        Student(student_id="ST3", school_id="S2", grade=8),
    ),
    companies=(
        Company(
            company_id="C1",
            name="Bäckerei Schmidt",
            lat=51.5,
            lon=7.45,
            requires=frozenset({"ifsg"}),
            min_age=14,
        ),
        Company(
            company_id="C2",
            name="Bildungswerk",
            lat=51.45,
            lon=7.5,
            provider_type="traeger",
            provides=frozenset({"barrierefrei"}),
        ),
    ),
    offers=(
        Offer(
            offer_id="O1",
            company_id="C1",
            field_id="dienstleistung",
            kind="bfe",
            start_date=D(2026, 11, 2),
            end_date=D(2026, 11, 6),
            capacity=2,
            grades=frozenset({8}),
        ),
        Offer(
            offer_id="O2",
            company_id="C2",
            field_id="it",
            kind="praktikum",
            start_date=D(2027, 1, 11),
            end_date=D(2027, 1, 29),
            capacity=3,
            grades=frozenset({9}),
            school_types=frozenset({"Gesamtschule", "Realschule"}),
        ),
    ),
    calendar=(
        CalendarEntry(school_id="S1", kind="bfe", grade=8, start_date=D(2026, 11, 3)),
        CalendarEntry(
            school_id="S1",
            kind="bfe",
            grade=8,
            start_date=D(2026, 11, 4),
            end_date=D(2026, 11, 6),
        ),
        CalendarEntry(
            school_id="S2",
            kind="bfe",
            grade=8,
            start_date=D(2026, 11, 2),
            end_date=D(2026, 11, 6),
            days=3,
        ),
        CalendarEntry(
            school_id="S1",
            kind="praktikum",
            grade=9,
            start_date=D(2027, 1, 11),
            end_date=D(2027, 1, 22),
            days=10,
        ),
    ),
    travel=(
        TravelTime(origin_id="ST2", company_id="C1", minutes=12.5),
        TravelTime(origin_id="S2", company_id="C2", minutes=20),
    ),
)


def write(directory: Path, files: dict[str, str], **changes: str | None) -> Path:
    """Write ``files`` with ``changes`` (file stem -> text, None = leave out)."""
    merged: dict[str, str | None] = {**files, **{f"{k}.csv": v for k, v in changes.items()}}
    for name, text in merged.items():
        if text is not None:
            (directory / name).write_text(text, encoding="utf-8")
    return directory


def problems_of(directory: Path) -> list[str]:
    with pytest.raises(InputError) as info:
        check_dir(directory)
    return [str(p) for p in info.value.problems]


# --- reading valid input ---------------------------------------------------


def test_reads_a_valid_directory(tmp_path: Path) -> None:
    problem, warnings = check_dir(write(tmp_path, FILES))
    assert problem == EXPECTED
    assert problem.fields == DEFAULT_FIELDS  # no fields.csv
    assert warnings == []


def test_german_excel_export_reads_the_same(tmp_path: Path) -> None:
    for name, text in GERMAN.items():
        # Excel: BOM and CRLF line ends
        (tmp_path / name).write_bytes(text.replace("\n", "\r\n").encode("utf-8-sig"))
    problem, warnings = check_dir(tmp_path)
    assert problem == EXPECTED
    assert warnings == []


def test_bom_and_whitespace_and_empty_lines(tmp_path: Path) -> None:
    write(tmp_path, FILES)
    text = "\ufeff school_id , name,school_type,lat,lon\n\n S1 , Nord , GE ,51.5, 7.4\n,,,,\n"
    (tmp_path / "schools.csv").write_text(text + "S2,Süd,RS,51.4,7.5\n", encoding="utf-8")
    problem, _ = check_dir(tmp_path)
    assert problem.schools == (
        School(school_id="S1", name="Nord", school_type="GE", lat=51.5, lon=7.4),
        School(school_id="S2", name="Süd", school_type="RS", lat=51.4, lon=7.5),
    )


def test_decimal_comma_in_a_comma_file_when_quoted(tmp_path: Path) -> None:
    write(tmp_path, FILES, travel='origin_id,company_id,minutes\nST2,C1,"12,5"\n')
    problem, _ = check_dir(tmp_path)
    assert problem.travel == (TravelTime(origin_id="ST2", company_id="C1", minutes=12.5),)


def test_windows_1252_file_is_read_with_a_warning(tmp_path: Path) -> None:
    write(tmp_path, FILES, travel=None)
    text = "company_id,name,lat,lon,provider_type\nC1,Bäckerei Müßig,51.5,7.45,betrieb\n"
    (tmp_path / "companies.csv").write_bytes(text.encode("cp1252"))
    (tmp_path / "offers.csv").write_text(FILES["offers.csv"].replace("C2", "C1"))
    problem, warnings = check_dir(tmp_path)
    assert problem.companies[0].name == "Bäckerei Müßig"
    assert [str(w) for w in warnings] == [
        "companies.csv: not UTF-8; read as Windows-1252 (old Excel); please save as CSV UTF-8"
    ]


def test_optional_columns_may_be_missing_and_lists_are_split(tmp_path: Path) -> None:
    students = "student_id,school_id,grade,needs\nST1,S1,8, a | b||c \nST3,S2,8,\n"
    problem, _ = check_dir(write(tmp_path, FILES, students=students, travel=None))
    assert problem.students == (
        Student(student_id="ST1", school_id="S1", grade=8, needs=frozenset({"a", "b", "c"})),
        Student(student_id="ST3", school_id="S2", grade=8),
    )


def test_unknown_column_and_extra_cells_are_warnings(tmp_path: Path) -> None:
    schools = "school_id,name,school_type,lat,lon,bemerkung\nS1,N,GE,51,7,x,y\nS2,S,RS,51,7\n"
    _, warnings = check_dir(write(tmp_path, FILES, schools=schools))
    assert [str(w) for w in warnings] == [
        "schools.csv:1: bemerkung: unknown column, ignored",
        "schools.csv:2: row has 7 cells, the header 6; extra ignored",
    ]


def test_fields_csv_replaces_the_defaults(tmp_path: Path) -> None:
    fields = "field_id,name\ndienstleistung,Handel\nit,IT\n"
    problem, _ = check_dir(write(tmp_path, FILES, fields=fields))
    assert problem.fields == (
        Berufsfeld(field_id="dienstleistung", name="Handel"),
        Berufsfeld(field_id="it", name="IT"),
    )


def test_enum_values_ignore_case(tmp_path: Path) -> None:
    calendar = "school_id,kind,grade,start_date\nS1,BFE,8,2026-11-03\nS2,Bfe,8,2026-11-03\n"
    problem, _ = check_dir(write(tmp_path, FILES, calendar=calendar))
    assert {e.kind for e in problem.calendar} == {"bfe"}


def test_read_dir_issues_warnings(tmp_path: Path) -> None:
    schools = FILES["schools.csv"].replace("max_travel_min", "max_travel_min,x")
    with pytest.warns(InputWarning, match=r"schools.csv:1: x: unknown column, ignored"):
        problem = read_dir(write(tmp_path, FILES, schools=schools))
    assert problem == EXPECTED


# --- errors -------------------------------------------------------------------


def test_missing_required_file_without_cascades(tmp_path: Path) -> None:
    # without schools.csv every student's school_id would be unknown: not reported
    assert problems_of(write(tmp_path, FILES, schools=None)) == [
        "schools.csv: required file is missing"
    ]


def test_missing_required_column(tmp_path: Path) -> None:
    students = "student_id,school_id,birth_date\nST1,S1,2012-01-01\n"
    interests = "student_id,field_id,score\nST1,it,50\n"
    assert problems_of(write(tmp_path, FILES, students=students, interests=interests)) == [
        "students.csv:1: grade: required column is missing"
    ]


def test_empty_file_and_not_a_directory(tmp_path: Path) -> None:
    assert problems_of(write(tmp_path, FILES, offers="")) == [
        "offers.csv:1: file is empty (the header line is missing)"
    ]
    with pytest.raises(InputError, match="is not a directory"):
        check_dir(tmp_path / "nowhere")


def test_cell_messages_name_the_value_unless_personal(tmp_path: Path) -> None:
    students = """\
student_id,school_id,grade,birth_date,home_lat,home_lon,max_travel_min
ST1,S1,acht,2012-02-30,95.5,7,-5
ST2,,9,1.2.2011,51,lon,30
ST3,S2,8.5,14/10/2011,"51,5",7,
"""
    withheld = "(value withheld: personal data)"
    assert problems_of(write(tmp_path, FILES, students=students)) == [
        f"students.csv:2: birth_date: not an existing date {withheld}",
        'students.csv:2: grade: "acht" is not a whole number',
        f"students.csv:2: home_lat: not between -90 and 90 {withheld}",
        'students.csv:2: max_travel_min: "-5" is below 0',
        f"students.csv:3: home_lon: not a number {withheld}",
        "students.csv:3: school_id: value is missing",
        "students.csv:4: birth_date: not a date (write 2026-10-14 or 14.10.2026) " + withheld,
        'students.csv:4: grade: "8.5" is not a whole number',
    ]


def test_personal_values_never_appear_in_errors(tmp_path: Path) -> None:
    # Values that occur nowhere else in the files, so any leak would show.
    students = FILES["students.csv"].replace(
        "ST3,S2,8,,,,,,", "ST3,S2,8,2011-02-29,123.4567,7.5,,,"
    )
    interests = "student_id,field_id,score\nST1,it,987\nST2,it,12x3\n"
    with pytest.raises(InputError) as info:
        read_dir(write(tmp_path, FILES, students=students, interests=interests))
    text = str(info.value)
    for secret in ("2011-02-29", "29.02.2011", "123.4567", "123,4567", "987", "12x3"):
        assert secret not in text
    assert [str(p) for p in info.value.problems] == [
        "interests.csv:2: score: not between 0 and 100 (value withheld: personal data)",
        "interests.csv:3: score: not a whole number (value withheld: personal data)",
        "students.csv:4: birth_date: not an existing date (value withheld: personal data)",
        "students.csv:4: home_lat: not between -90 and 90 (value withheld: personal data)",
    ]


def test_enum_and_range_messages(tmp_path: Path) -> None:
    companies = """\
company_id,name,lat,lon,provider_type
C1,A,51,7,firma
C2,B,51,181,betrieb
"""
    offers = """\
offer_id,company_id,field_id,kind,start_date,capacity,grades
O1,C1,it,schnupper,2026-11-02,-1,8|neun
"""
    interests = "student_id,field_id,score\nST1,it,101\nST1,bau,1.5e1\n"
    pairs = "student_a,student_b,relation\nST1,ST3,zusammen\n"
    previous = "student_id,kind,offer_id,start_date,status\nST1,bfe,O1,2026-11-03,fest\n"
    travel = "origin_id,company_id,minutes\nST1,C1,-3\nST1,C1,inf\n"
    assert problems_of(
        write(
            tmp_path,
            FILES,
            companies=companies,
            offers=offers,
            interests=interests,
            pairs=pairs,
            previous=previous,
            travel=travel,
        )
    ) == [
        'companies.csv:2: provider_type: "firma" is not one of betrieb, traeger',
        'companies.csv:3: lon: "181" is not between -180 and 180',
        "interests.csv:2: score: not between 0 and 100 (value withheld: personal data)",
        'offers.csv:2: capacity: "-1" is below 0',
        'offers.csv:2: grades: "8|neun": "neun" is not a whole number',
        'offers.csv:2: kind: "schnupper" is not one of bfe, praktikum, praxiskurs, langzeit',
        'pairs.csv:2: relation: "zusammen" is not one of apart, together',
        'previous.csv:2: status: "fest" is not one of locked, published',
        'travel.csv:2: minutes: "-3" is below 0',
        'travel.csv:3: minutes: "inf" is not a number',
    ]


def test_dropped_rows_still_count_as_known_ids(tmp_path: Path) -> None:
    # ST1's row is broken; interests and pairs naming ST1 raise nothing more,
    # and neither do students of the broken school row S2 or offers of C1
    students = FILES["students.csv"].replace("ST1,S1,8,", "ST1,S1,x,")
    schools = FILES["schools.csv"].replace("Realschule,51.4", "Realschule,91")
    companies = FILES["companies.csv"].replace("betrieb", "")
    interests = "student_id,field_id,score\nST1,it,50\nST9,it,50\n"
    pairs = "student_a,student_b,relation\nST1,ST3,apart\n"
    directory = write(
        tmp_path,
        FILES,
        students=students,
        schools=schools,
        companies=companies,
        interests=interests,
        pairs=pairs,
    )
    assert problems_of(directory) == [
        "companies.csv:2: provider_type: value is missing",
        'interests.csv:3: student_id: unknown student_id "ST9" (not in students.csv)',
        'schools.csv:3: lat: "91" is not between -90 and 90',
        'students.csv:2: grade: "x" is not a whole number',
    ]


def test_every_problem_of_every_file_at_once(tmp_path: Path) -> None:
    schools = FILES["schools.csv"] + "S1,Doppelt,GE,51,7,\n"
    students = FILES["students.csv"] + "ST4,S7,8,,,,,,\nST5,S1,acht,,,,,,\n"
    calendar = FILES["calendar.csv"] + "S2,bfe,8,2026-10-20,,\nS2,bfe,8,2026-11-09,,2\n"
    offers = FILES["offers.csv"] + "O3,C9,zauberei,bfe,2026-11-02,2026-11-01,1,,\n"
    travel = FILES["travel.csv"] + "X1,C1,5\nST1,C1,fünf\n"
    directory = write(
        tmp_path,
        FILES,
        schools=schools,
        students=students,
        calendar=calendar,
        offers=offers,
        travel=travel,
        companies=None,
    )
    assert problems_of(directory) == [
        "calendar.csv:6: start_date: 2026-10-20 is not a working day (Herbstferien)",
        "calendar.csv:7: days: days 2 disagrees with days 3 on line 4 (bfe, school S2, grade 8)",
        "companies.csv: required file is missing",
        "offers.csv:4: end_date: 2026-11-01 is before start_date 2026-11-02",
        'offers.csv:4: field_id: unknown field_id "zauberei" '
        "(not a built-in Berufsfeld; list your own in fields.csv)",
        'schools.csv:4: school_id: duplicate school_id "S1" (first on line 2)',
        'students.csv:5: school_id: unknown school_id "S7" (not in schools.csv)',
        'students.csv:6: grade: "acht" is not a whole number',
        'travel.csv:4: origin_id: unknown origin_id "X1" (neither a student nor a school)',
        'travel.csv:5: minutes: "fünf" is not a number',
    ]


def test_line_numbers_count_physical_lines(tmp_path: Path) -> None:
    schools = 'school_id,name,school_type,lat,lon\nS1,"Schule\nam Park",GE,51,7\n\nS2,B,RS,x,7\n'
    assert problems_of(write(tmp_path, FILES, schools=schools)) == [
        'schools.csv:5: lat: "x" is not a number'
    ]


def test_error_message_lists_file_line_column(tmp_path: Path) -> None:
    students = FILES["students.csv"].replace("ST3,S2,8", "ST3,S2,acht")
    with pytest.raises(InputError) as info:
        read_dir(write(tmp_path, FILES, students=students))
    assert str(info.value) == 'students.csv:4: grade: "acht" is not a whole number'
    assert info.value.problems == [
        InputProblem("students.csv", 4, "grade", '"acht" is not a whole number')
    ]


# --- previous plans ---------------------------------------------------------

ASSIGNMENTS = """\
student_id,school_id,kind,offer_id,company_id,field_id,start_date,end_date,travel_min,score
ST1,S1,bfe,O1,C1,dienstleistung,2026-11-03,2026-11-03,12,80
ST3,S2,bfe,O1,C1,dienstleistung,2026-11-04,2026-11-04,9.5,
"""


def test_read_previous_without_status_is_published(tmp_path: Path) -> None:
    (tmp_path / "assignments.csv").write_text(ASSIGNMENTS)
    rows = read_previous(tmp_path / "assignments.csv")
    assert rows == (
        PreviousAssignment(
            student_id="ST1",
            school_id="S1",
            kind="bfe",
            offer_id="O1",
            company_id="C1",
            field_id="dienstleistung",
            start_date=D(2026, 11, 3),
            end_date=D(2026, 11, 3),
            travel_min=12,
            score=80,
        ),
        PreviousAssignment(
            student_id="ST3",
            school_id="S2",
            kind="bfe",
            offer_id="O1",
            company_id="C1",
            field_id="dienstleistung",
            start_date=D(2026, 11, 4),
            end_date=D(2026, 11, 4),
            travel_min=9.5,
        ),
    )


def test_read_previous_status_and_errors(tmp_path: Path) -> None:
    text = ASSIGNMENTS.replace("score\n", "score,status\n").replace(",80\n", ",80,locked\n")
    (tmp_path / "plan.csv").write_text(text + "ST2,S1,bfe,O1,C1,x,2026-11-31,,,,\n")
    with pytest.raises(InputError) as info:
        read_previous(tmp_path / "plan.csv")
    assert [str(p) for p in info.value.problems] == [
        'plan.csv:4: start_date: "2026-11-31" is not an existing date'
    ]
    (tmp_path / "plan.csv").write_text(text)
    assert [r.status for r in read_previous(tmp_path / "plan.csv")] == ["locked", "published"]


def test_check_dir_with_previous_file_names_it(tmp_path: Path) -> None:
    write(tmp_path, FILES)
    text = (
        ASSIGNMENTS.replace("score\n", "score,status\n") + "ST9,S1,bfe,O1,,,2026-11-05,,,,locked\n"
    )
    (tmp_path / "old.csv").write_text(text)
    with pytest.raises(InputError) as info:
        check_dir(tmp_path, previous=tmp_path / "old.csv")
    assert [str(p) for p in info.value.problems] == [
        'old.csv:4: student_id: locked row: student_id "ST9" is not in students.csv'
    ]
    with pytest.raises(InputError) as info:
        check_dir(tmp_path, previous=tmp_path / "gone.csv")
    assert [str(p) for p in info.value.problems] == [
        f"{tmp_path / 'gone.csv'}: previous plan is missing (give the folder of a plan or its "
        "assignments.csv)"
    ]
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError) as info:
        check_dir(tmp_path, previous=tmp_path / "empty")
    assert [str(p) for p in info.value.problems] == [
        f"{tmp_path / 'empty'}: is a folder without assignments.csv; give the folder of a plan "
        "or its assignments.csv"
    ]


def test_file_names_ignore_case(tmp_path: Path) -> None:
    write(tmp_path, FILES, students=None)
    (tmp_path / "Students.CSV").write_text(FILES["students.csv"])
    problem, _ = check_dir(tmp_path)
    assert problem == EXPECTED


# --- Excel workbooks ------------------------------------------------------------


def test_read_xlsx(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, text in FILES.items():
        sheet = book.create_sheet(name.removesuffix(".csv"))
        for line in text.splitlines():
            sheet.append(_excel_cells(line))
    book.save(tmp_path / "kreis.xlsx")
    with pytest.warns(InputWarning, match="kreis.xlsx.students.:1: x: unknown column"):
        assert read_xlsx(_add_column(tmp_path / "kreis.xlsx")) == EXPECTED

    book = openpyxl.load_workbook(tmp_path / "kreis.xlsx")
    book["students"]["C3"] = "acht"
    del book["calendar"]
    book.save(tmp_path / "kreis.xlsx")
    with pytest.raises(InputError) as info:
        read_xlsx(tmp_path / "kreis.xlsx")
    assert [str(p) for p in info.value.problems] == [
        "kreis.xlsx[calendar]: required sheet is missing",
        'kreis.xlsx[students]:3: grade: "acht" is not a whole number',
    ]


def _excel_cells(line: str) -> list[object]:
    """Cells as Excel stores them: numbers as numbers, dates as dates."""
    import csv

    cells: list[object] = []
    for text in next(csv.reader([line])):
        try:
            cells.append(dt.datetime.fromisoformat(text) if "-" in text[1:] else float(text))
        except ValueError:
            cells.append(text or None)
    return cells


def _add_column(path: Path) -> Path:
    import openpyxl

    book = openpyxl.load_workbook(path)
    book["students"]["Z1"] = "x"
    book.save(path)
    return path


def test_wishes_and_min_group_messages(tmp_path: Path) -> None:
    offers = """\
offer_id,company_id,field_id,kind,start_date,end_date,capacity,grades,school_types,min_group
O1,C1,dienstleistung,bfe,2026-11-02,2026-11-06,2,8,,3
O2,C2,it,praktikum,2027-01-11,2027-01-29,3,9,,2
"""
    wishes = """\
student_id,rank,offer_id,company_id,field_id
ST1,0,O1,,
ST1,2,O1,C1,
ST1,3,,,
ST3,1,O9,,
ST3,1,,C2,
ST9,4,,,it
ST3,2,,,handwerk
"""
    assert problems_of(write(tmp_path, FILES, offers=offers, wishes=wishes)) == [
        "offers.csv:2: min_group: min_group 3 is above capacity 2: the group could never run",
        "offers.csv:3: min_group: min_group 2 on a praktikum offer: a minimum group size is "
        "for bfe and praxiskurs offers only; leave the cell empty",
        'wishes.csv:2: rank: "0" is not between 1 and 5',
        "wishes.csv:3: offer_id: a wish names exactly one of offer_id, company_id, field_id "
        "(this row: offer_id, company_id)",
        "wishes.csv:4: offer_id: a wish names exactly one of offer_id, company_id, field_id "
        "(this row: none of them)",
        'wishes.csv:5: offer_id: unknown offer_id "O9" (not in offers.csv)',
        'wishes.csv:6: rank: second wish of rank 1 for student "ST3" (first on line 5)',
        'wishes.csv:7: student_id: unknown student_id "ST9" (not in students.csv)',
        'wishes.csv:8: field_id: unknown field_id "handwerk" (not a built-in Berufsfeld; '
        "list your own in fields.csv)",
    ]


def test_wishes_and_min_group_are_read(tmp_path: Path) -> None:
    offers = FILES["offers.csv"].replace("school_types\n", "school_types,min_group\n")
    offers = offers.replace("2,8,\n", "2,8,,2\n").replace("Realschule\n", "Realschule,\n")
    wishes = "student_id,rank,offer_id,company_id,field_id\nST1,1,,C2,\nST1,2,O1,,\n"
    problem, warnings = check_dir(write(tmp_path, FILES, offers=offers, wishes=wishes))
    assert warnings == []
    assert [o.min_group for o in problem.offers] == [2, None]
    assert [(w.rank, w.targets) for w in problem.wishes] == [
        (1, {"company_id": "C2"}),
        (2, {"offer_id": "O1"}),
    ]


# --- priorities ---------------------------------------------------------------


def test_priorities_are_read_in_their_order(tmp_path: Path) -> None:
    # a German Excel export: `;`, decimal comma, level names in any case
    priorities = """\
level;tolerance
Coverage;
stability;0
wishes;
fairness;
together;
interest;0,5
travel;
"""
    problem, warnings = check_dir(write(tmp_path, GERMAN, priorities=priorities))
    assert warnings == []
    assert [(p.level, p.tolerance) for p in problem.effective_priorities] == [
        ("coverage", 0),
        ("stability", 0),
        ("wishes", 0),
        ("fairness", 0),
        ("together", 0),
        ("interest", 0.5),
        ("travel", 0),
    ]


def test_without_priorities_the_default_order_applies(tmp_path: Path) -> None:
    problem, _ = check_dir(write(tmp_path, FILES))
    assert problem.priorities == ()
    assert problem.effective_priorities == DEFAULT_PRIORITIES
    # a file with only its header says nothing either
    problem, _ = check_dir(write(tmp_path, FILES, priorities="level,tolerance\n"))
    assert problem.effective_priorities == DEFAULT_PRIORITIES


def test_bad_priorities_are_all_reported_at_once(tmp_path: Path) -> None:
    # line 4: a tolerance of 80 %; line 5: not a number; line 7: interest twice;
    # line 8: a level no one knows, so travel is missing
    priorities = """\
level,tolerance
coverage,
fairness,0
stability,80
wishes,viel
interest,1
interest,2
reisezeit,
together,
"""
    assert problems_of(write(tmp_path, FILES, priorities=priorities)) == [
        'priorities.csv: level: level "travel" is missing: list each of the 7 levels once '
        "(coverage, stability, fairness, wishes, together, interest, travel)",
        'priorities.csv:4: tolerance: "80" is not between 0 and 50',
        'priorities.csv:5: tolerance: "viel" is not a number',
        'priorities.csv:7: level: duplicate level "interest" (first on line 6)',
        'priorities.csv:8: level: "reisezeit" is not one of coverage, stability, fairness, '
        "wishes, together, interest, travel",
    ]


def test_priorities_without_a_level_column(tmp_path: Path) -> None:
    priorities = "ziel,tolerance\ncoverage,0\n"
    assert problems_of(write(tmp_path, FILES, priorities=priorities)) == [
        "priorities.csv:1: level: required column is missing"
    ]


def test_priorities_sheet_of_a_workbook(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, text in FILES.items():
        sheet = book.create_sheet(name.removesuffix(".csv"))
        for line in text.splitlines():
            sheet.append(_excel_cells(line))
    sheet = book.create_sheet("priorities")
    sheet.append(["level", "tolerance"])
    for priority in reversed(DEFAULT_PRIORITIES):
        sheet.append([priority.level, priority.tolerance or None])
    sheet.append(["travel", 60])
    book.save(tmp_path / "kreis.xlsx")
    with pytest.raises(InputError) as info:
        read_xlsx(tmp_path / "kreis.xlsx")
    assert [str(p) for p in info.value.problems] == [
        'kreis.xlsx[priorities]:9: tolerance: "60" is not between 0 and 50',
    ]
    book["priorities"].delete_rows(9)
    book.save(tmp_path / "kreis.xlsx")
    assert read_xlsx(tmp_path / "kreis.xlsx").priorities == tuple(reversed(DEFAULT_PRIORITIES))


# --- Praxiskurs and Langzeitpraktikum (data contract v3) ----------------------

KINDS_OFFERS = """\
offer_id,company_id,field_id,kind,start_date,end_date,capacity,grades,school_types,min_group,weekdays
O1,C1,dienstleistung,bfe,2026-11-02,2026-11-06,2,8,,,
O2,C2,it,praktikum,2027-01-11,2027-01-29,3,9,Gesamtschule|Realschule,,
O3,C2,it,praxiskurs,2027-02-15,2027-02-17,12,9|10,,8,
O4,C1,dienstleistung,Langzeit,2026-11-02,2027-06-30,2,,,,DO|di
"""
KINDS_CALENDAR = """\
school_id,kind,grade,start_date,end_date,days,weekdays
S1,bfe,8,2026-11-03,,,
S1,bfe,8,2026-11-04,2026-11-06,,
S2,bfe,8,2026-11-02,2026-11-06,3,
S1,praktikum,9,2027-01-11,2027-01-22,10,
S1,praxiskurs,9,2027-02-01,2027-03-26,2,
S1,langzeit,9,2026-11-16,2027-05-28,,di | mi
"""
KINDS_PARTICIPANTS = """\
student_id,kind
ST2,praxiskurs
ST2,LANGZEIT
"""


def test_praxiskurs_langzeit_and_participants_are_read(tmp_path: Path) -> None:
    directory = write(
        tmp_path,
        FILES,
        offers=KINDS_OFFERS,
        calendar=KINDS_CALENDAR,
        participants=KINDS_PARTICIPANTS,
    )
    problem, warnings = check_dir(directory)
    assert warnings == []
    course, langzeit = problem.offers[2], problem.offers[3]
    assert (course.kind, course.min_group, course.weekdays) == ("praxiskurs", 8, frozenset())
    assert (langzeit.kind, langzeit.weekdays) == ("langzeit", frozenset({"di", "do"}))
    window, period = problem.calendar[4], problem.calendar[5]
    assert (window.kind, window.needed_days, window.allowed_weekdays) == (
        "praxiskurs",
        2,
        frozenset({"mo", "di", "mi", "do", "fr"}),
    )
    assert (period.kind, period.needed_days, period.weekdays) == (
        "langzeit",
        1,
        frozenset({"di", "mi"}),
    )
    assert [(p.student_id, p.kind) for p in problem.participants] == [
        ("ST2", "praxiskurs"),
        ("ST2", "langzeit"),
    ]


def test_praxiskurs_and_langzeitpraktikum_messages(tmp_path: Path) -> None:
    offers = """\
offer_id,company_id,field_id,kind,start_date,end_date,capacity,grades,school_types,min_group,weekdays
O1,C1,dienstleistung,bfe,2026-11-02,2026-11-06,2,8,,,mo
O2,C2,it,praktikum,2027-01-11,2027-01-29,3,9,,,
O3,C2,it,praxiskurs,2027-02-15,2027-02-17,12,,,13,
O4,C1,dienstleistung,langzeit,2026-11-02,2027-06-30,2,,,2,di
O5,C1,dienstleistung,langzeit,2026-11-02,2027-06-30,2,,,,mo|sa
O6,C1,dienstleistung,langzeit,2026-11-02,2027-06-30,2,,,,
"""
    calendar = """\
school_id,kind,grade,start_date,end_date,days,weekdays
S1,bfe,8,2026-11-03,,,
S2,bfe,8,2026-11-02,2026-11-06,3,
S1,praktikum,9,2027-01-11,2027-01-22,10,di
S1,praxiskurs,9,2027-02-01,2027-03-26,,
S1,praxiskurs,9,2027-04-12,2027-04-30,,
S1,langzeit,9,2026-11-16,2027-05-28,3,
S2,langzeit,8,2026-11-16,2027-05-28,2,fr
"""
    participants = """\
student_id,kind
ST2,praxiskurs
ST1,bfe
ST3,Praktikum
ST9,langzeit
ST2,sport
"""
    directory = write(tmp_path, FILES, offers=offers, calendar=calendar, participants=participants)
    assert problems_of(directory) == [
        "calendar.csv:4: weekdays: weekdays di on a praktikum calendar row: weekdays are "
        "for langzeit rows only; leave the cell empty",
        "calendar.csv:6: kind: second praxiskurs row for school S1 grade 9 (first on line 5)",
        "calendar.csv:7: days: days 3 on a langzeit row: a Langzeitpraktikum is 1 or 2 days a week",
        "calendar.csv:8: days: days 2 on a langzeit row, but the school allows only fr: "
        "list at least 2 weekdays",
        "offers.csv:2: weekdays: weekdays mo on a bfe offer: weekdays are for langzeit rows "
        "only; leave the cell empty",
        "offers.csv:4: min_group: min_group 13 is above capacity 12: the group could never run",
        "offers.csv:5: min_group: min_group 2 on a langzeit offer: a minimum group size is "
        "for bfe and praxiskurs offers only; leave the cell empty",
        'offers.csv:6: weekdays: "mo|sa": "sa" is not a weekday (write mo, di, mi, do, fr)',
        "offers.csv:7: weekdays: a langzeit offer needs weekdays: the days the company "
        "takes Langzeitpraktikum students, e.g. di|do",
        'participants.csv:3: kind: "bfe" is not a kind to list here: every student whose '
        "school and grade have a bfe calendar row takes part; participants.csv lists "
        "praxiskurs and langzeit only",
        'participants.csv:4: kind: "Praktikum" is not a kind to list here: every student '
        "whose school and grade have a praktikum calendar row takes part; participants.csv "
        "lists praxiskurs and langzeit only",
        'participants.csv:5: student_id: unknown student_id "ST9" (not in students.csv)',
        'participants.csv:6: kind: "sport" is not one of praxiskurs, langzeit',
    ]


def test_praxiskurs_and_langzeitpraktikum_warnings(tmp_path: Path) -> None:
    offers = KINDS_OFFERS + (
        "O5,C1,dienstleistung,langzeit,2027-01-04,2027-06-30,2,,,,di\n"
        "O6,C2,it,langzeit,2026-09-01,2027-06-30,1,,,,fr\n"
    )
    participants = "student_id,kind\nST2,praxiskurs\nST1,langzeit\nST2,praxiskurs\n"
    directory = write(
        tmp_path, FILES, offers=offers, calendar=KINDS_CALENDAR, participants=participants
    )
    _, warnings = check_dir(directory)
    assert [str(w) for w in warnings] == [
        "offers.csv:6: start_date: no school's Langzeitpraktikum period lies within "
        "2027-01-04 to 2027-06-30: nobody can take this offer",
        "offers.csv:7: weekdays: no school whose Langzeitpraktikum period lies within "
        "2026-09-01 to 2027-06-30 allows enough of the weekdays fr: nobody can take this offer",
        'participants.csv:3: kind: student "ST1" takes part in langzeit, but school S1 has '
        "no langzeit calendar row for grade 8: nothing to place",
        'participants.csv:4: student_id: student "ST2" is listed for praxiskurs twice '
        "(first on line 2)",
    ]
