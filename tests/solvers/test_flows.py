"""The warm start's min-cost-flow rounds (``solvers/flows.py``)."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings

from kaoa_match import Problem, SolveOptions
from kaoa_match.options import build_options
from kaoa_match.solvers.builder import ModelBuilder
from kaoa_match.solvers.kreis import Kreis as _Kreis
from kaoa_match.solvers.start import flows as flow_rounds
from kaoa_match.solvers.start.flows import improve_by_layers, value_tuple
from kaoa_match.solvers.start.greedy import greedy_plan
from kaoa_match.solvers.variables import LANGZEIT, Candidates, match_previous
from tests.solvers.test_bfe_instances import (
    NOV3,
    NOV4,
    bfe_dates,
    company,
    kreis,
    offer,
    scores,
    student,
)
from tests.solvers.test_new_kinds import block_and_tuesdays
from tests.solvers.test_praktikum import (
    JAN11,
    JAN22,
    intern,
    praktikum_kreise,
    praktikum_offer,
    window,
)
from tests.strategies import small_problems


def kreis_and_options(problem: Problem) -> tuple[_Kreis, Candidates]:
    """The solver's indexed Kreis and every option as candidates (nothing pruned)."""
    opts = build_options(problem)
    k = _Kreis.of(problem, opts, match_previous(problem, opts), SolveOptions(seed=0))
    return k, Candidates.from_options(opts, np.ones(len(opts), dtype=bool))


def _start(problem: Problem) -> tuple[_Kreis, Candidates, np.ndarray]:
    k, cand = kreis_and_options(problem)
    return k, cand, greedy_plan(cand, k.greedy_input(cand)) == 1


def _keeps_every_rule(k: _Kreis, cand: Candidates, plan: np.ndarray) -> bool:
    """Whether ``plan`` (a 0/1 mask over ``cand``) keeps every hard rule of the
    model: capacity, days, fields, blocks, pairs, locked rows."""
    b = ModelBuilder()
    b.new_bools(len(cand))
    k.add_rules(b, cand)
    solution = np.zeros(b.num_vars, dtype=np.int64)
    solution[: len(cand)] = plan
    return bool(b.satisfied_by(b.complete(solution)))


def _two_students_one_it_place() -> Problem:
    """One BFE day (3 Nov), two places: it at C1 and metall at C2; it and metall
    are A's top fields, it, bau and elektro B's, metall scores 10 for B."""
    return kreis(
        students=(student("A"), student("B")),
        companies=(company("C1"), company("C2")),
        offers=(offer("IT", "C1", "it", NOV3), offer("MET", "C2", "metall", NOV3)),
        calendar=bfe_dates("S", NOV3),
        interests=scores(
            {
                ("A", "it"): 90,
                ("A", "metall"): 80,
                ("B", "it"): 90,
                ("B", "bau"): 80,
                ("B", "elektro"): 70,
                ("B", "metall"): 10,
            }
        ),
    )


def test_one_round_gives_both_students_a_top_field() -> None:
    # One BFE day (3 Nov), two places: it at C1 and metall at C2. A's top
    # fields are it and metall (90, 80); B's are it, bau and elektro (90, 80,
    # 70), metall scores 10 for B. Whoever books first takes it; if A does, B
    # is left with metall, not a top field of B's (fairness 1, interest 100).
    # The flow round frees both places and gives A metall and B it: fairness 2,
    # interest 80 + 90 = 170, whatever the greedy did.
    problem = _two_students_one_it_place()
    k, cand, _ = _start(problem)
    a_takes_it = (cand.student == 0) & (cand.offer == 0) | (cand.student == 1) & (cand.offer == 1)
    flows = k.flow_kreis(cand, np.zeros(0, np.int64))
    assert value_tuple(flows, a_takes_it)[2:5] == (1, 0, 100)
    improved = improve_by_layers(flows, a_takes_it, seconds=10)
    coverage, _, fairness, _, interest, _ = value_tuple(flows, improved)
    assert (coverage, fairness, interest) == (2, 2, 170)


def test_fast_rounds_hand_over_to_rounds_over_every_arc(monkeypatch: Any) -> None:
    # The Kreis above with fast rounds of one arc per student: A's cheapest arc
    # is it, which A holds, and B's is it too, beside metall, which B holds, so
    # no fast round can swap them. The rounds over every arc that follow do.
    monkeypatch.setattr(flow_rounds, "_FAST_ROUNDS_FROM", 0)
    monkeypatch.setattr(flow_rounds, "_ARCS_PER_STUDENT", 1)
    problem = _two_students_one_it_place()
    k, cand, _ = _start(problem)
    a_takes_it = (cand.student == 0) & (cand.offer == 0) | (cand.student == 1) & (cand.offer == 1)
    flows = k.flow_kreis(cand, np.zeros(0, np.int64))
    fast = flow_rounds._layer(flows, a_takes_it, "date", 0, arcs_per_student=1)
    assert np.array_equal(fast, a_takes_it)
    improved = improve_by_layers(flows, a_takes_it, seconds=10)
    assert value_tuple(flows, improved)[:5] == (2, 0, 2, 0, 170)


def test_a_short_student_takes_a_free_day() -> None:
    # A needs two BFE days (3 and 4 Nov) but the plan given has only the it
    # day on 3 Nov; soziales is free on 4 Nov: one round adds it (coverage 2).
    problem = kreis(
        students=(student("A"),),
        companies=(company("C1"), company("C2")),
        offers=(
            offer("IT", "C1", "it", NOV3),
            offer("SOZ", "C2", "soziales", NOV4),
        ),
        calendar=bfe_dates("S", NOV3, NOV4, needed=2),
    )
    k, cand, _ = _start(problem)
    only_it = cand.offer == 0
    improved = improve_by_layers(k.flow_kreis(cand, np.zeros(0, np.int64)), only_it, 10)
    assert value_tuple(k.flow_kreis(cand, np.zeros(0, np.int64)), improved)[0] == 2


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(problem=small_problems())
def test_rounds_keep_every_rule_and_never_worsen_the_plan(problem: Problem) -> None:
    k, cand, greedy = _start(problem)
    previous = match_previous(problem, build_options(problem))
    published = previous.option[~previous.locked & (previous.option >= 0)]
    flows = k.flow_kreis(cand, published)
    improved = improve_by_layers(flows, greedy, seconds=10)
    assert value_tuple(flows, improved) >= value_tuple(flows, greedy)
    assert _keeps_every_rule(k, cand, improved)
    # Students in pairs or with locked rows keep the greedy's placements.
    frozen = ~flows.movable[cand.student]
    assert np.array_equal(improved[frozen], greedy[frozen])
    # A fast round (one cheapest arc per student) keeps every placement.
    fast = flow_rounds._layer(flows, greedy, "score", 0, arcs_per_student=1)
    assert value_tuple(flows, fast)[0] >= value_tuple(flows, greedy)[0]
    assert _keeps_every_rule(k, cand, fast)


def _two_interns(**extra: Any) -> Problem:
    """A and B at one school whose only possible block is 11-22 Jan; one place
    each at IT (C1) and SOZ (C2) for that fortnight."""
    return kreis(
        students=(intern("A"), intern("B")),
        companies=(company("C1"), company("C2")),
        offers=(
            praktikum_offer("IT", "C1", "it", JAN11, JAN22),
            praktikum_offer("SOZ", "C2", "soziales", JAN11, JAN22),
        ),
        calendar=(window("S", JAN11, JAN22),),
        **extra,
    )


def test_a_block_round_swaps_two_interns() -> None:
    # A and B at one school, one possible block (11-22 Jan); IT and SOZ have one
    # place each. The plan given puts A at SOZ (60) and B at IT (70): interest
    # 130. The round for that block frees both places and gives A it (90) and
    # B soziales (80): 170, both in a top-3 field either way.
    problem = _two_interns(
        interests=scores(
            {("A", "it"): 90, ("A", "soziales"): 60, ("B", "it"): 70, ("B", "soziales"): 80}
        ),
    )
    k, cand, _ = _start(problem)
    swapped = (cand.student == 0) & (cand.offer == 1) | (cand.student == 1) & (cand.offer == 0)
    flows = k.flow_kreis(cand, np.zeros(0, np.int64))
    assert value_tuple(flows, swapped)[4] == 130
    improved = improve_by_layers(flows, swapped, seconds=10)
    assert value_tuple(flows, improved)[:5] == (2, 0, 2, 0, 170)


def test_a_block_round_places_an_intern_without_a_block() -> None:
    # Only A has a block (at IT); B has none although SOZ is free for the
    # same fortnight: the round gives B a block too (coverage 2).
    problem = _two_interns()
    k, cand, _ = _start(problem)
    only_a = (cand.student == 0) & (cand.offer == 0)
    flows = k.flow_kreis(cand, np.zeros(0, np.int64))
    assert value_tuple(flows, improve_by_layers(flows, only_a, 10))[0] == 2


def test_a_block_round_places_an_intern_beside_a_tuesday_langzeit() -> None:
    # P has the Tuesday Langzeitpraktikum and no block; the block (11 to 22
    # Jan) holds two of its Tuesdays, where the Langzeitpraktikum pauses: the
    # round places it (the rounds once kept blocks off those dates, and so
    # never gave P one).
    k, cand = kreis_and_options(block_and_tuesdays())
    langzeit_only = cand.kind == LANGZEIT
    assert langzeit_only.sum() == 1
    flows = k.flow_kreis(cand, np.zeros(0, np.int64))
    improved = improve_by_layers(flows, langzeit_only, 10)
    assert value_tuple(flows, improved)[0] == 2
    assert _keeps_every_rule(k, cand, improved)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(problem=praktikum_kreise())
def test_block_rounds_keep_every_rule_and_never_worsen_the_plan(problem: Problem) -> None:
    k, cand, greedy = _start(problem)
    flows = k.flow_kreis(cand, np.zeros(0, np.int64))
    improved = improve_by_layers(flows, greedy, seconds=10)
    assert value_tuple(flows, improved) >= value_tuple(flows, greedy)
    assert _keeps_every_rule(k, cand, improved)
