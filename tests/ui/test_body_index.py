"""The window catches up on papers whose text is not indexed yet, in the background, with progress."""

from __future__ import annotations

from reader.library import Library, PaperFields, PaperQuery
from tests.library.test_fulltext import paper_pdf


def test_papers_from_before_the_index_become_searchable_after_the_window_opens(qtbot, open_window, library_home,
                                                                                tmp_path):
    with Library.open(library_home) as lib:  # added without page texts, as by an older version
        for n in range(3):
            pdf = paper_pdf(tmp_path / f"p{n}.pdf", f"Old Paper Number {n}", {2: f"Okapis{n} live in forests."})
            lib.add_pdf(pdf, PaperFields(title=f"Old Paper Number {n}"))
    window = open_window()
    seen = []
    window.body_indexer.progress.connect(lambda p: seen.append((p.indexed, p.papers_with_pdf)))
    with qtbot.waitSignal(window.body_indexer.finished, timeout=60_000):
        window.body_indexer.start()
    assert seen[-1] == (3, 3)
    assert not window.index_progress.isVisible()
    assert window.library.query_ids(PaperQuery(text="okapis1")) != []
    window.search.setText("okapis2")
    qtbot.waitUntil(lambda: window.model.query.text == "okapis2")
    assert window.model.rowCount() == 1


def test_a_body_text_hit_shows_its_page_and_opens_there_with_the_words_found(qtbot, open_window, library_home,
                                                                             tmp_path):
    from PySide6.QtCore import Qt

    from reader.importers.pdf_files import import_pdfs
    from reader.ui.papers.model import BodyHitRole, Column
    from reader.ui.viewer.viewer_tab import ViewerTab

    with Library.open(library_home) as lib:
        pdf = paper_pdf(tmp_path / "a.pdf", "Learning Without Labels", {
            3: "We minimise the contrastive objective over augmented views of each image."}, count=5)
        import_pdfs(lib, [pdf], thumbnailer=None, annotation_reader=None)
        lib.add_paper(PaperFields(title="Contrastive Objectives Revisited"))
    window = open_window()
    window.search.setText("contrastive objective")
    qtbot.waitUntil(lambda: window.model.query.text == "contrastive objective")
    assert window.model.rowCount() == 2
    first, second = (window.model.index(row, Column.TITLE) for row in (0, 1))
    assert first.data() == "Contrastive Objectives Revisited" and first.data(BodyHitRole) is None  # title hits first
    hit = second.data(BodyHitRole)
    assert hit.page == 3 and "contrastive objective" in hit.snippet
    assert "p. 3: " in second.data(Qt.ItemDataRole.ToolTipRole)

    window.table.select_paper(window.model.paper_id(1))
    assert window.detail.body_hit_label.isVisibleTo(window.detail)
    assert "Found on page 3" in window.detail.body_hit_label.text()

    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Return)
    tab = window.tabs.currentWidget()
    assert isinstance(tab, ViewerTab)
    qtbot.waitUntil(tab.is_loaded, timeout=10_000)
    assert tab.find_bar.isVisible()
    assert tab.find_bar.edit.text() == "contrastive objective"
    qtbot.waitUntil(lambda: tab.find_bar.count_label.text() == "1 of 1", timeout=10_000)
    assert tab.current_page() == 2


def test_the_pdfs_a_bibliography_links_are_indexed_after_its_import(qtbot, open_window, tmp_path):
    folder = tmp_path / "bib"
    folder.mkdir()
    paper_pdf(folder / "linked.pdf", "A Linked Paper About Tapirs", {2: "Tapirs browse at night."})
    bib = folder / "refs.bib"
    bib.write_text("@article{tapir2020, title = {A Linked Paper About Tapirs}, author = {Doe, Jane},"
                   " year = {2020}, file = {linked.pdf}}\n", encoding="utf-8")
    window = open_window()
    with qtbot.waitSignal(window.body_indexer.finished, timeout=10_000):
        pass  # the look at start-up, with nothing to do yet
    window.import_lists([bib])
    qtbot.waitUntil(lambda: window.library.query_ids(PaperQuery(text="in:text tapirs browse")) != [],
                    timeout=60_000)
