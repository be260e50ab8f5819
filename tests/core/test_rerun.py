"""Re-applying the demo project to "next week's" file: replay, drift, scores, model drift.

The next-week file is built here from the demo data: belt_speed runs 15 higher, supplier has a
level never seen ("S9"), o2_flow is missing, paste_thickness holds some text cells (so it reads
as text), and the efficiency of the labelled rows follows a changed relationship. The command
runs as a user runs it (``python -m workbench.cli rerun ...``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workbench.project import Section
from workbench.store.project_file import open_project

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "resources" / "demo"
UNSHIFTED = ["firing_temp", "n2_flow", "humidity", "ambient_temp", "line", "shift", "작업자"]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), WORKBENCH_LANG="en")
    return subprocess.run(
        [sys.executable, "-m", "workbench.cli", "rerun", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        cwd=str(ROOT),
    )


def _demo_rows(n: int, seed: int) -> pd.DataFrame:
    """``n`` distinct demo rows as a later export: new run ids, four months later."""
    df = pd.read_csv(DEMO / "solar_cells.csv").drop_duplicates()
    rows = df.sample(n, random_state=seed).reset_index(drop=True)
    rows["run_id"] = [f"N{i:05d}" for i in range(len(rows))]
    rows["timestamp"] = (pd.to_datetime(rows["timestamp"]) + pd.Timedelta(days=120)).dt.strftime(
        "%Y-%m-%d %H:%M"
    )
    return rows


@pytest.fixture(scope="module")
def next_week(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("rerun")
    rows = _demo_rows(3000, seed=3)
    rows["belt_speed"] = (rows["belt_speed"] + 15).round(1)
    rows.loc[rows.index % 10 == 0, "supplier"] = "S9"
    rows = rows.drop(columns=["o2_flow"])
    thickness = rows["paste_thickness"].astype(object)
    thickness[rows.index % 25 == 1] = "thick"
    rows["paste_thickness"] = thickness
    mean = rows["efficiency"].mean()
    rows["efficiency"] = (2 * mean - rows["efficiency"]).round(2)  # the relationship turned over
    rows.loc[rows.index % 5 == 4, "efficiency"] = np.nan  # not measured yet
    path = folder / "next_week.csv"
    rows.to_csv(path, index=False)
    scores = folder / "scores.csv"
    summary = folder / "summary.json"
    run = _cli(
        str(DEMO / "demo.wbproj"), str(path), "--scores", str(scores), "--json", str(summary)
    )
    return {"rows": rows, "run": run, "scores": scores, "summary": summary, "folder": folder}


def test_rerun_says_drift_in_words_for_the_shifted_factor_only(next_week: dict) -> None:
    run = next_week["run"]
    assert run.returncode == 0, run.stderr
    doc = json.loads(Path(next_week["summary"]).read_text(encoding="utf-8"))
    moved = {d["column"]: d for d in doc["drift"]}
    belt = moved["belt_speed"]
    assert belt["kind"] == "numeric" and belt["score"] >= 0.25
    times = pd.to_datetime(next_week["rows"]["timestamp"])
    new_period = f"{times.min():%Y-%m} to {times.max():%Y-%m}"  # the periods are named
    assert belt["numbers"]["new_period"] == new_period
    assert belt["message"].startswith(
        f"belt_speed runs higher in {new_period} than in 2026-03 to 2026-06: median "
    )
    assert belt["message"] in run.stdout
    for name in UNSHIFTED:
        assert name in doc["drift_checked"] and name not in moved
    assert "S9" in moved["supplier"]["numbers"]["new_levels"]
    for entry in doc["drift"]:
        assert set(entry) >= {"column", "kind", "score", "message"}


def test_the_numbers_drift_states_are_recomputed_from_the_data(next_week: dict) -> None:
    project = open_project(DEMO / "demo.wbproj")
    analysis = project.result(Section.MODEL)
    trained = analysis.frame.loc[analysis.fit.features.y.index, "belt_speed"].to_numpy(float)
    new = next_week["rows"]["belt_speed"].to_numpy(float)
    doc = json.loads(Path(next_week["summary"]).read_text(encoding="utf-8"))
    belt = next(d for d in doc["drift"] if d["column"] == "belt_speed")["numbers"]
    assert belt["reference_median"] == pytest.approx(np.median(trained))
    assert belt["new_median"] == pytest.approx(np.median(new))
    # a plain PSI over the training deciles, written independently of the product's code
    edges = np.unique(np.quantile(trained, np.arange(1, 10) / 10))
    p = np.bincount(np.searchsorted(edges, trained), minlength=len(edges) + 1) / len(trained)
    q = np.bincount(np.searchsorted(edges, new), minlength=len(edges) + 1) / len(new)
    p, q = np.maximum(p, 1e-4), np.maximum(q, 1e-4)
    assert belt["score"] == pytest.approx(float(np.sum((q - p) * np.log(q / p))))
    share = float(np.mean(next_week["rows"]["supplier"] == "S9"))
    supplier = next(d for d in doc["drift"] if d["column"] == "supplier")["numbers"]
    assert supplier["new_levels_share"] == pytest.approx(share)


def test_new_level_missing_column_and_changed_type_are_reported(next_week: dict) -> None:
    doc = json.loads(Path(next_week["summary"]).read_text(encoding="utf-8"))
    changes = {(c["kind"], c["column"]): c for c in doc["changes"]}
    assert ("missing", "o2_flow") in changes
    assert changes[("missing", "o2_flow")]["details"]["in_model"] is True
    assert changes[("new_levels", "supplier")]["details"]["levels"] == ["S9"]
    typed = changes[("type", "paste_thickness")]
    assert typed["details"]["unreadable"] == int(np.sum(next_week["rows"].index % 25 == 1))
    assert "thick" in typed["message"]
    out = next_week["run"].stdout
    assert "o2_flow is not in the new file" in out and "“S9”" in out


def test_scores_are_the_saved_models_predictions(next_week: dict) -> None:
    raw = Path(next_week["scores"]).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel reads the Hangul headers
    scores = pd.read_csv(next_week["scores"], encoding="utf-8-sig")
    rows = next_week["rows"]
    assert len(scores) == len(rows)
    assert list(scores.columns[: rows.shape[1]]) == list(rows.columns)  # input columns first
    project = open_project(DEMO / "demo.wbproj")
    fit = project.result(Section.MODEL).fit
    # the model's input rebuilt here: the missing column is missing, text cells are missing,
    # the never-seen supplier is missing; the booster reads the DataFrame (its own mapping)
    frame = rows.copy()
    frame["o2_flow"] = np.nan
    frame["paste_thickness"] = pd.to_numeric(frame["paste_thickness"], errors="coerce")
    frame["humidity"] = frame["humidity"].where(frame["humidity"] != -999)
    expected = fit.predict(frame)
    assert np.allclose(scores["predicted efficiency"].to_numpy(), expected, rtol=0, atol=1e-9)


def test_model_drift_recommends_a_refit_when_the_relationship_changed(next_week: dict) -> None:
    doc = json.loads(Path(next_week["summary"]).read_text(encoding="utf-8"))
    md = doc["model_drift"]
    labelled = int(next_week["rows"]["efficiency"].notna().sum())
    assert md["metric"] == "r2" and md["rows"] == labelled
    assert md["new_score"] < md["validation_range"][0] and md["refit_recommended"] is True
    assert "Refit recommended" in next_week["run"].stdout


def test_a_file_like_the_training_data_does_not_drift_or_need_a_refit(tmp_path: Path) -> None:
    from workbench.rerun import rerun_project
    from workbench.tables.loader import load_table

    rows = _demo_rows(2000, seed=11)
    path = tmp_path / "same.csv"
    rows.to_csv(path, index=False, encoding="cp949")
    project = open_project(DEMO / "demo.wbproj")
    result = rerun_project(project, load_table(path))
    assert [d.column for d in result.drift.columns] == []
    assert result.model_drift is not None and result.model_drift.refit_recommended is False
    assert not result.changes
    assert not project.dirty  # without append the project is left as it was


def test_append_skips_rows_already_in_the_project_and_saves_it(tmp_path: Path) -> None:
    demo = pd.read_csv(DEMO / "solar_cells.csv")
    fresh = _demo_rows(200, seed=5)
    again = demo.drop_duplicates().head(40)  # the same rows as in last month's export
    both = pd.concat([again, fresh], ignore_index=True)
    path = tmp_path / "april.csv"
    both.to_csv(path, index=False)
    out = tmp_path / "appended.wbproj"
    summary = tmp_path / "s.json"
    run = _cli(str(DEMO / "demo.wbproj"), str(path), "--append", "--project", str(out),
               "--json", str(summary))  # fmt: skip
    assert run.returncode == 0, run.stderr
    doc = json.loads(summary.read_text(encoding="utf-8"))
    assert doc["appended"]["added"] == 200 and doc["appended"]["duplicates"] == 40
    assert "40 rows of the new file were already in the project's data" in run.stdout
    project = open_project(out)
    assert project.table.n_rows == len(demo) + 200
    assert project.is_stale(Section.MODEL)  # the saved model has not seen the new rows
    note = project.table.notes[-1]  # the data says where the added rows came from
    assert note.kind == "appended_rows" and note.details["rows"] == 200
    assert "april.csv" in note.message
    assert project.table.frame.index.is_unique


def test_refit_fits_the_project_again_on_the_new_file(next_week: dict) -> None:
    out = Path(next_week["folder"]) / "refitted.wbproj"
    path = Path(next_week["folder"]) / "next_week.csv"
    run = _cli(str(DEMO / "demo.wbproj"), str(path), "--refit", "--project", str(out))
    assert run.returncode == 0, run.stderr
    assert "Refitted the model on" in run.stdout
    project = open_project(out)
    assert project.table.n_rows == len(next_week["rows"])
    assert not project.is_stale(Section.MODEL)
    fit = project.result(Section.MODEL).fit
    assert "o2_flow" not in project.roles and "o2_flow" not in fit.features.columns
    assert fit.rows == int(next_week["rows"]["efficiency"].notna().sum())


def test_the_report_gains_the_page_what_changed(next_week: dict) -> None:
    import openpyxl

    report = Path(next_week["folder"]) / "report.xlsx"
    path = Path(next_week["folder"]) / "next_week.csv"
    run = _cli(str(DEMO / "demo.wbproj"), str(path), "--report", str(report))
    assert run.returncode == 0, run.stderr
    wb = openpyxl.load_workbook(report)
    assert wb.sheetnames[:2] == ["Summary", "What changed"]
    cells = [v for row in wb["What changed"].iter_rows(values_only=True) for v in row if v]
    assert "What changed since the last analysis" in cells
    belt = cells.index("belt_speed")
    assert cells[belt + 1 : belt + 4][1] > 0.25  # kind, PSI, change
    assert any(isinstance(c, str) and c.startswith("belt_speed runs higher") for c in cells)
    assert "yes" in cells  # refit recommended
    assert "firing_temp" not in cells


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--scores", "out.txt"], "not a file name ending in .csv or .xlsx"),
        (["--refit"], "nothing would keep it"),
        (["--project", str(DEMO / "demo.wbproj")], "would overwrite the project"),
    ],
)
def test_bad_options_are_refused_in_plain_words(args: list[str], words: str) -> None:
    run = _cli(str(DEMO / "demo.wbproj"), str(DEMO / "solar_cells.csv"), *args)
    assert run.returncode == 2
    assert words in run.stderr and "Traceback" not in run.stderr


def test_a_file_without_the_models_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    pd.DataFrame({"a": [1, 2, 3], "b": [4, 5, 6]}).to_csv(path, index=False)
    run = _cli(str(DEMO / "demo.wbproj"), str(path), "--scores", str(tmp_path / "s.csv"))
    assert run.returncode == 2 and "none of the columns the model reads" in run.stderr
    assert not (tmp_path / "s.csv").exists()


def test_unlabelled_rows_are_scored_and_the_missing_target_is_no_change(tmp_path: Path) -> None:
    from workbench.rerun import rerun_project
    from workbench.tables.loader import load_table

    rows = _demo_rows(300, seed=8).drop(columns=["efficiency"])
    path = tmp_path / "unmeasured.xlsx"
    rows.to_excel(path, index=False)
    result = rerun_project(open_project(DEMO / "demo.wbproj"), load_table(path))
    assert result.model_drift is None and len(result.scores.frame) == 300
    assert not result.changes
    assert "carry no measured efficiency" in result.text_report()


def test_without_a_time_column_the_sentence_names_the_training_data() -> None:
    from workbench.steps.drift import measure_drift
    from workbench.tables.table import ColumnKind

    rng = np.random.default_rng(0)
    ref = pd.DataFrame({"x": rng.normal(2.3, 0.2, 5000), "y": rng.normal(0, 1, 5000)})
    new = pd.DataFrame({"x": rng.normal(2.7, 0.2, 5000), "y": rng.normal(0, 1, 5000)})
    kinds = {"x": ColumnKind.NUMERIC, "y": ColumnKind.NUMERIC}
    report = measure_drift(ref, new, kinds, ["x", "y"])
    assert [d.column for d in report.columns] == ["x"]
    d = report.columns[0]
    assert d.new_median == pytest.approx(np.median(new["x"]))
    assert d.message.startswith(
        f"x runs higher than in the training data: median {d.new_median:.4g} vs "
        f"{d.reference_median:.4g}"
    )


def test_drift_is_said_in_korean() -> None:
    from workbench.i18n import set_language
    from workbench.steps.drift import measure_drift
    from workbench.tables.table import ColumnKind

    rng = np.random.default_rng(1)
    ref = pd.DataFrame({"c": rng.choice(["A", "B"], 4000)})
    new = pd.DataFrame({"c": rng.choice(["A", "B", "C"], 4000)})
    set_language("ko")
    try:
        report = measure_drift(ref, new, {"c": ColumnKind.CATEGORICAL}, ["c"])
    finally:
        set_language("en")
    message = report.columns[0].message
    assert "“C”" in message and any("\uac00" <= ch <= "\ud7a3" for ch in message)


def test_classes_are_scored_with_probability_threshold_and_class(tmp_path: Path) -> None:
    from workbench.analysis import run_analysis
    from workbench.pipeline import project_from_analysis
    from workbench.rerun import rerun_project, write_scores
    from workbench.steps.model_settings import ModelSettings
    from workbench.tables.loader import load_table

    df = pd.read_csv(DEMO / "solar_defects.csv").drop_duplicates()
    old, new = df.iloc[:4000], df.iloc[4000:5500]
    old.to_csv(tmp_path / "march.csv", index=False, encoding="cp949")
    new.to_csv(tmp_path / "april.csv", index=False, encoding="cp949")
    result = run_analysis(
        tmp_path / "march.csv",
        target="defect",
        id_columns=["run_id"],
        time="timestamp",
        exclude=["final_inspection", "비고"],
        settings=ModelSettings(effort="quick"),
    )
    project = project_from_analysis(result, name="defects")
    fit = result.fit
    rerun = rerun_project(project, load_table(tmp_path / "april.csv"))
    scores = rerun.scores.frame
    prob = scores[f"probability defect = {fit.positive_class}"].to_numpy()
    plain = new.set_axis(scores.index)
    plain = plain.assign(humidity=plain["humidity"].where(plain["humidity"] != -999))  # recipe
    assert np.allclose(prob, fit.predict(plain), atol=1e-12)
    assert (scores["threshold"] == fit.threshold).all()
    expected = np.where(prob >= fit.threshold, fit.positive_class, fit.classes[0])
    assert (scores["predicted defect"].to_numpy() == expected).all()
    md = rerun.model_drift
    assert md is not None and md.metric == "roc_auc" and md.rows == len(new)
    out = write_scores(rerun, tmp_path / "scores.xlsx")
    back = pd.read_excel(out)
    assert len(back) == len(new) and "predicted defect" in back.columns
