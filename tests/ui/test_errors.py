"""Unexpected errors show a dialog with a copyable report, from Qt slots and from Python threads."""

from __future__ import annotations

import logging
import sys
import threading

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from reader import __version__
from reader.ui.errors import install_error_dialog


@pytest.fixture
def dialogs(qtbot, tmp_path):
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    hooks = sys.excepthook, threading.excepthook  # pytest-qt's own hook is put back after the test
    try:
        yield install_error_dialog(parent, tmp_path / "log" / "reading-list.log")
    finally:
        sys.excepthook, threading.excepthook = hooks


def _raise(message: str) -> None:
    raise ValueError(message)


def test_error_in_a_slot_shows_a_dialog_with_a_copyable_report(dialogs, qtbot, tmp_path, caplog):
    QTimer.singleShot(0, lambda: _raise("boom in a slot"))
    qtbot.waitUntil(lambda: dialogs.box is not None and dialogs.box.isVisible(), timeout=5000)
    box = dialogs.box
    assert "boom in a slot" in box.text()
    assert str(tmp_path / "log" / "reading-list.log") in box.text()
    report = box.detailedText()
    assert report.startswith(f"Reading List {__version__}\nPython ")
    assert "Traceback (most recent call last)" in report and "ValueError: boom in a slot" in report
    assert any("unexpected error" in r.getMessage() and "boom in a slot" in r.getMessage()
               for r in caplog.records if r.levelno == logging.ERROR)

    copy = next(button for button in box.buttons() if button.text() == "Copy Report")
    copy.click()
    assert QApplication.clipboard().text() == report
    assert box.isVisible(), "copying keeps the dialog open"

    QTimer.singleShot(0, lambda: _raise("a second one"))  # while the first dialog is open: logged only
    qtbot.waitUntil(lambda: any("a second one" in r.getMessage() for r in caplog.records), timeout=5000)
    assert {w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()} == {box}
    box.close()


def test_error_in_a_python_thread_shows_the_dialog_on_the_ui_thread(dialogs, qtbot):
    worker = threading.Thread(target=_raise, args=("boom in a thread",))
    worker.start()
    worker.join(10)
    qtbot.waitUntil(lambda: dialogs.box is not None and dialogs.box.isVisible(), timeout=5000)
    assert dialogs.box.thread() is QApplication.instance().thread()
    assert "ValueError: boom in a thread" in dialogs.box.detailedText()
    dialogs.box.close()


def test_a_window_that_cannot_be_built_shows_why_instead_of_vanishing(qapp, library_home, monkeypatch):
    import reader.ui.main_window
    import reader.ui.viewer.render_client
    from reader.app import main

    class NoRenderProcess:
        def __init__(self, *args, **kwargs): ...
        def start(self): ...
        def shutdown(self): ...

    def broken(*args, **kwargs):
        raise RuntimeError("the window could not be built")

    monkeypatch.setattr(reader.ui.main_window, "MainWindow", broken)
    monkeypatch.setattr(reader.ui.viewer.render_client, "RenderClient", NoRenderProcess)
    names = qapp.applicationName(), qapp.organizationName(), qapp.desktopFileName()
    root = logging.getLogger()
    handlers = list(root.handlers)
    seen: list[tuple[str, str]] = []

    def read_and_close() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, read_and_close)
            return
        seen.append((box.text(), box.detailedText()))
        box.reject()

    QTimer.singleShot(0, read_and_close)
    try:
        assert main(["--library", str(library_home)]) == 1
    finally:
        qapp.setApplicationName(names[0])
        qapp.setOrganizationName(names[1])
        qapp.setDesktopFileName(names[2])
        for handler in [h for h in root.handlers if h not in handlers]:
            root.removeHandler(handler)
            handler.close()
    assert seen, "no dialog"
    text, report = seen[0]
    assert "could not start: the window could not be built" in text and "reading-list.log" in text
    assert "RuntimeError: the window could not be built" in report
