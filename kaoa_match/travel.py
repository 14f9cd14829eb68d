"""Travel minutes from students to companies, vectorised with numpy.

Look-up order for a student and a company (data contract): the student's row
of ``travel.csv``, else the school's row, else the estimate
``overhead_min + 60 * detour * haversine_km / speed_kmh`` from the student's
home, or from the school when the home is not given. Every value is rounded to
whole minutes, halves up, before it is compared or summed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from kaoa_match.model import Problem, TravelModel

EARTH_RADIUS_KM = 6371.0088
_CHUNK = 512  # students per block: keeps the temporary arrays at a few MB


def round_minutes(minutes: NDArray[np.float64] | float) -> NDArray[np.int32]:
    """Round to whole minutes, halves up (2.5 -> 3), unlike numpy's half-even."""
    return np.floor(np.asarray(minutes, dtype=np.float64) + 0.5).astype(np.int32)


def haversine_km(
    lat1: NDArray[np.float64],
    lon1: NDArray[np.float64],
    lat2: NDArray[np.float64],
    lon2: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Great-circle distance in km; the arguments broadcast against each other."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(lon2) - np.radians(lon1)
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def estimate_minutes(distance_km: NDArray[np.float64], model: TravelModel) -> NDArray[np.int32]:
    """The contract's coordinate estimate, rounded to whole minutes."""
    raw = model.overhead_min + 60.0 * model.detour * distance_km / model.speed_kmh
    return round_minutes(raw)


@dataclass(frozen=True)
class Reachable:
    """Student-company pairs within the student's travel limit (sparse).

    Arrays are aligned: pair ``i`` is student ``student[i]`` to company
    ``company[i]`` in ``minutes[i]`` whole minutes. Pairs are sorted by
    student, then company.
    """

    student: NDArray[np.int32]
    company: NDArray[np.int32]
    minutes: NDArray[np.int32]
    max_travel_min: NDArray[np.int32]  # per student


def max_travel_minutes(problem: Problem) -> NDArray[np.int32]:
    """Each student's limit: own ``max_travel_min``, else the school's, else 45."""
    school_limit = {s.school_id: s.max_travel_min for s in problem.schools}
    default = problem.travel_model.default_max_travel_min
    limits = []
    for st in problem.students:
        limit = st.max_travel_min
        if limit is None:
            limit = school_limit.get(st.school_id)
        limits.append(default if limit is None else limit)
    return np.asarray(limits, dtype=np.int32)


def origin_coordinates(
    problem: Problem,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Where each student's journey starts: home, or the school if home is unknown."""
    school_pos = {s.school_id: (s.lat, s.lon) for s in problem.schools}
    lat = np.empty(len(problem.students))
    lon = np.empty(len(problem.students))
    for i, st in enumerate(problem.students):
        if st.home_lat is not None and st.home_lon is not None:
            lat[i], lon[i] = st.home_lat, st.home_lon
        else:
            lat[i], lon[i] = school_pos[st.school_id]
    return lat, lon


class TravelTimes:
    """The contract's look-up for any student and company, built once per problem."""

    def __init__(self, problem: Problem) -> None:
        self.limits = max_travel_minutes(problem)
        self._model = problem.travel_model
        self._s_lat, self._s_lon = origin_coordinates(problem)
        self._c_lat = np.asarray([c.lat for c in problem.companies], dtype=np.float64)
        self._c_lon = np.asarray([c.lon for c in problem.companies], dtype=np.float64)
        self._o_student, self._o_company, self._o_minutes = _table_overrides(problem)

    def from_students(self, lo: int, hi: int) -> NDArray[np.int32]:
        """Minutes from students ``lo .. hi-1`` to every company, shape (hi-lo, companies)."""
        dist = haversine_km(
            self._s_lat[lo:hi, None],
            self._s_lon[lo:hi, None],
            self._c_lat[None, :],
            self._c_lon[None, :],
        )
        minutes = estimate_minutes(dist, self._model)
        inside = (self._o_student >= lo) & (self._o_student < hi)
        minutes[self._o_student[inside] - lo, self._o_company[inside]] = self._o_minutes[inside]
        return minutes

    def of_pairs(
        self, student: NDArray[np.integer], company: NDArray[np.integer]
    ) -> NDArray[np.int32]:
        """Minutes for aligned (student, company) index pairs: the same look-up
        as :meth:`from_students`, without a row over every company."""
        student, company = np.asarray(student, np.int64), np.asarray(company, np.int64)
        dist = haversine_km(
            self._s_lat[student], self._s_lon[student], self._c_lat[company], self._c_lon[company]
        )
        minutes = np.asarray(estimate_minutes(dist, self._model), np.int32)
        width = len(self._c_lat) + 1
        overridden = self._o_student * width + self._o_company  # unique per pair
        order = np.argsort(overridden)
        at = np.searchsorted(overridden[order], student * width + company)
        at = np.minimum(at, max(len(order) - 1, 0))
        if len(order):
            hit = overridden[order[at]] == student * width + company
            minutes[hit] = self._o_minutes[order[at[hit]]]
        return minutes

    def between(self, student: int, company: int) -> int:
        """Minutes for one pair."""
        return int(self.from_students(student, student + 1)[0, company])


def _table_overrides(
    problem: Problem,
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int32]]:
    """``travel.csv`` rows as aligned (student, company, minutes) arrays.

    A school's row stands for each of its students; a student's own row wins.
    """
    company_index = {c.company_id: j for j, c in enumerate(problem.companies)}
    student_index = {s.student_id: i for i, s in enumerate(problem.students)}
    students_of_school: dict[str, list[int]] = {}
    for i, st in enumerate(problem.students):
        students_of_school.setdefault(st.school_id, []).append(i)

    from_school: dict[tuple[int, int], float] = {}
    from_student: dict[tuple[int, int], float] = {}
    for row in problem.travel:
        j = company_index.get(row.company_id)
        if j is None:
            continue
        if row.origin_id in student_index:
            from_student[(student_index[row.origin_id], j)] = row.minutes
        for i in students_of_school.get(row.origin_id, ()):
            from_school[(i, j)] = row.minutes
    merged = from_school | from_student
    pairs = np.asarray(list(merged), dtype=np.int64).reshape(-1, 2)
    minutes = round_minutes(np.asarray(list(merged.values()), dtype=np.float64))
    return pairs[:, 0], pairs[:, 1], minutes


def reachable_pairs(problem: Problem) -> Reachable:
    """All student-company pairs whose travel time is within the student's limit."""
    travel = TravelTimes(problem)
    n = len(problem.students)
    students, companies, minutes = (
        [np.zeros(0, np.int32)],
        [np.zeros(0, np.int32)],
        [np.zeros(0, np.int32)],
    )
    for lo in range(0, n, _CHUNK):
        hi = min(lo + _CHUNK, n)
        block = travel.from_students(lo, hi)
        rows, cols = np.nonzero(block <= travel.limits[lo:hi, None])
        students.append((rows + lo).astype(np.int32))
        companies.append(cols.astype(np.int32))
        minutes.append(block[rows, cols].astype(np.int32))
    return Reachable(
        np.concatenate(students),
        np.concatenate(companies),
        np.concatenate(minutes),
        travel.limits,
    )
