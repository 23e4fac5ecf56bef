"""Markdown notes as Obsidian and Logseq read them: parsed with a CommonMark parser and a YAML parser."""

from __future__ import annotations

import datetime
import re

import pytest
import yaml
from markdown_it import MarkdownIt

from reader.export.markdown import export_markdown, vault_tag
from reader.library import Library, PaperFields

# Obsidian's tag syntax: letters, digits, _, - and / (nesting), at least one character that is not a digit.
OBSIDIAN_TAG = re.compile(r"(?=.*[^\d])[\w/-]+")


@pytest.fixture
def library(library_home):
    library = Library.open(library_home)
    yield library
    library.close()


def _export(library, paper_id, folder):
    export_markdown(library, [paper_id], folder)
    (note,) = folder.glob("*.md")
    text = note.read_text(encoding="utf-8")
    front, body = text[4:].split("\n---\n", 1)
    return note, yaml.safe_load(front), body


def _inline_tokens(body):
    tokens = MarkdownIt("commonmark").parse(body)
    return [child for token in tokens if token.type == "inline" for child in token.children or []]


def test_a_title_full_of_markup_is_a_plain_heading(library, tmp_path):
    title = "#1b1t: *Bold* _claims_ about [links](https://e.example) ==and== %%more%% on $A_2$ for $5"
    paper = library.add_paper(PaperFields(title=title, year=2020))
    _, _, body = _export(library, paper, tmp_path / "vault")
    tokens = MarkdownIt("commonmark").parse(body)
    heading = tokens[[t.type for t in tokens].index("heading_open") + 1]
    assert [c.type for c in heading.children] == ["text"] and heading.children[0].content == title
    heading_line = next(line for line in body.splitlines() if line.startswith("# "))
    # Obsidian: no unescaped "#word" (a tag), "==" (a highlight) or "%%" (a comment); the formula is kept.
    assert not re.search(r"(?<!\\)#\w|(?<!\\)==|(?<!\\)%%", heading_line[2:]) and "$A_2$" in heading_line


def test_links_survive_spaces_and_several_addresses(library, tmp_path):
    paper = library.add_paper(PaperFields(
        title="Linked", url="https://example.org/my paper (v2).pdf https://arxiv.org/abs/1706.03762; javascript:alert(1)"))
    _, front, body = _export(library, paper, tmp_path / "vault")
    links = {c.attrs["href"]: _link_text(c, tokens) for tokens in [_inline_tokens(body)]
             for c in tokens if c.type == "link_open"}
    assert links["https://example.org/my%20paper%20%28v2%29.pdf"] == "Paper"
    assert links["https://arxiv.org/abs/1706.03762"] == "Paper 2"
    assert not any("javascript" in href for href in links)
    assert front["url"] == "https://example.org/my%20paper%20%28v2%29.pdf"
    assert front["urls"] == ["https://example.org/my%20paper%20%28v2%29.pdf", "https://arxiv.org/abs/1706.03762"]


def _link_text(link_open, tokens):
    index = tokens.index(link_open)
    return tokens[index + 1].content


def test_front_matter_dates_are_dates_and_aliases_name_the_paper(library, tmp_path):
    paper = library.add_paper(PaperFields(title="BERT: Pre-training of Deep Bidirectional Transformers", year=2019))
    _, front, _ = _export(library, paper, tmp_path / "vault")
    assert isinstance(front["added"], datetime.date) and isinstance(front["updated"], datetime.date)
    assert front["aliases"] == ["BERT: Pre-training of Deep Bidirectional Transformers", "BERT"]


def test_aliases_the_user_edited_are_kept_on_re_export(library, tmp_path):
    paper = library.add_paper(PaperFields(title="S2ORC: The Semantic Scholar Open Research Corpus", year=2020))
    note, _, _ = _export(library, paper, tmp_path / "vault")
    text = note.read_text(encoding="utf-8")
    note.write_text(text.replace('  - "S2ORC"\n', '  - "S2ORC"\n  - "my corpus"\n'), encoding="utf-8")
    library.update_paper(paper, year=2021)
    _, front, _ = _export(library, paper, tmp_path / "vault")
    assert front["aliases"][-1] == "my corpus" and front["year"] == 2021


@pytest.mark.parametrize(("tag", "shown"), [
    ("machine learning", "machine-learning"), ("NLP/Transformers", "NLP/Transformers"), ("2020", "_2020"),
    ("C++ & Rust", "C-Rust"), ("  #reading list!  ", "reading-list"), ("café au lait", "café-au-lait"),
    ("a//b/", "a/b"), ("???", ""),
])
def test_tags_become_valid_obsidian_tags(tag, shown):
    assert vault_tag(tag) == shown
    assert shown == "" or OBSIDIAN_TAG.fullmatch(shown)


def test_front_matter_tags_are_all_valid_and_unique(library, tmp_path):
    paper = library.add_paper(PaperFields(title="Tagged", tags=("deep learning", "deep-learning", "2021", "!!", "NLP")))
    _, front, _ = _export(library, paper, tmp_path / "vault")
    assert front["tags"] == ["_2021", "deep-learning", "NLP"]


def test_aliases_follow_a_renamed_paper_until_the_user_edits_them(library, tmp_path):
    paper = library.add_paper(PaperFields(title="GPT-3: Language Models are Few-Shot Learners", year=2020))
    _export(library, paper, tmp_path / "vault")
    library.update_paper(paper, title="GPT3: Language Models are Few-Shot Learners")
    _, front, _ = _export(library, paper, tmp_path / "vault")
    assert front["aliases"] == ["GPT3: Language Models are Few-Shot Learners", "GPT3"]
