"""The open paper's marks, and every change to them as an undoable command.

Each change is one library call (one transaction), run on the runner's ordered
``write`` lane when there is a runner, else at once; the list is then read back
and :attr:`MarkStore.changed` tells the page layer and the panel. Commands keep
what they need to reverse themselves (a deleted mark's fields and image), and an
undone deletion puts the mark back under its old id, so redo and the panel keep
pointing at the same mark.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from reader.library import AnnotationFields, AnnotationRecord, Library

log = logging.getLogger(__name__)

KIND_LABELS = {"highlight": "Highlight", "underline": "Underline", "strikeout": "Strike-out", "note": "Note",
               "area": "Area"}


class MarkStore(QObject):
    changed = Signal()
    added = Signal(int)  # id of a mark this session just created (the UI may open its comment)
    failed = Signal(str)

    def __init__(self, library: Library, paper_id: int, runner=None, undo_stack: QUndoStack | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library, self.paper_id, self.runner = library, paper_id, runner
        self.undo_stack = undo_stack if undo_stack is not None else QUndoStack(self)
        self.records: list[AnnotationRecord] = []

    # reading -----------------------------------------------------------------------

    def reload(self) -> None:
        self._run(lambda: None)

    def record(self, annotation_id: int) -> AnnotationRecord | None:
        return next((r for r in self.records if r.id == annotation_id), None)

    # changes (each one undoable) --------------------------------------------------------

    def add(self, fields: AnnotationFields) -> None:
        self.undo_stack.push(AddMark(self, fields))

    def edit(self, annotation_id: int, *, colour: str | None = None, comment: str | None = None) -> None:
        record = self.record(annotation_id)
        if record is None:
            return
        if (colour is None or colour == record.colour) and (comment is None or comment == record.comment):
            return
        self.undo_stack.push(EditMark(self, record, colour, comment))

    def delete(self, annotation_id: int) -> None:
        record = self.record(annotation_id)
        if record is not None:
            self.undo_stack.push(DeleteMark(self, record))

    # plumbing ----------------------------------------------------------------------------

    def _run(self, work: Callable[[], Any], then: Callable[[Any], None] | None = None) -> None:
        """Do ``work`` (a write) and read the marks back, off the UI thread when there is a runner."""
        library, paper_id = self.library, self.paper_id

        def job() -> tuple[Any, list[AnnotationRecord]]:
            return work(), library.annotations(paper_id)

        def done(result: tuple[Any, list[AnnotationRecord]]) -> None:
            value, self.records = result
            self.changed.emit()
            if then is not None:
                then(value)

        def error(exc: BaseException) -> None:
            log.warning("annotation change failed: %s", exc)
            self.failed.emit(f"The change to the annotations was not saved: {exc}")
            self.reload()

        if self.runner is not None:
            self.runner.run(job, done, error)
            return
        try:
            result = job()
        except Exception as exc:  # same report as the asynchronous path
            error(exc)
        else:
            done(result)


class AddMark(QUndoCommand):
    def __init__(self, store: MarkStore, fields: AnnotationFields) -> None:
        super().__init__(f"Add {KIND_LABELS.get(fields.kind, fields.kind).lower()}")
        self._store, self._fields = store, fields
        self.annotation_id: int | None = None  # set by the first redo, reused by later ones

    def redo(self) -> None:
        store, first = self._store, self.annotation_id is None

        def work() -> int:
            record = store.library.add_annotation(store.paper_id, self._fields, annotation_id=self.annotation_id)
            self.annotation_id = record.id
            return record.id

        store._run(work, (lambda new_id: store.added.emit(new_id)) if first else None)

    def undo(self) -> None:
        store = self._store
        store._run(lambda: store.library.delete_annotation(self.annotation_id))


class DeleteMark(QUndoCommand):
    def __init__(self, store: MarkStore, record: AnnotationRecord) -> None:
        super().__init__(f"Delete {KIND_LABELS.get(record.kind, record.kind).lower()}")
        self._store, self._id = store, record.id
        self._fields: AnnotationFields | None = None

    def redo(self) -> None:
        def work() -> None:
            record, image = self._store.library.delete_annotation(self._id)
            self._fields = record.fields(image)

        self._store._run(work)

    def undo(self) -> None:
        store = self._store
        store._run(lambda: store.library.add_annotation(store.paper_id, self._fields, annotation_id=self._id))


class EditMark(QUndoCommand):
    def __init__(self, store: MarkStore, record: AnnotationRecord, colour: str | None, comment: str | None) -> None:
        super().__init__("Change colour" if comment is None else "Edit comment")
        self._store, self._id = store, record.id
        self._before = (record.colour, record.comment)
        self._after = (colour if colour is not None else record.colour,
                       comment if comment is not None else record.comment)

    def _apply(self, values: tuple[str, str]) -> None:
        store = self._store
        store._run(lambda: store.library.update_annotation(self._id, colour=values[0], comment=values[1]))

    def redo(self) -> None:
        self._apply(self._after)

    def undo(self) -> None:
        self._apply(self._before)
