"""The GUI thread keeps beating while a real fit, SHAP and clustering run (issue 5)."""

from __future__ import annotations

import gc
import itertools
import time

from PySide6.QtCore import Qt, QTimer

from ui.app import build_window
from ui.panes import ModelPane
from ui.preferences import Preferences
from workbench.project import Section

MAX_GAP_S = 0.25


# Measured on a quiet machine: worst gap 40-110 ms. The fit plot draws at most 2,000 dots so
# the result's arrival stays well under the bound; SHAP's JSON model parse on the worker
# thread (0.3 s holding the GIL) is the remaining risk on a heavily loaded machine.
def test_gui_heartbeat_stays_under_250ms_during_fit_and_clustering(qtbot):
    window = build_window(Preferences())
    qtbot.addWidget(window, before_close_func=lambda w: setattr(w, "_close_confirmed", True))
    window.show()
    # As at start-up: the model libraries and the compiled SHAP kernel load in the background
    # before any run (their imports hold the GIL for a few hundred milliseconds).
    window.start_warm_up()
    qtbot.waitUntil(lambda: not window.controller.runner.is_running("warm-up"), timeout=60_000)
    window.open_demo()
    qtbot.waitUntil(lambda: window.has_project, timeout=30_000)
    window.go(3)
    pane = window.panes[3]
    assert isinstance(pane, ModelPane)
    before = window.project.result(Section.MODEL)

    beats: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: beats.append(time.perf_counter()))
    timer.start(20)
    qtbot.mouseClick(pane.run_button, Qt.MouseButton.LeftButton)  # fit → SHAP → clustering
    qtbot.waitUntil(
        lambda: window.project.result(Section.MODEL) is not before and not pane.is_running(),
        timeout=90_000,
    )
    qtbot.wait(200)  # the panes redraw with the new result: part of what is measured
    timer.stop()

    result = window.project.result(Section.MODEL)
    assert result.causes is not None and result.causes.groups
    gaps = [b - a for a, b in itertools.pairwise(beats)]
    assert len(gaps) > 20
    worst = max(gaps)
    print(f"heartbeat: {len(beats)} beats, worst gap {worst * 1000:.0f} ms")
    stalls = [
        f"{g * 1000:.0f} ms at {a - beats[0]:.1f} s"
        for a, g in zip(beats, gaps, strict=False)
        if g > 0.1
    ]
    assert worst < MAX_GAP_S, f"the GUI thread stalled: {stalls}"


def test_start_up_objects_leave_the_collectors_full_passes(qtbot):
    """After warm-up the collector walks only what was made since (a full pass over the
    start-up objects froze the GUI thread for 100-350 ms)."""
    window = build_window(Preferences())
    qtbot.addWidget(window, before_close_func=lambda w: setattr(w, "_close_confirmed", True))
    gc.unfreeze()
    window.start_warm_up()
    qtbot.waitUntil(lambda: not window.controller.runner.is_running("warm-up"), timeout=60_000)
    frozen = gc.get_freeze_count()
    assert frozen > 50_000  # the model libraries' modules, classes and caches
    assert len(gc.get_objects()) < frozen / 5
