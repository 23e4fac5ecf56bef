"""Reading a page as visual lines with their font facts, and cleaning up text.

PyMuPDF's own lines are sometimes split in the middle of a printed line (justified
text, font changes) and its blocks sometimes mix a caption with the figure's axis
labels, so everything downstream works on *visual* lines rebuilt here: the pieces
of one block that share a baseline, joined left to right.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

import pymupdf

# Without TEXT_PRESERVE_LIGATURES MuPDF expands ligature glyphs itself; the table
# below catches fonts that map them to the Unicode presentation forms anyway.
# Vector paths come from the same MuPDF pass as the text at almost no cost, which
# is what lets figure regions fit the speed budget; images are not asked for here
# because the dict would then carry every image's bytes.
_TEXT_FLAGS = (
    pymupdf.TEXT_PRESERVE_WHITESPACE
    | pymupdf.TEXT_MEDIABOX_CLIP
    | pymupdf.TEXT_CID_FOR_UNKNOWN_UNICODE
    | pymupdf.TEXT_COLLECT_VECTORS
) & ~pymupdf.TEXT_PRESERVE_LIGATURES

_LIGATURES = {
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb05": "st",
    "\ufb06": "st",
    "\u00ad": "",
    "\u00a0": " ",
    "\u2009": " ",
    "\u200a": " ",
    "\u200b": "",
    "\u2002": " ",
    "\u2003": " ",
    "\u202f": " ",
    "\t": " ",
}
_LIG_RE = re.compile("|".join(map(re.escape, _LIGATURES)))  # what _LIG_TABLE replaces
_LIG_TABLE = str.maketrans(_LIGATURES)
GAP_FONT = "(gap)"
# Side-by-side captions (two minipages) must stay two lines.
_CAPTION_START = re.compile(r"(?:Figure|Fig\.|FIGURE|FIG\.|Table|TABLE)\s*[A-Z]?\d")
_WS_RE = re.compile(r"\s+")
_BOLD_NAME = re.compile(r"bold|black|heavy|semibold|demi|medi|\bbd|-bd|bd\d|cmbx|,b\b", re.I)


_SPACING_ACCENTS = {
    "\u00a8": "\u0308",
    "\u00b4": "\u0301",
    "\u02c6": "\u0302",
    "\u02dc": "\u0303",
    "\u02c7": "\u030c",
    "\u00b8": "\u0327",
    "\u02da": "\u030a",
}
_ACCENT_RE = re.compile("([" + "".join(_SPACING_ACCENTS) + "]) ?([A-Za-z])")


def _compose(match: re.Match) -> str:
    """TeX fonts print "F¨arber" as an accent glyph then the letter; make it "Färber"."""
    combined = unicodedata.normalize("NFC", match.group(2) + _SPACING_ACCENTS[match.group(1)])
    return combined if len(combined) == 1 else match.group(0)


def normalise(text: str) -> str:
    """Ligatures expanded, TeX accents composed, odd spaces made plain, whitespace collapsed.

    ``str.split()`` and the regex ``\\s`` know the same whitespace (Python's ``str.isspace``),
    so splitting and joining collapses it as ``_WS_RE`` would, several times faster.
    """
    if not text.isascii():  # ligatures, odd spaces and spacing accents are all beyond ASCII
        if _LIG_RE.search(text):  # translate() with this table is 20 times slower than the search
            text = text.translate(_LIG_TABLE)
        if any(ch in text for ch in _SPACING_ACCENTS):
            text = _ACCENT_RE.sub(_compose, text)
    return " ".join(text.split())


@lru_cache(maxsize=4096)  # a paper has a few dozen fonts; asked for every span, many times over
def font_is_bold(font: str, flags: int) -> bool:
    return bool(flags & 16) or bool(_BOLD_NAME.search(font))


@dataclass(slots=True)
class Span:
    text: str
    font: str
    size: float
    flags: int
    x0: float
    x1: float

    @property
    def bold(self) -> bool:
        return font_is_bold(self.font, self.flags)


@dataclass
class Line:
    """One printed line (or a piece of one that stands apart from its neighbours)."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    size: float
    block: int
    spans: list[Span] = field(default_factory=list)
    base: float = 0.0

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (self.x0, self.y0, self.x1, self.y1)

    def font_at(self, offset: int) -> Span | None:
        """The span that holds character ``offset`` of ``text``, skipping blanks."""
        pos = 0
        for span in self.spans:
            pos += len(span.text)
            if pos > offset and span.text.strip():
                return span
        return None


def _dominant_size(spans: list[Span]) -> float:
    """The size (to 0.1 pt) that most of the line's letters are set in; the first such on a tie.

    Sizes are summed as MuPDF gives them and rounded once each, as a line has
    many spans and seldom more than two sizes.
    """
    if len(spans) == 1:
        return round(spans[0].size, 1)
    exact: dict[float, int] = {}
    for span in spans:
        exact[span.size] = exact.get(span.size, 0) + len(span.text.strip())
    if len(exact) == 1:
        return round(spans[0].size, 1)
    sizes: dict[float, int] = {}
    for size, letters in exact.items():
        key = round(size, 1)
        sizes[key] = sizes.get(key, 0) + letters
    return max(sizes, key=sizes.__getitem__) if sizes else 0.0


def _join_spans(spans: list[Span]) -> str:
    out = ""
    prev: Span | None = None
    for span in spans:
        piece = span.text
        if prev is not None and out and not out.endswith(" ") and not piece.startswith(" "):
            if span.x0 - prev.x1 > 0.2 * max(span.size, 1.0):
                out += " "
        out += piece
        prev = span
    return out


Rect = tuple[float, float, float, float]


def page_lines(page: pymupdf.Page) -> list[Line]:
    return read_page(page).lines


@dataclass
class PageContent:
    lines: list[Line]
    vectors: list[Rect]
    side_text: list[str]


def read_page(page: pymupdf.Page) -> PageContent:
    """Visual lines of a page, its vector paths, and its vertical text kept apart.

    Vertical text (the arXiv stamp in the margin) is not part of the reading
    order but carries the arXiv id, so it is returned separately.
    """
    data = page.get_text("dict", flags=_TEXT_FLAGS)
    lines: list[Line] = []
    vectors: list[Rect] = []
    side: list[str] = []
    for bno, block in enumerate(data.get("blocks", ())):
        kind = block.get("type", 0)
        if kind == 3:
            vectors.append(tuple(block["bbox"]))
            continue
        if kind != 0:
            continue
        pieces: list[tuple[tuple[float, float, float, float], list[Span], float]] = []
        for raw in block.get("lines", ()):
            direction = raw.get("dir", (1, 0))
            if abs(direction[1]) > 0.1 or direction[0] < 0:
                side.append("".join(sp["text"] for sp in raw.get("spans", ())))
                continue
            # One walk over a line's spans (MuPDF makes a span of every word and every space
            # it inserts): the spans with text, and the first of those with the most letters,
            # whose baseline is the line's.
            spans: list[Span] = []
            main, longest = None, -1
            for s in raw.get("spans", ()):
                text = s["text"]
                if not text:
                    if longest < 0:
                        main, longest = s, 0
                    continue
                letters = len(text.strip())
                if letters > longest:
                    main, longest = s, letters
                box = s["bbox"]
                spans.append(Span(text, s["font"], s["size"], s["flags"], box[0], box[2]))
            if longest > 0:
                pieces.append((tuple(raw["bbox"]), spans, main["origin"][1]))
        pieces.sort(key=lambda p: (round(p[2]), p[0][0]))
        merged: list[list] = []
        for bbox, spans, base in pieces:
            size = spans[0].size or 10.0
            if merged:
                mb, mspans, mbase = merged[-1]
                same_row = abs(mbase - base) < 0.35 * size
                if (same_row and bbox[0] >= mb[2] - 1 and bbox[0] - mb[2] < 3 * size
                        and not (bbox[0] - mb[2] > size and _CAPTION_START.match(spans[0].text.lstrip()))):
                    merged[-1] = [
                        (mb[0], min(mb[1], bbox[1]), max(mb[2], bbox[2]), max(mb[3], bbox[3])),
                        mspans + [Span(" ", GAP_FONT, spans[0].size, 0, mb[2], bbox[0])] + spans,
                        mbase,
                    ]
                    continue
            merged.append([bbox, spans, base])
        for bbox, spans, base in merged:
            text = normalise(_join_spans(spans))
            if text:
                lines.append(Line(text, *bbox, size=_dominant_size(spans), block=bno, spans=spans, base=base))
    lines = _merge_rows(lines)
    lines.sort(key=lambda ln: (round(ln.base), ln.x0))
    return PageContent(lines, vectors, side)


def _touch(a: Line, b: Line) -> float | None:
    """Signed gap from ``a`` to ``b`` when they share a row and nearly touch, else None.

    Asked of most pairs of neighbouring lines on a page, and most are on different
    rows: that first test is written out, as ``min``, ``max`` and ``height`` would
    compute it, because the calls cost more than the sums.
    """
    ay0, ay1, by0, by1 = a.y0, a.y1, b.y0, b.y1
    vo = (by1 if by1 < ay1 else ay1) - (by0 if by0 > ay0 else ay0)  # noqa: FURB136 - no calls
    a_high, b_high = ay1 - ay0, by1 - by0
    if vo <= 0.5 * (b_high if b_high < a_high else a_high) or abs(a.size - b.size) >= 0.6:  # noqa: FURB136
        return None
    limit = 0.5 * max(a.size, b.size)
    slack = -0.8 * min(a.size, b.size)
    right = b.x0 - a.x1
    if slack <= right < limit:
        return right
    left = a.x0 - b.x1
    if slack <= left < limit:
        return -left - 1e-6 if left > 0 else -1e-6 + left
    return None


def _absorb(target: Line, line: Line) -> None:
    after = line.x0 >= target.x0
    gap = line.x0 - target.x1 if after else target.x0 - line.x1
    joiner = " " if gap > 0.15 * line.size else ""
    if len(line.text) > len(target.text):
        target.base = line.base
        target.size = line.size
    if after:
        target.text = normalise(target.text + joiner + line.text)
        target.spans = target.spans + line.spans
    else:
        target.text = normalise(line.text + joiner + target.text)
        target.spans = line.spans + target.spans
    target.x0 = min(target.x0, line.x0)
    target.x1 = max(target.x1, line.x1)
    target.y0 = min(target.y0, line.y0)
    target.y1 = max(target.y1, line.y1)


def _merge_rows(lines: list[Line]) -> list[Line]:
    """Join pieces of one printed line that MuPDF put in different blocks.

    Formulas and font switches often break a line into blocks; pieces that share
    a row and nearly touch belong together, while column gutters and table
    cells are wider than the gap allowed here.
    """
    lines.sort(key=lambda ln: (ln.y0, ln.x0))
    out: list[Line] = []
    active: list[Line] = []
    for line in lines:
        active = [a for a in active if a.y1 > line.y0]
        target = None
        for candidate in active:
            if _touch(candidate, line) is not None:
                target = candidate
                break
        if target is None:
            out.append(line)
            active.append(line)
            continue
        _absorb(target, line)
        merged = True
        while merged:
            merged = False
            for other in active:
                if other is not target and _touch(target, other) is not None:
                    _absorb(target, other)
                    active.remove(other)
                    out.remove(other)
                    merged = True
                    break
    return out


_COMPOUND_TAILS = {
    "level", "based", "dimensional", "specific", "aware", "like", "wise", "free", "scale", "grained",
    "trained", "tuned", "corrected", "efficient", "detected", "segment", "noun", "order", "art", "step",
    "time", "term", "end", "off", "up", "out", "driven", "oriented", "dependent", "independent", "related",
    "defined", "annotated", "generated", "labeled", "labelled", "supervised", "shot", "domain", "task",
    "world", "source", "sized", "sensitive", "agnostic", "friendly", "dimensional", "valued", "way", "fold",
}
_COMPOUND_HEADS = {
    "high", "low", "self", "non", "cross", "well", "long", "short", "fine", "large", "small", "single",
    "two", "three", "real", "open", "end", "state", "top", "multi-", "co", "re-", "semi", "sub-",
}
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z\-]*[A-Za-z]")
_LOWER_RUN = re.compile(r"[a-z]*")
_WORD_RUN = re.compile(r"[A-Za-z\-]+")


def vocabulary(pages: list[list[Line]]) -> set[str]:
    """Lower-cased words printed whole somewhere in the document, hyphenated or not."""
    words: set[str] = set()
    for lines in pages:
        texts = [line.text.removesuffix("-") for line in lines]
        page = "\n".join(texts)  # no word runs over a line break, so a page is read in one go
        if page.isascii():  # lower() then maps A-Z alone, so the words found are the same
            words.update(_WORD_RE.findall(page.lower()))
            continue
        for text in texts:
            if text.isascii():
                words.update(_WORD_RE.findall(text.lower()))
            else:
                words.update(map(str.lower, _WORD_RE.findall(text)))
    return words


def _keep_hyphen(head: str, tail: str, vocab: set[str] | None) -> bool:
    """Whether the hyphen at a line break belongs to the word.

    The document's own vocabulary decides when it can ("publisher-provided" printed
    whole elsewhere); acronyms ("GROBID-parsed") and words already hyphenated
    ("state-of-the-art") keep it; otherwise the break is taken as hyphenation.
    """
    if "-" in head or "\u2010" in head:
        return True
    if sum(c.isupper() or c.isdigit() for c in head) >= 2 and not head[1:].islower():
        return True
    tail_low = _LOWER_RUN.match(tail).group(0)
    if tail_low in _COMPOUND_TAILS or head.lower() in _COMPOUND_HEADS:
        return True
    if len(head) > 5 and head.endswith("ly") and tail_low.endswith(("ed", "ing")):
        return True
    if vocab:
        tail_word = _WORD_RUN.match(tail)
        tw = tail_word.group(0) if tail_word else tail
        joined, hyphened = (head + tw).lower(), f"{head}-{tw}".lower()
        if joined in vocab:
            return False
        if hyphened in vocab:
            return True
    return False


_OPENERS = "([{\"'\u201c/"


def _last_word(text: str) -> str:
    """What follows the last blank or opening bracket, quote or slash in ``text``, which ends in a letter.

    The same as splitting ``text`` at those characters and keeping the last piece, but read
    from the end instead of splitting a whole paragraph at each hyphenated line break.
    """
    word = text.rsplit(None, 1)[-1]  # str.split and the regex \s know the same blanks (str.isspace)
    return word[max(map(word.rfind, _OPENERS)) + 1:]


def join_lines(texts: list[str], vocab: set[str] | None = None) -> str:
    """Join printed lines into one string, undoing end-of-line hyphenation."""
    out = ""
    for text in texts:
        text = text.strip()
        if not text:
            continue
        if not out:
            out = text
            continue
        if len(out) >= 2 and out[-1] in "-\u2010" and out[-2].isalpha() and text[0].islower():
            head = _last_word(out[:-1])
            out = out + text if _keep_hyphen(head, text, vocab) else out[:-1] + text
        else:
            out = out + " " + text
    return normalise(out)


def body_font_size(pages_lines: list[list[Line]]) -> float:
    """The size most characters are set in: the running text."""
    sizes: Counter[float] = Counter()
    for lines in pages_lines:
        for line in lines:
            sizes[round(line.size * 2) / 2] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 10.0


def strip_accents_lower(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()
