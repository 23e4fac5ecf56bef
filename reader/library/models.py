"""The library's tables, declared with SQLModel.

They describe the schema that the migrations in ``migrations.py`` create, and
``tests/library/test_schema.py`` checks that the two never drift apart. The
façade itself talks SQL over SQLAlchemy Core connections and does not import
this module: importing sqlmodel costs about half a second, which would double
the time to the first window, and the paper table reads a few dozen rows at a
time where building ORM objects would cost more than the query.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from reader.library.status import Status


class Paper(SQLModel, table=True):
    __tablename__ = "paper"
    __table_args__ = {"sqlite_autoincrement": True}  # ids are never reused (migration 4)

    id: int | None = Field(default=None, primary_key=True)
    title: str = ""
    authors_display: str = ""  # "A. One, B. Two"; the ordered truth is in paper_author
    year: int | None = None
    venue: str = ""
    summary: str = ""
    doi: str = ""
    arxiv_id: str = ""
    url: str = ""
    code_url: str = ""
    status: str = Status.TO_READ.value
    rating: int = 0
    added_at: datetime
    updated_at: datetime
    last_opened_at: datetime | None = None
    pdf_path: str = ""  # relative to the library folder
    pdf_hash: str = Field(default="", index=True)
    page_count: int = 0
    last_page: int = 0
    last_zoom: float = 0.0  # 0 = fit width, -1 = fit page
    trashed_at: datetime | None = None
    edited_fields: str = ""  # comma-separated names the user typed; extraction leaves them alone


class Author(SQLModel, table=True):
    __tablename__ = "author"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)


class PaperAuthor(SQLModel, table=True):
    __tablename__ = "paper_author"

    paper_id: int = Field(foreign_key="paper.id", primary_key=True, ondelete="CASCADE")
    position: int = Field(primary_key=True)
    author_id: int = Field(foreign_key="author.id", ondelete="CASCADE")


class Tag(SQLModel, table=True):
    __tablename__ = "tag"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)  # COLLATE NOCASE in the DDL
    colour: str = ""


class PaperTag(SQLModel, table=True):
    __tablename__ = "paper_tag"

    paper_id: int = Field(foreign_key="paper.id", primary_key=True, ondelete="CASCADE")
    tag_id: int = Field(foreign_key="tag.id", primary_key=True, ondelete="CASCADE")


class Note(SQLModel, table=True):
    __tablename__ = "note"
    __table_args__ = {"sqlite_autoincrement": True}  # ids are never reused (migration 4)

    id: int | None = Field(default=None, primary_key=True)
    paper_id: int = Field(foreign_key="paper.id", index=True, ondelete="CASCADE")
    body: str = ""
    created_at: datetime
    updated_at: datetime


class FigureCaption(SQLModel, table=True):
    __tablename__ = "figure_caption"
    __table_args__ = {"sqlite_autoincrement": True}  # ids are never reused (migration 4)

    id: int | None = Field(default=None, primary_key=True)
    paper_id: int = Field(foreign_key="paper.id", index=True, ondelete="CASCADE")
    label: str = ""
    kind: str = "figure"
    number: str = ""
    text: str = ""
    page: int = 0  # 1-based; 0 when unknown (captions typed by hand)
    x0: float | None = None
    y0: float | None = None
    x1: float | None = None
    y1: float | None = None
    region_x0: float | None = None
    region_y0: float | None = None
    region_x1: float | None = None
    region_y1: float | None = None
    thumbnail: str = ""  # relative to the library folder


class Annotation(SQLModel, table=True):
    """A mark on a page: coordinates in PDF points, origin top-left, so it fits any zoom."""

    __tablename__ = "annotation"
    __table_args__ = {"sqlite_autoincrement": True}  # ids are never reused (migration 3)

    id: int | None = Field(default=None, primary_key=True)
    paper_id: int = Field(foreign_key="paper.id", ondelete="CASCADE")
    kind: str  # highlight | underline | strikeout | note | area
    page: int  # 1-based
    x0: float
    y0: float
    x1: float
    y1: float
    quads: str = ""  # JSON: [[x0, y0, x1, y1], ...] one rectangle per marked line
    colour: str = "#ffd400"
    quote: str = ""
    comment: str = ""  # Markdown
    image: bytes | None = None  # PNG of an area mark
    source: str = "app"  # app | file (read from the PDF's own annotations)
    created_at: datetime
    updated_at: datetime


class SidecarPending(SQLModel, table=True):
    """Papers whose sidecar a committed write has not rewritten yet (migration 5)."""

    __tablename__ = "sidecar_pending"

    paper_id: int = Field(primary_key=True)
    token: str = Field(primary_key=True)


class PageText(SQLModel, table=True):
    """One page's text, zlib-compressed; ``id`` is ``paper_id << 16 | page`` (migration 6).

    Its searchable index is the contentless FTS5 table ``page_fts``, which SQLModel
    does not declare.
    """

    __tablename__ = "page_text"

    id: int | None = Field(default=None, primary_key=True)
    text: bytes


class BodyText(SQLModel, table=True):
    """Which PDF a paper's pages were indexed from, and how it went (migration 6)."""

    __tablename__ = "body_text"

    paper_id: int = Field(foreign_key="paper.id", primary_key=True, ondelete="CASCADE")
    pdf_hash: str
    pages: int
    outcome: str  # indexed | no_text (a scan without a text layer) | unreadable


class FetchLater(SQLModel, table=True):
    """A paper added by identifier whose PDF or metadata is still to be fetched, and why (migration 7)."""

    __tablename__ = "fetch_later"

    paper_id: int = Field(foreign_key="paper.id", primary_key=True, ondelete="CASCADE")
    reason: str = ""
    tried_at: datetime
