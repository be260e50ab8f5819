"""The loop end to end: analyze → action from a group → save → a new process logs the outcome
with evidence → the library holds it → a new analysis on similar data surfaces the failure."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workbench.analysis import run_analysis
from workbench.cli import main
from workbench.feedback.actions import action_from_group, actions_from_json
from workbench.feedback.library import Library
from workbench.pipeline import project_from_analysis
from workbench.project import Project
from workbench.store.project_file import open_project, save_project

ROOT = Path(__file__).resolve().parents[2]


def line_data(seed: int, n: int = 800) -> pd.DataFrame:
    """A firing line: thin paste (< 16.5) and a warm furnace give the best efficiency."""
    rng = np.random.default_rng(seed)
    paste = rng.uniform(15, 20, n)
    temp = rng.uniform(820, 880, n)
    humidity = rng.uniform(30, 70, n)
    eff = 19.5 + 1.2 * (paste < 16.5) + 0.015 * (temp - 850) - 0.005 * (humidity - 50)
    return pd.DataFrame(
        {
            "run": np.arange(n),
            "time": pd.date_range("2026-01-05", periods=n, freq="2h"),
            "paste_thickness": paste.round(2),
            "firing_temp": temp.round(1),
            "humidity": humidity.round(1),
            "efficiency": (eff + rng.normal(0, 0.15, n)).round(3),
        }
    )


def _analyze(path: Path):
    return run_analysis(
        path,
        target="efficiency",
        id_columns=["run"],
        time="time",
        controllable=["paste_thickness", "firing_temp"],
        uncontrollable=["humidity"],
        focus="top:10%",
    )


def _paste_group(result):
    assert result.causes is not None, result.causes_message
    for group in result.causes.groups:
        if any(c.column == "paste_thickness" for c in group.conditions):
            return group
    pytest.fail("no cause group names paste_thickness")


def _cli(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(list(args))
    return code, out.getvalue()


def test_feedback_loop_end_to_end(tmp_path):
    # 1. Analyze and turn the group into an action; save the project.
    data = tmp_path / "line3_q1.csv"
    line_data(0).to_csv(data, index=False)
    result = _analyze(data)
    group = _paste_group(result)
    project = project_from_analysis(result, name="Line 3")
    action = action_from_group(group, project.goal, project.roles, owner="Kim")
    assert "paste_thickness" in [c["factor"] for c in action.changes]
    project.actions.append(action)
    project_file = save_project(project, tmp_path / "line3.wbproj")

    # 2. Weeks later, a new process logs the outcome with before/after data from files.
    rng = np.random.default_rng(5)
    pd.DataFrame({"효율": rng.normal(19.8, 0.2, 12).round(3)}).to_csv(
        tmp_path / "before.csv", index=False, encoding="cp949"
    )
    pd.DataFrame({"효율": rng.normal(19.8, 0.2, 12).round(3)}).to_csv(
        tmp_path / "after.csv", index=False, encoding="cp949"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))  # WORKBENCH_HOME: the test's isolated home
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "workbench.cli",
            "actions",
            str(project_file),
            "--log",
            action.id[:8],
            "--outcome",
            "no_change",
            "--notes",
            "Same efficiency after two weeks",
            "--before",
            f"{tmp_path / 'before.csv'}:효율",
            "--after",
            f"{tmp_path / 'after.csv'}:효율",
            "--unit",
            "%p",
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert "Logged “no change”" in run.stdout
    assert "Welch's t-test" in run.stdout
    assert "Added to the experiment library" in run.stdout

    # 3. The saved project holds the outcome, the evidence and the history.
    reopened = open_project(project_file, check_source_file=False)
    (logged,) = actions_from_json(reopened.actions)
    assert logged.id == action.id and logged.result_kind == "no_change"
    assert logged.evidence["test"] == "welch" and logged.evidence["n_before"] == 12
    assert logged.measured_effect == pytest.approx(logged.evidence["difference"])
    assert [h["field"] for h in logged.history][:1] == ["created"]
    assert "outcome" in [h["field"] for h in logged.history]
    assert logged.history[: len(action.history)] == action.history

    # 4. The library holds it, with its context.
    library = Library()
    (entry,) = library.search(factor="paste_thickness")
    assert entry.entry_id == action.id and entry.project == "Line 3"
    assert entry.outcome == "no_change" and entry.goal_target == "efficiency"
    assert entry.data_period.startswith("2026-01-05")
    assert entry.evidence["test"] == "welch"
    assert any(c["column"] == "paste_thickness" for c in entry.conditions)

    # 5. A new analysis on similar data (another quarter) surfaces the earlier result.
    data2 = tmp_path / "line3_q2.csv"
    line_data(1).to_csv(data2, index=False)
    result2 = _analyze(data2)
    group2 = _paste_group(result2)
    hits = Library().tried_before_group(group2)
    assert [h.entry_id for h in hits] == [action.id]
    assert hits[0].text.startswith("Tried before: paste_thickness below")
    assert "no change" in hits[0].text and "project Line 3" in hits[0].text

    # 6. ... and so does the command line when that group becomes an action.
    project2 = project_from_analysis(result2, name="Line 3 Q2")
    save_project(project2, tmp_path / "q2.wbproj")
    code, text = _cli(
        "actions", str(tmp_path / "q2.wbproj"), "--add", "--from-group", str(group2.id)
    )
    assert code == 0 and "Tried before: paste_thickness below" in text


def test_library_commands(tmp_path):
    from workbench.feedback.actions import make_change, new_action, update_action

    lib = Library()
    lib.record(
        update_action(
            new_action("Thinner paste", changes=[make_change("paste_thickness", "", "below 17")]),
            status="could_not_try",
            reason_not_tried="supplier contract",
        ),
        project_name="Line 3",
    )
    code, text = _cli("library", "search", "paste", "--outcome", "not_tried")
    assert code == 0 and "Thinner paste — project Line 3" in text
    assert "Reason: supplier contract" in text
    code, text = _cli("library", "search", "--factor", "humidity")
    assert "Nothing in the experiment library matches." in text
    export = tmp_path / "team.json"
    assert _cli("library", "export", str(export))[0] == 0
    other = tmp_path / "other"
    code, text = _cli("library", "import", str(export), "--library", str(other))
    assert code == 0 and "1 new" in text
    code, text = _cli("library", "import", str(export), "--library", str(other))
    assert "0 new" in text and "1 already there" in text
    assert len(Library(other)) == 1


def test_actions_command_errors_are_plain(tmp_path, capsys):
    path = save_project(Project(name="p"), tmp_path / "p.wbproj")
    assert _cli("actions", str(path))[1].startswith("No actions yet")
    code, _text = _cli("actions", str(path), "--add")
    assert code == 2 and "needs a title" in capsys.readouterr().err
    code, text = _cli("actions", str(path), "--add", "--title", "Check belt", "--owner", "Lee")
    assert code == 0 and "Added the action" in text
    code, _text = _cli(
        "actions", str(path), "--log", "1", "--outcome", "improved", "--before-values", "1 2 3"
    )
    assert code == 2 and "both sides" in capsys.readouterr().err
    code, _text = _cli("actions", str(path), "--add", "--from-group", "99")
    assert code == 2 and "this project has no cause groups" in capsys.readouterr().err
    code, text = _cli(
        "actions", str(path), "--log", "1", "--outcome", "not_tried", "--reason", "equipment limit"
    )
    assert code == 0 and "could not try" in text
    code, text = _cli("actions", str(path))
    assert "Why not tried: equipment limit" in text
