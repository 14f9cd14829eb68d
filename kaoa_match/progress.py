"""Console progress of a solve: the level being optimised, value, bound, time."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Self

from rich.live import Live
from rich.style import Style
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from rich.console import Console

    from kaoa_match.batch import BatchPlan, KreisPlan
    from kaoa_match.options import Options
    from kaoa_match.plan import Plan


class ProgressPrinter:
    """Prints one line per improvement, at most every ``every`` seconds per level,
    and always the final line of each level."""

    def __init__(self, console: Console, every: float = 2.0) -> None:
        self.console = console
        self.every = every
        self._level = ""
        self._last = 0.0

    def __call__(
        self, level: str, value: int, bound: float, seconds: float, done: bool = False
    ) -> None:
        now = time.monotonic()
        if level != self._level:
            self._level, self._last = level, 0.0
        if now - self._last < self.every and not done:
            return
        self._last = now
        self.console.print(
            f"  [bold]{level:<10}[/] {'done' if done else 'best'} {value:>10}   "
            f"bound {bound:>12.0f}   {seconds:7.1f} s",
            highlight=False,
        )


class LiveStatus:
    """What a solve is doing, for a planner watching a long run.

    On a terminal: one status line, redrawn four times a second, with the
    stage (options, warm start, bounds, model, a level's LP bound or search,
    report), the seconds spent of the limit and the level's current value and
    bound; each finished level stays as a line above it. Elsewhere (a log, CI):
    plain lines, one per stage and per improvement at most every ``every``
    seconds; nothing at all when ``quiet``. Use as a context manager; pass it
    as ``progress`` to the solver.
    """

    def __init__(
        self,
        console: Console,
        limit: float | None,
        every: float = 2.0,
        quiet: bool = False,
        on_options: Callable[[Options], None] | None = None,
    ) -> None:
        self.console, self.limit, self.quiet = console, limit, quiet
        self.on_options = on_options
        self.started = time.monotonic()
        self.stage_name = "starting"
        self.level: tuple[str, int, float] | None = None  # name, value, bound
        self._lines = ProgressPrinter(console, every)
        self._live = (
            Live(self, console=console, refresh_per_second=4, transient=True)
            if console.is_terminal and not quiet
            else None
        )

    def __enter__(self) -> Self:
        if self._live is not None:
            self._live.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._live is not None:
            self._live.stop()

    def options_built(self, options: Options) -> None:
        """The solver built the eligible placements (before the long search)."""
        if self.on_options is not None:
            self.on_options(options)

    def stage(self, name: str) -> None:
        """A new stage begins."""
        self.stage_name, self.level = name, None
        if self._live is None and not self.quiet:
            self.console.print(f"  {name} ({self._elapsed():.1f} s)", highlight=False)

    def __call__(
        self, level: str, value: int, bound: float, seconds: float, done: bool = False
    ) -> None:
        self.stage_name, self.level = f"search {level}", (level, value, bound)
        if not self.quiet and (self._live is None or done):
            self._lines(level, value, bound, seconds, done)

    def __rich__(self) -> Text:
        limit = "" if self.limit is None else f" of {self.limit:.0f} s"
        line = Text(f"  {self.stage_name}", style="bold")
        if self.level is not None:
            _, value, bound = self.level
            line.append(f"   value {value}   bound {bound:.0f}")
        line.append(f"   {self._elapsed():.0f} s{limit}", style="dim")  # ticks while busy
        return line

    def _elapsed(self) -> float:
        return time.monotonic() - self.started


def result_table(plan: Plan) -> Table:
    """The short table of results printed at the end of a solve."""
    table = Table(title=f"kaoa_match plan: {plan.status}", title_justify="left")
    for column in ("level", "value", "bound", "gap", "status", "seconds"):
        table.add_column(column, justify="left" if column in ("level", "status") else "right")
    for lv in plan.levels:
        table.add_row(
            lv.name, str(lv.value), str(lv.bound), f"{lv.gap:.2%}", lv.status, f"{lv.seconds:.1f}"
        )
    return table


def report_link(report: Path) -> Text:
    """The line under the result table that links to the report: a clickable file
    link in terminals that support it. Print it with ``soft_wrap=True`` so that
    the path stays on one line and can be copied."""
    page = report.resolve()
    link = Text("report: ")
    link.append(str(page), style=Style(link=page.as_uri()))
    return link


def batch_line(kreis: KreisPlan, done: int, total: int, seconds: float) -> str:
    """One line as a Kreis of a run over several finishes."""
    values = kreis.plan.objectives
    return (
        f"  [{done}/{total}] {kreis.name}: {kreis.students} students, {kreis.plan.status}, "
        f"coverage {values['coverage']}, fairness {values['fairness']} "
        f"({kreis.task_seconds:.1f} s; {seconds:.1f} s since the start)"
    )


def batch_table(batch: BatchPlan) -> Table:
    """Totals of a run over several Kreise, level by level."""
    table = Table(
        title=f"kaoa_match: {len(batch.kreise)} Kreise, {batch.status}, {batch.wall_seconds:.1f} s",
        title_justify="left",
    )
    for column in ("level", "total", "bound", "gap", "Kreise optimal"):
        table.add_column(column, justify="left" if column == "level" else "right")
    bounds, gaps = batch.bounds, batch.gaps
    for name, value in batch.objectives.items():
        proven = sum(
            lv.status == "optimal" for k in batch.kreise for lv in k.plan.levels if lv.name == name
        )
        optimal = f"{proven}/{len(batch.kreise)}"
        table.add_row(name, str(value), str(bounds[name]), f"{gaps[name]:.2%}", optimal)
    return table
