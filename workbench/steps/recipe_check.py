"""Checking cleaning steps against the schema: the op table and one checker per op.

:func:`validate_step` is the only way a step enters a :class:`~workbench.steps.recipe.Recipe`:
it checks the step's op, its fields and their values against the schema described in
:mod:`workbench.steps.recipe` and returns a clean, JSON-safe copy, or refuses with a plain
:class:`WorkbenchError` naming the step and the problem. Nothing here runs a step, so loading a
colleague's recipe can never run code.
"""

from __future__ import annotations

import json
import math
from typing import Any, TypeGuard

import numpy as np

from workbench.errors import WorkbenchError
from workbench.i18n import _
from workbench.tables.table import ColumnKind

__all__ = [
    "COMMON_OPTIONAL",
    "FILTER_OPERATORS",
    "IMPUTE_METHODS",
    "OPS",
    "refuse",
    "validate_step",
]

IMPUTE_METHODS = ("median", "mode", "constant", "model")
FILTER_OPERATORS = (
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "between",
    "in",
    "not_in",
    "is_missing",
    "not_missing",
)
COMMON_OPTIONAL = ("note", "source")

# op -> (required fields, optional fields) besides "op", "note" and "source".
_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "drop_columns": (("columns",), ()),
    "drop_duplicate_rows": ((), ()),
    "sentinel_to_missing": (("column", "values"), ()),
    "impute": (("column", "method"), ("value",)),
    "filter_rows": (("column", "operator"), ("value",)),
    "cast": (("column", "kind"), ()),
    "rename": (("column", "to"), ()),
    "merge_categories": (("column", "mapping"), ()),
    "clip": (("column",), ("lower", "upper")),
    "predict_missing": (("column",), ("min_confidence", "exclude", "train_on_predicted")),
}
OPS = tuple(_FIELDS)


def refuse(position: int | None, message: str) -> WorkbenchError:
    """The error for a bad step at 0-based ``position`` (``None``: the recipe as a whole)."""
    hint = _("Remove or correct this step; the other steps are not affected.")
    if position is None:
        return WorkbenchError(message, hint)
    return WorkbenchError(
        _("Cleaning step {n}: {problem}").format(n=position + 1, problem=message), hint
    )


def _is_number(value: Any) -> TypeGuard[int | float]:
    """A finite number within the range of a float (no true/false, no 10**400)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return abs(value) <= _LARGEST_INT
    return isinstance(value, float) and math.isfinite(value)


_LARGEST_INT = 2**63


def _is_scalar(value: Any) -> bool:
    """A plain JSON value a step may compare with: text, a finite number or true/false."""
    return isinstance(value, str | bool) or _is_number(value)


def _check_text(position: int | None, name: str, value: Any) -> str:
    if not isinstance(value, str) or value == "":
        raise refuse(
            position,
            _("‘{field}’ must be a column name or text, not {value}.").format(
                field=name, value=_shown(value)
            ),
        )
    return value


def _check_scalar_list(position: int | None, name: str, value: Any) -> list[Any]:
    if not isinstance(value, list | tuple) or not value:
        raise refuse(
            position,
            _("‘{field}’ must be a non-empty list of values.").format(field=name),
        )
    for item in value:
        if not _is_scalar(item):
            raise refuse(
                position,
                _("‘{field}’ holds {value}, which is not a plain value (text or number).").format(
                    field=name, value=_shown(item)
                ),
            )
    return list(value)


def _check_choice(
    pos: int | None, value: Any, known: list[str], message: str, sep: str = ", "
) -> None:
    """Refuse ``value`` unless it is one of ``known``; ``message`` says so with {known}
    and {value}."""
    if value not in known:
        raise refuse(pos, message.format(known=sep.join(known), value=_shown(value)))


def _shown(value: Any) -> str:
    """A short, safe rendering of a bad value for an error message."""
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=True)
    except (TypeError, ValueError):
        text = type(value).__name__
    return text if len(text) <= 60 else text[:57] + "..."


def _plain(value: Any) -> Any:
    """NumPy scalars as Python ones and tuples as lists, so a step always saves as JSON."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def validate_step(step: Any, position: int | None = None) -> dict[str, Any]:
    """Check one step against the schema and return a clean copy (lists, not tuples).

    Raises :class:`WorkbenchError` with a plain message naming the step and the problem.
    """
    step = _plain(step)
    if not isinstance(step, dict):
        raise refuse(
            position,
            _("a step must be a set of named fields, not {value}.").format(value=_shown(step)),
        )
    op = step.get("op")
    if not isinstance(op, str) or op not in _FIELDS:
        known = ", ".join(OPS)
        if op is None:
            message = _("the step does not say what to do (no ‘op’ field).")
        else:
            message = _("‘{op}’ is not a cleaning step this version knows ({known}).").format(
                op=_shown(op).strip('"'), known=known
            )
        raise refuse(position, message)
    required, optional = _FIELDS[op]
    allowed = {"op", *required, *optional, *COMMON_OPTIONAL}
    for key in step:
        if key not in allowed:
            raise refuse(
                position,
                _("the ‘{op}’ step has a field it does not use: ‘{field}’.").format(
                    op=op, field=_shown(key).strip('"')
                ),
            )
    for key in required:
        if key not in step:
            raise refuse(
                position,
                _("the ‘{op}’ step needs a ‘{field}’ field.").format(op=op, field=key),
            )
    out: dict[str, Any] = {"op": op}
    for key in COMMON_OPTIONAL:
        if key in step and step[key] is not None:
            if not isinstance(step[key], str):
                raise refuse(position, _("‘{field}’ must be text.").format(field=key))
            out[key] = step[key]
    if "column" in required:
        out["column"] = _check_text(position, "column", step["column"])
    _CHECKERS[op](step, out, position)
    return out


def _check_drop_columns(step: dict[str, Any], out: dict[str, Any], pos: int | None) -> None:
    columns = step["columns"]
    if not isinstance(columns, list | tuple) or not columns:
        raise refuse(pos, _("‘columns’ must be a non-empty list of column names."))
    out["columns"] = [_check_text(pos, "columns", c) for c in columns]


def _check_nothing(step: dict[str, Any], out: dict[str, Any], pos: int | None) -> None:
    return None


def _check_sentinel(step: dict[str, Any], out: dict[str, Any], pos: int | None) -> None:
    out["values"] = _check_scalar_list(pos, "values", step["values"])


def _check_impute(step: dict[str, Any], out: dict[str, Any], pos: int | None) -> None:
    method = step["method"]
    message = _("‘method’ must be one of {known}, not {value}.")
    _check_choice(pos, method, list(IMPUTE_METHODS), message)
    out["method"] = method
    value = step.get("value")
    if method == "constant":
        if not _is_scalar(value):
            raise refuse(pos, _("filling with a fixed value needs a ‘value’ (text or number)."))
        out["value"] = value
    elif value is not None:
        raise refuse(
            pos, _("‘value’ is only used when filling with a fixed value (method ‘constant’).")
        )


def _check_filter(step: dict[str, Any], out: dict[str, Any], pos: int | None) -> None:
    operator = step["operator"]
    message = _("‘operator’ must be one of {known}, not {value}.")
    _check_choice(pos, operator, list(FILTER_OPERATORS), message, sep=" ")
    out["operator"] = operator
    value = step.get("value")
    if operator in ("is_missing", "not_missing"):
        if value is not None:
            raise refuse(pos, _("‘{op}’ takes no ‘value’.").format(op=operator))
        return
    if "value" not in step:
        raise refuse(pos, _("the filter ‘{op}’ needs a ‘value’.").format(op=operator))
    if operator == "between":
        if not isinstance(value, list | tuple) or len(value) != 2:
            raise refuse(pos, _("‘between’ needs a value like [low, high]."))
        low, high = value
        if not all(_is_number(v) or isinstance(v, str) for v in (low, high)):
            raise refuse(pos, _("the bounds of ‘between’ must be numbers or dates."))
        if _is_number(low) and _is_number(high) and low > high:
            raise refuse(
                pos,
                _("the low bound {low} is above the high bound {high}.").format(low=low, high=high),
            )
        out["value"] = [low, high]
    elif operator in ("in", "not_in"):
        out["value"] = _check_scalar_list(pos, "value", value)
    elif operator in ("==", "!="):
        if not _is_scalar(value):
            raise refuse(pos, _("‘value’ must be text or a number."))
        out["value"] = value
    else:
        if not (_is_number(value) or isinstance(value, str)):
            raise refuse(pos, _("‘value’ must be a number or a date."))
        out["value"] = value


def _check_cast(step: dict[str, Any], out: dict[str, Any], pos: int | None) -> None:
    message = _("‘kind’ must be one of {known}, not {value}.")
    _check_choice(pos, step["kind"], [k.value for k in ColumnKind], message)
    out["kind"] = str(step["kind"])


def _check_rename(step: dict[str, Any], out: dict[str, Any], pos: int | None) -> None:
    out["to"] = _check_text(pos, "to", step["to"])


def _check_merge(step: dict[str, Any], out: dict[str, Any], pos: int | None) -> None:
    mapping = step["mapping"]
    if not isinstance(mapping, dict) or not mapping:
        raise refuse(pos, _("‘mapping’ must list at least one label and what it becomes."))
    for old, new in mapping.items():
        if not isinstance(old, str) or not isinstance(new, str):
            raise refuse(
                pos,
                _("‘mapping’ must map labels to labels (text), not {old} → {new}.").format(
                    old=_shown(old), new=_shown(new)
                ),
            )
    out["mapping"] = dict(mapping)


def _check_clip(step: dict[str, Any], out: dict[str, Any], pos: int | None) -> None:
    lower, upper = step.get("lower"), step.get("upper")
    for name, value in (("lower", lower), ("upper", upper)):
        if value is not None and not (_is_number(value) or isinstance(value, str)):
            raise refuse(
                pos,
                _("‘{field}’ must be a number, a date or empty, not {value}.").format(
                    field=name, value=_shown(value)
                ),
            )
    if lower is None and upper is None:
        raise refuse(pos, _("limiting values needs a lower or an upper bound (or both)."))
    if _is_number(lower) and _is_number(upper) and lower > upper:
        raise refuse(
            pos,
            _("the lower bound {low} is above the upper bound {high}.").format(
                low=lower, high=upper
            ),
        )
    out["lower"] = lower
    out["upper"] = upper


def _check_predict(step: dict[str, Any], out: dict[str, Any], pos: int | None) -> None:
    threshold = step.get("min_confidence")
    if threshold is not None:
        if not _is_number(threshold) or not 0 <= threshold <= 1:
            raise refuse(
                pos,
                _(
                    "‘min_confidence’ must be a share between 0 and 1 (0.8 for 80%), not {value}."
                ).format(value=_shown(threshold)),
            )
        out["min_confidence"] = float(threshold)
    exclude = step.get("exclude")
    if exclude is not None:
        if not isinstance(exclude, list | tuple):
            raise refuse(pos, _("‘exclude’ must be a list of column names."))
        out["exclude"] = [_check_text(pos, "exclude", c) for c in exclude]
    train = step.get("train_on_predicted")
    if train is not None:
        if not isinstance(train, bool):
            raise refuse(pos, _("‘train_on_predicted’ must be true or false."))
        out["train_on_predicted"] = train


_CHECKERS = {
    "drop_columns": _check_drop_columns,
    "drop_duplicate_rows": _check_nothing,
    "sentinel_to_missing": _check_sentinel,
    "impute": _check_impute,
    "filter_rows": _check_filter,
    "cast": _check_cast,
    "rename": _check_rename,
    "merge_categories": _check_merge,
    "clip": _check_clip,
    "predict_missing": _check_predict,
}
