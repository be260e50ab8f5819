"""File > Save a copy with personal data masked: the copy is masked, the open project is not."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog

from ui.app import build_window
from ui.preferences import Preferences
from workbench.project import Project, Section
from workbench.steps.quality import assess_quality
from workbench.store.project_file import open_project, save_project
from workbench.tables.loader import load_table
from workbench.tables.table import LoadOptions

NAMES = ["김민수", "이영희", "박지훈", "최수빈", "정하늘", "강철수"]


def _people_project(tmp_path: Path) -> Path:
    rows = [
        f"{NAMES[i % 6]},010-{2000 + i:04d}-{5000 + i:04d},{780 + i % 17},{90 + (i % 7) * 0.5}"
        for i in range(60)
    ]
    csv = tmp_path / "people.csv"
    csv.write_text("작업자,연락처,온도,yield\n" + "\n".join(rows) + "\n", encoding="utf-8")
    project = Project(name="사람")
    project.set_table(load_table(csv, LoadOptions()))
    table = project.table
    project.set_result(Section.QUALITY, assess_quality(table.frame, table.kinds))
    path = tmp_path / "people.wbproj"
    save_project(project, path)
    return path


@pytest.fixture
def window(qtbot):
    win = build_window(Preferences())
    qtbot.addWidget(win, before_close_func=lambda w: setattr(w, "_close_confirmed", True))
    win.show()
    return win


def test_save_a_masked_copy_from_the_file_menu(qtbot, window, tmp_path, monkeypatch):
    path = _people_project(tmp_path)
    window.open_project_file(path)
    qtbot.waitUntil(lambda: window.has_project and window.path == path, timeout=15_000)
    assert window.action_save_masked.isEnabled()
    copy = tmp_path / "shared copy"  # the suffix is added
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(copy), ""))
    )
    messages: list[str] = []
    window.controller.status_message.connect(messages.append)
    window.action_save_masked.trigger()
    qtbot.waitUntil(lambda: any("masked" in m for m in messages), timeout=15_000)
    snapshot = open_project(copy.with_suffix(".wbproj")).table.frame
    assert not snapshot["작업자"].isin(NAMES).any()
    assert snapshot["연락처"].str.fullmatch(r"010-\*{4}-\d{4}").all()
    assert window.path == path  # the open project keeps its own file and its data
    assert window.project.table.frame["작업자"].isin(NAMES).all()
