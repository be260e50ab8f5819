"""Actions: pre-filled from a cause group, changed only through an append-only history."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.errors import WorkbenchError
from workbench.feedback.actions import (
    Action,
    Outcome,
    SourceGroup,
    Status,
    action_from_group,
    actions_from_json,
    actions_to_json,
    find_action,
    make_change,
    new_action,
    update_action,
)
from workbench.feedback.actions_wording import action_line, change_text
from workbench.steps.goal import Goal
from workbench.vocabulary import ColumnRole


def _group() -> dict:
    """A cause group as ``CauseGroup.to_dict`` gives it (no model needed)."""
    return {
        "id": 2,
        "size": 40,
        "share": 0.3,
        "target_mean": 21.4,
        "overall_mean": 19.5,
        "description": "Group 2 — 40 rows: paste_thickness is below 17.0 and humidity above 60.",
        "conditions": [
            {
                "column": "paste_thickness",
                "kind": "below",
                "low": None,
                "high": 17.0,
                "levels": [],
                "controllable": "controllable",
                "group_range": [15.5, 16.9],
                "rest_range": [16.8, 19.98],
                "text": "paste_thickness is below 17.0",
            },
            {
                "column": "humidity",
                "kind": "above",
                "low": 60.0,
                "high": None,
                "levels": [],
                "controllable": "uncontrollable",
                "group_range": [61.0, 70.0],
                "rest_range": [40.0, 58.0],
                "text": "humidity is above 60",
            },
            {
                "column": "supplier",
                "kind": "in",
                "low": None,
                "high": None,
                "levels": ["S2", "S3"],
                "controllable": "unknown",
                "text": "supplier is S2 or S3",
            },
        ],
    }


def test_action_from_group_changes_only_controllable_factors():
    goal = Goal(target="efficiency", direction="maximize")
    action = action_from_group(_group(), goal, owner="Kim")
    assert [c["factor"] for c in action.changes] == ["paste_thickness"]
    change = action.changes[0]
    assert change["to"] == "below 17"
    assert change["from"] == "16.8 to 19.98 (usual)"
    assert action.title == "Set paste_thickness below 17 (group 2)"
    # The group's own average (21.4) is a selection of top rows, not what the setting brings:
    # without a measured claim the hypothesis states no number (tests/core/test_claims_audit.py
    # checks the measured one).
    assert "21.4" not in action.hypothesis and "association" in action.hypothesis
    assert "not measured" in action.hypothesis and action.expected_effect is None
    assert action.owner == "Kim" and action.status == Status.PLANNED and action.outcome is None
    assert action.source_group == SourceGroup.from_dict(action.source_group.to_dict())
    assert action.source_group.group_id == 2
    assert action.source_group.factors == ["paste_thickness", "humidity", "supplier"]
    assert action.goal == {
        "target": "efficiency",
        "direction": "maximize",
        "focus": "top:5%",
        "success": None,
    }
    assert [h["field"] for h in action.history] == ["created"]


def test_a_group_of_rows_to_avoid_becomes_an_action_that_moves_away_from_it():
    """A defect class (or the worst rows) is where not to be: the action keeps the factors
    away from the group's conditions instead of steering the line into them."""
    roles = {"paste_thickness": ColumnRole.CONTROLLABLE, "supplier": ColumnRole.CONTROLLABLE}
    group = {**_group(), "target_mean": 1.0, "overall_mean": 0.052}
    defect = Goal(target="defect", direction="class", focus="class:NG")
    action = action_from_group(group, defect, roles)
    by_factor = {c["factor"]: c for c in action.changes}
    assert by_factor["paste_thickness"]["from"] == "below 17"
    assert by_factor["paste_thickness"]["to"] == "17 or more"
    assert by_factor["supplier"]["to"] == "anything but S2 or S3"
    assert action.title == "Keep paste_thickness at 17 or more and 1 more setting (group 2)"
    assert "100%" not in action.hypothesis
    assert "fewer defect = NG rows" in action.hypothesis
    worst = Goal(target="efficiency", direction="maximize", focus="bottom:5%")
    assert action_from_group(group, worst, roles).changes[0]["to"] == "17 or more"
    best_low = Goal(target="scrap", direction="minimize", focus="bottom:5%")
    assert action_from_group(group, best_low, roles).changes[0]["to"] == "below 17"


def test_roles_override_the_groups_controllability():
    roles = {"paste_thickness": ColumnRole.UNCONTROLLABLE, "supplier": ColumnRole.CONTROLLABLE}
    action = action_from_group(_group(), None, roles)
    assert [c["factor"] for c in action.changes] == ["supplier"]
    assert action.changes[0]["to"] == "S2 or S3"


def test_without_controllable_factors_unknown_ones_are_used_never_uncontrollable():
    group = _group()
    group["conditions"][0]["controllable"] = "uncontrollable"
    action = action_from_group(group, None)
    assert [c["factor"] for c in action.changes] == ["supplier"]
    group["conditions"][2]["controllable"] = "uncontrollable"
    empty = action_from_group(group, None)
    assert empty.changes == []
    assert empty.title == "Look into group 2"
    assert "no factor the line can set" in empty.hypothesis


def test_update_appends_history_and_never_rewrites_it():
    action = new_action("Lower paste", when="2026-04-01T08:00:00+00:00")
    planned = update_action(
        action, owner="Lee", planned_date="2026-04-10", when="2026-04-02T08:00:00+00:00"
    )
    done = update_action(
        planned, outcome="no_change", notes="Same yield", when="2026-04-20T08:00:00+00:00"
    )
    assert action.owner == "" and len(action.history) == 1  # the original is untouched
    assert done.history[: len(planned.history)] == planned.history
    fields = [h["field"] for h in done.history]
    assert fields == [
        "created",
        "owner",
        "planned_date",
        "outcome",
        "notes",
        "status",
        "outcome_date",
    ]
    assert done.status == Status.DONE and done.outcome == Outcome.NO_CHANGE
    assert done.outcome_date == "2026-04-20T08:00:00+00:00"
    assert done.result_kind == "no_change" and done.is_logged
    status_entry = done.history[5]
    assert status_entry == {
        "when": "2026-04-20T08:00:00+00:00",
        "field": "status",
        "old": "planned",
        "new": "done",
    }
    # Setting a field to its current value adds nothing.
    assert update_action(done, owner="Lee").history == done.history


def test_could_not_try_records_the_reason_and_counts_as_logged():
    action = update_action(
        new_action("Raise firing temperature"),
        status="could_not_try",
        reason_not_tried="equipment limit",
        redefine_goal=True,
        redefine_note="The furnace cannot go higher; the goal should be yield per hour.",
    )
    assert action.result_kind == "not_tried" and action.outcome is None
    assert action.outcome_date is not None
    assert action.redefine_goal is True


def test_bad_words_are_plain_errors_and_unknown_fields_are_bugs():
    action = new_action("x")
    with pytest.raises(WorkbenchError, match="not an outcome") as info:
        update_action(action, outcome="great")
    assert "improved" in info.value.hint
    with pytest.raises(WorkbenchError, match="not a status"):
        update_action(action, status="finished")
    with pytest.raises(WorkbenchError, match="title"):
        update_action(action, title="  ")
    with pytest.raises(TypeError):
        update_action(action, history=())
    with pytest.raises(WorkbenchError):
        Action.from_dict({"title": ""})


def test_json_round_trip_through_the_project_log():
    action = update_action(
        action_from_group(_group(), Goal(target="efficiency")),
        outcome="improved",
        measured_effect=0.42,
        evidence={"kind": "mean", "difference": 0.42, "text": "+0.42"},
    )
    other = new_action("By hand", changes=[make_change("belt_speed", "120", "110")])
    saved = json.loads(json.dumps(actions_to_json([action, other])))
    back = actions_from_json(saved)
    assert back == [action, other]
    assert actions_to_json(back) == saved
    # Entries already plain (an older project) pass through both ways.
    assert actions_to_json([saved[1]]) == [saved[1]]


def test_find_action_by_number_id_or_prefix():
    actions = [new_action("a"), new_action("b")]
    assert find_action(actions, "2") == 1
    assert find_action(actions, actions[0].id) == 0
    assert find_action(actions, actions[1].id[:8]) == 1
    with pytest.raises(WorkbenchError, match="no action"):
        find_action(actions, "zzzzzzzz")


def test_wording_of_a_listed_action():
    action = new_action("Lower paste", owner="Kim", changes=[make_change("p", "18", "below 17")])
    line = action_line(1, action)
    assert line.startswith(f"1. [{action.id[:8]}] Lower paste — planned")
    assert "owner Kim" in line
    assert change_text(action.changes[0]) == "p: 18 → below 17"


_text = st.text(max_size=20)


@settings(max_examples=40, deadline=None)
@given(
    title=st.text(min_size=1, max_size=30).filter(str.strip),
    owner=_text,
    notes=_text,
    effect=st.none() | st.floats(allow_nan=False, allow_infinity=False),
    outcome=st.none() | st.sampled_from([str(o) for o in Outcome]),
    factors=st.lists(st.tuples(_text, _text, _text), max_size=3),
)
def test_any_action_survives_json(title, owner, notes, effect, outcome, factors):
    action = update_action(
        new_action(title, changes=[make_change(*f) for f in factors]),
        owner=owner,
        notes=notes,
        measured_effect=effect,
        outcome=outcome,
    )
    assert Action.from_dict(json.loads(json.dumps(action.to_dict()))) == action


def test_entries_from_older_files_are_read_leniently():
    old = Action.from_dict({"title": "온도 올리기", "status": "tried", "result": "up"})
    assert old.status == Status.DONE and old.outcome == Outcome.IMPROVED
    odd = Action.from_dict({"title": "x", "status": "someday", "outcome": "meh", "notes": "n"})
    assert odd.status == Status.PLANNED and odd.outcome is None
    assert odd.notes == "n (was: someday; was: meh)"
    blocked = Action.from_dict({"title": "x", "outcome": "not_tried"})
    assert blocked.status == Status.COULD_NOT_TRY and blocked.result_kind == "not_tried"
    assert (
        Action.from_dict({"title": "x", "changes": [make_change("a", "1", "2")]}).to_dict()[
            "change"
        ]
        == "a: 1 → 2"
    )


def test_could_not_try_reads_as_a_result_in_plain_json():
    tried = update_action(new_action("x"), outcome="worse")
    blocked = update_action(tried, status="could_not_try", reason_not_tried="supplier contract")
    assert blocked.outcome is None and blocked.result_kind == "not_tried"
    assert blocked.history[-1]["field"] in ("outcome", "outcome_date", "reason_not_tried")
    doc = blocked.to_dict()
    assert doc["outcome"] == "not_tried" and doc["status"] == "could_not_try"
    assert Action.from_dict(doc) == blocked
