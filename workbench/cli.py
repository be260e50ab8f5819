"""Command line: ``workbench`` opens the app; ``workbench profile|analyze ...`` run headless."""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench import __version__
from workbench.cli_json import write_json
from workbench.cli_sample import add_sample_options
from workbench.cli_text import file_rows
from workbench.cli_values import add_load_options, check_sheet, group_size
from workbench.errors import WorkbenchError
from workbench.i18n import _
from workbench.jobs import Cancelled, JobContext
from workbench.steps.pii_wording import mask_option

if TYPE_CHECKING:
    from workbench.project import Project

COMMANDS = (
    "profile",
    "analyze",
    "info",
    "report",
    "rerun",
    "actions",
    "library",
    "whatif",
    "predict",
)
EXIT_USER_ERROR = 2
EXIT_INTERNAL_ERROR = 3
EXIT_CANCELLED = 130
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: what a Unix tool exits with when its reader went away


def _split_list(text: str | None) -> list[str]:
    return [c.strip() for c in text.split(",") if c.strip()] if text else []


def build_parser() -> argparse.ArgumentParser:
    """The parser of the headless commands."""
    parser = argparse.ArgumentParser(
        prog="workbench",
        description=_("Workbench: from plant data to tested improvements."),
    )
    parser.add_argument("--version", action="version", version=f"workbench {__version__}")
    parser.add_argument(
        "--lang",
        choices=["ko", "en"],
        help=_("language of the messages (default: WORKBENCH_LANG, else the system's language)"),
    )
    sub = parser.add_subparsers(dest="command", required=True)

    prof = sub.add_parser("profile", help=_("check a data file's quality and print a summary"))
    add_load_options(prof)
    prof.add_argument("--target", help=_("the column you want to improve (enables target checks)"))
    prof.add_argument("--time", help=_("the column that holds the time of each row"))
    prof.add_argument("--json", metavar="FILE", help=_("also write the profile and alerts as JSON"))

    ana = sub.add_parser("analyze", help=_("fit a model, explain it and find cause groups"))
    add_load_options(ana)
    ana.add_argument("--target", required=True, help=_("the column you want to improve"))
    ana.add_argument("--goal", choices=["maximize", "minimize"], default=None)
    ana.add_argument(
        "--focus", default=None, help=_("focus rows: top:5%%, bottom:10%% or class:NG")
    )
    ana.add_argument("--id", dest="id_columns", help=_("ID columns, comma separated"))
    ana.add_argument("--time", help=_("the column that holds the time of each row"))
    ana.add_argument("--exclude", help=_("columns to leave out, comma separated"))
    ana.add_argument("--controllable", help=_("columns you can change, comma separated"))
    ana.add_argument("--uncontrollable", help=_("columns you cannot change, comma separated"))
    ana.add_argument(
        "--min-group-size", type=group_size, help=_("smallest cause group (default: automatic)")
    )
    ana.add_argument("--json", metavar="FILE", help=_("write the summary as JSON"))
    ana.add_argument("--clusters", metavar="FILE", help=_("write each focus row's group as CSV"))
    ana.add_argument(
        "--project", metavar="FILE", help=_("save the analysis as a project file (.wbproj)")
    )
    ana.add_argument(
        "--report", metavar="FILE", help=_("write the Excel report for managers (.xlsx)")
    )
    ana.add_argument("--mask-personal", action="store_true", help=mask_option())
    add_sample_options(ana)  # files larger than memory (workbench.big_analysis)
    from workbench.compute.command import add_dask_option

    add_dask_option(ana)

    info = sub.add_parser("info", help=_("print what a project file (.wbproj) holds"))
    info.add_argument("project", help=_("the project file to describe"))

    rep = sub.add_parser("report", help=_("write the Excel report of a saved project (.wbproj)"))
    rep.add_argument("project", help=_("the project file to report on"))
    rep.add_argument(
        "--report", metavar="FILE", required=True, help=_("the Excel file to write (.xlsx)")
    )
    from workbench.cli_actions import add_parsers as add_action_parsers
    from workbench.cli_rerun import add_parser as add_rerun_parser

    add_rerun_parser(sub)
    from workbench.cli_predict import add_parser as add_predict_parser

    add_predict_parser(sub)

    add_action_parsers(sub)  # actions, library
    from workbench.cli_whatif import add_parser as add_whatif_parser

    add_whatif_parser(sub)
    return parser


class _ConsoleProgress:
    """Progress on stderr, one line rewritten in place, only on a terminal."""

    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty()
        self._last = -1

    def __call__(self, fraction: float, message: str) -> None:
        pct = int(fraction * 100)
        if self.enabled and pct != self._last:
            self._last = pct
            sys.stderr.write(f"\r{pct:3d}% {message[:70]:<70}")
            sys.stderr.flush()

    def done(self) -> None:
        if self.enabled and self._last >= 0:
            sys.stderr.write("\r" + " " * 76 + "\r")


def _run_profile(args: argparse.Namespace, ctx: JobContext) -> int:
    from workbench.cli_sample import load_for_profile, profile_quality
    from workbench.cli_text import format_profile
    from workbench.tables.table import LoadOptions

    check_sheet(args)
    options = LoadOptions(sheet=args.sheet, header_row=args.header_row)
    table = load_for_profile(args.data, options, ctx.sub(0.0, 0.6))  # larger than memory too
    for name in (args.target, args.time):
        if name and name not in table.frame.columns:
            raise WorkbenchError(
                _("There is no column called “{name}” in {file}.").format(
                    name=name, file=Path(args.data).name
                ),
                _("Check the spelling; the columns are: {columns}.").format(
                    columns=", ".join(map(str, table.frame.columns))
                ),
            )
    report = profile_quality(table, args.target, args.time, ctx.sub(0.6, 1.0))
    print(format_profile(table, report))
    if args.json:
        from workbench.steps.pii import note_message, personal_columns

        personal = personal_columns(report.alerts)
        notes = [dict(n.to_dict(), message=note_message(n, personal)) for n in table.notes]
        for note in notes:  # the examples were masked in the message; not kept raw beside it
            if note["column"] in personal:
                note["details"].pop("examples", None)
                note.pop("say", None)
        write_json(
            args.json,
            {
                "schema": 1,
                "data": _data_summary(table),
                "load_notes": notes,
                "quality": report.to_dict(),
                "masked_columns": personal,
            },
        )
    return 0


def _data_summary(table: Any) -> dict[str, Any]:
    return {
        "path": table.source.path,
        "format": table.source.format,
        "sha256": table.source.sha256,
        "rows": file_rows(table),
        "columns": table.n_columns,
        "options": table.options.to_dict(),
        "kinds": {str(k): str(v) for k, v in table.kinds.items()},
    }


def _run_analyze(args: argparse.Namespace, ctx: JobContext) -> int:
    """The options become a Project; the pipeline the GUI runs analyses it (and stores the
    cleaned table's quality report and the analysis on it, as the GUI's model run does). A file
    larger than memory goes the sampled path, which runs the same pipeline on a stated sample."""
    from workbench.analysis import write_cluster_rows

    check_sheet(args)
    project, result = (
        _analyze_on_cluster(args, ctx)
        or _analyze_sampled(args, ctx)
        or _analyze_in_memory(args, ctx)
    )
    print(result.text_report())
    if args.json:
        write_json(args.json, result.summary())
    if args.clusters:
        write_cluster_rows(result, Path(args.clusters))
    if args.project:
        from workbench.store.project_file import save_project

        path = Path(args.project)
        if args.mask_personal:
            from workbench.steps import pii_wording
            from workbench.steps.pii_copy import masked_project

            project, masked = masked_project(project)
            print(pii_wording.saved_masked(masked) if masked else pii_wording.nothing_to_mask())
        save_project(project, path)
        print(_("Saved the analysis as the project {path}.").format(path=path))
    if args.report:
        from workbench.report.report_xlsx import write_report

        write_report(result, Path(args.report))
        print(_("Wrote the report {path}.").format(path=args.report))
    return 0


def _role_options(args: argparse.Namespace) -> dict[str, Any]:
    """The analyze command's goal and role options, as the analysis takes them."""
    return {
        "goal": args.goal,
        "focus": args.focus,
        "id_columns": _split_list(args.id_columns),
        "time": args.time,
        "exclude": _split_list(args.exclude),
        "controllable": _split_list(args.controllable),
        "uncontrollable": _split_list(args.uncontrollable),
    }


def _project_name(args: argparse.Namespace) -> str:
    """The name a saved project gets: its file's stem (none when it is not saved)."""
    return Path(args.project).stem if args.project else ""


def _analyze_in_memory(args: argparse.Namespace, ctx: JobContext) -> tuple[Project, Any]:
    from workbench.analysis import add_load_time, project_from_options
    from workbench.pipeline import analyze_project

    started = time.perf_counter()
    project = project_from_options(
        args.data,
        target=args.target,
        sheet=args.sheet,
        header_row=args.header_row,
        name=_project_name(args),
        ctx=ctx.sub(0.0, 0.15),
        **_role_options(args),
    )
    prepared = time.perf_counter() - started
    result = analyze_project(project, ctx.sub(0.15, 1.0), min_group_size=args.min_group_size)
    add_load_time(result, prepared)
    return project, result


def _analyze_on_cluster(args: argparse.Namespace, ctx: JobContext) -> tuple[Project, Any] | None:
    """``--dask``: the same analysis with the heavy parts on a Dask cluster (None: not asked)."""
    if not args.dask:
        return None
    from workbench.compute.command import analyze_on_cluster
    from workbench.pipeline import project_from_analysis

    result = analyze_on_cluster(
        args,
        ctx,
        target=args.target,
        min_group_size=args.min_group_size,
        **_role_options(args),
    )
    return project_from_analysis(result, name=_project_name(args)), result


def _analyze_sampled(args: argparse.Namespace, ctx: JobContext) -> tuple[Project, Any] | None:
    """A file larger than memory: every row checked, a stated sample trained on (None: the
    file fits, analyse it whole)."""
    from workbench.big_analysis import analyze_file, plan_for_file
    from workbench.cli_sample import sample_choice, tell
    from workbench.pipeline import project_from_analysis
    from workbench.tables.table import LoadOptions

    options = LoadOptions(sheet=args.sheet, header_row=args.header_row)
    planned = plan_for_file(args.data, sample_choice(args), options)
    if planned is None:
        return None
    result = analyze_file(
        args.data,
        choice=sample_choice(args),
        planned=planned,
        notify=tell,
        target=args.target,
        sheet=args.sheet,
        header_row=args.header_row,
        min_group_size=args.min_group_size,
        ctx=ctx,
        **_role_options(args),
    )
    return project_from_analysis(result, name=_project_name(args)), result


def _run_report(args: argparse.Namespace, ctx: JobContext) -> int:
    from workbench.report.report_xlsx import write_report
    from workbench.store.project_file import open_project

    project = open_project(args.project, ctx.sub(0.0, 0.5))
    write_report(project, Path(args.report), ctx.sub(0.5, 1.0))
    print(_("Wrote the report {path}.").format(path=args.report))
    return 0


def _run_info(args: argparse.Namespace, ctx: JobContext) -> int:
    from workbench.store.project_info import describe_project

    print("\n".join(describe_project(args.project)))
    return 0


def _run_rerun(args: argparse.Namespace, ctx: JobContext) -> int:
    from workbench.cli_rerun import run_rerun

    return run_rerun(args, ctx)


def _run_predict(args: argparse.Namespace, ctx: JobContext) -> int:
    from workbench.cli_predict import run_predict

    return run_predict(args, ctx)


def _run_actions(args: argparse.Namespace, ctx: JobContext) -> int:
    from workbench.cli_actions import run_actions

    return run_actions(args, ctx)


def _run_library(args: argparse.Namespace, ctx: JobContext) -> int:
    from workbench.cli_actions import run_library

    return run_library(args, ctx)


def _run_whatif(args: argparse.Namespace, ctx: JobContext) -> int:
    from workbench.cli_whatif import run_whatif

    return run_whatif(args, ctx)


def run_command(argv: Sequence[str]) -> int:
    """Run a headless command; returns the process exit code (never raises)."""
    args = build_parser().parse_args(list(argv))
    progress = _ConsoleProgress()
    ctx = JobContext(progress)
    try:
        runner = {
            "profile": _run_profile,
            "analyze": _run_analyze,
            "info": _run_info,
            "report": _run_report,
            "rerun": _run_rerun,
            "actions": _run_actions,
            "library": _run_library,
            "whatif": _run_whatif,
            "predict": _run_predict,
        }[args.command]
        code = runner(args, ctx)
        sys.stdout.flush()  # the last lines may still be buffered: a closed pipe shows here
        return code
    except WorkbenchError as exc:
        progress.done()
        print(_("Error: {message}").format(message=exc.message), file=sys.stderr)
        if exc.hint:
            print(exc.hint, file=sys.stderr)
        return EXIT_USER_ERROR
    except (Cancelled, KeyboardInterrupt):
        progress.done()
        print(_("Stopped: nothing was written."), file=sys.stderr)
        return EXIT_CANCELLED
    except BrokenPipeError:  # ``workbench profile big.csv | head -1``: the reader had enough
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except Exception:  # last line of defence: a plain message, details in a log
        progress.done()
        log = _write_crash_log()
        print(
            _("Workbench hit an unexpected problem and stopped. Nothing was changed.")
            + " "
            + _("Details were saved to {log}; please send that file to the Workbench team.").format(
                log=log
            ),
            file=sys.stderr,
        )
        return EXIT_INTERNAL_ERROR
    finally:
        progress.done()


def _silence_stdout() -> None:
    """Point stdout at the null device, so the interpreter's final flush does not complain
    about the closed pipe on stderr ("Exception ignored ... BrokenPipeError")."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # no real file descriptor (tests): nothing to do
        pass


def _write_crash_log() -> Path:
    from workbench.paths import user_log_dir

    log = user_log_dir() / "crash.log"
    with log.open("a", encoding="utf-8") as fh:
        fh.write(traceback.format_exc())
        fh.write("\n")
    return log


def _apply_language(argv: list[str]) -> list[str]:
    """Take ``--lang ko|en`` out of ``argv`` and switch the catalog before any output.

    Without ``--lang`` the language follows WORKBENCH_LANG, else the system. A given ``--lang``
    is also put in WORKBENCH_LANG so the desktop app started from here follows it.
    """
    import os

    from workbench.i18n import ENV_VAR, set_language, translate_argparse

    rest: list[str] = []
    choice: str | None = None
    args = iter(argv)
    for arg in args:
        if arg == "--lang":
            choice = next(args, "")
        elif arg.startswith("--lang="):
            choice = arg.split("=", 1)[1]
        else:
            rest.append(arg)
    if choice:
        os.environ[ENV_VAR] = choice
    set_language(choice)
    translate_argparse()
    return rest


def prepare(argv: Sequence[str] | None = None) -> list[str]:
    """Make the console safe for Hangul and switch the language; returns argv without --lang."""
    argv = list(sys.argv[1:] if argv is None else argv)
    for stream in (sys.stdout, sys.stderr):
        # Windows consoles default to a legacy code page; Hangul must not crash printing.
        if stream is not None and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    return _apply_language(argv)


def is_command(argv: Sequence[str]) -> bool:
    """True when ``argv`` asks for a command (or help/version) rather than the desktop app."""
    return bool(argv) and (argv[0] in COMMANDS or argv[0] in ("-h", "--help", "--version"))


def main(argv: Sequence[str] | None = None) -> int:
    """The command line: ``workbench-cli analyze …``; the ``workbench`` command is
    :func:`ui.entry.main`, which starts the desktop app when no command is given."""
    argv = prepare(argv)
    return run_command(argv if argv else ["--help"])


if __name__ == "__main__":
    sys.exit(main())
