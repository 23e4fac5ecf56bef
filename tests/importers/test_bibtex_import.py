"""BibTeX import: fields, keywords, PDFs, duplicates, malformed entries; and the round trip."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.export.bibtex import export_bibtex
from reader.importers.bibtex import import_bibtex
from reader.library import Library, PaperFields

STANDARD = ["address", "annote", "author", "booktitle", "chapter", "doi", "edition", "editor", "howpublished",
            "institution", "isbn", "issn", "journal", "month", "note", "number", "organization", "pages",
            "publisher", "school", "series", "title", "type", "url", "volume", "year", "abstract", "keywords",
            "eprint", "archiveprefix"]

RICH = r"""@string{nips = "Advances in Neural Information Processing Systems"}

@inproceedings{vaswani2017attention,
  title = {Attention Is All You Need},
  author = {Vaswani, Ashish and Shazeer, Noam and Parmar, Niki},
  booktitle = nips,
  editor = {Guyon, I. and von Luxburg, U.},
  year = {2017},
  month = dec,
  pages = {5998--6008},
  volume = {30},
  publisher = {Curran Associates, Inc.},
  address = {Long Beach, CA},
  series = {NIPS'17},
  isbn = {9781510860964},
  note = {Oral},
  keywords = {NLP; Transformers},
  eprint = {1706.03762},
  archivePrefix = {arXiv},
  abstract = {The dominant sequence transduction models are based on {RNNs}.}
}

@article{muller2020,
  title = "{BERT} and M{\"u}ller's {\&} co: 50\% better",
  author = "M{\"u}ller, J{\"o}rg and {World Health Organization}",
  journal = {Journal of Things},
  volume = 12, number = {3}, pages = {1--10}, year = 2020,
  doi = {10.1000/xyz_123}, issn = {1234-5678}, url = {https://example.org/a_b?x=1},
  keywords = {ml, graphs}
}

@phdthesis{smith2019thesis,
  title = {On Things},
  author = {Smith, Jr., John},
  school = {MIT},
  year = 2019,
  type = {{PhD} dissertation},
  howpublished = {online},
  chapter = {3},
  edition = {2nd},
  institution = {CSAIL},
  organization = {ACM},
  annote = {annotated}
}
"""


def _write(tmp_path: Path, text: str, name: str = "refs.bib") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def library(library_home):
    lib = Library.open(library_home)
    yield lib
    lib.close()


def test_entries_become_papers_with_their_fields(library, tmp_path):
    report = import_bibtex(library, _write(tmp_path, RICH))
    assert [t for _, t in report.added] == ["Attention Is All You Need", "BERT and Müller's & co: 50% better",
                                            "On Things"]
    assert not report.problems and not report.duplicates
    first = library.paper(report.added[0][0])
    assert first.authors == ("Ashish Vaswani", "Noam Shazeer", "Niki Parmar")
    assert first.venue == "Advances in Neural Information Processing Systems" and first.year == 2017
    assert first.arxiv_id == "1706.03762" and set(first.tags) == {"NLP", "Transformers"}
    assert first.summary == "The dominant sequence transduction models are based on RNNs."
    second = library.paper(report.added[1][0])
    assert second.authors == ("Jörg Müller", "World Health Organization")
    assert second.doi == "10.1000/xyz_123" and second.url == "https://example.org/a_b?x=1"
    assert library.paper(report.added[2][0]).authors == ("John Smith, Jr.",)


def _fields_by_key(text: str) -> dict[str, tuple[str, dict[str, str]]]:
    import bibtexparser

    parsed = bibtexparser.parse_string(text)
    assert not parsed.failed_blocks
    return {e.key: (e.entry_type.lower(), {f.key.lower(): " ".join(str(f.value).split()) for f in e.fields})
            for e in parsed.entries}


def test_import_then_export_keeps_every_standard_field(library, tmp_path):
    import_bibtex(library, _write(tmp_path, RICH))
    exported = export_bibtex(library, library.query_ids()).text
    before, after = _fields_by_key(RICH), _fields_by_key(exported)
    assert set(after) == set(before)  # the citation keys survive too
    for key, (entry_type, fields) in before.items():
        assert after[key][0] == entry_type
        for name in STANDARD:
            if name in fields:
                assert after[key][1].get(name) == fields[name], (key, name)
    # and a second round trip through a fresh library gives the same file
    other = Library.open(tmp_path / "other")
    try:
        import_bibtex(other, _write(tmp_path, exported, "again.bib"))
        assert export_bibtex(other, other.query_ids()).text == exported
    finally:
        other.close()


def test_fields_edited_in_the_app_win_over_the_imported_text(library, tmp_path):
    report = import_bibtex(library, _write(tmp_path, RICH))
    paper_id = report.added[0][0]
    library.update_paper(paper_id, title="Attention & Friends", year=2018)
    library.add_tags([paper_id], ["Classic"])
    fields = _fields_by_key(export_bibtex(library, [paper_id]).text)["vaswani2017attention"][1]
    assert fields["title"] == r"Attention \& Friends" and fields["year"] == "2018"
    assert fields["keywords"] == "Classic, NLP, Transformers" and fields["pages"] == "5998--6008"


def test_malformed_entry_is_reported_with_its_line_and_the_rest_import(library, tmp_path):
    text = ("@article{good1, title = {First Good}, year = 2020}\n\n"
            "@article{broken,\n  title = {Never closed,\n  year = 2019,\n\n"
            "@article{good2, title = {Second Good}, year = 2021}\n"
            "@article{notitle, year = 2021}\n"
            "@misc{empty}\n")
    report = import_bibtex(library, _write(tmp_path, text))
    assert [t for _, t in report.added] == ["First Good", "Second Good", "[untitled] article, 2021"]
    assert any(p.startswith("line 3: malformed entry") for p in report.problems), report.problems
    assert any(p.startswith("line 8 (notitle)") and "no title" in p for p in report.problems)
    assert any(p.startswith("line 9 (empty)") and "empty" in p for p in report.problems)
    assert len(library.query_ids()) == 3


def test_duplicates_are_reported_not_added_twice(library, tmp_path):
    library.add_paper(PaperFields(title="Existing by DOI", doi="10.1000/ABC"))
    library.add_paper(PaperFields(title="Existing by arXiv", arxiv_id="2010.11929"))
    library.add_paper(PaperFields(title="Deep Residual Learning", year=2016))
    text = ("@article{a, title = {Other title}, doi = {https://doi.org/10.1000/abc}}\n"
            "@misc{b, title = {Other again}, eprint = {2010.11929v2}, archiveprefix = {arXiv}}\n"
            "@inproceedings{c, title = {Deep {Residual} Learning.}, year = 2016}\n"
            "@inproceedings{d, title = {Deep Residual Learning}, year = 2015}\n"
            "@misc{e, title = {New One}}\n@misc{f, title = {new one}}\n")
    report = import_bibtex(library, _write(tmp_path, text))
    assert [t for _, t in report.added] == ["Deep Residual Learning", "New One"]  # 2015 is another paper
    reasons = " ".join(report.duplicates)
    assert "same DOI" in reasons and "same arXiv id" in reasons and reasons.count("same title and year") == 2
    assert len(library.query_ids()) == 5


def test_file_fields_link_existing_pdfs(library, tmp_path, pdf_factory):
    pdf = pdf_factory("Linked Paper", pages=2)
    rel = Path("..") / pdf.parent.name / pdf.name
    folder = tmp_path / "bib"
    folder.mkdir()
    text = (f"@article{{linked, title = {{Linked Paper}}, file = {{:{rel}:PDF}}}}\n"
            f"@article{{missing, title = {{Missing PDF}}, file = {{:/no/such/file.pdf:PDF}}}}\n"
            f"@article{{again, title = {{Same PDF, other entry}}, file = {{{pdf}}}}}\n")
    report = import_bibtex(library, _write(folder, text), link_files_anywhere=True)  # the PDFs are beside bib/
    assert report.pdfs_linked == 1
    linked = library.paper(report.added[0][0])
    assert linked.pdf_path and library.pdf_file(linked.id).read_bytes() == pdf.read_bytes()
    assert linked.page_count == 2
    assert any("no PDF found" in p for p in report.problems)
    assert any("already in the library" in d for d in report.duplicates)


def test_unreadable_file_is_one_clear_error(library, tmp_path):
    from reader.importers.bibtex import BibtexImportError

    with pytest.raises(BibtexImportError, match="cannot be read"):
        import_bibtex(library, tmp_path / "nope.bib")
