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


def test_paragraph_rows_are_tall_enough_for_every_line_at_any_width(qtbot):
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtGui import QFontMetrics

    from ui.widgets.paragraph_list import ParagraphList

    paragraph = (
        "그룹 1 — 199행(불량 = 불량인 행 중 38%): 습도 60 초과 (그룹 내 100%, 나머지 11%) 및 "
        "공급사 = S3 (그룹 내 100%, 나머지 29%). 이는 연관성일 뿐 증거가 아니므로, 라인에서 "
        "시험해 확인하세요.\n라인에서 설정할 수 있나요? ✓ 공급사  ✗ 습도"
    )
    plist = ParagraphList()
    qtbot.addWidget(plist)
    plist.addItems([paragraph] * 4)
    plist.show()
    metrics = QFontMetrics(plist.font())
    for width in (520, 300):
        plist.resize(width, 300)
        qtbot.wait(50)
        needed = metrics.boundingRect(
            QRect(0, 0, plist.text_width(), 100_000), int(Qt.TextFlag.TextWordWrap), paragraph
        ).height()
        for row in range(plist.count()):
            assert plist.visualItemRect(plist.item(row)).height() >= needed
    assert plist.visualItemRect(plist.item(0)).height() > 4 * metrics.height()


def test_a_year_column_gets_one_bar_per_year_each_as_tall_as_its_rows(qtbot):
    # 25 years of monthly rows: np.histogram's 10 fractional bins alternated 36/24 rows.
    plot = ColumnPlot()
    qtbot.addWidget(plot)
    years = pd.Series(np.repeat(np.arange(2000, 2025), 12), name="year")
    plot.show_column(years, "numeric")
    assert len(plot.counts) == 25 and set(plot.counts) == {12}
    assert plot.edges[0] == 1999.5 and plot.labels[:2] == ["2000", "2001"]
    assert np.allclose(np.diff(plot.edges), 1.0)


def test_many_whole_numbers_get_bins_of_an_equal_count_of_values(qtbot):
    from ui.plots.bins import bin_edges

    plot = ColumnPlot()
    qtbot.addWidget(plot)
    days = pd.Series(np.repeat(np.arange(1, 201), 3), name="day")  # 200 values, 3 rows each
    plot.show_column(days, "numeric")
    widths = np.diff(plot.edges)
    assert len(set(widths)) == 1 and widths[0] == 5  # 40 bars of 5 whole values
    assert set(plot.counts) == {15}
    assert len(plot.counts) <= 40
    # Fractional numbers keep equal-width bins from the smallest to the largest value.
    x = np.random.default_rng(0).normal(size=900)
    edges = bin_edges(x, 40)
    assert edges[0] == x.min() and edges[-1] == x.max() and len(edges) == 31


def test_the_target_plot_bins_a_whole_number_target_evenly(qtbot):
    from ui.plots.target_plot import TargetPlot

    plot = TargetPlot()
    qtbot.addWidget(plot)
    counts = pd.Series(np.repeat(np.arange(0, 60), 4), name="defects")
    plot.show_values(counts)
    assert set(plot.rest_counts) == {8}  # 30 bars of two whole values, 4 rows each
