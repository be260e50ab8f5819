"""The last re-application kept in the project file: saved, reopened, reported, refused when
damaged, said again in the reader's language, masked in a masked copy."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from tests.core.next_week import DEMO_PROJECT, next_week_rows, write_next_week
from workbench.errors import ProjectFileError
from workbench.i18n import set_language
from workbench.project import Section
from workbench.report.report_xlsx import write_report
from workbench.rerun import rerun_project
from workbench.rerun_record import RerunRecord, masked_record, record_rerun
from workbench.steps.drift import ColumnDrift, DriftReport
from workbench.steps.replay import ColumnChange
from workbench.store.project_file import open_project, save_project
from workbench.tables.loader import load_table


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The demo re-applied to next week's file, kept, saved and reopened."""
    set_language("en")
    folder = tmp_path_factory.mktemp("record")
    path = write_next_week(folder)
    project = open_project(DEMO_PROJECT)
    result = rerun_project(project, load_table(path))
    project.set_rerun(record_rerun(result))
    assert project.dirty and not project.is_stale(Section.MODEL)  # kept, nothing out of date
    out = save_project(project, folder / "kept.wbproj")
    return {"result": result, "record": project.rerun, "out": out, "folder": folder}


def test_the_record_survives_save_and_reopen(saved: dict) -> None:
    record: RerunRecord = saved["record"]
    reopened = open_project(saved["out"])
    again = reopened.rerun
    assert again is not None and not reopened.dirty
    assert again == record  # every number, name and sentence as it was
    assert again.file_name == "next_week.csv" and again.rows == len(next_week_rows())
    belt = next(d for d in again.drift.columns if d.column == "belt_speed")
    assert belt.message.startswith("belt_speed runs higher")
    assert again.model_drift is not None and again.model_drift.refit_recommended is True
    assert not again.model_changed(reopened.result(Section.MODEL))


def test_the_file_holds_numbers_not_sentences(saved: dict) -> None:
    with zipfile.ZipFile(saved["out"]) as zf:
        doc = json.loads(zf.read("project.json"))
    part = doc["rerun"]
    assert part["rows"] == len(next_week_rows())
    assert all("message" not in d for d in part["drift"]["columns"])
    assert "message" not in part["model_drift"]
    assert {c["kind"] for c in part["changes"]} >= {"missing", "new_levels"}


def test_a_file_saved_before_the_part_existed_opens_without_it(tmp_path: Path) -> None:
    project = open_project(DEMO_PROJECT)  # the bundled demo was saved without a rerun part
    assert project.rerun is None
    out = save_project(project, tmp_path / "plain.wbproj")
    with zipfile.ZipFile(out) as zf:
        assert "rerun" not in json.loads(zf.read("project.json"))  # never re-applied: no part


def _rewrite(src: Path, dst: Path, change) -> None:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "project.json":
                doc = json.loads(data)
                change(doc["rerun"])
                data = json.dumps(doc, ensure_ascii=False).encode("utf-8")
            zout.writestr(item, data)


@pytest.mark.parametrize(
    "damage",
    [
        lambda r: r.update(rows=float("inf")),
        lambda r: r["drift"]["columns"][0].update(kind="weather"),
        lambda r: r["drift"]["columns"][0].update(score="high"),
        lambda r: r.pop("drift"),
        lambda r: r["changes"].append({"kind": "exploded", "column": "x"}),
        lambda r: r.update(version=99),
    ],
)
def test_a_damaged_part_is_refused_in_plain_words(saved: dict, tmp_path: Path, damage) -> None:
    bad = tmp_path / "bad.wbproj"
    _rewrite(saved["out"], bad, damage)
    with pytest.raises(ProjectFileError) as info:
        open_project(bad)
    assert "bad.wbproj could not be read: project.json (rerun) is not valid" in info.value.message
    assert "Nothing was changed" in info.value.hint


def test_the_report_of_the_reopened_project_has_the_page(saved: dict) -> None:
    reopened = open_project(saved["out"])
    report = write_report(reopened, Path(saved["folder"]) / "later.xlsx")
    wb = openpyxl.load_workbook(report)
    assert wb.sheetnames[:2] == ["Summary", "What changed"]
    cells = [v for row in wb["What changed"].iter_rows(values_only=True) for v in row if v]
    rows = next_week_rows()
    assert any(
        isinstance(c, str) and c.startswith(f"New file: next_week.csv, {len(rows):,} rows")
        for c in cells
    )
    belt = cells.index("belt_speed")
    record = reopened.rerun
    psi = next(d.score for d in record.drift.columns if d.column == "belt_speed")
    assert cells[belt + 2] == pytest.approx(psi)
    assert cells[belt + 5] == pytest.approx(float(np.median(rows["belt_speed"])))
    assert "fitted again since" not in " ".join(str(c) for c in cells)


def test_after_a_refit_the_page_says_the_findings_were_for_the_old_model(saved: dict) -> None:
    from workbench.rerun import refit_project

    project = open_project(saved["out"])
    project.set_table(saved["result"].conformed)
    refit_project(project)
    assert project.rerun.model_changed(project.result(Section.MODEL))
    report = write_report(project, Path(saved["folder"]) / "refit.xlsx")
    text = " ".join(
        str(v)
        for row in openpyxl.load_workbook(report)["What changed"].iter_rows(values_only=True)
        for v in row
        if v
    )
    assert "The model has been fitted again since" in text


def test_a_reopened_record_is_said_in_the_readers_language(saved: dict) -> None:
    try:
        set_language("ko")
        record = open_project(saved["out"]).rerun
        belt = next(d for d in record.drift.columns if d.column == "belt_speed")
        assert "belt_speed" in belt.message and "runs higher" not in belt.message
        assert any("\uac00" <= ch <= "\ud7a3" for ch in belt.message)  # Hangul
        line = record.model_line()
        assert "Refit recommended" not in line and any("\uac00" <= ch <= "\ud7a3" for ch in line)
    finally:
        set_language("en")


def test_a_masked_copy_masks_the_levels_and_cells_it_names() -> None:
    change = ColumnChange(
        "new_levels", "담당자", "", {"levels": ["김철수"], "rows": 3, "lumped": False}
    )
    typed = ColumnChange(
        "type",
        "담당자",
        "",
        {"was": "numeric", "now": "categorical", "unreadable": 1, "examples": ["이영희"]},
    )
    drift = ColumnDrift(
        "담당자", "categorical", 0.5, "large", "new_levels", 10, 10,
        new_levels=["김철수"], new_levels_share=0.3, level_name="김철수",
        reference_share=0.0, new_share=0.3,
    )  # fmt: skip
    record = RerunRecord(
        "2026-12-07T10:00:00+00:00", "x.csv", "", 10, 3, [change, typed],
        DriftReport([drift], ["담당자"], 10, 10), None, 10, 0, "y",
    ).said_again()  # fmt: skip
    assert "김철수" in record.changes[0].message  # the open project names the real level
    masked = masked_record(record, {"담당자": {"김철수": "김**"}})
    text = " ".join([*masked.schema_lines(), *masked.drift_lines()])
    assert "김철수" not in text and "이영희" not in text and "김**" in text
    assert masked.drift.columns[0].new_levels == ["김**"]


def test_info_says_when_and_what_the_last_re_application_found(saved: dict) -> None:
    from workbench.store.project_info import describe_project

    lines = describe_project(saved["out"], check_source_file=False)
    record = saved["record"]
    i = lines.index(
        f"Last applied to new data: next_week.csv, {record.rows:,} rows, on {record.day}."
    )
    assert lines[i + 1].strip() == record.drift_headline()
    assert "Refit recommended" in lines[i + 2]
    assert not any("Last applied" in x for x in describe_project(DEMO_PROJECT))
