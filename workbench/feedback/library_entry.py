"""One entry of the experiment library: a logged action with the context it was tried in."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from workbench.feedback import actions_wording as words
from workbench.feedback.actions import Action


def factor_key(name: str) -> str:
    """A factor name for matching: case, spaces, separators and units ignored
    ("Paste Thickness [µm]" ~ "paste_thickness")."""
    text = re.sub(r"[\[(].*?[\])]", "", str(name)).casefold()
    return re.sub(r"[\W_]+", "", text)


@dataclass(frozen=True)
class LibraryEntry:
    """One logged action with its context (what, why, where, when, what happened)."""

    entry_id: str  # the action's id: stable across exports and imports
    title: str
    outcome: str  # improved | no_change | worse | inconclusive | not_tried
    logged_at: str = ""  # when the outcome was logged (ISO UTC)
    updated_at: str = ""  # last change of the action (newest wins on import)
    project: str = ""
    goal_target: str = ""
    goal_direction: str = ""
    data_period: str = ""
    factors: tuple[str, ...] = ()
    changes: tuple[dict[str, str], ...] = ()
    conditions: tuple[dict[str, Any], ...] = ()  # the cause group's ranges
    hypothesis: str = ""
    notes: str = ""
    reason: str = ""
    measured_effect: float | None = None
    evidence: dict[str, Any] | None = None
    redefine_goal: bool = False
    redefine_note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def change_summary(self) -> str:
        """ "paste_thickness below 17; supplier S2" (or "" without changes)."""
        return "; ".join(f"{c.get('factor', '')} {c.get('to', '')}".strip() for c in self.changes)

    @property
    def text(self) -> str:
        """ "Tried before: paste_thickness below 17 — no change, 2026-04, project Line 3"."""
        return words.tried_before(self)

    def to_dict(self) -> dict[str, Any]:
        return {
            "entry_id": self.entry_id,
            "title": self.title,
            "outcome": self.outcome,
            "logged_at": self.logged_at,
            "updated_at": self.updated_at,
            "project": self.project,
            "goal_target": self.goal_target,
            "goal_direction": self.goal_direction,
            "data_period": self.data_period,
            "factors": list(self.factors),
            "changes": [dict(c) for c in self.changes],
            "conditions": [dict(c) for c in self.conditions],
            "hypothesis": self.hypothesis,
            "notes": self.notes,
            "reason": self.reason,
            "measured_effect": self.measured_effect,
            "evidence": self.evidence,
            "redefine_goal": self.redefine_goal,
            "redefine_note": self.redefine_note,
            "extra": dict(self.extra),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LibraryEntry:
        if not isinstance(data, dict) or not data.get("entry_id") or not data.get("outcome"):
            raise ValueError("not a library entry")
        effect = data.get("measured_effect")
        return cls(
            entry_id=str(data["entry_id"]),
            title=str(data.get("title", "")),
            outcome=str(data["outcome"]),
            logged_at=str(data.get("logged_at") or ""),
            updated_at=str(data.get("updated_at") or ""),
            project=str(data.get("project") or ""),
            goal_target=str(data.get("goal_target") or ""),
            goal_direction=str(data.get("goal_direction") or ""),
            data_period=str(data.get("data_period") or ""),
            factors=tuple(str(f) for f in data.get("factors") or ()),
            changes=tuple(dict(c) for c in data.get("changes") or ()),
            conditions=tuple(dict(c) for c in data.get("conditions") or ()),
            hypothesis=str(data.get("hypothesis") or ""),
            notes=str(data.get("notes") or ""),
            reason=str(data.get("reason") or ""),
            measured_effect=None if effect is None else float(effect),
            evidence=data.get("evidence") if isinstance(data.get("evidence"), dict) else None,
            redefine_goal=bool(data.get("redefine_goal", False)),
            redefine_note=str(data.get("redefine_note") or ""),
            extra=dict(data.get("extra") or {}),
        )

    def search_text(self) -> str:
        parts = [self.title, self.project, self.hypothesis, self.notes, self.reason]
        parts += [self.goal_target, self.redefine_note, self.change_summary, *self.factors]
        if self.evidence:
            parts.append(str(self.evidence.get("text", "")))
        return " ".join(p for p in parts if p).casefold()


def data_period(project: Any) -> str:
    """ "2026-01-05 to 2026-03-30" from the project's time column, or ""."""
    import pandas as pd

    frame = getattr(project, "frame", None)
    roles = getattr(project, "roles", {}) or {}
    times = [c for c, r in roles.items() if str(r) == "time"]
    if frame is None or not times or times[0] not in frame.columns:
        return ""
    values = pd.to_datetime(frame[times[0]], errors="coerce").dropna()
    if values.empty:
        return ""
    return f"{values.min():%Y-%m-%d} – {values.max():%Y-%m-%d}"


def entry_from_action(action: Action, project: Any = None, **context: Any) -> LibraryEntry:
    """A library entry for a logged action; ``project`` (a ``Project``) supplies the project
    name, goal and data period unless ``context`` gives them (``project_name``,
    ``data_period``)."""
    kind = action.result_kind
    if kind is None:
        raise ValueError("only actions with an outcome or 'could not try' go to the library")
    goal = dict(action.goal or {})
    if not goal and project is not None and getattr(project, "goal", None) is not None:
        goal = project.goal.to_dict()
    last = action.history[-1]["when"] if action.history else action.created
    source = action.source_group
    return LibraryEntry(
        entry_id=action.id,
        title=action.title,
        outcome=str(kind),
        logged_at=action.outcome_date or last,
        updated_at=last,
        project=str(context.get("project_name") or getattr(project, "name", "") or ""),
        goal_target=str(goal.get("target") or ""),
        goal_direction=str(goal.get("direction") or ""),
        data_period=str(context.get("data_period") or (data_period(project) if project else "")),
        factors=tuple(action.factors),
        changes=tuple(
            {"factor": c["factor"], "from": c["from"], "to": c["to"]} for c in action.changes
        ),
        conditions=tuple(source.conditions) if source else (),
        hypothesis=action.hypothesis,
        notes=action.notes,
        reason=action.reason_not_tried,
        measured_effect=action.measured_effect,
        evidence=action.evidence,
        redefine_goal=action.redefine_goal,
        redefine_note=action.redefine_note,
    )
