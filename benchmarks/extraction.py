"""Accuracy and speed of reader.pdf.extract against the hand-built ground truth.

Run from the repository root:  python benchmarks/extraction.py [--corpus PATH] [--repeat N]

Captions are matched on (kind, number, page): "Fig. 3" and "Figure 3" are the
same label. Text is compared after whitespace normalisation. Titles ignore case
and surrounding punctuation; author lists must match name for name, in order,
ignoring case. Regions are scored for matched captions whose truth has a
``region`` box: intersection over union with the predicted box (0 when none was
predicted). Speed counts metadata and captions (with regions), not thumbnails.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from reader.pdf.extract import extract_pdf  # noqa: E402

TRUTH = REPO / "tests" / "data" / "ground_truth"
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "real"


def ws(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def title_key(text: str | None) -> str:
    return re.sub(r"[^\w]+", " ", ws(text).lower()).strip()


def caption_key(c: dict) -> tuple[str, str, int]:
    return (c["kind"], str(c["number"]).upper(), int(c["page"]))


def iou(a, b) -> float:
    if not a or not b:
        return 0.0
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def score_file(truth: dict, ex) -> dict:
    want = {caption_key(c): c for c in truth["captions"]}
    got = {caption_key({"kind": c.kind, "number": c.number, "page": c.page}): c for c in ex.captions}
    tp = want.keys() & got.keys()
    exact = sum(ws(want[k]["text"]) == ws(got[k].text) for k in tp)
    meta = ex.metadata
    out = {
        "tp": len(tp),
        "fp": len(got.keys() - want.keys()),
        "fn": len(want.keys() - got.keys()),
        "exact": exact,
        "missing": sorted(want.keys() - got.keys()),
        "extra": sorted(got.keys() - want.keys()),
        "inexact": sorted(k for k in tp if ws(want[k]["text"]) != ws(got[k].text)),
        "regions": [(want[k]["label"], iou(want[k]["region"], got[k].region)) for k in sorted(tp) if want[k].get("region")],
    }
    if truth.get("title"):
        out["title"] = title_key(truth["title"]) == title_key(meta.title)
    if truth.get("authors"):
        out["authors"] = [a.lower() for a in truth["authors"]] == [a.lower() for a in meta.authors]
    if truth.get("doi"):
        out["doi"] = (meta.doi or "").lower() == truth["doi"].lower()
    if truth.get("arxiv_id"):
        out["arxiv"] = (meta.arxiv_id or "").split("v")[0] == truth["arxiv_id"].split("v")[0]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=3, help="timing runs per file (best is kept)")
    parser.add_argument("--verbose", "-v", action="store_true", help="print mismatching captions")
    parser.add_argument("--worst", type=int, default=15, help="how many of the worst regions to list")
    args = parser.parse_args()
    files = sorted(TRUTH.glob("*.json"))
    if not files:
        print(f"no ground truth in {TRUTH}")
        return 1
    totals = {"tp": 0, "fp": 0, "fn": 0, "exact": 0}
    regions: list[tuple[str, str, float]] = []
    hits = {"title": [0, 0], "authors": [0, 0], "doi": [0, 0], "arxiv": [0, 0]}
    pages = 0
    seconds = 0.0
    papers = 0
    print(f"{'file':58} {'pp':>3} {'P':>5} {'R':>5} {'F1':>5} {'txt':>5} {'T':>2} {'A':>2} {'D':>2} {'X':>2} {'s':>6} {'reg':>5}")
    for path in files:
        truth = json.loads(path.read_text(encoding="utf-8"))
        pdf = args.corpus / truth["file"]
        if not pdf.exists():
            print(f"{path.stem[:58]:58} (PDF not found, skipped)")
            continue
        best = float("inf")
        for _ in range(max(1, args.repeat)):
            start = time.perf_counter()
            ex = extract_pdf(pdf)
            best = min(best, time.perf_counter() - start)
        res = score_file(truth, ex)
        papers += 1
        pages += ex.page_count
        seconds += best
        for key in totals:
            totals[key] += res[key]
        regions += [(path.stem, label, value) for label, value in res["regions"]]
        good = sum(v >= 0.8 for _, v in res["regions"])
        reg = f"{good}/{len(res['regions'])}" if res["regions"] else "-"
        flags = {}
        for key in hits:
            if key in res:
                hits[key][0] += res[key]
                hits[key][1] += 1
                flags[key] = "ok" if res[key] else "NO"
            else:
                flags[key] = "-"
        p = res["tp"] / (res["tp"] + res["fp"]) if res["tp"] + res["fp"] else 1.0
        r = res["tp"] / (res["tp"] + res["fn"]) if res["tp"] + res["fn"] else 1.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        txt = res["exact"] / res["tp"] if res["tp"] else 1.0
        print(
            f"{path.stem[:58]:58} {ex.page_count:>3} {p:5.2f} {r:5.2f} {f1:5.2f} {txt:5.2f} "
            f"{flags['title']:>2} {flags['authors']:>2} {flags['doi']:>2} {flags['arxiv']:>2} {best:6.3f} {reg:>5}"
        )
        if res["missing"] or res["extra"] or (args.verbose and res["inexact"]):
            for kind, items in (("missing", res["missing"]), ("extra", res["extra"]), ("inexact", res["inexact"] if args.verbose else [])):
                if items:
                    print(f"    {kind}: {', '.join(f'{k[0]} {k[1]} p{k[2]}' for k in items)}")
    tp, fp, fn = totals["tp"], totals["fp"], totals["fn"]
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print()
    print(f"papers: {papers}  pages: {pages}  captions in truth: {tp + fn}  found: {tp + fp}")
    print(f"caption precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}   (target F1 >= 0.97)")
    print(f"caption text exact: {totals['exact']}/{tp} = {totals['exact'] / tp if tp else 0:.3f}   (target >= 0.90)")
    for key, label in (("title", "titles"), ("authors", "author lists"), ("doi", "DOIs"), ("arxiv", "arXiv ids")):
        ok, n = hits[key]
        print(f"{label}: {ok}/{n} = {ok / n if n else 0:.3f}" + ("   (target >= 0.95)" if key == "title" else ""))
    if regions:
        values = [v for _, _, v in regions]
        n = len(values)
        print(
            f"regions: {n} matched captions with a true region; IoU >= 0.8: {sum(v >= 0.8 for v in values)}/{n} = "
            f"{sum(v >= 0.8 for v in values) / n:.3f}, >= 0.5: {sum(v >= 0.5 for v in values)}/{n} = "
            f"{sum(v >= 0.5 for v in values) / n:.3f}, mean IoU {sum(values) / n:.3f}"
        )
        worst = sorted(regions, key=lambda r: r[2])[: args.worst]
        if worst:
            print("worst regions (file, label, IoU):")
            for stem, label, value in worst:
                print(f"    {stem[:58]:58} {label:12} {value:.2f}")
    print(f"speed: {pages / seconds:.1f} pages/s, {seconds / papers:.3f} s/paper (best of {args.repeat} runs; target >= 50 pages/s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
