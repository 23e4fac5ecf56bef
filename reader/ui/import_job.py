"""Adding PDFs in the background, with progress and a Cancel button in the status bar."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from reader.ui.tasks import TaskRunner

if TYPE_CHECKING:  # the importers bring the façade, whose import waits for the first paint (reader.app)
    from reader.importers.extraction_pool import ExtractionPool
    from reader.importers.pdf_files import ImportOutcome
    from reader.library import Library


class ImportJob(QObject):
    """Signals: ``progress(done, total, outcome)``, ``finished(outcomes, cancelled)``."""

    progress = Signal(int, int, object)
    finished = Signal(list, bool)

    def __init__(self, library: Library, runner: TaskRunner, pool: ExtractionPool, parent=None) -> None:
        super().__init__(parent)
        self._library = library
        self._runner = runner
        self._pool = pool
        self._cancel = threading.Event()
        self.running = False

    def start(self, paths: list[Path], tags: list[str] = ()) -> None:
        self.running = True
        self._cancel.clear()

        from reader.importers.pdf_files import import_pdfs

        def work() -> list[ImportOutcome]:
            return import_pdfs(self._library, paths, tags=tags, extractor=self._pool.extract,
                               thumbnailer=self._pool.thumbnails, annotation_reader=self._pool.annotations,
                               progress=lambda d, t, o: self.progress.emit(d, t, o),
                               is_cancelled=self._cancel.is_set)

        self._runner.run(work, self._done, self._failed, lane="work")

    def cancel(self) -> None:
        self._cancel.set()

    def _done(self, outcomes: list[ImportOutcome]) -> None:
        self.running = False
        self.finished.emit(outcomes, self._cancel.is_set())

    def _failed(self, exc: BaseException) -> None:
        self.running = False
        from reader.importers.pdf_files import ImportOutcome

        self.finished.emit([ImportOutcome(Path("?"), error=str(exc))], False)


class ImportProgress(QWidget):
    """The status-bar face of an :class:`ImportJob`."""

    cancel_requested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(160)
        self.bar.setTextVisible(False)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        self.hide()

    def begin(self, total: int) -> None:
        self.bar.setRange(0, total)
        self.bar.setValue(0)
        self.label.setText(f"Adding {total} PDF{'s' if total != 1 else ''}…")
        self.cancel_button.setEnabled(True)
        self.show()

    def step(self, done: int, total: int, outcome: ImportOutcome) -> None:
        self.bar.setRange(0, total)
        self.bar.setValue(done)
        self.label.setText(f"Added {done} of {total}: {outcome.path.name}")
