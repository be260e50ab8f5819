"""The Quality pane on a real small file: checks in jobs, one-click fixes, recipe editing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from ui.controller import ProjectController
from ui.panes.quality_alerts import AlertGroupCard
from ui.panes.quality_pane import AlertCard, QualityPane
from workbench.jobs import JobContext
from workbench.project import Section
from workbench.steps.goal import Goal
from workbench.steps.recipe import Recipe
from workbench.tables.loader import load_table
from workbench.vocabulary import ColumnRole


def _csv(tmp_path):
    rng = np.random.default_rng(3)
    n = 300
    temp = rng.normal(800, 5, n).round(1)
    humidity = rng.normal(50, 8, n).round(1)
    humidity[::20] = -999  # a sentinel typed for "no reading"
    frame = pd.DataFrame(
        {
            "lot": [f"L{i:04d}" for i in range(n)],
            "온도": temp,
            "humidity": humidity,
            "wafer_mm": 182,  # constant
            "라인": rng.choice(["L1", "L2"], n),
            "시각": pd.date_range("2026-03-02 06:00", periods=n, freq="13min"),
            "효율": (19 + (temp - 800) * 0.02 + rng.normal(0, 0.05, n)).round(3),
        }
    )
    frame = pd.concat([frame, frame.iloc[:12]])  # 12 exact repeats
    path = tmp_path / "line.csv"
    frame.to_csv(path, index=False, encoding="utf-8-sig")
    return path


def _pane_on(qtbot, path) -> QualityPane:
    """The Quality pane, shown, on the file at ``path`` with the goal 효율."""
    controller = ProjectController()
    controller.project.set_table(load_table(path))
    controller.project.set_goal(Goal(target="효율"))
    pane = QualityPane(controller)
    qtbot.addWidget(pane)
    pane.resize(1200, 800)
    pane.show()
    return pane


@pytest.fixture
def pane(qtbot, tmp_path):
    pane = _pane_on(qtbot, _csv(tmp_path))
    yield pane
    pane.controller.runner.shutdown()


def _wait_checked(qtbot, pane):
    def done():
        p = pane.project
        return p.result(Section.QUALITY) is not None and not p.is_stale(Section.QUALITY)

    qtbot.waitUntil(done, timeout=15_000)
    qtbot.waitUntil(lambda: not pane.controller.runner.is_running("quality"), timeout=5_000)
    return pane.project.result(Section.QUALITY)


def _card(pane, kind, column=None) -> AlertCard:
    cards = [pane.alerts_layout.itemAt(i).widget() for i in range(pane.alerts_layout.count())]
    return next(
        c
        for c in cards
        if isinstance(c, AlertCard)
        and c.alert.kind == kind
        and (column is None or c.alert.column == column)
    )


def test_report_fills_alerts_profiles_map_and_plot(qtbot, pane):
    report = _wait_checked(qtbot, pane)
    kinds = {a.kind for a in report.alerts}
    assert {"sentinel", "constant", "duplicate_rows"} <= kinds
    assert report.target == "효율"
    assert pane.profile_table.rowCount() == 7
    assert "312 rows" in pane.summary.text()
    assert pane.missing_map.columns == report.missing_map.columns
    pane.select_column("온도")
    assert pane.column_plot.counts.sum() == 312
    pane.select_column("라인")
    assert sorted(pane.column_plot.labels) == ["L1", "L2"]
    pane.select_column("lot")  # 300 codes: the most common bars, the rest summed
    assert len(pane.column_plot.labels) == 16 and pane.column_plot.counts.sum() == 312
    assert "312 of 312" in pane.rows_left.text()
    assert pane.is_complete()


def test_a_fix_adds_a_step_and_rows_left_follow(qtbot, pane):
    _wait_checked(qtbot, pane)
    qtbot.mouseClick(_card(pane, "duplicate_rows").fix_button, Qt.MouseButton.LeftButton)
    assert pane.project.recipe.steps == [{"op": "drop_duplicate_rows"}]
    assert pane.project.is_stale(Section.QUALITY)
    report = _wait_checked(qtbot, pane)
    assert report.n_rows == 300
    assert "300 of 312" in pane.rows_left.text()
    assert "duplicate_rows" not in {a.kind for a in report.alerts}
    assert "Removed 12 rows" in pane.recipe_list.item(0).text()

    qtbot.mouseClick(_card(pane, "constant").fix_button, Qt.MouseButton.LeftButton)
    report = _wait_checked(qtbot, pane)
    assert "wafer_mm" not in [p.name for p in report.profiles]
    assert pane.recipe_list.count() == 2


def test_remove_and_reorder_steps(qtbot, pane):
    _wait_checked(qtbot, pane)
    pane.project.set_recipe(
        Recipe(
            [
                {"op": "drop_duplicate_rows"},
                {"op": "sentinel_to_missing", "column": "humidity", "values": [-999]},
                {"op": "drop_columns", "columns": ["wafer_mm"]},
            ]
        )
    )
    pane.recipe_list.setCurrentRow(2)
    assert pane.up_button.isEnabled() and not pane.down_button.isEnabled()
    qtbot.mouseClick(pane.up_button, Qt.MouseButton.LeftButton)
    assert [s["op"] for s in pane.project.recipe.steps] == [
        "drop_duplicate_rows",
        "drop_columns",
        "sentinel_to_missing",
    ]
    assert pane.recipe_list.currentRow() == 1
    pane.recipe_list.setCurrentRow(0)
    qtbot.mouseClick(pane.down_button, Qt.MouseButton.LeftButton)
    assert [s["op"] for s in pane.project.recipe.steps][:2] == [
        "drop_columns",
        "drop_duplicate_rows",
    ]
    pane.recipe_list.setCurrentRow(1)
    qtbot.mouseClick(pane.remove_button, Qt.MouseButton.LeftButton)
    assert [s["op"] for s in pane.project.recipe.steps] == ["drop_columns", "sentinel_to_missing"]
    report = _wait_checked(qtbot, pane)
    assert report.n_rows == 312  # the duplicates are back
    assert "sentinel" not in {a.kind for a in report.alerts}
    assert report.profile("humidity").missing == 16


def test_goal_change_rechecks_and_a_refused_target_is_a_plain_message(qtbot, pane):
    _wait_checked(qtbot, pane)
    pane.project.set_goal(Goal(target="온도"))
    report = _wait_checked(qtbot, pane)
    assert report.target == "온도"
    pane.project.set_goal(Goal(target="시각"))  # a date cannot be a target: an error alert
    report = _wait_checked(qtbot, pane)
    assert any(a.kind == "target_unusable" and a.severity == "error" for a in report.alerts)
    assert pane.needs_attention()
    pane.project.set_role("라인", ColumnRole.TIME)  # categories cannot order time: refused
    qtbot.waitUntil(lambda: pane.banner.isVisible(), timeout=15_000)
    assert pane.banner.failure.expected
    assert "라인" in pane.banner.label.text()
    assert "Traceback" not in pane.banner.label.text()
    assert not pane.is_complete() and pane.needs_attention()  # the report shown is out of date
    pane.project.set_role("라인", None)
    _wait_checked(qtbot, pane)
    qtbot.waitUntil(pane.is_complete, timeout=15_000)
    assert not pane.banner.isVisible()


def test_a_reopened_report_is_kept_and_the_steps_get_their_effects(qtbot, tmp_path):
    from workbench.pipeline import assess_cleaned, clean_table

    controller = ProjectController()
    project = controller.project
    project.set_table(load_table(_csv(tmp_path)))
    project.set_recipe(Recipe([{"op": "drop_duplicate_rows"}]))
    cleaned = clean_table(JobContext(), project.table, project.recipe)
    report = assess_cleaned(JobContext(), cleaned, None, None)
    project.set_result(Section.QUALITY, report)  # as a saved project brings it back
    pane = QualityPane(controller)
    qtbot.addWidget(pane)
    pane.show()
    assert "300 of 312" in pane.rows_left.text()  # from the report, before any replay
    qtbot.waitUntil(lambda: "Removed 12 rows" in pane.recipe_list.item(0).text(), timeout=15_000)
    qtbot.waitUntil(lambda: not controller.runner.is_running("quality"), timeout=5_000)
    assert project.result(Section.QUALITY) is report  # not recomputed
    assert pane.is_complete()
    controller.runner.shutdown()


def test_column_plot_and_missing_map_draw_what_they_are_given(qtbot):
    from ui.plots.column_plot import ColumnPlot
    from ui.plots.missing_map import MissingMapPlot
    from workbench.steps.profile import MissingMap

    plot = ColumnPlot()
    qtbot.addWidget(plot)
    times = pd.Series(pd.date_range("2026-01-01", periods=100, freq="h"), name="시각")
    plot.show_column(times, "datetime")
    assert plot.counts.sum() == 100 and not plot.message
    ticks = plot.getAxis("bottom")._tickLevels[0]
    assert ticks[0][1].startswith("2026-01-01")
    plot.show_column(pd.Series([np.nan] * 5, name="빈칸"), "numeric")
    assert "빈칸" in plot.message and plot.counts.size == 0
    plot.show_column(pd.Series(["a1", "a2"], name="lot"), "id")
    assert "lot" in plot.message
    plot.show_column(pd.Series([True, False, True, None], dtype="boolean", name="ok"), "boolean")
    assert dict(zip(plot.labels, plot.counts, strict=True)) == {"yes": 2, "no": 1}

    chart = MissingMapPlot()
    qtbot.addWidget(chart)
    chart.show_map(MissingMap(["온도", "습도"], [0, 50, 100], [[0.0, 0.5], [0.0, 0.02]]))
    assert chart.columns == ["온도", "습도"]
    assert chart.fractions.shape == (2, 2)  # one band per column, one cell per row block
    assert chart.image.image[1, 1] > 0.2  # a 2% gap is still drawn, not white
    assert chart.image.image[0, 0] == 0.0
    labels = [text for _pos, text in chart.getAxis("left")._tickLevels[0]]
    assert labels == ["온도", "습도"]


def test_a_replaced_project_is_checked_afresh(qtbot, pane, tmp_path):
    from workbench.project import Project

    _wait_checked(qtbot, pane)
    small = tmp_path / "small.csv"
    pd.DataFrame({"a": np.arange(50.0), "b": np.arange(50.0) % 7}).to_csv(small, index=False)
    other = Project()
    other.set_table(load_table(small))
    other.set_goal(Goal(target="b"))  # the same revision numbers as the first project
    pane.controller.replace_project(other)
    report = _wait_checked(qtbot, pane)
    assert report.n_rows == 50
    assert "50 of 50" in pane.rows_left.text()
    assert pane.profile_table.rowCount() == 2


def test_dragging_a_step_reorders_the_recipe(qtbot, pane):
    from PySide6.QtCore import QModelIndex

    _wait_checked(qtbot, pane)
    steps = [
        {"op": "drop_duplicate_rows"},
        {"op": "drop_columns", "columns": ["wafer_mm"]},
        {"op": "sentinel_to_missing", "column": "humidity", "values": [-999]},
    ]
    pane.project.set_recipe(Recipe(steps))
    # what an internal drag-and-drop does to the list's model: the last step dropped on top
    assert pane.recipe_list.model().moveRows(QModelIndex(), 2, 1, QModelIndex(), 0)
    qtbot.waitUntil(lambda: pane.project.recipe.steps[0]["op"] == "sentinel_to_missing")
    assert [s["op"] for s in pane.project.recipe.steps] == [
        "sentinel_to_missing",
        "drop_duplicate_rows",
        "drop_columns",
    ]
    assert pane.recipe_list.currentRow() == 0
    assert pane.recipe_list.item(0).text().startswith("1. Treat -999")
    _wait_checked(qtbot, pane)


def _sensor_csv(tmp_path):
    """Six sensors each missing 5% at random, one missing only on line L2, and a target."""
    rng = np.random.default_rng(8)
    n = 400
    line = rng.choice(["L1", "L2"], n)
    frame = pd.DataFrame({"라인": line})
    for i in range(6):
        values = rng.normal(200, 10, n).round(2)
        values[rng.choice(n, 12 + 3 * i, replace=False)] = np.nan  # 3% to 6.75%
        frame[f"센서_{i + 1}"] = values
    bunched = rng.normal(5, 1, n).round(2)
    bunched[(line == "L2") & (rng.random(n) < 0.6)] = np.nan
    frame["압력"] = bunched
    frame["효율"] = rng.normal(20, 1, n).round(3)
    path = tmp_path / "sensors.csv"
    frame.to_csv(path, index=False)
    return path


def test_columns_missing_alike_share_one_card_and_one_button(qtbot, tmp_path):
    pane = _pane_on(qtbot, _sensor_csv(tmp_path))
    report = _wait_checked(qtbot, pane)
    missing = [a for a in report.alerts if a.kind == "missing"]
    assert {a.column for a in missing} >= {f"센서_{i + 1}" for i in range(6)} | {"압력"}
    cards = [pane.alerts_layout.itemAt(i).widget() for i in range(pane.alerts_layout.count())]
    groups = [c for c in cards if isinstance(c, AlertGroupCard)]
    assert len(groups) == 1
    group = groups[0]
    assert sorted(group.group.columns) == [f"센서_{i + 1}" for i in range(6)]
    assert group.fix_button.text() == "Add the 6 fixes to recipe"
    assert "6 columns" in group.findChildren(QLabel)[1].text()
    # the bunched column keeps its own card, telling where its gaps are
    assert _card(pane, "missing", "압력").alert.details["group_column"] == "라인"

    qtbot.mouseClick(group.fix_button, Qt.MouseButton.LeftButton)
    steps = pane.project.recipe.steps
    assert sorted(s["column"] for s in steps) == [f"센서_{i + 1}" for i in range(6)]
    assert all(s["op"] == "impute" for s in steps)
    report = _wait_checked(qtbot, pane)
    assert not any(a.kind == "missing" and a.column.startswith("센서") for a in report.alerts)
    pane.controller.runner.shutdown()


def test_quality_does_not_suggest_a_role_the_column_already_has(qtbot, tmp_path):
    # "run_no" counts up by one: ID-like. The Goal step gives it the role ID by itself, so
    # "Give it the role ID" would suggest what is already so.
    rng = np.random.default_rng(5)
    n = 240
    temp = rng.normal(800, 5, n).round(1)
    frame = pd.DataFrame(
        {
            "run_no": np.arange(1001, 1001 + n),
            "온도": temp,
            "효율": (19 + (temp - 800) * 0.02 + rng.normal(0, 0.05, n)).round(3),
        }
    )
    path = tmp_path / "runs.csv"
    frame.to_csv(path, index=False)
    pane = _pane_on(qtbot, path)
    report = _wait_checked(qtbot, pane)
    assert any(a.kind == "id_like" and a.column == "run_no" for a in report.alerts)
    card = _card(pane, "id_like", "run_no")
    assert "already has the role ID" in card.alert.fix
    assert card.fix_button.isHidden()
    # The user made it a feature: now the suggestion means something again.
    pane.project.set_role("run_no", ColumnRole.FEATURE)
    qtbot.waitUntil(lambda: "role ID (keep" in _card(pane, "id_like", "run_no").alert.fix)
    assert not _card(pane, "id_like", "run_no").fix_button.isHidden()
    pane.controller.runner.shutdown()
