"""What one analysis run produced, and how it says itself.

:class:`AnalysisResult` is the model section of a project (``Section.MODEL``): the loaded table,
the goal, the quality report and the clean-ups of the table the model saw, the roles, the fit,
the SHAP explanation and the cause groups. It is made by :func:`workbench.pipeline.run_pipeline`
(the one pipeline the GUI and the CLI both run) and rebuilt from a project file by
:mod:`workbench.store.project_results`; neither needs the other.

:meth:`AnalysisResult.summary` is the ``--json`` document of the CLI contract,
:meth:`AnalysisResult.cluster_rows` the ``--clusters`` rows, :meth:`AnalysisResult.text_report`
the readable summary printed on the console.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from workbench.numbers_format import format_number
from workbench.steps import causes_wording as words
from workbench.steps.causes import CauseGroups, focus_too_small_message, reword_causes
from workbench.steps.goal import Goal
from workbench.steps.quality import QualityReport
from workbench.steps.recipe import Recipe
from workbench.steps.recipe_report import StepReport
from workbench.steps.recipe_wording import reword_report
from workbench.steps.roles import RoleAssignment
from workbench.steps.sampling import SampleStatement
from workbench.tables.table import ColumnKind, LoadedTable

if TYPE_CHECKING:  # numba and scikit-learn load with these; a result read from a file needs neither
    from workbench.steps.explain import Explanation
    from workbench.steps.fit_result import FitResult

SCHEMA = 1  # of the ``--json`` document


@dataclass
class AnalysisResult:
    """Everything one analysis produced, from the loaded table to the cause groups."""

    table: LoadedTable
    goal: Goal
    quality: QualityReport  # of ``frame``, the cleaned table the model saw
    frame: pd.DataFrame  # the table the model saw (the recipe replayed on ``table``)
    kinds: dict[str, ColumnKind]
    cleaning: list[StepReport]  # each step of the recipe that changed the table
    roles: RoleAssignment  # roles + exclusions with reasons
    fit: FitResult
    explanation: Explanation | None  # None when the model found no signal
    focus_rows: pd.Index
    causes: CauseGroups | None
    causes_message: str = ""  # why there are no groups (no signal, focus too small, ...)
    timings: dict[str, float] = field(default_factory=dict)
    recipe: Recipe | None = None  # the cleaning steps replayed on ``table`` to give ``frame``
    sampling: SampleStatement | None = None  # trained on a sample of a larger file

    # ----------------------------------------------------------------------------------------
    def reword(self) -> None:
        """Say the saved sentences again in the current language (the numbers stay)."""
        self.cleaning = [reword_report(r) for r in self.cleaning]
        target = self.goal.target
        if self.causes is not None and target in self.frame.columns:
            reword_causes(self.causes, self.frame[target], self.goal)
        if not self.fit.has_signal:
            self.causes_message = words.no_signal_no_groups(target)
        elif self.causes is None and self.explanation is not None and self.causes_message:
            self.causes_message = focus_too_small_message(len(self.explanation.focus.rows))

    def summary(self) -> dict[str, Any]:
        """The ``--json`` document: the CLI contract's keys plus a few useful extras."""
        fit_summary = self.fit.summary()
        model = {k: fit_summary.get(k) for k in ("task", "validation", "metric", "score")}
        model["baseline_score"] = fit_summary.get("baseline_score")
        model.update(
            {
                "verdict": self.fit.verdict,
                "verdict_message": self.fit.verdict_message,
                "validation_message": fit_summary.get("validation_message", ""),
                "metrics": fit_summary.get("metrics", {}),
                "rows": fit_summary.get("rows"),
            }
        )
        if self.sampling is not None:  # a file larger than memory (workbench.big_analysis)
            from workbench.steps.sampling_wording import sample_sentence

            model["sample"] = dict(self.sampling.to_dict(), message=sample_sentence(self.sampling))
        drivers = self.explanation.drivers() if self.explanation is not None else []
        clusters = []
        if self.causes is not None:
            for g in self.causes.groups:
                item = g.to_dict()
                clusters.append(
                    {
                        "id": item["id"],
                        "size": item["size"],
                        "drivers": item["drivers"],
                        "description": item["description"],
                        "share": item["share"],
                        "target_mean": _json_num(item["target_mean"]),
                        "overall_mean": _json_num(item["overall_mean"]),
                        "conditions": item["conditions"],
                        "also": item["also"],
                        "effect": _effect_json(g.claims.get("effect")),
                        "claims": item["claims"],
                        "stability": item["stability"],
                        "weak": item["weak"],
                        "overlap_of": item["overlap_of"],
                    }
                )
        rule = self.goal.focus
        return {
            "schema": SCHEMA,
            "data": self._data_summary(),
            "quality": {
                "alerts": [
                    {
                        "kind": a.kind,
                        "column": a.column,
                        "severity": a.severity,
                        "message": a.message,
                        "fix": a.fix,
                    }
                    for a in self.quality.alerts
                ],
                "duplicate_rows": int(self.quality.duplicate_rows),
            },
            "cleaning": [
                {"op": r.op, "description": r.description, "effect": r.effect}
                for r in self.cleaning
            ],
            "excluded": [
                {"column": e.column, "reason": e.reason, "message": e.message}
                for e in self.fit.excluded
            ],
            "goal": self.goal.to_dict(),
            "roles": {str(k): str(v) for k, v in self.roles.items()},
            "model": model,
            "drivers": drivers,
            "focus": {
                "rule": rule.to_text(),
                "rows": len(self.focus_rows),
                "description": rule.describe(self.goal.target),
            },
            "clusters": clusters,
            "noise_rows": int(self.causes.noise_rows) if self.causes is not None else 0,
            "min_group_size": self.causes.min_group_size if self.causes is not None else None,
            "clusters_message": self.causes_message,
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
        }

    def _data_summary(self) -> dict[str, Any]:
        t = self.table
        return {
            "path": t.source.path,
            "format": t.source.format,
            "sha256": t.source.sha256,
            "rows": t.n_rows if self.sampling is None else self.sampling.rows_total,
            "columns": t.n_columns,
            "rows_analyzed": len(self.frame),
            "sheet": t.options.sheet,
            "kinds": {str(k): str(v) for k, v in t.kinds.items()},
        }

    def cluster_rows(self) -> pd.DataFrame:
        """One line per focus row: ``row`` (0-based source position) and ``cluster`` (-1 noise)."""
        if self.causes is not None:
            labels = self.causes.labels
            rows = [int(r) for r in labels.index]
            clusters = [int(c) for c in labels.to_numpy()]
        else:
            rows = [int(r) for r in self.focus_rows]
            clusters = [-1] * len(rows)
        out = pd.DataFrame({"row": rows, "cluster": clusters})
        return out.sort_values("row", kind="stable").reset_index(drop=True)

    def text_report(self) -> str:
        """A readable summary for an engineer: data, quality, model, drivers, groups."""
        t = self.table
        rows = t.n_rows if self.sampling is None else self.sampling.rows_total
        lines = [
            words.report_data(Path(t.source.path).name, rows, t.n_columns, t.source.format),
            "",
        ]
        alerts = list(self.quality.alerts)
        lines.append(words.report_quality_headline(len(alerts)))
        for a in alerts:
            lines.append(f"  - [{a.severity}] {a.message}")
        if self.cleaning:
            lines.append(words.report_cleaning_headline())
            for r in self.cleaning:
                lines.append(
                    f"  - {r.description}: {r.effect}" if r.effect else f"  - {r.description}"
                )
        lines.append("")
        if self.fit.excluded:
            lines.append(words.report_excluded_headline())
            for e in self.fit.excluded:
                lines.append(f"  - {e.column}: {e.message or e.reason}")
            lines.append("")
        lines.append(words.report_model_headline())
        lines.append("  " + self.fit.verdict_message)
        if getattr(self.fit, "validation_message", ""):
            lines.append("  " + self.fit.validation_message)
        if self.sampling is not None:
            from workbench.steps.sampling_wording import sample_sentence

            lines.append("  " + sample_sentence(self.sampling))
        lines.append("")
        if self.explanation is not None:
            lines.append(words.report_drivers_headline(self.explanation.describe()))
            for i, d in enumerate(self.explanation.drivers(8), start=1):
                role = self.roles.get(d["column"])
                tag = words.role_tag(str(role) if role is not None else "feature")
                lines.append(
                    f"  {i}. {d['column']} ({format_number(d['importance'], digits=3)}){tag}"
                )
            lines.append("")
        rule = self.goal.focus
        lines.append(words.report_focus(rule.describe(self.goal.target), len(self.focus_rows)))
        if self.causes is not None and self.causes.groups:
            for g in self.causes.groups:
                lines.append("")
                lines.append(g.description)
                lines.append(
                    "  "
                    + words.report_group_drivers(
                        [(d.column, d.importance, d.controllable) for d in g.drivers]
                    )
                )
        if self.causes is not None and self.causes.message:
            lines.append("")
            lines.append(self.causes.message)
        if self.causes_message:
            lines.append("")
            lines.append(self.causes_message)
        return "\n".join(lines)


def _effect_json(claim: Any) -> dict[str, Any] | None:
    """A group's finding for JSON readers: the target where its conditions hold against the
    other rows, over all rows and out of fold (``target_mean`` is the group's own mean, a
    selection of focus rows)."""
    if claim is None:
        return None
    lo, hi = claim.interval or (None, None)
    return {
        "where_conditions_hold": _json_num(claim.value + (claim.comparison or 0.0)),
        "other_rows": _json_num(claim.comparison),
        "difference": _json_num(claim.value),
        "interval95": [_json_num(lo), _json_num(hi)],
        "rows_meeting": claim.n,
        "rows_other": claim.n_compare,
        "rate_of": claim.label,
        "estimate": claim.estimate,
    }


def _json_num(x: Any) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if v == v and abs(v) != float("inf") else None
