"""The document outline (table of contents) as a tree that jumps to its entries."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem, QWidget

_TARGET = Qt.ItemDataRole.UserRole


class OutlineView(QTreeWidget):
    entry_activated = Signal(int, object)  # page, y in points or None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setUniformRowHeights(True)
        self.itemActivated.connect(self._on_activated)
        self.itemClicked.connect(self._on_activated)

    def set_toc(self, toc: list) -> None:
        """Build the tree from (level, title, page, y) rows; bad levels (circular or skipped) are clamped."""
        self.clear()
        parents: list[QTreeWidgetItem | None] = [None]
        for level, title, page, y in toc:
            level = max(1, min(int(level), len(parents)))
            del parents[level:]
            parent = parents[-1]
            item = QTreeWidgetItem([title.strip() or "(untitled)"]) if parent is None else QTreeWidgetItem(parent, [title.strip() or "(untitled)"])
            if parent is None:
                self.addTopLevelItem(item)
            item.setData(0, _TARGET, (page, y))
            item.setToolTip(0, f"{title} (page {page + 1})")
            parents.append(item)
        self.expandToDepth(0)

    def _on_activated(self, item: QTreeWidgetItem) -> None:
        page, y = item.data(0, _TARGET)
        if page is not None and page >= 0:
            self.entry_activated.emit(page, y)
