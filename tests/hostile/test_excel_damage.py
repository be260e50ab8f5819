"""Damaged .xlsx/.xls/.ods files end as the plain "damaged" message, never a crash.

Before: a corrupt deflate stream (zlib.error) and a member name that is not UTF-8
(UnicodeDecodeError) ended as "an unexpected problem" (exit 3), and a stray cell far out made
calamine abort the process on a 549 GB / 1.5 PB allocation (SIGABRT). Every crafted workbook
is loaded in one child process; the Excel reader runs in its own worker there, so the child's
exit code proves the app process survives each one.
"""

from __future__ import annotations

import pytest

from tests.hostile.excel_craft import all_cases, good_xlsx
from tests.hostile.hostile_kit import run_child
from workbench.cli import EXIT_USER_ERROR, run_command
from workbench.errors import DataLoadError

LOAD_ALL = """
import sys
from workbench.errors import DataLoadError
from workbench.tables.loader import load_table
for path in sys.argv[1:]:
    try:
        table = load_table(path)
        print("LOADED", path, table.frame.shape, flush=True)
    except DataLoadError as exc:
        print("REFUSED", path, exc.message.replace(chr(10), " "), flush=True)
    except BaseException as exc:
        print("OTHER", path, type(exc).__name__, exc, flush=True)
"""

# Cases that hold no readable table: each must be refused (the others may load what is
# readable, e.g. a cell with an odd value below the table).
MUST_REFUSE = {
    "xlsx_truncated_half",
    "xlsx_truncated_end",
    "xlsx_corrupt_deflate",
    "xlsx_bad_member_name",
    "xlsx_no_workbook_xml",
    "xlsx_no_sheet_xml",
    "xlsx_sheet_not_xml",
    "xlsx_workbook_not_xml",
    "xlsx_huge_dimension",
    "xlsx_cell_beyond_limits",
    "ods_truncated",
    "ods_content_not_xml",
    "xls_truncated_half",
    "xls_truncated_header",
    "xls_sector_size_huge",
}


@pytest.fixture(scope="module")
def crafted(tmp_path_factory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("workbooks")
    paths = {}
    for name, (suffix, data) in all_cases().items():
        path = folder / f"{name}{suffix}"
        path.write_bytes(data)
        paths[name] = str(path)
    return paths


def test_every_damaged_workbook_ends_plainly_without_a_crash(crafted):
    done = run_child(LOAD_ALL, *crafted.values(), timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = {line.split(" ")[1]: line for line in done.stdout.splitlines() if " " in line}
    by_name = {name: lines.get(path, "MISSING") for name, path in crafted.items()}
    assert not [n for n, line in by_name.items() if not line.startswith(("LOADED", "REFUSED"))]
    refused = {n for n, line in by_name.items() if line.startswith("REFUSED")}
    assert refused >= MUST_REFUSE, sorted(MUST_REFUSE - refused)
    assert "Traceback" not in done.stderr
    print(
        f"{len(crafted)} crafted workbooks: {len(refused)} refused plainly, "
        f"{len(crafted) - len(refused)} loaded what was readable, 0 crashes"
    )


@pytest.mark.parametrize(
    "case", ["xlsx_corrupt_deflate", "xlsx_bad_member_name", "xlsx_huge_dimension"]
)
def test_cli_says_damaged_with_exit_2(crafted, case, capsys):
    assert run_command(["profile", crafted[case]]) == EXIT_USER_ERROR
    err = capsys.readouterr().err
    assert "damaged" in err and "unexpected problem" not in err
    assert "memory allocation" not in err  # calamine's own note stays out of the user's way


def test_a_panic_in_the_reader_is_the_damaged_message(tmp_path, monkeypatch):
    """pyo3 turns a Rust panic into PanicException, a BaseException: it must not escape."""
    from workbench.tables import excel_reader

    class PanicException(BaseException):  # the name pyo3 gives it (pyo3_runtime)
        pass

    def panic(*args, **kwargs):
        raise PanicException("index out of bounds: the len is 3 but the index is 7")

    monkeypatch.setattr(excel_reader, "load_batch", panic)
    path = tmp_path / "book.xlsx"
    path.write_bytes(good_xlsx())
    from workbench.tables.table import LoadOptions

    with pytest.raises(DataLoadError, match="damaged"):
        excel_reader.read_excel_raw(path, "xlsx", LoadOptions())


def test_a_good_workbook_still_loads_through_the_worker(tmp_path):
    from workbench.tables.loader import load_table

    path = tmp_path / "good.xlsx"
    path.write_bytes(good_xlsx())
    table = load_table(path)
    assert table.frame.shape == (40, 3)
    assert list(table.frame.columns) == ["라인", "온도", "효율"]
