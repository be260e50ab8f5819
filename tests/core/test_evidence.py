"""Evidence: pasted numbers read robustly; statistics checked against scipy on known samples."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from workbench.errors import WorkbenchError
from workbench.feedback.evidence import (
    Evidence,
    compare,
    compare_proportions,
)
from workbench.feedback.evidence_samples import parse_numbers, sample_from_file
from workbench.intervals import newcombe_interval, wilson_interval


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.2, 3,4 ; 5", [1.2, 3.4, 5.0]),
        ("1,2,3", [1.0, 2.0, 3.0]),
        ("1, 2, 3", [1.0, 2.0, 3.0]),
        ("1,5 2,5\t3,5", [1.5, 2.5, 3.5]),
        ("1,234.5\n2,000,000\n3", [1234.5, 2000000.0, 3.0]),
        ("19.5%\n−0.25\n1e2\n", [19.5, -0.25, 100.0]),
        ("  ", []),
    ],
)
def test_parse_numbers(text, expected):
    assert parse_numbers(text) == pytest.approx(expected)


def test_parse_numbers_names_the_bad_piece():
    with pytest.raises(WorkbenchError, match="“abc” is not a number") as info:
        parse_numbers("1.2; abc; 3")
    assert "decimal commas" in info.value.hint


def test_welch_matches_scipy():
    rng = np.random.default_rng(7)
    before, after = rng.normal(19.5, 0.3, 30), rng.normal(19.8, 0.5, 22)
    ev = compare(before, after, unit="%p")
    ref = stats.ttest_ind(after, before, equal_var=False)
    ci = ref.confidence_interval(0.95)
    assert ev.test == "welch" and ev.test_reason == "normal_enough" and ev.kind == "mean"
    assert ev.difference == pytest.approx(after.mean() - before.mean())
    assert ev.p_value == pytest.approx(ref.pvalue, rel=1e-9)
    assert (ev.ci_low, ev.ci_high) == pytest.approx((ci.low, ci.high), rel=1e-9)
    assert ev.details["df"] == pytest.approx(ref.df)
    assert ev.verdict == "unlikely_chance" and ev.warnings == ()
    assert ev.text.startswith(f"+{ev.difference:.2f} %p, 95% CI +")
    assert "unlikely to be chance (Welch's t-test" in ev.text


def test_far_from_normal_uses_mann_whitney_and_says_why():
    rng = np.random.default_rng(3)
    before = rng.lognormal(0.0, 1.0, 40)
    after = rng.lognormal(0.6, 1.0, 40)
    ev = compare(before, after)
    assert ev.test == "mann_whitney" and ev.test_reason == "far_from_normal"
    ref = stats.mannwhitneyu(after, before, alternative="two-sided")
    assert ev.p_value == pytest.approx(ref.pvalue, rel=1e-9)
    pairwise = np.subtract.outer(after, before).ravel()
    assert ev.difference == pytest.approx(np.median(pairwise))  # Hodges–Lehmann shift
    assert ev.ci_low < ev.difference < ev.ci_high
    assert ev.before_center == pytest.approx(np.median(before))
    assert "Mann–Whitney" in ev.test_text and "skewed" in ev.test_text
    assert "Shapiro–Wilk" in ev.test_text


def test_mann_whitney_interval_covers_a_known_shift():
    rng = np.random.default_rng(11)
    hits = 0
    for _ in range(40):
        before = rng.exponential(1.0, 30)
        after = rng.exponential(1.0, 30) + 0.5  # a pure shift of 0.5
        ev = compare(before, after, kind="mean")
        hits += ev.ci_low <= 0.5 <= ev.ci_high
    assert hits >= 34  # ≈95% coverage (40 tries: 34 or more in all but rare cases)


def test_wilson_matches_scipy_and_newcombe_matches_the_published_example():
    ci = stats.binomtest(7, 50).proportion_ci(0.95, method="wilson")
    assert wilson_interval(7, 50) == pytest.approx((ci.low, ci.high), rel=1e-9)
    # Newcombe (1998), example (a): 56/70 vs 48/80 -> 0.0524 to 0.3339 for p1 − p2.
    low, high = newcombe_interval(48, 80, 56, 70)
    assert (low, high) == pytest.approx((0.0524, 0.3339), abs=1e-4)


def test_proportions_large_counts_z_test_equals_chi_square():
    ev = compare_proportions(24, 400, 10, 400)
    chi = stats.chi2_contingency([[24, 376], [10, 390]], correction=False)
    assert ev.test == "two_proportion_z" and ev.test_reason == "large_counts"
    assert ev.p_value == pytest.approx(chi.pvalue, rel=1e-9)
    assert ev.difference == pytest.approx(10 / 400 - 24 / 400)
    assert ev.text.startswith("−3.5 %p, 95% CI −6.")
    assert ev.text.endswith("unlikely to be chance (two-proportion z-test, p = 0.014)")


def test_small_counts_use_fisher():
    ev = compare([1, 0, 0, 0, 0, 0, 0, 0, 0, 1], [0] * 12, kind="auto")
    assert ev.kind == "proportion" and ev.test == "fisher"
    ref = stats.fisher_exact([[0, 12], [2, 8]])
    assert ev.p_value == pytest.approx(ref.pvalue)
    assert "wide_interval" in ev.warnings and ev.verdict == "could_be_chance"


def test_too_few_values_warn_and_too_few_to_compare_is_an_error():
    ev = compare("20.1 20.4 19.9", "20.8; 21,0; 20.6")
    assert ev.verdict == "too_small" and "too_few" in ev.warnings
    assert "too few values to tell" in ev.text
    assert any("too few to tell" in w for w in ev.warning_texts)
    with pytest.raises(WorkbenchError, match="only 1 value"):
        compare("1", "2 3")
    with pytest.raises(WorkbenchError, match="0/1"):
        compare("1 2 3", "1 0 1", kind="proportion")


def test_the_sentence_reads_like_the_spec():
    ev = Evidence(
        kind="mean",
        test="welch",
        test_reason="normal_enough",
        estimate="mean_difference",
        difference=0.42,
        ci_low=0.18,
        ci_high=0.66,
        p_value=0.0012,
        verdict="unlikely_chance",
        n_before=20,
        n_after=20,
        before_center=19.5,
        after_center=19.92,
        unit="%p",
    )
    assert (
        ev.text
        == "+0.42 %p, 95% CI +0.18 to +0.66 — unlikely to be chance (Welch's t-test, p = 0.001)"
    )
    back = Evidence.from_dict(json.loads(json.dumps(ev.to_dict())))
    assert back == ev


def test_samples_from_a_cp949_csv(tmp_path):
    path = tmp_path / "trial.csv"
    rows = ["일자,효율 [%],불량"] + [
        f"2026-04-{d:02d},{19.5 + d / 100:.2f},{'예' if d % 4 == 0 else '아니오'}"
        for d in range(1, 21)
    ]
    path.write_bytes("\r\n".join(rows).encode("cp949"))
    sample = sample_from_file(path, "효율 [%]")
    assert len(sample) == 20 and sample.values[0] == pytest.approx(19.51)
    assert sample.source == "trial.csv, column 효율 [%]"
    defects = sample_from_file(path, "불량")
    assert sum(defects.values) == 5  # the rarer level (예) counts as the event
    with pytest.raises(WorkbenchError, match="no column"):
        sample_from_file(path, "yield")
    with pytest.raises(WorkbenchError, match="neither numbers"):
        sample_from_file(path, "일자")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False).map(lambda x: round(x, 3)), max_size=20))
def test_pasted_numbers_round_trip(values):
    assert parse_numbers("; ".join(repr(v) for v in values)) == values
    assert parse_numbers("\n".join(str(v) for v in values)) == values


def test_saved_evidence_reads_in_the_readers_language():
    from workbench.feedback.evidence import evidence_sentence, evidence_texts
    from workbench.i18n import set_language

    saved = compare([19.4, 19.5, 19.6, 19.3, 19.5], [19.9, 20.0, 19.8, 20.1, 19.9]).to_dict()
    assert evidence_sentence(saved) == saved["text"]
    try:
        set_language("ko")
        text, test, warnings = evidence_texts(saved)
    finally:
        set_language("en")
    assert text != saved["text"] and any("\uac00" <= ch <= "\ud7a3" for ch in text + test)
    assert len(warnings) == len(saved["warning_texts"])
    # Written by another tool without the numbers: the saved words are kept.
    assert evidence_sentence({"text": "from elsewhere"}) == "from elsewhere"
    assert evidence_texts(None) == ("", "", [])
