"""Praktikum blocks: hand-made Kreise with the optimum worked out by hand, and a
property test of the block rules on random Praktikum-only Kreise.

Every hand-made solve uses one worker and seed 0, runs to optimality and is
checked by the independent checker (see ``solve_checked``). Travel times come
from ``travel.csv`` rows. Working days of Jan 2027 (the Weihnachtsferien end on
Wed 6 Jan): Mon 11 to Fri 15, Mon 18 to Fri 22, Mon 25 to Fri 29 Jan, then
Mon 1 to Fri 5 Feb, no holiday among them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaoa_match import Problem, SolveOptions, solve
from kaoa_match.calendar import WorkingDays
from kaoa_match.exceptions import InputError
from kaoa_match.model import CalendarEntry, Company, ExtraHoliday, Offer, Student
from kaoa_match.options import build_options
from tests.checker import check_plan, objective_values
from tests.solvers.test_bfe_instances import (
    bfe_dates,
    company,
    kreis,
    minutes,
    missing,
    objectives,
    offer,
    placed,
    school,
    scores,
    solve_checked,
    student,
)

if TYPE_CHECKING:
    from kaoa_match import Plan

D = dt.date
JAN11, JAN15, JAN18, JAN22 = D(2027, 1, 11), D(2027, 1, 15), D(2027, 1, 18), D(2027, 1, 22)
JAN25, JAN29, FEB5 = D(2027, 1, 25), D(2027, 1, 29), D(2027, 2, 5)


def praktikum_offer(
    oid: str, cid: str, field: str, start: D, end: D, capacity: int = 1, **extra: Any
) -> Offer:
    return Offer(
        offer_id=oid,
        company_id=cid,
        field_id=field,
        kind="praktikum",
        start_date=start,
        end_date=end,
        capacity=capacity,
        **extra,
    )


def window(school_id: str, start: D, end: D, days: int = 10) -> CalendarEntry:
    """The Praktikum window of grade 9 at ``school_id``: blocks of ``days`` working days."""
    return CalendarEntry(
        school_id=school_id, kind="praktikum", grade=9, start_date=start, end_date=end, days=days
    )


def intern(sid: str, school_id: str = "S", **extra: Any) -> Student:
    return student(sid, school_id, grade=9, **extra)


def blocks(plan: Plan) -> dict[str, tuple[D, D]]:
    """Student -> (first, last working day) of the Praktikum block."""
    a = plan.assignments[plan.assignments.kind == "praktikum"]
    return {s: (f, e) for s, f, e in zip(a.student_id, a.start_date, a.end_date, strict=True)}


def reasons(plan: Plan) -> dict[tuple[str, str], str]:
    u = plan.unassigned
    return {(s, k): r for s, k, r in zip(u.student_id, u.kind, u.reason, strict=True)}


# --- (a) a holiday inside the window -------------------------------------------


@pytest.mark.parametrize(
    ("extra_holidays", "last_day"),
    [
        # Fronleichnam (Thu 27 May 2027) is an NRW public holiday: the ten
        # working days from Mon 24 May are 24-26, 28 May, 31 May-4 Jun, 7 Jun.
        ((), D(2027, 6, 7)),
        # holidays.csv adds the Brückentag Fri 28 May: one more day, to Tue 8 Jun.
        ((ExtraHoliday(date=D(2027, 5, 28), name="Brückentag"),), D(2027, 6, 8)),
    ],
)
def test_block_skips_holidays_inside_the_window(
    extra_holidays: tuple[ExtraHoliday, ...], last_day: D
) -> None:
    # The school window opens Mon 24 May and runs long enough; the offer opens
    # on 24 May too and closes on the block's last possible day, so the block
    # is exactly 24 May to ``last_day``. Coverage 1, travel 12, nothing else.
    problem = kreis(
        students=(intern("P"),),
        companies=(company("C"),),
        offers=(praktikum_offer("PR", "C", "it", D(2027, 5, 24), last_day),),
        calendar=(window("S", D(2027, 5, 24), D(2027, 6, 11)),),
        holidays=extra_holidays,
        travel=minutes({("S", "C"): 12}),
    )
    plan = solve_checked(problem)
    assert blocks(plan) == {"P": (D(2027, 5, 24), last_day)}
    assert plan.objectives == objectives(coverage=1, travel=12)


def test_window_shortened_by_a_holiday_below_the_block_is_an_input_error() -> None:
    # Mon 24 May to Fri 4 Jun holds ten weekdays but only nine working days.
    problem = kreis(
        students=(intern("P"),),
        companies=(company("C"),),
        offers=(praktikum_offer("PR", "C", "it", D(2027, 5, 24), D(2027, 6, 30)),),
        calendar=(window("S", D(2027, 5, 24), D(2027, 6, 4)),),
    )
    with pytest.raises(InputError):
        solve(problem, SolveOptions(workers=1, seed=0))


# --- (b) two schools with overlapping windows compete for one company ----------


def _two_schools(
    companies: tuple[Company, ...], offers: tuple[Offer, ...], **tables: Any
) -> Problem:
    """A at S1 (window 11-22 Jan) and B at S2 (window 18-29 Jan), blocks of 10:
    each school has exactly one possible block, and they share 18-22 Jan."""
    return kreis(
        schools=(school("S1"), school("S2")),
        students=(intern("A", "S1"), intern("B", "S2")),
        companies=companies,
        offers=offers,
        calendar=(window("S1", JAN11, JAN22), window("S2", JAN18, JAN29)),
        **tables,
    )


def test_overlapping_windows_one_place_decided_by_interest() -> None:
    # IT at C1 and SOZ at C2, one place each, open all January. Both students
    # score both fields, so both are top fields of both: coverage 2 and
    # fairness 2 either way. Interest: A it 90 + B soziales 70 = 160 beats
    # B it 80 + A soziales 60 = 140. Travel 4 x 10 min (a block counts once).
    problem = _two_schools(
        (company("C1"), company("C2")),
        (
            praktikum_offer("IT", "C1", "it", JAN11, JAN29),
            praktikum_offer("SOZ", "C2", "soziales", JAN11, JAN29),
        ),
        interests=scores(
            {("A", "it"): 90, ("A", "soziales"): 60, ("B", "it"): 80, ("B", "soziales"): 70}
        ),
        travel=minutes({("S1", "C1"): 10, ("S1", "C2"): 10, ("S2", "C1"): 10, ("S2", "C2"): 10}),
    )
    plan = solve_checked(problem)
    assert placed(plan) == {("A", "IT", JAN11, JAN22), ("B", "SOZ", JAN18, JAN29)}
    assert plan.objectives == objectives(coverage=2, fairness=2, interest=160, travel=20)
    assert missing(plan) == {}


def test_overlapping_windows_one_place_decided_by_travel() -> None:
    # One company, one place: only one of A and B gets a block (coverage 1).
    # No interests, so travel decides: C is 10 min from S1 and 30 from S2.
    # B is left out, and the reason names the taken Praktikum blocks.
    problem = _two_schools(
        (company("C"),),
        (praktikum_offer("PR", "C", "it", JAN11, JAN29),),
        travel=minutes({("S1", "C"): 10, ("S2", "C"): 30}),
    )
    plan = solve_checked(problem)
    assert placed(plan) == {("A", "PR", JAN11, JAN22)}
    assert plan.objectives == objectives(coverage=1, travel=10)
    assert missing(plan) == {("B", "praktikum"): 1}
    assert reasons(plan)[("B", "praktikum")] == (
        "no offer has a free block of 10 working days between 18.01.2027 and 29.01.2027 "
        "within 45 minutes (1 offer, full)"
    )


# --- (c) a floating window: only staggered starts place everyone ---------------


def _floating(n_students: int) -> Problem:
    """Blocks of 5 working days in a school window of three weeks (11-29 Jan,
    15 working days); one place at C, 15 min away."""
    return kreis(
        students=tuple(intern(f"P{k + 1}") for k in range(n_students)),
        companies=(company("C"),),
        offers=(praktikum_offer("PR", "C", "it", JAN11, FEB5),),
        calendar=(window("S", JAN11, JAN29, days=5),),
        travel=minutes({("S", "C"): 15}),
    )


def test_floating_window_two_students_start_apart() -> None:
    # Any two starts at least 5 working days apart place both: coverage 2,
    # travel 2 x 15. Which starts is free, so only disjointness is asserted.
    plan = solve_checked(_floating(2))
    assert plan.objectives == objectives(coverage=2, travel=30)
    days = WorkingDays()
    (first, last), (first2, last2) = sorted(blocks(plan).values())
    assert len(days.between(first, last)) == len(days.between(first2, last2)) == 5
    assert last < first2


def test_floating_window_three_students_fill_the_three_weeks() -> None:
    # Three blocks of five in fifteen working days with one place: the only
    # way is one week each, so the blocks are exactly the three weeks.
    plan = solve_checked(_floating(3))
    assert sorted(blocks(plan).values()) == [(JAN11, JAN15), (JAN18, JAN22), (JAN25, JAN29)]
    assert plan.objectives == objectives(coverage=3, travel=45)


# --- (d) capacity is per working day, not per window --------------------------


def test_one_place_takes_two_interns_in_consecutive_fortnights() -> None:
    # PR has one place from 11 Jan to 5 Feb. S1's window is 11-22 Jan, S2's is
    # 25 Jan-5 Feb, blocks of 10: A and B never overlap, so both get PR.
    # C (also S1) would share A's fortnight: left out. Travel 10 + 10, and
    # travel decides nothing between A and C (same school), so only counts
    # are asserted for S1.
    problem = kreis(
        schools=(school("S1"), school("S2")),
        students=(intern("A", "S1"), intern("B", "S2"), intern("C", "S1")),
        companies=(company("K"),),
        offers=(praktikum_offer("PR", "K", "it", JAN11, FEB5),),
        calendar=(window("S1", JAN11, JAN22), window("S2", JAN25, FEB5)),
        travel=minutes({("S1", "K"): 10, ("S2", "K"): 10}),
    )
    plan = solve_checked(problem)
    assert sorted(blocks(plan).values()) == [(JAN11, JAN22), (JAN25, FEB5)]
    assert blocks(plan)["B"] == (JAN25, FEB5)
    assert plan.objectives == objectives(coverage=2, travel=20)
    assert sum(missing(plan).values()) == 1


def test_two_places_hold_on_each_day_not_over_the_whole_offer() -> None:
    # Two places at PR; blocks of 5 at three schools: S1 11-15 Jan, S2 13-19 Jan
    # (13-15 and 18-19), S3 18-22 Jan. On any day at most two of them are
    # present (S1+S2 on 13-15, S2+S3 on 18-19), so A, B and C all fit. D (S2)
    # would make three on 13 Jan: left out. Travel 3 x 10.
    schools = ("S1", "S2", "S3")
    problem = kreis(
        schools=tuple(school(s) for s in schools),
        students=(intern("A", "S1"), intern("B", "S2"), intern("C", "S3"), intern("D", "S2")),
        companies=(company("K"),),
        offers=(praktikum_offer("PR", "K", "it", JAN11, JAN29, capacity=2),),
        calendar=(
            window("S1", JAN11, JAN15, days=5),
            window("S2", D(2027, 1, 13), D(2027, 1, 19), days=5),
            window("S3", JAN18, JAN22, days=5),
        ),
        travel=minutes({(s, "K"): 10 for s in schools}),
    )
    plan = solve_checked(problem)
    assert sorted(blocks(plan).values()) == [
        (JAN11, JAN15),
        (D(2027, 1, 13), D(2027, 1, 19)),
        (JAN18, JAN22),
    ]
    assert blocks(plan)["A"] == (JAN11, JAN15)
    assert blocks(plan)["C"] == (JAN18, JAN22)
    assert plan.objectives == objectives(coverage=3, travel=30)
    assert sum(missing(plan).values()) == 1


# --- (e) the age rule on the block's first day ---------------------------------


def test_min_age_on_the_first_day_of_the_block() -> None:
    # Window 11-29 Jan, blocks of 10: starts 11 to 18 Jan. K takes interns
    # from 15. Y turns 15 on Mon 18 Jan 2027, so only the block 18-29 Jan is
    # allowed (earlier starts are before the birthday). Z turns 15 on 19 Jan,
    # after the last possible start: no option at all. Coverage 1, travel 20.
    problem = kreis(
        students=(intern("Y", birth_date=D(2012, 1, 18)), intern("Z", birth_date=D(2012, 1, 19))),
        companies=(company("K", name="Werkstatt K", min_age=15),),
        offers=(praktikum_offer("PR", "K", "metall", JAN11, FEB5, capacity=3),),
        calendar=(window("S", JAN11, JAN29),),
        travel=minutes({("S", "K"): 20}),
    )
    plan = solve_checked(problem)
    assert blocks(plan) == {"Y": (JAN18, JAN29)}
    assert plan.objectives == objectives(coverage=1, travel=20)
    assert reasons(plan) == {
        ("Z", "praktikum"): "too young on every possible date: Werkstatt K requires age 15"
    }


# --- (f) a student in a BFE and a Praktikum cohort -----------------------------


def test_no_bfe_day_inside_the_praktikum_block() -> None:
    # Grade 9 at S has both a Praktikum window (11-15 Jan, blocks of 5: the
    # block is the whole week) and two BFE days among 13 and 20 Jan. BFE "it"
    # runs on 13 Jan only, "bau" on 20 Jan only; the Praktikum is in
    # "gesundheit". Block + BFE 13 + BFE 20 would be coverage 3 but puts a BFE
    # day inside the block, so the best is 2: block + 20 Jan (interest 90 + 40
    # = 130) beats 13 + 20 Jan (50 + 40 = 90); fairness 1 either way (all
    # three fields are top fields). Travel 2 x 10.
    problem = kreis(
        students=(intern("P"),),
        companies=(company("C1"), company("C2")),
        offers=(
            praktikum_offer("PR", "C1", "gesundheit", JAN11, JAN15),
            offer("IT", "C2", "it", D(2027, 1, 13)),
            offer("BAU", "C2", "bau", D(2027, 1, 20)),
        ),
        calendar=(
            window("S", JAN11, JAN15, days=5),
            *(
                row.model_copy(update={"grade": 9})
                for row in bfe_dates("S", D(2027, 1, 13), D(2027, 1, 20), needed=2)
            ),
        ),
        interests=scores({("P", "gesundheit"): 90, ("P", "it"): 50, ("P", "bau"): 40}),
        travel=minutes({("S", "C1"): 10, ("S", "C2"): 10}),
    )
    plan = solve_checked(problem)
    assert placed(plan) == {
        ("P", "PR", JAN11, JAN15),
        ("P", "BAU", D(2027, 1, 20), D(2027, 1, 20)),
    }
    assert plan.objectives == objectives(coverage=2, fairness=1, interest=130, travel=20)
    assert missing(plan) == {("P", "bfe"): 1}


# --- random Praktikum-only Kreise ----------------------------------------------

# 7 Jan to 26 Feb 2027: no NRW holiday, so only holidays.csv removes days.
_DATES = tuple(D(2027, 1, 7) + dt.timedelta(n) for n in range(51))
_FIRST_BIRTHDAY, _LAST_BIRTHDAY = D(2011, 12, 1), D(2012, 3, 31)  # 15 in Dec-Mar
PROPERTY_OPTIONS = SolveOptions(workers=1, seed=0, time_limit_s=None)


@st.composite
def praktikum_kreise(draw: st.DrawFn) -> Problem:
    """1-2 schools with a Praktikum window of ``days`` (2-4) to ``2 * days + 1``
    working days, close together; 2-5 interns; 1-2 offers with 0-2 places, open
    all the time or on dates of their own; minimum ages around the interns'
    15th birthdays; 0-2 holidays.csv days. Everything lies within 2 km, so
    travel never excludes an option."""
    extra = draw(st.lists(st.sampled_from(_DATES), unique=True, max_size=2))
    working = WorkingDays({d: "Brauchtumstag" for d in extra}).between(_DATES[0], _DATES[-1])
    near = {"lat": st.floats(51.45, 51.46), "lon": st.floats(7.00, 7.02)}
    schools, calendar = [], []
    near_first = draw(st.integers(0, len(working) - 1))  # so that windows compete
    for k in range(draw(st.integers(1, 2))):
        days = draw(st.integers(2, 4))
        length = draw(st.integers(days, 2 * days + 1))
        i = min(max(near_first + draw(st.integers(-6, 6)), 0), len(working) - length)
        schools.append(school(f"S{k + 1}").model_copy(update={"lat": draw(near["lat"])}))
        calendar.append(window(f"S{k + 1}", working[i], working[i + length - 1], days))
    births = st.none() | st.dates(_FIRST_BIRTHDAY, _LAST_BIRTHDAY)
    students = [
        intern(f"P{k + 1}", draw(st.sampled_from(schools)).school_id, birth_date=draw(births))
        for k in range(draw(st.integers(2, 5)))
    ]
    companies = [
        company(f"C{k + 1}").model_copy(
            update={"lon": draw(near["lon"]), "min_age": draw(st.sampled_from([None, 14, 15]))}
        )
        for k in range(draw(st.integers(1, 2)))
    ]
    offers = []
    for k in range(draw(st.integers(1, 2))):
        start, end = _DATES[0], _DATES[-1]
        if draw(st.booleans()):
            start = draw(st.sampled_from(_DATES))
            end = draw(st.sampled_from([d for d in _DATES if d >= start]))
        cid = draw(st.sampled_from(companies)).company_id
        field = draw(st.sampled_from(["it", "bau", "soziales"]))
        places = draw(st.sampled_from([0, 1, 1, 2]))
        offers.append(praktikum_offer(f"O{k + 1}", cid, field, start, end, places))
    interests = {(s.student_id, "it"): draw(st.integers(0, 100)) for s in students}
    return kreis(
        schools=tuple(schools),
        students=tuple(students),
        companies=tuple(companies),
        offers=tuple(offers),
        calendar=tuple(calendar),
        holidays=tuple(ExtraHoliday(date=d) for d in extra),
        interests=scores(interests),
    )


def _blocks_by_hand(problem: Problem) -> dict[str, list[tuple[str, tuple[D, ...]]]]:
    """Student -> every (offer, working days of the block) the rules allow,
    worked out from the contract without the package's eligibility code."""
    working = WorkingDays.for_problem(problem)
    windows = {e.school_id: e for e in problem.calendar}
    companies = {c.company_id: c for c in problem.companies}
    result: dict[str, list[tuple[str, tuple[D, ...]]]] = {}
    for s in problem.students:
        w = windows[s.school_id]
        days = working.between(w.start_date, w.last_date)
        n = w.needed_days
        spans = [tuple(days[k : k + n]) for k in range(len(days) - n + 1)]
        result[s.student_id] = [
            (o.offer_id, span)
            for o in problem.offers
            for span in spans
            if o.capacity > 0
            and o.start_date <= span[0]
            and span[-1] <= o.last_date
            and _old_enough(s.birth_date, companies[o.company_id].min_age, span[0])
        ]
    return result


def _old_enough(birth: D | None, min_age: int | None, day: D) -> bool:
    if min_age is None:
        return True
    if birth is None:
        return False
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day)) >= min_age


def _most_blocks(problem: Problem) -> int:
    """The most students that get a block at once (capacity per working day), by search."""
    capacity = {o.offer_id: o.capacity for o in problem.offers}
    choices = list(_blocks_by_hand(problem).values())
    present: Counter[tuple[str, D]] = Counter()
    best = 0

    def place(k: int, placed_so_far: int) -> None:
        nonlocal best
        best = max(best, placed_so_far)
        if k == len(choices) or placed_so_far + len(choices) - k <= best:
            return
        for offer_id, span in choices[k]:
            if all(present[(offer_id, d)] < capacity[offer_id] for d in span):
                present.update((offer_id, d) for d in span)
                place(k + 1, placed_so_far + 1)
                present.subtract((offer_id, d) for d in span)
        place(k + 1, placed_so_far)

    place(0, 0)
    return best


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problem=praktikum_kreise())
def test_every_praktikum_plan_obeys_the_block_rules(problem: Problem) -> None:
    plan = solve(problem, PROPERTY_OPTIONS)
    assert plan.status == "optimal"
    assert check_plan(problem, plan.assignments) == []
    assert plan.objectives == objective_values(problem, plan.assignments)
    assert plan.objectives == plan.bounds
    # Capacity holds per working day and no tighter: coverage is the most blocks
    # that fit, found by exhaustive search over the blocks worked out by hand.
    assert plan.objectives["coverage"] == _most_blocks(problem)
    # Every option the package finds, the hand-made rules find too, and back.
    opts = build_options(problem)
    found = {
        (
            problem.students[int(s)].student_id,
            problem.offers[int(o)].offer_id,
            opts.days[int(f)],
            opts.days[int(f) + int(n) - 1],
        )
        for s, o, f, n in zip(opts.student, opts.offer, opts.first_day, opts.n_days, strict=True)
        if problem.offers[int(o)].capacity > 0
    }
    by_hand = {
        (sid, oid, span[0], span[-1])
        for sid, spans in _blocks_by_hand(problem).items()
        for oid, span in spans
    }
    assert found == by_hand
