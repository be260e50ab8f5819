"""Excel error cells (#NAME?, #DIV/0!, ...) load as missing values with a note, not a refusal.

Before: one #NAME? cell made calamine fail to type its column ("could not determine dtype"), and
the whole workbook was refused as damaged.
"""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from workbench.tables.loader import load_table
from workbench.tables.table import ColumnKind


def _book(path, cells: dict[str, str]):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["온도", "라인", "효율"])
    for i in range(12):
        sheet.append([800 + i, f"L{i % 3}", 0.5 + i / 100])
    for ref, code in cells.items():
        sheet[ref].value = code
        sheet[ref].data_type = "e"
    book.save(path)
    return path


@pytest.mark.parametrize("code", ["#NAME?", "#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NUM!"])
def test_an_error_cell_in_a_number_column_is_missing_and_noted(tmp_path, code):
    table = load_table(_book(tmp_path / "e.xlsx", {"A4": code, "C9": code}))
    frame = table.frame
    assert table.kinds["온도"] == ColumnKind.NUMERIC and table.kinds["효율"] == ColumnKind.NUMERIC
    assert frame["온도"].isna().sum() == 1 and pd.isna(frame["온도"].iloc[2])
    assert frame["효율"].isna().sum() == 1 and pd.isna(frame["효율"].iloc[7])
    assert frame["온도"].iloc[0] == 800 and frame["효율"].iloc[-1] == pytest.approx(0.61)
    notes = [n for n in table.notes if n.kind == "error_cells"]
    assert {n.column for n in notes} == {"온도", "효율"}
    assert all(code in n.message and "missing" in n.message for n in notes)


def test_name_errors_in_a_text_column_and_a_number_column_together(tmp_path):
    table = load_table(
        _book(tmp_path / "e.xlsx", {"A3": "#NAME?", "B5": "#NAME?", "B6": "#DIV/0!"})
    )
    assert table.kinds["온도"] == ColumnKind.NUMERIC
    assert table.frame["라인"].isna().sum() == 2
    message = next(n.message for n in table.notes if n.column == "라인")
    assert "#NAME? ×1" in message and "#DIV/0! ×1" in message


def test_a_name_error_does_not_claim_numbers_were_stored_as_text(tmp_path):
    table = load_table(_book(tmp_path / "e.xlsx", {"A4": "#NAME?"}))
    assert not [n for n in table.notes if n.kind == "converted_numbers"]


def test_error_values_of_newer_excel_are_missing_with_their_own_code(tmp_path):
    """calamine refuses #SPILL!/#CALC! (dynamic arrays): the whole workbook was refused."""
    cells = {"A4": "#SPILL!", "C6": "#CALC!", "C7": "#N/A", "B9": "#NAME?"}
    table = load_table(_book(tmp_path / "e.xlsx", cells))
    frame = table.frame
    assert pd.isna(frame["온도"].iloc[2]) and frame["온도"].isna().sum() == 1
    assert frame["효율"].isna().sum() == 2 and frame["라인"].isna().sum() == 1
    said = {n.column: n.message for n in table.notes if n.kind == "error_cells"}
    assert "#SPILL! ×1" in said["온도"] and "#N/A" not in said["온도"]
    assert "#CALC! ×1" in said["효율"] and "#N/A ×1" in said["효율"]
    assert "#NAME? ×1" in said["라인"]
