"""The what-if's claim: "set belt_speed to 2.3 on group 1's rows → predicted efficiency 21.2
(now 20.4), based on 812 similar rows", as a record a test (or the audit) can recompute.

The two predictions are the fitted model's average output over the named rows with the factor
set to the value and at their own settings; the band is the lowest and highest average of the
fitted model and its bootstrap refits (:mod:`workbench.steps.whatif_band`). *Similar rows* is a
plain data claim (:class:`workbench.claims.Claim`): the rows of the analysed table whose factor
lies within the setting's window (:func:`workbench.steps.whatif.similar_condition`), counted
where the target is known, with their measured average, so it recomputes from the table alone.
:func:`workbench.steps.whatif.recompute_whatif` recomputes the whole record.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from workbench.claim_format import format_value
from workbench.claim_rows import Selection
from workbench.claims import Claim, finite_or_none, float_or_nan

#: Fewer similar rows than this: the sentence says the prediction rests on little data.
MIN_SIMILAR = 30


@dataclass(frozen=True)
class WhatIfClaim:
    """One what-if setting and what the model predicts for it (see the module docstring)."""

    column: str
    value: float | str  # the setting: a number, or a category's name
    rows: Selection  # the rows it is asked for (a group, the focus, all rows)
    target: str
    predicted: float  # average model output with the factor set to ``value``
    now: float  # average model output at the rows' own settings
    n: int  # rows predicted (a fixed sample when ``total`` is larger)
    total: int  # rows named by ``rows`` (or 1 for ``row``)
    similar: Claim  # the rows near the setting and their measured target
    row: Any = None  # one row's label instead of ``rows``
    label: str | None = None  # a class goal: the class whose probability is predicted
    band: tuple[float, float] | None = None
    band_models: int = 0  # bootstrap refits behind the band (0: no band)
    band_rows: int = 0  # rows drawn for each refit
    band_seed: int = 0
    observed: tuple[float, float] | None = None  # a number's range in the data (min, max)
    outside: bool = False  # the setting lies outside ``observed`` (or is an unseen category)
    step: float | None = None  # display precision of the predictions
    group: int | None = None  # the cause group asked for (also in ``rows``)
    # factors that move with this one in the data: (column, rank correlation)
    together: tuple[tuple[str, float], ...] = ()

    @property
    def effect(self) -> float:
        """Predicted change: the setting's prediction minus the prediction at the own settings."""
        return self.predicted - self.now

    @property
    def is_rate(self) -> bool:
        return self.label is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "whatif",
            "column": self.column,
            "value": self.value if isinstance(self.value, str) else finite_or_none(self.value),
            "rows": self.rows.to_dict(),
            "row": _plain(self.row),
            "target": self.target,
            "label": self.label,
            "predicted": finite_or_none(self.predicted),
            "now": finite_or_none(self.now),
            "effect": finite_or_none(self.effect),
            "n": int(self.n),
            "total": int(self.total),
            "similar": self.similar.to_dict(),
            "band": None if self.band is None else [finite_or_none(v) for v in self.band],
            "band_models": int(self.band_models),
            "band_rows": int(self.band_rows),
            "band_seed": int(self.band_seed),
            "observed": None
            if self.observed is None
            else [finite_or_none(v) for v in self.observed],
            "outside": bool(self.outside),
            "step": self.step,
            "group": self.group,
            "together": [[c, finite_or_none(r)] for c, r in self.together],
        }

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> WhatIfClaim:
        band, observed = doc.get("band"), doc.get("observed")
        value = doc["value"]
        return cls(
            column=str(doc["column"]),
            value=value if isinstance(value, str) else float_or_nan(value),
            rows=Selection.from_dict(doc["rows"]),
            row=doc.get("row"),
            target=str(doc["target"]),
            label=doc.get("label"),
            predicted=float_or_nan(doc.get("predicted")),
            now=float_or_nan(doc.get("now")),
            n=int(doc.get("n") or 0),
            total=int(doc.get("total") or 0),
            similar=Claim.from_dict(doc["similar"]),
            band=None if band is None else (float_or_nan(band[0]), float_or_nan(band[1])),
            band_models=int(doc.get("band_models") or 0),
            band_rows=int(doc.get("band_rows") or 0),
            band_seed=int(doc.get("band_seed") or 0),
            observed=None
            if observed is None
            else (float_or_nan(observed[0]), float_or_nan(observed[1])),
            outside=bool(doc.get("outside", False)),
            step=doc.get("step"),
            group=None if doc.get("group") is None else int(doc["group"]),
            together=tuple((str(c), float_or_nan(r)) for c, r in doc.get("together") or ()),
        )


def prediction_text(claim: WhatIfClaim, value: float) -> str:
    """A prediction as the sentences show it: a share for a class, else ``step`` decimals."""
    if claim.is_rate:
        return format_value("rate", value)
    return format_value("mean", value, claim.step)


def effect_text(claim: WhatIfClaim) -> str:
    """The predicted change, signed (points for a class)."""
    return format_value("difference", claim.effect, claim.step, rate=claim.is_rate)


def whatif_texts(claim: WhatIfClaim) -> list[str]:
    """Every number the what-if sentence shows, as it shows it (what a recompute must match)."""
    texts = [
        prediction_text(claim, claim.predicted),
        prediction_text(claim, claim.now),
        effect_text(claim),
        format_value("count", claim.similar.n),
        format_value("count", claim.n),
    ]
    if claim.band is not None:
        texts += [prediction_text(claim, v) for v in claim.band]
    return texts


def whatif_holds(claim: WhatIfClaim, again: WhatIfClaim) -> bool:
    """True when a recomputed claim shows the same numbers (and the similar rows still agree)."""
    from workbench.claim_format import claim_texts

    return (
        whatif_texts(claim) == whatif_texts(again)
        and claim_texts(claim.similar) == claim_texts(again.similar)
        and claim.outside == again.outside
    )


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if hasattr(value, "item"):
        return value.item()
    return str(value)
