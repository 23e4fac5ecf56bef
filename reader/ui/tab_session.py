"""The papers open in tabs, kept from one run to the next.

A reader who quits with three papers open expects them back, each at its page
(the library keeps every paper's page and zoom) and the one they were reading in
front. Only library papers come back, by id: a PDF opened from outside may have
moved, and a paper trashed or deleted since is skipped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reader.errors import ReaderError

if TYPE_CHECKING:
    from reader.ui.main_window import MainWindow

OPEN_KEY = "tabs/papers"
CURRENT_KEY = "tabs/current"


def save(window: MainWindow) -> None:
    if getattr(window, "restored_tabs", None) is None:
        return  # closed before the saved tabs were reopened: keep the list for the next run
    ids = [viewer.paper_id for viewer in window.viewer_tabs() if getattr(viewer, "paper_id", None)]
    current = window.tabs.currentWidget()
    window.settings.setValue(OPEN_KEY, ",".join(str(i) for i in ids))
    window.settings.setValue(CURRENT_KEY, getattr(current, "paper_id", 0) if current in window.viewer_tabs() else 0)


def restore(window: MainWindow) -> list[int]:
    """Open the saved papers again, in their order; returns the ids opened.

    A paper the app was just asked to open (a PDF given on the command line) stays in front.
    """
    asked_for = window.tabs.currentWidget() if window.tabs.count() > 1 else None  # besides the Library tab
    opened: list[int] = []
    window.restored_tabs = opened
    for paper_id in _ids(window.settings.value(OPEN_KEY, "")):
        try:
            paper = window.library.paper(paper_id) if window.library.exists(paper_id) else None
        except ReaderError:
            paper = None
        if paper is None or paper.trashed or not paper.pdf_path:
            continue
        if window.open_paper(paper_id) is not None:
            opened.append(paper_id)
    if asked_for is not None:
        window.tabs.setCurrentWidget(asked_for)  # opening each restored paper brought it to the front
        return opened
    current = _ids(str(window.settings.value(CURRENT_KEY, 0)))
    front = next((v for v in window.viewer_tabs() if current and getattr(v, "paper_id", None) == current[0]), None)
    window.tabs.setCurrentWidget(front if front is not None else window.tabs.widget(0))
    return opened


def _ids(value) -> list[int]:
    text = ",".join(value) if isinstance(value, list) else str(value or "")
    return [int(part) for part in text.split(",") if part.strip().isdigit() and int(part) > 0]
