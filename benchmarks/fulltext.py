"""Full-text search of the papers' own pages (issue 16) on a library of 2,000 real-size papers.

The library's papers are the shared corpus's real PDFs (25 papers, about 12 pages
each), each listed 80 times over, as a library that was upgraded from schema 5:
no page is indexed yet. The window's own background indexer then reads every
paper through the extraction process, as after an upgrade. Prints:

- index size on disk per paper (the database before and after), and what an FTS5
  table keeping its own copy of the text would take instead;
- indexing speed, pages per second, through the extraction process;
- UI-thread stall while indexing in the background (lateness of a 1 ms timer; target p99 <= 5 ms);
- search latency while typing, query + table reload + 40 rows with their snippets
  (target p95 <= 50 ms from the second character);
- start-up to first paint with the pages indexed and without, run in turn (target: no slower).

    python benchmarks/fulltext.py [--papers 2000] [--keep DIR] [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import zlib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))
CORPUS = REPO.parent / "shared" / "corpus" / "real" / "papers"

TYPED = ["co", "con", "cont", "contr", "contra", "contrastive", "se", "sem", "sema", "semantic", "semantic s",
         "semantic sch", "semantic scholar", "li", "lit", "lite", "literature", "literature gr", "literature graph",
         "ne", "neu", "neural", "neural net", "neural network", "ci", "cit", "citation", "citation cont",
         "citation context", "fi", "fig", "figure", "figure ext", "figure extraction", "tag:NLP gr",
         "tag:NLP graph", "zz", "zzzz", "map", "mapreduce", "ke", "kernel", "kernel meth", "kernel methods"]


def corpus_pdfs() -> list[Path]:
    from reader.pdf.document import opened_pdf

    good = []
    for path in sorted(CORPUS.glob("*.pdf")):
        try:
            with opened_pdf(path) as doc:
                if doc.page_count and len(doc[0].get_text()) > 200:
                    good.append(path)
        except Exception:  # noqa: BLE001 - the corpus holds a few odd files on purpose
            pass
    return good


def build(home: Path, n: int) -> tuple[int, int]:
    """A library of ``n`` papers whose PDFs are the corpus's, none indexed yet; returns (papers, pages)."""
    from reader.library import Library
    from reader.library.identity import sha256_file
    from reader.pdf.document import opened_pdf

    Library.open(home).close()
    pdfs = []
    for path in corpus_pdfs():
        digest = sha256_file(path)
        shutil.copyfile(path, home / "pdfs" / f"{digest}.pdf")
        with opened_pdf(path) as doc:
            pdfs.append((f"pdfs/{digest}.pdf", digest, doc.page_count))
    rng = random.Random(16)
    words = "graph attention robust sparse kernel citation semantic neural learning retrieval".split()
    conn = sqlite3.connect(home / "library.sqlite3", isolation_level=None)
    conn.execute("BEGIN")
    conn.execute("INSERT INTO tag (name) VALUES ('NLP'), ('Vision')")
    pages = 0
    for i in range(1, n + 1):
        path, digest, count = pdfs[i % len(pdfs)]
        pages += count
        title = " ".join(rng.choice(words) for _ in range(6)).capitalize() + f" {i}"
        conn.execute("INSERT INTO paper (id, title, authors_display, year, added_at, updated_at, pdf_path, pdf_hash,"
                     " page_count) VALUES (?, ?, ?, ?, '2026-01-01', '2026-01-01', ?, ?, ?)",
                     (i, title, f"A. Author{i % 50}", 2000 + i % 25, path, digest, count))
        conn.execute("INSERT INTO paper_tag (paper_id, tag_id) VALUES (?, ?)", (i, 1 + i % 2))
        conn.execute("INSERT INTO paper_fts (rowid, title, authors, tags) VALUES (?, ?, ?, ?)",
                     (i, title, f"A. Author{i % 50}", "NLP" if i % 2 == 0 else "Vision"))
    conn.execute("COMMIT")
    conn.close()
    return n, pages


def db_size(home: Path) -> int:
    conn = sqlite3.connect(home / "library.sqlite3")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("VACUUM")
    conn.close()
    return (home / "library.sqlite3").stat().st_size


def index_in_window(home: Path) -> tuple[float, list[float]]:
    """Seconds the window's background indexer took, and the 1 ms timer's lateness meanwhile (ms)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from reader.library import Library
    from reader.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    library = Library.open(home)
    window = MainWindow(library)
    window.show()
    app.processEvents()
    lateness: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        lateness.append(max(0.0, (now - last[0]) * 1000 - 1))
        last[0] = now

    ticker = QTimer(interval=1, timerType=Qt.TimerType.PreciseTimer, timeout=tick)
    loop = QEventLoop()
    window.body_indexer.finished.connect(loop.quit)
    start = time.perf_counter()
    ticker.start()
    window.body_indexer.start()
    loop.exec()
    ticker.stop()
    seconds = time.perf_counter() - start
    window.close()
    window.shutdown()
    library.close()
    return seconds, lateness


def own_copy_size(home: Path) -> int:
    """The size of the same pages in an FTS5 table that keeps its own copy of the text (the default)."""
    source = sqlite3.connect(home / "library.sqlite3")
    target_path = home.parent / "own-copy.sqlite3"
    target_path.unlink(missing_ok=True)
    target = sqlite3.connect(target_path)
    target.execute("CREATE VIRTUAL TABLE page_fts USING fts5(text, tokenize = \"unicode61 remove_diacritics 2\","
                   " prefix = '2 3')")
    target.execute("BEGIN")
    for row_id, blob in source.execute("SELECT id, text FROM page_text"):
        target.execute("INSERT INTO page_fts (rowid, text) VALUES (?, ?)", (row_id, zlib.decompress(blob).decode()))
    target.execute("COMMIT")
    target.execute("VACUUM")
    target.close()
    source.close()
    size = target_path.stat().st_size
    target_path.unlink()
    return size


def index_tables_size(home: Path) -> tuple[int, int]:
    """Bytes of compressed page text, and bytes of the page index itself (from the pages SQLite uses)."""
    conn = sqlite3.connect(home / "library.sqlite3")
    text = conn.execute("SELECT SUM(LENGTH(text)) FROM page_text").fetchone()[0] or 0
    try:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        index = conn.execute("SELECT COUNT(*) FROM dbstat WHERE name LIKE 'page_fts%'").fetchone()[0] * page_size
    except sqlite3.OperationalError:  # SQLite built without dbstat
        index = -1
    conn.close()
    return text, index


def search_latency(home: Path) -> list[tuple[str, float]]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from reader.library import Library, PaperQuery
    from reader.ui.papers.model import BodyHitRole, Column, PaperTableModel

    app = QApplication.instance() or QApplication([])
    timings = []
    with Library.open(home, lock=False) as library:
        model = PaperTableModel(library)
        model.set_query(PaperQuery())
        for _ in range(3):
            for text in TYPED:
                t = time.perf_counter()
                model.set_query(PaperQuery(text=text))
                for row in range(min(40, model.rowCount())):  # what a view paints, snippets included
                    index = model.index(row, Column.TITLE)
                    index.data()
                    index.data(BodyHitRole)
                timings.append((text, (time.perf_counter() - t) * 1000))
    del app
    return timings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--papers", type=int, default=2000)
    parser.add_argument("--keep", type=Path)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    from library_scale import app_command, interleaved

    home = args.keep or Path(tempfile.mkdtemp(prefix="rl-fulltext-"))
    papers, pages = build(home, args.papers)
    print(f"library: {papers} papers, {pages} pages ({pages / papers:.1f} per paper), "
          f"{len(corpus_pdfs())} distinct real PDFs from the shared corpus, none indexed")
    before = db_size(home)
    plain_home = home.parent / f"{home.name}-without-page-text"
    shutil.rmtree(plain_home, ignore_errors=True)
    shutil.copytree(home, plain_home)  # the same library, never indexed, for the start-up comparison

    seconds, lateness = index_in_window(home)
    lateness.sort()
    print(f"background indexing in the window: {pages} pages in {seconds:.1f} s = {pages / seconds:.0f} pages/s"
          f" ({papers / seconds:.1f} papers/s)")
    p99 = lateness[int(len(lateness) * 0.99) - 1]
    print(f"UI-thread stall while indexing (1 ms timer lateness, {len(lateness)} ticks): median "
          f"{statistics.median(lateness):.2f} ms, p99 {p99:.2f} ms, max {lateness[-1]:.1f} ms (target p99 <= 5 ms)")

    after = db_size(home)
    text_bytes, index_bytes = index_tables_size(home)
    own = own_copy_size(home)
    print(f"database: {before / 1e6:.1f} MB before, {after / 1e6:.1f} MB after = "
          f"{(after - before) / papers / 1024:.1f} KiB per paper ({(after - before) / pages / 1024:.2f} KiB per page)")
    if index_bytes >= 0:
        print(f"  of which the compressed text {text_bytes / papers / 1024:.1f} KiB and the index "
              f"{index_bytes / papers / 1024:.1f} KiB per paper")
    print(f"  an FTS5 table keeping its own copy of the text instead: {own / papers / 1024:.1f} KiB per paper")

    lat = search_latency(home)
    typed = sorted(ms for text, ms in lat if len(text) >= 2)
    p95 = typed[int(len(typed) * 0.95) - 1]
    print(f"search while typing ({len(typed)} keystrokes of 2+ characters, query + reload + 40 rows with snippets):"
          f" median {statistics.median(typed):.1f} ms, p95 {p95:.1f} ms, max {typed[-1]:.1f} ms (target p95 <= 50 ms)")
    worst = sorted(lat, key=lambda x: -x[1])[:3]
    print("  slowest: " + ", ".join(f"{t!r} {ms:.1f} ms" for t, ms in worst))

    runs = interleaved({"plain": app_command(plain_home), "indexed": app_command(home)}, args.runs)
    plain_runs = sorted(r[0] * 1000 for r in runs["plain"])
    indexed_runs = sorted(r[0] * 1000 for r in runs["indexed"])
    ratios = sorted(i[0] / p[0] for p, i in zip(runs["plain"], runs["indexed"], strict=True))
    print(f"start-up to first paint, {args.runs} runs each, in turn: without page text median"
          f" {statistics.median(plain_runs):.0f} ms (range {plain_runs[0]:.0f}-{plain_runs[-1]:.0f}); with every"
          f" page indexed median {statistics.median(indexed_runs):.0f} ms (range {indexed_runs[0]:.0f}-"
          f"{indexed_runs[-1]:.0f}); indexed / plain {statistics.median(indexed_runs) / statistics.median(plain_runs):.2f}"
          f" (per pair {ratios[0]:.2f}-{ratios[-1]:.2f}; target: no slower)")
    shutil.rmtree(plain_home, ignore_errors=True)
    if not args.keep:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
