"""The Excel report for managers: :func:`write_report` turns an analysis (or a project holding
one) into a finished workbook — Summary, Quality, Drivers, Cause groups, Actions and a Data
dictionary — written atomically so a crash never leaves half a report behind.

The report summarizes: its size depends on the number of columns, alerts and groups, never on
the number of rows, so a million-row analysis is written as fast as a small one.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from workbench.errors import WorkbenchError
from workbench.jobs import JobContext, ensure_context
from workbench.report import report_wording as w
from workbench.report.sheets_actions import write_actions
from workbench.report.sheets_common import ReportData
from workbench.report.sheets_dictionary import write_dictionary
from workbench.report.sheets_drivers import write_drivers
from workbench.report.sheets_groups import write_groups
from workbench.report.sheets_quality import write_quality
from workbench.report.sheets_rerun import add_rerun_page
from workbench.report.sheets_summary import write_summary
from workbench.report.xlsx_style import sheet_title

__all__ = ["build_workbook", "report_data", "write_report"]


def report_data(result_or_project: Any) -> ReportData:
    """What to report from an ``AnalysisResult`` or a ``Project`` holding one.

    Raises :class:`WorkbenchError` when a project has no analysis result yet.
    """
    from workbench.feedback.actions import actions_from_json
    from workbench.project import Project, Section

    if isinstance(result_or_project, ReportData):
        return result_or_project
    if isinstance(result_or_project, Project):
        project = result_or_project
        result = project.result(Section.MODEL)
        if result is None or not hasattr(result, "fit"):
            raise WorkbenchError(w.label("no_results"), w.label("no_results_hint"))
        recipe = getattr(project.recipe, "steps", None)
        warnings = []
        if project.is_stale(Section.MODEL):
            warnings.append(w.label("stale_results"))
        check = getattr(project, "source_check", None)
        if check is not None and getattr(check, "changed", False) and check.message:
            warnings.append(str(check.message))
        return ReportData(
            result=result,
            name=project.name,
            actions=actions_from_json(project.actions),
            recipe_steps=list(recipe) if recipe is not None else None,
            notes=str(project.notes or ""),
            warnings=warnings,
            goal=project.goal,
        )
    result = result_or_project
    if not hasattr(result, "fit") or not hasattr(result, "table"):
        raise WorkbenchError(w.label("no_results"), w.label("no_results_hint"))
    name = Path(str(result.table.source.path)).stem
    return ReportData(result=result, name=name)


def build_workbook(data: ReportData, ctx: JobContext | None = None) -> Workbook:
    """The report workbook in memory (one sheet per part, the Summary first)."""
    ctx = ensure_context(ctx)
    wb = Workbook()
    wb.remove(wb.active)
    titles: dict[str, str] = {}
    for key, name in (
        ("summary", w.label("sheet_summary")),
        ("quality", w.label("sheet_quality")),
        ("drivers", w.label("sheet_drivers")),
        ("groups", w.label("sheet_groups")),
        ("actions", w.label("sheet_actions")),
        ("dictionary", w.label("sheet_dictionary")),
    ):
        titles[key] = sheet_title(name, titles.values())
    writers: tuple[tuple[str, Callable[[], Worksheet]], ...] = (
        ("summary", lambda: write_summary(wb, titles["summary"], data, titles)),
        ("quality", lambda: write_quality(wb, titles["quality"], data)),
        ("drivers", lambda: write_drivers(wb, titles["drivers"], data)),
        ("groups", lambda: write_groups(wb, titles["groups"], data)),
        ("actions", lambda: write_actions(wb, titles["actions"], data)),
        ("dictionary", lambda: write_dictionary(wb, titles["dictionary"], data)),
    )
    for i, (key, write) in enumerate(writers):
        ctx.progress(i / (len(writers) + 1), w.progress_sheet(titles[key]))
        write()
    wb.active = 0
    props = wb.properties
    props.title = w.title(data.name)
    props.creator = "Workbench"
    return wb


def write_report(
    result_or_project: Any,
    path: str | os.PathLike[str],
    ctx: JobContext | None = None,
    add_pages: Callable[[Any], None] | None = None,
) -> Path:
    """Write the Excel report of an analysis result or a project to ``path`` (.xlsx).

    The workbook is built in memory and then written atomically (temporary file, fsync,
    replace). ``add_pages(workbook)`` may add sheets before it is saved. Raises
    :class:`WorkbenchError` with a plain message when there is nothing to report or the file
    cannot be written (e.g. it is open in Excel).
    """
    from workbench.atomic import write_bytes_atomic

    ctx = ensure_context(ctx)
    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise WorkbenchError(w.not_xlsx(str(target)), w.label("not_xlsx_hint"))
    data = report_data(result_or_project)
    wb = build_workbook(data, ctx.sub(0.0, 0.85))
    add_rerun_page(wb, result_or_project)  # "What changed", when the project was re-applied
    if add_pages is not None:
        add_pages(wb)
    ctx.progress(0.85, w.label("progress_saving"))
    buffer = io.BytesIO()
    wb.save(buffer)
    ctx.check()
    try:
        write_bytes_atomic(target, buffer.getvalue())
    except OSError as exc:
        raise WorkbenchError(
            w.cannot_write(str(target), exc.strerror or str(exc)), w.label("cannot_write_hint")
        ) from exc
    ctx.progress(1.0, w.label("progress_saving"))
    return target
