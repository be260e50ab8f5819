"""The Model pane: settings in plain words, Run with progress and Cancel, and the honest result.

The run is the project's pipeline, :func:`workbench.pipeline.run_pipeline` (fit → explain →
cause groups) in a background job; its :class:`~workbench.analysis_result.AnalysisResult` is
stored as ``Section.MODEL`` (the cleaned table's quality report as ``Section.QUALITY``) stamped
with the inputs it was computed from, so the Causes pane shows the same run and an edit made
meanwhile marks it out of date. The pane shows the verdict sentence, the metrics, and a
predicted-vs-actual plot (numbers) or the miss / false-alarm trade-off with a threshold slider
(yes/no targets) whose numbers are recomputed from the validation predictions as the slider
moves; the chosen threshold is saved in the project's settings.
"""

from __future__ import annotations

import dataclasses
import sys
from typing import Any

import numpy as np
from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSlider,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.controller import ProjectController
from ui.jobs import JobFailure
from ui.panes.base import Pane
from ui.panes.model_text import (
    CANCEL,
    CANCELLED,
    EFFORTS,
    KEEP_OUT,
    METRIC_HEADERS,
    MULTICLASS_NOTE,
    NEEDS_INPUTS,
    NOT_RUN,
    RUN,
    STALE,
    STARTING,
    STOPPING,
    THRESHOLD,
    THRESHOLD_NONE,
    THRESHOLD_SENTENCE,
    TITLE,
    VALIDATIONS,
    metric_rows,
    pct,
)
from ui.plots.fit_plot import PredictedActualPlot, TradeoffPlot
from workbench.errors import WorkbenchError
from workbench.i18n import _
from workbench.project import Section
from workbench.steps.goal import Task


def threshold_metrics(y: np.ndarray, p: np.ndarray, threshold: float) -> dict[str, Any]:
    """Recall, precision, miss and false-alarm rates at ``threshold`` (O(n), fast for sliders)."""
    alarm = p >= threshold
    tp = int(np.sum(alarm & (y == 1)))
    fp = int(np.sum(alarm & (y == 0)))
    pos, neg = int(np.sum(y == 1)), int(np.sum(y == 0))
    recall = tp / pos if pos else None
    return {
        "threshold": threshold,
        "recall": recall,
        "miss_rate": None if recall is None else 1 - recall,
        "precision": tp / (tp + fp) if tp + fp else None,
        "false_alarm_rate": fp / neg if neg else None,
        "alarms": tp + fp,
        "positives": pos,
    }


class ModelPane(Pane):
    """Settings, Run/Cancel with progress, verdict, metrics and the fit plot."""

    title = TITLE
    #: Cluster in a worker process (HDBSCAN holds the GIL and would freeze the window); tests
    #: on tiny tables may turn it off to skip the process start.
    cluster_in_worker = True

    def __init__(self, controller: ProjectController, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        self._binary: tuple[np.ndarray, np.ndarray] | None = None  # derived: y, p of the result
        self._build()

    # -- layout --------------------------------------------------------------------------------
    def _build(self) -> None:
        self.validation_combo = QComboBox()
        for key, text in VALIDATIONS.items():
            self.validation_combo.addItem(text, key)
        self.validation_combo.activated.connect(self._on_settings_changed)
        self.effort_combo = QComboBox()
        for key, text in EFFORTS.items():
            self.effort_combo.addItem(text, key)
        self.effort_combo.activated.connect(self._on_settings_changed)
        self.run_button = QPushButton(RUN)
        self.run_button.clicked.connect(self._on_run_button_clicked)
        self.cancel_button = QPushButton(CANCEL)
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress_label = QLabel()
        self.progress_label.setWordWrap(True)
        form = QFormLayout()
        form.addRow(_("How to check the model:"), self.validation_combo)
        form.addRow(_("Effort:"), self.effort_combo)
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.progress, 1)
        form.addRow(buttons)
        form.addRow(self.progress_label)
        settings_box = QGroupBox(_("Settings"))
        settings_box.setLayout(form)

        self.inputs_label = QLabel(NEEDS_INPUTS)
        self.inputs_label.setWordWrap(True)
        self.stale_banner = QLabel(STALE)
        self.stale_banner.setWordWrap(True)
        self.stale_banner.setStyleSheet(
            "background: #fff3cd; color: #5c4400; border: 1px solid #e0c060; padding: 8px;"
            "font-weight: bold;"
        )
        self.verdict_label = QLabel(NOT_RUN)
        self.verdict_label.setWordWrap(True)
        font = self.verdict_label.font()
        font.setPointSize(font.pointSize() + 2)
        self.verdict_label.setFont(font)
        # a too-good model names the columns that give the answer away: one click keeps them out
        self.keep_out_button = QPushButton()
        self.keep_out_button.setVisible(False)
        self.keep_out_button.clicked.connect(self._on_keep_out_button_clicked)
        self.validation_label = QLabel()
        self.validation_label.setWordWrap(True)
        self.metrics_table = QTableWidget(0, 2)
        self.metrics_table.setHorizontalHeaderLabels(METRIC_HEADERS)
        self.metrics_table.verticalHeader().hide()
        self.metrics_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.metrics_table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.Stretch
        )
        self.metrics_table.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.ResizeToContents
        )
        self.metrics_table.setMinimumWidth(360)

        self.fit_plot = PredictedActualPlot()
        self.tradeoff_plot = TradeoffPlot()
        self.threshold_slider = QSlider(Qt.Orientation.Horizontal)
        self.threshold_slider.setRange(1, 99)
        self.threshold_slider.valueChanged.connect(self._on_threshold_slider_value_changed)
        self.threshold_slider.sliderReleased.connect(self._store_threshold)
        self.threshold_label = QLabel()
        self.threshold_sentence = QLabel()
        self.threshold_sentence.setWordWrap(True)
        tradeoff = QWidget()
        t_layout = QVBoxLayout(tradeoff)
        t_layout.setContentsMargins(0, 0, 0, 0)
        t_layout.addWidget(self.tradeoff_plot, 1)
        slider_row = QHBoxLayout()
        slider_row.addWidget(self.threshold_label)
        slider_row.addWidget(self.threshold_slider, 1)
        t_layout.addLayout(slider_row)
        t_layout.addWidget(self.threshold_sentence)
        self.note_label = QLabel(MULTICLASS_NOTE)
        self.note_label.setWordWrap(True)
        self.plots = QStackedWidget()
        for w in (self.fit_plot, tradeoff, self.note_label):
            self.plots.addWidget(w)
        self.tradeoff = tradeoff

        results = QHBoxLayout()
        results.addWidget(self.metrics_table, 2)
        results.addWidget(self.plots, 3)
        self.results = QWidget()
        r_layout = QVBoxLayout(self.results)
        r_layout.setContentsMargins(0, 0, 0, 0)
        r_layout.addWidget(self.validation_label)
        r_layout.addLayout(results, 1)

        settings_box.setMaximumWidth(900)  # plain words read badly in a screen-wide combo
        layout = QVBoxLayout(self)
        layout.addWidget(self.inputs_label)
        layout.addWidget(settings_box)
        layout.addWidget(self.stale_banner)
        layout.addWidget(self.verdict_label)
        keep_out_row = QHBoxLayout()
        keep_out_row.addWidget(self.keep_out_button)
        keep_out_row.addStretch(1)
        layout.addLayout(keep_out_row)
        layout.addWidget(self.results, 1)

    # -- the pane contract ---------------------------------------------------------------------
    def is_available(self) -> bool:
        return self.project.table is not None and self.project.goal is not None

    def is_complete(self) -> bool:
        return self.project.result(Section.MODEL) is not None and not self.is_stale()

    def needs_attention(self) -> bool:
        return self.is_stale()

    def is_stale(self) -> bool:
        return self.project.is_stale(Section.MODEL)

    def is_running(self) -> bool:
        return self.controller.runner.is_running("model")

    # -- refresh -------------------------------------------------------------------------------
    def refresh(self) -> None:
        from workbench.steps.model_settings import ModelSettings

        settings = self.project.settings or ModelSettings()
        with QSignalBlocker(self.validation_combo), QSignalBlocker(self.effort_combo):
            self.validation_combo.setCurrentIndex(
                max(0, self.validation_combo.findData(settings.validation))
            )
            self.effort_combo.setCurrentIndex(max(0, self.effort_combo.findData(settings.effort)))
        self.inputs_label.setVisible(not self.is_available())
        self._update_running()
        result = self.project.result(Section.MODEL)
        self.stale_banner.setVisible(result is not None and self.is_stale())
        self.results.setVisible(result is not None)
        if result is None:
            self.verdict_label.setText(NOT_RUN)
            self.keep_out_button.setVisible(False)
            self._binary = None
            return
        fit = result.fit
        self.verdict_label.setText(fit.verdict_message)
        giveaway = list(getattr(fit, "giveaway", None) or [])
        self.keep_out_button.setText(KEEP_OUT.format(columns=", ".join(giveaway)))
        self.keep_out_button.setVisible(fit.verdict == "too_good" and bool(giveaway))
        self.keep_out_button.setEnabled(not self.is_running())
        from workbench.steps.sampling_wording import sampled_sentence_of

        sampled = sampled_sentence_of(result)  # trained on a sample of a larger file
        said = _with_predicted_note(fit.validation_message, result)
        self.validation_label.setText(" ".join(t for t in (said, sampled) if t))
        self._binary = None
        if fit.task == Task.REGRESSION:
            actual = result.frame.loc[fit.oof_pred.index, fit.target].to_numpy(dtype=float)
            self.fit_plot.show_fit(actual, fit.oof_pred.to_numpy(dtype=float), fit.target)
            self.plots.setCurrentWidget(self.fit_plot)
            self._fill_metrics(metric_rows(fit))
        elif fit.task == Task.BINARY:
            from workbench.steps.features import encode_target

            encoded = encode_target(result.frame[fit.target], Task.BINARY, fit.positive_class)
            y = encoded.y.loc[fit.oof_pred.index].to_numpy().astype(int)
            p = fit.oof_pred.to_numpy(dtype=float)
            self._binary = (y, p)
            self.tradeoff_plot.show_curve(y, p)
            self.plots.setCurrentWidget(self.tradeoff)
            chosen = settings.threshold if settings.threshold is not None else fit.threshold
            with QSignalBlocker(self.threshold_slider):
                self.threshold_slider.setValue(round(100 * float(chosen or 0.5)))
            self._show_threshold(float(chosen or 0.5))
        else:
            self.plots.setCurrentWidget(self.note_label)
            self._fill_metrics(metric_rows(fit))

    def _fill_metrics(self, rows: list[tuple[str, str]]) -> None:
        self.metrics_table.setRowCount(len(rows))
        for i, (name, value) in enumerate(rows):
            self.metrics_table.setItem(i, 0, QTableWidgetItem(name))
            item = QTableWidgetItem(value)
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.metrics_table.setItem(i, 1, item)

    def _show_threshold(self, threshold: float) -> None:
        """Recompute the threshold's numbers from the validation predictions and show them."""
        result = self.project.result(Section.MODEL)
        if self._binary is None or result is None:
            return
        at = threshold_metrics(*self._binary, threshold)
        self.threshold_label.setText(THRESHOLD.format(t=f"{threshold:.2f}"))
        self.tradeoff_plot.set_marker(at["false_alarm_rate"], at["miss_rate"])
        if at["alarms"]:
            self.threshold_sentence.setText(
                THRESHOLD_SENTENCE.format(
                    alarms=f"{at['alarms']:,}",
                    recall=pct(at["recall"]),
                    positives=f"{at['positives']:,}",
                    label=result.fit.positive_class,
                    miss=pct(at["miss_rate"]),
                    precision=pct(at["precision"]),
                )
            )
        else:
            self.threshold_sentence.setText(THRESHOLD_NONE)
        self._fill_metrics(metric_rows(result.fit, at))

    def _update_running(self) -> None:
        running = self.is_running()
        self.run_button.setEnabled(self.is_available() and not running)
        self.cancel_button.setEnabled(running)
        self.progress.setVisible(running)
        for w in (self.validation_combo, self.effort_combo):
            w.setEnabled(not running)

    # -- user intent ---------------------------------------------------------------------------
    def _on_settings_changed(self, _index: int) -> None:
        from workbench.steps.model_settings import ModelSettings

        settings = self.project.settings or ModelSettings()
        self.project.set_settings(
            dataclasses.replace(
                settings,
                validation=self.validation_combo.currentData(),
                effort=self.effort_combo.currentData(),
            )
        )

    def _on_run_button_clicked(self) -> None:
        from workbench.pipeline import AnalysisInputs, run_pipeline

        try:
            inputs = AnalysisInputs.from_project(self.project)
        except WorkbenchError as exc:
            QMessageBox.information(self, TITLE, f"{exc.message}\n\n{exc.hint}")
            return
        self.progress.setValue(0)
        self.progress_label.setText(STARTING)
        # Settings ▸ Compute: on a Dask cluster when one is chosen (ui/compute_settings.py); a
        # file larger than memory: a stated sample (workbench.big_table); else the pipeline
        job: tuple[Any, ...] = (run_pipeline, inputs)
        options: dict[str, Any] = {"in_process": self.cluster_in_worker}
        if self.controller.compute:
            from workbench.compute.model_job import run_model_on_cluster

            job, options = (run_model_on_cluster, inputs, self.controller.compute), {}
        elif inputs.table.whole_file is not None:
            from workbench.big_table import run_big_model

            job = (run_big_model, inputs)
        self.controller.runner.start(
            "model",
            *job,
            **options,
            on_success=lambda result, inputs=inputs: self._on_run_succeeded(result, inputs),
            on_failure=self._on_run_failed,
            on_progress=self._on_run_progress,
            on_cancel=self._on_run_cancelled,
        )
        self._update_running()
        self.completeness_changed.emit()

    def _on_keep_out_button_clicked(self) -> None:
        """Keep the columns that give the answer away out of the model, and fit again: a
        flagged column the user had put back returns to its flag; any other is excluded."""
        from workbench.vocabulary import ColumnRole

        result = self.project.result(Section.MODEL)
        if result is None or self.is_running():
            return
        fit = result.fit
        flagged = {e.column for e in fit.forced}
        for column in fit.giveaway:
            self.project.set_role(column, None if column in flagged else ColumnRole.EXCLUDED)
        self._on_run_button_clicked()

    def _on_cancel_button_clicked(self) -> None:
        self.controller.runner.cancel("model")
        self.cancel_button.setEnabled(False)
        self.progress_label.setText(STOPPING)

    def _on_run_progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(int(100 * fraction))
        self.progress_label.setText(message)
        self.job_progress.emit(fraction, message)

    def _on_run_succeeded(self, result: Any, inputs: Any) -> None:
        from workbench.pipeline import store_results

        self.progress_label.setText("")
        store_results(self.project, result, inputs)  # the cleaned table's quality, the model
        self._after_run()

    def _on_run_failed(self, failure: JobFailure) -> None:
        self.progress_label.setText("")
        self._after_run()
        try:
            from ui.widgets.error_dialog import show_failure
        except ImportError:  # the shell's dialog has not landed yet
            QMessageBox.warning(self, TITLE, f"{failure.message}\n\n{failure.hint}")
        else:
            show_failure(self, failure)

    def _on_run_cancelled(self) -> None:
        self.progress_label.setText(CANCELLED)
        self._after_run()

    def _after_run(self) -> None:
        # The job ends after this slot; update the buttons once the runner has let go of it.
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, self._update_running)
        self.refresh()
        self.completeness_changed.emit()

    def _on_threshold_slider_value_changed(self, value: int) -> None:
        self._show_threshold(value / 100.0)
        if not self.threshold_slider.isSliderDown():  # keyboard / click: store now
            self._store_threshold()

    def _store_threshold(self) -> None:
        """Save the chosen threshold; the fit itself does not change, so it stays current."""
        from workbench.steps.model_settings import ModelSettings

        project = self.project
        result = project.result(Section.MODEL)
        threshold = self.threshold_slider.value() / 100.0
        settings = project.settings or ModelSettings()
        if settings.threshold == threshold:
            return
        was_current = result is not None and not project.is_stale(Section.MODEL)
        project.set_settings(dataclasses.replace(settings, threshold=threshold))
        if was_current:  # re-stamp: only the alarm threshold moved, not the model's inputs
            project.set_result(Section.MODEL, result)


def _defect_project() -> Any:
    """The demo with a yes/no goal: defect = the lowest fifth of efficiency (preview only)."""
    import tempfile
    import threading
    from pathlib import Path

    import pandas as pd

    from workbench.analysis import make_goal
    from workbench.jobs import JobContext
    from workbench.pipeline import load_data
    from workbench.project import Project
    from workbench.tables.table import LoadOptions

    demo = Path(__file__).resolve().parents[2] / "resources" / "demo" / "solar_cells.csv"
    frame = pd.read_csv(demo)
    low = frame["efficiency"] < frame["efficiency"].quantile(0.2)
    frame = frame.drop(columns=["efficiency", "final_test_efficiency"])
    frame["defect"] = np.where(low, "yes", "no")
    path = Path(tempfile.mkdtemp()) / "solar_defect.csv"
    frame.to_csv(path, index=False)
    project = Project(name="defect")
    project.set_table(load_data(JobContext(None, threading.Event()), path, LoadOptions()))
    project.set_goal(make_goal(project.table.frame, "defect"))
    return project


def _with_predicted_note(text: str, result: Any) -> str:
    """The validation sentence, plus what happened to rows whose outcome was predicted."""
    from workbench.steps.predicted_target import model_note

    note = model_note(list(getattr(result, "cleaning", None) or []), str(result.goal.target))
    return f"{text} {note}" if note else text


def main(argv: list[str]) -> int:
    """Preview on the demo data: ``python -m ui.panes.model_pane [--defect] [--screenshot F]``."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from ui.panes.goal_pane import demo_project
    from workbench.steps.model_settings import ModelSettings

    app = QApplication.instance() or QApplication(argv)
    controller = ProjectController()
    project = _defect_project() if "--defect" in argv else demo_project()
    project.set_settings(ModelSettings(effort="quick"))
    controller.replace_project(project)
    pane = ModelPane(controller)
    pane.resize(1180, 760)
    pane.show()
    pane.run_button.click()
    if "--screenshot" in argv:
        path = argv[argv.index("--screenshot") + 1]

        def grab() -> None:
            if pane.is_running() or project.result(Section.MODEL) is None:
                QTimer.singleShot(250, grab)
                return
            pane.grab().save(path)
            app.quit()

        QTimer.singleShot(1000, grab)
    code = app.exec()
    controller.runner.shutdown()
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv))
