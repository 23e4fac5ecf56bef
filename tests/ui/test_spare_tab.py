"""Opening a paper takes the viewer tab the window built ahead, and it behaves as one built at the open."""

from __future__ import annotations

import pytest

from reader.library import Library, PaperFields


@pytest.fixture
def two_papers(library_home, tmp_path):
    from tests.conftest import make_pdf

    with Library.open(library_home) as library:
        return [
            library.add_pdf(make_pdf(tmp_path / f"p{n}.pdf", title=title, pages=5, body=f"Body text of paper {n}"),
                            PaperFields(title=title), page_count=5).paper_id
            for n, title in ((1, "Spare Tab First"), (2, "Spare Tab Second"))
        ]


def test_opening_a_paper_uses_the_tab_built_ahead_and_builds_the_next(open_window, qtbot, two_papers):
    first, second = two_papers
    window = open_window()
    window.render_client()
    window.spare_tab.build_now()  # what the window does in a quiet moment after launch
    spare = window.spare_tab._spare
    assert spare is not None and not spare.isVisible()

    tab = window.open_paper(first)
    assert tab is spare
    qtbot.waitUntil(tab.is_loaded, timeout=10_000)
    assert window.tabs.currentWidget() is tab and tab.isVisible()
    assert tab.page_count() == 5 and tab.title == "Spare Tab First"
    assert tab.annotations is not None  # a library paper's tab annotates, spare or not
    assert [tab.side.tabText(i) for i in range(tab.side.count())][-1] == "Figures"

    qtbot.waitUntil(lambda: window.spare_tab.ready, timeout=5_000)  # the next one, a moment later
    nxt = window.spare_tab._spare
    other = window.open_paper(second)
    assert other is nxt and other is not tab
    qtbot.waitUntil(other.is_loaded, timeout=10_000)
    assert other.title == "Spare Tab Second" and other.page_count() == 5
    assert len(window.viewer_tabs()) == 2

    # the find bar of a tab that was a spare searches its own paper
    other.find_text("paper 2")
    qtbot.waitUntil(lambda: bool(other._hits), timeout=10_000)
    assert [page for page, _ in other._hits] == [0, 1, 2, 3, 4]  # "paper 2" is on each of its pages, in no page of the first


def test_a_tab_shows_one_paper_only(qtbot, render_client, tmp_path):
    from reader.ui.viewer.viewer_tab import ViewerTab
    from tests.conftest import make_pdf

    tab = ViewerTab(render_client, make_pdf(tmp_path / "a.pdf", title="A", pages=2, body="a"), "A")
    qtbot.addWidget(tab)
    with pytest.raises(RuntimeError):
        tab.load(make_pdf(tmp_path / "b.pdf", title="B", pages=2, body="b"), "B")


def test_the_spare_is_built_when_the_reader_pauses_not_mid_scroll(qtbot, render_client):
    import time

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QWidget

    from reader.ui.viewer.spare_tab import QUIET_S, SpareTab

    host = QWidget()
    qtbot.addWidget(host)
    host.show()
    spares = SpareTab(host)
    spares.prepare(render_client, delay_ms=50)
    until = time.monotonic() + 3 * QUIET_S
    checked = 0
    while time.monotonic() < until:  # the reader pages down through a paper, a key every 50 ms
        pressed = time.monotonic()
        qtbot.keyPress(host, Qt.Key.Key_PageDown)
        qtbot.wait(50)
        if time.monotonic() - pressed >= QUIET_S:  # a machine that stalled this long made a real pause
            break
        assert not spares.ready
        checked += 1
    assert checked >= 5
    qtbot.waitUntil(lambda: spares.ready, timeout=5_000)
