"""Results to plain JSON + tables + model text, and back — without refitting anything.

``encode_*`` functions turn a result into :class:`Pieces` (a JSON document, frames for Parquet,
texts); ``decode_*`` rebuild the result from them using only public constructors. The LightGBM
model comes back from its text format; the model's input (``FeatureSet``) is rebuilt from the
cleaned table with the stored safe names and category levels (the same deterministic encoding
``build_features`` used); SHAP values, predictions and group labels are loaded as stored.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as _dt
import enum
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from workbench.steps.pii import masked_model_text, model_levels, read_levels, stored_levels
from workbench.store.frame_codec import decode_list, decode_values, encode_values
from workbench.store.model_check import check_model_text
from workbench.tables.table import ColumnKind, LoadedTable, LoadNote, LoadOptions, SourceInfo

MODEL_TEXT = "model/model.txt"
R = "results/"  # folder of the result tables


@dataclass
class Pieces:
    """What a result becomes in the project file."""

    doc: dict[str, Any]
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)


def plain(obj: Any) -> Any:
    """A JSON-safe copy: NumPy scalars as Python numbers, enums as their values, tuples as
    lists, timestamps as ISO text (NaN and ±inf stay floats: the archive writes them)."""
    if isinstance(obj, dict):
        return {str(k): plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | set | frozenset):
        return [plain(v) for v in obj]
    if isinstance(obj, enum.Enum):
        return plain(obj.value)
    if obj is None or isinstance(obj, bool | str):
        return obj if not isinstance(obj, str) else str(obj)
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, int | np.integer):
        return int(obj)
    if isinstance(obj, float | np.floating):
        return float(obj)
    if isinstance(obj, np.ndarray):
        return plain(obj.tolist())
    if obj is pd.NA or obj is pd.NaT:
        return None
    if isinstance(obj, pd.Timestamp | _dt.datetime | _dt.date):
        return obj.isoformat()
    return str(obj)


def _fields(obj: Any) -> dict[str, Any]:
    return {f.name: plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}


def _frame_of(series: pd.Series, column: str) -> pd.DataFrame:
    return pd.DataFrame({column: series.to_numpy()}, index=series.index)


# ---------------------------------------------------------------------------------------------
# Loaded table (the snapshot's description; the frame itself is stored as Parquet)


def encode_table_info(table: LoadedTable) -> dict[str, Any]:
    return {
        "source": plain(table.source.to_dict()),
        "options": plain(table.options.to_dict()),
        "notes": [plain(n.to_dict()) for n in table.notes],
        "kinds": {str(k): str(v) for k, v in table.kinds.items()},
        "sheets": list(table.sheets),
        "rows": int(table.n_rows),
        "columns": [str(c) for c in table.frame.columns],
    }


def decode_table(doc: dict[str, Any], frame: pd.DataFrame) -> LoadedTable:
    notes = [LoadNote.from_dict(n) for n in doc.get("notes") or []]
    return LoadedTable(
        frame=frame,
        kinds={k: ColumnKind(v) for k, v in doc["kinds"].items()},
        source=SourceInfo.from_dict(doc["source"]),
        options=LoadOptions.from_dict(doc["options"]),
        notes=notes,
        sheets=list(doc.get("sheets") or []),
    )


# ---------------------------------------------------------------------------------------------
# Quality report


def encode_quality(report: Any) -> dict[str, Any]:
    return plain(report.to_dict())


def decode_quality(doc: dict[str, Any]) -> Any:
    from workbench.steps.quality import QualityReport

    return QualityReport.from_dict(doc)


# ---------------------------------------------------------------------------------------------
# The cleaned frame: only what differs from the snapshot is stored


def encode_frame_delta(
    frame: pd.DataFrame, base: pd.DataFrame
) -> tuple[dict[str, Any], pd.DataFrame]:
    """Columns of ``frame`` equal to the snapshot's (on ``frame``'s rows) are referenced, the
    others stored; the stored frame's index holds ``frame``'s row labels."""
    same_rows = frame.index.equals(base.index)
    reused: list[str] = []
    for name in frame.columns:
        if name not in base.columns:
            continue
        col = frame[name]
        ref = base[name]
        if ref.dtype != col.dtype:
            continue
        if not same_rows:
            try:
                ref = ref.loc[frame.index]
            except KeyError:
                continue
        if ref.equals(col):
            reused.append(name)
    stored = frame[[c for c in frame.columns if c not in set(reused)]]
    doc = {"columns": [str(c) for c in frame.columns], "from_snapshot": reused}
    return doc, stored


def decode_frame_delta(
    doc: dict[str, Any], stored: pd.DataFrame, base: pd.DataFrame
) -> pd.DataFrame:
    reused = list(doc["from_snapshot"])
    if not reused:
        return stored[doc["columns"]]
    part = base[reused] if stored.index.equals(base.index) else base.loc[stored.index, reused]
    if stored.shape[1] == 0:
        return part[doc["columns"]]
    return pd.concat([part, stored], axis=1)[doc["columns"]]


# ---------------------------------------------------------------------------------------------
# Model fit


def _encode_plan(plan: Any, n: int) -> tuple[dict[str, Any] | None, pd.DataFrame | None]:
    if plan is None or plan.n_folds > 62:
        return None, None
    test = np.zeros(n, dtype=np.int64)
    train = np.zeros(n, dtype=np.int64)
    for i, (tr, te) in enumerate(plan.folds):
        train[np.asarray(tr, dtype=np.int64)] |= np.int64(1) << i
        test[np.asarray(te, dtype=np.int64)] |= np.int64(1) << i
    data = {"train_mask": train, "test_mask": test}
    if plan.order is not None and len(plan.order) == n:
        data["order"] = np.asarray(plan.order, dtype=np.int64)
    doc = {
        "kind": plan.kind,
        "n_folds": plan.n_folds,
        "test_share": float(plan.test_share),
        "notes": list(plan.notes),
        "order": "order" in data,
    }
    return doc, pd.DataFrame(data)


def _decode_plan(doc: dict[str, Any] | None, table: pd.DataFrame | None) -> Any:
    if doc is None or table is None:
        return None
    from workbench.steps.validation import ValidationPlan

    train = table["train_mask"].to_numpy()
    test = table["test_mask"].to_numpy()
    folds = []
    for i in range(int(doc["n_folds"])):
        bit = np.int64(1) << i
        folds.append((np.flatnonzero(train & bit), np.flatnonzero(test & bit)))
    order = table["order"].to_numpy() if doc.get("order") else None
    return ValidationPlan(doc["kind"], folds, float(doc["test_share"]), order, list(doc["notes"]))


def encode_fit(fit: Any) -> Pieces:
    fs = fit.features
    skip = {"booster", "features", "oof_pred", "oof_proba", "plan", "goal", "excluded", "forced"}
    doc: dict[str, Any] = {k: v for k, v in _fields_except(fit, skip).items()}
    doc["goal"] = None if fit.goal is None else fit.goal.to_dict()
    doc["excluded"] = [e.to_dict() for e in fit.excluded]
    doc["forced"] = [e.to_dict() for e in fit.forced]
    doc["features"] = {
        "safe_columns": [str(c) for c in fs.X.columns],
        "display": dict(fs.display),
        "safe": dict(fs.safe),
        "categorical": list(fs.categorical),
        "derived": dict(fs.derived),
        "levels": stored_levels(fit, encode_values),  # personal data stored masked
        "lumped": plain(fs.lumped),
        "y_name": plain(fs.y.name),
        "check": _fingerprint(fs.X),
    }
    doc["oof_name"] = plain(fit.oof_pred.name)
    tables = {
        R + "target.parquet": _frame_of(fs.y, "y"),
        R + "oof.parquet": _frame_of(fit.oof_pred, "prediction"),
    }
    if fit.oof_proba is not None:
        doc["proba_columns"] = encode_values(fit.oof_proba.columns)
        proba = fit.oof_proba.copy()
        proba.columns = [f"p{i}" for i in range(proba.shape[1])]
        tables[R + "oof_proba.parquet"] = proba
    plan_doc, plan_table = _encode_plan(fit.plan, len(fs.y))
    doc["plan"] = plan_doc
    if plan_table is not None:
        tables[R + "validation.parquet"] = plan_table
    return Pieces(doc, tables, {MODEL_TEXT: masked_model_text(fit)})


def _fingerprint(x: pd.DataFrame) -> dict[str, list[float]]:
    """Per model column: missing count and sum (codes for categories) — cheap, and exact for
    the same values, so a rebuilt model input that differs in any usual way is caught."""
    out: dict[str, list[float]] = {}
    for name in x.columns:
        col = x[name]
        if isinstance(col.dtype, pd.CategoricalDtype):
            codes = col.cat.codes.to_numpy()
            out[str(name)] = [int((codes < 0).sum()), float(codes[codes >= 0].sum())]
        else:
            arr = col.to_numpy(dtype=np.float64, na_value=np.nan)
            out[str(name)] = [int(np.isnan(arr).sum()), float(np.nansum(arr))]
    return out


def _fields_except(obj: Any, skip: set[str]) -> dict[str, Any]:
    return {
        f.name: plain(getattr(obj, f.name)) for f in dataclasses.fields(obj) if f.name not in skip
    }


def decode_fit(
    doc: dict[str, Any], tables: dict[str, pd.DataFrame], texts: dict[str, str], frame: pd.DataFrame
) -> Any:
    import lightgbm as lgb

    from workbench.steps.features import FeatureSet
    from workbench.steps.fit_result import FitResult
    from workbench.steps.goal import Exclusion, Goal, Task

    f = doc["features"]
    y = tables[R + "target.parquet"]["y"].rename(f.get("y_name"))
    rows = frame if frame.index.equals(y.index) else frame.loc[y.index]
    shell = FeatureSet(
        X=pd.DataFrame(columns=list(f["safe_columns"])),
        y=y,
        display=dict(f["display"]),
        safe=dict(f["safe"]),
        categorical=list(f["categorical"]),
        derived=dict(f["derived"]),
        levels=read_levels(f["levels"], decode_list, rows, f["display"]),
        lumped={k: int(v) for k, v in (f.get("lumped") or {}).items()},
    )
    x = shell.transform(rows) if len(shell.display) else pd.DataFrame(index=y.index)
    if "check" in f and _fingerprint(x) != f["check"]:
        raise ValueError("the model input rebuilt from the saved table differs from the saved one")
    features = dataclasses.replace(shell, X=x)
    # The text is untrusted (projects are e-mailed): LightGBM's parser would crash the process
    # on a lying model, so the whole format is checked first (ModelTextError).
    model_text = texts[MODEL_TEXT]
    check_model_text(model_text, len(f["safe_columns"]))
    booster = lgb.Booster(model_str=model_text)
    if booster.pandas_categorical is not None:  # the saved names may be masked: use the real ones
        booster.pandas_categorical = model_levels(features)
    oof = tables[R + "oof.parquet"]["prediction"].rename(doc.get("oof_name"))
    proba = tables.get(R + "oof_proba.parquet")
    if proba is not None:
        proba = proba.copy()
        proba.columns = decode_values(doc["proba_columns"])
    plan = _decode_plan(doc.get("plan"), tables.get(R + "validation.parquet"))
    skip = {"features", "oof_name", "proba_columns", "plan", "goal", "excluded", "forced", "task"}
    kwargs = {k: v for k, v in doc.items() if k not in skip}
    known = {fl.name for fl in dataclasses.fields(FitResult)}
    kwargs = {k: v for k, v in kwargs.items() if k in known}
    fit = FitResult(
        task=Task(doc["task"]),
        booster=booster,
        features=features,
        excluded=[Exclusion.from_dict(e) for e in doc["excluded"]],
        oof_pred=oof,
        oof_proba=proba,
        plan=plan,
        goal=None if doc.get("goal") is None else Goal.from_dict(doc["goal"]),
        forced=[Exclusion.from_dict(e, forced=True) for e in doc.get("forced") or []],
        **kwargs,
    )
    # Saved sentences are a fallback: a file written in English reads in Korean.
    with contextlib.suppress(KeyError, TypeError, ValueError):
        fit.reword()
    return fit
