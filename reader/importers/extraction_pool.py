"""Running PDF extraction in child processes, one PDF per process at a time.

PyMuPDF holds the GIL while it parses, so extraction in a thread would freeze the
window; and one process reads about 100 pages/s, so an import of many PDFs uses
every core only if several are read at once. The pool keeps up to one process per
core (at most four), each in its own single-process executor (spawned, not forked:
forking a process that runs Qt is unsafe). A call leases an idle process, or
starts one only when every process is busy, so a one-file user has one process.
A PDF that crashes or hangs MuPDF costs that file only: its own process is killed
and replaced, and the calls other threads have in the other processes go on.

The command line goes through the same processes, so every PDF read on behalf of
the user, in the window or in a script, is bounded the same way: each worker caps
its own memory (:mod:`reader.pdf.limits`), and each kind of call has a time limit
after which that worker is killed and a fresh one serves the next call. The
limits are an order of magnitude above what real papers need (extraction reads
70-100 pages/s per process here), so only a hostile or broken file meets them.

Background passes (the full-text indexer, the citation graph) take the pool
through :meth:`ExtractionPool.for_background`: they never hold every process,
and a call from an import waiting for one is served first.
"""

from __future__ import annotations

import copy
import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from reader.errors import PdfError, ReaderError

EXTRACT_TIMEOUT_S = 60.0  # metadata and captions of one PDF: a 1000-page book takes about 15 s
THUMBNAILS_TIMEOUT_S = 30.0  # every figure of one paper at 320 px
ANNOTATIONS_TIMEOUT_S = 30.0  # reading the marks another viewer left (5,000 take about 3 s)
DEFAULT_TIMEOUT_S = 120.0  # other calls, such as writing an annotated copy
MAX_WORKERS = 4  # each may use WORKER_MEMORY_BYTES; past four cores an import is bound by writing, not reading


def default_workers() -> int:
    """One process per core this process may run on, at most :data:`MAX_WORKERS`, at least one."""
    try:
        cores = len(os.sched_getaffinity(0))  # a container or taskset may allow fewer than the machine has
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_WORKERS))


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


class _Worker:
    """One slot of the pool: its own executor of one process, started when first needed."""

    def __init__(self) -> None:
        self.executor: ProcessPoolExecutor | None = None


class _Slots:
    """The workers of one pool and who holds them; shared by the pool and its background view."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.workers: list[_Worker] = []
        self.idle: list[_Worker] = []
        self.background_busy = 0
        self.foreground_waiting = 0
        self.changed = threading.Condition()


class ExtractionPool:
    def __init__(self, timeout_s: float | None = None, memory_bytes: int | None = None,
                 workers: int | None = None) -> None:
        """``timeout_s`` replaces every call's own limit (tests use it to meet the bound quickly);
        ``workers``: at most this many processes (default :func:`default_workers`)."""
        from reader.pdf.limits import WORKER_MEMORY_BYTES

        self._timeout = timeout_s
        self._memory = memory_bytes or WORKER_MEMORY_BYTES
        self._slots = _Slots(max(1, workers if workers is not None else default_workers()))
        self._background = False

    @property
    def size(self) -> int:
        """How many PDFs it can read at once: callers that queue work ahead read this many ahead."""
        return self._slots.size

    def for_background(self) -> ExtractionPool:
        """The same processes, for work nobody waits for: it holds at most all but one of them
        (one, when there is only one), and gives way to any other call waiting for a process."""
        view = copy.copy(self)
        view._background = True
        return view

    def warm_up(self) -> None:
        """Start one process now so the first import does not wait for it."""
        slots = self._slots
        with slots.changed:
            if slots.idle:
                worker = slots.idle[-1]  # the one the next call will lease
            elif len(slots.workers) < slots.size:
                worker = _Worker()
                slots.workers.append(worker)
                slots.idle.append(worker)
            else:
                return  # every process is at work already
            executor = self._started(worker)
        try:
            executor.submit(int, 0)
        except (RuntimeError, BrokenProcessPool):  # replaced meanwhile by a call that failed: it starts afresh
            pass

    def extract(self, path: Path):
        return self._call(path, EXTRACT_TIMEOUT_S, "to read", _extract, str(path))

    def thumbnails(self, pdf: Path, jobs: list[tuple[int, tuple, str]]) -> list[bool]:
        """Render figure regions to PNG files; one bool per job (False: that one failed)."""
        return self._shared(pdf, THUMBNAILS_TIMEOUT_S, "to draw its figures", _thumbnails, str(pdf), jobs)

    def call(self, path: Path, name: str, *args, timeout_s: float = DEFAULT_TIMEOUT_S, doing: str = "to read"):
        """Run ``"package.module:function"(*args)`` in a worker process (``path`` names it in errors)."""
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
        """``fn(*args)`` in a worker; any way it can go wrong there becomes one :class:`PdfError`."""
        timeout_s = self._timeout if self._timeout is not None else timeout_s
        with self._lease() as worker:
            executor, future = self._submit(worker, fn, *args)
            return self._result(path, timeout_s, doing, worker, executor, future, timeout_s)

    def _result(self, path: Path, timeout_s: float, doing: str, worker: _Worker, executor: ProcessPoolExecutor,
                future, wait_s: float):
        from reader.pdf.limits import memory_message, out_of_memory

        try:
            return future.result(timeout=wait_s)
        except FutureTimeout:
            self._replace(worker, executor)
            raise PdfError(f"{path} took more than {timeout_s:.0f} s {doing} and was skipped.") from None
        except BrokenProcessPool:
            self._replace(worker, executor)
            raise PdfError(f"{path} crashed the PDF reader and was skipped.") from None
        except ReaderError:
            raise
        except Exception as exc:  # from the worker: MuPDF's own errors, or the memory cap reached
            if out_of_memory(exc):
                self._replace(worker, executor)  # a worker that ran out may have left its heap in pieces
                raise PdfError(memory_message(str(path), self._memory)) from None
            raise PdfError(f"{path} cannot be read ({exc}).") from None

    def _shared(self, path: Path, timeout_s: float, doing: str, fn, first_arg, jobs: list) -> list:
        """``fn(first_arg, jobs)`` with the jobs dealt out to this call's worker and any other started
        worker that is idle (never one started for it); the answers come back in the jobs' order.

        Figure thumbnails cost an import about as much as extraction, and a file's are drawn
        while the next files' extractions may already be done: idle processes then help.
        """
        timeout_s = self._timeout if self._timeout is not None else timeout_s
        with self._lease() as worker, self._borrow_idle(len(jobs) - 1) as helpers:
            crew = [worker, *helpers]
            running = [(w, *self._submit(w, fn, first_arg, jobs[k::len(crew)])) for k, w in enumerate(crew)]
            deadline = time.monotonic() + timeout_s
            parts = []
            try:
                for w, executor, future in running:
                    wait_s = max(0.0, deadline - time.monotonic())
                    parts.append(self._result(path, timeout_s, doing, w, executor, future, wait_s))
            except PdfError:
                for w, executor, future in running:
                    if not future.done():  # the file is given up: its other parts stop with it
                        self._replace(w, executor)
                raise
        answers = [None] * len(jobs)
        for k, part in enumerate(parts):
            answers[k::len(crew)] = part
        return answers

    @contextmanager
    def _lease(self) -> Iterator[_Worker]:
        """An idle worker (or a new one while fewer than ``size`` exist), held until the call is over."""
        slots, background = self._slots, self._background
        with slots.changed:
            if not background:
                slots.foreground_waiting += 1
            try:
                while True:
                    if background and (slots.foreground_waiting
                                       or slots.background_busy >= max(1, slots.size - 1)):
                        slots.changed.wait()
                    elif slots.idle:
                        worker = slots.idle.pop()  # the last returned: the one most likely started
                        break
                    elif len(slots.workers) < slots.size:
                        worker = _Worker()
                        slots.workers.append(worker)
                        break
                    else:
                        slots.changed.wait()
            finally:
                if not background:
                    slots.foreground_waiting -= 1
                    slots.changed.notify_all()  # a background call may have waited for this one
            if background:
                slots.background_busy += 1
        try:
            yield worker
        finally:
            with slots.changed:
                if background:
                    slots.background_busy -= 1
                slots.idle.append(worker)
                slots.changed.notify_all()

    @contextmanager
    def _borrow_idle(self, at_most: int) -> Iterator[list[_Worker]]:
        """Up to ``at_most`` idle workers whose process is running, without waiting; none for background work."""
        slots = self._slots
        with slots.changed:
            borrowed = [] if self._background else [w for w in slots.idle if w.executor is not None][:max(0, at_most)]
            for worker in borrowed:
                slots.idle.remove(worker)
        try:
            yield borrowed
        finally:
            if borrowed:
                with slots.changed:
                    slots.idle.extend(borrowed)
                    slots.changed.notify_all()

    def _started(self, worker: _Worker) -> ProcessPoolExecutor:
        """The worker's executor, made now if it has none (its process starts with the first call)."""
        with self._slots.changed:
            if worker.executor is None:
                worker.executor = ProcessPoolExecutor(max_workers=1,
                                                      mp_context=multiprocessing.get_context("spawn"),
                                                      initializer=_start_worker, initargs=(self._memory,))
            return worker.executor

    def _submit(self, worker: _Worker, fn, *args):
        executor = self._started(worker)
        try:
            return executor, executor.submit(fn, *args)
        except BrokenProcessPool:  # its process died while idle (killed from outside): start another
            self._replace(worker, executor)
            executor = self._started(worker)
            return executor, executor.submit(fn, *args)

    def _replace(self, worker: _Worker, executor: ProcessPoolExecutor) -> None:
        """Kill ``worker``'s process; the next call it serves starts a fresh one. Other workers go on."""
        with self._slots.changed:
            if worker.executor is executor:
                worker.executor = None
        for process in list((getattr(executor, "_processes", None) or {}).values()):
            process.kill()
        # waits only for the killed worker to be reaped; see shutdown() for why it waits at all
        executor.shutdown(wait=True, cancel_futures=True)

    def shutdown(self, wait: bool = False) -> None:
        """Stop the workers; ``wait`` until they are gone, as a process about to exit must.

        Python 3.11's executor may still be closing its wake-up pipe when the
        interpreter's exit hook writes to it, which prints an OSError traceback
        ("Bad file descriptor") at exit; waiting here leaves nothing to race.
        A call still running finishes; a later call starts a worker again.
        """
        with self._slots.changed:
            executors = [w.executor for w in self._slots.workers if w.executor is not None]
            for worker in self._slots.workers:
                worker.executor = None
        for executor in executors:
            executor.shutdown(wait=wait, cancel_futures=True)
