"""The Model pane's sentences and the metrics table's wording, in one place."""

from __future__ import annotations

from typing import Any

from workbench.i18n import _
from workbench.numbers_format import format_number
from workbench.steps.goal import Task

TITLE = _("Model")
NEEDS_INPUTS = _("Load data and choose a target on the Goal step; then the model can be fitted.")
VALIDATIONS = {
    "auto": _("Automatic (time-ordered when a time column is marked, else k-fold)"),
    "k-fold": _("k-fold: test on each fifth of the rows in turn"),
    "time-ordered": _("Time-ordered: learn from earlier rows, test on later ones"),
}
EFFORTS = {
    "quick": _("Quick: a first look in seconds"),
    "standard": _("Standard: a careful fit"),
    "thorough": _("Thorough: slower, squeezes out more detail"),
}
RUN = _("Run the model")
CANCEL = _("Cancel")
STARTING = _("Starting…")
STOPPING = _("Stopping…")
CANCELLED = _("The run was cancelled; nothing was changed.")
STALE = _(
    "Out of date: the data, goal, roles or settings changed after this model ran. "
    "Run it again to update the results."
)
NOT_RUN = _("The model has not been run yet. Choose the settings and press Run.")
KEEP_OUT = _("Keep {columns} out and fit again")
METRIC_HEADERS = [_("Measure"), _("Value")]
MULTICLASS_NOTE = _("Several classes: the table shows how often each class is recognised.")
THRESHOLD = _("Alarm threshold: {t}")
THRESHOLD_SENTENCE = _(
    "At this threshold the model raises {alarms} alarms: it catches {recall} of the {positives} "
    "“{label}” rows (misses {miss}), and {precision} of its alarms are right."
)
THRESHOLD_NONE = _("At this threshold the model raises no alarm.")


def pct(x: float | None) -> str:
    """A share as a percentage with one decimal, or a dash when unknown."""
    return "–" if x is None else f"{100 * x:.1f}%"


def _num(x: float | None, digits: int = 3) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def _sig(x: float | None) -> str:
    return "–" if x is None else format_number(x)


def metric_rows(fit: Any, at: dict[str, Any] | None = None) -> list[tuple[str, str]]:
    """The metrics table: (plain name, formatted value); ``at`` = threshold metrics."""
    m = dict(fit.metrics)
    base = fit.baseline_score
    if fit.task == Task.REGRESSION:
        return [
            (_("Share of variation explained (R²)"), _num(m.get("r2"))),
            (_("Best simple rule or average (R²)"), _num(base)),
            (_("Typical error (mean absolute error)"), _sig(m.get("mae"))),
            (_("Root mean squared error"), _sig(m.get("rmse"))),
            (_("Rows checked"), f"{m.get('rows', 0):,}"),
        ]
    if fit.task == Task.BINARY:
        m.update(at or {})
        return [
            (_("Ranking quality (ROC AUC; 0.5 = guessing)"), _num(m.get("roc_auc"))),
            (_("Best simple rule (ROC AUC)"), _num(base)),
            (_("Alarm threshold"), _num(m.get("threshold"), 2)),
            (_("Problem rows caught (recall)"), pct(m.get("recall"))),
            (_("Problem rows missed (miss rate)"), pct(m.get("miss_rate"))),
            (_("Alarms that are right (precision)"), pct(m.get("precision"))),
            (_("Good rows flagged (false-alarm rate)"), pct(m.get("false_alarm_rate"))),
        ]
    rows = [
        (_("Ranking quality (average ROC AUC)"), _num(m.get("macro_roc_auc"))),
        (_("Best simple rule (average ROC AUC)"), _num(base)),
        (_("Balanced accuracy"), pct(m.get("balanced_accuracy"))),
    ]
    for label, recall in (m.get("per_class_recall") or {}).items():
        rows.append((_("Class “{label}” recognised").format(label=label), pct(recall)))
    return rows
