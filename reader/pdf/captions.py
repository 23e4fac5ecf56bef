"""Finding figure and table captions among a page's visual lines.

A line is a caption start when it begins with a label and a number *and* looks
like the start of a caption rather than a sentence that mentions a figure: the
number is followed by a delimiter (":", ".", "|", a dash), or the label is set
apart by weight or by a smaller font. Lines that continue a sentence from the
line above ("... shown in / Fig. 1. Quantitative ...") are refused, as are lines
in text far smaller than the body (the text of a screenshot inside a figure).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reader.pdf.text import Line, join_lines

LABEL_RE = re.compile(
    r"^(?P<word>(?:Supplementary|Extended\s+Data)\s+(?:Figure|Fig\.?|Table)"
    r"|Figure|FIGURE|Fig\.|FIG\.|Fig|FIG|Table|TABLE|Tab\.|TAB\.)"
    r"\s*(?P<num>[A-Z]?\d+(?:\.\d+)?[a-z]?(?![\d.]*\d)|[IVXL]+\b)"
    r"(?P<rest>.*)$"
)
_DELIM_RE = re.compile(r"^\s*(?:[:.|]|[\u2014\u2013\-](?!\s*\d))")
_TERMINAL = tuple(".!?:;")
_LEADERS = re.compile(r"(?:\.\s?){4,}\s*\d+\s*$")


@dataclass
class CaptionHit:
    kind: str
    label: str
    number: str
    page: int
    text: str
    bbox: tuple[float, float, float, float]
    score: float
    lines: list[Line]


def _kind(word: str) -> str:
    return "table" if word.lower().rstrip(".").split()[-1] in {"table", "tab"} else "figure"


def _label(word: str, num: str) -> str:
    word = " ".join(word.split())
    return f"{word} {num}"


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def _line_above(lines: list[Line], idx: int) -> Line | None:
    """The nearest line above in the same PyMuPDF block that shares the column."""
    cur = lines[idx]
    best: Line | None = None
    for other in lines[:idx][::-1]:
        if other.block != cur.block or other.base > cur.base - 0.5 * cur.size:
            continue
        if _overlap(other.x0, other.x1, cur.x0, cur.x1) < 0.3 * min(other.width, cur.width):
            continue
        if best is None or other.base > best.base:
            best = other
    return best


def _score_start(lines: list[Line], idx: int, body: float) -> tuple[float, re.Match] | None:
    line = lines[idx]
    match = LABEL_RE.match(line.text)
    if not match:
        return None
    if line.size < 0.7 * body or _LEADERS.search(line.text):
        return None
    rest = match.group("rest")
    score = 0.0
    label_span = line.font_at(0)
    rest_stripped = rest.strip()
    rest_span = line.font_at(len(line.text) - len(rest) + (len(rest) - len(rest.lstrip()))) if rest_stripped else None
    styled = bool(
        label_span
        and rest_span
        and (label_span.bold != rest_span.bold or label_span.font != rest_span.font)
    ) or bool(label_span and label_span.bold and not rest_stripped)
    smaller = line.size < body - 0.4
    if _DELIM_RE.match(rest):
        after = _DELIM_RE.sub("", rest, count=1).strip()
        if after[:1] in {",", ")", ";"}:
            return None
        score += 3.0
    elif not rest_stripped:
        score += 1.0
    elif rest_stripped[0].isupper() and (styled or smaller):
        score += 2.0
    elif rest_stripped[0].isupper() and match.group("word").isupper() and match.group("word")[0] == "T":
        score += 1.0  # "TABLE I  COMPARISON OF ..." in IEEE style
    else:
        return None
    if styled:
        score += 1.0
    if smaller:
        score += 0.5
    above = _line_above(lines, idx)
    if above is not None:
        pitch = line.base - above.base
        same_font = abs(above.size - line.size) < 0.6
        if same_font and pitch < 1.55 * line.size and not above.text.rstrip("\"'\u201d)").endswith(_TERMINAL):
            if above.width >= 0.6 * line.width or not rest_stripped:
                return None
        score -= 0.5
    return score, match


_ABBREV_END = re.compile(r"(?:\b(?:e\.g|i\.e|et al|vs|cf|resp|approx|Fig|Figs|Eq|Eqs|Sec|No|ca)\.)$")


def _ends_sentence(text: str) -> bool:
    text = text.rstrip("\"'\u201d)")
    return text.endswith((".", "!", "?")) and not _ABBREV_END.search(text)


def _continues(caption: list[Line], nxt: Line, size: float, hang: float, label_only: bool = False) -> bool:
    """Whether ``nxt`` carries on the caption whose lines so far are ``caption``."""
    last = caption[-1]
    x0 = min(ln.x0 for ln in caption)
    if abs(nxt.size - size) > 0.8 and abs(nxt.size - last.size) >= 0.3:
        return False
    step = nxt.base - last.base
    if step > 1.75 * size or step < 0.5 * size:
        return False
    ended = _ends_sentence(last.text)
    left = abs(nxt.x0 - x0) < 1.5 * size
    hanging = x0 < nxt.x0 <= x0 + hang + size and not ended
    centre = abs((nxt.x0 + nxt.x1) - (last.x0 + last.x1)) < 3 * size and (
        nxt.width <= last.width + 2 * size or (label_only and len(caption) == 1)
    )
    if not (left or hanging or centre):
        return False
    if ended and not left:
        return False
    if ended:
        x1 = max(ln.x1 for ln in caption)
        if nxt.text[:1].islower() or nxt.x1 > x1 + 2 * size:
            return False
        if len(caption) > 1 and last.x1 < x1 - 3 * size:
            if nxt.x0 > x0 + 0.8 * size and not hanging:
                return False
            pitch = (caption[-1].base - caption[0].base) / (len(caption) - 1)
            if step > 1.25 * pitch + 0.5:
                return False
    return True


def _beside(lines: list[Line], idx: int, used: set[int], starts: dict) -> int | None:
    """A line on the same row just right of a lone label: the caption text set apart."""
    label = lines[idx]
    best = None
    for j, other in enumerate(lines):
        if j == idx or j in used or j in starts or abs(other.base - label.base) > 0.3 * label.size:
            continue
        gap = other.x0 - label.x1
        if 0 <= gap < 5 * label.size and (best is None or other.x0 < lines[best].x0):
            best = j
    return best


def _join_row(label: Line, text: Line) -> Line:
    return Line(
        text=f"{label.text} {text.text}",
        x0=label.x0,
        y0=min(label.y0, text.y0),
        x1=text.x1,
        y1=max(label.y1, text.y1),
        size=text.size,
        block=label.block,
        spans=label.spans + text.spans,
        base=label.base,
    )


def find_captions(lines: list[Line], page_no: int, body: float, vocab: set[str] | None = None) -> list[CaptionHit]:
    """Caption starts on one page, each followed down its column to its last line."""
    starts: dict[int, tuple[float, re.Match]] = {}
    for idx in range(len(lines)):
        found = _score_start(lines, idx, body)
        if found is not None:
            starts[idx] = found
    hits: list[CaptionHit] = []
    used: set[int] = set()
    for idx, (score, match) in starts.items():
        if idx in used:
            continue
        first = lines[idx]
        caption = [first]
        rest = match.group("rest")
        label_only = not _DELIM_RE.sub("", rest, count=1).strip()
        size = _rest_size(first, rest) or first.size
        hang = 0.5 * size * (len(first.text) - len(rest) + 2)
        if label_only:
            beside = _beside(lines, idx, used, starts)
            if beside is not None:
                first = _join_row(first, lines[beside])
                caption = [first]
                used.add(beside)
                label_only = False
                size = lines[beside].size
                hang = lines[beside].x0 - first.x0
        for j in range(idx + 1, len(lines)):
            if len(caption) >= 80:
                break
            cand = lines[j]
            if j in used or cand.base < caption[-1].base + 0.5 * min(cand.size, size):
                continue
            if cand.base - caption[-1].base > 2.0 * size:
                break
            if j in starts:
                if _overlap(cand.x0, cand.x1, first.x0, max(c.x1 for c in caption)) > 0:
                    break
                continue
            if _continues(caption, cand, size, hang, label_only):
                caption.append(cand)
                used.add(j)
        if label_only and len(caption) == 1:
            score -= 1.0
            if not rest.strip():
                continue
        kind = _kind(match.group("word"))
        text = join_lines([ln.text for ln in caption], vocab)
        bbox = (
            min(ln.x0 for ln in caption),
            min(ln.y0 for ln in caption),
            max(ln.x1 for ln in caption),
            max(ln.y1 for ln in caption),
        )
        hits.append(
            CaptionHit(
                kind=kind,
                label=_label(match.group("word"), match.group("num")),
                number=match.group("num"),
                page=page_no,
                text=text,
                bbox=bbox,
                score=score,
                lines=caption,
            )
        )
    return hits


def _rest_size(line: Line, rest: str) -> float:
    offset = len(line.text) - len(rest.lstrip())
    sizes = []
    pos = 0
    for span in line.spans:
        if pos >= offset and span.text.strip():
            sizes.append((len(span.text.strip()), span.size))
        pos += len(span.text)
    if not sizes:
        return 0.0
    return max(sizes)[1]


def choose(hits: list[CaptionHit]) -> list[CaptionHit]:
    """One caption per label: the most caption-like occurrence, earliest on ties."""
    best: dict[tuple[str, str], CaptionHit] = {}
    for hit in hits:
        key = (hit.kind, hit.number.upper(), hit.label.split()[0].lower() in {"supplementary", "extended"})
        if key not in best or hit.score > best[key].score:
            best[key] = hit
    return sorted(best.values(), key=lambda h: (h.page, h.bbox[1], h.bbox[0]))
