"""Driving the real main window: add, tag, status, notes, search, trash, restart."""

from __future__ import annotations

from PySide6.QtCore import Qt

from reader.library import PaperFields, Status
from reader.ui.papers.model import Column


def _titles(window) -> list[str]:
    model = window.model
    return [model.index(r, Column.TITLE).data() for r in range(model.rowCount())]


def _add_by_hand(window, qtbot, title: str, **kw) -> int:
    done = []
    window.write(lambda: window.library.add_paper(PaperFields(title=title, **kw)), done.append)
    qtbot.waitUntil(lambda: bool(done))
    window._after_add(done[0])
    return done[0]


def test_empty_library_shows_welcome_and_sample_loads(open_window, qtbot):
    window = open_window()
    assert window.library_stack.currentWidget() is window.welcome
    qtbot.mouseClick(window.welcome.sample_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.model.rowCount() >= 15, timeout=10_000)
    assert window.library_stack.currentWidget() is window.library_split
    assert "Reformer: The Efficient Transformer" in _titles(window)
    tags = {t.name for t in window.library.tag_counts()}
    assert {"NLP", "Generative models"} <= tags


def test_tag_status_note_search_and_restart(open_window, qtbot):
    window = open_window()
    pid = _add_by_hand(window, qtbot, "Reformer: The Efficient Transformer", authors=("Nikita Kitaev",))
    _add_by_hand(window, qtbot, "Deep Residual Learning")
    assert window.table.select_paper(pid)
    assert window.detail.title_edit.text() == "Reformer: The Efficient Transformer"

    tags = window.detail.tags_edit
    tags.setFocus()
    tags.clear()
    qtbot.keyClicks(tags, "Efficiency, NLP")
    qtbot.keyClick(tags, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.library.paper(pid).tags == ("Efficiency", "NLP"))
    qtbot.waitUntil(lambda: any(t.name == "NLP" for t in window.library.tag_counts()))

    window.detail.status_combo.setCurrentIndex(window.detail.status_combo.findData("read"))
    window.detail.status_combo.activated.emit(window.detail.status_combo.currentIndex())
    qtbot.waitUntil(lambda: window.library.paper(pid).status is Status.READ)

    editor = window.detail.notes.editor
    editor.setFocus()
    qtbot.keyClicks(editor, "Locality-sensitive hashing attention")
    qtbot.waitUntil(lambda: [n.body for n in window.library.notes(pid)] == ["Locality-sensitive hashing attention"],
                    timeout=5000)

    qtbot.keyClicks(window.search, "hashing")
    qtbot.waitUntil(lambda: _titles(window) == ["Reformer: The Efficient Transformer"])
    window.search.clear()
    qtbot.waitUntil(lambda: len(_titles(window)) == 2)

    window.sidebar.select_tag("NLP")
    qtbot.waitUntil(lambda: _titles(window) == ["Reformer: The Efficient Transformer"])
    window.table.select_paper(pid)

    window = open_window()  # close and start again on the same library
    assert window.sidebar.current_filter() == ("all", "NLP")
    assert window.table.current_paper_id() == pid
    assert window.detail.tags_edit.text() == "Efficiency, NLP"
    assert window.detail.notes.editor.toPlainText() == "Locality-sensitive hashing attention"
    assert window.detail.status_combo.currentData() == "read"


def test_closing_right_after_typing_keeps_the_note(open_window, qtbot):
    window = open_window()
    pid = _add_by_hand(window, qtbot, "A paper")
    window.table.select_paper(pid)
    qtbot.keyClicks(window.detail.notes.editor, "typed just before closing")
    window.close()
    window.shutdown()
    assert [n.body for n in window.library.notes(pid)] == ["typed just before closing"]


def test_trash_and_undo(open_window, qtbot):
    window = open_window()
    pid = _add_by_hand(window, qtbot, "Soon in the trash")
    window.table.select_paper(pid)
    window.trash_action.trigger()
    qtbot.waitUntil(lambda: window.library.view_counts().trash == 1)
    qtbot.waitUntil(lambda: _titles(window) == [])
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: window.library.view_counts().trash == 0)
    qtbot.waitUntil(lambda: _titles(window) == ["Soon in the trash"])


def test_window_geometry_and_columns_are_remembered(open_window, qtbot):
    window = open_window()
    _add_by_hand(window, qtbot, "Something")
    window.resize(760, 540)  # the offscreen screen is 800x600; geometry is clamped to it
    window.table.setColumnWidth(Column.AUTHORS, 321)
    window.close()
    window = open_window()
    # remembered as chosen; shown that wide where the table has room for it beside Title
    assert window.table.preferred_widths[Column.AUTHORS] == 321
    assert (window.size().width(), window.size().height()) == (760, 540)


def test_deleting_a_note_can_be_undone(open_window, qtbot):
    window = open_window()
    pid = _add_by_hand(window, qtbot, "Noted paper")
    window.table.select_paper(pid)
    qtbot.keyClicks(window.detail.notes.editor, "keep this thought")
    qtbot.waitUntil(lambda: window.detail.notes.current_note_id() != 0, timeout=5000)
    qtbot.mouseClick(window.detail.notes.delete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.library.notes(pid) == [])
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: [n.body for n in window.library.notes(pid)] == ["keep this thought"])
    qtbot.waitUntil(lambda: window.detail.notes.editor.toPlainText() == "keep this thought")
