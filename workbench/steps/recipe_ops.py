"""One function per cleaning-recipe step; each returns a new frame and never touches its input.

Every op takes ``(frame, kinds, step, ctx)`` and returns an :class:`Outcome`. An op that cannot
run raises :class:`StepSkipped` with a plain-language reason; :func:`apply_recipe` reports it and
carries on with the next step. The frame's index is never reset.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from workbench.i18n import say_join
from workbench.jobs import JobContext
from workbench.steps import recipe_wording as wording
from workbench.steps.recipe_outcome import Outcome, StepSkipped, replace_column
from workbench.steps.recipe_values import (
    as_bool,
    as_float,
    as_timestamp,
    codes_and_uniques,
    is_number_series,
    match_mask,
    value_text,
)
from workbench.tables.table import ColumnKind, LoadNote


def _column(frame: pd.DataFrame, step: dict[str, Any]) -> pd.Series:
    name = step["column"]
    if name not in frame.columns:
        raise StepSkipped(wording.missing_column(name))
    return frame[name]


def _count(mask: np.ndarray) -> int:
    return int(np.count_nonzero(mask))


# --------------------------------------------------------------------------------------------
# Ops
# --------------------------------------------------------------------------------------------


def drop_columns(
    frame: pd.DataFrame, kinds: dict[str, ColumnKind], step: dict[str, Any], ctx: JobContext
) -> Outcome:
    wanted = list(dict.fromkeys(step["columns"]))
    present = [c for c in wanted if c in frame.columns]
    absent = [c for c in wanted if c not in frame.columns]
    if not present:
        raise StepSkipped(wording.columns_not_found(absent))
    out = frame.drop(columns=present)
    new_kinds = {c: k for c, k in kinds.items() if c not in present}
    warning = wording.columns_not_found(absent) if absent else None
    return Outcome(
        out, new_kinds, columns_removed=present, warning=warning, details={"not_found": absent}
    )


def duplicate_mask(frame: pd.DataFrame) -> np.ndarray:
    """Rows equal to an earlier row (missing equals missing), found by hashing rows first.

    Only rows whose hash repeats are compared exactly, so the answer is exact and the full
    pairwise check runs on a small subset.
    """
    n = len(frame)
    if n == 0 or frame.shape[1] == 0:
        return np.zeros(n, dtype=bool)
    try:
        hashes = pd.util.hash_pandas_object(frame, index=False)
    except TypeError:  # unhashable cells: fall back to pandas' own check
        return frame.duplicated(keep="first").to_numpy()
    candidates = hashes.duplicated(keep=False).to_numpy()
    dup = np.zeros(n, dtype=bool)
    if candidates.any():
        positions = np.flatnonzero(candidates)
        exact = frame.iloc[positions].duplicated(keep="first").to_numpy()
        dup[positions[exact]] = True
    return dup


def drop_duplicate_rows(
    frame: pd.DataFrame, kinds: dict[str, ColumnKind], step: dict[str, Any], ctx: JobContext
) -> Outcome:
    dup = duplicate_mask(frame)
    out = frame[~dup] if dup.any() else frame.copy(deep=False)
    return Outcome(out, dict(kinds))


def sentinel_to_missing(
    frame: pd.DataFrame, kinds: dict[str, ColumnKind], step: dict[str, Any], ctx: JobContext
) -> Outcome:
    col = _column(frame, step)
    mask = match_mask(col, step["values"])
    n = _count(mask)
    if n == 0:
        return Outcome(frame.copy(deep=False), dict(kinds))
    if isinstance(col.dtype, pd.CategoricalDtype):
        codes = col.cat.codes.to_numpy()
        gone = sorted(set(codes[mask].tolist()))
        cats = col.cat.categories
        new = pd.Series(
            pd.Categorical.from_codes(
                np.where(mask, -1, codes), categories=cats, ordered=col.cat.ordered
            ),
            index=col.index,
            name=col.name,
        ).cat.remove_categories([cats[g] for g in gone])
    else:
        new = col.mask(mask)
    return Outcome(replace_column(frame, step["column"], new), dict(kinds), cells_changed=n)


def rename(
    frame: pd.DataFrame, kinds: dict[str, ColumnKind], step: dict[str, Any], ctx: JobContext
) -> Outcome:
    old, new = step["column"], step["to"]
    _column(frame, step)
    if old == new:
        return Outcome(frame.copy(deep=False), dict(kinds))
    if new in frame.columns:
        raise StepSkipped(wording.name_taken(old, new))
    out = frame.rename(columns={old: new})
    new_kinds = {(new if c == old else c): k for c, k in kinds.items()}
    return Outcome(out, new_kinds, details={"renamed": {old: new}})


def merge_categories(
    frame: pd.DataFrame, kinds: dict[str, ColumnKind], step: dict[str, Any], ctx: JobContext
) -> Outcome:
    col = _column(frame, step)
    name = step["column"]
    if is_number_series(col) or pd.api.types.is_datetime64_any_dtype(col):
        raise StepSkipped(wording.not_labels(name))
    mapping: dict[str, str] = step["mapping"]
    codes, uniques = codes_and_uniques(col)
    labels = [value_text(u) for u in uniques]
    found = {lab for lab in labels if lab in mapping}
    absent = [k for k in mapping if k not in found]
    changed = np.array(
        [lab in mapping and mapping[lab] != lab for lab in labels] + [False], dtype=bool
    )
    n = _count(changed[codes])
    warning = wording.labels_not_found(name, absent) if absent else None
    if n == 0:
        if not found:
            raise StepSkipped(wording.labels_not_found(name, absent))
        return Outcome(frame.copy(deep=False), dict(kinds), warning=warning)
    new_labels: list[Any] = [mapping.get(lab, u) for u, lab in zip(uniques, labels, strict=True)]
    if isinstance(col.dtype, pd.CategoricalDtype):
        merged = list(dict.fromkeys(new_labels))
        position = {lab: i for i, lab in enumerate(merged)}
        remap = np.array([position[lab] for lab in new_labels] + [-1], dtype=np.int64)
        new = pd.Series(
            pd.Categorical.from_codes(
                remap[codes], categories=pd.Index(merged), ordered=col.cat.ordered
            ),
            index=col.index,
            name=col.name,
        )
    else:
        table = np.array([*new_labels, None], dtype=object)
        new = pd.Series(table[codes], index=col.index, name=col.name)
        new = new.where(codes >= 0, col)  # keep the original missing marker
        if pd.api.types.is_string_dtype(col.dtype) and not pd.api.types.is_object_dtype(col):
            new = new.astype(col.dtype)
    return Outcome(
        replace_column(frame, name, new),
        dict(kinds),
        cells_changed=n,
        warning=warning,
        details={"not_found": absent},
    )


def _bound(value: Any, col: pd.Series, name: str) -> Any:
    if value is None:
        return None
    if pd.api.types.is_datetime64_any_dtype(col):
        ts = as_timestamp(value, col)
        if ts is None:
            raise StepSkipped(wording.value_does_not_fit(name, value))
        return ts
    number = as_float(value)
    if number is None:
        raise StepSkipped(wording.value_does_not_fit(name, value))
    return number


def clip(
    frame: pd.DataFrame, kinds: dict[str, ColumnKind], step: dict[str, Any], ctx: JobContext
) -> Outcome:
    col = _column(frame, step)
    name = step["column"]
    if not (is_number_series(col) or pd.api.types.is_datetime64_any_dtype(col)):
        raise StepSkipped(wording.not_numeric(name))
    lower, upper = _bound(step["lower"], col, name), _bound(step["upper"], col, name)
    if lower is not None and upper is not None and lower > upper:
        raise StepSkipped(wording.bounds_reversed(name))
    below = (col < lower).to_numpy(dtype=bool, na_value=False) if lower is not None else None
    above = (col > upper).to_numpy(dtype=bool, na_value=False) if upper is not None else None
    n_below = _count(below) if below is not None else 0
    n_above = _count(above) if above is not None else 0
    if n_below + n_above == 0:
        return Outcome(frame.copy(deep=False), dict(kinds), details={"below": 0, "above": 0})
    new = col
    if pd.api.types.is_integer_dtype(col) and any(
        b is not None and not float(b).is_integer() for b in (lower, upper)
    ):
        new = col.astype("float64")
    if below is not None and n_below:
        new = new.mask(below, lower)
    if above is not None and n_above:
        new = new.mask(above, upper)
    return Outcome(
        replace_column(frame, name, new),
        dict(kinds),
        cells_changed=n_below + n_above,
        details={"below": n_below, "above": n_above},
    )


_ORDER_OPS: dict[str, Callable[[pd.Series, Any], pd.Series]] = {
    "<": lambda c, v: c < v,
    "<=": lambda c, v: c <= v,
    ">": lambda c, v: c > v,
    ">=": lambda c, v: c >= v,
}


def _comparable(value: Any, col: pd.Series, name: str) -> Any:
    """``value`` converted to the column's type, or a skip when it cannot be."""
    if is_number_series(col):
        converted: Any = as_float(value)
    elif pd.api.types.is_datetime64_any_dtype(col):
        converted = as_timestamp(value, col)
    elif pd.api.types.is_bool_dtype(col):
        converted = as_bool(value)
    else:
        return value
    if converted is None:
        raise StepSkipped(wording.value_does_not_fit(name, value))
    return converted


def filter_keep_mask(col: pd.Series, operator: str, value: Any, name: str) -> np.ndarray:
    """Rows to keep, read the way the step is worded.

    "Keep only rows where X is ..." (``==``, ``in``, ``<`` ... ``between``) keeps rows whose value
    is known and passes; a missing value cannot pass. "Remove rows where X is ..." (``!=``,
    ``not_in``) removes only rows whose value is known and matches, so missing values stay.
    """
    missing = col.isna().to_numpy()
    if operator == "is_missing":
        return missing
    if operator == "not_missing":
        return ~missing
    if operator in ("in", "not_in", "==", "!="):
        values = value if operator in ("in", "not_in") else [value]
        for v in values:  # refuse values that cannot occur in this column at all
            _comparable(v, col, name)
        hit = match_mask(col, values)  # never true for a missing cell
        return hit if operator in ("in", "==") else ~hit
    ordered = is_number_series(col) or pd.api.types.is_datetime64_any_dtype(col)
    if not ordered:
        raise StepSkipped(wording.cannot_order(name))
    if operator == "between":
        low, high = (_comparable(v, col, name) for v in value)
        if low > high:
            raise StepSkipped(wording.bounds_reversed(name))
        keep = (col >= low) & (col <= high)
    else:
        keep = _ORDER_OPS[operator](col, _comparable(value, col, name))
    return keep.to_numpy(dtype=bool, na_value=False) & ~missing


def filter_rows(
    frame: pd.DataFrame, kinds: dict[str, ColumnKind], step: dict[str, Any], ctx: JobContext
) -> Outcome:
    col = _column(frame, step)
    keep = filter_keep_mask(col, step["operator"], step.get("value"), step["column"])
    missing = col.isna().to_numpy()
    removed_missing = _count(~keep & missing)
    out = frame[keep] if not keep.all() else frame.copy(deep=False)
    return Outcome(out, dict(kinds), details={"removed_missing": removed_missing})


def convert_column(
    col: pd.Series, kind: ColumnKind, name: str
) -> tuple[pd.Series, int, int, list[LoadNote]]:
    """Convert ``col`` to ``kind`` with the loader's own rules, as a kind override would.

    Returns (new column, cells that could not be converted and are now missing, cells
    converted, the loader's notes). Number format and day-first order are decided from the
    column's values, so replaying the step on the same data decides the same way.
    """
    from workbench.tables import dates
    from workbench.tables.text_source import PendingDates, Settings
    from workbench.tables.types import analyse_column

    result = analyse_column(name, col, Settings(None, None, None), force=kind)
    if isinstance(result, PendingDates):
        dayfirst, _how = dates.decide_dayfirst([result.plan])
        result = result.finish(dayfirst)
    if result.kind != kind:  # e.g. dates asked to become numbers: the loader keeps the dates
        raise StepSkipped(wording.cannot_cast(name, kind))
    if result.values is None:
        return col, 0, 0, list(result.notes)
    new = result.values
    if not new.index.equals(col.index):
        new = new.set_axis(col.index)
    # pandas-stubs take a name as one of a list of scalar types, not any Hashable
    new = new.rename(col.name)  # type: ignore[call-overload]
    failed = sum(int(n.details.get("count", 0)) for n in result.notes if n.kind == UNCONVERTED)
    return new, failed, int(new.notna().sum()), list(result.notes)


UNCONVERTED = "unconverted_cells"  # the loader's note for cells that became missing


def cast(
    frame: pd.DataFrame, kinds: dict[str, ColumnKind], step: dict[str, Any], ctx: JobContext
) -> Outcome:
    col = _column(frame, step)
    name, kind = step["column"], ColumnKind(step["kind"])
    new, failed, changed, notes = convert_column(col, kind, name)
    new_kinds = dict(kinds)
    new_kinds[name] = kind
    warning = None
    if failed:
        said = [n.message for n in notes if n.kind == UNCONVERTED]
        warning = say_join(said) if said else wording.cast_failed(name, kind, failed)
    return Outcome(
        replace_column(frame, name, new),
        new_kinds,
        cells_changed=changed,
        warning=warning,
        details={"failed": failed, "notes": [n.to_dict() for n in notes]},
    )


def impute(
    frame: pd.DataFrame, kinds: dict[str, ColumnKind], step: dict[str, Any], ctx: JobContext
) -> Outcome:
    from workbench.steps import recipe_impute  # LightGBM loads on demand

    col = _column(frame, step)
    return recipe_impute.impute(frame, kinds, col, step, ctx)


def predict_missing(
    frame: pd.DataFrame, kinds: dict[str, ColumnKind], step: dict[str, Any], ctx: JobContext
) -> Outcome:
    from workbench.steps import recipe_predict  # LightGBM loads on demand

    return recipe_predict.predict_missing(frame, kinds, step, ctx)


OPS: dict[
    str, Callable[[pd.DataFrame, dict[str, ColumnKind], dict[str, Any], JobContext], Outcome]
] = {
    "drop_columns": drop_columns,
    "drop_duplicate_rows": drop_duplicate_rows,
    "sentinel_to_missing": sentinel_to_missing,
    "impute": impute,
    "filter_rows": filter_rows,
    "cast": cast,
    "rename": rename,
    "merge_categories": merge_categories,
    "clip": clip,
    "predict_missing": predict_missing,
}


def run_step(
    frame: pd.DataFrame, kinds: dict[str, ColumnKind], step: dict[str, Any], ctx: JobContext
) -> Outcome:
    """Run one validated step; raises :class:`StepSkipped` when it cannot run on this table."""
    return OPS[step["op"]](frame, dict(kinds), step, ctx)
