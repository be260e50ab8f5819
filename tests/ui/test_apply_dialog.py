"""File → Apply to new data…: the re-application runs as a job, says what changed in words,
exports the scores, adds the rows on request, cancels cleanly, and is kept in the project."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PySide6.QtWidgets import QFileDialog

from tests.core.next_week import DEMO_PROJECT, next_week_rows, write_next_week
from ui.app import build_window
from ui.apply_dialog import JOB, ApplyDialog
from ui.controller import ProjectController
from ui.preferences import Preferences
from workbench.project import Project, Section
from workbench.store.project_file import open_project, save_project

WAIT = 180_000  # a busy 2-core machine: the job itself takes a few seconds


@pytest.fixture
def dialog(qtbot):
    controller = ProjectController()
    controller.replace_project(open_project(DEMO_PROJECT))
    dlg = ApplyDialog(controller)
    qtbot.addWidget(dlg)
    dlg.show()
    return dlg


def _run(qtbot, dlg: ApplyDialog, path: Path) -> None:
    dlg.run_file(path)
    assert dlg.is_running() and dlg.cancel_button.isVisible()
    qtbot.waitUntil(lambda: not dlg.is_running(), timeout=WAIT)


def test_the_result_is_said_in_words_and_kept_in_the_project(qtbot, dialog, tmp_path) -> None:
    path = write_next_week(tmp_path)
    project = dialog.project
    with qtbot.waitSignal(dialog.applied, timeout=WAIT):
        dialog.run_file(path)
    text = dialog.text.toPlainText()
    record = project.rerun
    assert record is not None and project.dirty and not project.is_stale(Section.MODEL)
    belt = next(d for d in record.drift.columns if d.column == "belt_speed")
    assert belt.message in text and belt.message.startswith("belt_speed runs higher")
    assert "o2_flow is not in the new file" in text and "“S9”" in text
    assert "Refit recommended" in text and "run the model again on the Model step" in text
    assert f"{len(next_week_rows()):,} rows" in text
    assert "Traceback" not in text
    assert dialog.export_button.isEnabled() and dialog.append_button.isEnabled()
    assert not dialog.progress.isVisible()


def test_scores_are_exported_to_excel_next_to_the_inputs(qtbot, dialog, tmp_path) -> None:
    _run(qtbot, dialog, write_next_week(tmp_path))
    out = tmp_path / "scores.xlsx"
    dialog.export_scores(out)
    qtbot.waitUntil(lambda: "Wrote the scores" in dialog.banner.label.text(), timeout=WAIT)
    sheet = pd.read_excel(out)
    rows = next_week_rows()
    assert len(sheet) == len(rows) and list(sheet.columns[: rows.shape[1]]) == list(rows.columns)
    expected = dialog.result.scores.frame["predicted efficiency"].to_numpy()
    assert np.allclose(sheet["predicted efficiency"].to_numpy(), expected)


def test_the_export_asks_where_and_adds_the_ending(qtbot, dialog, tmp_path, monkeypatch) -> None:
    _run(qtbot, dialog, write_next_week(tmp_path))
    chosen = tmp_path / "주간 점수"
    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        staticmethod(lambda *a, **k: (str(chosen), "CSV, UTF-8 (*.csv)")),
    )
    dialog.export_button.click()
    qtbot.waitUntil(lambda: "Wrote the scores" in dialog.banner.label.text(), timeout=WAIT)
    written = chosen.with_name(chosen.name + ".csv")
    assert written.read_bytes().startswith(b"\xef\xbb\xbf")
    assert len(pd.read_csv(written, encoding="utf-8-sig")) == len(next_week_rows())


def test_the_rows_are_added_on_request_and_the_model_goes_out_of_date(qtbot, dialog, tmp_path):
    project = dialog.project
    before = project.table.n_rows
    _run(qtbot, dialog, write_next_week(tmp_path))
    assert project.table.n_rows == before  # nothing added until asked
    with qtbot.waitSignal(dialog.applied, timeout=WAIT):
        dialog.append_button.click()
    added = len(next_week_rows())
    assert project.table.n_rows == before + added
    assert project.is_stale(Section.MODEL)
    assert project.rerun.appended == {"added": added, "duplicates": 0, "rows": before + added}
    assert project.rerun.appended_line() in dialog.text.toPlainText()
    assert not dialog.append_button.isEnabled()  # not twice


def test_cancel_stops_the_job_and_changes_nothing(qtbot, dialog, tmp_path) -> None:
    project = dialog.project
    dialog.run_file(write_next_week(tmp_path))
    dialog.cancel_button.click()
    assert "Cancelled; nothing was changed." in dialog.banner.label.text()
    qtbot.waitUntil(lambda: not dialog.is_running(), timeout=WAIT)  # the job stopped, said so
    assert project.rerun is None and not project.dirty
    assert not dialog.export_button.isEnabled()


def test_a_project_without_a_model_is_told_plainly(qtbot, tmp_path) -> None:
    controller = ProjectController()
    controller.replace_project(Project())
    dlg = ApplyDialog(controller)
    qtbot.addWidget(dlg)
    dlg.run_file(write_next_week(tmp_path))
    assert not dlg.is_running()
    assert "This project has no fitted model to re-apply." in dlg.banner.label.text()


def test_a_file_without_the_models_columns_is_refused_in_words(qtbot, dialog, tmp_path) -> None:
    path = tmp_path / "wrong.csv"
    pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"]}).to_csv(path, index=False)
    _run(qtbot, dialog, path)
    said = dialog.banner.label.text()
    assert "wrong.csv has none of the columns the model reads" in said
    assert "Traceback" not in said and dialog.project.rerun is None


def test_the_window_applies_and_a_reopened_project_shows_what_changed(
    qtbot, tmp_path, monkeypatch
) -> None:
    win = build_window(Preferences())
    qtbot.addWidget(win, before_close_func=lambda w: setattr(w, "_close_confirmed", True))
    win.show()
    menu = next(a.menu() for a in win.menuBar().actions() if a.text() == "&File")
    assert win.action_apply in menu.actions() and win.action_what_changed in menu.actions()
    win.open_project_file(DEMO_PROJECT)
    qtbot.waitUntil(lambda: win.has_project, timeout=WAIT)
    assert win.action_apply.isEnabled()
    path = write_next_week(tmp_path)
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), ""))
    )
    win.action_apply.trigger()
    dlg = win.apply_dialog
    assert dlg is not None and dlg.isVisible()
    qtbot.waitUntil(lambda: win.project.rerun is not None, timeout=WAIT)
    qtbot.waitUntil(lambda: not win.controller.runner.is_running(JOB), timeout=WAIT)
    dlg.close()
    saved = save_project(win.project, tmp_path / "kept.wbproj")
    win.project.dirty = False
    win.open_project_file(saved)
    qtbot.waitUntil(lambda: win.path == saved, timeout=WAIT)
    win.action_what_changed.trigger()
    text = win.apply_dialog.text.toPlainText()
    assert "belt_speed runs higher" in text and "Refit recommended" in text
    assert "not kept in the project" in win.apply_dialog.banner.label.text()
    assert not win.apply_dialog.export_button.isEnabled()
    win.apply_dialog.close()


def test_a_project_never_re_applied_says_so(qtbot, dialog) -> None:
    dialog.show_last()
    assert "has not been applied to new data yet" in dialog.text.toPlainText()
    assert not dialog.export_button.isEnabled() and not dialog.append_button.isEnabled()


def test_rows_asked_for_are_added_even_when_the_dialog_is_closed_at_once(qtbot, dialog, tmp_path):
    project = dialog.project
    before = project.table.n_rows
    _run(qtbot, dialog, write_next_week(tmp_path))
    dialog.append_button.click()
    dialog.close()  # Close right after asking: the rows still arrive, the dialog still reports
    assert dialog.result is None  # the new table is let go
    qtbot.waitUntil(lambda: project.table.n_rows == before + len(next_week_rows()), timeout=WAIT)
    assert project.rerun.appended is not None
    assert project.rerun.appended_line() in dialog.text.toPlainText()


def test_findings_for_an_earlier_model_say_so(qtbot, dialog, tmp_path) -> None:
    import dataclasses

    _run(qtbot, dialog, write_next_week(tmp_path))
    record = dialog.project.rerun
    assert "fitted again since" not in dialog.text.toPlainText()
    earlier = dataclasses.replace(record, model={**record.model, "trees": -1})  # another model
    dialog.project.set_rerun(earlier)
    dialog.show_last()
    assert "The model has been fitted again since" in dialog.text.toPlainText()
