"""The render process: the one owner of every open ``pymupdf.Document``.

PyMuPDF is not thread-safe and holds the GIL while it renders (11-13 ms UI stalls
at the median when run in a thread), so rendering happens in a child process
started with the "spawn" context. Messages are small pickled tuples over a
``multiprocessing`` pipe; pixels travel through shared-memory segments that the
*client* creates and owns (:mod:`reader.pdf.segments`), so a crashed server leaks
nothing and the segments survive a restart. The server draws straight into a
segment, and the client shows that memory: no copy on either side.

Client -> server::

    ("open", doc_id, path, password[, first_page[, first_render]])   ("close", doc_id)
        first_render: (req_id, segment_name, segment_size, max_pixels, FirstView) or None: draw
        first_page at the scale the new tab will ask for, right after "opened" (which then
        carries "first_scale"), answered as a "render" with req_id
    ("render", req_id, key, segment_name, segment_size, max_pixels)
    ("forget", [segment_name, ...])         segments the client has closed
    ("warm", [segment_name, ...])           touch these while no other request waits
    ("info", req_id, doc_id, page)          ("find", req_id, doc_id, query)
    ("clip", req_id, doc_id, page, rect)    ("citations", req_id, doc_id)
    ("stop",)

Server -> client::

    ("opened", doc_id, info_dict)           ("open_failed", doc_id, kind, message)
    ("details", doc_id, {page_sizes})       after the first render, or DETAILS_WAIT s idle
    ("rendered", req_id, width, height, stride, render_seconds)
    ("grow", req_id, bytes_needed)          the segment was sized from a guessed page size
    ("failed", req_id, message)             ("info", req_id, payload)
    ("found", req_id, hits)                 ("clipped", req_id, png_bytes)
    ("cited", req_id, index_dict)           a paper's citation index (reader.pdf.citations)
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
import time
from collections.abc import Iterator
from multiprocessing.connection import Connection
from multiprocessing.shared_memory import SharedMemory
from types import SimpleNamespace
from typing import Any

from reader.pdf.geometry import MAX_RENDER_PIXELS, RenderKey
from reader.pdf.segments import Segment, SegmentPool

MAX_IN_FLIGHT = 2
WARM_CHUNK = 1 << 20  # bytes of a spare segment touched between two looks at the pipe (about 0.6 ms here)
DETAILS_WAIT = 0.05  # s the server waits for a document's first render request before reading the rest
STORE_IDLE_S = 5.0  # s without any document open before MuPDF's store is emptied


def serve(conn: Connection) -> None:
    """Entry point of the child process; returns when the client says stop or goes away.

    Memory is capped first (:mod:`reader.pdf.limits`): a page that would pass the
    cap fails alone with a message. Time is bounded by the client, which kills
    and restarts this process when one request takes too long.
    """
    from reader.pdf.limits import RENDER_MEMORY_BYTES, limit_memory, memory_message, out_of_memory

    limit_memory(RENDER_MEMORY_BYTES)
    from reader.errors import PdfError, PdfPasswordError
    from reader.pdf import render

    docs: dict[int, Any] = {}
    segments: dict[str, SharedMemory] = {}
    undetailed: dict[int, float] = {}  # doc_id -> when to read its details even if no render came
    to_warm: list[list] = []  # [segment name, bytes touched so far]: spares to touch while nothing else waits
    idle_since: list[float] = []  # when the last document closed, until one opens or the store is emptied

    def send_details(doc_id: int) -> None:
        if undetailed.pop(doc_id, None) is not None and doc_id in docs:
            try:
                details = render.document_details(docs[doc_id])
            except Exception:
                return
            conn.send(("details", doc_id, details))

    def render_page(req_id: int, key: RenderKey, name: str, max_pixels: int) -> None:
        to_warm[:] = [entry for entry in to_warm if entry[0] != name]  # touching it afterwards would wipe the page
        started = time.perf_counter()
        doc = docs[key.doc_id]
        try:
            width, height, stride = render.render_into(doc, key, segment(name).buf, max_pixels)
        except render.BufferTooSmall as exc:
            conn.send(("grow", req_id, exc.need))
        except Exception as exc:
            text = (memory_message(f"Page {key.page + 1}", RENDER_MEMORY_BYTES) if out_of_memory(exc)
                    else f"This page cannot be shown: {exc}")
            conn.send(("failed", req_id, text))
        else:
            conn.send(("rendered", req_id, width, height, stride, time.perf_counter() - started))

    def segment(name: str) -> SharedMemory:
        """Attach once per segment: a reused one is already mapped (and warm) here."""
        shm = segments.get(name)
        if shm is None:
            shm = segments[name] = SharedMemory(name=name)
        return shm

    while True:
        try:
            if to_warm and not conn.poll(0):  # a chunk at a time: a render request never waits long
                name, done = to_warm[0]
                try:
                    shm = segment(name)
                except FileNotFoundError:  # retired by the client before its "forget" got here
                    to_warm.pop(0)
                    continue
                to_warm[0][1] = _touch(shm, done, min(shm.size, done + WARM_CHUNK))
                if to_warm[0][1] >= shm.size:
                    to_warm.pop(0)
                continue
            if undetailed:
                wait = max(0.0, min(undetailed.values()) - time.monotonic())
                if not conn.poll(wait):
                    send_details(min(undetailed, key=undetailed.__getitem__))
                    continue
            if idle_since and not conn.poll(max(0.0, idle_since[0] + STORE_IDLE_S - time.monotonic())):
                # No document for a while: MuPDF's cache of fonts and images goes. Not at once, as a
                # tab closed and another opened would then load its fonts again (40 ms on one paper).
                idle_since.clear()
                render.empty_store()
                continue
            message = conn.recv()
        except (EOFError, OSError):
            break
        op = message[0]
        try:
            if op == "render":
                _, req_id, key, name, _size, max_pixels = message
                key = RenderKey(*key)
                doc = docs.get(key.doc_id)
                if doc is None:
                    conn.send(("failed", req_id, "The document is not open."))
                    continue
                render_page(req_id, key, name, max_pixels)
                send_details(key.doc_id)  # the first page is out: now the rest of the layout
            elif op == "warm":
                to_warm.extend([name, 0] for name in message[1])
            elif op == "forget":
                to_warm[:] = [entry for entry in to_warm if entry[0] not in message[1]]
                for name in message[1]:
                    shm = segments.pop(name, None)
                    if shm is not None:
                        shm.close()
            elif op == "open":
                _, doc_id, path, password, *rest = message
                first_page = rest[0] if rest else 0
                first_render = rest[1] if len(rest) > 1 else None
                old = docs.pop(doc_id, None)
                if old is not None:
                    old.close()
                idle_since.clear()
                try:
                    doc, info = render.open_document_quickly(path, password, first_page)
                except PdfPasswordError as exc:
                    conn.send(("open_failed", doc_id, "password", str(exc)))
                except PdfError as exc:
                    conn.send(("open_failed", doc_id, "error", str(exc)))
                except Exception as exc:
                    conn.send(("open_failed", doc_id, "error", f"{path} cannot be opened ({exc})."))
                else:
                    docs[doc_id] = doc
                    reply = info.as_dict()
                    first_key = None
                    if first_render is not None:  # the page the reader waits for, without a round trip
                        req_id, name, _size, max_pixels, view = first_render
                        page = min(max(0, first_page), info.page_count - 1)
                        try:
                            scale = view.scale(*info.page_sizes[page], bool(info.toc))
                        except (IndexError, TypeError, ValueError):  # no page, or no usable size: the tab asks itself
                            scale = None
                        reply["first_scale"], reply["first_page"] = scale, page
                        if scale is not None:
                            first_key = RenderKey(doc_id, page, scale)
                    conn.send(("opened", doc_id, reply))
                    if first_key is not None:
                        render_page(req_id, first_key, name, max_pixels)
                        undetailed[doc_id] = time.monotonic()  # the first page is out: the rest of the layout
                    else:
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
            elif op == "citations":  # the paper's references and in-text markers, from the document open here
                _, req_id, doc_id = message
                from reader.pdf.citations.index import index_document

                try:
                    conn.send(("cited", req_id, index_document(docs[doc_id]).to_dict()))
                except Exception as exc:
                    conn.send(("failed", req_id, str(exc)))
            elif op == "close":
                undetailed.pop(message[1], None)
                doc = docs.pop(message[1], None)
                if doc is not None:
                    doc.close()
                if not docs:
                    idle_since[:] = [time.monotonic()]
            elif op == "crash":  # lets tests and benchmarks exercise recovery
                os._exit(3)
            elif op == "stop":
                break
        except (BrokenPipeError, EOFError, OSError):
            break
    for shm in segments.values():
        shm.close()


def _touch(shm: SharedMemory, start: int, end: int) -> int:
    """Fault a segment's pages in (white, as pages start), so a render into it does not; returns ``end``."""
    import ctypes

    view = (ctypes.c_char * (end - start)).from_buffer(shm.buf, start)
    try:
        ctypes.memset(ctypes.addressof(view), 0xFF, end - start)
    finally:
        del view  # release the export, or the segment could never be closed
    return end


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


class RenderProcess:
    """Qt-free client side: starts the child, owns the shared-memory segments, sends and receives.

    The Qt layer watches :attr:`fileno` and calls :meth:`receive` when it is readable.
    """

    def __init__(self) -> None:
        self._ctx = multiprocessing.get_context("spawn")
        self._process: multiprocessing.process.BaseProcess | None = None
        self._conn: Connection | None = None
        self.segments = SegmentPool()

    def start(self) -> None:
        parent, child = self._ctx.Pipe(duplex=True)
        process = self._ctx.Process(target=serve, args=(child,), name="reading-list-render", daemon=True)
        with _child_skips_main_module():
            process.start()
        child.close()  # so the parent sees EOF when the child dies
        self._process, self._conn = process, parent

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

    def take_segment(self, need: int) -> Segment:
        """A segment of at least ``need`` bytes for the next render request."""
        return self.segments.take(need)

    def request_render(self, req_id: int, key: RenderKey, segment: Segment, max_pixels: int = MAX_RENDER_PIXELS) -> bool:
        """Ask for a page to be drawn into ``segment``; then pass on what the pool has to say.

        The render request goes first, so the server never starts touching a spare
        with a render already waiting behind it. False when the pipe is broken.
        """
        if not self.send(("render", req_id, tuple(key), segment.name, segment.size, max_pixels)):
            return False
        if self.segments.retired:
            self.send(("forget", self.segments.retired))
            self.segments.retired = []
        if self.segments.to_warm:
            self.send(("warm", self.segments.to_warm))
            self.segments.to_warm = []
        return True

    def trim_segments(self, keep_free_bytes: int | None = None) -> None:
        """Let go of the segments no page needs now (see :meth:`SegmentPool.trim`), here and in the child."""
        self.segments.trim(keep_free_bytes)
        if self.segments.retired and self._conn is not None:
            self.send(("forget", self.segments.retired))
            self.segments.retired = []

    def stop(self, timeout: float = 2.0) -> None:
        """Ask the child to exit, then make sure it has; the segments are unlinked too."""
        if self._process is not None:
            self.send(("stop",))
            self._process.join(timeout)
            if self._process.is_alive():
                self._process.kill()
                self._process.join(1.0)
        self._discard_connection()
        self.segments.close()

    def reap(self, kill: bool = False) -> None:
        """Forget a dead child so :meth:`start` can run again; ``kill``: one that is stuck, at once."""
        if self._process is not None:
            if kill and self._process.is_alive():
                self._process.kill()
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
