"""Selecting text in the viewer: where the colour bar appears, and where a drag starts.

Real PDFs (generated with PyMuPDF, and one from the shared corpus), a real library
on disk, the real render process and real mouse events on the viewport.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pymupdf
import pytest
from PySide6.QtCore import QPointF, QRect, Qt

from reader.library import Library, PaperFields

LINES = ["The quick brown fox jumps over the lazy dog.", "Attention weights are computed per head.",
         "A second paragraph follows with more words.", "The last line of the paragraph ends here."]


def lines_pdf(path: Path) -> Path:
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    for row, line in enumerate(LINES):
        page.insert_text((72, 150 + row * 24), line, fontsize=12)
    doc.save(path)
    doc.close()
    return path


@pytest.fixture
def annotating(open_tab, tmp_path, library_home, qtbot):
    library = Library.open(library_home)

    def opener(pdf: Path):
        outcome = library.add_pdf(pdf, PaperFields(title=pdf.stem), page_count=pymupdf.open(pdf).page_count)
        stored = library_home / library.paper(outcome.paper_id).pdf_path
        tab = open_tab(stored, library=library, paper_id=outcome.paper_id)
        qtbot.waitUntil(lambda: 0 in tab.view._words, timeout=10_000)
        return tab

    yield opener
    library.close()


def to_view(tab, page: int, x: float, y: float) -> QPointF:
    vx, vy = tab.view.layout_.from_page(page, x, y)
    return QPointF(vx - tab.view.horizontalScrollBar().value(), vy - tab.view.verticalScrollBar().value())


def word(tab, page: int, text: str):
    return next(w for w in tab.view._words[page] if w[4] == text)


def drag(qtbot, tab, page: int, start: tuple[float, float], end: tuple[float, float]) -> None:
    a, b = to_view(tab, page, *start).toPoint(), to_view(tab, page, *end).toPoint()
    viewport = tab.view.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=a)
    qtbot.mouseMove(viewport, (a + b) / 2)
    qtbot.mouseMove(viewport, b)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=b)


def select_words(qtbot, tab, first: str, last: str) -> None:
    w0, w1 = word(tab, 0, first), word(tab, 0, last)
    drag(qtbot, tab, 0, (w0[0] + 1, (w0[1] + w0[3]) / 2), (w1[2] - 1, (w1[1] + w1[3]) / 2))


def scroll_line_to(tab, first_word: str, y: int) -> None:
    """Scroll so that the line starting with ``first_word`` has its top ``y`` pixels below the view's top."""
    top = tab.view.layout_.from_page(0, 0, word(tab, 0, first_word)[1])[1]
    tab.view.verticalScrollBar().setValue(round(top) - y)
    assert abs(to_view(tab, 0, 0, word(tab, 0, first_word)[1]).y() - y) < 2


def selection_on_screen(tab) -> QRect:
    """Every selected line, in viewport pixels."""
    area = QRect()
    for page, boxes, _text in tab.view.selection_lines():
        for x0, y0, x1, y1 in boxes:
            top_left, bottom_right = to_view(tab, page, x0, y0), to_view(tab, page, x1, y1)
            area = area.united(QRect(top_left.toPoint(), bottom_right.toPoint()))
    return area


def test_colour_bar_sits_above_a_multi_line_selection_without_covering_it(qtbot, annotating, tmp_path):
    tab = annotating(lines_pdf(tmp_path / "lines.pdf"))
    tab.view.set_zoom(2.0)
    scroll_line_to(tab, "The", 70)
    select_words(qtbot, tab, "quick", "computed")
    assert tab.view.selected_text().startswith("quick brown fox")
    bar, selected = tab.annotations.bar, selection_on_screen(tab)
    assert bar.isVisible() and bar.mode == "selection"
    assert not bar.geometry().intersects(selected)
    assert bar.geometry().bottom() < selected.top()


def test_colour_bar_goes_below_a_selection_at_the_top_of_the_view(qtbot, annotating, tmp_path):
    tab = annotating(lines_pdf(tmp_path / "lines.pdf"))
    tab.view.set_zoom(2.0)
    scroll_line_to(tab, "The", 2)
    select_words(qtbot, tab, "quick", "computed")
    bar, selected = tab.annotations.bar, selection_on_screen(tab)
    assert selected.top() < bar.height()  # no room above
    assert bar.isVisible() and not bar.geometry().intersects(selected)
    assert bar.geometry().top() > selected.bottom()
    assert tab.view.viewport().rect().contains(bar.geometry())


def test_bar_of_a_clicked_mark_leaves_the_mark_visible(qtbot, annotating, tmp_path):
    tab = annotating(lines_pdf(tmp_path / "lines.pdf"))
    tab.view.set_zoom(2.0)
    scroll_line_to(tab, "The", 70)
    select_words(qtbot, tab, "second", "words.")
    qtbot.keyClick(tab.view, Qt.Key.Key_H)
    qtbot.waitUntil(lambda: len(tab.annotations.store.records) == 1)
    mark = tab.annotations.store.records[0]
    second = word(tab, 0, "second")
    qtbot.mouseClick(tab.view.viewport(), Qt.MouseButton.LeftButton,
                     pos=to_view(tab, 0, second[0] + 3, (second[1] + second[3]) / 2).toPoint())
    bar = tab.annotations.bar
    assert bar.isVisible() and bar.mode == "mark"
    x0, y0, x1, y1 = mark.quads[0]
    marked = QRect(to_view(tab, 0, x0, y0).toPoint(), to_view(tab, 0, x1, y1).toPoint())
    assert not bar.geometry().intersects(marked)


def test_drag_from_the_first_letter_of_a_word_that_the_word_before_reaches_into(qtbot, annotating, corpus):
    """Maths and italic words have boxes reaching into the next word; the drag must start at the word pressed."""
    tab = annotating(corpus / "papers" / "mu__test_3780.pdf")
    tab.go_to_page(1)
    qtbot.waitUntil(lambda: 1 in tab.view._words, timeout=10_000)
    words = tab.view._words[1]
    pairs = [(before, after) for before, after in itertools.pairwise(words)
             if before[5] == after[5] and before[0] < after[0] < before[2] - 1 and after[2] - after[0] > 8
             and min(before[3], after[3]) - max(before[1], after[1]) > 0.5 * (after[3] - after[1])]
    assert pairs, "the corpus page has words whose boxes overlap"
    before, start = pairs[0]
    middle = (start[1] + start[3]) / 2
    drag(qtbot, tab, 1, (start[0] + 0.5, middle), (start[2] - 0.5, middle))
    assert tab.view.selected_text().startswith(start[4]), (before[4], start[4], tab.view.selected_text())
