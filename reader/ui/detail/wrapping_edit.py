"""A one-line field that wraps: a long title or author list shows whole, on as many rows as it needs.

A QLineEdit cuts "S2ORC: The Semantic Scholar Open Research Corpus" at the pane's
edge, mid-word. This edit keeps QLineEdit's ways (Enter or leaving the field
finishes the edit; text() and setText(); no line breaks in the value) but wraps at
word boundaries and grows to the height of its text.
"""

from __future__ import annotations

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtGui import QTextOption
from PySide6.QtWidgets import QFrame, QSizePolicy, QTextEdit


class WrappingLineEdit(QTextEdit):
    editingFinished = Signal()  # noqa: N815 - QLineEdit's name, so callers need not care which they have

    def __init__(self, placeholder: str = "", parent=None) -> None:
        super().__init__(parent)
        self.setAcceptRichText(False)
        self.setPlaceholderText(placeholder)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setTabChangesFocus(True)
        self.setLineWrapMode(QTextEdit.LineWrapMode.WidgetWidth)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.document().setDocumentMargin(2)
        self.document().contentsChanged.connect(self._fit_height)
        self._fit_height()

    def text(self) -> str:
        return self.toPlainText()

    def setText(self, text: str) -> None:  # noqa: N802 - QLineEdit's name
        self.setPlainText(" ".join(text.splitlines()))

    def setCursorPosition(self, position: int) -> None:  # noqa: N802 - QLineEdit's name
        cursor = self.textCursor()
        cursor.setPosition(min(position, len(self.toPlainText())))
        self.setTextCursor(cursor)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.editingFinished.emit()
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().focusOutEvent(event)
        self.editingFinished.emit()

    def insertFromMimeData(self, source: QMimeData) -> None:  # noqa: N802 - Qt override
        """Pasted line breaks become spaces: a title copied from a PDF often has them."""
        self.insertPlainText(" ".join(source.text().split()))

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._fit_height()

    def _fit_height(self) -> None:
        self.document().setTextWidth(self.viewport().width())
        margins = self.contentsMargins()
        height = round(self.document().size().height()) + margins.top() + margins.bottom()
        if height != self.height():
            self.setFixedHeight(height)
