"""The command line: exit status, messages and files, as a planner meets them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kaoa_match.cli import main
from kaoa_match.io.write_problem import write_problem
from tests.solvers.test_bfe_instances import school

EXAMPLE = Path(__file__).parents[1] / "kaoa_match" / "data" / "example"


def _tiny_kreis(directory: Path) -> Path:
    import datetime as dt

    from kaoa_match.model import CalendarEntry, Company, Offer, Problem, Student

    day = dt.date(2026, 11, 4)
    problem = Problem(
        schools=[school("S")],
        students=[Student(student_id=f"s{i}", school_id="S", grade=8) for i in range(3)],
        companies=[Company(company_id="C", lat=51.46, lon=7.01)],
        offers=[
            Offer(offer_id="O", company_id="C", field_id="it", kind="bfe", start_date=day,
                  capacity=2),
        ],
        calendar=[CalendarEntry(school_id="S", kind="bfe", grade=8, start_date=day, days=1)],
    )  # fmt: skip
    write_problem(problem, directory)
    return directory


def test_solve_writes_the_plan_and_exits_0(tmp_path: Path) -> None:
    data = _tiny_kreis(tmp_path / "in")
    assert main(["solve", str(data), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["status"] == "optimal"
    assert summary["objectives"]["coverage"] == 2  # two places, three students
    unassigned = (tmp_path / "out" / "unassigned.csv").read_text().splitlines()
    assert len(unassigned) == 2  # header + the one student left without a place
    # the order the solver followed: the contract's default, interest within 1 %
    assert [(p["level"], p["tolerance"]) for p in summary["priorities"]] == [
        ("coverage", 0),
        ("stability", 0),
        ("fairness", 0),
        ("wishes", 0),
        ("together", 0),
        ("interest", 1),
        ("travel", 0),
    ]
    assert "priorities_requested" not in summary


def test_summary_json_names_the_priorities_of_the_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _tiny_kreis(tmp_path / "in")
    # as a German Excel saves it: `;` and a decimal comma
    (data / "priorities.csv").write_text(
        "level;tolerance\ncoverage;\nstability;\nwishes;\nfairness;\ninterest;2,5\n"
        "together;\ntravel;\n"
    )
    order = ["coverage", "stability", "wishes", "fairness", "interest", "together", "travel"]
    assert main(["solve", str(data), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    assert "warning" not in capsys.readouterr().err
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    # the order the solver followed is the input's
    assert summary["priorities"] == [
        {"level": level, "tolerance": 2.5 if level == "interest" else 0} for level in order
    ]
    assert "priorities_requested" not in summary
    assert list(summary["level_status"]) == order  # the levels in that order


def test_invalid_input_exits_2_lists_every_problem_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _tiny_kreis(tmp_path / "in")
    students = data / "students.csv"
    lines = students.read_text().splitlines()
    lines[1] = lines[1].replace(",8,", ",acht,")
    lines[2] = lines[2].replace(",S,", ",NOPE,")
    students.write_text("\n".join(lines) + "\n")
    code = main(["solve", str(data), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert 'students.csv:2: grade: "acht" is not a whole number' in err
    assert 'students.csv:3: school_id: unknown school_id "NOPE"' in err
    assert not (tmp_path / "out").exists()


def test_output_over_foreign_files_exits_1_and_keeps_them(tmp_path: Path) -> None:
    data = _tiny_kreis(tmp_path / "in")
    assert main(["solve", str(data), "--out", str(data), "--quiet"]) == 1
    assert (data / "students.csv").exists()


def test_validate_prints_the_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "Students per school and grade" in out
    assert "Praxiskurse: seats and participants who may take each course" in out
    assert "Langzeitpraktikum per weekday" in out
    assert (
        "Order of the levels, highest first (the default)\n"
        "  coverage > stability > fairness > wishes > together > interest (tolerance 1 %)"
        " > travel"
    ) in out


def test_generate_writes_a_valid_kreis(tmp_path: Path) -> None:
    assert main(["generate", str(tmp_path / "k"), "--students", "60", "--seed", "3"]) == 0
    assert main(["validate", str(tmp_path / "k")]) == 0


def test_generate_adds_the_kinds_asked_for(tmp_path: Path) -> None:
    out = tmp_path / "k"
    argv = ["generate", str(out), "--preset", "langzeit-dienstag", "--kinds", "langzeit"]
    assert main(argv) == 0
    kinds = {line.split(",")[1] for line in (out / "participants.csv").read_text().split()[1:]}
    assert kinds == {"langzeit"}
    assert main(["validate", str(out)]) == 0
    assert main(["generate", str(out), "--preset", "langzeit-dienstag", "--kinds", "none"]) == 0
    assert not (out / "participants.csv").exists()
    assert main(["generate", str(tmp_path / "n"), "--preset", "nrw", "--kinds", "langzeit"]) == 2


def test_example_is_shipped_complete(tmp_path: Path) -> None:
    copy = shutil.copytree(EXAMPLE, tmp_path / "example")
    names = sorted(p.name for p in copy.iterdir())
    for required in ("calendar.csv", "companies.csv", "offers.csv", "schools.csv", "students.csv"):
        assert required in names
    assert "participants.csv" in names  # all four kinds since issue 26


def test_generate_nrw_writes_every_kreis_and_refuses_cohort_sizes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "nrw"
    assert main(["generate", str(out), "--preset", "nrw", "--scale", "0.001", "--seed", "1"]) == 0
    # 53 Kreise of 40 students each: the smallest cohort a scaled Kreis keeps.
    assert "wrote 53 Kreise: 2120 students, " in capsys.readouterr().err
    assert len([p for p in out.iterdir() if p.is_dir()]) == 53
    assert (out / "kreise.csv").read_text().count("\n") == 54
    assert main(["validate", str(out / "05315-koeln")]) == 0

    other = str(tmp_path / "other")
    assert main(["generate", other, "--preset", "nrw", "--students", "100"]) == 2
    assert "--students and --praktikum do not apply to --preset nrw" in capsys.readouterr().err
    assert main(["generate", other, "--preset", "koeln", "--scale", "0.5"]) == 2
    assert "--scale applies only to --preset nrw" in capsys.readouterr().err
    assert main(["generate", other, "--preset", "nrw", "--scale", "2"]) == 2
    assert not (tmp_path / "other").exists()


# --- a workbook as input (data contract: "one directory (or one workbook)") -------


def test_template_then_validate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = tmp_path / "kreis.xlsx"
    assert main(["template", str(book)]) == 0
    assert main(["template", str(book)]) == 1  # a filled-in workbook is never overwritten
    said = " ".join(capsys.readouterr().err.split())  # rich wraps long lines
    assert "kreis.xlsx exists; give another name, or --force to replace it" in said
    # the empty template as handed in: every required sheet has no rows
    assert main(["validate", str(book)]) == 2
    assert "kreis.xlsx[students]: has no rows" in capsys.readouterr().err
    assert main(["template", str(book), "--example", "--force"]) == 0
    assert main(["validate", str(book)]) == 0
    assert "Students per school and grade" in capsys.readouterr().out
    assert main(["template", str(tmp_path / "kreis.csv")]) == 2
    assert main(["template", str(tmp_path / "new" / "dir" / "kreis.xlsx")]) == 0
    (tmp_path / "odd.xlsx").mkdir()
    assert main(["template", str(tmp_path / "odd.xlsx"), "--force"]) == 1


def test_solve_a_workbook_gives_the_plan_of_the_directory(tmp_path: Path) -> None:
    # The same generated Kreis as a directory and as one workbook, solved to
    # the optimum with one worker and a fixed seed: the same plan, row for row.
    kreis = ["--students", "40", "--praktikum", "10", "--seed", "3"]
    assert main(["generate", str(tmp_path / "kreis"), *kreis]) == 0
    assert main(["generate", str(tmp_path / "kreis.xlsx"), "--xlsx", *kreis]) == 0
    for source, out in (("kreis", "a"), ("kreis.xlsx", "b")):
        args = ["solve", str(tmp_path / source), "--out", str(tmp_path / out)]
        assert main([*args, "--workers", "1", "--seed", "0", "--quiet"]) == 0
    plan = (tmp_path / "a" / "assignments.csv").read_text()
    assert plan.count("\n") > 40
    assert (tmp_path / "b" / "assignments.csv").read_text() == plan
    summary = json.loads((tmp_path / "b" / "summary.json").read_text())
    assert summary["input"] == str((tmp_path / "kreis.xlsx").resolve())
    # explain and report find the workbook through summary.json, or --input
    student = plan.splitlines()[1].split(",")[0]
    assert main(["explain", str(tmp_path / "b"), student]) == 0
    assert main(["report", str(tmp_path / "b"), "--input", str(tmp_path / "kreis.xlsx")]) == 0


def test_solve_names_the_workbook_cells_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import openpyxl

    book = tmp_path / "book.xlsx"
    assert main(["generate", str(book), "--xlsx", "--students", "20", "--praktikum", "0"]) == 0
    sheets = openpyxl.load_workbook(book)
    sheets["offers"]["G5"] = "=A1+1"  # capacity, as a program writes it: no saved value
    sheets["students"]["C3"] = "acht"
    sheets.save(book)
    assert main(["solve", str(book), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "book.xlsx[offers]:5: capacity: formula =A1+1 has no saved value; " in err
    assert 'book.xlsx[students]:3: grade: "acht" is not a whole number' in err
    assert not (tmp_path / "out").exists()


def test_not_a_directory_nor_a_workbook(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "plan.txt").write_bytes(b"PK\x03\x04")
    assert main(["validate", str(tmp_path / "plan.txt")]) == 2
    err = capsys.readouterr().err
    assert "plan.txt: is neither an input directory nor an Excel workbook (.xlsx)" in err


def test_generate_xlsx_refuses_what_it_cannot_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["generate", str(tmp_path / "k"), "--xlsx"]) == 2
    assert "give OUT as a .xlsx file name" in capsys.readouterr().err
    assert main(["generate", str(tmp_path / "k.xlsx"), "--xlsx", "--german"]) == 2
    assert main(["generate", str(tmp_path / "n.xlsx"), "--xlsx", "--preset", "nrw"]) == 2
    assert not list(tmp_path.iterdir())


def test_several_kreise_from_a_directory_and_a_workbook(tmp_path: Path) -> None:
    from kaoa_match.io.input_workbook import write_input_workbook
    from kaoa_match.io.read import read_dir

    directory = _tiny_kreis(tmp_path / "olpe")
    write_input_workbook(tmp_path / "siegen.xlsx", read_dir(directory))
    out = tmp_path / "plans"
    args = ["solve", str(directory), str(tmp_path / "siegen.xlsx"), "--out", str(out)]
    assert main([*args, "--jobs", "1", "--quiet"]) == 0
    for name, source in (("olpe", directory), ("siegen", tmp_path / "siegen.xlsx")):
        summary = json.loads((out / name / "summary.json").read_text())
        assert summary["objectives"]["coverage"] == 2
        assert summary["input"] == str(source.resolve())
    plan = (out / "olpe" / "assignments.csv").read_text()
    assert (out / "siegen" / "assignments.csv").read_text() == plan


# Every option that takes a value, with values it cannot take: the command stops
# before it reads anything, exit 2, one line naming the option and the range.
_BAD_OPTIONS = [
    ("solve IN --out OUT", "--time-limit", ["0", "-5", "abc", "nan", "inf"], "seconds > 0"),
    ("solve IN --out OUT", "--workers", ["0", "-1", "1.5"], ">= 1"),
    ("solve IN --out OUT", "--jobs", ["0", "-2"], ">= 1"),
    ("solve IN --out OUT", "--seed", ["-1", "2147483648", "x"], "0 to 2147483647"),
    ("solve IN --out OUT", "--max-options", ["-5", "many"], ">= 0"),
    ("solve IN --out OUT", "--executor", ["threads"], "invalid choice"),
    ("solve IN --out OUT", "--lang", ["fr"], "invalid choice"),
    ("generate OUT", "--preset", ["atlantis"], "invalid choice"),
    ("generate OUT --preset nrw", "--scale", ["0", "1.5", "-1", "x"], "> 0 and <= 1"),
    ("generate OUT", "--students", ["-1", "ten"], ">= 0"),
    ("generate OUT", "--praktikum", ["-1"], ">= 0"),
    ("generate OUT", "--seed", ["-1"], "0 to 2147483647"),
    ("generate OUT", "--kinds", ["bfe", "langzeit,sa", ","], "praxiskurs, langzeit"),
    ("recommend IN --plan OUT S1", "--top", ["0", "-3"], ">= 1"),
    ("recommend IN --plan OUT S1", "--seed", ["-1"], "0 to 2147483647"),
    ("recommend IN --plan OUT S1", "--lang", ["xx"], "invalid choice"),
    ("report OUT", "--lang", ["english"], "invalid choice"),
    ("explain OUT S1", "--lang", ["EN"], "invalid choice"),
]


@pytest.mark.parametrize(
    ("command", "option", "value", "allowed"),
    [(c, o, v, a) for c, o, values, a in _BAD_OPTIONS for v in values],
)
def test_an_impossible_option_value_is_a_one_line_usage_error(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    command: str,
    option: str,
    value: str,
    allowed: str,
) -> None:
    argv = [str(tmp_path / "x") if word in ("IN", "OUT") else word for word in command.split()]
    assert main([*argv, f"{option}={value}"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"argument {option}" in err and allowed in err
    assert repr(value) in err
    assert not (tmp_path / "x").exists()


def test_help_gives_the_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    for command, defaults in (
        ("solve", ["until every level is proven best", "default 400000", "default 2"]),
        ("recommend", ["default 5", "default 0"]),
    ):
        assert main([command, "--help"]) == 0
        text = " ".join(capsys.readouterr().out.split())
        assert all(d in text for d in defaults), command


def test_previous_takes_the_plan_folder_or_its_assignments(tmp_path: Path) -> None:
    source = _tiny_kreis(tmp_path / "in")
    assert main(["solve", str(source), "--out", str(tmp_path / "first")]) == 0
    for previous in (tmp_path / "first", tmp_path / "first" / "assignments.csv"):
        out = tmp_path / f"again-{previous.name}"
        assert main(["solve", str(source), "--out", str(out), "--previous", str(previous)]) == 0
        summary = json.loads((out / "summary.json").read_text())
        assert summary["objectives"]["stability"] == 2  # both published rows kept
        assert (out / "changes.csv").is_file()
        assert main(["explain", str(out), "s0"]) == 0


def test_warnings_come_before_the_search_and_say_where_the_rest_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kaoa_match.io.read import read_dir
    from kaoa_match.model import Wish

    source = _tiny_kreis(tmp_path / "in")
    problem = read_dir(source)
    wishes = [Wish(student_id=f"s{i % 3}", rank=1 + i // 3, field_id="bau") for i in range(12)]
    write_problem(problem.model_copy(update={"wishes": tuple(wishes)}), source)
    assert main(["solve", str(source), "--out", str(tmp_path / "plan")]) == 0
    err = capsys.readouterr().err
    assert err.index("can never be granted") < err.index("warm start") < err.index("coverage ")
    assert f"... and 2 more warnings: python -m kaoa_match validate {source} lists them all" in err
    assert main(["validate", str(source)]) == 0
    assert capsys.readouterr().err.count("can never be granted") == 12
