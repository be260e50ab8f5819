"""One gettext catalog for every user-visible string (core wording, panes, report, CLI).

Use ``_("text")`` for a sentence and ``ngettext(singular, plural, n)`` for counts, with
named placeholders (``_("{n} rows").format(n=3)``) so translators can reorder words.
"""

from __future__ import annotations

import gettext
from pathlib import Path

DOMAIN = "workbench"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "resources" / "locale"

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def set_language(language: str) -> None:
    """Switch the catalog (``"en"`` or ``"ko"``); unknown languages fall back to English."""
    global _translation, _language
    _translation = gettext.translation(
        DOMAIN, localedir=str(LOCALE_DIR), languages=[language], fallback=True
    )
    _language = language


def current_language() -> str:
    return _language


def _(message: str) -> str:
    """Translate ``message`` into the current language."""
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message whose form depends on the count ``n``."""
    return _translation.ngettext(singular, plural, n)


def N_(message: str) -> str:  # noqa: N802 - gettext convention
    """Mark ``message`` for translation without translating it now."""
    return message
