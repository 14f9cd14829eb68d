"""The catalogue of levels, the status rule and the time policy read it alike."""

from __future__ import annotations

import numpy as np

from kaoa_match.plan import OBJECTIVES, SENSES
from kaoa_match.solvers.bounds.combine import exceeds, status_at, tighter
from kaoa_match.solvers.budget import DEFAULT_POLICY, Deadline
from kaoa_match.solvers.levels import LEVELS, NAMES, bounded_by, spec
from kaoa_match.solvers.relaxation import LpResult


def test_the_plan_lists_the_catalogues_levels_in_its_order() -> None:
    assert OBJECTIVES == NAMES == tuple(level.name for level in LEVELS)
    assert SENSES["travel"] == "min"
    assert all(SENSES[name] == "max" for name in NAMES if name != "travel")


def test_a_held_level_in_a_bound_is_an_earlier_level() -> None:
    for level in LEVELS:
        for held in level.lagrangian_holds + level.lp_prices_holds:
            assert NAMES.index(held) < NAMES.index(level.name)


def test_lp_priced_levels_are_wishes_then_interest_then_travel() -> None:
    # In that order: the interest LP holds the wish points, travel both.
    assert bounded_by("lp-prices") == ("wishes", "interest", "travel")
    assert "together" not in bounded_by("lagrangian")


def test_optimal_exactly_when_the_value_equals_the_bound() -> None:
    assert status_at(10, 10, "feasible") == "optimal"
    assert status_at(10, 10, "unknown") == "optimal"
    assert status_at(9, 10, "feasible") == "feasible"
    assert status_at(9, 10, "unknown") == "unknown"
    # An 'optimal' that a new, looser bound no longer proves.
    assert status_at(9, 10, "optimal") == "feasible"


def test_beyond_and_tighter_follow_the_sense() -> None:
    assert spec("travel").sense == "min"
    assert exceeds("interest", 11, 10)
    assert exceeds("travel", 9, 10)
    assert tighter("interest", 10, 12) == 10
    assert tighter("travel", 10, 12) == 12


def test_every_level_has_a_time_share() -> None:
    assert set(DEFAULT_POLICY.level_share) == set(NAMES)
    assert set(DEFAULT_POLICY.lagrangian_level_share) == set(bounded_by("lagrangian"))
    assert set(DEFAULT_POLICY.lp_prices_share) == set(bounded_by("lp-prices"))


def test_no_time_limit_is_no_deadline() -> None:
    assert Deadline(None).left() is None
    assert not Deadline(None).passed()
    assert DEFAULT_POLICY.flow_seconds(None, cut=False) == DEFAULT_POLICY.flow_seconds_without_limit


def test_reduced_cost_fixing_counts_what_it_fixes() -> None:
    # A minimised level: LP optimum 100, reduced costs of five free variables
    # and one fixed. A plan better than 110 lies within 9 of the LP optimum, so
    # a variable with a reduced cost beyond 9 (either sign) keeps its LP bound.
    lp = LpResult(
        optimum=100.0,
        bound=100,
        x=np.zeros(6),
        reduced_cost=np.array([0.0, 5.0, 9.5, 20.0, -12.0, 50.0]),
        seconds=0.0,
        maximize=False,
        free=np.array([True, True, True, True, True, False]),
    )
    at_zero, at_one = lp.fixings(110)
    assert at_zero.tolist() == [2, 3]
    assert at_one.tolist() == [4]
    assert lp.fixable(110) == 3
    assert lp.num_free == 5
    # Closer to the LP optimum, more is fixed; at least as good as 110 (a held
    # level's settling) leaves one unit more room: 9.5 is no longer beyond it.
    assert lp.fixable(104) == 4
    at_zero, at_one = lp.fixings(110, strictly_better=False)
    assert (at_zero.tolist(), at_one.tolist()) == ([3], [4])
