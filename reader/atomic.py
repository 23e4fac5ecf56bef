"""Replacing a file atomically: write beside it, fsync, rename over it.

Every layer writes files (PDF copies, sidecars, thumbnails, exported notes,
annotated PDFs) and a crash or a full disk must leave either the old file or the
new one, never half of one. Standard library only, so every layer may use it.

Two kinds of file go through here. The library's own files (database, sidecars,
backups, PDF copies, thumbnails) stay private (0600, as ``mkstemp`` makes them):
they hold the person's notes and reading, only this app reads them, and nothing
is lost by keeping others out. Files written *for the person* to use elsewhere
(exported notes and images, an annotated copy of a PDF) are ``shared``: they get
the permissions any new file gets from the user's umask (and the folder's default
ACL), because a vault, a git repository or a web folder is read by other tools and
sometimes by other accounts, and a surprise 0600 breaks them. A shared file that
is replaced keeps the permissions it had, so a deliberate ``chmod`` survives a
re-export.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def replacing(target: Path, prefix: str = ".incoming-", suffix: str = ".tmp", *,
              shared: bool = False) -> Iterator[Path]:
    """Yield a temporary path in ``target``'s folder; on success it replaces ``target``.

    Whatever the block writes to the path is flushed to disk before the rename; if
    the block (or the rename) fails, the temporary file is removed and the error
    goes on, with ``target`` untouched. ``shared``: see the module's docstring.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = _new_shared_file(target, prefix, suffix) if shared else _new_private_file(target, prefix, suffix)
    try:
        yield tmp
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        if shared:
            _keep_mode_of(target, tmp)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def write_bytes(target: Path, data: bytes, prefix: str = ".incoming-", suffix: str = ".tmp", *,
                shared: bool = False) -> None:
    with replacing(target, prefix, suffix, shared=shared) as tmp:
        tmp.write_bytes(data)


def _new_private_file(target: Path, prefix: str, suffix: str) -> Path:
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=target.parent)
    os.close(fd)
    return Path(name)


def _new_shared_file(target: Path, prefix: str, suffix: str) -> Path:
    """Create the temporary file as ``open()`` creates any file (0666 less the umask).

    The umask is never read with ``os.umask``: setting it, even for a moment, changes
    it for every thread of the process.
    """
    for _ in range(100):
        tmp = target.parent / f"{prefix}{secrets.token_hex(6)}{suffix}"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        except FileExistsError:
            continue
        os.close(fd)
        return tmp
    raise FileExistsError(f"No free temporary name in {target.parent}")


def _keep_mode_of(target: Path, tmp: Path) -> None:
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        return  # a new file: the umask decided
    with contextlib.suppress(OSError):
        os.chmod(tmp, mode)
