"""The hard-rule check every written plan passes (``kaoa_match.plan_rules``).

Each rule is broken once by hand on a small Kreis and named; random Kreise
show that solved plans pass and that a broken plan is caught by this check
and by the independent checker alike. A broken plan is never written.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings

from kaoa_match import SolveOptions, solve
from kaoa_match.exceptions import PlanRuleError
from kaoa_match.io.write_plan import write_plan
from kaoa_match.model import Pair, PreviousAssignment
from kaoa_match.plan import ASSIGNMENT_COLUMNS
from kaoa_match.plan_rules import broken_rules, require_valid_plan
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
    student,
)
from tests.strategies import small_problems

if TYPE_CHECKING:
    import datetime as dt
    from pathlib import Path

    from kaoa_match import Problem


def three_day_kreis(**extra: object) -> Problem:
    """Students A and B need 3 BFE days (3, 4, 5 Nov); one place per offer."""
    return kreis(
        students=(student("A"), student("B")),
        companies=(company("CX"), company("CY")),
        offers=(
            offer("X3", "CX", "it", NOV3),
            offer("Y4", "CY", "bau", NOV4),
            offer("X5", "CX", "metall", NOV5),
            offer("Y5", "CY", "it", NOV5),
        ),
        calendar=bfe_dates("S", NOV3, NOV4, NOV5, needed=3),
        **extra,
    )


def row(sid: str, oid: str, day: dt.date, field: str, company_id: str) -> tuple[object, ...]:
    return (sid, "S", "bfe", oid, company_id, field, day, day, 1, 0, "")


def plan_of(*rows: tuple[object, ...]) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=ASSIGNMENT_COLUMNS)


A_VALID = (
    row("A", "X3", NOV3, "it", "CX"),
    row("A", "Y4", NOV4, "bau", "CY"),
    row("A", "X5", NOV5, "metall", "CX"),
)


def rules(problem: Problem, plan: pd.DataFrame) -> set[str]:
    """The rule names of the broken rules (``[capacity] ...`` -> ``capacity``)."""
    return {message[1 : message.index("]")] for message in broken_rules(problem, plan)}


def test_a_valid_plan_breaks_nothing() -> None:
    assert broken_rules(three_day_kreis(), plan_of(*A_VALID)) == []


@pytest.mark.parametrize(
    ("rows", "broken"),
    [
        # a fourth day, on a date A already has, in a field A already has
        (
            (*A_VALID, row("A", "Y5", NOV5, "it", "CY")),
            {"bfe-days", "bfe-fields", "one-place-a-day"},
        ),
        # B takes X3 too: one place only
        ((*A_VALID, row("B", "X3", NOV3, "it", "CX")), {"capacity"}),
        # X3 is open on 3 Nov only
        ((row("A", "X3", NOV4, "it", "CX"),), {"eligibility"}),
        # the company column does not repeat the offer's company
        ((row("A", "X3", NOV3, "it", "CY"),), {"company_id"}),
        ((row("GHOST", "X3", NOV3, "it", "CX"),), {"unknown"}),
    ],
)
def test_each_broken_rule_is_named(rows: tuple[tuple[object, ...], ...], broken: set[str]) -> None:
    assert rules(three_day_kreis(), plan_of(*rows)) == broken


def test_apart_pairs_and_locked_rows() -> None:
    apart = (Pair(student_a="A", student_b="B", relation="apart"),)
    locked = PreviousAssignment(
        student_id="B", kind="bfe", offer_id="Y4", start_date=NOV4, status="locked"
    )
    problem = three_day_kreis(pairs=apart, previous=(locked,))
    plan = plan_of(row("A", "X3", NOV3, "it", "CX"), row("B", "X5", NOV5, "metall", "CX"))
    assert rules(problem, plan) == {"locked"}  # CX on different days: apart holds
    plan = plan_of(row("A", "X5", NOV5, "metall", "CX"), row("B", "Y4", NOV4, "bau", "CY"))
    assert rules(problem, plan) == set()
    problem = three_day_kreis(pairs=apart)
    plan = plan_of(row("A", "X5", NOV5, "metall", "CX"), row("B", "Y5", NOV5, "it", "CY"))
    assert rules(problem, plan) == set()  # different companies on one day
    two_at_cx = problem.model_copy(
        update={"offers": (*problem.offers, offer("X5b", "CX", "bau", NOV5))}
    )
    plan = plan_of(row("A", "X5", NOV5, "metall", "CX"), row("B", "X5b", NOV5, "bau", "CX"))
    assert rules(two_at_cx, plan) == {"apart"}


def test_a_group_below_its_minimum_is_named() -> None:
    group = offer("T", "CX", "bau", NOV3, capacity=4).model_copy(update={"min_group": 2})
    problem = three_day_kreis().model_copy(update={"offers": (group,)})
    assert rules(problem, plan_of(row("A", "T", NOV3, "bau", "CX"))) == {"min-group"}
    both = plan_of(row("A", "T", NOV3, "bau", "CX"), row("B", "T", NOV3, "bau", "CX"))
    assert rules(problem, both) == set()


def test_a_broken_plan_is_not_written(tmp_path: Path) -> None:
    problem = three_day_kreis()
    plan = solve(problem, OPTIONS)
    write_plan(plan, tmp_path / "plan", problem=problem)
    earlier = (tmp_path / "plan" / "assignments.csv").read_bytes()
    broken = dataclasses.replace(
        plan, assignments=pd.concat([plan.assignments] * 2, ignore_index=True)
    )
    with pytest.raises(PlanRuleError, match="bug of kaoa_match") as caught:
        write_plan(broken, tmp_path / "plan", problem=problem)
    assert any("[capacity]" in message for message in caught.value.broken)
    assert (tmp_path / "plan" / "assignments.csv").read_bytes() == earlier


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problem=small_problems())
def test_solved_plans_pass_and_a_doubled_row_is_caught_by_both_checks(problem: Problem) -> None:
    plan = solve(problem, SolveOptions(workers=1, seed=0, time_limit_s=10))
    require_valid_plan(problem, plan.assignments)
    if len(plan.assignments):
        doubled = pd.concat([plan.assignments, plan.assignments.iloc[:1]], ignore_index=True)
        assert broken_rules(problem, doubled) and check_plan(problem, doubled)
