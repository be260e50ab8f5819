"""Did an action meet the goal's success criterion? Judged on its before/after evidence.

The criterion is the change the engineer hopes for (``Goal.success``, e.g. ``+0.3``); its size
counts in the goal's direction: up for *maximize*, down for *minimize* and for reducing a class
(a defect). With the 95% interval of the measured change (after − before) from
:func:`workbench.feedback.evidence.compare`:

* ``met`` — the whole interval is at or beyond the criterion in the goal's direction;
* ``not_met`` — the whole interval falls short of it;
* ``unclear`` — the interval straddles it.

No evidence or no criterion: no verdict (None). For a rate (0/1 evidence) the criterion is read
in percentage points, the unit the evidence is stated in (``-0.5`` = half a point fewer defects).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from workbench.feedback import evidence_wording as words
from workbench.vocabulary import SuccessVerdict, verdict_label

__all__ = ["SuccessCheck", "action_success_check", "check_success", "goal_points_down"]

MET, NOT_MET, UNCLEAR = SuccessVerdict.MET, SuccessVerdict.NOT_MET, SuccessVerdict.UNCLEAR


@dataclass(frozen=True)
class SuccessCheck:
    """The verdict and the numbers it was judged on (all on the evidence's scale).

    ``criterion`` is signed in the goal's direction (negative when the goal wants a drop);
    for a proportion it, like ``difference`` and the interval, is a fraction.
    """

    verdict: SuccessVerdict
    criterion: float
    difference: float
    ci_low: float
    ci_high: float
    kind: str = "mean"  # mean | proportion
    unit: str = ""

    @property
    def text(self) -> str:
        """ "Success criterion +0.30: met — measured +0.42, 95% CI +0.35 to +0.50"."""
        return words.success_sentence(self)

    @property
    def short(self) -> str:
        """The verdict in one or two words (a table cell)."""
        return verdict_label(self.verdict)


def goal_points_down(direction: Any) -> bool:
    """True when the goal wants the target to drop (minimize, or reduce a class)."""
    return str(direction) in ("minimize", "class")


def check_success(
    evidence: Mapping[str, Any] | None, success: float | None, direction: Any
) -> SuccessCheck | None:
    """The verdict of saved evidence (``Evidence.to_dict()``) against a criterion."""
    if not evidence or success is None:
        return None
    try:
        low, high = float(evidence["ci_low"]), float(evidence["ci_high"])
        diff = float(evidence["difference"])
    except (KeyError, TypeError, ValueError):
        return None
    kind = str(evidence.get("kind") or "mean")
    size = abs(float(success)) / (100.0 if kind == "proportion" else 1.0)
    criterion = -size if goal_points_down(direction) else size
    if goal_points_down(direction):
        verdict = MET if high <= criterion else NOT_MET if low > criterion else UNCLEAR
    else:
        verdict = MET if low >= criterion else NOT_MET if high < criterion else UNCLEAR
    unit = "%p" if kind == "proportion" else str(evidence.get("unit") or "")
    return SuccessCheck(verdict, criterion, diff, low, high, kind, unit)


def _field(obj: Any, name: str) -> Any:
    return obj.get(name) if isinstance(obj, Mapping) else getattr(obj, name, None)


def action_success_check(action: Any, goal: Any) -> SuccessCheck | None:
    """The verdict of an action (an ``Action`` or its dict) against the project's goal.

    The goal's criterion applies when the action was made for the same target (or says
    nothing about its target); an action made for another target keeps the criterion saved
    with it, since its evidence measured that target.
    """
    evidence = _field(action, "evidence")
    if not isinstance(evidence, Mapping):
        return None
    saved = _field(action, "goal")
    saved = saved if isinstance(saved, Mapping) else None
    use: Any = goal
    if goal is None or (saved and saved.get("target") not in (None, _field(goal, "target"))):
        use = saved
    if use is None:
        return None
    success = _field(use, "success")
    if success is None:
        return None
    return check_success(evidence, float(success), _field(use, "direction"))
