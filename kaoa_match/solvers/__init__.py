"""The CP-SAT model: variables, hard rules, objectives, lexicographic levels."""

from kaoa_match.solvers.solve import solve

__all__ = ["solve"]
