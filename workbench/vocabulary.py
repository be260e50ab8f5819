"""One word per concept: the values the project stores and the labels every surface shows.

Action statuses and results, column roles, whether a factor can be set on the line, and the
kinds of focus rule are declared here once, each with its label. The GUI, the command line,
the Excel report and the Korean catalog all take their words from this module, so a status is
never "running" in one place and "in progress" in another, and a new value cannot be added to
one surface only. The values (``"could_not_try"``, ``"controllable"``) are what project files
store: renaming one needs a migration in :mod:`workbench.store.migrations`.

The labels are marked with ``N_`` and translated when asked for (the language can change while
the app runs).
"""

from __future__ import annotations

from enum import StrEnum

from workbench.i18n import N_, _

__all__ = [
    "ColumnRole",
    "Controllability",
    "FocusKind",
    "Outcome",
    "Result",
    "Status",
    "SuccessVerdict",
    "controllability_label",
    "result_label",
    "role_label",
    "status_label",
    "target_label",
    "verdict_label",
]


class Status(StrEnum):
    """Where an action stands."""

    PLANNED = "planned"
    RUNNING = "running"
    DONE = "done"
    COULD_NOT_TRY = "could_not_try"


class Outcome(StrEnum):
    """What the line saw, as the engineer judges it (the evidence sits beside it)."""

    IMPROVED = "improved"
    NO_CHANGE = "no_change"
    WORSE = "worse"
    INCONCLUSIVE = "inconclusive"


class Result(StrEnum):
    """What the action log says came of an action: its outcome, or that it could not be tried.

    This is the word the library, the report's colors and ``workbench action --outcome`` use;
    an action with no result yet has none (``None``).
    """

    IMPROVED = "improved"
    NO_CHANGE = "no_change"
    WORSE = "worse"
    INCONCLUSIVE = "inconclusive"
    NOT_TRIED = "not_tried"

    @classmethod
    def of(cls, status: Status, outcome: Outcome | None) -> Result | None:
        """The result of an action with this status and outcome (None: nothing logged yet)."""
        if status == Status.COULD_NOT_TRY:
            return cls.NOT_TRIED
        return None if outcome is None else cls(str(outcome))


#: Results worth a warning when a new analysis points at the same factors again.
NOT_IMPROVED = frozenset({Result.NO_CHANGE, Result.WORSE, Result.INCONCLUSIVE, Result.NOT_TRIED})


class SuccessVerdict(StrEnum):
    """An action's evidence against the goal's success criterion (feedback.success_check)."""

    MET = "met"  # the whole interval is at or beyond the criterion
    NOT_MET = "not_met"  # the whole interval falls short of it
    UNCLEAR = "unclear"  # the interval straddles it


class ColumnRole(StrEnum):
    """What a column is to the analysis. Saved with the project."""

    FEATURE = "feature"  # in the model; whether it can be changed on the line is unknown
    CONTROLLABLE = "controllable"  # in the model; the line can set it
    UNCONTROLLABLE = "uncontrollable"  # in the model; given (weather, supplier lot, ...)
    ID = "id"  # identifies a row; never in the model
    TIME = "time"  # when the row happened; orders the validation, never in the model raw
    EXCLUDED = "excluded"  # kept out of the model


class Controllability(StrEnum):
    """Whether the line can set a factor: what its role says, for the cause groups and actions.

    The first two values are the roles' own words, so a stored condition's ``controllable``
    field reads the same as the role it came from.
    """

    CONTROLLABLE = "controllable"
    UNCONTROLLABLE = "uncontrollable"
    UNKNOWN = "unknown"  # a plain feature, or a column without a role

    @classmethod
    def of_role(cls, role: ColumnRole | str | None) -> Controllability:
        """The controllability a role implies (any other role or word: unknown)."""
        if role == ColumnRole.CONTROLLABLE:
            return cls.CONTROLLABLE
        if role == ColumnRole.UNCONTROLLABLE:
            return cls.UNCONTROLLABLE
        return cls.UNKNOWN

    @classmethod
    def parse(cls, word: object) -> Controllability:
        """A stored word read back (an unknown or missing word: unknown)."""
        try:
            return cls(str(word))
        except ValueError:
            return cls.UNKNOWN


class FocusKind(StrEnum):
    """Which rows a focus rule picks: the top or bottom share of the target, or one class."""

    TOP = "top"
    BOTTOM = "bottom"
    CLASS = "class"


_STATUS_LABELS = {
    Status.PLANNED: N_("planned"),
    Status.RUNNING: N_("in progress"),
    Status.DONE: N_("done"),
    Status.COULD_NOT_TRY: N_("could not try"),
}
_RESULT_LABELS = {
    Result.IMPROVED: N_("improved"),
    Result.NO_CHANGE: N_("no change"),
    Result.WORSE: N_("worse"),
    Result.INCONCLUSIVE: N_("inconclusive"),
    Result.NOT_TRIED: N_("could not try"),
}
_NO_RESULT = N_("no outcome yet")
_STATUS_VALUES = frozenset(str(s) for s in Status)
_RESULT_VALUES = frozenset(str(r) for r in Result)
_VERDICT_LABELS = {
    SuccessVerdict.MET: N_("criterion met"),
    SuccessVerdict.NOT_MET: N_("criterion not met"),
    SuccessVerdict.UNCLEAR: N_("criterion unclear"),
}
_ROLE_LABELS = {
    ColumnRole.FEATURE: N_("Feature (in the model)"),
    ColumnRole.CONTROLLABLE: N_("Controllable setting"),
    ColumnRole.UNCONTROLLABLE: N_("Uncontrollable condition"),
    ColumnRole.ID: N_("ID (kept out)"),
    ColumnRole.TIME: N_("Time (orders the validation)"),
    ColumnRole.EXCLUDED: N_("Excluded"),
}
_TARGET_LABEL = N_("Target (the goal)")
_CONTROLLABILITY_LABELS = {
    Controllability.CONTROLLABLE: N_("yes"),
    Controllability.UNCONTROLLABLE: N_("no"),
    Controllability.UNKNOWN: N_("not set yet"),
}


def status_label(status: Status | str) -> str:
    """The status in words: "planned", "in progress", "done", "could not try".

    A word this version does not know (a file from a newer Workbench) is shown as it is.
    """
    if str(status) not in _STATUS_VALUES:
        return str(status)
    return _(_STATUS_LABELS[Status(str(status))])


def result_label(result: Result | Outcome | str | None) -> str:
    """The result in words ("improved", "could not try"); None: "no outcome yet".

    A word this version does not know (a library from a newer Workbench) is shown as it is.
    """
    if result is None:
        return _(_NO_RESULT)
    if str(result) not in _RESULT_VALUES:
        return str(result)
    return _(_RESULT_LABELS[Result(str(result))])


def verdict_label(verdict: SuccessVerdict) -> str:
    """The success verdict in a table cell's words: "criterion met"."""
    return _(_VERDICT_LABELS[SuccessVerdict(verdict)])


def role_label(role: ColumnRole) -> str:
    """The role in words, as the role picker and the report's data dictionary say it."""
    return _(_ROLE_LABELS[ColumnRole(role)])


def target_label() -> str:
    """The goal's own column, which has no role of its own, in the same list as the roles."""
    return _(_TARGET_LABEL)


def controllability_label(kind: Controllability | str) -> str:
    """Can the line set it? "yes", "no", "not set yet" (a stored word is read leniently)."""
    return _(_CONTROLLABILITY_LABELS[Controllability.parse(kind)])
