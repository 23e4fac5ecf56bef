"""Byte-bounded LRU of rendered pages, shared by every tab of one render client.

Pinned keys (what is on screen now) are never evicted, so a burst of renders
ahead of the viewport cannot push out the page the reader is looking at
(sioyek keeps its N most recent pages for the same reason).
"""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtGui import QImage

from reader.pdf.geometry import RenderKey

DEFAULT_BUDGET = 96 * 1024 * 1024  # about 20 pages at 100 %, 5 at 200 %; the UI process stays under 150 MB


class PageCache:
    def __init__(self, budget_bytes: int = DEFAULT_BUDGET) -> None:
        self.budget = budget_bytes
        self._images: OrderedDict[RenderKey, QImage] = OrderedDict()
        self._bytes = 0
        self._pinned: dict[object, set[RenderKey]] = {}

    @property
    def size_bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._images)

    def get(self, key: RenderKey) -> QImage | None:
        image = self._images.get(key)
        if image is not None:
            self._images.move_to_end(key)
        return image

    def put(self, key: RenderKey, image: QImage) -> None:
        old = self._images.pop(key, None)
        if old is not None:
            self._bytes -= old.sizeInBytes()
        self._images[key] = image
        self._bytes += image.sizeInBytes()
        self._purge()

    def closest(self, key: RenderKey) -> QImage | None:
        """The same page at the scale nearest to ``key``'s, to draw scaled until the real one arrives."""
        best: QImage | None = None
        best_distance = float("inf")
        for other, image in self._images.items():
            if (other.doc_id, other.page, other.rotation, other.dark) != (key.doc_id, key.page, key.rotation, key.dark):
                continue
            # prefer larger renders: downscaling looks better than upscaling
            distance = abs(other.scale - key.scale) * (0.5 if other.scale > key.scale else 1.0)
            if distance < best_distance:
                best, best_distance = image, distance
        return best

    def pin(self, owner: object, keys: set[RenderKey]) -> None:
        self._pinned[owner] = set(keys)

    def unpin(self, owner: object) -> None:
        self._pinned.pop(owner, None)

    def drop_document(self, doc_id: int) -> None:
        for key in [k for k in self._images if k.doc_id == doc_id]:
            self._evict(key)

    def clear(self) -> None:
        self._images.clear()
        self._bytes = 0

    def _evict(self, key: RenderKey) -> None:
        self._bytes -= self._images.pop(key).sizeInBytes()

    def _purge(self) -> None:
        if self._bytes <= self.budget:
            return
        pinned = set().union(*self._pinned.values()) if self._pinned else set()
        for key in list(self._images):
            if self._bytes <= self.budget:
                break
            if key in pinned:
                continue
            self._evict(key)
