"""Page thumbnails, rendered through the same client at low priority and only when on screen."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QImage, QPixmap
from PySide6.QtWidgets import QListView, QListWidget, QListWidgetItem, QWidget

from reader.pdf.geometry import RenderKey, bucket_scale
from reader.ui.viewer.render_client import RenderClient

THUMB_WIDTH = 110
THUMB_PRIORITY = 5  # after every view's pages


class ThumbnailList(QListWidget):
    page_activated = Signal(int)

    def __init__(self, client: RenderClient, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.client = client
        self.doc_id: int | None = None
        self._sizes: list[tuple[float, float]] = []
        self._built = False
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setFlow(QListView.Flow.TopToBottom)
        self.setWrapping(False)
        self.setMovement(QListView.Movement.Static)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setUniformItemSizes(True)
        self.setSpacing(6)
        self._timer = QTimer(self, singleShot=True, interval=50, timeout=self._request)
        self.verticalScrollBar().valueChanged.connect(self._timer.start)
        self.currentRowChanged.connect(lambda row: row >= 0 and self.page_activated.emit(row))
        client.page_rendered.connect(self._on_rendered)

    def set_document(self, doc_id: int, sizes: list[tuple[float, float]]) -> None:
        """The items are made when the list is first shown: a panel nobody opened costs nothing
        (300 items took about 1 ms before a 300-page document's first page)."""
        self.doc_id, self._sizes = doc_id, sizes
        self._built = False
        self.clear()
        if self.isVisible():
            self._build_items()

    def _build_items(self) -> None:
        self._built = True
        sizes = self._sizes
        widest = max((w for w, _ in sizes), default=612.0)
        tallest = max((h for _, h in sizes), default=792.0)
        self.setIconSize(QSize(THUMB_WIDTH, round(THUMB_WIDTH * tallest / widest)))
        blank = QPixmap(self.iconSize())
        blank.fill(QColor(Qt.GlobalColor.white))
        for number in range(len(sizes)):
            self.addItem(QListWidgetItem(QIcon(blank), str(number + 1)))
        self._timer.start()

    def _key(self, page: int) -> RenderKey:
        assert self.doc_id is not None
        scale = THUMB_WIDTH / max(1.0, self._sizes[page][0]) * self.devicePixelRatioF()
        return RenderKey(self.doc_id, page, bucket_scale(scale), 0, False)

    def _request(self) -> None:
        if self.doc_id is None or not self.isVisible():
            return
        wanted = []
        area = self.viewport().rect().adjusted(0, -200, 0, 200)
        for row in range(self.count()):
            if self.visualItemRect(self.item(row)).intersects(area):
                key = self._key(row)
                image = self.client.cache.get(key)
                if image is None:
                    wanted.append(key)
                else:
                    self._set_icon(row, image)
        self.client.request_pages(self, wanted, priority=THUMB_PRIORITY)

    def _on_rendered(self, key: RenderKey, image: QImage) -> None:
        if key.doc_id == self.doc_id and key.page < self.count() and key == self._key(key.page):
            self._set_icon(key.page, image)

    def _set_icon(self, row: int, image: QImage) -> None:
        item = self.item(row)
        if item.data(Qt.ItemDataRole.UserRole) != "done":
            item.setIcon(QIcon(QPixmap.fromImage(image)))
            item.setData(Qt.ItemDataRole.UserRole, "done")

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        if not self._built and self.doc_id is not None:
            self._build_items()
        super().showEvent(event)
        self._timer.start()

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.client.forget(self)
        super().hideEvent(event)
