"""One number formatter for every surface: years, IDs, big values, labels, rounding."""

from __future__ import annotations

import math
import re
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workbench import i18n
from workbench.cli_text import format_columns
from workbench.numbers_format import (
    format_label,
    format_number,
    format_range,
    is_year_name,
    is_year_range,
)
from workbench.steps.causes_wording import fmt_number
from workbench.steps.quality import assess_quality
from workbench.tables.loader import load_table


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (10000.0, "10,000"),  # an ID maximum read as a float: never "1e+04"
        (10_000, "10,000"),
        (np.int64(2_544_420), "2,544,420"),
        (398_300.4, "398,300"),  # never "3.983e+05"
        (3983.4, "3,983"),
        (118.6, "118.6"),
        (0.35, "0.35"),
        (0.1 + 0.2, "0.3"),  # no float noise
        (-1234.5, "-1,235"),  # half away from zero, like Excel
        (-0.25, "-0.25"),
        (-0.00001, "-0.00001"),
        (1.0, "1"),
        (0.0, "0"),
        (-0.0, "0"),
        (float("nan"), "—"),
        (float("inf"), "—"),
        (None, "—"),
        (pd.NA, "—"),
        ("L3", "L3"),
        (True, "True"),
    ],
)
def test_format_number(value: object, text: str) -> None:
    assert format_number(value) == text


def test_no_scientific_notation_from_a_millionth_up() -> None:
    for exponent in range(-6, 15):
        for mantissa in (1.0, 3.983, 9.9999):
            assert "e" not in format_number(mantissa * 10.0**exponent)


def test_years_are_plain_by_name_or_range() -> None:
    assert format_number(2024.0, column="year") == "2024"
    assert format_number(2024, column="model_year") == "2024"
    assert format_number(2024, column="생산연도") == "2024"
    assert format_number(2024, column="년도") == "2024"
    assert format_number(2024, column="flow") == "2,024"  # not a year: a number like any other
    assert format_number(2024, column="yearly_total") == "2,024"
    assert format_number(12_000, column="year") == "12,000"  # a year column's odd value
    assert format_number(2011.94, column="year") == "2011.9"  # an average year
    assert format_number(2011.94, year=True) == "2011.9"
    assert format_range(2000, 2024) == "2000 … 2024"  # both ends whole, 1900–2100
    assert format_range(2000.0, 2024.5) == "2,000 … 2,025"
    assert format_range(1, 10_000.0) == "1 … 10,000"
    assert is_year_name("Year") and is_year_name("연도") and not is_year_name("yearly")
    assert is_year_range(1990, 2024) and not is_year_range(1850, 2024)


def test_class_labels_read_as_typed() -> None:
    assert format_label(1.0) == "1"
    assert format_label(np.float64(0.0)) == "0"
    assert format_label(np.int64(3)) == "3"
    assert format_label(2.5) == "2.5"
    assert format_label("NG") == "NG"
    assert format_label(True) == "True"
    assert format_label(float("nan")) == "nan"


def test_the_same_average_rounds_the_same_everywhere() -> None:
    # Python's "{:.0f}" rounds 118.5 half-to-even ("118"); Excel's "#,##0" shows 119.
    for value, whole in [(118.5, "119"), (117.5, "118"), (-118.5, "-119"), (0.125, "0.13")]:
        assert format_number(value, decimals=0 if abs(value) > 1 else 2) == whole
    assert fmt_number(118.5) == "119"  # the cause-group sentences (three digits)
    assert fmt_number(118.5, 1.0) == "119"
    assert fmt_number(17.0, 0.1) == "17.0"
    assert fmt_number(12_345.0, 1.0) == "12,345"
    assert fmt_number(2010.0, 1.0, "year") == "2010"
    assert fmt_number(0.12345) == "0.123"


def test_korean_reads_the_same_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    # Korea writes 1,234.5 like English: the language changes words, never digits.
    before = [format_number(v) for v in (1234.5, 398_300.4, 0.35, 2024)]
    i18n.set_language("ko")
    try:
        assert [format_number(v) for v in (1234.5, 398_300.4, 0.35, 2024)] == before
    finally:
        i18n.set_language("en")


def test_cli_columns_print_years_ids_and_big_values_plainly(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    n = 400
    frame = pd.DataFrame(
        {
            "year": rng.integers(2000, 2025, n),
            "load_kg": rng.choice([1.0, 2500.0, 10_000.0], n),
            "flow": rng.normal(398_300, 20_000, n).round(1),
        }
    )
    frame.loc[0, "year"], frame.loc[1, "year"] = 2000, 2024
    frame.loc[2, "load_kg"] = None  # a gap: the column is read as floats (10000.0)
    path = tmp_path / "plant.csv"
    frame.to_csv(path, index=False)
    table = load_table(path)
    text = format_columns(assess_quality(table.frame, table.kinds))
    assert "2000 … 2024" in text
    assert "1 … 10,000" in text
    assert not re.search(r"\d[eE][+-]\d", text), text
    flow = next(line for line in text.splitlines() if "flow" in line)
    low, high = frame["flow"].min(), frame["flow"].max()
    assert f"{format_number(low)} … {format_number(high)}" in flow
    assert math.isclose(float(format_number(high).replace(",", "")), high, abs_tol=0.5)


def test_a_numeric_class_reads_as_a_label_in_the_verdict() -> None:
    from workbench.steps.model_wording import binary_verdict

    text = binary_verdict("defect", "1", 0.9, 0.7, "speed", 0.8, 0.5, 0.3, 339)
    assert "the 339 “1” rows" in text and "339 1 rows" not in text


def test_signed_contributions_never_use_exponents() -> None:
    from workbench.numbers_format import format_signed
    from workbench.steps.causes_wording import report_group_drivers

    assert format_signed(0.0711) == "+0.0711"
    assert format_signed(-15.34) == "-15.3"
    assert format_signed(12_345.6) == "+12,346"
    assert format_signed(0.0) == "0"
    text = report_group_drivers([("flow", 12_345.6, "controllable"), ("temp", -0.5, "unknown")])
    assert "flow (+12,346)" in text and "temp (-0.5)" in text and "e+" not in text


def test_profile_times_read_like_dates() -> None:
    assert format_number("2026-03-02T06:14:00") == "2026-03-02 06:14"
    assert format_number("2026-03-02T06:14:07") == "2026-03-02 06:14:07"
    assert format_range("2000-01-01T00:00:00", "2024-12-01T00:00:00") == "2000-01-01 … 2024-12-01"
    assert format_number("L3") == "L3"


def test_huge_values_round_without_running_out_of_digits():
    """Found by Hypothesis on a JSON quality report: 1e28 quantized to 0.01 needs 31 digits."""
    from workbench.numbers_format import round_half_up

    assert str(round_half_up(1.2345e28, 2)) == "12345000000000000000000000000.00"
    assert round_half_up(1e300, 3) == Decimal("1e300")
