"""Hovering a citation shows its reference; a click goes there; Add to reading list adds the cited paper.

A real library, the real render process, a PDF written here with a numbered
bibliography and unlinked "[2]" / "[1, 3]" markers, and a real corpus paper with
author-year citations.
"""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

from reader.importers.pdf_files import import_pdfs
from reader.library import Library, PaperQuery
from reader.pdf.citations import cache

BODY = [
    "Transformers changed how we model language [2]. Earlier recurrent models",
    "were slower to train on long documents [1, 3]. We build on both lines of work.",
    "The rest of this page is plain running text about the experiments we ran.",
]
REFERENCES = [
    "[1] S. Hochreiter and J. Schmidhuber. Long short-term memory. Neural Computation, 1997.",
    "[2] A. Vaswani, N. Shazeer, and N. Parmar. Attention is all you need. In NeurIPS, 2017.",
    "[3] K. Cho, B. van Merrienboer, and Y. Bengio. Learning phrase representations using RNN",
    "     encoder-decoder for statistical machine translation. In EMNLP, 2014. doi:10.3115/v1/D14-1179",
]


def cited_paper(path: Path) -> Path:
    doc = pymupdf.open()
    body = doc.new_page(width=612, height=792)
    body.insert_text((72, 80), "Reading With Citations", fontsize=16)
    for number, line in enumerate(BODY):
        body.insert_text((72, 130 + 14 * number), line, fontsize=10)
    refs = doc.new_page(width=612, height=792)
    refs.insert_text((72, 80), "References", fontsize=12)
    for number, line in enumerate(REFERENCES):
        refs.insert_text((72, 110 + 13 * number), line, fontsize=9)
    doc.save(path)
    return path


@pytest.fixture
def paper(tmp_path, imported_paper):
    return imported_paper(cited_paper(tmp_path / "cited-paper.pdf"))


@pytest.fixture
def tab(open_tab, paper, qtbot):
    library, paper_id, pdf = paper
    opened = open_tab(pdf, library=library, paper_id=paper_id)
    qtbot.waitUntil(lambda: 0 in opened.view._words, timeout=10_000)
    qtbot.waitUntil(lambda: opened.citations.index is not None, timeout=15_000)
    return opened


def word_centre(tab, page: int, text: str) -> QPoint:
    words = tab.view._words[page]
    x0, y0, x1, y1 = next(w for w in words if w[4] == text)[:4]
    vx, vy = tab.view.layout_.from_page(page, (x0 + x1) / 2, (y0 + y1) / 2)
    return QPointF(vx - tab.view.horizontalScrollBar().value(), vy - tab.view.verticalScrollBar().value()).toPoint()


def hover(qtbot, tab, pos: QPoint) -> None:
    """Move there from the page's corner: a cursor already in place (the last test left it) sends no move."""
    qtbot.mouseMove(tab.view.viewport(), pos=QPoint(3, 3))
    qtbot.mouseMove(tab.view.viewport(), pos=pos)


def test_hovering_a_numeric_citation_shows_the_parsed_entry(qtbot, tab, paper):
    library, _, _ = paper
    popup = tab.citations.popup
    hover(qtbot, tab, word_centre(tab, 0, "[2]."))
    qtbot.waitUntil(popup.isVisible, timeout=5_000)
    (card,) = popup.cards
    assert "<b>Attention is all you need</b>" in card.text.text()
    assert "A. Vaswani" in card.text.text() and "2017" in card.text.text() and "NeurIPS" in card.text.text()
    assert card.add.isVisible() and card.add.text() == "Add to reading list"
    assert tab.view.viewport().rect().contains(popup.geometry())
    # the index was kept beside the library, by the PDF's hash
    assert cache.load(library.home, library.paper(tab.paper_id).pdf_hash) is not None

    qtbot.mouseMove(tab.view.viewport(), pos=word_centre(tab, 0, "Reading"))  # the title, above: off the popup
    qtbot.waitUntil(lambda: not popup.isVisible(), timeout=5_000)


def test_a_multi_citation_lists_every_entry_with_its_identifiers(qtbot, tab):
    popup = tab.citations.popup
    hover(qtbot, tab, word_centre(tab, 0, "[1,"))
    qtbot.waitUntil(popup.isVisible, timeout=5_000)
    texts = [card.text.text() for card in popup.cards]
    assert len(texts) == 2
    assert "Long short-term memory" in texts[0]
    assert "Learning phrase representations using RNN encoder-decoder" in texts[1]
    assert "DOI 10.3115/v1/D14-1179" in texts[1]


def test_add_to_reading_list_adds_the_cited_paper_tagged_with_its_sentence(qtbot, tab, paper):
    library, _, _ = paper
    popup = tab.citations.popup
    added = []
    tab.citations.paper_added.connect(added.append)
    hover(qtbot, tab, word_centre(tab, 0, "[1,"))
    qtbot.waitUntil(popup.isVisible, timeout=5_000)
    card = popup.cards[1]
    qtbot.mouseClick(card.add, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(added), timeout=5_000)
    new = library.paper(added[0])
    assert new.title == "Learning phrase representations using RNN encoder-decoder for statistical machine translation"
    assert new.doi == "10.3115/v1/D14-1179" and new.year == 2014
    assert new.authors[0] == "K. Cho"
    assert set(new.tags) == {f"cited by: {tab.title}"}
    assert added[0] in library.fetch_later()  # its DOI is known: details and PDF are fetched when the app can
    (note,) = library.notes(added[0])
    assert "were slower to train on long documents [1, 3]." in note.body
    assert card.state.text() == "✓ Added to your reading list" and not card.add.isVisible()
    # hovering again: the entry is now in the library
    tab.citations.dismiss()
    qtbot.mouseMove(tab.view.viewport(), pos=word_centre(tab, 0, "experiments"))
    hover(qtbot, tab, word_centre(tab, 0, "[1,"))
    qtbot.waitUntil(popup.isVisible, timeout=5_000)
    assert popup.cards[1].state.text() == "✓ In your library"
    assert len(library.query_ids(PaperQuery(view="all"))) == 2


def test_clicking_a_citation_goes_to_the_reference_and_alt_left_comes_back(qtbot, tab):
    view = tab.view
    assert view.current_page() == 0
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=word_centre(tab, 0, "[2]."))
    qtbot.waitUntil(lambda: view.current_page() == 1, timeout=5_000)
    assert view._flash is not None and view._flash[0] == 1
    view.setFocus()
    tab.back()
    qtbot.waitUntil(lambda: view.current_page() == 0, timeout=5_000)


def test_a_real_author_year_paper(qtbot, open_tab, corpus, tmp_path):
    """ACL 2012 (Dyer et al.): "(Och and Ney, 2002; Blunsom et al., 2008)" on page 2."""
    pdf = corpus / "papers" / "sp__dyer12.pdf"
    tab = open_tab(pdf)
    qtbot.waitUntil(lambda: tab.citations.index is not None, timeout=15_000)
    index = tab.citations.index
    marker = next(m for m in index.markers_on(1) if m.text.startswith("Blunsom"))
    entries = tab.citations.entries_of(marker)
    assert entries[0].title == "A discriminative latent variable models for statistical machine translation"
    assert entries[1].first_author_surname() == "Och"  # the other citation of the same parenthesis
    tab.view.go_to_page(1, marker.box[1])
    qtbot.waitUntil(lambda: 1 in tab.view._words, timeout=10_000)
    x, y = tab.view.layout_.from_page(1, (marker.box[0] + marker.box[2]) / 2, (marker.box[1] + marker.box[3]) / 2)
    pos = QPointF(x - tab.view.horizontalScrollBar().value(), y - tab.view.verticalScrollBar().value()).toPoint()
    hover(qtbot, tab, pos)
    qtbot.waitUntil(tab.citations.popup.isVisible, timeout=5_000)
    tab.grab().save(str(tmp_path / "citation-popup.png"))
    assert tab.view.viewport().rect().contains(tab.citations.popup.geometry())
    assert "Blunsom" in tab.citations.popup.cards[0].text.text()
    assert not tab.citations.popup.cards[0].add.isVisible() or tab.citations.library is None


def test_paper_references_lists_every_entry_and_adds_the_checked_ones(qtbot, tab, paper):
    library, _, _ = paper
    tab.show_references()
    panel = tab.references.panel
    qtbot.waitUntil(panel.isVisible, timeout=5_000)
    assert tab.references.windowTitle() == f"References — {tab.title}"
    assert panel.list.count() == 3
    assert panel.list.item(1).text() == "2. Attention is all you need — Vaswani et al., 2017"
    assert "3 references, 0 in your library" in panel.header.text()
    assert not panel.add.isEnabled()
    for row in (0, 2):
        panel.list.item(row).setCheckState(Qt.CheckState.Checked)
    assert panel.add.isEnabled() and panel.add.text() == "Add 2 to reading list"
    tab.references.grab().save(str(tab.pdf_path.parent.parent / "references-window.png"))
    qtbot.mouseClick(panel.add, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "2 in your library" in panel.header.text(), timeout=5_000)
    titles = {library.paper(pid).title for pid in library.query_ids(PaperQuery(view="all"))}
    assert {"Long short-term memory", "Attention is all you need"} & titles == {"Long short-term memory"}
    assert panel.list.item(0).text().endswith("✓ in your library")
    assert not panel.list.item(0).flags() & Qt.ItemFlag.ItemIsUserCheckable
    # a double-click goes to the entry
    panel._go_to(panel.list.item(1))
    qtbot.waitUntil(lambda: tab.view.current_page() == 1, timeout=5_000)


def test_the_detail_pane_counts_citations_among_the_library_papers(qtbot, open_window, library_home, tmp_path):
    from reader.library import PaperFields

    library = Library.open(library_home)
    (outcome,) = import_pdfs(library, [cited_paper(tmp_path / "cited-paper.pdf")])
    citing = outcome.paper_id
    cited = library.add_paper(PaperFields(title="Attention is all you need", year=2017))
    library.close()
    window = open_window()
    window.citation_graph.start()
    qtbot.waitUntil(lambda: citing in window.citation_graph.graph.indexed, timeout=30_000)
    window.table.select_paper(cited)
    label = window.detail.citing
    qtbot.waitUntil(label.isVisible, timeout=5_000)
    assert ">Cited by 1</a> in your library" in label.text()
    assert label.papers("cited-by") == [citing]
    window.table.select_paper(citing)
    qtbot.waitUntil(lambda: ">Cites 1</a> in your library" in label.text(), timeout=5_000)
    assert label.papers("cites") == [cited]
    label.paper_chosen.emit(cited)  # what choosing it in the count's menu does
    qtbot.waitUntil(lambda: window.table.current_paper_id() == cited, timeout=5_000)


def test_a_long_superscript_multi_citation_stays_compact_and_beside_its_marker(qtbot, open_tab, corpus):
    """Nature Neuroscience 2011: raised "14–20" names seven references."""
    tab = open_tab(corpus / "papers" / "pf2__f63cb20759fab2514802c3ef2a743c76bf9dc9f1.pdf")
    qtbot.waitUntil(lambda: tab.citations.index is not None, timeout=15_000)
    marker = next(m for m in tab.citations.index.markers_on(0) if m.text == "14–20")
    qtbot.waitUntil(lambda: 0 in tab.view._words, timeout=10_000)
    x, y = tab.view.layout_.from_page(0, (marker.box[0] + marker.box[2]) / 2, (marker.box[1] + marker.box[3]) / 2)
    pos = QPointF(x - tab.view.horizontalScrollBar().value(), y - tab.view.verticalScrollBar().value()).toPoint()
    hover(qtbot, tab, pos)
    popup = tab.citations.popup
    qtbot.waitUntil(popup.isVisible, timeout=5_000)
    assert len(popup.cards) == 6 and popup.footer.text().startswith("and 1 more")
    assert "Effects evoked in an axon by the activity of a contiguous one" in popup.cards[0].text.text()
    assert not popup.geometry().contains(pos)  # the marker stays in sight
