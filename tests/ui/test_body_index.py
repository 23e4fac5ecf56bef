"""The window catches up on papers whose text is not indexed yet, in the background, with progress."""

from __future__ import annotations

from reader.library import Library, PaperFields, PaperQuery
from tests.library.test_fulltext import paper_pdf


def test_papers_from_before_the_index_become_searchable_after_the_window_opens(qtbot, open_window, library_home,
                                                                                tmp_path):
    with Library.open(library_home) as lib:  # added without page texts, as by an older version
        for n in range(3):
            pdf = paper_pdf(tmp_path / f"p{n}.pdf", f"Old Paper Number {n}", {2: f"Okapis{n} live in forests."})
            lib.add_pdf(pdf, PaperFields(title=f"Old Paper Number {n}"))
    window = open_window()
    seen = []
    window.body_indexer.progress.connect(lambda p: seen.append((p.indexed, p.papers_with_pdf)))
    with qtbot.waitSignal(window.body_indexer.finished, timeout=60_000):
        window.body_indexer.start()
    assert seen[-1] == (3, 3)
    assert not window.index_progress.isVisible()
    assert window.library.query_ids(PaperQuery(text="okapis1")) != []
    window.search.setText("okapis2")
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)
