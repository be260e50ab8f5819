"""The Data pane on real files, and the preview grid's model at a million rows."""

from __future__ import annotations

import time

import numpy as np
import openpyxl
import pandas as pd
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView

from ui.controller import ProjectController
from ui.panes.data_pane import DataPane
from ui.widgets.frame_model import BLOCK_ROWS, FrameModel
from workbench.tables.table import ColumnKind


@pytest.fixture
def pane(qtbot):
    controller = ProjectController()
    pane = DataPane(controller)
    qtbot.addWidget(pane)
    pane.show()
    yield pane
    controller.runner.shutdown()


def _load(qtbot, pane, path, **kw):
    before = pane.project.table
    pane.load_file(path, **kw)
    qtbot.waitUntil(lambda: pane.project.table is not before, timeout=15_000)
    qtbot.waitUntil(lambda: not pane.controller.runner.is_running("data"), timeout=5_000)
    return pane.project.table


def _cp949_csv(tmp_path):
    path = tmp_path / "공정.csv"
    lines = ["작업자,온도,코드,비고"]
    for i in range(40):
        lines.append(
            f"작업자{i % 3},{700 + i * 0.5},{100 + i % 4},{'센서 교체' if i % 7 == 0 else ''}"
        )
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp949"))
    return path


def test_cp949_csv_loads_with_notes_and_source(qtbot, pane, tmp_path):
    table = _load(qtbot, pane, _cp949_csv(tmp_path))
    assert list(table.frame.columns) == ["작업자", "온도", "코드", "비고"]
    assert table.frame["작업자"].iloc[1] == "작업자1"
    assert pane.model.rowCount() == 40 and pane.model.columnCount() == 4
    assert pane.model.headerData(0, Qt.Orientation.Horizontal) == "작업자"
    assert pane.model.cell_text(2, 1) == "701"
    notes = [pane.notes_list.item(i).text() for i in range(pane.notes_list.count())]
    assert any("949" in n or "Korean" in n or "EUC" in n for n in notes), notes
    assert table.source.sha256[:12] in pane.source_label.text()
    assert not pane.sheet_combo.isVisibleTo(pane)  # a CSV has no sheets
    assert pane.types_table.rowCount() == 4
    assert pane.is_complete()


def _workbook(tmp_path):
    path = tmp_path / "lines.xlsx"
    book = openpyxl.Workbook()
    first = book.active
    first.title = "라인1"
    first.append(["lot", "temp", "yield"])
    for i in range(20):
        first.append([f"A{i:03d}", 780 + i, 90.0 + i / 10])
    second = book.create_sheet("라인2")
    second.append(["배치 보고서"])
    second.append([])
    second.append(["lot", "pressure"])
    for i in range(12):
        second.append([f"B{i:03d}", 1.5 + i / 100])
    book.save(path)
    return path


def test_xlsx_fills_the_sheet_picker_and_switches_sheet(qtbot, pane, tmp_path):
    table = _load(qtbot, pane, _workbook(tmp_path))
    assert pane.sheet_combo.count() == 2
    assert [pane.sheet_combo.itemText(i) for i in range(2)] == ["라인1", "라인2"]
    assert pane.sheet_combo.isVisibleTo(pane)
    assert table.n_rows == 20
    pane.sheet_combo.setCurrentIndex(1)
    pane.sheet_combo.activated.emit(1)
    qtbot.waitUntil(lambda: pane.project.table.options.sheet == "라인2", timeout=15_000)
    table = pane.project.table
    assert list(table.frame.columns) == ["lot", "pressure"]
    assert table.n_rows == 12
    assert pane.header_spin.value() == 3  # the title rows were skipped, names found in row 3
    assert pane.sheet_combo.currentText() == "라인2"


def test_a_load_error_is_a_plain_message_and_keeps_the_data(qtbot, pane, tmp_path):
    good = _load(qtbot, pane, _cp949_csv(tmp_path))
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 this is not really a workbook" * 10)
    pane.load_file(broken)
    qtbot.waitUntil(lambda: pane.banner.isVisible(), timeout=15_000)
    text = pane.banner.label.text()
    assert text and "Traceback" not in text and "Error" not in text.split()[0]
    assert pane.banner.failure is not None and pane.banner.failure.expected
    assert pane.project.table is good
    assert pane.model.rowCount() == 40


def test_a_type_override_reloads_the_file(qtbot, pane, tmp_path):
    table = _load(qtbot, pane, _cp949_csv(tmp_path))
    assert table.kinds["코드"] == ColumnKind.NUMERIC
    row = list(table.kinds).index("코드")
    combo = pane.types_table.cellWidget(row, 1)
    combo.setCurrentIndex(combo.findData(str(ColumnKind.CATEGORICAL)))
    combo.activated.emit(combo.currentIndex())
    qtbot.waitUntil(lambda: pane.project.table is not table, timeout=15_000)
    reloaded = pane.project.table
    assert reloaded.kinds["코드"] == ColumnKind.CATEGORICAL
    assert reloaded.options.column_kinds == {"코드": ColumnKind.CATEGORICAL}
    assert isinstance(reloaded.frame["코드"].dtype, pd.CategoricalDtype)
    combo = pane.types_table.cellWidget(row, 1)
    assert "your choice" in combo.currentText()


def _million_rows() -> pd.DataFrame:
    n = 1_000_000
    rng = np.random.default_rng(0)
    values = rng.normal(20, 1, n)
    values[::97] = np.nan
    return pd.DataFrame(
        {
            "효율": values,
            "count": np.arange(n, dtype="int64"),
            "line": pd.Categorical(rng.choice(["L1", "L2", "L3"], n)),
            "time": pd.date_range("2026-01-01", periods=n, freq="min"),
            "note": pd.array(np.where(np.arange(n) % 5 == 0, "센서", None), dtype="str"),
        }
    ).iloc[::-1]  # a reversed index: row labels must come from the index, not the position


def test_frame_model_at_a_million_rows_formats_only_what_is_read(qtbot):
    frame = _million_rows()
    started = time.perf_counter()
    model = FrameModel(frame)
    built = time.perf_counter() - started
    assert model.rowCount() == 1_000_000 and model.columnCount() == 5
    assert built < 0.5, built
    assert model.formatted_cells == 0

    started = time.perf_counter()
    for top in range(0, 1_000_000, 25_000):  # jump through the table like a scroll bar drag
        for row in range(top, top + 40):
            for column in range(5):
                model.data(model.index(row, column))
    per_screen = (time.perf_counter() - started) / 40
    assert per_screen < 0.1, per_screen
    # a screen spans at most two blocks per column: never anywhere near the 5,000,000 cells
    assert model.formatted_cells <= 40 * 5 * 2 * BLOCK_ROWS
    assert model.headerData(0, Qt.Orientation.Vertical) == "1000000"
    last = pd.Timestamp("2026-01-01") + pd.Timedelta(minutes=999_999)
    assert model.data(model.index(0, 3)) == last.strftime("%Y-%m-%d %H:%M")
    assert model.data(model.index(999_999, 1)) == "0"
    assert model.data(model.index(999_999 - 97 * 3, 0)) == ""  # missing shows empty
    assert model.data(model.index(999_999 - 97 * 3, 0), Qt.ItemDataRole.BackgroundRole)

    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(800, 600)
    view.show()
    view.scrollToBottom()
    qtbot.waitExposed(view)
    assert model.formatted_cells < 100_000


def test_the_header_row_control_reloads_with_that_row(qtbot, pane, tmp_path):
    path = tmp_path / "report.csv"
    rows = ["3호기 소성로 일일 보고서", "", "lot,temp,yield"]
    rows += [f"A{i:03d},{780 + i},{90 + i / 10}" for i in range(30)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8-sig")
    table = _load(qtbot, pane, path)
    assert table.options.header_row == 3 and list(table.frame.columns) == ["lot", "temp", "yield"]
    assert pane.header_spin.value() == 3
    pane.header_spin.setValue(4)
    pane.header_spin.editingFinished.emit()
    qtbot.waitUntil(lambda: pane.project.table is not table, timeout=15_000)
    reloaded = pane.project.table
    assert reloaded.options.header_row == 4
    assert reloaded.frame.columns[0] == "A000"
    assert reloaded.n_rows == 29
    assert pane.header_spin.value() == 4


def test_cancel_keeps_the_previous_data(qtbot, pane, tmp_path):
    good = _load(qtbot, pane, _cp949_csv(tmp_path))
    big = tmp_path / "big.csv"
    n = 150_000
    pd.DataFrame({"x": np.arange(n) * 0.5, "lot": [f"L{i % 977}" for i in range(n)]}).to_csv(
        big, index=False
    )
    pane.load_file(big)
    assert pane.cancel_button.isVisibleTo(pane)
    qtbot.mouseClick(pane.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not pane.controller.runner.is_running("data"), timeout=15_000)
    qtbot.waitUntil(lambda: not pane.cancel_button.isVisibleTo(pane), timeout=5_000)
    assert pane.project.table is good
    assert pane.banner.isVisible() and "cancelled" in pane.banner.label.text()


def test_a_time_column_is_shown_in_one_shape_as_fine_as_its_finest_value():
    """Midnight, whole minutes and seconds in one column: every row shows seconds (not
    "2025-01-01" next to "2025-01-01 00:01" next to "2025-01-01 00:00:30")."""
    stamps = pd.to_datetime(
        ["2025-01-01", "2025-01-01 00:00:30", None, "2025-01-01 00:01"], format="ISO8601"
    )
    frame = pd.DataFrame(
        {
            "time": stamps,
            "minutes": stamps.floor("min"),
            "day": stamps.normalize(),
        }
    )
    model = FrameModel(frame)
    shown = [[model.cell_text(r, c) for r in range(4)] for c in range(3)]
    assert shown[0] == ["2025-01-01 00:00:00", "2025-01-01 00:00:30", "", "2025-01-01 00:01:00"]
    assert shown[1] == ["2025-01-01 00:00", "2025-01-01 00:00", "", "2025-01-01 00:01"]
    assert shown[2] == ["2025-01-01", "2025-01-01", "", "2025-01-01"]
