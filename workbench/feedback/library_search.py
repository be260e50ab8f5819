"""What the app's Library view asks of the experiment library, in one call.

:func:`browse_library` opens the library (personal, or a shared team folder), runs one search
by text, factor, outcome and project, and returns the hits together with the choices the
view's filters offer (the factors and projects the library knows) — one read, suitable for a
background job when the library sits on a slow network drive. The library's own rules apply
unchanged (one ``BEGIN IMMEDIATE`` transaction per write, busy timeout, WAL on a local disk and
the rollback journal on a network share); this module only reads.

:func:`source_project` finds the project file an entry came from, when it is at hand: the
file recorded with the entry, else a recently used project file of the same name.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from workbench.feedback.library import Library
from workbench.feedback.library_entry import LibraryEntry, factor_key

#: ``LibraryEntry.extra`` key of the project file an entry was logged from (set by the app).
PROJECT_FILE = "project_file"


@dataclass(frozen=True)
class LibraryQuery:
    """One search of the Library view; empty fields do not filter."""

    text: str = ""
    factor: str = ""
    outcome: str = ""
    project: str = ""


@dataclass(frozen=True)
class LibraryView:
    """The hits of one query, and what the filters can offer."""

    path: Path
    hits: list[LibraryEntry]
    total: int  # entries in the library
    factors: list[str] = field(default_factory=list)  # every factor named, once
    projects: list[str] = field(default_factory=list)
    notice: str | None = None  # the library's notice (a damaged file was set aside)


def browse_library(query: LibraryQuery, path: str | os.PathLike[str] | None = None) -> LibraryView:
    """Search the library at ``path`` (None: the default one) with ``query``.

    Raises :class:`~workbench.errors.WorkbenchError` when the library cannot be used (an
    unreachable folder, a file another program holds), in plain words.
    """
    library = Library(path)
    everything = library.entries()
    hits = library.search(query.text, factor=query.factor or None, outcome=query.outcome or None)
    if query.project:
        hits = [e for e in hits if e.project == query.project]
    # One choice per factor however it was written ("Belt Speed [m/min]" ~ "belt_speed"):
    # the spelling used most, the shorter one on a tie.
    spellings: dict[str, Counter[str]] = {}
    for entry in everything:
        for name in entry.factors:
            spellings.setdefault(factor_key(name), Counter())[name] += 1
    factors = {key: _most_used(names) for key, names in spellings.items()}
    projects = sorted({e.project for e in everything if e.project}, key=str.casefold)
    return LibraryView(
        path=library.path,
        hits=hits,
        total=len(everything),
        factors=sorted(factors.values(), key=str.casefold),
        projects=projects,
        notice=library.notice,
    )


def source_project(entry: LibraryEntry, recent: Iterable[str] = ()) -> Path | None:
    """The project file ``entry`` was logged from, if it is at hand: the file recorded with
    the entry when it still exists, else the first of ``recent`` (project files used lately)
    saved under the entry's project name. None when neither is found."""
    recorded = str(entry.extra.get(PROJECT_FILE) or "")
    if recorded and Path(recorded).is_file():
        return Path(recorded)
    if not entry.project:
        return None
    for text in recent:
        candidate = Path(text)
        if candidate.suffix.lower() != ".wbproj" or not candidate.is_file():
            continue
        if _saved_name(candidate) == entry.project:
            return candidate
    return None


def _saved_name(path: Path) -> str | None:
    """The project name saved in ``path`` (its JSON only), or None when it cannot be read."""
    from workbench.errors import WorkbenchError
    from workbench.store.project_file import read_project_document

    try:
        _manifest, doc, _archive = read_project_document(path, tables=False)
    except (WorkbenchError, OSError, ValueError, KeyError):
        return None
    return str(doc.get("name") or "")


def _most_used(names: Counter[str]) -> str:
    """The spelling used most, the shorter one on a tie."""
    return max(names, key=lambda n: (names[n], -len(n)))
