"""Contract version 2's order of the levels, for tests about something else.

A tolerance (the default holds interest within 1 %) lets the levels below it
choose among many plans: a test that compares exact values across solves
(decomposed against one model, a process pool against Ray) or expects every
level proven at its bound gives its problem this order, every level held
exactly, as the planner's priorities.
"""

from __future__ import annotations

from kaoa_match.model import Priority, Problem

V2_ORDER = ("coverage", "stability", "fairness", "wishes", "interest", "travel", "together")


def v2_priorities() -> tuple[Priority, ...]:
    """Version 2's order, every tolerance 0."""
    return tuple(Priority(level=name) for name in V2_ORDER)  # type: ignore[arg-type]


def in_v2_order(problem: Problem) -> Problem:
    """``problem`` with version 2's order as its priorities."""
    return problem.model_copy(update={"priorities": v2_priorities()})
