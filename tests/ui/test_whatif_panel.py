"""The what-if profiler in the Causes pane, on a real analysis of a small line table."""

from __future__ import annotations

import numpy as np
import pytest

from tests.core.test_whatif import CONTROLLABLE, analyse, line_table
from ui.controller import ProjectController
from ui.panes.causes_pane import CausesPane
from ui.panes.whatif_text import TAB
from workbench.feedback.actions import Action
from workbench.project import Section
from workbench.steps.whatif_claim import WhatIfClaim

try:  # main moved it to the pipeline module; this branch predates that move
    from workbench.pipeline import project_from_analysis
except ImportError:  # pragma: no cover - before the pipeline merge
    from workbench.store.project_file import project_from_analysis


@pytest.fixture(scope="module")
def line_result(tmp_path_factory):
    path = tmp_path_factory.mktemp("whatif_ui") / "line.csv"
    line_table().to_csv(path, index=False, encoding="cp949")
    return analyse(path)


@pytest.fixture
def pane(line_result, qtbot):
    controller = ProjectController()
    controller.replace_project(project_from_analysis(line_result, name="line"))
    pane = CausesPane(controller)
    qtbot.addWidget(pane)
    pane.resize(1280, 800)
    pane.show()
    qtbot.waitUntil(lambda: pane.groups.count() > 0)
    yield pane
    controller.runner.shutdown()


def _open_whatif(pane, qtbot):
    tabs = pane.right_tabs
    tabs.setCurrentIndex(tabs.indexOf(pane.whatif))
    assert tabs.tabText(tabs.currentIndex()) == TAB
    qtbot.waitUntil(lambda: pane.whatif.claim is not None, timeout=30_000)
    return pane.whatif


def test_nothing_is_computed_until_the_tab_is_opened(pane):
    assert pane.whatif.profile is None
    assert not pane.controller.runner.is_running("whatif")


def test_a_group_shows_one_curve_per_controllable_factor(pane, qtbot, line_result):
    panel = _open_whatif(pane, qtbot)
    assert list(panel.plots) == CONTROLLABLE
    group_rows = int((line_result.causes.labels == pane.selected_group().id).sum())
    assert panel.profile.total == group_rows
    belt = panel.plots["belt_speed"]
    assert belt.n_lines == min(group_rows, 40)
    assert panel.plots["recipe"].levels and sorted(panel.plots["recipe"].levels) == ["A", "B", "C"]
    assert "습도" in panel.status.text()  # held at the observed values, said so
    # the first factor starts at the group's typical value
    curve = panel.profile.curve("belt_speed")
    assert panel.editors["belt_speed"].value() == pytest.approx(curve.current, abs=1e-3)


def test_moving_a_factor_updates_the_sentence_and_warns_outside_the_data(pane, qtbot):
    panel = _open_whatif(pane, qtbot)
    group = pane.selected_group().id
    panel.set_value("belt_speed", 2.6)
    qtbot.waitUntil(lambda: panel.claim.value == 2.6)
    sentence = panel.sentence.text()
    assert sentence.startswith(f"Set belt_speed to 2.60 on group {group}'s")
    assert "similar rows" in sentence
    assert "refits" in panel.details.text()
    assert panel.warning.text() == ""
    # dragging the marker asks the same question
    plot = panel.plots["firing_temp"]
    plot.marker.setValue(805.0)
    plot.marker.sigPositionChangeFinished.emit(plot.marker)
    qtbot.waitUntil(lambda: panel.claim.column == "firing_temp")
    assert panel.active == "firing_temp"
    assert panel.editors["firing_temp"].value() == pytest.approx(805.0, abs=0.05)
    # typed beyond the data: answered, with a plain warning
    spin = panel.editors["belt_speed"]
    spin.setValue(3.5)
    spin.editingFinished.emit()
    qtbot.waitUntil(lambda: panel.claim.value == 3.5)
    assert "outside the range seen in the data" in panel.warning.text()


def test_other_rows_one_row_and_the_focus(pane, qtbot, line_result):
    panel = _open_whatif(pane, qtbot)
    panel.rows_combo.setCurrentIndex(panel.rows_combo.findData("row"))
    panel.row_spin.setValue(int(line_result.frame.index[12]) + 1)  # the grid's number
    panel.rows_combo.activated.emit(panel.rows_combo.currentIndex())
    qtbot.waitUntil(lambda: panel.claim is not None and panel.claim.row is not None)
    assert panel.profile.total == 1
    ice = panel.profile.curve("belt_speed").ice
    np.testing.assert_allclose(panel.profile.curve("belt_speed").average, ice[0])
    assert panel.claim.row == line_result.frame.index[12]
    assert f"row {line_result.frame.index[12] + 1}" in panel.sentence.text()


def test_create_action_from_a_setting(pane, qtbot):
    panel = _open_whatif(pane, qtbot)
    panel.set_value("recipe", "B")
    qtbot.waitUntil(lambda: panel.claim.value == "B")
    assert panel.create_button.isEnabled()
    with qtbot.waitSignal(pane.action_created) as made:
        panel.create_button.click()
    action = made.args[0]
    assert isinstance(action, Action)
    assert action.changes[0]["factor"] == "recipe" and action.changes[0]["to"] == "B"
    claim = WhatIfClaim.from_dict(action.predicted_effect)
    assert claim == panel.claim
    assert pane.project.actions[-1] is action
    assert pane.project.result(Section.MODEL) is not None


def test_korean_wording(pane, qtbot):
    from workbench.i18n import set_language
    from workbench.steps import whatif_wording as words

    panel = _open_whatif(pane, qtbot)
    try:
        set_language("ko")
        korean = words.setting_sentence(panel.claim)
    finally:
        set_language("en")
    assert korean != words.setting_sentence(panel.claim)
    assert any("\uac00" <= ch <= "\ud7a3" for ch in korean)


def test_the_proposed_action_keeps_the_prediction_through_the_dialog(line_result, qtbot):
    from ui.main_window import MainWindow
    from ui.panes.actions_pane import ActionsPane
    from workbench.steps.whatif_wording import predicted_short

    controller = ProjectController()
    controller.replace_project(project_from_analysis(line_result, name="line"))
    pane = CausesPane(controller)
    actions_pane = ActionsPane(controller)
    window = MainWindow(controller, [pane, actions_pane])
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: pane.groups.count() > 0)
    panel = _open_whatif(pane, qtbot)
    panel.set_value("belt_speed", 2.5)
    qtbot.waitUntil(lambda: panel.claim.value == 2.5)
    panel.create_button.click()
    dialog = actions_pane.dialog
    assert dialog is not None and window.stack.currentWidget() is actions_pane
    assert dialog.predicted_label.text() == predicted_short(panel.claim)
    assert "belt_speed at 2.50" in dialog.predicted_label.text()
    dialog.owner_edit.setText("Kim")
    with qtbot.waitSignal(pane.action_created) as made:
        dialog.accept()
    action = made.args[0]
    assert action.owner == "Kim"
    assert WhatIfClaim.from_dict(action.predicted_effect) == panel.claim
    controller.runner.shutdown()


def test_all_rows_and_back_to_no_group_and_a_group_again(pane, qtbot, line_result):
    from ui.panes.whatif_text import NO_GROUP

    panel = _open_whatif(pane, qtbot)
    panel.rows_combo.setCurrentIndex(panel.rows_combo.findData("all"))
    panel.rows_combo.activated.emit(panel.rows_combo.currentIndex())
    qtbot.waitUntil(lambda: panel.claim is not None and panel.claim.total == len(line_result.frame))
    assert f"on all {len(line_result.frame)} rows" in panel.sentence.text()
    panel.rows_combo.setCurrentIndex(panel.rows_combo.findData("group"))
    pane.groups.setCurrentRow(-1)
    panel.rows_combo.activated.emit(panel.rows_combo.currentIndex())
    assert panel.status.text() == NO_GROUP and not panel.plots
    assert not panel.create_button.isEnabled()
    pane.groups.setCurrentRow(0)
    qtbot.waitUntil(lambda: panel.claim is not None, timeout=30_000)
    assert panel.claim.group == pane.selected_group().id
