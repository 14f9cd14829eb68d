"""What planners and schools read, in German (the default) or English.

One gettext catalogue (``kaoa_match/locale/de/LC_MESSAGES/kaoa_match.po``,
compiled to ``.mo`` beside it) holds every planner-facing text: the report, the
class lists of ``plan.xlsx``, the reasons in ``unassigned.csv`` and
``changes.csv``, ``explain`` and ``recommend``. The source strings in the code
are English, so English needs no catalogue.

The language is a context variable, not a global: :func:`language` sets it for
a block (the command line sets it once per command, the web server per request)
and every text made inside the block follows it. Dates in these texts are
``TT.MM.JJJJ`` in both languages, as the workbook's cells show them.

Maintainers: ``pybabel extract -F babel.cfg -o kaoa_match/locale/kaoa_match.pot .``,
``pybabel update -i kaoa_match/locale/kaoa_match.pot -d kaoa_match/locale -D kaoa_match``,
translate, then ``pybabel compile -d kaoa_match/locale -D kaoa_match``
(``tests/test_i18n.py`` fails while a text has no translation or the ``.mo`` is stale).
"""

from __future__ import annotations

import gettext
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal, get_args

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterator

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "Language",
    "_",
    "current_language",
    "date_text",
    "language",
    "ngettext",
    "span_text",
]

Language = Literal["de", "en"]
LANGUAGES: tuple[Language, ...] = get_args(Language)
DEFAULT_LANGUAGE: Language = "de"
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "kaoa_match"

_current: ContextVar[Language] = ContextVar("kaoa_match_language", default=DEFAULT_LANGUAGE)


@cache
def _catalogue(lang: Language) -> gettext.NullTranslations:
    if lang == "en":
        return gettext.NullTranslations()  # the code's own strings
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang])


def _(message: str) -> str:
    """``message`` in the current language."""
    return _catalogue(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """``singular`` or ``plural`` by ``n``, in the current language."""
    return _catalogue(_current.get()).ngettext(singular, plural, n)


def current_language() -> Language:
    return _current.get()


@contextmanager
def language(lang: Language) -> Iterator[None]:
    """Texts made inside the block are in ``lang``."""
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {lang!r}")
    token = _current.set(lang)
    try:
        yield
    finally:
        _current.reset(token)


def date_text(day: dt.date) -> str:
    """``03.11.2026``: a date as the workbook's cells and German letters show it."""
    return day.strftime("%d.%m.%Y")


def span_text(first: dt.date, last: dt.date) -> str:
    """``03.11.2026`` for a day, ``11.01.2027 to 22.01.2027`` (``bis``) for a block."""
    if first == last:
        return date_text(first)
    return _("{first} to {last}").format(first=date_text(first), last=date_text(last))
