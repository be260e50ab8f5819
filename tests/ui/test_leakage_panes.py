"""Leak flags in the panes: the Quality pane's one-click put-back (and out again), and the Model
pane's "keep them out and fit again" on a model too good to be true — real files, real fits."""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import Qt

from ui.controller import ProjectController
from ui.panes.model_pane import ModelPane
from ui.panes.quality_pane import AlertCard, QualityPane
from workbench.jobs import JobContext
from workbench.pipeline import load_data
from workbench.project import Project, Section
from workbench.steps.goal import Goal
from workbench.steps.model_settings import ModelSettings
from workbench.tables.loader import load_table
from workbench.tables.table import LoadOptions
from workbench.vocabulary import ColumnRole

FLAGS = ["mode_a", "mode_b"]


@pytest.fixture
def flagged_csv(tmp_path):
    """Defects (NG, ~10%) weakly driven by temperature; two failure-mode flags whose OR is NG."""
    rng = np.random.default_rng(5)
    n = 1500
    temp = rng.normal(200, 5, n)
    score = (temp - 200) / 5 + rng.normal(0, 1.5, n)
    ng = score > np.quantile(score, 0.9)
    which = rng.random(n) < 0.5
    frame = pd.DataFrame(
        {
            "온도": temp.round(2),
            "속도": rng.uniform(1, 3, n).round(3),
            "판정": np.where(ng, "NG", "OK"),
            "mode_a": (ng & which).astype(int),
            "mode_b": (ng & ~which).astype(int),
        }
    )
    path = tmp_path / "flags.csv"
    frame.to_csv(path, index=False, encoding="cp949")
    return path


def test_quality_pane_puts_a_flag_back_and_out_again(qtbot, flagged_csv):
    controller = ProjectController()
    project = controller.project
    project.set_table(load_table(flagged_csv))
    project.set_goal(Goal("판정", "class", "class:NG", positive_class="NG"))
    pane = QualityPane(controller)
    qtbot.addWidget(pane)
    pane.show()
    try:
        qtbot.waitUntil(lambda: pane.is_complete(), timeout=60_000)

        def card(column: str) -> AlertCard:
            cards = [
                pane.alerts_layout.itemAt(i).widget() for i in range(pane.alerts_layout.count())
            ]
            (found,) = [
                c
                for c in cards
                if isinstance(c, AlertCard)
                and c.alert.kind == "leakage"
                and c.alert.column == column
            ]
            return found

        a = card("mode_a")
        assert "non-zero only in rows where 판정 is NG" in a.alert.message
        assert "“mode_b”" in a.alert.message  # the family is named
        assert a.put_back_button is not None
        assert a.put_back_button.text() == "Put back into the model"
        qtbot.mouseClick(a.put_back_button, Qt.MouseButton.LeftButton)
        assert project.roles["mode_a"] == ColumnRole.FEATURE
        b = card("mode_a")
        assert b.put_back_button is not None
        assert b.put_back_button.text() == "Keep out of the model again"
        qtbot.mouseClick(b.put_back_button, Qt.MouseButton.LeftButton)
        assert "mode_a" not in project.roles
    finally:
        controller.runner.shutdown()


def test_model_pane_keeps_the_giveaway_out_and_fits_again(qtbot, flagged_csv):
    project = Project()
    project.set_table(load_data(JobContext(None, threading.Event()), flagged_csv, LoadOptions()))
    project.set_goal(Goal("판정", "class", "class:NG", positive_class="NG"))
    for column in FLAGS:  # the user put the flagged columns back into the model
        project.set_role(column, ColumnRole.FEATURE)
    project.set_settings(ModelSettings(effort="quick", n_folds=3))
    controller = ProjectController()
    controller.replace_project(project)
    pane = ModelPane(controller)
    pane.cluster_in_worker = False
    qtbot.addWidget(pane)
    pane.show()
    try:
        qtbot.mouseClick(pane.run_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: project.result(Section.MODEL) is not None, timeout=90_000)
        qtbot.waitUntil(lambda: not pane.is_running(), timeout=10_000)
        fit = project.result(Section.MODEL).fit
        assert fit.verdict == "too_good" and set(fit.giveaway) <= set(FLAGS) and fit.giveaway
        assert "too good to be true" in pane.verdict_label.text()
        assert pane.keep_out_button.isVisibleTo(pane)
        assert pane.keep_out_button.text().startswith("Keep " + fit.giveaway[0])
        first = fit
        qtbot.mouseClick(pane.keep_out_button, Qt.MouseButton.LeftButton)
        for column in fit.giveaway:
            assert column not in project.roles  # back to the flag's suggestion: kept out
        qtbot.waitUntil(
            lambda: project.result(Section.MODEL).fit is not first and not pane.is_running(),
            timeout=90_000,
        )
        again = project.result(Section.MODEL).fit
        assert not set(again.giveaway) and again.verdict != "too_good"
        assert not set(fit.giveaway) & set(again.features.columns)
        assert not pane.keep_out_button.isVisibleTo(pane)
    finally:
        controller.runner.shutdown()


def test_roles_table_says_why_a_flag_is_kept_out(qtbot, flagged_csv):
    from ui.panes.goal_roles import WHY, RolesTable
    from workbench.steps.quality import assess_quality

    table = load_table(flagged_csv)
    frame, kinds = table.frame, dict(table.kinds)
    quality = assess_quality(frame, kinds, target="판정", focus="class:NG")
    roles = RolesTable()
    qtbot.addWidget(roles)
    assert roles.fill("판정", frame, kinds, quality, {}) == ""
    why = {roles.item(r, 0).text(): roles.item(r, WHY) for r in range(roles.rowCount())}
    assert why["mode_a"].text() == "gives the result away"  # not "almost a copy"
    assert "only in the focus rows" in why["mode_a"].toolTip()
    assert why["온도"].text() == ""
