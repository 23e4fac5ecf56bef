"""Atomic file writes: a temp file in the target folder, fsync, then ``os.replace``.

A vault under sync or git must never see half a note: either the old file or the
new one exists, never a truncated mix, even when the disk fills up mid-write.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from reader.atomic import write_bytes
from reader.errors import ReaderError


class ExportError(ReaderError):
    """An export target cannot be written; the message names it and says why."""


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC or exc.errno == errno.EDQUOT:
        return "the disk is full"
    if exc.errno in (errno.EROFS,):
        return "it is on a read-only file system"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno in (errno.ENOTDIR, errno.EEXIST):
        return "a file is in the way of the folder"
    return (exc.strerror or str(exc)).rstrip(".").lower()


def ensure_folder(folder: Path) -> Path:
    """Create ``folder`` (and parents), turning OS errors into one clear sentence."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"The folder {folder} cannot be created: {_reason(exc)}.") from exc
    if not folder.is_dir():
        raise ExportError(f"{folder} is not a folder.")
    return folder


def write_atomic(path: Path, data: bytes | str, *, skip_unchanged: bool = True) -> bool:
    """Write ``data`` to ``path`` atomically; returns False when the file already held these bytes.

    The file is for the person's own folders, so it gets their umask's permissions
    (``reader.atomic`` says why), not the library's private 0600.

    Skipping unchanged files keeps modification times still, so sync tools and
    ``git status`` only see the notes that really changed.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    path = Path(path)
    if skip_unchanged:
        try:
            if path.stat().st_size == len(payload) and path.read_bytes() == payload:
                return False
        except OSError:
            pass
    ensure_folder(path.parent)
    try:
        write_bytes(path, payload, prefix=f".{path.name[:40]}.", shared=True)
    except OSError as exc:
        raise ExportError(f"{path} cannot be written: {_reason(exc)}; it was left as it was.") from exc
    return True


def _unlink_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
