"""Build the frozen Workbench app with PyInstaller, then smoke-test it; exit != 0 on any failure.

Run from anywhere: ``python installer/build.py`` (needs ``pip install pyinstaller``). Steps:

1. ``pyinstaller installer/workbench.spec`` into ``dist/Workbench`` (``--skip-build`` reuses it).
2. On Windows, check the MSVC runtime DLLs LightGBM needs (VCOMP140, MSVCP140) are in the bundle.
3. ``workbench-cli analyze resources/demo/solar_cells.csv --target efficiency --json out.json``
   with the frozen executable; the JSON must hold a model score, drivers and cause groups.
4. ``Workbench --self-test`` offscreen: every native part imports and runs, the main window opens
   on the demo project and closes (timed: the start-up time).
5. The bundle's size and the 15 biggest folders/files in it (``--report FILE`` also writes JSON).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "installer" / "workbench.spec"
APP_NAME = "Workbench"
CLI_NAME = "workbench-cli"
MSVC_DLLS = ("vcomp140.dll", "msvcp140.dll")
DEMO_CSV = ROOT / "resources" / "demo" / "solar_cells.csv"
SMOKE_TIMEOUT_S = 900


class BuildError(Exception):
    """A step failed; the message says which and why."""


def exe_path(bundle: Path, name: str) -> Path:
    return bundle / (f"{name}.exe" if sys.platform == "win32" else name)


def run_pyinstaller(dist: Path, work: Path) -> float:
    """Build the one-folder app; returns the build time in seconds."""
    try:
        import PyInstaller  # noqa: F401
    except ImportError as exc:
        raise BuildError("PyInstaller is not installed: python -m pip install pyinstaller") from exc
    started = time.perf_counter()
    cmd = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean"]
    cmd += ["--distpath", str(dist), "--workpath", str(work), str(SPEC)]
    print("build:", " ".join(cmd), flush=True)
    result = subprocess.run(cmd, cwd=ROOT, check=False)
    if result.returncode != 0:
        raise BuildError(f"PyInstaller failed (exit code {result.returncode}); see its output")
    return time.perf_counter() - started


def check_msvc_runtime(bundle: Path) -> list[str]:
    """The MSVC runtime DLLs found in the bundle (names in lower case); raises if one is missing."""
    found = {p.name.lower() for p in bundle.rglob("*.dll")}
    missing = [dll for dll in MSVC_DLLS if dll not in found]
    if missing:
        raise BuildError(
            "the bundle lacks " + ", ".join(missing) + ": lib_lightgbm.dll will not load on a "
            "laptop without the Visual C++ runtime. Build on a machine that has them in System32."
        )
    return sorted(d for d in found if d.startswith(("vcomp", "msvcp", "vcruntime")))


def _smoke_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["WORKBENCH_HOME"] = str(home)  # keep preferences, logs and autosave out of the user's
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["NUMBA_CACHE_DIR"] = str(home / "numba-cache")
    return env


def _run(
    cmd: list[str], env: dict[str, str], what: str
) -> tuple[subprocess.CompletedProcess, float]:
    print("smoke:", " ".join(cmd), flush=True)
    started = time.perf_counter()
    try:
        result = subprocess.run(
            cmd, env=env, capture_output=True, text=True, encoding="utf-8", errors="replace",
            timeout=SMOKE_TIMEOUT_S, check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired as exc:
        raise BuildError(f"{what}: no exit after {SMOKE_TIMEOUT_S} s") from exc
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        tail = (result.stdout[-3000:] + "\n" + result.stderr[-5000:]).strip()
        raise BuildError(f"{what} failed with exit code {result.returncode}:\n{tail}")
    return result, elapsed


def smoke_analyze(bundle: Path, home: Path) -> dict[str, float | int]:
    """The headless pipeline on the demo data with the frozen CLI; checks the JSON it writes."""
    out = home / "out.json"
    cmd = [str(exe_path(bundle, CLI_NAME)), "analyze", str(DEMO_CSV), "--target", "efficiency"]
    _, elapsed = _run([*cmd, "--json", str(out)], _smoke_env(home), "workbench analyze")
    if not out.is_file():
        raise BuildError(f"workbench analyze exited 0 but wrote no {out.name}")
    summary = json.loads(out.read_text(encoding="utf-8"))
    score = summary.get("model", {}).get("score")
    if not isinstance(score, (int, float)):
        raise BuildError(f"analyze JSON has no model score: {summary.get('model')}")
    if not summary.get("drivers"):
        raise BuildError("analyze JSON names no drivers")
    if not summary.get("clusters"):
        raise BuildError("analyze JSON has no cause groups on the demo data (three are planted)")
    return {"seconds": round(elapsed, 1), "score": score, "groups": len(summary["clusters"])}


def smoke_gui(bundle: Path, home: Path) -> dict[str, float]:
    """``Workbench --self-test``: native parts, then the main window on the demo project.

    The windowed executable has no stdout on Windows: the launcher sends its output to the log
    file, so finding the verdict there also proves the redirect works.
    """
    env = _smoke_env(home)
    log = home / "logs" / "workbench.log"
    timings: dict[str, float] = {}
    for run in (
        "cold_s",
        "warm_s",
    ):  # the second start is the usual one: files cached, kernel compiled
        result, elapsed = _run([str(exe_path(bundle, APP_NAME)), "--self-test"], env, "self-test")
        output = result.stdout + (
            log.read_text(encoding="utf-8", errors="replace") if log.is_file() else ""
        )
        if "main window on the demo project ok" not in output:
            raise BuildError("self-test exited 0 without opening the demo project:\n" + output)
        timings[run] = round(elapsed, 1)
    print("\n".join(line for line in output.splitlines() if line.startswith("self-test")))
    _, version = _run([str(exe_path(bundle, CLI_NAME)), "--version"], env, "workbench --version")
    timings["cli_version_s"] = round(version, 1)
    return timings


def folder_size(path: Path) -> int:
    """Bytes under ``path``; symlinks (PyInstaller links shared libraries on Linux) count 0."""
    if path.is_symlink():
        return 0
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def size_breakdown(bundle: Path, top: int = 15) -> tuple[int, list[tuple[str, int]]]:
    """Total bytes and the biggest entries; the big packages are split one level further."""
    internal = bundle / "_internal"
    entries: list[tuple[str, int]] = []
    for base in (bundle, internal):
        if not base.is_dir():
            continue
        for child in base.iterdir():
            if child == internal:
                continue
            if child.is_dir() and child.name in ("PySide6", "pyarrow", "scipy", "numba"):
                for sub in child.iterdir():
                    entries.append((str(sub.relative_to(bundle)), folder_size(sub)))
            else:
                entries.append((str(child.relative_to(bundle)), folder_size(child)))
    entries.sort(key=lambda e: e[1], reverse=True)
    return folder_size(bundle), entries[:top]


def by_package(bundle: Path) -> list[tuple[str, int]]:
    """Bytes per top-level package or file of ``_internal`` (for the report's overview)."""
    internal = bundle / "_internal"
    base = internal if internal.is_dir() else bundle
    sizes = [(child.name, folder_size(child)) for child in base.iterdir()]
    return sorted(sizes, key=lambda e: e[1], reverse=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build and smoke-test the frozen Workbench app.")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder")
    parser.add_argument(
        "--work", type=Path, default=ROOT / "build", help="PyInstaller's work folder"
    )
    parser.add_argument("--skip-build", action="store_true", help="smoke-test an existing build")
    parser.add_argument("--report", type=Path, help="also write the numbers as JSON")
    args = parser.parse_args(argv)
    bundle = args.dist / APP_NAME
    report: dict[str, object] = {"platform": sys.platform}
    try:
        if not args.skip_build:
            report["build_s"] = round(run_pyinstaller(args.dist, args.work), 1)
        if not exe_path(bundle, APP_NAME).is_file():
            raise BuildError(f"no frozen app at {exe_path(bundle, APP_NAME)}")
        if sys.platform == "win32":
            report["msvc_dlls"] = check_msvc_runtime(bundle)
        with tempfile.TemporaryDirectory(prefix="workbench-smoke-") as tmp:
            report["analyze"] = smoke_analyze(bundle, Path(tmp))
            report["self_test"] = smoke_gui(bundle, Path(tmp))
    except BuildError as exc:
        print(f"\nBUILD FAILED: {exc}", file=sys.stderr)
        return 1
    total, top = size_breakdown(bundle)
    report["size_mb"] = round(total / 1e6, 1)
    report["top"] = [(name, round(size / 1e6, 1)) for name, size in top]
    report["packages"] = [(name, round(size / 1e6, 1)) for name, size in by_package(bundle)[:25]]
    print(f"\nBundle {bundle}: {total / 1e6:.1f} MB")
    for name, size in top:
        print(f"  {size / 1e6:8.1f} MB  {name}")
    print(json.dumps({k: v for k, v in report.items() if k not in ("top", "packages")}, indent=1))
    if args.report:
        args.report.write_text(json.dumps(report, indent=1), encoding="utf-8")
    print("\nBUILD OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
