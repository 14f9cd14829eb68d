"""Students' own wishes (``wishes.csv``): which placements grant which wish.

A wish names one offer (that place), one company (any offer of it) or one
Berufsfeld (any placement in it), with a rank 1-5. It is granted when the
plan places the student there, on any date or block, and then adds
``6 - rank`` to the ``wishes`` level, once, however many placements match it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kaoa_match.exceptions import InputProblem

if TYPE_CHECKING:
    from pathlib import Path

    from numpy.typing import NDArray

    from kaoa_match.model import Problem, Wish
    from kaoa_match.options import Options

__all__ = ["GRANTED_COLUMNS", "WishTable", "granted_wishes", "never_granted", "wish_target"]

_TARGETS = ("offer_id", "company_id", "field_id")
"""The target columns of a wish, in the order of :attr:`WishTable.target_kind`."""

GRANTED_COLUMNS = ["student_id", "rank", "target", "target_id", "points", "granted"]
"""Columns of :func:`granted_wishes`: ``target`` is offer, company or field."""


@dataclass(frozen=True)
class WishTable:
    """The wishes of a problem as aligned arrays, one entry per wish.

    ``target_kind`` is 0 (an offer), 1 (a company) or 2 (a Berufsfeld), and
    ``target`` the index into the problem's offers, companies or fields.
    Wishes naming an unknown student or target (invalid input) are left out.
    """

    student: NDArray[np.int64]
    weight: NDArray[np.int64]
    target_kind: NDArray[np.int64]
    target: NDArray[np.int64]
    row: NDArray[np.int64]  # index into ``problem.wishes``

    @classmethod
    def of(cls, problem: Problem) -> WishTable:
        student_of = {s.student_id: i for i, s in enumerate(problem.students)}
        index = (
            {o.offer_id: j for j, o in enumerate(problem.offers)},
            {c.company_id: j for j, c in enumerate(problem.companies)},
            {f.field_id: j for j, f in enumerate(problem.fields)},
        )
        rows = []
        for r, wish in enumerate(problem.wishes):
            targets = wish.targets
            if len(targets) != 1 or wish.student_id not in student_of:
                continue
            ((column, value),) = targets.items()
            kind = _TARGETS.index(column)
            if value in index[kind]:
                rows.append((student_of[wish.student_id], wish.weight, kind, index[kind][value], r))
        table = np.asarray(rows, dtype=np.int64).reshape(-1, 5)
        return cls(*(table[:, k].copy() for k in range(5)))

    def __len__(self) -> int:
        return len(self.student)

    def matches(
        self,
        student: NDArray[np.integer],
        offer: NDArray[np.integer],
        company: NDArray[np.integer],
        field: NDArray[np.integer],
    ) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """Every (option, wish) pair in which the option (aligned arrays of
        student, offer, company and field indices) grants the wish."""
        options, wishes = [], []
        student = np.asarray(student, np.int64)
        for kind, column in enumerate((offer, company, field)):
            mine = np.flatnonzero(self.target_kind == kind)
            if len(mine) == 0:
                continue
            column = np.asarray(column, np.int64)
            size = int(max(column.max(initial=0), self.target[mine].max(initial=0))) + 1
            keys = self.student[mine] * size + self.target[mine]
            order = np.argsort(keys, kind="stable")
            sorted_keys = keys[order]
            wanted = student * size + column
            lo = np.searchsorted(sorted_keys, wanted, side="left")
            hi = np.searchsorted(sorted_keys, wanted, side="right")
            count = hi - lo
            hit = np.flatnonzero(count > 0)
            # Options matching several wishes (a duplicate wish) repeat once each.
            times = count[hit]
            repeated = np.repeat(hit, times)
            starts = np.repeat(lo[hit], times)
            step = np.arange(len(repeated)) - np.repeat(np.cumsum(times) - times, times)
            options.append(repeated)
            wishes.append(mine[order[starts + step]])
        if not options:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty.copy()
        return np.concatenate(options).astype(np.int64), np.concatenate(wishes).astype(np.int64)

    def points(self, granted: NDArray[np.int64]) -> int:
        """The ``wishes`` level of the wishes ``granted`` (indices, unique)."""
        return int(self.weight[granted].sum())


def wish_target(wish: Wish) -> tuple[str, str]:
    """(``offer`` / ``company`` / ``field``, the ID) of a valid wish."""
    ((column, value),) = wish.targets.items()
    return column.removesuffix("_id"), value


def granted_wishes(problem: Problem, assignments: pd.DataFrame) -> pd.DataFrame:
    """Every valid wish of ``problem`` and whether the plan ``assignments``
    grants it (columns :data:`GRANTED_COLUMNS`, in the order of wishes.csv)."""
    placed: dict[str, set[tuple[str, str]]] = {}
    for sid, offer, company, field in zip(
        assignments["student_id"],
        assignments["offer_id"],
        assignments["company_id"],
        assignments["field_id"],
        strict=True,
    ):
        placed.setdefault(sid, set()).update(
            {("offer", offer), ("company", company), ("field", field)}
        )
    rows = []
    for wish in problem.wishes:
        if len(wish.targets) != 1:
            continue
        target, value = wish_target(wish)
        granted = (target, value) in placed.get(wish.student_id, set())
        rows.append((wish.student_id, wish.rank, target, value, wish.weight, granted))
    return pd.DataFrame(rows, columns=GRANTED_COLUMNS)


def never_granted(
    problem: Problem, options: Options, source: str | Path | None = None
) -> list[InputProblem]:
    """A warning for each wish that no eligible option of its student covers
    (so no plan can grant it), naming the row of ``wishes.csv``, or of the
    workbook's ``wishes`` sheet when ``source`` is the input it was read from."""
    from kaoa_match.io.inputs import load_table  # io imports this module

    table = WishTable.of(problem)
    _, wish = table.matches(options.student, options.offer, options.company, options.field)
    covered = np.zeros(len(table), dtype=bool)
    covered[wish] = True
    file, lines = "wishes.csv", [r + 2 for r in range(len(problem.wishes))]
    raw = load_table(source, "wishes") if source is not None else None
    if raw is not None and len(raw.rows) == len(problem.wishes):
        file, lines = raw.file, [line for line, _ in raw.rows]
    found = []
    for k in np.flatnonzero(~covered).tolist():
        row = int(table.row[k])
        wish_row = problem.wishes[row]
        target, value = wish_target(wish_row)
        why = f'the student may go to no place of {target} "{value}"'
        found.append(
            InputProblem(
                file,
                lines[row],
                f"{target}_id",
                f'wish {wish_row.rank} of student "{wish_row.student_id}" can never be '
                f"granted: {why}",
            )
        )
    return found
