"""BibTeX export: golden output, stable keys, atomic writes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reader.export import ExportError
from reader.export.bibtex import export_bibtex
from tests.export.builders import normalise_paths

GOLDEN = Path(__file__).parent / "golden" / "library.bib"


def test_bibtex_matches_golden_file(built, tmp_path):
    library, ids = built
    out = tmp_path / "refs.bib"
    report = export_bibtex(library, list(ids.values()), out)
    assert report.count == 3 and report.path == out
    text = normalise_paths(out.read_text(encoding="utf-8"), library)
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_keys_are_stable_and_disambiguated_in_id_order(built):
    library, ids = built
    text = export_bibtex(library, [ids["twin"], ids["rich"], ids["plain"]]).text
    assert "@inproceedings{vaswani2017attention," in text and "@misc{vaswani2017attentionb," in text
    assert "@misc{con," in text
    assert export_bibtex(library, list(ids.values())).text == text


def test_output_parses_with_bibtexparser(built):
    import bibtexparser

    library, ids = built
    parsed = bibtexparser.parse_string(export_bibtex(library, list(ids.values())).text)
    assert not parsed.failed_blocks and len(parsed.entries) == 3


def test_unwritable_bib_target_fails_clearly(built, tmp_path):
    library, ids = built
    (tmp_path / "file").write_text("x")
    with pytest.raises(ExportError, match="cannot be created"):
        export_bibtex(library, list(ids.values()), tmp_path / "file" / "refs.bib")


def test_cancel_writes_nothing(built, tmp_path):
    library, ids = built
    report = export_bibtex(library, list(ids.values()), tmp_path / "r.bib", is_cancelled=lambda: True)
    assert report.cancelled and not (tmp_path / "r.bib").exists()
