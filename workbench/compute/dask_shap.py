"""SHAP values on the cluster: each partition runs the product's own kernel
(:func:`workbench.steps.explain.compute_shap`, checked against LightGBM's ``pred_contrib`` as it
runs) on its share of the wanted rows; only those rows' values come back.

:func:`explain_on_cluster` builds the same :class:`~workbench.steps.explain.Explanation` as
:func:`~workbench.steps.explain.explain_model`: the same seeded sample for the overall
importance, every focus row for the cause groups.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from workbench.compute import wording as words
from workbench.compute.dask_models import booster_from_text
from workbench.compute.dask_rows import RowPlan
from workbench.jobs import JobContext
from workbench.steps.explain import (
    DEFAULT_SAMPLE_SIZE,
    Explanation,
    ShapValues,
    compute_shap,
    explained_rows,
)

BASE_COLUMN = "__base__"


def _shap_part(
    part: pd.DataFrame,
    plan_rows: RowPlan,
    wanted: np.ndarray,
    model_text: str,
    class_index: int | None,
) -> pd.DataFrame:
    columns = list(plan_rows.features.X.columns)
    part = part[part.index.isin(wanted)]
    part = plan_rows.clean(part)
    if not len(part):
        return pd.DataFrame({**{c: [] for c in columns}, BASE_COLUMN: []}, dtype=float)
    X = plan_rows.features.transform(part)  # noqa: N806
    shap = compute_shap(
        booster_from_text(model_text),
        X,
        None,
        class_index=class_index,
        display=dict(plan_rows.features.display),
        num_threads=1,  # one thread per worker process: the cluster is the parallelism
    )
    out = pd.DataFrame(shap.values, index=X.index, columns=columns)
    out[BASE_COLUMN] = shap.base_value
    return out


def shap_on_cluster(
    table: Any, plan_rows: RowPlan, fit: Any, rows: pd.Index, ctx: JobContext
) -> ShapValues:
    """SHAP values of ``rows`` (labels), in that order, computed partition by partition."""
    ctx.progress(0.0, words.progress_explaining())
    columns = list(plan_rows.features.X.columns)
    meta = pd.DataFrame({**{c: pd.Series(dtype=float) for c in columns}, BASE_COLUMN: []})
    meta.index = pd.RangeIndex(0)
    wanted = np.sort(np.asarray(rows, dtype=np.int64))
    class_index = None if fit.class_index is None else int(fit.class_index)
    parts = table.frame.map_partitions(
        _shap_part,
        plan_rows,
        wanted,
        fit.booster.model_to_string(),
        class_index,
        meta=meta,
    )
    got = parts.compute()
    ctx.check()
    got = got.loc[pd.Index(rows)]
    base = float(got[BASE_COLUMN].iloc[0]) if len(got) else 0.0
    names = [plan_rows.features.display[c] for c in columns]
    return ShapValues(got[columns].to_numpy(), base, pd.Index(rows), names, method="numba")


def explain_on_cluster(
    table: Any,
    plan_rows: RowPlan,
    fit: Any,
    focus_rows: pd.Index,
    *,
    sample_size: int = DEFAULT_SAMPLE_SIZE,
    seed: int = 0,
    ctx: JobContext,
) -> Explanation:
    """The Explanation of ``fit`` with SHAP computed on the cluster (see the module)."""
    X = fit.features.X  # noqa: N806 - the model's rows gathered to this computer
    rows = explained_rows(X.index, focus_rows, sample_size, seed)  # the laptop's rows
    shap_all = shap_on_cluster(table, plan_rows, fit, rows.union, ctx)
    features = fit.features
    return rows.explanation(
        shap_all, seed, list(features.categorical), fit.class_index, X, dict(features.safe)
    )
