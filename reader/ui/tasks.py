"""Running work off the GUI thread and getting the result back on it.

Workers receive plain values and the library façade, never widgets; their result
or error is delivered by a queued signal, so callbacks always run on the GUI thread.
Writes go through one single-thread pool so they reach SQLite in the order the
user made them.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

log = logging.getLogger(__name__)


class _Relay(QObject):
    """Lives on the GUI thread; its slots are bound methods, so emits from a worker are queued."""

    finished = Signal(object)
    failed = Signal(object)

    def __init__(self, on_done: Callable[[Any], None], on_error: Callable[[BaseException], None]) -> None:
        super().__init__()
        self._on_done = on_done
        self._on_error = on_error
        self.finished.connect(self._deliver)
        self.failed.connect(self._fail)

    def _deliver(self, result: Any) -> None:
        self._on_done(result)

    def _fail(self, exc: BaseException) -> None:
        self._on_error(exc)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._fn = fn
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._fn()
        except BaseException as exc:  # delivered to the GUI thread, never lost
            log.debug("background job failed:\n%s", traceback.format_exc())
            self._relay.failed.emit(exc)
        else:
            self._relay.finished.emit(result)


class TaskRunner(QObject):
    """Named lanes: ``write`` (1 thread, ordered) and ``work`` (imports, exports)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._write = QThreadPool(self)
        self._write.setMaxThreadCount(1)  # SQLite has one writer; keep the user's order
        self._work = QThreadPool(self)
        self._work.setMaxThreadCount(2)
        self._relays: set[_Relay] = set()

    def run(self, fn: Callable[[], Any], on_done: Callable[[Any], None] | None = None,
            on_error: Callable[[BaseException], None] | None = None, lane: str = "write") -> None:
        def done(result: Any) -> None:
            self._relays.discard(relay)
            if on_done:
                on_done(result)

        def error(exc: BaseException) -> None:
            self._relays.discard(relay)
            if on_error:
                on_error(exc)
            else:
                log.error("background job failed: %s", exc)

        relay = _Relay(done, error)
        self._relays.add(relay)
        (self._write if lane == "write" else self._work).start(_Job(fn, relay))

    def wait(self, msecs: int = 10_000) -> bool:
        return self._write.waitForDone(msecs) and self._work.waitForDone(msecs)


class BackgroundPass(QObject):
    """A pass over the library that runs on the work lane after the window is up, once at a time:
    asked again while it runs, it runs once more when it ends. Subclasses give ``work`` (on the
    worker thread), ``finish`` and ``fail`` (on the UI thread)."""

    def __init__(self, library, runner: TaskRunner, pool, parent=None) -> None:
        super().__init__(parent)
        # an ExtractionPool's background share: an import started meanwhile keeps a process of its own
        self._library, self._runner, self._pool = library, runner, pool.for_background()
        self._cancel = threading.Event()
        self._again = False
        self.running = False

    def start_later(self, delay_ms: int) -> None:
        QTimer.singleShot(delay_ms, self, self.start)

    def start(self) -> None:
        if self._cancel.is_set():
            return
        if self.running:
            self._again = True
            return
        self.running, self._again = True, False
        self._runner.run(self.work, self._done, self._failed, lane="work")

    def cancel(self) -> None:
        self._cancel.set()

    def work(self) -> Any:
        raise NotImplementedError

    def finish(self, result: Any) -> None:
        raise NotImplementedError

    def fail(self, exc: BaseException) -> None:
        raise NotImplementedError

    def _done(self, result: Any) -> None:
        self.running = False
        self.finish(result)
        if self._again:
            self.start()

    def _failed(self, exc: BaseException) -> None:
        self.running = False
        self.fail(exc)
