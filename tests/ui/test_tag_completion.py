"""Completing topic tags in the detail pane with the keyboard, as a newcomer first tries it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from reader.library import Library, PaperFields
from reader.ui.detail.pane import DetailPane

TAGS = ["Datasets", "Information retrieval", "NLP"]


@pytest.fixture
def pane(qtbot, library_home):
    with Library.open(library_home) as library:
        paper = library.paper(library.add_paper(PaperFields(title="Dense Passage Retrieval", tags=("NLP",))))
    pane = DetailPane(library_home)
    qtbot.addWidget(pane)
    pane.show()
    pane.set_tag_names(TAGS)
    pane.show_paper(paper)
    pane.edits = []
    pane.tags_edited.connect(lambda _pid, tags: pane.edits.append(tags))
    field = pane.tags_edit
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    field.end(False)
    return pane


def test_down_enter_enter_adds_the_tag_once(qtbot, pane):
    field, popup = pane.tags_edit, pane.tags_edit.completer().popup()
    qtbot.keyClicks(field, ", Inf")
    assert popup.isVisible()
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert field.text() == "NLP, Information retrieval, "
    assert pane.edits[-1] == ["NLP", "Information retrieval"]


def test_moving_through_the_list_replaces_the_highlighted_tag(qtbot, pane):
    field, popup = pane.tags_edit, pane.tags_edit.completer().popup()
    qtbot.keyClicks(field, ", ")
    qtbot.keyClick(field, Qt.Key.Key_Down)  # the whole list
    assert popup.isVisible()
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert field.text() == "NLP, Information retrieval, "


def test_a_tag_typed_twice_is_saved_once(qtbot, pane):
    field = pane.tags_edit
    qtbot.keyClicks(field, ", nlp, Datasets")
    pane.tags_edit.completer().popup().hide()
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert pane.edits[-1] == ["NLP", "Datasets"]
