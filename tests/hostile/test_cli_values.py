"""Invalid command-line values end in a plain message and exit 2; a closed pipe is no crash."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workbench.cli import EXIT_USER_ERROR, run_command

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def csv_file(tmp_path: Path) -> Path:
    rng = np.random.default_rng(0)
    path = tmp_path / "line.csv"
    pd.DataFrame({"온도": rng.normal(800, 5, 50), "효율": rng.normal(19, 1, 50)}).to_csv(
        path, index=False
    )
    return path


def _run(argv: list[str], capsys) -> tuple[int, str]:
    try:
        code = run_command(argv)
    except SystemExit as exc:  # argparse refuses a value by exiting (with code 2)
        code = int(exc.code or 0)
    err = capsys.readouterr().err
    return code, err


@pytest.mark.parametrize("row", ["0", "-1", "-20", "abc", "1.5"])
def test_header_row_must_be_a_row_number(csv_file, capsys, row):
    code, err = _run(["profile", str(csv_file), f"--header-row={row}"], capsys)
    assert code == EXIT_USER_ERROR
    assert "is not a row number" in err and "Traceback" not in err


@pytest.mark.parametrize("size", ["0", "1", "-5", "x", "2.5"])
def test_min_group_size_must_be_two_rows_or_more(csv_file, capsys, size):
    argv = ["analyze", str(csv_file), "--target", "효율", f"--min-group-size={size}"]
    code, err = _run(argv, capsys)
    assert code == EXIT_USER_ERROR
    assert "is not a group size" in err and "Traceback" not in err


def test_sheet_on_a_csv_is_refused(csv_file, capsys):
    for command in (["profile"], ["analyze", "--target", "효율"]):
        code, err = _run([*command, str(csv_file), "--sheet", "Sheet1"], capsys)
        assert code == EXIT_USER_ERROR
        assert "--sheet is for Excel workbooks" in err and "Traceback" not in err


@pytest.mark.parametrize("value", ["yesterday", "2026-13", "2026-02-30", "26-04-01", "", "2026-4-"])
def test_unparseable_dates_are_refused(tmp_path, capsys, value):
    library = tmp_path / "lib"
    for argv in (
        ["library", "search", "--since", value, "--library", str(library)],
        ["library", "search", "--until", value, "--library", str(library)],
        ["actions", str(tmp_path / "p.wbproj"), "--add", "--title", "x", "--date", value],
    ):
        code, err = _run(argv, capsys)
        assert code == EXIT_USER_ERROR, argv
        assert "is not a date" in err and "Traceback" not in err


def test_good_dates_are_read_as_iso(tmp_path, capsys):
    from workbench.cli_values import date_option

    assert date_option("2026") == "2026"
    assert date_option("2026-4") == "2026-04"
    assert date_option("2026.4.5") == "2026-04-05"
    assert date_option("2026/12/31") == "2026-12-31"
    code, _err = _run(
        ["library", "search", "--since", "2026-04", "--library", str(tmp_path)], capsys
    )
    assert code == 0


def test_output_piped_into_head_is_not_a_crash(tmp_path):
    """``workbench profile big.csv | head -1``: exits quietly, writes no crash log."""
    rng = np.random.default_rng(1)
    wide = pd.DataFrame({f"열{i:04d}": rng.normal(size=40) for i in range(1500)})
    data = tmp_path / "wide.csv"
    wide.to_csv(data, index=False)
    home = tmp_path / "home"
    env = dict(os.environ, WORKBENCH_HOME=str(home), WORKBENCH_LANG="en", PYTHONPATH=str(ROOT))
    cmd = f'"{sys.executable}" -m workbench.cli profile "{data}" | head -1'
    proc = subprocess.run(
        ["bash", "-o", "pipefail", "-c", cmd], env=env, cwd=ROOT, capture_output=True, timeout=300
    )
    assert proc.stdout.decode().startswith("Data:")
    assert proc.returncode in (0, 141)  # the writer stops quietly (141 = 128 + SIGPIPE)
    assert b"Traceback" not in proc.stderr and b"unexpected problem" not in proc.stderr
    assert b"Exception ignored" not in proc.stderr
    assert not list(home.rglob("crash.log"))
