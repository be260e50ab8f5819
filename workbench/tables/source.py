"""Fingerprint a source file without changing it."""

from __future__ import annotations

import hashlib
import os
import queue
import threading
from pathlib import Path

from workbench.errors import DataLoadError
from workbench.i18n import _
from workbench.tables.table import SourceInfo

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


class Fingerprinter:
    """Hashes a file on a thread of its own, from the bytes its reader reads anyway.

    The reader offers each piece it reads with ``offer(offset, data)``; pieces that continue
    the hash where it stands are taken, others (read again, out of order) passed over. When
    the thread falls behind, pieces are let go rather than held (memory stays flat) and read
    again later. Once the reader is done (:meth:`reading_done`), the thread reads and hashes
    what it has not seen, while the caller goes on with other work; :meth:`result` waits.
    One read of the file instead of two, and normally the hash is of the very bytes that
    were parsed. ``data`` must not change after it is offered.
    """

    def __init__(self, path: str | os.PathLike[str], file_format: str) -> None:
        self._path = Path(path)
        self._format = file_format
        try:
            self._stat = self._path.stat()
        except OSError as exc:
            raise unreadable(self._path, exc) from exc
        self._digest = hashlib.sha256()
        self._position = 0  # bytes hashed so far
        self._pieces: queue.SimpleQueue[tuple[int, bytes] | str] = queue.SimpleQueue()
        self._held = 0  # bytes offered and not hashed yet
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._error: OSError | None = None
        self._done = False
        self._thread = threading.Thread(target=self._run, name="fingerprint", daemon=True)
        self._thread.start()

    def offer(self, offset: int, data: bytes) -> None:
        """``data`` was read from ``offset`` of the file."""
        with self._lock:
            if self._held + len(data) > _MAX_HELD:
                return  # behind: the thread reads this part again later
            self._held += len(data)
        self._pieces.put((offset, data))

    def reading_done(self) -> None:
        """No more pieces: hash the rest of the file from disk, beside the caller's work."""
        if not self._done:
            self._done = True
            self._pieces.put(_DONE)

    def result(self) -> SourceInfo:
        """The file's fingerprint (reads the part no piece covered, if not done yet)."""
        self.reading_done()
        self._thread.join()
        if self._error is not None:
            raise unreadable(self._path, self._error)
        return SourceInfo(
            path=str(self._path.resolve()),
            size=self._stat.st_size,
            modified=self._stat.st_mtime,
            sha256=self._digest.hexdigest(),
            format=self._format,
        )

    def close(self) -> None:
        """Stop at once (also when the read failed); :meth:`result` is not called then."""
        self._stop.set()
        self.reading_done()
        self._thread.join()

    def __enter__(self) -> Fingerprinter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _run(self) -> None:
        while not isinstance(piece := self._pieces.get(), str):  # a str: _DONE
            offset, data = piece
            start = self._position - offset
            if 0 <= start < len(data) and not self._stop.is_set():
                self._digest.update(memoryview(data)[start:])  # lets go of the GIL
                self._position = offset + len(data)
            with self._lock:
                self._held -= len(data)
        if self._position >= self._stat.st_size:
            return  # all seen: the file need not even be there any more
        try:
            with self._path.open("rb") as fh:
                fh.seek(self._position)
                while not self._stop.is_set() and (chunk := fh.read(_CHUNK)):
                    self._digest.update(chunk)
        except OSError as exc:
            self._error = exc


_DONE = "done"
_MAX_HELD = 32 << 20  # bytes the hashing thread may be behind before pieces are let go
