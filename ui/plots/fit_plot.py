"""How well the model did on rows it never saw.

* :class:`PredictedActualPlot` (numbers): each validation row as a dot, predicted against
  actual, with the line where prediction equals truth.
* :class:`TradeoffPlot` (yes/no targets): the miss rate against the false-alarm rate as the
  alarm threshold moves, with a marker where the chosen threshold sits.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from ui.plots.style import style_plot
from ui.plots.target_plot import FOCUS_COLOUR
from workbench.i18n import _

MAX_DOTS = 2_000  # a cloud of 2,000 reads the same as 5,000 and draws in a third of the time
DOT_COLOUR = (0, 114, 178, 90)  # Okabe-Ito blue, translucent so dense areas read darker
LINE_COLOUR = "#333333"


class PredictedActualPlot(pg.PlotWidget):
    """Predicted against actual values of the validation rows."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        style_plot(self)
        self.setMinimumHeight(160)
        self.n_dots = 0

    def show_fit(self, actual: np.ndarray, predicted: np.ndarray, target: str) -> None:
        self.clear()
        actual = np.asarray(actual, dtype=float)
        predicted = np.asarray(predicted, dtype=float)
        ok = np.isfinite(actual) & np.isfinite(predicted)
        actual, predicted = actual[ok], predicted[ok]
        if len(actual) > MAX_DOTS:
            pick = np.random.default_rng(0).choice(len(actual), MAX_DOTS, replace=False)
            actual, predicted = actual[pick], predicted[pick]
        self.n_dots = len(actual)
        if not self.n_dots:
            return
        self.addItem(
            pg.ScatterPlotItem(
                x=actual, y=predicted, size=5, pen=None, brush=pg.mkBrush(*DOT_COLOUR)
            )
        )
        lo = float(min(actual.min(), predicted.min()))
        hi = float(max(actual.max(), predicted.max()))
        self.plot(
            [lo, hi], [lo, hi], pen=pg.mkPen(LINE_COLOUR, width=1.5, style=Qt.PenStyle.DashLine)
        )
        self.setLabel("bottom", _("Actual {target}").format(target=target))
        self.setLabel("left", _("Predicted {target}").format(target=target))
        self.autoRange()


class TradeoffPlot(pg.PlotWidget):
    """Miss rate against false-alarm rate over all thresholds; a marker at the chosen one."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        style_plot(self)
        self.setMinimumHeight(160)
        self.getPlotItem().setMouseEnabled(x=False, y=False)
        self._marker = pg.ScatterPlotItem(
            size=14, pen=pg.mkPen("#000000", width=1.5), brush=pg.mkBrush(FOCUS_COLOUR), symbol="o"
        )
        self.marker_at: tuple[float, float] | None = None

    def show_curve(self, y: np.ndarray, p: np.ndarray) -> None:
        """``y``: 1 for the class to catch, 0 otherwise; ``p``: its predicted probability."""
        from sklearn.metrics import roc_curve

        self.clear()
        y = np.asarray(y, dtype=int)
        if y.min(initial=0) == y.max(initial=0):
            return
        fpr, tpr, _t = roc_curve(y, np.asarray(p, dtype=float))
        self.plot(fpr * 100, (1 - tpr) * 100, pen=pg.mkPen("#0072B2", width=2.5))
        self.addItem(self._marker)
        self.setLabel("bottom", _("False alarms: share of good rows flagged (%)"))
        self.setLabel("left", _("Misses: share of problem rows not flagged (%)"))
        self.setXRange(0, 100, padding=0.02)
        self.setYRange(0, 100, padding=0.02)

    def set_marker(self, false_alarm_rate: float | None, miss_rate: float | None) -> None:
        if false_alarm_rate is None or miss_rate is None:
            self._marker.setData([], [])
            self.marker_at = None
            return
        self.marker_at = (false_alarm_rate, miss_rate)
        self._marker.setData([false_alarm_rate * 100], [miss_rate * 100])
