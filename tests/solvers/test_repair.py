"""Who may move in a repair round: students short of a placement and their rivals."""

from __future__ import annotations

import numpy as np

from kaoa_match.solvers.kreis import short_and_rivals as _short_and_rivals
from kaoa_match.solvers.variables import BFE, PRAKTIKUM, Candidates


def _candidates(rows: list[tuple[int, int, int, int]]) -> Candidates:
    """Rows of (student, offer, kind, first_day); the rest does not matter here."""
    student, offer, kind, first_day = (np.asarray(c, np.int64) for c in zip(*rows, strict=True))
    n = len(rows)
    ones, zeros = np.ones(n, np.int64), np.zeros(n, np.int64)
    return Candidates(
        source=np.arange(n, dtype=np.int64),
        student=student,
        offer=offer,
        company=offer,
        field=zeros,
        kind=kind,
        first_day=first_day,
        n_days=np.where(kind == PRAKTIKUM, 3, 1).astype(np.int64),
        travel=ones,
        score=ones,
        weekdays=0 * ones,
    )


def test_short_students_and_the_holders_of_what_they_could_use_move() -> None:
    cand = _candidates(
        [
            (0, 0, BFE, 1),  # student 0 has no place yet: short
            (0, 1, BFE, 2),
            (1, 0, BFE, 1),  # taken: offer 0 on day 1 is what student 0 could use
            (2, 0, BFE, 2),  # taken: offer 0, but on another day
            (3, 5, PRAKTIKUM, 0),  # student 3 has no block yet: short
            (4, 5, PRAKTIKUM, 3),  # taken: a block at the offer student 3 could use
        ]
    )
    most_bfe = np.asarray([1, 1, 1, 0, 0], np.int64)
    plan = np.asarray([0, 0, 1, 1, 0, 1], np.int64)
    movable = _short_and_rivals(cand, most_bfe, n_days=5)(plan)
    assert movable.tolist() == [True, True, False, True, True]


def test_nobody_moves_when_everyone_has_all_they_can_get() -> None:
    cand = _candidates([(0, 0, BFE, 1), (1, 0, BFE, 1)])
    plan = np.asarray([1, 0], np.int64)
    # Student 1 can get nothing (its only option is taken) but also needs nothing.
    movable = _short_and_rivals(cand, np.asarray([1, 0], np.int64), n_days=3)(plan)
    assert movable.tolist() == [False, False]
