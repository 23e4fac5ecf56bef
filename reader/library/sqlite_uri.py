"""SQLite URIs for paths that may hold any character."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote


def readonly_uri(db_path: Path) -> str:
    """An SQLite URI that opens the file read-only, whatever its path holds.

    In a URI, ``?`` starts the parameters, ``#`` a fragment and ``%`` an escape, so a
    library at ``/tmp/x#1`` or ``/data/100%41`` would name another file unless the
    path is percent-encoded (spaces and non-ASCII are encoded as well).
    """
    return f"file:{quote(str(Path(db_path).absolute()), safe='/')}?mode=ro"
