"""The annotations panel: every mark of the paper in page order, beside the paper's notes.

Selecting a row selects the mark; activating it (click or Enter) jumps to it and
flashes it. Filtering is by colour and by text (quote or comment). Marks whose
page no longer exists in the PDF are kept and listed apart, never dropped.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem, QMenu, QSplitter, QToolButton,
    QVBoxLayout, QWidget,
)

from reader.library import AnnotationRecord
from reader.ui.annotations.popup import COLOURS, colour_name, swatch
from reader.ui.annotations.store import KIND_LABELS
from reader.ui.detail.notes import NotesEditor

DETACHED_HEADING = "Detached (page no longer in PDF)"
ID_ROLE = Qt.ItemDataRole.UserRole


def describe(record: AnnotationRecord) -> str:
    """The row's text: where, what, the quote and the comment."""
    head = f"p. {record.page} · {KIND_LABELS.get(record.kind, record.kind)}"
    if record.source == "file":
        head += " · from the file"
    lines = [head]
    if record.quote:
        quote = " ".join(record.quote.split())
        lines.append(f"“{quote[:160]}{'…' if len(quote) > 160 else ''}”")
    if record.comment:
        comment = " ".join(record.comment.split())
        lines.append(f"Comment: {comment[:160]}{'…' if len(comment) > 160 else ''}")
    return "\n".join(lines)


class AnnotationsPanel(QWidget):
    activated = Signal(int)  # jump to this mark
    selected = Signal(int)
    comment_requested = Signal(int)
    colour_requested = Signal(int, str)
    delete_requested = Signal(int)
    quote_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._records: list[AnnotationRecord] = []
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Filter marks…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._refill)
        self.colour_filter = QComboBox(self)
        self.colour_filter.addItem("All colours", "")
        for name, value in COLOURS.items():
            self.colour_filter.addItem(swatch(value), name, value)
        self.colour_filter.currentIndexChanged.connect(self._refill)
        self.list = QListWidget(self)
        self.list.setWordWrap(True)
        self.list.setIconSize(QSize(12, 12))
        self.list.setSpacing(2)
        self.list.setAlternatingRowColors(True)
        self.list.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.list.itemClicked.connect(lambda item: self._emit(self.activated, item))
        self.list.itemActivated.connect(lambda item: self._emit(self.activated, item))
        self.list.currentItemChanged.connect(self._on_current)
        self.empty = QLabel("No marks yet. Select text to highlight it, Shift+drag for an area, "
                            "right-click for a note.", self, wordWrap=True)
        self.empty.setStyleSheet("color: palette(placeholder-text); padding: 8px;")
        self.comment_button = self._button("Comment…", lambda: self._emit_current(self.comment_requested))
        self.colour_button = self._button("Colour", None)
        menu = QMenu(self.colour_button)
        for name, value in COLOURS.items():
            menu.addAction(swatch(value), name, lambda v=value: self._current() and self.colour_requested.emit(self._current(), v))
        self.colour_button.setMenu(menu)
        self.colour_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.delete_button = self._button("Delete", lambda: self._emit_current(self.delete_requested))
        self.quote_button = self._button("Quote in note", lambda: self._emit_current(self.quote_requested))
        self.quote_button.setToolTip("Append this mark's text to the current note as a quotation")

        marks = QWidget(self)
        column = QVBoxLayout(marks)
        column.setContentsMargins(4, 4, 4, 0)
        column.setSpacing(4)
        # the panel must fit a narrow side column: the colour box shrinks, the buttons take two rows
        self.search.setMinimumWidth(60)
        self.colour_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.colour_filter.setMinimumContentsLength(6)
        filters = QHBoxLayout()
        filters.addWidget(self.search, 1)
        filters.addWidget(self.colour_filter)
        column.addLayout(filters)
        column.addWidget(self.list, 1)
        column.addWidget(self.empty)
        buttons = QGridLayout()
        buttons.setSpacing(2)
        for index, button in enumerate((self.comment_button, self.colour_button, self.delete_button,
                                        self.quote_button)):
            buttons.addWidget(button, index // 2, index % 2, Qt.AlignmentFlag.AlignLeft)
        buttons.setColumnStretch(2, 1)
        column.addLayout(buttons)
        self.notes = NotesEditor(self)
        notes_box = QWidget(self)
        notes_column = QVBoxLayout(notes_box)
        notes_column.setContentsMargins(4, 4, 4, 4)
        title = QLabel("Notes", notes_box)
        bold = QFont(title.font())
        bold.setBold(True)
        title.setFont(bold)
        notes_column.addWidget(title)
        notes_column.addWidget(self.notes, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(marks)
        self.splitter.addWidget(notes_box)
        self.splitter.setSizes([400, 250])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self._update_buttons()

    def _button(self, text: str, slot) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        if slot is not None:
            button.clicked.connect(slot)
        return button

    # contents ---------------------------------------------------------------------------

    def set_records(self, records: list[AnnotationRecord]) -> None:
        keep = self._current()
        self._records = sorted(records, key=lambda r: (r.detached, r.page, r.rect[1], r.rect[0], r.id))
        self._refill()
        if keep is not None:
            self.select(keep)

    def rows(self) -> list[AnnotationRecord | str]:
        """What the list shows, top to bottom: records, and the detached heading as a string."""
        shown = []
        for index in range(self.list.count()):
            item = self.list.item(index)
            value = item.data(ID_ROLE)
            shown.append(next(r for r in self._records if r.id == value) if value is not None else item.text())
        return shown

    def _matches(self, record: AnnotationRecord) -> bool:
        colour = self.colour_filter.currentData()
        if colour and record.colour.lower() != colour:
            return False
        text = self.search.text().strip().lower()
        return not text or text in f"{record.quote}\n{record.comment}".lower()

    def _refill(self) -> None:
        keep = self._current()
        self.list.blockSignals(True)
        self.list.clear()
        heading_done = False
        for record in self._records:
            if not self._matches(record):
                continue
            if record.detached and not heading_done:
                heading = QListWidgetItem(DETACHED_HEADING)
                heading.setFlags(Qt.ItemFlag.NoItemFlags)
                font = heading.font()
                font.setBold(True)
                heading.setFont(font)
                self.list.addItem(heading)
                heading_done = True
            item = QListWidgetItem(swatch(record.colour, 12, round_=record.kind != "area"), describe(record))
            item.setData(ID_ROLE, record.id)
            item.setToolTip(f"{colour_name(record.colour)} {KIND_LABELS.get(record.kind, record.kind).lower()}"
                            + (" (its page is no longer in the PDF)" if record.detached else ""))
            self.list.addItem(item)
        self.list.blockSignals(False)
        self.empty.setVisible(not self._records)
        self.list.setVisible(bool(self._records))
        if keep is not None:
            self.select(keep)
        self._update_buttons()

    def select(self, annotation_id: int) -> bool:
        for index in range(self.list.count()):
            if self.list.item(index).data(ID_ROLE) == annotation_id:
                self.list.blockSignals(True)
                self.list.setCurrentRow(index)
                self.list.blockSignals(False)
                self.list.scrollToItem(self.list.item(index))
                self._update_buttons()
                return True
        return False

    # actions --------------------------------------------------------------------------------

    def _current(self) -> int | None:
        item = self.list.currentItem()
        return item.data(ID_ROLE) if item is not None else None

    def _emit(self, signal, item: QListWidgetItem) -> None:
        value = item.data(ID_ROLE)
        if value is not None:
            signal.emit(value)

    def _emit_current(self, signal) -> None:
        value = self._current()
        if value is not None:
            signal.emit(value)

    def _on_current(self, *_args) -> None:
        self._update_buttons()
        value = self._current()
        if value is not None:
            self.selected.emit(value)

    def _update_buttons(self) -> None:
        value = self._current()
        record = next((r for r in self._records if r.id == value), None)
        for button in (self.comment_button, self.colour_button, self.delete_button):
            button.setEnabled(record is not None)
        self.quote_button.setEnabled(record is not None and bool(record.quote or record.comment))
