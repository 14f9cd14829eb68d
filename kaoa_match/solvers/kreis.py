"""The indexed Kreis that every stage shares, and its views (flows, greedy, rules)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from kaoa_match.options import max_placeable
from kaoa_match.solvers.constraints import add_hard_rules, group_minimums
from kaoa_match.solvers.levels import Order
from kaoa_match.solvers.start.flows import FlowKreis
from kaoa_match.solvers.start.greedy import GreedyInput
from kaoa_match.solvers.variables import (
    COURSE,
    LANGZEIT,
    PRAKTIKUM,
    Candidates,
    PreviousMatch,
    WishMatches,
)
from kaoa_match.wishes import WishTable

if TYPE_CHECKING:
    from collections.abc import Callable

    from numpy.typing import NDArray

    from kaoa_match.model import Problem, SolveOptions
    from kaoa_match.options import Options
    from kaoa_match.solvers.builder import ModelBuilder


@dataclass(frozen=True)
class Kreis:
    """What every part of the Kreis shares: the problem and its indexed tables."""

    problem: Problem
    opts: Options
    previous: PreviousMatch
    student_of: dict[str, int]
    capacity: NDArray[np.int64]
    min_group: NDArray[np.int64]  # per offer, 1 = no minimum
    bfe_needed: NDArray[np.int64]
    courses_needed: NDArray[np.int64]  # per student: the Praxiskurse it takes
    most_placeable: NDArray[np.int64]
    top: NDArray[np.bool_]
    school: NDArray[np.int64]  # per student
    apart: list[tuple[int, int]]
    together: list[tuple[int, int]]
    wishes: WishTable
    seed: int
    order: Order  # the planner's priorities: the levels' order and tolerances

    @classmethod
    def of(
        cls, problem: Problem, opts: Options, previous: PreviousMatch, options: SolveOptions
    ) -> Kreis:
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
            courses_needed=np.asarray(opts.courses_needed, np.int64),
            most_placeable=np.asarray(max_placeable(opts), dtype=np.int64),
            top=_top_matrix(opts, len(problem.fields)),
            school=np.unique([s.school_id for s in problem.students], return_inverse=True)[1]
            .ravel()
            .astype(np.int64),
            apart=apart,
            together=together,
            wishes=WishTable.of(problem),
            seed=options.seed,
            order=Order.of(problem.effective_priorities),
        )

    @property
    def n_days(self) -> int:
        return len(self.opts.days)

    def published_options(self) -> NDArray[np.int64]:
        """The options of the previous plan's published (not locked) rows."""
        previous = self.previous
        return np.unique(previous.option[~previous.locked & (previous.option >= 0)])

    def locked_in(self, cand: Candidates) -> NDArray[np.int64]:
        """Positions in ``cand`` of the locked rows of its students, in row order."""
        rows = self.previous.option[self.previous.locked]
        if len(rows) == 0:  # np.isin would still sort every candidate
            return rows
        return present_positions(cand, rows)

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
            self.courses_needed,
        )

    def flow_kreis(
        self,
        cand: Candidates,
        published_options: NDArray[np.int64],
        wishes: WishMatches | None = None,
    ) -> FlowKreis:
        """The Kreis as the min-cost-flow rounds see it: students in a pair or
        with a locked row stay where the greedy put them. The rounds move BFE
        days and Praktikum blocks only; a course or Langzeitpraktikum stays,
        and its dates are taken (but for a Praktikum block: the
        Langzeitpraktikum pauses during it)."""
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
            order=self.order.names,
        )

    def add_rules(
        self, b: ModelBuilder, cand: Candidates, locked: NDArray[np.int64] | None = None
    ) -> None:
        locked = self.locked_in(cand) if locked is None else locked
        add_hard_rules(
            b,
            cand,
            self.problem,
            self.bfe_needed,
            self.apart,
            locked,
            self.n_days,
            self.courses_needed,
        )


def most_placements(cand: Candidates, most_bfe: NDArray[np.int64]) -> NDArray[np.int64]:
    """Per student, the most placements it could have (capacity ignored): its
    ``most_bfe`` BFE days, a block and a Langzeitpraktikum where it has one
    among ``cand``, and a course in each Berufsfeld it has courses in."""
    n = len(most_bfe)
    has_block = np.bincount(cand.student[cand.kind == PRAKTIKUM], minlength=n) > 0
    has_langzeit = np.bincount(cand.student[cand.kind == LANGZEIT], minlength=n) > 0
    return most_bfe + has_block + has_langzeit + course_fields(cand, n)


def course_fields(cand: Candidates, n_students: int) -> NDArray[np.int64]:
    """Per student: the Berufsfelder of its courses among ``cand``, the most
    courses it can take (distinct fields)."""
    courses = cand.kind == COURSE
    n_fields = int(cand.field.max(initial=0)) + 1
    pairs = np.unique(cand.student[courses] * n_fields + cand.field[courses])
    return np.bincount(pairs // n_fields, minlength=n_students).astype(np.int64)


def short_and_rivals(
    cand: Candidates, most_bfe: NDArray[np.int64], n_days: int
) -> Callable[[NDArray[np.int64]], NDArray[np.bool_]]:
    """For a plan: the students short of what they could get, and those who hold
    a place they could use (the same offer on the same day; any block of the
    offer for a Praktikum). Only these move in a repair round."""
    n = len(most_bfe)
    most = most_placements(cand, most_bfe)
    # Any block or Langzeitpraktikum of an offer competes with the others of it.
    whole_offer = (cand.kind == PRAKTIKUM) | (cand.kind == LANGZEIT)
    slot = np.where(whole_offer, -1 - cand.offer, cand.offer * n_days + cand.first_day)

    def free(plan: NDArray[np.int64]) -> NDArray[np.bool_]:
        taken = plan == 1
        short = np.bincount(cand.student[taken], minlength=n) < most
        wanted = np.unique(slot[short[cand.student]])
        movable = short.copy()
        movable[cand.student[taken & np.isin(slot, wanted)]] = True
        return movable

    return free


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


def positions(cand: Candidates, sources: NDArray[np.int64]) -> NDArray[np.int64]:
    """Where the given full-option indices sit among the candidates (all must be there)."""
    return np.searchsorted(cand.source, sources).astype(np.int64)


def present_positions(cand: Candidates, sources: NDArray[np.int64]) -> NDArray[np.int64]:
    """Where those of the given full-option indices that are candidates sit among them."""
    return positions(cand, sources[np.isin(sources, cand.source)])


def _top_matrix(opts: Options, n_fields: int) -> NDArray[np.bool_]:
    top = np.zeros((len(opts.top_fields), n_fields), dtype=bool)
    for s, top_of_student in enumerate(opts.top_fields):
        top[s, list(top_of_student)] = True
    return top
