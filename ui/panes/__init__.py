"""The panes of the loop, built in order: Goal, Data, Quality, Model, Causes, Actions."""

from __future__ import annotations

import importlib

from PySide6.QtWidgets import QLabel, QVBoxLayout

from ui.controller import ProjectController
from ui.panes.base import Pane
from workbench.i18n import _

#: (module, class, title) of each step, in loop order.
PANE_CLASSES: tuple[tuple[str, str, str], ...] = (
    ("ui.panes.goal_pane", "GoalPane", "Goal"),
    ("ui.panes.data_pane", "DataPane", "Data"),
    ("ui.panes.quality_pane", "QualityPane", "Quality"),
    ("ui.panes.model_pane", "ModelPane", "Model"),
    ("ui.panes.causes_pane", "CausesPane", "Causes"),
    ("ui.panes.actions_pane", "ActionsPane", "Actions"),
)


class PlaceholderPane(Pane):
    """Stands in for a pane whose module has not landed yet (only while panes are built)."""

    def __init__(self, controller: ProjectController, title: str) -> None:
        super().__init__(controller)
        self.title = title
        label = QLabel(_("This step is not available in this build yet."))
        label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addStretch(1)


def _pane_class(module: str, name: str) -> type[Pane] | None:
    # Defensive only while the panes are being written in parallel: a missing module means
    # "not yet", but an error inside an existing module must surface, not be hidden.
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
        return None
    return getattr(mod, name, None)


def build_panes(controller: ProjectController) -> list[Pane]:
    """One pane per step of the loop, in order, all bound to ``controller``."""
    titles = {
        "Goal": _("Goal"),
        "Data": _("Data"),
        "Quality": _("Quality"),
        "Model": _("Model"),
        "Causes": _("Causes"),
        "Actions": _("Actions"),
    }
    panes: list[Pane] = []
    for module, name, title in PANE_CLASSES:
        cls = _pane_class(module, name)
        panes.append(cls(controller) if cls else PlaceholderPane(controller, titles[title]))
    return panes
