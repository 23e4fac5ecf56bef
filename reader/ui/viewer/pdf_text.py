"""Text and links on the page surface: find hits, selecting and copying, following links.

A mixin of :class:`~reader.ui.viewer.pdf_view.PdfView`, apart so the view module
stays about scrolling, zoom and rendering. Everything here works in PDF points
through the view's ``_page_point``; the words and links come from the render
process page by page (``page_info_ready``).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPointF, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication, QMouseEvent

from reader.links import may_open
from reader.pdf import textsel

WORD_PAGES = 24  # pages whose words are kept; older ones are asked for again (they weigh on the GC)


class TextAndLinks:
    """Needs from its host: ``_words``, ``_links``, ``_selection``, ``_hits``, ``_page_point``, ``viewport``."""

    def _keep_words(self, page: int, payload: dict) -> None:
        """Store one page's words and links, forgetting the least recently asked-for pages.

        Unbounded, 300 pages of word tuples made Python's full garbage collections
        walk about a million objects, a 40 ms stall now and then while scrolling.
        """
        self._words.pop(page, None)
        self._links.pop(page, None)
        self._words[page] = payload.get("words", [])
        self._links[page] = payload.get("links", [])
        if len(self._words) > WORD_PAGES:
            keep = set(self._selection) | set(self.visible_pages())
            for old in [p for p in self._words if p not in keep][: len(self._words) - WORD_PAGES]:
                self._words.pop(old, None)
                self._links.pop(old, None)

    # find ------------------------------------------------------------------------------

    def set_find_hits(self, hits: list[tuple[int, tuple]], index: int = -1) -> None:
        self._hits = hits
        self.show_hit(index)

    def show_hit(self, index: int) -> None:
        self._hit_index = index
        if 0 <= index < len(self._hits) and self.layout_ is not None:
            page, rect = self._hits[index]
            _, y = self.layout_.from_page(page, rect[0], rect[1])
            top = self.verticalScrollBar().value()
            if not top + 20 <= y <= top + self.viewport().height() - 40:
                self.verticalScrollBar().setValue(round(y - self.viewport().height() / 3))
            self._set_page(page)
        self.viewport().update()

    # links -------------------------------------------------------------------------------

    def has_selection(self) -> bool:
        return bool(self._selection)

    def link_at(self, pos: QPointF) -> dict[str, Any] | None:
        point = self._page_point(pos)
        if point is None:
            return None
        page, x, y = point
        for link in self._links.get(page, []):
            x0, y0, x1, y1 = link["rect"]
            if x0 <= x <= x1 and y0 <= y <= y1:
                return link
        return None

    def activate_link(self, link: dict[str, Any]) -> None:
        if link["kind"] == "goto":
            self.remember_position()
            self.go_to_page(link["page"], link.get("y"))
            return
        uri = (link.get("uri") or "").strip()
        if link["kind"] == "uri" and may_open(uri):
            QDesktopServices.openUrl(QUrl(uri))
            self.status_message.emit(f"Opened {uri}")
        else:
            self.status_message.emit(f"Link not opened (only web and mail links are): {uri or 'unknown target'}")

    # mouse -------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() != Qt.MouseButton.LeftButton:
            return super().mousePressEvent(event)
        self.setFocus()
        self._press_pos = event.position()
        self._press_link = self.link_at(event.position())
        self._anchor = self._page_point(event.position())
        if self._selection:
            self._selection = {}
            self.viewport().update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.buttons() & Qt.MouseButton.LeftButton and self._anchor is not None:
            if (event.position() - self._press_pos).manhattanLength() > 3:
                self._press_link = None
                focus = self._page_point(event.position())
                if focus is not None:
                    self._selection = textsel.select(self._words, self._anchor, focus)
                    self.viewport().update()
            return
        link = self.link_at(event.position())
        point = self._page_point(event.position())
        word = textsel.word_at(self._words.get(point[0], []), point[1], point[2]) if point is not None else None
        if link is not None:
            self.viewport().setCursor(Qt.CursorShape.PointingHandCursor)
            text = f"Go to page {link['page'] + 1}" if link["kind"] == "goto" else link.get("uri") or ""
            self.viewport().setToolTip(text)
            self.status_message.emit(text)
        else:
            self.viewport().setCursor(Qt.CursorShape.IBeamCursor if word is not None else Qt.CursorShape.ArrowCursor)
            if self.viewport().toolTip():
                self.viewport().setToolTip("")
                self.status_message.emit("")
        # last, so a listener may change the cursor (a figure reference looks clickable)
        self.hovered.emit(point[0] if point is not None else -1, word, event.position())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        link, self._press_link = self._press_link, None
        if link is not None and event.button() == Qt.MouseButton.LeftButton:
            self.activate_link(link)
        elif event.button() == Qt.MouseButton.LeftButton and self._selection:
            self.selection_finished.emit()

    # selection ---------------------------------------------------------------------------

    def selected_text(self) -> str:
        return textsel.selected_text(self._words, self._selection)

    def selection_lines(self) -> list[tuple[int, list[tuple[float, float, float, float]], str]]:
        """Per selected page: (page, one rectangle per marked line, quoted text) - what a text mark stores."""
        result = []
        for page in sorted(self._selection):
            lo, hi = self._selection[page]
            boxes: list[list[float]] = []  # [x0, y0, x1, y1, block]
            for word in (self._words.get(page) or [])[lo : hi + 1]:
                last = boxes[-1] if boxes else None
                height = min(word[3] - word[1], last[3] - last[1]) if last else 0
                overlap = min(word[3], last[3]) - max(word[1], last[1]) if last else 0
                # same visual row of the same block (justified lines come in pieces): one rectangle
                if last and last[4] == word[5] and overlap > 0.6 * height and -1 < word[0] - last[2] < 3 * height:
                    last[:4] = [min(last[0], word[0]), min(last[1], word[1]), max(last[2], word[2]), max(last[3], word[3])]
                else:
                    boxes.append([*word[:4], word[5]])
            if boxes:
                text = textsel.selected_text(self._words, {page: (lo, hi)})
                result.append((page, [tuple(b[:4]) for b in boxes], text))
        return result

    def clear_selection(self) -> None:
        self._selection = {}
        self.viewport().update()

    def copy_selection(self) -> bool:
        text = self.selected_text()
        if text:
            QGuiApplication.clipboard().setText(text)
        return bool(text)

    def select_between(self, anchor: tuple[int, float, float], focus: tuple[int, float, float]) -> None:
        self._selection = textsel.select(self._words, anchor, focus)
        self.viewport().update()
