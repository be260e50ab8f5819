from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.tables.header_detect import (
    CellKind,
    ErrorValue,
    Merge,
    classify,
    detect_header,
)


def _data(n: int, width: int, start: float = 1.0) -> list[list[object]]:
    return [[start + i + 0.5 * c for c in range(width)] for i in range(n)]


def test_classify_cells():
    assert classify(None) == CellKind.EMPTY
    assert classify("  ") == CellKind.EMPTY
    assert classify(float("nan")) == CellKind.EMPTY
    assert classify("온도") == CellKind.TEXT
    assert classify(3.5) == CellKind.NUMBER
    assert classify("1,234.5") == CellKind.NUMBER
    assert classify(" 12 ") == CellKind.NUMBER
    assert classify("2026-03-01 13:00:00") == CellKind.DATE
    assert classify(dt.datetime(2026, 3, 1)) == CellKind.DATE
    assert classify(True) == CellKind.BOOL
    assert classify(ErrorValue("#N/A")) == CellKind.ERROR
    assert classify("#DIV/0!") == CellKind.ERROR


def test_plain_header_in_first_row():
    grid = [["Temp", "Speed", "Result"], *_data(5, 3)]
    layout = detect_header(grid)
    assert layout.header_rows == [0]
    assert layout.data_start == 1
    assert layout.names == {0: "Temp", 1: "Speed", 2: "Result"}


def test_title_notes_and_blank_rows_above_the_header_are_skipped():
    grid = [
        ["Line 3 production report"],
        ["exported 2026-01-01 by MES"],
        [],
        [None, "Date", "온도[℃]", "Speed"],
        *[[None, dt.datetime(2026, 1, i + 1), 180.0 + i, 3.0] for i in range(5)],
    ]
    layout = detect_header(grid)
    assert layout.header_rows == [3]
    assert layout.data_start == 4
    assert [layout.names[c] for c in layout.columns] == ["Date", "온도[℃]", "Speed"]
    assert layout.columns == [1, 2, 3]


def test_two_cell_title_is_not_taken_for_the_header():
    grid = [["Report", "Line 3"], [], ["a", "b", "c", "d"], *_data(4, 4)]
    assert detect_header(grid).header_rows == [2]


def test_two_row_header_with_group_label_carried_over_empty_cells():
    grid = [
        ["Date", "Temperature", None, "Speed"],
        [None, "Zone 1", "Zone 2", "rpm"],
        *_data(4, 4),
    ]
    layout = detect_header(grid)
    assert layout.header_rows == [0, 1]
    assert layout.data_start == 2
    assert [layout.names[c] for c in range(4)] == [
        "Date",
        "Temperature / Zone 1",
        "Temperature / Zone 2",
        "Speed / rpm",
    ]
    assert 2 in layout.filled_columns


def test_known_merges_decide_the_names():
    grid = [
        ["Date", "Temperature", None, None],
        [None, "Zone 1", "Zone 2", "Humidity"],
        *_data(4, 4),
    ]
    merges = [Merge(0, 1, 0, 2), Merge(0, 0, 1, 0)]
    layout = detect_header(grid, merges=merges)
    assert [layout.names[c] for c in range(4)] == [
        "Date",
        "Temperature / Zone 1",
        "Temperature / Zone 2",
        "Humidity",
    ]


def test_wide_group_labels_above_the_header_join_it():
    grid = [
        [None, "Temperature", None, None, None, "Pressure", None, None, None],
        ["Time", "Z1", "Z2", "Z3", "Z4", "P1", "P2", "P3", "P4"],
        *_data(5, 9),
    ]
    layout = detect_header(grid)
    assert layout.header_rows == [0, 1]
    assert layout.names[4] == "Temperature / Z4"
    assert layout.names[8] == "Pressure / P4"
    assert layout.names[0] == "Time"


def test_title_merged_across_the_table_is_not_a_group_label():
    grid = [["Production report", None, None], ["a", "b", "c"], *_data(4, 3)]
    layout = detect_header(grid, merges=[Merge(0, 0, 0, 2)])
    assert layout.header_rows == [1]
    assert [layout.names[c] for c in range(3)] == ["a", "b", "c"]


def test_units_row_below_the_names_is_joined():
    grid = [["Temp", "Pressure", "Lot"], ["℃", "bar", None], *_data(4, 2)]
    for row in grid[2:]:
        row.append("L1")
    layout = detect_header(grid)
    assert layout.header_rows == [0, 1]
    assert [layout.names[c] for c in range(3)] == ["Temp / ℃", "Pressure / bar", "Lot"]


def test_all_text_table_keeps_its_first_data_row():
    grid = [["Name", "Dept", "City"], ["Kim", "Sales", "Seoul"], ["Lee", "QA", "Busan"]]
    layout = detect_header(grid)
    assert layout.header_rows == [0]
    assert layout.data_start == 1


def test_table_without_header():
    grid = [["Report"], [], *_data(5, 3)]
    layout = detect_header(grid)
    assert layout.header_rows == []
    assert layout.data_start == 2
    assert not layout.has_header


def test_user_header_row_wins_and_still_joins_continuation_rows():
    grid = [
        ["note", "x", "y"],
        ["Date", "Temperature", None],
        [None, "Zone 1", "Zone 2"],
        *_data(4, 3),
    ]
    layout = detect_header(grid, header_row=1)
    assert layout.header_rows == [1, 2]
    assert not layout.detected
    assert layout.names[2] == "Temperature / Zone 2"
    # a header row that is a data row is the user's choice: the rest is data
    layout = detect_header(grid, header_row=3)
    assert layout.header_rows == [3]
    assert layout.data_start == 4


def test_has_header_false_reads_every_row():
    grid = [["a", "b"], *_data(3, 2)]
    layout = detect_header(grid, has_header=False)
    assert layout.header_rows == []
    assert layout.data_start == 0


def test_empty_grid_holds_no_table():
    assert not detect_header([]).found
    assert not detect_header([[None, ""], []]).found


def test_numbers_as_names_keep_their_text():
    grid = [["Line", "2024", "2025"], ["A", 1.0, 2.0], ["B", 3.0, 4.0]]
    assert detect_header(grid).names == {0: "Line", 1: "2024", 2: "2025"}


names_st = st.lists(
    st.text(alphabet="abcdefgh온도압력 ", min_size=1, max_size=8).filter(
        lambda s: s.strip() and not s.strip().isdigit()
    ),
    min_size=2,
    max_size=8,
    unique=True,
)


@settings(max_examples=60, deadline=None)
@given(
    names=names_st,
    n_titles=st.integers(0, 4),
    blank_after_titles=st.booleans(),
    left=st.integers(0, 3),
    n_rows=st.integers(2, 30),
)
def test_header_found_under_any_titles(names, n_titles, blank_after_titles, left, n_rows):
    pad = [None] * left
    grid: list[list[object]] = [[f"title {k}"] for k in range(n_titles)]
    if blank_after_titles:
        grid.append([])
    head = len(grid)
    grid.append(pad + names)
    grid.extend(pad + row for row in _data(n_rows, len(names)))
    layout = detect_header(grid)
    assert layout.header_rows == [head]
    assert layout.data_start == head + 1
    assert [layout.names[c] for c in layout.columns if c >= left] == names


def test_unmerged_group_labels_are_carried_when_no_merge_touches_the_header():
    grid = [["Date", "Temperature", None], [None, "Zone 1", "Zone 2"], *_data(3, 3)]
    layout = detect_header(grid, merges=[Merge(10, 0, 10, 3)])
    assert layout.names[2] == "Temperature / Zone 2"
