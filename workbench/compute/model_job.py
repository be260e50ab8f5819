"""The app's model run on a cluster (Settings → Compute): the project's goal, roles, recipe and
settings, with the data file read on the cluster. Same result type as
:func:`workbench.workflow.run_model`, so the panes and the project file do not change."""

from __future__ import annotations

from typing import Any

from workbench.jobs import JobContext


def run_model_on_cluster(ctx: JobContext, inputs: Any, where: str) -> Any:
    """Job: ``inputs`` (a :class:`workbench.workflow.ModelInputs`) analysed on the cluster
    ``where`` (``local:N`` or a scheduler address); returns an AnalysisResult."""
    from workbench.compute.target import parse_target, require_cluster_extra
    from workbench.workflow import _role_lists, time_column

    target = parse_target(where)
    require_cluster_extra()
    from workbench.compute.cluster import open_cluster
    from workbench.compute.dask_analysis import run_dask_analysis

    goal = inputs.goal
    ctx.progress(0.0, "")
    _check_unchanged(inputs.table.source)
    roles = _role_lists(inputs.roles)
    with open_cluster(target) as session:
        return run_dask_analysis(
            inputs.table.source.path,
            session,
            target=goal.target,
            goal=goal,
            focus=goal.focus,
            positive_class=goal.positive_class,
            time=time_column(inputs.roles),
            recipe=inputs.recipe,
            clean=False,
            settings=inputs.settings,
            id_columns=roles["id_columns"],
            exclude=roles["exclude"],
            controllable=roles["controllable"],
            uncontrollable=roles["uncontrollable"],
            features=roles["features"],
            ctx=ctx,
        )


def check_cluster(ctx: JobContext, where: str) -> tuple[int, str]:
    """Job for the Settings dialog: connect (or start) and say how many workers and the
    dashboard link; a plain error when it cannot."""
    from workbench.compute.target import parse_target, require_cluster_extra

    target = parse_target(where)
    require_cluster_extra()
    from workbench.compute import wording as words
    from workbench.compute.cluster import open_cluster

    ctx.progress(0.0, words.progress_connecting(target.to_text()))
    with open_cluster(target) as session:
        return session.workers, session.dashboard


def _check_unchanged(source: Any) -> None:
    """The cluster reads the file again: it must still be the file the Data step loaded."""
    from pathlib import Path

    from workbench.compute import wording as words
    from workbench.compute.dask_table import file_format, fingerprint
    from workbench.errors import DataLoadError

    path = Path(source.path)
    if not path.exists():
        raise DataLoadError(*words.not_shared_file(str(path)))
    now = fingerprint(path, file_format(path))
    if source.sha256 and now.sha256 != source.sha256:
        raise DataLoadError(*words.file_changed(path.name))
