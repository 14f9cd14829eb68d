"""The records of the data model that carry a rule of their own: priorities,
the kinds' defaults, weekdays and participants."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from kaoa_match.model import (
    DEFAULT_PRIORITIES,
    KINDS,
    LEVELS,
    PLANNED_KINDS,
    WEEKDAYS,
    CalendarEntry,
    Offer,
    Participant,
    Priority,
)
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


def test_the_four_kinds_and_their_default_days() -> None:
    assert KINDS == ("bfe", "praktikum", "praxiskurs", "langzeit")
    assert PLANNED_KINDS == KINDS  # all four in one plan
    start = dt.date(2026, 11, 16)
    rows = [CalendarEntry(school_id="S", kind=k, grade=9, start_date=start) for k in KINDS]
    # 3 BFE days, a block of 10 working days, 1 course, 1 day a week
    assert [r.needed_days for r in rows] == [3, 10, 1, 1]
    assert rows[3].allowed_weekdays == frozenset(WEEKDAYS)  # empty: all five
    langzeit = rows[3].model_copy(update={"weekdays": frozenset({"di"}), "days": 2})
    assert (langzeit.needed_days, langzeit.allowed_weekdays) == (2, frozenset({"di"}))


def test_weekdays_are_monday_to_friday_and_participants_take_the_new_kinds() -> None:
    offer = {
        "offer_id": "L1",
        "company_id": "C",
        "field_id": "it",
        "kind": "langzeit",
        "start_date": dt.date(2026, 9, 1),
        "capacity": 1,
    }
    assert Offer(**offer, weekdays=frozenset({"mo", "fr"})).weekdays == {"mo", "fr"}
    with pytest.raises(ValidationError):
        Offer(**offer, weekdays=frozenset({"sa"}))
    assert Participant(student_id="A", kind="langzeit").kind == "langzeit"
    for kind in ("bfe", "praktikum", "sport"):
        with pytest.raises(ValidationError):
            Participant(student_id="A", kind=kind)  # type: ignore[arg-type]
