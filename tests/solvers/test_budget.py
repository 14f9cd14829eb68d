"""How a time limit is shared among the levels (``lexicographic._budget``)."""

from __future__ import annotations

import numpy as np

from kaoa_match.solvers.budget import DEFAULT_POLICY, Deadline
from kaoa_match.solvers.objectives import Level
from kaoa_match.solvers.search.lexicographic import _budget

_TIME_SHARE = DEFAULT_POLICY.level_share


def _level(name: str, n_variables: int) -> Level:
    variables = np.arange(n_variables, dtype=np.int64)
    return Level(name, variables, np.ones(n_variables, dtype=np.int64))


def test_levels_share_the_time_left_by_their_shares() -> None:
    budget = _budget(Deadline(100.0), [_level("interest", 3), _level("travel", 3)], DEFAULT_POLICY)
    share = _TIME_SHARE["interest"] / (_TIME_SHARE["interest"] + _TIME_SHARE["travel"])
    assert budget is not None
    assert 99.0 * share < budget <= 100.0 * share


def test_a_level_without_variables_gets_no_more_than_the_time_left() -> None:
    # Its own share is not among the shares of levels with variables: the
    # time left divided by nothing was 150,000 s for a tiny part's flows.
    budget = _budget(Deadline(10.0), [_level("together", 0)], DEFAULT_POLICY)
    assert budget is not None
    assert budget <= 10.0
