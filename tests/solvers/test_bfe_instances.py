"""Hand-made Kreise whose optimum is worked out by hand, level by level.

Every solve uses one worker and seed 0, runs to optimality, and is checked by
the independent checker: no broken rule, every level proven (value == bound),
and the objectives equal a recount from the assignments. Travel times come
from ``travel.csv`` rows, so no estimate is involved. Unless a test says
otherwise, the Berufsfelder are the 16 built-in ones, so a student's top-3
fields are simply the fields with a positive score when there are at most three.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd
import pytest

from kaoa_match import Plan, Problem, SolveOptions, solve
from kaoa_match.exceptions import InputError, LockedConflictError
from kaoa_match.model import (
    CalendarEntry,
    Company,
    Interest,
    Offer,
    Pair,
    PreviousAssignment,
    Priority,
    School,
    Student,
    TravelTime,
)
from kaoa_match.plan_rules import broken_rules
from tests.checker import OBJECTIVES, check_plan, objective_values

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

D = dt.date
NOV3, NOV4, NOV5, NOV6 = D(2026, 11, 3), D(2026, 11, 4), D(2026, 11, 5), D(2026, 11, 6)
OPTIONS = SolveOptions(workers=1, seed=0, time_limit_s=None)
PairRow = tuple[str, str, Literal["apart", "together"]]


# --- building and solving -----------------------------------------------------


def school(sid: str = "S") -> School:
    return School(school_id=sid, school_type="Realschule", lat=51.45, lon=7.0)


def student(sid: str, school_id: str = "S", grade: int = 8, **extra: Any) -> Student:
    return Student(student_id=sid, school_id=school_id, grade=grade, **extra)


def company(cid: str, **extra: Any) -> Company:
    return Company(company_id=cid, lat=51.46, lon=7.01, **extra)


def offer(
    oid: str, cid: str, field: str, start: D, end: D | None = None, capacity: int = 1
) -> Offer:
    return Offer(
        offer_id=oid,
        company_id=cid,
        field_id=field,
        kind="bfe",
        start_date=start,
        end_date=end,
        capacity=capacity,
    )


def bfe_dates(school_id: str, *days: D, needed: int = 1) -> tuple[CalendarEntry, ...]:
    """One calendar row per candidate day."""
    return tuple(
        CalendarEntry(school_id=school_id, kind="bfe", grade=8, start_date=d, days=needed)
        for d in days
    )


def minutes(table: Mapping[tuple[str, str], float]) -> tuple[TravelTime, ...]:
    return tuple(TravelTime(origin_id=o, company_id=c, minutes=m) for (o, c), m in table.items())


def scores(table: dict[tuple[str, str], int]) -> tuple[Interest, ...]:
    return tuple(Interest(student_id=s, field_id=f, score=v) for (s, f), v in table.items())


def kreis(**tables: Any) -> Problem:
    """A problem with one school ``S`` unless ``schools`` is given."""
    tables.setdefault("schools", (school(),))
    return Problem(**tables)


def solve_checked(problem: Problem, options: SolveOptions = OPTIONS) -> Plan:
    """Solve to optimality and run every independent check on the plan."""
    plan = solve(problem, options)
    assert plan.status == "optimal"
    assert check_plan(problem, plan.assignments) == []
    assert broken_rules(problem, plan.assignments) == []  # the library's own check agrees
    assert set(plan.objectives) == set(OBJECTIVES)
    assert plan.bounds == plan.objectives
    assert plan.objectives == objective_values(problem, plan.assignments)
    return plan


def placed(plan: Plan) -> set[tuple[str, str, D, D]]:
    """(student, offer, first day, last day) of every assignment row."""
    a = plan.assignments
    return set(zip(a.student_id, a.offer_id, a.start_date, a.end_date, strict=True))


def missing(plan: Plan) -> dict[tuple[str, str], int]:
    """(student, kind) -> placements missing, from ``unassigned``."""
    u = plan.unassigned
    return {(s, k): int(m) for s, k, m in zip(u.student_id, u.kind, u.missing, strict=True)}


def objectives(**values: int) -> dict[str, int]:
    """All seven levels, 0 unless given."""
    return {name: values.get(name, 0) for name in OBJECTIVES}


def offers_of(plan: Plan, student_id: str) -> Iterable[str]:
    a = plan.assignments
    return sorted(a.offer_id[a.student_id == student_id])


# --- (a) two students, one place in their top field ---------------------------


def _competition(
    interest: dict[tuple[str, str], int], travel: Mapping[tuple[str, str], float]
) -> Problem:
    return kreis(
        students=(student("A"), student("B")),
        companies=(company("C1"), company("C2")),
        offers=(offer("IT", "C1", "it", NOV4), offer("SOZ", "C2", "soziales", NOV4)),
        calendar=bfe_dates("S", NOV4),
        interests=scores(interest),
        travel=minutes(travel),
    )


def test_competition_for_top_field_is_decided_by_interest() -> None:
    # One BFE day on 4 Nov; one place in "it", one in "soziales". Both fields are
    # top-3 fields of both students, so coverage 2 and fairness 2 either way.
    # Interest: A it 90 + B soziales 70 = 160 beats B it 80 + A soziales 60 = 140.
    problem = _competition(
        {("A", "it"): 90, ("A", "soziales"): 60, ("B", "it"): 80, ("B", "soziales"): 70},
        {("S", "C1"): 10, ("S", "C2"): 10},
    )
    plan = solve_checked(problem)
    assert placed(plan) == {("A", "IT", NOV4, NOV4), ("B", "SOZ", NOV4, NOV4)}
    assert plan.objectives == objectives(coverage=2, fairness=2, interest=160, travel=20)
    assert missing(plan) == {}


def test_competition_for_top_field_is_decided_by_travel() -> None:
    # Same, but equal interests (it 80, soziales 60 for both): interest is 140
    # either way. C2 is 40 min from A's home but 15 from B's, so
    # A it (10) + B soziales (15) = 25 min beats B it (10) + A soziales (40) = 50.
    problem = _competition(
        {("A", "it"): 80, ("A", "soziales"): 60, ("B", "it"): 80, ("B", "soziales"): 60},
        {("A", "C1"): 10, ("A", "C2"): 40, ("B", "C1"): 10, ("B", "C2"): 15},
    )
    plan = solve_checked(problem)
    assert placed(plan) == {("A", "IT", NOV4, NOV4), ("B", "SOZ", NOV4, NOV4)}
    assert plan.objectives == objectives(coverage=2, fairness=2, interest=140, travel=25)
    assert missing(plan) == {}


# --- (b) the only reachable place is a Träger ---------------------------------


def test_student_goes_to_the_traeger_when_nothing_else_is_reachable() -> None:
    # T needs two BFE days (3 and 4 Nov). The betrieb FAR offers T's favourite
    # field but is 60 min away (limit 45); the Träger TR, 20 min away, offers
    # bau and metall on both days. So T does bau and metall at TR, one per day:
    # coverage 2, fairness 1 (bau is a top field: it 90, bau 20), interest 20,
    # travel 2 x 20 = 40. U needs "barrierefrei", which no one provides: both
    # days missing.
    problem = kreis(
        students=(
            student("T"),
            student("U", needs=frozenset({"barrierefrei"})),
        ),
        companies=(company("FAR"), company("TR", provider_type="traeger")),
        offers=(
            offer("FAR-IT", "FAR", "it", NOV3, NOV4, capacity=5),
            offer("TR-BAU", "TR", "bau", NOV3, NOV4, capacity=5),
            offer("TR-MET", "TR", "metall", NOV3, NOV4, capacity=5),
        ),
        calendar=bfe_dates("S", NOV3, NOV4, needed=2),
        interests=scores({("T", "it"): 90, ("T", "bau"): 20}),
        travel=minutes({("S", "FAR"): 60, ("S", "TR"): 20}),
    )
    plan = solve_checked(problem)
    assert offers_of(plan, "T") == ["TR-BAU", "TR-MET"]
    assert set(plan.assignments.start_date) == {NOV3, NOV4}
    assert plan.objectives == objectives(coverage=2, fairness=1, interest=20, travel=40)
    assert missing(plan) == {("U", "bfe"): 2}


# --- (c) first-come booking fails, the optimum places everyone ----------------


def first_come_fails() -> Problem:
    """One place per day at O on 3 and 4 Nov. A (school S1) may go on either
    day, B (school S2) only on 3 Nov; both 15 min from C."""
    return kreis(
        schools=(school("S1"), school("S2")),
        students=(student("A", "S1"), student("B", "S2")),
        companies=(company("C"),),
        offers=(offer("O", "C", "it", NOV3, NOV4),),
        calendar=bfe_dates("S1", NOV3, NOV4) + bfe_dates("S2", NOV3),
        travel=minutes({("S1", "C"): 15, ("S2", "C"): 15}),
    )


def test_date_pattern_where_first_come_booking_fails() -> None:
    # Booking A first on the earliest day leaves B without a place; the
    # optimum sends A on 4 Nov and B on 3 Nov (coverage 2, travel 15 + 15).
    plan = solve_checked(first_come_fails())
    assert placed(plan) == {("A", "O", NOV4, NOV4), ("B", "O", NOV3, NOV3)}
    assert plan.objectives == objectives(coverage=2, travel=30)
    assert missing(plan) == {}


# --- (d) a birthday between the candidate dates -------------------------------


def test_min_age_excludes_the_earlier_date_only() -> None:
    # C takes students from 14. Candidate dates 3 and 5 Nov, two days needed.
    # Y (born 4 Nov 2012) is 13 on 3 Nov and 14 on 5 Nov; Z turns 14 on 5 Nov
    # itself. Each can only go on 5 Nov, so each misses one day: coverage 2.
    # Y takes "it" (70) rather than "bau" (30): fairness 1, interest 70;
    # travel 2 x 20.
    problem = kreis(
        students=(
            student("Y", birth_date=D(2012, 11, 4)),
            student("Z", birth_date=D(2012, 11, 5)),
        ),
        companies=(company("C", min_age=14),),
        offers=(
            offer("IT", "C", "it", NOV3, NOV5, capacity=3),
            offer("BAU", "C", "bau", NOV3, NOV5, capacity=3),
        ),
        calendar=bfe_dates("S", NOV3, NOV5, needed=2),
        interests=scores({("Y", "it"): 70, ("Y", "bau"): 30}),
        travel=minutes({("S", "C"): 20}),
    )
    plan = solve_checked(problem)
    assert ("Y", "IT", NOV5, NOV5) in placed(plan)
    assert set(plan.assignments.start_date) == {NOV5}
    assert plan.objectives == objectives(coverage=2, fairness=1, interest=70, travel=40)
    assert missing(plan) == {("Y", "bfe"): 1, ("Z", "bfe"): 1}


# --- Praktikum blocks ---------------------------------------------------------


def test_praktikum_blocks_share_one_place_without_overlap() -> None:
    # Window Mon 11 to Mon 18 Jan 2027 holds six working days; blocks of three
    # at an offer with one place. Only 11-13 and 14-18 Jan (over the weekend)
    # fit without sharing a day, so two of the three students get a block;
    # P3 needs "barrierefrei" and is the one left out. Travel counts a block
    # once: 2 x 15. P1 has interest 60 in "it": fairness 1, interest 60.
    problem = kreis(
        students=(
            student("P1", grade=9),
            student("P2", grade=9),
            student("P3", grade=9, needs=frozenset({"barrierefrei"})),
        ),
        companies=(company("C"),),
        offers=(
            Offer(
                offer_id="PR",
                company_id="C",
                field_id="it",
                kind="praktikum",
                start_date=D(2027, 1, 11),
                end_date=D(2027, 1, 29),
                capacity=1,
            ),
        ),
        calendar=(
            CalendarEntry(
                school_id="S",
                kind="praktikum",
                grade=9,
                start_date=D(2027, 1, 11),
                end_date=D(2027, 1, 18),
                days=3,
            ),
        ),
        interests=scores({("P1", "it"): 60}),
        travel=minutes({("S", "C"): 15}),
    )
    plan = solve_checked(problem)
    blocks = set(zip(plan.assignments.start_date, plan.assignments.end_date, strict=True))
    assert blocks == {(D(2027, 1, 11), D(2027, 1, 13)), (D(2027, 1, 14), D(2027, 1, 18))}
    assert plan.objectives == objectives(coverage=2, fairness=1, interest=60, travel=30)
    assert missing(plan) == {("P3", "praktikum"): 1}


# --- pairs --------------------------------------------------------------------


def _two_companies(
    n_students: int,
    travel: Mapping[tuple[str, str], float],
    pairs: list[PairRow],
) -> Problem:
    """Students A, B, C (the first n) need one BFE day on 4 Nov; two places each
    in "it" at C1 and C2."""
    ids = ["A", "B", "C"][:n_students]
    return kreis(
        students=tuple(student(s) for s in ids),
        companies=(company("C1"), company("C2")),
        offers=(
            offer("O1", "C1", "it", NOV4, capacity=2),
            offer("O2", "C2", "it", NOV4, capacity=2),
        ),
        calendar=bfe_dates("S", NOV4),
        travel=minutes(travel),
        pairs=tuple(Pair(student_a=a, student_b=b, relation=r) for a, b, r in pairs),
    )


def _company_of(plan: Plan) -> dict[str, str]:
    a = plan.assignments
    return dict(zip(a.student_id, a.company_id, strict=True))


def test_apart_pair_is_split_and_together_counts_once() -> None:
    # Two places each at C1 and C2 on 4 Nov, all 10 min away. A and B must be
    # apart; C wishes to be with A and with B. A and B go to different
    # companies, so C can join only one of them: together 1.
    pairs: list[PairRow] = [("A", "B", "apart"), ("A", "C", "together"), ("B", "C", "together")]
    plan = solve_checked(_two_companies(3, {("S", "C1"): 10, ("S", "C2"): 10}, pairs))
    at = _company_of(plan)
    assert at["A"] != at["B"]
    assert plan.objectives == objectives(coverage=3, travel=30, together=1)


def test_together_pair_shares_a_company_when_travel_ties() -> None:
    plan = solve_checked(
        _two_companies(2, {("S", "C1"): 10, ("S", "C2"): 10}, [("A", "B", "together")])
    )
    assert _company_of(plan)["A"] == _company_of(plan)["B"]
    assert plan.objectives == objectives(coverage=2, travel=20, together=1)


_CROSSED = {("A", "C1"): 10, ("A", "C2"): 20, ("B", "C1"): 20, ("B", "C2"): 10}
"""A lives 10 min from C1 and 20 from C2, B the other way round."""


def test_together_ranks_above_travel() -> None:
    # Together would cost 30 min (both at C1 or both at C2), apart 20; in the
    # default order (contract v3) together comes before travel, so they share
    # a company: together 1, travel 30.
    plan = solve_checked(_two_companies(2, _CROSSED, [("A", "B", "together")]))
    assert _company_of(plan)["A"] == _company_of(plan)["B"]
    assert plan.objectives == objectives(coverage=2, travel=30, together=1)


def test_travel_ranks_above_together_in_the_order_of_version_2() -> None:
    # The planner's order of contract v2 (priorities.csv): travel before
    # together, so they split: travel 10 + 10 = 20, together 0.
    v2 = ("coverage", "stability", "fairness", "wishes", "interest", "travel", "together")
    problem = _two_companies(2, _CROSSED, [("A", "B", "together")]).model_copy(
        update={"priorities": tuple(Priority(level=name) for name in v2)}  # type: ignore[arg-type]
    )
    plan = solve_checked(problem)
    assert _company_of(plan) == {"A": "C1", "B": "C2"}
    assert plan.objectives == objectives(coverage=2, travel=20)


# --- previous plan ------------------------------------------------------------


def _previous_plan(*rows: PreviousAssignment) -> Problem:
    """A and B want "it" (90, 50); one place in "it", one in "soziales", on 4 Nov."""
    return kreis(
        students=(student("A"), student("B")),
        companies=(company("C1"), company("C2")),
        offers=(offer("IT", "C1", "it", NOV4), offer("SOZ", "C2", "soziales", NOV4)),
        calendar=bfe_dates("S", NOV4),
        interests=scores({("A", "it"): 90, ("B", "it"): 50}),
        travel=minutes({("S", "C1"): 10, ("S", "C2"): 10}),
        previous=rows,
    )


def _prev(sid: str, status: Literal["locked", "published"]) -> PreviousAssignment:
    return PreviousAssignment(
        student_id=sid, kind="bfe", offer_id="IT", start_date=NOV4, status=status
    )


def test_published_row_outranks_fairness_and_interest() -> None:
    # B was told "it" on 4 Nov. Keeping it (stability 1, level 2) beats giving
    # the place to A (interest 90 > 50, level 4). Fairness is 1 either way: only
    # the student in "it" is in a top field. Interest 50, travel 20.
    plan = solve_checked(_previous_plan(_prev("B", "published")))
    assert placed(plan) == {("B", "IT", NOV4, NOV4), ("A", "SOZ", NOV4, NOV4)}
    assert plan.objectives == objectives(
        coverage=2, stability=1, fairness=1, interest=50, travel=20
    )


def test_locked_row_is_kept_but_not_counted_as_stability() -> None:
    plan = solve_checked(_previous_plan(_prev("B", "locked")))
    assert ("B", "IT", NOV4, NOV4) in placed(plan)
    assert plan.objectives == objectives(coverage=2, fairness=1, interest=50, travel=20)


def test_locked_rows_over_capacity_raise() -> None:
    with pytest.raises(LockedConflictError):
        solve(_previous_plan(_prev("A", "locked"), _prev("B", "locked")), OPTIONS)


def test_candidate_date_on_a_saturday_is_an_input_error() -> None:
    problem = _previous_plan().model_copy(update={"calendar": bfe_dates("S", D(2026, 11, 7))})
    with pytest.raises(InputError):
        solve(problem, OPTIONS)


# --- reproducibility ----------------------------------------------------------


def test_same_seed_and_one_worker_give_identical_plans() -> None:
    # Many ties (who goes where is free at every level) make this a real test.
    pairs: list[PairRow] = [("A", "B", "apart"), ("A", "C", "together"), ("B", "C", "together")]
    problem = _two_companies(3, {("S", "C1"): 10, ("S", "C2"): 10}, pairs)
    first, second = solve(problem, OPTIONS), solve(problem, OPTIONS)
    pd.testing.assert_frame_equal(first.assignments, second.assignments)
    pd.testing.assert_frame_equal(first.unassigned, second.unassigned)


# --- why a student is short -----------------------------------------------------


def _short_of_a_second_day(offers: tuple[Offer, ...]) -> str:
    """A needs two BFE days (4 and 5 Nov); the one reason row of the plan."""
    problem = kreis(
        students=(student("A"),),
        companies=(company("C1"), company("C2")),
        offers=offers,
        calendar=bfe_dates("S", NOV4, NOV5, needed=2),
        travel=minutes({("S", "C1"): 10, ("S", "C2"): 20}),
    )
    plan = solve_checked(problem)
    assert plan.objectives["coverage"] == 1
    [reason] = plan.unassigned["reason"].tolist()
    return str(reason)


def test_reason_names_the_free_date_whose_offers_are_in_a_used_field() -> None:
    # Both days offer only "it"; the nearer one (4 Nov) is taken.
    reason = _short_of_a_second_day(
        (offer("IT1", "C1", "it", NOV4), offer("IT2", "C2", "it", NOV5))
    )
    assert reason == (
        "on 05.11.2026 the only offers within 45 minutes are in Berufsfelder already used"
    )


def test_reason_says_no_other_date_has_an_offer_in_reach() -> None:
    reason = _short_of_a_second_day((offer("IT1", "C1", "it", NOV4),))
    assert reason == "on 05.11.2026 no offer within 45 minutes is open"


def test_reason_names_every_candidate_date_left_open() -> None:
    # A needs three days (4, 5, 6 Nov): 4 Nov is placed; on 5 Nov the only offer
    # is in the field A already has; on 6 Nov nothing is open.
    problem = kreis(
        students=(student("A"),),
        companies=(company("C1"), company("C2")),
        offers=(offer("IT1", "C1", "it", NOV4), offer("IT2", "C2", "it", NOV5)),
        calendar=bfe_dates("S", NOV4, NOV5, NOV6, needed=3),
        travel=minutes({("S", "C1"): 10, ("S", "C2"): 20}),
    )
    plan = solve_checked(problem)
    assert missing(plan) == {("A", "bfe"): 2}
    assert plan.unassigned["reason"].tolist() == [
        "on 05.11.2026 the only offers within 45 minutes are in Berufsfelder already used; "
        "on 06.11.2026 no offer within 45 minutes is open"
    ]
