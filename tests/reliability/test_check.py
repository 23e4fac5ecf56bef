"""`reading-list check` finds each kind of damage; `--fix` repairs only what is safe."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from reader.importers.pdf_files import import_pdfs
from reader.library import AnnotationFields, Library, PaperFields
from reader.library.check import check_library

pytestmark = pytest.mark.timeout(90)


def _kinds(report) -> list[str]:
    return sorted(p.kind for p in report.unresolved)


def test_a_healthy_library_has_no_problems(library_home, pdf_factory):
    with Library.open(library_home) as lib:
        import_pdfs(lib, [pdf_factory("One"), pdf_factory("Two")])
    report = check_library(library_home)
    assert report.ok and report.papers == 2


def test_each_problem_is_found_and_the_safe_ones_fixed(library_home, pdf_factory):
    with Library.open(library_home) as lib:
        [moved, changed, gone] = [o.paper_id for o in import_pdfs(
            lib, [pdf_factory("Moved"), pdf_factory("Changed"), pdf_factory("Gone", pages=2)])]
        lib.add_annotation(gone, AnnotationFields("note", 9, (1, 1, 2, 2), comment="page 9 of 2"))
        paths = {pid: library_home / lib.paper(pid).pdf_path for pid in (moved, changed, gone)}
    pdfs = library_home / "pdfs"
    os.rename(paths[moved], pdfs / "renamed-by-someone.pdf")  # same bytes, other name
    with open(paths[changed], "ab") as handle:
        handle.write(b"\n% edited elsewhere")
    os.unlink(paths[gone])
    (pdfs / ".incoming-abc.tmp").write_bytes(b"half a copy")
    (pdfs / "stray.txt").write_text("?")
    os.unlink(paths[changed].with_suffix(".json"))  # a sidecar lost

    found = check_library(library_home)
    assert _kinds(found) == ["annotation-page", "hash-changed", "missing-pdf", "missing-pdf", "orphan-file",
                             "orphan-file", "sidecar", "temp-file"]

    fixed = check_library(library_home, fix=True)
    assert sorted(p.kind for p in fixed.problems if p.fixed) == ["missing-pdf", "sidecar", "temp-file"]
    assert paths[moved].exists() and not (pdfs / ".incoming-abc.tmp").exists()
    assert paths[changed].with_suffix(".json").exists()
    left = check_library(library_home)
    assert _kinds(left) == ["annotation-page", "hash-changed", "missing-pdf", "orphan-file"]


def test_a_damaged_database_is_reported_with_its_backup(library_home):
    with Library.open(library_home) as lib:
        good = lib.backup_now()
    (library_home / "library.sqlite3").write_bytes(b"SQLite format 3\x00" + b"\x01" * 5000)
    report = check_library(library_home, fix=True)
    assert _kinds(report) == ["integrity"] and str(good) in report.problems[0].message


def test_the_cli_exit_code_says_whether_problems_are_left(library_home, pdf_factory):
    def cli(*args):
        return subprocess.run([sys.executable, "-m", "reader", "--library", str(library_home), *args],
                              capture_output=True, text=True, timeout=60)

    with Library.open(library_home) as lib:
        import_pdfs(lib, [pdf_factory("One")])
    assert cli("check").returncode == 0
    (library_home / "pdfs" / ".incoming-x.tmp").write_bytes(b"")
    result = cli("check")
    assert result.returncode == 1 and "interrupted write" in result.stdout
    assert cli("check", "--fix").returncode == 0
    assert cli("check", "--json").returncode == 0


def _bib(path, entries: int) -> None:
    path.write_text("".join(
        f"@article{{key{n},\n  title = {{Paper number {n} on killing imports}},\n  author = {{Doe, Jane and Roe, Rick}},\n"
        f"  year = {{2020}},\n  journal = {{Journal {n % 7}}},\n  keywords = {{kill, test{n % 3}}}\n}}\n\n"
        for n in range(entries)), encoding="utf-8")


def test_the_next_open_heals_what_a_kill_during_a_bulk_import_left(library_home, tmp_path):
    """Sidecars are the recovery copy: after SIGKILL mid-import, an ordinary open (no check --fix)
    must leave them complete, and no temp file behind."""
    import random
    import signal
    import time

    bib = tmp_path / "many.bib"
    _bib(bib, 600)
    rng = random.Random(7)
    for round_ in range(5):
        proc = subprocess.Popen([sys.executable, "-m", "reader", "--library", str(library_home), "import", str(bib)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.8, 2.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        Library.open(library_home).close()  # an ordinary open, as the app or any command does
        report = check_library(library_home, fix=False)
        assert _kinds(report) == [], f"round {round_}: {[p.message for p in report.unresolved]}"


def test_the_next_open_removes_a_pdf_copied_in_by_an_add_that_never_committed(library_home, pdf_factory):
    """A kill between copying the PDF into pdfs/ and committing its paper left a file that
    belongs to no paper (seen after 340 kills of benchmarks/crash_safety.py)."""
    import shutil

    with Library.open(library_home) as lib:
        [kept] = import_pdfs(lib, [pdf_factory("Committed")])
    pdfs = library_home / "pdfs"
    uncommitted = pdfs / ("ab" * 32 + ".pdf")
    shutil.copy2(pdf_factory("Killed mid-add"), uncommitted)
    restored_elsewhere = pdfs / ("cd" * 32 + ".pdf")  # no paper names it, but its sidecar does
    shutil.copy2(pdf_factory("Only in a sidecar"), restored_elsewhere)
    restored_elsewhere.with_suffix(".json").write_text("{}", encoding="utf-8")

    Library.open(library_home).close()

    assert not uncommitted.exists()
    assert restored_elsewhere.exists(), "a PDF with a sidecar is recoverable, never removed"
    with Library.open(library_home) as lib:
        assert lib.pdf_file(kept.paper_id).exists()


def test_the_next_open_removes_citation_indexes_whose_pdf_is_gone(library_home, pdf_factory):
    with Library.open(library_home) as lib:
        kept = lib.add_pdf(pdf_factory("Kept Paper"), PaperFields(title="Kept Paper")).paper_id
        emptied = lib.add_pdf(pdf_factory("Emptied Paper"), PaperFields(title="Emptied Paper")).paper_id
        kept_hash, emptied_hash = lib.paper(kept).pdf_hash, lib.paper(emptied).pdf_hash
        lib.trash([emptied])
        lib.empty_trash()
    folder = library_home / "citations"
    folder.mkdir()
    for pdf_hash in (kept_hash, emptied_hash):
        (folder / f"{pdf_hash}.json").write_text("{}", encoding="utf-8")
    with Library.open(library_home) as lib:
        lib.heal()
    assert sorted(p.stem for p in folder.iterdir()) == [kept_hash]
