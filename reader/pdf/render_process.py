"""The render process: the one owner of every open ``pymupdf.Document``.

PyMuPDF is not thread-safe and holds the GIL while it renders (11-13 ms UI stalls
at the median when run in a thread), so rendering happens in a child process
started with the "spawn" context. Messages are small pickled tuples over a
``multiprocessing`` pipe; pixels travel through shared-memory slots that the
*client* creates and owns, so a crashed server leaks nothing and the slots survive
a restart. The server draws straight into a slot (no copy on its side).

Client -> server::

    ("open", doc_id, path, password[, first_page])   ("close", doc_id)
    ("render", req_id, key, slot_name, slot_size)
    ("info", req_id, doc_id, page)          ("find", req_id, doc_id, query)
    ("clip", req_id, doc_id, page, rect)    ("stop",)

Server -> client::

    ("opened", doc_id, info_dict)           ("open_failed", doc_id, kind, message)
    ("details", doc_id, {page_sizes})       after the first render, or DETAILS_WAIT s idle
    ("rendered", req_id, width, height, stride, render_seconds)
    ("grow", req_id, bytes_needed)          the slot was sized from a guessed page size
    ("failed", req_id, message)             ("info", req_id, payload)
    ("found", req_id, hits)                 ("clipped", req_id, png_bytes)
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.shared_memory import SharedMemory
from types import SimpleNamespace
from typing import Any

from reader.pdf.geometry import RenderKey

SLOT_COUNT = 3
MAX_IN_FLIGHT = 2
_MIN_SLOT = 4 * 1024 * 1024
DETAILS_WAIT = 0.05  # s the server waits for a document's first render request before reading the rest


def serve(conn: Connection) -> None:
    """Entry point of the child process; returns when the client says stop or goes away."""
    from reader.errors import PdfError, PdfPasswordError
    from reader.pdf import render

    docs: dict[int, Any] = {}
    slots: dict[str, SharedMemory] = {}
    undetailed: dict[int, float] = {}  # doc_id -> when to read its details even if no render came

    def send_details(doc_id: int) -> None:
        if undetailed.pop(doc_id, None) is not None and doc_id in docs:
            try:
                details = render.document_details(docs[doc_id])
            except Exception:
                return
            conn.send(("details", doc_id, details))

    def slot(name: str) -> SharedMemory:
        """Attach once per slot; a new name for the same slot means the client grew it."""
        group = name.rsplit("-", 1)[0]
        shm = slots.get(group)
        if shm is None or shm.name.lstrip("/") != name.lstrip("/"):
            if shm is not None:
                shm.close()
            shm = slots[group] = SharedMemory(name=name)
        return shm

    while True:
        try:
            if undetailed:
                wait = max(0.0, min(undetailed.values()) - time.monotonic())
                if not conn.poll(wait):
                    send_details(min(undetailed, key=undetailed.__getitem__))
                    continue
            message = conn.recv()
        except (EOFError, OSError):
            break
        op = message[0]
        try:
            if op == "render":
                _, req_id, key, name, _size = message
                key = RenderKey(*key)
                doc = docs.get(key.doc_id)
                if doc is None:
                    conn.send(("failed", req_id, "The document is not open."))
                    continue
                started = time.perf_counter()
                try:
                    width, height, stride = render.render_into(doc, key, slot(name).buf)
                except render.BufferTooSmall as exc:
                    conn.send(("grow", req_id, exc.need))
                except Exception as exc:
                    conn.send(("failed", req_id, f"This page cannot be shown: {exc}"))
                else:
                    conn.send(("rendered", req_id, width, height, stride, time.perf_counter() - started))
                send_details(key.doc_id)  # the first page is out: now the rest of the layout
            elif op == "open":
                _, doc_id, path, password, *first = message
                old = docs.pop(doc_id, None)
                if old is not None:
                    old.close()
                try:
                    doc, info = render.open_document_quickly(path, password, first[0] if first else 0)
                except PdfPasswordError as exc:
                    conn.send(("open_failed", doc_id, "password", str(exc)))
                except PdfError as exc:
                    conn.send(("open_failed", doc_id, "error", str(exc)))
                except Exception as exc:
                    conn.send(("open_failed", doc_id, "error", f"{path} cannot be opened ({exc})."))
                else:
                    docs[doc_id] = doc
                    conn.send(("opened", doc_id, info.as_dict()))
                    undetailed[doc_id] = time.monotonic() + DETAILS_WAIT
            elif op == "info":
                _, req_id, doc_id, page = message
                try:
                    conn.send(("info", req_id, render.page_text_and_links(docs[doc_id], page)))
                except Exception as exc:
                    conn.send(("failed", req_id, str(exc)))
            elif op == "find":
                _, req_id, doc_id, query = message
                conn.send(("found", req_id, render.find_text(docs[doc_id], query) if doc_id in docs else []))
            elif op == "clip":  # an area mark's image, from the document already open here
                _, req_id, doc_id, page, rect = message
                from reader.pdf.annotations import render_clip_png

                try:
                    conn.send(("clipped", req_id, render_clip_png(docs[doc_id], page, rect)))
                except Exception as exc:
                    conn.send(("failed", req_id, str(exc)))
            elif op == "close":
                undetailed.pop(message[1], None)
                doc = docs.pop(message[1], None)
                if doc is not None:
                    doc.close()
            elif op == "crash":  # lets tests and benchmarks exercise recovery
                os._exit(3)
            elif op == "stop":
                break
        except (BrokenPipeError, EOFError, OSError):
            break
    for shm in slots.values():
        shm.close()


@contextlib.contextmanager
def _child_skips_main_module() -> Iterator[None]:
    """Keep "spawn" from re-running the app's main script in the child.

    By default the child imports the parent's ``__main__`` (for a console script:
    the whole app, Qt included), which costs start-up time and memory and fails
    outright for scripts without an ``if __name__ == "__main__"`` guard. A spec
    named ``__main__`` is multiprocessing's own signal to skip that step.
    """
    main = sys.modules.get("__main__")
    if main is None:
        yield
        return
    had_spec = "__spec__" in vars(main)
    saved = getattr(main, "__spec__", None)
    main.__spec__ = SimpleNamespace(name="__main__")  # type: ignore[assignment]
    try:
        yield
    finally:
        if had_spec:
            main.__spec__ = saved
        else:
            del main.__spec__


@dataclass
class Slot:
    shm: SharedMemory
    busy: bool = False


class RenderProcess:
    """Qt-free client side: starts the child, owns the shared-memory slots, sends and receives.

    The Qt layer watches :attr:`fileno` and calls :meth:`receive` when it is readable.
    """

    def __init__(self) -> None:
        self._ctx = multiprocessing.get_context("spawn")
        self._process: multiprocessing.process.BaseProcess | None = None
        self._conn: Connection | None = None
        self._slots: list[Slot] = []
        self._generation = itertools.count(1)

    def start(self) -> None:
        parent, child = self._ctx.Pipe(duplex=True)
        process = self._ctx.Process(target=serve, args=(child,), name="reading-list-render", daemon=True)
        with _child_skips_main_module():
            process.start()
        child.close()  # so the parent sees EOF when the child dies
        self._process, self._conn = process, parent
        if not self._slots:
            self._slots = [Slot(self._new_shm(index, _MIN_SLOT)) for index in range(SLOT_COUNT)]
        for slot in self._slots:
            slot.busy = False

    def _new_shm(self, index: int, size: int) -> SharedMemory:
        name = f"rl{os.getpid()}x{id(self) % 100000}-{index}-{next(self._generation)}"
        return SharedMemory(create=True, size=size, name=name)

    @property
    def fileno(self) -> int:
        assert self._conn is not None
        return self._conn.fileno()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def is_alive(self) -> bool:
        return self._process is not None and self._process.is_alive()

    def send(self, message: tuple) -> bool:
        """False when the pipe is broken: the caller should restart."""
        try:
            assert self._conn is not None
            self._conn.send(message)
            return True
        except (OSError, ValueError, AssertionError):
            return False

    def poll(self) -> bool:
        try:
            return self._conn is not None and self._conn.poll()
        except (OSError, EOFError):
            return True  # recv will raise and report the death

    def receive(self) -> tuple:
        """Raises EOFError when the child has gone."""
        assert self._conn is not None
        try:
            return self._conn.recv()
        except OSError as exc:
            raise EOFError(str(exc)) from exc

    def free_slot(self) -> int | None:
        for index, slot in enumerate(self._slots):
            if not slot.busy:
                return index
        return None

    def take_slot(self, index: int, need: int) -> tuple[str, int]:
        """Reserve a slot of at least ``need`` bytes and return its (name, size) for the request."""
        slot = self._slots[index]
        if slot.shm.size < need:
            slot.shm.close()
            slot.shm.unlink()
            # a quarter more than asked: the next page or zoom step up fits without another
            # new segment, whose first touch costs the render process a page fault per 4 KiB
            slot.shm = self._new_shm(index, max(need + need // 4, _MIN_SLOT))
        slot.busy = True
        return slot.shm.name, slot.shm.size

    def slot_buffer(self, index: int) -> memoryview:
        buf = self._slots[index].shm.buf
        assert buf is not None
        return buf

    def release_slot(self, index: int) -> None:
        self._slots[index].busy = False

    def stop(self, timeout: float = 2.0) -> None:
        """Ask the child to exit, then make sure it has; the slots are unlinked too."""
        if self._process is not None:
            self.send(("stop",))
            self._process.join(timeout)
            if self._process.is_alive():
                self._process.kill()
                self._process.join(1.0)
        self._discard_connection()
        for slot in self._slots:
            slot.shm.close()
            try:
                slot.shm.unlink()
            except FileNotFoundError:
                pass
        self._slots = []

    def reap(self) -> None:
        """Forget a dead child so :meth:`start` can run again."""
        if self._process is not None:
            self._process.join(0.5)
            if self._process.is_alive():
                self._process.kill()
                self._process.join(1.0)
        self._discard_connection()

    def _discard_connection(self) -> None:
        if self._conn is not None:
            self._conn.close()
        self._conn = None
        self._process = None
