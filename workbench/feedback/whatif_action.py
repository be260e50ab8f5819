"""An action made from a what-if setting: the change to try, and the model's predicted effect.

The what-if's claim (:class:`~workbench.steps.whatif_claim.WhatIfClaim`) goes into the action's
``predicted_effect``; the data's claim (``expected_effect``) is left empty, because a model's
prediction for a setting is not the measured difference of rows that had it. When the outcome is
logged, the report sets the predicted change beside the measured one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from workbench.feedback.actions import Action, SourceGroup, make_change, new_action
from workbench.steps import whatif_wording as words
from workbench.steps.whatif_claim import WhatIfClaim


def _goal_doc(goal: Any) -> dict[str, Any] | None:
    if goal is None:
        return None
    doc = dict(goal) if isinstance(goal, Mapping) else dict(goal.to_dict())
    return {k: doc.get(k) for k in ("target", "direction", "focus", "success")}


def action_from_whatif(
    claim: WhatIfClaim,
    goal: Any = None,
    group: Any = None,
    current: Any = None,
    **fields: Any,
) -> Action:
    """A planned action that sets ``claim.column`` to ``claim.value``.

    ``group``: the cause group the rows came from (a ``CauseGroup`` or its dict), kept as the
    action's source; ``current``: the rows' typical value now (the change's "from"). The
    hypothesis is the what-if's sentences; ``fields`` override any pre-filled value.
    """
    start = "" if current is None else words.value_text(current)
    lines = [words.setting_sentence(claim), words.band_sentence(claim), *words.warnings(claim)]
    lines.append(words.caveat())
    defaults: dict[str, Any] = {
        "hypothesis": " ".join(lines),
        "changes": [make_change(claim.column, start, words.value_text(claim.value))],
        "goal": _goal_doc(goal),
        "predicted_effect": claim.to_dict(),
    }
    if group is not None:
        g = dict(group) if isinstance(group, Mapping) else dict(group.to_dict())
        defaults["source_group"] = SourceGroup(
            group_id=int(g.get("id", 0)),
            description=str(g.get("description", "")),
            factors=[claim.column],
        )
    defaults.update(fields)
    title = defaults.pop("title", None) or words.action_title(claim)
    return new_action(title, **defaults)
