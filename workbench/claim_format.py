"""How a claim's numbers read in sentences and tables: one formatter, so the claims audit can
find a recomputed number's text in what a surface shows."""

from __future__ import annotations

import math
from typing import Any


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


def claim_texts(claim: Any) -> list[str]:
    """The texts a sentence shows for this claim: its value, and for a difference the two
    means (or rates), the interval's ends and the two counts."""
    if claim.kind == "count":
        return [format_value("count", claim.value)]
    if claim.kind == "share":
        return [format_value("share", claim.value)]
    if claim.kind == "stability":  # "Stability 92%: ... in 6 re-runs"
        return [format_value("share", claim.value), format_value("count", claim.n_compare or 0)]
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
