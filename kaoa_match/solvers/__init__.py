"""The CP-SAT model: variables, hard rules, objectives, lexicographic levels."""

from kaoa_match.solvers.pipeline import solve

__all__ = ["solve"]
