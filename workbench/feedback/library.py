"""The experiment library: every action with an outcome, kept across projects.

Failures and untestable ideas are assets: when a new analysis points at the same factors, the
library says what happened last time (:meth:`Library.tried_before`). The library is one SQLite
file — ``library.sqlite`` in the user's data folder, or wherever ``WORKBENCH_LIBRARY`` or the
``path`` argument points (a shared network folder for a team).

Safety (concurrent writers, damaged and unsafe files) is :mod:`workbench.feedback.library_file`'s
job.
Entries are keyed by the action's id, so importing the same export twice adds nothing.

Library files and exports come from colleagues, so they are read as untrusted
(:mod:`workbench.feedback.library_import`): a row that does not parse is skipped and counted
(:attr:`Library.skipped`), a file written by a newer layout is not changed, and a file that
carries database code (triggers, views) is set aside and only its rows are copied into a clean
library — the code never runs.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.errors import WorkbenchError
from workbench.feedback import library_wording as lw
from workbench.feedback.actions import Action, actions_from_json, now_iso
from workbench.feedback.library_entry import LibraryEntry, entry_from_action, factor_key
from workbench.feedback.library_file import SCHEMA, LibraryFile
from workbench.feedback.library_import import EXPORT_FORMAT, merge, parse_rows, read_export, upsert
from workbench.vocabulary import NOT_IMPROVED

FILENAME = "library.sqlite"
__all__ = [
    "ImportSummary",
    "Library",
    "default_library_path",
    "tried_before_lines",
]


def default_library_path(path: str | os.PathLike[str] | None = None) -> Path:
    """The library file: ``path``, else ``WORKBENCH_LIBRARY``, else the user's data folder.
    A folder (existing, or named without a file suffix) gets ``library.sqlite`` inside it."""
    from workbench.paths import user_data_dir

    chosen = path or os.environ.get("WORKBENCH_LIBRARY")
    if not chosen:
        return user_data_dir() / FILENAME
    p = Path(chosen)
    if p.is_dir() or not p.suffix:
        return p / FILENAME
    return p


@dataclass(frozen=True)
class ImportSummary:
    """What an import did: entries added, already there, kept beside a local version that
    differs (``conflicts``), and entries of the file that could not be read (``skipped``)."""

    added: int
    unchanged: int
    conflicts: int = 0
    skipped: int = 0

    @property
    def text(self) -> str:
        return lw.imported(self.added, self.unchanged, self.conflicts, self.skipped)


class Library(LibraryFile):
    """The experiment library. Cheap to create; each call opens its own connection."""

    def __init__(self, path: str | os.PathLike[str] | None = None, *, timeout: float = 15.0):
        super().__init__(default_library_path(path), timeout=timeout)

    # -- writing ----------------------------------------------------------------------------
    def add(self, entry: LibraryEntry) -> str:
        """Store ``entry``: ``added``, ``updated`` (it is newer) or ``unchanged``."""
        return self._run(lambda conn: upsert(conn, entry), write=True)

    def record(self, action: Action, project: Any = None, **context: Any) -> LibraryEntry:
        """Store a logged action with its project's context; returns the entry."""
        entry = entry_from_action(action, project, **context)
        self.add(entry)
        return entry

    def record_project(self, project: Any) -> int:
        """Store every logged action of ``project``; returns how many were logged."""
        logged = [a for a in actions_from_json(project.actions) if a.is_logged]
        entries = [entry_from_action(a, project) for a in logged]
        self._run(lambda conn: [upsert(conn, e) for e in entries], write=True)
        return len(entries)

    def _read(self, rows: list[Any]) -> list[LibraryEntry]:
        """Entries from query rows (the doc first); unreadable rows are skipped and counted."""
        entries, bad = parse_rows(r[0] for r in rows)
        self.skipped += bad
        return entries

    @property
    def skipped_notice(self) -> str | None:
        """One sentence about the rows skipped so far, or None."""
        return lw.skipped_rows(self.skipped) if self.skipped else None

    # -- reading ----------------------------------------------------------------------------
    def __len__(self) -> int:
        return int(self._run(lambda c: c.execute("SELECT COUNT(*) FROM entries").fetchone()[0]))

    def get(self, entry_id: str) -> LibraryEntry | None:
        row = self._run(
            lambda c: c.execute(
                "SELECT CAST(doc AS BLOB) FROM entries WHERE entry_id = ?", (entry_id,)
            ).fetchone()
        )
        found = self._read([row] if row is not None else [])
        return found[0] if found else None

    def search(
        self,
        text: str = "",
        *,
        factor: str | None = None,
        outcome: str | Iterable[str] | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> list[LibraryEntry]:
        """Entries matching all filters, newest first: ``text`` anywhere (title, notes, reason,
        project, factors...), a ``factor`` name, an ``outcome`` (or several), and a logged date
        from ``since`` up to ``until`` (ISO dates, "2026-04" works)."""
        sql = ["SELECT CAST(doc AS BLOB) FROM entries e WHERE 1 = 1"]
        args: list[Any] = []
        if text.strip():
            for word in text.casefold().split():
                sql.append("AND instr(e.search_text, ?) > 0")
                args.append(word)
        if factor:
            sql.append("AND e.entry_id IN (SELECT entry_id FROM entry_factors WHERE factor = ?)")
            args.append(factor_key(factor))
        if outcome:
            wanted = [outcome] if isinstance(outcome, str) else list(outcome)
            sql.append(f"AND e.outcome IN ({', '.join('?' for _ in wanted)})")
            args += wanted
        if since:
            sql.append("AND e.logged_at >= ?")
            args.append(since)
        if until:
            sql.append("AND substr(e.logged_at, 1, ?) <= ?")
            args += [len(until), until]
        sql.append("ORDER BY e.logged_at DESC, e.entry_id")
        rows = self._run(lambda c: c.execute(" ".join(sql), args).fetchall())
        return self._read(rows)

    def tried_before(
        self, factors: Iterable[str], outcomes: Iterable[str] = NOT_IMPROVED
    ) -> list[LibraryEntry]:
        """Past actions on any of ``factors`` that did not improve things or could not be
        tried, most overlapping factors first, then newest. For the Causes pane and the
        report, beside each cause group (pass the group's factors)."""
        keys = sorted({factor_key(f) for f in factors} - {""})
        wanted = sorted({str(o) for o in outcomes})
        if not keys or not wanted:
            return []
        sql = (
            "SELECT CAST(e.doc AS BLOB), COUNT(*) AS hits FROM entries e JOIN entry_factors f "
            "ON f.entry_id = e.entry_id "
            f"WHERE f.factor IN ({', '.join('?' for _ in keys)}) "
            f"AND e.outcome IN ({', '.join('?' for _ in wanted)}) "
            "GROUP BY e.entry_id ORDER BY hits DESC, e.logged_at DESC"
        )
        rows = self._run(lambda c: c.execute(sql, [*keys, *wanted]).fetchall())
        return self._read(rows)

    def tried_before_group(self, group: Any) -> list[LibraryEntry]:
        """:meth:`tried_before` for a cause group (a ``CauseGroup`` or its dict): its
        conditions' factors (what the group's description names)."""
        g = group if isinstance(group, dict) else group.to_dict()
        names = [c["column"] for c in g.get("conditions", [])]
        return self.tried_before(names)

    def tried_before_groups(self, groups: Iterable[Any]) -> dict[int, list[LibraryEntry]]:
        """:meth:`tried_before_group` for each group, keyed by group id (groups without a
        past failure left out)."""
        out: dict[int, list[LibraryEntry]] = {}
        for group in groups:
            g = group if isinstance(group, dict) else group.to_dict()
            hits = self.tried_before_group(g)
            if hits:
                out[int(g.get("id", 0))] = hits
        return out

    def entries(self) -> list[LibraryEntry]:
        return self.search()

    # -- export / import --------------------------------------------------------------------
    def export_json(self, path: str | os.PathLike[str]) -> int:
        """Write every entry to a JSON file (atomically); returns how many."""
        from workbench.atomic import write_text_atomic

        entries = self.entries()
        doc = {
            "format": EXPORT_FORMAT,
            "version": SCHEMA,
            "exported_at": now_iso(),
            "entries": [e.to_dict() for e in entries],
        }
        try:
            write_text_atomic(Path(path), json.dumps(doc, ensure_ascii=False, indent=1))
        except OSError as exc:
            raise self._unreadable(exc) from exc
        return len(entries)

    def import_json(self, path: str | os.PathLike[str]) -> ImportSummary:
        """Merge an export into this library in one transaction. New entries are added; an
        entry the library holds in another version is kept beside it (an export must not
        replace local work by claiming a later ``updated_at``); unreadable entries are skipped.
        A file that is too big, too deep, newer or not an export is refused as a whole."""
        entries, skipped = read_export(Path(path), SCHEMA)
        results = self._run(lambda conn: [merge(conn, e) for e in entries], write=True)
        return ImportSummary(
            results.count("added"), results.count("unchanged"), results.count("conflict"), skipped
        )


def tried_before_lines(
    groups: Iterable[Any], path: str | os.PathLike[str] | None = None
) -> tuple[dict[int, list[str]], str | None]:
    """For the Causes pane and the report: the "Tried before: ..." sentences of each cause
    group, and a notice about the library (set aside, unreadable) or None. Never raises: a
    missing or broken library must not stop a report."""
    try:
        library = Library(path)
        found = library.tried_before_groups(groups)
    except WorkbenchError as exc:
        return {}, exc.message
    notices = [n for n in (library.notice, library.skipped_notice) if n]
    return {k: [e.text for e in v] for k, v in found.items()}, " ".join(notices) or None
