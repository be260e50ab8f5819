"""Claims audit of the GUI's texts: every number the Causes pane, the Actions pane and the
action dialog show about a cause group is recomputed from the data (tests/core/claims_check)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.core import claims_check as check
from ui.panes.action_dialog import ActionDialog
from ui.panes.actions_pane import action_details
from ui.panes.causes_text import comparison_rows, group_item_text
from workbench.analysis import run_analysis
from workbench.claim_format import format_value
from workbench.claims import audit_result
from workbench.feedback.actions import action_from_group
from workbench.steps.model_settings import ModelSettings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module", params=["demo", "ai4i"])
def analysed(request):
    if request.param == "demo":
        return run_analysis(
            ROOT / "resources" / "demo" / "solar_cells.csv",
            target="efficiency",
            controllable=["firing_temp", "belt_speed", "paste_thickness", "supplier"],
            uncontrollable=["humidity"],
            exclude=["final_test_efficiency"],
            settings=ModelSettings(effort="quick"),
        )
    return run_analysis(
        ROOT / "tests" / "truth" / "data" / "ai4i2020.csv",
        target="Machine failure",
        focus="class:1",
        exclude=["TWF", "HDF", "PWF", "OSF", "RNF"],
        settings=ModelSettings(effort="quick"),
    )


def test_causes_pane_texts_state_only_recomputed_numbers(analysed):
    result = analysed
    assert audit_result(result)[1] == 0
    texts = {}
    for g in result.causes.groups:
        rows = comparison_rows(g)
        # condition, can be set, group share, rest share (the typical ranges are not claims)
        texts[g.id] = [group_item_text(g, []), *(" ".join(r[:4]) for r in rows)]
        for row, cond in zip(rows, [*g.conditions, *g.also], strict=True):
            assert row[2] == format_value("share", cond.group_share)
    assert not check.group_texts_ok(result, texts)


def test_actions_pane_and_dialog_state_only_recomputed_numbers(qtbot, analysed):
    result = analysed
    texts: dict[int, list[str]] = {}
    for g in result.causes.groups:
        action = action_from_group(g, result.goal, result.roles)
        dialog = ActionDialog(action)
        qtbot.addWidget(dialog)
        # The last line counts the action's own history entries: a fact of the log, not data.
        details = action_details(action).splitlines()[:-1]
        texts[g.id] = [*details, dialog.hypothesis_edit.toPlainText()]
        if action.expected_effect is not None:
            assert dialog.expected_label.text()
            texts[g.id].append(dialog.expected_label.text())
    assert not check.group_texts_ok(result, texts)
