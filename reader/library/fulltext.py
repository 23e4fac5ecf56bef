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
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only a type: the window's first paint reads without SQLAlchemy
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
        pages = [(page_row_id(paper_id, page), text.encode("utf-8", "replace"))
                 for page, text in enumerate(texts[: (1 << PAGE_BITS) - 1], start=1) if text.strip()]
        conn.exec_driver_sql("INSERT INTO page_text (id, text) VALUES (?, ?)",
                             [(row_id, zlib.compress(data, 6)) for row_id, data in pages])
        conn.exec_driver_sql("INSERT INTO page_fts (rowid, text) VALUES (?, ?)",
                             [(row_id, data.decode("utf-8")) for row_id, data in pages])
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
    stored = [(row_id, _text(blob)) for row_id, blob in conn.exec_driver_sql(
        "SELECT id, text FROM page_text WHERE id BETWEEN ? AND ?", (low, high))]
    if stored:
        conn.exec_driver_sql("INSERT INTO page_fts (page_fts, rowid, text) VALUES ('delete', ?, ?)", stored)
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
    in ``paper_fts`` (found by their title or notes, say) are left out. The papers are
    looked up by rowid ranges, a few neighbouring papers per query, so this costs the
    same in any size of library, and a prefix is expanded once per range, not per paper.
    """
    hits: dict[int, BodyHit] = {}
    if not match or not paper_ids:
        return hits
    wanted = set(paper_ids)
    best: dict[int, tuple[float, int]] = {}  # paper id -> (rank, page row id)
    found_elsewhere: set[int] = set()
    for first, last in _runs(sorted(wanted)):
        low, high = _rows_of(first)[0], _rows_of(last)[1]
        for row_id, rank in conn.exec_driver_sql(
                "SELECT rowid, rank FROM page_fts WHERE page_fts MATCH ? AND rowid BETWEEN ? AND ?",
                (match, low, high)):
            paper_id = row_id >> PAGE_BITS
            if paper_id in wanted and (paper_id not in best or rank < best[paper_id][0]):
                best[paper_id] = (rank, row_id)
        if unless and best:
            found_elsewhere.update(r[0] for r in conn.exec_driver_sql(
                "SELECT rowid FROM paper_fts WHERE paper_fts MATCH ? AND rowid BETWEEN ? AND ?",
                (unless, first, last)))
    for paper_id, (_rank, row_id) in best.items():
        if paper_id in found_elsewhere:
            continue
        blob = conn.exec_driver_sql("SELECT text FROM page_text WHERE id = ?", (row_id,)).scalar()
        snippet, marks = make_snippet(_text(blob) if blob is not None else "", words)
        hits[paper_id] = BodyHit(paper_id, row_id & ((1 << PAGE_BITS) - 1), snippet, marks)
    return hits


def _runs(ids: list[int], gap: int = 64) -> list[tuple[int, int]]:
    """Sorted ids as ranges of near neighbours, so a range never spans the whole library for a few papers."""
    runs: list[tuple[int, int]] = []
    for paper_id in ids:
        if runs and paper_id - runs[-1][1] <= gap:
            runs[-1] = (runs[-1][0], paper_id)
        else:
            runs.append((paper_id, paper_id))
    return runs


def make_snippet(text: str, words: Sequence[str], width: int = SNIPPET_CHARS) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The stretch of ``text`` about ``width`` characters long that holds the most of ``words`` (word prefixes,
    case and accents ignored as the index ignores them), with the matched words' places in it.

    Only the chosen stretch is tidied (whitespace collapsed): a page is thousands of
    characters, and a screenful of rows asks for forty snippets per keystroke.
    """
    pattern = _words_pattern(tuple(_fold(w) for w in words if w))
    found = _matches(pattern, text)
    if not found:
        return _tidy(text, 0, width)[0], ()
    best_start, best_score = found[0][0], 0
    in_window: Counter[int] = Counter()  # the words found from found[first] to found[last - 1]
    last = 0
    for start, _end, word in found:
        while last < len(found) and found[last][0] < start + width - 20:
            in_window[found[last][2]] += 1
            last += 1
        if len(in_window) > best_score:
            best_start, best_score = start, len(in_window)
        in_window[word] -= 1
        if not in_window[word]:
            del in_window[word]
    begin = max(0, best_start - width // 3)
    if begin:
        space = text.find(" ", begin, best_start)
        begin = space + 1 if space >= 0 else begin
    snippet, lead = _tidy(text, begin, width)
    marks = tuple((s + lead, e + lead) for s, e, _w in _matches(pattern, snippet[lead:].rstrip("…"))
                  if e + lead <= len(snippet))
    return snippet, marks


def _tidy(text: str, begin: int, width: int) -> tuple[str, int]:
    """About ``width`` characters of ``text`` from ``begin``, whitespace collapsed, cut at a word,
    with "…" where text was left out; and where the text proper starts in it (after a leading "…")."""
    flat = " ".join(text[begin:begin + 2 * width].split())
    end = min(len(flat), width)
    more = begin + 2 * width < len(text) or end < len(flat)
    if end < len(flat):
        space = flat.rfind(" ", 0, end)
        end = space if space > width // 2 else end
    lead = "…" if begin else ""
    return lead + flat[:end] + ("…" if more else ""), len(lead)


@lru_cache(maxsize=64)
def _words_pattern(words: tuple[str, ...]) -> re.Pattern | None:
    if not words:
        return None
    alternatives = "|".join(f"({re.escape(w)})" for w in sorted(set(words), key=len, reverse=True))
    return re.compile(r"(?<!\w)(?:" + alternatives + r")\w*", re.IGNORECASE)


def _matches(pattern: re.Pattern | None, text: str) -> list[tuple[int, int, int]]:
    """(start, end, which word typed) of each match; accents are folded away only when plain matching finds nothing."""
    if pattern is None:
        return []
    found = [(m.start(), m.end(), m.lastindex) for m in pattern.finditer(text)]
    if not found and not text.isascii():
        found = [(m.start(), m.end(), m.lastindex) for m in pattern.finditer(_fold(text))]
    return found


def _fold(text: str) -> str:
    """Lower case without accents, one character for one, so positions in the result are positions in ``text``."""
    return text.translate({ord(ch): _fold_char(ch) for ch in set(text)})


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    return (unicodedata.normalize("NFD", ch)[:1] or ch).lower()[:1] or ch


def _text(blob: bytes) -> str:
    return zlib.decompress(blob).decode("utf-8", "replace")
