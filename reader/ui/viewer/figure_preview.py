"""Hovering "Figure 3" or "Table 2" in the running text shows that figure and its caption.

Reading a paper means flipping to a figure and back many times; the preview
brings the figure to the sentence instead. It lives only in tabs of library
papers, because the captions (and their regions and thumbnails) come from the
library's extraction: a PDF opened from elsewhere has none.

The popup is a child of the page viewport, like the annotation bar, and lets
the mouse through: the view keeps getting the moves that tell whether the
pointer is still on the reference, and no window ever takes focus. The stored
thumbnail (320 px) is shown at once; a sharper picture of the figure's region
is asked of the render process, which already has the document open, so the UI
process never touches PyMuPDF.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import QEvent, QObject, QPointF, QRect, QRectF, Qt, QTimer
from PySide6.QtGui import QPainter, QPainterPath, QPalette, QPen, QPixmap
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from reader.errors import LibraryError
from reader.pdf.references import find_caption, reference_at

if TYPE_CHECKING:
    from reader.library import CaptionRecord, Library
    from reader.ui.viewer.viewer_tab import ViewerTab

SHOW_DELAY_MS = 300
LEAVE_GRACE_MS = 120  # crossing the space between "Figure" and "3" is not leaving
CONTENT_WIDTH = 440
IMAGE_MAX_HEIGHT = 320
PADDING = 10
SHADOW = 6  # the popup's edge is a soft shadow, so it stands apart from the white page
MARGIN = 8  # from the viewport's edges
CAPTION_CHARS = 650
_DISMISSING = (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride, QEvent.Type.Hide, QEvent.Type.Wheel)


class _Target(NamedTuple):
    caption: CaptionRecord
    page: int  # 0-based, of the hovered word
    word: tuple[float, float, float, float]  # its box in points
    mouse: QPointF


class PreviewPopup(QWidget):
    """The figure, its caption and where it is; painted in the palette's window colours."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("figurePreview")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.caption: CaptionRecord | None = None
        self.image = QLabel(self, alignment=Qt.AlignmentFlag.AlignCenter)
        self.text = QLabel(self, wordWrap=True, textFormat=Qt.TextFormat.RichText)
        self.text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.where = QLabel(self)
        font = self.where.font()
        font.setPointSizeF(font.pointSizeF() * 0.9)
        self.where.setFont(font)
        column = QVBoxLayout(self)
        column.setContentsMargins(PADDING + SHADOW, PADDING + SHADOW, PADDING + SHADOW, PADDING + SHADOW - 2)
        column.setSpacing(6)
        column.addWidget(self.image)
        column.addWidget(self.text)
        column.addWidget(self.where)
        self.hide()

    def set_content(self, caption: CaptionRecord, image: QPixmap | None, placeholder: float | None,
                    width: int, image_height: int) -> None:
        """``placeholder``: the aspect (w/h) of a picture still on its way, so the popup does not jump."""
        self.caption = caption
        self.text.setFixedWidth(width)
        self.text.setText(caption_html(caption))
        self.where.setText(f"p. {caption.page} · Click to go there")
        palette = self.where.palette()
        palette.setColor(QPalette.ColorRole.WindowText, self.palette().color(QPalette.ColorRole.PlaceholderText))
        self.where.setPalette(palette)
        self.set_image(image, placeholder, width, image_height)

    def set_image(self, image: QPixmap | None, placeholder: float | None, width: int, image_height: int) -> None:
        aspect = image.width() / max(1, image.height()) if image is not None and not image.isNull() else placeholder
        if aspect is None:
            self.image.hide()
        else:
            w = min(width, round(image_height * aspect))
            h = max(1, round(w / aspect))
            ratio = self.devicePixelRatioF()
            if image is not None and not image.isNull():
                shown = image.scaled(round(w * ratio), round(h * ratio), Qt.AspectRatioMode.IgnoreAspectRatio,
                                     Qt.TransformationMode.SmoothTransformation)
                shown.setDevicePixelRatio(ratio)
            else:
                shown = QPixmap(round(w * ratio), round(h * ratio))
                shown.fill(self.palette().color(QPalette.ColorRole.AlternateBase))
                shown.setDevicePixelRatio(ratio)
            self.image.setPixmap(shown)
            self.image.setFixedSize(w, h)
            self.image.show()
        self.adjustSize()

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        palette = paint_card(self, painter)
        if self.image.isVisible():
            painter.setPen(QPen(palette.color(QPalette.ColorRole.Midlight), 1))
            painter.drawRect(QRectF(self.image.geometry()).adjusted(-0.5, -0.5, 0.5, 0.5))
        painter.end()


def paint_card(widget: QWidget, painter: QPainter) -> QPalette:
    """The popup's card: a rounded panel in the window colour over a soft shadow. Returns the palette."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    palette = widget.palette()
    card = QRectF(widget.rect()).adjusted(SHADOW + 0.5, SHADOW + 0.5, -SHADOW - 0.5, -SHADOW - 0.5)
    painter.setPen(Qt.PenStyle.NoPen)
    shadow = palette.color(QPalette.ColorRole.Shadow)
    for step in range(SHADOW, 0, -1):
        shadow.setAlpha(round(60 * (1 - step / (SHADOW + 1)) ** 2))
        painter.setBrush(shadow)
        painter.drawRoundedRect(card.adjusted(-step, -step + 2, step, step + 2), 6 + step, 6 + step)
    shape = QPainterPath()
    shape.addRoundedRect(card, 6, 6)
    painter.fillPath(shape, palette.color(QPalette.ColorRole.Window))
    painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid), 1))
    painter.drawPath(shape)
    return palette


def place_beside_line(popup: QWidget, area: QRect, mouse_x: float, top: float, bottom: float, gap: int) -> None:
    """Below the hovered line (``top``..``bottom`` in viewport pixels), else above it; always inside ``area``."""
    size = popup.size()
    edge = MARGIN - SHADOW  # the shadow may come closer to the edge than the card
    x = min(max(edge, round(mouse_x) - 40 - SHADOW), area.width() - size.width() - edge)
    below, above = round(bottom) + gap - SHADOW, round(top) - gap - size.height() + SHADOW
    if below + size.height() <= area.height() - edge:
        y = below
    elif above >= edge:
        y = above
    else:
        y = below if area.height() - bottom > top else above
    y = min(max(edge, y), area.height() - size.height() - edge)
    popup.setGeometry(QRect(max(edge, x), max(0, y), size.width(), size.height()))


class FigurePreview(QObject):
    """Watches the view's hover signal and shows, moves and hides the popup."""

    def __init__(self, tab: ViewerTab, library: Library | None = None, paper_id: int | None = None) -> None:
        super().__init__(tab)
        self.tab, self.library, self.paper_id = tab, library, paper_id
        self.view = view = tab.view
        self.popup = PreviewPopup(view.viewport())
        self._captions: tuple[CaptionRecord, ...] | None = None  # read on the first hover, once
        self._by_page: dict[int, list[CaptionRecord]] = {}
        self._images: dict[CaptionRecord, QPixmap] = {}
        self._sharp: set[CaptionRecord] = set()  # asked of the render process already
        self._clips: dict[int, CaptionRecord] = {}
        self._target: _Target | None = None
        self._press: tuple[CaptionRecord, QPointF] | None = None
        self._show_timer = QTimer(self, singleShot=True, interval=SHOW_DELAY_MS, timeout=self._show)
        self._leave_timer = QTimer(self, singleShot=True, interval=LEAVE_GRACE_MS, timeout=self.dismiss)
        view.hovered.connect(self._on_hovered)
        view.verticalScrollBar().valueChanged.connect(self.dismiss)
        view.horizontalScrollBar().valueChanged.connect(self.dismiss)
        self._zoom = view.zoom()
        view.zoom_changed.connect(self._on_zoom)
        view.page_sizes_changed.connect(self.dismiss)
        view.client.clip_done.connect(self._on_clip)
        view.installEventFilter(self)
        view.viewport().installEventFilter(self)

    # the captions -----------------------------------------------------------------------

    def forget_captions(self) -> None:
        """The paper was read again: its captions are fetched anew on the next hover."""
        self.dismiss()
        self._captions = None
        self._by_page.clear()
        self._images.clear()

    def set_captions(self, captions) -> None:
        """Captions found by reading the PDF itself, for a file that is not in the library."""
        self.forget_captions()
        self._keep(tuple(captions))

    def captions(self) -> tuple[CaptionRecord, ...]:
        if self._captions is None:
            if self.library is None:
                return ()  # not read yet: set_captions brings them
            try:
                self._keep(self.library.paper(self.paper_id).captions)
            except LibraryError:  # the paper was deleted meanwhile: no preview
                self._keep(())
        return self._captions

    def _keep(self, captions: tuple[CaptionRecord, ...]) -> None:
        self._captions = captions
        for caption in captions:
            self._by_page.setdefault(caption.page, []).append(caption)

    # hovering ---------------------------------------------------------------------------

    def _on_hovered(self, page: int, index: object, pos: QPointF) -> None:
        if page < 0 or index is None or not self.captions():
            self._lost()
            return
        words = self.view._words.get(page) or []
        point = self.view.page_point(pos)
        x = point[1] if point is not None and point[0] == page else None
        reference = reference_at(words, int(index), x, self._by_page.get(page + 1, ()))
        caption = find_caption(self._captions, reference) if reference is not None else None
        if caption is None:
            self._lost()
            return
        self._leave_timer.stop()
        if self.view.link_at(pos) is None and self._selecting():
            self.view.viewport().setCursor(Qt.CursorShape.PointingHandCursor)  # a click goes to the figure
        self._target = _Target(caption, page, tuple(words[int(index)][:4]), pos)
        if self.popup.isVisible():
            if self.popup.caption != caption:  # along "Figures 3 and 4": the next one at once
                self._show()
        elif not self._show_timer.isActive():
            self._fetch_sharp(caption)
            self._show_timer.start()

    def _on_zoom(self, zoom: float) -> None:
        """A resize re-fits the width and says so even when nothing changed; only a real zoom moves the words."""
        if abs(zoom - self._zoom) > 1e-9:
            self._zoom = zoom
            self.dismiss()

    def _lost(self) -> None:
        if (self._target is not None or self.popup.isVisible()) and not self._leave_timer.isActive():
            self._leave_timer.start()

    def dismiss(self) -> None:
        self._show_timer.stop()
        self._leave_timer.stop()
        self._target = None
        if not self.popup.isHidden():  # not isVisible(): a hidden tab hides it only for as long
            self.popup.hide()

    # showing ----------------------------------------------------------------------------

    def _sizes(self) -> tuple[int, int]:
        viewport = self.view.viewport()
        width = max(160, min(CONTENT_WIDTH, viewport.width() - 2 * (MARGIN + PADDING + SHADOW)))
        return width, max(80, min(IMAGE_MAX_HEIGHT, round(viewport.height() * 0.5)))

    def _show(self) -> None:
        target = self._target
        if target is None or self.view.layout_ is None or self._leave_timer.isActive():  # the mouse has left
            return
        caption = target.caption
        width, image_height = self._sizes()
        self._fetch_sharp(caption)
        self.popup.set_content(caption, self._image(caption), self._pending_aspect(caption), width, image_height)
        self._place(target)
        self.popup.show()
        self.popup.raise_()

    def _place(self, target: _Target) -> None:
        """Below the reference's line, else above it; always inside the viewport."""
        layout, view = self.view.layout_, self.view
        scrolled = view.verticalScrollBar().value()
        top = layout.from_page(target.page, 0, target.word[1])[1] - scrolled
        bottom = layout.from_page(target.page, 0, target.word[3])[1] - scrolled
        place_beside_line(self.popup, view.viewport().rect(), target.mouse.x(), top, bottom, gap=6)

    # pictures ---------------------------------------------------------------------------

    def _image(self, caption: CaptionRecord) -> QPixmap | None:
        if caption not in self._images and caption.thumbnail:
            path = Path(self.library.home) / caption.thumbnail
            pixmap = QPixmap(str(path)) if path.is_file() else QPixmap()
            if not pixmap.isNull():
                self._images[caption] = pixmap
        return self._images.get(caption)

    def _pending_aspect(self, caption: CaptionRecord) -> float | None:
        region = caption.region
        if region is None or caption not in self._clips.values():
            return None
        return max(1.0, region[2] - region[0]) / max(1.0, region[3] - region[1])

    def _fetch_sharp(self, caption: CaptionRecord) -> None:
        """Ask for the region at screen resolution when the thumbnail would be blown up (or is missing)."""
        if caption in self._sharp or caption.region is None or self.view.doc_id is None:
            return
        width, image_height = self._sizes()
        region = caption.region
        aspect = max(1.0, region[2] - region[0]) / max(1.0, region[3] - region[1])
        needed = min(width, image_height * aspect) * self.view.devicePixelRatioF()
        thumbnail = self._image(caption)
        if thumbnail is not None and thumbnail.width() >= 0.9 * needed:
            return
        self._sharp.add(caption)
        self._clips[self.view.client.request_clip(self.view.doc_id, caption.page - 1, tuple(region))] = caption

    def _on_clip(self, req_id: int, png: object) -> None:
        caption = self._clips.pop(req_id, None)
        if caption is None:
            return
        pixmap = QPixmap()
        if png and pixmap.loadFromData(bytes(png), "PNG"):
            self._images[caption] = pixmap
        if self.popup.isVisible() and self.popup.caption == caption and self._target is not None:
            width, image_height = self._sizes()
            self.popup.set_image(self._images.get(caption), None, width, image_height)
            self._place(self._target)

    # clicks, keys, scrolling away -------------------------------------------------------

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        kind = event.type()
        if kind == QEvent.Type.MouseButtonPress:
            plain = event.button() == Qt.MouseButton.LeftButton and not event.modifiers()
            armed = plain and self._on_target(event.position()) and self._selecting()
            self._press = (self._target.caption, event.position()) if armed else None
            self.dismiss()
        elif kind == QEvent.Type.MouseButtonRelease:
            press, self._press = self._press, None
            if press is not None and (event.position() - press[1]).manhattanLength() <= 3:
                self._follow(press[0], event.position())
        elif kind in _DISMISSING:
            self.dismiss()
        elif kind == QEvent.Type.Resize and self.popup.isVisible() and self._target is not None:
            self._place(self._target)  # the status line under the pages came or went (a link's target)
        elif kind == QEvent.Type.Leave and obj is self.view.viewport():
            self._lost()
        elif kind == QEvent.Type.ToolTip and self.popup.isVisible():
            return True  # a linked reference's "Go to page 6" tip would sit on top of the preview
        return False

    def _on_target(self, pos: QPointF) -> bool:
        """The press is on the reference itself, not just soon after leaving it."""
        target, point = self._target, self.view.page_point(pos)
        if target is None or point is None or point[0] != target.page:
            return False
        x0, y0, x1, y1 = target.word
        return x0 - 2 <= point[1] <= x1 + 2 and y0 - 2 <= point[2] <= y1 + 2

    def _selecting(self) -> bool:
        annotations = self.tab.annotations
        return annotations is None or annotations.layer.tool == "select"

    def _follow(self, caption: CaptionRecord, pos: QPointF) -> None:
        """A click on a reference without a link of its own goes to the figure, and Alt+Left comes back."""
        view = self.view
        if view.link_at(pos) is not None or view.has_selection() or not caption.page:
            return
        point = view.page_point(pos)
        annotations = self.tab.annotations
        if point is not None and annotations is not None and annotations.layer.mark_at(*point) is not None:
            return
        boxes = [b for b in (caption.region, caption.bbox) if b]
        flash = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
                 max(b[3] for b in boxes)) if boxes else None
        view.remember_position()
        view.go_to_page(caption.page - 1, flash[1] if flash else None, flash_rect=flash)


def caption_html(caption: CaptionRecord) -> str:
    """The label (with its colon or full stop) in bold, then the caption, cut short if very long."""
    text = " ".join(caption.text.split())
    label = caption.label
    if label and text.startswith(label):
        end = len(label)
        while end < len(text) and text[end] in ":.|":
            end += 1
        head, body = text[:end], text[end:]
    else:
        head, body = (f"{label}." if label else ""), (f" {text}" if label else text)
    if len(body) > CAPTION_CHARS:
        body = body[:CAPTION_CHARS].rsplit(" ", 1)[0] + " …"
    return f"<b>{html.escape(head)}</b>{html.escape(body)}"
