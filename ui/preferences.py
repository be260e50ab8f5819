"""App preferences: recent files, language, window geometry, tips, library folder, compute — JSON.

Kept as a small JSON file (``<user data>/preferences.json``; ``WORKBENCH_HOME`` redirects it
in tests) rather than QSettings, so it is readable, portable between machines, and testable
without Qt. A damaged file is ignored: preferences are a convenience, never a reason to fail.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from workbench.paths import user_data_dir

FILE_NAME = "preferences.json"
MAX_RECENT = 8


@dataclass
class Preferences:
    """What the app remembers between sessions."""

    recent_files: list[str] = field(default_factory=list)
    language: str = ""  # "" = the system's language
    window_geometry: str = ""  # QMainWindow.saveGeometry() as base64
    autosave_seconds: int = 120
    show_hints: bool = True  # the tips shown above each step
    library_folder: str = ""  # "" = the personal library; else a shared team folder
    compute: str = ""  # where models run: "" = this computer; else local:N or a cluster address

    def add_recent(self, path: str | Path) -> None:
        """Put ``path`` first in the recent files (no duplicates, at most MAX_RECENT)."""
        text = str(Path(path).resolve())
        self.recent_files = [text] + [p for p in self.recent_files if p != text]
        del self.recent_files[MAX_RECENT:]

    def existing_recent(self) -> list[str]:
        """The recent files that still exist (moved or deleted ones are left out)."""
        return [p for p in self.recent_files if Path(p).is_file()]


def preferences_path() -> Path:
    return user_data_dir() / FILE_NAME


def load_preferences() -> Preferences:
    """The saved preferences, or defaults when there are none or the file is damaged."""
    try:
        raw: Any = json.loads(preferences_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Preferences()
    if not isinstance(raw, dict):
        return Preferences()
    prefs = Preferences()
    for f in fields(Preferences):
        value = raw.get(f.name)
        default = getattr(prefs, f.name)
        if isinstance(default, list):
            if isinstance(value, list):
                setattr(prefs, f.name, [str(v) for v in value if isinstance(v, str)])
        elif isinstance(default, bool):
            if isinstance(value, bool):
                setattr(prefs, f.name, value)
        elif isinstance(value, type(default)) and not isinstance(value, bool):
            setattr(prefs, f.name, value)
    prefs.autosave_seconds = max(15, prefs.autosave_seconds)
    del prefs.recent_files[MAX_RECENT:]
    return prefs


def save_preferences(prefs: Preferences) -> None:
    """Write the preferences atomically; a failure to write is ignored (not worth an error)."""
    from workbench.atomic import write_text_atomic

    with contextlib.suppress(OSError):
        write_text_atomic(
            preferences_path(), json.dumps(asdict(prefs), ensure_ascii=False, indent=2)
        )
