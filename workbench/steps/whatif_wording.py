"""Every sentence of the what-if profiler (core, panel and actions), via the catalog.

The numbers come from a :class:`~workbench.steps.whatif_claim.WhatIfClaim` and are formatted
by :mod:`workbench.steps.whatif_claim`, so the texts a test recomputes are the ones shown.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from workbench.claim_format import format_value
from workbench.i18n import _, ngettext
from workbench.numbers_format import format_number
from workbench.steps.causes_wording import fmt_number
from workbench.steps.whatif_claim import (
    MIN_SIMILAR,
    WhatIfClaim,
    effect_text,
    prediction_text,
)

# -- progress and refusals ---------------------------------------------------------------------


def progress_band(k: int, n: int) -> str:
    return _("Refitting model {k} of {n} for the what-if band…").format(k=k, n=n)


def progress_curves(column: str) -> str:
    return _("What-if curves for {column}…").format(column=column)


def progress_setting() -> str:
    return _("Predicting the setting…")


def no_controllable() -> str:
    return _("No factor the model uses is marked controllable, so there is nothing to set.")


def no_controllable_hint() -> str:
    return _(
        "On the Goal step, mark the settings the line can change as controllable, then run "
        "the model again."
    )


def no_signal(target: str) -> str:
    return _(
        "The model predicts {target} no better than a simple average, so it cannot say what a "
        "setting would do."
    ).format(target=target)


def no_signal_hint() -> str:
    return _("Improve the model first (more rows, the factors that matter), then ask again.")


def not_a_factor(column: str) -> str:
    return _("“{column}” is not a factor the model uses.").format(column=column)


def no_such_row(row: str) -> str:
    return _("Row {row} is not in the analysed table.").format(row=row)


def no_such_row_hint() -> str:
    return _("Pick a row number shown in the data grid.")


def no_rows() -> str:
    return _("No rows are selected for the what-if.")


def no_rows_hint() -> str:
    return _("Select a cause group with rows, or one row.")


def no_values(column: str) -> str:
    return _("{column} has no numbers in the analysed table.").format(column=column)


def no_values_hint() -> str:
    return _("Check the column's type on the Data step.")


# -- which rows ---------------------------------------------------------------------------------


def row_number(label: Any) -> str:
    """A row as the data grid numbers it: its label (a 0-based position) + 1."""
    if isinstance(label, int | np.integer) and not isinstance(label, bool):
        return format_value("count", int(label) + 1)
    return str(label)


def rows_phrase(claim: Any) -> str:
    """ "group 1's 210 rows", "the 503 focus rows", "all 10,000 rows", "row 17"."""
    if claim.row is not None:
        return _("row {row}").format(row=row_number(claim.row))
    n = format_value("count", claim.total)
    base = claim.rows.base
    if base == "group":
        return ngettext("group {id}'s {n} row", "group {id}'s {n} rows", int(claim.total)).format(
            id=claim.rows.group, n=n
        )
    if base == "focus":
        return ngettext("the {n} focus row", "the {n} focus rows", int(claim.total)).format(n=n)
    return ngettext("all {n} row", "all {n} rows", int(claim.total)).format(n=n)


def value_text(value: Any) -> str:
    """A setting as the sentences write it: a category, or a number with sensible digits —
    more when those would round the setting (803.4 is not written 803)."""
    if isinstance(value, str):
        return value
    text = fmt_number(float(value))
    try:
        shown = float(text.replace(",", ""))
    except ValueError:
        return text
    if not math.isclose(shown, float(value), rel_tol=1e-9, abs_tol=1e-12):
        text = format_number(float(value), digits=6)
    return text


# -- the setting ----------------------------------------------------------------------------------


def setting_sentence(claim: Any) -> str:
    """ "Set belt_speed to 2.3 on group 1's 210 rows → predicted efficiency 21.2 (now 20.4,
    +0.8), based on 812 similar rows." """
    numbers = {
        "column": claim.column,
        "value": value_text(claim.value),
        "rows": rows_phrase(claim),
        "target": claim.target,
        "label": claim.label,
        "predicted": prediction_text(claim, claim.predicted),
        "now": prediction_text(claim, claim.now),
        "effect": effect_text(claim),
        "similar": format_value("count", claim.similar.n),
    }
    if claim.is_rate:
        return ngettext(
            "Set {column} to {value} on {rows} → predicted share of {target} = {label}: "
            "{predicted} (now {now}, {effect} points), based on {similar} similar row.",
            "Set {column} to {value} on {rows} → predicted share of {target} = {label}: "
            "{predicted} (now {now}, {effect} points), based on {similar} similar rows.",
            int(claim.similar.n),
        ).format(**numbers)
    return ngettext(
        "Set {column} to {value} on {rows} → predicted {target} {predicted} (now {now}, "
        "{effect}), based on {similar} similar row.",
        "Set {column} to {value} on {rows} → predicted {target} {predicted} (now {now}, "
        "{effect}), based on {similar} similar rows.",
        int(claim.similar.n),
    ).format(**numbers)


def similar_sentence(claim: Any) -> str:
    """What "similar rows" means here, and what those rows measured."""
    cond = claim.similar.rows.conditions[0]
    n = format_value("count", claim.similar.n)
    if cond.get("kind") == "in":
        where = _("{column} = {value}").format(column=claim.column, value=value_text(claim.value))
    else:
        where = _("{column} between {low} and {high}").format(
            column=claim.column, low=fmt_number(cond["low"]), high=fmt_number(cond["high"])
        )
    if claim.similar.n == 0:
        return _("Similar rows: no row of the data has {where}.").format(where=where)
    if claim.is_rate:
        return _(
            "Similar rows: the {n} rows of the data with {where} and a known {target}; "
            "{measured} of them were {label}."
        ).format(
            n=n,
            where=where,
            target=claim.target,
            label=claim.label,
            measured=format_value("rate", claim.similar.value),
        )
    return _(
        "Similar rows: the {n} rows of the data with {where} and a known {target}; their "
        "measured {target} averages {measured}."
    ).format(
        n=n,
        where=where,
        target=claim.target,
        measured=format_value("mean", claim.similar.value, claim.step),
    )


def band_sentence(claim: Any) -> str:
    """Where the band comes from, and its ends at this setting."""
    if claim.band is None or claim.band_models < 1:
        return _("No uncertainty band: the model could not be refitted on resampled rows.")
    return ngettext(
        "Band {low} to {high}: the fitted model and {k} refit on {m} resampled rows (bootstrap) "
        "— how much the answer moves when the model is fitted again, not a range for one run.",
        "Band {low} to {high}: the fitted model and {k} refits on {m} resampled rows each "
        "(bootstrap) — how much the answer moves when the model is fitted again, not a range "
        "for one run.",
        int(claim.band_models),
    ).format(
        low=prediction_text(claim, claim.band[0]),
        high=prediction_text(claim, claim.band[1]),
        k=claim.band_models,
        m=format_value("count", claim.band_rows),
    )


def warnings(claim: Any) -> list[str]:
    """Plain warnings about a setting: outside the data, little data near it, a sample."""
    out = []
    if claim.outside:
        if claim.observed is None:
            out.append(
                _(
                    "{value} never occurs in the data: the model treats it as missing. Treat "
                    "this as a guess, not a prediction."
                ).format(value=value_text(claim.value))
            )
        else:
            out.append(
                _(
                    "{value} is outside the range seen in the data ({low} to {high}): the model "
                    "has no rows there and repeats what it learned at the edge. Treat this as a "
                    "guess, not a prediction."
                ).format(
                    value=value_text(claim.value),
                    low=fmt_number(claim.observed[0]),
                    high=fmt_number(claim.observed[1]),
                )
            )
    if not claim.outside and claim.similar.n < MIN_SIMILAR:
        out.append(
            ngettext(
                "Only {n} row of the data is near this setting: the prediction rests on "
                "little data.",
                "Only {n} rows of the data are near this setting: the prediction rests on "
                "little data.",
                int(claim.similar.n),
            ).format(n=format_value("count", claim.similar.n))
        )
    if claim.together:
        others = ", ".join(
            _("{column} ({r})").format(column=c, r=f"{r:+.2f}".replace("-", "−"))
            for c, r in claim.together
        )
        out.append(
            _(
                "In the data, {column} moves together with {others} (rank correlation): "
                "setting it alone, as here, asks the model about combinations the data seldom "
                "show. On the line they may have to be moved together."
            ).format(column=claim.column, others=others)
        )
    if claim.n < claim.total:
        out.append(
            _("Predicted on a fixed random sample of {n} of the {total} rows.").format(
                n=format_value("count", claim.n), total=format_value("count", claim.total)
            )
        )
    return out


def caveat() -> str:
    """What a what-if is, and what it is not."""
    return _(
        "This is what the model learned from the data, not a proven effect: confirm it with a "
        "trial on the line."
    )


def held_sentence(held: list[str]) -> str:
    """Which factors stay at their observed values."""
    if not held:
        return _("Every other factor stays at each row's observed value.")
    return _(
        "Every other factor stays at each row's observed value, including those outside your "
        "control: {columns}."
    ).format(columns=", ".join(held))


# -- the action ---------------------------------------------------------------------------------


def action_title(claim: Any) -> str:
    value = value_text(claim.value)
    if claim.group is not None:
        return _("Set {factor} to {value} (what-if, group {id})").format(
            factor=claim.column, value=value, id=claim.group
        )
    return _("Set {factor} to {value} (what-if)").format(factor=claim.column, value=value)


def predicted_short(doc: Any) -> str:
    """A what-if prediction in a table cell: "+0.80 (20.40 → 21.20), band +0.6 to +1.0"."""
    if not doc:
        return ""
    try:
        claim = doc if isinstance(doc, WhatIfClaim) else WhatIfClaim.from_dict(doc)
    except (KeyError, TypeError, ValueError, AttributeError):
        return ""  # a damaged record (a hand-edited file): say nothing rather than guess
    text = _("{effect} ({now} → {predicted}) with {column} at {value}").format(
        effect=effect_text(claim) + (_(" points") if claim.is_rate else ""),
        now=prediction_text(claim, claim.now),
        predicted=prediction_text(claim, claim.predicted),
        column=claim.column,
        value=value_text(claim.value),
    )
    if claim.band is not None:
        text += "; " + _("band {low} to {high}").format(
            low=prediction_text(claim, claim.band[0]), high=prediction_text(claim, claim.band[1])
        )
    if claim.outside:
        text += "; " + _("outside the data")
    return text
