"""The interest bound at the prices of the LP over every option (``lp_prices``).

A hand-made Kreis where holding the wish points decides the bound, and random
small Kreise whose exact optimum the bound must never cut off.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from hypothesis import HealthCheck, given, settings

from kaoa_match import Problem, SolveOptions, solve
from kaoa_match.model import TravelTime, Wish
from kaoa_match.solvers.bounds.combine import HeldBound as _HeldBound
from kaoa_match.solvers.bounds.combine import whole_kreis_bound as _whole_kreis_bound
from kaoa_match.solvers.bounds.lagrangian import (
    Held,
    Objective,
    StudentProblems,
    bound_at,
    lagrangian_bound,
)
from kaoa_match.solvers.bounds.lp_prices import LpPrices, column_generation, lp_prices
from kaoa_match.solvers.bounds.whole_kreis import (
    _at_lp_prices,
    _off_top_row,
    bounds_over_every_option,
)
from kaoa_match.solvers.budget import TimePolicy
from kaoa_match.solvers.start.flows import level_values
from kaoa_match.solvers.start.lp_guided import coverage_repaired as _coverage_repaired
from kaoa_match.solvers.start.lp_guided import lp_plan_guided as _lp_plan_guided
from kaoa_match.solvers.variables import Candidates, WishMatches
from tests.solvers.test_bfe_instances import (
    NOV3,
    bfe_dates,
    company,
    first_come_fails,
    kreis,
    minutes,
    offer,
    school,
    scores,
    student,
)
from tests.solvers.test_flows import kreis_and_options
from tests.solvers.test_praktikum import JAN11, JAN18, JAN22, JAN29, intern, praktikum_offer, window
from tests.strategies import small_problems

if TYPE_CHECKING:
    from collections.abc import Callable

EXACT = SolveOptions(workers=1, seed=0, time_limit_s=None)


def _interest_and_wishes(
    problem: Problem,
) -> tuple[Candidates, StudentProblems, Objective, Objective]:
    k, cand = kreis_and_options(problem)
    sp = StudentProblems.of(cand, k.capacity, k.bfe_needed, k.top, k.n_days)
    points = WishMatches.of(k.wishes, cand).option_points(len(cand)).astype(np.float64)
    return cand, sp, Objective(cand.score.astype(np.float64)), Objective(points)


def _bound(problem: Problem, wishes_held: int) -> tuple[float, float]:
    """The interest bound at the LP's prices with the wish points held at
    ``wishes_held``, and the price of that held row."""
    cand, sp, interest, wishes = _interest_and_wishes(problem)
    held = [Held(wishes, float(wishes_held))]
    prices = lp_prices(sp, cand, interest, held, seconds=30.0)
    assert prices is not None
    value, _ = bound_at(sp, interest, held, prices.capacity, prices.held)
    return value, float(prices.held[0])


def _problems_of(problem: Problem) -> Callable[[Candidates], StudentProblems]:
    """The student problems of a subset of ``problem``'s options."""
    k, _ = kreis_and_options(problem)
    return lambda sub: StudentProblems.of(sub, k.capacity, k.bfe_needed, k.top, k.n_days)


def _two_students_one_place_each() -> Problem:
    """A and B both score IT 90 and Soziales 50; each offer has one place."""
    return kreis(
        students=(student("A"), student("B")),
        companies=(company("C1"), company("C2")),
        offers=(offer("IT", "C1", "it", NOV3), offer("SOZ", "C2", "soziales", NOV3)),
        calendar=bfe_dates("S", NOV3),
        interests=scores(
            {("A", "it"): 90, ("A", "soziales"): 50, ("B", "it"): 90, ("B", "soziales"): 50}
        ),
    )


def test_holding_the_wishes_brings_the_bound_down_to_the_optimum() -> None:
    # One student, one BFE day, two places: IT (interest 90) and the wished
    # company C2's Soziales place (interest 50, the first wish: 5 points).
    # With the 5 wish points held the only plan takes C2: interest 50. The
    # LP's price of the held row is 8 (the 40 interest given up for 5
    # points), and at it the Lagrangian bound is 50; left free it would be 90.
    problem = kreis(
        students=(student("A"),),
        companies=(company("C1"), company("C2")),
        offers=(offer("IT", "C1", "it", NOV3), offer("SOZ", "C2", "soziales", NOV3)),
        calendar=bfe_dates("S", NOV3),
        interests=scores({("A", "it"): 90, ("A", "soziales"): 50}),
        wishes=(Wish(student_id="A", rank=1, company_id="C2"),),
    )
    assert solve(problem, EXACT).objectives["interest"] == 50  # wishes come first: 5 points
    value, price = _bound(problem, wishes_held=5)
    assert np.floor(value + 1e-6) == 50
    assert price > 7.5
    # The same prices bound plans with fewer wish points: 8 more per point.
    held = _HeldBound(value, {"wishes": 5}, {"wishes": price})
    assert held.for_plan({"wishes": 5}) == 50
    assert held.for_plan({"wishes": 0}) >= 90


def test_overlapping_blocks_are_bounded_on_the_rows_where_blocks_start() -> None:
    # Two schools' Praktikum windows overlap in the week of 18 Jan; the one
    # place of the offer takes one block of ten days, so only one of the two
    # students (interest 80 each) gets it: the optimum is 80, the per-student
    # bound 160. Only the two first days' rows are kept (every other day's is
    # implied), and on them both the LP's prices and the subgradient steps
    # find 80.
    problem = kreis(
        schools=(school("S"), school("T")),
        students=(intern("A", "S"), intern("B", "T")),
        companies=(company("C"),),
        offers=(praktikum_offer("PR", "C", "it", JAN11, JAN29),),
        calendar=(window("S", JAN11, JAN22), window("T", JAN18, JAN29)),
        interests=scores({("A", "it"): 80, ("B", "it"): 80}),
    )
    assert solve(problem, EXACT).objectives["interest"] == 80
    cand, sp, interest, _ = _interest_and_wishes(problem)
    assert len(cand) == 2
    assert int(sp.binding.sum()) == 2
    free = np.zeros(sp.n_slots)
    assert bound_at(sp, interest, [], free, np.zeros(0))[0] == 160
    prices = lp_prices(sp, cand, interest, [], seconds=30.0)
    assert prices is not None
    assert np.floor(bound_at(sp, interest, [], prices.capacity, prices.held)[0] + 1e-6) == 80
    assert np.count_nonzero(prices.capacity[~sp.binding]) == 0
    steps = lagrangian_bound(sp, interest, [], target=80.0, seconds=None)
    assert np.floor(steps.bound + 1e-6) == 80


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(problem=small_problems())
def test_the_bound_at_the_lp_prices_never_cuts_off_the_optimum(problem: Problem) -> None:
    # The exact lexicographic optimum has its wish points; every plan with at
    # least those (the optimum among them) has at most the bound's interest,
    # and so has every plan with fewer points under the price correction.
    exact = solve(problem, EXACT)
    assert exact.status == "optimal"
    value, price = _bound(problem, wishes_held=exact.objectives["wishes"])
    held = _HeldBound(value, {"wishes": exact.objectives["wishes"]}, {"wishes": price})
    assert held.for_plan(exact.objectives) >= exact.objectives["interest"]
    assert held.for_plan({"wishes": 0}) >= held.for_plan(exact.objectives)


def test_the_tighter_bound_is_reported_with_its_source() -> None:
    # The held bound moves with the plan's wish points (price 8 a point); the
    # subgradient bound does not. The tighter of the two is reported.
    held = {"interest": _HeldBound(100.0, {"wishes": 5}, {"wishes": 8.0})}
    free = {"interest": 120}
    assert _whole_kreis_bound("interest", free, held, {"wishes": 5}) == (100, "lp-prices")
    assert _whole_kreis_bound("interest", free, held, {"wishes": 6}) == (92, "lp-prices")
    # Two points short of the held value: 116, still below the free bound.
    assert _whole_kreis_bound("interest", free, held, {"wishes": 3}) == (116, "lp-prices")
    assert _whole_kreis_bound("interest", free, held, {"wishes": 2}) == (120, "lagrangian")
    assert _whole_kreis_bound("interest", {}, held, {"wishes": 0}) == (140, "lp-prices")
    assert _whole_kreis_bound("travel", {"travel": 50}, held, {"wishes": 5}) == (50, "lagrangian")


def _one_wished_place() -> Problem:
    """A and B both wish company C2 (one place) first, 5 points each; C1 has
    places for both."""
    return kreis(
        students=(student("A"), student("B")),
        companies=(company("C1"), company("C2")),
        offers=(
            offer("IT", "C1", "it", NOV3, capacity=2),
            offer("SOZ", "C2", "soziales", NOV3),
        ),
        calendar=bfe_dates("S", NOV3),
        wishes=(
            Wish(student_id="A", rank=1, company_id="C2"),
            Wish(student_id="B", rank=1, company_id="C2"),
        ),
    )


def test_the_wish_bound_sees_the_capacity_that_per_student_limits_ignore() -> None:
    # A and B both wish company C2 first (5 points each), which has one place;
    # C1 has places for both. Each alone could have their wish (per-student
    # limit 10), but only one can: the LP prices C2's place at 5 points, and
    # at that price the bound is the optimum, 5.
    problem = _one_wished_place()
    assert solve(problem, EXACT).objectives["wishes"] == 5
    cand, sp, _, wishes = _interest_and_wishes(problem)
    prices = lp_prices(sp, cand, wishes, [], seconds=30.0)
    assert prices is not None
    value, _ = bound_at(sp, wishes, [], prices.capacity, prices.held)
    assert np.floor(value + 1e-6) == 5
    # The LP over the two options that grant a wish alone has the same prices.
    found = column_generation(
        sp,
        cand,
        wishes,
        [],
        np.flatnonzero(wishes.option_value),
        _problems_of(problem),
        seconds=30.0,
        rounds=1,
    )
    assert found is not None
    assert found.columns == 2 < len(cand)
    assert np.floor(found.value + 1e-6) == 5


def test_column_generation_adds_the_options_that_price_out() -> None:
    # A and B both score IT 90 and Soziales 50, one place each: the optimum
    # is 140, each student's own best 90. The LP starts over A's options only;
    # B's join once they price out, and the bound comes down to 140.
    problem = _two_students_one_place_each()
    assert solve(problem, EXACT).objectives["interest"] == 140
    cand, sp, interest, _ = _interest_and_wishes(problem)
    of_a = np.flatnonzero(cand.student == cand.student.min())
    assert len(of_a) == 2
    found = column_generation(sp, cand, interest, [], of_a, _problems_of(problem), seconds=30.0)
    assert found is not None
    assert np.floor(found.value + 1e-6) == 140
    assert found.columns == len(cand)  # B's options joined
    assert set(cand.student[found.chosen].tolist()) == set(cand.student.tolist())


def test_the_interest_lps_plan_is_taken_only_where_it_is_better() -> None:
    # A and B both score IT 90 and Soziales 50, one place each. The LP's plan
    # rounds to the best (interest 140); a start with only A in Soziales (50)
    # gives way to it, and the best start stays when the LP's plan is worse.
    problem = _two_students_one_place_each()
    k, cand = kreis_and_options(problem)
    wishes = WishMatches.of(k.wishes, cand)
    flows = k.flow_kreis(cand, np.zeros(0, dtype=np.int64), wishes)
    a, b = (cand.student == s for s in np.unique(cand.student))
    best = (a & (cand.score == 90)) | (b & (cand.score == 50))
    poor = a & (cand.score == 50)
    every = np.ones(len(cand), dtype=bool)
    greedy_input = k.greedy_input(cand, wishes)
    guided = _lp_plan_guided(k, cand, greedy_input, flows, poor, best * 1.0, 0.0, every, 0)
    assert guided.tolist() == best.tolist()
    kept = _lp_plan_guided(k, cand, greedy_input, flows, best, poor * 1.0, 0.0, every, 0)
    assert kept.tolist() == best.tolist()


def test_a_rounded_plan_short_of_a_placement_is_completed_by_moving_a_rival() -> None:
    # One place a day at O on 3 and 4 Nov; A may go on either day, B only on
    # 3 Nov. A rounded plan with A on 3 Nov leaves B short, and no single
    # placement added fixes it: A must move to 4 Nov first. The repair frees
    # B and A (who holds B's place) and places both.
    k, cand = kreis_and_options(first_come_fails())
    a, b = (cand.student == s for s in np.unique(cand.student))
    first = cand.first_day == cand.first_day.min()
    short = a & first
    repaired = _coverage_repaired(k, cand, short, np.ones(len(cand), dtype=bool), seed=0)
    assert repaired.tolist() == ((a & ~first) | (b & first)).tolist()
    assert short.sum() == 1  # the plan given is left as it was
    # Where A may not take 4 Nov, nothing places B.
    assert _coverage_repaired(k, cand, short, first, seed=0).tolist() == short.tolist()


def _travel_bound(problem: Problem, values: dict[str, int]) -> _HeldBound:
    """The travel bound at the LP's prices with coverage, the wish points and
    interest held at ``values``."""
    cand, sp, interest, wishes = _interest_and_wishes(problem)
    coverage = Objective(np.ones(len(cand)))
    travel = Objective(-cand.travel.astype(np.float64))
    names = ["coverage", "wishes", "interest"]
    held = [
        Held(objective, float(values[name]))
        for name, objective in zip(names, (coverage, wishes, interest), strict=True)
    ]
    prices = lp_prices(sp, cand, travel, held, seconds=30.0)
    assert prices is not None
    value, _ = bound_at(sp, travel, held, prices.capacity, prices.held)
    return _HeldBound(
        value,
        {name: values[name] for name in names},
        dict(zip(names, map(float, prices.held), strict=True)),
        maximize=False,
    )


def test_the_travel_bound_holds_interest() -> None:
    # One student, one day: "it" (score 100) 40 minutes away or "bau" (99) 10
    # minutes away. Without interest held the bound is 10; with interest held
    # at 100 only the far place is left: 40. A plan one point short of 100
    # may save 30 minutes a point (the price of interest): 10 again.
    problem = kreis(
        students=(student("A"),),
        companies=(company("FAR"), company("NEAR")),
        offers=(offer("O1", "FAR", "it", NOV3), offer("O2", "NEAR", "bau", NOV3)),
        calendar=bfe_dates("S", NOV3),
        interests=scores({("A", "it"): 100, ("A", "bau"): 99}),
        travel=(
            TravelTime(origin_id="A", company_id="FAR", minutes=40),
            TravelTime(origin_id="A", company_id="NEAR", minutes=10),
        ),
    )
    bound = _travel_bound(problem, {"coverage": 1, "wishes": 0, "interest": 100})
    assert bound.for_plan({"coverage": 1, "wishes": 0, "interest": 100}) == 40
    assert bound.for_plan({"coverage": 1, "wishes": 0, "interest": 99}) <= 10


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(problem=small_problems())
def test_the_travel_bound_never_cuts_off_the_optimum(problem: Problem) -> None:
    # The exact plan has the least travel among the plans that hold the levels
    # above at least where it holds them: the bound lies at or below it.
    exact = solve(problem, EXACT)
    assert exact.status == "optimal"
    bound = _travel_bound(problem, exact.objectives)
    assert bound.for_plan(exact.objectives) <= exact.objectives["travel"]


def _interest_prices(problem: Problem, wishes_held: int) -> LpPrices:
    """The interest LP's prices and last iterate, the wish points held."""
    cand, sp, interest, wishes = _interest_and_wishes(problem)
    prices = lp_prices(sp, cand, interest, [Held(wishes, float(wishes_held))], seconds=30.0)
    assert prices is not None
    return prices


def _travel_from_interest(problem: Problem, values: dict[str, int]) -> _HeldBound:
    """The travel bound of the LP with coverage, the wish points and interest
    held at ``values``, started from the interest LP's plan and prices (its
    held rows differ: only the shared rows' duals carry over)."""
    cand, sp, interest, wishes = _interest_and_wishes(problem)
    names = ["coverage", "wishes", "interest"]
    objectives = (Objective(np.ones(len(cand))), wishes, interest)
    held = [
        Held(objective, float(values[name]))
        for name, objective in zip(names, objectives, strict=True)
    ]
    found = column_generation(
        sp,
        cand,
        Objective(-cand.travel.astype(np.float64)),
        held,
        np.arange(len(cand), dtype=np.int64),
        _problems_of(problem),
        seconds=30.0,
        start=_interest_prices(problem, values["wishes"]),
    )
    assert found is not None
    return _HeldBound(
        found.value,
        {name: values[name] for name in names},
        dict(zip(names, map(float, found.prices.held), strict=True)),
        maximize=False,
    )


def test_the_travel_lp_started_from_the_interest_lp_proves_the_optimum() -> None:
    # A and B both score IT 90 and Soziales 50, one place each; IT is 40
    # minutes from both, Soziales 10. With interest held at 140 one of them
    # goes far: CP-SAT's optimum is 50 minutes, and the travel LP started from
    # the interest LP's iterate proves it (not the fallback 0).
    travel = {(s, c): m for s in ("A", "B") for c, m in (("C1", 40), ("C2", 10))}
    problem = _two_students_one_place_each().model_copy(update={"travel": minutes(travel)})
    exact = solve(problem, EXACT)
    assert exact.objectives["travel"] == 50
    assert _travel_from_interest(problem, exact.objectives).for_plan(exact.objectives) == 50


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(problem=small_problems())
def test_the_travel_bound_from_the_interest_lp_never_cuts_off_the_optimum(
    problem: Problem,
) -> None:
    exact = solve(problem, EXACT)
    assert exact.status == "optimal"
    bound = _travel_from_interest(problem, exact.objectives)
    assert bound.for_plan(exact.objectives) <= exact.objectives["travel"]


def test_the_wish_bound_over_the_wished_options_alone_holds_for_every_option() -> None:
    # As above, A and B both wish C2 (one place) first; the bound over every
    # option is computed from the LP and the student problems of the two
    # wished options alone, and it is the optimum, 5 (per student: 10).
    problem = _one_wished_place()
    assert solve(problem, EXACT).objectives["wishes"] == 5
    k, cand = kreis_and_options(problem)
    flows = k.flow_kreis(cand, np.zeros(0, dtype=np.int64), WishMatches.of(k.wishes, cand))
    start = np.zeros(len(cand), dtype=bool)
    nowhere = np.zeros(0, dtype=np.int64)
    _, held, _, _ = bounds_over_every_option(k, cand, flows, start, nowhere, 30.0, 1, TimePolicy())
    assert held["wishes"].for_plan(level_values(flows, start)) == 5


def it_and_soziales(interests: dict[str, dict[str, int]], **tables: Any) -> Problem:
    """Students A and B with one BFE day each and these scores by field; C1
    offers it, C2 soziales, each with places for both."""
    return kreis(
        students=(student("A"), student("B")),
        companies=(company("C1"), company("C2")),
        offers=(
            offer("IT", "C1", "it", NOV3, capacity=2),
            offer("SOZ", "C2", "soziales", NOV3, capacity=2),
        ),
        calendar=bfe_dates("S", NOV3),
        interests=scores({(s, f): v for s, row in interests.items() for f, v in row.items()}),
        **tables,
    )


def _wished_outside_the_top_fields() -> Problem:
    """A and B score it 90, bau 80, medien 70 and soziales 10: soziales is no
    top-3 field. Both wish C2 (soziales) first."""
    fields = {"it": 90, "bau": 80, "medien": 70, "soziales": 10}
    return it_and_soziales(
        {"A": fields, "B": fields},
        wishes=(
            Wish(student_id="A", rank=1, company_id="C2"),
            Wish(student_id="B", rank=1, company_id="C2"),
        ),
    )


def _wish_bound(problem: Problem, values: dict[str, int]) -> _HeldBound | None:
    """The wishes bound at the LP's prices, the levels above held at ``values``."""
    k, cand = kreis_and_options(problem)
    flows = k.flow_kreis(cand, np.zeros(0, dtype=np.int64), WishMatches.of(k.wishes, cand))
    sp = StudentProblems.of(cand, k.capacity, k.bfe_needed, k.top, k.n_days, k.courses_needed)
    nowhere = np.zeros(0, dtype=np.int64)
    start = np.zeros(len(cand), dtype=bool)
    off_top = _off_top_row(k, cand, flows, values["fairness"])
    found = _at_lp_prices(
        "wishes", k, lambda: sp, cand, flows, start, nowhere, values, 30.0, 1, off_top
    )
    return None if found is None else found[0]


def test_the_wish_bound_holds_fairness() -> None:
    # Fairness, above wishes, puts both in IT (their top field), so no wish is
    # granted. The wishes LP alone would grant both (10 points); holding
    # fairness, a student with one placement outside a top-3 field counts
    # against the students fairness may leave without one: none here.
    problem = _wished_outside_the_top_fields()
    exact = solve(problem, EXACT)
    assert (exact.objectives["fairness"], exact.objectives["wishes"]) == (2, 0)
    bound = _wish_bound(problem, exact.objectives)
    assert bound is not None
    assert bound.for_plan(exact.objectives) == 0
    # A plan with one student fewer in a top field may grant one wish: 5.
    assert bound.for_plan({**exact.objectives, "fairness": 1}) == 5


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(problem=small_problems())
def test_the_wish_bound_with_fairness_held_never_cuts_off_the_optimum(problem: Problem) -> None:
    exact = solve(problem, EXACT)
    assert exact.status == "optimal"
    # The plan's own wish points at 0: the guard against a bound below the
    # plan in hand must not hide one here.
    bound = _wish_bound(problem, {**exact.objectives, "wishes": 0})
    if bound is None:  # no LP: only where no option grants a wish
        assert exact.objectives["wishes"] == 0
    else:
        assert bound.for_plan(exact.objectives) >= exact.objectives["wishes"]
