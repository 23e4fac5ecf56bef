"""The main window: sidebar, paper table, detail pane, and tabs for open papers.

It owns no business logic: every change goes to the library façade on the write
lane, and when it is done the affected panes are refreshed.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoGroup, QUndoStack
from PySide6.QtWidgets import (
    QFileDialog,
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
from reader.library import Library, PaperQuery, Status
from reader.ui import commands
from reader.ui.detail.pane import DetailPane
from reader.ui.dialogs.add_paper import AddPaperDialog
from reader.ui.import_job import ImportJob, ImportProgress
from reader.ui.papers.model import PaperTableModel
from reader.ui.papers.view import PaperTableView
from reader.ui.sidebar import Sidebar
from reader.ui.tasks import TaskRunner
from reader.ui.unlisted_tab import UnlistedTab
from reader.ui.viewer.render_client import RenderClient
from reader.ui.viewer.viewer_tab import ViewerTab
from reader.ui.welcome import WelcomePage

log = logging.getLogger(__name__)
SEARCH_DELAY_MS = 60
DROPPABLE = (".pdf", ".bib", ".txt", ".md")


class MainWindow(QMainWindow):
    def __init__(self, library: Library, log_file: Path | None = None, render_client=None, parent=None) -> None:
        super().__init__(parent)
        self.library = library
        self.log_file = log_file
        self._render_client = render_client
        self._owns_render_client = render_client is None
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

        self.model = PaperTableModel(library, self)
        self.table = PaperTableView(self.model)
        self.table.current_paper_changed.connect(self._show_detail)
        self.table.open_requested.connect(self.open_paper)
        self.detail = DetailPane(library.home)
        self.detail.figure_clicked.connect(
            lambda pid, c: self.open_paper(pid, page=c.page - 1, flash_rect=c.region or c.bbox))
        self.detail.field_edited.connect(self._edit_field)
        self.detail.tags_edited.connect(self._edit_tags)
        self.detail.status_edited.connect(lambda pid, s: self.set_status([pid], Status(s)))
        self.detail.open_requested.connect(self.open_paper)
        self.detail.notes.save_requested.connect(self._save_note)
        self.detail.notes.delete_requested.connect(self._delete_note)
        self.sidebar = Sidebar()
        self.sidebar.filter_changed.connect(self._apply_filter)
        self.welcome = WelcomePage()

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
        self.main_split = QSplitter(Qt.Orientation.Horizontal)
        self.main_split.addWidget(self.sidebar)
        self.main_split.addWidget(self.tabs)
        self.main_split.setStretchFactor(1, 1)
        self.main_split.setSizes([190, 1000])
        self.setCentralWidget(self.main_split)

        self.progress = ImportProgress()
        self.progress.cancel_requested.connect(self.import_job.cancel)
        self.statusBar().addPermanentWidget(self.progress)

        self.search = QLineEdit(placeholderText="Search titles, authors, tags, notes, captions…")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(240)
        self.search.setMaximumWidth(420)
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._run_search)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.welcome.add_pdf_requested.connect(self.add_pdfs_dialog)
        self.welcome.load_sample_requested.connect(self.load_sample)
        self.welcome.add_by_hand_requested.connect(self.add_paper_dialog)

        self._build_actions()
        self._restore_state()
        self.refresh()
        last = int(self.settings.value("selection/paper", 0) or 0)
        if not (last and self.table.select_paper(last)) and self.model.rowCount():
            self.table.select_paper(self.model.paper_id(0))

    # Actions and menus ---------------------------------------------------------------

    def _action(self, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
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
        self.import_action = self._action("&Import BibTeX or List…", lambda: self.import_lists(),
                                          "Ctrl+Shift+I", "Import a .bib file or a list of titles, DOIs or arXiv ids")
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
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence.StandardKey.Redo])
        self.find_action = self._action("&Find…", self.focus_search, QKeySequence.StandardKey.Find)
        self.trash_action = self._action("&Move to Trash", self.trash_selected, QKeySequence.StandardKey.Delete)
        self.restore_action = self._action("&Restore from Trash", self.restore_selected)
        self.empty_trash_action = self._action("&Empty Trash…", self.empty_trash)
        edit_menu = menu.addMenu("&Edit")
        for action in (undo, redo, None, self.find_action, None, self.trash_action, self.restore_action,
                       self.empty_trash_action):
            edit_menu.addSeparator() if action is None else edit_menu.addAction(action)

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
        help_menu.addAction(self._action("&About Reading List", self.show_about))

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
            if self.model.query == query:
                self.statusBar().showMessage(f"{total:,} paper{'s' if total != 1 else ''}", 0)

        self.runner.run(lambda: self.library.count(query), show, lambda _e: None, lane="work")

    def _show_detail(self, paper_id: int) -> None:
        self.detail.notes.flush()
        if not paper_id:
            self.detail.show_paper(None)
            return
        try:
            self.detail.show_paper(self.library.paper(paper_id))
        except ReaderError:
            self.detail.show_paper(None)
        self.settings.setValue("selection/paper", paper_id)

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

    def focus_search(self) -> None:
        viewer = _viewer_of(self.tabs.currentWidget())
        if viewer is not None:
            viewer.show_find()
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
        self.write(lambda: self.library.delete_note(note_id),
                   lambda _r: self.detail.notes.set_notes(self.library.notes(paper_id)))

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

    # Adding -------------------------------------------------------------------------

    def add_pdfs_dialog(self) -> None:
        start = str(self.settings.value("paths/last_pdf_dir", str(Path.home())))
        files, _ = QFileDialog.getOpenFileNames(self, "Add PDF", start, "PDF files (*.pdf);;All files (*)")
        if files:
            self.settings.setValue("paths/last_pdf_dir", str(Path(files[0]).parent))
            self.add_pdfs([Path(f) for f in files])

    def add_pdfs(self, paths: list[Path]) -> None:
        if self.import_job.running:
            self.statusBar().showMessage("Wait for the current import to finish, or cancel it.", 4000)
            return
        view, tag = self.sidebar.current_filter()
        self.progress.begin(len(paths))
        self.import_job.start(paths, [tag] if tag else [])

    def _on_import_progress(self, done: int, total: int, outcome) -> None:
        self.progress.step(done, total, outcome)
        if outcome.ok:
            self.refresh()
            if total == 1 or outcome.created:
                self.table.select_paper(outcome.paper_id)

    def _on_import_finished(self, outcomes: list, cancelled: bool) -> None:
        self.progress.hide()
        self.refresh()
        added = [o for o in outcomes if o.created]
        known = [o for o in outcomes if o.ok and not o.created]
        failed = [o for o in outcomes if not o.ok]
        if known and not added:
            self.table.select_paper(known[-1].paper_id)
        parts = [f"Added {len(added)} paper{'s' if len(added) != 1 else ''}"]
        if known:
            parts.append(f"{len(known)} already in the library")
        if cancelled:
            parts.append("cancelled")
        self.statusBar().showMessage(", ".join(parts) + ".", 6000)
        if failed:
            self.warn("Some files were not added",
                                "\n".join(o.error for o in failed[:20]) +
                                (f"\n… and {len(failed) - 20} more." if len(failed) > 20 else ""))

    def export(self, paper_ids: list[int] | None = None, fmt: str | None = None) -> None:
        from reader.ui.dialogs.export import open_export_dialog

        _view, tag = self.sidebar.current_filter()
        self.export_dialog = open_export_dialog(
            self, self.library, self.runner, self.settings,
            selected_ids=self.table.selected_paper_ids() if paper_ids is None else paper_ids,
            current_tag=tag or None, fmt=fmt)

    def import_lists(self, paths: list[Path] | None = None) -> None:
        from reader.ui.dialogs.export import choose_import_files, import_lists

        paths = paths or choose_import_files(self, self.settings)
        if paths:
            self.statusBar().showMessage(f"Importing {', '.join(p.name for p in paths)}…")
            import_lists(self.library, self.runner, paths, on_done=self._lists_imported)

    def _lists_imported(self, reports: list) -> None:
        from reader.ui.dialogs.export import show_import_reports

        self.refresh()
        show_import_reports(self, reports)

    def show_figures(self) -> None:
        from reader.ui.figures_view import FiguresView

        _view, tag = self.sidebar.current_filter()
        for index in range(self.tabs.count()):
            widget = self.tabs.widget(index)
            if isinstance(widget, FiguresView) and widget.tag == (tag or None):
                widget.refresh()
                self.tabs.setCurrentIndex(index)
                return
        view = FiguresView(self.library, tag or None)
        view.figure_activated.connect(
            lambda f: self.open_paper(f.paper_id, page=max(f.page - 1, 0), flash_rect=f.region or f.bbox))
        self.tabs.addTab(view, f"Figures: {tag}" if tag else "Figures")
        self.tabs.setCurrentWidget(view)
        view.search.setFocus()

    def reextract_selected(self) -> None:
        from reader.importers.pdf_files import reextract

        ids = self.table.selected_paper_ids()
        if not ids:
            return
        self.statusBar().showMessage(f"Reading {len(ids)} PDF{'s' if len(ids) != 1 else ''} again…")

        def work() -> int:
            return sum(bool(reextract(self.library, pid, self.extraction_pool.extract,
                                      self.extraction_pool.thumbnails)) for pid in ids)

        self.runner.run(work, lambda n: (self.refresh(), self.statusBar().showMessage(
            f"Re-extracted {n} of {len(ids)} papers.", 6000)),
            lambda exc: (self.refresh(), self.warn("Re-extract", str(exc))), lane="work")

    def back_up_now(self) -> None:
        self.runner.run(self.library.backup_now,
                        lambda path: self.statusBar().showMessage(f"Backed up to {path}", 8000),
                        lambda exc: self.warn("Back Up Now", str(exc)), lane="work")

    def restore_from_backup(self) -> None:
        from reader.library.backup import backup_dir

        path, _ = QFileDialog.getOpenFileName(self, "Restore from Backup", str(backup_dir(self.library.home)),
                                              "Library backups (*.sqlite3)")
        if not path:
            return
        answer = QMessageBox.question(
            self, "Restore from Backup",
            f"Replace the library with the backup {Path(path).name}? Changes made since it was taken will be "
            "set aside (the current database is kept in the backups folder). Reading List restarts.",
            QMessageBox.StandardButton.Cancel | QMessageBox.StandardButton.Ok, QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Ok:
            self.restore_on_exit = Path(path)
            self.close()

    def add_paper_dialog(self) -> None:
        dialog = AddPaperDialog(self.library.tag_names(), self)
        if dialog.exec():
            fields = dialog.fields()
            self.write(lambda: self.library.add_paper(fields), self._after_add, "The new paper")

    def _after_add(self, paper_id: int) -> None:
        self.sidebar.select_view("all")
        self.search.clear()
        self.refresh()
        self.table.select_paper(paper_id)

    def load_sample(self) -> None:
        from reader.importers.sample import load_sample

        self.write(lambda: load_sample(self.library), lambda ids: (self.refresh(), ids and self.table.select_paper(ids[0])))

    def receive_arguments(self, items: list[str], raise_window: bool = True) -> None:
        """Files and links from the command line, or handed over by a second launch."""
        for item in items:
            if item.startswith("reading-list:"):
                self.open_link(item)
            elif not item.startswith("-"):
                self.open_path(Path(item))
        if raise_window:
            self.setWindowState((self.windowState() & ~Qt.WindowState.WindowMinimized) | Qt.WindowState.WindowActive)
            self.show()
            self.raise_()
            self.activateWindow()

    def open_link(self, url: str) -> None:
        """``reading-list://open?paper=ID&page=N`` from exported notes."""
        from urllib.parse import parse_qs, urlparse

        parsed = urlparse(url)
        params = parse_qs(parsed.query)
        try:
            paper_id = int(params["paper"][0])
            page = int(params.get("page", ["1"])[0])
        except (KeyError, ValueError):
            self.statusBar().showMessage(f"Not a link Reading List understands: {url}", 6000)
            return
        if parsed.netloc != "open" or not self.library.exists(paper_id):
            self.statusBar().showMessage(f"No paper {paper_id} in this library.", 6000)
            return
        self.table.select_paper(paper_id)
        self.open_paper(paper_id, page=max(page - 1, 0))

    def open_path(self, path: Path) -> None:
        """A PDF given on the command line, double-clicked or dropped.

        Recognised by content, so a renamed or moved copy of a library PDF opens its
        paper; any other PDF opens for reading with an "Add to Reading List" button.
        """
        from reader.library.identity import sha256_file

        if path.suffix.lower() == ".bib":
            self.import_lists([path])
            return
        if path.suffix.lower() != ".pdf" and not path.is_file():
            self.statusBar().showMessage(f"{path} does not exist.", 6000)
            return
        try:
            paper_id = self.library.find_by_hash(sha256_file(path))
        except OSError as exc:
            self.warn("Reading List", f"{path} cannot be read: {exc.strerror or exc}.")
            return
        if paper_id is not None:
            if self.library.paper(paper_id).trashed:
                self.library.restore([paper_id])
                self.refresh()
            self.table.select_paper(paper_id)
            self.open_paper(paper_id)
            return
        self.open_unlisted(path)

    def open_unlisted(self, path: Path) -> UnlistedTab:
        for index in range(self.tabs.count()):
            widget = self.tabs.widget(index)
            if isinstance(widget, UnlistedTab) and widget.unlisted_path == path:
                self.tabs.setCurrentIndex(index)
                return widget
        tab = UnlistedTab(ViewerTab(self.render_client(), path, path.stem), path)
        tab.add_requested.connect(lambda _p, t=tab: self._add_unlisted(t))
        index = self.tabs.addTab(tab, _short(path.stem))
        self.tabs.setTabToolTip(index, str(path))
        self.tabs.setCurrentWidget(tab)
        return tab

    def _add_unlisted(self, tab: UnlistedTab | None = None) -> None:
        tab = tab if tab is not None else self.tabs.currentWidget()
        if not isinstance(tab, UnlistedTab):
            return
        path = tab.unlisted_path
        self.close_tab(self.tabs.indexOf(tab))
        self.add_pdfs([path])

    # Opening papers -------------------------------------------------------------------

    def render_client(self) -> RenderClient:
        """The render process; the app starts it at launch, a bare window on first use."""
        if self._render_client is None:
            self._render_client = RenderClient(self)
            self._render_client.start()
        return self._render_client

    def viewer_tabs(self) -> list[ViewerTab]:
        return [w for w in (self.tabs.widget(i) for i in range(self.tabs.count())) if isinstance(w, ViewerTab)]

    def open_paper(self, paper_id: int, page: int | None = None, flash_rect: tuple | None = None) -> ViewerTab | None:
        """Show the paper's PDF in a tab (reusing an open one) and mark it as being read."""
        if not paper_id:
            return None
        paper = self.library.paper(paper_id)
        if not paper.pdf_path:
            self.statusBar().showMessage("This paper has no PDF attached.", 4000)
            return None
        tab = next((t for t in self.viewer_tabs() if getattr(t, "paper_id", None) == paper_id), None)
        if tab is None:
            tab = ViewerTab(self.render_client(), self.library.home / paper.pdf_path, paper.title,
                            initial_page=paper.last_page if page is None else page,
                            initial_zoom=paper.last_zoom or None, library=self.library, paper_id=paper_id,
                            runner=self.runner)
            tab.paper_id = paper_id
            tab.position_changed.connect(
                lambda p, z, pid=paper_id: self.runner.run(lambda: self.library.set_reading_position(pid, p, z)))
            tab.locate_requested.connect(lambda pid=paper_id, t=tab: self.locate_pdf(pid, t))
            self.undo_group.addStack(tab.undo_stack)
            index = self.tabs.addTab(tab, _short(paper.title))
            self.tabs.setTabToolTip(index, paper.title)
            self.write(lambda: self.library.mark_opened(paper_id), lambda _r: self._reshow([paper_id]))
        self.tabs.setCurrentWidget(tab)
        if page is not None:
            tab.go_to_page(page, flash_rect)
        return tab

    def locate_pdf(self, paper_id: int, tab: ViewerTab) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Locate the PDF", str(Path.home()), "PDF files (*.pdf)")
        if not path:
            return
        try:
            same = self.library.relink_pdf(paper_id, Path(path))
        except (ReaderError, OSError) as exc:
            self.warn("Reading List", str(exc))
            return
        if not same:
            self.warn("Not the same paper",
                                f"{Path(path).name} is a different file from the one this paper was added with "
                                "(its content differs), so it was not attached.")
            return
        tab.set_pdf_path(self.library.home / self.library.paper(paper_id).pdf_path)

    def close_tab(self, index: int) -> None:
        widget = self.tabs.widget(index)
        if index <= 0 or widget is None:
            return
        viewer = _viewer_of(widget)
        if viewer is None:  # the Figures grid
            self.tabs.removeTab(index)
            widget.deleteLater()
            return
        if viewer.annotations is not None:
            viewer.annotations.shutdown()  # saves note text typed in the last moments
        self.undo_group.removeStack(viewer.undo_stack)
        self.tabs.removeTab(index)
        widget.deleteLater()

    def _on_tab_changed(self, index: int) -> None:
        widget = self.tabs.widget(index)
        self.add_to_list_action.setEnabled(isinstance(widget, UnlistedTab))
        stack = getattr(widget, "undo_stack", None) if isinstance(widget, ViewerTab) else None
        self.undo_group.setActiveStack(stack or self.undo_stack)

    # Drag and drop --------------------------------------------------------------------

    def dragEnterEvent(self, event) -> None:  # noqa: N802
        if any(u.isLocalFile() and Path(u.toLocalFile()).suffix.lower() in DROPPABLE
               for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        files = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        pdfs = [p for p in files if p.suffix.lower() == ".pdf"]
        lists = [p for p in files if p.suffix.lower() in DROPPABLE and p.suffix.lower() != ".pdf"]
        if pdfs or lists:
            event.acceptProposedAction()
        if pdfs:
            self.add_pdfs(pdfs)
        if lists:
            self.import_lists(lists)

    # State ----------------------------------------------------------------------------

    def _restore_state(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        for key, splitter in (("window/main_split", self.main_split), ("window/library_split", self.library_split)):
            value = self.settings.value(key)
            if isinstance(value, QByteArray):
                splitter.restoreState(value)
        header = self.settings.value("window/table_header")
        if isinstance(header, QByteArray):
            self.table.horizontalHeader().restoreState(header)
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
        self.settings.setValue("window/main_split", self.main_split.saveState())
        self.settings.setValue("window/library_split", self.library_split.saveState())
        self.settings.setValue("window/table_header", self.table.horizontalHeader().saveState())
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
        self.runner.wait(15_000)
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Finish pending writes and stop helper processes; safe to call twice."""
        self.detail.notes.flush()
        for viewer in self.viewer_tabs():
            if viewer.annotations is not None:
                viewer.annotations.shutdown()
        self.import_job.cancel()
        self.runner.wait(15_000)
        self.extraction_pool.shutdown()
        if self._owns_render_client and self._render_client is not None:
            self._render_client.shutdown()
            self._render_client = None

    def verify_library(self) -> None:
        """The full integrity check, off the GUI thread; on damage, offer the newest good backup."""
        self.runner.run(self.library.verify_integrity, self._on_verified, lambda _e: None, lane="work")

    def _on_verified(self, problem: str | None) -> None:
        if problem is None:
            return
        from reader.library.backup import newest_good_backup

        good = newest_good_backup(self.library.home)
        box = QMessageBox(QMessageBox.Icon.Critical, "The library is damaged",
                          problem + "\n\nNothing more will be written to it.", QMessageBox.StandardButton.NoButton,
                          self)
        restore = box.addButton("Restore Backup and Restart", QMessageBox.ButtonRole.AcceptRole) if good else None
        box.addButton("Continue Read-Only", QMessageBox.ButtonRole.RejectRole)
        self.last_warning = problem

        def chosen(_result) -> None:
            if restore is not None and box.clickedButton() is restore:
                self.restore_on_exit = good.path
                self.close()

        box.finished.connect(chosen)
        box.open()

    def show_about(self) -> None:
        log_line = f"<br>Log file: {self.log_file}" if self.log_file else ""
        QMessageBox.about(
            self, "About Reading List",
            f"<b>Reading List {__version__}</b><br>A reading list for research papers."
            f"<br><br>Library: {self.library.home}{log_line}")


def _short(title: str, limit: int = 28) -> str:
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


def _viewer_of(widget) -> ViewerTab | None:
    if isinstance(widget, ViewerTab):
        return widget
    return getattr(widget, "viewer", None) if isinstance(widget, UnlistedTab) else None
