"""The German catalogue: complete, compiled, and used.

Every text the code marks for translation (``_``/``ngettext``) has a German
translation with the same ``{placeholders}``, and the shipped ``.mo`` is the
compiled ``.po`` (a stale ``.mo`` would show planners old or English texts).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from babel.messages import mofile, pofile
from babel.messages.extract import extract_from_dir

from kaoa_match.i18n import LOCALE_DIR, _, current_language, date_text, language, ngettext

PACKAGE = Path(__file__).resolve().parents[1] / "kaoa_match"
PO = LOCALE_DIR / "de" / "LC_MESSAGES" / "kaoa_match.po"
PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}")


def _catalogue():  # type: ignore[no-untyped-def]
    with PO.open("rb") as f:
        return pofile.read_po(f, locale="de")


def _marked() -> set[str | tuple[str, str]]:
    """Every msgid the package's code marks (a plural as (singular, plural))."""
    found: set[str | tuple[str, str]] = set()
    method_map = [("**.py", "python")]
    for _name, _line, message, _comments, _context in extract_from_dir(
        str(PACKAGE), method_map=method_map
    ):
        found.add(message if isinstance(message, str) else (message[0], message[1]))
    return found


def test_every_marked_text_has_a_german_translation_with_the_same_placeholders() -> None:
    catalogue = _catalogue()
    missing, mismatched = [], []
    for message in _marked():
        key = message[0] if isinstance(message, tuple) else message
        entry = catalogue.get(key)
        translations = (
            []
            if entry is None
            else (list(entry.string) if isinstance(entry.string, tuple) else [entry.string])
        )
        if entry is None or entry.fuzzy or not all(translations):
            missing.append(key)
            continue
        wanted = set(PLACEHOLDER.findall(key))
        mismatched += [t for t in translations if set(PLACEHOLDER.findall(t)) != wanted]
    assert not missing, f"no German text for: {sorted(missing)[:10]}"
    assert not mismatched, f"placeholders differ from the English text: {mismatched[:10]}"


def test_the_shipped_mo_is_the_compiled_po() -> None:
    compiled = io.BytesIO()
    mofile.write_mo(compiled, _catalogue())
    shipped = (PO.with_suffix(".mo")).read_bytes()
    assert shipped == compiled.getvalue(), (
        "kaoa_match.mo is stale: run pybabel compile -d kaoa_match/locale -D kaoa_match"
    )


def test_language_switches_texts_for_a_block_only() -> None:
    entries = [m for m in _catalogue() if m.id]
    single = next(m for m in entries if isinstance(m.id, str))
    plural = next(m for m in entries if isinstance(m.id, tuple))
    assert current_language() == "en"  # the tests' default (conftest.py)
    with language("de"):
        assert current_language() == "de"
        assert _(single.id) == single.string != single.id
        assert ngettext(*plural.id, 1) == plural.string[0]
        assert ngettext(*plural.id, 2) == plural.string[1]
    assert _(single.id) == single.id
    assert ngettext(*plural.id, 2) == plural.id[1]


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="de, en"), language("fr"):  # type: ignore[arg-type]
        pass


def test_dates_read_as_the_workbook_shows_them() -> None:
    assert date_text(dt.date(2026, 11, 3)) == "03.11.2026"
