"""One render process for the whole UI test session: it is started once per app, as in production."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def render_client(qapp):
    from reader.ui.viewer.render_client import RenderClient

    client = RenderClient()
    client.start()
    yield client
    client.shutdown()


@pytest.fixture
def open_tab(qtbot, render_client):
    """Open a ViewerTab on a path and wait until it shows pages (or its placeholder)."""
    from reader.ui.viewer.viewer_tab import ViewerTab

    def opener(path, wait_loaded: bool = True, **kw):
        tab = ViewerTab(render_client, path, path.stem, **kw)
        qtbot.addWidget(tab)
        tab.resize(900, 700)
        tab.show()
        tab.activateWindow()  # an earlier test's window may still hold the (offscreen) activation
        if wait_loaded:
            qtbot.waitUntil(tab.is_loaded, timeout=10_000)
        return tab

    return opener



@pytest.fixture
def imported_paper(library_home):
    """Import a PDF through the real import path into an open library: ``(library, paper_id, stored pdf)``."""
    from reader.importers.pdf_files import import_pdfs
    from reader.library import Library

    library = Library.open(library_home)

    def importer(path):
        (outcome,) = import_pdfs(library, [path])
        return library, outcome.paper_id, library_home / library.paper(outcome.paper_id).pdf_path

    yield importer
    library.close()
