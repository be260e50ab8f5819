"""The Library view's sentences, in one place (a Korean catalog translates them)."""

from __future__ import annotations

from workbench.i18n import _

TITLE = _("Library")
INTRO = _(
    "Every action logged with an outcome is kept here, across projects — what did not work "
    "and what could not be tried, too. Look here before planning a trial."
)
LOCATION_PERSONAL = _("Library on this computer: {path}")
LOCATION_SHARED = _("Shared team library: {path}")
SEARCH_LABEL = _("Search:")
SEARCH_PLACEHOLDER = _("words from the title, hypothesis, notes, reasons, factors…")
FACTOR_LABEL = _("Factor:")
OUTCOME_LABEL = _("Outcome:")
PROJECT_LABEL = _("Project:")
ANY = _("any")
HEADERS = [_("Logged"), _("Action"), _("Outcome"), _("Project"), _("Factors")]
SEARCHING = _("Searching the library…")
EMPTY_LIBRARY = _(
    "The library is empty. When an action's outcome is logged on the Actions step — improved, "
    "no change, worse, or could not be tried — it is kept here."
)
NO_HITS = _("Nothing in the experiment library matches.")
COUNT = _("{shown:,} of {total:,} entries match.")
NO_SELECTION = _("Select an entry to read it.")
OPEN_PROJECT = _("Open its project")
NOT_AT_HAND = _(
    "The project file of “{name}” is not at hand on this computer (not among the recent files)."
)
DETAIL_PROJECT = _("Project: {project}")
DETAIL_GOAL = _("Goal: {target}")
DETAIL_PERIOD = _("Data period: {period}")
DETAIL_HYPOTHESIS = _("Hypothesis: {text}")
DETAIL_CHANGE = _("Change: {text}")
DETAIL_CONDITIONS = _("Cause group: {text}")
DETAIL_REASON = _("Could not be tried because: {text}")
DETAIL_EFFECT = _("Measured effect: {effect}")
DETAIL_EVIDENCE = _("Evidence: {text}")
DETAIL_NOTES = _("Notes: {text}")
