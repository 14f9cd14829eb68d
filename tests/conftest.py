"""Shared pytest set-up.

``HYPOTHESIS_PROFILE=ci`` runs the property tests derandomised, so CI sees the
same examples on every run; the default profile explores new ones each time.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import settings

from kaoa_match.i18n import language

if TYPE_CHECKING:
    from collections.abc import Iterator

settings.register_profile("ci", derandomize=True, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(autouse=True, scope="session")
def _english_texts() -> Iterator[None]:
    """The tests read the English texts unless they ask for German
    (``language("de")``, ``--lang de``); planners get German by default."""
    os.environ["KAOA_MATCH_LANG"] = "en"  # the command line's default, also in subprocesses
    with language("en"):
        yield


# --------------------------------------------------------------------------
# Browser tests: Playwright (pytest-playwright) driving Debian's Chromium,
# which .ci/run installs; Playwright's own browser download is not used.

CHROMIUM = Path("/usr/bin/chromium")
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian's chromium is not installed (/usr/bin/chromium); .ci/run installs it",
)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    """pytest-playwright's launch arguments: Debian's Chromium, headless."""
    return {"executable_path": str(CHROMIUM), "headless": True, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args() -> dict[str, Any]:
    """pytest-playwright's page settings: a laptop's window, German, downloads kept."""
    return {
        "viewport": {"width": 1200, "height": 900},
        "locale": "de-DE",
        "accept_downloads": True,
    }
