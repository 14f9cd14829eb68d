"""The ``together`` bound with fairness held (``whole_kreis.PairsCap``): a
pair meets only where neither student has to leave a top-3 field, or as far
as fairness lets students leave theirs."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings

from kaoa_match import Problem, SolveOptions, solve
from kaoa_match.model import Pair
from kaoa_match.solvers.bounds.whole_kreis import PairsCap
from kaoa_match.solvers.constraints import meeting_places
from kaoa_match.solvers.variables import WishMatches
from tests.solvers.test_bfe_instances import NOV3, offer
from tests.solvers.test_flows import kreis_and_options
from tests.solvers.test_lp_prices import it_and_soziales
from tests.strategies import small_problems

EXACT = SolveOptions(workers=1, seed=0, time_limit_s=None)


def _cap(problem: Problem) -> PairsCap:
    k, cand = kreis_and_options(problem)
    flows = k.flow_kreis(cand, np.zeros(0, dtype=np.int64), WishMatches.of(k.wishes, cand))
    places = meeting_places(cand, k.together, k.n_days, k.capacity)
    return PairsCap.of(k, cand, flows.top, places)


def _apart_by_their_fields() -> Problem:
    """A and B, a together pair with one BFE day each. A's top-3 fields are
    it, bau and medien; B's soziales, gesundheit and verwaltung. C1 offers
    it (two places), C2 soziales (two places): the pair can meet at C1, where
    B would have no top-3 field, or at C2, where A would have none."""
    return it_and_soziales(
        {
            "A": {"it": 90, "bau": 80, "medien": 70, "soziales": 10},
            "B": {"soziales": 90, "gesundheit": 80, "verwaltung": 70, "it": 10},
        },
        pairs=(Pair(student_a="A", student_b="B", relation="together"),),
    )


def test_a_pair_that_can_meet_only_outside_a_top_field_is_bounded_by_fairness() -> None:
    problem = _apart_by_their_fields()
    exact = solve(problem, EXACT)
    assert (exact.objectives["fairness"], exact.objectives["together"]) == (2, 0)
    cap = _cap(problem)
    assert (cap.free, cap.needs, cap.with_top) == (0, ((0, 1),), 2)
    assert cap.bound(2) == 0  # both in a top-3 field: the pair cannot meet
    assert cap.bound(1) == 1  # one may leave it: A at C2 or B at C1


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(problem=small_problems())
def test_the_pairs_bound_never_cuts_off_the_optimum(problem: Problem) -> None:
    # The default order has fairness above together: the exact optimum keeps
    # the best fairness, and together can be no more than the cap there.
    exact = solve(problem, EXACT)
    assert exact.status == "optimal"
    cap = _cap(problem)
    assert cap.bound(exact.objectives["fairness"]) >= exact.objectives["together"]


def test_a_pair_with_a_place_in_both_top_fields_is_free() -> None:
    # C1 also offers soziales: A (it) and B (soziales) meet at C1 on the same
    # day, each in a top-3 field, and the exact optimum places them so.
    apart = _apart_by_their_fields()
    problem = apart.model_copy(
        update={"offers": (*apart.offers, offer("SOZ1", "C1", "soziales", NOV3, capacity=1))}
    )
    exact = solve(problem, EXACT)
    assert (exact.objectives["fairness"], exact.objectives["together"]) == (2, 1)
    cap = _cap(problem)
    assert (cap.free, cap.needs) == (1, ())
    assert cap.bound(2) == 1
