"""The paper table's model: a count, pages of ids, and rows fetched on demand.

The model never holds the whole query: it knows how many papers match, asks the
library for the page of ids a painted row falls in, and fetches the rows of that
page into a bounded cache. So a keystroke in the search box costs one COUNT and
one page, whether the library holds a hundred papers or a hundred thousand.
Sorting and filtering are done by SQLite, not by a proxy model over every row.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace
from datetime import timezone
from enum import IntEnum
from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QApplication

from reader.library import PaperQuery, PaperRow
from reader.library.search import parse_query

if TYPE_CHECKING:  # the façade's import waits for the first paint (reader.app)
    from reader.library import Library


class Column(IntEnum):
    TITLE = 0
    AUTHORS = 1
    YEAR = 2
    VENUE = 3
    TAGS = 4
    STATUS = 5
    ADDED = 6

    @property
    def header(self) -> str:
        return self.name.title()

    @property
    def sort_key(self) -> str:
        return {Column.TAGS: "title"}.get(self, self.name.lower())


BLOCK = 100
PAGE = 500
FIRST_COUNT = 2000  # rows known after a keystroke; more are counted as the user scrolls
CACHE_ROWS = 3000
CACHE_PAGES = 40
HIT_BATCH = 25  # rows whose body-text snippets are looked up together, about a screenful
PaperIdRole = Qt.ItemDataRole.UserRole + 1
BodyHitRole = Qt.ItemDataRole.UserRole + 2  # a BodyHit (page and snippet) when only the paper's own text matched


class PaperTableModel(QAbstractTableModel):
    def __init__(self, library: Library, parent=None) -> None:
        super().__init__(parent)
        self._library = library
        self._query = PaperQuery()
        self._count = 0
        self._complete = True
        self._pages: OrderedDict[int, list[int]] = OrderedDict()
        self._rows: OrderedDict[int, PaperRow] = OrderedDict()
        self._body_hits: dict[int, object] = {}  # papers found by their pages alone, of those looked at
        self._hits_checked: dict[int, None] = {}  # papers looked at for a body hit under this query, oldest first
        self._look_for_body_hits = False

    # The query -----------------------------------------------------------------

    @property
    def query(self) -> PaperQuery:
        return self._query

    def set_query(self, query: PaperQuery) -> None:
        self._query = query
        self.reload()

    def reload(self) -> None:
        """Re-run the query; cached rows are dropped so edits show."""
        self.beginResetModel()
        self._forget()
        self.endResetModel()

    def _forget(self) -> None:
        self._pages.clear()
        if _filtered(self._query):
            self._count = self._library.count(self._query, at_most=FIRST_COUNT)
        else:
            # The first FIRST_COUNT ids in order, in one query: their number is the count so far,
            # and they are the first pages, which a count and then a page would each walk again.
            first = self._library.query_ids(self._query, offset=0, limit=FIRST_COUNT)
            self._count = len(first)
            for number in range(-(-len(first) // PAGE)):
                page = first[number * PAGE:(number + 1) * PAGE]
                if len(page) == PAGE or len(first) < FIRST_COUNT:  # a short page is the end, only when it is
                    self._pages[number] = page
        self._complete = self._count < FIRST_COUNT
        self._rows.clear()
        self._body_hits.clear()
        self._hits_checked.clear()
        self._look_for_body_hits = bool(self._query.text.strip()) and self._library.has_page_text()

    def total(self) -> int:
        """Every paper the query shows, not only the rows counted so far."""
        return self._count if self._complete else self._library.count(self._query)

    def refresh_ids(self, paper_ids) -> None:
        """Drop cached rows for changed papers and repaint them, keeping the selection."""
        for paper_id in paper_ids:
            self._rows.pop(paper_id, None)
            self._body_hits.pop(paper_id, None)
            self._hits_checked.pop(paper_id, None)
        positions = [p for p in (self._cached_position(i) for i in paper_ids) if p >= 0]
        if positions:
            self.dataChanged.emit(self.index(min(positions), 0),
                                  self.index(max(positions), len(Column) - 1))

    def paper_id(self, row: int) -> int | None:
        if row < 0 or (row >= self._count and self._complete):
            return None
        page = self._page(row // PAGE)
        offset = row % PAGE
        return page[offset] if offset < len(page) else None

    def _page(self, number: int) -> list[int]:
        page = self._pages.get(number)
        if page is None:
            page = self._library.query_ids(self._query, offset=number * PAGE, limit=PAGE)
            self._pages[number] = page
            while len(self._pages) > CACHE_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(number)
        return page

    def _cached_position(self, paper_id: int) -> int:
        for number, page in self._pages.items():
            if paper_id in page:
                return number * PAGE + page.index(paper_id)
        return -1

    def row_of(self, paper_id: int, search_pages: int = 20) -> int:
        """The row showing ``paper_id``, looking through at most ``search_pages`` pages."""
        found = self._cached_position(paper_id)
        if found >= 0:
            return found
        for number in range(search_pages):
            page = self._page(number)
            if paper_id in page:
                row = number * PAGE + page.index(paper_id)
                while row >= self._count and not self._complete:
                    self.fetchMore()
                return row if row < self._count else -1
            if len(page) < PAGE:
                break
        return -1

    def body_hit(self, paper_id: int):
        """Where the search found the paper's own text (a BodyHit), if that is how it was found."""
        self._check_body_hits([paper_id])
        return self._body_hits.get(paper_id)

    def _body_hit_at(self, row: int):
        """The row's BodyHit; rows are looked up a few at a time from the first one painted, since
        a snippet costs a page of text, so only rows on screen should pay for it."""
        paper_id = self.paper_id(row)
        if paper_id is not None and paper_id not in self._hits_checked:
            self._check_body_hits([i for i in (self.paper_id(r) for r in range(row, min(self._count, row + HIT_BATCH)))
                                   if i is not None])
        return self._body_hits.get(paper_id)

    def _check_body_hits(self, paper_ids: list[int]) -> None:
        wanted = [i for i in paper_ids if i not in self._hits_checked]
        if not self._look_for_body_hits or not wanted:
            return
        self._body_hits.update(self._library.body_hits(wanted, self._query.text))
        self._hits_checked.update(dict.fromkeys(wanted))
        if len(self._hits_checked) > CACHE_ROWS:  # the oldest looked at are forgotten first
            for old in list(self._hits_checked)[:len(self._hits_checked) - CACHE_ROWS]:
                del self._hits_checked[old]
                self._body_hits.pop(old, None)

    def ids(self) -> list[int]:
        return self._library.query_ids(self._query)

    def row_record(self, row: int) -> PaperRow | None:
        paper_id = self.paper_id(row)
        if paper_id is None:
            return None
        cached = self._rows.get(paper_id)
        if cached is None:
            self._fetch_block(row)
            cached = self._rows.get(paper_id)
        else:
            self._rows.move_to_end(paper_id)
        return cached

    def _fetch_block(self, row: int) -> None:
        start = max(0, row - BLOCK // 4)
        ids = (self.paper_id(r) for r in range(start, min(self._count, start + BLOCK)))
        wanted = [i for i in ids if i is not None and i not in self._rows]
        for record in self._library.paper_rows(wanted):
            self._rows[record.id] = record
        while len(self._rows) > CACHE_ROWS:
            self._rows.popitem(last=False)

    # Qt overrides --------------------------------------------------------------

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return Column(section).header
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if role == PaperIdRole:
            return self.paper_id(index.row())
        record = self.row_record(index.row())
        if record is None:
            return None
        column = Column(index.column())
        if role == BodyHitRole:
            return self._body_hit_at(index.row())
        if role == Qt.ItemDataRole.ToolTipRole and column == Column.TITLE and self._body_hit_at(index.row()):
            return f"{record.title}\n{self._body_hits[record.id].describe()}"
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return _display(record, column, tooltip=role == Qt.ItemDataRole.ToolTipRole)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == Column.YEAR:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and column == Column.TITLE and record.status.value == "to_read":
            font = QFont(QApplication.font())
            font.setWeight(QFont.Weight.DemiBold)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and column in (Column.AUTHORS, Column.ADDED, Column.VENUE):
            return QApplication.palette().color(QPalette.ColorGroup.Active, QPalette.ColorRole.PlaceholderText)
        return None

    def canFetchMore(self, parent=QModelIndex()) -> bool:  # noqa: N802
        return not parent.isValid() and not self._complete

    def fetchMore(self, parent=QModelIndex()) -> None:  # noqa: N802
        if parent.isValid() or self._complete:
            return
        wanted = self._count * 4
        counted = self._library.count(self._query, at_most=wanted)
        if counted > self._count:
            self.beginInsertRows(QModelIndex(), self._count, counted - 1)
            self._count = counted
            self.endInsertRows()
        self._complete = counted < wanted

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        self.beginResetModel()
        self._query = replace(self._query, sort=Column(column).sort_key,
                              descending=order == Qt.SortOrder.DescendingOrder)
        self._forget()
        self.endResetModel()

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled


def _filtered(query: PaperQuery) -> bool:
    """A tag, status or year narrowing typed words: there the ids of the first pages can cost more than a
    count and one page (the papers found by title come in fewer than FIRST_COUNT, so the search runs on
    into the other fields and walks the index twice)."""
    if not query.text.strip():
        return False
    parsed = parse_query(query.text)
    return bool(parsed.fts) and bool(query.tag or parsed.tags or parsed.statuses or parsed.years)


def _display(record: PaperRow, column: Column, tooltip: bool = False):
    if column == Column.TITLE:
        return record.title
    if column == Column.AUTHORS:
        return record.authors.replace(";", ",")
    if column == Column.YEAR:
        return str(record.year) if record.year else ""
    if column == Column.VENUE:
        return record.venue
    if column == Column.TAGS:
        return ", ".join(record.tags)
    if column == Column.STATUS:
        return record.status.label
    if column == Column.ADDED:
        if record.added_at is None:
            return "unknown"
        local = record.added_at.replace(tzinfo=timezone.utc).astimezone()
        return local.strftime("%Y-%m-%d %H:%M" if tooltip else "%Y-%m-%d")
    return None
