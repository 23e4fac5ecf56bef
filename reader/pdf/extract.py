"""Metadata and figure/table captions of a PDF, offline, with PyMuPDF only.

This is the public entry of the extraction core; it knows nothing of Qt or of
the library and is meant to run in the PDF worker process.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import pymupdf

from reader.pdf.captions import CaptionHit, choose, find_captions
from reader.pdf.document import opened_pdf
from reader.pdf.metadata import PaperMetadata, extract_metadata, sane_info_title
from reader.pdf.regions import (
    PageRegions,
    choose_region,
    page_marks,
    running_lines,
    running_rules,
    settle,
    side_votes,
    text_layout,
)
from reader.pdf.text import Line, PageContent, body_font_size, read_page, vocabulary
from reader.pdf.thumbnails import render_region_thumbnail

__all__ = [
    "Caption",
    "Extraction",
    "PaperMetadata",
    "extract_pdf",
    "extract_document",
    "extraction_to_json",
    "render_region_thumbnail",
]

Rect = tuple[float, float, float, float]
NO_TEXT_LAYER = "no text layer"


@dataclass(frozen=True)
class Caption:
    label: str
    kind: str
    number: str
    page: int
    text: str
    bbox: Rect
    region: Rect | None = None


@dataclass(frozen=True)
class Extraction:
    metadata: PaperMetadata
    captions: tuple[Caption, ...]
    page_count: int
    has_text_layer: bool
    warnings: tuple[str, ...] = field(default_factory=tuple)


def _round(rect: Rect | None) -> Rect | None:
    return None if rect is None else tuple(round(v, 2) for v in rect)  # type: ignore[return-value]


def extract_document(doc: pymupdf.Document) -> Extraction:
    """Extraction from an open document; never raises for odd content."""
    warnings: list[str] = []
    pages: list[list[Line]] = []
    vectors: list[list[Rect]] = []
    heights: list[float] = []
    first_side: list[str] = []
    for number in range(doc.page_count):
        try:
            page = doc[number]
            heights.append(page.rect.height)
            content = read_page(page)
        except Exception:
            content = PageContent([], [], [])
            if len(heights) <= number:
                heights.append(792.0)
            warnings.append(f"page {number + 1} could not be read")
        pages.append(content.lines)
        vectors.append(content.vectors)
        if number == 0:
            first_side = content.side_text
    chars = sum(len(ln.text) for lines in pages for ln in lines)
    has_text = chars >= 20
    if not has_text:
        warnings.append(NO_TEXT_LAYER)
    body = body_font_size(pages)
    try:
        metadata = extract_metadata(doc, pages, body, first_side) if has_text else _info_only(doc)
    except Exception:
        metadata = PaperMetadata()
        warnings.append("metadata could not be read")
    vocab = vocabulary(pages)
    hits: list[CaptionHit] = []
    for number, lines in enumerate(pages):
        try:
            hits.extend(find_captions(lines, number + 1, body, vocab))
        except Exception:
            warnings.append(f"captions on page {number + 1} could not be read")
    by_page: dict[int, list[CaptionHit]] = {}
    for hit in hits:
        by_page.setdefault(hit.page, []).append(hit)
    checked: list[CaptionHit] = []
    layout = text_layout(pages, body, _column_width(pages, body))
    running = running_lines(pages, heights)
    furniture = running_rules(vectors, heights)
    candidates = {}
    for number, page_hits in by_page.items():
        try:
            page = doc[number - 1]
            graphics, turned = page_marks(page, vectors[number - 1])
            free = PageRegions(pages[number - 1], graphics, turned, page_hits, body, layout, page.rect, running, furniture)
            for hit in page_hits:
                candidates[id(hit)] = (hit.kind, free.candidates(hit))
        except Exception:
            warnings.append(f"figure regions on page {number} could not be found")
        checked.extend(page_hits)
    votes = side_votes(list(candidates.values()))
    regions: dict[int, Rect | None] = {}
    for page_hits in by_page.values():
        chosen = [(h, choose_region(h.kind, candidates.get(id(h), (h.kind, []))[1], votes)) for h in page_hits]
        settled = settle([c for _, c in chosen if c is not None])
        picks = iter(settled)
        for hit, cand in chosen:
            regions[id(hit)] = next(picks).rect if cand is not None else None
            if regions[id(hit)] is not None:
                hit.score += 0.5  # a label with a picture beside it beats a list-of-figures entry
    captions = tuple(
        Caption(
            label=h.label,
            kind=h.kind,
            number=h.number,
            page=h.page,
            text=h.text,
            bbox=_round(h.bbox),  # type: ignore[arg-type]
            region=_round(regions.get(id(h))),
        )
        for h in choose(checked)
    )
    return Extraction(
        metadata=metadata,
        captions=captions,
        page_count=doc.page_count,
        has_text_layer=has_text,
        warnings=tuple(warnings),
    )


def _column_width(pages: list[list[Line]], body: float) -> float:
    widths = sorted(ln.width for lines in pages for ln in lines if abs(ln.size - body) < 0.6)
    return widths[int(0.9 * (len(widths) - 1))] if widths else 250.0


def _info_only(doc: pymupdf.Document) -> PaperMetadata:
    """Without a text layer only the Info dictionary can name the paper."""
    return PaperMetadata(title=sane_info_title((doc.metadata or {}).get("title")))


def extract_pdf(path: str | os.PathLike[str], password: str | None = None) -> Extraction:
    """Metadata and captions of the PDF at ``path``.

    Raises :class:`reader.errors.PdfError` only when the file cannot be opened at
    all; anything odd inside a readable file becomes a warning instead.
    """
    with opened_pdf(path, password) as doc:
        return extract_document(doc)


def extraction_to_json(ex: Extraction) -> dict:
    """The shape printed by ``reading-list extract FILE.pdf --json``."""
    meta = ex.metadata
    return {
        "title": meta.title,
        "authors": list(meta.authors),
        "year": meta.year,
        "venue": meta.venue,
        "doi": meta.doi,
        "arxiv_id": meta.arxiv_id,
        "abstract": meta.abstract,
        "page_count": ex.page_count,
        "has_text_layer": ex.has_text_layer,
        "warnings": list(ex.warnings),
        "captions": [
            {
                "label": c.label,
                "kind": c.kind,
                "number": c.number,
                "page": c.page,
                "text": c.text,
                "bbox": list(c.bbox),
                "region": list(c.region) if c.region else None,
            }
            for c in ex.captions
        ],
    }
