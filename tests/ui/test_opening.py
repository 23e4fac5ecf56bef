"""Getting papers in and open: import job, drag and drop, files from the desktop, app links."""

from __future__ import annotations

import shutil

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from reader.library import PaperFields
from reader.ui.unlisted_tab import UnlistedTab
from reader.ui.viewer.viewer_tab import ViewerTab


def _drop(window, paths) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(QPointF(200, 200), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    assert event.isAccepted()


def test_dropping_pdfs_adds_them_with_extracted_metadata(open_window, qtbot, corpus, tmp_path):
    window = open_window()
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"not a pdf")
    _drop(window, [corpus / "papers" / "df__paper.pdf", bad])
    qtbot.waitUntil(lambda: not window.import_job.running, timeout=60_000)
    rows = window.library.paper_rows(window.library.query_ids())
    assert [r.title for r in rows] == ["Looking Beyond Text: Extracting Figures, Tables and Captions from Computer Science Papers"]
    paper = window.library.paper(rows[0].id)
    assert {c.label for c in paper.captions} >= {"Figure 1", "Figure 2", "Table 1"}
    assert any(c.thumbnail and (window.library.home / c.thumbnail).exists() for c in paper.captions)
    assert window.table.current_paper_id() == rows[0].id
    assert window.detail.figures.cards, "the figure strip shows the captions"
    assert "broken.pdf is not a PDF file" in window.last_warning


def test_opening_a_renamed_copy_of_a_library_pdf_opens_its_paper(open_window, qtbot, pdf_factory, tmp_path):
    window = open_window()
    outcome, copy = _library_paper_and_a_copy(window, pdf_factory, "Known Paper", 4, tmp_path / "somewhere else" / "renamed.pdf")
    window.receive_arguments([str(copy)], raise_window=False)
    tab = window.tabs.currentWidget()
    assert isinstance(tab, ViewerTab) and tab.paper_id == outcome.paper_id
    qtbot.waitUntil(tab.is_loaded, timeout=10_000)
    qtbot.waitUntil(lambda: window.library.paper(outcome.paper_id).status.value == "reading")


def test_opening_a_trashed_papers_pdf_brings_it_back_and_says_so(open_window, qtbot, pdf_factory, tmp_path):
    window = open_window()
    outcome, copy = _library_paper_and_a_copy(window, pdf_factory, "Binned Paper", 2, tmp_path / "downloads" / "b.pdf")
    window.library.trash([outcome.paper_id])
    window.refresh()
    window.receive_arguments([str(copy)], raise_window=False)
    assert not window.library.paper(outcome.paper_id).trashed
    assert window.table.current_paper_id() == outcome.paper_id
    assert "Binned Paper\u201d was in the Trash" in window.statusBar().currentMessage()


def test_a_bib_file_opened_from_the_desktop_shows_the_import_preview_first(open_window, qtbot, tmp_path):
    from reader.library import PaperQuery

    bib = tmp_path / "refs.bib"
    bib.write_text("@article{a, title={Attention Is All You Need}, author={Vaswani, Ashish}, year={2017}}\n"
                   "@article{b, title={Deep Residual Learning}, author={He, Kaiming}, year={2016}}\n", encoding="utf-8")
    window = open_window()
    window.receive_arguments([str(bib)], raise_window=False)
    qtbot.waitUntil(lambda: getattr(window, "import_question", None) is not None
                    and window.import_question.isVisible(), timeout=30_000)
    assert window.import_question.text() == "Import 2 new entries into your library?"
    assert window.library.count(PaperQuery(view="all")) == 0  # nothing before the answer
    window.import_question.import_button.click()
    qtbot.waitUntil(lambda: window.library.count(PaperQuery(view="all")) == 2, timeout=30_000)


def test_unknown_pdf_opens_for_reading_with_an_add_button(open_window, qtbot, pdf_factory):
    window = open_window()
    stranger = pdf_factory("Not Yet Listed", pages=2)
    window.receive_arguments([str(stranger)], raise_window=False)
    tab = window.tabs.currentWidget()
    assert isinstance(tab, UnlistedTab)
    qtbot.waitUntil(tab.viewer.is_loaded, timeout=10_000)
    assert window.library.view_counts().all == 0
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.library.view_counts().all == 1, timeout=60_000)
    assert window.tabs.count() == 1  # the reading tab was replaced by the library entry


def test_app_link_opens_the_paper_at_its_page(open_window, qtbot, pdf_factory):
    window = open_window()
    outcome = window.library.add_pdf(pdf_factory("Linked", pages=5), PaperFields(title="Linked"), page_count=5)
    window.refresh()
    window.receive_arguments([f"reading-list://open?paper={outcome.paper_id}&page=4"], raise_window=False)
    tab = window.tabs.currentWidget()
    assert isinstance(tab, ViewerTab)
    qtbot.waitUntil(lambda: tab.is_loaded() and tab.current_page() == 3, timeout=10_000)
    window.receive_arguments(["reading-list://open?paper=999&page=1"], raise_window=False)
    assert "No paper 999" in window.statusBar().currentMessage()


def test_the_desktop_add_pdf_action_opens_the_file_chooser(open_window, qtbot, monkeypatch):
    """The launcher's "Add PDF…" action runs ``reading-list reading-list://add``."""
    window = open_window()
    asked = []
    monkeypatch.setattr(window, "add_pdfs_dialog", lambda: asked.append(True))
    window.receive_arguments(["reading-list://add"], raise_window=False)
    qtbot.waitUntil(lambda: asked == [True])


def test_file_open_events_reach_the_window(open_window, qtbot, pdf_factory, tmp_path, qapp):
    """macOS hands double-clicked files and reading-list:// links to the app as QFileOpenEvents."""
    from PySide6.QtGui import QFileOpenEvent

    from reader.ui.file_open import FileOpenEvents

    window = open_window()
    outcome, copy = _library_paper_and_a_copy(window, pdf_factory, "Opened by the Finder", 5,
                                              tmp_path / "Downloads" / "finder copy.pdf")
    events = FileOpenEvents(window.receive_arguments, window)
    qapp.installEventFilter(events)
    try:
        qapp.sendEvent(qapp, QFileOpenEvent(QUrl.fromLocalFile(str(copy))))
        tab = window.tabs.currentWidget()
        assert isinstance(tab, ViewerTab) and tab.paper_id == outcome.paper_id
        qtbot.waitUntil(tab.is_loaded, timeout=10_000)
        window.close_tab(window.tabs.indexOf(tab))

        qapp.sendEvent(qapp, QFileOpenEvent(QUrl(f"reading-list://open?paper={outcome.paper_id}&page=3")))
        tab = window.tabs.currentWidget()
        assert isinstance(tab, ViewerTab) and tab.paper_id == outcome.paper_id
        qtbot.waitUntil(lambda: tab.is_loaded() and tab.current_page() == 2, timeout=10_000)
    finally:
        qapp.removeEventFilter(events)


def _library_paper_and_a_copy(window, pdf_factory, title: str, pages: int, copy):
    """A paper in the window's library, and a renamed copy of its PDF elsewhere."""
    original = pdf_factory(title, pages=pages)
    outcome = window.library.add_pdf(original, PaperFields(title=title), page_count=pages)
    window.refresh()
    copy.parent.mkdir()
    shutil.copy(original, copy)
    return outcome, copy
