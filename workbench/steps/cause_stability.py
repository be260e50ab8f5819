"""Cause groups from SHAP arrays: HDBSCAN, with the grouping chosen by how well it replicates.

The plain recipe (HDBSCAN with the smallest group at 5% of the focus and its default
``min_samples``) is the starting point; we measured on the truth corpus (docs/truth.md) what
went wrong before and why each piece is here:

* ``allow_single_cluster=True`` let one big cluster win over distinct mechanisms (AI4I 2020:
  one group held every failure, ARI 0 against the documented failure modes; the plain recipe
  found three). It is now used only when no grouping is found at all, so that a focus with one
  cause still gets its one group (when some column pushes its rows one way).
* ``min_samples`` capped at 10 split one cause into several groups on secondary SHAP
  differences of ~0.1 (planted overlapping routes: 8 groups for 4 mechanisms). HDBSCAN's
  default (= the smallest group) is used; the remaining splits are merged by the caller when
  two groups' drivers and conditions say the same thing.
* Which smallest size? :func:`choose_grouping` tries 5% of the focus (the reference), half and
  twice that; each is refitted on :data:`REPLICATES` seeded subsamples of
  :data:`REPLICATE_SHARE` of the rows, and every group gets a *stability*: the mean over the
  replicates of its best Jaccard match (the share of rows two groups have in common; Hennig's
  clusterboot). A grouping scores the share of focus rows held in groups, weighted by their
  stability; the reference size is kept unless another scores clearly higher. A group whose
  stability is below :data:`WEAK_STABILITY` is said to be weak.
* Bounded time: candidates and replicates run on at most :data:`SELECT_ROWS` rows (a seeded
  sample); only the chosen size is fitted on all rows (up to :data:`MAX_CLUSTER_ROWS`; beyond,
  HDBSCAN runs on a sample and the other rows join the group whose centre is nearest when
  they lie within its reach, else they are noise — ``hdbscan.approximate_predict`` did the same
  in ~20 s for 30,000 rows, this in ~0.1 s).

Raw SHAP values (they share the target's unit, so no scaling) restricted to the columns that
carry 95% of the focus rows' mean |SHAP| (3 to 15 columns) grouped as well as all columns on the
corpus and cut HDBSCAN's time several-fold. Every function here is a plain function of arrays,
so the GUI can run :func:`choose_grouping` in a worker process (HDBSCAN holds the GIL).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

MIN_GROUP_FLOOR = 10  # the automatic smallest group never goes below this
AUTO_GROUP_SHARE = 0.05  # automatic smallest group: 5% of the focus rows (the reference)
CLUSTER_COVERAGE = 0.95  # cluster on the columns holding this share of mean |SHAP|
MIN_CLUSTER_COLUMNS = 3
MAX_CLUSTER_COLUMNS = 15
MAX_CLUSTER_ROWS = 20_000
REACH_QUANTILE = 0.98  # sampled runs: a left-out row joins a group within this reach
SINGLE_GROUP_CONSISTENCY = 1.0  # one group when a column's mean SHAP is >= 1 spread from zero
CANDIDATE_FACTORS = (1.0, 0.5, 2.0)  # smallest group sizes tried, as multiples of the given one
REPLICATES = 5
REPLICATE_SHARE = 0.8
SELECT_ROWS = 3000  # candidates and replicates run on at most this many rows
PREFER_REFERENCE = 0.03  # another size must score this much higher to replace the reference
WEAK_STABILITY = 0.6  # a group that reappears less than this is weak
NOISE_REACH = 3.0  # a noise row joins the group of its nearest grouped row within 3x spacing

Progress = Callable[[float], None]
Replicate = tuple[np.ndarray, np.ndarray]  # (positions in the selection sample, labels)


@dataclass
class Grouping:
    """The chosen grouping of the focus rows and how well each group replicates."""

    labels: np.ndarray  # 0..k-1 numbered by size (0 = largest), -1 = noise
    stability: np.ndarray  # per group, 0-1: how often it reappears in a replicate
    min_cluster_size: int  # the smallest group size chosen
    sampled_rows: int | None = None  # HDBSCAN ran on this many sampled rows (None: all)
    scores: dict[int, float] = field(default_factory=dict)  # candidate size -> score
    select: np.ndarray | None = None  # positions of the rows the reruns saw (None: all rows)
    reruns: list[Replicate] = field(default_factory=list)  # what the stability is measured on
    basis: str = "resamples"  # reruns on "resamples" of the rows, or other "models" (consensus)


def auto_min_group_size(n_focus: int) -> int:
    """The automatic smallest group: 5% of the focus rows, at least 10."""
    return max(MIN_GROUP_FLOOR, round(AUTO_GROUP_SHARE * n_focus))


def cluster_columns(values: np.ndarray, coverage: float = CLUSTER_COVERAGE) -> np.ndarray:
    """Indices of the columns that carry ``coverage`` of the mean |SHAP| (3 to 15 of them)."""
    if values.size == 0:
        return np.arange(values.shape[1] if values.ndim == 2 else 0)
    imp = np.abs(values).mean(axis=0)
    order = np.argsort(-imp, kind="stable")
    order = order[imp[order] > 0]
    if order.size == 0:
        return order
    cum = np.cumsum(imp[order]) / imp[order].sum()
    k = int(np.searchsorted(cum, coverage - 1e-12)) + 1
    k = min(max(k, MIN_CLUSTER_COLUMNS), MAX_CLUSTER_COLUMNS, order.size)
    return np.sort(order[:k])


def hdbscan_labels(values: np.ndarray, size: int, *, single: bool = False) -> np.ndarray:
    """Plain HDBSCAN labels (default ``min_samples`` = ``size``); -1 = noise."""
    import hdbscan

    from workbench.steps.knn_blocks import use_block_queries

    use_block_queries()  # its neighbour lists made once, not three times (~160 MB at 1M rows)
    n = values.shape[0]
    size = int(max(2, min(size, n)))
    if n < 2 * size or values.shape[1] == 0:
        return np.full(n, -1, dtype=np.int64)
    model = hdbscan.HDBSCAN(min_cluster_size=size, allow_single_cluster=single, core_dist_n_jobs=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return model.fit(values).labels_.astype(np.int64)


def cluster_shap(
    values: np.ndarray,
    min_cluster_size: int,
    max_rows: int = MAX_CLUSTER_ROWS,
    seed: int = 0,
) -> np.ndarray:
    """HDBSCAN labels for the rows of ``values`` (already restricted to the chosen columns).

    Returns labels 0..k-1, numbered by group size (0 = largest), and -1 for noise. When no
    grouping is found, one group is tried (``allow_single_cluster``) and kept only when some
    column pushes its rows one way: one "group" pushed every which way is no group at all.
    """
    values = np.ascontiguousarray(values, dtype=np.float64)
    n = values.shape[0]
    labels = np.full(n, -1, dtype=np.int64)
    if n == 0 or values.shape[1] == 0 or n < 2 * min_cluster_size:
        return labels
    sample = None
    fit_values, size = values, min_cluster_size
    if n > max_rows:
        rng = np.random.default_rng(seed)
        sample = np.sort(rng.choice(n, size=max_rows, replace=False))
        fit_values = values[sample]
        size = max(MIN_GROUP_FLOOR // 2, round(min_cluster_size * max_rows / n))
    fitted = fit_groups(fit_values, size)
    if sample is None:
        labels = fitted
    else:
        labels[sample] = fitted
        rest = np.setdiff1d(np.arange(n), sample, assume_unique=True)
        labels[rest] = assign_to_groups(values[rest], fit_values, fitted)
    return renumber_by_size(labels)


def fit_groups(values: np.ndarray, size: int) -> np.ndarray:
    """HDBSCAN labels, noise among a group's rows absorbed; when HDBSCAN finds no grouping, one
    group if its rows are pushed one way."""
    fitted = hdbscan_labels(values, size)
    if fitted.size and fitted.max() < 0:
        fitted = hdbscan_labels(values, size, single=True)
        if fitted.max() == 0 and not _consistent_push(values[fitted == 0]):
            fitted[:] = -1
    return absorb_noise(values, fitted)


def assign_to_groups(points: np.ndarray, fitted: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Labels for rows left out of the HDBSCAN sample: the group whose centre is nearest, if
    the row lies within that group's reach (98% of its sampled members are as close), else -1.
    """
    out = np.full(points.shape[0], -1, dtype=np.int64)
    ids = np.unique(labels[labels >= 0])
    if ids.size == 0 or points.shape[0] == 0:
        return out
    best = np.full(points.shape[0], np.inf)
    for k in ids:
        members = fitted[labels == k]
        centre = members.mean(axis=0)
        reach = np.quantile(np.linalg.norm(members - centre, axis=1), REACH_QUANTILE)
        ratio = np.linalg.norm(points - centre, axis=1) / max(reach, 1e-12)
        better = (ratio <= 1.0) & (ratio < best)
        out[better] = k
        best[better] = ratio[better]
    return out


def absorb_noise(values: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Noise rows that lie among a group's rows join it: the nearest grouped row's group, when
    it is at most :data:`NOISE_REACH` times the typical spacing of grouped rows (the 95th
    percentile of their nearest-neighbour distances) away.

    HDBSCAN with its default ``min_samples`` sets aside the thin edge of every group (on the
    corpus 3-35% of the focus rows, most of them on the edge of a mechanism's group); rows far
    from every group stay noise. Measured on the corpus's SHAP values before merging: mean ARI
    0.836 without, 0.855 with (docs/truth.md).
    """
    from scipy.spatial import cKDTree

    noise = labels < 0
    if not noise.any() or noise.all():
        return labels
    grouped = values[~noise]
    tree = cKDTree(grouped)
    spacing, _ = tree.query(grouped, k=2)
    typical = float(np.quantile(spacing[:, 1], 0.95))
    dist, nearest = tree.query(values[noise], k=1)
    out = labels.copy()
    out[noise] = np.where(dist <= NOISE_REACH * typical, labels[~noise][nearest], -1)
    return out


def _consistent_push(values: np.ndarray) -> bool:
    """Some column pushes the rows one way: its mean SHAP is at least one spread from zero."""
    mean = np.abs(values.mean(axis=0))
    spread = values.std(axis=0)
    return bool(np.any((mean >= SINGLE_GROUP_CONSISTENCY * spread) & (mean > 0)))


def renumber_by_size(labels: np.ndarray) -> np.ndarray:
    """Labels 0..k-1 by group size, largest first (ties: the lower old label first)."""
    found = labels[labels >= 0]
    if found.size == 0:
        return labels
    ids, counts = np.unique(found, return_counts=True)
    order = ids[np.lexsort((ids, -counts))]
    mapping = np.full(int(labels.max()) + 1, -1, dtype=np.int64)
    mapping[order] = np.arange(order.size)
    out = labels.copy()
    out[labels >= 0] = mapping[labels[labels >= 0]]
    return out


# --- stability ------------------------------------------------------------------------------


def replicate_groupings(
    values: np.ndarray, size: int, *, seed: int, progress: Progress | None = None
) -> list[Replicate]:
    """HDBSCAN refitted on :data:`REPLICATES` seeded subsamples (smallest size scaled along)."""
    n = values.shape[0]
    m = max(2, round(n * REPLICATE_SHARE))
    scaled = max(2, round(size * REPLICATE_SHARE))
    rng = np.random.default_rng(seed)
    out = []
    for b in range(REPLICATES):
        rows = np.sort(rng.choice(n, size=m, replace=False))
        out.append((rows, fit_groups(values[rows], scaled)))
        if progress is not None:
            progress((b + 1) / REPLICATES)
    return out


def group_stability(labels: np.ndarray, replicates: list[Replicate]) -> np.ndarray:
    """Per group of ``labels`` (0..k-1): the mean best Jaccard match over the replicates."""
    k = int(labels.max()) + 1 if labels.size and labels.max() >= 0 else 0
    out = np.zeros(k)
    if not replicates:
        return np.ones(k)
    for rows, rep in replicates:
        mine = labels[rows]
        for g in range(k):
            inside = mine == g
            if not inside.any():
                continue
            best = 0.0
            for h in np.unique(rep[inside]):
                if h < 0:
                    continue
                other = rep == h
                best = max(best, (inside & other).sum() / (inside | other).sum())
            out[g] += best
    return out / len(replicates)


def grouping_score(labels: np.ndarray, stability: np.ndarray) -> float:
    """Share of the rows held in groups, each group weighted by its stability."""
    if labels.size == 0 or stability.size == 0:
        return 0.0
    sizes = np.bincount(labels[labels >= 0], minlength=stability.size)
    return float((sizes * stability).sum() / labels.size)


def choose_grouping(
    values: np.ndarray,
    min_cluster_size: int,
    fixed: bool = False,
    *,
    seed: int = 0,
    progress: Progress | None = None,
) -> Grouping:
    """Group the rows of ``values`` (already restricted to the chosen columns).

    ``min_cluster_size`` is the reference size (5% of the focus, or the user's); with
    ``fixed=True`` (the user chose it) only that size is used, and stability still measured.
    ``progress(fraction)`` is called between fits (the caller's cancel check).
    """
    values = np.ascontiguousarray(values, dtype=np.float64)
    n = values.shape[0]
    tick = progress or (lambda _f: None)
    rng = np.random.default_rng(seed)
    select = np.arange(n) if n <= SELECT_ROWS else np.sort(rng.choice(n, SELECT_ROWS, False))
    shrink = len(select) / max(n, 1)
    sizes = [min_cluster_size] if fixed else _candidate_sizes(min_cluster_size, n)
    sub = values[select]
    best_size, best_score, best_reps = sizes[0], -1.0, []
    scores: dict[int, float] = {}
    steps = len(sizes) + 1
    for i, size in enumerate(sizes):
        scaled = max(MIN_GROUP_FLOOR // 2, round(size * shrink))
        labels = renumber_by_size(fit_groups(sub, scaled))

        def at(fraction: float, i: int = i) -> None:
            tick((i + fraction) / steps)

        reps = replicate_groupings(sub, scaled, seed=seed + 1 + i, progress=at)
        score = grouping_score(labels, group_stability(labels, reps))
        scores[int(size)] = round(score, 4)
        margin = 0.0 if i == 0 else PREFER_REFERENCE
        if score > best_score + margin:
            best_size, best_score, best_reps = size, score, reps
    final = cluster_shap(values, best_size, seed=seed)
    tick((steps - 0.5) / steps)
    stability = group_stability(final[select], best_reps)
    tick(1.0)
    sampled = MAX_CLUSTER_ROWS if n > MAX_CLUSTER_ROWS else None
    return Grouping(final, stability, int(best_size), sampled, scores, select, best_reps)


def _candidate_sizes(size: int, n: int) -> list[int]:
    """The reference size first, then the others that fit (at least the floor, at most n/2)."""
    out = [size]
    for factor in CANDIDATE_FACTORS[1:]:
        s = max(MIN_GROUP_FLOOR, round(size * factor))
        if 2 * s <= n and s not in out:
            out.append(s)
    return out
