"""Report cells that start like a formula carry Excel's quote prefix (a crafted data file)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from openpyxl import load_workbook

from workbench.analysis import run_analysis
from workbench.report.report_xlsx import write_report

PAYLOADS = ["=1+1", "+SUM(A1:A2)", "-2+3", "@SUM(A1)", '=HYPERLINK("http://x.example","go")']


def test_formula_like_text_gets_the_quote_prefix(tmp_path):
    rng = np.random.default_rng(3)
    n = 300
    level = rng.choice(PAYLOADS, n)
    x = rng.normal(0, 1, n)
    frame = pd.DataFrame(
        {
            "=cmd|' /C calc'!A0": x.round(3),
            "+라인": level,
            "-온도": rng.normal(800, 5, n).round(1),
            "효율": (x + (level == "-2+3") + rng.normal(0, 0.3, n)).round(3),
        }
    )
    data = tmp_path / "evil.csv"
    frame.to_csv(data, index=False)
    out = tmp_path / "report.xlsx"
    write_report(run_analysis(data, target="효율"), out)
    wb = load_workbook(out)
    tried = prefixed = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")):
                    tried += 1
                    prefixed += bool(cell.quotePrefix)
                    assert cell.quotePrefix, f"{ws.title}!{cell.coordinate} {cell.value!r}"
    print(f"formula-like cells: {tried}, quote-prefixed: {prefixed}")
    assert tried >= 5 and prefixed == tried
