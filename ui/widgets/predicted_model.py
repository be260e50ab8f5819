"""The data grid with predicted cells marked: light blue, italic, the value shown, a tooltip.

The grid shows the data as loaded, so a cell a recipe step predicted is empty there. With the
marks of the last replay (:class:`workbench.steps.predicted_cells.PredictedCells`) such a cell
shows the predicted value on a light-blue background, and its tooltip says the confidence (and
a number's 80% range). A cell left empty because its confidence was too low keeps the grey of a
missing cell, and its tooltip says what the prediction would have been and why it was not used.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont

from ui.widgets.frame_model import (
    _BACKGROUND,
    _DISPLAY,
    _MISSING_BRUSH,
    _TOOLTIP,
    FrameModel,
    _Index,
)
from workbench.i18n import _
from workbench.steps.predict_wording import percent

PREDICTED_BACKGROUND = QColor(221, 235, 247)  # light blue; the Excel export uses the same
_PREDICTED_BRUSH = QBrush(PREDICTED_BACKGROUND)
_FONT = Qt.ItemDataRole.FontRole.value
_ITALIC = QFont()
_ITALIC.setItalic(True)  # a second cue besides colour: it survives greyscale printing

FILLED_TIP = _("Predicted by Workbench, not measured: {value} (confidence {pct}).")
RANGE_TIP = _("80% range: {low} to {high}.")
LEFT_EMPTY_TIP = _(
    "Missing. Workbench predicted {value}, but with confidence {pct}, below the {threshold} "
    "asked for, so the cell was left empty."
)


def _text(value: Any) -> str:
    if isinstance(value, float | np.floating):
        return f"{float(value):.4g}"
    return str(value)


class PredictedFrameModel(FrameModel):
    """A :class:`FrameModel` that also marks the cells a recipe step predicted."""

    def __init__(self, frame: pd.DataFrame | None = None, parent: Any = None) -> None:
        self._marks: dict[int, tuple[Any, dict[int, int]]] = {}  # column -> (mark, row map)
        super().__init__(frame, parent)

    def set_marks(self, predicted: dict[str, Any]) -> None:
        """Mark the cells of ``predicted`` (column name -> PredictedCells); {} clears."""
        columns = {str(c): i for i, c in enumerate(self.frame.columns)}
        self._marks = {
            columns[name]: (mark, mark.by_row())
            for name, mark in predicted.items()
            if name in columns and len(mark.rows)
        }
        if self.rowCount() and self.columnCount():
            self.dataChanged.emit(
                self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1)
            )

    @property
    def marked_columns(self) -> list[int]:
        return sorted(self._marks)

    def set_frame(self, frame: pd.DataFrame | None) -> None:
        self._marks = {}  # marks belong to one table
        super().set_frame(frame)

    def mark_at(self, row: int, column: int) -> tuple[Any, int] | None:
        """The mark and position of the cell at (``row``, ``column``), if it was predicted."""
        found = self._marks.get(column)
        if found is None:
            return None
        mark, rows = found
        position = rows.get(self._row_label(row))
        return None if position is None else (mark, position)

    def _row_label(self, row: int) -> int:
        index = self.frame.index
        if isinstance(index, pd.RangeIndex):
            return int(index.start + row * index.step)
        return int(index[row])

    def data(self, index: _Index, role: int = _DISPLAY) -> Any:
        role = getattr(role, "value", role)
        if self._marks and role in (_DISPLAY, _BACKGROUND, _TOOLTIP, _FONT) and index.isValid():
            hit = self.mark_at(index.row(), index.column())
            if hit is not None:
                return self._marked(hit[0], hit[1], role)
        return super().data(index, role)

    def _marked(self, mark: Any, position: int, role: int) -> Any:
        cell = mark.cell(position)
        value = _text(cell["value"])
        if role == _FONT:
            return _ITALIC if cell["filled"] else None
        if not cell["filled"]:
            if role == _TOOLTIP:
                return LEFT_EMPTY_TIP.format(
                    value=value,
                    pct=percent(cell["confidence"]),
                    threshold=percent(mark.min_confidence or 0),
                )
            return "" if role == _DISPLAY else _MISSING_BRUSH
        if role == _DISPLAY:
            return value
        if role == _BACKGROUND:
            return _PREDICTED_BRUSH
        tip = FILLED_TIP.format(value=value, pct=percent(cell["confidence"]))
        if "low" in cell:
            tip += " " + RANGE_TIP.format(low=_text(cell["low"]), high=_text(cell["high"]))
        return tip
