"""The project container: safe to open from a colleague, atomic to save."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import textwrap
import zipfile

import numpy as np
import pandas as pd
import pytest

from workbench.errors import ProjectFileError
from workbench.store.project_archive import ProjectArchive, read_archive, save_archive


def _archive() -> ProjectArchive:
    frame = pd.DataFrame(
        {"온도[℃]": [1.5, np.nan, 3.0], "라인": pd.Categorical(["L1", "L2", "L1"])},
        index=[0, 2, 5],
    )
    return ProjectArchive(
        documents={"project.json": {"goal": {"target": "효율"}, "nan": float("nan")}},
        tables={"data/snapshot.parquet": frame},
        texts={"model/model.txt": "tree\nversion=v4\n"},
    )


def test_round_trip_keeps_tables_documents_and_texts(tmp_path):
    path = tmp_path / "p.wbproj"
    save_archive(path, _archive(), {"schema_version": 1})
    manifest, back = read_archive(path)
    assert manifest == {"schema_version": 1}
    pd.testing.assert_frame_equal(
        back.tables["data/snapshot.parquet"], _archive().tables["data/snapshot.parquet"]
    )
    assert back.documents["project.json"]["goal"] == {"target": "효율"}
    assert np.isnan(back.documents["project.json"]["nan"])
    assert back.texts["model/model.txt"].startswith("tree")


def test_second_save_keeps_previous_version_as_backup(tmp_path):
    path = tmp_path / "p.wbproj"
    save_archive(path, _archive(), {"schema_version": 1, "n": 1})
    save_archive(path, _archive(), {"schema_version": 1, "n": 2})
    assert read_archive(path)[0]["n"] == 2
    assert read_archive(tmp_path / "p.wbproj.bak")[0]["n"] == 1
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def _zip(path, entries: dict[str, bytes], compress=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path, "w", compression=compress) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)


@pytest.mark.parametrize(
    "name",
    ["../evil.json", "/abs.json", "data/../../x.json", "payload.pkl", "model.joblib", "a\\b.json"],
)
def test_entries_with_unsafe_names_are_refused(tmp_path, name):
    path = tmp_path / "bad.wbproj"
    _zip(path, {"manifest.json": b"{}", name: b"{}"})
    with pytest.raises(ProjectFileError, match="not allowed"):
        read_archive(path)


def test_pickle_inside_the_zip_is_never_loaded(tmp_path):
    class Boom:
        def __reduce__(self):
            return (os.system, ("touch " + str(tmp_path / "pwned"),))

    path = tmp_path / "bad.wbproj"
    _zip(path, {"manifest.json": b"{}", "data/snapshot.parquet": pickle.dumps(Boom())})
    with pytest.raises(ProjectFileError, match="damaged"):
        read_archive(path)
    assert not (tmp_path / "pwned").exists()


def test_zip_bomb_is_refused_before_decompressing(tmp_path):
    path = tmp_path / "bomb.wbproj"
    _zip(path, {"manifest.json": b"{}", "project.json": b" " * (300 * 1024**2)})
    assert path.stat().st_size < 2 * 1024**2
    with pytest.raises(ProjectFileError, match="zip bomb"):
        read_archive(path)


@pytest.mark.parametrize("cut", [0.3, 0.7, 0.98])
def test_truncated_file_gives_a_plain_message(tmp_path, cut):
    path = tmp_path / "p.wbproj"
    save_archive(path, _archive(), {"schema_version": 1})
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * cut)])
    with pytest.raises(ProjectFileError) as err:
        read_archive(path)
    assert "p.wbproj" in err.value.message


def test_not_a_zip_and_missing_file(tmp_path):
    junk = tmp_path / "junk.wbproj"
    junk.write_bytes(b"\x00\x01garbage" * 100)
    with pytest.raises(ProjectFileError, match="damaged"):
        read_archive(junk)
    with pytest.raises(ProjectFileError, match="not found"):
        read_archive(tmp_path / "nope.wbproj")


def test_kill_during_save_always_leaves_a_file_that_opens(tmp_path):
    """Kill a process that saves in a loop at random moments; the file must always open."""
    path = tmp_path / "p.wbproj"
    save_archive(path, _archive(), {"schema_version": 1, "n": -1})
    script = textwrap.dedent(
        f"""
        import numpy as np, pandas as pd, sys
        from pathlib import Path
        from workbench.store.project_archive import ProjectArchive, save_archive
        frame = pd.DataFrame(np.random.default_rng(0).normal(size=(200_000, 8)),
                             columns=[f"c{{i}}" for i in range(8)])
        arch = ProjectArchive(tables={{"data/snapshot.parquet": frame}})
        n = 0
        print("ready", flush=True)
        while True:
            save_archive(Path({str(path)!r}), arch, {{"schema_version": 1, "n": n}})
            n += 1
        """
    )
    rng = np.random.default_rng(1)
    for _ in range(4):
        proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE)
        assert proc.stdout.readline().strip() == b"ready"
        try:
            proc.wait(timeout=float(rng.uniform(0.05, 0.6)))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        manifest, archive = read_archive(path)
        assert manifest["schema_version"] == 1
        if manifest["n"] >= 0:
            assert archive.tables["data/snapshot.parquet"].shape == (200_000, 8)
