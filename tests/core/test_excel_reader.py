"""The Excel/ODS reader on real workbooks written in tmp_path (or committed in tests/data)."""

from __future__ import annotations

import datetime as dt
import threading
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from workbench.errors import DataLoadError
from workbench.jobs import Cancelled, JobContext
from workbench.tables.excel_book import list_sheets
from workbench.tables.loader import load_table, read_raw
from workbench.tables.table import LoadOptions

DATA = Path(__file__).resolve().parent.parent / "data"


def _notes(raw, kind):
    return [n for n in raw.notes if n.kind == kind]


def _error(ws, ref, code):
    cell = ws[ref]
    cell.value = code
    cell.data_type = "e"


def _report_workbook(path: Path) -> Path:
    """Title rows, a merged two-row header, error cells, an empty row and an empty column."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Line 3"
    ws["A1"] = "Line 3 production report"
    ws["A2"] = "exported 2026-01-10 from MES"
    ws["B4"] = "Date"
    ws.merge_cells("B4:B5")
    ws["C4"] = "Temperature"
    ws.merge_cells("C4:D4")
    ws["E4"] = "Speed"
    ws["C5"] = "Zone 1"
    ws["D5"] = "Zone 2"
    ws["E5"] = "rpm"
    ws["G4"] = "판정"
    ws.merge_cells("G4:G5")
    for i in range(8):
        r = 6 + i if i < 4 else 7 + i  # row 10 stays empty
        ws.cell(r, 2, dt.datetime(2026, 1, 1 + i, 8, 0))
        ws.cell(r, 3, 180.5 + i)
        ws.cell(r, 4, 175.0 + i)
        ws.cell(r, 5, 1200 + 10 * i)
        ws.cell(r, 7, "OK" if i % 3 else "NG")
    _error(ws, "C7", "#DIV/0!")
    _error(ws, "C12", "#DIV/0!")
    _error(ws, "D8", "#N/A")
    wb.save(path)
    return path


def test_title_rows_merged_two_row_header_and_error_cells(tmp_path, ctx):
    path = _report_workbook(tmp_path / "report.xlsx")
    fmt, raw = read_raw(path, LoadOptions(), ctx)
    assert fmt == "xlsx"
    frame = raw.frame
    assert list(frame.columns) == [
        "Date",
        "Temperature / Zone 1",
        "Temperature / Zone 2",
        "Speed / rpm",
        "판정",
    ]
    # index = data-row position below the header; the empty row 10 keeps its place
    assert list(frame.index) == [0, 1, 2, 3, 5, 6, 7, 8]
    assert pd.api.types.is_datetime64_any_dtype(frame["Date"])
    assert frame["Date"].iloc[0] == pd.Timestamp("2026-01-01 08:00")
    assert pd.api.types.is_float_dtype(frame["Temperature / Zone 1"])
    assert frame["Temperature / Zone 1"].isna().sum() == 2
    assert frame.loc[2, "Temperature / Zone 2"] != frame.loc[2, "Temperature / Zone 2"]
    assert frame.loc[8, "Speed / rpm"] == 1270
    assert raw.options.sheet == "Line 3"
    assert raw.options.header_row == 4
    assert raw.options.has_header is True
    assert raw.sheets == ["Line 3"]

    header = _notes(raw, "header_row")[0]
    assert header.details["header_rows"] == [4, 5]
    assert "3 rows above" in header.message
    assert _notes(raw, "merged_header")
    errors = {n.column: n.details for n in _notes(raw, "error_cells")}
    assert errors["Temperature / Zone 1"]["count"] == 2
    assert errors["Temperature / Zone 1"]["codes"] == {"#DIV/0!": 2}
    assert errors["Temperature / Zone 1"]["rows"] == [7, 12]
    assert errors["Temperature / Zone 2"]["codes"] == {"#N/A": 1}
    assert _notes(raw, "dropped_empty_rows")[0].details["rows"] == [10]
    dropped = _notes(raw, "dropped_empty_columns")[0]
    assert dropped.details["columns"] == ["F"]
    assert ctx.reports and ctx.reports[-1][0] == pytest.approx(1.0)


def test_reload_with_the_returned_options_reads_the_same(tmp_path):
    path = _report_workbook(tmp_path / "report.xlsx")
    _fmt, first = read_raw(path)
    saved = LoadOptions.from_dict(first.options.to_dict())
    _fmt, again = read_raw(path, saved)
    assert list(again.frame.columns) == list(first.frame.columns)
    pd.testing.assert_frame_equal(again.frame, first.frame)
    assert not _notes(again, "header_row")[0].details["detected"]


def test_user_header_row_override(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["Plant", "Ulsan"])
    ws.append(["Line", "3"])
    ws.append(["a", "b"])
    ws.append([1, 2])
    ws.append([3, 4])
    path = tmp_path / "kv.xlsx"
    wb.save(path)
    _fmt, raw = read_raw(path, LoadOptions(header_row=3))
    assert list(raw.frame.columns) == ["a", "b"]
    assert raw.frame["a"].tolist() == [1.0, 3.0]
    assert raw.options.header_row == 3
    assert "as chosen" in _notes(raw, "header_row")[0].message


def _handmade_xlsx(path: Path, sheet_xml: str, *, date1904: bool = False, styles: str = "") -> Path:
    """A minimal .xlsx written by hand: lets formulas carry cached values (openpyxl can't)."""
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel_ns = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    pkg = "http://schemas.openxmlformats.org/package/2006"
    off = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    ct_main = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    files = {
        "[Content_Types].xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{pkg}/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{ct_main}.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            f'ContentType="{ct_main}.worksheet+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{ct_main}.styles+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}/relationships">'
            f'<Relationship Id="rId1" Type="{off}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}/relationships">'
            f'<Relationship Id="rId1" Type="{off}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{off}/styles" Target="styles.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook {ns} {rel_ns}>'
            f'<workbookPr date1904="{int(date1904)}"/>'
            '<sheets><sheet name="Calc" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/styles.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><styleSheet {ns}>'
            + (
                styles
                or '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="22" applyNumberFormat="1"/>'
                "</cellXfs>"
            )
            + "</styleSheet>"
        ),
        "xl/worksheets/sheet1.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet {ns}><sheetData>{sheet_xml}'
            "</sheetData></worksheet>"
        ),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    return path


def _s(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'


def test_formulas_are_read_as_their_cached_values(tmp_path):
    rows = [
        f'<row r="1">{_s("A1", "x")}{_s("B1", "double")}{_s("C1", "label")}{_s("D1", "ratio")}'
        "</row>"
    ]
    for i in range(2, 6):
        rows.append(
            f'<row r="{i}"><c r="A{i}"><v>{i}</v></c>'
            f'<c r="B{i}"><f>A{i}*2</f><v>{2 * i}</v></c>'
            f'<c r="C{i}" t="str"><f>"L"&amp;A{i}</f><v>L{i}</v></c>'
            + (
                f'<c r="D{i}" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
                if i == 3
                else f'<c r="D{i}"><f>1/A{i}</f><v>{1 / i}</v></c>'
            )
            + "</row>"
        )
    path = _handmade_xlsx(tmp_path / "calc.xlsx", "".join(rows))
    _fmt, raw = read_raw(path)
    frame = raw.frame
    assert frame["double"].tolist() == [4.0, 6.0, 8.0, 10.0]
    assert frame["label"].tolist() == ["L2", "L3", "L4", "L5"]
    assert frame["ratio"].isna().tolist() == [False, True, False, False]
    assert _notes(raw, "error_cells")[0].details["codes"] == {"#DIV/0!": 1}


@pytest.mark.parametrize("date1904", [False, True])
def test_dates_mixed_with_serial_numbers_use_the_workbook_date_system(tmp_path, date1904):
    # serial numbers count from 1899-12-30 (1900 system) or 1904-01-01 (1904 system)
    epoch = dt.datetime(1904, 1, 1) if date1904 else dt.datetime(1899, 12, 30)
    real = dt.datetime(2026, 3, 1, 13, 0)
    real_serial = (real - epoch).total_seconds() / 86400
    rows = [f'<row r="1">{_s("A1", "when")}{_s("B1", "value")}</row>']
    for i in range(2, 8):
        serial = real_serial + i
        style = ' s="1"' if i % 2 else ""  # odd rows: a real date; even rows: a plain number
        rows.append(
            f'<row r="{i}"><c r="A{i}"{style}><v>{serial}</v></c><c r="B{i}"><v>{i}</v></c></row>'
        )
    path = _handmade_xlsx(tmp_path / "dates.xlsx", "".join(rows), date1904=date1904)
    _fmt, raw = read_raw(path)
    when = raw.frame["when"]
    assert pd.api.types.is_datetime64_any_dtype(when)
    expected = [pd.Timestamp(real + dt.timedelta(days=i)) for i in range(2, 8)]
    assert list(when) == expected
    note = _notes(raw, "serial_dates")[0]
    assert note.details == {"count": 3, "date1904": date1904}


def test_1904_workbook_written_by_openpyxl(tmp_path):
    wb = Workbook()
    wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.append(["t", "v"])
    for i in range(3):
        ws.append([dt.datetime(2026, 1, 1 + i, 6, 30), i])
    path = tmp_path / "mac.xlsx"
    wb.save(path)
    _fmt, raw = read_raw(path)
    assert raw.frame["t"].tolist() == [pd.Timestamp(2026, 1, 1 + i, 6, 30) for i in range(3)]


def test_numbers_stored_as_text_and_mixed_columns_arrive_as_strings(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["as text", "mixed", "number"])
    ws.append(["1,234.5", 1.0, 1.0])
    ws.append(["12", "n/a", 2.0])
    ws.append([" 7 ", 3.0, 3.0])
    path = tmp_path / "text.xlsx"
    wb.save(path)
    _fmt, raw = read_raw(path)
    assert raw.frame["as text"].tolist() == ["1,234.5", "12", " 7 "]
    assert raw.frame["mixed"].tolist() == ["1", "n/a", "3"]
    assert pd.api.types.is_float_dtype(raw.frame["number"])


def test_blank_and_duplicate_names_are_made_unique(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["speed", None, "speed", "온도"])
    for i in range(3):
        ws.append([i, i * 2, i * 3, i * 4])
    path = tmp_path / "dup.xlsx"
    wb.save(path)
    _fmt, raw = read_raw(path)
    assert list(raw.frame.columns) == ["speed", "Column 2", "speed (2)", "온도"]
    kinds = {n.kind for n in raw.notes}
    assert {"blank_column_name", "duplicate_column_name"} <= kinds


def test_table_without_header_gets_generated_names(tmp_path):
    wb = Workbook()
    ws = wb.active
    for i in range(4):
        ws.append([i, i * 1.5, i * 2.5])
    path = tmp_path / "nohead.xlsx"
    wb.save(path)
    _fmt, raw = read_raw(path)
    assert list(raw.frame.columns) == ["Column 1", "Column 2", "Column 3"]
    assert len(raw.frame) == 4
    assert raw.options.has_header is False
    assert raw.options.header_row is None
    assert _notes(raw, "no_header")


def test_first_sheet_with_a_table_is_chosen_and_noted(tmp_path):
    wb = Workbook()
    wb.active.title = "Cover"
    wb.active["A1"] = "Read me first"
    hidden = wb.create_sheet("Lookup")
    hidden.sheet_state = "hidden"
    hidden.append(["k", "v"])
    hidden.append([1, 2])
    hidden.append([3, 4])
    data = wb.create_sheet("Data")
    data.append(["a", "b"])
    data.append([1, 2])
    data.append([3, 4])
    path = tmp_path / "book.xlsx"
    wb.save(path)
    assert list_sheets(path) == ["Cover", "Lookup", "Data"]
    _fmt, raw = read_raw(path)
    assert raw.options.sheet == "Data"
    note = _notes(raw, "sheet")[0]
    assert note.details["skipped"] == ["Cover"]
    assert "Cover" in note.message
    assert raw.sheets == ["Cover", "Lookup", "Data"]
    _fmt, raw = read_raw(path, LoadOptions(sheet="Lookup"))
    assert list(raw.frame.columns) == ["k", "v"]


def test_missing_sheet_lists_the_sheets(tmp_path):
    wb = Workbook()
    wb.active.title = "생산"
    wb.active.append(["a"])
    wb.create_sheet("QC")
    path = tmp_path / "book.xlsx"
    wb.save(path)
    with pytest.raises(DataLoadError) as info:
        read_raw(path, LoadOptions(sheet="Sheet1"))
    assert "Sheet1" in info.value.message
    assert "book.xlsx" in info.value.message
    assert "“생산”" in info.value.hint and "“QC”" in info.value.hint


def test_sheet_without_a_table(tmp_path):
    wb = Workbook()
    wb.active.title = "Empty"
    other = wb.create_sheet("Data")
    other.append(["a", "b"])
    other.append([1, 2])
    other.append([3, 4])
    path = tmp_path / "book.xlsx"
    wb.save(path)
    with pytest.raises(DataLoadError) as info:
        read_raw(path, LoadOptions(sheet="Empty"))
    assert "Empty" in info.value.message and "“Data”" in info.value.hint

    wb = Workbook()
    wb.active["C3"] = None
    path = tmp_path / "blank.xlsx"
    wb.save(path)
    with pytest.raises(DataLoadError) as info:
        read_raw(path)
    assert "blank.xlsx" in info.value.message


@pytest.mark.parametrize("n_data", [0, 1])
def test_one_row_table_is_refused(tmp_path, n_data):
    wb = Workbook()
    ws = wb.active
    ws.append(["a", "b"])
    for i in range(n_data):
        ws.append([i, i])
    path = tmp_path / "tiny.xlsx"
    wb.save(path)
    with pytest.raises(DataLoadError) as info:
        read_raw(path)
    assert "tiny.xlsx" in info.value.message
    assert info.value.hint


def test_password_protected_workbook(tmp_path):
    with pytest.raises(DataLoadError) as info:
        read_raw(DATA / "excel_encrypted.xlsx")
    assert "password" in info.value.message
    assert "excel_encrypted.xlsx" in info.value.message
    # a hand-made OLE2 container with an EncryptedPackage stream, saved under another name
    stub = tmp_path / "secret.xls"
    stub.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptedPackage".encode("utf-16-le")
    )
    with pytest.raises(DataLoadError, match="password"):
        read_raw(stub)


def test_corrupt_and_truncated_workbooks(tmp_path):
    good = _report_workbook(tmp_path / "good.xlsx").read_bytes()
    truncated = tmp_path / "cut.xlsx"
    truncated.write_bytes(good[: len(good) // 2])
    with pytest.raises(DataLoadError) as info:
        read_raw(truncated)
    assert "cut.xlsx" in info.value.message and info.value.hint

    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(broken, "w") as zf:
        zf.writestr("xl/workbook.xml", "<workbook><sheets><sheet name='a'")
    with pytest.raises(DataLoadError) as info:
        read_raw(broken)
    assert "broken.xlsx" in info.value.message

    junk_xls = tmp_path / "junk.xls"
    junk_xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8)
    with pytest.raises(DataLoadError) as info:
        read_raw(junk_xls)
    assert "junk.xls" in info.value.message


@pytest.mark.parametrize(("name", "year"), [("excel_1900.xls", 2025), ("excel_1904.xls", 2029)])
def test_legacy_xls_with_merged_header_and_serial_dates(name, year):
    fmt, raw = read_raw(DATA / name)
    assert fmt == "xls"
    frame = raw.frame
    assert list(frame.columns) == [
        "When",
        "Temperature / Zone 1",
        "Temperature / Zone 2",
        "Result",
    ]
    assert raw.options.header_row == 3
    assert frame["When"].iloc[1] == pd.Timestamp("2026-01-02 08:00")
    # the plain number 46000 is a serial date: 2025-12-09 (1900) or 2029-12-10 (1904)
    assert frame["When"].iloc[0].year == year
    assert frame["Temperature / Zone 1"].tolist() == [180.5 + i for i in range(6)]


def test_xls_saved_under_an_xlsx_name(tmp_path):
    renamed = tmp_path / "really_old.xlsx"
    renamed.write_bytes((DATA / "excel_1900.xls").read_bytes())
    fmt, raw = read_raw(renamed)
    assert fmt == "xls"
    assert len(raw.frame) == 6


def _write_ods(path: Path, rows: list[list[object]], spans: dict | None = None) -> Path:
    """A minimal .ods written by hand (zip: mimetype + manifest + content.xml)."""
    spans = spans or {}
    body = []
    for r, row in enumerate(rows):
        cells = []
        for c, v in enumerate(row):
            extra = f' table:number-columns-spanned="{spans[(r, c)]}"' if (r, c) in spans else ""
            if v is None:
                cells.append("<table:table-cell/>")
            elif v == "<covered>":
                cells.append("<table:covered-table-cell/>")
            elif isinstance(v, dt.datetime):
                iso = v.isoformat()
                cells.append(
                    f'<table:table-cell office:value-type="date" office:date-value="{iso}"{extra}>'
                    f"<text:p>{iso}</text:p></table:table-cell>"
                )
            elif isinstance(v, int | float):
                cells.append(
                    f'<table:table-cell office:value-type="float" office:value="{v}"{extra}>'
                    f"<text:p>{v}</text:p></table:table-cell>"
                )
            else:
                cells.append(
                    f'<table:table-cell office:value-type="string"{extra}>'
                    f"<text:p>{escape(str(v))}</text:p></table:table-cell>"
                )
        body.append("<table:table-row>" + "".join(cells) + "</table:table-row>")
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="측정">'
        + "".join(body)
        + "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    mime = "application/vnd.oasis.opendocument.spreadsheet"
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
        '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{mime}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), mime, compress_type=zipfile.ZIP_STORED)
        zf.writestr("META-INF/manifest.xml", manifest)
        zf.writestr("content.xml", content)
    return path


def test_ods_with_title_and_merged_header(tmp_path):
    rows = [
        ["Report"],
        [],
        ["When", "Temperature", "<covered>", "Result"],
        [None, "Zone 1", "Zone 2", None],
        [dt.datetime(2026, 1, 1, 8), 180.5, 175, "OK"],
        [46000, 181.5, 176, "NG"],
        [dt.datetime(2026, 1, 3, 8), 182.5, 177, "OK"],
    ]
    path = _write_ods(tmp_path / "line.ods", rows, spans={(2, 1): 2})
    fmt, raw = read_raw(path)
    assert fmt == "ods"
    assert list(raw.frame.columns) == [
        "When",
        "Temperature / Zone 1",
        "Temperature / Zone 2",
        "Result",
    ]
    assert raw.options.sheet == "측정"
    assert raw.options.header_row == 3
    assert raw.frame["When"].tolist() == [
        pd.Timestamp("2026-01-01 08:00"),
        pd.Timestamp("2025-12-09"),
        pd.Timestamp("2026-01-03 08:00"),
    ]


def test_load_table_end_to_end(tmp_path):
    path = _report_workbook(tmp_path / "report.xlsx")
    table = load_table(path)
    assert table.source.format == "xlsx"
    assert table.n_rows == 8
    assert table.options.sheet == "Line 3"
    assert table.sheets == ["Line 3"]
    assert "Temperature / Zone 1" in table.kinds


def test_cancel_stops_the_read(tmp_path):
    path = _report_workbook(tmp_path / "report.xlsx")
    ctx = JobContext(cancel_event=threading.Event())
    ctx.cancel()
    with pytest.raises(Cancelled):
        read_raw(path, LoadOptions(), ctx)


def test_source_file_is_not_modified(tmp_path):
    path = _report_workbook(tmp_path / "report.xlsx")
    before = path.read_bytes(), path.stat().st_mtime_ns
    read_raw(path)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_wide_sheet_far_from_a1(tmp_path):
    wb = Workbook()
    ws = wb.active
    names = [f"v{k}" for k in range(30)]
    for k, name in enumerate(names):
        ws.cell(7, 4 + k, name)
    rng = np.random.default_rng(1)
    values = rng.normal(size=(50, 30))
    for i in range(50):
        for k in range(30):
            ws.cell(8 + i, 4 + k, float(values[i, k]))
    path = tmp_path / "far.xlsx"
    wb.save(path)
    _fmt, raw = read_raw(path)
    assert list(raw.frame.columns) == names
    np.testing.assert_allclose(raw.frame.to_numpy(dtype=float), values)
    assert raw.options.header_row == 7


def test_notes_and_totals_under_the_table_are_left_out(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["Line", "Temp", "Count"])
    for i in range(5):
        ws.append(["L1" if i % 2 else "L2", 180.0 + i, 10 + i])
    ws.append(["합계", None, 60])
    ws.append([])
    ws.append(["※ 온도 단위: ℃"])
    ws.append(["Source: MES export"])
    path = tmp_path / "footer.xlsx"
    wb.save(path)
    _fmt, raw = read_raw(path)
    frame = raw.frame
    assert len(frame) == 5
    assert pd.api.types.is_float_dtype(frame["Temp"])  # the notes did not turn it into text
    assert frame["Line"].tolist() == ["L2", "L1", "L2", "L1", "L2"]
    note = _notes(raw, "dropped_footer_rows")[0]
    assert note.details["rows"] == [7, 9, 10]
    assert not _notes(raw, "dropped_empty_rows")


def test_sparse_text_rows_inside_the_data_are_kept(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["Lot", "Temp", "Comment", "Operator"])
    for i in range(4):
        ws.append([f"LOT-{i}", 180.0 + i, None, "Kim"])
    ws.append([None, None, "line stopped", None])  # a real row, not a note
    path = tmp_path / "sparse.xlsx"
    wb.save(path)
    _fmt, raw = read_raw(path)
    assert len(raw.frame) == 5
    assert not _notes(raw, "dropped_footer_rows")


def test_dates_mixed_with_text_and_serials_are_handed_over_as_cells(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["when", "v"])
    for i in range(6):
        ws.append([dt.datetime(2026, 1, 1 + i) if i % 2 else (46000 + i if i != 4 else "-"), i])
    path = tmp_path / "mixed.xlsx"
    wb.save(path)
    _fmt, raw = read_raw(path)
    cells = raw.frame["when"].tolist()
    assert raw.frame["when"].dtype == object
    assert cells[0] == 46000.0 and isinstance(cells[0], float)
    assert cells[1] == dt.datetime(2026, 1, 2)
    assert cells[4] == "-"
    assert raw.frame.attrs["date1904"] is False


def test_header_row_far_down_or_past_the_end(tmp_path):
    wb = Workbook()
    ws = wb.active
    for i in range(200):
        ws.append([f"log line {i}"])
    ws.append(["a", "b"])
    for i in range(3):
        ws.append([i, i * 2])
    path = tmp_path / "deep.xlsx"
    wb.save(path)
    _fmt, raw = read_raw(path, LoadOptions(header_row=201))
    assert list(raw.frame.columns) == ["a", "b"]
    assert raw.frame["b"].tolist() == [0.0, 2.0, 4.0]
    with pytest.raises(DataLoadError, match="no row 900"):
        read_raw(path, LoadOptions(header_row=900))


def test_column_mixing_numbers_and_durations_arrives_as_text(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["cycle", "n"])
    ws.append([dt.timedelta(hours=1), 1])
    ws.append([2.5, 2])
    ws.append([dt.timedelta(hours=3), 3])
    path = tmp_path / "durations.xlsx"
    wb.save(path)
    _fmt, raw = read_raw(path)
    assert len(raw.frame) == 3
    assert raw.frame["cycle"].notna().all()
    assert raw.frame["n"].tolist() == [1.0, 2.0, 3.0]


def test_list_sheets_of_other_formats(tmp_path):
    renamed = tmp_path / "old.xlsx"
    renamed.write_bytes((DATA / "excel_1904.xls").read_bytes())
    assert list_sheets(renamed) == ["Line 3"]
    csv = tmp_path / "a.csv"
    csv.write_text("a,b\n1,2\n")
    assert list_sheets(csv) == []
    with pytest.raises(DataLoadError, match="password"):
        list_sheets(DATA / "excel_encrypted.xlsx")


def test_xlsm_workbook(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["a", "b"])
    ws.append([1, 2])
    ws.append([3, 4])
    path = tmp_path / "macro.xlsm"
    wb.save(path)
    fmt, raw = read_raw(path)
    assert fmt == "xlsm"
    assert raw.frame["b"].tolist() == [2.0, 4.0]


def test_formulas_never_calculated_are_reported(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["x", "double"])
    for i in range(2, 6):
        ws.append([i, f"=A{i}*2"])  # openpyxl saves formulas without results
    path = tmp_path / "script.xlsx"
    wb.save(path)
    _fmt, raw = read_raw(path)
    note = _notes(raw, "uncalculated_formulas")[0]
    assert note.column == "double"
    assert note.details["count"] == 4
    assert "Excel" in note.message


def test_chart_sheet_first_is_skipped(tmp_path):
    from openpyxl.chart import BarChart, Reference

    wb = Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["a", "b"])
    ws.append([1, 2])
    ws.append([3, 4])
    chart_sheet = wb.create_chartsheet("Chart", 0)
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=1, min_row=1, max_row=3))
    chart_sheet.add_chart(chart)
    path = tmp_path / "chart.xlsx"
    wb.save(path)
    _fmt, raw = read_raw(path)
    assert raw.options.sheet == "Data"
    assert raw.frame["a"].tolist() == [1.0, 3.0]
