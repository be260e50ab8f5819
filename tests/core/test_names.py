from __future__ import annotations

from workbench.tables.names import make_unique_names


def test_blank_and_duplicate_names_are_made_unique_and_reported():
    names, notes = make_unique_names(["온도[℃]", None, "speed ", "speed ", "", 3.0])
    assert names == ["온도[℃]", "Column 2", "speed ", "speed  (2)", "Column 5", "3"]
    assert [n.kind for n in notes] == [
        "blank_column_name",
        "duplicate_column_name",
        "blank_column_name",
    ]


def test_clean_names_are_untouched():
    names, notes = make_unique_names(["a", "b", "효율(%)"])
    assert names == ["a", "b", "효율(%)"]
    assert notes == []
