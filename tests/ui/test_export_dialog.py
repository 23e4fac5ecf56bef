"""The export dialog driven as a user would: pick format, scope and target, export, cancel."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from reader.ui.dialogs.export import ExportDialog, import_lists
from reader.ui.tasks import TaskRunner
from tests.export.builders import build_library


@pytest.fixture
def setup(qtbot, library_home, tmp_path):
    library, ids = build_library(library_home)
    runner = TaskRunner()
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    yield library, ids, runner, settings
    runner.wait()
    library.close()


def _dialog(qtbot, library, runner, settings, **kw):
    dialog = ExportDialog(library, runner, settings, tags=library.tag_names(), **kw)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_markdown_export_of_the_selection_with_progress(qtbot, setup, tmp_path):
    library, ids, runner, settings = setup
    dialog = _dialog(qtbot, library, runner, settings, selected_ids=[ids["rich"], ids["plain"]])
    assert dialog.selection_radio.isChecked() and dialog.format() == "markdown"
    dialog.target_edit.setText(str(tmp_path / "vault"))
    steps = []
    dialog.progressed.connect(lambda d, t: steps.append((d, t)))
    with qtbot.waitSignal(dialog.exported, timeout=10_000) as signal:
        dialog.export_button.click()
    assert signal.args[0].cancelled is False and len(signal.args[0].written) == 2
    qtbot.waitUntil(lambda: steps == [(1, 2), (2, 2)], timeout=5_000)
    assert len(list((tmp_path / "vault").glob("*.md"))) == 2
    assert "Exported 2 notes" in dialog.status_label.text() and dialog.cancel_button.text() == "Close"
    assert settings.value("export/markdown_dir") == str(tmp_path / "vault")


def test_bibtex_for_a_tag_and_the_target_is_remembered(qtbot, setup, tmp_path):
    library, ids, runner, settings = setup
    dialog = _dialog(qtbot, library, runner, settings)
    assert dialog.library_radio.isChecked() and not dialog.selection_radio.isEnabled()
    dialog.bibtex_radio.setChecked(True)
    dialog.tag_radio.setChecked(True)
    dialog.tag_combo.setCurrentText("NLP")
    dialog.target_edit.setText(str(tmp_path / "nlp.bib"))
    with qtbot.waitSignal(dialog.exported, timeout=10_000):
        dialog.export_button.click()
    text = (tmp_path / "nlp.bib").read_text(encoding="utf-8")
    assert text.count("@") == 1 and "vaswani2017attention" in text

    again = _dialog(qtbot, library, runner, settings)
    assert again.format() == "bibtex" and again.target_edit.text() == str(tmp_path / "nlp.bib")
    again.markdown_radio.setChecked(True)
    assert again.target_edit.text().endswith("Reading List notes")


def test_unwritable_target_shows_the_message(qtbot, setup, tmp_path):
    library, ids, runner, settings = setup
    (tmp_path / "file").write_text("x")
    dialog = _dialog(qtbot, library, runner, settings)
    dialog.target_edit.setText(str(tmp_path / "file" / "vault"))
    with qtbot.waitSignal(dialog.failed, timeout=10_000) as signal:
        dialog.export_button.click()
    assert "cannot be created" in signal.args[0] and "cannot be created" in dialog.status_label.text()
    assert dialog.export_button.isEnabled()


def test_cancel_stops_between_papers(qtbot, setup, tmp_path):
    from reader.library import PaperFields

    library, ids, runner, settings = setup
    for n in range(300):
        library.add_paper(PaperFields(title=f"Filler paper {n}", summary="x" * 2000))
    dialog = _dialog(qtbot, library, runner, settings)
    dialog.target_edit.setText(str(tmp_path / "vault"))
    dialog.progressed.connect(lambda done, total: dialog.cancel_button.click() if done == 1 else None)
    with qtbot.waitSignal(dialog.exported, timeout=30_000) as signal:
        dialog.export_button.click()
    report = signal.args[0]
    assert report.cancelled and 1 <= len(report.written) < 303
    assert "Cancelled" in dialog.status_label.text()
    notes = list((tmp_path / "vault").glob("*.md"))
    assert len(notes) == len(report.written)
    assert all(n.read_text(encoding="utf-8").endswith("\n") for n in notes)  # each one whole
    assert not list((tmp_path / "vault").glob(".*.tmp"))


def test_import_lists_in_the_background(qtbot, setup, tmp_path):
    library, ids, runner, settings = setup
    (tmp_path / "a.bib").write_text("@misc{x, title = {From Bib}}\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("From A List\n", encoding="utf-8")
    got = []
    import_lists(library, runner, [tmp_path / "a.bib", tmp_path / "b.txt", tmp_path / "missing.bib"],
                 on_done=got.append)
    qtbot.waitUntil(lambda: bool(got), timeout=10_000)
    reports = got[0]
    assert [t for r in reports for _, t in r.added] == ["From Bib", "From A List"]
    assert "cannot be read" in reports[2].problems[0]


def test_export_from_a_papers_tab_offers_that_paper_not_the_tables_selection(open_window, qtbot, pdf_factory):
    from reader.library import PaperFields

    window = open_window()
    reading = window.library.add_pdf(pdf_factory("Being Read", pages=2), PaperFields(title="Being Read"),
                                     page_count=2).paper_id
    elsewhere = window.library.add_paper(PaperFields(title="Selected in the table"))
    window.refresh()
    window.table.select_paper(elsewhere)
    window.open_paper(reading)
    qtbot.waitUntil(lambda: getattr(window.tabs.currentWidget(), "paper_id", None) == reading, timeout=10_000)
    window.export()
    assert window.export_dialog._selected == (reading,)
    window.export_dialog.reject()
    window.tabs.setCurrentIndex(0)  # back in the library, the table's selection is what is exported
    window.export()
    assert window.export_dialog._selected == (elsewhere,)
    window.export_dialog.reject()
