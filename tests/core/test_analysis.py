"""The whole analysis on the demo data, through the command line contract."""

from __future__ import annotations

import contextlib
import io
import json

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from tests.core.test_demo import DEMO_DIR, load_make_demo
from workbench.analysis import make_goal, run_analysis
from workbench.cli import main
from workbench.steps.goal import Direction, Goal
from workbench.steps.model_settings import ModelSettings

CONTROLLABLE = "supplier,paste_thickness,firing_temp,belt_speed,n2_flow,o2_flow"
UNCONTROLLABLE = "humidity,ambient_temp"
CONTRACT_KEYS = {
    "schema",
    "data",
    "quality",
    "excluded",
    "model",
    "drivers",
    "focus",
    "clusters",
    "noise_rows",
}


def _cli(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(list(args))
    return code, out.getvalue()


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("analyze")
    json_path, clusters_path = folder / "summary.json", folder / "clusters.csv"
    code, text = _cli(
        "analyze",
        str(DEMO_DIR / "solar_cells.csv"),
        "--target",
        "efficiency",
        "--controllable",
        CONTROLLABLE,
        "--uncontrollable",
        UNCONTROLLABLE,
        "--json",
        str(json_path),
        "--clusters",
        str(clusters_path),
    )
    summary = json.loads(json_path.read_text(encoding="utf-8"))
    clusters = pd.read_csv(clusters_path)
    return code, text, summary, clusters


def test_analyze_prints_a_readable_summary(demo_run):
    code, text, _summary, _clusters = demo_run
    assert code == 0
    for expected in (
        "Data: solar_cells.csv — 10,100 rows × 18 columns",
        "Quality:",
        "Cleaned before modeling:",
        "Kept out of the model:",
        "Model:",
        "Top drivers overall",
        "Focus: the top 5% of rows by efficiency",
        "Group 1 — ",
        "Group 3 — ",
        "association, not proof",
    ):
        assert expected in text, expected


def test_json_summary_follows_the_contract(demo_run):
    _code, _text, summary, clusters = demo_run
    assert set(summary) >= CONTRACT_KEYS
    json.dumps(summary, allow_nan=False)  # strict JSON: no NaN or Infinity anywhere
    assert summary["schema"] == 1
    assert summary["data"]["rows"] == 10_100
    for alert in summary["quality"]["alerts"]:
        assert {"kind", "column", "severity", "message"} <= set(alert)
    for item in summary["excluded"]:
        assert {"column", "reason"} <= set(item)
    model = summary["model"]
    assert {"task", "validation", "metric", "score", "baseline_score"} <= set(model)
    assert model["task"] == "regression" and model["score"] > model["baseline_score"]
    importances = [d["importance"] for d in summary["drivers"]]
    assert importances == sorted(importances, reverse=True)
    assert {d["column"] for d in summary["drivers"][:6]} >= {"paste_thickness", "firing_temp"}
    assert summary["focus"]["rule"] == "top:5%"
    assert summary["focus"]["rows"] == len(clusters)
    assert len(summary["clusters"]) == 3
    for group in summary["clusters"]:
        assert {"id", "size", "drivers", "description"} <= set(group)
        values = [d["importance"] for d in group["drivers"]]
        assert values == sorted(values, reverse=True)
        for d in group["drivers"]:
            assert {"column", "importance", "controllable"} <= set(d)
            assert d["controllable"] in ("controllable", "uncontrollable", "unknown")
    assert summary["noise_rows"] == int((clusters["cluster"] == -1).sum())


def test_clusters_csv_has_one_line_per_focus_row(demo_run):
    _code, _text, summary, clusters = demo_run
    assert list(clusters.columns) == ["row", "cluster"]
    assert clusters["row"].is_unique
    sizes = clusters["cluster"].value_counts()
    for group in summary["clusters"]:
        assert sizes[group["id"]] == group["size"]
    assert set(clusters["cluster"]) <= {-1} | {g["id"] for g in summary["clusters"]}
    # Rows are 0-based positions in the source file: they hold the top efficiencies there.
    source = pd.read_csv(DEMO_DIR / "solar_cells.csv")
    cutoff = source["efficiency"].quantile(0.9)
    assert (source.loc[clusters["row"], "efficiency"] > cutoff).all()
    # The copies dropped as duplicates are not listed; their originals are.
    assert not source.duplicated().loc[clusters["row"]].any()


def test_planted_routes_come_back_through_the_cli(demo_run):
    _code, _text, summary, clusters = demo_run
    md = load_make_demo()
    truth = md.make_demo().truth
    routes = truth.loc[clusters["row"], "route"].to_numpy()
    labels = clusters["cluster"].to_numpy()
    on_route = (routes != "") & (labels > 0)
    assert on_route.sum() >= 0.8 * len(labels)
    assert adjusted_rand_score(routes[on_route], labels[on_route]) >= 0.8
    found = set()
    for group in summary["clusters"]:
        mine = routes[labels == group["id"]]
        route = pd.Series(mine).value_counts().index[0]
        found.add(route)
        top = [d["column"] for d in group["drivers"][:3]]
        assert set(md.ROUTE_FACTORS[route]) <= set(top), (route, top)
    assert found == {"A", "B", "C"}


def test_traps_are_flagged_and_handled(demo_run):
    _code, text, summary, _clusters = demo_run
    alerts = {(a["kind"], a["column"]) for a in summary["quality"]["alerts"]}
    assert ("leakage", "final_test_efficiency") in alerts
    assert ("constant", "wafer_size_mm") in alerts
    # The report is of the cleaned table the model saw (issue 14): the sentinels and the
    # repeated rows were cleaned up (listed under "cleaning"), so they are no longer alerts.
    assert ("sentinel", "humidity") not in alerts
    assert "duplicate_rows" not in {kind for kind, _col in alerts}
    assert summary["quality"]["duplicate_rows"] == 0
    excluded = {e["column"]: e["reason"] for e in summary["excluded"]}
    assert excluded["final_test_efficiency"] == "leakage"
    assert excluded["wafer_size_mm"] == "constant"
    assert "final_test_efficiency" not in {d["column"] for d in summary["drivers"]}
    ops = [c["op"] for c in summary["cleaning"]]
    assert ops == ["sentinel_to_missing", "drop_duplicate_rows"]
    assert summary["data"]["rows_analyzed"] < summary["data"]["rows"]
    # The confounder is mentioned as travelling along, not as a driver.
    assert "shift is C" in text
    for group in summary["clusters"]:
        assert "shift" not in [d["column"] for d in group["drivers"][:2]]


@pytest.fixture(scope="module")
def defects_run():
    return run_analysis(
        DEMO_DIR / "solar_defects.csv",
        target="defect",
        controllable=CONTROLLABLE,
        uncontrollable=UNCONTROLLABLE,
        settings=ModelSettings(effort="quick"),
    )


def test_defect_variant_finds_its_planted_conditions(defects_run):
    result = defects_run
    md = load_make_demo()
    truth = md.make_demo().truth
    assert result.goal.direction == Direction.CLASS
    assert result.goal.focus.kind == "class"
    rows = result.cluster_rows()
    assert (truth.loc[rows["row"], "defect"] == "yes").all()
    routes = truth.loc[rows["row"], "defect_route"].to_numpy()
    labels = rows["cluster"].to_numpy()
    on_route = (routes != "") & (labels > 0)
    assert adjusted_rand_score(routes[on_route], labels[on_route]) >= 0.8
    summary = result.summary()
    assert summary["model"]["task"] == "binary"
    assert ("leakage", "final_inspection") in {
        (a["kind"], a["column"]) for a in summary["quality"]["alerts"]
    }
    json.dumps(summary, allow_nan=False)


def _write(tmp_path, frame: pd.DataFrame, name: str = "data.csv"):
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path


def test_no_signal_shows_no_groups(tmp_path):
    rng = np.random.default_rng(0)
    n = 600
    frame = pd.DataFrame({f"x{i}": rng.normal(size=n) for i in range(4)})
    frame["수율"] = rng.normal(size=n)
    result = run_analysis(_write(tmp_path, frame), target="수율", clean=False)
    assert result.fit.verdict == "no_signal"
    assert result.causes is None and result.explanation is None
    summary = result.summary()
    assert summary["clusters"] == [] and summary["drivers"] == []
    assert "no usable signal" in summary["clusters_message"]
    rows = result.cluster_rows()
    assert len(rows) == len(result.focus_rows) and (rows["cluster"] == -1).all()
    assert "No cause groups are shown" in result.text_report()


def test_too_small_focus_keeps_the_model_and_says_why(tmp_path):
    rng = np.random.default_rng(1)
    n = 300
    frame = pd.DataFrame({"온도": rng.normal(800, 10, n), "speed": rng.normal(200, 10, n)})
    frame["eff"] = 0.08 * frame["온도"] + 0.05 * frame["speed"] + rng.normal(0, 0.1, n)
    result = run_analysis(_write(tmp_path, frame), target="eff", focus="top:5%")
    assert result.fit.has_signal
    assert result.explanation is not None and result.causes is None
    assert "Widen the focus" in result.summary()["clusters_message"]
    assert result.summary()["drivers"][0]["column"] == "온도"


def test_goal_defaults_follow_the_target():
    frame = pd.DataFrame(
        {"y": np.arange(100.0), "ok": ["NG"] * 10 + ["OK"] * 90, "flag": [0, 1] * 50}
    )
    assert str(make_goal(frame, "y").focus) == "top:5%"
    low = make_goal(frame, "y", "minimize")
    assert (low.direction, str(low.focus)) == (Direction.MINIMIZE, "bottom:5%")
    cls = make_goal(frame, "ok")
    assert (cls.direction, str(cls.focus), cls.positive_class) == (
        Direction.CLASS,
        "class:NG",
        "NG",
    )
    chosen = make_goal(frame, "flag", focus="class:1")
    assert chosen.direction == Direction.CLASS and chosen.positive_class == "1"
    assert str(make_goal(frame, "y", focus="bottom:10%").focus) == "bottom:10%"
    given = Goal("y", Direction.MINIMIZE, "bottom:5%")
    assert str(make_goal(frame, "y", given, focus="bottom:10%").focus) == "bottom:10%"
    assert str(given.focus) == "bottom:5%"  # the caller's goal is left as it was
    yes_no = pd.DataFrame({"defect": [True, False] * 20})
    assert str(make_goal(yes_no, "defect", focus="class:yes").focus) == "class:True"
    assert str(make_goal(yes_no, "defect", focus="class:아니오").focus) == "class:False"


def test_unknown_target_is_a_plain_error(tmp_path):
    frame = pd.DataFrame({"a": range(50), "b": range(50)})
    code, _text = _cli("analyze", str(_write(tmp_path, frame)), "--target", "efficency")
    assert code == 2


def test_multiclass_goal_groups_the_chosen_class(tmp_path):
    rng = np.random.default_rng(4)
    n = 3000
    frame = pd.DataFrame(
        {
            "temp": rng.normal(800, 10, n),
            "speed": rng.normal(200, 10, n),
            "gas": rng.normal(10, 1, n),
            "line": rng.choice(["L1", "L2"], n),
        }
    )
    grade = np.where(frame["gas"] > 10.5, "B", "A").astype(object)
    bad = ((frame["temp"] > 812) & (frame["speed"] < 195)) | (
        (frame["line"] == "L2") & (frame["gas"] < 8.8)
    )
    grade[bad.to_numpy()] = "C"
    frame["등급"] = grade
    result = run_analysis(
        _write(tmp_path, frame),
        target="등급",
        focus="class:C",
        settings=ModelSettings(effort="quick"),
    )
    assert result.fit.task == "multiclass"
    summary = result.summary()
    assert summary["focus"]["rule"] == "class:C"
    assert summary["focus"]["rows"] == int(bad.sum())
    tops = [{d["column"] for d in g["drivers"][:2]} for g in summary["clusters"]]
    assert {"temp", "speed"} in tops
    assert any({"line", "gas"} == t for t in tops)
    # Each group's rows are class C by construction; the sentence states the rate of C over all
    # rows meeting its conditions instead (the old "C in 100% of them" was no finding).
    assert all("Over all rows, 등급 is C in" in g["description"] for g in summary["clusters"])
    assert all("100% of them" not in g["description"] for g in summary["clusters"])
