"""Travel minutes: look-up order, rounding, the estimate and the limits."""

from __future__ import annotations

import numpy as np
import pytest

from kaoa_match.model import Company, Problem, School, Student, TravelTime
from kaoa_match.travel import (
    TravelTimes,
    estimate_minutes,
    haversine_km,
    max_travel_minutes,
    reachable_pairs,
    round_minutes,
)

# Company C3 lies 0.09 degrees north of the school, 0.06 north of A's home.
# One degree of latitude is pi/180 * 6371.0088 km = 111.195 km, and the
# estimate costs 60 * 1.3 / 20 = 3.9 minutes per km after 10 minutes overhead:
#   from the school: 0.09 * 111.195 = 10.0077 km -> 10 + 39.03 = 49.03 -> 49
#   from A's home:   0.06 * 111.195 =  6.6717 km -> 10 + 26.02 = 36.02 -> 36
FROM_SCHOOL, FROM_HOME = 49, 36


def _problem() -> Problem:
    schools = (
        School(school_id="S1", lat=51.0, lon=7.0, max_travel_min=60),
        School(school_id="S2", lat=51.0, lon=7.0),
    )
    students = (
        Student(
            student_id="A",
            school_id="S1",
            grade=8,
            home_lat=51.03,
            home_lon=7.0,
            max_travel_min=30,
        ),
        Student(student_id="B", school_id="S1", grade=8),  # no home: from school
        Student(student_id="C", school_id="S2", grade=8),
    )
    companies = tuple(Company(company_id=f"C{k}", lat=51.09, lon=7.0) for k in (1, 2, 3))
    travel = (
        TravelTime(origin_id="A", company_id="C1", minutes=12.4),
        TravelTime(origin_id="S1", company_id="C1", minutes=30),
        TravelTime(origin_id="S1", company_id="C2", minutes=20.5),
    )
    return Problem(
        schools=schools,
        students=students,
        companies=companies,
        offers=(),
        calendar=(),
        travel=travel,
    )


def test_rounding_is_half_up() -> None:
    assert round_minutes(2.5) == 3
    assert round_minutes(3.5) == 4
    assert round_minutes(2.4999) == 2
    assert round_minutes(np.array([0.5, 1.5, 44.5])).tolist() == [1, 2, 45]


def test_estimate_by_hand() -> None:
    km = haversine_km(np.array(51.0), np.array(7.0), np.array(51.09), np.array(7.0))
    assert float(km) == pytest.approx(10.0077, abs=1e-3)
    problem = _problem()
    assert int(estimate_minutes(km, problem.travel_model)) == FROM_SCHOOL


def test_look_up_order() -> None:
    travel = TravelTimes(_problem())
    a, b = 0, 1
    c1, c2, c3 = 0, 1, 2
    assert travel.between(a, c1) == 12  # the student's own row (12.4)
    assert travel.between(b, c1) == 30  # the school's row
    assert travel.between(a, c2) == 21  # the school's row beats home (20.5 -> 21)
    assert travel.between(a, c3) == FROM_HOME  # estimate from home
    assert travel.between(b, c3) == FROM_SCHOOL  # no home: estimate from school
    assert travel.between(2, c1) == FROM_SCHOOL  # another school's row does not count


def test_pairs_look_up_as_whole_rows_do() -> None:
    travel = TravelTimes(_problem())
    student, company = np.meshgrid(np.arange(3), np.arange(3), indexing="ij")
    pairs = travel.of_pairs(student.ravel(), company.ravel())
    assert pairs.tolist() == travel.from_students(0, 3).ravel().tolist()
    assert pairs.tolist() == [12, 21, FROM_HOME, 30, 21, FROM_SCHOOL] + [FROM_SCHOOL] * 3


def test_max_travel_student_then_school_then_45() -> None:
    assert max_travel_minutes(_problem()).tolist() == [30, 60, 45]


def test_reachable_pairs_within_limit_sorted_by_student() -> None:
    reach = reachable_pairs(_problem())
    columns = (reach.student, reach.company, reach.minutes)
    pairs = list(zip(*(c.tolist() for c in columns), strict=True))
    # A (limit 30): C1 12, C2 21, not C3 36; B (60): 30, 21, 49; C (45): none.
    assert pairs == [(0, 0, 12), (0, 1, 21), (1, 0, 30), (1, 1, 21), (1, 2, 49)]
