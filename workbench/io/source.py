"""Fingerprint a source file without changing it."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from workbench.errors import DataLoadError
from workbench.i18n import _
from workbench.io.table import SourceInfo

_CHUNK = 1 << 20


def fingerprint(path: str | os.PathLike[str], file_format: str) -> SourceInfo:
    """Return path, size, modified time and SHA-256 of ``path`` (read-only)."""
    p = Path(path)
    try:
        stat = p.stat()
        digest = hashlib.sha256()
        with p.open("rb") as fh:
            while chunk := fh.read(_CHUNK):
                digest.update(chunk)
    except FileNotFoundError as exc:
        raise DataLoadError(
            _("The file {name} was not found.").format(name=p.name),
            _("Check that it still exists and was not moved or renamed."),
        ) from exc
    except PermissionError as exc:
        raise DataLoadError(
            _("The file {name} could not be opened: access was refused.").format(name=p.name),
            _("Close it in other programs (Excel keeps files locked) and try again."),
        ) from exc
    except OSError as exc:
        raise DataLoadError(
            _("The file {name} could not be read ({reason}).").format(
                name=p.name, reason=exc.strerror or exc
            ),
            _("Copy it to a local folder and try again."),
        ) from exc
    return SourceInfo(
        path=str(p.resolve()),
        size=stat.st_size,
        modified=stat.st_mtime,
        sha256=digest.hexdigest(),
        format=file_format,
    )
