"""Annotating in the real viewer: mouse-driven marks, the panel, undo, persistence, annotated copies.

Real PDFs written with PyMuPDF, a real library on disk, the real render process.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pymupdf
import pytest
from PySide6.QtCore import QPointF, Qt

from reader.library import AnnotationFields, Library, PaperFields
from reader.ui.annotations.panel import DETACHED_HEADING

LINES = ["The quick brown fox jumps over the lazy dog.", "Attention weights are computed per head.",
         "A second paragraph follows with more words."]


def paper_pdf(path: Path, pages: int = 3) -> Path:
    doc = pymupdf.open()
    for number in range(pages):
        page = doc.new_page(width=612, height=792)
        page.insert_text((72, 90), f"Page {number + 1} heading", fontsize=16)
        for row, line in enumerate(LINES):
            page.insert_text((72, 150 + row * 24), line, fontsize=12)
        page.draw_rect(pymupdf.Rect(100, 400, 300, 560), color=(0.2, 0.3, 0.8), fill=(0.8, 0.85, 1.0))
    doc.save(path)
    doc.close()
    return path


@pytest.fixture
def paper(tmp_path, library_home):
    library = Library.open(library_home)
    outcome = library.add_pdf(paper_pdf(tmp_path / "paper.pdf"), PaperFields(title="Foxes"), page_count=3)
    yield library, outcome.paper_id, library_home / library.paper(outcome.paper_id).pdf_path
    library.close()


@pytest.fixture
def annotating(open_tab, paper, qtbot):
    library, paper_id, pdf = paper

    def opener(**kw):
        tab = open_tab(pdf, library=library, paper_id=paper_id, **kw)
        qtbot.waitUntil(lambda: 0 in tab.view._words, timeout=10_000)
        return tab

    return opener


def to_view(tab, page: int, x: float, y: float) -> QPointF:
    vx, vy = tab.view.layout_.from_page(page, x, y)
    return QPointF(vx - tab.view.horizontalScrollBar().value(), vy - tab.view.verticalScrollBar().value())


def word(tab, page: int, text: str):
    return next(w for w in tab.view._words[page] if w[4] == text)


def drag(qtbot, tab, page, start, end, modifier=Qt.KeyboardModifier.NoModifier):
    a, b = to_view(tab, page, *start).toPoint(), to_view(tab, page, *end).toPoint()
    viewport = tab.view.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, modifier, a)
    qtbot.mouseMove(viewport, (a + b) / 2)
    qtbot.mouseMove(viewport, b)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, modifier, b)


def select_words(qtbot, tab, page: int, first: str, last: str) -> None:
    w0, w1 = word(tab, page, first), word(tab, page, last)
    drag(qtbot, tab, page, (w0[0] + 1, (w0[1] + w0[3]) / 2), (w1[2] - 1, (w1[1] + w1[3]) / 2))


def test_highlight_with_the_mouse_and_popup_then_undo_redo_and_reopen(qtbot, annotating, paper, library_home):
    library, paper_id, _ = paper
    tab = annotating()
    select_words(qtbot, tab, 0, "quick", "fox")
    bar = tab.annotations.bar
    assert bar.isVisible() and bar.mode == "selection"
    qtbot.mouseClick(bar.colour_buttons["Green"], Qt.MouseButton.LeftButton)
    [mark] = library.annotations(paper_id)
    assert (mark.kind, mark.page, mark.colour, mark.quote, mark.source) == ("highlight", 1, "#5fd068", "quick brown fox", "app")
    quick, fox = word(tab, 0, "quick"), word(tab, 0, "fox")
    assert mark.rect[0] <= quick[0] + 0.1 and mark.rect[2] >= fox[2] - 0.1 and len(mark.quads) == 1
    assert not bar.isVisible() and not tab.view.selected_text()
    rows = tab.annotations.panel.rows()
    assert [r.id for r in rows] == [mark.id]
    assert "quick brown fox" in tab.annotations.panel.list.item(0).text()
    assert tab.side.tabText(tab.side.indexOf(tab.annotations.panel)) == "Annotations (1)"

    tab.undo_stack.undo()
    assert library.annotations(paper_id) == [] and tab.annotations.panel.rows() == []
    tab.undo_stack.redo()
    [again] = library.annotations(paper_id)
    assert again.id == mark.id and again.quote == "quick brown fox"

    library.close()  # what survives a restart is what is on disk
    with Library.open(library_home) as reopened:
        [stored] = reopened.annotations(paper_id)
        assert (stored.kind, stored.colour, stored.quads) == ("highlight", "#5fd068", mark.quads)


def test_shortcuts_underline_and_strike_out(qtbot, annotating, paper):
    library, paper_id, _ = paper
    tab = annotating()
    select_words(qtbot, tab, 0, "Attention", "weights")
    qtbot.keyClick(tab.view, Qt.Key.Key_U)
    select_words(qtbot, tab, 0, "second", "paragraph")
    qtbot.keyClick(tab.view, Qt.Key.Key_S)
    select_words(qtbot, tab, 0, "lazy", "dog.")
    qtbot.keyClick(tab.view, Qt.Key.Key_H)
    marks = library.annotations(paper_id)
    assert sorted((m.kind, m.quote) for m in marks) == [
        ("highlight", "lazy dog."), ("strikeout", "second paragraph"), ("underline", "Attention weights")]
    assert [r.quote for r in tab.annotations.panel.rows()] == ["lazy dog.", "Attention weights", "second paragraph"]


def test_comment_on_a_clicked_highlight_is_markdown_and_undoable(qtbot, annotating, paper):
    library, paper_id, _ = paper
    tab = annotating()
    select_words(qtbot, tab, 0, "quick", "fox")
    qtbot.keyClick(tab.view, Qt.Key.Key_H)
    brown = word(tab, 0, "brown")
    qtbot.mouseClick(tab.view.viewport(), Qt.MouseButton.LeftButton,
                     pos=to_view(tab, 0, (brown[0] + brown[2]) / 2, (brown[1] + brown[3]) / 2).toPoint())
    bar = tab.annotations.bar
    assert bar.isVisible() and bar.mode == "mark"
    qtbot.mouseClick(bar.comment_button, Qt.MouseButton.LeftButton)
    dialog = tab.annotations.comment_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.editor.setPlainText("**Key** claim, see [ref](https://example.org)")
    dialog.accept()
    [mark] = library.annotations(paper_id)
    assert mark.comment == "**Key** claim, see [ref](https://example.org)"
    assert "Comment: **Key** claim" in tab.annotations.panel.list.item(0).text()
    tab.undo_stack.undo()
    assert library.annotations(paper_id)[0].comment == ""
    tab.undo_stack.redo()
    assert library.annotations(paper_id)[0].comment.startswith("**Key**")


def test_sticky_note_by_tool_and_by_right_click(qtbot, annotating, paper):
    library, paper_id, _ = paper
    tab = annotating()
    tab.annotations.tool_actions["note"].trigger()
    qtbot.mouseClick(tab.view.viewport(), Qt.MouseButton.LeftButton, pos=to_view(tab, 0, 450, 300).toPoint())
    dialog = tab.annotations.comment_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.editor.setPlainText("Check this against Table 2.")
    dialog.accept()
    [note] = library.annotations(paper_id)
    assert note.kind == "note" and note.page == 1 and note.comment == "Check this against Table 2."
    assert abs(note.rect[0] - 450) < 2 and abs(note.rect[1] - 300) < 2
    assert tab.annotations.layer.tool == "select"  # one note per click of the tool

    layer = tab.annotations.layer
    layer._context_menu_at = None
    from PySide6.QtGui import QContextMenuEvent

    pos = to_view(tab, 0, 500, 650).toPoint()
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, tab.view.viewport().mapToGlobal(pos))
    qtbot.wait(1)
    from PySide6.QtWidgets import QApplication

    QApplication.sendEvent(tab.view.viewport(), event)
    menu = layer.menu
    action = next(a for a in menu.actions() if a.text() == "Add note here")
    menu.hide()
    action.trigger()
    tab.annotations.comment_dialog.reject()
    notes = [m for m in library.annotations(paper_id) if m.kind == "note"]
    assert len(notes) == 2 and any(abs(n.rect[1] - 650) < 2 for n in notes)


def test_area_by_shift_drag_stores_its_image(qtbot, annotating, paper):
    library, paper_id, _ = paper
    tab = annotating()
    drag(qtbot, tab, 0, (95, 395), (305, 565), Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: len(library.annotations(paper_id)) == 1, timeout=10_000)
    [area] = library.annotations(paper_id)
    assert area.kind == "area" and area.has_image
    assert all(abs(a - b) < 2 for a, b in zip(area.rect, (95, 395, 305, 565)))
    png = library.annotation_image(area.id)
    assert png.startswith(b"\x89PNG")
    pix = pymupdf.Pixmap(png)
    assert pix.width > 200 and abs(pix.width / pix.height - 210 / 170) < 0.05
    assert not tab.view.selected_text()  # Shift+drag draws an area, it does not select text


def test_panel_jump_flash_filter_and_detached(qtbot, annotating, paper):
    library, paper_id, _ = paper
    library.add_annotation(paper_id, AnnotationFields("highlight", 3, (72, 140, 200, 155), ((72, 140, 200, 155),),
                                                      "#4aa8ff", "Attention weights", "about heads"))
    library.add_annotation(paper_id, AnnotationFields("highlight", 1, (72, 140, 200, 155), ((72, 140, 200, 155),),
                                                      "#ffd400", "quick brown fox"))
    library.add_annotation(paper_id, AnnotationFields("note", 7, (10, 10, 28, 28), comment="on a page that went away"))
    tab = annotating()
    panel = tab.annotations.panel
    rows = panel.rows()
    assert [getattr(r, "page", r) for r in rows] == [1, 3, DETACHED_HEADING, 7]
    assert tab.side.currentWidget() is panel and tab.side.isVisible()
    blue = rows[1]
    item = panel.list.item(1)
    qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=panel.list.visualItemRect(item).center())
    assert tab.current_page() == 2
    assert tab.view._flash == (2, blue.rect) and tab.annotations.layer.current_id == blue.id
    panel.colour_filter.setCurrentIndex(panel.colour_filter.findData("#4aa8ff"))
    assert [r.id for r in panel.rows()] == [blue.id]
    panel.colour_filter.setCurrentIndex(0)
    panel.search.setText("went away")
    assert [getattr(r, "page", r) for r in panel.rows()] == [DETACHED_HEADING, 7]
    panel.search.setText("")
    panel.select(blue.id)
    panel.delete_requested.emit(blue.id)
    assert blue.id not in [m.id for m in library.annotations(paper_id)]
    tab.undo_stack.undo()
    assert blue.id in [m.id for m in library.annotations(paper_id)]


def test_quote_in_note_appends_to_the_current_note(qtbot, annotating, paper):
    library, paper_id, _ = paper
    library.add_note(paper_id, "# Reading notes")
    mark = library.add_annotation(paper_id, AnnotationFields("highlight", 2, (72, 140, 200, 155), quote="quick brown fox"))
    tab = annotating()
    panel = tab.annotations.panel
    panel.select(mark.id)
    qtbot.mouseClick(panel.quote_button, Qt.MouseButton.LeftButton)
    panel.notes.flush()
    [note] = library.notes(paper_id)
    assert note.body == "# Reading notes\n\n> quick brown fox (p. 2)\n"


def test_writes_through_the_task_runner(qtbot, annotating, paper):
    from reader.ui.tasks import TaskRunner

    library, paper_id, _ = paper
    runner = TaskRunner()
    tab = annotating(runner=runner)
    select_words(qtbot, tab, 0, "quick", "fox")
    qtbot.keyClick(tab.view, Qt.Key.Key_H)
    qtbot.waitUntil(lambda: len(tab.annotations.panel.rows()) == 1, timeout=5000)
    tab.undo_stack.undo()
    qtbot.waitUntil(lambda: tab.annotations.panel.rows() == [], timeout=5000)
    tab.undo_stack.redo()
    qtbot.waitUntil(lambda: len(tab.annotations.panel.rows()) == 1, timeout=5000)
    runner.wait()
    assert [m.quote for m in library.annotations(paper_id)] == ["quick brown fox"]


class _Annot:
    """What a test reads of an annotation: PyMuPDF's own objects die with the page iterator."""

    def __init__(self, rect, info, colors) -> None:
        self.rect, self.info, self.colors = tuple(rect), info, colors


def _overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_save_annotated_copy_has_real_annotations_and_leaves_the_original(qtbot, annotating, paper, tmp_path):
    library, paper_id, pdf = paper
    tab = annotating()
    select_words(qtbot, tab, 0, "quick", "fox")
    qtbot.keyClick(tab.view, Qt.Key.Key_H)
    select_words(qtbot, tab, 0, "Attention", "weights")
    qtbot.keyClick(tab.view, Qt.Key.Key_U)
    select_words(qtbot, tab, 0, "second", "paragraph")
    qtbot.keyClick(tab.view, Qt.Key.Key_S)
    tab.annotations.add_note(0, 450, 300)
    tab.annotations.comment_dialog.editor.setPlainText("a *note*")
    tab.annotations.comment_dialog.accept()
    drag(qtbot, tab, 0, (95, 395), (305, 565), Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: len(library.annotations(paper_id)) == 5, timeout=10_000)
    words = {w[4]: w for w in tab.view._words[0]}
    before = hashlib.sha256(pdf.read_bytes()).hexdigest()

    target = tmp_path / "out" / "annotated.pdf"
    with qtbot.waitSignal(tab.annotations.copy_saved, timeout=20_000) as saved:
        tab.annotations.save_copy(target)
    assert saved.args == [str(target), 5]
    assert hashlib.sha256(pdf.read_bytes()).hexdigest() == before
    assert not list(target.parent.glob(".annotated-*"))
    with pymupdf.open(target) as doc:
        annots = {a.type[1]: _Annot(a.rect, a.info, a.colors) for a in doc[0].annots()}
        assert set(annots) == {"Highlight", "Underline", "StrikeOut", "Text", "Square"}
        assert _overlaps(annots["Highlight"].rect, words["brown"][:4])
        assert _overlaps(annots["Underline"].rect, words["weights"][:4])
        assert _overlaps(annots["StrikeOut"].rect, words["paragraph"][:4])
        assert not _overlaps(annots["Highlight"].rect, words["Attention"][:4])
        assert annots["Text"].info["content"] == "a *note*" and abs(annots["Text"].rect[0] - 450) < 2
        assert _overlaps(annots["Square"].rect, (100, 400, 300, 560))
        assert [round(c, 2) for c in annots["Highlight"].colors["stroke"]] == [1.0, 0.83, 0.0]
        assert not list(doc[1].annots())
    assert tab.annotations.save_copy_action.text() == "Save annotated copy…"
    with qtbot.waitSignal(tab.annotations.copy_failed, timeout=5000):
        tab.annotations.save_copy(pdf)  # never over the original


def test_viewer_without_a_library_stays_read_only(open_tab, tmp_path):
    tab = open_tab(paper_pdf(tmp_path / "plain.pdf"))
    assert tab.annotations is None and tab.undo_stack.count() == 0
    assert tab.view.overlay_painters == []
