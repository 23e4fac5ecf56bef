"""Find-in-document bar: Enter for next hit, Shift+Enter for previous, "4 of 23".

The current hit is also the page's selection (the view selects it, as a browser's
find does), so Esc, which returns to the page, leaves it ready for H, U or S.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QStyle, QToolButton, QWidget


# The bar's keys, for the shortcuts sheet; _QueryEdit.keyPressEvent below is what they do.
FIND_BAR_KEYS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Find, then go to the next match (it becomes the selection)", ("Return",)),
    ("Go to the previous match", ("Shift+Return",)),
    ("Back to the page, the match still selected", ("Esc",)),
)


class _QueryEdit(QLineEdit):
    step = Signal(int)
    closed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.step.emit(-1 if event.modifiers() & Qt.KeyboardModifier.ShiftModifier else 1)
        elif event.key() == Qt.Key.Key_Escape:
            self.closed.emit()
        else:
            super().keyPressEvent(event)


class FindBar(QWidget):
    search_requested = Signal(str)  # a new query: run it
    step_requested = Signal(int)  # +1 next, -1 previous
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = _QueryEdit(self)
        self.edit.setPlaceholderText("Find in document")
        self.edit.setToolTip("Enter: next match, Shift+Enter: previous; Esc: back to the page with the match "
                             "selected, so H highlights it")
        self.edit.setClearButtonEnabled(True)
        self.count_label = QLabel(self)
        self.count_label.setMinimumWidth(80)
        style = self.style()
        previous = QToolButton(self, icon=style.standardIcon(QStyle.StandardPixmap.SP_ArrowUp), toolTip="Previous (Shift+Enter)")
        following = QToolButton(self, icon=style.standardIcon(QStyle.StandardPixmap.SP_ArrowDown), toolTip="Next (Enter)")
        close = QToolButton(self, icon=style.standardIcon(QStyle.StandardPixmap.SP_TitleBarCloseButton), toolTip="Close (Esc)")
        for button in (previous, following, close):
            button.setAutoRaise(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.count_label)
        layout.addWidget(previous)
        layout.addWidget(following)
        layout.addWidget(close)
        self._searched = ""
        self.edit.step.connect(self._step)
        self.edit.closed.connect(self.closed)
        previous.clicked.connect(lambda: self._step(-1))
        following.clicked.connect(lambda: self._step(1))
        close.clicked.connect(self.closed)

    def _step(self, direction: int) -> None:
        query = self.edit.text()
        if query != self._searched:
            self._searched = query
            self.count_label.setText("Searching…" if query.strip() else "")
            self.search_requested.emit(query)
        else:
            self.step_requested.emit(direction)

    def show_count(self, index: int, total: int) -> None:
        if total == 0:
            self.count_label.setText("No matches" if self._searched.strip() else "")
        else:
            self.count_label.setText(f"{index + 1} of {total}")

    def activate(self) -> None:
        self.show()
        self.edit.setFocus()
        self.edit.selectAll()
