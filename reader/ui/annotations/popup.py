"""The small bar that appears over a selection or a clicked mark, and the comment editor.

The bar is a plain child of the page viewport rather than a Qt popup window: it
never grabs the mouse, so the reader can keep scrolling or select again, and it
simply hides when the view is clicked elsewhere.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFrame, QHBoxLayout, QLabel, QPlainTextEdit, QTabWidget, QTextBrowser, QToolButton,
    QVBoxLayout, QWidget,
)

GAP = 6  # between the bar and what it is for
EDGE = 4  # kept free at the viewport's edges
COLOURS = {"Yellow": "#ffd400", "Green": "#5fd068", "Blue": "#4aa8ff", "Pink": "#ff6fae", "Orange": "#ff9f1a"}


def colour_name(colour: str) -> str:
    return next((name for name, value in COLOURS.items() if value == colour.lower()), colour)


def swatch(colour: str, size: int = 14, round_: bool = True) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QColor(0, 0, 0, 70))
    painter.setBrush(QColor(colour))
    if round_:
        painter.drawEllipse(1, 1, size - 2, size - 2)
    else:
        painter.drawRoundedRect(1, 1, size - 2, size - 2, 3, 3)
    painter.end()
    return QIcon(pixmap)


class MarkBar(QFrame):
    """Colour swatches plus underline / strike-out / comment / delete, for a selection or one mark."""

    mark_requested = Signal(str, str)  # kind, colour (selection mode)
    colour_requested = Signal(str)  # mark mode
    comment_requested = Signal()
    delete_requested = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("markBar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setStyleSheet("#markBar { border: 1px solid palette(mid); border-radius: 6px; background: palette(window); }"
                           " QToolButton { border: none; padding: 3px; border-radius: 4px; }"
                           " QToolButton:hover { background: palette(midlight); }")
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 2, 4, 2)
        row.setSpacing(1)
        self.mode = "selection"
        self.colour_buttons: dict[str, QToolButton] = {}
        for name, value in COLOURS.items():
            button = self._button("", f"Highlight in {name.lower()} (H for yellow)" if name == "Yellow" else
                                  f"Highlight in {name.lower()}", lambda _=False, v=value: self._colour(v))
            button.setIcon(swatch(value, 16))
            self.colour_buttons[name] = button
            row.addWidget(button)
        self.separator = QLabel("│", self)
        self.separator.setStyleSheet("color: palette(mid);")
        row.addWidget(self.separator)
        self.underline_button = self._button("U̲", "Underline (U)", lambda: self.mark_requested.emit("underline", "#4aa8ff"))
        self.strike_button = self._button("S̶", "Strike out (S)", lambda: self.mark_requested.emit("strikeout", "#ff4d4d"))
        self.comment_button = self._button("Comment…", "Add or edit a comment (Markdown)", self.comment_requested.emit)
        self.delete_button = self._button("Delete", "Delete this mark", self.delete_requested.emit)
        for button in (self.underline_button, self.strike_button, self.comment_button, self.delete_button):
            row.addWidget(button)
        self.hide()

    def _button(self, text: str, tip: str, slot) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.clicked.connect(slot)
        return button

    def _colour(self, value: str) -> None:
        if self.mode == "selection":
            self.mark_requested.emit("highlight", value)
        else:
            self.colour_requested.emit(value)

    def show_beside(self, area: QRect, mode: str, x_hint: int | None = None) -> None:
        """Show next to ``area`` (viewport coordinates) without covering it.

        The bar goes above the area, or below it when there is no room above; only
        an area taller than the viewport leaves no free side, and then the bar sits
        on the side with more room. It is centred on ``x_hint`` (where the mouse
        let go) or on the area, and kept inside the viewport.
        """
        self.mode = mode
        self.underline_button.setVisible(mode == "selection")
        self.strike_button.setVisible(mode == "selection")
        self.delete_button.setVisible(mode == "mark")
        self.comment_button.setText("Comment…")
        self.adjustSize()
        parent = self.parentWidget()
        centre = area.center().x() if x_hint is None else x_hint
        x = max(EDGE, min(centre - self.width() // 2, parent.width() - self.width() - EDGE))
        above = area.top() - GAP - self.height()
        below = area.bottom() + 1 + GAP
        if above >= EDGE:
            y = above
        elif below + self.height() <= parent.height() - EDGE:
            y = below
        elif area.top() >= parent.height() - area.bottom():
            y = EDGE
        else:
            y = parent.height() - self.height() - EDGE
        self.move(x, y)
        self.show()
        self.raise_()


class CommentDialog(QDialog):
    """Edit one mark's Markdown comment; asynchronous (``open``), so other tabs keep working."""

    comment_saved = Signal(int, str)

    def __init__(self, parent: QWidget, annotation_id: int, heading: str, comment: str) -> None:
        super().__init__(parent)
        self.annotation_id = annotation_id
        self.setWindowTitle("Comment")
        self.resize(420, 300)
        label = QLabel(heading, self, wordWrap=True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setStyleSheet("color: palette(placeholder-text); font-style: italic;")
        self.editor = QPlainTextEdit(comment, self)
        self.editor.setPlaceholderText("Your comment, in Markdown…")
        self.preview = QTextBrowser(self)
        tabs = QTabWidget(self)
        tabs.setDocumentMode(True)
        tabs.addTab(self.editor, "Write")
        tabs.addTab(self.preview, "Preview")
        tabs.currentChanged.connect(lambda index: index == 1 and self.preview.setMarkdown(self.editor.toPlainText()))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(tabs, 1)
        layout.addWidget(buttons)
        self.accepted.connect(lambda: self.comment_saved.emit(self.annotation_id, self.editor.toPlainText().strip()))
        self.finished.connect(self.deleteLater)
        self.editor.setFocus()
