"""Finding the references section and cutting it into entries.

Works on :class:`~reader.pdf.citations.layout.Line` rows, so it is plain Python.
The section starts at a "References" (or "Bibliography", "Literature Cited")
heading, the last one in the paper; a journal that prints no heading (Nature's
numbered list in small type) is found by its run of "1.", "2.", "3." lines. It
ends at an appendix heading or at text of another size. Entries are split by
their printed numbers when the list is numbered (checked to count up, so a line
that starts with "2008)." is no new entry), else by hanging indent, else by the
extra space between entries.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise

from reader.pdf.citations.layout import Line

_HEADING = re.compile(
    r"^\s*(?:[0-9]{1,2}\.?|[IVX]{1,4}\.)?\s*(references(?: and notes)?|bibliography|literature cited|works cited|"
    r"cited literature|reference list)\s*:?\s*$", re.IGNORECASE)
_BACK_MATTER = re.compile(r"^(?:[A-Z](?:\.\d+)*\.?\s+)?(?:appendix|appendices|supplementary (?:material|information)|"
                          r"acknowledg(?:e)?ments?|author contributions|online methods|checklist)\b", re.IGNORECASE)
_NUMBER = re.compile(r"^\s*(?:\[(\d{1,3})\]|\((\d{1,3})\)|(\d{1,3})\.(?=\s|\t|[A-Z])|(\d{1,3})\s+(?=[A-Z]))")


@dataclass
class RawEntry:
    label: str  # the printed number, "" when unnumbered
    lines: list[Line]


def find_section(lines: list[Line]) -> tuple[int, int] | None:
    """Indexes [start, end) of the bibliography's lines in ``lines`` (all pages in order), or None."""
    starts = [i for i, line in enumerate(lines) if _HEADING.match(line.text) and len(line.text) < 40]
    if starts:
        # the heading followed by the most lines with a year (a "Bibliography" cell of a table has few)
        start = max(starts[-4:], key=lambda i: (_years_after(lines, i), i)) + 1
        while start < len(lines) and not lines[start].text.strip():
            start += 1
    else:
        start = _numbered_run(lines)
        if start is None:
            return None
    if start >= len(lines):
        return None
    body = Counter(round(ln.size) for ln in lines[start:start + 40]).most_common(1)[0][0]
    end = start
    while end < len(lines):
        line = lines[end]
        if end > start + 2 and _is_end(line, body):
            break
        end += 1
    return start, end


def _years_after(lines: list[Line], heading: int) -> int:
    return sum(1 for line in lines[heading + 1:heading + 40] if re.search(r"(?:19|20)\d{2}", line.text))


def _is_end(line: Line, body_size: float) -> bool:
    """An appendix or back-matter heading: a heading word, or short text in bigger type."""
    text = line.text.strip()
    if len(text) > 80 or re.fullmatch(r"[\d\s]+", text) or _NUMBER.match(text):
        return False
    if _BACK_MATTER.match(text):
        return True
    bigger = round(line.size) > body_size + 0.5
    return bigger and text[:1].isupper() and len(text) < 60 and not text.endswith((".", ","))


def _numbered_run(lines: list[Line]) -> int | None:
    """Where the longest run of lines starting "1.", "2.", ... begins (at least five of them)."""
    best, best_len = None, 0
    for i, line in enumerate(lines):
        if _label(line.text) != 1:
            continue
        expected, count = 2, 1
        for later in lines[i + 1:i + 400]:
            if _label(later.text) == expected:
                expected, count = expected + 1, count + 1
        if count >= 5 and count > best_len:
            best, best_len = i, count
    return best


def _label(text: str) -> int | None:
    match = _NUMBER.match(text)
    if match is None:
        return None
    return int(next(g for g in match.groups() if g))


def split_entries(lines: list[Line]) -> tuple[list[RawEntry], bool]:
    """The section's lines cut into entries; True when they are numbered."""
    size = _median_size(lines)
    # footnotes that end a column of references are set smaller than the entries
    lines = [ln for ln in lines if ln.text.strip() and not _page_furniture(ln, lines) and ln.size >= 0.93 * size]
    numbered = _split_numbered(lines)
    if numbered is not None:
        return numbered, True
    return _split_unnumbered(lines), False


def _page_furniture(line: Line, lines: list[Line]) -> bool:
    """A page number or running head between two pages of references."""
    text = line.text.strip()
    return bool(re.fullmatch(r"\d{1,4}", text)) or (line.size < 0.8 * _median_size(lines) and len(text) < 4)


def _median_size(lines: list[Line]) -> float:
    sizes = sorted(ln.size for ln in lines)
    return sizes[len(sizes) // 2] if sizes else 10.0


def _split_numbered(lines: list[Line]) -> list[RawEntry] | None:
    starts = [(i, _label(ln.text)) for i, ln in enumerate(lines)]
    chosen, expected = [], None
    for i, number in starts:
        if number is None:
            continue
        if expected is None:
            if number in (1, 2) or (not chosen and i < 3):
                chosen.append(i)
                expected = number + 1
        elif number == expected:
            chosen.append(i)
            expected += 1
    if len(chosen) < 3 or len(chosen) < 0.5 * len(lines) / 6:
        return None
    entries = []
    for k, first in enumerate(chosen):
        last = chosen[k + 1] if k + 1 < len(chosen) else len(lines)
        entries.append(RawEntry(str(_label(lines[first].text)), lines[first:last]))
    return entries


def _split_unnumbered(lines: list[Line]) -> list[RawEntry]:
    """Hanging indent where the column has one; else a gap larger than the line spacing."""
    entries: list[RawEntry] = []
    columns: dict[tuple[int, int], list[Line]] = {}
    for line in lines:
        columns.setdefault((line.page, round(line.x0 / 40)), []).append(line)
    lefts = {}
    for key, group in columns.items():
        lefts[key] = min(ln.x0 for ln in group)
    spacing = _typical_spacing(lines)
    previous: Line | None = None
    for line in lines:
        key = (line.page, round(line.x0 / 40))
        left = _column_left(line, lefts)
        hanging = line.x0 <= left + 2
        indented_column = any(ln.x0 > left + 4 for ln in columns.get(key, []) if abs(ln.x0 - left) < 40)
        gap = line.baseline - previous.baseline if previous is not None and previous.page == line.page else None
        new = (previous is None or (indented_column and hanging)
               or (not indented_column and gap is not None and gap > spacing + max(1.5, 0.15 * spacing))
               or (gap is None or gap < 0) and hanging and _ends_entry(previous))
        if new:
            entries.append(RawEntry("", [line]))
        else:
            entries[-1].lines.append(line)
        previous = line
    return [e for e in entries if len(" ".join(ln.text for ln in e.lines)) > 15]


def _column_left(line: Line, lefts: dict[tuple[int, int], float]) -> float:
    near = [x for (page, _), x in lefts.items() if page == line.page and abs(x - line.x0) < 25]
    return min(near) if near else line.x0


def _ends_entry(line: Line | None) -> bool:
    return line is not None and line.text.rstrip().endswith((".", ")"))


def _typical_spacing(lines: list[Line]) -> float:
    gaps = [b.baseline - a.baseline for a, b in pairwise(lines) if a.page == b.page and 0 < b.baseline - a.baseline < 40]
    if not gaps:
        return 12.0
    gaps.sort()
    return gaps[len(gaps) // 4]  # the lines within an entry are the common, closest case
