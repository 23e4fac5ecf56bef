"""Adding PDFs and importing bibliographies in the background, with progress and a Cancel button
in the status bar."""

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
                               is_cancelled=self._cancel.is_set, lookahead=self._pool.size)

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


class ListImportJob(QObject):
    """Bibliographies and lists, one file after another on the work lane (``any_format.import_file``).

    Each file's papers go in with one transaction (a linked PDF with its paper in its own), so
    Cancel stops the file being read with nothing of it added (its PDFs already copied stay)
    and leaves the files after it untouched. Signals: ``progress(done, total, label)``,
    ``finished(reports, cancelled)``.
    """

    progress = Signal(int, int, str)
    finished = Signal(list, bool)

    def __init__(self, library: Library, runner: TaskRunner, pool: ExtractionPool | None = None,
                 parent=None) -> None:
        super().__init__(parent)
        self._library = library
        self._runner = runner
        self._pool = pool
        self._cancel = threading.Event()
        self.running = False

    def start(self, paths: list[Path], tags: list[str] = (), link_files_anywhere: bool = False) -> None:
        from reader.errors import ReaderError
        from reader.importers.any_format import import_file
        from reader.importers.dedupe import ImportReport

        self.running = True
        self._cancel.clear()
        in_pool = {"extractor": self._pool.extract, "thumbnailer": self._pool.thumbnails} if self._pool else {}

        def work() -> list:
            reports = []
            for path in paths:
                if self._cancel.is_set():
                    break
                try:
                    reports.append(import_file(
                        self._library, path, tags=tags, link_files_anywhere=link_files_anywhere,
                        progress=lambda d, t, label, name=path.name: self.progress.emit(d, t, f"{name}: {label}"),
                        is_cancelled=self._cancel.is_set, **in_pool))
                except ReaderError as exc:
                    reports.append(ImportReport(source=Path(path), problems=[str(exc)]))
            return reports

        self._runner.run(work, self._done, self._failed, lane="work")

    def cancel(self) -> None:
        self._cancel.set()

    def _done(self, reports: list) -> None:
        self.running = False
        self.finished.emit(reports, self._cancel.is_set())

    def _failed(self, exc: BaseException) -> None:
        from reader.importers.dedupe import ImportReport

        self.running = False
        self.finished.emit([ImportReport(problems=[str(exc)])], False)


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

    def begin(self, total: int, label: str = "") -> None:
        self.bar.setRange(0, total)
        self.bar.setValue(0)
        self.label.setText(label or f"Adding {total} PDF{'s' if total != 1 else ''}…")
        self.cancel_button.setEnabled(True)
        self.show()

    def step(self, done: int, total: int, outcome: ImportOutcome) -> None:
        self.bar.setRange(0, total)
        self.bar.setValue(done)
        self.label.setText(f"Added {done} of {total}: {outcome.path.name}")

    def show_label(self, done: int, total: int, label: str) -> None:
        """Progress of a bibliography import: the file and the entry being read."""
        self.bar.setRange(0, total)
        self.bar.setValue(done)
        self.label.setText(label if len(label) <= 70 else label[:69] + "…")
