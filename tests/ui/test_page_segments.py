"""Rendered pages live in shared memory that is reused only once no image shows it any more."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest
from PySide6.QtGui import QImage, QPixmap

from reader.pdf.geometry import RenderKey
from reader.pdf.segments import SegmentPool

pytestmark = pytest.mark.gui

SIDE = 600  # 600 x 600 x 4 bytes: above SMALL_RENDER, so pages are shown from their segment
SIZE = SIDE * SIDE * 4


def _image_in(pool: SegmentPool, fill: bytes) -> tuple[QImage, str]:
    segment = pool.take(SIZE)
    segment.buffer[:SIZE] = fill * (SIZE // len(fill))
    return QImage(pool.lend(segment, SIZE), SIDE, SIDE, SIDE * 4, QImage.Format.Format_RGB32), segment.name


def test_a_segment_is_reused_only_when_no_image_or_pixmap_shows_it(qapp):
    pool = SegmentPool()
    try:
        page, red = _image_in(pool, b"\x00\x00\xff\xff")
        thumbnail = QPixmap.fromImage(page)  # shares the pixels, as the page thumbnails do
        del page
        for _ in range(3):  # however many more pages come, none is drawn into the red one
            other, name = _image_in(pool, b"\xff\x00\x00\xff")
            assert name != red
            del other
        assert thumbnail.toImage().pixelColor(10, 10).red() == 255
        del thumbnail
        names = {_image_in(pool, b"\x00\xff\x00\xff")[1] for _ in range(3)}
        assert red in names  # it came back once nothing showed it
        assert pool.created <= 3  # the page, one spare, and at most one more
    finally:
        pool.close()


def test_segments_beyond_what_is_kept_are_closed_and_named_for_the_render_process(qapp):
    pool = SegmentPool()
    try:
        images = [_image_in(pool, b"\x10\x20\x30\xff")[0] for _ in range(4)]
        size = pool._lent[0][1].size
        pool.keep_free_bytes = 2 * size
        del images
        pool.take(SIZE)  # reclaims all four: only the two freed last stay ready
        assert pool.free_bytes <= 2 * size
        assert len(pool.retired) >= 2 and len(set(pool.retired)) == len(pool.retired)
        for name in pool.retired:
            assert not Path("/dev/shm", name.lstrip("/")).exists()  # closed and unlinked here
    finally:
        pool.close()


def test_pages_come_out_right_through_reused_segments(qtbot, tmp_path):
    """Scroll-like churn through a small cache: every image holds its own page, never a neighbour's."""
    path = tmp_path / "shades.pdf"
    doc = pymupdf.open()
    shades = [i / 12 for i in range(12)]
    for shade in shades:
        page = doc.new_page(width=SIDE, height=SIDE)
        page.draw_rect(page.rect, color=None, fill=(shade, shade, shade))
    doc.save(path)

    from reader.ui.viewer.render_client import RenderClient

    client = RenderClient(cache_budget=4 * SIZE + 1)  # room for four pages: the rest churns
    client.start()
    try:
        doc_id = client.open_document(path)
        qtbot.waitUntil(lambda: client.document_info(doc_id) is not None, timeout=20_000)
        seen: dict[int, int] = {}
        client.page_rendered.connect(lambda key, image: seen.__setitem__(key.page, image.pixelColor(300, 300).red()))
        owner = object()
        for number in range(12):
            client.request_pages(owner, [RenderKey(doc_id, number, 1.0)])
            qtbot.waitUntil(lambda: number in seen, timeout=10_000)
        pool = client._process.segments
        assert pool.reused >= 6 and pool.created <= 6  # the churn went through a handful of segments
        for number, shade in enumerate(shades):
            assert abs(seen[number] - round(shade * 255)) <= 2
        for number in range(8, 12):  # still cached: not overwritten by the pages rendered after them
            image = client.cache.get(RenderKey(doc_id, number, 1.0))
            assert image is not None and abs(image.pixelColor(300, 300).red() - round(shades[number] * 255)) <= 2
    finally:
        client.shutdown()


def test_shutting_down_while_a_page_is_still_shown(qtbot, tmp_path):
    """Closing the app with a page still on screen: no error, and nothing left in /dev/shm."""
    path = tmp_path / "one.pdf"
    doc = pymupdf.open()
    doc.new_page(width=SIDE, height=SIDE)
    doc.save(path)

    from reader.ui.viewer.render_client import RenderClient

    client = RenderClient()
    client.start()
    doc_id = client.open_document(path)
    qtbot.waitUntil(lambda: client.document_info(doc_id) is not None, timeout=20_000)
    shown = []
    client.page_rendered.connect(lambda key, image: shown.append(image))
    client.request_pages(object(), [RenderKey(doc_id, 0, 1.0)])
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    names = [segment.name for _view, segment in client._process.segments._lent]
    client.shutdown()
    assert shown[0].pixelColor(10, 10).red() == 255  # still readable after the shutdown
    assert names and not any(Path("/dev/shm", name.lstrip("/")).exists() for name in names)


def test_a_small_dev_shm_gets_a_small_cache(qapp, monkeypatch):
    """Where /dev/shm is small (64 MB in some containers), cached pages must not fill it:
    writing past its end would kill the render process with SIGBUS."""
    from reader.ui.viewer import render_client

    monkeypatch.setattr(render_client, "shared_memory_room", lambda: 64 << 20)
    client = render_client.RenderClient()
    assert client.cache.budget + client._process.segments.keep_free_bytes <= 32 << 20
    monkeypatch.setattr(render_client, "shared_memory_room", lambda: 24 << 30)
    assert render_client.RenderClient().cache.budget == render_client.DEFAULT_BUDGET
