"""Helpers of the hostile-input suite: crafted zips, a child runner, peak memory.

Crafted files are built by code here, from a real project saved by Workbench, so each case is
exactly one lie away from a good file. Cases that could crash the interpreter natively run in a
child process: its exit code proves no SIGSEGV/SIGABRT (a negative code on POSIX).
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]


def write_plant_csv(path: Path, n: int = 300, seed: int = 0) -> Path:
    """A small plant table whose target depends on a number and on a category (so the model
    has categorical splits, with their bitsets)."""
    rng = np.random.default_rng(seed)
    line = rng.choice(["L1", "L2", "L3", "L4"], n)
    temp = rng.normal(800, 10, n)
    speed = rng.normal(210, 5, n)
    eff = 0.05 * (temp - 800) + np.isin(line, ["L2", "L4"]) * 1.5 + rng.normal(0, 0.2, n)
    frame = pd.DataFrame(
        {
            "라인": line,
            "온도": temp.round(2),
            "speed": speed.round(2),
            "효율": eff.round(3),
        }
    )
    frame.to_csv(path, index=False, encoding="utf-8-sig")
    return path


def entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def write_entries(path: Path, parts: dict[str, bytes], stored: bool = False) -> Path:
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=method) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    path.write_bytes(buf.getvalue())
    return path


def run_child(code: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter from the worktree root (argv[1:] = ``args``)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), WORKBENCH_LANG="en")
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def peak_rss_mb(code: str, *args: str, timeout: float = 300) -> tuple[float, str]:
    """Run ``code`` in a child; return its peak resident memory (MB) and what it printed.

    Linux: VmHWM of the child's own memory; ``ru_maxrss`` would also count the parent's, as
    it carries over through fork and exec (a 900 MB pytest made every child "peak" there).
    """
    wrapper = (
        "import resource, sys\n"
        "try:\n"
        f"    exec(compile({code!r}, 'child', 'exec'))\n"
        "finally:\n"
        "    try:\n"
        "        status = open('/proc/self/status').read().split('VmHWM:')[1]\n"
        "        kb = int(status.split()[0])\n"
        "    except (OSError, IndexError, ValueError):\n"
        "        kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "    print(f'PEAK_KB={kb}', flush=True)\n"
    )
    done = run_child(wrapper, *args, timeout=timeout)
    peak = [line for line in done.stdout.splitlines() if line.startswith("PEAK_KB=")]
    assert peak, done.stdout + done.stderr
    return int(peak[-1].split("=")[1]) / 1024, done.stdout + done.stderr


# Opens each project file given and uses its model (predictions walk every tree), printing one
# line per file; a native crash shows as a negative exit code and a missing line.
OPEN_AND_PREDICT = """
import sys
from workbench.errors import ProjectFileError
from workbench.store.project_file import open_project
from workbench.project import Section
for path in sys.argv[1:]:
    try:
        project = open_project(path, check_source_file=False)
    except ProjectFileError as exc:
        print("REFUSED", path, exc.message, flush=True)
        continue
    fit = project.result(Section.MODEL).fit
    fit.booster.predict(fit.features.X)
    print("OPENED", path, flush=True)
"""


def outcomes(done: subprocess.CompletedProcess) -> dict[str, str]:
    """``{path: "REFUSED"/"OPENED"}`` from the lines :data:`OPEN_AND_PREDICT` printed."""
    out: dict[str, str] = {}
    for line in done.stdout.splitlines():
        word, _, rest = line.partition(" ")
        if word in ("REFUSED", "OPENED"):
            out[rest.split(" ", 1)[0]] = word
    return out


def patch_sizes(path: Path, name: str, file_size: int) -> None:
    """Make the zip headers of entry ``name`` claim ``file_size`` uncompressed bytes (a lie)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(name)
    data[info.header_offset + 22 : info.header_offset + 26] = file_size.to_bytes(4, "little")
    encoded = name.encode()
    pos = data.find(b"PK\x01\x02")
    while pos >= 0:
        length = int.from_bytes(data[pos + 28 : pos + 30], "little")
        if bytes(data[pos + 46 : pos + 46 + length]) == encoded:
            data[pos + 24 : pos + 28] = file_size.to_bytes(4, "little")
            break
        pos = data.find(b"PK\x01\x02", pos + 4)
    path.write_bytes(bytes(data))


def write_zeros_entry(path: Path, parts: dict[str, bytes], name: str, size: int) -> Path:
    """``parts`` plus an entry ``name`` of ``size`` deflated zero bytes, streamed (the test
    never holds them)."""
    write_entries(path, {k: v for k, v in parts.items() if k != name})
    chunk = bytes(1 << 20)
    with (
        zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as zf,
        zf.open(name, "w") as fh,
    ):
        for _ in range(size // len(chunk)):
            fh.write(chunk)
    return path
