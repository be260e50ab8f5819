"""Every sentence of actions, evidence and the experiment library (via ``_()`` / ``ngettext``).

The core returns structured findings (kinds, numbers, codes); this module turns them into
words, so tests assert on data and a Korean catalog can translate every sentence.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from workbench.i18n import _, ngettext
from workbench.numbers_format import format_number
from workbench.vocabulary import FocusKind, result_label, status_label

# -- numbers ----------------------------------------------------------------------------------


def num(value: Any) -> str:
    """A number as an engineer writes it: 17, 0.35, 1,250 (as on every other surface)."""
    return format_number(value)


# -- actions ----------------------------------------------------------------------------------


def bad_action_entry() -> str:
    return _("An action in the project's log is damaged: it has no title.")


def bad_action_entry_hint() -> str:
    return _("Open the backup copy of the project, or ask the sender for the file again.")


def bad_status(value: str) -> str:
    return _("“{value}” is not a status an action can have.").format(value=value)


def bad_outcome(value: str) -> str:
    return _("“{value}” is not an outcome an action can have.").format(value=value)


def unknown_word(value: str) -> str:
    return _("was: {value}").format(value=value)


def choices_hint(choices: Sequence[str]) -> str:
    return _("Use one of: {choices}.").format(choices=", ".join(choices))


def empty_title() -> str:
    return _("An action needs a title.")


def empty_title_hint() -> str:
    return _("Write in a few words what will be tried, e.g. “Lower the paste thickness”.")


def no_such_action(text: str, matches: int) -> str:
    if matches > 1:
        return _("More than one action starts with “{text}”.").format(text=text)
    return _("There is no action “{text}” in this project.").format(text=text)


def no_such_action_hint(ids: Sequence[str]) -> str:
    if not ids:
        return _("The project has no actions yet; add one with --add.")
    return _("Use the number or the id shown by “workbench actions PROJECT”.")


def usual_range(cond: Mapping[str, Any]) -> str:
    """Where the factor usually sits (the other rows' 10–90% range), or "" when unknown."""
    rest = cond.get("rest_range")
    if cond.get("kind") in ("in", "missing") or not rest:
        return ""
    return _("{low} to {high} (usual)").format(low=num(rest[0]), high=num(rest[1]))


def condition_target(cond: Mapping[str, Any]) -> str:
    """Where to set the factor, after the group's condition: "below 17", "S2 or S3"."""
    kind = cond.get("kind")
    if kind == "below":
        return _("below {value}").format(value=num(cond.get("high")))
    if kind == "above":
        return _("above {value}").format(value=num(cond.get("low")))
    if kind == "between":
        return _("between {low} and {high}").format(
            low=num(cond.get("low")), high=num(cond.get("high"))
        )
    if kind == "missing":
        return _("missing (check why it is not recorded)")
    levels = [str(v) for v in cond.get("levels") or []]
    if len(levels) <= 1:
        return "".join(levels)
    return _("{levels} or {last}").format(levels=", ".join(levels[:-1]), last=levels[-1])


def avoid_target(cond: Mapping[str, Any]) -> str:
    """Where to keep the factor when the group's rows are the ones to avoid: "17 or more"."""
    kind = cond.get("kind")
    if kind == "below":
        return _("{value} or more").format(value=num(cond.get("high")))
    if kind == "above":
        return _("{value} or less").format(value=num(cond.get("low")))
    if kind == "between":
        return _("outside {low} to {high}").format(
            low=num(cond.get("low")), high=num(cond.get("high"))
        )
    if kind == "missing":
        return _("always recorded (find out why it goes missing)")
    levels = [str(v) for v in cond.get("levels") or []]
    if len(levels) <= 1:
        return _("anything but {level}").format(level="".join(levels))
    return _("anything but {levels} or {last}").format(
        levels=", ".join(levels[:-1]), last=levels[-1]
    )


def change_text(change: Mapping[str, Any]) -> str:
    """One change in words: "paste_thickness: 17.5 to 19 (usual) → below 17"."""
    factor, old, new = change.get("factor", ""), change.get("from", ""), change.get("to", "")
    if old and new:
        return _("{factor}: {old} → {new}").format(factor=factor, old=old, new=new)
    if new:
        return _("{factor} → {new}").format(factor=factor, new=new)
    return str(factor)


def group_title(group_id: int, changes: Sequence[Mapping[str, Any]], *, avoid: bool = False) -> str:
    """A short title for an action made from a group (``avoid``: its rows are the bad ones)."""
    if not changes:
        return _("Look into group {id}").format(id=group_id)
    first = changes[0]
    if avoid:
        if len(changes) == 1:
            return _("Keep {factor} at {to} (group {id})").format(
                factor=first["factor"], to=first["to"], id=group_id
            )
        return ngettext(
            "Keep {factor} at {to} and {n} more setting (group {id})",
            "Keep {factor} at {to} and {n} more settings (group {id})",
            len(changes) - 1,
        ).format(factor=first["factor"], to=first["to"], n=len(changes) - 1, id=group_id)
    if len(changes) == 1:
        return _("Set {factor} {to} (group {id})").format(
            factor=first["factor"], to=first["to"], id=group_id
        )
    return ngettext(
        "Set {factor} {to} and {n} more setting (group {id})",
        "Set {factor} {to} and {n} more settings (group {id})",
        len(changes) - 1,
    ).format(factor=first["factor"], to=first["to"], n=len(changes) - 1, id=group_id)


def group_hypothesis(
    group: Mapping[str, Any],
    chosen: Sequence[Mapping[str, Any]],
    goal: Mapping[str, Any] | None,
    *,
    avoid: bool = False,
    effect: Any = None,
) -> str:
    """Why the action should work, honest that the data show an association only.

    ``effect`` is the claim measuring the action's conditions over all rows (out of fold); its
    numbers are the only ones stated — the group's own average is a selection of focus rows
    and says nothing about what the conditions bring. ``avoid``: the group's rows are the ones
    to have fewer of (a defect class, the worst rows), so the action keeps the factors away
    from the group's conditions."""
    target = (goal or {}).get("target") or _("the target")
    gid = group.get("id", 0)
    if not chosen:
        return _(
            "Group {id} found no factor the line can set; look for the reason behind its "
            "conditions before trying anything on the line."
        ).format(id=gid)
    clauses = [f"{c['column']} {condition_target(c)}" for c in chosen]
    setting = _join(clauses)
    direction = str((goal or {}).get("direction") or "")
    label = _class_label((goal or {}).get("focus"))
    observed = expected_effect_text(effect, setting, target) if effect is not None else ""
    if not observed:
        observed = _(
            "Rows of group {id} had {setting}; what that setting does over all rows was not "
            "measured."
        ).format(id=gid, setting=setting)
    if avoid:
        if direction == "class":
            aim = _("fewer {target} = {label} rows").format(target=target, label=label)
        elif direction == "minimize":  # the worst rows are the highest: keep away, go lower
            aim = _("lower {target}").format(target=target)
        else:
            aim = _("better {target}").format(target=target)
        plan = _(
            "Keeping these settings away from that on purpose should give {aim}; the data show "
            "an association only, so the trial decides."
        ).format(aim=aim)
    else:
        aim = (
            _("lower {target}").format(target=target)
            if direction == "minimize"
            else _("better {target}").format(target=target)
        )
        plan = _(
            "Setting this on purpose should give {aim}; the data show an association only, so "
            "the trial decides."
        ).format(aim=aim)
    return f"{observed} {plan}"


def expected_effect_text(effect: Any, setting: str, target: str) -> str:
    """The action's expected effect from its claim: the target over all rows with the setting
    against the other rows, the difference, its 95% interval and both counts ("" when too few
    rows back it)."""
    from workbench.claim_format import format_value
    from workbench.claims import Claim
    from workbench.steps.causes_wording import MIN_EFFECT_ROWS, scope_phrase

    claim = effect if isinstance(effect, Claim) else Claim.from_dict(effect)
    n, m = claim.n, claim.n_compare or 0
    if n < MIN_EFFECT_ROWS or m < MIN_EFFECT_ROWS:
        return ""
    rate = claim.label is not None
    side = "rate" if rate else "mean"
    lo, hi = claim.interval or (float("nan"), float("nan"))
    numbers = {
        "setting": setting,
        "target": target,
        "label": claim.label,
        "meets": format_value(side, claim.value + (claim.comparison or 0.0), claim.step),
        "rest": format_value(side, claim.comparison, claim.step),
        "diff": format_value("difference", claim.value, claim.step, rate=rate),
        "low": format_value("difference", lo, claim.step, rate=rate),
        "high": format_value("difference", hi, claim.step, rate=rate),
        "n": format_value("count", n),
        "m": format_value("count", m),
        "scope": scope_phrase(claim),
    }
    if rate:
        return _(
            "{scope}, {target} was {label} in {meets} of the rows with {setting} and in "
            "{rest} of the other rows: {diff} percentage points (95% interval {low} to "
            "{high}; {n} and {m} rows, each checked against conditions found without it)."
        ).format(**numbers)
    return _(
        "{scope}, those with {setting} had {target} {meets} on average against {rest} for "
        "the other rows: {diff} (95% interval {low} to {high}; {n} and {m} rows, each checked "
        "against conditions found without it)."
    ).format(**numbers)


def expected_effect_short(effect: Any) -> str:
    """The expected effect in a table cell or a detail line: "+1.66 where the conditions hold
    against the other rows (95% interval +1.63 to +1.69; 576 rows meet them, 9,424 do not)"."""
    from workbench.claim_format import format_value
    from workbench.claims import Claim

    if not effect:
        return ""
    claim = effect if isinstance(effect, Claim) else Claim.from_dict(effect)
    rate = claim.label is not None
    lo, hi = claim.interval or (float("nan"), float("nan"))
    numbers = {
        "diff": format_value("difference", claim.value, claim.step, rate=rate),
        "low": format_value("difference", lo, claim.step, rate=rate),
        "high": format_value("difference", hi, claim.step, rate=rate),
        "n": format_value("count", claim.n),
        "m": format_value("count", claim.n_compare or 0),
    }
    if rate:
        return _(
            "{diff} percentage points where the conditions hold against the other rows (95% "
            "interval {low} to {high}; {n} rows meet them, {m} do not)"
        ).format(**numbers)
    return _(
        "{diff} where the conditions hold against the other rows (95% interval {low} to "
        "{high}; {n} rows meet them, {m} do not)"
    ).format(**numbers)


def _class_label(focus: Any) -> str:
    """The class a class focus picks ("class:NG" -> "NG"); "" for any other focus."""
    from workbench.errors import WorkbenchError
    from workbench.steps.goal import parse_focus

    try:
        rule = parse_focus(str(focus or ""))
    except WorkbenchError:
        return ""
    return str(rule.value) if rule.kind == FocusKind.CLASS else ""


def _join(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return _("{first} and {last}").format(first=", ".join(items[:-1]), last=items[-1])


def action_line(index: int, action: Any) -> str:
    """One action in a list: "1. [a1b2c3d4] Set x below 17 (group 2) — planned, owner Kim"."""
    parts = [status_label(action.status)]
    if action.outcome is not None:
        parts.append(result_label(action.outcome))
    if action.owner:
        parts.append(_("owner {owner}").format(owner=action.owner))
    if action.planned_date:
        parts.append(_("planned for {date}").format(date=action.planned_date))
    return _("{n}. [{id}] {title} — {state}").format(
        n=index, id=action.id[:8], title=action.title, state=", ".join(parts)
    )


def action_details(action: Any, goal: Any = None) -> list[str]:
    """Indented detail lines under :func:`action_line` (``goal``: the project's goal, whose
    success criterion judges the action's evidence)."""
    lines = [_("   Change: {change}").format(change=change_text(c)) for c in action.changes]
    expected = expected_effect_short(getattr(action, "expected_effect", None))
    if expected:
        lines.append(_("   Expected from the data: {effect}").format(effect=expected))
    from workbench.steps.whatif_wording import predicted_short

    predicted = predicted_short(getattr(action, "predicted_effect", None))
    if predicted:
        lines.append(_("   Predicted by the what-if: {effect}").format(effect=predicted))
    if action.reason_not_tried:
        lines.append(_("   Why not tried: {reason}").format(reason=action.reason_not_tried))
    if action.evidence:
        from workbench.feedback.evidence import evidence_sentence

        text = evidence_sentence(action.evidence)
        if text:
            lines.append(_("   Evidence: {text}").format(text=text))
        from workbench.feedback.success_check import action_success_check

        check = action_success_check(action, goal)
        if check is not None:
            lines.append("   " + check.text)
    if action.redefine_goal:
        lines.append(
            _("   The goal should be redefined: {note}").format(note=action.redefine_note or "—")
        )
    return lines


def no_actions() -> str:
    return _("No actions yet. Add one with: workbench actions PROJECT --add --title “…”.")


def action_added(action: Any) -> str:
    return _("Added the action [{id}] {title}.").format(id=action.id[:8], title=action.title)


def action_logged(action: Any) -> str:
    return _("Logged “{outcome}” for [{id}] {title}.").format(
        outcome=result_label(action.result_kind), id=action.id[:8], title=action.title
    )


def no_group(n: int, available: int) -> str:
    if available == 0:
        return _("Group {n} does not exist: this project has no cause groups.").format(n=n)
    return ngettext(
        "Group {n} does not exist: this project has {k} cause group.",
        "Group {n} does not exist: this project has {k} cause groups.",
        available,
    ).format(n=n, k=available)


def no_group_hint() -> str:
    return _("Run the analysis first (workbench analyze … --project FILE), or pick a listed group.")


def title_needed_hint() -> str:
    return _("Give a title with --title, or start from a cause group with --from-group N.")


# -- library ----------------------------------------------------------------------------------


def tried_before(entry: Any) -> str:
    """ "Tried before: paste_thickness < 17 — no change, 2026-04, project Line 3"."""
    what = entry.change_summary or entry.title
    when = (entry.logged_at or "")[:7]
    text = _("Tried before: {what} — {outcome}, {when}, project {project}").format(
        what=what, outcome=result_label(entry.outcome), when=when or "—", project=entry.project
    )
    if entry.reason:
        text += " " + _("(reason: {reason})").format(reason=entry.reason)
    return text


def library_damaged(path: str, aside: str) -> str:
    return _(
        "The experiment library {path} was damaged and could not be read. It was set aside as "
        "{aside} and a new, empty library was started; your projects are not affected."
    ).format(path=path, aside=aside)


def library_damaged_hint() -> str:
    return _(
        "Import an exported copy (workbench library import FILE.json) to restore past entries, "
        "or send the damaged file to the Workbench team."
    )


def library_unreadable(path: str, reason: str) -> str:
    return _("The experiment library {path} could not be opened ({reason}).").format(
        path=path, reason=reason
    )


def library_unreadable_hint() -> str:
    return _(
        "Check that the folder exists and you may write to it; a library on a network folder "
        "needs the share to be connected."
    )


def library_busy() -> str:
    return _("The experiment library is busy: another window kept it locked for too long.")


def library_busy_hint() -> str:
    return _("Try again in a moment; nothing was written.")


def bad_import(name: str) -> str:
    return _("{name} is not an experiment library export.").format(name=name)


def bad_import_hint() -> str:
    return _("Choose a file written by “workbench library export” or the Library window.")


def exported(n: int, path: str) -> str:
    return ngettext(
        "Exported {n} library entry to {path}.", "Exported {n} library entries to {path}.", n
    ).format(n=n, path=path)


def library_entry_line(entry: Any) -> str:
    """One search hit."""
    return _("{when}  {outcome:<13}  {title} — project {project}").format(
        when=(entry.logged_at or "")[:10] or "—",
        outcome=result_label(entry.outcome),
        title=entry.title,
        project=entry.project or "—",
    )


def no_library_hits() -> str:
    return _("Nothing in the experiment library matches.")


def added_to_library(path: str) -> str:
    return _("Added to the experiment library ({path}).").format(path=path)
