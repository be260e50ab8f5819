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

Every step may also carry ``"note"`` (why the user added it) and ``"source"`` (what proposed it,
e.g. the alert kind). Loading a recipe only parses JSON and checks each step against this schema:
a colleague's project file can never run code.

The frame's index (the row's 0-based position in the source) survives every step: filtering and
dropping duplicates remove rows but never renumber the rest.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import json
import math
import time
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from workbench.errors import WorkbenchError
from workbench.i18n import _, say_again
from workbench.io.table import ColumnKind
from workbench.jobs import JobContext, ensure_context
from workbench.steps import recipe_ops, recipe_wording

RECIPE_VERSION = 1

IMPUTE_METHODS = ("median", "mode", "constant", "model")
FILTER_OPERATORS = (
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "between",
    "in",
    "not_in",
    "is_missing",
    "not_missing",
)
_COMMON_OPTIONAL = ("note", "source")

# op -> (required fields, optional fields) besides "op", "note" and "source".
_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "drop_columns": (("columns",), ()),
    "drop_duplicate_rows": ((), ()),
    "sentinel_to_missing": (("column", "values"), ()),
    "impute": (("column", "method"), ("value",)),
    "filter_rows": (("column", "operator"), ("value",)),
    "cast": (("column", "kind"), ()),
    "rename": (("column", "to"), ()),
    "merge_categories": (("column", "mapping"), ()),
    "clip": (("column",), ("lower", "upper")),
}
OPS = tuple(_FIELDS)


# --------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------


def _refuse(position: int | None, message: str) -> WorkbenchError:
    hint = _("Remove or correct this step; the other steps are not affected.")
    if position is None:
        return WorkbenchError(message, hint)
    return WorkbenchError(
        _("Cleaning step {n}: {problem}").format(n=position + 1, problem=message), hint
    )


def _is_number(value: Any) -> bool:
    """A finite number within the range of a float (no true/false, no 10**400)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return abs(value) <= _LARGEST_INT
    return isinstance(value, float) and math.isfinite(value)


_LARGEST_INT = 2**63


def _is_scalar(value: Any) -> bool:
    """A plain JSON value a step may compare with: text, a finite number or true/false."""
    return isinstance(value, str | bool) or _is_number(value)


def _check_text(position: int | None, name: str, value: Any) -> str:
    if not isinstance(value, str) or value == "":
        raise _refuse(
            position,
            _("‘{field}’ must be a column name or text, not {value}.").format(
                field=name, value=_shown(value)
            ),
        )
    return value


def _check_scalar_list(position: int | None, name: str, value: Any) -> list[Any]:
    if not isinstance(value, list | tuple) or not value:
        raise _refuse(
            position,
            _("‘{field}’ must be a non-empty list of values.").format(field=name),
        )
    for item in value:
        if not _is_scalar(item):
            raise _refuse(
                position,
                _("‘{field}’ holds {value}, which is not a plain value (text or number).").format(
                    field=name, value=_shown(item)
                ),
            )
    return list(value)


def _shown(value: Any) -> str:
    """A short, safe rendering of a bad value for an error message."""
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=True)
    except (TypeError, ValueError):
        text = type(value).__name__
    return text if len(text) <= 60 else text[:57] + "..."


def _plain(value: Any) -> Any:
    """NumPy scalars as Python ones and tuples as lists, so a step always saves as JSON."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def validate_step(step: Any, position: int | None = None) -> dict[str, Any]:
    """Check one step against the schema and return a clean copy (lists, not tuples).

    Raises :class:`WorkbenchError` with a plain message naming the step and the problem.
    """
    step = _plain(step)
    if not isinstance(step, dict):
        raise _refuse(
            position,
            _("a step must be a set of named fields, not {value}.").format(value=_shown(step)),
        )
    op = step.get("op")
    if not isinstance(op, str) or op not in _FIELDS:
        known = ", ".join(OPS)
        if op is None:
            message = _("the step does not say what to do (no ‘op’ field).")
        else:
            message = _("‘{op}’ is not a cleaning step this version knows ({known}).").format(
                op=_shown(op).strip('"'), known=known
            )
        raise _refuse(position, message)
    required, optional = _FIELDS[op]
    allowed = {"op", *required, *optional, *_COMMON_OPTIONAL}
    for key in step:
        if key not in allowed:
            raise _refuse(
                position,
                _("the ‘{op}’ step has a field it does not use: ‘{field}’.").format(
                    op=op, field=_shown(key).strip('"')
                ),
            )
    for key in required:
        if key not in step:
            raise _refuse(
                position,
                _("the ‘{op}’ step needs a ‘{field}’ field.").format(op=op, field=key),
            )
    out: dict[str, Any] = {"op": op}
    for key in _COMMON_OPTIONAL:
        if key in step and step[key] is not None:
            if not isinstance(step[key], str):
                raise _refuse(position, _("‘{field}’ must be text.").format(field=key))
            out[key] = step[key]
    if "column" in required:
        out["column"] = _check_text(position, "column", step["column"])
    _CHECKERS[op](step, out, position)
    return out


def _check_drop_columns(step: dict[str, Any], out: dict[str, Any], pos: int | None) -> None:
    columns = step["columns"]
    if not isinstance(columns, list | tuple) or not columns:
        raise _refuse(pos, _("‘columns’ must be a non-empty list of column names."))
    out["columns"] = [_check_text(pos, "columns", c) for c in columns]


def _check_nothing(step: dict[str, Any], out: dict[str, Any], pos: int | None) -> None:
    return None


def _check_sentinel(step: dict[str, Any], out: dict[str, Any], pos: int | None) -> None:
    out["values"] = _check_scalar_list(pos, "values", step["values"])


def _check_impute(step: dict[str, Any], out: dict[str, Any], pos: int | None) -> None:
    method = step["method"]
    if method not in IMPUTE_METHODS:
        raise _refuse(
            pos,
            _("‘method’ must be one of {known}, not {value}.").format(
                known=", ".join(IMPUTE_METHODS), value=_shown(method)
            ),
        )
    out["method"] = method
    value = step.get("value")
    if method == "constant":
        if not _is_scalar(value):
            raise _refuse(pos, _("filling with a fixed value needs a ‘value’ (text or number)."))
        out["value"] = value
    elif value is not None:
        raise _refuse(
            pos, _("‘value’ is only used when filling with a fixed value (method ‘constant’).")
        )


def _check_filter(step: dict[str, Any], out: dict[str, Any], pos: int | None) -> None:
    operator = step["operator"]
    if operator not in FILTER_OPERATORS:
        raise _refuse(
            pos,
            _("‘operator’ must be one of {known}, not {value}.").format(
                known=" ".join(FILTER_OPERATORS), value=_shown(operator)
            ),
        )
    out["operator"] = operator
    value = step.get("value")
    if operator in ("is_missing", "not_missing"):
        if value is not None:
            raise _refuse(pos, _("‘{op}’ takes no ‘value’.").format(op=operator))
        return
    if "value" not in step:
        raise _refuse(pos, _("the filter ‘{op}’ needs a ‘value’.").format(op=operator))
    if operator == "between":
        if not isinstance(value, list | tuple) or len(value) != 2:
            raise _refuse(pos, _("‘between’ needs a value like [low, high]."))
        low, high = value
        if not all(_is_number(v) or isinstance(v, str) for v in (low, high)):
            raise _refuse(pos, _("the bounds of ‘between’ must be numbers or dates."))
        if _is_number(low) and _is_number(high) and low > high:
            raise _refuse(
                pos,
                _("the low bound {low} is above the high bound {high}.").format(low=low, high=high),
            )
        out["value"] = [low, high]
    elif operator in ("in", "not_in"):
        out["value"] = _check_scalar_list(pos, "value", value)
    elif operator in ("==", "!="):
        if not _is_scalar(value):
            raise _refuse(pos, _("‘value’ must be text or a number."))
        out["value"] = value
    else:
        if not (_is_number(value) or isinstance(value, str)):
            raise _refuse(pos, _("‘value’ must be a number or a date."))
        out["value"] = value


def _check_cast(step: dict[str, Any], out: dict[str, Any], pos: int | None) -> None:
    kinds = [k.value for k in ColumnKind]
    if step["kind"] not in kinds:
        raise _refuse(
            pos,
            _("‘kind’ must be one of {known}, not {value}.").format(
                known=", ".join(kinds), value=_shown(step["kind"])
            ),
        )
    out["kind"] = str(step["kind"])


def _check_rename(step: dict[str, Any], out: dict[str, Any], pos: int | None) -> None:
    out["to"] = _check_text(pos, "to", step["to"])


def _check_merge(step: dict[str, Any], out: dict[str, Any], pos: int | None) -> None:
    mapping = step["mapping"]
    if not isinstance(mapping, dict) or not mapping:
        raise _refuse(pos, _("‘mapping’ must list at least one label and what it becomes."))
    for old, new in mapping.items():
        if not isinstance(old, str) or not isinstance(new, str):
            raise _refuse(
                pos,
                _("‘mapping’ must map labels to labels (text), not {old} → {new}.").format(
                    old=_shown(old), new=_shown(new)
                ),
            )
    out["mapping"] = dict(mapping)


def _check_clip(step: dict[str, Any], out: dict[str, Any], pos: int | None) -> None:
    lower, upper = step.get("lower"), step.get("upper")
    for name, value in (("lower", lower), ("upper", upper)):
        if value is not None and not (_is_number(value) or isinstance(value, str)):
            raise _refuse(
                pos,
                _("‘{field}’ must be a number, a date or empty, not {value}.").format(
                    field=name, value=_shown(value)
                ),
            )
    if lower is None and upper is None:
        raise _refuse(pos, _("limiting values needs a lower or an upper bound (or both)."))
    if _is_number(lower) and _is_number(upper) and lower > upper:
        raise _refuse(
            pos,
            _("the lower bound {low} is above the upper bound {high}.").format(
                low=lower, high=upper
            ),
        )
    out["lower"] = lower
    out["upper"] = upper


_CHECKERS = {
    "drop_columns": _check_drop_columns,
    "drop_duplicate_rows": _check_nothing,
    "sentinel_to_missing": _check_sentinel,
    "impute": _check_impute,
    "filter_rows": _check_filter,
    "cast": _check_cast,
    "rename": _check_rename,
    "merge_categories": _check_merge,
    "clip": _check_clip,
}


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
                raise _refuse(None, _("The cleaning recipe has an unreadable version number."))
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


@dataclass(frozen=True)
class StepReport:
    """What one step did to the table (or why it was skipped)."""

    index: int
    op: str
    description: str
    rows_before: int
    rows_after: int
    rows_removed: int
    cells_changed: int
    columns_removed: list[str]
    warning: str | None = None
    skipped: bool = False
    effect: str = ""  # plain-language summary of the counts
    details: dict[str, Any] = field(default_factory=dict)
    step: dict[str, Any] | None = None  # the step as run: its words can be said again

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "op": self.op,
            "description": self.description,
            "rows_before": self.rows_before,
            "rows_after": self.rows_after,
            "rows_removed": self.rows_removed,
            "cells_changed": self.cells_changed,
            "columns_removed": list(self.columns_removed),
            "warning": None if self.warning is None else str(self.warning),
            # how to say the warning again in another language (see workbench.i18n.say)
            "warning_say": getattr(self.warning, "recipe", None),
            "skipped": self.skipped,
            "effect": self.effect,
            "details": copy.deepcopy(self.details),
            "step": copy.deepcopy(self.step),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StepReport:
        """A saved report (see :meth:`to_dict`); unknown keys are ignored."""
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        if isinstance(data.get("warning_say"), dict):
            with contextlib.suppress(KeyError, TypeError, ValueError, IndexError):
                known["warning"] = say_again(data["warning_say"])
        return cls(**known)

    def reworded(self) -> StepReport:
        """This report with its description and effect said in the current language."""
        if self.step is None:
            return self
        try:
            described = dataclasses.replace(
                self, description=recipe_wording.describe_step(self.step)
            )
            return dataclasses.replace(described, effect=recipe_wording.describe_effect(described))
        except (KeyError, TypeError, ValueError):
            return self


@dataclass
class RecipeResult:
    """The cleaned frame, its column kinds, and one report per step."""

    frame: pd.DataFrame
    kinds: dict[str, ColumnKind]
    reports: list[StepReport]
    rows_left: int

    @property
    def warnings(self) -> list[str]:
        return [r.warning for r in self.reports if r.warning]


class RecipeCache:
    """Keeps the table after slow steps so that editing a later step replays only the rest.

    Pass the same cache to :func:`apply_recipe` while the user edits the recipe on one loaded
    frame. A checkpoint is kept after each step that took at least ``min_seconds`` (and always
    after model-based filling); at most ``max_checkpoints`` are kept, least recently used first
    out. Unchanged columns are shared with the source frame (copy-on-write), so a checkpoint
    costs only the columns its steps changed, or a full copy after a row filter.
    """

    def __init__(self, max_checkpoints: int = 3, min_seconds: float = 0.25) -> None:
        self.max_checkpoints = max_checkpoints
        self.min_seconds = min_seconds
        self.hits = 0
        self._source: pd.DataFrame | None = None
        self._source_kinds: dict[str, ColumnKind] = {}
        self._checkpoints: OrderedDict[
            str, tuple[pd.DataFrame, dict[str, ColumnKind], list[StepReport]]
        ] = OrderedDict()

    def clear(self) -> None:
        self._source = None
        self._source_kinds = {}
        self._checkpoints.clear()

    def _bind(self, frame: pd.DataFrame, kinds: dict[str, ColumnKind]) -> None:
        if self._source is not frame or self._source_kinds != kinds:
            self.clear()
            self._source = frame  # held so its identity stays meaningful
            self._source_kinds = dict(kinds)

    def _lookup(
        self, keys: list[str]
    ) -> tuple[int, tuple[pd.DataFrame, dict[str, ColumnKind], list[StepReport]] | None]:
        for i in range(len(keys) - 1, -1, -1):
            hit = self._checkpoints.get(keys[i])
            if hit is not None:
                self._checkpoints.move_to_end(keys[i])
                self.hits += 1
                return i + 1, hit
        return 0, None

    def _store(
        self,
        key: str,
        frame: pd.DataFrame,
        kinds: dict[str, ColumnKind],
        reports: list[StepReport],
    ) -> None:
        self._checkpoints[key] = (frame, dict(kinds), list(reports))
        self._checkpoints.move_to_end(key)
        while len(self._checkpoints) > self.max_checkpoints:
            self._checkpoints.popitem(last=False)


def _prefix_keys(steps: list[dict[str, Any]]) -> list[str]:
    """One key per prefix of the recipe; notes and sources do not change the result."""
    keys = []
    parts: list[dict[str, Any]] = []
    for step in steps:
        parts.append({k: v for k, v in step.items() if k not in _COMMON_OPTIONAL})
        keys.append(json.dumps(parts, sort_keys=True, ensure_ascii=False))
    return keys


def apply_recipe(
    frame: pd.DataFrame,
    kinds: dict[str, ColumnKind],
    recipe: Recipe,
    ctx: JobContext | None = None,
    *,
    cache: RecipeCache | None = None,
) -> RecipeResult:
    """Replay ``recipe`` on ``frame`` and return the cleaned copy with a report per step.

    ``frame`` and ``kinds`` are left as they were. A step that cannot run (its column is gone,
    a value does not fit the column) is skipped with a plain-language warning in its report and
    the rest of the recipe still runs.
    """
    ctx = ensure_context(ctx)
    steps = recipe.steps
    n = len(steps)
    current = frame.copy(deep=False)  # copy-on-write: columns are shared until changed
    current_kinds = {c: _kind(frame, kinds, c) for c in frame.columns}
    reports: list[StepReport] = []
    start = 0
    keys = _prefix_keys(steps)
    if cache is not None:
        cache._bind(frame, kinds)
        start, hit = cache._lookup(keys)
        if hit is not None:
            current, current_kinds, reports = hit[0].copy(deep=False), dict(hit[1]), list(hit[2])
    for i in range(start, n):
        step = steps[i]
        sub = ctx.sub(i / n, (i + 1) / n)
        description = recipe_wording.describe_step(step)
        sub.progress(0.0, description)
        rows_before = len(current)
        started = time.perf_counter()
        try:
            outcome = recipe_ops.run_step(current, current_kinds, step, sub)
        except recipe_ops.StepSkipped as skip:
            outcome = recipe_ops.Outcome(current, current_kinds, warning=skip.message)
            skipped = True
        else:
            skipped = False
        elapsed = time.perf_counter() - started
        current, current_kinds = outcome.frame, outcome.kinds
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
        if cache is not None and (
            elapsed >= cache.min_seconds or (step["op"] == "impute" and step["method"] == "model")
        ):
            cache._store(keys[i], current, current_kinds, reports)
    ctx.progress(1.0, "")
    # a shallow copy: the caller may change the result without touching a cached checkpoint
    return RecipeResult(current.copy(deep=False), dict(current_kinds), reports, len(current))


def _with_effect(report: StepReport) -> StepReport:
    return dataclasses.replace(report, effect=recipe_wording.describe_effect(report))


def _kind(frame: pd.DataFrame, kinds: dict[str, ColumnKind], column: str) -> ColumnKind:
    if column in kinds:
        return ColumnKind(kinds[column])
    return recipe_ops.kind_from_dtype(frame[column])
