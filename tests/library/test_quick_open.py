"""The window's first paint reads the library with sqlite3 alone (reader.library.quick_open)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

from reader.errors import LibraryLockedError, NotFoundError
from reader.library import CaptionRecord, Library, PaperFields, PaperQuery, Status
from reader.library.quick_open import DeferredLibrary


@pytest.fixture
def filled_home(library_home):
    with Library.open(library_home) as library:
        first = library.add_paper(PaperFields(title="Attention Is All You Need", authors=("A. Vaswani", "N. Shazeer"),
                                              year=2017, venue="NeurIPS", summary="Transformers for translation",
                                              tags=("NLP", "Attention")),
                                  captions=[CaptionRecord(label="Figure 1", kind="figure", number="1",
                                                          text="The Transformer", page=3)])
        library.add_note(first, "Read the *positional* encoding part again")
        second = library.add_paper(PaperFields(title="Graph Attention Networks", authors=("P. Veličković",),
                                               year=2018, tags=("Graphs",)))
        library.set_status([second], Status.READ)
        library.add_paper(PaperFields(title="Deep Residual Learning", year=2016, tags=("Vision",)))
        library.trash([second])
    return library_home


def _reads(library, queries):
    out = []
    for query in queries:
        ids = library.query_ids(query, 0, 50)
        out.append((library.count(query), library.count(query, at_most=1), ids, library.paper_rows(ids),
                    [library.paper(i) for i in ids]))
    out.append((library.view_counts(), library.tag_counts(), library.tag_names(), library.has_page_text()))
    return out


QUERIES = [PaperQuery(), PaperQuery(text="atten"), PaperQuery(text="tag:NLP positional"), PaperQuery(view="trash"),
           PaperQuery(sort="title", descending=True), PaperQuery(tag="Vision"), PaperQuery(text="zzz")]


def test_the_quick_reads_show_what_the_library_shows(filled_home):
    deferred = DeferredLibrary.open(filled_home)
    try:
        assert not deferred.is_open
        quick = _reads(deferred, QUERIES)
        with pytest.raises(NotFoundError):
            deferred.paper(9999)
        deferred.open_fully()
        assert deferred.is_open
        assert _reads(deferred, QUERIES) == quick
    finally:
        deferred.close()


def test_sqlalchemy_is_not_loaded_until_the_library_is_opened_fully(filled_home):
    script = (
        "import sys\n"
        "from reader.library import PaperQuery\n"
        "from reader.library.quick_open import DeferredLibrary\n"
        f"d = DeferredLibrary.open({str(filled_home)!r})\n"
        "ids = d.query_ids(PaperQuery(), 0, 10); d.paper_rows(ids); d.paper(ids[0]); d.view_counts()\n"
        "print('before', 'sqlalchemy' in sys.modules)\n"
        "d.open_fully()\n"
        "print('after', 'sqlalchemy' in sys.modules)\n"
        "d.close()\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.split() == ["before", "False", "after", "True"]


def test_the_library_is_locked_from_the_first_read_to_the_close(filled_home):
    deferred = DeferredLibrary.open(filled_home)
    try:
        with pytest.raises(LibraryLockedError):
            Library.open(filled_home)
        deferred.open_fully()
        with pytest.raises(LibraryLockedError):
            Library.open(filled_home)
    finally:
        deferred.close()
    Library.open(filled_home).close()


def test_writes_open_the_library_and_go_to_it(filled_home):
    with DeferredLibrary.open(filled_home) as deferred:
        paper_id = deferred.add_paper(PaperFields(title="Added after the first paint"))
        assert deferred.is_open
        assert deferred.paper(paper_id).title == "Added after the first paint"
    with Library.open(filled_home) as library:
        assert library.paper(paper_id).title == "Added after the first paint"


def test_a_new_library_is_opened_fully_at_once(library_home):
    with DeferredLibrary.open(library_home / "new") as deferred:
        assert deferred.is_open
        assert deferred.count() == 0


def test_a_library_that_needs_an_upgrade_is_opened_fully_at_once(filled_home):
    conn = sqlite3.connect(filled_home / "library.sqlite3")
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    conn.execute("PRAGMA user_version = 0")  # as if older: the quick path must not read it
    conn.close()
    from reader.library.quick_open import quick_path_possible

    assert not quick_path_possible(filled_home)
    conn = sqlite3.connect(filled_home / "library.sqlite3")
    conn.execute(f"PRAGMA user_version = {version}")
    conn.close()
    assert quick_path_possible(filled_home)


def test_a_damaged_database_is_refused_before_the_window_as_before(filled_home):
    (filled_home / "library.sqlite3").write_bytes(b"this is not a database" * 100)
    for leftover in ("library.sqlite3-wal", "library.sqlite3-shm"):
        (filled_home / leftover).unlink(missing_ok=True)
    with pytest.raises(Exception) as raised:
        DeferredLibrary.open(filled_home)
    with pytest.raises(type(raised.value)):
        Library.open(filled_home)
