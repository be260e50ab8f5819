"""Every screen fits a 1280×720 laptop: a maximised window there has about 1280×650 inside its
frame (Windows' taskbar and title bar take the rest), tips shown. A window whose panes need
more is pushed past the screen's edge, and Qt then lays widgets over each other (the Causes
pane's colour legend lay over the beeswarm's axis)."""

from __future__ import annotations

import pytest

from ui.app import build_window
from ui.panes import ActionsPane, CausesPane, LibraryPane
from ui.preferences import Preferences

#: The inside of a maximised window on a 1280×720 screen (taskbar 40 px, title bar 30 px).
SCREEN_W, SCREEN_H = 1280, 650


@pytest.fixture
def demo_window(qtbot):
    window = build_window(Preferences())
    qtbot.addWidget(window, before_close_func=lambda w: setattr(w, "_close_confirmed", True))
    window.resize(SCREEN_W, SCREEN_H)
    window.show()
    window.open_demo()
    qtbot.waitUntil(lambda: window.has_project, timeout=30_000)
    yield window
    window.project.dirty = False


def test_every_pane_fits_a_1280x720_screen_with_tips(qtbot, demo_window):
    window = demo_window
    for i, pane in enumerate(window.panes):
        window.go(i)
        qtbot.waitUntil(lambda p=pane: window.stack.currentWidget() is p)
        assert window.hint_bar.isVisible() or isinstance(pane, LibraryPane)
        need = window.minimumSizeHint()
        assert need.width() <= SCREEN_W, type(pane).__name__
        assert need.height() <= SCREEN_H, (type(pane).__name__, need.height())
    assert window.size().height() <= SCREEN_H  # the window did not grow past the screen


def test_the_causes_legend_sits_below_the_beeswarm_axis(qtbot, demo_window):
    window = demo_window
    causes = window.pane(CausesPane)
    window.go(window.panes.index(causes))
    qtbot.waitUntil(lambda: bool(causes.beeswarm.plot.lanes), timeout=10_000)
    plot = causes.beeswarm.plot
    legend_top = min(
        w.geometry().top() for w in causes.beeswarm.findChildren(type(causes.sample_note))
    )
    assert plot.geometry().bottom() < legend_top  # no overlap of legend and axis


def test_the_typical_values_header_is_never_cut(qtbot, demo_window):
    window = demo_window
    causes = window.pane(CausesPane)
    window.go(window.panes.index(causes))
    qtbot.waitUntil(lambda: causes.comparison.rowCount() > 0, timeout=10_000)
    header = causes.comparison.horizontalHeader()
    text = causes.comparison.horizontalHeaderItem(4).text()
    widest = max(header.fontMetrics().horizontalAdvance(t) for t in text.split("\n"))
    assert causes.comparison.columnWidth(4) >= widest
    visible = causes.comparison.viewport().width()
    assert header.sectionPosition(4) + causes.comparison.columnWidth(4) <= visible + 1


def test_at_first_start_the_window_is_no_larger_than_the_screen(qtbot):
    window = build_window(Preferences())  # no saved geometry: a first start
    qtbot.addWidget(window)
    free = window.screen().availableGeometry()
    assert window.height() <= free.height() and window.y() >= free.y()


def test_every_action_log_column_shows_without_scrolling_sideways(qtbot, demo_window):
    """The action log's columns (the success verdict is the last) fit a 1280-px window."""
    window = demo_window
    actions = window.pane(ActionsPane)
    window.go(window.panes.index(actions))
    qtbot.waitUntil(lambda: actions.table.rowCount() > 0, timeout=10_000)
    table = actions.table
    used = sum(table.columnWidth(c) for c in range(table.columnCount()))
    assert used <= table.viewport().width(), (used, table.viewport().width())
