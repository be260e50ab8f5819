"""About Workbench: version, licenses of the bundled components, where the user's files live."""

from __future__ import annotations

import sys
from html import escape

from PySide6 import __version__ as pyside_version
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from workbench import __version__
from workbench.i18n import _
from workbench.paths import user_data_dir

#: (component, license, what it does here). Names and licenses are not translated.
COMPONENTS: tuple[tuple[str, str, str], ...] = (
    ("Qt / PySide6", "LGPL-3.0", "window, widgets and dialogs"),
    ("pyqtgraph", "MIT", "plots"),
    ("LightGBM", "MIT", "the model"),
    ("SHAP", "MIT", "explanations"),
    ("hdbscan", "BSD-3-Clause", "cause groups"),
    ("scikit-learn", "BSD-3-Clause", "validation and clustering helpers"),
    ("pandas", "BSD-3-Clause", "tables"),
    ("NumPy", "BSD-3-Clause", "numbers"),
    ("SciPy", "BSD-3-Clause", "statistics"),
    ("pyarrow", "Apache-2.0", "fast file reading and project snapshots"),
    ("openpyxl", "MIT", "Excel reports and .xlsx reading"),
    ("fastexcel / calamine", "MIT", "fast Excel reading"),
    ("platformdirs", "MIT", "the per-user folders"),
)


def _what(purpose: str) -> str:
    # The purposes are short labels; kept in one table so a catalog can translate each one.
    labels = {
        "window, widgets and dialogs": _("window, widgets and dialogs"),
        "plots": _("plots"),
        "the model": _("the model"),
        "explanations": _("explanations"),
        "cause groups": _("cause groups"),
        "validation and clustering helpers": _("validation and clustering helpers"),
        "tables": _("tables"),
        "numbers": _("numbers"),
        "statistics": _("statistics"),
        "fast file reading and project snapshots": _("fast file reading and project snapshots"),
        "Excel reports and .xlsx reading": _("Excel reports and .xlsx reading"),
        "fast Excel reading": _("fast Excel reading"),
        "the per-user folders": _("the per-user folders"),
    }
    return labels.get(purpose, purpose)


def about_html() -> str:
    """The dialog's text as simple HTML (also handy for tests)."""
    home = user_data_dir()
    rows = "".join(
        f"<tr><td>{escape(name)}</td><td>{escape(lic)}</td><td>{escape(_what(what))}</td></tr>"
        for name, lic, what in COMPONENTS
    )
    parts = [
        "<h2>" + escape(_("Workbench {version}").format(version=__version__)) + "</h2>",
        "<p>"
        + escape(
            _("From plant data to tested improvements: goal, quality, model, causes, actions.")
        )
        + "</p>",
        "<p>"
        + escape(
            _("Python {python}, Qt for Python (PySide6) {pyside}.").format(
                python=sys.version.split()[0], pyside=pyside_version
            )
        )
        + "</p>",
        "<h3>" + escape(_("Where your files are kept")) + "</h3><ul>",
        "<li>"
        + escape(_("Autosave copies of unsaved work: {folder}").format(folder=home / "autosave"))
        + "</li>",
        "<li>"
        + escape(
            _("Experiment library (actions tried and their outcomes): {folder}").format(
                folder=home / "library"
            )
        )
        + "</li>",
        "<li>"
        + escape(_("Preferences and recent files: {file}").format(file=home / "preferences.json"))
        + "</li>",
        "<li>" + escape(_("Logs: {folder}").format(folder=home / "logs")) + "</li></ul>",
        "<h3>" + escape(_("Bundled components and their licenses")) + "</h3>",
        "<table cellspacing='0' cellpadding='3'><tr><th align='left'>"
        + escape(_("Component"))
        + "</th><th align='left'>"
        + escape(_("License"))
        + "</th><th align='left'>"
        + escape(_("Used for"))
        + "</th></tr>"
        + rows
        + "</table>",
        "<h3>" + escape(_("Replacing Qt (LGPL)")) + "</h3>",
        "<p>"
        + escape(
            _(
                "Qt and PySide6 are used under the GNU Lesser General Public License v3. "
                "Workbench is installed as a folder in which the Qt and PySide6 libraries stay "
                "separate files (the Qt6*.dll and PySide6 files in the installation folder). You "
                "may replace them with your own build of the same Qt and PySide6 version: close "
                "Workbench, copy your files over the bundled ones, and start it again. The LGPL "
                "text and the source of Qt are available at https://www.qt.io/licensing and "
                "https://code.qt.io."
            )
        )
        + "</p>",
    ]
    return "".join(parts)


class AboutDialog(QDialog):
    """Version, licenses and folders; opened from Help → About."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("About Workbench"))
        self.text = QTextBrowser()
        self.text.setOpenExternalLinks(True)
        self.text.setHtml(about_html())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        self.resize(700, 700)


if __name__ == "__main__":
    from ui.app import run_preview

    run_preview(lambda: AboutDialog())
