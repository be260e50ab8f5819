"""The application shell: menus, files, unsaved-changes prompt, autosave, drops, start page."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog, QMessageBox

import ui.app_window as app_window
from ui.about_dialog import about_html
from ui.app import build_window
from ui.jobs import JobFailure
from ui.panes import DataPane, GoalPane
from ui.preferences import MAX_RECENT, Preferences, load_preferences, preferences_path
from ui.widgets.error_dialog import failure_box
from workbench.project import Project, Section
from workbench.store.autosave import find_recovery
from workbench.store.project_file import open_project, save_project
from workbench.tables.loader import load_table
from workbench.tables.table import LoadOptions

Buttons = QMessageBox.StandardButton


def _csv(tmp_path: Path, rows: int = 60) -> Path:
    path = tmp_path / "공정_data.csv"
    lines = ["batch,온도,speed,yield"]
    lines += [f"B{i:03d},{780 + i % 17},{200 + i % 5},{90 + (i % 7) * 0.5}" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _small_project(tmp_path: Path, name: str = "작은 프로젝트") -> Path:
    project = Project(name=name)
    project.set_table(load_table(_csv(tmp_path), LoadOptions()))
    project.notes = "first notes"
    path = tmp_path / "small.wbproj"
    save_project(project, path)
    return path


@pytest.fixture
def window(qtbot):
    win = build_window(Preferences())
    # pytest-qt closes it after the test: that close must not ask about unsaved changes.
    qtbot.addWidget(win, before_close_func=lambda w: setattr(w, "_close_confirmed", True))
    win.show()
    return win


@pytest.fixture
def failures(monkeypatch):
    seen: list[JobFailure] = []
    monkeypatch.setattr(app_window, "show_failure", lambda parent, f: seen.append(f))
    return seen


def _answer(monkeypatch, *answers: QMessageBox.StandardButton) -> list[str]:
    """Answer QMessageBox.question with ``answers`` in turn; returns the questions asked."""
    asked: list[str] = []
    queue = list(answers)

    def question(parent, title, text, *args, **kwargs):
        asked.append(text)
        return queue.pop(0)

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    return asked


def _open(qtbot, window, path: Path) -> None:
    window.open_project_file(path)
    qtbot.waitUntil(lambda: window.has_project and window.path == path, timeout=15_000)


def test_menus_hold_the_expected_actions(window):
    menus = {a.text().replace("&", ""): a.menu() for a in window.menuBar().actions()}
    assert set(menus) == {"File", "Settings", "Help"}
    file_texts = [a.text().replace("&", "") for a in menus["File"].actions() if a.text()]
    for text in ("New project", "Open project…", "Open recent", "Save", "Save as…"):
        assert text in file_texts
    assert "Export report…" in file_texts and "Quit" in file_texts
    help_texts = [a.text().replace("&", "") for a in menus["Help"].actions()]
    assert help_texts == ["Open demo project", "About Workbench"]
    assert window.action_open.shortcut().toString() == "Ctrl+O"
    assert window.action_save.shortcut().toString() == "Ctrl+S"
    # Nothing to save on the start page.
    assert window.pages.currentWidget() is window.start_page
    assert not window.action_save.isEnabled()


def test_choosing_a_language_is_saved_and_restarts_on_the_saved_project(
    qtbot, window, tmp_path, monkeypatch
):
    import ui.language_menu as language_menu
    from workbench.i18n import ENV_VAR

    monkeypatch.delenv(ENV_VAR)  # no --lang: the preference decides
    path = _small_project(tmp_path)
    _open(qtbot, window, path)
    offered: list[str] = []
    started: list[str | None] = []
    monkeypatch.setattr(
        language_menu.LanguageMenu, "_offer_restart", lambda self, v: offered.append(v) or True
    )
    monkeypatch.setattr(app_window, "start_again", started.append)
    menu = window.language_menu
    assert [a.text() for a in menu.actions()] == ["Same as the system", "한국어", "English"]

    menu.actions_by_value["ko"].trigger()

    assert offered == ["ko"] and load_preferences().language == "ko"
    assert menu.actions_by_value["ko"].isChecked()
    assert not window.isVisible() and started == [str(path)]
    assert "한국어" in language_menu.restart_note("ko")


def test_a_language_change_under_lang_only_saves_the_preference(window, monkeypatch):
    import ui.language_menu as language_menu

    told: list[str] = []
    monkeypatch.setattr(
        language_menu.QMessageBox, "information", lambda parent, title, text: told.append(text)
    )
    monkeypatch.setattr(app_window, "start_again", lambda p: pytest.fail("must not restart"))
    assert window.language_menu.choose("ko") is False  # WORKBENCH_LANG=en is set for tests
    assert load_preferences().language == "ko"
    assert told and "--lang" in told[0]
    assert window.isVisible()


def test_new_opens_an_empty_project_on_the_data_step(window):
    window.action_new.trigger()
    assert window.has_project and window.project.table is None
    # A first project of one's own is guided like the demo: a tip on the step it opens.
    assert window.hint_bar.isVisible() and "column types" in window.hint_bar.label.text()
    assert isinstance(window.stack.currentWidget(), DataPane)
    assert window.action_save.isEnabled()


def test_open_menu_save_as_and_reopen(qtbot, window, tmp_path, monkeypatch):
    saved = _small_project(tmp_path)
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(saved), ""))
    )
    window.action_open.trigger()
    qtbot.waitUntil(lambda: window.path == saved, timeout=15_000)
    assert window.project.name == "작은 프로젝트" and window.project.table.n_rows == 60
    assert "작은 프로젝트" in window.windowTitle()
    assert str(saved.resolve()) in load_preferences().recent_files

    window.project.notes = "changed notes"
    window.project.touch(Section.META)
    assert window.isWindowModified()
    copy = tmp_path / "copy"  # the suffix is added
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(copy), ""))
    )
    window.action_save_as.trigger()
    qtbot.waitUntil(lambda: window.path == copy.with_suffix(".wbproj"), timeout=15_000)
    assert not window.project.dirty and not window.isWindowModified()
    assert open_project(copy.with_suffix(".wbproj")).notes == "changed notes"

    window.action_new.trigger()
    assert window.project.table is None
    _open(qtbot, window, copy.with_suffix(".wbproj"))
    assert window.project.notes == "changed notes" and window.project.table.n_rows == 60
    assert window.recent_menu.actions()[0].text() == "copy.wbproj"


def test_unsaved_changes_prompt_cancel_discard_and_save(qtbot, window, tmp_path, monkeypatch):
    path = _small_project(tmp_path)
    _open(qtbot, window, path)
    window.project.notes = "unsaved"
    window.project.touch(Section.META)

    asked = _answer(monkeypatch, Buttons.Cancel)
    window.close()
    assert window.isVisible() and len(asked) == 1 and "not saved" in asked[0]

    asked = _answer(monkeypatch, Buttons.Save)
    window.action_new.trigger()  # Save, then the new project
    qtbot.waitUntil(lambda: window.project.table is None, timeout=15_000)
    assert open_project(path).notes == "unsaved"

    window.project.set_goal(None)  # dirty again
    asked = _answer(monkeypatch, Buttons.Discard)
    window.close()
    assert len(asked) == 1 and not window.isVisible()


def test_a_damaged_project_file_keeps_the_current_project(qtbot, window, tmp_path, failures):
    good = _small_project(tmp_path)
    _open(qtbot, window, good)
    current = window.project
    bad = tmp_path / "damaged.wbproj"
    bad.write_bytes(b"PK\x03\x04 this is not a real zip file")
    window.open_project_file(bad)
    qtbot.waitUntil(lambda: bool(failures), timeout=15_000)
    assert failures[0].expected and "damaged.wbproj" in failures[0].message
    assert "Traceback" not in failures[0].message
    assert window.project is current and window.path == good


def test_autosave_while_dirty_and_the_restore_offer_on_next_start(
    qtbot, window, tmp_path, monkeypatch
):
    path = _small_project(tmp_path)
    _open(qtbot, window, path)
    window.autosave_now()
    assert find_recovery() is None  # nothing unsaved, nothing written

    window.project.notes = "work in progress"
    window.project.touch(Section.META)
    window.autosave_timer.setInterval(50)  # let the timer itself do it
    qtbot.waitUntil(lambda: find_recovery() is not None, timeout=15_000)
    qtbot.waitUntil(lambda: not window.controller.runner.is_running("autosave"), timeout=15_000)
    assert window.project.dirty  # a recovery copy is not the user's save
    assert find_recovery().original == str(path)

    # "Crash": a second window starts while the recovery file is still there.
    later = build_window(Preferences())
    asked = _answer(monkeypatch, Buttons.Yes)
    assert later.offer_recovery()
    qtbot.waitUntil(lambda: later.has_project, timeout=15_000)
    assert "work in progress" not in asked[0] and "작은 프로젝트" in asked[0]
    assert later.project.notes == "work in progress" and later.project.dirty
    assert later.path == path
    later._close_confirmed = True
    later.close()
    assert find_recovery() is None  # a deliberate close leaves nothing to restore


def test_a_save_during_an_autosave_leaves_the_project_saved(qtbot, window, tmp_path):
    path = _small_project(tmp_path)
    _open(qtbot, window, path)
    window.project.notes = "saved while autosaving"
    window.project.touch(Section.META)
    window.autosave_now()
    window.save()  # the user's Ctrl+S right after the timer started an autosave
    runner = window.controller.runner
    # Jobs are done before their results reach the GUI thread: wait for the window too.
    qtbot.waitUntil(
        lambda: runner.active_count == 0 and not window.isWindowModified(), timeout=15_000
    )
    qtbot.wait(100)  # and nothing late turns it back to unsaved
    assert not window.project.dirty and not window.isWindowModified()
    assert find_recovery() is None
    assert open_project(path).notes == "saved while autosaving"


def test_declining_the_restore_removes_the_recovery(qtbot, window, tmp_path, monkeypatch):
    _open(qtbot, window, _small_project(tmp_path))
    window.project.touch(Section.META)
    window.autosave_now()
    qtbot.waitUntil(lambda: find_recovery() is not None, timeout=15_000)
    qtbot.waitUntil(lambda: not window.controller.runner.is_running("autosave"), timeout=15_000)
    _answer(monkeypatch, Buttons.No)
    assert not window.offer_recovery()
    assert find_recovery() is None


def _drop_event(path: Path, cls=QDropEvent):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    buttons, keys = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    args = (Qt.DropAction.CopyAction, mime, buttons, keys)
    if cls is QDragEnterEvent:
        return cls(QPointF(10, 10).toPoint(), *args), mime
    return cls(QPointF(10, 10), *args), mime


def test_dropping_a_csv_starts_a_new_project_from_it(qtbot, window, tmp_path):
    csv = _csv(tmp_path)
    enter, _m1 = _drop_event(csv, QDragEnterEvent)
    window.dragEnterEvent(enter)
    assert enter.isAccepted()
    other, _m2 = _drop_event(tmp_path / "setup.exe", QDragEnterEvent)
    window.dragEnterEvent(other)
    assert not other.isAccepted()

    drop, _m3 = _drop_event(csv)
    window.dropEvent(drop)
    qtbot.waitUntil(lambda: window.project.table is not None, timeout=15_000)
    assert window.project.table.n_rows == 60 and "온도" in window.project.table.frame.columns
    assert isinstance(window.stack.currentWidget(), DataPane)


def test_start_page_buttons_and_recent_files(qtbot, window, tmp_path, monkeypatch):
    page = window.start_page
    csv = _csv(tmp_path)
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(csv), ""))
    )
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.project.table is not None, timeout=15_000)

    saved = _small_project(tmp_path)
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(saved), ""))
    )
    window.project.dirty = False
    window.show_start_page()
    qtbot.mouseClick(page.open_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.path == saved, timeout=15_000)

    window.show_start_page()
    names = [page.recent.item(i).text() for i in range(page.recent.count())]
    assert names[0].startswith("small.wbproj") and names[1].startswith("공정_data.csv")
    window.action_new.trigger()
    window.show_start_page()
    rect = page.recent.visualItemRect(page.recent.item(0))
    qtbot.mouseClick(page.recent.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: window.path == saved, timeout=15_000)

    window.show_start_page()
    qtbot.mouseClick(page.demo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.project.name.endswith("(demo)"), timeout=30_000)
    assert window.path is None  # saving the demo asks for a new place
    assert window.project.result(Section.MODEL) is not None
    assert isinstance(window.stack.currentWidget(), GoalPane)
    # The demo walks with a tip per step, until the user hides them.
    assert window.hint_bar.isVisible() and "target" in window.hint_bar.label.text()
    window.go(1)
    assert "column types" in window.hint_bar.label.text()
    qtbot.mouseClick(window.hint_bar.hide_button, Qt.MouseButton.LeftButton)
    assert not window.hint_bar.isVisible() and not load_preferences().show_hints
    window.go(0)
    assert not window.hint_bar.isVisible()

    report = tmp_path / "보고서"  # the .xlsx suffix is added
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(report), ""))
    )
    window.action_export.trigger()
    qtbot.waitUntil(
        lambda: window.statusBar().currentMessage().startswith("Report written to"),
        timeout=30_000,
    )
    written = report.with_suffix(".xlsx")
    assert written.is_file() and written.read_bytes()[:2] == b"PK"


def test_failure_box_keeps_the_traceback_behind_details(qtbot):
    failure = JobFailure("Could not read it.", "Pick another file.", "Traceback: boom", False)
    box = failure_box(None, failure)
    qtbot.addWidget(box)
    assert box.text() == "Could not read it." and box.informativeText() == "Pick another file."
    assert box.detailedText() == "Traceback: boom"
    assert box.icon() == QMessageBox.Icon.Critical


def test_about_names_licenses_qt_replacement_and_folders():
    html = about_html()
    for name in ("LGPL", "LightGBM", "SHAP", "hdbscan", "pandas", "pyarrow", "openpyxl"):
        assert name in html
    assert "Apache-2.0" in html and "replace" in html and "autosave" in html


def test_preferences_round_trip_and_survive_a_damaged_file(tmp_path):
    from ui.preferences import save_preferences

    prefs = Preferences()
    for i in range(MAX_RECENT + 3):
        prefs.add_recent(tmp_path / f"p{i}.wbproj")
    prefs.add_recent(tmp_path / "p0.wbproj")  # again: moves to the top, no duplicate
    save_preferences(prefs)
    loaded = load_preferences()
    assert len(loaded.recent_files) == MAX_RECENT
    assert loaded.recent_files[0].endswith("p0.wbproj")
    preferences_path().write_text("{not json", encoding="utf-8")
    assert load_preferences() == Preferences()


def test_self_test_opens_the_demo_project_and_exits_cleanly(tmp_path):
    # The frozen build's smoke test runs exactly this: a real app process, offscreen.
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", WORKBENCH_HOME=str(tmp_path))
    shot = tmp_path / "shot.png"
    done = subprocess.run(
        [sys.executable, "-m", "ui.app", "--self-test", "--screenshot", str(shot)],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert shot.is_file() and shot.stat().st_size > 10_000


def test_a_first_project_from_data_is_named_after_it_and_saved_next_to_it(
    qtbot, window, tmp_path, monkeypatch
):
    data = _csv(tmp_path)
    window.new_from_data(data)
    qtbot.waitUntil(lambda: window.project.table is not None, timeout=15_000)
    assert window.project.name == "공정_data"
    assert "공정_data" in window.windowTitle()
    assert window.hint_bar.isVisible()  # tips for a first project too
    asked: list[str] = []

    def save_dialog(parent, title, start, filters):
        asked.append(start)
        return "", ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_dialog))
    window.action_save.trigger()  # never saved: asks where, starting next to the data
    assert Path(asked[0]) == tmp_path.resolve() / "공정_data.wbproj"
    window.action_export.trigger()
    assert Path(asked[1]) == tmp_path.resolve() / "공정_data.xlsx"
    window.project.dirty = False


def test_the_tips_can_be_switched_back_on_in_settings(window):
    window.action_new.trigger()
    window.hint_bar.hide_button.click()
    assert not window.hint_bar.isVisible() and not window.action_hints.isChecked()
    window.action_hints.trigger()
    assert window.hint_bar.isVisible() and load_preferences().show_hints


def test_data_opened_into_a_new_project_names_it(qtbot, window, tmp_path):
    window.action_new.trigger()
    assert window.project.name == ""
    data_pane = window.pane(DataPane)
    data_pane.load_file(_csv(tmp_path))
    qtbot.waitUntil(lambda: window.project.table is not None, timeout=15_000)
    assert window.project.name == "공정_data" and "공정_data" in window.windowTitle()
    window.project.dirty = False
