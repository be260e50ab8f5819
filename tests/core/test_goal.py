from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbench.errors import WorkbenchError
from workbench.steps.goal import (
    Direction,
    Exclusion,
    FocusRule,
    Goal,
    Task,
    infer_task,
    parse_focus,
    select_focus,
)
from workbench.vocabulary import ColumnRole


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("top:5%", "top", 0.05),
        ("bottom:10%", "bottom", 0.10),
        (" TOP : 2.5 % ", "top", 0.025),
        ("top:2,5%", "top", 0.025),
        ("bottom:100%", "bottom", 1.0),
        ("top=7", "top", 0.07),
        ("class:NG", "class", "NG"),
        ("class:불량", "class", "불량"),
        ("class:a:b", "class", "a:b"),
    ],
)
def test_parse_focus(text, kind, value):
    rule = parse_focus(text)
    assert rule.kind == kind
    if kind == "class":
        assert rule.value == value
    else:
        assert rule.value == pytest.approx(value)


@pytest.mark.parametrize(
    "text", ["", "top", "top:", "middle:5%", "top:0%", "top:150%", "top:abc", "class:"]
)
def test_parse_focus_refuses_bad_text_plainly(text):
    with pytest.raises(WorkbenchError) as info:
        parse_focus(text)
    assert "top:5%" in info.value.hint or "class" in info.value.hint


def test_focus_text_round_trip_and_words():
    assert parse_focus("top:5%").to_text() == "top:5%"
    assert parse_focus("bottom:12.5%").to_text() == "bottom:12.5%"
    assert parse_focus("class:NG").to_text() == "class:NG"
    assert parse_focus("top:5%").describe("efficiency") == "the top 5% of rows by efficiency"
    assert parse_focus("bottom:10%").describe() == "the bottom 10% of rows"
    assert parse_focus("class:NG").describe("defect") == "rows where defect is NG"


def test_select_top_and_bottom_by_value():
    s = pd.Series(np.arange(100, dtype=float), index=np.arange(100) + 1000, name="eff")
    top = select_focus(s, FocusRule("top", 0.05))
    assert sorted(top) == [1095, 1096, 1097, 1098, 1099]
    bottom = select_focus(s, FocusRule("bottom", 0.1))
    assert sorted(bottom) == list(range(1000, 1010))


def test_select_focus_keeps_ties_together_and_skips_missing():
    # 10 values, top 20% = 2 rows, but three rows tie at the cutoff value 8.0
    s = pd.Series([1, 2, 3, 4, 5, 6, 7, 8, 8, 8, np.nan], dtype=float, name="y")
    top = select_focus(s, FocusRule("top", 0.2))
    assert sorted(top) == [7, 8, 9]
    # a tiny share still yields at least one row
    assert len(select_focus(s, FocusRule("top", 0.001))) == 3  # the tied maximum
    assert list(select_focus(s, FocusRule("bottom", 0.001))) == [0]
    assert 10 not in select_focus(s, FocusRule("bottom", 1.0))


def test_select_class_matches_labels_as_text():
    s = pd.Series([0.0, 1.0, 1.0, np.nan, 0.0], name="defect")
    assert list(select_focus(s, parse_focus("class:1"))) == [1, 2]
    t = pd.Series(["OK", "NG", "ok", "NG "], name="q")
    assert list(select_focus(t, parse_focus("class:NG"))) == [1]
    b = pd.Series([True, False, True], name="b")
    assert list(select_focus(b, parse_focus("class:True"))) == [0, 2]


def test_select_class_unknown_or_numeric_rule_on_classes_is_refused():
    t = pd.Series(["OK", "NG"], name="q")
    with pytest.raises(WorkbenchError, match="class “BAD”") as info:
        select_focus(t, parse_focus("class:BAD"))
    assert "NG" in info.value.hint
    with pytest.raises(WorkbenchError, match="numeric target"):
        select_focus(t, parse_focus("top:5%"))


def test_goal_round_trips_as_plain_data():
    goal = Goal("효율 [%]", Direction.MINIMIZE, "bottom:10%", success=0.3, task=Task.REGRESSION)
    data = goal.to_dict()
    assert data["direction"] == "minimize" and data["task"] == "regression"
    assert Goal.from_dict(data) == goal
    assert Goal.from_dict({"target": "y"}) == Goal("y")
    assert Goal("y", direction="class").direction is Direction.CLASS
    assert Goal("y").focus == FocusRule("top", 0.05)


def test_roles_and_exclusions_are_plain_strings():
    assert ColumnRole("controllable") is ColumnRole.CONTROLLABLE
    ex = Exclusion("a", "leakage", "an old sentence")
    back = Exclusion.from_dict(ex.to_dict())
    assert (back.column, back.reason) == ("a", "leakage")
    assert back.message.startswith("a is almost a copy of the target")  # said again
    forced = Exclusion.from_dict({"column": "b", "reason": "leakage"}, forced=True)
    assert forced.forced and "(gives the result away)" in forced.message
    assert Exclusion.from_dict(forced.to_dict()) == forced


def test_infer_task():
    r = np.random.default_rng(0)
    assert infer_task(pd.Series(r.normal(size=50))) == Task.REGRESSION
    assert infer_task(pd.Series([0, 1] * 20)) == Task.BINARY
    assert infer_task(pd.Series(["OK", "NG", None] * 20)) == Task.BINARY
    assert infer_task(pd.Series([True, False] * 20)) == Task.BINARY
    assert infer_task(pd.Series(list("abc") * 20)) == Task.MULTICLASS
    grades = pd.Series([1, 2, 3] * 20)
    assert infer_task(grades) == Task.REGRESSION
    assert infer_task(grades, Goal("g", Direction.CLASS)) == Task.MULTICLASS
    assert infer_task(grades, Goal("g", task=Task.MULTICLASS)) == Task.MULTICLASS
