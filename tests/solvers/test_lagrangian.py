"""Whole-Kreis bounds from the Lagrangian relaxation (``solvers/lagrangian.py``).

The per-student problems are checked against brute force; the bounds against
exact optima: of hand-made Kreise (worked out in the comments) and of random
small Kreise solved to optimality by the exact model.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaoa_match import Company, Problem, SolveOptions, read_dir, solve
from kaoa_match.generate import generate
from kaoa_match.options import build_options
from kaoa_match.solvers.bounds.lagrangian import (
    Held,
    Objective,
    StudentProblems,
    best_choices,
    lagrangian_bound,
    whole_kreis_bounds,
)
from kaoa_match.solvers.objectives import per_student_caps
from kaoa_match.solvers.variables import BFE, PRAKTIKUM, Candidates, match_previous
from tests.checker import check_plan
from tests.solvers.test_bfe_instances import (
    NOV3,
    NOV4,
    bfe_dates,
    company,
    kreis,
    offer,
    scores,
    student,
)
from tests.solvers.test_example import EXAMPLE
from tests.solvers.test_flows import kreis_and_options
from tests.solvers.test_praktikum import JAN11, JAN22, intern, praktikum_offer, window
from tests.strategies import small_problems

if TYPE_CHECKING:
    from kaoa_match.solvers.kreis import Kreis as _Kreis

EXACT = SolveOptions(workers=1, seed=0, time_limit_s=None)


@dataclass
class _Setup:
    cand: Candidates
    problems: StudentProblems
    kreis: _Kreis


def _setup(problem: Problem) -> _Setup:
    k, cand = kreis_and_options(problem)
    sp = StudentProblems.of(cand, k.capacity, k.bfe_needed, k.top, k.n_days)
    return _Setup(cand, sp, k)


# --- the per-student problems, against brute force -----------------------------


@st.composite
def _students(draw: st.DrawFn) -> tuple[Candidates, np.ndarray, np.ndarray, float, np.ndarray]:
    """A few students, each BFE-only (1-3 days of 1-5 dates, 1-4 fields) or
    Praktikum-only (1-4 blocks), with weights of any sign and random top fields."""
    rows: list[tuple[int, int, int, int, int]] = []  # student, kind, day, field, length
    needed = []
    n_students = draw(st.integers(1, 4))
    for s in range(n_students):
        if draw(st.booleans()):
            dates, fields = draw(st.integers(1, 5)), draw(st.integers(1, 4))
            cells = draw(
                st.lists(
                    st.tuples(st.integers(0, dates - 1), st.integers(0, fields - 1)),
                    min_size=1,
                    max_size=8,
                )
            )
            rows += [(s, BFE, d, f, 1) for d, f in cells]
            needed.append(draw(st.integers(1, 3)))
        else:
            blocks = draw(st.integers(1, 4))
            rows += [(s, PRAKTIKUM, 10 + 3 * b, draw(st.integers(0, 3)), 3) for b in range(blocks)]
            needed.append(0)
    cand = candidates_of_rows([(*row, 0) for row in rows])
    weight, top, top_value = random_prices(draw, len(cand), n_students)
    return cand, weight, top, top_value, np.asarray(needed, np.int64)


def candidates_of_rows(rows: list[tuple[int, int, int, int, int, int]]) -> Candidates:
    """Options from rows (student, kind, first day, field, days, weekday mask),
    sorted by student; every option its own offer: the prices are per option."""
    rows = sorted(rows)
    n = len(rows)
    arr = np.asarray(rows, dtype=np.int64).reshape(n, 6)
    return Candidates(
        source=np.arange(n),
        student=arr[:, 0],
        offer=np.arange(n),
        company=np.arange(n),
        field=arr[:, 3],
        kind=arr[:, 1],
        first_day=arr[:, 2],
        n_days=arr[:, 4],
        travel=np.zeros(n, np.int64),
        score=np.zeros(n, np.int64),
        weekdays=arr[:, 5],
    )


def random_prices(
    draw: st.DrawFn, n_options: int, n_students: int
) -> tuple[np.ndarray, np.ndarray, float]:
    """Weights of any sign per option, top fields (4 per student) and their value."""
    weight = np.asarray(
        draw(st.lists(st.integers(-5, 9), min_size=n_options, max_size=n_options)), float
    )
    top = np.asarray(
        draw(st.lists(st.booleans(), min_size=n_students * 4, max_size=n_students * 4))
    ).reshape(n_students, 4)
    return weight, top, float(draw(st.sampled_from([0, 3, 20])))


def _brute_force(
    cand: Candidates, weight: np.ndarray, top: np.ndarray, top_value: float, needed: np.ndarray
) -> float:
    """Σ over students of the best feasible set of their options."""
    total = 0.0
    for s in np.unique(cand.student).tolist():
        mine = np.flatnonzero(cand.student == s).tolist()
        best = 0.0
        most = int(needed[s]) if cand.kind[mine[0]] == BFE else 1
        for size in range(1, most + 1):
            for subset in itertools.combinations(mine, size):
                days = [int(cand.first_day[i]) for i in subset]
                fields = [int(cand.field[i]) for i in subset]
                if len(set(days)) < size or (cand.kind[mine[0]] == BFE and len(set(fields)) < size):
                    continue
                value = sum(weight[i] for i in subset)
                if any(top[s, cand.field[i]] for i in subset):
                    value += top_value
                best = max(best, value)
        total += best
    return total


@settings(max_examples=200, deadline=None)
@given(case=_students())
def test_each_students_best_choice_is_exact(
    case: tuple[Candidates, np.ndarray, np.ndarray, float, np.ndarray],
) -> None:
    cand, weight, top, top_value, needed = case
    capacity = np.ones(len(cand), np.int64)
    sp = StudentProblems.of(cand, capacity, needed, top, n_days=30)
    choice = best_choices(sp, weight, top_value)
    assert choice.value == _brute_force(cand, weight, top, top_value, needed)
    # The options it names realise that value and are a feasible choice.
    taken = choice.options
    flagged = len(np.unique(cand.student[taken][top[cand.student[taken], cand.field[taken]]]))
    assert weight[taken].sum() + top_value * choice.top_students == choice.value
    assert choice.top_students <= flagged


# --- bounds against exact optima ------------------------------------------------


def test_a_shared_place_bounds_coverage_below_the_per_student_limit() -> None:
    # Three students, one BFE day (3 Nov), two offers of one place each (it at
    # C1, soziales at C2): each student alone could be placed (per-student
    # limit 3), but only two places exist, so coverage is at most 2. Interest:
    # A it 90, B it 80, C soziales 50 and nothing else; the best plan is A it
    # + C soziales = 140, and so is the LP's (B's 80 loses to A's 90 for the
    # one it place). Fairness: every positive field is a top field, so A, B
    # and C each could have one, but only two places exist: 2.
    problem = kreis(
        students=(student("A"), student("B"), student("C")),
        companies=(company("C1"), company("C2")),
        offers=(offer("IT", "C1", "it", NOV3), offer("SOZ", "C2", "soziales", NOV3)),
        calendar=bfe_dates("S", NOV3),
        interests=scores({("A", "it"): 90, ("B", "it"): 80, ("C", "soziales"): 50}),
    )
    s = _setup(problem)
    caps = per_student_caps(s.cand, s.kreis.most_placeable)
    assert caps["coverage"][0] == 3
    none = np.zeros(len(s.cand), dtype=bool)
    start = {"coverage": 2, "fairness": 2, "interest": 140, "travel": 10**6}
    bounds, _ = whole_kreis_bounds(s.problems, s.cand, none, start, None)
    assert bounds["coverage"] == 2
    assert bounds["fairness"] == 2
    assert bounds["interest"] == 140


def test_travel_is_bounded_with_coverage_held() -> None:
    # One student who needs two BFE days (3 and 4 Nov); two offers on both
    # days, it at C1 and soziales at C2, equally far. Placing both days (the
    # coverage held) takes both offers, one a day: no plan travels less than
    # the optimum, and the bound with coverage held finds exactly that.
    problem = kreis(
        students=(student("A"),),
        companies=(company("C1"), company("C2")),
        offers=(
            offer("IT", "C1", "it", NOV3, NOV4),
            offer("SOZ", "C2", "soziales", NOV3, NOV4),
        ),
        calendar=bfe_dates("S", NOV3, NOV4, needed=2),
    )
    s = _setup(problem)
    plan = solve(problem, EXACT)
    assert plan.objectives["coverage"] == 2
    start = {"coverage": 2, "fairness": 0, "interest": 0, "travel": plan.objectives["travel"]}
    none = np.zeros(len(s.cand), dtype=bool)
    bound = whole_kreis_bounds(s.problems, s.cand, none, start, None)[0]["travel"]
    # Both trips are taken: the bound is the plan's travel (nothing shorter exists).
    assert bound == plan.objectives["travel"]


def test_a_held_level_met_exactly_stops_the_prices() -> None:
    # One intern, two Praktikum places for the same fortnight: C1 is nearer
    # than C2. With coverage held at 1 the least travel is C1's. Once the
    # price of the held row makes the intern take C1, the subgradient is zero;
    # the steps used to go on along the deflected direction, doubling that
    # price each time until L lost its digits and bounded travel above C2's.
    problem = kreis(
        students=(intern("A"),),
        companies=(company("C1"), Company(company_id="C2", lat=51.50, lon=7.10)),
        offers=(
            praktikum_offer("IT", "C1", "it", JAN11, JAN22),
            praktikum_offer("SOZ", "C2", "soziales", JAN11, JAN22),
        ),
        calendar=(window("S", JAN11, JAN22),),
    )
    s = _setup(problem)
    near, far = sorted(s.cand.travel.tolist())
    assert near < far
    coverage = Objective(np.ones(len(s.cand)))
    travel = Objective(-s.cand.travel.astype(np.float64))
    found = lagrangian_bound(s.problems, travel, [Held(coverage, 1.0)], -far - 5.0, None)
    assert found.bound == -near


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(problem=small_problems())
def test_bounds_hold_against_the_exact_optimum(problem: Problem) -> None:
    # The relaxation leaves out rules (pairs, locked rows) and earlier levels,
    # so it may only be looser than the exact lexicographic optimum: never
    # below it (above it for travel), and never looser than the per-student
    # limits that were the only whole-Kreis bounds before.
    exact = solve(problem, EXACT)
    assert exact.status == "optimal"
    s = _setup(problem)
    published = np.isin(s.cand.source, match_previous(problem, build_options(problem)).option)
    start = dict(exact.objectives)
    bounds, _ = whole_kreis_bounds(s.problems, s.cand, published, start, None)
    caps = per_student_caps(s.cand, s.kreis.most_placeable)
    for name, bound in bounds.items():
        if name == "travel":
            assert bound <= exact.objectives[name]
        else:
            assert bound >= exact.objectives[name], name
        if name in caps:
            assert bound <= caps[name][0], name


def test_a_cut_model_reports_bounds_over_every_option() -> None:
    # The example cut to about 20,000 options: CP-SAT and the LP then see only
    # the nearest offers, so the levels' bounds must come from the Lagrangian
    # relaxation over all 61,175 options (or the per-student limits), and hold
    # against the exact optimum (897, 383, 691, 50,297, 22,562, proven in
    # version 2's order). The example without its Praxiskurse and
    # Langzeitpraktika: the relaxations know BFE days and blocks only
    # (bounds.whole_kreis.bound_every_option).
    problem = generate("example", seed=2026, participant_kinds=())
    plan = solve(problem, SolveOptions(workers=1, seed=0, time_limit_s=30, max_options=20_000))
    assert plan.stats["restricted_to_nearest"] is True
    assert check_plan(problem, plan.assignments) == []
    sources = plan.summary()["bound_sources"]
    assert isinstance(sources, dict)
    # The interest level at the prices of its LP (PDLP) when the bounds' time
    # allows it, else by subgradient steps.
    assert sources["interest"] in {"lagrangian", "lp-prices"}
    assert sources["wishes"] in {"lagrangian", "lp-prices", "per-student"}
    # Travel at the prices of its LP with the levels above held, else by
    # subgradient steps with coverage held.
    assert sources["travel"] in {"lagrangian", "lp-prices"}
    assert set(sources.values()) <= {"lagrangian", "lp-prices", "per-student", "terms", "model"}
    optimum = {
        "coverage": 897,
        "fairness": 383,
        "wishes": 691,
        "interest": 50_297,
        "travel": 22_562,
    }
    for name, best in optimum.items():
        bound = plan.bounds[name]
        assert (bound <= best) if name == "travel" else (bound >= best), name


def test_the_bound_is_reached_early_when_a_plan_meets_it() -> None:
    # With a target equal to the optimum the subgradient stops as soon as L is
    # within 1 of it: one student, one place, coverage 1.
    problem = kreis(
        students=(student("A"),),
        companies=(company("C1"),),
        offers=(offer("IT", "C1", "it", NOV3),),
        calendar=bfe_dates("S", NOV3),
    )
    s = _setup(problem)
    found = lagrangian_bound(s.problems, Objective(np.ones(len(s.cand))), [], 1.0, None)
    assert found.bound == 1.0
    assert found.iterations == 1


def test_the_fast_path_for_levels_decided_by_the_field_agrees_with_the_general_one() -> None:
    # Coverage, fairness and interest give every offer of a (student, date,
    # field) group the same value, so the oracle reads one value per group and
    # the cheapest price; travel goes option by option. At random prices both
    # ways must give the same L, loads and held values.
    from dataclasses import replace

    from kaoa_match.solvers.bounds.lagrangian import Held, _evaluate, _Terms

    s = _setup(read_dir(EXAMPLE))
    rng = np.random.default_rng(0)
    interest = Objective(s.cand.score.astype(np.float64), top_value=2.0)
    held = [Held(Objective(np.ones(len(s.cand))), 890.0)]
    fast = _Terms.of(s.problems, [interest, held[0].objective])
    assert fast.per_group is not None
    slow = replace(
        fast,
        per_group=None,
        per_option=[o.option_value[s.problems.bfe] for o in (interest,)]
        + [held[0].objective.option_value[s.problems.bfe]],
    )
    for _ in range(5):
        lam = rng.exponential(2.0, s.problems.n_slots) * (rng.random(s.problems.n_slots) < 0.3)
        mu = rng.exponential(5.0, 1)
        a, b = (
            _evaluate(s.problems, fast, held, lam, mu),
            _evaluate(s.problems, slow, held, lam, mu),
        )
        assert a[0] == b[0]
        assert np.array_equal(a[1], b[1])
        assert np.array_equal(a[2], b[2])


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(problem=small_problems())
def test_a_cut_model_gives_the_same_plan_for_the_same_seed(problem: Problem) -> None:
    # Cut to 5 options, so that the flows, the bounds over every option and the
    # priced-in options all run; without a time limit and with one worker
    # nothing depends on the clock: the same plan and the same bounds twice.
    options = SolveOptions(workers=1, seed=3, time_limit_s=None, max_options=5)
    first, second = solve(problem, options), solve(problem, options)
    assert first.assignments.equals(second.assignments)
    assert first.bounds == second.bounds
    assert check_plan(problem, first.assignments) == []


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(problem=small_problems())
def test_a_cut_models_per_student_and_term_bounds_hold_for_every_plan(problem: Problem) -> None:
    # A per-student or term bound holds for every plan of the Kreis, so also
    # for the exact model's optimum. A cut model computes them over every
    # option, not only its own (a rerun's settled students keep only theirs).
    cut = solve(problem, SolveOptions(workers=1, seed=3, time_limit_s=None, max_options=5))
    exact = solve(problem, SolveOptions(workers=1, seed=3, time_limit_s=None))
    for level in cut.levels:
        if level.bound_source in ("per-student", "terms"):
            best = exact.objectives[level.name]
            assert best >= level.bound if level.sense == "min" else best <= level.bound
