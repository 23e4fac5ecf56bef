"""File → Import… shows what a drop shows before anything is written: entries, duplicates, problems
by line, PDFs to copy; the import then runs in the background and can be cancelled."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtWidgets import QFileDialog

from reader.library import PaperFields, PaperQuery
from tests.importers.conftest import INTEROP


@pytest.fixture
def interop():
    if not INTEROP.is_dir():
        pytest.skip(f"shared interop corpus not found at {INTEROP}")
    return INTEROP


def _choose(monkeypatch, *paths) -> None:
    """The platform's file dialog, answered: the one thing in these tests that is not the app's own."""
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(p) for p in paths], ""))


def test_menu_import_previews_duplicates_problems_and_pdfs_then_imports(open_window, qtbot, interop, tmp_path,
                                                                         monkeypatch, pdf_factory):
    window = open_window()
    window.library.add_paper(PaperFields(title="The trouble with login: on usability and computer security in "
                                               "ubiquitous computing", doi="10.1007/s00779-005-0347-6"))
    bib = tmp_path / "complex.bib"
    shutil.copy(interop / "bibtex" / "jabref-complex.bib", bib)
    zotero = tmp_path / "export" / "library.json"
    zotero.parent.mkdir()
    shutil.copy(interop / "csl-json" / "bbt__Pandoc-LaTeX-SCHOMD_Citation_Export.zotero.json", zotero)
    (zotero.parent / "attachments").mkdir()
    shutil.copy(pdf_factory("Huaynaputina"), zotero.parent / "attachments" / "Adams_Huaynaputina.pdf")
    _choose(monkeypatch, bib, zotero)
    before = window.library.count(PaperQuery(view="all"))
    window.import_action.trigger()
    qtbot.waitUntil(lambda: getattr(window, "import_question", None) is not None
                    and window.import_question.isVisible(), timeout=30_000)
    question = window.import_question
    lines = question.informativeText().split("\n\n")
    assert lines[0] == ("complex.bib: 20 BibTeX entries: 18 new, 1 already in your library, 1 repeated in the file, "
                        "1 problem (see details)")
    assert lines[1] == "library.json: 4 Better BibTeX JSON entries: 4 new, 1 PDF will be copied"
    assert question.text() == "Import 22 new entries into your library?"
    assert "line 19 (1102917): 'The trouble with login" in question.detailedText()
    assert "line 36 (1137631): no PDF found at" in question.detailedText()
    question.grab().save(str(tmp_path / "preview.png"))
    assert window.library.count(PaperQuery(view="all")) == before  # nothing before the answer
    question.import_button.click()
    qtbot.waitUntil(lambda: window.library.count(PaperQuery(view="all")) == before + 22, timeout=60_000)
    qtbot.waitUntil(lambda: not window.list_import_job.running, timeout=30_000)
    assert sum(bool(window.library.paper(i).pdf_path) for i in window.library.query_ids(PaperQuery(view="all"))) == 1


def test_cancelling_the_preview_imports_nothing(open_window, qtbot, interop, tmp_path, monkeypatch):
    window = open_window()
    _choose(monkeypatch, interop / "ris" / "RisImporterTestScopus.ris")
    window.import_action.trigger()
    qtbot.waitUntil(lambda: getattr(window, "import_question", None) is not None
                    and window.import_question.isVisible(), timeout=30_000)
    window.import_question.cancel_button.click()
    qtbot.wait(300)
    assert window.library.count(PaperQuery(view="all")) == 0
    assert getattr(window, "list_import_job", None) is None


def test_cancel_during_an_import_adds_nothing_of_the_file(open_window, qtbot, interop, tmp_path):
    from reader.ui.import_job import ListImportJob

    window = open_window()
    job = ListImportJob(window.library, window.runner)
    finished = []
    job.finished.connect(lambda reports, cancelled: finished.append((reports, cancelled)))
    from PySide6.QtCore import Qt

    # Cancel pressed at the first entry: direct, so a fast import cannot finish before the click arrives
    job.progress.connect(lambda done, total, label: job.cancel(), Qt.ConnectionType.DirectConnection)
    job.start([interop / "bibtex-with-truth" / "bbt__Import_error_with_character_in_BibTeX_field_name_2660.bib"])
    qtbot.waitUntil(lambda: bool(finished), timeout=60_000)
    (report,), cancelled = finished[0]
    assert cancelled and report.cancelled and report.added == []
    assert window.library.count(PaperQuery(view="all")) == 0


def test_pdfs_outside_the_files_folder_are_copied_only_when_the_box_is_ticked(qtbot, interop, library_home,
                                                                             tmp_path, pdf_factory):
    from reader.library import Library
    from reader.ui.dialogs.import_preview import ImportPreviewQuestion, read_previews

    elsewhere = pdf_factory("Elsewhere")
    ris = tmp_path / "export" / "science.ris"
    ris.parent.mkdir()
    text = (interop / "ris" / "RisImporterTestScience.ris").read_text(encoding="utf-8-sig")
    ris.write_text(text.replace("ER  -", f"L1  - file://{elsewhere}\nER  -", 1), encoding="utf-8")
    answers = []
    with Library.open(library_home) as library:
        previews = read_previews([ris], library)
    question = ImportPreviewQuestion(None, [ris], previews, lambda paths, anywhere: answers.append(anywhere))
    qtbot.addWidget(question)
    assert "1 linked PDF outside its folder" in question.informativeText()
    assert str(elsewhere) in question.detailedText() and question.copy_outside is not None
    question.copy_outside.setChecked(True)
    question.import_button.click()
    assert answers == [True]
