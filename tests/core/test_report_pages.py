"""The Excel report as printed: headers over their numbers, no empty header band over the
Drivers chart, blocks kept whole, and the project's name in the title."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from workbench.report.report_xlsx import write_report
from workbench.report.sheets_common import keep_blocks_together, new_sheet
from workbench.report.xlsx_style import write_table
from workbench.store.project_file import open_project

DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo" / "demo.wbproj"


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    project = open_project(DEMO)
    project.name = "3라인 소성 효율"
    path = tmp_path_factory.mktemp("report") / "report.xlsx"
    write_report(project, path)
    return load_workbook(path)


def test_the_report_is_titled_with_the_project_name(report):
    assert report.worksheets[0]["A1"].value.endswith("3라인 소성 효율")
    assert report.properties.title.endswith("3라인 소성 효율")


def test_headers_of_number_columns_are_flush_right_like_their_numbers(report):
    ws = report.worksheets[2]  # Drivers
    header_row = int(str(ws.print_title_rows).replace("$", "").split(":")[0])
    headers = {c.column: c for c in ws[header_row] if c.value}
    first = ws[header_row + 1]
    for col, head in headers.items():
        value = first[col - 1].value
        if isinstance(value, int | float):
            assert head.alignment.horizontal == "right", head.value
            assert first[col - 1].alignment.horizontal == "right"
        else:
            assert head.alignment.horizontal in (None, "general", "left"), head.value


def test_the_drivers_chart_comes_before_its_table_so_no_empty_band_repeats(report):
    ws = report.worksheets[2]
    header_row = int(str(ws.print_title_rows).replace("$", "").split(":")[0])
    # Only the table's header row repeats on later pages, and the chart sits above it: no
    # page can hold the chart under a repeated header with nothing in it.
    assert str(ws.print_title_rows).replace("$", "") == f"{header_row}:{header_row}"
    (chart,) = ws._charts
    assert chart.anchor._from.row + 1 < header_row
    assert not ws.row_breaks.brk  # and no forced page for the chart


def test_every_sheet_prints_fit_to_width(report):
    for ws in report.worksheets:
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage


def test_blocks_break_only_when_they_would_be_split():
    from openpyxl import Workbook

    wb = Workbook()
    ws = new_sheet(wb, "t", {1: 20, 2: 20})
    for r in range(1, 201):
        ws.cell(r, 1, f"row {r}")
    # Blocks of 10 rows (150 pt): several fit a page; a break falls only before a block that
    # would cross the page's end, never inside one.
    blocks = [(r, r + 9) for r in range(1, 200, 12)]
    keep_blocks_together(ws, blocks)
    breaks = [b.id + 1 for b in ws.row_breaks.brk]
    assert breaks and all(any(b == first for first, _last in blocks) for b in breaks)
    assert len(breaks) < len(blocks) - 1  # not one block per page


def test_a_mixed_column_keeps_its_numbers_on_the_header_side():
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    write_table(ws, 1, ["Lowest", "Rows"], [["2026-03-02", 10], [4.5, 12], ["–", 3]])
    assert ws["A1"].alignment.horizontal != "right" and ws["A3"].alignment.horizontal == "left"
    assert ws["B1"].alignment.horizontal == "right" and ws["B2"].alignment.horizontal == "right"


def test_text_right_after_a_number_column_starts_one_indent_in(report):
    ws = report.worksheets[2]  # Drivers: "Importance in the focus rows" then "Role"
    header_row = int(str(ws.print_title_rows).replace("$", "").split(":")[0])
    role = ws.cell(row=header_row, column=6)
    first = ws.cell(row=header_row + 1, column=6)
    assert role.alignment.horizontal == "left" and role.alignment.indent == 1
    assert first.alignment.indent == 1
    assert ws.cell(row=header_row + 1, column=2).alignment.indent == 1  # after the rank
