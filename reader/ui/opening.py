"""Opening things in the main window's tabs: papers, PDFs from outside, app links, the Figures grid.

A mixin of :class:`reader.ui.main_window.MainWindow`, kept apart so the window
module stays about its layout; it uses the window's library, tabs, table,
runner and status bar.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from reader.errors import ReaderError
from reader.ui.unlisted_tab import UnlistedTab
from reader.ui.viewer.render_client import RenderClient
from reader.ui.viewer.viewer_tab import ViewerTab

log = logging.getLogger(__name__)
SPARE_AFTER_START_MS = 2500  # the first spare tab waits for the launch's own work (the library's checks)


class PaperOpening:
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
        """``reading-list://open?paper=ID&page=N`` from exported notes; ``reading-list://add``
        from the desktop entry's "Add PDF…" action."""
        from urllib.parse import parse_qs, urlparse

        from PySide6.QtCore import QTimer

        parsed = urlparse(url)
        if parsed.netloc == "add":
            QTimer.singleShot(0, self.add_pdfs_dialog)  # after the window has come to the front
            return
        params = parse_qs(parsed.query)
        try:
            paper_id = int(params["paper"][0])
            page = int(params.get("page", ["1"])[0])
        except (KeyError, ValueError):
            self.statusBar().showMessage(f"Not a link Reading List understands: {url}", 6000)
            return
        # SQLite's integers stop at 2**63 - 1, and Qt's page numbers at 2**31 - 1.
        if parsed.netloc != "open" or not 0 < paper_id < 2 ** 63 or not self.library.exists(paper_id):
            self.statusBar().showMessage(f"No paper {_short(str(paper_id))} in this library.", 6000)
            return
        self.table.select_paper(paper_id)
        # Any web page can fire this link: it shows the page and writes nothing (no status change).
        self.open_paper(paper_id, page=min(max(page - 1, 0), 2 ** 31 - 1), from_link=True)

    def open_path(self, path: Path) -> None:
        """A PDF given on the command line, double-clicked or dropped.

        Recognised by content, so a renamed or moved copy of a library PDF opens its
        paper; any other PDF opens for reading with an "Add to Reading List" button.
        """
        from reader.library.identity import sha256_file

        if path.suffix.lower() == ".bib":
            self.ask_to_import([path])  # the same preview as File > Import and a drop
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
            paper = self.library.paper(paper_id)
            if paper.trashed:  # opening it is asking for it back; say so rather than restore it silently
                self.library.restore([paper_id])
                self.refresh()
            self.table.select_paper(paper_id)
            self.open_paper(paper_id)
            if paper.trashed:
                self.notify(f"\u201c{_short(paper.title or path.stem)}\u201d was in the Trash;"
                            " opening it brought it back to the library.")
            return
        self.open_unlisted(path)

    def open_unlisted(self, path: Path) -> UnlistedTab:
        for index in range(self.tabs.count()):
            widget = self.tabs.widget(index)
            if isinstance(widget, UnlistedTab) and widget.unlisted_path == path:
                self.tabs.setCurrentIndex(index)
                return widget
        tab = UnlistedTab(self.spare_tab.take(self.render_client(), path, path.stem), path)
        tab.add_requested.connect(lambda _p, t=tab: self._add_unlisted(t))
        index = self.tabs.addTab(tab, _short(path.stem))
        self.tabs.setTabToolTip(index, str(path))
        self.tabs.setCurrentWidget(tab)
        self._read_captions_of(tab)
        return tab

    def _read_captions_of(self, tab: UnlistedTab) -> None:
        """So that hovering "Figure 3" previews it in a PDF that is not in the library too."""
        from reader.importers.pdf_files import captions_from_extraction

        def read() -> list:
            return captions_from_extraction(self.extraction_pool.extract(tab.unlisted_path))

        def done(captions: list) -> None:
            if any(self.tabs.widget(i) is tab for i in range(self.tabs.count())):  # not closed meanwhile
                tab.viewer.set_captions(captions)

        self.runner.run(read, done, lambda exc: log.info("no captions for %s: %s", tab.unlisted_path, exc),
                        lane="work")

    def _add_unlisted(self, tab: UnlistedTab | None = None) -> None:
        tab = tab if tab is not None else self.tabs.currentWidget()
        if not isinstance(tab, UnlistedTab):
            return
        path = tab.unlisted_path
        self.close_tab(self.tabs.indexOf(tab))
        self.add_pdfs([path])

    def render_client(self) -> RenderClient:
        """The render process; the app starts it at launch, a bare window on first use."""
        if self._render_client is None:
            self._render_client = RenderClient(self)
            self._render_client.start()
            self.spare_tab.prepare(self._render_client, delay_ms=SPARE_AFTER_START_MS)
        return self._render_client

    def viewer_tabs(self) -> list[ViewerTab]:
        return [w for w in (self.tabs.widget(i) for i in range(self.tabs.count())) if isinstance(w, ViewerTab)]

    def open_paper(self, paper_id: int, page: int | None = None, flash_rect: tuple | None = None,
                   from_link: bool = False) -> ViewerTab | None:
        """Show the paper's PDF in a tab (reusing an open one) and mark it as being read.

        ``from_link``: opened by a ``reading-list://`` link, which the user may not have
        meant to follow; the paper keeps its status and its remembered page.
        """
        if not paper_id:
            return None
        paper = self.library.paper(paper_id)
        if not paper.pdf_path:
            fetchable = paper.arxiv_id or paper.doi or paper.url  # the sample list's papers, say
            self.statusBar().showMessage("This paper has no PDF attached." + (
                " Paper → Fetch PDF downloads it." if fetchable else ""), 6000)
            return None
        pdf = self.library.pdf_file(paper_id)
        if pdf is None:
            self.statusBar().showMessage(f"This paper's PDF is recorded as {paper.pdf_path}, outside the library's "
                                         "pdfs folder, so it is not opened.", 8000)
            return None
        tab = next((t for t in self.viewer_tabs() if getattr(t, "paper_id", None) == paper_id), None)
        if tab is None:
            tab = self.spare_tab.take(self.render_client(), pdf, paper.title,
                                      initial_page=paper.last_page if page is None else page,
                                      initial_zoom=paper.last_zoom or None, library=self.library,
                                      paper_id=paper_id, runner=self.runner)
            tab.paper_id = paper_id
            tab.position_changed.connect(self._position_saver(paper_id, page if from_link else None))
            tab.locate_requested.connect(lambda pid=paper_id, t=tab: self.locate_pdf(pid, t))
            tab.citations.paper_added.connect(lambda new: (self.refresh(), self.citation_graph.start(),
                                                           self.online.fetch_in_background([new])))
            tab.citations.index_ready.connect(self.citation_graph.start)  # its references are known now
            self.undo_group.addStack(tab.undo_stack)
            index = self.tabs.addTab(tab, _short(paper.title))
            self.tabs.setTabToolTip(index, paper.title)
            tab.marked_opened = False
        if not from_link and not getattr(tab, "marked_opened", True):
            tab.marked_opened = True
            self.write(lambda: self.library.mark_opened(paper_id), lambda _r: self._reshow([paper_id]))
        self.tabs.setCurrentWidget(tab)
        if page is not None:
            tab.go_to_page(page, flash_rect)
        return tab

    def _position_saver(self, paper_id: int, link_page: int | None):
        """Saves where the reader is; a tab a link opened saves nothing until the reader leaves the link's page."""
        waiting = [link_page]

        def save(page: int, zoom: float) -> None:
            if waiting[0] is not None:
                if page == waiting[0]:
                    return
                waiting[0] = None
            self.runner.run(lambda: self.library.set_reading_position(paper_id, page, zoom))

        return save

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
        tab.set_pdf_path(self.library.pdf_file(paper_id))
        self.body_indexer.start()  # a paper that had no PDF before gets its pages indexed

    def close_tab(self, index: int) -> None:
        widget = self.tabs.widget(index)
        if index <= 0 or widget is None:
            return
        viewer = viewer_of(widget)
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


def _short(title: str, limit: int = 28) -> str:
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


def viewer_of(widget) -> ViewerTab | None:
    if isinstance(widget, ViewerTab):
        return widget
    return getattr(widget, "viewer", None) if isinstance(widget, UnlistedTab) else None
