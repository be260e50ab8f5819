"""File → Apply to new data… and File → What changed since the last analysis.

A mixin of :class:`ui.app_window.WorkbenchWindow` (kept apart so the window's module stays
short): it asks for the file and opens :class:`ui.apply_dialog.ApplyDialog`, which does the rest.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog

from ui import rerun_text as t
from ui.app_jobs import DATA_SUFFIXES
from workbench.i18n import _

if TYPE_CHECKING:
    from ui.app_window import WorkbenchWindow
    from ui.apply_dialog import ApplyDialog

    _Base = WorkbenchWindow
else:
    _Base = object


class ApplyToNewData(_Base):
    """Re-apply the open project to a new file, or show its last re-application."""

    apply_dialog: ApplyDialog | None = None

    def apply_to_new_data(self, path: str | Path | None = None) -> None:
        """Ask for the new file (when ``path`` is None) and re-apply the project to it."""
        from ui.apply_dialog import open_apply_dialog

        if path is None:
            patterns = " ".join(f"*{s}" for s in DATA_SUFFIXES)
            chosen, _filter = QFileDialog.getOpenFileName(
                self,
                _(t.CHOOSE_FILE),
                str(self.default_folder()),
                _("Data files ({patterns})").format(patterns=patterns),
            )
            if not chosen:
                return
            path = chosen
        self.apply_dialog = open_apply_dialog(self.controller, self, path, self.apply_dialog)

    def show_what_changed(self) -> None:
        """The project's last re-application, as kept in the project file."""
        from ui.apply_dialog import open_apply_dialog

        self.apply_dialog = open_apply_dialog(self.controller, self, None, self.apply_dialog)
