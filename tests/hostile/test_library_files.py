"""Crafted experiment-library files and exports: bad rows, newer layouts, conflicts, database
code, deep and huge JSON. Every good entry is kept in each case; nothing ends in a traceback."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workbench.cli import run_command
from workbench.errors import WorkbenchError
from workbench.feedback.actions import make_change, new_action, update_action
from workbench.feedback.library import Library, tried_before_lines
from workbench.feedback.library_import import MAX_IMPORT_BYTES

GOOD = 4


def _logged(i: int, factor: str = "소성온도") -> object:
    when = f"2026-04-{10 + i:02d}T08:00:00+00:00"
    change = make_change(factor, "", f"above {800 + i}")
    action = new_action(f"시도 {i}", changes=[change], when=when)
    return update_action(action, outcome="no_change", when=when)


def _library(path: Path) -> Library:
    lib = Library(path)
    for i in range(GOOD):
        lib.record(_logged(i), project_name="Line 3")
    return lib


BAD_DOCS = [
    b"{not json",
    b"[1, 2, 3]",
    b'{"title": "no id"}',
    b'{"entry_id": "x1", "outcome": "no_change", "factors": 5}',
    b'{"entry_id": "x2", "outcome": "no_change", "measured_effect": "lots"}',
    b"\xff\xfe broken utf-8 \x80",
    ("[" * 5000 + "]" * 5000).encode(),
    b'{"entry_id": "x3", "outcome": "no_change", "evidence": '
    + b'{"a": ' * 100
    + b"1"
    + b"}" * 101,
    b"",
]


def _add_bad_rows(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        for i, doc in enumerate(BAD_DOCS):
            value = sqlite3.Binary(doc)  # stored as TEXT, bytes and all (bad UTF-8 included)
            conn.execute(
                "INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?, CAST(? AS TEXT))",
                (f"bad{i}", "2026-05-01", "2026-05-01", "no_change", "x", "시도", value),
            )
            conn.execute("INSERT INTO entry_factors VALUES (?, ?)", (f"bad{i}", "소성온도"))
    conn.close()


def test_unreadable_rows_are_skipped_counted_and_said_once(tmp_path):
    path = tmp_path / "library.sqlite"
    _library(path)
    _add_bad_rows(path)
    lib = Library(path)
    assert len(lib.search()) == GOOD and lib.skipped == len(BAD_DOCS)
    assert len(lib.search("시도")) == GOOD
    assert len(lib.tried_before(["소성온도"])) == GOOD
    assert lib.get("bad0") is None
    lines, notice = tried_before_lines([{"id": 1, "conditions": [{"column": "소성온도"}]}], path)
    assert len(lines[1]) == GOOD
    assert notice == f"{len(BAD_DOCS)} entries of the experiment library could not be read " + (
        "and were skipped."
    )


def test_cli_search_and_actions_add_survive_bad_rows(tmp_path, capsys):
    from workbench.analysis import run_analysis
    from workbench.pipeline import project_from_analysis
    from workbench.store.project_file import open_project, save_project

    library = tmp_path / "library.sqlite"
    _library(library)
    _add_bad_rows(library)
    assert run_command(["library", "search", "--library", str(library)]) == 0
    out = capsys.readouterr().out
    assert out.count("could not be read") == 1 and out.count("시도") == GOOD

    rng = np.random.default_rng(0)
    n = 400
    temp = rng.normal(800, 10, n)
    frame = pd.DataFrame({"소성온도": temp.round(1), "속도": rng.normal(200, 5, n).round(1)})
    frame["효율"] = (19 + 0.08 * (temp - 800) + rng.normal(0, 0.2, n)).round(3)
    data = tmp_path / "line.csv"
    frame.to_csv(data, index=False)
    result = run_analysis(data, target="효율", focus="top:20%", controllable="소성온도")
    assert result.causes is not None and result.causes.groups
    project = tmp_path / "p.wbproj"
    save_project(project_from_analysis(result, name="p"), project)

    argv = ["actions", str(project), "--add", "--from-group", "1", "--library", str(library)]
    assert run_command(argv) == 0
    out = capsys.readouterr().out
    assert "Added" in out and out.count("could not be read") == 1
    assert len(open_project(project).actions) == 1  # the action was saved

    report = tmp_path / "r.xlsx"
    os.environ["WORKBENCH_LIBRARY"] = str(library)
    try:
        assert run_command(["report", str(project), "--report", str(report)]) == 0
    finally:
        del os.environ["WORKBENCH_LIBRARY"]
    assert report.exists()


def _export(lib: Library, path: Path) -> dict:
    lib.export_json(path)
    return json.loads(path.read_text(encoding="utf-8"))


def test_an_export_from_a_newer_layout_is_refused(tmp_path):
    lib = _library(tmp_path / "a.sqlite")
    doc = _export(lib, tmp_path / "e.json")
    doc["version"] = 99
    (tmp_path / "e.json").write_text(json.dumps(doc), encoding="utf-8")
    other = _library(tmp_path / "b.sqlite")
    with pytest.raises(WorkbenchError, match="newer Workbench"):
        other.import_json(tmp_path / "e.json")
    assert len(other.search()) == GOOD


def test_a_library_file_from_a_newer_layout_is_not_changed(tmp_path):
    path = tmp_path / "library.sqlite"
    _library(path)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE meta SET value = '7' WHERE key = 'schema'")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(WorkbenchError, match="newer Workbench"):
        Library(path)
    lines, notice = tried_before_lines([{"id": 1, "conditions": [{"column": "x"}]}], path)
    assert lines == {} and "newer Workbench" in notice
    assert path.read_bytes() == before


def test_an_import_never_replaces_a_local_entry(tmp_path):
    lib = _library(tmp_path / "a.sqlite")
    doc = _export(lib, tmp_path / "e.json")
    for entry in doc["entries"]:
        entry["updated_at"] = "2999-12-31T00:00:00+00:00"
        entry["notes"] = "overwritten by an export"
        entry["outcome"] = "improved"
    (tmp_path / "e.json").write_text(json.dumps(doc), encoding="utf-8")
    summary = lib.import_json(tmp_path / "e.json")
    assert summary.conflicts == GOOD and summary.added == 0
    assert all(e.notes == "" for e in lib.search() if "~" not in e.entry_id)
    assert len(lib.search()) == 2 * GOOD  # both versions kept
    assert lib.import_json(tmp_path / "e.json").conflicts == 0  # again: nothing new


def test_bad_entries_in_an_export_are_skipped_and_the_good_ones_kept(tmp_path):
    lib = _library(tmp_path / "a.sqlite")
    doc = _export(lib, tmp_path / "e.json")
    doc["entries"] += [5, "x", {"entry_id": "e"}, {"entry_id": "n", "outcome": "x", "factors": 3}]
    deep: dict = {"entry_id": "deep", "outcome": "no_change", "extra": {}}
    node = deep["extra"]
    for _ in range(200):
        node["a"] = {}
        node = node["a"]
    doc["entries"].append(deep)
    (tmp_path / "e.json").write_text(json.dumps(doc), encoding="utf-8")
    other = Library(tmp_path / "b.sqlite")
    summary = other.import_json(tmp_path / "e.json")
    assert (summary.added, summary.skipped) == (GOOD, 5)
    assert "5 entries of the file could not be read" in summary.text


def test_deep_and_huge_json_is_refused_plainly(tmp_path):
    lib = _library(tmp_path / "a.sqlite")
    deep = tmp_path / "deep.json"
    deep.write_text('{"format": "workbench-library", "entries": ' + "[" * 100_000, "utf-8")
    with pytest.raises(WorkbenchError, match=r"not an experiment library export|nested"):
        lib.import_json(deep)
    deeper = tmp_path / "deeper.json"
    deeper.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(WorkbenchError, match="nested far deeper"):
        lib.import_json(deeper)
    huge = tmp_path / "huge.json"
    with huge.open("wb") as fh:  # sparse: big on paper, nothing read
        fh.truncate(MAX_IMPORT_BYTES + 1)
    with pytest.raises(WorkbenchError, match="larger than 64 MB"):
        lib.import_json(huge)
    assert len(lib.search()) == GOOD


def test_cli_import_refusals_exit_2(tmp_path, capsys):
    lib = tmp_path / "lib.sqlite"
    _library(lib)
    deeper = tmp_path / "deeper.json"
    deeper.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert run_command(["library", "import", str(deeper), "--library", str(lib)]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_triggers_and_views_in_a_library_file_never_run(tmp_path):
    path = tmp_path / "library.sqlite"
    _library(path)
    with sqlite3.connect(path) as conn:
        conn.executescript(
            """
            CREATE TABLE canary (n INTEGER);
            CREATE TRIGGER wipe AFTER INSERT ON entries BEGIN
                DELETE FROM entries; INSERT INTO canary VALUES (1); END;
            CREATE TRIGGER wipe2 BEFORE UPDATE ON entries BEGIN
                DELETE FROM entries; INSERT INTO canary VALUES (2); END;
            CREATE VIEW everything AS SELECT * FROM entries;
            """
        )
    conn.close()
    lib = Library(path)
    assert lib.notice and "triggers or views" in lib.notice and "set aside" in lib.notice
    assert len(lib.search()) == GOOD  # every good row copied
    lib.record(_logged(9, "속도"), project_name="Line 5")
    assert len(lib.search()) == GOOD + 1  # the trigger did not wipe them
    with sqlite3.connect(path) as conn:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    conn.close()
    assert "canary" not in names and "wipe" not in names and "everything" not in names
    aside = next(tmp_path.glob("library.sqlite.unsafe-*"))
    with sqlite3.connect(aside) as conn:
        assert conn.execute("SELECT COUNT(*) FROM canary").fetchone()[0] == 0
    conn.close()
    assert Library(path).notice is None  # the clean file opens without a word


def test_an_entries_view_is_not_read(tmp_path):
    """A file whose ``entries`` is a view (code that runs when read) gives a clean library."""
    path = tmp_path / "library.sqlite"
    with sqlite3.connect(path) as conn:
        conn.executescript(
            """
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
            CREATE VIEW entries AS WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1
                FROM r) SELECT n AS entry_id, '' AS doc FROM r;
            """
        )
    conn.close()
    lib = Library(path)
    assert lib.notice and "0 readable entries" in lib.notice
    assert lib.search() == []


def test_a_trigger_smuggled_in_under_an_internal_name_is_caught(tmp_path):
    path = tmp_path / "library.sqlite"
    _library(path)
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA writable_schema = ON")
        conn.execute(
            "INSERT INTO sqlite_master VALUES ('trigger', 'sqlite_wipe', 'entries', 0, "
            "'CREATE TRIGGER sqlite_wipe AFTER INSERT ON entries BEGIN DELETE FROM entries; END')"
        )
    conn.close()
    lib = Library(path)
    assert lib.notice and "triggers or views" in lib.notice
    lib.record(_logged(9, "속도"), project_name="Line 5")
    assert len(lib.search()) == GOOD + 1
