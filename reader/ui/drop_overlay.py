"""The highlight over the window while files that it can take are dragged over it.

Without it, nothing tells a newcomer that dropping a PDF on the window adds it. It
lets every mouse event through and says what a drop will do.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPalette, QPen
from PySide6.QtWidgets import QWidget


class DropOverlay(QWidget):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setObjectName("dropOverlay")
        self.message = ""
        self._target: QWidget | None = None
        self.hide()

    def show_over(self, target: QWidget, message: str) -> None:
        """Cover ``target`` (a descendant of the overlay's parent) and say ``message``."""
        self.message = message
        if target is not self._target:
            if self._target is not None:
                self._target.removeEventFilter(self)
            self._target = target
            target.installEventFilter(self)
        self._cover()
        self.show()
        self.raise_()
        self.update()

    def _cover(self) -> None:
        target = self._target
        top_left = target.mapTo(self.parentWidget(), target.rect().topLeft())
        self.setGeometry(top_left.x(), top_left.y(), target.width(), target.height())

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        if watched is self._target and event.type() in (QEvent.Type.Resize, QEvent.Type.Move) and self.isVisible():
            self._cover()
        return False

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        accent = self.palette().color(QPalette.ColorRole.Highlight)
        veil = QColor(self.palette().color(QPalette.ColorRole.Window))
        veil.setAlpha(220)  # what is under the drop recedes, so the message reads
        painter.fillRect(self.rect(), veil)
        fill = QColor(accent)
        fill.setAlpha(40)
        area = QRectF(self.rect()).adjusted(6, 6, -6, -6)
        painter.setBrush(fill)
        painter.setPen(QPen(accent, 3, Qt.PenStyle.DashLine))
        painter.drawRoundedRect(area, 12, 12)
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setWeight(QFont.Weight.DemiBold)
        painter.setFont(font)
        painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        painter.drawText(area, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.message)
        painter.end()
