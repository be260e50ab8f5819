"""Guess how a delimited text file is written, from a sample of its first bytes.

Encoding (BOMs, UTF-8, cp949/EUC-KR or cp1252, UTF-16 without a BOM), separator (``,`` ``;``
tab ``|``), the line that holds the column names (title or comment lines may sit above it),
whether there is a header at all, and the number format (``1,234.5`` vs ``1.234,5``). Every
guess here is only a guess: :mod:`workbench.tables.csv_reader` honours the user's overrides and
reports what it used. Nothing here reads more than the sample it is given."""

from __future__ import annotations

import codecs
import csv
import re
from collections import Counter
from dataclasses import dataclass

from workbench.errors import DataLoadError
from workbench.i18n import _
from workbench.tables.legacy_codepage import choose_legacy
from workbench.tables.punctuation_rows import has_content

DELIMITERS = (",", ";", "\t", "|")
# On a tie, the rarer separator wins: a file with a ';' in every line and commas inside
# values is a ';' file with decimal commas far more often than the reverse.
_PRIORITY = {"\t": 3, ";": 2, "|": 1, ",": 0}
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_MAX_RECORDS = 2000


@dataclass(frozen=True)
class EncodingGuess:
    codec: str  # a Python codec name: "utf-8", "cp949", "utf-16-le", ...
    bom: int  # bytes of byte-order mark to skip at the start of the file
    label: str  # as shown to the user
    # cp1252 chosen over cp949: a syllable cp949 would have made of the text ("캜")
    rejected_example: str = ""

    @property
    def option(self) -> str:
        """The name to save in :class:`LoadOptions`: it reads the file the same way again."""
        if self.bom and self.codec.startswith("utf-"):
            return "utf-8-sig" if self.codec == "utf-8" else self.codec[:6]
        return self.codec


def encoding_label(codec: str, bom: int) -> str:
    name = codecs.lookup(codec).name
    labels = {"utf-8": "UTF-8", "cp949": "cp949", "euc_kr": "EUC-KR", "cp1252": "cp1252"}
    label = labels.get(name, name.upper() if name.startswith("utf") else name)
    return f"{label} (BOM)" if bom else label


def _decodes(data: bytes, codec: str) -> bool:
    try:
        codecs.getincrementaldecoder(codec)("strict").decode(data, final=False)
    except UnicodeDecodeError:
        return False
    return True


def bom_encoding(head: bytes) -> EncodingGuess | None:
    """The encoding a byte-order mark at the start of ``head`` announces, if any."""
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return EncodingGuess(codec, len(bom), encoding_label(codec, len(bom)))
    return None


def detect_encoding(head: bytes, *, complete: bool, file_name: str) -> EncodingGuess:
    """Guess the encoding of ``head`` (the whole file when ``complete``).

    Raises :class:`DataLoadError` when the bytes are not text at all.
    """
    by_bom = bom_encoding(head)
    if by_bom is not None:
        return by_bom
    if b"\x00" in head:
        even, odd = head[0::2], head[1::2]
        if odd.count(0) > 0.3 * len(odd) and even.count(0) < 0.05 * len(even):
            return EncodingGuess("utf-16-le", 0, "UTF-16-LE")
        if even.count(0) > 0.3 * len(even) and odd.count(0) < 0.05 * len(odd):
            return EncodingGuess("utf-16-be", 0, "UTF-16-BE")
        raise not_text_error(file_name)
    if _decodes(head, "utf-8") if not complete else _decodes_all(head, "utf-8"):
        return EncodingGuess("utf-8", 0, encoding_label("utf-8", 0))
    legacy = choose_legacy(head, complete=complete)
    if legacy is not None:
        codec = legacy.codec
        return EncodingGuess(codec, 0, encoding_label(codec, 0), legacy.rejected_example)
    from charset_normalizer import from_bytes

    best = from_bytes(head).best()
    if best is None:
        raise not_text_error(file_name)
    return EncodingGuess(best.encoding, 0, encoding_label(best.encoding, 0))


def _decodes_all(data: bytes, codec: str) -> bool:
    try:
        data.decode(codec)
    except UnicodeDecodeError:
        return False
    return True


def not_text_error(file_name: str) -> DataLoadError:
    return DataLoadError(
        _("The file {name} is not a text table: it holds binary data.").format(name=file_name),
        _(
            "Check that you picked the right file. If it came from another program, export it "
            "from there as CSV or Excel."
        ),
    )


def refuse_non_tables(text: str, file_name: str) -> None:
    """Raise for decoded text that is binary data, a web page or XML rather than a table."""
    head = text[:20000]
    controls = sum(1 for ch in head if ch < " " and ch not in "\t\r\n\f")
    if controls > max(2, len(head) // 200):
        raise not_text_error(file_name)
    start = head.lstrip().lower()
    if start.startswith(("<!doctype html", "<html", "<?xml", "<table")):
        raise DataLoadError(
            _("The file {name} is a web page or XML document, not a CSV table.").format(
                name=file_name
            ),
            _(
                "Some systems export Excel as a web page. Open it in Excel, save it as an Excel "
                "workbook (.xlsx), and load that copy."
            ),
        )


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def split_lines(text: str) -> list[str]:
    """Lines with their ends kept, split at CR, LF or CRLF only (as CSV parsers do).

    ``str.splitlines`` would also split at form feeds and Unicode line separators inside values.
    """
    return _LINE.findall(text)


@dataclass
class Record:
    line: int  # 0-based physical line where the record starts
    fields: list[str]

    @property
    def blank(self) -> bool:
        """No letter or digit in any field: a blank line, or one of separators (";;;,,,")."""
        return not any(map(has_content, self.fields))

    @property
    def filled(self) -> int:
        return sum(1 for f in self.fields if f.strip())


def split_records(text: str, delimiter: str) -> list[Record]:
    """Parse ``text`` into records, keeping each one's starting line (quoted newlines allowed).

    The sample usually ends mid-record; callers pass text cut at a line end and treat the last
    record as possibly incomplete.
    """
    reader = csv.reader(split_lines(text), delimiter=delimiter, quotechar='"', strict=False)
    out: list[Record] = []
    start = 0
    try:
        for fields in reader:
            out.append(Record(start, fields))
            start = reader.line_num
            if len(out) >= _MAX_RECORDS:
                break
    except csv.Error:
        pass  # an unterminated quote at the cut; what was read is enough
    return out


@dataclass(frozen=True)
class DelimiterGuess:
    delimiter: str | None  # None: no separator splits the lines consistently
    fields: int  # the usual number of fields per record with it
    consistency: float  # share of records with that number of fields


def _score(records: list[Record]) -> tuple[int, float]:
    body = [r for r in records if not r.blank]
    if len(body) > 3:
        body = body[:-1]  # the sample's last record may be cut short
    if not body:
        return 0, 0.0
    counts = Counter(len(r.fields) for r in body)
    k, _n = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
    # Title lines sit above the table: judge consistency on the records after the first k-wide.
    first = next(i for i, r in enumerate(body) if len(r.fields) == k)
    tail = body[first:]
    return k, sum(1 for r in tail if len(r.fields) == k) / len(tail)


def detect_delimiter(text: str) -> DelimiterGuess:
    best = DelimiterGuess(None, 1, 0.0)
    best_key: tuple[float, int] = (0.0, -1)
    for d in DELIMITERS:
        if d not in text:
            continue
        k, consistency = _score(split_records(text, d))
        if k < 2 or consistency < 0.6:
            continue
        key = (round(consistency, 2), _PRIORITY[d])
        if key > best_key:
            best, best_key = DelimiterGuess(d, k, consistency), key
    return best


_SEP_LINE = re.compile(r'^"?sep=(.)"?[^\S\r\n]*(?:\r\n|\r|\n)', re.IGNORECASE)


def excel_sep_line(text: str) -> str | None:
    """The separator named by Excel's ``sep=;`` first line, if the file starts with one."""
    match = _SEP_LINE.match(text)
    return match.group(1) if match else None


def lines_wrapped_in_quotes(text: str) -> bool:
    """Every non-blank line is one quoted string (``"a,b,c"``): the export quoted whole rows."""
    lines = [ln.strip() for ln in split_lines(text) if ln.strip()]
    return len(lines) >= 1 and all(
        len(ln) >= 2 and ln[0] == '"' and ln[-1] == '"' and any(d in ln for d in DELIMITERS)
        for ln in lines
    )


def unwrap_quoted_line(line: str) -> str:
    """``"a,""b"",c"`` → ``a,"b",c``: undo a whole-row quote; a line without one is kept."""
    body = line.rstrip("\r\n")
    stripped = body.strip()
    if len(stripped) >= 2 and stripped[0] == '"' and stripped[-1] == '"':
        body = stripped[1:-1].replace('""', '"')
    return body + line[len(line.rstrip("\r\n")) :]


def find_header(records: list[Record], width: int) -> int:
    """Index in ``records`` of the header (or first data row): title lines above are skipped.

    A title line is blank, narrower than the table, or fills far fewer cells than the rows
    below it ("Production report,,,,," from an Excel export).
    """
    body = [r for r in records if not r.blank and len(r.fields) >= width]
    if not body:
        return next((i for i, r in enumerate(records) if not r.blank), 0)
    fills = sorted(r.filled for r in body[: min(len(body), 200)])
    typical = fills[len(fills) // 2]
    need = max(1, min(2, typical), (typical + 1) // 2)
    for i, r in enumerate(records):
        if not r.blank and len(r.fields) >= width and r.filled >= need:
            return i
    return 0


_NUM = re.compile(r"^[+-]?(\d[\d.,\s\u00a0']*)%?$")
_DATE = re.compile(r"^\d{1,4}[-./년]\s?\d{1,2}[-./월]\s?\d{1,4}")


def _cell_kind(value: str) -> str:
    v = value.strip()
    if not v:
        return "empty"
    if _DATE.match(v):
        return "date"
    if _NUM.match(v) and any(c.isdigit() for c in v):
        return "number"
    return "text"


def has_header_row(first: Record, rows: list[Record]) -> bool:
    """Is ``first`` a row of column names rather than the first data row?

    If a column's values are numbers or dates below and the first row's cell is text there,
    it is a header. If every such column matches the data's kind, it is data. With text
    columns only, it is data when its cells recur as values below.
    """
    rows = [r for r in rows if not r.blank][:200]
    if not rows:
        return any(_cell_kind(f) == "text" for f in first.fields)
    typed_columns = 0
    for j, head in enumerate(first.fields):
        kinds = Counter(_cell_kind(r.fields[j]) for r in rows if j < len(r.fields))
        kinds.pop("empty", None)
        total = sum(kinds.values())
        if not total:
            continue
        kind, n = kinds.most_common(1)[0]
        if kind in ("number", "date") and n >= 0.9 * total:
            typed_columns += 1
            if _cell_kind(head) == "text":
                return True
    if typed_columns:
        return False
    heads = [(j, f.strip()) for j, f in enumerate(first.fields) if f.strip()]
    if not heads:
        return False
    recurring = sum(
        1 for j, h in heads if any(j < len(r.fields) and r.fields[j].strip() == h for r in rows)
    )
    return recurring * 2 < len(heads)


@dataclass(frozen=True)
class NumberFormat:
    decimal: str  # "." or ","
    thousands: str  # "", ",", ".", " "
    evidence: dict[str, int]


_EU_STRONG = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+,\d+%?$|^[+-]?\d{1,3}(\.\d{3}){2,}%?$")
_US_STRONG = re.compile(r"^[+-]?\d{1,3}(,\d{3})+\.\d+%?$|^[+-]?\d{1,3}(,\d{3}){2,}%?$")
_COMMA_GROUP = re.compile(r"^[+-]?\d{1,3},\d{3}%?$")
_DOT_GROUP = re.compile(r"^[+-]?\d{1,3}\.\d{3}%?$")
_COMMA_DEC = re.compile(r"^[+-]?\d*,\d+%?$")
_DOT_DEC = re.compile(r"^[+-]?\d*\.\d+%?$")
_SPACE_GROUP = re.compile(r"^[+-]?\d{1,3}([ \u00a0]\d{3})+([.,]\d+)?%?$")


def detect_number_format(rows: list[Record], delimiter: str | None) -> NumberFormat:
    """Decide the decimal mark and the thousands separator from the cells of ``rows``."""
    ev = Counter[str]()
    for r in rows[:300]:
        for cell in r.fields:
            v = cell.strip()
            if not v or not (v[-1].isdigit() or v.endswith("%")):
                continue
            if _EU_STRONG.match(v):
                ev["eu"] += 1
            elif _US_STRONG.match(v):
                ev["us"] += 1
            elif _SPACE_GROUP.match(v):
                ev["space"] += 1
            elif _COMMA_GROUP.match(v):
                ev["comma3"] += 1
            elif _DOT_GROUP.match(v):
                ev["dot3"] += 1
            elif _COMMA_DEC.match(v):
                ev["comma_dec"] += 1
            elif _DOT_DEC.match(v):
                ev["dot_dec"] += 1
    comma_votes = ev["eu"] + ev["comma_dec"]
    dot_votes = ev["us"] + ev["dot_dec"]
    if comma_votes > dot_votes:
        decimal = ","
    elif dot_votes > 0:
        decimal = "."
    elif ev["comma3"] and not ev["dot3"]:
        # Only "1,234"-like cells: grouping in a comma-separated file, a decimal comma where
        # ';' separates (the European convention).
        decimal = "," if delimiter == ";" else "."
    elif ev["dot3"] and not ev["comma3"]:
        decimal = "."  # "1.234" alone is read as a decimal number, as Excel in Korea would
    else:
        decimal = "."
    if ev["space"]:
        thousands = " "
    elif decimal == ",":
        thousands = "." if ev["eu"] or ev["dot3"] else ""
    else:
        thousands = "," if ev["us"] or ev["comma3"] else ""
    return NumberFormat(decimal, thousands, dict(ev))
