"""The look every plot shares: Hangul-capable fonts, white background, readable axes."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QFont

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
