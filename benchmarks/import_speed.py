"""How fast PDFs are added when the extraction pool has one process and when it has one per core (issue 17).

The ground-truth PDFs (``tests/data/ground_truth/*.json`` name files under
``../shared/corpus/real``) are added to a fresh temporary library through the real
``import_pdfs`` and a real ``ExtractionPool``, as the window and ``reading-list add``
do: extraction, writing, figure thumbnails and annotations, the next files read
ahead while one is written. Each round runs, for each pool size in turn:

- extraction alone: every file read through the pool, as many at once as it has
  processes (nothing written);
- the whole import into a new library.

Pages/s is wall-clock: all pages over the time of the whole phase. Every process
of the pool is started (and MuPDF loaded) before the timing, so neither phase counts
start-up. The load average printed with each round says how busy the machine was
(others' work included), and, for a pool of several processes, "cores free" how many
cores a plain CPU-bound loop got when run in that many processes at once, just before
(2.0 on an idle 2-core machine): compare the two pool sizes within one run, and the ranges.

    python benchmarks/import_speed.py [--rounds 3] [--workers N]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
TRUTH = REPO / "tests" / "data" / "ground_truth"
CORPUS = REPO.parent / "shared" / "corpus" / "real"

from reader.importers.extraction_pool import ExtractionPool, default_workers  # noqa: E402
from reader.importers.pdf_files import import_pdfs  # noqa: E402
from reader.library import Library  # noqa: E402


def ground_truth_pdfs() -> list[Path]:
    files = []
    for truth in sorted(TRUTH.glob("*.json")):
        pdf = CORPUS / json.loads(truth.read_text(encoding="utf-8"))["file"]
        if pdf.is_file():
            files.append(pdf)
    return files


def _spin(count: int) -> int:
    total = 0
    for i in range(count):
        total += i
    return total


def free_cores(processes: int, count: int = 8_000_000) -> float:
    """How many cores this round gets: the same pure-Python loop in one process, then in ``processes`` at once."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn")) as spinners:
        list(spinners.map(_spin, [1000] * processes))  # started
        start = time.perf_counter()
        spinners.submit(_spin, count).result()
        alone = time.perf_counter() - start
        start = time.perf_counter()
        list(spinners.map(_spin, [count] * processes))
        together = time.perf_counter() - start
    return processes * alone / together


def start_every_worker(pool: ExtractionPool, files: list[Path]) -> None:
    """Every process of the pool started and MuPDF loaded in it: calls made at the same time take one each."""
    for _ in range(2):
        with ThreadPoolExecutor(max_workers=pool.size) as threads:
            list(threads.map(pool.extract, sorted(files, key=lambda f: f.stat().st_size)[-pool.size:]))


def extraction_alone(pool: ExtractionPool, files: list[Path]) -> tuple[int, float]:
    """(pages, seconds) for reading every file, ``pool.size`` at a time."""
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=pool.size) as threads:
        pages = sum(extraction.page_count for extraction in threads.map(pool.extract, files))
    return pages, time.perf_counter() - start


def whole_import(pool: ExtractionPool, files: list[Path]) -> dict[str, float]:
    """Adding every file to a new library: seconds, papers added and failed, and the seconds the importing
    thread spent waiting for figure thumbnails and for annotations (drawn in the pool, one file at a time)."""
    spent = {"thumbnails": 0.0, "annotations": 0.0}

    def timed(name: str, call):
        def run(*args):
            start = time.perf_counter()
            try:
                return call(*args)
            finally:
                spent[name] += time.perf_counter() - start
        return run

    with tempfile.TemporaryDirectory(prefix="import-speed-") as home:
        with Library.open(home) as library:
            start = time.perf_counter()
            outcomes = import_pdfs(library, files, extractor=pool.extract,
                                   thumbnailer=timed("thumbnails", pool.thumbnails),
                                   annotation_reader=timed("annotations", pool.annotations), lookahead=pool.size)
            seconds = time.perf_counter() - start
    return {"seconds": seconds, "added": sum(o.created for o in outcomes), "failed": sum(not o.ok for o in outcomes),
            **spent}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=default_workers(),
                        help="the larger pool size (default: the app's, from the core count)")
    args = parser.parse_args()
    files = ground_truth_pdfs()
    if not files:
        print(f"no ground-truth PDFs found under {CORPUS}")
        return 1
    sizes = sorted({1, max(1, args.workers)})
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"{len(files)} PDFs; os.cpu_count() = {os.cpu_count()}, usable cores = {usable}; "
          f"pool sizes {sizes}; {args.rounds} rounds")
    results: dict[int, dict[str, list[float]]] = {n: {"extract": [], "import": []} for n in sizes}
    for round_number in range(1, args.rounds + 1):
        for n in sizes:
            pool = ExtractionPool(workers=n)
            try:
                start_every_worker(pool, files)
                load = os.getloadavg()[0]
                cores = free_cores(n) if n > 1 else 1.0
                pages, extract_s = extraction_alone(pool, files)
                run = whole_import(pool, files)
            finally:
                pool.shutdown(wait=True)
            import_s = run["seconds"]
            results[n]["extract"].append(pages / extract_s)
            results[n]["import"].append(pages / import_s)
            cores_note = f", {cores:.2f} cores free" if n > 1 else ""
            print(f"round {round_number}, {n} process{'es' if n > 1 else '  '} (load {load:.1f}{cores_note}): "
                  f"{pages} pages; "
                  f"extraction alone {extract_s:5.2f} s = {pages / extract_s:6.1f} pages/s; "
                  f"whole import ({run['added']} added, {run['failed']} failed) {import_s:5.2f} s = "
                  f"{pages / import_s:6.1f} pages/s, of which waiting for thumbnails {run['thumbnails']:4.2f} s, "
                  f"annotations {run['annotations']:4.2f} s")
    print()
    for n in sizes:
        for phase, label in (("extract", "extraction alone"), ("import", "whole import")):
            values = results[n][phase]
            print(f"{n} process{'es' if n > 1 else '  '}  {label:17} {min(values):6.1f} - {max(values):6.1f} pages/s "
                  f"(median {sorted(values)[len(values) // 2]:6.1f})")
    if len(sizes) > 1:
        one, many = results[sizes[0]], results[sizes[-1]]
        for phase in ("extract", "import"):
            ratios = [b / a for a, b in zip(one[phase], many[phase])]
            print(f"speed-up with {sizes[-1]} processes, {phase:7}: {min(ratios):.2f} - {max(ratios):.2f}x "
                  f"(per round)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
