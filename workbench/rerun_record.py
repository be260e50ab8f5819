"""What a re-application found, kept in the project: "What changed since the last analysis".

A :class:`~workbench.rerun.RerunResult` holds the new table and every score; the project keeps
only its findings as a :class:`RerunRecord` (the new file's name and size, the column changes,
the drift per column, the model's check on labelled rows, how many rows were scored or added),
so a reopened project and its report still say what changed. The records hold numbers, not
sentences: the sentences are said again from them (:mod:`workbench.steps.drift_wording`) in the
language the reader uses, and a test can recompute each number. Stored by
:mod:`workbench.store.rerun_codec`.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from workbench.steps import drift_wording as words
from workbench.steps.drift import DriftReport
from workbench.steps.replay import ColumnChange
from workbench.steps.scoring import ModelDrift


def model_key(fit: Any) -> dict[str, Any]:
    """What identifies the model a re-application was compared with: a refit on other rows
    changes the rows modeled, the trees or the validation score."""
    score = getattr(fit, "score", None)
    return {
        "rows": int(getattr(fit, "rows", 0) or 0),
        "trees": int(getattr(fit, "n_trees", 0) or 0),
        "score": None if score is None or not math.isfinite(score) else round(float(score), 9),
    }


def change_message(kind: str, column: str, details: Mapping[str, Any]) -> str:
    """The sentence of one column change, said again from its numbers."""
    if kind == "missing":
        return words.missing_column(column, bool(details.get("in_model")))
    if kind == "new":
        return words.new_column(column)
    if kind == "type":
        return words.changed_type(
            column,
            words.kind_words(str(details.get("was", ""))),
            words.kind_words(str(details.get("now", ""))),
            int(details.get("unreadable", 0)),
            [str(e) for e in details.get("examples", [])],
        )
    if kind == "new_levels":
        levels = [str(v) for v in details.get("levels", [])]
        return words.new_levels(
            column, levels, int(details.get("rows", 0)), bool(details.get("lumped"))
        )
    raise ValueError(f"unknown column change {kind!r}")


@dataclass(frozen=True)
class RerunRecord:
    """The findings of one re-application (no table: the scores were exported)."""

    when: str  # UTC, ISO 8601 to the second
    file: str  # the new file's path as chosen
    sha256: str
    rows: int
    columns: int
    changes: list[ColumnChange]
    drift: DriftReport
    model_drift: ModelDrift | None
    scored_rows: int
    removed_rows: int
    target: str
    model: dict[str, Any] = field(default_factory=dict)  # :func:`model_key` of the saved model
    appended: dict[str, int] | None = None  # {"added", "duplicates", "rows"} when rows were added

    @property
    def file_name(self) -> str:
        return Path(self.file.replace("\\", "/")).name

    @property
    def day(self) -> str:
        """The date (UTC) of the re-application, "2026-12-07"."""
        return self.when[:10]

    def model_changed(self, analysis: Any) -> bool:
        """True when the project's model is no longer the one these findings were measured
        against (fitted again since, or none any more)."""
        fit = getattr(analysis, "fit", None)
        return fit is None or model_key(fit) != self.model

    # -- sentences (said from the numbers, in the reader's language) -------------------------
    def schema_lines(self) -> list[str]:
        return [c.message for c in self.changes] or [words.schema_same()]

    def drift_headline(self) -> str:
        if self.drift.columns:
            return words.drift_headline(len(self.drift.columns), len(self.drift.checked))
        return words.no_drift(len(self.drift.checked), self.drift.period)

    def drift_lines(self) -> list[str]:
        return [d.message for d in self.drift.columns]

    def model_line(self) -> str:
        if self.model_drift is not None:
            return self.model_drift.message
        return words.no_labels(self.target)

    def scored_line(self) -> str:
        return words.scored(self.scored_rows, self.removed_rows)

    def appended_line(self) -> str | None:
        if self.appended is None:
            return None
        a = self.appended
        return words.appended(a["added"], a["duplicates"], a["rows"])

    @property
    def refit_recommended(self) -> bool:
        return bool(self.model_drift is not None and self.model_drift.refit_recommended)

    def said_again(self) -> RerunRecord:
        """The same record with every sentence said again (after reading it, or a language
        change): messages are never trusted from a file."""
        changes = [
            replace(c, message=change_message(c.kind, c.column, c.details)) for c in self.changes
        ]
        moved = [replace(d, message=words.drift_message(d)) for d in self.drift.columns]
        md = self.model_drift
        if md is not None:
            md = replace(md, message=words.model_drift_message(md))
        drift = replace(self.drift, columns=moved)
        return replace(self, changes=changes, drift=drift, model_drift=md)

    def with_appended(self, added: int, duplicates: int, rows: int) -> RerunRecord:
        return replace(self, appended={"added": added, "duplicates": duplicates, "rows": rows})


def record_rerun(result: Any, when: _dt.datetime | None = None) -> RerunRecord:
    """The record to keep of a :class:`~workbench.rerun.RerunResult`."""
    when = when or _dt.datetime.now(_dt.UTC)
    table = result.table
    appended = None
    if result.appended is not None:
        a = result.appended
        appended = {"added": a.added, "duplicates": a.duplicates, "rows": a.table.n_rows}
    return RerunRecord(
        when=when.astimezone(_dt.UTC).isoformat(timespec="seconds"),
        file=str(table.source.path),
        sha256=str(table.source.sha256 or ""),
        rows=int(table.n_rows),
        columns=int(table.n_columns),
        changes=list(result.changes),
        drift=result.drift,
        model_drift=result.model_drift,
        scored_rows=len(result.scores.frame),
        removed_rows=int(result.removed_rows),
        target=str(result.analysis.fit.target),
        model=model_key(result.analysis.fit),
        appended=appended,
    )


def masked_record(record: RerunRecord, masks: Mapping[str, Mapping[Any, str]]) -> RerunRecord:
    """``record`` for a copy with personal data masked: level names and example cells of the
    masked columns are replaced by their masked names (any value not in ``masks`` by "***")."""
    if not masks:
        return record

    def mask(column: str, value: Any) -> str:
        return str(masks[column].get(value, "***"))

    changes = []
    for c in record.changes:
        if c.column in masks:
            details = dict(c.details)
            for key in ("levels", "examples"):
                if key in details:
                    details[key] = [mask(c.column, v) for v in details[key]]
            c = replace(c, details=details)
        changes.append(c)
    moved = []
    for d in record.drift.columns:
        if d.column in masks:
            d = replace(
                d,
                new_levels=[mask(d.column, v) for v in d.new_levels],
                level_name=None if d.level_name is None else mask(d.column, d.level_name),
            )
        moved.append(d)
    out = replace(record, changes=changes, drift=replace(record.drift, columns=moved))
    return out.said_again()


__all__ = [
    "RerunRecord",
    "change_message",
    "masked_record",
    "model_key",
    "record_rerun",
]
