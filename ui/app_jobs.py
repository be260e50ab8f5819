"""Where the app finds its resources, and the file jobs it runs off the GUI thread.

Job functions take the JobContext first, as :class:`ui.jobs.JobRunner` calls them.
"""

from __future__ import annotations

import gc
import sys
from pathlib import Path

from workbench.jobs import JobContext
from workbench.project import Project, Section

PROJECT_SUFFIX = ".wbproj"
DATA_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls", ".ods")
FILE_JOB = "project"  # open and save share one owner: a new one cancels the old
AUTOSAVE_JOB = "autosave"
REPORT_JOB = "report"
WARM_UP_JOB = "warm-up"


def resource_path(*parts: str) -> Path:
    """A bundled resource, from the source tree or a PyInstaller folder."""
    base = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parents[1]))
    return base.joinpath("resources", *parts)


DEMO_PROJECT = resource_path("demo", "demo.wbproj")


# -- job functions (run on a pool thread; ctx first, as JobRunner calls them) -------------
def open_job(ctx: JobContext, path: Path) -> Project:
    from workbench.store.project_file import open_project

    return open_project(path, ctx)


def save_job(ctx: JobContext, project: Project, path: Path) -> Path:
    from workbench.store.project_file import save_project

    return save_project(project, path, ctx)


def save_masked_job(ctx: JobContext, project: Project, path: Path) -> list[str]:
    from workbench.steps.pii_copy import save_masked_copy

    return save_masked_copy(project, path, ctx)


def autosave_job(ctx: JobContext, project: Project, original: str | None) -> Path | None:
    from workbench.store.autosave import autosave

    return autosave(project, original, ctx)


def report_job(ctx: JobContext, project: Project, path: Path) -> Path:
    from workbench.report.report_xlsx import write_report

    return write_report(project, path, ctx)


def warm_up_job(ctx: JobContext) -> None:
    """Import the model libraries and load the compiled SHAP kernel ahead of the first run.

    Both hold the GIL for a few hundred milliseconds (imports, numba's cache load); done while
    the start page is shown, that pause is invisible, whereas in the middle of a model run it
    would freeze the progress bar.
    """
    import lightgbm  # noqa: F401

    ctx.progress(0.5, "")
    from workbench.steps import shap_native

    shap_native.warm_up()
    import workbench.pipeline  # noqa: F401  (what the model run imports)


def freeze_start_up_objects(_result: object = None) -> None:
    """Keep the garbage collector's full passes short once start-up is over.

    A full pass walks every tracked object and holds the GIL while it does: with the model
    libraries imported that is some 150,000 objects, and a pass froze the GUI thread for
    100-350 ms in the middle of a model run. What start-up made (modules, classes, caches)
    lives as long as the app, so it is collected once and then moved out of the collector's
    sight (gc.freeze); later passes only walk what was made since.
    """
    gc.collect()
    gc.freeze()


def total_revision(project: Project) -> int:
    return sum(project.revision(s) for s in Section)
