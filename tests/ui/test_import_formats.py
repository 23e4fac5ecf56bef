"""The window's import reads RIS and CSL-JSON by their content, and refuses what is no bibliography."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication

from reader.library import PaperQuery
from tests.importers.conftest import INTEROP
from tests.ui.test_dropping import _drag_over


@pytest.fixture
def interop():
    if not INTEROP.is_dir():
        pytest.skip(f"shared interop corpus not found at {INTEROP}")
    return INTEROP


def _drop(window, *paths) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    _drag_over(window, mime)
    QApplication.sendEvent(window, QDropEvent(QPointF(200, 200), Qt.DropAction.CopyAction, mime,
                                              Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier))


def test_dropping_a_ris_export_and_a_csl_json_file_adds_their_papers(open_window, qtbot, interop, tmp_path):
    window = open_window()
    ris = tmp_path / "scopus.ris"
    shutil.copy(interop / "ris" / "RisImporterTestScopus.ris", ris)
    csl = tmp_path / "zotero.json"
    shutil.copy(interop / "csl-json" / "bbt__Normalizing_English_language_tag_3100.csl.json", csl)
    _drop(window, ris, csl)
    qtbot.waitUntil(lambda: getattr(window, "import_question", None) is not None
                    and window.import_question.isVisible(), timeout=30_000)
    question = window.import_question
    assert question.text() == "Import 4 new entries into your library?"
    assert question.informativeText().split("\n\n") == ["scopus.ris: 1 RIS entry: 1 new",
                                                       "zotero.json: 3 CSL-JSON entries: 3 new"]
    assert window.library.count(PaperQuery(view="all")) == 0  # nothing before the answer
    question.import_button.click()
    qtbot.waitUntil(lambda: window.library.count(PaperQuery(view="all")) == 4, timeout=30_000)
    papers = [window.library.paper(i) for i in window.library.query_ids(PaperQuery(view="all"))]
    assert any(p.authors == ("S. Federico", "A. Grillo", "W. Herzog") for p in papers)
    assert not any(p.title.startswith(("TY  -", "[", "{")) for p in papers)


def test_importing_a_json_that_is_no_bibliography_adds_nothing_and_says_why(open_window, qtbot, tmp_path):
    from reader.importers.dedupe import ImportReport
    from reader.ui.dialogs.export import import_lists

    window = open_window()
    settings = tmp_path / "settings.json"
    settings.write_text('{"theme": "dark", "zoom": 1.5}\n', encoding="utf-8")
    got: list[list[ImportReport]] = []
    import_lists(window.library, window.runner, [settings], on_done=got.append)
    qtbot.waitUntil(lambda: bool(got), timeout=10_000)
    (report,) = got[0]
    assert report.added == [] and "is not a bibliography we can read" in report.problems[0]
    assert window.library.count(PaperQuery(view="all")) == 0


def test_dropping_a_file_that_is_no_bibliography_says_so_and_offers_no_import(open_window, qtbot, tmp_path):
    window = open_window()
    settings = tmp_path / "settings.json"
    settings.write_text('{"theme": "dark", "zoom": 1.5}\n', encoding="utf-8")
    _drop(window, settings)
    qtbot.waitUntil(lambda: getattr(window, "import_question", None) is not None
                    and window.import_question.isVisible(), timeout=30_000)
    question = window.import_question
    assert question.text() == "Nothing here can be imported." and question.import_button is None
    assert question.informativeText().startswith("settings.json: is not a bibliography we can read")
    question.cancel_button.click()
    assert window.library.count(PaperQuery(view="all")) == 0
