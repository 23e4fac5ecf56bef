"""Real PDF annotations: reading another viewer's marks, and importing them with source "file"."""

from __future__ import annotations

import time
from pathlib import Path

import pymupdf
import pytest

from reader.importers.pdf_files import import_pdfs
from reader.library import Library
from reader.pdf.annotations import read_pdf_annotations, write_annotated_copy


def marked_pdf(path: Path) -> Path:
    """A PDF as another viewer leaves it: a yellow highlight with a comment and a text note."""
    doc = pymupdf.open()
    for text in ("Transformers replace recurrence with attention.", "Second page"):
        page = doc.new_page(width=612, height=792)
        page.insert_text((72, 100), "Marked Paper Title", fontsize=18)
        page.insert_text((72, 200), text, fontsize=12)
    first = doc[0]
    [hit] = first.search_for("recurrence")
    highlight = first.add_highlight_annot(hit)
    highlight.set_colors(stroke=(1, 1, 0))
    highlight.set_info(content="central claim")
    highlight.update()
    second = doc[1]
    note = second.add_text_annot((300, 300), "Compare with LSTM")
    note.update()
    doc.set_metadata({"title": "Marked Paper Title"})
    doc.save(path)
    doc.close()
    return path


def test_read_pdf_annotations(tmp_path):
    marks = read_pdf_annotations(marked_pdf(tmp_path / "marked.pdf"))
    highlight, note = sorted(marks, key=lambda m: m["page"])
    assert (highlight["kind"], highlight["page"], highlight["colour"]) == ("highlight", 1, "#ffff00")
    assert highlight["quote"] == "recurrence" and highlight["comment"] == "central claim"
    assert len(highlight["quads"]) == 1
    assert (note["kind"], note["page"], note["comment"]) == ("note", 2, "Compare with LSTM")
    assert abs(note["rect"][0] - 300) < 1


def test_import_stores_the_files_own_marks_once(tmp_path, library_home):
    pdf = marked_pdf(tmp_path / "marked.pdf")
    with Library.open(library_home) as library:
        [outcome] = import_pdfs(library, [pdf], thumbnailer=None)
        marks = library.annotations(outcome.paper_id)
        assert sorted((m.kind, m.source, m.page) for m in marks) == [("highlight", "file", 1), ("note", "file", 2)]
        assert next(m for m in marks if m.kind == "highlight").quote == "recurrence"
        import_pdfs(library, [pdf], thumbnailer=None)  # the same file again adds nothing
        assert len(library.annotations(outcome.paper_id)) == 2


def test_written_copy_reads_back_on_a_rotated_page(tmp_path):
    source = tmp_path / "rotated.pdf"
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((72, 100), "Rotated words here", fontsize=12)
    page.set_rotation(90)
    doc.save(source)
    doc.close()
    shown = (100.0, 200.0, 180.0, 215.0)  # displayed coordinates, as the viewer stores them
    marks = [{"kind": "highlight", "page": 1, "rect": shown, "quads": (shown,), "colour": "#5fd068", "comment": "c"},
             {"kind": "area", "page": 3, "rect": shown, "quads": (), "colour": "#4aa8ff", "comment": ""}]
    assert write_annotated_copy(source, tmp_path / "copy.pdf", marks) == 1  # page 3 is detached: left out
    [back] = read_pdf_annotations(tmp_path / "copy.pdf")
    assert back["colour"] == "#5fd068" and back["comment"] == "c"
    assert all(abs(a - b) < 1 for a, b in zip(back["quads"][0], shown))


@pytest.mark.timeout(150)
def test_thousands_of_annotations_are_read_quickly_and_within_a_bound(tmp_path):
    """A 900 KB PDF with 5,000 highlights took 244 s to read (a text extraction per quote, and a
    lookup by number per annotation); now an import reads its first MAX_FILE_MARKS in well under a
    second and says it stopped there, and all 5,000 take seconds."""
    from tests.reliability.test_hostile_files import many_annotations

    path = many_annotations(tmp_path / "marked.pdf", 5000)
    started = time.monotonic()
    bounded = read_pdf_annotations(path)
    assert time.monotonic() - started < 20
    from reader.pdf.annotations import MAX_FILE_MARKS

    assert len(bounded) == MAX_FILE_MARKS < 5000
    assert f"more than {MAX_FILE_MARKS:,} annotations" in bounded.cut_short
    assert bounded[0]["kind"] == "highlight" and bounded[0]["comment"] == "mark 0"

    started = time.monotonic()
    marks = read_pdf_annotations(path, max_marks=10_000)
    assert time.monotonic() - started < 30  # 3 s here
    assert len(marks) == 5000 and not marks.cut_short
    assert read_pdf_annotations(path, seconds=0).cut_short.startswith("reading its annotations took more than 0 s")
