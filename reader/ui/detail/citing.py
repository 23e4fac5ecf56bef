"""The detail pane's line "Cited by 2 · cites 5 in your library"; each count opens a menu of those papers."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QLabel, QMenu

from reader.pdf.citations.graph import CitationGraph


class CitingLabel(QLabel):
    paper_chosen = Signal(int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setOpenExternalLinks(False)
        self.linkActivated.connect(self._open_menu)
        self.graph = CitationGraph()
        self.title_of: Callable[[int], str] = str
        self.paper_id: int | None = None
        self.hide()

    def set_graph(self, graph: CitationGraph, title_of: Callable[[int], str]) -> None:
        self.graph, self.title_of = graph, title_of
        self.show_paper(self.paper_id)

    def show_paper(self, paper_id: int | None) -> None:
        self.paper_id = paper_id
        if paper_id is None:
            self.hide()
            return
        cited_by, cites = self.graph.counts(paper_id)
        parts = []
        if cited_by:
            parts.append(f'<a href="cited-by">Cited by {cited_by}</a>')
        if cites:
            parts.append(f'<a href="cites">{"cites" if parts else "Cites"} {cites}</a>')
        self.setText(" · ".join(parts) + " in your library" if parts else "")
        self.setToolTip("Papers of your library citing this one, and those it cites (from their references)")
        self.setVisible(bool(parts))

    def papers(self, which: str) -> list[int]:
        if self.paper_id is None:
            return []
        edges = self.graph.cited_by if which == "cited-by" else self.graph.cites
        return sorted(edges.get(self.paper_id, ()))

    def _open_menu(self, which: str) -> None:
        menu = QMenu(self)
        for paper_id in self.papers(which):
            menu.addAction(self.title_of(paper_id), lambda pid=paper_id: self.paper_chosen.emit(pid))
        menu.exec(QCursor.pos())
