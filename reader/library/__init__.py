"""The reading list's storage and domain: SQLite through one façade, no Qt.

Import :class:`Library` and the record types from here; the rest is internal.
"""

from reader.library.library import Library
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

__all__ = [
    "AddOutcome", "AnnotationFields", "AnnotationRecord", "CaptionRecord", "FigureRow", "Library", "NoteRecord", "PaperDetail", "PaperFields", "PaperQuery",
    "PaperRow", "Status", "TagCount", "ViewCounts", "paper_json",
]
