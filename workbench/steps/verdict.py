"""The model's verdict: ``useful``, ``weak`` or ``no_signal``, and the sentence that says it.

:func:`judge` picks the model's score and both baselines' scores from a fit's metrics;
:func:`verdict` weighs them against fixed thresholds (``no_signal`` makes later steps refuse to
show causes); :func:`verdict_message` puts the verdict and its numbers into words
(:mod:`workbench.steps.model_wording`), so a saved model can say it again in another language.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from workbench.steps import model_wording as words
from workbench.steps.goal import Task
from workbench.steps.metrics import primary_metric

if TYPE_CHECKING:  # pragma: no cover - typing only
    from workbench.steps.baseline import BaselineResult

__all__ = [
    "MIN_AUC",
    "MIN_R2_GAIN",
    "WEAK_AUC",
    "WEAK_AUC_GAIN",
    "WEAK_R2",
    "WEAK_R2_GAIN",
    "judge",
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


def verdict_message(
    task: Task,
    target: str,
    verdict: str,
    metrics: dict[str, Any],
    baseline: dict[str, Any],
    positive: str | None,
    classes: list[str] | None,
) -> str:
    """The verdict in words; ``baseline`` as in :meth:`BaselineResult.to_dict`."""
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
    return f"{sentence} {words.verdict_tail(verdict, col)}"
