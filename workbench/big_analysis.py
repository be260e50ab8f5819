"""The analysis of a file larger than memory: every row checked, a stated sample trained on.

:func:`analyze_file` is what ``workbench analyze`` calls: for a Parquet or CSV file whose table
would not fit (:func:`workbench.steps.sampling.sample_rows`) it reads the file twice in record
batches, never whole:

1. every row, once (:func:`workbench.tables.stream_profile.scan_file`): the column profiles,
   duplicate rows and missing map, the whole target column (to find the focus rows of the whole
   file) and the time column (to stratify by month), and the positions of a uniform sample;
2. the rows of the training sample (all focus rows + a stratified share of the others,
   :func:`workbench.steps.sampling.plan_sample`) and of the uniform sample.

Then the usual :func:`workbench.analysis.run_analysis` runs on the training sample (checking the
sample's quality to assign the roles); the result then carries the whole-file quality report
(:func:`workbench.steps.stream_quality.whole_file_quality`) and the sample's claim record
(``result.sampling``). Row labels stay the rows'
positions in the file, so ``--clusters`` points at the user's rows. Anything else (a workbook,
a file that fits) goes to ``run_analysis`` unchanged.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.analysis import make_goal, run_analysis
from workbench.analysis_result import AnalysisResult
from workbench.errors import AnalysisError
from workbench.jobs import JobContext, ensure_context
from workbench.steps.goal import FocusRule, Goal, Task, infer_task, parse_focus, select_focus
from workbench.steps.quality import QualityReport
from workbench.steps.sampling import (
    SampleChoice,
    SampleStatement,
    memory_budget,
    month_strata,
    plan_sample,
    sample_focus,
    sample_rows,
    state_sample,
    target_strata,
)
from workbench.steps.sampling_wording import focus_too_rare
from workbench.tables.big_source import BigSource, estimate_frame_bytes, open_big_source
from workbench.tables.table import LoadedTable, LoadNote, LoadOptions

MIN_MONTHS = 2  # fewer months than this stratify nothing: the target's deciles are used
# A file this many times smaller than the budget fits whatever it holds (Parquet compresses a
# table about 8x; the analysis peaks at 4x the frame): not looked into.
SMALL_FILE = 64


@dataclass
class SampledFile:
    """A file larger than memory, read for analysis."""

    table: LoadedTable  # the training sample, cleaned; its index holds the rows' file positions
    quality: QualityReport  # every row (see workbench.steps.stream_quality)
    statement: SampleStatement  # the claim record of the sentence that states the sample
    goal: Goal  # the user's goal
    sample_goal: Goal  # the same focus rows, said as a share of the cleaned sample
    cleaning: list[Any]  # StepReport of each clean-up applied to the sample


def plan_for_file(
    path: str | os.PathLike[str], choice: SampleChoice, options: LoadOptions | None = None
) -> tuple[BigSource, int] | None:
    """The open source and the sample size when ``path`` should be sampled; else None.

    A file far smaller than the memory budget is not looked into; one the batch reader cannot
    read (uneven rows, a damaged file) goes the usual way, whose reader says what is wrong.
    """
    from workbench.errors import DataLoadError
    from workbench.tables.file_format import detect_format

    if choice.off or detect_format(path) not in ("parquet", "csv"):
        return None
    if choice.rows is None and os.path.getsize(path) * SMALL_FILE < memory_budget(choice):
        return None
    try:
        source = open_big_source(path, options)
        size = sample_rows(choice, estimate_frame_bytes(source), source.rows)
    except (DataLoadError, pa.ArrowException, OSError, ValueError):
        return None
    return None if size is None else (source, size)


def analyze_file(
    path: str | os.PathLike[str],
    *,
    target: str,
    choice: SampleChoice | None = None,
    planned: tuple[BigSource, int] | None = None,
    sheet: str | None = None,
    header_row: int | None = None,
    notify: Callable[[str], None] | None = None,
    ctx: JobContext | None = None,
    **kwargs: Any,
) -> AnalysisResult:
    """``run_analysis`` of ``path``, via the sampled path when the file does not fit.

    ``kwargs`` are :func:`run_analysis`'s keywords (goal, focus, time, roles, ...);
    ``notify`` is told, before the long work starts, that the file will be sampled;
    ``planned``: :func:`plan_for_file`'s answer when the caller already asked.
    """
    ctx = ensure_context(ctx)
    options = LoadOptions(sheet=sheet, header_row=header_row)
    if planned is None:
        planned = plan_for_file(path, choice or SampleChoice(), options)
    if planned is None:
        return run_analysis(
            path, target=target, sheet=sheet, header_row=header_row, ctx=ctx, **kwargs
        )
    source, size = planned
    if notify is not None:
        from workbench.steps.sampling_wording import big_file_notice

        notify(
            big_file_notice(source.rows, size, asked=(choice or SampleChoice()).rows is not None)
        )
    sampled = read_sampled(
        source,
        target=target,
        time=kwargs.get("time"),
        goal=kwargs.pop("goal", None),
        focus=kwargs.pop("focus", None),
        positive_class=kwargs.pop("positive_class", None),
        clean=kwargs.pop("clean", True),
        size=size,
        ctx=ctx.sub(0.0, 0.4),
    )
    result = run_analysis(
        sampled.table,
        target=target,
        goal=sampled.sample_goal,
        clean=False,  # done on the sample before its focus share was fixed
        ctx=ctx.sub(0.4, 1.0),
        **kwargs,
    )
    return state_result(result, sampled)


def state_result(result: AnalysisResult, sampled: SampledFile) -> AnalysisResult:
    """The analysis of the sample, said about the file: the whole-file quality report (the run
    checked the sample to assign roles), the sample's clean-ups, the user's goal (the groups
    were found on exactly its focus rows) and the sample's claim record."""
    result.quality = sampled.quality
    result.cleaning = sampled.cleaning
    result.goal = sampled.goal
    result.sampling = sampled.statement
    result.reword()
    return result


def read_sampled(
    source: BigSource,
    *,
    target: str,
    time: str | None,
    goal: Goal | str | None,
    focus: str | None,
    positive_class: str | None,
    size: int,
    clean: bool = True,
    recipe: Any = None,
    seed: int = 0,
    uniform_rows: int | None = None,
    ctx: JobContext | None = None,
) -> SampledFile:
    """Read ``source`` in two passes (see the module docstring).

    ``recipe``: the user's cleaning recipe, applied to the sample instead of the usual
    clean-ups (``clean``)."""
    from workbench.steps.roles import check_columns
    from workbench.steps.stream_quality import whole_file_quality
    from workbench.tables.stream_profile import UNIFORM_ROWS, scan_file
    from workbench.tables.types import settle_kinds

    ctx = ensure_context(ctx)
    check_columns([c for c in (target, time) if c], source.columns)
    keep = [c for c in (target, time) if c]
    scan = scan_file(
        source, keep, uniform_rows=uniform_rows or UNIFORM_ROWS, seed=seed, ctx=ctx.sub(0, 0.6)
    )
    target_values = _series(scan.kept[target], target, source.options)
    the_goal = make_goal(target_values.to_frame(), target, goal, focus, positive_class)
    rule = focus_of(the_goal)
    focus_positions = select_focus(target_values, rule).to_numpy()
    strata = None
    if time:
        keys = _month_keys(scan.kept[time])
        if keys is not None and len(np.unique(keys[keys >= 0])) >= MIN_MONTHS:
            strata = month_strata(time, keys, target_values.notna().to_numpy())
    if strata is None:
        by_class = infer_task(target_values, the_goal) != Task.REGRESSION
        strata = target_strata(target_values, by_class)
    del target_values
    plan = plan_sample(strata, focus_positions, size, rule, target, seed)
    wanted = np.union1d(plan.positions, scan.uniform_positions)
    raw = gather_rows(source, wanted, ctx.sub(0.6, 0.8))
    typed = settle_kinds(raw, source.options, ctx.sub(0.8, 0.85))
    frame, kinds = typed.frame, dict(typed.kinds)
    uniform = frame.loc[scan.uniform_positions]
    quality = whole_file_quality(
        scan, uniform, kinds, target=target, time=time, focus=rule, ctx=ctx.sub(0.85, 1.0)
    )
    train = frame.loc[plan.positions]
    del frame, uniform
    cleaning: list[Any] = []
    if recipe is not None or clean:
        train, kinds, cleaning = _clean(train, kinds, quality, target, recipe, ctx)
    sample_rule, trimmed = _exact_focus(train, target, rule, focus_positions, seed)
    statement = plan.statement
    if len(trimmed):
        train = train.drop(index=pd.Index(trimmed))
        positions = np.setdiff1d(plan.positions, trimmed)
        is_focus = np.zeros(len(strata.codes), dtype=bool)
        is_focus[focus_positions] = True
        statement = state_sample(strata, positions, is_focus, rule, target, seed)
    table = LoadedTable(
        frame=train,
        kinds=kinds,
        source=_fingerprint(source),
        options=source.options,
        notes=[*typed.notes, _sample_note(statement)],
    )
    sample_goal = with_focus(the_goal, sample_rule)
    return SampledFile(table, quality, statement, the_goal, sample_goal, cleaning)


def _clean(
    train: pd.DataFrame,
    kinds: dict[str, Any],
    quality: QualityReport,
    target: str,
    recipe: Any,
    ctx: JobContext,
) -> tuple[pd.DataFrame, dict[str, Any], list[Any]]:
    """The user's ``recipe``, else the analysis's usual clean-ups (duplicates, sentinels), on
    the sample (filling by model never reads the target)."""
    from workbench.analysis import clean_up_recipe
    from workbench.steps.recipe import apply_recipe

    recipe = clean_up_recipe(quality) if recipe is None else recipe
    if not len(recipe):
        return train, kinds, []
    cleaned = apply_recipe(train, kinds, recipe, ctx, keep_out=frozenset({target}))
    reports = [r for r in cleaned.reports if not r.skipped]
    return cleaned.frame, dict(cleaned.kinds), reports


def _exact_focus(
    train: pd.DataFrame, target: str, rule: FocusRule, focus_positions: np.ndarray, seed: int
) -> tuple[FocusRule, np.ndarray]:
    """The share that picks exactly the file's focus rows left in the (cleaned) sample, and the
    few other rows to leave out so that a share written with four decimals says it."""
    none = np.empty(0, dtype=np.int64)
    if rule.kind == "class":
        return rule, none
    valid = train[target].notna().to_numpy()
    in_focus = train.index.isin(focus_positions) & valid
    n_focus, n_valid = int(in_focus.sum()), int(valid.sum())
    others = train.index[valid & ~in_focus].to_numpy()
    order = np.random.default_rng(seed + 1).permutation(len(others))
    for drop in range(min(20_000, len(others) + 1)):
        found = sample_focus(rule, n_focus, n_valid - drop)
        if found is not None:
            return found, np.sort(others[order[:drop]])
    raise AnalysisError(*focus_too_rare(n_focus, n_valid))


def focus_of(goal: Goal) -> FocusRule:
    """The goal's focus rule, whether the goal holds it parsed or as its text."""
    focus: Any = goal.focus
    return focus if isinstance(focus, FocusRule) else parse_focus(str(focus))


def with_focus(goal: Goal, rule: FocusRule) -> Goal:
    """The goal with another focus, held the way the goal holds its own (parsed or text)."""
    focus: Any = rule if isinstance(goal.focus, FocusRule) else rule.to_text()
    return dataclasses.replace(goal, focus=focus)


def _series(column: pa.ChunkedArray, name: str, options: LoadOptions) -> pd.Series:
    """A whole column as the loader would type it (the target: numbers, classes, yes/no)."""
    from workbench.tables.parquet_reader import arrow_to_frame
    from workbench.tables.types import settle_kinds

    frame = arrow_to_frame(pa.table({name: column}))
    return settle_kinds(frame, options).frame[name]


def _month_keys(column: pa.ChunkedArray) -> np.ndarray | None:
    """year * 12 + month - 1 of each row (-1 when missing), or None for a column of no dates."""
    arr = column
    if pa.types.is_dictionary(arr.type):
        arr = arr.cast(arr.type.value_type)
    if pa.types.is_date(arr.type):
        arr = arr.cast(pa.timestamp("s"))
    if not pa.types.is_timestamp(arr.type):
        parsed = pd.to_datetime(arr.to_pandas(), errors="coerce", format="ISO8601")
        if parsed.notna().mean() < 0.9:
            return None
        arr = pa.chunked_array([pa.array(parsed.to_numpy(), type=pa.timestamp("ns"))])
    keys = pc.add(pc.multiply(pc.year(arr), 12), pc.subtract(pc.month(arr), 1))
    values = np.asarray(keys.to_numpy(zero_copy_only=False), dtype=np.float64)  # null: NaN
    return np.where(np.isnan(values), -1, values).astype(np.int64)


def gather_rows(source: BigSource, positions: np.ndarray, ctx: JobContext) -> pd.DataFrame:
    """The rows at ``positions`` (sorted), read batch by batch; indexed by position."""
    from workbench.tables.parquet_reader import arrow_to_frame

    parts: list[pa.RecordBatch] = []
    start = 0
    for batch in source.batches():
        ctx.progress(min(0.99, start / max(source.rows, 1)))
        n = batch.num_rows
        lo, hi = np.searchsorted(positions, [start, start + n])
        if hi > lo:
            parts.append(batch.take(pa.array(positions[lo:hi] - start)))
        start += n
    table = pa.Table.from_batches(parts) if parts else pa.table({})
    frame = arrow_to_frame(table, pd.Index(positions, dtype=np.int64))
    frame.columns = list(source.columns)
    return frame


def _fingerprint(source: BigSource) -> Any:
    from workbench.tables.source import fingerprint

    return fingerprint(source.path, source.format)


def _sample_note(statement: SampleStatement) -> LoadNote:
    """The sample's sentence, kept with the table (a reopened project says it again)."""
    from workbench.steps.sampling_wording import sample_sentence

    return LoadNote("sampled", sample_sentence(statement), details=statement.to_dict())


__all__ = ["SampledFile", "analyze_file", "plan_for_file", "read_sampled"]
