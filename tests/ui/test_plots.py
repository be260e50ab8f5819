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
