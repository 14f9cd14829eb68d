"""Students' own wishes (``wishes.csv``): the ``wishes`` level, between
fairness and interest, counts ``6 - rank`` once for every wish granted.

Hand-made Kreise whose optimum is worked out by hand; every plan is proven
optimal and recounted by the independent checker (see ``solve_checked``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import openpyxl

from kaoa_match.explain import explain_student
from kaoa_match.io.plan_xlsx import write_workbook
from kaoa_match.io.write_problem import write_problem
from kaoa_match.model import Wish
from kaoa_match.options import build_options
from kaoa_match.report.html import render_report
from kaoa_match.wishes import never_granted
from tests.solvers.test_bfe_instances import (
    NOV3,
    NOV4,
    bfe_dates,
    company,
    kreis,
    objectives,
    offer,
    offers_of,
    scores,
    solve_checked,
    student,
)

if TYPE_CHECKING:
    from pathlib import Path

    from kaoa_match import Problem


def two_students(a_scores: dict[str, int], b_scores: dict[str, int], *wishes: Wish) -> Problem:
    """A and B need one BFE day on 3 Nov; one place in it (X at CX), one in bau (Y at CY)."""
    return kreis(
        students=(student("A"), student("B")),
        companies=(company("CX"), company("CY")),
        offers=(offer("X", "CX", "it", NOV3), offer("Y", "CY", "bau", NOV3)),
        calendar=bfe_dates("S", NOV3),
        interests=scores(
            {("A", f): v for f, v in a_scores.items()} | {("B", f): v for f, v in b_scores.items()}
        ),
        wishes=wishes,
    )


def test_a_wish_decides_between_plans_equal_on_every_other_level() -> None:
    # Both score it 80 and bau 20: any plan places both, in a top field,
    # with interest 100. A's wish for Y (rank 1) makes A go there.
    plan = solve_checked(
        two_students(
            {"it": 80, "bau": 20}, {"it": 80, "bau": 20}, Wish(student_id="A", rank=1, offer_id="Y")
        )
    )
    assert offers_of(plan, "A") == ["Y"]
    assert plan.objectives == objectives(coverage=2, fairness=2, wishes=5, interest=100, travel=30)


def test_wishes_come_before_interest() -> None:
    # Interest alone would send A to it (90) and B to bau (90): 180. A's
    # company wish for CY (rank 2, 4 points) outranks it: A at Y, B at X, 20.
    plan = solve_checked(
        two_students(
            {"it": 90, "bau": 10},
            {"it": 10, "bau": 90},
            Wish(student_id="A", rank=2, company_id="CY"),
        )
    )
    assert offers_of(plan, "A") == ["Y"]
    assert plan.objectives == objectives(coverage=2, fairness=2, wishes=4, interest=20, travel=30)


def test_fairness_comes_before_wishes() -> None:
    # A's only top field is it, B's only top field is bau. A wishes bau
    # (rank 1) but fairness first: A at X (it) and B at Y (bau), no wish granted.
    plan = solve_checked(
        two_students({"it": 90}, {"bau": 90}, Wish(student_id="A", rank=1, field_id="bau"))
    )
    assert offers_of(plan, "A") == ["X"]
    assert plan.objectives == objectives(coverage=2, fairness=2, wishes=0, interest=180, travel=30)


def test_a_company_wish_counts_once_for_two_days_there() -> None:
    # A needs two BFE days; company C has it on 3 Nov and bau on 4 Nov, the
    # only places. Both days are at C, and the wish (rank 1) counts 5, not 10.
    problem = kreis(
        students=(student("A"),),
        companies=(company("C"),),
        offers=(offer("IT", "C", "it", NOV3), offer("BAU", "C", "bau", NOV4)),
        calendar=bfe_dates("S", NOV3, NOV4, needed=2),
        wishes=(Wish(student_id="A", rank=1, company_id="C"),),
    )
    plan = solve_checked(problem)
    assert plan.objectives == objectives(coverage=2, wishes=5, travel=30)


def test_two_wishes_of_one_student_add_up() -> None:
    # A wishes offer X (rank 1) and field it (rank 3): X grants both, 5 + 3.
    plan = solve_checked(
        two_students(
            {"it": 10, "bau": 10},
            {"it": 10, "bau": 10},
            Wish(student_id="A", rank=1, offer_id="X"),
            Wish(student_id="A", rank=3, field_id="it"),
        )
    )
    assert offers_of(plan, "A") == ["X"]
    assert plan.objectives["wishes"] == 8


def test_explain_lists_each_wish_granted_or_why_not() -> None:
    problem = two_students(
        {"it": 90},
        {"bau": 90},
        Wish(student_id="A", rank=1, field_id="bau"),
        Wish(student_id="A", rank=2, company_id="CX"),
    )
    plan = solve_checked(problem)
    assert explain_student(problem, plan.assignments, "A")[-3:] == [
        "wishes:",
        "  wish 1, Berufsfeld bau: not granted: Y on 03.11.2026: full (1 of 1 place taken by "
        "other students)",
        "  wish 2, company CX: granted (03.11.2026)",
    ]
    # B made no wish: no wishes section.
    assert "wishes:" not in explain_student(problem, plan.assignments, "B")


def test_report_and_workbook_show_the_wishes(tmp_path: Path) -> None:
    problem = two_students(
        {"it": 90},
        {"bau": 90},
        Wish(student_id="A", rank=1, field_id="bau"),
        Wish(student_id="A", rank=2, company_id="CX"),
    )
    plan = solve_checked(problem)
    summary = {"objectives": plan.objectives, "bounds": plan.bounds, "status": plan.status}
    page = render_report(problem, plan.assignments, plan.unassigned, summary)
    section = page[page.index('<section id="wishes">') :]
    section = section[: section.index("</section>")]
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", section)
    assert cells[:6] == ["1", "1", "0", "2", "1", "1"]  # rank, wishes, granted
    write_workbook(tmp_path / "plan.xlsx", problem, plan.assignments, plan.unassigned, summary)
    sheet = openpyxl.load_workbook(tmp_path / "plan.xlsx")["S"]
    header = [c.value for c in sheet[1]]
    row_a = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == "A")
    wishes = dict(zip(header, row_a, strict=True))
    assert wishes["wishes granted"] == "2: CX"
    assert wishes["wishes not granted"] == "1: Berufsfeld Bau, Architektur, Vermessung"


def test_a_wish_no_place_could_grant_is_a_warning_naming_its_row(tmp_path: Path) -> None:
    # A wishes field bau, but the only bau place is on a date A's school
    # has no BFE day: no plan can grant it. The company wish for CX is fine.
    problem = kreis(
        students=(student("A"),),
        companies=(company("CX"), company("CY")),
        offers=(offer("X", "CX", "it", NOV3), offer("Y", "CY", "bau", NOV4)),
        calendar=bfe_dates("S", NOV3),
        wishes=(
            Wish(student_id="A", rank=1, company_id="CX"),
            Wish(student_id="A", rank=2, field_id="bau"),
        ),
    )
    write_problem(problem, tmp_path)
    found = never_granted(problem, build_options(problem), tmp_path)
    assert [str(p) for p in found] == [
        'wishes.csv:3: field_id: wish 2 of student "A" can never be granted: the student '
        'may go to no place of field "bau"'
    ]
