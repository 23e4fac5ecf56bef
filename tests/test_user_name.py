"""Marks in an annotated copy carry the person's name, which they can change; the copy is named by title."""

from __future__ import annotations

import json
import sys

import pymupdf
import pytest

from reader.export.filenames import is_safe_name, title_file_name
from reader.pdf.annotations import write_annotated_copy
from reader.settings import account_user_name, name_from_account, set_user_name, settings_path, user_name


def _authors_in(path) -> list[str]:
    with pymupdf.open(path) as doc:
        return [annot.info["title"] for page in doc for annot in page.annots()]


@pytest.fixture
def source_pdf(tmp_path):
    path = tmp_path / "paper.pdf"
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 100), "Some words to mark", fontsize=12)
    doc.save(path)
    doc.close()
    return path


MARKS = [{"kind": "highlight", "page": 1, "rect": (72, 90, 180, 104), "quads": (), "colour": "#ffd400",
          "comment": "why"},
         {"kind": "note", "page": 1, "rect": (300, 300, 318, 318), "quads": (), "colour": "#ffd400",
          "comment": "a note"}]


def test_annotated_copy_names_the_given_author_on_every_mark(source_pdf, tmp_path):
    write_annotated_copy(source_pdf, tmp_path / "copy.pdf", MARKS, author="Ada Lovelace")
    assert _authors_in(tmp_path / "copy.pdf") == ["Ada Lovelace", "Ada Lovelace"]


def test_annotated_copy_without_an_author_says_reading_list(source_pdf, tmp_path):
    write_annotated_copy(source_pdf, tmp_path / "copy.pdf", MARKS, author="  ")
    assert _authors_in(tmp_path / "copy.pdf") == ["Reading List", "Reading List"]


def test_full_name_comes_from_gecos_else_the_login():
    assert name_from_account("Ada Lovelace,Room 12,555-0100,", "ada") == "Ada Lovelace"
    assert name_from_account("", "ada") == "ada"
    assert name_from_account(",,,", "ada") == "ada"


@pytest.mark.skipif(sys.platform == "win32", reason="pwd is POSIX")
def test_default_name_is_the_accounts():
    import os
    import pwd

    entry = pwd.getpwuid(os.getuid())
    expected = entry.pw_gecos.split(",")[0].strip() or entry.pw_name
    assert account_user_name() == expected
    assert user_name() == expected  # nothing set yet


def test_a_name_set_in_the_app_is_used_and_kept_in_the_settings_file():
    set_user_name("  Grace   Hopper ")
    assert user_name() == "Grace Hopper"
    assert json.loads(settings_path().read_text(encoding="utf-8"))["user_name"] == "Grace Hopper"


def test_clearing_the_name_goes_back_to_the_accounts():
    set_user_name("Grace Hopper")
    set_user_name("")
    assert user_name() == account_user_name()


def test_an_unreadable_settings_file_falls_back_to_the_account_name():
    settings_path().parent.mkdir(parents=True, exist_ok=True)
    settings_path().write_text("{not json", encoding="utf-8")
    assert user_name() == account_user_name()


@pytest.mark.parametrize(("title", "name"), [
    ("Construction of the Literature Graph in Semantic Scholar",
     "Construction of the Literature Graph in Semantic Scholar (annotated).pdf"),
    ("S2ORC: The Semantic Scholar Open Research Corpus", "S2ORC - The Semantic Scholar Open Research Corpus (annotated).pdf"),
    ("Is <this> a/b \"test\"?", "Is this a b test (annotated).pdf"),
    ("CON", "CON paper (annotated).pdf"),
    ("...", "paper (annotated).pdf"),
])
def test_annotated_copy_file_name_reads_as_the_title(title, name):
    assert title_file_name(title, " (annotated).pdf") == name


def test_title_file_names_are_safe_for_long_and_hostile_titles():
    for title in ["Ünïcödé: Attention? " * 20, "a" * 400, "nul", "tab\there\nnewline", "trailing dot."]:
        name = title_file_name(title, ".pdf")
        assert is_safe_name(name.lower()), name
        assert len(name.encode("utf-8")) <= 120
