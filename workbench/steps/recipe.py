"""The cleaning recipe: replayable clean-up steps, kept as plain JSON, never applied to the source.

A recipe is a list of steps such as ``{"op": "drop_columns", "columns": ["memo"]}``. The user
builds it from one-click fixes of quality alerts or by hand, edits it (remove, reorder), and
:func:`apply_recipe` replays it on the loaded frame whenever it changes. The source file is never
touched; the frame handed in is never modified either.

Step schema (shared with the quality alerts' ``fix_step``)::

    {"op": "drop_columns", "columns": [..]}
    {"op": "drop_duplicate_rows"}                                  (keeps the first)
    {"op": "sentinel_to_missing", "column": c, "values": [..]}
    {"op": "impute", "column": c, "method": "median" | "mode" | "constant" | "model",
     "value": x (constant only)}
    {"op": "filter_rows", "column": c, "operator": "==" | "!=" | "<" | "<=" | ">" | ">=" |
     "between" | "in" | "not_in" | "is_missing" | "not_missing", "value": ...}
    {"op": "cast", "column": c, "kind": "<ColumnKind value>"}
    {"op": "rename", "column": c, "to": new}
    {"op": "merge_categories", "column": c, "mapping": {"finishing ": "finishing"}}
    {"op": "clip", "column": c, "lower": x | null, "upper": y | null}
    {"op": "predict_missing", "column": c, "min_confidence": 0..1 (optional),
     "exclude": [..] (optional), "train_on_predicted": bool (optional)}

Every step may also carry ``"note"`` (why the user added it) and ``"source"`` (what proposed it,
e.g. the alert kind). Loading a recipe only parses JSON and checks each step against this schema
(:mod:`workbench.steps.recipe_check`): a colleague's project file can never run code. What a
replay did is told by :mod:`workbench.steps.recipe_report`.

The frame's index (the row's 0-based position in the source) survives every step: filtering and
dropping duplicates remove rows but never renumber the rest.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from typing import Any

import pandas as pd

from workbench.errors import WorkbenchError
from workbench.i18n import _
from workbench.jobs import JobContext, ensure_context
from workbench.steps import recipe_ops, recipe_wording
from workbench.steps.predicted_cells import PredictedCells, restrict_all
from workbench.steps.profile import fallback_kind
from workbench.steps.recipe_check import (
    COMMON_OPTIONAL,
    refuse,
    validate_step,
)
from workbench.steps.recipe_outcome import Outcome, StepSkipped
from workbench.steps.recipe_report import RecipeResult, StepReport
from workbench.tables.table import ColumnKind

__all__ = ["RECIPE_VERSION", "Recipe", "RecipeCache", "apply_recipe"]

RECIPE_VERSION = 1


# --------------------------------------------------------------------------------------------
# The recipe
# --------------------------------------------------------------------------------------------


class Recipe:
    """An ordered, editable list of validated cleaning steps (plain dicts)."""

    def __init__(self, steps: list[dict[str, Any]] | None = None) -> None:
        self._steps: list[dict[str, Any]] = [validate_step(s, i) for i, s in enumerate(steps or [])]

    # -- reading ---------------------------------------------------------------------------
    @property
    def steps(self) -> list[dict[str, Any]]:
        """A copy of the steps: edit the recipe through its methods."""
        return copy.deepcopy(self._steps)

    def __len__(self) -> int:
        return len(self._steps)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.steps)

    def __getitem__(self, index: int) -> dict[str, Any]:
        return copy.deepcopy(self._steps[index])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Recipe):
            return NotImplemented
        return self._steps == other._steps

    def __repr__(self) -> str:
        return f"Recipe({self._steps!r})"

    def describe(self) -> list[str]:
        """One plain-language sentence per step, in order."""
        return [recipe_wording.describe_step(s) for s in self._steps]

    # -- editing ---------------------------------------------------------------------------
    def add(self, step: dict[str, Any], index: int | None = None) -> int:
        """Validate ``step`` and insert it (at the end by default); return its position."""
        position = len(self._steps) if index is None else index
        if not 0 <= position <= len(self._steps):
            raise IndexError(f"step index out of range: {index} of {len(self._steps)}")
        clean = validate_step(step, position)
        self._steps.insert(position, clean)
        return position

    def remove(self, index: int) -> dict[str, Any]:
        """Remove the step at ``index`` and return it."""
        return self._steps.pop(index)

    def move(self, index: int, new_index: int) -> None:
        """Move the step at ``index`` so that it ends up at position ``new_index``."""
        n = len(self._steps)
        if not -n <= index < n or not -n <= new_index < n:
            raise IndexError(f"step index out of range: {index} -> {new_index} of {n}")
        step = self._steps.pop(index)
        self._steps.insert(new_index % n, step)

    # -- saving ----------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {"recipe_version": RECIPE_VERSION, "steps": self.steps}

    @classmethod
    def from_dict(cls, data: Any) -> Recipe:
        """Build from parsed JSON: ``{"recipe_version": 1, "steps": [...]}`` or a bare list."""
        if isinstance(data, list):
            steps = data
        elif isinstance(data, dict) and isinstance(data.get("steps"), list):
            version = data.get("recipe_version", RECIPE_VERSION)
            if not isinstance(version, int) or isinstance(version, bool) or version < 1:
                raise refuse(None, _("The cleaning recipe has an unreadable version number."))
            if version > RECIPE_VERSION:
                raise WorkbenchError(
                    _("The cleaning recipe was saved by a newer version of Workbench."),
                    _("Update Workbench to open it."),
                )
            steps = data["steps"]
        else:
            raise WorkbenchError(
                _("The cleaning recipe is not a list of steps."),
                _("The file may be damaged; start a new recipe or ask for a fresh copy."),
            )
        return cls(steps)

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, allow_nan=False, indent=indent)

    @classmethod
    def from_json(cls, text: str | bytes) -> Recipe:
        """Parse a recipe saved with :meth:`to_json`; only JSON is read, nothing is run."""
        try:
            data = json.loads(text, parse_constant=_refuse_constant)
        except (ValueError, RecursionError) as exc:
            raise WorkbenchError(
                _("The cleaning recipe could not be read: it is not valid JSON."),
                _("The file may be damaged; start a new recipe or ask for a fresh copy."),
            ) from exc
        return cls.from_dict(data)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in a recipe")


# --------------------------------------------------------------------------------------------
# Applying
# --------------------------------------------------------------------------------------------


# a table after some steps: frame, kinds, step reports, predicted cells
_Checkpoint = tuple[
    pd.DataFrame, dict[str, ColumnKind], list[StepReport], dict[str, PredictedCells]
]


class RecipeCache:
    """Keeps the table after slow steps so that editing a later step replays only the rest.

    Pass the same cache to :func:`apply_recipe` while the user edits the recipe on one loaded
    frame: each project holds one (:attr:`workbench.project.Project.recipe_cache`), shared by
    the panes' replays and the model run (:func:`workbench.pipeline.clean_table`). Safe to
    share between jobs on pool threads: lookups and stores hold a lock. A checkpoint is kept
    after each step that took at least ``min_seconds`` (and always after model-based filling);
    at most ``max_checkpoints`` are kept, least recently used first out. Unchanged columns are
    shared with the source frame (copy-on-write), so a checkpoint costs only the columns its
    steps changed, or a full copy after a row filter.
    """

    def __init__(self, max_checkpoints: int = 3, min_seconds: float = 0.25) -> None:
        self.max_checkpoints = max_checkpoints
        self.min_seconds = min_seconds
        self.hits = 0
        self._lock = threading.Lock()
        self._source: pd.DataFrame | None = None
        self._source_kinds: dict[str, ColumnKind] = {}
        self._checkpoints: OrderedDict[str, _Checkpoint] = OrderedDict()

    def clear(self) -> None:
        with self._lock:
            self._source = None
            self._source_kinds = {}
            self._checkpoints.clear()

    def _lookup(
        self, source: pd.DataFrame, kinds: dict[str, ColumnKind], keys: list[str]
    ) -> tuple[int, _Checkpoint | None]:
        """The longest cached prefix of ``keys`` for ``source`` (another source: start over)."""
        with self._lock:
            if self._source is not source or self._source_kinds != kinds:
                self._checkpoints.clear()
                self._source = source  # held so its identity stays meaningful
                self._source_kinds = dict(kinds)
            for i in range(len(keys) - 1, -1, -1):
                hit = self._checkpoints.get(keys[i])
                if hit is not None:
                    self._checkpoints.move_to_end(keys[i])
                    self.hits += 1
                    return i + 1, hit
            return 0, None

    def _store(
        self,
        source: pd.DataFrame,
        key: str,
        frame: pd.DataFrame,
        kinds: dict[str, ColumnKind],
        reports: list[StepReport],
        predicted: dict[str, PredictedCells],
    ) -> None:
        with self._lock:
            if self._source is not source:  # another table was bound meanwhile
                return
            self._checkpoints[key] = (frame, dict(kinds), list(reports), dict(predicted))
            self._checkpoints.move_to_end(key)
            while len(self._checkpoints) > self.max_checkpoints:
                self._checkpoints.popitem(last=False)


def _prefix_keys(steps: list[dict[str, Any]]) -> list[str]:
    """One key per prefix of the recipe; notes and sources do not change the result."""
    keys = []
    parts: list[dict[str, Any]] = []
    for step in steps:
        parts.append({k: v for k, v in step.items() if k not in COMMON_OPTIONAL})
        keys.append(json.dumps(parts, sort_keys=True, ensure_ascii=False))
    return keys


def apply_recipe(
    frame: pd.DataFrame,
    kinds: dict[str, ColumnKind],
    recipe: Recipe,
    ctx: JobContext | None = None,
    *,
    cache: RecipeCache | None = None,
    keep_out: Iterable[str] = (),
) -> RecipeResult:
    """Replay ``recipe`` on ``frame`` and return the cleaned copy with a report per step.

    ``frame`` and ``kinds`` are left as they were. A step that cannot run (its column is gone,
    a value does not fit the column) is skipped with a plain-language warning in its report and
    the rest of the recipe still runs. ``keep_out`` names columns that filling by model must
    never read: the target and the columns flagged as leaking it (else the filled inputs would
    carry the answer into the model).
    """
    ctx = ensure_context(ctx)
    steps = recipe.steps
    n = len(steps)
    not_predictors = sorted({str(c) for c in keep_out})
    current = frame.copy(deep=False)  # copy-on-write: columns are shared until changed
    current_kinds = {c: _kind(frame, kinds, c) for c in frame.columns}
    reports: list[StepReport] = []
    predicted: dict[str, PredictedCells] = {}
    start = 0
    keys = _prefix_keys(steps)
    if not_predictors:  # another set of kept-out columns gives other model fillings
        keys = [json.dumps(not_predictors, ensure_ascii=False) + key for key in keys]
    if cache is not None:
        start, hit = cache._lookup(frame, kinds, keys)
        if hit is not None:
            current, current_kinds = hit[0].copy(deep=False), dict(hit[1])
            reports, predicted = list(hit[2]), dict(hit[3])
    for i in range(start, n):
        step = steps[i]
        sub = ctx.sub(i / n, (i + 1) / n)
        description = recipe_wording.describe_step(step)
        sub.progress(0.0, description)
        rows_before = len(current)
        started = time.perf_counter()
        run = step
        if not_predictors and _by_model(step):
            run = {**step, "not_predictors": not_predictors}
        try:
            outcome = recipe_ops.run_step(current, current_kinds, run, sub)
        except StepSkipped as skip:
            outcome = Outcome(current, current_kinds, warning=skip.message)
            skipped = True
        else:
            skipped = False
        elapsed = time.perf_counter() - started
        current, current_kinds = outcome.frame, outcome.kinds
        predicted = _follow_marks(predicted, outcome)
        report = StepReport(
            index=i,
            op=step["op"],
            description=description,
            rows_before=rows_before,
            rows_after=len(current),
            rows_removed=rows_before - len(current),
            cells_changed=outcome.cells_changed,
            columns_removed=list(outcome.columns_removed),
            warning=outcome.warning,
            skipped=skipped,
            details=dict(outcome.details),
            effect="",
            step=copy.deepcopy(step),
        )
        report = _with_effect(report)
        reports.append(report)
        sub.progress(1.0, description)
        if cache is not None and (elapsed >= cache.min_seconds or _by_model(step)):
            cache._store(frame, keys[i], current, current_kinds, reports, predicted)
    ctx.progress(1.0, "")
    # a shallow copy: the caller may change the result without touching a cached checkpoint
    return RecipeResult(
        current.copy(deep=False),
        dict(current_kinds),
        reports,
        len(current),
        restrict_all(predicted, current),
    )


def _by_model(step: dict[str, Any]) -> bool:
    """Steps that fit a model: they never read the kept-out columns, and are worth caching."""
    return step["op"] == "predict_missing" or (step["op"] == "impute" and step["method"] == "model")


def _follow_marks(
    predicted: dict[str, PredictedCells], outcome: Outcome
) -> dict[str, PredictedCells]:
    """The predicted-cell marks after a step: new ones added, renamed and removed columns
    followed (rows a later step removed are dropped at the end)."""
    out = {c: m for c, m in predicted.items() if c not in outcome.columns_removed}
    for old, new in (outcome.details.get("renamed") or {}).items():
        if old in out:
            out[new] = out.pop(old).renamed(new)
    mark = outcome.predicted
    if mark is not None:
        earlier = out.get(mark.column)
        out[mark.column] = mark if earlier is None else earlier.merged(mark)
    return out


def _with_effect(report: StepReport) -> StepReport:
    return dataclasses.replace(report, effect=recipe_wording.describe_effect(report))


def _kind(frame: pd.DataFrame, kinds: dict[str, ColumnKind], column: str) -> ColumnKind:
    if column in kinds:
        return ColumnKind(kinds[column])
    return fallback_kind(frame[column])
