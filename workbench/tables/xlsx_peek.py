"""Look into an .xlsx/.xlsm without reading it whole: sheet list, date system, first rows, merges.

The fast reader (calamine, via fastexcel) parses a whole sheet each time it is asked for one, so
finding the header of a 200,000-row sheet with it would read the sheet twice. Here the first rows
are streamed straight from the sheet's XML (milliseconds), with the cell types Excel stored
(text, number, date, boolean, error). Merged ranges sit at the end of the sheet's XML, so
:func:`scan_merges` streams through it; the reader calls it only when the header looks merged.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

from workbench.tables.header_detect import ErrorValue, Merge

_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CHUNK = 1 << 16
# built-in number formats that show a date or time
_BUILTIN_DATE_FORMATS = frozenset({14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47, *range(27, 37)})
_DATE_CODE_RE = re.compile(r"[ymdhs]", re.IGNORECASE)
_STRIP_FORMAT_RE = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.')
_CELL_REF_RE = re.compile(r"([A-Za-z]+)(\d+)")
_MERGE_RE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
EPOCH_1900 = dt.datetime(1899, 12, 30)
EPOCH_1904 = dt.datetime(1904, 1, 1)


@dataclass
class XlsxSheet:
    name: str
    part: str  # path of the sheet's XML inside the zip
    hidden: bool = False


@dataclass
class XlsxBook:
    sheets: list[XlsxSheet] = field(default_factory=list)
    date1904: bool = False
    shared_strings: str | None = None
    styles: str | None = None

    def sheet(self, name: str) -> XlsxSheet | None:
        return next((s for s in self.sheets if s.name == name), None)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def column_index(letters: str) -> int:
    """``"A"`` -> 0, ``"AB"`` -> 27."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def column_letter(index: int) -> str:
    """0 -> ``"A"``, 27 -> ``"AB"``."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def _resolve(base_dir: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(base_dir, target))


def read_book(zf: zipfile.ZipFile) -> XlsxBook:
    """Sheet names (in workbook order), their XML parts, visibility and the date system."""
    book = XlsxBook()
    names = set(zf.namelist())
    wb_part = "xl/workbook.xml"
    if wb_part not in names:
        # the package's main part may live elsewhere: follow _rels/.rels
        rels = ET.fromstring(zf.read("_rels/.rels"))
        for rel in rels:
            if rel.get("Type", "").endswith("/officeDocument"):
                wb_part = _resolve("", rel.get("Target", ""))
    wb_dir = posixpath.dirname(wb_part)
    rels_part = posixpath.join(wb_dir, "_rels", posixpath.basename(wb_part) + ".rels")
    targets: dict[str, str] = {}
    if rels_part in names:
        for rel in ET.fromstring(zf.read(rels_part)):
            rid, target, kind = rel.get("Id"), rel.get("Target", ""), rel.get("Type", "")
            if rid:
                targets[rid] = _resolve(wb_dir, target)
            if kind.endswith("/sharedStrings"):
                book.shared_strings = _resolve(wb_dir, target)
            elif kind.endswith("/styles"):
                book.styles = _resolve(wb_dir, target)
    root = ET.fromstring(zf.read(wb_part))
    for el in root.iter():
        tag = _local(el.tag)
        if tag == "workbookPr":
            book.date1904 = el.get("date1904", "0").lower() in ("1", "true")
        elif tag == "sheet":
            rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), None)
            part = targets.get(rid or "", "")
            book.sheets.append(
                XlsxSheet(el.get("name", ""), part, el.get("state", "visible") != "visible")
            )
    if book.shared_strings is None and "xl/sharedStrings.xml" in names:
        book.shared_strings = "xl/sharedStrings.xml"
    if book.styles is None and "xl/styles.xml" in names:
        book.styles = "xl/styles.xml"
    return book


def _date_styles(zf: zipfile.ZipFile, book: XlsxBook) -> list[bool]:
    """For each cell style index, whether its number format shows a date."""
    if not book.styles:
        return []
    try:
        root = ET.fromstring(zf.read(book.styles))
    except (KeyError, ET.ParseError):
        return []
    custom: dict[int, bool] = {}
    out: list[bool] = []
    for el in root.iter():
        tag = _local(el.tag)
        if tag == "numFmt":
            code = _STRIP_FORMAT_RE.sub("", el.get("formatCode", ""))
            custom[int(el.get("numFmtId", "0"))] = bool(_DATE_CODE_RE.search(code))
        elif tag == "cellXfs":
            for xf in el:
                fid = int(xf.get("numFmtId", "0"))
                out.append(custom.get(fid, fid in _BUILTIN_DATE_FORMATS))
    return out


def _si_text(si: ET.Element) -> str:
    """Text of a shared/inline string: every <t> except phonetic runs (<rPh>)."""
    parts: list[str] = []

    def walk(el: ET.Element) -> None:
        for child in el:
            tag = _local(child.tag)
            if tag == "rPh":
                continue
            if tag == "t":
                parts.append(child.text or "")
            else:
                walk(child)

    walk(si)
    return "".join(parts)


def _shared_strings(zf: zipfile.ZipFile, book: XlsxBook, needed: set[int]) -> dict[int, str]:
    """Read shared strings up to the highest index ``needed`` (they come first in the file)."""
    if not needed or not book.shared_strings:
        return {}
    top = max(needed)
    out: dict[int, str] = {}
    index = 0
    with zf.open(book.shared_strings) as fh:
        for _event, el in ET.iterparse(fh, events=("end",)):
            if _local(el.tag) != "si":
                continue
            if index in needed:
                out[index] = _si_text(el)
            el.clear()
            index += 1
            if index > top:
                break
    return out


def _serial_to_datetime(serial: float, date1904: bool) -> dt.datetime | None:
    try:
        ms = round(serial * 86_400_000)  # Excel keeps times to the millisecond
        return (EPOCH_1904 if date1904 else EPOCH_1900) + dt.timedelta(milliseconds=ms)
    except (OverflowError, ValueError):
        return None


def peek_rows(
    zf: zipfile.ZipFile,
    book: XlsxBook,
    sheet: XlsxSheet,
    n_rows: int,
    uncalculated: dict[tuple[int, int], bool] | None = None,
) -> list[list[object]]:
    """The first ``n_rows`` rows of ``sheet`` as a grid (row 0 = Excel row 1, column 0 = A).

    Values: ``None``, ``str``, ``float``, ``bool``, ``datetime`` (date-formatted numbers and
    ISO date cells) or :class:`ErrorValue`. Formulas give their cached result; formulas saved
    without one (files written by a program and never opened in Excel) are listed in
    ``uncalculated`` when given.
    """
    date_styles = _date_styles(zf, book)
    cells: dict[tuple[int, int], object] = {}
    shared: dict[tuple[int, int], int] = {}
    parser: ET.XMLPullParser[ET.Element] = ET.XMLPullParser(events=("start", "end"))
    row_idx = -1
    col_idx = -1
    done = False
    with zf.open(sheet.part) as fh:
        while not done:
            chunk = fh.read(_CHUNK)
            if not chunk:
                break
            parser.feed(chunk)
            for item in parser.read_events():
                event, el = item[0], item[-1]
                if not isinstance(el, ET.Element):  # namespace events, not asked for
                    continue
                tag = _local(el.tag)
                if event == "start":
                    if tag == "row":
                        r = el.get("r")
                        row_idx = int(r) - 1 if r else row_idx + 1
                        col_idx = -1
                        if row_idx >= n_rows:
                            done = True
                            break
                    continue
                if tag == "c":
                    ref = el.get("r")
                    m = _CELL_REF_RE.match(ref) if ref else None
                    col_idx = column_index(m.group(1)) if m else col_idx + 1
                    value = _cell_value(el, date_styles, book.date1904)
                    if value is None and uncalculated is not None and _has_formula(el):
                        uncalculated[(row_idx, col_idx)] = True
                    if isinstance(value, _SharedRef):
                        shared[(row_idx, col_idx)] = value.index
                    elif value is not None:
                        cells[(row_idx, col_idx)] = value
                    el.clear()
                elif tag == "row":
                    el.clear()
                elif tag == "sheetData":
                    done = True
                    break
    strings = _shared_strings(zf, book, set(shared.values()))
    for pos, index in shared.items():
        text = strings.get(index)
        if text is not None:
            cells[pos] = text
    if not cells:
        return []
    height = max(r for r, _c in cells) + 1
    width = max(c for _r, c in cells) + 1
    grid: list[list[object]] = [[None] * width for _ in range(height)]
    for (row, col), v in cells.items():
        grid[row][col] = v
    return grid


@dataclass(frozen=True)
class _SharedRef:
    index: int


def _has_formula(el: ET.Element) -> bool:
    return any(_local(child.tag) == "f" for child in el)


def _cell_value(el: ET.Element, date_styles: list[bool], date1904: bool) -> object:
    kind = el.get("t", "n")
    v = None
    inline = None
    for child in el:
        tag = _local(child.tag)
        if tag == "v":
            v = child.text
        elif tag == "is":
            inline = _si_text(child)
    if kind == "inlineStr":
        return inline
    if v is None:
        return None
    if kind == "s":
        try:
            return _SharedRef(int(v))
        except ValueError:
            return None
    if kind in ("str", "d"):
        if kind == "d":
            try:
                return dt.datetime.fromisoformat(v)
            except ValueError:
                return v
        return v
    if kind == "b":
        return v.strip() in ("1", "true")
    if kind == "e":
        return ErrorValue(v)
    try:
        number = float(v)
    except ValueError:
        return v
    style = el.get("s")
    if (
        style is not None
        and style.isdigit()
        and int(style) < len(date_styles)
        and date_styles[int(style)]
    ):
        return _serial_to_datetime(number, date1904) or number
    return number


def scan_merges(zf: zipfile.ZipFile, sheet: XlsxSheet, max_row: int | None = None) -> list[Merge]:
    """Every merged range of ``sheet`` (0-based), optionally only those starting above ``max_row``.

    Streams the sheet's XML once (a few hundred MB/s); merges are listed after the cell data.
    """
    merges: list[Merge] = []
    tail = b""
    with zf.open(sheet.part) as fh:
        while True:
            chunk = fh.read(1 << 20)
            if not chunk:
                break
            data = tail + chunk
            if b"mergeCell" in data:
                last_end = 0
                for m in _MERGE_RE.finditer(data):
                    c0, r0 = column_index(m.group(1).decode()), int(m.group(2)) - 1
                    if m.group(3):
                        c1, r1 = column_index(m.group(3).decode()), int(m.group(4)) - 1
                    else:
                        c1, r1 = c0, r0
                    if max_row is None or r0 < max_row:
                        merges.append(Merge(r0, c0, r1, c1))
                    last_end = m.end()
                data = data[last_end:]
            tail = data[-512:]
    return merges
