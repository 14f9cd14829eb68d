"""Late registrations (``recommend``): free places only, nobody else moves.

Each Kreis is solved without the new students (the published plan); then
the new students are added to the input and get places from what is left.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pandas as pd
import pytest

from kaoa_match import Problem, solve
from kaoa_match.cli import main
from kaoa_match.io.write_plan import write_plan
from kaoa_match.io.write_problem import write_problem
from kaoa_match.model import Company, Offer, Pair
from kaoa_match.plan import ASSIGNMENT_COLUMNS, UNASSIGNED_COLUMNS
from kaoa_match.recommend import (
    UnknownStudentsError,
    booked_plan,
    recommend,
    recommendation_lines,
)
from tests.checker import check_plan
from tests.solvers.test_bfe_instances import (
    NOV3,
    NOV4,
    NOV5,
    OPTIONS,
    bfe_dates,
    company,
    kreis,
    offer,
    scores,
    student,
)

if TYPE_CHECKING:
    import datetime as dt
    from pathlib import Path


def without(problem: Problem, newcomers: set[str]) -> Problem:
    """The Kreis before the newcomers registered."""
    return problem.model_copy(
        update={
            "students": tuple(s for s in problem.students if s.student_id not in newcomers),
            "interests": tuple(i for i in problem.interests if i.student_id not in newcomers),
            "wishes": tuple(w for w in problem.wishes if w.student_id not in newcomers),
            "participants": tuple(p for p in problem.participants if p.student_id not in newcomers),
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
    booked = recs.booked["N"].rows[0]
    assert list(changes.after) == [f"{booked[3]} 2026-11-03"]  # as a rerun's changes.csv
    assert list(changes.reason) == [
        f"late registration: placed in a free place at {booked[4]} ({booked[4]})"
    ]
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
        "N": "1 BFE day is missing (0 of 1 placed): no free place is left (in a group that "
        "runs) on a date the student has free, in a Berufsfeld the student does not have yet"
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


# --- students the plan already places: only what is missing -------------------


def three_day_kreis() -> Problem:
    """A, B and N need 3 BFE days (3, 4, 5 Nov); one place per offer.
    X3, Y4, X5 are A's plan; on 5 Nov one more place (Y5, it) is free."""
    return one_day_kreis(
        ["A", "N"],
        offer("X3", "CX", "it", NOV3),
        offer("Y4", "CY", "bau", NOV4),
        offer("X5", "CX", "metall", NOV5),
        offer("Y5", "CY", "it", NOV5),
        offer("Z4", "CY", "soziales", NOV4),
    ).model_copy(update={"calendar": bfe_dates("S", NOV3, NOV4, NOV5, needed=3)})


def rows(*placements: tuple[str, str, dt.date, str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        [(s, "S", "bfe", o, c, f, d, d, 15, 0, "") for s, o, d, f, c in placements],
        columns=ASSIGNMENT_COLUMNS,
    )


A_PLAN = (
    ("A", "X3", NOV3, "it", "CX"),
    ("A", "Y4", NOV4, "bau", "CY"),
    ("A", "X5", NOV5, "metall", "CX"),
)


def test_a_fully_placed_student_gets_nothing_and_booking_twice_changes_nothing() -> None:
    problem = three_day_kreis()
    plan = rows(*A_PLAN, ("N", "Z4", NOV4, "soziales", "CY"))
    recs = recommend(problem, plan, ["A"])
    assert recs.fully_placed == {"A"} and recs.options == {"A": []} and recs.booked == {}
    short = pd.DataFrame(columns=UNASSIGNED_COLUMNS)
    placed, _, changes, _summary = booked_plan(problem, plan, short, {}, recs)
    assert len(placed) == len(plan) and changes.empty
    assert "already has every placement" in "\n".join(recommendation_lines(problem, recs))


def test_a_student_with_one_of_three_days_gets_only_the_missing_days() -> None:
    # N has Z4 (soziales, 4 Nov). Free: X3 (it, 3 Nov), Y5 (it, 5 Nov), X5 (metall, 5 Nov):
    # only 3 Nov and 5 Nov are new dates, and it may be taken once.
    problem = three_day_kreis()
    plan = rows(("N", "Z4", NOV4, "soziales", "CY"))
    recs = recommend(problem, plan, ["N"])
    assert recs.missing == {"N": {"bfe": 2, "praktikum": 0}}
    best = recs.booked["N"]
    assert not best.partial and len(best.rows) == 2
    assert {r[6] for r in best.rows} == {NOV3, NOV5}
    for option in recs.options["N"]:
        assert NOV4 not in {r[6] for r in option.rows}
        assert len({r[5] for r in option.rows} | {"soziales"}) == len(option.rows) + 1
    short = pd.DataFrame(columns=UNASSIGNED_COLUMNS)
    placed, unassigned, _, summary = booked_plan(problem, plan, short, {}, recs)
    assert check_plan(problem, placed) == [] and unassigned.empty
    assert set(summary["level_status"].values()) == {"recounted"}  # type: ignore[union-attr]


def test_the_best_partial_option_when_no_complete_one_is_left() -> None:
    # A holds X3, Y4, X5; N needs 3 days but only 4 Nov (Z4) and 5 Nov (Y5) are free.
    problem = three_day_kreis()
    plan = rows(*A_PLAN)
    recs = recommend(problem, plan, ["N"])
    best = recs.booked["N"]
    assert best.partial and dict(best.missing) == {"bfe": 1}
    assert sorted(r[3] for r in best.rows) == ["Y5", "Z4"]
    assert "1 BFE day is missing (0 of 3 placed)" in recs.reasons["N"]
    assert "(partial: 1 BFE day missing)" in "\n".join(recommendation_lines(problem, recs))
    short = pd.DataFrame(columns=UNASSIGNED_COLUMNS)
    placed, unassigned, _, _ = booked_plan(problem, plan, short, {}, recs)
    assert check_plan(problem, placed) == []
    assert list(zip(unassigned.student_id, unassigned.missing, strict=True)) == [("N", 1)]


def test_a_newcomer_is_kept_apart_from_a_partner_in_the_plan() -> None:
    # A (apart from N) is at CY on 4 and 5 Nov: N may take X3 and X5 at CX, not Z4 at CY.
    problem = three_day_kreis().model_copy(
        update={"pairs": (Pair(student_a="A", student_b="N", relation="apart"),)}
    )
    plan = rows(("A", "Y4", NOV4, "bau", "CY"), ("A", "Y5", NOV5, "it", "CY"))
    recs = recommend(problem, plan, ["N"])
    assert sorted(r[3] for r in recs.booked["N"].rows) == ["X3", "X5"]
    for option in recs.options["N"]:
        assert "CY" not in {r[4] for r in option.rows}
    placed, *_ = booked_plan(problem, plan, pd.DataFrame(columns=UNASSIGNED_COLUMNS), {}, recs)
    assert check_plan(problem, placed) == []


def test_a_booked_plan_can_be_explained_reported_and_booked_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    problem = three_day_kreis()
    write_plan(solve(without(problem, {"N"}), OPTIONS), tmp_path / "plan", problem=problem)
    write_problem(problem, tmp_path / "input")
    book = ["recommend", str(tmp_path / "input"), "N", "--book", "--out"]
    assert (
        main([*book[:2], "--plan", str(tmp_path / "plan"), *book[2:], str(tmp_path / "new")]) == 0
    )
    summary = json.loads((tmp_path / "new" / "summary.json").read_text())
    assert summary["input"] == str((tmp_path / "input").resolve())
    assert set(summary["level_status"].values()) == {"recounted"}
    assert main(["explain", str(tmp_path / "new"), "N"]) == 0
    assert main(["report", str(tmp_path / "new")]) == 0
    capsys.readouterr()
    again = [*book[:2], "--plan", str(tmp_path / "new"), *book[2:], str(tmp_path / "again")]
    assert main(again) == 0  # N got 2 of 3 days: nothing more is free
    assert "(2 of 3 placed)" in capsys.readouterr().out
    before = pd.read_csv(tmp_path / "new" / "assignments.csv", dtype=str)
    after = pd.read_csv(tmp_path / "again" / "assignments.csv", dtype=str)
    assert before.equals(after)


def test_a_plan_breaking_a_rule_is_not_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    problem = one_day_kreis(["A", "N"], offer("X", "CX", "it", NOV3), offer("Y", "CY", "bau", NOV3))
    write_plan(solve(without(problem, {"N"}), OPTIONS), tmp_path / "plan")
    write_problem(problem, tmp_path / "input")

    def doubled(*args: Any) -> tuple[Any, ...]:  # a booking bug: every row twice
        placed, *rest = booked_plan(*args)
        return (pd.concat([placed, placed], ignore_index=True), *rest)

    monkeypatch.setattr("kaoa_match.recommend.booked_plan", doubled)
    args = ["recommend", str(tmp_path / "input"), "--plan", str(tmp_path / "plan"), "N"]
    assert main([*args, "--book", "--out", str(tmp_path / "new")]) == 1
    assert "bug of kaoa_match" in capsys.readouterr().err
    assert not (tmp_path / "new").exists()


def test_out_without_book_is_a_usage_error(tmp_path: Path) -> None:
    args = ["recommend", str(tmp_path), "--plan", str(tmp_path), "N", "--out", str(tmp_path / "x")]
    assert main(args) == 2
