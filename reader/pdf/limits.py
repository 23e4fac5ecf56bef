"""Bounds on what one PDF may cost the process that reads or draws it.

A hostile or merely odd PDF can make MuPDF allocate without end (PyMuPDF's
``test_4435.pdf`` grows past 1.9 GB while one page is drawn) or work for minutes.
MuPDF has no per-call time or memory limit that PyMuPDF exposes, so the bound is
the process: every PDF worker (the extraction process, the render process) caps
its own address space here, and its parent kills and replaces it when a call
takes too long. With the cap, an allocation that would pass it fails inside
MuPDF, which turns it into an ordinary error for that one call.

Plain Python, no PyMuPDF: the limit is set before MuPDF is loaded.
"""

from __future__ import annotations

import os

WORKER_MEMORY_BYTES = 1536 << 20  # the extraction process: a 1000-page paper needs about 300 MB
RENDER_MEMORY_BYTES = 2 << 30  # the render process also maps the cached pages' shared memory


def limit_memory(max_bytes: int) -> bool:
    """Cap this process's address space at ``max_bytes``; False where the platform has no such limit.

    Only ever lowers the limit: a smaller one set from outside is kept.
    """
    if os.environ.get("READING_LIST_NO_MEMORY_LIMIT"):  # for measuring what a file would take unbounded
        return False
    try:
        import resource
    except ImportError:  # Windows
        return False
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = max_bytes if hard == resource.RLIM_INFINITY else min(max_bytes, hard)
        if soft != resource.RLIM_INFINITY and soft <= limit:
            return True
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
        return True
    except (ValueError, OSError, AttributeError):  # macOS refuses RLIMIT_AS
        return False


def release_free_heap() -> bool:
    """Hand the heap memory that is free but still held by the C allocator back to the system.

    glibc keeps what a process freed for its next allocations; after the last tab
    closes that is 20 MB of a UI process that drew pages and laid out their text
    (benchmarks/viewer_memory.py), and MuPDF's freed caches in the render process.
    ``malloc_trim`` returns it. False where there is none (not glibc: macOS,
    Windows, musl), which changes nothing else.
    """
    import ctypes
    import sys

    if not sys.platform.startswith("linux"):
        return False
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return False
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    trim(0)
    return True


def out_of_memory(exc: BaseException) -> bool:
    """True when ``exc`` is MuPDF or Python saying the memory cap was reached."""
    if isinstance(exc, MemoryError):
        return True
    text = str(exc).lower()
    return "malloc" in text or "cannot allocate memory" in text or "out of memory" in text


def memory_message(what: str, max_bytes: int = WORKER_MEMORY_BYTES) -> str:
    return f"{what} needs more than the {_size(max_bytes)} of memory the app allows for one PDF and was skipped."


def _size(n: int) -> str:
    return f"{n / (1 << 30):.1f} GB"
