"""A rerun's settled students: complete, on published rows only, kept where
they are by a cut model (``solve._settled``)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import numpy as np

from kaoa_match import SolveOptions, solve
from kaoa_match.solvers.cut import settled_students as _settled
from tests.checker import check_plan
from tests.solvers.test_bfe_instances import (
    NOV4,
    _prev,
    _previous_plan,
    bfe_dates,
    company,
    kreis,
    minutes,
    objectives,
    offer,
    placed,
    school,
    student,
)
from tests.solvers.test_flows import kreis_and_options

if TYPE_CHECKING:
    import pytest


def _settled_when(places: dict[str, str]) -> list[bool]:
    """Who of A and B is settled in the Kreis of ``_previous_plan`` with B's
    row in IT published, under a plan that gives each student in ``places``
    the offer named (IT or SOZ)."""
    problem = _previous_plan(_prev("B", "published"))
    k, cand = kreis_and_options(problem)
    flows = k.flow_kreis(cand, k.previous.option[~k.previous.locked])
    offer_of = {o.offer_id: i for i, o in enumerate(problem.offers)}
    plan = np.zeros(len(cand), dtype=bool)
    for sid, oid in places.items():
        plan |= (cand.student == k.student_of[sid]) & (cand.offer == offer_of[oid])
    return _settled(flows, plan, k.most_placeable).tolist()


def test_a_student_on_its_published_row_is_settled_and_a_new_one_is_not() -> None:
    assert _settled_when({"A": "SOZ", "B": "IT"}) == [False, True]


def test_nobody_is_settled_while_someone_is_short() -> None:
    # A has no place, and B holds one A could use.
    assert _settled_when({"B": "IT"}) == [False, False]


def test_a_student_holding_nothing_a_short_one_could_use_stays_settled() -> None:
    # C (school S2) can reach only C2's SOZ, which A holds; B's IT row is
    # published and C could not use it, so B stays settled while C is short.
    problem = kreis(
        schools=(school("S"), school("S2")),
        students=(student("A"), student("B"), student("C", "S2")),
        companies=(company("C1"), company("C2")),
        offers=(offer("IT", "C1", "it", NOV4), offer("SOZ", "C2", "soziales", NOV4)),
        calendar=bfe_dates("S", NOV4) + bfe_dates("S2", NOV4),
        travel=minutes({("S", "C1"): 10, ("S", "C2"): 10, ("S2", "C1"): 120, ("S2", "C2"): 10}),
        previous=(_prev("B", "published"),),
    )
    k, cand = kreis_and_options(problem)
    flows = k.flow_kreis(cand, k.previous.option[~k.previous.locked])
    a, b, c = (cand.student == k.student_of[sid] for sid in "ABC")
    assert not (c & (cand.offer == 0)).any()  # C cannot reach IT
    plan = (a & (cand.offer == 1)) | (b & (cand.offer == 0))
    assert _settled(flows, plan, k.most_placeable).tolist() == [False, True, False]


def test_nobody_is_settled_without_a_published_plan() -> None:
    problem = _previous_plan()
    k, cand = kreis_and_options(problem)
    flows = k.flow_kreis(cand, np.zeros(0, dtype=np.int64))
    everyone = ((cand.offer == 0) & (cand.student == 0)) | ((cand.offer == 1) & (cand.student == 1))
    assert not _settled(flows, everyone, k.most_placeable).any()


def test_a_cut_rerun_keeps_the_settled_student_and_places_the_other(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Cut to one option (so the settled B keeps only its IT row): the plan is
    # the exact one, B in IT (stability 1) and A in SOZ.
    problem = _previous_plan(_prev("B", "published"))
    with caplog.at_level(logging.DEBUG, logger="kaoa_match.solvers.start.warm"):
        plan = solve(problem, SolveOptions(max_options=1, seed=0))
    assert "rerun: 1 of 2 students settled" in caplog.text
    assert plan.stats["restricted_to_nearest"]
    assert check_plan(problem, plan.assignments) == []
    assert placed(plan) == {("B", "IT", NOV4, NOV4), ("A", "SOZ", NOV4, NOV4)}
    assert plan.objectives == objectives(
        coverage=2, stability=1, fairness=1, interest=50, travel=20
    )


def test_a_rerun_with_coverage_at_its_bound_searches_stability_alone(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A and B were both published in IT, which has one place: one of them
    # moves to SOZ. Coverage 2 is at its bound from the start; stability is 1
    # of at most 2, and interest (A 90, B 50) decides who keeps IT. Coverage
    # is not searched again (weighted above stability); stability is, alone.
    problem = _previous_plan(_prev("A", "published"), _prev("B", "published"))
    with caplog.at_level(logging.DEBUG, logger="kaoa_match.solvers.search.lexicographic"):
        plan = solve(problem, SolveOptions(seed=0))
    assert "coverage: LP bound" not in caplog.text
    assert check_plan(problem, plan.assignments) == []
    assert placed(plan) == {("A", "IT", NOV4, NOV4), ("B", "SOZ", NOV4, NOV4)}
    assert plan.status == "optimal"
    assert plan.objectives == objectives(
        coverage=2, stability=1, fairness=1, interest=90, travel=20
    )
