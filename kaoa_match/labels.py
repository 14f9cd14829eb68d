"""Words for values of the plan's files, as the report and ``plan.xlsx`` show them.

The files keep the contract's values (``bfe``, ``optimal``, ``coverage``);
planners read them in the current language (:mod:`kaoa_match.i18n`). An
unknown value is shown as it is.
"""

from __future__ import annotations

from kaoa_match.i18n import _

__all__ = ["kind_text", "level_text", "status_text"]


def kind_text(kind: str) -> str:
    """``BFE`` or ``Praktikum`` for the ``kind`` of a row."""
    words = {"bfe": _("BFE"), "praktikum": _("Praktikum")}
    return words.get(kind, kind)


def status_text(status: str) -> str:
    """A plan's or a level's status (``optimal``, ``feasible``, ...) in words."""
    words = {
        "optimal": _("optimal"),
        "feasible": _("feasible"),
        "infeasible": _("infeasible"),
        "unknown": _("unknown"),
        "recounted": _("recounted"),
    }
    return words.get(status, status)


def level_text(level: str) -> str:
    """The name of an objective level (``coverage``, ``travel``, ...) in words."""
    words = {
        "coverage": _("coverage"),
        "stability": _("stability"),
        "fairness": _("fairness"),
        "wishes": _("wishes"),
        "interest": _("interest"),
        "travel": _("travel"),
        "together": _("together"),
    }
    return words.get(level, level)
