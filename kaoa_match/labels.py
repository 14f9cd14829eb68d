"""Words for values of the plan's files, as the report and ``plan.xlsx`` show them.

The files keep the contract's values (``bfe``, ``optimal``, ``coverage``);
planners read them in the current language (:mod:`kaoa_match.i18n`). An
unknown value is shown as it is.
"""

from __future__ import annotations

from kaoa_match.i18n import _

__all__ = [
    "kind_text",
    "level_text",
    "status_text",
    "weekday_list",
    "weekday_rank",
    "weekday_text",
    "weekdays_text",
]

_WEEKDAY_ORDER = ("mo", "di", "mi", "do", "fr")


def kind_text(kind: str) -> str:
    """``BFE``, ``Praktikum``, ``Praxiskurs`` or ``Langzeitpraktikum`` for the ``kind`` of a row."""
    words = {
        "bfe": _("BFE"),
        "praktikum": _("Praktikum"),
        "praxiskurs": _("Praxiskurs"),
        "langzeit": _("Langzeitpraktikum"),
    }
    return words.get(kind, kind)


def weekday_text(day: str) -> str:
    """The name of a weekday as a ``weekdays`` cell writes it (``di`` -> Tuesday)."""
    words = {
        "mo": _("Monday"),
        "di": _("Tuesday"),
        "mi": _("Wednesday"),
        "do": _("Thursday"),
        "fr": _("Friday"),
    }
    return words.get(day, day)


def weekday_list(cell: object) -> list[str]:
    """The weekdays of a plan's ``weekdays`` cell (``di|do``), Monday first;
    none for an empty or missing cell (every kind but the Langzeitpraktikum)."""
    if not isinstance(cell, str):
        return []
    days = [d.strip() for d in cell.split("|") if d.strip()]
    return sorted(days, key=weekday_rank)


def weekday_rank(day: str) -> int:
    """0 for Monday to 4 for Friday; an unknown day after them."""
    return _WEEKDAY_ORDER.index(day) if day in _WEEKDAY_ORDER else len(_WEEKDAY_ORDER)


def weekdays_text(cell: object) -> str:
    """A ``weekdays`` cell (``di|do``) as names, Monday first (``Tuesday, Thursday``)."""
    return ", ".join(weekday_text(d) for d in weekday_list(cell))


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
