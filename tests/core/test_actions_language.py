"""Texts made for an action from a cause group are said in the reader's language."""

from __future__ import annotations

import json

import pytest

from tests.core.test_actions import _group
from workbench import i18n
from workbench.feedback.actions import (
    action_from_group,
    actions_from_json,
    actions_to_json,
    update_action,
)
from workbench.steps.goal import Goal


@pytest.fixture
def korean():
    yield lambda: i18n.set_language("ko")
    i18n.set_language("en")


def _made_in(language: str):
    i18n.set_language(language)
    action = action_from_group(_group(), Goal(target="efficiency", direction="maximize"))
    return action, json.loads(json.dumps(actions_to_json([action])))


def test_an_english_action_reads_in_korean_and_back(korean) -> None:
    english, saved = _made_in("en")
    korean_made, _ = _made_in("ko")
    assert korean_made.title != english.title  # the catalog does translate these texts
    read = actions_from_json(saved)[0]  # still Korean: made in English, read in Korean
    assert read.title == korean_made.title
    assert read.hypothesis == korean_made.hypothesis
    assert read.changes == korean_made.changes
    assert read.id == english.id and read.history == english.history
    i18n.set_language("en")
    again = actions_from_json(actions_to_json([read]))[0]
    assert (again.title, again.hypothesis, again.changes) == (
        english.title,
        english.hypothesis,
        english.changes,
    )


def test_what_the_user_wrote_is_never_translated(korean) -> None:
    english, _ = _made_in("en")
    edited = update_action(english, title="Thinner paste on line 3, night shift")
    saved = json.loads(json.dumps(actions_to_json([edited])))
    korean()
    read = actions_from_json(saved)[0]
    assert read.title == "Thinner paste on line 3, night shift"
    assert read.hypothesis != english.hypothesis  # not edited: said in Korean
    assert any("\uac00" <= ch <= "\ud7a3" for ch in read.hypothesis)


def test_actions_saved_before_the_record_keep_their_text(korean) -> None:
    english, saved = _made_in("en")
    del saved[0]["generated"]
    korean()
    assert actions_from_json(saved)[0].title == english.title


def test_a_korean_report_says_an_action_made_in_english_in_korean(korean, tmp_path) -> None:
    """A real analysis, an action from its first cause group in English, the report in Korean."""
    from openpyxl import load_workbook

    from tests.core.test_report import _frame
    from workbench.analysis import run_analysis
    from workbench.project import Project, Section
    from workbench.report.report_xlsx import write_report

    path = tmp_path / "line.csv"
    _frame(600, 0, signal=True).to_csv(path, index=False)
    result = run_analysis(path, target="효율", focus="top:20%", controllable="소성온도")
    assert result.causes is not None and result.causes.groups
    group = result.causes.groups[0].to_dict()
    english = action_from_group(group, result.goal)
    korean()
    in_korean = action_from_group(group, result.goal)
    project = Project(name="라인 2")
    project.set_result(Section.MODEL, result)
    project.actions = json.loads(json.dumps(actions_to_json([english])))
    out = write_report(project, tmp_path / "report.xlsx")
    cells = {str(c.value) for ws in load_workbook(out) for row in ws.iter_rows() for c in row}
    assert in_korean.title in cells and english.title not in cells


def test_a_measured_effect_is_kept_when_the_hypothesis_is_said_again(korean) -> None:
    """The demo's actions were made in English with a measured effect: read in Korean, the
    hypothesis still states that effect (it said 'not measured' when the effect was lost)."""
    from pathlib import Path

    from workbench.claim_format import format_value
    from workbench.claims import Claim
    from workbench.feedback.actions import in_reader_language
    from workbench.store.project_file import open_project

    demo = Path(__file__).resolve().parents[2] / "resources" / "demo" / "demo.wbproj"
    project = open_project(demo, check_source_file=False)
    measured = [a for a in actions_from_json(project.actions) if a.expected_effect]
    assert measured
    korean()
    for action in measured:
        said = in_reader_language(action)
        claim = Claim.from_dict(action.expected_effect)
        assert said.hypothesis != action.hypothesis  # said again, in Korean
        number = format_value("difference", claim.value, claim.step, rate=claim.is_rate)
        assert number in said.hypothesis, said.hypothesis
