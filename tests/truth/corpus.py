"""The truth corpus: tables whose mechanisms are known, public real ones and planted ones.

A :class:`TruthCase` names a CSV a user could load, the goal to run on it, the columns that are
leakage by construction (kept out of the model in both pipelines, so the grouping is judged on
its own; whether the quality check *finds* them is reported beside), and the mechanism of every
row ("" where none is documented). See tests/truth/SOURCES.md for the public files and the rule
each one uses to name a row's mechanism.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from tests.truth import generators as gen

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
ROOT = HERE.parents[1]


@dataclass
class TruthCase:
    """One dataset of the corpus, ready to run."""

    name: str
    origin: str  # "public" | "planted" | "demo"
    path: Path  # the CSV the pipelines load
    target: str
    focus: str
    mechanism: pd.Series  # index = 0-based row position in the CSV; "" = no documented mechanism
    leaks: list[str] = field(default_factory=list)  # columns that give the answer away
    exclude: list[str] = field(default_factory=list)  # kept out of both models
    id_columns: list[str] = field(default_factory=list)
    note: str = ""

    @property
    def mechanisms(self) -> list[str]:
        return sorted({m for m in self.mechanism if m})


def _ai4i(folder: Path) -> TruthCase:
    path = DATA / "ai4i2020.csv"
    frame = pd.read_csv(path, encoding="utf-8-sig")
    modes = ["TWF", "HDF", "PWF", "OSF"]
    flags = frame[modes].to_numpy()
    # A failure with exactly one process mode has that mechanism; several modes at once, a
    # random failure (RNF) or no mode flagged at all: no single documented mechanism ("").
    # The documentation gives power failure two conditions (power below 3500 W or above
    # 9000 W): two mechanisms, told apart by the power computed from torque and speed.
    single = (flags.sum(axis=1) == 1) & (frame["Machine failure"] == 1).to_numpy()
    names = np.array(modes, dtype=object)[flags.argmax(axis=1)]
    power = frame["Torque [Nm]"] * frame["Rotational speed [rpm]"] * 2 * np.pi / 60
    names = np.where(names == "PWF", np.where(power < 6250, "PWF<3500W", "PWF>9000W"), names)
    mech = pd.Series(np.where(single, names, ""))
    return TruthCase(
        "ai4i2020 (UCI)",
        "public",
        path,
        "Machine failure",
        "class:1",
        mech,
        leaks=[*modes, "RNF"],
        exclude=[*modes, "RNF"],
        id_columns=["UDI", "Product ID"],
        note="focus: the 339 machine failures; 4 process failure modes, power failure two-sided",
    )


STEEL_SPECIFIC = ["Pastry", "Z_Scratch", "K_Scatch", "Stains", "Dirtiness"]
STEEL_FLAGS = [f"{c}_Fault" for c in STEEL_SPECIFIC] + ["Bumps_Fault", "Other_Faults"]


def _steel(folder: Path) -> TruthCase:
    frame = pd.read_csv(DATA / "steel_plates_faults.csv")
    flags = frame[STEEL_FLAGS].to_numpy()
    label = np.array([*STEEL_SPECIFIC, "Bumps", "Other"])[flags.argmax(axis=1)]
    # The user's question: which plates get one of the five named surface faults rather than
    # a bump or an unnamed fault? The five named classes are the mechanisms of the focus.
    frame["fault_family"] = np.where(np.isin(label, STEEL_SPECIFIC), "named", "bump_or_other")
    path = folder / "steel_plates_faults_family.csv"
    frame.to_csv(path, index=False)
    mech = pd.Series(np.where(np.isin(label, STEEL_SPECIFIC), label, ""))
    return TruthCase(
        "steel plates faults (UCI)",
        "public",
        path,
        "fault_family",
        "class:named",
        mech,
        leaks=list(STEEL_FLAGS),
        exclude=list(STEEL_FLAGS),
        note="focus: 866 plates with one of 5 named fault classes",
    )


def _tep(folder: Path) -> TruthCase:
    frame = pd.read_csv(DATA / "tep_subset.csv")
    frame["abnormal"] = np.where(frame["fault_id"] != 0, "yes", "no")
    path = folder / "tep_subset_abnormal.csv"
    frame.to_csv(path, index=False)
    mech = pd.Series(np.where(frame["fault_id"] != 0, "IDV" + frame["fault_id"].astype(str), ""))
    return TruthCase(
        "Tennessee Eastman subset",
        "public",
        path,
        "abnormal",
        "class:yes",
        mech,
        leaks=["fault_id", "source"],
        exclude=["fault_id", "source"],
        id_columns=["sample"],
        note="focus: 480 faulty samples of step faults IDV1,2,4,5,6,7",
    )


def _load_make_demo():
    name = "workbench_make_demo"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "resources/demo/make_demo.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def _demo_cells(folder: Path) -> TruthCase:
    demo = _load_make_demo().make_demo()
    mech = pd.Series(demo.truth["route"].to_numpy())
    return TruthCase(
        "demo solar cells",
        "demo",
        ROOT / "resources/demo/solar_cells.csv",
        "efficiency",
        "top:5%",
        mech,
        leaks=["final_test_efficiency"],
        exclude=["final_test_efficiency"],
        id_columns=["run_id", "timestamp"],
    )


def _demo_defects(folder: Path) -> TruthCase:
    demo = _load_make_demo().make_demo()
    mech = pd.Series(demo.truth["defect_route"].to_numpy())
    mech = mech.where((demo.defects["defect"] == "yes").to_numpy(), "")
    return TruthCase(
        "demo solar defects",
        "demo",
        ROOT / "resources/demo/solar_defects.csv",
        "defect",
        "class:yes",
        mech,
        leaks=["final_inspection"],
        exclude=["final_inspection"],
        id_columns=["run_id", "timestamp"],
    )


def _planted(name: str, make: Callable[[], gen.Planted]) -> Callable[[Path], TruthCase]:
    def build(folder: Path) -> TruthCase:
        p = make()
        path = folder / f"{name}.csv"
        p.frame.to_csv(path, index=False)
        return TruthCase(
            name,
            "planted",
            path,
            p.target,
            p.focus,
            pd.Series(p.mechanism.to_numpy()),
            leaks=list(p.leaks),
            exclude=list(p.exclude),
        )

    return build


CASES: dict[str, Callable[[Path], TruthCase]] = {
    "ai4i2020": _ai4i,
    "steel_plates": _steel,
    "tep_subset": _tep,
    "demo_cells": _demo_cells,
    "demo_defects": _demo_defects,
    **{name: _planted(name, make) for name, make in gen.GENERATORS.items()},
}


def build_case(key: str, folder: Path) -> TruthCase:
    """Write the case's CSV into ``folder`` (when it is derived) and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    return CASES[key](folder)
