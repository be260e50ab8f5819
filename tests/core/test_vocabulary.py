"""One vocabulary: every stored word has one label, the same on every surface and in Korean."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from workbench.feedback.actions import Action, new_action, update_action
from workbench.feedback.actions_wording import action_line
from workbench.i18n import set_language
from workbench.steps.goal import FocusRule, parse_focus
from workbench.vocabulary import (
    ColumnRole,
    Controllability,
    FocusKind,
    Outcome,
    Result,
    Status,
    SuccessVerdict,
    controllability_label,
    result_label,
    role_label,
    status_label,
    target_label,
    verdict_label,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    set_language("en")
    yield
    set_language("en")


def _labels() -> list[str]:
    return [
        *(status_label(s) for s in Status),
        *(result_label(r) for r in Result),
        result_label(None),
        *(role_label(r) for r in ColumnRole),
        target_label(),
        *(controllability_label(c) for c in Controllability),
        *(verdict_label(v) for v in SuccessVerdict),
    ]


def test_every_value_has_a_label_in_english_and_in_korean() -> None:
    english = _labels()
    assert all(english)
    set_language("ko")
    korean = _labels()
    # every label is translated (a missing translation would fall back to the English text)
    untranslated = [e for e, k in zip(english, korean, strict=True) if e == k]
    assert untranslated == []


def test_labels_of_one_concept_are_distinct() -> None:
    statuses = [status_label(s) for s in Status]
    assert len(set(statuses)) == len(statuses)
    results = [result_label(r) for r in Result] + [result_label(None)]
    assert len(set(results)) == len(results)
    roles = [role_label(r) for r in ColumnRole] + [target_label()]
    assert len(set(roles)) == len(roles)


def test_unknown_words_from_newer_files_are_shown_as_they_are() -> None:
    assert status_label("paused") == "paused"
    assert result_label("half_better") == "half_better"
    assert controllability_label("someday") == controllability_label(Controllability.UNKNOWN)


def test_results_follow_status_and_outcome() -> None:
    assert Result.of(Status.COULD_NOT_TRY, None) is Result.NOT_TRIED
    assert Result.of(Status.DONE, Outcome.WORSE) is Result.WORSE
    assert Result.of(Status.PLANNED, None) is None
    # every outcome is a result of the same word, so a stored outcome reads as a result
    assert {str(o) for o in Outcome} <= {str(r) for r in Result}
    tried = update_action(new_action("x"), status="could_not_try")
    assert tried.result_kind is Result.NOT_TRIED
    assert Action.from_dict(tried.to_dict()).status is Status.COULD_NOT_TRY


def test_controllability_comes_from_the_role() -> None:
    assert Controllability.of_role(ColumnRole.CONTROLLABLE) is Controllability.CONTROLLABLE
    assert Controllability.of_role("uncontrollable") is Controllability.UNCONTROLLABLE
    for role in (ColumnRole.FEATURE, ColumnRole.ID, ColumnRole.TIME, ColumnRole.EXCLUDED, None):
        assert Controllability.of_role(role) is Controllability.UNKNOWN
    # the role's own words: a stored condition reads the same as the role it came from
    assert str(Controllability.CONTROLLABLE) == str(ColumnRole.CONTROLLABLE)


def test_focus_rules_carry_their_kind_typed() -> None:
    assert parse_focus("Top: 5%").kind is FocusKind.TOP
    assert parse_focus("class:NG").kind is FocusKind.CLASS
    assert FocusRule("bottom", 0.1).kind is FocusKind.BOTTOM  # read from plain text


def test_the_cli_and_the_gui_say_a_status_the_same_way() -> None:
    running = update_action(new_action("Slower belt"), status="running")
    assert status_label(Status.RUNNING) in action_line(1, running)
    set_language("ko")
    assert status_label(Status.RUNNING) in action_line(1, running)


def _string_dicts_of(path: Path, words: set[str]) -> list[int]:
    """Lines of dict literals whose keys are mostly the given stored words (a table of
    exclusion reasons, which shares a few words with the roles, is another concept)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict) and len(node.keys) >= 3:
            keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
            if len(keys & words) >= 3 and 2 * len(keys & words) > len(keys):
                lines.append(node.lineno)
    return lines


def test_no_surface_keeps_its_own_table_of_status_result_or_role_words() -> None:
    enums = (Status, Result, ColumnRole, Controllability, SuccessVerdict)
    words = {str(v) for enum in enums for v in enum}
    found = {}
    for folder in ("workbench", "ui"):
        for path in (ROOT / folder).rglob("*.py"):
            if path.name == "vocabulary.py":
                continue
            hits = _string_dicts_of(path, words)
            if hits:
                found[str(path.relative_to(ROOT))] = hits
    assert found == {}
