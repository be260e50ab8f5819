"""Actions: what the line tries because of an analysis, and what happened when it did.

An :class:`Action` is one experiment: a title, the hypothesis, the changes to make (factor from →
to), who and when, its status, and later its outcome with optional evidence (before/after
samples, :mod:`workbench.feedback.evidence`). Every change goes through :func:`update_action`, which
returns a new action and appends to its history, so the log of what was decided and learned is
never rewritten. ``Project.actions`` holds a list of actions; the project file stores
:func:`actions_to_json` of it and reads it back with :func:`actions_from_json`.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypedDict

from workbench.errors import WorkbenchError
from workbench.feedback import actions_wording as words
from workbench.i18n import current_language
from workbench.vocabulary import Controllability, FocusKind, Outcome, Result, Status

#: One setting to change, as the engineer writes it: ``{"factor", "from", "to"}`` (all text).
Change = TypedDict("Change", {"factor": str, "from": str, "to": str})


class HistoryEntry(TypedDict):
    """One change to an action: when (ISO UTC), which field, old and new value (plain JSON)."""

    when: str
    field: str
    old: Any
    new: Any


def make_change(factor: str, from_value: str = "", to_value: str = "") -> Change:
    """A change entry ``{"factor", "from", "to"}``."""
    return {"factor": str(factor), "from": str(from_value or ""), "to": str(to_value or "")}


@dataclass(frozen=True)
class SourceGroup:
    """The cause group an action came from: its id, description, factors and their ranges."""

    group_id: int
    description: str = ""
    factors: list[str] = field(default_factory=list)
    conditions: list[dict[str, Any]] = field(default_factory=list)  # column, kind, low, high...

    def to_dict(self) -> dict[str, Any]:
        return {
            "group_id": self.group_id,
            "description": self.description,
            "factors": list(self.factors),
            "conditions": [dict(c) for c in self.conditions],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SourceGroup:
        return cls(
            group_id=int(data.get("group_id", 0)),
            description=str(data.get("description", "")),
            factors=[str(f) for f in data.get("factors", [])],
            conditions=[dict(c) for c in data.get("conditions", [])],
        )


def now_iso() -> str:
    """The current time in UTC as ISO text (seconds)."""
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Action:
    """One experiment on the line and what came of it. Change it only with :func:`update_action`."""

    title: str
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    hypothesis: str = ""
    changes: list[Change] = field(default_factory=list)
    owner: str = ""
    planned_date: str | None = None  # ISO date
    status: Status = Status.PLANNED
    outcome: Outcome | None = None
    outcome_date: str | None = None  # ISO UTC, set when the outcome (or "could not try") is logged
    measured_effect: float | None = None  # after − before, in the goal's unit (from evidence)
    notes: str = ""
    reason_not_tried: str = ""  # e.g. "equipment limit", "supplier contract"
    redefine_goal: bool = False  # the line taught us the question was wrong
    redefine_note: str = ""
    evidence: dict[str, Any] | None = None  # Evidence.to_dict()
    source_group: SourceGroup | None = None
    goal: dict[str, Any] | None = None  # target, direction, success of the goal at creation
    # The claim behind the hypothesis' numbers (workbench.claims.Claim.to_dict): the target
    # over all rows meeting the action's conditions against the rest, measured out of fold.
    expected_effect: dict[str, Any] | None = None
    # The what-if setting it came from (workbench.steps.whatif_claim.WhatIfClaim.to_dict): the
    # model's predicted change, kept apart from the data's claim above (a prediction is not a
    # measurement), so the report can set it beside the measured change.
    predicted_effect: dict[str, Any] | None = None
    created: str = field(default_factory=now_iso)
    history: tuple[HistoryEntry, ...] = ()
    # What action_from_group wrote and from what, so an unedited title, hypothesis and list of
    # changes are said again in the reader's language (see in_reader_language).
    generated: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", _status(self.status))
        object.__setattr__(self, "outcome", _outcome(self.outcome))

    @property
    def factors(self) -> list[str]:
        """The factors the action changes, else those of its cause group."""
        names = [c["factor"] for c in self.changes if c.get("factor")]
        if not names and self.source_group is not None:
            names = list(self.source_group.factors)
        return list(dict.fromkeys(names))

    @property
    def result_kind(self) -> Result | None:
        """``not_tried`` for an action that could not be tried, else the outcome (or None)."""
        return Result.of(self.status, self.outcome)

    @property
    def is_logged(self) -> bool:
        """True once there is something to learn from: an outcome, or "could not try"."""
        return self.result_kind is not None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON (the project file and the library store this)."""
        return {
            "id": self.id,
            "title": self.title,
            "hypothesis": self.hypothesis,
            "changes": [dict(c) for c in self.changes],
            "change": "; ".join(words.change_text(c) for c in self.changes),  # for plain readers
            "owner": self.owner,
            "planned_date": self.planned_date,
            "status": str(self.status),
            # "not_tried" for a could-not-try action, so readers without the core (the
            # report, other tools) see it as a result; from_dict maps it back to the status.
            "outcome": None if self.result_kind is None else str(self.result_kind),
            "outcome_date": self.outcome_date,
            "measured_effect": self.measured_effect,
            "notes": self.notes,
            "reason_not_tried": self.reason_not_tried,
            "redefine_goal": self.redefine_goal,
            "redefine_note": self.redefine_note,
            "evidence": None if self.evidence is None else dict(self.evidence),
            "source_group": None if self.source_group is None else self.source_group.to_dict(),
            "goal": None if self.goal is None else dict(self.goal),
            "expected_effect": None if self.expected_effect is None else dict(self.expected_effect),
            "predicted_effect": _mapping(self.predicted_effect),
            "created": self.created,
            "history": [dict(h) for h in self.history],
            "generated": None if self.generated is None else dict(self.generated),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Action:
        """Read :meth:`to_dict` back; unknown keys are ignored, missing ones take defaults."""
        if not isinstance(data, Mapping) or not str(data.get("title", "")).strip():
            raise WorkbenchError(words.bad_action_entry(), words.bad_action_entry_hint())
        group = data.get("source_group")
        effect = data.get("measured_effect")
        # Entries written by hand or by an older Workbench may use other words ("tried", "up").
        status, odd_status = _lenient(data.get("status"), Status, _STATUS_WORDS, Status.PLANNED)
        raw_outcome = data.get("outcome", data.get("result"))
        if isinstance(raw_outcome, Mapping):  # {"kind": ..., "notes": ...} in hand-made logs
            raw_outcome = raw_outcome.get("kind") or raw_outcome.get("result")
        if _word_key(raw_outcome) in _NOT_TRIED_WORDS:  # a result, stored as the status
            status, outcome, odd_outcome = Status.COULD_NOT_TRY, None, ""
        else:
            outcome, odd_outcome = _lenient(raw_outcome, Outcome, _OUTCOME_WORDS, None)
        notes = str(data.get("notes") or "")
        odd = "; ".join(t for t in (odd_status, odd_outcome) if t)
        if odd:
            notes = f"{notes} ({odd})".strip()
        return cls(
            id=str(data.get("id") or uuid.uuid4()),
            title=str(data["title"]),
            hypothesis=str(data.get("hypothesis") or ""),
            changes=[
                make_change(c.get("factor", ""), c.get("from", ""), c.get("to", ""))
                for c in data.get("changes") or []
                if isinstance(c, Mapping)
            ],
            owner=str(data.get("owner") or ""),
            planned_date=data.get("planned_date"),
            status=status,
            outcome=outcome,
            outcome_date=data.get("outcome_date"),
            measured_effect=None if effect is None else float(effect),
            notes=notes,
            reason_not_tried=str(data.get("reason_not_tried") or ""),
            redefine_goal=bool(data.get("redefine_goal", False)),
            redefine_note=str(data.get("redefine_note") or ""),
            evidence=dict(data["evidence"]) if isinstance(data.get("evidence"), Mapping) else None,
            source_group=SourceGroup.from_dict(group) if isinstance(group, Mapping) else None,
            goal=dict(data["goal"]) if isinstance(data.get("goal"), Mapping) else None,
            expected_effect=dict(data["expected_effect"])
            if isinstance(data.get("expected_effect"), Mapping)
            else None,
            predicted_effect=_mapping(data.get("predicted_effect")),
            created=str(data.get("created") or now_iso()),
            history=tuple(
                HistoryEntry(
                    when=str(h.get("when", "")),
                    field=str(h.get("field", "")),
                    old=h.get("old"),
                    new=h.get("new"),
                )
                for h in data.get("history") or []
                if isinstance(h, Mapping)
            ),
            generated=_mapping(data.get("generated")),
        )


def _mapping(value: Any) -> dict[str, Any] | None:
    return dict(value) if isinstance(value, Mapping) else None


_STATUS_WORDS = {
    "tried": Status.DONE,
    "finished": Status.DONE,
    "in_progress": Status.RUNNING,
    "started": Status.RUNNING,
    "could_not_try": Status.COULD_NOT_TRY,
    "not_tried": Status.COULD_NOT_TRY,
    "blocked": Status.COULD_NOT_TRY,
    "untestable": Status.COULD_NOT_TRY,
}
_OUTCOME_WORDS = {
    "better": Outcome.IMPROVED,
    "up": Outcome.IMPROVED,
    "success": Outcome.IMPROVED,
    "succeeded": Outcome.IMPROVED,
    "same": Outcome.NO_CHANGE,
    "unchanged": Outcome.NO_CHANGE,
    "none": Outcome.NO_CHANGE,
    "down": Outcome.WORSE,
    "failed": Outcome.WORSE,
    "unclear": Outcome.INCONCLUSIVE,
}


#: Words older or hand-written logs use for an action that could not be tried.
_NOT_TRIED_WORDS = frozenset(
    {str(Result.NOT_TRIED), str(Status.COULD_NOT_TRY), "untestable", "not_testable", "blocked"}
)


def _word_key(value: Any) -> str:
    """A stored word as a key: "Could not try" -> "could_not_try"."""
    return (
        "" if value is None else str(value).strip().casefold().replace(" ", "_").replace("-", "_")
    )


def _lenient(value: Any, kind: type[StrEnum], synonyms: Mapping[str, Any], default: Any) -> Any:
    """(member, "") for a known word or synonym; (default, "was: <word>") for an unknown one."""
    key = _word_key(value)
    if not key:
        return default, ""
    if key in {str(m) for m in kind}:
        return kind(key), ""
    if key in synonyms:
        return synonyms[key], ""
    return default, words.unknown_word(str(value))


def _status(value: Any) -> Status:
    try:
        return Status(str(value))
    except ValueError:
        raise WorkbenchError(
            words.bad_status(str(value)), words.choices_hint([str(s) for s in Status])
        ) from None


def _outcome(value: Any) -> Outcome | None:
    if value is None or value == "":
        return None
    try:
        return Outcome(str(value))
    except ValueError:
        raise WorkbenchError(
            words.bad_outcome(str(value)), words.choices_hint([str(o) for o in Outcome])
        ) from None


#: Fields :func:`update_action` may change (id, created and history are the record itself).
EDITABLE = frozenset(
    f.name for f in dataclasses.fields(Action) if f.name not in ("id", "created", "history")
)


def _plain(value: Any) -> Any:
    """A history value as plain JSON."""
    if isinstance(value, SourceGroup):
        return value.to_dict()
    if isinstance(value, StrEnum):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def update_action(action: Action, *, when: str | None = None, **changes: Any) -> Action:
    """A copy of ``action`` with ``changes`` applied and one history entry per changed field.

    Logging an outcome sets the status to done and stamps ``outcome_date`` unless given;
    ``status="could_not_try"`` stamps it too. Unknown fields are a programming error
    (``TypeError``); a bad status or outcome word is a plain :class:`WorkbenchError`.
    """
    unknown = set(changes) - EDITABLE
    if unknown:
        raise TypeError(f"update_action: not editable: {sorted(unknown)}")
    if "title" in changes and not str(changes["title"]).strip():
        raise WorkbenchError(words.empty_title(), words.empty_title_hint())
    if "status" in changes:
        changes["status"] = _status(changes["status"])
    if "outcome" in changes:
        changes["outcome"] = _outcome(changes["outcome"])
        if changes["outcome"] is not None and "status" not in changes:
            changes["status"] = Status.DONE
    if changes.get("status") == Status.COULD_NOT_TRY and action.outcome is not None:
        changes.setdefault("outcome", None)  # not tried: an earlier outcome no longer holds
    if "changes" in changes:
        changes["changes"] = [
            make_change(c.get("factor", ""), c.get("from", ""), c.get("to", ""))
            for c in changes["changes"]
        ]
    stamp = when or now_iso()
    logs_result = changes.get("outcome") is not None or changes.get("status") == (
        Status.COULD_NOT_TRY
    )
    if logs_result and "outcome_date" not in changes:
        changes["outcome_date"] = stamp
    history = list(action.history)
    for name, new in changes.items():
        old = getattr(action, name)
        if _plain(old) != _plain(new):
            history.append(HistoryEntry(when=stamp, field=name, old=_plain(old), new=_plain(new)))
    return dataclasses.replace(action, history=tuple(history), **changes)


def new_action(title: str, *, when: str | None = None, **fields: Any) -> Action:
    """A new action whose history starts with its creation."""
    if not str(title).strip():
        raise WorkbenchError(words.empty_title(), words.empty_title_hint())
    stamp = when or now_iso()
    unknown = set(fields) - EDITABLE
    if unknown:
        raise TypeError(f"new_action: unknown fields: {sorted(unknown)}")
    action = Action(title=str(title), created=stamp, **fields)
    first = HistoryEntry(when=stamp, field="created", old=None, new=action.title)
    return dataclasses.replace(action, history=(first,))


# ---------------------------------------------------------------------------------------------
# From a cause group


def _as_dict(obj: Any) -> dict[str, Any]:
    if isinstance(obj, Mapping):
        return dict(obj)
    if hasattr(obj, "to_dict"):
        return dict(obj.to_dict())
    raise TypeError(f"expected a cause group or its dict, got {type(obj).__name__}")


def _role_word(roles: Mapping[str, Any] | None, column: str, fallback: Any) -> Controllability:
    """What the project's roles say about ``column`` now; the group's word when they are silent."""
    if roles is None or column not in roles:
        return Controllability.parse(fallback)
    return Controllability.of_role(str(roles[column]))


def focus_is_to_avoid(goal: Mapping[str, Any] | None) -> bool:
    """True when the goal's focus rows are the ones to have fewer of: a class to reduce (a
    defect), the lowest rows of a target to raise, or the highest of one to lower."""
    if not goal:
        return False
    direction = str(goal.get("direction") or "")
    kind = _focus_kind(goal.get("focus"))
    if kind == FocusKind.CLASS or direction == "class":
        return True
    if direction == "maximize":
        return kind == FocusKind.BOTTOM
    if direction == "minimize":
        return kind == FocusKind.TOP
    return False


def _focus_kind(focus: Any) -> FocusKind | None:
    """The kind of a focus rule (its text as saved, or the rule); None when it says none."""
    from workbench.steps.goal import FocusRule, parse_focus

    if isinstance(focus, FocusRule):
        return FocusKind(focus.kind)
    try:
        return FocusKind(parse_focus(str(focus or "")).kind)
    except WorkbenchError:
        return None


def action_from_group(
    group: Any, goal: Any = None, roles: Mapping[str, Any] | None = None, **fields: Any
) -> Action:
    """A planned action pre-filled from a cause group (a ``CauseGroup`` or its dict).

    The changes are the group's conditions on controllable factors (from the usual range of
    the other rows to the group's range); when the roles name no factor controllable, the
    factors of unknown controllability are used, and uncontrollable factors never are — a
    cause the line cannot set is not an action. ``fields`` override the pre-filled values.
    """
    g = _as_dict(group)
    conditions = [_as_dict(c) for c in g.get("conditions", [])]
    for c in conditions:
        c["controllable"] = _role_word(roles, str(c["column"]), c.get("controllable"))
    chosen = [c for c in conditions if c["controllable"] == Controllability.CONTROLLABLE]
    if not chosen:
        chosen = [c for c in conditions if c["controllable"] == Controllability.UNKNOWN]
    goal_doc = None
    if goal is not None:
        gd = _as_dict(goal)
        goal_doc = {k: _plain(gd.get(k)) for k in ("target", "direction", "focus", "success")}
    avoid = focus_is_to_avoid(goal_doc)
    if avoid:  # the group's rows are the bad ones: move the factors away from its conditions
        changes = [
            make_change(c["column"], words.condition_target(c), words.avoid_target(c))
            for c in chosen
        ]
    else:
        changes = [
            make_change(c["column"], words.usual_range(c), words.condition_target(c))
            for c in chosen
        ]
    source = SourceGroup(
        group_id=int(g.get("id", 0)),
        description=str(g.get("description", "")),
        factors=list(dict.fromkeys(str(c["column"]) for c in conditions)),
        conditions=[{k: _plain(c.get(k)) for k in _CONDITION_KEYS if k in c} for c in conditions],
    )
    effect = expected_effect(g, [str(c["column"]) for c in chosen], conditions)
    defaults: dict[str, Any] = {
        "hypothesis": words.group_hypothesis(g, chosen, goal_doc, avoid=avoid, effect=effect),
        "changes": changes,
        "source_group": source,
        "goal": goal_doc,
        "expected_effect": None if effect is None else effect.to_dict(),
    }
    made_title = words.group_title(int(g.get("id", 0)), changes, avoid=avoid)
    generated = {
        "lang": current_language(),
        "group": {
            "id": int(g.get("id", 0)),
            "description": source.description,
            "target_mean": _plain(g.get("target_mean")),
            "overall_mean": _plain(g.get("overall_mean")),
            "conditions": source.conditions,
            # the measured effect, so the hypothesis said again in another language keeps it
            "claims": {} if effect is None else {effect.name: effect.to_dict()},
        },
        "title": made_title,
        "hypothesis": defaults["hypothesis"],
        "changes": [dict(c) for c in changes],
    }
    defaults.update(fields)
    title = defaults.pop("title", None) or made_title
    return new_action(title, generated=generated, **defaults)


def in_reader_language(action: Action) -> Action:
    """``action`` with the texts :func:`action_from_group` wrote, and nobody edited since, said
    again in the current language (a Korean reader of an English project reads Korean)."""
    made = action.generated
    if not made or made.get("lang") == current_language():
        return action
    try:
        again = action_from_group(made["group"], goal=action.goal)
    except (KeyError, TypeError, ValueError):
        return action  # a damaged record: keep the saved texts
    assert again.generated is not None
    edits: dict[str, Any] = {}
    for name in ("title", "hypothesis", "changes"):
        if getattr(action, name) == made.get(name):
            edits[name] = getattr(again, name)
    return dataclasses.replace(action, generated={**made, **again.generated}, **edits)


def expected_effect(
    group: Mapping[str, Any], chosen: Sequence[str], conditions: Sequence[Mapping[str, Any]]
) -> Any:
    """The claim that measures the action's conditions (``chosen`` columns), or None.

    The analysis measured the group's conditions (``effect``) and, when an action would change
    only some of them, those (``action_effect``); a claim is used only when its columns are
    the ones the action changes (roles edited since the analysis: no number is claimed).
    """
    from workbench.claims import ClaimSet

    claims = ClaimSet.from_dict(group.get("claims"))
    if not chosen:
        return None
    if set(chosen) == {str(c["column"]) for c in conditions}:
        return claims.get("effect")
    claim = claims.get("action_effect")
    spec = None if claim is None else claim.rows.cross_fit
    if spec is not None and set(spec.get("columns") or []) == set(chosen):
        return claim
    return None


_CONDITION_KEYS = (
    "column",
    "kind",
    "low",
    "high",
    "levels",
    "controllable",
    "group_range",
    "rest_range",
    "text",
)


# ---------------------------------------------------------------------------------------------
# The project's action log


def actions_to_json(actions: Iterable[Any]) -> list[dict[str, Any]]:
    """``Project.actions`` as plain JSON (an entry that is already a dict passes through)."""
    return [a.to_dict() if isinstance(a, Action) else dict(a) for a in actions]


def actions_from_json(entries: Sequence[Any]) -> list[Action]:
    """The actions of a saved project (a damaged entry is a plain :class:`WorkbenchError`)."""
    read = [a if isinstance(a, Action) else Action.from_dict(a) for a in entries]
    return [in_reader_language(a) for a in read]


def find_action(actions: Sequence[Any], action_id: str) -> int:
    """Index of the action whose id is ``action_id`` or starts with it (≥ 4 characters), or
    whose 1-based position it is; a plain error when none or several match."""
    items = actions_from_json(actions)
    text = str(action_id).strip()
    if text.isdigit() and 1 <= int(text) <= len(items) and len(text) < 4:
        return int(text) - 1
    hits = [i for i, a in enumerate(items) if a.id == text]
    if not hits and len(text) >= 4:
        hits = [i for i, a in enumerate(items) if a.id.startswith(text)]
    if len(hits) == 1:
        return hits[0]
    raise WorkbenchError(
        words.no_such_action(text, len(hits)), words.no_such_action_hint([a.id for a in items])
    )
