"""changes.csv: per student and kind, what a rerun changed against the previous plan, and why.

The reruns are the scenarios of ``tests/solvers/test_rerun.py`` plus a few
more changes a KoKo sees between terms (a student leaves, changes grade or
school, a company cuts places, dates move); every expected text is written
out in full.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from kaoa_match.changes import (
    CHANGE_COLUMNS,
    COVERAGE_MOVED,
    NEW_IN_RUN,
    STUDENT_GONE,
    changes_table,
)
from kaoa_match.plan import ASSIGNMENT_COLUMNS, UNASSIGNED_COLUMNS, LevelResult, Plan
from tests.solvers.test_bfe_instances import (
    NOV3,
    NOV4,
    bfe_dates,
    company,
    kreis,
    minutes,
    offer,
    scores,
    solve_checked,
    student,
)
from tests.solvers.test_rerun import (
    as_previous,
    blocking_kreis,
    company_of,
    conflict_kreis,
    mixed_kreis,
    newcomer_kreis,
    rerun,
    row,
    withdrawal_kreis,
)

if TYPE_CHECKING:
    from kaoa_match import Problem

KEPT = "kept as published"


def changes(problem: Problem, plan: Plan) -> dict[str, tuple[str, str, str, str]]:
    """student_id -> (change, before, after, reason); one kind per student here."""
    table = changes_table(problem, plan)
    assert list(table.columns) == CHANGE_COLUMNS
    assert not table.duplicated(["student_id", "kind"]).any()
    return {
        r.student_id: (r.change, r.before, r.after, r.reason) for r in table.itertuples(index=False)
    }


def kept(day_offer: str, reason: str = KEPT) -> tuple[str, str, str, str]:
    return ("kept", day_offer, day_offer, reason)


# --- the rerun scenarios --------------------------------------------------------


def test_nothing_changed_lists_every_placed_student_as_kept() -> None:
    problem = mixed_kreis()
    first = solve_checked(problem)
    for status, reason in (("published", KEPT), ("locked", "locked")):
        again = problem.model_copy(update={"previous": as_previous(first, status)})
        table = changes_table(again, solve_checked(again))
        # One of P and Q gets the only Praktikum block; the other is unplaced in
        # both plans and so not listed.
        assert len(table) == 6
        assert set(table.change) == {"kept"}
        assert set(table.reason) == {reason}
        assert (table.before == table.after).all()
    block = table[table.kind == "praktikum"]
    assert block.before.tolist() == ["PR 2027-01-11 to 2027-01-22"]


def test_students_of_a_withdrawn_company_moved_the_rest_kept() -> None:
    problem = withdrawal_kreis()
    first = solve_checked(problem)
    second = rerun(problem, first, offers=problem.offers[1:])
    found = changes(second, solve_checked(second))
    withdrawn = "offer O1 was withdrawn (not in offers.csv)"
    for sid, cid in company_of(first).items():
        if cid == "C1":
            assert found[sid] == ("moved", "O1 2026-11-04", "O3 2026-11-04", withdrawn)
        else:
            assert found[sid] == kept("O2 2026-11-04")


def test_new_student_newly_placed_others_kept() -> None:
    first = solve_checked(newcomer_kreis(with_n=False))
    second = rerun(newcomer_kreis(with_n=True), first)
    found = changes(second, solve_checked(second))
    assert found["N"] == ("newly placed", "", "O2 2026-11-04", NEW_IN_RUN)
    assert {found["A"][0], found["B"][0]} == {"kept"}


def test_moved_for_coverage() -> None:
    first = solve_checked(blocking_kreis(with_n=False))
    second = rerun(blocking_kreis(with_n=True), first)
    assert changes(second, solve_checked(second)) == {
        "A": ("moved", "O1 2026-11-04", "O2 2026-11-04", COVERAGE_MOVED),
        "N": ("newly placed", "", "O1 2026-11-04", NEW_IN_RUN),
    }


def test_locked_row_kept_published_partner_moved_apart() -> None:
    problem = conflict_kreis(row("A", "O1", NOV4, "locked"), row("B", "B1", NOV4, "published"))
    apart = "student A, to be kept apart, is at company C1 on 04.11.2026"
    assert changes(problem, solve_checked(problem)) == {
        "A": kept("O1 2026-11-04", "locked"),
        "B": ("moved", "B1 2026-11-04", "O2 2026-11-04", apart),
        "C": ("newly placed", "", "B1 2026-11-04", NEW_IN_RUN),
    }


# --- more changes between terms ---------------------------------------------------


def two_students(**extra: object) -> Problem:
    """A and B need one BFE day on 4 Nov; O1 at C1 (10 min) has two places."""
    tables: dict[str, object] = {
        "students": (student("A"), student("B")),
        "companies": (company("C1"),),
        "offers": (offer("O1", "C1", "it", NOV4, capacity=2),),
        "calendar": bfe_dates("S", NOV4),
        "interests": scores({("A", "it"): 80}),
        "travel": minutes({("S", "C1"): 10}),
    }
    return kreis(**{**tables, **extra})


def test_student_who_left_is_dropped_not_forgotten() -> None:
    problem = two_students()
    second = rerun(problem, solve_checked(problem), students=(student("A"),))
    assert changes(second, solve_checked(second)) == {
        "A": kept("O1 2026-11-04"),
        "B": ("dropped", "O1 2026-11-04", "", STUDENT_GONE),
    }


def test_capacity_cut_below_the_previous_rows_loses_a_place() -> None:
    # O1 is cut to one place. A keeps it (it is A's top field: fairness), B
    # has nowhere else to go.
    problem = two_students()
    second = rerun(problem, solve_checked(problem), offers=(offer("O1", "C1", "it", NOV4),))
    assert changes(second, solve_checked(second)) == {
        "A": kept("O1 2026-11-04"),
        "B": (
            "lost a place",
            "O1 2026-11-04",
            "",
            "offer O1 (C1) was cut to 1 place a day (2 rows of the previous plan on 04.11.2026); "
            "no other place: 1 missing: every place in a Berufsfeld not yet used within "
            "45 minutes is taken on 04.11.2026 (1 offer)",
        ),
    }


def test_moved_dates_grade_and_travel_limit() -> None:
    # The school's BFE date moves from 4 to 3 Nov (O1 runs both days): A and B
    # move. Then, separately, B is now in grade 9 (no BFE), and A may travel
    # 5 minutes at most: both lose their place.
    problem = two_students(offers=(offer("O1", "C1", "it", NOV3, NOV4, capacity=2),))
    first = solve_checked(problem)

    moved = rerun(problem, first, calendar=bfe_dates("S", NOV3))
    dates = "04.11.2026 is no longer a BFE date of the school"
    assert changes(moved, solve_checked(moved)) == {
        "A": ("moved", "O1 2026-11-04", "O1 2026-11-03", dates),
        "B": ("moved", "O1 2026-11-04", "O1 2026-11-03", dates),
    }

    students = (student("A", max_travel_min=5), student("B", grade=9))
    lost = rerun(problem, first, students=students)
    assert changes(lost, solve_checked(lost)) == {
        "A": (
            "lost a place",
            "O1 2026-11-04",
            "",
            "company C1 is now 10 minutes away (limit 5); no other place: 1 missing: "
            "no offer within 5 minutes; the nearest is 10 minutes away (C1)",
        ),
        "B": (
            "lost a place",
            "O1 2026-11-04",
            "",
            "school S has no BFE dates for grade 9 any more",
        ),
    }


def test_student_who_changed_school_and_one_needing_more_days() -> None:
    # B moved to school T, whose BFE date is 3 Nov; A's school now asks for
    # two days (3 and 4 Nov): A keeps 4 Nov and gets 3 Nov on top.
    problem = two_students(offers=(offer("O1", "C1", "it", NOV3, NOV4, capacity=2),))
    first = solve_checked(problem)
    second = rerun(
        problem,
        first,
        schools=(*problem.schools, problem.schools[0].model_copy(update={"school_id": "T"})),
        students=(student("A"), student("B", school_id="T")),
        calendar=bfe_dates("S", NOV3, NOV4, needed=2) + bfe_dates("T", NOV3),
        offers=(offer("O1", "C1", "it", NOV3, NOV4, capacity=2), offer("X", "C1", "bau", NOV3)),
        travel=minutes({("S", "C1"): 10, ("T", "C1"): 10}),
    )
    assert changes(second, solve_checked(second)) == {
        "A": (
            "kept",
            "O1 2026-11-04",
            "X 2026-11-03; O1 2026-11-04",
            f"{KEPT}, 1 more place added",
        ),
        "B": (
            "moved",
            "O1 2026-11-04",
            "O1 2026-11-03",
            "the student moved from school S to T: "
            "04.11.2026 is no longer a BFE date of the school",
        ),
    }


# --- without a solver: a run stopped early ------------------------------------------


def test_move_not_proven_necessary_says_so() -> None:
    # A hand-made plan whose stability level was not proven: the old row was
    # still possible, so the move is not blamed on coverage.
    problem = two_students(previous=(row("A", "O1", NOV4, "published"),))
    moved = ["A", "S", "bfe", "O2", "C1", "bau", NOV4, NOV4, 10, 0, ""]
    plan = Plan(
        status="feasible",
        levels=[
            LevelResult("coverage", "max", 1, 1, "optimal", 0.1),
            LevelResult("stability", "max", 0, 1, "feasible", 0.1),
        ],
        assignments=pd.DataFrame([moved], columns=ASSIGNMENT_COLUMNS),
        unassigned=pd.DataFrame([], columns=UNASSIGNED_COLUMNS),
        solve_seconds=0.2,
    )
    assert changes(problem, plan) == {
        "A": (
            "moved",
            "O1 2026-11-04",
            "O2 2026-11-04",
            "offer O1 (C1) on 04.11.2026 was still possible; the run stopped before keeping it "
            "was proven impossible",
        )
    }


def test_no_previous_and_no_plan_give_an_empty_table() -> None:
    problem = two_students()
    plan = Plan(
        status="optimal",
        levels=[],
        assignments=pd.DataFrame([], columns=ASSIGNMENT_COLUMNS),
        unassigned=pd.DataFrame([], columns=UNASSIGNED_COLUMNS),
        solve_seconds=0.0,
    )
    table = changes_table(problem, plan)
    assert list(table.columns) == CHANGE_COLUMNS
    assert table.empty
