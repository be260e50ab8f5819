"""Which factors the model leans on: mean |SHAP| per driver, over all rows and over the focus rows.

Two horizontal bars per driver, the overall one dark blue and the focus one light orange (apart
in hue for colour-blind eyes and in lightness for greyscale print). The most important driver is
at the top. Clicking a bar emits :attr:`ImportancePlot.driver_clicked` with the column name.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtGui import QFontMetrics

from ui.plots.style import plot_font, style_plot
from workbench.i18n import _

MAX_DRIVERS = 12  # beyond a dozen the bars get too thin to read; the rest matter little
OVERALL_COLOUR = "#0072B2"  # Okabe-Ito blue, dark
FOCUS_COLOUR = "#E69F00"  # Okabe-Ito orange, light
BAR = 0.38  # bar thickness; two bars and a gap fill one driver's row


class ImportancePlot(pg.PlotWidget):
    """Horizontal bars of driver importance; :attr:`drivers` holds the names drawn, top first."""

    driver_clicked = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        style_plot(self)
        self.setMinimumHeight(110)
        self.getPlotItem().setMouseEnabled(x=False, y=False)
        self.drivers: list[str] = []
        self.overall_values = np.zeros(0)
        self.focus_values = np.zeros(0)
        self.getPlotItem().getAxis("bottom").enableAutoSIPrefix(False)
        # Bottom right: the bars shrink downwards, so that corner stays empty.
        self._legend = self.getPlotItem().addLegend(
            offset=(-10, -10), labelTextSize="9pt", labelTextColor="#333333"
        )
        self.scene().sigMouseClicked.connect(self._on_scene_mouse_clicked)

    def show_importance(
        self, overall: pd.Series, focus: pd.Series | None = None, *, top: int = MAX_DRIVERS
    ) -> None:
        """Draw the ``top`` drivers of ``overall`` (descending) with their ``focus`` importance."""
        self.clear()
        self._legend.clear()
        names = [str(c) for c in overall.index[:top]]
        self.drivers = names
        if not names:
            return
        n = len(names)
        y = n - 1 - np.arange(n, dtype=float)  # the most important driver at the top
        self.overall_values = overall.iloc[:top].to_numpy(dtype=float)
        legend = self._legend
        bars = pg.BarGraphItem(
            x0=0,
            y=y + BAR / 2,
            width=self.overall_values,
            height=BAR,
            brush=OVERALL_COLOUR,
            pen=None,
        )
        self.addItem(bars)
        legend.addItem(bars, _("All rows"))
        if focus is not None:
            self.focus_values = np.array([float(focus.get(c, 0.0)) for c in names])
            hot = pg.BarGraphItem(
                x0=0,
                y=y - BAR / 2,
                width=self.focus_values,
                height=BAR,
                brush=FOCUS_COLOUR,
                pen=pg.mkPen("#8a5f00"),
            )
            self.addItem(hot)
            legend.addItem(hot, _("Focus rows"))
        else:
            self.focus_values = np.zeros(0)
        left = self.getPlotItem().getAxis("left")
        left.setTickFont(plot_font(9))
        self._update_ticks()
        self.setLabel("bottom", _("Average effect (mean |SHAP|)"))
        self.setYRange(-0.7, n - 0.3, padding=0)
        widest = max(
            float(self.overall_values.max(initial=0)), float(self.focus_values.max(initial=0))
        )
        self.setXRange(0, widest * 1.05 if widest > 0 else 1, padding=0)

    def _update_ticks(self) -> None:
        """Name as many drivers as fit one above the other (every k-th on a short plot, as on
        a 1280×720 screen): names written over each other cannot be read at all."""
        names = getattr(self, "drivers", [])  # resize events arrive while __init__ still runs
        if not names:
            return
        n = len(names)
        box = self.getPlotItem().vb.height()
        height = float(box if box > 30 else max(self.height() - 50, 60))
        line = QFontMetrics(plot_font(9)).height() + 1
        step = max(1, math.ceil(n / max(1, int(height // line))))
        named = [(float(n - 1 - i), name) for i, name in enumerate(names) if i % step == 0]
        marks = [(float(n - 1 - i), "") for i in range(n) if i % step]
        self.getPlotItem().getAxis("left").setTicks([named, marks])

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._update_ticks()

    def driver_at(self, y: float) -> str | None:
        """The driver whose row holds the data coordinate ``y``."""
        n = len(self.drivers)
        index = n - 1 - round(y)
        return self.drivers[index] if 0 <= index < n else None

    def _on_scene_mouse_clicked(self, event) -> None:
        vb = self.getPlotItem().vb
        if not vb.sceneBoundingRect().contains(event.scenePos()):
            return
        name = self.driver_at(vb.mapSceneToView(event.scenePos()).y())
        if name is not None:
            self.driver_clicked.emit(name)
