"""The experiment library: every action with an outcome, kept across projects.

Failures and untestable ideas are assets: when a new analysis points at the same factors, the
library says what happened last time (:meth:`Library.tried_before`). The library is one SQLite
file — ``library.sqlite`` in the user's data folder, or wherever ``WORKBENCH_LIBRARY`` or the
``path`` argument points (a shared network folder for a team).

Safety: every write is one ``BEGIN IMMEDIATE`` transaction; the file is in WAL mode with a busy
timeout, so two app windows (or the app and the command line) can write at once; on a network
share (UNC path) it uses the rollback journal instead, as WAL needs shared memory on one
machine. A damaged file is renamed aside (``library.sqlite.damaged-<time>``), a fresh library
is started, and :attr:`Library.notice` says so — projects never depend on the library.
Entries are keyed by the action's id, so importing the same export twice adds nothing.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from workbench import actions_wording as words
from workbench.actions import NOT_IMPROVED, Action, actions_from_json, now_iso
from workbench.errors import WorkbenchError
from workbench.library_entry import LibraryEntry, data_period, entry_from_action, factor_key

FILENAME = "library.sqlite"
EXPORT_FORMAT = "workbench-library"
SCHEMA = 1
T = TypeVar("T")
__all__ = [
    "ImportSummary",
    "Library",
    "LibraryEntry",
    "data_period",
    "default_library_path",
    "entry_from_action",
    "factor_key",
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
    added: int
    updated: int
    unchanged: int

    @property
    def text(self) -> str:
        return words.imported(self.added, self.updated, self.unchanged)


_SCHEMA_SQL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS entries (
    entry_id TEXT PRIMARY KEY, logged_at TEXT, updated_at TEXT, outcome TEXT,
    project TEXT, search_text TEXT, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entry_factors (
    entry_id TEXT NOT NULL, factor TEXT NOT NULL, PRIMARY KEY (entry_id, factor));
CREATE INDEX IF NOT EXISTS entry_factors_factor ON entry_factors (factor);
"""

_DAMAGE = ("SQLITE_NOTADB", "SQLITE_CORRUPT")


def _is_damage(exc: sqlite3.Error) -> bool:
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc).lower()
    return name.startswith(_DAMAGE) or "not a database" in text or "malformed" in text


class Library:
    """The experiment library file. Cheap to create; each call opens its own connection."""

    def __init__(self, path: str | os.PathLike[str] | None = None, *, timeout: float = 15.0):
        self.path = default_library_path(path)
        self.timeout = timeout
        self.notice: str | None = None  # set when a damaged file was set aside
        self.damaged_copy: Path | None = None
        self._prepare()

    # -- connection -------------------------------------------------------------------------
    @property
    def _network(self) -> bool:
        text = str(self.path)
        return text.startswith(("\\\\", "//"))

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
        return conn

    def _prepare(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._init_schema()
        except sqlite3.Error as exc:
            if not _is_damage(exc):
                raise self._unreadable(exc) from exc
            self._set_aside()
            try:
                self._init_schema()
            except sqlite3.Error as again:
                raise self._unreadable(again) from again
        except OSError as exc:
            raise self._unreadable(exc) from exc

    def _init_schema(self) -> None:
        with contextlib.closing(self._connect()) as conn:
            if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("database disk image is malformed")
            mode = "DELETE" if self._network else "WAL"
            if conn.execute("PRAGMA journal_mode").fetchone()[0].upper() != mode:
                self._set_journal_mode(conn, mode)
            conn.execute("BEGIN IMMEDIATE")
            try:
                for statement in filter(str.strip, _SCHEMA_SQL.split(";")):
                    conn.execute(statement)
                conn.execute(
                    "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', ?)", (str(SCHEMA),)
                )
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    def _set_journal_mode(self, conn: sqlite3.Connection, mode: str) -> None:
        # Switching the journal mode needs the file to itself and SQLite answers "locked"
        # at once instead of waiting out the busy timeout, so two windows creating the
        # library at the same moment retry here.
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                conn.execute(f"PRAGMA journal_mode = {mode}")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def _set_aside(self) -> None:
        stamp = _dt.datetime.now(_dt.UTC).strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.damaged-{stamp}")
        try:
            os.replace(self.path, aside)
            for suffix in ("-wal", "-shm"):
                side = self.path.with_name(self.path.name + suffix)
                if side.exists():
                    os.replace(side, aside.with_name(aside.name + suffix))
        except OSError as exc:
            raise self._unreadable(exc) from exc
        self.damaged_copy = aside
        self.notice = words.library_damaged(str(self.path), aside.name)

    def _unreadable(self, exc: BaseException) -> WorkbenchError:
        reason = getattr(exc, "strerror", None) or str(exc)
        return WorkbenchError(
            words.library_unreadable(str(self.path), reason), words.library_unreadable_hint()
        )

    def _run(self, work: Callable[[sqlite3.Connection], T], *, write: bool = False) -> T:
        """Run ``work`` on a fresh connection (one transaction when writing); a busy or damaged
        file becomes a plain error (a damaged one is set aside first)."""
        try:
            with contextlib.closing(self._connect()) as conn:
                if not write:
                    return work(conn)
                conn.execute("BEGIN IMMEDIATE")
                try:
                    result = work(conn)
                    conn.execute("COMMIT")
                    return result
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise WorkbenchError(words.library_busy(), words.library_busy_hint()) from exc
            if not _is_damage(exc):
                raise self._unreadable(exc) from exc
            damaged: sqlite3.Error = exc
        except sqlite3.DatabaseError as exc:
            if not _is_damage(exc):
                raise self._unreadable(exc) from exc
            damaged = exc
        self._set_aside()
        self._init_schema()
        raise WorkbenchError(self.notice or str(damaged), words.library_damaged_hint())

    # -- writing ----------------------------------------------------------------------------
    def add(self, entry: LibraryEntry) -> str:
        """Store ``entry``: ``added``, ``updated`` (it is newer) or ``unchanged``."""
        return self._run(lambda conn: self._upsert(conn, entry), write=True)

    def record(self, action: Action, project: Any = None, **context: Any) -> LibraryEntry:
        """Store a logged action with its project's context; returns the entry."""
        entry = entry_from_action(action, project, **context)
        self.add(entry)
        return entry

    def record_project(self, project: Any) -> int:
        """Store every logged action of ``project``; returns how many were logged."""
        logged = [a for a in actions_from_json(project.actions) if a.is_logged]
        entries = [entry_from_action(a, project) for a in logged]
        self._run(lambda conn: [self._upsert(conn, e) for e in entries], write=True)
        return len(entries)

    @staticmethod
    def _upsert(conn: sqlite3.Connection, entry: LibraryEntry) -> str:
        row = conn.execute(
            "SELECT updated_at, doc FROM entries WHERE entry_id = ?", (entry.entry_id,)
        ).fetchone()
        doc = json.dumps(entry.to_dict(), ensure_ascii=False, sort_keys=True)
        if row is not None and (row[1] == doc or row[0] > entry.updated_at):
            return "unchanged"
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
        conn.executemany(
            "INSERT INTO entry_factors VALUES (?, ?)", [(entry.entry_id, k) for k in keys]
        )
        return "added" if row is None else "updated"

    # -- reading ----------------------------------------------------------------------------
    def __len__(self) -> int:
        return int(self._run(lambda c: c.execute("SELECT COUNT(*) FROM entries").fetchone()[0]))

    def get(self, entry_id: str) -> LibraryEntry | None:
        row = self._run(
            lambda c: c.execute(
                "SELECT doc FROM entries WHERE entry_id = ?", (entry_id,)
            ).fetchone()
        )
        return None if row is None else LibraryEntry.from_dict(json.loads(row[0]))

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
        sql = ["SELECT doc FROM entries e WHERE 1 = 1"]
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
        return [LibraryEntry.from_dict(json.loads(r[0])) for r in rows]

    def tried_before(
        self, factors: Iterable[str], outcomes: Iterable[str] = NOT_IMPROVED
    ) -> list[LibraryEntry]:
        """Past actions on any of ``factors`` that did not improve things or could not be
        tried, most overlapping factors first, then newest. For the Causes pane and the
        report, beside each cause group (pass the group's factors)."""
        keys = sorted({factor_key(f) for f in factors} - {""})
        wanted = sorted(set(outcomes))
        if not keys or not wanted:
            return []
        sql = (
            "SELECT e.doc, COUNT(*) AS hits FROM entries e JOIN entry_factors f "
            "ON f.entry_id = e.entry_id "
            f"WHERE f.factor IN ({', '.join('?' for _ in keys)}) "
            f"AND e.outcome IN ({', '.join('?' for _ in wanted)}) "
            "GROUP BY e.entry_id ORDER BY hits DESC, e.logged_at DESC"
        )
        rows = self._run(lambda c: c.execute(sql, [*keys, *wanted]).fetchall())
        return [LibraryEntry.from_dict(json.loads(r[0])) for r in rows]

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
        from workbench.io.atomic import write_text_atomic

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
        """Merge an export into this library in one transaction: new entries are added, newer
        versions replace older ones, the rest is left as it is."""
        path = Path(path)
        try:
            doc = json.loads(path.read_text(encoding="utf-8-sig"))
            if doc.get("format") != EXPORT_FORMAT or not isinstance(doc.get("entries"), list):
                raise ValueError
            entries = [LibraryEntry.from_dict(e) for e in doc["entries"]]
        except (OSError, ValueError, TypeError, AttributeError, KeyError) as exc:
            raise WorkbenchError(words.bad_import(path.name), words.bad_import_hint()) from exc
        results = self._run(lambda conn: [self._upsert(conn, e) for e in entries], write=True)
        return ImportSummary(
            results.count("added"), results.count("updated"), results.count("unchanged")
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
    return {k: [e.text for e in v] for k, v in found.items()}, library.notice
