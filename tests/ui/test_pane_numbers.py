"""The Quality pane's profile table writes numbers like every other surface."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tests.ui.test_quality_pane import _pane_on, _wait_checked


def test_profile_cells_show_years_plain_and_big_values_in_full(qtbot, tmp_path) -> None:
    rng = np.random.default_rng(8)
    n = 300
    frame = pd.DataFrame(
        {
            "생산연도": rng.integers(2000, 2025, n),
            "batch_kg": rng.choice([1.0, 5_000.0, 10_000.0], n),
            "flow": rng.normal(398_300, 20_000, n).round(1),
            "효율": rng.normal(19, 0.3, n).round(3),
        }
    )
    frame.loc[0, "생산연도"], frame.loc[1, "생산연도"] = 2000, 2024
    frame.loc[2, "batch_kg"] = np.nan  # read as floats: the maximum is 10000.0
    path = tmp_path / "plant.csv"
    frame.to_csv(path, index=False, encoding="cp949")
    pane = _pane_on(qtbot, path)
    try:
        _wait_checked(qtbot, pane)
        table = pane.profile_table
        rows = {table.item(r, 0).text(): r for r in range(table.rowCount())}
        cells = {
            name: [table.item(r, c).text() for c in range(4, table.columnCount())]
            for name, r in rows.items()
        }
        assert cells["생산연도"][:2] == ["2000", "2024"]
        assert "," not in cells["생산연도"][2]  # the average year, e.g. "2012.3"
        assert cells["batch_kg"][1] == "10,000"
        assert all("e+" not in text for row in cells.values() for text in row)
    finally:
        pane.controller.runner.shutdown()
