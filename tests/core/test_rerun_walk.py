"""Issue 15's "Done when", walked as a user walks it, on the command line:

demo project → next week's file (belt_speed shifted, a supplier never seen, o2_flow missing,
the relationship turned on the measured rows) → ``rerun`` → drift said in words, scores
exported, model drift measured on the labelled rows → what-if on the belt-speed group's
controllable factor → an action carrying the predicted effect → the outcome logged with
before/after files → the report, read back with openpyxl: "What changed", predicted vs
measured and the success check, every number recomputed here from the rows it names
(NumPy/SciPy, not the product's code).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from scipy import stats

from tests.core.next_week import DEMO_PROJECT, ROOT, next_week_rows
from workbench.feedback.actions import actions_from_json
from workbench.feedback.whatif_action import action_from_whatif
from workbench.project import Section
from workbench.steps.whatif import evaluate_setting, group_selection
from workbench.store.project_file import open_project, save_project

NUMBER = re.compile(r"[+-]?\d[\d,]*(?:\.\d+)?")


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), WORKBENCH_LANG="en")
    run = subprocess.run(
        [sys.executable, "-m", "workbench.cli", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=300,
        cwd=str(ROOT),
    )
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    return run


def _numbers(text: str) -> list[float]:
    return [float(n.replace(",", "")) for n in NUMBER.findall(text)]


def _shown(text: str, value: float) -> bool:
    """``text`` is ``value`` rounded to the digits it shows."""
    decimals = len(text.split(".")[1]) if "." in text else 0
    return abs(float(text.replace(",", "")) - value) <= 0.5 * 10**-decimals + 1e-9


def _cells(ws) -> list:  # type: ignore[no-untyped-def]
    return [v for row in ws.iter_rows(values_only=True) for v in row if v is not None]


def test_next_week_file_to_success_check(tmp_path: Path) -> None:
    # 1. The saved project and next week's export (cp949, as the MES writes it).
    project_file = tmp_path / "line.wbproj"
    shutil.copy(DEMO_PROJECT, project_file)
    rows = next_week_rows(1500, seed=3)
    new_file = tmp_path / "next_week.csv"
    rows.to_csv(new_file, index=False, encoding="cp949")

    # 2. Re-apply: scores exported, summary as JSON, the re-applied project kept.
    week = tmp_path / "week.wbproj"
    scores_file = tmp_path / "scores.xlsx"
    summary_file = tmp_path / "summary.json"
    run = _cli(
        "rerun", str(project_file), str(new_file), "--scores", str(scores_file),
        "--json", str(summary_file), "--project", str(week),
    )  # fmt: skip
    summary = json.loads(summary_file.read_text(encoding="utf-8"))

    # 3. Drift said in words, its numbers those of the rows it names.
    saved = open_project(project_file)
    analysis = saved.result(Section.MODEL)
    trained = analysis.frame.loc[analysis.fit.features.y.index]
    belt = next(d for d in summary["drift"] if d["column"] == "belt_speed")
    assert belt["message"].startswith("belt_speed runs higher") and belt["message"] in run.stdout
    median_new = float(np.median(rows["belt_speed"]))
    median_old = float(np.median(trained["belt_speed"]))
    said = NUMBER.findall(belt["message"].split(":", 1)[1])  # "median 227.3 vs 212.2"
    assert _shown(said[0], median_new) and _shown(said[1], median_old)
    supplier = next(d for d in summary["drift"] if d["column"] == "supplier")
    assert supplier["numbers"]["new_levels"] == ["S9"]
    assert supplier["numbers"]["new_levels_share"] == pytest.approx(
        float(np.mean(rows["supplier"] == "S9"))
    )
    changes = {(c["kind"], c["column"]) for c in summary["changes"]}
    assert {("missing", "o2_flow"), ("new_levels", "supplier")} <= changes

    # 4. Scores: every row, next to its input columns, the saved model's predictions.
    scores = pd.read_excel(scores_file)
    assert len(scores) == len(rows)
    assert list(scores.columns[: rows.shape[1]]) == list(rows.columns)
    frame = rows.assign(o2_flow=np.nan)
    frame["humidity"] = frame["humidity"].where(frame["humidity"] != -999)  # the recipe's fix
    expected = analysis.fit.predict(frame)
    assert np.allclose(scores["predicted efficiency"], expected, atol=1e-9)

    # 5. Model drift on the labelled rows: R² recomputed from the exported scores.
    labelled = scores["efficiency"].notna()
    y = scores.loc[labelled, "efficiency"].to_numpy(float)
    p = scores.loc[labelled, "predicted efficiency"].to_numpy(float)
    r2 = 1.0 - np.sum((y - p) ** 2) / np.sum((y - y.mean()) ** 2)
    md = summary["model_drift"]
    assert md["rows"] == int(labelled.sum()) and md["new_score"] == pytest.approx(r2)
    assert md["refit_recommended"] is True and "Refit recommended" in run.stdout

    # 6. What-if on the group whose route is belt speed: set belt_speed to the group's lower
    # quartile on its rows, read the predicted efficiency, and make the action from that
    # setting (the prediction travels with it; the report shows it beside the measured change).
    project = open_project(week)
    assert project.rerun is not None and project.rerun.file_name == "next_week.csv"
    result = project.result(Section.MODEL)
    group = next(
        g for g in result.causes.groups if any(c.column == "belt_speed" for c in g.conditions)
    )
    labels = result.causes.labels
    on_group = result.frame.loc[labels[labels == group.id].index, "belt_speed"]
    setting = float(on_group.quantile(0.25))
    claim = evaluate_setting(
        result.fit, result.frame, "belt_speed", setting, group_selection(group.id), groups=labels
    )
    assert claim.n == len(on_group) and not claim.outside
    # the prediction recomputed from the rows it names: the model on the group's rows, belt
    # speed set, every other column as observed
    moved = result.frame.loc[on_group.index].assign(belt_speed=claim.value)
    assert claim.predicted == pytest.approx(float(np.mean(result.fit.predict(moved))), rel=1e-9)
    action = action_from_whatif(claim, project.goal, group=group, owner="박 과장")
    assert action.predicted_effect is not None
    assert "belt_speed" in [c["factor"] for c in action.changes]
    assert action.predicted_effect["predicted"] == pytest.approx(claim.predicted)
    project.actions.append(action)
    save_project(project, week)

    # 7. Tried on the line; the outcome is logged with before/after files.
    rng = np.random.default_rng(15)
    before = rng.normal(19.6, 0.2, 30).round(3)
    after = rng.normal(20.3, 0.2, 30).round(3)
    pd.DataFrame({"효율": before}).to_csv(tmp_path / "before.csv", index=False, encoding="cp949")
    pd.DataFrame({"효율": after}).to_csv(tmp_path / "after.csv", index=False, encoding="cp949")
    _cli(
        "actions", str(week), "--log", action.id[:8], "--outcome", "improved",
        "--before", f"{tmp_path / 'before.csv'}:효율", "--after", f"{tmp_path / 'after.csv'}:효율",
        "--unit", "%p",
    )  # fmt: skip
    logged = next(a for a in actions_from_json(open_project(week).actions) if a.id == action.id)
    assert logged.result_kind == "improved" and logged.evidence["test"] == "welch"

    # 8. The report, read back: "What changed" and the success check, numbers recomputed.
    report = tmp_path / "report.xlsx"
    _cli("report", str(week), "--report", str(report))
    wb = openpyxl.load_workbook(report)
    assert wb.sheetnames[:2] == ["Summary", "What changed"]
    page = _cells(wb["What changed"])
    head = next(c for c in page if isinstance(c, str) and c.startswith("New file:"))
    assert _numbers(head)[0] == len(rows)  # "New file: next_week.csv, 1,500 rows, …"
    assert f"{len(trained):,} rows the model was trained on" in head
    i = page.index("belt_speed")
    assert page[i + 2] == pytest.approx(belt["score"])  # PSI
    assert page[i + 4 : i + 6] == [pytest.approx(median_old), pytest.approx(median_new)]
    assert page[i + 6] == belt["message"]
    metric = page.index("R²")
    assert page[metric + 3] == pytest.approx(r2) and page[metric + 4] == int(labelled.sum())
    assert page[metric + 5] == "yes"  # refit recommended

    welch = stats.ttest_ind(after, before, equal_var=False)
    ci = welch.confidence_interval(0.95)
    diff = float(after.mean() - before.mean())
    assert ci.low >= 0.3  # so the verdict must be "met"
    row = next(
        r for ws in wb.worksheets for r in ws.iter_rows(values_only=True) if "박 과장" in r
    )  # this action's row of the action log (the demo's earlier one has the same title)
    # predicted by the what-if beside measured, both in the row, recomputed
    predicted = next(c for c in row if isinstance(c, str) and "with belt_speed at" in c)
    effect, now, then = re.findall(r"[+-]?\d+\.\d+", predicted)[:3]
    assert _shown(effect, claim.predicted - claim.now)
    assert _shown(now, claim.now) and _shown(then, claim.predicted)
    measured = next(c for c in row if isinstance(c, str) and "95% CI" in c)
    m_diff, m_low, m_high = re.findall(r"[+-]\d+\.\d+", measured)[:3]
    assert _shown(m_diff, diff) and _shown(m_low, ci.low) and _shown(m_high, ci.high)
    success = next(c for c in row if isinstance(c, str) and c.startswith("Success criterion"))
    assert ": met" in success
    criterion, measured, low, high = re.findall(r"[+-]\d+\.\d+", success)[:4]
    assert float(criterion) == pytest.approx(0.3)
    assert _shown(measured, diff) and _shown(low, ci.low) and _shown(high, ci.high)
