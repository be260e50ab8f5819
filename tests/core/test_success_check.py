"""The goal's success criterion judges logged actions: met / not met / unclear on the 95% interval
of real before/after evidence, in the CLI listing and on the report's Actions sheet; changing the
criterion alone does not put the model out of date."""

from __future__ import annotations

import contextlib
import dataclasses
import io

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from workbench import i18n
from workbench.analysis import run_analysis
from workbench.cli import main
from workbench.feedback.actions import new_action, update_action
from workbench.feedback.evidence import compare
from workbench.feedback.evidence_wording import signed, success_decimals
from workbench.feedback.success_check import action_success_check, check_success
from workbench.pipeline import project_from_analysis
from workbench.project import Section
from workbench.report.report_xlsx import write_report
from workbench.store.project_file import open_project, save_project

RNG = np.random.default_rng(7)
BEFORE = RNG.normal(19.5, 0.10, 20).round(3)
AFTER = (BEFORE + 0.60 + RNG.normal(0, 0.10, 20)).round(3)  # up by about 0.6


def _expected_verdict(low: float, high: float, criterion: float) -> str:
    """The rule written out independently of the product."""
    if criterion >= 0:
        return "met" if low >= criterion else "not_met" if high < criterion else "unclear"
    return "met" if high <= criterion else "not_met" if low > criterion else "unclear"


def _recomputed_numbers(check) -> list[str]:
    scale = 100.0 if check.kind == "proportion" else 1.0
    d = success_decimals(check)
    return [signed(x * scale, d) for x in (check.criterion, check.difference)] + [
        signed(check.ci_low * scale, d),
        signed(check.ci_high * scale, d),
    ]


def test_a_rise_is_judged_against_a_maximize_criterion():
    ev = compare(BEFORE, AFTER).to_dict()
    low, high = ev["ci_low"], ev["ci_high"]
    assert 0.3 < low < high < 1.0  # the samples really moved by about +0.6
    cases = {low - 0.2: "met", (low + high) / 2: "unclear", high + 0.2: "not_met"}
    for criterion, verdict in cases.items():
        check = check_success(ev, round(criterion, 2), "maximize")
        assert check is not None
        assert check.verdict == verdict == _expected_verdict(low, high, round(criterion, 2))
        assert (check.difference, check.ci_low, check.ci_high) == (ev["difference"], low, high)
        for number in _recomputed_numbers(check):
            assert number in check.text
        assert {"met": ": met", "unclear": ": unclear", "not_met": ": not met"}[verdict] in (
            check.text
        )
    # "+0.3" and "0.3" mean the same: the size counts in the goal's direction.
    assert check_success(ev, -0.3, "maximize") == check_success(ev, 0.3, "maximize")


def test_a_drop_is_needed_when_the_goal_is_to_minimize():
    ev = compare(AFTER, BEFORE).to_dict()  # down by about 0.6
    low, high = ev["ci_low"], ev["ci_high"]
    assert -1.0 < low < high < -0.3
    assert check_success(ev, 0.2, "minimize").verdict == "met"
    assert check_success(ev, -0.2, "minimize").criterion == pytest.approx(-0.2)
    assert check_success(ev, 2.0, "minimize").verdict == "not_met"
    assert check_success(ev, round(-(low + high) / 2, 2), "minimize").verdict == "unclear"
    # The same drop under a maximize goal falls short of any rise.
    assert check_success(ev, 0.2, "maximize").verdict == "not_met"


def test_a_defect_rate_is_judged_in_percentage_points():
    ev = compare([1] * 60 + [0] * 340, [1] * 8 + [0] * 392).to_dict()  # 15% → 2%
    assert ev["kind"] == "proportion" and ev["ci_high"] < -0.09
    check = check_success(ev, -5, "class")  # "−5 %p": five points fewer defects
    assert check.verdict == _expected_verdict(ev["ci_low"], ev["ci_high"], -0.05) == "met"
    assert check.criterion == pytest.approx(-0.05)
    assert "−5" in check.text and "%p" in check.text
    for number in _recomputed_numbers(check):
        assert number in check.text
    assert check_success(ev, -30, "class").verdict == "not_met"


def test_no_verdict_without_evidence_or_criterion():
    ev = compare(BEFORE, AFTER).to_dict()
    assert check_success(None, 0.3, "maximize") is None
    assert check_success(ev, None, "maximize") is None
    action = new_action("Thin paste", goal={"target": "efficiency", "success": 0.3})
    assert action_success_check(action, None) is None  # logged without evidence


@pytest.fixture(scope="module")
def analyzed(tmp_path_factory):
    rng = np.random.default_rng(0)
    n = 300
    paste = rng.uniform(15, 20, n)
    frame = pd.DataFrame(
        {
            "paste_thickness": paste.round(2),
            "firing_temp": rng.uniform(820, 880, n).round(1),
            "efficiency": (19.5 + 1.2 * (paste < 16.5) + rng.normal(0, 0.15, n)).round(3),
        }
    )
    path = tmp_path_factory.mktemp("success") / "line.csv"
    frame.to_csv(path, index=False, encoding="cp949")
    return run_analysis(path, target="efficiency", controllable=["paste_thickness"])


def _project_with_logged_action(analyzed, success: float | None):
    project = project_from_analysis(analyzed, name="Line 3")
    project.set_goal(dataclasses.replace(project.goal, success=success))
    action = new_action("Thinner paste", goal={"target": "efficiency", "direction": "maximize"})
    evidence = compare(BEFORE, AFTER)
    action = update_action(
        action, outcome="improved", evidence=evidence.to_dict(), measured_effect=evidence.difference
    )
    project.actions.append(action)
    return project, evidence


def test_the_cli_listing_states_the_verdict(analyzed, tmp_path):
    project, evidence = _project_with_logged_action(analyzed, 0.3)
    path = save_project(project, tmp_path / "line.wbproj")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["actions", str(path)]) == 0
    check = check_success(evidence.to_dict(), 0.3, "maximize")
    assert check.verdict == "met"
    assert check.text in out.getvalue()

    # Logging an outcome with evidence on the command line says the verdict at once.
    fresh = new_action("Hotter kiln", goal={"target": "efficiency"})
    project.actions.append(fresh)
    save_project(project, path)
    out = io.StringIO()
    values = (" ".join(map(str, BEFORE)), " ".join(map(str, AFTER)))
    argv = ["actions", str(path), "--log", fresh.id[:8], "--outcome", "improved"]
    with contextlib.redirect_stdout(out):
        assert main([*argv, "--before-values", values[0], "--after-values", values[1]]) == 0
    assert check.text in out.getvalue()

    # Without a criterion the listing says nothing about success.
    project.set_goal(dataclasses.replace(project.goal, success=None))
    save_project(project, path)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["actions", str(path)]) == 0
    assert "Success criterion" not in out.getvalue()
    assert open_project(path, check_source_file=False).goal.success is None


def test_the_report_cell_in_english_and_korean(analyzed, tmp_path):
    project, evidence = _project_with_logged_action(analyzed, 1.5)  # far above +0.6: not met
    check = check_success(evidence.to_dict(), 1.5, "maximize")
    assert check.verdict == "not_met"
    for language, header in (("en", "Against the success criterion"), ("ko", None)):
        i18n.set_language(language)
        try:
            wb = load_workbook(write_report(project, tmp_path / f"r_{language}.xlsx"))
            expected_header = header or i18n._("Against the success criterion")
            assert expected_header != "Against the success criterion" or language == "en"
            ws, head = next(
                (ws, r)
                for ws in wb.worksheets
                for r in ws.iter_rows()
                if r[0].value == "#" and expected_header in [c.value for c in r]
            )
            col = next(c.column for c in head if c.value == expected_header)
            cell = ws.cell(row=head[0].row + 1, column=col).value
            assert cell == check.text
            if language == "ko":
                assert "Success criterion" not in cell  # translated, numbers kept
                for number in _recomputed_numbers(check):
                    assert number in cell
        finally:
            i18n.set_language("en")


def test_changing_only_the_criterion_keeps_the_model_current(analyzed):
    project = project_from_analysis(analyzed, name="Line 3")
    assert project.result(Section.MODEL) is not None
    assert not project.is_stale(Section.MODEL)
    goal_revision, actions_revision = (
        project.revision(Section.GOAL),
        project.revision(Section.ACTIONS),
    )
    project.set_goal(dataclasses.replace(project.goal, success=0.3))
    project.set_goal(dataclasses.replace(project.goal, success=-0.5))
    assert not project.is_stale(Section.MODEL) and not project.is_stale(Section.QUALITY)
    assert project.revision(Section.GOAL) == goal_revision
    # Still a change: saved, and the action log (which it judges) is shown again.
    assert project.revision(Section.ACTIONS) == actions_revision + 2 and project.dirty
    project.set_goal(dataclasses.replace(project.goal, target="paste_thickness"))
    assert project.is_stale(Section.MODEL)


def test_a_criterion_change_survives_a_reopen_without_staleness(analyzed, tmp_path):
    project = project_from_analysis(analyzed, name="Line 3")
    project.set_goal(dataclasses.replace(project.goal, success=0.4))
    path = save_project(project, tmp_path / "p.wbproj")
    reopened = open_project(path, check_source_file=False)
    assert reopened.goal.success == 0.4
    assert not reopened.is_stale(Section.MODEL)
