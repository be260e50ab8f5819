"""One gettext catalog for every user-visible string (core wording, panes, report, CLI).

Use ``_("text")`` for a sentence and ``ngettext(singular, plural, n)`` for counts, with
named placeholders (``_("{n} rows").format(n=3)``) so translators can reorder words.
Catalogs live in ``resources/locale/<lang>/LC_MESSAGES/workbench.mo`` (built from the ``.po``
by ``python -m workbench.i18n_catalog compile``). The language only changes wording: data,
results and project files are the same in every language.
"""

from __future__ import annotations

import gettext
import locale
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

DOMAIN = "workbench"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "resources" / "locale"
#: The languages with a catalog; anything else is shown in English.
LANGUAGES = ("en", "ko")
#: Environment variable that picks the language when no ``--lang`` is given.
ENV_VAR = "WORKBENCH_LANG"
_LANG_ID_KOREAN = 0x12  # primary language id of Windows LANGIDs 0x0412 (ko-KR)

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def normalize_language(text: str | None) -> str:
    """``"ko"`` or ``"en"`` for a locale name (``ko_KR.UTF-8``, ``Korean_Korea.949``, ``ko-KR``).

    Returns ``""`` when ``text`` is empty; unknown languages give ``"en"``.
    """
    if not text or not text.strip():
        return ""
    low = text.strip().lower().replace("-", "_")
    if low.startswith(("ko_", "korean")) or low in ("ko", "kor"):
        return "ko"
    return "en"


def _windows_ui_language() -> str:
    """The Windows display language (``GetUserDefaultUILanguage``), ``""`` elsewhere."""
    if sys.platform != "win32":
        return ""
    try:
        import ctypes

        # windll exists on Windows only; mypy run elsewhere sees the branch as unreachable
        windll = ctypes.windll  # type: ignore[attr-defined,unused-ignore]
        lang_id = int(windll.kernel32.GetUserDefaultUILanguage())
    except (AttributeError, OSError, ValueError):
        return ""
    return "ko" if lang_id & 0x3FF == _LANG_ID_KOREAN else "en"


def system_language() -> str:
    """The user's language from the system: Windows UI language, then LANG & co, then locale."""
    found = _windows_ui_language()
    if found:
        return found
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        # LANGUAGE may hold a list ("ko:en"); the first entry is the user's choice.
        value = value.split(":")[0]
        if value and value not in ("C", "POSIX") and not value.startswith("C."):
            return normalize_language(value)
    try:
        found = normalize_language(locale.getlocale()[0])
    except ValueError:
        found = ""
    return found or "en"


def resolve_language(explicit: str | None = None) -> str:
    """The language to use: ``explicit`` (``--lang``, a preference), ``WORKBENCH_LANG``, system."""
    return (
        normalize_language(explicit)
        or normalize_language(os.environ.get(ENV_VAR))
        or system_language()
    )


def set_language(language: str | None) -> str:
    """Switch the catalog; returns the language now used (unknown ones fall back to English).

    ``None`` or ``""`` follows :func:`resolve_language` (the environment, then the system).
    Texts already built keep their language: re-create them after a switch.
    """
    global _translation, _language
    lang = normalize_language(language) or resolve_language(None)
    if lang == "en":
        _translation = gettext.NullTranslations()
    else:
        _translation = gettext.translation(
            DOMAIN, localedir=str(LOCALE_DIR), languages=[lang], fallback=True
        )
    _language = lang
    return lang


def current_language() -> str:
    """The language of the catalog in use (``"en"`` or ``"ko"``)."""
    return _language


def _(message: str) -> str:
    """Translate ``message`` into the current language."""
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message whose form depends on the count ``n`` (Korean has one form)."""
    return _translation.ngettext(singular, plural, n)


def N_(message: str) -> str:  # noqa: N802 - gettext convention
    """Mark ``message`` for translation without translating it now."""
    return message


class Said(str):
    """A translated sentence that remembers how to say itself again in another language.

    Saved results keep :attr:`recipe` (the English text, its count and its values) beside
    the sentence, so a project written in English reads in Korean when reopened.
    """

    recipe: dict[str, Any]


def _said(text: str, recipe: dict[str, Any]) -> Said:
    out = Said(text)
    out.recipe = recipe
    return out


def _plain_param(value: Any) -> Any:
    if isinstance(value, Said):
        return {"said": value.recipe}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def say(message: str, /, **params: Any) -> Said:
    """``_(message).format(**params)`` that can be said again later (see :func:`say_again`)."""
    recipe = {"msgid": message, "params": {k: _plain_param(v) for k, v in params.items()}}
    return _said(_(message).format(**params), recipe)


def say_n(singular: str, plural: str, count: int, /, **params: Any) -> Said:
    """:func:`say` for a sentence whose form depends on ``count``."""
    recipe = {
        "msgid": singular,
        "plural": plural,
        "n": int(count),
        "params": {k: _plain_param(v) for k, v in params.items()},
    }
    return _said(ngettext(singular, plural, int(count)).format(**params), recipe)


def say_join(parts: Sequence[str], sep: str = " ") -> Said:
    """Sentences (or list items) joined with ``sep``, each said again on its own later."""
    recipes = [p.recipe if isinstance(p, Said) else {"text": str(p)} for p in parts]
    return _said(sep.join(parts), {"join": recipes, "sep": sep})


def say_again(recipe: dict[str, Any]) -> Said:
    """The sentence of ``recipe`` (from :attr:`Said.recipe`) in the current language.

    Raises KeyError/TypeError/ValueError for a recipe that does not fit; callers keep the
    saved text then."""
    if "join" in recipe:
        return say_join([say_again(r) for r in recipe["join"]], str(recipe.get("sep", " ")))
    if "text" in recipe:  # a fixed text (a name, a value): the same in every language
        return _said(str(recipe["text"]), recipe)
    params = {
        k: say_again(v["said"]) if isinstance(v, dict) else v
        for k, v in dict(recipe.get("params") or {}).items()
    }
    if "plural" in recipe:
        return say_n(str(recipe["msgid"]), str(recipe["plural"]), int(recipe["n"]), **params)
    return say(str(recipe["msgid"]), **params)


#: argparse's own texts (usage line, headings, errors) read from this catalog too, after
#: :func:`translate_argparse`; listed here so the extractor keeps them in the catalog.
ARGPARSE_TEXTS = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("invalid %(type)s value: %(value)r"),
    N_("expected one argument"),
    N_("expected at least one argument"),
    N_("expected at most one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("not allowed with argument %s"),
    N_("one of the arguments %s is required"),
    N_("ignored explicit argument %r"),
    N_("can't open '%(filename)s': %(error)s"),
)


def translate_argparse() -> None:
    """Let argparse's usage, headings and errors follow the current language.

    argparse looks its texts up through its module-level ``_``/``ngettext`` at call time;
    pointing them at this catalog is harmless in English (the texts come back unchanged).
    """
    import argparse

    argparse._ = _  # type: ignore[attr-defined]
    argparse.ngettext = ngettext  # type: ignore[attr-defined]
