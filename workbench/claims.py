"""Claim records: every number a finding states, with the rows it rests on, so it can be
recomputed from the table.

A :class:`Claim` holds a value (a count, a share, a mean, a rate of a class, or a difference of
two of those), the rows it is computed on as a :class:`Selection` — a rule that can be applied
again to the table (all rows, the focus rows, a cause group's rows, rows meeting conditions,
or the held-out rows of a cross-fitted rule) — and, for a difference, the rows it is compared
with, its 95% interval and both counts. Sentences are built from claims and format their
numbers with :func:`format_value`, so a test can recompute every claim and find its text.

:func:`recompute` computes a claim again from a table; :func:`audit_claims` counts the claims
that still hold. Both need only the table (and, for a group's rows, the group labels).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import pandas as pd

ClaimKind = Literal["count", "share", "mean", "rate", "difference", "quantile"]
LEVEL = 0.95
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


@dataclass(frozen=True)
class Claim:
    """One number a sentence states, and how to compute it again.

    ``kind``: ``count`` (rows in ``rows``), ``share`` (rows in ``rows`` / rows in ``of``),
    ``quantile`` (the ``q`` quantile of ``column`` over ``rows``, linear interpolation),
    ``mean`` (the target's mean over ``rows``), ``rate`` (share of ``rows`` whose target is
    ``label``), ``difference`` (mean or rate of ``rows`` minus that of ``compare``, with a 95%
    ``interval``: Welch for means, Newcombe's hybrid score interval for rates). ``n`` counts the
    rows the value rests on (rows with a target for a mean or a rate), ``n_compare`` those of
    ``compare``. ``step`` is the display precision of a mean (None: :func:`format_value`
    chooses). ``estimate``: ``in_sample``, or ``cross_fitted`` (measured on rows not used to
    pick the conditions).
    """

    kind: ClaimKind
    value: float
    rows: Selection
    target: str | None = None
    label: str | None = None  # a rate: the class whose share it is
    of: Selection | None = None
    compare: Selection | None = None
    comparison: float | None = None
    interval: tuple[float, float] | None = None
    n: int = 0
    n_compare: int | None = None
    step: float | None = None
    estimate: str = "in_sample"
    name: str = ""  # what the number is in its finding ("group_size", "effect", ...)
    column: str | None = None  # a quantile: the column, and which quantile (0.1 = 10%)
    q: float | None = None

    @property
    def is_rate(self) -> bool:
        return self.label is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "value": _num(self.value),
            "rows": self.rows.to_dict(),
            "target": self.target,
            "label": self.label,
            "of": None if self.of is None else self.of.to_dict(),
            "compare": None if self.compare is None else self.compare.to_dict(),
            "comparison": _num(self.comparison),
            "interval": None if self.interval is None else [_num(v) for v in self.interval],
            "n": int(self.n),
            "n_compare": None if self.n_compare is None else int(self.n_compare),
            "step": self.step,
            "estimate": self.estimate,
            "column": self.column,
            "q": self.q,
        }

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> Claim:
        interval = doc.get("interval")
        return cls(
            kind=doc["kind"],
            value=_float(doc.get("value")),
            rows=Selection.from_dict(doc["rows"]),
            target=doc.get("target"),
            label=doc.get("label"),
            of=None if doc.get("of") is None else Selection.from_dict(doc["of"]),
            compare=None if doc.get("compare") is None else Selection.from_dict(doc["compare"]),
            comparison=None if doc.get("comparison") is None else _float(doc["comparison"]),
            interval=None if interval is None else (_float(interval[0]), _float(interval[1])),
            n=int(doc.get("n") or 0),
            n_compare=None if doc.get("n_compare") is None else int(doc["n_compare"]),
            step=doc.get("step"),
            estimate=str(doc.get("estimate", "in_sample")),
            name=str(doc.get("name", "")),
            column=doc.get("column"),
            q=None if doc.get("q") is None else float(doc["q"]),
        )


def _num(x: Any) -> float | None:
    if x is None:
        return None
    v = float(x)
    return v if math.isfinite(v) else None


def _float(x: Any) -> float:
    return float("nan") if x is None else float(x)


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


# ---------------------------------------------------------------------------------------------
# Rows


def label_text(value: Any) -> str:
    """A class label as text: 1.0 → "1" (a 0/1 column read as numbers)."""
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def outcome_values(target: pd.Series, label: str | None) -> pd.Series:
    """The per-row value a mean or rate is taken of: the target, or 1/0 for ``label`` (NaN
    where the target is missing)."""
    if label is None:
        return pd.to_numeric(target, errors="coerce").astype(float)
    text = target.map(lambda v: None if pd.isna(v) else label_text(v))
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


def fold_of(n: int, folds: int = FOLDS, seed: int = FOLD_SEED, max_rows: int = MAX_FIT_ROWS):
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


# ---------------------------------------------------------------------------------------------
# Numbers


def welch_interval(a: np.ndarray, b: np.ndarray, level: float = LEVEL) -> tuple[float, float]:
    """Welch's interval for mean(a) − mean(b)."""
    from scipy import stats

    diff = float(np.mean(a) - np.mean(b))
    if len(a) < 2 or len(b) < 2:
        return float("nan"), float("nan")
    va, vb = np.var(a, ddof=1) / len(a), np.var(b, ddof=1) / len(b)
    se = math.sqrt(va + vb)
    if se == 0:
        return diff, diff
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    half = float(stats.t.ppf(0.5 + level / 2, df)) * se
    return diff - half, diff + half


def wilson_interval(x: int, n: int, level: float = LEVEL) -> tuple[float, float]:
    """Wilson score interval of a proportion ``x / n``."""
    from scipy import stats

    z = float(stats.norm.ppf(0.5 + level / 2))
    p = x / n
    denom = 1 + z * z / n
    center = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, center - half), min(1.0, center + half)


def rate_interval(x1: int, n1: int, x0: int, n0: int) -> tuple[float, float]:
    """Newcombe's hybrid score interval for x1/n1 − x0/n0 (method 10, 1998)."""
    if n1 < 1 or n0 < 1:
        return float("nan"), float("nan")
    p1, p0 = x1 / n1, x0 / n0
    l1, u1 = wilson_interval(x1, n1)
    l0, u0 = wilson_interval(x0, n0)
    d = p1 - p0
    return d - math.sqrt((p1 - l1) ** 2 + (u0 - p0) ** 2), d + math.sqrt(
        (u1 - p1) ** 2 + (p0 - l0) ** 2
    )


def measure(
    kind: ClaimKind,
    rows: Selection,
    frame: pd.DataFrame,
    *,
    target: str | None = None,
    label: str | None = None,
    of: Selection | None = None,
    compare: Selection | None = None,
    groups: pd.Series | None = None,
    step: float | None = None,
    estimate: str = "in_sample",
    name: str = "",
    column: str | None = None,
    q: float | None = None,
) -> Claim:
    """Compute a claim of ``kind`` over ``rows`` of ``frame`` (the one way numbers are made)."""
    mask = rows_mask(rows, frame, groups)
    if kind == "quantile":
        x = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)[mask]
        x = x[np.isfinite(x)]
        value = float(np.quantile(x, q)) if x.size else float("nan")
        return Claim(kind, value, rows, n=int(x.size), name=name, column=column, q=q, step=step)
    if kind == "count":
        n = int(mask.sum())
        return Claim(kind, float(n), rows, n=n, name=name, estimate=estimate)
    if kind == "share":
        assert of is not None
        base = rows_mask(of, frame, groups)
        n_of = int(base.sum())
        n = int((mask & base).sum())
        value = n / n_of if n_of else float("nan")
        return Claim(kind, value, rows, of=of, n=n, n_compare=n_of, name=name, estimate=estimate)
    assert target is not None
    y = outcome_values(frame[target], label).to_numpy(dtype=float)
    known = ~np.isnan(y)
    a = y[mask & known]
    if kind in ("mean", "rate"):
        value = float(a.mean()) if a.size else float("nan")
        return Claim(
            kind,
            value,
            rows,
            target=target,
            label=label,
            n=int(a.size),
            step=step,
            estimate=estimate,
            name=name,
        )
    assert compare is not None
    b = y[rows_mask(compare, frame, groups) & known]
    ma = float(a.mean()) if a.size else float("nan")
    mb = float(b.mean()) if b.size else float("nan")
    if label is not None:
        interval = rate_interval(int(a.sum()), a.size, int(b.sum()), b.size)
    else:
        interval = welch_interval(a, b) if a.size and b.size else (float("nan"), float("nan"))
    return Claim(
        "difference",
        ma - mb,
        rows,
        target=target,
        label=label,
        compare=compare,
        comparison=mb,
        interval=interval,
        n=int(a.size),
        n_compare=int(b.size),
        step=step,
        estimate=estimate,
        name=name,
    )


def recompute(claim: Claim, frame: pd.DataFrame, groups: pd.Series | None = None) -> Claim:
    """The claim computed again from ``frame`` with its own rules."""
    again = measure(
        claim.kind,
        claim.rows,
        frame,
        target=claim.target,
        label=claim.label,
        of=claim.of,
        compare=claim.compare,
        groups=groups,
        step=claim.step,
        estimate=claim.estimate,
        name=claim.name,
        column=claim.column,
        q=claim.q,
    )
    return again


def claim_texts(claim: Claim) -> list[str]:
    """The texts a sentence shows for this claim: its value, and for a difference the two
    means (or rates), the interval's ends and the two counts."""
    if claim.kind == "count":
        return [format_value("count", claim.value)]
    if claim.kind == "share":
        return [format_value("share", claim.value)]
    if claim.kind in ("mean", "rate"):
        return [format_value(claim.kind, claim.value, claim.step)]
    if claim.kind == "quantile":
        return [format_value("mean", claim.value, claim.step)]
    side = "rate" if claim.is_rate else "mean"
    lo, hi = claim.interval or (float("nan"), float("nan"))
    texts = [
        format_value(side, claim.value + (claim.comparison or 0.0), claim.step),
        format_value(side, claim.comparison, claim.step),
        format_value("difference", claim.value, claim.step, rate=claim.is_rate),
        format_value("difference", lo, claim.step, rate=claim.is_rate),
        format_value("difference", hi, claim.step, rate=claim.is_rate),
        format_value("count", claim.n),
    ]
    if claim.n_compare is not None:
        texts.append(format_value("count", claim.n_compare))
    return texts


def _same(a: Claim, b: Claim) -> bool:
    """Two claims agree when every text they show is the same and their counts match."""
    return claim_texts(a) == claim_texts(b) and a.n == b.n and a.n_compare == b.n_compare


def audit_claims(
    table: pd.DataFrame, claims: Sequence[Claim], groups: pd.Series | None = None
) -> tuple[int, int]:
    """(claims audited, claims wrong): each claim recomputed from ``table`` with its own rule.

    ``groups`` maps focus row labels to their cause group (``CauseGroups.labels``); it is
    needed only for claims about a group's rows. A claim is wrong when a number it shows
    reads differently once recomputed, or when its rows cannot be found again.
    """
    wrong = 0
    for claim in claims:
        try:
            again = recompute(claim, table, groups)
        except (KeyError, ValueError, TypeError):
            wrong += 1
            continue
        if not _same(claim, again):
            wrong += 1
    return len(claims), wrong


def wrong_claims(
    table: pd.DataFrame, claims: Sequence[Claim], groups: pd.Series | None = None
) -> list[tuple[Claim, Claim | None]]:
    """The claims that do not hold, each with its recomputed version (None: not computable)."""
    out: list[tuple[Claim, Claim | None]] = []
    for claim in claims:
        try:
            again = recompute(claim, table, groups)
        except (KeyError, ValueError, TypeError):
            out.append((claim, None))
            continue
        if not _same(claim, again):
            out.append((claim, again))
    return out


# ---------------------------------------------------------------------------------------------
# Display


def mean_step(*values: float) -> float | None:
    """A display step that shows a mean with about four significant digits, and enough
    decimals that two different means never print the same."""
    finite = [abs(v) for v in values if v is not None and math.isfinite(v)]
    if not finite:
        return None
    big = max(finite)
    step = 10.0 ** (math.floor(math.log10(big)) - 3) if big > 0 else 0.01
    pairs = [v for v in values if v is not None and math.isfinite(v)]
    if len(pairs) >= 2:
        diff = abs(pairs[0] - pairs[1])
        if diff > 0:
            step = min(step, 10.0 ** (math.floor(math.log10(diff)) - 1))
    return max(min(step, 1.0), 1e-6)


def format_value(kind: str, value: Any, step: float | None = None, *, rate: bool = False) -> str:
    """A claim's number as sentences and tables show it.

    ``count``: 1,234; ``share``/``rate``: a percentage (one decimal under 10%, "<0.1%" for a
    tiny non-zero share); ``mean``: ``step`` decimals; ``difference``: signed, in points for
    rates ("+12.3 pts" → "+12.3") and in the target's unit for means.
    """
    if value is None or not math.isfinite(float(value)):
        return "—"
    x = float(value)
    if kind == "count":
        return f"{round(x):,}"
    if kind in ("share", "rate"):
        return _pct(x)
    if kind == "difference" and rate:
        pts = x * 100
        text = f"{abs(pts):.1f}" if abs(pts) < 10 else f"{abs(pts):.0f}"
        return _sign(pts, text)
    decimals = _decimals(step, x)
    text = f"{abs(x):,.{decimals}f}" if kind == "difference" else f"{x:,.{decimals}f}"
    return _sign(x, text) if kind == "difference" else text


def _pct(share: float) -> str:
    pct = share * 100
    if 0 < pct < 0.1:
        return "<0.1%"
    if pct < 10 and pct != 0 and round(pct, 1) != round(pct):
        return f"{pct:.1f}%"
    return f"{pct:.0f}%"


def _sign(x: float, text: str) -> str:
    if float(text.replace(",", "")) == 0:
        return text
    return ("+" if x > 0 else "−") + text


def _decimals(step: float | None, x: float) -> int:
    if step is None:
        step = mean_step(x) or 0.01
    return max(0, min(6, -math.floor(math.log10(step) + 1e-9)))


def with_step(claim: Claim, step: float | None) -> Claim:
    """The claim shown with another display precision."""
    return replace(claim, step=step)


@dataclass
class ClaimSet:
    """The claims behind one finding, by name (what the sentence calls them)."""

    items: dict[str, Claim] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Claim:
        return self.items[name]

    def get(self, name: str) -> Claim | None:
        return self.items.get(name)

    def add(self, claim: Claim) -> Claim:
        self.items[claim.name] = claim
        return claim

    def values(self) -> list[Claim]:
        return list(self.items.values())

    def to_dict(self) -> dict[str, Any]:
        return {k: c.to_dict() for k, c in self.items.items()}

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any] | None) -> ClaimSet:
        return cls({str(k): Claim.from_dict(v) for k, v in (doc or {}).items()})


# ---------------------------------------------------------------------------------------------
# One analysis


def analysis_claims(result: Any, actions: Iterable[Any] = ()) -> list[Claim]:
    """Every claim an analysis (``AnalysisResult``) states: its cause groups' claims, and the
    expected effects of ``actions`` (``Action`` objects or their dicts) made from them."""
    claims: list[Claim] = []
    causes = getattr(result, "causes", None)
    for group in getattr(causes, "groups", None) or []:
        claims.extend(group.claims.values())
    for action in actions:
        doc = action if isinstance(action, Mapping) else action.to_dict()
        if isinstance(doc.get("expected_effect"), Mapping):
            claims.append(Claim.from_dict(doc["expected_effect"]))
    return claims


def audit_result(result: Any, actions: Iterable[Any] = ()) -> tuple[int, int]:
    """(claims audited, claims wrong) for one analysed dataset — what the truth bench shows.

    Recomputes every claim of :func:`analysis_claims` from ``result.frame`` (the table the
    model saw) with the group labels of ``result.causes``.
    """
    causes = getattr(result, "causes", None)
    labels = None if causes is None else causes.labels
    return audit_claims(result.frame, analysis_claims(result, actions), labels)
