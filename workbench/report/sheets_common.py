"""What every report sheet shares: the report's inputs and the page layout helpers."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl.chart import BarChart, Reference
from openpyxl.chart.text import RichText, Text
from openpyxl.chart.title import Title
from openpyxl.drawing.text import (
    CharacterProperties,
    Paragraph,
    ParagraphProperties,
    RegularTextRun,
)
from openpyxl.drawing.text import Font as DrawingFont
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from workbench.feedback.actions import Action
from workbench.report.xlsx_style import (
    BODY,
    FONT_NAME,
    HEADING,
    MUTED,
    TITLE,
    WRAP,
    put,
    set_widths,
)
from workbench.text_width import display_width

LINE_HEIGHT = 13.5  # points per line of 10-pt Malgun Gothic text
MAX_ROW_HEIGHT = 409  # Excel's limit


@dataclass
class ReportData:
    """What a report is written from: an analysis result, plus a project's name and actions."""

    result: Any  # workbench.analysis.AnalysisResult
    name: str = ""
    actions: list[Action] = field(default_factory=list)  # read with actions_from_json
    recipe_steps: list[dict[str, Any]] | None = None  # a project's recipe (None: result's)
    notes: str = ""  # the project's notes
    warnings: list[str] = field(default_factory=list)  # shown first: stale results, moved data
    goal: Any = None  # the project's goal now (its success criterion may be newer than result's)
    written: dt.datetime = field(default_factory=dt.datetime.now)

    @property
    def target(self) -> str:
        return str(self.result.goal.target)

    @property
    def current_goal(self) -> Any:
        """The project's goal when known, else the one the analysis was run with."""
        return self.goal if self.goal is not None else self.result.goal

    @property
    def is_class_goal(self) -> bool:
        return str(getattr(self.result.fit, "task", "regression")) != "regression"


def new_sheet(wb: Any, title: str, widths: Mapping[int, float]) -> Worksheet:
    """A sheet with the report's look: widths, no grid lines, landscape, fit to page width."""
    ws = wb.create_sheet(title)
    set_widths(ws, widths)
    ws.sheet_view.showGridLines = False
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages tall as it takes
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = "&A — &P / &N"
    ws.oddFooter.center.size = 8
    return ws


def title_row(ws: Worksheet, text: str, last_col: int) -> None:
    put(ws, 1, 1, text, TITLE)
    ws.row_dimensions[1].height = 26
    if last_col > 1:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last_col)


def heading(ws: Worksheet, row: int, text: str) -> int:
    """A section heading; returns the next free row."""
    put(ws, row, 1, text, HEADING)
    ws.row_dimensions[row].height = 20
    return row + 1


def paragraph(
    ws: Worksheet,
    row: int,
    text: str,
    widths: Sequence[float],
    *,
    first_col: int = 1,
    font: Font = BODY,
) -> int:
    """Wrapped text across columns ``first_col`` …; sets a row height that shows all of it.

    Excel does not grow merged rows by itself, so the height is estimated from the text width.
    Returns the next free row.
    """
    last_col = first_col + len(widths) - 1
    put(ws, row, first_col, text, font, alignment=WRAP)
    if last_col > first_col:
        ws.merge_cells(start_row=row, start_column=first_col, end_row=row, end_column=last_col)
    fit_height(ws, row, [(text, sum(widths))], font)
    return row + 1


def fit_height(
    ws: Worksheet,
    row: int,
    cells: Sequence[tuple[str, float]],
    font: Font = BODY,
    fill: float = 1.25,
) -> None:
    """Row height for wrapped ``(text, column width)`` pairs: the tallest one decides.

    ``fill`` is how many characters of 10-pt Malgun Gothic fit in one unit of column width
    (bold headers fit fewer).
    """
    lines = 1
    for text, width in cells:
        lines = max(lines, text_lines(str(text), width, fill))
    scale = (font.size or 10) / 10
    if lines > 1 or scale > 1:
        ws.row_dimensions[row].height = min(lines * LINE_HEIGHT * scale + 3, MAX_ROW_HEIGHT)


def text_lines(text: str, width: float, fill: float = 1.25) -> int:
    """Lines a wrapped text takes in a column ``width`` units wide."""
    usable = max(width * fill - 1, 4)
    return sum(max(1, math.ceil(display_width(line) / usable)) for line in text.split("\n"))


def fit_table_heights(
    ws: Worksheet, first_row: int, last_row: int, widths: Mapping[int, float]
) -> None:
    """Row heights for a table whose columns in ``widths`` wrap their text."""
    for r in range(first_row, last_row + 1):
        cells = []
        for col, width in widths.items():
            value = ws.cell(row=r, column=col).value
            if value is not None:
                cells.append((str(value), width))
        if cells:
            fit_height(ws, r, cells)


def wrap_header(ws: Worksheet, row: int, n_cols: int, widths: Mapping[int, float]) -> None:
    """Let the header row of a table wrap (long headings in narrow number columns)."""
    for col in range(1, n_cols + 1):
        cell = ws.cell(row=row, column=col)
        # Keep the side the header was set to (flush right over a column of numbers).
        side = cell.alignment.horizontal if cell.alignment is not None else None
        indent = cell.alignment.indent if cell.alignment is not None else 0
        cell.alignment = Alignment(
            wrap_text=True, vertical="center", horizontal=side, indent=indent
        )
    cells = [(str(ws.cell(row=row, column=c).value or ""), w) for c, w in widths.items()]
    fit_height(ws, row, cells, fill=0.9)


def freeze_below(ws: Worksheet, row: int) -> None:
    """Freeze the rows above ``row`` (titles and a table header) and repeat them when printed."""
    ws.freeze_panes = ws.cell(row=row, column=1)
    if row > 1:
        ws.print_title_rows = f"1:{row - 1}"


def page_break_before(ws: Worksheet, row: int) -> None:
    """Start a new printed page at ``row`` (keeps a chart or a block on one page)."""
    if row > 1:
        ws.row_breaks.append(Break(id=row - 1))


def note(ws: Worksheet, row: int, text: str, widths: Sequence[float]) -> int:
    return paragraph(ws, row, text, widths, font=MUTED)


def bar_chart(
    ws: Worksheet,
    *,
    title: str,
    label_col: int,
    value_col: int,
    first_row: int,
    last_row: int,
    anchor: str,
    axis_title: str = "",
    width_cm: float = 16,
    height_cm: float | None = None,
    number_format: str = "0.00",
) -> BarChart:
    """A native horizontal bar chart of a table's values; the first row on top."""
    chart = BarChart()
    chart.type = "bar"
    chart.style = 10
    chart.title = _chart_title(title)
    chart.legend = None
    chart.gapWidth = 60  # thicker bars than Excel's default 150
    data = Reference(ws, min_col=value_col, min_row=first_row, max_row=last_row)
    labels = Reference(ws, min_col=label_col, min_row=first_row, max_row=last_row)
    chart.add_data(data, titles_from_data=False)
    chart.set_categories(labels)
    chart.x_axis.scaling.orientation = "maxMin"  # top driver at the top
    # openpyxl ≥ 3.1 marks axes deleted unless told otherwise; Excel then hides the labels.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.y_axis.number_format = number_format
    chart.y_axis.majorGridlines = None
    chart.x_axis.txPr = _text_props(900)
    chart.y_axis.txPr = _text_props(800)
    if axis_title:
        chart.y_axis.title = _chart_title(axis_title, 900)
    n = last_row - first_row + 1
    chart.width = width_cm
    chart.height = height_cm if height_cm is not None else max(6.0, 2.5 + 0.6 * n)
    ws.add_chart(chart, anchor)
    return chart


def _char_props(size: int, bold: bool = False) -> CharacterProperties:
    # East Asian typeface too, or Excel draws Hangul labels in a fallback font.
    face = DrawingFont(typeface=FONT_NAME)
    return CharacterProperties(sz=size, b=bold, latin=face, ea=face)


def _text_props(size: int) -> RichText:
    props = _char_props(size)
    return RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=props), endParaRPr=props)])


def _chart_title(text: str, size: int = 1100) -> Title:
    props = _char_props(size, bold=True)
    run = RegularTextRun(rPr=props, t=text)
    para = Paragraph(pPr=ParagraphProperties(defRPr=props), r=[run])
    return Title(tx=Text(rich=RichText(p=[para])), overlay=False)


def axis_format(values: Sequence[float]) -> str:
    """A number format for a chart axis: two significant digits of the largest value."""
    finite = [abs(float(v)) for v in values if v is not None and math.isfinite(float(v))]
    largest = max(finite, default=0.0)
    if largest <= 0:
        return "0.00"
    decimals = max(0, min(6, 1 - math.floor(math.log10(largest))))
    return "0" + ("." + "0" * decimals if decimals else "")


def sig_format(values: Sequence[float], digits: int = 3) -> str:
    """A number format showing about ``digits`` significant digits of the smallest value."""
    finite = [abs(float(v)) for v in values if v is not None and math.isfinite(float(v))]
    finite = [v for v in finite if v > 0]
    if not finite:
        return "0.00"
    smallest = min(finite)
    decimals = max(0, min(6, digits - 1 - math.floor(math.log10(smallest))))
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def round_sig(value: Any, digits: int = 4) -> Any:
    """Round a float to ``digits`` significant digits (keeps cells short under General)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    v = float(value)
    if not math.isfinite(v) or v == 0:
        return v
    return round(v, max(0, digits - 1 - math.floor(math.log10(abs(v)))))


# -- pages ------------------------------------------------------------------------------------
#: A4 in inches (landscape swaps them). A column width unit prints about 7 pt wide when
#: LibreOffice fits a sheet to the page width (measured on its PDF: 128 units at 85 %); Excel
#: prints a unit a little narrower, so there a kept-together block may still meet a page end.
_A4_INCHES = (8.27, 11.69)
_PT_PER_WIDTH_UNIT = 7.0
_PT_PER_INCH = 72
_PT_PER_CM = 72 / 2.54
_DEFAULT_ROW_PT = 15.0
_SAFETY = 1.0  # row heights are estimated generously already (fit_height)


def page_height_rows_pt(ws: Worksheet) -> float:
    """The height one printed page holds, in the sheet's points, for a sheet printed
    fit-to-width (so a wide sheet is scaled down and a page holds more of its rows)."""
    short, long = _A4_INCHES
    landscape = ws.page_setup.orientation == "landscape"
    width_in, height_in = (long, short) if landscape else (short, long)
    m = ws.page_margins
    usable_w = (width_in - m.left - m.right) * _PT_PER_INCH
    usable_h = (height_in - m.top - m.bottom) * _PT_PER_INCH
    edges = [0.0]
    for col in range(1, ws.max_column + 1):
        width = ws.column_dimensions[get_column_letter(col)].width or 8.43
        edges.append(edges[-1] + width * _PT_PER_WIDTH_UNIT)
    sheet_w = edges[-1]
    for chart in getattr(ws, "_charts", []):  # a chart past the last column widens the print
        anchor = chart.anchor
        if isinstance(anchor, str):
            col = column_index_from_string(coordinate_from_string(anchor)[0])
        else:  # a chart read back from a file: a drawing anchor, 0-based
            col = int(anchor._from.col) + 1
        left = edges[min(col - 1, len(edges) - 1)]
        sheet_w = max(sheet_w, left + float(chart.width) * _PT_PER_CM)
    scale = min(1.0, usable_w / sheet_w) if sheet_w else 1.0
    return usable_h / scale * _SAFETY


def _row_pt(ws: Worksheet, row: int) -> float:
    return float(ws.row_dimensions[row].height or _DEFAULT_ROW_PT)


def keep_blocks_together(ws: Worksheet, blocks: Sequence[tuple[int, int]]) -> None:
    """Break pages only where needed: before a block (``(first_row, last_row)``) that would
    otherwise be split, when it fits on a page of its own. Rows between blocks flow freely.

    Replaces "one block per page", which printed three mostly empty pages for three cause
    groups; a block taller than a page starts a fresh page and runs on.
    """
    page = page_height_rows_pt(ws)
    titles = _print_title_pt(ws)
    starts = {first: last for first, last in blocks}
    used = 0.0
    row = 1
    while row <= ws.max_row:
        if row in starts:
            block = sum(_row_pt(ws, r) for r in range(row, starts[row] + 1))
            if used + block > page and used > titles and titles + block <= page:
                page_break_before(ws, row)
                used = titles
        height = _row_pt(ws, row)
        if used + height > page:  # the printer starts a new page here by itself
            used = titles
        used += height
        row += 1


def _print_title_pt(ws: Worksheet) -> float:
    """Height of the rows repeated on every printed page (0 when none)."""
    rows = ws.print_title_rows
    if not rows:
        return 0.0
    first, _sep, last = str(rows).replace("$", "").partition(":")
    try:
        return sum(_row_pt(ws, r) for r in range(int(first), int(last or first) + 1))
    except ValueError:
        return 0.0
