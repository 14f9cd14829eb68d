"""Independent parts of a Kreis: students who can never compete for a place.

Two students are in one part when they have a candidate option at the same
offer (they may compete for its capacity) or form a pair (an ``apart`` rule or
a ``together`` objective ties them). Every hard rule and every objective is a
sum over parts, and no rule spans two parts, so the lexicographic optimum of
the whole Kreis is each part at its own lexicographic optimum: the best
coverage of the whole is the sum of the parts' best, holding that sum holds
every part at its best, and so on down the levels. Parts are solved one after
another, each with a smaller model and a smaller, faster proof.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

if TYPE_CHECKING:
    from numpy.typing import NDArray


def independent_parts(
    student: NDArray[np.int64],
    offer: NDArray[np.int64],
    pairs: list[tuple[int, int]],
    n_students: int,
    n_offers: int,
) -> list[NDArray[np.int64]]:
    """The candidate positions of each part, largest part first.

    ``student[i]`` and ``offer[i]`` describe candidate ``i``; students without
    any candidate belong to no part.
    """
    if len(student) == 0:
        return []
    # One graph over students (nodes 0..n-1) and offers (nodes n..n+m-1).
    pair_a = np.asarray([a for a, _ in pairs], dtype=np.int64)
    pair_b = np.asarray([b for _, b in pairs], dtype=np.int64)
    rows = np.r_[student, pair_a]
    cols = np.r_[n_students + offer, pair_b]
    size = n_students + n_offers
    graph = coo_matrix((np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(size, size))
    _, label = connected_components(graph, directed=False)
    part_of = label[student]
    order = np.argsort(part_of, kind="stable")
    bounds = np.flatnonzero(np.diff(part_of[order])) + 1
    parts = np.split(order.astype(np.int64), bounds)
    parts.sort(key=len, reverse=True)
    return parts
