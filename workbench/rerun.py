"""Re-apply a saved project to a new file: replay, drift, scores, model drift (no refit).

:func:`rerun_project` takes the opened project and the loaded new table and returns a
:class:`RerunResult`: what differs in the new file's columns (:mod:`workbench.steps.replay`),
what the project's cleaning recipe did to it, which columns drifted against the data the model
was trained on (:mod:`workbench.steps.drift`), a prediction for every row with the saved model
and, when the new rows carry the target, the model's score on them against its validation
(:mod:`workbench.steps.scoring`). With ``append`` the new rows are added to the project's data
(duplicates across files skipped and said); the saved model stays as it is, out of date, until
the user asks for a refit.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from workbench.errors import AnalysisError, WorkbenchError
from workbench.i18n import _
from workbench.jobs import JobContext, ensure_context
from workbench.project import Project, Section
from workbench.steps import drift_wording as words
from workbench.steps.drift import DriftReport, measure_drift
from workbench.steps.replay import (
    AppendResult,
    ColumnChange,
    append_rows,
    compare_columns,
    conform_types,
)
from workbench.steps.scoring import ModelDrift, Scores, measure_model_drift, score_rows
from workbench.tables.table import LoadedTable

SCHEMA = 1


@dataclass
class RerunResult:
    """Everything a re-application found; :meth:`summary` is the ``--json`` document."""

    table: LoadedTable  # the new file as loaded
    conformed: LoadedTable  # ... with columns read back as the training data's types
    changes: list[ColumnChange]
    cleaning: list[Any]  # StepReport of each recipe step replayed on the new file
    drift: DriftReport
    scores: Scores
    removed_rows: int
    model_drift: ModelDrift | None
    analysis: Any  # the project's saved AnalysisResult
    appended: AppendResult | None = None

    def scored_table(self) -> pd.DataFrame:
        """The new file's columns with the predictions beside them (removed rows: empty)."""
        return self.table.frame.join(self.scores.frame, how="left")

    def summary(self) -> dict[str, Any]:
        """``analyze``'s summary shape plus the re-application's findings."""
        base = self.analysis.summary()
        t = self.table
        data = {
            "path": t.source.path,
            "format": t.source.format,
            "sha256": t.source.sha256,
            "rows": t.n_rows,
            "columns": t.n_columns,
            "rows_scored": len(self.scores.frame),
            "sheet": t.options.sheet,
            "kinds": {str(k): str(v) for k, v in t.kinds.items()},
        }
        out: dict[str, Any] = {
            "schema": SCHEMA,
            "command": "rerun",
            "data": data,
            "cleaning": [
                {
                    "op": r.op,
                    "description": r.description,
                    "effect": r.effect,
                    "skipped": bool(r.skipped),
                    "warning": None if r.warning is None else str(r.warning),
                }
                for r in self.cleaning
            ],
            "changes": [c.to_dict() for c in self.changes],
            "excluded": base.get("excluded", []),
            "goal": base["goal"],
            "roles": base["roles"],
            "model": base["model"],
            "drift": [
                {
                    "column": d.column,
                    "kind": d.kind,
                    "score": d.score,
                    "level": d.level,
                    "message": d.message,
                    "numbers": d.to_dict(),
                }
                for d in self.drift.columns
            ],
            "drift_checked": list(self.drift.checked),
            "scores": {"rows": len(self.scores.frame), "removed_rows": self.removed_rows},
        }
        if self.model_drift is not None:
            out["model_drift"] = self.model_drift.summary()
        if self.appended is not None:
            out["appended"] = {
                "added": self.appended.added,
                "duplicates": self.appended.duplicates,
                "rows": self.appended.table.n_rows,
                "message": self.appended.message,
            }
        return out

    def text_report(self) -> str:
        """The console summary: columns, cleaning, drift, scores, model drift."""
        fit = self.analysis.fit
        lines = [
            _("Re-applied the project to {file}: {rows} rows × {cols} columns.").format(
                file=Path(self.table.source.path).name,
                rows=f"{self.table.n_rows:,}",
                cols=self.table.n_columns,
            ),
            "",
        ]
        if self.changes:
            lines.append(words.schema_headline(len(self.changes)))
            lines += [f"  - {c.message}" for c in self.changes]
        else:
            lines.append(words.schema_same())
        for r in self.cleaning:
            text = f"{r.description}: {r.effect}" if r.effect else r.description
            lines.append(f"  · {text}" + (f" — {r.warning}" if r.warning else ""))
        lines.append("")
        if self.drift.columns:
            lines.append(words.drift_headline(len(self.drift.columns), len(self.drift.checked)))
            lines += [f"  - {d.message}" for d in self.drift.columns]
        else:
            lines.append(words.no_drift(len(self.drift.checked), self.drift.period))
        lines.append("")
        lines.append(words.scored(len(self.scores.frame), self.removed_rows))
        if self.model_drift is not None:
            lines.append(self.model_drift.message)
        else:
            lines.append(words.no_labels(fit.target))
        if self.appended is not None:
            lines.append(self.appended.message)
        return "\n".join(lines)


def saved_analysis(project: Project) -> Any:
    """The project's fitted analysis, or a plain error when there is none."""
    analysis = project.result(Section.MODEL)
    if analysis is None or getattr(analysis, "fit", None) is None:
        raise AnalysisError(
            _("This project has no fitted model to re-apply."),
            _("Run the analysis once (Model step, or workbench analyze --project) first."),
        )
    return analysis


def rerun_project(
    project: Project,
    new: LoadedTable,
    *,
    append: bool = False,
    ctx: JobContext | None = None,
) -> RerunResult:
    """Replay ``project`` on ``new`` (see the module docstring); ``project`` is changed only by
    ``append`` (its data gains the new rows; the saved model then shows as out of date)."""
    from workbench.steps.recipe import Recipe, apply_recipe

    ctx = ensure_context(ctx)
    analysis = saved_analysis(project)
    fit = analysis.fit
    fs = fit.features
    model_columns = {fs.derived.get(n, n) for n in fs.columns}
    trained = analysis.frame.loc[fs.y.index] if len(fs.y) else analysis.frame
    ctx.progress(0.0, _("Comparing the new file with the training data"))
    conformed, type_changes = conform_types(new, dict(analysis.kinds), model_columns)
    levels = {fs.display[s]: list(v) for s, v in fs.levels.items()}
    changes = compare_columns(
        project.table.frame if project.table is not None else analysis.table.frame,
        dict(analysis.kinds),
        conformed.frame,
        model_columns,
        levels,
        target=fit.target,
    )
    if not any(c in conformed.frame.columns for c in model_columns):
        raise AnalysisError(
            _("{file} has none of the columns the model reads ({columns}).").format(
                file=Path(str(new.source.path)).name, columns=", ".join(sorted(model_columns))
            ),
            _("Check that you picked the right file: its column names must match the project's."),
        )
    changes = [*type_changes, *changes]
    cleaned = apply_recipe(
        conformed.frame,
        dict(conformed.kinds),
        project.recipe or Recipe([]),
        ctx.sub(0.05, 0.2),
        keep_out={fit.target},
    )
    from workbench.steps.predicted_target import blank_predicted_target

    frame = blank_predicted_target(cleaned, fit.target)  # model drift on measured outcomes only
    drift_columns = [c for c in fs.columns if c not in fs.derived]
    if fit.target not in drift_columns:
        drift_columns.append(fit.target)
    drift = measure_drift(
        trained,
        frame,
        dict(analysis.kinds),
        drift_columns,
        time_column=fit.time_column or analysis.roles.time,
        ctx=ctx.sub(0.2, 0.48),
    )
    # a gap of 2% between stages: the job runner passes on a progress message only when the
    # bar moved by 1%, so a stage's first message would be lost right after the last one
    scores = score_rows(fit, frame, ctx.sub(0.5, 0.83))
    ctx.progress(0.85, words.progress_model_check())
    model_drift = measure_model_drift(fit, frame, scores.raw)
    appended = None
    if append:
        if project.table is None:
            raise WorkbenchError(_("This project holds no data to add rows to."))
        appended = append_rows(project.table, conformed)
        project.set_table(appended.table)
    ctx.progress(1.0, _("Done"))
    return RerunResult(
        table=new,
        conformed=conformed,
        changes=changes,
        cleaning=list(cleaned.reports),
        drift=drift,
        scores=scores,
        removed_rows=len(new.frame) - len(frame),
        model_drift=model_drift,
        analysis=analysis,
        appended=appended,
    )


def write_scores(result: RerunResult, path: str | Path) -> Path:
    """The new rows with their predictions, as CSV (UTF-8 with BOM, so Excel reads Hangul) or
    Excel (.xlsx); written atomically."""
    from workbench.atomic import write_bytes_atomic

    path = Path(path)
    table = result.scored_table()
    try:
        if path.suffix.lower() == ".xlsx":
            buffer = io.BytesIO()
            with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
                table.to_excel(writer, index=False, sheet_name=_("Scores")[:31])
            write_bytes_atomic(path, buffer.getvalue())
        else:
            text = table.to_csv(index=False, lineterminator="\r\n")
            write_bytes_atomic(path, text.encode("utf-8-sig"))
    except OSError as exc:
        raise WorkbenchError(
            _("Could not write {path} ({reason}).").format(path=path, reason=exc.strerror or exc),
            _("Choose a folder that exists and that you can write to."),
        ) from exc
    return path


def refit_project(project: Project, ctx: JobContext | None = None) -> Any:
    """Fit the project again on its current data (the GUI's model run, in this process) and
    store the new quality report and analysis in it. Roles of columns the data no longer has
    are cleared (the replay already said those columns are missing)."""
    from workbench.pipeline import analyze_project

    if project.table is not None:  # a role for a column the data no longer has cannot apply
        for column in [c for c in project.roles if c not in project.table.frame.columns]:
            project.set_role(column, None)
    return analyze_project(project, ctx)


__all__ = [
    "RerunResult",
    "refit_project",
    "rerun_project",
    "saved_analysis",
    "write_scores",
]
