"""Personal data never leaves the product unmasked: a cp949 CSV of Korean names, resident
registration numbers, phone numbers and e-mail addresses, read through profile (text and JSON),
alerts, the Excel report, a saved project (model text, summaries, ``info``) and a masked copy."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from workbench.analysis import run_analysis
from workbench.cli import run_command
from workbench.pipeline import project_from_analysis
from workbench.project import Section
from workbench.report.report_xlsx import write_report
from workbench.steps.pii import mask_text, mask_value, masked_labels
from workbench.steps.pii_copy import masked_project
from workbench.store.project_file import open_project, save_project
from workbench.vocabulary import ColumnRole

PERSONAL = ["작업자", "주민등록번호", "연락처", "이메일"]
SURNAMES = "김이박최정강조윤장임"
GIVEN = ["민수", "영희", "지훈", "수빈", "하늘", "철수", "서연", "도윤"]


def _people_frame(n: int = 600) -> pd.DataFrame:
    rng = np.random.default_rng(5)
    people = [s + g for s in SURNAMES for g in GIVEN]  # 80 people
    who = rng.integers(0, len(people), n)
    k = np.arange(len(people))
    birth = [f"{80 + i % 20:02d}{1 + i % 12:02d}{1 + i % 28:02d}" for i in k]
    serial = [f"{1 + i % 2}{i * 7919 % 900000 + 100000:06d}" for i in k]
    rrn = [f"{b}-{s}" for b, s in zip(birth, serial, strict=True)]
    phone = [f"010-{2000 + i * 37 % 8000:04d}-{1000 + i * 53 % 9000:04d}" for i in k]
    mail = [f"user{i:03d}.kim@plant-mail.co.kr" for i in k]
    temp = rng.normal(800, 10, n)
    speed = rng.normal(200, 5, n)
    noise = rng.normal(0, 0.2, n)
    eff = 19 + 0.08 * (temp - 800) - 0.03 * (speed - 200) + 0.3 * (who % 3 == 0) + noise
    return pd.DataFrame(
        {
            "작업자": np.array(people)[who],
            "주민등록번호": np.array(rrn)[who],
            "연락처": np.array(phone)[who],
            "이메일": np.array(mail)[who],
            "소성온도": temp.round(1),
            "속도": speed.round(1),
            "효율": eff.round(3),
        }
    )


@pytest.fixture(scope="module")
def people(tmp_path_factory) -> tuple[Path, set[str]]:
    frame = _people_frame()
    path = tmp_path_factory.mktemp("pii") / "작업자 명단.csv"
    frame.to_csv(path, index=False, encoding="cp949")
    raw = {str(v) for c in PERSONAL for v in frame[c]}
    return path, raw


def _leaks(text: str, raw: set[str]) -> list[str]:
    return sorted(v for v in raw if v in text)


def _readable(name: str, data: bytes) -> str:
    """A project part as text a person would read: tables as CSV, JSON and the model's
    category names without \\u escapes (a raw name must not hide behind an escape)."""
    if name.endswith(".parquet"):
        return pd.read_parquet(io.BytesIO(data)).astype(str).to_csv()
    text = data.decode("utf-8")
    if name.endswith(".json"):
        return json.dumps(json.loads(text), ensure_ascii=False)
    if "pandas_categorical:" in text:
        names = json.loads(text.rsplit("pandas_categorical:", 1)[1])
        return text + json.dumps(names, ensure_ascii=False)
    return text


@pytest.fixture(scope="module")
def forced(people):
    """The user put two personal columns back into the model (with the warning)."""
    path, _raw = people
    return run_analysis(path, target="효율", focus="top:20%", controllable="작업자,이메일")


def test_masks_keep_shape_and_hide_identity():
    assert mask_text("김철수") == "김**"
    assert mask_text("900101-1234567") == "900101-1******"
    assert mask_text("010-1234-5678") == "010-****-5678"
    assert mask_text("hong@example.com") == "h***@example.com"
    assert mask_text("Anna Kim") == "A*** K**"
    assert mask_text("김철수 (010-1234-5678)") == "김** (010-****-5678)"
    assert mask_value(None) is None
    assert mask_text("a" * 5000).startswith("a***") and mask_text("a" * 5000).endswith("…")


def test_long_cells_are_checked_in_linear_time():
    """A 1 MB cell of address-like characters (quadratic for a naive e-mail pattern: 32 KB
    took 6.5 s) is searched and masked at once."""
    import time

    from workbench.steps.pii import PATTERNS

    cells = ["a" * 1_000_000, "1" * 1_000_000, "a@b" * 300_000, " a@b.c" * 150_000]
    start = time.perf_counter()
    for cell in cells:
        for pattern in PATTERNS.values():
            pattern.search(cell)
        mask_text(cell)
    # a guard against blow-up, not a speed claim: about 1 s here, hours with the old pattern
    assert time.perf_counter() - start < 60
    assert masked_labels(["김철수", "김영희", "이수빈"]) == ["김**", "김** #2", "이**"]


def test_profile_text_and_json_show_no_raw_value(people, tmp_path, capsys):
    path, raw = people
    out = tmp_path / "profile.json"
    assert run_command(["profile", str(path), "--json", str(out)]) == 0
    text = capsys.readouterr().out
    assert _leaks(text, raw) == []
    assert "김**" in text or "이**" in text  # the masked top values are shown
    assert "are masked here" in text
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert _leaks(json.dumps(doc, ensure_ascii=False), raw) == []
    assert doc["masked_columns"] == PERSONAL
    by_name = {p["name"]: p for p in doc["quality"]["profiles"]}
    assert all(by_name[c]["top_values"] for c in PERSONAL)


def test_alerts_and_roles(people, forced):
    path, raw = people
    quality = forced.quality
    texts = [
        a.message + " " + a.fix + " " + json.dumps(a.details, ensure_ascii=False)
        for a in quality.alerts
    ]
    texts += [json.dumps(a.fix_step, ensure_ascii=False) for a in quality.alerts]
    assert _leaks("\n".join(texts), raw) == []
    assert {a.column for a in quality.alerts if a.kind == "pii"} == set(PERSONAL)
    default = run_analysis(path, target="효율", focus="top:20%")
    excluded = {e.column: e.reason for e in default.roles.excluded}
    assert all(excluded[c] == "pii" for c in PERSONAL)
    assert not set(PERSONAL) & set(default.fit.features.columns)
    forced_in = {e.column: e for e in forced.roles.forced}
    assert set(forced_in) == {"작업자", "이메일"}
    assert "holds personal data but you put it in the model" in forced_in["작업자"].message
    assert forced.roles["작업자"] == ColumnRole.CONTROLLABLE
    assert "작업자" in forced.fit.features.columns


def test_report_has_no_raw_value_in_any_cell(people, forced, tmp_path):
    _path, raw = people
    out = tmp_path / "report.xlsx"
    write_report(forced, out)
    wb = load_workbook(out)
    cells = [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert _leaks("\n".join(cells), raw) == []
    quality = [str(c.value) for row in wb["Quality"].iter_rows() for c in row if c.value]
    assert any("are masked here" in t and "“작업자”" in t for t in quality)
    assert any("**" in t for t in quality)  # the top values are there, masked


def test_saved_project_model_text_and_summaries(people, forced, tmp_path, capsys):
    _path, raw = people
    out = tmp_path / "forced.wbproj"
    save_project(project_from_analysis(forced, name="p"), out)
    with zipfile.ZipFile(out) as zf:
        model = zf.read("model/model.txt").decode("utf-8")
        doc = json.loads(zf.read("project.json"))
    # LightGBM writes the category names as JSON with \u escapes: read them back first
    names = json.loads(model.rsplit("pandas_categorical:", 1)[1])
    shown = json.dumps(names, ensure_ascii=False)
    assert "김**" in shown and "u**********@plant-mail.co.kr #2" in shown
    assert _leaks(model, raw) == [] and _leaks(shown, raw) == []
    value = doc["results"]["model"]["value"]
    for part in (value["summary"], value["quality"], doc["results"]["quality"]["value"]):
        assert _leaks(json.dumps(part, ensure_ascii=False), raw) == []
    # the model's category lists are stored masked too; only the data snapshot holds names
    assert _leaks(json.dumps(doc, ensure_ascii=False), raw) == []
    assert value["fit"]["features"]["levels"]["f0"]["masked"][0].endswith("**")
    assert run_command(["info", str(out)]) == 0
    assert _leaks(capsys.readouterr().out, raw) == []
    back = open_project(out)  # reopened, the model still predicts with the real categories
    fit = back.result(Section.MODEL).fit
    rows = back.table.frame.head(50)
    np.testing.assert_allclose(fit.predict(rows), forced.fit.predict(rows))


def test_a_masked_copy_holds_no_raw_value_and_reopens_alike(people, forced, tmp_path):
    _path, raw = people
    project = project_from_analysis(forced, name="p")
    copy, columns = masked_project(project)
    assert columns == PERSONAL
    assert project.table.frame["작업자"].isin(raw).all()  # the open project is unchanged
    out = tmp_path / "masked.wbproj"
    save_project(copy, out)
    with zipfile.ZipFile(out) as zf:
        for name in zf.namelist():
            data = zf.read(name)
            assert _leaks(_readable(name, data), raw) == [], name
    back = open_project(out)
    result = back.result(Section.MODEL)
    assert not back.is_stale(Section.MODEL)
    frame = back.table.frame
    assert frame["작업자"].nunique() == project.table.frame["작업자"].nunique()
    assert frame["연락처"].str.fullmatch(r"010-\*{4}-\d{4}( #\d+)?").all()
    np.testing.assert_allclose(result.fit.predict(frame), forced.fit.predict(forced.table.frame))


def test_cli_saves_a_masked_copy(people, tmp_path, capsys):
    path, raw = people
    out = tmp_path / "cli.wbproj"
    argv = ["analyze", str(path), "--target", "효율", "--project", str(out), "--mask-personal"]
    assert run_command(argv) == 0
    assert "masked" in capsys.readouterr().out
    with zipfile.ZipFile(out) as zf:
        snapshot = pd.read_parquet(io.BytesIO(zf.read("data/snapshot.parquet")))
    assert _leaks(snapshot.astype(str).to_csv(), raw) == []


def test_cause_groups_on_a_personal_column_quote_it_masked(tmp_path):
    """The user puts the operator's name in the model and the best runs are two operators':
    the groups' sentences, summary, report and an action made from a group show them masked."""
    from workbench.feedback.actions import action_from_group

    rng = np.random.default_rng(2)
    n = 800
    people = [s + g for s in SURNAMES for g in GIVEN[:4]]
    who = rng.choice(people, n)
    temp = rng.normal(800, 10, n)
    best = np.isin(who, ["김민수", "이영희"])
    eff = 19 + 0.01 * (temp - 800) + 2.0 * best + rng.normal(0, 0.2, n)
    frame = pd.DataFrame({"작업자": who, "소성온도": temp.round(1), "효율": eff.round(3)})
    path = tmp_path / "ops.csv"
    frame.to_csv(path, index=False, encoding="cp949")
    raw = set(people)
    result = run_analysis(path, target="효율", focus="top:10%", controllable="작업자")
    assert result.causes is not None and result.causes.groups
    conditions = [c for g in result.causes.groups for c in g.conditions if c.column == "작업자"]
    assert conditions and all(c.masked for c in conditions)
    assert set(conditions[0].levels) <= raw  # the rows they name are still the real ones
    texts = [g.description for g in result.causes.groups]
    texts.append(json.dumps(result.summary(), ensure_ascii=False))
    action = action_from_group(result.causes.groups[0], result.goal, result.roles)
    texts.append(json.dumps(action.to_dict(), ensure_ascii=False))
    assert _leaks("\n".join(texts), raw) == []
    assert "김**" in texts[-2] or "이**" in texts[-2]
    out = tmp_path / "ops.xlsx"
    write_report(result, out)
    wb = load_workbook(out)
    cells = [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert _leaks("\n".join(cells), raw) == []
    # saved: the conditions keep masked names and find the real ones again on opening
    project = tmp_path / "ops.wbproj"
    save_project(project_from_analysis(result, name="ops"), project)
    with zipfile.ZipFile(project) as zf:
        doc = json.loads(zf.read("project.json"))
    assert _leaks(json.dumps(doc, ensure_ascii=False), raw) == []
    back = open_project(project).result(Section.MODEL)
    reopened = [c for g in back.causes.groups for c in g.conditions if c.column == "작업자"]
    assert [c.levels for c in reopened] == [c.levels for c in conditions]
    assert (
        reopened[0].matches(back.frame["작업자"]).sum()
        == conditions[0].matches(result.frame["작업자"]).sum()
    )
    copy = tmp_path / "ops masked.wbproj"
    save_project(masked_project(open_project(project))[0], copy)
    masked_back = open_project(copy).result(Section.MODEL)
    masked_conditions = [
        c for g in masked_back.causes.groups for c in g.conditions if c.column == "작업자"
    ]
    assert (
        masked_conditions[0].matches(masked_back.frame["작업자"]).sum()
        == reopened[0].matches(back.frame["작업자"]).sum()
    )


def test_a_report_saved_before_masking_is_masked_when_read(people, forced):
    """A project file from an older Workbench keeps raw top values: they are masked on reading."""
    from workbench.steps.quality import QualityReport

    _path, raw = people
    doc = json.loads(json.dumps(forced.quality.to_dict()))
    del doc["personal_masked"]
    names = sorted(v for v in raw if len(v) == 3)[:3]
    for profile in doc["profiles"]:
        if profile["name"] == "작업자":
            profile["top_values"] = [[n, 5] for n in names]
    for alert in doc["alerts"]:
        if alert["column"] == "작업자" and alert["kind"] == "high_cardinality":
            alert["fix_step"] = {
                "op": "merge_categories",
                "column": "작업자",
                "mapping": {n: "(other)" for n in names},
            }
    assert _leaks(json.dumps(doc, ensure_ascii=False), raw)  # the crafted file holds names
    back = QualityReport.from_dict(doc)
    assert _leaks(json.dumps(back.to_dict(), ensure_ascii=False), raw) == []
    assert back.profile("작업자").top_values[0][0].endswith("**")


def test_masking_covers_unused_categories_and_every_frame():
    from workbench.steps.pii_copy import column_masks, mask_frame

    a = pd.DataFrame({"작업자": pd.Categorical(["김민수"], categories=["김민수", "이영희"])})
    b = pd.DataFrame({"작업자": ["김민수", "박지훈", None]})
    masks = column_masks([a, b], ["작업자"])
    assert masks["작업자"] == {"김민수": "김**", "이영희": "이**", "박지훈": "박**"}
    assert list(mask_frame(a, masks)["작업자"].cat.categories) == ["김**", "이**"]
    assert mask_frame(b, masks)["작업자"].tolist()[:2] == ["김**", "박**"]
    assert mask_frame(b, masks)["작업자"].isna().tolist()[2]


def test_a_many_valued_personal_column_in_the_model_reopens_and_its_copy_too(tmp_path):
    """Over 255 names: the model lumps the rare ones as "(other)"; the stored, masked levels
    still lead back to the real ones, in the project and in its masked copy."""
    rng = np.random.default_rng(4)
    people = [s + g + t for s in SURNAMES for g in GIVEN for t in "가나다라"]  # 320 names
    n = 2000
    who = rng.choice(people, n)
    temp = rng.normal(800, 10, n)
    eff = 19 + 0.05 * (temp - 800) + 0.5 * np.isin(who, people[:40]) + rng.normal(0, 0.2, n)
    frame = pd.DataFrame({"작업자": who, "소성온도": temp.round(1), "효율": eff.round(3)})
    path = tmp_path / "many.csv"
    frame.to_csv(path, index=False)
    result = run_analysis(path, target="효율", controllable="작업자")
    assert result.fit.features.lumped.get("작업자")
    project = project_from_analysis(result, name="many")
    for target, proj in (("plain", project), ("copy", masked_project(project)[0])):
        out = tmp_path / f"{target}.wbproj"
        save_project(proj, out)
        with zipfile.ZipFile(out) as zf:
            doc = json.loads(zf.read("project.json"))
        assert _leaks(json.dumps(doc, ensure_ascii=False), set(people)) == []
        back = open_project(out).result(Section.MODEL)
        np.testing.assert_allclose(
            back.fit.predict(back.table.frame), result.fit.predict(result.table.frame)
        )


def test_claim_rules_on_personal_columns_are_masked_and_found_again():
    """A claim's row-selection rules name levels of a personal column: saved masked with their
    ranks, read back as the real names; a rule whose levels were masked already stays as is."""
    from workbench.steps.pii import masked_rules, unmasked_rules

    frame = pd.DataFrame({"작업자": ["김민수", "이영희", "박지훈"], "x": [1, 2, 3]})
    rule = {"column": "작업자", "kind": "in", "levels": ["이영희", "김민수"]}
    done = {"column": "작업자", "kind": "in", "levels": ["김**"]}
    doc = {"rows": {"conditions": [rule, done]}, "other": [{"column": "x", "levels": [1]}]}
    saved = masked_rules(doc, ["작업자"], frame)
    assert _leaks(json.dumps(saved, ensure_ascii=False), {"김민수", "이영희"}) == []
    assert "level_ranks" not in saved["rows"]["conditions"][1]
    assert saved["other"] == doc["other"]
    assert unmasked_rules(saved, frame) == doc
