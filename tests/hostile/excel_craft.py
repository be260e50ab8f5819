# ruff: noqa: E501  (crafted XML payloads read best unwrapped)
"""Damaged workbooks, crafted from good ones written here (openpyxl for .xlsx, the fixtures'
.xls, a minimal .ods): each is one lie away from a file Excel or LibreOffice wrote."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[2]
GOOD_XLS = ROOT / "tests" / "data" / "excel_1900.xls"


def good_xlsx() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "data"
    sheet.append(["라인", "온도", "효율"])
    for i in range(40):
        sheet.append([f"L{i % 3}", 800 + i, 0.5 + i / 100])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


_ODS_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">
 <manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"""

_ODS_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
<office:body><office:spreadsheet><table:table table:name="data">
{rows}
</table:table></office:spreadsheet></office:body></office:document-content>"""


def _ods_row(cells: list[str], repeat: str = "") -> str:
    out = []
    for c in cells:
        if c.replace(".", "").isdigit():
            out.append(
                f'<table:table-cell office:value-type="float" office:value="{c}"{repeat}>'
                f"<text:p>{c}</text:p></table:table-cell>"
            )
        else:
            out.append(
                f'<table:table-cell office:value-type="string"{repeat}><text:p>{c}</text:p>'
                "</table:table-cell>"
            )
    return "<table:table-row>" + "".join(out) + "</table:table-row>"


def good_ods(extra_row: str = "") -> bytes:
    rows = [_ods_row(["line", "temp", "eff"])]
    rows += [_ods_row([f"L{i % 3}", str(800 + i), str(0.5 + i / 100)]) for i in range(20)]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(
            "mimetype",
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        zf.writestr("META-INF/manifest.xml", _ODS_MANIFEST)
        zf.writestr("content.xml", _ODS_CONTENT.format(rows="\n".join(rows) + extra_row))
    return buf.getvalue()


def _rewrite(data: bytes, edit: Callable[[str, bytes], bytes | None]) -> bytes:
    """The zip ``data`` with each member passed through ``edit`` (None drops it)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            new = edit(info.filename, src.read(info))
            if new is not None:
                dst.writestr(info.filename, new)
    return buf.getvalue()


def _member(name: str, fn: Callable[[bytes], bytes]) -> Callable[[bytes], bytes]:
    return lambda data: _rewrite(data, lambda n, b: fn(b) if n == name else b)


SHEET = "xl/worksheets/sheet1.xml"


def _corrupt_deflate(data: bytes, name: str = SHEET) -> bytes:
    """Flip bytes inside the compressed stream of ``name`` (its headers stay valid)."""
    zf = zipfile.ZipFile(io.BytesIO(data))
    info = zf.getinfo(name)
    out = bytearray(data)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for k in range(start + 10, start + info.compress_size - 4, 7):
        out[k] ^= 0x5A
    return bytes(out)


def _bad_member_name(data: bytes) -> bytes:
    """A member name flagged UTF-8 whose bytes are not UTF-8."""
    out = bytearray(_rewrite(data, lambda n, b: b))
    old = b"xl/styles.xml"
    new = b"xl/st\xff\xfees.xml"
    pos = 0
    while (pos := out.find(old, pos)) >= 0:
        out[pos : pos + len(old)] = new
        pos += len(new)
    pos = 0
    while (pos := out.find(b"PK\x01\x02", pos)) >= 0:  # set the UTF-8 flag (bit 11)
        flags = int.from_bytes(out[pos + 8 : pos + 10], "little") | 0x800
        out[pos + 8 : pos + 10] = flags.to_bytes(2, "little")
        pos += 4
    return bytes(out)


def _truncate(fraction: float) -> Callable[[bytes], bytes]:
    return lambda data: data[: int(len(data) * fraction)]


def _xml_sub(old: bytes, new: bytes, name: str = SHEET) -> Callable[[bytes], bytes]:
    def edit(body: bytes) -> bytes:
        assert old in body, old
        return body.replace(old, new, 1)

    return _member(name, edit)


def _append_cell(cell: bytes) -> Callable[[bytes], bytes]:
    return _member(SHEET, lambda b: b.replace(b"</sheetData>", cell + b"</sheetData>", 1))


def _scramble(start: int, step: int) -> Callable[[bytes], bytes]:
    def edit(data: bytes) -> bytes:
        out = bytearray(data)
        for k in range(start, len(out), step):
            out[k] = (out[k] * 31 + 7) & 0xFF
        return bytes(out)

    return edit


XLSX_CASES: dict[str, Callable[[bytes], bytes]] = {
    "xlsx_truncated_half": _truncate(0.5),
    "xlsx_truncated_end": _truncate(0.97),
    "xlsx_corrupt_deflate": _corrupt_deflate,
    "xlsx_bad_member_name": _bad_member_name,
    "xlsx_no_workbook_xml": lambda d: _rewrite(
        d, lambda n, b: None if n == "xl/workbook.xml" else b
    ),
    "xlsx_no_sheet_xml": lambda d: _rewrite(d, lambda n, b: None if n == SHEET else b),
    "xlsx_sheet_not_xml": _member(SHEET, lambda b: b"\x00\x01garbage<<<" * 100),
    "xlsx_workbook_not_xml": _member("xl/workbook.xml", lambda b: b"<workbook><sheets><sheet"),
    "xlsx_huge_dimension": _append_cell(b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'),
    "xlsx_cell_beyond_limits": _append_cell(
        b'<row r="99999999"><c r="ZZZZ99999999"><v>1</v></c></row>'
    ),
    "xlsx_negative_row": _append_cell(b'<row r="-5"><c r="A-5"><v>1</v></c></row>'),
    "xlsx_shared_string_far": _append_cell(
        b'<row r="60"><c r="A60" t="s"><v>99999999</v></c></row>'
    ),
    "xlsx_shared_string_negative": _append_cell(
        b'<row r="60"><c r="A60" t="s"><v>-1</v></c></row>'
    ),
    "xlsx_style_far": _append_cell(b'<row r="60"><c r="B60" s="99999"><v>1</v></c></row>'),
    "xlsx_bad_number": _append_cell(b'<row r="60"><c r="B60"><v>1e99999</v></c></row>'),
    "xlsx_bool_bad": _append_cell(b'<row r="60"><c r="B60" t="b"><v>7</v></c></row>'),
    "xlsx_error_bad": _append_cell(b'<row r="60"><c r="B60" t="e"><v>#WHAT?</v></c></row>'),
    "xlsx_date_cell_bad": _append_cell(b'<row r="60"><c r="B60" t="d"><v>not a date</v></c></row>'),
    "xlsx_dimension_lies": _xml_sub(
        b'<dimension ref="A1:C41" />', b'<dimension ref="A1:XFD1048576" />'
    ),
    "xlsx_merge_huge": _member(
        SHEET,
        lambda b: b.replace(
            b"</sheetData>",
            b'</sheetData><mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>',
            1,
        ),
    ),
    "xlsx_scrambled_tail": _scramble(2000, 13),
    "xlsx_deep_xml": _member(
        SHEET, lambda b: b.replace(b"<sheetData>", b"<sheetData>" + b"<a>" * 200000, 1)
    ),
    "xlsx_entity_expansion": _member(
        SHEET,
        lambda b: b.replace(
            b"<worksheet",
            b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
            b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
            b'<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">]><worksheet',
            1,
        ).replace(b"<v>800</v>", b"<v>&f;</v>", 1),
    ),
}

ODS_CASES: dict[str, Callable[[], bytes]] = {
    "ods_repeat_columns_huge": lambda: good_ods(
        '<table:table-row><table:table-cell table:number-columns-repeated="2000000000" '
        'office:value-type="float" office:value="1"/></table:table-row>'
    ),
    "ods_repeat_rows_huge": lambda: good_ods(
        '<table:table-row table:number-rows-repeated="2000000000"><table:table-cell '
        'office:value-type="float" office:value="1"/></table:table-row>'
    ),
    "ods_truncated": lambda: good_ods()[:-200],
    "ods_content_not_xml": lambda: _rewrite(
        good_ods(), lambda n, b: b"<<<" if n == "content.xml" else b
    ),
    "ods_bad_float": lambda: good_ods(
        '<table:table-row><table:table-cell office:value-type="float" office:value="abc"/>'
        "</table:table-row>"
    ),
}


def xls_cases() -> dict[str, bytes]:
    good = GOOD_XLS.read_bytes()
    out = {
        "xls_truncated_half": good[: len(good) // 2],
        "xls_truncated_header": good[:600],
        "xls_scrambled_body": _scramble(1600, 11)(good),
        "xls_scrambled_fat": _scramble(512, 3)(good[:1536]) + good[1536:],
    }
    sector_shift = bytearray(good)
    sector_shift[30:32] = (30).to_bytes(2, "little")  # 1 GB sectors
    out["xls_sector_size_huge"] = bytes(sector_shift)
    n_fat = bytearray(good)
    n_fat[44:48] = (0x7FFFFFFF).to_bytes(4, "little")
    out["xls_fat_count_huge"] = bytes(n_fat)
    dir_start = bytearray(good)
    dir_start[48:52] = (0x7FFFFFF0).to_bytes(4, "little")
    out["xls_directory_far"] = bytes(dir_start)
    return out


def all_cases() -> dict[str, tuple[str, bytes]]:
    """``{case: (suffix, bytes)}`` for every crafted workbook."""
    xlsx = good_xlsx()
    cases = {name: (".xlsx", craft(xlsx)) for name, craft in XLSX_CASES.items()}
    cases.update({name: (".ods", craft()) for name, craft in ODS_CASES.items()})
    cases.update({name: (".xls", data) for name, data in xls_cases().items()})
    return cases
