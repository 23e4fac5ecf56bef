"""BibTeX and biblatex for papers the library knows only by its own fields: what LaTeX and biber read."""

from __future__ import annotations

import shutil
import subprocess

import bibtexparser
import pytest
from bibtexparser.middlewares import SeparateCoAuthors, SplitNameParts

from reader.export.biblatex import export_biblatex
from reader.export.bibstore import StoredEntry, save_entry
from reader.export.bibtex import export_bibtex
from reader.library import Library, PaperFields

SUFFIX_AND_ORGANISATION = PaperFields(
    title="Personality in adulthood: the $A_2$ factor in BERT", authors=("P. T. Costa, Jr.", "World Health Organization",
                                                                         "Ludwig van Beethoven"),
    year=1992, venue="Journal of Personality Assessment", doi="10.1207/s15327752jpa5901_1")


@pytest.fixture
def library(library_home):
    library = Library.open(library_home)
    yield library
    library.close()


def _entries(text: str) -> dict:
    parsed = bibtexparser.parse_string(text, append_middleware=[SeparateCoAuthors(), SplitNameParts()])
    assert not parsed.failed_blocks
    return {e.key: e for e in parsed.entries}


def test_suffixes_and_organisations_keep_their_name_parts(library):
    paper = library.add_paper(SUFFIX_AND_ORGANISATION)
    entry = next(iter(_entries(export_bibtex(library, [paper]).text).values()))
    costa, who, beethoven = entry["author"]
    assert (costa.last, costa.jr, costa.first) == (["Costa"], ["Jr."], ["P.", "T."])
    assert who.last == ["{World Health Organization}"] and who.first == []
    assert (beethoven.von, beethoven.last) == (["van"], ["Beethoven"])


def test_maths_in_a_title_stays_maths_and_other_specials_are_escaped(library):
    paper = library.add_paper(PaperFields(title="Costs of $5 and $10 for $A_2$ & 100% of #1", year=2020))
    text = export_bibtex(library, [paper]).text
    assert r"title = {Costs of \$5 and \$10 for {$A_2$} \& 100\% of \#1}" in text


@pytest.mark.parametrize(("venue", "arxiv", "entry_type", "venue_field"), [
    ("Journal of Personality Assessment", "", "article", "journal"),
    ("Nature", "", "article", "journal"),
    ("Proceedings of the National Academy of Sciences", "", "article", "journal"),
    ("NeurIPS", "", "inproceedings", "booktitle"),
    ("Proceedings of the 58th Annual Meeting of the ACL", "", "inproceedings", "booktitle"),
    ("", "2301.00001", "misc", None),
])
def test_entry_type_follows_the_venue(library, venue, arxiv, entry_type, venue_field):
    paper = library.add_paper(PaperFields(title="A paper", authors=("Ann Author",), year=2020, venue=venue,
                                          arxiv_id=arxiv))
    entry = next(iter(_entries(export_bibtex(library, [paper]).text).values()))
    assert entry.entry_type == entry_type
    if venue_field:
        assert entry[venue_field] == venue


def test_string_macros_and_preamble_of_an_imported_entry_are_written_back(library):
    paper = library.add_paper(PaperFields(title="Macro paper", year=2001, venue="Journal of Things"))
    fields = (("title", "{Macro paper}"), ("journal", "{Journal of Things}"), ("month", "jan"),
              ("year", "2001"))
    save_entry(library, paper, StoredEntry(
        "article", "macro2001", fields,
        {"title": "Macro paper", "authors": [], "year": 2001, "venue": "Journal of Things", "doi": "",
         "arxiv_id": "", "url": "", "summary": "", "tags": []}, "journal",
        unresolved=(("journal", "jnl"),), macros=(("jnl", '"Journal of Things"'),),
        preambles=(r'"\newcommand{\noopsort}[1]{}"',)))
    text = export_bibtex(library, [paper]).text
    assert text.startswith('@preamble{"\\newcommand{\\noopsort}[1]{}"}\n')
    assert '@string{jnl = "Journal of Things"}' in text and "journal = jnl," in text
    assert bibtexparser.parse_string(text).entries[0]["journal"] == "Journal of Things"

    library.update_paper(paper, venue="Journal of Other Things")  # edited: the macro no longer says it
    text = export_bibtex(library, [paper]).text
    assert "journal = {Journal of Other Things}" in text


def test_biblatex_uses_biblatex_fields_and_utf8(library):
    paper = library.add_paper(PaperFields(title="Über café", authors=("Zoë Müller",), year=2023,
                                          arxiv_id="2301.00001"))
    entry = next(iter(_entries(export_biblatex(library, [paper]).text).values()))
    assert entry.entry_type == "online" and entry["eprinttype"] == "arxiv" and entry["date"] == "2023"
    assert entry["title"] == "Über café" and entry["author"][0].last == ["Müller"]


@pytest.mark.skipif(shutil.which("biber") is None, reason="biber is not installed (apt-get install biber)")
def test_biber_validates_the_biblatex_export(library, tmp_path):
    ids = [library.add_paper(SUFFIX_AND_ORGANISATION),
           library.add_paper(PaperFields(title="Preprint", authors=("Zoë Müller",), year=2023, arxiv_id="2301.00001")),
           library.add_paper(PaperFields(title="Conf", authors=("A B",), year=2019, venue="ICML"))]
    bib = tmp_path / "refs.bib"
    export_biblatex(library, ids, bib)
    result = subprocess.run(["biber", "--tool", "--validate-datamodel", "--output-file", "checked.bib", "refs.bib"],
                            cwd=tmp_path, capture_output=True, text=True, check=False, timeout=60)
    problems = [line for line in result.stdout.splitlines() if line.startswith(("WARN", "ERROR"))]
    assert result.returncode == 0 and problems == []


@pytest.mark.skipif(shutil.which("pdflatex") is None or shutil.which("bibtex") is None,
                    reason="LaTeX is not installed (apt-get install texlive-latex-base)")
def test_latex_and_bibtex_print_the_names_and_maths_as_meant(library, tmp_path):
    paper = library.add_paper(SUFFIX_AND_ORGANISATION)
    export_bibtex(library, [paper], tmp_path / "refs.bib")
    (tmp_path / "doc.tex").write_text("\\documentclass{article}\\begin{document}\\nocite{*}"
                                      "\\bibliographystyle{plain}\\bibliography{refs}\\end{document}\n")
    for command in (["pdflatex", "-interaction=nonstopmode", "doc"], ["bibtex", "doc"],
                    ["pdflatex", "-interaction=nonstopmode", "doc"]):
        result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False, timeout=120)
        assert result.returncode == 0, result.stdout[-2000:]
    bbl = " ".join((tmp_path / "doc.bbl").read_text().split())
    assert "P.~T. Costa, Jr., {World Health Organization}, and Ludwig van Beethoven" in bbl
    assert "the {$A_2$} factor in {BERT}" in bbl


def test_an_imported_entry_without_a_title_gets_no_made_up_one(library, tmp_path):
    from reader.importers.bibtex import import_bibtex

    bib = tmp_path / "in.bib"
    bib.write_text("@book{b1, author = {A. A. Author}, date = {2014}}\n"
                   "@book{b2, author = {A. A. Author and B. B. Author}, date = {2014}}\n", encoding="utf-8")
    import_bibtex(library, bib)
    text = export_bibtex(library, [1, 2]).text
    assert "title" not in text and text.count("@book{") == 2


def test_a_lone_brace_from_an_imported_file_does_not_end_the_entry_early(library, tmp_path):
    """Citavi wrote ``de Waa\\}`` inside an annotation; BibTeX counts that brace, so written back as it
    came the field ended there and biber skipped the rest of the entry with a syntax error."""
    from reader.export.latex import balanced
    from reader.importers.bibtex import import_bibtex

    bib = tmp_path / "in.bib"
    bib.write_text("@article{k, title = {Human rights}, annote = {what Alex de Waa\\} has termed},"
                   " journal = {J}, year = 2000}\n", encoding="utf-8")
    import_bibtex(library, bib)
    text = export_bibtex(library, [1], tmp_path / "refs.bib").text
    assert "annote = {what Alex de Waa\\textbraceright{} has termed}" in text
    assert balanced(text)
    if shutil.which("biber"):
        result = subprocess.run(["biber", "--tool", "--validate-datamodel", "--output-file", "out.bib", "refs.bib"],
                                cwd=tmp_path, capture_output=True, text=True, check=False, timeout=60)
        assert "ERROR" not in result.stdout


def test_macro_parts_give_an_importer_what_export_needs_to_write_string_macros_back(library):
    from reader.export.bibstore import macro_parts

    raw = [("Journal", "jnl"), ("month", "jan"), ("note", 'other # " and more"'), ("title", "{Macro paper}"),
           ("publisher", "undefinedmacro")]
    unresolved, macros = macro_parts(raw, {"jnl": '"Journal of Things"', "other": "Other"})
    assert unresolved == (("journal", "jnl"), ("month", "jan"), ("note", 'other # " and more"'))
    assert macros == (("jnl", '"Journal of Things"'), ("other", "{Other}"))

    paper = library.add_paper(PaperFields(title="Macro paper", year=2001, venue="Journal of Things"))
    fields = (("title", "{Macro paper}"), ("journal", "{Journal of Things}"), ("month", "{January}"),
              ("note", "{Other and more}"))
    save_entry(library, paper, StoredEntry(
        "article", "m1", fields, {"title": "Macro paper", "authors": [], "year": 2001, "venue": "Journal of Things",
                                  "doi": "", "arxiv_id": "", "url": "", "summary": "", "tags": []},
        "journal", unresolved=unresolved, macros=macros))
    text = export_bibtex(library, [paper]).text
    assert '@string{jnl = "Journal of Things"}' in text and "@string{other = {Other}}" in text
    assert "journal = jnl," in text and "month = jan," in text and 'note = other # " and more"' in text
    from reader.importers.bibtex import (
        parse_bibtex,  # resolves "#" joins, as BibTeX does
    )

    (entry,), _ = parse_bibtex(text)
    assert entry.raw("journal") == "{Journal of Things}" and entry.raw("note") == "{Other and more}"


# @string macros and @preamble, from the real files that have them ---------------------------

def _corpus(relative: str):
    from tests.conftest import REPO

    path = REPO.parent / "shared" / "corpus" / "interop" / relative
    if not path.is_file():
        pytest.skip(f"shared interop corpus not found at {path}")
    return path


def _biber_problems(folder) -> list[str]:
    result = subprocess.run(["biber", "--tool", "--validate-datamodel", "--output-file", "checked.bib", "refs.bib"],
                            cwd=folder, capture_output=True, text=True, check=False, timeout=120)
    assert result.returncode == 0, result.stdout[-2000:]
    return [line for line in result.stdout.splitlines() if line.startswith(("WARN", "ERROR"))]


@pytest.mark.parametrize("export", [export_bibtex, export_biblatex])
def test_jabrefs_string_macros_are_written_back_and_biber_reads_every_author(library, tmp_path, export):
    """twente.bib names each of ten authors by a macro, joined with ``#``: the export writes the
    macros and the join as the file had them, and biber resolves them to the same ten people."""
    from reader.importers.any_format import import_file

    import_file(library, _corpus("bibtex/jabref-twente.bib"))
    text = export(library, [1], tmp_path / "refs.bib").text
    assert "@string{arvind = {Arvind}}" in text and "@string{wawrzynek = {Wawrzynek, John}}" in text
    assert "author = Patterson # { and } # Arvind # { and } #" in text
    from reader.importers.bibtex import parse_bibtex, split_authors

    (entry,), _ = parse_bibtex(text)
    assert split_authors(entry.raw("author")) == library.paper(1).authors and len(library.paper(1).authors) == 10
    if shutil.which("biber") is None:
        return
    assert not [line for line in _biber_problems(tmp_path) if "ERROR" in line or "macro" in line]
    checked = (tmp_path / "checked.bib").read_text(encoding="utf-8")
    assert checked.count(" and ") >= 9 and "Wawrzynek, John" in checked


def test_an_edited_author_list_is_written_resolved_and_the_macros_it_no_longer_uses_are_left_out(library):
    from reader.importers.any_format import import_file

    import_file(library, _corpus("bibtex/jabref-twente.bib"))
    library.update_paper(1, authors=("David Patterson",))
    text = export_bibtex(library, [1]).text
    assert "author = {Patterson, David}" in text and "@string" not in text
    assert "month = aug" in text  # BibTeX's own month macro, untouched: still written as one


def test_a_preamble_that_defines_a_command_an_entry_uses_is_written_back(library, tmp_path):
    """Better BibTeX's test file defines ``\\ocirc`` in its ``@preamble`` and uses it in an author's name."""
    from reader.importers.any_format import import_file

    source = _corpus("bibtex-with-truth/bbt__BibTeX_import_preamble_with_def_create_problems_732.bib")
    import_file(library, source)
    text = export_bibtex(library, [1], tmp_path / "refs.bib").text
    assert text.startswith('@preamble{"\\def\\ocirc#1{\\ifmmode')
    assert "Franc{\\ocirc{u}}" in text
    parsed = bibtexparser.parse_string(text)
    assert not parsed.failed_blocks and len(parsed.preambles) == 1 and len(parsed.entries) == 1
    if shutil.which("biber"):
        assert not [line for line in _biber_problems(tmp_path) if "ERROR" in line]
