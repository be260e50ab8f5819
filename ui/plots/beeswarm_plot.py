"""The SHAP beeswarm: every explained row as a dot, one lane per driver.

A dot's horizontal place is how much that factor pushed the row's prediction (its SHAP value);
dots that would overlap are spread up and down the lane so dense spots look wide. The colour is
the row's value of that factor, low → high on the viridis ramp (dark purple → yellow: readable
for colour-blind eyes and in greyscale, since its lightness rises steadily); a missing value is
grey, and a category's levels each get their own colour. :class:`BeeswarmWidget` adds the
legend under the plot.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ui.plots.style import plot_font, style_plot
from workbench.i18n import _

MAX_LANES = 10  # the top drivers; further lanes would be too thin to read
LANE_HALF_WIDTH = 0.4  # a lane's dots stay within ±0.4 of its centre line
#: pg.pseudoScatter spaces dots exactly but grows faster than quadratically on dense lanes
#: (measured here: 0.07 s for 200 dots, 0.4 s for 500, 2.4 s for 5,000 per lane, ten lanes
#: per plot, on the GUI thread); above this many dots a lane uses binned jitter, as shap's
#: own beeswarm does (linear time, the lane's width still shows the density).
PSEUDO_SCATTER_MAX = 150
N_BINS = 100
MISSING_COLOUR = (170, 170, 170, 200)
#: Okabe-Ito colours for a category's levels, most common level first.
LEVEL_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"]
OTHER_LEVEL_COLOUR = "#555555"
RAMP = pg.colormap.get("viridis")
LEGEND_LOW = _("low")
LEGEND_HIGH = _("high")
LEGEND_VALUE = _("Colour: the factor's value")
LEGEND_MISSING = _("grey: missing")
LEGEND_LEVELS = _("categories: a colour per common level, dark grey for rare ones")
AXIS_SHAP = _("Effect on the prediction (SHAP value)")


N_RAMP = 32  # the ramp in 32 steps: indistinguishable by eye, and pyqtgraph draws each
# distinct brush once into its symbol atlas, so 5,000 distinct colours per lane cost seconds.
_RAMP_BRUSHES: list[Any] = []
_BRUSH_CACHE: dict[Any, Any] = {}


def _brush(colour: Any) -> Any:
    key = colour if isinstance(colour, str) else tuple(colour)
    if key not in _BRUSH_CACHE:
        _BRUSH_CACHE[key] = pg.mkBrush(colour)
    return _BRUSH_CACHE[key]


def _ramp_brushes() -> list[Any]:
    if not _RAMP_BRUSHES:
        rgba = RAMP.map(np.linspace(0, 1, N_RAMP), mode="byte")
        _RAMP_BRUSHES.extend(_brush((int(r), int(g), int(b), 220)) for r, g, b, _a in rgba)
    return _RAMP_BRUSHES


def value_colours(values: pd.Series, categorical: bool) -> list[Any]:
    """One brush per value: the viridis ramp for numbers (5–95% range), levels by colour."""
    n = len(values)
    missing = _brush(MISSING_COLOUR)
    if categorical or not pd.api.types.is_numeric_dtype(values):
        labels = values.astype(object)
        present = labels.notna().to_numpy()
        text = labels.map(str).to_numpy()
        order = pd.Series(text[present]).value_counts().index.tolist()
        lookup = {lv: _brush(LEVEL_COLOURS[i]) for i, lv in enumerate(order[: len(LEVEL_COLOURS)])}
        other = _brush(OTHER_LEVEL_COLOUR)
        return [
            lookup.get(t, other) if ok else missing for t, ok in zip(text, present, strict=True)
        ]
    x = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    ok = np.isfinite(x)
    scaled = np.full(n, 0.5)
    if ok.any():
        lo, hi = np.nanpercentile(x[ok], [5, 95])
        scaled[ok] = np.clip((x[ok] - lo) / (hi - lo), 0, 1) if hi > lo else 0.5
    steps = np.rint(scaled * (N_RAMP - 1)).astype(int)
    ramp = _ramp_brushes()
    return [ramp[i] if good else missing for i, good in zip(steps, ok, strict=True)]


def lane_offsets(shap: np.ndarray, spacing: float) -> np.ndarray:
    """Vertical offsets (within ±:data:`LANE_HALF_WIDTH`) that keep a lane's dots apart."""
    n = len(shap)
    if n == 0:
        return np.zeros(0)
    if n <= PSEUDO_SCATTER_MAX:
        y = pg.pseudoScatter(shap, spacing=spacing, bidir=True)
    else:
        # Binned jitter: within each bin of the SHAP value, the k-th dot sits on layer k,
        # alternating up and down. Linear time; the lane's width still shows the density.
        lo, hi = float(np.min(shap)), float(np.max(shap))
        bins = np.floor(N_BINS * (shap - lo) / (hi - lo + 1e-12)).astype(int)
        order = np.argsort(bins, kind="stable")
        sorted_bins = bins[order]
        starts = np.searchsorted(sorted_bins, sorted_bins, side="left")
        rank = np.arange(n) - starts
        layer = (rank + 1) // 2 * np.where(rank % 2 == 1, 1.0, -1.0)
        y = np.empty(n)
        y[order] = layer
    peak = float(np.max(np.abs(y))) if len(y) else 0.0
    return y * (LANE_HALF_WIDTH / peak) if peak > LANE_HALF_WIDTH else y


class BeeswarmPlot(pg.PlotWidget):
    """The lanes; :attr:`lanes` names them top first and :attr:`points_per_lane` counts dots."""

    driver_clicked = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        style_plot(self)
        self.setMinimumHeight(140)
        self.getPlotItem().setMouseEnabled(x=False, y=False)
        self.lanes: list[str] = []
        self.points_per_lane: list[int] = []
        self.scene().sigMouseClicked.connect(self._on_scene_mouse_clicked)

    def show_shap(
        self,
        shap: np.ndarray,
        columns: list[str],
        values: dict[str, pd.Series],
        *,
        order: list[str],
        categorical: set[str] | frozenset[str] = frozenset(),
    ) -> None:
        """Draw one lane per column of ``order`` (top first, at most :data:`MAX_LANES`).

        ``shap`` is (rows × columns) in ``columns`` order; ``values[column]`` the rows' values.
        """
        self.clear()
        names = [c for c in order if c in columns][:MAX_LANES]
        self.lanes, self.points_per_lane = names, []
        if not names or shap.size == 0:
            return
        width = float(np.nanmax(np.abs(shap[:, [columns.index(c) for c in names]]))) or 1.0
        spacing = width / 60  # about the size of a dot at the plot's usual width
        n = len(names)
        for i, name in enumerate(names):
            s = np.asarray(shap[:, columns.index(name)], dtype=float)
            lane = n - 1 - i
            y = lane + lane_offsets(s, spacing)
            brushes = value_colours(values[name], name in categorical)
            self.addItem(
                pg.ScatterPlotItem(x=s, y=y, size=4, pen=None, brush=brushes, hoverable=False)
            )
            self.points_per_lane.append(len(s))
        self.addItem(pg.InfiniteLine(pos=0, angle=90, pen=pg.mkPen("#666666", width=1)))
        left = self.getPlotItem().getAxis("left")
        left.setTicks([[(float(n - 1 - i), name) for i, name in enumerate(names)]])
        left.setTickFont(plot_font(9))
        self.setLabel("bottom", AXIS_SHAP)
        self.setYRange(-0.6, n - 0.4, padding=0)
        self.setXRange(-width * 1.05, width * 1.05, padding=0)

    def _on_scene_mouse_clicked(self, event) -> None:
        vb = self.getPlotItem().vb
        if not vb.sceneBoundingRect().contains(event.scenePos()):
            return
        lane = round(vb.mapSceneToView(event.scenePos()).y())
        index = len(self.lanes) - 1 - lane
        if 0 <= index < len(self.lanes):
            self.driver_clicked.emit(self.lanes[index])


def _ramp_css() -> str:
    stops = ", ".join(
        f"stop:{t:.2f} rgb({r},{g},{b})"
        for t, (r, g, b, _a) in zip(
            np.linspace(0, 1, 5), RAMP.map(np.linspace(0, 1, 5), mode="byte"), strict=True
        )
    )
    return f"background: qlineargradient(x1:0, y1:0, x2:1, y2:0, {stops}); border: none;"


class BeeswarmWidget(QWidget):
    """The beeswarm with its colour legend underneath."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = BeeswarmPlot()
        legend = QHBoxLayout()
        legend.addStretch(1)
        legend.addWidget(QLabel(LEGEND_VALUE))
        legend.addWidget(QLabel(LEGEND_LOW))
        ramp = QLabel()
        ramp.setObjectName("ramp")
        ramp.setFixedSize(120, 12)
        ramp.setStyleSheet(_ramp_css())
        legend.addWidget(ramp, 0, Qt.AlignmentFlag.AlignVCenter)
        legend.addWidget(QLabel(LEGEND_HIGH))
        legend.addSpacing(12)
        legend.addWidget(QLabel(LEGEND_MISSING))
        legend.addStretch(1)
        # On a line of its own, so the legend does not force the plot to be wide.
        levels = QLabel(LEGEND_LEVELS)
        levels.setWordWrap(True)
        levels.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.plot, 1)
        layout.addLayout(legend)
        layout.addWidget(levels)
