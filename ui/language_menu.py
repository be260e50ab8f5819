"""Settings → Language: pick Korean, English or the system's language; it applies at restart.

The panes read their texts when they are built, so a new language takes effect when the app
starts again. The choice is saved at once and the user is told so plainly, with an offer to
restart now (the usual unsaved-changes prompt still guards the open project).
"""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QProcess, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from ui.i18n_qt import language_choices
from ui.preferences import Preferences, save_preferences
from workbench.i18n import ENV_VAR, _, current_language, normalize_language


def language_label(value: str) -> str:
    """A language preference (``""``, ``ko``, ``en``) as the menu shows it."""
    return dict(language_choices()).get(value, value)


def restart_note(value: str) -> str:
    """What the user is told after choosing a language."""
    return _(
        "Workbench will use {language} from the next start. The open project and its results "
        "stay exactly as they are; only the words change."
    ).format(language=language_label(value))


def restart_arguments() -> list[str]:
    """The command line that starts this app again (the frozen exe, or Python + script)."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    return [sys.executable, "-m", "ui.entry"]


class LanguageMenu(QMenu):
    """A menu of languages with the saved preference checked."""

    restart_requested = Signal()

    def __init__(self, prefs: Preferences, parent: QWidget | None = None) -> None:
        super().__init__(_("&Language"), parent)
        self.prefs = prefs
        self.group = QActionGroup(self)
        self.group.setExclusive(True)
        self.actions_by_value: dict[str, QAction] = {}
        for value, label in language_choices():
            action = self.addAction(label)
            action.setCheckable(True)
            action.setChecked(value == prefs.language)
            action.setData(value)
            self.group.addAction(action)
            self.actions_by_value[value] = action
            action.triggered.connect(lambda _checked=False, v=value: self._on_chosen(v))

    def _on_chosen(self, value: str) -> None:
        if self.choose(value):
            self.restart_requested.emit()

    def choose(self, value: str) -> bool:
        """Save ``value`` as the language; returns True when the user asked to restart now."""
        if value == self.prefs.language:
            return False
        self.prefs.language = value
        save_preferences(self.prefs)
        self.actions_by_value[value].setChecked(True)
        wanted = normalize_language(value) or current_language()
        if normalize_language(os.environ.get(ENV_VAR)):
            # --lang (or WORKBENCH_LANG) wins over the preference for this run.
            text = (
                restart_note(value)
                + " "
                + _(
                    "This window was started with a fixed language (--lang), which wins until it "
                    "is started without it."
                )
            )
            QMessageBox.information(self.parentWidget(), _("Language"), text)
            return False
        if wanted == current_language():
            return False
        return self._offer_restart(value)

    def _offer_restart(self, value: str) -> bool:
        box = QMessageBox(self.parentWidget())
        box.setIcon(QMessageBox.Icon.Information)
        box.setWindowTitle(_("Language"))
        box.setText(restart_note(value))
        restart = box.addButton(_("Restart now"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(_("Later"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(restart)
        box.exec()
        return box.clickedButton() is restart


def start_again(project_path: str | None) -> bool:
    """Start a new Workbench process, opening ``project_path`` when given."""
    args = restart_arguments()
    if project_path:
        args.append(project_path)
    return bool(QProcess.startDetached(args[0], args[1:]))
