"""The notes editor: Markdown notes of one paper, saved as you type.

Typing starts a short timer; when it fires (or the paper changes, or the window
closes) the text is handed to ``save_requested``. So a crash loses at most the
last ``SAVE_DELAY_MS`` of typing, and the database is not written per keystroke.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QTabWidget,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from reader.library import NoteRecord
from reader.links import may_open

SAVE_DELAY_MS = 600


class NotesEditor(QWidget):
    """Signals: ``save_requested(note_id, body)`` (note_id 0 = create), ``delete_requested(note_id)``."""

    save_requested = Signal(int, str)
    delete_requested = Signal(int)
    new_requested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._notes: list[NoteRecord] = []
        self._note_id = 0
        self._dirty = False
        self._loading = False

        self.list = QListWidget()
        self.list.setMaximumHeight(84)
        self.list.currentRowChanged.connect(self._on_note_chosen)
        self.add_button = QToolButton(text="New note")
        self.add_button.setToolTip("Start a new note for this paper")
        self.add_button.clicked.connect(self._new_note)
        self.delete_button = QToolButton(text="Delete")
        self.delete_button.setToolTip("Delete the selected note")
        self.delete_button.clicked.connect(self._delete_note)

        self.editor = QPlainTextEdit()
        self.editor.setPlaceholderText("Write your notes in Markdown… They are saved as you type.")
        self.editor.setTabChangesFocus(True)
        self.editor.textChanged.connect(self._on_text_changed)
        self.preview = QTextBrowser()
        # Notes hold text quoted from PDFs and read from sidecars: the preview never follows a
        # link itself (it would show a file: target in the pane), and hands only web and mail
        # links to the desktop.
        self.preview.setOpenLinks(False)
        self.preview.setOpenExternalLinks(False)
        self.preview.anchorClicked.connect(self._open_clicked_link)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.editor, "Write")
        self.tabs.addTab(self.preview, "Preview")
        self.tabs.currentChanged.connect(self._render_preview)
        self.saved_label = QLabel("")
        self.saved_label.setObjectName("savedLabel")

        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        buttons.addWidget(self.saved_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        layout.addWidget(self.tabs, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_DELAY_MS)
        self._timer.timeout.connect(self.flush)

    def set_notes(self, notes: tuple[NoteRecord, ...] | list[NoteRecord], keep_note: int = 0) -> None:
        """Show a paper's notes; the caller flushes the previous paper first."""
        self._loading = True
        self._notes = list(notes)
        self.list.clear()
        for note in self._notes:
            item = QListWidgetItem(_note_title(note.body))
            item.setData(Qt.ItemDataRole.UserRole, note.id)
            self.list.addItem(item)
        self.list.setVisible(len(self._notes) > 1)
        target = next((i for i, n in enumerate(self._notes) if n.id == keep_note), 0)
        self._loading = False
        if self._notes:
            self.list.setCurrentRow(target)
            self._on_note_chosen(target)
        else:
            self._show(0, "")
        self.delete_button.setEnabled(bool(self._notes))

    def note_saved(self, note: NoteRecord) -> None:
        """The library created or updated ``note``; keep editing it."""
        if self._note_id == 0 and note.body == self.editor.toPlainText():
            self._note_id = note.id
        known = [n.id for n in self._notes]
        if note.id in known:
            self._notes[known.index(note.id)] = note
        else:
            self._notes.append(note)
            item = QListWidgetItem(_note_title(note.body))
            item.setData(Qt.ItemDataRole.UserRole, note.id)
            self._loading = True
            self.list.addItem(item)
            self.list.setCurrentRow(self.list.count() - 1)
            self._loading = False
        row = [n.id for n in self._notes].index(note.id)
        self.list.item(row).setText(_note_title(note.body))
        self.list.setVisible(len(self._notes) > 1)
        self.delete_button.setEnabled(True)
        self.saved_label.setText("Saved")

    def flush(self) -> None:
        """Hand unsaved text to the library now."""
        self._timer.stop()
        if not self._dirty:
            return
        self._dirty = False
        body = self.editor.toPlainText()
        if self._note_id == 0 and not body.strip():
            return
        self.save_requested.emit(self._note_id, body)

    def has_unsaved_text(self) -> bool:
        return self._dirty

    def current_note_id(self) -> int:
        return self._note_id

    def _show(self, note_id: int, body: str) -> None:
        self._loading = True
        self._note_id = note_id
        self.editor.setPlainText(body)
        self._loading = False
        self._dirty = False
        self.saved_label.setText("")
        self._render_preview()

    def _on_note_chosen(self, row: int) -> None:
        if self._loading or not (0 <= row < len(self._notes)):
            return
        self.flush()
        note = self._notes[row]
        self._show(note.id, note.body)

    def _on_text_changed(self) -> None:
        if self._loading:
            return
        self._dirty = True
        self.saved_label.setText("Editing…")
        self._timer.start()

    def _new_note(self) -> None:
        self.flush()
        self.list.clearSelection()
        self._show(0, "")
        self.tabs.setCurrentWidget(self.editor)
        self.editor.setFocus()

    def _delete_note(self) -> None:
        if self._note_id:
            self._timer.stop()
            self._dirty = False
            self.delete_requested.emit(self._note_id)

    def _open_clicked_link(self, url: QUrl) -> None:
        text = url.toString()
        if may_open(text):
            QDesktopServices.openUrl(url)
        else:
            self.saved_label.setText(f"Link not opened (only web and mail links are): {text[:80]}")

    def _render_preview(self, *_args) -> None:
        if self.tabs.currentWidget() is self.preview:
            self.preview.setMarkdown(self.editor.toPlainText())


def _note_title(body: str) -> str:
    for line in body.splitlines():
        text = line.strip().lstrip("#").strip()
        if text:
            return text[:80]
    return "(empty note)"
