"""``reading-list check``: find what is wrong with a library folder, and fix what is safe to fix.

Checked: the database's integrity (``PRAGMA quick_check``), stored PDFs that are
missing or whose content no longer matches their hash, files in ``pdfs/`` that
no paper uses, temp files left by an interrupted copy, annotations on pages the
PDF does not have, sidecars that are missing or out of date, and stored times
that cannot be read.

A library in a read-only folder is checked read-only, without the lock or a
migration: a healthy library there is reported healthy.

``fix=True`` only does what cannot lose anything: it re-attaches a missing PDF
when a file with the same content is found in the library, removes temp files of
interrupted writes, and rewrites sidecars from the database. Everything else is
reported for a person to decide (the newest good backup is named for a damaged
database; nothing is deleted that might be someone's only copy).
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import asdict, dataclass, field
from pathlib import Path

from reader.library import backup, sidecars
from reader.library.identity import sha256_file
from reader.library.queries import unreadable_time
from reader.library.sqlite_uri import readonly_uri

TEMP_PATTERNS = ((sidecars.PDF_DIR, ".incoming-*.tmp"), (sidecars.PDF_DIR, f"{sidecars.TMP_PREFIX}*.tmp"),
                 (sidecars.PAPERS_DIR, f"{sidecars.TMP_PREFIX}*.tmp"), (backup.BACKUP_DIR, ".*.tmp"),
                 (".", ".restore-*.tmp"))


@dataclass
class Problem:
    kind: str  # integrity | missing-pdf | hash-changed | orphan-file | temp-file | annotation-page | sidecar | ...
    message: str
    paper_id: int | None = None
    path: str = ""
    fixed: bool = False


@dataclass
class CheckReport:
    home: Path
    papers: int = 0
    problems: list[Problem] = field(default_factory=list)
    read_only: bool = False  # the folder could not be written, so it was checked without writing

    @property
    def unresolved(self) -> list[Problem]:
        return [p for p in self.problems if not p.fixed]

    @property
    def ok(self) -> bool:
        return not self.unresolved

    def to_json(self) -> dict:
        return {"library": str(self.home), "papers": self.papers, "ok": self.ok,
                "problems": [asdict(p) for p in self.problems]}


def check_library(home: Path | str, fix: bool = False, *, hash_pdfs: bool = True) -> CheckReport:
    """Check the library at ``home``; with ``fix`` the library is opened (and locked) to repair it."""
    from reader.library.library import DB_NAME, Library

    home = Path(home)
    report = CheckReport(home)
    db_path = home / DB_NAME
    if not db_path.exists():
        found = len(sidecars.all_sidecars(home))
        hint = f"; {found} sidecars can rebuild it with: reading-list rebuild --from-sidecars" if found else ""
        report.problems.append(Problem("integrity", f"There is no library database at {db_path}{hint}.",
                                       path=str(db_path)))
        return report
    report.read_only = not os.access(home, os.W_OK)
    if report.read_only and fix:
        report.problems.append(Problem("read-only", f"The library folder {home} is read-only; --fix could not "
                                       "write there, so nothing was repaired.", path=str(home)))
        fix = False
    uri = _readable_uri(db_path) if report.read_only else None
    problem = backup.integrity_problem(db_path, uri=uri)
    if problem is not None:
        good = backup.newest_good_backup(home)
        hint = (f" Restore the newest good backup with: reading-list restore-backup {good.path}" if good
                else " There is no good backup; try: reading-list rebuild --from-sidecars")
        report.problems.append(Problem("integrity", f"The database fails its integrity check ({problem}).{hint}",
                                       path=str(db_path)))
        return report
    _temp_files(home, report, fix)
    opened = _ReadOnlyLibrary(home, uri) if uri is not None else Library.open(home, lock=fix)
    with opened as library:
        with library._read() as conn:
            papers = conn.exec_driver_sql("SELECT id, pdf_path, pdf_hash FROM paper ORDER BY id").all()
            _times(conn, report)
            pages = conn.exec_driver_sql(
                "SELECT a.id, a.paper_id, a.page, p.page_count FROM annotation a JOIN paper p ON p.id = a.paper_id"
                " WHERE a.page < 1 OR (p.page_count > 0 AND a.page > p.page_count) ORDER BY a.id").all()
        report.papers = len(papers)
        _pdfs(home, papers, report, fix, hash_pdfs)
        for annotation_id, paper_id, page, count in pages:
            report.problems.append(Problem(
                "annotation-page", f"Annotation {annotation_id} of paper {paper_id} is on page {page}, "
                f"but its PDF has {count} pages; it is kept and shown as detached.", paper_id))
        _sidecars(library, {row[0] for row in papers}, report, fix)
    return report


class _ReadOnlyLibrary:
    """What the checks need of :class:`Library`, for a folder that cannot be written.

    ``Library.open`` takes a lock file and may migrate, and both write; here the
    database is only read.
    """

    def __init__(self, home: Path, uri: str) -> None:
        from sqlalchemy import create_engine

        self.home = home
        self._engine = create_engine("sqlite://", creator=lambda: sqlite3.connect(
            uri, uri=True, check_same_thread=False, timeout=10))

    def _read(self):
        return self._engine.connect()

    def __enter__(self) -> _ReadOnlyLibrary:
        return self

    def __exit__(self, *exc_info) -> None:
        self._engine.dispose()


def _readable_uri(db_path: Path) -> str:
    """A URI that reads ``db_path`` in a folder that cannot be written.

    A WAL database opened read-only wants to create its ``-shm`` file beside it, which
    a read-only folder refuses. Without a ``-wal`` file holding changes, nothing is
    missed by reading the main file as immutable.
    """
    uri = readonly_uri(db_path)
    if backup.integrity_problem(db_path, thorough=False, uri=uri) is None:
        return uri
    wal = db_path.with_name(db_path.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        return uri  # its unsaved changes cannot be read here; the integrity check says so
    return uri + "&immutable=1"


TIME_COLUMNS = (("paper", "id", ("added_at", "updated_at", "last_opened_at")),
                ("note", "paper_id", ("created_at", "updated_at")),
                ("annotation", "paper_id", ("created_at", "updated_at")))
TIME_LABELS = {"added_at": "date added", "updated_at": "date changed", "last_opened_at": "date last opened",
               "created_at": "date written"}


def _times(conn, report: CheckReport) -> None:
    """Stored times that cannot be read: the app shows them as unknown, and says so here."""
    for table, owner, columns in TIME_COLUMNS:
        rows = conn.exec_driver_sql(f"SELECT id, {owner}, {', '.join(columns)} FROM {table} ORDER BY id").all()
        for row in rows:
            for column, value in zip(columns, row[2:]):
                if unreadable_time(value):
                    what = f"Paper {row[0]}" if table == "paper" else f"The {table} {row[0]} of paper {row[1]}"
                    report.problems.append(Problem(
                        "bad-time", f"{what}: its {TIME_LABELS[column]} ({str(value)[:40]!r}) is not a date "
                        "and time; it is shown as unknown.", row[1]))


def _temp_files(home: Path, report: CheckReport, fix: bool) -> None:
    for folder, pattern in TEMP_PATTERNS:
        for path in sorted((home / folder).glob(pattern)):
            fixed = fix and _unlink(path)
            report.problems.append(Problem("temp-file", f"{path} is left over from an interrupted write"
                                           + (" and was removed." if fixed else "."), path=str(path), fixed=fixed))


def _pdfs(home: Path, papers: list, report: CheckReport, fix: bool, hash_pdfs: bool) -> None:
    pdf_dir = home / sidecars.PDF_DIR
    used = {pdf_path for _, pdf_path, _ in papers if pdf_path}
    unused = {p for p in pdf_dir.glob("*.pdf") if f"{sidecars.PDF_DIR}/{p.name}" not in used} if pdf_dir.is_dir() else set()
    unused_hashes: dict[Path, str] = {}

    def find_by_hash(digest: str) -> Path | None:
        for path in sorted(unused):
            if path not in unused_hashes:
                try:
                    unused_hashes[path] = sha256_file(path)
                except OSError:
                    unused_hashes[path] = ""
            if unused_hashes[path] == digest:
                return path
        return None

    for paper_id, pdf_path, pdf_hash in papers:
        if not pdf_path:
            continue
        target = home / pdf_path
        if not sidecars._safe_pdf_path(pdf_path):
            report.problems.append(Problem("pdf-path", f"Paper {paper_id} points at {pdf_path}, outside the "
                                           "library's pdfs folder.", paper_id, pdf_path))
            continue
        if not target.exists():
            match = find_by_hash(pdf_hash) if pdf_hash else None
            if match is not None and fix:
                os.replace(match, target)
                unused.discard(match)
                report.problems.append(Problem("missing-pdf", f"The PDF of paper {paper_id} was missing; "
                                               f"{match.name} has the same content and was re-attached.",
                                               paper_id, pdf_path, fixed=True))
            else:
                found = f" ({match.name} has the same content; --fix re-attaches it)" if match else ""
                report.problems.append(Problem("missing-pdf", f"The PDF of paper {paper_id} is missing: "
                                               f"{target}{found}.", paper_id, pdf_path))
            continue
        if hash_pdfs and pdf_hash:
            try:
                digest = sha256_file(target)
            except OSError as exc:
                report.problems.append(Problem("unreadable-pdf", f"{target} cannot be read: {exc.strerror or exc}.",
                                               paper_id, pdf_path))
                continue
            if digest != pdf_hash:
                report.problems.append(Problem("hash-changed", f"The PDF of paper {paper_id} ({target}) has changed "
                                               "since it was added (its content no longer matches its hash).",
                                               paper_id, pdf_path))
    for path in sorted(unused):
        report.problems.append(Problem("orphan-file", f"{path} belongs to no paper (add it again, or delete it "
                                       "if you do not need it).", path=str(path)))
    if pdf_dir.is_dir():
        for path in sorted(pdf_dir.iterdir()):
            if path.suffix not in (".pdf", ".json") and not path.name.startswith("."):
                report.problems.append(Problem("orphan-file", f"{path} is not a file Reading List keeps in "
                                               "pdfs/.", path=str(path)))


def _sidecars(library, paper_ids: set[int], report: CheckReport, fix: bool) -> None:
    home = library.home
    seen: set[Path] = set()
    stale: list[int] = []
    with library._read() as conn:
        for paper_id in sorted(paper_ids):
            doc = sidecars.paper_document(conn, paper_id)
            path = sidecars.sidecar_path(home, paper_id, doc["paper"].get("pdf_path") or "")
            seen.add(path)
            if sidecars.read_sidecar(path) != _as_read(doc):
                stale.append(paper_id)
    if stale:
        if fix:
            with library._read() as conn:
                sidecars.write_sidecars(home, conn, stale)
        shown = ", ".join(map(str, stale[:20])) + (" …" if len(stale) > 20 else "")
        report.problems.append(Problem(
            "sidecar", f"{len(stale)} sidecar files were missing or out of date (papers {shown})"
            + ("; they were rewritten." if fix else "; --fix rewrites them."), fixed=fix))
    for path in sidecars.all_sidecars(home):
        if path in seen:
            continue
        data = sidecars.read_sidecar(path)
        if data is None:
            report.problems.append(Problem("orphan-file", f"{path} is not a Reading List sidecar.", path=str(path)))
        elif int(data["paper"]["id"]) not in paper_ids:
            report.problems.append(Problem(
                "orphan-sidecar", f"{path} describes paper {data['paper']['id']}, which is not in the library "
                "(rebuild --from-sidecars would bring it back).", path=str(path)))
        elif path.parent.name == sidecars.PAPERS_DIR and fix and _unlink(path):
            report.problems.append(Problem("orphan-sidecar", f"{path} was an old copy of a sidecar that now lives "
                                           "beside its PDF; it was removed.", path=str(path), fixed=True))
        else:
            report.problems.append(Problem("orphan-sidecar", f"{path} is a second sidecar of paper "
                                           f"{data['paper']['id']}.", path=str(path)))


def _as_read(doc: dict) -> dict:
    """What the sidecar of ``doc`` reads back as (JSON turns tuples into lists)."""
    import json

    return json.loads(json.dumps(doc, ensure_ascii=False))


def _unlink(path: Path) -> bool:
    try:
        os.unlink(path)
        return True
    except OSError:
        return False


def format_report(report: CheckReport) -> list[str]:
    lines = [("fixed: " if p.fixed else "problem: ") + p.message for p in report.problems]
    left = len(report.unresolved)
    summary = f"Checked {report.papers} papers in {report.home}" + (" (read-only)" if report.read_only else "") + ": "
    summary += "no problems." if not report.problems else (
        f"{len(report.problems) - left} fixed, {left} left." if left or any(p.fixed for p in report.problems)
        else "")
    return lines + [summary]
