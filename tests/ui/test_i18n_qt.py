"""Qt's own dialogs in Korean, and the main window rendered in Korean without clipped text."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication

from ui.i18n_qt import (
    apply_language,
    choose_language,
    install_qt_translations,
    language_choices,
    restart_note,
)
from workbench.i18n import ENV_VAR, _, set_language

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _english_afterwards(qapp):
    yield
    install_qt_translations(qapp, "en")
    set_language("en")


def test_qt_buttons_follow_the_language(qapp) -> None:
    assert install_qt_translations(qapp, "ko")
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "취소"
    assert install_qt_translations(qapp, "en") == []  # English: Qt's built-in texts
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancel"


def test_environment_beats_the_preference(qapp, monkeypatch) -> None:
    monkeypatch.setenv(ENV_VAR, "ko")
    assert choose_language("en") == "ko"
    assert apply_language(qapp, "en") == "ko" and _("Quality") == "품질"
    monkeypatch.delenv(ENV_VAR)
    assert apply_language(qapp, "en") == "en" and _("Quality") == "Quality"


def test_language_menu_texts() -> None:
    set_language("ko")
    assert [v for v, _label in language_choices()] == ["", "ko", "en"]
    assert language_choices()[0][1] == "시스템 설정과 같게"
    assert "다시 시작" in restart_note()
    set_language("en")
    assert language_choices()[1][1] == "한국어"  # each language named in itself
    assert "next time" in restart_note()


# The panes read their texts when they are built, so the Korean window is built in a fresh
# process (this one has imported the panes in English already).
_RENDER = r"""
import json, sys
from pathlib import Path
from workbench.tables.loader import load_table
from workbench.tables.table import LoadOptions
from workbench.project import Project
from PySide6.QtWidgets import QAbstractButton, QApplication
from ui.app import build_window, setup_application
from ui.i18n_qt import apply_language
from ui.preferences import Preferences

app = setup_application([sys.argv[0]], "ko")
apply_language(app, "ko")
window = build_window(Preferences())
window.resize(1280, 800)
window.show()
path = Path(sys.argv[1]) / "공정.csv"
rows = [f"B{i:03d},{780 + i % 17},{200 + i % 5},{90 + (i % 7) * 0.5}" for i in range(60)]
path.write_text("batch,온도,speed,yield\n" + "\n".join(rows) + "\n", encoding="utf-8")
project = Project(name="시험")
project.set_table(load_table(path, LoadOptions()))
window.controller.replace_project(project)
window.show_loop()
app.processEvents()
clipped, texts = [], []
for row in range(window.steps.count()):
    item = window.steps.item(row)
    texts.append(item.text())
    need = window.steps.fontMetrics().horizontalAdvance(item.text()) + 24
    if need > window.steps.viewport().width():
        clipped.append(("step", item.text(), need, window.steps.viewport().width()))
for index in range(window.steps.count()):
    window.go(index)
    app.processEvents()
    for button in window.findChildren(QAbstractButton):
        if button.isVisible() and button.text():
            texts.append(button.text())
            if button.sizeHint().width() > button.width() + 1:
                clipped.append(("button", button.text(), button.sizeHint().width(), button.width()))
window._close_confirmed = True
window.close()
print(json.dumps({"clipped": clipped, "texts": texts}, ensure_ascii=False))
"""


@pytest.mark.slow
def test_main_window_in_korean_has_no_clipped_steps_or_buttons(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONIOENCODING="utf-8")
    env[ENV_VAR] = "ko"
    env["WORKBENCH_HOME"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", _RENDER, str(tmp_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert any("목표" in t for t in result["texts"]), result["texts"]
    assert any("다음" in t for t in result["texts"])
    assert result["clipped"] == []
