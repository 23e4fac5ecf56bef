"""Files and links the operating system hands to a running app as events, not arguments.

On macOS, double-clicking a PDF, "Open With", dropping on the Dock icon and a
``reading-list://`` link all reach the app as a QFileOpenEvent (the bundle declares
those types in its Info.plist, see packaging/reading-list.spec). Other platforms pass
them on the command line, and a second launch forwards them (single_instance.py).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject


class FileOpenEvents(QObject):
    """Installed on the QApplication: hands each opened file or link to ``receive``."""

    def __init__(self, receive: Callable[[list[str]], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._receive = receive

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.FileOpen:
            url = event.url()
            item = url.toLocalFile() if url.isLocalFile() else (url.toString() or event.file())
            if item:
                self._receive([item])
            return True
        return super().eventFilter(watched, event)
