"""Zoom steps and pixel sizes shared by the UI and the render process.

Both sides must agree on the pixel size of a render before it happens: the UI
sizes the shared-memory slot the render process draws into, so the arithmetic
lives here, Qt-free and pymupdf-free.
"""

from __future__ import annotations

import math
from typing import NamedTuple

ZOOM_STEPS: tuple[float, ...] = (0.25, 0.33, 0.5, 0.67, 0.75, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 4.0)
MIN_ZOOM = ZOOM_STEPS[0]
MAX_ZOOM = ZOOM_STEPS[-1]
BYTES_PER_PIXEL = 4  # BGRA, i.e. QImage.Format_RGB32 on little-endian machines
# The most pixels one render may have (128 MiB): a letter page at 400 % on a HiDPI
# screen (scale 8) is 31 million and fits; larger pages are drawn scaled down.
MAX_RENDER_PIXELS = 1 << 25


class RenderKey(NamedTuple):
    """Identifies one render: the same key always means the same pixels."""

    doc_id: int
    page: int
    scale: float  # zoom x device pixel ratio, bucketed by bucket_scale
    rotation: int = 0
    dark: bool = False


def clamp_zoom(zoom: float) -> float:
    return min(MAX_ZOOM, max(MIN_ZOOM, zoom))


def next_zoom(zoom: float) -> float:
    """The first step strictly above ``zoom``, so fit-width zooms land on a round step."""
    for step in ZOOM_STEPS:
        if step > zoom + 1e-3:
            return step
    return MAX_ZOOM


def previous_zoom(zoom: float) -> float:
    for step in reversed(ZOOM_STEPS):
        if step < zoom - 1e-3:
            return step
    return MIN_ZOOM


def bucket_scale(scale: float) -> float:
    """Round a scale so that tiny float noise does not create distinct cache keys."""
    return round(scale, 4)


def drawn_scale(width_pt: float, height_pt: float, scale: float, max_pixels: int = MAX_RENDER_PIXELS) -> float:
    """The scale a page is really drawn at: ``scale``, lowered so the page has at most ``max_pixels``.

    A page may be 14,400 pt square, or far more with a large /UserUnit: at 400 %
    that alone would be 13 GB of shared memory. Such a page is drawn at the
    largest scale within the cap, and the viewer shows that image scaled up.
    """
    w, h = max(width_pt, 1e-3), max(height_pt, 1e-3)
    # one pixel of slack each way, as render_size adds, and a little for MuPDF's rounding
    if (w * scale + 2) * (h * scale + 2) <= max_pixels:
        return scale
    return max(1e-6, min(scale, 0.999 * math.sqrt(max_pixels / (w * h)) - 2 / min(w, h)))


def render_size(width_pt: float, height_pt: float, scale: float,
                max_pixels: int = MAX_RENDER_PIXELS) -> tuple[int, int]:
    """Pixel size of a page rendered at ``scale`` (within the cap), rounded outwards as MuPDF does (plus slack).

    Callers use this to size buffers, so erring one pixel large is harmless.
    """
    scale = drawn_scale(width_pt, height_pt, scale, max_pixels)
    return max(1, math.ceil(width_pt * scale) + 1), max(1, math.ceil(height_pt * scale) + 1)


def buffer_bytes(width_pt: float, height_pt: float, scale: float, max_pixels: int = MAX_RENDER_PIXELS) -> int:
    w, h = render_size(width_pt, height_pt, scale, max_pixels)
    return w * h * BYTES_PER_PIXEL


PAGE_MARGIN = 10.0  # logical pixels around the pages in the viewer; the fit zooms leave it free


def fit_width_zoom(viewport_width: float, page_width: float) -> float:
    return max(0.05, (viewport_width - 2 * PAGE_MARGIN) / page_width)


def fit_page_zoom(viewport_width: float, viewport_height: float, page_width: float, page_height: float) -> float:
    return max(0.05, min((viewport_width - 2 * PAGE_MARGIN) / page_width,
                         (viewport_height - 2 * PAGE_MARGIN) / page_height))


class FirstView(NamedTuple):
    """How a new tab will show its first page, so the render process can draw it with the open.

    ``fit`` is "width", "page" or "" (``zoom`` as given); ``viewports`` maps whether the
    document has an outline (which opens the side panel) to the page area's size in
    logical pixels, as the last tab laid out that way had it; a missing one means no guess.
    """

    fit: str
    zoom: float
    dpr: float
    viewports: dict[bool, tuple[int, int]]

    def scale(self, page_width: float, page_height: float, has_outline: bool) -> float | None:
        """The render scale the viewer will ask for, computed as the viewer computes it; None: unknown."""
        if not self.fit:
            return bucket_scale(self.zoom * self.dpr) if self.zoom > 0 else None
        size = self.viewports.get(has_outline)
        if size is None or page_width <= 0 or page_height <= 0:
            return None
        zoom = (fit_width_zoom(size[0], page_width) if self.fit == "width"
                else fit_page_zoom(size[0], size[1], page_width, page_height))
        return bucket_scale(zoom * self.dpr)
