"""The goal's own column, predicted: keep those rows out of what is learned from measurements.

A predicted outcome is the model's guess, not a measurement: fitting a model on it, finding
cause groups in it, or checking the model's drift against it would confirm the model with
itself. So by default rows whose target was predicted are left out of the model fit, the
quality checks of the target and the cause groups (:func:`keep_measured_target`), and a rerun
measures model drift on measured outcomes only (:func:`blank_predicted_target`). A step with
``"train_on_predicted": true`` is the user's explicit choice to use them as if measured.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from workbench.steps import predict_wording as words
from workbench.steps.recipe_report import RecipeResult, StepReport
from workbench.steps.recipe_wording import describe_effect

__all__ = ["blank_predicted_target", "keep_measured_target", "model_note"]


def keep_measured_target(cleaned: RecipeResult, target: str | None) -> RecipeResult:
    """``cleaned`` without the rows whose ``target`` a step predicted (unless the step said to
    train on them); the step's report says how many rows, in its effect sentence."""
    mark = cleaned.predicted.get(str(target)) if target is not None else None
    if mark is None or mark.n_filled == 0:
        return cleaned
    rows = pd.Index(mark.filled_rows).intersection(cleaned.frame.index)
    if mark.train_on_predicted:
        frame, detail = cleaned.frame, {"target_rows_used": len(rows)}
    else:
        frame, detail = cleaned.frame.drop(index=rows), {"target_rows_kept_out": len(rows)}
    reports = list(cleaned.reports)
    for i in range(len(reports) - 1, -1, -1):
        report = reports[i]
        step = report.step or {}
        if report.op == "predict_missing" and step.get("column") == target and not report.skipped:
            said = dataclasses.replace(report, details={**report.details, **detail})
            reports[i] = dataclasses.replace(said, effect=describe_effect(said))
            break
    return dataclasses.replace(cleaned, frame=frame, reports=reports, rows_left=len(frame))


def blank_predicted_target(cleaned: RecipeResult, target: str | None) -> pd.DataFrame:
    """The cleaned frame with the predicted ``target`` cells missing again (all rows kept)."""
    mark = cleaned.predicted.get(str(target)) if target is not None else None
    frame = cleaned.frame
    if mark is None or mark.n_filled == 0 or mark.train_on_predicted:
        return frame
    rows = pd.Index(mark.filled_rows).intersection(frame.index)
    out = frame.copy(deep=False)
    out[target] = frame[target].mask(frame.index.isin(rows))
    return out


def model_note(cleaning: list[StepReport], target: str) -> str:
    """For the Model step: what happened to rows whose ``target`` was predicted ("" if none)."""
    for report in reversed(cleaning):
        step = report.step or {}
        if report.op != "predict_missing" or step.get("column") != target:
            continue
        if report.details.get("target_rows_kept_out"):
            return words.target_rows_kept_out(target, int(report.details["target_rows_kept_out"]))
        if report.details.get("target_rows_used"):
            return words.target_rows_used(target, int(report.details["target_rows_used"]))
    return ""
