"""The paper table view: sorting by header, a context menu, and drag of selected PDFs."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QStyledItemDelegate, QTableView

from reader.ui.papers.model import BodyHitRole, Column, PaperIdRole, PaperTableModel

DEFAULT_WIDTHS = {Column.AUTHORS: 150, Column.YEAR: 48, Column.VENUE: 84, Column.TAGS: 120, Column.STATUS: 70,
                  Column.ADDED: 84}
MINIMUM_WIDTH = 36  # about four digits: a year still shows
TITLE_CHARS = 28  # Title gets this many letters before any other column is given its full width…
TITLE_SHARE = 0.5  # …or this share of a narrow table
PRIORITY = (Column.AUTHORS, Column.YEAR, Column.TAGS, Column.STATUS, Column.VENUE, Column.ADDED)


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
        header.setMinimumSectionSize(MINIMUM_WIDTH)
        self._fitting = False
        self.preferred_widths = dict(DEFAULT_WIDTHS)
        header.sectionResized.connect(self._on_section_resized)
        self.fit_columns()
        self.setItemDelegateForColumn(Column.TITLE, _TitleWithBodyHit(self))
        self.selectionModel().currentRowChanged.connect(self._on_current_changed)
        self.doubleClicked.connect(lambda index: self._emit_open(index.row()))

    # column widths ------------------------------------------------------------------------

    def fit_columns(self) -> None:
        """Give Title its room first; the other columns shrink to fit, and the least needed step aside.

        Each column keeps the width the reader gave it (``preferred_widths``) whenever there
        is room. In a narrow table they shrink toward their readable width, and when even
        that does not fit, columns are hidden from the end of ``PRIORITY`` (Added first)
        rather than cut to "20…". Widening the window brings them back.
        """
        available = self.viewport().width() if self.isVisible() else self.width()
        title_room = min(TITLE_CHARS * self.fontMetrics().averageCharWidth(), round(available * TITLE_SHARE))
        room = max(0, available - title_room)
        readable = {c: min(self.readable_width(c), self.preferred_widths[c]) for c in PRIORITY}
        shown = list(PRIORITY)
        while len(shown) > 1 and sum(readable[c] for c in shown) > room:
            shown.pop()
        least = sum(readable[c] for c in shown)
        most = sum(self.preferred_widths[c] for c in shown)
        give = 1.0 if most <= room else max(0.0, (room - least) / (most - least))
        self._fitting = True
        try:
            for column in PRIORITY:
                self.setColumnHidden(column, column not in shown)
            for column in shown:
                width = readable[column] + give * (self.preferred_widths[column] - readable[column])
                self.setColumnWidth(column, max(MINIMUM_WIDTH, int(width)))
        finally:
            self._fitting = False

    def readable_width(self, column: Column) -> int:
        """The narrowest a column may come back from a saved state: its heading and sort arrow."""
        return self.fontMetrics().horizontalAdvance(column.header) + 28

    def restore_header(self, state: QByteArray) -> None:
        """Restore order, sort and widths, but not widths too narrow to read (saved on a smaller or scaled screen)."""
        header = self.horizontalHeader()
        if not header.restoreState(state):
            return
        header.setSectionResizeMode(Column.TITLE, QHeaderView.ResizeMode.Stretch)
        for column in Column:
            if column != Column.TITLE:
                self.setColumnHidden(column, False)  # hidden only to fit; fit_columns decides again
                width = header.sectionSize(column)
                self.preferred_widths[column] = width if width >= self.readable_width(column) else DEFAULT_WIDTHS[column]
        self.fit_columns()

    def save_header(self) -> QByteArray:
        """The header's state with the widths the reader chose, not those squeezed to fit this window."""
        self._fitting = True
        try:
            for column, width in self.preferred_widths.items():
                self.setColumnHidden(column, False)
                self.setColumnWidth(column, width)
            return self.horizontalHeader().saveState()
        finally:
            self._fitting = False
            self.fit_columns()

    def _on_section_resized(self, column: int, _old: int, new: int) -> None:
        if not self._fitting and column != Column.TITLE and new >= MINIMUM_WIDTH:
            self.preferred_widths[Column(column)] = new

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self.fit_columns()

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


class _TitleWithBodyHit(QStyledItemDelegate):
    """A paper found by its own text shows where after its title: "Title  ·  p. 7: …the contrastive loss…"."""

    def initStyleOption(self, option, index) -> None:  # noqa: N802 - Qt override
        super().initStyleOption(option, index)
        hit = index.data(BodyHitRole)
        if hit is not None:
            option.text = f"{option.text}  ·  {hit.describe()}"
