"""Alert cards for the Quality pane: a drawn severity icon, the message, the fix button.

Severity is told by colour and by shape together (octagon ×, triangle !, circle i), so it
survives greyscale printing and colour-blind eyes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap, QPolygonF
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from ui.panes.quality_groups import AlertGroup
from ui.panes.quality_text import (
    ADD_FIX,
    FIX_ADDED,
    FIX_PREFIX,
    KEEP_OUT_AGAIN,
    PUT_BACK,
    PUT_BACK_TIP,
    SEVERITY_NAMES,
    group_fix_button,
    group_message,
)

_SEVERITY_STYLE = {
    "error": ("#D55E00", "octagon", "×"),  # vermillion
    "warning": ("#E69F00", "triangle", "!"),  # orange
    "info": ("#0072B2", "circle", "i"),  # blue
}


def severity_icon(severity: str, size: int = 22) -> QIcon:
    """A drawn icon: octagon ×, triangle !, circle i — tellable apart in greyscale."""
    colour, shape, mark = _SEVERITY_STYLE.get(severity, _SEVERITY_STYLE["info"])
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor(colour))
    painter.setPen(QColor("#222222"))
    s = float(size - 2)
    if shape == "triangle":
        painter.drawPolygon(
            QPolygonF([QPointF(1 + s / 2, 1), QPointF(1 + s, 1 + s), QPointF(1, 1 + s)])
        )
    elif shape == "octagon":
        a = s * 0.29
        points = [(a, 0), (s - a, 0), (s, a), (s, s - a), (s - a, s), (a, s), (0, s - a), (0, a)]
        painter.drawPolygon(QPolygonF([QPointF(1 + x, 1 + y) for x, y in points]))
    else:
        painter.drawEllipse(1, 1, int(s), int(s))
    painter.setPen(QColor("white" if shape != "triangle" else "#222222"))
    font = painter.font()
    font.setBold(True)
    font.setPixelSize(int(size * 0.6))
    painter.setFont(font)
    rect = pixmap.rect().adjusted(0, 3 if shape == "triangle" else 0, 0, 0)
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, mark)
    painter.end()
    return QIcon(pixmap)


def _lay_out(
    card: QFrame, severity: str, message: str, fix: str, *button_list: QPushButton
) -> None:
    """Icon on the left; the message, the suggested fix and the buttons beside it."""
    card.setFrameShape(QFrame.Shape.StyledPanel)
    icon = QLabel()
    icon.setPixmap(severity_icon(severity).pixmap(22, 22))
    icon.setToolTip(SEVERITY_NAMES.get(severity, ""))
    icon.setAlignment(Qt.AlignmentFlag.AlignTop)
    said = QLabel(message)
    said.setWordWrap(True)
    suggested = QLabel(FIX_PREFIX.format(fix=fix))
    suggested.setWordWrap(True)
    suggested.setStyleSheet("color: #444444;")
    text = QVBoxLayout()
    text.addWidget(said)
    text.addWidget(suggested)
    buttons = QHBoxLayout()
    buttons.addStretch(1)
    for button in button_list:
        buttons.addWidget(button)
    text.addLayout(buttons)
    layout = QHBoxLayout(card)
    layout.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
    layout.addLayout(text, 1)


class AlertCard(QFrame):
    """One alert: icon, message, suggested fix, the button that adds the fix and, for a column
    kept out of the model by default (a leak), the button that puts it back (or out again)."""

    def __init__(
        self,
        alert: Any,
        in_recipe: bool,
        on_fix: Callable[[Any], None],
        on_select: Callable[[str], None],
        put_back: tuple[bool, Callable[[str, bool], None]] | None = None,
    ) -> None:
        super().__init__()
        self.alert = alert
        self.fix_button = QPushButton(FIX_ADDED if in_recipe else ADD_FIX)
        self.fix_button.setVisible(alert.fix_step is not None)
        self.fix_button.setEnabled(not in_recipe)
        self.fix_button.clicked.connect(lambda: on_fix(alert))
        buttons = [self.fix_button]
        self.put_back_button: QPushButton | None = None
        if put_back is not None and alert.column is not None:
            is_back, on_put_back = put_back
            self.put_back_button = QPushButton(KEEP_OUT_AGAIN if is_back else PUT_BACK)
            self.put_back_button.setToolTip(PUT_BACK_TIP)
            self.put_back_button.clicked.connect(lambda: on_put_back(alert.column, not is_back))
            buttons.append(self.put_back_button)
        _lay_out(self, alert.severity, alert.message, alert.fix, *buttons)
        self._on_select = on_select

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self.alert.column:
            self._on_select(self.alert.column)
        super().mousePressEvent(event)


class AlertGroupCard(QFrame):
    """Alike alerts as one card: one sentence naming the columns, one button for all fixes."""

    def __init__(
        self,
        group: AlertGroup,
        missing_fixes: int,
        on_fix: Callable[[list[Any]], None],
        on_select: Callable[[str], None],
    ) -> None:
        super().__init__()
        self.group = group
        done = missing_fixes == 0
        self.fix_button = QPushButton(FIX_ADDED if done else group_fix_button(missing_fixes))
        self.fix_button.setEnabled(not done)
        self.fix_button.clicked.connect(lambda: on_fix(group.alerts))
        _lay_out(self, group.severity, group_message(group), group.fix, self.fix_button)
        self.setToolTip("\n".join(group.columns))
        self._on_select = on_select

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt override
        self._on_select(self.group.columns[0])
        super().mousePressEvent(event)
