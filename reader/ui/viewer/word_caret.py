"""Moving a selection's end from the keyboard, a word or a line at a time.

The page's selection is a range of words in content order (see
:mod:`reader.pdf.textsel`), so the keyboard moves over words, not characters:
Shift+Right takes in the next word, Shift+Down the word below on the next line.
A caret is ``(page, word index)``; the selection runs from a fixed anchor to the
moving caret, as in a text editor. Qt-free, so the rules are tested on plain
word lists. Words are ``(x0, y0, x1, y1, text, block, line)`` in page points.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

Word = tuple[float, float, float, float, str, int, int]
Caret = tuple[int, int]  # page, word index
Words = Mapping[int, Sequence[Word]]


def words_in_rect(words: Sequence[Word], rect: tuple[float, float, float, float]) -> tuple[int, int] | None:
    """The first and last word that a find hit's rectangle covers (its centre inside the word, or the
    word's centre inside it): a hit on "cita" in "citation" selects the whole word."""
    x0, y0, x1, y1 = rect
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    covered = [i for i, w in enumerate(words)
               if (w[0] <= cx <= w[2] and w[1] <= cy <= w[3])
               or (x0 - 1 <= (w[0] + w[2]) / 2 <= x1 + 1 and y0 - 1 <= (w[1] + w[3]) / 2 <= y1 + 1)]
    return (min(covered), max(covered)) if covered else None


def selection_between(words: Words, anchor: Caret, caret: Caret) -> dict[int, tuple[int, int]]:
    """Inclusive word range per page from anchor to caret, whichever comes first."""
    start, end = sorted([anchor, caret])
    if start[0] == end[0]:
        return {start[0]: (start[1], end[1])}
    ranges = {start[0]: (start[1], len(words.get(start[0]) or []) - 1)}
    for page in range(start[0] + 1, end[0]):
        if words.get(page):
            ranges[page] = (0, len(words[page]) - 1)
    ranges[end[0]] = (0, end[1])
    return {page: span for page, span in ranges.items() if span[1] >= span[0]}


def needed_page(words: Words, caret: Caret, direction: int, page_count: int) -> int | None:
    """The neighbouring page whose words a step off this page's end needs, if they are not here yet."""
    page, index = caret
    count = len(words.get(page) or [])
    leaving = index + direction >= count if direction > 0 else index + direction < 0
    target = page + direction
    if leaving and 0 <= target < page_count and target not in words:
        return target
    return None


def step_word(words: Words, caret: Caret, direction: int, page_count: int) -> Caret:
    """One word on (``direction`` +1) or back (-1), onto the next page with words; stays put at the ends."""
    page, index = caret
    index += direction
    while not 0 <= index < len(words.get(page) or []):
        page += direction
        if not 0 <= page < page_count or page not in words:
            return caret
        index = 0 if direction > 0 else len(words[page]) - 1
    return page, index


def _line_runs(words: Sequence[Word]) -> list[tuple[int, int]]:
    """(first, last) word index of each line, in content order."""
    runs: list[tuple[int, int]] = []
    for i, word in enumerate(words):
        if runs and (words[runs[-1][0]][5], words[runs[-1][0]][6]) == (word[5], word[6]):
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


def _closest_in(words: Sequence[Word], run: tuple[int, int], x: float) -> int:
    return min(range(run[0], run[1] + 1), key=lambda i: abs((words[i][0] + words[i][2]) / 2 - x))


def step_line(words: Words, caret: Caret, direction: int, page_count: int) -> Caret:
    """To the word nearest in x on the next (+1) or previous (-1) line, crossing onto the next page."""
    page, index = caret
    here = words.get(page) or []
    if not here:
        return caret
    runs = _line_runs(here)
    line = next(n for n, (lo, hi) in enumerate(runs) if lo <= index <= hi)
    x = (here[index][0] + here[index][2]) / 2
    if 0 <= line + direction < len(runs):
        return page, _closest_in(here, runs[line + direction], x)
    target = page + direction
    while 0 <= target < page_count and target in words and not words[target]:
        target += direction
    if not 0 <= target < page_count or target not in words:
        return caret
    there = words[target]
    runs = _line_runs(there)
    return target, _closest_in(there, runs[0] if direction > 0 else runs[-1], x)


def line_edge(words: Words, caret: Caret, end: bool) -> Caret:
    """The first (or, with ``end``, last) word of the caret's line."""
    page, index = caret
    for lo, hi in _line_runs(words.get(page) or []):
        if lo <= index <= hi:
            return page, hi if end else lo
    return caret
