"""The paper table model over a real library: paging, capped counting, Qt model rules."""

from __future__ import annotations

import pytest

from reader.library import Library, PaperFields, PaperQuery
from reader.ui.papers import model as model_module
from reader.ui.papers.model import Column, PaperTableModel


@pytest.fixture
def library(library_home):
    lib = Library.open(library_home)
    for i in range(30):
        lib.add_paper(PaperFields(title=f"Paper {i:02d} about {'graphs' if i % 3 == 0 else 'vision'}"))
    yield lib
    lib.close()


def test_rows_arrive_in_query_order_and_filter(qapp, library):
    model = PaperTableModel(library)
    model.set_query(PaperQuery(sort="title", descending=False))
    assert model.rowCount() == 30
    assert model.index(0, Column.TITLE).data() == "Paper 00 about graphs"
    model.set_query(PaperQuery(text="grap"))
    assert model.rowCount() == 10
    assert model.index(0, Column.TITLE).data() == "Paper 27 about graphs"  # newest first


def test_count_grows_as_the_view_asks_for_more(qapp, library, monkeypatch):
    monkeypatch.setattr(model_module, "FIRST_COUNT", 8)
    monkeypatch.setattr(model_module, "PAGE", 5)
    model = PaperTableModel(library)
    model.reload()
    assert model.rowCount() == 8 and model.canFetchMore()
    assert model.total() == 30
    oldest = library.query_ids(PaperQuery())[-1]
    assert model.row_of(oldest) == 29  # found past the first count, rows added on the way
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 30
    assert [model.paper_id(r) for r in range(30)] == library.query_ids(PaperQuery())


def test_model_obeys_qt_rules(qapp, qtmodeltester, library):
    model = PaperTableModel(library)
    model.reload()
    qtmodeltester.check(model)
