"""In-text citations and the bibliography they point to (issue 18).

``index_document`` (PyMuPDF) builds a :class:`CitationIndex`; everything else
here is plain Python over its rows and its result.
"""

from reader.pdf.citations.model import CitationIndex, Entry, Marker

__all__ = ["CitationIndex", "Entry", "Marker"]
