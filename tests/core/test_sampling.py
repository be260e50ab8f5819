"""The stated, stratified training sample of a file larger than memory: every focus row is in
it, the other rows are spread over the strata in proportion, and the sentence's numbers are
recomputed here from the sample itself (real Parquet and cp949 CSV files, a forced small memory
budget so the sampled path triggers at 30,000 rows)."""

from __future__ import annotations

import contextlib
import io
import json

import numpy as np
import pandas as pd
import pytest

from tests.core.test_stream_profile import plant_frame, write_cp949_csv, write_parquet
from workbench.big_analysis import focus_of, plan_for_file, read_sampled
from workbench.cli import main
from workbench.steps.goal import parse_focus, select_focus
from workbench.steps.sampling import (
    ENV_BUDGET,
    MIN_SAMPLE_ROWS,
    SampleChoice,
    Strata,
    plan_sample,
    sample_focus,
    sample_rows,
)
from workbench.steps.sampling_wording import big_file_notice, sample_sentence
from workbench.tables.big_source import open_big_source

ROWS = 30_000


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return plant_frame(ROWS)


@pytest.fixture(scope="module")
def parquet(frame, tmp_path_factory):
    return write_parquet(frame, tmp_path_factory.mktemp("big") / "plant.parquet")


def _sampled(path, target="yield", **kw):
    args = {"time": None, "goal": None, "focus": None, "positive_class": None, "size": 6_000}
    args.update(kw)
    return read_sampled(open_big_source(path), target=target, **args)


# ---- when ----------------------------------------------------------------------------------


def test_the_sample_is_taken_only_when_the_table_would_not_fit():
    assert sample_rows(SampleChoice(budget=10**12), 10**9, 10**7) is None
    size = sample_rows(SampleChoice(budget=10**8), 10**9, 10**7)  # 100 bytes a row
    assert size == 10**8 / 4 / 100  # a quarter of the budget: the analysis peaks at 4x
    assert sample_rows(SampleChoice(budget=10**11), 10**11, 10**9) == 2_000_000  # the most
    assert sample_rows(SampleChoice(budget=10), 10**9, 10**7) == MIN_SAMPLE_ROWS
    assert sample_rows(SampleChoice(budget=10, off=True), 10**9, 10**7) is None
    assert sample_rows(SampleChoice(rows=50_000, budget=10**12), 10**9, 10**7) == 50_000
    assert sample_rows(SampleChoice(rows=10**8), 10**9, 10**7) is None  # more than there is


def test_the_memory_budget_can_be_forced(parquet, monkeypatch):
    monkeypatch.setenv(ENV_BUDGET, str(10**12))
    assert plan_for_file(parquet, SampleChoice()) is None
    monkeypatch.setenv(ENV_BUDGET, "1000")
    source, size = plan_for_file(parquet, SampleChoice())
    assert size == MIN_SAMPLE_ROWS and source.rows == ROWS
    assert plan_for_file(parquet, SampleChoice(off=True)) is None


# ---- which rows ----------------------------------------------------------------------------


def test_plan_keeps_every_focus_row_and_spreads_the_rest_in_proportion():
    rng = np.random.default_rng(3)
    codes = rng.choice(4, size=20_000, p=[0.1, 0.2, 0.3, 0.4]).astype(np.int32)
    codes[rng.random(20_000) < 0.02] = -1  # no target: never sampled
    strata = Strata("class", "grade", codes, ["A", "B", "C", "D"])
    focus = np.flatnonzero((codes == 0) & (rng.random(20_000) < 0.5))
    plan = plan_sample(strata, focus, 5_000, parse_focus("class:A"), "grade")
    chosen = set(plan.positions.tolist())
    assert set(focus.tolist()) <= chosen
    assert len(plan.positions) == 5_000 == plan.statement.rows_sampled
    assert not (codes[plan.positions] == -1).any()
    other = np.setdiff1d(plan.positions, focus)
    pool = np.setdiff1d(np.flatnonzero(codes >= 0), focus)
    for s in range(4):
        expected = len(other) * np.mean(codes[pool] == s)
        assert abs(np.sum(codes[other] == s) - expected) <= 1, s
        row = plan.statement.strata[s]
        assert row["rows"] == np.sum(codes == s)
        assert row["sampled"] == np.sum(codes[plan.positions] == s)
    assert plan.statement.rows_without_target == np.sum(codes == -1)


@pytest.mark.parametrize("n", [1_500, 20_001, 123_457, 2_000_003])
def test_a_share_in_the_sample_picks_exactly_the_focus_rows(n):
    rule = parse_focus("top:5%")
    said = 0
    for focus in (1, 77, n // 3, n - 1):
        found = sample_focus(rule, focus, n)
        if found is not None:
            said += 1
            k = max(1, int(np.ceil(float(found.value) * n - 1e-9)))
            assert k == focus
            assert parse_focus(found.to_text()) == found  # survives being saved as text
    assert said >= 1
    assert sample_focus(parse_focus("class:NG"), 5, n) == parse_focus("class:NG")


def test_focus_rows_complete_after_the_clean_ups(parquet, frame):
    sampled = _sampled(parquet, time="time")
    sample = sampled.table.frame
    whole_focus = select_focus(frame["yield"], parse_focus("top:5%"))
    copies = set(frame.index[frame.duplicated()])  # dropped by the clean-up, as in any analysis
    assert set(whole_focus) & copies  # the test sees that case
    kept = set(whole_focus) - copies
    assert kept <= set(sample.index) and not copies & set(whole_focus) & set(sample.index)
    # in the sample, the sample's rule picks exactly the file's focus rows
    assert set(select_focus(sample["yield"], focus_of(sampled.sample_goal))) == kept
    assert focus_of(sampled.goal) == parse_focus("top:5%") and sampled.statement.focus == "top:5%"
    assert [r.op for r in sampled.cleaning] == ["sentinel_to_missing", "drop_duplicate_rows"]
    # the rows are the file's rows, at their positions
    pd.testing.assert_series_equal(
        sample["yield"], frame["yield"].loc[sample.index], check_names=False
    )
    note = next(n for n in sampled.table.notes if n.kind == "sampled")
    assert note.details == sampled.statement.to_dict()


def test_the_sample_is_stratified_by_month_and_stated(parquet, frame):
    sampled = _sampled(parquet, time="time", clean=False)
    sample = sampled.table.frame
    statement = sampled.statement
    whole_focus = select_focus(frame["yield"], parse_focus("top:5%"))
    assert set(whole_focus) <= set(sample.index)
    assert set(select_focus(sample["yield"], focus_of(sampled.sample_goal))) == set(whole_focus)
    # the sentence's numbers, recomputed from the sample
    assert statement.rows_total == ROWS and statement.rows_sampled == len(sample)
    assert statement.focus_rows == len(whole_focus)
    assert statement.strata_kind == "month" and statement.strata_column == "time"
    month = frame["time"].dt.strftime("%Y-%m")
    assert {s["label"]: s["sampled"] for s in statement.strata} == (
        month.loc[sample.index].value_counts().to_dict()
    )
    assert {s["label"]: s["rows"] for s in statement.strata} == month.value_counts().to_dict()
    # the same share of every month's other rows (largest remainders: within one row)
    other_file = month.drop(index=whole_focus).value_counts()
    other_sample = month.loc[sample.index.difference(whole_focus)].value_counts()
    wanted = other_file * (other_sample.sum() / other_file.sum())
    assert (other_sample - wanted).abs().max() <= 1
    text = sample_sentence(statement)
    assert f"Trained on {len(sample):,} of 30,000 rows" in text
    assert f"stratified by month of time ({month.nunique()} months)" in text
    assert f"all {len(whole_focus):,} focus rows (the top 5% of rows by yield)" in text


def test_a_class_focus_keeps_every_row_of_the_class(tmp_path, frame):
    path = write_cp949_csv(frame, tmp_path / "plant.csv")
    sampled = _sampled(path, target="defect", focus="class:NG", clean=False)
    sample = sampled.table.frame
    ng = frame.index[frame["defect"] == "NG"]
    assert set(ng) <= set(sample.index) and not sampled.cleaning
    assert (sample["defect"] == "NG").sum() == len(ng) == sampled.statement.focus_rows
    statement = sampled.statement
    assert statement.strata_kind == "class" and statement.strata_column == "defect"
    assert {s["label"]: s["sampled"] for s in statement.strata} == sample[
        "defect"
    ].value_counts().to_dict()
    assert focus_of(sampled.sample_goal) == parse_focus("class:NG")


def test_without_a_time_column_the_target_deciles_stratify(parquet, frame):
    sampled = _sampled(parquet, size=3_000)
    statement = sampled.statement
    assert statement.strata_kind == "deciles" and len(statement.strata) == 10
    assert sum(s["rows"] for s in statement.strata) == ROWS
    assert sum(s["sampled"] for s in statement.strata) == statement.rows_sampled


def test_the_notice_before_reading():
    text = big_file_notice(31_536_000, 2_000_000)
    assert text.startswith("This file has about 32 million rows — more than fits in memory.")
    assert "train on a stratified sample of 2,000,000 rows, keeping every focus row" in text
    asked = big_file_notice(123_456, 20_000, asked=True)
    assert asked.startswith("This file has about 120,000 rows. As asked, Workbench will check")
    assert "memory" not in asked


# ---- the command line ----------------------------------------------------------------------


def test_cli_analyze_states_the_sample(parquet, frame, tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_BUDGET, "1000")  # nothing fits: the sampled path
    out, err = io.StringIO(), io.StringIO()
    summary = tmp_path / "s.json"
    clusters = tmp_path / "c.csv"
    argv = ["analyze", str(parquet), "--target", "yield", "--time", "time", "--id", "count"]
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([*argv, "--json", str(summary), "--clusters", str(clusters)])
    assert code == 0, err.getvalue()
    assert "more than fits in memory" in err.getvalue()
    doc = json.loads(summary.read_text(encoding="utf-8"))
    whole_focus = select_focus(frame["yield"], parse_focus("top:5%"))
    sample = doc["model"]["sample"]
    assert doc["data"]["rows"] == ROWS
    # the sample's duplicate rows were dropped by the clean-ups, as in any analysis
    assert sample["rows_sampled"] - 40 <= doc["data"]["rows_analyzed"] <= sample["rows_sampled"]
    copies = frame.index[frame.duplicated()]
    assert sample["rows_total"] == ROWS and sample["focus_rows"] == len(whole_focus)
    kept = set(whole_focus) - set(copies)  # the clean-up drops later copies of duplicated rows
    assert doc["focus"]["rows"] == len(kept) and doc["focus"]["rule"] == "top:5%"
    assert sample["message"] in out.getvalue()
    # a few other rows may be left out so that a share with four decimals picks the focus
    assert MIN_SAMPLE_ROWS - 20 <= sample["rows_sampled"] <= MIN_SAMPLE_ROWS
    assert f"Trained on {sample['rows_sampled']:,} of 30,000 rows" in sample["message"]
    assert doc["model"]["rows"] <= MIN_SAMPLE_ROWS
    # --clusters points at the file's rows: every focus row of the file, by position, but the
    # later copies of duplicated rows, which the clean-up dropped
    rows = pd.read_csv(clusters)["row"]
    assert set(rows) == kept
    assert set(whole_focus) & set(copies)  # the test sees that case
    assert doc["quality"]["duplicate_rows"] >= 40  # counted over every row


def test_cli_profile_reports_every_row(parquet, frame, tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_BUDGET, "1000")
    out, err = io.StringIO(), io.StringIO()
    target = tmp_path / "p.json"
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["profile", str(parquet), "--target", "yield", "--json", str(target)])
    assert code == 0, err.getvalue()
    assert "more than fits in memory" in err.getvalue()
    assert "30,000 rows × 8 columns (parquet)" in out.getvalue()
    doc = json.loads(target.read_text(encoding="utf-8"))
    assert doc["data"]["rows"] == ROWS and doc["quality"]["n_rows"] == ROWS
    profiles = {p["name"]: p for p in doc["quality"]["profiles"]}
    assert profiles["a"]["missing"] == int(frame["a"].isna().sum())
    assert profiles["yield"]["max"] == float(frame["yield"].max())
    assert doc["quality"]["duplicate_rows"] == int(frame.duplicated().sum())
