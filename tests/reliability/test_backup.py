"""Backups are whole, pruned, restorable; a damaged database is refused, named, and never touched."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time

import pytest

from reader.errors import LibraryError
from reader.library import Library, PaperFields
from reader.library import backup
from reader.library.backup import LibraryDamagedError

pytestmark = pytest.mark.timeout(60)


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _titles(db) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [r[0] for r in conn.execute("SELECT title FROM paper ORDER BY id")]
    finally:
        conn.close()


def test_backup_now_is_a_consistent_copy_while_the_library_is_open(library_home):
    with Library.open(library_home) as lib:
        lib.add_paper(PaperFields(title="First"))
        lib.add_paper(PaperFields(title="Second"))
        taken = lib.backup_now()  # committed rows still in the WAL must be in the copy
        assert [b.path for b in lib.list_backups()] == [taken]
    assert backup.integrity_problem(taken) is None
    assert _titles(taken) == ["First", "Second"]
    assert not list((library_home / "backups").glob(".*.tmp"))


def test_only_the_newest_backups_are_kept_and_the_number_is_a_setting(library_home):
    Library.open(library_home).close()
    (library_home / "settings.json").write_text(json.dumps({"backups": {"keep": 3}}))
    paths = [backup.backup_now(library_home) for _ in range(5)]
    kept = [b.path for b in backup.list_backups(library_home)]
    assert kept == list(reversed(paths))[:3]
    assert len(list((library_home / "backups").iterdir())) == 3
    assert backup.backup_now(library_home, keep=1) == backup.list_backups(library_home)[0].path
    assert len(backup.list_backups(library_home)) == 1


def test_an_unreadable_settings_file_means_the_default(library_home):
    (library_home / "settings.json").write_text("{not json")
    assert backup.keep_setting(library_home) == backup.DEFAULT_KEEP


def test_a_backup_is_taken_at_start_and_again_after_a_day_of_changes(library_home):
    Library.open(library_home).close()  # a new library: nothing to back up yet
    assert backup.list_backups(library_home) == []
    Library.open(library_home).close()
    first = backup.list_backups(library_home)
    assert len(first) == 1
    Library.open(library_home).close()  # less than a day old: no second backup
    assert len(backup.list_backups(library_home)) == 1
    day_ago = time.time() - backup.AUTO_BACKUP_AGE - 60
    os.utime(first[0].path, (day_ago, day_ago))
    Library.open(library_home).close()  # a day old, but nothing changed since
    assert len(backup.list_backups(library_home)) == 1
    with Library.open(library_home, lock=False) as lib:  # a change (by a reader that does not back up)
        lib.add_paper(PaperFields(title="Changed"))
    os.utime(first[0].path, (day_ago, day_ago))
    Library.open(library_home).close()
    assert len(backup.list_backups(library_home)) == 2


def test_restore_validates_keeps_the_current_database_and_replaces_it(library_home):
    with Library.open(library_home) as lib:
        lib.add_paper(PaperFields(title="Old"))
        good = lib.backup_now()
        lib.add_paper(PaperFields(title="Newer"))
    kept = backup.restore(library_home, good)
    assert _titles(kept) == ["Old", "Newer"]
    assert not (library_home / "library.sqlite3-wal").exists()
    with Library.open(library_home) as lib:
        assert [lib.paper(i).title for i in lib.query_ids()] == ["Old"]


def test_a_damaged_backup_is_refused_and_the_library_left_alone(library_home, tmp_path):
    with Library.open(library_home) as lib:
        lib.add_paper(PaperFields(title="Keep me"))
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"SQLite format 3\x00" + os.urandom(8192))
    before = _sha(library_home / "library.sqlite3")
    with pytest.raises(LibraryError, match="not a good backup"):
        backup.restore(library_home, bad)
    assert _sha(library_home / "library.sqlite3") == before


def test_restore_while_the_library_is_open_is_refused(library_home):
    with Library.open(library_home) as lib:
        good = lib.backup_now()
        with pytest.raises(LibraryError, match="in use"):
            backup.restore(library_home, good)


def _corrupt(db) -> None:
    """Overwrite a page in the middle of the file, as a bad disk or sync tool would."""
    data = bytearray(db.read_bytes())
    page = 4096
    for offset in range(page * 2, min(len(data), page * 6)):
        data[offset] = 0x5A
    db.write_bytes(bytes(data))


def test_a_damaged_database_is_refused_names_the_newest_good_backup_and_is_not_written(library_home):
    with Library.open(library_home) as lib:
        for n in range(200):
            lib.add_paper(PaperFields(title=f"Paper {n}", summary="words " * 50))
        good = lib.backup_now()
    db = library_home / "library.sqlite3"
    _corrupt(db)
    before = _sha(db)
    with pytest.raises(LibraryDamagedError) as caught:
        Library.open(library_home, verify=True)
    assert caught.value.backup == good
    assert str(good) in str(caught.value) and "has not been changed" in str(caught.value)
    assert _sha(db) == before
    kept = backup.restore(library_home, good)
    assert kept.exists()
    with Library.open(library_home) as lib:
        assert lib.count() == 200


def test_damage_found_after_opening_stops_every_write(library_home):
    """The app opens with a cheap check and runs the full one once its window is up."""
    with Library.open(library_home) as lib:
        for n in range(200):
            lib.add_paper(PaperFields(title=f"Paper {n}", summary="words " * 50))
        good = lib.backup_now()
    db = library_home / "library.sqlite3"
    _corrupt(db)
    before = _sha(db)
    try:
        lib = Library.open(library_home)
    except LibraryDamagedError:
        return  # the cheap check already saw it: also fine
    try:
        problem = lib.verify_integrity()
        assert problem and str(good) in problem
        with pytest.raises(LibraryError, match="has not been changed"):
            lib.add_paper(PaperFields(title="Must not be written"))
    finally:
        lib.close()
    assert _sha(db) == before


def test_the_cli_backs_up_lists_and_restores(library_home):
    import subprocess
    import sys

    def cli(*args):
        return subprocess.run([sys.executable, "-m", "reader", "--library", str(library_home), *args],
                              capture_output=True, text=True, timeout=60)

    assert cli("note", "1", "x").returncode == 1  # there is no paper 1; the library is created
    made = cli("backup")
    assert made.returncode == 0, made.stderr
    path = made.stdout.strip()
    assert path in cli("backup", "--list").stdout
    restored = cli("restore-backup", path)
    assert restored.returncode == 0 and "kept as" in restored.stdout
    missing = cli("restore-backup", str(library_home / "nope.sqlite3"))
    assert missing.returncode == 1 and "does not exist" in missing.stderr
