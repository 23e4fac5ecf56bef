"""Property-based fuzzing: no text typed into the search box can make a query raise.

``parse_query`` must always produce something FTS5 accepts, and the façade's
``query_ids``/``count`` must answer (possibly nothing) for any string, including
FTS5 syntax, quotes, NUL, lone surrogates (from undecodable command-line bytes)
and thousands of filters.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.library import Library, PaperFields, PaperQuery
from reader.library.search import parse_query

EXAMPLES = 400
SPECIAL = ['"', "*", "(", ")", "NEAR", "AND", "OR", "NOT", "-", "+", ":", "^", "{", "}", "tag:", "status:",
           "year:", "year:>=2020", "year:<1", 'tag:"two words"', "\x00", "\udcff", "\ud800", "é", "🙂", "\\"]
tokens = st.one_of(st.sampled_from(SPECIAL), st.text(max_size=12),
                   st.text(alphabet=st.characters(codec=None, min_codepoint=0, max_codepoint=0x10FFFF), max_size=8))
queries = st.one_of(
    st.text(max_size=200),
    st.lists(tokens, max_size=30).map(" ".join),
    st.lists(tokens, max_size=30).map("".join),
)


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    lib = Library.open(tmp_path_factory.mktemp("fuzz") / "library")
    lib.add_paper(PaperFields(title="Attention is all you need", authors=("Vaswani",), year=2017, tags=("nlp",)))
    lib.add_paper(PaperFields(title="Déjà vu: “quoted” NEAR AND OR", year=2020, tags=("two words",)))
    yield lib
    lib.close()


@pytest.mark.timeout(120)
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=queries)
def test_any_search_text_parses_and_queries(library, text):
    parsed = parse_query(text)
    assert isinstance(parsed.fts, str)
    ids = library.query_ids(PaperQuery(text=text))
    assert library.count(PaperQuery(text=text)) == len(ids)
    assert set(ids) <= {1, 2}


@pytest.mark.timeout(60)
@pytest.mark.parametrize("text", [
    " ".join(["tag:x"] * 3000), " ".join(["year:2020"] * 3000), " ".join(["status:read"] * 3000),
    " ".join(f"w{n}" for n in range(5000)), "a" * 100_000, '"' * 5000, "tag:" + "\udcff" * 10,
    "status:\x00", "\ud800 attention",
])
def test_pathological_search_text(library, text):
    library.query_ids(PaperQuery(text=text))
    library.count(PaperQuery(text=text), at_most=10)
