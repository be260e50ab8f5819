"""What a project file holds, in plain words, without loading its tables (``workbench info``).

Reads only the JSON documents (the Parquet entries are checksum-verified, not parsed), so a
million-row project is described in about the time it takes to read the file once.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from workbench.i18n import _, ngettext
from workbench.project import RESULT_INPUTS, Section
from workbench.store.project_file import (
    PROJECT_JSON,
    check_source,
    invalid_part,
    read_project_document,
)
from workbench.store.project_results import reword_saved_groups, reword_saved_verdict
from workbench.store.rerun_codec import rerun_info_lines
from workbench.tables.table import SourceInfo
from workbench.vocabulary import status_label


def _stale(doc: dict[str, Any], section: str) -> bool:
    stamped = doc["results"].get(section)
    if stamped is None:
        return False
    revisions = doc["revisions"]
    wanted = {str(s): int(revisions.get(str(s), 0)) for s in RESULT_INPUTS[Section(section)]}
    return {k: int(v) for k, v in stamped["inputs"].items()} != wanted


def _goal_line(goal: dict[str, Any] | None) -> str:
    if goal is None:
        return _("Goal: not set yet.")
    from workbench.steps.goal import Goal

    try:
        focus = Goal.from_dict(goal).focus.describe(goal["target"])
    except Exception:  # an unusual focus text: show it as saved
        focus = str(goal.get("focus", ""))
    sentences = {
        "maximize": _("Goal: raise “{target}”; focus: {focus}."),
        "minimize": _("Goal: lower “{target}”; focus: {focus}."),
        "class": _("Goal: understand and reduce a class of “{target}”; focus: {focus}."),
    }
    direction = str(goal.get("direction") or "maximize")
    sentence = sentences.get(direction, sentences["maximize"])
    return sentence.format(target=goal["target"], focus=focus)


def _quality_line(report: dict[str, Any]) -> str:
    alerts = report.get("alerts") or []
    by = {s: sum(1 for a in alerts if a.get("severity") == s) for s in ("error", "warning", "info")}
    if not alerts:
        return _("Quality: no problems found.")
    return _("Quality: {n} alerts ({errors} errors, {warnings} warnings, {infos} notes).").format(
        n=len(alerts), errors=by["error"], warnings=by["warning"], infos=by["info"]
    )


def describe_project(path: str | Path, *, check_source_file: bool = True) -> list[str]:
    """Lines describing the project at ``path``: goal, data (and whether the source file
    changed), quality headline, model verdict, cause groups, actions."""
    path = Path(path)
    manifest, doc, _archive = read_project_document(path, tables=False)
    try:
        return _describe(path, manifest, doc, check_source_file)
    except (KeyError, TypeError, ValueError, OverflowError, AttributeError) as exc:
        # A part the checks let through but that does not read: damaged, not "unexpected".
        raise invalid_part(path, PROJECT_JSON) from exc


def _describe(
    path: Path, manifest: dict[str, Any], doc: dict[str, Any], check_source_file: bool
) -> list[str]:
    lines = [
        _("Project: {name} ({file})").format(name=doc["name"] or _("(no name)"), file=path.name),
        _("Saved {when} by Workbench {version}; file layout {schema}.").format(
            when=manifest.get("saved_at") or "?",
            version=manifest.get("app_version") or "?",
            schema=manifest.get("schema_version"),
        ),
    ]
    if manifest.get("migrations"):
        lines.append(_("Saved by an older Workbench; it opens after an update of its layout."))
    lines.append(_goal_line(doc["goal"]))
    data = doc["data"]
    if data is None:
        lines.append(_("Data: none loaded yet."))
    else:
        source = SourceInfo.from_dict(data["source"])
        lines.append(
            _("Data: {file} — {rows:,} rows × {columns} columns ({format}), SHA-256 {sha}…").format(
                file=Path(source.path).name,
                rows=int(data["rows"]),
                columns=len(data["columns"]),
                format=source.format,
                sha=source.sha256[:12],
            )
        )
        if check_source_file:
            lines.append("  " + check_source(source, path.parent).message)
    results = doc["results"]
    if "quality" in results:
        lines.append(_quality_line(results["quality"]["value"]))
    model = results.get("model")
    if model is None:
        lines.append(_("Model: not fitted yet."))
    else:
        summary = model["value"].get("summary") or {}
        if "quality" not in results:
            lines.append(_quality_line(summary.get("quality") or {}))
        verdict = (summary.get("model") or {}).get("verdict_message") or ""
        groups: list[str] = [str(c.get("description", "")) for c in summary.get("clusters") or []]
        with contextlib.suppress(KeyError, TypeError, ValueError):
            # Said again in the reader's language; the saved text is the fallback.
            verdict = reword_saved_verdict(model["value"])
            groups = reword_saved_groups(model["value"])
        lines.append(_("Model: {verdict}").format(verdict=verdict))
        clusters = summary.get("clusters") or []
        if clusters:
            lines.append(
                ngettext("{n} cause group:", "{n} cause groups:", len(clusters)).format(
                    n=len(clusters)
                )
            )
            for c, text in zip(clusters, groups, strict=False):
                lines.append(f"  {c.get('id')}. {text}")
        elif summary.get("clusters_message"):
            lines.append(summary["clusters_message"])
        if _stale(doc, "model"):
            lines.append(_("The model results are out of date: inputs changed after the fit."))
    lines += rerun_info_lines(doc.get("rerun"))
    actions = doc["actions"]
    lines.append(
        ngettext("{n} action logged.", "{n} actions logged.", len(actions)).format(n=len(actions))
    )
    for a in actions:
        if isinstance(a, dict):
            title = a.get("title") or a.get("hypothesis") or ""
            status = status_label(str(a["status"])) if a.get("status") else ""
            lines.append(f"  - {title} [{status}]" if status else f"  - {title}")
    return lines
