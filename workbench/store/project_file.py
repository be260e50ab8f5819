"""Save and reopen a whole analysis as one ``.wbproj`` file.

Layout (schema 1), inside the zip container of :mod:`workbench.store.project_archive`:

* ``manifest.json`` — format, ``schema_version``, ``app_version``, ``saved_at``;
* ``project.json`` — name, notes, the data source (path, size, SHA-256), load options with type
  overrides, load notes, column kinds, recipe, goal, roles, model settings, action log, input
  revisions and result stamps (so "out of date" survives a reopen), the quality report and the
  analysis run's documents and summary;
* ``data/snapshot.parquet`` — the loaded table (index = row positions in the source);
* ``model/model.txt`` — the LightGBM model as text;
* ``results/*.parquet`` — SHAP values, predictions, validation folds, focus rows, group labels.
* ``project.json``'s optional ``rerun`` — the last re-application's findings
  (:mod:`workbench.store.rerun_codec`; files without it open as they are).

Opening validates, migrates older layouts, and restores every result as it was saved: nothing is
refitted or recomputed. When the source file moved or changed, the project still opens from its
snapshot and :attr:`Project.source_check` says so.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench import __version__
from workbench.errors import ProjectFileError
from workbench.i18n import _
from workbench.jobs import Cancelled, JobContext, ensure_context
from workbench.project import Project, Section, Stamped
from workbench.store.migrations import CURRENT_SCHEMA, FORMAT, migrate
from workbench.store.model_check import ModelTextError
from workbench.store.project_archive import ProjectArchive, read_archive, save_archive
from workbench.store.project_check import bad_part
from workbench.store.project_codec import (
    decode_quality,
    decode_table,
    encode_quality,
    encode_table_info,
    plain,
)
from workbench.store.project_results import decode_analysis, encode_analysis
from workbench.store.rerun_codec import decode_rerun, encode_rerun
from workbench.tables.table import LoadedTable, SourceInfo

PROJECT_JSON = "project.json"
SNAPSHOT = "data/snapshot.parquet"
SUFFIX = ".wbproj"


@dataclass(frozen=True)
class SourceCheck:
    """Whether the data file a project was built from is still there and unchanged."""

    status: str  # "unchanged" | "changed" | "missing" | "none" (no data in the project)
    path: str
    message: str

    @property
    def changed(self) -> bool:
        return self.status in ("changed", "missing")


def check_source(source: SourceInfo | None, folder: Path | None = None) -> SourceCheck:
    """Compare the source file on disk with its saved size and SHA-256 (hashed only when the
    size matches and the modification time differs). A relative source path (the bundled demo)
    is taken from ``folder``, the project file's folder."""
    if source is None:
        return SourceCheck("none", "", "")
    from workbench.tables.source import fingerprint

    path = Path(source.path)
    if not path.is_absolute() and folder is not None:
        path = folder / path
    name = path.name
    try:
        stat = path.stat()
    except OSError:
        return SourceCheck(
            "missing",
            str(path),
            _(
                "The data file {name} is no longer at {folder}; the project uses the copy of "
                "the data saved inside it."
            ).format(name=name, folder=path.parent),
        )
    same = stat.st_size == source.size
    if same and stat.st_mtime != source.modified:
        try:
            same = fingerprint(path, source.format).sha256 == source.sha256
        except Exception:  # unreadable now (locked, permissions): say it may have changed
            same = False
    if same:
        return SourceCheck(
            "unchanged", str(path), _("The data file {name} is unchanged.").format(name=name)
        )
    return SourceCheck(
        "changed",
        str(path),
        _(
            "The data file {name} has changed since the project was saved; the project shows "
            "the data as it was then (its saved copy)."
        ).format(name=name),
    )


# ---------------------------------------------------------------------------------------------
# Saving


def project_document(project: Project) -> tuple[dict[str, Any], ProjectArchive]:
    """``project.json`` and every other entry of the file (no manifest)."""
    archive = ProjectArchive()
    table = project.table
    if table is None:
        analysis = project.result(Section.MODEL)
        table = getattr(analysis, "table", None)
    if table is not None:
        archive.tables[SNAPSHOT] = table.frame
    results: dict[str, Any] = {}
    stamps = getattr(project, "_results", {})
    quality = stamps.get(Section.QUALITY)
    if quality is not None and hasattr(quality.value, "profiles"):
        results["quality"] = {
            "inputs": dict(quality.inputs),
            "value": encode_quality(quality.value),
        }
    model = stamps.get(Section.MODEL)
    if model is not None and hasattr(model.value, "fit"):
        pieces = encode_analysis(model.value, table)
        archive.tables.update(pieces.tables)
        archive.texts.update(pieces.texts)
        results["model"] = {"inputs": dict(model.inputs), "value": pieces.doc}
    doc = {
        "name": project.name,
        "notes": project.notes,
        "data": None if table is None else encode_table_info(table),
        "recipe": None if project.recipe is None else project.recipe.to_dict(),
        "goal": None if project.goal is None else project.goal.to_dict(),
        "roles": {str(k): str(v) for k, v in project.roles.items()},
        "settings": plain(project.settings.to_dict()),
        "actions": [plain(a.to_dict() if hasattr(a, "to_dict") else a) for a in project.actions],
        "revisions": {str(k): int(v) for k, v in getattr(project, "_revisions", {}).items()},
        "results": results,
    }
    if project.rerun is not None:
        doc["rerun"] = encode_rerun(project.rerun)
    archive.documents[PROJECT_JSON] = doc
    return doc, archive


def manifest() -> dict[str, Any]:
    return {
        "format": FORMAT,
        "schema_version": CURRENT_SCHEMA,
        "app_version": __version__,
        "saved_at": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
    }


def save_project(project: Project, path: str | Path, ctx: JobContext | None = None) -> Path:
    """Write ``project`` to ``path`` atomically (the previous version kept as ``.bak``) and
    mark it saved. Returns the path written."""
    ctx = ensure_context(ctx)
    path = Path(path)
    ctx.progress(0.0, _("Saving the project"))
    try:
        archive = project_document(project)[1]
        ctx.progress(0.3, _("Saving the project"))
        save_archive(path, archive, manifest())
    except (ProjectFileError, Cancelled):
        raise
    except Exception as exc:  # a part that cannot be written: say so, keep the old file
        raise ProjectFileError(
            _(
                "The project could not be saved to {name}: a part of it could not be written "
                "({kind})."
            ).format(name=path.name, kind=type(exc).__name__),
            _("The previous version is unchanged. Please report this to the Workbench team."),
        ) from exc
    project.mark_saved()
    ctx.progress(1.0, _("Project saved"))
    return path


# ---------------------------------------------------------------------------------------------
# Opening


def invalid_part(path: Path, part: str) -> ProjectFileError:
    return ProjectFileError(
        _("The project file {name} could not be read: {part} is not valid.").format(
            name=path.name, part=part
        ),
        _(
            "Nothing was changed. Open the backup copy ({backup}) if there is one, or ask the "
            "sender for the file again."
        ).format(backup=path.name + ".bak"),
    )


_TYPES: dict[str, tuple[type, ...]] = {
    "name": (str,),
    "notes": (str,),
    "data": (dict, type(None)),
    "recipe": (dict, list, type(None)),
    "goal": (dict, type(None)),
    "roles": (dict,),
    "settings": (dict, type(None)),
    "actions": (list,),
    "revisions": (dict,),
    "results": (dict,),
}


def check_document(doc: Any, path: Path) -> dict[str, Any]:
    """``project.json`` has the expected shape (types of its parts), else a plain error."""
    if not isinstance(doc, dict):
        raise invalid_part(path, PROJECT_JSON)
    for key, types in _TYPES.items():
        if key not in doc or not isinstance(doc[key], types):
            raise invalid_part(path, f"{PROJECT_JSON} ({key})")
    data = doc["data"]
    if data is not None:
        for key in ("source", "options", "kinds", "columns"):
            if not isinstance(data.get(key), dict | list):
                raise invalid_part(path, f"{PROJECT_JSON} (data.{key})")
    if doc["goal"] is not None and not isinstance(doc["goal"].get("target"), str):
        raise invalid_part(path, f"{PROJECT_JSON} (goal.target)")
    for section, stamped in doc["results"].items():
        if section not in ("quality", "model") or not isinstance(stamped, dict):
            raise invalid_part(path, f"{PROJECT_JSON} (results.{section})")
        if not isinstance(stamped.get("inputs"), dict) or not isinstance(
            stamped.get("value"), dict
        ):
            raise invalid_part(path, f"{PROJECT_JSON} (results.{section})")
    if not isinstance(doc.get("rerun"), dict | type(None)):
        raise invalid_part(path, f"{PROJECT_JSON} (rerun)")
    bad = bad_part(doc)  # Infinity/NaN/1e400 counts, unknown names: damaged, said plainly
    if bad is not None:
        raise invalid_part(path, f"{PROJECT_JSON} ({bad})")
    return doc


def _build(doc: dict[str, Any], archive: ProjectArchive, path: Path) -> Project:
    from workbench.steps.goal import Goal
    from workbench.steps.model_settings import ModelSettings
    from workbench.steps.recipe import Recipe
    from workbench.vocabulary import ColumnRole

    table: LoadedTable | None = None
    if doc["data"] is not None:
        if SNAPSHOT not in archive.tables:
            raise invalid_part(path, SNAPSHOT)
        table = decode_table(doc["data"], archive.tables[SNAPSHOT])
    project = Project(
        name=doc["name"],
        table=table,
        recipe=None if doc["recipe"] is None else Recipe.from_dict(doc["recipe"]),
        goal=None if doc["goal"] is None else Goal.from_dict(doc["goal"]),
        roles={k: ColumnRole(v) for k, v in doc["roles"].items()},  # checked: known roles
        # a file from before settings were saved: the defaults it was fitted with
        settings=ModelSettings.from_dict(doc["settings"] or {}),
        actions=list(doc["actions"]),
        notes=doc["notes"],
    )
    project._revisions.update({Section(k): int(v) for k, v in doc["revisions"].items()})
    results = doc["results"]
    if "quality" in results:
        value = decode_quality(results["quality"]["value"])
        project._results[Section.QUALITY] = Stamped(value, dict(results["quality"]["inputs"]))
    if "model" in results:
        value = decode_analysis(results["model"]["value"], archive.tables, archive.texts, table)
        project._results[Section.MODEL] = Stamped(value, dict(results["model"]["inputs"]))
    try:
        project.rerun = decode_rerun(doc.get("rerun"))
    except (KeyError, TypeError, ValueError) as exc:
        raise invalid_part(path, f"{PROJECT_JSON} (rerun)") from exc
    return project


def read_project_document(
    path: str | Path, *, tables: bool = True
) -> tuple[dict[str, Any], dict[str, Any], ProjectArchive]:
    """(manifest, project.json, archive) of a file, migrated and checked; ``tables=False``
    skips parsing the Parquet entries (a quick look: ``workbench info``)."""
    path = Path(path)
    manifest_doc, archive = read_archive(path, tables=tables)
    if not tables and manifest_doc.get("schema_version") != CURRENT_SCHEMA:
        # Migrations may need the tables (an old layout kept less in its JSON).
        manifest_doc, archive = read_archive(path)
    manifest_doc, archive, applied = migrate(manifest_doc, archive, path)
    if PROJECT_JSON not in archive.documents:
        raise invalid_part(path, PROJECT_JSON)
    doc = check_document(archive.documents[PROJECT_JSON], path)
    manifest_doc = dict(manifest_doc, migrations=applied)
    return manifest_doc, doc, archive


def open_project(
    path: str | Path, ctx: JobContext | None = None, *, check_source_file: bool = True
) -> Project:
    """Open a project file: validated, migrated, every saved result restored as it was.

    Raises a plain :class:`ProjectFileError` (naming the file) for anything damaged, unsafe,
    or made by a newer Workbench. The project comes back unmodified (``dirty`` False) with
    :attr:`Project.source_check` telling whether the data file changed since.
    """
    ctx = ensure_context(ctx)
    path = Path(path)
    ctx.progress(0.0, _("Opening the project"))
    doc, archive = read_project_document(path)[1:]
    ctx.progress(0.6, _("Opening the project"))
    try:
        project = _build(doc, archive, path)
    except ProjectFileError:
        raise
    except ModelTextError as exc:  # checked before LightGBM reads it (a crash otherwise)
        raise invalid_part(path, _("the saved model")) from exc
    except Exception as exc:  # any part that does not decode: one plain message
        part = _("a saved part ({kind})").format(kind=type(exc).__name__)
        raise invalid_part(path, part) from exc
    project.source_check = (
        check_source(project.table.source, path.parent)
        if check_source_file and project.table is not None
        else None
    )
    project.dirty = False
    ctx.progress(1.0, _("Project opened"))
    return project
