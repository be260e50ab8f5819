"""Tables for the cluster tests: three planted routes to a high yield, Hangul levels, a few
missing values, sentinel -999 readings and duplicated rows (both cleaned up before modeling)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def planted_table(n: int, seed: int = 0) -> pd.DataFrame:
    """``n`` rows (+ 40 exact duplicates) with the target ``yield`` and a pass/fail ``grade``."""
    rng = np.random.default_rng(seed)
    thick = 18 + 1.5 * rng.normal(size=n)
    temp = 800 + 10 * rng.normal(size=n)
    speed = 120 + 15 * rng.normal(size=n)
    hum = 50 + 12 * rng.normal(size=n)
    gas = 10 + 2 * rng.normal(size=n)
    supplier = rng.choice(["S1", "S2", "S3"], size=n)
    shift = rng.choice(["주간", "야간"], size=n)
    y = 20 + 0.05 * (temp - 800) / 10 + rng.normal(scale=0.3, size=n)
    y += 1.2 * ((supplier == "S2") & (thick < 17))
    y += 1.2 * ((temp > 810) & (speed < 110))
    y += 1.2 * ((hum > 55) & (hum < 65) & (gas > 11.5))
    frame = pd.DataFrame(
        {
            "paste_thickness": thick,
            "firing_temp": temp,
            "belt_speed": speed,
            "humidity": hum,
            "gas_flow": gas,
            "supplier": supplier,
            "교대": shift,
            "noise_a": rng.normal(size=n),
            "yield": y,
        }
    )
    frame.loc[rng.choice(n, 60, replace=False), "humidity"] = np.nan
    frame.loc[rng.choice(n, 30, replace=False), "noise_a"] = -999.0  # a sensor dropout code
    frame["grade"] = np.where(frame["yield"] > frame["yield"].quantile(0.8), "good", "normal")
    dup = frame.sample(40, random_state=seed)
    return pd.concat([frame, dup], ignore_index=True)
