"""Library rows: reading untrusted data (export files, stored rows) and writing rows.

Library files and exports travel between colleagues, so nothing in them is trusted:

* an export larger than :data:`MAX_IMPORT_BYTES`, nested deeper than :data:`MAX_DEPTH`, or
  written by a newer layout is refused as a whole, with a plain message;
* each entry (and each stored row) is read on its own: one that does not parse is skipped and
  counted, never allowed to stop the others;
* an imported entry never replaces a local one (an export can claim any ``updated_at``): a
  different version of the same action is stored beside the local one under a derived id.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from workbench.errors import WorkbenchError
from workbench.feedback import actions_wording as words
from workbench.feedback import library_wording as lw
from workbench.feedback.library_entry import LibraryEntry, factor_key

EXPORT_FORMAT = "workbench-library"
MAX_IMPORT_BYTES = 64 * 2**20  # a library of 10,000 entries exports to about 20 MB
MAX_DEPTH = 24  # an entry is about 4 levels deep (entry → evidence → sample → values)
_BAD_ROW = (ValueError, TypeError, AttributeError, KeyError, RecursionError)


def too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """True when ``value`` nests lists/dicts more than ``limit`` levels (checked iteratively)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False


def parse_entry(data: Any) -> LibraryEntry:
    """One entry from its JSON value (raises ValueError for anything that is not one)."""
    if isinstance(data, bytes | str):
        data = json.loads(data)
    if too_deep(data):
        raise ValueError("nested too deeply")
    return LibraryEntry.from_dict(data)


def parse_rows(docs: Iterable[Any]) -> tuple[list[LibraryEntry], int]:
    """The entries of stored ``doc`` values, and how many could not be read."""
    entries: list[LibraryEntry] = []
    bad = 0
    for doc in docs:
        try:
            entries.append(parse_entry(doc))
        except _BAD_ROW:
            bad += 1
    return entries, bad


def read_export(path: Path, schema: int) -> tuple[list[LibraryEntry], int]:
    """The good entries of an export file and how many were skipped; refuses the whole file
    (a plain :class:`WorkbenchError`) when it is too big, too deep, newer or not an export."""
    refuse = WorkbenchError(words.bad_import(path.name), words.bad_import_hint())
    try:
        if path.stat().st_size > MAX_IMPORT_BYTES:
            raise WorkbenchError(
                lw.import_too_big(path.name, MAX_IMPORT_BYTES // 2**20), words.bad_import_hint()
            )
        doc = json.loads(path.read_bytes().decode("utf-8-sig"))
    except RecursionError as exc:
        raise WorkbenchError(lw.import_too_deep(path.name), words.bad_import_hint()) from exc
    except (OSError, ValueError) as exc:
        raise refuse from exc
    if not isinstance(doc, dict) or doc.get("format") != EXPORT_FORMAT:
        raise refuse
    version = doc.get("version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise refuse
    if version > schema:
        raise WorkbenchError(lw.import_newer(path.name, version), lw.import_newer_hint())
    if not isinstance(doc.get("entries"), list):
        raise refuse
    return parse_rows(doc["entries"])


def entry_doc(entry: LibraryEntry) -> str:
    """The stored JSON text of an entry (sorted keys: the same entry gives the same text)."""
    return json.dumps(entry.to_dict(), ensure_ascii=False, sort_keys=True)


def conflict_copy(entry: LibraryEntry) -> LibraryEntry:
    """The imported version of an action the library already holds differently: same content,
    an id derived from that content (importing the same file again adds nothing)."""
    digest = hashlib.sha256(entry_doc(entry).encode("utf-8")).hexdigest()[:10]
    extra = dict(entry.extra, imported_beside=entry.entry_id)
    return replace(entry, entry_id=f"{entry.entry_id}~{digest}", extra=extra)


def stored_doc(conn: sqlite3.Connection, entry_id: str) -> bytes | None:
    row = conn.execute(
        "SELECT CAST(doc AS BLOB) FROM entries WHERE entry_id = ?", (entry_id,)
    ).fetchone()
    return None if row is None else bytes(row[0] or b"")


def upsert(conn: sqlite3.Connection, entry: LibraryEntry) -> str:
    """Store a local entry: ``added``, ``updated`` (it is newer) or ``unchanged``."""
    row = conn.execute(
        "SELECT CAST(updated_at AS BLOB), CAST(doc AS BLOB) FROM entries WHERE entry_id = ?",
        (entry.entry_id,),
    ).fetchone()
    doc = entry_doc(entry)
    if row is not None and (
        bytes(row[1] or b"") == doc.encode("utf-8")
        or bytes(row[0] or b"").decode("utf-8", "replace") > entry.updated_at
    ):
        return "unchanged"
    return insert(conn, entry, doc, "added" if row is None else "updated")


def insert(conn: sqlite3.Connection, entry: LibraryEntry, doc: str, result: str) -> str:
    """Write ``entry`` (its row and factor keys); returns ``result``."""
    conn.execute(
        "INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            entry.entry_id,
            entry.logged_at,
            entry.updated_at,
            entry.outcome,
            entry.project,
            entry.search_text(),
            doc,
        ),
    )
    conn.execute("DELETE FROM entry_factors WHERE entry_id = ?", (entry.entry_id,))
    keys = {factor_key(f) for f in entry.factors} - {""}
    conn.executemany("INSERT INTO entry_factors VALUES (?, ?)", [(entry.entry_id, k) for k in keys])
    return result


def merge(conn: sqlite3.Connection, entry: LibraryEntry) -> str:
    """Store an imported entry without ever replacing a local one: ``added``,
    ``unchanged``, or ``conflict`` (a different version, stored beside the local one)."""
    doc = entry_doc(entry)
    local = stored_doc(conn, entry.entry_id)
    if local is None:
        return insert(conn, entry, doc, "added")
    if local == doc.encode("utf-8"):
        return "unchanged"
    copy = conflict_copy(entry)
    if stored_doc(conn, copy.entry_id) is not None:
        return "unchanged"  # this version was imported before
    return insert(conn, copy, entry_doc(copy), "conflict")
