"""Qt's own texts (dialog buttons, file dialogs, context menus) in the app's language.

Workbench's texts come from the gettext catalog (:mod:`workbench.i18n`); Qt's built-in
dialogs ("Save", "Cancel", "Look in:") come from Qt's catalog ``qtbase_<lang>.qm``, shipped
with PySide6 and bundled under ``resources/translations`` in the frozen build.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QTranslator

from workbench.i18n import ENV_VAR, _, normalize_language, set_language, system_language

#: Qt catalogs to load for a language, most important first.
QT_CATALOGS = ("qtbase",)
_PROPERTY = "_workbench_qt_translators"  # keeps the installed translators alive and removable


def qt_translation_dirs() -> list[Path]:
    """Folders that may hold Qt's .qm files: the frozen bundle's, the repo's, PySide6's."""
    dirs: list[Path] = []
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:  # PyInstaller
        dirs.append(Path(bundle) / "resources" / "translations")
    dirs.append(Path(__file__).resolve().parent.parent / "resources" / "translations")
    dirs.append(Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)))
    return [d for d in dirs if d.is_dir()]


def install_qt_translations(app: QCoreApplication, language: str) -> list[QTranslator]:
    """Install Qt's own catalogs for ``language`` on ``app`` (replacing earlier ones).

    English needs none. Returns the translators installed (empty when none was found: Qt
    then shows its built-in English, which is never an error).
    """
    for old in getattr(app, _PROPERTY, []):
        app.removeTranslator(old)
    installed: list[QTranslator] = []
    lang = normalize_language(language) or "en"
    if lang != "en":
        for catalog in QT_CATALOGS:
            for folder in qt_translation_dirs():
                translator = QTranslator(app)
                if translator.load(f"{catalog}_{lang}", str(folder)):
                    app.installTranslator(translator)
                    installed.append(translator)
                    break
    setattr(app, _PROPERTY, installed)
    return installed


def choose_language(preference: str = "") -> str:
    """The app's language: WORKBENCH_LANG (also set by ``--lang``), the preference, the system."""
    return (
        normalize_language(os.environ.get(ENV_VAR))
        or normalize_language(preference)
        or system_language()
    )


def apply_language(app: QCoreApplication, preference: str = "") -> str:
    """Switch the gettext catalog and Qt's own catalog; returns the language now used.

    Call it before the panes are built: their texts are read when they are created, so a
    change of the language preference takes effect at the next start.
    """
    language = set_language(choose_language(preference))
    install_qt_translations(app, language)
    return language


def language_choices() -> list[tuple[str, str]]:
    """(preference value, label) for a language menu; each language named in itself."""
    return [("", _("Same as the system")), ("ko", "한국어"), ("en", "English")]


def restart_note() -> str:
    """What to tell the user after the language preference changed."""
    return _(
        "The new language is used the next time Workbench starts; "
        "your projects and results stay the same."
    )
