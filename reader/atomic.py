"""Replacing a file atomically: write beside it, fsync, rename over it.

Every layer writes files (PDF copies, sidecars, thumbnails, exported notes,
annotated PDFs) and a crash or a full disk must leave either the old file or the
new one, never half of one. Standard library only, so every layer may use it.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def replacing(target: Path, prefix: str = ".incoming-", suffix: str = ".tmp") -> Iterator[Path]:
    """Yield a temporary path in ``target``'s folder; on success it replaces ``target``.

    Whatever the block writes to the path is flushed to disk before the rename; if
    the block (or the rename) fails, the temporary file is removed and the error
    goes on, with ``target`` untouched.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def write_bytes(target: Path, data: bytes, prefix: str = ".incoming-", suffix: str = ".tmp") -> None:
    with replacing(target, prefix, suffix) as tmp:
        tmp.write_bytes(data)
