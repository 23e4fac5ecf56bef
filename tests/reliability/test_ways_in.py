"""Issue 13, "Nothing lost, nobody let in": the ways in from outside the app.

Each test is the attack as it was met: a crafted note, backup, BibTeX entry, link or
socket, against the real window, the real library files and real processes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.timeout(180)


# --- Notes preview: links from quoted PDF text and sidecars ------------------------------------

class _Handler:
    """Stands where the desktop's handler for one URL scheme would be (QDesktopServices.setUrlHandler)."""

    def __init__(self) -> None:
        from PySide6.QtCore import QObject, Slot

        class Receiver(QObject):
            def __init__(self) -> None:
                super().__init__()
                self.opened: list[str] = []

            @Slot("QUrl")
            def open(self, url) -> None:
                self.opened.append(url.toString())

        self.receiver = Receiver()


def _click_anchor(qtbot, browser, text: str) -> None:
    """Click the middle of the visible link text ``text`` in a QTextBrowser, as the user would."""
    from PySide6.QtCore import QPoint, Qt

    cursor = browser.document().find(text)
    assert not cursor.isNull(), f"{text!r} is not in the preview"
    start = browser.cursorRect(cursor).center()
    cursor.setPosition(cursor.selectionStart() + 1)
    at = browser.cursorRect(cursor).center()
    qtbot.mouseClick(browser.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(at.x(), start.y()))


def test_notes_preview_opens_only_web_and_mail_links(qtbot, tmp_path):
    from PySide6.QtGui import QDesktopServices

    from reader.library import NoteRecord
    from reader.ui.detail.notes import NotesEditor

    secret = tmp_path / "hostname"
    secret.write_text("secret-host-name\n")
    body = (f"Quoted from a PDF:\n\n[share](smb://evil.example/share)\n\n[local]({secret.as_uri()})\n\n"
            "[script](javascript:alert(1))\n\n[site](https://example.org/paper)\n")
    handler = _Handler()
    for scheme in ("smb", "file", "javascript", "https"):
        QDesktopServices.setUrlHandler(scheme, handler.receiver, "open")
    editor = NotesEditor()
    qtbot.addWidget(editor)
    editor.resize(600, 500)
    editor.show()
    try:
        editor.set_notes([NoteRecord(id=1, paper_id=1, body=body, created_at=None, updated_at=None)])
        editor.tabs.setCurrentWidget(editor.preview)
        qtbot.waitExposed(editor.preview)
        for label in ("share", "local", "script"):
            _click_anchor(qtbot, editor.preview, label)
            qtbot.wait(50)
            assert handler.receiver.opened == [], f"the {label!r} link reached the desktop"
            shown = editor.preview.toPlainText()
            assert "secret-host-name" not in shown and "Quoted from a PDF" in shown, f"{label!r} replaced the note"
            assert "Link not opened" in editor.saved_label.text()
        _click_anchor(qtbot, editor.preview, "site")
        qtbot.waitUntil(lambda: handler.receiver.opened == ["https://example.org/paper"], timeout=3000)
    finally:
        for scheme in ("smb", "file", "javascript", "https"):
            QDesktopServices.unsetUrlHandler(scheme)
