"""The levels searched part by part: each independent part of the Kreis gets
its model, its levels and its share of the time; the results add up."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from kaoa_match.exceptions import LockedConflictError
from kaoa_match.plan import LevelResult, combined_status
from kaoa_match.solvers.bounds.combine import exceeds
from kaoa_match.solvers.budget import Deadline, TimePolicy
from kaoa_match.solvers.builder import ModelBuilder
from kaoa_match.solvers.decompose import independent_parts
from kaoa_match.solvers.kreis import Kreis, present_positions, short_and_rivals
from kaoa_match.solvers.locked import explain_locked_conflict
from kaoa_match.solvers.objectives import build_levels, per_student_caps
from kaoa_match.solvers.search.lexicographic import Infeasible, LexResult, optimise
from kaoa_match.solvers.search.neighbourhoods import Neighbourhoods
from kaoa_match.solvers.start.flows import improve_by_layers
from kaoa_match.solvers.start.greedy import round_lp
from kaoa_match.solvers.variables import (
    Candidates,
    WishMatches,
)

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from kaoa_match.model import SolveOptions
    from kaoa_match.solvers.context import Context
    from kaoa_match.solvers.search.lexicographic import Progress


# Parts smaller than this solve silently: a Kreis may have hundreds of tiny ones.
_REPORTED_PART = 2_000


def _solve_part(
    kreis: Kreis,
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
    caps = per_student_caps(cand, most, wishes, kreis.courses_needed)
    for name, bound in whole_kreis.items():
        if name not in caps or exceeds(name, caps[name][0], bound):
            caps[name] = (bound, "lagrangian")
    mine = set(students.tolist())
    together = [(a, b) for a, b in kreis.together if a in mine]
    published = present_positions(cand, published_options)

    b = ModelBuilder()
    b.new_bools(len(cand))
    kreis.add_rules(b, cand)
    levels = build_levels(
        b,
        cand,
        published,
        kreis.top,
        together,
        kreis.n_days,
        caps,
        wishes,
        kreis.order,
        kreis.capacity,
    )
    hint = np.zeros(b.num_vars, dtype=np.int64)
    hint[present_positions(cand, warm_start)] = 1
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
        repair=short_and_rivals(cand, kreis.most_placeable, kreis.n_days),
        neighbourhoods=Neighbourhoods(
            cand, kreis.school, np.random.default_rng(options.seed), wishes
        ),
        polish=polish,
        deadline=deadline,
        policy=policy,
        order=kreis.order,
        pairs=together,
    )
    return result, b


def _parts(kreis: Kreis, cand: Candidates, decompose: bool) -> list[NDArray[np.int64]]:
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
    # A part held exactly counts its value as both what it reached and held.
    tolerant = any(lv.held_at is not None for lv in parts)
    reached = sum(lv.value if lv.reached is None else lv.reached for lv in parts)
    held_at = sum(lv.value if lv.held_at is None else lv.held_at for lv in parts)
    return LevelResult(
        first.name,
        first.sense,
        sum(lv.value for lv in parts),
        sum(lv.bound for lv in parts),
        combined_status({lv.status for lv in parts}),
        sum(lv.seconds for lv in parts),
        sources.pop() if len(sources := {lv.bound_source for lv in parts}) == 1 else "mixed",
        reached if tolerant else None,
        held_at if tolerant else None,
    )


def _locked_conflict(kreis: Kreis, cand: Candidates, options: SolveOptions) -> str:
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


@dataclass(frozen=True)
class Searched:
    """The levels of every part, joined, over the model's candidates."""

    cand: Candidates
    result: LexResult
    variables: int
    constraints: int
    parts: int
    largest_part_options: int


def solve_parts(
    kreis: Kreis,
    cand: Candidates,
    warm_start: NDArray[np.int64],
    published_options: NDArray[np.int64],
    cut: bool,
    whole_kreis: dict[str, int],
    ctx: Context,
) -> Searched:
    """Each independent part of ``cand`` (the model's candidates) searched level
    by level from ``warm_start`` (full-option indices), in its share of the
    time left. Raises :class:`LockedConflictError` if locked rows conflict."""
    options, progress = ctx.options, ctx.progress
    model_built = time.monotonic()
    parts = _parts(kreis, cand, options.decompose)
    solved: list[tuple[Candidates, LexResult, ModelBuilder]] = []
    for k, part in enumerate(parts):
        sub = cand.take(np.sort(part))
        budget = _part_budget(ctx.deadline, [len(p) for p in parts[k:]])
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
                cut,
                whole_kreis if len(parts) == 1 else {},
                deadline=Deadline(budget),
                policy=ctx.policy,
            )
        except Infeasible:
            raise LockedConflictError(_locked_conflict(kreis, cand, options)) from None
        solved.append((sub, result, b))
    joined, result = _join([(sub, result) for sub, result, _ in solved])
    return Searched(
        joined,
        result,
        variables=sum(b.num_vars for _, _, b in solved),
        constraints=sum(b.num_constraints for _, _, b in solved),
        parts=len(parts),
        largest_part_options=len(parts[0]),
    )
