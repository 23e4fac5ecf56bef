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
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog, QPlainTextEdit

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


def settle(qtbot, window) -> None:
    """Let the window's background work finish and its results arrive, before the window goes.

    A count still on its way to a closed window would otherwise be delivered to the next test.
    """
    for _ in range(3):  # processEvents, not a nested event loop: that would also run deleteLater()s
        window.runner.wait(10_000)
        QApplication.processEvents()


@pytest.fixture
def window(qtbot, open_window):
    """The main window on a fresh library, active as a launched app's is; settled when the test ends."""
    opened = open_window()
    qtbot.addWidget(opened, before_close_func=lambda w: settle(qtbot, w))  # pytest-qt closes it before teardown
    opened.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is opened, timeout=5000)
    return opened


def when_modal_appears(qtbot, act) -> None:
    """Run ``act(dialog)`` once a modal dialog (a file chooser run by a blocking call) is up."""

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or not dialog.isVisible():
            QTimer.singleShot(30, poll)
        else:
            act(dialog)

    QTimer.singleShot(30, poll)


def test_the_reading_loop_by_keyboard_alone(qtbot, window, tmp_path):
    pdf = paper_pdf(tmp_path / "foxes.pdf")
    notes_dir = tmp_path / "vault" / "new folder"  # does not exist: the export creates it
    assert window.library_stack.currentWidget() is window.welcome  # a fresh library

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


# --- shortcuts that never clash --------------------------------------------------------------

@pytest.fixture
def window_with_open_paper(qtbot, window, tmp_path):
    """The window with one paper added and open in a tab (its page loaded and focused)."""
    from reader.library import Library, PaperFields

    library: Library = window.library
    outcome = library.add_pdf(paper_pdf(tmp_path / "foxes.pdf"), PaperFields(title="Foxes"), page_count=3)
    window.refresh()
    tab = window.open_paper(outcome.paper_id)
    qtbot.waitUntil(lambda: tab.is_loaded() and 0 in tab.view._words, timeout=10_000)
    return window, tab


def focusable_places(root):
    from PySide6.QtWidgets import QWidget

    return [w for w in root.findChildren(QWidget)
            if w.isVisible() and w.isEnabled() and w.focusPolicy() != Qt.FocusPolicy.NoFocus and not w.isWindow()
            and w.focusProxy() is None]


def test_no_key_has_two_owners_anywhere_in_the_window_or_a_paper_tab(qtbot, window_with_open_paper):
    """Every action of the window and of the tab, with the focus in every focusable widget of both."""
    from reader.ui.shortcuts import all_actions, clashes

    window, tab = window_with_open_paper
    tab.show_find()  # the find bar's widgets too
    places = {"paper tab": focusable_places(tab)}
    window.tabs.setCurrentIndex(0)
    places["library"] = focusable_places(window)
    assert len(places["paper tab"]) > 5 and len(places["library"]) > 5
    found = {}
    for where, widgets in places.items():
        if where == "paper tab":
            window.tabs.setCurrentWidget(tab)
        else:
            window.tabs.setCurrentIndex(0)
        for widget in widgets:
            widget.setFocus()
            assert focus() is widget, f"{widget!r} would not take the focus"
            problems = clashes(all_actions(window), widget)
            if problems:
                found[f"{where}: {type(widget).__name__} {widget.objectName()}"] = problems
    assert found == {}


def test_every_menu_item_has_its_own_alt_letter(window):
    """Alt+E then R must reach one item: two items of a menu with the same mnemonic make Qt cycle between them."""
    import re

    found = {}
    for menu_action in window.menuBar().actions():
        texts = [a.text() for a in menu_action.menu().actions() if not a.isSeparator() and a.isVisible()]
        letters = [m.group(1).lower() for t in texts if (m := re.search(r"&([^&])", t))]
        repeated = sorted({letter for letter in letters if letters.count(letter) > 1})
        if repeated:
            found[menu_action.text()] = repeated
    assert found == {}


def test_the_clash_check_sees_what_qt_calls_ambiguous(qtbot, window_with_open_paper, qtlog):
    """The check above must fail on the bug of issue 19: a window-wide Ctrl+F beside the tab's."""
    from PySide6.QtGui import QAction, QKeySequence

    from reader.ui.shortcuts import all_actions, clashes

    window, tab = window_with_open_paper
    tab.view.setFocus()
    assert clashes(all_actions(window), tab.view) == {}
    rival = QAction("Window-wide find", window, shortcut=QKeySequence("Ctrl+F"))
    window.addAction(rival)
    assert clashes(all_actions(window), tab.view) == {"Ctrl+F": ["Find", "Window-wide find"]}
    press(qtbot, Qt.Key.Key_F, CTRL)
    assert not tab.find_bar.isVisible()
    assert any("Ambiguous shortcut overload: Ctrl+F" in r.message for r in qtlog.records)


def test_ctrl_f_and_delete_do_what_the_focused_place_means(qtbot, window_with_open_paper):
    window, tab = window_with_open_paper
    paper_id = tab.paper_id
    press(qtbot, Qt.Key.Key_F, CTRL)  # in the tab: find in the document
    assert tab.find_bar.isVisible() and focus() is tab.find_bar.edit
    press(qtbot, Qt.Key.Key_Escape)
    assert not tab.find_bar.isVisible() and focus() is tab.view
    press(qtbot, Qt.Key.Key_Delete)  # in the tab: no mark is current, so nothing; never the paper
    assert not window.library.paper(paper_id).trashed

    press(qtbot, Qt.Key.Key_Tab, CTRL)  # Ctrl+Tab: the Library tab
    assert window.tabs.currentIndex() == 0
    window.table.setFocus()
    press(qtbot, Qt.Key.Key_F, CTRL)  # in the library: the search box
    assert focus() is window.search
    type_text(qtbot, "foxes")
    qtbot.waitUntil(lambda: window.model.query.text == "foxes" and window.model.rowCount() == 1, timeout=5000)
    window.table.setFocus()
    press(qtbot, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: window.library.paper(paper_id).trashed, timeout=5000)


# --- marking from the keyboard ---------------------------------------------------------------

@pytest.fixture
def annotating_tab(qtbot, open_tab, library_home, tmp_path):
    """A paper's tab on its own (no window), its page focused, in an active window."""
    from reader.library import Library, PaperFields

    library = Library.open(library_home)
    outcome = library.add_pdf(paper_pdf(tmp_path / "foxes.pdf"), PaperFields(title="Foxes"), page_count=3)
    pdf = library_home / library.paper(outcome.paper_id).pdf_path
    tab = open_tab(pdf, library=library, paper_id=outcome.paper_id)
    qtbot.waitUntil(lambda: 0 in tab.view._words, timeout=10_000)
    tab.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is tab and focus() is tab.view, timeout=5000)
    yield tab
    library.close()


def find(qtbot, tab, phrase: str) -> None:
    press(qtbot, Qt.Key.Key_F, CTRL)
    type_text(qtbot, phrase)
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: " of " in tab.find_bar.count_label.text(), timeout=10_000)
    press(qtbot, Qt.Key.Key_Escape)


def test_shift_arrows_adjust_the_found_words_before_marking(qtbot, annotating_tab):
    tab = annotating_tab
    find(qtbot, tab, "weights are")
    qtbot.waitUntil(lambda: tab.view.selected_text() == "weights are", timeout=5000)
    press(qtbot, Qt.Key.Key_Right, SHIFT)
    press(qtbot, Qt.Key.Key_Right, SHIFT)
    assert tab.view.selected_text() == "weights are computed per"
    press(qtbot, Qt.Key.Key_Left, SHIFT)
    assert tab.view.selected_text() == "weights are computed"
    press(qtbot, Qt.Key.Key_End, SHIFT)
    assert tab.view.selected_text() == "weights are computed per head."
    press(qtbot, Qt.Key.Key_Down, SHIFT)  # the line below, to the word under "head."
    assert tab.view.selected_text().startswith("weights are computed per head.\nA second paragraph")
    press(qtbot, Qt.Key.Key_Up, SHIFT)
    press(qtbot, Qt.Key.Key_Up, SHIFT)  # above the anchor now: the selection runs back from it
    assert tab.view.selected_text() == "lazy dog.\nAttention weights"  # the word above, back to the anchor
    press(qtbot, Qt.Key.Key_Home, SHIFT)
    assert tab.view.selected_text().startswith("The quick brown fox")
    press(qtbot, Qt.Key.Key_U)
    store = tab.annotations.store
    qtbot.waitUntil(lambda: len(store.records) == 1, timeout=5000)
    assert store.records[0].kind == "underline"
    assert store.records[0].quote == "The quick brown fox jumps over the lazy dog.\nAttention weights"
    assert not tab.view.has_selection()


def test_shift_arrows_cross_onto_the_next_page(qtbot, annotating_tab):
    tab = annotating_tab
    find(qtbot, tab, "more words")
    qtbot.waitUntil(lambda: tab.view.selected_text() == "more words.", timeout=5000)
    # the next page's text may still be on its way: a second press then takes it in
    for _ in range(20):
        press(qtbot, Qt.Key.Key_Right, SHIFT)
        if 1 in tab.view._selection:
            break
        qtbot.wait(50)
    assert tab.view.selected_text() == "more words.\nPage"
    press(qtbot, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: len(tab.annotations.store.records) == 2, timeout=5000)  # one mark per page
    assert sorted(r.page for r in tab.annotations.store.records) == [1, 2]


def test_m_steps_through_marks_in_page_order_and_c_comments(qtbot, annotating_tab):
    tab = annotating_tab
    store, layer = tab.annotations.store, tab.annotations.layer
    for phrase, key in (("second paragraph", Qt.Key.Key_H), ("quick brown", Qt.Key.Key_S)):
        find(qtbot, tab, phrase)
        qtbot.waitUntil(lambda p=phrase: tab.view.selected_text() == p, timeout=5000)
        count = len(store.records)
        press(qtbot, key)
        qtbot.waitUntil(lambda c=count: len(store.records) == c + 1, timeout=5000)
    quick = next(r.id for r in store.records if r.quote == "quick brown")
    second = next(r.id for r in store.records if r.quote == "second paragraph")
    layer.current_id = None
    press(qtbot, Qt.Key.Key_M)
    assert layer.current_id == quick  # page order, not the order they were made in
    press(qtbot, Qt.Key.Key_M)
    assert layer.current_id == second
    press(qtbot, Qt.Key.Key_M)
    assert layer.current_id == quick  # round again
    press(qtbot, Qt.Key.Key_M, SHIFT)
    assert layer.current_id == second
    assert tab.annotations.panel  # the panel follows (it is what a screen reader reads)
    press(qtbot, Qt.Key.Key_C)
    qtbot.waitUntil(lambda: isinstance(focus(), QPlainTextEdit), timeout=5000)
    assert tab.annotations.comment_dialog.annotation_id == second


def test_the_page_keys_the_sheet_lists_move_the_page(qtbot, annotating_tab):
    """READING_KEYS is what the shortcuts sheet shows for the page; each key must do something."""
    from PySide6.QtGui import QKeySequence

    from reader.ui.viewer.pdf_view import READING_KEYS

    tab = annotating_tab
    tab.view.set_zoom(2.0)
    tab.view.go_to_page(1)
    qtbot.wait(50)

    def where():
        return tab.view.verticalScrollBar().value(), tab.view.horizontalScrollBar().value(), tab.current_page()

    for what, keys in READING_KEYS:
        for key in keys:
            combo = QKeySequence(key)[0]
            tab.view.go_to_page(1)
            tab.view.horizontalScrollBar().setValue(tab.view.horizontalScrollBar().maximum() // 2)
            before = where()
            press(qtbot, combo.key(), combo.keyboardModifiers())
            assert where() != before, f"{key} ({what}) did nothing"


# --- dialogs: Tab reaches every control, and each has its own Alt+letter ------------------------

def mnemonic(text: str) -> str | None:
    import re

    found = re.search(r"&([^&\s])", text.replace("&&", ""))
    return found.group(1).lower() if found else None


def walk_with_tab(qtbot, dialog) -> list:
    """Press Tab until the focus comes round again; the widgets it visited, in order."""
    seen = []
    for _ in range(60):
        widget = focus()
        if widget in seen:
            break
        seen.append(widget)
        press(qtbot, Qt.Key.Key_Tab)
    return seen


def check_keyboard_reach(qtbot, dialog, esc_button=None, beside_radio=()):
    """Every control is reached by Tab and has an Alt+letter (its own or its label's), none shared.

    A radio button group is one Tab stop (arrows move inside it), as Qt and every desktop do; a control
    in ``beside_radio`` is the field of a radio button, reached by that radio's letter and then Tab.
    The Esc button (Cancel/Close) needs no letter.
    """
    from PySide6.QtWidgets import QAbstractButton, QLabel, QRadioButton, QWidget

    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=5000)
    controls = [w for w in dialog.findChildren(QWidget)
                if w.isVisible() and w.isEnabled() and w.focusPolicy() & Qt.FocusPolicy.TabFocus
                and w.focusProxy() is None and not isinstance(w, QLabel)]
    reached = walk_with_tab(qtbot, dialog)
    radios_reached = {id(w.group()) for w in reached if isinstance(w, QRadioButton)}
    unreached = [w for w in controls if w not in reached
                 and not (isinstance(w, QRadioButton) and id(w.group()) in radios_reached)]
    assert unreached == []
    letters: dict[str, list] = {}
    labels = {label.buddy(): label for label in dialog.findChildren(QLabel) if label.buddy() is not None}
    for widget in controls:
        if widget is esc_button or widget in beside_radio:
            continue
        text = widget.text() if isinstance(widget, QAbstractButton) else labels[widget].text() if widget in labels else ""
        letter = mnemonic(text)
        assert letter, f"no Alt+letter reaches {type(widget).__name__} {text!r}"
        letters.setdefault(letter, []).append(text)
    assert {k: v for k, v in letters.items() if len(v) > 1} == {}
    for field, label in labels.items():  # and a label's letter really lands in its field
        if field in controls:
            press(qtbot, getattr(Qt.Key, f"Key_{mnemonic(label.text()).upper()}"), Qt.KeyboardModifier.AltModifier)
            assert focus() is field, label.text()
    for radio in (w for w in controls if isinstance(w, QRadioButton)):
        press(qtbot, getattr(Qt.Key, f"Key_{mnemonic(radio.text()).upper()}"), Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(radio.isChecked, timeout=2000)  # a mnemonic clicks, a moment later
        assert focus() is radio, radio.text()


def test_export_dialog_by_keyboard(qtbot, window, tmp_path):
    window.load_sample()
    qtbot.waitUntil(lambda: window.model.rowCount() > 0, timeout=10_000)
    for fmt in ("markdown", "bibtex"):
        window.export(fmt=fmt)
        dialog = window.export_dialog
        qtbot.addWidget(dialog)
        assert dialog.tag_radio.isEnabled()  # the sample's tags
        assert dialog.target_label.text() == ("&Folder:" if fmt == "markdown" else "&File:")
        check_keyboard_reach(qtbot, dialog, esc_button=dialog.cancel_button, beside_radio=(dialog.tag_combo,))
        dialog.grab().save(str(tmp_path / f"export-{fmt}.png"))
        press(qtbot, Qt.Key.Key_Escape)
        assert not dialog.isVisible()


def test_export_to_a_typed_folder_that_does_not_exist(qtbot, window, tmp_path):
    window.load_sample()
    qtbot.waitUntil(lambda: window.model.rowCount() > 0, timeout=10_000)
    window.export(fmt="markdown")
    dialog = window.export_dialog
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=5000)
    target = tmp_path / "not" / "there" / "yet"
    press(qtbot, Qt.Key.Key_F, Qt.KeyboardModifier.AltModifier)
    type_text(qtbot, str(target))
    with qtbot.waitSignal(dialog.exported, timeout=30_000):
        press(qtbot, Qt.Key.Key_Return)
    assert len(list(target.glob("*.md"))) == len(window.table.selected_paper_ids())


def test_add_paper_dialog_by_keyboard(qtbot, qapp, tmp_path):
    from reader.ui.dialogs.add_paper import AddPaperDialog

    dialog = AddPaperDialog(["NLP"])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.title_edit.setFocus()
    check_keyboard_reach(qtbot, dialog, esc_button=dialog.findChild(QDialogButtonBox).button(
        QDialogButtonBox.StandardButton.Cancel))
    press(qtbot, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)
    type_text(qtbot, "Typed by hand")
    press(qtbot, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)  # the summary; Tab then leaves it
    type_text(qtbot, "Short.")
    press(qtbot, Qt.Key.Key_Tab)
    assert dialog.summary_edit.toPlainText() == "Short." and focus() is not dialog.summary_edit
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        press(qtbot, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    assert dialog.fields().title == "Typed by hand"


# --- the shortcuts sheet ------------------------------------------------------------------------

def test_f1_shows_the_keys_read_from_the_actions_and_readme_lists_the_same(qtbot, window_with_open_paper,
                                                                          tmp_path):
    from tests.conftest import REPO

    from reader.ui import shortcuts_sheet

    window, tab = window_with_open_paper
    window.tabs.setCurrentIndex(0)
    window.table.setFocus()
    press(qtbot, Qt.Key.Key_F1)
    sheet = window.shortcuts_sheet
    qtbot.waitExposed(sheet)
    sheet.grab().save(str(tmp_path / "sheet.png"))
    assert sheet.keys_for("Find…") == "Ctrl+F" and sheet.keys_for("Find") == "Ctrl+F"
    assert sheet.keys_for("Highlight selection") == "H" and sheet.keys_for("Go to the next mark") == "M"
    assert sheet.keys_for("Close Tab") == "Ctrl+F4 or Ctrl+W"
    sheet.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is sheet, timeout=5000)
    assert focus() is sheet.tree  # arrows scroll the list at once
    press(qtbot, Qt.Key.Key_Escape)
    assert not sheet.isVisible()

    # made from the actions: a key given to an action shows up, a key taken away goes
    tab.dark_action.setShortcut("Ctrl+Shift+D")
    assert ("Reading a paper", "Dark pages", ("Ctrl+Shift+D",)) in shortcuts_sheet.rows_for(window)
    tab.dark_action.setShortcut("")
    rows_with_tab = shortcuts_sheet.rows_for(window)
    assert not any(what == "Dark pages" for _s, what, _k in rows_with_tab)

    # with no paper open the reading keys are the same (read from a tab that opens nothing)
    window.close_tab(window.tabs.indexOf(tab))
    qtbot.waitUntil(lambda: not window.viewer_tabs(), timeout=5000)
    assert shortcuts_sheet.rows_for(window) == rows_with_tab

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert shortcuts_sheet.markdown(rows_with_tab) in readme, "README's key list differs from the app's"


def test_the_sheet_on_an_empty_library(qtbot, window):
    from reader.ui import shortcuts_sheet

    rows = shortcuts_sheet.rows_for(window)
    assert ("Reading a paper", "Highlight selection", ("H",)) in rows


def test_ctrl_f_in_the_figures_grid_searches_its_captions(qtbot, window_with_open_paper):
    window, _tab = window_with_open_paper
    press(qtbot, Qt.Key.Key_G, CTRL | SHIFT)
    grid = window.tabs.currentWidget()
    assert type(grid).__name__ == "FiguresView"
    grid.setFocus()
    press(qtbot, Qt.Key.Key_F, CTRL)
    assert focus() is grid.search


def test_going_back_to_an_open_paper_puts_the_focus_on_its_page(qtbot, window_with_open_paper):
    window, tab = window_with_open_paper
    window.tabs.setCurrentIndex(0)
    window.table.setFocus()
    assert window.table.current_paper_id() == tab.paper_id
    press(qtbot, Qt.Key.Key_Return)
    assert window.tabs.currentWidget() is tab and focus() is tab.view


def test_shift_right_with_nothing_selected_starts_at_the_first_word_in_view_and_esc_clears(qtbot, annotating_tab):
    tab = annotating_tab
    assert not tab.view.has_selection()
    press(qtbot, Qt.Key.Key_Right, SHIFT)
    assert tab.view.selected_text() == "Page"
    press(qtbot, Qt.Key.Key_Right, SHIFT)
    press(qtbot, Qt.Key.Key_Right, SHIFT)
    assert tab.view.selected_text() == "Page 1 heading"
    press(qtbot, Qt.Key.Key_Escape)
    assert not tab.view.has_selection()


def test_shift_arrows_extend_a_selection_made_with_the_mouse(qtbot, annotating_tab):
    tab = annotating_tab
    words = tab.view._words[0]
    quick, brown = (next(w for w in words if w[4] == text) for text in ("quick", "brown"))

    def at(x, y):
        vx, vy = tab.view.layout_.from_page(0, x, y)
        return QPoint(round(vx - tab.view.horizontalScrollBar().value()), round(vy - tab.view.verticalScrollBar().value()))

    start, end = at(quick[0] + 1, (quick[1] + quick[3]) / 2), at(brown[2] - 1, (brown[1] + brown[3]) / 2)
    qtbot.mousePress(tab.view.viewport(), Qt.MouseButton.LeftButton, NONE, start)
    qtbot.mouseMove(tab.view.viewport(), end)
    qtbot.mouseRelease(tab.view.viewport(), Qt.MouseButton.LeftButton, NONE, end)
    assert tab.view.selected_text() == "quick brown"
    press(qtbot, Qt.Key.Key_Right, SHIFT)
    assert tab.view.selected_text() == "quick brown fox"
