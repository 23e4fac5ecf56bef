"""Export, import into a fresh library, compare: what the user typed comes back in every format."""

from __future__ import annotations

import pytest

from reader.export.roundtrip import round_trip
from reader.library import Library, PaperFields
from tests.conftest import REPO

INTEROP = REPO.parent / "shared" / "corpus" / "interop"
FORMATS = ("bibtex", "biblatex", "ris", "csljson")


@pytest.fixture(scope="session")
def interop():
    if not INTEROP.is_dir():
        pytest.skip(f"shared interop corpus not found at {INTEROP}")
    return INTEROP


@pytest.fixture
def library(library_home):
    library = Library.open(library_home)
    yield library
    library.close()


PAPERS = [
    PaperFields(title="Attention Is All You Need", authors=("Ashish Vaswani", "Noam Shazeer", "Łukasz Kaiser"),
                year=2017, venue="Advances in Neural Information Processing Systems", arxiv_id="1706.03762",
                url="https://arxiv.org/abs/1706.03762", tags=("NLP", "transformers"),
                summary="The dominant sequence transduction models are based on recurrent networks."),
    PaperFields(title="Global burden of disease: 100% of {causes} & #1 risks, café culture",
                authors=("World Health Organization", "Ludwig van Beethoven", "Zoë Müller-Lüdenscheidt"),
                year=2004, venue="The Lancet", doi="10.1016/S0140-6736(04)17104-7", tags=("health",)),
    PaperFields(title="BERT: Pre-training of Deep Bidirectional Transformers", authors=("Jacob Devlin",),
                year=2019, venue="Proceedings of NAACL-HLT 2019", doi="10.18653/v1/N19-1423",
                url="https://aclanthology.org/N19-1423"),
    # biblatex's examples: an old-style arXiv id with its version, and no URL of its own
    PaperFields(title="Geometric and physical constraints", authors=("Ann Author",), year=2003,
                arxiv_id="math/0307200v3"),
]


@pytest.mark.parametrize("fmt", FORMATS)
def test_papers_come_back_unchanged(library, tmp_path, fmt):
    ids = [library.add_paper(fields) for fields in PAPERS]
    trip = round_trip(library, ids, fmt, tmp_path)
    assert trip.reimported == len(ids) and trip.import_problems == []
    assert trip.changes == []


SUFFIX = PaperFields(title="Personality in adulthood", authors=("P. T. Costa, Jr.", "R. R. McCrae"), year=1990,
                     venue="Journal of Personality Assessment", doi="10.1207/s15327752jpa5401_1")


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_name_suffix_comes_back_as_a_suffix(library, tmp_path, fmt):
    trip = round_trip(library, [library.add_paper(SUFFIX)], fmt, tmp_path)
    assert trip.changes == []


@pytest.mark.parametrize("source", ["bibtex-with-truth/bbt__Better_BibTeX_Import_2.bib", "bibtex/jabref-crossref.bib",
                                    "ris/RisImporterTest1.ris",
                                    "csl-json/bbt__Date_export_to_Better_CSL-JSON_360_811.csl.json"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_real_bibliographies_survive_a_round_trip(interop, tmp_path, source, fmt):
    from reader.importers.any_format import import_file
    from reader.library import PaperQuery

    def no_pdfs(pdf):
        raise OSError("no PDFs in this test")

    with Library.open(tmp_path / "source") as library:
        import_file(library, interop / source, extractor=no_pdfs)
        ids = sorted(library.query_ids(PaperQuery(view="all")))
        trip = round_trip(library, ids, fmt, tmp_path)
    assert ids and trip.reimported == len(ids)
    assert trip.changes == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_entries_without_a_title_come_back_each_as_itself(interop, tmp_path, fmt):
    """APA's test file has 38 title-less entries (four identical author-only books by B. Brown among
    them): each must come back as one paper, none merged into another as a duplicate."""
    from reader.importers.any_format import import_file
    from reader.importers.records import is_stand_in
    from reader.library import PaperQuery

    source = interop / "bibtex-with-truth" / "bbt__Import_error_with_character_in_BibTeX_field_name_2660.bib"
    with Library.open(tmp_path / "source") as library:
        import_file(library, source, extractor=lambda pdf: (_ for _ in ()).throw(OSError("no PDFs")))
        ids = [i for i in library.query_ids(PaperQuery(view="all")) if is_stand_in(library.paper(i).title)]
        trip = round_trip(library, ids, fmt, tmp_path)
    assert len(ids) >= 30 and trip.reimported == len(ids) and trip.unmatched == []
    assert trip.changes == []


@pytest.mark.parametrize("fmt", ["ris", "csljson"])
def test_a_suffix_written_without_a_comma_comes_back_without_one(library, tmp_path, fmt):
    """Better BibTeX's Unabbreviate file names "Casey Jr, HC": the library shows "HC Casey Jr", and RIS
    ("Casey Jr, HC") and CSL-JSON (no comma-suffix) give it back so; "Costa, Jr." keeps its comma."""
    paper = library.add_paper(PaperFields(title="GaN", authors=("HC Casey Jr", "M. H. Oliveira Jr.",
                                                                "P. T. Costa, Jr.", "GS Cargill III"), year=1999))
    trip = round_trip(library, [paper], fmt, tmp_path)
    assert trip.changes == []
