"""One running instance per library.

SQLite would let two windows write the same file, but each would show the other's
changes only after a restart and undo would lie. An OS file lock, released by the
kernel even when the process is killed, keeps the second one out with a clear message.
"""

from __future__ import annotations

import os
from pathlib import Path

from reader.errors import LibraryLockedError

if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError:
            return False


class LibraryLock:
    def __init__(self, home: Path) -> None:
        self.path = home / "library.lock"
        self._fd: int | None = None

    def acquire(self) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        if not _try_lock(fd):
            holder = ""
            try:
                holder = os.read(fd, 32).decode(errors="replace").strip()
            except OSError:
                pass
            os.close(fd)
            who = f" (process {holder})" if holder else ""
            raise LibraryLockedError(
                f"The library at {self.path.parent} is in use by another Reading List window{who}. "
                "Close it first, or open a different library with --library."
            )
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
