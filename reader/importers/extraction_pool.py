"""Running PDF extraction in a child process.

PyMuPDF holds the GIL while it parses, so extraction in a thread would freeze the
window. A one-process pool (spawned, not forked: forking a process that runs Qt
is unsafe) keeps the window responsive; a PDF that crashes or hangs MuPDF costs
that file only: the pool is replaced and the batch goes on.
"""

from __future__ import annotations

import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from reader.errors import PdfError

DEFAULT_TIMEOUT_S = 120.0


def _extract(path: str):
    from reader.pdf.extract import extract_pdf

    return extract_pdf(path)


def _thumbnails(pdf: str, jobs: list[tuple[int, tuple, str]]) -> list[bool]:
    from reader.importers.pdf_files import default_thumbnailer

    return default_thumbnailer(Path(pdf), jobs)


def _call_named(name: str, *args):
    """Run ``module:function`` in the child, so the parent never imports PyMuPDF to name it."""
    import importlib

    module, _, function = name.partition(":")
    return getattr(importlib.import_module(module), function)(*args)


class ExtractionPool:
    def __init__(self, timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        self._timeout = timeout_s
        self._executor: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()  # imports, re-extraction and unlisted PDFs call from several threads

    def _pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
            return self._executor

    def warm_up(self) -> None:
        """Start the process now so the first import does not wait for it."""
        self._pool().submit(int, 0)

    def extract(self, path: Path):
        return self._call(path, _extract, str(path))

    def thumbnails(self, pdf: Path, jobs: list[tuple[int, tuple, str]]) -> list[bool]:
        """Render figure regions to PNG files; one bool per job (False: that one failed)."""
        return self._call(pdf, _thumbnails, str(pdf), jobs)

    def call(self, path: Path, name: str, *args):
        """Run ``"package.module:function"(*args)`` in the worker process (``path`` names it in errors)."""
        return self._call(path, _call_named, name, *args)

    def annotations(self, path: Path) -> list[dict]:
        """The annotations another viewer left in the PDF (see reader.pdf.annotations)."""
        return self.call(path, "reader.pdf.annotations:read_pdf_annotations", str(path))

    def _call(self, path: Path, fn, *args):
        future = self._pool().submit(fn, *args)
        try:
            return future.result(timeout=self._timeout)
        except FutureTimeout:
            self._replace()
            raise PdfError(f"{path} took more than {self._timeout:.0f} s to read and was skipped.") from None
        except BrokenProcessPool:
            self._replace()
            raise PdfError(f"{path} crashed the PDF reader and was skipped.") from None

    def _replace(self) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            for process in list(getattr(executor, "_processes", {}).values()):
                process.kill()
            executor.shutdown(wait=False, cancel_futures=True)

    def shutdown(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None
