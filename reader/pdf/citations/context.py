"""The sentence a citation marker stands in: the first note of a paper added from it.

Works on the viewer's words of one page, ``(x0, y0, x1, y1, text, block, line,
word_no)`` in content order, so it is plain Python and costs nothing to call.
"""

from __future__ import annotations

from collections.abc import Sequence

from reader.pdf.citations.model import Box

MAX_WORDS = 80


def sentence_around(words: Sequence[Sequence], box: Box) -> str:
    """The words from the sentence start before the marker to the sentence end after it."""
    inside = [i for i, w in enumerate(words) if _overlaps(w, box)]
    if not inside:
        return ""
    start, end = inside[0], inside[-1]
    while start > 0 and inside[0] - start < MAX_WORDS // 2 and not _ends_sentence(words[start - 1][4]):
        start -= 1
    while end + 1 < len(words) and end - inside[-1] < MAX_WORDS // 2 and not _ends_sentence(words[end][4]):
        end += 1
    text = ""
    for word in words[start:end + 1]:
        piece = word[4]
        if text.endswith("-") and piece[:1].islower():
            text = text[:-1] + piece
        else:
            text = f"{text} {piece}" if text else piece
    return text.strip()


def _ends_sentence(word: str) -> bool:
    bare = word.rstrip(")]\"'\u201d\u2019")
    return bare.endswith((".", "?", "!")) and not bare.endswith(("al.", "e.g.", "i.e.", "Fig.", "cf.", "vs.", "et."))\
        and not (len(bare) == 2 and bare[0].isupper())  # an initial, "J."


def _overlaps(word: Sequence, box: Box) -> bool:
    return word[0] < box[2] and box[0] < word[2] and word[1] < box[3] and box[1] < word[3]
