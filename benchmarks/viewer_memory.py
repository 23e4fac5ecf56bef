"""Memory of the app's UI process while reading, and after the tabs are closed (issue 17).

Run by ``benchmarks/viewer.py`` in a process of its own: the benchmark's process
imports PyMuPDF for its raw figures, which the app's UI process never does, so
its memory would not be the app's. This process is built as the app is (a render
client started and warmed, start-up objects frozen), then:

1. PSS of the UI process (and of the render process) before any tab is opened;
2. the PDFs given are opened as tabs, the first one (300 pages) scrolled to its end
   at the speed of a fast reader; PSS of both (target: UI process at most 150 MB);
3. every tab closed; PSS of both again (target: within 20 MB of 1), and of the render
   process once it has been idle long enough to empty MuPDF's store;
4. 2 and 3 once more: memory that stays after the first round and not the second is
   what a first use costs once (code paged in, fonts), not a leak.

    python benchmarks/viewer_memory.py LONG.pdf [OTHER.pdf...]
"""

from __future__ import annotations

import gc
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from viewer import pump, rss_mb  # this folder is first on sys.path when run as a script

from reader.pdf.render_process import STORE_IDLE_S


def settle(app) -> None:
    """Let deleted widgets go and the render process hear of closed documents, as an idle app does."""
    from PySide6.QtCore import QCoreApplication, QEvent

    for _ in range(3):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        pump(app, lambda: False, timeout=0.3)
        gc.collect()


def read_and_close(app, client, paths: list[Path]) -> dict[str, float]:
    """Open every PDF as a tab, scroll the first to its end, close them all; PSS on the way."""
    from reader.ui.viewer.viewer_tab import ViewerTab

    tabs = []
    for path in paths:
        tab = ViewerTab(client, path, path.stem)
        tab.resize(1000, 900)
        tab.show()
        pump(app, tab.is_loaded, timeout=20)
        tabs.append(tab)
    bar = tabs[0].view.verticalScrollBar()
    start = time.perf_counter()
    while bar.value() < bar.maximum() and time.perf_counter() - start < 90:
        bar.setValue(bar.value() + 450)
        pump(app, lambda: False, timeout=0.016)
    pump(app, lambda: False, timeout=0.5)
    out = {"ui-pss-reading": rss_mb(os.getpid(), "Pss"),
           "render-pss-reading": rss_mb(client.pid, "Pss") if client.pid else float("nan"),
           "cache-mb": client.cache.size_bytes / 2**20}
    for tab in tabs:
        tab.close()
        tab.deleteLater()
    tabs.clear()
    del bar
    settle(app)
    out["ui-pss-after-close"] = rss_mb(os.getpid(), "Pss")
    out["render-pss-after-close"] = rss_mb(client.pid, "Pss") if client.pid else float("nan")
    pump(app, lambda: False, timeout=STORE_IDLE_S + 1)  # the render process empties MuPDF's store when idle
    out["render-pss-idle"] = rss_mb(client.pid, "Pss") if client.pid else float("nan")
    return out


def main() -> None:
    from PySide6.QtWidgets import QApplication

    from reader.app import freeze_startup_objects
    from reader.ui.viewer.render_client import RenderClient
    from reader.ui.viewer.viewer_tab import ViewerTab  # noqa: F401 - imported at start-up, as in the app

    paths = [Path(p) for p in sys.argv[1:]]
    app = QApplication.instance() or QApplication(sys.argv[:1])
    client = RenderClient()
    client.start()
    warm = client.open_document(paths[-1])
    pump(app, lambda: client.document_info(warm) is not None, timeout=20)
    client.close_document(warm)
    freeze_startup_objects()
    settle(app)
    before = rss_mb(os.getpid(), "Pss")
    render_before = rss_mb(client.pid, "Pss") if client.pid else float("nan")

    first = read_and_close(app, client, paths)
    second = read_and_close(app, client, paths)  # the same again: what stays after the first is not a leak
    print(f"ui-pss-before {before:.1f} render-pss-before {render_before:.1f} "
          + " ".join(f"{k} {v:.1f}" for k, v in first.items())
          + f" ui-pss-after-second-close {second['ui-pss-after-close']:.1f}"
          f" render-pss-after-second-close {second['render-pss-after-close']:.1f} tabs {len(paths)}", flush=True)
    client.shutdown()


if __name__ == "__main__":
    main()
