"""The library's Figures view: every figure and table as a grid, searchable by caption.

A list model over plain figure rows; thumbnails are loaded only when painted and
kept in a small cache, so a library with thousands of figures opens at once.
"""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

from PySide6.QtCore import QAbstractListModel, QModelIndex, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QPalette, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QVBoxLayout,
    QWidget,
)

from reader.library import FigureRow, Library
from reader.library.inside import inside_library

TILE = QSize(200, 150)
PIXMAP_CACHE = 300
FigureRole = Qt.ItemDataRole.UserRole + 1


class FigureListModel(QAbstractListModel):
    def __init__(self, library: Library, parent=None) -> None:
        super().__init__(parent)
        self._library = library
        self._rows: list[FigureRow] = []
        self._pixmaps: OrderedDict[str, QPixmap] = OrderedDict()

    def search(self, text: str = "", tag: str | None = None) -> None:
        self.beginResetModel()
        self._rows = self._library.figures(text, tag)
        self.endResetModel()

    def figure(self, row: int) -> FigureRow:
        return self._rows[row]

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            title = row.paper_title if len(row.paper_title) <= 34 else row.paper_title[:33] + "…"
            return f"{row.label}\n{title}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"<b>{row.paper_title}</b>, page {row.page}<br>{row.text}"
        if role == Qt.ItemDataRole.DecorationRole:
            return self._pixmap(row)
        if role == FigureRole:
            return row
        return None

    def _pixmap(self, row: FigureRow) -> QPixmap | None:
        if not row.thumbnail:
            return None
        cached = self._pixmaps.get(row.thumbnail)
        if cached is None:
            source = inside_library(self._library.home, row.thumbnail, "thumbnails")
            cached = QPixmap(str(source)) if source else QPixmap()
            if not cached.isNull():
                cached = cached.scaled(TILE, Qt.AspectRatioMode.KeepAspectRatio,
                                       Qt.TransformationMode.SmoothTransformation)
            self._pixmaps[row.thumbnail] = cached
            while len(self._pixmaps) > PIXMAP_CACHE:
                self._pixmaps.popitem(last=False)
        else:
            self._pixmaps.move_to_end(row.thumbnail)
        return None if cached.isNull() else cached


class FigureTileDelegate(QStyledItemDelegate):
    """A fixed tile: the figure centred in its box (or its caption, when there is no image), label and paper below."""

    PADDING = 8
    TEXT_LINES = 2

    def sizeHint(self, option, index) -> QSize:  # noqa: N802
        line = option.fontMetrics.height()
        return QSize(TILE.width() + 2 * self.PADDING, TILE.height() + 2 * self.PADDING + line * (self.TEXT_LINES + 1))

    def paint(self, painter, option, index) -> None:
        row: FigureRow = index.data(FigureRole)
        painter.save()
        palette = option.palette
        rect = option.rect.adjusted(2, 2, -2, -2)
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(rect, palette.color(QPalette.ColorRole.Highlight).lighter(170))
        box = QRect(rect.left() + self.PADDING - 2, rect.top() + self.PADDING - 2, TILE.width(), TILE.height())
        painter.fillRect(box, palette.color(QPalette.ColorRole.Base))
        pixmap = index.data(Qt.ItemDataRole.DecorationRole)
        if pixmap is not None:
            x = box.left() + (box.width() - pixmap.width()) // 2
            y = box.top() + (box.height() - pixmap.height()) // 2
            painter.drawPixmap(x, y, pixmap)
        else:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(box.adjusted(6, 6, -6, -6), int(Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignTop),
                             row.text)
        painter.setPen(palette.color(QPalette.ColorRole.Mid))
        painter.drawRect(box)
        line = option.fontMetrics.height()
        text_top = box.bottom() + 4
        bold = QFont(option.font)
        bold.setWeight(QFont.Weight.DemiBold)
        painter.setFont(bold)
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        label = f"{row.label or row.kind.title()} · p. {row.page}" if row.page else (row.label or row.kind.title())
        painter.drawText(QRect(box.left(), text_top, box.width(), line), int(Qt.AlignmentFlag.AlignLeft), label)
        painter.setFont(option.font)
        painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
        title = option.fontMetrics.elidedText(row.paper_title, Qt.TextElideMode.ElideRight, box.width() * 2 - 20)
        painter.drawText(QRect(box.left(), text_top + line, box.width(), line * self.TEXT_LINES),
                         int(Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft), title)
        painter.restore()


class FiguresView(QWidget):
    """Signals: ``figure_activated(FigureRow)`` (double-click or Enter)."""

    figure_activated = Signal(object)

    def __init__(self, library: Library, tag: str | None = None, parent=None) -> None:
        super().__init__(parent)
        self.tag = tag
        self.model = FigureListModel(library, self)
        self.search = QLineEdit(placeholderText="Search captions, e.g. attention heatmap")
        self.search.setClearButtonEnabled(True)
        self.count_label = QLabel()
        self._timer = QTimer(self, singleShot=True, interval=120)
        self._timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.grid = QListView()
        self.grid.setModel(self.model)
        self.grid.setViewMode(QListView.ViewMode.IconMode)
        self.grid.setItemDelegate(FigureTileDelegate(self.grid))
        self.grid.setResizeMode(QListView.ResizeMode.Adjust)
        self.grid.setMovement(QListView.Movement.Static)
        self.grid.setUniformItemSizes(True)  # every tile has the delegate's fixed size
        self.grid.setSpacing(6)
        self.grid.activated.connect(lambda index: self.figure_activated.emit(index.data(FigureRole)))
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.grid, 1)
        self.refresh()

    def refresh(self) -> None:
        self.model.search(self.search.text(), self.tag)
        count = self.model.rowCount()
        scope = f" tagged {self.tag}" if self.tag else ""
        self.count_label.setText(f"{count} figure{'s' if count != 1 else ''} and tables{scope}")

    def library_home(self) -> Path:
        return self.model._library.home
