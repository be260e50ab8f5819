"""Short hints per step, for the demo and a first project of one's own (dismissable)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from ui.panes import (
    ActionsPane,
    CausesPane,
    DataPane,
    GoalPane,
    ModelPane,
    Pane,
    QualityPane,
)
from workbench.i18n import _


def hint_texts() -> dict[type[Pane], str]:
    """One hint per pane class; the sentences together in one place."""
    return {
        GoalPane: _(
            "Start here. The target is what you want to improve (a yield, an efficiency, a "
            "defect), the focus is the rows to learn from (for example the best 5%), and the "
            "roles say which columns the line can change. Then press Next."
        ),
        DataPane: _(
            "This is the data as it was read: check the column types and the notes on what was "
            "found. The file itself is never changed. Then choose the target on the Goal step."
        ),
        QualityPane: _(
            "Garbage in, garbage out: read the alerts and add the fixes you agree with. Each fix "
            "becomes a step of the cleaning recipe, which you can remove or reorder."
        ),
        ModelPane: _(
            "Run the model: it learns how the settings relate to the target and is checked on "
            "rows it has not seen. Compare its score with the simple baseline before trusting it."
        ),
        CausesPane: _(
            "Each cause group is a different way the focus rows got there. Select a group and "
            "press Create action to plan a trial on the line."
        ),
        ActionsPane: _(
            "Log what you try and what happened, whether it worked or not: failed and untestable "
            "actions are kept, so the next analysis can learn from them."
        ),
    }


class HintBar(QFrame):
    """A one-line tip above the current step, with a button to stop showing tips."""

    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("hint_bar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        # A pale yellow note with dark text: readable in greyscale too.
        self.setStyleSheet(
            "#hint_bar { background: #fff6d5; border: 1px solid #d9c77a; border-radius: 4px; }"
            "#hint_bar QLabel { color: #222; }"
        )
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.hide_button = QPushButton(_("Hide hints"))
        self.hide_button.clicked.connect(self._on_hide_button_clicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        tip = QLabel(_("Tip:"))
        bold = tip.font()
        bold.setBold(True)
        tip.setFont(bold)
        tip.setAlignment(Qt.AlignmentFlag.AlignTop)
        layout.addWidget(tip)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.hide_button)
        self.hide()

    def show_for(self, pane: Pane) -> None:
        """Show the hint of ``pane``'s step (hidden when it has none)."""
        text = hint_texts().get(type(pane), "")
        self.label.setText(text)
        self.setVisible(bool(text))

    def _on_hide_button_clicked(self) -> None:
        self.hide()
        self.dismissed.emit()
