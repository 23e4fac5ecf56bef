"""Keeping "cited by N / cites N in your library" up to date, in the background.

Each library PDF's citation index is read once, through the extraction process
(so the window never waits on PyMuPDF), and kept beside the library by PDF hash
(:mod:`reader.pdf.citations.cache`) — the same file the viewer's hover popup
uses. Then the graph of the library's own papers is built
(:class:`~reader.pdf.citations.graph.CitationGraph`) and ``changed`` is emitted.
Started after the window is up, and again when papers are added or a paper's
index was just read in the viewer.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Signal

from reader.errors import ReaderError
from reader.pdf.citations import cache
from reader.pdf.citations.graph import CitationGraph
from reader.pdf.citations.library_match import LibraryPaper
from reader.pdf.citations.model import CitationIndex
from reader.ui.tasks import BackgroundPass

log = logging.getLogger(__name__)

START_DELAY_MS = 4000  # after the window and the full-text indexer have started
INDEX_TIMEOUT_S = 60.0


class CitationGraphKeeper(BackgroundPass):
    changed = Signal()

    def __init__(self, library, runner, pool, parent=None) -> None:
        super().__init__(library, runner, pool, parent)
        self.graph = CitationGraph()

    def start_later(self, delay_ms: int = START_DELAY_MS) -> None:
        super().start_later(delay_ms)

    def work(self) -> CitationGraph:
        library = self._library
        rows = library.listed_identities()
        indexes: dict[int, CitationIndex] = {}
        for paper_id, _title, _doi, _arxiv, _year, pdf_hash in rows:
            if self._cancel.is_set():
                break
            if not pdf_hash:
                continue
            index = cache.load(library.home, pdf_hash)
            if index is None:
                pdf = library.pdf_file(paper_id)
                if pdf is None or not pdf.is_file():
                    continue
                try:
                    data = self._pool.call(pdf, "reader.pdf.citations.index:index_file", str(pdf),
                                           timeout_s=INDEX_TIMEOUT_S, doing="to have its references read")
                    index = CitationIndex.from_dict(data)
                except (ReaderError, ValueError) as exc:
                    log.info("references of paper %s not read: %s", paper_id, exc)
                    index = CitationIndex(note=f"Not read: {exc}")
                cache.save(library.home, pdf_hash, index)
            indexes[paper_id] = index
        return CitationGraph.build((LibraryPaper(*row[:5]) for row in rows), indexes)

    def finish(self, graph: CitationGraph) -> None:
        self.graph = graph
        self.changed.emit()

    def fail(self, exc: BaseException) -> None:
        log.warning("citation graph not built: %s", exc)
