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
    "Three planted routes lead there; the analysis should find them as cause groups. "
    "The action log shows the loop after the analysis: one route was tried on the line, "
    "two could not be tried, and why."
)
#: What the line did with each route (by its strongest controllable factor), as in the
#: reference case: one tried with before/after measurements, two logged as not tried.
TRIED_FACTOR = "belt_speed"
NOT_TRIED = {
    "paste_thickness": "Supplier contract: a thinner paste print needs the S2 screen, which "
    "the current contract does not cover until next quarter.",
    "humidity": "Equipment limit: the firing room has no dehumidifier, so humidity cannot be "
    "set on this line.",
}
OWNER = "김 엔지니어"
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
    from workbench.pipeline import project_from_analysis

    result = run_analysis(data, target="efficiency", goal="maximize", focus="top:5%", **ROLES)
    # The demo travels with its CSV: keep the source path relative to the project file.
    source = dataclasses.replace(result.table.source, path=data.name)
    result.table = dataclasses.replace(result.table, source=source)
    project = project_from_analysis(result, name=NAME)
    # The line's target for a trial: +0.3 efficiency points (the tried action is judged by it).
    project.goal = dataclasses.replace(project.goal, success=0.3)
    project.notes = NOTES
    project.actions = demo_actions(result, project.roles)
    return project


def demo_actions(result, project_roles):  # -> list[Action]
    """One action per cause group: the belt-speed route tried, the other two not tried."""
    import numpy as np

    from workbench.feedback.actions import Status, action_from_group, update_action
    from workbench.feedback.evidence import compare

    rng = np.random.default_rng(7)
    actions = []
    for group in result.causes.groups:
        factors = [c.column for c in group.conditions]
        action = action_from_group(
            group, result.goal, project_roles, owner=OWNER, planned_date=WHEN[:10], when=WHEN
        )
        if TRIED_FACTOR in factors:
            before = np.round(rng.normal(19.45, 0.35, 40), 2)
            after = np.round(rng.normal(19.78, 0.35, 40), 2)
            evidence = compare(list(before), list(after), unit="%p")
            action = update_action(
                action,
                when=WHEN_DONE,
                status=Status.DONE,
                outcome="improved",
                evidence=evidence.to_dict(),
                measured_effect=round(float(evidence.difference), 3),
                notes="Two weeks on line L1: 40 runs before, 40 runs after the change.",
            )
        else:
            reason = next((r for f, r in NOT_TRIED.items() if f in factors), "")
            action = update_action(
                action, when=WHEN_DONE, status=Status.COULD_NOT_TRY, reason_not_tried=reason
            )
        actions.append(action)
    return actions


WHEN = "2026-06-16T09:00:00+00:00"
WHEN_DONE = "2026-06-30T17:00:00+00:00"


def write(out: Path = OUT) -> Path:
    from workbench.store.project_file import save_project

    save_project(make_project(), out)
    out.with_name(out.name + ".bak").unlink(missing_ok=True)
    return out


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parents[1]))
    print(write())
