"""Mouse text selection over extracted words, and copying it as readable text.

Selection works in content order (the order MuPDF extracts words), which follows
columns in typical two-column papers, unlike a purely geometric rectangle.
Qt-free: words are ``(x0, y0, x1, y1, text, block, line)`` in page points.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

Word = tuple[float, float, float, float, str, int, int]
Point = tuple[int, float, float]  # page, x, y


def nearest_word(words: Sequence[Word], x: float, y: float) -> int | None:
    best, best_distance = None, float("inf")
    for index, (x0, y0, x1, y1, *_rest) in enumerate(words):
        dx = max(x0 - x, 0.0, x - x1)
        dy = max(y0 - y, 0.0, y - y1)
        distance = dx * dx + 4 * dy * dy  # a word on the same line beats one just above
        if distance < best_distance:
            best, best_distance = index, distance
    return best


def word_at(words: Sequence[Word], x: float, y: float, slack: float = 1.0) -> int | None:
    for index, (x0, y0, x1, y1, *_rest) in enumerate(words):
        if x0 - slack <= x <= x1 + slack and y0 - slack <= y <= y1 + slack:
            return index
    return None


def select(words_by_page: Mapping[int, Sequence[Word]], anchor: Point, focus: Point) -> dict[int, tuple[int, int]]:
    """Inclusive (first, last) word index per page between two points, in content order."""
    start, end = sorted([anchor, focus], key=lambda p: p[0])
    ends: list[tuple[int, int]] = []
    for page, x, y in (start, end):
        words = words_by_page.get(page) or []
        index = nearest_word(words, x, y)
        ends.append((page, index if index is not None else -1))
    (first_page, first), (last_page, last) = ends
    if first_page == last_page:
        if first < 0:
            return {}
        return {first_page: (min(first, last), max(first, last))}
    ranges: dict[int, tuple[int, int]] = {}
    for page in range(first_page, last_page + 1):
        count = len(words_by_page.get(page) or [])
        if count == 0:
            continue
        lo = first if page == first_page else 0
        hi = last if page == last_page else count - 1
        if lo >= 0 and hi >= lo:
            ranges[page] = (lo, hi)
    return ranges


def selected_text(words_by_page: Mapping[int, Sequence[Word]], ranges: Mapping[int, tuple[int, int]]) -> str:
    """Join words into lines and paragraphs, undoing hyphenation at line ends."""
    parts: list[str] = []
    for page in sorted(ranges):
        lo, hi = ranges[page]
        words = words_by_page.get(page) or []
        previous: Word | None = None
        for word in words[lo : hi + 1]:
            text = word[4]
            if previous is None:
                if parts:
                    parts.append("\n")
            elif (word[5], word[6]) == (previous[5], previous[6]):
                parts.append(" ")
            elif word[5] != previous[5]:
                parts.append("\n")
            elif _hyphenated(parts[-1] if parts else "", text):
                parts[-1] = parts[-1][:-1]
            else:
                parts.append(" ")
            parts.append(text)
            previous = word
    return "".join(parts)


def _hyphenated(before: str, after: str) -> bool:
    return len(before) > 1 and before.endswith(("-", "\u00ad")) and before[-2].isalpha() and after[:1].islower()
