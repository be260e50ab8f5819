"""Evidence for an outcome: did the line really change, or could it be chance?

Before/after (or control/trial) samples come pasted as numbers (:func:`parse_numbers`) or from
a data file and a column (:func:`sample_from_file`). :func:`compare` gives the difference
(after − before) with a 95% confidence interval and a suitable test:

* measurements: Welch's t-test (no equal-variance assumption); when a sample is far from
  normal (Shapiro–Wilk p < 0.01 together with strong skew or heavy tails), the rank-based
  Mann–Whitney U test, with the Hodges–Lehmann shift and its distribution-free interval;
* 0/1 outcomes (a defect rate): the difference of two proportions with Newcombe's hybrid
  Wilson-score interval, tested with Fisher's exact test when an expected count is below 5,
  else the pooled two-proportion z-test.

The engineer's judged outcome is theirs; the evidence sits beside it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np

from workbench.errors import WorkbenchError
from workbench.feedback import evidence_wording as words
from workbench.feedback.evidence_samples import (
    Sample,
    as_sample,
)
from workbench.intervals import LEVEL, newcombe_interval

__all__ = [
    "Evidence",
    "compare",
    "compare_proportions",
]
Kind = Literal["auto", "mean", "proportion"]
MIN_PER_SIDE = 5
#: Pairwise differences for the Hodges–Lehmann interval are computed on at most this many
#: rows per side (a seeded sample beyond it: the interval then is an estimate).
MAX_PAIRWISE_SIDE = 2000


# ---------------------------------------------------------------------------------------------
# The comparison


@dataclass(frozen=True)
class Evidence:
    """The difference after − before with its 95% interval, the test used and why.

    ``kind`` is ``mean`` or ``proportion``; for a proportion the numbers are fractions (the
    wording shows percentage points). ``estimate`` names the difference: ``mean_difference``,
    ``hodges_lehmann`` (the typical shift, Mann–Whitney) or ``rate_difference``.
    ``verdict`` is ``unlikely_chance``, ``could_be_chance`` or ``too_small``; ``warnings``
    holds codes (``too_few``, ``wide_interval``, ``sampled_pairs``).
    """

    kind: str
    test: str  # welch | mann_whitney | two_proportion_z | fisher
    test_reason: str  # normal_enough | far_from_normal | large_counts | small_counts
    estimate: str
    difference: float
    ci_low: float
    ci_high: float
    p_value: float
    verdict: str
    n_before: int
    n_after: int
    before_center: float  # mean, median (Mann–Whitney) or rate
    after_center: float
    warnings: tuple[str, ...] = ()
    unit: str = ""
    before_source: str = ""
    after_source: str = ""
    details: dict[str, float] = field(default_factory=dict)  # statistic, df, shapiro p, skew...

    @property
    def text(self) -> str:
        """The plain-words result: "+0.42 %p, 95% CI +0.18 to +0.66 — unlikely to be chance"."""
        return words.evidence_sentence(self)

    @property
    def test_text(self) -> str:
        """Which test and why, in words."""
        return words.test_sentence(self)

    @property
    def warning_texts(self) -> list[str]:
        return [words.warning_sentence(code, self) for code in self.warnings]

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["warnings"] = list(self.warnings)
        out["text"] = self.text  # kept for readers without the core (report, library search)
        out["test_text"] = self.test_text
        out["warning_texts"] = self.warning_texts
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Evidence:
        names = set(cls.__dataclass_fields__)
        kwargs = {k: v for k, v in data.items() if k in names}
        kwargs["warnings"] = tuple(kwargs.get("warnings", ()))
        kwargs["details"] = dict(kwargs.get("details") or {})
        return cls(**kwargs)


def evidence_texts(doc: Mapping[str, Any] | None) -> tuple[str, str, list[str]]:
    """(result, test, warnings) of saved evidence in the current language.

    The sentences saved beside the numbers are only a fallback (an entry written by another
    tool): a project logged in English reads in Korean."""
    if not doc:
        return "", "", []
    try:
        evidence = Evidence.from_dict(doc)
        return evidence.text, evidence.test_text, evidence.warning_texts
    except (TypeError, ValueError, KeyError):
        warnings = [str(w) for w in doc.get("warning_texts") or []]
        return str(doc.get("text") or ""), str(doc.get("test_text") or ""), warnings


def evidence_sentence(doc: Mapping[str, Any] | None) -> str:
    """The one-line result of saved evidence, in the current language ("" when none)."""
    return evidence_texts(doc)[0]


def is_binary(values: Iterable[float]) -> bool:
    return all(v in (0.0, 1.0) for v in values)


def compare(
    before: Sample | str | Iterable[float],
    after: Sample | str | Iterable[float],
    kind: Kind = "auto",
    *,
    unit: str = "",
) -> Evidence:
    """Compare two samples (after − before). ``kind="auto"`` treats two 0/1 samples as a
    proportion and anything else as measurements. Raises a plain :class:`WorkbenchError` when
    a side has fewer than two values."""
    b, a = as_sample(before), as_sample(after)
    for side, sample in ((words.side_before(), b), (words.side_after(), a)):
        if len(sample) < 2:
            raise WorkbenchError(words.too_few_values(side, len(sample)), words.too_few_hint())
    if kind == "auto":
        kind = "proportion" if is_binary(b.values) and is_binary(a.values) else "mean"
    if kind == "proportion":
        if not (is_binary(b.values) and is_binary(a.values)):
            raise WorkbenchError(words.not_binary(), words.not_binary_hint())
        return compare_proportions(
            int(sum(b.values)), len(b), int(sum(a.values)), len(a), sources=(b.source, a.source)
        )
    if kind != "mean":
        raise ValueError(f"unknown kind {kind!r}")
    return _compare_means(np.asarray(b.values), np.asarray(a.values), unit, (b.source, a.source))


def far_from_normal(x: np.ndarray) -> tuple[bool, dict[str, float]]:
    """Shapiro–Wilk p < 0.01 and strong skew (|skew| > 1) or heavy tails (excess kurtosis > 3).

    Both are needed: with many rows Shapiro–Wilk flags harmless departures, and Welch's test
    copes with mild ones; skew or outliers are what mislead a mean.
    """
    from scipy import stats

    info: dict[str, float] = {}
    if len(x) < 8 or np.ptp(x) == 0:
        return False, info
    sample = x if len(x) <= 5000 else np.random.default_rng(0).choice(x, 5000, replace=False)
    p = float(stats.shapiro(sample).pvalue)
    skew, kurt = float(stats.skew(x)), float(stats.kurtosis(x))
    info.update(shapiro_p=p, skew=skew, excess_kurtosis=kurt)
    return p < 0.01 and (abs(skew) > 1 or kurt > 3), info


def _compare_means(b: np.ndarray, a: np.ndarray, unit: str, sources: tuple[str, str]) -> Evidence:
    far_b, info_b = far_from_normal(b)
    far_a, info_a = far_from_normal(a)
    details = {f"before_{k}": v for k, v in info_b.items()}
    details.update({f"after_{k}": v for k, v in info_a.items()})
    if far_b or far_a:
        details["far_side"] = 0.0 if far_b else 1.0
        test, reason, estimate = "mann_whitney", "far_from_normal", "hodges_lehmann"
        diff, low, high, p, extra = _mann_whitney(b, a)
        centers = (float(np.median(b)), float(np.median(a)))
    else:
        test, reason, estimate = "welch", "normal_enough", "mean_difference"
        diff, low, high, p, extra = _welch(b, a)
        centers = (float(np.mean(b)), float(np.mean(a)))
    details.update(extra)
    warns = _warnings(len(b), len(a), low, high, _pooled_sd(b, a))
    if "sampled_pairs" in extra:
        warns = (*warns, "sampled_pairs")
    return Evidence(
        kind="mean",
        test=test,
        test_reason=reason,
        estimate=estimate,
        difference=diff,
        ci_low=low,
        ci_high=high,
        p_value=p,
        verdict=_verdict(warns, p),
        n_before=len(b),
        n_after=len(a),
        before_center=centers[0],
        after_center=centers[1],
        warnings=warns,
        unit=unit,
        before_source=sources[0],
        after_source=sources[1],
        details=details,
    )


def _welch(b: np.ndarray, a: np.ndarray) -> tuple[float, float, float, float, dict[str, float]]:
    from scipy import stats

    vb, va = np.var(b, ddof=1) / len(b), np.var(a, ddof=1) / len(a)
    diff = float(np.mean(a) - np.mean(b))
    se = math.sqrt(vb + va)
    if se == 0:  # both sides constant: the difference is exact
        p = 1.0 if diff == 0 else 0.0
        return diff, diff, diff, p, {"df": float(len(a) + len(b) - 2)}
    df = (vb + va) ** 2 / (vb**2 / (len(b) - 1) + va**2 / (len(a) - 1))
    half = float(stats.t.ppf(0.5 + LEVEL / 2, df)) * se
    t = diff / se
    p = float(2 * stats.t.sf(abs(t), df))
    return diff, diff - half, diff + half, p, {"statistic": t, "df": float(df)}


def _mann_whitney(
    b: np.ndarray, a: np.ndarray
) -> tuple[float, float, float, float, dict[str, float]]:
    from scipy import stats

    res = stats.mannwhitneyu(a, b, alternative="two-sided")
    extra: dict[str, float] = {"statistic": float(res.statistic)}
    rng = np.random.default_rng(0)
    bs, as_ = b, a
    if len(b) > MAX_PAIRWISE_SIDE or len(a) > MAX_PAIRWISE_SIDE:
        extra["sampled_pairs"] = 1.0
        if len(b) > MAX_PAIRWISE_SIDE:
            bs = rng.choice(b, MAX_PAIRWISE_SIDE, replace=False)
        if len(a) > MAX_PAIRWISE_SIDE:
            as_ = rng.choice(a, MAX_PAIRWISE_SIDE, replace=False)
    diffs = np.sort(np.subtract.outer(as_, bs).ravel())
    n1, n2 = len(as_), len(bs)
    shift = float(np.median(diffs))
    # Distribution-free interval: order statistics of the pairwise differences at the
    # normal approximation of the U distribution's critical value (Hollander & Wolfe).
    z = float(stats.norm.ppf(0.5 + LEVEL / 2))
    # 1-based rank C (rounded down: the interval errs wide), as 0-based index C - 1.
    c = math.floor(n1 * n2 / 2 - z * math.sqrt(n1 * n2 * (n1 + n2 + 1) / 12))
    k = min(max(c - 1, 0), diffs.size - 1)
    low, high = float(diffs[k]), float(diffs[diffs.size - 1 - k])
    return shift, low, high, float(res.pvalue), extra


def _pooled_sd(b: np.ndarray, a: np.ndarray) -> float:
    return float(math.sqrt((np.var(b, ddof=1) + np.var(a, ddof=1)) / 2))


def _warnings(n_b: int, n_a: int, low: float, high: float, scale: float) -> tuple[str, ...]:
    out: list[str] = []
    if min(n_b, n_a) < MIN_PER_SIDE:
        out.append("too_few")
    # An interval that holds zero and is wider than the spread of one run cannot tell a useful
    # effect from none: more data are needed.
    if low <= 0 <= high and scale > 0 and high - low > scale:
        out.append("wide_interval")
    return tuple(out)


def _verdict(warns: Iterable[str], p: float) -> str:
    if "too_few" in warns:
        return "too_small"
    return "unlikely_chance" if p < 1 - LEVEL else "could_be_chance"


# ---------------------------------------------------------------------------------------------
# Proportions


def compare_proportions(
    x_before: int,
    n_before: int,
    x_after: int,
    n_after: int,
    *,
    sources: tuple[str, str] = ("", ""),
) -> Evidence:
    """Compare two rates (e.g. defects of runs): ``x`` events out of ``n`` on each side."""
    from scipy import stats

    for x, n in ((x_before, n_before), (x_after, n_after)):
        if n < 1 or not 0 <= x <= n:
            raise WorkbenchError(words.bad_counts(x, n), words.bad_counts_hint())
    p1, p2 = x_before / n_before, x_after / n_after
    low, high = newcombe_interval(x_before, n_before, x_after, n_after)
    total, events = n_before + n_after, x_before + x_after
    expected = [
        n * share for n in (n_before, n_after) for share in (events / total, 1 - events / total)
    ]
    details: dict[str, float] = {"x_before": x_before, "x_after": x_after}
    if min(expected) < 5:
        test, reason = "fisher", "small_counts"
        table = [[x_after, n_after - x_after], [x_before, n_before - x_before]]
        p = float(stats.fisher_exact(table).pvalue)
    else:
        test, reason = "two_proportion_z", "large_counts"
        pooled = events / total
        se = math.sqrt(pooled * (1 - pooled) * (1 / n_before + 1 / n_after))
        z = (p2 - p1) / se if se > 0 else 0.0
        p = float(2 * stats.norm.sf(abs(z)))
        details["statistic"] = z
    warns: list[str] = []
    if min(n_before, n_after) < MIN_PER_SIDE:
        warns.append("too_few")
    if low <= 0 <= high and high - low > 0.2:  # wider than 20 %p: too little data to tell
        warns.append("wide_interval")
    return Evidence(
        kind="proportion",
        test=test,
        test_reason=reason,
        estimate="rate_difference",
        difference=p2 - p1,
        ci_low=low,
        ci_high=high,
        p_value=min(1.0, p),
        verdict=_verdict(warns, p),
        n_before=n_before,
        n_after=n_after,
        before_center=p1,
        after_center=p2,
        warnings=tuple(warns),
        unit="%p",
        before_source=sources[0],
        after_source=sources[1],
        details=details,
    )
