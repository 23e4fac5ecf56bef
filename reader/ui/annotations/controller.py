"""Annotating one paper's tab: ties the page layer, the mark bar, the panel, notes and undo together.

A :class:`~reader.ui.viewer.viewer_tab.ViewerTab` given a library and a paper id
creates one of these; without them the viewer stays a read-only PDF surface.
PDF work (an area's image, the annotated copy) never runs here: the image comes
from the render process, which already has the document open, and the copy is
written by a spawned worker process.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPoint, QPointF, QRect, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QFileDialog

from reader.library import AnnotationFields, Library
from reader.ui.annotations.layer import MarkLayer, note_rect
from reader.ui.annotations.panel import AnnotationsPanel
from reader.ui.annotations.popup import COLOURS, CommentDialog, MarkBar
from reader.ui.annotations.store import KIND_LABELS, MarkStore

if TYPE_CHECKING:
    from reader.ui.viewer.viewer_tab import ViewerTab

WRITER = "reader.pdf.annotations:write_annotated_copy"


class AnnotationController(QObject):
    copy_saved = Signal(str, int)  # path, number of marks written
    copy_failed = Signal(str)

    def __init__(self, tab: ViewerTab, library: Library, paper_id: int, runner=None) -> None:
        super().__init__(tab)
        self.tab, self.library, self.paper_id, self.runner = tab, library, paper_id, runner
        self.view = tab.view
        self.store = MarkStore(library, paper_id, runner, tab.undo_stack, self)
        self.layer = MarkLayer(self.view, lambda: self.store.records)
        self.bar = MarkBar(self.view.viewport())
        self.panel = AnnotationsPanel(tab)
        self.comment_dialog: CommentDialog | None = None
        self.save_dialog: QFileDialog | None = None
        self._comment_next = False
        self._clips: dict[int, tuple[int, tuple]] = {}
        self._pool = None
        tab.side.addTab(self.panel, "Annotations")
        self._build_actions()
        self._connect()
        self.store.reload()
        self._load_notes()

    # construction ---------------------------------------------------------------------

    def _build_actions(self) -> None:
        tab, view = self.tab, self.view
        group = QActionGroup(self)
        self.tool_actions: dict[str, QAction] = {}
        for tool, text, tip in (("select", "Select", "Select text to highlight, underline or strike it out"),
                                ("note", "Note", "Click on a page to add a sticky note"),
                                ("area", "Area", "Drag a rectangle to mark a figure or equation (or Shift+drag)")):
            action = QAction(text, tab, checkable=True, toolTip=tip)
            action.triggered.connect(lambda _=False, t=tool: self.layer.set_tool(t))
            group.addAction(action)
            self.tool_actions[tool] = action
        self.tool_actions["select"].setChecked(True)
        self.save_copy_action = QAction("Save annotated copy…", tab)
        self.save_copy_action.setToolTip("Write a new PDF with these marks as real PDF annotations; "
                                         "the original file is not changed")
        self.save_copy_action.triggered.connect(self.ask_save_copy)
        tab.right_toolbar.insertSeparator(tab.right_toolbar.actions()[0])
        for action in [*self.tool_actions.values(), self.save_copy_action][::-1]:
            tab.right_toolbar.insertAction(tab.right_toolbar.actions()[0], action)
        for key, kind, colour in (("H", "highlight", COLOURS["Yellow"]), ("U", "underline", COLOURS["Blue"]),
                                  ("S", "strikeout", "#ff4d4d")):
            shortcut = QAction(f"{KIND_LABELS[kind]} selection", view)
            shortcut.setShortcut(QKeySequence(key))
            shortcut.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.triggered.connect(lambda _=False, k=kind, c=colour: self.mark_selection(k, c))
            view.addAction(shortcut)
        delete = QAction("Delete mark", view, shortcut=QKeySequence(QKeySequence.StandardKey.Delete))
        delete.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        delete.triggered.connect(lambda: self.layer.current_id and self.store.delete(self.layer.current_id))
        view.addAction(delete)

    def _connect(self) -> None:
        store, layer, bar, panel = self.store, self.layer, self.bar, self.panel
        store.changed.connect(self._on_changed)
        store.added.connect(self._on_added)
        store.failed.connect(self.tab._show_status)
        self.view.selection_finished.connect(self._show_selection_bar)
        self.view.verticalScrollBar().valueChanged.connect(bar.hide)
        layer.mark_clicked.connect(self._on_mark_clicked)
        layer.note_requested.connect(self.add_note)
        layer.area_selected.connect(self.add_area)
        layer.menu_requested.connect(self._fill_menu)
        self.view.viewport().installEventFilter(self)
        bar.mark_requested.connect(self.mark_selection)
        bar.comment_requested.connect(self._bar_comment)
        bar.colour_requested.connect(lambda c: layer.current_id and store.edit(layer.current_id, colour=c))
        bar.delete_requested.connect(lambda: layer.current_id and store.delete(layer.current_id))
        panel.activated.connect(self.jump_to)
        panel.selected.connect(self._select)
        panel.comment_requested.connect(self.edit_comment)
        panel.colour_requested.connect(lambda i, c: store.edit(i, colour=c))
        panel.delete_requested.connect(store.delete)
        panel.quote_requested.connect(self.quote_in_note)
        panel.notes.save_requested.connect(self._save_note)
        panel.notes.delete_requested.connect(self._delete_note)
        self.tab.client.clip_done.connect(self._on_clip)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
        if event.type() == event.Type.MouseButtonPress:
            self.bar.hide()
        return False

    def document_opened(self, has_toc: bool) -> None:
        """Show the panel beside the pages; it is what an annotating reader comes back to."""
        self.tab.sidebar_action.setChecked(True)
        self.tab._show_side(True)
        if self.store.records or not has_toc:
            self.tab.side.setCurrentWidget(self.panel)
        if self.tab.splitter.sizes()[0] < 280:
            self.tab.size_side(300)

    # making marks ---------------------------------------------------------------------

    def mark_selection(self, kind: str, colour: str) -> bool:
        """Turn the current text selection into one mark per page; one undo step for all."""
        lines = self.view.selection_lines()
        if not lines:
            return False
        self.bar.hide()
        stack = self.store.undo_stack
        if len(lines) > 1:
            stack.beginMacro(f"Add {KIND_LABELS[kind].lower()}")
        for page, quads, text in lines:
            rect = (min(q[0] for q in quads), min(q[1] for q in quads), max(q[2] for q in quads), max(q[3] for q in quads))
            self.store.add(AnnotationFields(kind=kind, page=page + 1, rect=rect, quads=tuple(quads), colour=colour,
                                            quote=text))
        if len(lines) > 1:
            stack.endMacro()
        self.view.clear_selection()
        return True

    def add_note(self, page: int, x: float, y: float) -> None:
        self._comment_next = True
        self.store.add(AnnotationFields(kind="note", page=page + 1, rect=note_rect(x, y), colour=COLOURS["Yellow"]))

    def add_area(self, page: int, rect: tuple) -> None:
        """Ask the render process for the area's picture; the mark is stored when it arrives."""
        if self.tab._doc_id is None:
            return
        req_id = self.tab.client.request_clip(self.tab._doc_id, page, rect)
        self._clips[req_id] = (page, rect)

    def _on_clip(self, req_id: int, png) -> None:
        pending = self._clips.pop(req_id, None)
        if pending is None:
            return
        page, rect = pending
        if png is None:
            self.tab._show_status("The area's picture could not be made; the mark is saved without it.")
        self.store.add(AnnotationFields(kind="area", page=page + 1, rect=tuple(rect), colour=COLOURS["Blue"],
                                        image=png))

    # reacting ---------------------------------------------------------------------------

    def _on_changed(self) -> None:
        records = self.store.records
        self.panel.set_records(records)
        index = self.tab.side.indexOf(self.panel)
        self.tab.side.setTabText(index, f"Annotations ({len(records)})" if records else "Annotations")
        if self.layer.current_id is not None and self.store.record(self.layer.current_id) is None:
            self.layer.current_id = None
        self.view.viewport().update()

    def _on_added(self, annotation_id: int) -> None:
        self._select(annotation_id)
        self.panel.select(annotation_id)
        if self._comment_next:
            self._comment_next = False
            self.edit_comment(annotation_id)

    def _select(self, annotation_id: int) -> None:
        self.layer.current_id = annotation_id
        self.view.viewport().update()

    def _on_mark_clicked(self, annotation_id: int, pos: QPointF) -> None:
        self.panel.select(annotation_id)
        record = self.store.record(annotation_id)
        boxes = (record.quads or (record.rect,)) if record is not None else ()
        area = self._viewport_area([(record.page - 1, boxes)]) if record is not None else QRect()
        if area.isEmpty():
            area = QRect(pos.toPoint(), pos.toPoint())
        self.bar.show_beside(area, "mark", round(pos.x()))

    def _show_selection_bar(self) -> None:
        if self.layer.tool != "select":
            return
        area = self._viewport_area([(page, boxes) for page, boxes, _text in self.view.selection_lines()])
        pos = self.view.viewport().mapFromGlobal(self.view.cursor().pos())
        x_hint = pos.x() if self.view.viewport().rect().contains(pos) else None
        if area.isEmpty():
            area = QRect(self.view.viewport().width() // 2, 40, 1, 1)
        self.bar.show_beside(area, "selection", x_hint)

    def _viewport_area(self, page_boxes) -> QRect:
        """The visible part, in viewport pixels, of boxes given in page points."""
        layout = self.view.layout_
        if layout is None:
            return QRect()
        dx, dy = self.view.horizontalScrollBar().value(), self.view.verticalScrollBar().value()
        area = QRect()
        for page, boxes in page_boxes:
            for x0, y0, x1, y1 in boxes:
                left, top = layout.from_page(page, x0, y0)
                right, bottom = layout.from_page(page, x1, y1)
                area = area.united(QRect(QPoint(round(left - dx), round(top - dy)),
                                         QPoint(round(right - dx), round(bottom - dy))))
        return area.intersected(self.view.viewport().rect())

    def _bar_comment(self) -> None:
        if self.bar.mode == "selection":
            self._comment_next = True
            if not self.mark_selection("highlight", COLOURS["Yellow"]):
                self._comment_next = False
        elif self.layer.current_id is not None:
            self.edit_comment(self.layer.current_id)
        self.bar.hide()

    def _fill_menu(self, menu, point) -> None:
        if point is None:
            return
        if self.view.selection_lines():
            for kind, colour in (("highlight", COLOURS["Yellow"]), ("underline", COLOURS["Blue"]), ("strikeout", "#ff4d4d")):
                menu.addAction(KIND_LABELS[kind], lambda k=kind, c=colour: self.mark_selection(k, c))
            menu.addSeparator()
        menu.addAction("Add note here", lambda p=point: self.add_note(*p))
        record = self.layer.mark_at(*point)
        if record is not None:
            self._select(record.id)
            menu.addAction("Comment…", lambda i=record.id: self.edit_comment(i))
            menu.addAction("Delete mark", lambda i=record.id: self.store.delete(i))

    # panel actions ----------------------------------------------------------------------

    def jump_to(self, annotation_id: int) -> None:
        record = self.store.record(annotation_id)
        if record is None:
            return
        self._select(annotation_id)
        if record.detached:
            self.tab._show_status(f"Page {record.page} is no longer in this PDF; the mark is kept in the list.")
            return
        self.view.remember_position()
        self.tab.go_to_page(record.page - 1, flash_rect=record.rect)

    def edit_comment(self, annotation_id: int) -> None:
        record = self.store.record(annotation_id)
        if record is None:
            return
        heading = f"{KIND_LABELS[record.kind]}, page {record.page}" + (f": “{record.quote[:200]}”" if record.quote else "")
        dialog = CommentDialog(self.tab, annotation_id, heading, record.comment)
        dialog.comment_saved.connect(lambda i, text: self.store.edit(i, comment=text))
        self.comment_dialog = dialog
        dialog.open()

    def quote_in_note(self, annotation_id: int) -> None:
        """Append the mark as a Markdown quotation to the note being edited; it is saved as typed text is."""
        record = self.store.record(annotation_id)
        if record is None:
            return
        text = " ".join((record.quote or record.comment).split())
        editor = self.panel.notes.editor
        body = editor.toPlainText().rstrip()
        editor.setPlainText(f"{body}\n\n> {text} (p. {record.page})\n" if body else f"> {text} (p. {record.page})\n")
        editor.moveCursor(editor.textCursor().MoveOperation.End)
        editor.setFocus()

    # notes ------------------------------------------------------------------------------------

    def _load_notes(self) -> None:
        self.panel.notes.set_notes(self.library.notes(self.paper_id))

    def _write(self, work, then) -> None:
        if self.runner is not None:
            self.runner.run(work, then, lambda exc: self.tab._show_status(f"Not saved: {exc}"))
        else:
            then(work())

    def _save_note(self, note_id: int, body: str) -> None:
        library, paper_id = self.library, self.paper_id

        def work():
            if note_id == 0:
                return library.add_note(paper_id, body)
            library.update_note(note_id, body)
            return next(n for n in library.notes(paper_id) if n.id == note_id)

        self._write(work, self.panel.notes.note_saved)

    def _delete_note(self, note_id: int) -> None:
        library, paper_id = self.library, self.paper_id

        def work():
            library.delete_note(note_id)
            return library.notes(paper_id)

        self._write(work, self.panel.notes.set_notes)

    def flush(self) -> None:
        """Save typed note text now (the tab is closing)."""
        self.panel.notes.flush()

    # annotated copy -------------------------------------------------------------------------

    def ask_save_copy(self) -> None:
        suggested = Path.home() / self._copy_name()
        dialog = QFileDialog(self.tab, "Save annotated copy", str(suggested), "PDF files (*.pdf)")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("pdf")
        dialog.fileSelected.connect(lambda path: self.save_copy(Path(path)))
        dialog.finished.connect(dialog.deleteLater)
        self.save_dialog = dialog
        dialog.open()

    def _copy_name(self) -> str:
        """The paper's title as a file name: the stored PDF is named by its hash, which says nothing."""
        from reader.export.filenames import title_file_name

        try:
            title = self.library.paper(self.paper_id).title
        except Exception:  # the paper went away meanwhile: the file's own name will do
            title = self.tab.pdf_path.stem
        return title_file_name(title, " (annotated).pdf")

    def save_copy(self, target: Path) -> None:
        """Write the copy in a worker process (never this one: PyMuPDF holds the GIL)."""
        source = self.tab.pdf_path
        if Path(target).resolve() == source.resolve():
            self.copy_failed.emit("Choose another name: the original PDF is never overwritten.")
            return
        marks = [{"kind": r.kind, "page": r.page, "rect": r.rect, "quads": r.quads, "colour": r.colour,
                  "quote": r.quote, "comment": r.comment} for r in self.store.records if not r.detached]
        pool = self._worker()
        password = self.tab._password
        from reader.settings import user_name

        author = user_name()
        work = lambda: pool.call(source, WRITER, str(source), str(target), marks, password, author)  # noqa: E731
        done = lambda count: self._copy_done(str(target), count)  # noqa: E731
        if self.runner is not None:
            self.runner.run(work, done, lambda exc: self._copy_failed(exc), lane="work")
            return
        try:
            count = work()
        except Exception as exc:
            self._copy_failed(exc)
        else:
            done(count)

    def _copy_done(self, path: str, count: int) -> None:
        self.tab._show_status(f"Saved an annotated copy with {count} mark{'s' if count != 1 else ''}: {path}")
        self.copy_saved.emit(path, count)

    def _copy_failed(self, exc: BaseException) -> None:
        self.tab._show_status(f"The annotated copy was not saved: {exc}")
        self.copy_failed.emit(str(exc))

    def _worker(self):
        if self._pool is None:
            from reader.importers.extraction_pool import ExtractionPool

            self._pool = pool = ExtractionPool()
            self.tab.destroyed.connect(lambda *_a: pool.shutdown())
        return self._pool

    def shutdown(self) -> None:
        self.flush()
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None
