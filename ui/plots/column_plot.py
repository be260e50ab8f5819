"""One column at a glance: a histogram of numbers or dates, a bar chart of categories.

Counting is done here from the column itself (a histogram of a million numbers takes a few
milliseconds); the plot keeps what it drew in :attr:`ColumnPlot.counts` and
:attr:`ColumnPlot.labels` so tests can check it without reading pixels.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyqtgraph as pg

from ui.plots.bins import bin_edges, is_whole
from ui.plots.style import category_ticks, plot_area_width, plot_font, style_plot
from workbench.i18n import _

BAR_COLOUR = "#0072B2"  # Okabe-Ito blue: dark enough to read in greyscale
BAR_EDGE = "#003f63"
MAX_BARS = 15  # categories beyond this are summed into "(all others)"
MAX_BINS = 40

NO_CHART = _("No chart for “{column}”: its values are identifiers or free text.")
ALL_MISSING = _("“{column}” has no values to draw.")
OTHERS = _("(all others)")
ROWS = _("rows")


def _label(value: object) -> str:
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, bool | np.bool_):
        return _("yes") if value else _("no")
    return str(value)


class ColumnPlot(pg.PlotWidget):
    """Histogram (numbers, dates) or bar chart (categories, yes/no) of one column."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        style_plot(self)
        self.getPlotItem().setMouseEnabled(x=False, y=False)
        self.counts: np.ndarray = np.zeros(0)
        self.edges: np.ndarray = np.zeros(0)  # the histogram's bin edges (none for bars)
        self.labels: list[str] = []
        self.categories: list[str] = []  # the bar chart's level names (none for a histogram)
        self.message = ""
        self._text = pg.TextItem(color="#333333", anchor=(0.5, 0.5))
        self._text.setFont(plot_font(10))

    def _update_bar_ticks(self) -> None:
        if getattr(self, "categories", None):  # resize events arrive while __init__ still runs
            ticks = category_ticks(self.categories, plot_area_width(self))
            self.getAxis("bottom").setTicks(ticks)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._update_bar_ticks()

    def clear_plot(self, message: str = "") -> None:
        self.clear()
        self.counts = np.zeros(0)
        self.labels = []
        self.categories = []
        self.message = message
        self.setTitle(None)
        item = self.getPlotItem()
        for axis in ("left", "bottom"):
            # a sentence alone reads better than empty 0..1 axes around it
            (item.hideAxis if message else item.showAxis)(axis)
        if message:
            self._text.setText(message)
            self._text.setPos(0.5, 0.5)
            self.addItem(self._text)
            self.setXRange(0, 1)
            self.setYRange(0, 1)
            self.getAxis("bottom").setTicks(None)

    def show_column(self, values: pd.Series, kind: str) -> None:
        """Draw ``values`` (a frame's column) as fits its ``kind`` (a ColumnKind value)."""
        name = str(values.name)
        self.clear_plot()
        if kind in ("id", "text"):
            self.clear_plot(NO_CHART.format(column=name))
            return
        present = values.dropna()
        if present.empty:
            self.clear_plot(ALL_MISSING.format(column=name))
            return
        if (
            kind in ("numeric", "datetime")
            and (
                pd.api.types.is_numeric_dtype(present)
                or pd.api.types.is_datetime64_any_dtype(present)
            )
            and not pd.api.types.is_bool_dtype(present)
        ):
            self._histogram(present, kind == "datetime")
        else:
            self._bars(present)
        self.setTitle(name, color="#333333", size="11pt")
        self.setLabel("left", ROWS)

    def _histogram(self, values: pd.Series, dates: bool) -> None:
        if dates:
            numbers = values.to_numpy(dtype="datetime64[ns]").astype("int64") / 1e9
        else:
            numbers = values.to_numpy(dtype=float)
        numbers = numbers[np.isfinite(numbers)]
        # Whole numbers (years, counts, codes) get bars of an equal count of whole values.
        edges = bin_edges(numbers, MAX_BINS, whole=False if dates else None)
        counts, edges = np.histogram(numbers, bins=edges)
        low, high = float(numbers.min()), float(numbers.max())
        self.counts = counts
        self.edges = edges
        # A whole-number bar is named by its first value (2000), not its edge (1999.5).
        first = edges[:-1] + 0.5 if not dates and is_whole(numbers) else edges[:-1]
        self.labels = [_label(e) for e in first]
        self.addItem(
            pg.BarGraphItem(
                x0=edges[:-1],
                x1=edges[1:],
                height=counts,
                brush=BAR_COLOUR,
                pen=pg.mkPen(BAR_EDGE),
            )
        )
        axis = self.getAxis("bottom")
        if dates:
            ticks = np.linspace(low, high, 5)
            axis.setTicks([[(t, pd.Timestamp(t, unit="s").strftime("%Y-%m-%d")) for t in ticks]])
        else:
            axis.setTicks(None)
        self.autoRange()

    def _bars(self, values: pd.Series) -> None:
        counts = values.value_counts(sort=True)
        counts = counts[counts > 0]
        labels = [_label(v) for v in counts.index[:MAX_BARS]]
        heights = counts.to_numpy()[:MAX_BARS].astype(float)
        if len(counts) > MAX_BARS:
            labels.append(OTHERS)
            heights = np.append(heights, counts.to_numpy()[MAX_BARS:].sum())
        self.counts = heights
        self.labels = labels
        self.categories = labels
        x = np.arange(len(heights))
        self.addItem(
            pg.BarGraphItem(
                x=x, height=heights, width=0.7, brush=BAR_COLOUR, pen=pg.mkPen(BAR_EDGE)
            )
        )
        self._update_bar_ticks()
        self.autoRange()
