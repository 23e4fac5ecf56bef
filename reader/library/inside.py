"""Paths read from the database, a sidecar or a backup, checked before anything touches them.

A restored backup or a rebuilt database is data from outside: its ``pdf_path`` or a
caption's thumbnail can name ``../../.ssh/id_rsa`` or a symlink that leads there.
Empty Trash once deleted such files and export copied one into a vault. So every
stored path goes through :func:`inside_library`, which answers with the real file
only when it lies in the library folder (or in one of its folders) after every
symbolic link is followed.
"""

from __future__ import annotations

import os
from pathlib import Path


def inside_library(home: Path | str, relative: str | os.PathLike | None, folder: str | None = None) -> Path | None:
    """The resolved file ``home/relative``, or ``None`` when it would lie outside ``home`` (or ``home/folder``).

    ``folder`` names the library folder the path must stay in (``"pdfs"``, ``"thumbnails"``),
    so a stored PDF path cannot name the database itself. The folder is resolved too: a
    ``pdfs/`` that the user moved to another disk behind a symlink still counts as inside.
    Absolute paths, empty paths and the folder itself are refused.
    """
    if relative is None:
        return None
    text = os.fspath(relative)
    if not text or "\x00" in text or Path(text).is_absolute() or Path(text).drive:
        return None
    home = Path(home)
    base = home / folder if folder else home
    try:
        root = base.resolve()
        target = (home / text).resolve()
    except (OSError, RuntimeError, ValueError):  # a symlink loop, a name the system refuses
        return None
    if target == root or not target.is_relative_to(root):
        return None
    return target
