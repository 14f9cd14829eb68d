"""From a validated problem to a proven plan: options, reduction, parts, levels."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from ortools.sat.python import cp_model

from kaoa_match.changes import changes_table
from kaoa_match.exceptions import LockedConflictError
from kaoa_match.model import SolveOptions
from kaoa_match.options import build_options, max_placeable
from kaoa_match.plan import LevelResult, combined_status
from kaoa_match.solvers.bounds.combine import (
    HeldBound,
    capped,
    exceeds,
    tightened,
    whole_kreis_bound,
)
from kaoa_match.solvers.budget import DEFAULT_POLICY, Deadline, TimePolicy
from kaoa_match.solvers.builder import ModelBuilder, restricted_model, set_hint, set_objective
from kaoa_match.solvers.constraints import add_hard_rules, group_minimums
from kaoa_match.solvers.decompose import independent_parts
from kaoa_match.solvers.flows import FlowKreis, improve_by_layers, level_values, value_tuple
from kaoa_match.solvers.heuristic import GreedyInput, greedy_plan, round_lp
from kaoa_match.solvers.lagrangian import (
    Held,
    Objective,
    StudentProblems,
    whole_kreis_bounds,
)
from kaoa_match.solvers.levels import bounded_by, spec
from kaoa_match.solvers.lexicographic import Infeasible, LexResult, announce, optimise
from kaoa_match.solvers.locked import explain_locked_conflict, unplaceable_locked_rows
from kaoa_match.solvers.lp_prices import LpPrices, column_generation
from kaoa_match.solvers.objectives import Level, build_levels, per_student_caps
from kaoa_match.solvers.reduce import best_per_slot, nearest_per_day_field, prune_dominated_bfe
from kaoa_match.solvers.relaxation import solve_relaxation
from kaoa_match.solvers.result import make_plan
from kaoa_match.solvers.variables import (
    BFE,
    PRAKTIKUM,
    Candidates,
    PreviousMatch,
    WishMatches,
    match_previous,
)
from kaoa_match.validation import validate
from kaoa_match.wishes import WishTable

if TYPE_CHECKING:
    from collections.abc import Callable

    from numpy.typing import NDArray

    from kaoa_match.model import Problem
    from kaoa_match.options import Options
    from kaoa_match.plan import Plan
    from kaoa_match.solvers.lexicographic import Progress

_log = logging.getLogger(__name__)

# Parts smaller than this solve silently: a Kreis may have hundreds of tiny ones.
_REPORTED_PART = 2_000
# Bounds over every option for Kreise this large (smaller ones are proven by
# the exact model's LP and CP-SAT); their time: see budget.TimePolicy.
_LAGRANGIAN_FROM = 100_000
# The interest level's LP goes to PDLP (``lp_prices``) over every option on
# Kreise up to this many options: its matrix takes about 60 bytes an option
# (koeln, 17.7 M options, is already at 4.3 GB without it). Above, it runs
# over the nearest offers (the cut model's, else at most this many options),
# the warm start and the best-scored options of each offer-day (this many
# per place, and as many more), in rounds of column generation (duesseldorf,
# 10.2 M options, 24 s: 1,014,740 in one round over 461,638 columns, 990,317
# in three; the per-student bound is 1,183,384). The wishes LP is small
# (the options that grant a wish) and needs only a second or two.
_LP_PRICES_MAX_OPTIONS = 4_000_000
_LP_NEAREST_OPTIONS = 700_000
_LP_PER_PLACE = 3
_LP_ROUNDS = 3
# A cut model keeps every option of the students the warm start leaves short,
# up to this many options in all (koeln: 1 student short, siegen-wittgenstein: 7).
_SHORT_STUDENTS_OPTIONS = 50_000
# The objective of the LP that guides the second warm start of a cut model: a
# top-3 field and each wish point outweigh interest scores (0-100), as the
# levels do. Weights spanning the levels' whole range (coverage first) round
# a little better but make the LP take 74 s instead of 10 (siegen-wittgenstein);
# with 100 per placement it did not finish in 18 s.
_GUIDE_TOP = 100
_GUIDE_WISH_POINT = 20
# A published row kept outweighs a top field and the wishes of one option
# (at most 15 points), as stability comes before them.
_GUIDE_PUBLISHED = 500
# The guiding LP's cut model at most: siegen-wittgenstein's (345,351 options)
# takes 10 s, koeln's (735,814) did not finish in 18 s and held 0.4 GB more.
_GUIDE_MAX_OPTIONS = 500_000


def solve(
    problem: Problem,
    options: SolveOptions | None = None,
    progress: Progress | None = None,
    policy: TimePolicy = DEFAULT_POLICY,
) -> Plan:
    """Plan every placement of ``problem``: the spec's levels, lexicographically.

    Raises :class:`~kaoa_match.exceptions.InputError` for invalid input and
    :class:`~kaoa_match.exceptions.LockedConflictError` when locked rows of
    the previous plan cannot all be kept. ``policy`` shares the time limit
    among the stages (see ``budget.py``).
    """
    return solve_with_options(problem, options, progress, policy)[0]


def solve_with_options(
    problem: Problem,
    options: SolveOptions | None = None,
    progress: Progress | None = None,
    policy: TimePolicy = DEFAULT_POLICY,
) -> tuple[Plan, Options]:
    """:func:`solve`, and the options (eligible placements) it built, for a caller
    that needs them again (the portal baseline of the report: a large Kreis's
    options take seconds to build)."""
    options = options or SolveOptions()
    deadline = Deadline(options.time_limit_s)
    started = deadline.started
    announce(progress, "options: who may go where")
    validate(problem).raise_if_errors()
    opts = build_options(problem)
    built = time.monotonic()

    previous = match_previous(problem, opts)
    bad_locked = unplaceable_locked_rows(problem, previous)
    if bad_locked:
        raise LockedConflictError("\n".join(bad_locked))

    kreis = _Kreis.of(problem, opts, previous, options)
    keep = np.ones(len(opts), dtype=bool)
    # Pruning is exact but removes well under 1 % of a dense Kreis's options
    # (siegen-wittgenstein: 167 of 1.95 M): where the model will be cut to the
    # nearest offers anyway it buys nothing and costs seconds (koeln: 10 s).
    cut_anyway = options.max_options is not None and len(opts) > 2 * options.max_options
    if options.prune_dominated and not cut_anyway:
        keep = _reduced(problem, opts, previous.option, kreis)
    keep &= _groups_that_can_run(opts, kreis.min_group, previous.option[previous.locked])
    published_options = np.unique(previous.option[~previous.locked & (previous.option >= 0)])
    # The candidates over every option live only in this call: a large
    # Kreis's (koeln: 17.7 M) take 1.5 GB that the cut model's levels can use.
    warm = _warm_start_and_bounds(
        kreis,
        Candidates.from_options(opts, keep),
        published_options,
        options,
        progress,
        deadline=deadline,
        policy=policy,
    )
    warm_start, whole_kreis = warm.plan, warm.whole_kreis
    announce(progress, "model")
    restricted = warm.cut_to is not None
    cand = Candidates.from_options(opts, keep if warm.cut_to is None else warm.cut_to)
    model_built = time.monotonic()

    parts = _parts(kreis, cand, options.decompose)
    solved: list[tuple[Candidates, LexResult, ModelBuilder]] = []
    for k, part in enumerate(parts):
        sub = cand.take(np.sort(part))
        budget = _part_budget(deadline, [len(p) for p in parts[k:]])
        reporter = progress if len(parts) == 1 or len(part) >= _REPORTED_PART else None
        if reporter is not None and len(parts) > 1:
            reporter = _labelled(reporter, f"{k + 1}/{len(parts)}", model_built)
        try:
            result, b = _solve_part(
                kreis,
                sub,
                warm_start,
                published_options,
                options,
                reporter,
                restricted,
                whole_kreis if len(parts) == 1 else {},
                deadline=Deadline(budget),
                policy=policy,
            )
        except Infeasible:
            raise LockedConflictError(_locked_conflict(kreis, cand, options)) from None
        solved.append((sub, result, b))

    cand, result = _join([(sub, result) for sub, result, _ in solved])
    values = {level.name: level.value for level in result.levels}
    result.levels = [
        tightened(
            capped(level, warm.caps.get(level.name)),
            *whole_kreis_bound(level.name, whole_kreis, warm.held_bounds, values),
        )
        for level in result.levels
    ]
    stats: dict[str, float | int | str] = {
        "options": len(opts),
        "options_in_model": len(cand),
        "variables": sum(b.num_vars for _, _, b in solved),
        "constraints": sum(b.num_constraints for _, _, b in solved),
        "parts": len(parts),
        "largest_part_options": len(parts[0]),
        "seconds_options": round(built - started, 3),
        "seconds_model": round(model_built - warm.bounds_done, 3),
        "seconds_lagrangian": round(warm.bounds_done - warm.flows_done, 3),
        "seconds_warm_start": round(warm.flows_done - built, 3),
        "greedy_coverage": warm.greedy_coverage,
        "warm_start_coverage": len(warm_start),
        "restricted_to_nearest": restricted,
    }
    plan = make_plan(problem, opts, cand, result, time.monotonic() - started, stats)
    if problem.previous:
        plan.changes = changes_table(problem, plan)
    return plan, opts


@dataclass(frozen=True)
class _Kreis:
    """What every part of the Kreis shares: the problem and its indexed tables."""

    problem: Problem
    opts: Options
    previous: PreviousMatch
    student_of: dict[str, int]
    capacity: NDArray[np.int64]
    min_group: NDArray[np.int64]  # per offer, 1 = no minimum
    bfe_needed: NDArray[np.int64]
    most_placeable: NDArray[np.int64]
    top: NDArray[np.bool_]
    school: NDArray[np.int64]  # per student
    apart: list[tuple[int, int]]
    together: list[tuple[int, int]]
    wishes: WishTable
    seed: int

    @classmethod
    def of(
        cls, problem: Problem, opts: Options, previous: PreviousMatch, options: SolveOptions
    ) -> _Kreis:
        student_of = {s.student_id: i for i, s in enumerate(problem.students)}
        apart, together = _pairs(problem, student_of)
        return cls(
            problem=problem,
            opts=opts,
            previous=previous,
            student_of=student_of,
            capacity=np.asarray([o.capacity for o in problem.offers], dtype=np.int64),
            min_group=group_minimums(problem),
            bfe_needed=np.asarray(opts.bfe_needed, np.int64),
            most_placeable=np.asarray(max_placeable(opts), dtype=np.int64),
            top=_top_matrix(opts, len(problem.fields)),
            school=np.unique([s.school_id for s in problem.students], return_inverse=True)[1]
            .ravel()
            .astype(np.int64),
            apart=apart,
            together=together,
            wishes=WishTable.of(problem),
            seed=options.seed,
        )

    @property
    def n_days(self) -> int:
        return len(self.opts.days)

    def locked_in(self, cand: Candidates) -> NDArray[np.int64]:
        """Positions in ``cand`` of the locked rows of its students, in row order."""
        rows = self.previous.option[self.previous.locked]
        if len(rows) == 0:  # np.isin would still sort every candidate
            return rows
        return _present_positions(cand, rows)

    def greedy_input(self, cand: Candidates, wishes: WishMatches | None = None) -> GreedyInput:
        """``wishes`` over ``cand``, if the caller has them already (a large
        Kreis's matching of wishes to options takes seconds)."""
        wishes = WishMatches.of(self.wishes, cand) if wishes is None else wishes
        return GreedyInput(
            self.capacity,
            self.bfe_needed,
            self.top,
            self.apart,
            self.locked_in(cand),
            self.n_days,
            self.seed,
            self.min_group,
            wishes.option_points(len(cand)),
        )

    def flow_kreis(
        self,
        cand: Candidates,
        published_options: NDArray[np.int64],
        wishes: WishMatches | None = None,
    ) -> FlowKreis:
        """The Kreis as the min-cost-flow rounds see it: students in a pair or
        with a locked row stay where the greedy put them."""
        movable = np.ones(len(self.problem.students), dtype=bool)
        for a, b in self.apart + self.together:
            movable[[a, b]] = False
        movable[cand.student[self.locked_in(cand)]] = False
        return FlowKreis(
            cand=cand,
            capacity=self.capacity,
            n_days=self.n_days,
            top=self.top[cand.student, cand.field],
            published=np.isin(cand.source, published_options),
            movable=movable,
            bfe_needed=self.bfe_needed,
            min_group=self.min_group,
            wishes=WishMatches.of(self.wishes, cand) if wishes is None else wishes,
        )

    def add_rules(
        self, b: ModelBuilder, cand: Candidates, locked: NDArray[np.int64] | None = None
    ) -> None:
        locked = self.locked_in(cand) if locked is None else locked
        add_hard_rules(b, cand, self.problem, self.bfe_needed, self.apart, locked, self.n_days)


@dataclass(frozen=True)
class _WarmStart:
    """What the warm start and the bounds over every option hand to the model."""

    plan: NDArray[np.int64]  # full-option indices
    whole_kreis: dict[str, int]  # bounds over every option, by level
    held_bounds: dict[str, HeldBound]  # tighter ones, valid while earlier levels hold
    cut_to: NDArray[np.bool_] | None  # mask over all options, if the model is cut
    # Bounds needing no search, over every option (a cut model's own per-student
    # and term bounds hold only for its options), by level: (bound, source).
    caps: dict[str, tuple[int, str]]
    greedy_coverage: int
    flows_done: float  # time.monotonic() at the end of the warm start
    bounds_done: float


def _warm_start_and_bounds(
    kreis: _Kreis,
    cand: Candidates,
    published_options: NDArray[np.int64],
    options: SolveOptions,
    progress: Progress | None,
    *,
    deadline: Deadline,
    policy: TimePolicy,
) -> _WarmStart:
    """The greedy plan improved by min-cost flows (and, for a model cut to the
    nearest offers, the LP-guided start), then bounds over every option in
    ``cand`` (and, for a cut model, the interest LP's plan rounded and
    improved by the flows), and which options a cut model keeps."""
    opts = kreis.opts
    announce(progress, f"warm start: greedy and min-cost flows over {len(cand):,} options")
    wishes = WishMatches.of(kreis.wishes, cand)
    greedy_input = kreis.greedy_input(cand, wishes)
    greedy = (
        greedy_plan(
            cand,
            greedy_input,
            # A published row of a group that cannot run is no candidate any more.
            _present_positions(cand, published_options),
        )
        == 1  # a mask, not 8 bytes an option (koeln: 124 MB less)
    )
    flows = kreis.flow_kreis(cand, published_options, wishes)
    restricted = options.max_options is not None and len(cand) > options.max_options
    limit = deadline.seconds
    flow_seconds = policy.flow_seconds(limit, restricted)
    start = improve_by_layers(flows, greedy, flow_seconds)
    nearest = np.zeros(0, dtype=np.int64)
    settled = np.zeros(len(kreis.most_placeable), dtype=bool)
    if restricted:
        assert options.max_options is not None
        nearest = nearest_per_day_field(
            cand, options.max_options, kreis.n_days, len(kreis.problem.fields)
        )
        settled = _settled(flows, start, kreis.most_placeable)
        if settled.any():
            _log.debug("rerun: %d of %d students settled", settled.sum(), len(settled))
        elif options.use_lp:
            announce(progress, "warm start: the LP of the nearest offers, rounded, and flows")
            start = _lp_guided(
                kreis, cand, nearest, greedy_input, flows, start, flow_seconds, options.seed, policy
            )
    flows_done = time.monotonic()
    whole_kreis: dict[str, int] = {}
    held_bounds: dict[str, HeldBound] = {}
    priced = np.zeros(0, dtype=np.int64)
    if restricted or len(cand) >= _LAGRANGIAN_FROM:
        announce(progress, "bounds over every option (Lagrangian relaxation)")
        share = policy.bounds_share(restricted, bool(settled.any()))
        bounds_seconds = None
        if limit is not None:
            # Never into the time the model and its levels need: on koeln options
            # and warm starts take 78 s, and the run ended at 141 s of 120.
            model_size = len(nearest) if restricted else len(cand)
            until_reserve = limit - policy.levels_reserve(limit, model_size) - deadline.elapsed()
            bounds_seconds = max(min(limit * share, until_reserve), 0.0)
        whole_kreis, held_bounds, priced, guide = _whole_kreis_bounds(
            kreis, cand, flows, start, nearest, bounds_seconds, options.workers, policy
        )
        if restricted and guide is not None and not settled.any():
            left = flow_seconds
            if limit is not None:
                # Up to half of the levels' reserve: on a cut model CP-SAT
                # rarely improves the warm start.
                left = min(
                    limit * policy.pdlp_guide_share,
                    limit - policy.levels_reserve(limit, len(nearest)) / 2 - deadline.elapsed(),
                )
            if left >= policy.pdlp_guide_min_seconds:
                announce(progress, "warm start: the interest LP's plan, rounded, and flows")
                x = guide.plan_over(cand)
                allowed = np.zeros(len(cand), dtype=bool)
                allowed[nearest] = True
                start = _lp_plan_guided(
                    kreis, cand, greedy_input, flows, start, x, left, allowed, options.seed, policy
                )
    cut_to = None
    if restricted:
        previous = kreis.previous.option
        cut_to = np.zeros(len(opts), dtype=bool)
        cut_to[cand.source[nearest]] = True
        cut_to[previous[previous >= 0]] = True
        cut_to[cand.source[start]] = True  # the cut model is never worse than the warm start
        cut_to[cand.source[priced]] = True  # what the bounds' prices say is worth having
        # Every option of a student the warm start leaves short: the place that
        # completes them may be beyond the nearest offers.
        placed = np.bincount(cand.student[start], minlength=len(kreis.most_placeable))
        theirs = np.flatnonzero((placed < kreis.most_placeable)[cand.student])
        if len(theirs) <= _SHORT_STUDENTS_OPTIONS:
            cut_to[cand.source[theirs]] = True
        cut_to[cand.source[settled[cand.student] & ~start]] = False
    return _WarmStart(
        plan=cand.source[start],
        whole_kreis=whole_kreis,
        held_bounds=held_bounds,
        cut_to=cut_to,
        caps=_caps_over_every_option(kreis, cand, flows) if restricted else {},
        greedy_coverage=int(greedy.sum()),
        flows_done=flows_done,
        bounds_done=time.monotonic(),
    )


def _settled(
    flows: FlowKreis, start: NDArray[np.bool_], most_placeable: NDArray[np.int64]
) -> NDArray[np.bool_]:
    """Per student, in a rerun: whether the warm start gives the student only
    published rows of the previous plan and every placement it could have
    (``most_placeable`` BFE days, and a block where it has one), and it holds
    no place that a student the warm start leaves short could use. Moving
    such a student loses a published row, and the place it frees can keep at
    most one other row, so stability (which outranks every level after it)
    never gains: the cut model keeps them where they are and searches the
    others (kreis-olpe's rerun: 998 of 1,313 students). Coverage, which comes
    first, can still rise where the short students' rivals move. All False
    where nothing was published."""
    c = flows.cand
    n = flows.n_students
    if not flows.published.any():
        return np.zeros(n, dtype=bool)
    placed = np.bincount(c.student[start], minlength=n)
    most = _most_placements(c, most_placeable)
    fresh = np.bincount(c.student[start & ~flows.published], minlength=n)
    short_or_rival = _short_and_rivals(c, most_placeable, flows.n_days)(start.astype(np.int64))
    return (placed == most) & (placed > 0) & (fresh == 0) & flows.movable & ~short_or_rival


def _solve_part(
    kreis: _Kreis,
    cand: Candidates,
    warm_start: NDArray[np.int64],
    published_options: NDArray[np.int64],
    options: SolveOptions,
    progress: Progress | None,
    restricted: bool,
    whole_kreis: dict[str, int],
    *,
    deadline: Deadline,
    policy: TimePolicy,
) -> tuple[LexResult, ModelBuilder]:
    """One independent part: its model, its levels, optimised lexicographically.
    ``whole_kreis`` holds bounds over every option when the part is the Kreis."""
    students = np.unique(cand.student)
    most = np.zeros_like(kreis.most_placeable)
    most[students] = kreis.most_placeable[students]
    wishes = WishMatches.of(kreis.wishes, cand)
    caps = per_student_caps(cand, most, wishes)
    for name, bound in whole_kreis.items():
        if name not in caps or exceeds(name, caps[name][0], bound):
            caps[name] = (bound, "lagrangian")
    mine = set(students.tolist())
    together = [(a, b) for a, b in kreis.together if a in mine]
    published = _present_positions(cand, published_options)

    b = ModelBuilder()
    b.new_bools(len(cand))
    kreis.add_rules(b, cand)
    levels = build_levels(b, cand, published, kreis.top, together, kreis.n_days, caps, wishes)
    hint = np.zeros(b.num_vars, dtype=np.int64)
    hint[_present_positions(cand, warm_start)] = 1
    greedy = kreis.greedy_input(cand, wishes)
    flows = kreis.flow_kreis(cand, published_options, wishes)

    def polish(plan: NDArray[np.int64], seconds: float) -> NDArray[np.int64]:
        return improve_by_layers(flows, plan == 1, seconds).astype(np.int64)

    result = optimise(
        b,
        levels,
        hint,
        options,
        lambda x: round_lp(cand, greedy, x),
        cand.student,
        progress,
        bounds_hold=not restricted,
        repair=_short_and_rivals(cand, kreis.most_placeable, kreis.n_days),
        groups=kreis.school,
        polish=polish,
        deadline=deadline,
        policy=policy,
    )
    return result, b


def _most_placements(cand: Candidates, most_bfe: NDArray[np.int64]) -> NDArray[np.int64]:
    """Per student, the most placements it could have (capacity ignored): its
    ``most_bfe`` BFE days, and a block where it has one among ``cand``."""
    has_block = np.bincount(cand.student[cand.kind == PRAKTIKUM], minlength=len(most_bfe)) > 0
    return most_bfe + has_block


def _short_and_rivals(
    cand: Candidates, most_bfe: NDArray[np.int64], n_days: int
) -> Callable[[NDArray[np.int64]], NDArray[np.bool_]]:
    """For a plan: the students short of what they could get, and those who hold
    a place they could use (the same offer on the same day; any block of the
    offer for a Praktikum). Only these move in a repair round."""
    n = len(most_bfe)
    most = _most_placements(cand, most_bfe)
    slot = np.where(cand.kind == PRAKTIKUM, -1 - cand.offer, cand.offer * n_days + cand.first_day)

    def free(plan: NDArray[np.int64]) -> NDArray[np.bool_]:
        taken = plan == 1
        short = np.bincount(cand.student[taken], minlength=n) < most
        wanted = np.unique(slot[short[cand.student]])
        movable = short.copy()
        movable[cand.student[taken & np.isin(slot, wanted)]] = True
        return movable

    return free


def _locked_conflict(kreis: _Kreis, cand: Candidates, options: SolveOptions) -> str:
    """The smallest set of locked rows in conflict, looked for over the whole Kreis."""
    locked = kreis.locked_in(cand)
    return explain_locked_conflict(
        kreis.problem,
        cand,
        # Every rule but the locked rows: they are the solver's assumptions there.
        lambda builder: kreis.add_rules(builder, cand, locked[:0]),
        kreis.previous,
        locked,
        options,
    )


def _parts(kreis: _Kreis, cand: Candidates, decompose: bool) -> list[NDArray[np.int64]]:
    """Candidate positions of each independent part (all in one without ``decompose``)."""
    everything = [np.arange(len(cand), dtype=np.int64)]
    if not decompose:
        return everything
    problem = kreis.problem
    pairs = kreis.apart + kreis.together
    found = independent_parts(
        cand.student, cand.offer, pairs, len(problem.students), len(problem.offers)
    )
    return found or everything


def _lp_guided(
    kreis: _Kreis,
    cand: Candidates,
    nearest: NDArray[np.int64],
    greedy_input: GreedyInput,
    flows: FlowKreis,
    start: NDArray[np.bool_],
    seconds: float,
    seed: int,
    policy: TimePolicy = DEFAULT_POLICY,
) -> NDArray[np.bool_]:
    """A second warm start for a Kreis cut to its nearest offers: the LP
    relaxation of the cut model (and the plan ``start``) under one weighted
    objective, rounded greedily and improved by the flows. The flows from the
    greedy plan get stuck where a student would have to change two days at
    once; the LP's plan starts them elsewhere (siegen-wittgenstein: fairness
    2,602 and wishes 3,853 against 2,595 and 3,782). Returns the
    lexicographically better of the two plans. A cut model too large for the
    LP gives the flows from ``start`` the LP's time instead (koeln: with that
    time for the bounds instead, the interest LP's prices gave 2,096,084
    against the per-student 2,157,454, at a plan 0.7 % lower)."""
    deadline = Deadline(seconds * 2)  # the flows' time and the LP's
    started = deadline.started
    sub_positions = np.union1d(nearest, np.flatnonzero(start)).astype(np.int64)
    if len(sub_positions) > _GUIDE_MAX_OPTIONS:
        return improve_by_layers(flows, start, seconds * 2)
    sub = cand.take(sub_positions)
    b = ModelBuilder()
    b.new_bools(len(sub))
    kreis.add_rules(b, sub)
    coeffs = (
        sub.score
        + _GUIDE_PUBLISHED * flows.published[sub_positions]
        + _GUIDE_WISH_POINT * flows.wishes.option_points(len(cand))[sub_positions]
        + _GUIDE_TOP * flows.top[sub_positions]
    )
    guide = Level("interest", np.arange(len(sub), dtype=np.int64), coeffs.astype(np.int64))
    built = time.monotonic()
    lp = solve_relaxation(b.linear_system(), guide, seconds)
    _log.debug(
        "guiding LP over %d options: model %.1f s, LP %s",
        len(sub),
        built - started,
        "not solved" if lp is None else f"{lp.seconds:.1f} s",
    )
    left = deadline.left() or 0.0
    if lp is None:
        # The flows' time goes on to the one start there is (koeln: the LP did
        # not finish in 18 s; interest 1,655,794 without these rounds).
        return improve_by_layers(flows, start, left)
    x = np.zeros(len(cand))
    x[sub_positions] = lp.x[: len(sub)]
    allowed = np.zeros(len(cand), dtype=bool)
    allowed[sub_positions] = True
    return _lp_plan_guided(kreis, cand, greedy_input, flows, start, x, left, allowed, seed, policy)


def _lp_plan_guided(
    kreis: _Kreis,
    cand: Candidates,
    greedy_input: GreedyInput,
    flows: FlowKreis,
    start: NDArray[np.bool_],
    x: NDArray[np.float64],
    seconds: float,
    allowed: NDArray[np.bool_],
    seed: int,
    policy: TimePolicy = DEFAULT_POLICY,
) -> NDArray[np.bool_]:
    """An LP's plan ``x`` (per candidate), rounded greedily and improved by
    the flows for ``seconds``, where that is lexicographically better than
    ``start``; else ``start``. A rounded plan that places fewer than ``start``
    is first completed by a small search over the candidates ``allowed``
    (duesseldorf: one placement short, the flows would have had to move a
    student's two days at once)."""
    rounded = round_lp(cand, greedy_input, x) == 1
    guided = improve_by_layers(flows, rounded, seconds)
    if guided.sum() < start.sum():
        guided = _coverage_repaired(kreis, cand, guided, allowed | start, seed, policy)
    guided_value, start_value = value_tuple(flows, guided), value_tuple(flows, start)
    _log.debug("LP-guided warm start %s against %s", guided_value, start_value)
    return guided if guided_value > start_value else start


def _coverage_repaired(
    kreis: _Kreis,
    cand: Candidates,
    plan: NDArray[np.bool_],
    allowed: NDArray[np.bool_],
    seed: int,
    policy: TimePolicy = DEFAULT_POLICY,
) -> NDArray[np.bool_]:
    """``plan`` with more placements where CP-SAT finds them: the students it
    leaves short and those holding a place they could use may move (to the
    candidates ``allowed``), every other placement stays; among plans with the
    most placements, the highest interest. Only the moving students and the
    fixed placements enter the model, so it is small at any Kreis size (over
    every candidate, duesseldorf's 118 such students had 224,000 options and
    CP-SAT found nothing in 9 s)."""
    free_student = _short_and_rivals(cand, kreis.most_placeable, kreis.n_days)(
        plan.astype(np.int64)
    )
    moving = free_student[cand.student] & (allowed | plan)
    positions = np.flatnonzero(moving | plan)
    sub = cand.take(positions)
    b = ModelBuilder()
    b.new_bools(len(sub))
    kreis.add_rules(b, sub)
    values = np.zeros(b.num_vars, dtype=np.int64)
    values[: len(sub)] = plan[positions]
    b.complete(values)
    options = np.flatnonzero(moving[positions])
    free = np.r_[options, np.arange(len(sub), b.num_vars)].astype(np.int64)
    model = restricted_model(b.linear_system(), free, values)
    # Each placement outweighs the interest of all the moving students' placements.
    per_placement = 101 * (int(kreis.most_placeable[free_student].sum()) + 1)
    set_objective(
        model,
        np.arange(len(options), dtype=np.int64),
        per_placement + sub.score[options].astype(np.int64),
        maximize=True,
    )
    set_hint(model, np.arange(len(free), dtype=np.int64), values[free])
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1  # the same plan for the same seed
    solver.parameters.random_seed = seed
    solver.parameters.max_deterministic_time = policy.start_repair_deterministic_seconds
    solver.parameters.max_time_in_seconds = policy.start_repair_seconds
    # A small model with a complete hint: presolve would take most of the time.
    solver.parameters.cp_model_presolve = False
    status = solver.solve(model)
    _log.debug(
        "coverage repair of a warm start, %d students free: %s in %.1f s",
        int(free_student.sum()),
        solver.status_name(status),
        solver.wall_time,
    )
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return plan
    values[free] = np.asarray(solver.response_proto.solution, dtype=np.int64)
    repaired = plan.copy()
    repaired[positions] = values[: len(sub)] == 1
    return repaired


def _whole_kreis_bounds(
    kreis: _Kreis,
    cand: Candidates,
    flows: FlowKreis,
    start: NDArray[np.bool_],
    nearest: NDArray[np.int64],
    seconds: float | None,
    threads: int,
    policy: TimePolicy,
) -> tuple[dict[str, int], dict[str, HeldBound], NDArray[np.int64], LpPrices | None]:
    """Bounds over every option in ``cand``, aimed at the warm start's values
    (none where some student has too many candidate dates for the exact DP),
    and the options the students take at the bounds' prices. The wishes and
    interest levels are bounded at the prices of their LPs (PDLP; for
    interest with the wish points held) where the time allows, the others by
    subgradient steps. Also returns the interest LP's prices and last
    iterate, where that LP ran."""
    problems = StudentProblems.of(cand, kreis.capacity, kreis.bfe_needed, kreis.top, kreis.n_days)
    if not problems.exact:
        return {}, {}, np.zeros(0, dtype=np.int64), None
    values = level_values(flows, start)
    held_bounds: dict[str, HeldBound] = {}
    priced = [np.zeros(0, dtype=np.int64)]
    guide = None
    if seconds is not None:
        deadline, planned = Deadline(seconds), 0.0
        for name in bounded_by("lp-prices"):
            if name == "wishes" and not len(flows.wishes.option):
                continue
            # What an earlier LP left of its share goes on to the next.
            planned += seconds * policy.lp_prices_share[name]
            budget = planned - deadline.elapsed()
            # Choosing and building the interest LP's columns takes a second
            # per million options.
            building = len(cand) * policy.lp_seconds_per_option if name == "interest" else 0.0
            if budget < policy.lp_prices_min_seconds[name] + building:
                continue
            found = _at_lp_prices(
                name, kreis, problems, cand, flows, start, nearest, values, budget, threads
            )
            if found is not None:
                held_bounds[name], chosen, prices = found
                priced.append(chosen)
                if name == "interest":
                    guide = prices
        seconds = deadline.left()
    bounds, subgradient_priced = whole_kreis_bounds(
        problems,
        cand,
        flows.published,
        values,
        seconds,
        flows.wishes,
        skip=set(held_bounds),
        shares=policy.lagrangian_level_share,
    )
    # A bound the warm start beats would be a bug of the relaxation: never report it.
    valid = {name: b for name, b in bounds.items() if not exceeds(name, values[name], b)}
    return valid, held_bounds, np.unique(np.concatenate([*priced, subgradient_priced])), guide


def _at_lp_prices(
    name: str,
    kreis: _Kreis,
    problems: StudentProblems,
    cand: Candidates,
    flows: FlowKreis,
    start: NDArray[np.bool_],
    nearest: NDArray[np.int64],
    values: dict[str, int],
    seconds: float,
    threads: int,
) -> tuple[HeldBound, NDArray[np.int64], LpPrices] | None:
    """The bound of level ``name`` (wishes or interest) at the prices of its LP,
    for interest with the wish points held at the warm start's value, the
    options taken at those prices, and the prices (with PDLP's last iterate).

    The wishes LP needs only the options that grant a wish (the others add
    nothing to its objective and only take places), so it is exact over those.
    The interest LP runs over every option up to ``_LP_PRICES_MAX_OPTIONS``,
    above that by column generation from the ``nearest`` offers (those of the
    cut model, if any), the warm start and the best-scored options of each
    offer-day."""
    points = flows.wishes.option_points(len(cand)).astype(np.float64)
    held = []
    rounds = 1
    if name == "wishes":
        objective = Objective(points)
        columns = np.flatnonzero(points).astype(np.int64)
    else:
        objective = Objective(cand.score.astype(np.float64))
        if len(flows.wishes.option):
            held = [Held(Objective(points), values["wishes"])]
        columns = np.arange(len(cand), dtype=np.int64)
        if len(cand) > _LP_PRICES_MAX_OPTIONS:
            if not len(nearest):
                n_fields = len(kreis.problem.fields)
                nearest = nearest_per_day_field(cand, _LP_NEAREST_OPTIONS, kreis.n_days, n_fields)
            columns = np.unique(
                np.concatenate(
                    [
                        nearest,
                        np.flatnonzero(start),
                        best_per_slot(
                            cand, cand.score, kreis.capacity, kreis.n_days, _LP_PER_PLACE
                        ),
                    ]
                )
            )
            rounds = _LP_ROUNDS

    def problems_of(sub: Candidates) -> StudentProblems:
        return StudentProblems.of(sub, kreis.capacity, kreis.bfe_needed, kreis.top, kreis.n_days)

    found_prices = column_generation(
        problems, cand, objective, held, columns, problems_of, seconds, threads, rounds
    )
    if found_prices is None:
        return None
    prices = found_prices.prices
    names = list(spec(name).lp_prices_holds) if held else []
    found = HeldBound(
        found_prices.value,
        {k: values[k] for k in names},
        {k: float(p) for k, p in zip(names, prices.held, strict=True)},
    )
    _log.debug(
        "%s: %d at the LP's prices (plan %d; %d columns, round %d, %s)",
        name,
        found.for_plan(values),
        values[name],
        found_prices.columns,
        found_prices.rounds,
        prices.termination,
    )
    # A bound the warm start beats would be a bug: never report it.
    if exceeds(name, values[name], found.for_plan(values)):
        return None
    return found, found_prices.chosen, prices


def _caps_over_every_option(
    kreis: _Kreis, cand: Candidates, flows: FlowKreis
) -> dict[str, tuple[int, str]]:
    """The per-student bounds of coverage, wishes and interest, and the term
    bounds of stability and fairness, over every candidate in ``cand``."""
    caps = per_student_caps(cand, kreis.most_placeable, flows.wishes)
    with_top = np.zeros(len(kreis.most_placeable), dtype=bool)
    with_top[cand.student[flows.top]] = True
    caps["fairness"] = (int(with_top.sum()), "terms")
    caps["stability"] = (int(flows.published.sum()), "terms")
    return caps


def _part_budget(deadline: Deadline, sizes: list[int]) -> float | None:
    """A part's share of the time left, by its size; what it leaves passes on."""
    left = deadline.left()
    if left is None:
        return None
    return left * max(sizes[0], 1) / max(sum(sizes), 1)


def _labelled(progress: Progress, label: str, since: float) -> Progress:
    """Progress of one part: its levels labelled with the part, and the seconds
    counted from the start of the first part (each part's own clock starts at 0)."""
    offset = time.monotonic() - since

    def report(level: str, value: int, bound: float, seconds: float, done: bool) -> None:
        progress(f"{level} {label}", value, bound, offset + seconds, done)

    return report


def _join(solved: list[tuple[Candidates, LexResult]]) -> tuple[Candidates, LexResult]:
    """The parts' candidates and results as one, in the order of the full options:
    values and bounds add up level by level, since the parts are independent."""
    joined = Candidates.concat([sub for sub, _ in solved])
    chosen = np.concatenate([result.solution[: len(sub)] for sub, result in solved])
    order = np.argsort(joined.source, kind="stable")
    cand = joined.take(order)
    levels = [
        _sum_levels([result.levels[k] for _, result in solved])
        for k in range(len(solved[0][1].levels))
    ]
    interrupted = any(result.interrupted for _, result in solved)
    return cand, LexResult(chosen[order], levels, interrupted)


def _sum_levels(parts: list[LevelResult]) -> LevelResult:
    first = parts[0]
    return LevelResult(
        first.name,
        first.sense,
        sum(lv.value for lv in parts),
        sum(lv.bound for lv in parts),
        combined_status({lv.status for lv in parts}),
        sum(lv.seconds for lv in parts),
        sources.pop() if len(sources := {lv.bound_source for lv in parts}) == 1 else "mixed",
    )


def _groups_that_can_run(
    opts: Options, min_group: NDArray[np.int64], locked: NDArray[np.int64]
) -> NDArray[np.bool_]:
    """Mask over all options: False at an offer-day with a minimum group size
    that fewer students could ever attend (unless a locked row is there, which
    the model then reports as a conflict)."""
    keep = np.ones(len(opts), dtype=bool)
    offer = np.asarray(opts.offer, np.int64)
    grouped = np.flatnonzero((np.asarray(opts.kind) == BFE) & (min_group[offer] > 1))
    if len(grouped) == 0:
        return keep
    slot = offer[grouped] * len(opts.days) + np.asarray(opts.first_day, np.int64)[grouped]
    _, where, demand = np.unique(slot, return_inverse=True, return_counts=True)
    keep[grouped[demand[where] < min_group[offer[grouped]]]] = False
    keep[locked[locked >= 0]] = True
    return keep


def _reduced(
    problem: Problem,
    opts: Options,
    previous_option: NDArray[np.int64],
    kreis: _Kreis,
) -> NDArray[np.bool_]:
    """Options worth a variable: dominated BFE options go (see ``reduce``).
    Published and locked rows stay, and so does every option that grants a
    wish (a wished company may be the farther one): moving off them could
    cost stability or wish points, which dominance does not weigh."""
    student_of = kreis.student_of
    protected = np.zeros(len(problem.students), dtype=bool)
    for pair in problem.pairs:
        for sid in (pair.student_a, pair.student_b):
            if sid in student_of:
                protected[student_of[sid]] = True
    keep = prune_dominated_bfe(
        opts, kreis.capacity, protected, len(problem.fields), kreis.min_group
    )
    keep[previous_option[previous_option >= 0]] = True
    keep[WishMatches.of(kreis.wishes, opts).option] = True
    return keep


def _pairs(
    problem: Problem, student_of: dict[str, int]
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    apart: list[tuple[int, int]] = []
    together: list[tuple[int, int]] = []
    for pair in problem.pairs:
        a, b = student_of.get(pair.student_a), student_of.get(pair.student_b)
        if a is None or b is None or a == b:
            continue
        (apart if pair.relation == "apart" else together).append((a, b))
    return apart, together


def _positions(cand: Candidates, sources: NDArray[np.int64]) -> NDArray[np.int64]:
    """Where the given full-option indices sit among the candidates (all must be there)."""
    return np.searchsorted(cand.source, sources).astype(np.int64)


def _present_positions(cand: Candidates, sources: NDArray[np.int64]) -> NDArray[np.int64]:
    """Where those of the given full-option indices that are candidates sit among them."""
    return _positions(cand, sources[np.isin(sources, cand.source)])


def _top_matrix(opts: Options, n_fields: int) -> NDArray[np.bool_]:
    top = np.zeros((len(opts.top_fields), n_fields), dtype=bool)
    for s, top_of_student in enumerate(opts.top_fields):
        top[s, list(top_of_student)] = True
    return top
