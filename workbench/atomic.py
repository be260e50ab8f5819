"""Write files so that a crash never leaves a half-written file behind, nor litter.

Every file the product writes (project, its ``.bak``, report, ``--json``) goes through a
temporary file beside the target, fsynced, then renamed over it; the folder is fsynced after
the rename on POSIX, so a power cut cannot lose the rename. The temporary file is created with
mode 0666 minus the user's umask (usually 0644), as any document: ``mkstemp``'s private 0600
made saved files unreadable to colleagues on a shared folder. A target that is read-only is
refused, not silently replaced.

A save killed half-way leaves its temporary file. Temporary names carry the writer's process
id (``.<name>.<pid>.<random>.tmp``); :func:`clean_leftovers` removes those of processes that
are gone (on Windows, those no process holds open), on the next save or open of the target.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import sys
import time
from pathlib import Path

_TEMP_RE = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[0-9a-f]{8}\.tmp$")
_OLD_TEMP_RE = re.compile(r"^\.(?P<name>.+)\.[A-Za-z0-9_]{8}\.tmp$")  # mkstemp's, before pids
OLD_TEMP_AGE = 600.0  # seconds: an un-tagged temporary file this old is no save in progress


class ReadOnlyError(PermissionError):
    """The target exists and is marked read-only; it was not replaced."""

    def __init__(self, path: Path) -> None:
        super().__init__(errno.EACCES, "the file is read-only", str(path))


def create_temp(path: Path) -> tuple[int, Path]:
    """Open a new temporary file beside ``path`` for writing: (fd, temp path).

    Mode 0666 is narrowed by the umask, as for any file a program creates.
    """
    folder = path.parent
    for _attempt in range(100):
        tmp = folder / f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
        try:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(folder))


def check_writable(path: Path) -> None:
    """Raise :class:`ReadOnlyError` when ``path`` exists and is read-only."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return
    if not mode & 0o200 or not os.access(path, os.W_OK):
        raise ReadOnlyError(path)


def keep_mode(tmp: Path, target: Path) -> None:
    """Give the temporary file the mode of the file it replaces (a new file keeps its own)."""
    with contextlib.suppress(FileNotFoundError):
        os.chmod(tmp, target.stat().st_mode & 0o7777)


def fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; Windows has no directory handles for it)."""
    if sys.platform == "win32":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems (network shares) refuse; the data itself was fsynced
    finally:
        os.close(fd)


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)  # POSIX only: signal 0 only checks (on Windows it would send Ctrl+C)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def clean_leftovers(path: Path) -> int:
    """Remove temporary files of earlier, interrupted writes of ``path``; returns how many.

    Only files named for ``path`` (and its ``.bak``) are touched: a temporary file of a writer
    still running is left alone.
    """
    names = {path.name, path.name + ".bak"}
    removed = 0
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return 0
    for entry in entries:
        if not entry.name.endswith(".tmp") or not entry.name.startswith("."):
            continue
        match = _TEMP_RE.match(entry.name)
        if match and match.group("name") in names:
            if sys.platform != "win32" and _process_alive(int(match.group("pid"))):
                continue
        else:
            old = _OLD_TEMP_RE.match(entry.name)
            if not old or old.group("name") not in names:
                continue
            try:
                if time.time() - entry.stat().st_mtime < OLD_TEMP_AGE:
                    continue
            except OSError:
                continue
        try:
            os.unlink(entry.path)  # on Windows, a file a live writer holds open refuses this
            removed += 1
        except OSError:
            continue
    return removed


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, fsync it, then replace ``path``.

    Raises :class:`ReadOnlyError` (an OSError) when ``path`` is read-only.
    """
    path = Path(path)
    check_writable(path)
    clean_leftovers(path)
    fd, tmp = create_temp(path)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        keep_mode(tmp, path)
        os.replace(tmp, path)
        fsync_folder(path.parent)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path, text: str) -> None:
    """Write UTF-8 ``text`` atomically (see :func:`write_bytes_atomic`)."""
    write_bytes_atomic(path, text.encode("utf-8"))
