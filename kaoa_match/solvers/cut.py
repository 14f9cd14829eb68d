"""Which options the model gets a variable for: exact reductions, groups that
cannot run, and the cut to the nearest offers (decided once, here)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from kaoa_match.solvers.constraints import meeting_places
from kaoa_match.solvers.kreis import most_placements, short_and_rivals
from kaoa_match.solvers.reduce import nearest_per_day_field, prune_dominated_bfe
from kaoa_match.solvers.variables import (
    BFE,
    COURSE,
    Candidates,
    WishMatches,
)

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from kaoa_match.model import Problem, SolveOptions
    from kaoa_match.options import Options
    from kaoa_match.solvers.kreis import Kreis
    from kaoa_match.solvers.start.flows import FlowKreis


# A cut model keeps every option of the students the warm start leaves short,
# up to this many options in all (koeln: 1 student short, siegen-wittgenstein: 7).
_SHORT_STUDENTS_OPTIONS = 50_000
# A cut model keeps this many of a together pair's places to meet (see cut_mask).
_MEETING_PLACES = 40


def groups_that_can_run(
    opts: Options, min_group: NDArray[np.int64], locked: NDArray[np.int64]
) -> NDArray[np.bool_]:
    """Mask over all options: False at an offer-day (or course) with a minimum
    group size that fewer students could ever attend (unless a locked row is
    there, which the model then reports as a conflict)."""
    keep = np.ones(len(opts), dtype=bool)
    offer = np.asarray(opts.offer, np.int64)
    kind = np.asarray(opts.kind)
    grouped = np.flatnonzero(((kind == BFE) | (kind == COURSE)) & (min_group[offer] > 1))
    if len(grouped) == 0:
        return keep
    slot = offer[grouped] * len(opts.days) + np.asarray(opts.first_day, np.int64)[grouped]
    _, where, demand = np.unique(slot, return_inverse=True, return_counts=True)
    keep[grouped[demand[where] < min_group[offer[grouped]]]] = False
    keep[locked[locked >= 0]] = True
    return keep


def reduced(
    problem: Problem,
    opts: Options,
    previous_option: NDArray[np.int64],
    kreis: Kreis,
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


def settled_students(
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
    most = most_placements(c, most_placeable)
    fresh = np.bincount(c.student[start & ~flows.published], minlength=n)
    short_or_rival = short_and_rivals(c, most_placeable, flows.n_days)(start.astype(np.int64))
    return (placed == most) & (placed > 0) & (fresh == 0) & flows.movable & ~short_or_rival


def is_cut(options: SolveOptions, n_options: int) -> bool:
    """Whether a model over ``n_options`` candidates keeps only the nearest
    offers (and what the warm start and the bounds name): above ``max_options``."""
    return options.max_options is not None and n_options > options.max_options


def model_options(kreis: Kreis, options: SolveOptions) -> NDArray[np.bool_]:
    """Mask over all options: those worth a variable. Exact pruning, unless the
    model will be cut anyway: it removes well under 1 % of a dense Kreis's
    options (siegen-wittgenstein: 167 of 1.95 M), so where even half the
    options would be cut it buys nothing and costs seconds (koeln: 10 s)."""
    opts, previous = kreis.opts, kreis.previous
    keep = np.ones(len(opts), dtype=bool)
    cut_anyway = options.max_options is not None and len(opts) > 2 * options.max_options
    if options.prune_dominated and not cut_anyway:
        keep = reduced(kreis.problem, opts, previous.option, kreis)
    keep &= groups_that_can_run(opts, kreis.min_group, previous.option[previous.locked])
    return keep


def nearest_offers(kreis: Kreis, cand: Candidates, options: SolveOptions) -> NDArray[np.int64]:
    """Positions in ``cand`` of each student's nearest offers per day and field,
    at most ``max_options`` in all: the core of a cut model."""
    assert options.max_options is not None  # only asked for a cut model
    n_fields = len(kreis.problem.fields)
    return nearest_per_day_field(cand, options.max_options, kreis.n_days, n_fields)


def cut_mask(
    kreis: Kreis,
    cand: Candidates,
    nearest: NDArray[np.int64],
    start: NDArray[np.bool_],
    priced: NDArray[np.int64],
    settled: NDArray[np.bool_],
    meeting: list[dict[int, tuple[list[int], list[int]]]] | None = None,
) -> NDArray[np.bool_]:
    """Mask over all options: the options a cut model keeps. The ``nearest``
    offers, the previous plan, the warm ``start`` (so the cut model is never
    worse), what the bounds' prices say is worth having (``priced``), every
    option of a student the start leaves short, and the places where a
    together pair can meet (``meeting``, see ``constraints.meeting_places``,
    computed here if not given); ``settled`` students
    keep only their place in ``start``. (``nearest``, ``priced``: positions
    in ``cand``; ``start``: per candidate; ``settled``: per student.)"""
    previous = kreis.previous.option
    cut_to = np.zeros(len(kreis.opts), dtype=bool)
    cut_to[cand.source[nearest]] = True
    cut_to[previous[previous >= 0]] = True
    cut_to[cand.source[start]] = True
    cut_to[cand.source[priced]] = True
    # Courses and Langzeitpraktika are few (a share of a cohort) and the
    # nearest offers per day and field do not describe them: all stay.
    cut_to[cand.source[cand.kind >= COURSE]] = True
    # The place that completes a short student may be beyond the nearest offers.
    placed = np.bincount(cand.student[start], minlength=len(kreis.most_placeable))
    theirs = np.flatnonzero((placed < kreis.most_placeable)[cand.student])
    if len(theirs) <= _SHORT_STUDENTS_OPTIONS:
        cut_to[cand.source[theirs]] = True
    # Where a together pair can meet: the nearest offers of the two students
    # need not share a company, and a pair is never together outside the model.
    if meeting is None:
        meeting = meeting_places(cand, kreis.together, kreis.n_days, kreis.capacity)
    for shared in meeting:
        # The places the pair likes best (the lower of the two best scores):
        # every place of a pair of BFE students is thousands of options
        # (koeln, 52 pairs: 828,000 options in the cut model against 736,000).
        places = sorted(
            shared.values(),
            key=lambda p: -min(int(cand.score[p[0]].max()), int(cand.score[p[1]].max())),
        )
        for first, second in places[:_MEETING_PLACES]:
            cut_to[cand.source[np.asarray(first + second, np.int64)]] = True
    cut_to[cand.source[settled[cand.student] & ~start]] = False
    return cut_to
