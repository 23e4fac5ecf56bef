"""Fuzzing the BibTeX importer and the Markdown exporter: any input, a result or a clear error.

Also the security property of export: whatever a title, author or tag holds
(``../``, absolute paths, reserved device names, NUL), every written file stays
inside the target folder.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.errors import ReaderError
from reader.library import AnnotationFields, Library, PaperFields

bibtex = pytest.importorskip("reader.importers.bibtex")
markdown = pytest.importorskip("reader.export.markdown")

BIB_PIECES = ["@article{", "@misc{", "@string{", "@comment{", "@preamble{", "}", "{", ",", "=", '"', "#",
              "title", "author", "year", "file", " and ", "\\'e", "{\\\"o}", "\\", "%", "\n", "@", "key1",
              "../../etc/passwd", "\x00", "\udcff", "ö"]
bib_text = st.one_of(st.text(max_size=300), st.lists(st.one_of(st.sampled_from(BIB_PIECES), st.text(max_size=6)),
                                                     max_size=60).map("".join))
HOSTILE = ["../../escape", "/etc/passwd", "..", ".", "con", "NUL", "a/b\\c", "\x00", "-" * 300, "tit:le?*<>|",
           "…" * 100, "\u202e gnp.exe", " ", ""]
names = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40))


@pytest.mark.timeout(120)
@settings(max_examples=300, deadline=None)
@given(text=bib_text)
def test_any_bibtex_text_parses_or_reports(text):
    entries, problems = bibtex.parse_bibtex(text)
    assert all(isinstance(p, str) for p in problems)
    for entry in entries:
        try:
            bibtex.entry_to_fields(entry)
        except ReaderError:
            pass


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    lib = Library.open(tmp_path_factory.mktemp("export") / "library")
    yield lib
    lib.close()


@pytest.mark.timeout(180)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=names, author=names, tag=names, note=st.text(max_size=200), year=st.one_of(st.none(), st.integers(0, 9999)))
def test_exported_names_never_escape_the_target_folder(library, tmp_path_factory, title, author, tag, note, year):
    clean_tag = " ".join(tag.split())
    pid = library.add_paper(PaperFields(title=title, authors=(author,) if author.strip() else (), year=year,
                                        tags=(clean_tag,) if clean_tag else ()))
    library.add_note(pid, note)
    library.add_annotation(pid, AnnotationFields("area", 1, (0, 0, 10, 10), comment=title, image=b"\x89PNG"))
    out = tmp_path_factory.mktemp("vault")
    before = set(out.parent.iterdir())
    try:
        markdown.export_markdown(library, [pid], out)
    except ReaderError:
        return
    written = [p for p in out.rglob("*") if p.is_file()]
    assert written
    for path in written:
        assert path.resolve().is_relative_to(out.resolve())
    assert set(out.parent.iterdir()) == before
