"""Every sentence the goal, roles, features and modeling steps show the user.

All text goes through ``_()``/``ngettext`` with named placeholders so it can be translated.
"""

from __future__ import annotations

from collections.abc import Sequence

from workbench.i18n import N_, _, ngettext

# ---------------------------------------------------------------------------------------------
# Columns kept out of the model


def exclusion_message(reason: str, column: str, **details: object) -> str:
    """Why ``column`` is kept out of the model, in one sentence."""
    if reason == "target":
        return _("{column} is the target: the model predicts it.").format(column=column)
    if reason == "id":
        return _("{column} is an ID: it names rows and says nothing about the process.").format(
            column=column
        )
    if reason == "time":
        return _(
            "{column} is the time column: it orders the validation (train on the past, test on "
            "the later rows) and is not fed to the model as a value."
        ).format(column=column)
    if reason == "time_unordered":
        return _(
            "{column} is marked as the time column, but it holds no dates or numbers that "
            "order the rows, so the model was checked on rows mixed at random instead."
        ).format(column=column)
    if reason == "excluded":
        return _("{column} was excluded by you.").format(column=column)
    if reason == "constant":
        return _(
            "{column} has the same value in every row: there is nothing to learn from it."
        ).format(column=column)
    if reason == "id_like":
        return _(
            "{column} looks like an identifier (a different value in nearly every row); "
            "a model would only memorise it."
        ).format(column=column)
    if reason == "leakage":
        return _leakage_exclusion(column, details)
    if reason == "empty":
        return _("{column} is empty in every row used for the model.").format(column=column)
    if reason == "text":
        return _("{column} is free text; the model does not read text.").format(column=column)
    if reason == "datetime":
        return _(
            "{column} is a date/time; dates are not fed to the model as raw values "
            "(mark it as the time column to validate on later rows)."
        ).format(column=column)
    if reason == "pii":
        return _(
            "{column} holds personal data (names, phone numbers, resident registration numbers "
            "or e-mail): a model must not single out people, so it is left out."
        ).format(column=column)
    if reason == "high_cardinality":
        return _(
            "{column} has {levels} different values, nearly one per row; a model would only "
            "memorise them."
        ).format(column=column, levels=f"{_int(details['levels']):,}")
    return _("{column} is kept out of the model ({reason}).").format(column=column, reason=reason)


def _leakage_exclusion(column: str, details: dict[str, object]) -> str:
    """Why a leakage-flagged column is kept out, by its family (see workbench.steps.leakage)."""
    method = details.get("method")
    if method in ("one_sided", "together"):
        n, outside = _int(details.get("in_focus")), _int(details.get("outside"))
        where = _("none elsewhere") if outside == 0 else _("{k} elsewhere").format(k=f"{outside:,}")
        if details.get("mark") == "empty":
            return ngettext(
                "{column} is empty only in the focus rows ({n} row, {where}) — likely not "
                "measured once the result was known — so it would explain nothing you can act "
                "on.",
                "{column} is empty only in the focus rows ({n} rows, {where}) — likely not "
                "measured once the result was known — so it would explain nothing you can act "
                "on.",
                n,
            ).format(column=column, n=f"{n:,}", where=where)
        return ngettext(
            "{column} leaves its usual value only in the focus rows ({n} row, {where}) — "
            "likely recorded with or after the result — so it would explain nothing you can "
            "act on.",
            "{column} leaves its usual value only in the focus rows ({n} rows, {where}) — "
            "likely recorded with or after the result — so it would explain nothing you can "
            "act on.",
            n,
        ).format(column=column, n=f"{n:,}", where=where)
    if method == "sibling":
        like = details.get("like")
        names = ", ".join(str(c) for c in like) if isinstance(like, list) else ""
        return _(
            "{column} looks like part of the same record as {names}, which give the result "
            "away; it is kept out with them."
        ).format(column=column, names=names)
    return _(
        "{column} is almost a copy of the target — likely measured after the result or "
        "computed from it — so it would explain nothing you can act on."
    ).format(column=column)


def _int(value: object) -> int:
    return int(value) if isinstance(value, int | float) else 0


_FLAG_NAMES = {
    "leakage": N_("gives the result away"),
    "id_like": N_("looks like an identifier"),
    "constant": N_("the same value in every row"),
    "high_cardinality": N_("nearly one value per row"),
    "pii": N_("personal data"),
}


def flag_name(flag: str) -> str:
    """A quality flag (``leakage``, ``id_like``, …) in words."""
    return _(_FLAG_NAMES[flag]) if flag in _FLAG_NAMES else flag


def forced_message(column: str, reason: str) -> str:
    """A flagged column the user put back into the model."""
    if reason == "pii":
        return _(
            "{column} holds personal data but you put it in the model: its effect may single "
            "out people. Its values are masked in reports and in the saved model; the data "
            "snapshot keeps them unless you save a masked copy."
        ).format(column=column)
    return _(
        "{column} was flagged ({reason}) but you put it in the model; its effect may not be real."
    ).format(column=column, reason=flag_name(reason))


# ---------------------------------------------------------------------------------------------
# Refusals (AnalysisError message + hint)


def unknown_column(column: str) -> str:
    return _("There is no column named “{column}”.").format(column=column)


def unknown_column_hint(suggestions: Sequence[str]) -> str:
    if suggestions:
        return _("Did you mean: {names}?").format(names=", ".join(suggestions))
    return _("Check the spelling; column names must match the file's header exactly.")


def target_is_a_role(column: str, role: str) -> str:
    return _("The target {column} cannot also be marked as {role}.").format(
        column=column, role=role
    )


def target_role_hint() -> str:
    return _("The target is what the model predicts; give the role to another column.")


def two_roles(column: str, first: str, second: str) -> str:
    return _("{column} was given two roles: {first} and {second}.").format(
        column=column, first=first, second=second
    )


def two_roles_hint() -> str:
    return _("Give each column one role.")


def two_time_columns(columns: Sequence[str]) -> str:
    return _("Only one column can be the time column; you named {names}.").format(
        names=", ".join(columns)
    )


def two_time_columns_hint() -> str:
    return _("Pick the column that says when each run happened.")


def target_unusable_kind(column: str, kind: str) -> str:
    return _("{column} holds {kind} values and cannot be a target.").format(
        column=column, kind=kind
    )


def target_unusable_kind_hint() -> str:
    return _("Pick a measured result (a number) or an outcome class (e.g. OK / NG) as the target.")


def target_constant(column: str, value: str) -> str:
    return _(
        "{column} has the same value ({value}) in every row, so there is nothing to explain."
    ).format(column=column, value=value)


def target_constant_hint() -> str:
    return _("Pick a target that varies between runs, or load a period where it did.")


def target_empty(column: str, present: int, total: int) -> str:
    pct = 100.0 * (total - present) / total if total else 100.0
    return ngettext(
        "{column} is empty in {pct:.0f}% of rows: only {present} row has a value, "
        "too few to learn from.",
        "{column} is empty in {pct:.0f}% of rows: only {present} rows have a value, "
        "too few to learn from.",
        present,
    ).format(column=column, pct=pct, present=present)


def target_empty_hint(minimum: int) -> str:
    return _("A model needs at least {n} rows with a target value; load more data.").format(
        n=minimum
    )


def too_few_rows(rows: int, minimum: int) -> str:
    return ngettext(
        "Only {rows} row has a target value; a model needs at least {minimum}.",
        "Only {rows} rows have a target value; a model needs at least {minimum}.",
        rows,
    ).format(rows=rows, minimum=minimum)


def too_few_rows_hint() -> str:
    return _("Load more runs (a longer period, more lines) before modeling.")


def rare_class(column: str, label: str, count: int, minimum: int) -> str:
    return ngettext(
        "The class {label} of {column} has only {count} row; at least {minimum} are needed "
        "to learn what sets it apart.",
        "The class {label} of {column} has only {count} rows; at least {minimum} are needed "
        "to learn what sets it apart.",
        count,
    ).format(column=column, label=label, count=count, minimum=minimum)


def rare_class_hint() -> str:
    return _("Collect more rows of that class, or merge it with a similar class.")


def too_many_classes(column: str, levels: int, maximum: int) -> str:
    return _(
        "{column} has {levels} different classes; a model can separate at most {maximum}."
    ).format(column=column, levels=levels, maximum=maximum)


def too_many_classes_hint() -> str:
    return _("Group the classes (e.g. OK / NG) or pick a numeric target.")


def target_not_numeric(column: str) -> str:
    return _("{column} is not numeric everywhere, so it cannot be predicted as a number.").format(
        column=column
    )


def target_not_numeric_hint() -> str:
    return _("Clean the non-numeric cells, or predict it as classes.")


def binary_needs_two(column: str, n: int) -> str:
    return _("Predicting yes/no needs exactly two classes; {column} has {n}.").format(
        column=column, n=n
    )


def binary_needs_two_hint() -> str:
    return _("Let Workbench choose the task, or group the classes into two.")


def unknown_class(column: str, label: str) -> str:
    return _("{column} has no class “{label}”.").format(column=column, label=label)


def classes_are(classes: Sequence[str]) -> str:
    return _("The classes are: {levels}.").format(levels=", ".join(classes[:10]))


def no_features(column: str) -> str:
    return _("No column is left to explain {target}: every other column is kept out.").format(
        target=column
    )


def no_features_hint() -> str:
    return _(
        "See why each column was kept out; mark a column as a feature to put it back, "
        "or load the measurements taken before the result."
    )


def focus_class_task(rule: str, target: str) -> str:
    return _("The focus {rule} needs a class target; {target} is a number.").format(
        rule=rule, target=target
    )


# ---------------------------------------------------------------------------------------------
# Validation and metrics


def validation_text(
    kind: str, n_folds: int, test_share: float, rows: int, trained_rows: int = 0
) -> str:
    """How the model was checked; ``trained_rows`` < ``rows``: the checked model was kept."""
    pct = round(100 * test_share)
    if kind == "k-fold":
        return _(
            "Checked by {k}-fold cross-validation: every row was predicted by a model that "
            "never saw it."
        ).format(k=n_folds)
    if kind == "time-ordered":
        if n_folds > 1:
            return _(
                "Checked on later rows: {k} times, a model trained on the past predicted the "
                "next period it had not seen."
            ).format(k=n_folds)
        return _(
            "Checked on later rows: a model trained on the earliest {train}% of the rows "
            "predicted the latest {pct}%."
        ).format(train=100 - pct, pct=pct)
    text = _(
        "Checked on a held-out {pct}% of the {rows} rows that the model never saw "
        "(one split: the data is large)."
    ).format(pct=pct, rows=f"{rows:,}")
    if 0 < trained_rows < rows:
        text += " " + _(
            "The model kept is the one checked: trained on the other {train} rows."
        ).format(train=f"{trained_rows:,}")
    return text


METRIC_LABELS = {
    "r2": N_("R²"),
    "mae": N_("MAE"),
    "rmse": N_("RMSE"),
    "roc_auc": N_("ROC-AUC"),
    "pr_auc": N_("PR-AUC"),
    "macro_roc_auc": N_("macro ROC-AUC"),
    "balanced_accuracy": N_("balanced accuracy"),
}


def metric_label(name: str) -> str:
    return _(METRIC_LABELS.get(name, name))


def _pct(x: float) -> str:
    return f"{100 * max(x, 0.0):.0f}%"


def regression_verdict(
    target: str, r2: float, baseline_r2: float, rule_r2: float, rule_column: str | None
) -> str:
    """E.g. "The model explains 62% of the variation in efficiency (R² 0.62); a simple
    average explains none, and the best single-column rule (paste_thickness) explains 18%."
    """
    first = _("The model explains {pct} of the variation in {target} (R² {r2:.2f})").format(
        pct=_pct(r2), target=target, r2=r2
    )
    avg = (
        _("a simple average explains none")
        if baseline_r2 < 0.005
        else _("a simple average explains {pct}").format(pct=_pct(baseline_r2))
    )
    if rule_column is None:
        return _("{first}; {avg}.").format(first=first, avg=avg)
    rule = _("the best single-column rule ({column}) explains {pct}").format(
        column=rule_column, pct=_pct(rule_r2)
    )
    return _("{first}; {avg}, and {rule}.").format(first=first, avg=avg, rule=rule)


def binary_verdict(
    target: str,
    positive: str,
    auc: float,
    rule_auc: float,
    rule_column: str | None,
    recall: float,
    precision: float,
    threshold: float,
    positives: int,
) -> str:
    first = _(
        "The model tells {target} = {positive} apart from the rest with ROC-AUC {auc:.2f} "
        "(0.5 is guessing, 1.0 is perfect); always guessing the most common class scores 0.50"
    ).format(target=target, positive=positive, auc=auc)
    if rule_column is not None:
        first = _("{first}, and the best single-column rule ({column}) scores {auc:.2f}").format(
            first=first, column=rule_column, auc=rule_auc
        )
    second = ngettext(
        "At a threshold of {t:.2f} it catches {recall} of the {n} {positive} row it was "
        "checked on (misses {miss}), and {precision} of its alarms are real.",
        "At a threshold of {t:.2f} it catches {recall} of the {n} {positive} rows it was "
        "checked on (misses {miss}), and {precision} of its alarms are real.",
        positives,
    ).format(
        t=threshold,
        recall=_pct(recall),
        n=f"{positives:,}",
        positive=f"“{positive}”",  # "the 339 “1” rows", not "the 339 1 rows"
        miss=_pct(1 - recall),
        precision=_pct(precision),
    )
    return f"{first}. {second}"


def multiclass_verdict(
    target: str,
    auc: float,
    balanced_accuracy: float,
    n_classes: int,
    rule_auc: float,
    rule_column: str | None,
) -> str:
    first = _(
        "The model tells the {k} classes of {target} apart with macro ROC-AUC {auc:.2f} "
        "(0.5 is guessing) and a balanced accuracy of {bacc} (guessing: {guess})"
    ).format(
        k=n_classes,
        target=target,
        auc=auc,
        bacc=_pct(balanced_accuracy),
        guess=_pct(1 / n_classes),
    )
    if rule_column is not None:
        first = _("{first}; the best single-column rule ({column}) scores {auc:.2f}").format(
            first=first, column=rule_column, auc=rule_auc
        )
    return first + "."


def verdict_tail(verdict: str, rule_column: str | None) -> str:
    """The closing judgement appended to the score sentence."""
    if verdict == "useful":
        return _("The model finds real structure; its drivers are worth a look.")
    if verdict == "weak":
        if rule_column is not None:
            return _(
                "The model adds little beyond {column} alone; treat the other drivers with care."
            ).format(column=rule_column)
        return _("The signal is weak; treat the drivers as hints, not findings.")
    return no_signal()


def too_good(columns: Sequence[str]) -> str:
    """The closing judgement of a near-perfect model whose answer comes from ``columns``."""
    return ngettext(
        "This is too good to be true: {columns} gives the answer away — it drives the model, "
        "and it was likely recorded with or after the result. Keep it out of the model and fit "
        "again; drivers and cause groups found with it would only repeat it.",
        "This is too good to be true: {columns} give the answer away — they drive the model, "
        "and they were likely recorded with or after the result. Keep them out of the model and "
        "fit again; drivers and cause groups found with them would only repeat them.",
        len(columns),
    ).format(columns=", ".join(columns))


def no_signal() -> str:
    return _(
        "No usable signal in these columns — the model does no better than a simple baseline, "
        "so any 'causes' would be read from noise. Fail fast: check the target, or measure "
        "other settings, before looking for causes."
    )


def no_signal_refusal() -> str:
    """For later steps that refuse to show causes."""
    return _("Causes are not shown: the model found no usable signal in these columns.")


# ---------------------------------------------------------------------------------------------
# Progress


def fitting_fold(i: int, k: int) -> str:
    if k == 1:
        return _("Checking the model on held-out rows")
    return _("Checking the model: fold {i} of {k}").format(i=i, k=k)


def fitting_final() -> str:
    return _("Fitting the final model on all rows")
