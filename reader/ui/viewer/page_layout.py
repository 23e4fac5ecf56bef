"""Where each page sits in the scrollable document, at the current zoom.

Pure arithmetic (no Qt) so it can be reasoned about and tested on its own. Units:
page sizes in PDF points; everything else in logical pixels of the scrolled
content, where zoom 1.0 means one point per logical pixel.
"""

from __future__ import annotations

import bisect

from reader.pdf.geometry import PAGE_MARGIN as MARGIN
from reader.pdf.geometry import fit_page_zoom, fit_width_zoom

PAGE_GAP = 10.0


class PageLayout:
    def __init__(self, page_sizes: list[tuple[float, float]]) -> None:
        self.page_sizes = list(page_sizes)
        self.zoom = 1.0
        self.viewport_width = 0.0
        self._tops: list[float] = []
        self._recompute()

    @property
    def page_count(self) -> int:
        return len(self.page_sizes)

    def set_zoom(self, zoom: float) -> None:
        self.zoom = zoom
        self._recompute()

    def set_page_sizes(self, page_sizes: list[tuple[float, float]]) -> None:
        """The real sizes, once known (pages first assume the first page's size)."""
        self.page_sizes = list(page_sizes)
        self._recompute()

    def set_viewport_width(self, width: float) -> None:
        self.viewport_width = width

    def _recompute(self) -> None:
        y = MARGIN
        self._tops = []
        for _, height in self.page_sizes:
            self._tops.append(y)
            y += height * self.zoom + PAGE_GAP
        self._height = y - PAGE_GAP + MARGIN if self.page_sizes else 0.0
        widest = max((w for w, _ in self.page_sizes), default=0.0)
        self._width = widest * self.zoom + 2 * MARGIN

    @property
    def content_width(self) -> float:
        return max(self._width, self.viewport_width)

    @property
    def content_height(self) -> float:
        return self._height

    def page_rect(self, index: int) -> tuple[float, float, float, float]:
        """(x, y, width, height) of a page, centred horizontally."""
        width, height = self.page_sizes[index]
        w, h = width * self.zoom, height * self.zoom
        return ((self.content_width - w) / 2, self._tops[index], w, h)

    def page_at(self, y: float) -> int:
        """The page whose slot (page plus the gap below it) contains ``y``."""
        if not self._tops:
            return 0
        return max(0, min(self.page_count - 1, bisect.bisect_right(self._tops, y) - 1))

    def visible_pages(self, y0: float, y1: float) -> list[int]:
        if not self._tops:
            return []
        first = self.page_at(y0)
        pages = []
        for index in range(first, self.page_count):
            top = self._tops[index]
            if top > y1:
                break
            if top + self.page_sizes[index][1] * self.zoom >= y0:
                pages.append(index)
        return pages

    def to_page(self, index: int, x: float, y: float) -> tuple[float, float]:
        """Content pixels -> page points."""
        px, py, _, _ = self.page_rect(index)
        return ((x - px) / self.zoom, (y - py) / self.zoom)

    def from_page(self, index: int, x: float, y: float) -> tuple[float, float]:
        px, py, _, _ = self.page_rect(index)
        return (px + x * self.zoom, py + y * self.zoom)

    def fit_width_zoom(self, viewport_width: float) -> float:
        return fit_width_zoom(viewport_width, max((w for w, _ in self.page_sizes), default=612.0))

    def fit_page_zoom(self, viewport_width: float, viewport_height: float, index: int) -> float:
        return fit_page_zoom(viewport_width, viewport_height, *(self.page_sizes[index] if self.page_sizes else (612.0, 792.0)))
