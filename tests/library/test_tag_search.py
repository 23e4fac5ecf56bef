"""A tag narrowing typed words finds exactly the papers with that tag (issue 17 made it narrow inside FTS5)."""

from __future__ import annotations

import pytest

from reader.library import Library, PaperFields, PaperQuery

TAGS = {
    1: ("Reinforcement learning",),
    2: ("Reinforcement", "learning"),  # both words, as two tags: not the tag "Reinforcement learning"
    3: ("C++",),
    4: ("C",),
    5: ("++",),  # no word in it at all
    6: ("Über",),
    7: ('say "hi"',),
    8: ("nlp tools", "NLP"),
    9: (),
}


@pytest.fixture
def library(library_home):
    with Library.open(library_home) as library:
        for number in sorted(TAGS):
            library.add_paper(PaperFields(title=f"Graph paper {number}", tags=TAGS[number]))
        yield library


def _titles(library, query: PaperQuery) -> set[str]:
    return {library.paper(i).title for i in library.query_ids(query)}


@pytest.mark.parametrize(("tag", "numbers"), [
    ("Reinforcement learning", {1}), ("reinforcement LEARNING", {1}), ("learning", {2}), ("C++", {3}), ("c", {4}),
    ("++", {5}), ("Über", {6}), ('say "hi"', {7}), ("NLP", {8}), ("nlp tools", {8}), ("tools", set()),
])
def test_a_tag_with_words_finds_the_papers_with_that_tag_and_no_other(library, tag, numbers):
    expected = {f"Graph paper {n}" for n in numbers}
    assert _titles(library, PaperQuery(text="graph pap", tag=tag)) == expected
    typed = f'tag:"{tag}" graph' if " " in tag or '"' in tag else f"tag:{tag} graph"
    if '"' not in tag:  # a quote cannot be typed inside tag:"…"
        assert _titles(library, PaperQuery(text=typed)) == expected
    assert library.count(PaperQuery(text="graph", tag=tag)) == len(numbers)


def test_a_renamed_tag_is_found_by_its_new_name(library):
    library.rename_tag("C++", "Modern C plus plus")
    assert _titles(library, PaperQuery(text="graph", tag="modern c plus plus")) == {"Graph paper 3"}
    assert _titles(library, PaperQuery(text="graph", tag="C++")) == set()


def test_a_tag_filter_holding_a_nul_character_is_searched_not_an_error(library_home):
    """Found by the search fuzzer: `TAG:"0\\x00"0` made FTS5 report an unterminated string."""
    from reader.library import Library, PaperFields, PaperQuery

    with Library.open(library_home) as lib:
        tagged = lib.add_paper(PaperFields(title="Zero Shot Paper 0", tags=("0\x00",)))
        lib.add_paper(PaperFields(title="Other Paper 0", tags=("1",)))
        assert lib.query_ids(PaperQuery(text='TAG:"0\x00"0')) == [tagged]
