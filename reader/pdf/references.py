"""Which figure or table a word of the running text points at ("Figure 3", "Tab. 2", "Figs. 3 and 4").

Used on every mouse move over a page, so it looks only at the hovered word and
a few words before or after it, never at the whole page. Words are MuPDF's
``(x0, y0, x1, y1, text, block, line, word_no)`` in page points, in content
order, so a label at a line's end and its number on the next line are
neighbours. Qt-free and PyMuPDF-free: plain strings and tuples.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple, Protocol

Word = Sequence  # (x0, y0, x1, y1, text, block, line, word_no)

_NUMBER = r"[A-Z]?\d+(?:\.\d+)?|[IVXL]+"
_SUBFIGURE = r"(?:[a-z](?![a-z])|\((?:[a-z]{1,3}|[ivx]+)\))*"
# one number, or a range inside one word ("3-5", "3–5"), with brackets and trailing punctuation
_NUMBER_WORD = re.compile(
    rf"^[(\[]*(?P<first>{_NUMBER}){_SUBFIGURE}(?:[-\u2013\u2014]{{1,2}}(?P<last>{_NUMBER}){_SUBFIGURE})?"
    r"[)\].,;:!?'\"\u2019\u201d]*$"
)
_LABEL = re.compile(r"^[(\[]*(?P<name>figures?|figs?\.?|tables?|tabs?\.)(?P<rest>.*)$", re.IGNORECASE)
_PLURALS = {"figures", "figs", "tables", "tabs"}
_CONNECTORS = {"and", "&", "or", "to", "through", ",", "-", "\u2013", "\u2014", "vs.", "versus"}
_SUPPLEMENTARY = {"supplementary", "supplemental", "suppl.", "supp.", "extended"}
CHAIN_LIMIT = 8  # words walked back from "5" in "Figures 1, 2, 3, 4 and 5"


class Reference(NamedTuple):
    kind: str  # "figure" | "table", as CaptionRecord.kind
    number: str  # as CaptionRecord.number: "3", "A1", "S2", "IV"
    supplementary: bool = False  # "Supplementary Figure 2" is not Figure 2


class CaptionLike(Protocol):
    kind: str
    number: str
    label: str
    bbox: tuple[float, float, float, float] | None


class _Label(NamedTuple):
    kind: str
    plural: bool
    roman_ok: bool  # "Table IV" yes, "the table I made" no
    rest: str  # what follows the label in the same word ("3" of "Fig.3")


def reference_at(words: Sequence[Word], index: int, x: float | None = None,
                 captions_on_page: Iterable[CaptionLike] = ()) -> Reference | None:
    """The figure or table the word at ``index`` refers to, label or number, or None.

    ``x`` (page points) picks the number under the mouse in a word like "3–5".
    ``captions_on_page`` are the captions printed on this page: a caption's own
    label ("Figure 3:" above its text) refers to nothing worth previewing.
    """
    if not 0 <= index < len(words):
        return None
    reference = _resolve(words, index, x)
    if reference is None or _inside_own_caption(reference, words[index], captions_on_page):
        return None
    return reference


def find_caption(captions: Iterable[CaptionLike], reference: Reference) -> CaptionLike | None:
    """The caption a reference names; a sub-figure caption ("3a") stands in for a missing "3"."""
    wanted = reference.number.upper()
    best, best_rank = None, 9
    for caption in captions:
        if caption.kind != reference.kind:
            continue
        number = caption.number.upper()
        if number == wanted:
            rank = 0
        elif number[:-1] == wanted and number[-1:] in "ABCDEFGH":
            rank = 2
        else:
            continue
        if _is_supplementary(caption.label) != reference.supplementary:
            if wanted[:1].isdigit():  # "Supplementary Figure 2" is not Figure 2; "S2" is unique anyway
                continue
            rank += 1
        if rank < best_rank:
            best, best_rank = caption, rank
    return best


# resolving ---------------------------------------------------------------------------


def _resolve(words: Sequence[Word], index: int, x: float | None) -> Reference | None:
    word = words[index]
    label = _label(word[4])
    if label is not None:
        if label.rest:  # "Fig.3", "(Figure3a)"
            number = _pick(_numbers(label.rest, label.roman_ok), word, x, len(word[4]) - len(label.rest))
        else:
            following = words[index + 1] if index + 1 < len(words) else None
            if following is None or following[5] != word[5]:
                return None
            number = _pick(_numbers(following[4], label.roman_ok), following, None)
        return Reference(label.kind, number, _supplementary_before(words, index)) if number else None
    return _number_after_label(words, index, x)


def _number_after_label(words: Sequence[Word], index: int, x: float | None) -> Reference | None:
    """For a hovered number, walk back over other numbers and "and"/"," to its label."""
    word = words[index]
    if _numbers(word[4], True) is None:
        return None
    chained = False
    for back in range(index - 1, max(-1, index - 1 - CHAIN_LIMIT), -1):
        before = words[back]
        if before[5] != word[5]:
            return None
        label = _label(before[4])
        if label is not None:
            if chained and not label.plural:  # "Figure 2, 3 models": the 3 is not a figure
                return None
            number = _pick(_numbers(word[4], label.roman_ok), word, x)
            return Reference(label.kind, number, _supplementary_before(words, back)) if number else None
        if before[4].lower() in _CONNECTORS or _numbers(before[4], True) is not None:
            chained = True
            continue
        return None
    return None


def _label(text: str) -> _Label | None:
    match = _LABEL.match(text.replace("\u00a0", "").replace("~", ""))
    if match is None:
        return None
    name, rest = match.group("name"), match.group("rest")
    bare = name.lower().rstrip(".")
    if bare in {"tab", "tabs"} and not name.endswith("."):
        return None
    if rest and _numbers(rest, True) is None:  # "Figure-based", "tables)" are no labels
        return None
    kind = "table" if bare.startswith("tab") else "figure"
    return _Label(kind, bare in _PLURALS, name[:1].isupper(), rest)


def _numbers(text: str, roman_ok: bool) -> list[tuple[str, int]] | None:
    """Each number in a number word with where it starts, or None if the word is no number."""
    match = _NUMBER_WORD.match(text)
    if match is None:
        return None
    found = [(match.group(g), match.start(g)) for g in ("first", "last") if match.group(g)]
    if not roman_ok and any(number.isalpha() for number, _ in found):  # a Roman numeral
        return None
    return found


def _pick(numbers: list[tuple[str, int]] | None, word: Word, x: float | None, offset: int = 0) -> str | None:
    """The number under ``x`` in "3–5" (characters assumed evenly wide), else the first."""
    if not numbers:
        return None
    if x is None or len(numbers) == 1 or word[2] <= word[0]:
        return numbers[0][0]
    at = (x - word[0]) / (word[2] - word[0]) * len(word[4]) - offset
    return min(numbers, key=lambda n: abs(n[1] + len(n[0]) / 2 - at))[0]


def _supplementary_before(words: Sequence[Word], label_index: int) -> bool:
    if label_index == 0:
        return False
    before = words[label_index - 1]
    if before[5] != words[label_index][5]:
        return False
    text = before[4].lower().lstrip("([")
    if text == "data" and label_index >= 2:  # "Extended Data Fig. 2"
        text = words[label_index - 2][4].lower().lstrip("([")
    return text in _SUPPLEMENTARY


def _is_supplementary(label: str) -> bool:
    return label.split(" ", 1)[0].lower() in _SUPPLEMENTARY


def _inside_own_caption(reference: Reference, word: Word, captions: Iterable[CaptionLike]) -> bool:
    cx, cy = (word[0] + word[2]) / 2, (word[1] + word[3]) / 2
    for caption in captions:
        box = caption.bbox
        if (box and caption.kind == reference.kind and caption.number.upper() == reference.number.upper()
                and box[0] - 1 <= cx <= box[2] + 1 and box[1] - 1 <= cy <= box[3] + 1):
            return True
    return False
