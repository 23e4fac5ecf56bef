"""Finding in-text citation markers on a page and the entries they point to.

Four kinds, tried in this order, each only where the earlier found nothing:

- **linked**: the PDF's own internal links (hyperref, publishers' anchors) whose
  target lands on an entry of the bibliography;
- **numeric**: "[12]", "[3, 7-9]" when the bibliography is numbered;
- **superscript**: raised, smaller digits ("…waveform\u00b3\u2074") when it is numbered
  and the paper does not cite in brackets (then raised digits are footnotes);
- **author-year**: "Lan et al. (2020)", "(Lan et al., 2020; Kitaev et al., 2020a)"
  matched to entries by the first author's surname and the year.

A wrong popup is worse than none, so every rule errs towards finding nothing:
numbers must name existing entries, names and years must both match one entry.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from reader.pdf.citations.layout import Line, Link
from reader.pdf.citations.model import Box, Entry, Marker

_BRACKET = re.compile(r"\[\s*(\d{1,3}(?:\s*[-\u2013\u2014]\s*\d{1,3})?(?:\s*[,;]\s*\d{1,3}(?:\s*[-\u2013\u2014]\s*\d{1,3})?)*)\s*\]")
_SUPERSCRIPT = re.compile(r"^[\s,]*\d{1,3}(?:\s*[-\u2013\u2014,]\s*\d{1,3})*[\s,]*$")
_YEAR = re.compile(r"(?<![\w/.])((?:19|20)\d{2})([a-z])?(?![\w])")
_NAME = r"[A-Z\u00c0-\u024f][\w\u00c0-\u024f'\u2019\-]+"
_GAP = re.compile(
    r"^(?:['\u2019]s)?(?:\s+et\s*al\.?)?"
    rf"(?:(?:,\s*|\s+)(?:and|&)\s+(?P<second>{_NAME})|,\s*(?P<second2>{_NAME})(?:,?\s+(?:and|&)\s+{_NAME})?)?"
    r"(?:\s+et\s*al\.?|\s+and\s+others)?[,;]?\s*\(?\s*(?:\[?\s*)?(?:(?:19|20)\d{2}[a-z]?[,;]?\s*)*$", re.DOTALL)


class PageText:
    """A page's lines joined with newlines, with a map back from characters to boxes."""

    def __init__(self, lines: Sequence[Line]) -> None:
        self.lines = list(lines)
        self.offsets: list[int] = []
        parts, at = [], 0
        for line in self.lines:
            self.offsets.append(at)
            parts.append(line.text)
            at += len(line.text) + 1
        self.text = "\n".join(parts)

    def boxes(self, start: int, end: int) -> list[Box]:
        found = []
        for line, offset in zip(self.lines, self.offsets):
            lo, hi = max(start, offset), min(end, offset + len(line.text))
            if lo < hi:
                found.append(line.box_of(lo - offset, hi - offset))
        return found

    def text_in(self, box: Box) -> str:
        """The characters whose middle lies in ``box``."""
        out = []
        for line in self.lines:
            if not box[1] - 1 <= (line.y0 + line.y1) / 2 <= box[3] + 1:
                continue
            for span in line.spans:
                for k, ch in enumerate(span.text):
                    middle = (span.x_at(k) + span.x_at(k + 1)) / 2
                    if box[0] - 0.5 <= middle <= box[2] + 0.5:
                        out.append(ch)
        return "".join(out).strip()


def _marker(page: int, boxes: list[Box], text: str, entries: Sequence[int], style: str, group: int = -1) -> Marker:
    return Marker(page, boxes[0], " ".join(text.split()), tuple(entries), style, group, tuple(boxes[1:]))


# linked ----------------------------------------------------------------------------------


def linked_markers(page: int, text: PageText, links: Sequence[Link], entries: Sequence[Entry],
                   entry_lines: dict[int, list[Line]], reading: int | None = None) -> list[Marker]:
    """Markers whose link lands on an entry; neighbouring links to one entry join, also over a line break
    ("(Ammar et al.," " 2018)").  ``reading``: which of a link's two target heights this document uses."""
    found: list[Marker] = []
    for link in links:
        number = entry_at(link, entries, entry_lines, reading)
        if number is None:
            continue
        label = text.text_in(link.box)
        if number < 0:  # only the page is known: the link's text picks the entry among that page's
            number = _entry_by_text(label, [e for e in entries if e.page == link.target_page])
            if number is None:
                continue
        last = found[-1] if found else None
        if last is not None and last.entries == (number,):
            tail = last.boxes()[-1]
            same_line = abs(tail[1] - link.box[1]) < 2 and -2 < link.box[0] - tail[2] < 12
            next_line = 0 < link.box[1] - tail[1] < 2.5 * (tail[3] - tail[1]) and link.box[0] < tail[0]
            if same_line or next_line:
                boxes = list(last.boxes())
                if same_line:
                    boxes[-1] = (min(tail[0], link.box[0]), min(tail[1], link.box[1]), max(tail[2], link.box[2]),
                                 max(tail[3], link.box[3]))
                else:
                    boxes.append(link.box)
                found[-1] = _marker(page, boxes, " ".join(text.text_in(b) for b in boxes), (number,), "linked")
                continue
        found.append(_marker(page, [link.box], label, (number,), "linked"))
    return found


def entry_at(link: Link, entries: Sequence[Entry], entry_lines: dict[int, list[Line]],
             reading: int | None = None, window: tuple[float, float] = (-6, 24)) -> int | None:
    """The entry a link's target lands on; -1: it lands on a page of entries but at no one entry."""
    on_page = [e for e in entries if e.page == link.target_page or
               any(ln.page == link.target_page for ln in entry_lines.get(e.number, ()))]
    if not on_page:
        return None
    best, best_distance = None, 1e9
    readings = link.target_y if reading is None else link.target_y[reading:reading + 1]
    for y in readings:
        for entry in on_page:
            for line in entry_lines.get(entry.number, ())[:1]:
                if line.page != link.target_page:
                    continue
                if link.target_x is not None and not link.target_x - 15 <= line.x0 <= link.target_x + 45:
                    continue  # the other column of a two-column bibliography
                distance = line.y0 - y
                if window[0] <= distance <= window[1] and abs(distance) < best_distance:
                    best, best_distance = entry.number, abs(distance)
    return best if best is not None else -1


def _entry_by_text(label: str, entries: Sequence[Entry]) -> int | None:
    numbers = re.findall(r"\d{1,3}", label)
    years = _YEAR.findall(label)
    if years:
        folded = fold_keep(label)
        hits = [e.number for e in entries if e.year[:4] == years[0][0] and e.first_author_surname()
                and fold_keep(e.first_author_surname()) in folded]
        return hits[0] if len(hits) == 1 else None
    if len(numbers) == 1:
        hits = [e.number for e in entries if e.label == numbers[0]]
        return hits[0] if len(hits) == 1 else None
    return None


# numeric -----------------------------------------------------------------------------------


def numeric_markers(page: int, text: PageText, entries: Sequence[Entry], style: str = "numeric") -> list[Marker]:
    by_label = {e.label: e.number for e in entries if e.label}
    found = []
    for match in _BRACKET.finditer(text.text):
        numbers = expand_numbers(match.group(1))
        if not numbers or any(str(n) not in by_label for n in numbers):
            continue
        found.append(_marker(page, text.boxes(match.start(), match.end()), match.group(0),
                             [by_label[str(n)] for n in numbers], style))
    return found


def expand_numbers(text: str) -> list[int]:
    """"3, 7-9" -> [3, 7, 8, 9]; [] for a range that runs backwards or past 60 entries."""
    numbers: list[int] = []
    for part in re.split(r"[,;]", text):
        bounds = [int(n) for n in re.findall(r"\d+", part)]
        if len(bounds) == 1:
            numbers.append(bounds[0])
        elif len(bounds) == 2:
            if not 0 < bounds[1] - bounds[0] <= 60:
                return []
            numbers.extend(range(bounds[0], bounds[1] + 1))
        elif bounds:
            return []
    return numbers


# superscript ---------------------------------------------------------------------------------


def superscript_markers(page: int, lines: Sequence[Line], entries: Sequence[Entry], skip_above: float = 0.0,
                        footnote_labels: set[str] = frozenset(), body_size: float = 0.0) -> list[Marker]:
    """Raised, smaller digits that name entries ("\u00b3\u2074", "\u00b9\u00b9,\u00b9\u00b2", "\u2074\u00b9\u207b\u2074\u00b3").

    Only in lines of the body's type size: the authors' line and the affiliations,
    where raised digits are affiliation marks, are set larger or smaller.
    """
    by_label = {e.label: e.number for e in entries if e.label}
    found = []
    for line in lines:
        if line.y0 < skip_above or (body_size and abs(line.size - body_size) > 0.12 * body_size):
            continue
        run: list = []
        for span in [*line.spans, None]:
            raised = (span is not None and span.text.strip() and span.size <= 0.85 * line.size
                      and span.baseline < line.baseline - 0.12 * line.size and _SUPERSCRIPT.match(span.text))
            if raised:
                run.append(span)
                continue
            if run and run[0] is line.spans[0]:  # a raised number opening a line labels it (a footnote, an affiliation)
                run = []
            if run:
                label = "".join(s.text for s in run).strip(" ,")
                numbers = expand_numbers(label)
                if numbers and all(str(n) in by_label for n in numbers) and label not in footnote_labels:
                    box = (run[0].x0, min(s.y0 for s in run), run[-1].x1, max(s.y1 for s in run))
                    found.append(_marker(page, [box], label, [by_label[str(n)] for n in numbers], "superscript"))
                run = []
    return found


# author-year -----------------------------------------------------------------------------------


def fold_keep(text: str) -> str:
    """Lower case without accents, one character for one: offsets in the result are offsets in ``text``."""
    return "".join((unicodedata.normalize("NFKD", c)[:1] or c).lower() for c in text)


class AuthorYearIndex:
    """Entries by year, with their surnames folded, for matching "Lan et al. (2020)"."""

    def __init__(self, entries: Sequence[Entry]) -> None:
        self.by_year: dict[str, list[tuple[Entry, str, str]]] = {}
        for entry in entries:
            first = fold_keep(entry.first_author_surname())
            if not entry.year or len(first) < 2:
                continue
            second = fold_keep(_surname_of(entry.authors[1])) if len(entry.authors) > 1 else ""
            self.by_year.setdefault(entry.year[:4], []).append((entry, first, second))


def _surname_of(name: str) -> str:
    from reader.pdf.citations.model import surname

    return surname(name)


def author_year_markers(page: int, text: PageText, index: AuthorYearIndex, group_base: int = 0) -> list[Marker]:
    found = []
    folded = fold_keep(text.text)
    for match in _YEAR.finditer(text.text):
        year, letter = match.group(1), match.group(2) or ""
        candidates = index.by_year.get(year)
        if not candidates:
            continue
        window_start = max(0, match.start() - 120)
        best, best_score, tied = None, -1, False
        for entry, first, second in candidates:
            if letter and entry.year[4:] and entry.year[4:] != letter:
                continue
            score, start = _score(folded, text.text, window_start, match.start(), first, second, entry)
            if score < 0:
                continue
            if entry.year[4:] == letter:
                score += 1
            if score > best_score:
                best, best_score, tied, best_start = entry, score, False, start
            elif score == best_score and best is not None and best.number != entry.number:
                tied = True
        if best is None or tied:
            continue
        boxes = text.boxes(best_start, match.end())
        if not boxes:
            continue
        group = _parenthesis(text.text, best_start, match.end())
        found.append(_marker(page, boxes, text.text[best_start:match.end()], (best.number,), "author-year",
                             group_base + group if group >= 0 else -1))
    return found


def _score(folded: str, raw: str, lo: int, year_at: int, first: str, second: str, entry: Entry) -> tuple[int, int]:
    """How well "<surname> ... <year>" before ``year_at`` fits the entry; (-1, 0) when it does not."""
    best = (-1, 0)
    at = folded.rfind(first, lo, year_at)
    while at >= 0:
        before_ok = at == 0 or not folded[at - 1].isalpha()
        end = at + len(first)
        after_ok = end < len(folded) and not folded[end].isalpha()
        if before_ok and after_ok and raw[at].isupper():
            gap = _GAP.match(raw[end:year_at])
            if gap is not None:
                named = gap.group("second") or gap.group("second2")
                score = 2
                between = raw[end:year_at]
                if named:
                    if second and fold_keep(named) != second:
                        return (-1, 0)
                    score += 2
                elif re.search(r"et\s*al", between):
                    score += 1 if len(entry.authors) >= 3 else -1
                elif len(entry.authors) == 1:
                    score += 1
                return (score, at)
        at = folded.rfind(first, lo, at)
    return best


def _parenthesis(text: str, start: int, end: int) -> int:
    """Where the parenthesis enclosing ``start:end`` opens, or -1; one group per parenthesis."""
    opening = text.rfind("(", max(0, start - 300), start + 1)
    if opening < 0 or ")" in text[opening:start]:
        return -1
    closing = text.find(")", end)
    if closing < 0 or "(" in text[end:closing]:
        return -1
    return opening
