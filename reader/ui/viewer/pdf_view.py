"""The scrolling page surface: paints from the cache and asks for what is missing.

Painting never waits: a page without a render at the current scale is drawn from
a render at another scale (scaled) or as a blank sheet of the right size, and the
render client is told which pages matter now (visible ones first, then one
screen ahead in the scroll direction), replacing any older wish.

Painting is incremental, because it runs on the UI thread in software: a scroll
moves the pixels already on screen (``QWidget.scroll``) and repaints only the
strip that came into view, and an arriving render repaints only its page.
Drawing two full-width pages on every scroll step was the largest UI-thread
stall while scrolling (p99 about 11 ms against a 5 ms target).
Text selection, links and the mouse live in :mod:`reader.ui.viewer.pdf_text`.
"""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QPointF, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QImage, QKeyEvent, QKeySequence, QPainter, QWheelEvent
from PySide6.QtWidgets import QAbstractScrollArea, QWidget

from reader.links import SAFE_SCHEMES
from reader.pdf.geometry import RenderKey, bucket_scale, clamp_zoom, next_zoom, previous_zoom
from reader.ui.viewer import word_caret
from reader.ui.viewer.page_layout import PageLayout
from reader.ui.viewer.pdf_paint import paint_view
from reader.ui.viewer.pdf_text import TextAndLinks
from reader.ui.viewer.render_client import RenderClient

__all__ = ["PdfView", "SAFE_SCHEMES", "READING_KEYS"]

# The page's own keys, handled in keyPressEvent (scrolling, not commands, so not actions).
# The shortcuts sheet lists them from here; tests/ui/test_keyboard.py presses every one of them.
READING_KEYS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Next screen", ("Space", "PgDown")),
    ("Previous screen", ("Shift+Space", "PgUp")),
    ("Scroll down / up", ("Down", "Up")),
    ("Previous / next page (or scroll sideways when zoomed in)", ("Left", "Right")),
    ("First page", ("Home",)),
    ("Last page", ("End",)),
)

SETTLE_MS = 400
FIT_WIDTH_ZOOM, FIT_PAGE_ZOOM = 0.0, -1.0  # stored in paper.last_zoom in place of a percentage


class PdfView(TextAndLinks, QAbstractScrollArea):
    page_changed = Signal(int)
    zoom_changed = Signal(float)
    position_settled = Signal(int, float)
    status_message = Signal(str)  # link targets on hover, blocked links
    selection_finished = Signal()  # a mouse drag ended with text selected (the annotation popup listens)
    hovered = Signal(int, object, QPointF)  # page (-1: none), index of the word under the mouse or None, position
    page_sizes_changed = Signal()  # the real page sizes arrived and the layout moved

    def __init__(self, client: RenderClient, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.client = client
        self.doc_id: int | None = None
        self.layout_: PageLayout | None = None
        self.fit_mode: str | None = "width"
        self.dark = False
        self._page = 0
        self._page_override: int | None = None
        self._programmatic = False
        self._last_scroll = 0
        self._direction = 1
        self._errors: dict[int, str] = {}
        self._words: dict[int, list] = {}
        self._links: dict[int, list[dict[str, Any]]] = {}
        self._info_pending: set[int] = set()
        self._hits: list[tuple[int, tuple]] = []
        self._hit_index = -1
        self._selection: dict[int, tuple[int, int]] = {}
        self._anchor: tuple[int, float, float] | None = None
        self._press_link: dict[str, Any] | None = None
        self._press_pos = QPointF()
        self._flash: tuple[int, tuple] | None = None
        self._caret_anchor: tuple[int, int] | None = None  # keyboard selection: fixed end (page, word)
        self._caret: tuple[int, int] | None = None  # keyboard selection: moving end
        self._caret_for: dict[int, tuple[int, int]] = {}  # the selection those two describe
        self._pending_hit = -1  # a find hit to select once its page's words arrive
        self.history: list[tuple[int, float]] = []
        self.overlay_painters: list = []  # callables (painter, page, to_view) drawn under the selection
        self.first_paint_with_page: float | None = None
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.viewport().setMouseTracking(True)
        self.viewport().setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # lets scroll() move pixels
        self.setFrameShape(QAbstractScrollArea.Shape.NoFrame)
        # a scroll bar that appears once the pages are laid out narrows the viewport, changes the
        # fit-width zoom and throws the first render away: keep it there from the start
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self._request_timer = QTimer(self, singleShot=True, interval=0, timeout=self._request_pages)
        self._settle_timer = QTimer(self, singleShot=True, interval=SETTLE_MS)
        self._settle_timer.timeout.connect(lambda: self.position_settled.emit(self.current_page(), self.zoom_to_remember()))
        self._flash_timer = QTimer(self, singleShot=True, interval=1500)
        self._flash_timer.timeout.connect(self._clear_flash)
        self.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        self.horizontalScrollBar().valueChanged.connect(self._on_scrolled)
        client.page_rendered.connect(self._on_rendered)
        client.page_failed.connect(self._on_failed)
        client.page_info_ready.connect(self._on_page_info)
        client.document_details.connect(self._on_details)
        client.restarted.connect(self._on_restarted)
        self._build_selection_actions()

    # document ------------------------------------------------------------------

    def set_document(self, doc_id: int, info: dict[str, Any], page: int = 0, zoom: float | None = None) -> None:
        self.doc_id = doc_id
        self.layout_ = PageLayout(info["page_sizes"])
        self._errors.clear()
        self._words.clear()
        self._links.clear()
        self._info_pending.clear()
        self._selection.clear()
        self._caret_for = {}
        self._pending_hit = -1
        self._hits = []
        self.fit_mode = "page" if zoom == FIT_PAGE_ZOOM else None if zoom else "width"
        self._apply_zoom(self._fit_zoom() if self.fit_mode else zoom, keep=False)
        self.go_to_page(page)

    def page_count(self) -> int:
        return self.layout_.page_count if self.layout_ else 0

    def zoom(self) -> float:
        return self.layout_.zoom if self.layout_ else 1.0

    def current_page(self) -> int:
        return self._page

    def zoom_to_remember(self) -> float:
        """The zoom as the library stores it: 0 for fit width, -1 for fit page, so a paper
        reopened in another window size fits again rather than keeping a stale percentage."""
        return {"width": FIT_WIDTH_ZOOM, "page": FIT_PAGE_ZOOM}.get(self.fit_mode or "", self.zoom())

    # zoom ----------------------------------------------------------------------

    def _fit_zoom(self) -> float:
        assert self.layout_ is not None
        width = self.viewport().width() or 800
        if self.fit_mode == "page":
            return self.layout_.fit_page_zoom(width, self.viewport().height() or 600, self._page)
        return self.layout_.fit_width_zoom(width)

    def set_fit_mode(self, mode: str | None) -> None:
        self.fit_mode = mode
        if mode and self.layout_:
            page = self._page
            self._apply_zoom(self._fit_zoom(), keep=mode == "width")
            if mode == "page":
                self.go_to_page(page)

    def set_zoom(self, zoom: float, anchor: QPointF | None = None) -> None:
        self.fit_mode = None
        self._apply_zoom(clamp_zoom(zoom), anchor=anchor)

    def zoom_in(self) -> None:
        self.set_zoom(next_zoom(self.zoom()))

    def zoom_out(self) -> None:
        self.set_zoom(previous_zoom(self.zoom()))

    def _apply_zoom(self, zoom: float, anchor: QPointF | None = None, keep: bool = True) -> None:
        layout = self.layout_
        if layout is None:
            return
        anchor = anchor or QPointF(self.viewport().width() / 2, 0)
        sx, sy = self.horizontalScrollBar().value(), self.verticalScrollBar().value()
        page = layout.page_at(sy + anchor.y())
        point = layout.to_page(page, sx + anchor.x(), sy + anchor.y())
        layout.set_zoom(zoom)
        self._update_scrollbars()
        if keep:
            x, y = layout.from_page(page, *point)
            self.horizontalScrollBar().setValue(round(x - anchor.x()))
            self.verticalScrollBar().setValue(round(y - anchor.y()))
        self.viewport().update()
        self._request_timer.start()
        self._settle_timer.start()
        self.zoom_changed.emit(zoom)

    def _update_scrollbars(self) -> None:
        layout = self.layout_
        if layout is None:
            return
        vw, vh = self.viewport().width(), self.viewport().height()
        layout.set_viewport_width(vw)
        vbar, hbar = self.verticalScrollBar(), self.horizontalScrollBar()
        vbar.setRange(0, max(0, round(layout.content_height - vh)))
        vbar.setPageStep(vh)
        vbar.setSingleStep(40)
        hbar.setRange(0, max(0, round(layout.content_width - vw)))
        hbar.setPageStep(vw)
        hbar.setSingleStep(40)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if self.layout_ is not None:
            if self.fit_mode:
                self._apply_zoom(self._fit_zoom())
            else:
                self._update_scrollbars()
            self._request_timer.start()

    # navigation ----------------------------------------------------------------

    def go_to_page(self, page: int, y_pt: float | None = None, flash_rect: tuple | None = None) -> None:
        layout = self.layout_
        if layout is None:
            return
        page = max(0, min(layout.page_count - 1, page))
        x, y, _, _ = layout.page_rect(page)
        target = y - 10 if y_pt is None else layout.from_page(page, 0, y_pt)[1] - 20
        self._page_override = page
        self._scroll_to(target)
        self._set_page(page)
        if flash_rect is not None:
            self._flash = (page, tuple(flash_rect))
            self._flash_timer.start()
            fx, fy = layout.from_page(page, flash_rect[0], flash_rect[1])
            if not (self.verticalScrollBar().value() <= fy <= self.verticalScrollBar().value() + self.viewport().height() - 40):
                self._scroll_to(fy - self.viewport().height() / 3)
            self.viewport().update()
        self._request_timer.start()

    def remember_position(self) -> None:
        if self.layout_ is not None:
            sy = self.verticalScrollBar().value()
            page = self.layout_.page_at(sy + 20)
            self.history.append((page, self.layout_.to_page(page, 0, sy + 20)[1]))

    def back(self) -> bool:
        if not self.history:
            return False
        page, y = self.history.pop()
        self.go_to_page(page, y)
        return True

    def _set_page(self, page: int) -> None:
        if page != self._page:
            self._page = page
            self.page_changed.emit(page)
        self._settle_timer.start()

    def _on_scrolled(self) -> None:
        value = self.verticalScrollBar().value()
        if value != self._last_scroll:
            self._direction = 1 if value > self._last_scroll else -1
            self._last_scroll = value
        if not self._programmatic:
            self._page_override = None
        if self.layout_ is not None and self._page_override is None:
            self._set_page(self.layout_.page_at(value + self.viewport().height() / 4))
        self._request_timer.start()

    def scrollContentsBy(self, dx: int, dy: int) -> None:  # noqa: N802 - Qt override
        """Move what is on screen and repaint only the strip that came into view.

        The rect form of ``scroll`` leaves child widgets (the mark bar) where they are.
        """
        self.viewport().scroll(dx, dy, self.viewport().rect())

    def _scroll_to(self, y: float) -> None:
        """Scroll without forgetting which page was asked for (the last pages cannot reach the top)."""
        self._programmatic = True
        try:
            self.verticalScrollBar().setValue(round(y))
        finally:
            self._programmatic = False

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        vbar, hbar, key = self.verticalScrollBar(), self.horizontalScrollBar(), event.key()
        mods = event.modifiers()
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_selection()
        elif key == Qt.Key.Key_Home and not mods & Qt.KeyboardModifier.AltModifier:
            self.go_to_page(0)
        elif key == Qt.Key.Key_End:
            self.go_to_page(self.page_count() - 1)
        elif key == Qt.Key.Key_Escape and self._selection:
            self.clear_selection()
        elif key == Qt.Key.Key_PageDown or (key == Qt.Key.Key_Space and not mods & Qt.KeyboardModifier.ShiftModifier):
            vbar.setValue(vbar.value() + vbar.pageStep() - 30)
        elif key in (Qt.Key.Key_PageUp, Qt.Key.Key_Space):
            vbar.setValue(vbar.value() - vbar.pageStep() + 30)
        elif key == Qt.Key.Key_Down:
            vbar.setValue(vbar.value() + vbar.singleStep())
        elif key == Qt.Key.Key_Up:
            vbar.setValue(vbar.value() - vbar.singleStep())
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Right) and not mods:
            step = 1 if key == Qt.Key.Key_Right else -1
            if hbar.maximum() > 0:
                hbar.setValue(hbar.value() + step * hbar.singleStep())
            else:
                self.go_to_page(self._page + step)
        else:
            super().keyPressEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt override
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            delta = event.angleDelta().y()
            if delta:
                zoom = next_zoom(self.zoom()) if delta > 0 else previous_zoom(self.zoom())
                self.set_zoom(zoom, anchor=event.position())
            event.accept()
            return
        super().wheelEvent(event)

    # selecting from the keyboard -----------------------------------------------------

    def _build_selection_actions(self) -> None:
        """Shift with the arrows moves the selection's end as in a text editor, by word and by line.

        Actions (not keyPressEvent), so the shortcuts sheet and the clash test see them.
        """
        for text, keys, slot in (
            ("Select the next word", ["Shift+Right", "Ctrl+Shift+Right"], lambda: self.extend_selection("word", 1)),
            ("Select back a word", ["Shift+Left", "Ctrl+Shift+Left"], lambda: self.extend_selection("word", -1)),
            ("Select to the line below", ["Shift+Down"], lambda: self.extend_selection("line", 1)),
            ("Select to the line above", ["Shift+Up"], lambda: self.extend_selection("line", -1)),
            ("Select to the end of the line", ["Shift+End"], lambda: self.extend_selection("edge", 1)),
            ("Select to the start of the line", ["Shift+Home"], lambda: self.extend_selection("edge", -1)),
        ):
            action = QAction(text, self)
            action.setShortcuts([QKeySequence(k) for k in keys])
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            action.triggered.connect(slot)
            self.addAction(action)

    def select_hit(self, index: int) -> bool:
        """Make find hit ``index`` the selection, so H, U and S mark it and Shift+arrows adjust it.

        Its page's words may not have arrived yet (the hit was just scrolled to); then the
        hit is selected when they do.
        """
        if not 0 <= index < len(self._hits):
            return False
        page, rect = self._hits[index]
        words = self._words.get(page)
        if words is None:
            self._pending_hit = index
            self._request_info(page)
            return False
        self._pending_hit = -1
        span = word_caret.words_in_rect(words, rect)
        if span is None:
            return False
        self._set_keyboard_selection((page, span[0]), (page, span[1]))
        return True

    def show_hit(self, index: int) -> None:
        """Scroll to a find hit and select it, as a browser's find does: Esc then leaves it selected."""
        super().show_hit(index)
        if index >= 0:
            self.select_hit(index)

    def extend_selection(self, how: str, direction: int) -> None:
        """Move the selection's moving end by a word, a line, or to the line's edge (``how``)."""
        if self.layout_ is None:
            return
        if self._selection != self._caret_for or self._caret is None:
            if not self._adopt_selection():
                return
        assert self._caret is not None and self._caret_anchor is not None
        count = self.page_count()
        if how != "edge":
            missing = word_caret.needed_page(self._words, self._caret, direction, count)
            if missing is not None:
                self._request_info(missing)
                self.status_message.emit("Reading the next page's text…")
                return
        if how == "word":
            caret = word_caret.step_word(self._words, self._caret, direction, count)
        elif how == "line":
            caret = word_caret.step_line(self._words, self._caret, direction, count)
        else:
            caret = word_caret.line_edge(self._words, self._caret, end=direction > 0)
        self._set_keyboard_selection(self._caret_anchor, caret)
        self._reveal_word(*caret)

    def _adopt_selection(self) -> bool:
        """Start from the mouse's selection (its end moves), or with none from the first word in view."""
        if self._selection:
            first, last = min(self._selection), max(self._selection)
            self._caret_anchor, self._caret = (first, self._selection[first][0]), (last, self._selection[last][1])
            self._caret_for = dict(self._selection)
            return True
        page = self._page
        words = self._words.get(page)
        if not words:
            self._request_info(page)
            return False
        top = self.verticalScrollBar().value()
        _, top_pt = self.layout_.to_page(page, 0, top)
        index = next((i for i, w in enumerate(words) if w[1] >= top_pt), 0)
        self._set_keyboard_selection((page, index), (page, index))
        return False  # the first key press selects the first word; the next ones move

    def _set_keyboard_selection(self, anchor: tuple[int, int], caret: tuple[int, int]) -> None:
        self._caret_anchor, self._caret = anchor, caret
        self._selection = word_caret.selection_between(self._words, anchor, caret)
        self._caret_for = dict(self._selection)
        self.viewport().update()

    def _request_info(self, page: int) -> None:
        if self.doc_id is not None and page not in self._info_pending and page not in self._words:
            self._info_pending.add(page)
            self.client.request_page_info(self.doc_id, page)

    def _reveal_word(self, page: int, index: int) -> None:
        words = self._words.get(page) or []
        if not 0 <= index < len(words) or self.layout_ is None:
            return
        _, top = self.layout_.from_page(page, 0, words[index][1])
        _, bottom = self.layout_.from_page(page, 0, words[index][3])
        vbar, height = self.verticalScrollBar(), self.viewport().height()
        if top < vbar.value() + 10 or bottom > vbar.value() + height - 10:
            vbar.setValue(round(top - height / 3))

    # rendering -------------------------------------------------------------------

    def _key(self, page: int, dpr: float | None = None) -> RenderKey:
        assert self.doc_id is not None
        scale = bucket_scale(self.zoom() * (dpr or self.devicePixelRatioF()))
        return RenderKey(self.doc_id, page, scale, 0, self.dark)

    def visible_pages(self) -> list[int]:
        if self.layout_ is None:
            return []
        y = self.verticalScrollBar().value()
        return self.layout_.visible_pages(y, y + self.viewport().height())

    def _request_pages(self) -> None:
        layout = self.layout_
        if layout is None or self.doc_id is None or not self.isVisible():
            return
        y, h = self.verticalScrollBar().value(), self.viewport().height()
        visible = layout.visible_pages(y, y + h)
        centre = y + h / 2
        visible.sort(key=lambda p: abs(layout.page_rect(p)[1] + layout.page_rect(p)[3] / 2 - centre))
        ahead_y = (y + h, y + 2 * h) if self._direction > 0 else (y - h, y)
        ahead = [p for p in layout.visible_pages(*ahead_y) if p not in visible]
        keys = [self._key(p) for p in visible + ahead]
        self.client.cache.pin(id(self), {self._key(p) for p in visible})
        self.client.request_pages(self, keys)
        for page in visible:
            if page not in self._words and page not in self._info_pending:
                self._info_pending.add(page)
                self.client.request_page_info(self.doc_id, page)

    def page_viewport_rect(self, page: int) -> QRect:
        """Where a page (with its shadow) is in the viewport now."""
        assert self.layout_ is not None
        x, y, w, h = self.layout_.page_rect(page)
        return QRect(round(x - self.horizontalScrollBar().value()), round(y - self.verticalScrollBar().value()),
                     round(w) + 3, round(h) + 3)

    def _on_rendered(self, key: RenderKey, _image: QImage) -> None:
        if key.doc_id == self.doc_id and key.page in self.visible_pages():
            self._errors.pop(key.page, None)
            self.viewport().update(self.page_viewport_rect(key.page))
        elif key.doc_id == self.doc_id:
            self._errors.pop(key.page, None)

    def _on_failed(self, key: RenderKey, message: str) -> None:
        if key.doc_id == self.doc_id:
            self._errors[key.page] = message
            self.viewport().update()

    def _on_page_info(self, doc_id: int, page: int, payload: dict) -> None:
        if doc_id == self.doc_id:
            self._info_pending.discard(page)
            self._keep_words(page, payload)
            if 0 <= self._pending_hit < len(self._hits) and self._hits[self._pending_hit][0] == page:
                self.select_hit(self._pending_hit)

    def _on_details(self, doc_id: int, info: dict) -> None:
        """The real page sizes: re-lay out, keeping the point at the top of the viewport where it is."""
        layout = self.layout_
        if doc_id != self.doc_id or layout is None or info["page_sizes"] == layout.page_sizes:
            return
        sy = self.verticalScrollBar().value()
        page = layout.page_at(sy)
        _, y_pt = layout.to_page(page, 0, sy)
        layout.set_page_sizes(info["page_sizes"])
        if self.fit_mode:
            layout.set_zoom(self._fit_zoom())
            self.zoom_changed.emit(layout.zoom)
        self._update_scrollbars()
        self._scroll_to(layout.from_page(page, 0, y_pt)[1])
        self.viewport().update()
        self._request_timer.start()
        self.page_sizes_changed.emit()

    def _on_restarted(self) -> None:
        self._info_pending.clear()
        self._request_timer.start()

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.client.forget(self)
        super().hideEvent(event)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self._request_timer.start()

    def set_dark(self, dark: bool) -> None:
        self.dark = dark
        self.viewport().update()
        self._request_timer.start()

    # painting ----------------------------------------------------------------------

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self.viewport())
        try:
            if paint_view(self, painter, event.rect()) and self.first_paint_with_page is None:
                self.first_paint_with_page = time.perf_counter()
        finally:
            painter.end()

    # points under the mouse ------------------------------------------------------------

    def _page_point(self, pos: QPointF) -> tuple[int, float, float] | None:
        layout = self.layout_
        if layout is None:
            return None
        x = pos.x() + self.horizontalScrollBar().value()
        y = pos.y() + self.verticalScrollBar().value()
        page = layout.page_at(y)
        px, py = layout.to_page(page, x, y)
        return page, px, py

    def page_point(self, pos: QPointF) -> tuple[int, float, float] | None:
        """(page, x, y) in points under a viewport position."""
        return self._page_point(pos)

    def _clear_flash(self) -> None:
        self._flash = None
        self.viewport().update()

    @staticmethod
    def page_color(dark: bool) -> QColor:
        return QColor(0x1E, 0x1F, 0x22) if dark else QColor(Qt.GlobalColor.white)
