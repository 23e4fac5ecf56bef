"""Broken and hostile PDFs through the real add path: a clear message or a correct paper, in bounded time.

Each file goes through ``import_pdfs`` with the real extractor (and the real
thumbnailer), and then through the viewer's Qt-free opening step
(``reader.pdf.render.open_document``). Afterwards the library still passes its
integrity check and holds no half-copied files.
"""

from __future__ import annotations

import os
import random
import time
from pathlib import Path

import pymupdf
import pytest

from reader.errors import PdfError
from reader.importers.pdf_files import import_pdfs
from reader.library import Library
from reader.library.check import check_library
from tests.conftest import CORPUS, make_pdf

TIME_BOUND_S = 20
ROBUSTNESS = sorted((CORPUS / "robustness").glob("*.pdf")) if (CORPUS / "robustness").is_dir() else []


def _generated(folder: Path) -> dict[str, Path]:
    """Broken inputs made on the spot; the value says what a correct outcome is."""
    folder.mkdir(exist_ok=True)
    good = make_pdf(folder / "good.pdf", title="A Good Paper", pages=4)
    data = good.read_bytes()
    rng = random.Random(8)
    files = {
        "zero-byte.pdf": b"",
        "truncated-half.pdf": data[: len(data) // 2],
        "truncated-header-only.pdf": data[:9],
        "random-bytes.pdf": bytes(rng.randrange(256) for _ in range(20000)),
        "random-after-header.pdf": b"%PDF-1.7\n" + bytes(rng.randrange(256) for _ in range(20000)),
        "png-named-pdf.pdf": b"\x89PNG\r\n\x1a\n" + bytes(200),
        "html-named-pdf.pdf": b"<html><body>%PDF-1.4 not really</body></html>",
        "bad-xref-offset.pdf": data.replace(b"startxref", b"startxref\n999999999\n%", 1),
        "xref-garbage.pdf": data[: data.rfind(b"xref")] + b"xref\n0 9999\nzzzz\ntrailer\n<<>>\n%%EOF",
        "nul-bytes.pdf": b"%PDF-1.4\n" + b"\x00" * 50000,
    }
    out = {}
    for name, content in files.items():
        (folder / name).write_bytes(content)
        out[name] = folder / name
    out["real-pdf-named.txt"] = folder / "real-pdf-named.txt"
    out["real-pdf-named.txt"].write_bytes(data)

    encrypted = folder / "encrypted.pdf"
    doc = pymupdf.open(good)
    doc.save(encrypted, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="secret", owner_pw="owner")
    doc.close()
    out["encrypted.pdf"] = encrypted

    huge = folder / "5000-empty-pages.pdf"
    doc = pymupdf.open()
    for _ in range(5000):
        doc.new_page()
    doc.save(huge)
    doc.close()
    out["5000-empty-pages.pdf"] = huge

    outline = folder / "nested-outline.pdf"
    doc = pymupdf.open(good)
    doc.set_toc([[1, "One", 1], [2, "Two", 2], [3, "Three", 3]])
    doc.save(outline)
    doc.close()
    out["nested-outline.pdf"] = outline  # the corpus's mu__circular-toc.pdf has the circular one

    out["a-directory.pdf"] = folder / "a-directory.pdf"
    out["a-directory.pdf"].mkdir()
    out["does-not-exist.pdf"] = folder / "does-not-exist.pdf"
    fifo = folder / "a-fifo.pdf"
    if hasattr(os, "mkfifo"):
        os.mkfifo(fifo)
        out["a-fifo.pdf"] = fifo
    return out


SHOULD_ADD = {"real-pdf-named.txt", "5000-empty-pages.pdf", "nested-outline.pdf", "bad-xref-offset.pdf"}


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    return _generated(tmp_path_factory.mktemp("hostile"))


def _through_add_and_view(library_home: Path, path: Path):
    started = time.monotonic()
    with Library.open(library_home) as lib:
        [outcome] = import_pdfs(lib, [path])
        viewed = None
        if outcome.ok:
            from reader.pdf.render import open_document

            try:
                doc, info = open_document(str(lib.pdf_file(outcome.paper_id)), None)
                viewed = info.page_count
                doc.close()
            except PdfError as exc:
                viewed = str(exc)
    elapsed = time.monotonic() - started
    report = check_library(library_home)
    assert not [p for p in report.problems if p.kind in ("integrity", "temp-file", "orphan-file")], report.problems
    return outcome, viewed, elapsed


def _clear(message: str, path: Path) -> bool:
    return bool(message) and "\n" not in message.strip() and "Traceback" not in message and path.name in message


@pytest.mark.timeout(60)
@pytest.mark.parametrize("path", ROBUSTNESS, ids=lambda p: p.name[:40])
def test_corpus_robustness_files(library_home, path):
    outcome, viewed, elapsed = _through_add_and_view(library_home, path)
    assert elapsed < TIME_BOUND_S
    if "2206.01062" in path.name:  # the encrypted one
        assert not outcome.ok and "password" in outcome.error
    elif path.name == "dl__corrupted.pdf":
        assert not outcome.ok and _clear(outcome.error, path)
    else:
        assert outcome.ok and outcome.title, outcome.error
        assert isinstance(viewed, int) and viewed >= 1


GENERATED_NAMES = ["zero-byte.pdf", "truncated-half.pdf", "truncated-header-only.pdf", "random-bytes.pdf",
                   "random-after-header.pdf", "png-named-pdf.pdf", "html-named-pdf.pdf", "bad-xref-offset.pdf",
                   "xref-garbage.pdf", "nul-bytes.pdf", "real-pdf-named.txt", "encrypted.pdf",
                   "5000-empty-pages.pdf", "nested-outline.pdf",
                   "a-directory.pdf", "does-not-exist.pdf", "a-fifo.pdf"]


@pytest.mark.timeout(90)
@pytest.mark.parametrize("name", GENERATED_NAMES)
def test_generated_hostile_files(library_home, generated, name):
    if name not in generated:
        pytest.skip("no FIFOs on this platform")
    path = generated[name]
    outcome, viewed, elapsed = _through_add_and_view(library_home, path)
    assert elapsed < TIME_BOUND_S, f"{name} took {elapsed:.1f} s"
    if name in SHOULD_ADD:
        assert outcome.ok, outcome.error
        assert isinstance(viewed, int) and viewed >= 1
        if name == "5000-empty-pages.pdf":
            assert viewed == 5000
    elif outcome.ok:  # MuPDF repaired it: then it must really be a readable paper
        assert isinstance(viewed, int) and viewed >= 1, (name, viewed)
    else:
        assert _clear(outcome.error, path), outcome.error
        if name == "encrypted.pdf":
            assert "password" in outcome.error
