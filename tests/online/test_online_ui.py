"""Add by Identifier in the window: the dialog, Ctrl+V on the table, a dropped browser link, Fetch PDF."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import QApplication

from reader.library import PaperFields
from reader.online.http import OnlineClient
from tests.online.conftest import FAST, ToLocalServer
from tests.online.test_adding import ATOM, MEMBRANE

pytestmark = pytest.mark.gui


@pytest.fixture
def window(open_window, httpserver, recorded, pdf_bytes):
    httpserver.expect_request("/api/query").respond_with_data(recorded("arxiv_1205.1001_1001.1001.atom.xml"),
                                                              content_type=ATOM)
    httpserver.expect_request("/pdf/1205.1001").respond_with_data(pdf_bytes, content_type="application/pdf")
    httpserver.expect_request("/pdf/1910.05513").respond_with_data(pdf_bytes, content_type="application/pdf")
    window = open_window()
    window.online.job.client_factory = lambda cancelled: OnlineClient(
        FAST, transport=ToLocalServer(httpserver.port), is_cancelled=cancelled)
    return window


def wait_done(qtbot, window):
    qtbot.waitUntil(lambda: window.online.dialog is not None and not window.online.job.running
                    and window.online.dialog.cancel_button.text() == "Close", timeout=30_000)
    return window.online.dialog


def test_the_dialog_adds_each_line_and_says_how_each_went(qtbot, window):
    window.online.add_action.trigger()
    dialog = window.online.dialog
    qtbot.waitExposed(dialog)
    dialog.edit.setPlainText("https://arxiv.org/abs/1205.1001\nnot a paper")
    dialog.tags.setText("membranes")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    dialog = wait_done(qtbot, window)
    lines = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    assert lines[0] == f"added #1 {MEMBRANE!r} with its PDF"
    assert lines[1:] == ["not a paper: not added: 'not a paper' is not an arXiv id, a DOI or a web link"]
    assert dialog.status.text() == "Done: 1 with their PDF, 1 not added."
    dialog.grab().save("/tmp/online-add-dialog.png")
    paper_id = window.table.current_paper_id()
    assert paper_id == 1 and window.library.paper(1).tags == ("membranes",)
    assert window.model.rowCount() == 1


def test_ctrl_v_on_the_table_adds_the_link_on_the_clipboard(qtbot, window):
    window.library.add_paper(PaperFields(title="Something to select"))
    window.refresh()
    window.table.setFocus()
    QGuiApplication.clipboard().setText("arXiv:1205.1001")
    qtbot.keyClick(window.table, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    wait_done(qtbot, window)
    assert any(r.title == MEMBRANE for r in window.online.dialog.results)
    window.online.dialog.cancel_button.click()  # Close
    qtbot.waitUntil(lambda: window.online.dialog is None)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.table.setFocus()
    QGuiApplication.clipboard().setText("just some words")
    qtbot.keyClick(window.table, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert "no arXiv id, DOI or web link" in window.statusBar().currentMessage()


def test_a_link_dropped_from_a_browser_is_added(qtbot, window):
    mime = QMimeData()
    mime.setUrls([QUrl("https://arxiv.org/abs/1205.1001")])
    enter = QDragEnterEvent(QPoint(200, 200), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted() and window.drop_overlay.isVisible()
    QApplication.sendEvent(window, QDropEvent(QPointF(200, 200), Qt.DropAction.CopyAction, mime,
                                              Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier))
    wait_done(qtbot, window)
    assert window.library.paper(1).title == MEMBRANE and window.library.paper(1).pdf_path


def test_fetch_pdf_gives_a_listed_paper_its_pdf(qtbot, window):
    paper_id = window.library.add_paper(PaperFields(
        title="On Robustness of Neural Ordinary Differential Equations", arxiv_id="1910.05513",
        url="https://openreview.net/forum?id=B1e9Y2NYvS", summary="A TL;DR the person keeps."))
    window.refresh()
    window.table.select_paper(paper_id)
    window.open_paper(paper_id)  # Enter on a listed paper: no PDF yet, and word of how to get it
    assert window.statusBar().currentMessage() == "This paper has no PDF attached. Paper → Fetch PDF downloads it."
    window.online.fetch_action.trigger()
    wait_done(qtbot, window)
    paper = window.library.paper(paper_id)
    assert paper.pdf_path and paper.summary == "A TL;DR the person keeps."
    assert window.model.rowCount() == 1


def test_new_actions_sit_in_the_menus(window):
    titles = {menu.title(): [a.text() for a in menu.actions()] for menu in
              (a.menu() for a in window.menuBar().actions()) if menu is not None}
    assert titles["&File"].index("Add by I&dentifier…") == titles["&File"].index("Add Paper by &Hand…") + 1
    assert "Fetch &PDF" in titles["&Paper"] and "&Update Details from the Web" in titles["&Paper"]
    assert window.online.add_action.shortcut().toString() == "Ctrl+Shift+N"


def test_esc_while_fetching_cancels_and_keeps_nothing_half_done(qtbot, window, httpserver):
    import threading
    import time

    from werkzeug import Response

    release = threading.Event()

    def slow(_request):
        release.wait(10)
        return Response("late", status=503)

    httpserver.clear()
    httpserver.expect_request("/api/query").respond_with_handler(slow)
    dialog = window.online.open_dialog("1205.1001", start=True)
    assert window.online.job.running
    time.sleep(0.2)  # the request is out, the server holds its answer
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible() and dialog.status.text() == "Cancelling…"
    release.set()
    dialog = wait_done(qtbot, window)
    assert dialog.status.text() == "Nothing was done. Cancelled before the end."
    assert window.library.count() == 0 and not list(window.library.home.rglob("*.tmp"))


def test_a_paper_added_from_a_reference_is_fetched_without_a_dialog(qtbot, window):
    paper_id = window.library.add_paper(PaperFields(title="Membrane lateral structure", arxiv_id="1205.1001"))
    window.library.mark_fetch_later(paper_id, "added from a reference")
    window.online.fetch_in_background([paper_id])
    qtbot.waitUntil(lambda: window.library.paper(paper_id).pdf_path != "", timeout=30_000)
    qtbot.waitUntil(lambda: not window.online.job.running, timeout=30_000)
    assert window.online.dialog is None  # the reader stays on the page; one line in the status bar
    assert window.statusBar().currentMessage().startswith("Fetching cited papers: ")
    assert paper_id not in window.library.fetch_later()


def test_offline_a_paper_added_from_a_reference_stays_marked_to_fetch_later(qtbot, open_window):
    window = open_window()  # the real client: the test's proxy refuses everything, as a machine offline would
    paper_id = window.library.add_paper(PaperFields(title="Learning phrase representations", doi="10.3115/v1/D14-1179"))
    window.library.mark_fetch_later(paper_id, "added from a reference")
    window.online.fetch_in_background([paper_id])
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Fetching cited papers: "),
                    timeout=60_000)
    assert paper_id in window.library.fetch_later()
    assert window.library.paper(paper_id).pdf_path == ""
