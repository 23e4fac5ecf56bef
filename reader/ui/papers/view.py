"""The paper table view: sorting by header, a context menu, and drag of selected PDFs."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from reader.ui.papers.model import Column, PaperIdRole, PaperTableModel


class PaperTableView(QTableView):
    """Signals: ``current_paper_changed(int)`` (0 when nothing), ``open_requested(int)``."""

    current_paper_changed = Signal(int)
    open_requested = Signal(int)

    def __init__(self, model: PaperTableModel, parent=None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSortingEnabled(True)
        self.sortByColumn(Column.ADDED, Qt.SortOrder.DescendingOrder)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setSectionsMovable(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Column.TITLE, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(40)
        for column, width in ((Column.AUTHORS, 150), (Column.YEAR, 48), (Column.VENUE, 84),
                              (Column.TAGS, 120), (Column.STATUS, 70), (Column.ADDED, 84)):
            self.setColumnWidth(column, width)
        self.selectionModel().currentRowChanged.connect(self._on_current_changed)
        self.doubleClicked.connect(lambda index: self._emit_open(index.row()))

    def model(self) -> PaperTableModel:  # type: ignore[override]
        return super().model()

    def current_paper_id(self) -> int:
        index = self.currentIndex()
        return (self.model().paper_id(index.row()) or 0) if index.isValid() else 0

    def selected_paper_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.selectionModel().selectedRows()})
        ids = [self.model().paper_id(row) for row in rows]
        if not ids and self.current_paper_id():
            return [self.current_paper_id()]
        return [i for i in ids if i]

    def select_paper(self, paper_id: int) -> bool:
        row = self.model().row_of(paper_id)
        if row < 0:
            return False
        index = self.model().index(row, Column.TITLE)
        self.setCurrentIndex(index)
        self.selectRow(row)
        self.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)
        return True

    def _on_current_changed(self, current, _previous) -> None:
        self.current_paper_changed.emit(current.data(PaperIdRole) or 0 if current.isValid() else 0)

    def _emit_open(self, row: int) -> None:
        paper_id = self.model().paper_id(row)
        if paper_id:
            self.open_requested.emit(paper_id)

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self._emit_open(self.currentIndex().row())
            return
        super().keyPressEvent(event)
