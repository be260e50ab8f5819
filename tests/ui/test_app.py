from __future__ import annotations

from ui.app import build_main_window


def test_main_window_opens(qtbot):
    window = build_main_window()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.isVisible()
    assert "Workbench" in window.windowTitle()
