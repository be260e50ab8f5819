"""Fast exact TreeSHAP for LightGBM models, compiled with numba.

The values are the path-dependent TreeSHAP values LightGBM's ``pred_contrib`` and
``shap.TreeExplainer`` compute, by a cheaper route (the idea of "Linear TreeSHAP",
Yu et al., NeurIPS 2022):

For a leaf with value ``v`` whose path splits on the distinct features ``P`` (a feature met twice
is merged: its cover fraction ``z`` is the product of the cover fractions of its splits, its
indicator ``o`` is 1 when the row takes every one of its splits' directions), the leaf adds to
feature ``k``'s SHAP value

    v · (o_k − z_k) · ∫₀¹ Π_{j∈P, j≠k} (t·o_j + (1−t)·z_j) dt

(the Shapley weights |S|!(d−|S|−1)!/d! are Beta integrals). The integrand is a polynomial of
degree < d, so Gauss–Legendre quadrature with ceil(d/2) points is exact. Summing the leaves'
products per node bottom-up turns the cost into O(nodes × points) per tree and row instead of
TreeSHAP's O(leaves × depth²); and for multiclass only the chosen class's trees are walked.
The kernel works on blocks of rows with its inner loops over the rows (vectorised), in parallel
over blocks, releasing the GIL: on a 200-tree model it is 10-20x LightGBM's ``pred_contrib``
per core.

Compiled ahead, not on the first analysis. Compiling takes 12.0 s (a fresh cache; 2-core Linux
machine shared with other work, load ~5), loading the compiled kernel from numba's on-disk
cache 1.9 s (both measured with ``python -m workbench.steps.shap_native --compile``, which
compiles it now and prints where the cache is). Who compiles it:

* the desktop app: :func:`warm_up` runs in the background at start (``ui/app_jobs.py``), while
  the user reads the start page and loads data;
* the Windows installer: ``workbench-cli --compile-shap`` after copying the files, on the
  user's own CPU (numba's cache is keyed by the CPU, so the build machine cannot do it), into
  the per-user install folder; the bundle carries this module as a .py file because numba
  caches only functions backed by a source file. A Windows user therefore waits ~10 s once,
  in the installer, and never in an analysis (the Windows figure is this machine's, not
  measured on Windows);
* a source install: ``python -m workbench.steps.shap_native --compile`` once (README); without
  it the first ``workbench analyze`` compiles (12 s) and later runs load the cache.

Decisions replicate LightGBM's (numerical splits with missing type None/Zero/NaN and default
direction; categorical splits as bitsets, NaN and negative codes go right), the table is
converted the way LightGBM converts a pandas frame (categories mapped to the training levels).
:func:`workbench.steps.explain.compute_shap` checks every chunk against LightGBM's own raw
prediction (and the first rows against ``pred_contrib``) and falls back to LightGBM when a
model uses something this module does not handle.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # pragma: no cover - typing only
    import lightgbm as lgb

try:  # numba is a dependency; without it (a lean frozen build) LightGBM's pred_contrib is used
    import numba
    from numba import njit, prange

    HAVE_NUMBA = True
except ImportError:  # pragma: no cover - only in a build made without numba
    numba = None  # type: ignore[assignment]  # every use is behind HAVE_NUMBA
    HAVE_NUMBA = False

__all__ = [
    "BLOCK_ROWS",
    "HAVE_NUMBA",
    "TreeShapModel",
    "Unsupported",
    "main",
    "to_lightgbm_matrix",
    "warm_up",
]

_MISSING = {"None": 0, "Zero": 1, "NaN": 2}
_ZERO_THRESHOLD = 1e-35  # LightGBM's kZeroThreshold
# Rows per block of the kernel: its inner loops run over a block's rows (vectorised); 64-128 is
# the sweet spot measured on a 200-tree model (17-19x LightGBM's pred_contrib on one core).
BLOCK_ROWS = 64

# numba's default "workqueue" threading layer must not be entered from two threads at once.
_LOCK = threading.Lock()


class Unsupported(Exception):  # noqa: N818 - a reason, not a failure
    """The model uses a feature this implementation does not cover (use LightGBM's own)."""


def to_lightgbm_matrix(booster: lgb.Booster, X: pd.DataFrame) -> np.ndarray:  # noqa: N803
    """``X`` as the float64 row-major matrix LightGBM predicts on.

    Categorical columns become their codes in the training levels (``booster.pandas_categorical``;
    unseen or missing levels become NaN) — or their own codes when the model was trained on a
    matrix of codes and has no stored levels, as LightGBM does — everything else float64.
    """
    levels = list(getattr(booster, "pandas_categorical", None) or [])
    out = np.empty(X.shape, dtype=np.float64, order="C")
    cat_i = 0
    for j, (_name, col) in enumerate(X.items()):
        if isinstance(col.dtype, pd.CategoricalDtype):
            if not levels:  # trained on codes (not a frame): the column's own codes, as LightGBM
                codes = col.cat.codes.to_numpy(dtype=np.float64)
            elif cat_i >= len(levels):
                raise Unsupported("more categorical columns than the model was trained with")
            else:
                codes = col.cat.set_categories(levels[cat_i]).cat.codes.to_numpy(dtype=np.float64)
            codes[codes < 0] = np.nan
            out[:, j] = codes
            cat_i += 1
        else:
            out[:, j] = col.to_numpy(dtype=np.float64, na_value=np.nan)
    if levels and cat_i != len(levels):
        raise Unsupported("fewer categorical columns than the model was trained with")
    return out


@dataclass
class _Flat:
    """Node arrays of the trees, concatenated in preorder (lists while building)."""

    feat: list[int] = field(default_factory=list)
    thr: list[float] = field(default_factory=list)
    is_cat: list[int] = field(default_factory=list)
    missing: list[int] = field(default_factory=list)
    default_left: list[int] = field(default_factory=list)
    cat_start: list[int] = field(default_factory=list)
    cat_len: list[int] = field(default_factory=list)
    left: list[int] = field(default_factory=list)
    right: list[int] = field(default_factory=list)
    parent: list[int] = field(default_factory=list)
    is_left: list[int] = field(default_factory=list)
    value: list[float] = field(default_factory=list)
    z: list[float] = field(default_factory=list)
    prev: list[int] = field(default_factory=list)
    parent_feat: list[int] = field(default_factory=list)
    is_leaf: list[int] = field(default_factory=list)
    bits: list[int] = field(default_factory=list)
    counts: list[float] = field(default_factory=list)


def _cat_bitset(threshold: Any) -> list[int]:
    cats = [int(c) for c in str(threshold).split("||") if c != ""]
    if not cats:
        return [0]
    words = [0] * (max(cats) // 32 + 1)
    for c in cats:
        if c < 0:
            raise Unsupported("negative category in a split")
        words[c // 32] |= 1 << (c % 32)
    return words


def _add_tree(flat: _Flat, root: dict[str, Any], n_features: int) -> tuple[int, int, float]:
    """Append one tree in preorder; return (first node, depth in distinct features, E[tree])."""
    start = len(flat.feat)
    max_distinct = 0
    root_count = float(root.get("internal_count", root.get("leaf_count", 0)))
    expected = 0.0
    # stack items: (node dict, parent index, is_left, path feature -> nearest edge index)
    stack: list[tuple[dict[str, Any], int, int, dict[int, int]]] = [(root, -1, 0, {})]
    while stack:
        node, parent, is_left, seen = stack.pop()
        i = len(flat.feat)
        leaf = "leaf_value" in node and "split_feature" not in node
        flat.parent.append(parent)
        flat.is_left.append(is_left)
        flat.left.append(-1)
        flat.right.append(-1)
        if parent >= 0:
            if is_left:
                flat.left[parent] = i
            else:
                flat.right[parent] = i
            pf = flat.feat[parent]
            count = float(node.get("leaf_count" if leaf else "internal_count", 0))
            parent_count = flat.counts[parent]
            if count <= 0 or parent_count <= 0:
                raise Unsupported("a node with no training rows")
            ratio = count / parent_count
            prev = seen.get(pf, -1)
            flat.parent_feat.append(pf)
            flat.prev.append(prev)
            flat.z.append(ratio * (flat.z[prev] if prev >= 0 else 1.0))
            seen = {**seen, pf: i}
        else:
            flat.parent_feat.append(-1)
            flat.prev.append(-1)
            flat.z.append(1.0)
        if leaf:
            if "leaf_coeff" in node or "leaf_features" in node:
                raise Unsupported("linear trees")
            value = float(node["leaf_value"])
            flat.feat.append(-1)
            flat.thr.append(0.0)
            flat.is_cat.append(0)
            flat.missing.append(0)
            flat.default_left.append(0)
            flat.cat_start.append(0)
            flat.cat_len.append(0)
            flat.value.append(value)
            flat.is_leaf.append(1)
            flat.counts.append(float(node.get("leaf_count", 0)))
            max_distinct = max(max_distinct, len(seen))
            if root_count > 0:
                expected += value * float(node.get("leaf_count", 0)) / root_count
            else:
                expected += value
            continue
        feature = int(node["split_feature"])
        if not 0 <= feature < n_features:
            raise Unsupported("split on an unknown feature")
        decision = node.get("decision_type", "<=")
        missing = node.get("missing_type", "None")
        if missing not in _MISSING:
            raise Unsupported(f"missing type {missing!r}")
        flat.feat.append(feature)
        flat.missing.append(_MISSING[missing])
        flat.default_left.append(1 if node.get("default_left", False) else 0)
        flat.value.append(0.0)
        flat.is_leaf.append(0)
        flat.counts.append(float(node.get("internal_count", 0)))
        if decision == "<=":
            flat.thr.append(float(node["threshold"]))
            flat.is_cat.append(0)
            flat.cat_start.append(0)
            flat.cat_len.append(0)
        elif decision == "==":
            words = _cat_bitset(node["threshold"])
            flat.thr.append(0.0)
            flat.is_cat.append(1)
            flat.cat_start.append(len(flat.bits))
            flat.cat_len.append(len(words))
            flat.bits.extend(words)
        else:
            raise Unsupported(f"decision type {decision!r}")
        # preorder: push right first so the left subtree is laid out right after its parent
        stack.append((node["right_child"], i, 0, seen))
        stack.append((node["left_child"], i, 1, seen))
    if root_count <= 0 and len(flat.feat) - start > 1:
        raise Unsupported("a tree without row counts")
    return start, max_distinct, expected


class TreeShapModel:
    """A LightGBM booster's trees for one output, flattened for the compiled TreeSHAP kernel."""

    def __init__(self, booster: lgb.Booster, class_index: int = 0) -> None:
        if not HAVE_NUMBA:
            raise Unsupported("numba is not installed")
        dump = booster.dump_model(num_iteration=None)
        if dump.get("average_output", False):
            raise Unsupported("random-forest averaging")
        n_outputs = int(dump.get("num_tree_per_iteration", 1))
        self.n_features = int(dump.get("max_feature_idx", booster.num_feature() - 1)) + 1
        self.n_outputs = n_outputs
        self.class_index = class_index
        flat = _Flat()
        starts: list[int] = []
        distinct: list[int] = []
        base = 0.0
        for info in dump.get("tree_info", []):
            if int(info.get("tree_index", 0)) % n_outputs != class_index:
                continue
            start, d, expected = _add_tree(flat, info["tree_structure"], self.n_features)
            starts.append(start)
            distinct.append(d)
            base += expected
        starts.append(len(flat.feat))
        self.base_value = base
        self.n_trees = len(starts) - 1
        self.max_distinct = max(distinct, default=0)
        # Gauss-Legendre on [0, 1], exact for the degree < d polynomials of each tree
        q_tree = np.asarray([max(1, math.ceil(d / 2)) for d in distinct], dtype=np.int64)
        q_max = int(q_tree.max()) if len(q_tree) else 1
        self.n_points = q_max
        tq = np.full((max(self.n_trees, 1), q_max), 0.5)
        wq = np.zeros((max(self.n_trees, 1), q_max))
        for q in np.unique(q_tree):
            points, weights = np.polynomial.legendre.leggauss(int(q))
            rows = q_tree == q
            tq[rows, :q] = (points + 1.0) / 2.0
            wq[rows, :q] = weights / 2.0
        self._starts = np.asarray(starts, dtype=np.int64)
        sizes = np.diff(self._starts)
        self._max_nodes = int(sizes.max()) if len(sizes) else 1
        self._q = q_tree
        self._tq = tq
        self._wq = wq
        self._feat = np.asarray(flat.feat, dtype=np.int64)
        self._thr = np.asarray(flat.thr, dtype=np.float64)
        self._is_cat = np.asarray(flat.is_cat, dtype=np.int8)
        self._missing = np.asarray(flat.missing, dtype=np.int8)
        self._default_left = np.asarray(flat.default_left, dtype=np.int8)
        self._cat_start = np.asarray(flat.cat_start, dtype=np.int64)
        self._cat_len = np.asarray(flat.cat_len, dtype=np.int64)
        self._left = np.asarray(flat.left, dtype=np.int64)
        self._right = np.asarray(flat.right, dtype=np.int64)
        self._parent = np.asarray(flat.parent, dtype=np.int64)
        self._is_left = np.asarray(flat.is_left, dtype=np.int8)
        self._value = np.asarray(flat.value, dtype=np.float64)
        self._z = np.asarray(flat.z, dtype=np.float64)
        self._prev = np.asarray(flat.prev, dtype=np.int64)
        self._parent_feat = np.asarray(flat.parent_feat, dtype=np.int64)
        self._is_leaf = np.asarray(flat.is_leaf, dtype=np.int8)
        self._bits = np.asarray(flat.bits if flat.bits else [0], dtype=np.uint32)
        # Each edge's path factor t·o + (1−t)·z for o = 0 and o = 1 at its tree's points,
        # and their inverses, so the kernel only multiplies.
        tree_of = np.repeat(np.arange(self.n_trees), sizes) if self.n_trees else np.zeros(0, int)
        t_node = tq[tree_of] if self.n_trees else np.zeros((0, q_max))
        z = self._z[:, None]
        with np.errstate(divide="ignore"):
            self._fac0 = np.ascontiguousarray((1.0 - t_node) * z)
            self._fac1 = np.ascontiguousarray(t_node + (1.0 - t_node) * z)
            self._inv0 = np.ascontiguousarray(1.0 / self._fac0)
            self._inv1 = np.ascontiguousarray(1.0 / self._fac1)

    def shap_values(
        self, data: np.ndarray, num_threads: int = 1, block: int = BLOCK_ROWS
    ) -> np.ndarray:
        """SHAP values (n_rows, n_features) of ``data`` (from :func:`to_lightgbm_matrix`)."""
        data = np.ascontiguousarray(data, dtype=np.float64)
        if data.ndim != 2 or data.shape[1] != self.n_features:
            raise ValueError(f"expected {self.n_features} columns, got shape {data.shape}")
        out = np.zeros((data.shape[0], self.n_features), dtype=np.float64)
        if data.shape[0] == 0 or self.n_trees == 0:
            return out
        with _LOCK:
            previous = numba.get_num_threads()
            # numba.config sets its options when imported: mypy cannot see them
            limit = numba.config.NUMBA_NUM_THREADS  # type: ignore[attr-defined]
            numba.set_num_threads(max(1, min(int(num_threads), limit)))
            try:
                _shap_blocks(
                    data,
                    out,
                    block,
                    self._starts,
                    self._max_nodes,
                    self._feat,
                    self._thr,
                    self._is_cat,
                    self._missing,
                    self._default_left,
                    self._cat_start,
                    self._cat_len,
                    self._bits,
                    self._parent,
                    self._is_left,
                    self._left,
                    self._right,
                    self._value,
                    self._z,
                    self._prev,
                    self._parent_feat,
                    self._is_leaf,
                    self._q,
                    self._tq,
                    self._wq,
                    self._fac0,
                    self._inv0,
                    self._inv1,
                )
            finally:
                numba.set_num_threads(previous)
        return out


def _jit(**options: Any) -> Any:
    """``numba.njit`` with an on-disk cache where one can be kept (not in every frozen app)."""

    def decorate(fn: Any) -> Any:
        try:
            return njit(cache=True, **options)(fn)
        except RuntimeError:  # "no locator available": compile per process instead
            return njit(**options)(fn)

    return decorate


if HAVE_NUMBA:

    @_jit(nogil=True, parallel=True)
    def _shap_blocks(
        data,
        out,
        block,
        starts,
        max_nodes,
        feat,
        thr,
        is_cat,
        missing,
        default_left,
        cat_start,
        cat_len,
        bits,
        parent,
        is_left,
        left,
        right,
        value,
        z,
        prev,
        parent_feat,
        is_leaf,
        q_tree,
        tq,
        wq,
        fac0,
        inv0,
        inv1,
    ):
        """TreeSHAP of ``data`` into ``out``, ``block`` rows at a time (inner loops over rows).

        Per tree: the decisions at every internal node; down the tree, each node's product of
        path factors at the quadrature points (a feature met again replaces its factor);
        up the tree, the leaf sums per node and each edge's contribution to its feature.
        """
        n_rows = data.shape[0]
        n_feat = data.shape[1]
        n_trees = starts.shape[0] - 1
        q_max = wq.shape[1]
        n_blocks = (n_rows + block - 1) // block
        for bi in prange(n_blocks):
            r0 = bi * block
            m = min(n_rows, r0 + block) - r0
            xb = np.empty((n_feat, block), dtype=np.float64)
            for r in range(m):
                for j in range(n_feat):
                    xb[j, r] = data[r0 + r, j]
            phib = np.zeros((n_feat, block), dtype=np.float64)
            dec = np.empty((max_nodes, block), dtype=np.bool_)
            o = np.empty((max_nodes, block), dtype=np.bool_)
            p = np.empty((max_nodes, q_max, block), dtype=np.float64)
            sub = np.empty((max_nodes, q_max, block), dtype=np.float64)
            acc = np.empty(block, dtype=np.float64)
            for t in range(n_trees):
                s = starts[t]
                e = starts[t + 1]
                if e - s <= 1:
                    continue
                q = q_tree[t]
                for i in range(s, e):
                    if is_leaf[i] == 0:
                        li = i - s
                        xf = xb[feat[i]]
                        for r in range(m):
                            dec[li, r] = _goes_left_value(
                                xf[r],
                                i,
                                thr,
                                is_cat,
                                missing,
                                default_left,
                                cat_start,
                                cat_len,
                                bits,
                            )
                for r in range(m):
                    o[0, r] = True
                for k in range(q):
                    for r in range(m):
                        p[0, k, r] = 1.0
                        sub[0, k, r] = 0.0
                for i in range(s + 1, e):
                    li = i - s
                    pi = parent[i] - s
                    pv = prev[i]
                    lp = pv - s
                    if is_left[i] == 1:
                        for r in range(m):
                            o[li, r] = dec[pi, r]
                    else:
                        for r in range(m):
                            o[li, r] = not dec[pi, r]
                    if pv >= 0:
                        for r in range(m):
                            o[li, r] = o[li, r] and o[lp, r]
                    for k in range(q):
                        f0 = fac0[i, k]
                        f1 = f0 + tq[t, k]
                        if pv >= 0:
                            g0 = inv0[pv, k]
                            g1 = inv1[pv, k]
                            for r in range(m):
                                p[li, k, r] = (
                                    p[pi, k, r]
                                    * (f1 if o[li, r] else f0)
                                    * (g1 if o[lp, r] else g0)
                                )
                        else:
                            for r in range(m):
                                p[li, k, r] = p[pi, k, r] * (f1 if o[li, r] else f0)
                        for r in range(m):
                            sub[li, k, r] = 0.0
                for i in range(e - 1, s, -1):
                    li = i - s
                    pv = prev[i]
                    lp = pv - s
                    for r in range(m):
                        acc[r] = 0.0
                    leaf = is_leaf[i] == 1
                    v = value[i]
                    a = left[i] - s
                    b = right[i] - s
                    for k in range(q):
                        g0 = inv0[i, k]
                        g1 = inv1[i, k]
                        wk = wq[t, k]
                        if leaf:
                            for r in range(m):
                                p[li, k, r] = v * p[li, k, r]
                        else:
                            for r in range(m):
                                p[li, k, r] = p[a, k, r] + p[b, k, r]
                        for r in range(m):
                            acc[r] += wk * (p[li, k, r] - sub[li, k, r]) * (g1 if o[li, r] else g0)
                        if pv >= 0:
                            for r in range(m):
                                sub[lp, k, r] += p[li, k, r]
                    pf = parent_feat[i]
                    zi = z[i]
                    for r in range(m):
                        phib[pf, r] += ((1.0 if o[li, r] else 0.0) - zi) * acc[r]
            for r in range(m):
                for j in range(n_feat):
                    out[r0 + r, j] = phib[j, r]

    @_jit(nogil=True, inline="always")
    def _goes_left_value(fval, i, thr, is_cat, missing, default_left, cat_start, cat_len, bits):
        if is_cat[i] == 0:
            if np.isnan(fval) and missing[i] != 2:
                fval = 0.0
            if (missing[i] == 1 and -_ZERO_THRESHOLD <= fval <= _ZERO_THRESHOLD) or (
                missing[i] == 2 and np.isnan(fval)
            ):
                return default_left[i] == 1
            return fval <= thr[i]
        if np.isnan(fval):
            return False
        code = int(fval)
        if code < 0:
            return False
        word = code // 32
        if word >= cat_len[i]:
            return False
        return (bits[cat_start[i] + word] >> np.uint32(code % 32)) & np.uint32(1) == 1

else:  # pragma: no cover

    def _shap_blocks(*args: object) -> None:
        raise Unsupported("numba is not installed")


def warm_up() -> bool:
    """Compile (or load from the on-disk cache) the kernel now; False when numba is missing."""
    if not HAVE_NUMBA:
        return False
    import lightgbm as lgb

    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=64), "b": rng.normal(size=64)})
    booster = lgb.train(
        {"verbose": -1, "num_leaves": 4, "min_data_in_leaf": 5, "num_threads": 1},
        lgb.Dataset(frame, frame["a"] + rng.normal(size=64)),
        2,
    )
    model = TreeShapModel(booster)
    model.shap_values(to_lightgbm_matrix(booster, frame), 1)
    return True


def main(argv: list[str] | None = None) -> int:
    """``python -m workbench.steps.shap_native --compile``: compile (or load) the kernel now."""
    import argparse
    import time

    parser = argparse.ArgumentParser(description="Compile the SHAP kernel ahead of first use.")
    parser.add_argument("--compile", action="store_true", help="compile and cache the kernel")
    args = parser.parse_args(argv)
    if not args.compile:
        parser.print_help()
        return 2
    started = time.perf_counter()
    if not warm_up():
        print("numba is not installed: SHAP uses LightGBM's pred_contrib (nothing to compile)")
        return 0
    # numba's dispatcher keeps its cache (and the folder it found writable) in ``_cache``.
    where = getattr(getattr(_shap_blocks, "_cache", None), "cache_path", None)
    print(f"SHAP kernel ready in {time.perf_counter() - started:.1f} s; cache: {where or 'none'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
