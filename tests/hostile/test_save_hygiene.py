"""Saves leave no litter, survive power loss, share normally and respect read-only files.

Before: 150 killed saves left 35 temporary files (11 MB) for good; the folder was not fsynced
after the rename; the ``.bak``, report and ``--json`` files were private (0600) because
``mkstemp`` makes them so; a read-only project file was replaced without a word (POSIX).
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
import time

import numpy as np
import pandas as pd
import pytest

from tests.hostile.hostile_kit import ROOT
from workbench import atomic
from workbench.atomic import write_bytes_atomic
from workbench.cli import run_command
from workbench.errors import ProjectFileError
from workbench.store.project_archive import ProjectArchive, read_archive, save_archive

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes and umask")


def _archive() -> ProjectArchive:
    frame = pd.DataFrame(np.random.default_rng(0).normal(size=(300_000, 6)))
    frame.columns = [f"c{i}" for i in range(6)]
    return ProjectArchive(tables={"data/snapshot.parquet": frame})


def _temps(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_temp_files_of_killed_saves_are_removed_on_the_next_save_and_open(tmp_path):
    path = tmp_path / "p.wbproj"
    save_archive(path, ProjectArchive(), {"schema_version": 1})
    script = textwrap.dedent(
        f"""
        import numpy as np, pandas as pd
        from pathlib import Path
        from workbench.store.project_archive import ProjectArchive, save_archive
        frame = pd.DataFrame(np.random.default_rng(0).normal(size=(300_000, 6)),
                             columns=[f"c{{i}}" for i in range(6)])
        arch = ProjectArchive(tables={{"data/snapshot.parquet": frame}})
        print("ready", flush=True)
        while True:
            save_archive(Path({str(path)!r}), arch, {{"schema_version": 1}})
        """
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    rng = np.random.default_rng(3)
    for _ in range(6):  # kill a saving process at random moments
        proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, env=env)
        assert proc.stdout.readline().strip() == b"ready"
        time.sleep(float(rng.uniform(0.05, 0.5)))
        proc.kill()
        proc.wait()
    # a kill mid-write leaves its temporary file; make sure at least one exists to clean
    fd, tmp = atomic.create_temp(path)
    os.close(fd)
    dead = tmp.with_name(tmp.name.replace(f".{os.getpid()}.", ".999999999."))
    tmp.rename(dead)
    other = tmp_path / ".someone-else.wbproj.999999999.0badf00d.tmp"
    other.write_bytes(b"not ours")
    assert dead.name in _temps(tmp_path)
    read_archive(path)  # opening cleans up
    assert _temps(tmp_path) == [other.name]  # only files named for this project go
    dead.write_bytes(b"x")
    save_archive(path, ProjectArchive(), {"schema_version": 1})  # so does saving
    assert _temps(tmp_path) == [other.name]


def test_a_temp_file_of_a_live_writer_is_left_alone(tmp_path):
    path = tmp_path / "p.wbproj"
    fd, live = atomic.create_temp(path)  # this process is alive: a save in progress
    os.close(fd)
    assert atomic.clean_leftovers(path) == 0
    assert live.exists()


@posix_only
def test_the_folder_is_fsynced_after_the_rename(tmp_path, monkeypatch):
    synced: list[str] = []
    real_fsync = os.fsync

    def spy(fd):
        synced.append(stat.S_ISDIR(os.fstat(fd).st_mode))
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", spy)
    save_archive(tmp_path / "p.wbproj", ProjectArchive(), {"schema_version": 1})
    assert synced[-1] is True  # the last fsync is the folder's, after the rename
    synced.clear()
    write_bytes_atomic(tmp_path / "r.json", b"{}")
    assert synced == [False, True]


@posix_only
@pytest.mark.parametrize("umask", [0o022, 0o002])
def test_written_files_get_normal_permissions(tmp_path, umask):
    old = os.umask(umask)
    try:
        path = tmp_path / "p.wbproj"
        save_archive(path, ProjectArchive(), {"schema_version": 1})
        save_archive(path, ProjectArchive(), {"schema_version": 1})  # makes the .bak
        write_bytes_atomic(tmp_path / "report.xlsx", b"x")
    finally:
        os.umask(old)
    expected = 0o666 & ~umask
    for name in ("p.wbproj", "p.wbproj.bak", "report.xlsx"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == expected, name


@posix_only
def test_cli_json_output_is_readable_by_others(tmp_path, capsys):
    data = tmp_path / "d.csv"
    data.write_text("a,b\n1,2\n3,4\n5,6\n", encoding="utf-8")
    old = os.umask(0o022)
    try:
        assert run_command(["profile", str(data), "--json", str(tmp_path / "p.json")]) == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "p.json").stat().st_mode) == 0o644


@posix_only
def test_a_saved_project_keeps_its_own_mode(tmp_path):
    path = tmp_path / "p.wbproj"
    save_archive(path, ProjectArchive(), {"schema_version": 1})
    os.chmod(path, 0o640)
    save_archive(path, ProjectArchive(), {"schema_version": 1})
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_a_read_only_project_file_is_not_replaced(tmp_path):
    path = tmp_path / "p.wbproj"
    save_archive(path, ProjectArchive(documents={"a.json": {"v": 1}}), {"schema_version": 1})
    before = path.read_bytes()
    os.chmod(path, stat.S_IREAD)
    try:
        with pytest.raises(ProjectFileError, match="read-only"):
            save_archive(
                path, ProjectArchive(documents={"a.json": {"v": 2}}), {"schema_version": 1}
            )
        assert path.read_bytes() == before
        assert _temps(tmp_path) == []
        with pytest.raises(OSError, match="read-only"):
            write_bytes_atomic(path, b"other")
        assert path.read_bytes() == before
    finally:
        os.chmod(path, stat.S_IREAD | stat.S_IWRITE)
