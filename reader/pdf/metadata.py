"""Title, authors, year, venue, abstract and identifiers from a paper's first page.

The printed page is trusted over the PDF's Info dictionary: producers often fill
the Info title with a file name ("paper.dvi", "Microsoft Word - draft3.docx") or
leave "untitled", so it is used only when the page gives nothing and it looks
like a real title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pymupdf

from reader.pdf.text import GAP_FONT, Line, join_lines, normalise

DOI_RE = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>{}]+)", re.I)
ARXIV_STAMP_RE = re.compile(r"arXiv:\s*(\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})(v\d+)?\s*\[", re.I)
ARXIV_RE = re.compile(r"(?:arXiv:\s*|arxiv\.org/(?:abs|pdf)/)(\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})(v\d+)?", re.I)
_YEAR = r"(?:19[5-9]\d|20[0-4]\d)"
_YEAR_CONTEXT_RE = re.compile(
    r"(?:\u00a9|\(c\)|copyright|proceedings|conference|workshop|symposium|journal|transactions|"
    r"published|accepted|received|appearing|vol\.|volume|\b[A-Z]{3,}['\u2019]?\s?)[^\n]{0,120}?\b(" + _YEAR + r")\b",
    re.I,
)
_VENUE_RE = re.compile(
    r"((?:Appearing in |To appear in |Published (?:as a conference paper )?(?:in|at) |In )?"
    r"(?:Proceedings of|Proc\. of|Advances in Neural|Journal of|Transactions on|Published as a conference paper at)"
    r"[^\n]{3,200})",
    re.I,
)
_HEADER_JUNK = re.compile(
    r"^(arxiv|proceedings|journal|vol\b|volume|issn|doi|https?:|www\.|research article|original article|"
    r"articles?$|letters?$|review$|preprint|draft|abstract$|contents|open access|technical report|"
    r"published|accepted|received|copyright|\u00a9|under review|workshop track|conference paper)",
    re.I,
)
_AFFIL = re.compile(
    r"univ|institut|depart|dept|school|college|lab\b|laborator|inc\b|corp|research|center|centre|"
    r"faculty|hospital|academy|@|https?:|www\.|\.com|\.edu|\.org|\bstreet\b|\broad\b|\bavenue\b|\busa\b|u\.s\.a|"
    r"china|germany|france|japan|korea|canada|india|italy|spain|israel|kingdom|\buk\b|netherlands|"
    r"switzerland|australia|california|washington|seattle|cambridge|technology|sciences?\b|engineering|"
    r"allen|google|microsoft|facebook|ibm|amazon|foundation|email|correspond|equal contrib",
    re.I,
)
_PARTICLES = {"van", "de", "von", "der", "den", "da", "di", "la", "le", "del", "du", "dos", "das", "bin", "al", "y", "ter"}
_NAME_TOKEN = re.compile(r"^(?:[A-Z\u00c0-\u00de][\w'\u2019\-\u00e0-\u00ff]*\.?|[A-Z]\.(?:-?[A-Z]\.)*)$")
_MARKERS = re.compile(r"[\d*\u2020\u2021\u00a7\u00b6\u2016#\u2217\u22c6\u2660\u2663\u2665\u2666\u2662\u2661\u2606\u2605\u25b3\u2662]+")
_ABSTRACT_RE = re.compile(r"^(?:Abstract|ABSTRACT|A\s?B\s?S\s?T\s?R\s?A\s?C\s?T|Summary|SUMMARY)\b[\s.:\u2014\u2013\-]*(.*)$")
_SECTION_RE = re.compile(
    r"^(?:(?:\d+|[IVX]+)\.?\s+)?(?:Introduction|INTRODUCTION|Keywords|KEYWORDS|Key\s?words|Index Terms|"
    r"CCS Concepts|CCS CONCEPTS|ACM Reference|Background|BACKGROUND|Categories and Subject|General Terms)\b"
)


@dataclass(frozen=True)
class PaperMetadata:
    title: str | None = None
    authors: tuple[str, ...] = ()
    year: int | None = None
    venue: str | None = None
    abstract: str | None = None
    doi: str | None = None
    arxiv_id: str | None = None


def sane_info_title(title: str | None) -> str | None:
    """The Info-dictionary title if it reads like a paper title and not a file name."""
    if not title:
        return None
    title = normalise(title)
    low = title.lower()
    if len(title) < 8 or len(title.split()) < 2:
        return None
    if re.search(r"\.(dvi|pdf|docx?|tex|ps|eps|indd|rtf|odt)\b", low) or low.startswith(("microsoft word", "untitled")):
        return None
    if re.search(r"^(proceedings of|template|paper|manuscript|title|slides?)\b", low) or "..." in title:
        return None
    return title


def _title_from_page(lines: list[Line], body: float, height: float) -> tuple[str | None, list[Line]]:
    top = [ln for ln in lines if ln.y0 < 0.6 * height and ln.size >= body + 0.9]
    for size in sorted({round(ln.size * 2) / 2 for ln in top}, reverse=True):
        group = [ln for ln in top if abs(ln.size - size) < 0.6]
        clusters: list[list[Line]] = []
        for ln in group:
            if clusters and ln.y0 - clusters[-1][-1].y0 < 2.3 * size and ln.y0 > clusters[-1][-1].y0 + 0.3 * size:
                clusters[-1].append(ln)
            elif clusters and abs(ln.y0 - clusters[-1][-1].y0) < 0.3 * size:
                clusters[-1].append(ln)
            else:
                clusters.append([ln])
        for cluster in clusters:
            text = join_lines([ln.text for ln in cluster])
            letters = sum(c.isalpha() for c in text)
            if letters < 10 or len(text.split()) < 2 or _HEADER_JUNK.match(text):
                continue
            if len(text) > 300:
                continue
            return text.rstrip(" .*\u2217\u2020"), cluster
    return None, []


def _name_parts(line: Line) -> list[str]:
    """Names on an author line; footnote marks and wide gaps separate names too."""
    pieces: list[str] = []
    prev_x1 = None
    for span in line.spans:
        if prev_x1 is not None and span.x0 - prev_x1 > 1.2 * line.size:
            pieces.append(", ")
        prev_x1 = span.x1
        if span.font == GAP_FONT:
            pieces.append(", " if span.x1 - span.x0 > 1.2 * line.size else " ")
        elif not span.text.strip():
            pieces.append(", " if span.x1 - span.x0 > 0.6 * line.size else " ")
        elif span.size < 0.8 * line.size:
            pieces.append(", ")
        else:
            pieces.append(span.text)
    text = _MARKERS.sub(", ", "".join(pieces))
    text = text.replace("\u2019", "'")
    parts = re.split(r",|;|\band\b|&|\s{2,}|\u00b7|\u2022", text)
    return [normalise(p).strip(" ,.") for p in parts if normalise(p).strip(" ,.")]


def _uncap(part: str) -> str:
    """ "TAL AUGUST" -> "Tal August"; names already in mixed case are left alone."""
    letters = [c for c in part if c.isalpha()]
    if len(letters) < 4 or not all(c.isupper() for c in letters):
        return part
    return " ".join(w if len(w.rstrip(".")) <= 1 else w.capitalize() for w in part.split())


def _is_name(part: str) -> bool:
    tokens = part.split()
    if not 2 <= len(tokens) <= 5:
        return False
    caps = 0
    for tok in tokens:
        if tok.lower() in _PARTICLES:
            continue
        if not _NAME_TOKEN.match(tok):
            return False
        caps += 1
    return caps >= 2 and not _AFFIL.search(part)


def _authors(lines: list[Line], title_lines: list[Line], body: float, height: float) -> tuple[str, ...]:
    if not title_lines:
        return ()
    start = max(ln.y1 for ln in title_lines)
    names: list[str] = []
    misses = 0
    carry = ""
    for ln in lines:
        if ln.y0 < start - 1 or ln in title_lines:
            continue
        if ln.y0 > 0.55 * height or _ABSTRACT_RE.match(ln.text) or _SECTION_RE.match(ln.text):
            break
        if ln.size < body - 1.6:
            continue
        parts = [_uncap(p) for p in _name_parts(ln)]
        if _AFFIL.search(ln.text):
            # ACM style: "TAL AUGUST, University of Washington, USA"
            if parts and _is_name(parts[0]) and len(parts) > 1 and _AFFIL.search(" ".join(parts[1:])):
                names.extend(p for p in parts[:1] if p not in names)
                misses = 0
            continue
        if carry and parts and _is_name(f"{carry} {parts[0]}"):
            parts[0] = f"{carry} {parts[0]}"
        carry = ""
        good = [p for p in parts if _is_name(p)]
        if good and len(good) * 2 >= len(parts):
            names.extend(g for g in good if g not in names)
            misses = 0
        elif names:
            misses += 1
            if misses > 6:
                break
        if names and parts and not _is_name(parts[-1]) and re.fullmatch(r"[A-Z][a-z'\-]+", parts[-1]):
            carry = parts[-1]  # a name broken over two lines: "... and Andrew / D. White"
    return tuple(names)


def _abstract(pages: list[list[Line]]) -> str | None:
    for lines in pages[:2]:
        for idx, ln in enumerate(lines):
            m = _ABSTRACT_RE.match(ln.text)
            if not m or len(ln.text) > 12 and not m.group(1):
                continue
            collected = [m.group(1)] if m.group(1).strip() else []
            region = [ln]
            x0, x1 = ln.x0, ln.x1
            size = None
            first_gap = 0.0
            for nxt in lines[idx + 1 :]:
                last = region[-1]
                if nxt.y0 < last.y0 + 0.4 * nxt.size:
                    continue
                if min(x1, nxt.x1) - max(x0, nxt.x0) <= 0:
                    continue
                gap = nxt.y0 - last.y1
                if len(region) == 1:
                    limit = 2.5 * nxt.size
                elif len(region) == 2:
                    limit = 1.2 * nxt.size
                else:
                    limit = max(0.9 * nxt.size, 1.3 * first_gap + 1)
                if _SECTION_RE.match(nxt.text) or gap > limit:
                    break
                if len(region) == 2:
                    first_gap = gap
                if size is not None and abs(nxt.size - size) > 0.8:
                    break
                if size is None:
                    size = nxt.size
                    x0, x1 = nxt.x0, nxt.x1
                else:
                    x0, x1 = min(x0, nxt.x0), max(x1, nxt.x1)
                collected.append(nxt.text)
                region.append(nxt)
                if sum(len(c) for c in collected) > 4000:
                    break
            text = join_lines(collected)
            if len(text) >= 80:
                return text
    return None


def _doi(texts: list[str]) -> str | None:
    for text in texts:
        for line in text.splitlines():
            for m in DOI_RE.finditer(line):
                doi = m.group(1).rstrip(".,;:)]}'\u201d")
                if "/" in doi and len(doi) > 8:
                    return doi
    return None


def _arxiv(page_text: str, meta_texts: list[str]) -> str | None:
    m = ARXIV_STAMP_RE.search(page_text)
    if m:
        return m.group(1)
    for text in meta_texts:
        m = ARXIV_RE.search(text)
        if m:
            return m.group(1)
    head = page_text[:600]
    m = ARXIV_RE.search(head)
    return m.group(1) if m else None


_COPYRIGHT_RE = re.compile(r"(?:\u00a9|\(c\)|copyright)\s*(?:\D{0,20}?)(" + _YEAR + r")\b", re.I)
_ANY_YEAR_RE = re.compile(r"\b(" + _YEAR + r")\b")


def _year(arxiv_id: str | None, venue: str | None, page_text: str, margins: list[str], info: dict) -> int | None:
    """The publication year, from the most telling place that prints one.

    Running text is not searched: it is full of cited years.
    """
    for text in (venue or "",):
        m = _ANY_YEAR_RE.search(text)
        if m:
            return int(m.group(1))
    m = _COPYRIGHT_RE.search(page_text)
    if m:
        return int(m.group(1))
    if arxiv_id and re.match(r"\d{4}\.", arxiv_id):
        return 2000 + int(arxiv_id[:2])
    for text in margins:
        m = _YEAR_CONTEXT_RE.search(text) or (_ANY_YEAR_RE.search(text) if len(text) < 120 else None)
        if m:
            return int(m.group(1))
    for key in ("creationDate", "modDate"):
        d = re.match(r"D:(\d{4})", info.get(key) or "")
        if d and 1990 <= int(d.group(1)) <= 2049:
            return int(d.group(1))
    return None


def _venue(page_text: str) -> str | None:
    flat = normalise(page_text.replace("-\n", ""))
    m = _VENUE_RE.search(flat)
    if not m:
        return None
    venue = re.split(r"(?<=[a-z0-9])\.\s|\s(?:Copyright|\u00a9)|\s\(c\)", m.group(1))[0]
    return short_venue(venue)


# Long names that papers print in their footers, and the short name people cite them by.
# Searched in order, so a name that contains another comes first.
_KNOWN_VENUES = (
    ("North American Chapter of the Association for Computational Linguistics", "NAACL"),
    ("Conference on Empirical Methods in Natural Language Processing", "EMNLP"),
    ("European Chapter of the Association for Computational Linguistics", "EACL"),
    ("Annual Meeting of the Association for Computational Linguistics", "ACL"),
    ("Annual Meeting of the ACL", "ACL"),
    ("International Conference on Computational Linguistics", "COLING"),
    ("International Conference on Learning Representations", "ICLR"),
    ("International Conference on Machine Learning", "ICML"),
    ("Advances in Neural Information Processing Systems", "NeurIPS"),
    ("Conference on Neural Information Processing Systems", "NeurIPS"),
    ("Conference on Computer Vision and Pattern Recognition", "CVPR"),
    ("International Conference on Computer Vision", "ICCV"),
    ("AAAI Conference on Artificial Intelligence", "AAAI"),
    ("International Joint Conference on Artificial Intelligence", "IJCAI"),
    ("International Conference on Knowledge Discovery and Data Mining", "KDD"),
    ("VLDB Endowment", "PVLDB"),
)
_VENUE_LEAD = re.compile(
    r"^(?:(?:Appearing in|To appear in|Published (?:as a conference paper )?(?:in|at)|In)\s+)?"
    r"(?:(?:Proceedings|Proc\.) of\s+(?!the (?:IEEE\b(?!\s\w)|National Academy|Royal Society)))?(?:the\s+)?",
    re.I,
)
_ORDINAL = re.compile(
    r"^(?:\d+\s?(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)\s+", re.I)
# Where the name ends and the pages, volume, place or dates begin.
_VENUE_TAIL = re.compile(
    r",|;|:\s*(?:pages?|pp)\b|\s(?:pages?\s+\d|pp\.|vol\b|vol\.|volume\s+\d|no\.\s*\d|doi\b|https?:|www\.)"
    r"|\s(?!" + _YEAR + r"\b)\(?\d[\d\u2013\-:()]*(?:\s|$)",
    re.I,
)


def short_venue(raw: str) -> str | None:
    """The venue as people cite it, "NAACL-HLT 2018", from a footer such as
    "Proceedings of NAACL-HLT 2018, pages 84–91 New Orleans, Louisiana, June 1 - 6, 2018".

    Pages, volume, place and dates are dropped: they make the venue column unreadable
    and the venue useless for sorting or searching. A well-known long name becomes its
    short one, and a name carrying its acronym in brackets ("... Learning (CoNLL)")
    gives that acronym. The year, when the footer prints one, is kept at the end.
    """
    text = normalise(raw).strip(" .,;")
    year_match = re.search(r"\b(" + _YEAR + r")\b", text)
    text = _VENUE_LEAD.sub("", text, count=1)
    text = _ORDINAL.sub("", text)
    leading_year = re.match(r"(" + _YEAR + r")\s+", text)
    if leading_year:  # "2019 Conference on Empirical Methods ..."
        text = text[leading_year.end():]
        text = _ORDINAL.sub("", text)
    tail = _VENUE_TAIL.search(text)
    name = text[:tail.start()] if tail else text
    lowered = name.lower()
    acronym = re.search(r"\(([A-Z][A-Za-z\-]*[A-Z][A-Za-z\-]*)\)", name)
    if acronym:
        name = acronym.group(1)
    else:
        for long_name, short in _KNOWN_VENUES:
            if long_name.lower() in lowered:
                name = short
                break
    name = re.sub(r"\s*\b" + _YEAR + r"\b\s*", " ", name)
    name = re.sub(r"\s+", " ", name).strip(" .,;:-\u2013")
    if len(name) > 120:
        name = name[:120].rsplit(" ", 1)[0]
    if not name:
        return None
    return f"{name} {year_match.group(1)}" if year_match else name


def extract_metadata(
    doc: pymupdf.Document, pages: list[list[Line]], body: float, side_text: list[str] | None = None
) -> PaperMetadata:
    info = doc.metadata or {}
    try:
        xmp = doc.get_xml_metadata() or ""
    except Exception:
        xmp = ""
    first = pages[0] if pages else []
    height = doc[0].rect.height if doc.page_count else 792.0
    ordered = sorted(first, key=lambda ln: (ln.block, ln.base))
    page_text = "\n".join([ln.text for ln in ordered] + list(side_text or ()))
    margins = [ln.text for ln in first if ln.y1 < 0.12 * height or ln.y0 > 0.8 * height] + list(side_text or ())
    title, title_lines = _title_from_page(first, body, height)
    if title is None:
        title = sane_info_title(info.get("title"))
    authors = _authors(first, title_lines, body, height)
    meta_texts = [info.get("subject") or "", info.get("keywords") or "", xmp]
    doi = _doi(meta_texts) or _doi([page_text])
    arxiv_id = _arxiv(page_text, meta_texts)
    venue = _venue(page_text)
    return PaperMetadata(
        title=title,
        authors=authors,
        year=_year(arxiv_id, venue, page_text, margins, info),
        venue=venue,
        abstract=_abstract(pages),
        doi=doi,
        arxiv_id=arxiv_id,
    )
