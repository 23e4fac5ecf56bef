"""Plain, frozen values the façade hands out.

Callers (UI, CLI, exporters) get these instead of ORM objects, so nothing outside
``reader.library`` can lazy-load across a closed session or write by accident.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from reader.library.status import Status


@dataclass(frozen=True)
class PaperFields:
    """What a person (or an extractor) can say about a paper when adding it."""

    title: str = ""
    authors: tuple[str, ...] = ()
    year: int | None = None
    venue: str = ""
    summary: str = ""
    doi: str = ""
    arxiv_id: str = ""
    url: str = ""
    code_url: str = ""
    status: Status = Status.TO_READ
    rating: int = 0
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class CaptionRecord:
    label: str
    kind: str
    number: str
    text: str
    page: int
    bbox: tuple[float, float, float, float] | None = None
    region: tuple[float, float, float, float] | None = None
    thumbnail: str = ""
    id: int | None = None


ANNOTATION_KINDS = ("highlight", "underline", "strikeout", "note", "area")
Rect = tuple[float, float, float, float]


@dataclass(frozen=True)
class AnnotationFields:
    """A new mark. Coordinates are PDF points on the page, origin top-left."""

    kind: str
    page: int  # 1-based
    rect: Rect
    quads: tuple[Rect, ...] = ()  # one rectangle per marked line, for text marks
    colour: str = "#ffd400"
    quote: str = ""
    comment: str = ""
    image: bytes | None = None  # PNG, for area marks
    source: str = "app"  # "file" when read from the PDF's own annotations


@dataclass(frozen=True)
class AnnotationRecord:
    id: int
    paper_id: int
    kind: str
    page: int
    rect: Rect
    quads: tuple[Rect, ...]
    colour: str
    quote: str
    comment: str
    has_image: bool
    source: str
    created_at: datetime | None  # None: stored, but not readable as a time
    updated_at: datetime | None  # None: stored, but not readable as a time
    detached: bool = False  # its page no longer exists in the paper's PDF

    def fields(self, image: bytes | None = None) -> AnnotationFields:
        return AnnotationFields(self.kind, self.page, self.rect, self.quads, self.colour, self.quote,
                                self.comment, image, self.source)


@dataclass(frozen=True)
class FigureRow:
    """One figure or table of the library-wide Figures view."""

    caption_id: int
    paper_id: int
    paper_title: str
    label: str
    kind: str
    text: str
    page: int
    bbox: tuple[float, float, float, float] | None
    region: tuple[float, float, float, float] | None
    thumbnail: str


@dataclass(frozen=True)
class NoteRecord:
    id: int
    paper_id: int
    body: str
    created_at: datetime | None
    updated_at: datetime | None


@dataclass(frozen=True)
class PaperRow:
    """One line of the paper table: only what the columns show."""

    id: int
    title: str
    authors: str
    year: int | None
    venue: str
    tags: tuple[str, ...]
    status: Status
    added_at: datetime | None  # None: stored, but not readable as a time
    has_pdf: bool
    trashed: bool
    annotation_count: int = 0


@dataclass(frozen=True)
class PaperDetail:
    id: int
    title: str
    authors: tuple[str, ...]
    year: int | None
    venue: str
    summary: str
    doi: str
    arxiv_id: str
    url: str
    code_url: str
    status: Status
    rating: int
    tags: tuple[str, ...]
    added_at: datetime | None
    updated_at: datetime | None
    last_opened_at: datetime | None
    pdf_path: str
    pdf_hash: str
    page_count: int
    last_page: int
    last_zoom: float
    trashed: bool
    edited_fields: frozenset[str]
    notes: tuple[NoteRecord, ...] = ()
    captions: tuple[CaptionRecord, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The stable JSON shape documented in the README (``show --json``)."""
        data = paper_json(self)
        data.update(
            summary=self.summary,
            doi=self.doi,
            arxiv_id=self.arxiv_id,
            url=self.url,
            code_url=self.code_url,
            rating=self.rating,
            pdf=self.pdf_path or None,
            page_count=self.page_count,
            updated_at=_iso(self.updated_at),
            last_opened_at=_iso(self.last_opened_at),
            trashed=self.trashed,
            notes=[
                {"id": n.id, "body": n.body, "created_at": _iso(n.created_at), "updated_at": _iso(n.updated_at)}
                for n in self.notes
            ],
            captions=[
                {
                    "label": c.label,
                    "kind": c.kind,
                    "number": c.number,
                    "page": c.page,
                    "text": c.text,
                    "bbox": list(c.bbox) if c.bbox else None,
                }
                for c in self.captions
            ],
        )
        return data


@dataclass(frozen=True)
class TagCount:
    name: str
    count: int
    colour: str = ""


@dataclass(frozen=True)
class AddOutcome:
    paper_id: int
    created: bool  # False: the same PDF (by content) was already in the library
    title: str
    restored_from_trash: bool = False


@dataclass(frozen=True)
class ViewCounts:
    all: int = 0
    to_read: int = 0
    reading: int = 0
    read: int = 0
    trash: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True)
class PaperQuery:
    """What the table shows: a view, an optional tag, the search text and the sort."""

    text: str = ""
    view: str = "all"  # all | to_read | reading | read | trash
    tag: str | None = None
    sort: str = "added"  # title | authors | year | venue | status | added
    descending: bool = True
    extra: dict[str, Any] = field(default_factory=dict)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def paper_json(paper: PaperRow | PaperDetail) -> dict[str, Any]:
    authors = paper.authors if isinstance(paper.authors, tuple) else tuple(
        a.strip() for a in paper.authors.split(";") if a.strip()
    )
    return {
        "id": paper.id,
        "title": paper.title,
        "authors": list(authors),
        "year": paper.year,
        "venue": paper.venue,
        "tags": list(paper.tags),
        "status": paper.status.value,
        "added_at": _iso(paper.added_at),
    }
