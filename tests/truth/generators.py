"""Planted-truth tables: every row knows the mechanism that put it in the focus.

Each generator returns a :class:`Planted` table (a plain DataFrame a user could load, the
mechanism of every row — "" where none applies — and the columns planted as leakage). All are
seeded and small enough to run end to end in a few seconds. The mechanisms are rules on
process columns, the way a line behaves: "supplier S2 with thin paste", "hot and slow".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd


@dataclass
class Planted:
    """A generated table with its known answers."""

    frame: pd.DataFrame
    target: str
    focus: str  # the goal's focus rule, as the CLI takes it
    mechanism: pd.Series  # per row: the planted mechanism ("" = none)
    leaks: list[str] = field(default_factory=list)  # columns planted as leakage
    exclude: list[str] = field(default_factory=list)  # kept out of the model (the leaks)
    overlap: pd.Series | None = None  # rows that meet two mechanisms' rules (for wording checks)


def _process(rng: np.random.Generator, n: int, nuisance: int = 8) -> pd.DataFrame:
    """Process columns shared by the generators, plus ``nuisance`` pure-noise sensors."""
    f = pd.DataFrame(
        {
            "supplier": rng.choice(["S1", "S2", "S3"], n),
            "line": rng.choice(["L1", "L2", "L3", "L4"], n),
            "paste_thickness": np.round(rng.normal(18, 1.5, n), 2),
            "firing_temp": np.round(rng.normal(800, 10, n), 1),
            "belt_speed": np.round(rng.normal(120, 15, n), 1),
            "humidity": np.round(rng.normal(50, 12, n), 1),
            "gas_flow": np.round(rng.normal(10, 2, n), 2),
            "pressure": np.round(rng.normal(1.0, 0.1, n), 3),
        }
    )
    for j in range(nuisance):
        f[f"sensor_{j:02d}"] = np.round(rng.normal(size=n), 3)
    return f


ROUTES: dict[str, Callable[[pd.DataFrame], pd.Series]] = {
    "A": lambda f: (f["supplier"] == "S2") & (f["paste_thickness"] < 16.8),
    "B": lambda f: (f["firing_temp"] > 812) & (f["belt_speed"] < 108),
    "C": lambda f: ((f["humidity"] - 40).abs() < 6) & (f["gas_flow"] > 12),
}


def _first_route(f: pd.DataFrame, names: list[str]) -> pd.Series:
    out = pd.Series("", index=f.index, dtype=object)
    for name in names:
        out[ROUTES[name](f).to_numpy() & (out == "").to_numpy()] = name
    return out


def _smooth(f: pd.DataFrame) -> np.ndarray:
    """Small effects everywhere, so the focus is not made of routes alone."""
    return 0.15 * (f["pressure"].to_numpy() - 1.0) / 0.1 - 0.1 * (f["line"] == "L2").to_numpy()


def routes_regression(seed: int = 1, n: int = 12_000, nuisance: int = 8) -> Planted:
    """Three routes to a high yield (A, B, C), each +1.6, goal: top 5%."""
    rng = np.random.default_rng(seed)
    f = _process(rng, n, nuisance)
    mech = _first_route(f, ["A", "B", "C"])
    y = 18 + _smooth(f) + 1.6 * (mech != "").to_numpy() + rng.normal(0, 0.35, n)
    f["yield"] = np.round(y, 3)
    return Planted(f, "yield", "top:5%", mech)


def many_nuisance(seed: int = 2) -> Planted:
    """The same three routes among 36 pure-noise sensors."""
    return routes_regression(seed, n=12_000, nuisance=36)


def unequal_sizes(seed: int = 3, n: int = 16_000) -> Planted:
    """Routes of very different sizes: A is common, B rarer, C rare in the focus."""
    rng = np.random.default_rng(seed)
    f = _process(rng, n)
    a = (f["supplier"] == "S2") & (f["paste_thickness"] < 18.0)  # ~17% of rows
    b = (f["firing_temp"] > 815) & (f["belt_speed"] < 110)  # ~1.7%
    c = ((f["humidity"] - 40).abs() < 3) & (f["gas_flow"] > 13)  # ~0.6%
    mech = pd.Series("", index=f.index, dtype=object)
    for name, m in (("C", c), ("B", b), ("A", a)):
        mech[m.to_numpy() & (mech == "").to_numpy()] = name
    boost = np.select([mech == "A", mech == "B", mech == "C"], [1.0, 1.8, 1.8], 0.0)
    y = 18 + _smooth(f) + boost + rng.normal(0, 0.3, n)
    f["yield"] = np.round(y, 3)
    return Planted(f, "yield", "top:5%", mech)


def overlapping_routes(seed: int = 4, n: int = 14_000) -> Planted:
    """Routes A and B overlap: rows meeting both get both boosts (their own mechanism, A+B)."""
    rng = np.random.default_rng(seed)
    f = _process(rng, n)
    a = ((f["supplier"] == "S2") & (f["paste_thickness"] < 17.5)).to_numpy()
    b = ((f["firing_temp"] > 806) & (f["belt_speed"] < 112)).to_numpy()
    c = ROUTES["C"](f).to_numpy() & ~a & ~b
    y = 18 + _smooth(f) + 1.4 * a + 1.4 * b + 1.4 * c + rng.normal(0, 0.3, n)
    f["yield"] = np.round(y, 3)
    mech = pd.Series(np.select([a & b, a, b, c], ["A+B", "A", "B", "C"], ""), index=f.index)
    planted = Planted(f, "yield", "top:5%", mech)
    planted.overlap = pd.Series(a & b, index=f.index)
    return planted


def interaction(seed: int = 5, n: int = 12_000) -> Planted:
    """A pure interaction (hot *and* humid, neither alone) and a one-factor route (low pressure)."""
    rng = np.random.default_rng(seed)
    f = _process(rng, n)
    i = ((f["firing_temp"] > 808) & (f["humidity"] > 58)).to_numpy()
    p = (f["pressure"] < 0.86).to_numpy() & ~i
    y = 18 + 0.1 * rng.normal(size=n) + 1.6 * i + 1.6 * p + rng.normal(0, 0.3, n)
    f["yield"] = np.round(y, 3)
    mech = pd.Series(np.select([i, p], ["hot+humid", "low pressure"], ""), index=f.index)
    return Planted(f, "yield", "top:5%", mech)


def bottom_focus(seed: int = 6, n: int = 12_000) -> Planted:
    """Minimize: three routes to a low scrap rate; the focus is the bottom 5%."""
    p = routes_regression(seed, n)
    f = p.frame.rename(columns={"yield": "scrap"})
    f["scrap"] = np.round(40 - f["scrap"], 3)
    return Planted(f, "scrap", "bottom:5%", p.mechanism)


def confounded(seed: int = 7, n: int = 12_000) -> Planted:
    """Route B (hot and slow) runs mostly on the night shift, which has no effect of its own."""
    rng = np.random.default_rng(seed)
    f = _process(rng, n)
    night = rng.random(n) < 0.3
    f["firing_temp"] = np.round(f["firing_temp"] + np.where(night, 9.0, 0.0), 1)
    f["shift"] = np.where(night, "night", rng.choice(["day", "swing"], n))
    mech = _first_route(f, ["A", "B", "C"])
    y = 18 + _smooth(f) + 1.6 * (mech != "").to_numpy() + rng.normal(0, 0.35, n)
    f["yield"] = np.round(y, 3)
    return Planted(f, "yield", "top:5%", mech)


def _defects(seed: int, n: int, rate: float) -> tuple[pd.DataFrame, pd.Series, np.ndarray]:
    """Three defect routes; a row on a route fails with high odds, others at a base rate."""
    rng = np.random.default_rng(seed)
    f = _process(rng, n)
    d1 = ((f["firing_temp"] < 785) & (f["belt_speed"] > 135)).to_numpy()
    d2 = ((f["humidity"] > 66) & (f["supplier"] == "S3")).to_numpy()
    d3 = ((f["paste_thickness"] > 20.2) & (f["line"] == "L1")).to_numpy()
    mech = pd.Series(np.select([d1, d2, d3], ["D1", "D2", "D3"], ""), index=f.index)
    on_route = mech.to_numpy() != ""
    # Base rate chosen so that about `rate` of all rows fail, most of them on a route.
    p = np.where(on_route, 0.8, rate * 0.05)
    scale = rate / max(p.mean(), 1e-9)
    p = np.clip(np.where(on_route, p * min(scale, 1.2), p), 0, 1)
    failed = rng.random(n) < p
    return f, mech.where(failed, ""), failed


def defects_class(seed: int = 8, n: int = 12_000) -> Planted:
    """Classification: three defect routes, ~5% of rows fail."""
    f, mech, failed = _defects(seed, n, 0.05)
    f["defect"] = np.where(failed, "yes", "no")
    return Planted(f, "defect", "class:yes", mech)


def rare_class(seed: int = 9, n: int = 40_000) -> Planted:
    """Classification with a 1% focus class: three narrow defect routes."""
    rng = np.random.default_rng(seed)
    f = _process(rng, n)
    d1 = ((f["firing_temp"] < 780) & (f["belt_speed"] > 140)).to_numpy()
    d2 = ((f["humidity"] > 72) & (f["supplier"] == "S3")).to_numpy()
    d3 = ((f["paste_thickness"] > 21.0) & (f["line"] == "L1")).to_numpy()
    mech = pd.Series(np.select([d1, d2, d3], ["D1", "D2", "D3"], ""), index=f.index)
    p = np.where(mech.to_numpy() != "", 0.85, 0.0005)
    failed = rng.random(n) < p
    f["defect"] = np.where(failed, "yes", "no")
    return Planted(f, "defect", "class:yes", mech.where(failed, ""))


def leak_near_copy(seed: int = 10) -> Planted:
    """Leakage, near-copy: a final test reading that is the target plus a little noise."""
    p = routes_regression(seed, n=10_000)
    rng = np.random.default_rng(seed + 100)
    p.frame["final_test_yield"] = np.round(p.frame["yield"] + rng.normal(0, 0.02, len(p.frame)), 3)
    p.leaks = p.exclude = ["final_test_yield"]
    return p


def leak_one_sided(seed: int = 11) -> Planted:
    """Leakage, one-sided: a rework counter and a defect code filled only for failed rows."""
    p = defects_class(seed, n=10_000)
    rng = np.random.default_rng(seed + 100)
    failed = (p.frame["defect"] == "yes").to_numpy()
    p.frame["rework_count"] = np.where(failed & (rng.random(len(failed)) < 0.6), 1, 0)
    p.frame["defect_code"] = np.where(failed & (rng.random(len(failed)) < 0.7), "E17", "")
    p.leaks = p.exclude = ["rework_count", "defect_code"]
    return p


def leak_joint(seed: int = 12) -> Planted:
    """Leakage, joint: three inspection flags whose OR is the target (each alone is partial)."""
    p = defects_class(seed, n=10_000)
    rng = np.random.default_rng(seed + 100)
    failed = (p.frame["defect"] == "yes").to_numpy()
    which = rng.integers(0, 3, len(failed))
    for k, name in enumerate(["insp_crack", "insp_color", "insp_shape"]):
        p.frame[name] = (failed & (which == k)).astype(int)
    p.leaks = p.exclude = ["insp_crack", "insp_color", "insp_shape"]
    return p


GENERATORS: dict[str, Callable[[], Planted]] = {
    "routes_regression": routes_regression,
    "many_nuisance_36": many_nuisance,
    "unequal_sizes": unequal_sizes,
    "overlapping_routes": overlapping_routes,
    "interaction": interaction,
    "bottom_focus": bottom_focus,
    "confounder_shift": confounded,
    "defects_5pct": defects_class,
    "rare_class_1pct": rare_class,
    "leak_near_copy": leak_near_copy,
    "leak_one_sided": leak_one_sided,
    "leak_joint": leak_joint,
}
