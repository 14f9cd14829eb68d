"""Prices for the Lagrangian bound from the LP over every option, by PDLP.

The subgradient steps of ``lagrangian`` approach the LP bound slowly at Kreis
scale, and with an earlier level held they barely move (siegen-wittgenstein,
1.95 M options: interest 506,000 after 48 s, where the LP with the wishes held
is about 468,000). PDLP, the first-order LP solver of OR-Tools, gets the
prices of that LP much faster: one thread, 30 s, and the Lagrangian at its
duals is 471,983 (flows plan 459,936). Only the duals are used: the bound is
the exact Lagrangian of ``lagrangian`` at those prices, valid whatever
their quality, so PDLP's own tolerances never decide a bound.

The LP has the per-student rows (one place a date, distinct Berufsfelder, at
most the BFE days, at most one Praktikum block, one Langzeitpraktikum, the
courses needed in distinct fields), one capacity row per offer and day where
an option starts (the others are implied) and per Langzeitpraktikum offer and
weekday, and a row per held level. A held level that sums over every option
(coverage) makes PDLP converge about half as fast (measured: 500,574 against
471,983 in 30 s), so callers hold only sparse levels (the wish points) here.
PDLP does not run well beside the subgradient steps in a second thread (both
slowed about threefold, measured), so it takes its turn with all the workers.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
from scipy.sparse import coo_matrix, csc_matrix

from kaoa_match.solvers.bounds.lagrangian import N_WEEKDAYS, Held, Objective, bound_at
from kaoa_match.solvers.variables import COURSE, LANGZEIT, PRAKTIKUM

if TYPE_CHECKING:
    from collections.abc import Callable

    from numpy.typing import NDArray

    from kaoa_match.solvers.bounds.lagrangian import StudentProblems
    from kaoa_match.solvers.variables import Candidates

_log = logging.getLogger(__name__)

# Stop well before the time limit once the LP is solved this closely: the bound
# comes from the Lagrangian at the duals, which needs no tighter LP.
_RELATIVE_EPS = 1e-4
# Rounds of column generation; each goes on from the last one's iterate.
_ROUNDS = 3
# Seconds to build the LP per option (siegen-wittgenstein on a loaded 2-core
# machine: 4.0 s for 1.95 M options, 0.6 s for 380,000): an LP whose time
# would go to building it is not built (it once took 7 s for nothing).
_BUILD_SECONDS_PER_OPTION = 2.5e-6
# Seconds per option of the Kreis for the pricing pass after each round, kept
# out of PDLP's time so that a round ends within its share: the first round's
# estimate (duesseldorf, 10.2 M options, quiet machine: 1.5 s; siegen-wittgenstein,
# 1.95 M, loaded: 1.1-4.1 s); later rounds use the pass measured. With 1.5e-6
# duesseldorf's estimate was 15 s a round, and its interest LP got one round
# or none.
_PRICE_SECONDS_PER_OPTION = 0.5e-6


@dataclass(frozen=True)
class LpPrices:
    """Duals of the LP as prices: ``capacity`` per offer-day slot, ``held``
    per held level (both >= 0), and how they were found; with PDLP's last
    iterate, to start the next LP over more columns from it."""

    capacity: NDArray[np.float64]
    held: NDArray[np.float64]
    iterations: int
    seconds: float
    termination: str
    iterate: _Iterate

    @property
    def optimal(self) -> bool:
        return self.termination == "TERMINATION_REASON_OPTIMAL"

    def plan_over(self, cand: Candidates) -> NDArray[np.float64]:
        """PDLP's last primal iterate per candidate of ``cand`` (0 for those
        not in the LP); the LP's columns must be candidates of ``cand``."""
        plan = np.zeros(len(cand))
        plan[np.searchsorted(cand.source, self.iterate.source)] = self.iterate.primal
        return plan


@dataclass(frozen=True)
class _Iterate:
    """PDLP's primal and dual vectors, with what names their entries: the
    option (``Candidates.source``) of each column and the keys of each family
    of rows, so that an LP over more columns can start from them."""

    source: NDArray[np.int64]
    primal: NDArray[np.float64]
    row_keys: list[NDArray[np.int64]]
    dual: NDArray[np.float64]
    # The leading families of rows that every LP of the Kreis has (per-student
    # and capacity rows); the held rows after them differ by level.
    shared: int = 0

    def start_for(
        self, source: NDArray[np.int64], row_keys: list[NDArray[np.int64]]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """The primal and dual start of an LP with these columns and rows:
        the values of the same column or row here, 0 for the new ones. An LP
        of another level (its held rows differ) gets only the shared rows'."""
        primal = _carried(self.source, self.primal, source)
        same_level = len(row_keys) == len(self.row_keys)
        parts, first = [], 0
        for k, (old, new) in enumerate(zip(self.row_keys, row_keys, strict=False)):
            if k < self.shared or same_level:
                parts.append(_carried(old, self.dual[first : first + len(old)], new))
            else:
                parts.append(np.zeros(len(new)))
            first += len(old)
        parts.extend(np.zeros(len(new)) for new in row_keys[len(parts) :])
        return primal, np.concatenate(parts) if parts else np.zeros(0)


def _carried(
    old_keys: NDArray[np.int64], values: NDArray[np.float64], new_keys: NDArray[np.int64]
) -> NDArray[np.float64]:
    """``values`` (one per sorted ``old_keys``) at ``new_keys``; 0 where absent."""
    if not len(old_keys):
        return np.zeros(len(new_keys))
    at = np.minimum(np.searchsorted(old_keys, new_keys), len(old_keys) - 1)
    return np.where(old_keys[at] == new_keys, values[at], 0.0)


def lp_prices(
    sp: StudentProblems,
    cand: Candidates,
    objective: Objective,
    held: list[Held],
    seconds: float,
    threads: int = 1,
    start: LpPrices | None = None,
) -> LpPrices | None:
    """Run PDLP for at most ``seconds`` on the LP of maximising ``objective``
    over every option in ``cand`` with the ``held`` levels at their values;
    its duals, or None when no time is left for it. ``objective`` and the
    held levels must be plain sums over the options (no top-3 term). PDLP
    starts from ``start``'s last iterate where given (an LP of the same
    Kreis, say over fewer columns)."""
    from ortools.pdlp import solvers_pb2
    from ortools.pdlp.python import pdlp

    if objective.top_value or any(h.objective.top_value for h in held):
        raise ValueError("the LP prices take plain sums over the options only")
    started = time.monotonic()
    if seconds < 1.0 + len(cand) * _BUILD_SECONDS_PER_OPTION:
        return None
    rows = _Rows()
    student = cand.student.astype(np.int64)
    bfe = sp.bfe
    days = np.zeros(sp.n_students, dtype=np.int64)
    for cls in sp.classes:
        days[cls.students] = cls.days
    date_key = student[bfe] * (sp.n_days + 1) + sp.option_first[bfe]
    rows.add(date_key, bfe, None)
    rows.add(student[bfe] * sp.n_fields + cand.field[bfe].astype(np.int64), bfe, None)
    # At most ``days`` BFE days: a row only where a student has more dates.
    dates_of = np.bincount(np.unique(date_key) // (sp.n_days + 1), minlength=sp.n_students)
    more = bfe[dates_of[student[bfe]] > days[student[bfe]]]
    rows.add(student[more], more, lambda keys: days[keys].astype(np.float64))
    # The other kinds as the per-student problems hold them (``lagrangian``):
    # one block, one Langzeitpraktikum, courses in distinct fields and at
    # most ``courses_needed``; no date rows across kinds. Every family is
    # added, empty or not, so that column generation's rounds line up.
    kind = sp.block_kind
    for single in (PRAKTIKUM, LANGZEIT):
        of_kind = sp.blocks[kind == single]
        rows.add(student[of_kind], of_kind, None)
    courses = sp.blocks[kind == COURSE]
    rows.add(student[courses] * sp.n_fields + cand.field[courses].astype(np.int64), courses, None)
    need = sp.courses.need
    fields_of = np.bincount(sp.courses.cell_student, minlength=sp.n_students)
    more = courses[fields_of[student[courses]] > need[student[courses]]]
    rows.add(student[more], more, lambda keys: need[keys].astype(np.float64))
    # Capacity: a block or course takes its offer's place on each of its
    # days, a Langzeitpraktikum on each of its weekdays; only the rows that
    # can bind (PDLP's iterations cost by the matrix's entries).
    option, slot = _capacity_entries(sp, cand)
    binding = sp.binding[slot]
    option, slot = option[binding], slot[binding]
    first_slot_row = rows.count
    slots = rows.add(slot, option, lambda keys: sp.capacity[keys])
    first_held_row, shared = rows.count, len(rows.keys)
    for k, h in enumerate(held):
        terms = np.flatnonzero(h.objective.option_value)
        rows.add_row(k, terms, -h.objective.option_value[terms], -h.value)

    program = pdlp.QuadraticProgram()
    program.objective_vector = -objective.option_value.astype(np.float64)
    program.constraint_matrix = rows.matrix(len(cand))
    program.constraint_lower_bounds = np.full(rows.count, -np.inf)
    program.constraint_upper_bounds = rows.upper()
    program.variable_lower_bounds = np.zeros(len(cand))
    program.variable_upper_bounds = np.ones(len(cand))
    built = time.monotonic() - started
    left = seconds - built
    if left < 1.0:
        return None
    params = solvers_pb2.PrimalDualHybridGradientParams()
    params.num_threads = max(threads, 1)
    params.termination_criteria.time_sec_limit = left
    params.termination_criteria.simple_optimality_criteria.eps_optimal_relative = _RELATIVE_EPS
    params.termination_criteria.simple_optimality_criteria.eps_optimal_absolute = 0.0
    initial = None
    if start is not None:
        initial = pdlp.PrimalAndDualSolution()
        initial.primal_solution, initial.dual_solution = start.iterate.start_for(
            cand.source, rows.keys
        )
    result = pdlp.primal_dual_hybrid_gradient(program, params, initial)
    # PDLP's duals of "<=" rows of a minimisation are <= 0; the prices are >= 0.
    dual = -np.asarray(result.dual_solution)
    capacity = np.zeros(sp.n_slots)
    capacity[slots] = np.maximum(dual[first_slot_row : first_slot_row + len(slots)], 0.0)
    held_prices = np.maximum(dual[first_held_row : first_held_row + len(held)], 0.0)
    log = result.solve_log
    found = LpPrices(
        capacity,
        held_prices,
        int(log.iteration_count),
        time.monotonic() - started,
        _termination_name(log.termination_reason),
        _Iterate(
            cand.source,
            np.asarray(result.primal_solution),
            rows.keys,
            np.asarray(result.dual_solution),
            shared,
        ),
    )
    _log.debug(
        "PDLP over %d options, %d rows: %s after %d iterations, %.1f s (%.1f s to build)",
        len(cand),
        rows.count,
        found.termination,
        found.iterations,
        found.seconds,
        built,
    )
    return found


def _capacity_entries(
    sp: StudentProblems, cand: Candidates
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Every (candidate, capacity slot) it takes a place of: an offer-day for
    each day of a BFE day, block or course, an offer-weekday for each weekday
    of a Langzeitpraktikum."""
    option, day = cand.expand_days()
    dated = cand.kind[option] != LANGZEIT
    option, day = option[dated], day[dated]
    options = [option]
    slots = [cand.offer[option].astype(np.int64) * sp.n_days + day]
    langzeit = np.flatnonzero(cand.kind == LANGZEIT).astype(np.int64)
    for weekday in range(N_WEEKDAYS):
        on = langzeit[(cand.weekdays[langzeit] >> weekday & 1) == 1]
        options.append(on)
        slots.append(sp.weekday_slot(cand.offer[on].astype(np.int64), weekday))
    return np.concatenate(options), np.concatenate(slots)


@dataclass(frozen=True)
class PricedBound:
    """The best Lagrangian bound over every option at the prices of an LP over
    some of them: its value, the prices, the options every student takes at
    them (whichever round), and how many rounds and columns it took."""

    value: float
    prices: LpPrices
    chosen: NDArray[np.int64]
    rounds: int
    columns: int


def column_generation(
    sp: StudentProblems,
    cand: Candidates,
    objective: Objective,
    held: list[Held],
    columns: NDArray[np.int64],
    problems_of: Callable[[Candidates], StudentProblems],
    seconds: float,
    threads: int = 1,
    rounds: int = _ROUNDS,
    start: LpPrices | None = None,
) -> PricedBound | None:
    """Bound ``objective`` over every option of ``cand`` at the prices of the
    LP over ``columns`` (candidate positions), in up to ``rounds`` rounds:
    after each, the options that the students take at the LP's prices join
    the columns, and PDLP goes on from where it was. Every round's bound
    holds (it is the Lagrangian over every option, ``bound_at``); once no
    option joins and PDLP proved its LP optimal, the bound is the full LP's.
    ``problems_of`` gives the student problems of a subset of ``cand``.
    The first round starts from ``start`` (an LP of another level of the same
    Kreis: its plan and the duals of the rows both have) where given."""
    started = time.monotonic()
    best: PricedBound | None = None
    chosen_any: list[NDArray[np.int64]] = []
    prices = start
    columns = np.unique(columns)
    pricing = len(cand) * _PRICE_SECONDS_PER_OPTION
    for done in range(rounds):
        left = seconds - (time.monotonic() - started)
        share = left / (rounds - done) - pricing
        least = 1.0 + len(columns) * _BUILD_SECONDS_PER_OPTION
        if share < least:
            share = left - pricing  # too short for the rounds planned: one last
        if share < least:
            break  # not worth the copies of the candidates and their problems
        if len(columns) == len(cand):
            # Every option: no copies of the candidates and their problems
            # (siegen-wittgenstein: 270 MB more at the peak with them).
            prices = lp_prices(sp, cand, objective, held, share, threads, prices)
        else:
            sub = cand.take(columns)
            sub_objective = Objective(objective.option_value[columns], objective.top_value)
            sub_held = [
                Held(Objective(h.objective.option_value[columns], h.objective.top_value), h.value)
                for h in held
            ]
            prices = lp_prices(
                problems_of(sub), sub, sub_objective, sub_held, share, threads, prices
            )
        if prices is None:
            break
        priced_at = time.monotonic()
        value, chosen = bound_at(sp, objective, held, prices.capacity, prices.held)
        pricing = time.monotonic() - priced_at
        if not math.isfinite(value):
            break  # PDLP diverged (not seen, but no bound from such prices)
        chosen_any.append(chosen)
        new = np.setdiff1d(chosen, columns)
        _log.debug(
            "column generation round %d over %d columns: %.0f, %d options price out",
            done + 1,
            len(columns),
            value,
            len(new),
        )
        if best is None or value < best.value:
            best = PricedBound(value, prices, chosen, done + 1, len(columns))
        if not len(new) and prices.optimal:
            break  # the LP over these columns is the LP over every option
        columns = np.union1d(columns, new)
    if best is None:
        return None
    return replace(best, chosen=np.unique(np.concatenate(chosen_any)))


def _termination_name(reason: int) -> str:
    """PDLP's termination reason by name."""
    from ortools.pdlp import solve_log_pb2

    return str(solve_log_pb2.TerminationReason.Name(reason))


class _Rows:
    """The LP's "<=" rows, collected as coordinates."""

    def __init__(self) -> None:
        self.count = 0
        self.keys: list[NDArray[np.int64]] = []  # of each family of rows, sorted
        self._row: list[NDArray[np.int64]] = []
        self._col: list[NDArray[np.int64]] = []
        self._value: list[NDArray[np.float64]] = []
        self._upper: list[NDArray[np.float64]] = []

    def add(
        self,
        keys: NDArray[np.int64],
        columns: NDArray[np.int64],
        upper: Callable[[NDArray[np.int64]], NDArray[np.float64]] | None,
    ) -> NDArray[np.int64]:
        """One row per distinct key over its columns (coefficient 1), with the
        right-hand side ``upper(keys)`` (1 when None); returns the keys."""
        distinct, row = np.unique(keys, return_inverse=True)
        self.keys.append(distinct)
        self._row.append(self.count + row)
        self._col.append(columns)
        self._value.append(np.ones(len(columns)))
        self._upper.append(np.ones(len(distinct)) if upper is None else upper(distinct))
        self.count += len(distinct)
        return distinct

    def add_row(
        self, key: int, columns: NDArray[np.int64], values: NDArray[np.float64], upper: float
    ) -> None:
        self.keys.append(np.asarray([key], dtype=np.int64))
        self._row.append(np.full(len(columns), self.count, dtype=np.int64))
        self._col.append(columns)
        self._value.append(values.astype(np.float64))
        self._upper.append(np.asarray([upper]))
        self.count += 1

    def matrix(self, n_columns: int) -> csc_matrix:
        coords = (np.concatenate(self._row), np.concatenate(self._col))
        return coo_matrix(
            (np.concatenate(self._value), coords), shape=(self.count, n_columns)
        ).tocsc()

    def upper(self) -> NDArray[np.float64]:
        return np.concatenate(self._upper)
