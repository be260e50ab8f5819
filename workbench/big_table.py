"""A file larger than memory in the app: what the Data, Quality and Model steps run.

The app loads a table before the goal is set, so it cannot take the training sample then (the
focus rows are not known yet). Instead:

- **Data** (:func:`load_big_table`): every row is read once for the whole-file profile
  (:class:`~workbench.tables.stream_profile.StreamScan`, kept on the table as ``whole_file``);
  the rows shown and cleaned are a uniform random sample of the planned sample size.
- **Quality** (:func:`~workbench.steps.stream_quality.whole_file_report`): the whole-file
  report, its row-level checks on the cleaned sample.
- **Model** (:func:`run_big_model`): the file is read again for the stratified training sample
  that keeps every focus row of the goal now set, the user's cleaning recipe is applied to it,
  and the usual analysis runs on it; the result states the sample.

:func:`probe` tells, quickly and before anything long starts, whether a file takes this path
and the sentence that says so.
"""

from __future__ import annotations

import os
from typing import Any

from workbench.jobs import JobContext, ensure_context
from workbench.tables.table import LoadedTable, LoadNote, LoadOptions

BIG_FILE_NOTE = "big_file"


def probe(
    path: str | os.PathLike[str], options: LoadOptions | None = None
) -> tuple[int, str] | None:
    """``(sample size, notice)`` when ``path`` is larger than memory; None to load it whole."""
    from workbench.big_analysis import plan_for_file
    from workbench.steps.sampling import SampleChoice
    from workbench.steps.sampling_wording import big_file_notice

    planned = plan_for_file(path, SampleChoice(), options)
    if planned is None:
        return None
    source, size = planned
    return size, big_file_notice(source.rows, size)


def load_big_table(
    ctx: JobContext | None, path: str | os.PathLike[str], options: LoadOptions, size: int
) -> LoadedTable:
    """Job: the whole-file scan, and a uniform random sample of ``size`` rows as the frame."""
    from workbench.big_analysis import gather_rows
    from workbench.steps.sampling_wording import big_file_notice
    from workbench.tables.big_source import open_big_source
    from workbench.tables.source import fingerprint
    from workbench.tables.stream_profile import scan_file
    from workbench.tables.types import settle_kinds

    ctx = ensure_context(ctx)
    source = open_big_source(path, options)
    scan = scan_file(source, uniform_rows=size, ctx=ctx.sub(0.0, 0.6))
    raw = gather_rows(source, scan.uniform_positions, ctx.sub(0.6, 0.85))
    typed = settle_kinds(raw, source.options, ctx.sub(0.85, 0.95))
    notice = big_file_notice(scan.n_rows, size)
    note = LoadNote(BIG_FILE_NOTE, notice, details={"rows": scan.n_rows, "sample_rows": size})
    table = LoadedTable(
        frame=typed.frame,
        kinds=dict(typed.kinds),
        source=fingerprint(source.path, source.format),
        options=source.options,
        notes=[note, *typed.notes],
        whole_file=scan,
    )
    ctx.progress(1.0)
    return table


def big_notice(table: LoadedTable | None) -> str:
    """The notice of a table read from a file larger than memory ("" for any other)."""
    for note in getattr(table, "notes", None) or []:
        if note.kind == BIG_FILE_NOTE:
            return str(note.message)
    return ""


def run_big_model(ctx: JobContext, inputs: Any, *, in_process: bool = True) -> Any:
    """Job: the stratified sample for the goal now set, the recipe, then the usual analysis.

    ``inputs`` is the Model step's snapshot of the project (table, goal, recipe, roles,
    settings).
    """
    from workbench.analysis import run_analysis
    from workbench.big_analysis import read_sampled, state_result
    from workbench.steps.recipe import Recipe
    from workbench.steps.roles import role_lists
    from workbench.tables.big_source import open_big_source

    table, goal = inputs.table, inputs.goal
    time, roles = inputs.time, role_lists(inputs.roles)
    source = open_big_source(table.source.path, table.options)
    sampled = read_sampled(
        source,
        target=goal.target,
        time=time,
        goal=goal,
        focus=None,
        positive_class=goal.positive_class,
        size=_sample_size(table),
        recipe=inputs.recipe or Recipe([]),
        ctx=ctx.sub(0.0, 0.4),
    )
    result = run_analysis(
        sampled.table,
        target=goal.target,
        goal=sampled.sample_goal,
        time=time,
        clean=False,
        settings=inputs.settings,
        in_process=in_process,
        ctx=ctx.sub(0.4, 1.0),
        id_columns=roles["id_columns"],
        exclude=roles["exclude"],
        controllable=roles["controllable"],
        uncontrollable=roles["uncontrollable"],
        features=roles["features"],
    )
    return state_result(result, sampled)


def _sample_size(table: LoadedTable) -> int:
    for note in table.notes:
        if note.kind == BIG_FILE_NOTE:
            return int(note.details.get("sample_rows") or len(table.frame))
    return len(table.frame)
