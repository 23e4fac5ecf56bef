"""The reading loop by keyboard alone (issue 19), on the real window with a real library and real PDFs.

Every step sends key events to whatever widget has the focus, as a keyboard
does; no test here calls a slot or clicks. Where a key is expected to reach a
particular widget, the test first checks that the focus is there, because a
focus that is somewhere else is exactly the bug a keyboard user meets.
"""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QPlainTextEdit

PHRASE = "attention weights are computed"
LINES = ["The quick brown fox jumps over the lazy dog.", "Attention weights are computed per head.",
         "A second paragraph follows with more words."]
CTRL, SHIFT, NONE = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier, Qt.KeyboardModifier.NoModifier


def paper_pdf(path: Path, pages: int = 3) -> Path:
    doc = pymupdf.open()
    for number in range(pages):
        page = doc.new_page(width=612, height=792)
        page.insert_text((72, 90), f"Page {number + 1} heading", fontsize=16)
        for row, line in enumerate(LINES):
            page.insert_text((72, 150 + row * 24), line, fontsize=12)
    doc.set_metadata({"title": "Foxes and Attention", "author": "Ada Lovelace"})
    doc.save(path)
    doc.close()
    return path


def focus():
    return QApplication.focusWidget()


def press(qtbot, key, modifier=NONE) -> None:
    """One key to the focused widget (or the active window when nothing has the focus)."""
    target = focus() or QApplication.activeWindow()
    assert target is not None, "no window has the keyboard"
    qtbot.keyClick(target, key, modifier)


def type_text(qtbot, text: str) -> None:
    qtbot.keyClicks(focus(), text)


def keyboard_back_to(qtbot, window) -> None:
    """What the desktop does when a dialog closes: its parent window gets the keyboard again.

    Qt's offscreen platform has no window manager to do it.
    """
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)


def when_modal_appears(qtbot, act) -> None:
    """Run ``act(dialog)`` once a modal dialog (a file chooser run by a blocking call) is up."""

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or not dialog.isVisible():
            QTimer.singleShot(30, poll)
        else:
            act(dialog)

    QTimer.singleShot(30, poll)


def test_the_reading_loop_by_keyboard_alone(qtbot, open_window, tmp_path):
    pdf = paper_pdf(tmp_path / "foxes.pdf")
    notes_dir = tmp_path / "vault" / "new folder"  # does not exist: the export creates it
    window = open_window()
    assert window.library_stack.currentWidget() is window.welcome  # a fresh library
    window.activateWindow()  # as the desktop does for a window just launched
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)

    # add a PDF: Ctrl+O, type the path in the file chooser, Enter
    def choose(dialog: QFileDialog) -> None:
        qtbot.keyClicks(focus(), str(pdf))
        press(qtbot, Qt.Key.Key_Return)

    when_modal_appears(qtbot, choose)
    press(qtbot, Qt.Key.Key_O, CTRL)
    qtbot.waitUntil(lambda: window.model.rowCount() == 1 and not window.import_job.running, timeout=30_000)
    paper_id = window.model.paper_id(0)
    keyboard_back_to(qtbot, window)
    assert focus() is window.table
    assert window.table.current_paper_id() == paper_id

    # Enter opens it, and the page has the focus
    press(qtbot, Qt.Key.Key_Return)
    tab = window.tabs.currentWidget()
    assert getattr(tab, "paper_id", None) == paper_id
    qtbot.waitUntil(lambda: tab.is_loaded() and focus() is tab.view, timeout=10_000)

    # Ctrl+F finds in the tab (not the library's search box), Enter runs it
    press(qtbot, Qt.Key.Key_F, CTRL)
    assert tab.find_bar.isVisible() and focus() is tab.find_bar.edit
    type_text(qtbot, PHRASE)
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: tab.find_bar.count_label.text() == "1 of 3", timeout=10_000)
    assert window.search.text() == ""

    # Esc: back to the page, the match selected; H highlights it
    qtbot.waitUntil(lambda: tab.view.selected_text() == "Attention weights are computed", timeout=5000)
    press(qtbot, Qt.Key.Key_Escape)
    assert not tab.find_bar.isVisible() and focus() is tab.view
    press(qtbot, Qt.Key.Key_H)
    store = tab.annotations.store
    qtbot.waitUntil(lambda: len(store.records) == 1, timeout=5000)
    mark = store.records[0]
    assert (mark.kind, mark.page, mark.quote) == ("highlight", 1, "Attention weights are computed")

    # C comments on the mark just made; Ctrl+Tab leaves the editor, Enter saves
    qtbot.waitUntil(lambda: tab.annotations.layer.current_id == mark.id, timeout=5000)
    press(qtbot, Qt.Key.Key_C)
    qtbot.waitUntil(lambda: isinstance(focus(), QPlainTextEdit), timeout=5000)
    type_text(qtbot, "Per head, **not** per layer.")
    press(qtbot, Qt.Key.Key_Tab, CTRL)
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: store.records and store.records[0].comment == "Per head, **not** per layer.", timeout=5000)

    # Ctrl+E, Alt+F to the folder field, type a folder that does not exist, Enter exports
    keyboard_back_to(qtbot, window)
    assert focus() is tab.view
    press(qtbot, Qt.Key.Key_E, CTRL)
    dialog = window.export_dialog
    qtbot.waitUntil(lambda: dialog.isVisible() and QApplication.activeWindow() is dialog, timeout=5000)
    press(qtbot, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    assert dialog.markdown_radio.isChecked() and dialog.selection_radio.isChecked()
    press(qtbot, Qt.Key.Key_F, Qt.KeyboardModifier.AltModifier)
    assert focus() is dialog.target_edit and dialog.target_edit.selectedText() == dialog.target_edit.text()
    type_text(qtbot, str(notes_dir))
    with qtbot.waitSignal(dialog.exported, timeout=30_000):
        press(qtbot, Qt.Key.Key_Return)

    notes = list(notes_dir.glob("*.md"))
    assert len(notes) == 1
    text = notes[0].read_text(encoding="utf-8")
    assert "Attention weights are computed" in text and "Per head, **not** per layer." in text
    assert f"reading-list://open?paper={paper_id}&page=1" in text
