"""A full disk, a read-only library, and a second process: clear messages, and the library as it was.

The full and read-only disks are a real 2 MB tmpfs (mounting needs root or
CAP_SYS_ADMIN; without it these tests skip and say so).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
import uuid

import pymupdf
import pytest

from reader.errors import LibraryError, LibraryLockedError
from reader.importers.pdf_files import import_pdfs
from reader.library import Library, PaperFields
from reader.library.backup import integrity_problem
from tests.conftest import REPO

pytestmark = pytest.mark.timeout(120)


def _big_pdf(folder, n: int):
    """~300 KB of incompressible image data, so a few of them fill the disk."""
    path = folder / f"big-{n}.pdf"
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 72), f"Large paper {n} {uuid.uuid4()}", fontsize=14)
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 320, 320), False)
    pix.set_rect(pix.irect, (0, 0, 0))
    samples = bytearray(os.urandom(len(pix.samples)))
    pix = pymupdf.Pixmap(pymupdf.csRGB, 320, 320, bytes(samples), False)
    page.insert_image(pymupdf.Rect(72, 100, 400, 428), pixmap=pix)
    doc.save(path, deflate=False)
    doc.close()
    return path


def test_adding_pdfs_until_the_disk_is_full_reports_it_and_keeps_the_library_whole(small_disk, tmp_path):
    home = small_disk / "library"
    source = tmp_path / "in"
    source.mkdir()
    added: dict[int, str] = {}
    errors: list[str] = []
    with Library.open(home) as lib:
        for n in range(40):
            pdf = _big_pdf(source, n)
            [outcome] = import_pdfs(lib, [pdf])
            if outcome.ok:
                added[outcome.paper_id] = hashlib.sha256(pdf.read_bytes()).hexdigest()
            else:
                errors.append(outcome.error)
                if len(errors) >= 3:
                    break
        assert errors, "the 2 MB disk never filled up"
        assert all("space" in e.lower() or "full" in e.lower() for e in errors), errors
        assert all(len(e.splitlines()) == 1 for e in errors)
        with pytest.raises(LibraryError, match="full|space"):  # a large note on a full disk
            for _ in range(50):
                lib.add_note(next(iter(added)), "x" * 200_000)
    assert not list(home.rglob(".incoming-*")), "a half-copied PDF was left behind"
    assert integrity_problem(home / "library.sqlite3") is None
    with Library.open(home) as lib:  # opens even though the disk is still full
        for paper_id, digest in added.items():
            pdf = lib.pdf_file(paper_id)
            assert hashlib.sha256(pdf.read_bytes()).hexdigest() == digest


def test_a_library_on_a_read_only_disk_says_so(small_disk):
    home = small_disk / "library"
    with Library.open(home) as lib:
        lib.add_paper(PaperFields(title="Safe"))
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True, timeout=30)
    with pytest.raises(LibraryError, match="read-only"):
        Library.open(home)
    result = subprocess.run([sys.executable, "-m", "reader", "--library", str(home), "note", "1", "x"],
                            capture_output=True, text=True, timeout=60, cwd=REPO)
    assert result.returncode == 1 and "read-only" in result.stderr and "Traceback" not in result.stderr


HOLDER = """
import sys, time
from reader.library import Library, PaperFields
lib = Library.open(sys.argv[1])
print("ready", flush=True)
n = 0
while True:  # keep writing while the other process knocks
    lib.add_note(lib.add_paper(PaperFields(title=f"Held {n}")), "busy")
    n += 1
"""


def test_a_second_process_gets_the_in_use_message_and_never_a_damaged_library(library_home):
    Library.open(library_home).close()
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(library_home)], stdout=subprocess.PIPE,
                              text=True, cwd=REPO)
    try:
        assert holder.stdout.readline().strip() == "ready"
        for _ in range(20):
            with pytest.raises(LibraryLockedError, match="in use") as caught:
                Library.open(library_home)
            assert str(holder.pid) in str(caught.value)
        cli = subprocess.run([sys.executable, "-m", "reader", "--library", str(library_home), "note", "1", "x"],
                             capture_output=True, text=True, timeout=60, cwd=REPO)
        assert cli.returncode == 1 and "in use" in cli.stderr and "Traceback" not in cli.stderr
        with Library.open(library_home, lock=False) as reader:  # readers still read, consistently
            for _ in range(10):
                ids = reader.query_ids()
                assert all(reader.exists(i) for i in ids)
                time.sleep(0.05)
    finally:
        holder.kill()
        holder.wait(timeout=30)
    assert integrity_problem(library_home / "library.sqlite3") is None
    with Library.open(library_home) as lib:
        assert lib.count() > 0
