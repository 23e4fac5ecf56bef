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


def stored_paths_outside(home: Path | str, db_path: Path | str) -> list[str]:
    """The PDF and thumbnail paths in the database ``db_path`` that would lead out of ``home``.

    For ``restore-backup``, to say that a backup names files elsewhere (they are never
    opened, exported or deleted, but the person should know the backup is odd).
    """
    import sqlite3

    from reader.library.sqlite_uri import readonly_uri

    conn = sqlite3.connect(readonly_uri(Path(db_path)), uri=True, timeout=10)
    try:
        pdfs = [r[0] for r in conn.execute("SELECT pdf_path FROM paper WHERE pdf_path != ''")]
        thumbnails = [r[0] for r in conn.execute("SELECT thumbnail FROM figure_caption WHERE thumbnail != ''")]
    except sqlite3.Error:
        return []
    finally:
        conn.close()
    return sorted({p for p in pdfs if inside_library(home, p, "pdfs") is None}
                  | {t for t in thumbnails if inside_library(home, t, "thumbnails") is None})
