"""SHAP explanation of a fitted LightGBM model.

Exact path-dependent TreeSHAP values — the numbers LightGBM's ``booster.predict(X,
pred_contrib=True)`` and ``shap.TreeExplainer(booster).shap_values(X)`` return (shap calls that
same LightGBM routine) — computed by the compiled kernel of :mod:`workbench.steps.shap_native`
(10-20x faster per core; every chunk checked against LightGBM, which takes over for any model
the kernel does not cover), in row chunks so a long run reports progress and can be cancelled
between chunks, on every core.

* :func:`compute_shap` — SHAP values of any rows of a feature matrix (all rows when ``rows`` is
  None: the full-data job for a background worker).
* :func:`explain_model` — what the analysis needs from a fitted model (``FitResult``):
  overall importance on a bounded random sample of rows (stated), SHAP of every focus row,
  focus importance, and dependence data (feature value vs SHAP) for plotting.

SHAP values are in the model's raw output units: the target's units for regression, log-odds for
binary and multiclass (one class's score, ``class_index``). Each row's values plus the base value
add up to the model's raw prediction for that row.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import pandas as pd

from workbench.i18n import _
from workbench.jobs import JobContext, ensure_context
from workbench.steps import shap_native

if TYPE_CHECKING:  # pragma: no cover - typing only
    import lightgbm as lgb

    from workbench.steps.fit_result import FitResult

__all__ = [
    "DEFAULT_SAMPLE_SIZE",
    "Dependence",
    "ExplainedRows",
    "Explanation",
    "ShapValues",
    "compute_shap",
    "explain_all",
    "explain_model",
    "explained_rows",
    "mean_abs_importance",
    "model_shape",
]

DEFAULT_SAMPLE_SIZE = 5000

# Chunking: the first chunk is small (measured), later chunks aim at this many seconds each,
# so progress moves and a cancel lands within about this time whatever the model's size.
_FIRST_CHUNK_ROWS = 2000
_TARGET_CHUNK_SECONDS = 0.5
_MIN_CHUNK_ROWS = 1000
_MAX_CHUNK_ROWS = 200_000
# The compiled kernel is checked against LightGBM: the first rows value by value, every row's sum.
_CHECK_ROWS = 64
_CHECK_TOLERANCE = 1e-7


def _all_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


@dataclass
class ShapValues:
    """SHAP values of some rows: one row per data row, one column per model feature.

    ``values[i, j]`` is feature ``columns[j]``'s push on row ``rows[i]``'s raw prediction;
    ``values[i].sum() + base_value`` is that raw prediction.
    """

    values: np.ndarray  # float64, (n_rows, n_features)
    base_value: float
    rows: pd.Index  # the rows' labels in the source frame
    columns: list[str]  # the user's column names, in the model's feature order
    method: str = "lightgbm"  # how they were computed: "numba", "lightgbm" or "mixed"

    def __post_init__(self) -> None:
        self.values = np.asarray(self.values, dtype=np.float64)
        if self.values.ndim != 2:
            raise ValueError(f"SHAP values must be 2-D, got shape {self.values.shape}")
        if self.values.shape != (len(self.rows), len(self.columns)):
            raise ValueError(
                f"SHAP values shape {self.values.shape} does not match "
                f"{len(self.rows)} rows x {len(self.columns)} columns"
            )

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def n_rows(self) -> int:
        return len(self.rows)

    def frame(self) -> pd.DataFrame:
        """The values as a DataFrame (index = row labels, columns = the user's names)."""
        return pd.DataFrame(self.values, index=self.rows, columns=list(self.columns))

    def raw_prediction(self) -> np.ndarray:
        """The model's raw prediction for each row (base value plus the row's SHAP values)."""
        return self.values.sum(axis=1) + self.base_value

    def importance(self) -> pd.Series:
        """Mean |SHAP| per column, largest first."""
        return mean_abs_importance(self)

    def column(self, name: str) -> np.ndarray:
        """SHAP values of one column (by the user's name)."""
        return self.values[:, self.columns.index(name)]

    def subset(self, rows: pd.Index | list[Any] | np.ndarray) -> ShapValues:
        """The SHAP values of some of these rows, in the order given."""
        wanted = pd.Index(rows)
        pos = self.rows.get_indexer(wanted)
        if (pos < 0).any():
            missing = wanted[pos < 0]
            raise KeyError(f"{len(missing)} rows are not in these SHAP values, e.g. {missing[0]!r}")
        return ShapValues(
            self.values[pos], self.base_value, self.rows[pos], list(self.columns), self.method
        )


def mean_abs_importance(shap: ShapValues) -> pd.Series:
    """Mean absolute SHAP value per column (the user's names), sorted descending.

    Ties keep the model's feature order. With no rows every importance is 0.
    """
    imp = np.abs(shap.values).mean(axis=0) if shap.n_rows else np.zeros(len(shap.columns))
    series = pd.Series(imp, index=pd.Index(list(shap.columns), dtype=object), name="importance")
    order = np.argsort(-imp, kind="stable")
    return series.iloc[order]


def model_shape(booster: lgb.Booster) -> dict[str, float]:
    """Trees, outputs, mean leaves and mean depth of a booster — what TreeSHAP's cost grows with.

    TreeSHAP costs about ``rows × trees × leaves × depth²``; ``cost_per_row`` is that product
    per row (handy to compare models).
    """
    dump = booster.dump_model(num_iteration=-1)
    leaves: list[int] = []
    depths: list[int] = []

    def walk(node: Mapping[str, Any], depth: int) -> int:
        if "leaf_index" in node or "left_child" not in node:
            return depth
        return max(walk(node["left_child"], depth + 1), walk(node["right_child"], depth + 1))

    for info in dump.get("tree_info", []):
        leaves.append(int(info.get("num_leaves", 1)))
        depths.append(walk(info["tree_structure"], 0))
    n_trees = len(leaves)
    mean_leaves = float(np.mean(leaves)) if leaves else 0.0
    mean_depth = float(np.mean(depths)) if depths else 0.0
    cost = float(sum(lv * max(d, 1) ** 2 for lv, d in zip(leaves, depths, strict=True)))
    return {
        "trees": n_trees,
        "outputs": int(booster.num_model_per_iteration()),
        "mean_leaves": mean_leaves,
        "mean_depth": mean_depth,
        "max_depth": float(max(depths)) if depths else 0.0,
        "cost_per_row": cost,
    }


def _contrib_block(
    booster: lgb.Booster,
    chunk: pd.DataFrame,
    n_features: int,
    n_outputs: int,
    class_index: int,
    num_threads: int,
) -> np.ndarray:
    raw: Any = booster.predict(chunk, pred_contrib=True, num_threads=num_threads)
    if not isinstance(raw, np.ndarray):  # sparse input gives sparse output; keep it dense here
        raw = raw.todense()
    out = np.asarray(raw, dtype=np.float64)
    width = n_features + 1
    if out.shape[1] != width * n_outputs:
        raise ValueError(
            f"LightGBM returned {out.shape[1]} contribution columns; expected "
            f"{width * n_outputs} ({n_features} features + base value, {n_outputs} output(s))"
        )
    if n_outputs > 1:
        out = out[:, class_index * width : (class_index + 1) * width]
    return out


def _raw_block(
    booster: lgb.Booster, chunk: pd.DataFrame, n_outputs: int, class_index: int, num_threads: int
) -> np.ndarray:
    raw = np.asarray(booster.predict(chunk, raw_score=True, num_threads=num_threads))
    return raw[:, class_index] if n_outputs > 1 else raw.reshape(-1)


def _close(a: np.ndarray, b: np.ndarray) -> bool:
    scale = max(1.0, float(np.max(np.abs(b))) if b.size else 1.0)
    return bool(np.all(np.abs(a - b) <= _CHECK_TOLERANCE * scale))


class _FastShap:
    """The compiled TreeSHAP kernel for one booster output, checked against LightGBM as it runs."""

    def __init__(self, booster: lgb.Booster, class_index: int, num_threads: int) -> None:
        self.booster = booster
        self.class_index = class_index
        self.num_threads = num_threads
        self.model = shap_native.TreeShapModel(booster, class_index)
        self.checked = False

    def block(self, chunk: pd.DataFrame, n_features: int, n_outputs: int) -> np.ndarray | None:
        """SHAP values and base column of ``chunk``; None when a check against LightGBM fails."""
        try:
            data = shap_native.to_lightgbm_matrix(self.booster, chunk)
            values = self.model.shap_values(data, self.num_threads)
        except Exception:  # the kernel could not run here (no compiler, odd column): LightGBM's
            return None
        base = self.model.base_value
        if not self.checked:
            # The first rows against LightGBM's own pred_contrib, value by value.
            head = chunk.iloc[:_CHECK_ROWS]
            ref = _contrib_block(
                self.booster, head, n_features, n_outputs, self.class_index, self.num_threads
            )
            if not _close(values[: len(head)], ref[:, :-1]) or not _close(
                np.array([base]), ref[:1, -1]
            ):
                return None
            base = float(ref[0, -1])
            self.model.base_value = base
            self.checked = True
        # Every row: the values add up to LightGBM's raw prediction.
        raw = _raw_block(self.booster, chunk, n_outputs, self.class_index, self.num_threads)
        if not _close(values.sum(axis=1) + base, raw):
            return None
        return np.column_stack([values, np.full(len(values), base)])


def compute_shap(
    booster: lgb.Booster,
    X: pd.DataFrame,  # noqa: N803 - the usual name for a feature matrix
    rows: pd.Index | None = None,
    *,
    class_index: int | None = None,
    display: Mapping[str, str] | None = None,
    num_threads: int | None = None,
    chunk_rows: int | None = None,
    method: str = "auto",
    ctx: JobContext | None = None,
) -> ShapValues:
    """Exact TreeSHAP values of ``booster`` for ``rows`` of ``X`` (all rows when ``rows`` is None).

    ``X`` must have the model's feature columns in training order (the safe internal names of a
    FeatureSet, categoricals as pandas categories); ``rows`` are row labels of ``X``.
    ``class_index`` picks which output a multiclass model's SHAP explains (required there; ignored
    for single-output models). ``display`` maps X's column names to the user's (FeatureSet.display);
    unmapped names are kept. Work runs in row chunks with ``ctx.progress`` between them (raises
    :class:`~workbench.jobs.Cancelled` once cancelled) on ``num_threads`` threads (all cores by
    default). ``chunk_rows`` fixes the chunk size; by default chunks are sized to take ~0.5 s.

    ``method``: "auto" (default) uses the compiled kernel of :mod:`workbench.steps.shap_native`
    (same values, faster; the first rows are checked against LightGBM's ``pred_contrib`` and every
    row against LightGBM's raw prediction) and falls back to LightGBM's own ``pred_contrib`` for
    models it does not cover or when a check fails; "lightgbm" always uses ``pred_contrib``.
    """
    ctx = ensure_context(ctx)
    if method not in ("auto", "lightgbm"):
        raise ValueError(f"unknown SHAP method {method!r}")
    n_features = int(booster.num_feature())
    if X.shape[1] != n_features:
        raise ValueError(f"X has {X.shape[1]} columns but the model was trained on {n_features}")
    n_outputs = int(booster.num_model_per_iteration())
    if n_outputs > 1:
        if class_index is None:
            raise ValueError(
                f"The model has {n_outputs} outputs (multiclass): pass class_index to choose one"
            )
        if not 0 <= class_index < n_outputs:
            raise ValueError(f"class_index {class_index} is out of range for {n_outputs} outputs")
    cls = int(class_index) if (n_outputs > 1 and class_index is not None) else 0
    threads = int(num_threads) if num_threads else _all_cores()
    mapping = display or {}
    columns = [mapping.get(str(c), str(c)) for c in X.columns]

    if rows is None:
        data = X
    else:
        wanted = pd.Index(rows)
        pos = X.index.get_indexer(wanted) if X.index.is_unique else None
        if pos is None:
            raise ValueError("X has duplicate row labels; SHAP rows must be unique labels")
        if (pos < 0).any():
            missing = wanted[pos < 0]
            raise KeyError(f"{len(missing)} requested rows are not in X, e.g. {missing[0]!r}")
        data = X.iloc[pos]
    total = len(data)
    ctx.progress(0.0, _("Explaining the model (SHAP): {total:,} rows").format(total=total))

    if total == 0:
        base = np.nan
        if len(X):
            first = _contrib_block(booster, X.iloc[:1], n_features, n_outputs, cls, threads)
            base = float(first[0, -1])
        return ShapValues(np.zeros((0, n_features)), base, data.index[:0], columns, "lightgbm")

    fast: _FastShap | None = None
    if method == "auto" and shap_native.HAVE_NUMBA:
        try:
            fast = _FastShap(booster, cls, threads)
        except shap_native.Unsupported:
            fast = None
    used = "numba" if fast is not None else "lightgbm"

    values = np.empty((total, n_features), dtype=np.float64)
    base_value = np.nan
    start = 0
    size = int(chunk_rows) if chunk_rows else min(_FIRST_CHUNK_ROWS, total)
    while start < total:
        ctx.check()
        stop = min(total, start + size)
        chunk = data.iloc[start:stop]
        t0 = time.perf_counter()
        block = fast.block(chunk, n_features, n_outputs) if fast is not None else None
        if block is None:
            if fast is not None:  # a check failed: LightGBM's own values from here on
                fast = None
                used = "lightgbm" if start == 0 else "mixed"
            block = _contrib_block(booster, chunk, n_features, n_outputs, cls, threads)
        elapsed = time.perf_counter() - t0
        values[start:stop] = block[:, :-1]
        if start == 0:
            base_value = float(block[0, -1])
        done = stop - start
        start = stop
        ctx.progress(
            start / total,
            _("Explaining the model (SHAP): {done:,} of {total:,} rows").format(
                done=start, total=total
            ),
        )
        if not chunk_rows:
            rate = done / max(elapsed, 1e-6)
            size = int(min(_MAX_CHUNK_ROWS, max(_MIN_CHUNK_ROWS, rate * _TARGET_CHUNK_SECONDS)))
    return ShapValues(values, base_value, data.index, columns, used)


class Dependence(NamedTuple):
    """One feature's dependence data: its values and its SHAP values on the same rows.

    ``values`` is a Series indexed by row label (numbers for numeric features; level labels as
    strings for categoricals, missing as NaN); ``shap`` the matching SHAP values.
    """

    values: pd.Series
    shap: np.ndarray


@dataclass
class Explanation:
    """SHAP explanation of a fitted model: overall (on a sample) and on the focus rows."""

    overall: ShapValues  # a random sample of the model's rows (all rows when fewer)
    focus: ShapValues  # every focus row
    importance: pd.Series  # user's column name -> mean |SHAP| over `overall`, descending
    focus_importance: pd.Series  # same over the focus rows
    sample_size: int  # rows in `overall`
    total_rows: int  # rows the model was fitted on (the population sampled from)
    seed: int
    sampled: bool  # True when `overall` is a random sample rather than every row
    categorical: list[str] = field(default_factory=list)  # user's names of categorical features
    focus_rows_missing: int = 0  # focus rows not among the model's rows (left out)
    class_index: int | None = None
    _X: pd.DataFrame | None = field(default=None, repr=False)
    _safe: dict[str, str] = field(default_factory=dict, repr=False)  # user's name -> X column

    @property
    def columns(self) -> list[str]:
        return list(self.overall.columns)

    def drivers(self, n: int | None = None, *, focus: bool = False) -> list[dict[str, Any]]:
        """[{"column", "importance"}] sorted by importance (JSON-safe), the top ``n`` if given."""
        imp = self.focus_importance if focus else self.importance
        if n is not None:
            imp = imp.iloc[:n]
        return [{"column": str(c), "importance": float(v)} for c, v in imp.items()]

    def feature_values(self, column: str, rows: pd.Index) -> pd.Series:
        """A feature's values for some rows, as a person reads them (levels as labels)."""
        if self._X is None:
            raise ValueError("This explanation holds no feature values")
        safe = self._safe.get(column, column)
        if safe not in self._X.columns:
            raise KeyError(f"No feature named {column!r} in this model")
        series = self._X[safe].loc[rows]
        if isinstance(series.dtype, pd.CategoricalDtype):
            labels = series.astype(object)
            present = series.notna()
            labels[present] = labels[present].map(str)
            labels[~present] = np.nan
            series = labels
        series.name = column
        return series

    def dependence(self, column: str, *, focus: bool = False) -> Dependence:
        """(feature values, SHAP values) of ``column`` on the sample (or the focus rows)."""
        shap = self.focus if focus else self.overall
        if column not in shap.columns:
            raise KeyError(f"No feature named {column!r} in this model")
        return Dependence(self.feature_values(column, shap.rows), shap.column(column).copy())

    def is_categorical(self, column: str) -> bool:
        return column in self.categorical

    def describe(self) -> str:
        """Plain words: what the overall importance was computed on."""
        if self.sampled:
            text = _(
                "Overall importance is the mean absolute SHAP value on a random sample of "
                "{n:,} of the {total:,} rows (seed {seed}); "
                "the focus is explained on all of its {focus:,} rows."
            )
        else:
            text = _(
                "Overall importance is the mean absolute SHAP value on all {n:,} rows; "
                "the focus is explained on all of its {focus:,} rows."
            )
        return text.format(
            n=self.sample_size, total=self.total_rows, seed=self.seed, focus=self.focus.n_rows
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe summary (no per-row values)."""
        return {
            "sample_size": int(self.sample_size),
            "total_rows": int(self.total_rows),
            "sampled": bool(self.sampled),
            "seed": int(self.seed),
            "focus_rows": int(self.focus.n_rows),
            "focus_rows_missing": int(self.focus_rows_missing),
            "base_value": float(self.overall.base_value),
            "importance": self.drivers(),
            "focus_importance": self.drivers(focus=True),
            "description": self.describe(),
        }


def _class_index(fit: Any) -> int | None:
    idx = getattr(fit, "class_index", None)
    return None if idx is None else int(idx)


@dataclass(frozen=True)
class ExplainedRows:
    """Which rows an explanation covers: a seeded sample for the overall importance and every
    focus row the model has; SHAP is computed once on their ``union``. On this computer and on
    a cluster alike (:func:`explained_rows`), so both paths explain the same rows."""

    sample: pd.Index
    focus: pd.Index
    union: pd.Index
    sampled: bool
    focus_missing: int  # focus rows that are not among the model's rows
    total_rows: int

    def explanation(
        self,
        shap_all: ShapValues,
        seed: int,
        categorical: list[str],
        class_index: int | None,
        X: pd.DataFrame,  # noqa: N803 - the model's matrix, as everywhere
        safe: dict[str, str],
    ) -> Explanation:
        """The :class:`Explanation` of SHAP values computed on :attr:`union`."""
        overall = shap_all.subset(self.sample)
        focus = shap_all.subset(self.focus)
        return Explanation(
            overall=overall,
            focus=focus,
            importance=mean_abs_importance(overall),
            focus_importance=mean_abs_importance(focus),
            sample_size=overall.n_rows,
            total_rows=self.total_rows,
            seed=seed,
            sampled=self.sampled,
            categorical=categorical,
            focus_rows_missing=self.focus_missing,
            class_index=class_index,
            _X=X,
            _safe=safe,
        )


def explained_rows(
    model_rows: pd.Index, focus_rows: pd.Index, sample_size: int, seed: int
) -> ExplainedRows:
    """``sample_size`` of ``model_rows`` drawn without replacement with ``seed`` (all of them
    when there are fewer), and the focus rows among ``model_rows``."""
    n = len(model_rows)
    sampled = n > sample_size
    if sampled:
        rng = np.random.default_rng(seed)
        sample_rows = model_rows[np.sort(rng.choice(n, size=sample_size, replace=False))]
    else:
        sample_rows = model_rows
    wanted = pd.Index(focus_rows)
    if wanted.has_duplicates:
        wanted = wanted.drop_duplicates()
    present = wanted.isin(model_rows)
    focus_idx = wanted[present]
    union = sample_rows.append(focus_idx[~focus_idx.isin(sample_rows)])
    return ExplainedRows(sample_rows, focus_idx, union, sampled, int((~present).sum()), n)


def explain_model(
    fit: FitResult,
    focus_rows: pd.Index,
    *,
    sample_size: int = DEFAULT_SAMPLE_SIZE,
    seed: int = 0,
    ctx: JobContext | None = None,
) -> Explanation:
    """Explain ``fit``'s model: overall importance on a random sample and SHAP of every focus row.

    The sample holds ``sample_size`` rows drawn without replacement with ``seed`` (every row when
    the model has fewer). SHAP is computed once on the union of sample and focus rows.
    Focus rows that are not among the model's rows are left out and counted.
    """
    ctx = ensure_context(ctx)
    if sample_size < 1:
        raise ValueError("sample_size must be at least 1")
    features = fit.features
    X = features.X  # noqa: N806
    display = dict(features.display)
    rows = explained_rows(X.index, focus_rows, sample_size, seed)
    shap_all = compute_shap(
        fit.booster,
        X,
        rows.union,
        class_index=_class_index(fit),
        display=display,
        ctx=ctx.sub(0.0, 0.98),
    )
    ctx.progress(1.0, _("Explaining the model (SHAP): done"))

    categorical = list(getattr(features, "categorical", []) or [])
    safe = dict(getattr(features, "safe", {}) or {})
    if not safe:
        safe = {v: k for k, v in display.items()}
    return rows.explanation(shap_all, seed, categorical, _class_index(fit), X, safe)


def explain_all(fit: FitResult, *, ctx: JobContext | None = None) -> ShapValues:
    """SHAP values of every row the model was fitted on (a background job: chunked, cancellable)."""
    return compute_shap(
        fit.booster,
        fit.features.X,
        None,
        class_index=_class_index(fit),
        display=dict(fit.features.display),
        ctx=ctx,
    )
