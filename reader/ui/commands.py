"""Undoable changes: each command knows how to put the library back as it was."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand

from reader.library import Status

if TYPE_CHECKING:
    from reader.ui.main_window import MainWindow


def _papers(ids: list[int]) -> str:
    return "1 paper" if len(ids) == 1 else f"{len(ids)} papers"


class SetStatus(QUndoCommand):
    def __init__(self, window: MainWindow, paper_ids: list[int], status: Status) -> None:
        super().__init__(f"Mark {_papers(paper_ids)} as {status.label}")
        self._window = window
        self._ids = list(paper_ids)
        self._status = status
        self._before = {r.id: r.status for r in window.library.paper_rows(self._ids)}

    def redo(self) -> None:
        self._window.write(lambda: self._window.library.set_status(self._ids, self._status),
                           lambda _r: self._window.refresh())

    def undo(self) -> None:
        def work() -> None:
            for paper_id, status in self._before.items():
                self._window.library.set_status([paper_id], status)

        self._window.write(work, lambda _r: self._window.refresh())


class SetTags(QUndoCommand):
    def __init__(self, window: MainWindow, paper_id: int, before: list[str], after: list[str]) -> None:
        super().__init__("Change tags")
        self._window = window
        self._id = paper_id
        self._before = before
        self._after = after

    def _apply(self, tags: list[str]) -> None:
        self._window.write(lambda: self._window.library.set_tags(self._id, tags),
                           lambda _r: self._window.refresh())

    def redo(self) -> None:
        self._apply(self._after)

    def undo(self) -> None:
        self._apply(self._before)


class MoveToTrash(QUndoCommand):
    def __init__(self, window: MainWindow, paper_ids: list[int], restore: bool = False) -> None:
        super().__init__(f"{'Restore' if restore else 'Move'} {_papers(paper_ids)} {'from' if restore else 'to'} Trash")
        self._window = window
        self._ids = list(paper_ids)
        self._restore = restore

    def _run(self, to_trash: bool) -> None:
        library = self._window.library
        fn = (lambda: library.trash(self._ids)) if to_trash else (lambda: library.restore(self._ids))
        self._window.write(fn, lambda _r: self._window.refresh(keep_selection=False))

    def redo(self) -> None:
        self._run(not self._restore)

    def undo(self) -> None:
        self._run(self._restore)


class DeleteNote(QUndoCommand):
    """Deleting a note is undoable: undo writes the same text back as a note of the paper."""

    def __init__(self, window: MainWindow, paper_id: int, note_id: int) -> None:
        super().__init__("Delete note")
        self._window = window
        self._paper_id = paper_id
        self._note_id = note_id
        self._body = next((n.body for n in window.library.notes(paper_id) if n.id == note_id), "")

    def _show_notes(self) -> None:
        if self._window.detail.paper_id() == self._paper_id:
            self._window.detail.notes.set_notes(self._window.library.notes(self._paper_id), keep_note=self._note_id)

    def redo(self) -> None:
        self._window.write(lambda: self._window.library.delete_note(self._note_id), lambda _r: self._show_notes())

    def undo(self) -> None:
        def work() -> None:
            self._note_id = self._window.library.add_note(self._paper_id, self._body).id

        self._window.write(work, lambda _r: self._show_notes())
