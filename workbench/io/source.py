"""Fingerprint a source file without changing it."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from workbench.errors import DataLoadError
from workbench.i18n import _
from workbench.io.table import SourceInfo

_CHUNK = 1 << 20


def unreadable(path: Path, exc: OSError) -> DataLoadError:
    """The plain message for a file that vanished, is locked, or cannot be read."""
    if isinstance(exc, FileNotFoundError):
        return DataLoadError(
            _("The file {name} was not found.").format(name=path.name),
            _("Check that it still exists and was not moved or renamed."),
        )
    if isinstance(exc, PermissionError):
        return DataLoadError(
            _("The file {name} could not be opened: access was refused.").format(name=path.name),
            _("Close it in other programs (Excel keeps files locked) and try again."),
        )
    return DataLoadError(
        _("The file {name} could not be read ({reason}).").format(
            name=path.name, reason=exc.strerror or exc
        ),
        _("Copy it to a local folder and try again."),
    )


def fingerprint(path: str | os.PathLike[str], file_format: str) -> SourceInfo:
    """Return path, size, modified time and SHA-256 of ``path`` (read-only)."""
    p = Path(path)
    try:
        stat = p.stat()
        digest = hashlib.sha256()
        with p.open("rb") as fh:
            while chunk := fh.read(_CHUNK):
                digest.update(chunk)
    except OSError as exc:
        raise unreadable(p, exc) from exc
    return SourceInfo(
        path=str(p.resolve()),
        size=stat.st_size,
        modified=stat.st_mtime,
        sha256=digest.hexdigest(),
        format=file_format,
    )
