"""Per-paper sidecar files: the library readable, and rebuildable, without its database.

After every committed change the façade rewrites the JSON of each paper it
touched: ``pdfs/<hash>.json`` next to the stored PDF, or ``papers/<id>.json``
for a paper without one. Each holds the paper's rows (metadata, authors, tags,
notes, captions, annotations with their images in base64), written to a temp
file, synced, and renamed, so a crash leaves the old sidecar or the new one.

``reader.library.rebuild`` turns a folder of PDFs and sidecars back into a
library with the same ids, so notes, annotations and links survive a lost or
damaged ``library.sqlite3``.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # only a type: the window's first paint reads without SQLAlchemy
    from sqlalchemy import Connection

from reader.atomic import write_bytes

FORMAT = "reading-list-sidecar"
VERSION = 1
PAPERS_DIR = "papers"
PDF_DIR = "pdfs"
TMP_PREFIX = ".sidecar-"
_CHILD_TABLES = ("note", "figure_caption", "annotation")
_SKIP_COLUMNS = {"paper": ("authors_display",), "note": (), "figure_caption": (), "annotation": ()}


def sidecar_path(home: Path, paper_id: int, pdf_path: str) -> Path:
    """Where a paper's sidecar lives: beside its stored PDF when it has one inside ``pdfs/``."""
    if pdf_path and _safe_pdf_path(pdf_path):
        return Path(home) / Path(pdf_path).with_suffix(".json")
    return Path(home) / PAPERS_DIR / f"{int(paper_id)}.json"


def paper_document(conn: Connection, paper_id: int) -> dict[str, Any] | None:
    """The sidecar content of one paper, straight from its rows; ``None`` if it does not exist."""
    row = conn.exec_driver_sql("SELECT * FROM paper WHERE id = ?", (paper_id,)).mappings().first()
    if row is None:
        return None
    paper = {k: _plain(v) for k, v in row.items() if k not in _SKIP_COLUMNS["paper"]}
    authors = [r[0] for r in conn.exec_driver_sql(
        "SELECT a.name FROM paper_author pa JOIN author a ON a.id = pa.author_id WHERE pa.paper_id = ?"
        " ORDER BY pa.position", (paper_id,))]
    tags = [{"name": r[0], "colour": r[1]} for r in conn.exec_driver_sql(
        "SELECT t.name, t.colour FROM paper_tag pt JOIN tag t ON t.id = pt.tag_id WHERE pt.paper_id = ?"
        " ORDER BY t.name COLLATE NOCASE", (paper_id,))]
    doc: dict[str, Any] = {"format": FORMAT, "version": VERSION, "paper": paper, "authors": authors, "tags": tags}
    for table in _CHILD_TABLES:
        rows = conn.exec_driver_sql(f"SELECT * FROM {table} WHERE paper_id = ? ORDER BY id", (paper_id,))
        doc[table] = [{k: _plain(v) for k, v in r.items()} for r in rows.mappings()]
    return doc


def write_sidecars(home: Path, conn: Connection, paper_ids: Iterable[int]) -> None:
    """Bring the sidecars of ``paper_ids`` in line with the database (removing those of deleted papers)."""
    home = Path(home)
    for paper_id in sorted(set(paper_ids)):
        doc = paper_document(conn, paper_id)
        stale = home / PAPERS_DIR / f"{int(paper_id)}.json"
        if doc is None:
            _unlink(stale)
            continue
        target = sidecar_path(home, paper_id, doc["paper"].get("pdf_path") or "")
        write_json_atomically(target, doc)
        if target != stale:  # the paper gained a PDF: its sidecar moved beside it
            _unlink(stale)


def write_json_atomically(target: Path, data: dict[str, Any]) -> None:
    payload = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
    write_bytes(target, payload, prefix=TMP_PREFIX)


def read_sidecar(path: Path) -> dict[str, Any] | None:
    """A sidecar's content, or ``None`` for a file that is not one (or is unreadable)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("paper"), dict):
        return None
    try:
        int(data["paper"]["id"])
    except (KeyError, TypeError, ValueError):
        return None
    return data


def all_sidecars(home: Path) -> list[Path]:
    home = Path(home)
    found = []
    for folder in (home / PDF_DIR, home / PAPERS_DIR):
        if folder.is_dir():
            found.extend(p for p in folder.glob("*.json") if not p.name.startswith("."))
    return sorted(found)


def _plain(value: Any) -> Any:
    if isinstance(value, (bytes, memoryview)):
        return {"base64": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return value


def _safe_pdf_path(pdf_path: str) -> bool:
    parts = Path(pdf_path).parts
    return len(parts) == 2 and parts[0] == PDF_DIR and parts[1] not in ("..", ".") and not Path(pdf_path).is_absolute()


def _safe_relative(path: str) -> bool:
    if not path:
        return True
    p = Path(path)
    return not p.is_absolute() and ".." not in p.parts


def _unlink(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
