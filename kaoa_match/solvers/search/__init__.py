"""The search: the lexicographic loop over the levels, and CP-SAT settings."""
