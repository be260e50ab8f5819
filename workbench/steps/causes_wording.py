"""Every sentence the cause groups show, in plain language (via ``_()`` / ``ngettext``).

Style, as the best tools for non-programmers phrase findings: one condition per clause, a
comparison against the rest of the data, a count so the size of the group is visible, and
association, not proof — a cause is confirmed by trying it on the line.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from workbench.claim_format import format_value
from workbench.claims import Claim
from workbench.i18n import _, ngettext
from workbench.numbers_format import decimals_for_step, format_number, format_signed

#: Fewer held-out rows than this on either side: the effect of the conditions is not stated.
MIN_EFFECT_ROWS = 10


def fmt_number(value: float, step: float | None = None, column: object = None) -> str:
    """A number as an engineer writes it: 17.0, 800, 0.35 (no float noise).

    Three significant digits unless ``step`` fixes the decimals; rounding, thousands
    separators and plain years (``column``) as everywhere else (:mod:`workbench.numbers_format`).
    """
    if value is None or not math.isfinite(value):
        return "—"
    decimals = decimals_for_step(step)
    if decimals is None:
        mag = abs(value)
        decimals = 0 if mag >= 100 else 1 if mag >= 10 else 2 if mag >= 1 else None
    if decimals is None:
        return format_number(value, digits=3, column=column)
    return format_number(value, decimals=decimals, column=column)


def fmt_pct(share: float) -> str:
    """A share as a whole percentage ("21%"), or "<1%" for a small non-zero share."""
    pct = share * 100.0
    if 0 < pct < 1:
        return "<1%"
    return f"{pct:.0f}%"


def focus_phrase(kind: str, value: float | str, target: str) -> str:
    """How the focus is called inside a sentence: "the top 5%", "the rows where defect is yes"."""
    if kind == "class":
        return _("the rows where {target} is {label}").format(target=target, label=value)
    pct = f"{float(value) * 100:.4f}".rstrip("0").rstrip(".") + "%"
    if kind == "top":
        return _("the top {pct}").format(pct=pct)
    return _("the bottom {pct}").format(pct=pct)


def condition_text(cond: Any) -> str:
    """One clause: "paste_thickness is below 17.0", "supplier is S2", "line is L1 or L3"."""
    col = cond.column
    if cond.kind == "below":
        return _("{column} is below {value}").format(column=col, value=cond.text_high)
    if cond.kind == "above":
        return _("{column} is above {value}").format(column=col, value=cond.text_low)
    if cond.kind == "between":
        return _("{column} is between {low} and {high}").format(
            column=col, low=cond.text_low, high=cond.text_high
        )
    if cond.kind == "missing":
        return _("{column} is missing").format(column=col)
    levels = cond.shown_levels
    if len(levels) == 1:
        return _("{column} is {level}").format(column=col, level=levels[0])
    return _("{column} is {levels} or {last}").format(
        column=col, levels=", ".join(levels[:-1]), last=levels[-1]
    )


def condition_with_numbers(cond: Any) -> str:
    """The clause plus its comparison: "supplier is S2 (100% of the group vs 31% of the rest)".

    Both shares are claims (``cond<i>_group``/``cond<i>_rest``): rows of the group, and all
    other rows of the table, that meet the condition."""
    return _("{clause} ({group} of the group vs {rest} of the rest)").format(
        clause=condition_text(cond),
        group=format_value("share", cond.group_share),
        rest=format_value("share", cond.rest_share),
    )


def join_clauses(clauses: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    items = list(clauses)
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return _("{first} and {last}").format(first=", ".join(items[:-1]), last=items[-1])


def _count_word(n: int) -> str:
    words = {2: _("Both"), 3: _("All three"), 4: _("All four")}
    return words.get(n, _("All {n}").format(n=n))


def controllability_sentence(factors: Sequence[tuple[str, str]]) -> str:
    """Say which factors the line can change: "Both are controllable." / a mixed sentence."""
    if not factors:
        return ""
    kinds = {c for _name, c in factors}
    n = len(factors)
    if kinds == {"controllable"}:
        if n == 1:
            return _("It is controllable.")
        return _("{all} are controllable.").format(all=_count_word(n))
    if kinds == {"uncontrollable"}:
        if n == 1:
            return _("It cannot be changed on the line.")
        return _("{all} are outside your control.").format(all=_count_word(n))
    if kinds == {"unknown"}:
        names = join_clauses([name for name, _c in factors])
        return ngettext(
            "Whether {columns} can be changed is not set yet — mark it controllable or not.",
            "Whether {columns} can be changed is not set yet — mark them controllable or not.",
            n,
        ).format(columns=names)
    parts = []
    ctrl = [name for name, c in factors if c == "controllable"]
    unctrl = [name for name, c in factors if c == "uncontrollable"]
    unknown = [name for name, c in factors if c == "unknown"]
    if ctrl:
        parts.append(
            ngettext("{columns} is controllable", "{columns} are controllable", len(ctrl)).format(
                columns=join_clauses(ctrl)
            )
        )
    if unctrl:
        parts.append(
            ngettext(
                "{columns} is outside your control",
                "{columns} are outside your control",
                len(unctrl),
            ).format(columns=join_clauses(unctrl))
        )
    if unknown:
        parts.append(
            ngettext(
                "whether {columns} can be changed is not set",
                "whether {columns} can be changed is not set",
                len(unknown),
            ).format(columns=join_clauses(unknown))
        )
    return _("Of these, {parts}.").format(parts="; ".join(parts))


def group_headline(group_id: int, size: int, share: float, focus: str) -> str:
    """ "Group 2 — 412 rows (21% of the top 5%)": the group's rows are focus rows by
    construction, so what they share with the focus is not stated as a finding."""
    return ngettext(
        "Group {id} — {n} row ({share} of {focus})",
        "Group {id} — {n} rows ({share} of {focus})",
        size,
    ).format(
        id=group_id,
        n=format_value("count", size),
        share=format_value("share", share),
        focus=focus,
    )


def effect_sentence(claim: Claim, target: str, label: str | None) -> str:
    """What the group's conditions go with over all rows, measured out of fold (the
    ``effect`` claim): both means (or rates), the difference, its interval and both counts."""
    n, m = claim.n, claim.n_compare or 0
    if n < MIN_EFFECT_ROWS or m < MIN_EFFECT_ROWS:
        return ngettext(
            "Only {n} row not used to find these conditions meets them: too few to say what "
            "they do to {target}.",
            "Only {n} rows not used to find these conditions meet them: too few to say what "
            "they do to {target}.",
            n,
        ).format(n=format_value("count", n), target=target)
    side = "rate" if label is not None else "mean"
    lo, hi = claim.interval or (float("nan"), float("nan"))
    numbers = {
        "target": target,
        "label": label,
        "meets": format_value(side, claim.value + (claim.comparison or 0.0), claim.step),
        "rest": format_value(side, claim.comparison, claim.step),
        "diff": format_value("difference", claim.value, claim.step, rate=label is not None),
        "low": format_value("difference", lo, claim.step, rate=label is not None),
        "high": format_value("difference", hi, claim.step, rate=label is not None),
        "n": format_value("count", n),
        "m": format_value("count", m),
        "scope": scope_phrase(claim),
    }
    if label is not None:
        return _(
            "{scope}, {target} is {label} in {meets} of the rows where these conditions "
            "hold and in {rest} where they do not: {diff} percentage points (95% interval {low} to "
            "{high}; {n} rows meet them and {m} do not, each checked against conditions found "
            "without it)."
        ).format(**numbers)
    return _(
        "{scope}, {target} averages {meets} where these conditions hold and {rest} where "
        "they do not: {diff} (95% interval {low} to {high}; {n} rows meet them and {m} do not, "
        "each checked against conditions found without it)."
    ).format(**numbers)


def scope_phrase(claim: Claim) -> str:
    """ "Over all rows", or, for a table longer than the cross-fitting sample, "Over a random
    sample of 200,000 rows" (what the counts that follow are counts of)."""
    spec = claim.rows.cross_fit or {}
    rows, limit = int(spec.get("rows") or 0), int(spec.get("max_rows") or 0)
    if limit and rows > limit:
        return _("Over a random sample of {k} rows").format(k=format_value("count", limit))
    return _("Over all rows")


def effect_unclear(direction: str, target: str, label: str | None) -> str:
    """The conditions did not clearly go with the focus on rows that did not pick them."""
    if direction == "minimize":
        text = _(
            "On rows not used to find them, these conditions do not clearly go with low "
            "{target}: treat this group as a lead to check, not a finding."
        )
    elif direction == "class":
        text = _(
            "On rows not used to find them, these conditions do not clearly go with {target} = "
            "{label}: treat this group as a lead to check, not a finding."
        )
    else:
        text = _(
            "On rows not used to find them, these conditions do not clearly go with high "
            "{target}: treat this group as a lead to check, not a finding."
        )
    return text.format(target=target, label=label)


def group_description(
    headline: str, clauses: Sequence[str], controllability: str, caveat: str
) -> str:
    """Headline, the conditions that set the group apart, who can change them, the caveat."""
    if clauses:
        text = _("{headline}: {conditions}.").format(
            headline=headline, conditions=join_clauses(clauses)
        )
    else:
        text = _(
            "{headline}. No single value range or level sets this group apart; its cause may be "
            "a mix of small pushes, or something this table does not record."
        ).format(headline=headline)
    parts = [text]
    if controllability:
        parts.append(controllability)
    if caveat:
        parts.append(caveat)
    return " ".join(parts)


def caveat(direction: str, target: str, label: str | None) -> str:
    """Association, not proof."""
    if direction == "minimize":
        return _(
            "Rows like these tend to have low {target}; this is an association, not proof — "
            "confirm it by trying it on the line."
        ).format(target=target)
    if direction == "class":
        return _(
            "Rows like these end up as {target} = {label} more often; this is an association, "
            "not proof — confirm it by trying it on the line."
        ).format(target=target, label=label)
    return _(
        "Rows like these tend to have high {target}; this is an association, not proof — "
        "confirm it by trying it on the line."
    ).format(target=target)


def travels_along(cond_clause: str) -> str:
    """A distinctive value of a column the model barely uses (a likely confounder)."""
    return _(
        "Also common in this group: {clause} — but the model barely uses that column, so it "
        "probably travels along with the factors above rather than acting itself."
    ).format(clause=cond_clause)


def noise_sentence(n_noise: int, total: int) -> str:
    return ngettext(
        "{n:,} of the {total:,} focus rows fits no group (set aside as noise).",
        "{n:,} of the {total:,} focus rows fit no group (set aside as noise).",
        n_noise,
    ).format(n=n_noise, total=total)


def no_groups_found(n: int, focus: str) -> str:
    return ngettext(
        "The {n:,} row of {focus} does not form distinct groups of causes: the model reaches "
        "them in many different ways.",
        "The {n:,} rows of {focus} do not form distinct groups of causes: the model reaches "
        "them in many different ways.",
        n,
    ).format(n=n, focus=focus)


def focus_too_small(n: int, needed: int) -> str:
    return ngettext(
        "The focus holds only {n} row; at least {needed} are needed to find groups of causes.",
        "The focus holds only {n} rows; at least {needed} are needed to find groups of causes.",
        n,
    ).format(n=n, needed=needed)


def focus_too_small_hint() -> str:
    return _("Widen the focus (for example top:10% instead of top:5%) or load more rows.")


def group_size_too_large(size: int, n: int) -> str:
    return _("A smallest group of {size:,} rows cannot split {n:,} focus rows into groups.").format(
        size=size, n=n
    )


def group_size_hint(max_size: int) -> str:
    return _("Choose a smallest group size of at most {max_size}, or leave it automatic.").format(
        max_size=max_size
    )


def shap_rows_missing() -> str:
    return _("The explanation does not cover the rows of this table.")


def shap_rows_missing_hint() -> str:
    return _("Run the explanation again on the current data, then look for groups.")


def progress_grouping(n: int) -> str:
    return ngettext(
        "Grouping {n:,} focus row by its causes…", "Grouping {n:,} focus rows by their causes…", n
    ).format(n=n)


def progress_describing(group_id: int) -> str:
    return _("Describing group {id}…").format(id=group_id)


# ------------------------------------------------------------------------------------------
# The analysis report (workbench analyze)
# ------------------------------------------------------------------------------------------


def report_data(name: str, rows: int, columns: int, fmt: str) -> str:
    return _("Data: {name} — {rows} × {columns} ({fmt}).").format(
        name=name,
        rows=ngettext("{n:,} row", "{n:,} rows", rows).format(n=rows),
        columns=ngettext("{n} column", "{n} columns", columns).format(n=columns),
        fmt=fmt,
    )


def report_quality_headline(n_alerts: int) -> str:
    if n_alerts == 0:
        return _("Quality: nothing needs attention.")
    return ngettext(
        "Quality: {n} thing needs attention:", "Quality: {n} things need attention:", n_alerts
    ).format(n=n_alerts)


def report_cleaning_headline() -> str:
    return _("Cleaned before modeling:")


def report_excluded_headline() -> str:
    return _("Kept out of the model:")


def report_model_headline() -> str:
    return _("Model:")


def report_drivers_headline(how: str) -> str:
    return _("Top drivers overall (mean |SHAP|). {how}").format(how=how)


def role_tag(role: str) -> str:
    tags = {
        "controllable": _(" — controllable"),
        "uncontrollable": _(" — outside your control"),
    }
    return tags.get(role, "")


def report_focus(description: str, n: int) -> str:
    return ngettext(
        "Focus: {description} — {n:,} row.", "Focus: {description} — {n:,} rows.", n
    ).format(description=description, n=n)


def report_group_drivers(drivers: Sequence[tuple[str, float, str]]) -> str:
    if not drivers:
        return _("Top drivers in this group: none pushes clearly toward the focus.")
    items = ", ".join(f"{name} ({format_signed(value)})" for name, value, _c in drivers)
    return _("Top drivers in this group (mean SHAP toward the focus): {items}").format(items=items)


def no_signal_no_groups(target: str) -> str:
    return _(
        "No cause groups are shown: the model found no usable signal for {target} in these "
        "columns, and groups found in noise would mislead."
    ).format(target=target)


def target_empty(target: str) -> str:
    return _("The column {target} holds no values to learn from.").format(target=target)


def target_empty_hint() -> str:
    return _("Choose another target column, or check the file's export.")


def progress_done() -> str:
    return _("Analysis done")


# --- how the grouping holds up (stability, overlap) --------------------------------------------


def overlap_sentence(first: int, second: int) -> str:
    """A group whose rows meet the conditions of two other groups at once."""
    return _("These are the rows that meet both group {a} and group {b}.").format(a=first, b=second)


def weak_group_sentence(stability: float, basis: str = "resamples") -> str:
    """A group that does not replicate when the grouping is redone (on other fits of the model,
    or on resampled rows)."""
    if basis == "models":
        text = _(
            "Weak group: it came back in only {pct} of the re-runs with other fits of the model "
            "and resampled rows, so it may not be a distinct cause."
        )
    else:
        text = _(
            "Weak group: it came back in only {pct} of the re-runs on resampled rows, so it may "
            "not be a distinct cause."
        )
    return text.format(pct=_share_text(stability))


def _share_text(share: float) -> str:
    """A share as its claim shows it (the claims audit finds this text)."""
    from workbench.claim_format import format_value

    return format_value("share", share)


def stability_line(stability: float, reruns: int, basis: str, *, weak: bool) -> str:
    """The group's stability as a number: how well it came back when the grouping was redone."""
    from workbench.claim_format import format_value

    pct, n = _share_text(stability), format_value("count", reruns)
    if basis == "models":
        text = _(
            "Stability {pct}: how well the group came back in {n} re-runs with other fits "
            "of the model and resampled rows."
        )
    else:
        text = _("Stability {pct}: how well the group came back in {n} re-runs on resampled rows.")
    line = text.format(pct=pct, n=n)
    return f"{line} {_('Weak group.')}" if weak else line
