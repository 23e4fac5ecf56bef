"""``reading-list add-id`` and ``fetch``: one line per paper, services found through READING_LIST_* variables."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.online.test_adding import ATOM, MEMBRANE


def run(home, *args, base: str):
    env = {**os.environ, "READING_LIST_ARXIV_API": f"{base}/api/query", "READING_LIST_ARXIV_SITE": base,
           "READING_LIST_CROSSREF_API": base, "READING_LIST_DATACITE_API": base, "READING_LIST_DOI_RESOLVER": base,
           "READING_LIST_ARXIV_INTERVAL": "0", "READING_LIST_RETRIES": "1", "READING_LIST_BACKOFF": "0.05"}
    return subprocess.run([sys.executable, "-m", "reader", "--library", str(home), *args], capture_output=True,
                          text=True, env=env, timeout=120, check=False)


@pytest.mark.slow
def test_add_id_prints_one_line_per_paper_and_fetch_finishes_what_was_left(
        httpserver, recorded, pdf_bytes, library_home, corpus):
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/api/query").respond_with_data(recorded("arxiv_1205.1001_1001.1001.atom.xml"),
                                                              content_type=ATOM)
    httpserver.expect_request("/pdf/1205.1001").respond_with_data(pdf_bytes, content_type="application/pdf")
    httpserver.expect_request("/pdf/1001.1001v1").respond_with_data("Service unavailable", status=503)
    done = run(library_home, "add-id", "arXiv:1205.1001", "https://arxiv.org/abs/1001.1001v1", "not-an-id",
               base=base)
    lines = done.stdout.splitlines()
    assert done.returncode == 1, done.stderr  # one of the three could not be added at all
    assert lines[0] == f"added #1 {MEMBRANE!r} with its PDF"
    assert lines[1].startswith("added #2 'The chromosphere: gateway to the corona, or the purgatory of solar "
                               "physics?' without PDF, will fetch later: ")
    assert "HTTP 503" in lines[1]
    assert lines[2].startswith("not-an-id: not added: 'not-an-id' is not an arXiv id")
    again = run(library_home, "add-id", "1205.1001", base=base)
    assert again.returncode == 0 and again.stdout.startswith(f"1205.1001: duplicate of #1 {MEMBRANE!r}")

    httpserver.clear()
    # fetch asks for the paper as the library knows it: its arXiv id, any version
    other_pdf = (corpus / "papers" / "sp__mooney05.pdf").read_bytes()
    httpserver.expect_request("/pdf/1001.1001").respond_with_data(other_pdf, content_type="application/pdf")
    fetched = run(library_home, "fetch", base=base)
    assert fetched.returncode == 0, fetched.stderr
    assert fetched.stdout.startswith("added #2 'The chromosphere")
    assert run(library_home, "fetch", base=base).stdout.strip() == "Nothing to fetch."


def test_add_id_offline_says_so_in_one_line_and_never_a_traceback(library_home):
    done = run(library_home, "add-id", "10.1021/acs.orglett.9b00971", base="http://127.0.0.1:9")
    assert done.returncode == 0
    assert done.stdout.startswith("added #1 'DOI 10.1021/acs.orglett.9b00971' without PDF, will fetch later: "
                                  "its details could not be fetched: cannot reach 127.0.0.1:9")
    assert "Traceback" not in done.stderr
