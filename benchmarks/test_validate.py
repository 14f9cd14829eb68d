"""Benchmarks of reading + validating an input directory and of eligibility.

Run with ``pytest benchmarks/test_validate.py``. Each benchmark records the
process's peak resident set size (MiB) in ``extra_info``; run one preset
alone (``-k koeln``) to read the peak of that preset only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from kaoa_match.io.read import check_dir
from kaoa_match.options import build_options

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from pytest_benchmark.fixture import BenchmarkFixture

    from kaoa_match.model import Problem

# Preset -> (students, timed rounds). Smallest first, so the peak RSS read
# after the small preset is not the large one's. The large Kreis gets one
# round: a single run takes seconds and varies little.
PRESETS = {"kreis-olpe": (1300, 3), "koeln": (10000, 1)}


@pytest.fixture(params=list(PRESETS), scope="module")
def preset(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def problem(preset: str, preset_dir: Callable[[str], Path]) -> Problem:
    found, _ = check_dir(preset_dir(preset))
    return found


def test_check_dir(
    benchmark: BenchmarkFixture,
    preset: str,
    preset_dir: Callable[[str], Path],
    peak_rss_mib: Callable[[], float],
) -> None:
    """Read every CSV file of the preset and run all checks across files."""
    directory = preset_dir(preset)
    students, rounds = PRESETS[preset]
    found, warnings = benchmark.pedantic(
        check_dir, args=(directory,), rounds=rounds, iterations=1, warmup_rounds=0
    )
    benchmark.extra_info["peak_rss_mib"] = peak_rss_mib()
    benchmark.extra_info["students"] = len(found.students)
    benchmark.extra_info["offers"] = len(found.offers)
    assert len(found.students) == students
    assert warnings == []


def test_build_options(
    benchmark: BenchmarkFixture,
    preset: str,
    problem: Problem,
    peak_rss_mib: Callable[[], float],
) -> None:
    """Every (student, offer, day or block) that obeys the hard rules."""
    _, rounds = PRESETS[preset]
    options = benchmark.pedantic(
        build_options, args=(problem,), rounds=rounds, iterations=1, warmup_rounds=0
    )
    benchmark.extra_info["peak_rss_mib"] = peak_rss_mib()
    benchmark.extra_info["options"] = len(options)
    assert len(options) > 0
    # Every student needs BFE days in these presets (grade-8 cohorts only).
    assert min(options.bfe_needed) > 0
