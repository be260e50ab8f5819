"""Every sentence the what-if panel shows (the setting's own sentences come from
:mod:`workbench.steps.whatif_wording`)."""

from __future__ import annotations

from workbench.i18n import _

TAB = _("What if…")
DRIVERS_TAB = _("Drivers")
INTRO = _(
    "Predicted {target} as one factor moves, the others as observed. Thin lines: each row; "
    "thick: their average; orange: refitted models; grey: 5–95% of the rows; dashed: now."
)
ROWS_LABEL = _("Rows:")
ROWS_CHOICES = {
    "group": _("The selected cause group"),
    "focus": _("All focus rows"),
    "all": _("All rows"),
    "row": _("One row:"),
}
ROW_TOOLTIP = _("The row's number as the data grid shows it.")
COMPUTING = _("Computing the what-if curves…")
NO_GROUP = _("Select a cause group on the left, or choose other rows above.")
SET_LABEL = _("Set to:")
CREATE_ACTION = _("Create action from this setting…")
ACTION_CREATED = _("Added the action “{title}” to the log.")
FAILED = _("The what-if could not be computed: {message}")
UNIT_RATE = _("share of {label} (%)")
