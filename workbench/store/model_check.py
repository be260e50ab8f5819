"""Check a LightGBM model text before LightGBM reads it: a lying model must not crash the app.

LightGBM's text parser trusts what it reads. Tree sizes it uses as offsets, child indexes, split
features and category bitsets out of range, or a huge leaf count make it read or write outside
its buffers or abort on an allocation — a native crash (SIGSEGV/SIGABRT) that no ``except``
catches, closing the window with unsaved work. Project files are e-mailed between colleagues, so
the model text is untrusted: :func:`check_model_text` parses the whole format (header, every
``Tree=`` block, the arrays and their lengths, indexes and ranges, that every tree is one proper
binary tree) and raises :class:`ModelTextError` on anything LightGBM itself would not write.

Only what the text declares is trusted after it has been checked against what it holds; the
numbers are parsed with NumPy so a 1,000-tree model is checked in a fraction of a second.
"""

from __future__ import annotations

import math

import numpy as np

MAX_TREES = 100_000
MAX_LEAVES = 131_072  # LightGBM caps num_leaves at 131072
MAX_FEATURES = 1_000_000
MAX_CLASSES = 10_000
MAX_CAT_WORDS = 1 << 20  # uint32 words of category bitsets in one tree (32 M categories)
_INTERNAL_STATS = ("internal_value", "internal_weight", "internal_count")
_KNOWN_VERSIONS = {"v2", "v3", "v4"}


class ModelTextError(ValueError):
    """The model text is not one LightGBM wrote (the message says which part)."""


def _int(value: str | None, what: str, low: int, high: int) -> int:
    if value is None:
        raise ModelTextError(f"{what} is missing")
    try:
        number = int(value.strip())
    except ValueError:
        raise ModelTextError(f"{what} is not a whole number") from None
    if not low <= number <= high:
        raise ModelTextError(f"{what} is out of range")
    return number


def _ints(value: str | None, what: str, count: int) -> np.ndarray:
    if count == 0:
        if value is not None and value.strip():
            raise ModelTextError(f"{what} has the wrong length")
        return np.zeros(0, dtype=np.int64)
    parts = (value or "").split()
    if len(parts) != count:
        raise ModelTextError(f"{what} has the wrong length")
    try:
        out = np.array(parts, dtype=np.int64)  # parsed in C; "1.5", "x", 2**70 all raise
    except (ValueError, OverflowError):
        raise ModelTextError(f"{what} holds something that is not a whole number") from None
    return out


def _floats(value: str | None, what: str, count: int, *, finite: bool) -> np.ndarray:
    parts = (value or "").split()
    if len(parts) != count:
        raise ModelTextError(f"{what} has the wrong length")
    if count == 0:
        return np.zeros(0)
    try:
        out = np.array(parts, dtype=np.float64)
    except (ValueError, OverflowError):
        raise ModelTextError(f"{what} holds something that is not a number") from None
    if finite and not np.isfinite(out).all():
        raise ModelTextError(f"{what} holds a value that is not finite")
    return out


def _fields(block: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for line in block.split("\n"):
        if not line.strip():
            continue
        key, sep, value = line.partition("=")
        if not sep:
            raise ModelTextError("a line of a tree is not key=value")
        if key in fields:
            raise ModelTextError(f"{key} appears twice in a tree")
        fields[key] = value
    return fields


def _check_tree(block: str, index: int, n_features: int) -> None:
    where = f"tree {index}"
    fields = _fields(block)
    if fields.get("Tree") != str(index):
        raise ModelTextError(f"{where} is out of order")
    n = _int(fields.get("num_leaves"), f"{where}: num_leaves", 1, MAX_LEAVES)
    num_cat = _int(fields.get("num_cat"), f"{where}: num_cat", 0, max(n - 1, 0))
    if _int(fields.get("is_linear", "0"), f"{where}: is_linear", 0, 1):
        raise ModelTextError(f"{where} is a linear tree, which Workbench does not make")
    _floats(fields.get("leaf_value"), f"{where}: leaf_value", n, finite=True)
    # Statistics LightGBM may leave empty (a one-leaf tree); else one per leaf / inner node.
    for names, count in ((("leaf_weight", "leaf_count"), n), (_INTERNAL_STATS, n - 1)):
        for name in names:
            if (fields.get(name) or "").strip():
                _floats(fields[name], f"{where}: {name}", count, finite=False)
    _floats(fields.get("shrinkage", "1"), f"{where}: shrinkage", 1, finite=True)
    if n == 1:
        return
    m = n - 1  # internal nodes
    feature = _ints(fields.get("split_feature"), f"{where}: split_feature", m)
    if feature.min() < 0 or feature.max() >= n_features:
        raise ModelTextError(f"{where}: a split uses a feature the model does not have")
    _floats(fields.get("split_gain"), f"{where}: split_gain", m, finite=False)
    threshold = _floats(fields.get("threshold"), f"{where}: threshold", m, finite=False)
    decision = _ints(fields.get("decision_type"), f"{where}: decision_type", m)
    if decision.min() < 0 or decision.max() > 15 or ((decision >> 2) & 3).max() > 2:
        raise ModelTextError(f"{where}: decision_type is out of range")
    _check_children(fields, where, n)
    categorical = (decision & 1).astype(bool)
    if int(categorical.sum()) != num_cat:
        raise ModelTextError(f"{where}: num_cat does not match its category splits")
    if num_cat == 0:
        if (fields.get("cat_boundaries") or "").strip() not in ("", "0"):
            raise ModelTextError(f"{where}: category lists without category splits")
        return
    bounds = _ints(fields.get("cat_boundaries"), f"{where}: cat_boundaries", num_cat + 1)
    if bounds[0] != 0 or (np.diff(bounds) < 1).any() or bounds[-1] > MAX_CAT_WORDS:
        raise ModelTextError(f"{where}: cat_boundaries is out of order or too large")
    words = _ints(fields.get("cat_threshold"), f"{where}: cat_threshold", int(bounds[-1]))
    if words.min() < 0 or words.max() > 0xFFFFFFFF:
        raise ModelTextError(f"{where}: cat_threshold is out of range")
    cat_index = threshold[categorical]
    if not all(math.isfinite(t) and t == int(t) and 0 <= t < num_cat for t in cat_index):
        raise ModelTextError(f"{where}: a category split points outside its list")


def _check_children(fields: dict[str, str], where: str, n: int) -> None:
    """Every node is reached once from the root: one proper binary tree, no loops, no gaps."""
    m = n - 1
    left = _ints(fields.get("left_child"), f"{where}: left_child", m)
    right = _ints(fields.get("right_child"), f"{where}: right_child", m)
    children = np.concatenate([left, right])
    if children.min() < -n or children.max() >= m:
        raise ModelTextError(f"{where}: a child index is out of range")
    internal = children[children >= 0]
    leaves = ~children[children < 0]
    if (
        len(np.unique(internal)) != len(internal)
        or len(np.unique(leaves)) != n
        or len(leaves) != n
        or (internal == 0).any()
    ):
        raise ModelTextError(f"{where}: the nodes do not form one tree")
    seen = np.zeros(m, dtype=bool)
    stack = [0]
    while stack:
        node = stack.pop()
        if seen[node]:
            raise ModelTextError(f"{where}: the nodes do not form one tree")
        seen[node] = True
        stack.extend(int(c) for c in (left[node], right[node]) if c >= 0)
    if not seen.all():
        raise ModelTextError(f"{where}: the nodes do not form one tree")


def check_model_text(text: str, n_features: int | None = None) -> None:
    """Raise :class:`ModelTextError` unless ``text`` is a well-formed LightGBM model text.

    ``n_features``: the number of model columns the project says it has (checked when given).
    """
    if not text.isascii():
        raise ModelTextError("the model text holds characters LightGBM does not write")
    start = text.find("\nTree=")
    end = text.find("\nend of trees")
    if not text.startswith("tree\n") or start < 0 or end < start:
        raise ModelTextError("the model text does not have the expected parts")
    header: dict[str, str] = {}
    for line in text[:start].split("\n")[1:]:
        key, sep, value = line.partition("=")
        if line.strip() and sep:
            header[key] = value
    if header.get("version") not in _KNOWN_VERSIONS:
        raise ModelTextError("the model version is unknown")
    n_class = _int(header.get("num_class"), "num_class", 1, MAX_CLASSES)
    per_iter = _int(header.get("num_tree_per_iteration"), "num_tree_per_iteration", 1, n_class)
    max_idx = _int(header.get("max_feature_idx"), "max_feature_idx", 0, MAX_FEATURES - 1)
    _int(header.get("label_index", "0"), "label_index", 0, MAX_FEATURES)
    if n_features is not None and max_idx + 1 != n_features:
        raise ModelTextError("the model's number of inputs does not match the project")
    if len((header.get("feature_names") or "").split()) != max_idx + 1:
        raise ModelTextError("feature_names has the wrong length")
    if "feature_infos" in header and len(header["feature_infos"].split()) != max_idx + 1:
        raise ModelTextError("feature_infos has the wrong length")
    body = text[start + 1 : end + 1]
    blocks = body.split("Tree=")[1:]
    if not blocks or len(blocks) > MAX_TREES or len(blocks) % per_iter:
        raise ModelTextError("the number of trees does not fit the model")
    sizes = header.get("tree_sizes")
    if sizes is not None:
        declared = _ints(sizes, "tree_sizes", len(blocks))
        actual = np.array([len(b) + len("Tree=") for b in blocks], dtype=np.int64)
        if not np.array_equal(declared, actual):
            raise ModelTextError("tree_sizes does not match the trees")
    for i, block in enumerate(blocks):
        _check_tree("Tree=" + block, i, max_idx + 1)
