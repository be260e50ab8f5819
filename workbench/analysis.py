"""``workbench analyze`` in words: the command line's options become a Project, and the one
pipeline (:mod:`workbench.pipeline`, the same the GUI runs) analyses it.

:func:`project_from_options` reads the data file, makes the goal from the CLI's words
(:func:`make_goal`: the focus text is parsed here, once), sets the explicit roles, and — with
``clean=True``, the default — puts the two clean-ups nobody argues about into the project's
recipe: exact duplicate rows are dropped and sentinel values flagged by a quality check of the
table as loaded (-999 for a sensor dropout, …) become missing. The pipeline then replays that
recipe like any recipe a user built in the Quality pane, and reports the quality of the
cleaned table. Rows keep their labels (0-based positions in the source), so ``--clusters``
points at the user's rows.

Cost of the second check: when there is something to clean, the loaded table is checked (for
the proposals) and the cleaned one (for the report): on the demo (10,100 rows x 18 columns)
``load`` grows from 0.36 to 0.58 s of a 5 s analysis; the analysis total was 1.05x and the wall
time of ``analyze`` 1.02x the single-check version (median of 5 alternating pairs,
tests/bench/bench_pipeline.py, Linux, 2 cores at load ~10). With nothing to clean, the first
check is the report and is not redone.

:func:`run_analysis` is both steps in one call (what the CLI, the truth corpus and many tests
use); it returns the :class:`~workbench.analysis_result.AnalysisResult`.
"""

from __future__ import annotations

import dataclasses
import os
import time as _time
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from workbench.analysis_result import AnalysisResult
from workbench.errors import AnalysisError
from workbench.jobs import JobContext, ensure_context
from workbench.numbers_format import format_label
from workbench.project import Project, Section
from workbench.steps import causes_wording as words
from workbench.steps.goal import (
    Direction,
    FocusRule,
    Goal,
    Task,
    infer_task,
    parse_focus,
)
from workbench.steps.model_settings import ModelSettings
from workbench.steps.quality import QualityReport
from workbench.steps.recipe import Recipe
from workbench.tables.table import LoadedTable, LoadOptions
from workbench.vocabulary import FocusKind

DEFAULT_FOCUS_SHARE = "5%"
CLEAN_ALERTS = ("duplicate_rows", "sentinel")
#: Progress: reading the file and the quality check that proposes the clean-ups, then the run.
_PREPARE = 0.15


def _names(items: Iterable[str] | str | None) -> list[str]:
    if items is None:
        return []
    if isinstance(items, str):
        return [s.strip() for s in items.split(",") if s.strip()]
    return [str(s) for s in items]


def make_goal(
    frame: pd.DataFrame,
    target: str,
    goal: Goal | Direction | str | None = None,
    focus: FocusRule | str | None = None,
    positive_class: str | None = None,
) -> Goal:
    """The goal from the CLI's (or the Goal pane's) words; the focus text is parsed here.

    Defaults: maximize + top 5% for numbers, the rarer class for classes (a minimize goal looks
    at the bottom 5%: the best rows)."""
    from workbench.steps.roles import check_columns

    check_columns([target], frame.columns)
    if isinstance(goal, Goal):
        chosen = _rule(focus) if focus is not None else goal.focus
        return dataclasses.replace(goal, focus=_bool_focus(frame[goal.target], chosen))
    direction = Direction(goal) if goal else None
    rule = None if focus is None else _bool_focus(frame[target], _rule(focus))
    series = frame[target]
    task = infer_task(
        series,
        Goal(target, direction or Direction.MAXIMIZE, rule or FocusRule(FocusKind.TOP, 0.05)),
    )
    if rule is not None and rule.kind == "class" and direction is None:
        direction = Direction.CLASS
    if task != Task.REGRESSION:
        if rule is None:
            rule = parse_focus(f"class:{positive_class or _rarest_class(series)}")
        if direction is None:
            direction = Direction.CLASS
        if positive_class is None and rule.kind == "class":
            positive_class = str(rule.value)
    direction = direction or Direction.MAXIMIZE
    if rule is None:
        side = "bottom" if direction == Direction.MINIMIZE else "top"
        rule = parse_focus(f"{side}:{DEFAULT_FOCUS_SHARE}")
    return Goal(target, direction, rule, positive_class=positive_class)


def _rule(focus: FocusRule | str) -> FocusRule:
    return focus if isinstance(focus, FocusRule) else parse_focus(focus)


_TRUE_WORDS = {"yes", "y", "true", "t", "1", "on", "예", "네"}
_FALSE_WORDS = {"no", "n", "false", "f", "0", "off", "아니오", "아니요"}


def _bool_focus(series: pd.Series, rule: FocusRule) -> FocusRule:
    """``class:yes`` on a yes/no column the loader read as True/False means ``class:True``."""
    if rule.kind != "class" or not pd.api.types.is_bool_dtype(series):
        return rule
    word = str(rule.value).strip().casefold()
    if word in _TRUE_WORDS:
        return FocusRule(FocusKind.CLASS, "True")
    if word in _FALSE_WORDS:
        return FocusRule(FocusKind.CLASS, "False")
    return rule


def _rarest_class(series: pd.Series) -> str:
    counts = series.dropna().map(format_label).value_counts()
    if counts.empty:
        raise AnalysisError(words.target_empty(str(series.name)), words.target_empty_hint())
    return str(counts.sort_values(kind="stable").index[0])


def clean_up_recipe(quality: QualityReport) -> Recipe:
    """The uncontroversial clean-ups a quality report proposes: drop duplicate rows and turn
    sentinel values into missing ones (a sentinel in the target included)."""
    steps = []
    for alert in quality.alerts:
        if alert.kind in CLEAN_ALERTS and alert.fix_step:
            steps.append(dict(alert.fix_step))
    # Sentinels first, so that rows differing only by a sentinel are still found as duplicates.
    steps.sort(key=lambda s: 0 if s.get("op") == "sentinel_to_missing" else 1)
    return Recipe(steps)


def project_from_options(
    data: str | os.PathLike[str] | LoadedTable,
    *,
    target: str,
    sheet: str | None = None,
    header_row: int | None = None,
    goal: Goal | Direction | str | None = None,
    focus: FocusRule | str | None = None,
    positive_class: str | None = None,
    id_columns: Iterable[str] | str | None = None,
    time: str | None = None,
    exclude: Iterable[str] | str | None = None,
    controllable: Iterable[str] | str | None = None,
    uncontrollable: Iterable[str] | str | None = None,
    features: Iterable[str] | str | None = None,
    clean: bool = True,
    settings: ModelSettings | None = None,
    name: str = "",
    ctx: JobContext | None = None,
) -> Project:
    """The project the CLI's options describe (keyword names follow the options: ``--id`` →
    ``id_columns``): data, goal, explicit roles, settings and, with ``clean``, the clean-up
    recipe. Nothing is fitted yet; a plain :class:`~workbench.errors.WorkbenchError` for
    anything the user must fix (an unknown column, a column given two roles, a bad focus)."""
    from workbench.steps.quality import assess_quality
    from workbench.steps.roles import check_columns, explicit_roles
    from workbench.tables.loader import load_table

    ctx = ensure_context(ctx)
    if isinstance(data, LoadedTable):
        table = data
    else:
        table = load_table(data, LoadOptions(sheet=sheet, header_row=header_row), ctx.sub(0, 0.6))
    frame = table.frame
    explicit = explicit_roles(
        id=_names(id_columns),
        time=time,
        exclude=_names(exclude),
        controllable=_names(controllable),
        uncontrollable=_names(uncontrollable),
        features=_names(features),  # e.g. a flagged column the user put back
    )
    check_columns([target, *explicit], frame.columns)
    the_goal = make_goal(frame, target, goal, focus, positive_class)
    project = Project(name=name)
    project.set_table(table)
    project.set_goal(the_goal)
    for column, role in explicit.items():
        project.set_role(column, role)
    project.set_settings(settings if settings is not None else ModelSettings())
    if clean:  # the clean-ups a check of the table as loaded proposes
        raw = assess_quality(
            frame,
            dict(table.kinds),
            target=target,
            time=time,
            focus=the_goal.focus,
            ctx=ctx.sub(0.6, 1.0),
        )
        recipe = clean_up_recipe(raw)
        if len(recipe):
            project.set_recipe(recipe)
        else:  # nothing to clean: the table as loaded is the cleaned table, checked already
            project.set_result(Section.QUALITY, raw)
    return project


def run_analysis(
    data: str | os.PathLike[str] | LoadedTable,
    *,
    target: str,
    min_group_size: int | None = None,
    sample_size: int | None = None,
    in_process: bool = False,
    ctx: JobContext | None = None,
    **options: object,
) -> AnalysisResult:
    """:func:`project_from_options` then :func:`workbench.pipeline.analyze_project`: the whole
    analysis of a data file (or an already loaded table) from the CLI's words.

    ``options`` are :func:`project_from_options`'s. ``in_process`` clusters in a worker process
    (the GUI's choice: HDBSCAN holds the GIL)."""
    from workbench.pipeline import analyze_project

    ctx = ensure_context(ctx)
    started = _time.perf_counter()
    project = project_from_options(data, target=target, ctx=ctx.sub(0.0, _PREPARE), **options)  # type: ignore[arg-type]
    prepared = _time.perf_counter() - started
    result = analyze_project(
        project,
        ctx.sub(_PREPARE, 1.0),
        in_process=in_process,
        min_group_size=min_group_size,
        sample_size=sample_size,
    )
    add_load_time(result, prepared)
    return result


def add_load_time(result: AnalysisResult, seconds: float) -> None:
    """Count reading the file (and the check proposing the clean-ups) in the run's timings,
    as ``load``, first: the ``--json`` contract lists it with the pipeline's steps."""
    timings = {"load": seconds, **result.timings}
    timings["total"] = timings.get("total", 0.0) + seconds
    result.timings = timings


def write_cluster_rows(result: AnalysisResult, path: str | os.PathLike[str]) -> None:
    """Write :meth:`AnalysisResult.cluster_rows` as a UTF-8 CSV (atomically)."""
    from workbench.atomic import write_text_atomic
    from workbench.errors import WorkbenchError
    from workbench.i18n import _

    text = result.cluster_rows().to_csv(index=False, lineterminator="\n")
    try:
        write_text_atomic(Path(path), text)
    except OSError as exc:
        raise WorkbenchError(
            _("Could not write {path} ({reason}).").format(path=path, reason=exc.strerror or exc),
            _("Choose a folder that exists and that you can write to."),
        ) from exc
