"""Independent parts: students who share no offer and no pair."""

from __future__ import annotations

import numpy as np

from kaoa_match.solvers.decompose import independent_parts


def _parts_as_students(
    student: list[int], offer: list[int], pairs: list[tuple[int, int]]
) -> list[set[int]]:
    s, o = np.asarray(student, np.int64), np.asarray(offer, np.int64)
    parts = independent_parts(s, o, pairs, n_students=6, n_offers=4)
    return [set(s[p].tolist()) for p in parts]


def test_students_sharing_an_offer_are_one_part() -> None:
    # 0 and 1 share offer 0; 2 and 3 share offer 2; 4 is alone at offer 3.
    student = [0, 0, 1, 2, 3, 4]
    offer = [0, 1, 0, 2, 2, 3]
    assert _parts_as_students(student, offer, []) == [{0, 1}, {2, 3}, {4}]


def test_a_pair_joins_two_parts() -> None:
    student = [0, 1, 2]
    offer = [0, 1, 2]
    assert _parts_as_students(student, offer, [(0, 2)]) == [{0, 2}, {1}]


def test_parts_cover_every_candidate_once() -> None:
    student = [0, 1, 1, 2, 3, 3, 5]
    offer = [0, 0, 1, 1, 2, 3, 3]
    s, o = np.asarray(student, np.int64), np.asarray(offer, np.int64)
    parts = independent_parts(s, o, [], n_students=6, n_offers=4)
    assert sorted(np.concatenate(parts).tolist()) == list(range(len(student)))
    assert [len(p) for p in parts] == sorted((len(p) for p in parts), reverse=True)


def test_no_candidates_no_parts() -> None:
    empty = np.zeros(0, np.int64)
    assert independent_parts(empty, empty, [], n_students=3, n_offers=2) == []
