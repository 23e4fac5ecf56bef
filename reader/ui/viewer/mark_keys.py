"""Keys for the marks of an annotating tab: move between them, comment on one.

H, U and S (made by the annotation controller) turn the selection into a mark;
these complete the loop without the mouse: M and Shift+M step to the next and
previous mark in page order (flashing it and making it the current mark, as a
click in the Annotations panel does), and C opens the comment editor of the
current mark, which is the one just made after H.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

if TYPE_CHECKING:
    from reader.ui.annotations.controller import AnnotationController


class MarkKeys:
    def __init__(self, controller: AnnotationController) -> None:
        self.controller = controller
        view = controller.view
        self.next_action = self._action("Go to the next mark", "M", lambda: self.step(1))
        self.previous_action = self._action("Go to the previous mark", "Shift+M", lambda: self.step(-1))
        self.comment_action = self._action("Comment on the current mark…", "C", self.comment)
        for action in (self.next_action, self.previous_action, self.comment_action):
            view.addAction(action)

    def _action(self, text: str, key: str, slot) -> QAction:
        action = QAction(text, self.controller.view)
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)  # the page's keys; letters type elsewhere
        action.triggered.connect(slot)
        return action

    def _in_page_order(self) -> list:
        marks = [r for r in self.controller.store.records if not r.detached]
        return sorted(marks, key=lambda r: (r.page, round(r.rect[1]), r.rect[0], r.id))

    def step(self, direction: int) -> int | None:
        """Make the next (or previous) mark current and show it; wraps around. Its id, or None if no marks."""
        marks = self._in_page_order()
        if not marks:
            self.controller.tab._show_status("No marks yet: select text and press H, U or S.")
            return None
        ids = [r.id for r in marks]
        current = self.controller.layer.current_id
        if current in ids:
            index = (ids.index(current) + direction) % len(ids)
        else:  # from where the reader is: the first mark on or after this page (or before, going back)
            here = self.controller.view.current_page() + 1
            after = [i for i, r in enumerate(marks) if (r.page >= here if direction > 0 else r.page <= here)]
            index = (after[0] if direction > 0 else after[-1]) if after else (0 if direction > 0 else len(ids) - 1)
        mark_id = ids[index]
        self.controller.jump_to(mark_id)
        self.controller.panel.select(mark_id)
        return mark_id

    def comment(self) -> None:
        current = self.controller.layer.current_id
        if current is None or self.controller.store.record(current) is None:
            self.controller.tab._show_status("No current mark: press M to go to one, or H to make one.")
            return
        self.controller.edit_comment(current)
