"""The library façade on a real SQLite file: papers, tags, notes, trash, search, duplicates."""

from __future__ import annotations

import pytest

from reader.errors import LibraryLockedError, NotFoundError
from reader.library import CaptionRecord, Library, PaperFields, PaperQuery, Status


@pytest.fixture
def library(library_home):
    lib = Library.open(library_home)
    yield lib
    lib.close()


def add(library, title="Attention Is All You Need", **kw) -> int:
    return library.add_paper(PaperFields(title=title, **kw))


def test_paper_round_trip_keeps_author_order_and_fields(library):
    pid = add(library, authors=("Ashish Vaswani", "Noam Shazeer", "Niki Parmar"), year=2017, venue="NeurIPS",
              code_url="https://github.com/tensorflow/tensor2tensor", tags=("NLP", "Transformers"))
    paper = library.paper(pid)
    assert paper.authors == ("Ashish Vaswani", "Noam Shazeer", "Niki Parmar")
    assert paper.year == 2017 and paper.venue == "NeurIPS"
    assert paper.tags == ("NLP", "Transformers")
    assert paper.status is Status.TO_READ


def test_tags_are_unique_ignoring_case_and_counted(library):
    a = add(library, "A", tags=("NLP",))
    b = add(library, "B", tags=("nlp", "RL"))
    assert library.paper(b).tags == ("NLP", "RL")  # the existing spelling wins
    counts = {t.name: t.count for t in library.tag_counts()}
    assert counts == {"NLP": 2, "RL": 1}
    library.set_tags(a, ["Vision"])
    assert {t.name: t.count for t in library.tag_counts()}["NLP"] == 1


def test_rename_tag_onto_existing_merges(library):
    a = add(library, "A", tags=("RL",))
    b = add(library, "B", tags=("Reinforcement learning",))
    library.rename_tag("RL", "reinforcement learning")
    assert [t.name for t in library.tag_counts()] == ["Reinforcement learning"]
    assert library.paper(a).tags == library.paper(b).tags == ("Reinforcement learning",)


def test_notes_are_saved_updated_and_searchable(library):
    pid = add(library)
    note = library.add_note(pid, "# Key idea\nScaled dot-product attention")
    library.update_note(note.id, "# Key idea\nMulti-head attention is the trick")
    assert [n.body for n in library.notes(pid)] == ["# Key idea\nMulti-head attention is the trick"]
    assert library.query_ids(PaperQuery(text="multi-he")) == [pid]
    assert library.query_ids(PaperQuery(text="scaled")) == []


@pytest.mark.parametrize("typed", ["att", "Attention is", "vaswani", "nlp", "transformer architecture", "fig"])
def test_search_matches_prefixes_across_fields(library, typed):
    pid = add(library, authors=("Ashish Vaswani",), tags=("NLP",))
    library.set_captions(pid, [CaptionRecord("Figure 1", "figure", "1", "The Transformer architecture.", 3)])
    other = add(library, "Deep Residual Learning", authors=("Kaiming He",), tags=("Vision",))
    assert library.query_ids(PaperQuery(text=typed)) == [pid]
    assert other not in library.query_ids(PaperQuery(text=typed))


@pytest.mark.parametrize("hostile", ['"', "*", "(", 'NEAR("a" "b")', "a AND OR NOT", "^title", "-", "'; DROP TABLE paper;--",
                                     "col:umn", "\\", "\x00", "🙂"])
def test_search_never_crashes_on_fts_syntax(library, hostile):
    add(library)
    assert isinstance(library.query_ids(PaperQuery(text=hostile)), list)
    assert library.view_counts().all == 1


def test_filters_combine_with_text(library):
    a = add(library, "Attention A", tags=("NLP",), year=2020)
    b = add(library, "Attention B", tags=("Vision",), year=2021)
    library.set_status([b], Status.READ)
    assert library.query_ids(PaperQuery(text="attention", tag="NLP")) == [a]
    assert library.query_ids(PaperQuery(text="attention", view="read")) == [b]
    assert library.query_ids(PaperQuery(text="attention year:>2020")) == [b]
    assert library.query_ids(PaperQuery(text="tag:vision")) == [b]


def test_sorting(library):
    ids = [add(library, t, year=y) for t, y in (("beta", 2019), ("Alpha", 2021), ("gamma", 2020))]
    assert library.query_ids(PaperQuery(sort="title", descending=False)) == [ids[1], ids[0], ids[2]]
    assert library.query_ids(PaperQuery(sort="year", descending=True)) == [ids[1], ids[2], ids[0]]


def test_trash_restore_and_empty(library, pdf_factory):
    outcome = library.add_pdf(pdf_factory("To be deleted"), PaperFields(title="To be deleted"))
    keep = add(library, "Keep me")
    library.add_note(outcome.paper_id, "notes survive the trash")
    library.trash([outcome.paper_id])
    assert library.query_ids() == [keep]
    assert library.query_ids(PaperQuery(view="trash")) == [outcome.paper_id]
    library.restore([outcome.paper_id])
    assert library.notes(outcome.paper_id)[0].body == "notes survive the trash"
    library.trash([outcome.paper_id])
    pdf = library.home / library.paper(outcome.paper_id).pdf_path
    assert pdf.exists()
    assert library.empty_trash() == 1
    assert not pdf.exists()
    with pytest.raises(NotFoundError):
        library.paper(outcome.paper_id)


def test_duplicate_pdf_is_recognised_by_content(library, pdf_factory, tmp_path):
    source = pdf_factory("Same Paper")
    first = library.add_pdf(source, PaperFields(title="Same Paper"))
    renamed = tmp_path / "renamed copy.pdf"
    renamed.write_bytes(source.read_bytes())
    second = library.add_pdf(renamed, PaperFields(title="Other title"))
    assert first.created and not second.created
    assert second.paper_id == first.paper_id
    assert library.view_counts().all == 1
    stored = library.home / library.paper(first.paper_id).pdf_path
    assert stored.read_bytes() == source.read_bytes()
    source.unlink()  # moving the original later loses nothing
    assert stored.exists()


def test_user_edits_are_not_overwritten_by_extraction(library):
    pid = add(library, "Extracted Title")
    library.update_paper(pid, title="My Better Title")
    library.update_paper(pid, user_edit=False, title="Extracted Again", venue="ICLR")
    paper = library.paper(pid)
    assert paper.title == "My Better Title" and paper.venue == "ICLR"


def test_everything_survives_reopening(library_home):
    with Library.open(library_home) as lib:
        pid = add(lib, tags=("NLP",))
        lib.add_note(pid, "remember me")
        lib.set_status([pid], Status.READING)
    with Library.open(library_home) as lib:
        paper = lib.paper(pid)
        assert (paper.tags, paper.status, paper.notes[0].body) == (("NLP",), Status.READING, "remember me")


def test_second_instance_is_refused_while_first_runs(library, library_home):
    with pytest.raises(LibraryLockedError, match="in use by another Reading List window"):
        Library.open(library_home)


def test_missing_ids_raise_clear_errors(library):
    with pytest.raises(NotFoundError, match="no paper with id 42"):
        library.set_tags(42, ["x"])
    with pytest.raises(NotFoundError):
        library.add_note(42, "x")


def test_opening_marks_reading(library):
    pid = add(library)
    library.mark_opened(pid)
    paper = library.paper(pid)
    assert paper.status is Status.READING and paper.last_opened_at is not None


def test_annotations_are_stored_searchable_counted_and_restorable(library):
    from reader.library import AnnotationFields

    pid = add(library)
    mark = library.add_annotation(pid, AnnotationFields(
        "highlight", 2, (72.0, 100.0, 300.0, 124.0), quads=((72.0, 100.0, 300.0, 112.0), (72.0, 112.0, 200.0, 124.0)),
        quote="locality-sensitive hashing", comment="**why** does this work?"))
    library.add_annotation(pid, AnnotationFields("area", 1, (50, 60, 250, 260), image=b"\x89PNG fake"))
    marks = library.annotations(pid)
    assert [m.page for m in marks] == [1, 2]  # reading order
    assert marks[1].quads[1] == (72.0, 112.0, 200.0, 124.0)
    assert library.annotation_image(marks[0].id) == b"\x89PNG fake"
    assert library.query_ids(PaperQuery(text="why does")) == [pid]
    assert library.paper_rows([pid])[0].annotation_count == 2
    library.update_annotation(mark.id, colour="#66ccff", comment="solved")
    assert library.annotation(mark.id).colour == "#66ccff"
    record, image = library.delete_annotation(mark.id)
    assert library.query_ids(PaperQuery(text="hashing")) == []
    library.add_annotation(pid, record.fields(image), annotation_id=record.id)
    assert library.annotation(mark.id).quote == "locality-sensitive hashing"


def test_annotations_beyond_the_last_page_are_detached_not_dropped(library, pdf_factory):
    from reader.library import AnnotationFields

    outcome = library.add_pdf(pdf_factory("Short", pages=2), PaperFields(title="Short"), page_count=2)
    library.add_annotation(outcome.paper_id, AnnotationFields("note", 5, (10, 10, 30, 30), comment="page 5"))
    (mark,) = library.annotations(outcome.paper_id)
    assert mark.detached and mark.comment == "page 5"
