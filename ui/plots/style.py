"""The look every plot shares: Hangul-capable fonts, white background, readable axes."""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtGui import QFont, QFontMetrics

#: Hangul must render in plot text on Windows and Linux alike.
FONT_FAMILIES = ["Malgun Gothic", "NanumGothic", "Noto Sans CJK KR", "sans-serif"]


def plot_font(size: int = 10) -> QFont:
    """The plot font: a Hangul-capable family list at a readable size."""
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setPointSize(size)
    return font


def style_plot(plot: pg.PlotWidget) -> None:
    """White background, readable axis fonts, no context menu or auto-range button."""
    plot.setBackground("w")
    item = plot.getPlotItem()
    for name in ("left", "bottom"):
        axis = item.getAxis(name)
        axis.setTickFont(plot_font(9))
        axis.setPen(pg.mkPen("#333333"))
        axis.setTextPen(pg.mkPen("#333333"))
        axis.label.setFont(plot_font(10))
    item.setMenuEnabled(False)
    item.hideButtons()


def category_ticks(labels: list[str], width_px: float) -> list[list[tuple[float, str]]]:
    """Ticks for categories at x = 0, 1, …: every level gets a tick mark, but only as many
    names as fit side by side in ``width_px`` are written (every k-th), so 15 lot codes on
    a narrow plot stay readable instead of running into each other."""
    if not labels:
        return [[]]
    metrics = QFontMetrics(plot_font(9))
    widest = max(metrics.horizontalAdvance(str(text)) for text in labels) + 10
    room = max(1, int(width_px // widest))
    step = max(1, math.ceil(len(labels) / room))
    named = [(float(i), str(text)) for i, text in enumerate(labels) if i % step == 0]
    marks = [(float(i), "") for i in range(len(labels)) if i % step]
    return [named, marks]


def plot_area_width(plot: pg.PlotWidget) -> float:
    """The width the data area has now (the widget's width before the first layout)."""
    box = plot.getPlotItem().vb.width()
    return float(box if box > 50 else max(plot.width() - 60, 100))
