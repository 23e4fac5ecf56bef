"""Opening the library for the window's first paint with the ``sqlite3`` module alone.

The façade (:class:`reader.library.library.Library`) brings SQLAlchemy, a quarter of
a second of imports on this machine, and the first paint needs none of it: a count,
a page of ids, their rows, the sidebar's counts and the selected paper are plain
reads. :class:`DeferredLibrary` answers those through the same SQL
(:mod:`reader.library.queries`) over a read-only ``sqlite3`` connection, and opens
the façade when asked (after the first paint), or at once for anything else.

It only takes the quick path for a library that needs nothing done at open: one
that exists in a writable folder, has the current schema, is in WAL mode and whose
header and schema read. A new, older, newer or damaged one is opened by the façade at once, before
the window, exactly as without this module.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from reader.library.lock import LibraryLock
from reader.library.records import (
    PaperDetail,
    PaperQuery,
    PaperRow,
    TagCount,
    ViewCounts,
)
from reader.library.sqlite_uri import readonly_uri

if TYPE_CHECKING:
    from reader.library.library import Library

DB_NAME = "library.sqlite3"  # as reader.library.library.DB_NAME, which would import SQLAlchemy
EVERY_PAPER = PaperQuery()


class _Result:
    """The part of SQLAlchemy's ``Result`` that the read queries use."""

    def __init__(self, rows: list[tuple]) -> None:
        self._rows = rows

    def all(self) -> list[tuple]:
        return self._rows

    def fetchall(self) -> list[tuple]:
        return self._rows

    def first(self) -> tuple | None:
        return self._rows[0] if self._rows else None

    def one(self) -> tuple:
        if len(self._rows) != 1:
            raise sqlite3.DatabaseError(f"expected one row, got {len(self._rows)}")
        return self._rows[0]

    def scalar(self):
        return self._rows[0][0] if self._rows else None

    def scalar_one(self):
        return self.one()[0]

    def __iter__(self):
        return iter(self._rows)


class _PlainConnection:
    """A read-only ``sqlite3`` connection that speaks ``exec_driver_sql`` like the façade's."""

    def __init__(self, db_path: Path) -> None:
        self._conn = sqlite3.connect(readonly_uri(db_path), uri=True, timeout=10, check_same_thread=False)
        self._conn.execute("PRAGMA busy_timeout = 10000")
        self.info: dict = {}

    def exec_driver_sql(self, sql: str, params: Sequence = ()) -> _Result:
        return _Result(self._conn.execute(sql, tuple(params)).fetchall())

    def close(self) -> None:
        self._conn.close()


def quick_path_possible(home: Path) -> bool:
    """Whether the library opens with nothing to do: present, current schema, WAL, header and schema readable."""
    from reader.library.migrations import SCHEMA_VERSION

    db_path = home / DB_NAME
    try:
        if not db_path.is_file() or db_path.stat().st_size == 0:
            return False
        conn = sqlite3.connect(readonly_uri(db_path), uri=True, timeout=10)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            journal = conn.execute("PRAGMA journal_mode").fetchone()[0]
            conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
    except (OSError, sqlite3.Error):
        return False
    return version == SCHEMA_VERSION and str(journal).lower() == "wal"


class DeferredLibrary:
    """The library for the window: quick reads until :meth:`open_fully`, then the façade.

    Holds the library's lock from the start, so no other process takes the library
    between the first paint and the façade's open (the façade takes the lock again
    itself; the two are handed over within the same call).
    """

    def __init__(self, home: Path | str) -> None:
        self.home = Path(home)
        self.db_path = self.home / DB_NAME
        self.pdf_dir = self.home / "pdfs"
        self._library: Library | None = None
        self._opening = threading.Lock()
        self._connections = threading.local()
        self._all_connections: list[_PlainConnection] = []
        self._lock: LibraryLock | None = None

    @classmethod
    def open(cls, home: Path | str) -> DeferredLibrary:
        """Open for the quick path when the library allows it, else open the façade now (raising what it raises)."""
        deferred = cls(home)
        ready = (deferred.home / "pdfs").is_dir() and os.access(deferred.home, os.W_OK)  # else the façade says why
        if ready and quick_path_possible(deferred.home):
            lock = LibraryLock(deferred.home)
            lock.acquire()  # LibraryLockedError, as the façade would raise
            deferred._lock = lock
        else:
            deferred.open_fully()
        return deferred

    @property
    def is_open(self) -> bool:
        """Whether the façade is open (everything then goes to it)."""
        return self._library is not None

    def open_fully(self) -> Library:
        """The façade, opened on the first call (from any thread; others wait for it)."""
        library = self._library
        if library is not None:
            return library
        with self._opening:
            if self._library is None:
                from reader.library.library import Library

                if self._lock is not None:
                    self._lock.release()  # the façade takes it again at once
                    self._lock = None
                self._library = Library.open(self.home)
                # The quick connections stay until close(): another thread may be reading on its own.
            return self._library

    def close(self) -> None:
        if self._library is not None:
            self._library.close()
        self._close_connections()
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __getattr__(self, name: str):
        # Only called for what this class does not define: everything but the quick reads.
        return getattr(self.open_fully(), name)

    def __enter__(self) -> DeferredLibrary:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    # The quick reads: the façade's once it is open, else the same SQL over sqlite3 ------

    def _quick_connection(self) -> _PlainConnection:
        conn = getattr(self._connections, "conn", None)
        if conn is None:
            conn = _PlainConnection(self.db_path)
            self._connections.conn = conn
            self._all_connections.append(conn)
        return conn

    def _close_connections(self) -> None:
        for conn in self._all_connections:
            try:
                conn.close()
            except sqlite3.Error:
                pass  # a connection of a thread that is still reading: closed with the process
        self._all_connections.clear()
        self._connections = threading.local()

    def query_ids(self, query: PaperQuery = EVERY_PAPER, offset: int = 0, limit: int | None = None) -> list[int]:
        if self._library is not None:
            return self._library.query_ids(query, offset, limit)
        from reader.library import queries

        return queries.paper_ids(self._quick_connection(), query, offset, limit)

    def count(self, query: PaperQuery = EVERY_PAPER, at_most: int | None = None) -> int:
        if self._library is not None:
            return self._library.count(query, at_most)
        from reader.library import queries

        return queries.count(self._quick_connection(), query, at_most)

    def paper_rows(self, ids: Sequence[int]) -> list[PaperRow]:
        if self._library is not None:
            return self._library.paper_rows(ids)
        from reader.library import queries

        return queries.paper_rows(self._quick_connection(), ids)

    def paper(self, paper_id: int) -> PaperDetail:
        if self._library is not None:
            return self._library.paper(paper_id)
        from reader.errors import NotFoundError
        from reader.library import queries

        detail = queries.paper_detail(self._quick_connection(), paper_id)
        if detail is None:
            raise NotFoundError(f"There is no paper with id {paper_id}.")
        return detail

    def tag_counts(self) -> list[TagCount]:
        if self._library is not None:
            return self._library.tag_counts()
        from reader.library import queries

        return queries.tag_counts(self._quick_connection())

    def tag_names(self) -> list[str]:
        return [t.name for t in self.tag_counts()]

    def view_counts(self) -> ViewCounts:
        if self._library is not None:
            return self._library.view_counts()
        from reader.library import queries

        return queries.view_counts(self._quick_connection())

    def has_page_text(self) -> bool:
        if self._library is not None:
            return self._library.has_page_text()
        from reader.library import fulltext

        return fulltext.any_page_text(self._quick_connection())

    def body_hits(self, paper_ids: Sequence[int], text: str) -> dict:
        if self._library is not None:
            return self._library.body_hits(paper_ids, text)
        return self.open_fully().body_hits(paper_ids, text)  # not on the first paint's path
