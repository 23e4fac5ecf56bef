"""Dragging PDFs onto the window: the highlight while over it, and word of what the drop did."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from tests.conftest import make_pdf


def _mime(*paths) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return mime


def _drag_over(window, mime: QMimeData) -> QDragEnterEvent:
    event = QDragEnterEvent(QPoint(200, 200), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, event)
    return event


def _drop(window, mime: QMimeData) -> None:
    """A whole drag: it enters the window, then the files are let go."""
    _drag_over(window, mime)
    QApplication.sendEvent(window, QDropEvent(QPointF(200, 200), Qt.DropAction.CopyAction, mime,
                                              Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier))


def _status(window) -> str:
    return window.statusBar().currentMessage()


def test_dragging_a_pdf_over_the_window_highlights_it_until_it_leaves(open_window, tmp_path):
    window = open_window()
    pdf = make_pdf(tmp_path / "paper.pdf")
    event = _drag_over(window, _mime(pdf))
    assert event.isAccepted()
    overlay = window.drop_overlay
    assert overlay.isVisible() and "reading list" in overlay.message
    assert overlay.geometry() == window.centralWidget().geometry()
    QApplication.sendEvent(window, QDragLeaveEvent())
    assert not overlay.isVisible()


def test_something_that_cannot_be_dropped_gets_no_highlight(open_window, tmp_path):
    window = open_window()
    photo = tmp_path / "photo.png"
    photo.write_bytes(b"not a pdf")
    _drag_over(window, _mime(photo))
    assert not window.drop_overlay.isVisible()


def test_dropping_a_pdf_already_in_the_library_says_so_and_selects_it(open_window, qtbot, tmp_path):
    window = open_window()
    pdf = make_pdf(tmp_path / "known.pdf", title="A Paper Already Added")
    _drop(window, _mime(pdf))
    assert not window.drop_overlay.isVisible()
    qtbot.waitUntil(lambda: window.model.rowCount() == 1 and not window.import_job.running, timeout=20_000)
    paper_id = window.model.paper_id(0)
    other = make_pdf(tmp_path / "other.pdf", title="Another Paper")
    window.add_pdfs([other])
    qtbot.waitUntil(lambda: window.model.rowCount() == 2 and not window.import_job.running, timeout=20_000)
    window.search.setText("Another")  # the known paper is out of sight, as it may well be
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)

    _drop(window, _mime(tmp_path / "known.pdf"))
    qtbot.waitUntil(lambda: "already in your library" in _status(window).lower(), timeout=20_000)
    assert _status(window) == "Already in your library: A Paper Already Added."
    assert window.table.current_paper_id() == paper_id
    assert window.model.rowCount() == 2 and window.library.view_counts().all == 2
    qtbot.wait(200)  # a search re-run later must not take the selection away
    assert window.table.current_paper_id() == paper_id


def test_loading_the_sample_again_says_so_and_shows_its_first_paper_even_behind_a_search(open_window, qtbot):
    window = open_window()
    window.load_sample()
    qtbot.waitUntil(lambda: window.model.rowCount() >= 15, timeout=30_000)
    count = window.library.view_counts().all
    qtbot.waitUntil(lambda: "Added" in _status(window), timeout=30_000)
    window.search.setText("zqxjvk")  # no title, field or page of the sample has it: the sample is out of sight
    qtbot.waitUntil(lambda: window.model.rowCount() == 0)
    window.load_sample()
    qtbot.waitUntil(lambda: "already in the library" in _status(window), timeout=30_000)
    assert _status(window).startswith("Added 0 papers")
    assert window.library.view_counts().all == count
    assert window.table.current_paper_id() != 0
