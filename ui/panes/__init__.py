"""The panes of the loop, built in order: Goal, Data, Quality, Model, Causes, Actions; then
the experiment library, which holds what every project's actions taught."""

from __future__ import annotations

from ui.controller import ProjectController
from ui.panes.actions_pane import ActionsPane
from ui.panes.base import Pane
from ui.panes.causes_pane import CausesPane
from ui.panes.data_pane import DataPane
from ui.panes.goal_pane import GoalPane
from ui.panes.library_pane import LibraryPane
from ui.panes.model_pane import ModelPane
from ui.panes.quality_pane import QualityPane

#: The steps of the loop, in order.
PANE_CLASSES: tuple[type[Pane], ...] = (
    GoalPane,
    DataPane,
    QualityPane,
    ModelPane,
    CausesPane,
    ActionsPane,
    LibraryPane,
)


def build_panes(controller: ProjectController) -> list[Pane]:
    """One pane per step of the loop, in order, all bound to ``controller``."""
    return [cls(controller) for cls in PANE_CLASSES]
