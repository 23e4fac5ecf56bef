"""A viewer tab built ahead, so opening a paper does not wait for its widgets.

Building a tab's widgets (toolbar, page view, side panels, find bar) takes about
10 ms here, as long as MuPDF needs to open a short paper and draw its first page.
The window keeps one tab built in a quiet moment and gives it the next paper, as
browsers keep a process ready for the next page; only the paper's own parts (its
annotations, figures, citation index) are made at the open. The 10 ms are spent
when the reader has not touched mouse or keyboard for half a second, so they do
not land in the middle of a scroll.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from reader.ui.viewer.render_client import RenderClient
from reader.ui.viewer.viewer_tab import ViewerTab

REBUILD_DELAY_MS = 1500  # after a tab was taken: its first page and the paper's own parts come first
QUIET_S = 0.5  # without input, before the spare is built
_INPUT = {QEvent.Type.MouseMove, QEvent.Type.MouseButtonPress, QEvent.Type.Wheel, QEvent.Type.KeyPress,
          QEvent.Type.TouchUpdate}


class SpareTab(QObject):
    def __init__(self, owner: QWidget) -> None:
        super().__init__(owner)
        self._owner = owner
        self._spare: ViewerTab | None = None
        self._client: RenderClient | None = None
        self._timer = QTimer(self, singleShot=True, timeout=self._due)
        self._last_input = 0.0
        self._watching = False

    def prepare(self, client: RenderClient, delay_ms: int = REBUILD_DELAY_MS) -> None:
        """Build a spare for ``client`` after ``delay_ms`` and a quiet moment, unless one is ready."""
        self._client = client
        if self._spare is None and not self._timer.isActive():
            self._timer.start(delay_ms)
            self._watch(True)

    def _due(self) -> None:
        quiet_for = time.monotonic() - self._last_input
        if quiet_for < QUIET_S:
            self._timer.start(int((QUIET_S - quiet_for) * 1000) + 1)
            return
        self.build_now()

    def _watch(self, on: bool) -> None:
        app = QApplication.instance()
        if app is not None and on != self._watching:
            self._watching = on
            (app.installEventFilter if on else app.removeEventFilter)(self)

    def eventFilter(self, _obj, event) -> bool:  # noqa: N802 - Qt override
        if event.type() in _INPUT:
            self._last_input = time.monotonic()
        return False

    def build_now(self) -> None:
        self._timer.stop()
        self._watch(False)
        if self._spare is None and self._client is not None:
            self._spare = ViewerTab(self._client, None, parent=self._owner)
            self._spare.hide()

    def take(self, client: RenderClient, pdf_path: Path, title: str, **kwargs) -> ViewerTab:
        """A tab showing ``pdf_path``: the spare if one is ready, else one built now; then the next spare."""
        tab, self._spare = self._spare, None
        if tab is None or tab.client is not client:
            if tab is not None:
                tab.deleteLater()
            tab = ViewerTab(client, pdf_path, title, **kwargs)
        else:
            tab.load(pdf_path, title, **kwargs)
        self.prepare(client)
        return tab

    @property
    def ready(self) -> bool:
        return self._spare is not None
