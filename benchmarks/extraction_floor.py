"""Where extraction's time goes, and the speed MuPDF alone allows.

Run from the repository root:  python benchmarks/extraction_floor.py [--corpus PATH] [--rounds N]

For the ground-truth papers of ``benchmarks/extraction.py`` this prints, in CPU
time (``time.process_time``, which the machine's other jobs move less than the
wall clock): the whole extraction, then what MuPDF itself spends on the same
pages — the text pass with its Python dict, and the second run of each page
whose figure marks are collected, timed with a device that does nothing. The
last is the floor: the pages per second extraction would reach if every line
of our Python took no time at all.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import pymupdf

from reader.pdf import extract
from reader.pdf.text import _TEXT_FLAGS

TRUTH = REPO / "tests" / "data" / "ground_truth"
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "real"


class _Nothing(pymupdf.mupdf.FzDevice2):
    """A device with no callbacks: running a page into it costs MuPDF's interpretation alone."""


def _marked_pages(pdf: Path) -> set[int]:
    """The pages whose figure marks extraction collects (those with a caption)."""
    seen: set[int] = set()
    original = extract.page_marks

    def record(page, *args, **kwargs):
        seen.add(page.number)
        return original(page, *args, **kwargs)

    extract.page_marks = record
    try:
        extract.extract_pdf(pdf)
    finally:
        extract.page_marks = original
    return seen


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--rounds", type=int, default=3, help="runs over all papers (the fastest is kept)")
    args = parser.parse_args()
    pdfs = [args.corpus / json.loads(p.read_text(encoding="utf-8"))["file"] for p in sorted(TRUTH.glob("*.json"))]
    pdfs = [p for p in pdfs if p.exists()]
    if not pdfs:
        print(f"no ground-truth PDFs under {args.corpus}")
        return 1
    marked = {pdf: _marked_pages(pdf) for pdf in pdfs}
    pages = sum(pymupdf.open(pdf).page_count for pdf in pdfs)
    best = {"extraction": float("inf"), "text pass": float("inf"), "dict": float("inf"), "marks pass": float("inf")}
    for _ in range(max(1, args.rounds)):
        spent = dict.fromkeys(best, 0.0)
        for pdf in pdfs:
            start = time.process_time()
            extract.extract_pdf(pdf)
            spent["extraction"] += time.process_time() - start
            with pymupdf.open(pdf) as doc:  # a fresh document, as extraction opens one: fonts load again
                for page in doc:
                    start = time.process_time()
                    textpage = page.get_textpage(flags=_TEXT_FLAGS)
                    middle = time.process_time()
                    textpage.extractDICT()
                    end = time.process_time()
                    spent["text pass"] += middle - start
                    spent["dict"] += end - middle
                    if page.number in marked[pdf]:
                        start = time.process_time()
                        pymupdf.mupdf.fz_run_page(page.this, _Nothing(), pymupdf.mupdf.FzMatrix(), pymupdf.mupdf.FzCookie())
                        spent["marks pass"] += time.process_time() - start
        best = {key: min(best[key], spent[key]) for key in best}
    total = best["extraction"]
    mupdf = best["text pass"] + best["dict"] + best["marks pass"]
    print(f"{len(pdfs)} papers, {pages} pages, {sum(map(len, marked.values()))} of them with figure marks collected")
    print(f"extraction:                {total:6.3f} s CPU  {pages / total:6.1f} pages/s")
    for key in ("text pass", "dict", "marks pass"):
        print(f"  MuPDF {key + ':':19} {best[key]:6.3f} s      {100 * best[key] / total:5.1f} %")
    print(f"  MuPDF in all:            {mupdf:6.3f} s      {100 * mupdf / total:5.1f} %")
    print(f"  the rest:                {total - mupdf:6.3f} s      {100 * (total - mupdf) / total:5.1f} %"
          "  (our Python, the marks device's callbacks, opening the file)")
    print(f"floor, MuPDF alone:        {pages / mupdf:6.1f} pages/s  (best of {args.rounds} rounds each)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
