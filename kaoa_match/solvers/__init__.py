"""The CP-SAT model: variables, hard rules, objectives, lexicographic levels.

``solve`` is imported on first use, so that ``kaoa_match.plan`` can read the
catalogue of levels (``solvers/levels.py``) without importing the solver.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kaoa_match.solvers.pipeline import solve

__all__ = ["solve"]


def __getattr__(name: str) -> object:
    if name == "solve":
        from kaoa_match.solvers.pipeline import solve

        globals()["solve"] = solve
        return solve
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
