"""HDBSCAN's core distances found block by block, so its neighbour lists are made only once.

Why: ``hdbscan`` (Boruvka on a k-d tree) asks the tree for the ``min_samples + 1`` nearest
neighbours of every point at once. scikit-learn's query then holds three arrays of
``points x neighbours``: its heap's distances and indices, and the distances converted back
from squared ones. With the cause groups' sizes at 1M rows (20,000 sampled focus rows, 1,000
neighbours) that is ~480 MB, the analysis's peak. Asked block by block, only the two arrays
HDBSCAN keeps (~320 MB) exist at full size. Each point's neighbours and distances are the same
(the query is exact; only the order of the points visited changes).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.neighbors import KDTree

#: Query at most this many point x neighbour cells at once (~16 MB per array).
BLOCK_CELLS = 2_000_000


class BlockKDTree(KDTree):  # type: ignore[misc]  # scikit-learn ships no types
    """A :class:`sklearn.neighbors.KDTree` whose k-nearest query runs over blocks of points."""

    def query(
        self,
        X: Any,  # noqa: N803 - scikit-learn's name for it
        k: int = 1,
        return_distance: bool = True,
        **options: Any,
    ) -> Any:
        points = np.asarray(X)
        n = points.shape[0] if points.ndim == 2 else 0
        if not return_distance or n * k <= BLOCK_CELLS:
            return super().query(X, k=k, return_distance=return_distance, **options)
        dist = np.empty((n, k), dtype=np.float64)
        index = np.empty((n, k), dtype=np.intp)
        step = max(1, BLOCK_CELLS // k)
        for start in range(0, n, step):
            d, i = super().query(points[start : start + step], k=k, **options)
            dist[start : start + step] = d
            index[start : start + step] = i
        return dist, index


def use_block_queries() -> None:
    """Make ``hdbscan``'s k-d tree Boruvka build its trees as :class:`BlockKDTree` (once)."""
    import hdbscan.hdbscan_ as hdbscan_module

    hdbscan_module.KDTree = BlockKDTree  # the module global its Boruvka build reads
