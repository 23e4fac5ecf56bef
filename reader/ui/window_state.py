"""Checks on the window state saved by the last run, against the screen of this run.

A run at a larger scale factor, or on another monitor, saves sizes that do not fit
this one: a window taller than the screen, a sidebar half the window wide. Each is
put back in proportion here rather than restored as it was.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QSplitter, QWidget

DEFAULT_SIZE = QSize(1280, 800)
SCREEN_SHARE = 0.95  # of the screen's free area, at most, for a window that is not maximised


def screen_area(window: QWidget) -> QRect:
    screen = window.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def fit_to_screen(window: QWidget) -> None:
    """Shrink the window to the screen and move it onto it, if the saved geometry does not fit."""
    area = screen_area(window)
    largest = QSize(int(area.width() * SCREEN_SHARE), int(area.height() * SCREEN_SHARE))
    if window.width() > largest.width() or window.height() > largest.height():
        window.resize(window.size().boundedTo(largest))
    frame = window.geometry()
    x = min(max(frame.x(), area.left()), area.right() + 1 - frame.width())
    y = min(max(frame.y(), area.top()), area.bottom() + 1 - frame.height())
    if (x, y) != (frame.x(), frame.y()):
        window.move(x, y)


def follow_screen(window: QWidget, saved_screen: QSize | None) -> None:
    """Keep the window's share of the screen when the screen's size in Qt pixels has changed.

    A run at QT_SCALE_FACTOR=2 saves a window half as many pixels wide as the same
    window at scale 1; restored as saved, the next normal run would come back in a
    corner of the screen with every column cramped.
    """
    area = screen_area(window)
    if saved_screen is None or saved_screen.isEmpty() or saved_screen == area.size():
        return
    window.resize(round(window.width() * area.width() / saved_screen.width()),
                  round(window.height() * area.height() / saved_screen.height()))


def default_fits(window: QWidget) -> bool:
    """Whether the window's first-run size fits this screen (else it starts maximised)."""
    area = screen_area(window)
    return area.width() >= DEFAULT_SIZE.width() and area.height() >= DEFAULT_SIZE.height()


def keep_share(splitter: QSplitter, index: int, most: float, default: list[int]) -> None:
    """Put ``default`` sizes back if the pane at ``index`` takes more than ``most`` of the splitter."""
    sizes = splitter.sizes()
    total = sum(sizes)
    if total and sizes[index] > most * total:
        splitter.setSizes(default)
