"""Shared pytest set-up.

``HYPOTHESIS_PROFILE=ci`` runs the property tests derandomised, so CI sees the
same examples on every run; the default profile explores new ones each time.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

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
