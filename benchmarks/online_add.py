"""Adding papers by arXiv id against a local server: where the time goes, and the arXiv rate limit.

    python benchmarks/online_add.py [--repeats 3]

Serves the recorded arXiv answer (tests/data/online) and real PDFs from
../shared/corpus/real/papers on 127.0.0.1 (no internet), then, for each PDF, adds
arXiv 1205.1001 to a fresh library (details, download, hash, extraction, captions,
thumbnails, page text) and prints the medians. Then adds three ids with the default
3-second arXiv interval and prints how long that took (it must be at least 6 s).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus" / "real" / "papers"
ATOM = (REPO / "tests" / "data" / "online" / "arxiv_1205.1001_1001.1001.atom.xml").read_bytes()
PDFS = ("sp__mooney05.pdf", "sp__dyer12.pdf", "pm__2020.acl-main.447.pdf", "pm__2203.00130v1.pdf")


def serve(pdf: dict) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body, kind = (ATOM, "application/atom+xml") if self.path.startswith("/api/query") else \
                (pdf["bytes"], "application/pdf")
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    from reader.library import Library
    from reader.online.adding import ADDED, add_identifiers
    from reader.online.http import OnlineClient
    from reader.online.settings import OnlineSettings

    current = {"bytes": b""}
    server = serve(current)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    settings = OnlineSettings(arxiv_api=f"{base}/api/query", arxiv_site=base, arxiv_interval=0)
    print(f"{'PDF':<28} {'MiB':>5} {'add s (median)':>15} {'download s':>11}")
    for name in PDFS:
        current["bytes"] = (CORPUS / name).read_bytes()
        totals, downloads = [], []
        for _ in range(args.repeats):
            with tempfile.TemporaryDirectory() as home:
                library = Library.open(Path(home))
                client = OnlineClient(settings)
                try:
                    started = time.perf_counter()
                    tmp = client.download_pdf(f"{base}/pdf/1205.1001", library.pdf_dir)
                    downloads.append(time.perf_counter() - started)
                    tmp.unlink()
                    started = time.perf_counter()
                    [result] = add_identifiers(library, ["1205.1001"], client)
                    totals.append(time.perf_counter() - started)
                    assert result.status == ADDED, result.line()
                finally:
                    client.close()
                    library.close()
        size = len(current["bytes"]) / 2**20
        print(f"{name:<28} {size:5.1f} {statistics.median(totals):15.2f} {statistics.median(downloads):11.3f}")
    with tempfile.TemporaryDirectory() as home:
        library = Library.open(Path(home))
        client = OnlineClient(replace(settings, arxiv_interval=OnlineSettings().arxiv_interval))
        started = time.perf_counter()
        add_identifiers(library, ["1205.1001", "1001.1001", "2301.99999"], client, thumbnailer=None)
        elapsed = time.perf_counter() - started
        client.close()
        library.close()
    print(f"three arXiv ids at one API request per 3 s: {elapsed:.1f} s (at least 6 s)")
    server.shutdown()
    return 0 if elapsed >= 6 else 1


if __name__ == "__main__":
    sys.exit(main())
