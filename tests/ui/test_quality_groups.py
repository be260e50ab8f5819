"""Which alerts share a card: only alike evenly-missing ones, four or more, order kept."""

from __future__ import annotations

from ui.panes.quality_groups import AlertGroup, group_alerts
from ui.panes.quality_text import group_message
from workbench.steps.quality import Alert


def _missing(column: str, pct: float = 5.0, severity: str = "warning", **details) -> Alert:
    fix = "Fill the gaps with the median."
    step = {"op": "impute", "column": column, "method": "median"}
    details = {"pct": pct, **details}
    return Alert("missing", column, severity, f"{column} is missing", fix, step, details)


def test_four_alike_alerts_become_one_group_where_the_first_stood():
    first = Alert("duplicate_rows", None, "warning", "repeats", "Drop them.", {"op": "x"})
    alike = [_missing(f"s{i}", 5.0 + i / 10) for i in range(3)]
    alike.append(_missing("s3", 4.8, severity="info"))  # under 5%: a note, same shape
    bunched = _missing("p", group_column="line")
    mode = _missing("c")
    mode.fix, mode.fix_step = "Fill with the most common value.", {"op": "impute", "column": "c"}
    out = group_alerts([first, alike[0], bunched, alike[1], alike[2], mode, alike[3]])
    assert out[0] is first
    assert isinstance(out[1], AlertGroup) and out[1].alerts == alike
    assert out[1].severity == "warning"
    assert out[2:] == [bunched, mode]
    assert "4 columns" in group_message(out[1]) and "4.8–5.2%" in group_message(out[1])


def test_three_alike_alerts_keep_their_own_cards():
    alike = [_missing(f"s{i}") for i in range(3)]
    assert group_alerts(alike) == alike


def test_a_long_group_names_its_first_columns_then_an_ellipsis():
    group = AlertGroup([_missing(f"sensor_{i}") for i in range(12)])
    text = group_message(group)
    assert "“sensor_7”" in text and "“sensor_8”" not in text and "…" in text
    assert "5.0% of their values" in text


def test_a_group_lists_its_columns_in_the_tables_order():
    alerts = [_missing("b", 5.2), _missing("d", 5.1), _missing("a", 4.9, severity="info")]
    alerts.append(_missing("c", 4.8, severity="info"))
    (group,) = group_alerts(alerts, ["a", "b", "c", "d"])
    assert group.columns == ["a", "b", "c", "d"]
