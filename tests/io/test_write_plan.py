"""Plans are written whole or not at all, and never over someone else's files."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pandas as pd
import pytest

from kaoa_match.exceptions import KaoaMatchError
from kaoa_match.io.atomic import atomic_directory
from kaoa_match.io.write_plan import priorities_summary, write_plan
from kaoa_match.model import Priority
from kaoa_match.plan import ASSIGNMENT_COLUMNS, OBJECTIVES, UNASSIGNED_COLUMNS, LevelResult, Plan

if TYPE_CHECKING:
    from pathlib import Path


def _plan(student: str) -> Plan:
    row = [student, "S", "bfe", "O", "C", "it", "2026-11-04", "2026-11-04", 12, 80, ""]
    return Plan(
        status="optimal",
        levels=[LevelResult("coverage", "max", 1, 1, "optimal", 0.1)],
        assignments=pd.DataFrame([row], columns=ASSIGNMENT_COLUMNS),
        unassigned=pd.DataFrame([], columns=UNASSIGNED_COLUMNS),
        solve_seconds=0.1,
    )


def test_writes_the_three_files(tmp_path: Path) -> None:
    out = write_plan(_plan("s1"), tmp_path / "plan")
    assert sorted(p.name for p in out.iterdir()) == [
        "assignments.csv",
        "summary.json",
        "unassigned.csv",
    ]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "optimal"
    assert summary["objectives"] == {"coverage": 1}
    assert summary["bounds"] == {"coverage": 1}
    assert "solve_seconds" in summary
    assert pd.read_csv(out / "assignments.csv")["student_id"].tolist() == ["s1"]


def test_a_new_run_replaces_the_old_one_whole(tmp_path: Path) -> None:
    write_plan(_plan("s1"), tmp_path / "plan")
    write_plan(_plan("s2"), tmp_path / "plan")
    assert pd.read_csv(tmp_path / "plan" / "assignments.csv")["student_id"].tolist() == ["s2"]
    assert [p.name for p in tmp_path.iterdir()] == ["plan"]  # no staging left behind


def test_a_failing_run_leaves_the_earlier_plan_untouched(tmp_path: Path) -> None:
    write_plan(_plan("s1"), tmp_path / "plan")
    with pytest.raises(RuntimeError), atomic_directory(tmp_path / "plan") as staging:
        (staging / "assignments.csv").write_text("half")
        raise RuntimeError("disk full")
    assert pd.read_csv(tmp_path / "plan" / "assignments.csv")["student_id"].tolist() == ["s1"]
    assert [p.name for p in tmp_path.iterdir()] == ["plan"]


def test_refuses_a_directory_with_other_files(tmp_path: Path) -> None:
    (tmp_path / "students.csv").write_text("student_id\n")
    with pytest.raises(KaoaMatchError, match="not part of a plan"):
        write_plan(_plan("s1"), tmp_path)
    assert (tmp_path / "students.csv").read_text() == "student_id\n"


def test_priorities_summary_gives_the_order_used() -> None:
    from tests.test_validation import base

    default = [
        {"level": level, "tolerance": 1.0 if level == "interest" else 0.0} for level in OBJECTIVES
    ]
    assert OBJECTIVES[4:6] == ("together", "interest")  # contract v3's default order
    assert priorities_summary(base()) == {"priorities": default}
    given = (Priority(level="travel", tolerance=3), Priority(level="coverage"))
    problem = base().model_copy(update={"priorities": given})
    assert priorities_summary(problem) == {
        "priorities": [
            {"level": "travel", "tolerance": 3.0},
            {"level": "coverage", "tolerance": 0.0},
        ],
    }
