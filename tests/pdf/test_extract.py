"""The public extraction entry: JSON shape, bad input, thumbnails, and the real corpus."""

from __future__ import annotations

import gc
import json
import re
import time
from pathlib import Path

import pymupdf
import pytest

from reader.errors import PdfError, PdfPasswordError
from reader.pdf.extract import (
    NO_TEXT_LAYER,
    Caption,
    Extraction,
    extract_pdf,
    extraction_to_json,
    render_region_thumbnail,
)

TRUTH = Path(__file__).resolve().parent.parent / "data" / "ground_truth"


def figure_pdf(path: Path) -> Path:
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 60), "A Small Paper About Figures", fontsize=18, fontname="tibo")
    page.draw_rect((72, 100, 300, 250), color=(0, 0, 1), fill=(0.8, 0.8, 1))
    page.insert_text((72, 266), "Figure 1: A blue box drawn as a figure.", fontsize=9)
    for i in range(10):
        page.insert_text((72, 300 + 12 * i), "Body text that runs across the column here.", fontsize=10)
    doc.save(path)
    doc.close()
    return path


def test_json_shape_matches_the_cli_contract(tmp_path):
    ex = extract_pdf(figure_pdf(tmp_path / "f.pdf"))
    assert isinstance(ex, Extraction) and ex.page_count == 1 and ex.has_text_layer
    data = extraction_to_json(ex)
    json.dumps(data)
    for key in ("title", "authors", "year", "doi", "arxiv_id", "abstract", "captions", "venue", "page_count", "has_text_layer", "warnings"):
        assert key in data
    assert data["title"] == "A Small Paper About Figures"
    (cap,) = data["captions"]
    assert cap["label"] == "Figure 1" and cap["kind"] == "figure" and cap["number"] == "1" and cap["page"] == 1
    assert cap["text"] == "Figure 1: A blue box drawn as a figure."
    x0, y0, x1, y1 = cap["bbox"]
    assert 70 <= x0 < x1 and 250 < y0 < y1 < 275
    region = ex.captions[0].region
    assert region is not None and abs(region[0] - 72) < 3 and abs(region[3] - 250) < 3
    assert isinstance(ex.captions[0], Caption)


def test_extraction_leaves_the_cycle_collector_as_it_found_it(tmp_path):
    """Extraction pauses Python's cycle collector for speed; the rest of the process must get it back."""
    pdf = figure_pdf(tmp_path / "f.pdf")
    assert gc.isenabled()
    assert extract_pdf(pdf).captions
    assert gc.isenabled()
    gc.disable()
    try:
        extract_pdf(pdf)
        assert not gc.isenabled()  # a caller that paused it itself keeps it paused
    finally:
        gc.enable()


def test_no_text_layer_is_reported(tmp_path):
    path = tmp_path / "scan.pdf"
    doc = pymupdf.open()
    page = doc.new_page()
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 40, 40), False)
    pix.clear_with(200)
    page.insert_image(pymupdf.Rect(72, 72, 500, 700), pixmap=pix)
    doc.save(path)
    doc.close()
    ex = extract_pdf(path)
    assert not ex.has_text_layer
    assert NO_TEXT_LAYER in ex.warnings
    assert ex.captions == ()
    assert ex.metadata.title is None


def test_unusable_files_raise_pdf_error(tmp_path):
    with pytest.raises(PdfError):
        extract_pdf(tmp_path / "missing.pdf")
    bad = tmp_path / "bad.pdf"
    bad.write_text("not a pdf")
    with pytest.raises(PdfError):
        extract_pdf(bad)


def test_encrypted_file_needs_the_password(tmp_path):
    path = tmp_path / "locked.pdf"
    src = figure_pdf(tmp_path / "open.pdf")
    doc = pymupdf.open(src)
    doc.save(path, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="1234", owner_pw="owner")
    doc.close()
    with pytest.raises(PdfPasswordError):
        extract_pdf(path)
    assert [c.label for c in extract_pdf(path, password="1234").captions] == ["Figure 1"]


def test_region_thumbnail_is_a_small_png_written_atomically(tmp_path):
    pdf = figure_pdf(tmp_path / "f.pdf")
    cap = extract_pdf(pdf).captions[0]
    out = tmp_path / "thumbs" / "fig1.png"
    render_region_thumbnail(pdf, cap.page, cap.region, out, max_side_px=160)
    data = out.read_bytes()
    assert data.startswith(b"\x89PNG")
    pix = pymupdf.Pixmap(str(out))
    assert max(pix.width, pix.height) <= 161
    assert [p.name for p in out.parent.iterdir()] == ["fig1.png"]
    with pytest.raises(PdfError):
        render_region_thumbnail(pdf, 5, cap.region, out)


def test_a_papers_thumbnails_come_from_one_open_and_a_bad_one_spoils_no_other(tmp_path):
    from reader.pdf.thumbnails import render_region_thumbnails

    pdf = figure_pdf(tmp_path / "f.pdf")
    cap = extract_pdf(pdf).captions[0]
    outs = [tmp_path / "thumbs" / f"{name}.png" for name in ("a", "past-the-end", "b")]
    outs[0].parent.mkdir()
    jobs = [(cap.page, cap.region, outs[0]), (5, cap.region, outs[1]), (cap.page, (0, 0, 100, 80), outs[2])]
    assert render_region_thumbnails(pdf, jobs, max_side_px=160) == [True, False, True]
    assert outs[0].read_bytes() != outs[2].read_bytes()  # each its own region
    assert sorted(p.name for p in outs[0].parent.iterdir()) == ["a.png", "b.png"]
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7 not really")
    assert render_region_thumbnails(broken, jobs) == [False, False, False]


# --- real papers -------------------------------------------------------------


def _ws(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def _key(kind: str, number: str, page: int) -> tuple[str, str, int]:
    return (kind, number.upper(), page)


def test_corpus_against_ground_truth(corpus):
    truths = sorted(TRUTH.glob("*.json"))
    assert len(truths) >= 15
    tp = fp = fn = exact = 0
    titles = [0, 0]
    for path in truths:
        truth = json.loads(path.read_text(encoding="utf-8"))
        pdf = corpus / truth["file"]
        if not pdf.exists():
            continue
        ex = extract_pdf(pdf)
        want = {_key(c["kind"], c["number"], c["page"]): c["text"] for c in truth["captions"]}
        got = {_key(c.kind, c.number, c.page): c.text for c in ex.captions}
        both = want.keys() & got.keys()
        tp += len(both)
        fp += len(got.keys() - want.keys())
        fn += len(want.keys() - got.keys())
        exact += sum(_ws(want[k]) == _ws(got[k]) for k in both)
        if truth.get("title"):
            titles[1] += 1
            titles[0] += _ws(truth["title"]).lower() == _ws(ex.metadata.title).lower()
    precision = tp / (tp + fp)
    recall = tp / (tp + fn)
    f1 = 2 * precision * recall / (precision + recall)
    assert f1 >= 0.97, (precision, recall)
    assert exact / tp >= 0.90
    assert titles[0] / titles[1] >= 0.95


def test_robustness_files_never_crash_or_hang(corpus):
    files = sorted((corpus / "robustness").glob("*.pdf"))
    assert files
    for pdf in files:
        start = time.perf_counter()
        try:
            ex = extract_pdf(pdf)
        except PdfError:
            ex = None
        assert time.perf_counter() - start < 5.0, pdf.name
        if ex is not None:
            json.dumps(extraction_to_json(ex))
    locked = corpus / "robustness" / "dl__2206.01062_pg3.pdf"
    if locked.exists():
        assert extract_pdf(locked, password="1234").page_count == 1
