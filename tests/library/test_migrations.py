"""Schema versions: upgrades keep data, newer libraries are refused untouched, models match DDL."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest

from reader.errors import LibraryError, SchemaTooNewError
from reader.library import Library, PaperFields, PaperQuery
from reader.library.migrations import MIGRATIONS, SCHEMA_VERSION


def test_new_library_is_at_current_version(library_home):
    Library.open(library_home).close()
    conn = sqlite3.connect(library_home / "library.sqlite3")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.mark.parametrize("start", range(1, SCHEMA_VERSION + 1))
def test_library_written_by_older_version_upgrades_with_data(library_home, start):
    db = library_home / "library.sqlite3"
    conn = sqlite3.connect(db, isolation_level=None)
    for version, step in MIGRATIONS:
        if version <= start:
            step(conn)
    conn.execute(f"PRAGMA user_version = {start}")
    conn.execute("INSERT INTO paper (title, added_at, updated_at) VALUES ('Old paper', '2020-01-01 00:00:00',"
                 " '2020-01-01 00:00:00')")
    conn.execute("INSERT INTO paper_fts (rowid, title) VALUES (1, 'Old paper')")
    conn.close()
    with Library.open(library_home) as lib:
        assert [r.title for r in lib.paper_rows(lib.query_ids())] == ["Old paper"]
        assert lib.query_ids(PaperQuery(text="old pa")) == [1]  # the search index came across
        lib.add_paper(PaperFields(title="New paper"))
    if start < SCHEMA_VERSION:
        assert (library_home / f"library.sqlite3.before-upgrade-from-v{start}.bak").exists()


def test_newer_schema_is_refused_and_left_untouched(library_home):
    db = library_home / "library.sqlite3"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE future (x)")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.commit()
    conn.close()
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    with pytest.raises(SchemaTooNewError, match="newer version of Reading List"):
        Library.open(library_home)
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    assert not (library_home / "library.sqlite3-wal").exists()


def test_a_file_that_is_not_a_database_is_refused(library_home):
    (library_home / "library.sqlite3").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(LibraryError, match="not a Reading List library"):
        Library.open(library_home)


def test_sqlmodel_tables_match_the_migrated_schema(library_home):
    from reader.library import models  # noqa: F401 - registers the tables
    from sqlmodel import SQLModel

    Library.open(library_home).close()
    conn = sqlite3.connect(library_home / "library.sqlite3")
    for table in SQLModel.metadata.sorted_tables:
        columns = {row[1] for row in conn.execute(f"PRAGMA table_info({table.name})")}
        assert columns == {c.name for c in table.columns}, table.name


def test_a_deleted_marks_id_is_never_given_to_a_new_one(library_home):
    """Undo puts a deleted mark back under its id, and notes link to marks by id: a new mark
    taking the id of the one just deleted would clash with the first and mislead the second."""
    from reader.library import AnnotationFields

    with Library.open(library_home) as lib:
        paper = lib.add_paper(PaperFields(title="Marked"))
        first = lib.add_annotation(paper, AnnotationFields("highlight", 1, (10, 10, 90, 20), quote="first"))
        deleted, image = lib.delete_annotation(first.id)
        second = lib.add_annotation(paper, AnnotationFields("highlight", 1, (10, 30, 90, 40), quote="second"))
        assert second.id != first.id
        restored = lib.add_annotation(paper, AnnotationFields(
            deleted.kind, deleted.page, deleted.rect, quote=deleted.quote), annotation_id=deleted.id)  # the undo
        assert restored.id == first.id
        assert sorted(a.quote for a in lib.annotations(paper)) == ["first", "second"]


def test_upgrade_to_v3_keeps_every_mark_and_its_id(library_home):
    from reader.library import AnnotationFields

    db = library_home / "library.sqlite3"
    conn = sqlite3.connect(db, isolation_level=None)
    for version, step in MIGRATIONS:
        if version <= 2:
            step(conn)
    conn.execute("PRAGMA user_version = 2")
    conn.execute("INSERT INTO paper (id, title, added_at, updated_at) VALUES (1, 'Old', '2020-01-01', '2020-01-01')")
    for mark_id in (3, 7):
        conn.execute("INSERT INTO annotation (id, paper_id, kind, page, x0, y0, x1, y1, comment, image, created_at,"
                     " updated_at) VALUES (?, 1, 'area', 2, 1, 2, 3, 4, ?, ?, '2020-01-01', '2020-01-01')",
                     (mark_id, f"mark {mark_id}", bytes([mark_id]) * 10))
    conn.close()
    with Library.open(library_home) as lib:
        marks = lib.annotations(1)
        assert [(m.id, m.comment, m.page) for m in marks] == [(3, "mark 3", 2), (7, "mark 7", 2)]
        assert lib.annotation_image(7) == bytes([7]) * 10
        lib.delete_annotation(7)
        assert lib.add_annotation(1, AnnotationFields("note", 1, (0, 0, 10, 10))).id == 8  # not 7 again
    assert (library_home / "library.sqlite3.before-upgrade-from-v2.bak").exists()


def test_ids_of_deleted_papers_notes_and_captions_are_never_given_again(library_home):
    """A paper's id names its sidecar and its links in exported notes; a note's id is how a
    rebuild tells notes apart. Reusing either let one paper's records land on another."""
    with Library.open(library_home) as lib:
        first = lib.add_paper(PaperFields(title="Emptied from the trash"))
        note = lib.add_note(first, "gone")
        lib.trash([first])
        lib.empty_trash()
        second = lib.add_paper(PaperFields(title="Added after"))
        assert second != first
        assert lib.add_note(second, "new").id != note.id


def test_upgrade_to_v4_keeps_every_paper_note_and_caption_with_its_id(library_home):
    db = library_home / "library.sqlite3"
    conn = sqlite3.connect(db, isolation_level=None)
    for version, step in MIGRATIONS:
        if version <= 3:
            step(conn)
    conn.execute("PRAGMA user_version = 3")
    for paper_id in (2, 9):
        conn.execute("INSERT INTO paper (id, title, added_at, updated_at) VALUES (?, ?, '2020-01-01', '2020-01-01')",
                     (paper_id, f"Paper {paper_id}"))
        conn.execute("INSERT INTO paper_fts (rowid, title) VALUES (?, ?)", (paper_id, f"Paper {paper_id}"))
        conn.execute("INSERT INTO note (id, paper_id, body, created_at, updated_at)"
                     " VALUES (?, ?, ?, '2020-01-01', '2020-01-01')", (paper_id * 10, paper_id, f"note of {paper_id}"))
        conn.execute("INSERT INTO figure_caption (id, paper_id, label, text) VALUES (?, ?, 'Figure 1', ?)",
                     (paper_id * 100, paper_id, f"caption of {paper_id}"))
        conn.execute("INSERT INTO annotation (paper_id, kind, page, x0, y0, x1, y1, created_at, updated_at)"
                     " VALUES (?, 'highlight', 1, 0, 0, 1, 1, '2020-01-01', '2020-01-01')", (paper_id,))
    conn.close()
    with Library.open(library_home) as lib:
        for paper_id in (2, 9):
            paper = lib.paper(paper_id)
            assert paper.title == f"Paper {paper_id}"
            assert [(n.id, n.body) for n in paper.notes] == [(paper_id * 10, f"note of {paper_id}")]
            assert [(c.id, c.text) for c in paper.captions] == [(paper_id * 100, f"caption of {paper_id}")]
            assert len(lib.annotations(paper_id)) == 1
        lib.trash([9])
        lib.empty_trash()
        assert lib.add_paper(PaperFields(title="New")) == 10  # not 9 again
    check = sqlite3.connect(db)
    assert check.execute("PRAGMA foreign_key_check").fetchall() == []
    assert check.execute("SELECT COUNT(*) FROM annotation").fetchone()[0] == 1
