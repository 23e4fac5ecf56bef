"""A small or scaled screen (QT_SCALE_FACTOR=2 on 1600×1000 is 800×500 Qt pixels), and the run after it.

Real main window, real library on disk, real settings file; Qt's offscreen screen
is 800×800 here, so a window of a normal desktop size does not fit it.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings, QSize

from reader.importers.pdf_files import import_pdfs
from reader.library import Library, PaperFields
from reader.ui.papers.model import Column, PaperTableModel
from reader.ui.papers.view import DEFAULT_WIDTHS, PaperTableView

LONG_TITLE = "Rethinking Attention with Performers: Scalable Kernel Methods for Transformers"


def _screen(window) -> QSize:
    return window.screen().availableGeometry().size()


def _settings(library_home) -> QSettings:
    return QSettings(str(library_home / "window-state.ini"), QSettings.Format.IniFormat)


def test_first_run_window_fits_the_screen(open_window):
    window = open_window()
    screen = _screen(window)
    assert window.frameGeometry().width() <= screen.width()
    assert window.frameGeometry().height() <= screen.height()


def test_saved_window_larger_than_the_screen_comes_back_inside_it(open_window):
    window = open_window()
    window.resize(1500, 1100)
    window.close()
    window = open_window()
    screen = _screen(window)
    assert window.width() <= screen.width() and window.height() <= screen.height()
    assert window.geometry().left() >= 0 and window.geometry().top() >= 0


def test_window_saved_on_a_screen_at_another_scale_keeps_its_share_of_the_screen(open_window, library_home):
    window = open_window()
    screen = _screen(window)
    window.resize(screen.width() // 2 - 20, screen.height() // 2 - 20)
    window.close()
    # as saved by a run at scale factor 2: the same screen, half as many Qt pixels
    settings = _settings(library_home)
    settings.setValue("window/screen", QSize(screen.width() // 2, screen.height() // 2))
    settings.sync()
    window = open_window()
    assert abs(window.width() - (screen.width() - 40)) <= 4
    assert abs(window.height() - (screen.height() - 40)) <= 4


def test_a_maximised_window_comes_back_maximised(open_window, qtbot):
    window = open_window()
    window.showMaximized()
    qtbot.waitUntil(window.isMaximized)
    window.close()
    window = open_window()
    assert window.isMaximized()


def test_title_keeps_the_room_in_a_narrow_window(open_window, qtbot):
    window = open_window()
    paper_id = window.library.add_paper(PaperFields(title=LONG_TITLE, authors=("Krzysztof Choromanski",),
                                                    year=2021, venue="ICLR 2021", tags=("Efficiency",)))
    window.refresh()
    window.table.select_paper(paper_id)
    window.resize(640, 500)
    qtbot.waitUntil(lambda: window.table.viewport().width() < 400)
    table = window.table
    letters = table.columnWidth(Column.TITLE) // table.fontMetrics().averageCharWidth()
    assert table.columnWidth(Column.TITLE) >= 0.45 * table.viewport().width() or letters >= 28
    for column in Column:
        if column != Column.TITLE and not table.isColumnHidden(column):
            assert table.columnWidth(column) >= min(table.readable_width(column), DEFAULT_WIDTHS[column])
    assert not table.isColumnHidden(Column.AUTHORS)  # the least a reader needs beside the title
    window.resize(_screen(window))
    window.sidebar.hide()
    window.library_split.setSizes([10_000, 1])
    qtbot.waitUntil(lambda: all(not table.isColumnHidden(c) for c in Column))  # room again: every column back


def test_columns_squeezed_by_a_small_window_come_back_at_their_width(qtbot, library_home):
    library = Library.open(library_home)
    try:
        library.add_paper(PaperFields(title=LONG_TITLE))
        model = PaperTableModel(library)
        table = PaperTableView(model)
        qtbot.addWidget(table)
        table.resize(1200, 400)
        table.show()
        table.setColumnWidth(Column.AUTHORS, 220)  # the reader's own width
        assert table.columnWidth(Column.AUTHORS) == 220
        table.resize(380, 400)
        qtbot.waitUntil(lambda: table.columnWidth(Column.AUTHORS) < 220)
        state = table.save_header()

        again = PaperTableView(PaperTableModel(library))
        qtbot.addWidget(again)
        again.resize(1200, 400)
        again.show()
        again.restore_header(state)
        assert again.columnWidth(Column.AUTHORS) == 220
        assert again.columnWidth(Column.VENUE) == DEFAULT_WIDTHS[Column.VENUE]
    finally:
        library.close()


def test_unreadably_narrow_saved_columns_are_not_restored(qtbot, library_home):
    library = Library.open(library_home)
    try:
        cramped = PaperTableView(PaperTableModel(library))
        qtbot.addWidget(cramped)
        cramped.horizontalHeader().resizeSection(Column.AUTHORS, 30)  # as an older version saved it
        state = QByteArray(cramped.horizontalHeader().saveState())
        table = PaperTableView(PaperTableModel(library))
        qtbot.addWidget(table)
        table.resize(1200, 400)
        table.show()
        table.restore_header(state)
        assert table.columnWidth(Column.AUTHORS) == DEFAULT_WIDTHS[Column.AUTHORS]
    finally:
        library.close()


def test_viewer_side_panel_takes_a_third_at_most_and_page_and_zoom_stay_visible(open_window, qtbot, library_home,
                                                                                corpus):
    with Library.open(library_home) as library:
        (outcome,) = import_pdfs(library, [corpus / "papers" / "df__paper.pdf"])
    window = open_window()
    tab = window.open_paper(outcome.paper_id)
    qtbot.waitUntil(tab.is_loaded, timeout=10_000)
    assert tab.side.isVisible()
    for width in (tab.width(), 600):  # 600: a maximised window at scale factor 2 on a 1600×1000 screen
        tab.resize(width, 500)
        side, total = tab.splitter.sizes()[0], sum(tab.splitter.sizes())
        assert side <= total / 3 + 1, (side, total)
    strip = tab.toolbar
    for widget in (tab.page_box, tab.page_total, tab.zoom_box):
        assert widget.isVisible(), widget
        where = widget.geometry().translated(widget.parentWidget().mapTo(strip, widget.geometry().topLeft())
                                             - widget.geometry().topLeft())
        assert strip.rect().contains(where), (widget, where, strip.rect())
