"""Rebuilding from sidecars never destroys: bad sidecars are skipped and named, the current
database is replaced only by a complete and checked one, and no record changes paper."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.errors import LibraryError
from reader.library import AnnotationFields, Library, PaperFields, PaperQuery
from reader.library import sidecars
from reader.library.rebuild import rebuild_from_sidecars

pytestmark = pytest.mark.timeout(120)


def _contents(lib: Library) -> dict[str, dict]:
    """Each paper's title with its notes and marks, keyed by title: what a reader would miss."""
    out = {}
    for view in ("all", "trash"):
        for pid in lib.query_ids(PaperQuery(view=view)):
            paper = lib.paper(pid)
            out[paper.title] = {"id": pid, "notes": sorted(n.body for n in paper.notes),
                                "marks": sorted(a.quote for a in lib.annotations(pid))}
    return out


def _genuine_library(home) -> dict[str, dict]:
    with Library.open(home) as lib:
        for n in range(3):
            paper = lib.add_paper(PaperFields(title=f"Genuine {n}", tags=("kept",)))
            lib.add_note(paper, f"note of genuine {n}")
            lib.add_annotation(paper, AnnotationFields("highlight", 1, (1, 2, 3, 4), quote=f"mark of genuine {n}"))
        return _contents(lib)


def _sidecar(paper_id: int, title: str, **paper_fields) -> dict:
    paper = {"id": paper_id, "title": title, "added_at": "2024-01-01 00:00:00",
             "updated_at": "2024-01-01 00:00:00", **paper_fields}
    return {"format": sidecars.FORMAT, "version": 1, "paper": paper, "authors": [], "tags": [],
            "note": [], "figure_caption": [], "annotation": []}


def _drop(home, name: str, doc) -> None:
    folder = home / "papers"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")


def test_bad_sidecars_are_skipped_and_named_and_the_rest_is_rebuilt(library_home):
    before = _genuine_library(library_home)
    _drop(library_home, "40.json", {**_sidecar(40, "Tags are a number"), "tags": 5})
    _drop(library_home, "41.json", _sidecar(41, "Unknown status", status="skimmed"))
    _drop(library_home, "42.json", _sidecar(2**70, "Huge id"))
    _drop(library_home, "43.json", _sidecar(43, "Bad date", added_at="yesterday"))
    _drop(library_home, "44.json", "{ not json")
    marked = _sidecar(45, "One bad mark")
    marked["annotation"] = [
        {"kind": "squiggle", "page": 1, "x0": 0, "y0": 0, "x1": 1, "y1": 1, "created_at": "2024-01-01",
         "updated_at": "2024-01-01"},
        {"kind": "underline", "page": 1, "x0": 0, "y0": 0, "x1": 1, "y1": 1, "quote": "good mark",
         "created_at": "2024-01-01", "updated_at": "2024-01-01"}]
    marked["note"] = [{"id": 900, "body": "good note", "created_at": "2024-01-01", "updated_at": "2024-01-01"}]
    _drop(library_home, "45.json", marked)

    report = rebuild_from_sidecars(library_home)

    skipped = {path.name: why for path, why in report.skipped}
    assert set(skipped) == {"40.json", "41.json", "42.json", "43.json", "44.json"}
    assert "tags" in skipped["40.json"] and "skimmed" in skipped["41.json"] and "id" in skipped["42.json"]
    assert "added_at" in skipped["43.json"] and "JSON" in skipped["44.json"]
    assert [(p.name, "squiggle" in why) for p, why in report.dropped] == [("45.json", True)]
    assert report.kept_database is not None and report.kept_database.exists()
    with Library.open(library_home) as lib:
        after = _contents(lib)
        assert {k: v for k, v in after.items() if k.startswith("Genuine")} == before
        assert after["One bad mark"]["notes"] == ["good note"] and after["One bad mark"]["marks"] == ["good mark"]
        new = lib.add_paper(PaperFields(title="Added after the rebuild"))
        assert new > 45, "a new paper must not take the id (and so the sidecar) of a skipped one"
    assert json.loads((library_home / "papers" / "40.json").read_text())["tags"] == 5, "a skipped file is left alone"


def test_a_stale_sidecar_never_gives_its_note_to_another_paper(library_home):
    """Paper 1's stale sidecar and paper 2's current one both hold note id 5."""
    older = _sidecar(1, "Stale paper")
    older["note"] = [{"id": 5, "body": "the stale paper's note", "created_at": "2024-01-01",
                      "updated_at": "2024-01-01"}]
    newer = _sidecar(2, "Current paper", updated_at="2025-06-01 00:00:00")
    newer["note"] = [{"id": 5, "body": "the current paper's note", "created_at": "2025-06-01",
                      "updated_at": "2025-06-01"}]
    _drop(library_home, "1.json", older)
    _drop(library_home, "2.json", newer)

    report = rebuild_from_sidecars(library_home)

    assert report.renumbered == 1
    with Library.open(library_home) as lib:
        assert [(n.id, n.body) for n in lib.paper(2).notes] == [(5, "the current paper's note")]
        assert [n.body for n in lib.paper(1).notes] == ["the stale paper's note"]


def test_a_rebuild_that_cannot_finish_leaves_the_database_as_it_was(small_disk):
    home = small_disk / "library"
    with Library.open(home) as lib:
        paper = lib.add_paper(PaperFields(title="Precious"))
        lib.add_note(paper, "years of notes")
    db = home / "library.sqlite3"
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    filler = small_disk / "filler"
    with open(filler, "wb") as handle:  # leave too little room for a second database
        try:
            while True:
                handle.write(b"\0" * 16384)
                handle.flush()
        except OSError:
            pass
    with pytest.raises(LibraryError, match="was not changed"):
        rebuild_from_sidecars(home)
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    assert not list(home.glob("*rebuild*")), "no half-built database or moved-aside copy is left"
    filler.unlink()
    with Library.open(home) as lib:
        assert [n.body for n in lib.paper(paper).notes] == ["years of notes"]


def test_the_command_says_what_was_skipped_and_where_the_old_database_is(library_home):
    _genuine_library(library_home)
    _drop(library_home, "77.json", {**_sidecar(77, "Bad"), "authors": "not a list"})
    result = subprocess.run([sys.executable, "-m", "reader", "--library", str(library_home), "rebuild",
                             "--from-sidecars"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Rebuilt 3 papers (3 notes, 3 annotations" in result.stdout
    assert "77.json: 'authors' is not a list" in result.stdout
    assert "previous database is kept as" in result.stdout and "Traceback" not in result.stderr


# Property: hostile sidecars beside genuine ones never cost a genuine record -------------------------

_json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-2**80, max_value=2**80) | st.floats(allow_nan=True)
    | st.text(max_size=12),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8)
_fields = st.sampled_from(["id", "title", "status", "year", "added_at", "updated_at", "pdf_path", "rating",
                           "trashed_at", "last_zoom"])
_record_fields = st.sampled_from(["id", "body", "kind", "page", "x0", "quote", "image", "created_at", "source"])


@st.composite
def hostile_sidecars(draw):
    """A sidecar for a paper the library does not have, with some fields replaced by anything at all."""
    paper_id = draw(st.integers(min_value=100, max_value=120))
    doc = _sidecar(paper_id, f"Hostile {paper_id}", updated_at=draw(st.sampled_from(
        ["2020-01-01 00:00:00", "2099-01-01 00:00:00"])))
    doc["note"] = [{"id": draw(st.integers(min_value=1, max_value=8)), "body": "hostile note",
                    "created_at": "2024-01-01", "updated_at": "2024-01-01"}]
    doc["annotation"] = [{"id": draw(st.integers(min_value=1, max_value=8)), "kind": "highlight", "page": 1,
                          "x0": 0, "y0": 0, "x1": 1, "y1": 1, "quote": "hostile mark",
                          "created_at": "2024-01-01", "updated_at": "2024-01-01"}]
    for field in draw(st.lists(_fields, max_size=3)):
        doc["paper"][field] = draw(_json_values)
    for field in draw(st.lists(_record_fields, max_size=2)):
        doc[draw(st.sampled_from(["note", "annotation"]))][0][field] = draw(_json_values)
    if draw(st.booleans()):
        doc[draw(st.sampled_from(["tags", "authors", "note", "annotation", "paper", "version"]))] = draw(_json_values)
    return doc


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(hostile=st.lists(hostile_sidecars(), max_size=4))
def test_no_genuine_paper_note_or_mark_is_lost_or_moved(tmp_path_factory, hostile):
    home = tmp_path_factory.mktemp("library")
    before = _genuine_library(home)
    for n, doc in enumerate(hostile):
        _drop(home, f"hostile-{n}.json", doc)
    report = rebuild_from_sidecars(home)
    with Library.open(home) as lib:
        after = _contents(lib)
    assert {k: v for k, v in after.items() if k in before} == before
    for title, held in after.items():
        if title not in before:
            assert "note of genuine" not in str(held) and "mark of genuine" not in str(held)
    assert report.papers == len(after)
    for path in home.glob("library.sqlite3.before-rebuild-*"):
        os.unlink(path)
