"""assess_quality as a whole: the alert contract, JSON round trip, progress, cancel, odd shapes."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.errors import AnalysisError
from workbench.jobs import Cancelled
from workbench.steps.quality import Alert, QualityReport, assess_quality
from workbench.steps.recipe import Recipe, apply_recipe
from workbench.steps.recipe_check import validate_step
from workbench.tables.table import ColumnKind

ALERT_KINDS = {
    "missing",
    "constant",
    "duplicate_rows",
    "sentinel",
    "id_like",
    "high_cardinality",
    "mixed_types",
    "outliers",
    "pii",
    "few_rows",
    "category_variants",
    "leakage",
    "label_conflict",
    "imbalance",
    "target_unusable",
    "drift",
}
# The cleaning-recipe step schema shared with workbench/steps/recipe_check.py: op -> allowed keys.
STEP_KEYS = {
    "drop_columns": {"columns"},
    "drop_duplicate_rows": set(),
    "sentinel_to_missing": {"column", "values"},
    "impute": {"column", "method", "value"},
    "filter_rows": {"column", "operator", "value"},
    "cast": {"column", "kind"},
    "rename": {"column", "to"},
    "merge_categories": {"column", "mapping"},
    "clip": {"column", "lower", "upper"},
}
OPERATORS = {"==", "!=", "<", "<=", ">", ">=", "between", "in", "not_in", "is_missing"}
OPERATORS |= {"not_missing"}


def kitchen_sink(n: int = 1500) -> pd.DataFrame:
    """One table with a problem of every kind."""
    rng = np.random.default_rng(11)
    line = rng.choice(["L1", "L2", "L3"], n)
    temp = rng.normal(70, 3, n).round(3)
    speed = rng.uniform(10, 20, n).round(3)
    speed[rng.random(n) < 0.03] = np.nan  # spread evenly: imputing is fine
    defect = np.where(rng.random(n) < 0.04, "불량", "양호")
    humidity = rng.normal(50, 5, n).round(2)
    humidity[(line == "L2") & (rng.random(n) < 0.5)] = np.nan
    pressure = rng.normal(5, 0.2, n).round(3)
    pressure[:12] = -999
    pressure[12:15] = [50.0, 55.0, 60.0]
    reading = rng.normal(12, 1, n).round(1).astype(str).astype(object)
    reading[:30] = "측정불가"
    step = rng.choice(["finishing", "grinding"], n).astype(object)
    step[:6] = "Finishing"
    frame = pd.DataFrame(
        {
            "lot": [f"LOT-{i:05d}" for i in range(n)],
            "when": pd.date_range("2026-01-01", periods=n, freq="h"),
            "line": pd.Categorical(line),
            "temp": temp + (np.arange(n) >= 0.8 * n) * 9,
            "speed": speed,
            "humidity": humidity,
            "pressure": pressure,
            "reading": reading,
            "step": pd.Categorical(step),
            "mold": [f"M-{i:03d}" for i in rng.integers(0, 90, n)],
            "plant": "P1",
            "작업자": rng.choice(["김민수", "이영희", "박철수", "최지훈"], n),
            "defect": pd.Categorical(defect),
            "ng_code": pd.Categorical(np.where(defect == "불량", "E-1", "E-0")),
        }
    )
    frame = pd.concat([frame, frame.iloc[[20, 21]]], ignore_index=True)  # duplicates
    conflict = frame.iloc[[30]].copy()
    conflict["defect"] = "불량" if conflict["defect"].iloc[0] == "양호" else "양호"
    return pd.concat([frame, conflict], ignore_index=True)


@pytest.fixture(scope="module")
def sink() -> tuple[pd.DataFrame, dict[str, ColumnKind], QualityReport]:
    frame = kitchen_sink()
    kinds = {"lot": ColumnKind.ID}  # as the loader settles it
    return frame, kinds, assess_quality(frame, kinds, target="defect", time="when")


@pytest.fixture(scope="module")
def sink_report(sink) -> QualityReport:
    return sink[2]


def test_every_alert_kind_fires_on_the_kitchen_sink(sink_report):
    small = pd.DataFrame({"x": [1.0, 2.0, 3.0]})
    unusable = assess_quality(small, {}, target="x")
    kinds = {a.kind for a in sink_report.alerts} | {a.kind for a in unusable.alerts}
    assert kinds == ALERT_KINDS


def test_alerts_follow_the_contract(sink_report):
    for a in sink_report.alerts:
        assert a.kind in ALERT_KINDS
        assert a.severity in ("info", "warning", "error")
        assert a.column is None or a.column in {p.name for p in sink_report.profiles}
        assert len(a.message) > 20 and a.fix, a
        assert "{" not in a.message and "{" not in a.fix, a  # every placeholder filled
        step = a.fix_step
        if step is not None:
            assert set(step) - {"op"} <= STEP_KEYS[step["op"]], step
            if "column" in step:
                assert step["column"] == a.column
            if step["op"] == "filter_rows":
                assert step["operator"] in OPERATORS
            if step["op"] == "cast":
                assert ColumnKind(step["kind"])


def test_alerts_are_sorted_most_severe_first(sink_report):
    rank = {"error": 0, "warning": 1, "info": 2}
    ranks = [rank[a.severity] for a in sink_report.alerts]
    assert ranks == sorted(ranks)


def test_report_json_round_trip(sink_report):
    text = json.dumps(sink_report.to_dict(), allow_nan=False, ensure_ascii=False)
    again = QualityReport.from_dict(json.loads(text))
    assert again.to_dict() == sink_report.to_dict()
    assert again.alerts[0] == sink_report.alerts[0]
    assert again.profiles == sink_report.profiles
    assert again.profile("temp").quantiles["p50"] == sink_report.profile("temp").quantiles["p50"]


def test_alert_round_trip_alone():
    a = Alert("constant", "x", "warning", "m", "f", {"op": "drop_columns", "columns": ["x"]})
    assert Alert.from_dict(json.loads(json.dumps(a.to_dict()))) == a


def test_report_counts(sink, sink_report):
    frame = sink[0]
    assert sink_report.n_rows == len(frame) and sink_report.n_columns == frame.shape[1]
    assert sink_report.duplicate_rows == frame.duplicated().sum() == 2
    assert [p.name for p in sink_report.profiles] == list(frame.columns)
    assert sink_report.target == "defect" and sink_report.time == "when"
    assert {a.kind for a in sink_report.alerts_for("pressure")} >= {"sentinel", "outliers"}


def test_progress_is_reported_per_column_and_ends_at_one(ctx):
    frame = pd.DataFrame({"압력": [1.0, 2.0, 3.0], "b": ["x", "y", "z"]})
    assess_quality(frame, {}, ctx=ctx)
    fractions = [f for f, _ in ctx.reports]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert any("압력" in m for _, m in ctx.reports)


def test_cancel_stops_between_columns(ctx):
    frame = pd.DataFrame({f"c{i}": np.arange(50.0) for i in range(5)})
    ctx.cancel()
    with pytest.raises(Cancelled):
        assess_quality(frame, {}, ctx=ctx)


def test_unknown_target_or_time_is_a_plain_error():
    frame = pd.DataFrame({"a": [1.0, 2.0]})
    with pytest.raises(AnalysisError, match="“yield”"):
        assess_quality(frame, {}, target="yield")
    with pytest.raises(AnalysisError, match="time"):
        assess_quality(frame, {}, time="when")


def test_time_column_must_hold_dates_or_numbers():
    frame = pd.DataFrame({"a": [1.0, 2.0], "when": ["어제", "오늘"]})
    with pytest.raises(AnalysisError, match="“when”"):
        assess_quality(frame, {}, time="when")


def test_time_zone_aware_time_column_orders_rows():
    n = 400
    frame = pd.DataFrame(
        {
            "when": pd.date_range("2026-01-01", periods=n, freq="h", tz="Asia/Seoul"),
            "x": np.r_[np.zeros(320), np.ones(80)] + np.random.default_rng(0).normal(0, 0.1, n),
        }
    )
    report = assess_quality(frame.iloc[::-1], {}, time="when")
    (drift,) = [a for a in report.alerts if a.kind == "drift"]
    assert drift.column == "x" and drift.details["mean_recent"] > 0.9


def test_odd_column_names_reach_the_messages_unchanged():
    names = ["온도 {1} [℃]", "a “quoted”, name: x", "%s %d {}"]
    frame = pd.DataFrame({name: [1.0, np.nan] * 60 for name in names}).assign(g=7)
    report = assess_quality(frame, {})
    for name in names:
        (a,) = [a for a in report.alerts if a.column == name and a.kind == "missing"]
        assert f"“{name}”" in a.message


def test_missing_kinds_fall_back_to_dtype():
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": ["x", "y", "x"]})
    report = assess_quality(frame, {})
    assert [p.kind for p in report.profiles] == ["numeric", "categorical"]


@pytest.mark.parametrize(
    "frame",
    [
        pd.DataFrame({"a": pd.Series([], dtype=float), "b": pd.Series([], dtype=object)}),
        pd.DataFrame(index=range(5)),
        pd.DataFrame({"a": [1.0]}),
        pd.DataFrame({"a": [np.nan, np.nan], "b": [None, None]}),
        pd.DataFrame({"a": [np.inf, 1.0, -np.inf, 2.0]}),
    ],
    ids=["no rows", "no columns", "one row", "all missing", "infinities"],
)
def test_odd_shapes_give_a_report(frame):
    report = assess_quality(frame, {})
    json.dumps(report.to_dict(), allow_nan=False)
    assert report.n_rows == len(frame)
    assert "few_rows" in {a.kind for a in report.alerts}


def test_example_rows_are_the_source_row_numbers():
    frame = pd.DataFrame({"a": [1.0, 2.0, 1.0] * 40, "b": ["x", "y", "x"] * 40})
    frame = frame.iloc[10:].copy()  # e.g. after a filter step: the index keeps source rows
    report = assess_quality(frame, {})
    (dup,) = [a for a in report.alerts if a.kind == "duplicate_rows"]
    assert dup.details["example_rows"][0] == frame.index[frame.duplicated()][0]


def test_message_reads_like_the_brief():
    rng = np.random.default_rng(5)
    n = 10_000
    line = np.where(rng.random(n) < 0.3, "L2", "L1")
    humidity = rng.normal(50, 5, n)
    humidity[np.flatnonzero(line == "L2")[:790]] = np.nan
    humidity[np.flatnonzero(line == "L1")[:22]] = np.nan
    speed = rng.uniform(10, 20, n)
    frame = pd.DataFrame({"humidity": humidity, "line": pd.Categorical(line), "speed": speed})
    (a,) = assess_quality(frame, {}).alerts
    assert a.message.startswith("“humidity” is missing in 812 rows (8.1%). 790 of them are in")
    assert "“line” is “L2”" in a.message


# ---- one-click fixes: valid recipe steps that clear their alert ---------------------------


def test_every_fix_step_is_a_valid_recipe_step(sink):
    _, _, report = sink
    steps = [a.fix_step for a in report.alerts if a.fix_step is not None]
    assert len(steps) >= 10
    for step in steps:
        validate_step(step)


NOT_FIXABLE_IN_ONE_CLICK = {"few_rows", "label_conflict", "imbalance", "target_unusable", "drift"}


@pytest.mark.parametrize("kind", sorted(ALERT_KINDS - NOT_FIXABLE_IN_ONE_CLICK))
def test_applying_the_fix_clears_the_alert(sink, kind):
    frame, kinds, report = sink
    fixable = [a for a in report.alerts if a.kind == kind and a.fix_step is not None]
    assert fixable, f"no one-click fix for {kind}"
    alert = fixable[0]
    result = apply_recipe(frame, kinds, Recipe([alert.fix_step]))
    assert not result.reports[0].skipped, result.warnings
    after = assess_quality(result.frame, result.kinds, target="defect", time="when")
    assert not [a for a in after.alerts if (a.kind, a.column) == (kind, alert.column)]


# ---- any table: never a crash, always JSON ------------------------------------------------

_cells = {
    "f": st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True, width=32)),
    "i": st.integers(-5, 5),
    "s": st.one_of(st.none(), st.sampled_from(["가", "finishing", "Finishing ", "12.5", "N/A"])),
    "b": st.booleans(),
    "t": st.one_of(st.none(), st.datetimes(min_value=dt.datetime(2020, 1, 1))),
}


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.fixed_dictionaries(_cells), min_size=0, max_size=60),
    st.sampled_from([None, "f", "i", "s", "b"]),
    st.booleans(),
)
def test_any_table_gives_a_json_report(rows, target, with_time):
    frame = pd.DataFrame(rows, columns=list(_cells))
    frame["f"] = frame["f"].astype(float)
    frame["t"] = pd.to_datetime(frame["t"])
    report = assess_quality(frame, {}, target=target, time="t" if with_time else None)
    data = json.loads(json.dumps(report.to_dict(), allow_nan=False))
    assert QualityReport.from_dict(data).to_dict() == data
    assert report.duplicate_rows == frame.duplicated().sum()
    for a in report.alerts:
        assert a.column is None or a.column in frame.columns
        assert a.kind in ALERT_KINDS and "{" not in a.message
