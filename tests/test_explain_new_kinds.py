"""``explain`` for Praxiskurse and the Langzeitpraktikum: which courses and
offers were in reach, and why the plan did not take them."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from kaoa_match import solve
from kaoa_match.explain import explain_student
from kaoa_match.plan import ASSIGNMENT_COLUMNS
from tests.solvers.test_bfe_instances import OPTIONS, company, kreis, minutes, scores, student
from tests.solvers.test_new_kinds import course, participants
from tests.test_recommend_new_kinds import (
    COURSE_WINDOW,
    bfe_row,
    course_kreis,
    langzeit_kreis,
    lz_row,
)

D = dt.date


def section(lines: list[str], head: str) -> str:
    """The lines from the one starting with ``head`` to the next section."""
    start = next(k for k, line in enumerate(lines) if line.startswith(head))
    end = next(
        (k for k in range(start + 1, len(lines)) if lines[k][:1] not in (" ", "c", "o", "n")),
        len(lines),
    )
    return "\n".join(lines[start:end])


def test_a_full_course_in_the_top_field_is_named_with_its_seats() -> None:
    """N scores soziales, but SOZ (1 seat) went to B: N is in IT, and SOZ is
    listed as full."""
    problem = course_kreis()
    plan = solve(problem, OPTIONS).assignments
    text = section(explain_student(problem, plan, "N"), "Praxiskurse")
    assert "Praxiskurse: 1 of 1 course placed" in text
    assert "soziales (90) at T (T), 20 min, course 08.02.2027 to 10.02.2027" in text
    assert "full (1 of 1 seat taken by other students)" in text


def test_courses_not_taken_name_the_field_the_dates_the_window_and_the_distance() -> None:
    """K takes 2 courses and has IT (1 to 3 Feb) and BAU (15 to 17 Feb): IT2
    shares IT's Berufsfeld, SOZ overlaps IT, LATE ends after the window, FAR
    is too far; all score higher than BAU."""
    problem = kreis(
        students=(student("K", grade=9),),
        companies=(company("T", provider_type="traeger"), company("FARAWAY")),
        offers=(
            course("IT", "T", "it", D(2027, 2, 1), D(2027, 2, 3)),
            course("BAU", "T", "bau", D(2027, 2, 15), D(2027, 2, 17)),
            course("IT2", "T", "it", D(2027, 2, 8), D(2027, 2, 10)),
            course("SOZ", "T", "soziales", D(2027, 2, 2), D(2027, 2, 4)),
            course("LATE", "T", "metall", D(2027, 2, 25), D(2027, 3, 2)),
            course("FAR", "FARAWAY", "medien", D(2027, 2, 22), D(2027, 2, 24)),
        ),
        calendar=(COURSE_WINDOW.model_copy(update={"days": 2}),),
        participants=participants("praxiskurs", "K"),
        interests=scores({("K", "it"): 90, ("K", "soziales"): 80, ("K", "metall"): 70,
                          ("K", "medien"): 60, ("K", "bau"): 10}),
        travel=minutes({("S", "T"): 20, ("S", "FARAWAY"): 200}),
    )  # fmt: skip
    held = [
        ("K", "S", "praxiskurs", o, "T", f, first, last, 20, score, "")
        for o, f, first, last, score in (
            ("IT", "it", D(2027, 2, 1), D(2027, 2, 3), 90),
            ("BAU", "bau", D(2027, 2, 15), D(2027, 2, 17), 10),
        )
    ]
    plan = pd.DataFrame(held, columns=ASSIGNMENT_COLUMNS)
    text = section(explain_student(problem, plan, "K"), "Praxiskurse")
    assert "Praxiskurse: 2 of 2 courses placed" in text
    assert "Berufsfeld it already taken in the course from 01.02.2027" in text
    assert "other dates taken: the student's Praxiskurs from 01.02.2027" in text
    assert "course (25.02.2027 to 02.03.2027) does not lie inside the school's course" in text
    assert "too far (200 minutes" in text


def test_a_langzeit_offer_is_explained_weekday_by_weekday() -> None:
    """L's BFE day is Tuesday 3 Nov and M holds LZ on Wednesday: Tuesday is
    taken by the BFE day, Wednesday is full."""
    problem = langzeit_kreis()
    plan = pd.DataFrame([bfe_row("M"), lz_row("M", "mi"), bfe_row("L")], columns=ASSIGNMENT_COLUMNS)
    text = section(explain_student(problem, plan, "L"), "Langzeitpraktikum")
    assert "Langzeitpraktikum: 0 of 1 placed" in text
    assert "di: other dates taken: the student's BFE day on 03.11.2026" in text
    assert "mi: full (1 of 1 taken)" in text


def test_a_placed_langzeit_shows_its_weekdays() -> None:
    problem = langzeit_kreis()
    plan = pd.DataFrame([bfe_row("L"), lz_row("L", "mi")], columns=ASSIGNMENT_COLUMNS)
    text = section(explain_student(problem, plan, "L"), "Langzeitpraktikum")
    assert "Langzeitpraktikum: 1 of 1 placed" in text
    assert "02.11.2026 to 27.11.2026: metall (70) at C2 (C2), 25 min on mi" in text
