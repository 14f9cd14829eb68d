"""A thin, fast writer of CP-SAT models from numpy arrays.

Creating one Python object per variable or constraint through ``cp_model`` is
the slow part of building a model with a million options; writing the
``CpModelProto`` directly from index arrays is several times faster.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from ortools.sat.python import cp_model
from scipy.sparse import csr_matrix, vstack

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


@dataclass(frozen=True)
class LinearSystem:
    matrix: csr_matrix
    row_lo: NDArray[np.float64]
    row_hi: NDArray[np.float64]
    var_lo: NDArray[np.float64]
    var_hi: NDArray[np.float64]
    in_lp: NDArray[np.bool_] | None = None  # rows the LP relaxation uses (None = all)

    def for_lp(self) -> LinearSystem:
        """The rows the LP relaxation uses: leaving rows out only loosens it."""
        if self.in_lp is None or self.in_lp.all():
            return self
        keep = self.in_lp
        return LinearSystem(
            self.matrix[keep], self.row_lo[keep], self.row_hi[keep], self.var_lo, self.var_hi
        )

    def satisfied_by(self, solution: NDArray[np.int64]) -> bool:
        """Whether ``solution`` (all variables) obeys every row and domain."""
        activity = self.matrix @ solution.astype(np.float64)
        return bool(
            np.all(activity >= self.row_lo)
            and np.all(activity <= self.row_hi)
            and np.all(solution >= self.var_lo)
            and np.all(solution <= self.var_hi)
        )


class ModelBuilder:
    """Wraps a :class:`cp_model.CpModel`; variables are addressed by proto index."""

    def __init__(self) -> None:
        self.model = cp_model.CpModel()
        self.proto = self.model.proto
        self.num_vars = 0
        self.num_constraints = 0
        # Variables defined by others, in creation order, to complete hints:
        # ("sum", [members]) = sum of members; ("all_any", groups) = 1 iff
        # every group has a true member; ("any_unless", [members, blockers])
        # = 1 iff a member is true and no blocker.
        self._derived: list[tuple[int, str, list[NDArray[np.int64]]]] = []
        # The same model as plain rows and bounds, for the LP relaxation.
        self._row_vars: list[NDArray[np.int64]] = []
        self._row_coeffs: list[NDArray[np.int64]] = []
        self._row_lo: list[int] = []
        self._row_hi: list[int] = []
        self._var_lo: list[int] = []
        self._var_hi: list[int] = []
        self._not_in_lp: list[int] = []  # rows the LP relaxation leaves out
        self._matrix: csr_matrix | None = None  # the rows as last written: see linear_system
        # (derived count, variable, start, members): see ``_dependencies``
        self._deps: tuple[int, NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]] | None = (
            None
        )

    def new_bools(self, count: int) -> NDArray[np.int64]:
        """Add ``count`` Boolean variables; returns their indices."""
        return self.new_ints(count, 0, 1)

    def new_ints(self, count: int, lo: int, hi: int) -> NDArray[np.int64]:
        first = self.num_vars
        variables = self.proto.variables
        for _ in range(count):
            variables.add().domain.extend((lo, hi))
        self.num_vars += count
        self._var_lo.extend([lo] * count)
        self._var_hi.extend([hi] * count)
        return np.arange(first, first + count, dtype=np.int64)

    def fix(self, var: int, value: int) -> None:
        domain = self.proto.variables[var].domain
        domain.clear()
        domain.extend((value, value))
        self._var_lo[var] = self._var_hi[var] = value

    def add_linear(
        self,
        variables: NDArray[np.int64],
        coeffs: NDArray[np.int64] | None,
        lo: int,
        hi: int,
    ) -> None:
        """``lo <= sum(coeffs * variables) <= hi`` (coeffs default to 1)."""
        if coeffs is None:
            coeffs = np.ones(len(variables), dtype=np.int64)
        linear = self.proto.constraints.add().linear
        linear.vars.extend(variables.tolist())
        linear.coeffs.extend(coeffs.tolist())
        linear.domain.extend((lo, hi))
        self._record(variables, coeffs, lo, hi)

    def add_at_most(self, variables: NDArray[np.int64], limit: int) -> None:
        """``sum(variables) <= limit``, skipped when it cannot bind."""
        if len(variables) <= limit:
            return
        if limit == 1:
            self.proto.constraints.add().at_most_one.literals.extend(variables.tolist())
            self._record(variables, np.ones(len(variables), dtype=np.int64), 0, 1)
        else:
            self.add_linear(variables, None, 0, limit)

    def _record(
        self, variables: NDArray[np.int64], coeffs: NDArray[np.int64], lo: int, hi: int
    ) -> None:
        self._row_vars.append(np.asarray(variables, dtype=np.int64))
        self._row_coeffs.append(np.asarray(coeffs, dtype=np.int64))
        self._row_lo.append(lo)
        self._row_hi.append(hi)
        self.num_constraints += 1

    def linear_system(self) -> LinearSystem:
        """The model as ``row_lo <= A x <= row_hi``, ``var_lo <= x <= var_hi``.
        Rows are only ever added: the matrix of the rows seen last time is kept
        and only the new ones are written (each level asks again after its
        level was held; praktikum-2700: 1-3 s a time on a busy machine)."""
        rows = len(self._row_vars)
        kept = self._matrix
        if kept is not None and kept.shape == (kept.shape[0], self.num_vars):
            matrix = kept if kept.shape[0] == rows else vstack([kept, self._rows(kept.shape[0])])
        else:
            matrix = self._rows(0)
        self._matrix = csr_matrix(matrix)
        in_lp = np.ones(len(self._row_vars), dtype=bool)
        in_lp[self._not_in_lp] = False
        return LinearSystem(
            self._matrix,
            np.asarray(self._row_lo, np.float64),
            np.asarray(self._row_hi, np.float64),
            np.asarray(self._var_lo, np.float64),
            np.asarray(self._var_hi, np.float64),
            in_lp,
        )

    def _rows(self, first: int) -> csr_matrix:
        """The rows from ``first`` on as a sparse matrix over every variable."""
        row_vars, row_coeffs = self._row_vars[first:], self._row_coeffs[first:]
        lengths = np.fromiter((len(v) for v in row_vars), np.int64, len(row_vars))
        return csr_matrix(
            (
                np.concatenate(row_coeffs or [np.zeros(0, np.int64)]).astype(np.float64),
                np.concatenate(row_vars or [np.zeros(0, np.int64)]),
                np.r_[0, np.cumsum(lengths)],
            ),
            shape=(len(row_vars), self.num_vars),
        )

    def satisfied_by(self, solution: NDArray[np.int64]) -> bool:
        """Whether ``solution`` (all variables) obeys every row and domain."""
        return self.linear_system().satisfied_by(solution)

    def moved_with(self, free: NDArray[np.bool_]) -> NDArray[np.bool_]:
        """Mask over all variables: ``free`` (a mask over the first variables,
        the options) and every derived variable whose value may change when
        only they move. The others keep their value: a local search fixes
        them too and writes a model of a few hundred variables, not of every
        student's indicators (praktikum-2700: 0.4 s a round went on writing)."""
        var, start, members = self._dependencies()
        moved = np.zeros(self.num_vars, dtype=bool)
        moved[: len(free)] = free
        if len(var) == 0:
            return moved
        # A derived variable depends on earlier ones (a pair on its shared
        # slots): a few passes reach the fixed point.
        nonempty = np.diff(np.r_[start, len(members)]) > 0
        while True:
            # reduceat gives an empty group the next group's first member: masked
            touched = np.logical_or.reduceat(np.r_[moved[members], False], start) & nonempty
            new = touched & ~moved[var]
            if not new.any():
                return moved
            moved[var[new]] = True

    def _dependencies(self) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
        """Each derived variable, where its members start in the flat array of
        members, and that array (computed once: the derived list never shrinks)."""
        if self._deps is None or self._deps[0] != len(self._derived):
            var = np.fromiter((v for v, _, _ in self._derived), np.int64, len(self._derived))
            flat = [
                np.concatenate(groups) if groups else np.zeros(0, np.int64)
                for _, _, groups in self._derived
            ]
            lengths = np.fromiter((len(f) for f in flat), np.int64, len(flat))
            members = np.concatenate(flat).astype(np.int64) if flat else np.zeros(0, np.int64)
            start = (np.cumsum(lengths) - lengths).astype(np.int64)
            self._deps = (len(self._derived), var, start, members)
        return self._deps[1], self._deps[2], self._deps[3]

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

    def new_sum(self, members: NDArray[np.int64]) -> int:
        """An integer variable equal to ``sum(members)``."""
        var = int(self.new_ints(1, 0, len(members))[0])
        coeffs = np.r_[np.int64(-1), np.ones(len(members), np.int64)]
        self.add_linear(np.r_[np.int64(var), members], coeffs, 0, 0)
        self._derived.append((var, "sum", [members]))
        return var

    def new_indicator(self, groups: list[NDArray[np.int64]]) -> int:
        """A 0/1 variable that can be 1 only if every group has a true member."""
        var = int(self.new_bools(1)[0])
        for group in groups:
            self.add_le(var, group)
        self._derived.append((var, "all_any", groups))
        return var

    def new_unless(self, members: NDArray[np.int64], blockers: NDArray[np.int64]) -> int:
        """A 0/1 variable that can be 1 only if one of ``members`` is true and
        none of ``blockers`` (which the model lets sum to at most 1)."""
        var = int(self.new_bools(1)[0])
        self.add_le(var, members)
        # var + sum(blockers) <= 1: one row, as the blockers are exclusive anyway.
        self.add_linear(np.r_[np.int64(var), blockers].astype(np.int64), None, 0, 1)
        self._derived.append((var, "any_unless", [members, blockers]))
        return var

    def new_switch(self, members: NDArray[np.int64], lo: int, hi: int) -> int:
        """A 0/1 variable ``on`` with ``lo * on <= sum(members) <= hi * on``:
        the members are all off, or between ``lo`` and ``hi`` of them on.

        Written as ``sum(members) <= hi``, ``member <= on`` for each member and
        ``sum(members) >= lo * on``. The LP relaxation keeps only the first:
        with the others it is hardly tighter (``on`` may be fractional) but
        the dual simplex takes four times as long (the example's fairness LP:
        23 s against 6 s); a looser LP still gives valid bounds, and its
        plans are checked against every row."""
        on = int(self.new_bools(1)[0])
        ones = np.ones(len(members), dtype=np.int64)
        self.add_at_most(members, hi)
        first = self.num_constraints
        for member in members.tolist():
            self.add_linear(np.asarray([member, on], np.int64), np.asarray([1, -1]), -1, 0)
        variables = np.r_[members, np.int64(on)].astype(np.int64)
        self.add_linear(variables, np.r_[ones, np.int64(-lo)], 0, len(members))
        self._not_in_lp.extend(range(first, self.num_constraints))
        self._derived.append((on, "all_any", [members]))
        return on

    def complete(self, solution: NDArray[np.int64]) -> NDArray[np.int64]:
        """Give every derived variable its (best) value under ``solution``, in place."""
        for var, how, groups in self._derived:
            if how == "sum":
                solution[var] = int(solution[groups[0]].sum())
            elif how == "any_unless":
                members, blockers = groups
                solution[var] = int(solution[members].any() and not solution[blockers].any())
            else:
                solution[var] = int(all(solution[g].any() for g in groups))
        return solution


def set_objective(
    model: cp_model.CpModel,
    variables: NDArray[np.int64],
    coeffs: NDArray[np.int64],
    maximize: bool,
) -> None:
    """Replace the objective of ``model`` by ``sum(coeffs * variables)``."""
    proto = model.proto
    proto.clear_objective()
    sign = -1 if maximize else 1
    proto.objective.vars.extend(variables.tolist())
    proto.objective.coeffs.extend((sign * coeffs).tolist())
    proto.objective.scaling_factor = float(sign)


def set_hint(
    model: cp_model.CpModel, variables: NDArray[np.int64], values: NDArray[np.int64]
) -> None:
    """Replace the solution hint of ``model``."""
    proto = model.proto
    proto.clear_solution_hint()
    proto.solution_hint.vars.extend(variables.tolist())
    proto.solution_hint.values.extend(values.tolist())


def fix_variables(model: cp_model.CpModel, variables: NDArray[np.int64], value: int) -> None:
    """Restrict the domain of each variable to ``value``."""
    proto_vars = model.proto.variables
    for var in variables.tolist():
        domain = proto_vars[var].domain
        domain.clear()
        domain.extend((value, value))


def restricted_model(
    system: LinearSystem, free: NDArray[np.int64], values: NDArray[np.int64]
) -> cp_model.CpModel:
    """The model with every variable but ``free`` fixed at ``values``, written
    anew over the free variables only (variable ``k`` is ``free[k]``): each
    row's bounds shifted by what the fixed variables contribute to it.

    A clone with fixed domains would do the same, but CP-SAT's presolve then
    spends seconds removing the fixed part of a large model in every round.
    """
    is_free = np.zeros(system.matrix.shape[1], dtype=bool)
    is_free[free] = True
    shift = np.rint(system.matrix @ np.where(is_free, 0, values).astype(np.float64))
    sub = system.matrix[:, free].tocsr()
    model = cp_model.CpModel()
    proto = model.proto
    for lo, hi in zip(system.var_lo[free].tolist(), system.var_hi[free].tolist(), strict=True):
        proto.variables.add().domain.extend((int(lo), int(hi)))
    starts = sub.indptr
    used = np.flatnonzero(np.diff(starts) > 0)
    row_lo = (system.row_lo - shift).astype(np.int64)
    row_hi = (system.row_hi - shift).astype(np.int64)
    columns, coeffs = sub.indices, np.rint(sub.data).astype(np.int64)
    for r in used.tolist():
        linear = proto.constraints.add().linear
        linear.vars.extend(columns[starts[r] : starts[r + 1]].tolist())
        linear.coeffs.extend(coeffs[starts[r] : starts[r + 1]].tolist())
        linear.domain.extend((int(row_lo[r]), int(row_hi[r])))
    return model
