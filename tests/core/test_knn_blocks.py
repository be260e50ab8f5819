"""HDBSCAN's neighbour queries block by block: the same neighbours, the same groups."""

from __future__ import annotations

import numpy as np
from sklearn.neighbors import KDTree

from workbench.steps import knn_blocks
from workbench.steps.cause_stability import hdbscan_labels


def _points() -> np.ndarray:
    rng = np.random.default_rng(5)
    return np.vstack(
        [rng.normal(0, 1, (1500, 4)), rng.normal(4, 0.6, (900, 4)), rng.normal(-4, 0.8, (600, 4))]
    )


def test_blocks_give_the_neighbours_of_one_query(monkeypatch) -> None:
    points = _points()
    monkeypatch.setattr(knn_blocks, "BLOCK_CELLS", 5_000)  # many blocks of 50 points
    d0, i0 = KDTree(points).query(points, k=100, dualtree=True, breadth_first=True)
    d1, i1 = knn_blocks.BlockKDTree(points).query(points, k=100, dualtree=True, breadth_first=True)
    np.testing.assert_array_equal(d1, d0)
    np.testing.assert_array_equal(i1, i0)


def test_hdbscan_groups_are_unchanged(monkeypatch) -> None:
    import hdbscan.hdbscan_ as hdbscan_module

    points = _points()
    monkeypatch.setattr(hdbscan_module, "KDTree", KDTree)
    plain = hdbscan_module.HDBSCAN(min_cluster_size=150, core_dist_n_jobs=1).fit(points).labels_
    monkeypatch.setattr(knn_blocks, "BLOCK_CELLS", 5_000)
    blocked = hdbscan_labels(points, 150)  # installs the block tree
    assert hdbscan_module.KDTree is knn_blocks.BlockKDTree
    assert len(set(plain) - {-1}) == 3
    np.testing.assert_array_equal(blocked, plain)
