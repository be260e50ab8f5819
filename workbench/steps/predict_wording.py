"""Every sentence about predicting missing values: the step, what it did, why it could not.

The core counts (:mod:`workbench.steps.recipe_predict`); this module only words the counts,
through the gettext catalog, with column names in ‘quotes’ as elsewhere in the recipe.
"""

from __future__ import annotations

from typing import Any

from workbench.i18n import _, ngettext, say, say_n


def _q(name: Any) -> str:
    return f"‘{name}’"


def percent(fraction: float) -> str:
    """0.8 -> "80%" (whole percent: a confidence is an estimate, not a measurement)."""
    return f"{round(100 * float(fraction))}%"


def describe(step: dict[str, Any]) -> str:
    """What the step does, e.g. "Predict the missing ‘belt_speed’ values (leave empty below
    80% confidence)"."""
    column = _q(step["column"])
    threshold = step.get("min_confidence")
    if threshold:
        return _(
            "Predict the missing {column} values from the other columns (leave a cell empty "
            "when its confidence is below {pct})"
        ).format(column=column, pct=percent(threshold))
    return _("Predict the missing {column} values from the other columns").format(column=column)


def filled_sentence(
    column: str, filled: int, missing: int, left: int, threshold: float | None
) -> str:
    """ "Filled 412 of 450 missing belt_speed values (38 left empty: confidence below 80%)."."""
    head = ngettext(
        "Filled {filled} of {missing} missing {column} value",
        "Filled {filled} of {missing} missing {column} values",
        missing,
    ).format(filled=f"{filled:,}", missing=f"{missing:,}", column=_q(column))
    if left and threshold:
        tail = ngettext(
            "{n} left empty: confidence below {pct}",
            "{n} left empty: confidence below {pct}",
            left,
        ).format(n=f"{left:,}", pct=percent(threshold))
        return _("{head} ({tail}).").format(head=head, tail=tail)
    return _("{head}.").format(head=head)


LOW_CONFIDENCE = 0.3  # below this median, say that the other columns say little


def confidence_sentence(column: str, median: float | None) -> str:
    """The typical confidence, and a warning when the fills are little better than a guess."""
    if median is None:
        return ""
    text = _("Median confidence {pct}.").format(pct=percent(median))
    if median < LOW_CONFIDENCE:
        text += " " + _(
            "The other columns say little about {column}: most predictions are hardly better "
            "than guessing from its usual values."
        ).format(column=_q(column))
    return text


def effect(details: dict[str, Any], column: str) -> str:
    """What the step did, from its report's details."""
    parts = [
        filled_sentence(
            column,
            int(details.get("filled", 0)),
            int(details.get("missing", 0)),
            int(details.get("left_empty", 0)),
            details.get("min_confidence"),
        )
    ]
    said = confidence_sentence(column, details.get("median_confidence"))
    if said:
        parts.append(said)
    features = details.get("features") or []
    if features:
        parts.append(
            ngettext(
                "The model learned from {rows} rows and {n} other column.",
                "The model learned from {rows} rows and {n} other columns.",
                len(features),
            ).format(rows=f"{details.get('trained_on', 0):,}", n=len(features))
        )
    if details.get("kind") == "number" and details.get("filled"):
        parts.append(
            _(
                "Each filled value has an 80% range (quantile models, widened on held-out rows "
                "until 80% of known values fell inside); median width {width}."
            ).format(width=f"{details.get('median_width', 0):.4g}")
        )
    elif details.get("kind") == "label" and details.get("filled"):
        parts.append(
            _(
                "Each filled label carries its chance of being right, measured on rows held out "
                "of the model."
            )
        )
    if details.get("target_rows_kept_out"):
        parts.append(target_rows_kept_out(column, int(details["target_rows_kept_out"])))
    elif details.get("target_rows_used"):
        parts.append(target_rows_used(column, int(details["target_rows_used"])))
    return " ".join(parts)


def target_rows_kept_out(column: str, n: int) -> str:
    """Said on the Quality and Model steps when the goal's own column was predicted."""
    return ngettext(
        "{n} row whose {column} was predicted, not measured, is kept out of the model fit and "
        "the cause groups.",
        "{n} rows whose {column} was predicted, not measured, are kept out of the model fit and "
        "the cause groups.",
        n,
    ).format(n=f"{n:,}", column=_q(column))


def target_rows_used(column: str, n: int) -> str:
    return ngettext(
        "{n} row whose {column} was predicted is used in the model fit as if measured (your "
        "choice in the step).",
        "{n} rows whose {column} was predicted are used in the model fit as if measured (your "
        "choice in the step).",
        n,
    ).format(n=f"{n:,}", column=_q(column))


# -- why the step could not run ------------------------------------------------------------


def cannot_predict_kind(column: str) -> str:
    return say(
        "Only numbers and labels can be predicted from the other columns, not the dates, free "
        "text or identifiers in {column}; this step was skipped.",
        column=_q(column),
    )


def too_few_known(column: str, known: int, needed: int) -> str:
    return say_n(
        "Only {n} row has a value in {column}; at least {needed} are needed to learn from the "
        "other columns, so nothing was predicted.",
        "Only {n} rows have a value in {column}; at least {needed} are needed to learn from the "
        "other columns, so nothing was predicted.",
        known,
        n=f"{known:,}",
        column=_q(column),
        needed=needed,
    )


def no_predictors(column: str) -> str:
    return say(
        "No other column can help predict {column} (the goal's column and the columns flagged "
        "as leaking it are never used), so nothing was predicted.",
        column=_q(column),
    )


def one_label(column: str) -> str:
    return say(
        "{column} holds only one label where it is known, so there is nothing to predict; "
        "this step was skipped.",
        column=_q(column),
    )


def too_many_labels(column: str, n: int, limit: int) -> str:
    return say(
        "{column} holds {n} different labels; Workbench predicts labels for columns with at most "
        "{limit}, so this step was skipped.",
        column=_q(column),
        n=f"{n:,}",
        limit=limit,
    )
