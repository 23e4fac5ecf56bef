"""Page memory is reused only once no image shows it any more, and renders still come out right."""

from __future__ import annotations

import pymupdf
import pytest
from PySide6.QtGui import QImage, QPixmap

from reader.pdf.geometry import RenderKey
from reader.ui.viewer.page_memory import PageMemory

pytestmark = pytest.mark.gui

SIZE = 64 * 64 * 4


def _image_on(memory: PageMemory, fill: bytes) -> QImage:
    buffer = memory.prepare(SIZE).result(timeout=5)
    buffer[:SIZE] = fill * (SIZE // len(fill))
    return QImage(memory.lend(buffer), 64, 64, 64 * 4, QImage.Format.Format_RGB32)


def test_memory_of_a_dropped_page_is_reused_but_not_while_a_pixmap_shares_it(qapp):
    memory = PageMemory()
    try:
        page = _image_on(memory, b"\x00\x00\xff\xff")  # red
        thumbnail = QPixmap.fromImage(page)  # shares the pixels, as the page thumbnails do
        del page
        other = _image_on(memory, b"\xff\x00\x00\xff")  # blue: must not land in the red buffer
        assert memory.reused == 0
        assert thumbnail.toImage().pixelColor(10, 10).red() == 255
        del thumbnail, other
        again = _image_on(memory, b"\x00\xff\x00\xff")
        assert memory.reused == 1  # a buffer came back once nothing showed it
        assert again.pixelColor(5, 5).green() == 255
    finally:
        memory.shutdown()


def test_pages_render_correctly_through_reused_memory(qtbot, render_client, tmp_path):
    """Scroll-like churn through a small cache: every image holds its own page, not a neighbour's."""
    path = tmp_path / "shades.pdf"
    doc = pymupdf.open()
    shades = [i / 12 for i in range(12)]
    for shade in shades:
        page = doc.new_page(width=200, height=200)
        page.draw_rect(page.rect, color=None, fill=(shade, shade, shade))
    doc.save(path)

    from reader.ui.viewer.render_client import RenderClient

    client = RenderClient(cache_budget=4 * 200 * 200 * 4 + 1)  # room for four pages: the rest churns
    client.start()
    try:
        doc_id = client.open_document(path)
        qtbot.waitUntil(lambda: client.document_info(doc_id) is not None, timeout=20_000)
        seen: dict[int, int] = {}
        client.page_rendered.connect(lambda key, image: seen.__setitem__(key.page, image.pixelColor(100, 100).red()))
        owner = object()
        for number in range(12):
            client.request_pages(owner, [RenderKey(doc_id, number, 1.0)])
            qtbot.waitUntil(lambda: number in seen, timeout=10_000)
        assert client._warm.reused > 0  # the churn did go through recycled buffers
        for number, shade in enumerate(shades):
            assert abs(seen[number] - round(shade * 255)) <= 2
        for number in range(8, 12):  # still cached: the pixels were not overwritten by later pages
            image = client.cache.get(RenderKey(doc_id, number, 1.0))
            assert image is not None and abs(image.pixelColor(100, 100).red() - round(shades[number] * 255)) <= 2
    finally:
        client.shutdown()


def test_pages_dropped_after_shutdown_are_simply_freed(qapp):
    """Tabs still close (and drop their pages) after the render client has shut down, as the app quits."""
    memory = PageMemory()
    image = _image_on(memory, b"\x00\x00\xff\xff")
    memory.shutdown()
    memory.dispose(image)  # no error: freed here
    assert not memory.prepare(SIZE).done()  # callers fall back to memory of their own
