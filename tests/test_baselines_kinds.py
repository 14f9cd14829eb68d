"""Kind-by-kind booking (what a KoKo does today): the BFE portal, then the
Praxiskurse, then the Langzeitpraktikum at the nearest company with room;
it books date clashes across kinds that the joint plan avoids."""

from __future__ import annotations

import datetime as dt

import numpy as np

from kaoa_match import solve
from kaoa_match.baselines import date_clashes, kind_by_kind_plan, portal_baseline, portal_plan
from kaoa_match.model import CalendarEntry, Offer, Problem
from tests.checker import check_plan
from tests.solvers.test_bfe_instances import OPTIONS, company, kreis, minutes, scores, student
from tests.solvers.test_new_kinds import course, langzeit, participants

D = dt.date
TUESDAY = D(2026, 11, 3)


def clashing_kreis() -> Problem:
    """L (grade 8) needs one BFE day, offered only on Tuesday 3 Nov, and a
    Langzeitpraktikum (the school allows Tuesday or Wednesday in November).
    NEAR (10 min) takes Tuesdays only, FAR (30 min) Wednesdays: the school
    picks NEAR, whose Tuesday 3 Nov is L's BFE day; the joint plan takes FAR."""
    return kreis(
        students=(student("L"),),
        companies=(company("C1"), company("NEARBY"), company("FARAWAY")),
        offers=(
            Offer(offer_id="BFE", company_id="C1", field_id="it", kind="bfe",
                  start_date=TUESDAY, capacity=1),
            langzeit("NEAR", "NEARBY", "metall", "di"),
            langzeit("FAR", "FARAWAY", "metall", "mi"),
        ),
        calendar=(
            CalendarEntry(school_id="S", kind="bfe", grade=8, start_date=TUESDAY, days=1),
            CalendarEntry(school_id="S", kind="langzeit", grade=8, start_date=D(2026, 11, 2),
                          end_date=D(2026, 11, 27), weekdays=frozenset({"di", "mi"})),
        ),
        participants=participants("langzeit", "L"),
        interests=scores({("L", "metall"): 70}),
        travel=minutes({("S", "C1"): 15, ("S", "NEARBY"): 10, ("S", "FARAWAY"): 30}),
    )  # fmt: skip


def test_kind_by_kind_booking_clashes_where_the_joint_plan_does_not() -> None:
    problem = clashing_kreis()
    booked = kind_by_kind_plan(problem, np.random.default_rng(0))
    assert sorted(zip(booked.offer_id, booked.weekdays, strict=True)) == [
        ("BFE", ""),
        ("NEAR", "di"),
    ]
    assert date_clashes(problem, booked) == {"L": 1}  # Tuesday 3 Nov
    plan = solve(problem, OPTIONS)
    assert set(plan.assignments.offer_id) == {"BFE", "FAR"}
    assert date_clashes(problem, plan.assignments) == {}
    baseline = portal_baseline(problem, orders=3)
    assert (baseline.langzeit, baseline.clashes, baseline.students_clashing) == (1.0, 1.0, 1.0)
    assert baseline.coverage == 1.0  # the portal's own figures: the BFE day only


def test_courses_are_booked_first_come_first_served_and_clash_with_the_block() -> None:
    """P (grade 9) has a Praktikum block 11 to 22 Jan and takes one course;
    the best course (IT, 12 to 14 Jan) lies in the block, and the course
    booking does not see the block. A course whose minimum group is not
    reached is cancelled."""
    problem = kreis(
        students=(student("P", grade=9),),
        companies=(company("C1"), company("T", provider_type="traeger")),
        offers=(
            Offer(offer_id="PR", company_id="C1", field_id="bau", kind="praktikum",
                  start_date=D(2027, 1, 11), end_date=D(2027, 1, 22), capacity=1),
            course("IT", "T", "it", D(2027, 1, 12), D(2027, 1, 14)),
            course("GROUP", "T", "soziales", D(2027, 2, 2), D(2027, 2, 4), min_group=2),
            course("SOZ", "T", "soziales", D(2027, 2, 9), D(2027, 2, 11)),
        ),
        calendar=(
            CalendarEntry(school_id="S", kind="praktikum", grade=9,
                          start_date=D(2027, 1, 11), end_date=D(2027, 1, 22)),
            CalendarEntry(school_id="S", kind="praxiskurs", grade=9,
                          start_date=D(2027, 1, 11), end_date=D(2027, 2, 26)),
        ),
        participants=participants("praxiskurs", "P"),
        interests=scores({("P", "it"): 90, ("P", "soziales"): 50}),
        travel=minutes({("S", "C1"): 15, ("S", "T"): 20}),
    )  # fmt: skip
    booked = kind_by_kind_plan(problem, np.random.default_rng(0))
    assert sorted(booked.offer_id) == ["IT", "PR"]
    assert date_clashes(problem, booked) == {"P": 3}
    plan = solve(problem, OPTIONS)
    assert sorted(plan.assignments.offer_id) == ["PR", "SOZ"]
    assert check_plan(problem, plan.assignments) == []
    assert portal_baseline(problem, orders=2).clashes == 3.0


def test_the_portal_alone_is_unchanged_by_the_later_kinds() -> None:
    problem = clashing_kreis()
    portal = portal_plan(problem, np.random.default_rng(0))
    assert list(portal.offer_id) == ["BFE"]


def test_the_report_shows_the_clashes_beside_the_portal() -> None:
    from kaoa_match.i18n import language
    from kaoa_match.report.html import render_report

    problem = clashing_kreis()
    plan = solve(problem, OPTIONS)
    with language("en"):
        page = render_report(
            problem, plan.assignments, plan.unassigned, {"status": "optimal"},
            portal_baseline(problem, orders=2),
        )  # fmt: skip
    assert "date clashes across kinds (a student in two places on one date)" in page
    assert "students with a date clash" in page


def short_of_two_kinds() -> Problem:
    """A and B (grade 9) need a Praktikum block; PR has one place. B also takes a
    Langzeitpraktikum, but the school allows Tuesdays and the only place takes
    Mondays: B is always short of it. So every order leaves one student short
    of a block and one of a Langzeitpraktikum: 1 student short in all when
    that is B, 2 when it is A."""
    return kreis(
        students=(student("A", grade=9), student("B", grade=9)),
        companies=(company("C1"), company("C2")),
        offers=(
            Offer(offer_id="PR", company_id="C1", field_id="bau", kind="praktikum",
                  start_date=D(2027, 1, 11), end_date=D(2027, 1, 22), capacity=1),
            langzeit("MONDAYS", "C2", "metall", "mo"),
        ),
        calendar=(
            CalendarEntry(school_id="S", kind="praktikum", grade=9,
                          start_date=D(2027, 1, 11), end_date=D(2027, 1, 22)),
            CalendarEntry(school_id="S", kind="langzeit", grade=9, start_date=D(2027, 1, 7),
                          end_date=D(2027, 2, 26), weekdays=frozenset({"di"})),
        ),
        participants=participants("langzeit", "B"),
        travel=minutes({("S", "C1"): 15, ("S", "C2"): 20}),
    )  # fmt: skip


def test_students_short_are_counted_per_kind() -> None:
    problem = short_of_two_kinds()
    baseline = portal_baseline(problem, orders=4)
    assert baseline.short_by_kind == {"praktikum": 1.0, "langzeit": 1.0}
    per_order = baseline.per_order
    assert per_order["short_praktikum"].tolist() == [1] * 4
    assert per_order["short_langzeit"].tolist() == [1] * 4
    assert per_order["short_bfe"].tolist() == [0] * 4  # nobody needs a BFE day
    # Order 0 is kind_by_kind_plan's order: whoever holds PR decides the union.
    booked = kind_by_kind_plan(problem, np.random.default_rng(0))
    holder = booked.student_id[booked.offer_id == "PR"].tolist()
    assert per_order["students_short"][0] == (1 if holder == ["A"] else 2)
    assert set(per_order["students_short"]) <= {1, 2}


def test_the_report_compares_students_short_kind_by_kind() -> None:
    from kaoa_match.i18n import language
    from kaoa_match.report.data import headline, kind_by_kind_rows

    problem = short_of_two_kinds()
    plan = solve(problem, OPTIONS)
    with language("en"):
        h = headline(problem, plan.assignments, plan.unassigned, {"status": "optimal"})
        rows = kind_by_kind_rows(h, portal_baseline(problem, orders=2))
    short = {label: (mine, theirs) for label, mine, theirs, _more in rows if "short" in label}
    # The plan, too, places one block and cannot place B's Langzeitpraktikum.
    assert short == {
        "students short of a placement: Praktikum": (1, 1.0),
        "students short of a placement: Langzeitpraktikum": (1, 1.0),
    }
