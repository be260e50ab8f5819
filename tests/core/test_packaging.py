"""The packaging files agree with each other and with the code (no build here: that is
``python installer/build.py``, too slow for the default run)."""

from __future__ import annotations

import ast
import importlib.util
import re
import struct
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
INSTALLER = ROOT / "installer"
SPEC = INSTALLER / "workbench.spec"
ISS = INSTALLER / "workbench.iss"
WORKFLOW = ROOT / ".github" / "workflows" / "windows.yml"
ICONS = ROOT / "resources" / "icons"


def _spec_tree() -> ast.Module:
    return ast.parse(SPEC.read_text(encoding="utf-8"), filename=str(SPEC))


def _spec_constants() -> dict[str, object]:
    """Top-level ``NAME = <literal>`` assignments of the spec."""
    found: dict[str, object] = {}
    for node in _spec_tree().body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                try:
                    found[target.id] = ast.literal_eval(node.value)
                except ValueError:
                    continue
    return found


def _load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _imported_modules(folder: Path) -> set[str]:
    names: set[str] = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


# -- the PyInstaller spec -------------------------------------------------------------------
def test_spec_entry_and_resources_exist() -> None:
    consts = _spec_constants()
    entry = ROOT / str(consts["ENTRY"])
    assert entry.is_file()
    assert "def main()" in entry.read_text(encoding="utf-8")
    datas = consts["RESOURCE_DATAS"]
    assert isinstance(datas, list) and datas
    for src, dest in datas:
        assert (ROOT / src).exists(), src
        assert dest.startswith("resources/")
    # The demo project the start page opens and the icons the installer points at are bundled.
    sources = {src for src, _ in datas}
    assert "resources/demo/demo.wbproj" in sources
    assert "resources/icons" in sources
    assert "resources/locale" in sources  # workbench.i18n reads the .mo from <bundle>/resources


def test_spec_excludes_heavy_unused_modules() -> None:
    excludes = set(_spec_constants()["EXCLUDES"])
    wanted = {
        "shap",
        "tkinter",
        "matplotlib",
        "PySide6.QtWebEngineCore",
        "PySide6.Qt3DCore",
        "PySide6.QtMultimedia",
        "PySide6.QtQuick",
        "PySide6.QtQml",
    }
    assert wanted <= excludes
    # ...and the modules the app does need are not excluded.
    needed = {"numpy", "pandas", "pyarrow", "lightgbm", "hdbscan", "sklearn", "scipy", "openpyxl"}
    needed |= {"fastexcel", "pyqtgraph", "PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets"}
    assert not needed & excludes
    # pyqtgraph's plot curves import these with importlib: bundled on purpose (a frozen build
    # without them failed its self-test).
    assert {"PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets"}.isdisjoint(excludes)
    assert '"PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets"' in SPEC.read_text(encoding="utf-8")


def test_app_imports_nothing_the_spec_excludes() -> None:
    """An import of an excluded module would work in the tests and crash the frozen app."""
    excludes = set(_spec_constants()["EXCLUDES"])
    used = _imported_modules(ROOT / "workbench") | _imported_modules(ROOT / "ui")
    clashes = {m for m in used for ex in excludes if m == ex or m.startswith(ex + ".")}
    assert not clashes, f"the app imports modules the frozen build leaves out: {sorted(clashes)}"


def test_spec_collects_lightgbm_data_files_and_app_packages() -> None:
    calls = [
        (node.func.id, [a.value for a in node.args if isinstance(a, ast.Constant)])
        for node in ast.walk(_spec_tree())
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    ]
    assert ("collect_data_files", ["lightgbm"]) in calls  # VERSION.txt, read at import
    assert ("collect_submodules", ["workbench"]) in calls
    assert ("collect_submodules", ["ui"]) in calls
    names = [name for name, _ in calls]
    assert names.count("EXE") == 2 and "COLLECT" in names  # windowed app + console CLI


def test_spec_drops_third_party_tests_only() -> None:
    func = next(
        node
        for node in _spec_tree().body
        if isinstance(node, ast.FunctionDef) and node.name == "is_third_party_test"
    )
    namespace: dict[str, object] = {"TEST_FOLDERS": _spec_constants()["TEST_FOLDERS"]}
    exec(compile(ast.Module([func], []), str(SPEC), "exec"), namespace)
    is_test = namespace["is_third_party_test"]
    assert is_test("pandas.tests.frame.test_api")
    assert is_test("scipy/special/tests/data/boost.npz")
    assert not is_test("numpy.testing")
    assert not is_test("lightgbm/VERSION.txt")
    assert not is_test("workbench.steps.tests_helper")


# -- the entry script ----------------------------------------------------------------------
def test_launcher_imports_nothing_heavy_before_redirecting() -> None:
    tree = ast.parse((INSTALLER / "launcher.py").read_text(encoding="utf-8"))
    top = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            top.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            top.add(node.module.split(".")[0])
    assert top <= {"__future__", "os", "sys", "threading", "time", "traceback", "pathlib"}


def test_launcher_sends_missing_streams_to_a_log(tmp_path, monkeypatch) -> None:
    launcher = _load(INSTALLER / "launcher.py", "wb_launcher")
    monkeypatch.setenv("WORKBENCH_HOME", str(tmp_path))
    assert launcher.redirect_missing_streams() is None  # pytest's streams are there
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    log = launcher.redirect_missing_streams()
    assert log == tmp_path / "logs" / "workbench.log"
    print("진행 중 — a library that prints")
    sys.stderr.write("warning\n")
    stream = sys.stdout
    assert stream is sys.stderr
    stream.close()
    text = log.read_text(encoding="utf-8")
    assert "Workbench started" in text and "진행 중" in text and "warning" in text


def test_launcher_turns_an_unexpected_error_into_an_exit_code(monkeypatch, capsys) -> None:
    """A traceback must not reach the windowed bootloader (a modal box that hangs CI)."""
    import ui.entry

    launcher = _load(INSTALLER / "launcher.py", "wb_launcher_err")

    def broken(argv: list[str]) -> int:
        raise RuntimeError("boom")

    monkeypatch.setattr(ui.entry, "main", broken)
    monkeypatch.setattr(sys, "argv", ["Workbench", "analyze", "x.csv"])
    assert launcher.main() == 70
    err = capsys.readouterr().err
    assert "unexpected error" in err and "RuntimeError: boom" in err


# -- the build script's checks -------------------------------------------------------------
def test_build_checks_msvc_runtime_and_sizes(tmp_path) -> None:
    build = _load(INSTALLER / "build.py", "wb_build")
    bundle = tmp_path / "Workbench"
    (bundle / "_internal" / "PySide6" / "Qt").mkdir(parents=True)
    (bundle / "_internal" / "PySide6" / "Qt" / "lib.bin").write_bytes(b"x" * 5000)
    (bundle / "_internal" / "lightgbm").mkdir()
    (bundle / "_internal" / "lightgbm" / "lib_lightgbm.dll").write_bytes(b"x" * 3000)
    (bundle / "Workbench.exe").write_bytes(b"x" * 100)
    with pytest.raises(build.BuildError, match=r"vcomp140\.dll, msvcp140\.dll"):
        build.check_msvc_runtime(bundle)
    (bundle / "_internal" / "VCOMP140.dll").write_bytes(b"x")
    (bundle / "_internal" / "msvcp140.dll").write_bytes(b"x")
    assert build.check_msvc_runtime(bundle) == ["msvcp140.dll", "vcomp140.dll"]
    (bundle / "_internal" / "liblink.so").symlink_to(bundle / "_internal" / "lightgbm")
    total, top = build.size_breakdown(bundle)  # a symlinked library is not counted twice
    assert total == 5000 + 3000 + 100 + 2
    assert top[0] == (str(Path("_internal/PySide6/Qt")), 5000)
    assert top[1] == (str(Path("_internal/lightgbm")), 3000)


# -- the Inno Setup script -----------------------------------------------------------------
def _iss_setup() -> dict[str, str]:
    text = ISS.read_text(encoding="utf-8")
    section = text.split("[Setup]", 1)[1].split("\n[", 1)[0]
    pairs = (line.split("=", 1) for line in section.splitlines() if "=" in line)
    return {k.strip(): v.strip() for k, v in pairs if not k.strip().startswith(";")}


def _iss_defines() -> dict[str, str]:
    text = ISS.read_text(encoding="utf-8")
    return dict(re.findall(r'#define\s+(\w+)\s+"([^"]*)"', text))


def test_iss_is_a_per_user_install() -> None:
    setup = _iss_setup()
    assert setup["PrivilegesRequired"] == "lowest"
    assert setup["DefaultDirName"] == r"{localappdata}\Programs\{#AppName}"
    assert setup["ChangesAssociations"] == "yes"
    text = ISS.read_text(encoding="utf-8")
    assert "HKLM" not in text and "{commonprograms}" not in text  # nothing that needs admin


def test_iss_associates_wbproj_with_an_icon_under_hkcu() -> None:
    defines = _iss_defines()
    assert defines["ProjectExt"] == ".wbproj"
    registry = ISS.read_text(encoding="utf-8").split("[Registry]", 1)[1].split("\n[", 1)[0]
    entries = [line for line in registry.splitlines() if line.startswith("Root:")]
    assert entries and all(line.startswith("Root: HKCU;") for line in entries)
    joined = "\n".join(entries)
    assert r'Subkey: "Software\Classes\{#ProjectExt}"' in joined
    assert r"{#ProgId}\DefaultIcon" in joined
    assert r"{#ProgId}\shell\open\command" in joined
    assert "uninsdeletekey" in joined  # the uninstaller removes the association


def test_iss_matches_the_spec() -> None:
    consts = _spec_constants()
    defines = _iss_defines()
    assert defines["AppExe"] == f"{consts['APP_NAME']}.exe"
    assert defines["BundleDir"] == rf"..\dist\{consts['APP_NAME']}"
    # The project icon is bundled (resources/icons -> _internal/resources/icons) and exists.
    icon = defines["ProjectIcon"].replace("\\", "/")
    assert icon.startswith("_internal/resources/icons/")
    assert (ROOT / icon.removeprefix("_internal/")).is_file()
    assert (ROOT / "resources" / "icons" / "workbench.ico").is_file()


def test_installer_compiles_the_shap_kernel_after_copying_the_files() -> None:
    consts = _spec_constants()
    defines = _iss_defines()
    assert defines["CliExe"] == f"{consts['CLI_NAME']}.exe"
    run = ISS.read_text(encoding="utf-8").split("[Run]", 1)[1].split("\n[", 1)[0]
    steps = [line for line in run.splitlines() if line.startswith("Filename:")]
    # first the kernel (waited for), then the optional "launch" checkbox
    assert '"{app}\\{#CliExe}"; Parameters: "--compile-shap"' in steps[0]
    assert "waituntilterminated" in steps[0] and "postinstall" not in steps[0]
    # numba caches only a function whose .py file exists: the kernel ships as source
    spec = (INSTALLER / "workbench.spec").read_text(encoding="utf-8")
    assert 'module_collection_mode={"workbench.steps.shap_native": "py"}' in spec


def test_launcher_compile_shap_compiles_the_kernel(monkeypatch, capsys) -> None:
    from workbench.steps import shap_native

    launcher = _load(INSTALLER / "launcher.py", "wb_launcher_compile")
    monkeypatch.setattr(sys, "argv", ["workbench-cli", "--compile-shap"])
    assert launcher.main() == 0
    out = capsys.readouterr().out
    assert "SHAP kernel ready" in out if shap_native.HAVE_NUMBA else "numba" in out
    if shap_native.HAVE_NUMBA:
        assert shap_native._shap_blocks.signatures  # compiled (or loaded) for real


# -- the CI workflow ------------------------------------------------------------------------
def test_workflow_builds_checks_dlls_and_uploads_the_installer() -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    try:
        import yaml
    except ImportError:  # pragma: no cover - a simple check instead
        assert "runs-on: windows-latest" in text
        steps_text = text
    else:
        doc = yaml.safe_load(text)
        job = doc["jobs"]["build"]
        assert job["runs-on"] == "windows-latest"
        steps = job["steps"]
        setup_python = next(
            s for s in steps if s.get("uses", "").startswith("actions/setup-python")
        )
        assert str(setup_python["with"]["python-version"]) == "3.11"
        uploads = [s for s in steps if s.get("uses", "").startswith("actions/upload-artifact")]
        assert any("installer" in s["with"]["path"] for s in uploads)
        steps_text = "\n".join(str(s.get("run", "")) for s in steps)
    assert "installer/build.py" in steps_text
    assert "VCOMP140.dll" in steps_text and "MSVCP140.dll" in steps_text
    assert r"installer\workbench.iss" in steps_text
    assert "pyinstaller" in steps_text.lower()


# -- icons ----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["workbench", "project"])
def test_icons_are_valid_ico_and_png(name: str) -> None:
    data = (ICONS / f"{name}.ico").read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind) == (0, 1) and count >= 4
    sizes = set()
    for i in range(count):
        width, _h, _c, _r, _planes, _bits, length, offset = struct.unpack_from(
            "<BBBBHHII", data, 6 + 16 * i
        )
        sizes.add(width or 256)
        assert data[offset : offset + 8] == b"\x89PNG\r\n\x1a\n"
        assert offset + length <= len(data)
    assert {16, 32, 48, 256} <= sizes
    assert (ICONS / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_launcher_lets_spawned_workers_run_their_task_first() -> None:
    """The frozen app spawns worker processes (clustering, Excel reading): each starts the same
    executable, so the launcher must call freeze_support before it starts the app."""
    source = (ROOT / "installer" / "launcher.py").read_text(encoding="utf-8")
    main_block = source[source.index('if __name__ == "__main__":') :]
    assert main_block.index("multiprocessing.freeze_support()") < main_block.index("main()")
