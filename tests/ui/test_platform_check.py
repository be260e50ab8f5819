"""Before Qt starts: missing xcb libraries give the exact apt line, not Qt's abort."""

from __future__ import annotations

import subprocess
import sys

import pytest

from ui import entry, platform_check
from ui.platform_check import check_display_libraries, install_advice, missing_packages, uses_xcb


def test_the_real_loader_finds_present_libraries_and_not_absent_ones() -> None:
    assert platform_check._loads("libc.so.6") if sys.platform.startswith("linux") else True
    assert not platform_check._loads("libworkbench-does-not-exist.so.9")


def test_missing_libraries_name_their_packages_in_one_apt_line() -> None:
    absent = {"libxcb-icccm.so.4", "libxcb-keysyms.so.1"}
    packages = missing_packages(lambda soname: soname not in absent)
    assert packages == ["libxcb-icccm4", "libxcb-keysyms1"]
    advice = install_advice(packages)
    assert "sudo apt-get install libxcb-icccm4 libxcb-keysyms1" in advice
    env = {"QT_QPA_PLATFORM": "xcb", "DISPLAY": ":0"}
    on_linux = sys.platform.startswith("linux")
    got = check_display_libraries(env, loads=lambda s: s not in absent)
    assert ("libxcb-icccm4" in got) == on_linux


@pytest.mark.parametrize(
    ("env", "platform", "xcb"),
    [
        ({}, "linux", True),
        ({"QT_QPA_PLATFORM": "offscreen"}, "linux", False),
        ({"QT_QPA_PLATFORM": "xcb"}, "linux", True),
        ({"QT_QPA_PLATFORM": "wayland;xcb"}, "linux", False),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", False),
        ({}, "win32", False),
        ({}, "darwin", False),
    ],
)
def test_only_the_xcb_platform_is_checked(env: dict, platform: str, xcb: bool) -> None:
    assert uses_xcb(env, platform) is xcb


def test_the_app_entry_prints_the_advice_and_stops(monkeypatch, capsys) -> None:
    monkeypatch.setattr(platform_check, "uses_xcb", lambda _env: True)
    monkeypatch.setattr(platform_check, "missing_packages", lambda *_a: ["libxcb-icccm4"])
    assert entry.main(["--demo"]) == 1
    assert "sudo apt-get install libxcb-icccm4" in capsys.readouterr().err


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")
def test_this_machine_has_what_the_xcb_plugin_needs_or_says_so() -> None:
    # On CI (.ci/run installs the libraries) this is empty; elsewhere it names real packages.
    code = "from ui.platform_check import missing_packages as m; print(' '.join(m()))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    for package in out.stdout.split():
        assert package in platform_check.XCB_LIBRARIES.values()


def test_no_display_is_said_instead_of_qts_abort() -> None:
    env = {"QT_QPA_PLATFORM": "xcb"}
    text = check_display_libraries(env, loads=lambda _s: True)
    assert ("DISPLAY" in text) == sys.platform.startswith("linux")
    assert check_display_libraries({**env, "DISPLAY": ":0"}, loads=lambda _s: True) == ""
