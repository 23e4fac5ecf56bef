"""The rules of moving a selection's end by word and line (reader.ui.viewer.word_caret), on plain word lists.

The keyboard tests drive them through the real viewer; these pin the edges that
a generated three-line page does not reach: empty pages, the document's ends,
two-column content order and partial-word find hits.
"""

from __future__ import annotations

from reader.ui.viewer import word_caret


def line(y: float, words: str, block: int = 0, line_no: int = 0, x: float = 72.0) -> list:
    out = []
    for text in words.split():
        out.append((x, y, x + 6 * len(text), y + 10, text, block, line_no))
        x += 6 * len(text) + 4
    return out


PAGE0 = line(100, "one two three", 0, 0) + line(120, "four five", 0, 1)
PAGE2 = line(100, "six seven", 0, 0)
WORDS = {0: PAGE0, 1: [], 2: PAGE2}


def test_words_skip_an_empty_page_and_stop_at_the_ends():
    assert word_caret.step_word(WORDS, (0, 4), 1, 3) == (2, 0)
    assert word_caret.step_word(WORDS, (2, 0), -1, 3) == (0, 4)
    assert word_caret.step_word(WORDS, (2, 1), 1, 3) == (2, 1)
    assert word_caret.step_word(WORDS, (0, 0), -1, 3) == (0, 0)


def test_a_step_off_the_page_waits_for_words_not_yet_read():
    assert word_caret.needed_page({0: PAGE0}, (0, 4), 1, 3) == 1
    assert word_caret.needed_page({0: PAGE0}, (0, 3), 1, 3) is None
    assert word_caret.step_word({0: PAGE0}, (0, 4), 1, 3) == (0, 4)


def test_lines_keep_the_column_and_cross_pages():
    assert word_caret.step_line(WORDS, (0, 0), 1, 3) == (0, 3)  # "one" → "four", the word below
    assert word_caret.step_line(WORDS, (0, 1), 1, 3) == (0, 4)  # "two" → "five", nearer than "four"
    assert word_caret.step_line(WORDS, (0, 4), 1, 3) == (2, 1)  # past the empty page, nearest in x
    assert word_caret.step_line(WORDS, (2, 0), -1, 3) == (0, 3)
    assert word_caret.line_edge(WORDS, (0, 1), end=True) == (0, 2)
    assert word_caret.line_edge(WORDS, (0, 1), end=False) == (0, 0)


def test_a_selection_runs_from_the_anchor_whichever_way_the_caret_went():
    assert word_caret.selection_between(WORDS, (0, 3), (0, 1)) == {0: (1, 3)}
    assert word_caret.selection_between(WORDS, (2, 1), (0, 3)) == {0: (3, 4), 2: (0, 1)}


def test_two_columns_are_read_down_the_left_column_first():
    left = line(100, "left top", 0, 0) + line(120, "left bottom", 0, 1)
    right = line(100, "right top", 1, 0, x=320) + line(120, "right bottom", 1, 1, x=320)
    words = {0: left + right}
    assert word_caret.step_line(words, (0, 2), 1, 1) == (0, 4)  # from the left column's last line: the right one
    assert word_caret.step_word(words, (0, 3), 1, 1) == (0, 4)


def test_a_find_hit_inside_a_word_selects_the_whole_word():
    x0, y0, x1, y1, *_ = PAGE0[2]  # "three"
    assert word_caret.words_in_rect(PAGE0, (x0, y0, x0 + 12, y1)) == (2, 2)
    assert word_caret.words_in_rect(PAGE0, (PAGE0[0][0], y0, x1, y1)) == (0, 2)
    assert word_caret.words_in_rect(PAGE0, (500, 500, 510, 510)) is None
