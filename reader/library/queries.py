"""SQL behind the façade: reads that must stay fast at 100,000 papers, and shared write steps.

Plain SQL over one connection: the paper table asks for a few dozen rows at a time
by id, and building ORM objects for them would cost more than the query.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only a type: the window's first paint reads without SQLAlchemy
    from sqlalchemy import Connection

from reader.library.status import Status
from reader.library.records import AnnotationRecord, CaptionRecord, FigureRow, NoteRecord, PaperDetail, PaperQuery, PaperRow, TagCount, ViewCounts
from reader.library.search import ParsedQuery, parse_query

SORT_COLUMNS = {
    "title": "p.title COLLATE NOCASE",
    "authors": "p.authors_display COLLATE NOCASE",
    "year": "p.year",
    "venue": "p.venue COLLATE NOCASE",
    "status": "p.status",
    "added": "p.id",
    "opened": "p.last_opened_at",
}


def paper_ids(conn: Connection, query: PaperQuery, offset: int = 0, limit: int | None = None) -> list[int]:
    """Ids of the papers the query shows, in its order, from ``offset``; at most ``limit`` of them.

    With words typed, papers come in three tiers, each in the query's order: the
    words in the title, authors or tags; elsewhere in what the library holds on the
    paper (summary, notes, captions, marks); then only in the paper's own pages.
    A tier is only run when the window reaches it, so the first page of a common
    word costs one FTS walk, as before the page index.
    """
    parsed = parse_query(query.text)
    if not parsed.fts:
        return _run_ids(conn, _plain_tier(conn, query, parsed), offset, limit)
    found: list[int] = []
    skip = offset
    leading_seen: list[int] | None = None  # every id of the first tier, once this call has fetched them all
    for number, tier in enumerate(_tiers(conn, query, parsed)):
        if limit is not None and len(found) >= limit:
            break
        if number == 1 and leading_seen is not None:
            tier = _tier_without(tier, leading_seen, f"{_LEADING} : ({parsed.fts})", parsed.fts)
        if skip:
            before = _run_count(conn, tier, skip)
            if before < skip:
                skip -= before
                continue
        wanted = None if limit is None else limit - len(found)
        got = _run_ids(conn, tier, skip, wanted)
        if number == 0 and skip == 0 and (wanted is None or len(got) < wanted) and len(got) <= 1000:
            leading_seen = got  # small enough to name in the SQL
        found += got
        skip = 0
    return found


def count(conn: Connection, query: PaperQuery, at_most: int | None = None) -> int:
    """How many papers the query shows; with ``at_most``, counting stops there."""
    parsed = parse_query(query.text)
    if not parsed.fts:
        return _run_count(conn, _plain_tier(conn, query, parsed), at_most)
    total = 0
    # The first two tiers together are every match of the words in paper_fts: one walk counts them.
    for tier in _tiers(conn, query, parsed, split_leading=False):
        total += _run_count(conn, tier, None if at_most is None else at_most - total)
        if at_most is not None and total >= at_most:
            break
    return total


_LEADING = "{title authors tags}"


class _Tier:
    """One SELECT of paper ids: ``key`` from ``source`` where ``where``, in ``order``."""

    def __init__(self, key: str, source: str, where: list[str], params: list[object], order: str) -> None:
        self.key, self.source, self.where, self.params, self.order = key, source, where, params, order

    def sql(self) -> str:
        return f"SELECT {self.key} FROM {self.source} WHERE {' AND '.join(self.where) or '1'}"


def _run_ids(conn: Connection, tier: _Tier, offset: int, limit: int | None) -> list[int]:
    sql = f"{tier.sql()} ORDER BY {tier.order}"
    if limit is not None:
        sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
    elif offset:
        sql += f" LIMIT -1 OFFSET {int(offset)}"
    return [row[0] for row in conn.exec_driver_sql(sql, tuple(tier.params))]


def _run_count(conn: Connection, tier: _Tier, at_most: int | None) -> int:
    sql = tier.sql()
    if at_most is not None:
        sql += f" LIMIT {int(at_most)}"
    return conn.exec_driver_sql(f"SELECT COUNT(*) FROM ({sql})", tuple(tier.params)).scalar_one()


def _sort(query: PaperQuery) -> tuple[str, str]:
    direction = "DESC" if query.descending else "ASC"
    return SORT_COLUMNS.get(query.sort, SORT_COLUMNS["added"]), direction


def _plain_tier(conn: Connection, query: PaperQuery, parsed: ParsedQuery) -> _Tier:
    """No words typed: papers straight from their table."""
    where, params = _conditions(conn, query, parsed)
    sort, direction = _sort(query)
    # "added" is insertion order, i.e. the id, which the primary key gives for free.
    order = f"p.id {direction}" if sort == SORT_COLUMNS["added"] else f"{sort} {direction}, p.id {direction}"
    return _Tier("p.id", "paper p", where, params, order)


def _tier_without(tier: _Tier, ids: list[int], old_match: str, new_match: str) -> _Tier:
    """The second tier when the first is known in full: the plain match minus those ids, one FTS walk
    instead of the two that "words NOT leading-columns:words" costs."""
    params = [new_match if p == f"({new_match}) NOT ({old_match})" else p for p in tier.params]
    where = tier.where + ([f"+f.rowid NOT IN ({','.join(str(int(i)) for i in ids)})"] if ids else [])
    return _Tier(tier.key, tier.source, where, params, tier.order)


def _tiers(conn: Connection, query: PaperQuery, parsed: ParsedQuery, split_leading: bool = True) -> list[_Tier]:
    sort, direction = _sort(query)
    tiers = []
    if parsed.scope == "notes":
        matches: tuple[str, ...] = (f"notes : ({parsed.fts})",)
    elif parsed.scope == "text":
        matches = ()
    elif split_leading:
        matches = (f"{_LEADING} : ({parsed.fts})", f"({parsed.fts}) NOT ({_LEADING} : ({parsed.fts}))")
    else:
        matches = (parsed.fts,)
    for match in matches:
        where, params = _conditions(conn, query, parsed, match)
        if sort == SORT_COLUMNS["added"]:
            # FTS5 walks a match in rowid order and stops after one page.
            tiers.append(_Tier("f.rowid", "paper_fts f", where, params, f"f.rowid {direction}"))
        else:
            tiers.append(_Tier("f.rowid", "paper_fts f JOIN paper p ON p.id = f.rowid", where, params,
                               f"{sort} {direction}, p.id {direction}"))
    if parsed.body:
        where, params = _conditions(conn, query, replace(parsed, fts=""))
        where.append("p.id IN (SELECT rowid >> 16 FROM page_fts WHERE page_fts MATCH ?)")
        params.append(parsed.body)
        if parsed.scope != "text":  # else listed in the tiers above
            where.append("p.id NOT IN (SELECT rowid FROM paper_fts WHERE paper_fts MATCH ?)")
            params.append(parsed.fts)
        order = f"p.id {direction}" if sort == SORT_COLUMNS["added"] else f"{sort} {direction}, p.id {direction}"
        tiers.append(_Tier("p.id", "paper p", where, params, order))
    return tiers


def _conditions(conn: Connection, query: PaperQuery, parsed: ParsedQuery, match: str | None = None
                ) -> tuple[list[str], list[object]]:
    """WHERE terms for either ``paper p`` or ``paper_fts f`` (``match``, else the typed words, against it).

    With a text query every paper condition becomes a test of the FTS rowid against
    a (small, indexed) set of paper ids, so SQLite never has to join each match to
    its paper row just to count or page through the matches.
    """
    where: list[str] = []
    params: list[object] = []
    fts = bool(parsed.fts)

    def on_paper(condition: str, *values: object, negate: bool = False) -> None:
        if fts:
            where.append(f"+f.rowid {'NOT IN' if negate else 'IN'} (SELECT id FROM paper WHERE {condition})")
        else:
            where.append(f"NOT ({condition})" if negate else condition)
        params.extend(values)

    if query.view == "trash":
        on_paper("trashed_at IS NOT NULL")
    elif query.view in ("to_read", "reading", "read"):
        on_paper("trashed_at IS NULL AND status = ?", query.view)
    elif not fts or _trash_in_use(conn):
        on_paper("trashed_at IS NOT NULL", negate=True)
    # The unary plus keeps SQLite from driving the query from these id sets, which
    # would re-run the FTS match once per id (38 s instead of 13 ms at 100k papers).
    key = "+f.rowid" if fts else "p.id"
    for tag in ([query.tag] if query.tag else []) + list(parsed.tags):
        if fts and any(ch.isalnum() for ch in tag):
            # The tag's own words in the indexed tags column let FTS5 narrow the match itself; only
            # those papers are then looked up in paper_tag, one key each. Building the whole id set
            # of a large tag costs more than the text search (8 ms for 10,000 papers).
            where.append("EXISTS (SELECT 1 FROM paper_tag pt WHERE pt.paper_id = f.rowid AND pt.tag_id IN"
                         " (SELECT id FROM tag WHERE name = ? COLLATE NOCASE))")
            where.append("paper_fts MATCH ?")
            params += [tag, _tags_phrase(tag)]
            continue
        where.append(f"{key} IN (SELECT pt.paper_id FROM paper_tag pt JOIN tag t ON t.id = pt.tag_id"
                     " WHERE t.name = ? COLLATE NOCASE)")
        params.append(tag)
    if parsed.statuses:
        on_paper(f"status IN ({','.join('?' * len(parsed.statuses))})", *parsed.statuses)
    for op, year in parsed.years:
        on_paper(f"year {op} ?", year)
    if fts:
        where.append("paper_fts MATCH ?")
        params.append(match or parsed.fts)
    return where, params


def _tags_phrase(tag: str) -> str:
    """An FTS5 query for the tag's words, in order, in the tags column (which holds every tag's
    name, so a paper with the tag always matches); quoted, so nothing in a name is syntax. A NUL
    would end FTS5's string early; the tokenizer reads it as a separator anyway, so a space will do."""
    return '{tags} : "' + tag.replace('"', '""').replace("\x00", " ") + '"'


def _trash_in_use(conn: Connection) -> bool:
    return conn.exec_driver_sql("SELECT EXISTS (SELECT 1 FROM paper WHERE trashed_at IS NOT NULL)").scalar_one() == 1


def paper_rows(conn: Connection, ids: Sequence[int]) -> list[PaperRow]:
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    tags = _tags_for(conn, ids)
    found = {}
    for row in conn.exec_driver_sql(
        "SELECT id, title, authors_display, year, venue, status, added_at, pdf_path, trashed_at,"
        " (SELECT COUNT(*) FROM annotation a WHERE a.paper_id = paper.id)"
        f" FROM paper WHERE id IN ({marks})", tuple(ids)
    ):
        found[row[0]] = PaperRow(
            id=row[0], title=row[1], authors=row[2], year=row[3], venue=row[4], tags=tags.get(row[0], ()),
            status=Status(row[5]), added_at=_dt(row[6]), has_pdf=bool(row[7]), trashed=row[8] is not None,
            annotation_count=row[9],
        )
    return [found[i] for i in ids if i in found]


def paper_detail(conn: Connection, paper_id: int) -> PaperDetail | None:
    row = conn.exec_driver_sql(
        "SELECT id, title, year, venue, summary, doi, arxiv_id, url, code_url, status, rating, added_at,"
        " updated_at, last_opened_at, pdf_path, pdf_hash, page_count, last_page, last_zoom, trashed_at,"
        " edited_fields FROM paper WHERE id = ?", (paper_id,)
    ).first()
    if row is None:
        return None
    authors = tuple(r[0] for r in conn.exec_driver_sql(
        "SELECT a.name FROM paper_author pa JOIN author a ON a.id = pa.author_id"
        " WHERE pa.paper_id = ? ORDER BY pa.position", (paper_id,)))
    notes = tuple(
        NoteRecord(r[0], paper_id, r[1], _dt(r[2]), _dt(r[3]))
        for r in conn.exec_driver_sql(
            "SELECT id, body, created_at, updated_at FROM note WHERE paper_id = ? ORDER BY created_at, id",
            (paper_id,))
    )
    return PaperDetail(
        id=row[0], title=row[1], authors=authors, year=row[2], venue=row[3], summary=row[4], doi=row[5],
        arxiv_id=row[6], url=row[7], code_url=row[8], status=Status(row[9]), rating=row[10],
        tags=_tags_for(conn, [paper_id]).get(paper_id, ()), added_at=_dt(row[11]), updated_at=_dt(row[12]),
        last_opened_at=_dt(row[13]) if row[13] else None, pdf_path=row[14], pdf_hash=row[15],
        page_count=row[16], last_page=row[17], last_zoom=row[18], trashed=row[19] is not None,
        edited_fields=frozenset(f for f in row[20].split(",") if f), notes=notes,
        captions=tuple(captions_for(conn, paper_id)),
    )


def captions_for(conn: Connection, paper_id: int) -> list[CaptionRecord]:
    out = []
    for r in conn.exec_driver_sql(
        "SELECT id, label, kind, number, text, page, x0, y0, x1, y1, region_x0, region_y0, region_x1, region_y1,"
        " thumbnail FROM figure_caption WHERE paper_id = ? ORDER BY page, id", (paper_id,)
    ):
        bbox = tuple(r[6:10]) if r[6] is not None else None
        region = tuple(r[10:14]) if r[10] is not None else None
        out.append(CaptionRecord(r[1], r[2], r[3], r[4], r[5], bbox, region, r[14], r[0]))
    return out


def tag_counts(conn: Connection) -> list[TagCount]:
    """Papers per tag, not counting the Trash.

    Counted from the link table's index, minus the (few) trashed papers: a join
    against every paper costs 200 ms at 100,000 papers, this about 8 ms.
    """
    totals = dict(conn.exec_driver_sql("SELECT tag_id, COUNT(*) FROM paper_tag GROUP BY tag_id").all())
    trashed = dict(conn.exec_driver_sql(
        "SELECT tag_id, COUNT(*) FROM paper_tag WHERE paper_id IN"
        " (SELECT id FROM paper WHERE trashed_at IS NOT NULL) GROUP BY tag_id").all())
    return [
        TagCount(name, totals.get(tag_id, 0) - trashed.get(tag_id, 0), colour)
        for tag_id, name, colour in conn.exec_driver_sql(
            "SELECT id, name, colour FROM tag ORDER BY name COLLATE NOCASE")
    ]


def view_counts(conn: Connection) -> ViewCounts:
    to_read, reading, read, trash = conn.exec_driver_sql(
        "SELECT (SELECT COUNT(*) FROM paper WHERE trashed_at IS NULL AND status = 'to_read'),"
        " (SELECT COUNT(*) FROM paper WHERE trashed_at IS NULL AND status = 'reading'),"
        " (SELECT COUNT(*) FROM paper WHERE trashed_at IS NULL AND status = 'read'),"
        " (SELECT COUNT(*) FROM paper WHERE trashed_at IS NOT NULL)").one()
    return ViewCounts(to_read + reading + read, to_read, reading, read, trash)


def edited_fields(conn: Connection, paper_id: int) -> set[str]:
    row = conn.exec_driver_sql("SELECT edited_fields FROM paper WHERE id = ?", (paper_id,)).first()
    if row is None:
        from reader.errors import NotFoundError

        raise NotFoundError(f"There is no paper with id {paper_id}.")
    return {f for f in row[0].split(",") if f}


def write_authors(conn: Connection, paper_id: int, authors: Iterable[str]) -> None:
    names = [" ".join(a.split()) for a in authors if a and a.strip()]
    conn.exec_driver_sql("DELETE FROM paper_author WHERE paper_id = ?", (paper_id,))
    for position, name in enumerate(names):
        conn.exec_driver_sql("INSERT OR IGNORE INTO author (name) VALUES (?)", (name,))
        author_id = conn.exec_driver_sql("SELECT id FROM author WHERE name = ?", (name,)).scalar_one()
        conn.exec_driver_sql(
            "INSERT INTO paper_author (paper_id, position, author_id) VALUES (?, ?, ?)",
            (paper_id, position, author_id))
    conn.exec_driver_sql("UPDATE paper SET authors_display = ? WHERE id = ?", ("; ".join(names), paper_id))


def add_tags(conn: Connection, paper_ids: Sequence[int], names: Sequence[str]) -> None:
    for name in names:
        conn.exec_driver_sql("INSERT OR IGNORE INTO tag (name) VALUES (?)", (name,))
        tag_id = conn.exec_driver_sql("SELECT id FROM tag WHERE name = ? COLLATE NOCASE", (name,)).scalar_one()
        for paper_id in paper_ids:
            conn.exec_driver_sql("INSERT OR IGNORE INTO paper_tag (paper_id, tag_id) VALUES (?, ?)",
                                 (paper_id, tag_id))


def write_captions(conn: Connection, paper_id: int, captions: Iterable[CaptionRecord]) -> None:
    for c in captions:
        bbox = tuple(c.bbox) if c.bbox else (None,) * 4
        region = tuple(c.region) if c.region else (None,) * 4
        conn.exec_driver_sql(
            "INSERT INTO figure_caption (paper_id, label, kind, number, text, page, x0, y0, x1, y1,"
            " region_x0, region_y0, region_x1, region_y1, thumbnail)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (paper_id, c.label, c.kind, c.number, c.text, c.page, *bbox, *region, c.thumbnail))


def mark_touched(conn: Connection, paper_ids: Iterable[int]) -> None:
    """Remember, inside a write, which papers it changed: their sidecars are rewritten after COMMIT."""
    touched = conn.info.get("touched")
    if touched is not None:
        touched.update(paper_ids)


def touch(conn: Connection, paper_ids: Sequence[int]) -> None:
    from reader.library.library import utcnow

    mark_touched(conn, paper_ids)
    now = utcnow()
    for paper_id in paper_ids:
        conn.exec_driver_sql("UPDATE paper SET updated_at = ? WHERE id = ?", (now, paper_id))


def reindex(conn: Connection, paper_id: int) -> None:
    """Rewrite the paper's full-text row from the tables it summarises."""
    mark_touched(conn, (paper_id,))
    conn.exec_driver_sql("DELETE FROM paper_fts WHERE rowid = ?", (paper_id,))
    conn.exec_driver_sql(
        "INSERT INTO paper_fts (rowid, title, authors, summary, tags, notes, captions, annotations)"
        " SELECT p.id, p.title, p.authors_display || ' ' || p.venue, p.summary,"
        " (SELECT group_concat(t.name, ' ') FROM paper_tag pt JOIN tag t ON t.id = pt.tag_id"
        "   WHERE pt.paper_id = p.id),"
        " (SELECT group_concat(n.body, ' ') FROM note n WHERE n.paper_id = p.id),"
        " (SELECT group_concat(c.label || ' ' || c.text, ' ') FROM figure_caption c WHERE c.paper_id = p.id),"
        " (SELECT group_concat(a.quote || ' ' || a.comment, ' ') FROM annotation a WHERE a.paper_id = p.id)"
        " FROM paper p WHERE p.id = ?", (paper_id,))


ANNOTATION_COLUMNS = ("id, paper_id, kind, page, x0, y0, x1, y1, quads, colour, quote, comment,"
                      " image IS NOT NULL, source, created_at, updated_at")


def annotation_records(conn: Connection, where: str, params: tuple) -> list[AnnotationRecord]:
    rows = conn.exec_driver_sql(
        f"SELECT {ANNOTATION_COLUMNS}, (SELECT page_count FROM paper WHERE paper.id = annotation.paper_id)"
        f" FROM annotation WHERE {where} ORDER BY page, y0, x0, id", params).all()
    return [
        AnnotationRecord(
            id=r[0], paper_id=r[1], kind=r[2], page=r[3], rect=(r[4], r[5], r[6], r[7]),
            quads=tuple(tuple(q) for q in json.loads(r[8])) if r[8] else (), colour=r[9], quote=r[10],
            comment=r[11], has_image=bool(r[12]), source=r[13], created_at=_dt(r[14]), updated_at=_dt(r[15]),
            detached=bool(r[16]) and r[3] > r[16],
        )
        for r in rows
    ]


def _tags_for(conn: Connection, ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    marks = ",".join("?" * len(ids))
    out: dict[int, list[str]] = {}
    for paper_id, name in conn.exec_driver_sql(
        "SELECT pt.paper_id, t.name FROM paper_tag pt JOIN tag t ON t.id = pt.tag_id"
        f" WHERE pt.paper_id IN ({marks}) ORDER BY t.name COLLATE NOCASE", tuple(ids)
    ):
        out.setdefault(paper_id, []).append(name)
    return {k: tuple(v) for k, v in out.items()}


def _dt(value) -> datetime | None:
    """A stored time, or ``None`` (shown as unknown) when the row holds something that is not one.

    A hand-edited or foreign database must not stop the list from showing; ``check``
    names such rows (:func:`unreadable_time`).
    """
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def unreadable_time(value) -> bool:
    """True for a stored time that is there but cannot be read as one."""
    return value is not None and _dt(value) is None


def figure_rows(conn: Connection, text: str = "", tag: str | None = None, limit: int = 5000) -> list[FigureRow]:
    """Figures and tables across the library, newest paper first, narrowed by caption words.

    Papers are narrowed with the FTS index's captions column first, so a search
    never scans every caption; the words are then checked per caption.
    """
    words = [w.casefold() for w in re.findall(r"\w+", text)]
    where = ["p.trashed_at IS NULL"]
    params: list[object] = []
    if words:
        match = " AND ".join(f'captions : "{w}"*' for w in words[:20])
        where.append("p.id IN (SELECT rowid FROM paper_fts WHERE paper_fts MATCH ?)")
        params.append(match)
    if tag:
        where.append("p.id IN (SELECT pt.paper_id FROM paper_tag pt JOIN tag t ON t.id = pt.tag_id"
                     " WHERE t.name = ? COLLATE NOCASE)")
        params.append(tag)
    rows = conn.exec_driver_sql(
        "SELECT c.id, p.id, p.title, c.label, c.kind, c.text, c.page, c.x0, c.y0, c.x1, c.y1,"
        " c.region_x0, c.region_y0, c.region_x1, c.region_y1, c.thumbnail"
        f" FROM figure_caption c JOIN paper p ON p.id = c.paper_id WHERE {' AND '.join(where)}"
        " ORDER BY p.id DESC, c.page, c.id", tuple(params))
    out: list[FigureRow] = []
    for r in rows:
        caption = (r[3] + " " + r[5]).casefold()
        if words and not all(re.search(r"\b" + re.escape(w), caption) for w in words):
            continue
        out.append(FigureRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6],
                             tuple(r[7:11]) if r[7] is not None else None,
                             tuple(r[11:15]) if r[11] is not None else None, r[15]))
        if len(out) >= limit:
            break
    return out
