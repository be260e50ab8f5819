"""Older project files open after migration; newer ones are refused plainly."""

from __future__ import annotations

import copy
import importlib.util
import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from workbench.errors import ProjectFileError
from workbench.project import Section
from workbench.steps.goal import Direction
from workbench.store.migrations import CURRENT_SCHEMA, migrate
from workbench.store.project_archive import read_archive
from workbench.store.project_file import open_project, save_project
from workbench.vocabulary import ColumnRole

DATA = Path(__file__).resolve().parents[1] / "data"
GOLDEN_V0 = DATA / "project_v0.wbproj"


def _maker():
    spec = importlib.util.spec_from_file_location("make_project_v0", DATA / "make_project_v0.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_golden_v0_file_opens_with_everything_in_place():
    project = open_project(GOLDEN_V0)
    assert project.name == "v0 프로젝트" and project.notes == "첫 버전에서 저장"
    assert project.goal.target == "효율" and project.goal.direction == Direction.MAXIMIZE
    assert str(project.goal.focus) == "top:10%" and project.goal.success == 0.3
    assert project.roles == {
        "온도[℃]": ColumnRole.CONTROLLABLE,
        "라인": ColumnRole.UNCONTROLLABLE,
        "시각": ColumnRole.TIME,
    }
    assert project.recipe.steps == [{"op": "drop_columns", "columns": ["비고"]}]
    assert project.actions == [{"title": "온도 올리기", "status": "tried", "result": "up"}]
    pd.testing.assert_frame_equal(project.table.frame, _maker().frame(), check_exact=True)
    assert project.table.kinds["라인"] == "categorical"
    assert project.table.options.encoding == "cp949"
    assert project.table.source.sha256 == "0" * 64
    assert project.source_check.status == "missing"  # the v0 source path is on another PC
    assert project.result(Section.MODEL) is None and not project.dirty


def test_golden_file_is_what_its_script_writes(tmp_path):
    fresh = _maker().write(tmp_path / "v0.wbproj")
    m1, a1 = read_archive(fresh)
    m2, a2 = read_archive(GOLDEN_V0)
    assert m1 == m2 and a1.documents == a2.documents
    pd.testing.assert_frame_equal(a1.tables["data/table.parquet"], a2.tables["data/table.parquet"])


def test_migration_runs_on_a_copy_and_never_touches_the_file(tmp_path):
    before = GOLDEN_V0.read_bytes()
    manifest, archive = read_archive(GOLDEN_V0)
    kept_manifest, kept_docs = copy.deepcopy(manifest), copy.deepcopy(archive.documents)
    new_manifest, new_archive, applied = migrate(manifest, archive, GOLDEN_V0)
    assert applied == ["0->1"] and new_manifest["schema_version"] == CURRENT_SCHEMA
    assert manifest == kept_manifest and archive.documents == kept_docs  # inputs unchanged
    assert "data/table.parquet" in archive.tables and "data/snapshot.parquet" in new_archive.tables
    assert GOLDEN_V0.read_bytes() == before


def test_migrated_project_saves_in_the_current_layout(tmp_path):
    project = open_project(GOLDEN_V0)
    out = tmp_path / "now.wbproj"
    save_project(project, out)
    manifest = read_archive(out)[0]
    assert manifest["schema_version"] == CURRENT_SCHEMA and manifest["app_version"]
    back = open_project(out)
    assert back.goal == project.goal and back.roles == project.roles
    pd.testing.assert_frame_equal(back.table.frame, project.table.frame)


def _file(path, manifest, project=None):
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("manifest.json", json.dumps(manifest))
        if project is not None:
            zf.writestr("project.json", json.dumps(project, ensure_ascii=False))
    return path


def test_newer_schema_is_refused_with_a_plain_message(tmp_path):
    path = _file(
        tmp_path / "future.wbproj",
        {"format": "workbench-project", "schema_version": CURRENT_SCHEMA + 1, "app_version": "3.2"},
    )
    with pytest.raises(ProjectFileError, match="made by a newer Workbench") as err:
        open_project(path)
    assert "future.wbproj" in err.value.message and "Update Workbench" in err.value.hint


@pytest.mark.parametrize("version", [-1, "1", None, True])
def test_unknown_or_unreadable_versions_are_refused(tmp_path, version):
    path = _file(
        tmp_path / "odd.wbproj", {"format": "workbench-project", "schema_version": version}
    )
    with pytest.raises(ProjectFileError) as err:
        open_project(path)
    assert "odd.wbproj" in err.value.message


def test_v0_file_with_contents_that_do_not_fit_is_refused_plainly(tmp_path):
    path = _file(
        tmp_path / "bad0.wbproj",
        {"format": "workbench-project", "schema_version": 0},
        {"title": "x", "goal": {"direction": "maximize"}},  # no target_column
    )
    with pytest.raises(ProjectFileError, match="brought up to date") as err:
        open_project(path)
    assert "bad0.wbproj" in err.value.message
