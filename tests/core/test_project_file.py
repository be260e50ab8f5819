"""The project file: save → open restores every result as it was, without refitting."""

from __future__ import annotations

import json
import math
import zipfile

import lightgbm
import numpy as np
import pandas as pd
import pytest

from workbench.analysis import run_analysis
from workbench.errors import ProjectFileError
from workbench.project import Project, Section
from workbench.steps.model_settings import ModelSettings
from workbench.steps.recipe import Recipe
from workbench.store.project_archive import read_archive, save_archive
from workbench.store.project_file import open_project, project_document, save_project
from workbench.vocabulary import ColumnRole


def _write_data(path, n=400, seed=0, classes=False):
    rng = np.random.default_rng(seed)
    temp = rng.normal(800, 10, n)
    speed = rng.normal(210, 5, n)
    line = rng.choice(["L1", "L2", "L3"], n)
    hum = rng.uniform(20, 80, n)
    hum[rng.random(n) < 0.05] = -999  # a sentinel the clean-up turns into missing
    eff = 0.05 * (temp - 800) - 0.04 * (speed - 210) + (line == "L2") * 0.8 + rng.normal(0, 0.2, n)
    frame = pd.DataFrame(
        {
            "번호": [f"R{i:05d}" for i in range(n)],
            "시각": pd.date_range("2026-03-01", periods=n, freq="h").strftime("%Y-%m-%d %H:%M"),
            "라인": line,
            "온도[℃]": temp.round(2),
            "belt speed": speed.round(2),
            "humidity": hum.round(1),
            "효율": eff.round(3),
        }
    )
    if classes:
        frame["불량"] = np.where(eff < np.quantile(eff, 0.3), "NG", "OK")
        frame = frame.drop(columns=["효율"])
    frame = pd.concat([frame, frame.iloc[:5]], ignore_index=True)  # duplicate rows
    frame.to_csv(path, index=False, encoding="utf-8-sig")
    return path


def _analyze(path, classes=False):
    target = "불량" if classes else "효율"
    return run_analysis(
        path,
        target=target,
        id_columns="번호",
        time="시각",
        controllable="온도[℃],belt speed",
        uncontrollable="humidity,라인",
        focus="top:20%" if not classes else None,
        min_group_size=5,
        settings=ModelSettings(effort="quick", n_folds=3),
        sample_size=200,
    )


def _project(result) -> Project:
    project = Project(name="소성로 개선 (Furnace)")
    project.set_table(result.table)
    project.set_goal(result.goal)
    project.set_settings(ModelSettings(effort="quick", n_folds=3))
    for column, role in result.roles.explicit.items():
        project.set_role(column, role)
    project.set_recipe(Recipe([{"op": "drop_columns", "columns": ["번호"]}]))
    project.set_result(Section.QUALITY, result.quality)
    project.set_result(Section.MODEL, result)
    project.actions.append({"title": "온도 5℃ 올리기", "status": "planned", "owner": "김"})
    project.notes = "첫 분석\n둘째 줄"
    return project


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    folder = tmp_path_factory.mktemp("proj")
    data = _write_data(folder / "라인 데이터.csv")
    result = _analyze(data)
    project = _project(result)
    path = folder / "분석.wbproj"
    save_project(project, path)
    return project, result, path


def test_save_open_restores_everything_the_user_saw(saved):
    project, result, path = saved
    back = open_project(path)
    assert back.name == project.name and back.notes == project.notes
    assert back.actions == project.actions
    assert back.goal == project.goal and back.settings == project.settings
    assert back.recipe == project.recipe
    assert back.roles == project.roles and all(
        isinstance(r, ColumnRole) for r in back.roles.values()
    )
    assert not back.dirty
    pd.testing.assert_frame_equal(back.table.frame, result.table.frame, check_exact=True)
    assert back.table.kinds == result.table.kinds
    assert back.table.source == result.table.source
    assert back.table.options == result.table.options
    assert back.table.notes == result.table.notes

    got = back.result(Section.MODEL)
    assert got.table is back.table  # one snapshot, referenced
    pd.testing.assert_frame_equal(got.frame, result.frame, check_exact=True)
    assert got.kinds == result.kinds
    assert _json(got.quality.to_dict()) == _json(result.quality.to_dict())
    assert _json(back.result(Section.QUALITY).to_dict()) == _json(result.quality.to_dict())
    assert [r.to_dict() for r in got.cleaning] == [r.to_dict() for r in result.cleaning]
    assert got.roles.to_dict() == result.roles.to_dict()
    pd.testing.assert_index_equal(got.focus_rows, result.focus_rows)
    assert got.causes_message == result.causes_message
    assert _json(got.summary()) == _json(result.summary())
    assert got.text_report() == result.text_report()
    assert got.cluster_rows().equals(result.cluster_rows())


def _json(obj):
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, default=str)


def test_model_features_shap_and_groups_are_loaded_not_recomputed(saved, monkeypatch):
    _, result, path = saved

    def refuse(*args, **kwargs):
        raise AssertionError("reopening must not refit or recompute")

    import workbench.steps.causes as causes_mod
    import workbench.steps.explain as explain_mod
    import workbench.steps.modeling as modeling_mod

    monkeypatch.setattr(lightgbm, "train", refuse)
    monkeypatch.setattr(modeling_mod, "fit_model", refuse)
    monkeypatch.setattr(explain_mod, "compute_shap", refuse)
    monkeypatch.setattr(explain_mod, "explain_model", refuse)
    monkeypatch.setattr(causes_mod, "find_cause_groups", refuse)
    got = open_project(path).result(Section.MODEL)

    fit, old = got.fit, result.fit
    assert fit.booster.model_to_string() == old.booster.model_to_string()
    np.testing.assert_array_equal(fit.predict(got.frame), old.predict(result.frame))
    pd.testing.assert_frame_equal(fit.features.X, old.features.X, check_exact=True)
    pd.testing.assert_series_equal(fit.features.y, old.features.y, check_exact=True)
    assert fit.features.levels == old.features.levels
    assert fit.features.display == old.features.display
    pd.testing.assert_series_equal(fit.oof_pred, old.oof_pred, check_exact=True)
    assert fit.summary() == old.summary()
    assert fit.plan.kind == old.plan.kind and fit.plan.test_share == old.plan.test_share
    for (a, b), (c, d) in zip(fit.plan.folds, old.plan.folds, strict=True):
        np.testing.assert_array_equal(a, c)
        np.testing.assert_array_equal(b, d)
    np.testing.assert_array_equal(fit.plan.order, old.plan.order)

    ex, ox = got.explanation, result.explanation
    for a, b in ((ex.overall, ox.overall), (ex.focus, ox.focus)):
        np.testing.assert_array_equal(a.values, b.values)
        pd.testing.assert_index_equal(a.rows, b.rows)
        assert a.columns == b.columns and a.base_value == b.base_value
    pd.testing.assert_series_equal(ex.importance, ox.importance, check_exact=True)
    assert ex.to_dict() == ox.to_dict()
    column = ex.columns[0]
    dep, odep = ex.dependence(column), ox.dependence(column)
    pd.testing.assert_series_equal(dep.values, odep.values)

    gc, oc = got.causes, result.causes
    assert oc is not None and len(oc.groups) >= 1
    assert gc.to_dict() == oc.to_dict()
    pd.testing.assert_series_equal(gc.labels, oc.labels, check_exact=True)
    for g, o in zip(gc.groups, oc.groups, strict=True):
        pd.testing.assert_index_equal(g.rows, o.rows)
        assert [c.text for c in g.conditions] == [c.text for c in o.conditions]


def test_result_stamps_survive_a_reopen(saved, tmp_path):
    project, _, _ = saved
    path = tmp_path / "stale.wbproj"
    assert not project.is_stale(Section.MODEL)
    project.set_role("belt speed", ColumnRole.EXCLUDED)  # the model is now out of date
    try:
        save_project(project, path)
    finally:
        project.set_role("belt speed", ColumnRole.CONTROLLABLE)
    back = open_project(path)
    assert back.is_stale(Section.MODEL)
    assert not back.is_stale(Section.QUALITY)
    back.set_role("belt speed", ColumnRole.CONTROLLABLE)
    assert back.is_stale(Section.MODEL)  # a later edit still counts revisions on top


def test_classification_project_round_trip(tmp_path):
    data = _write_data(tmp_path / "defects.csv", n=300, seed=2, classes=True)
    result = _analyze(data, classes=True)
    project = _project(result)
    save_project(project, tmp_path / "c.wbproj")
    got = open_project(tmp_path / "c.wbproj").result(Section.MODEL)
    assert got.fit.task == result.fit.task and got.fit.classes == result.fit.classes
    np.testing.assert_array_equal(got.fit.predict(got.frame), result.fit.predict(result.frame))
    assert _json(got.summary()) == _json(result.summary())


def test_source_changed_or_moved_still_opens_from_the_snapshot(tmp_path):
    data = _write_data(tmp_path / "src.csv", n=200)
    from workbench.tables.loader import load_table

    project = Project(name="p")
    project.set_table(load_table(data))
    path = tmp_path / "p.wbproj"
    save_project(project, path)
    assert open_project(path).source_check.status == "unchanged"

    text = data.read_text(encoding="utf-8-sig")
    data.write_text(text.replace("L1", "L9", 1), encoding="utf-8-sig")  # same size, new hash
    back = open_project(path)
    assert back.source_check.status == "changed" and back.source_check.changed
    assert "src.csv" in back.source_check.message
    pd.testing.assert_frame_equal(back.table.frame, project.table.frame)

    data.unlink()
    back = open_project(path)
    assert back.source_check.status == "missing"
    assert back.table.n_rows == project.table.n_rows


def test_manifest_and_layout(saved):
    _, _, path = saved
    names = set(zipfile.ZipFile(path).namelist())
    assert {"manifest.json", "project.json", "data/snapshot.parquet", "model/model.txt"} <= names
    assert {"results/shap_focus.parquet", "results/shap_overall.parquet"} <= names
    assert "results/cause_labels.parquet" in names
    assert not [n for n in names if n.endswith((".pkl", ".pickle", ".joblib", ".npy"))]
    manifest, archive = read_archive(path)
    assert manifest["format"] == "workbench-project" and manifest["schema_version"] == 1
    assert manifest["app_version"] and manifest["saved_at"].endswith("+00:00")
    doc = archive.documents["project.json"]
    assert len(doc["data"]["source"]["sha256"]) == 64
    assert doc["results"]["model"]["value"]["summary"]["model"]["verdict"]


# ---------------------------------------------------------------------------------------------
# Damaged files


def _rewrite(path, out, change):
    manifest, archive = read_archive(path)
    change(manifest, archive)
    save_archive(out, archive, manifest)
    return out


def test_newer_version_is_refused_plainly(saved, tmp_path):
    def newer(manifest, archive):
        manifest["schema_version"] = 99
        manifest["app_version"] = "9.0"

    bad = _rewrite(saved[2], tmp_path / "new.wbproj", newer)
    with pytest.raises(ProjectFileError, match="newer Workbench") as err:
        open_project(bad)
    assert "new.wbproj" in err.value.message and "9.0" in err.value.message


@pytest.mark.parametrize(
    "breakage",
    [
        lambda m, a: a.documents.__setitem__("project.json", ["not", "a", "dict"]),
        lambda m, a: a.documents["project.json"].__setitem__("roles", "everyone"),
        lambda m, a: a.documents["project.json"].pop("goal"),
        lambda m, a: a.documents["project.json"]["results"]["model"]["value"]["fit"].pop("task"),
        lambda m, a: a.texts.__setitem__("model/model.txt", "not a model"),
        lambda m, a: a.tables.pop("results/shap_focus.parquet"),
        lambda m, a: a.documents.pop("project.json"),
        lambda m, a: a.tables["data/snapshot.parquet"].__setitem__(
            "온도[℃]", a.tables["data/snapshot.parquet"]["온도[℃]"] + 1.0
        ),
    ],
    ids=[
        "not-a-dict",
        "roles",
        "no-goal",
        "fit",
        "model-text",
        "missing-table",
        "no-project",
        "snapshot-edited",
    ],
)
def test_schema_invalid_contents_give_a_plain_error_naming_the_file(saved, tmp_path, breakage):
    bad = _rewrite(saved[2], tmp_path / "broken.wbproj", breakage)
    with pytest.raises(ProjectFileError) as err:
        open_project(bad)
    assert "broken.wbproj" in err.value.message
    assert err.value.hint


def test_manifest_missing_not_a_zip_truncated(saved, tmp_path):
    good = saved[2].read_bytes()
    no_manifest = tmp_path / "nomani.wbproj"
    with zipfile.ZipFile(saved[2]) as src, zipfile.ZipFile(no_manifest, "w") as dst:
        for info in src.infolist():
            if info.filename != "manifest.json":
                dst.writestr(info, src.read(info))
    cut = tmp_path / "cut.wbproj"
    cut.write_bytes(good[: len(good) // 2])
    junk = tmp_path / "junk.wbproj"
    junk.write_text("hello", encoding="utf-8")
    wrong = tmp_path / "other.wbproj"
    with zipfile.ZipFile(wrong, "w") as zf:
        zf.writestr("manifest.json", json.dumps({"format": "something-else"}))
    for path in (no_manifest, cut, junk, wrong):
        with pytest.raises(ProjectFileError) as err:
            open_project(path)
        assert path.name in err.value.message


def test_a_failed_open_changes_nothing(saved, tmp_path):
    bad = _rewrite(
        saved[2],
        tmp_path / "x.wbproj",
        lambda m, a: a.texts.__setitem__("model/model.txt", "garbage"),
    )
    before = bad.read_bytes()
    with pytest.raises(ProjectFileError):
        open_project(bad)
    assert bad.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.wbproj"]


def test_empty_project_round_trip(tmp_path):
    project = Project(name="")
    save_project(project, tmp_path / "e.wbproj")
    back = open_project(tmp_path / "e.wbproj")
    assert back.table is None and back.result(Section.MODEL) is None
    assert back.source_check is None
    doc, _ = project_document(back)
    assert doc["results"] == {} and doc["data"] is None
    assert not math.isnan(0.0)


# ---------------------------------------------------------------------------------------------
# Property: save → open is lossless for any table and any text


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from workbench.tables.table import ColumnKind, LoadedTable, LoadNote, LoadOptions, SourceInfo  # noqa: E402

_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3),  # Hangul syllables
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
    ),
    max_size=8,
)
_ZONES = ["UTC", "Asia/Seoul", "America/New_York", "Europe/Berlin"]


@st.composite
def _tables(draw):
    n = draw(st.integers(0, 12))
    index = sorted(draw(st.sets(st.integers(0, 10_000), min_size=n, max_size=n)))
    names = draw(st.lists(_TEXT, min_size=1, max_size=6, unique=True))
    data, kinds = {}, {}
    for name in names:
        kind = draw(st.sampled_from(["float", "str", "category", "bool", "datetime", "tz"]))
        if kind == "float":
            values = draw(st.lists(st.floats(width=64), min_size=n, max_size=n))
            data[name], kinds[name] = np.asarray(values, dtype=np.float64), ColumnKind.NUMERIC
        elif kind == "str":
            values = draw(st.lists(st.one_of(st.none(), _TEXT), min_size=n, max_size=n))
            data[name], kinds[name] = pd.array(values, dtype="str"), ColumnKind.TEXT
        elif kind == "category":
            levels = draw(st.lists(_TEXT, min_size=1, max_size=5, unique=True))
            values = draw(
                st.lists(st.one_of(st.none(), st.sampled_from(levels)), min_size=n, max_size=n)
            )
            cat = pd.Categorical(values, categories=pd.Index(levels, dtype="str"))
            data[name], kinds[name] = cat, ColumnKind.CATEGORICAL
        elif kind == "bool":
            values = draw(st.lists(st.one_of(st.none(), st.booleans()), min_size=n, max_size=n))
            data[name], kinds[name] = pd.array(values, dtype="boolean"), ColumnKind.BOOLEAN
        else:
            ns = draw(
                st.lists(st.one_of(st.none(), st.integers(-(2**61), 2**62)), min_size=n, max_size=n)
            )
            stamps = pd.to_datetime(
                pd.array(ns, dtype="Int64").to_numpy(dtype="int64", na_value=-(2**63)), unit="ns"
            )
            stamps = stamps.as_unit(draw(st.sampled_from(["s", "ms", "us", "ns"])))
            if kind == "tz":
                stamps = stamps.tz_localize("UTC").tz_convert(draw(st.sampled_from(_ZONES)))
            data[name], kinds[name] = stamps, ColumnKind.DATETIME
    frame = pd.DataFrame(data, index=pd.Index(index, dtype="int64"))
    source = SourceInfo(
        path=draw(_TEXT) + ".csv",
        size=draw(st.integers(0, 2**40)),
        modified=draw(st.floats(0, 2e9)),
        sha256="ab" * 32,
        format="csv",
    )
    options = LoadOptions(encoding="cp949", column_kinds={names[0]: kinds[names[0]]})
    notes = [LoadNote("renamed_column", draw(_TEXT), names[0], {"n": draw(st.integers())})]
    return LoadedTable(frame, kinds, source, options, notes, sheets=[draw(_TEXT)])


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    table=_tables(),
    name=_TEXT,
    notes=st.text(max_size=40),
    actions=st.lists(
        st.dictionaries(_TEXT, st.one_of(_TEXT, st.floats(), st.integers(), st.none())),
        max_size=3,
    ),
)
def test_round_trip_is_lossless_for_any_content(tmp_path, table, name, notes, actions):
    project = Project(name=name, notes=notes, actions=actions)
    project.set_table(table)
    path = tmp_path / "h.wbproj"
    save_project(project, path)
    back = open_project(path, check_source_file=False)
    pd.testing.assert_frame_equal(back.table.frame, table.frame, check_exact=True)
    assert list(back.table.frame.dtypes) == list(table.frame.dtypes)
    assert back.table.kinds == table.kinds and back.table.source == table.source
    assert back.table.notes == table.notes and back.table.options == table.options
    assert _json(project_document(back)[0]) == _json(project_document(project)[0])


# ---------------------------------------------------------------------------------------------
# Command line: analyze --project, info


def test_cli_analyze_saves_a_project_and_info_describes_it(tmp_path, capsys):
    from workbench.cli import EXIT_USER_ERROR, run_command

    data = _write_data(tmp_path / "라인.csv", n=300, seed=3)
    out = tmp_path / "분석.wbproj"
    argv = ["analyze", str(data), "--target", "효율", "--id", "번호", "--time", "시각"]
    assert run_command([*argv, "--focus", "top:20%", "--project", str(out)]) == 0
    assert "분석.wbproj" in capsys.readouterr().out
    project = open_project(out)
    assert project.goal.target == "효율" and project.roles["번호"] == ColumnRole.ID
    assert not project.is_stale(Section.MODEL)

    assert run_command(["info", str(out)]) == 0
    text = capsys.readouterr().out
    assert "효율" in text and "305 rows" in text  # 300 rows + 5 repeated
    assert "unchanged" in text and "Model:" in text and "0 actions" in text

    data.write_text(data.read_text(encoding="utf-8-sig") + "\n", encoding="utf-8-sig")
    assert run_command(["info", str(out)]) == 0
    assert "has changed" in capsys.readouterr().out

    out.write_bytes(out.read_bytes()[:5000])
    assert run_command(["info", str(out)]) == EXIT_USER_ERROR
    err = capsys.readouterr().err
    assert "분석.wbproj" in err and "damaged" in err and "Traceback" not in err


def test_new_project_files_are_not_private(tmp_path):
    path = save_project(Project(name="x"), tmp_path / "n.wbproj")
    assert path.stat().st_mode & 0o644 == 0o644


def test_bundled_demo_project_opens_with_its_groups():
    from pathlib import Path

    demo = Path(__file__).resolve().parents[2] / "resources" / "demo" / "demo.wbproj"
    project = open_project(demo)
    assert project.source_check.status == "unchanged"  # the CSV beside it, by relative path
    assert project.goal.target == "efficiency"
    assert project.roles["firing_temp"] == ColumnRole.CONTROLLABLE
    assert project.roles["humidity"] == ColumnRole.UNCONTROLLABLE
    result = project.result(Section.MODEL)
    assert result.fit.verdict == "useful" and not project.is_stale(Section.MODEL)
    assert len(result.causes.groups) == 3
    columns = {frozenset(c.column for c in g.conditions) for g in result.causes.groups}
    assert frozenset({"firing_temp", "belt_speed"}) in columns  # a planted route


def _hangul(text: str) -> bool:
    return any("\uac00" <= ch <= "\ud7a3" for ch in text)


def test_saved_sentences_are_said_in_the_readers_language(saved):
    """A project saved in English reads in Korean; the numbers and results stay the same."""
    from workbench.i18n import set_language

    _, result, path = saved
    set_language("ko")
    try:
        ko = open_project(path).result(Section.MODEL)
    finally:
        set_language("en")
    en = open_project(path).result(Section.MODEL)
    english = [
        *(a.message for a in result.quality.alerts),
        *(a.fix for a in result.quality.alerts),
        *(r.description for r in result.cleaning),
        *(r.effect for r in result.cleaning),
        *(e.message for e in result.roles.excluded),
        *(e.message for e in result.fit.excluded),
        result.fit.verdict_message,
        result.fit.validation_message,
        *(g.description for g in result.causes.groups),
    ]
    korean = [
        *(a.message for a in ko.quality.alerts),
        *(a.fix for a in ko.quality.alerts),
        *(r.description for r in ko.cleaning),
        *(r.effect for r in ko.cleaning),
        *(e.message for e in ko.roles.excluded),
        *(e.message for e in ko.fit.excluded),
        ko.fit.verdict_message,
        ko.fit.validation_message,
        *(g.description for g in ko.causes.groups),
    ]
    assert len(korean) == len(english) and result.causes.groups and result.cleaning
    untranslated = [k for k, e in zip(korean, english, strict=True) if not _hangul(k) or k == e]
    assert untranslated == []
    # Only words changed: the same numbers, groups and verdict.
    assert ko.fit.metrics == en.fit.metrics and ko.fit.verdict == en.fit.verdict
    assert [g.size for g in ko.causes.groups] == [g.size for g in en.causes.groups]
    assert en.fit.verdict_message == result.fit.verdict_message
    assert [g.description for g in en.causes.groups] == [
        g.description for g in result.causes.groups
    ]


def test_info_says_the_verdict_and_groups_in_the_readers_language(saved):
    from workbench.i18n import set_language
    from workbench.store.project_info import describe_project

    _, result, path = saved
    english = "\n".join(describe_project(path))
    assert result.fit.verdict_message in english
    assert result.causes.groups[0].description in english
    set_language("ko")
    try:
        korean = "\n".join(describe_project(path))
    finally:
        set_language("en")
    assert result.fit.verdict_message not in korean and "모델:" in korean
    assert "그룹 1 —" in korean and result.causes.groups[0].description not in korean
