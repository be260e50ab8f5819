"""``workbench whatif PROJECT.wbproj --factor belt_speed --value 2.3 [--group 1 | --row 17 |
--focus]``: the what-if of the Causes step, headless.

The saved model answers (no refit): the factor set to the value on the chosen rows (all rows by
default), every other factor at its observed value, with the band of 5 bootstrap refits and the
similar rows of the data, in the same sentences as the app. ``--json`` writes the claim;
``--add-action`` adds an action carrying the prediction to the project's log (saved in place).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from workbench.cli_json import write_json
from workbench.errors import WorkbenchError
from workbench.i18n import _
from workbench.jobs import JobContext


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """The ``whatif`` command's options."""
    p = sub.add_parser(
        "whatif", help=_("predict the target with a controllable factor set to a value")
    )
    p.add_argument("project", help=_("the project file (.wbproj) whose model answers"))
    p.add_argument("--factor", required=True, help=_("the controllable factor to set"))
    p.add_argument("--value", required=True, help=_("the value to set it to"))
    rows = p.add_mutually_exclusive_group()
    rows.add_argument("--group", type=int, help=_("only the rows of this cause group"))
    rows.add_argument("--row", type=int, help=_("only this row (its number in the data grid)"))
    rows.add_argument("--focus", action="store_true", help=_("only the focus rows"))
    p.add_argument("--json", metavar="FILE", help=_("write the prediction as JSON"))
    p.add_argument(
        "--add-action",
        action="store_true",
        help=_("add an action that tries this setting to the project's log (saved in place)"),
    )


def _rows(args: argparse.Namespace, result: Any) -> tuple[Any, Any]:
    from workbench.claim_rows import Selection

    if args.group is not None:
        groups = [] if result.causes is None else [g.id for g in result.causes.groups]
        if args.group not in groups:
            raise WorkbenchError(
                _("There is no cause group {id} in this project.").format(id=args.group),
                _("The groups are: {ids}.").format(ids=", ".join(map(str, groups)) or "—"),
            )
        return Selection(base="group", group=args.group), None
    if args.focus:
        goal = result.goal
        return Selection(base="focus", focus=str(goal.focus), target=goal.target), None
    return Selection(), None if args.row is None else args.row - 1  # the grid counts from 1


def run_whatif(args: argparse.Namespace, ctx: JobContext) -> int:
    """Run the command; returns the exit code."""
    from workbench.project import Section
    from workbench.steps import whatif_wording as words
    from workbench.steps.whatif import controllable_factors, evaluate_setting
    from workbench.steps.whatif_band import fit_band_models
    from workbench.store.project_file import open_project, save_project

    path = Path(args.project)
    project = open_project(path, ctx.sub(0.0, 0.3), check_source_file=False)
    result = project.result(Section.MODEL)
    if result is None:
        raise WorkbenchError(
            _("This project has no model yet, so it cannot answer a what-if."),
            _("Run the analysis first (workbench analyze … --project FILE)."),
        )
    factors = controllable_factors(result.fit, result.roles)
    if args.factor not in factors:
        raise WorkbenchError(
            _("“{column}” is not a controllable factor of this model.").format(column=args.factor),
            _("The controllable factors are: {columns}.").format(columns=", ".join(factors) or "—")
            + " "
            + words.no_controllable_hint(),
        )
    value: float | str = args.value
    if args.factor not in result.fit.features.categorical:
        try:
            value = float(str(args.value).replace(",", ""))
        except ValueError:
            raise WorkbenchError(
                _("“{value}” is not a number, and {column} holds numbers.").format(
                    value=args.value, column=args.factor
                ),
                _("Give the value as a plain number, e.g. 2.3."),
            ) from None
    rows, row = _rows(args, result)
    band = fit_band_models(result.fit, ctx.sub(0.3, 0.9))
    labels = None if result.causes is None else result.causes.labels
    claim = evaluate_setting(
        result.fit, result.frame, args.factor, value, rows, row=row, groups=labels, band=band
    )
    lines = [words.setting_sentence(claim), words.similar_sentence(claim)]
    lines += [words.band_sentence(claim), *words.warnings(claim), words.caveat()]
    print("\n".join(lines))
    if args.json:
        write_json(Path(args.json), {"schema": 1, "whatif": claim.to_dict(), "text": lines})
    if args.add_action:
        from workbench.feedback import actions_wording
        from workbench.feedback.whatif_action import action_from_whatif

        group = None
        if claim.group is not None and result.causes is not None:
            group = next(g for g in result.causes.groups if g.id == claim.group)
        action = action_from_whatif(claim, goal=project.goal, group=group)
        project.actions = [*project.actions, action]
        save_project(project, path, ctx.sub(0.9, 1.0))
        print(actions_wording.action_added(action))  # said once it is true: the action is saved
    return 0
