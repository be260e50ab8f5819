"""Which rows a claim rests on: :class:`Selection`, a rule that can be applied again to the
table, and the one definition of a condition ("below 17", "is S2 or S3") that descriptions,
actions and the claims audit share."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from workbench.numbers_format import format_label

#: Cross-fitting: the table is split into this many folds (a seeded shuffle of row positions).
FOLDS = 5
FOLD_SEED = 0
#: Above this many rows, the cross-fitted rules are measured on a seeded sample of rows.
MAX_FIT_ROWS = 200_000


@dataclass(frozen=True)
class Selection:
    """Which rows of the table a number is computed on — a rule, not a list of rows.

    ``base``: ``all`` rows, the ``focus`` rows of ``focus`` (a focus rule such as ``top:5%``)
    on ``target``, the rows of cause ``group``, or the rows ``not_group``. Then, when
    ``conditions`` are given, only the rows that meet all of them (``meets=False``: the rows
    that do not). ``cross_fit`` instead holds one rule per fold (conditions found without that
    fold's rows): the rows are the held-out rows that meet (or, ``meets=False``, do not meet)
    their own fold's rule.
    """

    base: str = "all"  # "all" | "focus" | "group" | "not_group"
    group: int | None = None
    focus: str | None = None
    target: str | None = None
    conditions: tuple[Mapping[str, Any], ...] = ()
    meets: bool = True
    cross_fit: Mapping[str, Any] | None = None  # {"folds", "seed", "max_rows", "rules"}

    def to_dict(self) -> dict[str, Any]:
        return {
            "base": self.base,
            "group": self.group,
            "focus": self.focus,
            "target": self.target,
            "conditions": [dict(c) for c in self.conditions],
            "meets": self.meets,
            "cross_fit": None if self.cross_fit is None else _plain(self.cross_fit),
        }

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> Selection:
        return cls(
            base=str(doc.get("base", "all")),
            group=None if doc.get("group") is None else int(doc["group"]),
            focus=doc.get("focus"),
            target=doc.get("target"),
            conditions=tuple(dict(c) for c in doc.get("conditions") or ()),
            meets=bool(doc.get("meets", True)),
            cross_fit=None if doc.get("cross_fit") is None else dict(doc["cross_fit"]),
        )


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def outcome_values(target: pd.Series, label: str | None) -> pd.Series:
    """The per-row value a mean or rate is taken of: the target, or 1/0 for ``label`` (NaN
    where the target is missing)."""
    if label is None:
        return pd.to_numeric(target, errors="coerce").astype(float)
    text = target.map(lambda v: None if pd.isna(v) else format_label(v))
    return (text == label).astype(float).where(target.notna())


def condition_matches(
    values: pd.Series,
    kind: str,
    low: float | None = None,
    high: float | None = None,
    levels: Sequence[str] = (),
) -> pd.Series:
    """Which of ``values`` meet one condition: ``below high``, ``above low``, ``between low
    and high`` (inclusive), ``in levels``, or ``missing`` (only then does a missing value meet
    it). The one definition the descriptions, the actions and the audit share."""
    if kind == "missing":
        return values.isna()
    if kind == "in":
        if isinstance(values.dtype, pd.CategoricalDtype):
            # Judge each category once (a million rows as text took ~60 ms per condition).
            names = np.array([str(c) for c in values.cat.categories], dtype=object)
            hit = np.append(np.isin(names, list(levels)), False)  # code -1 (missing): no
            return pd.Series(hit[values.cat.codes.to_numpy()], index=values.index)
        return values.astype("string").isin(list(levels)).fillna(False).astype(bool)
    x = pd.to_numeric(values, errors="coerce")
    if kind == "below":
        return (x < high).fillna(False)
    if kind == "above":
        return (x > low).fillna(False)
    if low is None or high is None:  # a range needs both ends (a damaged claim record)
        raise TypeError(f"a {kind!r} condition needs low and high")
    return x.between(low, high).fillna(False)


def condition_mask(frame: pd.DataFrame, conditions: Iterable[Mapping[str, Any]]) -> np.ndarray:
    """Rows of ``frame`` that meet every condition (column, kind, low, high, levels)."""
    mask = np.ones(len(frame), dtype=bool)
    for c in conditions:
        column = str(c["column"])
        if column not in frame.columns:
            return np.zeros(len(frame), dtype=bool)
        hit = condition_matches(
            frame[column],
            str(c["kind"]),
            c.get("low"),
            c.get("high"),
            [str(v) for v in c.get("levels") or []],
        )
        mask &= hit.to_numpy(dtype=bool)
    return mask


def fold_of(
    n: int, folds: int = FOLDS, seed: int = FOLD_SEED, max_rows: int = MAX_FIT_ROWS
) -> np.ndarray:
    """Each row position's fold (0..folds-1), or -1 for a row left out of the sample of a
    table longer than ``max_rows``. Seeded: the same table always splits the same way."""
    rng = np.random.default_rng(seed)
    out = np.full(n, -1, dtype=np.int64)
    positions = np.arange(n)
    if n > max_rows:
        positions = np.sort(rng.choice(n, size=max_rows, replace=False))
    order = rng.permutation(positions.size)
    out[positions[order]] = np.arange(positions.size) % folds
    return out


def rows_mask(
    selection: Selection, frame: pd.DataFrame, groups: pd.Series | None = None
) -> np.ndarray:
    """The rows of ``frame`` that ``selection`` names, as a boolean array."""
    n = len(frame)
    if selection.base == "all":
        mask = np.ones(n, dtype=bool)
    elif selection.base == "focus":
        from workbench.steps.goal import parse_focus, select_focus

        rows = select_focus(frame[selection.target], parse_focus(str(selection.focus)))
        mask = _label_mask(frame.index, rows)
    elif selection.base in ("group", "not_group"):
        if groups is None:
            raise ValueError("a group's rows need the group labels")
        members = groups.index[groups.to_numpy() == int(selection.group or 0)]
        mask = _label_mask(frame.index, members)
        if selection.base == "not_group":
            mask = ~mask
    else:
        raise ValueError(f"unknown rows {selection.base!r}")
    if selection.conditions:
        meets = condition_mask(frame, selection.conditions)
        mask = mask & (meets if selection.meets else ~meets)
    if selection.cross_fit is not None:
        mask = mask & _cross_fit_mask(selection.cross_fit, frame, selection.meets)
    return np.asarray(mask, dtype=bool)


def _label_mask(index: pd.Index, labels: pd.Index) -> np.ndarray:
    """Which rows of ``index`` have one of ``labels`` (positions, not a hash of every row)."""
    if not index.is_unique:
        return np.asarray(index.isin(labels), dtype=bool)
    pos = index.get_indexer(labels)
    mask = np.zeros(len(index), dtype=bool)
    mask[pos[pos >= 0]] = True
    return mask


def _cross_fit_mask(spec: Mapping[str, Any], frame: pd.DataFrame, meets: bool) -> np.ndarray:
    folds = fold_of(len(frame), int(spec["folds"]), int(spec["seed"]), int(spec["max_rows"]))
    out = np.zeros(len(frame), dtype=bool)
    for k, rule in enumerate(spec["rules"]):
        held = folds == k
        if not rule:  # no rule was found without this fold: its rows are not measured
            continue
        hit = condition_mask(frame, rule)
        out |= held & (hit if meets else ~hit)
    return out
