"""Front matter stays valid YAML and file names stay safe, whatever the title (hypothesis)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.export.filenames import is_safe_name, paper_slug
from reader.export.frontmatter import emit, quote, split_front_matter, unquote
from reader.export.markdown import assign_names, front_matter
from reader.library import PaperDetail, Status

HOSTILE = ['He said "no": yes', "key: value", "- list", "# comment", "line\nbreak\r\nwindows", "tab\there",
           "emoji 🚀🧪 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "back\\slash \\n", "'single'", "@at `tick` |pipe >fold", "null", "true",
           "~", "0x1F", "2024-01-01", "\x00\x07\x1b\x7f\x85\u2028\u2029\ufeff\ufffe", "   padded   ", "", "---",
           "...", "{flow: map}", "[a, b]", "*alias &anchor !tag %directive"]


def _paper(title: str, authors=("Ada Lovelace",), tags=("NLP",)) -> PaperDetail:
    now = datetime(2024, 3, 1, 9, 30)
    return PaperDetail(id=7, title=title, authors=tuple(authors), year=2020, venue=title, summary="", doi="", arxiv_id="",
                       url="", code_url="", status=Status.TO_READ, rating=0, tags=tuple(tags), added_at=now,
                       updated_at=now, last_opened_at=None, pdf_path="", pdf_hash="", page_count=0, last_page=0,
                       last_zoom=1.0, trashed=False, edited_fields=frozenset())


def _load(text: str):
    yaml = pytest.importorskip("yaml")
    assert text.startswith("---\n") and text.endswith("\n---\n")
    return yaml.safe_load(text[4:-4])


@pytest.mark.parametrize("title", HOSTILE)
def test_hostile_titles_give_valid_yaml(title):
    data = _load(front_matter(_paper(title, authors=(title,), tags=(title, "x"))))
    expected = title.replace("\ud800", "\ufffd")
    assert data["title"] == expected and data["venue"] == expected and data["authors"] == [expected]
    assert data["reading_list_id"] == 7 and data["year"] == 2020 and data["added"] == date(2024, 3, 1)
    assert data["aliases"][:1] == ([" ".join(expected.split())] if expected.split() else [])


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_round_trips_through_yaml_and_our_own_reader(text):
    scalar = quote(text)
    assert "\n" not in scalar and unquote(scalar) == text.replace("\ud800", "\ufffd") or any(
        0xD800 <= ord(c) <= 0xDFFF for c in text)
    if not any(0xD800 <= ord(c) <= 0xDFFF for c in text):
        assert _load("---\n" + emit([("title", text), ("tags", [text])]) + "\n---\n") == {"title": text,
                                                                                         "tags": [text]}


def test_front_matter_is_read_back_for_re_export():
    entries, body = split_front_matter(front_matter(_paper("a: b\nc")) + "body\n")
    assert [k for k, _ in entries][:4] == ["reading_list_id", "title", "aliases", "authors"] and body == "body\n"


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=400), st.lists(st.text(max_size=60), max_size=3),
       st.one_of(st.none(), st.integers(1000, 2100)))
def test_any_title_gives_a_safe_file_name(title, authors, year):
    name = paper_slug(title, tuple(authors), year) + ".md"
    assert is_safe_name(name), name
    assert len(name.encode("utf-8")) <= 84


@pytest.mark.parametrize("title", ["CON", "nul", "Aux", "COM1", "lpt9", "", "   ", "...", "???", "a/b\\c:d*e"])
def test_reserved_and_empty_names_are_avoided(title):
    name = paper_slug(title) + ".md"
    assert is_safe_name(name) and name.split(".")[0] not in {"con", "nul", "aux", "com1", "lpt9", ""}


def test_collisions_are_resolved_by_paper_id_the_same_way_every_time():
    papers = [_paper("Same Title"), _paper("Same Title"), _paper("Same Title")]
    papers = [PaperDetail(**{**p.__dict__, "id": i}) for i, p in zip((9, 4, 6), papers)]
    names = assign_names(papers, {}, set())
    assert names == {4: "lovelace-2020-same-title.md", 6: "lovelace-2020-same-title-6.md",
                     9: "lovelace-2020-same-title-9.md"}
    assert assign_names(list(reversed(papers)), {}, set()) == names
    assert assign_names(papers[:1], {}, {"lovelace-2020-same-title.md"}) == {9: "lovelace-2020-same-title-9.md"}
