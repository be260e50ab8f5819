"""The whole analysis behind ``workbench analyze``: load → quality → clean → roles → fit →
explain → cause groups, each step with its slice of the progress bar.

:func:`run_analysis` takes the same keyword names as the CLI options. The result knows how to
say itself: :meth:`AnalysisResult.summary` is the ``--json`` document of the CLI contract,
:meth:`AnalysisResult.cluster_rows` the ``--clusters`` rows, :meth:`AnalysisResult.text_report`
the readable summary printed on the console.

Before modeling, the two clean-ups nobody argues about are applied (``clean=True``, the
default): exact duplicate rows are dropped and sentinel values flagged by the quality check
(-999 for a sensor dropout, …) become missing. Both are listed in the result; rows keep their
labels (0-based positions in the source), so ``--clusters`` points at the user's rows.
"""

from __future__ import annotations

import dataclasses
import os
import time as _time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from workbench.errors import AnalysisError
from workbench.jobs import JobContext, ensure_context
from workbench.numbers_format import format_label, format_number
from workbench.steps import causes_wording as words
from workbench.steps.causes import (
    CauseGroups,
    FocusTooSmall,
    find_cause_groups,
    focus_too_small_message,
    reword_causes,
)
from workbench.steps.goal import Direction, Goal, Task, infer_task, parse_focus, select_focus
from workbench.steps.recipe_wording import reword_report
from workbench.tables.table import ColumnKind, LoadedTable, LoadOptions

SCHEMA = 1
DEFAULT_FOCUS_SHARE = "5%"
CLEAN_ALERTS = ("duplicate_rows", "sentinel")

# Progress slices of the steps.
_SLICES = {
    "load": (0.0, 0.12),
    "quality": (0.12, 0.27),
    "clean": (0.27, 0.3),
    "fit": (0.3, 0.75),
    "explain": (0.75, 0.9),
    "causes": (0.9, 1.0),
}


@dataclass
class AnalysisResult:
    """Everything one analysis produced, from the loaded table to the cause groups."""

    table: LoadedTable
    goal: Goal
    quality: Any  # QualityReport of the table as loaded
    frame: pd.DataFrame  # the table the model saw (after the clean-ups)
    kinds: dict[str, ColumnKind]
    cleaning: list[Any]  # StepReport of each clean-up applied
    roles: Any  # RoleAssignment (roles + exclusions with reasons)
    fit: Any  # FitResult
    explanation: Any | None  # Explanation (None when the model found no signal)
    focus_rows: pd.Index
    causes: CauseGroups | None
    causes_message: str = ""  # why there are no groups (no signal, focus too small, ...)
    timings: dict[str, float] = field(default_factory=dict)
    sampling: Any = None  # SampleStatement when trained on a sample of a larger file

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
        rule = self.goal.focus_rule
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
        rule = self.goal.focus_rule
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


def write_cluster_rows(result: AnalysisResult, path: str | os.PathLike[str]) -> None:
    """Write :meth:`AnalysisResult.cluster_rows` as a UTF-8 CSV (atomically)."""
    from workbench.atomic import write_text_atomic
    from workbench.errors import WorkbenchError
    from workbench.i18n import _

    text = result.cluster_rows().to_csv(index=False, lineterminator="\n")
    try:
        write_text_atomic(Path(path), text)
    except OSError as exc:
        raise WorkbenchError(
            _("Could not write {path} ({reason}).").format(path=path, reason=exc.strerror or exc),
            _("Choose a folder that exists and that you can write to."),
        ) from exc


def _names(items: Iterable[str] | str | None) -> list[str]:
    if items is None:
        return []
    if isinstance(items, str):
        return [s.strip() for s in items.split(",") if s.strip()]
    return [str(s) for s in items]


def make_goal(
    frame: pd.DataFrame,
    target: str,
    goal: Goal | Direction | str | None = None,
    focus: str | None = None,
    positive_class: str | None = None,
) -> Goal:
    """The goal from the CLI's words; defaults: maximize + top 5% for numbers, the rarer class
    for classes (a minimize goal looks at the bottom 5%: the best rows)."""
    from workbench.steps.roles import check_columns

    check_columns([target], frame.columns)
    if isinstance(goal, Goal):
        chosen = focus if focus is not None else goal.focus
        return dataclasses.replace(goal, focus=_bool_focus(frame[goal.target], chosen))
    direction = Direction(goal) if goal else None
    if focus is not None:
        focus = _bool_focus(frame[target], focus)
    probe = Goal(target, direction or Direction.MAXIMIZE, focus or "top:5%")
    series = frame[target]
    task = infer_task(series, probe)
    if focus is not None:
        rule = parse_focus(focus)
        if rule.kind == "class" and direction is None:
            direction = Direction.CLASS
    if task != Task.REGRESSION:
        if focus is None:
            label = positive_class or _rarest_class(series)
            focus = f"class:{label}"
        if direction is None:
            direction = Direction.CLASS
        if positive_class is None and parse_focus(focus).kind == "class":
            positive_class = str(parse_focus(focus).value)
    direction = direction or Direction.MAXIMIZE
    if focus is None:
        side = "bottom" if direction == Direction.MINIMIZE else "top"
        focus = f"{side}:{DEFAULT_FOCUS_SHARE}"
    return Goal(target, direction, focus, positive_class=positive_class)


_TRUE_WORDS = {"yes", "y", "true", "t", "1", "on", "예", "네"}
_FALSE_WORDS = {"no", "n", "false", "f", "0", "off", "아니오", "아니요"}


def _bool_focus(series: pd.Series, focus: str) -> str:
    """``class:yes`` on a yes/no column the loader read as True/False means ``class:True``."""
    rule = parse_focus(focus)
    if rule.kind != "class" or not pd.api.types.is_bool_dtype(series):
        return focus
    word = str(rule.value).strip().casefold()
    if word in _TRUE_WORDS:
        return "class:True"
    if word in _FALSE_WORDS:
        return "class:False"
    return focus


def _rarest_class(series: pd.Series) -> str:
    counts = series.dropna().map(format_label).value_counts()
    if counts.empty:
        raise AnalysisError(words.target_empty(str(series.name)), words.target_empty_hint())
    return str(counts.sort_values(kind="stable").index[0])


def clean_up_recipe(quality: Any, target: str | None = None) -> Any:
    """The uncontroversial clean-ups the quality check proposes: drop duplicate rows and turn
    sentinel values into missing ones (a sentinel in the target included)."""
    from workbench.steps.recipe import Recipe

    steps = []
    for alert in quality.alerts:
        if alert.kind in CLEAN_ALERTS and alert.fix_step:
            steps.append(dict(alert.fix_step))
    # Sentinels first, so that rows differing only by a sentinel are still found as duplicates.
    steps.sort(key=lambda s: 0 if s.get("op") == "sentinel_to_missing" else 1)
    return Recipe(steps)


def run_analysis(
    data: str | os.PathLike[str] | LoadedTable,
    *,
    target: str,
    sheet: str | None = None,
    header_row: int | None = None,
    goal: Goal | Direction | str | None = None,
    focus: str | None = None,
    positive_class: str | None = None,
    id_columns: Iterable[str] | str | None = None,
    time: str | None = None,
    exclude: Iterable[str] | str | None = None,
    controllable: Iterable[str] | str | None = None,
    uncontrollable: Iterable[str] | str | None = None,
    features: Iterable[str] | str | None = None,
    min_group_size: int | None = None,
    clean: bool = True,
    settings: Any = None,
    sample_size: int | None = None,
    in_process: bool = False,
    ctx: JobContext | None = None,
) -> AnalysisResult:
    """Run the whole analysis on a data file (or an already loaded table).

    Keyword names follow the CLI options (``--id`` → ``id_columns``). Raises a plain
    :class:`~workbench.errors.WorkbenchError` for anything the user must fix; a model with no
    usable signal is not an error: the result says so and shows no cause groups.
    ``in_process`` clusters in a worker process (the GUI's choice: HDBSCAN holds the GIL).
    """
    from workbench.steps.explain import DEFAULT_SAMPLE_SIZE, explain_model
    from workbench.steps.modeling import fit_model
    from workbench.steps.quality import assess_quality
    from workbench.steps.recipe import apply_recipe
    from workbench.steps.roles import assign_roles, check_columns, explicit_roles
    from workbench.tables.loader import load_table

    ctx = ensure_context(ctx)
    timings: dict[str, float] = {}

    def part(name: str) -> JobContext:
        a, b = _SLICES[name]
        return ctx.sub(a, b)

    started = _time.perf_counter()
    if isinstance(data, LoadedTable):
        table = data
    else:
        table = load_table(data, LoadOptions(sheet=sheet, header_row=header_row), part("load"))
    timings["load"] = _time.perf_counter() - started

    frame = table.frame
    explicit = explicit_roles(
        id=_names(id_columns),
        time=time,
        exclude=_names(exclude),
        controllable=_names(controllable),
        uncontrollable=_names(uncontrollable),
        features=_names(features),  # e.g. a flagged column the user put back
    )
    check_columns([target, *explicit], frame.columns)
    the_goal = make_goal(frame, target, goal, focus, positive_class)

    t0 = _time.perf_counter()
    quality = assess_quality(
        frame,
        dict(table.kinds),
        target=target,
        time=time,
        focus=the_goal.focus_rule,
        ctx=part("quality"),
    )
    timings["quality"] = _time.perf_counter() - t0

    t0 = _time.perf_counter()
    kinds = dict(table.kinds)
    cleaning: list[Any] = []
    if clean:
        recipe = clean_up_recipe(quality, target)
        if len(recipe):
            cleaned = apply_recipe(frame, kinds, recipe, part("clean"))
            frame, kinds = cleaned.frame, dict(cleaned.kinds)
            cleaning = [r for r in cleaned.reports if not r.skipped]
    timings["clean"] = _time.perf_counter() - t0

    t0 = _time.perf_counter()
    roles = assign_roles(frame, kinds, target, quality=quality, explicit=explicit)
    timings["roles"] = _time.perf_counter() - t0

    t0 = _time.perf_counter()
    fit = fit_model(frame, kinds, the_goal, roles, settings, ctx=part("fit"))
    timings["fit"] = _time.perf_counter() - t0

    focus_rows = select_focus(frame[target], the_goal.focus_rule)
    explanation = None
    causes: CauseGroups | None = None
    message = ""
    if not fit.has_signal:
        message = words.no_signal_no_groups(target)
        timings["explain"] = timings["causes"] = 0.0
    else:
        t0 = _time.perf_counter()
        explanation = explain_model(
            fit,
            focus_rows,
            sample_size=sample_size or DEFAULT_SAMPLE_SIZE,
            ctx=part("explain"),
        )
        timings["explain"] = _time.perf_counter() - t0
        t0 = _time.perf_counter()
        try:
            causes = find_cause_groups(
                explanation.focus,
                frame,
                frame[target],
                roles,
                the_goal,
                min_group_size=min_group_size,
                in_process=in_process,
                ctx=part("causes"),
            )
        except FocusTooSmall:
            message = focus_too_small_message(len(explanation.focus.rows))
        timings["causes"] = _time.perf_counter() - t0
    timings["total"] = _time.perf_counter() - started
    ctx.progress(1.0, words.progress_done())
    return AnalysisResult(
        table=table,
        goal=the_goal,
        quality=quality,
        frame=frame,
        kinds=kinds,
        cleaning=cleaning,
        roles=roles,
        fit=fit,
        explanation=explanation,
        focus_rows=focus_rows,
        causes=causes,
        causes_message=message,
        timings=timings,
    )
