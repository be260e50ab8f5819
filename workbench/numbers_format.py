"""One way to write a number for people: the CLI, the panes, the wording and the report.

Rules (each fixes something a user saw one surface do differently from another):

* Whole numbers keep every digit with thousands separators: an ID maximum is "10,000", never
  "1e+04"; a flow of 398,300.4 is "398,300", never "3.983e+05". No scientific notation for
  anything from 1e-6 up.
* Other numbers keep four significant digits ("118.6", "0.3512", "17.4"), trailing zeros
  dropped; with ``decimals`` a fixed number of decimals ("17.0" for a column stepped by 0.1).
* Rounding is half away from zero on the number as written (its shortest repr), the way Excel
  displays a cell — so the overall average 118.5 reads "119" on a pane and in the report alike
  (Python's own formatting rounds the binary value half-to-even and printed "118").
* Years are written plain ("2024", not "2,024"): a whole number from 1000 to 2999 in a column
  whose name says year (year, yr, 연도, 년도, 년 …), or any value of a range whose two ends are
  whole numbers from 1900 to 2100 (:func:`is_year_range`).
* Class labels are what the user typed: 1.0 read from a column with gaps is the class "1".
* Missing, NaN and infinite values are "—"; an ISO date-time from a profile reads
  "2026-03-02 06:14" (midnight: the date alone).
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Any

import numpy as np

MISSING = "—"
SIGNIFICANT = 4
#: Whole numbers are written in full below this; larger floats are not exact integers anyway.
_EXACT_LIMIT = 1e15
_YEAR_NAME = re.compile(r"(?i)(?:^|[^a-z])(?:year|yr|yyyy|jahr)s?(?:$|[^a-z])|연도|년도|년$|^년")
_YEAR_MIN, _YEAR_MAX = 1000, 2999
_RANGE_YEAR_MIN, _RANGE_YEAR_MAX = 1900, 2100
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")


def _as_float(value: Any) -> float | None:
    """The value as a float, or None when it is not a finite number."""
    if value is None or isinstance(value, bool | str | bytes):
        return None
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def round_half_up(value: float, decimals: int) -> Decimal:
    """``value`` rounded to ``decimals`` places, half away from zero on its shortest repr."""
    quantum = Decimal(1).scaleb(-decimals)
    exact = Decimal(repr(float(value)))
    # The default context holds 28 digits: quantizing 1e28 to 0.01 would need 31 and raise.
    digits = max(exact.adjusted() + 1, 1) + max(decimals, 0) + 2
    return exact.quantize(quantum, rounding=ROUND_HALF_UP, context=Context(prec=max(28, digits)))


def _fixed(value: float, decimals: int, grouping: bool = True) -> str:
    rounded = round_half_up(value, max(0, decimals))
    if rounded == 0:
        rounded = abs(rounded)  # no "-0"
    return f"{rounded:,f}" if grouping else f"{rounded:f}"


def _significant(value: float, digits: int) -> str:
    exponent = math.floor(math.log10(abs(value)))
    text = _fixed(value, max(0, digits - 1 - exponent))
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def format_when(iso: str) -> str:
    """An ISO date-time from a profile as people write it: ``2026-05-24 13:05``, seconds only
    when there are some, midnight as the date alone (``2000-01-01``, not ``…T00:00:00``)."""
    text = iso.replace("T", " ", 1)
    if text.endswith(" 00:00:00"):
        return text[:10]
    return text[:-3] if len(text) == 19 and text.endswith(":00") else text


def is_year_name(name: object) -> bool:
    """True when a column name says it holds years ("year", "model_year", "연도", "생산년도")."""
    return bool(_YEAR_NAME.search(str(name).strip())) if name is not None else False


def is_year_range(low: Any, high: Any) -> bool:
    """True when both ends are whole numbers from 1900 to 2100 (a span of years)."""
    lo, hi = _as_float(low), _as_float(high)
    return (
        lo is not None
        and hi is not None
        and lo.is_integer()
        and hi.is_integer()
        and _RANGE_YEAR_MIN <= lo <= hi <= _RANGE_YEAR_MAX
    )


def format_number(
    value: Any,
    *,
    decimals: int | None = None,
    digits: int = SIGNIFICANT,
    column: object = None,
    year: bool = False,
) -> str:
    """``value`` as a person reads it (rules in the module docstring).

    ``column`` names the column the value comes from (years are written plain when its name
    says year); ``year=True`` says so directly; ``decimals`` fixes the decimals shown;
    ``digits`` is the significant digits of a value that is not whole.
    """
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, str):
        return format_when(value) if _ISO_TIME.match(value) else value
    v = _as_float(value)
    if v is None:
        return MISSING
    if (year or is_year_name(column)) and _YEAR_MIN <= v <= _YEAR_MAX:
        # a year, or an average year ("2011.9"): never "2,012"
        return str(int(v)) if v.is_integer() else _fixed(v, 1, grouping=False)
    if decimals is not None:
        return _fixed(v, decimals)
    if v.is_integer() and abs(v) < _EXACT_LIMIT:
        return f"{int(v):,}"
    mag = abs(v)
    if mag >= 10 ** (digits - 1):
        return _fixed(v, 0)
    if mag >= 1e-6:
        return _significant(v, digits)
    return f"{v:.{digits - 1}e}"


def format_signed(value: Any, digits: int = 3) -> str:
    """A contribution with its sign: "+0.0711", "-15.3", "+12,345" (never "+1.23e+04")."""
    text = format_number(value, digits=digits)
    v = _as_float(value)
    return "+" + text if v is not None and v > 0 and text != "0" else text


def format_range(low: Any, high: Any, column: object = None, sep: str = " … ") -> str:
    """``low … high`` with both ends written alike (a span of years stays plain)."""
    year = is_year_range(low, high)
    return (
        format_number(low, column=column, year=year)
        + sep
        + format_number(high, column=column, year=year)
    )


def decimals_for_step(step: float | None) -> int | None:
    """How many decimals a column stepped by ``step`` shows (0.1 -> 1, 5 -> 0); None if unknown."""
    if step is None or not math.isfinite(step) or step <= 0:
        return None
    return max(0, -math.floor(math.log10(step) + 1e-9))


def format_label(value: Any) -> str:
    """A class label as the user typed it: 1.0 -> "1", True -> "True", "NG" -> "NG"."""
    if isinstance(value, float | np.floating) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    if isinstance(value, np.integer):
        return str(int(value))
    return str(value)
