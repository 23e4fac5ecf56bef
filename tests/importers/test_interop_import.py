"""Importing other tools' bibliographies (issue 14), each finding shown with the real file it came from.

Files come from ``../shared/corpus/interop`` (JabRef, Better BibTeX, biblatex, python-bibtexparser
test files); when a test needs a file under another name, it copies it into ``tmp_path``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reader.importers import detect
from reader.importers.any_format import import_file, preview_file
from reader.importers.bibtex import parse_bibtex
from reader.importers.dedupe import DuplicateIndex, clean_doi
from reader.importers.detect import UnknownFormatError
from reader.library import Library, PaperFields, PaperQuery
from tests.test_cli import run


def _papers(library: Library):
    return [library.paper(i) for i in sorted(library.query_ids(PaperQuery(view="all")))]


@pytest.fixture
def library(library_home):
    with Library.open(library_home) as lib:
        yield lib


# Finding 1: the format comes from the content, and anything else is refused ----------------

def test_a_ris_file_named_txt_becomes_its_record_not_one_junk_paper_per_line(interop, library_home, tmp_path):
    renamed = tmp_path / "science-export.txt"
    shutil.copy(interop / "ris" / "RisImporterTestScience.ris", renamed)
    result = run(library_home, "import", str(renamed))
    assert len(result.stdout.split()) == 1
    assert "1 RIS entry found" in result.stderr
    with Library.open(library_home) as lib:
        (paper,) = _papers(lib)
    assert paper.title.startswith("Phase separation and ω transformation in binary V-Ti")
    assert paper.authors == ("Chanchal Ghosh", "Joysurya Basu", "Divakar Ramachandran", "E. Mohandas")
    assert (paper.year, paper.doi, paper.venue) == (2016, "10.1016/j.actamat.2016.09.028", "Acta Materialia")


def test_csl_json_and_better_bibtex_json_give_one_paper_per_item(interop, library):
    csl = interop / "csl-json" / "bbt__Date_export_to_Better_CSL-JSON_360_811.csl.json"
    report = import_file(library, csl)
    assert (report.format, report.found, len(report.added)) == (detect.CSL_JSON, 15, 15)
    titles = {p.title for p in _papers(library)}
    assert "EDTF date range, circa begin & end: 2011-05-25~/2012-06-26~" in titles

    zotero = interop / "csl-json" / "bbt__Pandoc-LaTeX-SCHOMD_Citation_Export.zotero.json"
    assert preview_file(zotero).format == detect.ZOTERO_JSON
    before = len(_papers(library))
    report = import_file(library, zotero)
    assert len(_papers(library)) - before == len(report.added) == 4
    assert any(p.title.startswith("The Gospel according to St. Matthew, from the St. Germain ms. (g1)")
               for p in _papers(library))  # Zotero's <sub> markup removed


def test_a_pdf_is_refused_with_one_line_and_nothing_created(corpus, library_home):
    pdf = next(corpus.rglob("*.pdf"))
    result = run(library_home, "import", str(pdf), check=False)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "is not a bibliography we can read" in result.stderr
    assert result.stdout == ""
    with Library.open(library_home) as lib:
        assert _papers(lib) == []


def test_a_ris_file_without_any_record_start_is_refused(interop, library):
    with pytest.raises(UnknownFormatError, match="no record starts with a TY line"):
        import_file(library, interop / "ris" / "RisImporterCorrupted.ris")
    assert _papers(library) == []


def test_source_code_is_refused_rather_than_read_as_a_list_of_titles(library, tmp_path):
    from reader import cli

    code = tmp_path / "notes.txt"
    code.write_text(Path(cli.__file__).read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(UnknownFormatError, match="notes.txt is not a bibliography"):
        import_file(library, code)
    assert _papers(library) == []


def test_a_list_of_dois_arxiv_ids_links_and_titles_is_still_a_list(library, tmp_path):
    listing = tmp_path / "to-read.txt"
    listing.write_text("Attention Is All You Need\n10.1002/(SICI)1096-987X(199803)19:4<377::AID-JCC1>3.0.CO;2-P\n"
                       "arXiv:1810.04805\nhttps://openreview.net/forum?id=rJ4km2R5t7\n", encoding="utf-8")
    report = import_file(library, listing)
    assert (report.format, len(report.added)) == (detect.PLAIN_LIST, 4)
    papers = _papers(library)
    assert papers[1].doi == "10.1002/(SICI)1096-987X(199803)19:4<377::AID-JCC1>3.0.CO;2-P"
    assert papers[2].arxiv_id == "1810.04805"


# Finding 2: DOIs with < and > are whole; different DOIs are different papers ---------------

def test_a_sici_doi_with_angle_brackets_is_kept_whole(interop):
    entries, _ = parse_bibtex((interop / "bibtex-with-truth" / "bbt__Unabbreviate_on_import_1436-1.bib")
                              .read_text(encoding="utf-8"))
    raw = next(e.raw("doi") for e in entries if "SICI" in e.raw("doi"))
    assert clean_doi(raw) == "10.1002/(SICI)1521-396X(199901)171:1<325::AID-PSSA325>3.0.CO;2-1"
    assert clean_doi("10.1002/(SICI)1096-987X(199803)19:4<377::AID-JCC1>3.0.CO;2-P") == \
        "10.1002/(SICI)1096-987X(199803)19:4<377::AID-JCC1>3.0.CO;2-P"
    assert clean_doi("<https://doi.org/10.1234/abc>") == "10.1234/abc"


def test_same_arxiv_id_but_different_dois_are_two_papers(library):
    journal = PaperFields(title="Deep Sets", arxiv_id="1703.06114", doi="10.5555/3294996.3295098", year=2017)
    library.add_paper(journal)
    index = DuplicateIndex.from_library(library)
    workshop = PaperFields(title="Deep Sets (workshop)", arxiv_id="1703.06114", doi="10.48550/arXiv.1703.06114")
    assert index.find(workshop) is None
    assert index.find(PaperFields(title="Deep Sets", arxiv_id="1703.06114v2")) is not None


# Finding 3: @string macros joined with # ---------------------------------------------------

def test_string_macros_joined_with_hash_give_every_author(interop, library):
    import_file(library, interop / "bibtex" / "jabref-twente.bib")
    (paper,) = [p for p in _papers(library) if "Arvind" in p.authors]
    assert len(paper.authors) == 10
    assert paper.authors[0] == "David Patterson" and paper.authors[-1] == "John Wawrzynek"
    assert not any("#" in name for name in paper.authors)


def test_a_macro_joined_to_text_keeps_the_publisher(interop):
    entries, _ = parse_bibtex((interop / "bibtex" / "biblatex-biblatex-examples.bib").read_text(encoding="utf-8"))
    source = (interop / "bibtex" / "biblatex-biblatex-examples.bib").read_text(encoding="utf-8")
    joined = source.count("publisher    = dtv # { and Walter de Gruyter}")
    publishers = [e.raw("publisher") for e in entries if "Taschenbuch" in e.raw("publisher")]
    assert joined >= 2 and publishers.count("{Deutscher Taschenbuch-Verlag and Walter de Gruyter}") == joined


# Finding 4: empty and repeated citation keys keep their entries ----------------------------

def test_citavi_entries_with_empty_keys_are_all_imported(interop, library):
    path = interop / "bibtex" / "jabref-CitaviXmlImporterTest2.bib"
    holds = path.read_text(encoding="utf-8").count("\n@") + path.read_text(encoding="utf-8").startswith("@")
    report = import_file(library, path)
    assert report.found == holds and holds > 50
    assert len(report.added) + len(report.duplicates) == holds
    assert not any("used twice" in line for line in report.problems)


# Finding 6: smaller losses ---------------------------------------------------------------

def test_journaltitle_is_the_venue_and_date_the_year(interop, library):
    path = interop / "bibtex" / "biblatex-biblatex-examples.bib"
    with_journaltitle = [e for e in parse_bibtex(path.read_text(encoding="utf-8"))[0] if e.raw("journaltitle")]
    import_file(library, path)
    venues = {p.venue for p in _papers(library)}
    assert len(with_journaltitle) >= 15
    assert "Revue d'Histoire Ecclésiastique" in venues
    assert "Theory and Applications of Categories" in venues
    assert all(p.year for p in _papers(library) if p.venue == "Theory and Applications of Categories")


def test_a_crossref_child_inherits_its_books_year_and_title_as_venue(interop, library):
    report = import_file(library, interop / "bibtex-with-truth" /
                         "bbt__Child_items_that_use_the_crossref_field_do_not_have_their_parent_fields_imported_2373.bib")
    (chapter,) = [p for p in _papers(library) if p.title == "Lebanon"]  # the file gives it twice, same authors
    assert chapter.year == 2004
    assert chapter.venue == "Global Civil Society: Dimensions of the Nonprofit Sector"
    assert any("'Lebanon' is already in the library" in line for line in report.duplicates)


def test_a_gbk_file_is_read_as_chinese_and_says_its_encoding_was_guessed(interop, library):
    report = import_file(library, interop / "bibtex" / "python-b-gbk_test.bib")
    (paper,) = _papers(library)
    assert paper.authors == ("凯撒",) and paper.venue == "测试期刊"
    assert any("gb18030" in note for note in report.notes)


def test_simple_maths_in_titles_is_unicode_not_dropped(interop, library):
    import_file(library, interop / "bibtex" / "jabref-jabref-authors.bib")
    titles = {p.title for p in _papers(library)}
    assert "Pipelined Radix-2ᵏ Feedforward FFT Architectures" in titles


def test_an_entry_with_a_repeated_field_is_imported_with_the_first_value(interop, library):
    path = interop / "bibtex-with-truth" / "bbt__BBT_Zotfile_creating_duplicate_files_in_the_wrong_location_2300.bib"
    report = import_file(library, path)
    titles = {p.title for p in _papers(library)}
    assert "The Cambridge History of Seventeenth-Century Philosophy" in titles
    assert any("given more than once; the first value was kept" in line for line in report.problems)
    assert not any("malformed" in line for line in report.problems)


def test_jabref_groups_become_tags(interop, library):
    import_file(library, interop / "bibtex" / "jabref-complex.bib")
    tagged = {tag for p in _papers(library) for tag in p.tags}
    assert {"TestOne", "TestTwo", "StaticGroup"} <= tagged


def test_a_mendeley_path_without_its_leading_slash_is_found(corpus, library, tmp_path):
    pdf = next((corpus / "papers").rglob("*.pdf"))
    copied = tmp_path / "papers" / "paper.pdf"
    copied.parent.mkdir()
    shutil.copy(pdf, copied)
    bib = tmp_path / "papers" / "mendeley.bib"
    mendeley_path = str(copied).lstrip("/").replace(":", "\\:")
    bib.write_text("@article{mendeley2020,\n  title = {A Mendeley Paper},\n  year = {2020},\n"
                   f"  file = {{:{mendeley_path}:pdf}}\n}}\n", encoding="utf-8")
    report = import_file(library, bib, extractor=lambda path: __import__(
        "reader.importers.pdf_files", fromlist=["default_extractor"]).default_extractor(path))
    assert report.pdfs_linked == 1
    (paper,) = _papers(library)
    assert library.pdf_file(paper.id) is not None


# One transaction, and the whole corpus -------------------------------------------------

def test_cancelling_a_csl_json_import_part_way_adds_none_of_it(interop, library):
    csl = interop / "csl-json" / "bbt__Date_export_to_Better_CSL-JSON_360_811.csl.json"
    seen = []
    report = import_file(library, csl, progress=lambda done, total, title: seen.append(done),
                         is_cancelled=lambda: len(seen) >= 7)
    assert report.cancelled and len(seen) == 7
    assert report.added == [] and _papers(library) == []


@pytest.mark.slow
def test_the_interop_corpus_imports_without_junk_and_with_exact_author_lists(interop):
    from benchmarks.interop import run_import

    total = run_import(interop)["all"]
    assert total.junk == 0
    assert total.found / total.expected >= 0.99
    good, checked = total.checks["authors"]
    assert checked > 900 and good / checked >= 0.98
    assert total.refused == 1  # RisImporterCorrupted.ris, which has no TY line


def test_one_key_for_two_different_works_and_mendeley_tags_keep_both_entries(library, tmp_path):
    # As in JabRef's files: Schank:80 is an @article and a different @techreport; Mendeley tags its entries.
    bib = tmp_path / "library.bib"
    bib.write_text("@article{Schank:80,\n  author = {Roger C. Schank},\n  title = {Language and Memory},\n"
                   "  journal = {Cognitive Science},\n  year = {1980},\n  mendeley-tags = {memory,NLU}\n}\n\n"
                   "@techreport{Schank:80,\n  author = {Roger C. Schank},\n  title = {Reminding and Memory "
                   "Organization},\n  institution = {Yale University},\n  year = {1980}\n}\n", encoding="utf-8")
    report = import_file(library, bib)
    assert [title for _, title in report.added] == ["Language and Memory", "Reminding and Memory Organization"]
    assert set(_papers(library)[0].tags) == {"memory", "NLU"}


def test_a_ris_file_of_many_records_gives_one_paper_each_with_its_line(interop, library, tmp_path):
    names = ["RisImporterTest3", "RisImporterTest6", "RisImporterTest9", "RisImporterTestDOI", "RisImporterTestScopus",
             "RisImporterTestScience", "RisImporterTest5a", "RisImporterTestWithEmptyER"]
    combined = tmp_path / "export.ris"
    combined.write_text("\n".join((interop / "ris" / f"{n}.ris").read_text(encoding="utf-8-sig") for n in names),
                        encoding="utf-8")
    report = import_file(library, combined)
    assert (report.format, report.found) == (detect.RIS, len(names))
    assert len(report.added) + len(report.duplicates) == len(names)
    titles = [p.title for p in _papers(library)]
    assert not any(t.startswith(("TY", "\ufeff")) or not t.strip() for t in titles)


def test_name_suffixes_stay_suffixes_in_bibtex_and_in_ris_order(interop, library):
    import_file(library, interop / "bibtex" / "jabref-complex.bib")
    (paper,) = [p for p in _papers(library) if "Eric von Hippel" in p.authors]
    # The file writes "Reagle, Jr., Joseph M." (BibTeX's order) and "Sherry, John F., Jr." (the suffix last).
    assert paper.authors[1:3] == ("Joseph M. Reagle, Jr.", "John F. Sherry, Jr.")
    from reader.importers.records import display_name

    assert display_name("Costa, P. T., Jr.") == "P. T. Costa, Jr."  # RIS: Last, First, Suffix


# Entries without a title: added under a marked stand-in made from what they have -------------

APA = "bibtex-with-truth/bbt__Import_error_with_character_in_BibTeX_field_name_2660.bib"


def test_title_less_entries_get_a_marked_stand_in_and_none_is_lost(interop, library):
    """APA's test file has six @constitution entries with no title, author, date or link; Zotero
    imports them, so do we, each under a title that tells it apart and says it is made up."""
    report = import_file(library, interop / APA)
    titles = [p.title for p in _papers(library)]
    constitutions = [t for t in titles if t.startswith("[untitled] constitution")]
    assert "[untitled] constitution, us, I, 3" in constitutions
    assert "[untitled] constitution, southcarolina, IX, 3" in constitutions
    assert len(constitutions) == 6
    assert any("(11.9:23): the entry has no title; it was added as '[untitled] constitution, us, I, 3'" in p
               for p in report.problems)
    # four author-only books by B. Brown with nothing else: four papers, not one and three "duplicates"
    browns = [p for p in _papers(library) if p.authors == ("B. Brown",)]
    assert len(browns) == 4 and all(p.title == "[untitled] book" for p in browns)
    # a commented-out copy of an entry (%@ARTICLE{…, %  TITLE = …) is not an entry of its own
    assert not any(t == "[untitled] article" for t in titles)


def test_entries_with_nothing_but_a_month_are_kept_and_an_empty_one_is_refused(interop, library, tmp_path):
    import_file(library, interop / "bibtex" / "jabref-articleWithMonths.bib")
    assert [p.title for p in _papers(library)] == ["[untitled] article", "[untitled] article"]
    empty = tmp_path / "empty.bib"
    empty.write_text("@misc{nothing}\n", encoding="utf-8")
    report = import_file(library, empty)
    assert report.added == [] and report.problems == ["line 1 (nothing): the entry is empty and was skipped."]


def test_a_made_up_title_alone_never_makes_a_duplicate(library):
    from reader.importers.records import stand_in_title

    index = DuplicateIndex()
    brown = PaperFields(title=stand_in_title("book"), authors=("B. Brown",))
    index.add(-1, brown)  # an earlier entry of the same file
    assert index.find(brown) is None
    index.add(1, brown)  # a paper of the library
    assert index.find(brown) is not None  # the same in every field: the file imported again
    assert index.find(PaperFields(title=stand_in_title("book"), authors=("C. Brown",))) is None
    assert index.find(PaperFields(title=stand_in_title("book"), authors=("B. Brown",), year=2001)) is None
    index.add(2, PaperFields(title=stand_in_title("book"), doi="10.1/x"))
    assert index.find(PaperFields(title="Another", doi="10.1/X")) is not None  # a DOI still says "the same"


# PDFs linked from Better BibTeX JSON attachments and RIS L1 ---------------------------------

SCHOMD = "csl-json/bbt__Pandoc-LaTeX-SCHOMD_Citation_Export.zotero.json"


def test_a_zotero_attachment_beside_the_file_is_copied_in_by_hash(interop, library, tmp_path, pdf_factory):
    """Better BibTeX's SCHOMD export links attachments/Adams_Huaynaputina.pdf to the volcanology article."""
    export = tmp_path / "export" / "library.json"
    export.parent.mkdir()
    shutil.copy(interop / SCHOMD, export)
    (export.parent / "attachments").mkdir()
    shutil.copy(pdf_factory("The physical volcanology of the 1600 eruption"),
                export.parent / "attachments" / "Adams_Huaynaputina.pdf")
    report = import_file(library, export)
    with_pdf = [p for p in _papers(library) if p.pdf_path]
    assert report.pdfs_linked == 1 and len(with_pdf) == 1 and "Huaynaputina" in with_pdf[0].title
    assert library.pdf_file(with_pdf[0].id).is_file() and len(_papers(library)) == 4


def test_a_zotero_attachment_that_is_not_there_is_reported_and_the_paper_kept(interop, library):
    report = import_file(library, interop / SCHOMD)
    assert len(_papers(library)) == 4 and not any(p.pdf_path for p in _papers(library))
    assert any("no PDF found at 'attachments/Adams_Huaynaputina.pdf'" in line for line in report.problems)


def test_ris_l1_links_copy_a_pdf_beside_the_file_and_leave_one_elsewhere_unless_allowed(interop, library_home,
                                                                                      tmp_path, pdf_factory):
    """EndNote and Mendeley write a record's PDF as ``L1  - file:///…``; rispy keeps only one L1 unless told."""
    elsewhere = pdf_factory("Elsewhere")
    folder = tmp_path / "export"
    folder.mkdir()
    shutil.copy(pdf_factory("Beside"), folder / "beside.pdf")
    text = (interop / "ris" / "RisImporterTestScopus.ris").read_text(encoding="utf-8-sig")
    science = (interop / "ris" / "RisImporterTestScience.ris").read_text(encoding="utf-8-sig")
    ris = folder / "two.ris"
    ris.write_text(text.replace("ER  -", "L1  - missing.pdf\nL1  - beside.pdf\nER  -", 1)
                   + "\n" + science.replace("ER  -", f"L1  - file://{elsewhere}\nER  -", 1), encoding="utf-8")
    with Library.open(library_home) as library:
        report = import_file(library, ris)
        assert report.pdfs_linked == 1 and sum(bool(p.pdf_path) for p in _papers(library)) == 1
        assert any(f"its PDF {elsewhere} is outside the bibliography's folder" in line for line in report.problems)
    with Library.open(tmp_path / "second") as library:
        report = import_file(library, ris, link_files_anywhere=True)
        assert report.pdfs_linked == 2


def test_ris_continuation_lines_belong_to_the_line_before(interop, library):
    """JabRef's RisImporterTest1.ris: ``A1  - Harrison, Warren`` continues on the next two lines."""
    import_file(library, interop / "ris" / "RisImporterTest1.ris")
    (paper,) = _papers(library)
    assert paper.authors == ("Cocke", "Warren Levenshtein Morris Harrison")


def test_importing_the_same_title_less_entries_again_adds_none_twice(interop, library):
    first = import_file(library, interop / APA)
    again = import_file(library, interop / APA)
    assert again.added == [] and len(again.duplicates) == len(first.added) + len(first.duplicates)
    assert any("'[untitled] book' is already in the library" in line and "the same in every field" in line
               for line in again.duplicates)
