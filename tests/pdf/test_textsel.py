"""Which words a mouse drag selects where word boxes overlap (Qt-free)."""

from __future__ import annotations

from reader.pdf import textsel


def line(y0: float, y1: float, block: int, number: int, *pieces: tuple[float, float, str]):
    return [(x0, y0, x1, y1, text, block, number) for x0, x1, text in pieces]


def test_drag_from_the_first_letter_of_a_word_the_one_before_reaches_into_starts_at_that_word():
    # an italic "md2" whose box ends 3 pt inside "0V2", as MuPDF reports for maths fonts
    words = line(334.5, 345.6, 0, 0, (120.0, 158.0, "where"), (161.8, 177.1, "md2"),
                 (173.7, 187.4, "0V2"), (196.9, 218.7, "holds"))
    ranges = textsel.select({0: words}, (0, 174.2, 340.0), (0, 210.0, 340.0))
    assert textsel.selected_text({0: words}, ranges) == "0V2 holds"


def test_drag_ending_in_the_last_letter_of_a_word_stops_there():
    words = line(334.5, 345.6, 0, 0, (120.0, 158.0, "where"), (161.8, 177.1, "md2"),
                 (173.7, 187.4, "0V2"), (196.9, 218.7, "holds"))
    ranges = textsel.select({0: words}, (0, 121.0, 340.0), (0, 176.5, 340.0))
    assert textsel.selected_text({0: words}, ranges) == "where md2"


def test_drag_from_the_top_of_a_tightly_set_line_starts_on_that_line():
    words = (line(116.5, 129.0, 0, 0, (134.8, 157.5, "order"), (160.0, 171.0, "to"))
             + line(128.4, 141.0, 0, 1, (134.8, 154.4, "were"), (157.0, 170.0, "timed")))
    ranges = textsel.select({0: words}, (0, 135.5, 128.8), (0, 169.0, 135.0))
    assert textsel.selected_text({0: words}, ranges) == "were timed"

