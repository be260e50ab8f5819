"""Entry script of the frozen Workbench app (PyInstaller), for both of its executables.

``Workbench`` (windowed) and ``workbench-cli`` (console) both start here and hand over to
:func:`ui.entry.main`, which runs a command (``analyze``, ``profile``, …) or the desktop app.

Two things must happen before anything else is imported:

* A windowed build on Windows starts with ``sys.stdout``/``sys.stderr`` set to None; the first
  library that prints (LightGBM's warnings, numba, a stray ``print``) would then crash the app.
  Both streams go to a log file in the user's log folder instead.
* ``--self-test`` (the build's smoke test) first imports and runs every native part the app
  needs — a missing DLL or data file shows up here as a named failure and exit code 1 — then
  opens the main window offscreen on the demo project and closes it (``ui.app`` handles the
  flag). A watchdog ends a hung self-test with exit code 3.

``--compile-shap`` compiles the SHAP kernel into its on-disk cache and exits (the installer runs
it once after copying the files; see :mod:`workbench.steps.shap_native`).
"""

from __future__ import annotations

import os
import sys
import threading
import time
import traceback
from pathlib import Path

SELF_TEST_FLAG = "--self-test"
COMPILE_SHAP_FLAG = "--compile-shap"  # the installer's post-install step
SELF_TEST_TIMEOUT_S = 300.0  # a cold first start on a slow laptop with antivirus scanning


def _log_dir() -> Path:
    """The folder :func:`workbench.paths.user_log_dir` uses, without importing anything heavy."""
    override = os.environ.get("WORKBENCH_HOME")
    if override:
        return Path(override) / "logs"
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "Workbench" / "logs"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "Workbench" / "logs"
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "Workbench" / "logs"


def redirect_missing_streams() -> Path | None:
    """Send a missing ``sys.stdout``/``sys.stderr`` to a log file; returns it (None: unneeded)."""
    if sys.stdout is not None and sys.stderr is not None:
        return None
    log: Path | None = None
    try:
        folder = _log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        log = folder / "workbench.log"
        # Line-buffered so the log is readable while the app runs and complete after a crash.
        stream = open(log, "a", encoding="utf-8", errors="replace", buffering=1)  # noqa: SIM115
        stream.write(f"\n--- Workbench started {time.strftime('%Y-%m-%d %H:%M:%S')} ---\n")
    except OSError:
        stream = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives as long as the app
    if sys.stdout is None:
        sys.stdout = stream
    if sys.stderr is None:
        sys.stderr = stream
    return log


def check_native_parts() -> list[str]:
    """Import and briefly run every compiled part the app needs; the names of those that fail."""
    import numpy as np
    import pandas as pd

    failures: list[str] = []

    def attempt(name: str, run) -> None:
        try:
            run()
        except Exception:
            failures.append(name)
            print(f"self-test: {name} FAILED", file=sys.stderr)
            traceback.print_exc()
        else:
            print(f"self-test: {name} ok")

    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=200), "b": rng.normal(size=200)})
    target = frame["a"] * 2 + rng.normal(scale=0.1, size=200)

    def lightgbm_and_shap() -> None:
        import lightgbm as lgb

        from workbench.steps import shap_native
        from workbench.steps.explain import compute_shap

        params = {"objective": "regression", "verbose": -1, "num_threads": 1, "min_data_in_leaf": 5}
        booster = lgb.train(params, lgb.Dataset(frame, target), num_boost_round=5)
        shap = compute_shap(booster, frame, num_threads=1)
        assert shap.values.shape == (200, 2), shap.values.shape
        if shap_native.HAVE_NUMBA:
            # Bundled numba must compile here, else every SHAP run silently takes the slow path.
            assert shap.method == "numba", f"SHAP fell back to {shap.method}"
        print(f"self-test: SHAP method {shap.method}")

    def hdbscan_fit() -> None:
        import hdbscan

        points = np.vstack([rng.normal(0, 0.1, (30, 2)), rng.normal(5, 0.1, (30, 2))])
        labels = hdbscan.HDBSCAN(min_cluster_size=10).fit_predict(points)
        assert len(set(labels) - {-1}) == 2, labels

    def readers_and_writers() -> None:
        import fastexcel  # noqa: F401 - the Excel reader's native module
        import openpyxl  # noqa: F401
        import pyarrow.parquet  # noqa: F401
        import scipy.stats
        import sklearn.model_selection  # noqa: F401

        assert scipy.stats.norm.cdf(0.0) == 0.5

    def project_report_evidence() -> None:
        # The demo project through the file layer (zip + Parquet + model text), the Excel
        # report (openpyxl), the experiment library (sqlite3) and the statistics (scipy.stats).
        import tempfile

        from workbench.feedback.evidence import compare
        from workbench.feedback.library import Library
        from workbench.report.report_xlsx import write_report
        from workbench.store.project_file import open_project, save_project

        base = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parents[1]))
        project = open_project(base / "resources" / "demo" / "demo.wbproj", check_source_file=False)
        with tempfile.TemporaryDirectory(prefix="workbench-self-test-") as tmp:
            assert write_report(project, Path(tmp) / "report.xlsx").stat().st_size > 0
            assert save_project(project, Path(tmp) / "copy.wbproj").is_file()
            Library(Path(tmp) / "library.sqlite")  # creates the schema: sqlite3 works
        assert compare([1.0, 1.2, 0.9, 1.1], [1.4, 1.6, 1.5, 1.3]) is not None

    def korean_catalog() -> None:
        import gettext

        from workbench import i18n

        # Raises when the .mo is not in the bundle (English would show, silently).
        gettext.translation(i18n.DOMAIN, localedir=str(i18n.LOCALE_DIR), languages=["ko"])

    def qt_and_plots() -> None:
        import pyqtgraph  # noqa: F401
        from PySide6 import QtCore, QtGui, QtWidgets  # noqa: F401

    attempt("LightGBM and SHAP", lightgbm_and_shap)
    attempt("HDBSCAN", hdbscan_fit)
    attempt("Parquet, Excel, SciPy and scikit-learn", readers_and_writers)
    attempt("project file, Excel report, library and statistics", project_report_evidence)
    attempt("Korean catalog", korean_catalog)
    attempt("Qt and pyqtgraph", qt_and_plots)
    return failures


def _watchdog(seconds: float) -> None:
    def expire() -> None:
        time.sleep(seconds)
        print(f"self-test: FAILED, no exit after {seconds:.0f} s", file=sys.stderr, flush=True)
        os._exit(3)

    threading.Thread(target=expire, name="self-test watchdog", daemon=True).start()


def self_test(argv: list[str]) -> int:
    """The frozen build's smoke test; 0 when every part imports and the demo project opens."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _watchdog(SELF_TEST_TIMEOUT_S)
    started = time.perf_counter()
    failures = check_native_parts()
    if failures:
        print("self-test: FAILED: " + ", ".join(failures), file=sys.stderr, flush=True)
        return 1
    from ui.entry import main as cli_main

    window_start = time.perf_counter()
    # ui.app's --self-test opens the demo project, waits for it and closes; --demo says so too
    # (the first shells closed a bare --self-test before a slow open had finished).
    code = cli_main([*argv, "--demo", SELF_TEST_FLAG])
    now = time.perf_counter()
    verdict = "ok" if code == 0 else f"FAILED (exit code {code})"
    print(
        f"self-test: main window on the demo project {verdict}; "
        f"parts {window_start - started:.1f} s, window {now - window_start:.1f} s",
        flush=True,
    )
    return code


def main() -> int:
    redirect_missing_streams()
    argv = sys.argv[1:]
    try:
        if SELF_TEST_FLAG in argv:
            return self_test([a for a in argv if a != SELF_TEST_FLAG])
        if argv == [COMPILE_SHAP_FLAG]:
            from workbench.steps.shap_native import main as compile_main

            return compile_main(["--compile"])
        from ui.entry import main as cli_main

        return cli_main(argv)
    except Exception:
        # Never let an exception reach PyInstaller's windowed bootloader: it would show a modal
        # traceback box (which also hangs an unattended smoke test). The log keeps the details.
        print("Workbench stopped on an unexpected error:", file=sys.stderr)
        traceback.print_exc()
        return 70


if __name__ == "__main__":
    import multiprocessing

    # A spawned worker (HDBSCAN, reading an untrusted workbook) starts this same executable:
    # freeze_support runs its task and exits, instead of opening a second app.
    multiprocessing.freeze_support()
    sys.exit(main())
