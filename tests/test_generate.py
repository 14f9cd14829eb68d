"""The synthetic Kreis generator: determinism, sizes, calendars, validity and realism."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from pathlib import Path

import pytest

import kaoa_match
from kaoa_match.calendar import WorkingDays
from kaoa_match.exceptions import KaoaMatchError
from kaoa_match.generate import (
    LANGZEIT_PERIOD,
    NRW_INDEX,
    PRESETS,
    GeneratedKreis,
    _apportion,
    _date_runs,
    _window,
    generate,
    generate_nrw,
    generate_to_dir,
    supply_summary,
)
from kaoa_match.io import check_dir
from kaoa_match.model import DEFAULT_FIELDS, WEEKDAYS, ParticipantKind, Problem
from kaoa_match.presets import (
    NRW_KREISE,
    POPULAR_FIELDS,
    PRAXISKURS_FIVE_DAYS,
    NrwKreis,
    Preset,
    bfe_blocks_for,
)
from kaoa_match.travel import haversine_km
from kaoa_match.validation import validate

EXAMPLE_DIR = Path(kaoa_match.__file__).parent / "data" / "example"
WORKING = WorkingDays()


@pytest.fixture(scope="module")
def example() -> Problem:
    return generate("example", seed=2026)


@pytest.fixture(scope="module")
def olpe() -> Problem:
    return generate("kreis-olpe", seed=7)


@pytest.fixture(scope="module")
def praktikum_kreis() -> Problem:
    # The Praktikum preset's towns, with fewer students to keep the test fast.
    return generate("praktikum-2700", praktikum_students=800, seed=3)


# --- determinism and sizes ---------------------------------------------------


def test_same_seed_gives_the_same_problem(example: Problem) -> None:
    assert generate("example", seed=2026) == example


def test_another_seed_gives_another_problem(example: Problem) -> None:
    other = generate("example", seed=2027)
    assert other != example
    assert other.students != example.students
    assert other.offers != example.offers


def count_grade(problem: Problem, grade: int) -> int:
    return sum(s.grade == grade for s in problem.students)


@pytest.mark.parametrize(
    ("name", "fixture"),
    [("example", "example"), ("kreis-olpe", "olpe")],
)
def test_sizes_match_the_preset(name: str, fixture: str, request: pytest.FixtureRequest) -> None:
    problem: Problem = request.getfixturevalue(fixture)
    preset = PRESETS[name]
    assert count_grade(problem, 8) == pytest.approx(preset.students, rel=0.1)
    assert count_grade(problem, 9) == pytest.approx(preset.praktikum_students, rel=0.1)


def test_example_is_small_with_both_cohorts(example: Problem) -> None:
    assert 3 <= len(example.schools) <= 4
    assert {e.kind for e in example.calendar} == {"bfe", "praktikum", "praxiskurs", "langzeit"}
    # The two cohorts plus a few of the new kinds (issue 26): small enough that
    # the shipped example stays proven in about 90 s.
    assert PRESETS["example"].participant_kinds == BOTH
    kinds = Counter(p.kind for p in example.participants)
    assert (kinds["praxiskurs"], kinds["langzeit"]) == (13, 6)
    offers = Counter(o.kind for o in example.offers)
    assert (offers["praxiskurs"], offers["langzeit"]) == (2, 4)
    # Grade 9 only: the BFE cohort stays a part of its own (see the preset).
    grade = {s.student_id: s.grade for s in example.students}
    assert {grade[p.student_id] for p in example.participants} == {9}


def test_city_presets_are_bfe_only_and_praktikum_preset_has_no_bfe() -> None:
    for name in ("kreis-olpe", "siegen-wittgenstein", "duesseldorf", "koeln"):
        assert PRESETS[name].cohorts == ("bfe",)
        assert PRESETS[name].praktikum_students == 0
    assert PRESETS["praktikum-2700"].cohorts == ("praktikum",)
    assert PRESETS["praktikum-2700"].praktikum_students == 2700
    assert PRESETS["koeln"].students == 10_000


def test_praktikum_preset_override(praktikum_kreis: Problem) -> None:
    assert count_grade(praktikum_kreis, 9) == 800
    assert count_grade(praktikum_kreis, 8) == 0
    assert {e.kind for e in praktikum_kreis.calendar} == {"praktikum"}
    assert {o.kind for o in praktikum_kreis.offers} == {"praktikum"}


def test_generic_kreis_without_preset() -> None:
    problem = generate(students=400, praktikum_students=100, seed=5)
    assert count_grade(problem, 8) == 400
    assert count_grade(problem, 9) == 100
    assert validate(problem).errors == []


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown preset 'berlin'"):
        generate("berlin")
    with pytest.raises(ValueError, match="give a preset"):
        generate()


def test_preset_cohorts_must_match_sizes() -> None:
    with pytest.raises(ValueError, match="cohort praktikum has size 10"):
        Preset("x", "", ("bfe",), 10, 10, "kreis", ())


# --- calendars ---------------------------------------------------------------


def bfe_candidates(problem: Problem) -> dict[str, list[dt.date]]:
    dates: dict[str, list[dt.date]] = {}
    for e in problem.calendar:
        if e.kind == "bfe":
            span = (e.last_date - e.start_date).days
            dates.setdefault(e.school_id, []).extend(
                e.start_date + dt.timedelta(k) for k in range(span + 1)
            )
    return dates


@pytest.mark.parametrize("fixture", ["example", "olpe"])
def test_every_bfe_candidate_date_is_a_working_day(
    fixture: str, request: pytest.FixtureRequest
) -> None:
    problem: Problem = request.getfixturevalue(fixture)
    candidates = bfe_candidates(problem)
    assert set(candidates) == {s.school_id for s in problem.schools}
    for dates in candidates.values():
        assert 3 <= len(dates) <= 6
        assert all(WORKING.is_working_day(d) for d in dates)
        assert all(dt.date(2026, 11, 2) <= d <= dt.date(2027, 3, 19) for d in dates)
    assert {e.days for e in problem.calendar if e.kind == "bfe"} == {3}


@pytest.mark.parametrize("fixture", ["example", "praktikum_kreis"])
def test_praktikum_windows_hold_enough_working_days(
    fixture: str, request: pytest.FixtureRequest
) -> None:
    problem: Problem = request.getfixturevalue(fixture)
    windows = [e for e in problem.calendar if e.kind == "praktikum"]
    assert windows
    lengths: Counter[int] = Counter()
    for e in windows:
        working = WORKING.between(e.start_date, e.last_date)
        assert e.days == 10
        assert len(working) >= e.days
        assert working[0] == e.start_date and working[-1] == e.last_date
        assert dt.date(2027, 1, 1) <= e.start_date and e.last_date <= dt.date(2027, 7, 1)
        lengths[len(working)] += 1
    assert set(lengths) <= {10, 15}


def test_some_praktikum_windows_leave_a_choice_of_start(praktikum_kreis: Problem) -> None:
    lengths = Counter(
        len(WORKING.between(e.start_date, e.last_date))
        for e in praktikum_kreis.calendar
        if e.kind == "praktikum"
    )
    assert lengths[10] > lengths[15] > 0


def test_window_skips_fronleichnam() -> None:
    # Fronleichnam, Thursday 2027-05-27, is not a working day: ten working days
    # from Monday 2027-05-24 end on Monday 2027-06-07.
    assert _window(dt.date(2027, 5, 24), 10, WORKING) == (
        dt.date(2027, 5, 24),
        dt.date(2027, 6, 7),
    )


def test_date_runs_split_at_gaps() -> None:
    days = [dt.date(2026, 11, 10), dt.date(2026, 11, 11), dt.date(2026, 11, 13)]
    assert _date_runs(days) == [
        (dt.date(2026, 11, 10), dt.date(2026, 11, 11)),
        (dt.date(2026, 11, 13), dt.date(2026, 11, 13)),
    ]


def test_apportion_hits_the_total() -> None:
    assert _apportion([1, 1, 1], 10) == [4, 3, 3]
    assert _apportion([90, 10], 5) == [4, 1]
    assert _apportion([120, 60, 20], 250) == [150, 75, 25]


# --- validity and the shipped example ---------------------------------------


@pytest.mark.parametrize("fixture", ["example", "olpe", "praktikum_kreis"])
def test_generated_kreise_validate_without_errors(
    fixture: str, request: pytest.FixtureRequest
) -> None:
    report = validate(request.getfixturevalue(fixture))
    assert report.errors == []
    assert report.warnings == []


def test_shipped_example_equals_what_the_generator_writes(tmp_path: Path) -> None:
    problem = generate_to_dir(tmp_path, "example", seed=2026)
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == sorted(p.name for p in EXAMPLE_DIR.glob("*.csv"))
    for name in written:
        assert (tmp_path / name).read_bytes() == (EXAMPLE_DIR / name).read_bytes(), name
    read_back, warnings = check_dir(EXAMPLE_DIR)
    assert read_back == problem
    assert warnings == []


# --- realism -----------------------------------------------------------------


def test_ids_are_pseudonymous(example: Problem) -> None:
    assert all(re.fullmatch(r"S\d{6}", s.student_id) for s in example.students)
    assert all(re.fullmatch(r"C\d{5}", c.company_id) for c in example.companies)


def test_birth_dates_fit_the_grade(example: Problem) -> None:
    births: dict[int, list[dt.date]] = {8: [], 9: []}
    for s in example.students:
        if s.birth_date is not None:
            births[s.grade].append(s.birth_date)
    for grade, dates in births.items():
        # Regular cohort: born 1 October to 30 September, grade 1 in 2026 - grade + 1.
        first = dt.date(2026 - grade - 6, 10, 1)
        regular = sum(first <= d < first.replace(year=first.year + 1) for d in dates)
        assert regular / len(dates) > 0.85
        assert all(first.replace(year=first.year - 1) <= d for d in dates)
        assert all(d < first.replace(year=first.year + 2) for d in dates)


def test_missing_data_and_tags_have_realistic_shares(olpe: Problem) -> None:
    n = len(olpe.students)
    no_home = sum(s.home_lat is None for s in olpe.students) / n
    no_birth = sum(s.birth_date is None for s in olpe.students) / n
    needs = sum("barrierefrei" in s.needs for s in olpe.students) / n
    ifsg = sum("ifsg" in s.qualifications for s in olpe.students) / n
    assert 0.01 < no_home < 0.06
    assert 0.003 < no_birth < 0.03
    assert 0.005 < needs < 0.04
    assert 0.06 < ifsg < 0.14
    assert all((s.home_lat is None) == (s.home_lon is None) for s in olpe.students)


def test_homes_lie_near_the_school(olpe: Problem) -> None:
    school = {s.school_id: s for s in olpe.schools}
    far = 0
    for st in olpe.students:
        if st.home_lat is not None and st.home_lon is not None:
            sc = school[st.school_id]
            km = 111.32 * max(abs(st.home_lat - sc.lat), abs(st.home_lon - sc.lon) * 0.63)
            far += km > 15
    assert far / len(olpe.students) < 0.01


def test_schools_of_every_kind_and_no_gymnasium_praktikum_in_grade_9(example: Problem) -> None:
    types = {s.school_id: s.school_type for s in example.schools}
    assert sorted(types.values()) == ["Förderschule", "Gesamtschule", "Gymnasium", "Realschule"]
    grade_9_types = {types[s.school_id] for s in example.students if s.grade == 9}
    assert "Gymnasium" not in grade_9_types


def test_larger_kreis_has_varied_schools_and_companies(olpe: Problem) -> None:
    forms = Counter(s.school_type for s in olpe.schools)
    assert {"Gymnasium", "Gesamtschule", "Realschule"} <= set(forms)
    companies = olpe.companies
    assert sum(c.provider_type == "traeger" for c in companies) >= 1
    assert any("barrierefrei" in c.provides for c in companies)
    assert any("ifsg" in c.requires for c in companies)
    assert any(c.min_age is not None for c in companies)
    capacity = Counter(o.capacity for o in olpe.offers if o.kind == "bfe")
    small = sum(n for cap, n in capacity.items() if cap <= 2)
    assert small / sum(capacity.values()) > 0.5
    assert any(o.school_types for o in olpe.offers)
    assert any(o.grades for o in olpe.offers)


def field_shares(counts: Counter[str]) -> float:
    return sum(counts[f] for f in POPULAR_FIELDS) / sum(counts.values())


@pytest.mark.parametrize("fixture", ["example", "olpe"])
def test_popular_fields_are_scarcer_among_places_than_among_interests(
    fixture: str, request: pytest.FixtureRequest
) -> None:
    problem: Problem = request.getfixturevalue(fixture)
    interests: Counter[str] = Counter()
    for i in problem.interests:
        interests[i.field_id] += i.score
    places: Counter[str] = Counter()
    for o in problem.offers:
        if o.kind == "bfe":
            places[o.field_id] += o.capacity
    assert set(interests) <= {f.field_id for f in DEFAULT_FIELDS}
    assert field_shares(interests) > 0.4
    assert field_shares(places) < 0.3


def test_pairs_join_students_of_one_school(example: Problem) -> None:
    student = {s.student_id: s for s in example.students}
    assert example.pairs
    for p in example.pairs:
        a, b = student[p.student_a], student[p.student_b]
        assert a.student_id != b.student_id
        assert (a.school_id, a.grade) == (b.school_id, b.grade)
    assert example.previous == ()


def test_supply_exceeds_demand_moderately(example: Problem, olpe: Problem) -> None:
    ex = supply_summary(example)
    assert (ex.bfe_demand, ex.praktikum_demand) == (750, 150)
    assert 1.15 <= ex.bfe_places / ex.bfe_demand <= 1.45
    assert 1.0 <= ex.praktikum_places / ex.praktikum_demand <= 1.35
    # The few new-kind participants (counted by hand in the shipped files): the
    # Förderschule's 13 in grade 9 need one course each of 2 courses, 13 + 14
    # seats; 6 Langzeitpraktikum students need one day a week each, of 4 places
    # taking one student on 3, 3, 2 and 2 weekdays.
    assert (ex.praxiskurs_students, ex.praxiskurs_demand) == (13, 13)
    assert (ex.praxiskurs_courses, ex.praxiskurs_seats) == (2, 27)
    assert (ex.langzeit_students, ex.langzeit_demand) == (6, 6)
    assert (ex.langzeit_offers, ex.langzeit_weekday_places) == (4, 10)
    ol = supply_summary(olpe)
    assert ol.bfe_demand == 3 * 1300
    assert 1.15 <= ol.bfe_places / ol.bfe_demand <= 1.45


# --- Praxiskurs and Langzeitpraktikum -----------------------------------------

BOTH: tuple[ParticipantKind, ...] = ("praxiskurs", "langzeit")


@pytest.fixture(scope="module")
def four_kinds() -> Problem:
    return generate("kreis-vier-arten", seed=11)


@pytest.fixture(scope="module")
def tuesdays() -> Problem:
    return generate("langzeit-dienstag", seed=5)


def participants_of(problem: Problem, kind: str) -> list[str]:
    return [p.student_id for p in problem.participants if p.kind == kind]


def test_the_kinds_leave_every_other_table_as_it_was(example: Problem) -> None:
    # Other benchmarks compare against the presets' data: the new kinds come
    # from a random stream of their own and are appended.
    fewer = generate("example", seed=2026, participant_kinds=())
    assert fewer.participants == ()
    assert {o.kind for o in fewer.offers} == {"bfe", "praktikum"}
    more = generate("example", seed=2026, participant_kinds=BOTH)
    assert more == example  # the preset's own kinds
    for table in ("schools", "students", "interests", "pairs", "wishes"):
        assert getattr(more, table) == getattr(fewer, table), table
    for table in ("companies", "offers", "calendar"):
        rows = getattr(fewer, table)
        assert getattr(more, table)[: len(rows)] == rows, table
    assert {o.kind for o in more.offers[len(fewer.offers) :]} == set(BOTH)
    assert {p.kind for p in more.participants} == set(BOTH)
    # a few of each: the Förderschule's grade 9 in courses, a few of grade 9 in a Langzeitpraktikum
    types = {s.school_id: s.school_type for s in more.schools}
    grade = {s.student_id: (s.school_id, s.grade) for s in more.students}
    courses = participants_of(more, "praxiskurs")
    assert 5 <= len(courses) <= 25
    assert {types[grade[s][0]] for s in courses} == {"Förderschule"}
    assert 4 <= len(participants_of(more, "langzeit")) <= 20
    assert validate(more).warnings == []


@pytest.mark.parametrize("fixture", ["four_kinds", "tuesdays"])
def test_kreise_with_all_four_kinds_validate_without_errors(
    fixture: str, request: pytest.FixtureRequest
) -> None:
    problem: Problem = request.getfixturevalue(fixture)
    report = validate(problem)
    assert report.errors == []
    assert report.warnings == []  # every participant has a row, every place a taker
    assert {e.kind for e in problem.calendar} == {"bfe", "praktikum", *BOTH}


def test_more_seeds_validate_without_errors() -> None:
    for seed in range(3):
        for name in ("kreis-vier-arten", "langzeit-dienstag"):
            problem = generate(name, seed=seed, students=300, praktikum_students=250)
            report = validate(problem)
            assert (report.errors, report.warnings) == ([], []), (name, seed)
    generic = generate(students=200, praktikum_students=150, seed=1, participant_kinds=BOTH)
    assert validate(generic).errors == []


def test_four_kinds_preset_has_2700_students_and_realistic_rates(four_kinds: Problem) -> None:
    students = {s.student_id: s for s in four_kinds.students}
    types = {s.school_id: s.school_type for s in four_kinds.schools}
    assert len(students) == 2700
    langzeit = participants_of(four_kinds, "langzeit")
    assert 0.02 <= len(langzeit) / len(students) <= 0.05  # of grades 8 and 9
    assert {students[s].grade for s in langzeit} == {8, 9}
    mostly = ("Hauptschule", "Förderschule", "Gesamtschule")
    assert sum(types[students[s].school_id] in mostly for s in langzeit) / len(langzeit) > 0.7
    assert all(types[students[s].school_id] != "Gymnasium" for s in langzeit)
    courses = participants_of(four_kinds, "praxiskurs")
    grade_9 = count_grade(four_kinds, 9)
    assert {students[s].grade for s in courses} == {9}
    assert 0.08 <= len(courses) / grade_9 <= 0.5
    assert not set(courses) & set(langzeit)  # a course week would hold a Langzeit day


def test_praxiskurse_go_by_whole_classes(four_kinds: Problem) -> None:
    students = {s.student_id: s for s in four_kinds.students}
    per_school = Counter(students[s].school_id for s in participants_of(four_kinds, "praxiskurs"))
    langzeit = set(participants_of(four_kinds, "langzeit"))
    grade_9 = Counter(s.school_id for s in four_kinds.students if s.grade == 9)
    free = Counter(
        s.school_id for s in four_kinds.students if s.grade == 9 and s.student_id not in langzeit
    )
    types = {s.school_id: s.school_type for s in four_kinds.schools}
    assert any(types[school] in ("Hauptschule", "Förderschule") for school in per_school)
    for school, n in per_school.items():
        if types[school] in ("Hauptschule", "Förderschule"):
            assert n == free[school]  # the whole grade but its Langzeit students
        else:
            assert n >= min(20, grade_9[school] // 2)  # at least one class


def test_courses_and_langzeit_places_look_like_a_kreis(four_kinds: Problem) -> None:
    traeger = {c.company_id for c in four_kinds.companies if c.provider_type == "traeger"}
    courses = [o for o in four_kinds.offers if o.kind == "praxiskurs"]
    by_traeger = [o for o in courses if o.company_id in traeger]
    assert len(by_traeger) > len(courses) / 2
    for o in by_traeger:
        assert 10 <= o.capacity <= 15
        assert o.min_group is not None and 2 <= o.min_group <= 10
    lengths = Counter(len(WORKING.between(o.start_date, o.last_date)) for o in courses)
    assert set(lengths) == {3, 5}
    for o in courses:
        days = WORKING.between(o.start_date, o.last_date)
        assert days[0] == o.start_date and days[-1] == o.last_date
        assert (o.last_date - o.start_date).days == len(days) - 1  # consecutive working days
        if len(days) == 5:
            assert o.school_types == PRAXISKURS_FIVE_DAYS
    places = [o for o in four_kinds.offers if o.kind == "langzeit"]
    assert places
    for o in places:
        assert 1 <= len(o.weekdays) <= 3 and 1 <= o.capacity <= 2
        assert o.start_date <= LANGZEIT_PERIOD[0] and LANGZEIT_PERIOD[1] <= o.last_date
        assert all(
            c.company_id not in traeger
            for c in four_kinds.companies
            if c.company_id == o.company_id
        )


def test_calendar_rows_of_the_new_kinds(four_kinds: Problem) -> None:
    rows = {(e.school_id, e.kind): e for e in four_kinds.calendar if e.kind != "bfe"}
    for (school, kind), e in rows.items():
        if kind == "langzeit":
            assert (e.start_date, e.last_date) == LANGZEIT_PERIOD
            assert e.days in (1, 2) and e.days <= len(e.allowed_weekdays) <= 3
        elif kind == "praxiskurs":
            assert e.grade == 9 and e.days in (1, 2)
            assert len(WORKING.between(e.start_date, e.last_date)) >= 15  # four weeks
            praktikum = rows[(school, "praktikum")]
            apart = e.last_date < praktikum.start_date or praktikum.last_date < e.start_date
            assert apart, school  # a course never falls into the Praktikum block
    courses = [o for o in four_kinds.offers if o.kind == "praxiskurs"]
    windows = {(e.start_date, e.last_date) for e in rows.values() if e.kind == "praxiskurs"}
    assert all(any(a <= o.start_date and o.last_date <= b for a, b in windows) for o in courses)


def test_the_date_rule_preset_puts_bfe_days_on_langzeit_weekdays(tuesdays: Problem) -> None:
    # Grade 8 of the Förderschulen and the Hauptschule has its BFE days on
    # Tuesdays inside its Langzeitpraktikum period, which allows Tuesday: a
    # participant placed on Tuesdays loses every BFE date, so the plan must
    # send them on Thursdays (or leave BFE days open).
    types = {s.school_id: s.school_type for s in tuesdays.schools}
    bfe = bfe_candidates(tuesdays)
    grade = {s.student_id: (s.school_id, s.grade) for s in tuesdays.students}
    periods = {(e.school_id, e.grade): e for e in tuesdays.calendar if e.kind == "langzeit"}
    clashing = []
    for sid in participants_of(tuesdays, "langzeit"):
        school, g = grade[sid]
        period = periods[(school, g)]
        if g != 8 or types[school] not in ("Förderschule", "Hauptschule"):
            continue  # (other grade-8 cohorts may meet one too, in their BFE block)
        same = [
            d
            for d in bfe[school]
            if period.start_date <= d <= period.last_date
            and WEEKDAYS[d.weekday()] in period.allowed_weekdays
        ]
        if same:
            clashing.append(sid)
            assert {WEEKDAYS[d.weekday()] for d in bfe[school]} == {"di"}
    assert len(clashing) >= 5
    tuesday_only = [o for o in tuesdays.offers if o.kind == "langzeit" and o.weekdays == {"di"}]
    assert tuesday_only  # places that only take Tuesdays: the rule decides who goes there


# --- all of NRW --------------------------------------------------------------

NRW = {k.key: k for k in NRW_KREISE}
REAL_TOWN_PRESETS = {
    "05111": "duesseldorf",
    "05315": "koeln",
    "05966": "kreis-olpe",
    "05970": "siegen-wittgenstein",
}
# Köln (real Stadtbezirke), Olpe (real towns), Hochsauerlandkreis (made-up towns).
NRW_SAMPLE = ("05315", "05966", "05958")


@pytest.fixture(scope="module")
def nrw_tree(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[GeneratedKreis]]:
    out = tmp_path_factory.mktemp("nrw") / "nrw"
    return out, generate_nrw(out, seed=4, scale=0.01, kreise=NRW_SAMPLE)


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_nrw_table_lists_22_cities_and_31_kreise() -> None:
    assert len(NRW_KREISE) == 53
    assert len(NRW) == len({k.name for k in NRW_KREISE}) == len({k.slug for k in NRW_KREISE}) == 53
    assert sum(k.layout == "city" for k in NRW_KREISE) == 22
    assert all(re.fullmatch(r"05\d{3}-[a-z0-9]+(-[a-z0-9]+)*", k.directory) for k in NRW_KREISE)
    assert NRW["05315"].directory == "05315-koeln"
    assert NRW["05334"].directory == "05334-staedteregion-aachen"
    assert NRW["05334"].layout == "kreis"  # the StädteRegion counts as a Kreis
    assert all(50.3 < k.lat < 52.6 and 5.8 < k.lon < 9.5 for k in NRW_KREISE)


def test_nrw_cohorts_follow_population() -> None:
    cohorts = {k.name: k.students for k in NRW_KREISE}
    assert sum(cohorts.values()) == pytest.approx(170_000, rel=0.05)
    assert max(cohorts, key=lambda name: cohorts[name]) == "Köln"
    assert 9_000 <= cohorts["Köln"] <= 11_000
    assert min(cohorts.values()) >= 1_000  # Remscheid, the smallest city
    kreise = [k for k in NRW_KREISE if k.layout == "kreis"]
    assert min(kreise, key=lambda k: k.students).name == "Olpe"
    assert all(1_200 <= k.students <= 6_000 for k in kreise)  # Olpe .. Recklinghausen
    # Rural Kreise (under 300 inhabitants per km²: Höxter, Olpe, Steinfurt, ...)
    rural = [k for k in kreise if k.population_k * 1000 / k.area_km2 < 300]
    assert len(rural) >= 12
    assert all(1_200 <= k.students <= 4_500 for k in rural)


def test_nrw_blocks_and_towns_match_the_real_town_presets() -> None:
    for key, name in REAL_TOWN_PRESETS.items():
        preset = PRESETS[name]
        assert NRW[key].preset().towns == preset.towns
        assert NRW[key].layout == preset.layout
        assert NRW[key].preset().bfe_blocks == preset.bfe_blocks
        assert bfe_blocks_for(preset.students) == preset.bfe_blocks


@pytest.mark.parametrize("kreis", [k for k in NRW_KREISE if k.key not in REAL_TOWN_PRESETS])
def test_nrw_made_up_towns_lie_inside_the_kreis(kreis: NrwKreis) -> None:
    preset = kreis.preset()
    assert preset.cohorts == ("bfe",)
    assert preset.students == kreis.students
    towns = preset.towns
    assert 6 <= len(towns) <= (10 if kreis.layout == "city" else 12)
    radius_km = math.sqrt(kreis.area_km2 / math.pi)
    assert all(haversine_km(kreis.lat, kreis.lon, t.lat, t.lon) < radius_km for t in towns)
    weights = [t.weight for t in towns]
    assert weights == sorted(weights, reverse=True)
    assert kreis.preset() == preset  # the same on every call


def test_nrw_scale_shrinks_every_cohort_to_at_least_40() -> None:
    koeln = NRW["05315"]
    assert koeln.preset(0.5).students == round(koeln.students / 2)
    assert koeln.preset(0.5).bfe_blocks == 6
    assert NRW["05966"].preset(0.001).students == 40


def test_generate_nrw_writes_a_valid_directory_per_kreis(
    nrw_tree: tuple[Path, list[GeneratedKreis]],
) -> None:
    out, written = nrw_tree
    assert [k.key for k in written] == ["05315", "05958", "05966"]  # table order
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [NRW_INDEX, "05315-koeln", "05958-hochsauerlandkreis", "05966-olpe"]
    )
    assert [p.name for p in out.parent.iterdir()] == ["nrw"]  # no staging left behind
    for kreis in written:
        problem, warnings = check_dir(out / kreis.directory)  # raises on any error
        assert warnings == []
        assert (
            len(problem.students) == kreis.students == max(40, round(NRW[kreis.key].students / 100))
        )
        assert len(problem.offers) == kreis.offers
        assert {e.kind for e in problem.calendar} == {"bfe"}


def test_generate_nrw_ids_carry_the_kreis_key(nrw_tree: tuple[Path, list[GeneratedKreis]]) -> None:
    out, written = nrw_tree
    seen: set[str] = set()
    for kreis in written:
        problem, _ = check_dir(out / kreis.directory)
        ids = [
            *(s.school_id for s in problem.schools),
            *(s.student_id for s in problem.students),
            *(c.company_id for c in problem.companies),
            *(o.offer_id for o in problem.offers),
        ]
        assert all(i.startswith(f"{kreis.key}-") for i in ids)
        assert all(re.fullmatch(rf"{kreis.key}-S\d{{6}}", s.student_id) for s in problem.students)
        assert seen.isdisjoint(ids)
        seen.update(ids)


def test_generate_nrw_lists_the_kreise_in_kreise_csv(
    nrw_tree: tuple[Path, list[GeneratedKreis]],
) -> None:
    out, written = nrw_tree
    lines = (out / NRW_INDEX).read_text(encoding="utf-8").splitlines()
    assert lines[0] == "key,name,directory,students,schools,companies,offers"
    assert lines[1].startswith(f"05315,Köln,05315-koeln,{written[0].students},")
    assert [line.split(",")[2] for line in lines[1:]] == [k.directory for k in written]


def test_generate_nrw_is_deterministic_per_kreis(
    nrw_tree: tuple[Path, list[GeneratedKreis]], tmp_path: Path
) -> None:
    out, _ = nrw_tree
    generate_nrw(tmp_path / "again", seed=4, scale=0.01, kreise=NRW_SAMPLE)
    assert tree_bytes(tmp_path / "again") == tree_bytes(out)
    # A Kreis alone is the Kreis of a larger run; another seed gives another Kreis.
    generate_nrw(tmp_path / "olpe", seed=4, scale=0.01, kreise=["05966"])
    assert tree_bytes(tmp_path / "olpe" / "05966-olpe") == tree_bytes(out / "05966-olpe")
    generate_nrw(tmp_path / "other", seed=5, scale=0.01, kreise=["05966"])
    assert tree_bytes(tmp_path / "other" / "05966-olpe") != tree_bytes(out / "05966-olpe")


def test_generate_nrw_replaces_an_earlier_tree_but_nothing_else(tmp_path: Path) -> None:
    out = tmp_path / "nrw"
    generate_nrw(out, scale=0.001, kreise=["05966", "05120"])
    generate_nrw(out, scale=0.001, kreise=["05120"])
    assert sorted(p.name for p in out.iterdir()) == ["05120-remscheid", NRW_INDEX]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nrw"]
    (out / "notes.txt").write_text("mine")
    with pytest.raises(KaoaMatchError, match="not an earlier NRW tree"):
        generate_nrw(out, scale=0.001, kreise=["05120"])
    assert (out / "notes.txt").read_text() == "mine"


def test_generate_nrw_refuses_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="scale"):
        generate_nrw(tmp_path / "a", scale=0.0)
    with pytest.raises(ValueError, match="scale"):
        generate_nrw(tmp_path / "a", scale=1.5)
    with pytest.raises(ValueError, match="unknown Kreis key"):
        generate_nrw(tmp_path / "a", kreise=["05315", "99999"])
    assert not (tmp_path / "a").exists()
