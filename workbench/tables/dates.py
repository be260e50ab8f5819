"""Dates and times written as text, and Excel serial dates — vectorised.

Text is matched with a few RE2 patterns (pyarrow ``extract_regex``) and the parts are turned
into timestamps with NumPy integer arithmetic: no Python loop per cell. Families:

``ymd``     "2026-03-01 13:00", "2026.03.01", "2026/3/1", "2026. 3. 1. 오후 1:00:00",
            "2026-03-01T13:00:00+09:00" (an offset keeps the column time-zone aware)
``korean``  "2026년 3월 1일", "2026년 3월 1일 13시 5분", "2026년 3월 1일 (일) 오후 1:00"
``ym``, ``korean_ym``  a month, read as its first day: "2000-01", "2000. 01", "2000.01",
            "2000년 1월" (Korean monthly statistics are written so)
``dmy``     "01/03/2026", "1.3.2026 13:00", "01-03-26": day-first or month-first, decided once
            per file from the data (a value like 13/03/2026 proves day-first)
``pandas``  anything else pandas can guess a single format for ("01-Mar-2026", "Mar 1, 2026")

Korean and English AM/PM markers (오전/오후, AM/PM) are understood. Excel serial numbers
(1900 system; 1904 when the workbook says so) convert with :func:`excel_serial_to_datetime`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.tables import date_fast

_WEEKDAY = (
    r"(?:\s*\(?\s*(?:[월화수목금토일](?:요일)?|(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?)\s*\)?)?"
)
_TIME = (
    r"(?:(?:\s*[T,]\s*|\s+)(?P<ap1>오전|오후|[AaPp]\.?[Mm]\.?)?\s*(?P<H>\d{1,2})"
    r"(?::(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<f>\d{1,9}))?)?"
    r"|\s*시(?:\s*(?P<M2>\d{1,2})\s*분(?:\s*(?P<S2>\d{1,2})\s*초)?)?)"
    r"\s*(?P<ap2>[AaPp]\.?[Mm]\.?|오전|오후)?"
    r"\s*(?P<tz>Z|UTC|[+-]\d{2}(?::?\d{2})?)?)?"
)
PATTERNS: dict[str, str] = {
    "ymd": (
        r"^(?P<y>\d{4})\s*[-/.]\s*(?P<m>\d{1,2})\s*[-/.]\s*(?P<d>\d{1,2})\.?"
        + _WEEKDAY
        + _TIME
        + r"\s*$"
    ),
    "korean": (
        r"^(?P<y>\d{4})\s*년\s*(?P<m>\d{1,2})\s*월\s*(?P<d>\d{1,2})\s*일"
        + _WEEKDAY
        + _TIME
        + r"\s*$"
    ),
    "dmy": (
        r"^(?P<a>\d{1,2})\s*[-/.]\s*(?P<b>\d{1,2})\s*[-/.]\s*(?P<y>\d{4}|\d{2})" + _TIME + r"\s*$"
    ),
    # A month, read as its first day: "2000-01", "2000. 01", "2000.01", "2000년 1월".
    "ym": r"^(?P<y>\d{4})\s*[-/.]\s*(?P<m>\d{1,2})\s*\.?\s*$",
    "korean_ym": r"^(?P<y>\d{4})\s*년\s*(?P<m>\d{1,2})\s*월\s*$",
}
#: Families without a day or a time (each value is the first day of its month).
YEAR_MONTH = frozenset({"ym", "korean_ym"})
# "2000.01" … "2024.12" also reads as a number; as text with two month digits it is a month.
YEAR_DOT_MONTH = r"^(?:18|19|20|21)\d{2}\.(?:0[1-9]|1[0-2])$"
_NS_PER_DAY = 86_400 * 10**9
_NAT = np.iinfo(np.int64).min
_DAYS_IN_MONTH = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)


@dataclass
class DatePlan:
    """What a sample of a text column showed about its dates."""

    families: list[str]  # families in order of how many sample values they read
    rate: float  # share of sample values read by one of them
    pandas_format: str | None = None  # for the "pandas" family
    sample: list[str] = field(default_factory=list)  # teaches the fast path its formats
    # filled from the whole column for "dmy": evidence for the per-file day-first decision
    proves_dayfirst: int = 0  # values whose first number is > 12
    proves_monthfirst: int = 0  # values whose second number is > 12
    order_vote: int = 0  # >0: the row order reads smoother day-first; <0: month-first


@dataclass
class ParsedDates:
    values: pd.Series  # datetime64[ns] (tz-aware when the text had offsets)
    failed: np.ndarray  # bool: non-missing cells that could not be read
    tz_note: str | None = None  # "fixed" / "mixed" offsets, for the load notes


def _rate(sample: pa.ChunkedArray, pattern: str) -> float:
    n = len(sample) - sample.null_count
    if n == 0:
        return 0.0
    return (pc.sum(pc.match_substring_regex(sample, pattern)).as_py() or 0) / n


def looks_like_year_months(sample: pa.ChunkedArray) -> bool:
    """True when every (trimmed) value is written like "2000.01": a year, a dot, two month digits.

    Such a column also reads as numbers (2000.01, 2000.1 for October); read as months it keeps
    its meaning. A measurement written with two decimals would rarely keep every value's
    decimals within 01–12, so at least three different values are asked for.
    """
    n = len(sample) - sample.null_count
    if n < 2:
        return False
    hits = pc.sum(pc.match_substring_regex(sample, YEAR_DOT_MONTH)).as_py() or 0
    return hits == n and len(pc.unique(sample.drop_null())) >= 3


def plan_dates(sample: pa.ChunkedArray, dayfirst: bool | None) -> DatePlan | None:
    """Which date families read the (trimmed, non-missing) sample; None if dates are unlikely."""
    rates = {name: _rate(sample, pat) for name, pat in PATTERNS.items()}
    families = [k for k, r in sorted(rates.items(), key=lambda kv: -kv[1]) if r > 0]
    total = sum(rates.values())  # the patterns do not overlap
    if total >= 0.5:
        return DatePlan(families, min(total, 1.0), sample=sample.to_pylist())
    fmt = _guess_pandas_format(sample, dayfirst)
    if fmt is None:
        return None
    parsed = pd.to_datetime(pd.Series(sample.to_pylist()), format=fmt, errors="coerce")
    n = len(sample) - sample.null_count
    rate = parsed.notna().sum() / n if n else 0.0
    return DatePlan(["pandas"], rate, pandas_format=fmt) if rate >= 0.5 else None


def _guess_pandas_format(sample: pa.ChunkedArray, dayfirst: bool | None) -> str | None:
    from pandas.tseries.api import guess_datetime_format

    for value in sample.drop_null().slice(0, 5).to_pylist():
        try:
            fmt = guess_datetime_format(value, dayfirst=bool(dayfirst))
        except (ValueError, TypeError):
            fmt = None
        if (
            fmt
            and ("%Y" in fmt or "%y" in fmt)
            and "%d" in fmt
            and ("%m" in fmt or "%b" in fmt or "%B" in fmt)
        ):
            return fmt
    return None


_FIRST_ABOVE_12 = r"^(?:1[3-9]|2\d|3[01])\s*[-/.]\s*\d{1,2}\s*[-/.]"
_SECOND_ABOVE_12 = r"^\d{1,2}\s*[-/.]\s*(?:1[3-9]|2\d|3[01])\s*[-/.]"


def gather_dayfirst_evidence(values: pa.ChunkedArray, plan: DatePlan) -> None:
    """For a "dmy" column, count over the whole column what proves the order."""
    if "dmy" not in plan.families:
        return
    first = pc.fill_null(pc.match_substring_regex(values, _FIRST_ABOVE_12), False)
    second = pc.fill_null(pc.match_substring_regex(values, _SECOND_ABOVE_12), False)
    plan.proves_dayfirst = pc.sum(pc.and_not(first, second)).as_py() or 0
    plan.proves_monthfirst = pc.sum(pc.and_not(second, first)).as_py() or 0
    # Row order: consecutive readings of a log are close in time under the right order.
    head = values.drop_null().slice(0, 2000)
    parts = pc.extract_regex(head, PATTERNS["dmy"]).combine_chunks()
    ok = np.asarray(parts.is_valid())
    a, b = _int_field(parts, "a")[ok], _int_field(parts, "b")[ok]
    y = _years(_int_field(parts, "y")[ok])
    if len(y) > 2:
        d1 = _civil_to_days(y, b, a).astype(float)  # day-first
        d2 = _civil_to_days(y, a, b).astype(float)  # month-first
        s1, s2 = np.abs(np.diff(d1)).sum(), np.abs(np.diff(d2)).sum()
        plan.order_vote = int(np.sign(s2 - s1))


def decide_dayfirst(plans: list[DatePlan]) -> tuple[bool, str]:
    """One day-first decision for the file: (dayfirst, how), how = proof/conflict/order/default."""
    day = sum(p.proves_dayfirst for p in plans)
    month = sum(p.proves_monthfirst for p in plans)
    if day and month:
        return day >= month, "conflict"
    if day or month:
        return bool(day), "proof"
    vote = sum(p.order_vote for p in plans)
    if vote:
        return vote > 0, "order"
    return False, "default"


def parse_dates(
    values: pa.ChunkedArray, missing: np.ndarray, plan: DatePlan, dayfirst: bool
) -> ParsedDates:
    """Convert trimmed text to timestamps following ``plan``; count cells that do not read."""
    n = len(values)
    ns = np.full(n, _NAT, dtype=np.int64)
    offset = np.full(n, np.iinfo(np.int32).min, dtype=np.int64)  # minutes; min = no offset
    todo = ~missing
    for family in plan.families:
        if not todo.any():
            break
        if family == "pandas":
            sub = pd.Series(values.to_numpy(zero_copy_only=False)[todo])
            got = pd.to_datetime(sub, format=plan.pandas_format, errors="coerce")
            got_ns = got.to_numpy(dtype="datetime64[ns]").view(np.int64)
            idx = np.flatnonzero(todo)
            ns[idx] = got_ns
            todo[idx[got_ns != _NAT]] = False
            continue
        fast = _fast_family(values, plan, family, dayfirst, todo)
        if fast is not None:
            fam_ns, fam_off = fast
        else:
            parts = pc.extract_regex(values, PATTERNS[family]).combine_chunks()
            fam_ns, fam_off = _assemble(parts, family, dayfirst)
        take = todo & (fam_ns != _NAT)
        ns[take] = fam_ns[take]
        offset[take] = fam_off[take]
        todo &= ~take
    failed = todo
    return _finish(ns, offset, failed)


def _fast_family(
    values: pa.ChunkedArray, plan: DatePlan, family: str, dayfirst: bool, todo: np.ndarray
) -> tuple[np.ndarray, np.ndarray] | None:
    """Arrow strptime with formats learnt from the sample, if it agrees with the exact engine.

    Returns nanoseconds and offsets (minutes; int32 min = none) like :func:`_assemble`.
    """
    if family in YEAR_MONTH:
        return None  # strptime needs a day: the exact engine reads these (cheap: no time part)
    formats = date_fast.sample_formats(plan.sample, family, PATTERNS[family], dayfirst)
    if not formats:
        return None
    sample = pa.chunked_array([pa.array(plan.sample, pa.large_string())])
    exact, _off = _assemble(
        pc.extract_regex(sample, PATTERNS[family]).combine_chunks(), family, dayfirst
    )
    quick = date_fast.strptime_family(sample, formats, np.ones(len(sample), dtype=bool))
    if not np.array_equal(exact, quick):
        return None
    ns = date_fast.strptime_family(values, formats, todo)
    off = np.full(len(values), np.iinfo(np.int32).min, dtype=np.int64)
    # Re-read exactly: rows strptime may have rolled over (Feb 30), and rows in a form the
    # sample did not show.
    doubtful = date_fast.maybe_rolled_over(values, family, dayfirst) & (ns != _NAT)
    doubtful |= todo & (ns == _NAT)
    if doubtful.any():
        rows = np.flatnonzero(doubtful)
        parts = pc.extract_regex(values.take(pa.array(rows)), PATTERNS[family]).combine_chunks()
        exact_rows, exact_off = _assemble(parts, family, dayfirst)
        ns[rows] = exact_rows
        off[rows] = exact_off
    return ns, off


def _finish(ns: np.ndarray, offset: np.ndarray, failed: np.ndarray) -> ParsedDates:
    has_off = offset != np.iinfo(np.int32).min
    if not has_off.any():
        return ParsedDates(pd.Series(ns.view("datetime64[ns]")), failed)
    valid = ns != _NAT
    if has_off.sum() * 2 < valid.sum():  # a few stray offsets: read the column as local time
        return ParsedDates(pd.Series(ns.view("datetime64[ns]")), failed, "ignored")
    offs, counts = np.unique(offset[has_off], return_counts=True)
    common = int(offs[np.argmax(counts)])
    offset = np.where(has_off, offset, common)
    utc = np.where(valid, ns - offset * 60 * 10**9, _NAT)
    series = pd.Series(utc.view("datetime64[ns]")).dt.tz_localize("UTC")
    if len(offs) == 1:
        tz = dt.timezone(dt.timedelta(minutes=common))
        return ParsedDates(series.dt.tz_convert(tz), failed, "fixed")
    return ParsedDates(series, failed, "mixed")


def _int_field(parts: pa.StructArray, name: str) -> np.ndarray:
    col = parts.field(name)
    col = pc.if_else(pc.equal(col, ""), "0", col)
    return np.asarray(pc.cast(col, pa.int64()).to_numpy(zero_copy_only=False), dtype=np.int64)


def _str_field(parts: pa.StructArray, name: str) -> np.ndarray:
    return np.asarray(pc.utf8_lower(parts.field(name)).to_numpy(zero_copy_only=False), dtype=object)


def _years(y: np.ndarray) -> np.ndarray:
    return np.where(y < 100, np.where(y < 70, 2000 + y, 1900 + y), y)


def _assemble(parts: pa.StructArray, family: str, dayfirst: bool) -> tuple[np.ndarray, np.ndarray]:
    ok = np.asarray(parts.is_valid(), dtype=bool)
    if family in YEAR_MONTH:
        return _assemble_month(parts, ok)
    if family == "dmy":
        a, b = _int_field(parts, "a"), _int_field(parts, "b")
        d, m = (a, b) if dayfirst else (b, a)
        y = _years(_int_field(parts, "y"))
    else:
        y, m, d = _int_field(parts, "y"), _int_field(parts, "m"), _int_field(parts, "d")
    hour = _int_field(parts, "H")
    minute = _int_field(parts, "M") + _int_field(parts, "M2")
    second = _int_field(parts, "S") + _int_field(parts, "S2")
    frac_text = parts.field("f")
    frac = _int_field(parts, "f")
    digits = np.asarray(pc.utf8_length(frac_text).to_numpy(zero_copy_only=False), dtype=np.int64)
    frac_ns = frac * (10 ** (9 - np.clip(digits, 0, 9)))
    ampm = _ampm(parts)
    ok &= (y >= 1800) & (y <= 2200) & (m >= 1) & (m <= 12) & (d >= 1)
    leap = ((y % 4 == 0) & (y % 100 != 0)) | (y % 400 == 0)
    dim = _DAYS_IN_MONTH[np.clip(m, 0, 12)] + ((m == 2) & leap)
    ok &= d <= dim
    twelve = ampm != 0
    ok &= np.where(twelve, (hour >= 1) & (hour <= 12), hour <= 23)
    ok &= (minute <= 59) & (second <= 59)
    hour = np.where(ampm == 1, hour % 12, np.where(ampm == 2, hour % 12 + 12, hour))
    days = _civil_to_days(y, np.clip(m, 1, 12), np.clip(d, 1, 31))
    ns = days * _NS_PER_DAY + ((hour * 60 + minute) * 60 + second) * 10**9 + frac_ns
    ns = np.where(ok, ns, _NAT)
    return ns, _offsets(parts, ok)


def _assemble_month(parts: pa.StructArray, ok: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A year and a month as the first day of that month (no time, no offset)."""
    y, m = _int_field(parts, "y"), _int_field(parts, "m")
    ok = ok & (y >= 1800) & (y <= 2200) & (m >= 1) & (m <= 12)
    days = _civil_to_days(y, np.clip(m, 1, 12), np.ones_like(m))
    ns = np.where(ok, days * _NS_PER_DAY, _NAT)
    return ns, np.full(len(parts), np.iinfo(np.int32).min, dtype=np.int64)


def _ampm(parts: pa.StructArray) -> np.ndarray:
    """0 = 24-hour clock, 1 = AM, 2 = PM."""
    ap1, ap2 = parts.field("ap1"), parts.field("ap2")
    marker = pc.binary_join_element_wise(ap1, ap2, pa.scalar("", ap1.type))
    marker = pc.replace_substring(pc.utf8_lower(marker), ".", "")
    am = np.asarray(pc.is_in(marker, pa.array(["am", "오전"])).to_numpy(zero_copy_only=False), bool)
    pm = np.asarray(pc.is_in(marker, pa.array(["pm", "오후"])).to_numpy(zero_copy_only=False), bool)
    return np.where(am, 1, np.where(pm, 2, 0))


def _offsets(parts: pa.StructArray, ok: np.ndarray) -> np.ndarray:
    none = np.iinfo(np.int32).min
    tz = parts.field("tz")
    present = np.asarray(pc.not_equal(tz, "").to_numpy(zero_copy_only=False), dtype=bool) & ok
    out = np.full(len(parts), none, dtype=np.int64)
    if not present.any():
        return out
    text = pc.replace_substring(tz, ":", "")
    sign = np.where(
        np.asarray(pc.starts_with(text, "-").to_numpy(zero_copy_only=False), bool), -1, 1
    )
    hh = _digits(pc.utf8_slice_codeunits(text, 1, 3))
    mm = _digits(pc.utf8_slice_codeunits(text, 3, 5))
    out[present] = (sign * (hh * 60 + mm))[present]
    return out


def _digits(text: pa.Array) -> np.ndarray:
    text = pc.if_else(pc.match_substring_regex(text, r"^\d+$"), text, "0")
    return np.asarray(pc.cast(text, pa.int64()).to_numpy(zero_copy_only=False), dtype=np.int64)


def _civil_to_days(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm)."""
    y = y - (m <= 2)
    era = np.floor_divide(y, 400)
    yoe = y - era * 400
    mp = (m + 9) % 12
    doy = (153 * mp + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


# Excel serial dates -------------------------------------------------------------------------

_EXCEL_1900 = _civil_to_days(np.array([1899]), np.array([12]), np.array([30]))[0]
_EXCEL_1904 = _civil_to_days(np.array([1904]), np.array([1]), np.array([1]))[0]
SERIAL_MAX = 2_958_465  # 9999-12-31


def excel_serial_to_datetime(serial: np.ndarray, date1904: bool = False) -> np.ndarray:
    """Excel serial day numbers to datetime64[ns] (NaT outside the representable range).

    The 1900 system counts from 1899-12-30 for dates after Excel's phantom 1900-02-29 (serial
    60) and from 1899-12-31 before it; the 1904 system (old Mac workbooks) from 1904-01-01.
    Times are rounded to the millisecond, as Excel stores them.
    """
    s = np.asarray(serial, dtype=np.float64)
    if date1904:
        base = np.full(s.shape, float(_EXCEL_1904))
    else:
        base = np.where(s < 60, float(_EXCEL_1900 + 1), float(_EXCEL_1900))
    ok = np.isfinite(s) & (s >= 0) & (s <= 100_000) & ~((s >= 60) & (s < 61) & (not date1904))
    ms = np.round((base + np.where(ok, s, 0)) * 86_400_000.0)
    ns = np.where(ok, ms.astype(np.int64) * 1_000_000, _NAT)
    return ns.view("datetime64[ns]")


def yyyymmdd_to_datetime(values: np.ndarray) -> np.ndarray:
    """Whole numbers like 20260301 to datetime64[ns]; anything else NaT."""
    v = np.asarray(values, dtype=np.float64)
    ok = np.isfinite(v) & (v == np.round(v)) & (v >= 18000101) & (v <= 22001231)
    iv = np.where(ok, v, 20000101).astype(np.int64)
    y, m, d = iv // 10000, (iv // 100) % 100, iv % 100
    leap = ((y % 4 == 0) & (y % 100 != 0)) | (y % 400 == 0)
    ok &= (m >= 1) & (m <= 12) & (d >= 1)
    ok &= d <= _DAYS_IN_MONTH[np.clip(m, 0, 12)] + ((m == 2) & leap)
    ns = _civil_to_days(y, np.clip(m, 1, 12), np.clip(d, 1, 31)) * _NS_PER_DAY
    return np.where(ok, ns, _NAT).view("datetime64[ns]")
