"""The papers' own text: one index row per page, and the snippets shown for a hit.

The tables are made by migration 6 (see its docstring for why the index is
contentless and the text compressed). Everything here runs on a connection the
façade hands in, inside its transaction, so a paper and its page text are
added, replaced and removed together.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection

PAGE_BITS = 16  # a page's row id is paper_id << 16 | page
MIN_TEXT_CHARS = 20  # less than this in a whole PDF is a scan without a text layer (as extraction says)
SNIPPET_CHARS = 160


@dataclass(frozen=True)
class BodyHit:
    """Where a paper's own text matched a search: the best page, and the words around the match."""

    paper_id: int
    page: int  # 1-based
    snippet: str
    marks: tuple[tuple[int, int], ...] = ()  # (start, end) of each matched word in ``snippet``

    def describe(self) -> str:
        return f"p. {self.page}: {self.snippet}"

    def find_text(self) -> str:
        """What to look for on the page, as printed there: the matched words as one phrase
        when they stand together in the snippet, else the first of them (the viewer's find
        looks for a phrase, and typed words may stand apart on the page)."""
        if not self.marks:
            return ""
        start, end = self.marks[0]
        for next_start, next_end in self.marks[1:]:
            if next_start < end or next_start - end > 2 or self.snippet[end:next_start].strip(" -,.;:"):
                break
            end = next_end
        return self.snippet[start:end]


@dataclass(frozen=True)
class IndexProgress:
    """How far the page index has got: papers with a PDF, and how many of them are read."""

    papers_with_pdf: int
    indexed: int

    @property
    def remaining(self) -> int:
        return self.papers_with_pdf - self.indexed


def page_row_id(paper_id: int, page: int) -> int:
    return paper_id << PAGE_BITS | page


def _rows_of(paper_id: int) -> tuple[int, int]:
    return paper_id << PAGE_BITS, paper_id << PAGE_BITS | ((1 << PAGE_BITS) - 1)


def store_page_texts(conn: Connection, paper_id: int, pdf_hash: str, texts: Sequence[str]) -> str:
    """Replace the paper's indexed pages with ``texts`` (page 1 first); returns the outcome recorded.

    A PDF with (almost) no text is recorded as ``no_text``: a scan, which search
    cannot see into, and which is not read again.
    """
    remove_page_texts(conn, paper_id)
    outcome = "indexed" if sum(len(t.strip()) for t in texts) >= MIN_TEXT_CHARS else "no_text"
    if outcome == "indexed":
        for page, text in enumerate(texts[: (1 << PAGE_BITS) - 1], start=1):
            if not text.strip():
                continue
            row_id = page_row_id(paper_id, page)
            conn.exec_driver_sql("INSERT INTO page_text (id, text) VALUES (?, ?)",
                                 (row_id, zlib.compress(text.encode("utf-8", "replace"), 6)))
            conn.exec_driver_sql("INSERT INTO page_fts (rowid, text) VALUES (?, ?)",
                                 (row_id, text.encode("utf-8", "replace").decode("utf-8")))
    _record(conn, paper_id, pdf_hash, len(texts), outcome)
    return outcome


def mark_unreadable(conn: Connection, paper_id: int, pdf_hash: str) -> None:
    """The PDF could not be read for its text; remembered, so it is not tried on every start."""
    remove_page_texts(conn, paper_id)
    _record(conn, paper_id, pdf_hash, 0, "unreadable")


def _record(conn: Connection, paper_id: int, pdf_hash: str, pages: int, outcome: str) -> None:
    conn.exec_driver_sql(
        "INSERT OR REPLACE INTO body_text (paper_id, pdf_hash, pages, outcome) VALUES (?, ?, ?, ?)",
        (paper_id, pdf_hash, pages, outcome))


def remove_page_texts(conn: Connection, paper_id: int) -> None:
    """Take every page of the paper out of the index.

    A contentless FTS5 table forgets a row only when given the text it indexed,
    so each page's stored text is handed back to it first.
    """
    low, high = _rows_of(paper_id)
    for row_id, blob in conn.exec_driver_sql(
            "SELECT id, text FROM page_text WHERE id BETWEEN ? AND ?", (low, high)).all():
        conn.exec_driver_sql("INSERT INTO page_fts (page_fts, rowid, text) VALUES ('delete', ?, ?)",
                             (row_id, _text(blob)))
    conn.exec_driver_sql("DELETE FROM page_text WHERE id BETWEEN ? AND ?", (low, high))
    conn.exec_driver_sql("DELETE FROM body_text WHERE paper_id = ?", (paper_id,))


def any_page_text(conn: Connection) -> bool:
    return conn.exec_driver_sql("SELECT EXISTS (SELECT 1 FROM page_text)").scalar_one() == 1


def page_texts(conn: Connection, paper_id: int) -> dict[int, str]:
    """The indexed text of each page of the paper that has any, by page number."""
    low, high = _rows_of(paper_id)
    return {row_id & ((1 << PAGE_BITS) - 1): _text(blob) for row_id, blob in conn.exec_driver_sql(
        "SELECT id, text FROM page_text WHERE id BETWEEN ? AND ? ORDER BY id", (low, high))}


def body_outcome(conn: Connection, paper_id: int) -> str | None:
    """``indexed``, ``no_text`` (a scan), ``unreadable``, or None when the paper's PDF is not read yet."""
    row = conn.exec_driver_sql(
        "SELECT b.outcome FROM body_text b JOIN paper p ON p.id = b.paper_id"
        " WHERE b.paper_id = ? AND b.pdf_hash = p.pdf_hash", (paper_id,)).first()
    return row[0] if row else None


def papers_to_index(conn: Connection, limit: int = 50) -> list[tuple[int, str, str]]:
    """``(id, pdf_path, pdf_hash)`` of papers whose PDF has not been read for its text, newest first.

    A paper is due when it has a PDF and no record of its pages, or a record from a
    different file (a replaced or relinked PDF).
    """
    return [tuple(r) for r in conn.exec_driver_sql(
        "SELECT p.id, p.pdf_path, p.pdf_hash FROM paper p LEFT JOIN body_text b ON b.paper_id = p.id"
        " WHERE p.pdf_path != '' AND (b.paper_id IS NULL OR b.pdf_hash != p.pdf_hash)"
        " ORDER BY p.id DESC LIMIT ?", (int(limit),))]


def index_progress(conn: Connection) -> IndexProgress:
    total, done = conn.exec_driver_sql(
        "SELECT COUNT(*), COUNT(b.paper_id) FROM paper p LEFT JOIN body_text b"
        " ON b.paper_id = p.id AND b.pdf_hash = p.pdf_hash WHERE p.pdf_path != ''").one()
    return IndexProgress(total, done)


def body_hits(conn: Connection, paper_ids: Sequence[int], match: str, words: Sequence[str],
              unless: str = "") -> dict[int, BodyHit]:
    """For each paper whose pages match the FTS5 expression ``match``: its best page and a snippet.

    The best page is the one FTS5 ranks first (bm25). Papers that ``unless`` matches
    in ``paper_fts`` (found by their title or notes, say) are left out. Only the given
    papers are looked at, by rowid, so this costs the same in any size of library.
    """
    hits: dict[int, BodyHit] = {}
    if not match:
        return hits
    for paper_id in paper_ids:
        low, high = _rows_of(paper_id)
        row = conn.exec_driver_sql(
            "SELECT rowid FROM page_fts WHERE page_fts MATCH ? AND rowid BETWEEN ? AND ? ORDER BY rank LIMIT 1",
            (match, low, high)).first()
        if row is None:
            continue
        if unless and conn.exec_driver_sql("SELECT 1 FROM paper_fts WHERE paper_fts MATCH ? AND rowid = ?",
                                           (unless, paper_id)).first():
            continue
        blob = conn.exec_driver_sql("SELECT text FROM page_text WHERE id = ?", (row[0],)).scalar()
        snippet, marks = make_snippet(_text(blob) if blob is not None else "", words)
        hits[paper_id] = BodyHit(paper_id, row[0] & ((1 << PAGE_BITS) - 1), snippet, marks)
    return hits


def make_snippet(text: str, words: Sequence[str], width: int = SNIPPET_CHARS) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The stretch of ``text`` about ``width`` characters long that holds the most of ``words`` (word prefixes,
    case and accents ignored as the index ignores them), with the matched words' places in it."""
    flat = " ".join(text.split())
    folded = _fold(flat)
    wanted = [_fold(w) for w in words if w]
    found: list[tuple[int, int, int]] = []  # start, end, which word
    for index, word in enumerate(wanted):
        for m in re.finditer(r"(?<!\w)" + re.escape(word) + r"\w*", folded):
            found.append((m.start(), m.end(), index))
    found.sort()
    if not found:
        return _cut(flat, 0, width), ()
    best_start, best_score = found[0][0], 0
    for start, _end, _which in found:
        score = len({w for s, _e, w in found if start <= s < start + width - 20})
        if score > best_score:
            best_start, best_score = start, score
    begin = max(0, best_start - width // 3)
    if begin:
        space = flat.find(" ", begin)
        begin = space + 1 if 0 <= space < best_start else begin
    snippet = _cut(flat, begin, width)
    lead = 1 if begin else 0
    marks = tuple((s - begin + lead, e - begin + lead) for s, e, _w in found
                  if s >= begin and e - begin + lead <= len(snippet))
    return snippet, marks


def _cut(flat: str, begin: int, width: int) -> str:
    end = min(len(flat), begin + width)
    if end < len(flat):
        space = flat.rfind(" ", begin, end)
        end = space if space > begin + width // 2 else end
    return ("…" if begin else "") + flat[begin:end] + ("…" if end < len(flat) else "")


def _fold(text: str) -> str:
    """Lower case without accents, one character for one, so positions in the result are positions in ``text``."""
    return "".join((unicodedata.normalize("NFD", ch)[:1] or ch).lower()[:1] or ch for ch in text)


def _text(blob: bytes) -> str:
    return zlib.decompress(blob).decode("utf-8", "replace")
