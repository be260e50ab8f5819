"""The Causes pane on a real analysis of the demo data (one quick run per test session)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import QPointF, Qt

from ui.controller import ProjectController
from ui.main_window import MainWindow
from ui.panes.actions_pane import ActionsPane
from ui.panes.causes_pane import CausesPane
from ui.panes.causes_text import NO_SIGNAL, comparison_rows
from workbench.analysis import run_analysis
from workbench.feedback.actions import Action
from workbench.pipeline import project_from_analysis
from workbench.project import Section
from workbench.steps.model_settings import ModelSettings
from workbench.vocabulary import ColumnRole

DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo" / "solar_cells.csv"
CONTROLLABLE = ["firing_temp", "belt_speed", "paste_thickness"]


@pytest.fixture(scope="session")
def demo_result():
    """One real fit → SHAP → cause groups of the demo data, shared by the tests."""
    return run_analysis(
        DEMO,
        target="efficiency",
        controllable=CONTROLLABLE,
        uncontrollable=["humidity"],
        settings=ModelSettings(effort="quick"),
    )


@pytest.fixture
def controller(demo_result, qtbot):
    controller = ProjectController()
    controller.replace_project(project_from_analysis(demo_result, name="demo"))
    yield controller
    controller.runner.shutdown()


@pytest.fixture
def pane(controller, qtbot):
    pane = CausesPane(controller)
    qtbot.addWidget(pane)
    pane.resize(1280, 800)
    pane.show()
    qtbot.waitUntil(lambda: pane.groups.count() > 0)
    return pane


def test_beeswarm_has_a_dot_per_explained_row_in_every_lane(pane, demo_result):
    explanation = demo_result.explanation
    lanes = pane.beeswarm.plot.lanes
    assert lanes[0] == explanation.importance.index[0]
    assert pane.beeswarm.plot.points_per_lane == [explanation.overall.n_rows] * len(lanes)
    assert pane.importance.drivers[0] == explanation.importance.index[0]

    pane.scope_combo.setCurrentIndex(pane.scope_combo.findData("focus"))
    pane.scope_combo.activated.emit(pane.scope_combo.currentIndex())
    n_focus = explanation.focus.n_rows
    assert n_focus != explanation.overall.n_rows
    assert pane.beeswarm.plot.points_per_lane == [n_focus] * len(pane.beeswarm.plot.lanes)
    assert pane.beeswarm.plot.lanes[0] == explanation.focus_importance.index[0]
    assert pane.dependence.n_points + pane.dependence.n_missing == n_focus
    assert not pane.sample_note.isVisible()


@pytest.mark.parametrize("n", [120, 4000])
def test_lane_offsets_keep_dots_in_their_lane(n):
    from ui.plots.beeswarm_plot import LANE_HALF_WIDTH, lane_offsets

    rng = np.random.default_rng(3)
    shap = np.concatenate([rng.normal(0, 0.01, n - n // 5), rng.normal(0.5, 0.1, n // 5)])
    y = lane_offsets(shap, spacing=0.01)
    assert y.shape == (n,) and np.all(np.abs(y) <= LANE_HALF_WIDTH + 1e-9)
    dense = np.abs(shap) < 0.02
    # the crowded spot around zero spreads wider than the sparse tail
    assert np.abs(y[dense]).max() > np.abs(y[~dense]).mean()


def test_many_explained_rows_are_drawn_as_a_fixed_sample(controller, qtbot, monkeypatch):
    import ui.panes.causes_pane as causes_pane

    monkeypatch.setattr(causes_pane, "MAX_SHOWN", 1000)
    pane = CausesPane(controller)
    qtbot.addWidget(pane)
    pane.show()
    qtbot.waitUntil(lambda: bool(pane.beeswarm.plot.lanes))
    lanes = pane.beeswarm.plot.lanes
    assert pane.beeswarm.plot.points_per_lane == [1000] * len(lanes)
    assert pane.dependence.n_points + pane.dependence.n_missing == 1000
    assert pane.sample_note.isVisible() and "1,000 of the 5,000" in pane.sample_note.text()


def test_selecting_a_driver_updates_the_dependence_plot(pane, demo_result, qtbot):
    explanation = demo_result.explanation
    assert pane.dependence.column == explanation.importance.index[0]
    # A numeric driver chosen in the combo
    index = pane.driver_combo.findText("firing_temp")
    pane.driver_combo.setCurrentIndex(index)
    pane.driver_combo.activated.emit(index)
    assert pane.dependence.column == "firing_temp"
    assert pane.dependence.n_points == explanation.overall.n_rows - pane.dependence.n_missing
    # A categorical driver chosen by clicking its bar in the importance plot
    y = len(pane.importance.drivers) - 1 - pane.importance.drivers.index("supplier")
    with qtbot.waitSignal(pane.importance.driver_clicked, timeout=2000) as signal:
        vb = pane.importance.getPlotItem().vb
        scene_pos = vb.mapViewToScene(QPointF(0.001, y))
        view_pos = pane.importance.mapFromScene(scene_pos)
        qtbot.mouseClick(pane.importance.viewport(), Qt.MouseButton.LeftButton, pos=view_pos)
    assert signal.args == ["supplier"]
    assert pane.dependence.column == "supplier"
    assert set(pane.dependence.levels) >= {"S1", "S2"}
    assert pane.driver_combo.currentText() == "supplier"


def test_groups_listed_with_descriptions_and_controllable_marks(pane, demo_result):
    groups = demo_result.causes.groups
    assert pane.groups.count() == len(groups) >= 3
    texts = [pane.groups.item(i).text() for i in range(pane.groups.count())]
    for text, group in zip(texts, groups, strict=True):
        assert text.startswith(group.description)
    # The demo's planted causes: thin paste, slow belt with hot firing, dry air.
    joined = "\n".join(texts)
    assert "paste_thickness is below" in joined
    assert "belt_speed is below" in joined and "firing_temp is above" in joined
    assert "humidity is below" in joined
    humid = next(t for t in texts if "humidity is below" in t)
    assert "✗ humidity" in humid
    belt = next(t for t in texts if "belt_speed is below" in t)
    assert "✓ belt_speed" in belt and "✓ firing_temp" in belt


def test_every_group_shows_its_stability_as_a_number(pane, demo_result):
    """The card states each group's stability claim, and says "Weak group." below 60%."""
    from workbench.claim_format import format_value

    texts = [pane.groups.item(i).text() for i in range(pane.groups.count())]
    for text, group in zip(texts, demo_result.causes.groups, strict=True):
        claim = group.claims["stability"]
        line = next(t for t in text.splitlines() if t.startswith("Stability "))
        assert line.startswith(f"Stability {format_value('share', claim.value)}: ")
        assert f"in {claim.n_compare} re-runs" in line
        assert line.endswith("Weak group.") == (claim.value < 0.6)


def test_selecting_a_group_fills_the_comparison(pane, demo_result):
    groups = demo_result.causes.groups
    pane.groups.setCurrentRow(1)
    table = pane.comparison
    expected = comparison_rows(groups[1])
    assert table.rowCount() == len(groups[1].conditions) + len(groups[1].also) == len(expected)
    assert table.item(0, 0).text() == groups[1].conditions[0].text
    assert table.item(0, 2).text() == "100%"  # the condition holds for the whole group
    rest = float(table.item(0, 3).text().rstrip("%"))
    assert rest < 50  # and for a minority of the other rows
    assert " vs " in table.item(0, 4).text()  # numeric: typical values inside vs outside
    assert pane.create_button.isEnabled()
    pane.groups.setCurrentRow(0)
    assert table.item(0, 0).text() == groups[0].conditions[0].text


def test_create_action_opens_the_dialog_prefilled_and_ok_adds_it(controller, demo_result, qtbot):
    pane = CausesPane(controller)
    actions_pane = ActionsPane(controller)
    window = MainWindow(controller, [pane, actions_pane])
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: pane.groups.count() > 0)
    belt_row = next(
        i
        for i, g in enumerate(demo_result.causes.groups)
        if any(c.column == "belt_speed" for c in g.conditions)
    )
    pane.groups.setCurrentRow(belt_row)
    assert not controller.project.actions
    controller.project.mark_saved()
    qtbot.mouseClick(pane.create_button, Qt.MouseButton.LeftButton)
    dialog = actions_pane.dialog
    assert dialog is not None and dialog.isVisible()
    assert window.stack.currentWidget() is actions_pane
    assert not controller.project.actions  # nothing is added before OK
    assert dialog.windowTitle() == "New action"
    assert "group" in dialog.title_edit.text()  # pre-filled from the group
    assert "belt_speed" in dialog.hypothesis_edit.toPlainText()
    assert dialog.changes_table.rowCount() == 2
    dialog.owner_edit.setText("Kim")
    with qtbot.waitSignal(pane.action_created) as signal:
        dialog.accept()
    action = signal.args[0]
    assert action.owner == "Kim"  # the user's edit of the proposal is kept
    assert isinstance(action, Action)
    assert controller.project.actions == [action]
    assert controller.project.dirty
    group = demo_result.causes.groups[belt_row]
    assert action.source_group.group_id == group.id
    assert "belt_speed" in action.hypothesis and "firing_temp" in action.hypothesis
    factors = {c["factor"]: c for c in action.changes}
    assert set(factors) == {"belt_speed", "firing_temp"}  # both controllable
    assert factors["belt_speed"]["to"].startswith("below")
    assert factors["firing_temp"]["to"].startswith("above")
    assert factors["belt_speed"]["from"]  # the usual range of the other rows
    assert window.stack.currentWidget() is actions_pane
    assert actions_pane.table.rowCount() == 1
    assert actions_pane.table.item(0, 0).text() == action.title
    assert "belt_speed" in actions_pane.table.item(0, 1).text()


def test_cancelling_the_prefilled_dialog_adds_nothing(controller, demo_result, qtbot):
    pane = CausesPane(controller)
    actions_pane = ActionsPane(controller)
    window = MainWindow(controller, [pane, actions_pane])
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: pane.groups.count() > 0)
    pane.groups.setCurrentRow(0)
    pane.create_button.click()
    actions_pane.dialog.reject()
    assert controller.project.actions == []
    assert actions_pane.table.rowCount() == 0


def test_uncontrollable_factors_never_become_changes(pane, controller, demo_result):
    humid_row = next(
        i
        for i, g in enumerate(demo_result.causes.groups)
        if any(c.column == "humidity" for c in g.conditions)
    )
    pane.groups.setCurrentRow(humid_row)
    pane.create_button.click()  # the pane alone: the proposal is added as it is
    action = controller.project.actions[-1]
    assert "humidity" not in {c["factor"] for c in action.changes}
    assert "humidity" in action.source_group.factors


def test_stale_banner_when_an_input_changes(pane, controller, qtbot):
    assert not pane.stale_banner.isVisible()
    assert pane.is_complete() and not pane.needs_attention()
    controller.project.set_role("n2_flow", ColumnRole.CONTROLLABLE)
    qtbot.waitUntil(pane.stale_banner.isVisible)
    assert pane.needs_attention() and not pane.is_complete()
    assert pane.groups.count() > 0  # the old result stays readable, marked out of date


def test_no_signal_shows_the_plain_message_and_no_groups(tmp_path, qtbot):
    rng = np.random.default_rng(1)
    n = 300
    path = tmp_path / "noise.csv"
    pd.DataFrame(
        {
            "온도": rng.normal(size=n),
            "speed": rng.normal(size=n),
            "lot": rng.choice(["A", "B"], n),
            "yield": rng.normal(size=n),
        }
    ).to_csv(path, index=False, encoding="utf-8")
    result = run_analysis(path, target="yield", settings=ModelSettings(effort="quick"))
    assert result.fit.verdict == "no_signal"
    controller = ProjectController()
    controller.replace_project(project_from_analysis(result))
    pane = CausesPane(controller)
    qtbot.addWidget(pane)
    pane.show()
    qtbot.waitUntil(pane.message.isVisible)
    assert NO_SIGNAL.format(target="yield") in pane.message.text()
    assert pane.groups.count() == 0
    assert not pane.body.isVisible()
    assert pane.beeswarm.plot.lanes == []
    assert pane.is_available() and not pane.is_complete()


def test_not_run_yet(qtbot):
    controller = ProjectController()
    pane = CausesPane(controller)
    qtbot.addWidget(pane)
    pane.show()
    assert not pane.is_available()
    assert pane.message.isVisible() and pane.groups.count() == 0
    assert controller.project.result(Section.MODEL) is None


def _library_with_failure(path, factor):
    from workbench.feedback.actions import make_change, new_action, update_action
    from workbench.feedback.library import Library
    from workbench.project import Project

    action = new_action("Thinner paste", changes=[make_change(factor, "", "< 17")])
    action = update_action(action, outcome="no_change")
    Library(path).record(action, Project(name="Line 3"))


def test_groups_say_what_was_tried_before(controller, demo_result, qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_LIBRARY", str(tmp_path / "lib"))
    _library_with_failure(tmp_path / "lib", "paste_thickness")
    pane = CausesPane(controller)
    qtbot.addWidget(pane)
    pane.show()
    qtbot.waitUntil(lambda: pane.groups.count() > 0)
    texts = [pane.groups.item(i).text() for i in range(pane.groups.count())]
    hits = [
        "paste_thickness" in {c.column for c in g.conditions} for g in demo_result.causes.groups
    ]
    assert any(hits)
    for text, hit in zip(texts, hits, strict=True):
        assert ("Tried before:" in text and "project Line 3" in text) == hit
    assert not pane.library_note.isVisible()


def test_an_outcome_logged_later_shows_when_the_pane_is_shown_again(
    controller, demo_result, qtbot, tmp_path, monkeypatch
):
    monkeypatch.setenv("WORKBENCH_LIBRARY", str(tmp_path / "lib"))
    pane = CausesPane(controller)
    qtbot.addWidget(pane)
    pane.show()
    qtbot.waitUntil(lambda: pane.groups.count() > 0)
    assert not any(
        "Tried before:" in pane.groups.item(i).text() for i in range(pane.groups.count())
    )
    pane.hide()  # the user goes to the Actions step and logs an outcome
    _library_with_failure(tmp_path / "lib", "belt_speed")
    pane.show()
    texts = [pane.groups.item(i).text() for i in range(pane.groups.count())]
    assert sum("Tried before:" in t for t in texts) == sum(
        "belt_speed" in {c.column for c in g.conditions} for g in demo_result.causes.groups
    )
    assert any("Tried before:" in t for t in texts)


def test_a_broken_library_shows_its_notice_and_the_groups(controller, qtbot, tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("WORKBENCH_LIBRARY", str(blocker / "sub" / "library.sqlite"))
    pane = CausesPane(controller)
    qtbot.addWidget(pane)
    pane.show()
    qtbot.waitUntil(lambda: pane.groups.count() > 0)
    assert pane.library_note.isVisible() and pane.library_note.text()
    assert all(
        "Tried before:" not in pane.groups.item(i).text() for i in range(pane.groups.count())
    )
