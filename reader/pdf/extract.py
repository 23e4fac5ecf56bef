"""Metadata and figure/table captions of a PDF, offline, with PyMuPDF only.

This is the public entry of the extraction core; it knows nothing of Qt or of
the library and is meant to run in the PDF worker process. What holds for the
whole paper is worked out here: the body size, where paragraphs sit, the
running heads, and on which side of its captions the paper sets its floats.
"""

from __future__ import annotations

import gc
import os
import re
from collections import Counter
from dataclasses import dataclass, field

import pymupdf

from reader.pdf.captions import CaptionHit, choose, find_captions
from reader.pdf.document import opened_pdf
from reader.pdf.metadata import PaperMetadata, extract_metadata, sane_info_title
from reader.pdf.page_text import bounded, text_of_lines
from reader.pdf.regions import Candidate, Layout, PageRegions, page_marks
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
    page_texts: tuple[str, ...] = field(default_factory=tuple)  # for the library's full-text index


def _round(rect: Rect | None) -> Rect | None:
    return None if rect is None else tuple(round(v, 2) for v in rect)  # type: ignore[return-value]


def extract_document(doc: pymupdf.Document) -> Extraction:
    """Extraction from an open document; never raises for odd content.

    Python's cycle collector is paused meanwhile: MuPDF's page dicts and the lines
    built from them are hundreds of thousands of objects a paper, which set it off
    hundreds of times (5 % of extraction's time) to find nothing, as none of them
    form cycles (none were found over the whole test corpus, hostile files included).
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _extract_document(doc)
    finally:
        if collecting:
            gc.enable()


def _extract_document(doc: pymupdf.Document) -> Extraction:
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
    page_texts = bounded([text_of_lines(lines, vocab) for lines in pages]) if has_text else ()
    hits: list[CaptionHit] = []
    for number, lines in enumerate(pages):
        try:
            hits.extend(find_captions(lines, number + 1, body, vocab))
        except Exception:
            warnings.append(f"captions on page {number + 1} could not be read")
    by_page: dict[int, list[CaptionHit]] = {}
    for hit in hits:
        by_page.setdefault(hit.page, []).append(hit)
    checked = [hit for page_hits in by_page.values() for hit in page_hits]
    regions = _regions(doc, pages, vectors, heights, by_page, body, warnings)
    for hit in checked:
        if regions.get(id(hit)) is not None:
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
        page_texts=page_texts,
    )


def _regions(
    doc: pymupdf.Document,
    pages: list[list[Line]],
    vectors: list[list[Rect]],
    heights: list[float],
    by_page: dict[int, list[CaptionHit]],
    body: float,
    warnings: list[str],
) -> dict[int, Rect | None]:
    """The region of every caption, by id; the side of each is decided across the paper."""
    layout = _text_layout(pages, body, _column_width(pages, body))
    running = _running_lines(pages, heights)
    furniture = _running_rules(vectors, heights)
    candidates: dict[int, tuple[str, list[Candidate]]] = {}
    for number, page_hits in by_page.items():
        try:
            page = doc[number - 1]
            graphics, turned = page_marks(page, vectors[number - 1])
            free = PageRegions(pages[number - 1], graphics, turned, page_hits, body, layout, page.rect, running, furniture)
            for hit in page_hits:
                candidates[id(hit)] = (hit.kind, free.candidates(hit))
        except Exception:
            warnings.append(f"figure regions on page {number} could not be found")
    votes = _side_votes(list(candidates.values()))
    regions: dict[int, Rect | None] = {}
    for page_hits in by_page.values():
        chosen = [(h, _choose_region(h.kind, candidates.get(id(h), (h.kind, []))[1], votes)) for h in page_hits]
        settled = iter(_settle([c for _, c in chosen if c is not None]))
        for hit, cand in chosen:
            regions[id(hit)] = next(settled).rect if cand is not None else None
    return regions


_DIGITS = re.compile(r"\d+")
_FOLIO = re.compile(r"^[\divxlcIVXLC\s.\-\u2013|]+$")


def _running_lines(pages: list[list[Line]], heights: list[float]) -> set[int]:
    """Ids of running heads, feet and page numbers: they frame a page, not a figure."""
    seen: Counter[tuple[int, str]] = Counter()
    marginal = []
    for lines, height in zip(pages, heights):
        here = [(ln, (round(ln.y0 / 3), _DIGITS.sub("#", ln.text.lower())[:40]))
                for ln in lines if ln.y1 < 0.12 * height or ln.y0 > 0.88 * height]
        seen.update({key for _, key in here})
        marginal.append(here)
    need = max(2.0, min(0.3 * len(pages), 5.0))
    return {id(ln) for here in marginal for ln, key in here if seen[key] >= need or _FOLIO.match(ln.text)}


def _running_rules(vectors: list[list[Rect]], heights: list[float]) -> list[Rect]:
    """Rules and bars repeated in the page margins: the page's furniture, not a figure's."""
    seen: Counter[tuple[int, ...]] = Counter()
    for rects, height in zip(vectors, heights):
        seen.update({tuple(round(v) for v in r) for r in rects if r[3] < 0.12 * height or r[1] > 0.88 * height})
    return [r for r, n in seen.items() if n >= max(2.0, min(0.3 * len(vectors), 5.0))]  # type: ignore[misc]


def _text_layout(pages: list[list[Line]], body: float, column: float) -> Layout:
    """Where paragraphs sit, and their right edges when the paper is justified."""
    lines = [ln for page in pages for ln in page if abs(ln.size - body) < 0.6 and ln.width > 0.5 * column]
    if not lines:
        return Layout(0.0, 612.0, 612.0)  # no paragraphs to go by: one column
    x0s, x1s = sorted(ln.x0 for ln in lines), sorted(ln.x1 for ln in lines)
    ends = Counter(round(x) for x in x1s)
    edges = [x for x, n in ends.items() if n >= max(3, 0.03 * len(lines))]
    justified = sum(n for x, n in ends.items() if any(abs(x - e) <= 2 for e in edges)) >= 0.4 * len(lines)
    return Layout(x0s[len(x0s) // 50], x1s[-1 - len(x1s) // 50], column, tuple(edges) if justified else ())


def _side_votes(all_candidates: list[tuple[str, list[Candidate]]]) -> dict[str, Counter]:
    """Per kind, how many captions had marks on one side only, and which."""
    votes: dict[str, Counter] = {}
    for kind, cands in all_candidates:
        vertical = [c for c in cands if c.side in ("above", "below")]
        if len(vertical) == 1:
            votes.setdefault(kind, Counter())[vertical[0].side] += 1
    return votes


def _choose_region(kind: str, cands: list[Candidate], votes: dict[str, Counter]) -> Candidate | None:
    """The float of one caption: its only candidate, or the side this paper uses.

    Without a clear vote the nearer side wins; figures default to above because
    that is where LaTeX and Word put them.
    """
    if len(cands) <= 1:
        return cands[0] if cands else None
    by_side = {c.side: c for c in cands}
    above, below = by_side.get("above"), by_side.get("below")
    beside = [c for c in cands if c.side in ("right", "left")]
    if beside:
        best = max(beside, key=lambda c: _area(c.rect))
        if not (above or below) or _area(best.rect) > 2 * max(_area(c.rect) for c in (above, below) if c):
            return best
    if above and below:
        tally = votes.get(kind, Counter())
        if abs(tally["above"] - tally["below"]) >= (2 if kind == "figure" else 1):
            return above if tally["above"] > tally["below"] else below
        if abs(above.gap - below.gap) > 6.0:
            return above if above.gap < below.gap else below
        if above.graphic != below.graphic:
            return above if above.graphic else below
        return above if kind == "figure" or above.gap <= below.gap else below
    return above or below


def _settle(chosen: list[Candidate]) -> list[Candidate]:
    """Split the marks two captions facing each other both claimed, at the widest empty gap.

    Styles that put table captions above tables and figure captions below figures
    stack "caption, table, figure, caption" in one column; both captions then
    see the table and the figure.
    """
    out = list(chosen)
    for i, upper in enumerate(out):
        for j, lower in enumerate(out):
            if upper.side != "below" or lower.side != "above" or i == j:
                continue
            if _overlap(upper.rect[1], upper.rect[3], lower.rect[1], lower.rect[3]) <= 0:
                continue
            if _overlap(upper.rect[0], upper.rect[2], lower.rect[0], lower.rect[2]) <= 0:
                continue
            marks = sorted(set(upper.marks) | set(lower.marks), key=lambda r: r[1])
            best, cut, bottom = 0.0, None, marks[0][3]
            for r in marks[1:]:
                if r[1] - bottom > best:
                    best, cut = r[1] - bottom, (bottom + r[1]) / 2
                bottom = max(bottom, r[3])
            if cut is None:
                continue
            out[i] = _keep(upper, [r for r in marks if r[3] <= cut])
            out[j] = _keep(lower, [r for r in marks if r[1] >= cut])
    return out


def _keep(cand: Candidate, marks: list[Rect]) -> Candidate:
    if not marks:
        return cand
    rect = (min(r[0] for r in marks), min(r[1] for r in marks), max(r[2] for r in marks), max(r[3] for r in marks))
    return Candidate(cand.side, rect, cand.gap, cand.graphic, tuple(marks))


def _area(r: Rect) -> float:
    return (r[2] - r[0]) * (r[3] - r[1])


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def _column_width(pages: list[list[Line]], body: float) -> float:
    """The width most body lines share (justified text); the 90th percentile when set ragged."""
    widths = sorted(ln.width for lines in pages for ln in lines if abs(ln.size - body) < 0.6)
    if not widths:
        return 250.0
    p90 = widths[int(0.9 * (len(widths) - 1))]
    common = Counter(round(w) for w in widths if w > 0.6 * p90)
    width, _ = common.most_common(1)[0]
    if sum(n for w, n in common.items() if abs(w - width) <= 1) >= max(5, 0.1 * len(widths)):
        return float(width)
    return p90


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
