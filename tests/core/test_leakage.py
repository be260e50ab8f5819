"""Leakage families on real data (AI4I 2020) and on crafted files: near-copies, one-sided flags,
flags that mark the focus together, their siblings — and honest columns that must stay."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workbench.steps.goal import Exclusion, Goal
from workbench.steps.leakage_flags import log10_tail
from workbench.steps.model_settings import ModelSettings
from workbench.steps.modeling import fit_model
from workbench.steps.quality import Alert, QualityReport, assess_quality
from workbench.steps.roles import assign_roles
from workbench.tables.loader import load_table
from workbench.vocabulary import ColumnRole

ROOT = Path(__file__).resolve().parents[2]
AI4I = ROOT / "tests" / "truth" / "data" / "ai4i2020.csv"
AI4I_FLAGS = ["TWF", "HDF", "PWF", "OSF", "RNF"]
N = 4000


def leaks(report: QualityReport) -> dict[str, Alert]:
    return {a.column: a for a in report.alerts if a.kind == "leakage"}


# ---- real data: AI4I 2020 -----------------------------------------------------------------


@pytest.fixture(scope="module")
def ai4i():
    table = load_table(AI4I)
    report = assess_quality(
        table.frame, dict(table.kinds), target="Machine failure", focus="class:1"
    )
    return table, report


def test_ai4i_failure_mode_flags_are_each_flagged(ai4i):
    _table, report = ai4i
    found = leaks(report)
    assert sorted(found) == sorted(AI4I_FLAGS)  # and nothing else: no process column
    for name in AI4I_FLAGS:
        a = found[name]
        assert a.details["family"] == AI4I_FLAGS  # every alert names the whole family
        assert a.fix_step == {"op": "drop_columns", "columns": [name]}
    for name in ("TWF", "HDF", "PWF", "OSF"):
        d = found[name].details
        assert d["method"] == "one_sided" and d["outside"] == 0 and d["rest"] == 0
        assert "non-zero only in rows where Machine failure is 1" in found[name].message
        assert "none elsewhere" in found[name].message
    # the numbers the sentences state, recomputed from the file
    frame = pd.read_csv(AI4I)
    failing = frame["Machine failure"] == 1
    assert found["HDF"].details["in_focus"] == int((frame["HDF"] == 1).sum()) == 115
    covered = frame[["TWF", "HDF", "PWF", "OSF"]].max(axis=1) == 1
    assert found["TWF"].details["family_covers"] == int((covered & failing).sum()) == 330
    assert "97% of those rows (330 of 339)" in found["TWF"].message
    # RNF is not pure on its own (18 of its 19 rows did not fail): said as a resemblance
    rnf = found["RNF"]
    assert rnf.details["method"] == "sibling"
    assert rnf.details["marked"] == 19 and rnf.details["in_focus"] == 1
    assert "On its own it does not give the result away" in rnf.message


def test_ai4i_alerts_are_said_again_from_a_saved_report(ai4i):
    import json

    from workbench.i18n import set_language

    _table, report = ai4i
    saved = json.loads(json.dumps(report.to_dict()))
    again = QualityReport.from_dict(saved)
    assert str(again.focus) == "class:1"
    assert [a.message for a in again.alerts] == [a.message for a in report.alerts]
    try:
        set_language("ko")  # a file written in English reads in Korean
        korean = leaks(QualityReport.from_dict(saved))
        assert "Machine failure = 1인 행에서만 0이 아닙니다" in korean["TWF"].message
    finally:
        set_language("en")


def test_ai4i_ids_are_ids_not_leaks(ai4i):
    _table, report = ai4i
    kinds = {(a.kind, a.column) for a in report.alerts}
    assert ("id_like", "UDI") in kinds and ("id_like", "Product ID") in kinds
    assert not {"UDI", "Product ID"} & set(leaks(report))


def test_ai4i_model_leaves_the_family_out_and_one_click_puts_one_back(ai4i):
    table, report = ai4i
    frame, kinds = table.frame, dict(table.kinds)
    goal = Goal("Machine failure", "class", "class:1", positive_class="1")
    roles = assign_roles(frame, kinds, goal.target, quality=report)
    kept_out = {e.column: e for e in roles.excluded}
    assert set(AI4I_FLAGS) <= set(kept_out)
    assert not set(AI4I_FLAGS) & set(roles.model_columns)
    assert "only in the focus rows (46 rows, none elsewhere)" in kept_out["TWF"].message
    assert "same record as TWF, HDF, PWF, OSF" in kept_out["RNF"].message
    # the reason survives a save: said again from the saved numbers
    again = Exclusion.from_dict(kept_out["TWF"].to_dict())
    assert again.message == kept_out["TWF"].message
    # put back: the user's role wins, the column is listed as forced with a warning
    back = assign_roles(
        frame, kinds, goal.target, quality=report, explicit={"TWF": ColumnRole.FEATURE}
    )
    assert "TWF" in back.model_columns
    (forced,) = back.forced
    assert forced.column == "TWF" and forced.reason == "leakage"
    assert "gives the result away" in forced.message
    fit = fit_model(frame, kinds, goal, roles, ModelSettings(effort="quick", n_folds=3))
    assert not set(AI4I_FLAGS) & set(fit.features.columns)


# ---- crafted files ------------------------------------------------------------------------


def process(rng: np.random.Generator, n: int = N) -> pd.DataFrame:
    """An honest process: defects ("NG", ~8%) driven by temperature and speed, plus a rare
    turbo setting that raises the defect rate without deciding it."""
    temp = rng.normal(200, 5, n)
    speed = rng.uniform(1, 3, n)
    turbo = (rng.random(n) < 0.03).astype(int)
    score = (temp - 200) / 5 + speed + 1.5 * turbo + rng.normal(0, 1, n)
    defect = np.where(score > np.quantile(score, 0.92), "NG", "OK")
    return pd.DataFrame(
        {
            "lot": [f"L{i:05d}" for i in range(n)],
            "온도": temp,
            "속도": speed,
            "turbo": turbo,
            "판정": defect,
        }
    )


def write_and_check(tmp_path: Path, frame: pd.DataFrame, target: str = "판정", **options):
    """Write ``frame`` as a cp949 CSV (as an MES export would), load it, check it."""
    path = tmp_path / "export.csv"
    frame.to_csv(path, index=False, encoding="cp949")
    table = load_table(path)
    return table, assess_quality(table.frame, dict(table.kinds), target=target, **options)


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(11)


def test_honest_process_has_no_leak(rng, tmp_path):
    frame = process(rng)
    ng = frame["판정"] == "NG"
    turbo_rate = ng[frame["turbo"] == 1].mean()
    assert 0.15 < turbo_rate < 0.9  # the setting correlates with defects, but decides nothing
    _table, report = write_and_check(tmp_path, frame, focus="class:NG")
    assert leaks(report) == {}


def test_one_sided_flag_code_and_counter_are_flagged(rng, tmp_path):
    frame = process(rng)
    ng = (frame["판정"] == "NG").to_numpy()
    hit = ng & (rng.random(N) < 0.5)
    frame["alarm"] = hit.astype(int)  # an alarm raised when the part was rejected
    codes = rng.choice(["scratch", "crack", "stain"], N)
    frame["defect_code"] = np.where(ng & (rng.random(N) < 0.7), codes, None)  # NaN for OK
    frame["rework"] = np.where(ng & (rng.random(N) < 0.6), rng.integers(1, 4, N), 0)
    _table, report = write_and_check(tmp_path, frame, focus="class:NG")
    found = leaks(report)
    assert set(found) == {"alarm", "defect_code", "rework"}
    assert "non-zero only in rows where 판정 is NG" in found["alarm"].message
    assert "filled only in rows where 판정 is NG" in found["defect_code"].message
    assert found["defect_code"].details["rest"] is None
    assert "non-zero only in rows where 판정 is NG" in found["rework"].message
    assert found["alarm"].details["in_focus"] == int(hit.sum())
    assert found["alarm"].details["outside"] == 0
    # without a focus the rarer class is the focus: the same columns
    _table, default = write_and_check(tmp_path, frame)
    assert set(leaks(default)) == {"alarm", "defect_code", "rework"}


def test_yes_no_flags_and_flags_with_lost_cells_are_flagged(rng):
    frame = process(rng)
    ng = (frame["판정"] == "NG").to_numpy()
    frame["alarm"] = ng & (rng.random(N) < 0.5)  # True / False
    lost = pd.array(np.where(ng & (rng.random(N) < 0.5), 1, 0), dtype="Int64")
    lost[::40] = pd.NA  # a few cells lost in the export, in good and bad rows alike
    frame["rework"] = lost
    report = assess_quality(frame, {}, target="판정", focus="class:NG")
    found = leaks(report)
    assert set(found) == {"alarm", "rework"}
    assert "it is true only in rows where 판정 is NG" in found["alarm"].message
    assert found["rework"].details["outside"] == 0  # an empty cell is not a departure


def test_a_measurement_missing_only_for_defects_is_flagged(rng, tmp_path):
    frame = process(rng)
    ng = (frame["판정"] == "NG").to_numpy()
    thickness = rng.normal(180, 3, N).round(2)
    skipped = ng & (rng.random(N) < 0.7)  # failed parts were not measured
    frame["final_thickness"] = np.where(skipped, np.nan, thickness)
    _table, report = write_and_check(tmp_path, frame, focus="class:NG")
    (a,) = leaks(report).values()
    assert a.column == "final_thickness" and a.details["mark"] == "empty"
    assert a.details["in_focus"] == int(skipped.sum()) and a.details["outside"] == 0
    assert "it is empty only in rows where 판정 is NG" in a.message
    assert "a part that failed is not measured" in a.message


def test_flags_whose_or_is_the_target_are_named_together(rng, tmp_path):
    frame = process(rng)
    ng = np.flatnonzero((frame["판정"] == "NG").to_numpy())
    mode = rng.integers(0, 3, len(ng))
    for k, name in enumerate(["mode_a", "mode_b", "mode_c"]):
        flag = np.zeros(N, dtype=int)
        flag[ng[mode == k]] = 1
        frame[name] = flag
    _table, report = write_and_check(tmp_path, frame, focus="class:NG")
    found = leaks(report)
    assert set(found) == {"mode_a", "mode_b", "mode_c"}
    for name, a in found.items():
        assert a.details["family"] == ["mode_a", "mode_b", "mode_c"]
        assert a.details["family_covers_pct"] == 100.0
        others = [f"“{c}”" for c in a.details["family"] if c != name]
        assert f"Together with {', '.join(others)} it marks 100% of those rows" in a.message


def test_flags_too_rare_alone_count_together_when_side_by_side(rng, tmp_path):
    frame = process(rng)
    ng = np.flatnonzero((frame["판정"] == "NG").to_numpy())
    chosen = rng.choice(ng, 12, replace=False)
    for k, name in enumerate(["fault_1", "fault_2", "fault_3", "fault_4"]):
        flag = np.zeros(N, dtype=int)
        flag[chosen[3 * k : 3 * k + 3]] = 1  # 3 rows each: below the 5 a lone flag needs
        frame[name] = flag
    _table, report = write_and_check(tmp_path, frame, focus="class:NG")
    found = leaks(report)
    assert set(found) == {"fault_1", "fault_2", "fault_3", "fault_4"}
    assert all(a.details["method"] == "together" for a in found.values())
    assert "too few rows to judge alone" in found["fault_1"].message


def test_tiny_coincidences_are_not_leaks(rng, tmp_path):
    frame = process(rng)
    ng = np.flatnonzero((frame["판정"] == "NG").to_numpy())
    ok = np.flatnonzero((frame["판정"] == "OK").to_numpy())
    lone = np.zeros(N, dtype=int)
    lone[ng[:3]] = 1  # three rows, all defects: too few to mean anything alone
    frame["maint_call"] = lone
    spread = np.zeros(N, dtype=int)
    spread[np.concatenate([ng[10:40], ok[:30]])] = 1  # half defects: related, not decisive
    frame["night_shift"] = spread
    _table, report = write_and_check(tmp_path, frame, focus="class:NG")
    assert leaks(report) == {}


def test_many_nuisance_columns_and_a_one_percent_focus_raise_no_leak(rng):
    """Rare flags, rare levels, sensors missing at random, counters: none decides the result."""
    n = 50_000
    temp = rng.normal(200, 5, n)
    fail = (temp - 200) / 5 + rng.normal(0, 1, n) > 3.1  # ~1% of rows
    cols: dict[str, object] = {"temp": temp}
    for i in range(10):
        cols[f"rare_flag_{i}"] = (rng.random(n) < 10 ** -(1 + i % 3)).astype(int)
    for i in range(8):
        codes = rng.choice(["none", "a", "b", "c"], n, p=[0.97, 0.01, 0.01, 0.01])
        cols[f"code_{i}"] = codes
    for i in range(8):
        sensor = rng.normal(50, 5, n)
        sensor[rng.random(n) < 0.002 * (i + 1)] = np.nan
        cols[f"sensor_{i}"] = sensor
    for i in range(6):
        cols[f"count_{i}"] = rng.poisson(0.01 * (i + 1), n)
    cols["fail"] = np.where(fail, "yes", "no")
    frame = pd.DataFrame(cols)
    assert 0.005 < fail.mean() < 0.02
    report = assess_quality(frame, {}, target="fail", focus="class:yes")
    assert leaks(report) == {}


def test_regression_flag_set_only_in_the_top_rows(rng, tmp_path):
    frame = process(rng).drop(columns="판정")
    frame["yield"] = 80 + 2 * frame["속도"] - 0.3 * (frame["온도"] - 200) + rng.normal(0, 1, N)
    top = (frame["yield"] >= frame["yield"].quantile(0.95)).to_numpy()
    frame["bonus_paid"] = np.where(top & (rng.random(N) < 0.8), rng.uniform(10, 50, N), 0.0)
    _table, report = write_and_check(tmp_path, frame, target="yield", focus="top:5%")
    (a,) = leaks(report).values()
    assert a.column == "bonus_paid" and a.details["method"] == "one_sided"
    assert "non-zero only in the top 5% of rows by yield" in a.message
    _table, default = write_and_check(tmp_path, frame, target="yield")  # top and bottom 5%
    assert set(leaks(default)) == {"bonus_paid"}


def test_near_copies_are_still_said_as_such(rng, tmp_path):
    frame = process(rng)
    frame["판정_copy"] = frame["판정"].map({"NG": "reject", "OK": "pass"})
    _table, report = write_and_check(tmp_path, frame, focus="class:NG")
    (a,) = leaks(report).values()
    assert a.column == "판정_copy" and a.details["method"] == "groups"


def test_a_large_table_with_a_rare_focus_keeps_every_focus_row(rng):
    n = 300_000
    frame = process(rng, n)
    ng = (frame["판정"] == "NG").to_numpy()
    rare = ng & (rng.random(n) < 0.02)  # 0.16% of rows: ~30 of them in a plain 60,000 sample
    frame["판정"] = np.where(rare, "NG", "OK")
    flag = rare & (rng.random(n) < 0.15)  # set on ~70 rows, ~14 in a plain sample
    frame["rework"] = flag.astype(int)
    report = assess_quality(frame, {}, target="판정", focus="class:NG")
    (a,) = leaks(report).values()
    assert a.column == "rework" and a.details["sample"] == "focus_kept"
    assert a.details["focus_rows"] == int(rare.sum())  # every focus row was read
    assert a.details["in_focus"] == int(flag.sum()) and a.details["outside"] == 0
    assert a.details["sample_rows"] == 60_000 and a.details["rows"] == n
    assert "in a sample of 60,000 of the 300,000 rows, the focus rows first" in a.message


def test_binomial_tail_matches_the_exact_sum():
    from math import comb, log10

    n, k, p = 30, 25, 0.4
    exact = sum(comb(n, j) * p**j * (1 - p) ** (n - j) for j in range(k, n + 1))
    assert log10_tail(n, k, p) == pytest.approx(log10(exact), rel=1e-9)
    assert log10_tail(10, 10, 0.034) == pytest.approx(10 * log10(0.034))


# ---- filling missing inputs by model never reads the target or its leaks ----------------


def impute_fixture(rng: np.random.Generator, n: int = 3000) -> pd.DataFrame:
    """``humidity`` is missing in 30% of rows; the target ``yield`` (and its near-copy) would
    be by far its best predictor; ``line`` says nothing about it."""
    humidity = rng.normal(50, 10, n)
    frame = pd.DataFrame(
        {
            "line": rng.choice(["A", "B"], n),
            "humidity": humidity,
            "yield": 2 * humidity + rng.normal(0, 8, n),  # related, not a copy (r ≈ 0.93)
        }
    )
    frame["yield_pct"] = frame["yield"] * 1.01
    frame.loc[rng.random(n) < 0.3, "humidity"] = np.nan
    return frame


def test_model_filling_does_not_read_the_target_or_leaks(rng):
    from workbench.steps.recipe import Recipe, apply_recipe

    frame = impute_fixture(rng)
    holes = frame["humidity"].isna().to_numpy()
    recipe = Recipe([{"op": "impute", "column": "humidity", "method": "model"}])

    def filled(keep_out):
        result = apply_recipe(frame, {}, recipe, keep_out=keep_out)
        (report,) = result.reports
        values = result.frame["humidity"].to_numpy()[holes]
        tracks = np.corrcoef(values, frame["yield"].to_numpy()[holes])[0, 1]
        return report.details, tracks

    # without the guard the target is the best predictor: the filled cells copy it
    details, tracks = filled(())
    assert "yield" in details["features"] and tracks > 0.7
    # with it, neither the target nor its leak is read, and the filled cells do not follow it
    details, tracks = filled({"yield", "yield_pct"})
    assert details["features"] == ["line"]
    assert details["not_predictors"] == ["yield", "yield_pct"]
    assert abs(tracks) < 0.2
    assert frame["humidity"].isna().sum() == holes.sum()  # the input frame is left as it was


def test_project_model_run_keeps_target_and_flagged_columns_out_of_filling(rng, tmp_path):
    from workbench.pipeline import AnalysisInputs, clean_table, not_predictors
    from workbench.project import Project, Section
    from workbench.steps.recipe import Recipe
    from workbench.tables.loader import load_table as load

    path = tmp_path / "humid.csv"
    impute_fixture(rng).to_csv(path, index=False, encoding="cp949")
    project = Project()
    project.set_table(load(path))
    project.set_goal(Goal("yield"))
    project.set_recipe(Recipe([{"op": "impute", "column": "humidity", "method": "model"}]))
    table = project.table
    project.set_result(
        Section.QUALITY, assess_quality(table.frame, dict(table.kinds), target="yield")
    )
    assert not_predictors(project) == {"yield", "yield_pct"}  # yield_pct: a near-copy
    inputs = AnalysisInputs.from_project(project)
    assert inputs.keep_out == {"yield", "yield_pct"}
    cleaned = clean_table(None, inputs.table, inputs.recipe, inputs.keep_out)
    assert cleaned.reports[0].details["features"] == ["line"]


# ---- a model too good to be true ----------------------------------------------------------


def test_ai4i_model_with_the_flags_put_back_is_too_good_to_be_true(ai4i):
    table, report = ai4i
    frame, kinds = table.frame, dict(table.kinds)
    goal = Goal("Machine failure", "class", "class:1", positive_class="1")
    back = {c: ColumnRole.FEATURE for c in AI4I_FLAGS}
    roles = assign_roles(frame, kinds, goal.target, quality=report, explicit=back)
    fit = fit_model(frame, kinds, goal, roles, ModelSettings(effort="quick", n_folds=3))
    assert fit.score >= 0.99 and fit.verdict == "too_good"
    assert set(fit.giveaway) <= set(AI4I_FLAGS) and {"HDF", "OSF", "PWF"} <= set(fit.giveaway)
    assert "finds real structure" not in fit.verdict_message
    assert "This is too good to be true: " + ", ".join(fit.giveaway) in fit.verdict_message
    assert "Keep them out of the model and fit again" in fit.verdict_message
    said = fit.verdict_message
    fit.reword()  # said again (a reopened project, another language) from the saved fields
    assert fit.verdict_message == said and fit.summary()["giveaway"] == fit.giveaway
    # kept out (the default), the same data gives an honest, not perfect, model
    honest = fit_model(
        frame,
        kinds,
        goal,
        assign_roles(frame, kinds, goal.target, quality=report),
        ModelSettings(effort="quick", n_folds=3),
    )
    assert honest.score < 0.99 and honest.verdict == "useful" and honest.giveaway == []
    assert "finds real structure" in honest.verdict_message


def test_giveaway_columns_rules():
    from workbench.steps.verdict import giveaway_columns

    gains = {"flag": 50.0, "temp": 30.0, "speed": 20.0}
    assert giveaway_columns(0.985, gains, {"flag"}) == []  # not too good: nothing to say
    assert giveaway_columns(0.995, gains, {"flag"}) == ["flag"]  # a flagged top driver
    assert giveaway_columns(0.995, gains, set()) == ["flag"]  # half of the gain alone
    spread = {"a": 30.0, "b": 25.0, "c": 25.0, "d": 20.0}
    assert giveaway_columns(0.995, spread, set()) == []  # near-perfect, many drivers: real
    assert giveaway_columns(0.995, spread, set(), "c", 0.992) == ["c"]  # one column suffices
    many = {f"x{i}": float(10 - i) for i in range(10)}
    assert giveaway_columns(0.999, many, {"x8"}) == []  # flagged, but not a top driver


def test_a_regression_with_a_near_copy_put_back_is_too_good(rng):
    n = 2000
    frame = pd.DataFrame({"temp": rng.normal(200, 5, n), "speed": rng.uniform(1, 3, n)})
    frame["yield"] = 0.5 * frame["temp"] + 3 * frame["speed"] + rng.normal(0, 2, n)
    frame["final_yield"] = frame["yield"] + rng.normal(0, 0.05, n)  # measured after the result
    report = assess_quality(frame, {}, target="yield")
    assert set(leaks(report)) == {"final_yield"}
    goal = Goal("yield")
    back = assign_roles(
        frame, {}, "yield", quality=report, explicit={"final_yield": ColumnRole.FEATURE}
    )
    fit = fit_model(frame, {}, goal, back, ModelSettings(effort="quick", n_folds=3))
    assert fit.metrics["r2"] >= 0.99 and fit.verdict == "too_good"
    assert fit.giveaway == ["final_yield"]
    assert "This is too good to be true: final_yield gives the answer away" in fit.verdict_message
    kept = fit_model(
        frame, {}, goal, assign_roles(frame, {}, "yield", quality=report), ModelSettings("quick")
    )
    assert kept.verdict == "useful" and kept.metrics["r2"] < 0.99


def test_a_flag_set_only_in_the_other_class_of_a_balanced_target_is_flagged(rng):
    """Two classes of comparable size (Steel Plates: named faults vs bumps/other): a flag set
    only in the rows of the class that is not the focus gives the answer away as well."""
    n = 2000
    other = rng.random(n) < 0.55
    family = np.where(other, "bump_or_other", "named")
    frame = pd.DataFrame(
        {
            "width": rng.normal(100, 10, n),
            "bumps": (other & (rng.random(n) < 0.4)).astype(int),  # only in the other class
            "family": family,
        }
    )
    found = leaks(assess_quality(frame, {}, target="family", focus="class:named"))
    assert set(found) == {"bumps"}
    assert "non-zero only in rows where family is bump_or_other" in found["bumps"].message
    assert found["bumps"].details["outside"] == 0


def test_a_setting_never_seen_in_rare_failures_is_not_a_leak(rng):
    """A rare focus (3% failures): a setting used only in good rows is a candidate cause of
    fewer failures, not a giveaway — the other class is not checked then."""
    n = 4000
    fail = rng.random(n) < 0.03
    coating = np.where(fail, 0, (rng.random(n) < 0.3).astype(int))
    frame = pd.DataFrame(
        {"coating": coating, "temp": rng.normal(0, 1, n), "fail": fail.astype(int)}
    )
    assert leaks(assess_quality(frame, {}, target="fail", focus="class:1")) == {}
