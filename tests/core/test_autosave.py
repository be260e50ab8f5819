"""Autosave: unsaved work is kept in a recovery file and offered again after a crash."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pandas as pd

from workbench.paths import user_data_dir
from workbench.project import Project
from workbench.steps.goal import Goal
from workbench.store.autosave import autosave, autosave_dir, discard_recovery, find_recovery
from workbench.store.project_file import open_project
from workbench.tables.table import ColumnKind, LoadedTable, LoadOptions, SourceInfo


def _project() -> Project:
    frame = pd.DataFrame(
        {"온도": [1.0, 2.5, float("nan")], "라인": pd.Categorical(["A", "B", "A"])}
    )
    table = LoadedTable(
        frame,
        {"온도": ColumnKind.NUMERIC, "라인": ColumnKind.CATEGORICAL},
        SourceInfo("/nowhere/d.csv", 10, 0.0, "f" * 64, "csv"),
        LoadOptions(),
    )
    project = Project(name="미저장 작업")
    project.set_table(table)
    project.set_goal(Goal("온도"))
    return project


def test_nothing_to_recover_at_first():
    assert find_recovery() is None
    discard_recovery()  # harmless when there is nothing


def test_unsaved_work_is_written_and_offered_back():
    project = _project()
    path = autosave(project, original="C:/work/라인.wbproj")
    assert path is not None and path.parent == user_data_dir() / "autosave"
    assert project.dirty  # a recovery copy is not the user's own save
    found = find_recovery()
    assert found is not None and found.path == path
    assert found.name == "미저장 작업" and found.original == "C:/work/라인.wbproj"
    assert found.saved_at.endswith("+00:00")
    restored = open_project(found.path)
    assert restored.goal == project.goal
    pd.testing.assert_frame_equal(restored.table.frame, project.table.frame)
    discard_recovery()
    assert find_recovery() is None
    assert list(autosave_dir().iterdir()) == []


def test_saved_work_is_not_autosaved():
    project = _project()
    project.mark_saved()
    assert autosave(project) is None
    assert find_recovery() is None


def test_recovery_without_its_note_is_still_offered():
    project = _project()
    autosave(project)
    (autosave_dir() / "recovery.json").write_text("{broken", encoding="utf-8")
    found = find_recovery()
    assert found is not None and found.original is None and found.name == ""
    assert open_project(found.path).name == "미저장 작업"


def test_recovery_survives_a_crashed_process(tmp_path):
    """A process autosaves and dies without cleaning up; the next start finds the work."""
    script = textwrap.dedent(
        """
        import os
        import pandas as pd
        from workbench.store.autosave import autosave
        from workbench.project import Project
        project = Project(name="crashed", notes="오늘 작업")
        project.actions.append({"title": "x"})
        project.dirty = True
        autosave(project)
        os._exit(1)  # a crash: no cleanup, no atexit
        """
    )
    env = dict(os.environ)
    result = subprocess.run([sys.executable, "-c", script], env=env, timeout=120)
    assert result.returncode == 1
    found = find_recovery()
    assert found is not None and found.name == "crashed"
    project = open_project(found.path)
    assert project.notes == "오늘 작업" and project.actions == [{"title": "x"}]
