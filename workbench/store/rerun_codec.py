"""The project file's ``rerun`` part: the last re-application's findings, as plain JSON.

``project.json`` gains an optional key ``"rerun"`` (absent in files saved before it existed,
and in projects never re-applied): a :class:`~workbench.rerun_record.RerunRecord` as numbers
and names, no sentences (they are said again when read, in the reader's language). Being
optional it needs no migration: an older file opens as it is, and an older Workbench that does
not know the key ignores it (it checks only the keys it reads). A part that is not what this
module writes (a missing field, an infinite count, an unknown kind) is refused by the caller as
damaged, like every other part of the file.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from workbench.i18n import _
from workbench.rerun_record import RerunRecord, change_message
from workbench.steps.drift import ColumnDrift, DriftReport
from workbench.steps.replay import ColumnChange
from workbench.steps.scoring import ModelDrift

VERSION = 1
_CHANGE_KINDS = ("missing", "new", "type", "new_levels")
_DRIFT_KINDS = ("numeric", "categorical")
_LEVELS = ("moderate", "large")


def _number(value: Any) -> float | None:
    """A finite float, or None (NaN and infinities are written as null)."""
    if value is None or isinstance(value, bool):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _json(value: Any) -> Any:
    """A JSON-safe copy (NumPy scalars as Python numbers, tuples as lists, NaN as null)."""
    if isinstance(value, dict):
        return {str(k): _json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return int(value)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if number.is_integer() and not isinstance(value, float) and abs(number) < 2**53:
        return int(number)
    return _number(number)


def encode_rerun(record: RerunRecord) -> dict[str, Any]:
    """The record as ``project.json``'s ``rerun`` part."""
    drift = record.drift
    columns = []
    for d in drift.columns:
        doc = dataclasses.asdict(d)
        doc.pop("message")
        columns.append(_json(doc))
    md = None
    if record.model_drift is not None:
        md = _json(record.model_drift.to_dict())
        md.pop("message")
    return {
        "version": VERSION,
        "when": record.when,
        "file": record.file,
        "sha256": record.sha256,
        "rows": int(record.rows),
        "columns": int(record.columns),
        "changes": [
            {"kind": c.kind, "column": c.column, "details": _json(c.details)}
            for c in record.changes
        ],
        "drift": {
            "columns": columns,
            "checked": list(drift.checked),
            "reference_rows": int(drift.reference_rows),
            "new_rows": int(drift.new_rows),
            "period": drift.period,
            "new_period": drift.new_period,
        },
        "model_drift": md,
        "scored_rows": int(record.scored_rows),
        "removed_rows": int(record.removed_rows),
        "target": record.target,
        "model": _json(record.model),
        "appended": None if record.appended is None else _json(record.appended),
    }


# ---------------------------------------------------------------------------------------------
# Reading: every value checked, so a damaged part fails here with a plain error upstream


def _count(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 10**12:
        raise ValueError(f"not a count: {value!r}")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"not text: {value!r}")
    return value


def _finite(value: Any) -> float | None:
    if value is None:
        return None
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise ValueError(f"not a number: {value!r}")
    if not math.isfinite(value) or abs(value) > 1e300:
        raise ValueError(f"not a finite number: {value!r}")
    return float(value)


def _one_of(value: Any, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ValueError(f"unknown value {value!r}")
    return str(value)


def _decode_drift(doc: dict[str, Any]) -> ColumnDrift:
    known = {f.name for f in dataclasses.fields(ColumnDrift)} - {"message"}
    data = {k: v for k, v in doc.items() if k in known}
    data["column"] = _text(data["column"])
    data["kind"] = _one_of(data["kind"], _DRIFT_KINDS)
    data["level"] = _one_of(data["level"], _LEVELS)
    data["direction"] = _text(data["direction"])
    data["score"] = _finite(data["score"])
    data["reference_rows"] = _count(data["reference_rows"])
    data["new_rows"] = _count(data["new_rows"])
    for key in ("reference_median", "new_median", "reference_share", "new_share"):
        data[key] = _finite(data.get(key))
    for key in ("reference_missing", "new_missing", "new_levels_share"):
        data[key] = _finite(data.get(key)) or 0.0
    data["new_levels"] = [_text(v) for v in data.get("new_levels") or []]
    if data.get("level_name") is not None:
        data["level_name"] = _text(data["level_name"])
    data["period"] = _text(data.get("period", ""))
    data["new_period"] = _text(data.get("new_period", ""))
    return ColumnDrift(**data)


def _decode_model_drift(doc: dict[str, Any] | None) -> ModelDrift | None:
    if doc is None:
        return None
    low, high = doc["validation_range"]
    recommended = doc["refit_recommended"]
    if recommended is not None and not isinstance(recommended, bool):
        raise ValueError("refit_recommended")
    return ModelDrift(
        metric=_text(doc["metric"]),
        validation_score=_finite(doc["validation_score"]),
        new_score=_finite(doc["new_score"]),
        validation_range=(_finite(low), _finite(high)),
        fold_scores=[float(_finite(v) or 0.0) for v in doc.get("fold_scores") or []],
        rows=_count(doc["rows"]),
        refit_recommended=recommended,
        target=_text(doc["target"]),
        rule=_text(doc["rule"]),
        min_rows=_count(doc.get("min_rows", 30)),
    )


def _decode_change(doc: dict[str, Any]) -> ColumnChange:
    kind = _one_of(doc["kind"], _CHANGE_KINDS)
    column = _text(doc["column"])
    details = doc.get("details") or {}
    if not isinstance(details, dict):
        raise ValueError("details")
    return ColumnChange(kind, column, change_message(kind, column, details), dict(details))


def decode_rerun(doc: Any) -> RerunRecord | None:
    """The record of ``project.json``'s ``rerun`` part (None when there is none).

    Raises ``ValueError``/``KeyError``/``TypeError`` for anything this module does not write."""
    if doc is None:
        return None
    if not isinstance(doc, dict) or _count(doc.get("version")) > VERSION:
        raise ValueError("rerun")
    drift = doc["drift"]
    report = DriftReport(
        columns=[_decode_drift(d) for d in drift["columns"]],
        checked=[_text(c) for c in drift["checked"]],
        reference_rows=_count(drift["reference_rows"]),
        new_rows=_count(drift["new_rows"]),
        period=_text(drift.get("period", "")),
        new_period=_text(drift.get("new_period", "")),
    )
    appended = doc.get("appended")
    if appended is not None:
        appended = {k: _count(appended[k]) for k in ("added", "duplicates", "rows")}
    model = doc.get("model") or {}
    if not isinstance(model, dict):
        raise ValueError("model")
    record = RerunRecord(
        when=_text(doc["when"]),
        file=_text(doc["file"]),
        sha256=_text(doc.get("sha256", "")),
        rows=_count(doc["rows"]),
        columns=_count(doc["columns"]),
        changes=[_decode_change(c) for c in doc["changes"]],
        drift=report,
        model_drift=_decode_model_drift(doc.get("model_drift")),
        scored_rows=_count(doc["scored_rows"]),
        removed_rows=_count(doc["removed_rows"]),
        target=_text(doc["target"]),
        model=dict(model),
        appended=appended,
    )
    return record.said_again()


def rerun_info_lines(doc: Any) -> list[str]:
    """``workbench info``'s lines about the last re-application: none when the project was
    never re-applied (or the part is damaged: opening the file says so)."""
    try:
        record = decode_rerun(doc)
    except (KeyError, TypeError, ValueError):
        return []
    if record is None:
        return []
    head = _("Last applied to new data: {file}, {rows} rows, on {day}.").format(
        file=record.file_name, rows=f"{record.rows:,}", day=record.day
    )
    return [head, "  " + record.drift_headline(), "  " + record.model_line()]
