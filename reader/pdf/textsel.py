"""Mouse text selection over extracted words, and copying it as readable text.

Selection works in content order (the order MuPDF extracts words), which follows
columns in typical two-column papers, unlike a purely geometric rectangle.
Qt-free: words are ``(x0, y0, x1, y1, text, block, line)`` in page points.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

Word = tuple[float, float, float, float, str, int, int]
Point = tuple[int, float, float]  # page, x, y


def nearest_word(words: Sequence[Word], x: float, y: float, starts: bool = True) -> int | None:
    """The word under or nearest to a point.

    ``starts`` says the point begins a selection (the word is then the first one
    selected) rather than ends it; it matters only where word boxes overlap.
    """
    best, best_distance = None, float("inf")
    hits: list[int] = []
    for index, (x0, y0, x1, y1, *_rest) in enumerate(words):
        dx = max(x0 - x, 0.0, x - x1)
        dy = max(y0 - y, 0.0, y - y1)
        distance = dx * dx + 4 * dy * dy  # a word on the same line beats one just above
        if distance == 0.0:
            hits.append(index)
        if distance < best_distance:
            best, best_distance = index, distance
    return _word_under(words, hits, y, starts) if len(hits) > 1 else best


def _word_under(words: Sequence[Word], hits: Sequence[int], y: float, starts: bool) -> int:
    """The word meant among boxes that all contain the point.

    Boxes overlap: tightly set lines share a strip, and an italic or maths word
    reaches into the next one. Content order alone picks the earlier word, so a drag
    begun on a word's first letter took in the word before it (or the one above).
    The line whose middle is nearest wins; on it, a selection starts at the word
    that starts last and ends at the word that ends first.
    """
    def middle_distance(index: int) -> float:
        return abs((words[index][1] + words[index][3]) / 2 - y)

    line = words[min(hits, key=middle_distance)]
    same_line = [i for i in hits if _share_a_line(words[i], line)]
    if starts:
        return max(same_line, key=lambda i: words[i][0])
    return min(same_line, key=lambda i: words[i][2])


def _share_a_line(a: Word, b: Word) -> bool:
    overlap = min(a[3], b[3]) - max(a[1], b[1])
    return overlap > 0.5 * min(a[3] - a[1], b[3] - b[1])


def word_at(words: Sequence[Word], x: float, y: float, slack: float = 1.0) -> int | None:
    for index, (x0, y0, x1, y1, *_rest) in enumerate(words):
        if x0 - slack <= x <= x1 + slack and y0 - slack <= y <= y1 + slack:
            return index
    return None


def select(words_by_page: Mapping[int, Sequence[Word]], anchor: Point, focus: Point) -> dict[int, tuple[int, int]]:
    """Inclusive (first, last) word index per page between two points, in content order."""
    ends = sorted([(_resolve(words_by_page, anchor), anchor), (_resolve(words_by_page, focus), focus)])
    (first_page, first), (last_page, last) = ends[0][0], ends[1][0]
    if (first_page, first) != (last_page, last):
        # where boxes overlap, the first word is the later one under the point and the last the earlier
        first = _resolve(words_by_page, ends[0][1], starts=True)[1]
        last = _resolve(words_by_page, ends[1][1], starts=False)[1]
        if first_page == last_page and first > last:
            first, last = ends[0][0][1], ends[1][0][1]
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


def _resolve(words_by_page: Mapping[int, Sequence[Word]], point: Point, starts: bool = True) -> tuple[int, int]:
    """(page, word index) for a point; index -1 on a page without words."""
    page, x, y = point
    index = nearest_word(words_by_page.get(page) or [], x, y, starts)
    return page, index if index is not None else -1


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
