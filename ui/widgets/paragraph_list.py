"""A list whose entries are whole paragraphs: every line shown, at any width.

QListWidget measures wrapped items once and then elides the last line ("…") when the width
they are painted at differs (a scroll bar appearing, a splitter moved). Here each row's
height is measured from its text at the width it really has, again after every resize.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QListView, QListWidget, QWidget

#: Room around an item's text that the style's item delegate uses (both sides, with slack).
TEXT_MARGIN = 12


class ParagraphList(QListWidget):
    """A QListWidget for multi-line paragraphs; call :meth:`fit_rows` after changing items."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)

    def text_width(self) -> int:
        """The width an item's text is wrapped to."""
        return max(80, self.viewport().width() - 2 * self.spacing() - TEXT_MARGIN)

    def fit_rows(self) -> None:
        """Give every row the height its paragraph needs at the current width."""
        metrics = QFontMetrics(self.font())
        width = self.text_width()
        flags = int(Qt.TextFlag.TextWordWrap)
        for row in range(self.count()):
            item = self.item(row)
            bound = metrics.boundingRect(QRect(0, 0, width, 100_000), flags, item.text())
            item.setSizeHint(QSize(width, bound.height() + metrics.height() // 2 + 6))

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self.fit_rows()
