"""Benchmark of a rerun before a new term (issue 5).

From a solved synthetic Kreis, 5 % of the companies (Betriebe) withdraw all
their offers, 2 % of the students leave and 3 % new students arrive (copies of
remaining students with new IDs, same school, grade, interests and wishes);
wishes for the withdrawn offers go with them. The first
plan is the published ``previous.csv`` of the rerun. ``extra_info`` records
how many published rows there were, how many the rerun kept (the stability
value), the stability bound (so ``published_rows - stability_bound`` rows had
to change at least), and the time of both solves.

Run with ``pytest benchmarks/test_rerun.py``. The issue names
``siegen-wittgenstein`` (2700 students); the default is the smaller
``kreis-olpe`` (1300) to keep a run near two minutes. Choose presets with
``KAOA_RERUN_PRESETS=siegen-wittgenstein pytest benchmarks/test_rerun.py``.
"""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING, Any, TypeVar, cast

import numpy as np
import pytest

from kaoa_match import Interest, PreviousAssignment, SolveOptions, Wish, solve
from kaoa_match.changes import changes_table
from kaoa_match.generate import generate
from tests.checker import check_plan

if TYPE_CHECKING:
    from pytest_benchmark.fixture import BenchmarkFixture

    from kaoa_match import Plan, Problem, Student

SEED = 0
OPTIONS = SolveOptions(time_limit_s=60, seed=SEED)
PRESETS = os.environ.get("KAOA_RERUN_PRESETS", "kreis-olpe").split(",")
WITHDRAW, ARRIVE, LEAVE = 0.05, 0.03, 0.02
Row = TypeVar("Row", bound=Interest | Wish)


def next_term(problem: Problem, plan: Plan, seed: int = SEED) -> Problem:
    """``problem`` one term later, with ``plan`` published as the previous plan."""
    rng = np.random.default_rng(seed)
    betriebe = [c.company_id for c in problem.companies if c.provider_type == "betrieb"]
    gone = set(rng.choice(betriebe, round(WITHDRAW * len(problem.companies)), replace=False))
    ids = [s.student_id for s in problem.students]
    leaving = set(rng.choice(ids, round(LEAVE * len(ids)), replace=False))
    staying = [s for s in problem.students if s.student_id not in leaving]
    chosen = rng.choice(len(staying), round(ARRIVE * len(ids)), replace=False).tolist()
    models = [staying[i] for i in chosen]
    newcomers = [
        model.model_copy(update={"student_id": f"NEW{k:04d}"}) for k, model in enumerate(models)
    ]
    offers = tuple(o for o in problem.offers if o.company_id not in gone)
    offer_ids = {o.offer_id for o in offers}
    return problem.model_copy(
        update={
            "students": (*staying, *newcomers),
            "offers": offers,
            "interests": _copied(problem.interests, leaving, models, newcomers),
            "wishes": tuple(
                w
                for w in _copied(problem.wishes, leaving, models, newcomers)
                if w.offer_id is None or w.offer_id in offer_ids
            ),
            "pairs": tuple(p for p in problem.pairs if not {p.student_a, p.student_b} & leaving),
            "previous": tuple(
                PreviousAssignment(**_weekdays_as_set(row), status="published")
                for row in plan.assignments.to_dict("records")
            ),
        }
    )


def _weekdays_as_set(row: dict[str, Any]) -> dict[str, Any]:
    """An ``assignments`` row with its ``weekdays`` cell (``di|do``, empty for
    other kinds than langzeit) as the set a previous row holds."""
    cell = row.get("weekdays") or ""
    return {**row, "weekdays": frozenset(str(cell).split("|")) - {""}}


def _copied(
    rows: tuple[Row, ...], leaving: set[str], models: list[Student], newcomers: list[Student]
) -> tuple[Row, ...]:
    """The rows (interests or wishes) of the students who stay, plus each
    newcomer's copy of its model's."""
    by_student: dict[str, list[Row]] = {}
    for row in rows:
        by_student.setdefault(row.student_id, []).append(row)
    kept: list[Row] = [row for row in rows if row.student_id not in leaving]
    copies = [
        cast("Row", row.model_copy(update={"student_id": new.student_id}))
        for old, new in zip(models, newcomers, strict=True)
        for row in by_student.get(old.student_id, [])
    ]
    return (*kept, *copies)


@pytest.mark.parametrize("preset", PRESETS)
def test_rerun_next_term(benchmark: BenchmarkFixture, preset: str) -> None:
    problem = generate(preset, seed=SEED)
    started = time.monotonic()
    first = solve(problem, OPTIONS)
    first_seconds = time.monotonic() - started
    changed = next_term(problem, first)

    second = benchmark.pedantic(
        solve, args=(changed, OPTIONS), rounds=1, iterations=1, warmup_rounds=0
    )
    started = time.monotonic()
    changes = changes_table(changed, second)
    changes_seconds = time.monotonic() - started

    published = len(changed.previous)
    info = benchmark.extra_info
    info["preset"] = preset
    info["published_rows"] = published
    info["rows_kept"] = second.objectives["stability"]
    info["stability_bound"] = second.bounds["stability"]
    info["rows_changed"] = published - second.objectives["stability"]
    info["rows_that_had_to_change"] = published - second.bounds["stability"]
    info["coverage_first"] = first.objectives["coverage"]
    info["coverage_rerun"] = second.objectives["coverage"]
    info["coverage_bound_rerun"] = second.bounds["coverage"]
    info["status_first"] = first.status
    info["status_rerun"] = second.status
    info["seconds_first_solve"] = round(first_seconds, 1)
    info["seconds_rerun"] = round(second.solve_seconds, 1)
    info["seconds_changes_table"] = round(changes_seconds, 2)
    info["changes"] = changes["change"].value_counts().to_dict()

    assert check_plan(changed, second.assignments) == []
    assert second.objectives["stability"] <= second.bounds["stability"]
    assert (changes["change"] == "dropped").sum() == len(
        {r.student_id for r in changed.previous} - {s.student_id for s in changed.students}
    )
