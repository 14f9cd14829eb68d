"""Offers with a minimum group size (``offers.min_group``): on each day the
offer takes nobody or at least that many students.

Hand-made Kreise with one BFE day per student: a Träger group ``T`` on
2026-11-03 and, where a test needs one, a company place ``B`` that the
students like better. Every plan is proven optimal and checked by the
independent checker, which knows the rule too.
"""

from __future__ import annotations

from typing import Any

from kaoa_match import Problem, SolveOptions
from kaoa_match.explain import explain_student
from kaoa_match.model import Company, Offer, PreviousAssignment
from tests.checker import broken_rules, check_plan
from tests.solvers.test_bfe_instances import (
    NOV3,
    bfe_dates,
    company,
    kreis,
    offer,
    scores,
    solve_checked,
    student,
)


def traeger_group(capacity: int, min_group: int) -> Offer:
    return Offer(
        offer_id="T",
        company_id="TR",
        field_id="bau",
        kind="bfe",
        start_date=NOV3,
        capacity=capacity,
        min_group=min_group,
    )


def group_kreis(n_students: int, group: Offer, place_b: int = 0, **extra: Any) -> Problem:
    """``n_students`` students needing one BFE day on NOV3, the group ``group``
    and ``place_b`` places at company B in a field they all like better."""
    ids = [f"s{k}" for k in range(n_students)]
    offers = [group] + ([offer("B", "CB", "it", NOV3, capacity=place_b)] if place_b else [])
    return kreis(
        students=tuple(student(s) for s in ids),
        companies=(
            Company(company_id="TR", lat=51.46, lon=7.01, provider_type="traeger"),
            company("CB"),
        ),
        offers=tuple(offers),
        calendar=bfe_dates("S", NOV3),
        interests=scores({(s, f): v for s in ids for f, v in (("it", 80), ("bau", 20))}),
        **extra,
    )


def group_size(plan: Any) -> int:
    return int((plan.assignments.offer_id == "T").sum())


def test_a_group_runs_when_enough_students_need_it() -> None:
    # Four students, one place at B: the other three fill the group of three.
    plan = solve_checked(group_kreis(4, traeger_group(capacity=8, min_group=3), place_b=1))
    assert plan.objectives["coverage"] == 4
    assert group_size(plan) == 3


def test_a_group_too_small_stays_closed_and_says_why() -> None:
    # Two students, one place at B: the other alone cannot open a group of three.
    plan = solve_checked(group_kreis(2, traeger_group(capacity=8, min_group=3), place_b=1))
    assert plan.objectives["coverage"] == 1
    assert group_size(plan) == 0
    reasons = set(plan.unassigned.reason)
    assert reasons == {
        "every place in a Berufsfeld not yet used within 45 minutes is taken on 03.11.2026 "
        "(1 offer); the Träger group of offer T (TR) on 03.11.2026 did not reach its minimum of 3"
    }


def test_students_join_a_group_rather_than_stay_unplaced() -> None:
    # Everyone likes B better, but coverage comes first: the group takes the rest.
    plan = solve_checked(group_kreis(5, traeger_group(capacity=8, min_group=3), place_b=2))
    assert plan.objectives["coverage"] == 5
    assert group_size(plan) == 3


def test_a_group_takes_everyone_rather_than_one_goes_to_the_better_place() -> None:
    # Three students, one place at B: all three in the group places three,
    # one at B and the group closed only one.
    plan = solve_checked(group_kreis(3, traeger_group(capacity=8, min_group=3), place_b=1))
    assert plan.objectives["coverage"] == 3
    assert group_size(plan) == 3


def test_min_group_equal_to_capacity_runs_full_or_not_at_all() -> None:
    plan = solve_checked(group_kreis(3, traeger_group(capacity=2, min_group=2)))
    assert plan.objectives["coverage"] == 2
    assert group_size(plan) == 2


def test_a_locked_row_forces_the_group_open() -> None:
    # s0 is locked into the group of two: one more student must join it,
    # although B (liked better) has room for both others.
    locked = PreviousAssignment(
        student_id="s0", kind="bfe", offer_id="T", start_date=NOV3, status="locked"
    )
    problem = group_kreis(3, traeger_group(capacity=8, min_group=2), place_b=2, previous=(locked,))
    plan = solve_checked(problem)
    assert plan.objectives["coverage"] == 3
    assert group_size(plan) == 2
    assert "s0" in set(plan.assignments.student_id[plan.assignments.offer_id == "T"])


def test_the_checker_finds_a_group_below_its_minimum() -> None:
    problem = group_kreis(3, traeger_group(capacity=8, min_group=3), place_b=1)
    plan = solve_checked(problem)
    assert group_size(plan) == 3
    rows = plan.assignments[plan.assignments.student_id != "s0"]
    assert broken_rules(check_plan(problem, rows)) == {"bfe-min-group"}


def test_greedy_start_and_flows_keep_the_rule_on_a_larger_kreis() -> None:
    # 30 students, a group of at least 12 and ten company places: with the
    # exact model off the table (no LP, tiny time), the plan still obeys it.
    problem = group_kreis(30, traeger_group(capacity=20, min_group=12), place_b=10)
    plan = solve_checked(problem, SolveOptions(workers=1, seed=0, use_lp=False))
    assert plan.objectives["coverage"] == 30
    assert group_size(plan) == 20


def test_explain_names_the_group_that_did_not_run() -> None:
    problem = group_kreis(2, traeger_group(capacity=8, min_group=3), place_b=1)
    plan = solve_checked(problem)
    short = plan.unassigned.student_id.iloc[0]
    lines = explain_student(problem, plan.assignments, short)
    assert lines[-1] == (
        "  bau (20) at TR (TR), 15 min, on 03.11.2026: "
        "the Träger group on 03.11.2026 did not reach its minimum of 3"
    )


def test_a_published_row_in_a_group_that_cannot_run_is_let_go() -> None:
    # s0 was told the Träger workshop (a group of at least 3), but only one
    # student may go there: the group cannot open, so the published row cannot
    # be kept and s0 goes nowhere (found by hypothesis: the rerun crashed).
    published = PreviousAssignment(
        student_id="s0", kind="bfe", offer_id="T", start_date=NOV3, status="published"
    )
    plan = solve_checked(
        group_kreis(1, traeger_group(capacity=8, min_group=3), previous=(published,))
    )
    assert plan.objectives["coverage"] == 0
    assert plan.objectives["stability"] == 0
