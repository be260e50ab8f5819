"""The experiment library: search, tried-before, merge by JSON, concurrent writers, damage."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from workbench.errors import WorkbenchError
from workbench.feedback.actions import make_change, new_action, update_action
from workbench.feedback.library import Library, default_library_path, tried_before_lines
from workbench.feedback.library_entry import LibraryEntry, entry_from_action

ROOT = Path(__file__).resolve().parents[2]


def _logged(title, factor, to, outcome, when, **fields):
    action = new_action(title, changes=[make_change(factor, "", to)], when=when)
    if outcome == "not_tried":
        return update_action(action, status="could_not_try", when=when, **fields)
    return update_action(action, outcome=outcome, when=when, **fields)


@pytest.fixture
def lib(tmp_path) -> Library:
    library = Library(tmp_path / "lib" / "library.sqlite")
    library.record(
        _logged(
            "Thinner paste", "paste_thickness", "below 17", "no_change", "2026-04-10T08:00:00+00:00"
        ),
        project_name="Line 3",
    )
    library.record(
        _logged(
            "Hotter firing",
            "firing_temp",
            "above 850",
            "not_tried",
            "2026-05-02T08:00:00+00:00",
            reason_not_tried="equipment limit",
        ),
        project_name="Line 3",
    )
    library.record(
        _logged("Faster belt", "belt_speed", "above 120", "improved", "2026-06-01T08:00:00+00:00"),
        project_name="Line 5",
    )
    return library


def test_default_location_and_overrides(tmp_path, monkeypatch):
    assert default_library_path().name == "library.sqlite"
    assert default_library_path().parent.exists()  # the isolated WORKBENCH_HOME
    monkeypatch.setenv("WORKBENCH_LIBRARY", str(tmp_path / "share"))
    assert default_library_path() == tmp_path / "share" / "library.sqlite"
    assert Library().path == tmp_path / "share" / "library.sqlite"
    assert default_library_path(tmp_path / "x.sqlite") == tmp_path / "x.sqlite"


def test_search_by_text_factor_outcome_and_date(lib):
    assert len(lib) == 3
    assert [e.title for e in lib.search()] == ["Faster belt", "Hotter firing", "Thinner paste"]
    assert [e.title for e in lib.search("equipment")] == ["Hotter firing"]
    assert [e.title for e in lib.search("line 3 paste")] == ["Thinner paste"]
    assert [e.title for e in lib.search(factor="Paste Thickness [µm]")] == ["Thinner paste"]
    assert [e.title for e in lib.search(outcome="improved")] == ["Faster belt"]
    assert [e.title for e in lib.search(since="2026-05", until="2026-05")] == ["Hotter firing"]
    assert lib.search("nothing like this") == []
    entry = lib.search("thinner")[0]
    assert entry.outcome == "no_change" and entry.project == "Line 3"
    assert lib.get(entry.entry_id) == entry


def test_tried_before_names_failures_and_untested_ideas_only(lib):
    hits = lib.tried_before(["paste_thickness", "firing_temp", "belt_speed"])
    assert {e.title for e in hits} == {"Thinner paste", "Hotter firing"}  # not the success
    paste = lib.tried_before(["PASTE_THICKNESS"])[0]
    assert (
        paste.text == "Tried before: paste_thickness below 17 — no change, 2026-04, project Line 3"
    )
    firing = lib.tried_before(["firing_temp"])[0]
    assert firing.text.endswith("could not try, 2026-05, project Line 3 (reason: equipment limit)")
    assert lib.tried_before(["humidity"]) == []
    group = {"conditions": [{"column": "paste_thickness"}, {"column": "supplier"}]}
    assert [e.title for e in lib.tried_before_group(group)] == ["Thinner paste"]


def test_entry_context_from_a_project(tmp_path):
    import pandas as pd

    from workbench.project import Project
    from workbench.steps.goal import Goal
    from workbench.vocabulary import ColumnRole

    project = Project(name="Line 7", goal=Goal(target="efficiency", direction="maximize"))
    frame = pd.DataFrame({"t": pd.to_datetime(["2026-01-05", "2026-03-30"]), "x": [1.0, 2.0]})

    class _Table:  # the project reads only .frame here
        def __init__(self, f):
            self.frame = f

    project.table = _Table(frame)  # type: ignore[assignment]
    project.roles = {"t": ColumnRole.TIME}
    action = _logged("Less x", "x", "below 1", "worse", "2026-04-01T00:00:00+00:00")
    entry = entry_from_action(action, project)
    assert entry.project == "Line 7" and entry.goal_target == "efficiency"
    assert entry.data_period == "2026-01-05 – 2026-03-30"
    assert LibraryEntry.from_dict(json.loads(json.dumps(entry.to_dict()))) == entry
    with pytest.raises(ValueError):
        entry_from_action(new_action("not logged"))


def test_export_import_merges_without_duplicates(lib, tmp_path):
    path = tmp_path / "team.json"
    assert lib.export_json(path) == 3
    other = Library(tmp_path / "other.sqlite")
    first = other.import_json(path)
    assert (first.added, first.unchanged, first.conflicts) == (3, 0, 0)
    again = other.import_json(path)
    assert (again.added, again.unchanged, again.conflicts) == (0, 3, 0)
    assert len(other) == 3
    # An imported version never replaces the local one, whatever updated_at it claims: both
    # are kept (the import beside the local entry), and importing it again adds nothing.
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["entries"][0]["notes"] = "re-tested"
    doc["entries"][0]["updated_at"] = "2099-01-01T00:00:00+00:00"
    doc["entries"][1]["notes"] = "stale edit"
    doc["entries"][1]["updated_at"] = "2000-01-01T00:00:00+00:00"
    path.write_text(json.dumps(doc), encoding="utf-8")
    merged = other.import_json(path)
    assert (merged.added, merged.unchanged, merged.conflicts) == (0, 1, 2)
    assert len(other) == 5
    original = doc["entries"][0]["entry_id"]
    assert other.get(original).notes != "re-tested"  # the local version is still there
    beside = other.search("re-tested")
    assert len(beside) == 1 and beside[0].extra["imported_beside"] == original
    assert "2 entries differ from your copies" in merged.text
    assert other.import_json(path).conflicts == 0 and len(other) == 5
    bad = tmp_path / "bad.json"
    bad.write_text('{"hello": 1}', encoding="utf-8")
    with pytest.raises(WorkbenchError, match="not an experiment library export"):
        other.import_json(bad)


_WRITER = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, sys.argv[3])
    from workbench.feedback.actions import make_change, new_action, update_action
    from workbench.feedback.library import Library
    import os, time
    lib = Library(sys.argv[1])
    open(sys.argv[4] + "." + sys.argv[2], "w").close()  # ready
    while not os.path.exists(sys.argv[4]):  # start together, so the writes overlap
        time.sleep(0.01)
    for i in range(40):
        a = new_action(f"{sys.argv[2]} {i}", changes=[make_change("f%d" % (i % 5), "", "up")])
        lib.record(update_action(a, outcome="no_change"), project_name=sys.argv[2])
        lib.tried_before(["f1"])
    """
)


def test_two_processes_writing_at_once_lose_nothing(tmp_path):
    path = tmp_path / "shared" / "library.sqlite"
    Library(path)  # created once, as the first window does
    go = tmp_path / "go"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(path), name, str(ROOT), str(go)],
            stderr=subprocess.PIPE,
        )
        for name in ("window-A", "window-B")
    ]
    deadline = time.monotonic() + 60
    while not all(Path(f"{go}.{n}").exists() for n in ("window-A", "window-B")):
        assert time.monotonic() < deadline and all(p.poll() is None for p in procs)
        time.sleep(0.02)
    go.touch()
    for proc in procs:
        _out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
    lib = Library(path)
    assert len(lib) == 80
    assert len(lib.search(factor="f1")) == 16
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_windows_creating_a_new_library_at_the_same_moment_all_succeed(tmp_path):
    # Switching a new file to WAL answers "locked" at once to every connection but one;
    # this failed about one round in thirty before the retry.
    failures: list[BaseException] = []

    def create(path: Path) -> None:
        try:
            Library(path)
        except BaseException as exc:  # collected for the assert below
            failures.append(exc)

    for attempt in range(40):
        path = tmp_path / str(attempt) / "library.sqlite"
        threads = [threading.Thread(target=create, args=(path,)) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert failures == []


def test_a_damaged_file_is_set_aside_and_a_fresh_library_started(tmp_path):
    path = tmp_path / "library.sqlite"
    path.write_bytes(b"this is not a database, just bytes " * 200)
    project_file = tmp_path / "line3.wbproj"
    project_file.write_bytes(b"PK untouched")
    lib = Library(path)
    assert lib.damaged_copy is not None and lib.damaged_copy.exists()
    assert lib.damaged_copy.name.startswith("library.sqlite.damaged-")
    assert lib.damaged_copy.read_bytes().startswith(b"this is not a database")
    assert "was damaged" in lib.notice and lib.damaged_copy.name in lib.notice
    assert len(lib) == 0
    lib.record(_logged("After", "x", "up", "worse", "2026-07-01T00:00:00+00:00"))
    assert len(Library(path)) == 1 and Library(path).notice is None
    assert project_file.read_bytes() == b"PK untouched"


def test_a_file_damaged_while_in_use_is_reported_and_replaced(lib):
    lib.path.write_bytes(b"\0garbage" * 4096)  # e.g. a sync tool overwrote it
    for side in ("-wal", "-shm"):
        lib.path.with_name(lib.path.name + side).unlink(missing_ok=True)
    with pytest.raises(WorkbenchError, match="was damaged") as info:
        lib.search("paste")
    assert "import" in info.value.hint
    assert lib.damaged_copy is not None and lib.damaged_copy.exists()
    assert lib.search() == []


def test_an_unusable_location_is_a_plain_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(WorkbenchError, match="could not be opened"):
        Library(blocker / "sub" / "library.sqlite")


def test_tried_before_lines_for_the_causes_pane_and_report(lib, tmp_path):
    groups = [
        {"id": 1, "conditions": [{"column": "belt_speed"}]},  # only a success: nothing to say
        {"id": 2, "conditions": [{"column": "firing_temp"}, {"column": "paste_thickness"}]},
    ]
    lines, notice = tried_before_lines(groups, lib.path)
    assert notice is None and list(lines) == [2]
    assert len(lines[2]) == 2 and all(t.startswith("Tried before: ") for t in lines[2])
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    lines, notice = tried_before_lines(groups, blocker / "lib.sqlite")
    assert lines == {} and "could not be opened" in notice
