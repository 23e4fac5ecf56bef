"""The SQLite engine: WAL, foreign keys, full fsync on commit, one place for the pragmas."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import URL, Engine, create_engine, event


def make_engine(db_path: Path) -> Engine:
    # URL.create passes the path through untouched; a "sqlite:///..." string would be
    # parsed, and "?" or "#" in a folder name would cut the path short.
    engine = create_engine(
        URL.create("sqlite", database=str(db_path)),
        connect_args={"check_same_thread": False, "timeout": 10},
    )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: sqlite3.Connection, _record) -> None:
        # The driver must not open transactions behind our back: the façade says
        # BEGIN IMMEDIATE itself, so writers queue rather than fail at COMMIT.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA busy_timeout = 10000")
        cursor.close()

    return engine


def enable_wal(db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
    finally:
        conn.close()
