"""Korean year-month dates ("2000. 01", "2000.01", "2000년 1월") are read as months."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from workbench.tables import dates as dts
from workbench.tables.loader import load_table
from workbench.tables.table import ColumnKind

MONTHS = [(y, m) for y in range(2000, 2003) for m in range(1, 13)]


def _write(path: Path, header: str, cells: list[str], encoding: str = "utf-8") -> Path:
    rng = np.random.default_rng(3)
    lines = [f"{header},평균기온(°C)"]
    lines += [f"{c},{rng.normal(12, 8):.1f}" for c in cells]
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return path


@pytest.mark.parametrize(
    "form",
    ["{y}. {m:02d}", "{y}.{m:02d}", "{y}년 {m}월", "{y}-{m:02d}", "{y}/{m}", "{y}. {m}."],
)
def test_a_csv_of_year_months_reads_as_first_days(tmp_path: Path, form: str) -> None:
    cells = [form.format(y=y, m=m) for y, m in MONTHS]
    path = _write(tmp_path / "weather.csv", "일시", cells, encoding="cp949")
    table = load_table(path)
    assert table.kinds["일시"] == ColumnKind.DATETIME
    got = pd.Series(table.frame["일시"])
    expected = pd.to_datetime([f"{y}-{m:02d}-01" for y, m in MONTHS])
    assert list(got) == list(expected)  # "2000.10" is October, not the number 2000.1
    note = next(n for n in table.notes if n.column == "일시")
    assert "month" in note.message


def test_year_dot_month_needs_two_month_digits_and_real_months() -> None:
    def arr(values: list[str]) -> pa.ChunkedArray:
        return pa.chunked_array([pa.array(values, pa.large_string())])

    assert dts.looks_like_year_months(arr(["2000.01", "2000.12", "2001.01"]))
    assert not dts.looks_like_year_months(arr(["2000.01", "2000.12", "2000.13"]))  # no 13th
    assert not dts.looks_like_year_months(arr(["2000.1", "2000.2", "2000.3"]))  # a number
    assert not dts.looks_like_year_months(arr(["13.05", "13.07", "13.09"]))
    assert not dts.looks_like_year_months(arr(["2000.01", "2000.02"]))  # two prove too little


def test_measurements_with_two_decimals_stay_numbers(tmp_path: Path) -> None:
    # 1013.05 hPa … : decimals beyond 12 show they are not months
    cells = [f"{1000 + i}.{(i * 7) % 100:02d}" for i in range(36)]
    path = _write(tmp_path / "pressure.csv", "pressure", cells)
    table = load_table(path)
    assert table.kinds["pressure"] == ColumnKind.NUMERIC
    assert table.frame["pressure"].iloc[1] == pytest.approx(1001.07)


def test_a_bad_month_among_year_months_is_reported_not_invented(tmp_path: Path) -> None:
    cells = [f"{y}. {m:02d}" for y in range(1900, 2001) for m in range(1, 13)] + ["2002. 13"]
    path = _write(tmp_path / "weather.csv", "일시", cells)
    table = load_table(path)
    assert table.kinds["일시"] == ColumnKind.DATETIME
    assert pd.isna(table.frame["일시"].iloc[-1])
    assert any("2002. 13" in n.message for n in table.notes)
