"""The sample reading list: papers a newcomer can follow up, and two real PDFs to read offline."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from reader.importers.sample import load_sample, sample_path
from reader.library import Library

OPENREVIEW = re.compile(r"^https://openreview\.net/forum\?id=[\w-]+$")
ARXIV = re.compile(r"^\d{4}\.\d{4,5}$")


@pytest.fixture
def library(library_home):
    lib = Library.open(library_home)
    yield lib
    lib.close()


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """One library with the sample loaded (extraction of the shipped PDFs takes a moment)."""
    lib = Library.open(tmp_path_factory.mktemp("sample-library"))
    result = load_sample(lib)
    yield lib, result
    lib.close()


def test_every_listed_paper_has_an_arxiv_id_and_an_openreview_link(loaded):
    lib, _ = loaded
    listed = [lib.paper(pid) for pid in lib.query_ids() if not lib.paper(pid).pdf_path]
    assert len(listed) == 22
    for paper in listed:
        assert ARXIV.match(paper.arxiv_id), paper.title
        assert OPENREVIEW.match(paper.url), paper.title


def test_known_identifiers_are_the_right_ones(loaded):
    lib, _ = loaded
    by_title = {lib.paper(pid).title: lib.paper(pid) for pid in lib.query_ids()}
    reformer = by_title["Reformer: The Efficient Transformer"]
    assert reformer.arxiv_id == "2001.04451"
    assert reformer.url == "https://openreview.net/forum?id=rkgNKkHtvB"
    assert by_title["An Image is Worth 16x16 Words: Transformers for Image Recognition at Scale"].arxiv_id == "2010.11929"


def test_shipped_pdfs_are_real_papers_in_the_library(loaded):
    lib, result = loaded
    assert len(result.added) == 24 and result.already == [] and result.failed == []
    with_pdf = {lib.paper(pid).title: lib.paper(pid) for pid in lib.query_ids() if lib.paper(pid).pdf_path}
    assert set(with_pdf) == {"Construction of the Literature Graph in Semantic Scholar",
                             "S2ORC: The Semantic Scholar Open Research Corpus"}
    graph = with_pdf["Construction of the Literature Graph in Semantic Scholar"]
    s2orc = with_pdf["S2ORC: The Semantic Scholar Open Research Corpus"]
    assert graph.venue == "NAACL-HLT 2018" and s2orc.venue == "ACL 2020"
    assert graph.doi == "10.18653/v1/N18-3011" and s2orc.arxiv_id == "1911.02782"
    assert "Waleed Ammar" in graph.authors and "Kyle Lo" in s2orc.authors
    for paper in (graph, s2orc):
        stored = lib.pdf_file(paper.id)
        assert stored is not None and stored.is_file() and stored.parent == lib.home / "pdfs"
        assert stored.name == f"{paper.pdf_hash}.pdf"
        assert paper.summary and "Scholarly documents" in paper.tags
        assert paper.page_count > 1
    figures = [c for c in s2orc.captions if c.kind == "figure"]
    assert len(figures) == 4 and len(s2orc.captions) == 13
    assert any(c.thumbnail and (lib.home / c.thumbnail).is_file() for c in s2orc.captions)
    assert any(c.label == "Figure 1" for c in graph.captions)


def test_loading_the_sample_again_adds_nothing(loaded):
    lib, _ = loaded
    before = sorted(lib.query_ids())
    again = load_sample(lib)
    assert again.added == [] and len(again.already) == 24
    assert sorted(lib.query_ids()) == before
    assert again.describe() == "Added 0 papers, 24 already in the library."


def test_a_shipped_pdf_you_changed_is_left_as_you_have_it(library):
    first = load_sample(library)
    graph = next(pid for pid in first.added if library.paper(pid).pdf_path
                 and library.paper(pid).title.startswith("Construction"))
    library.set_tags(graph, ["mine"])
    library.update_paper(graph, summary="My own words.")
    load_sample(library)
    paper = library.paper(graph)
    assert paper.tags == ("mine",) and paper.summary == "My own words."


def test_sample_pdfs_ship_with_a_licence_note():
    folder = sample_path().parent / "sample-papers"
    note = (folder / "README.md").read_text(encoding="utf-8")
    pdfs = sorted(folder.glob("*.pdf"))
    assert len(pdfs) == 2
    assert "CC BY 4.0" in note
    for pdf in pdfs:
        assert pdf.name in note


def test_cli_reports_added_and_already_there(library_home):
    def load() -> str:
        done = subprocess.run([sys.executable, "-m", "reader", "--library", str(library_home), "load-sample"],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    assert load() == "Added 24 papers, 0 already in the library."
    assert load() == "Added 0 papers, 24 already in the library."
