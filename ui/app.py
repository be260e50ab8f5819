"""Start the Workbench desktop application.

``workbench`` opens the start page; ``workbench --demo`` the bundled demo project;
``workbench FILE.wbproj`` a project; ``workbench DATA.csv`` a new project from a data file.
``--screenshot FILE.png`` grabs the window once it is filled and quits; ``--self-test`` opens
the demo project and quits with 0 when it opened (the frozen build's smoke test).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

from ui.i18n_qt import apply_language
from workbench import __version__
from workbench.i18n import _

#: Fonts that hold Hangul, tried in order (Windows, then the Linux packages).
FONT_FAMILIES = ["Malgun Gothic", "NanumGothic", "Noto Sans CJK KR", "DejaVu Sans", "Sans Serif"]
SCREENSHOT_DELAY_MS = 800


def setup_application(argv: list[str] | None = None, language: str = "") -> QApplication:
    """The QApplication with name, style, a Hangul-capable font and Qt's own translations."""
    app = QApplication.instance()
    if app is None:
        # Fractional scaling (125 %, 150 % on Windows laptops) without rounding blur.
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
        )
        app = QApplication(argv if argv is not None else sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Workbench")
    app.setApplicationDisplayName("Workbench")
    app.setOrganizationName("Workbench")
    app.setApplicationVersion(__version__)
    app.setStyle("Fusion")  # the same clean look on every platform
    font = QFont(app.font())
    font.setFamilies(FONT_FAMILIES)
    font.setPointSize(max(font.pointSize(), 10))
    app.setFont(font)
    # The gettext catalog and Qt's own (dialog buttons): before any pane reads its texts.
    apply_language(app, language)
    return app


def build_window(prefs=None):  # -> WorkbenchWindow (imported lazily: keeps start-up light)
    """The controller, the six panes and the application window around them."""
    from ui.app_window import WorkbenchWindow
    from ui.controller import ProjectController
    from ui.panes import build_panes
    from ui.preferences import load_preferences

    controller = ProjectController()
    window = WorkbenchWindow(controller, build_panes(controller), prefs or load_preferences())
    return window


def build_main_window():
    """Kept for callers of the first skeleton: the application window."""
    return build_window()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="workbench", description=_("Workbench desktop app."))
    parser.add_argument("file", nargs="?", help=_("a project (.wbproj) or a data file to open"))
    parser.add_argument("--demo", action="store_true", help=_("open the bundled demo project"))
    parser.add_argument("--screenshot", metavar="FILE", help=argparse.SUPPRESS)
    parser.add_argument("--self-test", action="store_true", help=argparse.SUPPRESS)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the app until its window closes; returns the exit code."""
    argv = list(sys.argv if argv is None else argv)
    args, qt_args = _parser().parse_known_args(argv[1:])
    from ui.preferences import load_preferences

    prefs = load_preferences()
    app = setup_application([argv[0], *qt_args], prefs.language)
    window = build_window(prefs)
    window.show()
    window.start_warm_up()
    outcome = {"code": 0}

    def finish_when_open() -> None:
        # --screenshot / --self-test: wait for the project to open, then grab and quit.
        if not (args.screenshot or args.self_test):
            return

        def done() -> None:
            if args.screenshot:
                window.grab().save(args.screenshot)
            window.project.dirty = False
            window.close()

        window.controller.project_replaced.connect(
            lambda _p: QTimer.singleShot(SCREENSHOT_DELAY_MS, done)
        )
        if not (args.demo or args.file or args.self_test):
            QTimer.singleShot(SCREENSHOT_DELAY_MS, done)

    def on_started() -> None:
        if args.self_test:
            outcome["code"] = 1  # until the demo project has opened

            def failed(failure) -> None:  # no modal box in a smoke test: say it and stop
                print(failure.message, failure.details, file=sys.stderr)
                window.project.dirty = False
                window.close()

            window._on_job_failed = failed
            window.controller.project_replaced.connect(lambda _p: outcome.update(code=0))
        finish_when_open()
        if args.self_test:
            window.open_demo()
        # Unsaved work from a crash is offered first, whatever was asked for: kept otherwise,
        # it would be removed at the next clean close without the user ever seeing it.
        elif window.offer_recovery():
            return
        elif args.demo:
            window.open_demo()
        elif args.file:
            window.open_path(Path(args.file))

    QTimer.singleShot(0, on_started)
    code = app.exec()
    return code or outcome["code"]


def run_preview(factory: Callable[[], QWidget], argv: list[str] | None = None) -> int:
    """Show ``factory()`` alone (a pane or dialog preview); ``--screenshot FILE`` grabs it."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--screenshot", default="")
    args, qt_args = parser.parse_known_args(sys.argv[1:] if argv is None else argv)
    app = setup_application([sys.argv[0], *qt_args])
    widget = factory()
    widget.show()
    if args.screenshot:

        def grab() -> None:
            widget.grab().save(args.screenshot)
            widget.close()
            app.quit()

        QTimer.singleShot(SCREENSHOT_DELAY_MS, grab)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
