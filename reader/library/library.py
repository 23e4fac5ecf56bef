"""The library façade: the one door through which the UI and the CLI read and write.

Every public method is one transaction. Reads return frozen records
(``reader.library.records``); nothing outside this package holds an ORM object
or a session. Writes keep the full-text index in step inside the same
transaction, so search never shows a half-applied change.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import Connection
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from reader.errors import LibraryError, NotFoundError
from reader.library import backup, fulltext, queries, sidecars
from reader.library.db import enable_wal, make_engine
from reader.library.identity import copy_atomically, sha256_file
from reader.library.inside import inside_library
from reader.library.lock import LibraryLock
from reader.library.migrations import migrate
from reader.library.records import (
    ANNOTATION_KINDS,
    AddOutcome,
    AnnotationFields,
    AnnotationRecord,
    CaptionRecord,
    FigureRow,
    NoteRecord,
    PaperDetail,
    PaperFields,
    PaperQuery,
    PaperRow,
    TagCount,
    ViewCounts,
)
from reader.library.search import parse_query
from reader.library.status import Status

log = logging.getLogger(__name__)
DB_NAME = "library.sqlite3"
PDF_DIR = "pdfs"
EDITABLE_FIELDS = ("title", "year", "venue", "summary", "doi", "arxiv_id", "url", "code_url", "rating")


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def normalise_tag(name: str) -> str:
    return " ".join(name.split())


class Library:
    """A reading list on disk: ``library.sqlite3`` and ``pdfs/`` in one folder."""

    def __init__(self, home: Path, *, lock: bool = True, verify: bool = False) -> None:
        self.home = Path(home)
        self.db_path = self.home / DB_NAME
        self.pdf_dir = self.home / PDF_DIR
        self._lock = LibraryLock(self.home) if lock else None
        _prepare_folder(self.home)
        if self._lock:
            self._lock.acquire()
        existed = self.db_path.exists()
        self._opened_at = time.time()
        try:
            # Read-only, and cheap; the full page check is verify_integrity(), which the
            # app runs after its window is up and the CLI's `check` runs on request.
            backup.check_at_open(self.home, thorough=verify)
            migrate(self.db_path)
            enable_wal(self.db_path)
        except sqlite3.OperationalError as exc:
            self._release()
            raise LibraryError(f"The library at {self.home} cannot be opened: {exc}.") from exc
        except BaseException:
            self._release()
            raise
        self._engine = make_engine(self.db_path)
        self._sidecar_lock = threading.Lock()
        self._damaged: str | None = None
        self._backup_thread: threading.Thread | None = None
        if self._lock and existed:
            # Off the start-up path: heal what a kill left behind, then back up when the
            # newest backup is a day of changes old. The backup writes a temp file and
            # renames it, so being cut short leaves no bad backup.
            self._backup_thread = threading.Thread(target=self._background_upkeep, name="upkeep", daemon=True)
            self._backup_thread.start()

    @classmethod
    def open(cls, home: Path | str, *, lock: bool = True, verify: bool = False) -> Library:
        """Open (creating if needed) the library in ``home``.

        ``verify`` runs the full page check before anything else; without it only a
        cheap structural check runs here and :meth:`verify_integrity` does the rest.
        """
        return cls(Path(home), lock=lock, verify=verify)

    def close(self) -> None:
        if self._backup_thread is not None:
            self._backup_thread.join()  # let a backup that started finish, rather than leave a temp file
        self._engine.dispose()
        self._release()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def _release(self) -> None:
        if self._lock:
            self._lock.release()

    def _read(self) -> Connection:
        return self._engine.connect()

    def _write(self):
        """A connection inside ``BEGIN IMMEDIATE``, so two writers queue instead of failing mid-way."""
        if self._damaged:
            raise LibraryError(self._damaged)
        return _WriteTransaction(self._engine, self._after_commit)

    def _after_commit(self, paper_ids: set[int], token: str) -> None:
        """Rewrite the sidecars of the papers a committed write touched.

        The change is already saved, so a failure here (disk full) is logged, not
        raised; its rows in ``sidecar_pending`` stay, and the next open rewrites them.
        """
        with self._sidecar_lock:  # the last writer reads the last state
            try:
                with self._read() as conn:
                    sidecars.write_sidecars(self.home, conn, paper_ids)
                self._clear_pending([token])
            except (OSError, SQLAlchemyError) as exc:
                log.warning("sidecars of papers %s not written: %s", sorted(paper_ids), exc)

    def _background_upkeep(self) -> None:
        try:
            self.heal()
        except Exception as exc:  # noqa: BLE001 - healing is retried at the next open
            log.warning("healing after an interrupted session failed: %s", exc)
        try:
            backup.maybe_backup(self.home)
        except Exception as exc:  # a failed backup must never take the app down
            log.warning("automatic backup failed: %s", exc)

    def heal(self) -> int:
        """Finish what a killed session left undone: sidecars it committed changes for but
        never wrote, its temp files, and PDFs it copied in for an add that never committed.
        Safe because this process holds the library's lock, so no other process can own
        them, and files this process made since it opened (by their ctime, which a copy
        cannot set to the past) are left alone. Returns how many sidecars were rewritten."""
        from reader.library.check import TEMP_PATTERNS

        if self._lock is None:
            return 0
        for folder, pattern in TEMP_PATTERNS:
            for leftover in (self.home / folder).glob(pattern):
                self._remove_if_older_than_this_session(leftover)
        self._remove_uncommitted_pdfs()
        self._remove_citation_indexes_of_gone_pdfs()
        with self._read() as conn:
            pending = conn.exec_driver_sql("SELECT paper_id, token FROM sidecar_pending").all()
        if not pending:
            return 0
        paper_ids = {paper_id for paper_id, _token in pending}
        with self._sidecar_lock:
            with self._read() as conn:
                sidecars.write_sidecars(self.home, conn, paper_ids)
            self._clear_pending([token for _paper_id, token in pending])
        log.info("rewrote %d sidecars a previous session left stale", len(paper_ids))
        return len(paper_ids)

    def _remove_uncommitted_pdfs(self) -> None:
        """A PDF in ``pdfs/`` that no paper names and that has no sidecar was copied in by an
        add that was killed before it committed; the person's own file is untouched (an add
        copies). One with a sidecar is kept: it belongs to a paper a restored backup lacks,
        and ``rebuild --from-sidecars`` brings it back. Only the names adds give (the SHA-256)
        are considered."""
        if not self.pdf_dir.is_dir():
            return
        with self._read() as conn:
            named = {row[0] for row in conn.exec_driver_sql("SELECT pdf_path FROM paper WHERE pdf_path != ''")}
        for pdf in self.pdf_dir.glob("*.pdf"):
            named_by_its_hash = len(pdf.stem) == 64 and all(c in "0123456789abcdef" for c in pdf.stem)
            if named_by_its_hash and f"{PDF_DIR}/{pdf.name}" not in named and not pdf.with_suffix(".json").exists():
                self._remove_if_older_than_this_session(pdf)  # other names were put there by hand: check reports them

    @contextmanager
    def _copied_in(self, source: Path, digest: str) -> Iterator[str]:
        """The PDF copied into ``pdfs/`` under its hash, for a write that records it; taken back if that
        write fails and the copy was ours, so the library is as it was."""
        relative = f"{PDF_DIR}/{digest}.pdf"
        target = self.home / relative
        copied = not target.exists()
        if copied:
            try:
                copy_atomically(Path(source), target)
            except OSError as exc:
                raise LibraryError(f"Could not copy {source} into the library: {exc.strerror or exc}.") from exc
        try:
            yield relative
        except BaseException:
            if copied:
                try:
                    target.unlink()
                except OSError:
                    pass
            raise

    def _remove_citation_indexes_of_gone_pdfs(self) -> None:
        """The citation index kept per PDF hash (``reader.pdf.citations.cache``) outlives its PDF when
        the Trash is emptied or the PDF replaced; derived data, so it goes once no paper has that PDF."""
        from reader.pdf.citations.cache import FOLDER

        folder = self.home / FOLDER
        if not folder.is_dir():
            return
        with self._read() as conn:
            hashes = {row[0] for row in conn.exec_driver_sql("SELECT pdf_hash FROM paper WHERE pdf_hash != ''")}
        for index in folder.glob("*.json"):
            if index.stem not in hashes:
                self._remove_if_older_than_this_session(index)

    def _remove_if_older_than_this_session(self, path: Path) -> None:
        try:
            if path.stat().st_ctime < self._opened_at:
                path.unlink()
        except OSError as exc:
            log.warning("cannot remove leftover %s: %s", path, exc)

    def _clear_pending(self, tokens: Sequence[str]) -> None:
        with self._engine.connect() as conn:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            try:
                for token in set(tokens):
                    conn.exec_driver_sql("DELETE FROM sidecar_pending WHERE token = ?", (token,))
                conn.exec_driver_sql("COMMIT")
            except BaseException:
                conn.exec_driver_sql("ROLLBACK")
                raise

    def verify_integrity(self) -> str | None:
        """Run SQLite's full page check; on damage, refuse all further writes and say why.

        Returns ``None`` when sound, else the message (naming the newest good backup).
        """
        problem = backup.integrity_problem(self.db_path, thorough=True)
        if problem is None:
            return None
        self._damaged = str(backup.damaged_error(self.home, problem))
        return self._damaged

    def backup_now(self) -> Path:
        """A consistent copy of the database in ``backups/`` (see :mod:`reader.library.backup`)."""
        return backup.backup_now(self.home)

    def list_backups(self) -> list[backup.BackupInfo]:
        return backup.list_backups(self.home)

    # Reading -----------------------------------------------------------------

    def query_ids(self, query: PaperQuery = PaperQuery(), offset: int = 0, limit: int | None = None) -> list[int]:
        """Ids of the papers the query shows, in its order; a window of them with ``limit``."""
        with self._read() as conn:
            return queries.paper_ids(conn, query, offset, limit)

    def count(self, query: PaperQuery = PaperQuery(), at_most: int | None = None) -> int:
        with self._read() as conn:
            return queries.count(conn, query, at_most)

    def paper_rows(self, ids: Sequence[int]) -> list[PaperRow]:
        with self._read() as conn:
            return queries.paper_rows(conn, ids)

    def paper(self, paper_id: int) -> PaperDetail:
        with self._read() as conn:
            detail = queries.paper_detail(conn, paper_id)
        if detail is None:
            raise NotFoundError(f"There is no paper with id {paper_id}.")
        return detail

    def exists(self, paper_id: int) -> bool:
        with self._read() as conn:
            return conn.exec_driver_sql("SELECT 1 FROM paper WHERE id = ?", (paper_id,)).first() is not None

    def find_by_hash(self, sha256: str) -> int | None:
        with self._read() as conn:
            row = conn.exec_driver_sql(
                "SELECT id FROM paper WHERE pdf_hash = ? ORDER BY trashed_at IS NOT NULL, id LIMIT 1", (sha256,)
            ).first()
        return row[0] if row else None

    def identities(self) -> list[tuple[int, str, int | None, str, str, str, str]]:
        """``(id, title, year, doi, arxiv_id, url, first author)`` of every paper, the Trash too:
        what a duplicate check compares, read in one query (100,000 papers in well under a second)."""
        with self._read() as conn:
            rows = conn.exec_driver_sql(
                "SELECT id, title, year, doi, arxiv_id, url, authors_display FROM paper ORDER BY id").all()
        return [(r[0], r[1], r[2], r[3], r[4], r[5], r[6].split("; ")[0] if r[6] else "") for r in rows]

    def pdf_file(self, paper_id: int) -> Path | None:
        """The paper's PDF in ``pdfs/``; ``None`` without one, or when the stored path leads elsewhere."""
        detail = self.paper(paper_id)
        return inside_library(self.home, detail.pdf_path, PDF_DIR) if detail.pdf_path else None

    def tag_counts(self) -> list[TagCount]:
        with self._read() as conn:
            return queries.tag_counts(conn)

    def tag_names(self) -> list[str]:
        return [t.name for t in self.tag_counts()]

    def listed_identities(self) -> list[tuple[int, str, str, str, int | None, str]]:
        """(id, title, DOI, arXiv id, year, PDF hash) of every paper not in the Trash: what tells a cited paper is here."""
        with self._read() as conn:
            return [tuple(row) for row in conn.exec_driver_sql(
                "SELECT id, title, doi, arxiv_id, year, pdf_hash FROM paper WHERE trashed_at IS NULL")]

    def view_counts(self) -> ViewCounts:
        with self._read() as conn:
            return queries.view_counts(conn)

    def figures(self, text: str = "", tag: str | None = None, limit: int = 5000) -> list[FigureRow]:
        """Figures and tables of every paper (or a tag's), matching all the caption words typed."""
        with self._read() as conn:
            return queries.figure_rows(conn, text, tag, limit)

    def notes(self, paper_id: int) -> list[NoteRecord]:
        return list(self.paper(paper_id).notes)

    # Adding ------------------------------------------------------------------

    def add_paper(self, fields: PaperFields, *, pdf_path: str = "", pdf_hash: str = "", page_count: int = 0,
                  captions: Iterable[CaptionRecord] = (), page_texts: Sequence[str] | None = None) -> int:
        """Record a paper; ``page_texts`` (one per page of its PDF) go into the full-text index with it."""
        with self._write() as conn:
            paper_id = self._insert_paper(conn, fields, pdf_path, pdf_hash, page_count, captions)
            if page_texts is not None and pdf_hash:
                fulltext.store_page_texts(conn, paper_id, pdf_hash, page_texts)
            return paper_id

    def add_papers(self, many: Sequence[PaperFields]) -> list[int]:
        """Several papers in one transaction, so an import adds all of its entries or none of them."""
        with self._write() as conn:
            return [self._insert_paper(conn, fields) for fields in many]

    def _insert_paper(self, conn: Connection, fields: PaperFields, pdf_path: str = "", pdf_hash: str = "",
                      page_count: int = 0, captions: Iterable[CaptionRecord] = ()) -> int:
        now = utcnow()
        paper_id = conn.exec_driver_sql(
            "INSERT INTO paper (title, year, venue, summary, doi, arxiv_id, url, code_url, status, rating,"
            " added_at, updated_at, pdf_path, pdf_hash, page_count)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (fields.title.strip() or "Untitled", fields.year, fields.venue, fields.summary, fields.doi,
             fields.arxiv_id, fields.url, fields.code_url, Status(fields.status).value, fields.rating,
             now, now, pdf_path, pdf_hash, page_count),
        ).lastrowid
        queries.write_authors(conn, paper_id, fields.authors)
        queries.add_tags(conn, [paper_id], [normalise_tag(t) for t in fields.tags if normalise_tag(t)])
        queries.write_captions(conn, paper_id, captions)
        queries.reindex(conn, paper_id)
        return paper_id

    def add_pdf(self, source: Path, fields: PaperFields, *, page_count: int = 0,
                captions: Iterable[CaptionRecord] = (), sha256: str | None = None,
                page_texts: Sequence[str] | None = None) -> AddOutcome:
        """Copy the PDF into the library (named by its content hash) and record the paper.

        The same bytes already in the library give back the existing paper, restored
        from the Trash if it was there, and never a second copy.
        """
        digest = sha256 or sha256_file(source)
        existing = self.find_by_hash(digest)
        if existing is not None:
            detail = self.paper(existing)
            if detail.trashed:
                self.restore([existing])
            if fields.tags:
                self.add_tags([existing], fields.tags)
            return AddOutcome(existing, False, detail.title, restored_from_trash=detail.trashed)
        with self._copied_in(source, digest) as relative:
            paper_id = self.add_paper(fields, pdf_path=relative, pdf_hash=digest, page_count=page_count,
                                      captions=captions, page_texts=page_texts)
        return AddOutcome(paper_id, True, fields.title.strip() or "Untitled")

    # Editing -----------------------------------------------------------------

    def update_paper(self, paper_id: int, *, user_edit: bool = True, **changes) -> None:
        """Change fields of a paper.

        With ``user_edit`` the fields are remembered as the person's own, and a later
        extraction (``user_edit=False``) will not overwrite them.
        """
        unknown = set(changes) - set(EDITABLE_FIELDS) - {"authors", "status"}
        if unknown:
            raise ValueError(f"Unknown paper fields: {', '.join(sorted(unknown))}")
        with self._write() as conn:
            edited = queries.edited_fields(conn, paper_id)
            if not user_edit:
                changes = {k: v for k, v in changes.items() if k not in edited}
            if not changes:
                return
            columns = {k: v for k, v in changes.items() if k in EDITABLE_FIELDS}
            if "status" in changes:
                columns["status"] = Status(changes["status"]).value
            if "title" in columns:
                columns["title"] = (columns["title"] or "").strip() or "Untitled"
            if user_edit:
                edited |= set(changes) - {"status"}
            columns["edited_fields"] = ",".join(sorted(edited))
            columns["updated_at"] = utcnow()
            assignments = ", ".join(f"{name} = ?" for name in columns)
            conn.exec_driver_sql(f"UPDATE paper SET {assignments} WHERE id = ?", (*columns.values(), paper_id))
            if "authors" in changes:
                queries.write_authors(conn, paper_id, changes["authors"])
            queries.reindex(conn, paper_id)

    def set_status(self, paper_ids: Sequence[int], status: Status | str) -> None:
        value = Status(status).value if not isinstance(status, Status) else status.value
        with self._write() as conn:
            self._require(conn, paper_ids)
            queries.mark_touched(conn, paper_ids)
            for paper_id in paper_ids:
                conn.exec_driver_sql(
                    "UPDATE paper SET status = ?, updated_at = ? WHERE id = ?", (value, utcnow(), paper_id)
                )

    def set_tags(self, paper_id: int, names: Iterable[str]) -> None:
        wanted = _unique_tags(names)
        with self._write() as conn:
            self._require(conn, [paper_id])
            conn.exec_driver_sql("DELETE FROM paper_tag WHERE paper_id = ?", (paper_id,))
            queries.add_tags(conn, [paper_id], wanted)
            queries.touch(conn, [paper_id])
            queries.reindex(conn, paper_id)

    def add_tags(self, paper_ids: Sequence[int], names: Iterable[str]) -> None:
        wanted = _unique_tags(names)
        with self._write() as conn:
            self._require(conn, paper_ids)
            queries.add_tags(conn, paper_ids, wanted)
            queries.touch(conn, paper_ids)
            for paper_id in paper_ids:
                queries.reindex(conn, paper_id)

    def remove_tags(self, paper_ids: Sequence[int], names: Iterable[str]) -> None:
        with self._write() as conn:
            for name in _unique_tags(names):
                for paper_id in paper_ids:
                    conn.exec_driver_sql(
                        "DELETE FROM paper_tag WHERE paper_id = ? AND tag_id IN"
                        " (SELECT id FROM tag WHERE name = ? COLLATE NOCASE)", (paper_id, name))
            queries.touch(conn, paper_ids)
            for paper_id in paper_ids:
                queries.reindex(conn, paper_id)

    def rename_tag(self, old: str, new: str) -> None:
        new = normalise_tag(new)
        if not new:
            raise ValueError("A tag needs a name.")
        with self._write() as conn:
            row = conn.exec_driver_sql("SELECT id FROM tag WHERE name = ? COLLATE NOCASE", (old,)).first()
            if row is None:
                raise NotFoundError(f"There is no tag called {old!r}.")
            clash = conn.exec_driver_sql(
                "SELECT id FROM tag WHERE name = ? COLLATE NOCASE AND id != ?", (new, row[0])).first()
            if clash:  # merging two tags: move the links, drop the old tag
                conn.exec_driver_sql(
                    "INSERT OR IGNORE INTO paper_tag (paper_id, tag_id) SELECT paper_id, ? FROM paper_tag"
                    " WHERE tag_id = ?", (clash[0], row[0]))
                conn.exec_driver_sql("DELETE FROM tag WHERE id = ?", (row[0],))
                tag_id = clash[0]
            else:
                conn.exec_driver_sql("UPDATE tag SET name = ? WHERE id = ?", (new, row[0]))
                tag_id = row[0]
            for (paper_id,) in conn.exec_driver_sql("SELECT paper_id FROM paper_tag WHERE tag_id = ?", (tag_id,)):
                queries.reindex(conn, paper_id)

    def delete_tag(self, name: str) -> None:
        with self._write() as conn:
            ids = [r[0] for r in conn.exec_driver_sql(
                "SELECT pt.paper_id FROM paper_tag pt JOIN tag t ON t.id = pt.tag_id WHERE t.name = ? COLLATE NOCASE",
                (name,))]
            conn.exec_driver_sql("DELETE FROM tag WHERE name = ? COLLATE NOCASE", (name,))
            for paper_id in ids:
                queries.reindex(conn, paper_id)

    # Notes -------------------------------------------------------------------

    def add_note(self, paper_id: int, body: str) -> NoteRecord:
        now = utcnow()
        with self._write() as conn:
            self._require(conn, [paper_id])
            note_id = conn.exec_driver_sql(
                "INSERT INTO note (paper_id, body, created_at, updated_at) VALUES (?, ?, ?, ?)",
                (paper_id, body, now, now),
            ).lastrowid
            queries.touch(conn, [paper_id])
            queries.reindex(conn, paper_id)
        return NoteRecord(note_id, paper_id, body, now, now)

    def update_note(self, note_id: int, body: str) -> None:
        with self._write() as conn:
            row = conn.exec_driver_sql("SELECT paper_id, body FROM note WHERE id = ?", (note_id,)).first()
            if row is None:
                raise NotFoundError(f"There is no note with id {note_id}.")
            if row[1] == body:
                return
            conn.exec_driver_sql("UPDATE note SET body = ?, updated_at = ? WHERE id = ?", (body, utcnow(), note_id))
            queries.touch(conn, [row[0]])
            queries.reindex(conn, row[0])

    def delete_note(self, note_id: int) -> None:
        with self._write() as conn:
            row = conn.exec_driver_sql("SELECT paper_id FROM note WHERE id = ?", (note_id,)).first()
            if row is None:
                return
            conn.exec_driver_sql("DELETE FROM note WHERE id = ?", (note_id,))
            queries.reindex(conn, row[0])

    # Captions and reading state -------------------------------------------------

    def set_captions(self, paper_id: int, captions: Iterable[CaptionRecord]) -> None:
        with self._write() as conn:
            self._require(conn, [paper_id])
            conn.exec_driver_sql("DELETE FROM figure_caption WHERE paper_id = ?", (paper_id,))
            queries.write_captions(conn, paper_id, captions)
            queries.reindex(conn, paper_id)

    def set_reading_position(self, paper_id: int, page: int, zoom: float) -> None:
        with self._write() as conn:
            conn.exec_driver_sql("UPDATE paper SET last_page = ?, last_zoom = ? WHERE id = ?", (page, zoom, paper_id))

    def mark_opened(self, paper_id: int) -> None:
        """Opening a paper to read it moves it from "to read" to "reading"."""
        with self._write() as conn:
            self._require(conn, [paper_id])
            queries.mark_touched(conn, [paper_id])
            conn.exec_driver_sql(
                "UPDATE paper SET last_opened_at = ?,"
                " status = CASE status WHEN 'to_read' THEN 'reading' ELSE status END WHERE id = ?",
                (utcnow(), paper_id))

    def relink_pdf(self, paper_id: int, source: Path) -> bool:
        """Attach a PDF file again; returns False when its content differs from the paper's."""
        digest = sha256_file(source)
        detail = self.paper(paper_id)
        if detail.pdf_hash and detail.pdf_hash != digest:
            return False
        relative = f"{PDF_DIR}/{digest}.pdf"
        copy_atomically(Path(source), self.home / relative)
        with self._write() as conn:
            conn.exec_driver_sql("UPDATE paper SET pdf_path = ?, pdf_hash = ? WHERE id = ?",
                                 (relative, digest, paper_id))
            queries.mark_touched(conn, [paper_id])
        return True

    def attach_pdf(self, paper_id: int, source: Path, *, sha256: str, page_count: int = 0,
                   captions: Iterable[CaptionRecord] | None = None,
                   page_texts: Sequence[str] | None = None) -> None:
        """Give a paper that has no PDF yet the file at ``source`` (copied in under its hash),
        with what extraction read from it; captions typed by hand stay when ``captions`` is None."""
        with self._copied_in(source, sha256) as relative, self._write() as conn:
            self._require(conn, [paper_id])
            conn.exec_driver_sql("UPDATE paper SET pdf_path = ?, pdf_hash = ?, page_count = ?, updated_at = ?"
                                 " WHERE id = ?", (relative, sha256, page_count, utcnow(), paper_id))
            if captions is not None:
                conn.exec_driver_sql("DELETE FROM figure_caption WHERE paper_id = ?", (paper_id,))
                queries.write_captions(conn, paper_id, captions)
            if page_texts is not None:
                fulltext.store_page_texts(conn, paper_id, sha256, page_texts)
            conn.exec_driver_sql("DELETE FROM fetch_later WHERE paper_id = ?", (paper_id,))
            queries.mark_touched(conn, [paper_id])
            queries.reindex(conn, paper_id)

    # Fetching later (papers added by identifier while offline) ---------------------

    def mark_fetch_later(self, paper_id: int, reason: str) -> None:
        """Remember that the paper's PDF or metadata is still to be fetched, and why."""
        with self._write() as conn:
            self._require(conn, [paper_id])
            conn.exec_driver_sql("INSERT INTO fetch_later (paper_id, reason, tried_at) VALUES (?, ?, ?)"
                                 " ON CONFLICT (paper_id) DO UPDATE SET reason = excluded.reason,"
                                 " tried_at = excluded.tried_at", (paper_id, reason, utcnow()))

    def clear_fetch_later(self, paper_id: int) -> None:
        with self._write() as conn:
            conn.exec_driver_sql("DELETE FROM fetch_later WHERE paper_id = ?", (paper_id,))

    def fetch_later(self) -> dict[int, str]:
        """The papers still to be fetched, with the reason the last try gave (Trash left out)."""
        with self._read() as conn:
            rows = conn.exec_driver_sql(
                "SELECT f.paper_id, f.reason FROM fetch_later f JOIN paper p ON p.id = f.paper_id"
                " WHERE p.trashed_at IS NULL ORDER BY f.paper_id").all()
        return {paper_id: reason for paper_id, reason in rows}

    # The papers' own text ----------------------------------------------------------

    def set_page_texts(self, paper_id: int, texts: Sequence[str] | None, *, pdf_hash: str | None = None) -> str | None:
        """Replace the paper's pages in the full-text index; ``None`` records its PDF as unreadable.

        ``pdf_hash`` names the file the text was read from: when the paper's PDF has
        changed since, nothing is stored (the newer file is read in its turn).
        Returns the outcome stored (``indexed``, ``no_text``, ``unreadable``), or None.
        """
        with self._write() as conn:
            row = conn.exec_driver_sql("SELECT pdf_hash FROM paper WHERE id = ?", (paper_id,)).first()
            if row is None:
                raise NotFoundError(f"There is no paper with id {paper_id}.")
            if not row[0] or (pdf_hash is not None and pdf_hash != row[0]):
                return None
            if texts is None:
                fulltext.mark_unreadable(conn, paper_id, row[0])
                return "unreadable"
            return fulltext.store_page_texts(conn, paper_id, row[0], texts)

    def page_texts(self, paper_id: int) -> dict[int, str]:
        """The indexed text of the paper's pages, by page number (pages without text are left out)."""
        with self._read() as conn:
            return fulltext.page_texts(conn, paper_id)

    def body_text_outcome(self, paper_id: int) -> str | None:
        """``indexed``, ``no_text`` (a scan: search cannot see into it), ``unreadable``, or None (not read yet)."""
        with self._read() as conn:
            return fulltext.body_outcome(conn, paper_id)

    def body_hits(self, paper_ids: Sequence[int], text: str) -> dict[int, fulltext.BodyHit]:
        """Where the search ``text`` matched each paper's own pages: the best page and a snippet.

        Only body-text hits are given: papers the words found in their title, authors,
        tags or other fields, or not at all, are left out. Meant for the rows on screen.
        """
        parsed = parse_query(text)
        if not parsed.body or not paper_ids:
            return {}
        with self._read() as conn:
            return fulltext.body_hits(conn, paper_ids, parsed.body, parsed.words,
                                      unless="" if parsed.scope == "text" else parsed.fts)

    def has_page_text(self) -> bool:
        """Whether any paper's pages are indexed: without, a search need not look for body hits at all."""
        with self._read() as conn:
            return fulltext.any_page_text(conn)

    def papers_to_index(self, limit: int = 50) -> list[tuple[int, str, str]]:
        """``(id, pdf_path, pdf_hash)`` of papers whose PDF has not been read for the full-text index."""
        with self._read() as conn:
            return fulltext.papers_to_index(conn, limit)

    def index_progress(self) -> fulltext.IndexProgress:
        with self._read() as conn:
            return fulltext.index_progress(conn)

    # Annotations ---------------------------------------------------------------

    def annotations(self, paper_id: int) -> list[AnnotationRecord]:
        """The paper's marks in reading order (page, then top to bottom)."""
        with self._read() as conn:
            return queries.annotation_records(conn, "paper_id = ?", (paper_id,))

    def annotation(self, annotation_id: int) -> AnnotationRecord:
        with self._read() as conn:
            found = queries.annotation_records(conn, "id = ?", (annotation_id,))
        if not found:
            raise NotFoundError(f"There is no annotation with id {annotation_id}.")
        return found[0]

    def annotation_image(self, annotation_id: int) -> bytes | None:
        with self._read() as conn:
            row = conn.exec_driver_sql("SELECT image FROM annotation WHERE id = ?", (annotation_id,)).first()
        return row[0] if row else None

    def add_annotation(self, paper_id: int, fields: AnnotationFields, *, annotation_id: int | None = None
                       ) -> AnnotationRecord:
        """Store a mark; ``annotation_id`` puts a deleted one back under its old id (undo)."""
        if fields.kind not in ANNOTATION_KINDS:
            raise ValueError(f"Unknown annotation kind {fields.kind!r}.")
        now = utcnow()
        with self._write() as conn:
            self._require(conn, [paper_id])
            new_id = conn.exec_driver_sql(
                "INSERT INTO annotation (id, paper_id, kind, page, x0, y0, x1, y1, quads, colour, quote, comment,"
                " image, source, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (annotation_id, paper_id, fields.kind, fields.page, *map(float, fields.rect),
                 json.dumps([list(map(float, q)) for q in fields.quads]), fields.colour, fields.quote,
                 fields.comment, fields.image, fields.source, now, now),
            ).lastrowid
            queries.touch(conn, [paper_id])
            queries.reindex(conn, paper_id)
        return self.annotation(new_id)

    def update_annotation(self, annotation_id: int, *, colour: str | None = None, comment: str | None = None
                          ) -> AnnotationRecord:
        with self._write() as conn:
            row = conn.exec_driver_sql("SELECT paper_id FROM annotation WHERE id = ?", (annotation_id,)).first()
            if row is None:
                raise NotFoundError(f"There is no annotation with id {annotation_id}.")
            if colour is not None:
                conn.exec_driver_sql("UPDATE annotation SET colour = ? WHERE id = ?", (colour, annotation_id))
            if comment is not None:
                conn.exec_driver_sql("UPDATE annotation SET comment = ? WHERE id = ?", (comment, annotation_id))
            conn.exec_driver_sql("UPDATE annotation SET updated_at = ? WHERE id = ?", (utcnow(), annotation_id))
            queries.touch(conn, [row[0]])
            queries.reindex(conn, row[0])
        return self.annotation(annotation_id)

    def delete_annotation(self, annotation_id: int) -> tuple[AnnotationRecord, bytes | None]:
        """Remove a mark; returns it and its image so an undo can put it back exactly."""
        record = self.annotation(annotation_id)
        image = self.annotation_image(annotation_id)
        with self._write() as conn:
            conn.exec_driver_sql("DELETE FROM annotation WHERE id = ?", (annotation_id,))
            queries.touch(conn, [record.paper_id])
            queries.reindex(conn, record.paper_id)
        return record, image

    # Trash -------------------------------------------------------------------

    def trash(self, paper_ids: Sequence[int]) -> None:
        with self._write() as conn:
            self._require(conn, paper_ids)
            now = utcnow()
            queries.mark_touched(conn, paper_ids)
            for paper_id in paper_ids:
                conn.exec_driver_sql("UPDATE paper SET trashed_at = ? WHERE id = ? AND trashed_at IS NULL",
                                     (now, paper_id))

    def restore(self, paper_ids: Sequence[int]) -> None:
        with self._write() as conn:
            queries.mark_touched(conn, paper_ids)
            for paper_id in paper_ids:
                conn.exec_driver_sql("UPDATE paper SET trashed_at = NULL WHERE id = ?", (paper_id,))

    def empty_trash(self) -> int:
        """Delete trashed papers for good, and their PDFs unless another paper shares them."""
        with self._write() as conn:
            doomed = conn.exec_driver_sql(
                "SELECT id, pdf_path FROM paper WHERE trashed_at IS NOT NULL").all()
            queries.mark_touched(conn, [paper_id for paper_id, _ in doomed])
            for paper_id, _ in doomed:
                conn.exec_driver_sql("DELETE FROM paper_fts WHERE rowid = ?", (paper_id,))
                fulltext.remove_page_texts(conn, paper_id)
                conn.exec_driver_sql("DELETE FROM paper WHERE id = ?", (paper_id,))
            conn.exec_driver_sql("DELETE FROM author WHERE id NOT IN (SELECT author_id FROM paper_author)")
            still_used = {r[0] for r in conn.exec_driver_sql("SELECT pdf_path FROM paper WHERE pdf_path != ''")}
        for _, pdf_path in doomed:
            if pdf_path and pdf_path not in still_used:
                for stored in (pdf_path, Path(pdf_path).with_suffix(".json")):
                    doomed_file = inside_library(self.home, stored, PDF_DIR)  # a restored backup may name any file
                    if doomed_file is None:
                        log.warning("empty trash: %s is outside the library's pdfs folder; not deleted", stored)
                        continue
                    try:
                        os.unlink(doomed_file)
                    except OSError:
                        pass
        return len(doomed)

    def _require(self, conn: Connection, paper_ids: Iterable[int]) -> None:
        for paper_id in paper_ids:
            if conn.exec_driver_sql("SELECT 1 FROM paper WHERE id = ?", (paper_id,)).first() is None:
                raise NotFoundError(f"There is no paper with id {paper_id}.")


class _WriteTransaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT``; then ``after_commit`` gets the ids ``queries.mark_touched`` recorded."""

    def __init__(self, engine, after_commit=None) -> None:
        self._engine = engine
        self._after_commit = after_commit
        self._conn: Connection | None = None

    def __enter__(self) -> Connection:
        self._conn = self._engine.connect()
        try:
            self._conn.exec_driver_sql("BEGIN IMMEDIATE")
        except OperationalError as exc:
            self._conn.close()
            raise _friendly(exc) from exc
        self._conn.info["touched"] = set()
        return self._conn

    def __exit__(self, exc_type, exc, tb) -> None:
        assert self._conn is not None
        token = os.urandom(8).hex()
        try:
            if exc_type is None:
                try:
                    for paper_id in self._conn.info.get("touched", ()):  # healed at next open if we die
                        self._conn.exec_driver_sql("INSERT INTO sidecar_pending (paper_id, token) VALUES (?, ?)",
                                                   (paper_id, token))
                    self._conn.exec_driver_sql("COMMIT")
                except OperationalError as error:
                    self._rollback()
                    raise _friendly(error) from error
            else:
                self._rollback()
                if isinstance(exc, OperationalError):  # disk full, read-only, I/O error mid-statement
                    raise _friendly(exc) from exc
        finally:
            touched = self._conn.info.pop("touched", set())
            self._conn.close()
        if exc_type is None and touched and self._after_commit:
            self._after_commit(touched, token)


    def _rollback(self) -> None:
        """SQLite has already rolled back after SQLITE_FULL or an I/O error; a second ROLLBACK must not hide why."""
        try:
            self._conn.exec_driver_sql("ROLLBACK")
        except OperationalError:
            pass


def _friendly(exc: OperationalError) -> LibraryError:
    text = str(exc.orig) if exc.orig else str(exc)
    if "readonly" in text or "read-only" in text:
        return LibraryError("The library is read-only; the change was not saved.")
    if "disk is full" in text or "full" in text:
        return LibraryError("The disk is full; the change was not saved and the library is as it was.")
    if "locked" in text:
        return LibraryError("The library is busy in another process; the change was not saved. Try again.")
    return LibraryError(f"The library could not be written: {text}.")


def _prepare_folder(home: Path) -> None:
    try:
        home.mkdir(parents=True, exist_ok=True)
        (home / PDF_DIR).mkdir(exist_ok=True)
    except OSError as exc:
        raise LibraryError(f"The library folder {home} cannot be created: {exc.strerror or exc}.") from exc
    if not os.access(home, os.W_OK):
        raise LibraryError(
            f"The library folder {home} is read-only. Reading List needs to write there; "
            "make it writable or choose another folder with --library."
        )


def _unique_tags(names: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for name in names:
        clean = normalise_tag(name)
        if clean and clean.lower() not in seen:
            seen[clean.lower()] = clean
    return list(seen.values())
