"""``workbench analyze --dask …``: the same analysis as :func:`workbench.analysis.run_analysis`,
with the heavy parts on a Dask cluster.

On the cluster: reading the table (Parquet/CSV on a shared folder), the whole-table counts
(rows, missing cells, duplicate rows), the LightGBM fit on every row with its holdout check, and
SHAP values per partition. On this computer: the rows gathered back — every row up to
``client_rows``, else a stated uniform sample — for the quality alerts, the roles, the feature
encoding, the baselines, and the cause groups (HDBSCAN on the focus rows' SHAP values with the
existing code). The result is an ordinary :class:`~workbench.analysis.AnalysisResult`: project
file, report and actions do not know where it was computed.
"""

from __future__ import annotations

import os
import time as _time
from collections.abc import Iterable
from typing import Any

from workbench.analysis import _names, make_goal
from workbench.analysis_result import AnalysisResult
from workbench.compute import wording as words
from workbench.compute.cluster import ClusterSession
from workbench.compute.dask_checks import check_and_clean
from workbench.compute.dask_rows import RowPlan, shipped_features
from workbench.compute.dask_table import gather_rows, read_dask_table
from workbench.jobs import JobContext, ensure_context
from workbench.steps import causes_wording as causes_words
from workbench.steps.causes import CauseGroups, FocusTooSmall, find_cause_groups
from workbench.steps.causes import focus_too_small_message as too_small
from workbench.steps.goal import Direction, FocusRule, Goal, select_focus
from workbench.tables.table import LoadedTable, LoadNote, LoadOptions

#: Rows gathered to this computer for the checks and cause groups (about 2 GB at 50 columns).
CLIENT_ROWS = 1_000_000
SAMPLE_SEED = 0

_SLICES = {
    "read": (0.0, 0.1),
    "quality": (0.1, 0.25),
    "fit": (0.25, 0.75),
    "explain": (0.75, 0.9),
    "causes": (0.9, 1.0),
}


def run_dask_analysis(
    data: str | os.PathLike[str],
    session: ClusterSession,
    *,
    target: str,
    goal: Goal | Direction | str | None = None,
    focus: FocusRule | str | None = None,
    positive_class: str | None = None,
    id_columns: Iterable[str] | str | None = None,
    time: str | None = None,
    exclude: Iterable[str] | str | None = None,
    controllable: Iterable[str] | str | None = None,
    uncontrollable: Iterable[str] | str | None = None,
    features: Iterable[str] | str | None = None,
    min_group_size: int | None = None,
    clean: bool = True,
    recipe: Any = None,
    settings: Any = None,
    client_rows: int = CLIENT_ROWS,
    ctx: JobContext | None = None,
) -> AnalysisResult:
    """Run the analysis of ``data`` with ``session``'s cluster (see the module docstring).

    ``recipe`` (the app's cleaning recipe) is replayed before the checks, as the app's model run
    does; without it the automatic clean-ups apply (``clean=True``), as in ``analyze``.
    """
    from workbench.compute.dask_fit import fit_on_cluster, kinds_of
    from workbench.compute.dask_shap import explain_on_cluster
    from workbench.steps.model_settings import ModelSettings
    from workbench.steps.modeling import learnable_target, model_features
    from workbench.steps.roles import assign_roles, check_columns, explicit_roles

    ctx = ensure_context(ctx)
    settings = settings or ModelSettings()
    timings: dict[str, float] = {}

    def part(name: str) -> JobContext:
        a, b = _SLICES[name]
        return ctx.sub(a, b)

    started = _time.perf_counter()
    part("read").progress(0.0, words.progress_reading())
    table = read_dask_table(data, session.client)
    frame, sampled = gather_rows(table, client_rows, SAMPLE_SEED)
    kinds = kinds_of(frame, {})
    notes = [LoadNote("cluster", session.describe(), None, {"dashboard": session.dashboard})]
    if sampled:
        notes.append(
            LoadNote(
                "cluster_sample",
                words.client_sample(len(frame), table.n_rows, SAMPLE_SEED),
                None,
                {"rows": len(frame), "of": table.n_rows, "seed": SAMPLE_SEED},
            )
        )
    loaded = LoadedTable(frame, dict(kinds), table.source, LoadOptions(), notes)
    timings["load"] = _time.perf_counter() - started

    explicit = explicit_roles(
        id=_names(id_columns),
        time=time,
        exclude=_names(exclude),
        controllable=_names(controllable),
        uncontrollable=_names(uncontrollable),
        features=_names(features),
    )
    check_columns([target, *explicit], frame.columns)
    the_goal = make_goal(frame, target, goal, focus, positive_class)

    t0 = _time.perf_counter()
    checked = check_and_clean(
        table, frame, kinds, the_goal, recipe, clean, sampled, time, part("quality")
    )
    model_frame, model_kinds, quality = checked.frame, checked.kinds, checked.quality
    roles = assign_roles(model_frame, model_kinds, target, quality=quality, explicit=explicit)
    timings["quality"] = _time.perf_counter() - t0

    t0 = _time.perf_counter()
    learn = learnable_target(model_frame, model_kinds, the_goal)
    assignment, feature_set, excluded = model_features(
        model_frame, model_kinds, the_goal, roles, learn.y, settings
    )
    plan_rows = RowPlan(
        replay=checked.replay,
        dropped=checked.dropped,
        features=shipped_features(feature_set),
        target=target,
        task=learn.task,
        classes=learn.classes,
        positive_class=learn.positive_class,
        holdout_share=settings.holdout_share,
        seed=settings.seed,
        time_column=assignment.time,
    )
    fit = fit_on_cluster(
        session,
        table,
        model_frame,
        plan_rows,
        (learn, feature_set),
        the_goal,
        excluded,
        list(assignment.forced),
        settings,
        part("fit"),
    )
    timings["fit"] = _time.perf_counter() - t0

    focus_rows = select_focus(model_frame[target], the_goal.focus)
    explanation = None
    causes: CauseGroups | None = None
    message = ""
    if not fit.has_signal:
        message = causes_words.no_signal_no_groups(target)
        timings["explain"] = timings["causes"] = 0.0
    else:
        t0 = _time.perf_counter()
        explanation = explain_on_cluster(table, plan_rows, fit, focus_rows, ctx=part("explain"))
        timings["explain"] = _time.perf_counter() - t0
        t0 = _time.perf_counter()
        try:
            causes = find_cause_groups(
                explanation.focus,
                model_frame,
                model_frame[target],
                roles,
                the_goal,
                min_group_size=min_group_size,
                ctx=part("causes"),
            )
        except FocusTooSmall:
            message = too_small(len(explanation.focus.rows))
        timings["causes"] = _time.perf_counter() - t0
    timings["total"] = _time.perf_counter() - started
    ctx.progress(1.0, causes_words.progress_done())
    return AnalysisResult(
        table=loaded,
        goal=the_goal,
        quality=quality,
        frame=model_frame,
        kinds=model_kinds,
        cleaning=checked.cleaning,
        roles=roles,
        fit=fit,
        explanation=explanation,
        focus_rows=focus_rows,
        causes=causes,
        causes_message=message,
        timings=timings,
    )


def whole_table_counts_match(quality: Any, counts: Any) -> bool:
    """True when a report made on every row agrees with the cluster's counts (a self-check)."""
    missing = {p.name: p.missing for p in quality.profiles}
    return (
        quality.n_rows == counts.rows
        and quality.duplicate_rows == counts.duplicate_rows
        and all(missing.get(k) == v for k, v in counts.missing.items())
    )
