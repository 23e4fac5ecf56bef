"""Help → About names the version, the library folder and the log file."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from reader import __version__


def test_about_names_version_library_and_log_file(open_window, tmp_path):
    window = open_window()
    window.log_file = tmp_path / "state" / "reading-list" / "log" / "reading-list.log"
    seen: list[str] = []

    def read_and_close() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, read_and_close)
            return
        seen.append(box.text())
        box.accept()

    QTimer.singleShot(0, read_and_close)
    window.show_about()  # modal: returns once read_and_close has closed it
    assert seen, "no About box"
    assert f"Reading List {__version__}" in seen[0]
    assert str(window.library.home) in seen[0]
    assert str(window.log_file) in seen[0]
