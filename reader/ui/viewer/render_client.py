"""Qt side of the render process: one per app, shared by every viewer tab.

A QSocketNotifier on the pipe wakes the GUI thread only when a reply is waiting,
so nothing polls and nothing blocks. At most two renders are in flight: the
server always has the next page ready to start, while everything else stays in
the queue where a newer wish can still replace it. If the child dies, it is
started again, every open document is reopened under the same id, and the views
are asked to request their pages again.

Every request is bounded in time. The server answers in the order it was asked,
so when it has said nothing for longer than the oldest waiting request may take
(:data:`TIME_LIMITS`), that request is the one it is stuck on: the process is
killed and restarted with the other documents, the stuck page is shown as "could
not be drawn" and asked for again only at under half that zoom, and every other
tab goes on. A stuck request is not counted as a crash: it is not sent again, so
it cannot loop.

Huge pages are drawn within :data:`reader.pdf.geometry.MAX_RENDER_PIXELS`, lower
where /dev/shm is small.
"""

from __future__ import annotations

import itertools
import logging
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSocketNotifier, QTimer, Signal
from PySide6.QtGui import QImage

from reader.pdf.geometry import (
    BYTES_PER_PIXEL, MAX_RENDER_PIXELS, FirstView, RenderKey, buffer_bytes, fit_page_zoom, fit_width_zoom,
)
from reader.pdf.limits import release_free_heap
from reader.pdf.render_process import MAX_IN_FLIGHT, RenderProcess
from reader.pdf.render_queue import RenderQueue
from reader.pdf.segments import REST_FREE_BYTES, SMALL_RENDER, Segment, shared_memory_room
from reader.ui.viewer.page_cache import DEFAULT_BUDGET, PageCache

log = logging.getLogger(__name__)

MAX_RESTARTS_PER_MINUTE = 5
# Seconds the render process may work on one request. The slowest real first page
# takes 0.1 s; a page past this is hostile or broken, and every tab waits behind it.
TIME_LIMITS = {"render": 6.0, "info": 6.0, "clip": 6.0, "open": 10.0, "find": 30.0, "citations": 30.0}
WATCH_INTERVAL_MS = 250
MIN_CACHE_BYTES = 16 * 1024 * 1024  # a screenful at 200% and a little more


class RenderClient(QObject):
    document_opened = Signal(int, object)  # doc_id, DocInfo as dict
    document_details = Signal(int, object)  # doc_id, info with every page size and the outline (after the first page)
    document_failed = Signal(int, str, str)  # doc_id, "password" | "error", message
    page_rendered = Signal(object, QImage)  # RenderKey, image (already in the cache)
    page_failed = Signal(object, str)  # RenderKey, message
    page_info_ready = Signal(int, int, object)  # doc_id, page, {"words": [...], "links": [...]}
    find_done = Signal(int, int, object)  # doc_id, search id, [(page, rect)]
    clip_done = Signal(int, object)  # request id, PNG bytes or None when it failed
    citations_done = Signal(int, object)  # request id, citation index as a dict or None when it failed
    restarted = Signal()

    def __init__(self, parent: QObject | None = None, cache_budget: int | None = None) -> None:
        super().__init__(parent)
        self._process = RenderProcess()
        self.cache = PageCache(self._fit_budget(cache_budget or DEFAULT_BUDGET, shared_memory_room()))
        self._notifier: QSocketNotifier | None = None
        self._queue = RenderQueue()
        self._ids = itertools.count(1)
        self._docs: dict[int, tuple[str, str | None]] = {}
        self._infos: dict[int, dict[str, Any]] = {}
        self._renders: dict[int, tuple[RenderKey, Segment]] = {}  # req_id -> (key, where it is drawn)
        self._requests: dict[int, tuple] = {}  # other in-flight messages, re-sent after a restart
        self._info_pages: dict[int, tuple[int, int]] = {}
        self._find_ids: dict[int, tuple[int, int]] = {}
        self._clip_ids: set[int] = set()
        self._citation_ids: set[int] = set()
        self._restarts: list[float] = []
        self._running = False
        self.failed_renders = 0
        # the watchdog: what was asked and not yet answered, oldest first (req_id or ("open", doc_id))
        self._waiting: dict[object, tuple[str, float]] = {}
        self._last_heard = 0.0
        # (doc_id, page) -> the scale it took too long at: asked again only at under half that scale
        # (zoomed out, or as a thumbnail); 0.0 when reading its words took too long: never asked again
        self._stuck_pages: dict[tuple[int, int], float] = {}
        self._watchdog = QTimer(self)
        self._watchdog.setInterval(WATCH_INTERVAL_MS)
        self._watchdog.timeout.connect(self._check_stuck)
        self.stuck_requests = 0
        room = shared_memory_room()
        # a page's pixels must fit /dev/shm with room to spare: writing past its end is SIGBUS
        self.max_pixels = MAX_RENDER_PIXELS if room is None else max(1 << 20, min(MAX_RENDER_PIXELS,
                                                                         room // 4 // BYTES_PER_PIXEL))
        self.last_render_seconds = 0.0  # time the render process spent drawing the last page
        # how the last tab of each kind laid out its pages: (kind, has outline) -> (width, height, dpr)
        # of its page area, so that the next one's first page can be drawn along with its open
        self.page_areas: dict[tuple[str, bool], tuple[int, int, float]] = {}

    def _fit_budget(self, budget: int, room: int | None) -> int:
        """The cache and the free segments together take at most half of the shared memory left."""
        if room is None:
            return budget
        self._process.segments.keep_free_bytes = min(self._process.segments.keep_free_bytes, room // 6)
        return min(budget, max(MIN_CACHE_BYTES, room // 3))

    # lifecycle ---------------------------------------------------------------

    def start(self) -> None:
        """Spawn the render process; call at app start-up so its cost is hidden."""
        if self._running:
            return
        self._process.start()
        self._watch()
        self._running = True

    def shutdown(self) -> None:
        if not self._running:
            return
        self._running = False
        self._unwatch()
        self._watchdog.stop()
        self._waiting.clear()
        self.cache.clear()  # the pages' memory goes back before the segments are closed
        self._process.stop()

    @property
    def pid(self) -> int | None:
        return self._process.pid

    def is_running(self) -> bool:
        return self._running

    def is_idle(self) -> bool:
        """Nothing asked of the render process is still unanswered."""
        return not self._waiting and not self._renders and not len(self._queue)

    def _watch(self) -> None:
        self._notifier = QSocketNotifier(self._process.fileno, QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._on_readable)

    def _unwatch(self) -> None:
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier.deleteLater()
            self._notifier = None

    def _restart(self, stuck: bool = False) -> None:
        """Start a new render process after a crash, or (``stuck``) in place of one stuck on a request."""
        if not self._running:
            return
        now = time.monotonic()
        if not stuck:  # a stuck request is dropped before this, so it cannot come round again
            self._restarts = [t for t in self._restarts if now - t < 60] + [now]
        self._unwatch()
        self._process.reap(kill=stuck)
        self._waiting.clear()
        if len(self._restarts) > MAX_RESTARTS_PER_MINUTE:
            log.error("render process keeps dying; giving up")
            self._running = False
            self._watchdog.stop()
            for doc_id in self._docs:
                self.document_failed.emit(doc_id, "error", "The PDF renderer stopped working. Restart the app.")
            return
        if not stuck:
            log.warning("render process died; restarting")
        self._process.start()
        self._watch()
        interrupted = [key for key, _segment in self._renders.values() if key.doc_id in self._docs and key.scale]
        for _key, segment in self._renders.values():
            self._process.segments.give_back(segment)
        self._renders.clear()
        # drawn first by the new process: their askers may not ask again (the stuck one is no longer here)
        self._queue.replace(("interrupted", id(self)), interrupted, priority=-1)
        for doc_id, (path, password) in self._docs.items():
            self._process.send(("open", doc_id, path, password))
            self._track(("open", doc_id), "open")
        for req_id, message in self._requests.items():
            self._process.send(message)
            self._track(req_id, message[0])
        self.restarted.emit()
        self._pump()

    # documents -----------------------------------------------------------------

    def open_document(self, path: Path | str, password: str | None = None, doc_id: int | None = None,
                      first_page: int = 0, first_view: FirstView | None = None) -> int:
        """Returns the id at once; ``document_opened`` or ``document_failed`` follows.

        ``document_opened`` comes before every page size is known (``sizes_known``
        false: the other pages assume ``first_page``'s size); ``document_details``
        brings the real sizes once the first page has been rendered.

        With ``first_view``, the render process draws ``first_page`` right after
        opening, at the scale the tab will ask for, so the page is on its way
        while the tab lays itself out (one round trip less). ``document_opened``
        then has it in flight: a request for it is not sent again.
        """
        doc_id = doc_id if doc_id is not None else next(self._ids)
        self._docs[doc_id] = (str(path), password)
        self._infos.pop(doc_id, None)
        self._stuck_pages = {p: s for p, s in self._stuck_pages.items() if p[0] != doc_id}
        self._track(("open", doc_id), "open")
        first = None
        if first_view is not None and self._running:
            segment = self._first_segment(first_view)
            if segment is not None:
                req_id = next(self._ids)
                # scale 0: not known until "opened" says which scale the render process chose
                self._renders[req_id] = (RenderKey(doc_id, first_page, 0.0), segment)
                self._track(req_id, "render")
                first = (req_id, segment.name, segment.size, self.max_pixels, first_view)
        self._send(("open", doc_id, str(path), password, first_page, first))
        return doc_id

    def _first_segment(self, view: FirstView) -> Segment | None:
        """Room for a first page whose size is not known yet: an A4 or a Letter page at the
        scale the tab will want. A warm free segment is taken if one fits either (memory
        touched for the first time costs about 3 ms a page here); a page larger than the
        segment is asked for again at its size, as any page is."""
        areas = list(view.viewports.values())
        if view.fit and not areas:
            return None

        def need(width_pt: float, height_pt: float) -> int:
            zooms = [view.zoom] if not view.fit else [
                fit_width_zoom(w, width_pt) if view.fit == "width" else fit_page_zoom(w, h, width_pt, height_pt)
                for w, h in areas]
            return buffer_bytes(width_pt, height_pt, max(zooms) * view.dpr, self.max_pixels)

        a4, letter = need(595.0, 842.0), need(612.0, 792.0)
        pool = self._process.segments
        try:
            return self._process.take_segment(letter if pool.has_free(letter) and not pool.has_free(a4) else a4)
        except OSError:
            return None

    def close_document(self, doc_id: int) -> None:
        if self._docs.pop(doc_id, None) is None:
            return
        self._infos.pop(doc_id, None)
        self._waiting.pop(("open", doc_id), None)
        self._stuck_pages = {p: s for p, s in self._stuck_pages.items() if p[0] != doc_id}
        self._queue.discard_document(doc_id)
        self.cache.drop_document(doc_id)
        self._send(("close", doc_id))
        self._trim_segments()
        QTimer.singleShot(0, self, self._after_close)  # once the closed tab's last pixmaps are gone too

    def _trim_segments(self) -> None:
        """With no document open, all but a page goes back; else what is beyond the pool's own limit."""
        if self._running:
            self._process.trim_segments(None if self._docs else REST_FREE_BYTES)

    def _after_close(self) -> None:
        self._trim_segments()
        if not self._docs:  # the last tab closed: the heap its pages and text freed goes back too
            release_free_heap()

    def document_info(self, doc_id: int) -> dict[str, Any] | None:
        return self._infos.get(doc_id)

    def request_pages(self, owner: object, keys: list[RenderKey], priority: int = 0) -> None:
        """State every page ``owner`` wants now, most urgent first; replaces its previous wish."""
        busy = {key for key, _ in self._renders.values()}
        wanted = [k for k in keys if k not in busy and self.cache.get(k) is None and k.doc_id in self._infos
                  and k.scale < self._stuck_pages.get((k.doc_id, k.page), float("inf")) / 2]
        self._queue.replace(id(owner), wanted, priority)
        self._pump()

    def forget(self, owner: object) -> None:
        self._queue.forget(id(owner))
        self.cache.unpin(id(owner))

    def request_page_info(self, doc_id: int, page: int) -> None:
        if (doc_id, page) in self._stuck_pages:  # its words would be as slow as its drawing: none, after this call
            QTimer.singleShot(0, lambda: self.page_info_ready.emit(doc_id, page, {"words": [], "links": []}))
            return
        req_id = next(self._ids)
        self._info_pages[req_id] = (doc_id, page)
        self._send_tracked(req_id, ("info", req_id, doc_id, page))

    def find(self, doc_id: int, query: str) -> int:
        req_id = next(self._ids)
        self._find_ids[req_id] = (doc_id, req_id)
        self._send_tracked(req_id, ("find", req_id, doc_id, query))
        return req_id

    def request_clip(self, doc_id: int, page: int, rect: tuple) -> int:
        """PNG of ``rect`` (points) of 0-based ``page``; ``clip_done`` follows with the returned id."""
        req_id = next(self._ids)
        self._clip_ids.add(req_id)
        self._send_tracked(req_id, ("clip", req_id, doc_id, page, tuple(rect)))
        return req_id

    def request_citations(self, doc_id: int) -> int:
        """The paper's citation index (reader.pdf.citations); ``citations_done`` follows with the returned id."""
        req_id = next(self._ids)
        self._citation_ids.add(req_id)
        self._send_tracked(req_id, ("citations", req_id, doc_id))
        return req_id

    def crash_for_testing(self) -> None:
        """Make the child exit abruptly, as a segfault in MuPDF would."""
        self._send(("crash",))

    # plumbing ------------------------------------------------------------------

    def _send(self, message: tuple) -> None:
        if self._running and not self._process.send(message):
            self._restart()

    def _send_tracked(self, req_id: int, message: tuple) -> None:
        self._requests[req_id] = message
        self._track(req_id, message[0])
        self._send(message)

    def _track(self, token: object, kind: str) -> None:
        """Note a request the server now owes an answer to; the watchdog times the oldest."""
        if not self._running:
            return
        self._waiting[token] = (kind, time.monotonic())
        if not self._watchdog.isActive():
            self._watchdog.start()

    def _check_stuck(self) -> None:
        """Kill and restart the render process if it has been silent too long on its oldest request."""
        if not self._waiting or not self._running:
            self._watchdog.stop()
            return
        token, (kind, sent) = next(iter(self._waiting.items()))
        limit = TIME_LIMITS[kind]
        if time.monotonic() - max(sent, self._last_heard) < limit:
            return
        self.stuck_requests += 1
        log.warning("render process stuck on %s %s for %.0f s; restarting it", kind, token, limit)
        tell = self._drop_stuck(token, kind, limit)
        self._restart(stuck=True)
        tell()

    def _drop_stuck(self, token: object, kind: str, limit: float):
        """Forget the request the server is stuck on; returns what to tell its asker once the new process runs."""
        self._waiting.pop(token, None)
        if kind == "open":
            doc_id = token[1]  # type: ignore[index]
            path, _password = self._docs.pop(doc_id, ("This PDF", None))
            self._infos.pop(doc_id, None)
            self._queue.discard_document(doc_id)
            text = f"{path} took longer than {limit:.0f} s to open and was skipped."
            return lambda: self.document_failed.emit(doc_id, "error", text)
        self._requests.pop(token, None)
        if kind == "render" and token in self._renders:
            key, segment = self._renders.pop(token)
            self._process.segments.give_back(segment)
            self._stuck_pages[(key.doc_id, key.page)] = min(key.scale, self._stuck_pages.get((key.doc_id, key.page), key.scale))
            self.failed_renders += 1
            text = f"Page {key.page + 1} could not be drawn: it took longer than {limit:.0f} s."
            return lambda: self.page_failed.emit(key, text)
        if kind == "info" and token in self._info_pages:
            doc_id, page = self._info_pages.pop(token)
            self._stuck_pages[(doc_id, page)] = 0.0
            return lambda: self.page_info_ready.emit(doc_id, page, {"words": [], "links": []})
        if kind == "find" and token in self._find_ids:
            doc_id, search_id = self._find_ids.pop(token)
            return lambda: self.find_done.emit(doc_id, search_id, [])
        if kind == "clip" and token in self._clip_ids:
            self._clip_ids.discard(token)  # type: ignore[arg-type]
            return lambda: self.clip_done.emit(token, None)
        if kind == "citations" and token in self._citation_ids:
            self._citation_ids.discard(token)  # type: ignore[arg-type]
            return lambda: self.citations_done.emit(token, None)
        return lambda: None  # already answered or forgotten

    def _pump(self) -> None:
        while self._running and len(self._renders) < MAX_IN_FLIGHT:
            key = self._queue.pop({k for k, _ in self._renders.values()})
            if key is None:
                return
            info = self._infos.get(key.doc_id)
            if info is None:
                continue
            width, height = info["page_sizes"][key.page]  # may be a guess until "details" arrives
            if not self._send_render(key, buffer_bytes(width, height, key.scale, self.max_pixels)):
                return

    def _send_render(self, key: RenderKey, need: int) -> bool:
        try:
            segment = self._process.take_segment(need)
        except OSError as exc:  # /dev/shm full: this page fails, the others go on
            self.failed_renders += 1
            self.page_failed.emit(key, f"Page {key.page + 1} could not be drawn: no shared memory is left ({exc.strerror or exc}).")
            return True
        req_id = next(self._ids)
        self._renders[req_id] = (key, segment)
        self._track(req_id, "render")
        if not self._process.request_render(req_id, key, segment, self.max_pixels):
            self._restart()
            return False
        return True

    def _image_in(self, segment: Segment, width: int, height: int, stride: int) -> QImage:
        """The page as drawn, in the segment itself; a thumbnail is copied out so its segment serves again."""
        length = stride * height
        if segment.size > SMALL_RENDER and stride % 4 == 0:
            view = self._process.segments.lend(segment, length)
            return QImage(view, width, height, stride, QImage.Format.Format_RGB32)
        image = QImage(width, height, QImage.Format.Format_RGB32)
        source = segment.buffer
        if image.bytesPerLine() == stride:
            image.bits()[:length] = source[:length]
        else:
            for row in range(height):
                image.scanLine(row)[:stride] = source[row * stride : (row + 1) * stride]
        self._process.segments.give_back(segment)
        return image

    def _first_render_known(self, doc_id: int, scale: float | None, page: int = 0) -> None:
        """The render process said at which scale it draws the document's first page (None: it does not)."""
        for req_id, (key, segment) in list(self._renders.items()):
            if key.doc_id == doc_id and key.scale == 0.0:
                if scale is None:
                    del self._renders[req_id]
                    self._waiting.pop(req_id, None)
                    self._process.segments.give_back(segment)
                else:
                    self._renders[req_id] = (key._replace(page=page, scale=scale), segment)

    def take_replies(self) -> None:
        """Handle the replies already waiting, now rather than at the event loop's next turn
        (a new tab does, when shown, so that its first paint can have the page)."""
        if self._running:
            self._on_readable()

    def _on_readable(self) -> None:
        try:
            while self._running and self._process.poll():
                message = self._process.receive()
                self._last_heard = time.monotonic()
                self._dispatch(message)
        except EOFError:
            self._restart()
            return
        self._pump()

    def _dispatch(self, message: tuple) -> None:
        op = message[0]
        if op in ("opened", "open_failed"):
            self._waiting.pop(("open", message[1]), None)
        elif op != "details":
            self._waiting.pop(message[1], None)
        if op == "rendered":
            _, req_id, width, height, stride, self.last_render_seconds = message
            entry = self._renders.pop(req_id, None)
            if entry is None:
                return
            key, segment = entry
            if key.doc_id not in self._docs or not key.scale:  # closed while it was drawn
                self._process.segments.give_back(segment)
                return
            image = self._image_in(segment, width, height, stride)
            self.cache.put(key, image)
            self.page_rendered.emit(key, image)
        elif op == "grow":  # the page is bigger than its guessed size: once more, in a larger segment
            _, req_id, need = message
            entry = self._renders.pop(req_id, None)
            if entry is not None:
                self._process.segments.give_back(entry[1])
                if entry[0].doc_id in self._docs:
                    self._send_render(entry[0], need)
        elif op == "details":
            _, doc_id, details = message
            info = self._infos.get(doc_id)
            if info is not None and doc_id in self._docs:
                info.update(details)
                self.document_details.emit(doc_id, info)
        elif op == "failed":
            _, req_id, text = message
            entry = self._renders.pop(req_id, None)
            if entry is not None:
                self._process.segments.give_back(entry[1])
                self.failed_renders += 1
                self.page_failed.emit(entry[0], text)
            elif req_id in self._clip_ids:
                self._requests.pop(req_id, None)
                self._clip_ids.discard(req_id)
                self.clip_done.emit(req_id, None)
            elif req_id in self._citation_ids:
                self._requests.pop(req_id, None)
                self._citation_ids.discard(req_id)
                self.citations_done.emit(req_id, None)
            elif req_id in self._info_pages:
                self._requests.pop(req_id, None)
                doc_id, page = self._info_pages.pop(req_id)
                self.page_info_ready.emit(doc_id, page, {"words": [], "links": []})
        elif op == "opened":
            _, doc_id, info = message
            self._first_render_known(doc_id, info.pop("first_scale", None), info.pop("first_page", 0))
            if doc_id in self._docs:
                known = self._infos.get(doc_id)
                if known is not None and known.get("sizes_known"):  # reopened after a restart
                    info.update(page_sizes=known["page_sizes"], sizes_known=True)
                self._infos[doc_id] = info
                self.document_opened.emit(doc_id, info)
        elif op == "open_failed":
            _, doc_id, kind, text = message
            self._first_render_known(doc_id, None)
            if doc_id in self._docs:
                self.document_failed.emit(doc_id, kind, text)
        elif op == "info":
            _, req_id, payload = message
            self._requests.pop(req_id, None)
            if req_id in self._info_pages:
                doc_id, page = self._info_pages.pop(req_id)
                self.page_info_ready.emit(doc_id, page, payload)
        elif op == "clipped":
            _, req_id, png = message
            self._requests.pop(req_id, None)
            if req_id in self._clip_ids:
                self._clip_ids.discard(req_id)
                self.clip_done.emit(req_id, png)
        elif op == "cited":
            _, req_id, payload = message
            self._requests.pop(req_id, None)
            if req_id in self._citation_ids:
                self._citation_ids.discard(req_id)
                self.citations_done.emit(req_id, payload)
        elif op == "found":
            _, req_id, hits = message
            self._requests.pop(req_id, None)
            if req_id in self._find_ids:
                doc_id, search_id = self._find_ids.pop(req_id)
                self.find_done.emit(doc_id, search_id, hits)

