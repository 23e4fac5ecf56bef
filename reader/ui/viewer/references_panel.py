"""*Paper → References*: the paper's whole bibliography in a window, to add several cited papers at once.

Each entry shows its title, first author and year, and whether it is already in
the library (then it cannot be checked). Check entries and press *Add to reading
list*; a double-click goes to the entry in the bibliography (Alt+Left comes
back). The list comes from the same citation index as the hover popup
(:class:`~reader.ui.viewer.citation_preview.CitationPreview`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDialog, QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from reader.pdf.citations.model import Entry

if TYPE_CHECKING:
    from reader.ui.viewer.citation_preview import CitationPreview

ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1


def entry_line(entry: Entry) -> str:
    head = f"{entry.label}. " if entry.label else ""
    title = entry.title or entry.text[:160]
    who = entry.first_author_surname()
    tail = ", ".join(x for x in (who + (" et al." if len(entry.authors) > 2 else ""), entry.year) if x)
    return f"{head}{title}" + (f" — {tail}" if tail else "")


class ReferencesPanel(QWidget):
    def __init__(self, citations: CitationPreview, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.citations = citations
        self.header = QLabel("Reading the references…", self, wordWrap=True)
        self.list = QListWidget(self)
        self.list.setWordWrap(True)
        self.list.setUniformItemSizes(False)
        self.list.itemChanged.connect(self._update_button)
        self.list.itemDoubleClicked.connect(self._go_to)
        self.add = QPushButton("Add to reading list", self)
        self.add.setEnabled(False)
        self.add.clicked.connect(self.add_checked)
        self.add.setVisible(citations.library is not None)
        column = QVBoxLayout(self)
        column.setContentsMargins(4, 4, 4, 4)
        column.addWidget(self.header)
        column.addWidget(self.list, 1)
        column.addWidget(self.add)
        self._reload_soon = QTimer(self, singleShot=True, interval=0, timeout=self.reload)  # several added: once
        citations.index_ready.connect(self.reload)
        citations.paper_added.connect(lambda _id: self._reload_soon.start())
        if citations.index is not None:
            self.reload()

    def reload(self) -> None:
        index = self.citations.index
        self.list.blockSignals(True)
        self.list.clear()
        if index is None or not index.entries:
            self.header.setText(index.note if index is not None and index.note else "No references found.")
        else:
            here = 0
            for entry in index.entries:
                item = QListWidgetItem(entry_line(entry))
                item.setData(ENTRY_ROLE, entry.number)
                item.setToolTip(entry.text)
                if self.citations.library is not None and self.citations.in_library(entry) is not None:
                    here += 1
                    item.setText(f"{item.text()}  ✓ in your library")
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsUserCheckable)
                    item.setForeground(self.palette().placeholderText())
                elif self.citations.library is not None:
                    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                    item.setCheckState(Qt.CheckState.Unchecked)
                self.list.addItem(item)
            self.header.setText(f"{len(index.entries)} references, {here} in your library. "
                                "Double-click one to go to it.")
        self.list.blockSignals(False)
        self._update_button()

    def checked(self) -> list[Entry]:
        index = self.citations.index
        if index is None:
            return []
        numbers = [self.list.item(row).data(ENTRY_ROLE) for row in range(self.list.count())
                   if self.list.item(row).checkState() == Qt.CheckState.Checked]
        return [e for e in (index.entry(n) for n in numbers) if e is not None]

    def _update_button(self, *_args) -> None:
        count = len(self.checked())
        self.add.setEnabled(count > 0)
        self.add.setText(f"Add {count} to reading list" if count > 1 else "Add to reading list")

    def add_checked(self) -> None:
        entries = self.checked()
        if entries:
            self.add.setEnabled(False)
            self.citations.add_entries(entries)

    def _go_to(self, item: QListWidgetItem) -> None:
        index = self.citations.index
        entry = index.entry(item.data(ENTRY_ROLE)) if index is not None else None
        if entry is not None:
            view = self.citations.view
            view.remember_position()
            view.go_to_page(entry.page, entry.box[1], flash_rect=entry.box)


class ReferencesWindow(QDialog):
    """The panel in a window of its own beside the open paper (not modal: the paper stays readable)."""

    def __init__(self, citations: CitationPreview, title: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"References — {title}" if title else "References")
        self.panel = ReferencesPanel(citations, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.panel)
        self.resize(560, 520)
