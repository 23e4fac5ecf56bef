"""Exported files get the permissions the user's umask gives any new file; the library stays private.

Notes go to vaults, git repositories and shared folders that other tools (and
sometimes other accounts) read, so a surprise 0600 breaks them. The library's
own files hold private reading and are only read by this app.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pymupdf
import pytest

from reader.export.bibtex import export_bibtex
from reader.export.markdown import export_markdown
from reader.pdf.annotations import write_annotated_copy

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_exported_notes_and_images_are_readable_by_others_under_umask_022(built, tmp_path, umask_022):
    library, ids = built
    out = tmp_path / "vault"
    export_markdown(library, list(ids.values()), out)
    files = [p for p in out.rglob("*") if p.is_file()]
    assert any(p.suffix == ".png" for p in files) and any(p.suffix == ".md" for p in files)
    assert {p.name: _mode(p) for p in files} == {p.name: 0o644 for p in files}


def test_export_follows_a_stricter_umask(built, tmp_path):
    library, ids = built
    old = os.umask(0o077)
    try:
        export_bibtex(library, list(ids.values()), tmp_path / "refs.bib")
    finally:
        os.umask(old)
    assert _mode(tmp_path / "refs.bib") == 0o600


def test_bibtex_export_is_group_readable_under_umask_027(built, tmp_path):
    library, ids = built
    old = os.umask(0o027)
    try:
        export_bibtex(library, list(ids.values()), tmp_path / "refs.bib")
    finally:
        os.umask(old)
    assert _mode(tmp_path / "refs.bib") == 0o640


def test_reexport_keeps_permissions_the_user_chose(built, tmp_path, umask_022):
    library, ids = built
    target = tmp_path / "refs.bib"
    export_bibtex(library, [ids["rich"]], target)
    target.chmod(0o600)
    export_bibtex(library, list(ids.values()), target)  # different content: the file is replaced
    assert _mode(target) == 0o600


def test_annotated_copy_gets_umask_permissions(tmp_path, umask_022):
    source = tmp_path / "paper.pdf"
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 100), "Some words", fontsize=12)
    doc.save(source)
    doc.close()
    marks = [{"kind": "highlight", "page": 1, "rect": (72, 90, 150, 104), "quads": (), "colour": "#ffd400"}]
    write_annotated_copy(source, tmp_path / "copy.pdf", marks)
    assert _mode(tmp_path / "copy.pdf") == 0o644


def test_library_files_stay_private(built, umask_022):
    library, ids = built
    sidecar = next((library.home / "pdfs").glob("*.json"))
    stored_pdf = library.pdf_file(ids["rich"])
    assert _mode(sidecar) == 0o600
    assert _mode(stored_pdf) == 0o600
