"""Hovering "Figure 1" in the running text previews the figure: a real library, the real render process."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QHelpEvent


BODY = [
    "Our method improves on earlier work in every setting we tried, as shown in",
    "Figure 1, the accuracy grows with the amount of training data we use.",
    "Table 1 lists the scores on each benchmark next to the strongest baselines.",
    "The rest of this page is plain running text about the experiments we ran.",
]


def figure_paper(path: Path) -> Path:
    """Page 1 refers to Figure 1 and Table 1; page 2 has a drawn chart and a ruled table, each captioned."""
    doc = pymupdf.open()
    body = doc.new_page(width=612, height=792)
    body.insert_text((72, 80), "A Paper With One Chart", fontsize=16)
    for number, line in enumerate(BODY):
        body.insert_text((72, 130 + 14 * number), line, fontsize=10)
    page = doc.new_page(width=612, height=792)
    chart = page.new_shape()
    chart.draw_rect(pymupdf.Rect(150, 100, 460, 300))
    chart.finish(color=(0, 0, 0), fill=(0.85, 0.9, 1.0))
    for bar in range(6):
        chart.draw_rect(pymupdf.Rect(180 + bar * 45, 255 - 25 * bar, 210 + bar * 45, 280))
        chart.finish(color=(0.1, 0.2, 0.6), fill=(0.3, 0.5, 0.9))
    chart.commit()
    page.insert_text((72, 320), "Figure 1: Accuracy grows steadily with the amount of training data.", fontsize=9)
    page.insert_text((72, 400), "Table 1: Scores on each benchmark.", fontsize=9)
    rules = page.new_shape()
    for row in range(4):
        rules.draw_line((72, 410 + row * 16), (540, 410 + row * 16))
    rules.finish(color=(0, 0, 0), width=0.5)
    rules.commit()
    for row, (method, score) in enumerate([("Method", "Score"), ("Ours", "91.2"), ("Baseline", "88.0")]):
        page.insert_text((80, 422 + row * 16), method, fontsize=9)
        page.insert_text((400, 422 + row * 16), score, fontsize=9)
    table_reference = doc[0].search_for("Table 1 lists")[0]
    doc[0].insert_link({"kind": pymupdf.LINK_GOTO, "from": table_reference, "page": 1, "to": pymupdf.Point(0, 380)})
    doc.save(path)
    return path


@pytest.fixture
def paper(tmp_path, imported_paper):
    return imported_paper(figure_paper(tmp_path / "figure-paper.pdf"))


@pytest.fixture
def tab(open_tab, paper, qtbot):
    library, paper_id, pdf = paper
    opened = open_tab(pdf, library=library, paper_id=paper_id)
    qtbot.waitUntil(lambda: 0 in opened.view._words, timeout=10_000)
    return opened


def word_centre(tab, page: int, text: str, after: str | None = None) -> QPoint:
    """Where a word of the page is in the viewport now (``after``: the word just before it)."""
    words = tab.view._words[page]
    index = next(i for i, w in enumerate(words) if w[4] == text and (after is None or words[i - 1][4] == after))
    x0, y0, x1, y1 = words[index][:4]
    vx, vy = tab.view.layout_.from_page(page, (x0 + x1) / 2, (y0 + y1) / 2)
    return QPointF(vx - tab.view.horizontalScrollBar().value(), vy - tab.view.verticalScrollBar().value()).toPoint()


def hover(qtbot, tab, pos: QPoint) -> None:
    qtbot.mouseMove(tab.view.viewport(), pos=pos)


def test_the_library_extracted_what_the_preview_needs(paper):
    library, paper_id, _ = paper
    captions = {c.label: c for c in library.paper(paper_id).captions}
    assert set(captions) == {"Figure 1", "Table 1"}
    assert captions["Figure 1"].region and captions["Figure 1"].thumbnail and captions["Figure 1"].page == 2


def test_hovering_a_figure_reference_shows_the_figure_and_caption(qtbot, tab):
    popup = tab.figure_preview.popup
    hover(qtbot, tab, word_centre(tab, 0, "Figure"))
    qtbot.waitUntil(popup.isVisible, timeout=5_000)
    assert popup.caption.label == "Figure 1"
    assert tab.view.viewport().cursor().shape() == Qt.CursorShape.PointingHandCursor  # it looks clickable
    assert "Accuracy grows steadily" in popup.text.text() and "<b>Figure 1:</b>" in popup.text.text()
    assert "p. 2" in popup.where.text()
    assert popup.image.isVisible() and not popup.image.pixmap().isNull()
    assert tab.view.viewport().rect().contains(popup.geometry())
    # the sharper picture from the render process replaces the thumbnail
    qtbot.waitUntil(lambda: not tab.figure_preview._clips, timeout=10_000)
    assert popup.isVisible() and not popup.image.pixmap().isNull()
    assert tab.figure_preview._images[popup.caption].width() > 320  # thumbnails are 320 px at most

    hover(qtbot, tab, word_centre(tab, 0, "experiments"))
    qtbot.waitUntil(lambda: not popup.isVisible(), timeout=5_000)
    assert tab.view.viewport().cursor().shape() == Qt.CursorShape.IBeamCursor


def test_the_number_and_a_table_reference_work_too(qtbot, tab):
    popup = tab.figure_preview.popup
    hover(qtbot, tab, word_centre(tab, 0, "1,", after="Figure"))
    qtbot.waitUntil(popup.isVisible, timeout=5_000)
    assert popup.caption.label == "Figure 1"
    hover(qtbot, tab, word_centre(tab, 0, "Table"))
    qtbot.waitUntil(lambda: popup.isVisible() and popup.caption.label == "Table 1", timeout=5_000)
    assert "Scores on each benchmark" in popup.text.text()


def test_plain_text_and_the_caption_itself_show_nothing(qtbot, tab):
    preview = tab.figure_preview
    hover(qtbot, tab, word_centre(tab, 0, "accuracy"))
    hover(qtbot, tab, word_centre(tab, 0, "benchmark"))
    qtbot.wait(2 * 300 + 200)
    assert not preview.popup.isVisible() and preview._target is None

    tab.view.go_to_page(1)
    qtbot.waitUntil(lambda: 1 in tab.view._words, timeout=10_000)
    hover(qtbot, tab, word_centre(tab, 1, "Figure"))
    qtbot.wait(2 * 300 + 200)
    assert not preview.popup.isVisible() and preview._target is None


def test_scrolling_and_keys_hide_it_and_a_click_goes_to_the_figure(qtbot, tab):
    popup = tab.figure_preview.popup
    figure = word_centre(tab, 0, "Figure")
    hover(qtbot, tab, figure)
    qtbot.waitUntil(popup.isVisible, timeout=5_000)
    qtbot.keyClick(tab.view, Qt.Key.Key_Shift)
    assert not popup.isVisible()

    hover(qtbot, tab, figure + QPoint(1, 0))
    qtbot.waitUntil(popup.isVisible, timeout=5_000)
    qtbot.mouseClick(tab.view.viewport(), Qt.MouseButton.LeftButton, pos=figure)
    assert not popup.isVisible()
    qtbot.waitUntil(lambda: tab.current_page() == 1, timeout=5_000)
    tab.back()
    qtbot.waitUntil(lambda: tab.current_page() == 0, timeout=5_000)


def test_a_linked_reference_is_followed_once_and_its_tip_stays_away(qtbot, tab):
    popup = tab.figure_preview.popup
    table = word_centre(tab, 0, "Table")
    hover(qtbot, tab, table)
    qtbot.waitUntil(lambda: popup.isVisible() and popup.caption.label == "Table 1", timeout=5_000)
    tip = QHelpEvent(QEvent.Type.ToolTip, table, tab.view.viewport().mapToGlobal(table))
    assert tab.figure_preview.eventFilter(tab.view.viewport(), tip)
    qtbot.mouseClick(tab.view.viewport(), Qt.MouseButton.LeftButton, pos=table)
    qtbot.waitUntil(lambda: tab.current_page() == 1, timeout=5_000)
    assert len(tab.view.history) == 1  # the link went there; the preview did not jump a second time


def test_hiding_the_tab_hides_the_preview(qtbot, tab):
    popup = tab.figure_preview.popup
    hover(qtbot, tab, word_centre(tab, 0, "Figure"))
    qtbot.waitUntil(popup.isVisible, timeout=5_000)
    tab.hide()
    tab.show()
    assert not popup.isVisible()


def test_a_pdf_opened_from_outside_the_library_previews_its_figures_too(qtbot, open_window, tmp_path):
    """Double-clicking a PDF from Downloads: the extraction process reads its captions in the background."""
    from reader.ui.unlisted_tab import UnlistedTab

    window = open_window()
    window.receive_arguments([str(figure_paper(tmp_path / "loose.pdf"))], raise_window=False)
    unlisted = window.tabs.currentWidget()
    assert isinstance(unlisted, UnlistedTab)
    tab = unlisted.viewer
    qtbot.waitUntil(lambda: tab.is_loaded() and 0 in tab.view._words, timeout=10_000)
    qtbot.waitUntil(lambda: len(tab.figure_preview.captions()) == 2, timeout=30_000)
    hover(qtbot, tab, word_centre(tab, 0, "Figure"))
    qtbot.waitUntil(tab.figure_preview.popup.isVisible, timeout=5_000)
    assert tab.figure_preview.popup.caption.label == "Figure 1"
    qtbot.waitUntil(lambda: not tab.figure_preview.popup.image.pixmap().isNull(), timeout=10_000)  # clipped by the render process
