"""The page text the full-text index stores: reading order, hyphenation, and its bounds."""

from __future__ import annotations

import pymupdf

from reader.pdf.extract import extract_pdf
from reader.pdf.page_text import MAX_DOCUMENT_CHARS, MAX_PAGE_CHARS, bounded, read_page_texts


def two_column_pdf(path):
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((72, 80), "Two Columns Of Prose", fontsize=16)
    left = ["The left column starts here and", "continues with a represen-", "tation of the left idea."]
    right = ["Meanwhile the right column", "holds a separate thought", "about something else."]
    for x, column in ((72, left), (330, right)):  # as LaTeX writes them: one column, then the other
        for row, line in enumerate(column):
            page.insert_text((x, 140 + 14 * row), line, fontsize=10)
    doc.save(path)
    doc.close()
    return path


def test_both_readers_keep_a_column_together_and_undo_hyphenation(tmp_path):
    pdf = two_column_pdf(tmp_path / "two.pdf")
    for text in (extract_pdf(pdf).page_texts[0], read_page_texts(pdf)[0]):
        assert "continues with a representation of the left idea" in text
        assert "holds a separate thought about something else" in text


def test_a_scan_gives_no_page_text(tmp_path):
    doc = pymupdf.open()
    doc.new_page().draw_rect(pymupdf.Rect(50, 50, 500, 700), fill=(0.5, 0.5, 0.5))
    doc.save(tmp_path / "scan.pdf")
    assert extract_pdf(tmp_path / "scan.pdf").page_texts == ()


def test_what_one_pdf_may_put_in_the_index_is_bounded():
    huge_page = "word " * (MAX_PAGE_CHARS // 2)
    cut = bounded([huge_page, "short page"])
    assert len(cut[0]) == MAX_PAGE_CHARS and cut[1] == "short page"
    many = bounded([huge_page] * (2 * MAX_DOCUMENT_CHARS // MAX_PAGE_CHARS))
    assert sum(map(len, many)) == MAX_DOCUMENT_CHARS


def test_a_line_break_hyphen_is_judged_by_the_word_before_it_alone():
    """The word before the hyphen starts after the last blank, bracket, quote or slash, however long the paragraph."""
    from reader.pdf.text import join_lines

    before = "A long paragraph that goes on " * 40
    assert join_lines([before + "as the (repre-", "sentation) shows"]) == before.strip() + " as the (representation) shows"
    assert join_lines([before + "using the \u201cpublisher-", "provided\u201d data"], {"publisher-provided"}) == (
        before.strip() + " using the \u201cpublisher-provided\u201d data"
    )
    assert join_lines(["data (publisher-", "provided)"], {"publisher-provided"}) == "data (publisher-provided)"
    assert join_lines(["input/GROBID-", "parsed text"]) == "input/GROBID-parsed text"  # an acronym keeps it
    assert join_lines(["the state-of-the-", "art models"]) == "the state-of-the-art models"
