"""A copy of a project with its personal data masked: "mask personal data in the saved copy".

The open project keeps what the user loaded; the copy (to save or e-mail) holds every value of
the columns flagged as personal data masked — in the data snapshot, in the table the model saw,
in the model's category names and in the cause groups' conditions. Each column is masked with
one mapping (:func:`workbench.steps.pii.masked_labels`: distinct values stay distinct), so the
copy reopens with every saved result as it was: a model that used such a column still finds
the same categories, only under masked names.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from workbench.project import Project, Section, Stamped
from workbench.steps.pii import masked_labels, note_message, personal_columns

Masks = dict[str, dict[Any, str]]


def project_personal_columns(project: Project) -> list[str]:
    """The columns the project's quality checks flagged as personal data."""
    alerts: list[Any] = []
    for section in (Section.QUALITY, Section.MODEL):
        result = project.result(section)
        quality = getattr(result, "quality", result)
        alerts += list(getattr(quality, "alerts", None) or [])
    return personal_columns(alerts)


def _distinct(col: pd.Series) -> list[Any]:
    if isinstance(col.dtype, pd.CategoricalDtype):
        return list(col.cat.categories)  # unused categories too: they are stored in the file
    return list(pd.unique(col.dropna()))


def column_masks(frames: Sequence[pd.DataFrame], columns: Sequence[str]) -> Masks:
    """For each personal column: every distinct value found in ``frames`` (in that order)
    → its masked name, still distinct, so a value masks alike in every part of a copy."""
    masks: Masks = {}
    for column in columns:
        values: dict[Any, None] = {}
        for frame in frames:
            if column in frame.columns:
                values.update(dict.fromkeys(_distinct(frame[column])))
        if values:
            masks[column] = dict(zip(values, masked_labels(list(values)), strict=True))
    return masks


def mask_series(col: pd.Series, mapping: Mapping[Any, str]) -> pd.Series:
    """``col`` with its values replaced by their masked names (missing stays missing)."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        return col.cat.rename_categories([mapping.get(v, v) for v in col.cat.categories])
    out = col.map(lambda v: mapping.get(v, v) if not pd.isna(v) else v)
    dtype = col.dtype if isinstance(col.dtype, pd.StringDtype) else object
    return out.astype(dtype)


def mask_frame(frame: pd.DataFrame, masks: Masks) -> pd.DataFrame:
    """A copy of ``frame`` with the masked columns replaced (the others shared, not copied)."""
    if not any(c in frame.columns for c in masks):
        return frame
    out = frame.copy(deep=False)
    for column, mapping in masks.items():
        if column in out.columns:
            out[column] = mask_series(frame[column], mapping)
    return out


def _mask_table(table: Any, masks: Masks) -> Any:
    """The table with masked columns; load notes about them keep no quoted cell either."""
    notes = [
        dataclasses.replace(
            n,
            message=note_message(n, masks),
            details={k: v for k, v in n.details.items() if k != "examples"},
        )
        if n.column in masks
        else n
        for n in table.notes
    ]
    return dataclasses.replace(table, frame=mask_frame(table.frame, masks), notes=notes)


def _mask_features(features: Any, masks: Masks) -> Any:
    levels = dict(features.levels)
    x = features.X.copy(deep=False)
    for safe, values in features.levels.items():
        mapping = masks.get(features.display.get(safe, ""))
        if mapping is None:
            continue
        levels[safe] = [mapping.get(v, v) for v in values]
        x[safe] = x[safe].cat.rename_categories(levels[safe])
    return dataclasses.replace(features, X=x, levels=levels)


def _mask_causes(causes: Any, masks: Masks) -> Any:
    if causes is None:
        return None
    causes = copy.deepcopy(causes)
    for group in causes.groups:
        for cond in (*group.conditions, *getattr(group, "also", [])):
            mapping = masks.get(cond.column)
            if mapping is not None and cond.levels:
                by_text = {str(k): v for k, v in mapping.items()}
                cond.levels = [by_text.get(str(v), str(v)) for v in cond.levels]
    return causes


def _mask_analysis(result: Any, snapshot: Any | None, masks: Masks) -> Any:
    """The analysis result over masked tables (same rows, same model, masked names);
    ``snapshot`` is the masked project table when the result was computed from it."""
    fit = dataclasses.replace(result.fit, features=_mask_features(result.fit.features, masks))
    return dataclasses.replace(
        result,
        table=snapshot if snapshot is not None else _mask_table(result.table, masks),
        frame=mask_frame(result.frame, masks),
        fit=fit,
        causes=_mask_causes(result.causes, masks),
    )


def masked_project(project: Project) -> tuple[Project, list[str]]:
    """A copy of ``project`` to save with its personal data masked, and the masked columns.

    The copy shares everything that holds no personal data with ``project``; ``project``
    itself is not changed."""
    columns = project_personal_columns(project)
    result = project.result(Section.MODEL)
    tables = (project.table, getattr(result, "table", None))
    frames = [t.frame for t in tables if t is not None]
    if result is not None and getattr(result, "frame", None) is not None:
        frames.append(result.frame)
    masks = column_masks(frames, columns)
    masked = copy.copy(project)
    masked._listeners = []
    masked._results = dict(project._results)
    masked.table = None if project.table is None else _mask_table(project.table, masks)
    if result is not None and hasattr(result, "fit"):
        stamp = project._results[Section.MODEL]
        shared = masked.table if result.table is project.table else None
        value = _mask_analysis(result, shared, masks)
        masked._results[Section.MODEL] = Stamped(value, dict(stamp.inputs))
    if project.rerun is not None:  # new levels and cells named by the last re-application
        from workbench.rerun_record import masked_record

        masked.rerun = masked_record(project.rerun, masks)
    return masked, [c for c in columns if c in masks]


def save_masked_copy(project: Project, path: Any, ctx: Any = None) -> list[str]:
    """Save a copy of ``project`` with its personal data masked to ``path`` (the project itself
    stays as it is: not masked, not marked saved). Returns the masked columns."""
    from workbench.store.project_file import save_project

    masked, columns = masked_project(project)
    save_project(masked, path, ctx)
    return columns
