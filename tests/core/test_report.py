"""The Excel report: sheets, charts, safety against formula injection, Hangul, layout, and the
cases without signal or with a logged action history. Real analyses on small generated data."""

from __future__ import annotations

import zipfile

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from workbench.analysis import run_analysis
from workbench.errors import WorkbenchError
from workbench.feedback.actions import actions_from_json, new_action, update_action
from workbench.jobs import Cancelled, JobContext
from workbench.project import Project, Section
from workbench.report import report_wording as w
from workbench.report.report_xlsx import build_workbook, report_data, write_report
from workbench.report.sheets_actions import outcome_counts
from workbench.report.xlsx_style import FONT_NAME, OUTCOME_FILLS
from workbench.vocabulary import Result, result_label, status_label, target_label

EVIL_COLUMN = '=HYPERLINK("http://evil.example","습도")'
EVIL_LEVEL = '=HYPERLINK("http://evil.example","click")'
SHEETS = ["Summary", "Quality", "Drivers", "Cause groups", "Actions", "Data dictionary"]


def _frame(n: int, seed: int, signal: bool) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    temp = rng.normal(800, 10, n)
    speed = rng.normal(210, 8, n)
    supplier = rng.choice(["S1", "S2", EVIL_LEVEL], n)
    humidity = rng.uniform(20, 80, n)
    effect = 0.05 * (temp - 800) - 0.04 * (speed - 210) + 0.6 * (supplier == "S2")
    noise = rng.normal(0, 0.2 if signal else 1.0, n)
    target = 19 + (effect if signal else 0) + noise
    times = pd.date_range("2026-03-02 06:00", periods=n, freq="37min")
    return pd.DataFrame(
        {
            "시각": times.strftime("%Y-%m-%d %H:%M"),
            "소성온도": temp.round(1),
            "belt speed [mm/s]": speed.round(1),
            "공급사": supplier,
            EVIL_COLUMN: humidity.round(1),
            "효율": target.round(3),
        }
    )


@pytest.fixture(scope="module")
def data_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "라인 데이터.csv"
    _frame(800, 0, signal=True).to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def result(data_path):
    return run_analysis(
        data_path, target="효율", focus="top:20%", time="시각", controllable="소성온도"
    )


@pytest.fixture(scope="module")
def noise_result(tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "noise.csv"
    _frame(300, 1, signal=False).to_csv(path, index=False)
    return run_analysis(path, target="효율", time="시각")


@pytest.fixture(scope="module")
def report_path(result, tmp_path_factory):
    path = tmp_path_factory.mktemp("out") / "report.xlsx"
    write_report(result, path)
    return path


def _texts(ws) -> list[str]:
    return [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]


def test_every_sheet_is_there_with_its_headings(report_path):
    wb = load_workbook(report_path)
    assert wb.sheetnames == SHEETS
    summary = _texts(wb["Summary"])
    for heading in ("Goal", "Data used", "Data quality", "How well the model predicts"):
        assert heading in summary
    for heading in ("Top drivers", "Cause groups", "Actions"):
        assert heading in summary
    assert "Raise 효율 (larger is better)." in " ".join(summary)
    assert "800 rows × 6 columns" in summary
    assert any(t.startswith("2026-03-02 to 2026-03-22") for t in summary)  # the period
    assert "Simple baseline" in summary and "R²" in summary
    assert "What the quality check found" in _texts(wb["Quality"])
    assert "Every column at a glance" in _texts(wb["Quality"])
    assert "Importance (mean |SHAP|)" in _texts(wb["Drivers"])
    assert "What sets the group apart" in _texts(wb["Cause groups"])
    assert "No actions are logged yet" in " ".join(_texts(wb["Actions"]))
    dictionary = _texts(wb["Data dictionary"])
    assert "Why left out" in dictionary and target_label() in dictionary


def test_model_numbers_are_numbers_next_to_the_baseline(result, report_path):
    ws = load_workbook(report_path)["Summary"]
    row = next(r for r in ws.iter_rows() if r[0].value == "R²")
    assert row[1].value == pytest.approx(result.fit.score)
    assert row[2].value == pytest.approx(result.fit.baseline_score)
    assert row[1].value > row[2].value


def test_native_charts_for_drivers_and_each_group(result, report_path):
    wb = build_workbook(report_data(result))
    assert len(wb["Drivers"]._charts) == 1
    groups = result.causes.groups
    assert groups, "the generated data has a clear group"
    assert len(wb["Cause groups"]._charts) == len(groups)
    chart = wb["Drivers"]._charts[0]
    assert chart.type == "bar" and len(chart.series) == 1
    with zipfile.ZipFile(report_path) as zf:  # written into the file, not only in memory
        charts = [n for n in zf.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 1 + len(groups)


def test_formula_like_names_and_values_arrive_as_plain_text(report_path):
    wb = load_workbook(report_path)
    found = {EVIL_COLUMN: 0, EVIL_LEVEL: 0}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula"
                text = str(cell.value or "")
                if text == EVIL_COLUMN:
                    found[EVIL_COLUMN] += 1
                    assert cell.data_type == "s"
                if EVIL_LEVEL in text:
                    found[EVIL_LEVEL] += 1
    assert found[EVIL_COLUMN] >= 3  # drivers, quality profile, dictionary
    assert found[EVIL_LEVEL] >= 1  # the quality profile's most common values
    with zipfile.ZipFile(report_path) as zf:
        sheets = [n for n in zf.namelist() if n.startswith("xl/worksheets/sheet")]
        for name in sheets:
            assert b"<f>" not in zf.read(name) and b"<f " not in zf.read(name)


def test_hangul_survives_and_uses_a_cjk_font(report_path):
    wb = load_workbook(report_path)
    texts = [t for ws in wb.worksheets for t in _texts(ws)]
    for word in ("효율", "소성온도", "공급사", "라인 데이터.csv"):
        assert any(word in t for t in texts), word
    ws = wb["Drivers"]
    cell = next(c for r in ws.iter_rows() for c in r if c.value == "소성온도")
    assert cell.font.name == FONT_NAME


def test_sheets_look_finished(report_path):
    wb = load_workbook(report_path)
    for ws in wb.worksheets:
        assert ws.freeze_panes is not None, ws.title
        assert ws.page_setup.orientation == "landscape"
        assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.column_dimensions["A"].width >= 6
    quality = wb["Quality"]
    ranges = [str(r.sqref) for r in quality.conditional_formatting]
    assert any(r.startswith("E") for r in ranges)  # missing % color scale
    # The cause groups start a printed page of the summary: no heading stranded at a page foot.
    summary = wb["Summary"]
    heading_row = next(c.row for r in summary.iter_rows() for c in r if c.value == "Cause groups")
    assert heading_row - 1 in [b.id for b in summary.row_breaks.brk]
    drivers = wb["Drivers"]
    assert drivers.freeze_panes != "A1"
    # A number column carries a number format, not General.
    share = next(c for r in drivers.iter_rows() for c in r if c.number_format == "0.0%")
    assert 0 <= share.value <= 1


def test_no_signal_still_writes_a_sensible_report(noise_result, tmp_path):
    assert noise_result.fit.verdict == "no_signal"
    path = write_report(noise_result, tmp_path / "noise.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == SHEETS
    text = " ".join(_texts(wb["Drivers"]))
    assert "no drivers or cause groups to show" in text
    assert noise_result.causes_message in " ".join(_texts(wb["Cause groups"]))
    assert noise_result.fit.verdict_message in " ".join(_texts(wb["Summary"]))
    built = build_workbook(report_data(noise_result))
    assert not built["Drivers"]._charts and not built["Cause groups"]._charts


def test_project_actions_are_colored_by_outcome(result, tmp_path):
    project = Project(name="라인 2 효율")
    project.set_result(Section.MODEL, result)
    project.actions = [
        {"title": "소성온도 810", "group": 1, "owner": "김철수", "outcome": "improved",
         "status": "done", "tried_on": "2026-04-02"},
        {"title": EVIL_LEVEL, "outcome": "no_change", "notes": "+0.0 %p"},
        {"title": "Slower belt", "outcome": "worse"},
        {"title": "Dry room", "outcome": "could not try", "notes": "no budget"},
        {"title": "N2 flow", "status": "planned"},
    ]  # fmt: skip
    path = write_report(project, tmp_path / "project.xlsx")
    wb = load_workbook(path)
    ws = wb["Actions"]
    colors = {}
    for row in ws.iter_rows(min_row=1):
        if isinstance(row[0].value, int):
            colors[row[1].value] = row[6].fill.fgColor.rgb
    assert colors["소성온도 810"].endswith(OUTCOME_FILLS["improved"].fgColor.rgb[-6:])
    assert colors[EVIL_LEVEL].endswith(OUTCOME_FILLS["no_change"].fgColor.rgb[-6:])
    assert colors["Slower belt"].endswith(OUTCOME_FILLS["worse"].fgColor.rgb[-6:])
    assert colors["Dry room"].endswith(OUTCOME_FILLS["not_tried"].fgColor.rgb[-6:])
    assert len(set(colors.values()) - {"00000000"}) == 4  # the planned one stays plain
    title_cell = next(c for r in ws.iter_rows() for c in r if c.value == EVIL_LEVEL)
    assert title_cell.data_type == "s"
    summary = " ".join(_texts(wb["Summary"]))
    assert "5 actions logged — improved: 1, no change: 1, worse: 1" in summary
    assert "Workbench report: 라인 2 효율" in summary


def test_old_outcome_words_are_read_once_into_the_action_type():
    # The report reads Action objects; the words of older, hand-written logs are read once, by
    # the Action reader, not guessed again by the report.
    read = actions_from_json(
        [
            {"title": "a", "outcome": "Improved"},
            {"title": "b", "outcome": "up"},
            {"title": "c", "outcome": "same"},
            {"title": "d", "outcome": {"kind": "down"}},
            {"title": "e", "outcome": "Could not try"},
            {"title": "f", "outcome": "metric up"},
            {"title": "g"},
        ]
    )
    assert [a.result_kind for a in read] == [
        Result.IMPROVED,
        Result.IMPROVED,
        Result.NO_CHANGE,
        Result.WORSE,
        Result.NOT_TRIED,
        None,
        None,
    ]
    assert "metric up" in read[5].notes  # an unknown word stays where the engineer reads it
    total, counts = outcome_counts(read)
    assert total == 7
    assert counts == [
        (result_label(Result.IMPROVED), 2),
        (result_label(Result.NO_CHANGE), 1),
        (result_label(Result.WORSE), 1),
        (result_label(Result.NOT_TRIED), 1),
        (result_label(None), 2),
    ]


def test_every_result_has_a_color_and_a_label():
    assert set(OUTCOME_FILLS) == set(Result)
    labels = [result_label(r) for r in Result]
    assert len(set(labels)) == len(labels) and result_label(None) not in labels


def test_a_damaged_action_entry_is_a_plain_error_and_no_report(result, tmp_path):
    project = Project(name="damaged")
    project.set_result(Section.MODEL, result)
    project.actions = [{"title": "ok", "outcome": "improved"}, {"owner": "no title"}]
    with pytest.raises(WorkbenchError):
        write_report(project, tmp_path / "r.xlsx")
    assert not (tmp_path / "r.xlsx").exists()


def test_a_project_without_results_says_so(tmp_path):
    with pytest.raises(WorkbenchError) as info:
        write_report(Project(name="empty"), tmp_path / "r.xlsx")
    assert "no analysis results" in info.value.message
    assert not (tmp_path / "r.xlsx").exists()


def test_bad_targets_give_plain_errors_and_leave_no_debris(result, tmp_path):
    with pytest.raises(WorkbenchError, match=r"\.xlsx"):
        write_report(result, tmp_path / "report.pdf")
    with pytest.raises(WorkbenchError) as info:
        write_report(result, tmp_path / "missing folder" / "report.xlsx")
    assert info.value.hint
    assert list(tmp_path.iterdir()) == []


def test_rewrite_replaces_atomically_and_cancel_writes_nothing(result, tmp_path, ctx):
    path = tmp_path / "report.xlsx"
    path.write_bytes(b"old")
    write_report(result, path, ctx)
    assert load_workbook(path).sheetnames == SHEETS
    assert ctx.reports[-1][0] == 1.0 and all(0 <= f <= 1 for f, _ in ctx.reports)
    assert [p.name for p in tmp_path.iterdir()] == ["report.xlsx"]  # no temp file left
    cancelled = JobContext()
    cancelled.cancel()
    with pytest.raises(Cancelled):
        write_report(result, tmp_path / "other.xlsx", cancelled)
    assert not (tmp_path / "other.xlsx").exists()


def test_cli_reports_from_a_saved_project_and_refuses_a_damaged_one(result, tmp_path, capsys):
    from workbench.cli import EXIT_USER_ERROR, run_command
    from workbench.pipeline import project_from_analysis
    from workbench.store.project_file import save_project

    project = project_from_analysis(result, name="라인 2")
    project.actions = [{"title": "소성온도 810", "outcome": "improved"}]
    saved = save_project(project, tmp_path / "line.wbproj")
    out = tmp_path / "from project.xlsx"
    assert run_command(["report", str(saved), "--report", str(out)]) == 0
    wb = load_workbook(out)
    assert wb.sheetnames == SHEETS
    assert "Workbench report: 라인 2" in _texts(wb["Summary"])
    assert "소성온도 810" in _texts(wb["Actions"])
    damaged = tmp_path / "damaged.wbproj"
    damaged.write_bytes(saved.read_bytes()[:2000])
    bad_out = tmp_path / "bad.xlsx"
    assert run_command(["report", str(damaged), "--report", str(bad_out)]) == EXIT_USER_ERROR
    assert "damaged" in capsys.readouterr().err
    assert not bad_out.exists()


def test_cli_analyze_writes_the_report(data_path, tmp_path):
    from workbench.cli import run_command

    out = tmp_path / "analysis.xlsx"
    args = ["analyze", str(data_path), "--target", "효율", "--time", "시각", "--report", str(out)]
    assert run_command(args) == 0
    wb = load_workbook(out)
    assert wb.sheetnames == SHEETS
    assert "Workbench report: 라인 데이터" in _texts(wb["Summary"])


def test_a_defect_goal_reports_shares_of_the_focus_class(tmp_path):
    frame = _frame(600, 2, signal=True)
    frame["불량"] = np.where(frame["효율"] < frame["효율"].quantile(0.2), "NG", "OK")
    path = tmp_path / "defects.csv"
    frame.drop(columns="효율").to_csv(path, index=False)
    result = run_analysis(path, target="불량", focus="class:NG", time="시각")
    assert result.causes is not None and result.causes.groups
    out = write_report(result, tmp_path / "defects.xlsx")
    ws = load_workbook(out)["Summary"]
    assert "Understand when 불량 is NG." in " ".join(_texts(ws))
    head = next(r for r in ws.iter_rows() if r[0].value == "Group")
    # Not the group's own share (100% by construction) but that of all rows meeting its
    # conditions, measured out of fold (tests/core/test_claims_audit.py recomputes it).
    assert head[3].value == "Share of 불량 = NG where its conditions hold"
    first = ws.cell(row=head[0].row + 1, column=4)
    assert first.number_format == "0.0%" and 0 <= first.value < 1
    metrics = [r[0].value for r in ws.iter_rows() if r[0].value]
    assert "ROC-AUC" in metrics and "caught (recall)" in metrics


def test_every_label_the_sheets_ask_for_exists():
    import re
    from pathlib import Path

    import workbench.report as package

    used = set()
    for path in Path(package.__file__).parent.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        for call in re.findall(r"w\.labels?\(([^)]*)\)", text):
            used.update(re.findall(r'"(\w+)"', call))
    assert len(used) > 50
    assert used <= set(w.LABELS), sorted(used - set(w.LABELS))


def test_stale_results_and_a_changed_source_are_said_first(result, tmp_path):
    from workbench.pipeline import project_from_analysis
    from workbench.store.project_file import open_project, save_project

    project = project_from_analysis(result, name="stale")
    saved = save_project(project, tmp_path / "p.wbproj")
    project.set_goal(result.goal)  # an input changed after the analysis ran
    assert project.is_stale(Section.MODEL)
    ws = load_workbook(write_report(project, tmp_path / "stale.xlsx"))["Summary"]
    assert ws.cell(row=3, column=1).value == w.label("stale_results")
    reopened = open_project(saved)
    reopened.source_check = type(reopened.source_check)("changed", "x.csv", "The data changed.")
    ws = load_workbook(write_report(reopened, tmp_path / "changed.xlsx"))["Summary"]
    assert ws.cell(row=3, column=1).value == "The data changed."
    assert w.label("stale_results") not in _texts(ws)


def test_action_objects_reach_the_report(result, tmp_path):
    project = Project(name="objects")
    project.set_result(Section.MODEL, result)
    tried = update_action(new_action("소성온도 810", planned_date="2026-04-01"), outcome="improved")
    project.actions = [tried, new_action("N2 flow", planned_date="2026-05-03")]
    ws = load_workbook(write_report(project, tmp_path / "a.xlsx"))["Actions"]
    rows = {r[1].value: r for r in ws.iter_rows() if isinstance(r[0].value, int)}
    row = rows["소성온도 810"]
    assert row[5].value == status_label(tried.status)
    assert row[6].value == result_label(Result.IMPROVED)
    assert row[6].fill.fgColor.rgb.endswith(OUTCOME_FILLS[Result.IMPROVED].fgColor.rgb[-6:])
    assert row[7].value.date().isoformat() == str(tried.outcome_date)[:10]  # when it was logged
    planned = rows["N2 flow"]
    assert planned[6].value == result_label(None)
    assert planned[7].value.date().isoformat() == "2026-05-03"  # not tried yet: the plan


def test_library_failures_and_action_fields_reach_the_report(result, tmp_path, monkeypatch):
    from workbench.feedback.actions import SourceGroup, make_change, new_action, update_action
    from workbench.feedback.evidence import compare
    from workbench.feedback.library import Library

    monkeypatch.setenv("WORKBENCH_LIBRARY", str(tmp_path / "lib"))
    group = result.causes.groups[0]
    factor = group.conditions[0].column
    failed = new_action("Earlier try", changes=[make_change(factor, "", "lower")])
    failed = update_action(failed, outcome="no_change")
    Library().record(failed, Project(name="Line 3"))

    evidence = compare([1.0, 1.2, 0.9, 1.1, 1.0, 1.3], [1.6, 1.8, 1.7, 1.9, 1.5, 1.8])
    tried = new_action("Hotter kiln", source_group=SourceGroup(group.id, factors=[factor]))
    tried = update_action(tried, outcome="improved", evidence=evidence.to_dict())
    blocked = update_action(
        new_action("Dry room"), status="could_not_try", reason_not_tried="equipment limit"
    )
    project = Project(name="library")
    project.set_result(Section.MODEL, result)
    project.actions = [tried, blocked]
    wb = load_workbook(write_report(project, tmp_path / "lib.xlsx"))

    groups = " ".join(_texts(wb["Cause groups"]))
    assert "Tried before:" in groups and "project Line 3" in groups
    assert "Tried before:" in " ".join(_texts(wb["Summary"]))
    rows = {r[1].value: r for r in wb["Actions"].iter_rows() if isinstance(r[0].value, int)}
    assert rows["Hotter kiln"][2].value == w.group_name(group.id)
    assert evidence.text in rows["Hotter kiln"][8].value
    assert rows["Dry room"][5].value == status_label("could_not_try") != "could_not_try"
    assert rows["Dry room"][6].value == result_label(Result.NOT_TRIED)
    assert "equipment limit" in rows["Dry room"][8].value


def test_a_broken_library_does_not_stop_the_report(result, tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("WORKBENCH_LIBRARY", str(blocker / "sub" / "library.sqlite"))
    wb = load_workbook(write_report(result, tmp_path / "r.xlsx"))
    groups = " ".join(_texts(wb["Cause groups"]))
    assert "Tried before:" not in groups
    assert "library" in groups.casefold()  # its notice says why there are no such lines
