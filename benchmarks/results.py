"""Write ``benchmarks/RESULTS.md`` from a pytest-benchmark JSON file (issue 6).

Usage::

    pytest benchmarks/ --benchmark-json=benchmarks/results.json
    python benchmarks/results.py [--json benchmarks/results.json] [--out benchmarks/RESULTS.md]

The tables: the machine, one row per preset (model size, times, peak RSS),
every level's value, bound and gap, the optimiser against the portal
baseline, the rerun, any other benchmark, and the issue's targets with met or
missed. A ``## Notes`` section already in the output file is kept as it is,
so a hand-written account of the profile survives a rerun of this script.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
NOTES = "## Notes"
_DEFAULT_NOTES = (
    f"{NOTES}\n\n"
    "Where a target is missed: by how much, and what the profile shows "
    "(reading, options, model building, presolve, search, proving).\n"
)
LEVELS = ("coverage", "stability", "fairness", "interest", "travel", "together")
GIB = 1024**3
KOELN_RSS_MIB = 4e9 / 2**20  # 4 GB, read as 4 * 10^9 bytes: the stricter reading

Bench = dict[str, Any]


# --- the machine ----------------------------------------------------------------


def machine_facts() -> dict[str, Any]:
    """CPU model, cores this process may use, RAM (GiB) and library versions."""
    return {
        "cpu": _cpu_model(),
        "cores": len(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity")
        else os.cpu_count(),
        "ram_gib": _ram_gib(),
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "ortools": _version("ortools"),
        "numpy": _version("numpy"),
        "pandas": _version("pandas"),
    }


def _cores() -> int | None:
    """Cores this process may run on (a container may see fewer than the host has)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count()


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ram_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) * 1024 / GIB, 1)
    except OSError:
        pass
    return None


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


# --- formatting -------------------------------------------------------------------


def _n(value: Any) -> str:
    """A number as a planner reads it: thousands separated, at most one decimal."""
    if value is None:
        return "–"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def _s(seconds: Any) -> str:
    return "–" if seconds is None else f"{float(seconds):.1f}"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    if not rows:
        return ["(not measured in this run)"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


# --- the sections -----------------------------------------------------------------


def machine_section(data: dict[str, Any]) -> list[str]:
    facts = data.get("machine_info", {}).get("kaoa") or machine_facts()
    when = data.get("datetime", "")[:19].replace("T", " ")
    commit = data.get("commit_info", {})
    rows = [
        ["CPU", str(facts.get("cpu"))],
        ["cores", str(facts.get("cores"))],
        ["RAM", f"{facts.get('ram_gib')} GiB"],
        ["system", str(facts.get("system"))],
        ["Python / OR-Tools", f"{facts.get('python')} / {facts.get('ortools')}"],
        ["numpy / pandas", f"{facts.get('numpy')} / {facts.get('pandas')}"],
        ["date (UTC)", when],
        ["commit", f"{str(commit.get('id', ''))[:10]}{' (dirty)' if commit.get('dirty') else ''}"],
    ]
    return ["## Machine", "", *_table(["", ""], rows)]


def preset_section(presets: list[Bench]) -> list[str]:
    header = ["preset", "students", "options", "in model", "variables", "constraints"]
    header += ["read s", "options s", "model s", "solve s", "limit s", "status", "peak RSS MiB"]
    rows = []
    for b in presets:
        x, st = b["extra_info"], b["extra_info"].get("stats", {})
        rows.append(
            [
                x["preset"],
                _n(x.get("students")),
                _n(st.get("options")),
                _n(st.get("options_in_model")),
                _n(st.get("variables")),
                _n(st.get("constraints")),
                _s(x.get("seconds_read")),
                _s(st.get("seconds_options")),
                _s(st.get("seconds_model")),
                _s(x.get("seconds_solve")),
                _s(x.get("time_limit_s")),
                str(x.get("status")) + (" (interrupted)" if x.get("interrupted") else ""),
                _n(x.get("peak_rss_mib")),
            ]
        )
    intro = (
        "One fresh process per preset reads the generated input directory (seed 0) and "
        "solves it with 2 workers. *solve s* is the whole `solve()` call (validation, "
        "options, model, every level); *options s* includes the validation; the peak "
        "RSS is that process's."
    )
    return ["## Presets", "", intro, "", *_table(header, rows)]


def level_section(presets: list[Bench]) -> list[str]:
    header = ["preset", "level", "value", "bound", "gap", "status", "seconds"]
    rows = []
    for b in presets:
        levels = b["extra_info"].get("levels", {})
        for name in LEVELS:
            if name in levels:
                lv = levels[name]
                gap = f"{100 * lv['gap']:.2f} %"
                row = [_n(lv["value"]), _n(lv["bound"]), gap, lv["status"], _s(lv["seconds"])]
                rows.append([b["extra_info"]["preset"], name, *row])
    intro = "The bound of *travel* is a lower bound, every other bound an upper bound."
    return ["## Levels", "", intro, "", *_table(header, rows)]


def _versus(optimiser: float, portal: float, better: str) -> str:
    """``optimiser / portal (+x %)``, the change from the portal to the optimiser."""
    if portal:
        change = f"{100 * (optimiser - portal) / portal:+.1f} %"
    else:
        change = "±0" if optimiser == portal else "new"
    mark = ""
    if (optimiser > portal and better == "max") or (optimiser < portal and better == "min"):
        mark = " ✓"
    return f"{_n(optimiser)} / {_n(portal)} ({change}){mark}"


def baseline_section(presets: list[Bench]) -> list[str]:
    header = ["preset", "orders", "coverage", "fairness", "interest", "travel min"]
    header.append("students short")
    rows = []
    for b in presets:
        x = b["extra_info"]
        portal, levels = x.get("portal"), x.get("levels", {})
        if not portal:
            continue
        rows.append(
            [
                x["preset"],
                str(portal["orders"]),
                _versus(levels["coverage"]["value"], portal["coverage"], "max"),
                _versus(levels["fairness"]["value"], portal["fairness"], "max"),
                _versus(levels["interest"]["value"], portal["interest"], "max"),
                _versus(levels["travel"]["value"], portal["travel"], "min"),
                _versus(x["students_short"], portal["students_short"], "min"),
            ]
        )
    intro = (
        "Each cell: optimiser / portal (mean over the arrival orders), and the "
        "optimiser's change against the portal; ✓ where the optimiser is better. "
        "The portal: students arrive in random order and book, date by date, the "
        "free place in the best field they have not used yet (`kaoa_match.baselines`). "
        "Travel is compared as it comes: more placements mean more minutes."
    )
    return ["## Optimiser against the portal", "", intro, "", *_table(header, rows)]


def rerun_section(reruns: list[Bench]) -> list[str]:
    header = ["preset", "published rows", "kept", "had to change", "coverage first / rerun"]
    header += ["first solve s", "rerun s", "rerun / first"]
    rows = []
    for b in reruns:
        x = b["extra_info"]
        first, again = x.get("seconds_first_solve"), x.get("seconds_rerun")
        ratio = f"{100 * again / first:.0f} %" if first and again is not None else "–"
        rows.append(
            [
                str(x.get("preset")),
                _n(x.get("published_rows")),
                _n(x.get("rows_kept")),
                f"≥ {_n(x.get('rows_that_had_to_change'))}",
                f"{_n(x.get('coverage_first'))} / {_n(x.get('coverage_rerun'))}",
                _s(first),
                _s(again),
                ratio,
            ]
        )
    intro = (
        "`benchmarks/test_rerun.py`: a solved Kreis one term later (5 % of the "
        "companies withdraw, 2 % of the students leave, 3 % arrive), its first plan "
        "published as `previous.csv`."
    )
    return ["## Rerun", "", intro, "", *_table(header, rows)]


def other_section(others: list[Bench]) -> list[str]:
    header = ["benchmark", "rounds", "mean s", "peak RSS MiB"]
    rows = [
        [
            f"`{b['name']}`",
            str(b["stats"]["rounds"]),
            f"{b['stats']['mean']:.2f}",
            _n(b.get("extra_info", {}).get("peak_rss_mib")),
        ]
        for b in others
    ]
    return ["## Other benchmarks", "", *_table(header, rows)]


# --- the targets -------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    target: str
    measured: str
    met: bool | None  # None: not measured in this run

    def row(self) -> list[str]:
        verdict = {True: "met", False: "**missed**", None: "not measured"}[self.met]
        return [self.target, self.measured, verdict]


def _closed(levels: dict[str, Any]) -> list[str]:
    return [name for name, lv in levels.items() if lv["status"] != "optimal"]


def _seconds_to(x: dict[str, Any], last: str) -> float:
    """Seconds from the start of ``solve()`` to the end of level ``last``."""
    stats, levels = x.get("stats", {}), x["levels"]
    total = float(stats.get("seconds_options", 0)) + float(stats.get("seconds_model", 0))
    for name in LEVELS:
        total += float(levels.get(name, {}).get("seconds", 0))
        if name == last:
            break
    return total


def _all_closed(x: dict[str, Any] | None, target: str, limit_s: float) -> Verdict:
    if x is None:
        return Verdict(target, "", None)
    open_levels = _closed(x["levels"])
    seconds = float(x["seconds_solve"])
    parts = [f"{seconds:.1f} s"]
    if open_levels:
        gaps = ", ".join(f"{n} {100 * x['levels'][n]['gap']:.2f} %" for n in open_levels)
        parts.append(f"open: {gaps}")
    else:
        parts.append("all levels closed")
    if seconds > limit_s:
        parts.append(f"{seconds - limit_s:.1f} s over")
    return Verdict(target, "; ".join(parts), not open_levels and seconds <= limit_s)


def _koeln(x: dict[str, Any] | None, target: str) -> Verdict:
    if x is None:
        return Verdict(target, "", None)
    levels = x["levels"]
    proven = [n for n in ("coverage", "fairness") if levels[n]["status"] != "optimal"]
    gap = float(levels["interest"]["gap"])
    seconds = _seconds_to(x, "interest")
    rss = float(x["peak_rss_mib"])
    ok = not proven and gap <= 0.01 and seconds <= 120 and rss <= KOELN_RSS_MIB
    parts = [
        "coverage, fairness proven" if not proven else f"not proven: {', '.join(proven)}",
        f"interest gap {100 * gap:.2f} %",
        f"{seconds:.1f} s to the end of interest",
        f"peak RSS {rss:,.0f} MiB",
    ]
    return Verdict(target, "; ".join(parts), ok)


def _rerun(x: dict[str, Any] | None, target: str) -> Verdict:
    if x is None:
        return Verdict(target, "", None)
    first, again = float(x["seconds_first_solve"]), float(x["seconds_rerun"])
    ratio = again / first if first else float("inf")
    measured = (
        f"{x.get('preset')}: {again:.1f} s against {first:.1f} s ({100 * ratio:.0f} %); "
        f"status first {x.get('status_first')}, rerun {x.get('status_rerun')}"
    )
    return Verdict(target, measured, ratio <= 0.5)


def target_section(presets: list[Bench], reruns: list[Bench]) -> list[str]:
    by_name = {b["extra_info"]["preset"]: b["extra_info"] for b in presets}
    rerun = reruns[0]["extra_info"] if reruns else None
    verdicts = [
        _all_closed(
            by_name.get("siegen-wittgenstein"),
            "siegen-wittgenstein BFE: all levels closed in ≤ 20 s",
            20,
        ),
        _koeln(
            by_name.get("koeln"),
            "koeln BFE: coverage and fairness proven, interest within 1 % of its bound "
            "in ≤ 120 s, peak RSS ≤ 4 GB",
        ),
        _all_closed(
            by_name.get("praktikum-2700"), "Praktikum 2,700: all levels closed in ≤ 30 s", 30
        ),
        _rerun(rerun, "a rerun takes ≤ 50 % of the time of the first solve"),
    ]
    intro = (
        "Times are those of the `solve()` call (reading is listed apart); for koeln, "
        "the time from the start of `solve()` to the end of the interest level. "
        "4 GB is read as 4·10⁹ bytes."
    )
    table = _table(["target (issue 6)", "measured", "verdict"], [v.row() for v in verdicts])
    return ["## Targets", "", intro, "", *table]


# --- putting it together ---------------------------------------------------------------


def render(data: dict[str, Any], notes: str) -> str:
    benches: list[Bench] = data.get("benchmarks", [])
    presets = [b for b in benches if b.get("extra_info", {}).get("suite") == "preset"]
    reruns = [b for b in benches if b["name"].startswith("test_rerun")]
    others = [b for b in benches if b not in presets and b not in reruns]
    lines = [
        "# Benchmark results",
        "",
        "Written by `python benchmarks/results.py` from "
        "`pytest benchmarks/ --benchmark-json=benchmarks/results.json`; do not edit "
        f"above *{NOTES[3:]}*.",
        "",
    ]
    for section in (
        machine_section(data),
        target_section(presets, reruns),
        preset_section(presets),
        level_section(presets),
        baseline_section(presets),
        rerun_section(reruns),
        other_section(others),
    ):
        lines += [*section, ""]
    return "\n".join(lines) + "\n" + notes


def kept_notes(path: Path) -> str:
    """The ``## Notes`` section of an earlier RESULTS.md, or a placeholder."""
    if path.exists():
        text = path.read_text(encoding="utf-8")
        at = text.find(f"\n{NOTES}")
        if at >= 0:
            return text[at + 1 :]
    return _DEFAULT_NOTES


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, default=HERE / "results.json")
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args(argv)
    data = json.loads(args.json.read_text(encoding="utf-8"))
    text = render(data, kept_notes(args.out))
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({dt.datetime.now():%Y-%m-%d %H:%M})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
