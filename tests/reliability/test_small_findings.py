"""The smaller findings of issue 13, each as a user met it: real processes, real files, real disks."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from reader.importers.pdf_files import import_pdfs
from reader.library import CaptionRecord, Library, PaperFields
from tests.conftest import REPO, make_pdf

pytestmark = pytest.mark.timeout(120)

HOSTILE = "Red\x1b[31m alert\x07 and\x00 after"


def cli(home: Path, *args: str | bytes) -> subprocess.CompletedProcess:
    """``reading-list --library home ...`` as a separate process; bytes pass undecodable arguments through."""
    return subprocess.run([sys.executable, "-m", "reader", "--library", str(home), *args],
                          capture_output=True, timeout=120, cwd=REPO)


def one_line_error(result: subprocess.CompletedProcess) -> str:
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 1, (result.returncode, err)
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    return err


def test_list_show_and_captions_escape_control_characters_but_json_keeps_them(library_home, pdf_factory):
    with Library.open(library_home) as lib:
        [outcome] = import_pdfs(lib, [pdf_factory(HOSTILE)], thumbnailer=None)
        paper_id = outcome.paper_id
        lib.add_note(paper_id, f"first line\n{HOSTILE}")
        lib.set_captions(paper_id, [CaptionRecord(label="Figure 1", kind="figure", number="1",
                                                  text=f"Figure 1: {HOSTILE}", page=1)])
    for command in (["list"], ["show", str(paper_id)], ["captions", str(paper_id)]):
        out = cli(library_home, *command)
        assert out.returncode == 0, out.stderr
        assert not any(byte in out.stdout for byte in (b"\x1b", b"\x07", b"\x00")), (command, out.stdout)
        assert rb"Red\x1b[31m alert\x07 and\x00 after" in out.stdout, (command, out.stdout)
    shown = cli(library_home, "show", str(paper_id)).stdout.decode()
    assert "--- note" in shown and "first line\nRed" in shown, "a note keeps its line breaks"
    listed = json.loads(cli(library_home, "list", "--json").stdout)
    assert listed[0]["title"] == HOSTILE
    shown_json = json.loads(cli(library_home, "show", str(paper_id), "--json").stdout)
    assert shown_json["notes"][0]["body"] == f"first line\n{HOSTILE}"


def test_undecodable_bytes_in_note_and_tag_arguments_are_one_line_and_change_nothing(library_home):
    with Library.open(library_home) as lib:
        paper_id = lib.add_paper(PaperFields(title="Latin-1 terminal"))
    for args in (["note", str(paper_id), b"caf\xe9"], ["tag", str(paper_id), b"r\xe9seaux"],
                 ["untag", str(paper_id), b"r\xe9seaux"]):
        assert "not valid UTF-8" in one_line_error(cli(library_home, *args))
    with Library.open(library_home) as lib:
        assert lib.notes(paper_id) == [] and lib.paper(paper_id).tags == ()


def test_rebuild_on_a_read_only_disk_is_one_line(small_disk):
    home = small_disk / "library"
    with Library.open(home) as lib:
        lib.add_paper(PaperFields(title="Safe"))
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True, timeout=30)
    err = one_line_error(cli(home, "rebuild", "--from-sidecars"))
    assert "not changed" in err and "Read-only" in err


def test_check_of_a_healthy_library_on_a_read_only_disk_says_it_is_fine(small_disk):
    home = small_disk / "library"
    with Library.open(home) as lib:
        lib.add_paper(PaperFields(title="Safe"))
        lib.backup_now()
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True, timeout=30)

    checked = cli(home, "check")
    out = checked.stdout.decode()
    assert checked.returncode == 0, (out, checked.stderr)
    assert "no problems" in out and "restore" not in out.lower()
    assert json.loads(cli(home, "check", "--json").stdout)["ok"] is True

    fixing = cli(home, "check", "--fix")
    out = fixing.stdout.decode()
    assert fixing.returncode == 1
    assert "read-only" in out and "could not write" in out and "restore" not in out.lower()


def _incompressible_pdf(path: Path, kilobytes: int) -> Path:
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 72), f"Filler {path.name}", fontsize=14)
    side = int((kilobytes * 1024 / 3) ** 0.5)
    pix = pymupdf.Pixmap(pymupdf.csRGB, side, side, os.urandom(side * side * 3), False)
    page.insert_image(pymupdf.Rect(72, 100, 400, 428), pixmap=pix)
    doc.save(path, deflate=False)
    doc.close()
    return path


def test_a_pdf_whose_paper_could_not_be_saved_on_a_full_disk_is_not_left_in_the_library(small_disk, tmp_path):
    """The copy fits and the database write after it does not: the copy must go again.

    The disk is filled to leave room for the copy and a few pages more, one page more
    each round, until an add fails after its copy.
    """
    home = small_disk / "library"
    pdf = _incompressible_pdf(tmp_path / "big.pdf", 300)
    pdf_pages = -(-pdf.stat().st_size // 4096)
    filler = small_disk / "filler"
    with Library.open(home) as lib:
        for extra_pages in range(64):
            filler.unlink(missing_ok=True)
            stat = os.statvfs(small_disk)
            filler.write_bytes(b"\0" * (stat.f_bavail * stat.f_frsize - (pdf_pages + extra_pages) * 4096))
            [outcome] = import_pdfs(lib, [pdf], thumbnailer=None, annotation_reader=None)
            assert not outcome.ok, "the add fitted before a failure after the copy was seen"
            if "as it was" in outcome.error:
                break
            assert "Could not copy" in outcome.error, outcome.error
        else:
            pytest.fail("no add failed after its copy")
        assert list((home / "pdfs").glob("*.pdf")) == [], "a PDF of no paper stayed in the library"
    filler.unlink()
    checked = cli(home, "check")
    assert checked.returncode == 0, checked.stdout.decode()


def test_a_deeply_nested_template_is_a_one_line_error(library_home, tmp_path):
    with Library.open(library_home) as lib:
        lib.add_paper(PaperFields(title="Nested"))
    folder = Path(os.environ["XDG_CONFIG_HOME"]) / "reading-list"
    folder.mkdir(parents=True)
    (folder / "markdown-template.md").write_text("{{#title}}" * 3000 + "{{title}}" + "{{/title}}" * 3000)
    err = one_line_error(cli(library_home, "export", "markdown", "--out", str(tmp_path / "vault")))
    assert "nested" in err and "line 1" in err
    assert not (tmp_path / "vault").exists() or not list((tmp_path / "vault").glob("*.md"))


def test_a_paper_with_a_bad_date_is_listed_shown_and_exported_and_check_names_it(library_home, tmp_path):
    with Library.open(library_home) as lib:
        good = lib.add_paper(PaperFields(title="Good date"))
        bad = lib.add_paper(PaperFields(title="Bad date"))
    with sqlite3.connect(library_home / "library.sqlite3") as conn:
        conn.execute("UPDATE paper SET added_at = 'last Tuesday' WHERE id = ?", (bad,))
    listed = json.loads(cli(library_home, "list", "--json").stdout)
    assert {p["id"]: p["added_at"] for p in listed}[bad] is None
    assert {p["id"]: p["added_at"] for p in listed}[good] is not None
    shown = cli(library_home, "show", str(bad))
    assert shown.returncode == 0 and b"Bad date" in shown.stdout, shown.stderr
    exported = cli(library_home, "export", "markdown", "--out", str(tmp_path / "vault"))
    assert exported.returncode == 0, exported.stderr
    [note] = [p for p in (tmp_path / "vault").glob("*.md") if "Bad date" in p.read_text()]
    assert "added: null" in note.read_text()
    assert cli(library_home, "export", "bibtex").returncode == 0

    checked = cli(library_home, "check")
    out = checked.stdout.decode()
    assert checked.returncode == 1 and f"Paper {bad}: its date added ('last Tuesday')" in out, out


PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15"
       b"\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def _notes_by_paper(vault: Path) -> dict[int, Path]:
    found = {}
    for note in vault.glob("*.md"):
        found[int(re.search(r"^reading_list_id: (\d+)$", note.read_text(), re.MULTILINE).group(1))] = note
    return found


def test_export_refuses_to_follow_a_symlinked_note_or_assets_folder(library_home, tmp_path):
    from reader.library import AnnotationFields

    with Library.open(library_home) as lib:
        plain = lib.add_paper(PaperFields(title="Plain Note", authors=("Ada Lovelace",), year=2020))
        marked = lib.add_paper(PaperFields(title="Marked Paper"))
        lib.add_annotation(marked, AnnotationFields("area", 1, (10, 10, 100, 100), image=PNG))
    vault = tmp_path / "vault"
    assert cli(library_home, "export", "markdown", "--out", str(vault)).returncode == 0
    notes = _notes_by_paper(vault)
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text(f"---\nreading_list_id: {plain}\n---\nprivate key material\n")
    notes[plain].unlink()
    notes[plain].symlink_to(secret)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    [old_image] = (vault / "assets").iterdir()
    (elsewhere / old_image.name).write_bytes(b"someone else's file, named like ours")
    old_image.unlink()
    (vault / "assets").rmdir()
    (vault / "assets").symlink_to(elsewhere, target_is_directory=True)
    with Library.open(library_home) as lib:  # the old image is now stale: export would delete it
        lib.delete_annotation(lib.annotations(marked)[0].id)
        lib.add_annotation(marked, AnnotationFields("area", 1, (20, 20, 120, 120), image=PNG))

    again = cli(library_home, "export", "markdown", "--out", str(vault))
    err = again.stderr.decode()
    assert again.returncode == 0, err
    assert "symbolic link" in err and str(notes[plain]) in err and str(vault / "assets") in err, err
    assert notes[plain].is_symlink() and secret.read_text().endswith("private key material\n")
    assert not any("private key" in p.read_text() for p in vault.glob("*.md") if not p.is_symlink())
    assert sorted(p.name for p in elsewhere.iterdir()) == [old_image.name], "export wrote or deleted through the link"
    assert (elsewhere / old_image.name).read_bytes() == b"someone else's file, named like ours"


def test_a_pdf_whose_name_is_not_utf8_is_added_like_any_other(library_home, tmp_path):
    folder = tmp_path / "from-an-old-system"
    folder.mkdir()
    make_pdf(folder / "plain.pdf", title="Réseaux de neurones")
    odd = os.path.join(os.fsencode(folder), b"r\xe9seaux.pdf")
    os.rename(folder / "plain.pdf", odd)
    added = cli(library_home, "add", odd)
    assert added.returncode == 0, added.stderr.decode()
    paper_id = int(added.stdout)
    shown = json.loads(cli(library_home, "show", str(paper_id), "--json").stdout)
    assert shown["title"] == "Réseaux de neurones" and shown["page_count"] == 3
