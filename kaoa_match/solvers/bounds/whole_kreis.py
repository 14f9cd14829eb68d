"""Bounds over every option of the Kreis: LP prices (PDLP) where the time
allows, the subgradient steps of the Lagrangian for the other levels."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from kaoa_match.solvers.bounds.combine import (
    HeldBound,
    exceeds,
)
from kaoa_match.solvers.bounds.lagrangian import (
    Held,
    Objective,
    StudentProblems,
    level_objectives,
    whole_kreis_bounds,
)
from kaoa_match.solvers.bounds.lp_prices import LpPrices, column_generation
from kaoa_match.solvers.budget import Deadline, TimePolicy
from kaoa_match.solvers.levels import Order, bounded_by, signed, spec
from kaoa_match.solvers.objectives import best_other, per_student_caps
from kaoa_match.solvers.reduce import best_per_slot, nearest_per_day_field
from kaoa_match.solvers.search.lexicographic import announce
from kaoa_match.solvers.start.flows import FlowKreis, level_values
from kaoa_match.solvers.variables import LANGZEIT

if TYPE_CHECKING:
    from collections.abc import Callable

    from numpy.typing import NDArray

    from kaoa_match.solvers.context import Context
    from kaoa_match.solvers.kreis import Kreis
    from kaoa_match.solvers.start.warm import WarmStart
    from kaoa_match.solvers.variables import (
        Candidates,
    )


_log = logging.getLogger(__name__)

# Bounds over every option for Kreise this large (smaller ones are proven by
# the exact model's LP and CP-SAT); their time: see budget.TimePolicy.
_LAGRANGIAN_FROM = 100_000

# The interest and travel LPs go to PDLP (``lp_prices``) over every option on
# Kreise up to this many options: above, PDLP gets too few iterations in a
# run's time (siegen-wittgenstein, 1.95 M options, 20 s on a loaded machine:
# 11 iterations and 529,361 over every option, 474,280 over 380,000 columns
# in three rounds; per-student 568,229), and the matrix takes about 60 bytes
# an option (koeln, 17.7 M options, is already at 4.3 GB without it). Above, it runs
# over the nearest offers (the cut model's, else at most this many options),
# the warm start and the best-scored options of each offer-day (this many
# per place, and as many more), in rounds of column generation (duesseldorf,
# 10.2 M options, 24 s: 1,014,740 in one round over 461,638 columns, 990,317
# in three; the per-student bound is 1,183,384). The wishes LP is small
# (the options that grant a wish) and needs only a second or two.
_LP_PRICES_MAX_OPTIONS = 1_000_000
# The bounds claim the interest LP's time from the levels' reserve on Kreise
# up to this many options (``TimePolicy.interest_lp_floor``). Not on koeln
# (17.7 M): its student problems over every option and the LP's columns take
# the peak RSS from 3.2 GB to 4.7 GB, over the 4 GB it must stay within.
_INTEREST_LP_FLOOR_MAX_OPTIONS = 12_000_000
_LP_NEAREST_OPTIONS = 700_000
_LP_PER_PLACE = 3
_LP_ROUNDS = 3


def bounds_over_every_option(
    kreis: Kreis,
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
    iterate, where that LP ran.

    The student problems over every option are built only for what needs
    them (koeln, 17.7 M options: 12 s on a loaded machine, once spent with
    no time left to use them); the wishes LP needs only its own options."""
    built: list[StudentProblems] = []

    def every_option() -> StudentProblems:
        if not built:
            built.append(
                StudentProblems.of(
                    cand,
                    kreis.capacity,
                    kreis.bfe_needed,
                    kreis.top,
                    kreis.n_days,
                    kreis.courses_needed,
                )
            )
        return built[0]

    # Choosing the columns and building the problems over every option take
    # about a second per million entries of the capacity rows.
    building = _lp_entries(cand) * policy.lp_seconds_per_option
    values = level_values(flows, start)
    held_bounds: dict[str, HeldBound] = {}
    priced = [np.zeros(0, dtype=np.int64)]
    guide = None
    deadline = Deadline(seconds)
    if seconds is not None:
        # The LPs leave the subgradient steps a share of their own: the only
        # travel bound where the travel LP gets too little time
        # (siegen-wittgenstein on a loaded machine: 0 without; the example cut
        # to 20,000 options, a 30 s run, needs two steps).
        steps = policy.lagrangian_min_share * seconds
        if steps < policy.lp_prices_min_seconds["wishes"] + building:
            steps = 0.0  # too short for the problems over every option
        lp_deadline, planned = Deadline(seconds - steps), 0.0

        def least(name: str) -> float:
            # The first LP over every option also builds the student problems.
            unbuilt = name != "wishes" and not built
            return policy.lp_prices_min_seconds[name] + (building if unbuilt else 0.0)

        # The LPs that can run share the time: one that cannot have its
        # minimum leaves its share to the others (koeln, 17.7 M options, 8 s:
        # the wishes LP got 1 s and did not run; alone, 154 PDLP iterations
        # over its 182,537 columns gave 27,964 against the per-student 30,496).
        names = [
            name
            for name in bounded_by("lp-prices")
            if (name != "wishes" or len(flows.wishes.option)) and least(name) <= seconds - steps
        ]
        total = sum(policy.lp_prices_share[name] for name in names)
        # Fairness as the LPs hold it: one row for all of them.
        off_top = _off_top_row(kreis, cand, flows, values["fairness"]) if names else None
        for name in names:
            # What an earlier LP left of its share goes on to the next, and
            # each gets at least its minimum while the bounds' time lasts.
            planned += (seconds - steps) * policy.lp_prices_share[name] / total
            # The interest LP, whose gap is the widest, may take a share of
            # the steps' time too: at Kreis size they rarely beat the
            # per-student bound there (duesseldorf, 10.2 M options: 13.7 s
            # left of its least 15.2 s, and the steps' interest bound was
            # the per-student 1,183,384 against the LP's 974,353).
            borrow = steps * policy.lp_of_steps_share.get(name, 0.0)
            budget = min(
                max(planned - lp_deadline.elapsed(), least(name)),
                (lp_deadline.left() or 0.0) + borrow,
            )
            if budget < least(name):
                _log.debug("%s LP: %.1f s left of its least %.1f s", name, budget, least(name))
                continue
            _log.debug("%s LP: %.1f s", name, budget)
            if name != "wishes" and not every_option().exact:
                break
            # The travel LP starts from the interest LP's plan and prices.
            found = _at_lp_prices(
                name,
                kreis,
                every_option,
                cand,
                flows,
                start,
                nearest,
                values,
                budget,
                threads,
                off_top,
                guide if name == "travel" else None,
            )
            if found is not None:
                held_bounds[name], chosen, prices = found
                priced.append(chosen)
                if name == "interest":
                    guide = prices
        seconds = deadline.left()
    # Once built for an LP, the student problems cost the steps nothing more.
    building_left = 0.0 if built else building
    if seconds is not None and seconds < policy.lp_prices_min_seconds["wishes"] + building_left:
        return {}, held_bounds, np.unique(np.concatenate(priced)), guide
    if not every_option().exact:
        return {}, held_bounds, np.unique(np.concatenate(priced)), guide
    bounds, subgradient_priced = whole_kreis_bounds(
        every_option(),
        cand,
        flows.published,
        values,
        seconds,
        flows.wishes,
        # The travel LP holds coverage, a row over every option that slows
        # PDLP down: stopped short, its bound can lie below the subgradient
        # steps' (praktikum-2700: 2 iterations in 6.7 s). Both run; the
        # tighter one is reported (``bounds.combine``).
        skip=set(held_bounds) - {"travel"},
        shares=policy.lagrangian_level_share,
        order=kreis.order,
    )
    # A bound the warm start beats would be a bug of the relaxation: never report it.
    valid = {name: b for name, b in bounds.items() if not exceeds(name, values[name], b)}
    return valid, held_bounds, np.unique(np.concatenate([*priced, subgradient_priced])), guide


def _lp_entries(cand: Candidates) -> int:
    """About how many entries the LP's capacity rows have: one per day of a BFE
    day, block or course, one per weekday of a Langzeitpraktikum. A BFE option
    is one; a Praktikum block ten (kreis-vier-arten, 934,670 options, 5.3 M
    entries: the LP took 3 s to build, PDLP 7 s for 4 iterations, and its
    bound was looser than the per-student one)."""
    langzeit = cand.kind == LANGZEIT
    return int(cand.n_days[~langzeit].sum()) + 2 * int(langzeit.sum())


def _at_lp_prices(
    name: str,
    kreis: Kreis,
    every_option: Callable[[], StudentProblems],
    cand: Candidates,
    flows: FlowKreis,
    start: NDArray[np.bool_],
    nearest: NDArray[np.int64],
    values: dict[str, int],
    seconds: float,
    threads: int,
    off_top: Held | None,
    from_lp: LpPrices | None = None,
) -> tuple[HeldBound, NDArray[np.int64], LpPrices] | None:
    """The bound of level ``name`` (wishes, interest or travel) at the prices of
    its LP, with the levels above it that the catalogue lets it hold held at
    the warm start's values (interest: the wish points; travel: coverage, the
    wish points and interest), the options taken at those prices, and the
    prices (with PDLP's last iterate).

    The wishes LP needs only the options that grant a wish (the others add
    nothing to its objective and only take places), so it is exact over those.
    The interest LP runs over every option up to ``_LP_PRICES_MAX_OPTIONS``,
    above that by column generation from the ``nearest`` offers (those of the
    cut model, if any), the warm start and the best-scored options of each
    offer-day, and the last columns of ``from_lp`` (the interest LP, which
    the travel LP starts from). ``off_top`` is fairness as a row the LP can
    hold (``_off_top_row``), None where no student counts."""
    # Choosing the columns and building the problems count against the LP's
    # time (duesseldorf, 10.2 M options: 6 s, and the run once overran by as much).
    deadline = Deadline(seconds)
    # The levels an LP may hold, as maximised objectives over the options.
    expressions = level_objectives(cand, flows.published, flows.wishes)
    names = [
        k
        for k in kreis.order.holds(name, spec(name).lp_prices_holds)
        if (k != "wishes" or len(flows.wishes.option)) and (k != "fairness" or off_top)
    ]
    held = [
        off_top
        if k == "fairness" and off_top
        else Held(expressions[k](), float(signed(k, values[k])))
        for k in names
    ]
    if name == "travel" and "coverage" not in names:
        return None  # with nobody placed, travel would be 0: no bound worth its time
    rounds = 1
    objective = expressions[name]()
    if name == "wishes":
        columns = np.flatnonzero(flows.wishes.option_points(len(cand))).astype(np.int64)
    else:
        columns = np.arange(len(cand), dtype=np.int64)
        if len(cand) > _LP_PRICES_MAX_OPTIONS:
            if not len(nearest):
                n_fields = len(kreis.problem.fields)
                nearest = nearest_per_day_field(cand, _LP_NEAREST_OPTIONS, kreis.n_days, n_fields)
            earlier = np.zeros(0, dtype=np.int64)
            if from_lp is not None:
                earlier = np.searchsorted(cand.source, from_lp.iterate.source).astype(np.int64)
            columns = np.unique(
                np.concatenate(
                    [
                        earlier,
                        nearest,
                        np.flatnonzero(start),
                        best_per_slot(
                            cand,
                            # the best options first, as values >= 0
                            (objective.option_value - objective.option_value.min()).astype(
                                np.int64
                            ),
                            kreis.capacity,
                            kreis.n_days,
                            _LP_PER_PLACE,
                        ),
                    ]
                )
            )
            rounds = _LP_ROUNDS

    def problems_of(sub: Candidates) -> StudentProblems:
        return StudentProblems.of(
            sub, kreis.capacity, kreis.bfe_needed, kreis.top, kreis.n_days, kreis.courses_needed
        )

    over, positions = cand, np.arange(len(cand), dtype=np.int64)
    if name == "wishes" and set(names) <= {"fairness"}:
        # Bounded over the options that grant a wish alone: another option
        # adds nothing and costs its prices (>= 0; in the off-top row too),
        # and a student may always take fewer options, so at any prices no
        # student's best uses it.
        over, positions = cand.take(columns), columns
        objective = Objective(objective.option_value[columns], objective.top_value)
        held = [Held(Objective(h.objective.option_value[columns]), h.value) for h in held]
        columns = np.arange(len(columns), dtype=np.int64)
        problems = problems_of(over)
    else:
        problems = every_option()
    if not problems.exact:
        return None
    found_prices = column_generation(
        problems,
        over,
        objective,
        held,
        columns,
        problems_of,
        deadline.left() or 0.0,
        threads,
        rounds,
        from_lp,
    )
    if found_prices is None:
        return None
    prices = found_prices.prices
    found = HeldBound(
        found_prices.value,
        {k: values[k] for k in names},
        {k: float(p) for k, p in zip(names, prices.held, strict=True)},
        spec(name).maximize,
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
    return found, positions[found_prices.chosen], prices


def _off_top_row(kreis: Kreis, cand: Candidates, flows: FlowKreis, fairness: int) -> Held | None:
    """Fairness held at ``fairness`` as a row an LP can hold. Of the students
    with an option in a top-3 field, at most ``T - fairness`` are left without
    a placement there (``T`` the number of such students). A student who can
    have only one placement (a Praktikum block and nothing else, one BFE day)
    and takes it outside a top-3 field is one of them, so those placements
    number at most ``T - fairness``: as a held row, minus their count is at
    least ``fairness - T``. Each unit of fairness moves the row by one, so the
    LP's price of the row is the price of fairness (``HeldBound.for_plan``).
    None where no student counts (BFE students with three days can take a
    top-3 field on another day)."""
    with_top, single = _single_with_top(kreis, cand, flows.top)
    counted = single[cand.student] & ~flows.top
    if not counted.any():
        return None
    return Held(Objective(-counted.astype(np.float64)), float(fairness - int(with_top.sum())))


def _single_with_top(
    kreis: Kreis, cand: Candidates, top: NDArray[np.bool_]
) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """Per student: whether it has an option in a top-3 field (``top``, per
    candidate), and whether it also has one placement at most, so that the
    placement it takes decides whether it counts for fairness."""
    n = len(kreis.most_placeable)
    with_top = np.zeros(n, dtype=bool)
    with_top[cand.student[top]] = True
    # The most placements it can have, as coverage's per-student cap counts them.
    ones = np.ones(len(cand), dtype=np.int64)
    placements = kreis.most_placeable + best_other(cand, ones, n, kreis.courses_needed)
    return with_top, with_top & (placements <= 1)


@dataclass(frozen=True)
class PairsCap:
    """What bounds ``together`` with fairness held, once the plan's fairness
    is known. A pair can be together only at a place (company and day) both
    can go to. Where one of them has one placement at most, has a top-3 field
    and has no option there in one, that student is left without a top-3
    field: one of the ``T - fairness`` students fairness allows. So at most
    ``free`` pairs (those with a place where nobody needs that) plus, of the
    others, as many as ``T - fairness`` such students can be in: the sum of
    the largest numbers of pairs a student is among the ``needs`` of."""

    free: int
    needs: tuple[tuple[int, ...], ...]  # per other pair that can meet: who would be left out
    with_top: int  # T: students with an option in a top-3 field

    @classmethod
    def of(
        cls,
        kreis: Kreis,
        cand: Candidates,
        top: NDArray[np.bool_],
        places: list[dict[int, tuple[list[int], list[int]]]],
    ) -> PairsCap:
        """From the meeting places of each pair (``constraints.meeting_places``)."""
        with_top, single = _single_with_top(kreis, cand, top)
        free, needs = 0, []
        for (first, second), shared in zip(kreis.together, places, strict=True):
            if not shared:
                continue
            left_out: set[int] = set()
            for options in shared.values():
                here = {
                    student
                    for student, theirs in zip((first, second), options, strict=True)
                    if single[student] and not top[np.asarray(theirs, dtype=np.int64)].any()
                }
                if not here:
                    break
                left_out |= here
            else:
                needs.append(tuple(sorted(left_out)))
                continue
            free += 1
        return cls(free, tuple(needs), int(with_top.sum()))

    def bound(self, fairness: int) -> int:
        """The most pairs together in a plan with at least ``fairness``."""
        allowed = max(self.with_top - fairness, 0)
        degree = Counter(student for left_out in self.needs for student in left_out)
        most = sum(sorted(degree.values(), reverse=True)[:allowed])
        return self.free + min(len(self.needs), most)


def caps_over_every_option(
    kreis: Kreis, cand: Candidates, flows: FlowKreis
) -> dict[str, tuple[int, str]]:
    """The per-student bounds of coverage, wishes and interest, and the term
    bounds of stability and fairness, over every candidate in ``cand``."""
    caps = per_student_caps(cand, kreis.most_placeable, flows.wishes, kreis.courses_needed)
    with_top = np.zeros(len(kreis.most_placeable), dtype=bool)
    with_top[cand.student[flows.top]] = True
    caps["fairness"] = (int(with_top.sum()), "terms")
    caps["stability"] = (int(flows.published.sum()), "terms")
    return caps


@dataclass(frozen=True)
class KreisBounds:
    """What the bounds over every option hand on."""

    whole_kreis: dict[str, int]  # by level
    held_bounds: dict[str, HeldBound]  # tighter ones, valid while earlier levels hold
    priced: NDArray[np.int64]  # candidate positions the students take at the prices
    guide: LpPrices | None  # the interest LP's prices and last iterate, if it ran
    # By level of ``whole_kreis``: the levels above it that its bound held at
    # the warm start's values; it holds only for a plan no worse on them.
    held_for: dict[str, dict[str, int]] = field(default_factory=dict)

    @classmethod
    def none(cls) -> KreisBounds:
        return cls({}, {}, np.zeros(0, dtype=np.int64), None)

    def for_model(self, order: Order) -> dict[str, int]:
        """The bounds of :attr:`whole_kreis` that hold for every plan the model's
        levels can return, to serve as the levels' caps there: a bound that
        held a level at the warm start's value only if that level is the first
        of ``order`` and held exactly (its search starts from the warm start,
        so it never ends below it)."""
        first = order.names[0]
        exact_first = order.tolerance_of(first) == 0
        return {
            name: bound
            for name, bound in self.whole_kreis.items()
            if all(k == first and exact_first for k in self.held_for.get(name, {}))
        }


def bound_every_option(
    kreis: Kreis, cand: Candidates, warm: WarmStart, cut: bool, ctx: Context
) -> KreisBounds:
    """Bounds over every option in ``cand``, for a cut model or a Kreis of at
    least ``_LAGRANGIAN_FROM`` options (smaller ones are proven by the exact
    model's LP and CP-SAT), in the time the policy gives them."""
    if not cut and len(cand) < _LAGRANGIAN_FROM:
        return KreisBounds.none()
    announce(ctx.progress, "bounds over every option (Lagrangian relaxation)")
    model_size = len(warm.nearest) if cut else len(cand)
    settled = bool(warm.settled.any())
    # The interest LP's time, from the levels' reserve if need be, up to the
    # Kreise whose student problems over every option fit beside the model.
    floor = 0.0
    if not settled and len(cand) <= _INTEREST_LP_FLOOR_MAX_OPTIONS:
        floor = ctx.policy.interest_lp_floor(_lp_entries(cand))
    seconds = ctx.policy.bounds_seconds(ctx.deadline, cut, settled, model_size, floor)
    found = bounds_over_every_option(
        kreis,
        cand,
        warm.flows,
        warm.plan,
        warm.nearest,
        seconds,
        ctx.options.workers,
        ctx.policy,
    )
    values = level_values(warm.flows, warm.plan)
    held_for = {
        name: {k: values[k] for k in kreis.order.holds(name, spec(name).lagrangian_holds)}
        for name in found[0]
    }
    return KreisBounds(*found, held_for=held_for)
