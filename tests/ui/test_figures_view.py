"""The library-wide Figures view and re-extraction, over a real corpus paper."""

from __future__ import annotations

from PySide6.QtCore import Qt

from reader.importers.pdf_files import import_pdfs, reextract
from reader.library import Library, PaperQuery
from reader.ui.figures_view import FiguresView
from reader.ui.viewer.viewer_tab import ViewerTab


def _import_corpus_paper(library_home, corpus) -> int:
    with Library.open(library_home) as library:
        (outcome,) = import_pdfs(library, [corpus / "papers" / "df__paper.pdf"], tags=["Document AI"])
    return outcome.paper_id


def test_figures_grid_searches_captions_and_opens_the_page(open_window, qtbot, library_home, corpus):
    paper_id = _import_corpus_paper(library_home, corpus)
    window = open_window()
    window.show_figures()
    view = window.tabs.currentWidget()
    assert isinstance(view, FiguresView)
    assert view.model.rowCount() == 6  # 4 figures, 2 tables
    assert not view.model.index(0).data(Qt.ItemDataRole.DecorationRole).isNull()  # a thumbnail is painted
    view.search.setText("caption pairing")
    qtbot.waitUntil(lambda: view.model.rowCount() == 1)
    figure = view.model.figure(0)
    assert figure.label == "Figure 4" and figure.paper_id == paper_id
    view.figure_activated.emit(figure)
    tab = window.tabs.currentWidget()
    assert isinstance(tab, ViewerTab)
    qtbot.waitUntil(lambda: tab.is_loaded() and tab.current_page() == figure.page - 1, timeout=10_000)
    assert window.library.query_ids(PaperQuery(text="caption pairing")) == [paper_id]


def test_reextract_keeps_what_the_user_typed(library_home, corpus):
    paper_id = _import_corpus_paper(library_home, corpus)
    with Library.open(library_home) as library:
        library.update_paper(paper_id, title="My own short title")
        library.set_captions(paper_id, [])
        assert reextract(library, paper_id)
        paper = library.paper(paper_id)
        assert paper.title == "My own short title"
        assert len(paper.captions) == 6 and any(c.thumbnail for c in paper.captions)
        assert paper.authors[0] == "Christopher Clark"


def test_viewer_lists_the_papers_figures_beside_the_pages(open_window, qtbot, library_home, corpus):
    """Reading the paper, the reader can see its figures and jump to one without going back to the library."""
    paper_id = _import_corpus_paper(library_home, corpus)
    window = open_window()
    tab = window.open_paper(paper_id)
    qtbot.waitUntil(tab.is_loaded, timeout=10_000)
    panel = tab.figures
    assert tab.side.tabText(tab.side.indexOf(panel)) == "Figures"
    labels = [card.caption.label for card in panel.strip.cards]
    assert labels[:2] == ["Figure 1", "Figure 2"] and len(labels) == 6
    table = next(card for card in panel.strip.cards if card.caption.kind == "table")
    qtbot.mouseClick(table, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.current_page() == table.caption.page - 1, timeout=5_000)
    flashed_page, flashed_rect = tab.view._flash
    assert flashed_page == table.caption.page - 1
    assert tuple(flashed_rect) == tuple(table.caption.region or table.caption.bbox)


def test_reextracting_refreshes_the_open_papers_figures(open_window, qtbot, library_home, corpus):
    paper_id = _import_corpus_paper(library_home, corpus)
    with Library.open(library_home) as library:
        library.set_captions(paper_id, [])  # as if an older extractor had found none
    window = open_window()
    tab = window.open_paper(paper_id)
    qtbot.waitUntil(tab.is_loaded, timeout=10_000)
    assert tab.figures.strip.cards == [] and tab.figure_preview.captions() == ()
    window.table.select_paper(paper_id)
    window.reextract_selected()
    qtbot.waitUntil(lambda: len(tab.figures.strip.cards) == 6, timeout=30_000)
    assert len(tab.figure_preview.captions()) == 6  # the hover preview knows them too
