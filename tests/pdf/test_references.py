"""Which figure or table a hovered word refers to: the forms papers write, and what must not count."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from reader.pdf.references import Reference, find_caption, reference_at


def words_of(text: str, block: int = 0, y: float = 100.0) -> list[tuple]:
    """MuPDF-shaped words laid out on one line, 6 points per character."""
    words, x = [], 72.0
    for number, token in enumerate(text.split(" ")):
        words.append((x, y, x + 6 * len(token), y + 10, token, block, 0, number))
        x += 6 * (len(token) + 1)
    return words


def hover(text: str, token: str, occurrence: int = 0, **kw):
    words = words_of(text)
    index = [i for i, w in enumerate(words) if w[4] == token][occurrence]
    found = reference_at(words, index, **kw)
    return None if found is None else (found.kind, found.number)


@pytest.mark.parametrize(("text", "token", "expected"), [
    ("as shown in Figure 3 the model", "Figure", ("figure", "3")),
    ("as shown in Figure 3 the model", "3", ("figure", "3")),
    ("see Fig. 3 for details", "Fig.", ("figure", "3")),
    ("see Fig. 3 for details", "3", ("figure", "3")),
    ("see Fig.3 for details", "Fig.3", ("figure", "3")),
    ("see Figure 3(a) left", "3(a)", ("figure", "3")),
    ("see Figure 3(a) left", "Figure", ("figure", "3")),
    ("see Figure 3a left", "3a", ("figure", "3")),
    ("in Figure 3: the curves", "3:", ("figure", "3")),
    ("Figures 3 and 4 compare", "3", ("figure", "3")),
    ("Figures 3 and 4 compare", "4", ("figure", "4")),
    ("Figures 3 and 4 compare", "Figures", ("figure", "3")),
    ("Figs. 2, 5, and 7 show", "7", ("figure", "7")),
    ("Figs. 2, 5, and 7 show", "5,", ("figure", "5")),
    ("Table 2 lists the scores", "Table", ("table", "2")),
    ("Table 2 lists the scores", "2", ("table", "2")),
    ("see Tab. 2 below", "Tab.", ("table", "2")),
    ("see Tab. 2 below", "2", ("table", "2")),
    ("in Figure A1 of the appendix", "A1", ("figure", "A1")),
    ("Table S2 gives the rest", "S2", ("table", "S2")),
    ("Table S2 gives the rest", "Table", ("table", "S2")),
    ("as in Fig. 10, the loss", "10,", ("figure", "10")),
    ("as in Fig. 10, the loss", "Fig.", ("figure", "10")),
    ("(Figure 2) shows", "(Figure", ("figure", "2")),
    ("(Figure 2) shows", "2)", ("figure", "2")),
    ("results (Table 4). Next", "4).", ("table", "4")),
    ("as in FIG. 6 we", "6", ("figure", "6")),
    ("see figure 5 below", "5", ("figure", "5")),
    ("see Figure\u00a07 below", "Figure\u00a07", ("figure", "7")),
    ("shown in Table IV the", "IV", ("table", "IV")),
    ("see Figure 3.2 for", "3.2", ("figure", "3.2")),
])
def test_forms_papers_write(text, token, expected):
    assert hover(text, token) == expected


def test_a_range_in_one_word_gives_the_number_under_the_mouse():
    words = words_of("Figures 3-5 show")
    x0, x1 = words[1][0], words[1][2]
    assert reference_at(words, 1, x=x0 + 1)[:2] == ("figure", "3")
    assert reference_at(words, 1, x=x1 - 1)[:2] == ("figure", "5")
    assert reference_at(words, 1)[:2] == ("figure", "3")


def test_label_at_a_line_end_and_number_on_the_next_line():
    words = words_of("as shown in Figure") + [(72, 112, 78, 122, "3.", 0, 1, 0)]
    assert reference_at(words, 3)[:2] == ("figure", "3")
    assert reference_at(words, 4)[:2] == ("figure", "3")


@pytest.mark.parametrize(("text", "token"), [
    ("the Figure shows", "Figure"),
    ("we figure out the rest", "figure"),
    ("we figure out the rest", "out"),
    ("this table I made", "I"),
    ("this table I made", "table"),
    ("in Figure 2, 3 models win", "3"),  # one figure, then a count of models
    ("Figure 3 and 4 more", "4"),  # a singular label does not start a list
    ("a tab 3 key", "tab"),
    ("Figure-based methods 3 times", "3"),
    ("in 2020 we", "2020"),
    ("tables, 4 of them", "4"),
    ("see Figure", "Figure"),
])
def test_words_that_are_no_reference(text, token):
    assert hover(text, token) is None


def test_a_label_and_a_number_in_different_blocks_are_not_joined():
    words = words_of("axis Figure", block=0) + words_of("3 more", block=1, y=300)
    assert reference_at(words, 1) is None and reference_at(words, 2) is None


def test_out_of_range_index_is_none():
    assert reference_at(words_of("Figure 1"), 5) is None and reference_at([], 0) is None


@dataclass(frozen=True)
class Caption:
    label: str
    kind: str
    number: str
    bbox: tuple | None = None


def test_the_caption_label_itself_is_no_reference():
    caption_line = words_of("Figure 1: Accuracy over time", y=400)
    own = Caption("Figure 1", "figure", "1", (70, 398, 300, 424))
    assert reference_at(caption_line, 0, captions_on_page=[own]) is None
    assert reference_at(caption_line, 1, captions_on_page=[own]) is None
    # the same words outside the caption's box, or another figure's caption, still refer to it
    body = words_of("as in Figure 1 we", y=100)
    assert reference_at(body, 2, captions_on_page=[own])[:2] == ("figure", "1")
    other = Caption("Figure 2", "figure", "2", (70, 398, 300, 424))
    assert reference_at(caption_line, 0, captions_on_page=[other])[:2] == ("figure", "1")


def test_supplementary_references_are_kept_apart():
    words = words_of("see Supplementary Figure 2 and Extended Data Fig. 3")
    assert reference_at(words, 3) == Reference("figure", "2", supplementary=True)
    assert reference_at(words, 8) == Reference("figure", "3", supplementary=True)
    assert reference_at(words_of("see Figure 2"), 2) == Reference("figure", "2", supplementary=False)


def test_find_caption_matches_kind_and_number_as_strings():
    captions = [Caption("Figure 1", "figure", "1"), Caption("Table 1", "table", "1"),
                Caption("Figure A1", "figure", "A1"), Caption("Supplementary Figure 2", "figure", "2"),
                Caption("Figure 2", "figure", "2"), Caption("Figure 4a", "figure", "4a"),
                Caption("Table S2", "table", "S2")]
    assert find_caption(captions, Reference("table", "1")).label == "Table 1"
    assert find_caption(captions, Reference("figure", "a1")).label == "Figure A1"
    assert find_caption(captions, Reference("figure", "2")).label == "Figure 2"
    assert find_caption(captions, Reference("figure", "2", True)).label == "Supplementary Figure 2"
    assert find_caption(captions, Reference("figure", "4")).label == "Figure 4a"
    assert find_caption(captions, Reference("table", "S2", True)).label == "Table S2"
    assert find_caption(captions, Reference("figure", "9")) is None
    assert find_caption(captions, Reference("table", "2")) is None
