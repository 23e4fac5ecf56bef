"""Unexpected errors: logged, and shown in a dialog with a report the user can copy.

Without this a Qt app prints a traceback to a terminal nobody sees and carries on
in an unknown state, or vanishes.
"""

from __future__ import annotations

import logging
import platform
import sys
import traceback
from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from reader import __version__

log = logging.getLogger(__name__)


def error_report(exc_type, exc, tb) -> str:
    lines = "".join(traceback.format_exception(exc_type, exc, tb))
    return (f"Reading List {__version__}\nPython {platform.python_version()} on {platform.platform()}\n\n{lines}")


def install_error_dialog(parent: QWidget, log_file: Path | None) -> None:
    def hook(exc_type, exc, tb) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        report = error_report(exc_type, exc, tb)
        log.error("unexpected error\n%s", report)
        box = QMessageBox(parent)
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle("Reading List: unexpected error")
        where = f" The details are also in {log_file}." if log_file else ""
        box.setText(f"Something went wrong: {exc}\n\nYour library is safe; the last change may not have been saved."
                    f"{where}")
        box.setDetailedText(report)
        box.open()

    sys.excepthook = hook
