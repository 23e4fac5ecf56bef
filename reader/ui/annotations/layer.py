"""Marks on the page: drawing them at any zoom, and the mouse gestures that make them.

The layer sits on the viewer as an event filter and an overlay painter, so the
viewer itself stays a read-only PDF surface. Everything it stores is in PDF
points; it converts to pixels only to paint and to hit-test. Gestures it takes:
Shift+drag or the area tool draws a rectangle, the note tool (or right-click
"Add note here") drops a sticky note, and a click on a mark selects it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QMenu

from reader.library import AnnotationRecord
from reader.ui.viewer.pdf_view import PdfView

NOTE_SIZE = 18.0  # points
MIN_AREA = 6.0  # points: a smaller drag is a click
ToView = Callable[[tuple], QRectF]


def note_rect(x: float, y: float) -> tuple[float, float, float, float]:
    return (x, y, x + NOTE_SIZE, y + NOTE_SIZE)


class MarkLayer(QObject):
    mark_clicked = Signal(int, QPointF)  # id, viewport position
    note_requested = Signal(int, float, float)  # page (0-based), x, y in points
    area_selected = Signal(int, tuple)  # page (0-based), rect in points
    menu_requested = Signal(object, object)  # QMenu being built, (page, x, y) | None; the owner adds actions

    def __init__(self, view: PdfView, records: Callable[[], list[AnnotationRecord]]) -> None:
        super().__init__(view)
        self.view = view
        self._records = records
        self.tool = "select"  # select | note | area
        self.current_id: int | None = None
        self._band: tuple[int, float, float, float, float] | None = None
        self._press: QPointF | None = None
        self.menu: QMenu | None = None
        view.viewport().installEventFilter(self)
        view.overlay_painters.append(self.paint)

    def set_tool(self, tool: str) -> None:
        self.tool = tool
        cursor = {"note": Qt.CursorShape.PointingHandCursor, "area": Qt.CursorShape.CrossCursor}.get(tool)
        if cursor is None:
            self.view.viewport().unsetCursor()
        else:
            self.view.viewport().setCursor(cursor)

    # hit-testing --------------------------------------------------------------------

    def mark_at(self, page: int, x: float, y: float) -> AnnotationRecord | None:
        """The topmost mark under a point; notes first, since they sit above text."""
        hits = []
        for record in self._records():
            if record.detached or record.page - 1 != page:
                continue
            boxes = [record.rect] if record.kind in ("note", "area") or not record.quads else record.quads
            slack = 2.0
            if any(b[0] - slack <= x <= b[2] + slack and b[1] - slack <= y <= b[3] + slack for b in boxes):
                order = {"note": 0, "highlight": 1, "underline": 1, "strikeout": 1, "area": 2}[record.kind]
                hits.append((order, record.id, record))
        return min(hits, key=lambda h: h[:2])[2] if hits else None

    # events -----------------------------------------------------------------------------

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
        kind = event.type()
        if kind == QEvent.Type.MouseButtonPress and event.button() == Qt.MouseButton.LeftButton:
            return self._pressed(event)
        if kind == QEvent.Type.MouseMove and self._band is not None:
            point = self.view.page_point(event.position())
            if point is not None:
                page, x0, y0, _, _ = self._band
                _, x, y = point if point[0] == page else (page, *self._clamped(event.position(), page))
                self._band = (page, x0, y0, x, y)
                self.view.viewport().update()
            return True
        if kind == QEvent.Type.MouseButtonRelease and event.button() == Qt.MouseButton.LeftButton:
            return self._released(event)
        if kind == QEvent.Type.ContextMenu:
            self._context_menu(event)
            return True
        return False

    def _clamped(self, pos: QPointF, page: int) -> tuple[float, float]:
        layout = self.view.layout_
        x = pos.x() + self.view.horizontalScrollBar().value()
        y = pos.y() + self.view.verticalScrollBar().value()
        px, py = layout.to_page(page, x, y)
        width, height = layout.page_sizes[page]
        return max(0.0, min(width, px)), max(0.0, min(height, py))

    def _pressed(self, event) -> bool:
        point = self.view.page_point(event.position())
        self._press = event.position()
        if point is None:
            return False
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        if self.tool == "area" or shift:
            self.view.setFocus()
            self.view.clear_selection()
            self._band = (point[0], point[1], point[2], point[1], point[2])
            return True
        if self.tool == "note":
            self.view.setFocus()
            self.note_requested.emit(*point)
            self.set_tool("select")
            return True
        return False

    def _released(self, event) -> bool:
        if self._band is not None:
            page, x0, y0, x1, y1 = self._band
            self._band = None
            self.view.viewport().update()
            rect = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
            if rect[2] - rect[0] >= MIN_AREA and rect[3] - rect[1] >= MIN_AREA:
                self.area_selected.emit(page, rect)
            return True
        press, self._press = self._press, None
        if press is not None and (event.position() - press).manhattanLength() <= 3:
            point = self.view.page_point(event.position())
            record = self.mark_at(*point) if point is not None else None
            self.current_id = record.id if record is not None else None
            self.view.viewport().update()
            if record is not None:
                self.mark_clicked.emit(record.id, event.position())
        return False

    def _context_menu(self, event) -> None:
        point = self.view.page_point(QPointF(event.pos()))
        menu = QMenu(self.view)
        self.menu_requested.emit(menu, point)
        menu.aboutToHide.connect(menu.deleteLater)
        self.menu = menu
        menu.popup(event.globalPos())

    # painting ---------------------------------------------------------------------------

    def paint(self, painter: QPainter, page: int, to_view: ToView) -> None:
        zoom = self.view.zoom()
        for record in self._records():
            if record.detached or record.page - 1 != page:
                continue
            colour = QColor(record.colour)
            if record.kind == "highlight":
                painter.save()
                if not self.view.dark:  # ink stays black under the colour; on dark pages multiply would hide it
                    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Multiply)
                fill = QColor(colour)
                fill.setAlpha(150 if not self.view.dark else 90)
                for quad in record.quads or (record.rect,):
                    painter.fillRect(to_view(quad), fill)
                painter.restore()
            elif record.kind in ("underline", "strikeout"):
                pen = QPen(colour, max(1.5, 1.2 * zoom))
                pen.setCapStyle(Qt.PenCapStyle.FlatCap)
                painter.setPen(pen)
                for quad in record.quads or (record.rect,):
                    box = to_view(quad)
                    y = box.bottom() - pen.widthF() / 2 if record.kind == "underline" else box.center().y() + zoom
                    painter.drawLine(QPointF(box.left(), y), QPointF(box.right(), y))
            elif record.kind == "area":
                fill = QColor(colour)
                fill.setAlpha(28)
                painter.fillRect(to_view(record.rect), fill)
                pen = QPen(colour, max(1.5, zoom * 1.2), Qt.PenStyle.DashLine)
                painter.setPen(pen)
                painter.drawRect(to_view(record.rect))
            elif record.kind == "note":
                _paint_note(painter, to_view(record.rect), colour)
            if record.comment and record.kind != "note":
                _paint_badge(painter, to_view((record.quads or (record.rect,))[0]), colour, zoom)
            if record.id == self.current_id:
                painter.setPen(QPen(QColor(40, 120, 255), 2))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(to_view(record.rect).adjusted(-3, -3, 3, 3))
        if self._band is not None and self._band[0] == page:
            _, x0, y0, x1, y1 = self._band
            box = to_view((min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)))
            painter.fillRect(box, QColor(40, 120, 255, 40))
            painter.setPen(QPen(QColor(40, 120, 255), 1.5, Qt.PenStyle.DashLine))
            painter.drawRect(box)


def _paint_note(painter: QPainter, box: QRectF, colour: QColor) -> None:
    """A folded sticky note, drawn in vectors so it stays crisp at every zoom."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    fold = box.width() * 0.3
    path = QPainterPath()
    path.moveTo(box.topLeft())
    path.lineTo(box.right(), box.top())
    path.lineTo(box.right(), box.bottom() - fold)
    path.lineTo(box.right() - fold, box.bottom())
    path.lineTo(box.left(), box.bottom())
    path.closeSubpath()
    painter.setPen(QPen(colour.darker(160), 1))
    painter.setBrush(colour)
    painter.drawPath(path)
    painter.setBrush(colour.darker(125))
    corner = QPainterPath()
    corner.moveTo(box.right(), box.bottom() - fold)
    corner.lineTo(box.right() - fold, box.bottom() - fold)
    corner.lineTo(box.right() - fold, box.bottom())
    corner.closeSubpath()
    painter.drawPath(corner)
    painter.setPen(QPen(colour.darker(200), max(1.0, box.height() / 14)))
    for i in (0.3, 0.5):
        y = box.top() + box.height() * i
        painter.drawLine(QPointF(box.left() + box.width() * 0.2, y), QPointF(box.right() - box.width() * 0.2, y))
    painter.restore()


def _paint_badge(painter: QPainter, box: QRectF, colour: QColor, zoom: float) -> None:
    """A small speech dot at a mark's top-right corner: this mark has a comment."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    radius = max(4.0, 3.5 * zoom)
    painter.setPen(QPen(QColor(255, 255, 255), 1.2))
    painter.setBrush(colour.darker(150))
    painter.drawEllipse(QPointF(box.right() + radius * 0.4, box.top() - radius * 0.4), radius, radius)
    painter.restore()
