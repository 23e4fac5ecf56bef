"""Search inside the papers' own text (issue 16): indexed on add, kept true on trash,
re-extract and a replaced PDF, ranked after title, author and tag hits, with the page."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pymupdf
import pytest

from reader.importers.pdf_files import import_pdfs, reextract
from reader.library import Library, PaperFields, PaperQuery
from reader.library.migrations import MIGRATIONS
from reader.pdf.page_text import read_page_texts


def paper_pdf(path: Path, title: str, pages: dict[int, str], count: int | None = None) -> Path:
    """A PDF titled ``title`` whose page N says ``pages[N]`` (and filler elsewhere)."""
    doc = pymupdf.open()
    for number in range(1, (count or max(pages)) + 1):
        page = doc.new_page(width=612, height=792)
        if number == 1:
            page.insert_text((72, 90), title, fontsize=18)
            page.insert_text((72, 115), "Grace Hopper", fontsize=11)
        page.insert_textbox(pymupdf.Rect(72, 150, 540, 700),
                            pages.get(number, f"Filler prose on page {number} about nothing in particular."),
                            fontsize=10)
    doc.set_metadata({"title": title, "author": "Grace Hopper"})
    doc.save(path)
    doc.close()
    return path


def scanned_pdf(path: Path) -> Path:
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.draw_rect(pymupdf.Rect(72, 72, 540, 720), color=(0, 0, 0), fill=(0.8, 0.8, 0.8))
    doc.save(path)
    doc.close()
    return path


def titles(lib: Library, text: str) -> list[str]:
    return [row.title for row in lib.paper_rows(lib.query_ids(PaperQuery(text=text)))]


@pytest.fixture
def lib(library_home):
    with Library.open(library_home) as library:
        yield library


def test_words_on_a_page_find_the_paper_with_that_page_and_a_snippet(lib, tmp_path):
    pdf = paper_pdf(tmp_path / "a.pdf", "Learning Without Labels", {
        3: "We minimise the contrastive objective over augmented views of each image."})
    [outcome] = import_pdfs(lib, [pdf], thumbnailer=None, annotation_reader=None)

    assert titles(lib, "contrastive objective") == ["Learning Without Labels"]
    hit = lib.body_hits([outcome.paper_id], "contrastive objective")[outcome.paper_id]
    assert hit.page == 3
    assert "contrastive objective" in hit.snippet
    assert hit.describe().startswith("p. 3: ")
    start, end = hit.marks[0]
    assert hit.snippet[start:end] == "contrastive"


def test_typing_a_prefix_finds_body_words_as_it_does_titles(lib, tmp_path):
    pdf = paper_pdf(tmp_path / "a.pdf", "Plain Title", {2: "Heteroscedastic noise dominates the estimate."})
    import_pdfs(lib, [pdf], thumbnailer=None, annotation_reader=None)
    assert titles(lib, "heterosc") == ["Plain Title"]
    assert titles(lib, "he") == ["Plain Title"]


def test_title_author_and_tag_hits_come_before_other_fields_then_body_text(lib, tmp_path):
    body_only = paper_pdf(tmp_path / "body.pdf", "Some Older Work", {2: "A note on diffusion in passing."})
    import_pdfs(lib, [body_only], thumbnailer=None, annotation_reader=None)
    in_summary = lib.add_paper(PaperFields(title="Second Paper", summary="We study diffusion processes."))
    in_title = lib.add_paper(PaperFields(title="Diffusion Models Beat GANs"))
    tagged = lib.add_paper(PaperFields(title="Tagged Paper", tags=("Diffusion",)))

    order = titles(lib, "diffusion")
    assert order[:2] == ["Tagged Paper", "Diffusion Models Beat GANs"]  # newest first within the tier
    assert order[2:] == ["Second Paper", "Some Older Work"]
    assert lib.count(PaperQuery(text="diffusion")) == 4
    # paging across the tiers gives the same order
    pages = [lib.query_ids(PaperQuery(text="diffusion"), offset=i, limit=1) for i in range(5)]
    assert [p for page in pages for p in page] == lib.query_ids(PaperQuery(text="diffusion"))
    assert in_title and tagged and in_summary


def test_a_paper_whose_title_matches_is_not_listed_twice_for_its_body(lib, tmp_path):
    pdf = paper_pdf(tmp_path / "a.pdf", "Sparse Attention", {2: "Sparse attention again in the body."})
    import_pdfs(lib, [pdf], thumbnailer=None, annotation_reader=None)
    assert titles(lib, "sparse") == ["Sparse Attention"]


def test_trash_hides_body_hits_and_emptying_it_removes_the_pages(lib, tmp_path):
    pdf = paper_pdf(tmp_path / "a.pdf", "Doomed Paper", {2: "Quokkas are marsupials."})
    [outcome] = import_pdfs(lib, [pdf], thumbnailer=None, annotation_reader=None)
    lib.trash([outcome.paper_id])
    assert titles(lib, "quokkas") == []
    assert lib.query_ids(PaperQuery(text="quokkas", view="trash")) == [outcome.paper_id]
    lib.empty_trash()
    with sqlite3.connect(lib.db_path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM page_text").fetchone()[0] == 0
        assert conn.execute("SELECT COUNT(*) FROM page_fts WHERE page_fts MATCH 'quokkas'").fetchone()[0] == 0


def test_reextract_replaces_the_pages_text(lib, tmp_path):
    pdf = paper_pdf(tmp_path / "a.pdf", "Changing Paper", {2: "Wombats dig burrows."})
    [outcome] = import_pdfs(lib, [pdf], thumbnailer=None, annotation_reader=None)
    stored = lib.pdf_file(outcome.paper_id)
    lib.set_page_texts(outcome.paper_id, ["stale text about echidnas"])
    assert titles(lib, "wombats") == []
    assert titles(lib, "echidnas") == ["Changing Paper"]
    assert reextract(lib, outcome.paper_id, thumbnailer=None)
    assert titles(lib, "echidnas") == []
    assert titles(lib, "wombats") == ["Changing Paper"]
    assert stored.exists()


def test_text_read_from_an_older_pdf_is_not_stored_over_a_newer_one(lib, tmp_path):
    pdf = paper_pdf(tmp_path / "a.pdf", "Relinked Paper On Monotremes", {2: "Platypus venom."})
    [outcome] = import_pdfs(lib, [pdf], thumbnailer=None, annotation_reader=None)
    assert lib.set_page_texts(outcome.paper_id, ["old file's text"], pdf_hash="0" * 64) is None
    assert titles(lib, "platypus") == ["Relinked Paper On Monotremes"]


def test_a_scan_without_a_text_layer_is_marked_not_an_error(lib, tmp_path):
    [outcome] = import_pdfs(lib, [scanned_pdf(tmp_path / "scan.pdf")], thumbnailer=None, annotation_reader=None)
    assert outcome.ok and not outcome.error
    assert lib.body_text_outcome(outcome.paper_id) == "no_text"
    assert lib.papers_to_index() == []  # not read again on every start


def test_papers_of_a_library_from_before_the_index_are_found_and_indexed(library_home, tmp_path):
    """A v5 library upgraded: its papers are listed as still to read, and become searchable."""
    pdf = paper_pdf(tmp_path / "old.pdf", "Old Paper", {2: "Axolotls regenerate limbs."})
    db = library_home / "library.sqlite3"
    conn = sqlite3.connect(db, isolation_level=None)
    for version, step in MIGRATIONS:
        if version <= 5:
            step(conn)
    conn.execute("PRAGMA user_version = 5")
    (library_home / "pdfs").mkdir()
    stored = library_home / "pdfs" / "abc.pdf"
    stored.write_bytes(pdf.read_bytes())
    conn.execute("INSERT INTO paper (id, title, pdf_path, pdf_hash, added_at, updated_at)"
                 " VALUES (1, 'Old Paper', 'pdfs/abc.pdf', 'abc', '2020-01-01', '2020-01-01')")
    conn.close()
    with Library.open(library_home) as lib:
        assert lib.papers_to_index() == [(1, "pdfs/abc.pdf", "abc")]
        assert lib.index_progress().remaining == 1
        assert titles(lib, "axolotls") == []
        lib.set_page_texts(1, read_page_texts(lib.pdf_file(1)), pdf_hash="abc")
        assert titles(lib, "axolotls") == ["Old Paper"]
        assert lib.papers_to_index() == []
        assert lib.index_progress().remaining == 0


def test_a_500_page_thesis_is_indexed_and_its_page_found(lib, tmp_path):
    pdf = paper_pdf(tmp_path / "thesis.pdf", "A Long Thesis", {437: "The capybara appendix."}, count=500)
    [outcome] = import_pdfs(lib, [pdf], thumbnailer=None, annotation_reader=None)
    assert lib.body_hits([outcome.paper_id], "capybara")[outcome.paper_id].page == 437
    assert len(lib.page_texts(outcome.paper_id)) == 500


def test_a_real_paper_is_found_by_a_phrase_from_inside_it(lib, corpus):
    [outcome] = import_pdfs(lib, [corpus / "papers" / "s2__N18-3011.pdf"], thumbnailer=None, annotation_reader=None)
    assert lib.query_ids(PaperQuery(text="property graph directed edges")) == [outcome.paper_id]
    hit = lib.body_hits([outcome.paper_id], "property graph directed edges")[outcome.paper_id]
    assert hit.page == 2
    assert "directed edges" in hit.snippet


def test_the_command_line_search_prints_the_page_and_words_of_a_body_hit(library_home, tmp_path):
    import json
    import subprocess
    import sys

    pdf = paper_pdf(tmp_path / "a.pdf", "Learning Without Labels", {
        7: "Our results show the contrastive loss stays stable under heavy augmentation."})

    def run(*args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "reader", "--library", str(library_home), *args],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout

    paper_id = int(run("add", str(pdf)).strip())
    lines = run("search", "contrastive loss").splitlines()
    assert lines[0].split()[0] == str(paper_id)
    assert lines[1].strip().startswith("p. 7: ")
    assert "contrastive loss stays stable" in lines[1]
    [found] = json.loads(run("search", "contrastive loss", "--json"))
    assert found["body_hit"]["page"] == 7
    assert json.loads(run("search", "learning", "--json"))[0]["body_hit"] is None


def test_catching_up_reads_each_due_paper_once_and_marks_a_broken_pdf(lib, tmp_path):
    from reader.importers.body_index import index_pending
    from reader.library.fulltext import IndexProgress

    good = lib.add_pdf(paper_pdf(tmp_path / "good.pdf", "Due Paper On Lemurs", {2: "Lemurs sing at dawn."}),
                       PaperFields(title="Due Paper On Lemurs")).paper_id
    broken_source = tmp_path / "broken.pdf"
    broken_source.write_bytes(b"%PDF-1.7\n" + b"garbage" * 50)
    broken = lib.add_pdf(broken_source, PaperFields(title="Broken")).paper_id
    gone = lib.add_pdf(paper_pdf(tmp_path / "gone.pdf", "Gone Paper", {2: "Lemurs again."}),
                       PaperFields(title="Gone Paper")).paper_id
    lib.pdf_file(gone).unlink()
    seen: list[IndexProgress] = []

    assert index_pending(lib, progress=seen.append) == 2
    assert titles(lib, "lemurs") == ["Due Paper On Lemurs"]
    assert lib.body_text_outcome(broken) == "unreadable"
    assert lib.body_text_outcome(good) == "indexed"
    assert seen[-1] == IndexProgress(3, 2)
    assert [p[0] for p in lib.papers_to_index()] == [gone]  # tried again next time, once the file is back
    assert index_pending(lib) == 0


def test_in_text_and_in_notes_look_only_there(lib, tmp_path):
    pdf = paper_pdf(tmp_path / "a.pdf", "Graph Kernels Explained", {2: "Walks over graph nodes."})
    [outcome] = import_pdfs(lib, [pdf], thumbnailer=None, annotation_reader=None)
    titled = lib.add_paper(PaperFields(title="Graph Theory Notes"))
    noted = lib.add_paper(PaperFields(title="Unrelated Paper"))
    lib.add_note(noted, "compare with the graph walks paper")

    assert titles(lib, "in:text graph") == ["Graph Kernels Explained"]
    assert lib.body_hits([outcome.paper_id], "in:text graph")[outcome.paper_id].page == 2  # though its title matches
    assert titles(lib, "in:notes graph") == ["Unrelated Paper"]
    assert lib.body_hits([outcome.paper_id], "in:notes graph") == {}
    assert set(titles(lib, "graph")) == {"Graph Kernels Explained", "Graph Theory Notes", "Unrelated Paper"}
    assert titled


def test_index_text_on_the_command_line_reads_due_papers_and_says_what_it_could_not(library_home, tmp_path):
    import subprocess
    import sys

    with Library.open(library_home) as lib:
        lib.add_pdf(paper_pdf(tmp_path / "due.pdf", "Due Paper On Okapis", {3: "Okapis hide in the rainforest."}),
                    PaperFields(title="Due Paper On Okapis"))
        gone = lib.add_pdf(paper_pdf(tmp_path / "gone.pdf", "Gone Paper", {2: "Okapis again."}),
                           PaperFields(title="Gone Paper")).paper_id
        lib.pdf_file(gone).unlink()
        assert titles(lib, "rainforest") == []

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "reader", "--library", str(library_home), *args],
                              capture_output=True, text=True, timeout=120)

    done = run("index-text")
    assert done.returncode == 0, done.stderr
    assert "1 of 2 papers with a PDF are in the full-text index (1 read now)" in done.stdout
    assert "1 could not be read now: their PDF files are missing" in done.stdout
    found = run("search", "rainforest")
    assert "Due Paper On Okapis" in found.stdout and "p. 3: " in found.stdout
    again = run("index-text")
    assert "(0 read now)" in again.stdout
