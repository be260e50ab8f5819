"""Cause groups that do not hang on one model fit: a consensus over the validation folds' models.

Why: the groups are found in the focus rows' SHAP values, and SHAP values are a property of one
fitted model. Changing only LightGBM's ``max_bin`` (63 -> 255) moved the truth corpus's ARI by
±0.01-0.06 on planted sets and by 0.18 on AI4I 2020 (docs/truth.md): a few edge rows of each
mechanism changed group with the model. The validation already fits one model per fold (k-fold
up to 50,000 rows), so several honest fits of the same data are at hand for free.

How (evidence accumulation, Fred & Jain 2005; applied to SHAP of a bagged ensemble):

1. the focus rows' SHAP under the final model and under every fold's model (:func:`fold_values`);
2. each fit grouped as a single fit is (HDBSCAN with its default ``min_samples``, noise among
   a group's rows absorbed), on all rows and on :data:`SUBSAMPLES` subsamples of 80% of them;
3. a co-association matrix: the share of those runs that saw two rows in which they share a
   group;
4. the final partition: HDBSCAN on ``1 - co-association`` (``metric="precomputed"``, the same
   smallest group) — rows that change group with the model end up as noise, not in a group
   they only sometimes belong to;
   a row the runs held in a group (any group) in fewer than :data:`MIN_GROUPED_SHARE` of the
   runs that saw it is set aside too: co-association counts a run that set a row aside as "not
   together", so a row grouped in half the runs could land in the group it joined in those
   (truth corpus, leak_one_sided: 5 rows of one mechanism sat in the neighbouring one's group,
   4 of them grouped in 53-59% of the runs and beside their own mechanism's rows in at most 3%;
   those 4 are now set aside, ARI 0.966 -> 0.984);
5. noise among a group's rows (not the rows step 4 set aside) joins it as before
   (:func:`~workbench.steps.cause_stability.absorb_noise`), judged on the mean SHAP over the
   fits (the SHAP of the folds' ensemble: SHAP is additive over models).

Measured on the truth corpus (17 datasets, tests/bench/bench_truth.py; docs/truth.md has the
table and the variants tried): mean ARI 0.892 -> ~0.91, the largest gap below the plain
reference 0.036 -> ~0.01. Each group's *stability* is the mean over those runs of its best
Jaccard match (:func:`workbench.claims.rerun_stability`), so it says how well the group
survives a change of model or of rows — the question the consensus answers.

Bounded time: the consensus runs on at most :data:`SELECT_ROWS` focus rows (a seeded sample;
the co-association matrix is n x n); the other rows join a group as noise does. With one model
(holdout validation above 50,000 rows, or a time-ordered split) there is nothing to agree on,
and the caller keeps the single-fit grouping (:func:`~workbench.steps.cause_stability.
choose_grouping`); a large table's model varies least with its fit anyway.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from workbench.claims import NOT_IN_RUN
from workbench.steps.cause_stability import (
    MIN_GROUP_FLOOR,
    REPLICATE_SHARE,
    SELECT_ROWS,
    WEAK_STABILITY,
    Grouping,
    Replicate,
    absorb_noise,
    fit_groups,
    renumber_by_size,
)

Progress = Callable[[float], None]
SUBSAMPLES = 2  # per fit, besides its grouping of all rows: seeded subsamples of 80% of them
# A row the runs hold in a group less often than this is set aside, whatever group the
# consensus gives it: the same bar as a weak group (WEAK_STABILITY), applied to one row.
MIN_GROUPED_SHARE = WEAK_STABILITY


def fold_values(
    fit: Any, rows: pd.Index, columns: Sequence[str], ctx: Any = None
) -> list[np.ndarray]:
    """SHAP of ``rows`` under each validation fold's model, columns in ``columns`` order.

    Empty when the fit kept no fold models (one split, or a reopened project): the grouping then
    rests on the final model alone.
    """
    from workbench.steps.explain import compute_shap

    boosters = list(getattr(fit, "fold_boosters", None) or [])
    if len(boosters) < 2:
        return []
    features = fit.features
    out = []
    for i, booster in enumerate(boosters):
        sub = None if ctx is None else ctx.sub(i / len(boosters), (i + 1) / len(boosters))
        shap = compute_shap(
            booster,
            features.X,
            rows,
            class_index=getattr(fit, "class_index", None),
            display=dict(features.display),
            ctx=sub,
        )
        frame = pd.DataFrame(np.asarray(shap.values), columns=[str(c) for c in shap.columns])
        out.append(frame.reindex(columns=list(columns), fill_value=0.0).to_numpy(dtype=np.float64))
    return out


def co_association(runs: Sequence[Replicate], n: int) -> np.ndarray:
    """For every two of ``n`` rows: the share of the ``runs`` that saw both (``(positions,
    labels)``, -1 noise) in which they share a group."""
    same = np.zeros((n, n), dtype=np.float32)
    seen = np.zeros((n, n), dtype=np.float32)
    for positions, labels in runs:
        seen[np.ix_(positions, positions)] += 1.0
        for g in np.unique(labels[labels >= 0]):
            idx = positions[labels == g]
            same[np.ix_(idx, idx)] += 1.0
    return np.divide(same, seen, out=np.zeros_like(same), where=seen > 0)


def grouped_share(runs: Sequence[Replicate], n: int) -> np.ndarray:
    """For each of ``n`` rows: the share of the ``runs`` that saw it in which it sat in a group
    (not noise)."""
    seen = np.zeros(n)
    grouped = np.zeros(n)
    for positions, labels in runs:
        seen[positions] += 1.0
        grouped[positions] += labels >= 0
    return np.divide(grouped, seen, out=np.zeros(n), where=seen > 0)


def consensus_partition(co: np.ndarray, size: int) -> np.ndarray:
    """HDBSCAN on ``1 - co`` (precomputed distances), -1 = noise."""
    import warnings

    import hdbscan

    n = co.shape[0]
    size = int(max(2, min(size, n)))
    if n < 2 * size:
        return np.full(n, -1, dtype=np.int64)
    distance = 1.0 - co.astype(np.float64)
    np.fill_diagonal(distance, 0.0)
    model = hdbscan.HDBSCAN(min_cluster_size=size, metric="precomputed", core_dist_n_jobs=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return model.fit(distance).labels_.astype(np.int64)


def fit_runs(
    mats: Sequence[np.ndarray], size: int, *, seed: int, progress: Progress
) -> list[Replicate]:
    """Each fit's grouping of all (selected) rows, and of :data:`SUBSAMPLES` seeded subsamples
    of :data:`REPLICATE_SHARE` of them (smallest size scaled along)."""
    rng = np.random.default_rng(seed)
    n = mats[0].shape[0]
    m = max(2, round(n * REPLICATE_SHARE))
    scaled = max(2, round(size * REPLICATE_SHARE))
    runs: list[Replicate] = []
    total = len(mats) * (1 + SUBSAMPLES)
    for values in mats:
        runs.append((np.arange(n), fit_groups(values, size)))
        for _ in range(SUBSAMPLES):
            rows = np.sort(rng.choice(n, size=m, replace=False))
            runs.append((rows, fit_groups(values[rows], scaled)))
        progress(0.8 * len(runs) / total)
    return runs


def consensus_grouping(
    matrices: Sequence[np.ndarray],
    min_cluster_size: int,
    *,
    seed: int = 0,
    progress: Progress | None = None,
) -> Grouping:
    """Group the rows by the agreement of several model fits' SHAP values (same rows and
    columns, the final model's first); see the module docstring."""
    tick = progress or (lambda _f: None)
    mats = [np.ascontiguousarray(m, dtype=np.float64) for m in matrices]
    n = mats[0].shape[0]
    rng = np.random.default_rng(seed)
    select = np.arange(n) if n <= SELECT_ROWS else np.sort(rng.choice(n, SELECT_ROWS, False))
    size = max(MIN_GROUP_FLOOR // 2, round(min_cluster_size * len(select) / max(n, 1)))
    runs = fit_runs([m[select] for m in mats], size, seed=seed + 1, progress=tick)
    chosen = consensus_partition(co_association(runs, len(select)), size)
    mean = np.mean(mats, axis=0)
    unsure = np.zeros(len(select), dtype=bool)
    if chosen.max() < 0:  # no agreement at all: the single-fit rule (one group if pushed one way)
        chosen = fit_groups(mean[select], size)
    else:
        # Why: co-association counts a run that set a row aside as "not together", so a row
        # grouped in only half the runs can still land in the group it joined in those runs.
        unsure = (chosen >= 0) & (grouped_share(runs, len(select)) < MIN_GROUPED_SHARE)
        chosen = np.where(unsure, -1, chosen)
    labels = np.full(n, -1, dtype=np.int64)
    labels[select] = chosen
    labels = absorb_noise(mean, labels)
    labels[select[unsure]] = -1  # set aside by the runs: not let back in by nearness
    labels = renumber_by_size(labels)
    tick(1.0)
    sampled = len(select) if n > SELECT_ROWS else None
    return Grouping(
        labels,
        np.zeros(0),
        int(min_cluster_size),
        sampled,
        select=select,
        reruns=runs,
        basis="models",
    )


def rerun_table(grouping: Grouping, rows: pd.Index) -> pd.DataFrame:
    """The reruns a grouping's stability rests on, as a table a claim can be recomputed from:
    index = the focus row labels the reruns saw, one column per rerun holding that rerun's group
    of each row (-1 noise, :data:`NOT_IN_RUN` for a row a subsample left out)."""
    select = np.arange(len(rows)) if grouping.select is None else grouping.select
    columns = {}
    for i, (positions, labels) in enumerate(grouping.reruns, start=1):
        col = np.full(len(select), NOT_IN_RUN, dtype=np.int64)
        col[positions] = labels
        columns[f"rerun_{i}"] = col
    return pd.DataFrame(columns, index=rows[select])
