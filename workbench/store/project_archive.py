"""The ``.wbproj`` container: a zip of JSON documents, Parquet tables and plain-text models.

Opening a file from a colleague must never run code: only JSON, Parquet (pyarrow ≥ 14.0.1)
and text are read, every entry name is checked against a fixed pattern, and sizes are bounded
before anything is decompressed (zip bombs). Saving is atomic and keeps the previous version.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import time
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import pandas as pd

from workbench.atomic import (
    ReadOnlyError,
    check_writable,
    clean_leftovers,
    create_temp,
    fsync_folder,
    keep_mode,
)
from workbench.errors import ProjectFileError
from workbench.i18n import _
from workbench.store.frame_codec import TableTooLargeError, frame_from_parquet, frame_to_parquet

MANIFEST = "manifest.json"
_NAME_RE = re.compile(r"^(?:[a-z0-9_]+/)*[a-z0-9_.-]+\.(json|parquet|txt)$")
MAX_ENTRIES = 500
MAX_TOTAL_BYTES = 8 * 1024**3  # uncompressed; a 1M x 50 snapshot is far below this
MAX_RATIO = 200  # uncompressed / compressed per entry; Parquet and JSON stay well under
REPLACE_RETRIES = 20  # Windows: antivirus or OneDrive may hold the file for a moment


@dataclass
class ProjectArchive:
    """The entries of a project file, by kind. Names are relative zip paths."""

    documents: dict[str, Any] = field(default_factory=dict)  # name.json -> JSON value
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)  # name.parquet -> frame
    texts: dict[str, str] = field(default_factory=dict)  # name.txt -> text (LightGBM model)


def _check_name(name: str) -> None:
    if not _NAME_RE.match(name) or ".." in name.split("/"):
        raise ValueError(f"bad entry name {name!r}")


def _table_bytes(frame: pd.DataFrame) -> bytes:
    # Lossless: dtypes, category levels and the row labels come back as they were.
    return frame_to_parquet(frame)


def archive_bytes(archive: ProjectArchive, manifest: dict[str, Any]) -> bytes:
    """Serialize ``archive`` with its manifest into zip bytes."""
    buf = io.BytesIO()
    write_archive(buf, archive, manifest)
    return buf.getvalue()


def write_archive(fh: BinaryIO, archive: ProjectArchive, manifest: dict[str, Any]) -> None:
    """Write ``archive`` as a zip into the open binary file ``fh`` (one table in memory at a
    time, so a big project is never held twice)."""
    for name in [*archive.documents, *archive.texts, *archive.tables]:
        _check_name(name)
    with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
        for name, doc in archive.documents.items():
            _check_name(name)
            zf.writestr(name, json.dumps(doc, ensure_ascii=False, allow_nan=True))
        for name, text in archive.texts.items():
            _check_name(name)
            zf.writestr(name, text.encode("utf-8"))
        for name, frame in archive.tables.items():
            _check_name(name)
            # Parquet is already compressed; deflating it again only costs time.
            zf.writestr(name, _table_bytes(frame), compress_type=zipfile.ZIP_STORED)


def save_archive(path: Path, archive: ProjectArchive, manifest: dict[str, Any]) -> None:
    """Write the project atomically; the previous version is kept as ``<name>.bak``.

    A crash at any moment leaves either the old or the new file complete at ``path``; the
    temporary files of earlier, killed saves are removed; a read-only project file is refused.
    """
    path = Path(path)
    try:
        check_writable(path)
    except ReadOnlyError as exc:
        raise ProjectFileError(
            _("The project file {name} is read-only, so it was not replaced.").format(
                name=path.name
            ),
            _(
                "Save under another name, or clear the file's read-only mark (Properties) and "
                "save again."
            ),
        ) from exc
    clean_leftovers(path)
    try:
        fd, tmp = create_temp(path)
    except OSError as exc:
        raise ProjectFileError(
            _("Could not save to the folder {folder} ({reason}).").format(
                folder=path.parent, reason=exc.strerror or exc
            ),
            _("Choose a folder that exists and that you can write to."),
        ) from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            write_archive(fh, archive, manifest)
            fh.flush()
            os.fsync(fh.fileno())
        # a new project gets the usual mode (0666 less the umask); a saved one keeps its own
        keep_mode(tmp, path)
        if path.exists():
            _keep_backup(path)
        _replace_with_retry(tmp, path)
        fsync_folder(path.parent)
    except OSError as exc:
        raise ProjectFileError(
            _("The project could not be saved to {name} ({reason}).").format(
                name=path.name, reason=exc.strerror or exc
            ),
            _(
                "The previous version is unchanged. Close programs that may hold the file "
                "(Excel, a sync client) or save under another name."
            ),
        ) from exc
    finally:
        tmp.unlink(missing_ok=True)


def _keep_backup(path: Path) -> None:
    backup = path.with_name(path.name + ".bak")
    try:
        check_writable(backup)
    except ReadOnlyError:
        return  # a backup the user marked read-only is theirs to keep: not replaced
    fd, tmp = create_temp(backup)
    os.close(fd)
    try:
        shutil.copyfile(path, tmp)
        shutil.copymode(path, tmp)  # the project's own mode, not the private 0600
        os.replace(tmp, backup)
    finally:
        tmp.unlink(missing_ok=True)


def _replace_with_retry(src: Path, dst: Path) -> None:
    for attempt in range(REPLACE_RETRIES):
        try:
            os.replace(src, dst)
            return
        except PermissionError:
            if attempt == REPLACE_RETRIES - 1:
                raise
            time.sleep(0.1 * (attempt + 1))


def _damaged(path: Path, detail: str) -> ProjectFileError:
    return ProjectFileError(
        _("The project file {name} is damaged and cannot be opened ({detail}).").format(
            name=path.name, detail=detail
        ),
        _(
            "Nothing was changed. Open the backup copy ({backup}) if there is one, or ask the "
            "sender for the file again."
        ).format(backup=path.name + ".bak"),
    )


def read_archive(path: Path, *, tables: bool = True) -> tuple[dict[str, Any], ProjectArchive]:
    """Read and validate a project file; returns (manifest, archive). Never runs code.

    With ``tables=False`` the Parquet entries are still read (their checksums verified) but
    not parsed: a quick look at the JSON documents of a big project.

    Memory stays bounded by what the project really needs: every entry is read in chunks and
    counted as it decompresses (a header that understates a size cannot make zipfile inflate
    gigabytes before its checksum fails), JSON and text entries have fixed caps, and each
    table may decode to no more than its declared rows and columns need.
    """
    path = Path(path)
    with contextlib.suppress(OSError):
        clean_leftovers(path)  # temporary files of saves that were killed
    try:
        zf = zipfile.ZipFile(path)
    except FileNotFoundError as exc:
        raise ProjectFileError(
            _("The project file {name} was not found.").format(name=path.name),
            _("Check that it still exists and was not moved or renamed."),
        ) from exc
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _damaged(path, _("not a Workbench project file")) from exc
    with zf:
        infos = zf.infolist()
        _check_limits(path, infos)
        names = {i.filename for i in infos}
        if MANIFEST not in names:
            raise _damaged(path, _("the table of contents is missing"))
        archive = ProjectArchive()
        # JSON and text first: project.json says how many rows the tables may hold.
        order = sorted(infos, key=lambda i: (i.filename != MANIFEST, _is_table(i.filename)))
        try:
            manifest: Any = None
            for info in order:
                name = info.filename
                if not _is_table(name):
                    raw = _read_entry(
                        zf, info, MAX_TEXT_BYTES if name.endswith(".txt") else MAX_JSON_BYTES
                    )
                    if name == MANIFEST:
                        manifest = json.loads(raw.decode("utf-8"))
                    elif name.endswith(".json"):
                        archive.documents[name] = json.loads(raw.decode("utf-8"))
                    else:
                        archive.texts[name] = raw.decode("utf-8")
                    continue
                rows = _declared_rows(archive.documents)
                limit = _table_entry_limit(rows, archive.documents)
                if not tables:  # a quick look: checksum verified as it streams, nothing kept
                    _read_entry(zf, info, limit, keep=False)
                    continue
                archive.tables[name] = _read_table(_read_entry(zf, info, limit), rows)
        except _EntryTooLargeError as exc:
            raise _damaged(path, _("an entry is larger than a project needs")) from exc
        except TableTooLargeError as exc:
            raise _damaged(path, _("a data table holds more than the project says it has")) from exc
        except (
            zipfile.BadZipFile,
            EOFError,
            UnicodeDecodeError,
            ValueError,
            OSError,
            zlib.error,
            RecursionError,
        ) as exc:
            raise _damaged(path, _("an entry could not be read")) from exc
        except Exception as exc:  # pyarrow raises its own error types on damaged Parquet
            raise _damaged(path, _("a data table could not be read")) from exc
    if not isinstance(manifest, dict):
        raise _damaged(path, _("the table of contents is not valid"))
    return manifest, archive


MAX_JSON_BYTES = 64 * 1024**2  # project.json of a 1M x 50 project is a few MB
MAX_TEXT_BYTES = 256 * 1024**2  # a LightGBM model of 1,000 trees x 255 leaves is ~25 MB
TABLE_BASE_BYTES = 64 * 1024**2
TABLE_BYTES_PER_CELL = 1024  # a number takes 8; even a table of long comments stays below
_CHUNK = 1 << 20


class _EntryTooLargeError(Exception):
    pass


def _is_table(name: str) -> bool:
    return name.endswith(".parquet")


def _read_entry(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, *, keep: bool = True
) -> bytes:
    """The entry's bytes, read 1 MB at a time and counted as they are produced.

    ``zf.read`` asks zlib for up to 2 GB in one call and trims to the header's size only
    afterwards; a small read size keeps the output of each call small.
    """
    if info.file_size > limit:
        raise _EntryTooLargeError(info.filename)
    parts: list[bytes] = []
    used = 0
    with zf.open(info) as fh:
        while chunk := fh.read(_CHUNK):
            used += len(chunk)
            if used > limit:
                raise _EntryTooLargeError(info.filename)
            if keep:
                parts.append(chunk)
    return b"".join(parts)


def _declared_tables(documents: dict[str, Any]) -> list[dict[str, Any]]:
    """The table descriptions ``project.json`` holds: the data, and the model run's own table
    when it differs (results kept after other data was loaded)."""
    doc = documents.get("project.json")
    if not isinstance(doc, dict):
        return []
    found = [doc.get("data")]
    results = doc.get("results")
    model = results.get("model") if isinstance(results, dict) else None
    value = model.get("value") if isinstance(model, dict) else None
    if isinstance(value, dict):
        found.append(value.get("table"))
    return [t for t in found if isinstance(t, dict)]


def _declared_rows(documents: dict[str, Any]) -> int | None:
    """The most rows ``project.json`` declares for a table (no table may hold more)."""
    rows = [t.get("rows") for t in _declared_tables(documents)]
    counts = [r for r in rows if isinstance(r, int) and not isinstance(r, bool) and r >= 0]
    return max(counts) if counts else None  # None: an older layout, bound by size alone


def _table_entry_limit(rows: int | None, documents: dict[str, Any]) -> int:
    """The most bytes a stored Parquet entry may take before it is parsed: a Parquet file is
    never much larger than what it decodes to, so the decoded cap of the declared rows and
    columns (twice, for result tables with derived columns) bounds it too."""
    if rows is None:
        return MAX_TOTAL_BYTES
    widths = [
        len(t["columns"]) for t in _declared_tables(documents) if isinstance(t.get("columns"), list)
    ]
    cap = TABLE_BASE_BYTES + 2 * TABLE_BYTES_PER_CELL * rows * (max(widths, default=0) + 1)
    return min(cap, MAX_TOTAL_BYTES)


def _read_table(raw: bytes, rows: int | None) -> pd.DataFrame:
    """A table decoded to no more than its rows need: with the declared row count, at most
    that many rows of :data:`TABLE_BYTES_PER_CELL` per cell; without one (an older layout),
    100x its stored size. Never above :data:`MAX_TOTAL_BYTES`."""
    if rows is None:
        cap = min(TABLE_BASE_BYTES + 100 * len(raw), MAX_TOTAL_BYTES)
        return frame_from_parquet(raw, max_bytes=cap)
    return frame_from_parquet(
        raw, max_rows=rows, max_bytes=TABLE_BASE_BYTES, bytes_per_cell=TABLE_BYTES_PER_CELL
    )


def _check_limits(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_ENTRIES:
        raise _damaged(path, _("too many entries"))
    total = 0
    for info in infos:
        if not _NAME_RE.match(info.filename) or ".." in info.filename.split("/"):
            raise _damaged(
                path,
                _("an entry has a name that is not allowed: {entry}").format(
                    entry=info.filename[:80]
                ),
            )
        if info.flag_bits & 0x1:
            raise _damaged(path, _("an entry is encrypted"))
        total += info.file_size
        big = info.file_size > 1024**2
        if big and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _damaged(path, _("an entry expands suspiciously (a zip bomb?)"))
    if total > MAX_TOTAL_BYTES:
        raise _damaged(
            path, _("it would expand to more than {gb} GB").format(gb=MAX_TOTAL_BYTES // 1024**3)
        )
