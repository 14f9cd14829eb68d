"""Shared set-up of the benchmark suites: generated Kreise and memory readings.

Benchmarks run only on demand (``pytest benchmarks/``); the normal test run
collects ``tests/`` alone. Instances are generated once per session from the
generator presets with seed 0, so every run measures the same input.
"""

from __future__ import annotations

import resource
import sys
from typing import TYPE_CHECKING

import pytest

from benchmarks.results import machine_facts
from kaoa_match.generate import generate_to_dir

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

SEED = 0


def pytest_benchmark_update_machine_info(
    config: pytest.Config, machine_info: dict[str, object]
) -> None:
    """CPU model, cores, RAM and versions, for the machine table of RESULTS.md."""
    machine_info["kaoa"] = machine_facts()


@pytest.fixture(scope="session")
def preset_dir(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """A function: preset name -> input directory of that preset (seed 0).

    Each preset is generated at most once per session.
    """
    made: dict[str, Path] = {}

    def get(preset: str) -> Path:
        if preset not in made:
            out = tmp_path_factory.mktemp("instances") / preset
            generate_to_dir(out, preset, seed=SEED)
            made[preset] = out
        return made[preset]

    return get


@pytest.fixture(scope="session")
def peak_rss_mib() -> Callable[[], float]:
    """A function: the peak resident set size of this process so far, in MiB.

    The peak never goes down during a session, so a reading taken after a
    benchmark is an upper bound on what that benchmark needed.
    """
    return _peak_rss_mib


def _peak_rss_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports KiB, macOS bytes.
    per_mib = 1024 * 1024 if sys.platform == "darwin" else 1024
    return round(peak / per_mib, 1)
