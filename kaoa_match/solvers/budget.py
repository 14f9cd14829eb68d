"""The time policy: how a time limit is shared among the stages of a solve.

Every share, minimum and reserve of the solver is a field of
:class:`TimePolicy`, one typed object that a benchmark can sweep
(``replace(TimePolicy(), flow_share=0.2)``) and hand to ``solve``. Each
stage gets a :class:`Deadline` rather than starting a clock of its own.

The order of a solve, and the time of each stage with a limit of ``T``
seconds (see ``pipeline.py``). The levels are guaranteed their share of
the limit: no stage before them runs into the last
``max(building + levels_share_after_model * T, levels_share * T)`` seconds,
``building`` the time the model takes to build (:meth:`TimePolicy.levels_reserve`,
:meth:`TimePolicy.until_levels`).

1. options and the greedy plan: as long as they take;
2. min-cost flows from the greedy plan: ``flow_share * T``; for a cut model
   the LP of the nearest offers and flows from its plan, as long again each;
3. bounds over every option (Kreise of ``lagrangian_from`` options and
   more, or a cut model): ``lagrangian_share * T`` (a cut model
   ``lagrangian_share_cut``, a rerun with settled students
   ``lagrangian_share_rerun``), at least ``bounds_min_seconds`` (at most the
   share); the LP-priced bounds first (``lp_prices_share``: wishes, interest,
   travel with the levels above held), the subgradient steps with what they
   leave, at least ``lagrangian_min_share`` of it (``lagrangian_level_share``),
   of which the interest LP may borrow ``lp_of_steps_share`` when short of its
   least time;
4. a cut model's second warm start from the interest LP's plan:
   ``pdlp_guide_share * T``, if the levels' time is not reached;
5. a cut model with ``together`` pairs: the pair rounds first,
   ``pairs_first_share`` of the levels' time, every level above together
   held locally (see ``lexicographic._pairs_first``);
6. the levels, one after another, each with its ``level_share`` (a cut
   model: ``level_share_cut``) of the time left among the levels still to
   come, at least ``level_min_share`` of the levels' time, and never what
   the levels after it are guaranteed; time a stage leaves unused passes on.
   A level's neighbourhood rounds end early at a local optimum
   (``lns_stale_rounds``), and a level below one held within a tolerance ends
   once within ``gap_below_tolerance`` of its bound, so a run may end before
   its limit.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping


def _frozen(values: dict[str, float]) -> Mapping[str, float]:
    return MappingProxyType(values)


@dataclass(frozen=True)
class TimePolicy:
    """Every share (of the time limit or of a stage's time, 0-1), minimum and
    reserve (seconds) of a solve. Each field says what it was measured on."""

    # --- Warm start -------------------------------------------------------
    # Share of the limit the min-cost-flow rounds of the warm start may use;
    # the same when the model will be cut, where they find what CP-SAT
    # cannot (siegen-wittgenstein, 1.95 M options: 1-2 s a round, 24 rounds
    # improve it).
    flow_share: float = 0.15
    flow_share_cut: float = 0.15
    flow_seconds_without_limit: float = 120.0
    # A cut model's warm start gets this share of the limit (from the levels'
    # reserve) for the interest LP's plan, rounded and improved by the flows
    # (duesseldorf, 15 s of flows each: fairness 5,321, wishes 6,997, interest
    # 961,749 from it, against 5,282, 6,776, 946,227 from the warm start), if
    # at least this many seconds are left for it.
    pdlp_guide_share: float = 0.1
    pdlp_guide_min_seconds: float = 3.0
    # The LP of the nearest offers is tried only with this many seconds per
    # option of it, build and solve: siegen-wittgenstein's (345,000 options)
    # takes 10 s to solve and 5-13 s to build; short of that, its time goes
    # to the flows (at 30 s it once ran 27 s past the limit).
    lp_guided_seconds_per_option: float = 40e-6
    # The LP's share of that stage (the LP's time and the flows' after it),
    # its build included: duesseldorf's (369,000 options) takes 2.4-3.1 s to
    # build and 15.8-17.7 s to solve, and with half of 2 x 18 s it was not
    # solved in 3 of 5 runs (fairness 5,290 against 5,322); the flows after
    # it improve most in their first rounds.
    lp_guided_lp_share: float = 0.6
    # The search that completes an LP-guided plan short of placements, in
    # deterministic and wall seconds (duesseldorf: 34 students free over all
    # their options, 1.3 s).
    start_repair_deterministic_seconds: float = 1.0
    start_repair_seconds: float = 3.0

    # --- Bounds over every option -----------------------------------------
    # Share of the limit for the bounds over every option; more when the
    # model is cut, since CP-SAT then cannot prove anything at all and finds
    # little beyond the warm start (siegen-wittgenstein: nothing in 80 s).
    lagrangian_share: float = 0.2
    lagrangian_share_cut: float = 0.4
    # A rerun whose cut model keeps its settled students where they are
    # searches only the others, which CP-SAT does in seconds; the bounds then
    # only report the gap (siegen-wittgenstein's rerun, 60 s: 9 s leave the
    # interest LP no time, and its bound is the subgradient's 571,161; 15 s
    # gave the LP's 528,324, 6 s later; 12 s, a PDLP bound of 589,710, worse
    # than the per-student one).
    lagrangian_share_rerun: float = 0.15
    # The bounds get at least this many seconds (at most their share), even
    # from the levels' reserve: enough for the wishes LP over the options that
    # grant a wish (siegen-wittgenstein, 26,000 of them: 0.6-2.4 s; koeln,
    # 182,537: 154 PDLP iterations in 7.3 s on a loaded machine), which
    # koeln's options and warm starts once left no time at all.
    bounds_min_seconds: float = 8.0
    # ... or what the interest LP needs, if more (``interest_lp_floor``, where
    # ``bounds.whole_kreis`` asks for it), with this margin: duesseldorf's warm
    # starts left the bounds 19-21 s, and the interest LP (least 15 s, the
    # wishes LP before it 2-4 s of its least 1 s) ran in 2 of 5 runs; its
    # bound is 960,000-975,000 against the per-student 1,183,384.
    interest_lp_margin: float = 1.25
    # Shares of the bounds' time for the LP-priced bounds, in the catalogue's
    # order: interest what its subgradient steps had; the wishes 0.15
    # (siegen-wittgenstein: 4,198 after 8 s against the per-student 4,385);
    # travel 0.25 (kreis-olpe, 23 s: 83,080 with interest held, against the
    # subgradient steps' 59,774 with coverage only).
    lp_prices_share: Mapping[str, float] = field(
        default_factory=lambda: _frozen({"wishes": 0.15, "interest": 0.45, "travel": 0.25})
    )
    # The least time worth an LP-priced bound; the interest and travel LPs
    # also need time to choose and build their columns, per option (koeln,
    # 17.7 M options: 9 s, and no time left for PDLP in a 120 s run; the
    # travel LP of praktikum-2700, 1.7 M options, 2 iterations in 6.7 s).
    lp_prices_min_seconds: Mapping[str, float] = field(
        default_factory=lambda: _frozen({"wishes": 1.0, "interest": 5.0, "travel": 10.0})
    )
    lp_seconds_per_option: float = 1e-6
    # Share of the bounds' time the LPs leave to the subgradient steps (none
    # when that is too short to build their problems over every option).
    lagrangian_min_share: float = 0.25
    # ... of which an LP short of its least time may take this share (see
    # ``bounds.whole_kreis``).
    lp_of_steps_share: Mapping[str, float] = field(
        default_factory=lambda: _frozen({"interest": 0.5})
    )
    # Share of the subgradient steps' time for each level; a level whose plan
    # meets its bound at once passes its time on.
    lagrangian_level_share: Mapping[str, float] = field(
        default_factory=lambda: _frozen(
            {
                "coverage": 0.1,
                "stability": 0.05,
                "fairness": 0.1,
                "wishes": 0.05,
                # the widest gap (siegen-wittgenstein: 1,346 steps still improve it)
                "interest": 0.5,
                "travel": 0.2,
            }
        )
    )

    # --- The levels' reserve ----------------------------------------------
    # Seconds the bounds leave to building the model and its levels: what
    # these took on cut models (siegen-wittgenstein, 357,000 options: 18 s;
    # koeln, 797,000: 30 s), at most a share of the limit.
    reserve_seconds: float = 5.0
    reserve_seconds_per_option: float = 30e-6
    reserve_max_share: float = 0.3
    # The levels' guaranteed share of the limit: no stage before them runs
    # into it, so that every level below fairness gets search at every size
    # (kreis-olpe at 60 s: the stages before the levels took 51 s, and wishes,
    # interest and travel got none). Not more: on a cut model the warm starts
    # and the interest LP's prices make the first levels (siegen-wittgenstein
    # at 120 s, with 0.2: fairness 2,603 of a bound 2,604, the same as
    # without; every level below searched, together 5-6 of 13 pairs against 0).
    levels_share: float = 0.25
    # ... and at least this share on top of the time the model takes to build
    # (koeln, 797,000 options in the cut model: with 0.25 of 120 s in all,
    # building it left the levels 12 s and travel none).
    levels_share_after_model: float = 0.15

    # --- The levels ---------------------------------------------------------
    # A cut model's pair rounds run first, before any level, with every level
    # above together held locally: this share of the levels' time.
    pairs_first_share: float = 0.15

    # Share of the time left each level may use; unused time passes on.
    level_share: Mapping[str, float] = field(
        default_factory=lambda: _frozen(
            {
                "coverage": 0.35,
                "stability": 0.1,
                "fairness": 0.15,
                "wishes": 0.05,
                "interest": 0.2,
                "travel": 0.1,
                "together": 0.05,
            }
        )
    )
    # A model cut to the nearest offers starts from warm starts that put the
    # first levels at or next to their bounds, which its levels rarely improve
    # (siegen-wittgenstein at 120 s: coverage 5 s and fairness 5 s of
    # neighbourhood rounds, nothing found); the levels below get more.
    # together most of them: its pair rounds are its only search there (the
    # flows know nothing of pairs) and end once every pair is together, so
    # its time passes on to interest and travel (praktikum-2700 at 120 s and
    # at 300 s on a busy machine, with 0.2: 2-5 s, 5-8 rounds for 17 pairs).
    level_share_cut: Mapping[str, float] = field(
        default_factory=lambda: _frozen(
            {
                "coverage": 0.1,
                "stability": 0.05,
                "fairness": 0.1,
                "wishes": 0.2,
                "interest": 0.2,
                "travel": 0.2,
                "together": 0.5,
            }
        )
    )
    # Each level with variables gets at least this share of the levels' time,
    # and no level's LP or search runs into what the levels after it are
    # guaranteed (kreis-olpe at 120 s: the wishes LP took 13 s and failed, and
    # interest and travel were left 2 s and 1 s).
    level_min_share: float = 0.07
    # A level's LP gets this share of the level's time, and at least this
    # share of all the time left: an LP cut short leaves the run ending early
    # with time unused (praktikum-2700: the fairness LP needs about 27 s, a
    # quarter of a 120 s run).
    lp_share: float = 0.8
    lp_share_of_run: float = 0.4
    # A level's LP is tried only with this many seconds per option of the
    # model: kreis-olpe's cut model (388,000 options, 290,000 in its larger
    # part) did not finish the wishes LP in 12 s nor the together LP in 7 s;
    # siegen-wittgenstein's
    # (345,000) takes 12 s for the interest LP. Without it, the level's time
    # goes to the neighbourhood rounds.
    lp_seconds_per_level_option: float = 60e-6
    # The final search over the whole model needs at least this many seconds
    # per option, else it is left out (kreis-olpe's 388,000 options: 2 s when
    # given 0.05 s, its presolve alone).
    search_seconds_per_option: float = 5e-6
    # Without a time limit a level's final search still ends here; a level not
    # proven by then is reported as feasible with its bound.
    search_without_limit: float = 300.0
    # Without a time limit, the final search of a level below a level held
    # within a tolerance ends after this much deterministic work (CP-SAT's
    # measure of work; the same plan on every run with one worker). Such a
    # level's LP gap rarely closes: the example's travel below interest within
    # 1 % kept 15 minutes of 17,983 open after 60 units (255 s on a busy
    # 2-core machine) as after 15; a level not proven by then is `feasible`
    # with its bound.
    search_below_tolerance: float = 15.0
    # ... and with or without a limit, such a level's search ends once its plan
    # is within this share of its bound (`feasible`, the gap reported): on
    # kreis-olpe's rerun, travel at 68,161 against an LP bound of 68,113
    # (0.07 %) took 25 s of a 60 s run and closed nothing.
    gap_below_tolerance: float = 1e-3
    too_little_time: float = 0.5  # seconds: not worth a level's LP or search
    # The search near the LP optimum: at most this share of the level's time
    # and these seconds; its narrow first try takes this share of it.
    near_lp_share: float = 0.4
    near_lp_seconds: float = 30.0
    narrow_share: float = 0.3
    # Coverage repair rounds without an LP: each at most this share of the
    # level's time and these seconds.
    level_repair_share: float = 0.15
    level_repair_seconds: float = 10.0
    # Neighbourhood rounds for a model too large for the LP: together this
    # share of the level's time, each this share of it and at most these seconds.
    lns_share: float = 0.8
    lns_round_share: float = 1 / 6
    lns_seconds: float = 2.0
    # ... ending early after this many rounds in a row proven to find nothing
    # better (each round's neighbourhood larger than the last): the plan is a
    # local optimum, and the time passes on; a rerun, most of whose students
    # are settled, then ends before its limit.
    lns_stale_rounds: int = 8
    # The flows that polish the plan before each level after the first.
    polish_share: float = 0.3
    polish_seconds: float = 30.0  # without a time limit

    def flow_seconds(self, limit: float | None, cut: bool) -> float:
        """Seconds for the warm start's min-cost-flow rounds."""
        if limit is None:
            return self.flow_seconds_without_limit
        return limit * (self.flow_share_cut if cut else self.flow_share)

    def bounds_share(self, cut: bool, settled: bool) -> float:
        """Share of the limit for the bounds over every option."""
        if settled:
            return self.lagrangian_share_rerun
        return self.lagrangian_share_cut if cut else self.lagrangian_share

    def levels_reserve(self, limit: float, model_options: int) -> float:
        """Seconds to keep for the model of ``model_options`` options and its levels."""
        needed = self.reserve_seconds + self.reserve_seconds_per_option * model_options
        building = min(needed, limit * self.reserve_max_share)
        return max(building + limit * self.levels_share_after_model, limit * self.levels_share)

    def until_levels(self, deadline: Deadline, model_options: int) -> float | None:
        """Seconds a stage before the levels may still use (None without a limit)."""
        limit = deadline.seconds
        if limit is None:
            return None
        return max(limit - self.levels_reserve(limit, model_options) - deadline.elapsed(), 0.0)

    def interest_lp_floor(self, lp_entries: int) -> float:
        """Seconds the bounds need for the wishes LP and the interest LP over
        ``lp_entries`` entries of capacity rows, their least times with a
        margin, and the subgradient steps' share beside them."""
        least = self.lp_prices_min_seconds["wishes"] + self.lp_prices_min_seconds["interest"]
        least += lp_entries * self.lp_seconds_per_option
        steps = self.lagrangian_min_share * (1 - self.lp_of_steps_share.get("interest", 0.0))
        return least * self.interest_lp_margin / (1 - steps)

    def bounds_seconds(
        self,
        deadline: Deadline,
        cut: bool,
        settled: bool,
        model_options: int,
        floor: float = 0.0,
    ) -> float | None:
        """Seconds for the bounds over every option (None without a limit),
        never into the time that the model of ``model_options`` options and its
        levels need: on koeln options and warm starts take 78 s, and the run
        once ended at 141 s of 120."""
        limit = deadline.seconds
        if limit is None:
            return None
        until_levels = self.until_levels(deadline, model_options) or 0.0
        share = limit * self.bounds_share(cut, settled)
        return max(min(share, until_levels), min(share, max(self.bounds_min_seconds, floor)))

    def pdlp_guide_seconds(
        self, deadline: Deadline, model_options: int, flow_seconds: float
    ) -> float:
        """Seconds for a cut model's start from the interest LP's plan, never
        into the levels' time (without a limit, what the flows had)."""
        limit = deadline.seconds
        if limit is None:
            return flow_seconds
        return min(limit * self.pdlp_guide_share, self.until_levels(deadline, model_options) or 0.0)

    def lp_guided_seconds(
        self, deadline: Deadline, model_options: int, flow_seconds: float
    ) -> float:
        """Seconds for the LP of the nearest offers and the flows from its plan,
        each (the flows' time without a limit), never into the levels' time."""
        left = self.until_levels(deadline, model_options)
        return flow_seconds if left is None else min(flow_seconds, left / 2)

    def pairs_first_seconds(self, levels_time: float | None) -> float | None:
        """Seconds for the pair rounds before the levels (None without a limit)."""
        return None if levels_time is None else levels_time * self.pairs_first_share

    def level_seconds(
        self,
        left: float,
        remaining: list[tuple[str, bool]],
        levels_time: float,
        cut: bool = False,
    ) -> float:
        """Seconds for the first of the ``remaining`` levels (name, has
        variables) of ``left`` seconds: its share among the shares of the levels
        still to come that have variables, at least its guaranteed minimum, and
        never what the levels after it are guaranteed (a level without variables
        is not among them: a tiny part's flows were once given 150,000 s).
        ``levels_time`` is the time all the levels had when they began;
        ``cut``: the model is cut to the nearest offers."""
        level_share = self.level_share_cut if cut else self.level_share
        own = level_share[remaining[0][0]]
        shares = [level_share[name] for name, has_variables in remaining if has_variables]
        minimum = self.level_minimum(left, remaining, levels_time)
        seconds = max(left * own / max(sum(shares), own), minimum)
        return max(min(seconds, left - self.guaranteed_after(left, remaining, levels_time)), 0.0)

    def level_minimum(
        self, left: float, remaining: list[tuple[str, bool]], levels_time: float
    ) -> float:
        """The least time of each of the ``remaining`` levels with variables: a
        share of the levels' time, or an equal part of the time ``left`` when
        that is less (the levels before took more than their share)."""
        count = max(sum(has_variables for _, has_variables in remaining), 1)
        return min(levels_time * self.level_min_share, left / count)

    def guaranteed_after(
        self, left: float, remaining: list[tuple[str, bool]], levels_time: float
    ) -> float:
        """Seconds the levels after the first of ``remaining`` are guaranteed."""
        later = sum(has_variables for _, has_variables in remaining[1:])
        return later * self.level_minimum(left, remaining, levels_time)


@dataclass(frozen=True)
class Deadline:
    """When a stage must be done: ``seconds`` after ``started`` (a
    ``time.monotonic()`` reading), or never (``seconds`` None)."""

    seconds: float | None
    started: float = field(default_factory=time.monotonic)

    @classmethod
    def none(cls) -> Deadline:
        """No time limit."""
        return cls(None)

    @property
    def limited(self) -> bool:
        return self.seconds is not None

    def elapsed(self) -> float:
        """Seconds since the stage began."""
        return time.monotonic() - self.started

    def left(self, at_least: float = 0.0) -> float | None:
        """Seconds left (at least ``at_least``), None without a limit."""
        if self.seconds is None:
            return None
        return max(self.seconds - self.elapsed(), at_least)

    def passed(self) -> bool:
        return self.seconds is not None and self.elapsed() > self.seconds


DEFAULT_POLICY = TimePolicy()
"""The policy of every solve that is not handed another (immutable)."""
