"""Quality checks and cleaning for the cluster path: the in-process checks on the gathered rows,
the whole-table counts on the cluster, and the recipe split into what each partition replays."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from workbench.compute import wording as words
from workbench.compute.dask_quality import count_table, duplicate_labels, use_whole_table_counts
from workbench.compute.dask_recipe import split_recipe
from workbench.compute.dask_rows import Replay
from workbench.jobs import JobContext
from workbench.tables.table import ColumnKind


@dataclass
class Checked:
    """The gathered rows after cleaning, their quality report and what partitions replay."""

    frame: pd.DataFrame
    kinds: dict[str, ColumnKind]
    quality: Any  # QualityReport
    cleaning: list[Any]  # StepReport of each step applied
    replay: Replay
    dropped: np.ndarray  # labels of duplicate rows, over every row of the table


def check_and_clean(
    table: Any,
    frame: pd.DataFrame,
    kinds: dict[str, ColumnKind],
    goal: Any,
    recipe: Any,
    clean: bool,
    sampled: bool,
    time: str | None,
    ctx: JobContext,
) -> Checked:
    """A user's recipe first, then the checks (the app); or the checks, then the automatic
    clean-ups they propose (``analyze``). Counts of a sampled report come from every row."""
    from workbench.analysis import clean_up_recipe
    from workbench.steps.quality import assess_quality
    from workbench.steps.recipe import Recipe, apply_recipe

    ctx.progress(0.0, words.progress_counting())
    checked_frame, checked_kinds, cleaning = frame, dict(kinds), []
    if recipe is not None and len(recipe):
        cleaned = apply_recipe(frame, kinds, recipe)
        checked_frame, checked_kinds = cleaned.frame, dict(cleaned.kinds)
        cleaning = [r for r in cleaned.reports if not r.skipped]
    steps = list(recipe.steps) if recipe is not None else []
    row_steps, duplicates = split_recipe(steps)
    replay = Replay(dict(kinds), row_steps)
    dropped = duplicate_labels(table.frame, replay) if duplicates else np.zeros(0, np.int64)
    checked_frame = _drop(checked_frame, dropped)  # a sample's rows whose twin is elsewhere
    quality = assess_quality(
        checked_frame,
        dict(checked_kinds),
        target=goal.target,
        time=time,
        focus=goal.focus_rule,
        ctx=ctx.sub(0.0, 0.7),
    )
    if sampled:
        counted = table.frame.map_partitions(_without, replay, dropped, meta=_meta(replay, table))
        use_whole_table_counts(quality, count_table(counted))
    model_frame, model_kinds = checked_frame, checked_kinds
    if recipe is None and clean:
        auto = clean_up_recipe(quality, goal.target)
        if len(auto):
            row_steps, duplicates = split_recipe(auto.steps)
            replay = Replay(dict(kinds), row_steps)
            if duplicates:
                dropped = duplicate_labels(table.frame, replay)
            cleaned = apply_recipe(frame, kinds, Recipe(auto.steps))
            model_frame, model_kinds = _drop(cleaned.frame, dropped), dict(cleaned.kinds)
            cleaning = [r for r in cleaned.reports if not r.skipped]
    ctx.progress(1.0, words.progress_counting())
    return Checked(model_frame, model_kinds, quality, cleaning, replay, dropped)


def _drop(frame: pd.DataFrame, labels: np.ndarray) -> pd.DataFrame:
    return frame[~frame.index.isin(labels)] if len(labels) else frame


def _without(part: pd.DataFrame, replay: Replay, dropped: np.ndarray) -> pd.DataFrame:
    part = replay(part)
    return part[~part.index.isin(dropped)] if len(dropped) else part


def _meta(replay: Replay, table: Any) -> pd.DataFrame:
    return _without(table.frame._meta, replay, np.zeros(0, np.int64))
