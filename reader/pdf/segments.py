"""Shared memory that a rendered page lives in, from the render process's drawing to the screen.

The render process draws a page straight into a segment that the client created,
and the client's page cache shows that same memory: the pixels are never copied.
Segments are reused rather than made anew, because memory touched for the first
time costs a page fault per 4 KiB: 4.8 ms for one page at 200% on the 2-core
reference machine (a small VM), more than half of what MuPDF needs to draw it.
Raw PyMuPDF gets warm memory from the C heap on every render; reuse is how the
app's path keeps up with it.

A segment is lent to an image as a ``memoryview`` that only the image holds
(a QPixmap made from the image shares it too); once every such holder is gone the
view dies, and only then does the segment go back to the free list. Segments
beyond what is worth keeping are closed, and their names given to the render
process to let go of as well.

While the cache is still filling, every render needs a segment never touched
before. So whenever no free segment of a render's size is left, a spare of that
size is made and the render process touches it between requests (``to_warm``):
the next render finds it free and warm.

Small renders (page thumbnails) all take one size of segment and are copied
out at once: a segment per thumbnail would be hundreds of files in /dev/shm.

Plain Python, no Qt: the client side of :mod:`reader.pdf.render_process` owns it.
"""

from __future__ import annotations

import itertools
import os
import secrets
import weakref
from dataclasses import dataclass, field
from multiprocessing.shared_memory import SharedMemory

SMALL_RENDER = 1 << 20  # bytes: renders up to this size share segments of exactly this size
KEEP_FREE_BYTES = 32 << 20  # about four pages at 200% kept ready for the next renders
REST_FREE_BYTES = 8 << 20  # with no document open: a page at 100%, so the next one opens on warm memory
LARGEST_WASTE = 1.5  # a free segment up to half again larger than asked for is reused
_ROUND = 1 << 18  # sizes are rounded up to 256 KiB, so pages of one zoom share segments


@dataclass(eq=False)
class Segment:
    shm: SharedMemory
    lent: bool = field(default=False)

    @property
    def name(self) -> str:
        return self.shm.name

    @property
    def size(self) -> int:
        return self.shm.size

    @property
    def buffer(self) -> memoryview:
        assert self.shm.buf is not None
        return self.shm.buf


def shared_memory_room() -> int | None:
    """Bytes free where POSIX shared memory lives (/dev/shm on Linux), or None where it is not a folder.

    Pages live there while they are cached. Some containers give /dev/shm only 64 MB,
    and writing past its end kills the writer with SIGBUS, so the client sizes its
    cache to the room there is.
    """
    try:
        stats = os.statvfs("/dev/shm")
    except (OSError, AttributeError):
        return None
    return stats.f_bavail * stats.f_frsize


class SegmentPool:
    def __init__(self) -> None:
        self.keep_free_bytes = KEEP_FREE_BYTES
        self._free: list[Segment] = []
        self._lent: list[tuple[weakref.ref[memoryview], Segment]] = []
        self._names = itertools.count(1)
        self._tag = f"rl{os.getpid()}x{secrets.token_hex(4)}"  # unique even if an earlier pool leaked names
        self.retired: list[str] = []  # closed here; the render process should close them too
        self.to_warm: list[str] = []  # spares the render process should touch while it is idle
        self.created = 0
        self.reused = 0

    def take(self, need: int) -> Segment:
        """A segment of at least ``need`` bytes that no image shows: a free one if it fits."""
        self._reclaim()
        size = SMALL_RENDER if need <= SMALL_RENDER else -(-need // _ROUND) * _ROUND
        fitting = self._fitting(size)
        if fitting:
            segment = min(fitting, key=lambda s: s.size)
            self._free.remove(segment)
            self.reused += 1
        else:
            segment = self._new(size)
        if size > SMALL_RENDER and not self._fitting(size):  # the next render at this zoom finds one warm
            spare = self._new(size)
            self._free.append(spare)
            self.to_warm.append(spare.name)
        return segment

    def has_free(self, need: int) -> bool:
        """Whether :meth:`take` would find a free (and so warm) segment for ``need`` bytes."""
        self._reclaim()
        return bool(self._fitting(SMALL_RENDER if need <= SMALL_RENDER else -(-need // _ROUND) * _ROUND))

    def _fitting(self, size: int) -> list[Segment]:
        return [s for s in self._free if size <= s.size <= size * LARGEST_WASTE]

    def _new(self, size: int) -> Segment:
        self.created += 1
        while True:
            try:
                return Segment(SharedMemory(create=True, size=size, name=f"{self._tag}-{next(self._names)}"))
            except FileExistsError:  # a name left behind by a crashed process with a reused pid
                continue

    def lend(self, segment: Segment, length: int) -> memoryview:
        """The first ``length`` bytes, as a view for an image to hold; see the module docstring."""
        view = segment.buffer[:length]
        segment.lent = True
        self._lent.append((weakref.ref(view), segment))
        return view

    def give_back(self, segment: Segment) -> None:
        """A segment that was taken and not lent (the render failed, was copied out or dropped)."""
        if not segment.lent:
            self._keep_or_close(segment)

    def close(self) -> None:
        """Remove every segment's name; those still shown stay mapped until their images go."""
        self._reclaim()
        for segment in self._free:
            _close(segment.shm)
        for _view, segment in self._lent:
            _abandon(segment.shm)
        self._free, self._lent = [], []

    def trim(self, keep_free_bytes: int | None = None) -> None:
        """Take back the segments no image shows any more and close the free ones beyond
        ``keep_free_bytes`` (the pool's own limit by default; REST_FREE_BYTES when no document is open).

        Segments are otherwise taken back only when the next render asks for one, so
        after the last tab closes the pages it showed would stay mapped.
        """
        self._reclaim()
        limit = self.keep_free_bytes if keep_free_bytes is None else keep_free_bytes
        while self._free and self.free_bytes > limit:
            oldest = self._free.pop(0)
            self.retired.append(oldest.name)
            _close(oldest.shm)

    @property
    def free_bytes(self) -> int:
        return sum(s.size for s in self._free)

    def _reclaim(self) -> None:
        still_lent = []
        for view, segment in self._lent:
            if view() is None:
                segment.lent = False
                self._keep_or_close(segment)
            else:
                still_lent.append((view, segment))
        self._lent = still_lent

    def _keep_or_close(self, segment: Segment) -> None:
        """Keep the most recently freed: they are the size the reader is rendering at now."""
        self._free.append(segment)
        while self.free_bytes > self.keep_free_bytes:
            oldest = self._free.pop(0)
            self.retired.append(oldest.name)
            _close(oldest.shm)


def _close(shm: SharedMemory) -> None:
    try:
        shm.close()
    except BufferError:  # still shown somewhere after all
        _abandon(shm)
    _unlink(shm)


def _abandon(shm: SharedMemory) -> None:
    """Unlink a segment an image still shows and leave its mapping to that image's view.

    ``SharedMemory`` would try to unmap it when collected and complain that it is
    still exported; the views keep the mapping alive on their own.
    """
    _unlink(shm)
    if getattr(shm, "_fd", -1) >= 0:
        os.close(shm._fd)
        shm._fd = -1
    shm._buf = None
    shm._mmap = None


def _unlink(shm: SharedMemory) -> None:
    try:
        shm.unlink()
    except FileNotFoundError:
        pass
