"""The experiment library's SQLite file: connection, schema, damage and unsafe content.

Every write is one ``BEGIN IMMEDIATE`` transaction; the file is in WAL mode with a busy
timeout, so two app windows (or the app and the command line) can write at once; on a network
share (UNC path) it uses the rollback journal instead, as WAL needs shared memory on one
machine. A damaged file is renamed aside (``library.sqlite.damaged-<time>``), a fresh library
is started, and :attr:`LibraryFile.notice` says so — projects never depend on the library.

A library file may come from a colleague, so it is not trusted: one written by a newer layout
is refused (never changed), and one that holds anything this schema does not create (triggers,
views, other tables) is renamed aside (``.unsafe-<time>``) and only its rows are copied, with
plain SELECTs, into a clean file — its code never runs. ``trusted_schema`` is off on every
connection as a second guard.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from workbench.errors import WorkbenchError
from workbench.feedback import actions_wording as words
from workbench.feedback import library_wording as lw
from workbench.feedback.library_import import parse_rows, upsert

SCHEMA = 1
T = TypeVar("T")

_SCHEMA_SQL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS entries (
    entry_id TEXT PRIMARY KEY, logged_at TEXT, updated_at TEXT, outcome TEXT,
    project TEXT, search_text TEXT, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entry_factors (
    entry_id TEXT NOT NULL, factor TEXT NOT NULL, PRIMARY KEY (entry_id, factor));
CREATE INDEX IF NOT EXISTS entry_factors_factor ON entry_factors (factor);
"""
#: Everything this schema creates; anything else in a library file (a trigger, a view, another
#: table) was put there by something other than Workbench.
_EXPECTED = {
    ("table", "meta"): ("key", "value"),
    ("table", "entries"): (
        "entry_id", "logged_at", "updated_at", "outcome", "project", "search_text", "doc"
    ),
    ("table", "entry_factors"): ("entry_id", "factor"),
    ("index", "entry_factors_factor"): (),
}  # fmt: skip

_DAMAGE = ("SQLITE_NOTADB", "SQLITE_CORRUPT")
_SELECT_DOCS = "SELECT CAST(doc AS BLOB) FROM entries"
_SELECT_TABLES = "SELECT name FROM sqlite_master WHERE type = 'table'"


def _schema_is_ours(conn: sqlite3.Connection) -> bool:
    """True when the file holds only what :data:`_SCHEMA_SQL` creates (or nothing yet)."""
    for kind, name in conn.execute("SELECT type, name FROM sqlite_master").fetchall():
        if name.startswith("sqlite_") and kind in ("table", "index"):
            continue  # SQLite's own (automatic indexes, statistics); a trigger never is
        columns = _EXPECTED.get((kind, name))
        if columns is None:
            return False
        if kind == "table":
            found = tuple(r[1] for r in conn.execute(f"PRAGMA table_info({name})"))
            if found != columns:
                return False
    return True


def _is_damage(exc: sqlite3.Error) -> bool:
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc).lower()
    return name.startswith(_DAMAGE) or "not a database" in text or "malformed" in text


class LibraryFile:
    """The library's SQLite file: opened safely, checked, set aside when damaged or unsafe.

    Each call opens its own connection (:meth:`_run`), so one object serves many threads.
    """

    def __init__(self, path: Path, *, timeout: float = 15.0):
        self.path = path
        self.timeout = timeout
        self.notice: str | None = None  # set when a damaged or unsafe file was set aside
        self.damaged_copy: Path | None = None
        self.skipped = 0  # rows that could not be read, over every read of this object
        self._prepare()

    # -- connection -------------------------------------------------------------------------
    @property
    def _network(self) -> bool:
        text = str(self.path)
        return text.startswith(("\\\\", "//"))

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
        # Functions with side effects may not run from the file's own schema (views, triggers).
        conn.execute("PRAGMA trusted_schema = OFF")
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
            if not _schema_is_ours(conn):
                conn.close()
                self._rebuild()
                return
            self._check_version(conn)
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

    def _check_version(self, conn: sqlite3.Connection) -> None:
        """Refuse a library written by a newer layout: this version must not change it."""
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "meta" not in names:
            return
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        try:
            version = int(row[0]) if row is not None else SCHEMA
        except (TypeError, ValueError):
            version = SCHEMA
        if version > SCHEMA:
            raise WorkbenchError(lw.library_newer(str(self.path), version), lw.library_newer_hint())

    def _rebuild(self) -> None:
        """Set an unsafe file aside and start a clean library holding only its readable rows
        (read with plain SELECTs from the real ``entries`` table: no trigger or view runs)."""
        aside = self._move_aside("unsafe")
        self._init_schema()
        docs: list[bytes] = []
        with contextlib.suppress(sqlite3.Error), contextlib.closing(sqlite3.connect(aside)) as old:
            old.execute("PRAGMA trusted_schema = OFF")
            tables = {r[0] for r in old.execute(_SELECT_TABLES)}
            if "entries" in tables:
                docs = [bytes(r[0] or b"") for r in old.execute(_SELECT_DOCS)]
        entries, _bad = parse_rows(docs)
        self._run(lambda conn: [upsert(conn, e) for e in entries], write=True)
        self.notice = lw.library_unsafe(str(self.path), aside.name, len(entries))

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
        aside = self._move_aside("damaged")
        self.damaged_copy = aside
        self.notice = words.library_damaged(str(self.path), aside.name)

    def _move_aside(self, why: str) -> Path:
        stamp = _dt.datetime.now(_dt.UTC).strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.{why}-{stamp}")
        try:
            os.replace(self.path, aside)
            for suffix in ("-wal", "-shm"):
                side = self.path.with_name(self.path.name + suffix)
                if side.exists():
                    os.replace(side, aside.with_name(aside.name + suffix))
        except OSError as exc:
            raise self._unreadable(exc) from exc
        return aside

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
