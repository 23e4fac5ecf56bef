"""The reading list's storage and domain: SQLite through one façade, no Qt.

Import :class:`Library` and the record types from here; the rest is internal.
:class:`Library` is loaded on first use: it brings SQLAlchemy (a quarter of a second),
which the window's first paint does without (reader.library.quick_read).
"""

from typing import TYPE_CHECKING

from reader.library.status import Status
from reader.library.records import (
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
    paper_json,
)

if TYPE_CHECKING:
    from reader.library.library import Library


def __getattr__(name: str):
    if name == "Library":
        from reader.library.library import Library

        globals()["Library"] = Library
        return Library
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AddOutcome", "AnnotationFields", "AnnotationRecord", "CaptionRecord", "FigureRow", "Library", "NoteRecord", "PaperDetail", "PaperFields", "PaperQuery",
    "PaperRow", "Status", "TagCount", "ViewCounts", "paper_json",
]
