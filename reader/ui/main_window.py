"""The main window: sidebar, paper table, detail pane, and tabs for open papers.

It owns no business logic: every change goes to the library façade on the write
lane, and when it is done the affected panes are refreshed.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoGroup, QUndoStack
from PySide6.QtWidgets import (
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QToolBar,
    QWidget,
)

from reader import __version__
from reader.errors import ReaderError
from reader.importers.extraction_pool import ExtractionPool
from reader.library import PaperQuery, Status
from reader.ui import commands, tab_session, window_state
from reader.ui.body_indexer import BodyIndexer, IndexProgressView
from reader.ui.citation_graph import CitationGraphKeeper
from reader.ui.detail.pane import DetailPane
from reader.ui.drop_overlay import DropOverlay
from reader.ui.import_job import ImportJob, ImportProgress
from reader.ui.library_commands import LibraryCommands
from reader.ui.online_add import OnlineAdding
from reader.ui.opening import PaperOpening, viewer_of
from reader.ui.papers.model import PaperTableModel
from reader.ui.papers.view import PaperTableView
from reader.ui.shortcuts import distinct
from reader.ui.sidebar import Sidebar
from reader.ui.tasks import TaskRunner
from reader.ui.viewer.spare_tab import SpareTab
from reader.ui.welcome import WelcomePage

if TYPE_CHECKING:  # the façade's import waits for the first paint (reader.app)
    from reader.library import Library

log = logging.getLogger(__name__)
SEARCH_DELAY_MS = 60
DROPPABLE = (".pdf", ".bib", ".bibtex", ".ris", ".json", ".txt", ".md")  # bibliographies: format read from content


class MainWindow(PaperOpening, LibraryCommands, QMainWindow):
    _notice_until = 0.0  # monotonic time until which notify()'s message stands

    def __init__(self, library: Library, log_file: Path | None = None, render_client=None, parent=None) -> None:
        super().__init__(parent)
        self.library = library
        self.log_file = log_file
        self._render_client = render_client
        self._owns_render_client = render_client is None
        self.spare_tab = SpareTab(self)  # a viewer tab built ahead of the next open
        self.setWindowTitle("Reading List")
        self.last_warning = ""
        self.restore_on_exit: Path | None = None
        self.setAcceptDrops(True)
        self.settings = QSettings(str(library.home / "window-state.ini"), QSettings.Format.IniFormat)
        self.runner = TaskRunner(self)
        self.undo_group = QUndoGroup(self)
        self.undo_stack = QUndoStack(self)
        self.undo_group.addStack(self.undo_stack)
        self.undo_group.setActiveStack(self.undo_stack)
        self.extraction_pool = ExtractionPool()
        self.import_job = ImportJob(library, self.runner, self.extraction_pool, self)
        self.import_job.progress.connect(self._on_import_progress)
        self.import_job.finished.connect(self._on_import_finished)
        self.import_job.finished.connect(self._focus_added_papers)

        self.model = PaperTableModel(library, self)
        self.table = PaperTableView(self.model)
        self.table.current_paper_changed.connect(self._show_detail)
        self.table.open_requested.connect(self._open_from_list)
        self.detail = DetailPane(library.home)
        self.detail.figure_clicked.connect(
            lambda pid, c: self.open_paper(pid, page=c.page - 1, flash_rect=c.region or c.bbox))
        self.detail.field_edited.connect(self._edit_field)
        self.detail.tags_edited.connect(self._edit_tags)
        self.detail.status_edited.connect(lambda pid, s: self.set_status([pid], Status(s)))
        self.detail.open_requested.connect(self.open_paper)
        self.detail.body_hit_requested.connect(self._open_at_body_hit)
        self.detail.notes.save_requested.connect(self._save_note)
        self.detail.notes.delete_requested.connect(self._delete_note)
        self.sidebar = Sidebar()
        self.sidebar.filter_changed.connect(self._apply_filter)
        self.welcome = WelcomePage()
        self.drop_overlay = DropOverlay(self)

        self.library_split = QSplitter(Qt.Orientation.Horizontal)
        self.library_split.addWidget(self.table)
        self.library_split.addWidget(self.detail)
        self.library_split.setStretchFactor(0, 3)
        self.library_split.setStretchFactor(1, 2)
        self.library_split.setSizes([760, 440])
        self.library_stack = QStackedWidget()
        self.library_stack.addWidget(self.library_split)
        self.library_stack.addWidget(self.welcome)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.setTabsClosable(True)
        self.tabs.setMovable(True)
        self.tabs.addTab(self.library_stack, "Library")
        self.tabs.tabBar().setTabButton(0, self.tabs.tabBar().ButtonPosition.RightSide, None)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self.tabs.currentChanged.connect(self._give_find_to_tab)
        self.main_split = QSplitter(Qt.Orientation.Horizontal)
        self.main_split.addWidget(self.sidebar)
        self.main_split.addWidget(self.tabs)
        self.main_split.setStretchFactor(1, 1)
        self.main_split.setSizes([190, 1000])
        self.setCentralWidget(self.main_split)

        self.progress = ImportProgress()
        self.progress.cancel_requested.connect(self.import_job.cancel)
        self.statusBar().addPermanentWidget(self.progress)
        self.body_indexer = BodyIndexer(library, self.runner, self.extraction_pool, self)
        self.index_progress = IndexProgressView()
        self.body_indexer.progress.connect(self.index_progress.step)
        self.body_indexer.finished.connect(self.index_progress.done)
        self.statusBar().addPermanentWidget(self.index_progress)
        self.citation_graph = CitationGraphKeeper(library, self.runner, self.extraction_pool, self)
        self.citation_graph.changed.connect(lambda: self.detail.citing.set_graph(self.citation_graph.graph,
                                                                                 self._title_of))
        self.detail.citing.paper_chosen.connect(self.show_paper_in_table)

        self.search = QLineEdit(placeholderText="Search titles, authors, tags, notes, the papers’ text…")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(240)
        self.search.setMaximumWidth(420)
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._run_search)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.welcome.add_pdf_requested.connect(self.add_pdfs_dialog)
        self.welcome.load_sample_requested.connect(self.load_sample)
        self.welcome.add_by_hand_requested.connect(self.add_paper_dialog)

        self.online = OnlineAdding(self)  # add by identifier, Fetch PDF (issue 15)
        self._build_actions()
        self._restore_state()
        self.refresh()
        last = int(self.settings.value("selection/paper", 0) or 0)
        if not (last and self.table.select_paper(last)) and self.model.rowCount():
            self.table.select_paper(self.model.paper_id(0))
        QTimer.singleShot(0, self, lambda: tab_session.restore(self))  # once the event loop runs, not while building
        self.body_indexer.start_later()
        self.citation_graph.start_later()

    # Actions and menus ---------------------------------------------------------------

    def _action(self, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:  # every binding of a standard key (Close is Ctrl+F4 and Ctrl+W), each once
            action.setShortcuts(distinct(shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        menu = self.menuBar()
        self.add_pdf_action = self._action("&Add PDF…", self.add_pdfs_dialog, QKeySequence.StandardKey.Open,
                                           "Add PDF files to the reading list")
        self.add_paper_action = self._action("Add Paper by &Hand…", self.add_paper_dialog,
                                             QKeySequence.StandardKey.New, "Type in a paper's details")
        self.sample_action = self._action("Load &Sample Reading List", self.load_sample)
        self.import_action = self._action("&Import References or List…", lambda: self.import_lists(),
                                          "Ctrl+Shift+I", "Import BibTeX, biblatex, RIS, CSL-JSON or Zotero JSON,"
                                          " or a list of titles, DOIs or arXiv ids")
        self.export_action = self._action("&Export…", lambda: self.export(), "Ctrl+E",
                                          "Export notes as Markdown or references as BibTeX")
        self.export_markdown_action = self._action(
            "Export as &Markdown…", lambda: self.export(self.table.selected_paper_ids(), "markdown"))
        quit_action = self._action("&Quit", self.close, QKeySequence.StandardKey.Quit)
        file_menu = menu.addMenu("&File")
        for action in (self.add_pdf_action, self.add_paper_action, self.sample_action, None,
                       self.import_action, self.export_action):
            file_menu.addSeparator() if action is None else file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(quit_action)

        undo = self.undo_group.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.undo_group.createRedoAction(self, "&Redo")
        redo.setShortcuts(distinct("Ctrl+Shift+Z", QKeySequence.StandardKey.Redo))
        # Ctrl+F and Delete belong to the library here; a viewer tab has its own Find and Delete mark
        self.find_action = self._action("&Find…", self.focus_search, QKeySequence.StandardKey.Find)
        self.find_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.trash_action = self._action("&Move to Trash", self.trash_selected, QKeySequence.StandardKey.Delete)
        self.trash_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.restore_action = self._action("Res&tore from Trash", self.restore_selected)
        self.empty_trash_action = self._action("&Empty Trash…", self.empty_trash)
        edit_menu = menu.addMenu("&Edit")
        for action in (undo, redo, None, self.find_action, None, self.trash_action, self.restore_action,
                       self.empty_trash_action):
            edit_menu.addSeparator() if action is None else edit_menu.addAction(action)
        self.user_name_action = self._action("Your &Name…", self.ask_user_name,
                                             tip="The author named on your marks in annotated copies")
        edit_menu.addSeparator()
        edit_menu.addAction(self.user_name_action)

        self.add_to_list_action = self._action("Add Open PDF to Reading &List", self._add_unlisted)
        self.add_to_list_action.setEnabled(False)
        self.open_action = self._action("&Open PDF", lambda: self.open_paper(self.table.current_paper_id()),
                                        "Ctrl+Return")
        paper_menu = menu.addMenu("&Paper")
        paper_menu.addAction(self.open_action)
        paper_menu.addAction(self.add_to_list_action)
        paper_menu.addSeparator()
        self.status_actions = []
        for number, status in enumerate(Status, start=1):
            action = self._action(f"Mark as {status.label}", lambda _c=False, s=status: self.set_status(
                self.table.selected_paper_ids(), s), f"Ctrl+{number}")
            paper_menu.addAction(action)
            self.status_actions.append(action)
        self.close_tab_action = self._action("&Close Tab", lambda: self.close_tab(self.tabs.currentIndex()),
                                             QKeySequence.StandardKey.Close)
        self.figures_action = self._action("&Figures and Tables", self.show_figures, "Ctrl+Shift+G",
                                           "All figures and tables of the library (or the selected tag) as a grid")
        self.reextract_action = self._action("Re-e&xtract from PDF", self.reextract_selected,
                                             tip="Read title, authors, abstract and captions from the PDF again; "
                                                 "fields you edited are kept")
        paper_menu.addAction(self.reextract_action)
        self.online.install(file_menu, edit_menu, paper_menu, after_add=self.add_paper_action,
                            before_trash=self.trash_action)
        self.references_action = self._action("Re&ferences", self.show_references,
                                              tip="The paper's bibliography: add the papers it cites")
        paper_menu.addAction(self.references_action)
        self.backup_action = self._action("&Back Up Now", self.back_up_now)
        self.restore_backup_action = self._action("Restore from Bac&kup…", self.restore_from_backup)
        file_menu.insertActions(quit_action, [self.backup_action, self.restore_backup_action])
        file_menu.insertSeparator(quit_action)
        view_menu = menu.addMenu("&View")
        view_menu.addAction(self.figures_action)
        view_menu.addAction(self.close_tab_action)
        sidebar_action = self._action("Show &Sidebar", lambda on: self.sidebar.setVisible(on), "Ctrl+Shift+L")
        sidebar_action.setCheckable(True)
        sidebar_action.setChecked(True)
        view_menu.addAction(sidebar_action)
        help_menu = menu.addMenu("&Help")
        self.shortcuts_action = self._action("&Keyboard Shortcuts", self.show_shortcuts,
                                             QKeySequence.StandardKey.HelpContents, "Every key, made from the menus")
        help_menu.addAction(self.shortcuts_action)
        help_menu.addAction(self._action("&About Reading List", self.show_about))
        for place in (self.library_stack, self.sidebar, self.search, self.tabs.tabBar()):
            QWidget.addAction(place, self.find_action)

        for action in (self.open_action, None, *self.status_actions, None, self.export_markdown_action, None,
                       self.trash_action, self.restore_action):
            if action is None:
                separator = QAction(self)
                separator.setSeparator(True)
                self.table.addAction(separator)
            else:
                self.table.addAction(action)

        toolbar = QToolBar("Main")
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.addAction(self.add_pdf_action)
        toolbar.addAction(self.add_paper_action)
        spacer = QWidget()
        spacer.setSizePolicy(spacer.sizePolicy().horizontalPolicy().Expanding,
                             spacer.sizePolicy().verticalPolicy().Preferred)
        toolbar.addWidget(spacer)
        toolbar.addWidget(self.search)
        self.addToolBar(toolbar)

    # Refreshing ---------------------------------------------------------------------

    def refresh(self, keep_selection: bool = True) -> None:
        """Re-read counts, tags and the table after a change."""
        current = self.table.current_paper_id() if keep_selection else 0
        views, tags = self.library.view_counts(), self.library.tag_counts()
        self.sidebar.update_counts(views, tags)
        self.detail.set_tag_names([t.name for t in tags])
        self.model.reload()
        empty = views.all == 0 and views.trash == 0
        self.library_stack.setCurrentWidget(self.welcome if empty else self.library_split)
        if current and self.table.select_paper(current):
            self._show_detail(current)
        elif not self.model.rowCount():
            self.detail.show_paper(None)
        self._update_title()

    def _update_title(self) -> None:
        """The exact count, computed off the GUI thread: the table itself only counts what it shows."""
        query = self.model.query

        def show(total: int) -> None:
            if self.model.query == query and time.monotonic() >= self._notice_until:
                self.statusBar().showMessage(f"{total:,} paper{'s' if total != 1 else ''}", 0)

        self.runner.run(lambda: self.library.count(query), show, lambda _e: None, lane="work")

    def notify(self, text: str, ms: int = 8000) -> None:
        """A status message that the paper count, shown again after every refresh, leaves standing."""
        self._notice_until = time.monotonic() + ms / 1000
        self.statusBar().showMessage(text, ms)

    def _show_detail(self, paper_id: int) -> None:
        self.detail.notes.flush()
        if not paper_id:
            self.detail.show_paper(None)
            return
        try:
            self.detail.show_paper(self.library.paper(paper_id))
            self.detail.show_body_hit(self.model.body_hit(paper_id))
        except ReaderError:
            self.detail.show_paper(None)
            self.detail.show_body_hit(None)
        self.settings.setValue("selection/paper", paper_id)

    def _lists_imported(self, reports: list) -> None:
        """A bibliography's linked PDFs are added without their text: it is read in the background."""
        super()._lists_imported(reports)
        self.body_indexer.start()

    def _open_from_list(self, paper_id: int) -> None:
        """Enter or a double-click: a paper the search found by its own text opens at that page."""
        if self.model.body_hit(paper_id) is not None:
            self._open_at_body_hit(paper_id)
        else:
            self.open_paper(paper_id)

    def _open_at_body_hit(self, paper_id: int) -> None:
        """Open at the page the search found, with the find bar searching the matched words there."""
        hit = self.model.body_hit(paper_id)
        if hit is None:
            self.open_paper(paper_id)
            return
        tab = self.open_paper(paper_id, page=hit.page - 1)
        if tab is not None:
            tab.find_text(hit.find_text())

    def _reshow(self, paper_ids) -> None:
        self.model.refresh_ids(paper_ids)
        if self.detail.paper_id() in paper_ids:
            self.detail.show_paper(self.library.paper(self.detail.paper_id()))

    def _apply_filter(self, view: str, tag: str) -> None:
        self.model.set_query(PaperQuery(text=self.search.text(), view=view, tag=tag or None,
                                        sort=self.model.query.sort, descending=self.model.query.descending))
        self.trash_action.setEnabled(view != "trash")
        self.restore_action.setEnabled(view == "trash")
        if self.model.rowCount():
            self.table.select_paper(self.model.paper_id(0))
        else:
            self.detail.show_paper(None)
        self._update_title()

    def _run_search(self) -> None:
        view, tag = self.sidebar.current_filter()
        self._apply_filter(view, tag)

    def _focus_added_papers(self, outcomes: list, _cancelled: bool) -> None:
        """After Ctrl+O the paper just added is selected; give the table the focus so Enter opens it.

        Not while the reader is elsewhere: in another tab, or typing in the detail pane.
        """
        focus = self.focusWidget()  # the window's, also while a dialog or another app is in front
        typing = focus is not None and self.detail.isAncestorOf(focus)
        if any(o.ok for o in outcomes) and self.tabs.currentIndex() == 0 and not typing \
                and self.table.current_paper_id():
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _give_find_to_tab(self, index: int) -> None:
        """Ctrl+F in a tab without a Find of its own (the Figures grid) is the window's Find."""
        widget = self.tabs.widget(index)
        if widget is not None and viewer_of(widget) is None:
            QWidget.addAction(widget, self.find_action)

    def focus_search(self) -> None:
        widget = self.tabs.currentWidget()
        viewer = viewer_of(widget)
        if viewer is not None:
            viewer.show_find()
            return
        own_search = getattr(widget, "search", None)  # the Figures grid searches its captions
        if widget is not self.library_stack and isinstance(own_search, QLineEdit):
            own_search.setFocus(Qt.FocusReason.ShortcutFocusReason)
            own_search.selectAll()
            return
        self.tabs.setCurrentIndex(0)
        self.search.setFocus()
        self.search.selectAll()

    def warn(self, title: str, text: str) -> QMessageBox:
        """Show a warning without blocking: the window (and any import) keeps running."""
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.last_warning = text
        box.open()
        return box

    # Writing ------------------------------------------------------------------------

    def _title_of(self, paper_id: int) -> str:
        try:
            return self.library.paper(paper_id).title
        except ReaderError:
            return f"Paper {paper_id}"

    def show_references(self) -> None:
        tab = self.open_paper(self.table.current_paper_id())
        if tab is not None:
            tab.show_references()

    def write(self, fn, then=None, what: str = "The change") -> None:
        """Run ``fn`` on the write lane; show failures, then run ``then`` on the GUI thread."""

        def failed(exc: BaseException) -> None:
            log.error("%s failed: %s", what, exc)
            self.warn("Reading List", str(exc) if isinstance(exc, ReaderError)
                                else f"{what} could not be saved: {exc}")
            self.refresh()

        self.runner.run(fn, then, failed)

    def _edit_field(self, paper_id: int, field: str, value) -> None:
        self.write(lambda: self.library.update_paper(paper_id, **{field: value}),
                   lambda _r: self._after_edit(paper_id, field))

    def _after_edit(self, paper_id: int, field: str) -> None:
        self._reshow([paper_id])

    def _edit_tags(self, paper_id: int, tags: list) -> None:
        before = list(self.library.paper(paper_id).tags)
        self.undo_stack.push(commands.SetTags(self, paper_id, before, tags))

    def set_status(self, paper_ids: list[int], status: Status) -> None:
        if paper_ids:
            self.undo_stack.push(commands.SetStatus(self, paper_ids, status))

    def _save_note(self, note_id: int, body: str) -> None:
        paper_id = self.detail.paper_id()
        if not paper_id:
            return

        def work():
            if note_id:
                self.library.update_note(note_id, body)
                return next((n for n in self.library.notes(paper_id) if n.id == note_id), None)
            return self.library.add_note(paper_id, body)

        def done(note) -> None:
            if note is not None and self.detail.paper_id() == paper_id:
                self.detail.notes.note_saved(note)

        self.write(work, done, "The note")

    def _delete_note(self, note_id: int) -> None:
        paper_id = self.detail.paper_id()
        if paper_id:
            self.undo_stack.push(commands.DeleteNote(self, paper_id, note_id))

    def trash_selected(self) -> None:
        ids = self.table.selected_paper_ids()
        if ids and self.sidebar.current_filter()[0] != "trash":
            self.undo_stack.push(commands.MoveToTrash(self, ids))

    def restore_selected(self) -> None:
        ids = self.table.selected_paper_ids()
        if ids and self.sidebar.current_filter()[0] == "trash":
            self.undo_stack.push(commands.MoveToTrash(self, ids, restore=True))

    def empty_trash(self) -> None:
        count = self.library.view_counts().trash
        if not count:
            self.statusBar().showMessage("The Trash is empty.", 3000)
            return
        answer = QMessageBox.question(
            self, "Empty Trash", f"Delete the {count} paper{'s' if count != 1 else ''} in the Trash for good, "
            "with their notes and PDFs? This cannot be undone.",
            QMessageBox.StandardButton.Cancel | QMessageBox.StandardButton.Discard, QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Discard:
            self.undo_stack.clear()
            self.write(self.library.empty_trash, lambda _n: self.refresh())

    # Drag and drop --------------------------------------------------------------------

    def dragEnterEvent(self, event) -> None:  # noqa: N802
        if self.online.dropped_links(event.mimeData()):  # a link dragged from a browser
            event.acceptProposedAction()
            self.drop_overlay.show_over(self.centralWidget(), "Drop to add the paper by its link")
            return
        suffixes = {Path(u.toLocalFile()).suffix.lower() for u in event.mimeData().urls() if u.isLocalFile()}
        if suffixes & set(DROPPABLE):
            event.acceptProposedAction()
            self.drop_overlay.show_over(self.centralWidget(), "Drop to add to your reading list" if ".pdf" in suffixes
                                        else "Drop to import into your reading list")

    def dragLeaveEvent(self, event) -> None:  # noqa: N802
        self.drop_overlay.hide()

    def dropEvent(self, event) -> None:  # noqa: N802
        self.drop_overlay.hide()
        links = self.online.dropped_links(event.mimeData())
        if links:
            event.acceptProposedAction()
            self.online.add_texts(links)
            return
        files = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        pdfs = [p for p in files if p.suffix.lower() == ".pdf"]
        lists = [p for p in files if p.suffix.lower() in DROPPABLE and p.suffix.lower() != ".pdf"]
        if pdfs or lists:
            event.acceptProposedAction()
        if pdfs:
            self.add_pdfs(pdfs)
        if lists:
            self.ask_to_import_dropped(lists)

    def ask_to_import_dropped(self, paths: list[Path]) -> None:
        """Dropped bibliographies are read first; one box says what each holds and waits for Import."""
        self.ask_to_import(paths)  # the preview File → Import… shows (library_commands)

    # State ----------------------------------------------------------------------------

    def _restore_state(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
            saved_screen = self.settings.value("window/screen")
            window_state.follow_screen(self, saved_screen if isinstance(saved_screen, QSize) else None)
            maximized = str(self.settings.value("window/maximized", "false")).lower() == "true"
        else:
            self.resize(window_state.DEFAULT_SIZE)
            maximized = not window_state.default_fits(self)
        window_state.fit_to_screen(self)
        if maximized:
            self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)
        for key, splitter in (("window/main_split", self.main_split), ("window/library_split", self.library_split)):
            value = self.settings.value(key)
            if isinstance(value, QByteArray):
                splitter.restoreState(value)
        window_state.keep_share(self.main_split, 0, 0.3, [190, 1000])  # the sidebar
        window_state.keep_share(self.library_split, 1, 0.6, [760, 440])  # the detail pane
        header = self.settings.value("window/table_header")
        if isinstance(header, QByteArray):
            self.table.restore_header(header)
            self.model.sort(self.table.horizontalHeader().sortIndicatorSection(),
                            self.table.horizontalHeader().sortIndicatorOrder())
        view = self.settings.value("selection/view", "all")
        tag = self.settings.value("selection/tag", "")
        if tag:
            self.sidebar.update_counts(self.library.view_counts(), self.library.tag_counts())
            self.sidebar.select_tag(str(tag))
        elif view:
            self.sidebar.select_view(str(view))

    def save_state(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/maximized", self.isMaximized())
        self.settings.setValue("window/screen", window_state.screen_area(self).size())
        tab_session.save(self)
        self.settings.setValue("window/main_split", self.main_split.saveState())
        self.settings.setValue("window/library_split", self.library_split.saveState())
        self.settings.setValue("window/table_header", self.table.save_header())
        view, tag = self.sidebar.current_filter()
        self.settings.setValue("selection/view", view)
        self.settings.setValue("selection/tag", tag)
        if self.table.current_paper_id():
            self.settings.setValue("selection/paper", self.table.current_paper_id())
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.detail.notes.flush()
        self.save_state()
        self.import_job.cancel()
        self.online.job.cancel()
        self.body_indexer.cancel()
        self.citation_graph.cancel()
        self.runner.wait(15_000)
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Finish pending writes and stop helper processes; safe to call twice."""
        self.detail.notes.flush()
        for viewer in self.viewer_tabs():
            if viewer.annotations is not None:
                viewer.annotations.shutdown()
        self.import_job.cancel()
        self.online.job.cancel()
        self.body_indexer.cancel()
        self.citation_graph.cancel()
        self.runner.wait(15_000)
        self.extraction_pool.shutdown()
        if self._owns_render_client and self._render_client is not None:
            self._render_client.shutdown()
            self._render_client = None

    def show_shortcuts(self) -> None:
        from reader.ui.shortcuts_sheet import ShortcutsSheet

        self.shortcuts_sheet = ShortcutsSheet.for_window(self)
        self.shortcuts_sheet.show()

    def show_about(self) -> None:
        log_line = f"<br>Log file: {self.log_file}" if self.log_file else ""
        QMessageBox.about(
            self, "About Reading List",
            f"<b>Reading List {__version__}</b><br>A reading list for research papers."
            f"<br><br>Library: {self.library.home}{log_line}")

