"""Numbers stored as text: missing-value markers, number formats, safe vectorised conversion.

Everything here works on whole pyarrow string arrays (RE2 regexes and casts in C++), never a
Python loop per cell, so a million-row column converts in a few tens of milliseconds.

Rules (documented for users in the load notes):

* Missing markers: after trimming spaces and ignoring case, "", "-", "--", "—", ".", "?",
  "NA", "N/A", "n.a.", "#N/A", "NaN", "null", "None", "nil", "missing", "없음", "해당없음",
  "미입력", "결측" and the Excel error texts ("#DIV/0!", "#VALUE!", ...) stand for a missing
  value. They are counted and reported per marker.
* A number may have padding spaces, a sign, a currency sign (₩ $ € £ ¥), thousands
  separators in groups of three, a decimal separator, an exponent and a trailing "%".
  A percent sign is dropped and the value kept as written ("12.5%" -> 12.5).
* The file's decimal/thousands separators come from the reader; when unknown the format that
  reads the most sample values wins, "." as decimal on a tie ("1,234" -> 1234).
* Integers written with leading zeros ("00123") or with 16+ digits (barcodes, which a float
  would round) are codes, not numbers: never converted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

MISSING_MARKERS: frozenset[str] = frozenset(
    {
        "",
        "-",
        "--",
        "---",
        "—",
        "–",
        ".",
        "?",
        "na",
        "n/a",
        "n.a.",
        "n.a",
        "#n/a",
        "nan",
        "null",
        "none",
        "nil",
        "missing",
        "없음",
        "해당없음",
        "미입력",
        "결측",
        "#div/0!",
        "#value!",
        "#ref!",
        "#name?",
        "#num!",
        "#null!",
    }
)

_SPACES = "[ \u00a0\u202f\u2009]"
_CURRENCY = "[₩$€£¥]"


@dataclass(frozen=True)
class NumberFormat:
    """How numbers are written: the decimal separator and the thousands separator ("" = none)."""

    decimal: str = "."
    thousands: str = ""

    def describe(self) -> str:
        names = {".": "period", ",": "comma", " ": "space", "'": "apostrophe", "": "none"}
        dec = names.get(self.decimal, self.decimal)
        return f"decimal {dec}, thousands {names.get(self.thousands, self.thousands)}"

    def pattern(self) -> str:
        """An RE2 pattern matching a whole (trimmed) number in this format."""
        d = re.escape(self.decimal)
        if self.thousands == " ":
            t = _SPACES
        elif self.thousands:
            t = re.escape(self.thousands)
        else:
            t = None
        integer = rf"(?:\d{{1,3}}(?:{t}\d{{3}})+|\d+)" if t is not None else r"\d+"
        mantissa = rf"(?:{integer}(?:{d}\d*)?|{d}\d+)"
        return rf"^[+-]?{_CURRENCY}?\s*{mantissa}(?:[eE][+-]?\d+)?\s*%?$"


# Candidate formats tried when the reader could not tell; the first wins a tie.
CANDIDATE_FORMATS: tuple[NumberFormat, ...] = (
    NumberFormat(".", ","),
    NumberFormat(",", "."),
    NumberFormat(".", " "),
    NumberFormat(",", " "),
    NumberFormat(".", "'"),
)

# Leading zeros ("00123") or 16+ digits (barcodes; a float would round them): codes.
_CODE_LIKE = r"^(?:[+-]?0\d+|\d{16,})$"


def as_string_array(values: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray:
    """Return ``values`` as a chunked large_string array (zero-copy when it already is one)."""
    if isinstance(values, pa.Array):
        values = pa.chunked_array([values])
    if not pa.types.is_large_string(values.type):
        values = values.cast(pa.large_string())
    return values


_PADDING = " \t\r\n\u00a0\u202f\u3000"


def normalize_text(values: pa.ChunkedArray) -> pa.ChunkedArray:
    """Trim padding spaces (incl. no-break spaces) so " 12 " reads like "12"."""
    return pc.utf8_trim(values, _PADDING)


_MARKER_MAX_LEN = max(len(m) for m in MISSING_MARKERS)
_MARKER_SET = pa.array(sorted(MISSING_MARKERS), pa.large_string())


def marker_positions(values: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """Positions of cells that are missing markers such as "-" or " N/A ".

    Unless padded, a marker is a few bytes long and starts and ends with the bytes some
    marker starts and ends with; so only such cells, and cells that start or end with a byte
    padding can start or end with, are looked at more closely (trimmed, lower-cased,
    compared). The rest costs one look at each cell's size and end bytes, a column of codes
    or IDs included. (A marker padded with more than 8 spaces is missed.)
    """
    sizes, ends_like_marker, padded = _cell_bytes(values)
    short = (sizes >= 0) & (sizes <= _MARKER_MAX_BYTES)
    candidates = np.flatnonzero((short & ends_like_marker) | (sizes == 0) | padded)
    if candidates.size == 0:
        return candidates
    picked = values.take(pa.array(candidates))
    within = pc.less_equal(pc.utf8_length(picked), _MARKER_MAX_LEN + 8)
    within = np.asarray(pc.fill_null(within, False))
    candidates, picked = candidates[within], picked.filter(pa.array(within))
    lowered = pc.utf8_lower(normalize_text(picked))
    hit = np.asarray(pc.fill_null(pc.is_in(lowered, value_set=_MARKER_SET), False))
    return candidates[hit]


_MARKER_MAX_BYTES = max(len(m.encode()) for m in MISSING_MARKERS)


def _byte_table(chars: set[str], end: int) -> np.ndarray:
    """Which bytes can be the first (``end`` 0) or last (-1) byte of one of ``chars``, in
    either case."""
    table = np.zeros(256, bool)
    for c in chars:
        for variant in {c, c.lower(), c.upper()}:
            table[variant.encode()[end]] = True
    return table


_PADDING_FIRST = _byte_table(set(_PADDING), 0)
_PADDING_LAST = _byte_table(set(_PADDING), -1)
_MARKER_FIRST = _byte_table({m[0] for m in MISSING_MARKERS if m}, 0)
_MARKER_LAST = _byte_table({m[-1] for m in MISSING_MARKERS if m}, -1)


def _cell_bytes(values: pa.ChunkedArray | pa.Array) -> tuple[np.ndarray, ...]:
    """Per cell: its size in UTF-8 bytes (-1: missing); whether its first and last bytes can
    be a marker's; whether its first byte can start a padding character or its last byte end
    one. Both are supersets (the end byte of a Hangul syllable is shared by many)."""
    chunks = values.chunks if isinstance(values, pa.ChunkedArray) else [values]
    sizes, marker_like, padded = [np.zeros(0, np.int64)], [np.zeros(0, bool)], [np.zeros(0, bool)]
    for chunk in chunks:
        n = len(chunk)
        _validity, offsets_buffer, data_buffer = chunk.buffers()
        width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
        offsets = np.frombuffer(offsets_buffer, width)[chunk.offset : chunk.offset + n + 1]
        starts = offsets[:-1].astype(np.int64, copy=False)
        ends = offsets[1:].astype(np.int64, copy=False)
        size = ends - starts
        if chunk.null_count:
            size[np.asarray(chunk.is_null())] = -1
        sizes.append(size)
        filled = size > 0
        if data_buffer is None or not filled.any():
            marker_like.append(np.zeros(n, bool))
            padded.append(np.zeros(n, bool))
            continue
        data = np.frombuffer(data_buffer, np.uint8)
        first = data[np.where(filled, starts, 0)]
        last = data[np.where(filled, ends - 1, 0)]
        marker_like.append(filled & _MARKER_FIRST[first] & _MARKER_LAST[last])
        padded.append(filled & (_PADDING_FIRST[first] | _PADDING_LAST[last]))
    return np.concatenate(sizes), np.concatenate(marker_like), np.concatenate(padded)


def count_values(values: pa.ChunkedArray | pa.Array, positions: np.ndarray) -> dict[str, int]:
    """How often each value occurs at ``positions`` (blank shown as "(blank)")."""
    if positions.size == 0:
        return {}
    vc = pc.value_counts(values.take(pa.array(positions))).to_pylist()
    return {(v["values"] if v["values"] else "(blank)"): v["counts"] for v in vc}


def is_marker(value: str) -> bool:
    return value.strip().lower() in MISSING_MARKERS


def match_rate(sample: pa.Array | pa.ChunkedArray, pattern: str) -> float:
    """Share of (non-null) sample values matching ``pattern``."""
    n = len(sample) - sample.null_count
    if n == 0:
        return 0.0
    hits = pc.sum(pc.match_substring_regex(sample, pattern)).as_py() or 0
    return hits / n


def looks_like_codes(sample: pa.Array | pa.ChunkedArray) -> bool:
    """True for integers written with leading zeros ("00123") or too long for a float
    (16+ digits, like barcodes): codes, not numbers."""
    return match_rate(sample, _CODE_LIKE) >= 0.1


def detect_format(
    sample: pa.ChunkedArray, decimal: str | None, thousands: str | None
) -> tuple[NumberFormat, float, bool]:
    """Pick the number format reading the most sample values.

    The reader's format (``decimal``/``thousands``, None = unknown) is tried first and wins a
    tie; then the usual formats. Returns ``(format, match_rate, ambiguous)``; ``ambiguous`` is
    True when the reader did not know and another format reads the sample just as well but
    gives different numbers (e.g. "1,234" read as 1234 or 1.234).
    """
    candidates: list[NumberFormat] = []
    if decimal is not None or thousands is not None:
        dec = decimal or ("," if thousands == "." else ".")
        thou = thousands if thousands is not None else ("." if dec == "," else ",")
        candidates.append(NumberFormat(dec, thou if thou != dec else ""))
    candidates += [f for f in CANDIDATE_FORMATS if f not in candidates]
    rates = [(match_rate(sample, f.pattern()), f) for f in candidates]
    best_rate, best = max(rates, key=lambda rf: rf[0])  # max keeps the first on a tie
    ambiguous = False
    if best_rate > 0 and decimal is None and thousands is None:
        ref = parse_numbers(sample, best)
        for rate, f in rates:
            if f != best and rate >= best_rate and not parse_numbers(sample, f).equals(ref):
                ambiguous = True
                break
    return best, best_rate, ambiguous


def without_unused_thousands(fmt: NumberFormat, sample: pa.ChunkedArray) -> NumberFormat:
    """The format without its thousands separator when no sample value uses one.

    Plain numbers then take the fast path; a rare grouped value later in the column fails to
    read and is reported (or keeps the column as text), never read wrongly.
    """
    if not fmt.thousands or len(sample) == 0:
        return fmt
    pattern = _SPACES if fmt.thousands == " " else re.escape(fmt.thousands)
    if match_rate(sample, rf"\d{pattern}\d") > 0:
        return fmt
    return NumberFormat(fmt.decimal, "")


def parse_numbers(trimmed: pa.ChunkedArray, fmt: NumberFormat) -> pa.ChunkedArray:
    """Parse trimmed text in ``fmt`` to float64; cells that do not match become null."""
    if fmt.decimal == "." and not fmt.thousands:
        # Plain numbers: Arrow's own cast reads the whole column at once when every cell is
        # a number (it refuses the column on the first other cell; then the checked way).
        # Its "inf" is not a number a person writes, so that also takes the checked way.
        try:
            quick = pc.cast(trimmed, pa.float64())
        except pa.ArrowInvalid:
            pass
        else:
            if not pc.any(pc.is_inf(quick)).as_py():
                return quick
    valid = pc.fill_null(pc.match_substring_regex(trimmed, fmt.pattern()), False)
    text = pc.if_else(valid, trimmed, pa.scalar(None, pa.large_string()))
    if fmt.thousands == " ":
        text = pc.replace_substring_regex(text, _SPACES, "")
    elif fmt.thousands:
        text = pc.replace_substring(text, fmt.thousands, "")
    if fmt.decimal != ".":
        text = pc.replace_substring(text, fmt.decimal, ".")
    try:
        return pc.cast(text, pa.float64())
    except pa.ArrowInvalid:  # currency or percent signs, or spaces after the sign
        text = pc.replace_substring_regex(text, rf"{_CURRENCY}|%|\s", "")
        return pc.cast(text, pa.float64())


def has_percent(sample: pa.Array | pa.ChunkedArray) -> bool:
    return match_rate(sample, r"%$") >= 0.5


def to_numpy_float(values: pa.ChunkedArray) -> np.ndarray:
    """float64 numpy array with NaN for nulls."""
    return np.asarray(values.to_numpy(), dtype=np.float64)


def maybe_int(values: np.ndarray) -> np.ndarray:
    """int64 when every value is a whole number and none is missing; otherwise unchanged."""
    if values.size == 0 or not np.isfinite(values).all():
        return values
    if np.abs(values).max() >= 2**53 or not (values == np.round(values)).all():
        return values
    return values.astype(np.int64)
