"""The citation index without Qt: entries parsed, markers found and pointed right, the cache, the library match.

Real papers from the shared corpus (the hand-made truth in tests/data/citations
is scored in full by benchmarks/citations.py; here a few facts a reader would
notice), PDFs written here for the layouts that must work, and hostile files.
"""

from __future__ import annotations

import json
import time

import pymupdf
import pytest

from reader.pdf.citations import cache
from reader.pdf.citations.context import sentence_around
from reader.pdf.citations.entry_parse import fold, parse_entry
from reader.pdf.citations.index import MAX_PAGES, index_document
from reader.pdf.citations.library_match import LibraryMatcher, LibraryPaper
from reader.pdf.citations.markers import expand_numbers
from reader.pdf.citations.model import CitationIndex, Entry, surname
from tests.conftest import REPO

TRUTH = REPO / "tests" / "data" / "citations"


@pytest.mark.parametrize(("text", "authors", "year", "title", "venue"), [
    (("Phil Blunsom, Trevor Cohn, and Miles Osborne. 2008. A discriminative latent variable models for statistical "
      "machine translation. In Proceedings of ACL-HLT, Columbus, OH."),
     ("Phil Blunsom", "Trevor Cohn", "Miles Osborne"), "2008",
     "A discriminative latent variable models for statistical machine translation", "Proceedings of ACL-HLT, Columbus, OH"),
    ("[5] H. Wang, F. Nie, and H. Huang. Learning frame relevance for video classification. In ACM MM, 2011.",
     ("H. Wang", "F. Nie", "H. Huang"), "2011", "Learning frame relevance for video classification", "ACM MM"),
    (("3. Haider, B. & McCormick, D.A. Rapid neocortical dynamics: cellular and network mechanisms. Neuron 62, "
      "171–189 (2009)."), ("Haider, B", "McCormick, D.A"), "2009",
     "Rapid neocortical dynamics: cellular and network mechanisms", "Neuron"),
    ("1. Koch, C. Biophysics of Computation (Oxford University Press, 1999).", ("Koch, C",), "1999",
     "Biophysics of Computation", ""),
    (("(11) Gormley, A. J.; Webb, M. A. Machine learning in combinatorial polymer chemistry. Nature Reviews "
      "Materials 2021, 6, 642-644."), ("Gormley, A. J", "Webb, M. A"), "2021",
     "Machine learning in combinatorial polymer chemistry", "Nature Reviews Materials"),
    ('[4] A. Author, "A quoted title," in Proc. IEEE Conf., 2010, pp. 1-3.', ("A. Author",), "2010", "A quoted title",
     "Proc. IEEE Conf"),
    ("Zhenzhong Lan, Mingda Chen, and Sebastian Goodman. 2020a. ALBERT: A lite BERT. In ICLR. arXiv:1909.11942.",
     ("Zhenzhong Lan", "Mingda Chen", "Sebastian Goodman"), "2020a", "ALBERT: A lite BERT", "ICLR"),
    ("[3] K. Cho, B. van Merrienboer, and Y. Bengio. Learning phrase representations. In EMNLP, 2014.",
     ("K. Cho", "B. van Merrienboer", "Y. Bengio"), "2014", "Learning phrase representations", "EMNLP"),
])
def test_entries_are_parsed_in_the_common_styles(text, authors, year, title, venue):
    parsed = parse_entry(text)
    assert parsed["authors"] == authors
    assert parsed["year"] == year
    assert parsed["title"] == title
    assert parsed["venue"] == venue


def test_identifiers_and_tex_accents():
    parsed = parse_entry("L´eon Bottou and J. M¨uller. 2004. Stochastic learning. doi:10.1007/978-3-540-28650-9_7. "
                         "Also arXiv preprint arXiv:1234.56789v2.")
    assert parsed["authors"] == ("Léon Bottou", "J. Müller")
    assert parsed["doi"] == "10.1007/978-3-540-28650-9_7"
    assert parsed["arxiv_id"] == "1234.56789"
    assert fold("Log-Linear Models, Revisited") == fold("loglinear models revisited")


def test_surnames_and_number_ranges():
    assert [surname(n) for n in ("Lan, Z.", "Zhenzhong Lan", "Z. Lan", "Lan ZZ", "John Smith Jr.")] == \
        ["Lan", "Lan", "Lan", "Lan", "Smith"]
    assert expand_numbers("3, 7-9") == [3, 7, 8, 9]
    assert expand_numbers("9–3") == []  # backwards: not a range of references


def _truth(name: str) -> dict:
    return json.loads((TRUTH / f"{name}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", ["sp__ding11", "sp__dyer12", "mu__test_3780", "pm__2206.10883v3", "pq__paper"])
def test_every_marker_found_on_an_annotated_page_points_to_the_truths_entries(corpus, name):
    """Numeric, author-year, superscript, linked numeric, linked superscript: no wrong popup, few missed."""
    from benchmarks.citations import score_paper

    truth = _truth(name)
    with pymupdf.open(corpus / "papers" / truth["file"]) as doc:
        index = index_document(doc)
    score = score_paper(truth, index)
    assert score["wrong"] == []
    assert score["right"] >= 0.9 * score["truth"]


def test_a_multi_citation_and_a_parenthesis_of_author_year_markers(corpus):
    with pymupdf.open(corpus / "papers" / "sp__ding11.pdf") as doc:
        index = index_document(doc)
    (marker,) = [m for m in index.markers_on(1) if m.text == "[1–6]"]
    assert [index.entry(n).first_author_surname() for n in marker.entries] == \
        ["Maron", "Chen", "Zhou", "Zha", "Jin", "Guillaumin"]
    with pymupdf.open(corpus / "papers" / "sp__dyer12.pdf") as doc:
        index = index_document(doc)
    och = next(m for m in index.markers_on(1) if m.text.startswith("Och and Ney"))
    group = index.group_of(och)
    assert [m.text for m in group][:2] == ["Och and Ney, 2002", "Blunsom et al., 2008"]


def _numbered_pdf(path, entries: int = 12, pages: int = 1):
    doc = pymupdf.open()
    body = doc.new_page()
    body.insert_text((72, 100), "As shown before [3], and again [5, 7-9], results hold.", fontsize=10)
    for _ in range(pages - 2):
        doc.new_page()
    refs = doc.new_page()
    refs.insert_text((72, 80), "References", fontsize=12)
    for k in range(1, entries + 1):
        refs.insert_text((72, 100 + 14 * k), f"[{k}] A. Author{k} and B. Other. Title number {k} of a paper. "
                                             f"In Venue, 20{k:02d}.", fontsize=9)
    doc.save(path)
    return path


def test_a_generated_numbered_paper(tmp_path):
    with pymupdf.open(_numbered_pdf(tmp_path / "n.pdf")) as doc:
        index = index_document(doc)
    assert index.numbered and len(index.entries) == 12
    assert index.entry(7).title == "Title number 7 of a paper" and index.entry(7).year == "2007"
    assert [(m.text, m.entries) for m in index.markers] == [("[3]", (3,)), ("[5, 7-9]", (5, 7, 8, 9))]


def test_long_documents_are_skipped_and_the_index_survives_a_round_trip(tmp_path):
    with pymupdf.open(_numbered_pdf(tmp_path / "long.pdf", pages=MAX_PAGES + 2)) as doc:
        index = index_document(doc)
    assert not index.entries and "100 pages" in index.note
    with pymupdf.open(_numbered_pdf(tmp_path / "n.pdf")) as doc:
        index = index_document(doc)
    assert CitationIndex.from_dict(json.loads(json.dumps(index.to_dict()))) == index


def test_the_cache_is_keyed_by_hash_and_ignores_damage(tmp_path):
    index = CitationIndex([Entry(1, "1", "A. B. T. 2020.", 3, (1, 2, 3, 4), title="T")], [], True)
    digest = "ab" * 32
    assert cache.save(tmp_path, digest, index)
    assert cache.load(tmp_path, digest) == index
    assert cache.load(tmp_path, "cd" * 32) is None
    assert cache.cache_file(tmp_path, "../../etc/passwd") is None  # a hash is only ever hex
    cache.cache_file(tmp_path, digest).write_text("{not json", encoding="utf-8")
    assert cache.load(tmp_path, digest) is None
    cache.cache_file(tmp_path, digest).write_text(json.dumps({"format": -1}), encoding="utf-8")
    assert cache.load(tmp_path, digest) is None
    assert not [p for p in (tmp_path / cache.FOLDER).iterdir() if p.name.startswith(".incoming")]


def test_library_matching_by_doi_arxiv_and_close_title():
    matcher = LibraryMatcher([
        LibraryPaper(1, "Attention Is All You Need", arxiv_id="1706.03762v5", year=2017),
        LibraryPaper(2, "Deep Residual Learning", doi="10.1109/CVPR.2016.90"),
        LibraryPaper(3, "Efficient algorithms for ranking with SVMs", year=2010),
    ])
    entry = Entry(1, "", "", 0, (0, 0, 0, 0))
    from dataclasses import replace

    assert matcher.find(replace(entry, arxiv_id="1706.03762")).paper_id == 1
    assert matcher.find(replace(entry, doi="10.1109/cvpr.2016.90")).paper_id == 2
    assert matcher.find(replace(entry, title="Efﬁcient algorithms for ranking with SVM", year="2010")).paper_id == 3
    assert matcher.find(replace(entry, title="Efficient algorithms for ranking with SVMs", year="2003")) is None
    assert matcher.find(replace(entry, title="Dendrites")) is None  # too short to tell


def test_the_citing_sentence():
    text = "Earlier work failed. Recurrent models were slow [1, 3]. We build on both."
    words = [(10 * i, 0, 10 * i + 8, 10, w, 0, 0, i) for i, w in enumerate(text.split())]
    marker_box = (words[7][0], 0, words[8][2], 10)
    assert sentence_around(words, marker_box) == "Recurrent models were slow [1, 3]."


@pytest.mark.parametrize("name", ["mu__test_3072.pdf", "mu__has-bad-fonts.pdf", "dl__empty_page.pdf",
                                  "pm__index-list-out-of-range-7f4e18385a30ccb00dc637d5123f894f1f862964.pdf",
                                  "mu__circular-toc.pdf", "mu__test_2904.pdf"])
def test_odd_files_give_an_index_or_a_reason_quickly(corpus, name):
    started = time.perf_counter()
    with pymupdf.open(corpus / "robustness" / name) as doc:
        index = index_document(doc)
    assert time.perf_counter() - started < 10
    assert index.entries or index.note


def test_the_library_citation_graph():
    from reader.pdf.citations.graph import CitationGraph

    papers = [LibraryPaper(1, "Attention is all you need", year=2017), LibraryPaper(2, "Long short-term memory",
                                                                                     year=1997),
              LibraryPaper(3, "A paper that cites both", year=2020)]
    entries = [Entry(1, "1", "", 5, (0, 0, 0, 0), title="Attention is all you need", year="2017"),
               Entry(2, "2", "", 5, (0, 0, 0, 0), title="Long short-term memory", year="1997"),
               Entry(3, "3", "", 5, (0, 0, 0, 0), title="Something not in the library at all", year="2001")]
    graph = CitationGraph.build(papers, {3: CitationIndex(entries, [], True), 1: CitationIndex([], [], True)})
    assert graph.counts(3) == (0, 2)
    assert graph.counts(1) == (1, 0)
    assert graph.counts(2) == (1, None)  # its own references are not known
