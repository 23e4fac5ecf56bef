"""Indexing the text of papers added before the full-text index, in the background.

After an upgrade every paper with a PDF is read once (reader.importers.body_index),
through the extraction process, so the window never waits on PyMuPDF; the status
bar shows how far it has got, and search finds each paper's pages as soon as they
are stored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QWidget

from reader.library.fulltext import IndexProgress
from reader.ui.tasks import BackgroundPass, TaskRunner

if TYPE_CHECKING:  # the importers bring the façade, whose import waits for the first paint (reader.app)
    from reader.importers.extraction_pool import ExtractionPool
    from reader.library import Library

START_DELAY_MS = 1500  # after the window is up, so start-up itself does no extra work


class BodyIndexer(BackgroundPass):
    """Signals: ``progress(IndexProgress)`` while it works, ``finished(int)`` with how many papers were read.
    Started again while running (a PDF was just relinked), it looks again once this run ends."""

    progress = Signal(object)
    finished = Signal(int)

    def __init__(self, library: Library, runner: TaskRunner, pool: ExtractionPool, parent=None) -> None:
        super().__init__(library, runner, pool, parent)

    def start_later(self, delay_ms: int = START_DELAY_MS) -> None:
        super().start_later(delay_ms)

    def work(self) -> int:
        from reader.importers.body_index import index_pending

        if self._library.index_progress().remaining == 0:
            return 0
        return index_pending(self._library, self._pool.page_texts, progress=self.progress.emit,
                             is_cancelled=self._cancel.is_set)

    def finish(self, count: int) -> None:
        self.finished.emit(count)

    def fail(self, exc: BaseException) -> None:
        self.finished.emit(0)


class IndexProgressView(QWidget):
    """The status-bar face of a :class:`BodyIndexer`: "Indexing the papers' text: 120 of 2,000"."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(120)
        self.bar.setTextVisible(False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        self.hide()

    def step(self, progress: IndexProgress) -> None:
        self.bar.setRange(0, max(1, progress.papers_with_pdf))
        self.bar.setValue(progress.indexed)
        self.label.setText(f"Indexing the papers' text: {progress.indexed:,} of {progress.papers_with_pdf:,}")
        self.setVisible(progress.remaining > 0)

    def done(self, _count: int = 0) -> None:
        self.hide()
