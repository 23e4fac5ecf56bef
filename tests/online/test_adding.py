"""Adding papers by identifier against recorded answers served on 127.0.0.1, with real PDFs."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import replace

import pytest
from werkzeug import Response

from reader.importers.plain_list import import_plain_list
from reader.library import PaperFields
from reader.online.adding import (
    ADDED,
    DUPLICATE,
    FAILED,
    WITHOUT_PDF,
    OnlineAdder,
    add_identifiers,
    fetch_papers,
)
from reader.online.http import Cancelled, OnlineClient
from reader.online.settings import OnlineSettings
from tests.online.conftest import FAST, leftovers

ATOM = "application/atom+xml"
MEMBRANE = "Membrane lateral structure: The influence of immobilized particles on domain size"


def serve_arxiv(httpserver, recorded, pdf_bytes):
    httpserver.expect_request("/api/query").respond_with_data(recorded("arxiv_1205.1001_1001.1001.atom.xml"),
                                                              content_type=ATOM)
    httpserver.expect_request("/pdf/1205.1001").respond_with_data(pdf_bytes, content_type="application/pdf")


def paths(httpserver) -> list[str]:
    return [request.path for request, _ in httpserver.log]


def test_an_arxiv_id_brings_arxivs_details_and_the_pdf_read_like_any_other(
        httpserver, recorded, pdf_bytes, library, make_client):
    serve_arxiv(httpserver, recorded, pdf_bytes)
    [result] = add_identifiers(library, ["https://arxiv.org/abs/1205.1001"], make_client(), tags=["membranes"])
    assert result.status == ADDED, result.line()
    paper = library.paper(result.paper_id)
    assert paper.title == MEMBRANE  # arXiv's title, not what extraction read in the (other) PDF
    assert paper.authors == ("Timo Fischer", "H. Jelger Risselada", "Richard L. C. Vink")
    assert (paper.year, paper.arxiv_id, paper.tags) == (2012, "1205.1001", ("membranes",))
    assert paper.summary.startswith("In experiments on model membranes")
    assert paper.pdf_path == f"pdfs/{paper.pdf_hash}.pdf" and (library.home / paper.pdf_path).read_bytes() == pdf_bytes
    assert len(paper.captions) >= 5 and any(c.thumbnail for c in paper.captions)  # captions and thumbnails
    assert library.body_text_outcome(paper.id) == "indexed"  # its pages are searchable
    request = httpserver.log[0][0]
    assert request.headers["User-Agent"].startswith("ReadingList/")
    assert leftovers(library) == []


def test_a_duplicate_is_recognised_before_anything_is_downloaded(httpserver, recorded, pdf_bytes, library,
                                                                 make_client):
    serve_arxiv(httpserver, recorded, pdf_bytes)
    client = make_client()
    [first] = add_identifiers(library, ["1205.1001"], client)
    asked = len(httpserver.log)
    [again] = add_identifiers(library, ["arXiv:1205.1001v1"], client, tags=["to discuss"])
    assert again.status == DUPLICATE and again.paper_id == first.paper_id
    assert again.line() == f"arXiv:1205.1001v1: duplicate of #1 {MEMBRANE!r} (same arXiv id; tagged to discuss)"
    assert library.paper(first.paper_id).tags == ("to discuss",)  # as when the same PDF is added again
    assert len(httpserver.log) == asked  # not even the metadata was asked for
    library.add_paper(PaperFields(title="The chromosphere: gateway to the corona, or the purgatory of solar physics?"))
    [by_title] = add_identifiers(library, ["1001.1001"], client)  # same title: found after the details came
    assert by_title.status == DUPLICATE and "/pdf/1001.1001" not in paths(httpserver)


def test_a_doi_brings_crossrefs_details(httpserver, recorded, library, make_client):
    httpserver.expect_request("/works/10.1021/acs.orglett.9b00971").respond_with_data(
        recorded("crossref_10.1021_acs.orglett.9b00971.json"), content_type="application/json")
    httpserver.expect_request("/10.1021/acs.orglett.9b00971").respond_with_data("Not found", status=404)
    [result] = add_identifiers(library, ["https://doi.org/10.1021/acs.orglett.9b00971"], make_client())
    assert result.status == WITHOUT_PDF and not result.later  # Crossref links no open PDF; nothing to retry
    paper = library.paper(result.paper_id)
    assert paper.title == "A General Copper-Catalyzed Synthesis of Ynamides from 1,2-Dichloroenamides"
    assert paper.authors[0] == "Steven J. Mansfield" and len(paper.authors) == 5
    assert (paper.year, paper.venue, paper.doi) == (2019, "Organic Letters", "10.1021/acs.orglett.9b00971")
    assert library.fetch_later() == {}


def test_a_doi_crossref_does_not_know_is_asked_of_datacite(httpserver, recorded, library, make_client):
    httpserver.expect_request("/works/10.5438/4k3m-nyvg").respond_with_data("Resource not found.", status=404)
    httpserver.expect_request("/dois/10.5438/4k3m-nyvg").respond_with_data(
        recorded("datacite_10.5438_4k3m-nyvg.json"), content_type="application/json")
    httpserver.expect_request("/10.5438/4k3m-nyvg").respond_with_data("<html><head></head></html>",
                                                                      content_type="text/html")
    [result] = add_identifiers(library, ["doi:10.5438/4k3m-nyvg"], make_client())
    paper = library.paper(result.paper_id)
    assert (paper.title, paper.authors, paper.year) == ("Eating your own Dog Food", ("Martin Fenner",), 2016)
    assert result.status == WITHOUT_PDF


def test_a_landing_page_with_citation_tags_gives_details_and_pdf(httpserver, recorded, pdf_bytes, library,
                                                                 make_client):
    httpserver.expect_request("/plosone/article").respond_with_data(
        recorded("plos_one_10.1371_journal.pone.0213978.head.html"), content_type="text/html")
    httpserver.expect_request("/plosone/article/file").respond_with_data(pdf_bytes, content_type="application/pdf")
    client = make_client()
    [result] = add_identifiers(
        library, ["https://journals.plos.org/plosone/article?id=10.1371/journal.pone.0213978"], client)
    assert result.status == ADDED, result.line()
    paper = library.paper(result.paper_id)
    assert paper.title.startswith("Assessment on reticuloendotheliosis virus infection")
    assert (len(paper.authors), paper.year, paper.venue) == (11, 2019, "PLOS ONE")
    assert paper.doi == "10.1371/journal.pone.0213978" and paper.pdf_path
    assert client.transport.hosts == ["journals.plos.org", "journals.plos.org"]  # the page's own PDF link


def test_an_openreview_forum_brings_its_note_and_pdf(httpserver, recorded, pdf_bytes, library, make_client):
    httpserver.expect_request("/notes", query_string={"id": "B1e9Y2NYvS"}).respond_with_data(
        recorded("openreview_note_B1e9Y2NYvS.json"), content_type="application/json")
    httpserver.expect_request("/pdf", query_string={"id": "B1e9Y2NYvS"}).respond_with_data(
        pdf_bytes, content_type="application/pdf")
    [result] = add_identifiers(library, ["https://openreview.net/forum?id=B1e9Y2NYvS"], make_client())
    assert result.status == ADDED, result.line()
    paper = library.paper(result.paper_id)
    assert (paper.title, paper.venue, paper.year) == ("On Robustness of Neural Ordinary Differential Equations",
                                                      "ICLR 2020", 2020)
    assert paper.url == "https://openreview.net/forum?id=B1e9Y2NYvS"


def test_an_id_the_service_does_not_know_adds_nothing(httpserver, recorded, library, make_client):
    httpserver.expect_request("/api/query").respond_with_data(recorded("arxiv_1205.1001_1001.1001.atom.xml"),
                                                              content_type=ATOM)
    httpserver.expect_request("/works/10.1/nothing").respond_with_data("Resource not found.", status=404)
    httpserver.expect_request("/dois/10.1/nothing").respond_with_data('{"errors":[]}', status=404)
    results = add_identifiers(library, ["2301.99999", "doi:10.1/nothing", "not a paper"], make_client())
    assert [r.status for r in results] == [FAILED, FAILED, FAILED]
    assert "arXiv has no paper 2301.99999" in results[0].line()
    assert "not an arXiv id, a DOI or a web link" in results[2].reason
    assert library.count() == 0


def test_429_with_retry_after_is_waited_out(httpserver, recorded, pdf_bytes, library, make_client):
    httpserver.expect_oneshot_request("/api/query").respond_with_data("Slow down", status=429,
                                                                      headers={"Retry-After": "1"})
    serve_arxiv(httpserver, recorded, pdf_bytes)
    started = time.monotonic()
    [result] = add_identifiers(library, ["1205.1001"], make_client())
    assert result.status == ADDED
    assert time.monotonic() - started >= 1.0  # the server's Retry-After, not the 0.05 s back-off
    assert paths(httpserver)[:2] == ["/api/query", "/api/query"]


def test_a_retry_after_longer_than_we_wait_means_fetch_later(httpserver, library, make_client):
    httpserver.expect_request("/api/query").respond_with_data("Slow down", status=429,
                                                              headers={"Retry-After": "3600"})
    started = time.monotonic()
    [result] = add_identifiers(library, ["1205.1001"], make_client())
    assert time.monotonic() - started < 2
    assert result.status == WITHOUT_PDF and result.later and "asks to wait 3600 s" in result.reason
    assert library.paper(result.paper_id).title == "arXiv 1205.1001"
    assert result.paper_id in library.fetch_later()


def test_a_5xx_then_success(httpserver, recorded, pdf_bytes, library, make_client):
    httpserver.expect_oneshot_request("/pdf/1205.1001").respond_with_data("Bad gateway", status=502)
    serve_arxiv(httpserver, recorded, pdf_bytes)
    [result] = add_identifiers(library, ["1205.1001"], make_client())
    assert result.status == ADDED and paths(httpserver).count("/pdf/1205.1001") == 2


def test_a_failing_server_leaves_the_paper_to_fetch_later_and_fetch_finishes_it(
        httpserver, recorded, pdf_bytes, library, make_client):
    httpserver.expect_request("/api/query").respond_with_data(recorded("arxiv_1205.1001_1001.1001.atom.xml"),
                                                              content_type=ATOM)
    httpserver.expect_request("/pdf/1205.1001").respond_with_data("Service unavailable", status=503)
    [result] = add_identifiers(library, ["1205.1001"], make_client())
    assert result.status == WITHOUT_PDF and result.later
    assert "will fetch later" in result.line() and "HTTP 503" in result.line()
    assert library.paper(result.paper_id).title == MEMBRANE and not library.paper(result.paper_id).pdf_path
    httpserver.clear()
    serve_arxiv(httpserver, recorded, pdf_bytes)
    [fetched] = fetch_papers(library, None, make_client())
    assert fetched.status == ADDED and library.paper(result.paper_id).pdf_path
    assert library.fetch_later() == {}


def test_a_truncated_download_leaves_nothing_behind(httpserver, recorded, pdf_bytes, library, make_client):
    httpserver.expect_request("/api/query").respond_with_data(recorded("arxiv_1205.1001_1001.1001.atom.xml"),
                                                              content_type=ATOM)
    httpserver.expect_request("/pdf/1205.1001").respond_with_data(pdf_bytes[: len(pdf_bytes) // 2],
                                                                  content_type="application/pdf")
    [result] = add_identifiers(library, ["1205.1001"], make_client())
    assert result.status == WITHOUT_PDF and result.later and "stopped before the end" in result.reason
    assert list(library.pdf_dir.iterdir()) == [] and leftovers(library) == []


def test_a_connection_cut_midway_leaves_nothing_behind(httpserver, recorded, pdf_bytes, library, make_client):
    def cut(_request):
        response = Response(iter([pdf_bytes[:100_000]]), content_type="application/pdf")
        response.headers["Content-Length"] = str(len(pdf_bytes))  # promised, never sent
        return response

    httpserver.expect_request("/api/query").respond_with_data(recorded("arxiv_1205.1001_1001.1001.atom.xml"),
                                                              content_type=ATOM)
    httpserver.expect_request("/pdf/1205.1001").respond_with_handler(cut)
    [result] = add_identifiers(library, ["1205.1001"], make_client(read_timeout=0.5))
    assert result.status == WITHOUT_PDF and result.later
    assert list(library.pdf_dir.iterdir()) == [] and leftovers(library) == []


def test_a_web_page_where_the_pdf_should_be(httpserver, recorded, library, make_client):
    httpserver.expect_request("/api/query").respond_with_data(recorded("arxiv_1205.1001_1001.1001.atom.xml"),
                                                              content_type=ATOM)
    httpserver.expect_request("/pdf/1205.1001").respond_with_data(
        recorded("plos_one_10.1371_journal.pone.0213978.head.html"), content_type="text/html")
    [result] = add_identifiers(library, ["1205.1001"], make_client())
    assert result.status == WITHOUT_PDF and not result.later
    assert "gave a web page, not a PDF" in result.reason
    assert library.paper(result.paper_id).title == MEMBRANE and leftovers(library) == []


def test_a_redirect_loop_is_given_up(httpserver, recorded, library, make_client):
    httpserver.expect_request("/api/query").respond_with_data(recorded("arxiv_1205.1001_1001.1001.atom.xml"),
                                                              content_type=ATOM)
    httpserver.expect_request("/pdf/1205.1001").respond_with_data("", status=302,
                                                                  headers={"Location": "/pdf/1205.1001"})
    [result] = add_identifiers(library, ["1205.1001"], make_client(max_redirects=4))
    assert result.status == WITHOUT_PDF and "redirect loop" in result.reason
    assert paths(httpserver).count("/pdf/1205.1001") == 5


def test_a_redirect_to_a_file_url_is_not_followed(httpserver, recorded, library, make_client):
    httpserver.expect_request("/api/query").respond_with_data(recorded("arxiv_1205.1001_1001.1001.atom.xml"),
                                                              content_type=ATOM)
    httpserver.expect_request("/pdf/1205.1001").respond_with_data("", status=302,
                                                                  headers={"Location": "file:///etc/passwd"})
    [result] = add_identifiers(library, ["1205.1001"], make_client())
    assert result.status == WITHOUT_PDF and "not a web address" in result.reason


def test_a_pdf_over_the_size_cap_is_refused(httpserver, recorded, pdf_bytes, library, make_client):
    serve_arxiv(httpserver, recorded, pdf_bytes)
    [result] = add_identifiers(library, ["1205.1001"], make_client(max_pdf_bytes=100_000))
    assert result.status == WITHOUT_PDF and "allowed" in result.reason and leftovers(library) == []


def test_a_server_too_slow_to_answer_times_out(httpserver, library, make_client):
    release = threading.Event()

    def slow(_request):
        release.wait(10)
        return Response("late", content_type=ATOM)

    httpserver.expect_request("/api/query").respond_with_handler(slow)
    started = time.monotonic()
    try:
        [result] = add_identifiers(library, ["1205.1001"], make_client(read_timeout=0.3, retries=1))
        assert time.monotonic() - started < 5
        assert result.status == WITHOUT_PDF and result.later and "did not answer in time" in result.reason
    finally:  # let the server finish both answers, so they do not reach the next test's log
        release.set()
        deadline = time.monotonic() + 5
        while len(httpserver.log) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)


def test_offline_the_paper_is_added_with_what_is_known(library):
    with socket.socket() as probe:  # a port nothing listens on: connection refused, as when offline
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    client = OnlineClient(replace(FAST, arxiv_api=f"{base}/api/query", crossref_api=base, doi_resolver=base))
    started = time.monotonic()
    try:
        results = add_identifiers(library, ["arXiv:2101.05225", "10.1021/acs.orglett.9b00971"], client)
    finally:
        client.close()
    assert time.monotonic() - started < 5
    assert [r.status for r in results] == [WITHOUT_PDF, WITHOUT_PDF] and all(r.later for r in results)
    assert "cannot reach 127.0.0.1" in results[0].reason
    first, second = (library.paper(r.paper_id) for r in results)
    assert (first.title, first.arxiv_id) == ("arXiv 2101.05225", "2101.05225")
    assert (second.title, second.doi) == ("DOI 10.1021/acs.orglett.9b00971", "10.1021/acs.orglett.9b00971")
    assert set(library.fetch_later()) == {first.id, second.id}


def test_cancel_stops_at_once_and_keeps_nothing_half_done(httpserver, recorded, pdf_bytes, library, make_client):
    serve_arxiv(httpserver, recorded, pdf_bytes)
    client = make_client()
    client.is_cancelled = lambda: True
    with pytest.raises(Cancelled):
        add_identifiers(library, ["1205.1001"], client)
    assert library.count() == 0 and leftovers(library) == []


def test_fetch_pdf_for_a_sample_paper_keeps_its_details(httpserver, pdf_bytes, library, make_client):
    httpserver.expect_request("/pdf/1910.05513").respond_with_data(pdf_bytes, content_type="application/pdf")
    paper_id = library.add_paper(PaperFields(
        title="On Robustness of Neural Ordinary Differential Equations", authors=("Hanshu Yan",), year=2020,
        venue="ICLR 2020", arxiv_id="1910.05513", url="https://openreview.net/forum?id=B1e9Y2NYvS",
        summary="Compares neural ODE networks with ordinary CNNs."))
    [result] = fetch_papers(library, [paper_id], make_client())
    assert result.status == ADDED, result.line()
    paper = library.paper(paper_id)
    assert paper.pdf_path and paper.page_count == 11 and paper.captions
    assert (paper.title, paper.summary) == ("On Robustness of Neural Ordinary Differential Equations",
                                            "Compares neural ODE networks with ordinary CNNs.")
    assert paths(httpserver) == ["/pdf/1910.05513"]  # no API call: arXiv's PDF address is known


def test_a_plain_list_of_ids_is_resolved_by_fetch(httpserver, recorded, pdf_bytes, library, make_client, tmp_path):
    serve_arxiv(httpserver, recorded, pdf_bytes)
    httpserver.expect_request("/works/10.1021/acs.orglett.9b00971").respond_with_data(
        recorded("crossref_10.1021_acs.orglett.9b00971.json"), content_type="application/json")
    httpserver.expect_request("/10.1021/acs.orglett.9b00971").respond_with_data("Not found", status=404)
    listing = tmp_path / "list.txt"
    listing.write_text("arXiv:1205.1001\n10.1021/acs.orglett.9b00971\n", encoding="utf-8")
    report = import_plain_list(library, listing)
    assert len(report.added) == 2
    assert "2 of them are known only by a DOI or arXiv id: Paper → Fetch PDF (or `reading-list fetch`)" \
        in report.lines()[1]
    results = fetch_papers(library, None, make_client())
    assert [r.status for r in results] == [ADDED, WITHOUT_PDF]
    arxiv_paper, doi_paper = (library.paper(pid) for pid, _ in report.added)
    assert arxiv_paper.title == MEMBRANE and arxiv_paper.pdf_path and len(arxiv_paper.authors) == 3
    assert doi_paper.title.startswith("A General Copper-Catalyzed") and doi_paper.venue == "Organic Letters"


def test_update_metadata_keeps_what_the_person_typed(httpserver, recorded, library, make_client):
    httpserver.expect_request("/api/query").respond_with_data(recorded("arxiv_1205.1001_1001.1001.atom.xml"),
                                                              content_type=ATOM)
    paper_id = library.add_paper(PaperFields(title="membranes paper", arxiv_id="1205.1001", venue="PCCP draft"))
    library.update_paper(paper_id, title="My name for it")  # typed by the person
    adder = OnlineAdder(library, make_client(), thumbnailer=None)
    result = adder.fetch(paper_id, refresh_metadata=True)
    assert result.status == WITHOUT_PDF  # no PDF server here: details updated, the PDF left to fetch
    paper = library.paper(paper_id)
    assert paper.title == "My name for it"
    assert paper.authors[0] == "Timo Fischer" and paper.venue == "arXiv" and paper.year == 2012


def test_settings_come_from_the_environment(monkeypatch):
    from reader.online.settings import load_online_settings

    monkeypatch.setenv("READING_LIST_ARXIV_API", "http://127.0.0.1:9/api/query/")
    monkeypatch.setenv("READING_LIST_ARXIV_INTERVAL", "0.5")
    monkeypatch.setenv("READING_LIST_RETRIES", "not a number")
    settings = load_online_settings()
    assert settings.arxiv_api == "http://127.0.0.1:9/api/query" and settings.arxiv_interval == 0.5
    assert settings.retries == OnlineSettings().retries


def test_fetch_for_a_paper_that_has_its_pdf_asks_nothing(httpserver, recorded, pdf_bytes, library, make_client):
    serve_arxiv(httpserver, recorded, pdf_bytes)
    client = make_client()
    [added] = add_identifiers(library, ["1205.1001"], client)
    asked = len(httpserver.log)
    [again] = fetch_papers(library, [added.paper_id], client)
    assert again.line() == f"#{added.paper_id} {MEMBRANE!r} already has its PDF; nothing to fetch"
    assert len(httpserver.log) == asked
    [updated] = fetch_papers(library, [added.paper_id], client, refresh_metadata=True)
    assert updated.line() == f"updated the details of #{added.paper_id} {MEMBRANE!r}"


def test_an_acl_anthology_link_reads_the_pages_tags_and_takes_its_pdf(httpserver, recorded, pdf_bytes, library,
                                                                      make_client):
    httpserver.expect_request("/2023.findings-emnlp.725/").respond_with_data(
        recorded("acl_2023.findings-emnlp.725.head.html"), content_type="text/html")
    httpserver.expect_request("/2023.findings-emnlp.725.pdf").respond_with_data(pdf_bytes,
                                                                               content_type="application/pdf")
    [result] = add_identifiers(library, ["https://aclanthology.org/2023.findings-emnlp.725.pdf"], make_client())
    assert result.status == ADDED, result.line()
    paper = library.paper(result.paper_id)
    assert paper.title == "HuatuoGPT, Towards Taming Language Model to Be a Doctor"
    assert len(paper.authors) == 13 and paper.authors[2] == "Feng Jiang (蒋峰)"
    assert (paper.year, paper.doi) == (2023, "10.18653/v1/2023.findings-emnlp.725")
    assert paper.venue == "Findings of the Association for Computational Linguistics: EMNLP 2023"
    assert paper.url == "https://aclanthology.org/2023.findings-emnlp.725/"


def test_a_download_that_trickles_is_stopped_at_the_total_time_out(httpserver, recorded, pdf_bytes, library,
                                                                   make_client):
    def trickle(_request):
        def body():
            for start in range(0, len(pdf_bytes), 64 * 1024):
                time.sleep(0.15)  # always within the read time-out, never done in time
                yield pdf_bytes[start:start + 64 * 1024]
        return Response(body(), content_type="application/pdf")

    httpserver.expect_request("/api/query").respond_with_data(recorded("arxiv_1205.1001_1001.1001.atom.xml"),
                                                              content_type=ATOM)
    httpserver.expect_request("/pdf/1205.1001").respond_with_handler(trickle)
    started = time.monotonic()
    [result] = add_identifiers(library, ["1205.1001"], make_client(total_timeout=0.5))
    assert time.monotonic() - started < 3
    assert result.status == WITHOUT_PDF and result.later and "took more than" in result.reason
    assert leftovers(library) == [] and list(library.pdf_dir.iterdir()) == []
