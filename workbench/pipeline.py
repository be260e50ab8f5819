"""The one pipeline over a Project: clean → quality → roles → fit → explain → cause groups.

The GUI's model run (a background job started by the Model pane) and ``workbench analyze`` run
the same function, :func:`run_pipeline`, on a frozen snapshot of the project's inputs
(:class:`AnalysisInputs`), and store its result the same way (:func:`store_results`):

* ``Section.QUALITY`` gets the quality report of the **cleaned** table — the recipe replayed on
  the loaded snapshot, the table the model saw. A report of the raw table would warn about
  duplicate rows and sentinels the recipe already removed; the Quality pane checks the cleaned
  table too, so every surface shows the same report.
* ``Section.MODEL`` gets the :class:`~workbench.analysis_result.AnalysisResult`.

Both are stamped with the input revisions taken when the snapshot was made, so edits made while
the job ran show the result as out of date. The cleaned table is a derived value, replayed
through the project's :class:`~workbench.steps.recipe.RecipeCache` (slow steps such as filling by
model are replayed once, whichever pane asks first). Progress and cancel go through the
:class:`~workbench.jobs.JobContext`; job functions take it first, as :class:`ui.jobs.JobRunner`
calls them.

Callers that scale out (a Dask cluster, a sampled path for huge files) call
:func:`analyze_project` (or :func:`run_pipeline` with a snapshot) and nothing else.
"""

from __future__ import annotations

import os
import time as _time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import TYPE_CHECKING

from workbench.analysis_result import AnalysisResult
from workbench.errors import AnalysisError
from workbench.i18n import _
from workbench.jobs import JobContext, ensure_context
from workbench.project import Project, Section
from workbench.steps import causes_wording as words
from workbench.steps.free_memory import release_unused_memory
from workbench.steps.goal import FocusRule, Goal
from workbench.steps.model_settings import ModelSettings
from workbench.steps.quality import QualityReport
from workbench.steps.recipe import Recipe, RecipeCache
from workbench.steps.recipe_report import RecipeResult
from workbench.tables.table import LoadedTable, LoadOptions
from workbench.vocabulary import ColumnRole

if TYPE_CHECKING:
    import numpy as np

    from workbench.steps.explain import ShapValues
    from workbench.steps.fit_result import FitResult

#: Progress slices of the steps of :func:`run_pipeline`.
SLICES: dict[str, tuple[float, float]] = {
    "clean": (0.0, 0.08),
    "quality": (0.08, 0.25),
    "fit": (0.25, 0.72),
    "explain": (0.72, 0.88),
    "causes": (0.88, 1.0),
}


@dataclass(frozen=True)
class AnalysisInputs:
    """Everything a pipeline run reads, copied from the project when the run starts.

    The user may keep editing the project while the run goes on; the run reads only this.
    ``stamps`` are the input revisions of the quality and model sections at that moment.
    ``min_group_size`` and ``sample_size`` are options of one run (the CLI's), not saved.
    ``quality``: the project's report when it already describes the cleaned table this run
    will see (:func:`current_quality`); the run then reuses it instead of checking again.
    """

    table: LoadedTable
    goal: Goal
    recipe: Recipe = field(default_factory=lambda: Recipe([]))
    roles: Mapping[str, ColumnRole] = field(default_factory=lambda: MappingProxyType({}))
    settings: ModelSettings = field(default_factory=ModelSettings)
    keep_out: frozenset[str] = frozenset()  # never read when filling missing inputs by model
    stamps: Mapping[Section, Mapping[str, int]] = field(default_factory=dict)
    min_group_size: int | None = None
    sample_size: int | None = None
    quality: QualityReport | None = field(default=None, compare=False, repr=False)
    cache: RecipeCache | None = field(default=None, compare=False, repr=False)

    @classmethod
    def from_project(
        cls,
        project: Project,
        *,
        min_group_size: int | None = None,
        sample_size: int | None = None,
    ) -> AnalysisInputs:
        """The snapshot of ``project``; a plain error when data or goal are missing."""
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
            goal=project.goal,  # frozen: shared, not copied
            recipe=Recipe(project.recipe.steps if project.recipe is not None else []),
            roles=MappingProxyType(dict(project.roles)),
            settings=replace(project.settings),
            keep_out=not_predictors(project),
            stamps={s: project.input_stamp(s) for s in (Section.QUALITY, Section.MODEL)},
            min_group_size=min_group_size,
            sample_size=sample_size,
            quality=current_quality(project),
            cache=project.recipe_cache,
        )

    @property
    def time(self) -> str | None:
        return time_column(self.roles)


# ---------------------------------------------------------------------------------------------
# Steps (each a job function: the JobContext first)


def load_data(ctx: JobContext, path: str | os.PathLike[str], options: LoadOptions) -> LoadedTable:
    """Job: read a data file (never changes it)."""
    from workbench.tables.loader import load_table

    return load_table(path, options, ctx)


def clean_table(
    ctx: JobContext | None,
    table: LoadedTable,
    recipe: Recipe | None,
    keep_out: frozenset[str] = frozenset(),
    cache: RecipeCache | None = None,
) -> RecipeResult:
    """Job: the recipe replayed on the loaded table (the table is left as it was).

    ``keep_out``: columns that filling by model never reads (see :func:`not_predictors`);
    ``cache``: the project's :class:`RecipeCache`, so slow steps are replayed once."""
    from workbench.steps.recipe import apply_recipe

    return apply_recipe(
        table.frame,
        dict(table.kinds),
        recipe or Recipe([]),
        ensure_context(ctx),
        cache=cache,
        keep_out=keep_out,
    )


def assess_cleaned(
    ctx: JobContext | None,
    cleaned: RecipeResult,
    target: str | None,
    time: str | None,
    focus: FocusRule | None = None,
    table: LoadedTable | None = None,
) -> QualityReport:
    """Job: the quality report of a cleaned table (target checks when a target is set;
    ``focus``, the goal's focus rule, says which rows a one-sided leak flag marks). ``table``:
    the loaded table, when it is the sample of a file larger than memory whose every row the
    report covers (see :mod:`workbench.big_table`)."""
    if table is not None and table.whole_file is not None:
        from workbench.steps.stream_quality import whole_file_report

        return whole_file_report(ensure_context(ctx), table, cleaned, target, time, focus)
    from workbench.steps.predicted_target import keep_measured_target
    from workbench.steps.quality import assess_quality

    cleaned = keep_measured_target(cleaned, target)  # a predicted outcome is no measurement
    columns = cleaned.frame.columns
    has_target = target is not None and target in columns
    return assess_quality(
        cleaned.frame,
        dict(cleaned.kinds),
        target=target if has_target else None,
        time=time if time in columns else None,
        focus=focus if has_target else None,
        ctx=ctx,
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


def current_quality(project: Project) -> QualityReport | None:
    """The project's quality report if a model run may reuse it as the report of its cleaned
    table: current (data, recipe and goal unchanged since it was made), for the same target,
    time column and focus. Not when the recipe fills values by model: which columns that
    filling may read depends on the previous report's leakage flags, so the run checks anew."""
    report = project.result(Section.QUALITY)
    goal = project.goal
    if not isinstance(report, QualityReport) or goal is None or project.is_stale(Section.QUALITY):
        return None
    steps = project.recipe.steps if project.recipe is not None else []
    if any(s.get("op") == "impute" and s.get("method") == "model" for s in steps):
        return None
    same = (report.target, report.time, report.focus) == (
        goal.target,
        time_column(project.roles),
        goal.focus.to_text(),
    )
    return report if same else None


def time_column(roles: Mapping[str, ColumnRole]) -> str | None:
    """The column the user marked as time, if any."""
    return next((c for c, r in roles.items() if ColumnRole(r) == ColumnRole.TIME), None)


# ---------------------------------------------------------------------------------------------
# The run


def run_pipeline(
    ctx: JobContext | None, inputs: AnalysisInputs, *, in_process: bool = True
) -> AnalysisResult:
    """Job: the whole analysis of a snapshot; returns the model section's result.

    Raises a plain :class:`~workbench.errors.WorkbenchError` for anything the user must fix; a
    model with no usable signal is not an error: the result says so and has no cause groups.
    ``in_process`` runs the clustering (which holds the GIL) in a worker process, so the GUI
    stays responsive; the CLI passes False.
    """
    from workbench.steps.causes import FocusTooSmall, find_cause_groups, focus_too_small_message
    from workbench.steps.explain import DEFAULT_SAMPLE_SIZE, explain_model
    from workbench.steps.goal import select_focus
    from workbench.steps.modeling import fit_model
    from workbench.steps.predicted_target import keep_measured_target
    from workbench.steps.roles import assign_roles, check_columns

    ctx = ensure_context(ctx)
    goal, target = inputs.goal, inputs.goal.target
    timings: dict[str, float] = {}

    def part(name: str) -> JobContext:
        a, b = SLICES[name]
        return ctx.sub(a, b)

    # Each big step starts with the memory the previous ones freed given back (the peak of a
    # step would otherwise stack on the high-water mark of the one before: docs/scale.md).
    release_unused_memory()  # the load's reader buffers
    started = t0 = _time.perf_counter()
    keep_out = inputs.keep_out | {target}
    replayed = clean_table(part("clean"), inputs.table, inputs.recipe, keep_out, inputs.cache)
    cleaned = keep_measured_target(replayed, target)  # not fitted on its own guesses
    frame, kinds = cleaned.frame, dict(cleaned.kinds)
    timings["clean"] = _time.perf_counter() - t0
    check_columns([target, *inputs.roles], frame.columns)

    t0 = _time.perf_counter()
    quality = inputs.quality
    if quality is None or quality.n_rows != len(frame):
        quality = assess_cleaned(part("quality"), replayed, target, inputs.time, goal.focus)
    timings["quality"] = _time.perf_counter() - t0

    t0 = _time.perf_counter()
    roles = assign_roles(frame, kinds, target, quality=quality, explicit=dict(inputs.roles))
    timings["roles"] = _time.perf_counter() - t0

    t0 = _time.perf_counter()
    fit = fit_model(frame, kinds, goal, roles, inputs.settings, ctx=part("fit"))
    release_unused_memory()  # LightGBM's bins and the fit's row arrays
    timings["fit"] = _time.perf_counter() - t0

    focus_rows = select_focus(frame[target], goal.focus)
    explanation = None
    causes = None
    message = ""
    if not fit.has_signal:
        message = words.no_signal_no_groups(target)
        timings["explain"] = timings["causes"] = 0.0
    else:
        t0 = _time.perf_counter()
        explanation = explain_model(
            fit,
            focus_rows,
            sample_size=inputs.sample_size or DEFAULT_SAMPLE_SIZE,
            ctx=part("explain"),
        )
        release_unused_memory()  # before HDBSCAN's neighbour lists (~460 MB at 1M rows)
        timings["explain"] = _time.perf_counter() - t0
        t0 = _time.perf_counter()
        try:
            causes_ctx = part("causes")
            causes = find_cause_groups(
                explanation.focus,
                frame,
                frame[target],
                roles,
                goal,
                min_group_size=inputs.min_group_size,
                in_process=in_process,
                alternates=_fold_shap(fit, explanation.focus, causes_ctx.sub(0.0, 0.2)),
                ctx=causes_ctx.sub(0.2, 1.0),
            )
        except FocusTooSmall:
            message = focus_too_small_message(len(explanation.focus.rows))
        timings["causes"] = _time.perf_counter() - t0
    timings["total"] = _time.perf_counter() - started
    ctx.progress(1.0, words.progress_done())
    return AnalysisResult(
        table=inputs.table,
        goal=goal,
        quality=quality,
        frame=frame,
        kinds=kinds,
        cleaning=[r for r in cleaned.reports if not r.skipped],
        roles=roles,
        fit=fit,
        explanation=explanation,
        focus_rows=focus_rows,
        causes=causes,
        causes_message=message,
        timings=timings,
        recipe=inputs.recipe,
    )


def _fold_shap(fit: FitResult, focus: ShapValues, ctx: JobContext) -> list[np.ndarray]:
    """The focus rows' SHAP under the validation folds' models (the cause groups' consensus)."""
    from workbench.steps.cause_consensus import fold_values

    return fold_values(fit, focus.rows, [str(c) for c in focus.columns], ctx)


def store_results(project: Project, result: AnalysisResult, inputs: AnalysisInputs) -> None:
    """Put a run's results on the project (on the GUI thread, in the job's success slot):
    the cleaned table's quality report and the analysis, stamped with the revisions of the
    inputs the run started from."""
    for section, value in ((Section.QUALITY, result.quality), (Section.MODEL, result)):
        stamp = inputs.stamps.get(section)  # none: a snapshot made by hand, stamped now
        project.set_result(section, value, None if stamp is None else dict(stamp))


def analyze_project(
    project: Project,
    ctx: JobContext | None = None,
    *,
    in_process: bool = False,
    min_group_size: int | None = None,
    sample_size: int | None = None,
) -> AnalysisResult:
    """Run the pipeline on ``project`` in this thread and store its results on it."""
    inputs = AnalysisInputs.from_project(
        project, min_group_size=min_group_size, sample_size=sample_size
    )
    result = run_pipeline(ctx, inputs, in_process=in_process)
    store_results(project, result, inputs)
    return result


def project_from_analysis(
    result: AnalysisResult, name: str = "", settings: ModelSettings | None = None
) -> Project:
    """A project holding one analysis run, all results current: its table, recipe, goal, the
    user's explicit roles and settings (a preview or test that starts from a result)."""
    project = Project(name=name)
    project.set_table(result.table)
    if result.recipe is not None and len(result.recipe):
        project.set_recipe(result.recipe)
    project.set_goal(result.goal)
    for column, role in result.roles.explicit.items():
        project.set_role(column, role)
    project.set_settings(settings if settings is not None else ModelSettings())
    project.set_result(Section.QUALITY, result.quality)
    project.set_result(Section.MODEL, result)
    return project
