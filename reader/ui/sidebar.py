"""The sidebar: reading-status views and topic tags, each with its paper count."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QSize, Qt, Signal
from PySide6.QtGui import QPainter, QPalette, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
)

from reader.library import TagCount, ViewCounts

VIEWS = (("all", "All papers"), ("to_read", "To read"), ("reading", "Reading"), ("read", "Read"),
         ("trash", "Trash"))
KindRole = Qt.ItemDataRole.UserRole + 1
KeyRole = Qt.ItemDataRole.UserRole + 2
CountRole = Qt.ItemDataRole.UserRole + 3
COUNT_GAP = 12  # pixels between a name and its count


class CountDelegate(QStyledItemDelegate):
    """Draws a row's count at its right edge, always whole; a long name is the one shortened."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index) -> None:
        if not index.data(KindRole):  # a group heading
            return super().paint(painter, option, index)
        count = index.data(CountRole)
        item = QStyleOptionViewItem(option)
        self.initStyleOption(item, index)
        name, item.text = item.text, ""
        style = item.widget.style() if item.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, item, painter, item.widget)
        area = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, item, item.widget)
        metrics = item.fontMetrics
        number = str(count) if count else ""
        number_width = metrics.horizontalAdvance(number) + COUNT_GAP if count else 0
        name_area = area.adjusted(0, 0, -number_width, 0)
        selected = bool(item.state & QStyle.StateFlag.State_Selected)
        palette = item.palette
        painter.save()
        painter.setFont(item.font)
        painter.setPen(palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text))
        painter.drawText(name_area, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                         metrics.elidedText(name, Qt.TextElideMode.ElideRight, name_area.width()))
        if not selected:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
        painter.drawText(area, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, number)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index) -> QSize:  # noqa: N802 - Qt override
        size = super().sizeHint(option, index)
        count = index.data(CountRole)
        if count:
            size.setWidth(size.width() + option.fontMetrics.horizontalAdvance(str(count)) + COUNT_GAP)
        return size


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
        self.setItemDelegate(CountDelegate(self))
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
            item.setData(counts[key] or None, CountRole)
        view, tag = self.current_filter()
        self.selectionModel().blockSignals(True)
        self._tags_group.removeRows(0, self._tags_group.rowCount())
        for tag_count in tags:
            item = QStandardItem(tag_count.name)
            item.setData("tag", KindRole)
            item.setData(tag_count.name, KeyRole)
            item.setData(tag_count.count, CountRole)
            item.setToolTip(f"{tag_count.count} paper{'s' if tag_count.count != 1 else ''} tagged {tag_count.name}")
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
