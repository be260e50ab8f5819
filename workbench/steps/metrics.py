"""Honest scores by task — never accuracy alone.

* regression: R² (primary), MAE, RMSE;
* binary: ROC-AUC (primary), PR-AUC, and at the chosen threshold recall, miss rate, precision,
  false-alarm rate, F1; the default threshold maximises F1 on the validation predictions;
* multiclass: macro ROC-AUC (primary, one-vs-rest), balanced accuracy, recall per class.

All values are plain Python floats (JSON-safe); undefined scores are ``None``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.metrics import (
    average_precision_score,
    mean_absolute_error,
    precision_recall_curve,
    r2_score,
    roc_auc_score,
)

from workbench.steps.goal import Task

PRIMARY = {Task.REGRESSION: "r2", Task.BINARY: "roc_auc", Task.MULTICLASS: "macro_roc_auc"}


def primary_metric(task: Task) -> str:
    return PRIMARY[Task(task)]


def _f(x: float | np.floating | None) -> float | None:
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def regression_metrics(y: np.ndarray, pred: np.ndarray) -> dict[str, Any]:
    y = np.asarray(y, dtype=float)
    pred = np.asarray(pred, dtype=float)
    r2 = None if len(y) < 2 or np.var(y) == 0 else _f(r2_score(y, pred))
    return {
        "r2": r2,
        "mae": _f(mean_absolute_error(y, pred)) if len(y) else None,
        "rmse": _f(np.sqrt(np.mean((y - pred) ** 2))) if len(y) else None,
        "rows": len(y),
    }


def best_f1_threshold(y: np.ndarray, p: np.ndarray) -> float:
    """The probability threshold that maximises F1 on these predictions (0.5 if undefined)."""
    y = np.asarray(y).astype(int)
    if y.min(initial=0) == y.max(initial=0):
        return 0.5
    precision, recall, thresholds = precision_recall_curve(y, p)
    precision, recall = precision[:-1], recall[:-1]
    denom = precision + recall
    f1 = np.divide(2 * precision * recall, denom, out=np.zeros_like(denom), where=denom > 0)
    if len(f1) == 0:
        return 0.5
    return float(thresholds[int(np.argmax(f1))])


def binary_metrics(y: np.ndarray, p: np.ndarray, threshold: float | None = None) -> dict[str, Any]:
    """Scores for 0/1 labels ``y`` and probabilities ``p`` of class 1."""
    y = np.asarray(y).astype(int)
    p = np.asarray(p, dtype=float)
    both = 0 < y.sum() < len(y)
    t = best_f1_threshold(y, p) if threshold is None else float(threshold)
    alarm = p >= t
    tp = int(np.sum(alarm & (y == 1)))
    fp = int(np.sum(alarm & (y == 0)))
    fn = int(np.sum(~alarm & (y == 1)))
    tn = int(np.sum(~alarm & (y == 0)))
    pos, neg = tp + fn, fp + tn
    recall = tp / pos if pos else None
    precision = tp / (tp + fp) if (tp + fp) else None
    specificity = tn / neg if neg else None
    f1 = (
        2 * precision * recall / (precision + recall)
        if precision is not None and recall is not None and precision + recall > 0
        else 0.0
    )
    bacc = (recall + specificity) / 2 if recall is not None and specificity is not None else None
    return {
        "roc_auc": _f(roc_auc_score(y, p)) if both else None,
        "pr_auc": _f(average_precision_score(y, p)) if both else None,
        "threshold": t,
        "threshold_rule": "max_f1" if threshold is None else "set",
        "recall": _f(recall),
        "miss_rate": _f(1 - recall) if recall is not None else None,
        "precision": _f(precision),
        "false_alarm_rate": _f(fp / neg) if neg else None,
        "f1": _f(f1),
        "balanced_accuracy": _f(bacc),
        "prevalence": _f(pos / len(y)) if len(y) else None,
        "positives": pos,
        "alarms": tp + fp,
        "rows": len(y),
    }


def multiclass_metrics(y: np.ndarray, proba: np.ndarray, classes: Sequence[str]) -> dict[str, Any]:
    """Scores for class codes ``y`` (0..k-1) and a probability matrix ``proba`` (n, k)."""
    y = np.asarray(y).astype(int)
    proba = np.asarray(proba, dtype=float)
    k = proba.shape[1]
    aucs: list[float] = []
    recall: dict[str, float | None] = {}
    pred = np.argmax(proba, axis=1) if len(y) else np.array([], dtype=int)
    for c in range(k):
        is_c = y == c
        n_c = int(is_c.sum())
        recall[str(classes[c])] = _f(np.mean(pred[is_c] == c)) if n_c else None
        if 0 < n_c < len(y):
            aucs.append(float(roc_auc_score(is_c.astype(int), proba[:, c])))
    recalls = [r for r in recall.values() if r is not None]
    return {
        "macro_roc_auc": _f(np.mean(aucs)) if aucs else None,
        "balanced_accuracy": _f(np.mean(recalls)) if recalls else None,
        "per_class_recall": recall,
        "rows": len(y),
    }


def score_predictions(
    task: Task,
    y: np.ndarray,
    pred: np.ndarray,
    *,
    classes: Sequence[str] | None = None,
    threshold: float | None = None,
) -> dict[str, Any]:
    """Metrics for ``task``; ``pred`` is a value (regression), P(class 1) or a (n, k) matrix."""
    if task == Task.REGRESSION:
        return regression_metrics(y, pred)
    if task == Task.BINARY:
        return binary_metrics(y, pred, threshold)
    assert classes is not None
    return multiclass_metrics(y, pred, classes)
