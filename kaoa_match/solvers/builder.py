"""A thin, fast writer of CP-SAT models from numpy arrays.

Creating one Python object per variable or constraint through ``cp_model`` is
the slow part of building a model with a million options; writing the
``CpModelProto`` directly from index arrays is several times faster.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from ortools.sat.python import cp_model

if TYPE_CHECKING:
    from collections.abc import Iterator

    from numpy.typing import NDArray


def group_slices(
    keys: NDArray[np.int64],
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Sort order and group boundaries of ``keys``: group g is
    ``order[bounds[g]:bounds[g+1]]``, all entries with one key value."""
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
    return order, np.r_[starts, len(keys)].astype(np.int64)


def iter_groups(
    keys: NDArray[np.int64], members: NDArray[np.int64]
) -> Iterator[tuple[int, NDArray[np.int64]]]:
    """Yield ``(key, members with that key)`` for every distinct key."""
    if len(keys) == 0:
        return
    order, bounds = group_slices(keys)
    sorted_keys = keys[order]
    for g in range(len(bounds) - 1):
        lo, hi = bounds[g], bounds[g + 1]
        yield int(sorted_keys[lo]), members[order[lo:hi]]


class ModelBuilder:
    """Wraps a :class:`cp_model.CpModel`; variables are addressed by proto index."""

    def __init__(self) -> None:
        self.model = cp_model.CpModel()
        self.proto = self.model.proto
        self.num_vars = 0
        self.num_constraints = 0

    def new_bools(self, count: int) -> NDArray[np.int64]:
        """Add ``count`` Boolean variables; returns their indices."""
        return self.new_ints(count, 0, 1)

    def new_ints(self, count: int, lo: int, hi: int) -> NDArray[np.int64]:
        first = self.num_vars
        variables = self.proto.variables
        for _ in range(count):
            variables.add().domain.extend((lo, hi))
        self.num_vars += count
        return np.arange(first, first + count, dtype=np.int64)

    def fix(self, var: int, value: int) -> None:
        domain = self.proto.variables[var].domain
        domain.clear()
        domain.extend((value, value))

    def add_linear(
        self,
        variables: NDArray[np.int64],
        coeffs: NDArray[np.int64] | None,
        lo: int,
        hi: int,
    ) -> None:
        """``lo <= sum(coeffs * variables) <= hi`` (coeffs default to 1)."""
        linear = self.proto.constraints.add().linear
        linear.vars.extend(variables.tolist())
        if coeffs is None:
            linear.coeffs.extend([1] * len(variables))
        else:
            linear.coeffs.extend(coeffs.tolist())
        linear.domain.extend((lo, hi))
        self.num_constraints += 1

    def add_at_most(self, variables: NDArray[np.int64], limit: int) -> None:
        """``sum(variables) <= limit``, skipped when it cannot bind."""
        if len(variables) <= limit:
            return
        if limit == 1:
            self.proto.constraints.add().at_most_one.literals.extend(variables.tolist())
            self.num_constraints += 1
        else:
            self.add_linear(variables, None, 0, limit)

    def add_grouped_at_most(
        self,
        keys: NDArray[np.int64],
        variables: NDArray[np.int64],
        limits: NDArray[np.int64],
    ) -> None:
        """For each distinct key: the variables with that key sum to at most
        ``limits[key]`` (``limits`` is indexed by key)."""
        for key, members in iter_groups(keys, variables):
            self.add_at_most(members, int(limits[key]))

    def add_le(self, smaller: int, larger: NDArray[np.int64]) -> None:
        """``smaller <= sum(larger)``: an indicator that needs one of ``larger``."""
        vars_ = np.r_[np.int64(smaller), larger]
        coeffs = np.r_[np.int64(-1), np.ones(len(larger), dtype=np.int64)]
        self.add_linear(vars_, coeffs, 0, len(larger))

    def set_objective(
        self, variables: NDArray[np.int64], coeffs: NDArray[np.int64], maximize: bool
    ) -> None:
        self.proto.clear_objective()
        objective = self.proto.objective
        sign = -1 if maximize else 1
        objective.vars.extend(variables.tolist())
        objective.coeffs.extend((sign * coeffs).tolist())
        objective.scaling_factor = float(sign)

    def set_hint(self, variables: NDArray[np.int64], values: NDArray[np.int64]) -> None:
        self.proto.clear_solution_hint()
        hint = self.proto.solution_hint
        hint.vars.extend(variables.tolist())
        hint.values.extend(values.tolist())
