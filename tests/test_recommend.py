"""Late registrations (``recommend``): free places only, nobody else moves.

Each Kreis is solved without the new students (the published plan); then
the new students are added to the input and get places from what is left.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd
import pytest

from kaoa_match import Problem, solve
from kaoa_match.cli import main
from kaoa_match.io.write_plan import write_plan
from kaoa_match.io.write_problem import write_problem
from kaoa_match.model import Company, Offer
from kaoa_match.plan import UNASSIGNED_COLUMNS
from kaoa_match.recommend import UnknownStudentsError, booked_plan, recommend
from tests.checker import check_plan
from tests.solvers.test_bfe_instances import (
    NOV3,
    OPTIONS,
    bfe_dates,
    company,
    kreis,
    offer,
    scores,
    student,
)

if TYPE_CHECKING:
    from pathlib import Path


def without(problem: Problem, newcomers: set[str]) -> Problem:
    """The Kreis before the newcomers registered."""
    return problem.model_copy(
        update={
            "students": tuple(s for s in problem.students if s.student_id not in newcomers),
            "interests": tuple(i for i in problem.interests if i.student_id not in newcomers),
            "wishes": tuple(w for w in problem.wishes if w.student_id not in newcomers),
        }
    )


def published(problem: Problem, newcomers: set[str]) -> pd.DataFrame:
    """The plan of the Kreis without the newcomers (proven optimal)."""
    plan = solve(without(problem, newcomers), OPTIONS)
    assert plan.status == "optimal"
    return plan.assignments


def one_day_kreis(students: list[str], *offers: Offer, **extra: Any) -> Problem:
    return kreis(
        students=tuple(student(s) for s in students),
        companies=(
            company("CX"),
            company("CY"),
            Company(company_id="TR", lat=51.46, lon=7.01, provider_type="traeger"),
        ),
        offers=offers,
        calendar=bfe_dates("S", NOV3),
        **extra,
    )


def test_a_newcomer_takes_the_free_place_and_no_row_moves() -> None:
    problem = one_day_kreis(
        ["A", "B", "N"], offer("X", "CX", "it", NOV3, capacity=2), offer("Y", "CY", "bau", NOV3)
    )
    plan = published(problem, {"N"})
    recs = recommend(problem, plan, ["N"])
    assert recs.reasons == {}
    assert [row[3] for row in recs.booked["N"].rows] == [
        "Y" if (plan.offer_id == "X").sum() == 2 else "X"
    ]
    none_short = pd.DataFrame(columns=UNASSIGNED_COLUMNS)
    placed, _, changes, summary = booked_plan(problem, plan, none_short, {}, recs)
    # Every published row is still there, unchanged, and the whole plan is valid.
    old = set(map(tuple, plan.astype(str).itertuples(index=False)))
    assert old <= set(map(tuple, placed.astype(str).itertuples(index=False)))
    assert len(placed) == len(plan) + 1
    assert check_plan(problem, placed) == []
    assert list(changes.change) == ["newly placed"]
    assert summary["status"] == "feasible" and summary["newly_placed"] == ["N"]


def test_a_newcomer_joins_a_running_group_but_cannot_open_one() -> None:
    # Group T (minimum 2) runs with A and B; group U (minimum 2) is closed.
    # N prefers U's field but can only join T.
    group = {"kind": "bfe", "start_date": NOV3, "capacity": 4, "min_group": 2}
    t = Offer(offer_id="T", company_id="TR", field_id="bau", **group)
    u = Offer(offer_id="U", company_id="TR", field_id="it", **group)
    problem = one_day_kreis(
        ["A", "B", "N"],
        t,
        u,
        interests=scores({("A", "bau"): 90, ("B", "bau"): 90, ("N", "it"): 90}),
    )
    plan = published(problem, {"N"})
    assert sorted(plan.offer_id) == ["T", "T"]
    recs = recommend(problem, plan, ["N"])
    assert [[row[3] for row in option.rows] for option in recs.options["N"]] == [["T"]]
    assert recs.booked["N"] == recs.options["N"][0]


def test_no_free_place_gives_the_reason() -> None:
    problem = one_day_kreis(["A", "N"], offer("X", "CX", "it", NOV3))
    plan = published(problem, {"N"})
    recs = recommend(problem, plan, ["N"])
    assert recs.options == {"N": []} and recs.booked == {}
    assert recs.reasons == {
        "N": "1 BFE days are needed, but free places (in groups that run) are left on 0 "
        "candidate date(s) (none) in 0 Berufsfeld(er): the rest is full"
    }


def test_two_newcomers_share_the_free_places_jointly() -> None:
    # One place in it (X), one in bau (Y). M likes both (it 90, bau 80), N
    # only it. Booked one after the other, M would take X and leave N with
    # bau (not a top field); jointly, M takes Y and N takes X: both in a top field.
    problem = one_day_kreis(
        ["M", "N"],
        offer("X", "CX", "it", NOV3),
        offer("Y", "CY", "bau", NOV3),
        interests=scores({("M", "it"): 90, ("M", "bau"): 80, ("N", "it"): 90}),
    )
    plan = published(problem, {"M", "N"})
    recs = recommend(problem, plan, ["M", "N"])
    assert recs.options["M"][0].rows[0][3] == "X"  # alone, M's best is X
    assert {sid: o.rows[0][3] for sid, o in recs.booked.items()} == {"M": "Y", "N": "X"}


def test_an_unknown_student_is_an_error() -> None:
    problem = one_day_kreis(["A"], offer("X", "CX", "it", NOV3))
    with pytest.raises(UnknownStudentsError, match="not in the input: GHOST"):
        recommend(problem, published(problem, set()), ["GHOST"])


def test_the_command_lists_books_and_exits_2_for_an_unknown_student(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    problem = one_day_kreis(["A", "N"], offer("X", "CX", "it", NOV3), offer("Y", "CY", "bau", NOV3))
    write_plan(solve(without(problem, {"N"}), OPTIONS), tmp_path / "plan")
    write_problem(problem, tmp_path / "input")
    args = ["recommend", str(tmp_path / "input"), "--plan", str(tmp_path / "plan")]
    assert main([*args, "GHOST"]) == 2
    assert main([*args, "N", "--book", "--out", str(tmp_path / "new")]) == 0
    assert "(booked)" in capsys.readouterr().out
    old = pd.read_csv(tmp_path / "plan" / "assignments.csv", dtype=str)
    new = pd.read_csv(tmp_path / "new" / "assignments.csv", dtype=str)
    assert len(new) == len(old) + 1
    assert pd.merge(old, new).shape[0] == len(old)  # every old row, unchanged
    assert (tmp_path / "new" / "report.html").is_file()
    changes = pd.read_csv(tmp_path / "new" / "changes.csv", dtype=str)
    assert list(changes.student_id) == ["N"] and list(changes.change) == ["newly placed"]
