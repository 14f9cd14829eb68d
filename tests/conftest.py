"""Shared pytest set-up.

``HYPOTHESIS_PROFILE=ci`` runs the property tests derandomised, so CI sees the
same examples on every run; the default profile explores new ones each time.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
