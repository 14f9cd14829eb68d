"""How a time limit is shared among the levels (``lexicographic._budget``)."""

from __future__ import annotations

import time

import numpy as np
import pytest

from kaoa_match.solvers.budget import DEFAULT_POLICY, Deadline
from kaoa_match.solvers.objectives import Level
from kaoa_match.solvers.search.lexicographic import _budget

_TIME_SHARE = DEFAULT_POLICY.level_share


def _level(name: str, n_variables: int) -> Level:
    variables = np.arange(n_variables, dtype=np.int64)
    return Level(name, variables, np.ones(n_variables, dtype=np.int64))


def test_levels_share_the_time_left_by_their_shares() -> None:
    levels = [_level("interest", 3), _level("travel", 3)]
    budget = _budget(Deadline(100.0), levels, DEFAULT_POLICY, 100.0)
    share = _TIME_SHARE["interest"] / (_TIME_SHARE["interest"] + _TIME_SHARE["travel"])
    assert budget is not None
    assert 99.0 * share < budget <= 100.0 * share


def test_every_level_gets_its_guaranteed_minimum() -> None:
    # together's share (0.05 of 0.35) would give it 4.3 s of 30; the minimum
    # is a share of the time all the levels had (100 s).
    levels = [_level("together", 3), _level("interest", 3), _level("travel", 3)]
    budget = _budget(Deadline(30.0), levels, DEFAULT_POLICY, 100.0)
    assert budget is not None
    assert budget >= 100.0 * DEFAULT_POLICY.level_min_share - 0.01


def test_no_level_takes_what_the_levels_after_it_are_guaranteed() -> None:
    # Coverage's share would be most of 60 s; the five levels after it with
    # variables keep their minimum of the 100 s the levels had.
    names = ["coverage", "fairness", "wishes", "together", "interest", "travel"]
    levels = [_level(name, 3) for name in names]
    budget = _budget(Deadline(60.0), levels, DEFAULT_POLICY, 100.0)
    kept = 5 * 100.0 * DEFAULT_POLICY.level_min_share
    assert budget is not None
    assert budget <= 60.0 - kept + 0.01
    # With 20 s, less than the six minimums: an even split.
    assert _budget(Deadline(20.0), levels, DEFAULT_POLICY, 100.0) == pytest.approx(20 / 6, abs=0.01)
    # A level without variables is guaranteed nothing: coverage then gets its
    # share among the other five with variables.
    levels[1] = _level("fairness", 0)
    other = _budget(Deadline(60.0), levels, DEFAULT_POLICY, 100.0)
    share = _TIME_SHARE["coverage"] / sum(_TIME_SHARE[n] for n in names if n != "fairness")
    assert other == pytest.approx(60.0 * share, abs=0.01)


def test_short_of_time_the_levels_split_it_evenly() -> None:
    # 12 s left of the 100 the levels had: six levels get 2 s each at least.
    names = ["coverage", "fairness", "wishes", "together", "interest", "travel"]
    budget = _budget(Deadline(12.0), [_level(name, 3) for name in names], DEFAULT_POLICY, 100.0)
    assert budget == pytest.approx(2.0, abs=0.01)


def test_a_level_without_variables_gets_no_more_than_the_time_left() -> None:
    # Its own share is not among the shares of levels with variables: the
    # time left divided by nothing was 150,000 s for a tiny part's flows.
    budget = _budget(Deadline(10.0), [_level("together", 0)], DEFAULT_POLICY, 10.0)
    assert budget is not None
    assert budget <= 10.0


def test_the_bounds_keep_their_minimum_when_the_warm_start_took_the_rest() -> None:
    # 119 of 120 s gone (koeln's options and warm starts on a loaded machine):
    # the levels' reserve leaves the bounds nothing, yet the wishes LP gets its
    # seconds; with a limit too short for them, no more than the bounds' share.
    late = Deadline(120.0, started=time.monotonic() - 119.0)
    assert DEFAULT_POLICY.until_levels(late, 700_000) == 0.0
    seconds = DEFAULT_POLICY.bounds_seconds(late, True, False, 700_000)
    assert seconds == DEFAULT_POLICY.bounds_min_seconds
    short = Deadline(2.0)
    assert DEFAULT_POLICY.bounds_seconds(short, True, False, 700_000) == pytest.approx(
        2.0 * DEFAULT_POLICY.lagrangian_share_cut
    )
