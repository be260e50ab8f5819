"""Turn the cleaned table into what LightGBM eats, and back into the user's names.

* Column names become safe internal names ``f0``, ``f1``, … (LightGBM refuses some characters,
  e.g. ``[``, ``]``, ``:``, ``,``, quotes; Hangul and U+FFFD are fine for us but not everywhere) —
  :attr:`FeatureSet.display` maps them back for everything the user sees.
* Numbers and booleans become float64 (missing stays NaN: LightGBM handles it).
* Categorical columns become pandas ``category`` columns (LightGBM categoricals); a column with
  a level for nearly every row is an identifier, never fed raw.
* Datetimes are never fed raw: dropped by default, or (``derive_time_parts``) replaced by the hour
  of day and the day of week, named ``"<column> (hour)"`` / ``"<column> (day of week)"``.
* Free text and ID columns are kept out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from workbench.errors import AnalysisError
from workbench.i18n import _
from workbench.numbers_format import format_label
from workbench.steps import model_wording as words
from workbench.steps.goal import Exclusion, Task
from workbench.tables.table import ColumnKind

#: Above this many levels a categorical keeps its most frequent levels and lumps the rest.
MAX_LEVELS = 255
#: The label rare levels are lumped into.
OTHER_LEVEL = "(other)"
#: Labels that usually name the class to predict (compared case-insensitively).
POSITIVE_WORDS = frozenset(
    {
        "1",
        "true",
        "yes",
        "y",
        "ng",
        "nok",
        "defect",
        "defective",
        "fail",
        "failed",
        "failure",
        "bad",
        "reject",
        "rejected",
        "scrap",
        "positive",
        "불량",
        "예",
        "있음",
        "불합격",
    }
)


@dataclass
class FeatureSet:
    """The model's input: safe-named columns plus the maps back to the user's names."""

    X: pd.DataFrame  # safe names f0..fN; categoricals as category dtype; index = row labels
    y: pd.Series  # encoded target: float for regression, 0/1 for binary, 0..k-1 for multiclass
    display: dict[str, str]  # safe -> user's name
    safe: dict[str, str]  # user's name -> safe
    categorical: list[str]  # user's names of the categorical features
    derived: dict[str, str] = field(default_factory=dict)  # derived user name -> source column
    levels: dict[str, list[Any]] = field(default_factory=dict)  # safe -> category levels
    lumped: dict[str, int] = field(default_factory=dict)  # user's name -> levels lumped

    @property
    def columns(self) -> list[str]:
        """The features in the user's names, in X's column order."""
        return [self.display[c] for c in self.X.columns]

    def to_user(self, safe_names: list[str]) -> list[str]:
        return [self.display.get(c, c) for c in safe_names]

    def transform(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Build X for other rows of a table with the same columns (same encoding as fit)."""
        out: dict[str, pd.Series] = {}
        for safe_name in self.X.columns:
            name = self.display[safe_name]
            if name in self.derived:
                src = self.derived[name]
                out[safe_name] = _time_part(frame[src], name.endswith(_("(hour)")))
                continue
            col = frame[name]
            if safe_name in self.levels:
                out[safe_name] = _to_category(col, self.levels[safe_name])
            else:
                out[safe_name] = _to_float(col)
        return pd.DataFrame(out, index=frame.index)


@dataclass
class EncodedTarget:
    """The target as the model sees it."""

    y: pd.Series  # index = usable row labels (target present)
    task: Task
    classes: list[str] | None = None  # class labels as text, in code order
    positive_class: str | None = None  # binary: the class coded 1


def choose_positive_class(labels: pd.Series) -> str:
    """For two classes: a label that reads like the problem ("NG", "yes", 1), else the rarer."""
    counts = labels.value_counts()
    names = sorted(counts.index.tolist())
    hits = [n for n in names if n.strip().casefold() in POSITIVE_WORDS]
    if len(hits) == 1:
        return hits[0]
    return min(names, key=lambda n: (counts[n], [-ord(ch) for ch in n]))


def encode_target(
    target: pd.Series, task: Task, positive_class: str | None = None
) -> EncodedTarget:
    """Encode the target's non-missing rows for ``task``.

    Regression: float. Binary: 1 for ``positive_class`` (chosen by :func:`choose_positive_class`
    when not given), 0 for the other class. Multiclass: codes 0..k-1 in sorted label order.
    """
    valid = target.dropna()
    if task == Task.REGRESSION:
        if pd.api.types.is_bool_dtype(valid):
            return EncodedTarget(valid.astype(float), task)
        y = pd.to_numeric(valid, errors="coerce")
        if y.isna().any():
            raise AnalysisError(
                words.target_not_numeric(str(target.name)), words.target_not_numeric_hint()
            )
        return EncodedTarget(y.astype(float), task)
    labels = valid.map(format_label).astype(str)
    classes = sorted(labels.unique().tolist())
    if task == Task.BINARY:
        if len(classes) != 2:
            raise AnalysisError(
                words.binary_needs_two(str(target.name), len(classes)),
                words.binary_needs_two_hint(),
            )
        pos = positive_class if positive_class is not None else choose_positive_class(labels)
        if pos not in classes:
            folded = {c.strip().casefold(): c for c in classes}
            pos = folded.get(str(pos).strip().casefold(), pos)
        if pos not in classes:
            raise AnalysisError(
                words.unknown_class(str(target.name), str(pos)),
                words.classes_are(classes),
            )
        neg = classes[0] if classes[1] == pos else classes[1]
        y = (labels == pos).astype(float)
        return EncodedTarget(y, task, [neg, pos], pos)
    codes = {c: i for i, c in enumerate(classes)}
    y = labels.map(codes).astype(float)
    return EncodedTarget(y, task, classes, positive_class)


def _to_float(col: pd.Series) -> pd.Series:
    """Numbers as float64: pandas NA and ±inf become NaN (missing, left to LightGBM)."""
    if not (pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col)):
        col = pd.to_numeric(col.astype(object), errors="coerce")
    arr = col.to_numpy(dtype=np.float64, na_value=np.nan)
    inf = np.isinf(arr)
    if inf.any():
        arr = arr.copy()
        arr[inf] = np.nan
    return pd.Series(arr, index=col.index, name=col.name, copy=False)


def _to_category(col: pd.Series, levels: list[Any]) -> pd.Series:
    if isinstance(col.dtype, pd.CategoricalDtype):
        if OTHER_LEVEL not in levels:
            # recode the integer codes (fast); levels not in ``levels`` become missing
            out = col.cat.set_categories(levels)
            return out.cat.as_unordered() if out.cat.ordered else out
        col = col.astype(object)
    known = col.isin(levels)
    if OTHER_LEVEL in levels:
        col = col.where(col.isna() | known, OTHER_LEVEL)
    elif not known.all():
        col = col.where(known)  # a level never seen in fitting: missing
    return pd.Series(pd.Categorical(col, categories=levels), index=col.index, name=col.name)


def _time_part(col: pd.Series, hour: bool) -> pd.Series:
    dt = pd.to_datetime(col, errors="coerce")
    part = dt.dt.hour if hour else dt.dt.day_of_week
    return part.astype("float64")


def levels_of(col: pd.Series) -> tuple[list[Any], int]:
    """Sorted levels present (at most MAX_LEVELS, the rest lumped) and how many were lumped."""
    counts = col.value_counts(dropna=True)
    counts = counts[counts > 0]
    lumped = 0
    if len(counts) > MAX_LEVELS:
        keep = counts.index[: MAX_LEVELS - 1].tolist()
        lumped = len(counts) - len(keep)
        levels = [*_sorted(keep), OTHER_LEVEL]
    else:
        levels = _sorted(counts.index.tolist())
    return levels, lumped


def _sorted(values: list[Any]) -> list[Any]:
    try:
        return sorted(values)
    except TypeError:
        return sorted(values, key=str)


def build_features(
    frame: pd.DataFrame,
    kinds: dict[str, ColumnKind],
    columns: list[str],
    y: pd.Series,
    *,
    derive_time_parts: bool = False,
    forced: frozenset[str] | set[str] = frozenset(),
) -> tuple[FeatureSet, list[Exclusion]]:
    """Features for the rows of ``y`` (its index) from ``columns`` of ``frame``.

    Columns that cannot be used (all missing or one value on these rows, free text, IDs,
    raw datetimes, a different level on nearly every row) are returned as exclusions with a
    plain reason. ``forced`` names columns the user put in explicitly: an ID-like text column
    is then fed as a categorical instead of being left out (constant/empty columns are still
    left out: there is nothing to learn from them).
    """
    rows = y.index
    sub = frame.loc[rows] if not frame.index.equals(rows) else frame
    exclusions: list[Exclusion] = []
    data: dict[str, pd.Series] = {}
    display: dict[str, str] = {}
    derived: dict[str, str] = {}
    levels_map: dict[str, list[Any]] = {}
    lumped: dict[str, int] = {}
    categorical: list[str] = []

    def add(name: str, series: pd.Series, levels: list[Any] | None = None) -> None:
        safe_name = f"f{len(data)}"
        data[safe_name] = series.rename(safe_name)
        display[safe_name] = name
        if levels is not None:
            levels_map[safe_name] = levels

    for name in columns:
        col = sub[name]
        kind = kinds.get(name, ColumnKind.NUMERIC)
        nonmissing = int(col.notna().sum())
        if nonmissing == 0:
            exclusions.append(Exclusion(name, "empty", words.exclusion_message("empty", name)))
            continue
        if kind == ColumnKind.DATETIME or pd.api.types.is_datetime64_any_dtype(col):
            if not derive_time_parts:
                exclusions.append(
                    Exclusion(name, "datetime", words.exclusion_message("datetime", name))
                )
                continue
            for hour, label in ((True, _("(hour)")), (False, _("(day of week)"))):
                part = _time_part(col, hour)
                if part.nunique(dropna=True) > 1:
                    dname = f"{name} {label}"
                    derived[dname] = name
                    add(dname, part)
            continue
        is_text = kind in (ColumnKind.TEXT, ColumnKind.ID)
        if is_text and name not in forced:
            reason = "id_like" if kind == ColumnKind.ID else "text"
            exclusions.append(Exclusion(name, reason, words.exclusion_message(reason, name)))
            continue
        as_category = kind in (ColumnKind.CATEGORICAL, ColumnKind.TEXT, ColumnKind.ID) or (
            not pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)
        )
        if as_category:
            levels, n_lumped = levels_of(col)
            if len(levels) <= 1:
                exclusions.append(
                    Exclusion(name, "constant", words.exclusion_message("constant", name))
                )
                continue
            distinct = len(levels) + n_lumped - (1 if n_lumped else 0)
            if name not in forced and distinct > 50 and distinct >= 0.5 * nonmissing:
                exclusions.append(
                    Exclusion(
                        name,
                        "high_cardinality",
                        words.exclusion_message("high_cardinality", name, levels=distinct),
                        {"levels": int(distinct)},
                    )
                )
                continue
            if n_lumped:
                lumped[name] = n_lumped
            add(name, _to_category(col, levels), levels)
            categorical.append(name)
            continue
        values = _to_float(col)
        arr = values.to_numpy()
        present = arr[~np.isnan(arr)]
        if present.size == 0 or present.min() == present.max():
            exclusions.append(
                Exclusion(name, "constant", words.exclusion_message("constant", name))
            )
            continue
        add(name, values)

    # copy=False: the float columns stay views of the table's own (pandas copy-on-write keeps
    # them apart from later edits) instead of one consolidated copy (~400 MB at 1M x 50).
    matrix = pd.DataFrame(data, index=rows, copy=False) if data else pd.DataFrame(index=rows)
    safe = {v: k for k, v in display.items()}
    fs = FeatureSet(
        X=matrix,
        y=y,
        display=display,
        safe=safe,
        categorical=categorical,
        derived=derived,
        levels=levels_map,
        lumped=lumped,
    )
    return fs, exclusions
