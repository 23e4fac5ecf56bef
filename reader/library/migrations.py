"""Versioned schema changes, applied in order, each in its own transaction.

The version lives in ``PRAGMA user_version``. A library is never dropped or
rebuilt to upgrade: each step is explicit DDL that keeps every row. Before the
first step runs on an existing library a consistent copy is taken with SQLite's
backup API, so an upgrade can always be undone by hand.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from reader.errors import LibraryError, SchemaTooNewError
from reader.library.sqlite_uri import readonly_uri

_V1 = """
CREATE TABLE paper (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL DEFAULT '',
    authors_display TEXT NOT NULL DEFAULT '',
    year INTEGER,
    venue TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL DEFAULT '',
    doi TEXT NOT NULL DEFAULT '',
    arxiv_id TEXT NOT NULL DEFAULT '',
    url TEXT NOT NULL DEFAULT '',
    code_url TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'to_read' CHECK (status IN ('to_read', 'reading', 'read')),
    rating INTEGER NOT NULL DEFAULT 0,
    added_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    last_opened_at DATETIME,
    pdf_path TEXT NOT NULL DEFAULT '',
    pdf_hash TEXT NOT NULL DEFAULT '',
    page_count INTEGER NOT NULL DEFAULT 0,
    last_page INTEGER NOT NULL DEFAULT 0,
    last_zoom FLOAT NOT NULL DEFAULT 0,
    trashed_at DATETIME,
    edited_fields TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ix_paper_pdf_hash ON paper (pdf_hash);
CREATE INDEX ix_paper_added ON paper (added_at);
CREATE INDEX ix_paper_trash_status ON paper (trashed_at, status);
CREATE INDEX ix_paper_title ON paper (title COLLATE NOCASE);
CREATE INDEX ix_paper_authors ON paper (authors_display COLLATE NOCASE);
CREATE INDEX ix_paper_year ON paper (year);

CREATE TABLE author (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
CREATE TABLE paper_author (
    paper_id INTEGER NOT NULL REFERENCES paper (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    author_id INTEGER NOT NULL REFERENCES author (id) ON DELETE CASCADE,
    PRIMARY KEY (paper_id, position)
);
CREATE INDEX ix_paper_author_author ON paper_author (author_id);

CREATE TABLE tag (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    colour TEXT NOT NULL DEFAULT ''
);
CREATE TABLE paper_tag (
    paper_id INTEGER NOT NULL REFERENCES paper (id) ON DELETE CASCADE,
    tag_id INTEGER NOT NULL REFERENCES tag (id) ON DELETE CASCADE,
    PRIMARY KEY (paper_id, tag_id)
);
CREATE INDEX ix_paper_tag_tag ON paper_tag (tag_id);

CREATE TABLE note (
    id INTEGER PRIMARY KEY,
    paper_id INTEGER NOT NULL REFERENCES paper (id) ON DELETE CASCADE,
    body TEXT NOT NULL DEFAULT '',
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL
);
CREATE INDEX ix_note_paper_id ON note (paper_id);

CREATE TABLE figure_caption (
    id INTEGER PRIMARY KEY,
    paper_id INTEGER NOT NULL REFERENCES paper (id) ON DELETE CASCADE,
    label TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL DEFAULT 'figure',
    number TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL DEFAULT '',
    page INTEGER NOT NULL DEFAULT 0,
    x0 FLOAT, y0 FLOAT, x1 FLOAT, y1 FLOAT,
    region_x0 FLOAT, region_y0 FLOAT, region_x1 FLOAT, region_y1 FLOAT,
    thumbnail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ix_figure_caption_paper_id ON figure_caption (paper_id);

CREATE VIRTUAL TABLE paper_fts USING fts5(
    title, authors, summary, tags, notes, captions,
    tokenize = "unicode61 remove_diacritics 2",
    prefix = '1 2 3'
);
"""


def _step_1(conn: sqlite3.Connection) -> None:
    for statement in _V1.split(";"):
        if statement.strip():
            conn.execute(statement)


def _step_2(conn: sqlite3.Connection) -> None:
    """Annotations, and their quoted text and comments in the full-text index.

    FTS5 tables cannot gain a column, so the index is rebuilt under a new name with
    every existing row copied across, then renamed into place.
    """
    conn.execute("""
        CREATE TABLE annotation (
            id INTEGER PRIMARY KEY,
            paper_id INTEGER NOT NULL REFERENCES paper (id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('highlight', 'underline', 'strikeout', 'note', 'area')),
            page INTEGER NOT NULL,
            x0 FLOAT NOT NULL, y0 FLOAT NOT NULL, x1 FLOAT NOT NULL, y1 FLOAT NOT NULL,
            quads TEXT NOT NULL DEFAULT '',
            colour TEXT NOT NULL DEFAULT '#ffd400',
            quote TEXT NOT NULL DEFAULT '',
            comment TEXT NOT NULL DEFAULT '',
            image BLOB,
            source TEXT NOT NULL DEFAULT 'app' CHECK (source IN ('app', 'file')),
            created_at DATETIME NOT NULL,
            updated_at DATETIME NOT NULL
        )""")
    conn.execute("CREATE INDEX ix_annotation_paper ON annotation (paper_id, page, y0)")
    conn.execute("""
        CREATE VIRTUAL TABLE paper_fts_v2 USING fts5(
            title, authors, summary, tags, notes, captions, annotations,
            tokenize = "unicode61 remove_diacritics 2",
            prefix = '1 2 3'
        )""")
    conn.execute(
        "INSERT INTO paper_fts_v2 (rowid, title, authors, summary, tags, notes, captions, annotations)"
        " SELECT rowid, title, authors, summary, tags, notes, captions, '' FROM paper_fts")
    conn.execute("DROP TABLE paper_fts")
    conn.execute("ALTER TABLE paper_fts_v2 RENAME TO paper_fts")


_ANNOTATION_COLUMNS = ("id, paper_id, kind, page, x0, y0, x1, y1, quads, colour, quote, comment, image, source,"
                       " created_at, updated_at")


def _step_3(conn: sqlite3.Connection) -> None:
    """Annotation ids are never handed out twice.

    Without AUTOINCREMENT SQLite gives a new row the largest id plus one, so deleting
    the newest mark and then adding another reused its id: undoing the deletion, which
    puts the mark back under its old id, then collided with the new mark, and links in
    exported notes to the deleted mark led to the new one. SQLite cannot add
    AUTOINCREMENT to a table, so the table is rebuilt with every row kept. The columns
    repeat step 2's on purpose: each step records its version and never changes.
    """
    conn.execute("""
        CREATE TABLE annotation_v3 (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            paper_id INTEGER NOT NULL REFERENCES paper (id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('highlight', 'underline', 'strikeout', 'note', 'area')),
            page INTEGER NOT NULL,
            x0 FLOAT NOT NULL, y0 FLOAT NOT NULL, x1 FLOAT NOT NULL, y1 FLOAT NOT NULL,
            quads TEXT NOT NULL DEFAULT '',
            colour TEXT NOT NULL DEFAULT '#ffd400',
            quote TEXT NOT NULL DEFAULT '',
            comment TEXT NOT NULL DEFAULT '',
            image BLOB,
            source TEXT NOT NULL DEFAULT 'app' CHECK (source IN ('app', 'file')),
            created_at DATETIME NOT NULL,
            updated_at DATETIME NOT NULL
        )""")
    conn.execute(f"INSERT INTO annotation_v3 ({_ANNOTATION_COLUMNS}) SELECT {_ANNOTATION_COLUMNS} FROM annotation")
    conn.execute("DROP TABLE annotation")
    conn.execute("ALTER TABLE annotation_v3 RENAME TO annotation")
    conn.execute("CREATE INDEX ix_annotation_paper ON annotation (paper_id, page, y0)")


_V4_TABLES = {
    "paper": ("""
        CREATE TABLE paper_v4 (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            title TEXT NOT NULL DEFAULT '',
            authors_display TEXT NOT NULL DEFAULT '',
            year INTEGER,
            venue TEXT NOT NULL DEFAULT '',
            summary TEXT NOT NULL DEFAULT '',
            doi TEXT NOT NULL DEFAULT '',
            arxiv_id TEXT NOT NULL DEFAULT '',
            url TEXT NOT NULL DEFAULT '',
            code_url TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'to_read' CHECK (status IN ('to_read', 'reading', 'read')),
            rating INTEGER NOT NULL DEFAULT 0,
            added_at DATETIME NOT NULL,
            updated_at DATETIME NOT NULL,
            last_opened_at DATETIME,
            pdf_path TEXT NOT NULL DEFAULT '',
            pdf_hash TEXT NOT NULL DEFAULT '',
            page_count INTEGER NOT NULL DEFAULT 0,
            last_page INTEGER NOT NULL DEFAULT 0,
            last_zoom FLOAT NOT NULL DEFAULT 0,
            trashed_at DATETIME,
            edited_fields TEXT NOT NULL DEFAULT ''
        )""", (
        "CREATE INDEX ix_paper_pdf_hash ON paper (pdf_hash)",
        "CREATE INDEX ix_paper_added ON paper (added_at)",
        "CREATE INDEX ix_paper_trash_status ON paper (trashed_at, status)",
        "CREATE INDEX ix_paper_title ON paper (title COLLATE NOCASE)",
        "CREATE INDEX ix_paper_authors ON paper (authors_display COLLATE NOCASE)",
        "CREATE INDEX ix_paper_year ON paper (year)",
    )),
    "note": ("""
        CREATE TABLE note_v4 (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            paper_id INTEGER NOT NULL REFERENCES paper (id) ON DELETE CASCADE,
            body TEXT NOT NULL DEFAULT '',
            created_at DATETIME NOT NULL,
            updated_at DATETIME NOT NULL
        )""", ("CREATE INDEX ix_note_paper_id ON note (paper_id)",)),
    "figure_caption": ("""
        CREATE TABLE figure_caption_v4 (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            paper_id INTEGER NOT NULL REFERENCES paper (id) ON DELETE CASCADE,
            label TEXT NOT NULL DEFAULT '',
            kind TEXT NOT NULL DEFAULT 'figure',
            number TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL DEFAULT '',
            page INTEGER NOT NULL DEFAULT 0,
            x0 FLOAT, y0 FLOAT, x1 FLOAT, y1 FLOAT,
            region_x0 FLOAT, region_y0 FLOAT, region_x1 FLOAT, region_y1 FLOAT,
            thumbnail TEXT NOT NULL DEFAULT ''
        )""", ("CREATE INDEX ix_figure_caption_paper_id ON figure_caption (paper_id)",)),
}


def _step_4(conn: sqlite3.Connection) -> None:
    """Paper, note and caption ids are never handed out twice, as step 3 did for annotations.

    A paper's id names its sidecar (``papers/<id>.json``) and its ``reading-list://`` links
    in exported notes; a reused id let a new paper overwrite the sidecar of a deleted one
    (the recovery copy) and sent old links to the wrong paper. A reused note id let a
    rebuild from stale sidecars hand one paper's note to another. Each table is rebuilt
    with every row and id kept; foreign keys are off during migrations (``migrate``), so
    dropping the old ``paper`` table cascades to nothing, and the check below proves
    every reference still holds.
    """
    for table, (create, indexes) in _V4_TABLES.items():
        conn.execute(create)
        columns = ", ".join(row[1] for row in conn.execute(f"PRAGMA table_info({table})"))
        conn.execute(f"INSERT INTO {table}_v4 ({columns}) SELECT {columns} FROM {table}")
        conn.execute(f"DROP TABLE {table}")
        conn.execute(f"ALTER TABLE {table}_v4 RENAME TO {table}")
        for statement in indexes:
            conn.execute(statement)
    broken = conn.execute("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise LibraryError(f"the upgrade to schema 4 found {len(broken)} rows pointing at nothing; nothing was changed")


def _step_5(conn: sqlite3.Connection) -> None:
    """A journal of sidecars still to write, so the next open heals what a kill left stale.

    A change and its row here commit together; the row goes once the sidecar is on disk.
    Each write has its own ``token``, so finishing one write never clears another's rows.
    """
    conn.execute("""
        CREATE TABLE sidecar_pending (
            paper_id INTEGER NOT NULL,
            token TEXT NOT NULL,
            PRIMARY KEY (paper_id, token)
        )""")


def _step_6(conn: sqlite3.Connection) -> None:
    """The text of every page of every PDF, searchable (issue 16).

    ``page_fts`` is a contentless FTS5 table: it keeps only the index, and the text
    itself sits zlib-compressed in ``page_text``, which with the index took about two
    thirds of the space of an FTS5 table keeping its own copy (benchmarks/fulltext.py).
    Snippets are cut from the decompressed text, and a page is taken out of the index
    by handing FTS5 that same text back (SQLite 3.40 has no contentless delete).
    A page's row id is ``paper_id << 16 | page``: every page of a paper is one rowid
    range, which FTS5 scans directly, and a hit names its paper without a join.
    ``body_text`` says which PDF (by hash) each paper's pages were read from, and
    whether it had a text layer at all, so papers still to read are found by a query.
    The prefix index covers two- and three-letter prefixes: search runs as you type.
    """
    conn.execute("CREATE TABLE page_text (id INTEGER PRIMARY KEY, text BLOB NOT NULL)")
    conn.execute("""
        CREATE VIRTUAL TABLE page_fts USING fts5(
            text, content = '',
            tokenize = "unicode61 remove_diacritics 2",
            prefix = '2 3'
        )""")
    conn.execute("""
        CREATE TABLE body_text (
            paper_id INTEGER PRIMARY KEY REFERENCES paper (id) ON DELETE CASCADE,
            pdf_hash TEXT NOT NULL,
            pages INTEGER NOT NULL,
            outcome TEXT NOT NULL CHECK (outcome IN ('indexed', 'no_text', 'unreadable'))
        )""")


def _step_7(conn: sqlite3.Connection) -> None:
    """Papers added by identifier whose PDF or metadata could not be fetched yet (issue 15).

    A table of its own rather than a column: it is a queue, emptied as fetches succeed,
    and the sidecars (which copy the paper row) stay as they were.
    """
    conn.execute("""
        CREATE TABLE fetch_later (
            paper_id INTEGER PRIMARY KEY REFERENCES paper (id) ON DELETE CASCADE,
            reason TEXT NOT NULL DEFAULT '',
            tried_at DATETIME NOT NULL
        )""")


MIGRATIONS: list[tuple[int, Callable[[sqlite3.Connection], None]]] = [
    (1, _step_1),
    (2, _step_2),
    (3, _step_3),
    (4, _step_4),
    (5, _step_5),
    (6, _step_6),
    (7, _step_7),
]
SCHEMA_VERSION = MIGRATIONS[-1][0]


def schema_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def check_not_newer(db_path: Path) -> int:
    """Read the version without writing anything, so a newer library is left byte-for-byte alone."""
    if not db_path.exists():
        return 0
    try:
        conn = sqlite3.connect(readonly_uri(db_path), uri=True)
        try:
            version = schema_version(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise LibraryError(f"{db_path} is not a Reading List library ({exc}).") from exc
    if version > SCHEMA_VERSION:
        raise SchemaTooNewError(
            f"{db_path} was written by a newer version of Reading List (schema {version}; "
            f"this version reads up to {SCHEMA_VERSION}). Update the app to open it; "
            "the library has not been changed."
        )
    return version


def migrate(db_path: Path) -> int:
    """Bring the database at ``db_path`` to :data:`SCHEMA_VERSION`; returns the version found."""
    found = check_not_newer(db_path)
    if found == SCHEMA_VERSION:
        return found
    if found > 0:
        _backup_before_upgrade(db_path, found)
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys = OFF")  # steps may rebuild tables
        for version, step in MIGRATIONS:
            if version <= found:
                continue
            conn.execute("BEGIN IMMEDIATE")
            try:
                step(conn)
                conn.execute(f"PRAGMA user_version = {version}")
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
    finally:
        conn.close()
    return found


def _backup_before_upgrade(db_path: Path, version: int) -> Path:
    target = db_path.with_name(f"{db_path.name}.before-upgrade-from-v{version}.bak")
    source = sqlite3.connect(db_path)
    dest = sqlite3.connect(target)
    try:
        source.backup(dest)
    finally:
        dest.close()
        source.close()
    return target
