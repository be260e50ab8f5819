"""The Quality pane's "Predict the missing values…" button and the sentence said afterwards.

The button acts on the column selected in the profile table when it has missing cells of
numbers or labels. The dialog's answer becomes a ``predict_missing`` recipe step; the pane's own
replay job (the one job runner, never the GUI thread) then fits the models, and when it is back
the sentence says what happened: "Filled 412 of 450 missing ‘belt_speed’ values (38 left empty:
confidence below 80%).". Every replay also hands its predicted cells to the controller, so the
Data pane's grid can shade them.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QWidget

from ui.controller import ProjectController
from ui.panes.predict_dialog import PredictMissingDialog
from workbench.i18n import _
from workbench.project import Project

PREDICT = _("Predict the missing values…")
PREDICT_TIP = _(
    "Fill the missing cells of the selected column with values predicted from the other "
    "columns, each with its confidence (added to the cleaning recipe)."
)
PREDICT_NOT_NEEDED = _("The selected column has no missing cells.")
PREDICT_CANNOT = _("Only columns of numbers or labels can be predicted.")
PREDICTING = _("Predicting the missing ‘{column}’ values…")
PREDICTABLE_KINDS = ("numeric", "categorical", "boolean")


class PredictMissing:
    """The button, its dialog, and the sentence after the replay (owned by the Quality pane)."""

    def __init__(self, controller: ProjectController, parent: QWidget) -> None:
        self.controller = controller
        self.parent = parent
        self.button = QPushButton(PREDICT, parent)
        self.button.setToolTip(PREDICT_TIP)
        self.button.setEnabled(False)
        self.button.clicked.connect(lambda: self.ask())
        self.sentence = QLabel(parent)
        self.sentence.setWordWrap(True)
        self._profile: Any = None
        self._pending: tuple[str, int] | None = None  # (column, step index) awaiting its replay

    @property
    def project(self) -> Project:
        return self.controller.project

    def set_column(self, profile: Any) -> None:
        """The profile of the selected column (None: nothing selected)."""
        self._profile = profile
        usable = profile is not None and profile.kind in PREDICTABLE_KINDS
        self.button.setEnabled(bool(usable and profile.missing > 0))
        if profile is None:
            self.button.setToolTip(PREDICT_TIP)
        elif not usable:
            self.button.setToolTip(PREDICT_CANNOT)
        elif profile.missing == 0:
            self.button.setToolTip(PREDICT_NOT_NEEDED)
        else:
            self.button.setToolTip(PREDICT_TIP)

    def dialog(self) -> PredictMissingDialog | None:
        """The dialog for the selected column (tests fill it in and call :meth:`add`)."""
        from workbench.pipeline import not_predictors

        profile = self._profile
        if profile is None or self.project.table is None:
            return None
        goal = self.project.goal
        is_target = goal is not None and str(goal.target) == profile.name
        exclude = sorted(c for c in not_predictors(self.project) if c != profile.name)
        return PredictMissingDialog(
            profile.name, profile.missing, profile.count, is_target, exclude, self.parent
        )

    def ask(self) -> None:
        dialog = self.dialog()
        if dialog is not None and dialog.exec() == QDialog.DialogCode.Accepted:
            self.add(dialog.step())

    def add(self, step: dict[str, Any]) -> None:
        """Add ``step`` to the recipe; the pane's replay job runs it."""
        from workbench.steps.recipe import Recipe

        steps = [] if self.project.recipe is None else self.project.recipe.steps
        recipe = Recipe(steps)
        index = recipe.add(step)
        self._pending = (step["column"], index)
        self.sentence.setText(PREDICTING.format(column=step["column"]))
        self.project.set_recipe(recipe)

    def on_replayed(self, replay: Any) -> None:
        """A replay is back: publish its predicted cells; say what the new step did."""
        if replay is None:
            return
        self.controller.set_predicted(self.project.table, replay.predicted)
        if self._pending is None:
            return
        column, index = self._pending
        report = replay.reports[index] if index < len(replay.reports) else None
        if report is None or (report.step or {}).get("column") != column:
            return
        self._pending = None
        text = report.warning or sentence(report, self.project)
        self.sentence.setText(text)
        self.controller.status_message.emit(text)


def sentence(report: Any, project: Project) -> str:
    """ "Filled 412 of 450 missing ‘belt_speed’ values (38 left empty: ...)." and, for the
    goal's column, what happens to those rows in the model."""
    from workbench.steps import predict_wording as words

    details = report.details
    column = str((report.step or {}).get("column", ""))
    text = words.filled_sentence(
        column,
        int(details.get("filled", 0)),
        int(details.get("missing", 0)),
        int(details.get("left_empty", 0)),
        details.get("min_confidence"),
    )
    said = words.confidence_sentence(column, details.get("median_confidence"))
    if said:
        text = f"{text} {said}"
    goal = project.goal
    filled = int(details.get("filled", 0))
    if goal is not None and str(goal.target) == column and filled:
        train = bool((report.step or {}).get("train_on_predicted"))
        extra = words.target_rows_used if train else words.target_rows_kept_out
        text = f"{text} {extra(column, filled)}"
    return text
