"""Claim records: every number a finding states, with the rows it rests on, so it can be
recomputed from the table.

A :class:`Claim` holds a value (a count, a share, a mean, a rate of a class, or a difference of
two of those), the rows it is computed on as a :class:`~workbench.claim_rows.Selection` — a
rule that can be applied
again to the table (all rows, the focus rows, a cause group's rows, rows meeting conditions,
or the held-out rows of a cross-fitted rule) — and, for a difference, the rows it is compared
with, its 95% interval and both counts. Sentences are built from claims and format their
numbers with :func:`workbench.claim_format.format_value`, so a test can recompute every claim
and find its text.

:func:`recompute` computes a claim again from a table; :func:`audit_claims` counts the claims
that still hold. Both need only the table (and, for a group's rows, the group labels).
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from workbench.claim_format import claim_texts
from workbench.claim_rows import Selection, outcome_values, rows_mask
from workbench.intervals import newcombe_interval, welch_interval

ClaimKind = Literal["count", "share", "mean", "rate", "difference", "quantile", "stability"]
NOT_IN_RUN = -2  # a rerun table's mark for a row that rerun did not see


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
    pick the conditions). ``stability``: how often a cause group reappears when the grouping
    is redone (:func:`rerun_stability`, on the rerun table of ``CauseGroups.reruns``); ``n``
    counts the group's rows the reruns saw, ``n_compare`` the reruns, ``estimate`` says on what
    they were redone (``models``: other fits of the model; ``resamples``: resampled rows).
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
            "value": finite_or_none(self.value),
            "rows": self.rows.to_dict(),
            "target": self.target,
            "label": self.label,
            "of": None if self.of is None else self.of.to_dict(),
            "compare": None if self.compare is None else self.compare.to_dict(),
            "comparison": finite_or_none(self.comparison),
            "interval": None
            if self.interval is None
            else [finite_or_none(v) for v in self.interval],
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
            value=float_or_nan(doc.get("value")),
            rows=Selection.from_dict(doc["rows"]),
            target=doc.get("target"),
            label=doc.get("label"),
            of=None if doc.get("of") is None else Selection.from_dict(doc["of"]),
            compare=None if doc.get("compare") is None else Selection.from_dict(doc["compare"]),
            comparison=None if doc.get("comparison") is None else float_or_nan(doc["comparison"]),
            interval=None
            if interval is None
            else (float_or_nan(interval[0]), float_or_nan(interval[1])),
            n=int(doc.get("n") or 0),
            n_compare=None if doc.get("n_compare") is None else int(doc["n_compare"]),
            step=doc.get("step"),
            estimate=str(doc.get("estimate", "in_sample")),
            name=str(doc.get("name", "")),
            column=doc.get("column"),
            q=None if doc.get("q") is None else float(doc["q"]),
        )


def finite_or_none(x: Any) -> float | None:
    """A saved number back as a float, None when it was missing or not finite."""
    if x is None:
        return None
    v = float(x)
    return v if math.isfinite(v) else None


def float_or_nan(x: Any) -> float:
    """A saved number back as a float, NaN when it was missing."""
    return float("nan") if x is None else float(x)


# ---------------------------------------------------------------------------------------------
# Numbers


def rate_interval(x1: int, n1: int, x0: int, n0: int) -> tuple[float, float]:
    """Newcombe's interval for x1/n1 − x0/n0 (NaN when a side has no rows)."""
    if n1 < 1 or n0 < 1:
        return float("nan"), float("nan")
    return newcombe_interval(x0, n0, x1, n1)


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
    reruns: pd.DataFrame | None = None,
) -> Claim:
    """Compute a claim of ``kind`` over ``rows`` of ``frame`` (the one way numbers are made);
    ``reruns`` (the rerun table) is needed only for a ``stability``."""
    if kind == "stability":
        if reruns is None or groups is None or rows.base != "group":
            raise ValueError("a group's stability needs its group labels and the rerun table")
        value, seen = rerun_stability(reruns, groups, int(rows.group or 0))
        n_runs = reruns.shape[1]
        return Claim(kind, value, rows, n=seen, n_compare=n_runs, estimate=estimate, name=name)
    mask = rows_mask(rows, frame, groups)
    if kind == "quantile":
        if q is None:
            raise TypeError("a quantile claim needs q")
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


def rerun_stability(reruns: pd.DataFrame, groups: pd.Series, group: int) -> tuple[float, int]:
    """(stability, rows): how well the group came back over the reruns, and how many of its rows
    the reruns saw.

    ``reruns`` holds each rerun's group of every row it saw (a column per rerun; -1 noise,
    :data:`NOT_IN_RUN` unseen; index = focus row labels). Per rerun, the group's best Jaccard
    match (the share of rows two groups have in common; Hennig's clusterboot) with one group of
    the rerun, or with the union of the rerun's groups that lie mostly (over half) inside it —
    so a group merged from two pieces that say the same thing (``cause_merge``) is not called
    weak because the reruns find its pieces; then the mean over the reruns.
    """
    final = groups.reindex(reruns.index).to_numpy()
    mine = final == group
    total = 0.0
    for column in reruns.columns:
        rep = reruns[column].to_numpy()
        inside = mine & (rep != NOT_IN_RUN)
        best = 0.0
        pieces = np.zeros_like(inside)
        for h in np.unique(rep[inside]):
            if h < 0:
                continue
            other = rep == h
            common = int((inside & other).sum())
            best = max(best, common / int((inside | other).sum()))
            if 2 * common > int(other.sum()):
                pieces |= other
        if pieces.any():
            best = max(best, float((inside & pieces).sum() / (inside | pieces).sum()))
        total += best
    return total / max(reruns.shape[1], 1), int(mine.sum())


def recompute(
    claim: Claim,
    frame: pd.DataFrame,
    groups: pd.Series | None = None,
    reruns: pd.DataFrame | None = None,
) -> Claim:
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
        reruns=reruns,
    )
    return again


def _same(a: Claim, b: Claim) -> bool:
    """Two claims agree when every text they show is the same and their counts match."""
    return claim_texts(a) == claim_texts(b) and a.n == b.n and a.n_compare == b.n_compare


def audit_claims(
    table: pd.DataFrame,
    claims: Sequence[Claim],
    groups: pd.Series | None = None,
    reruns: pd.DataFrame | None = None,
) -> tuple[int, int]:
    """(claims audited, claims wrong): each claim recomputed from ``table`` with its own rule.

    ``groups`` maps focus row labels to their cause group (``CauseGroups.labels``); it is
    needed only for claims about a group's rows, ``reruns`` (``CauseGroups.reruns``) only for
    a group's stability. A claim is wrong when a number it shows reads differently once
    recomputed, or when its rows cannot be found again.
    """
    wrong = 0
    for claim in claims:
        try:
            again = recompute(claim, table, groups, reruns)
        except (KeyError, ValueError, TypeError):
            wrong += 1
            continue
        if not _same(claim, again):
            wrong += 1
    return len(claims), wrong


def wrong_claims(
    table: pd.DataFrame,
    claims: Sequence[Claim],
    groups: pd.Series | None = None,
    reruns: pd.DataFrame | None = None,
) -> list[tuple[Claim, Claim | None]]:
    """The claims that do not hold, each with its recomputed version (None: not computable)."""
    out: list[tuple[Claim, Claim | None]] = []
    for claim in claims:
        try:
            again = recompute(claim, table, groups, reruns)
        except (KeyError, ValueError, TypeError):
            out.append((claim, None))
            continue
        if not _same(claim, again):
            out.append((claim, again))
    return out


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
    """Every claim an analysis (``AnalysisResult``) states: its cause groups' claims, the
    expected effects of ``actions`` (``Action`` objects or their dicts) made from them, and the
    similar rows of the what-if settings actions were made from (the model's predictions
    themselves need the model: :func:`workbench.steps.whatif.recompute_whatif`)."""
    claims: list[Claim] = []
    causes = getattr(result, "causes", None)
    for group in getattr(causes, "groups", None) or []:
        claims.extend(group.claims.values())
    for action in actions:
        doc = action if isinstance(action, Mapping) else action.to_dict()
        if isinstance(doc.get("expected_effect"), Mapping):
            claims.append(Claim.from_dict(doc["expected_effect"]))
        predicted = doc.get("predicted_effect")  # a what-if: its similar rows are data
        if isinstance(predicted, Mapping) and isinstance(predicted.get("similar"), Mapping):
            with contextlib.suppress(KeyError, TypeError, ValueError):  # a damaged record
                claims.append(Claim.from_dict(predicted["similar"]))
    return claims


def audit_result(result: Any, actions: Iterable[Any] = ()) -> tuple[int, int]:
    """(claims audited, claims wrong) for one analysed dataset — what the truth bench shows.

    Recomputes every claim of :func:`analysis_claims` from ``result.frame`` (the table the
    model saw) with the group labels and the rerun table of ``result.causes``.
    """
    causes = getattr(result, "causes", None)
    labels = None if causes is None else causes.labels
    reruns = None if causes is None else getattr(causes, "reruns", None)
    return audit_claims(result.frame, analysis_claims(result, actions), labels, reruns)
