"""A newcomer's first hour in the real window: the sample with PDFs to read, and naming yourself."""

from __future__ import annotations

from PySide6.QtCore import Qt

from reader.settings import account_user_name, user_name


def test_sample_loads_with_its_pdfs_and_says_what_it_added(open_window, qtbot):
    window = open_window()
    qtbot.mouseClick(window.welcome.sample_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Added" in window.statusBar().currentMessage(), timeout=30_000)
    assert window.statusBar().currentMessage() == "Added 24 papers, 0 already in the library."
    with_pdf = [pid for pid in window.library.query_ids() if window.library.pdf_file(pid)]
    assert len(with_pdf) == 2
    window.sample_action.trigger()
    qtbot.waitUntil(lambda: "already" in window.statusBar().currentMessage()
                    and "Added 0" in window.statusBar().currentMessage(), timeout=30_000)
    assert window.statusBar().currentMessage() == "Added 0 papers, 24 already in the library."
    assert window.model.rowCount() == 24


def test_your_name_is_set_from_the_edit_menu(open_window, qtbot):
    window = open_window()
    edit_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Edit")
    assert window.user_name_action in edit_menu.actions()
    window.user_name_action.trigger()
    assert window.name_dialog.textValue() == account_user_name()
    window.name_dialog.setTextValue("Ada Lovelace")
    window.name_dialog.accept()
    assert user_name() == "Ada Lovelace"
    assert "Ada Lovelace" in window.statusBar().currentMessage()
