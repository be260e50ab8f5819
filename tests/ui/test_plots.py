"""Plot details a user reads: category names on a narrow axis stay legible."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ui.plots.column_plot import ColumnPlot
from ui.plots.dependence_plot import DependencePlot
from ui.plots.style import category_ticks


def _named(axis) -> list[str]:
    return [text for _pos, text in axis._tickLevels[0] if text]


def test_category_names_are_thinned_to_what_fits():
    labels = [f"S{i % 3 + 1}-{i:02d}b" for i in range(15)]
    named, marks = category_ticks(labels, 2000)
    assert [t for _p, t in named] == labels and marks == []
    named, marks = category_ticks(labels, 250)
    assert 1 < len(named) < len(labels) and len(named) + len(marks) == len(labels)
    assert named[0] == (0.0, labels[0])


def test_a_narrow_dependence_plot_writes_fewer_lot_names_and_all_when_wide(qtbot):
    plot = DependencePlot()
    qtbot.addWidget(plot)
    plot.resize(320, 260)
    plot.show()
    lots = pd.Series([f"S2-{i % 15:02d}b" for i in range(600)])
    plot.show_dependence("paste_lot", lots, np.linspace(-1, 1, 600), categorical=True)
    narrow = _named(plot.getPlotItem().getAxis("bottom"))
    assert 1 < len(narrow) < 15
    plot.resize(1600, 260)
    qtbot.waitUntil(lambda: len(_named(plot.getPlotItem().getAxis("bottom"))) == 15)


def test_a_histogram_keeps_its_number_axis_after_a_resize(qtbot):
    plot = ColumnPlot()
    qtbot.addWidget(plot)
    plot.show()
    plot.show_column(pd.Series(np.arange(100.0), name="temp"), "numeric")
    plot.resize(300, 200)
    assert plot.categories == [] and plot.getAxis("bottom")._tickLevels is None
