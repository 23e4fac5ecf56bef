"""The papers a reader had open come back on the next start, each at its page, the same one in front."""

from __future__ import annotations

import pytest

from reader.library import Library, PaperFields


@pytest.fixture
def three_papers(library_home, tmp_path):
    from tests.conftest import make_pdf

    with Library.open(library_home) as library:
        ids = []
        for number, title in enumerate(("First Paper Read", "Second Paper Read", "Third Paper Read"), start=1):
            pdf = make_pdf(tmp_path / f"p{number}.pdf", title=title, pages=6, body=f"Body of paper {number}")
            ids.append(library.add_pdf(pdf, PaperFields(title=title), page_count=6).paper_id)
    return ids


def _opened(open_window, qtbot):
    """The window once it has reopened last run's tabs (it does so when its event loop first runs)."""
    window = open_window()
    qtbot.waitUntil(lambda: getattr(window, "restored_tabs", None) is not None)
    return window


def _open_ids(window) -> list[int]:
    return [v.paper_id for v in window.viewer_tabs()]


def test_open_tabs_come_back_at_their_pages_with_the_same_one_in_front(open_window, qtbot, three_papers):
    first, second, third = three_papers
    window = _opened(open_window, qtbot)
    for paper_id in three_papers:
        tab = window.open_paper(paper_id)
        qtbot.waitUntil(tab.is_loaded, timeout=10_000)
    middle = window.open_paper(second)
    middle.go_to_page(4)
    qtbot.waitUntil(lambda: window.library.paper(second).last_page == 4, timeout=10_000)
    window.close()

    window = _opened(open_window, qtbot)
    qtbot.waitUntil(lambda: _open_ids(window) == [first, second, third], timeout=10_000)
    front = window.tabs.currentWidget()
    assert getattr(front, "paper_id", None) == second
    qtbot.waitUntil(front.is_loaded, timeout=10_000)
    assert front.current_page() == 4


def test_library_tab_in_front_stays_in_front(open_window, qtbot, three_papers):
    window = _opened(open_window, qtbot)
    window.open_paper(three_papers[0])
    window.tabs.setCurrentIndex(0)
    window.close()
    window = _opened(open_window, qtbot)
    qtbot.waitUntil(lambda: _open_ids(window) == [three_papers[0]], timeout=10_000)
    assert window.tabs.currentIndex() == 0


def test_trashed_and_deleted_papers_do_not_come_back(open_window, qtbot, three_papers):
    first, second, third = three_papers
    window = _opened(open_window, qtbot)
    for paper_id in three_papers:
        window.open_paper(paper_id)
    qtbot.waitUntil(lambda: all(window.library.paper(i).last_opened_at for i in three_papers))
    qtbot.wait(50)  # the window has taken in what opening them wrote
    window.close()
    library = window.library  # still open: the fixture closes it when the window is opened again
    library.trash([third])
    library.empty_trash()  # the third is gone for good
    library.trash([first])
    window = _opened(open_window, qtbot)
    qtbot.waitUntil(lambda: _open_ids(window) == [second], timeout=10_000)
    qtbot.wait(200)
    assert _open_ids(window) == [second]


def test_a_pdf_opened_at_launch_stays_in_front_of_the_restored_tabs(open_window, qtbot, three_papers, tmp_path):
    from reader.ui.unlisted_tab import UnlistedTab
    from tests.conftest import make_pdf

    window = _opened(open_window, qtbot)
    window.open_paper(three_papers[0])
    window.close()
    window = open_window()
    window.receive_arguments([str(make_pdf(tmp_path / "downloaded.pdf", title="From Downloads"))],
                             raise_window=False)
    qtbot.waitUntil(lambda: getattr(window, "restored_tabs", None) is not None)
    assert _open_ids(window) == [three_papers[0]]
    assert isinstance(window.tabs.currentWidget(), UnlistedTab)
