"""Running PDF extraction in a child process.

PyMuPDF holds the GIL while it parses, so extraction in a thread would freeze the
window. A one-process pool (spawned, not forked: forking a process that runs Qt
is unsafe) keeps the window responsive; a PDF that crashes or hangs MuPDF costs
that file only: the pool is replaced and the batch goes on.

The command line goes through the same process, so every PDF read on behalf of
the user, in the window or in a script, is bounded the same way: the worker caps
its own memory (:mod:`reader.pdf.limits`), and each kind of call has a time
limit after which the worker is killed and a fresh one serves the next call.
The limits are an order of magnitude above what real papers need (extraction
reads 70-100 pages/s here), so only a hostile or broken file meets them.
"""

from __future__ import annotations

import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from reader.errors import PdfError, ReaderError

EXTRACT_TIMEOUT_S = 60.0  # metadata and captions of one PDF: a 1000-page book takes about 15 s
THUMBNAILS_TIMEOUT_S = 30.0  # every figure of one paper at 320 px
ANNOTATIONS_TIMEOUT_S = 30.0  # reading the marks another viewer left (5,000 take about 3 s)
DEFAULT_TIMEOUT_S = 120.0  # other calls, such as writing an annotated copy


def _start_worker(memory_bytes: int) -> None:
    """First thing the worker does: cap its memory before MuPDF is loaded."""
    from reader.pdf.limits import limit_memory

    limit_memory(memory_bytes)


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
    def __init__(self, timeout_s: float | None = None, memory_bytes: int | None = None) -> None:
        """``timeout_s`` replaces every call's own limit (tests use it to meet the bound quickly)."""
        from reader.pdf.limits import WORKER_MEMORY_BYTES

        self._timeout = timeout_s
        self._memory = memory_bytes or WORKER_MEMORY_BYTES
        self._executor: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()  # imports, re-extraction and unlisted PDFs call from several threads

    def _pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                                     initializer=_start_worker, initargs=(self._memory,))
            return self._executor

    def warm_up(self) -> None:
        """Start the process now so the first import does not wait for it."""
        self._pool().submit(int, 0)

    def extract(self, path: Path):
        return self._call(path, EXTRACT_TIMEOUT_S, "to read", _extract, str(path))

    def thumbnails(self, pdf: Path, jobs: list[tuple[int, tuple, str]]) -> list[bool]:
        """Render figure regions to PNG files; one bool per job (False: that one failed)."""
        return self._call(pdf, THUMBNAILS_TIMEOUT_S, "to draw its figures", _thumbnails, str(pdf), jobs)

    def call(self, path: Path, name: str, *args, timeout_s: float = DEFAULT_TIMEOUT_S, doing: str = "to read"):
        """Run ``"package.module:function"(*args)`` in the worker process (``path`` names it in errors)."""
        return self._call(path, timeout_s, doing, _call_named, name, *args)

    def page_texts(self, path: Path) -> tuple[str, ...]:
        """The text of each page, for the full-text index (see reader.pdf.page_text)."""
        return self.call(path, "reader.pdf.page_text:read_page_texts", str(path),
                         timeout_s=EXTRACT_TIMEOUT_S, doing="to have its text read")

    def annotations(self, path: Path) -> list[dict]:
        """The annotations another viewer left in the PDF (see reader.pdf.annotations)."""
        return self.call(path, "reader.pdf.annotations:read_pdf_annotations", str(path),
                         timeout_s=ANNOTATIONS_TIMEOUT_S, doing="to have its annotations read")

    def _call(self, path: Path, timeout_s: float, doing: str, fn, *args):
        """``fn(*args)`` in the worker; any way it can go wrong there becomes one :class:`PdfError`."""
        from reader.pdf.limits import memory_message, out_of_memory

        timeout_s = self._timeout if self._timeout is not None else timeout_s
        future = self._pool().submit(fn, *args)
        try:
            return future.result(timeout=timeout_s)
        except FutureTimeout:
            self._replace()
            raise PdfError(f"{path} took more than {timeout_s:.0f} s {doing} and was skipped.") from None
        except BrokenProcessPool:
            self._replace()
            raise PdfError(f"{path} crashed the PDF reader and was skipped.") from None
        except ReaderError:
            raise
        except Exception as exc:  # from the worker: MuPDF's own errors, or the memory cap reached
            if out_of_memory(exc):
                self._replace()  # a worker that ran out may have left its heap in pieces
                raise PdfError(memory_message(str(path), self._memory)) from None
            raise PdfError(f"{path} cannot be read ({exc}).") from None

    def _replace(self) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            for process in list(getattr(executor, "_processes", {}).values()):
                process.kill()
            # waits only for the killed worker to be reaped; see shutdown() for why it waits at all
            executor.shutdown(wait=True, cancel_futures=True)

    def shutdown(self, wait: bool = False) -> None:
        """Stop the worker; ``wait`` until it is gone, as a process about to exit must.

        Python 3.11's executor may still be closing its wake-up pipe when the
        interpreter's exit hook writes to it, which prints an OSError traceback
        ("Bad file descriptor") at exit; waiting here leaves nothing to race.
        """
        if self._executor is not None:
            self._executor.shutdown(wait=wait, cancel_futures=True)
            self._executor = None
