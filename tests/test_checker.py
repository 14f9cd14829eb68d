"""The independent plan checker on a hand-made Kreis: one broken rule at a time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings

from kaoa_match.calendar import WorkingDays
from kaoa_match.model import (
    Berufsfeld,
    CalendarEntry,
    Company,
    ExtraHoliday,
    Interest,
    Offer,
    Pair,
    PreviousAssignment,
    Problem,
    School,
    Student,
    TravelModel,
    TravelTime,
    Wish,
)
from kaoa_match.validation import validate
from tests.checker import (
    ASSIGNMENT_COLUMNS,
    OBJECTIVES,
    broken_rules,
    check_plan,
    objective_values,
    top_fields,
    travel_minutes,
)
from tests.strategies import small_problems

D = dt.date

# The hand-made Kreis. School S1 sends grade 8 (A, B) to two BFE days among
# 3-5 Nov 2026 and grade 9 (P) to a 3-day Praktikum in 11-22 Jan 2027;
# school S2 sends D to one BFE day on 12 Jan 2027. Travel comes from school rows.
OFFERS = {  # offer -> company, field
    "B1": ("C1", "it"),
    "B2": ("C2", "bau"),
    "B3": ("C2", "soziales"),
    "B4": ("C2", "it"),
    "B6": ("C1", "kunst"),
    "P1": ("C1", "it"),
    "P2": ("C1", "bau"),
}
SCHOOL_OF = {"A": "S1", "B": "S1", "P": "S1", "Q": "S1", "D": "S2"}
MINUTES = {("S1", "C1"): 20, ("S1", "C2"): 30, ("S2", "C1"): 25, ("S2", "C2"): 35}
SCORES = {("A", "it"): 80, ("A", "bau"): 50, ("B", "it"): 40, ("P", "it"): 60}


def _bfe(oid: str, start: D, end: D | None = None, capacity: int = 1) -> Offer:
    company, field = OFFERS[oid]
    return Offer(
        offer_id=oid,
        company_id=company,
        field_id=field,
        kind="bfe",
        start_date=start,
        end_date=end,
        capacity=capacity,
    )


def _praktikum(oid: str) -> Offer:
    company, field = OFFERS[oid]
    return Offer(
        offer_id=oid,
        company_id=company,
        field_id=field,
        kind="praktikum",
        start_date=D(2027, 1, 11),
        end_date=D(2027, 1, 29),
        capacity=1,
    )


def make_problem() -> Problem:
    nov = (D(2026, 11, 2), D(2026, 11, 6))
    return Problem(
        schools=(
            School(school_id="S1", school_type="Realschule", lat=51.45, lon=7.01),
            School(school_id="S2", school_type="Gesamtschule", lat=51.46, lon=7.02),
        ),
        students=(
            Student(student_id="A", school_id="S1", grade=8, birth_date=D(2012, 1, 15)),
            Student(student_id="B", school_id="S1", grade=8),
            Student(student_id="P", school_id="S1", grade=9, birth_date=D(2011, 6, 1)),
            Student(student_id="D", school_id="S2", grade=8, birth_date=D(2011, 9, 1)),
        ),
        companies=(
            Company(company_id="C1", lat=51.47, lon=7.03),
            Company(company_id="C2", lat=51.44, lon=7.0, provider_type="traeger"),
        ),
        offers=(
            _bfe("B1", *nov),
            _bfe("B2", *nov, capacity=2),
            _bfe("B3", *nov),
            _bfe("B4", *nov),
            _bfe("B6", D(2027, 1, 12)),
            _praktikum("P1"),
            _praktikum("P2"),
        ),
        calendar=(
            CalendarEntry(
                school_id="S1",
                kind="bfe",
                grade=8,
                start_date=D(2026, 11, 3),
                end_date=D(2026, 11, 5),
                days=2,
            ),
            CalendarEntry(
                school_id="S1",
                kind="praktikum",
                grade=9,
                start_date=D(2027, 1, 11),
                end_date=D(2027, 1, 22),
                days=3,
            ),
            CalendarEntry(school_id="S2", kind="bfe", grade=8, start_date=D(2027, 1, 12), days=1),
        ),
        interests=tuple(
            Interest(student_id=s, field_id=f, score=v) for (s, f), v in SCORES.items()
        ),
        travel=tuple(
            TravelTime(origin_id=o, company_id=c, minutes=m) for (o, c), m in MINUTES.items()
        ),
    )


Row = dict[str, Any]


def row(student: str, offer: str, start: D, end: D | None = None) -> Row:
    """A consistent assignments row, with travel and score from the tables above."""
    company, field = OFFERS[offer]
    school = SCHOOL_OF[student]
    return {
        "student_id": student,
        "school_id": school,
        "kind": "praktikum" if offer.startswith("P") else "bfe",
        "offer_id": offer,
        "company_id": company,
        "field_id": field,
        "start_date": start,
        "end_date": end or start,
        "travel_min": MINUTES[(school, company)],
        "score": SCORES.get((student, field), 0),
    }


def valid_rows() -> list[Row]:
    return [
        row("A", "B1", D(2026, 11, 3)),
        row("A", "B2", D(2026, 11, 4)),
        row("B", "B2", D(2026, 11, 3)),
        row("B", "B1", D(2026, 11, 4)),
        row("P", "P1", D(2027, 1, 11), D(2027, 1, 13)),
        row("D", "B6", D(2027, 1, 12)),
    ]


def frame(rows: list[Row]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(ASSIGNMENT_COLUMNS))


def test_valid_plan_passes() -> None:
    assert check_plan(make_problem(), frame(valid_rows())) == []


def test_empty_plan_passes() -> None:
    assert check_plan(make_problem(), frame([])) == []


def test_missing_columns_are_reported() -> None:
    rows = frame(valid_rows()).drop(columns=["travel_min"])
    assert check_plan(make_problem(), rows) == ["[columns] assignments lack the columns travel_min"]


def test_praktikum_block_may_span_a_weekend() -> None:
    # Thu 14, Fri 15, Mon 18 Jan 2027: three consecutive working days.
    rows = [*valid_rows()[:4], row("P", "P1", D(2027, 1, 14), D(2027, 1, 18))]
    assert check_plan(make_problem(), frame(rows)) == []


def test_apart_pair_may_use_one_company_on_different_days() -> None:
    problem = _with(make_problem(), pairs=(Pair(student_a="A", student_b="B", relation="apart"),))
    assert check_plan(problem, frame(valid_rows())) == []


# --- one rule broken at a time ------------------------------------------------

Mutation = Callable[[Problem, list[Row]], tuple[Problem, list[Row]]]


def _with(problem: Problem, **update: Any) -> Problem:
    return problem.model_copy(update=update)


def _replace(rows: list[Row], student: str, offer: str, new: Row) -> list[Row]:
    return [new if (r["student_id"], r["offer_id"]) == (student, offer) else r for r in rows]


def _edit(rows: list[Row], student: str, offer: str, **changes: Any) -> list[Row]:
    return [
        {**r, **changes} if (r["student_id"], r["offer_id"]) == (student, offer) else r
        for r in rows
    ]


def _offer(problem: Problem, oid: str, **changes: Any) -> Problem:
    offers = tuple(o.model_copy(update=changes) if o.offer_id == oid else o for o in problem.offers)
    return _with(problem, offers=offers)


def _student(problem: Problem, sid: str, **changes: Any) -> Problem:
    students = tuple(
        s.model_copy(update=changes) if s.student_id == sid else s for s in problem.students
    )
    return _with(problem, students=students)


def _company(problem: Problem, cid: str, **changes: Any) -> Problem:
    companies = tuple(
        c.model_copy(update=changes) if c.company_id == cid else c for c in problem.companies
    )
    return _with(problem, companies=companies)


def _add_q(problem: Problem) -> Problem:
    q = Student(student_id="Q", school_id="S1", grade=9, birth_date=D(2011, 2, 1))
    return _with(problem, students=(*problem.students, q))


def _locked(student: str, offer: str, start: D, end: D | None = None) -> PreviousAssignment:
    return PreviousAssignment(
        student_id=student,
        kind="praktikum" if offer.startswith("P") else "bfe",
        offer_id=offer,
        start_date=start,
        end_date=end,
        status="locked",
    )


NOV3, NOV4 = D(2026, 11, 3), D(2026, 11, 4)
CASES: dict[str, tuple[Mutation, str]] = {
    "unknown student": (
        lambda p, r: (p, [*r, {**row("A", "B3", D(2026, 11, 5)), "student_id": "Z"}]),
        "unknown-student",
    ),
    "unknown offer": (
        lambda p, r: (p, _edit(r, "A", "B2", offer_id="B9")),
        "unknown-offer",
    ),
    "school_id of another school": (
        lambda p, r: (p, _edit(r, "A", "B2", school_id="S2")),
        "school-id",
    ),
    "company_id not the offer's": (
        lambda p, r: (p, _edit(r, "A", "B2", company_id="C1")),
        "company-id",
    ),
    "field_id not the offer's": (
        lambda p, r: (p, _edit(r, "A", "B2", field_id="it")),
        "field-id",
    ),
    "kind not the offer's": (
        lambda p, r: (p, _edit(r, "A", "B2", kind="praktikum")),
        "kind-mismatch",
    ),
    "travel_min not the look-up": (
        lambda p, r: (p, _edit(r, "A", "B2", travel_min=29)),
        "travel-min",
    ),
    "score not the interest": (
        lambda p, r: (p, _edit(r, "A", "B2", score=0)),
        "score",
    ),
    "no calendar row of that kind": (
        # P is in grade 9, which has a Praktikum window but no BFE dates.
        lambda p, r: (p, [*r, {**row("A", "B3", D(2026, 11, 5)), "student_id": "P"}]),
        "calendar",
    ),
    "grade not allowed": (
        lambda p, r: (_offer(p, "B1", grades=frozenset({9})), r),
        "grade",
    ),
    "school type not allowed": (
        lambda p, r: (_offer(p, "B1", school_types=frozenset({"Gymnasium"})), r),
        "school-type",
    ),
    "needs not provided": (
        lambda p, r: (_student(p, "A", needs=frozenset({"barrierefrei"})), r),
        "needs",
    ),
    "requires not held": (
        lambda p, r: (_company(p, "C2", requires=frozenset({"ifsg"})), r),
        "requires",
    ),
    "too young or no birth date": (
        # A is 14 on 3 Nov 2026 and B has no birth date; P is 15 on 11 Jan 2027
        # and D 15 on 12 Jan 2027, so only A and B break the rule at C1.
        lambda p, r: (_company(p, "C1", min_age=15), r),
        "min-age",
    ),
    "travel over the student's own limit": (
        lambda p, r: (_student(p, "A", max_travel_min=25), r),
        "travel-limit",
    ),
    "travel over the default limit": (
        lambda p, r: (_with(p, travel_model=TravelModel(default_max_travel_min=25)), r),
        "travel-limit",
    ),
    "BFE on more days than needed": (
        lambda p, r: (p, [*r, row("A", "B3", D(2026, 11, 5))]),
        "bfe-days-count",
    ),
    "two BFE rows on one day": (
        lambda p, r: (p, _edit(r, "A", "B2", start_date=NOV3, end_date=NOV3)),
        "bfe-distinct-days",
    ),
    "BFE on a non-working day": (
        lambda p, r: (_with(p, holidays=(ExtraHoliday(date=NOV4, name="Brückentag"),)), r),
        "bfe-working-day",
    ),
    "BFE not on a candidate date": (
        lambda p, r: (p, _replace(r, "A", "B1", row("A", "B1", D(2026, 11, 2)))),
        "bfe-candidate-date",
    ),
    "BFE outside the offer's range": (
        lambda p, r: (_offer(p, "B1", start_date=NOV4), r),
        "offer-range",
    ),
    "BFE twice in one field": (
        lambda p, r: (p, _replace(r, "A", "B2", row("A", "B4", NOV4))),
        "bfe-distinct-fields",
    ),
    "BFE row over two days": (
        lambda p, r: (p, _edit(r, "A", "B2", end_date=D(2026, 11, 5))),
        "bfe-single-day",
    ),
    "BFE capacity": (
        lambda p, r: (
            p,
            [
                row("A", "B1", NOV3),
                row("A", "B2", NOV4),
                row("B", "B1", NOV3),
                row("B", "B2", NOV4),
                *r[4:],
            ],
        ),
        "bfe-capacity",
    ),
    "two Praktikum blocks": (
        lambda p, r: (p, [*r, row("P", "P1", D(2027, 1, 18), D(2027, 1, 20))]),
        "praktikum-count",
    ),
    "Praktikum block too long": (
        lambda p, r: (p, _edit(r, "P", "P1", end_date=D(2027, 1, 14))),
        "praktikum-length",
    ),
    "Praktikum block starting on a Saturday": (
        # Sat 16 to Wed 20 Jan holds three working days but starts on a weekend.
        lambda p, r: (p, _edit(r, "P", "P1", start_date=D(2027, 1, 16), end_date=D(2027, 1, 20))),
        "praktikum-length",
    ),
    "Praktikum outside the school window": (
        lambda p, r: (p, _edit(r, "P", "P1", start_date=D(2027, 1, 25), end_date=D(2027, 1, 27))),
        "praktikum-school-window",
    ),
    "Praktikum outside the offer window": (
        lambda p, r: (_offer(p, "P1", start_date=D(2027, 1, 12)), r),
        "offer-range",
    ),
    "Praktikum capacity on an overlapping day": (
        lambda p, r: (_add_q(p), [*r, row("Q", "P1", D(2027, 1, 13), D(2027, 1, 15))]),
        "praktikum-capacity",
    ),
    "apart pair at one company on one day (two BFE offers)": (
        lambda p, r: (
            _with(p, pairs=(Pair(student_a="A", student_b="B", relation="apart"),)),
            _replace(r, "B", "B1", row("B", "B3", NOV4)),
        ),
        "apart",
    ),
    "apart pair, one of them in a Praktikum": (
        lambda p, r: (_with(p, pairs=(Pair(student_a="D", student_b="P", relation="apart"),)), r),
        "apart",
    ),
    "locked row not kept": (
        lambda p, r: (_with(p, previous=(_locked("A", "B1", NOV4),)), r),
        "locked",
    ),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_each_broken_rule_is_reported_alone(case: str) -> None:
    mutate, rule = CASES[case]
    problem, rows = mutate(make_problem(), valid_rows())
    assert broken_rules(check_plan(problem, frame(rows))) == {rule}


def test_messages_name_the_row_and_the_rule() -> None:
    problem = _company(make_problem(), "C1", min_age=15)
    assert check_plan(problem, frame(valid_rows())) == [
        "[min-age] row 0 (student A, offer B1, 2026-11-03): younger than 15 on 2026-11-03",
        "[min-age] row 3 (student B, offer B1, 2026-11-04): no birth date, the company "
        "needs age 15",
    ]


def test_capacity_message_names_offer_day_and_count() -> None:
    problem, rows = CASES["BFE capacity"][0](make_problem(), valid_rows())
    assert check_plan(problem, frame(rows)) == [
        "[bfe-capacity] offer B1 on 2026-11-03: 2 students, capacity 1"
    ]


def test_min_age_is_reached_on_the_birthday() -> None:
    # A turns 15 on 3 Nov 2026, the day of A's placement at C1.
    problem = _student(_company(make_problem(), "C1", min_age=15), "A", birth_date=D(2011, 11, 3))
    rows = [r for r in valid_rows() if r["student_id"] != "B"]
    assert check_plan(problem, frame(rows)) == []
    later = _student(problem, "A", birth_date=D(2011, 11, 4))
    assert broken_rules(check_plan(later, frame(rows))) == {"min-age"}


def test_school_limit_applies_unless_the_student_has_one() -> None:
    # S1 allows 25 min, so A and B may not go to C2 (30 min), unless B's own 40 applies.
    problem = _with(
        make_problem(),
        schools=(
            School(school_id="S1", lat=51.45, lon=7.01, max_travel_min=25),
            make_problem().schools[1],
        ),
    )
    problem = _student(problem, "B", max_travel_min=40)
    errors = check_plan(problem, frame(valid_rows()))
    assert errors == [
        "[travel-limit] row 1 (student A, offer B2, 2026-11-04): 30 min > limit 25 min"
    ]


def test_locked_rows_kept_exactly_pass() -> None:
    problem = _with(
        make_problem(),
        previous=(
            _locked("A", "B1", NOV3),
            _locked("P", "P1", D(2027, 1, 11), D(2027, 1, 13)),
        ),
    )
    assert check_plan(problem, frame(valid_rows())) == []
    moved = _with(problem, previous=(_locked("P", "P1", D(2027, 1, 11), D(2027, 1, 14)),))
    assert broken_rules(check_plan(moved, frame(valid_rows()))) == {"locked"}


# --- travel look-up -----------------------------------------------------------


def _travel_problem(*rows: TravelTime, home: bool = True) -> Problem:
    base = make_problem()
    student = Student(
        student_id="A",
        school_id="S1",
        grade=8,
        home_lat=51.0 if home else None,
        home_lon=7.0 if home else None,
    )
    return _with(
        base,
        schools=(School(school_id="S1", lat=51.1, lon=7.0), base.schools[1]),
        students=(student,),
        companies=(Company(company_id="C1", lat=51.1, lon=7.0),),
        travel=rows,
    )


def test_travel_lookup_order_and_estimate() -> None:
    student_row = TravelTime(origin_id="A", company_id="C1", minutes=12.5)
    school_row = TravelTime(origin_id="S1", company_id="C1", minutes=33)
    # Own row first, rounded half up (12.5 -> 13); then the school's row.
    assert travel_minutes(_travel_problem(student_row, school_row), "A", "C1") == 13
    assert travel_minutes(_travel_problem(school_row), "A", "C1") == 33
    # Home (51.0, 7.0) to C1 (51.1, 7.0): 0.1 degree of latitude = 11.1195 km;
    # 10 + 60 * 1.3 * 11.1195 / 20 = 53.37 -> 53 minutes.
    assert travel_minutes(_travel_problem(), "A", "C1") == 53
    # Without a home the journey starts at the school, which is at C1: 10 minutes.
    assert travel_minutes(_travel_problem(home=False), "A", "C1") == 10


# --- objectives ---------------------------------------------------------------


def test_top_fields_take_ties_and_skip_zero() -> None:
    fields = tuple(Berufsfeld(field_id=f) for f in ("a", "b", "c", "d", "e"))
    scores = {"a": 50, "b": 50, "c": 30, "d": 30}
    problem = _with(
        make_problem(),
        fields=fields,
        interests=tuple(Interest(student_id="A", field_id=f, score=v) for f, v in scores.items()),
    )
    # Sorted 50, 50, 30, 30, 0: the third value is 30, so a tie takes four fields.
    assert top_fields(problem, "A") == {"a", "b", "c", "d"}
    # B has no scores at all: every field is 0, none is a top field.
    assert top_fields(problem, "B") == set()


def test_objective_values_on_a_hand_counted_plan() -> None:
    problem = _with(
        make_problem(),
        previous=(
            PreviousAssignment(student_id="A", kind="bfe", offer_id="B1", start_date=NOV3),
            PreviousAssignment(
                student_id="B", kind="bfe", offer_id="B1", start_date=D(2026, 11, 5)
            ),
            _locked("P", "P1", D(2027, 1, 11), D(2027, 1, 13)),
        ),
        wishes=(
            Wish(student_id="A", rank=1, offer_id="B1"),
            Wish(student_id="A", rank=2, company_id="C1"),
            Wish(student_id="B", rank=1, field_id="kunst"),
            Wish(student_id="B", rank=3, company_id="C2"),
            Wish(student_id="P", rank=2, field_id="it"),
            Wish(student_id="D", rank=5, offer_id="B1"),
        ),
        pairs=(
            Pair(student_a="A", student_b="B", relation="together"),
            Pair(student_a="D", student_b="P", relation="together"),
        ),
    )
    assert check_plan(problem, frame(valid_rows())) == []
    assert objective_values(problem, frame(valid_rows())) == {
        # A 2 + B 2 BFE days, P one block, D one day.
        "coverage": 6,
        # A's published row is kept, B's moved; the locked row does not count.
        "stability": 1,
        # Top fields: A {it, bau}, B {it}, P {it}, D none; A, B, P placed in one.
        "fairness": 3,
        # A: offer B1 (rank 1) and company C1 (2); B: company C2 (3), not kunst;
        # P: field it (2); D never goes to B1: 5 + 4 + 3 + 4.
        "wishes": 16,
        # A 80 + 50, B 0 + 40, P 60, D 0.
        "interest": 230,
        # A 20 + 30, B 30 + 20, P 20 (the block once), D 25.
        "travel": 145,
        # A and B never share a company on a day; D and P are both at C1 on 12 Jan.
        "together": 1,
    }
    assert set(OBJECTIVES) == set(objective_values(problem, frame([])))


# --- the strategy for random Kreise -------------------------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problem=small_problems())
def test_small_problems_are_valid_input(problem: Problem) -> None:
    report = validate(problem)
    assert report.errors == []
    assert report.warnings == []
    working = WorkingDays.for_problem(problem)
    for entry in problem.calendar:
        days = working.between(entry.start_date, entry.last_date)
        if entry.kind == "bfe":
            assert len(days) == (entry.last_date - entry.start_date).days + 1
        else:
            assert len(days) >= entry.needed_days
    assert 2 <= len(problem.students) <= 8
    assert check_plan(problem, frame([])) == []
