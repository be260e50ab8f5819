"""Numbers stored as text: formats, missing markers, vectorised parsing."""

from __future__ import annotations

import math

import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from workbench.tables import numbers as nums


def _arr(values: list[str | None]) -> pa.ChunkedArray:
    return nums.normalize_text(pa.chunked_array([pa.array(values, pa.large_string())]))


def test_each_number_format_reads_its_own_style():
    values = _arr(["1,234.5", "1.234,5", "1 234", "1'234", " 12 ", "-3.5e2", "₩1,000", "12.5%"])
    us = nums.parse_numbers(values, nums.NumberFormat(".", ",")).to_pylist()
    assert us == [1234.5, None, None, None, 12.0, -350.0, 1000.0, 12.5]
    eu = nums.parse_numbers(values, nums.NumberFormat(",", ".")).to_pylist()
    assert eu[1] == 1234.5 and eu[0] is None
    space = nums.parse_numbers(values, nums.NumberFormat(".", " ")).to_pylist()
    assert space[2] == 1234.0
    swiss = nums.parse_numbers(values, nums.NumberFormat(".", "'")).to_pylist()
    assert swiss[3] == 1234.0


def test_wrong_grouping_is_not_a_number():
    # "12,34" is not a thousands grouping: never silently read as 1234
    got = nums.parse_numbers(
        _arr(["12,34", "1,2345", "1,234"]), nums.NumberFormat(".", ",")
    ).to_pylist()
    assert got == [None, None, 1234.0]


def test_missing_markers_are_found_and_counted_as_written():
    values = _arr(["-", "N/A", "n/a", "NA", "#N/A", "null", "없음", "", "12", None, "LONG-CODE-1"])
    pos = nums.marker_positions(values)
    assert list(pos) == [0, 1, 2, 3, 4, 5, 6, 7]
    counts = nums.count_values(values, pos)
    assert counts["N/A"] == 1 and counts["n/a"] == 1 and counts["(blank)"] == 1


def test_padded_markers_are_found_in_untrimmed_text():
    raw = pa.chunked_array([pa.array(["  -  ", " N/A", "x"], pa.large_string())])
    assert list(nums.marker_positions(raw)) == [0, 1]


def test_markers_padded_to_the_length_of_codes_are_told_from_codes():
    # 8 to 15 characters: longer than any marker, so a marker only when padded at an end
    raw = pa.array(
        ["LOT-0001", "\u3000missing\u3000", "   N/A   ", "\tNULL", "NULL\u00a0\u00a0 xx", None],
        pa.large_string(),
    )
    assert list(nums.marker_positions(raw)) == [1, 2, 3]


_MARKER_CASE = st.sampled_from(sorted(nums.MISSING_MARKERS)).flatmap(
    lambda m: st.lists(st.booleans(), min_size=len(m), max_size=len(m)).map(
        lambda up: "".join(c.upper() if u else c for c, u in zip(m, up, strict=True))
    )
)
_PAD = st.text(alphabet=nums._PADDING, max_size=9)
_CELL = st.one_of(
    st.none(),
    st.tuples(_PAD, _MARKER_CASE, _PAD).map("".join),
    st.text(alphabet="aAnN-/.#?!lLmM가없음해당결측작업자01K—–" + nums._PADDING, max_size=16),
)


@given(st.lists(_CELL, max_size=60), st.integers(0, 5), st.booleans())
def test_marker_positions_are_exactly_the_trimmed_lower_cased_markers(cells, start, large):
    """The byte-level short cuts never miss a marker nor take a cell that is not one."""
    typ = pa.large_string() if large else pa.string()
    values = pa.array(cells, typ).slice(min(start, len(cells)))
    limit = nums._MARKER_MAX_LEN + 8
    want = [
        i
        for i, c in enumerate(values.to_pylist())
        if c is not None
        and len(c) <= limit
        and c.strip(nums._PADDING).lower() in nums.MISSING_MARKERS
    ]
    assert list(nums.marker_positions(values)) == want
    chunked = pa.chunked_array([values[:2], values[2:]], typ)
    assert list(nums.marker_positions(chunked)) == want


def test_format_detection_prefers_the_readers_format_and_flags_ambiguity():
    fmt, rate, ambiguous = nums.detect_format(_arr(["1,234", "2,500"]), None, None)
    assert fmt == nums.NumberFormat(".", ",") and rate == 1.0 and ambiguous
    fmt, _, ambiguous = nums.detect_format(_arr(["1,234", "2,500"]), ",", ".")
    assert fmt == nums.NumberFormat(",", ".") and not ambiguous
    fmt, _, ambiguous = nums.detect_format(_arr(["1,5", "2,25"]), None, None)
    assert fmt.decimal == "," and not ambiguous
    fmt, _, _ = nums.detect_format(_arr(["1 234,5", "12,5"]), None, None)
    assert fmt == nums.NumberFormat(",", " ")


def test_leading_zero_codes_are_recognised():
    assert nums.looks_like_codes(_arr(["00123", "00456", "00789"]))
    assert not nums.looks_like_codes(_arr(["0.5", "10", "0"]))


def test_maybe_int_keeps_floats_with_missing():
    import numpy as np

    assert nums.maybe_int(np.array([1.0, 2.0])).dtype == np.int64
    assert nums.maybe_int(np.array([1.0, np.nan])).dtype == np.float64
    assert nums.maybe_int(np.array([1.5, 2.0])).dtype == np.float64


def _format(value: float, decimal: str, thousands: str) -> str:
    text = f"{value:,.2f}"  # 1,234.56
    return text.replace(",", "\0").replace(".", decimal).replace("\0", thousands)


@given(
    st.lists(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False), min_size=1, max_size=30),
    st.sampled_from(nums.CANDIDATE_FORMATS),
)
def test_formatted_numbers_read_back(values, fmt):
    texts = [_format(v, fmt.decimal, fmt.thousands) for v in values]
    got = nums.parse_numbers(_arr(texts), fmt).to_pylist()
    for v, g in zip(values, got, strict=True):
        assert g is not None and math.isclose(g, round(v, 2), abs_tol=1e-6)


def test_plain_numbers_fast_path_agrees_with_the_checked_way():
    values = _arr(["1.5", "-2", "1e3", ".5", "nan", None])
    plain = nums.NumberFormat(".", "")
    assert nums.parse_numbers(values, plain).to_pylist()[:4] == [1.5, -2.0, 1000.0, 0.5]
    # "inf" is not a number people write: the whole column takes the checked way
    assert nums.parse_numbers(_arr(["1.5", "inf"]), plain).to_pylist() == [1.5, None]


def test_unused_thousands_separator_is_dropped_but_a_used_one_kept():
    fmt = nums.NumberFormat(".", ",")
    assert nums.without_unused_thousands(fmt, _arr(["1.5", "22"])) == nums.NumberFormat(".", "")
    assert nums.without_unused_thousands(fmt, _arr(["1,500", "22"])) == fmt
