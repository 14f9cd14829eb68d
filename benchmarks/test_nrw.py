"""Benchmark of all of NRW in one run (issue 8): the process pool and local Ray.

The ``nrw`` preset (53 Kreise, about 170,000 grade-8 students at full scale)
is generated once (seed 0). Each configuration then runs the command line,
``python -m kaoa_match solve DIR... --executor E --jobs J --workers 1``, in a
fresh process with a time limit per Kreis; the timed round is that process,
start to exit. A sampler adds up the resident set sizes of the whole process
tree (the pool's workers, or Ray's raylet, object store and workers) every
0.2 s and keeps the peak. The totals of the six levels come from the run's
``summary.json``. After each run it writes ``benchmarks/RESULTS-nrw.md`` anew.

Environment:

- ``KAOA_NRW_SCALE``: the preset's ``--scale`` (default 1.0, full size).
- ``KAOA_NRW_LIMIT``: the time limit per Kreis in seconds (default 10).
- ``KAOA_NRW_RUNS``: comma-separated ``executor:jobs`` (default
  ``process:1,process:2,ray:2``); the speed-up is the 1-job time over the
  2-job time of the process pool.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from benchmarks.results import machine_facts

if TYPE_CHECKING:
    from pytest_benchmark.fixture import BenchmarkFixture

ROOT = Path(__file__).resolve().parent.parent
SCALE = float(os.environ.get("KAOA_NRW_SCALE", "1.0"))
LIMIT_S = float(os.environ.get("KAOA_NRW_LIMIT", "10"))
RUNS = os.environ.get("KAOA_NRW_RUNS", "process:1,process:2,ray:2").split(",")
SEED = 0
RESULTS = ROOT / "benchmarks" / "RESULTS-nrw.md"
_PAGE = os.sysconf("SC_PAGE_SIZE")


# --- peak memory of a process tree ---------------------------------------------------


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue  # ended while we looked
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(parent, []).append(int(entry))
    return tree


def _tree_rss_mib(root: int) -> float:
    tree, total, stack = _children(), 0, [root]
    while stack:
        pid = stack.pop()
        with contextlib.suppress(OSError):  # ended while we looked
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * _PAGE
        stack += tree.get(pid, [])
    return total / 2**20


class PeakSampler:
    """The peak of the summed RSS of a process and all its descendants."""

    def __init__(self, pid: int, every_s: float = 0.2) -> None:
        self.pid, self.every_s, self.peak_mib = pid, every_s, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.every_s):
            self.peak_mib = max(self.peak_mib, _tree_rss_mib(self.pid))

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return round(self.peak_mib, 1)


# --- the runs ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def nrw_dirs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The Kreis directories of the generated preset, in the order of kreise.csv."""
    from kaoa_match.generate import generate_nrw

    out = tmp_path_factory.mktemp("nrw") / "nrw"
    generate_nrw(out, seed=SEED, scale=SCALE)
    return sorted(p for p in out.iterdir() if p.is_dir())


def run_cli(dirs: list[Path], out: Path, executor: str, jobs: int) -> dict[str, Any]:
    """One run of the command line in a fresh process: wall time, peak tree RSS, summary."""
    command = [sys.executable, "-m", "kaoa_match", "solve", *map(str, dirs), "--out", str(out)]
    command += ["--executor", executor, "--jobs", str(jobs), "--workers", "1", "--quiet"]
    command += ["--time-limit", str(LIMIT_S), "--seed", str(SEED)]
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    started = time.monotonic()
    child = subprocess.Popen(command, cwd=ROOT, env={**os.environ, "PYTHONPATH": path})
    sampler = PeakSampler(child.pid)
    code = child.wait()
    peak = sampler.stop()
    wall = time.monotonic() - started
    assert code == 0, f"exit status {code}"
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    return {"wall_s": round(wall, 1), "peak_tree_rss_mib": peak, "summary": summary}


_measured: dict[str, dict[str, Any]] = {}


@pytest.mark.parametrize("run", RUNS)
def test_nrw(benchmark: BenchmarkFixture, run: str, nrw_dirs: list[Path], tmp_path: Path) -> None:
    executor, jobs = run.split(":")
    result = benchmark.pedantic(
        run_cli,
        args=(nrw_dirs, tmp_path / "plan", executor, int(jobs)),
        rounds=1,
        iterations=1,
        warmup_rounds=0,
    )
    summary = result["summary"]
    benchmark.extra_info.update({"suite": "nrw", "scale": SCALE, "limit_s": LIMIT_S, **result})
    _measured[run] = result
    RESULTS.write_text(render(_measured), encoding="utf-8")  # after each run: they are long

    assert len(summary["kreise"]) == len(nrw_dirs)
    assert summary["executor"] == executor
    for name, total in summary["objectives"].items():
        bound = summary["bounds"][name]
        assert total <= bound if summary["senses"][name] == "max" else total >= bound


# --- RESULTS-nrw.md ------------------------------------------------------------------


def render(measured: dict[str, dict[str, Any]]) -> str:
    """The tables of RESULTS-nrw.md: the machine, each run, the totals, the speed-up."""
    facts = machine_facts()
    first = next(iter(measured.values()))["summary"]
    lines = [
        "# NRW in one run: benchmark results",
        "",
        "Written by `pytest benchmarks/test_nrw.py` (see its docstring); "
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC.",
        "",
        f"Machine: {facts['cpu']}, {facts['cores']} cores, {facts['ram_gib']} GiB RAM, "
        f"Python {facts['python']}, OR-Tools {facts['ortools']}.",
        f"Instance: `generate --preset nrw --scale {SCALE} --seed {SEED}`: "
        f"{len(first['kreise'])} Kreise, {first['students']:,} students. "
        f"Each Kreis: 1 CP-SAT worker, time limit {LIMIT_S:g} s.",
        "",
        "| executor | jobs | wall s | peak RSS of the process tree MiB | status "
        "| Kreise all optimal | slowest Kreis s |",
        "|---|---|---|---|---|---|---|",
    ]
    for run, result in measured.items():
        executor, jobs = run.split(":")
        kreise = result["summary"]["kreise"]
        optimal = sum(k["status"] == "optimal" for k in kreise.values())
        slowest = max(k["task_seconds"] for k in kreise.values())
        lines.append(
            f"| {executor} | {jobs} | {result['wall_s']:.1f} | {result['peak_tree_rss_mib']:,.0f} "
            f"| {result['summary']['status']} | {optimal}/{len(kreise)} | {slowest:.1f} |"
        )
    if "process:1" in measured and "process:2" in measured:
        speedup = measured["process:1"]["wall_s"] / measured["process:2"]["wall_s"]
        lines += ["", f"Speed-up of the process pool from 1 to 2 jobs: {speedup:.2f}x."]
    lines += ["", "Totals over all Kreise (first run):", "", "| level | total | bound | gap |"]
    lines.append("|---|---|---|---|")
    for name, total in first["objectives"].items():
        lines.append(
            f"| {name} | {total:,} | {first['bounds'][name]:,} | {first['gaps'][name]:.2%} |"
        )
    return "\n".join(lines) + "\n"
