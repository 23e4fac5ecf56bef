"""Text a reader must be able to read whole: nothing cut mid-word, scrolled out of sight, or hidden behind "…".

Real widgets at the narrow widths a small or scaled screen gives them.
"""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QImage

from reader.importers.pdf_files import import_pdfs
from reader.library import Library, PaperFields, TagCount, ViewCounts
from reader.ui.detail.pane import DetailPane
from reader.ui.sidebar import Sidebar
from reader.ui.welcome import WelcomePage

TITLE = "S2ORC: The Semantic Scholar Open Research Corpus"
AUTHORS = ("Kyle Lo", "Lucy Lu Wang", "Mark Neumann", "Rodney Kinney", "Daniel S. Weld")


def test_welcome_text_wraps_in_a_narrow_window(qtbot):
    page = WelcomePage()
    qtbot.addWidget(page)
    page.resize(440, 400)
    page.show()
    qtbot.waitExposed(page)
    assert page.minimumSizeHint().width() <= 440  # nothing forces the page wider than the window gives it
    text = page.text
    assert page.rect().contains(text.geometry())
    assert text.height() >= text.heightForWidth(text.width())  # every wrapped line has its room


def test_detail_pane_wraps_a_long_title_and_author_list(qtbot, library_home):
    with Library.open(library_home) as library:
        paper = library.paper(library.add_paper(PaperFields(title=TITLE, authors=AUTHORS)))
    pane = DetailPane(library_home)
    qtbot.addWidget(pane)
    pane.resize(300, 700)
    pane.show()
    pane.show_paper(paper)
    qtbot.waitExposed(pane)
    for edit, text in ((pane.title_edit, TITLE), (pane.authors_edit, "; ".join(AUTHORS))):
        assert edit.text() == text
        assert edit.fontMetrics().horizontalAdvance(text) > edit.width()  # too long for one line here…
        lines = edit.document().size().height() / edit.fontMetrics().lineSpacing()
        assert lines >= 2  # …so it wraps…
        assert edit.document().size().height() <= edit.viewport().height() + 1  # …and every line shows
        assert edit.document().size().width() <= edit.viewport().width() + 1
    scroll = pane.currentWidget()
    qtbot.waitUntil(lambda: pane._body.width() <= scroll.viewport().width())  # the right edge is not cut off
    assert scroll.horizontalScrollBar().maximum() == 0 or not scroll.horizontalScrollBar().isVisible()


def test_the_edited_title_is_one_line_of_text(qtbot, library_home):
    with Library.open(library_home) as library:
        paper = library.paper(library.add_paper(PaperFields(title="Old")))
    pane = DetailPane(library_home)
    qtbot.addWidget(pane)
    pane.show()
    pane.show_paper(paper)
    edited = []
    pane.field_edited.connect(lambda pid, field, value: edited.append((field, value)))
    pane.title_edit.setFocus()
    pane.title_edit.selectAll()
    qtbot.keyClicks(pane.title_edit, "A New Title")
    qtbot.keyPress(pane.title_edit, "\r")
    assert edited == [("title", "A New Title")]
    assert "\n" not in pane.title_edit.text()


def test_viewer_side_tabs_are_never_scrolled_out_of_sight(qtbot, open_window, library_home, corpus):
    with Library.open(library_home) as library:
        (outcome,) = import_pdfs(library, [corpus / "papers" / "df__paper.pdf"])
    window = open_window()
    tab = window.open_paper(outcome.paper_id)
    qtbot.waitUntil(tab.is_loaded, timeout=10_000)
    tab.resize(600, 500)
    bar = tab.side.tabBar()
    qtbot.waitUntil(lambda: tab.side.width() <= 220)
    shown = [i for i in range(bar.count()) if bar.isTabVisible(i)]
    assert sum(bar.tabSizeHint(i).width() for i in shown) > bar.width()  # the labels need more room than there is
    assert shown and all(bar.rect().contains(bar.tabRect(i)) for i in shown)
    assert bar.tabRect(shown[0]).left() >= 0  # the first label starts at its start, not at "ents"
    assert [bar.tabToolTip(i) for i in shown] == ["Pages", "Annotations", "Figures"]  # the names, when shortened


def test_figure_panel_thumbnails_fit_a_narrow_side_panel(qtbot, open_window, library_home, corpus):
    with Library.open(library_home) as library:
        (outcome,) = import_pdfs(library, [corpus / "papers" / "df__paper.pdf"])
    window = open_window()
    tab = window.open_paper(outcome.paper_id)
    qtbot.waitUntil(tab.is_loaded, timeout=10_000)
    tab.side.setCurrentWidget(tab.figures)
    tab.resize(620, 500)
    tab.size_side(170)
    viewport = tab.figures.viewport()
    tables = [card for card in tab.figures.strip.cards if card.caption.kind == "table" and card.picture]
    assert tables
    qtbot.waitUntil(lambda: tables[0].width() <= viewport.width())
    for card in tables:
        picture = card.picture
        drawn = picture.shown_rect().translated(picture.mapTo(viewport, picture.rect().topLeft()))
        assert drawn.width() > 0 and drawn.right() <= viewport.width() - 1, (drawn, viewport.width())


def _row_image(sidebar: Sidebar, name: str) -> QImage:
    sidebar.viewport().repaint()
    row = sidebar.visualRect(next(sidebar.model().index(r, 0, sidebar.model().index(1, 0))
                                  for r in range(sidebar.model().rowCount(sidebar.model().index(1, 0)))
                                  if sidebar.model().index(r, 0, sidebar.model().index(1, 0)).data() .startswith(name)))
    return sidebar.viewport().grab(QRect(row)).toImage()


def test_sidebar_shows_the_count_of_a_tag_whose_name_is_too_long(qtbot):
    """The count is what the reader reads there; a long name is what gets shortened."""
    sidebar = Sidebar()
    qtbot.addWidget(sidebar)
    sidebar.resize(160, 400)
    sidebar.show()
    qtbot.waitExposed(sidebar)
    name = "Representation learning for documents"
    views = ViewCounts(all=9, to_read=5, reading=2, read=2, trash=0)
    sidebar.update_counts(views, [TagCount(name, 5)])
    five = _row_image(sidebar, "Representation")
    sidebar.update_counts(views, [TagCount(name, 7)])
    seven = _row_image(sidebar, "Representation")
    assert five != seven  # the changed count shows, even where the name does not fit


def test_a_narrow_detail_pane_puts_a_table_thumbnail_above_its_caption_at_full_width(qtbot, library_home, corpus):
    with Library.open(library_home) as library:
        (outcome,) = import_pdfs(library, [corpus / "papers" / "df__paper.pdf"])
        paper = library.paper(outcome.paper_id)
    pane = DetailPane(library_home)
    qtbot.addWidget(pane)
    pane.show_paper(paper)
    pane.resize(600, 900)
    pane.show()
    qtbot.waitExposed(pane)
    table = next(card for card in pane.figures.cards if card.caption.kind == "table" and card.picture)
    qtbot.waitUntil(lambda: not table.stacked)  # room for both: the thumbnail beside its caption
    pane.resize(pane.minimumSizeHint().width(), 900)
    qtbot.waitUntil(lambda: table.stacked)

    def drawn():
        return table.picture.shown_rect().translated(table.picture.mapTo(table, table.picture.rect().topLeft()))

    qtbot.waitUntil(lambda: drawn().width() >= min(table.picture.pixmap.width(), table.width() - 20))  # not a smudge
    assert table.rect().contains(drawn())
