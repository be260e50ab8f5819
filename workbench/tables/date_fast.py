"""Fast path for dates written as text: Arrow's ``strptime`` with formats learnt from a sample.

Arrow's regex extraction costs seconds on a million timestamps; ``strptime`` takes ~0.15 s.
So the sample (a few thousand values) is matched with the same patterns in Python, each value
gives a strptime format (``"2026. 3. 1. 오후 1:00:00"`` -> ``"%Y. %m. %d. 오후 %I:%M:%S"``), and
the column is parsed once per distinct format (an AM/PM word is matched literally, so
"오전"/"오후" need no rewriting). The result is trusted only if it equals the
exact engine's on the whole sample; strptime rolls impossible dates over (Feb 30 -> Mar 2), so
rows that could be such dates (29-31 in a short month) are re-read by the exact engine.
Fractions of seconds, time-zone offsets and weekday names use the exact engine.
"""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

MAX_FORMATS = 8
LEARN_SIZE = 400  # sample values the formats are learnt from (all are checked afterwards)
_WORDS = re.compile(r"[A-Za-z가-힣]")
_UNITS = str.maketrans("", "", "년월일시분초T")
_PY: dict[str, re.Pattern[str]] = {}  # compiled patterns by family, made when first used
_DIRECTIVE = {"y": "%Y", "m": "%m", "d": "%d", "M": "%M", "M2": "%M", "S": "%S", "S2": "%S"}
_AMPM = {"오전": "AM", "오후": "PM", "am": "AM", "pm": "PM"}  # lower-cased word -> half
_SEP = r"\s*[-/.]\s*"
# Rows that may name a day the month does not have (strptime would roll them over).
_SHORT_MONTH_DAY = {
    "ymd": rf"^\d{{4}}{_SEP}(?:0?2{_SEP}(?:29|30|31)|(?:0?[469]|11){_SEP}31)(?:\D|$)",
    "korean": r"^\d{4}\s*년\s*(?:0?2\s*월\s*(?:29|30|31)|(?:0?[469]|11)\s*월\s*31)\s*일",
    "dmy_day": rf"^(?:(?:29|30|31){_SEP}0?2|31{_SEP}(?:0?[469]|11)){_SEP}",
    "dmy_month": rf"^(?:0?2{_SEP}(?:29|30|31)|(?:0?[469]|11){_SEP}31){_SEP}",
}


def _compiled(family: str, pattern: str) -> re.Pattern[str]:
    if family not in _PY:
        _PY[family] = re.compile(pattern)
    return _PY[family]


def sample_formats(
    sample: list[str], family: str, pattern: str, dayfirst: bool
) -> list[str] | None:
    """strptime formats covering the sample's values of ``family``; None if any needs the
    exact engine (fractions, offsets, weekdays) or there are too many formats."""
    rx = _compiled(family, pattern)
    formats: dict[str, None] = {}
    step = max(1, len(sample) // LEARN_SIZE)
    for value in sample[::step]:
        m = rx.match(value)
        if m is None:
            continue
        fmt = _format_of(m, family, dayfirst)
        if fmt is None:
            return None
        formats[fmt] = None
        if len(formats) > MAX_FORMATS:
            return None
    return list(formats) or None


def _format_of(m: re.Match[str], family: str, dayfirst: bool) -> str | None:
    groups = m.groupdict()
    if groups.get("f") or groups.get("tz"):
        return None
    twelve = bool(groups.get("ap1") or groups.get("ap2"))
    ampm = ""
    spans = []
    for name, value in groups.items():
        if not value:
            continue
        if name in ("ap1", "ap2"):
            word = _AMPM.get(value.lower())
            if word is None:
                return None  # "a.m." and similar: exact engine
            directive = value.replace("%", "%%")  # matched literally; the hour is fixed after
            ampm = word
        elif name == "H":
            directive = "%I" if twelve else "%H"
        elif name == "y":
            directive = "%Y" if len(value) == 4 else "%y"
        elif name in ("a", "b"):
            directive = "%d" if (name == "a") == dayfirst else "%m"
        else:
            directive = _DIRECTIVE[name]
        spans.append((m.start(name), m.end(name), directive))
    spans.sort()
    text = m.string
    out, pos = [], 0
    for start, end, directive in spans:
        literal = text[pos:start]
        if _WORDS.search(literal.translate(_UNITS)):
            return None  # a weekday name or other words: exact engine
        out.append(literal.replace("%", "%%"))
        out.append(directive)
        pos = end
    tail = text[pos:]
    if tail.strip(" .") or "%" in tail:
        return None
    out.append(tail)
    return "".join(out) + ("|" + ampm if ampm else "")


def strptime_family(values: pa.ChunkedArray, formats: list[str], todo: np.ndarray) -> np.ndarray:
    """int64 nanoseconds (NaT = int64 min) for rows of ``todo`` read by one of ``formats``.

    A format ending in "|AM" or "|PM" holds its AM/PM word literally and reads the hour
    with %I (1-12); the hour is turned into the 24-hour clock here (12 AM = 0 h).
    """
    nat = np.iinfo(np.int64).min
    out = np.full(len(values), nat, dtype=np.int64)
    hour_ns = 3600 * 10**9
    for key in formats:
        fmt, _, ampm = key.partition("|")
        ts = pc.strptime(values, format=fmt, unit="ns", error_is_null=True)
        got = np.asarray(pc.fill_null(ts.cast(pa.int64()), nat).to_numpy(zero_copy_only=False))
        take = todo & (out == nat) & (got != nat)
        if ampm:
            hour = (got[take] // hour_ns) % 24
            shift = np.where(hour == 12, -12, 0) + (12 if ampm == "PM" else 0)
            out[take] = got[take] + shift * hour_ns
        else:
            out[take] = got[take]
    return out


def maybe_rolled_over(values: pa.ChunkedArray, family: str, dayfirst: bool) -> np.ndarray:
    """Rows naming day 29-31 of a short month: to be re-read by the exact engine."""
    key = family if family != "dmy" else ("dmy_day" if dayfirst else "dmy_month")
    hit = pc.fill_null(pc.match_substring_regex(values, _SHORT_MONTH_DAY[key]), False)
    return np.asarray(hit.to_numpy(zero_copy_only=False), dtype=bool)
