"""The target's values at a glance: a histogram (numbers) or a bar chart (classes).

The focus rows are drawn in a dark, warm colour on top of the other rows in a light, cool one,
so the segment the engineer picked stands out in colour, in greyscale and for colour-blind eyes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyqtgraph as pg

from ui.plots.bins import bin_edges
from ui.plots.style import style_plot
from workbench.i18n import _
from workbench.numbers_format import format_label

#: Okabe-Ito colours: distinguishable for colour-blind readers, and far apart in lightness.
FOCUS_COLOUR = "#D55E00"  # vermillion, dark
REST_COLOUR = "#9ecae1"  # light blue
MAX_BARS = 20  # classes beyond this are summed into "other"


class TargetPlot(pg.PlotWidget):
    """Histogram or bar chart of the target; the focus rows highlighted.

    After :meth:`show_values`, :attr:`focus_counts` and :attr:`rest_counts` hold what is drawn
    (per bin or per class), which keeps the plot testable without reading pixels.
    """

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        style_plot(self)
        self.setMinimumHeight(150)
        self.getPlotItem().setMouseEnabled(x=False, y=False)
        self.focus_counts = np.zeros(0, dtype=int)
        self.rest_counts = np.zeros(0, dtype=int)
        self.labels: list[str] = []

    def clear_values(self) -> None:
        self.clear()
        self.focus_counts = np.zeros(0, dtype=int)
        self.rest_counts = np.zeros(0, dtype=int)
        self.labels = []
        self.setLabel("bottom", "")
        self.setLabel("left", "")

    def show_values(self, values: pd.Series, focus: pd.Index | None = None) -> None:
        """Draw ``values`` (missing ones left out); rows whose labels are in ``focus`` stand out."""
        self.clear_values()
        valid = values.dropna()
        if valid.empty:
            return
        in_focus = valid.index.isin(focus) if focus is not None else np.zeros(len(valid), bool)
        numeric = pd.api.types.is_numeric_dtype(valid) and not pd.api.types.is_bool_dtype(valid)
        if numeric and valid.nunique() > MAX_BARS:
            self._histogram(valid.to_numpy(dtype=float), in_focus)
        else:
            self._bars(valid.map(format_label).astype(str), in_focus)
        self.setLabel("bottom", str(values.name))
        self.setLabel("left", _("Rows"))

    def _histogram(self, x: np.ndarray, in_focus: np.ndarray) -> None:
        edges = bin_edges(x, 40, 10)  # whole-number targets: bars of equal whole counts
        rest, _e = np.histogram(x[~in_focus], bins=edges)
        hot, _e = np.histogram(x[in_focus], bins=edges)
        width = edges[1] - edges[0] if len(edges) > 1 else 1.0
        centres = (edges[:-1] + edges[1:]) / 2
        self._draw(centres, rest, hot, width * 0.95)
        self.labels = [f"{e:g}" for e in centres]

    def _bars(self, labels: pd.Series, in_focus: np.ndarray) -> None:
        order = labels.value_counts().index.tolist()
        if len(order) > MAX_BARS:
            keep = set(order[: MAX_BARS - 1])
            labels = labels.where(labels.isin(keep), _("other"))
            order = [*order[: MAX_BARS - 1], _("other")]
        rest_counts = labels[~in_focus].value_counts()
        hot_counts = labels[in_focus].value_counts()
        rest = np.array([int(rest_counts.get(k, 0)) for k in order])
        hot = np.array([int(hot_counts.get(k, 0)) for k in order])
        self._draw(np.arange(len(order), dtype=float), rest, hot, 0.7)
        self.getPlotItem().getAxis("bottom").setTicks([list(enumerate(order))])
        self.labels = list(order)

    def _draw(self, x: np.ndarray, rest: np.ndarray, hot: np.ndarray, width: float) -> None:
        self.rest_counts, self.focus_counts = rest, hot
        self.addItem(
            pg.BarGraphItem(
                x=x, height=rest, width=width, brush=REST_COLOUR, pen=pg.mkPen("#6b8fa8")
            )
        )
        if hot.any():
            self.addItem(
                pg.BarGraphItem(x=x, y0=rest, height=hot, width=width, brush=FOCUS_COLOUR, pen=None)
            )
        self.getPlotItem().getAxis("bottom").setTicks(None)
        self.autoRange()
