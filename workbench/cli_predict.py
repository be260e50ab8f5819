"""``workbench predict PROJECT.wbproj --column X``: predict a column's missing values, headless.

The same recipe step as the Quality pane's "Predict the missing values…": it is added to the
project's recipe (recording the goal and the flagged leaks as columns never read), replayed on
the project's data, and said in one sentence. ``--table`` writes the cleaned table with the
confidence columns, ``--project`` saves the project with the new step, ``--json`` the counts.
Nothing is written unless asked for; a step that cannot run writes nothing and exits 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from workbench.cli_json import write_json
from workbench.errors import WorkbenchError
from workbench.i18n import _
from workbench.jobs import JobContext

EXIT_NOT_RUN = 2


def confidence(text: str) -> float:
    """``--min-confidence``: "80", "80%" or "0.8" -> 0.8 (argparse refuses anything else)."""
    raw = text.strip().removesuffix("%")
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    share = value / 100 if value >= 1 or text.strip().endswith("%") else value
    if not 0 < share < 1:
        raise argparse.ArgumentTypeError(
            _("“{value}” is not a confidence; give a percentage such as 80%.").format(value=text)
        )
    return share


def table_path(text: str) -> str:
    if Path(text).suffix.lower() not in (".csv", ".xlsx"):
        raise argparse.ArgumentTypeError(
            _("“{value}” is not a file name ending in .csv or .xlsx.").format(value=text)
        )
    return text


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """The ``predict`` command's options."""
    p = sub.add_parser(
        "predict",
        help=_("predict a column's missing values from the other columns, with confidence"),
    )
    p.add_argument("project", help=_("the project file (.wbproj)"))
    p.add_argument("--column", required=True, help=_("the column whose missing cells to fill"))
    p.add_argument(
        "--min-confidence",
        type=confidence,
        metavar="PCT",
        help=_("leave a cell empty when its confidence is below this (e.g. 80%%)"),
    )
    p.add_argument(
        "--train-on-predicted",
        action="store_true",
        help=_("for the goal's column: use the predicted outcomes in the model as if measured"),
    )
    p.add_argument(
        "--table",
        metavar="FILE",
        type=table_path,
        help=_("write the cleaned table with the confidence columns (.csv or .xlsx)"),
    )
    p.add_argument(
        "--project",
        dest="out_project",
        metavar="FILE",
        help=_("save the project with the new step (.wbproj)"),
    )
    p.add_argument("--json", metavar="FILE", help=_("write the counts as JSON"))


def _step(args: argparse.Namespace, project: Any) -> dict[str, Any]:
    from workbench.pipeline import not_predictors

    frame = project.table.frame if project.table is not None else None
    if frame is None or args.column not in frame.columns:
        names = ", ".join(str(c) for c in (frame.columns if frame is not None else []))
        raise WorkbenchError(
            _("The project's data has no column “{column}”.").format(column=args.column),
            _("Columns: {names}").format(names=names),
        )
    step: dict[str, Any] = {"op": "predict_missing", "column": args.column}
    if args.min_confidence is not None:
        step["min_confidence"] = args.min_confidence
    exclude = sorted(c for c in not_predictors(project) if c != args.column)
    if exclude:
        step["exclude"] = exclude
    if args.train_on_predicted:
        step["train_on_predicted"] = True
    return step


def run_predict(args: argparse.Namespace, ctx: JobContext) -> int:
    """Run the command; returns the exit code."""
    from workbench.pipeline import clean_table, not_predictors
    from workbench.steps import predict_wording as words
    from workbench.steps.recipe import Recipe
    from workbench.store.project_file import open_project, save_project

    if args.out_project and Path(args.out_project).resolve() == Path(args.project).resolve():
        raise WorkbenchError(
            _("--project would overwrite the project you read ({name}).").format(
                name=Path(args.project).name
            ),
            _("Save the project under a new name."),
        )
    project = open_project(args.project, ctx.sub(0.0, 0.1))
    step = _step(args, project)
    steps = project.recipe.steps if project.recipe is not None else []
    kept = [s for s in steps if not (s["op"] == "predict_missing" and s["column"] == args.column)]
    recipe = Recipe([*kept, step])  # a second run replaces the column's earlier step
    table = project.table
    assert table is not None  # _step refused a project without data
    cleaned = clean_table(ctx.sub(0.1, 0.8), table, recipe, not_predictors(project))
    report = cleaned.reports[-1]
    if report.skipped:
        print(_("Error: {message}").format(message=report.warning), file=sys.stderr)
        return EXIT_NOT_RUN
    d = report.details
    sentence = words.filled_sentence(
        args.column, d["filled"], d["missing"], d["left_empty"], d.get("min_confidence")
    )
    said = words.confidence_sentence(args.column, d.get("median_confidence"))
    if said:
        sentence += " " + said
    goal = project.goal
    if goal is not None and str(goal.target) == args.column and d["filled"]:
        rows = words.target_rows_used if args.train_on_predicted else words.target_rows_kept_out
        sentence += " " + rows(args.column, d["filled"])
    print(sentence)
    if args.table:
        from workbench.tables.table_export import export_table

        export_table(cleaned.frame, args.table, ctx.sub(0.8, 0.95), cleaned.predicted)
        print(_("Wrote the table {path}.").format(path=args.table))
    if args.out_project:
        project.set_recipe(recipe)
        save_project(project, Path(args.out_project))
        print(_("Saved the project {path}.").format(path=args.out_project))
    if args.json:
        keys = (
            *("missing", "filled", "left_empty", "min_confidence", "median_confidence"),
            *("kind", "features"),
        )
        summary = {"column": args.column, **{k: d.get(k) for k in keys}}
        summary.update({"not_predictors": d.get("not_predictors", []), "message": sentence})
        write_json(Path(args.json), summary)
    return 0
