"""Write resources/demo/demo.wbproj: the demo analysis as a project file (``workbench --demo``).

Runs the real analysis on ``solar_cells.csv`` (next to this script) with the roles an engineer
on that line would set, and saves it as a project whose data source is the CSV beside it (a
relative path, so the demo reports "unchanged" wherever it is installed). Reproducible: the
analysis is seeded; re-run after the demo data or the analysis changes:
``python resources/demo/make_demo_project.py``.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "solar_cells.csv"
OUT = HERE / "demo.wbproj"

NAME = "태양전지 소성 라인 효율 (demo)"
NOTES = (
    "Demo: a solar-cell firing line. Goal: raise efficiency; the focus is the top 5% of runs. "
    "Three planted routes lead there; the analysis should find them as cause groups."
)
ROLES = {
    "id_columns": ["run_id"],
    "time": "timestamp",
    "controllable": [
        "firing_temp",
        "belt_speed",
        "paste_thickness",
        "n2_flow",
        "o2_flow",
        "supplier",
    ],
    "uncontrollable": ["humidity", "ambient_temp", "line", "shift", "작업자", "paste_lot"],
    "exclude": ["final_test_efficiency", "비고"],  # measured after the result; free-text notes
}


def make_project(data: Path = DATA):  # -> Project
    from workbench.analysis import run_analysis
    from workbench.io.project_file import project_from_analysis

    result = run_analysis(data, target="efficiency", goal="maximize", focus="top:5%", **ROLES)
    # The demo travels with its CSV: keep the source path relative to the project file.
    source = dataclasses.replace(result.table.source, path=data.name)
    result.table = dataclasses.replace(result.table, source=source)
    project = project_from_analysis(result, name=NAME)
    project.notes = NOTES
    return project


def write(out: Path = OUT) -> Path:
    from workbench.io.project_file import save_project

    save_project(make_project(), out)
    out.with_name(out.name + ".bak").unlink(missing_ok=True)
    return out


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parents[1]))
    print(write())
