"""Target and time alerts: leakage, label conflicts, imbalance, unusable target, drift."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbench.steps.quality import Alert, assess_quality
from workbench.tables.table import ColumnKind

N = 1000


def alerts(frame: pd.DataFrame, kind: str, overrides=None, **options) -> list[Alert]:
    report = assess_quality(frame, overrides or {}, **options)
    return [a for a in report.alerts if a.kind == kind]


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(7)


def regression(rng: np.random.Generator, n: int = N) -> pd.DataFrame:
    temp = rng.normal(70, 3, n)
    speed = rng.uniform(10, 20, n)
    line = rng.choice(["L1", "L2", "L3"], n)
    yield_ = 0.5 * temp + 0.8 * speed + (line == "L2") * 2 + rng.normal(0, 2, n)
    return pd.DataFrame(
        {"temp": temp, "speed": speed, "line": pd.Categorical(line), "yield": yield_}
    )


def classification(rng: np.random.Generator, n: int = N, rare: float = 0.3) -> pd.DataFrame:
    frame = regression(rng, n).drop(columns="yield")
    score = frame["temp"] - 70 + rng.normal(0, 3, n)
    cut = np.quantile(score, 1 - rare)
    return frame.assign(defect=pd.Categorical(np.where(score > cut, "불량", "양호")))


def test_honest_targets_raise_no_target_alert(rng):
    for frame, target in ((regression(rng), "yield"), (classification(rng), "defect")):
        report = assess_quality(frame, {}, target=target)
        assert report.alerts == [], target


# ---- leakage ------------------------------------------------------------------------------


def test_copy_of_the_target_is_leakage(rng):
    frame = regression(rng)
    frame["yield_pct"] = frame["yield"] * 1.02 + rng.normal(0, 0.01, N)
    (a,) = alerts(frame, "leakage", target="yield")
    assert a.column == "yield_pct" and a.details["method"] == "correlation"
    assert a.details["correlation"] > 0.99
    assert a.fix_step == {"op": "drop_columns", "columns": ["yield_pct"]}
    assert "measured after the result or computed from it" in a.message


def test_nonlinear_proxy_is_leakage(rng):
    frame = regression(rng)
    frame["grade_score"] = np.exp((frame["yield"] - frame["yield"].mean()) / 2)
    found = {a.column: a for a in alerts(frame, "leakage", target="yield")}
    assert found["grade_score"].details["r2"] >= 0.97
    assert abs(found["grade_score"].details["correlation"]) < 0.97  # caught by binning


def test_category_mapping_onto_classes_is_leakage(rng):
    frame = classification(rng)
    codes = {"불량": "NG-01", "양호": "OK-00"}
    frame["판정코드"] = pd.Categorical(frame["defect"].map(codes).astype(str))
    (a,) = alerts(frame, "leakage", target="defect")
    assert a.column == "판정코드" and a.details["accuracy"] == 1.0


def test_strong_honest_predictor_is_not_leakage(rng):
    frame = regression(rng)
    frame["yield_est"] = frame["yield"] + rng.normal(0, frame["yield"].std() * 0.5, N)
    assert alerts(frame, "leakage", target="yield") == []


def test_id_column_is_not_leakage(rng):
    frame = classification(rng).assign(lot=[f"LOT-{i}" for i in range(N)])
    assert alerts(frame, "leakage", target="defect") == []


# ---- label conflicts ----------------------------------------------------------------------


def test_identical_inputs_with_different_classes(rng):
    frame = classification(rng)
    twin = frame.iloc[[10, 11, 12]].copy()
    twin["defect"] = twin["defect"].map({"불량": "양호", "양호": "불량"}).astype("category")
    frame = pd.concat([frame, twin], ignore_index=True)
    (a,) = alerts(frame, "label_conflict", target="defect")
    assert a.details["groups"] == 3 and a.details["rows"] == 6
    assert sorted(a.details["example_rows"]) == [10, N]
    assert a.severity == "warning"


def test_time_and_id_are_not_inputs_for_conflicts(rng):
    frame = classification(rng, 200)
    frame = pd.concat([frame, frame.iloc[[0]]], ignore_index=True)
    frame.loc[200, "defect"] = "양호" if frame.loc[0, "defect"] == "불량" else "불량"
    frame["lot"] = [f"L{i}" for i in range(201)]
    frame["when"] = pd.date_range("2026-01-01", periods=201, freq="h")
    kinds = {"lot": ColumnKind.ID}  # as the loader settles it
    (a,) = alerts(frame, "label_conflict", kinds, target="defect", time="when")
    assert a.details["rows"] == 2
    (b,) = alerts(frame, "label_conflict", kinds, target="defect")  # a timestamp is no input
    assert b.details["rows"] == 2


def test_exact_duplicates_are_not_label_conflicts(rng):
    frame = classification(rng)
    frame = pd.concat([frame, frame.iloc[[10, 11, 12]]], ignore_index=True)
    assert alerts(frame, "label_conflict", target="defect") == []


def test_regression_conflict_needs_a_material_difference(rng):
    frame = regression(rng)
    near = frame.iloc[[1]].copy()
    near["yield"] += 0.001  # within measurement noise
    far = frame.iloc[[2]].copy()
    far["yield"] += 5 * frame["yield"].std()
    (a,) = alerts(
        pd.concat([frame, near, far], ignore_index=True), "label_conflict", target="yield"
    )
    assert a.details["groups"] == 1 and a.severity == "info"


# ---- imbalance ----------------------------------------------------------------------------


def test_rare_class_is_imbalance(rng):
    frame = classification(rng, rare=0.03)
    (a,) = alerts(frame, "imbalance", target="defect")
    assert a.details["rare_class"] == "불량" and a.details["rare_count"] == 30
    assert a.details["rare_pct"] == pytest.approx(3.0)
    assert "97%" in a.message  # what "always 양호" would score


def test_numeric_zero_one_target_with_rare_ones(rng):
    frame = regression(rng).assign(ng=(np.arange(N) % 25 == 0).astype(int))
    (a,) = alerts(frame.drop(columns="yield"), "imbalance", target="ng")
    assert a.details["rare_class"] == 1


def test_thirty_percent_is_not_imbalance(rng):
    assert alerts(classification(rng, rare=0.3), "imbalance", target="defect") == []


# ---- unusable target ----------------------------------------------------------------------


def test_constant_target_is_refused(rng):
    frame = regression(rng).assign(yield_=5.0)
    (a,) = alerts(frame, "target_unusable", target="yield_")
    assert a.severity == "error" and a.details["reason"] == "constant"
    assert alerts(frame, "leakage", target="yield_") == []  # nothing else is judged


def test_nearly_all_missing_target_is_refused(rng):
    frame = regression(rng)
    frame.loc[30:, "yield"] = np.nan
    (a,) = alerts(frame, "target_unusable", target="yield")
    assert a.details["reason"] == "nearly_all_missing" and a.details["count"] == 30


def test_identifier_target_is_refused(rng):
    frame = regression(rng).assign(lot=[f"LOT-{i}" for i in range(N)])
    (a,) = alerts(frame, "target_unusable", {"lot": ColumnKind.ID}, target="lot")
    assert a.details["reason"] == "kind" and "identifiers" in a.message


def test_half_missing_target_is_usable_without_those_rows(rng):
    frame = regression(rng)
    frame.loc[::2, "yield"] = np.nan
    assert alerts(frame, "target_unusable", target="yield") == []
    (a,) = [a for a in alerts(frame, "missing", target="yield") if a.column == "yield"]
    assert a.fix_step == {"op": "filter_rows", "column": "yield", "operator": "not_missing"}


# ---- drift --------------------------------------------------------------------------------


def drifting(rng: np.random.Generator, shift: float) -> pd.DataFrame:
    frame = regression(rng)
    recent = np.arange(N) >= 0.8 * N
    frame.loc[recent, "temp"] += shift
    frame["when"] = pd.date_range("2026-01-01", periods=N, freq="h")
    return frame.sample(frac=1, random_state=1)  # time order must come from the column


def test_recent_shift_is_drift(rng):
    found = alerts(drifting(rng, 6.0), "drift", time="when")
    assert [a.column for a in found] == ["temp"]
    d = found[0].details
    assert d["effect_size"] > 1.5 and d["rank"] == 1 and d["moved_most"] == ["temp"]
    assert d["mean_recent"] - d["mean_before"] == pytest.approx(6.0, abs=0.8)
    assert d["since"].startswith("2026-02-03")
    assert "2026-02-03" in found[0].message


def test_category_share_drift(rng):
    frame = drifting(rng, 0.0).sort_values("when")
    frame.loc[frame.index[-200:], "line"] = "L3"
    (a,) = alerts(frame, "drift", time="when")
    assert a.column == "line" and a.details["level"] == "L3"
    assert a.details["share_recent"] == 100.0


def test_stationary_data_has_no_drift(rng):
    assert alerts(drifting(rng, 0.0), "drift", time="when") == []


def test_small_recent_wobble_is_not_drift(rng):
    assert alerts(drifting(rng, 0.5), "drift", time="when") == []
