"""Predict the missing values from the Quality pane; the Data grid shades the filled cells."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from ui.controller import ProjectController
from ui.panes.data_pane import DataPane
from ui.panes.predict_dialog import PredictMissingDialog
from ui.panes.quality_pane import QualityPane
from ui.widgets.predicted_model import PREDICTED_BACKGROUND
from workbench.project import Section
from workbench.steps.goal import Goal
from workbench.tables.loader import load_table


def _csv(tmp_path):
    rng = np.random.default_rng(5)
    n = 400
    a, b = rng.normal(0, 1, n), rng.normal(0, 1, n)
    line = rng.choice(["1라인", "2라인"], n)
    speed = 2 + 0.5 * a - 0.3 * b + (line == "2라인") * 0.4 + rng.normal(0, 0.05, n)
    frame = pd.DataFrame(
        {
            "압력": a.round(3),
            "temp": b.round(3),
            "라인": line,
            "belt_speed": speed.round(3),
            "efficiency": (20 + speed + rng.normal(0, 0.1, n)).round(3),
        }
    )
    frame.loc[rng.random(n) < 0.2, "belt_speed"] = np.nan
    path = tmp_path / "line.csv"
    frame.to_csv(path, index=False, encoding="cp949")
    return path


@pytest.fixture
def panes(qtbot, tmp_path):
    controller = ProjectController()
    controller.project.set_table(load_table(_csv(tmp_path)))
    controller.project.set_goal(Goal(target="efficiency"))
    quality = QualityPane(controller)
    data = DataPane(controller)
    for pane in (quality, data):
        qtbot.addWidget(pane)
        pane.resize(1200, 800)
    quality.show()
    yield quality, data
    controller.runner.shutdown()


def _wait_checked(qtbot, pane):
    def done():
        p = pane.project
        return p.result(Section.QUALITY) is not None and not p.is_stale(Section.QUALITY)

    qtbot.waitUntil(done, timeout=30_000)
    qtbot.waitUntil(lambda: not pane.controller.runner.is_running("quality"), timeout=30_000)


def test_predict_button_fills_says_so_and_the_grid_marks_the_cells(qtbot, panes, monkeypatch):
    quality, data = panes
    _wait_checked(qtbot, quality)
    quality.select_column("압력")
    assert not quality.predict.button.isEnabled()  # no missing cells
    quality.select_column("belt_speed")
    assert quality.predict.button.isEnabled()
    missing = int(quality.project.frame["belt_speed"].isna().sum())

    def answer(dialog):
        assert dialog.exclude == ["efficiency"]  # the goal, recorded in the step
        dialog.set_threshold(80)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(PredictMissingDialog, "exec", answer)
    qtbot.mouseClick(quality.predict.button, Qt.MouseButton.LeftButton)
    step = quality.project.recipe[len(quality.project.recipe) - 1]
    assert step["op"] == "predict_missing" and step["min_confidence"] == 0.8
    qtbot.waitUntil(lambda: quality.predict.sentence.text().startswith("Filled"), timeout=30_000)
    text = quality.predict.sentence.text()
    found = re.match(r"Filled (\d+) of (\d+) missing ‘belt_speed’ values", text)
    assert found and int(found.group(2)) == missing
    marks = quality.controller.predicted_for(quality.project.table)["belt_speed"]
    assert int(found.group(1)) == marks.n_filled
    assert 0 < marks.n_left_empty < missing  # this data has both: some cells stay empty
    assert f"({marks.n_left_empty} left empty: confidence below 80%)" in text
    assert "efficiency" not in quality.checks.current_replay().reports[-1].details["features"]
    _wait_checked(qtbot, quality)

    # the Data grid (the data as loaded) shows the filled cells shaded, with a tooltip
    data.show()
    data.refresh()
    model = data.grid.model()
    column = list(model.frame.columns).index("belt_speed")
    filled_row = int(marks.filled_rows[0])
    index = model.index(filled_row, column)
    assert model.data(index, Qt.ItemDataRole.BackgroundRole).color() == PREDICTED_BACKGROUND
    assert "confidence" in model.data(index, Qt.ItemDataRole.ToolTipRole)
    assert "80% range" in model.data(index, Qt.ItemDataRole.ToolTipRole)
    assert model.data(index, Qt.ItemDataRole.DisplayRole) != ""
    assert model.data(index, Qt.ItemDataRole.FontRole).italic()
    measured = int(np.flatnonzero(model.frame["belt_speed"].notna().to_numpy())[0])
    plain = model.index(measured, column)
    assert model.data(plain, Qt.ItemDataRole.BackgroundRole) is None
    empty = model.index(int(marks.rows[~marks.filled][0]), column)
    assert model.data(empty, Qt.ItemDataRole.DisplayRole) == ""
    assert "left empty" in model.data(empty, Qt.ItemDataRole.ToolTipRole)

    # a later step replays from the checkpoint after the prediction: no new fit, same fills
    from workbench.steps.recipe import Recipe

    hits = quality.project.recipe_cache.hits
    recipe = Recipe(quality.project.recipe.steps)
    recipe.add({"op": "drop_columns", "columns": ["temp"]})
    quality.project.set_recipe(recipe)
    _wait_checked(qtbot, quality)
    replay = quality.checks.current_replay()
    assert replay is not None and quality.project.recipe_cache.hits == hits + 1
    again = replay.predicted["belt_speed"]
    assert np.array_equal(again.values, marks.values) and "temp" not in replay.frame.columns


def test_the_goals_own_column_offers_training_on_predictions_off_by_default(qtbot, panes):
    quality, _ = panes
    frame = quality.project.table.frame
    assert frame["efficiency"].notna().all()
    quality.project.table.frame.loc[::9, "efficiency"] = np.nan  # outcomes not measured
    quality.project.set_table(quality.project.table)
    _wait_checked(qtbot, quality)
    quality.select_column("efficiency")
    dialog = quality.predict.dialog()
    qtbot.addWidget(dialog)
    assert dialog.is_target and not dialog.train_box.isChecked()
    step = dialog.step()
    assert "train_on_predicted" not in step and "min_confidence" not in step
    dialog.train_box.setChecked(True)
    assert dialog.step()["train_on_predicted"] is True
    quality.predict.add(step)
    qtbot.waitUntil(lambda: quality.predict.sentence.text().startswith("Filled"), timeout=30_000)
    assert "kept out of the model fit and the cause groups" in quality.predict.sentence.text()
    _wait_checked(qtbot, quality)


def test_the_cleaned_export_carries_the_confidence_column(qtbot, panes, tmp_path):
    quality, _ = panes
    _wait_checked(qtbot, quality)
    quality.select_column("belt_speed")
    quality.predict.add(quality.predict.dialog().step())
    qtbot.waitUntil(lambda: quality.predict.sentence.text().startswith("Filled"), timeout=30_000)
    _wait_checked(qtbot, quality)
    messages: list[str] = []
    quality.controller.status_message.connect(messages.append)
    quality.export_button.export(tmp_path / "cleaned.csv")
    qtbot.waitUntil(lambda: any("written" in m for m in messages), timeout=30_000)
    table = pd.read_csv(tmp_path / "cleaned.csv", encoding="utf-8-sig", keep_default_na=False)
    missing = int(quality.project.table.frame["belt_speed"].isna().sum())
    assert (table["belt_speed (predicted)"] != "").sum() == missing
    assert (table["belt_speed"] != "").all()  # no threshold: every cell filled
    assert "belt_speed (80% range)" in table.columns
