"""How one driver's value moves the prediction: its value (x) against its SHAP value (y).

Numbers give a scatter; a category gives one column of dots per level (jittered sideways so they
do not pile up) with the level names on the axis. Dots above the zero line pushed the
prediction up, below it down. Missing values are left out (the count is kept in
:attr:`DependencePlot.n_missing`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyqtgraph as pg

from ui.plots.style import category_ticks, plot_area_width, style_plot
from workbench.i18n import _

DOT_COLOUR = (0, 114, 178, 110)  # Okabe-Ito blue, translucent so dense areas read darker
MAX_LEVELS = 15  # more levels are summed into "other"


class DependencePlot(pg.PlotWidget):
    """One driver's dependence; :attr:`column` and :attr:`n_points` describe what is drawn."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        style_plot(self)
        self.setMinimumHeight(110)
        self.column: str | None = None
        self.n_points = 0
        self.n_missing = 0
        self.levels: list[str] = []

    def _update_level_ticks(self) -> None:
        if getattr(self, "levels", None):  # resize events arrive while __init__ still runs
            ticks = category_ticks(self.levels, plot_area_width(self))
            self.getPlotItem().getAxis("bottom").setTicks(ticks)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._update_level_ticks()

    def clear_plot(self) -> None:
        self.clear()
        self.column, self.n_points, self.n_missing, self.levels = None, 0, 0, []
        self.getPlotItem().getAxis("bottom").setTicks(None)
        self.setLabel("bottom", "")
        self.setLabel("left", "")

    def show_dependence(
        self, column: str, values: pd.Series, shap: np.ndarray, *, categorical: bool
    ) -> None:
        """Draw ``column``'s ``values`` against its ``shap`` values (same rows, same order)."""
        self.clear_plot()
        self.column = column
        shap = np.asarray(shap, dtype=float)
        present = values.notna().to_numpy()
        self.n_missing = int((~present).sum())
        if categorical or not pd.api.types.is_numeric_dtype(values):
            labels = values[present].map(str)
            order = labels.value_counts().index.tolist()
            if len(order) > MAX_LEVELS:
                keep = set(order[: MAX_LEVELS - 1])
                labels = labels.where(labels.isin(keep), _("other"))
                order = [*order[: MAX_LEVELS - 1], _("other")]
            position = {lv: i for i, lv in enumerate(order)}
            base = labels.map(position).to_numpy(dtype=float)
            jitter = np.random.default_rng(0).uniform(-0.25, 0.25, len(base))
            x = base + jitter
            self.levels = order
            self._update_level_ticks()
        else:
            x = pd.to_numeric(values[present], errors="coerce").to_numpy(dtype=float)
        y = shap[present]
        ok = np.isfinite(x) & np.isfinite(y)
        x, y = x[ok], y[ok]
        self.n_points = len(x)
        if self.n_points:
            self.addItem(
                pg.ScatterPlotItem(x=x, y=y, size=5, pen=None, brush=pg.mkBrush(*DOT_COLOUR))
            )
        self.addItem(pg.InfiniteLine(pos=0, angle=0, pen=pg.mkPen("#666666", width=1)))
        self.setLabel("bottom", column)
        self.setLabel("left", _("Effect (SHAP value)"))
        self.autoRange()
