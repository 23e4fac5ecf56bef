"""Unexpected errors: logged, and shown in a dialog with a report the user can copy.

Without this a Qt app prints a traceback to a terminal nobody sees and carries on
in an unknown state, or vanishes.

Errors from Qt slots and the main thread come through ``sys.excepthook``, errors of
Python threads through ``threading.excepthook``; either way the dialog is shown on the
UI thread. One dialog at a time: errors that come while it is open are only logged.
"""

from __future__ import annotations

import logging
import platform
import sys
import threading
import traceback
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from reader import __version__

log = logging.getLogger(__name__)


def error_report(exc_type, exc, tb) -> str:
    lines = "".join(traceback.format_exception(exc_type, exc, tb))
    return (f"Reading List {__version__}\nPython {platform.python_version()} on {platform.platform()}\n\n{lines}")


class ErrorDialogs(QObject):
    """Lives on the UI thread; ``report`` may be emitted from any thread."""

    report = Signal(str, str)  # summary, full report

    def __init__(self, parent: QWidget, log_file: Path | None) -> None:
        super().__init__(parent)
        self._parent = parent
        self._log_file = log_file
        self.box: QMessageBox | None = None
        self.report.connect(self._show)

    def hook(self, exc_type, exc, tb) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        report = error_report(exc_type, exc, tb)
        log.error("unexpected error\n%s", report)
        self.report.emit(str(exc) or exc_type.__name__, report)  # queued when called off the UI thread

    def thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        self.hook(args.exc_type, args.exc_value, args.exc_traceback)

    @Slot(str, str)
    def _show(self, summary: str, report: str) -> None:
        if self.box is not None and self.box.isVisible():
            return  # one is open already; this one is in the log
        box = QMessageBox(self._parent)
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle("Reading List: unexpected error")
        where = f" The details are also in {self._log_file}." if self._log_file else ""
        box.setText(f"Something went wrong: {summary}\n\nYour library is safe; the last change may not have "
                    f"been saved.{where}")
        box.setDetailedText(report)  # selectable text under "Show Details..."
        copy = box.addButton("Copy Report", QMessageBox.ButtonRole.ActionRole)
        copy.clicked.disconnect()  # a message box closes on any button; this one stays open
        copy.clicked.connect(lambda: self._copy(copy, report))
        box.addButton(QMessageBox.StandardButton.Close)
        self.box = box
        box.open()

    @staticmethod
    def _copy(button, report: str) -> None:
        QApplication.clipboard().setText(report)
        button.setText("Copied")


def show_startup_error(exc_type, exc, tb, log_file: Path | None) -> None:
    """The window could not be built: log the report and show it in a modal dialog (the
    event loop is not running yet), so a double-clicked app does not just vanish."""
    report = error_report(exc_type, exc, tb)
    log.error("start-up failed\n%s", report)
    QApplication.instance() or QApplication(sys.argv[:1])
    box = QMessageBox(QMessageBox.Icon.Critical, "Reading List could not start",
                      f"Reading List could not start: {exc or exc_type.__name__}"
                      + (f"\n\nThe details are also in {log_file}." if log_file else ""))
    box.setDetailedText(report)
    copy = box.addButton("Copy Report", QMessageBox.ButtonRole.ActionRole)
    copy.clicked.disconnect()
    copy.clicked.connect(lambda: ErrorDialogs._copy(copy, report))
    box.addButton(QMessageBox.StandardButton.Close)
    box.exec()


def install_error_dialog(parent: QWidget, log_file: Path | None) -> ErrorDialogs:
    dialogs = ErrorDialogs(parent, log_file)
    sys.excepthook = dialogs.hook
    threading.excepthook = dialogs.thread_hook
    return dialogs
