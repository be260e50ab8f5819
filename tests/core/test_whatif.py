"""The what-if profiler's core: ICE curves and their average, the range warning, the band,
the claim that recomputes, and the action that carries the prediction to the report."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from workbench.analysis import run_analysis
from workbench.claim_rows import Selection
from workbench.claims import audit_claims
from workbench.errors import AnalysisError
from workbench.feedback.evidence_wording import signed
from workbench.steps import whatif_wording as words
from workbench.steps.model_settings import ModelSettings
from workbench.steps.whatif import (
    GRID_POINTS,
    evaluate_setting,
    group_selection,
    profile_rows,
    recompute_whatif,
)
from workbench.steps.whatif_band import fit_band_models

try:  # main moved it to the pipeline module; this branch predates that move
    from workbench.pipeline import project_from_analysis
except ImportError:  # pragma: no cover - before the pipeline merge
    from workbench.store.project_file import project_from_analysis
from workbench.steps.whatif_claim import WhatIfClaim, effect_text, whatif_holds, whatif_texts

CONTROLLABLE = ["belt_speed", "firing_temp", "recipe"]


def line_table(n: int = 800, seed: int = 3, binary: bool = False) -> pd.DataFrame:
    """A line where faster belts raise efficiency (+2 per unit), firing away from 800 lowers
    it, recipe B adds 0.5, and humidity (outside the line's control) lowers it."""
    rng = np.random.default_rng(seed)
    belt = rng.uniform(1.8, 2.8, n)
    temp = rng.normal(800, 10, n)
    hum = rng.uniform(30, 70, n)
    recipe = rng.choice(["A", "B", "C"], n)
    eff = (
        20
        + 2.0 * (belt - 2.3)
        - 0.03 * np.abs(temp - 800)
        - 0.02 * (hum - 50)
        + np.where(recipe == "B", 0.5, 0)
        + rng.normal(0, 0.2, n)
    )
    out = pd.DataFrame(
        {
            "belt_speed": belt.round(3),
            "firing_temp": temp.round(1),
            "습도": hum.round(1),
            "recipe": recipe,
            "efficiency": eff.round(3),
        }
    )
    if binary:
        out["efficiency"] = np.where(eff < np.quantile(eff, 0.3), "불량", "양호")
    return out


def analyse(path, *, binary: bool = False, controllable=CONTROLLABLE):
    return run_analysis(
        path,
        target="efficiency",
        controllable=controllable,
        uncontrollable=["습도"],
        settings=ModelSettings(effort="quick"),
        **({"focus": "class:불량"} if binary else {}),
    )


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    path = tmp_path_factory.mktemp("whatif") / "line.csv"
    line_table().to_csv(path, index=False, encoding="cp949")  # a Korean header, as MES exports
    return analyse(path)


@pytest.fixture(scope="module")
def band(result):
    return fit_band_models(result.fit)


@pytest.fixture(scope="module")
def profile(result, band):
    return profile_rows(
        result.fit,
        result.frame,
        result.roles,
        group_selection(1),
        groups=result.causes.labels,
        band=band,
    )


def test_curves_for_controllable_factors_only_and_the_average_is_the_mean_of_ice(result, profile):
    assert [c.column for c in profile.curves] == CONTROLLABLE
    assert profile.held == ["습도"]
    group_rows = int((result.causes.labels == 1).sum())
    assert profile.n == profile.total == group_rows
    for curve in profile.curves:
        assert curve.ice.shape == (group_rows, len(curve.grid))
        np.testing.assert_allclose(curve.average, curve.ice.mean(axis=0), rtol=0, atol=1e-12)
        # the band holds the fitted model's own average
        assert np.all(curve.band_low <= curve.average + 1e-12)
        assert np.all(curve.average <= curve.band_high + 1e-12)
    belt = profile.curve("belt_speed")
    assert len(belt.grid) == GRID_POINTS
    assert belt.range.low <= min(belt.grid) and max(belt.grid) <= belt.range.high  # inside
    # the model learned that a faster belt raises efficiency (+2 per unit: about +1.6 here)
    assert belt.average[-1] - belt.average[0] > 1.0
    recipe = profile.curve("recipe")
    assert sorted(recipe.grid) == ["A", "B", "C"]
    b = recipe.grid.index("B")
    assert recipe.average[b] > max(a for i, a in enumerate(recipe.average) if i != b)


def test_other_factors_are_held_at_the_rows_observed_values(result):
    """Setting one row's factor to its own value predicts exactly what the model says now."""
    label = result.frame.index[7]
    own = float(result.frame.loc[label, "belt_speed"])
    claim = evaluate_setting(result.fit, result.frame, "belt_speed", own, Selection(), row=label)
    assert claim.total == claim.n == 1
    assert claim.predicted == pytest.approx(claim.now, abs=1e-12)
    assert claim.now == pytest.approx(float(result.fit.predict(result.frame.loc[[label]])[0]))
    assert words.rows_phrase(claim) == f"row {label + 1}"  # as the data grid numbers it


def test_a_setting_outside_the_data_is_answered_with_a_plain_warning(result, profile):
    rows, groups = group_selection(1), result.causes.labels
    inside = evaluate_setting(result.fit, result.frame, "belt_speed", 2.5, rows, groups=groups)
    assert not inside.outside and words.warnings(inside) == []
    far = evaluate_setting(result.fit, result.frame, "belt_speed", 3.6, rows, groups=groups)
    assert far.outside and far.similar.n == 0
    (warning,) = words.warnings(far)
    assert "outside the range seen in the data (1.80 to 2.80)" in warning
    assert "guess" in warning
    unseen = evaluate_setting(result.fit, result.frame, "recipe", "Z", rows, groups=groups)
    assert unseen.outside and "never occurs in the data" in words.warnings(unseen)[0]


def test_the_claim_states_its_numbers_and_recomputes(result, band, profile):
    rows, groups = group_selection(1), result.causes.labels
    claim = evaluate_setting(
        result.fit,
        result.frame,
        "belt_speed",
        2.6,
        rows,
        groups=groups,
        band=band,
        step=profile.step,
    )
    sentence = words.setting_sentence(claim)
    assert sentence.startswith("Set belt_speed to 2.60 on group 1's")
    for text in whatif_texts(claim)[:4]:
        assert text in sentence
    # similar rows: the data near the setting, counted where the target is known
    cond = claim.similar.rows.conditions[0]
    x = result.frame["belt_speed"]
    assert claim.similar.n == int(((x >= cond["low"]) & (x <= cond["high"])).sum())
    assert claim.similar.value == pytest.approx(
        result.frame.loc[(x >= cond["low"]) & (x <= cond["high"]), "efficiency"].mean()
    )
    assert audit_claims(result.frame, [claim.similar]) == (1, 0)
    # through JSON (as the project file stores it) and back, then computed again
    stored = WhatIfClaim.from_dict(json.loads(json.dumps(claim.to_dict())))
    again = recompute_whatif(stored, result.frame, result.fit, groups, fit_band_models(result.fit))
    assert whatif_holds(claim, again)
    assert again.band == pytest.approx(claim.band)
    # ... and a claim whose prediction was changed does not hold
    lying = WhatIfClaim.from_dict({**claim.to_dict(), "predicted": claim.predicted + 0.5})
    assert not whatif_holds(lying, recompute_whatif(lying, result.frame, result.fit, groups))


def test_the_band_is_stated_with_its_method_and_costs_little(result, band):
    assert band.count == 5 and band.rows == len(result.fit.features.y)
    claim = evaluate_setting(
        result.fit,
        result.frame,
        "firing_temp",
        800.0,
        group_selection(1),
        groups=result.causes.labels,
        band=band,
    )
    low, high = claim.band
    assert low <= claim.predicted <= high
    text = words.band_sentence(claim)
    assert "5 refits" in text and "bootstrap" in text
    # the cost, recorded: five refits against the fit they shadow (not a timing assertion)
    print(f"band: {band.seconds:.3f}s for {band.count} refits; fit: {result.fit.timings}")


def test_no_controllable_factor_is_a_plain_refusal(tmp_path):
    path = tmp_path / "line.csv"
    line_table(400).to_csv(path, index=False)
    result = analyse(path, controllable=[])
    with pytest.raises(AnalysisError) as err:
        profile_rows(result.fit, result.frame, result.roles, Selection())
    assert "controllable" in err.value.message and "Goal step" in err.value.hint


def test_a_class_goal_speaks_of_the_share_of_the_class(tmp_path):
    path = tmp_path / "defects.csv"
    line_table(900, seed=5, binary=True).to_csv(path, index=False, encoding="cp949")
    result = analyse(path, binary=True)
    profile = profile_rows(result.fit, result.frame, result.roles, Selection(base="all"))
    assert profile.label == "불량"
    belt = profile.curve("belt_speed")
    assert np.all((belt.ice >= 0) & (belt.ice <= 1))
    assert belt.average[0] > belt.average[-1]  # faster belts: fewer defects
    claim = evaluate_setting(result.fit, result.frame, "belt_speed", 2.7, Selection())
    assert claim.effect < 0
    sentence = words.setting_sentence(claim)
    assert "predicted share of efficiency = 불량" in sentence and "points" in sentence
    assert claim.similar.kind == "rate" and audit_claims(result.frame, [claim.similar]) == (1, 0)


def test_an_action_from_a_setting_carries_the_prediction_to_the_report(result, tmp_path):
    from workbench.feedback.actions import Action, actions_from_json, update_action
    from workbench.feedback.evidence import compare
    from workbench.feedback.whatif_action import action_from_whatif
    from workbench.project import Section
    from workbench.report.report_wording import label
    from workbench.report.report_xlsx import write_report
    from workbench.store.project_file import open_project, save_project

    group = result.causes.groups[0]
    claim = evaluate_setting(
        result.fit, result.frame, "belt_speed", 2.6, group_selection(1), groups=result.causes.labels
    )
    action = action_from_whatif(claim, goal=result.goal, group=group, current=2.31)
    assert action.title == "Set belt_speed to 2.60 (what-if, group 1)"
    assert action.changes == [{"factor": "belt_speed", "from": "2.31", "to": "2.60"}]
    assert action.source_group is not None and action.source_group.group_id == 1
    assert action.expected_effect is None  # a prediction is not the data's measured claim
    assert WhatIfClaim.from_dict(action.predicted_effect) == claim
    assert words.setting_sentence(claim) in action.hypothesis
    # an action saved before the field existed still opens
    old = {k: v for k, v in action.to_dict().items() if k != "predicted_effect"}
    assert Action.from_dict(old).predicted_effect is None

    evidence = compare([20.1, 20.3, 20.2, 20.0, 20.4, 20.2], [20.6, 20.9, 20.7, 21.0, 20.8, 20.7])
    logged = update_action(action, outcome="improved", evidence=evidence.to_dict())
    project = project_from_analysis(result, name="whatif")
    project.set_goal(dataclasses.replace(project.goal, success=0.3))  # +0.3 efficiency points
    project.actions = [logged]
    reopened = open_project(save_project(project, tmp_path / "p.wbproj"))
    (back,) = actions_from_json(reopened.actions)
    assert back.predicted_effect == logged.predicted_effect
    # the reopened project's model answers the same question the same way (no refit)
    again_result = reopened.result(Section.MODEL)
    stored = WhatIfClaim.from_dict(back.predicted_effect)
    again = recompute_whatif(
        stored, again_result.frame, again_result.fit, again_result.causes.labels
    )
    assert whatif_holds(stored, again)
    assert again.predicted == pytest.approx(claim.predicted, abs=1e-9)

    ws = load_workbook(write_report(reopened, tmp_path / "r.xlsx"))["Actions"]
    header = next(r for r in ws.iter_rows(values_only=True) if r[0] == "#")
    predicted_at = header.index(label("col_predicted"))
    measured_at = header.index(label("col_measured"))
    assert measured_at == predicted_at + 1  # side by side
    row = next(r for r in ws.iter_rows(values_only=True) if r[1] == action.title)
    assert row[predicted_at].startswith(effect_text(claim) + " (")
    assert "belt_speed at 2.60" in row[predicted_at]
    measured = row[measured_at]
    assert measured.startswith(signed(evidence.difference, 2)) and "95% CI" in measured
    # ... and the success check judges the same evidence against the goal's +0.3
    success_at = header.index(label("col_success"))
    assert "+0.30" in row[success_at] and "met" in row[success_at]


def test_the_audit_and_the_action_log_see_a_whatif_action(result):
    from workbench.claims import analysis_claims, audit_result
    from workbench.feedback.actions_wording import action_details
    from workbench.feedback.whatif_action import action_from_whatif

    claim = evaluate_setting(result.fit, result.frame, "firing_temp", 805.0, Selection())
    action = action_from_whatif(claim, goal=result.goal)
    assert action.source_group is None and action.title == "Set firing_temp to 805 (what-if)"
    assert claim.similar in analysis_claims(result, [action])
    before, wrong_before = audit_result(result)
    assert audit_result(result, [action]) == (before + 1, wrong_before)
    lines = action_details(action)
    assert any(line.strip().startswith("Predicted by the what-if:") for line in lines)


def test_the_command_line_answers_from_a_saved_project(result, tmp_path, capsys):
    from workbench.cli import run_command
    from workbench.feedback.actions import actions_from_json
    from workbench.store.project_file import open_project, save_project

    path = save_project(project_from_analysis(result, name="line"), tmp_path / "line.wbproj")
    out = tmp_path / "whatif.json"
    setting = ["--factor", "belt_speed", "--value", "2.6", "--group", "1"]
    code = run_command(["whatif", str(path), *setting, "--json", str(out), "--add-action"])
    printed = capsys.readouterr().out
    assert code == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    claim = WhatIfClaim.from_dict(doc["whatif"])
    assert printed.startswith(words.setting_sentence(claim))
    assert "5 refits" in printed and "Similar rows:" in printed
    same = evaluate_setting(
        result.fit, result.frame, "belt_speed", 2.6, group_selection(1), groups=result.causes.labels
    )
    assert claim.predicted == pytest.approx(same.predicted, abs=1e-9)
    (action,) = actions_from_json(open_project(path).actions)
    assert WhatIfClaim.from_dict(action.predicted_effect) == claim

    # --row counts as the data grid does, from 1
    one = ["--factor", "recipe", "--value", "B", "--row", "13", "--json", str(out)]
    assert run_command(["whatif", str(path), *one]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["whatif"]["row"] == 12
    assert "on row 13 →" in capsys.readouterr().out

    # plain refusals, nothing written
    before = path.read_bytes()
    for args, said in (
        (["--factor", "습도", "--value", "50"], "not a controllable factor"),
        (["--factor", "belt_speed", "--value", "fast"], "is not a number"),
        (["--factor", "belt_speed", "--value", "2", "--group", "9"], "no cause group 9"),
        (["--factor", "belt_speed", "--value", "2", "--row", "999999"], "Row 999,999 is not"),
    ):
        assert run_command(["whatif", str(path), *args, "--add-action"]) == 2
        assert said in capsys.readouterr().err
    assert path.read_bytes() == before


def test_several_classes_speak_of_the_class_in_focus(tmp_path):
    table = line_table(900, seed=8)
    table["efficiency"] = pd.cut(table["efficiency"], 3, labels=["low", "mid", "high"])
    path = tmp_path / "classes.csv"
    table.to_csv(path, index=False)
    result = run_analysis(
        path,
        target="efficiency",
        controllable=CONTROLLABLE,
        uncontrollable=["습도"],
        settings=ModelSettings(effort="quick"),
        focus="class:high",
    )
    assert result.fit.task == "multiclass"
    band = fit_band_models(result.fit)
    profile = profile_rows(result.fit, result.frame, result.roles, Selection(), band=band)
    assert profile.label == "high"
    belt = profile.curve("belt_speed")
    assert belt.average[-1] - belt.average[0] > 0.3  # fast belts: far more "high" runs
    claim = evaluate_setting(result.fit, result.frame, "belt_speed", 2.7, Selection(), band=band)
    assert 0 <= claim.band[0] <= claim.predicted <= claim.band[1] <= 1
    assert "predicted share of efficiency = high" in words.setting_sentence(claim)
    assert audit_claims(result.frame, [claim.similar]) == (1, 0)


def test_a_damaged_prediction_record_is_left_unsaid(result, tmp_path):
    from workbench.claims import audit_result
    from workbench.feedback.actions import Action
    from workbench.feedback.actions_wording import action_details
    from workbench.project import Project, Section
    from workbench.report.report_xlsx import write_report

    doc = {"title": "Hand-edited", "predicted_effect": {"column": "belt_speed", "similar": {}}}
    action = Action.from_dict(doc)
    assert words.predicted_short(action.predicted_effect) == ""
    assert not any("what-if" in line for line in action_details(action))
    assert audit_result(result, [action]) == audit_result(result)
    project = Project(name="damaged")
    project.set_result(Section.MODEL, result)
    project.actions = [action]
    ws = load_workbook(write_report(project, tmp_path / "r.xlsx"))["Actions"]
    row = next(r for r in ws.iter_rows(values_only=True) if r[1] == "Hand-edited")
    assert row[11] is None and row[12] is None


def test_a_factor_that_moves_with_another_is_said(tmp_path):
    """Setting belt_speed alone when the line always runs n2_flow with it is a combination the
    data do not show: the answer says so."""
    table = line_table(500, seed=11)
    rng = np.random.default_rng(0)
    table["n2_flow"] = (table["belt_speed"] * 10 + rng.normal(0, 0.4, len(table))).round(2)
    path = tmp_path / "together.csv"
    table.to_csv(path, index=False)
    result = analyse(path)
    claim = evaluate_setting(result.fit, result.frame, "belt_speed", 2.6, Selection())
    ((column, r),) = claim.together
    assert column == "n2_flow" and r > 0.9
    x = result.frame[["belt_speed", "n2_flow"]]
    assert r == pytest.approx(x.rank().corr().iloc[0, 1])
    (warning,) = words.warnings(claim)
    assert "moves together with n2_flow (+0.9" in warning
    again = WhatIfClaim.from_dict(json.loads(json.dumps(claim.to_dict())))
    assert again.together == claim.together
    firing = evaluate_setting(result.fit, result.frame, "firing_temp", 800.0, Selection())
    assert firing.together == ()


def test_a_model_without_signal_gives_no_what_if(tmp_path):
    table = line_table(400, seed=2)
    table["efficiency"] = np.random.default_rng(1).normal(20, 1, len(table)).round(3)
    path = tmp_path / "noise.csv"
    table.to_csv(path, index=False)
    result = analyse(path)
    assert result.fit.verdict == "no_signal"
    with pytest.raises(AnalysisError) as err:
        evaluate_setting(result.fit, result.frame, "belt_speed", 2.5, Selection())
    assert "no better than a simple average" in err.value.message
    with pytest.raises(AnalysisError):
        profile_rows(result.fit, result.frame, result.roles, Selection())
