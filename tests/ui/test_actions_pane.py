"""The Actions pane: the log table, adding and editing actions through the dialog."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QDate, Qt

from ui.controller import ProjectController
from ui.panes.action_dialog import EFFECT_NOT_NUMBER, TITLE_NEEDED
from ui.panes.actions_pane import EMPTY, ActionsPane
from workbench.feedback.actions import Action, new_action, update_action
from workbench.project import Project


@pytest.fixture
def controller(qtbot):
    controller = ProjectController()
    project = Project(name="line 3")
    project.actions.append(
        new_action(
            "Set paste_thickness below 17 (group 1)",
            hypothesis="Thin paste goes with high efficiency.",
            changes=[{"factor": "paste_thickness", "from": "17 to 20 (usual)", "to": "below 17"}],
        )
    )
    project.mark_saved()
    controller.replace_project(project)
    yield controller
    controller.runner.shutdown()


@pytest.fixture
def pane(controller, qtbot):
    pane = ActionsPane(controller)
    qtbot.addWidget(pane)
    pane.show()
    return pane


def test_the_table_shows_the_log(pane):
    assert pane.table.rowCount() == 1
    assert pane.table.item(0, 0).text() == "Set paste_thickness below 17 (group 1)"
    assert "paste_thickness" in pane.table.item(0, 1).text()
    assert "below 17" in pane.table.item(0, 1).text()
    assert pane.table.item(0, 4).text() == "planned"
    assert "Thin paste" in pane.details.text()
    assert not pane.empty.isVisible()
    assert not pane.is_complete()  # nothing learned yet


def test_editing_an_action_changes_the_project_and_marks_it_dirty(pane, controller, qtbot):
    project = controller.project
    before = project.actions[0]
    dialog = pane.open_editor(0)
    assert dialog.title_edit.text() == before.title
    assert dialog.changes_table.rowCount() == 1
    dialog.owner_edit.setText("김민수")
    dialog.date_check.setChecked(True)
    dialog.date_edit.setDate(QDate(2026, 4, 6))
    dialog.outcome_combo.setCurrentIndex(dialog.outcome_combo.findData("no_change"))
    dialog.effect_edit.setText("0,05")
    dialog.notes_edit.setPlainText("Two weeks on L3; no visible change.")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    after = project.actions[0]
    assert isinstance(after, Action) and after.id == before.id
    assert after.owner == "김민수"
    assert after.planned_date == "2026-04-06"
    assert str(after.outcome) == "no_change"
    assert str(after.status) == "done"  # logging an outcome finishes the action
    assert after.measured_effect == pytest.approx(0.05)
    assert project.dirty
    changed = {h["field"] for h in after.history}
    assert {"owner", "planned_date", "outcome", "measured_effect", "notes"} <= changed
    assert "title" not in changed  # untouched fields leave no history
    assert pane.table.item(0, 2).text() == "김민수"
    assert pane.table.item(0, 5).text() == "no change"
    assert pane.table.item(0, 6).text() == "+0.05"
    assert pane.is_complete()


def test_could_not_try_with_a_reason(pane, controller):
    dialog = pane.open_editor(0)
    assert not dialog.reason_edit.isEnabled()
    dialog.status_combo.setCurrentIndex(dialog.status_combo.findData("could_not_try"))
    assert dialog.reason_edit.isEnabled()
    dialog.reason_edit.setText("equipment limit")
    dialog.accept()
    action = controller.project.actions[0]
    assert action.reason_not_tried == "equipment limit"
    assert action.result_kind == "not_tried" and action.outcome_date
    assert pane.table.item(0, 5).text() == "could not try"
    assert "equipment limit" in pane.details.text()


def test_bad_entries_are_refused_in_words(pane, controller):
    dialog = pane.open_editor(0)
    dialog.effect_edit.setText("a lot")
    dialog.accept()
    assert dialog.isVisible() and dialog.error.text() == EFFECT_NOT_NUMBER
    dialog.effect_edit.setText("")
    dialog.title_edit.setText("   ")
    dialog.accept()
    assert dialog.error.text() == TITLE_NEEDED
    dialog.reject()
    assert controller.project.actions[0].title.startswith("Set paste_thickness")
    assert not controller.project.dirty


def test_add_an_action_by_hand(pane, controller):
    dialog = pane.open_editor(None)
    dialog.title_edit.setText("Clean the belt every shift")
    dialog._add_change_row("belt cleaning", "weekly", "every shift")
    dialog.owner_edit.setText("Lee")
    dialog.accept()
    actions = controller.project.actions
    assert len(actions) == 2
    assert actions[1].title == "Clean the belt every shift"
    assert actions[1].changes == [
        {"factor": "belt cleaning", "from": "weekly", "to": "every shift"}
    ]
    assert actions[1].history[0]["field"] == "created"
    assert pane.table.rowCount() == 2
    assert pane.table.currentRow() == 1
    assert "belt cleaning: weekly → every shift" in pane.details.text()


def test_saved_dict_entries_are_shown_and_edited(qtbot):
    """A reopened project may hold its log as plain dicts; the pane reads them as actions."""
    entry = update_action(new_action("Lower humidity"), outcome="worse").to_dict()
    project = Project(actions=[entry])
    controller = ProjectController()
    controller.replace_project(project)
    pane = ActionsPane(controller)
    qtbot.addWidget(pane)
    pane.show()
    assert pane.table.item(0, 5).text() == "worse"
    dialog = pane.open_editor(0)
    dialog.notes_edit.setPlainText("Dehumidifier broke in week 2.")
    dialog.accept()
    assert isinstance(project.actions[0], Action)
    assert project.actions[0].notes == "Dehumidifier broke in week 2."
    assert project.actions[0].id == entry["id"]
    controller.runner.shutdown()


def test_empty_log_says_what_to_do(qtbot):
    controller = ProjectController()
    pane = ActionsPane(controller)
    qtbot.addWidget(pane)
    pane.show()
    assert pane.empty.isVisible() and pane.empty.text() == EMPTY
    assert pane.table.rowCount() == 0 and not pane.edit_button.isEnabled()
    controller.runner.shutdown()


BEFORE = "18.1\n18.3\n18.0\n18.2\n18.4\n18.1\n18.2\n18.3"
AFTER = "18.6\n18.8\n18.5\n18.9\n18.7\n18.6\n18.8\n18.7"


def test_evidence_is_compared_stored_and_kept_in_the_library(
    pane, controller, qtbot, tmp_path, monkeypatch
):
    from workbench.feedback.evidence import compare
    from workbench.feedback.library import Library

    monkeypatch.setenv("WORKBENCH_LIBRARY", str(tmp_path / "lib"))
    dialog = pane.open_editor(0)
    box = dialog.evidence_box
    assert box.evidence is None and "No evidence yet" in box.result.text()
    box.edits["before"].setPlainText(BEFORE)
    box.edits["after"].setPlainText(AFTER)
    evidence = box.compare_now()
    expected = compare(BEFORE, AFTER)
    assert evidence is not None and evidence["text"] == expected.text
    assert expected.text in box.result.text() and expected.test_text in box.result.text()
    dialog.outcome_combo.setCurrentIndex(dialog.outcome_combo.findData("improved"))
    dialog.accept()
    action = controller.project.actions[0]
    assert action.evidence["difference"] == pytest.approx(expected.difference)
    assert {"evidence", "outcome"} <= {h["field"] for h in action.history}
    qtbot.waitUntil(lambda: len(Library()) == 1, timeout=10_000)
    assert Library().get(action.id).outcome == "improved"
    assert not pane.library_note.isVisible()

    again = pane.open_editor(0)  # evidence and history come back with the action
    assert expected.text in again.evidence_box.result.text()
    fields = [again.history_table.item(r, 1).text() for r in range(again.history_table.rowCount())]
    assert "Outcome" in fields and again.history_table.rowCount() == len(action.history)
    row = fields.index("Evidence")
    assert again.history_table.item(row, 3).text() == expected.text  # words, not JSON
    assert again.history_table.item(fields.index("Outcome"), 3).text() == "improved"
    again.reject()


def test_too_few_or_bad_numbers_are_said_in_words(pane):
    box = pane.open_editor(0).evidence_box
    box.edits["before"].setPlainText("18.1")
    box.edits["after"].setPlainText(AFTER)
    assert box.compare_now() is None
    assert box.error.text() and box.evidence is None
    box.edits["before"].setPlainText("0\n1\n0\n0\n1")
    box.kind_combo.setCurrentIndex(box.kind_combo.findData("proportion"))
    assert box.compare_now() is None  # the after side is not 0/1
    assert box.error.text()


def test_samples_from_a_data_file_are_read_in_a_job(pane, qtbot, tmp_path):
    path = tmp_path / "trial.csv"
    path.write_text("lot,efficiency\n" + "".join(f"L{i},{18.5 + i % 3 * 0.1}\n" for i in range(9)))
    box = pane.open_editor(0).evidence_box
    box.load_file("after", str(path), "")
    assert box.error.text()  # no column named yet
    box.load_file("after", str(path), "efficiency")
    qtbot.waitUntil(lambda: box.edits["after"].toPlainText() != "", timeout=10_000)
    assert len(box.edits["after"].toPlainText().split()) == 9
    box.edits["before"].setPlainText(BEFORE)
    evidence = box.compare_now()
    assert evidence is not None and "trial.csv" in evidence["after_source"]
    box.load_file("before", str(path), "no such column")
    qtbot.waitUntil(lambda: not box.error.isHidden(), timeout=10_000)
    assert "no such column" in box.error.text()


def test_an_unusable_library_is_said_and_the_outcome_still_saved(
    pane, controller, qtbot, tmp_path, monkeypatch
):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("WORKBENCH_LIBRARY", str(blocker / "sub" / "library.sqlite"))
    dialog = pane.open_editor(0)
    dialog.status_combo.setCurrentIndex(dialog.status_combo.findData("could_not_try"))
    dialog.reason_edit.setText("supplier contract")
    dialog.accept()
    assert controller.project.actions[0].result_kind == "not_tried"
    qtbot.waitUntil(lambda: pane.library_note.isVisible(), timeout=10_000)
    assert "experiment library" in pane.library_note.text()
