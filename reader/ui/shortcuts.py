"""Which action owns a key where: the rule that keeps shortcuts from clashing.

Qt fires a shortcut only when exactly one enabled action claims it in the
context of the focused widget; when two do, it logs "Ambiguous shortcut
overload" and fires neither. That is how Ctrl+F in a viewer tab used to do
nothing: the window's Find and the tab's Find both claimed it. This module
answers "which actions would Qt consider for this key, with focus here?" the
way Qt's shortcut map does, so a test can walk every focusable place of the
window and the shortcuts sheet can list what a key does in each place.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QMenu, QMenuBar, QWidget


def distinct(*keys) -> list[QKeySequence]:
    """Key sequences without empties or repeats.

    A standard key such as Redo already contains Ctrl+Shift+Z on Linux; giving an
    action the same sequence twice registers it twice, and Qt then calls the key
    ambiguous even though one action owns both.
    """
    seen: dict[str, QKeySequence] = {}
    for key in keys:
        sequences = QKeySequence.keyBindings(key) if isinstance(key, QKeySequence.StandardKey) else [QKeySequence(key)]
        for sequence in sequences:
            text = sequence.toString(QKeySequence.SequenceFormat.PortableText)
            if text and text not in seen:
                seen[text] = sequence
    return list(seen.values())


def key_text(sequence: QKeySequence) -> str:
    """A key as the menus show it on this platform ("Ctrl+F")."""
    return sequence.toString(QKeySequence.SequenceFormat.NativeText)


def _widget_context_holds(context: Qt.ShortcutContext, widget: QWidget, focus: QWidget | None,
                          window: QWidget) -> bool:
    """Qt's own test (qshortcut_widgets.cpp) for one widget an action is attached to."""
    if isinstance(widget, QMenuBar):
        visible = widget.isVisible() or widget.isNativeMenuBar()
    else:
        visible = widget.isVisible()
    if not visible or not widget.isEnabled():
        return False
    if context == Qt.ShortcutContext.ApplicationShortcut:
        return True
    if context == Qt.ShortcutContext.WidgetShortcut:
        return widget is focus
    if context == Qt.ShortcutContext.WidgetWithChildrenShortcut:
        current = focus
        while current is not None and current is not widget and not current.isWindow():
            current = current.parentWidget()
        return current is widget
    # WindowShortcut: the widget's window is the active one
    return widget.window() is window


def _action_context_holds(action: QAction, context: Qt.ShortcutContext, focus: QWidget | None,
                          window: QWidget) -> bool:
    """An action counts where any widget it is attached to passes; a menu passes where its own entry does."""
    for owner in action.associatedObjects():
        if isinstance(owner, QMenu):
            if _action_context_holds(owner.menuAction(), context, focus, window):
                return True
        elif isinstance(owner, QWidget) and _widget_context_holds(context, owner, focus, window):
            return True
    return False


def live_shortcuts(actions: Iterable[QAction], focus: QWidget | None = None) -> dict[str, list[QAction]]:
    """Every key that would reach an action with ``focus`` focused, and the actions claiming it
    (enabled or not).

    A key with more than one action is one Qt calls ambiguous and fires for none.
    """
    focus = focus if focus is not None else QApplication.focusWidget()
    if focus is None:
        return {}
    window = focus.window()
    claims: dict[str, list[QAction]] = defaultdict(list)
    for action in set(actions):
        # disabled actions count too: Qt's shortcut map keeps their keys, and a disabled first
        # match beside an enabled one still makes the key ambiguous (QShortcutMap::dispatchEvent)
        if not action.shortcuts():
            continue
        if not _action_context_holds(action, action.shortcutContext(), focus, window):
            continue
        for sequence in action.shortcuts():
            claims[sequence.toString(QKeySequence.SequenceFormat.PortableText)].append(action)
    return dict(claims)


def clashes(actions: Iterable[QAction], focus: QWidget | None = None) -> dict[str, list[str]]:
    """Keys claimed twice with ``focus`` focused: key → the texts of the actions claiming it."""
    return {key: sorted(a.text().replace("&", "") for a in owners)
            for key, owners in live_shortcuts(actions, focus).items() if len(owners) > 1}


def all_actions(root: QWidget) -> list[QAction]:
    """Every action under ``root`` with a shortcut, whoever created it."""
    return [a for a in root.findChildren(QAction) if a.shortcuts()]
