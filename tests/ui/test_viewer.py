"""The viewer tab end to end: real PDFs, the real render process, offscreen Qt."""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

import pymupdf
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QGuiApplication

PAPER = "pm__2020.acl-main.447.pdf"


def rendered(tab) -> bool:
    view = tab.view
    pages = view.visible_pages()
    return bool(pages) and all(view.client.cache.get(view._key(p)) is not None for p in pages)


def linked_pdf(path: Path, pages: int = 5) -> Path:
    doc = pymupdf.open()
    for number in range(pages):
        page = doc.new_page(width=612, height=792)
        page.insert_text((72, 100), f"Section {number + 1} heading", fontsize=14)
    doc[0].insert_text((72, 200), "See Section 4 where the experi-\nment is described.", fontsize=11)
    doc[0].insert_link({"kind": pymupdf.LINK_GOTO, "from": pymupdf.Rect(72, 188, 150, 204), "page": 3, "to": pymupdf.Point(0, 90)})
    doc[0].insert_link({"kind": pymupdf.LINK_URI, "from": pymupdf.Rect(72, 400, 200, 420), "uri": "file:///etc/passwd"})
    doc.save(path)
    return path


def page_point_to_view(tab, page: int, x: float, y: float) -> QPointF:
    vx, vy = tab.view.layout_.from_page(page, x, y)
    return QPointF(vx - tab.view.horizontalScrollBar().value(), vy - tab.view.verticalScrollBar().value())


def test_open_page_through_and_zoom(qtbot, open_tab, corpus):
    tab = open_tab(corpus / "papers" / PAPER)
    assert tab.page_count() == 15
    qtbot.waitUntil(lambda: rendered(tab), timeout=10_000)
    assert tab.page_total.text().strip() == "/ 15"
    qtbot.keyClick(tab.view, Qt.Key.Key_End)
    assert tab.current_page() == 14 and tab.page_box.value() == 15
    qtbot.waitUntil(lambda: rendered(tab), timeout=10_000)
    qtbot.keyClick(tab.view, Qt.Key.Key_Home)
    assert tab.current_page() == 0
    qtbot.keyClick(tab.view, Qt.Key.Key_PageDown)
    qtbot.keyClick(tab.view, Qt.Key.Key_PageDown)
    assert tab.current_page() >= 1
    tab.go_to_page(6)
    assert tab.current_page() == 6
    fit = tab.zoom()
    qtbot.keyClick(tab.view, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert tab.zoom() > fit
    qtbot.keyClick(tab.view, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert tab.zoom() == 1.0
    qtbot.keyClick(tab.view, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert tab.zoom() == 0.9
    assert abs(tab.current_page() - 6) <= 1  # zoom keeps the reader's place
    qtbot.waitUntil(lambda: rendered(tab), timeout=10_000)
    with qtbot.waitSignal(tab.position_changed, timeout=3000) as blocker:
        tab.go_to_page(2)
    assert blocker.args == [2, 0.9]


def test_reopen_at_remembered_page_and_zoom(qtbot, open_tab, corpus):
    tab = open_tab(corpus / "papers" / PAPER, initial_page=9, initial_zoom=1.25)
    assert tab.current_page() == 9 and tab.zoom() == 1.25
    top = tab.view.verticalScrollBar().value()
    assert tab.view.layout_.page_at(top + 20) == 9
    qtbot.waitUntil(lambda: rendered(tab), timeout=10_000)


def test_go_to_page_from_the_keyboard(qtbot, open_tab, corpus):
    tab = open_tab(corpus / "papers" / PAPER)
    qtbot.waitUntil(tab.isActiveWindow, timeout=5_000)
    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    assert tab.page_box.hasFocus()
    qtbot.keyClicks(tab.page_box, "7")
    qtbot.keyClick(tab.page_box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: tab.current_page() == 6)


def test_fit_modes_are_remembered_as_fits_not_percentages(qtbot, open_tab, corpus):
    """A paper read at "Fit page" reopens fitting the page, whatever the window's size is then."""
    tab = open_tab(corpus / "papers" / PAPER)
    assert tab.view.fit_mode == "width"
    with qtbot.waitSignal(tab.position_changed, timeout=3000) as blocker:
        tab.view.set_fit_mode("page")
        tab.go_to_page(3)
    page, stored_zoom = blocker.args
    assert stored_zoom == -1.0  # what the library keeps for "fit page"
    reopened = open_tab(corpus / "papers" / PAPER, initial_page=page, initial_zoom=stored_zoom)
    reopened.resize(700, 500)  # a smaller window than before
    qtbot.waitUntil(lambda: reopened.view.fit_mode == "page" and reopened.view.layout_ is not None)
    width, height = reopened.view.layout_.page_sizes[page]
    qtbot.waitUntil(lambda: abs(reopened.zoom() * height - reopened.view.viewport().height()) < 40, timeout=3000)


def test_find_highlights_and_steps(qtbot, open_tab, corpus):
    tab = open_tab(corpus / "papers" / PAPER)
    qtbot.keyClick(tab.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert tab.find_bar.isVisible()
    qtbot.keyClicks(tab.find_bar.edit, "citation")
    qtbot.keyClick(tab.find_bar.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: " of " in tab.find_bar.count_label.text(), timeout=10_000)
    total = len(tab._hits)
    assert total > 5 and tab.find_bar.count_label.text() == f"1 of {total}"
    qtbot.keyClick(tab.find_bar.edit, Qt.Key.Key_Return)
    assert tab.find_bar.count_label.text() == f"2 of {total}"
    assert tab.current_page() == tab._hits[1][0]
    qtbot.keyClick(tab.find_bar.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(tab.find_bar.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert tab.find_bar.count_label.text() == f"{total} of {total}"


def test_select_and_copy_joins_hyphenation(qtbot, open_tab, tmp_path):
    tab = open_tab(linked_pdf(tmp_path / "links.pdf"))
    qtbot.waitUntil(lambda: 0 in tab.view._words, timeout=10_000)
    words = tab.view._words[0]
    first = next(w for w in words if w[4] == "See")
    last = next(w for w in words if w[4] == "described.")
    start = page_point_to_view(tab, 0, first[0] + 1, (first[1] + first[3]) / 2)
    end = page_point_to_view(tab, 0, last[2] - 1, (last[1] + last[3]) / 2)
    qtbot.mousePress(tab.view.viewport(), Qt.MouseButton.LeftButton, pos=start.toPoint())
    qtbot.mouseMove(tab.view.viewport(), pos=((start + end) / 2).toPoint())
    qtbot.mouseMove(tab.view.viewport(), pos=end.toPoint())
    qtbot.mouseRelease(tab.view.viewport(), Qt.MouseButton.LeftButton, pos=end.toPoint())
    QGuiApplication.clipboard().clear()
    qtbot.keyClick(tab.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == "See Section 4 where the experiment is described."


def test_internal_link_and_back(qtbot, open_tab, tmp_path):
    tab = open_tab(linked_pdf(tmp_path / "links.pdf"))
    qtbot.waitUntil(lambda: bool(tab.view._links.get(0)), timeout=10_000)
    link = next(l for l in tab.view._links[0] if l["kind"] == "goto")
    x0, y0, x1, y1 = link["rect"]
    point = page_point_to_view(tab, 0, (x0 + x1) / 2, (y0 + y1) / 2).toPoint()
    qtbot.mouseClick(tab.view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert tab.current_page() == 3
    qtbot.keyClick(tab.view, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert tab.current_page() == 0


def test_unsafe_external_link_is_shown_not_run(qtbot, open_tab, tmp_path):
    tab = open_tab(linked_pdf(tmp_path / "links.pdf"))
    qtbot.waitUntil(lambda: bool(tab.view._links.get(0)), timeout=10_000)
    link = next(l for l in tab.view._links[0] if l["kind"] != "goto")
    tab.view.activate_link(link)
    # PyMuPDF reports a file: URI as a launch action; either way it is only shown
    assert "not opened" in tab.status.text() and "/etc/passwd" in tab.status.text()


def test_missing_file_offers_locate_and_relinks(qtbot, open_tab, tmp_path, corpus):
    missing = tmp_path / "gone.pdf"
    tab = open_tab(missing, wait_loaded=False)
    assert "missing" in tab.placeholder_text.text() and tab.placeholder_button.text() == "Locate…"
    with qtbot.waitSignal(tab.locate_requested, timeout=1000):
        qtbot.mouseClick(tab.placeholder_button, Qt.MouseButton.LeftButton)
    shutil.copy(corpus / "papers" / "df__paper.pdf", missing)  # tmp copy, outside the repo
    tab.set_pdf_path(missing)
    qtbot.waitUntil(tab.is_loaded, timeout=10_000)
    assert tab.page_count() == 6


@pytest.mark.parametrize("name", ["dl__corrupted.pdf", "pm__key-error-585bcfc650f744efa7942900b742c1b64863350e.pdf", "mu__circular-toc.pdf"])
def test_broken_pdfs_never_crash(qtbot, open_tab, corpus, name):
    tab = open_tab(corpus / "robustness" / name, wait_loaded=False)
    qtbot.waitUntil(lambda: tab.is_loaded() or tab.placeholder_button.text() == "Try again", timeout=10_000)
    if tab.is_loaded():
        qtbot.waitUntil(lambda: all(tab.view.client.cache.get(tab.view._key(p)) is not None or p in tab.view._errors
                                    for p in tab.view.visible_pages()), timeout=10_000)
    else:
        assert tab.placeholder_text.text()


def test_truncated_pdf_shows_what_it_can(qtbot, open_tab, corpus, tmp_path):
    data = (corpus / "papers" / "df__paper.pdf").read_bytes()
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(data[: len(data) * 2 // 3])
    tab = open_tab(truncated, wait_loaded=False)
    qtbot.waitUntil(lambda: tab.is_loaded() or tab.placeholder_button.text() == "Try again", timeout=10_000)
    assert tab.is_loaded() or str(truncated) in tab.placeholder_text.text()


def test_password_prompt_and_retry(qtbot, open_tab, corpus):
    tab = open_tab(corpus / "robustness" / "dl__2206.01062_pg3.pdf", wait_loaded=False)
    qtbot.waitUntil(lambda: tab.password_dialog is not None and tab.password_dialog.isVisible(), timeout=10_000)
    tab.password_dialog.setTextValue("wrong")
    tab.password_dialog.accept()
    qtbot.waitUntil(lambda: tab.password_dialog is not None and "not correct" in tab.password_dialog.labelText(), timeout=10_000)
    tab.password_dialog.setTextValue("1234")
    tab.password_dialog.accept()
    qtbot.waitUntil(tab.is_loaded, timeout=10_000)
    assert tab.page_count() >= 1
    qtbot.waitUntil(lambda: rendered(tab), timeout=10_000)


def test_render_process_killed_recovers(qtbot, open_tab, corpus, render_client):
    tab = open_tab(corpus / "papers" / "sp__dyer12.pdf")
    qtbot.waitUntil(lambda: rendered(tab), timeout=10_000)
    old_pid = render_client.pid
    with qtbot.waitSignal(render_client.restarted, timeout=10_000):
        os.kill(old_pid, signal.SIGKILL)
    assert render_client.pid != old_pid
    tab.go_to_page(8)
    qtbot.waitUntil(lambda: rendered(tab), timeout=15_000)
    assert tab.current_page() == 8


def test_dark_mode_renders_dark_pages(qtbot, open_tab, corpus):
    tab = open_tab(corpus / "papers" / "df__paper.pdf")
    tab.dark_action.trigger()
    qtbot.waitUntil(lambda: rendered(tab), timeout=10_000)
    image = tab.view.client.cache.get(tab.view._key(tab.view.visible_pages()[0]))
    assert image.pixelColor(2, 2).lightness() < 60


def test_outline_panel_lists_the_toc(qtbot, open_tab, corpus):
    tab = open_tab(corpus / "papers" / "pm__2203.00130v1.pdf")
    if tab.outline.topLevelItemCount() == 0:
        pytest.skip("this paper has no outline")
    assert tab.side.isVisible()
    item = tab.outline.topLevelItem(tab.outline.topLevelItemCount() - 1)
    tab.outline.itemClicked.emit(item, 0)
    assert tab.current_page() == item.data(0, Qt.ItemDataRole.UserRole)[0]
