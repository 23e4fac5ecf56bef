"""``reading-list export`` and ``import`` as a user runs them: real processes, real folders."""

from __future__ import annotations

from tests.export.builders import build_library
from tests.test_cli import run


def test_import_bib_then_export_bibtex_and_markdown(library_home, tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text("@article{k1, title = {Graph Attention Networks}, author = {Velickovic, Petar}, year = 2018,"
                   " keywords = {Graphs}, pages = {1--2}}\n@article{bad,\n title = {x\n\n"
                   "@misc{k2, title = {Second}, year = 2019}\n", encoding="utf-8")
    result = run(library_home, "import", str(bib))
    assert result.stdout.split() == ["1", "2"]
    assert "line 2: malformed entry" in result.stderr and "Traceback" not in result.stderr

    out = run(library_home, "export", "bibtex", "--tag", "Graphs")
    assert out.stdout.startswith("@article{k1,") and "pages = {1--2}" in out.stdout and "k2" not in out.stdout
    run(library_home, "export", "bibtex", "--out", str(tmp_path / "all.bib"), "--paper", "2")
    assert (tmp_path / "all.bib").read_text(encoding="utf-8").startswith("@misc{k2,")

    notes = tmp_path / "vault"
    run(library_home, "export", "markdown", "--out", str(notes))
    assert sorted(p.name for p in notes.glob("*.md")) == ["2019-second.md", "velickovic-2018-graph-attention-networks.md"]


def test_import_a_plain_list(library_home, tmp_path):
    listing = tmp_path / "papers.md"
    listing.write_text("My picks:\n\n1. Mogrifier LSTM\n2. Reformer: The Efficient Transformer\n", encoding="utf-8")
    assert run(library_home, "import", str(listing), "--tag", "Picks").stdout.split() == ["1", "2"]
    assert "Reformer" in run(library_home, "list", "--tag", "Picks").stdout


def test_export_errors_are_one_line(library_home, tmp_path):
    build_library(library_home)[0].close()
    (tmp_path / "file").write_text("x")
    result = run(library_home, "export", "markdown", "--out", str(tmp_path / "file" / "notes"), check=False)
    assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1
    assert "cannot be created" in result.stderr
    result = run(library_home, "export", "markdown", "--out", str(tmp_path / "n"), "--paper", "99", check=False)
    assert result.returncode == 1 and "no paper with id 99" in result.stderr
    result = run(library_home, "import", str(tmp_path / "missing.bib"), check=False)
    assert result.returncode == 1 and "does not exist" in result.stderr


def test_export_each_bibliography_format_and_import_it_back(library_home, tmp_path):
    """``export biblatex|ris|csljson``: stdout without --out, a file with it, and the file imports again."""
    import json

    build_library(library_home)[0].close()
    biblatex = run(library_home, "export", "biblatex", "--tag", "NLP").stdout
    assert biblatex.startswith("@inproceedings{vaswani2017attention,") and "eprinttype = {arxiv}" in biblatex
    ris = run(library_home, "export", "ris", "--paper", "1").stdout
    assert ris.splitlines()[0] == "TY  - CPAPER" and "AU  - Vaswani, Ashish" in ris and ris.rstrip().endswith("ER  -")
    out = tmp_path / "refs.json"
    result = run(library_home, "export", "csljson", "--out", str(out))
    assert "Exported 3 entries" in result.stderr and result.stdout == ""
    items = json.loads(out.read_text(encoding="utf-8"))
    assert items[0]["author"][0] == {"family": "Vaswani", "given": "Ashish"}
    assert items[0]["issued"] == {"date-parts": [[2017]]}

    fresh = tmp_path / "fresh"
    imported = run(fresh, "import", str(out))
    assert imported.stdout.split() == ["1", "2"]  # the third is the first's twin: same title, year, author
    assert "already in the library" in imported.stderr
    assert "Attention" in run(fresh, "show", "1").stdout
