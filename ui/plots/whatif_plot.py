"""One factor's what-if curve: thin ICE lines for the rows, their average (partial dependence)
as a thick line, the band of the refitted models, where most rows lie shaded, the prediction
now as a dashed line, and a marker the user drags to set the factor.

Numbers run along x; categories sit at x = 0, 1, … with their names on the axis, and the
marker snaps to the nearest one. A class goal is drawn in percent.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSignalBlocker, Qt, Signal

from ui.plots.style import category_ticks, plot_area_width, style_plot

ICE_SHOWN = 40  # rows drawn as thin lines (a fixed sample); the average uses every row
ICE_COLOUR = (120, 120, 120, 60)
AVERAGE_COLOUR = (0, 114, 178)  # Okabe-Ito blue
BAND_COLOUR = (230, 159, 0, 70)  # Okabe-Ito orange, translucent
USUAL_COLOUR = (0, 0, 0, 18)
MARKER_COLOUR = (213, 94, 0)  # Okabe-Ito vermillion


class WhatIfPlot(pg.PlotWidget):
    """A factor's curve; emits :attr:`value_chosen` when the user drops the marker."""

    value_chosen = Signal(object)  # a float, or a category's name

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        style_plot(self)
        self.setMinimumHeight(130)
        self.setMouseEnabled(x=False, y=False)
        self.levels: list[str] = []
        self.n_lines = 0
        self.scale = 1.0
        self.marker = pg.InfiniteLine(
            angle=90, movable=True, pen=pg.mkPen(MARKER_COLOUR, width=2), hoverPen="r"
        )
        self.marker.sigPositionChangeFinished.connect(self._on_marker_finished)

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if getattr(self, "levels", None):
            ticks = category_ticks(self.levels, plot_area_width(self))
            self.getPlotItem().getAxis("bottom").setTicks(ticks)

    def show_curve(self, curve: Any, now: float, *, rate: bool, unit_label: str) -> None:
        """Draw a :class:`~workbench.steps.whatif.FactorCurve` (``now``: the prediction at the
        rows' own settings; ``rate``: the outputs are shares, drawn in percent)."""
        self.clear()
        self.scale = 100.0 if rate else 1.0
        rng = curve.range
        if rng.categorical:
            self.levels = [str(v) for v in curve.grid]
            x = np.arange(len(self.levels), dtype=float)
            ticks = category_ticks(self.levels, plot_area_width(self))
            self.getPlotItem().getAxis("bottom").setTicks(ticks)
        else:
            self.levels = []
            self.getPlotItem().getAxis("bottom").setTicks(None)
            x = np.asarray(curve.grid, dtype=float)
            usual = pg.LinearRegionItem(
                values=rng.usual, movable=False, brush=pg.mkBrush(*USUAL_COLOUR), pen=pg.mkPen(None)
            )
            self.addItem(usual)
        if curve.band_low is not None and curve.band_high is not None:
            low = pg.PlotDataItem(x, curve.band_low * self.scale, pen=pg.mkPen(None))
            high = pg.PlotDataItem(x, curve.band_high * self.scale, pen=pg.mkPen(None))
            self.addItem(pg.FillBetweenItem(low, high, brush=pg.mkBrush(*BAND_COLOUR)))
        self._draw_ice(x, curve.ice)
        self.addItem(
            pg.PlotDataItem(
                x,
                curve.average * self.scale,
                pen=pg.mkPen(AVERAGE_COLOUR, width=3),
                symbol="o",
                symbolSize=4,
                symbolBrush=AVERAGE_COLOUR,
            )
        )
        now_line = pg.InfiniteLine(
            pos=now * self.scale, angle=0, pen=pg.mkPen((80, 80, 80), style=Qt.PenStyle.DashLine)
        )
        self.addItem(now_line)
        self.setLabel("left", unit_label)
        self.marker.setBounds((float(x.min()), float(x.max())) if len(x) else (None, None))
        self.addItem(self.marker)
        self.set_marker(curve.current if curve.current is not None else curve.grid[0])

    def _draw_ice(self, x: np.ndarray, ice: np.ndarray) -> None:
        """Up to :data:`ICE_SHOWN` rows as one item (NaN breaks the lines apart: fast)."""
        rows = ice.shape[0]
        pick = np.arange(rows)
        if rows > ICE_SHOWN:
            pick = np.sort(np.random.default_rng(0).choice(rows, ICE_SHOWN, replace=False))
        self.n_lines = len(pick)
        xs = np.concatenate([np.append(x, np.nan) for _ in pick]) if len(pick) else x
        ys = np.concatenate([np.append(ice[i] * self.scale, np.nan) for i in pick])
        self.addItem(pg.PlotDataItem(xs, ys, pen=pg.mkPen(ICE_COLOUR, width=1), connect="finite"))

    def set_marker(self, value: Any) -> None:
        """Move the marker to ``value`` without emitting :attr:`value_chosen`."""
        if self.levels:
            position = float(self.levels.index(str(value))) if str(value) in self.levels else 0.0
        else:
            position = float(value)
        with QSignalBlocker(self.marker):
            self.marker.setValue(position)

    def marker_value(self) -> Any:
        """The marker's value: a number, or the nearest category."""
        position = float(self.marker.value())
        if self.levels:
            index = round(min(max(position, 0), len(self.levels) - 1))
            return self.levels[index]
        return position

    def _on_marker_finished(self, _line: Any) -> None:
        value = self.marker_value()
        if self.levels:
            self.set_marker(value)  # snap onto the category
        self.value_chosen.emit(value)
