"""The Project: the one source of truth that the GUI and the CLI both drive.

It holds what the user decided (data source and load options, cleaning recipe, goal, column
roles, model settings, actions) and what was computed from it (quality report, fitted model,
explanation, cause groups). Each computed result remembers the revision of the inputs it was
computed from, so changing an early step marks later results as out of date instead of
silently keeping them. Listeners (panes) subscribe to change events; no Qt here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import pandas as pd

from workbench.rerun_record import RerunRecord
from workbench.steps.goal import Goal
from workbench.steps.model_settings import ModelSettings
from workbench.steps.recipe import Recipe, RecipeCache
from workbench.tables.table import ColumnKind, LoadedTable
from workbench.vocabulary import ColumnRole

if TYPE_CHECKING:  # only annotates the action log; loading a project does not need it
    from workbench.feedback.actions import Action

Listener = Callable[["Section"], None]


class Section(StrEnum):
    """The parts of a project, in the order of the loop. Results depend on earlier inputs."""

    DATA = "data"
    RECIPE = "recipe"
    GOAL = "goal"
    ROLES = "roles"
    SETTINGS = "settings"
    QUALITY = "quality"  # result
    MODEL = "model"  # result: fit + explanation + cause groups of one analysis run
    ACTIONS = "actions"
    META = "meta"  # name, notes


#: The inputs each result is computed from.
RESULT_INPUTS: dict[Section, tuple[Section, ...]] = {
    Section.QUALITY: (Section.DATA, Section.RECIPE, Section.GOAL),
    Section.MODEL: (Section.DATA, Section.RECIPE, Section.GOAL, Section.ROLES, Section.SETTINGS),
}


def _only_success_differs(old: Goal | None, new: Goal | None) -> bool:
    """True when two goals differ in nothing but ``success``."""
    if old is None or new is None or old == new:
        return False
    return dataclasses.replace(old, success=None) == dataclasses.replace(new, success=None)


@dataclass
class Stamped:
    """A computed result and the input revisions it was computed from."""

    value: Any
    inputs: dict[str, int]


@dataclass
class Project:
    """Everything about one analysis, saved as one ``.wbproj`` file."""

    name: str = ""
    table: LoadedTable | None = None  # the loaded source snapshot (before the recipe)
    recipe: Recipe | None = None  # the cleaning steps replayed on ``table``
    goal: Goal | None = None
    roles: dict[str, ColumnRole] = field(default_factory=dict)  # the user's explicit roles
    settings: ModelSettings = field(default_factory=ModelSettings)  # defaults until changed
    # The action log: Actions made in this session; entries read from a file stay plain dicts
    # until a pane or command reads them (actions_from_json), so one damaged entry never
    # stops a project from opening.
    actions: list[Action | dict[str, Any]] = field(default_factory=list)
    notes: str = ""
    _results: dict[Section, Stamped] = field(default_factory=dict, repr=False)
    _revisions: dict[Section, int] = field(default_factory=dict, repr=False)
    _listeners: list[Listener] = field(default_factory=list, repr=False)
    dirty: bool = False
    source_check: Any = None  # set by open_project: is the data file unchanged since saving?
    # The cleaned table is derived (the recipe replayed on ``table``); this keeps the replay's
    # slow steps so the panes and the model run do not redo them. Never saved.
    recipe_cache: RecipeCache = field(default_factory=RecipeCache, repr=False, compare=False)
    rerun: RerunRecord | None = None  # the last re-application to new data

    # -- events ---------------------------------------------------------------------------
    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(section)`` after every change; returns an unsubscribe function."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def touch(self, section: Section) -> None:
        """Record that ``section`` changed: bump its revision, mark unsaved, notify."""
        self._revisions[section] = self._revisions.get(section, 0) + 1
        self.dirty = True
        for listener in list(self._listeners):
            listener(section)

    def revision(self, section: Section) -> int:
        return self._revisions.get(section, 0)

    # -- inputs ---------------------------------------------------------------------------
    def set_table(self, table: LoadedTable) -> None:
        self.table = table
        self.touch(Section.DATA)

    def set_recipe(self, recipe: Recipe | None) -> None:
        self.recipe = recipe
        self.touch(Section.RECIPE)

    def set_goal(self, goal: Goal | None) -> None:
        """Set the goal. A change of the success criterion alone touches ``ACTIONS``, not
        ``GOAL``: the criterion judges the logged actions, and no result is computed from it,
        so the model stays current. (No new section: older Workbench versions would refuse a
        file whose revisions name a section they do not know.)"""
        old, self.goal = self.goal, goal
        self.touch(Section.ACTIONS if _only_success_differs(old, goal) else Section.GOAL)

    def set_role(self, column: str, role: ColumnRole | str | None) -> None:
        """Set (or with ``None`` clear) the user's role for ``column``."""
        if role is None:
            self.roles.pop(column, None)
        else:
            self.roles[column] = ColumnRole(role)
        self.touch(Section.ROLES)

    def set_settings(self, settings: ModelSettings | None) -> None:
        self.settings = settings if settings is not None else ModelSettings()
        self.touch(Section.SETTINGS)

    def set_rerun(self, record: RerunRecord | None) -> None:
        """Keep what the last re-application to new data found. No result is computed from
        it, so it touches ``META`` (saved, nothing marked out of date)."""
        self.rerun = record
        self.touch(Section.META)

    # -- results --------------------------------------------------------------------------
    def _input_stamp(self, result: Section) -> dict[str, int]:
        return {str(s): self.revision(s) for s in RESULT_INPUTS[result]}

    def set_result(
        self, section: Section, value: Any, inputs: dict[str, int] | None = None
    ) -> None:
        """Store a computed result, stamped with the input revisions it was computed from.

        Pass ``inputs`` captured when the job *started* (:meth:`input_stamp`), so a result
        computed from inputs that changed meanwhile is recognised as out of date.
        """
        stamp = inputs if inputs is not None else self._input_stamp(section)
        self._results[section] = Stamped(value, stamp)
        self.touch(section)

    def input_stamp(self, section: Section) -> dict[str, int]:
        """The current revisions of ``section``'s inputs: capture this when a job starts."""
        return self._input_stamp(section)

    def result(self, section: Section) -> Any:
        stamped = self._results.get(section)
        return None if stamped is None else stamped.value

    def is_stale(self, section: Section) -> bool:
        """True when the result exists but an input changed since it was computed."""
        stamped = self._results.get(section)
        return stamped is not None and stamped.inputs != self._input_stamp(section)

    def clear_result(self, section: Section) -> None:
        if self._results.pop(section, None) is not None:
            self.touch(section)

    # -- convenience ----------------------------------------------------------------------
    @property
    def frame(self) -> pd.DataFrame | None:
        """The loaded snapshot before cleaning (None until data is loaded)."""
        return None if self.table is None else self.table.frame

    @property
    def kinds(self) -> dict[str, ColumnKind]:
        return {} if self.table is None else self.table.kinds

    def mark_saved(self) -> None:
        self.dirty = False
