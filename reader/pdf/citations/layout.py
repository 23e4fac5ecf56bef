"""The text lines of a PDF as the citation finder needs them: spans with size and baseline.

The only module of the package that calls PyMuPDF. A line here is one visual
row of one column: MuPDF often cuts a justified line into several (an ACL
reference "Léon Bottou. | 2004. | Stochastic learning."), and the bibliography
splitter needs the row whole to see its indent.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pymupdf

from reader.pdf.citations.model import Box


@dataclass
class Span:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    size: float
    baseline: float
    start: int = 0  # offset of this span's text in its line's text
    xs: tuple[float, ...] = ()  # each character's left edge, then the last one's right edge


    def x_at(self, offset: int) -> float:
        """The left edge of character ``offset`` (the right edge of the last one at ``len(text)``)."""
        if len(self.xs) == len(self.text) + 1:
            return self.xs[max(0, min(offset, len(self.text)))]
        return self.x0 + offset * (self.x1 - self.x0) / max(1, len(self.text))


@dataclass
class Line:
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    spans: list[Span] = field(default_factory=list)
    text: str = ""
    size: float = 0.0  # the size most of its characters have
    baseline: float = 0.0

    def box_of(self, start: int, end: int) -> Box:
        """The box of characters ``start:end`` of the text, characters taken as evenly wide within a span."""
        xs: list[float] = []
        y0, y1 = self.y1, self.y0
        for span in self.spans:
            lo, hi = max(start, span.start), min(end, span.start + len(span.text))
            if lo >= hi:
                continue
            xs += [span.x_at(lo - span.start), span.x_at(hi - span.start)]
            y0, y1 = min(y0, span.y0), max(y1, span.y1)
        if not xs:
            return (self.x0, self.y0, self.x1, self.y1)
        return (min(xs), y0, max(xs), y1)


@dataclass
class Link:
    page: int
    box: Box
    target_page: int
    target_y: tuple[float, ...]  # candidate y of the target in displayed points (top-down, and flipped)
    target_x: float | None = None


def page_lines(doc: pymupdf.Document, number: int) -> list[Line]:
    """The page's rows in reading order (left column then right), spans joined with spaces where they gap."""
    page = doc[number]
    matrix = page.rotation_matrix if page.rotation else None
    width = page.rect.width if not page.rotation % 180 else page.rect.height
    raw: list[Line] = []
    flags = pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_MEDIABOX_CLIP
    for block in page.get_text("rawdict", flags=flags)["blocks"]:
        for line in block.get("lines", ()):
            spans = []
            for s in line["spans"]:
                chars = s.get("chars") or ()
                if not chars:
                    continue
                text = "".join([c["c"] for c in chars])
                if matrix is None:
                    x0, y0, x1, y1 = s["bbox"]
                    xs = (*[c["bbox"][0] for c in chars], chars[-1]["bbox"][2])
                    spans.append(Span(x0, y0, x1, y1, text, s["size"], s["origin"][1], xs=xs))
                else:  # a rotated page: characters taken as evenly wide
                    box, origin = pymupdf.Rect(s["bbox"]) * matrix, pymupdf.Point(s["origin"]) * matrix
                    spans.append(Span(box.x0, box.y0, box.x1, box.y1, text, s["size"], origin.y))
            if spans and line["dir"][0] > 0.9:  # horizontal text only: rotated labels cite nothing
                raw.append(_line(number, spans))
    return _merge_rows(raw, width)


def page_links(doc: pymupdf.Document, number: int) -> list[Link]:
    """Internal links (named destinations resolved by PyMuPDF) with both readings of the target's y.

    Producers disagree on whether the target point is in PDF (bottom-up) or
    displayed coordinates, and some give only the page (y at its top); the
    bibliography decides which reading lands on an entry.
    """
    page = doc[number]
    links = []
    for link in page.get_links():
        if link.get("kind") not in (pymupdf.LINK_GOTO, pymupdf.LINK_NAMED):
            continue
        target = link.get("page")
        if not isinstance(target, int) or not 0 <= target < doc.page_count:
            continue
        box = pymupdf.Rect(link["from"])
        if page.rotation:
            box = box * page.rotation_matrix
        to = link.get("to")
        ys: tuple[float, ...] = ()
        x = None
        if to is not None:
            height = doc[target].rect.height
            ys = (float(to.y), float(height - to.y))
            x = float(to.x) if to.x > 1 else None
        links.append(Link(number, (box.x0, box.y0, box.x1, box.y1), target, ys, x))
    return links


def _line(page: int, spans: list[Span]) -> Line:
    spans.sort(key=lambda s: s.x0)
    text = ""
    for span in spans:
        gap = span.x0 - _end(text, spans, span)
        if text and not text.endswith(" ") and not span.text.startswith(" ") and gap > min(0.8, 0.15 * span.size):
            text += " "
        span.start = len(text)
        text += span.text
    chars: dict[float, int] = {}
    for span in spans:
        key = round(span.size, 1)
        chars[key] = chars.get(key, 0) + len(span.text.strip())
    size = max(chars, key=chars.__getitem__)
    main = [s for s in spans if round(s.size, 1) == size and s.text.strip()] or spans
    return Line(page, min(s.x0 for s in spans), min(s.y0 for s in main), max(s.x1 for s in spans),
                max(s.y1 for s in main), spans, text, size, max(s.baseline for s in main))


def _end(text: str, spans: list[Span], current: Span) -> float:
    before = [s for s in spans if s is not current and s.start + len(s.text) == len(text)]
    return before[-1].x1 if before else -1e9


def _close(row: list[Line], line: Line, two_columns: bool) -> bool:
    """The piece continues the row: a word gap away, or a little more after a label ("12.", "[3]").

    A wider gap is the gutter between two columns.
    """
    gap, nearest = min(((line.x0 - p.x1) if line.x0 >= p.x1 else (p.x0 - line.x1), p) for p in row)
    label = nearest if line.x0 >= nearest.x1 else line
    return gap < 1.2 * line.size or (gap < 4 * line.size and len(label.text.strip()) <= 5) or \
        (two_columns and gap < 3 * line.size)  # a justified line of a narrow column spreads its words


def _merge_rows(lines: list[Line], width: float) -> list[Line]:
    """Join pieces of one visual row of one column, then order rows column by column."""
    middle = width / 2
    left = sum(1 for ln in lines if ln.x1 < middle + 5)
    right = sum(1 for ln in lines if ln.x0 > middle - 10)
    crossing = sum(1 for ln in lines if ln.x0 < middle - 10 and ln.x1 > middle + 10)
    # a short right column (the last entry of a bibliography) still makes the page two columns
    two_columns = left > 0.25 * len(lines) and right >= 2 and crossing < 0.3 * len(lines)

    def column(line: Line) -> int:
        return 1 if two_columns and line.x0 >= middle - 10 else 0

    lines.sort(key=lambda ln: (column(ln), ln.baseline, ln.x0))
    rows: list[list[Line]] = []
    for line in lines:
        row = rows[-1] if rows else None
        if (row is not None and column(row[0]) == column(line)
                and abs(row[0].baseline - line.baseline) < 0.45 * max(line.size, row[0].size)
                and not any(piece.x0 < line.x1 - 1 and line.x0 < piece.x1 - 1 for piece in row)
                and _close(row, line, two_columns)):
            row.append(line)
        else:
            rows.append([line])
    return [row[0] if len(row) == 1 else _line(row[0].page, [s for piece in row for s in piece.spans]) for row in rows]
