"""Every sentence the Causes pane shows, and the group texts built from a cause group.

Kept apart from the widgets so the wording sits in one place (and the pane module stays short).
"""

from __future__ import annotations

from typing import Any

from workbench.claim_format import format_value
from workbench.i18n import _
from workbench.steps.causes_wording import fmt_number, stability_line
from workbench.vocabulary import Controllability, controllability_label

# -- the pane's sentences ------------------------------------------------------------------------
TITLE = _("Causes")
NOT_RUN = _(
    "No model has been run yet. Run it on the Model step; its drivers and cause groups show here."
)
STALE = _(
    "Out of date: the data, goal, roles or settings changed after this model ran. "
    "Run the model again on the Model step to update what you see here."
)
NO_SIGNAL = _(
    "No usable signal: the model predicts {target} no better than a simple average, so it "
    "cannot point at causes. There are no drivers or cause groups to show."
)
NO_SIGNAL_HINT = _(
    "Check that the columns that could matter are in the data and marked as factors, "
    "or collect more rows; then run the model again."
)
SAMPLED = _(
    "The plots show a fixed random sample of {shown:,} of the {total:,} explained rows, "
    "so they stay quick."
)
SCOPES = {"overall": _("All rows"), "focus": _("Focus rows")}
DRIVERS_BOX = _("What the model leans on")
BEESWARM_BOX = _("How each factor pushed each row (SHAP)")
DEPENDENCE_BOX = _("The selected driver")
GROUPS_BOX = _("Cause groups: distinct ways the focus rows got there")
COMPARE_BOX = _("The selected group against the rest")
SCOPE_LABEL = _("Explain:")
DRIVER_LABEL = _("Driver:")
CREATE_ACTION = _("Create action from this group…")
ACTION_CREATED = _("Added the action “{title}” to the log.")
NO_GROUP_SELECTED = _("Select a group to compare it with the rest of the rows.")
MARKS = {
    Controllability.CONTROLLABLE: "✓",
    Controllability.UNCONTROLLABLE: "✗",
    Controllability.UNKNOWN: "?",
}
MARKS_LINE = _("Can the line set them? {marks}")
MARKS_LEGEND = _("✓ controllable   ✗ outside your control   ? not set on the Goal step")
ALSO_NOTE = _("{condition} (travels along, not a driver)")
COMPARE_HEADERS = [
    _("Condition"),
    _("Can be set"),
    _("Group"),
    _("Rest"),
    _("Typical values (10–90%)\ngroup vs rest"),
]
RANGE = _("{low} to {high}")
RANGES = _("{group} vs {rest}")


def _range_text(rng: Any, step: float | None, column: str | None = None) -> str:
    if rng is None:
        return "–"
    return RANGE.format(low=fmt_number(rng[0], step, column), high=fmt_number(rng[1], step, column))


def group_marks(group: Any) -> str:
    """Controllable marks of the factors in the description: "✓ firing_temp  ? supplier"."""
    seen: dict[str, str] = {}
    for item in group.conditions or group.drivers:
        seen.setdefault(item.column, item.controllable)
    marks = "  ".join(f"{MARKS.get(c, '?')} {col}" for col, c in seen.items())
    return MARKS_LINE.format(marks=marks)


def group_stability_text(group: Any) -> str:
    """ "Stability 92%: how well the group came back in 6 re-runs ..." ("Weak group." below
    60%), from the group's stability claim; "" for a group saved before stability claims."""
    claim = group.claims.get("stability") if group.claims is not None else None
    if claim is None or group.stability is None:
        return ""
    return stability_line(claim.value, claim.n_compare or 0, claim.estimate, weak=group.weak)


def group_item_text(group: Any, tried: list[str]) -> str:
    """A group's list entry: description, its stability, controllable marks, then the
    library's "Tried before: ..." lines (past actions on its factors that did not help)."""
    stability = group_stability_text(group)
    return "\n".join(
        [group.description, *([stability] if stability else []), group_marks(group), *tried]
    )


def comparison_rows(group: Any) -> list[list[str]]:
    """The comparison table of a group: one row per condition, then the travelling-along ones."""
    rows = []
    for cond, also in [*((c, False) for c in group.conditions), *((c, True) for c in group.also)]:
        text = ALSO_NOTE.format(condition=cond.text) if also else cond.text
        ranges = "–"
        if cond.group_range is not None and cond.rest_range is not None:
            ranges = RANGES.format(
                group=_range_text(cond.group_range, cond.step, cond.column),
                rest=_range_text(cond.rest_range, cond.step, cond.column),
            )
        rows.append(
            [
                text,
                controllability_label(cond.controllable),
                format_value("share", cond.group_share),  # the group's claims, as described
                format_value("share", cond.rest_share),
                ranges,
            ]
        )
    return rows
