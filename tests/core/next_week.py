"""Next week's export of the demo line, for the re-application tests (core, GUI, the walk).

Built from the demo data as a later MES export: new run ids, four months later, belt_speed
running 15 higher, a supplier never seen ("S9") on every tenth row, o2_flow dropped from the
export, and — when ``turned`` — the efficiency of the measured rows following a changed
relationship, with every fifth row not measured yet.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "resources" / "demo"
DEMO_PROJECT = DEMO / "demo.wbproj"


def demo_rows(n: int, seed: int) -> pd.DataFrame:
    """``n`` distinct demo rows as a later export: new run ids, four months later."""
    df = pd.read_csv(DEMO / "solar_cells.csv").drop_duplicates()
    rows = df.sample(n, random_state=seed).reset_index(drop=True)
    rows["run_id"] = [f"N{i:05d}" for i in range(len(rows))]
    rows["timestamp"] = (pd.to_datetime(rows["timestamp"]) + pd.Timedelta(days=120)).dt.strftime(
        "%Y-%m-%d %H:%M"
    )
    return rows


def next_week_rows(n: int = 1500, seed: int = 3, turned: bool = True) -> pd.DataFrame:
    rows = demo_rows(n, seed)
    rows["belt_speed"] = (rows["belt_speed"] + 15).round(1)
    rows.loc[rows.index % 10 == 0, "supplier"] = "S9"
    rows = rows.drop(columns=["o2_flow"])
    if turned:
        mean = rows["efficiency"].mean()
        rows["efficiency"] = (2 * mean - rows["efficiency"]).round(2)
        rows.loc[rows.index % 5 == 4, "efficiency"] = np.nan  # not measured yet
    return rows


def write_next_week(folder: Path, name: str = "next_week.csv", **kwargs: object) -> Path:
    """The rows as a cp949 CSV, as the line's MES exports it."""
    path = Path(folder) / name
    next_week_rows(**kwargs).to_csv(path, index=False, encoding="cp949")  # type: ignore[arg-type]
    return path
