"""Building a paper's citation index from its PDF (runs where PyMuPDF runs: the render process).

Reads every page's rows once (about 10-25 ms a page here), finds and splits
the bibliography, parses its entries, then looks for markers on every page
outside it. Documents longer than :data:`MAX_PAGES` are skipped: a thesis or a
book has chapters of references, and a popup that guesses is worse than none.
"""

from __future__ import annotations

import re
import time

import pymupdf

from reader.pdf.citations import bibliography, markers
from reader.pdf.citations.entry_parse import join_lines, parse_entry
from reader.pdf.citations.layout import Line, page_lines, page_links
from reader.pdf.citations.model import CitationIndex, Entry, Marker

MAX_PAGES = 100
SECONDS = 20.0  # a document that takes longer gives what it has (the render process's own limit is 30 s)


def index_document(doc: pymupdf.Document, seconds: float = SECONDS) -> CitationIndex:
    started = time.perf_counter()
    if doc.page_count > MAX_PAGES:
        return CitationIndex(note=f"Citations are not read in documents over {MAX_PAGES} pages.")
    pages: list[list[Line]] = []
    for number in range(doc.page_count):
        pages.append(page_lines(doc, number))
        if time.perf_counter() - started > seconds:
            return CitationIndex(note="The document took too long to read.")
    index = build_index(pages, lambda number: page_links(doc, number), started)
    index.seconds = time.perf_counter() - started
    return index


def build_index(pages: list[list[Line]], links_of, started: float | None = None) -> CitationIndex:
    """The index from rows page by page; ``links_of(page)`` gives a page's internal links."""
    pages = drop_furniture(pages)
    lines = [line for page in pages for line in page]
    section = bibliography.find_section(lines)
    if section is None:
        return CitationIndex(note="No list of references was found in this document.")
    start, end = section
    raw, numbered = bibliography.split_entries(lines[start:end])
    entries: list[Entry] = []
    entry_lines: dict[int, list[Line]] = {}
    for position, item in enumerate(raw, 1):
        text = join_lines([ln.text for ln in item.lines])
        fields = parse_entry(text)
        first = item.lines[0]
        entries.append(Entry(position, item.label, text, first.page, (first.x0, first.y0, first.x1, first.y1),
                             **fields))
        entry_lines[position] = item.lines
    if len(entries) < 2:
        return CitationIndex(note="No list of references was found in this document.")
    in_section = {id(line) for line in lines[start:end]}
    first_page_top = _abstract_top(pages[0]) if pages else 0.0
    author_year = markers.AuthorYearIndex(entries) if not numbered else None
    found: list[Marker] = []
    footnotes = _footnote_labels(pages)
    body_size = _body_size(lines)
    links = {number: links_of(number) for number in range(len(pages))}
    reading = _link_reading([link for page in links.values() for link in page], entries, entry_lines)
    for number, page in enumerate(pages):
        body = [line for line in page if id(line) not in in_section]
        if not body:
            continue
        text = markers.PageText(body)
        linked = markers.linked_markers(number, text, links[number], entries, entry_lines, reading)
        if numbered:
            bracketed = markers.numeric_markers(number, text, entries)
            raised = markers.superscript_markers(number, body, entries, first_page_top if number == 0 else 0.0,
                                                 footnotes.get(number, set()), body_size)
            page_markers = _absorb(linked, bracketed + raised)
        else:
            assert author_year is not None
            page_markers = _absorb(linked, markers.author_year_markers(number, text, author_year, number * 1_000_000))
        found.extend(page_markers)
    found = _drop_superscript_noise(found)
    return CitationIndex(entries, found, numbered)


def drop_furniture(pages: list[list[Line]]) -> list[list[Line]]:
    """Without running heads, footers and page numbers: they would end the bibliography or join an entry."""
    def key(line: Line) -> str:
        return re.sub(r"[\d\s]+", "", line.text.lower())

    seen: dict[str, set[int]] = {}
    for number, page in enumerate(pages):
        if not page:
            continue
        top, bottom = min(ln.y0 for ln in page), max(ln.y1 for ln in page)
        for line in page:
            if line.y0 < top + 0.08 * (bottom - top) + 5 or line.y1 > bottom - 0.08 * (bottom - top) - 5:
                seen.setdefault(key(line), set()).add(number)
    # a page number (nothing left), or a running head with words in it; not "1998." ending an entry
    repeated = {k for k, on in seen.items() if not k or (len(on) >= 3 and sum(c.isalpha() for c in k) >= 3)}
    out = []
    for page in pages:
        if not page:
            out.append(page)
            continue
        top, bottom = min(ln.y0 for ln in page), max(ln.y1 for ln in page)
        out.append([ln for ln in page if not ((ln.y0 < top + 0.08 * (bottom - top) + 5
                                               or ln.y1 > bottom - 0.08 * (bottom - top) - 5) and key(ln) in repeated)])
    return out


def _link_reading(links, entries: list[Entry], entry_lines) -> int | None:
    """Whether this document's link targets are top-down (0) or PDF bottom-up (1): the one that lands on entries."""
    hits = [0, 0]
    for link in links[:200]:
        if len(link.target_y) != 2:
            continue
        for reading in (0, 1):
            number = markers.entry_at(link, entries, entry_lines, reading, window=(-2, 8))
            hits[reading] += number is not None and number > 0
    if hits == [0, 0]:
        return None
    return 0 if hits[0] > hits[1] else 1


def _absorb(linked: list[Marker], found: list[Marker]) -> list[Marker]:
    """Heuristic markers that cover links take the links' word ("linked"); links inside none stay as they are."""
    out, used = [], set()
    for marker in found:
        inside = [k for k, link in enumerate(linked) if _overlaps(link.box, marker.boxes())]
        if inside:
            linked_entries = {e for k in inside for e in linked[k].entries}
            if marker.style == "author-year" and linked_entries and set(marker.entries) != linked_entries:
                continue  # the link knows better: keep the link's own marker
            used.update(inside)
            marker = markers.Marker(marker.page, marker.box, marker.text, marker.entries, "linked", marker.group,
                                    marker.more)
        out.append(marker)
    out.extend(link for k, link in enumerate(linked) if k not in used)
    out.sort(key=lambda m: (m.box[1], m.box[0]))
    return out


def _overlaps(box, boxes) -> bool:
    return any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in boxes)


def _body_size(lines: list[Line]) -> float:
    """The type size most of the text is set in."""
    chars: dict[float, int] = {}
    for line in lines:
        chars[round(line.size, 1)] = chars.get(round(line.size, 1), 0) + len(line.text)
    return max(chars, key=chars.__getitem__) if chars else 0.0


def _abstract_top(lines: list[Line]) -> float:
    """Raised digits above the abstract are affiliations, not citations."""
    for line in lines:
        if line.text.strip().lower().startswith("abstract"):
            return line.y0
    long = [line.y0 for line in lines if len(line.text) >= 80]  # else the first line of running text
    return min(long) if long else 0.0


def _footnote_labels(pages: list[list[Line]]) -> dict[int, set[str]]:
    """Per page, the numbers of footnotes printed at its foot: their raised marks are no citations."""
    labels: dict[int, set[str]] = {}
    for number, page in enumerate(pages):
        if not page:
            continue
        bottom = max(line.y1 for line in page)
        for line in page:
            first = line.spans[0] if line.spans else None
            if (first is not None and line.y0 > bottom * 0.7 and first.text.strip().isdigit()
                    and first.size < line.size * 0.9 + 0.01 and first.baseline < line.baseline - 0.5):
                labels.setdefault(number, set()).add(first.text.strip())
    return labels


def _drop_superscript_noise(found: list[Marker]) -> list[Marker]:
    """Raised digits are citations only in a paper that cites that way, not in one that cites in brackets."""
    raised = [m for m in found if m.style == "superscript"]
    bracketed = sum(1 for m in found if m.style in ("numeric", "linked") and m.text.startswith("["))
    if raised and (len(raised) < 3 or bracketed >= 3):
        return [m for m in found if m.style != "superscript"]
    return found


def index_file(path: str, password: str | None = None) -> dict:
    """The index of the PDF at ``path`` as a dict (for the extraction process: plain data crosses back)."""
    with pymupdf.open(path) as doc:
        if doc.needs_pass and not (password and doc.authenticate(password)):
            return CitationIndex(note="The PDF is protected by a password.").to_dict()
        return index_document(doc).to_dict()
