"""The solve of one run, in a process of its own: ``python -m kaoa_match.web.worker RUN_DIR``.

It does what ``solve IN --out OUT`` does (see :func:`kaoa_match.cli._solve`),
with the library's own functions, and writes for the server:
``progress.jsonl`` (one JSON object a line: a stage, or a level's value and
bound), ``result.json`` (how it ended), ``headline.json`` (the result page's
figures) and ``out/`` (the plan). The server's Stop button sends this process
SIGINT, which is Ctrl-C: the search stops and the best plan found is kept.
The solve runs in this process's main thread, where the solver takes Ctrl-C.

Its log (``worker.log``) names the run's stages and never more of a student
than the ID.
"""

from __future__ import annotations

import json
import signal
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kaoa_match.web.results import write_headline
from kaoa_match.web.runs import input_path, read_json, write_problems

if TYPE_CHECKING:
    from collections.abc import Sequence

    from kaoa_match.exceptions import InputProblem
    from kaoa_match.model import Problem

_EVERY_S = 0.5  # a level's improvements are written at most this often


class ProgressFile:
    """The solver's progress reporter (``progress(level, value, bound, seconds,
    done)`` and ``stage(text)``), written as JSON lines."""

    def __init__(self, path: Path) -> None:
        self._file = path.open("a", encoding="utf-8")
        self._started = time.monotonic()
        self._last: dict[str, float] = {}

    def _write(self, event: dict[str, Any]) -> None:
        event["t"] = round(time.monotonic() - self._started, 2)
        self._file.write(json.dumps(event) + "\n")
        self._file.flush()

    def stage(self, name: str) -> None:
        print(f"{time.monotonic() - self._started:7.1f} s  {name}", flush=True)
        self._write({"stage": name})

    def __call__(
        self, level: str, value: int, bound: float, seconds: float, done: bool = False
    ) -> None:
        now = time.monotonic()
        if not done and now - self._last.get(level, 0.0) < _EVERY_S:
            return
        self._last[level] = now
        bound_value = None if bound != bound or abs(bound) == float("inf") else round(bound)
        self._write({"level": level, "value": int(value), "bound": bound_value, "done": done})
        if done:
            print(f"{seconds:7.1f} s  {level} done: {value} (bound {bound_value})", flush=True)

    def close(self) -> None:
        self._file.close()


def run(run_dir: Path) -> dict[str, Any]:
    """Solve the run in ``run_dir``; return what goes into ``result.json``."""
    from kaoa_match.exceptions import InputError, KaoaMatchError, LockedConflictError
    from kaoa_match.io.inputs import check_input
    from kaoa_match.model import SolveOptions
    from kaoa_match.solvers.pipeline import solve_with_options

    record = read_json(run_dir / "run.json") or {}
    source = input_path(run_dir)
    previous_file = run_dir / "previous.csv"
    previous = previous_file if previous_file.is_file() else None
    progress = ProgressFile(run_dir / "progress.jsonl")
    try:
        progress.stage("Eingabe lesen und prüfen")
        problem, warnings = check_input(source, previous=previous)
        options = SolveOptions(
            time_limit_s=record.get("time_limit_s"),
            workers=int(record.get("workers", 2)),
            seed=int(record.get("seed", 0)),
        )
        plan, opts = solve_with_options(problem, options, progress=progress)
    except KeyboardInterrupt:
        return {
            "status": "cancelled",
            "message": "Gestoppt, bevor es einen Plan gab: nichts gespeichert.",
        }
    except InputError as error:
        write_problems(run_dir, error.problems, [])
        return {
            "status": "invalid",
            "message": f"Die Eingabe ist ungültig: {len(error.problems)} Problem(e).",
        }
    except LockedConflictError as error:
        return {"status": "failed", "message": f"Festgehaltene Zeilen widersprechen sich: {error}"}
    except KaoaMatchError as error:
        return {"status": "failed", "message": str(error)}
    # From here on the plan exists: a second Stop must not lose it half-written.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    write_result_files(run_dir, problem, plan, opts, source, previous, options, warnings, progress)
    progress.close()
    return {
        "status": "stopped" if plan.interrupted else "done",
        "plan_status": plan.status,
        "message": (
            "Gestoppt: das ist der beste bis dahin gefundene Plan." if plan.interrupted else None
        ),
    }


def write_result_files(
    run_dir: Path,
    problem: Problem,
    plan: Any,
    opts: Any,
    source: Path,
    previous: Path | None,
    options: Any,
    warnings: Sequence[InputProblem],
    progress: ProgressFile,
) -> None:
    """The plan as ``solve`` writes it, and the result page's figures."""
    from kaoa_match.io.write_plan import write_plan
    from kaoa_match.report.files import report_baseline
    from kaoa_match.wishes import never_granted

    found = [*warnings, *never_granted(problem, opts, source)]
    write_problems(run_dir, [], found)  # the check's warnings, and those only a solve sees
    progress.stage("Bericht: Portal-Vergleich, report.html, plan.xlsx")
    baseline = report_baseline(problem, opts)
    extra = {
        "input": str(source.resolve()),
        "seed": options.seed,
        "workers": options.workers,
        "time_limit_s": options.time_limit_s,
        "previous": None if previous is None else str(previous.resolve()),
    }
    write_plan(plan, run_dir / "out", extra, problem=problem, baseline=baseline)
    write_headline(run_dir, problem, plan.assignments, plan.unassigned, plan.summary() | extra)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    run_dir = Path(args[0])
    signal.signal(signal.SIGINT, signal.default_int_handler)  # Stop = Ctrl-C
    try:
        result = run(run_dir)
    except Exception as error:  # the server shows it; the log has the traceback
        import traceback

        traceback.print_exc()
        result = {"status": "failed", "message": f"Interner Fehler: {type(error).__name__}"}
    (run_dir / "result.json").write_text(json.dumps(result, ensure_ascii=False), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
