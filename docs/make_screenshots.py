"""Screenshots of every screen at 1280×720 and 1600×1000, in English and Korean.

``python3 docs/make_screenshots.py`` writes ``docs/screenshots/<W>x<H>/<lang>/*.png``; run from
the repository root. Each language runs in its own process (the catalog is chosen once per
process), offscreen, with a throw-away user folder (``WORKBENCH_HOME``) holding an experiment
library filled from the demo project's logged actions, so the Library view has entries.
``--lang ko --size 1280x720`` limits the run (for a quick look while working on one screen).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
SIZES = ((1280, 720), (1600, 1000))
LANGUAGES = ("en", "ko")


def _wait(app, window, timeout: float = 180.0) -> None:
    """Process events until no job runs (a model run, a file opening) and the GUI settled."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        app.processEvents()
        if window.controller.runner.active_count == 0:
            break
        time.sleep(0.02)
    for _ in range(20):
        app.processEvents()
        time.sleep(0.01)


def _shots(language: str, sizes: list[tuple[int, int]]) -> None:
    """Runs in the child process: open the app and grab each screen at each size."""
    sys.path.insert(0, str(ROOT))
    from ui.app import setup_application
    from workbench.feedback.library import Library
    from workbench.store.project_file import open_project

    demo = ROOT / "resources" / "demo"
    library = Library()
    library.record_project(open_project(demo / "demo.wbproj"))
    app = setup_application(["workbench"], language)
    for width, height in sizes:
        _shoot_size(app, language, width, height)


def _shoot_size(app, language: str, width: int, height: int) -> None:
    from ui.app import build_window
    from ui.panes.actions_pane import ActionsPane
    from ui.panes.causes_pane import CausesPane
    from ui.preferences import Preferences

    demo = ROOT / "resources" / "demo"
    folder = OUT / f"{width}x{height}" / language
    folder.mkdir(parents=True, exist_ok=True)
    window = build_window(Preferences(language=language))
    window.resize(width, height)
    window.show()
    _wait(app, window)

    def grab(name: str, widget=None) -> None:
        _wait(app, window)
        (widget or window).grab().save(str(folder / f"{name}.png"))

    grab("start_page")
    # A first project of one's own: a data file, no goal yet (tips shown, as in the demo).
    window.new_from_data(demo / "solar_cells.csv")
    _wait(app, window)
    window.go(0)
    grab("first_project_goal")
    window.project.dirty = False  # no "save changes?" box in a script
    window.new_project()
    _wait(app, window)
    window.go(0)
    grab("goal_pane_no_data")
    window.project.dirty = False

    window.open_demo()
    _wait(app, window)
    for i, pane in enumerate(window.panes):
        window.go(i)
        grab(f"{i + 1}_{type(pane).__name__.removesuffix('Pane').lower()}")
    causes = window.pane(CausesPane)
    window.go(window.panes.index(causes))
    _wait(app, window)
    if causes.cause_groups():
        causes.create_button.click()
        _wait(app, window)
        dialog = window.pane(ActionsPane).dialog
        if dialog is not None:
            grab("action_from_group_dialog", dialog)
            dialog.reject()
    _shoot_apply(app, window, grab)
    _shoot_whatif(app, window, grab)
    window.choose_library_folder()
    grab("library_folder_dialog", window.library_dialog)
    window.library_dialog.reject()
    window.project.dirty = False
    window.close()
    _wait(app, window)


def _shoot_apply(app, window, grab) -> None:
    """File → Apply to new data… on next week's file (built as tests/core/next_week.py does):
    the drift and the model's check said in words."""
    from tests.core.next_week import write_next_week

    with tempfile.TemporaryDirectory() as tmp:
        window.apply_to_new_data(write_next_week(Path(tmp)))
        _wait(app, window)
        grab("apply_to_new_data", window.apply_dialog)
        window.apply_dialog.close()
    window.project.dirty = False


def _shoot_whatif(app, window, grab) -> None:
    """The what-if tab of the Causes step for the first group, one factor set up the curve."""
    from ui.panes.causes_pane import CausesPane

    causes = window.pane(CausesPane)
    window.go(window.panes.index(causes))
    causes.right_tabs.setCurrentWidget(causes.whatif)
    _wait(app, window)
    panel = causes.whatif
    if panel.profile is not None:
        numbers = [c for c in panel.profile.curves if not c.range.categorical]
        curve = (numbers or panel.profile.curves)[0]
        panel.set_value(curve.column, curve.grid[(3 * len(curve.grid)) // 4])
        _wait(app, window)
        grab("whatif_profiler")
    causes.right_tabs.setCurrentIndex(0)


#: The README's pictures (docs/screenshots/*.png and ko/*.png) refreshed from the 1280×720 set.
README_SHOTS = {
    "main_window.png": "1_goal.png",
    "data_pane.png": "2_data.png",
    "quality_pane.png": "3_quality.png",
    "model_pane.png": "4_model.png",
    "causes_pane.png": "5_causes.png",
    "actions_pane.png": "6_actions.png",
    "start_page.png": "start_page.png",
}


def _refresh_readme_shots() -> None:
    import shutil

    for language, folder in (("en", OUT), ("ko", OUT / "ko")):
        source = OUT / "1280x720" / language
        for name, shot in README_SHOTS.items():
            if (source / shot).is_file() and (folder / name).is_file():
                shutil.copyfile(source / shot, folder / name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=LANGUAGES, action="append")
    parser.add_argument("--size", action="append", help="e.g. 1280x720")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sizes = [tuple(int(v) for v in s.split("x")) for s in args.size] if args.size else SIZES
    if args.child:
        _shots(args.lang[0], list(sizes))
        return 0
    for language in args.lang or LANGUAGES:
        with tempfile.TemporaryDirectory() as home:
            env = dict(os.environ, QT_QPA_PLATFORM="offscreen", WORKBENCH_HOME=home)
            env["WORKBENCH_LANG"] = language
            env.pop("WORKBENCH_LIBRARY", None)
            size_args = [a for w, h in sizes for a in ("--size", f"{w}x{h}")]
            command = [sys.executable, __file__, "--child", "--lang", language, *size_args]
            subprocess.run(command, check=True, cwd=ROOT, env=env)
    if not args.size:
        _refresh_readme_shots()
    return 0


if __name__ == "__main__":
    sys.exit(main())
