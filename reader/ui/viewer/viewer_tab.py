"""One open paper: toolbar, outline/thumbnail side panel, page view, find bar.

Given a library and a paper id, the tab also annotates (reader.ui.annotations):
marks on the pages, an annotations-and-notes side panel, and ``undo_stack``.

The tab owns no PDF state of its own beyond a document id in the shared render
client; a missing, locked or broken file turns the page area into a placeholder
that says what is wrong and offers the one useful action.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QIcon, QUndoStack
from PySide6.QtWidgets import (
    QApplication, QInputDialog, QLabel, QLineEdit, QPushButton, QSplitter, QStackedWidget, QStyle, QTabWidget,
    QVBoxLayout, QWidget,
)

from reader.pdf.geometry import FirstView
from reader.ui.viewer.citation_preview import CitationPreview
from reader.ui.viewer.find_bar import FindBar
from reader.ui.viewer.figure_preview import FigurePreview
from reader.ui.viewer.mark_keys import MarkKeys
from reader.ui.viewer.outline import OutlineView
from reader.ui.viewer.pdf_view import FIT_PAGE_ZOOM, PdfView
from reader.ui.viewer.render_client import RenderClient
from reader.ui.viewer.thumbnails import ThumbnailList
from reader.ui.viewer.toolbar import ViewerToolbar

if TYPE_CHECKING:
    from reader.library import Library
    from reader.ui.annotations.controller import AnnotationController

SIDE_SHARE = 0.3  # of the tab's width, at most, for the side panel


class ViewerTab(ViewerToolbar, QWidget):
    position_changed = Signal(int, float)
    locate_requested = Signal()

    def __init__(self, client: RenderClient, pdf_path: Path | None, title: str = "", initial_page: int = 0,
                 initial_zoom: float | None = None, parent: QWidget | None = None, *,
                 library: Library | None = None, paper_id: int | None = None, runner=None) -> None:
        """``pdf_path`` None builds a spare: the widgets only, given a paper later by :meth:`load`."""
        super().__init__(parent)
        self.client = client
        self._pending_flash: tuple | None = None
        self._pending_find = ""  # find bar text to search for once the document is open (a body-text hit)
        self._doc_id: int | None = None
        self._loaded = False
        self._password: str | None = None
        self._search_id = -1
        self._hits: list = []
        self._hit_index = -1
        self._open_docs: list[int] = []
        self.password_dialog: QInputDialog | None = None
        self.undo_stack = QUndoStack(self)  # annotation changes; the window adds it to its QUndoGroup
        self.pdf_path: Path | None = None
        self._built = False
        if pdf_path is None:
            self._build()
            return
        self.load(pdf_path, title, initial_page, initial_zoom, library=library, paper_id=paper_id, runner=runner)

    def load(self, pdf_path: Path, title: str, initial_page: int = 0, initial_zoom: float | None = None, *,
             library: Library | None = None, paper_id: int | None = None, runner=None) -> None:
        """Open the tab's one paper; once only, on a new tab or a spare (see :class:`SpareTab`)."""
        if self.pdf_path is not None:
            raise RuntimeError("a viewer tab shows one paper; make a new tab for another")
        self.pdf_path = Path(pdf_path)
        self.title = title
        self._initial_page, self._initial_zoom = initial_page, initial_zoom
        self._layout_kind = "paper" if library is not None and paper_id is not None else "file"
        self._send_open()  # first, so the render process opens and draws while the widgets are built
        if not self._built:
            self._build()
        self.annotations: AnnotationController | None = None
        # a library paper's captions come from the library; another PDF's from set_captions
        self.figure_preview = FigurePreview(self, library, paper_id)
        self.citations = CitationPreview(self, library, paper_id, runner)  # hovering "[12]" shows reference 12
        if library is not None and paper_id is not None:
            from reader.ui.annotations.controller import AnnotationController
            from reader.ui.viewer.figures_panel import FiguresPanel

            self.paper_id = paper_id
            self.annotations = AnnotationController(self, library, paper_id, runner)
            self.mark_keys = MarkKeys(self.annotations)
            self.figures = FiguresPanel(library, paper_id, self)
            self.side.addTab(self.figures, "Figures")
            self.figures.figure_clicked.connect(self.show_figure)
        self.references = None  # Paper → References: a window on the whole bibliography, made when asked for
        client = self.client
        client.document_opened.connect(self._on_opened)
        client.document_failed.connect(self._on_failed)
        client.document_details.connect(self._on_details)
        client.find_done.connect(self._on_found)
        open_docs, owner = self._open_docs, client
        self.destroyed.connect(lambda *_: [owner.close_document(d) for d in open_docs])
        self._show_opening()

    # construction ------------------------------------------------------------------

    def _build(self) -> None:
        self._built = True
        self.view = PdfView(self.client, self)
        self.find_bar = FindBar(self)
        self.find_bar.hide()
        self.status = QLabel(self)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.setContentsMargins(6, 0, 6, 2)
        self.status.hide()
        self.outline = OutlineView(self)
        self.thumbnails = ThumbnailList(self.client, self)
        self.side = QTabWidget(self)
        self.side.setDocumentMode(True)
        self.side.addTab(self.outline, "Contents")
        self.side.addTab(self.thumbnails, "Pages")
        # a narrow panel shortens every label ("Cont…") rather than scrolling one out of sight ("ents")
        self.side.tabBar().setUsesScrollButtons(False)
        self.side.tabBar().setElideMode(Qt.TextElideMode.ElideRight)
        self.side.hide()

        reading = QWidget(self)
        column = QVBoxLayout(reading)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.view, 1)
        column.addWidget(self.find_bar)
        column.addWidget(self.status)
        self.placeholder = QWidget(self)
        self.placeholder_icon = QLabel(self.placeholder, alignment=Qt.AlignmentFlag.AlignCenter)
        self.placeholder_text = QLabel(self.placeholder, alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True)
        self.placeholder_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.placeholder_button = QPushButton(self.placeholder)
        self.placeholder_button.clicked.connect(self._placeholder_action)
        box = QVBoxLayout(self.placeholder)
        box.addStretch(1)
        box.addWidget(self.placeholder_icon)
        box.addWidget(self.placeholder_text)
        box.addWidget(self.placeholder_button, 0, Qt.AlignmentFlag.AlignCenter)
        box.addStretch(2)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(reading)
        self.stack.addWidget(self.placeholder)

        self.splitter = splitter = QSplitter(self)
        splitter.addWidget(self.side)
        splitter.addWidget(self.stack)
        # a resize keeps the panel's share of the width, so a small window is not half panel
        splitter.setStretchFactor(0, round(SIDE_SHARE * 100))
        splitter.setStretchFactor(1, round((1 - SIDE_SHARE) * 100))
        splitter.setSizes([200, 800])
        self.toolbar = self._build_toolbar()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addWidget(splitter, 1)

        self.view.page_changed.connect(self._on_page_changed)
        self.view.zoom_changed.connect(self._on_zoom_changed)
        self.view.position_settled.connect(self.position_changed)
        self.view.status_message.connect(self._show_status)
        self.outline.entry_activated.connect(lambda page, y: self._jump(page, y))
        self.thumbnails.page_activated.connect(lambda page: self._jump(page, None))
        self.find_bar.search_requested.connect(self._search)
        self.find_bar.step_requested.connect(self._step_hit)
        self.find_bar.closed.connect(self._close_find)

    # opening -------------------------------------------------------------------------

    def _send_open(self) -> None:
        self._loaded = False
        if not self.pdf_path.exists():
            self._doc_id = None
            return
        self._doc_id = self.client.open_document(self.pdf_path, self._password, first_page=self._initial_page,
                                                 first_view=self._first_view())
        self._open_docs.append(self._doc_id)

    def _open(self) -> None:
        self._send_open()
        self._show_opening()

    def _show_opening(self) -> None:
        if self._doc_id is None:
            self._show_placeholder(f"The file for “{self.title}” is missing:\n{self.pdf_path}", "Locate…",
                                   QStyle.StandardPixmap.SP_MessageBoxWarning)
            return
        self._show_placeholder("Opening…", None, None)

    def _first_view(self) -> FirstView:
        """How the first page will be shown, from the page area of the last tab laid out as this one will be."""
        zoom, dpr = self._initial_zoom, self.devicePixelRatioF()
        fit = "page" if zoom == FIT_PAGE_ZOOM else "" if zoom else "width"
        areas = {outline: (w, h) for (kind, outline), (w, h, area_dpr) in self.client.page_areas.items()
                 if kind == self._layout_kind and area_dpr == dpr}
        return FirstView(fit, zoom or 0.0, dpr, areas)

    def _remember_page_area(self, has_toc: bool) -> None:
        viewport = self.view.viewport()
        if self.isVisible() and viewport.width() > 0 and viewport.height() > 0:
            self.client.page_areas[(self._layout_kind, has_toc)] = (viewport.width(), viewport.height(),
                                                                    self.view.devicePixelRatioF())

    def _on_opened(self, doc_id: int, info: dict) -> None:
        if doc_id != self._doc_id or self._loaded:
            return
        self._loaded = True
        # first everything that changes the page area's width, then one layout pass, then the
        # pages: a fit-width zoom computed before the side panel settles is re-done a moment later
        # and the first render, the one the reader is waiting for, is thrown away
        self.outline.set_toc(info.get("toc") or [])
        has_toc = bool(info.get("toc"))
        self.side.setTabEnabled(0, has_toc)
        self.side.setTabVisible(0, has_toc)  # no "Contents" tab to crowd the others when there is no outline
        for index in range(self.side.count()):  # the whole name, for a label shortened in a narrow panel
            self.side.setTabToolTip(index, self.side.tabText(index).split(" (")[0])
        self.side.setCurrentIndex(0 if has_toc else 1)
        self.thumbnails.set_document(doc_id, info["page_sizes"])
        self.sidebar_action.setChecked(has_toc)
        self._show_side(has_toc)
        self.stack.setCurrentIndex(0)
        if self.annotations is not None:
            self.annotations.document_opened(has_toc)
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        self.view.set_document(doc_id, info, self._initial_page, self._initial_zoom)
        self._remember_page_area(has_toc)
        self.page_box.blockSignals(True)
        self.page_box.setMaximum(info["page_count"])
        self.page_box.setValue(self.view.current_page() + 1)
        self.page_box.blockSignals(False)
        self.page_total.setText(f" / {info['page_count']} ")
        self.view.setFocus()
        if info.get("repaired"):
            self._show_status("This file is damaged; showing what could be recovered.")
        if self._pending_flash is not None:
            page, rect = self._pending_flash
            self._pending_flash = None
            self.view.go_to_page(page, flash_rect=rect)
        if self._pending_find:
            self.find_text(self._pending_find)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        """Before the tab's first paint: the document may be open and its first page drawn by now,
        since both were asked for at the open. Painting "Opening…" first and the page a moment
        later cost a second paint of the whole tab (about 5 ms). (Holding the first paint up to
        20 ms for the page, blocking, was tried: no gain measured.)"""
        super().showEvent(event)
        if not self._loaded and self._doc_id is not None:
            self.client.take_replies()

    def _on_details(self, doc_id: int, info: dict) -> None:
        """Every page's real size, read after the first page was shown."""
        if doc_id == self._doc_id and self._loaded and info["page_sizes"] != self.thumbnails._sizes:
            self.thumbnails.set_document(doc_id, info["page_sizes"])

    def _on_failed(self, doc_id: int, kind: str, message: str) -> None:
        if doc_id != self._doc_id:
            return
        if kind == "password":
            retry = self._password is not None
            self._show_placeholder(message, "Enter password…", QStyle.StandardPixmap.SP_MessageBoxQuestion)
            self.ask_password(retry)
        elif not self.pdf_path.exists():
            self._open_docs.clear()
            self._open()
        else:
            self._show_placeholder(message, "Try again", QStyle.StandardPixmap.SP_MessageBoxCritical)

    def ask_password(self, retry: bool = False) -> None:
        """Window-modal but asynchronous, so the event loop (and the other tabs) keep running."""
        dialog = QInputDialog(self)
        dialog.setWindowTitle("Password required")
        prompt = "The password was not correct. Try again:" if retry else f"“{self.title}” is protected by a password:"
        dialog.setLabelText(prompt)
        dialog.setTextEchoMode(QLineEdit.EchoMode.Password)
        dialog.textValueSelected.connect(self._password_given)
        dialog.finished.connect(dialog.deleteLater)
        self.password_dialog = dialog
        dialog.open()

    def _password_given(self, password: str) -> None:
        self.password_dialog = None
        self._password = password
        self._release()
        self._open()

    def _show_placeholder(self, text: str, button: str | None, icon: QStyle.StandardPixmap | None) -> None:
        self.placeholder_text.setText(text)
        self.placeholder_button.setVisible(button is not None)
        self.placeholder_button.setText(button or "")
        self.placeholder_icon.setPixmap(self.style().standardIcon(icon).pixmap(48, 48) if icon is not None else QIcon().pixmap(1))
        self.stack.setCurrentIndex(1)

    def _placeholder_action(self) -> None:
        label = self.placeholder_button.text()
        if label.startswith("Locate"):
            self.locate_requested.emit()
        elif label.startswith("Enter password"):
            self.ask_password()
        else:
            self._release()
            self._open()

    def _release(self) -> None:
        for doc_id in self._open_docs:
            self.client.close_document(doc_id)
        self._open_docs.clear()
        self._doc_id = None
        self._loaded = False

    # public API -------------------------------------------------------------------------

    def set_pdf_path(self, path: Path) -> None:
        self._initial_page = self.current_page()
        self._initial_zoom = self.view.zoom_to_remember() if self._loaded else self._initial_zoom
        self._release()
        self.citations.forget_index()
        self.pdf_path = Path(path)
        self._password = None
        self._open()

    def go_to_page(self, page: int, flash_rect: tuple | None = None) -> None:
        if self._loaded:
            self.view.go_to_page(page, flash_rect=flash_rect)
        else:
            self._initial_page = page
            self._pending_flash = (page, flash_rect) if flash_rect is not None else None

    def captions_changed(self) -> None:
        """The paper was re-extracted: the figures panel and the hover preview read it again."""
        if self.annotations is not None:
            self.figures.reload()
            self.figure_preview.forget_captions()

    def set_captions(self, captions) -> None:
        """A PDF outside the library: its captions, once the extraction process has read them."""
        self.figure_preview.set_captions(captions)

    def show_figure(self, caption) -> None:
        """Scroll to a figure or table (a CaptionRecord) and flash its region, or its caption if none."""
        if caption.page:
            self.go_to_page(caption.page - 1, flash_rect=caption.region or caption.bbox)

    def show_references(self) -> None:
        """Paper → References: the paper's whole bibliography in a window of its own, to add several."""
        from reader.ui.viewer.references_panel import ReferencesWindow

        if self.references is None:
            self.references = ReferencesWindow(self.citations, self.title, self)
        self.citations.ensure_index()
        self.references.show()
        self.references.raise_()
        self.references.activateWindow()

    def current_page(self) -> int:
        return self.view.current_page() if self._loaded else self._initial_page

    def zoom(self) -> float:
        if self._loaded:
            return self.view.zoom()
        return self._initial_zoom if self._initial_zoom and self._initial_zoom > 0 else 1.0

    def page_count(self) -> int:
        return self.view.page_count() if self._loaded else 0

    def is_loaded(self) -> bool:
        return self._loaded

    def back(self) -> None:
        self.view.back()

    def show_find(self) -> None:
        if self._loaded:
            self.find_bar.activate()

    def find_text(self, text: str) -> None:
        """Open the find bar with ``text`` and search for it: the matches on the page are marked,
        the first from the current page on is selected (a library search that found the page)."""
        if not self._loaded:
            self._pending_find = text
            return
        self._pending_find = ""
        self.find_bar.edit.setText(text)
        self.find_bar.activate()
        self.find_bar.edit.step.emit(1)  # as Enter in the bar: a new text is searched for

    # internals ----------------------------------------------------------------------------

    def _jump(self, page: int, y: float | None, remember: bool = True) -> None:
        if self._loaded and (page != self.current_page() or y is not None):
            if remember:
                self.view.remember_position()
            self.view.go_to_page(page, y)

    def _show_side(self, visible: bool) -> None:
        self.side.setVisible(visible)
        if visible and self.splitter.sizes()[0] < 60:
            self.size_side(190)

    def size_side(self, wanted: int) -> None:
        """Open the side panel ``wanted`` pixels wide, but never wider than its share of the tab."""
        total = sum(self.splitter.sizes()) or 1000
        side = min(wanted, round(total * SIDE_SHARE))
        self.splitter.setSizes([side, total - side])

    def _show_status(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def _search(self, query: str) -> None:
        if self._doc_id is not None:
            self._search_id = self.client.find(self._doc_id, query)

    def _on_found(self, doc_id: int, search_id: int, hits: list) -> None:
        if search_id != self._search_id:
            return
        self._hits = hits
        here = self.current_page()
        self._hit_index = next((i for i, (page, _) in enumerate(hits) if page >= here), 0) if hits else -1
        self.view.set_find_hits(hits, self._hit_index)
        self.find_bar.show_count(self._hit_index, len(hits))

    def _step_hit(self, direction: int) -> None:
        if self._hits:
            self._hit_index = (self._hit_index + direction) % len(self._hits)
            self.view.show_hit(self._hit_index)
            self.find_bar.show_count(self._hit_index, len(self._hits))

    def _close_find(self) -> None:
        self.find_bar.hide()
        self._hits, self._hit_index = [], -1
        self.view.set_find_hits([], -1)
        self.view.setFocus()
