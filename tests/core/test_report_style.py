from __future__ import annotations

import math

from openpyxl import Workbook, load_workbook

from workbench.report.xlsx_style import put, safe_value, sheet_title


def test_formula_like_text_arrives_as_plain_text(tmp_path):
    wb = Workbook()
    ws = wb.active
    values = ['=HYPERLINK("http://evil.example","click")', "+1+1", "-2+3", "@SUM(A1)", "\t=1"]
    for i, v in enumerate(values, start=1):
        put(ws, i, 1, v)
    path = tmp_path / "r.xlsx"
    wb.save(path)
    back = load_workbook(path).active
    for i, v in enumerate(values, start=1):
        cell = back.cell(row=i, column=1)
        assert cell.value == v
        assert cell.data_type == "s"  # a string, not a formula ("f")


def test_unsafe_values_are_made_writable():
    assert safe_value(float("nan")) is None
    assert safe_value(math.inf) is None
    assert safe_value("a\x00b\x07c") == "abc"
    assert safe_value("효율") == "효율"


def test_sheet_titles_are_valid_and_unique():
    assert sheet_title("Quality: a/b [x]") == "Quality_ a_b _x_"
    long = "원인 그룹 " * 10
    assert len(sheet_title(long)) <= 31
    assert sheet_title("Summary", taken=["summary"]) == "Summary (2)"
