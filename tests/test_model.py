"""The records of the data model that carry a rule of their own: priorities."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from kaoa_match.model import DEFAULT_PRIORITIES, LEVELS, Priority
from tests.test_validation import base


def test_default_priorities_are_the_contracts() -> None:
    # data contract v3, "Better": together before interest, interest within 1 %
    assert [(p.level, p.tolerance) for p in DEFAULT_PRIORITIES] == [
        ("coverage", 0),
        ("stability", 0),
        ("fairness", 0),
        ("wishes", 0),
        ("together", 0),
        ("interest", 1),
        ("travel", 0),
    ]
    assert sorted(p.level for p in DEFAULT_PRIORITIES) == sorted(LEVELS)
    assert len(LEVELS) == 7


def test_effective_priorities_are_the_given_ones_or_the_default() -> None:
    assert base().priorities == ()
    assert base().effective_priorities == DEFAULT_PRIORITIES
    given = tuple(Priority(level=level, tolerance=2.5) for level in reversed(LEVELS))
    problem = base().model_copy(update={"priorities": given})
    assert problem.effective_priorities == given


def test_a_tolerance_is_a_percentage_from_0_to_50() -> None:
    assert Priority(level="interest").tolerance == 0
    assert Priority(level="interest", tolerance=1).fraction == pytest.approx(0.01)
    assert Priority(level="travel", tolerance=50).fraction == pytest.approx(0.5)
    for bad in (-1, 50.5, 80):
        with pytest.raises(ValidationError):
            Priority(level="interest", tolerance=bad)
    with pytest.raises(ValidationError):
        Priority(level="speed")  # type: ignore[arg-type]
