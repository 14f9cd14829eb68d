"""Whole-Kreis bounds with Praxiskurse and the Langzeitpraktikum: the
Lagrangian relaxation (``bounds/lagrangian.py``) and the bounds at the LP's
prices (``bounds/lp_prices.py``) over all four kinds, against the exact
optimum of hand-made Kreise (worked out in the comments) and of random small
Kreise; and the per-student caps counting the courses a participant takes.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import TYPE_CHECKING

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaoa_match import SolveOptions, solve
from kaoa_match.model import CalendarEntry
from kaoa_match.options import build_options
from kaoa_match.solvers.bounds.combine import HeldBound
from kaoa_match.solvers.bounds.lagrangian import (
    Held,
    Objective,
    StudentProblems,
    best_choices,
    bound_at,
    whole_kreis_bounds,
)
from kaoa_match.solvers.bounds.lp_prices import lp_prices
from kaoa_match.solvers.objectives import per_student_caps
from kaoa_match.solvers.variables import (
    BFE,
    COURSE,
    LANGZEIT,
    PRAKTIKUM,
    Candidates,
    WishMatches,
    match_previous,
)
from tests.checker import check_plan
from tests.solvers.test_bfe_instances import company, kreis, minutes, scores, student
from tests.solvers.test_flows import kreis_and_options
from tests.solvers.test_lagrangian import candidates_of_rows, random_prices
from tests.solvers.test_new_kinds import (
    block_and_tuesdays,
    course,
    langzeit,
    participants,
    with_random_new_kinds,
)
from tests.strategies import small_problems

if TYPE_CHECKING:
    from kaoa_match import Problem
    from kaoa_match.solvers.kreis import Kreis

D = dt.date
EXACT = SolveOptions(workers=1, seed=0, time_limit_s=None)
WHOLE_KREIS = {"lagrangian", "lp-prices"}  # bound sources that are not per-student


def _problems(problem: Problem) -> tuple[Kreis, Candidates, StudentProblems]:
    k, cand = kreis_and_options(problem)
    sp = StudentProblems.of(cand, k.capacity, k.bfe_needed, k.top, k.n_days, k.courses_needed)
    return k, cand, sp


def _lagrangian(problem: Problem, start: dict[str, int]) -> dict[str, int]:
    """The subgradient bounds of every level, aimed at ``start``."""
    _, cand, sp = _problems(problem)
    published = np.isin(cand.source, match_previous(problem, build_options(problem)).option)
    return whole_kreis_bounds(sp, cand, published, start, None)[0]


def _courses_for(n_students: int, **extra: object) -> Problem:
    """``n_students`` grade-9 participants who take one course each (window
    1 to 26 Feb 2027); course IT (1-3 Feb) takes two, 20 minutes away."""
    return kreis(
        students=tuple(student(f"s{i}", grade=9) for i in range(n_students)),
        companies=(company("T", provider_type="traeger"),),
        offers=(course("IT", "T", "it", D(2027, 2, 1), D(2027, 2, 3), **extra),),
        calendar=(
            CalendarEntry(school_id="S", kind="praxiskurs", grade=9,
                          start_date=D(2027, 2, 1), end_date=D(2027, 2, 26)),
        ),
        participants=participants("praxiskurs", *(f"s{i}" for i in range(n_students))),
        interests=scores({(f"s{i}", "it"): 50 + i for i in range(n_students)}),
        travel=minutes({("S", "T"): 20}),
    )  # fmt: skip


# --- the per-student problems, against brute force -----------------------------

_Case = tuple[Candidates, np.ndarray, np.ndarray, float, np.ndarray, np.ndarray]


@st.composite
def _mixed_students(draw: st.DrawFn) -> _Case:
    """A few students with options of any of the four kinds (BFE days on 1-4
    dates, blocks, courses in 1-3 fields, Langzeitpraktika), weights of any
    sign, random top fields, BFE days and courses needed."""
    rows: list[tuple[int, int, int, int, int, int]] = []  # student, kind, day, field, length, mask
    n_students = draw(st.integers(1, 3))
    for s in range(n_students):
        for d, f in draw(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), max_size=5)):
            rows.append((s, BFE, d, f, 1, 0))
        for b in range(draw(st.integers(0, 2))):
            rows.append((s, PRAKTIKUM, 10 + 3 * b, draw(st.integers(0, 3)), 3, 0))
        for c in range(draw(st.integers(0, 4))):
            rows.append((s, COURSE, 20 + c, draw(st.integers(0, 2)), 2, 0))
        for _ in range(draw(st.integers(0, 2))):
            rows.append((s, LANGZEIT, 0, draw(st.integers(0, 3)), 28, draw(st.integers(1, 31))))
    cand = candidates_of_rows(rows)
    weight, top, top_value = random_prices(draw, len(cand), n_students)
    bfe_needed = np.asarray(
        draw(st.lists(st.integers(1, 3), min_size=n_students, max_size=n_students))
    )
    courses_needed = np.asarray(
        draw(st.lists(st.integers(0, 2), min_size=n_students, max_size=n_students))
    )
    return cand, weight, top, top_value, bfe_needed, courses_needed


def _feasible_per_kind(
    cand: Candidates, mine: list[int], kind: int, most: int
) -> list[tuple[int, ...]]:
    """Every set of the student's options of ``kind`` that the relaxation
    allows: BFE days on distinct dates in distinct fields, courses in distinct
    fields (dates relaxed), at most ``most`` of them (one block, one
    Langzeitpraktikum)."""
    of_kind = [i for i in mine if cand.kind[i] == kind]
    found: list[tuple[int, ...]] = [()]
    for size in range(1, most + 1):
        for subset in itertools.combinations(of_kind, size):
            fields = {int(cand.field[i]) for i in subset}
            days = {int(cand.first_day[i]) for i in subset}
            if len(fields) < size and kind in (BFE, COURSE):
                continue
            if len(days) < size and kind == BFE:
                continue
            found.append(subset)
    return found


def _brute_force(case: _Case) -> float:
    """Σ over students of the best relaxed choice: each kind apart, the top-3
    bonus once for the student."""
    cand, weight, top, top_value, bfe_needed, courses_needed = case
    total = 0.0
    for s in np.unique(cand.student).tolist():
        mine = np.flatnonzero(cand.student == s).tolist()
        most = {BFE: int(bfe_needed[s]), PRAKTIKUM: 1, COURSE: int(courses_needed[s]), LANGZEIT: 1}
        per_kind = [_feasible_per_kind(cand, mine, kind, n) for kind, n in most.items()]
        best = 0.0
        for parts in itertools.product(*per_kind):
            chosen = [i for part in parts for i in part]
            value = sum(weight[i] for i in chosen)
            if any(top[s, cand.field[i]] for i in chosen):
                value += top_value
            best = max(best, value)
        total += best
    return total


@settings(max_examples=150, deadline=None)
@given(case=_mixed_students())
def test_each_students_best_choice_over_all_kinds_is_exact(case: _Case) -> None:
    cand, weight, top, top_value, bfe_needed, courses_needed = case
    sp = StudentProblems.of(cand, np.ones(len(cand), np.int64), bfe_needed, top, 30, courses_needed)
    choice = best_choices(sp, weight, top_value)
    assert choice.value == _brute_force(case)
    # The options it names realise that value.
    taken = choice.options
    assert len(np.unique(taken)) == len(taken)
    assert weight[taken].sum() + top_value * choice.top_students == choice.value
    flagged = np.unique(cand.student[taken][top[cand.student[taken], cand.field[taken]]])
    assert choice.top_students <= len(flagged)


# --- per-student caps ----------------------------------------------------------


def test_the_caps_count_the_courses_a_participant_takes() -> None:
    # One participant takes one course (calendar days 1) and has courses in
    # three fields: the caps count one course (the best score, it 70), not
    # one in each field (3 and 70 + 60 + 40) as they did.
    problem = kreis(
        students=(student("A", grade=9),),
        companies=(company("T", provider_type="traeger"),),
        offers=(
            course("IT", "T", "it", D(2027, 2, 1), D(2027, 2, 3)),
            course("BAU", "T", "bau", D(2027, 2, 8), D(2027, 2, 10)),
            course("SOZ", "T", "soziales", D(2027, 2, 15), D(2027, 2, 17)),
        ),
        calendar=(
            CalendarEntry(school_id="S", kind="praxiskurs", grade=9,
                          start_date=D(2027, 2, 1), end_date=D(2027, 2, 26)),
        ),
        participants=participants("praxiskurs", "A"),
        interests=scores({("A", "it"): 70, ("A", "bau"): 60, ("A", "soziales"): 40}),
    )  # fmt: skip
    k, cand = kreis_and_options(problem)
    caps = per_student_caps(cand, k.most_placeable, None, k.courses_needed)
    assert caps["coverage"][0] == 1
    assert caps["interest"][0] == 70
    plan = solve(problem, EXACT)
    assert plan.objectives["coverage"] == 1 and plan.bounds["coverage"] == 1


# --- hand-made Kreise against their optimum -------------------------------------


def test_a_block_and_a_langzeit_count_both() -> None:
    # The Praktikum block and the Tuesday Langzeitpraktikum are both placed
    # (the Langzeitpraktikum pauses during the block): coverage 2. Before,
    # the relaxation knew one block per student and would have bounded it by 1.
    problem = block_and_tuesdays()
    plan = solve(problem, EXACT)
    assert plan.objectives["coverage"] == 2
    bounds = _lagrangian(problem, dict(plan.objectives))
    assert bounds["coverage"] == 2
    assert bounds["travel"] == plan.objectives["travel"] == 15 + 25


def test_a_course_bounds_coverage_by_its_capacity() -> None:
    # Three participants, one course of two seats: coverage 2 (per-student
    # caps: 3). Interest: the two best, 51 + 52 = 103.
    problem = _courses_for(3)
    plan = solve(problem, EXACT)
    assert plan.objectives["coverage"] == 2
    assert plan.objectives["interest"] == 103
    bounds = _lagrangian(problem, dict(plan.objectives))
    assert bounds["coverage"] == 2
    assert bounds["interest"] == 103


def test_a_minimum_group_is_relaxed_and_the_bound_stays_above() -> None:
    # Seats 3, minimum group 3, two participants: the course cannot run
    # (optimum 0); the relaxation drops the minimum and bounds coverage by 2,
    # valid but loose.
    problem = _courses_for(2, capacity=3, min_group=3)
    plan = solve(problem, EXACT)
    assert plan.objectives["coverage"] == 0
    assert _lagrangian(problem, dict(plan.objectives))["coverage"] == 2


def test_langzeit_capacity_is_bounded_per_weekday() -> None:
    # Two participants, Tuesdays only at school; LZ takes one student on
    # Tuesdays (and Thursdays, which the school does not allow): one placed.
    problem = kreis(
        students=(student("A", grade=9), student("B", grade=9)),
        companies=(company("C"),),
        offers=(langzeit("LZ", "C", "metall", "di|do"),),
        calendar=(
            CalendarEntry(school_id="S", kind="langzeit", grade=9, start_date=D(2027, 1, 7),
                          end_date=D(2027, 2, 26), weekdays=frozenset({"di"})),
        ),
        participants=participants("langzeit", "A", "B"),
    )  # fmt: skip
    plan = solve(problem, EXACT)
    assert plan.objectives["coverage"] == 1
    assert _lagrangian(problem, dict(plan.objectives))["coverage"] == 1


def test_a_cut_model_with_courses_reports_a_whole_kreis_bound() -> None:
    # The model cut to 2 options: its own LP proves nothing for the Kreis, and
    # the per-student cap says 5. The whole-Kreis bound sees the 2 seats.
    problem = _courses_for(5)
    plan = solve(problem, SolveOptions(workers=1, seed=0, time_limit_s=None, max_options=2))
    assert plan.stats["restricted_to_nearest"] is True
    assert check_plan(problem, plan.assignments) == []
    assert plan.objectives["coverage"] == 2
    assert plan.bounds["coverage"] == 2
    sources = plan.summary()["bound_sources"]
    assert isinstance(sources, dict)
    assert sources["coverage"] in WHOLE_KREIS


# --- random small Kreise with all four kinds ------------------------------------


def _lp_bounds(problem: Problem, values: dict[str, int]) -> dict[str, HeldBound]:
    """Interest with the wish points held, and travel with coverage, the wish
    points and interest held, each at the prices of its LP."""
    k, cand, sp = _problems(problem)
    points = WishMatches.of(k.wishes, cand).option_points(len(cand)).astype(np.float64)
    objectives = {
        "coverage": Objective(np.ones(len(cand))),
        "wishes": Objective(points),
        "interest": Objective(cand.score.astype(np.float64)),
        "travel": Objective(-cand.travel.astype(np.float64)),
    }
    holds = {"interest": ["wishes"], "travel": ["coverage", "wishes", "interest"]}
    found = {}
    for name, names in holds.items():
        held = [Held(objectives[h], float(values[h])) for h in names]
        prices = lp_prices(sp, cand, objectives[name], held, seconds=30.0)
        assert prices is not None
        # The bound of the maximised objective (minus the minutes for travel).
        value, _ = bound_at(sp, objectives[name], held, prices.capacity, prices.held)
        found[name] = HeldBound(
            value,
            {h: values[h] for h in names},
            dict(zip(names, map(float, prices.held), strict=True)),
            maximize=name != "travel",
        )
    return found


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data(), problem=small_problems())
def test_whole_kreis_bounds_hold_with_all_four_kinds(data: st.DataObject, problem: Problem) -> None:
    # The relaxations drop rules (dates across kinds, minimum groups, pairs,
    # locked rows) and, but for the held ones, the earlier levels: every
    # bound lies at or above the exact lexicographic optimum (at or below it
    # for travel), and no looser than the per-student caps.
    extended = data.draw(with_random_new_kinds(problem))
    exact = solve(extended, EXACT)
    assert exact.status == "optimal"
    values = dict(exact.objectives)
    bounds = _lagrangian(extended, values)
    assert {"coverage", "fairness", "interest", "travel"} <= bounds.keys()
    for name, bound in bounds.items():
        if name == "travel":
            assert bound <= values[name], name
        else:
            assert bound >= values[name], name
    k, cand, _ = _problems(extended)
    caps = per_student_caps(cand, k.most_placeable, None, k.courses_needed)
    for name in ("coverage", "interest"):
        assert values[name] <= bounds[name] <= caps[name][0], name
    for name, held in _lp_bounds(extended, values).items():
        bound = held.for_plan(values)
        assert (bound <= values[name]) if name == "travel" else (bound >= values[name]), name
