"""Bring a project file saved by an older Workbench up to the current layout.

Each migration is one step from a schema version to the next, run in order on a *copy* of the
file's contents (the file on disk is never touched). A file from a newer Workbench is refused
with a plain message rather than half-read.

Schema versions:

* 0 — the first layout: ``data/table.parquet``; ``project.json`` with ``title``/``comment``,
  ``source_file``, ``read_options``, ``column_types``, ``cleaning_steps``, a goal with
  ``target_column``/``focus_rule``/``success_margin``, roles as lists per role; no results.
* 1 — the current layout (see :mod:`workbench.store.project_file`).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

from workbench.errors import ProjectFileError
from workbench.i18n import _
from workbench.store.project_archive import ProjectArchive

CURRENT_SCHEMA = 1
FORMAT = "workbench-project"

Step = Callable[[dict[str, Any], ProjectArchive], None]


def _v0_to_v1(manifest: dict[str, Any], archive: ProjectArchive) -> None:
    """Rename the snapshot, the goal's fields and the project's keys; roles by column."""
    old = archive.documents.get("project.json") or {}
    if "data/table.parquet" in archive.tables:
        archive.tables["data/snapshot.parquet"] = archive.tables.pop("data/table.parquet")
    data = None
    if old.get("source_file") is not None:
        frame = archive.tables.get("data/snapshot.parquet")
        data = {
            "source": dict(old["source_file"]),
            "options": dict(old.get("read_options") or {}),
            "notes": [],
            "kinds": dict(old.get("column_types") or {}),
            "sheets": [],
            "rows": 0 if frame is None else len(frame),
            "columns": [] if frame is None else [str(c) for c in frame.columns],
        }
    goal = old.get("goal")
    if goal is not None:
        goal = {
            "target": goal["target_column"],
            "direction": goal.get("direction", "maximize"),
            "focus": goal.get("focus_rule", "top:5%"),
            "success": goal.get("success_margin"),
            "task": None,
            "positive_class": goal.get("positive_class"),
        }
    roles: dict[str, str] = {}
    for role, columns in (old.get("roles") or {}).items():
        for column in [columns] if isinstance(columns, str) else columns or []:
            roles[str(column)] = str(role)
    steps = old.get("cleaning_steps")
    archive.documents["project.json"] = {
        "name": old.get("title", ""),
        "notes": old.get("comment", ""),
        "data": data,
        "recipe": None if steps is None else {"recipe_version": 1, "steps": steps},
        "goal": goal,
        "roles": roles,
        "settings": None,
        "actions": list(old.get("actions") or []),
        "revisions": {},
        "results": {},
    }
    manifest["schema_version"] = 1
    manifest.setdefault("app_version", "")
    manifest.setdefault("saved_at", manifest.pop("created", ""))


#: from-version -> (to-version, step), applied in order.
MIGRATIONS: dict[int, tuple[int, Step]] = {0: (1, _v0_to_v1)}


def schema_version(manifest: dict[str, Any], path: Path) -> int:
    """The file's schema version; a plain error when it is missing or unreadable."""
    version = manifest.get("schema_version")
    if (
        manifest.get("format") != FORMAT
        or not isinstance(version, int)
        or isinstance(version, bool)
    ):
        raise ProjectFileError(
            _(
                "{name} is not a Workbench project file, or its table of contents is damaged."
            ).format(name=path.name),
            _("Open a .wbproj file saved by Workbench, or ask the sender for the file again."),
        )
    return version


def migrate(
    manifest: dict[str, Any], archive: ProjectArchive, path: Path
) -> tuple[dict[str, Any], ProjectArchive, list[str]]:
    """The contents brought to :data:`CURRENT_SCHEMA`; returns copies and the steps applied."""
    version = schema_version(manifest, path)
    if version > CURRENT_SCHEMA:
        made_by = manifest.get("app_version") or "?"
        raise ProjectFileError(
            _(
                "{name} was made by a newer Workbench (version {version}, file layout "
                "{schema}); this Workbench reads layouts up to {current}."
            ).format(name=path.name, version=made_by, schema=version, current=CURRENT_SCHEMA),
            _("Update Workbench to open it. The file was not changed."),
        )
    if version == CURRENT_SCHEMA:
        return manifest, archive, []
    manifest = copy.deepcopy(manifest)
    archive = ProjectArchive(
        documents=copy.deepcopy(archive.documents),
        tables=dict(archive.tables),
        texts=dict(archive.texts),
    )
    applied: list[str] = []
    while version < CURRENT_SCHEMA:
        if version not in MIGRATIONS:
            raise ProjectFileError(
                _("{name} uses an old file layout ({schema}) that cannot be read any more.").format(
                    name=path.name, schema=version
                ),
                _("Open it in an older Workbench and save it again."),
            )
        target, step = MIGRATIONS[version]
        try:
            step(manifest, archive)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ProjectFileError(
                _(
                    "{name} could not be brought up to date: its contents do not match the old "
                    "layout {schema}."
                ).format(name=path.name, schema=version),
                _("The file may be damaged; ask the sender for the file again."),
            ) from exc
        applied.append(f"{version}->{target}")
        version = target
    return manifest, archive, applied
