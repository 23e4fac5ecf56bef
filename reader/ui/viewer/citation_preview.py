"""Hovering an in-text citation ("[12]", "Lan et al. (2020)", a raised ³) shows its reference entry.

The paper's citation index (:mod:`reader.pdf.citations`) is built once in the
render process, which already has the document open, right after the first
page is drawn; for a library paper it is kept in the library folder by PDF hash,
so the next opening reads a file instead. Hover lookups are then a scan of the
page's markers (microseconds).

The popup is a child of the page viewport, like the figure preview, but takes
the mouse: it holds an **Add to reading list** button per entry. The pointer may
travel from the marker into the popup; leaving both closes it. An added paper
is built from the parsed entry (title, authors, year, venue, DOI, arXiv id),
tagged "cited by: <this paper>", with the citing sentence as its first note; one
with a DOI or arXiv id is marked to fetch later, and the window fetches its
details and PDF at once when the network is there (``reader.ui.online_add``).
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPointF, Qt, QTimer, Signal

from reader.errors import ReaderError
from reader.pdf.citations import cache
from reader.pdf.citations.context import sentence_around
from reader.pdf.citations.library_match import LibraryMatcher, LibraryPaper
from reader.pdf.citations.model import CitationIndex, Entry, Marker
from reader.ui.viewer.citation_popup import MAX_SHOWN, CitationPopup
from reader.ui.viewer.figure_preview import (
    LEAVE_GRACE_MS,
    MARGIN,
    PADDING,
    SHADOW,
    SHOW_DELAY_MS,
    place_beside_line,
)

if TYPE_CHECKING:
    from reader.library import Library
    from reader.ui.viewer.viewer_tab import ViewerTab

log = logging.getLogger(__name__)

WIDTH = 440
FETCH_REASON = "added from a reference; its details and PDF are not fetched yet"
_DISMISSING = (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride, QEvent.Type.Hide, QEvent.Type.Wheel)
INDEX_AFTER_MS = 1000  # after the first page, before the render process reads the paper's references


def cited_by_tag(title: str) -> str:
    short = " ".join(title.split())
    return f"cited by: {short[:80].rstrip() + '…' if len(short) > 80 else short}"


class CitationPreview(QObject):
    """Builds or reads the paper's citation index, and shows, moves and hides the popup."""

    index_ready = Signal()
    paper_added = Signal(int)  # the new paper's id

    def __init__(self, tab: ViewerTab, library: Library | None = None, paper_id: int | None = None,
                 runner=None) -> None:
        super().__init__(tab)
        self.tab, self.library, self.paper_id, self.runner = tab, library, paper_id, runner
        self.view = view = tab.view
        self.popup = CitationPopup(view.viewport())
        self.index: CitationIndex | None = None
        self._request: int | None = None
        self._asked_for: int | None = None  # the doc id the index was asked for
        self._matcher: LibraryMatcher | None = None
        self._matcher_build: threading.Thread | None = None  # started when the index is ready
        self._built: LibraryMatcher | None = None
        self._found: dict[int, str | None] = {}  # entry number -> title of the library paper it is, or None
        self._target: tuple[Marker, QPointF] | None = None
        self._press: tuple[Marker, QPointF] | None = None
        self._in_popup = False
        self._show_timer = QTimer(self, singleShot=True, interval=SHOW_DELAY_MS, timeout=self._show)
        self._leave_timer = QTimer(self, singleShot=True, interval=LEAVE_GRACE_MS, timeout=self._left)
        self._index_timer = QTimer(self, singleShot=True, interval=INDEX_AFTER_MS, timeout=self.ensure_index)
        view.hovered.connect(self._on_hovered)
        view.verticalScrollBar().valueChanged.connect(self.dismiss)
        view.horizontalScrollBar().valueChanged.connect(self.dismiss)
        view.zoom_changed.connect(lambda _z: self.dismiss())
        view.client.document_details.connect(self._on_details)
        view.client.citations_done.connect(self._on_index)
        view.installEventFilter(self)
        view.viewport().installEventFilter(self)
        self.popup.installEventFilter(self)

    # the index ------------------------------------------------------------------------------

    def _pdf_hash(self) -> str:
        if self.library is None or self.paper_id is None:
            return ""
        try:
            return self.library.paper(self.paper_id).pdf_hash
        except (ReaderError, AttributeError):
            return ""

    def ensure_index(self) -> None:
        """Read the cached index, or ask the render process to build it (once per opened document)."""
        doc_id = self.view.doc_id
        if self.index is not None or doc_id is None or self._asked_for == doc_id:
            return
        self._asked_for = doc_id
        if self.library is not None:
            cached = cache.load(self.library.home, self._pdf_hash())
            if cached is not None:
                self._keep(cached)
                return
        self._request = self.view.client.request_citations(doc_id)

    def _on_details(self, doc_id: int, _info) -> None:
        """The first page is drawn: the references are read a moment later, if the tab is still open.

        Not at once: reading them keeps the render process busy for 0.1-0.3 s, and a paper
        opened next in that time waited for it (a first page at 300 ms instead of 40). A
        hover over a marker before then asks for the index itself (:meth:`marker_at`).
        """
        if doc_id == self.view.doc_id and self.index is None:
            self._index_timer.start()

    def _on_index(self, req_id: int, payload) -> None:
        if req_id != self._request:
            return
        self._request = None
        try:
            index = CitationIndex.from_dict(payload) if payload is not None else CitationIndex(note="Not read.")
        except ValueError:
            index = CitationIndex(note="Not read.")
        if payload is not None and self.library is not None:
            cache.save(self.library.home, self._pdf_hash(), index)
        self._keep(index)

    def _keep(self, index: CitationIndex) -> None:
        self.index = index
        self._start_matcher()
        self.index_ready.emit()

    def _start_matcher(self) -> None:
        """Read the library's titles for "in your library" now, off the UI thread: at 100,000 papers that
        takes about a second, which the first hover would otherwise wait for."""
        if self.library is None or self._matcher is not None or self._matcher_build is not None:
            return

        def build() -> None:
            self._built = self._make_matcher()

        self._matcher_build = threading.Thread(target=build, name="citation-matcher", daemon=True)
        self._matcher_build.start()

    def forget_index(self) -> None:
        """The document was replaced (relinked): its index is read anew."""
        self.dismiss()
        self.index, self._asked_for, self._request = None, None, None

    def matcher(self) -> LibraryMatcher:
        if self._matcher is None:
            build, self._matcher_build = self._matcher_build, None
            if build is not None:
                build.join()  # long done by the time anyone hovers, in practice
            self._matcher = self._built if build is not None and self._built is not None else self._make_matcher()
            self._built = None
        return self._matcher

    def _make_matcher(self) -> LibraryMatcher:
        papers = []
        if self.library is not None:
            try:
                papers = [LibraryPaper(*row[:5]) for row in self.library.listed_identities() if row[0] != self.paper_id]
            except ReaderError:
                papers = []
        return LibraryMatcher(papers)

    def in_library(self, entry: Entry) -> str | None:
        """The title of the library paper this entry is, or None; remembered until a paper is added."""
        if entry.number not in self._found:
            found = self.matcher().find(entry)
            self._found[entry.number] = found.title if found is not None else None
        return self._found[entry.number]

    # hovering -------------------------------------------------------------------------------

    def marker_at(self, pos: QPointF) -> Marker | None:
        if self.index is None:
            self.ensure_index()
            return None
        point = self.view.page_point(pos)
        if point is None:
            return None
        return self.index.marker_at(*point)

    def _on_hovered(self, page: int, _index: object, pos: QPointF) -> None:
        marker = self.marker_at(pos) if page >= 0 else None
        if marker is None:
            if (self._target is not None or self.popup.isVisible()) and not self._leave_timer.isActive():
                self._leave_timer.start()
            return
        self._leave_timer.stop()
        if self.view.link_at(pos) is None and self._selecting():
            self.view.viewport().setCursor(Qt.CursorShape.PointingHandCursor)  # a click goes to the entry
        self._target = (marker, pos)
        if self.popup.isVisible():
            if self.popup.marker != marker:
                self._show()
        elif not self._show_timer.isActive():
            self._show_timer.start()

    def _left(self) -> None:
        if not self._in_popup:
            self.dismiss()

    def dismiss(self) -> None:
        self._show_timer.stop()
        self._leave_timer.stop()
        self._target = None
        self._in_popup = False
        if not self.popup.isHidden():
            self.popup.hide()

    def entries_of(self, marker: Marker) -> list[Entry]:
        """The hovered marker's entries first, then those of its parenthesis' other markers."""
        assert self.index is not None
        numbers = list(marker.entries)
        for other in self.index.group_of(marker):
            numbers += [n for n in other.entries if n not in numbers]
        return [e for e in (self.index.entry(n) for n in numbers) if e is not None]

    def _show(self) -> None:
        if self._target is None or self.index is None or self.view.layout_ is None:
            return
        marker, mouse = self._target
        entries = self.entries_of(marker)
        if not entries:
            return
        in_library = {entry.number: self.in_library(entry) for entry in entries[:MAX_SHOWN]}
        width = max(200, min(WIDTH, self.view.viewport().width() - 2 * (MARGIN + PADDING + SHADOW)))
        page = entries[0].page + 1
        footer = f"Reference {marker.entries[0]} on p. {page} · Click the citation to go there"
        if marker.style == "author-year" or not entries[0].label:
            footer = f"References, p. {page} · Click the citation to go there"
        # a PDF from outside the library: nothing to add to
        self.popup.set_content(marker, entries, in_library, width, footer, can_add=self.library is not None)
        for card in self.popup.cards:
            card.add_requested.connect(self.add_entry)
        self._place(marker, mouse)
        self.popup.show()
        self.popup.raise_()

    def _place(self, marker: Marker, mouse: QPointF) -> None:
        """Below the marker's line, else above it; always inside the viewport."""
        layout, view = self.view.layout_, self.view
        scrolled = view.verticalScrollBar().value()
        top = layout.from_page(marker.page, 0, marker.box[1])[1] - scrolled
        bottom = layout.from_page(marker.page, 0, marker.box[3])[1] - scrolled
        place_beside_line(self.popup, view.viewport().rect(), mouse.x(), top, bottom, gap=2)

    # adding ---------------------------------------------------------------------------------

    def add_entry(self, entry: Entry) -> None:
        """Add the cited paper from the popup, with the sentence that cites it as its first note."""
        marker = self.popup.marker
        sentence = sentence_around(self.view._words.get(marker.page, []), marker.box) if marker else ""
        self.add_entries([entry], sentence, marker.page + 1 if marker else None)

    def add_entries(self, entries: list[Entry], sentence: str = "", page: int | None = None, then=None) -> None:
        """Add cited papers offline, from their parsed entries, in one transaction each; ``then(ids)`` after."""
        if self.library is None or not entries:
            return
        citing = self.tab.title or "this paper"
        made = [(entry, *paper_from_entry(entry, citing, sentence, page)) for entry in entries]
        library = self.library

        def work() -> list[int]:
            ids = []
            for _entry, fields, note in made:
                paper_id = library.add_paper(fields)
                library.add_note(paper_id, note)
                if fields.doi or fields.arxiv_id:
                    library.mark_fetch_later(paper_id, FETCH_REASON)
                ids.append(paper_id)
            return ids

        def done(ids: list[int]) -> None:
            self._matcher = None
            self._start_matcher()  # the new papers are in the library now
            self._found.clear()
            for entry, fields, _note in made:
                for card in self.popup.cards:
                    if card.entry == entry:
                        card.set_in_library(fields.title, added=True)
            for paper_id in ids:
                self.paper_added.emit(paper_id)
            if then is not None:
                then(ids)

        def failed(exc: BaseException) -> None:
            self.tab._show_status(f"Not added: {exc}")

        if self.runner is not None:
            self.runner.run(work, done, failed)
        else:
            try:
                done(work())
            except ReaderError as exc:
                failed(exc)

    # clicks, keys, scrolling away -----------------------------------------------------------

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        kind = event.type()
        if obj is self.popup:
            if kind == QEvent.Type.Enter:
                self._in_popup = True
                self._leave_timer.stop()
            elif kind == QEvent.Type.Leave:
                self._in_popup = False
                self._leave_timer.start()
            return False
        if kind == QEvent.Type.MouseButtonPress:
            plain = event.button() == Qt.MouseButton.LeftButton and not event.modifiers()
            marker = self.marker_at(event.position()) if plain else None
            self._press = (marker, event.position()) if marker is not None and self._selecting() else None
            self.dismiss()
        elif kind == QEvent.Type.MouseButtonRelease:
            press, self._press = self._press, None
            if press is not None and (event.position() - press[1]).manhattanLength() <= 3:
                self.follow(press[0], event.position())
        elif kind in _DISMISSING:
            self.dismiss()
        elif kind == QEvent.Type.Leave and obj is self.view.viewport():
            if self.popup.isVisible() and not self._leave_timer.isActive():
                self._leave_timer.start()
        elif kind == QEvent.Type.ToolTip and self.popup.isVisible():
            return True  # a linked marker's "Go to page 9" tip would sit on top of the popup
        return False

    def _selecting(self) -> bool:
        annotations = self.tab.annotations
        return annotations is None or annotations.layer.tool == "select"

    def follow(self, marker: Marker, pos: QPointF | None = None) -> None:
        """A click on a marker without a link of its own goes to its entry; Alt+Left comes back."""
        view = self.view
        if self.index is None or (pos is not None and view.link_at(pos) is not None) or view.has_selection():
            return
        entry = self.index.entry(marker.entries[0])
        if entry is None:
            return
        view.remember_position()
        view.go_to_page(entry.page, entry.box[1], flash_rect=entry.box)


def paper_from_entry(entry: Entry, citing: str, sentence: str = "", page: int | None = None):
    """(PaperFields, first note) for a cited paper: tagged where it came from."""
    from reader.library import PaperFields

    fields = PaperFields(
        title=entry.title or entry.text[:300], authors=tuple(entry.authors), year=_year(entry.year),
        venue=entry.venue, doi=entry.doi, arxiv_id=entry.arxiv_id,
        url=f"https://doi.org/{entry.doi}" if entry.doi else "", tags=(cited_by_tag(citing),))
    where = f"Cited on p. {page} of *{citing}*." if page and sentence else f"In the references of *{citing}*."
    note = (f"> {sentence}\n\n" if sentence else "") + where + f"\n\nThe reference as printed:\n\n> {entry.text}"
    return fields, note


def _year(text: str) -> int | None:
    return int(text[:4]) if text[:4].isdigit() else None
