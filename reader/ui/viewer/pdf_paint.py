"""Painting of :class:`PdfView`, kept apart so the view module stays about behaviour."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

if TYPE_CHECKING:
    from reader.ui.viewer.pdf_view import PdfView

HIT = QColor(255, 200, 0, 90)
CURRENT_HIT = QColor(255, 120, 0, 140)
SELECTION = QColor(40, 120, 255, 80)
FLASH = QColor(255, 80, 80, 90)
SHADOW = QColor(0, 0, 0, 60)


def paint_view(view: PdfView, painter: QPainter, area: QRect) -> bool:
    """Draw the pages and overlays inside ``area`` (viewport pixels; the rest is already on screen).

    True when a page was drawn at its final resolution. Images are drawn 1:1 at
    their device pixel ratio, which the raster engine does as a clipped copy.
    """
    painter.fillRect(area, view.palette().color(view.palette().ColorRole.Mid if not view.dark else view.palette().ColorRole.Shadow))
    layout = view.layout_
    if layout is None or view.doc_id is None:
        return False
    dx, dy = view.horizontalScrollBar().value(), view.verticalScrollBar().value()
    dpr = view.devicePixelRatioF()
    cache = view.client.cache
    page_colour = view.page_color(view.dark)
    exact = False
    for page in layout.visible_pages(dy + area.top(), dy + area.bottom() + 1):
        x, y, w, h = layout.page_rect(page)
        target = QRectF(round(x - dx), round(y - dy), w, h)
        # the page's shadow: the two strips that show right and below it (blending a page-sized
        # rectangle under it cost a millisecond or more of every paint)
        painter.fillRect(QRectF(target.right(), target.top() + 1, 2, target.height() + 1), SHADOW)
        painter.fillRect(QRectF(target.left() + 1, target.bottom(), target.width() - 1, 2), SHADOW)
        key = view._key(page, dpr)
        image = cache.get(key)
        if image is not None:
            if image.devicePixelRatio() != dpr:
                image.setDevicePixelRatio(dpr)
            if image.width() + 2 < w * dpr:  # a huge page, drawn within the pixel cap: scaled up to its place
                painter.drawImage(target, image, QRectF(image.rect()))
            else:
                painter.drawImage(target.topLeft(), image)
            exact = True
        else:
            painter.fillRect(target, page_colour)
            interim = cache.closest(key)
            if interim is not None:
                painter.drawImage(target, interim, QRectF(interim.rect()))
        error = view._errors.get(page)
        if error and image is None:
            painter.setPen(QPen(QColor(200, 40, 40)))
            painter.drawText(target.adjusted(20, 20, -20, -20), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, error)
        _overlays(view, painter, page, QPointF(target.x(), target.y()), layout.zoom)
    return exact


def _overlays(view: PdfView, painter: QPainter, page: int, origin: QPointF, zoom: float) -> None:
    def rect(r: tuple) -> QRectF:
        return QRectF(origin.x() + r[0] * zoom, origin.y() + r[1] * zoom, (r[2] - r[0]) * zoom, (r[3] - r[1]) * zoom)

    for index, (hit_page, hit_rect) in enumerate(view._hits):
        if hit_page == page:
            painter.fillRect(rect(hit_rect), CURRENT_HIT if index == view._hit_index else HIT)
    for paint in view.overlay_painters:
        paint(painter, page, rect)
    selected = view._selection.get(page)
    if selected is not None:
        words = view._words.get(page, [])
        for word in words[selected[0] : selected[1] + 1]:
            painter.fillRect(rect(word[:4]), SELECTION)
    if view._flash is not None and view._flash[0] == page:
        painter.fillRect(rect(view._flash[1]), FLASH)
