"""Export the cleaned table from the Quality step: CSV and Excel files that read back equal."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook
from PySide6.QtWidgets import QFileDialog

from ui.controller import ProjectController
from ui.panes.cleaned_export import default_export_path
from ui.panes.quality_pane import QualityPane
from workbench.jobs import JobContext
from workbench.pipeline import clean_table
from workbench.steps.recipe import Recipe
from workbench.tables.loader import load_table


@pytest.fixture
def pane(qtbot, tmp_path):
    rng = np.random.default_rng(2)
    n = 120
    frame = pd.DataFrame(
        {
            "lot": [f"L{i:03d}" for i in range(n)],
            "온도": rng.normal(800, 5, n).round(2),
            "라인": rng.choice(["1라인", "2라인"], n),
            "메모": ["=SUM(A1:A2)" if i == 3 else "정상" for i in range(n)],
            "시각": pd.date_range("2026-03-02 06:00", periods=n, freq="13min"),
            "효율": rng.normal(19, 0.2, n).round(3),
        }
    )
    frame = pd.concat([frame, frame.iloc[:5]])  # 5 repeated rows, removed by the recipe
    path = tmp_path / "공정.csv"
    frame.to_csv(path, index=False, encoding="cp949")
    controller = ProjectController()
    controller.project.set_table(load_table(path))
    controller.project.set_recipe(Recipe([{"op": "drop_duplicate_rows"}]))
    pane = QualityPane(controller)
    qtbot.addWidget(pane)
    pane.show()
    yield pane
    controller.runner.shutdown()


def _expected(project) -> pd.DataFrame:
    return clean_table(JobContext(), project.table, project.recipe).frame


def _export(qtbot, pane, path) -> str:
    messages: list[str] = []
    pane.controller.status_message.connect(messages.append)
    pane.export_button.export(path)
    qtbot.waitUntil(lambda: bool(messages), timeout=20_000)
    return messages[0]


def test_the_default_place_is_next_to_the_data(pane, tmp_path):
    assert default_export_path(pane.project) == tmp_path.resolve() / "공정_cleaned.csv"


def test_export_csv_reads_back_equal(qtbot, pane, tmp_path, monkeypatch):
    target = tmp_path / "out" / "정리.csv"
    target.parent.mkdir()
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    messages: list[str] = []
    pane.controller.status_message.connect(messages.append)
    pane.export_button.click()  # asks where, then writes in a job
    qtbot.waitUntil(lambda: bool(messages), timeout=20_000)
    assert "120 rows" in messages[0]
    expected = _expected(pane.project)
    back = pd.read_csv(target, encoding="utf-8-sig", parse_dates=["시각"])
    assert list(back.columns) == list(expected.columns)
    assert len(back) == 120
    for column in expected.columns:
        want = expected[column].reset_index(drop=True)
        got = back[column]
        if pd.api.types.is_numeric_dtype(want):
            assert np.allclose(got.to_numpy(float), want.to_numpy(float)), column
        elif pd.api.types.is_datetime64_any_dtype(want):
            assert (got == want).all(), column
        else:
            assert got.astype(str).tolist() == want.astype(str).tolist(), column
    assert not list(target.parent.glob(".*tmp"))  # no temporary file left behind


def test_export_xlsx_reads_back_equal_and_keeps_text_as_text(qtbot, pane, tmp_path):
    target = tmp_path / "정리.xlsx"
    assert "120 rows" in _export(qtbot, pane, target)
    expected = _expected(pane.project).reset_index(drop=True)
    back = pd.read_excel(target)
    assert list(back.columns) == list(expected.columns) and len(back) == 120
    assert np.allclose(back["온도"], expected["온도"])
    assert back["라인"].tolist() == expected["라인"].astype(str).tolist()
    assert (pd.to_datetime(back["시각"]) == expected["시각"]).all()
    sheet = load_workbook(target).active
    cell = sheet.cell(row=5, column=4)  # row 3 of the data: "=SUM(A1:A2)"
    assert cell.value == "=SUM(A1:A2)" and cell.data_type == "s"  # text, not a formula


def test_a_bad_place_gives_a_plain_message_and_no_file(qtbot, pane, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: said.append(text))
    pane.export_button.export(tmp_path / "no such folder" / "x.xlsx")
    qtbot.waitUntil(lambda: bool(said), timeout=20_000)
    assert "could not be written" in said[0]
    assert pane.export_button.isEnabled()
