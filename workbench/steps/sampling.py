"""The training sample of a file larger than memory: when to take one, and which rows.

When: the table, loaded, would not fit. Its frame size is estimated from its first rows; the
analysis peaks at about :data:`PEAK_FACTOR` times the frame (measured at 1M x 50 in
docs/scale.md: 1,284 MB peak for a 361 MB frame); the budget is half of the memory available
now, or what the user or a test set (``--sample N``, ``--no-sample``, ``WORKBENCH_MEMORY_BUDGET``).

Which rows: every focus row of the whole file (found on the whole target column), plus a
stratified random sample of the other rows with a known target — by month of the time column
when there is one, else by the target's deciles (numbers) or classes. Each stratum gives rows in
proportion to its size (largest remainders), chosen uniformly within it with a fixed seed.

A top/bottom focus is a share of the rows (top 5%). In the sample the focus rows make a larger
share; the analysis of the sample uses the share that selects exactly the whole file's focus
rows there (:func:`sample_focus`), so every later step (claims included) sees the same rows.
That share is written as the user would (four decimals of a percent), so the number of other
rows is nudged by a few until it says the focus exactly (``workbench.big_analysis`` nudges again
after the clean-ups, which may drop duplicate rows); the statement counts the final rows.
"""

from __future__ import annotations

import math
import os
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from workbench.errors import AnalysisError, WorkbenchError
from workbench.steps.goal import FocusRule, parse_focus
from workbench.steps.sampling_wording import focus_too_rare

DEFAULT_SAMPLE_ROWS = 2_000_000
MIN_SAMPLE_ROWS = 10_000
PEAK_FACTOR = 4.0  # analysis peak / frame size (docs/scale.md: 1,284 MB for 361 MB at 1M x 50)
BUDGET_SHARE = 0.5  # of the memory available when the analysis starts
ENV_BUDGET = "WORKBENCH_MEMORY_BUDGET"  # bytes; set by tests and by users who know better
DECILES = 10


@dataclass(frozen=True)
class SampleChoice:
    """What the user asked: ``rows`` (``--sample N``), ``off`` (``--no-sample``), or neither
    (decide from the memory); ``budget`` in bytes overrides the memory available."""

    rows: int | None = None
    off: bool = False
    budget: int | None = None


def memory_budget(choice: SampleChoice) -> int:
    """Bytes the analysis may use: the choice's budget, else ``WORKBENCH_MEMORY_BUDGET``, else
    half of the memory available now."""
    if choice.budget is not None:
        return int(choice.budget)
    env = os.environ.get(ENV_BUDGET, "").strip()
    if env.isdigit():
        return int(env)
    import psutil

    return int(psutil.virtual_memory().available * BUDGET_SHARE)


def sample_rows(choice: SampleChoice, frame_bytes: int, rows_total: int) -> int | None:
    """How many rows to train on, or None to load the whole file.

    ``frame_bytes`` is the estimated size of the whole table as a frame.
    """
    if choice.off:
        return None
    if choice.rows is not None:
        return None if choice.rows >= rows_total else max(1, int(choice.rows))
    budget = memory_budget(choice)
    if frame_bytes * PEAK_FACTOR <= budget:
        return None
    per_row = frame_bytes / max(rows_total, 1)
    fits = int(budget / (PEAK_FACTOR * max(per_row, 1.0)))
    return max(MIN_SAMPLE_ROWS, min(DEFAULT_SAMPLE_ROWS, fits))


@dataclass(frozen=True)
class Strata:
    """One stratum code per row of the file (-1: rows not sampled, e.g. a missing target)."""

    kind: str  # "month" | "deciles" | "class"
    column: str
    codes: np.ndarray
    labels: list[str]


def month_strata(column: str, month_keys: np.ndarray, usable: np.ndarray) -> Strata:
    """Strata by calendar month; ``month_keys`` is year * 12 + month - 1 (-1 when missing)."""
    keys = np.where(usable, month_keys, -1)
    months = np.unique(keys[keys >= 0])
    codes = np.full(len(keys), -1, dtype=np.int32)
    codes[keys >= 0] = np.searchsorted(months, keys[keys >= 0])
    missing_time = usable & (keys < 0)
    labels = [f"{k // 12:04d}-{k % 12 + 1:02d}" for k in months]
    if missing_time.any():  # rows without a time are a stratum of their own
        codes[missing_time] = len(labels)
        labels.append("")
    return Strata("month", column, codes, labels)


def target_strata(target: pd.Series, by_class: bool) -> Strata:
    """Strata by class, or by the target's deciles over every row with a target."""
    usable = target.notna().to_numpy()
    codes = np.full(len(target), -1, dtype=np.int32)
    if by_class:
        found, levels = pd.factorize(target, sort=True)
        codes[usable] = found[usable]
        return Strata("class", str(target.name), codes, [str(v) for v in levels])
    values = target.to_numpy(dtype=float, na_value=np.nan)[usable]
    cuts = np.unique(np.quantile(values, np.linspace(0, 1, DECILES + 1)[1:-1]))
    codes[usable] = np.searchsorted(cuts, values, side="right")
    return Strata("deciles", str(target.name), codes, [str(i + 1) for i in range(len(cuts) + 1)])


def _allocate(sizes: np.ndarray, total: int) -> np.ndarray:
    """Split ``total`` over strata in proportion to ``sizes`` (largest remainders, capped)."""
    total = min(int(total), int(sizes.sum()))
    if total <= 0 or sizes.sum() == 0:
        return np.zeros(len(sizes), dtype=np.int64)
    exact = sizes * (total / sizes.sum())
    quota = np.minimum(np.floor(exact).astype(np.int64), sizes)
    left = total - int(quota.sum())
    order = np.argsort(-(exact - quota), kind="stable")
    for i in order:
        if left <= 0:
            break
        if quota[i] < sizes[i]:
            quota[i] += 1
            left -= 1
    return quota


def _share_selects(rule: FocusRule, focus: int, n: int) -> bool:
    """True when ``rule`` picks exactly ``focus`` rows of ``n`` (as select_focus counts)."""
    k = max(1, math.ceil(float(rule.value) * n - 1e-9))
    return min(k, n) == focus


def sample_focus(rule: FocusRule, focus: int, n: int) -> FocusRule | None:
    """The share rule that picks ``focus`` rows of ``n`` in the sample, or None if the share,
    written as the user would (four decimals of a percent), cannot say it exactly."""
    if rule.kind == "class":
        return rule
    try:
        candidate = parse_focus(f"{rule.kind}:{100.0 * focus / n:.4f}%")
    except WorkbenchError:  # rounds to 0%: too small a share to write down
        return None
    return candidate if _share_selects(candidate, focus, n) else None


@dataclass
class SamplePlan:
    """Which rows the sample holds, and the claim record of the sentence that states it."""

    positions: np.ndarray  # sorted row positions in the file
    statement: SampleStatement
    focus_rule: FocusRule  # the rule that selects the file's focus rows within the sample


@dataclass
class SampleStatement:
    """The numbers of "trained on 2,000,000 of 31,536,000 rows, stratified by month"."""

    rows_total: int
    rows_sampled: int
    focus_rows: int
    focus: str  # the user's focus rule, e.g. "top:5%"
    target: str
    strata_kind: str  # "month" | "deciles" | "class"
    strata_column: str
    strata: list[dict[str, Any]] = field(default_factory=list)  # label, rows, sampled
    rows_without_target: int = 0  # never sampled: the model cannot learn from them
    seed: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SampleStatement:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


def plan_sample(
    strata: Strata,
    focus_positions: np.ndarray,
    size: int,
    rule: FocusRule,
    target: str,
    seed: int = 0,
) -> SamplePlan:
    """All focus rows, plus ``size`` minus their number of the other rows, by stratum.

    The number of other rows is nudged up (by a few rows at most) until a share written as the
    user would picks exactly the focus rows in the sample (see :func:`sample_focus`).
    """
    usable = strata.codes >= 0
    is_focus = np.zeros(len(strata.codes), dtype=bool)
    is_focus[focus_positions] = True
    other = usable & ~is_focus
    n_other = int(other.sum())
    n_focus = int(is_focus.sum())
    wanted = min(n_other, max(size - n_focus, min(size // 2, n_other)))
    sample_rule = rule
    if wanted < n_other and rule.kind != "class":
        found = None
        for extra in range(0, min(20_000, n_other - wanted + 1)):
            found = sample_focus(rule, n_focus, n_focus + wanted + extra)
            if found is not None:
                wanted += extra
                break
        if found is None:  # fewer than ~1 focus row per million sampled rows
            raise AnalysisError(*focus_too_rare(n_focus, n_focus + wanted))
        sample_rule = found
    rng = np.random.default_rng(seed)
    n_strata = len(strata.labels)
    other_codes = strata.codes[other]
    sizes = np.bincount(other_codes, minlength=n_strata)
    quota = _allocate(sizes, wanted)
    other_positions = np.flatnonzero(other)
    order = np.argsort(other_codes, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(sizes)])
    chosen = [np.flatnonzero(is_focus)]
    for s in range(n_strata):
        members = other_positions[order[bounds[s] : bounds[s + 1]]]
        if quota[s]:
            chosen.append(rng.choice(members, size=int(quota[s]), replace=False))
    positions = np.sort(np.concatenate(chosen))
    statement = state_sample(strata, positions, is_focus, rule, target, seed)
    return SamplePlan(positions, statement, sample_rule)


def state_sample(
    strata: Strata,
    positions: np.ndarray,
    is_focus: np.ndarray,
    rule: FocusRule,
    target: str,
    seed: int = 0,
) -> SampleStatement:
    """The claim record of the sample at ``positions``, counted from the rows themselves."""
    n_strata = len(strata.labels)
    usable = strata.codes >= 0
    in_file = np.bincount(strata.codes[usable], minlength=n_strata)
    codes = strata.codes[positions]
    in_sample = np.bincount(codes[codes >= 0], minlength=n_strata)
    table = [
        {"label": strata.labels[s], "rows": int(in_file[s]), "sampled": int(in_sample[s])}
        for s in range(n_strata)
    ]
    return SampleStatement(
        rows_total=len(strata.codes),
        rows_sampled=len(positions),
        focus_rows=int(is_focus.sum()),
        focus=rule.to_text(),
        target=target,
        strata_kind=strata.kind,
        strata_column=strata.column,
        strata=table,
        rows_without_target=int((~usable & ~is_focus).sum()),
        seed=seed,
    )
