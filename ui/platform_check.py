"""Before Qt starts on Linux: are the system libraries of Qt's xcb platform plugin there?

Without them Qt prints "Could not load the Qt platform plugin "xcb"" and aborts the process
(SIGABRT, no Python exception to catch). This check loads each library by its soname the way
the dynamic linker would (``ctypes.CDLL``: the same ``ld.so`` search, a few milliseconds) and,
when some are missing, says the exact ``apt-get install`` line instead. It imports no Qt.

The list is what ``ldd`` shows for PySide6 6.x's ``plugins/platforms/libqxcb.so`` and
``lib/libQt6XcbQpa.so.6`` that is not shipped inside the wheel, with its Debian/Ubuntu package.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, Mapping

from workbench.i18n import _

#: soname -> Debian/Ubuntu package that provides it.
XCB_LIBRARIES: dict[str, str] = {
    "libxcb.so.1": "libxcb1",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libdbus-1.so.3": "libdbus-1-3",
}


def _loads(soname: str) -> bool:
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def uses_xcb(env: Mapping[str, str], platform: str | None = None) -> bool:
    """True when Qt will load its xcb plugin: Linux, and no other platform was asked for.

    On a Wayland session with no platform named, Qt may use Wayland and never need xcb.
    """
    if not (platform or sys.platform).startswith("linux"):
        return False
    asked = env.get("QT_QPA_PLATFORM", "").strip().lower()
    if asked:
        return asked.split(";")[0].split(":")[0] == "xcb"
    return not env.get("WAYLAND_DISPLAY")


def missing_packages(loads: Callable[[str], bool] = _loads) -> list[str]:
    """The Debian packages whose library cannot be loaded, in a stable order."""
    return sorted({pkg for soname, pkg in XCB_LIBRARIES.items() if not loads(soname)})


def install_advice(packages: list[str]) -> str:
    """What to tell the user: why the window cannot open and the one line that fixes it."""
    line = "sudo apt-get install " + " ".join(packages)
    return _(
        "Workbench cannot open its window: Qt's X11 (xcb) display plugin needs system "
        "libraries that are not installed. Install them with:\n\n    {line}\n\n"
        "then start Workbench again. (The command line, e.g. `workbench analyze`, works "
        "without them.)"
    ).format(line=line)


def check_display_libraries(
    env: Mapping[str, str] | None = None, loads: Callable[[str], bool] = _loads
) -> str:
    """``""`` when Qt can start; otherwise the message to print instead of Qt's abort
    (missing libraries, or no X display to connect to)."""
    env = os.environ if env is None else env
    if not uses_xcb(env):
        return ""
    missing = missing_packages(loads)
    if missing:
        return install_advice(missing)
    if not env.get("DISPLAY"):  # Qt aborts too: "could not connect to display"
        return _(
            "Workbench needs a desktop to open its window, and none was found (DISPLAY is not "
            "set). Without a desktop, use the command line, e.g. `workbench analyze DATA "
            "--target COLUMN`."
        )
    return ""
