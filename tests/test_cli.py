"""The command line: exit status, messages and files, as a planner meets them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from kaoa_match.cli import main
from kaoa_match.io.write_problem import write_problem
from tests.solvers.test_bfe_instances import school

if TYPE_CHECKING:
    import pytest

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


def test_generate_writes_a_valid_kreis(tmp_path: Path) -> None:
    assert main(["generate", str(tmp_path / "k"), "--students", "60", "--seed", "3"]) == 0
    assert main(["validate", str(tmp_path / "k")]) == 0


def test_example_is_shipped_complete(tmp_path: Path) -> None:
    copy = shutil.copytree(EXAMPLE, tmp_path / "example")
    names = sorted(p.name for p in copy.iterdir())
    for required in ("calendar.csv", "companies.csv", "offers.csv", "schools.csv", "students.csv"):
        assert required in names


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
