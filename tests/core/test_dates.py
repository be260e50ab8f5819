"""Dates written as text and Excel serial dates."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from workbench.tables import dates as dts


def _arr(values: list[str | None]) -> pa.ChunkedArray:
    return pa.chunked_array([pa.array(values, pa.large_string())])


def _parse(values: list[str], dayfirst: bool = False) -> dts.ParsedDates:
    arr = _arr(values)
    plan = dts.plan_dates(arr, dayfirst)
    assert plan is not None
    return dts.parse_dates(arr, np.zeros(len(values), dtype=bool), plan, dayfirst)


def test_the_usual_written_forms():
    got = _parse(
        [
            "2026-03-01 13:00",
            "2026.03.01",
            "2026/3/1",
            "2026년 3월 1일",
            "2026-03-01 오후 1:00",
            "2026. 3. 1. 오후 1:00:00",
            "2026년 3월 1일 (일) 13시 5분",
            "2026-03-01 12:00 AM",
            "2026-03-01 오전 12:30",
            "2026-03-01 13:00:00.25",
            "2026-03-01T13:00:00",
        ]
    )
    assert not got.failed.any()
    assert got.values.tolist() == [
        pd.Timestamp("2026-03-01 13:00"),
        pd.Timestamp("2026-03-01"),
        pd.Timestamp("2026-03-01"),
        pd.Timestamp("2026-03-01"),
        pd.Timestamp("2026-03-01 13:00"),
        pd.Timestamp("2026-03-01 13:00"),
        pd.Timestamp("2026-03-01 13:05"),
        pd.Timestamp("2026-03-01 00:00"),
        pd.Timestamp("2026-03-01 00:30"),
        pd.Timestamp("2026-03-01 13:00:00.25"),
        pd.Timestamp("2026-03-01 13:00"),
    ]


def test_impossible_dates_and_times_fail_instead_of_rolling_over():
    got = _parse(
        ["2026-02-30", "2026-13-01", "2026-03-01 25:00", "2024-02-29", "2026-03-01 오후 13:00"]
    )
    assert got.failed.tolist() == [True, True, True, False, True]


def test_offsets_keep_the_column_time_zone_aware():
    got = _parse(["2026-03-01T13:00:00+09:00", "2026-03-02T01:00:00+0900"])
    assert str(got.values.dt.tz) == "UTC+09:00"
    assert got.values[0] == pd.Timestamp("2026-03-01 04:00", tz="UTC")
    mixed = _parse(["2026-03-01T13:00:00+09:00", "2026-03-01T13:00:00Z"])
    assert mixed.tz_note == "mixed" and str(mixed.values.dt.tz) == "UTC"
    assert mixed.values[1] == pd.Timestamp("2026-03-01 13:00", tz="UTC")


def test_day_first_is_proved_by_a_day_above_twelve():
    arr = _arr(["01/03/2026", "13/03/2026", "02/03/2026"])
    plan = dts.plan_dates(arr, None)
    dts.gather_dayfirst_evidence(arr, plan)
    assert (plan.proves_dayfirst, plan.proves_monthfirst) == (1, 0)
    assert dts.decide_dayfirst([plan]) == (True, "proof")
    got = dts.parse_dates(arr, np.zeros(3, dtype=bool), plan, True)
    assert got.values[0] == pd.Timestamp("2026-03-01")


def test_month_first_proof_and_conflict():
    a = _arr(["03/13/2026", "03/01/2026"])
    pa_ = dts.plan_dates(a, None)
    dts.gather_dayfirst_evidence(a, pa_)
    assert dts.decide_dayfirst([pa_]) == (False, "proof")
    b = _arr(["13/03/2026", "14/03/2026"])
    pb = dts.plan_dates(b, None)
    dts.gather_dayfirst_evidence(b, pb)
    assert dts.decide_dayfirst([pa_, pb]) == (True, "conflict")


def test_without_proof_the_row_order_decides_and_is_reported_as_a_guess():
    # consecutive days 1-12 March written day-first: steadier steps when read day-first
    arr = _arr([f"{d:02d}/03/2026" for d in range(1, 13)])
    plan = dts.plan_dates(arr, None)
    dts.gather_dayfirst_evidence(arr, plan)
    assert dts.decide_dayfirst([plan]) == (True, "order")
    same = _arr(["05/05/2026", "05/05/2026"])
    p2 = dts.plan_dates(same, None)
    dts.gather_dayfirst_evidence(same, p2)
    assert dts.decide_dayfirst([p2]) == (False, "default")


def test_month_names_go_through_a_single_pandas_format():
    got = _parse(["01-Mar-2026", "15-Mar-2026"], dayfirst=True)
    assert got.values.tolist() == [pd.Timestamp("2026-03-01"), pd.Timestamp("2026-03-15")]


def test_plain_text_and_numbers_are_not_dates():
    assert dts.plan_dates(_arr(["hello", "world"]), None) is None
    assert dts.plan_dates(_arr(["12.5", "13"]), None) is None


def test_excel_serial_dates_in_both_systems():
    got = dts.excel_serial_to_datetime(np.array([1, 59, 60, 61, 46082, 46082.5, np.nan]))
    assert got[0] == np.datetime64("1900-01-01")
    assert got[1] == np.datetime64("1900-02-28")
    assert np.isnat(got[2])  # Excel's phantom 1900-02-29
    assert got[3] == np.datetime64("1900-03-01")
    assert got[4] == np.datetime64("2026-03-01")
    assert got[5] == np.datetime64("2026-03-01T12:00")
    assert np.isnat(got[6])
    mac = dts.excel_serial_to_datetime(np.array([0, 44620.0]), date1904=True)
    assert mac[0] == np.datetime64("1904-01-01") and mac[1] == np.datetime64("2026-03-01")


def test_yyyymmdd_digits():
    got = dts.yyyymmdd_to_datetime(np.array([20260301, 20260230, 5, np.nan]))
    assert got[0] == np.datetime64("2026-03-01") and np.isnat(got[1:]).all()


@given(
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2199, 12, 31)),
    st.sampled_from(
        ["%Y-%m-%d %H:%M:%S", "%Y.%m.%d %H:%M", "%Y/%m/%d", "%Y년 %m월 %d일 %H시 %M분"]
    ),
)
def test_written_dates_read_back(value, fmt):
    value = value.replace(microsecond=0)
    text = value.strftime(fmt)
    got = _parse([text]).values[0]
    assert got == pd.Timestamp(dt.datetime.strptime(text, fmt))


@given(st.datetimes(min_value=dt.datetime(1950, 1, 1), max_value=dt.datetime(2100, 12, 31)))
def test_korean_twelve_hour_clock_reads_back(value):
    value = value.replace(second=0, microsecond=0)
    hour12 = value.hour % 12 or 12
    marker = "오후" if value.hour >= 12 else "오전"
    text = f"{value.year}-{value.month:02d}-{value.day:02d} {marker} {hour12}:{value.minute:02d}"
    assert _parse([text]).values[0] == pd.Timestamp(value)


def _big(values: list[str], n: int = 20_000) -> list[str]:
    return (values * (n // len(values) + 1))[:n]


def test_fast_path_never_rolls_an_impossible_date_over():
    # the sample sees only good dates; the bad ones sit between sampled rows
    values = _big(["2026-03-01 13:00:00", "2026-03-02 오후 1:05:00"])
    values[7] = "2026-02-30 10:00:00"
    values[9] = "2025-02-29 10:00:00"
    values[11] = "2024-02-29 10:00:00"
    got = _parse(values)
    assert got.failed[[7, 9]].all() and not got.failed[11]
    assert got.values[11] == pd.Timestamp("2024-02-29 10:00")
    assert got.values[1] == pd.Timestamp("2026-03-02 13:05")
    assert got.failed.sum() == 2


def test_fast_path_and_exact_engine_agree_on_the_forms_people_write():
    forms = [
        "2026. 3. 1. 오후 1:00:00",
        "2026/3/1 1:00 PM",
        "2026년 3월 1일 13시 5분",
        "2026-03-01 (일) 13:00",  # weekday: exact engine
        "2026-03-01 13:00:00.5",  # fraction: exact engine
    ]
    small = _parse(forms)
    big = _parse(_big(forms))
    assert big.values[: len(forms)].tolist() == small.values.tolist()
    assert not big.failed.any()


def test_day_first_proof_deep_in_a_big_column_is_found():
    values = _big(["01/03/2026", "02/03/2026"])
    values[12_345] = "25/03/2026"
    arr = _arr(values)
    plan = dts.plan_dates(arr.take(pa.array(range(0, 20_000, 5))), None)
    dts.gather_dayfirst_evidence(arr, plan)
    assert plan.proves_dayfirst == 1
    got = dts.parse_dates(arr, np.zeros(len(values), dtype=bool), plan, True)
    assert got.values[12_345] == pd.Timestamp("2026-03-25")
    assert got.values[1] == pd.Timestamp("2026-03-02")


def test_forms_the_sample_missed_are_still_read_exactly():
    values = _big(["2026-03-01 13:00:00", "2026-03-02 오후 1:05:00"])
    arr = _arr(values)
    plan = dts.plan_dates(arr.take(pa.array(range(0, 20_000, 4))), None)  # sees one form only
    got = dts.parse_dates(arr, np.zeros(len(values), dtype=bool), plan, False)
    assert not got.failed.any()
    assert got.values[1] == pd.Timestamp("2026-03-02 13:05")
