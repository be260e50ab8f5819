"""Project-level steps: what the GUI runs as background jobs and the CLI runs in sequence.

Each job takes a snapshot of the project's inputs (:class:`ModelInputs`), taken on the GUI
thread when the job starts, so the user may keep editing while it runs; the result is stamped
with the inputs' revisions and shows as out of date if they changed meanwhile.
Job functions take the :class:`JobContext` first, as :class:`ui.jobs.JobRunner` calls them.
"""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass, field, replace
from typing import Any

from workbench.errors import AnalysisError
from workbench.i18n import _
from workbench.jobs import JobContext
from workbench.project import Project, Section
from workbench.tables.table import LoadedTable, LoadOptions


@dataclass(frozen=True)
class ModelInputs:
    """Everything a model run reads, copied from the project when the job starts."""

    table: LoadedTable
    recipe: Any
    goal: Any
    roles: dict[str, Any] = field(default_factory=dict)
    settings: Any = None
    stamp: dict[str, int] = field(default_factory=dict)
    keep_out: frozenset[str] = frozenset()  # never read when filling missing inputs by model

    @classmethod
    def from_project(cls, project: Project) -> ModelInputs:
        if project.table is None:
            raise AnalysisError(
                _("There is no data yet."), _("Load a data file on the Data step first.")
            )
        if project.goal is None:
            raise AnalysisError(
                _("The goal is not set yet."),
                _("Choose the column to improve on the Goal step first."),
            )
        return cls(
            table=project.table,
            recipe=copy.deepcopy(project.recipe),
            goal=copy.deepcopy(project.goal),
            roles=dict(project.roles),
            settings=copy.deepcopy(project.settings),
            stamp=project.input_stamp(Section.MODEL),
            keep_out=not_predictors(project),
        )


def load_data(ctx: JobContext, path: str | os.PathLike[str], options: LoadOptions) -> LoadedTable:
    """Job: read a data file (never changes it)."""
    from workbench.tables.loader import load_table

    return load_table(path, options, ctx)


def cleaned_table(
    ctx: JobContext, table: LoadedTable, recipe: Any, keep_out: frozenset[str] = frozenset()
) -> Any:
    """Job: replay the cleaning recipe on the loaded table; returns a RecipeResult.

    ``keep_out``: columns that filling by model never reads (see :func:`not_predictors`)."""
    from workbench.steps.recipe import Recipe, apply_recipe

    return apply_recipe(
        table.frame, dict(table.kinds), recipe or Recipe([]), ctx, keep_out=keep_out
    )


def not_predictors(project: Project) -> frozenset[str]:
    """The goal's target and the columns the last quality check flagged as leaking it: filling
    missing inputs by model must not read them (a filled input would carry the answer)."""
    names: set[str] = set()
    if project.goal is not None:
        names.add(str(project.goal.target))
    report = project.result(Section.QUALITY)
    for alert in getattr(report, "alerts", None) or []:
        if alert.kind == "leakage" and alert.column is not None:
            names.add(str(alert.column))
    return frozenset(names)


def check_quality(
    ctx: JobContext,
    table: LoadedTable,
    recipe: Any,
    target: str | None,
    time: str | None,
    focus: Any = None,
) -> Any:
    """Job: the quality report of the cleaned table (target checks when a target is set;
    ``focus`` is the goal's focus rule, for the leakage check)."""
    from workbench.steps.quality import assess_quality

    keep_out = frozenset({target}) if target else frozenset()
    cleaned = cleaned_table(ctx.sub(0.0, 0.3), table, recipe, keep_out)
    if getattr(table, "whole_file", None) is not None:  # larger than memory: workbench.big_table
        from workbench.steps.stream_quality import whole_file_report

        return whole_file_report(ctx.sub(0.3, 1.0), table, cleaned, target, time, focus)
    columns = cleaned.frame.columns
    return assess_quality(
        cleaned.frame,
        cleaned.kinds,
        target=target if target in columns else None,
        time=time if time in columns else None,
        focus=focus if target in columns else None,
        ctx=ctx.sub(0.3, 1.0),
    )


def _role_lists(roles: dict[str, Any]) -> dict[str, list[str]]:
    from workbench.steps.goal import ColumnRole

    lists: dict[str, list[str]] = {
        "id_columns": [],
        "exclude": [],
        "controllable": [],
        "uncontrollable": [],
        "features": [],
    }
    keys = {
        ColumnRole.ID: "id_columns",
        ColumnRole.EXCLUDED: "exclude",
        ColumnRole.CONTROLLABLE: "controllable",
        ColumnRole.UNCONTROLLABLE: "uncontrollable",
        ColumnRole.FEATURE: "features",  # a flagged column put back stays in the model
    }
    for column, role in roles.items():
        key = keys.get(ColumnRole(role))
        if key:
            lists[key].append(column)
    return lists


def time_column(roles: dict[str, Any]) -> str | None:
    """The column the user marked as time, if any."""
    from workbench.steps.goal import ColumnRole

    return next((c for c, r in roles.items() if ColumnRole(r) == ColumnRole.TIME), None)


def run_model(ctx: JobContext, inputs: ModelInputs, *, in_process: bool = True) -> Any:
    """Job: clean → quality → roles → fit → explain → cause groups; returns an AnalysisResult.

    ``in_process`` runs the clustering (which holds the GIL) in a worker process, so the
    GUI stays responsive; the CLI passes False.
    """
    from workbench.analysis import run_analysis

    if getattr(inputs.table, "whole_file", None) is not None:  # see workbench.big_table
        from workbench.big_table import run_big_model

        return run_big_model(ctx, inputs, in_process=in_process)
    keep_out = inputs.keep_out | {inputs.goal.target}
    cleaned = cleaned_table(ctx.sub(0.0, 0.1), inputs.table, inputs.recipe, keep_out)
    table = replace(inputs.table, frame=cleaned.frame, kinds=dict(cleaned.kinds))
    goal = inputs.goal
    result = run_analysis(
        table,
        target=goal.target,
        goal=goal,
        focus=goal.focus,
        positive_class=goal.positive_class,
        time=time_column(inputs.roles),
        clean=False,
        settings=inputs.settings,
        in_process=in_process,
        ctx=ctx.sub(0.1, 1.0),
        **_role_lists(inputs.roles),
    )
    result.cleaning = [r for r in cleaned.reports if not getattr(r, "skipped", False)]
    return result
