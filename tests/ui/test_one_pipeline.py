"""One pipeline: ``workbench analyze --project`` and the GUI's model run, on the same inputs,
write the same project file (issue 14).

The GUI side is a real main window: the data file is opened from the start page, the goal and
roles are set on the project as the Goal pane sets them, the clean-ups are added by the Quality
pane (from the alerts of its own check), and the Model pane's Run button starts the job. Only
what must differ between two runs is left out of the comparison: the run times, the input
revision counters (the GUI touches sections more often) and the project's name.
"""

from __future__ import annotations

import zipfile

import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from ui.app import build_window
from ui.app_window import resource_path
from ui.panes.model_pane import ModelPane
from ui.panes.quality_pane import QualityPane
from ui.preferences import Preferences
from workbench.analysis import make_goal
from workbench.cli import run_command
from workbench.project import Section
from workbench.store.project_archive import read_archive
from workbench.vocabulary import ColumnRole

ROLES = {
    "run_id": ColumnRole.ID,
    "timestamp": ColumnRole.TIME,
    "firing_temp": ColumnRole.CONTROLLABLE,
    "belt_speed": ColumnRole.CONTROLLABLE,
    "humidity": ColumnRole.UNCONTROLLABLE,
    "final_test_efficiency": ColumnRole.EXCLUDED,
}
ROWS = 3000
CLI_ROLES = [
    "--id=run_id",
    "--time=timestamp",
    "--controllable=firing_temp,belt_speed",
    "--uncontrollable=humidity",
    "--exclude=final_test_efficiency",
]


TIMES = ("timings", "cpu_timings")  # how long each step took: never the same twice


def _without_times(doc):
    if isinstance(doc, dict):
        return {k: _without_times(v) for k, v in doc.items() if k not in TIMES}
    if isinstance(doc, list):
        return [_without_times(v) for v in doc]
    return doc


def _document(path) -> tuple[dict, dict[str, pd.DataFrame], dict[str, str]]:
    """project.json without what two runs cannot share, the tables and the texts."""
    _manifest, archive = read_archive(path)
    doc = dict(archive.documents["project.json"])
    for key in ("name", "revisions"):
        doc.pop(key)
    doc["results"] = {k: v["value"] for k, v in doc["results"].items()}
    return _without_times(doc), archive.tables, archive.texts


def _wait_quality(qtbot, window) -> None:
    project, runner = window.project, window.controller.runner
    qtbot.waitUntil(
        lambda: (
            project.result(Section.QUALITY) is not None
            and not project.is_stale(Section.QUALITY)
            and not runner.is_running("quality")
        ),
        timeout=60_000,
    )


def test_cli_and_gui_write_the_same_project_for_the_same_inputs(qtbot, tmp_path, monkeypatch):
    # The demo's first 3,000 runs (with its repeated rows and -999 sentinels), saved as cp949
    # the way an MES export on a Korean Windows PC comes.
    data = tmp_path / "라인3_소성.csv"
    lines = resource_path("demo", "solar_cells.csv").read_text(encoding="utf-8-sig").splitlines()
    data.write_bytes(("\r\n".join(lines[: ROWS + 1]) + "\r\n").encode("cp949"))

    cli_file = tmp_path / "cli.wbproj"
    code = run_command(
        ["analyze", str(data), "--target=efficiency", *CLI_ROLES, f"--project={cli_file}"]
    )
    assert code == 0

    # The GUI: open the data from the start page, set goal and roles, fix, run, save.
    window = build_window(Preferences())
    qtbot.addWidget(window, before_close_func=lambda w: setattr(w, "_close_confirmed", True))
    window.show()
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(data), ""))
    )
    qtbot.mouseClick(window.start_page.new_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.project.table is not None, timeout=30_000)
    project = window.project
    project.set_goal(make_goal(project.table.frame, "efficiency"))
    for column, role in ROLES.items():
        project.set_role(column, role)
    window.go(2)
    quality_pane = window.pane(QualityPane)
    _wait_quality(qtbot, window)
    alerts = project.result(Section.QUALITY).alerts
    sentinels = [a for a in alerts if a.kind == "sentinel"]
    duplicates = [a for a in alerts if a.kind == "duplicate_rows"]
    assert sentinels and duplicates  # the demo has both: the comparison covers the recipe
    quality_pane.add_fixes(sentinels + duplicates)  # as clicking "Fix" on each card
    _wait_quality(qtbot, window)
    checked = project.result(Section.QUALITY)  # the Quality pane's check of the cleaned table
    model_pane = window.pane(ModelPane)
    window.go(window.panes.index(model_pane))
    qtbot.mouseClick(model_pane.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: project.result(Section.MODEL) is not None and not model_pane.is_running(),
        timeout=180_000,
    )
    assert not project.is_stale(Section.MODEL) and not project.is_stale(Section.QUALITY)
    assert project.result(Section.QUALITY) is checked  # reused by the run, not redone
    gui_file = tmp_path / "gui.wbproj"
    window.save_as(gui_file)
    qtbot.waitUntil(lambda: window.path == gui_file and not project.dirty, timeout=30_000)

    cli_doc, cli_tables, cli_texts = _document(cli_file)
    gui_doc, gui_tables, gui_texts = _document(gui_file)
    for key in ("data", "recipe", "goal", "roles", "settings", "actions"):
        assert gui_doc[key] == cli_doc[key], key
    assert set(gui_doc["results"]) == set(cli_doc["results"]) == {"quality", "model"}
    for section in ("quality", "model"):
        cli_value, gui_value = cli_doc["results"][section], gui_doc["results"][section]
        for key in cli_value:
            assert gui_value[key] == cli_value[key], f"results.{section}.{key}"
        assert set(gui_value) == set(cli_value)
    # Both stored the quality report of the cleaned table: no sentinel or duplicate left.
    kinds = {a["kind"] for a in cli_doc["results"]["quality"]["alerts"]}
    assert not kinds & {"sentinel", "duplicate_rows"}
    assert cli_doc["results"]["quality"]["n_rows"] == ROWS - 26  # the repeated rows dropped
    assert cli_doc["results"]["model"]["quality"] == cli_doc["results"]["quality"]
    # And the same tables (SHAP values, predictions, groups) and the same model text.
    assert sorted(gui_tables) == sorted(cli_tables)
    for name, table in cli_tables.items():
        pd.testing.assert_frame_equal(gui_tables[name], table, obj=name)
    assert gui_texts == cli_texts
    assert zipfile.is_zipfile(gui_file)
    window.controller.runner.shutdown()
