"""Save annotated copy… proposes the paper's title as the file name and signs the marks with the user's name."""

from __future__ import annotations

from pathlib import Path

import pymupdf
from PySide6.QtCore import Qt

from reader.library import Library, PaperFields
from reader.settings import set_user_name
from tests.ui.test_annotations import paper_pdf, select_words

TITLE = "S2ORC: The Semantic Scholar Open Research Corpus"


def _open(open_tab, qtbot, tmp_path, library_home):
    library = Library.open(library_home)
    outcome = library.add_pdf(paper_pdf(tmp_path / "paper.pdf"), PaperFields(title=TITLE), page_count=3)
    stored = library_home / library.paper(outcome.paper_id).pdf_path
    tab = open_tab(stored, library=library, paper_id=outcome.paper_id)
    qtbot.waitUntil(lambda: 0 in tab.view._words, timeout=10_000)
    return library, tab


def test_save_dialog_proposes_the_title_not_the_hash(qtbot, open_tab, tmp_path, library_home):
    library, tab = _open(open_tab, qtbot, tmp_path, library_home)
    try:
        tab.annotations.ask_save_copy()
        proposed = Path(tab.annotations.save_dialog.selectedFiles()[0]).name
        tab.annotations.save_dialog.reject()
        assert proposed == "S2ORC - The Semantic Scholar Open Research Corpus (annotated).pdf"
    finally:
        library.close()


def test_marks_in_the_copy_carry_the_name_set_in_the_app(qtbot, open_tab, tmp_path, library_home):
    library, tab = _open(open_tab, qtbot, tmp_path, library_home)
    try:
        set_user_name("Ada Lovelace")
        select_words(qtbot, tab, 0, "quick", "fox")
        qtbot.keyClick(tab.view, Qt.Key.Key_H)
        qtbot.waitUntil(lambda: len(tab.annotations.store.records) == 1, timeout=10_000)
        target = tmp_path / "copy.pdf"
        with qtbot.waitSignal(tab.annotations.copy_saved, timeout=20_000):
            tab.annotations.save_copy(target)
        with pymupdf.open(target) as doc:
            assert [a.info["title"] for a in doc[0].annots()] == ["Ada Lovelace"]
    finally:
        library.close()
