"""The business goal: which column to improve, in which direction, and which rows to study.

A :class:`Goal` is what the engineer says ("raise efficiency; look at the top 5% of runs",
"predict defect = yes"). It is plain data the project saves (``to_dict``/``from_dict``).
The focus rule picks the rows whose causes we look for: ``top:5%``, ``bottom:10%``, ``class:NG``;
it is parsed once into a :class:`FocusRule` when the goal is made and travels typed.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from workbench.errors import WorkbenchError
from workbench.i18n import _
from workbench.numbers_format import format_label
from workbench.vocabulary import ColumnRole, FocusKind

# Every analysis imports this module before LightGBM: make LightGBM's OpenMP threads wait
# passively (spinning threads make a 2-thread fit ~10x slower whenever other programs share the
# cores). Read once when the OpenMP runtime loads; see also workbench.steps.modeling.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


class Direction(StrEnum):
    """What the engineer wants from the target."""

    MAXIMIZE = "maximize"
    MINIMIZE = "minimize"
    CLASS = "class"  # predict (and reduce) one class, e.g. defect = yes


class Task(StrEnum):
    """The kind of model the target calls for."""

    REGRESSION = "regression"
    BINARY = "binary"
    MULTICLASS = "multiclass"


#: Roles whose columns go into the model.
MODEL_ROLES = frozenset({ColumnRole.FEATURE, ColumnRole.CONTROLLABLE, ColumnRole.UNCONTROLLABLE})


@dataclass(frozen=True)
class Exclusion:
    """A column kept out of the model, with a stable ``reason`` and a plain ``message``.

    Reasons: ``target``, ``id``, ``time`` (``time_unordered``: marked, but its values order no
    rows), ``excluded`` (the user's choice), ``constant``,
    ``id_like``, ``leakage``, ``empty``, ``text``, ``datetime``, ``high_cardinality``.
    """

    column: str
    reason: str
    message: str = ""
    details: dict[str, Any] = field(default_factory=dict, hash=False)
    forced: bool = False  # flagged, but the user put it in the model anyway

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "column": self.column,
            "reason": self.reason,
            "message": self.message,
        }
        if self.details:
            out["details"] = dict(self.details)
        if self.forced:
            out["forced"] = True
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, forced: bool = False) -> Exclusion:
        """The saved exclusion, its sentence said again in the reader's language.

        ``forced`` marks an entry of a ``forced`` list (files before the flag was saved)."""
        from workbench.steps import model_wording as words

        column, reason = data["column"], data["reason"]
        details = dict(data.get("details") or {})
        forced = forced or bool(data.get("forced", False))
        message = data.get("message", "")
        if forced:
            message = words.forced_message(column, reason)
        elif reason != "high_cardinality" or "levels" in details:
            message = words.exclusion_message(reason, column, **details)
        return cls(column, reason, message, details, forced)


@dataclass(frozen=True)
class FocusRule:
    """Which rows to study: the top or bottom share of the target, or one class.

    ``value`` is a fraction in (0, 1] for ``top``/``bottom`` (``top:5%`` -> 0.05) and the class
    label (as text) for ``class``.
    """

    kind: FocusKind
    value: float | str

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", FocusKind(self.kind))  # "top" read from a file

    def __str__(self) -> str:
        return self.to_text()

    def to_text(self) -> str:
        """The rule as the user types it: ``top:5%``, ``class:NG``."""
        if self.kind == "class":
            return f"class:{self.value}"
        return f"{self.kind}:{_format_percent(float(self.value))}"

    def describe(self, target: str | None = None) -> str:
        """Plain words: "the top 5% of rows by efficiency", "rows where defect is NG"."""
        if self.kind == "class":
            if target:
                return _("rows where {target} is {label}").format(target=target, label=self.value)
            return _("rows of class {label}").format(label=self.value)
        pct = _format_percent(float(self.value))
        if self.kind == "top":
            if target:
                return _("the top {pct} of rows by {target}").format(pct=pct, target=target)
            return _("the top {pct} of rows").format(pct=pct)
        if target:
            return _("the bottom {pct} of rows by {target}").format(pct=pct, target=target)
        return _("the bottom {pct} of rows").format(pct=pct)


def _format_percent(fraction: float) -> str:
    pct = fraction * 100
    text = f"{pct:.4f}".rstrip("0").rstrip(".")
    return f"{text}%"


_FOCUS_RE = re.compile(r"^\s*(top|bottom|class)\s*[:=]\s*(.*?)\s*$", re.IGNORECASE | re.DOTALL)


def parse_focus(text: str) -> FocusRule:
    """Parse ``top:5%``, ``bottom:10%``, ``top:2.5``(%) or ``class:NG``.

    Raises :class:`WorkbenchError` with a plain message for anything else.
    """
    hint = _("Write the focus as top:5%, bottom:10% or class:NG.")
    if not isinstance(text, str):
        raise WorkbenchError(_("The focus “{text}” is not understood.").format(text=text), hint)
    m = _FOCUS_RE.match(text)
    if not m:
        raise WorkbenchError(_("The focus “{text}” is not understood.").format(text=text), hint)
    kind = m.group(1).lower()
    raw = m.group(2)
    if kind == "class":
        if not raw:
            raise WorkbenchError(
                _("The focus “{text}” names no class.").format(text=text),
                _("Write the class after the colon, e.g. class:NG."),
            )
        return FocusRule(FocusKind.CLASS, raw)
    number = raw[:-1].strip() if raw.endswith("%") else raw
    try:
        pct = float(number.replace(",", "."))
    except ValueError:
        raise WorkbenchError(
            _("The focus “{text}” needs a percentage, e.g. {kind}:5%.").format(
                text=text, kind=kind
            ),
            hint,
        ) from None
    if not math.isfinite(pct) or pct <= 0 or pct > 100:
        raise WorkbenchError(
            _("The focus share must be above 0% and at most 100%; “{text}” is not.").format(
                text=text
            ),
            hint,
        )
    return FocusRule(FocusKind(kind), pct / 100.0)


@dataclass(frozen=True)
class Goal:
    """Target column, direction, focus segment and optional success criterion.

    The focus is parsed once, where the goal is made: ``Goal("y", focus="top:5%")`` holds
    ``FocusRule(FocusKind.TOP, 0.05)``, so no later step re-reads the text (a bad text is
    refused here, with :func:`parse_focus`'s plain message). Frozen: change a goal with
    ``dataclasses.replace``, so a job's snapshot never moves under it.
    """

    target: str
    direction: Direction = Direction.MAXIMIZE
    focus: FocusRule = field(default_factory=lambda: FocusRule(FocusKind.TOP, 0.05))
    success: float | None = None  # e.g. +0.3 on the target's scale
    task: Task | None = None  # None: inferred from the target's values
    positive_class: str | None = None  # the class to predict (binary) / explain (multiclass)

    def __post_init__(self) -> None:
        object.__setattr__(self, "direction", Direction(self.direction))
        if not isinstance(self.focus, FocusRule):  # text from the user or a file: parse here
            object.__setattr__(self, "focus", parse_focus(self.focus))
        if self.task is not None:
            object.__setattr__(self, "task", Task(self.task))

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "direction": str(self.direction),
            "focus": self.focus.to_text(),
            "success": self.success,
            "task": None if self.task is None else str(self.task),
            "positive_class": self.positive_class,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Goal:
        return cls(
            target=data["target"],
            direction=Direction(data.get("direction", Direction.MAXIMIZE)),
            focus=data.get("focus", "top:5%"),
            success=data.get("success"),
            task=None if data.get("task") is None else Task(data["task"]),
            positive_class=data.get("positive_class"),
        )


def select_focus(target: pd.Series, rule: FocusRule) -> pd.Index:
    """Row labels of the focus rows; rows with a missing target are never in the focus.

    ``top``/``bottom`` pick by value: the cutoff is the value of the row at the requested share
    (at least one row), and every row tied with the cutoff is included too — the same value never
    lands both inside and outside the focus. ``class`` matches the label as text ("1" matches 1
    and 1.0; case and surrounding spaces are ignored when that is unambiguous).
    """
    valid = target.dropna()
    if rule.kind == "class":
        labels = valid.map(format_label)
        wanted = str(rule.value)
        mask = labels == wanted
        if not mask.any():
            folded = labels.str.strip().str.casefold()
            alt = folded == wanted.strip().casefold()
            if alt.any() and labels[alt].nunique() == 1:
                mask = alt
        if not mask.any():
            levels = sorted(labels.unique().tolist())[:10]
            raise WorkbenchError(
                _("No row of {target} has the class “{label}”.").format(
                    target=target.name, label=wanted
                ),
                _("The classes are: {levels}.").format(levels=", ".join(levels)),
            )
        return valid.index[mask.to_numpy()]
    if not pd.api.types.is_numeric_dtype(valid) or pd.api.types.is_bool_dtype(valid):
        raise WorkbenchError(
            _("The focus {rule} needs a numeric target; {target} holds classes.").format(
                rule=rule.to_text(), target=target.name
            ),
            _("Use a class focus instead, e.g. class:NG."),
        )
    if valid.empty:
        return valid.index
    values = valid.to_numpy(dtype=float)
    k = max(1, math.ceil(float(rule.value) * len(values) - 1e-9))
    k = min(k, len(values))
    if rule.kind == "top":
        cutoff = np.partition(values, len(values) - k)[len(values) - k]
        mask = values >= cutoff
    else:
        cutoff = np.partition(values, k - 1)[k - 1]
        mask = values <= cutoff
    chosen: pd.Index = valid.index[mask]
    return chosen


def infer_task(target: pd.Series, goal: Goal | None = None, *, max_classes: int = 20) -> Task:
    """The task the target calls for; ``goal.task`` wins when set.

    Two distinct values -> binary; text/categorical with 3..max_classes levels -> multiclass;
    numbers with more than two values -> regression (or multiclass when the goal is a class and
    there are few levels). Refusals for unusable targets live in the modeling step.
    """
    if goal is not None and goal.task is not None:
        return goal.task
    valid = target.dropna()
    n_levels = int(valid.nunique())
    if n_levels == 2:
        return Task.BINARY
    numeric = pd.api.types.is_numeric_dtype(valid) and not pd.api.types.is_bool_dtype(valid)
    if numeric:
        wants_class = goal is not None and goal.direction == Direction.CLASS
        if wants_class and 3 <= n_levels <= max_classes:
            return Task.MULTICLASS
        return Task.REGRESSION
    return Task.MULTICLASS if n_levels >= 3 else Task.BINARY
