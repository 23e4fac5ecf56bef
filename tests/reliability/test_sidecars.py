"""Sidecars follow every change, and a library rebuilt from them alone equals the original."""

from __future__ import annotations

import json
import os

import pytest

from reader.importers.pdf_files import import_pdfs
from reader.library import AnnotationFields, CaptionRecord, Library, PaperFields, Status
from reader.library import sidecars
from reader.library.rebuild import rebuild_from_sidecars

pytestmark = pytest.mark.timeout(90)


def _everything(lib: Library) -> dict:
    """All a person can see of the library, to compare two libraries."""
    out = {}
    for view in ("all", "trash"):
        from reader.library import PaperQuery

        for pid in lib.query_ids(PaperQuery(view=view)):
            paper = lib.paper(pid)
            out[pid] = {
                "detail": paper.to_json(), "edited": sorted(paper.edited_fields), "hash": paper.pdf_hash,
                "reading": (paper.last_page, paper.last_zoom),
                "annotations": [(a, lib.annotation_image(a.id)) for a in lib.annotations(pid)],
                "captions": paper.captions,
            }
    out["tags"] = lib.tag_counts()
    return out


def _build(home, pdf_factory) -> dict:
    with Library.open(home) as lib:
        [a, b] = [o.paper_id for o in import_pdfs(lib, [pdf_factory("Paper A"), pdf_factory("Paper B", pages=4)],
                                                   tags=["imported"])]
        c = lib.add_paper(PaperFields(title="No PDF", authors=("Ada", "Grace"), year=2021, venue="ICLR",
                                      summary="Σ unicode ✓", tags=("ML", "z"), rating=4),
                          captions=[CaptionRecord("Figure 1", "figure", "1", "A plot", 1, (1, 2, 3, 4))])
        lib.update_paper(a, title="Edited title", doi="10.1/x")
        lib.set_status([b], Status.READ)
        lib.add_note(a, "# heading\nbody")
        note = lib.add_note(c, "first")
        lib.update_note(note.id, "second")
        lib.add_annotation(a, AnnotationFields("highlight", 1, (1, 2, 3, 4), quads=((1, 2, 3, 4),), quote="q"))
        lib.add_annotation(b, AnnotationFields("area", 2, (5, 5, 50, 50), comment="fig", image=os.urandom(300)))
        gone = lib.add_annotation(b, AnnotationFields("note", 1, (1, 1, 2, 2), comment="deleted later"))
        lib.delete_annotation(gone.id)
        lib.add_tags([a, c], ["shared"])
        lib.set_reading_position(a, 2, 1.5)
        lib.mark_opened(a)
        d = lib.add_paper(PaperFields(title="Trashed"))
        lib.add_note(d, "kept in trash")
        e = lib.add_paper(PaperFields(title="Emptied"))
        lib.trash([e])
        lib.empty_trash()
        lib.trash([d])
        return _everything(lib)


def test_every_change_rewrites_the_papers_sidecar(library_home, pdf_factory):
    with Library.open(library_home) as lib:
        [outcome] = import_pdfs(lib, [pdf_factory("With PDF")])
        paper = lib.paper(outcome.paper_id)
        path = library_home / "pdfs" / f"{paper.pdf_hash}.json"
        lib.add_note(paper.id, "a note")
        assert json.loads(path.read_text())["note"][0]["body"] == "a note"
        lib.set_status([paper.id], "read")
        assert json.loads(path.read_text())["paper"]["status"] == "read"
        bare = lib.add_paper(PaperFields(title="Bare"))
        assert (library_home / "papers" / f"{bare}.json").exists()
        lib.trash([bare])
        lib.empty_trash()
        assert not (library_home / "papers" / f"{bare}.json").exists()
    assert not list(library_home.rglob(f"{sidecars.TMP_PREFIX}*"))


def test_a_library_rebuilt_from_sidecars_equals_the_original(library_home, pdf_factory):
    before = _build(library_home, pdf_factory)
    os.unlink(library_home / "library.sqlite3")
    for suffix in ("-wal", "-shm"):
        (library_home / f"library.sqlite3{suffix}").unlink(missing_ok=True)
    report = rebuild_from_sidecars(library_home)
    assert report.skipped == [] and report.dropped == [] and report.kept_database is None
    with Library.open(library_home) as lib:
        after = _everything(lib)
        assert after == before
        new = lib.add_paper(PaperFields(title="After rebuild"))  # ids keep counting from the highest
        assert new > max(k for k in before if isinstance(k, int))


def test_rebuild_keeps_an_existing_database_aside(library_home, pdf_factory):
    _build(library_home, pdf_factory)
    report = rebuild_from_sidecars(library_home)
    assert report.kept_database is not None and report.kept_database.exists()
    assert report.kept_database.name.startswith("library.sqlite3.before-rebuild-")


def test_a_hostile_sidecar_cannot_point_outside_the_library(library_home, tmp_path):
    victim = tmp_path / "victim.pdf"
    victim.write_bytes(b"%PDF-1.4 precious")
    papers = library_home / "papers"
    papers.mkdir(parents=True)
    doc = {"format": sidecars.FORMAT, "version": 1, "authors": [], "tags": [{"name": "x"}],
           "paper": {"id": 7, "title": "Evil", "pdf_path": "../victim.pdf", "added_at": "2024-01-01 00:00:00",
                     "updated_at": "2024-01-01 00:00:00", "trashed_at": "2024-01-02 00:00:00"},
           "figure_caption": [{"id": 1, "label": "F", "thumbnail": "/etc/passwd"}], "note": [], "annotation": []}
    (papers / "7.json").write_text(json.dumps(doc))
    (papers / "junk.json").write_text("{not json")
    rebuild_from_sidecars(library_home)
    with Library.open(library_home) as lib:
        paper = lib.paper(7)
        assert paper.pdf_path == "" and paper.captions[0].thumbnail == ""
        lib.empty_trash()
    assert victim.exists()
