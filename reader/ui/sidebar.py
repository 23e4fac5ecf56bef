"""The sidebar: reading-status views and topic tags, each with its paper count."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QTreeView

from reader.library import TagCount, ViewCounts

VIEWS = (("all", "All papers"), ("to_read", "To read"), ("reading", "Reading"), ("read", "Read"),
         ("trash", "Trash"))
KindRole = Qt.ItemDataRole.UserRole + 1
KeyRole = Qt.ItemDataRole.UserRole + 2
CountRole = Qt.ItemDataRole.UserRole + 3


class Sidebar(QTreeView):
    """Signals: ``filter_changed(view, tag)`` with tag "" for none."""

    filter_changed = Signal(str, str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._model = QStandardItemModel(self)
        self.setModel(self._model)
        self.setHeaderHidden(True)
        self.setRootIsDecorated(False)
        self.setIndentation(10)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setUniformRowHeights(True)
        self.setStyleSheet("QTreeView { border: none; } QTreeView::item { padding: 3px 4px; }")
        self.setMinimumWidth(150)
        self._library_group = self._group("Library")
        self._tags_group = self._group("Topics")
        for key, label in VIEWS:
            item = QStandardItem(label)
            item.setData("view", KindRole)
            item.setData(key, KeyRole)
            self._library_group.appendRow(item)
        self.expandAll()
        self.selectionModel().currentChanged.connect(self._on_current)
        self.select_view("all")

    def _group(self, title: str) -> QStandardItem:
        item = QStandardItem(title.upper())
        item.setSelectable(False)
        font = item.font()
        font.setPointSizeF(font.pointSizeF() * 0.85)
        font.setBold(True)
        item.setFont(font)
        item.setEnabled(False)
        self._model.appendRow(item)
        return item

    def update_counts(self, views: ViewCounts, tags: list[TagCount]) -> None:
        counts = views.as_dict()
        for row in range(self._library_group.rowCount()):
            item = self._library_group.child(row)
            key = item.data(KeyRole)
            item.setText(f"{dict(VIEWS)[key]}  ({counts[key]})" if counts[key] else dict(VIEWS)[key])
        view, tag = self.current_filter()
        self.selectionModel().blockSignals(True)
        self._tags_group.removeRows(0, self._tags_group.rowCount())
        for tag_count in tags:
            item = QStandardItem(f"{tag_count.name}  ({tag_count.count})")
            item.setData("tag", KindRole)
            item.setData(tag_count.name, KeyRole)
            item.setToolTip(f"Papers tagged {tag_count.name}")
            self._tags_group.appendRow(item)
        if not tags:
            hint = QStandardItem("No tags yet")
            hint.setEnabled(False)
            hint.setSelectable(False)
            self._tags_group.appendRow(hint)
        self.expandAll()
        self.selectionModel().blockSignals(False)
        if tag and not self._select(self._tags_group, tag):
            self.select_view("all")
        elif tag:
            pass
        else:
            self._select(self._library_group, view, emit=False)

    def current_filter(self) -> tuple[str, str]:
        index = self.currentIndex()
        if not index.isValid() or not index.data(KindRole):
            return "all", ""
        if index.data(KindRole) == "tag":
            return "all", index.data(KeyRole)
        return index.data(KeyRole), ""

    def select_view(self, key: str) -> None:
        self._select(self._library_group, key)

    def select_tag(self, name: str) -> bool:
        return self._select(self._tags_group, name)

    def _select(self, group: QStandardItem, key: str, emit: bool = True) -> bool:
        for row in range(group.rowCount()):
            item = group.child(row)
            if item.data(KeyRole) and item.data(KeyRole).lower() == key.lower():
                if not emit:
                    self.selectionModel().blockSignals(True)
                self.selectionModel().setCurrentIndex(
                    item.index(), QItemSelectionModel.SelectionFlag.ClearAndSelect)
                if not emit:
                    self.selectionModel().blockSignals(False)
                return True
        return False

    def _on_current(self, current, _previous) -> None:
        if current.isValid() and current.data(KindRole):
            view, tag = self.current_filter()
            self.filter_changed.emit(view, tag)
