"""A read-only table model over a DataFrame that stays fast at a million rows.

Nothing is converted up front: cells are formatted when the view asks for them, a block of
rows of one column at a time, and only the last few hundred blocks are kept. Scrolling through
a million rows therefore formats only what was on screen. Row headers show the row's number
among the source's data rows (1-based), which stays right after clean-up steps drop rows.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from typing import Any

import numpy as np
import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from workbench.i18n import _

BLOCK_ROWS = 256  # rows formatted together: one slice of a column per block
MAX_BLOCKS = 400  # blocks kept; a full screen of 50 columns needs about 100
MISSING_BACKGROUND = QColor(238, 238, 238)  # light grey: visible, and survives greyscale

# data() is called several times per visible cell on every repaint: compare plain ints and
# hand out prebuilt objects, because enum attribute lookups and flag arithmetic cost
# microseconds each in PySide6.
_DISPLAY = Qt.ItemDataRole.DisplayRole.value
_ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole.value
_BACKGROUND = Qt.ItemDataRole.BackgroundRole.value
_TOOLTIP = Qt.ItemDataRole.ToolTipRole.value
_ALIGN_RIGHT = (Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value
_ALIGN_LEFT = (Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter).value
_MISSING_BRUSH = QBrush(MISSING_BACKGROUND)

_Index = QModelIndex | QPersistentModelIndex


def _format_float(value: float) -> str:
    if math.isnan(value):
        return ""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.10g}"


def time_format(column: pd.Series) -> str:
    """One format for a whole date/time column, as fine as its finest value: a column that
    mixes midnight, whole minutes and seconds must not show each row in a different shape."""
    present = column.dropna()
    if present.empty or (present == present.dt.normalize()).all():
        return "%Y-%m-%d"
    if (present == present.dt.floor("min")).all():
        return "%Y-%m-%d %H:%M"
    return "%Y-%m-%d %H:%M:%S"


def _format_block(values: pd.Series, times: str = "%Y-%m-%d %H:%M:%S") -> list[str]:
    """Plain text for each value of a short slice of one column ("" for missing); date and
    time values in the format ``times``."""
    dtype = values.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return ["" if v is pd.NA or v is None else (_("yes") if v else _("no")) for v in values]
    if pd.api.types.is_float_dtype(dtype):
        return [_format_float(float(v)) for v in values.to_numpy(dtype=float, na_value=np.nan)]
    if pd.api.types.is_integer_dtype(dtype):
        return ["" if v is pd.NA else str(v) for v in values.tolist()]
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return ["" if v is pd.NaT or pd.isna(v) else v.strftime(times) for v in values]
    return [
        "" if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) else str(v)
        for v in values.tolist()
    ]


class FrameModel(QAbstractTableModel):
    """Shows ``frame`` read-only; formats cells lazily, in blocks, with a bounded cache."""

    def __init__(self, frame: pd.DataFrame | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._frame = frame if frame is not None else pd.DataFrame()
        self._blocks: OrderedDict[tuple[int, int], list[str]] = OrderedDict()
        self._alignment: list[int] = []
        self._row_labels: np.ndarray | None = None
        self.formatted_cells = 0  # how many cells were ever formatted (for tests and benchmarks)
        self._describe()

    # -- data ------------------------------------------------------------------------------
    @property
    def frame(self) -> pd.DataFrame:
        return self._frame

    def set_frame(self, frame: pd.DataFrame | None) -> None:
        """Show another frame (or none); the view resets."""
        self.beginResetModel()
        self._frame = frame if frame is not None else pd.DataFrame()
        self._blocks.clear()
        self._describe()
        self.endResetModel()

    def _describe(self) -> None:
        self._alignment = [
            _ALIGN_RIGHT
            if pd.api.types.is_numeric_dtype(dt) and not pd.api.types.is_bool_dtype(dt)
            else _ALIGN_LEFT
            for dt in self._frame.dtypes
        ]
        self._row_labels = None  # built on first header request (a RangeIndex costs nothing)
        self._time_formats: dict[int, str] = {}

    def cell_text(self, row: int, column: int) -> str:
        """The text shown at (``row``, ``column``), formatting its block if needed."""
        block = row // BLOCK_ROWS
        key = (column, block)
        texts = self._blocks.get(key)
        if texts is None:
            start = block * BLOCK_ROWS
            stop = min(start + BLOCK_ROWS, len(self._frame))
            texts = _format_block(self._frame.iloc[start:stop, column], self._times(column))
            self.formatted_cells += len(texts)
            self._blocks[key] = texts
            if len(self._blocks) > MAX_BLOCKS:
                self._blocks.popitem(last=False)
        else:
            self._blocks.move_to_end(key)
        return texts[row - block * BLOCK_ROWS]

    def _times(self, column: int) -> str:
        """The column's date/time format, decided once from all its values."""
        if column not in self._time_formats:
            values = self._frame.iloc[:, column]
            is_time = pd.api.types.is_datetime64_any_dtype(values.dtype)
            self._time_formats[column] = time_format(values) if is_time else ""
        return self._time_formats[column]

    @property
    def cached_blocks(self) -> int:
        return len(self._blocks)

    # -- Qt model --------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else len(self._frame)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else self._frame.shape[1]

    def data(self, index: _Index, role: int = _DISPLAY) -> Any:
        role = getattr(role, "value", role)  # an int from views; an enum from Python callers
        if role == _DISPLAY:
            return self.cell_text(index.row(), index.column())
        if role == _ALIGNMENT:
            return self._alignment[index.column()]
        if role == _BACKGROUND:
            return _MISSING_BRUSH if self.cell_text(index.row(), index.column()) == "" else None
        if role == _TOOLTIP:
            return _("missing") if self.cell_text(index.row(), index.column()) == "" else None
        return None

    def headerData(  # noqa: N802 - Qt API
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            if 0 <= section < self._frame.shape[1]:
                return str(self._frame.columns[section])
            return None
        index = self._frame.index
        if isinstance(index, pd.RangeIndex):
            return str(index.start + section * index.step + 1)
        if self._row_labels is None:
            self._row_labels = np.asarray(index)
        return str(self._row_labels[section] + 1)
