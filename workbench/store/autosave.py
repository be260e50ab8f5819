"""Autosave: a recovery copy of unsaved work, offered again after a crash.

While a project has unsaved changes the app calls :func:`autosave` now and then (in a
background job: it writes the whole project). The copy lives in the per-user data folder
(``<user data>/autosave/recovery.wbproj``) next to a small JSON note saying where the project
was last saved and when. On the next start :func:`find_recovery` tells whether there is work to
restore; :func:`discard_recovery` removes it once the user saved, restored or declined.
Saving the project normally should be followed by :func:`discard_recovery`.
"""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.atomic import write_text_atomic
from workbench.jobs import JobContext
from workbench.paths import user_data_dir
from workbench.project import Project

RECOVERY_FILE = "recovery.wbproj"
NOTE_FILE = "recovery.json"


@dataclass(frozen=True)
class Recovery:
    """Unsaved work found on start: the recovery file and what it was."""

    path: Path  # the recovery copy: open it with workbench.store.project_file.open_project
    saved_at: str  # ISO time of the autosave (UTC)
    name: str  # the project's name
    original: str | None  # where the project was last saved by the user (None: never)


def autosave_dir() -> Path:
    path = user_data_dir() / "autosave"
    path.mkdir(parents=True, exist_ok=True)
    return path


def autosave(
    project: Project, original: str | Path | None = None, ctx: JobContext | None = None
) -> Path | None:
    """Write a recovery copy of ``project`` if it has unsaved changes; returns its path (None
    when there was nothing unsaved). The project stays marked unsaved."""
    from workbench.store.project_file import save_project

    if not project.dirty:
        return None
    folder = autosave_dir()
    path = folder / RECOVERY_FILE
    save_project(project, path, ctx)
    project.dirty = True  # a recovery copy is not the user's save
    note = {
        "saved_at": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "name": project.name,
        "original": None if original is None else str(original),
    }
    write_text_atomic(folder / NOTE_FILE, json.dumps(note, ensure_ascii=False))
    return path


def find_recovery() -> Recovery | None:
    """The unsaved work left by an earlier session, or None."""
    folder = autosave_dir()
    path = folder / RECOVERY_FILE
    if not path.is_file():
        return None
    note: dict[str, Any] = {}
    try:
        loaded = json.loads((folder / NOTE_FILE).read_text(encoding="utf-8"))
        if isinstance(loaded, dict):
            note = loaded
    except (OSError, ValueError):
        pass  # the note is a nicety; the recovery file itself is what matters
    saved_at = note.get("saved_at")
    if not isinstance(saved_at, str):
        saved_at = _dt.datetime.fromtimestamp(path.stat().st_mtime, _dt.UTC).isoformat(
            timespec="seconds"
        )
    original = note.get("original")
    name = note.get("name")
    return Recovery(
        path=path,
        saved_at=saved_at,
        name=name if isinstance(name, str) else "",
        original=original if isinstance(original, str) else None,
    )


def discard_recovery() -> None:
    """Remove the recovery copy (and its backup and note), if any."""
    folder = autosave_dir()
    for name in (RECOVERY_FILE, RECOVERY_FILE + ".bak", NOTE_FILE):
        (folder / name).unlink(missing_ok=True)
