"""Huge pages in the viewer: drawn scaled down within the pixel cap, never an error.

A 14,400 pt page at 400 % asked the render client for about 13 GB of shared
memory, and a page with a large /UserUnit logged "Cannot allocate memory" twice
as unexpected errors (error dialogs on a desktop). Now such a page is drawn at
the largest scale within ``MAX_RENDER_PIXELS`` and shown scaled up to its place.
"""

from __future__ import annotations

import logging

import pymupdf
import pytest
from PySide6.QtGui import QColor

from reader.pdf.geometry import MAX_RENDER_PIXELS


def _huge_page_pdf(path, width=14400.0, height=14400.0, user_unit=None):
    doc = pymupdf.open()
    page = doc.new_page(width=width, height=height)
    page.draw_rect(pymupdf.Rect(0, 0, width / 2, height / 2), color=None, fill=(0, 0, 0))  # top-left quarter black
    if user_unit:
        doc.xref_set_key(page.xref, "UserUnit", str(user_unit))
    doc.save(path)
    return path


@pytest.mark.timeout(60)
@pytest.mark.parametrize("kind", ["14400pt-at-400%", "userunit-1000-at-100%"])
def test_huge_page_is_drawn_scaled_down_without_errors(qtbot, open_tab, tmp_path, caplog, kind):
    caplog.set_level(logging.WARNING)
    if kind.startswith("14400"):
        path, zoom = _huge_page_pdf(tmp_path / "huge.pdf"), 4.0
    else:
        path, zoom = _huge_page_pdf(tmp_path / "userunit.pdf", 612, 792, user_unit=1000), 1.0
    tab = open_tab(path)
    view = tab.view
    view.set_zoom(zoom)
    key = view._key(0)
    qtbot.waitUntil(lambda: view.client.cache.get(key) is not None or bool(view._errors), timeout=20_000)
    assert not view._errors, view._errors
    image = view.client.cache.get(key)
    assert image.width() * image.height() <= MAX_RENDER_PIXELS
    assert image.width() < view.layout_.page_rect(0)[2] * view.devicePixelRatioF()  # really scaled down
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.records

    # what the reader sees: the page's black quarter fills the top-left of its place at the view's scale
    view.horizontalScrollBar().setValue(0)
    view.verticalScrollBar().setValue(0)
    shot = view.viewport().grab().toImage()
    x, y, w, h = view.layout_.page_rect(0)
    inside = shot.pixelColor(int(x + min(w / 4, 200)), int(y + min(h / 4, 200)))
    assert inside.lightness() < 60, inside.name()  # black ink, drawn in place, not a blank or error page
    assert QColor(inside) != view.page_color(view.dark)


def test_where_dev_shm_is_small_a_page_is_capped_lower(qapp, monkeypatch):
    """Some containers give /dev/shm 64 MB, and writing past its end kills the writer (SIGBUS)."""
    from reader.ui.viewer import render_client

    monkeypatch.setattr(render_client, "shared_memory_room", lambda: 64 << 20)
    assert render_client.RenderClient().max_pixels * 4 <= (64 << 20) // 4  # a quarter of it for one page
    monkeypatch.setattr(render_client, "shared_memory_room", lambda: None)
    assert render_client.RenderClient().max_pixels == MAX_RENDER_PIXELS
