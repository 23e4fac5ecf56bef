"""Closing the last tab gives back the memory its pages took (issue 17)."""

from __future__ import annotations

import os
from pathlib import Path

import pymupdf
import pytest
from PySide6.QtCore import QCoreApplication, QEvent

from reader.pdf.segments import REST_FREE_BYTES

pytestmark = pytest.mark.gui


def _pdf(path: Path, pages: int = 12) -> Path:
    doc = pymupdf.open()
    for number in range(pages):
        page = doc.new_page(width=612, height=792)
        page.insert_text((72, 72), f"Page {number + 1}", fontsize=24)
        page.draw_rect(pymupdf.Rect(72, 100, 540, 700), color=(0.2, 0.3, 0.8), fill=(0.8, 0.9, 1.0))
    doc.save(path)
    return path


def _shared_bytes(tag: str) -> int:
    """What the client's segments take in /dev/shm, where the pages live."""
    folder = Path("/dev/shm")
    return sum(f.stat().st_size for f in folder.iterdir() if f.name.startswith(tag))


@pytest.mark.skipif(not Path("/dev/shm").is_dir(), reason="POSIX shared memory is not a folder here")
def test_closing_every_tab_leaves_at_most_one_page_of_shared_memory(qtbot, tmp_path):
    from reader.ui.viewer.render_client import RenderClient
    from reader.ui.viewer.viewer_tab import ViewerTab

    client = RenderClient()
    client.start()
    try:
        tabs = []
        for number in range(2):
            tab = ViewerTab(client, _pdf(tmp_path / f"paper-{number}.pdf"), f"paper {number}", initial_zoom=2.0)
            tab.resize(1000, 900)
            tab.show()
            qtbot.waitUntil(lambda t=tab: t.view.first_paint_with_page is not None, timeout=20_000)
            tabs.append(tab)
        bar = tabs[0].view.verticalScrollBar()
        for _ in range(8):  # pages further on are drawn as well
            bar.setValue(bar.value() + 900)
            qtbot.wait(60)
        tag = client._process.segments._tag
        reading = _shared_bytes(tag)
        assert reading > 3 * REST_FREE_BYTES  # several pages at 200 %: the test would prove nothing otherwise
        for tab in tabs:
            tab.close()
            tab.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        qtbot.waitUntil(lambda: _shared_bytes(tag) <= REST_FREE_BYTES, timeout=5_000)
        assert client.cache.size_bytes == 0
    finally:
        client.shutdown()
    assert not [f for f in os.listdir("/dev/shm") if f.startswith(tag)]
