"""The first page of a new tab: drawn with the open, painted before anything else is built."""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject

PAPER = "sp__ding11.pdf"  # no outline: the side panel stays shut
OTHER = "sp__map-reduce.pdf"


class Sent(QObject):
    """Records what the client sends to the render process, and passes it on unchanged."""

    def __init__(self, client) -> None:
        super().__init__()
        self.messages: list[tuple] = []
        process = client._process
        send = process.send

        def recording(message: tuple) -> bool:
            self.messages.append(message)
            return send(message)

        process.send = recording


def first_page_shown(tab) -> bool:
    view = tab.view
    return view.first_paint_with_page is not None and view.client.cache.get(view._key(view.current_page())) is not None


def test_second_tab_gets_its_first_page_with_the_open(qtbot, open_tab, corpus):
    first = open_tab(corpus / "papers" / PAPER)
    qtbot.waitUntil(lambda: first_page_shown(first), timeout=10_000)
    sent = Sent(first.client)

    second = open_tab(corpus / "papers" / OTHER)
    qtbot.waitUntil(lambda: first_page_shown(second), timeout=10_000)

    opens = [m for m in sent.messages if m[0] == "open"]
    assert len(opens) == 1 and opens[0][5] is not None  # the open carried the first page's render
    doc_id = second.view.doc_id
    asked_again = [m for m in sent.messages if m[0] == "render" and m[2][0] == doc_id and m[2][1] == 0]
    assert asked_again == []  # the page the reader waits for was drawn at the scale the tab wanted
    assert second.view.client.cache.get(second.view._key(0)) is not None


def test_a_wrong_guess_still_shows_the_page_at_its_scale(qtbot, open_tab, corpus, render_client):
    render_client.page_areas[("file", False)] = (400, 300, 1.0)  # the window was smaller when the last tab opened
    tab = open_tab(corpus / "papers" / PAPER)
    qtbot.waitUntil(lambda: first_page_shown(tab), timeout=10_000)
    assert tab.view.zoom() > 1.0  # fit width at 900 px, not at the 400 px guessed
    assert render_client.page_areas[("file", False)][0] > 800  # the next tab guesses from this one


def test_first_paint_has_the_page_and_no_opening_placeholder(qtbot, open_tab, corpus):
    warm = open_tab(corpus / "papers" / OTHER)  # lays out a tab, so the next one's page comes with its open
    qtbot.waitUntil(lambda: first_page_shown(warm), timeout=10_000)
    client = warm.client
    warm.citations._index_timer.stop()  # its references would be read meanwhile
    warm.close()
    qtbot.wait(500)  # its last replies are taken: the next one in the pipe is the new tab's
    painted: list[str] = []

    class Watch(QObject):
        def eventFilter(self, obj, event):  # noqa: N802 - Qt override
            if event.type() == QEvent.Type.Paint and obj in (tab.placeholder, tab.view.viewport()):
                painted.append("placeholder" if obj is tab.placeholder else "pages")
            return False

    from reader.ui.viewer.viewer_tab import ViewerTab

    tab = ViewerTab(client, corpus / "papers" / PAPER, "ding")
    qtbot.addWidget(tab)
    watch = Watch()
    tab.placeholder.installEventFilter(watch)
    tab.view.viewport().installEventFilter(watch)
    tab.resize(900, 700)
    deadline = time.monotonic() + 5  # the reply to the open waits in the pipe (no event loop ran to take it)
    while not client._process.poll() and time.monotonic() < deadline:
        time.sleep(0.005)
    tab.show()
    qtbot.waitUntil(lambda: first_page_shown(tab), timeout=10_000)
    assert painted and painted[0] == "pages"  # "Opening…" never flashed: the document was open by the first paint


def test_thumbnails_are_made_when_the_pages_panel_is_first_shown(qtbot, open_tab, corpus):
    tab = open_tab(corpus / "papers" / PAPER)
    qtbot.waitUntil(lambda: first_page_shown(tab), timeout=10_000)
    assert not tab.side.isVisible() and tab.thumbnails.count() == 0  # nothing built for a shut panel
    tab.sidebar_action.trigger()
    qtbot.waitUntil(tab.thumbnails.isVisible, timeout=5_000)
    assert tab.thumbnails.count() == tab.page_count()
    assert [tab.thumbnails.item(i).text() for i in range(3)] == ["1", "2", "3"]


def test_a_remembered_page_past_the_end_opens_at_the_last_page(qtbot, open_tab, corpus, render_client):
    render_client.page_areas[("file", False)] = (886, 667, 1.0)  # as a 900 x 700 tab lays out
    sent = Sent(render_client)
    tab = open_tab(corpus / "papers" / PAPER, initial_page=99)  # the file was replaced by a shorter one
    qtbot.waitUntil(lambda: first_page_shown(tab), timeout=10_000)
    last = tab.page_count() - 1
    assert tab.current_page() == last
    assert render_client.cache.get(tab.view._key(last)) is not None
    # drawn with the open, as the last page: not asked for again
    assert not [m for m in sent.messages if m[0] == "render" and tuple(m[2][:2]) == (tab.view.doc_id, last)]
