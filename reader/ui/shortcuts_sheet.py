"""Help → Keyboard Shortcuts: every key of the window and of a paper's tab, read from the actions.

The sheet is made from the live ``QAction`` objects (their text, shortcuts and
context), so it cannot drift from what the keys do; the few keys that widgets
handle themselves (scrolling the page, Enter in the find bar and the table) come
from the tables those widgets act on. README's list is the same rows as
Markdown (:func:`markdown`), and a test keeps the two equal.

With no paper open, the reading keys are read from a tab that opens nothing,
made only to be asked for its actions.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QHeaderView, QLabel, QMenu, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
)

from reader.ui.viewer.find_bar import FIND_BAR_KEYS
from reader.ui.viewer.pdf_view import READING_KEYS

if TYPE_CHECKING:
    from reader.ui.main_window import MainWindow
    from reader.ui.viewer.viewer_tab import ViewerTab

WINDOW, LIBRARY, READING, FINDING = "In the whole window", "In the library", "Reading a paper", "In the find bar"
TABLE_KEYS = (("Open the selected paper", ("Return",)),)  # PaperTableView.keyPressEvent
Row = tuple[str, str, tuple[str, ...]]  # section, what it does, keys (portable text)


def _keys(action: QAction) -> tuple[str, ...]:
    """The keys to show: not the dedicated keys of multimedia keyboards (Redo, Find…), which Qt adds
    to standard shortcuts and which label themselves."""
    return tuple(s.toString(QKeySequence.SequenceFormat.PortableText) for s in action.shortcuts()
                 if not s.isEmpty() and s[0].key() != Qt.Key.Key_Help and s[0].key().value < Qt.Key.Key_Back.value)


def _label(action: QAction) -> str:
    text = action.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
    return text.split("\t")[0]


def _menu_order(window: MainWindow) -> list[QAction]:
    """The window's actions as its menus list them, then any others (the table's own)."""
    ordered: list[QAction] = []

    def walk(actions: Iterable[QAction]) -> None:
        for action in actions:
            if action.menu() is not None:
                walk(action.menu().actions())
            elif action not in ordered:
                ordered.append(action)

    walk(window.menuBar().actions())
    from reader.ui.viewer.viewer_tab import ViewerTab

    for action in window.findChildren(QAction):
        owner = action.parent()
        inside_tab = isinstance(owner, QWidget) and any(isinstance(w, ViewerTab) for w in _ancestors(owner))
        if action not in ordered and not inside_tab and not isinstance(owner, QMenu):
            ordered.append(action)
    return ordered


def _ancestors(widget: QWidget) -> list[QWidget]:
    chain = []
    while widget is not None:
        chain.append(widget)
        widget = widget.parentWidget()
    return chain


def window_rows(window: MainWindow) -> list[Row]:
    rows: list[Row] = []
    for action in _menu_order(window):
        keys = _keys(action)
        if keys and not action.isSeparator():
            section = WINDOW if action.shortcutContext() == Qt.ShortcutContext.WindowShortcut else LIBRARY
            rows.append((section, _label(action), keys))
    rows += [(LIBRARY, what, keys) for what, keys in TABLE_KEYS]
    return sorted(rows, key=lambda r: r[0] != WINDOW)  # stable: menu order inside each section


def tab_rows(tab: ViewerTab) -> list[Row]:
    rows: list[Row] = [(READING, what, keys) for what, keys in READING_KEYS]
    for action in [*tab.actions(), *tab.view.actions()]:
        keys = _keys(action)
        if keys:
            rows.append((READING, _label(action), keys))
    rows += [(FINDING, what, keys) for what, keys in FIND_BAR_KEYS]
    return rows


def rows_for(window: MainWindow) -> list[Row]:
    """Every shortcut of the window and of a paper's tab (the current one, else a specimen)."""
    from reader.ui.opening import viewer_of

    tab = viewer_of(window.tabs.currentWidget())
    if tab is None or tab.annotations is None:
        tab = next((t for t in window.viewer_tabs() if t.annotations is not None), None)
    if tab is not None:
        return window_rows(window) + tab_rows(tab)
    with _specimen_tab(window) as specimen:
        return window_rows(window) + tab_rows(specimen)


@contextmanager
def _specimen_tab(window: MainWindow) -> Iterator[ViewerTab]:
    """A paper's tab that opens no file, made only to be asked for its actions, then dropped.

    An annotating tab needs a paper: any paper of the window's library does (the tab
    only reads its marks and notes), and an empty library lends one from a scratch
    library in a temporary folder.
    """
    from reader.library import Library, PaperFields
    from reader.ui.viewer.viewer_tab import ViewerTab

    paper_id = window.table.current_paper_id() or (window.model.paper_id(0) if window.model.rowCount() else 0)
    with ExitStack() as stack:
        library = window.library
        if not paper_id:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="reading-list-keys-")))
            library = Library.open(folder)
            stack.callback(library.close)
            paper_id = library.add_paper(PaperFields(title="Keys"))
        tab = ViewerTab(window.render_client(), Path(library.home) / "not opened.pdf", "", library=library,
                        paper_id=paper_id)
        stack.callback(tab.deleteLater)
        yield tab


def display_keys(keys: Iterable[str]) -> str:
    """Keys as this platform's menus write them, "or" between alternatives."""
    return " or ".join(QKeySequence(k).toString(QKeySequence.SequenceFormat.NativeText) for k in keys)


def markdown(rows: list[Row]) -> str:
    """The README's list: one bullet per section, one line per shortcut."""
    lines: list[str] = []
    for section in dict.fromkeys(r[0] for r in rows):
        lines.append(f"  - {section}:")
        for _section, what, keys in (r for r in rows if r[0] == section):
            lines.append(f"    - {' or '.join(f'`{k}`' for k in keys)}: {what}")
    return "\n".join(lines)


class ShortcutsSheet(QDialog):
    """A non-modal window listing the rows, grouped by where the keys work."""

    def __init__(self, rows: list[Row], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard Shortcuts")
        self.resize(680, 720)
        self.rows = rows
        self.tree = QTreeWidget(self)
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Action", "Keys"])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setStretchLastSection(True)
        for section in dict.fromkeys(r[0] for r in rows):
            heading = QTreeWidgetItem(self.tree, [section])
            font = heading.font(0)
            font.setBold(True)
            heading.setFont(0, font)
            heading.setFirstColumnSpanned(True)
            heading.setFlags(Qt.ItemFlag.ItemIsEnabled)
            for _section, what, keys in (r for r in rows if r[0] == section):
                QTreeWidgetItem(self.tree, [what, display_keys(keys)])
        note = QLabel("Letters such as H, M and C work when the page has the focus (click it, or Esc from "
                      "the find bar).", self, wordWrap=True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree, 1)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    @classmethod
    def for_window(cls, window: MainWindow) -> ShortcutsSheet:
        return cls(rows_for(window), window)

    def keys_for(self, what: str) -> str:
        """The keys shown beside an action (for tests and screen readers' sake, by its text)."""
        for index in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(index)
            if item.text(0) == what:
                return item.text(1)
        return ""
