"""Rebuild ``library.sqlite3`` from the sidecar files, the library's recovery copy.

Sidecars are untrusted input here: a file may be damaged, hand-edited, stale, or made
by someone else. So every one is validated before anything is written, a bad one is
skipped and reported rather than allowed to stop the rebuild half-way, and the new
database is built in a separate file. The current database is moved aside (and kept)
only once the new one is complete and has passed its checks; until then nothing the
user has is touched.

Ids are kept, because links in exported notes and the sidecars' own names use them.
A record whose id another record already holds keeps its paper and gets a new id:
nothing is ever attached to a paper other than the one whose sidecar held it.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import os
import re
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.exc import DataError, IntegrityError, SQLAlchemyError

from reader.errors import LibraryError
from reader.library import sidecars
from reader.library.backup import fsync_folder

MAX_ID = 2**63 - 1
STATUSES = ("to_read", "reading", "read")
ANNOTATION_KINDS = ("highlight", "underline", "strikeout", "note", "area")
ANNOTATION_SOURCES = ("app", "file")
BUILD_NAME = ".library.sqlite3.rebuilding"

_PAPER_TEXT = ("title", "venue", "summary", "doi", "arxiv_id", "url", "code_url", "pdf_path", "pdf_hash",
               "edited_fields")
_PAPER_INT = ("rating", "page_count", "last_page")


class Invalid(ValueError):
    """What is wrong with a sidecar or one of its records, in words for the report."""


@dataclass
class PaperRecords:
    """One validated sidecar: the paper row and the records that belong to it."""

    source: Path
    paper: dict[str, Any]
    authors: list[str]
    tags: list[tuple[str, str]]
    notes: list[dict[str, Any]]
    captions: list[dict[str, Any]]
    annotations: list[dict[str, Any]]

    @property
    def paper_id(self) -> int:
        return self.paper["id"]


@dataclass
class RebuildReport:
    home: Path
    papers: int = 0
    notes: int = 0
    captions: int = 0
    annotations: int = 0
    skipped: list[tuple[Path, str]] = field(default_factory=list)  # sidecars not used, and why
    dropped: list[tuple[Path, str]] = field(default_factory=list)  # single records not used, and why
    renumbered: int = 0  # records whose id another record held: kept under a new id
    kept_database: Path | None = None  # where the database that was replaced now is

    def describe(self) -> list[str]:
        lines = [f"Rebuilt {self.papers} papers ({self.notes} notes, {self.annotations} annotations, "
                 f"{self.captions} captions) in {self.home} from their sidecar files."]
        if self.skipped:
            lines.append(f"Skipped {len(self.skipped)} sidecar files:")
            lines.extend(f"  {path}: {why}" for path, why in self.skipped)
        if self.dropped:
            lines.append(f"Left out {len(self.dropped)} damaged records:")
            lines.extend(f"  {path}: {why}" for path, why in self.dropped)
        if self.renumbered:
            lines.append(f"{self.renumbered} records got a new id because another record held theirs.")
        if self.kept_database:
            lines.append(f"The previous database is kept as {self.kept_database}.")
        return lines


def rebuild_from_sidecars(folder: Path | str) -> RebuildReport:
    """Build a new database from the sidecars in ``folder`` and put it in place.

    Raises :class:`LibraryError` (with the current database untouched) if the library
    is in use or the new database cannot be built and checked.
    """
    from reader.library.library import DB_NAME
    from reader.library.lock import LibraryLock

    home = Path(folder)
    if not home.is_dir():
        raise LibraryError(f"{home} is not a folder.")
    report = RebuildReport(home)
    lock = LibraryLock(home)
    try:
        lock.acquire()
    except OSError as exc:  # a read-only disk cannot even take the lock
        raise LibraryError(f"The library at {home} cannot be rebuilt: {exc.strerror or exc}; "
                           "its database was not changed.") from exc
    try:
        chosen, highest_id = _read_all(home, report)
        build = home / BUILD_NAME
        try:
            _build(build, chosen, highest_id, report)
            report.kept_database = _swap_in(home, build, DB_NAME)
        except (OSError, sqlite3.Error, SQLAlchemyError) as exc:
            _remove_database_files(build)
            raise LibraryError(f"The library at {home} could not be rebuilt ({_short(exc)}); "
                               "its database was not changed.") from exc
        except BaseException:
            _remove_database_files(build)
            raise
    finally:
        lock.release()
    return report


def _read_all(home: Path, report: RebuildReport) -> tuple[dict[int, PaperRecords], int]:
    """Validated sidecars by paper id (the newest when several claim one), and the highest id seen anywhere."""
    chosen: dict[int, PaperRecords] = {}
    highest = 0
    for path in sidecars.all_sidecars(home):
        highest = max(highest, _id_named_by(path))
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            report.skipped.append((path, f"not readable as JSON ({_short(exc)})"))
            continue
        highest = max(highest, _claimed_id(raw))
        try:
            records = validate(raw, path, report.dropped)
        except Invalid as exc:
            report.skipped.append((path, str(exc)))
            continue
        other = chosen.get(records.paper_id)
        if other is None or records.paper["updated_at"] > other.paper["updated_at"]:
            if other is not None:
                report.skipped.append((other.source, f"an older copy of paper {other.paper_id} than {path.name}"))
            chosen[records.paper_id] = records
        else:
            report.skipped.append((path, f"an older copy of paper {records.paper_id} than {other.source.name}"))
    return chosen, highest


def _id_named_by(path: Path) -> int:
    if path.parent.name == sidecars.PAPERS_DIR and re.fullmatch(r"\d{1,18}", path.stem):
        return int(path.stem)
    return 0


def _claimed_id(raw: Any) -> int:
    try:
        value = raw["paper"]["id"]
    except (KeyError, TypeError):
        return 0
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID else 0


# Validation ------------------------------------------------------------------------------------------

def validate(raw: Any, source: Path, dropped: list[tuple[Path, str]]) -> PaperRecords:
    """The sidecar's records in the shape the tables take; :class:`Invalid` when the paper itself is unusable.

    A damaged note, caption or annotation is left out and listed in ``dropped``; the
    paper and its other records are kept.
    """
    if not isinstance(raw, dict) or raw.get("format") != sidecars.FORMAT:
        raise Invalid("not a Reading List sidecar")
    version = raw.get("version")
    if not _is_int(version) or version < 1:
        raise Invalid(f"unknown sidecar version {version!r}")
    if version > sidecars.VERSION:
        raise Invalid(f"written by a newer version of Reading List (sidecar version {version})")
    paper = _paper(raw.get("paper"))
    authors = _string_list(raw.get("authors", []), "authors")
    tags = _tags(raw.get("tags", []))
    records = PaperRecords(source, paper, authors, tags, [], [], [])
    for key, check, target in (("note", _note, records.notes), ("figure_caption", _caption, records.captions),
                               ("annotation", _annotation, records.annotations)):
        rows = raw.get(key, [])
        if not isinstance(rows, list):
            raise Invalid(f"'{key}' is not a list")
        for position, row in enumerate(rows, 1):
            try:
                target.append(check(row))
            except Invalid as exc:
                dropped.append((source, f"{key.replace('_', ' ')} {position} left out: {exc}"))
    return records


def _paper(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise Invalid("it holds no paper")
    paper: dict[str, Any] = {"id": _id(raw.get("id"), "paper id", required=True)}
    for name in _PAPER_TEXT:
        paper[name] = _text(raw.get(name, ""), name)
    for name in _PAPER_INT:
        paper[name] = _integer(raw.get(name, 0), name)
    paper["year"] = None if raw.get("year") is None else _integer(raw.get("year"), "year")
    paper["last_zoom"] = _number(raw.get("last_zoom", 0), "last_zoom")
    status = raw.get("status", "to_read")
    if status not in STATUSES:
        raise Invalid(f"unknown status {status!r}")
    paper["status"] = status
    paper["added_at"] = _date(raw.get("added_at"), "added_at", required=True)
    paper["updated_at"] = _date(raw.get("updated_at"), "updated_at", required=True)
    paper["last_opened_at"] = _date(raw.get("last_opened_at"), "last_opened_at")
    paper["trashed_at"] = _date(raw.get("trashed_at"), "trashed_at")
    if paper["pdf_path"] and not sidecars._safe_pdf_path(paper["pdf_path"]):
        paper["pdf_path"] = ""  # a sidecar must not point the library at files outside it
    return paper


def _note(raw: Any) -> dict[str, Any]:
    row = _record(raw)
    return {"id": row["id"], "body": _text(raw.get("body", ""), "body"),
            "created_at": _date(raw.get("created_at"), "created_at", required=True),
            "updated_at": _date(raw.get("updated_at"), "updated_at", required=True)}


def _caption(raw: Any) -> dict[str, Any]:
    row = _record(raw)
    for name in ("label", "kind", "number", "text"):
        row[name] = _text(raw.get(name, ""), name)
    row["page"] = _integer(raw.get("page", 0), "page")
    for name in ("x0", "y0", "x1", "y1", "region_x0", "region_y0", "region_x1", "region_y1"):
        row[name] = None if raw.get(name) is None else _number(raw.get(name), name)
    thumbnail = _text(raw.get("thumbnail", ""), "thumbnail")
    row["thumbnail"] = thumbnail if sidecars._safe_relative(thumbnail) else ""
    return row


def _annotation(raw: Any) -> dict[str, Any]:
    row = _record(raw)
    kind = raw.get("kind")
    if kind not in ANNOTATION_KINDS:
        raise Invalid(f"unknown kind {kind!r}")
    source = raw.get("source", "app")
    if source not in ANNOTATION_SOURCES:
        raise Invalid(f"unknown source {source!r}")
    row.update(kind=kind, source=source, page=_integer(raw.get("page"), "page"))
    for name in ("x0", "y0", "x1", "y1"):
        row[name] = _number(raw.get(name), name)
    for name, default in (("quads", ""), ("colour", "#ffd400"), ("quote", ""), ("comment", "")):
        row[name] = _text(raw.get(name, default), name)
    row["image"] = _image(raw.get("image"))
    row["created_at"] = _date(raw.get("created_at"), "created_at", required=True)
    row["updated_at"] = _date(raw.get("updated_at"), "updated_at", required=True)
    return row


def _record(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise Invalid("not a record")
    return {"id": _id(raw.get("id"), "id")}


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _id(value: Any, name: str, required: bool = False) -> int | None:
    if value is None and not required:
        return None
    if not _is_int(value) or not 0 < value <= MAX_ID:
        raise Invalid(f"{name} {_shown(value)} is not a usable id")
    return value


def _integer(value: Any, name: str) -> int:
    if not _is_int(value) or abs(value) > MAX_ID:
        raise Invalid(f"{name} {_shown(value)} is not a whole number")
    return value


def _number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or abs(value) > 1e15:
        raise Invalid(f"{name} {_shown(value)} is not a number")
    return float(value)


def _text(value: Any, name: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Invalid(f"{name} is {type(value).__name__}, not text")
    if "\x00" in value:
        raise Invalid(f"{name} holds a NUL character")
    return value


def _date(value: Any, name: str, required: bool = False) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise Invalid(f"{name} {_shown(value)} is not a date")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise Invalid(f"{name} {_shown(value)} is not a date") from None
    return parsed.replace(tzinfo=None).isoformat(sep=" ")


def _image(value: Any) -> bytes | None:
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) != {"base64"} or not isinstance(value["base64"], str):
        raise Invalid("image is not base64 data")
    try:
        return base64.b64decode(value["base64"], validate=True)
    except (binascii.Error, ValueError):
        raise Invalid("image is not base64 data") from None


def _string_list(value: Any, name: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise Invalid(f"'{name}' is not a list of names")
    return [item for item in value if item.strip() and "\x00" not in item]


def _tags(value: Any) -> list[tuple[str, str]]:
    if not isinstance(value, list):
        raise Invalid("'tags' is not a list")
    tags = []
    for tag in value:
        if isinstance(tag, str):
            name, colour = tag, ""
        elif isinstance(tag, dict) and isinstance(tag.get("name"), str) and isinstance(tag.get("colour", ""), str):
            name, colour = tag["name"], tag.get("colour", "")
        else:
            raise Invalid(f"tag {_shown(tag)} is not a name")
        name = " ".join(name.split())
        if name and "\x00" not in name:
            tags.append((name, colour))
    return tags


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _short(exc: Exception) -> str:
    return str(exc).splitlines()[0][:80] if str(exc) else type(exc).__name__


# Building --------------------------------------------------------------------------------------------

def _build(build: Path, chosen: dict[int, PaperRecords], highest_id: int, report: RebuildReport) -> None:
    from reader.library.db import make_engine
    from reader.library.migrations import migrate

    _remove_database_files(build)
    migrate(build)
    engine = make_engine(build)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            try:
                # Newest first: where a stale sidecar and a current one both name a note id,
                # the current holder keeps it and the stale copy is renumbered.
                for records in sorted(chosen.values(), key=lambda r: (r.paper["updated_at"], r.paper_id),
                                      reverse=True):
                    _insert_paper(conn, records, report)
                _keep_ids_counting(conn, max([highest_id, *chosen]) if chosen else highest_id)
                conn.exec_driver_sql("COMMIT")
            except BaseException:
                conn.exec_driver_sql("ROLLBACK")
                raise
            _verify(conn, chosen, report)
    finally:
        engine.dispose()
    with open(build, "rb+") as handle:
        os.fsync(handle.fileno())


def _insert_paper(conn, records: PaperRecords, report: RebuildReport) -> None:
    """One paper and its records, or nothing of it: a failure is reported and the rebuild goes on."""
    from reader.library import queries

    conn.exec_driver_sql("SAVEPOINT paper")
    try:
        _insert_row(conn, "paper", records.paper)
        paper_id = records.paper_id
        queries.write_authors(conn, paper_id, records.authors)
        for name, colour in records.tags:
            queries.add_tags(conn, [paper_id], [name])
            if colour:
                conn.exec_driver_sql("UPDATE tag SET colour = ? WHERE name = ? COLLATE NOCASE AND colour = ''",
                                     (colour, name))
        for table, rows in (("note", records.notes), ("figure_caption", records.captions),
                            ("annotation", records.annotations)):
            for row in rows:
                if row["id"] is not None and conn.exec_driver_sql(
                        f"SELECT 1 FROM {table} WHERE id = ?", (row["id"],)).first():
                    row = {**row, "id": None}
                    report.renumbered += 1
                _insert_row(conn, table, {**row, "paper_id": paper_id})
        queries.reindex(conn, paper_id)
    except (IntegrityError, DataError) as exc:  # this paper's data; a full disk still stops the rebuild
        conn.exec_driver_sql("ROLLBACK TO paper")
        conn.exec_driver_sql("RELEASE paper")
        report.skipped.append((records.source, f"could not be stored ({_short(exc.orig or exc)})"))
        return
    conn.exec_driver_sql("RELEASE paper")
    report.papers += 1
    report.notes += len(records.notes)
    report.captions += len(records.captions)
    report.annotations += len(records.annotations)


def _insert_row(conn, table: str, row: dict[str, Any]) -> None:
    values = {k: v for k, v in row.items() if not (k == "id" and v is None)}
    names = list(values)
    conn.exec_driver_sql(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                         tuple(values[n] for n in names))


def _keep_ids_counting(conn, highest_id: int) -> None:
    """New papers never take the id of any sidecar found, used or not: a skipped sidecar
    stays on disk, and a new paper with its id would overwrite it."""
    if highest_id <= 0:
        return
    updated = conn.exec_driver_sql("UPDATE sqlite_sequence SET seq = MAX(seq, ?) WHERE name = 'paper'",
                                   (highest_id,)).rowcount
    if not updated:
        conn.exec_driver_sql("INSERT INTO sqlite_sequence (name, seq) VALUES ('paper', ?)", (highest_id,))


def _verify(conn, chosen: dict[int, PaperRecords], report: RebuildReport) -> None:
    """The new database is sound and holds every record that was reported as rebuilt."""
    problems = [row[0] for row in conn.exec_driver_sql("PRAGMA integrity_check")]
    if problems != ["ok"]:
        raise LibraryError(f"the rebuilt database failed its check ({problems[0]}); the library was not changed")
    if conn.exec_driver_sql("PRAGMA foreign_key_check").first():
        raise LibraryError("the rebuilt database has records without their paper; the library was not changed")
    counts = {table: dict(conn.exec_driver_sql(f"SELECT paper_id, COUNT(*) FROM {table} GROUP BY paper_id").all())
              for table in ("note", "figure_caption", "annotation")}
    stored = {row[0] for row in conn.exec_driver_sql("SELECT id FROM paper")}
    for paper_id, records in chosen.items():
        if paper_id not in stored:
            continue  # reported as skipped when it failed to store
        for table, rows in (("note", records.notes), ("figure_caption", records.captions),
                            ("annotation", records.annotations)):
            if counts[table].get(paper_id, 0) != len(rows):
                raise LibraryError(f"the rebuilt database lost {table.replace('_', ' ')}s of paper {paper_id};"
                                   " the library was not changed")


def _swap_in(home: Path, build: Path, db_name: str) -> Path | None:
    """Move the current database aside (kept, with its WAL), then put the new one in its place."""
    kept = None
    current = home / db_name
    if current.exists():
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        kept = home / f"{db_name}.before-rebuild-{stamp}"
        for suffix in ("", "-wal", "-shm"):
            old = home / (db_name + suffix)
            if old.exists():
                os.replace(old, home / f"{kept.name}{suffix}")
    try:
        os.replace(build, current)
    except OSError:
        if kept is not None:  # put the old database back where it was
            for suffix in ("", "-wal", "-shm"):
                if Path(f"{kept}{suffix}").exists():
                    os.replace(f"{kept}{suffix}", home / (db_name + suffix))
        raise
    fsync_folder(home)
    return kept


def _remove_database_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            os.unlink(f"{path}{suffix}")
        except FileNotFoundError:
            pass
