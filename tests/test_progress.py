"""The live status of a solve (``kaoa_match.progress.LiveStatus``)."""

from __future__ import annotations

import io

from rich.console import Console

from kaoa_match import SolveOptions, read_dir
from kaoa_match.progress import LiveStatus
from kaoa_match.solvers.pipeline import solve_with_options
from tests.solvers.test_example import EXAMPLE


def _console(terminal: bool) -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, force_terminal=terminal, width=120), out


def test_a_log_gets_a_line_per_stage_and_per_finished_level() -> None:
    console, out = _console(terminal=False)
    with LiveStatus(console, limit=60) as status:
        status.stage("model")
        status("coverage", 8085, 8086.0, 3.0, False)  # shown: the first of the level
        status("coverage", 8085, 8086.0, 3.5, False)  # hidden: within 2 s of the last
        status("coverage", 8085, 8086.0, 4.0, True)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("  model (")
    assert [line.split()[:2] for line in lines[1:]] == [["coverage", "best"], ["coverage", "done"]]


def test_a_terminal_shows_the_stage_value_bound_and_seconds_of_the_limit() -> None:
    console, _ = _console(terminal=True)
    status = LiveStatus(console, limit=120)
    status("interest", 480_056, 528_659.4, 50.0, False)
    line = status.__rich__().plain
    assert "search interest" in line
    assert "value 480056" in line
    assert "bound 528659" in line
    assert line.endswith(" s of 120 s")


def test_quiet_prints_nothing() -> None:
    console, out = _console(terminal=False)
    with LiveStatus(console, limit=None, quiet=True) as status:
        status.stage("model")
        status("coverage", 1, 1.0, 0.1, True)
    assert out.getvalue() == ""


def test_the_solver_names_its_stages() -> None:
    console, out = _console(terminal=False)
    with LiveStatus(console, limit=30) as status:
        solve_with_options(
            read_dir(EXAMPLE), SolveOptions(workers=1, seed=0, time_limit_s=30), status
        )
    text = out.getvalue()
    for stage in ("options", "warm start", "model", "coverage 1/2 done", "together 2/2 done"):
        assert stage in text, stage
