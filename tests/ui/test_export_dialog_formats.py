"""The export dialog's bibliography formats: each radio writes its own file type where the user said."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QSettings

from reader.ui.dialogs.export import ExportDialog
from reader.ui.tasks import TaskRunner
from tests.export.builders import build_library


@pytest.fixture
def setup(qtbot, library_home, tmp_path):
    library, _ = build_library(library_home)
    runner = TaskRunner()
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    yield library, runner, settings
    runner.wait()
    library.close()


@pytest.mark.parametrize(("fmt", "name", "check"), [
    ("biblatex", "refs.bib", lambda text: "journaltitle" not in text and "date = 2017" in text and "café" in text),
    ("ris", "refs.ris", lambda text: text.startswith("TY  - CPAPER\n") and text.count("ER  - ") == 3),
    ("csljson", "refs.json", lambda text: json.loads(text)[0]["type"] == "paper-conference"),
])
def test_each_bibliography_format_is_offered_and_written(qtbot, setup, tmp_path, fmt, name, check):
    library, runner, settings = setup
    dialog = ExportDialog(library, runner, settings, tags=library.tag_names())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.format_radios[fmt].setChecked(True)
    assert dialog.format() == fmt and dialog.target_label.text() == "&File:"
    assert dialog.target_edit.text().endswith(name.replace("refs", "reading-list"))
    dialog.target_edit.setText(str(tmp_path / name))
    with qtbot.waitSignal(dialog.exported, timeout=10_000):
        dialog.export_button.click()
    assert check((tmp_path / name).read_text(encoding="utf-8"))
    assert "Exported 3 entries" in dialog.status_label.text()
