"""The model's verdict: ``useful``, ``weak``, ``no_signal`` or ``too_good``, and its sentence.

:func:`judge` picks the model's score and both baselines' scores from a fit's metrics;
:func:`verdict` weighs them against fixed thresholds (``no_signal`` makes later steps refuse to
show causes); :func:`giveaway_columns` finds what makes a near-perfect model too good to be true
(ROC-AUC or R² of at least ``TOO_GOOD`` whose top drivers are columns flagged as leaking the
target, or one column carrying most of the model); then the verdict is ``too_good`` and names
them. :func:`verdict_message` puts the verdict and its numbers into words
(:mod:`workbench.steps.model_wording`), so a saved model can say it again in another language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from workbench.steps import model_wording as words
from workbench.steps.goal import Task
from workbench.steps.metrics import primary_metric

if TYPE_CHECKING:  # pragma: no cover - typing only
    from workbench.steps.baseline import BaselineResult

__all__ = [
    "MIN_AUC",
    "MIN_R2_GAIN",
    "TOO_GOOD",
    "WEAK_AUC",
    "WEAK_AUC_GAIN",
    "WEAK_R2",
    "WEAK_R2_GAIN",
    "FitJudgement",
    "giveaway_columns",
    "judge",
    "judge_fit",
    "model_giveaway",
    "verdict",
    "verdict_message",
]

#: The model must explain at least this much more variance than the mean (R²)…
MIN_R2_GAIN = 0.05
#: …or reach this ROC-AUC (classes), else: no usable signal.
MIN_AUC = 0.6
#: Below these gains over the one-column rule, or these scores, the model is "weak".
WEAK_R2_GAIN, WEAK_R2 = 0.02, 0.2
WEAK_AUC_GAIN, WEAK_AUC = 0.01, 0.7
#: A score this high (ROC-AUC or R²) is too good to be true when leaks drive it…
TOO_GOOD = 0.99
#: …among the model's top drivers by gain, …
TOP_DRIVERS = 5
#: …or one column carries this share of the model's gain on its own.
DOMINANT_SHARE = 0.5


def giveaway_columns(
    score: float | None,
    gains: dict[str, float],
    flagged: set[str],
    rule_column: str | None = None,
    rule_score: float | None = None,
) -> list[str]:
    """The columns that give a near-perfect model its answer (empty below ``TOO_GOOD``).

    ``gains``: each feature's total split gain; ``flagged``: columns the quality check flagged
    as leaking the target that are in the model anyway (put back by the user). A flagged column
    among the top drivers, a column with most of the gain, or a single-column rule that alone
    scores ``TOO_GOOD`` gives the answer away.
    """
    if score is None or score < TOO_GOOD:
        return []
    total = sum(max(g, 0.0) for g in gains.values())
    ranked = [c for c in sorted(gains, key=lambda c: -gains[c]) if gains[c] > 0][:TOP_DRIVERS]
    found = [c for c in ranked if c in flagged]
    if total > 0 and ranked and gains[ranked[0]] / total >= DOMINANT_SHARE:
        found += [ranked[0]] if ranked[0] not in found else []
    if rule_column is not None and rule_score is not None and rule_score >= TOO_GOOD:
        found += [rule_column] if rule_column not in found else []
    return found


def verdict(
    task: Task, score: float | None, const_score: float | None, rule_score: float | None
) -> str:
    """How the validation ``score`` compares with the constant and one-column rule scores."""
    if score is None:
        return "no_signal"
    if task == Task.REGRESSION:
        if score - max(const_score or 0.0, 0.0) < MIN_R2_GAIN:
            return "no_signal"
        if score < WEAK_R2 or (rule_score is not None and score - rule_score < WEAK_R2_GAIN):
            return "weak"
        return "useful"
    if score < MIN_AUC:
        return "no_signal"
    if score < WEAK_AUC or (rule_score is not None and score - rule_score < WEAK_AUC_GAIN):
        return "weak"
    return "useful"


def model_giveaway(
    booster: Any,
    display: dict[str, str],
    flagged: set[str],
    score: float | None,
    baseline: BaselineResult,
    metric: str,
) -> list[str]:
    """:func:`giveaway_columns` of a fitted LightGBM booster (``display``: its feature names ->
    the user's names; ``flagged``: leakage-flagged columns the user put in the model)."""
    if score is None or score < TOO_GOOD:
        return []
    gain = booster.feature_importance(importance_type="gain")
    gains = {
        display.get(name, name): float(g)
        for name, g in zip(booster.feature_name(), gain, strict=True)
    }
    rule_score = baseline.one_feature.get(metric)
    return giveaway_columns(score, gains, flagged, baseline.rule_column, rule_score)


def judge(
    task: Task, metrics: dict[str, Any], baseline: BaselineResult
) -> tuple[str, float | None, float | None, str]:
    """The primary metric, the model's score, the stronger baseline's score, and the verdict."""
    metric = primary_metric(task)
    score = metrics.get(metric)
    const_score = baseline.constant.get(metric)
    rule_score = baseline.one_feature.get(metric)
    candidates = [s for s in (const_score, rule_score) if s is not None]
    baseline_score = max(candidates) if candidates else None
    return metric, score, baseline_score, verdict(task, score, const_score, rule_score)


@dataclass(frozen=True)
class FitJudgement:
    """What :func:`judge_fit` concludes about a fitted model."""

    metric: str
    score: float | None
    baseline_score: float | None
    verdict: str
    message: str
    giveaway: list[str]


def judge_fit(
    task: Task,
    target: str,
    metrics: dict[str, Any],
    baseline: BaselineResult,
    booster: Any,
    display: dict[str, str],
    leak_flagged: set[str],
    positive: str | None,
    classes: list[str] | None,
) -> FitJudgement:
    """The verdict of a fit and its sentence, the same on this computer and on a cluster:
    :func:`judge`, then ``too_good`` when the model reads its answer from giveaway columns
    (``leak_flagged``: leakage-flagged columns the user put back in the model)."""
    metric, score, baseline_score, judged = judge(task, metrics, baseline)
    giveaway = model_giveaway(booster, display, leak_flagged, score, baseline, metric)
    if giveaway and judged != "no_signal":
        judged = "too_good"
    message = verdict_message(
        task, target, judged, metrics, baseline.to_dict(), positive, classes, giveaway
    )
    return FitJudgement(metric, score, baseline_score, judged, message, giveaway)


def verdict_message(
    task: Task,
    target: str,
    verdict: str,
    metrics: dict[str, Any],
    baseline: dict[str, Any],
    positive: str | None,
    classes: list[str] | None,
    giveaway: list[str] | None = None,
) -> str:
    """The verdict in words; ``baseline`` as in :meth:`BaselineResult.to_dict`; ``giveaway``:
    the columns a ``too_good`` model reads its answer from."""
    rule = baseline.get("one_feature") or {}
    col = rule.get("column")
    constant = baseline.get("constant") or {}
    if task == Task.REGRESSION:
        sentence = words.regression_verdict(
            target,
            metrics.get("r2") or 0.0,
            constant.get("r2") or 0.0,
            rule.get("r2") or 0.0,
            col,
        )
    elif task == Task.BINARY:
        sentence = words.binary_verdict(
            target,
            str(positive),
            metrics.get("roc_auc") or 0.5,
            rule.get("roc_auc") or 0.5,
            col,
            metrics.get("recall") or 0.0,
            metrics.get("precision") or 0.0,
            metrics.get("threshold") or 0.5,
            int(metrics.get("positives") or 0),
        )
    else:
        sentence = words.multiclass_verdict(
            target,
            metrics.get("macro_roc_auc") or 0.5,
            metrics.get("balanced_accuracy") or 0.0,
            len(classes or []),
            rule.get("macro_roc_auc") or 0.5,
            col,
        )
    if verdict == "no_signal":
        return f"{words.no_signal()} {sentence}"
    if verdict == "too_good":
        return f"{sentence} {words.too_good(giveaway or [])}"
    return f"{sentence} {words.verdict_tail(verdict, col)}"
