"""``workbench rerun PROJECT.wbproj NEW.csv``: re-apply a saved project to a new file.

The saved recipe, roles and goal are replayed on the new file; drift against the training data
is said per column; every row is scored with the saved model (no refit); with labelled rows the
model's score is compared with its validation. ``--append`` adds the rows to the project's data;
``--refit`` fits the model again on the project's (new or appended) data before saving it with
``--project``. Nothing is written unless asked for, and nothing half-written is left behind.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from workbench.cli_json import write_json
from workbench.cli_values import add_load_options, check_sheet
from workbench.errors import WorkbenchError
from workbench.i18n import _
from workbench.jobs import JobContext


def scores_path(text: str) -> str:
    """``--scores``: a .csv or .xlsx file name (argparse refuses anything else, exit 2)."""
    if Path(text).suffix.lower() not in (".csv", ".xlsx"):
        raise argparse.ArgumentTypeError(
            _("“{value}” is not a file name ending in .csv or .xlsx.").format(value=text)
        )
    return text


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``rerun`` command's options."""
    p = sub.add_parser(
        "rerun",
        help=_("re-apply a saved project to a new file: drift, scores, model check"),
    )
    p.add_argument("project", help=_("the project file (.wbproj) to re-apply"))
    add_load_options(p, _("the new CSV, TSV, TXT or Excel file"))
    p.add_argument(
        "--append",
        action="store_true",
        help=_("add the new rows to the project's data (rows already there are not added again)"),
    )
    p.add_argument(
        "--scores",
        metavar="FILE",
        type=scores_path,
        help=_("write every new row with its prediction (.csv or .xlsx)"),
    )
    p.add_argument(
        "--refit",
        action="store_true",
        help=_(
            "fit the model again on the project's data (the new file, or with --append all rows)"
        ),
    )
    p.add_argument(
        "--project",
        dest="out_project",
        metavar="FILE",
        help=_("save the re-applied project (.wbproj)"),
    )
    p.add_argument(
        "--report", metavar="FILE", help=_("write the Excel report for managers (.xlsx)")
    )
    p.add_argument("--json", metavar="FILE", help=_("write the summary as JSON"))


def _check(args: argparse.Namespace) -> None:
    check_sheet(args)
    if args.refit and not args.out_project and not args.report:
        raise WorkbenchError(
            _("--refit fits a new model, but nothing would keep it."),
            _("Add --project OUT.wbproj (or --report R.xlsx) to keep the refitted model."),
        )
    if args.out_project and Path(args.out_project).resolve() == Path(args.project).resolve():
        raise WorkbenchError(
            _("--project would overwrite the project you re-apply ({name}).").format(
                name=Path(args.project).name
            ),
            _("Save the re-applied project under a new name."),
        )


def run_rerun(args: argparse.Namespace, ctx: JobContext) -> int:
    """Run the command; returns the exit code."""
    from workbench.rerun import refit_project, rerun_project, write_scores
    from workbench.rerun_record import record_rerun
    from workbench.store.project_file import open_project, save_project
    from workbench.tables.loader import load_table
    from workbench.tables.table import LoadOptions

    _check(args)
    project = open_project(args.project, ctx.sub(0.0, 0.1))
    kinds = project.table.options.column_kinds if project.table is not None else {}
    options = LoadOptions(sheet=args.sheet, header_row=args.header_row, column_kinds=dict(kinds))
    new = load_table(args.data, options, ctx.sub(0.1, 0.3))
    result = rerun_project(project, new, append=args.append, ctx=ctx.sub(0.3, 0.6))
    project.set_rerun(record_rerun(result))  # kept with --project; the report's "What changed"
    print(result.text_report())
    if args.scores:
        write_scores(result, args.scores)
        print(_("Wrote the scores {path}.").format(path=args.scores))
    if args.json:
        write_json(Path(args.json), result.summary())
    if not args.append and (args.out_project or args.refit):
        # the re-applied project reads the new file (recipe, goal and roles kept)
        project.set_table(result.conformed)
    refitted = None
    if args.refit:
        refitted = refit_project(project, ctx.sub(0.6, 0.95))
        print(_("Refitted the model on {rows} rows.").format(rows=f"{len(refitted.frame):,}"))
        print("  " + refitted.fit.verdict_message)
    if args.out_project:
        path = Path(args.out_project)
        project.name = project.name or path.stem
        save_project(project, path)
        if refitted is None:
            print(
                _(
                    "Saved the re-applied project {path}; its model is the saved one and shows "
                    "as out of date until you refit it (--refit)."
                ).format(path=path)
            )
        else:
            print(_("Saved the re-applied project {path}.").format(path=path))
    if args.report:
        from workbench.report.report_xlsx import write_report

        write_report(project, Path(args.report), ctx.sub(0.95, 1.0))
        print(_("Wrote the report {path}.").format(path=args.report))
    return 0
