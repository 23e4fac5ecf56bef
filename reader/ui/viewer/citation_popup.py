"""The citation popup's widgets: one card per reference entry, in a card with a soft shadow.

Split from :mod:`reader.ui.viewer.citation_preview`, which decides when to show
them; these only lay out and paint what they are given.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from reader.pdf.citations.model import Entry, Marker
from reader.ui.viewer.figure_preview import PADDING, SHADOW, paint_card

MAX_SHOWN = 6  # entries of one multi-citation shown; the rest are counted


def entry_html(entry: Entry, compact: bool = False) -> str:
    """Title in bold, then authors, year and venue, then the identifiers; the raw text when unparsed.

    ``compact`` (one of several entries): the title, then the first author, year and venue on one line.
    """
    if not entry.title:
        limit = 160 if compact else 400
        return html.escape(entry.text[:limit] + ("…" if len(entry.text) > limit else ""))
    lines = [f"<b>{html.escape(entry.title)}</b>"]
    if compact:
        who = entry.authors[0] + (" et al." if len(entry.authors) > 1 else "") if entry.authors else ""
        line = ", ".join(x for x in (who, entry.year) if x)
        line += f" · {entry.venue}" if entry.venue else ""
        lines.append(html.escape(line))
        return "<br>".join(lines)
    authors = list(entry.authors[:6]) + (["et al."] if len(entry.authors) > 6 else [])
    if authors:
        lines.append(html.escape(", ".join(authors)))
    where = " · ".join(x for x in (entry.year, entry.venue) if x)
    if where:
        lines.append(f"<i>{html.escape(where)}</i>")
    ids = " · ".join(x for x in (f"DOI {entry.doi}" if entry.doi else "",
                                 f"arXiv:{entry.arxiv_id}" if entry.arxiv_id else "") if x)
    if ids:
        lines.append(html.escape(ids))
    return "<br>".join(lines)


class EntryCard(QWidget):
    """One entry: its text, then "In your library" or the Add button."""

    add_requested = Signal(object)  # Entry

    def __init__(self, entry: Entry, in_library: str | None, width: int, parent: QWidget, *,
                 compact: bool = False, can_add: bool = True) -> None:
        super().__init__(parent)
        self.entry, self.can_add = entry, can_add
        self.text = QLabel(entry_html(entry, compact), self, wordWrap=True, textFormat=Qt.TextFormat.RichText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.state = QLabel(self)
        self.add = QPushButton("Add" if compact else "Add to reading list", self)
        self.add.setToolTip("Add to reading list")
        self.add.setAutoDefault(False)
        self.add.clicked.connect(lambda: self.add_requested.emit(self.entry))
        self.row = QWidget(self)  # the state or the button: beside the text when compact, under it when not
        row = QHBoxLayout(self.row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.state, 1)
        row.addWidget(self.add)
        if compact:
            self.text.setFixedWidth(width - 90)
            line = QHBoxLayout(self)
            line.setContentsMargins(0, 0, 0, 0)
            line.addWidget(self.text, 1)
            line.addWidget(self.row, 0, Qt.AlignmentFlag.AlignTop)
            self.row.setFixedWidth(84)
        else:
            self.text.setFixedWidth(width)
            column = QVBoxLayout(self)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(4)
            column.addWidget(self.text)
            column.addWidget(self.row)
        self.set_in_library(in_library)

    def set_in_library(self, title: str | None, added: bool = False) -> None:
        if title is None:
            self.state.setText("")
            self.state.hide()
            self.add.setVisible(self.can_add)
            self.row.setVisible(self.can_add)
            return
        self.add.hide()
        self.state.show()
        self.row.show()
        compact = self.add.text() == "Add"
        self.state.setText(("✓ Added" if compact else "✓ Added to your reading list") if added
                           else ("✓ In library" if compact else "✓ In your library"))
        self.state.setToolTip(title)


class CitationPopup(QWidget):
    """The entries a marker points to, painted as a card with a soft shadow like the figure preview."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("citationPreview")
        self.marker: Marker | None = None
        self.cards: list[EntryCard] = []
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(PADDING + SHADOW, PADDING + SHADOW, PADDING + SHADOW, PADDING + SHADOW - 2)
        self.column.setSpacing(10)
        self.footer = QLabel(self)
        font = self.footer.font()
        font.setPointSizeF(font.pointSizeF() * 0.9)
        self.footer.setFont(font)
        palette = self.footer.palette()
        palette.setColor(QPalette.ColorRole.WindowText, self.palette().color(QPalette.ColorRole.PlaceholderText))
        self.footer.setPalette(palette)
        self.hide()

    def set_content(self, marker: Marker, entries: list[Entry], in_library: dict[int, str | None],
                    width: int, footer: str, can_add: bool = True) -> None:
        self.marker = marker
        for card in self.cards:  # out of the popup now: a deferred delete waits for the event loop
            self.column.removeWidget(card)
            card.hide()
            card.setParent(None)
            card.deleteLater()
        self.column.removeWidget(self.footer)
        self.cards = []
        compact = len(entries) > 2  # several entries: a line or two each, so the card stays small
        self.column.setSpacing(6 if compact else 10)
        for entry in entries[:MAX_SHOWN]:
            card = EntryCard(entry, in_library.get(entry.number), width, self, compact=compact, can_add=can_add)
            self.column.addWidget(card)
            self.cards.append(card)
        more = len(entries) - MAX_SHOWN
        self.footer.setText((f"and {more} more · " if more > 0 else "") + footer)
        self.column.addWidget(self.footer)
        self.adjustSize()

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        paint_card(self, painter)
        painter.end()
