"""Leakage: columns that give the result away, in the three families seen on real data.

* **Near-copies** (``method`` ``correlation`` / ``groups``): a column that on its own predicts
  the target almost perfectly on rows it was not fitted on.
* **One-sided flags** (``method`` ``one_sided``): a flag, code or counter that rests at one
  state (0, empty, "none") in every row outside the focus and leaves it only in focus rows — a
  failure-mode sub-flag, a defect code filled only for defects, a rework counter — or a column
  that is empty only in focus rows (a measurement not taken on failed parts; ``mark`` "empty").
  On its own it explains part of the focus perfectly: P(focus | that state) = 1.
* **Families** (``family`` in the details, ``method`` ``together`` / ``sibling``): several such
  flags that jointly mark the focus rows (AI4I's TWF/HDF/PWF/OSF/RNF, whose OR is "Machine
  failure"). Each member gets its own alert naming the whole family. Flags too rare to count
  alone are members when they sit together in the table and their union passes the same test;
  a flag shaped like the members (same resting value, only their values, no more common than the
  rarest) sitting right beside one of them is a *sibling*: said to resemble them, with its own
  numbers, since on its own it need not predict the result (AI4I's RNF: 1 of its 19 rows fail).

Guards against coincidences: a one-sided flag must mark at least ``max(5, 1% of the focus
rows)`` rows, and its purity must be unlikely by chance given the focus's base rate (binomial
tail below ``ALPHA``). Both checks read seeded samples of at most ``SAMPLE_ROWS`` rows (the
one-sided one keeps every focus row of a large table), and the details say so.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from workbench.errors import WorkbenchError
from workbench.jobs import JobContext, ensure_context
from workbench.steps.goal import FocusRule, select_focus
from workbench.steps.leakage_flags import Flag, column_states, flag_findings, one_sided
from workbench.steps.profile import ColumnSummary
from workbench.steps.quality_checks import Finding
from workbench.steps.quality_target import (
    MIN_TARGET_VALUES,
    NOT_FEATURES,
    float_rows,
    is_classification,
    target_codes,
)
from workbench.steps.quality_wording import progress_message
from workbench.vocabulary import FocusKind

SAMPLE_ROWS = 60_000  # rows the leakage checks read (the near-copy check: half fits, half judges)
LEAK_SCORE = 0.97  # |correlation|, held-out R² or error reduction that counts as "explains all"
LEAK_BINS = 50
OTHER_CLASS_MAX_SHARE = 0.75  # a binary target's other class is checked up to this share
MAX_FOCUS_CLASSES = 5  # classes checked one by one when no focus is given (multiclass)
DEFAULT_SEGMENT = 0.05  # a numeric target without a focus: its top and bottom 5%

__all__ = ["SAMPLE_ROWS", "check_leakage"]


# ---- near-copies -----------------------------------------------------------------------------


def _feature_groups(
    s: ColumnSummary, col: pd.Series, rows: np.ndarray, half: int
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Group number per sampled row: quantile bins for numbers, labels for categories.

    Bin edges come from the fitting half (``rows[:half]``) only.
    """
    if s.codes is not None:
        return s.codes[rows].astype(np.int64) + 1, None
    x = float_rows(col, rows)
    known = x[:half][~np.isnan(x[:half])]
    if len(known) == 0:
        return None, None
    n_bins = int(min(LEAK_BINS, max(2, len(known) // 20)))
    edges = np.unique(np.quantile(known, np.linspace(0, 1, n_bins + 1)[1:-1]))
    groups = np.searchsorted(edges, x, side="right") + 1
    groups[np.isnan(x)] = 0
    return groups, x


def _heldout_r2(groups: np.ndarray, y: np.ndarray, half: int) -> float:
    """R² on ``[half:]`` of predicting each row by its group's mean on ``[:half]``."""
    k = int(groups.max()) + 1
    g_fit, y_fit, g_test, y_test = groups[:half], y[:half], groups[half:], y[half:]
    sums = np.bincount(g_fit, weights=y_fit, minlength=k)
    counts = np.bincount(g_fit, minlength=k)
    means = np.where(counts > 0, sums / np.maximum(counts, 1), y_fit.mean())
    sst = np.sum((y_test - y_test.mean()) ** 2)
    if sst <= 0:
        return 0.0
    return float(1 - np.sum((y_test - means[g_test]) ** 2) / sst)


def _heldout_accuracy(groups: np.ndarray, y: np.ndarray, half: int) -> tuple[float, float]:
    """Accuracy on ``[half:]`` of each group's majority class on ``[:half]``, and the
    accuracy of always answering the overall majority class."""
    k, n_cls = int(groups.max()) + 1, int(y.max()) + 1
    cells = groups[:half] * n_cls + y[:half]
    table = np.bincount(cells, minlength=k * n_cls).reshape(k, n_cls)
    overall = int(np.argmax(table.sum(axis=0)))
    majority = np.where(table.sum(axis=1) > 0, np.argmax(table, axis=1), overall)
    accuracy = float(np.mean(majority[groups[half:]] == y[half:]))
    baseline = float(np.mean(y[half:] == overall))
    return accuracy, baseline


def _near_copy(
    s: ColumnSummary, col: pd.Series, rows: np.ndarray, y: np.ndarray, classify: bool
) -> dict[str, Any] | None:
    """The near-copy numbers of one column, or None when it is not one."""
    half = len(rows) // 2
    groups, x = _feature_groups(s, col, rows, half)
    if groups is None:
        return None
    details: dict[str, Any] = {"sample_rows": len(rows)}
    if classify:
        acc, base = _heldout_accuracy(groups, y.astype(np.int64), half)
        leak = acc >= LEAK_SCORE and (1 - acc) <= 0.1 * (1 - base)
        details.update(method="groups", accuracy=round(acc, 4), baseline=round(base, 4))
    else:
        r2 = _heldout_r2(groups, y, half)
        details.update(method="groups", r2=round(r2, 4))
        leak = r2 >= LEAK_SCORE
        if x is not None:
            both = ~np.isnan(x)
            if both.sum() > 2 and np.std(x[both]) > 0 and np.std(y[both]) > 0:
                corr = float(np.corrcoef(x[both], y[both])[0, 1])
                details["correlation"] = round(corr, 4)
                if abs(corr) >= LEAK_SCORE:
                    leak, details["method"] = True, "correlation"
    return details if leak else None


# ---- which rows are the focus ------------------------------------------------------------------


def _class_labels(ts: ColumnSummary) -> list[str]:
    """The text of each class code of a class target (as :func:`target_codes` numbers them)."""
    if ts.codes is not None and ts.levels is not None:
        return [_label(ts.levels[i]) for i in range(len(ts.levels))]
    classes = np.unique(ts.sorted_values) if ts.sorted_values is not None else np.empty(0)
    return [_label(v) for v in classes.tolist()]


def _focus_masks(
    ts: ColumnSummary, y: np.ndarray, classify: bool, focus: FocusRule | None
) -> list[tuple[FocusRule, np.ndarray]]:
    """The focus rules to check and their masks over the rows with a target (``y``: class
    codes or values of those rows).

    With no usable rule: a class target's rarer class (multiclass: every class but the most
    common, rarest first, at most ``MAX_FOCUS_CLASSES``); a numeric target's top and bottom 5%.
    Class labels match as in :func:`select_focus` ("1" matches 1 and 1.0; case and spaces are
    ignored when that is unambiguous).
    """
    if classify:
        labels = _class_labels(ts)
        codes = y.astype(np.int64)
        if focus is not None and focus.kind == "class":
            wanted = str(focus.value)
            hits = [i for i, label in enumerate(labels) if label == wanted]
            if not hits:
                folded = wanted.strip().casefold()
                hits = [i for i, label in enumerate(labels) if label.strip().casefold() == folded]
            if len(hits) != 1:
                return []
            masks = [(focus, codes == hits[0])]
            # Two classes of comparable size: a flag set only in the *other* class gives the
            # answer away just as well (Steel Plates' Bumps/Other flags). A rare focus is left
            # alone: "never in a failing row" is then often a real cause, not a giveaway.
            other = codes != hits[0]
            if len(labels) == 2 and other.any() and other.mean() <= OTHER_CLASS_MAX_SHARE:
                masks.append((FocusRule(FocusKind.CLASS, labels[1 - hits[0]]), other))
            return masks
        counts = np.bincount(codes, minlength=len(labels))
        present = [i for i in np.argsort(counts, kind="stable") if counts[i] > 0]
        chosen = present[: min(MAX_FOCUS_CLASSES, len(present) - 1)]
        return [(FocusRule(FocusKind.CLASS, labels[i]), codes == i) for i in chosen]
    rules = [focus] if focus is not None else []  # a class of a numeric target matches too
    if not rules:
        rules = [
            FocusRule(FocusKind.TOP, DEFAULT_SEGMENT),
            FocusRule(FocusKind.BOTTOM, DEFAULT_SEGMENT),
        ]
    series = pd.Series(y)
    out = []
    for rule in rules:
        mask = np.zeros(len(series), dtype=bool)
        try:
            mask[select_focus(series, rule).to_numpy()] = True  # positions: a fresh RangeIndex
        except WorkbenchError:  # no row of that class: nothing to judge against
            continue
        out.append((rule, mask))
    return out


def _flag_sample(known: np.ndarray, focus_any: np.ndarray) -> tuple[np.ndarray, str]:
    """Rows the one-sided check reads, in random order, and how they were chosen.

    Every row when there are at most ``SAMPLE_ROWS``; else every focus row (at most half the
    sample) and random other rows for the rest — a rare focus keeps enough rows to judge, and
    the base rate the chance test uses is the sample's own.
    """
    rng = np.random.default_rng(1)
    if len(known) <= SAMPLE_ROWS:
        return rng.permutation(known), "all"
    inside, outside = known[focus_any], known[~focus_any]
    if len(inside) > SAMPLE_ROWS // 2:
        inside = rng.choice(inside, SAMPLE_ROWS // 2, replace=False)
    rest = rng.choice(outside, min(len(outside), SAMPLE_ROWS - len(inside)), replace=False)
    return rng.permutation(np.concatenate([inside, rest])), "focus_kept"


def _label(value: Any) -> str:
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


# ---- the check ---------------------------------------------------------------------------------


def check_leakage(
    frame: pd.DataFrame,
    summaries: dict[str, ColumnSummary],
    target: str,
    exclude: set[str],
    focus: FocusRule | None = None,
    ctx: JobContext | None = None,
) -> list[Finding]:
    """Columns that give the target away: near-copies, one-sided flags and their families.

    ``focus`` is the goal's focus rule (without one: see :func:`_focus_masks`). One finding per
    column; a near-copy is said as such even when it is also a one-sided flag.
    """
    ctx = ensure_context(ctx)
    ts = summaries[target]
    classify = is_classification(ts)
    if classify:
        y_all = target_codes(ts, frame[target]).astype(np.float64)
        y_all[y_all < 0] = np.nan
    else:
        y_all = frame[target].to_numpy(dtype=np.float64, na_value=np.nan)
    known = np.flatnonzero(np.isfinite(y_all))
    if len(known) < 2 * MIN_TARGET_VALUES:
        return []
    # a random order: the first half fits each column's groups, the second half judges them
    rows = np.random.default_rng(0).permutation(known)[:SAMPLE_ROWS]
    y = y_all[rows]
    # the one-sided check reads its own sample: every focus row kept, when the table is large
    masks = _focus_masks(ts, y_all[known], classify, focus)
    focus_any = np.logical_or.reduce([m for _r, m in masks]) if masks else known < 0
    flag_rows, how = _flag_sample(known, focus_any)
    where = np.searchsorted(known, flag_rows)  # positions of the sample among the known rows
    focus_sets = [(rule, mask[where]) for rule, mask in masks]
    position = {name: i for i, name in enumerate(frame.columns)}
    target_position = position[target]
    copies: dict[str, dict[str, Any]] = {}
    flags: list[list[Flag]] = [[] for _ in focus_sets]
    judged = [
        (name, s)
        for name, s in summaries.items()
        if name != target
        and name not in exclude
        and s.kind not in NOT_FEATURES
        and s.profile.distinct >= 1
    ]
    for step, (name, s) in enumerate(judged):
        ctx.progress(step / max(len(judged), 1), progress_message(str(name)))
        col = frame[name]
        if s.profile.distinct >= 2:
            details = _near_copy(s, col, rows, y, classify)
            if details is not None:
                copies[name] = details
        if not focus_sets:
            continue
        states, label = column_states(s, col, flag_rows)
        for k, (_rule, mask) in enumerate(focus_sets):
            flag = one_sided(name, position[name], states, label, mask)
            if flag is not None:
                flags[k].append(flag)
    flagged: dict[str, dict[str, Any]] = {}
    for (rule, mask), candidates in zip(focus_sets, flags, strict=True):
        found = flag_findings(
            candidates, target, rule, mask, target_position, len(judged), len(frame)
        )
        for name, details in found.items():
            flagged.setdefault(name, {**details, "sample": how})
    findings = []
    for name in summaries:
        details = copies.get(name) or flagged.get(name)
        if details is None:
            continue
        fix = {"op": "drop_columns", "columns": [name]}
        findings.append(Finding("leakage", name, "warning", details, fix))
    return findings
