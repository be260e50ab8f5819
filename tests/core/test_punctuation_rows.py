"""Rows of separators/punctuation are empty rows; a punctuation-only header names no column."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from workbench.tables.loader import load_table
from workbench.tables.punctuation_rows import has_content, punctuation_rows


def _rows(n: int, sep: str) -> list[str]:
    rng = np.random.default_rng(5)
    return [
        sep.join(
            [f"2024-01-01 {i // 60:02d}:{i % 60:02d}", f"{rng.normal(20, 2):.2f}", f"라인{i % 3}"]
        )
        for i in range(n)
    ]


def _note(table, kind: str):
    return next((n for n in table.notes if n.kind == kind), None)


def test_trailing_separator_lines_of_a_comma_file_are_dropped_with_a_note(tmp_path: Path) -> None:
    lines = ["time,temp,line", *_rows(200, ","), *[";;;;;;,,,,,"] * 100]
    path = tmp_path / "export.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = load_table(path)
    assert table.n_rows == 200
    assert list(table.frame.columns) == ["time", "temp", "line"]
    assert table.frame["line"].astype(str).str.startswith("라인").all()
    note = _note(table, "dropped_punctuation_rows")
    assert note is not None and note.details["count"] == 100
    assert ";;;;;;" in note.message


def test_a_punctuation_header_over_an_empty_column_is_no_column(tmp_path: Path) -> None:
    # A semicolon export: the header's stray ",,,,," cell and 100 lines of separators.
    lines = ["time;temp;line;,,,,,", *[r + ";" for r in _rows(200, ";")]]
    lines += [";;;;;;,,,,,"] * 100
    path = tmp_path / "export.csv"
    path.write_text("\n".join(lines) + "\n", encoding="cp949")
    table = load_table(path)  # no "different number of values" error
    assert list(table.frame.columns) == ["time", "temp", "line"]
    assert table.n_rows == 200
    note = _note(table, "dropped_punctuation_columns")
    assert note is not None and "“,,,,,”" in note.message
    assert str(table.kinds["time"]) == "datetime"


def test_junk_lines_outnumbering_the_data_do_not_set_the_width(tmp_path: Path) -> None:
    lines = ["time;temp;line", *_rows(20, ";"), *[";;;;;;,,,,,"] * 300]
    path = tmp_path / "short.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = load_table(path)
    assert list(table.frame.columns) == ["time", "temp", "line"]
    assert table.n_rows == 20


def test_rows_with_any_letter_or_digit_stay() -> None:
    frame = pd.DataFrame(
        {
            "a": pd.Series(["가", "-", ";;", None, "x", ".."], dtype="str"),
            "b": [np.nan, 1.0, np.nan, np.nan, np.nan, np.nan],
            "c": pd.Categorical([None, None, ",,", None, None, "3"]),
        }
    )
    assert punctuation_rows(frame).tolist() == [False, False, True, False, False, False]
    assert (
        has_content("라인")
        and has_content("7")
        and not has_content(" ;,.-—°")
        and not has_content("")
    )
