"""Start-up paints the window first; the library's façade, the render process and the
integrity check come after (issue 17)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from reader.library import Library, PaperFields, PaperQuery


@pytest.fixture
def filled_home(library_home):
    with Library.open(library_home) as library:
        for number in range(30):
            library.add_paper(PaperFields(title=f"Paper {number:02d} on attention", year=2000 + number,
                                          tags=("NLP",) if number % 2 else ("Vision",)))
    return library_home


def test_the_first_paint_shows_the_papers_before_sqlalchemy_or_the_render_process(filled_home, tmp_path):
    env = dict(os.environ, READING_LIST_STARTUP_PROBE="1", QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-m", "reader", "--library", str(filled_home)], env=env,
                         capture_output=True, text=True, timeout=120, check=False)
    line = next(l for l in out.stdout.splitlines() if l.startswith("first-paint-epoch"))
    fields = dict(zip(line.split()[::2], line.split()[1::2], strict=True))
    assert fields["rows"] == "30"
    assert (fields["sqlalchemy"], fields["render-process"], fields["pymupdf"]) == ("0", "0", "0")


def test_after_the_first_paint_the_library_opens_and_the_window_works_as_before(filled_home, qtbot):
    from reader.app import _start_deferred_work, after_first_paint
    from reader.library.quick_open import DeferredLibrary
    from reader.ui.main_window import MainWindow

    library = DeferredLibrary.open(filled_home)
    window = MainWindow(library)
    qtbot.addWidget(window)
    try:
        assert not library.is_open
        assert window.model.rowCount() == 30
        assert window.model.row_record(0).title == "Paper 29 on attention"  # newest first, as always
        assert window.table.current_paper_id() == window.model.paper_id(0)
        after_first_paint(window, lambda: _start_deferred_work(window, library))
        window.show()
        qtbot.waitUntil(lambda: library.is_open, timeout=20_000)
        assert window._render_client is not None
        window.search.setText("tag:NLP paper 2")
        qtbot.waitUntil(lambda: window.model.rowCount() == 5, timeout=5_000)  # 21, 23, 25, 27, 29
        assert library.count(PaperQuery(text="tag:NLP paper 2")) == 5
    finally:
        window.close()
        window.shutdown()
        library.close()


def test_a_window_that_never_paints_still_gets_its_library_opened(filled_home, qtbot, monkeypatch):
    import reader.app
    from reader.library.quick_open import DeferredLibrary
    from reader.ui.main_window import MainWindow

    monkeypatch.setattr(reader.app, "UNPAINTED_AFTER_MS", 200)
    library = DeferredLibrary.open(filled_home)
    window = MainWindow(library)  # never shown: started minimised, say
    try:
        reader.app.after_first_paint(window, lambda: reader.app._start_deferred_work(window, library))
        qtbot.waitUntil(lambda: library.is_open, timeout=20_000)
    finally:
        window.shutdown()
        window.deleteLater()
        library.close()
