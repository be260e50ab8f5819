"""Generate the demo tables: a solar-cell firing line with planted causes and realistic traps.

Run ``python resources/demo/make_demo.py`` to (re)write, next to this script:

* ``solar_cells.csv``   — regression: target ``efficiency`` [%], goal maximize, focus top 5%.
* ``solar_defects.csv`` — classification: target ``defect`` (yes/no, ~5% yes), focus class:yes.

Everything is drawn from one seeded generator, so the files are reproducible byte for byte.

Planted routes to high efficiency (each adds the same boost; a row follows at most one):

* ``A``: supplier is S2 **and** paste_thickness < 17.0 µm          (both controllable)
* ``B``: firing_temp > 800 °C **and** belt_speed < 200 mm/s          (both controllable)
* ``C``: humidity < 35 % **and** 9.2 <= n2_flow <= 10.0 slm          (humidity uncontrollable)

Planted routes to a defect (classification variant):

* ``D1`` under-firing: firing_temp < 784 **and** belt_speed > 220
* ``D2`` damp paste:   humidity > 60 **and** supplier is S3
* ``D3`` thick paste:  paste_thickness > 20.5 **and** line is L1

Traps: ``final_test_efficiency`` (leakage: measured after, ≈ efficiency), ``final_inspection``
in the defect table (leakage: NG for almost every defect), ``wafer_size_mm`` (constant),
``humidity`` = -999 during sensor dropouts (sentinel), ~1% exact duplicate rows (export glitch),
``shift`` (night shift C runs the furnace hotter, so it correlates with firing_temp, but has
no effect of its own), missing values (ambient_temp spread out; o2_flow mostly on line L3),
``paste_lot`` (many levels, no effect) and free-text notes in ``비고``.

The ground truth is not in the CSVs: :func:`make_demo` returns it beside the tables
(``truth["route"]`` per row of the regression table, ``truth["defect_route"]`` for the defect
table; "" = no planted route), computed from the true values before sentinels and missing values
were put in. :func:`planted_routes` evaluates the rules on any frame with the same columns.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20260301
N_RUNS = 10_000
DUPLICATE_SHARE = 0.01
ROUTE_BOOST = 1.8  # efficiency points added by any planted route
HERE = Path(__file__).resolve().parent
REGRESSION_FILE = "solar_cells.csv"
DEFECTS_FILE = "solar_defects.csv"

ROUTES = {
    "A": "supplier is S2 and paste_thickness is below 17.0",
    "B": "firing_temp is above 800 and belt_speed is below 200",
    "C": "humidity is below 35 and n2_flow is between 9.2 and 10.0",
}
ROUTE_FACTORS = {
    "A": ["supplier", "paste_thickness"],
    "B": ["firing_temp", "belt_speed"],
    "C": ["humidity", "n2_flow"],
}
DEFECT_ROUTES = {
    "D1": "firing_temp is below 784 and belt_speed is above 220",
    "D2": "humidity is above 60 and supplier is S3",
    "D3": "paste_thickness is above 20.5 and line is L1",
}
DEFECT_FACTORS = {
    "D1": ["firing_temp", "belt_speed"],
    "D2": ["humidity", "supplier"],
    "D3": ["paste_thickness", "line"],
}
DIGITS = {
    "firing_temp": 1,
    "belt_speed": 1,
    "paste_thickness": 2,
    "n2_flow": 2,
    "o2_flow": 1,
    "humidity": 1,
    "ambient_temp": 1,
}
CONTROLLABLE = ["supplier", "paste_thickness", "firing_temp", "belt_speed", "n2_flow", "o2_flow"]
UNCONTROLLABLE = ["humidity", "ambient_temp"]


@dataclass
class Demo:
    cells: pd.DataFrame  # the regression table exactly as written to solar_cells.csv
    defects: pd.DataFrame  # the classification table exactly as written to solar_defects.csv
    truth: pd.DataFrame  # per row (same index): route, defect_route, true humidity, duplicate_of


def _masks(f: pd.DataFrame) -> dict[str, pd.Series]:
    return {
        "A": (f["supplier"] == "S2") & (f["paste_thickness"] < 17.0),
        "B": (f["firing_temp"] > 800.0) & (f["belt_speed"] < 200.0),
        "C": (f["humidity"] < 35.0) & f["n2_flow"].between(9.2, 10.0) & (f["humidity"] >= 0),
    }


def _defect_masks(f: pd.DataFrame) -> dict[str, pd.Series]:
    return {
        "D1": (f["firing_temp"] < 784.0) & (f["belt_speed"] > 220.0),
        "D2": (f["humidity"] > 60.0) & (f["supplier"] == "S3"),
        "D3": (f["paste_thickness"] > 20.5) & (f["line"] == "L1"),
    }


def planted_routes(frame: pd.DataFrame) -> pd.Series:
    """Which efficiency route ("A", "B", "C" or "") each row's values satisfy.

    On the CSV as written, rows with a humidity sensor dropout (-999) or a missing value
    in a route's column cannot be placed; :func:`make_demo` keeps the exact truth.
    """
    out = pd.Series("", index=frame.index, dtype=object)
    for name, mask in _masks(frame).items():
        out[mask.fillna(False).to_numpy(bool) & (out == "").to_numpy()] = name
    return out


def planted_defect_routes(frame: pd.DataFrame) -> pd.Series:
    """Which defect route ("D1", "D2", "D3" or "") each row's values satisfy."""
    out = pd.Series("", index=frame.index, dtype=object)
    for name, mask in _defect_masks(frame).items():
        out[mask.fillna(False).to_numpy(bool) & (out == "").to_numpy()] = name
    return out


def _base_runs(rng: np.random.Generator, n: int) -> pd.DataFrame:
    start = np.datetime64("2026-03-02T06:00")
    minutes = np.cumsum(rng.integers(12, 19, size=n)).astype("timedelta64[m]")
    ts = start + minutes
    hour = (ts.astype("datetime64[h]").astype(np.int64) % 24).astype(int)
    day = (ts - start).astype("timedelta64[h]").astype(float) / 24.0
    shift = np.where((hour >= 6) & (hour < 14), "A", np.where((hour >= 14) & (hour < 22), "B", "C"))
    operators = {
        "A": ["작업자01", "작업자02", "작업자03", "작업자04"],
        "B": ["작업자05", "작업자06", "작업자07", "작업자08"],
        "C": ["작업자09", "작업자10", "작업자11", "작업자12"],
    }
    operator = np.array(
        [operators[s][k] for s, k in zip(shift, rng.integers(0, 4, n), strict=True)]
    )
    line = rng.choice(["L1", "L2", "L3"], size=n, p=[0.36, 0.34, 0.30])
    supplier = rng.choice(["S1", "S2", "S3"], size=n, p=[0.33, 0.37, 0.30])
    week = (day // 7).astype(int)
    paste_lot = np.array(
        [
            f"{s}-{w + 10:02d}{k}"
            for s, w, k in zip(supplier, week, rng.choice(list("ab"), n), strict=True)
        ]
    )
    # Night shift (C) runs the furnace a few degrees hotter: shift correlates with firing_temp.
    firing_temp = rng.normal(792.0, 7.5, n) + np.where(shift == "C", 6.0, 0.0)
    belt_speed = rng.normal(212.0, 11.0, n)
    paste_thickness = rng.normal(18.2, 1.25, n) + np.where(supplier == "S3", 0.4, 0.0)
    n2_flow = rng.normal(10.2, 0.9, n)
    o2_flow = rng.normal(150.0, 12.0, n)
    # Humidity: seasonal drift plus a daily cycle plus weather.
    humidity = (
        47.0
        + 6.0 * np.sin(2 * np.pi * day / 60.0)
        + 6.0 * np.cos(2 * np.pi * (hour - 3) / 24.0)  # damp nights, dry afternoons
        + rng.normal(0.0, 9.0, n)
    )
    humidity = np.clip(humidity, 12.0, 92.0)
    ambient_temp = 21.0 + 0.06 * (humidity - 47.0) + 2.5 * np.cos(2 * np.pi * (hour - 15) / 24.0)
    ambient_temp = ambient_temp + rng.normal(0.0, 1.2, n)
    return pd.DataFrame(
        {
            "run_id": [f"R{i + 1:05d}" for i in range(n)],
            "timestamp": pd.to_datetime(ts).strftime("%Y-%m-%d %H:%M"),
            "line": line,
            "shift": shift,
            "작업자": operator,
            "supplier": supplier,
            "paste_lot": paste_lot,
            "firing_temp": firing_temp,
            "belt_speed": belt_speed,
            "paste_thickness": paste_thickness,
            "n2_flow": n2_flow,
            "o2_flow": o2_flow,
            "humidity": humidity,
            "ambient_temp": ambient_temp,
            "wafer_size_mm": 182,
        }
    )


def _keep_one_route(rng: np.random.Generator, f: pd.DataFrame) -> None:
    """Rows that meet two routes keep one (at random): the other's controllable factor moves."""
    masks = _masks(f)
    hits = np.column_stack([masks[k].to_numpy() for k in "ABC"])
    for i in np.flatnonzero(hits.sum(axis=1) > 1):
        keep = rng.choice(np.flatnonzero(hits[i]))
        for j, name in enumerate("ABC"):
            if hits[i, j] and j != keep:
                if name == "A":
                    f.loc[f.index[i], "paste_thickness"] = rng.uniform(17.3, 19.5)
                elif name == "B":
                    f.loc[f.index[i], "belt_speed"] = rng.uniform(203.0, 222.0)
                else:
                    f.loc[f.index[i], "n2_flow"] = rng.choice(
                        [rng.uniform(8.0, 8.9), rng.uniform(10.3, 11.5)]
                    )


def _round_as_stored(f: pd.DataFrame) -> None:
    """Round as the line's historian stores the values (the rules apply to stored values)."""
    for col, digits in DIGITS.items():
        f[col] = f[col].round(digits)


def make_demo(seed: int = SEED, n: int = N_RUNS) -> Demo:
    """Build both demo tables and their ground truth (deterministic for a given seed)."""
    rng = np.random.default_rng(seed)
    f = _base_runs(rng, n)
    _keep_one_route(rng, f)
    _round_as_stored(f)
    route = planted_routes(f)
    boost = np.where(route != "", ROUTE_BOOST, 0.0)

    efficiency = (
        19.35
        + boost
        + 0.012 * (f["firing_temp"] - 792.0)
        - 0.025 * (f["ambient_temp"] - 21.0)
        - np.where(f["line"] == "L2", 0.12, 0.0)
        + np.where(f["supplier"] == "S1", 0.05, 0.0)
        - 0.03 * (f["o2_flow"] - 150.0) ** 2 / 144.0
        + rng.normal(0.0, 0.28, n)
    )
    f["efficiency"] = efficiency.round(2)
    # Leakage: the end-of-line tester measures the same thing a few minutes later.
    f["final_test_efficiency"] = (f["efficiency"] + rng.normal(0.0, 0.04, n)).round(2)

    # Defects (classification variant) from their own planted conditions.
    defect_route = planted_defect_routes(f)
    p = np.where(defect_route != "", 0.6, 0.006)
    defect = rng.random(n) < p
    true_humidity = f["humidity"].to_numpy().copy()

    # Notes column: mostly empty, a few Korean free-text remarks.
    remarks = ["재작업", "점검 후 재가동", "센서 교체", "벨트 청소", "페이스트 교체", "샘플 측정"]
    notes = np.where(rng.random(n) < 0.06, rng.choice(remarks, n), "")
    f["비고"] = notes

    # Sensor dropouts: the humidity logger writes -999 for a few stretches of runs.
    humidity = f["humidity"].to_numpy().copy()
    for start in rng.choice(n - 40, size=6, replace=False):
        humidity[start : start + rng.integers(15, 35)] = -999.0
    f["humidity"] = humidity
    # Missing values: ambient_temp now and then; o2_flow mostly on line L3 (a flaky meter).
    amb = f["ambient_temp"].to_numpy().copy()
    amb[rng.random(n) < 0.03] = np.nan
    f["ambient_temp"] = amb
    o2 = f["o2_flow"].to_numpy().copy()
    o2[rng.random(n) < np.where(f["line"] == "L3", 0.08, 0.004)] = np.nan
    f["o2_flow"] = o2
    pt = f["paste_thickness"].to_numpy().copy()
    pt[rng.random(n) < 0.004] = np.nan
    f["paste_thickness"] = pt

    truth = pd.DataFrame(
        {
            "route": route.to_numpy(),
            "defect_route": defect_route.to_numpy(),
            "humidity_true": true_humidity,
            "defect": np.where(defect, "yes", "no"),
        }
    )

    # Exact duplicate rows (an export that ran twice), each right after its original.
    n_dup = round(DUPLICATE_SHARE * n)
    dup_of = np.sort(rng.choice(n, size=n_dup, replace=False))
    order = np.sort(np.concatenate([np.arange(n), dup_of]), kind="stable")
    f = f.iloc[order].reset_index(drop=True)
    truth = truth.iloc[order].reset_index(drop=True)
    truth["duplicate"] = pd.Series(order).duplicated().to_numpy()

    cells_cols = [
        "run_id",
        "timestamp",
        "line",
        "shift",
        "작업자",
        "supplier",
        "paste_lot",
        "firing_temp",
        "belt_speed",
        "paste_thickness",
        "n2_flow",
        "o2_flow",
        "humidity",
        "ambient_temp",
        "wafer_size_mm",
        "비고",
        "final_test_efficiency",
        "efficiency",
    ]
    cells = f[cells_cols].copy()
    defects = f[[c for c in cells_cols if c not in ("efficiency", "final_test_efficiency")]].copy()
    # Leakage in the defect table: the final inspection verdict (recorded after the defect).
    inspection = np.where(truth["defect"] == "yes", "NG", "OK")
    flip = rng.random(len(f)) < 0.003
    inspection = np.where(flip, np.where(inspection == "NG", "OK", "NG"), inspection)
    defects["final_inspection"] = inspection
    defects["defect"] = truth["defect"].to_numpy()
    return Demo(cells=cells, defects=defects, truth=truth)


def write_demo(folder: Path = HERE, seed: int = SEED) -> Demo:
    """Write both CSVs (UTF-8, Excel-friendly BOM-free, LF line ends) into ``folder``."""
    demo = make_demo(seed)
    folder.mkdir(parents=True, exist_ok=True)
    demo.cells.to_csv(folder / REGRESSION_FILE, index=False, lineterminator="\n")
    demo.defects.to_csv(folder / DEFECTS_FILE, index=False, lineterminator="\n")
    return demo


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    d = write_demo(out)
    routes = d.truth["route"].value_counts().to_dict()
    print(f"wrote {REGRESSION_FILE} and {DEFECTS_FILE} to {out}: {len(d.cells)} rows; {routes}")
