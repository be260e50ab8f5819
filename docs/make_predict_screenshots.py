"""Screenshots of predicting missing values at 1280×720, in English and Korean.

``python3 docs/make_predict_screenshots.py`` opens the demo project and predicts the missing
``ambient_temp`` values from the Quality pane, leaving cells below 20% confidence empty (the
demo's weather is hard to predict from the line's settings, and the sentence says so). It
writes ``docs/screenshots/1280x720/<lang>/3_quality_predicted.png`` (the sentence after) and
``2_data_predicted.png`` (the grid with the filled cells shaded, one tooltip's text shown in
the status bar). Same setup as ``docs/make_screenshots.py``: one process per language,
offscreen, a throw-away user folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots" / "1280x720"
COLUMN = "ambient_temp"
VISIBLE_ROWS = 20


def _shots(language: str) -> None:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "docs"))
    import numpy as np
    from make_screenshots import _wait
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtWidgets import QAbstractItemView

    from ui.app import build_window, setup_application
    from ui.preferences import Preferences

    app = setup_application(["workbench"], language)
    folder = OUT / language
    folder.mkdir(parents=True, exist_ok=True)
    window = build_window(Preferences(language=language))
    window.resize(1280, 720)
    window.show()
    window.open_demo()
    _wait(app, window)
    quality = window.pane_named("QualityPane")
    window.go(window.panes.index(quality))
    _wait(app, window)
    quality.select_column(COLUMN)
    dialog = quality.predict.dialog()
    dialog.set_threshold(20)
    quality.predict.add(dialog.step())
    dialog.deleteLater()
    _wait(app, window)
    quality.select_column(COLUMN)
    _wait(app, window)
    # alert cards replaced by the re-check are deleted later: processEvents alone keeps them
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    _wait(app, window)
    window.grab().save(str(folder / "3_quality_predicted.png"))

    data = window.pane_named("DataPane")
    window.go(window.panes.index(data))
    _wait(app, window)
    model = data.grid.model()
    marks = window.controller.predicted_for(window.project.table)[COLUMN]
    column = list(model.frame.columns).index(COLUMN)
    # the 20 rows holding the most predicted cells, and one filled cell's tooltip below
    filled = np.zeros(len(model.frame), dtype=bool)
    filled[model.frame.index.get_indexer(marks.rows)] = True
    window_counts = np.convolve(filled, np.ones(VISIBLE_ROWS, dtype=int), mode="valid")
    first = int(np.argmax(window_counts))
    data.grid.scrollTo(model.index(first, column), QAbstractItemView.ScrollHint.PositionAtTop)
    shown = int(marks.filled_rows[np.searchsorted(marks.filled_rows, first)])
    index = model.index(shown, column)
    window.statusBar().showMessage(str(model.data(index, Qt.ItemDataRole.ToolTipRole)))
    _wait(app, window)
    window.grab().save(str(folder / "2_data_predicted.png"))
    window.project.dirty = False
    window.close()
    _wait(app, window)


def main() -> int:
    if "--child" in sys.argv:
        _shots(sys.argv[-1])
        return 0
    for language in ("en", "ko"):
        with tempfile.TemporaryDirectory() as home:
            env = dict(os.environ, QT_QPA_PLATFORM="offscreen", WORKBENCH_HOME=home)
            env["WORKBENCH_LANG"] = language
            env.pop("WORKBENCH_LIBRARY", None)
            command = [sys.executable, __file__, "--child", language]
            subprocess.run(command, check=True, cwd=ROOT, env=env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
