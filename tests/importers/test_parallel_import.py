"""Imports read PDFs on several cores (issue 17): a pool of worker processes, and ``import_pdfs`` reading ahead.

Everything is real: spawned worker processes, the shared corpus's PDFs, a library
on disk. A file that hangs or crashes its worker is made with the pool's own
``call`` (``time:sleep``, ``os:abort``) on a real process, as the hostile-file
tests do, because no corpus file hangs on cue.
"""

from __future__ import annotations

import json
import multiprocessing
import shutil
import threading
import time
from pathlib import Path

import pytest

from reader.errors import PdfError
from reader.importers.extraction_pool import ExtractionPool
from reader.importers.pdf_files import import_pdfs
from reader.library import Library
from tests.conftest import CORPUS

TRUTH = Path(__file__).resolve().parents[1] / "data" / "ground_truth"


def _real_pdfs() -> list[Path]:
    files = []
    for truth in sorted(TRUTH.glob("*.json")):
        pdf = CORPUS / json.loads(truth.read_text(encoding="utf-8"))["file"]
        if pdf.is_file():
            files.append(pdf)
    return files


REAL = _real_pdfs()
pytestmark = pytest.mark.skipif(len(REAL) < 6, reason=f"shared corpus not found at {CORPUS}")


def _largest(count: int) -> list[Path]:
    return sorted(REAL, key=lambda p: p.stat().st_size, reverse=True)[:count]


@pytest.fixture
def pools():
    made: list[ExtractionPool] = []

    def make(**kw) -> ExtractionPool:
        made.append(ExtractionPool(**kw))
        return made[-1]

    yield make
    for pool in made:
        pool.shutdown(wait=True)


def _new_children(before: set[int]) -> set[int]:
    return {p.pid for p in multiprocessing.active_children()} - before


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to watch the workers")
def test_two_workers_extract_two_real_pdfs_at_the_same_time(pools):
    pool = pools(workers=2)
    slow = _largest(2)
    before = {p.pid for p in multiprocessing.active_children()}
    titles: dict[int, list[str]] = {0: [], 1: []}

    def read(which: int) -> None:
        for _ in range(4):
            titles[which].append(pool.extract(slow[which]).metadata.title)

    threads = [threading.Thread(target=read, args=(i,)) for i in (0, 1)]
    for thread in threads:
        thread.start()
    both_working = 0
    last: dict[int, int] = {}
    while any(t.is_alive() for t in threads):
        time.sleep(0.1)
        now = {}
        for pid in _new_children(before):
            try:
                now[pid] = _cpu_ticks(pid)
            except (OSError, IndexError):
                pass
        busy = [pid for pid, ticks in now.items() if pid in last and ticks > last[pid]]
        both_working += len(busy) >= 2
        last = now
    for thread in threads:
        thread.join()
    assert len(_new_children(before)) == 2
    assert both_working >= 2, "the two worker processes were never seen using the CPU in the same 100 ms"
    assert titles[0] == [pool.extract(slow[0]).metadata.title] * 4  # each thread got its own file's answer
    assert titles[1] == [pool.extract(slow[1]).metadata.title] * 4


def test_calls_from_two_threads_wait_for_each_other_only_when_the_pool_has_one_worker(pools, tmp_path):
    def two_at_once(pool: ExtractionPool, seconds: float) -> float:
        start = time.perf_counter()
        threads = [threading.Thread(target=pool.call, args=(tmp_path / "x.pdf", "time:sleep", seconds))
                   for _ in (0, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return time.perf_counter() - start

    spans = {}
    for workers in (1, 2):
        pool = pools(workers=workers)
        two_at_once(pool, 0.2)  # every worker started
        spans[workers] = two_at_once(pool, 1.5)
    assert spans[1] >= 3.0
    assert spans[2] < 2.5


def test_a_crash_in_one_worker_fails_no_call_in_the_other(pools, tmp_path):
    pool = pools(workers=2)
    real = _largest(1)[0]
    expected = pool.extract(real).metadata.title
    results: list = []

    def keep_reading() -> None:
        for _ in range(6):
            try:
                results.append(pool.extract(real).metadata.title)
            except PdfError as exc:
                results.append(exc)

    reader_thread = threading.Thread(target=keep_reading)
    reader_thread.start()
    time.sleep(0.3)
    with pytest.raises(PdfError, match=r"bad\.pdf crashed the PDF reader and was skipped\."):
        pool.call(tmp_path / "bad.pdf", "os:abort")
    with pytest.raises(PdfError, match=r"slow\.pdf took more than 2 s to read and was skipped\."):
        pool.call(tmp_path / "slow.pdf", "time:sleep", 30, timeout_s=2)
    reader_thread.join()
    assert results == [expected] * 6
    assert pool.extract(real).metadata.title == expected  # the replaced worker serves again


def test_a_hanging_file_fails_alone_while_the_others_import(pools, library_home, tmp_path):
    pool = pools(workers=2, timeout_s=4.0)
    papers = _largest(3)
    hanging = tmp_path / "hangs.pdf"
    shutil.copyfile(REAL[0], hanging)  # its own bytes, new to the library: its extraction is what hangs
    hanging.write_bytes(hanging.read_bytes() + b"\n% made to hang\n")

    def extractor(path: Path):
        if path.name == "hangs.pdf":
            return pool.call(path, "time:sleep", 60)
        return pool.extract(path)

    files = [papers[0], hanging, papers[1], papers[2]]
    with Library.open(library_home) as library:
        started = time.perf_counter()
        outcomes = import_pdfs(library, files, extractor=extractor, thumbnailer=pool.thumbnails,
                               annotation_reader=pool.annotations, lookahead=2)
        took = time.perf_counter() - started
        assert [o.path for o in outcomes] == files
        assert [o.ok for o in outcomes] == [True, False, True, True]
        assert outcomes[1].error == f"{hanging} took more than 4 s to read and was skipped."
        assert len(_papers(library)) == 3
    assert took < 60


def _papers(library: Library) -> list:
    return [library.paper(paper_id) for paper_id in sorted(library.query_ids())]


def _summary(outcomes) -> list[tuple]:
    return [(o.path.name, o.paper_id, o.created, o.title, o.error, o.warnings) for o in outcomes]


def test_reading_ahead_gives_the_same_outcomes_in_the_same_order_as_one_at_a_time(pools, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    files = REAL[:7]
    twin = folder / "same-bytes-again.pdf"
    shutil.copyfile(files[2], twin)  # added once: the second is "already in the library"
    missing = folder / "gone.pdf"
    not_pdf = folder / "notes.pdf"
    not_pdf.write_text("these are notes, not a PDF")
    batch = [files[0], files[1], missing, files[2], twin, not_pdf, *files[3:], files[0]]
    results = {}
    for name, workers, lookahead in (("one at a time", 1, 0), ("ahead", 2, 2)):
        pool = pools(workers=workers)
        reports = []
        with Library.open(tmp_path / name) as library:
            outcomes = import_pdfs(library, batch, extractor=pool.extract, thumbnailer=pool.thumbnails,
                                   annotation_reader=pool.annotations, lookahead=lookahead,
                                   progress=lambda d, t, o: reports.append((d, t, o.path.name, o.ok)))
            stored = [(p.id, p.title, p.page_count, [(c.label, bool(c.thumbnail)) for c in p.captions])
                      for p in _papers(library)]
        results[name] = (_summary(outcomes), reports, stored)
    assert results["ahead"] == results["one at a time"]
    summary = results["ahead"][0]
    assert [row[2] for row in summary] == [True, True, False, True, False, False, True, True, True, True, False]
    assert "does not exist" in summary[2][4] and summary[4][3] and not summary[4][4]
    assert sum(drawn for paper in results["ahead"][2] for _, drawn in paper[3]) > 10  # figure thumbnails drawn


def test_cancel_while_reading_ahead_writes_nothing_more(pools, library_home):
    pool = pools(workers=2)
    files = REAL[:8]
    cancelled = threading.Event()
    reports = []

    def progress(done, total, outcome):
        reports.append(done)
        if done == 2:
            cancelled.set()

    with Library.open(library_home) as library:
        outcomes = import_pdfs(library, files, extractor=pool.extract, thumbnailer=pool.thumbnails,
                               annotation_reader=pool.annotations, lookahead=2, progress=progress,
                               is_cancelled=cancelled.is_set)
        assert [o.path for o in outcomes] == files[:2] and reports == [1, 2]
        pool.shutdown(wait=True)  # the extractions already running ahead have ended
        time.sleep(0.2)
        assert len(_papers(library)) == 2
        assert len([p for p in library.pdf_dir.rglob("*.pdf") if p.is_file()]) == 2
    with Library.open(library_home) as library:
        assert [p.title for p in _papers(library)] == [o.title for o in outcomes]


def test_one_file_starts_one_worker_and_a_batch_no_more_than_the_pool_has(pools, library_home):
    before = {p.pid for p in multiprocessing.active_children()}
    pool = pools(workers=4)
    figures = max(REAL, key=lambda p: "acl-main" in p.name)  # 13 figures and tables: drawn by one process too
    with Library.open(library_home) as library:
        [outcome] = import_pdfs(library, [figures], extractor=pool.extract, thumbnailer=pool.thumbnails,
                                annotation_reader=pool.annotations, lookahead=pool.size)
        assert outcome.created and not outcome.warnings
        assert sum(bool(c.thumbnail) for c in library.paper(outcome.paper_id).captions) >= 10
        assert len(_new_children(before)) == 1
        outcomes = import_pdfs(library, [p for p in REAL if p != figures][:8], extractor=pool.extract,
                               thumbnailer=pool.thumbnails,
                               annotation_reader=pool.annotations, lookahead=pool.size)
        assert all(o.ok for o in outcomes)
    assert 1 < len(_new_children(before)) <= 4


def test_background_work_leaves_a_worker_to_the_import(pools, tmp_path):
    pool = pools(workers=2)
    background = pool.for_background()
    pool.warm_up()
    ended: dict[str, float] = {}

    def index(name: str) -> None:
        background.call(tmp_path / f"{name}.pdf", "time:sleep", 6)
        ended[name] = time.perf_counter()

    workers = [threading.Thread(target=index, args=(n,)) for n in ("first", "second")]
    for thread in workers:
        thread.start()
    time.sleep(0.5)
    title = pool.extract(REAL[0]).metadata.title  # an import's call while both background calls want a worker
    ended["import"] = time.perf_counter()
    for thread in workers:
        thread.join()
    assert title
    assert ended["import"] < min(ended["first"], ended["second"])  # it did not wait behind a background call
    assert max(ended.values()) - min(ended["first"], ended["second"]) >= 5.5  # the two ran one after the other


def test_idle_workers_help_draw_a_files_thumbnails_with_the_same_result(pools, tmp_path):
    figures = max(REAL, key=lambda p: "acl-main" in p.name)
    drawn = {}
    for workers in (1, 2):
        pool = pools(workers=workers)
        captions = [c for c in pool.extract(figures).captions if c.region]
        folder = tmp_path / f"thumbs-{workers}"
        folder.mkdir()
        jobs = [(c.page, tuple(c.region), str(folder / f"{i}.png")) for i, c in enumerate(captions)]
        jobs.append((999, (0, 0, 10, 10), str(folder / "no-such-page.png")))
        threads = [threading.Thread(target=pool.call, args=(figures, "time:sleep", 0.3)) for _ in range(workers)]
        for thread in threads:  # every worker started, so the second is idle to help
            thread.start()
        for thread in threads:
            thread.join()
        answers = pool.thumbnails(figures, jobs)
        drawn[workers] = (answers, [Path(out).read_bytes() if ok else b"" for ok, (_, _, out) in zip(answers, jobs)])
    assert len(drawn[1][0]) >= 11 and drawn[1][0][-1] is False and all(drawn[1][0][:-1])
    assert drawn[2] == drawn[1]
