"""Citation markers and reference entries against the hand-made ground truth (issue 18).

Run from the repository root:  python benchmarks/citations.py [--corpus PATH] [--repeat N]

The truth (``tests/data/citations/*.json``) lists, for some pages of each paper,
every in-text marker with the entries it points to, and for those entries the
first author's surname, the year and the title as printed. A predicted marker
is right when it is on an annotated page and points to exactly the marker's
entries; an entry is "the" truth's entry when its text starts with that
surname, holds that year and (when the truth has one) that title. Markers are
matched one to one, so a marker found twice counts once. Speed: the whole
index (rows, bibliography, markers) per paper, best of ``--repeat`` runs, and
the hover lookup (the marker under a point, then its entries) in microseconds,
and (``--popup``) the popup itself: lookup, "in your library" against a library
of 10,000 titles, building the cards, and painting it offscreen. The popup's
deliberate show delay (300 ms, as the figure preview's) is not counted.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import pymupdf  # noqa: E402

from reader.pdf.citations.entry_parse import fold  # noqa: E402
from reader.pdf.citations.index import index_document  # noqa: E402
from reader.pdf.citations.model import CitationIndex, Entry  # noqa: E402

TRUTH = REPO / "tests" / "data" / "citations"
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "real" / "papers"
TARGET_RECALL = {"linked numeric": 0.9, "linked superscript": 0.9, "numeric": 0.75, "superscript": 0.75,
                 "author-year": 0.6, "linked author-year": 0.6}


def truth_key_of(entry: Entry, truth: dict) -> str | None:
    """The truth's key for a predicted entry, or None when the entry is none of the truth's.

    Its first author is the surname named earliest in its text (within the first 30 characters).
    """
    numbered = all(key.isdigit() for key in truth["entries"])
    text = fold(re.sub(r"^\W*\d{1,3}\W+", "", entry.text))
    best, best_at = None, 31
    for key, (surname, year, title) in truth["entries"].items():
        if numbered and entry.label != key:
            continue
        at = 0
        if surname:
            found = re.search(rf"\b{re.escape(fold(surname))}\b", text[:80])
            if found is None:
                continue
            at = found.start()
        if year and year[:4] not in entry.text:
            continue
        if year[4:] and entry.year[4:] and entry.year[4:] != year[4:]:
            continue
        if not numbered and title and fold(title)[:25] not in text:
            continue
        if at < best_at:
            best, best_at = key, at
    return best


def score_paper(truth: dict, index: CitationIndex) -> dict:
    pages = set(truth["pages"])
    keys = {e.number: truth_key_of(e, truth) for e in index.entries}
    wanted = defaultdict(list)
    for page, _text, entries in truth["markers"]:
        wanted[page].append(tuple(sorted(entries)))
    predicted = [m for m in index.markers if m.page in pages]
    right = 0
    wrong = []
    for marker in predicted:
        got = [keys.get(n) for n in marker.entries]
        key = tuple(sorted(got)) if None not in got else None
        if key is not None and key in wanted[marker.page]:
            wanted[marker.page].remove(key)
            right += 1
        else:
            wrong.append((marker.page, marker.text, got))
    missed = [(page, keys_) for page, left in wanted.items() for keys_ in left]
    titles = [(key, title) for key, (_s, _y, title) in truth["entries"].items() if title]
    exact = 0
    for key, title in titles:
        entry = next((e for e in index.entries if keys.get(e.number) == key), None)
        exact += entry is not None and fold(entry.title) == fold(title)
    return {"predicted": len(predicted), "right": right, "truth": len(truth["markers"]), "wrong": wrong,
            "missed": missed, "titles": len(titles), "exact": exact}


def hover_micros(index: CitationIndex, repeat: int = 200) -> float:
    """Median time to find the marker under a point and its entries, over the paper's markers' centres."""
    if not index.markers:
        return 0.0
    times = []
    for marker in index.markers[:repeat]:
        x, y = (marker.box[0] + marker.box[2]) / 2, (marker.box[1] + marker.box[3]) / 2
        started = time.perf_counter()
        found = index.marker_at(marker.page, x, y)
        _entries = [index.entry(n) for n in found.entries] if found else []
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1e6


def popup_millis(indexes: list[CitationIndex], library_size: int = 10_000) -> list[float]:
    """Time from a hover that has waited out the delay to the popup painted, per marker (Qt offscreen)."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication, QWidget

    from reader.pdf.citations.library_match import LibraryMatcher, LibraryPaper
    from reader.ui.viewer.citation_popup import CitationPopup

    app = QApplication.instance() or QApplication([])
    page = QWidget()
    page.resize(900, 700)
    page.show()
    popup = CitationPopup(page)
    words = ["learning", "neural", "model", "data", "network", "graph", "language", "vision", "robust", "efficient"]
    matcher = LibraryMatcher(LibraryPaper(i, " ".join(words[(i * k) % len(words)] for k in range(1, 8)) + f" {i}",
                                          year=2000 + i % 20) for i in range(library_size))
    matcher.find(Entry(0, "", "", 0, (0, 0, 0, 0), title="warm up the matcher once"))
    times = []
    for index in indexes:
        for marker in index.markers[:40]:  # the first 40 of each paper
            x, y = (marker.box[0] + marker.box[2]) / 2, (marker.box[1] + marker.box[3]) / 2
            started = time.perf_counter()
            found = index.marker_at(marker.page, x, y)
            entries = [index.entry(n) for n in found.entries]
            in_library = {e.number: (m.title if (m := matcher.find(e)) else None) for e in entries[:6]}
            popup.set_content(found, entries, in_library, 440, "References")
            popup.show()
            popup.repaint()
            app.processEvents()
            times.append((time.perf_counter() - started) * 1000)
            popup.hide()
            QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # as the event loop would
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--verbose", action="store_true", help="list wrong and missed markers")
    parser.add_argument("--popup", action="store_true", help="also time the popup in Qt (offscreen)")
    args = parser.parse_args()
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    timings = []
    ratios = []
    indexes = []
    print(f"{'paper':48} {'style':19} {'pages':>5} {'P':>5} {'R':>5} {'titles':>7} {'index ms':>9} {'hover us':>8}")
    for path in sorted(TRUTH.glob("*.json")):
        truth = json.loads(path.read_text(encoding="utf-8"))
        pdf = (args.corpus / truth["file"]).resolve()
        if not pdf.is_file():
            print(f"{path.stem}: {pdf} not found, skipped")
            continue
        best = baseline = float("inf")
        index = None
        for _ in range(args.repeat):
            with pymupdf.open(pdf) as doc:
                pages = doc.page_count
                started = time.perf_counter()
                index = index_document(doc)
                best = min(best, time.perf_counter() - started)
            with pymupdf.open(pdf) as doc:  # the same machine's speed at that moment: only reading the text
                started = time.perf_counter()
                for page in doc:
                    page.get_text("dict")
                baseline = min(baseline, time.perf_counter() - started)
        ratios.append(best / baseline)
        assert index is not None
        indexes.append(index)
        score = score_paper(truth, index)
        style = truth["style"]
        for name in ("predicted", "right", "truth", "titles", "exact"):
            totals[style][name] += score[name]
            totals["all"][name] += score[name]
        timings.append((pages, best))
        precision = score["right"] / score["predicted"] if score["predicted"] else 1.0
        recall = score["right"] / score["truth"] if score["truth"] else 1.0
        print(f"{path.stem[:48]:48} {style:19} {pages:5} {precision:5.2f} {recall:5.2f} "
              f"{score['exact']:3}/{score['titles']:<3} {best * 1000:9.0f} {hover_micros(index):8.1f}")
        if args.verbose:
            for item in score["wrong"]:
                print("    wrong:", item)
            for item in score["missed"]:
                print("    missed:", item)
    print()
    print(f"{'style':19} {'markers':>7} {'precision':>9} {'recall':>7} {'target R':>8} {'title exact':>11}")
    for style, t in sorted(totals.items(), key=lambda kv: kv[0] == "all"):
        precision = t["right"] / t["predicted"] if t["predicted"] else 1.0
        recall = t["right"] / t["truth"] if t["truth"] else 1.0
        share = f"{t['exact']}/{t['titles']} = {t['exact'] / t['titles']:.2f}" if t["titles"] else "-"
        target = f"{TARGET_RECALL[style]:.2f}" if style in TARGET_RECALL else ""
        print(f"{style:19} {t['truth']:7} {precision:9.2f} {recall:7.2f} {target:>8} {share:>11}")
    per_page = sorted(seconds / pages for pages, seconds in timings)
    print()
    print(f"index time per page: median {statistics.median(per_page) * 1000:.1f} ms, "
          f"max {per_page[-1] * 1000:.1f} ms; a 20-page paper at the median: {statistics.median(per_page) * 20:.2f} s")
    print(f"index time / time to only read every page's text (get_text 'dict'), same run: median "
          f"{statistics.median(ratios):.2f}, range {min(ratios):.2f}-{max(ratios):.2f}")
    longest = max(timings)
    print(f"longest paper here: {longest[0]} pages in {longest[1]:.2f} s")
    if args.popup:
        times = sorted(popup_millis(indexes))
        print(f"hover to popup painted ({len(times)} markers, library of 10,000): median {statistics.median(times):.1f} ms, "
              f"95th percentile {times[int(0.95 * (len(times) - 1))]:.1f} ms, max {times[-1]:.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
