"""The render process's building blocks with real PDFs: no Qt needed."""

from __future__ import annotations

import time
from pathlib import Path

import pymupdf
import pytest

from reader.pdf import textsel
from reader.pdf.geometry import RenderKey, buffer_bytes, next_zoom, previous_zoom
from reader.pdf.render import find_text, open_document, page_sizes, page_text_and_links, render_into
from reader.pdf.render_process import RenderProcess
from reader.pdf.render_queue import RenderQueue


def linked_pdf(path: Path) -> Path:
    doc = pymupdf.open()
    for number in range(3):
        page = doc.new_page(width=612, height=792)
        page.insert_text((72, 100), f"Page {number + 1} heading", fontsize=14)
    doc[0].insert_text((72, 200), "See Figure 3 and the experi-\nment on the next line.", fontsize=11)
    doc[0].insert_link({"kind": pymupdf.LINK_GOTO, "from": pymupdf.Rect(72, 188, 140, 204), "page": 2, "to": pymupdf.Point(72, 300)})
    doc[0].insert_link({"kind": pymupdf.LINK_URI, "from": pymupdf.Rect(72, 400, 200, 420), "uri": "javascript:alert(1)"})
    doc.save(path)
    return path


def test_render_matches_raw_pymupdf(tmp_path, corpus):
    doc, info = open_document(str(corpus / "papers" / "df__paper.pdf"), None)
    assert info.page_count == 6 and len(info.page_sizes) == 6
    buffer = memoryview(bytearray(buffer_bytes(*info.page_sizes[0], 1.5)))
    width, height, stride = render_into(doc, RenderKey(1, 0, 1.5), buffer)
    raw = doc[0].get_pixmap(matrix=pymupdf.Matrix(1.5, 1.5))
    assert (width, height) == (raw.width, raw.height)
    # BGRA vs RGB: compare one dark text pixel region loosely via mean brightness
    ours = bytes(buffer[: stride * height])
    assert abs(sum(ours[0::4]) / (width * height) - sum(raw.samples[2::3]) / (width * height)) < 1.0


def test_too_small_buffer_is_refused(corpus):
    doc, info = open_document(str(corpus / "papers" / "df__paper.pdf"), None)
    with pytest.raises(ValueError):
        render_into(doc, RenderKey(1, 0, 2.0), memoryview(bytearray(1000)))


def test_dark_mode_darkens_paper(corpus):
    doc, info = open_document(str(corpus / "papers" / "df__paper.pdf"), None)
    buffer = memoryview(bytearray(buffer_bytes(*info.page_sizes[0], 0.5)))
    width, height, stride = render_into(doc, RenderKey(1, 0, 0.5, 0, True), buffer)
    assert bytes(buffer[:4])[:3] == bytes([0x22, 0x1F, 0x1E])  # BGR of the dark paper colour


def test_words_links_and_find(tmp_path):
    doc, _ = open_document(str(linked_pdf(tmp_path / "l.pdf")), None)
    payload = page_text_and_links(doc, 0)
    kinds = sorted(link["kind"] for link in payload["links"])
    assert kinds == ["goto", "other"] or kinds == ["goto", "uri"]
    goto = next(link for link in payload["links"] if link["kind"] == "goto")
    assert goto["page"] == 2
    hits = find_text(doc, "heading")
    assert [page for page, _ in hits] == [0, 1, 2]


def test_selection_joins_hyphenated_lines(tmp_path):
    doc, _ = open_document(str(linked_pdf(tmp_path / "l.pdf")), None)
    words = {0: page_text_and_links(doc, 0)["words"]}
    see = next(w for w in words[0] if w[4] == "See")
    last = next(w for w in words[0] if w[4] == "line.")
    ranges = textsel.select(words, (0, see[0] + 1, see[1] + 2), (0, last[2] - 1, last[1] + 2))
    assert textsel.selected_text(words, ranges) == "See Figure 3 and the experiment on the next line."


def test_queue_newest_first_and_stale_dropped():
    queue = RenderQueue()
    old = [RenderKey(1, p, 1.0) for p in range(3)]
    queue.replace("view", old)
    queue.replace("thumbs", [RenderKey(1, 9, 0.2)], priority=5)
    new = [RenderKey(1, p, 1.0) for p in (7, 8)]
    queue.replace("view", new)  # scrolled: pages 0-2 are no longer wanted
    assert queue.pop() == new[0]
    assert queue.pop({new[1]}) == RenderKey(1, 9, 0.2)
    assert queue.pop() == new[1]
    assert queue.pop() is None


def test_zoom_steps():
    assert next_zoom(1.0) == 1.1 and previous_zoom(1.0) == 0.9
    assert next_zoom(4.0) == 4.0 and previous_zoom(0.25) == 0.25
    assert next_zoom(1.2347) == 1.25


def test_render_process_round_trip_and_errors(tmp_path, corpus):
    process = RenderProcess()
    process.start()
    try:
        process.send(("open", 1, str(corpus / "papers" / "df__paper.pdf"), None))
        process.send(("open", 2, str(tmp_path / "missing.pdf"), None))
        process.send(("open", 3, str(corpus / "robustness" / "dl__2206.01062_pg3.pdf"), None))
        replies = {}
        deadline = time.monotonic() + 20
        while len(replies) < 3 and time.monotonic() < deadline:
            if process.poll():
                message = process.receive()
                if message[0] != "details":  # every page's size, sent after the first render
                    replies[message[1]] = message
        assert replies[1][0] == "opened"
        assert replies[2][:3] == ("open_failed", 2, "error") and "does not exist" in replies[2][3]
        assert replies[3][:3] == ("open_failed", 3, "password")
        width, height = replies[1][2]["page_sizes"][0]
        segment = process.take_segment(buffer_bytes(width, height, 1.0))
        assert process.request_render(10, RenderKey(1, 0, 1.0), segment)
        message = process.receive()
        while message[0] == "details":
            message = process.receive()
        assert message[:2] == ("rendered", 10) and message[2:4] == (612, 792)
        assert bytes(segment.buffer[:4]) == b"\xff\xff\xff\xff"
    finally:
        process.stop()


def test_render_process_survives_a_spare_retired_before_it_was_warmed(corpus):
    """The client may close a spare segment while the render process still means to touch it."""
    process = RenderProcess()
    process.start()
    try:
        spare = process.segments.take(8 << 20)
        spare.shm.close()
        spare.shm.unlink()  # retired here, so its name is gone from /dev/shm
        process.send(("warm", [spare.name]))
        time.sleep(0.5)  # the render process is idle, so it goes for the spare now
        process.send(("open", 1, str(corpus / "papers" / "df__paper.pdf"), None))
        message = process.receive()
        while message[0] == "details":
            message = process.receive()
        assert message[:2] == ("opened", 1) and process.is_alive()
    finally:
        process.stop()


def test_a_huge_page_is_drawn_within_the_pixel_cap(tmp_path):
    """A 14,400 pt page at 400 % asked for about 13 GB; a /UserUnit 1000 page at 100 % for petabytes."""
    from reader.pdf.geometry import MAX_RENDER_PIXELS

    for name, width, unit, scale in (("big.pdf", 14400, None, 4.0), ("unit.pdf", 612, 1000, 1.0)):
        doc = pymupdf.open()
        page = doc.new_page(width=width, height=width)
        page.draw_rect(pymupdf.Rect(0, 0, width / 2, width / 2), color=None, fill=(0, 0, 0))
        if unit:
            doc.xref_set_key(page.xref, "UserUnit", str(unit))
        doc.save(tmp_path / name)
        doc, info = open_document(str(tmp_path / name), None)
        need = buffer_bytes(*info.page_sizes[0], scale)
        assert need <= MAX_RENDER_PIXELS * 4  # checked before anything that large is allocated
        buffer = memoryview(bytearray(need))
        width_px, height_px, stride = render_into(doc, RenderKey(1, 0, scale), buffer)
        assert width_px * height_px <= MAX_RENDER_PIXELS and width_px > 4000  # as large as the cap allows
        row = bytes(buffer[stride * (height_px // 4): stride * (height_px // 4) + stride])
        assert row[: 4 * (width_px // 4)].count(0) >= 3 * (width_px // 4) - 12  # the black quarter, to scale
        assert set(row[4 * (width_px * 3 // 4):]) == {255}
        doc.close()


def test_a_search_and_the_page_sizes_stop_at_their_deadline(corpus):
    doc, _info = open_document(str(corpus / "papers" / "df__paper.pdf"), None)
    try:
        assert find_text(doc, "the")
        assert find_text(doc, "the", seconds=0) == []  # gives what it has instead of working on
        sizes = page_sizes(doc, seconds=0)
        assert len(sizes) == doc.page_count and len(set(sizes)) == 1
    finally:
        doc.close()


def test_a_figure_or_area_on_a_huge_page_is_drawn_small(tmp_path):
    """With /UserUnit 1000 an area mark or figure region can be kilometres wide: its PNG stays small."""
    from reader.pdf.annotations import render_clip_png
    from reader.pdf.thumbnails import render_region_thumbnail

    doc = pymupdf.open()
    page = doc.new_page()
    page.draw_rect(pymupdf.Rect(0, 0, 306, 396), color=None, fill=(0, 0, 0))
    doc.xref_set_key(page.xref, "UserUnit", "1000")
    doc.save(tmp_path / "unit.pdf")
    doc.close()
    render_region_thumbnail(tmp_path / "unit.pdf", 1, (0, 0, 300_000, 400_000), tmp_path / "thumb.png")
    assert max(pymupdf.Pixmap(str(tmp_path / "thumb.png")).irect[2:]) == 320
    doc, _info = open_document(str(tmp_path / "unit.pdf"), None)
    try:
        clip = pymupdf.Pixmap(render_clip_png(doc, 0, (0, 0, 300_000, 400_000)))
        assert clip.width * clip.height <= 4 * 1200 * 1200 and clip.pixel(10, 10) == (0, 0, 0)
    finally:
        doc.close()
