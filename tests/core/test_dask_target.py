"""Where to compute: ``--dask`` values, and a plain message when the cluster extra is missing."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from workbench.compute.target import ComputeTarget, parse_target
from workbench.errors import WorkbenchError

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("local:2", ComputeTarget(workers=2)),
        (" LOCAL:8 ", ComputeTarget(workers=8)),
        ("tcp://10.0.0.5:8786", ComputeTarget(address="tcp://10.0.0.5:8786")),
        ("scheduler.plant.local:8786", ComputeTarget(address="tcp://scheduler.plant.local:8786")),
        ("tls://head:8786/", ComputeTarget(address="tls://head:8786")),
    ],
)
def test_targets_parse(text, expected):
    assert parse_target(text) == expected
    assert parse_target(expected.to_text()) == expected


@pytest.mark.parametrize("text", ["local", "local:0", "local:two", "local:999"])
def test_bad_worker_counts_say_how_to_write_them(text):
    with pytest.raises(WorkbenchError) as err:
        parse_target(text)
    assert "local:2" in err.value.hint


@pytest.mark.parametrize("text", ["", "http://x:8786", "just words", "tcp://"])
def test_bad_addresses_say_what_an_address_looks_like(text):
    with pytest.raises(WorkbenchError) as err:
        parse_target(text)
    assert "tcp://" in err.value.hint


def test_without_the_extra_the_cli_names_the_install_line(tmp_path):
    """dask and distributed made unimportable in a real child process: exit 2, no traceback."""
    data = tmp_path / "t.csv"
    data.write_text("a,b\n1,2\n3,4\n", encoding="utf-8")
    script = textwrap.dedent(
        f"""
        import sys, importlib.abc
        class Block(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in ("dask", "distributed"):
                    raise ImportError(name)
                return None
        sys.meta_path.insert(0, Block())
        import importlib.util
        _find = importlib.util.find_spec
        def find_spec(name, package=None):
            if name.split(".")[0] in ("dask", "distributed"):
                return None
            return _find(name, package)
        importlib.util.find_spec = find_spec
        from workbench.cli import main
        sys.exit(main(["analyze", {str(data)!r}, "--target", "b", "--dask", "local:2"]))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"WORKBENCH_LANG": "en", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert 'pip install -e ".[cluster]"' in done.stderr
    assert "Traceback" not in done.stderr


def test_the_app_core_imports_without_dask():
    """Importing the analysis, the CLI and every compute module must not pull dask in: the
    Windows build leaves dask out unless asked (installer/workbench.spec), and must still start."""
    code = (
        "import sys, pkgutil, importlib, workbench.cli, workbench.analysis, workbench.compute; "
        "[importlib.import_module('workbench.compute.' + m.name) "
        " for m in pkgutil.iter_modules(workbench.compute.__path__)]; "
        "sys.exit(1 if any(m.split('.')[0] in ('dask', 'distributed') for m in sys.modules) "
        "else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
