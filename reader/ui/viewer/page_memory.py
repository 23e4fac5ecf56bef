"""Memory for rendered pages: reused when an evicted page frees it, else made warm off the UI thread.

A render arrives in a shared-memory slot and is copied once into memory the page
cache keeps. Memory the process has not touched yet costs a page fault per 4 KiB
on first write, and memory given back costs an munmap: on the 2-core reference
machine (a small VM) about 6 ms and 1.6 ms for one page at 200%, more than the
copy itself and most of the render path's overhead over raw PyMuPDF. So:

- a page evicted from the cache hands its buffer back here, and the next render
  of about the same size is copied into it: warm memory, no fault, no munmap;
- when no such buffer is free, a helper thread maps and touches a new one while
  the render process draws (``memset`` through ctypes runs without the GIL);
- buffers beyond what is worth keeping are unmapped on that thread.

A buffer is lent to a QImage as a fresh ``memoryview`` that only the image holds:
when every QImage sharing it is gone (a QPixmap made from it shares it too), the
view dies, and only then is the buffer reused. The thread never sees pixels or
Qt objects it could race on, only anonymous memory and last references.
"""

from __future__ import annotations

import ctypes
import mmap
import weakref
from concurrent.futures import Future, ThreadPoolExecutor

KEEP_FREE_BYTES = 40 * 1024 * 1024  # about five pages at 200%: enough for a screenful turning over
LARGEST_WASTE = 2.0  # a free buffer up to twice the size asked for is reused rather than a new one made


class PageMemory:
    def __init__(self, keep_free_bytes: int = KEEP_FREE_BYTES) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="page-memory")
        self._keep = keep_free_bytes
        self._free: list[mmap.mmap] = []
        self._lent: list[tuple[weakref.ref[memoryview], mmap.mmap]] = []
        self.reused = 0  # how many renders found a free buffer (the benchmark prints it)
        self._closed = False  # after shutdown, tabs closing as the app quits still drop their pages here

    def prepare(self, size: int) -> Future[mmap.mmap]:
        """A buffer of at least ``size`` bytes: at once when one is free, else warmed on the thread."""
        self._reclaim()
        fitting = [m for m in self._free if size <= len(m) <= size * LARGEST_WASTE]
        if fitting:
            memory = min(fitting, key=len)
            self._free.remove(memory)
            self.reused += 1
            done: Future[mmap.mmap] = Future()
            done.set_result(memory)
            return done
        if self._closed:
            return Future()  # never ready: the caller copies into memory of its own
        return self._pool.submit(fault_in, size)

    def lend(self, memory: mmap.mmap) -> memoryview:
        """The view to build a QImage on; the buffer comes back when the last image using it is gone."""
        view = memoryview(memory)
        self._lent.append((weakref.ref(view), memory))
        return view

    def give_back(self, prepared: Future[mmap.mmap]) -> None:
        """A prepared buffer that will not be used after all (the render failed or was dropped)."""
        if prepared.done() and prepared.exception() is None:
            self._keep_or_unmap(prepared.result())
        # else the helper thread holds the last reference and unmaps it when it is done

    def dispose(self, owner: object) -> None:
        """Let the helper thread drop a last reference, so any unmapping happens there."""
        if not self._closed:
            self._pool.submit(_keep_until_run, owner)

    def shutdown(self) -> None:
        self._closed = True
        self._free.clear()
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _reclaim(self) -> None:
        still_lent = []
        for view, memory in self._lent:
            if view() is None:
                self._keep_or_unmap(memory)
            else:
                still_lent.append((view, memory))
        self._lent = still_lent

    def _keep_or_unmap(self, memory: mmap.mmap) -> None:
        if sum(map(len, self._free)) + len(memory) <= self._keep:
            self._free.append(memory)
        else:
            self.dispose(memory)


def fault_in(size: int) -> mmap.mmap:
    """Anonymous memory of ``size`` bytes with every page already mapped (white, as pages start)."""
    memory = mmap.mmap(-1, max(1, size))
    view = (ctypes.c_char * len(memory)).from_buffer(memory)
    try:
        ctypes.memset(ctypes.addressof(view), 0xFF, len(memory))
    finally:
        del view  # release the export, or the mapping could never be closed
    return memory


def _keep_until_run(owner: object) -> None:
    """Nothing to do: the reference dies with the work item, on the helper thread."""
