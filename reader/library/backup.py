"""Backups of the library database, the integrity check at open, and restoring.

A backup is taken with SQLite's online backup API, which copies one consistent
snapshot even while the app keeps writing, into a temp file that is renamed into
``backups/library-YYYYMMDD-HHMMSS.sqlite3`` only when complete: a backup that is
listed is always whole. The newest ``keep`` backups are kept (default 10, or
``{"backups": {"keep": N}}`` in the library's ``settings.json``).

Nothing here ever writes to a damaged database: the integrity check opens it
read-only, and a restore first keeps the current file as a "before-restore" copy.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from reader.errors import LibraryError
from reader.library.lock import LibraryLock
from reader.library.sqlite_uri import readonly_uri

log = logging.getLogger(__name__)

DB_NAME = "library.sqlite3"
BACKUP_DIR = "backups"
SETTINGS_NAME = "settings.json"
DEFAULT_KEEP = 10
AUTO_BACKUP_AGE = 24 * 3600  # a day of changes
_PREFIX, _SUFFIX = "library-", ".sqlite3"


class LibraryDamagedError(LibraryError):
    """The database fails its integrity check; ``backup`` is the newest good backup, if any."""

    def __init__(self, message: str, backup: Path | None) -> None:
        super().__init__(message)
        self.backup = backup


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: datetime
    size: int


def backup_dir(home: Path) -> Path:
    return Path(home) / BACKUP_DIR


def keep_setting(home: Path) -> int:
    """``backups.keep`` from ``settings.json``; a missing or unreadable file means the default."""
    try:
        data = json.loads((Path(home) / SETTINGS_NAME).read_text(encoding="utf-8"))
        keep = data.get("backups", {}).get("keep", data.get("backups.keep", DEFAULT_KEEP))
        return max(1, int(keep))
    except (OSError, ValueError, TypeError, AttributeError):
        return DEFAULT_KEEP


def list_backups(home: Path) -> list[BackupInfo]:
    """Complete backups, newest first (temp files of an interrupted backup are not listed)."""
    found = []
    folder = backup_dir(home)
    if not folder.is_dir():
        return []
    for path in folder.glob(f"{_PREFIX}*{_SUFFIX}"):
        stamp = path.name[len(_PREFIX):-len(_SUFFIX)]
        try:
            taken = datetime.strptime(stamp[:15], "%Y%m%d-%H%M%S")
            same_second = int(stamp[16:] or 0)  # library-<time>-<n>: the n-th within one second
            size = path.stat().st_size
        except (ValueError, OSError):
            continue
        found.append((taken, same_second, BackupInfo(path, taken, size)))
    return [info for *_, info in sorted(found, key=lambda t: t[:2], reverse=True)]


def backup_now(home: Path, keep: int | None = None) -> Path:
    """Take a consistent copy of the database now; older backups beyond ``keep`` are removed."""
    home = Path(home)
    db_path = home / DB_NAME
    if not db_path.exists():
        raise LibraryError(f"There is no library database at {db_path} to back up.")
    folder = backup_dir(home)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = folder / f"{_PREFIX}{stamp}{_SUFFIX}"
    same = [p.name for p in folder.glob(f"{_PREFIX}{stamp}*{_SUFFIX}")] if folder.is_dir() else []
    if same:  # several backups within one second: -1, -2, … after the highest, even if earlier ones were pruned
        n = max(int(name[len(_PREFIX) + 16:-len(_SUFFIX)] or 0) for name in same) + 1
        target = folder / f"{_PREFIX}{stamp}-{n}{_SUFFIX}"
    tmp = folder / f".{target.name}.{os.getpid()}-{os.urandom(4).hex()}.tmp"  # two backups at once never share one
    try:
        folder.mkdir(exist_ok=True)
        _sqlite_copy(db_path, tmp)
        _fsync(tmp)
        os.replace(tmp, target)
        fsync_folder(folder)
    except (OSError, sqlite3.Error) as exc:
        _unlink(tmp)
        detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise LibraryError(f"The backup of {home} could not be written: {detail}.") from exc
    prune(home, keep if keep is not None else keep_setting(home))
    return target


def prune(home: Path, keep: int) -> list[Path]:
    removed = []
    for old in list_backups(home)[max(1, keep):]:
        _unlink(old.path)
        removed.append(old.path)
    return removed


def maybe_backup(home: Path) -> Path | None:
    """The automatic backup at open: when there is none yet, or the newest is a day old and changes followed.

    A failure (disk full, read-only backups folder) is logged, never raised: a
    missing backup must not keep the person from their library.
    """
    home = Path(home)
    db_path = home / DB_NAME
    newest = list_backups(home)
    if newest:
        age = time.time() - _mtime(newest[0].path)
        if age < AUTO_BACKUP_AGE or _fingerprint(db_path) == _fingerprint(newest[0].path):
            return None
    try:
        return backup_now(home)
    except LibraryError as exc:
        log.warning("automatic backup skipped: %s", exc)
        return None


_FINGERPRINT = (
    "SELECT (SELECT count(*) || '/' || ifnull(max(updated_at), '') || '/' || count(trashed_at) FROM paper),"
    " (SELECT count(*) || '/' || ifnull(max(updated_at), '') FROM note),"
    " (SELECT count(*) || '/' || ifnull(max(updated_at), '') FROM annotation),"
    " (SELECT count(*) FROM paper_tag), (SELECT count(*) || '/' || ifnull(max(id), 0) FROM tag)"
)


def _fingerprint(db_path: Path) -> tuple | None:
    """A cheap summary of the content (counts, newest change times): equal means nothing to back up.

    File times cannot tell, because opening and closing a WAL database touches
    the file; ``None`` (unreadable) never equals, so a backup is taken.
    """
    try:
        conn = sqlite3.connect(readonly_uri(db_path), uri=True, timeout=10)
        try:
            return tuple(conn.execute(_FINGERPRINT).fetchone())
        finally:
            conn.close()
    except sqlite3.Error:
        return None


def integrity_problem(db_path: Path, thorough: bool = True, uri: str | None = None) -> str | None:
    """``None`` when the database reads as sound, else what SQLite said. Read-only.

    ``thorough`` runs ``PRAGMA quick_check`` over every page: 2.3 s for a 330 MB
    library, so the app runs it after the window is up. Without it only the header
    and the schema are read (a few milliseconds), which catches a file that is not
    a database at all or whose first pages are destroyed. ``uri`` opens it another
    way (``check`` in a read-only folder reads it immutable).
    """
    try:
        conn = sqlite3.connect(uri or readonly_uri(Path(db_path)), uri=True, timeout=10)
    except sqlite3.Error as exc:
        return str(exc)
    try:
        if not thorough:
            conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
            return None
        rows = [r[0] for r in conn.execute("PRAGMA quick_check")]
    except sqlite3.Error as exc:
        return str(exc)
    finally:
        conn.close()
    return None if rows == ["ok"] else "; ".join(str(r) for r in rows[:5])


def newest_good_backup(home: Path) -> BackupInfo | None:
    for info in list_backups(home):
        if integrity_problem(info.path) is None:
            return info
    return None


def check_at_open(home: Path, thorough: bool = True) -> None:
    """Raise :class:`LibraryDamagedError` naming the newest good backup when the database is damaged."""
    db_path = Path(home) / DB_NAME
    if not db_path.exists() or db_path.stat().st_size == 0:
        return
    problem = integrity_problem(db_path, thorough)
    if problem is None:
        return
    raise damaged_error(home, problem)


def damaged_error(home: Path, problem: str) -> LibraryDamagedError:
    db_path = Path(home) / DB_NAME
    good = newest_good_backup(home)
    if good:
        hint = (f" The newest good backup is {good.path} (taken {good.taken_at:%Y-%m-%d %H:%M}); "
                f"restore it with: reading-list restore-backup {good.path}")
    else:
        hint = " There is no good backup; `reading-list rebuild --from-sidecars` can rebuild it from the folder."
    return LibraryDamagedError(
        f"{db_path} is not a Reading List library or is damaged ({problem}); it has not been changed.{hint}",
        good.path if good else None,
    )


def restore(home: Path, backup: Path | str) -> Path:
    """Replace the database with ``backup``; returns where the current database was kept.

    The library must not be open (the lock is taken here). The backup is checked
    first; the current file (with its WAL) is copied aside as
    ``backups/before-restore-<time>.sqlite3``; the backup is copied next to the
    database, synced, and renamed over it, so a crash leaves either the old or
    the new database, never a mix.
    """
    home = Path(home)
    backup = Path(backup)
    db_path = home / DB_NAME
    if not backup.is_file():
        raise LibraryError(f"{backup} does not exist.")
    problem = integrity_problem(backup)
    if problem is not None:
        raise LibraryError(f"{backup} is not a good backup ({problem}); the library has not been changed.")
    from reader.library.migrations import check_not_newer

    check_not_newer(backup)
    lock = LibraryLock(home)
    lock.acquire()
    tmp = home / f".restore-{os.getpid()}.tmp"
    try:
        folder = backup_dir(home)
        folder.mkdir(exist_ok=True)
        kept = folder / f"before-restore-{datetime.now():%Y%m%d-%H%M%S}{_SUFFIX}"
        if db_path.exists():
            _keep_current(db_path, kept)
        _sqlite_copy(backup, tmp)
        _fsync(tmp)
        for suffix in ("-wal", "-shm"):  # a stale WAL would be replayed onto the restored file
            _unlink(db_path.with_name(DB_NAME + suffix))
        os.replace(tmp, db_path)
        fsync_folder(home)
    except (OSError, sqlite3.Error) as exc:
        _unlink(tmp)
        detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise LibraryError(f"The backup could not be restored into {home}: {detail}.") from exc
    finally:
        lock.release()
    return kept


def _keep_current(db_path: Path, kept: Path) -> None:
    """A consistent copy of a healthy database; the raw files of a damaged one."""
    if integrity_problem(db_path) is None:
        _sqlite_copy(db_path, kept)
        return
    shutil.copy2(db_path, kept)
    for suffix in ("-wal", "-shm"):
        side = db_path.with_name(DB_NAME + suffix)
        if side.exists():
            shutil.copy2(side, kept.with_name(kept.name + suffix))


def _sqlite_copy(source: Path, target: Path) -> None:
    _unlink(target)
    src = sqlite3.connect(readonly_uri(source), uri=True, timeout=10)
    try:
        dest = sqlite3.connect(target)
        try:
            src.backup(dest)
            dest.execute("PRAGMA journal_mode = DELETE")  # a backup is one self-contained file
        finally:
            dest.close()
    finally:
        src.close()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX: the directory entry is synced)."""
    if os.name == "nt":  # pragma: no cover
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _unlink(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
