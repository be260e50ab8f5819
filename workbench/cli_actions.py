"""Command line for actions and the experiment library (``workbench actions|library ...``).

``workbench actions PROJECT.wbproj`` lists the project's actions; ``--add`` creates one (by
hand or ``--from-group N``); ``--log ID --outcome ...`` records what happened, with optional
before/after evidence, saves the project atomically and adds the action to the library.
``workbench library search|export|import`` works on the library.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from workbench.cli_values import date_option
from workbench.errors import WorkbenchError
from workbench.feedback import actions_wording as words
from workbench.feedback.evidence import evidence_sentence
from workbench.i18n import _
from workbench.jobs import JobContext
from workbench.vocabulary import Result, Status

#: What ``--outcome`` accepts: every result the log knows (workbench.vocabulary.Result).
OUTCOME_CHOICES = tuple(str(r) for r in Result)


def add_parsers(sub: Any) -> None:
    """Add the ``actions`` and ``library`` sub-commands to the CLI's sub-parsers."""
    act = sub.add_parser("actions", help=_("list, add or log the actions of a project (.wbproj)"))
    act.add_argument("project", help=_("the project file"))
    act.add_argument("--add", action="store_true", help=_("add an action"))
    act.add_argument("--title", help=_("what will be tried, in a few words"))
    act.add_argument("--hypothesis", help=_("why it should work"))
    act.add_argument(
        "--from-group", type=int, metavar="N", help=_("pre-fill the action from cause group N")
    )
    act.add_argument("--owner", help=_("who runs the trial"))
    act.add_argument(
        "--date", dest="planned_date", type=date_option, help=_("planned date, e.g. 2026-05-04")
    )
    act.add_argument("--log", metavar="ID", help=_("log the outcome of action ID (number or id)"))
    act.add_argument("--outcome", choices=OUTCOME_CHOICES, help=_("what happened on the line"))
    act.add_argument("--reason", help=_("why it could not be tried (with not_tried)"))
    act.add_argument("--notes", help=_("notes to keep with the outcome"))
    act.add_argument("--before", metavar="FILE:COLUMN", help=_("before values from a data file"))
    act.add_argument("--after", metavar="FILE:COLUMN", help=_("after values from a data file"))
    act.add_argument("--before-values", metavar="NUMBERS", help=_('before values, e.g. "1.2; 3.4"'))
    act.add_argument("--after-values", metavar="NUMBERS", help=_('after values, e.g. "1.5; 3.9"'))
    act.add_argument(
        "--kind",
        choices=["auto", "mean", "proportion"],
        default="auto",
        help=_("compare averages or rates (default: rates for 0/1 values)"),
    )
    act.add_argument("--unit", default="", help=_("unit of the difference, e.g. %%p"))
    act.add_argument("--redefine-goal", metavar="NOTE", help=_("mark that the goal should change"))
    act.add_argument("--library", metavar="PATH", help=_("the experiment library file or folder"))

    lib = sub.add_parser("library", help=_("search, export or import the experiment library"))
    lib_sub = lib.add_subparsers(dest="library_command", required=True)
    search = lib_sub.add_parser("search", help=_("find past actions"))
    search.add_argument("text", nargs="?", default="", help=_("words to look for"))
    search.add_argument("--factor", help=_("only actions that changed this factor"))
    search.add_argument("--outcome", choices=OUTCOME_CHOICES, help=_("only this outcome"))
    search.add_argument(
        "--since", type=date_option, help=_("logged on or after this date, e.g. 2026-04")
    )
    search.add_argument("--until", type=date_option, help=_("logged up to this date, e.g. 2026-06"))
    exp = lib_sub.add_parser("export", help=_("write every entry to a JSON file"))
    exp.add_argument("file", help=_("the JSON file to write"))
    imp = lib_sub.add_parser("import", help=_("merge entries from a JSON export"))
    imp.add_argument("file", help=_("the JSON file to read"))
    for p in (search, exp, imp):
        p.add_argument("--library", metavar="PATH", help=_("the library file or folder"))


def _library(path: str | None) -> Any:
    from workbench.feedback.library import Library

    library = Library(path)
    if library.notice:
        print(library.notice)
    return library


def run_library(args: argparse.Namespace, ctx: JobContext) -> int:
    """``workbench library search|export|import``."""
    library = _library(args.library)
    if args.library_command == "export":
        print(words.exported(library.export_json(args.file), args.file))
    elif args.library_command == "import":
        print(library.import_json(args.file).text)
        return 0
    else:
        hits = library.search(
            args.text, factor=args.factor, outcome=args.outcome, since=args.since, until=args.until
        )
        if not hits:
            print(words.no_library_hits())
        for entry in hits:
            print(words.library_entry_line(entry))
            if entry.change_summary:
                print("   " + entry.change_summary)
            if entry.reason:
                print("   " + _("Reason: {reason}").format(reason=entry.reason))
            sentence = evidence_sentence(entry.evidence)
            if sentence:
                print("   " + sentence)
    if library.skipped_notice:  # said once, after the entries that could be read
        print(library.skipped_notice)
    return 0


def run_actions(args: argparse.Namespace, ctx: JobContext) -> int:
    """``workbench actions PROJECT [--add ... | --log ID ...]``."""
    from workbench.feedback.actions import actions_from_json
    from workbench.store.project_file import open_project, save_project

    path = Path(args.project)
    project = open_project(path, ctx.sub(0.0, 0.3), check_source_file=False)
    if args.add and args.log:
        raise WorkbenchError(_("Use either --add or --log, not both."), "")
    if args.add:
        action, factors = _add(project, args)
        save_project(project, path, ctx.sub(0.6, 0.9))
        print(words.action_added(action))  # said once it is true: the action is saved
        for change in action.changes:
            print("   " + words.change_text(change))
        if action.hypothesis:
            print("   " + action.hypothesis)
        if factors:  # the library is a help, looked at once the action is safely saved
            _warn_tried_before(factors, args.library)
        return 0
    if args.log:
        action = _log(project, args, ctx.sub(0.3, 0.6))
        save_project(project, path, ctx.sub(0.6, 0.9))
        _to_library(action, project, args.library)
        return 0
    actions = actions_from_json(project.actions)
    if not actions:
        print(words.no_actions())
    for i, a in enumerate(actions, start=1):
        print(words.action_line(i, a))
        for line in words.action_details(a, project.goal):
            print(line)
    return 0


def _add(project: Any, args: argparse.Namespace) -> tuple[Any, list[str]]:
    """The new action (added to ``project``) and the factors to look up in the library."""
    from workbench.feedback.actions import action_from_group, new_action
    from workbench.project import Section

    fields = {
        k: v
        for k, v in (
            ("owner", args.owner),
            ("planned_date", args.planned_date),
            ("hypothesis", args.hypothesis),
        )
        if v
    }
    group = None
    if args.from_group is not None:
        group = _group(project, args.from_group)
        action = action_from_group(group, project.goal, project.roles, title=args.title, **fields)
    elif args.title:
        action = new_action(args.title, **fields)
    else:
        raise WorkbenchError(words.empty_title(), words.title_needed_hint())
    project.actions = [*project.actions, action]
    project.touch(Section.ACTIONS)
    # the group's factors unless the action changes others (Action.factors falls back to them)
    factors = list(action.factors) if group is not None else []
    return action, factors


def _group(project: Any, number: int) -> Any:
    from workbench.project import Section

    result = project.result(Section.MODEL)
    causes = getattr(result, "causes", None)
    groups = list(getattr(causes, "groups", []) or [])
    for group in groups:
        if int(group.id) == number:
            return group
    raise WorkbenchError(words.no_group(number, len(groups)), words.no_group_hint())


def _warn_tried_before(factors: list[str], library_path: str | None) -> None:
    try:
        library = _library(library_path)
        hits = library.tried_before(factors)
    except WorkbenchError as exc:  # the library is a help, never a blocker
        print(exc.message)
        return
    for entry in hits:
        print("   " + entry.text)
    if library.skipped_notice:
        print("   " + library.skipped_notice)


def _sample(file_col: str | None, values: str | None, ctx: JobContext) -> Any:
    from workbench.feedback.evidence_samples import sample_from_file, sample_from_text

    if values:
        return sample_from_text(values)
    if file_col:
        file, sep, column = file_col.rpartition(":")
        if not sep or not file or not column:
            raise WorkbenchError(
                _("“{value}” is not FILE:COLUMN.").format(value=file_col),
                _("Write the data file, a colon and the column, e.g. trial.csv:efficiency."),
            )
        return sample_from_file(file, column, ctx)
    return None


def _log(project: Any, args: argparse.Namespace, ctx: JobContext) -> Any:
    from workbench.feedback.actions import actions_from_json, find_action, update_action
    from workbench.feedback.evidence import compare
    from workbench.feedback.success_check import action_success_check
    from workbench.project import Section

    if not args.outcome:
        raise WorkbenchError(
            _("Say what happened with --outcome."), words.choices_hint(OUTCOME_CHOICES)
        )
    actions = actions_from_json(project.actions)
    index = find_action(actions, args.log)
    changes: dict[str, Any] = {}
    if args.outcome == Result.NOT_TRIED:
        changes["status"] = Status.COULD_NOT_TRY
        if args.reason:
            changes["reason_not_tried"] = args.reason
    else:
        changes["outcome"] = args.outcome
    if args.notes:
        changes["notes"] = args.notes
    if args.redefine_goal:
        changes.update(redefine_goal=True, redefine_note=args.redefine_goal)
    before = _sample(args.before, args.before_values, ctx.sub(0.0, 0.5))
    after = _sample(args.after, args.after_values, ctx.sub(0.5, 1.0))
    if (before is None) != (after is None):
        raise WorkbenchError(
            _("Evidence needs both sides: before and after values."),
            _("Give --before (or --before-values) and --after (or --after-values)."),
        )
    if before is not None:
        evidence = compare(before, after, args.kind, unit=args.unit)
        changes.update(evidence=evidence.to_dict(), measured_effect=evidence.difference)
    action = update_action(actions[index], **changes)
    entries = list(project.actions)
    entries[index] = action
    project.actions = entries
    project.touch(Section.ACTIONS)
    print(words.action_logged(action))
    if before is not None:
        print("   " + evidence.text)
        print("   " + evidence.test_text)
        for warning in evidence.warning_texts:
            print("   ! " + warning)
        check = action_success_check(action, project.goal)
        if check is not None:
            print("   " + check.text)
    return action


def _to_library(action: Any, project: Any, library_path: str | None) -> None:
    try:
        library = _library(library_path)
        library.record(action, project)
    except WorkbenchError as exc:  # the project is saved; the library can be filled later
        print(exc.message)
        if exc.hint:
            print(exc.hint)
        return
    print(words.added_to_library(str(library.path)))
