"""Where values are missing: one band per column, row blocks from left to right.

Drawn from :class:`workbench.steps.profile.MissingMap` (share of missing cells per row block
and column), so a million rows cost no more than a thousand. White is complete, dark is
empty: a single-hue ramp that reads the same in greyscale and for colour-blind eyes. Any gap
is drawn at least light blue and the shade follows the square root of the share, so a column
missing 1% of its values still shows where.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from ui.plots.style import plot_font, style_plot
from workbench.i18n import _

#: white (nothing missing) to dark blue (all missing); luminance falls monotonically
RAMP = [(255, 255, 255), (158, 202, 225), (49, 130, 189), (8, 48, 107)]
ROW_AXIS = _("row in the data (darker: more values missing)")
NOTHING_MISSING = _("No value is missing.")
MAX_LABELLED = 60  # beyond this many columns, every n-th name is written


class MissingMapPlot(pg.PlotWidget):
    """An image of missing shares: columns on the vertical axis, row position across."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        style_plot(self)
        self.getPlotItem().setMouseEnabled(x=True, y=False)
        self.image = pg.ImageItem(axisOrder="row-major")
        cmap = pg.ColorMap(np.linspace(0.0, 1.0, len(RAMP)), RAMP)
        self.image.setLookupTable(cmap.getLookupTable(0.0, 1.0, 256))
        self.image.setLevels((0.0, 1.0))
        self.addItem(self.image)
        self.getPlotItem().invertY(True)
        self.setLabel("bottom", ROW_AXIS)
        self.columns: list[str] = []
        self.fractions = np.zeros((0, 0))
        self._note = pg.TextItem(color="#333333", anchor=(1, 1))
        self._note.setFont(plot_font(9))

    def show_map(self, missing_map) -> None:
        """Draw a MissingMap; its columns become the tick labels of the vertical axis."""
        fractions = np.asarray(missing_map.fractions, dtype=float)  # blocks × columns
        edges = np.asarray(missing_map.block_edges, dtype=float)
        self.columns = list(missing_map.columns)
        self.fractions = fractions.T if fractions.size else np.zeros((len(self.columns), 0))
        if self.fractions.size == 0:
            self.image.clear()
            return
        n_rows = edges[-1] if len(edges) else self.fractions.shape[1]
        # any gap shows at least light blue, and small shares stay visible (square root)
        shade = np.where(self.fractions > 0, 0.2 + 0.8 * np.sqrt(self.fractions), 0.0)
        self.image.setImage(shade, levels=(0.0, 1.0), autoLevels=False)
        # one image column per row block; blocks are nearly equal, so scale to the row count
        self.image.setRect(0.0, 0.0, float(n_rows), float(len(self.columns)))
        step = max(1, int(np.ceil(len(self.columns) / MAX_LABELLED)))
        ticks = [(i + 0.5, name) for i, name in enumerate(self.columns) if i % step == 0]
        self.getAxis("left").setTicks([ticks])
        self.removeItem(self._note)
        if not (self.fractions > 0).any():
            self._note.setText(NOTHING_MISSING)
            self._note.setPos(float(n_rows), float(len(self.columns)))
            self.addItem(self._note)
        self.setXRange(0, float(n_rows), padding=0)
        self.setYRange(0, float(len(self.columns)), padding=0)
