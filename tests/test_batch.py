"""Several Kreise in one run: decomposition, executors, output tree, totals."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest

from kaoa_match import Problem, SolveOptions, solve
from kaoa_match.batch import solve_many
from kaoa_match.cli import main
from kaoa_match.exceptions import KaoaMatchError, LockedConflictError
from kaoa_match.executors import ray_available, run_tasks
from kaoa_match.generate import generate
from kaoa_match.io.write_problem import write_problem
from kaoa_match.options import build_options
from kaoa_match.solvers.decompose import independent_parts
from tests.checker import check_plan, objective_values
from tests.orders import in_v2_order
from tests.solvers.test_bfe_instances import _prev, _previous_plan

if TYPE_CHECKING:
    from kaoa_match.plan import Plan

OPTIONS = SolveOptions(workers=1, seed=0)
_ID_FIELDS = ("student_id", "school_id", "company_id", "offer_id", "origin_id")
_ID_FIELDS += ("student_a", "student_b")
_DEGREE_FIELDS = ("lat", "lon", "home_lat", "home_lon")


def _moved(problem: Problem, prefix: str, north: float) -> Problem:
    """The same Kreis with every ID prefixed and every place ``north`` degrees north."""

    def moved(record: Any) -> Any:
        update: dict[str, Any] = {}
        for name in _ID_FIELDS:
            value = getattr(record, name, None)
            if value:
                update[name] = prefix + value
        for name in _DEGREE_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                update[name] = value + north
        return record.model_copy(update=update)

    tables = (
        "schools",
        "students",
        "companies",
        "offers",
        "calendar",
        "interests",
        "pairs",
        "wishes",
    )
    return problem.model_copy(
        update={table: tuple(map(moved, getattr(problem, table))) for table in tables}
    )


def _joint(*problems: Problem) -> Problem:
    tables = (
        "schools",
        "students",
        "companies",
        "offers",
        "calendar",
        "interests",
        "pairs",
        "wishes",
    )
    return problems[0].model_copy(
        update={table: tuple(r for p in problems for r in getattr(p, table)) for table in tables}
    )


def _without_group_minimums(problem: Problem) -> Problem:
    """The Kreis with every offer open to a group of any size: a minimum group
    leaves the LP weak, and the one-model solve of two Kreise below (one worker,
    no decomposition) then searches for minutes. Decomposition is the point here."""
    offers = tuple(o.model_copy(update={"min_group": None}) for o in problem.offers)
    return problem.model_copy(update={"offers": offers})


@pytest.fixture(scope="module")
def kreise() -> dict[str, Problem]:
    # Two Kreise 200 km apart: no student reaches the other's companies.
    a = generate(students=90, praktikum_students=40, seed=1)
    b = generate(students=120, seed=2)
    # Version 2's order (every level held exactly): a tolerance holds each part
    # at 99 % of its own interest, one model the sum, so decomposed and joint
    # solves would differ below interest; decomposition is the point here.
    return {
        "kreis-a": in_v2_order(_moved(_without_group_minimums(a), "A-", 0.0)),
        "kreis-b": in_v2_order(_moved(_without_group_minimums(b), "B-", 2.0)),
    }


def _sorted_rows(plan: Plan) -> list[tuple[Any, ...]]:
    return sorted(map(tuple, plan.assignments.astype(str).itertuples(index=False)))


def test_kreise_solved_apart_give_the_optimum_of_one_joint_solve(
    kreise: dict[str, Problem],
) -> None:
    batch = solve_many(kreise, OPTIONS, executor="process", jobs=2, files=False)
    joint_problem = _joint(*kreise.values())
    joint = solve(joint_problem, OPTIONS)
    one_model = solve(joint_problem, OPTIONS.model_copy(update={"decompose": False}))
    assert batch.status == joint.status == one_model.status == "optimal"
    assert batch.objectives == joint.objectives == one_model.objectives
    assert batch.bounds == batch.objectives
    # The joint solve found the two Kreise as independent parts by itself.
    assert joint.stats["parts"] >= 2
    assert one_model.stats["parts"] == 1
    for name, kreis in zip(kreise, batch.kreise, strict=True):
        assert kreis.name == name
        assert check_plan(kreise[name], kreis.plan.assignments) == []
        assert objective_values(kreise[name], kreis.plan.assignments) == kreis.plan.objectives
        assert kreis.plan.objectives["coverage"] > 0


@pytest.mark.skipif(not ray_available(), reason="Ray is an optional extra")
def test_ray_gives_the_same_plans_as_the_process_pool(kreise: dict[str, Problem]) -> None:
    pool = solve_many(kreise, OPTIONS, executor="process", jobs=2, files=False)
    ray = solve_many(kreise, OPTIONS, executor="ray", jobs=2, files=False)
    assert ray.executor == "ray"
    for on_pool, on_ray in zip(pool.kreise, ray.kreise, strict=True):
        assert on_pool.name == on_ray.name
        assert on_ray.plan.objectives == on_pool.plan.objectives
        assert _sorted_rows(on_ray.plan) == _sorted_rows(on_pool.plan)


def _square(x: int) -> int:
    if x < 0:
        raise ValueError(f"negative: {x}")
    return x * x


def test_process_pool_returns_each_result_and_error_by_index() -> None:
    outcomes = dict(run_tasks(_square, [(2,), (-1,), (3,)], "process", jobs=2))
    assert outcomes[0] == 4 and outcomes[2] == 9
    assert isinstance(outcomes[1], ValueError) and "negative: -1" in str(outcomes[1])


def _mark(directory: str, k: int) -> int:
    Path(directory, f"ran-{k}").touch()
    return k


def test_process_pool_stops_the_rest_when_the_caller_stops(tmp_path: Path) -> None:
    calls = [(str(tmp_path), k) for k in range(8)]
    for _ in run_tasks(_mark, calls, "process", jobs=1):
        break  # as solve_many does on a failed Kreis
    ran = sorted(p.name for p in tmp_path.iterdir())
    assert "ran-0" in ran
    assert "ran-7" not in ran  # cancelled, not run to the end


def test_ray_missing_falls_back_to_the_pool_or_refuses_a_cluster(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr("kaoa_match.executors.ray_available", lambda: False)
    assert dict(run_tasks(_square, [(5,)], "ray", jobs=1)) == {0: 25}
    assert "Ray is not installed" in caplog.text
    with pytest.raises(KaoaMatchError, match=r'pip install "kaoa_match\[ray\]"'):
        dict(run_tasks(_square, [(5,)], "ray", jobs=1, address="ray://head:10001"))


@pytest.fixture(scope="module")
def input_dirs(kreise: dict[str, Problem], tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    root = tmp_path_factory.mktemp("kreise")
    paths = []
    for name, problem in kreise.items():
        write_problem(problem, root / name)
        paths.append(root / name)
    return paths


def test_cli_writes_one_directory_per_kreis_and_the_totals(
    input_dirs: list[Path], tmp_path: Path
) -> None:
    out = tmp_path / "nrw"
    args = ["solve", *map(str, input_dirs), "--out", str(out), "--jobs", "2", "--quiet"]
    assert main(args) == 0
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    per_kreis = {
        path.name: json.loads((out / path.name / "summary.json").read_text(encoding="utf-8"))
        for path in input_dirs
    }
    assert set(summary["kreise"]) == set(per_kreis) == {"kreis-a", "kreis-b"}
    for name, values in summary["objectives"].items():
        assert values == sum(k["objectives"][name] for k in per_kreis.values())
    assert summary["status"] == "optimal"
    assert summary["executor"] == "process"
    for path in input_dirs:
        files = {p.name for p in (out / path.name).iterdir()}
        assert {"assignments.csv", "unassigned.csv", "summary.json", "report.html"} <= files
        assert per_kreis[path.name]["input"] == str(path.resolve())
    # A second run replaces the whole tree: it is a plan tree, not foreign files.
    assert main(args) == 0


def test_cli_lists_bad_input_of_every_kreis_and_writes_nothing(
    input_dirs: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "kreis-c"
    write_problem(generate(students=30, seed=3), broken)
    students = broken / "students.csv"
    lines = students.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",8,", ",acht,", 1)
    students.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (broken / "offers.csv").unlink()
    out = tmp_path / "out"
    assert main(["solve", *map(str, input_dirs), str(broken), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert 'kreis-c/students.csv:2: grade: "acht" is not a whole number' in err
    assert "kreis-c/offers.csv: required file is missing" in err
    assert not out.exists()


def test_cli_refuses_two_input_directories_of_one_name(
    input_dirs: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    twin = tmp_path / "elsewhere" / input_dirs[0].name
    write_problem(generate(students=30, seed=3), twin)
    out = tmp_path / "out"
    assert main(["solve", *map(str, input_dirs), str(twin), "--out", str(out)]) == 2
    assert f"a second input directory named {input_dirs[0].name}" in capsys.readouterr().err
    assert not out.exists()


def test_locked_conflict_of_one_kreis_names_it_after_the_others_ended(
    kreise: dict[str, Problem],
) -> None:
    # Two locked rows on one place: this Kreis cannot keep both.
    conflict = _previous_plan(_prev("A", "locked"), _prev("B", "locked"))
    problems = {"kreis-a": kreise["kreis-a"], "kreis-x": conflict}
    done: list[str] = []
    with pytest.raises(LockedConflictError, match=r"^kreis-x: ") as raised:
        solve_many(problems, OPTIONS, jobs=2, files=False, on_done=lambda k: done.append(k.name))
    assert "kreis-a" not in str(raised.value)
    assert done == ["kreis-a"]


def test_independent_parts_of_two_kreise_never_mix_them(kreise: dict[str, Problem]) -> None:
    joint = _joint(*kreise.values())
    opts = build_options(joint)
    index = {s.student_id: i for i, s in enumerate(joint.students)}
    pairs = [(index[p.student_a], index[p.student_b]) for p in joint.pairs]
    student = np.asarray(opts.student, np.int64)
    offer = np.asarray(opts.offer, np.int64)
    parts = independent_parts(student, offer, pairs, len(joint.students), len(joint.offers))
    kreis_of_part = []
    for part in parts:
        prefixes = {joint.students[s].student_id[:2] for s in np.unique(student[part])}
        offers = {joint.offers[o].offer_id[:2] for o in np.unique(offer[part])}
        assert len(prefixes) == 1 and prefixes == offers  # one Kreis, its own offers only
        kreis_of_part.append(prefixes.pop())
    assert set(kreis_of_part) == {"A-", "B-"}
    assert sorted(np.concatenate(parts).tolist()) == list(range(len(opts)))
