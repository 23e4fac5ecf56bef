"""The command line as a user runs it: real processes on a real library folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest



def run(home, *args, check=True):
    result = subprocess.run([sys.executable, "-m", "reader", "--library", str(home), *args],
                            capture_output=True, text=True, timeout=120)
    if check and result.returncode != 0:
        raise AssertionError(f"{args} failed ({result.returncode}): {result.stderr}")
    return result


def test_add_tag_note_status_and_json(library_home, pdf_factory):
    pdf = pdf_factory("Graph Attention Networks", author="Petar Velickovic")
    added = run(library_home, "add", str(pdf), "--tag", "Graphs")
    paper_id = int(added.stdout.strip())
    run(library_home, "tag", str(paper_id), "NLP", "Attention")
    run(library_home, "note", str(paper_id), "Masked self-attention over neighbours")
    run(library_home, "status", str(paper_id), "reading")

    papers = json.loads(run(library_home, "list", "--json").stdout)
    assert [p["id"] for p in papers] == [paper_id]
    assert set(papers[0]) >= {"id", "title", "authors", "year", "tags", "status"}
    assert papers[0]["title"] == "Graph Attention Networks"
    assert papers[0]["tags"] == ["Attention", "Graphs", "NLP"] and papers[0]["status"] == "reading"

    shown = json.loads(run(library_home, "show", str(paper_id), "--json").stdout)
    assert shown["notes"][0]["body"] == "Masked self-attention over neighbours"
    assert isinstance(shown["captions"], list)

    found = json.loads(run(library_home, "search", "neighb", "--json").stdout)
    assert [p["id"] for p in found] == [paper_id]
    assert json.loads(run(library_home, "list", "--status", "read", "--json").stdout) == []


def test_adding_the_same_pdf_twice_gives_the_same_id(library_home, pdf_factory):
    pdf = pdf_factory("Once Only")
    first = run(library_home, "add", str(pdf)).stdout.strip()
    again = run(library_home, "add", str(pdf))
    assert again.stdout.strip() == first
    assert "already in the library" in again.stderr


@pytest.mark.parametrize("content,expected", [
    (b"", "empty"),
    (b"just some text, not a PDF at all", "not a PDF"),
    (b"%PDF-1.7\n garbage garbage", "damaged"),
])
def test_bad_files_give_one_clear_line_and_add_nothing(library_home, tmp_path, content, expected):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(content)
    result = run(library_home, "add", str(bad), check=False)
    assert result.returncode != 0
    assert expected in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert json.loads(run(library_home, "list", "--json").stdout) == []
    assert list((library_home / "pdfs").iterdir()) == []


def test_encrypted_pdf_is_refused_clearly(library_home, corpus):
    result = run(library_home, "add", str(corpus / "robustness" / "dl__2206.01062_pg3.pdf"), check=False)
    assert result.returncode == 1 and "password" in result.stderr


@pytest.mark.parametrize("args,message", [
    (("show", "999"), "no paper with id 999"),
    (("status", "1", "finished"), "invalid choice"),
    (("add", "/no/such/file.pdf"), "does not exist"),
    (("frobnicate",), "invalid choice"),
])
def test_usage_errors_are_one_line(library_home, args, message):
    result = run(library_home, *args, check=False)
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_extract_prints_metadata_and_captions(library_home, corpus):
    result = run(library_home, "extract", str(corpus / "papers" / "df__paper.pdf"), "--json")
    data = json.loads(result.stdout)
    assert data["title"].startswith("Looking Beyond Text")
    labels = [c["label"] for c in data["captions"]]
    assert {"Figure 1", "Table 2"} <= set(labels)
    assert all(len(c["bbox"]) == 4 and c["page"] >= 1 for c in data["captions"])


def test_version():
    result = subprocess.run([sys.executable, "-m", "reader", "--version"], capture_output=True, text=True, timeout=60)
    assert result.stdout.startswith("reading-list ")


def test_a_scanned_pdf_is_added_with_a_no_text_layer_note(library_home, tmp_path):
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page()
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 200, 100), False)
    pix.clear_with(200)
    page.insert_image(page.rect, pixmap=pix)
    scan = tmp_path / "scan.pdf"
    doc.save(scan)
    result = run(library_home, "add", str(scan))
    assert result.stdout.strip().isdigit()
    assert "no text layer" in result.stderr


@pytest.mark.parametrize("folder_name", ["x#1", "what?now", "100%41", "with space", "Bibliothèque 論文"])
def test_a_library_folder_may_hold_any_character(tmp_path, pdf_factory, folder_name):
    """SQLite URIs treat #, ? and % specially: such a folder once lost its database on the second command."""
    home = tmp_path / "papers" / folder_name
    first = int(run(home, "add", str(pdf_factory("First Paper"))).stdout)
    second = int(run(home, "add", str(pdf_factory("Second Paper"))).stdout)
    run(home, "note", str(first), "still here")
    assert run(home, "backup").returncode == 0
    assert run(home, "check").returncode == 0
    titles = sorted(p["title"] for p in json.loads(run(home, "list", "--json").stdout))
    assert titles == ["First Paper", "Second Paper"] and second != first
    assert json.loads(run(home, "show", str(first), "--json").stdout)["notes"][0]["body"] == "still here"
    assert sorted(p.name for p in (tmp_path / "papers").iterdir()) == [folder_name], "a stray file beside it"
    assert len(list((home / "backups").iterdir())) >= 1


def test_qt_options_are_split_from_ours():
    from reader.cli import is_command, split_qt_options

    assert split_qt_options(["-platform", "xcb", "--library", "L", "a.pdf", "-reverse", "--style=fusion"]) == (
        ["-platform", "xcb", "-reverse", "--style=fusion"], ["--library", "L", "a.pdf"])
    assert not is_command(["-platform", "xcb"])
    assert not is_command(["-style", "fusion", "-reverse", "--library", "L"])
    assert is_command(["-platform", "offscreen", "list"])
    assert is_command(["lsit"]), "a mistyped command is still reported, not opened"


def test_qt_options_reach_qt(library_home, corpus, tmp_path):
    """``-platform offscreen`` with no screen and no QT_QPA_PLATFORM: the window only starts if Qt got it."""
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    env["READING_LIST_SMOKE_TEST"] = "1"
    result = subprocess.run(
        [sys.executable, "-m", "reader", "-platform", "offscreen", "-style", "fusion", "-reverse",
         "--library", str(library_home), str(corpus / "papers" / "df__paper.pdf")],
        capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "smoke-ok pages=6" in result.stdout
