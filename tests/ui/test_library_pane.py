"""The Library view on a real library file: search by text, factor, outcome and project;
open the project an entry came from; the shared team folder setting."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog

from ui.app import build_window
from ui.controller import ProjectController
from ui.panes.actions_pane import ActionsPane
from ui.panes.library_pane import LibraryPane
from ui.preferences import Preferences, load_preferences
from workbench.feedback.actions import new_action, update_action
from workbench.feedback.library import Library
from workbench.feedback.library_entry import entry_from_action
from workbench.feedback.library_search import PROJECT_FILE, LibraryQuery, browse_library
from workbench.project import Project
from workbench.store.project_file import save_project


def _logged(title: str, factors: list[str], outcome: str | None, **fields):
    action = new_action(
        title,
        changes=[{"factor": f, "from": "", "to": "lower"} for f in factors],
        hypothesis=fields.pop("hypothesis", ""),
    )
    if outcome == "not_tried":
        return update_action(action, status="could_not_try", **fields)
    return update_action(action, outcome=outcome, **fields)


@pytest.fixture
def library_file(tmp_path) -> Path:
    """A library with four entries from two projects, one of them saved beside it."""
    path = tmp_path / "team" / "library.sqlite"
    library = Library(path)
    line3 = Project(name="Line 3 firing")
    saved = tmp_path / "line3.wbproj"
    save_project(line3, saved)
    entries = [
        (
            line3,
            _logged(
                "Lower the belt speed",
                ["belt_speed"],
                "improved",
                hypothesis="Slower belts fire the paste evenly.",
            ),
        ),
        (
            line3,
            _logged(
                "Thinner paste print",
                ["paste_thickness", "supplier"],
                "not_tried",
                reason_not_tried="The supplier contract does not cover S2 screens.",
            ),
        ),
        (
            Project(name="도금 2라인"),
            _logged("온도 낮추기", ["도금 온도"], "no_change", notes="2주 동안 시험"),
        ),
        (Project(name="도금 2라인"), _logged("Belt speed up", ["Belt Speed [m/min]"], "worse")),
    ]
    for project, action in entries:
        entry = entry_from_action(action, project)
        if project is line3:
            entry = type(entry).from_dict({**entry.to_dict(), "extra": {PROJECT_FILE: str(saved)}})
        library.add(entry)
    return path


@pytest.fixture
def pane(qtbot, library_file):
    controller = ProjectController()
    controller.set_library_path(str(library_file))
    pane = LibraryPane(controller)
    qtbot.addWidget(pane)
    pane.resize(1200, 700)
    pane.show()
    qtbot.waitUntil(lambda: pane.view is not None and not pane.is_searching(), timeout=10_000)
    yield pane
    controller.runner.shutdown()


def _titles(pane) -> list[str]:
    return [pane.table.item(r, 1).text() for r in range(pane.table.rowCount())]


def _search(qtbot, pane) -> list[str]:
    pane.search()
    qtbot.waitUntil(lambda: not pane.is_searching(), timeout=10_000)
    return sorted(_titles(pane))


def _choose(combo, data: str) -> None:
    combo.setCurrentIndex(combo.findData(data))


def test_all_entries_are_listed_with_the_filters_choices(pane, library_file):
    assert len(_titles(pane)) == 4 and "4 of 4" in pane.message.text()
    assert str(library_file) in pane.location.text()
    projects = [pane.project_combo.itemData(i) for i in range(pane.project_combo.count())]
    assert projects == ["", "Line 3 firing", "도금 2라인"]
    factors = [pane.factor_combo.itemData(i) for i in range(pane.factor_combo.count())]
    assert "belt_speed" in factors and "도금 온도" in factors
    # "Belt Speed [m/min]" is the same factor as belt_speed: offered once
    assert not any(str(f).startswith("Belt Speed") for f in factors)


def test_search_by_text_factor_outcome_and_project(qtbot, pane):
    pane.search_edit.setText("contract")  # words of the reason it could not be tried
    assert _search(qtbot, pane) == ["Thinner paste print"]
    pane.search_edit.setText("2주")  # Korean notes
    assert _search(qtbot, pane) == ["온도 낮추기"]
    pane.search_edit.clear()
    _choose(pane.factor_combo, "belt_speed")  # matches "Belt Speed [m/min]" too
    assert _search(qtbot, pane) == ["Belt speed up", "Lower the belt speed"]
    _choose(pane.outcome_combo, "worse")
    assert _search(qtbot, pane) == ["Belt speed up"]
    _choose(pane.outcome_combo, "")
    _choose(pane.project_combo, "Line 3 firing")
    assert _search(qtbot, pane) == ["Lower the belt speed"]
    _choose(pane.factor_combo, "")
    assert _search(qtbot, pane) == ["Lower the belt speed", "Thinner paste print"]
    pane.search_edit.setText("nothing like this")
    assert _search(qtbot, pane) == []
    assert "Nothing" in pane.message.text()


def test_typing_searches_once_the_user_pauses(qtbot, pane):
    qtbot.keyClicks(pane.search_edit, "belt")
    qtbot.waitUntil(lambda: sorted(_titles(pane)) == ["Belt speed up", "Lower the belt speed"])


def test_the_selected_entry_reads_in_words_and_opens_its_project(qtbot, pane, tmp_path):
    pane.search_edit.setText("Thinner")
    _search(qtbot, pane)
    assert pane.selected_entry().title == "Thinner paste print"
    text = pane.details.text()
    assert "supplier contract" in text and "Line 3 firing" in text
    assert pane.open_button.isEnabled()
    with qtbot.waitSignal(pane.open_project_requested) as signal:
        pane.open_button.click()
    assert signal.args[0] == tmp_path / "line3.wbproj"
    pane.search_edit.setText("온도")
    _search(qtbot, pane)  # from a project whose file is not on this computer
    assert not pane.open_button.isEnabled() and "도금 2라인" in pane.open_note.text()


def test_a_project_among_the_recent_files_is_found_by_its_name(qtbot, pane, tmp_path):
    other = tmp_path / "plating.wbproj"
    save_project(Project(name="도금 2라인"), other)
    pane.recent_files = lambda: [str(tmp_path / "gone.wbproj"), str(other)]
    pane.search_edit.setText("온도")
    _search(qtbot, pane)
    assert pane.open_button.isEnabled() and pane.open_button.toolTip() == str(other)


def test_an_unreadable_library_is_said_in_the_view(qtbot, tmp_path):
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    controller = ProjectController()
    controller.set_library_path(str(blocker / "library.sqlite"))  # a folder inside a file
    pane = LibraryPane(controller)
    qtbot.addWidget(pane)
    pane.show()
    qtbot.waitUntil(lambda: not pane.is_searching() and "library" in pane.message.text())
    assert pane.table.rowCount() == 0
    controller.runner.shutdown()


def test_browse_library_returns_hits_and_choices(library_file):
    view = browse_library(LibraryQuery(outcome="not_tried"), library_file)
    assert [e.title for e in view.hits] == ["Thinner paste print"] and view.total == 4
    assert view.projects == ["Line 3 firing", "도금 2라인"]


def test_a_shared_team_folder_is_kept_and_used_by_the_actions(qtbot, tmp_path, monkeypatch):
    window = build_window(Preferences())
    qtbot.addWidget(window, before_close_func=lambda w: setattr(w, "_close_confirmed", True))
    window.show()
    team = tmp_path / "share" / "workbench"
    team.mkdir(parents=True)
    window.choose_library_folder()
    dialog = window.library_dialog
    monkeypatch.setattr(
        QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(team))
    )
    dialog._on_browse_clicked()
    assert dialog.shared.isChecked()
    dialog.accept()  # checks the folder in a job, then closes
    qtbot.waitUntil(lambda: window.controller.library_path == str(team), timeout=10_000)
    assert load_preferences().library_folder == str(team)
    assert (team / "library.sqlite").is_file()

    # An outcome logged in the app goes to the team's library, with the project's file.
    saved = tmp_path / "mine.wbproj"
    save_project(Project(name="Mine"), saved)
    window.open_project_file(saved)
    qtbot.waitUntil(lambda: window.path == saved, timeout=15_000)
    actions = window.pane(ActionsPane)
    action = _logged("Try a slower belt", ["belt_speed"], "improved")
    with qtbot.waitSignal(window.controller.status_message, timeout=10_000):
        actions.record_in_library(action)
    entry = Library(team).get(action.id)
    assert entry is not None and entry.project == "Mine"
    assert entry.extra[PROJECT_FILE] == str(saved.resolve())

    # The Library view reads the team's library.
    window.show_library()
    library_pane = window.library_pane
    qtbot.waitUntil(lambda: library_pane.view is not None and not library_pane.is_searching())
    assert _titles(library_pane) == ["Try a slower belt"]
    assert "Shared team library" in library_pane.location.text()
    window.project.dirty = False


def test_the_personal_library_again_and_a_bad_folder_is_refused(qtbot, tmp_path):
    window = build_window(Preferences(library_folder=str(tmp_path)))
    qtbot.addWidget(window, before_close_func=lambda w: setattr(w, "_close_confirmed", True))
    window.show()
    assert window.controller.library_path == str(tmp_path)
    window.choose_library_folder()
    dialog = window.library_dialog
    blocker = tmp_path / "file"
    blocker.write_text("x")
    dialog.folder_edit.setText(str(blocker / "sub"))
    dialog.shared.setChecked(True)
    dialog.accept()
    qtbot.waitUntil(lambda: dialog.ok_button.isEnabled() and dialog.error.text() != "")
    qtbot.waitUntil(lambda: "Checking" not in dialog.error.text(), timeout=10_000)
    assert dialog.isVisible() and window.controller.library_path == str(tmp_path)
    dialog.personal.setChecked(True)
    dialog.accept()
    qtbot.waitUntil(lambda: window.controller.library_path is None, timeout=10_000)
    assert load_preferences().library_folder == ""


def test_the_report_reads_the_team_library_too(tmp_path):
    import os

    from workbench.feedback.library import default_library_path

    controller = ProjectController()
    controller.set_library_path(str(tmp_path / "team"))
    assert default_library_path() == tmp_path / "team" / "library.sqlite"
    controller.set_library_path(None)
    assert "WORKBENCH_LIBRARY" not in os.environ


def test_two_engineers_log_outcomes_into_the_team_folder_at_once(qtbot, tmp_path):
    from ui.panes.actions_pane import ActionsPane

    team = tmp_path / "share"
    team.mkdir()
    panes = []
    for name in ("Line 3", "Line 4"):
        controller = ProjectController()
        controller.set_library_path(str(team))
        controller.replace_project(Project(name=name))
        pane = ActionsPane(controller)
        qtbot.addWidget(pane)
        panes.append(pane)
    logged = [_logged(f"Trial {i}", ["belt_speed"], "no_change") for i in range(10)]
    done: list[str] = []
    for pane in panes:
        pane.controller.status_message.connect(done.append)
    for k, action in enumerate(logged):  # ten writes from two windows, interleaved
        panes[k % 2].record_in_library(action)
    qtbot.waitUntil(lambda: len(done) == len(logged), timeout=30_000)
    library = Library(team)
    assert len(library) == 10
    assert {e.project for e in library.entries()} == {"Line 3", "Line 4"}
    for pane in panes:
        assert not pane.library_note.isVisible()
        pane.controller.runner.shutdown()
